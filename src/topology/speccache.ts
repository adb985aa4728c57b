/**
 * A cache of validated topology files, so that `nsnet up` of a file that has not changed since
 * it was last validated skips the YAML parser and the validator (at 1000 nodes, importing and
 * running them is ~0.3 s of a ~1 s no-op up). The kernel is still observed in full: only the
 * file → LabSpec step is cached.
 *
 * Keyed by the file's absolute path; valid only for the same bytes (sha256) and the same build
 * of nsnet's topology code (the package version and the newest mtime of its modules), so an edit
 * of the file or an upgrade or rebuild of nsnet misses. Entries live under /run/nsnet/cache (tmpfs).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../api/packagedir.js';
import { runDir } from '../api/rundir.js';
import type { TopologyIssue } from './issues.js';
import type { LabSpec } from './model.js';

export interface CachedSpec {
  spec: LabSpec;
  warnings: TopologyIssue[];
}

interface Entry extends CachedSpec {
  key: string;
}

let buildId: string | undefined;
/**
 * This build of nsnet's topology code: the package version and the newest mtime of the modules
 * in this module's directory and below it. Compiled (dist/src/topology) that is the topology
 * modules, validate/ included; in the CLI's bundle (dist/bundle, flat) it is every chunk of the
 * bundle, which each build writes anew: a rebuilt validator misses either way.
 */
function build(): string {
  if (buildId === undefined) {
    let stamp = '?';
    try {
      stamp = String(newestModule(dirname(fileURLToPath(import.meta.url))));
    } catch {
      /* an unusual install: every lookup then misses on the stamp */
    }
    buildId = `${packageVersion()}:${stamp}`;
  }
  return buildId;
}

/** The newest mtime of the .js modules under `dir`. */
function newestModule(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestModule(p));
    else if (e.name.endsWith('.js')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const entryPath = (abs: string): string => join(runDir(), 'cache', `${createHash('sha256').update(abs).digest('hex').slice(0, 32)}.json`);
const keyOf = (bytes: Buffer): string => `${build()}:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * The file's bytes now, and the validated spec if those bytes are the ones validated last time.
 * Pass `bytes` to rememberSpec after validating.
 */
export function cachedSpec(abs: string): { bytes?: Buffer; hit?: CachedSpec } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(abs);
  } catch {
    return {}; // the loader reports an unreadable file properly
  }
  try {
    const e = JSON.parse(fs.readFileSync(entryPath(abs), 'utf8')) as Entry;
    if (e.key === keyOf(bytes)) return { bytes, hit: { spec: e.spec, warnings: e.warnings } };
  } catch {
    /* no entry */
  }
  return { bytes };
}

/**
 * Remember the validated spec of `abs`, read as `bytes` before validation. Nothing is stored if
 * the file changed meanwhile (best effort: a failure to write only costs speed).
 */
export function rememberSpec(abs: string, bytes: Buffer, value: CachedSpec): void {
  try {
    if (!fs.readFileSync(abs).equals(bytes)) return;
    const p = entryPath(abs);
    fs.mkdirSync(join(runDir(), 'cache'), { recursive: true, mode: 0o700 });
    const tmp = `${p}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key: keyOf(bytes), ...value } satisfies Entry));
    fs.renameSync(tmp, p);
  } catch {
    /* best effort */
  }
}

/**
 * Forget what the cache holds of lab `lab` (on down, so nothing of a lab stays under /run/nsnet
 * after it): every entry whose spec is that lab's, whatever file it came from, and the temporary
 * files of writes whose process died before the rename.
 */
export function forgetLab(lab: string): void {
  const dir = join(runDir(), 'cache');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    const tmp = /\.(\d+)\.tmp$/.exec(n);
    if (tmp) {
      if (!alive(Number(tmp[1]))) fs.rmSync(p, { force: true });
      continue;
    }
    try {
      if ((JSON.parse(fs.readFileSync(p, 'utf8')) as Partial<Entry>).spec?.name === lab) fs.rmSync(p, { force: true });
    } catch {
      /* unreadable: a later lookup ignores it */
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
