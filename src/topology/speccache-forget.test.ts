// down forgets what the spec cache holds of a lab (found by the torture suite: after down, the
// cached specs of the lab's files stayed under /run/nsnet/cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import type { LabSpec } from './model.js';

const dir = fs.mkdtempSync(join(os.tmpdir(), 'nsnet-speccache-forget-'));
process.env.NSNET_RUN_DIR = join(dir, 'run');
const { cachedSpec, forgetLab, rememberSpec } = await import('./speccache.js');

const spec = (name: string): LabSpec => ({ name, prefix: '', nodes: [], bridges: [], links: [], uplinks: [] });
const remember = (file: string, lab: string) => {
  fs.writeFileSync(file, `name: ${lab}\n# ${file}\n`);
  rememberSpec(file, fs.readFileSync(file), { spec: spec(lab), warnings: [] });
  assert.equal(cachedSpec(file).hit?.spec.name, lab);
};

test("forgetLab removes every cached spec of the lab, whatever its file, and only the lab's", () => {
  const [a1, a2, b] = ['a1.yaml', 'a2.yaml', 'b.yaml'].map((f) => join(dir, f));
  remember(a1!, 'alpha');
  remember(a2!, 'alpha');
  remember(b!, 'beta');
  forgetLab('alpha');
  assert.equal(cachedSpec(a1!).hit, undefined);
  assert.equal(cachedSpec(a2!).hit, undefined);
  assert.equal(cachedSpec(b!).hit?.spec.name, 'beta');
});

test('forgetLab removes writes whose process died before the rename, not those of a live process', () => {
  const cache = join(dir, 'run', 'cache');
  fs.mkdirSync(cache, { recursive: true });
  const dead = join(cache, `0123.json.${2 ** 22 + 12345}.tmp`); // above pid_max's default: no such process
  const live = join(cache, `4567.json.${process.pid}.tmp`);
  fs.writeFileSync(dead, '{');
  fs.writeFileSync(live, '{');
  forgetLab('nobody');
  assert.equal(fs.existsSync(dead), false);
  assert.equal(fs.existsSync(live), true);
  fs.rmSync(dir, { recursive: true, force: true });
});
