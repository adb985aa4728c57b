/**
 * Where nsnet's package is on disk: the directory of its package.json, found by walking up from
 * this module. nsnet's code runs from two layouts at different depths, the compiled modules
 * (dist/src/<layer>/*.js: the library, the unit tests) and the CLI's bundle (dist/bundle/*.js,
 * scripts/bundle.mjs), so no module counts '..' from itself to reach package.json, schema/ or
 * src/web/static: each asks here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let dir: string | undefined;

/** The package's directory (the one holding its package.json). */
export function packageDir(): string {
  if (dir === undefined) {
    let d = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
    dir = d;
  }
  return dir;
}

/** A path inside the package: packagePath('schema', 'topology.schema.json'). */
export const packagePath = (...parts: string[]): string => join(packageDir(), ...parts);

let version: string | undefined;

/** The package's version, or 'unknown' when its package.json cannot be read. */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
