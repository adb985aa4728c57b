// The package as a user installs it: `npm pack`, the tarball installed into an empty project,
// `npx nsnet --help` run there, and a TypeScript file that imports nsnet type-checked there
// without @types/node. No kernel needed. The install is offline: tests run in a sandbox without
// a network, so the empty project gets a lockfile made from this repository's own (the
// tarballs `npm ci` put in npm's cache), plus the packed nsnet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

function run(cmd: string, args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env });
  return { code: r.status, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

interface Lock {
  packages: Record<string, { dev?: boolean; dependencies?: Record<string, string> }>;
}

/** An empty project whose only dependency is the tarball, locked to this repository's versions. */
function emptyProject(dir: string, tarball: string): void {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; dependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lock;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(dir, tarball))).digest('base64')}`;
  const me = { name: 'try-nsnet', version: '1.0.0', private: true, type: 'module', dependencies: { nsnet: `file:${tarball}` } };
  const packages: Record<string, unknown> = {
    '': { name: me.name, version: me.version, dependencies: me.dependencies },
    'node_modules/nsnet': { version: pkg.version, resolved: `file:${tarball}`, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [k, v] of Object.entries(lock.packages)) if (k !== '' && !v.dev) packages[k] = v;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(me, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: me.name, version: me.version, lockfileVersion: 3, requires: true, packages }, null, 2));
}

const USE_TS = `import { netns, hostNetns, openNetns, Lab, NsnetError, KernelError, type LinkInfo, type LabSpec } from 'nsnet';

export async function links(): Promise<LinkInfo[]> {
  const host = hostNetns();
  try {
    const child = host.spawn(['true']);
    child.on('close', (code) => void code);
    return await host.link.list();
  } catch (e) {
    if (e instanceof KernelError) throw new Error(e.code);
    throw e instanceof NsnetError ? new Error(e.message) : e;
  }
}
export const kinds = async (spec: LabSpec): Promise<string[]> => [spec.name, ...(await netns.list()).map((n) => n.name), String(openNetns), String(Lab)];
`;

test('npm pack holds the library, the CLI bundle, the bin, the schema and the README; installed, nsnet runs and type-checks without @types/node', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const packed = run('npm', ['pack', '--json', '--pack-destination', dir], root);
  assert.equal(packed.code, 0, `npm pack: ${packed.err}`);
  const [info] = JSON.parse(packed.out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = info!.files.map((f) => f.path);
  const stray = files.filter((f) => !/^(dist\/src\/.+\.(js|d\.ts)|dist\/bundle\/[^/]+\.js|bin\/nsnet\.js|schema\/[^/]+\.json|src\/web\/static\/[^/]+\.(html|js|css)|README\.md|package\.json|LICENSE)$/u.test(f) || /\.test\.|\/testing\./u.test(f));
  assert.deepEqual(stray, [], 'files that are not the library, the bundle, the bin, the schema or the README');
  for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/bundle/nsnet.js', 'dist/bundle/crew-worker.js', 'bin/nsnet.js', 'schema/topology.schema.json', 'src/web/static/index.html', 'README.md']) {
    assert.ok(files.includes(f), `the package holds ${f}`);
  }

  emptyProject(dir, info!.filename);
  const installed = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], dir);
  assert.equal(installed.code, 0, `npm ci of the tarball (offline, from npm's cache): ${installed.err}`);

  const help = run('npx', ['--offline', 'nsnet', '--help'], dir);
  assert.equal(help.code, 0, `npx nsnet --help: ${help.err}`);
  assert.match(help.out, /^Usage: nsnet /m);

  writeFileSync(join(dir, 'use.ts'), USE_TS);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] },
    files: ['use.ts'],
  }));
  const tsc = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], dir);
  assert.equal(tsc.code, 0, `tsc on a file importing nsnet, without @types/node:\n${tsc.out}${tsc.err}`);
});
