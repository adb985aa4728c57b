// nsnet graph of a running lab: a link set down shows as down in every format, the rest does not.
import { isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab, openNetns } from '../../src/index.js';

const skip = kernelSkip;
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const nsnet = (...a: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'nsnet.js'), ...a], { encoding: 'utf8' });

test('graph --lab of a running lab: the link set down is drawn down (DOT, Mermaid, SVG)', { skip }, async (t) => {
  const file = join(ROOT, 'examples', 'router.yaml');
  await Lab.upFor(t, Lab.load(file));
  const before = nsnet('graph', '--lab', 'router');
  assert.equal(before.status, 0, before.stderr);
  assert.doesNotMatch(before.stdout, /down/);
  const h1 = await openNetns('h1');
  await h1.link.set('eth0', { up: false });
  h1.close();
  const dot = nsnet('graph', file);
  assert.equal(dot.status, 0, dot.stderr);
  assert.match(dot.stdout, /"n:h1" -- "n:r1" \[[^\]]*label="down"[^\]]*color="red"\];/);
  assert.equal((dot.stdout.match(/label="down"/g) ?? []).length, 1);
  const mm = nsnet('graph', '--lab', 'router', '--mermaid');
  assert.equal(mm.status, 0, mm.stderr);
  assert.match(mm.stdout, /^graph LR/);
  assert.match(mm.stdout, /-\.-\|"eth0 – eth0<br\/>down"\|/);
  assert.match(mm.stdout, /linkStyle \d+ stroke:#d00/);
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-graph-'));
  const svg = nsnet('graph', '--lab', 'router', '--svg', join(dir, 'router.svg'));
  assert.equal(svg.status, 0, svg.stderr);
  assert.match(readFileSync(join(dir, 'router.svg'), 'utf8'), /<svg[\s\S]*>h1<[\s\S]*>down</);
  execFileSync('rm', ['-rf', dir]);
});

test('graph: bad use is one clear line and exit 2', { skip }, () => {
  const r = nsnet('graph', join(ROOT, 'examples', 'router.yaml'), '--dot', '--mermaid');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nsnet: graph: give one of --dot, --mermaid, --svg FILE\n$/);
  const none = nsnet('graph');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /give a topology FILE or --lab NAME/);
});
