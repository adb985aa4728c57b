// The README's main command runs examples/demo.sh (inside the sandbox): it must work, with ping
// and on a machine without it.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { examples, labSkip, namespaces, root } from '../helpers/lab.js';

const demo = (env: Record<string, string>) =>
  spawnSync('bash', [join(examples, 'demo.sh')], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

test('the demo builds router.yaml, shows h1 reaching h2 through r1, and tears it down', { skip: labSkip }, () => {
  const r = demo({});
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /lab router is up: /);
  assert.match(r.stdout, /lab router is up to date \(3 nodes, 2 links\): nothing to do/);
  assert.match(r.stdout, /3 packets transmitted, 3 received/);
  assert.match(r.stdout, /From 10\.0\.1\.1 .*Time to live exceeded/);
  assert.match(r.stdout, /lab router is down/);
  assert.deepEqual(namespaces(), []);
});

test('without ping, the demo proves reachability with a TCP connection', { skip: labSkip }, () => {
  const r = demo({ NSNET_DEMO_NO_PING: '1' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /connected to 10\.0\.2\.10:7000 in [\d.]+ ms: hello from h2/);
  assert.deepEqual(namespaces(), []);
});
