#!/usr/bin/env node
// npm test: every compiled *.test.js under dist/, run by node:test inside the sandbox
// (scripts/sandbox.mjs). `--unit` runs only the tests that need no kernel.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const unitOnly = process.argv.includes('--unit');
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(relative(root, p));
  }
}
for (const d of ['dist/src', 'dist/test', 'dist/bench']) {
  try { walk(join(root, d)); } catch { /* not built */ }
}
files.sort();
const selected = unitOnly ? files.filter((f) => !f.includes('/integration/')) : files;
if (selected.length === 0) {
  console.error('test: no compiled tests under dist/ (run npm run build)');
  process.exit(1);
}
const nodeArgs = ['--test', '--test-concurrency=2', '--test-reporter=spec', ...selected];
const args = unitOnly ? [process.execPath, ...nodeArgs] : [process.execPath, join(root, 'scripts/sandbox.mjs'), process.execPath, ...nodeArgs];
const r = spawnSync(args[0], args.slice(1), { stdio: 'inherit', cwd: root, env: process.env });
process.exit(r.status ?? 1);
