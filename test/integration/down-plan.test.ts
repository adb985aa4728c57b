// nsnet down --dry-run: down's plan (planDown) printed, nothing changed; then down does what it said.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipj, labSkip, namespaces, nsnet, ok } from '../helpers/lab.js';

test('down --dry-run lists the removals down then makes, and changes nothing', { skip: labSkip }, (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'nsnet-downplan-')), 'dp.yaml');
  writeFileSync(file, [
    'name: dp', 'prefix: dp-',
    'nodes:', '  a: { interfaces: { eth0: { addresses: [10.61.0.1/24] } } }', '  b: { interfaces: { eth0: { addresses: [10.61.0.2/24] } } }',
    'bridges:', '  dpbr: {}',
    'links:', '  - [a:eth0, dpbr]', '  - [b:eth0, dpbr]', '',
  ].join('\n'));
  t.after(() => nsnet('down', '--lab', 'dp'));
  ok('up', file);
  // What exists (not its state: a new bridge's operstate goes from UNKNOWN to UP by itself).
  const host = () => ({ ns: namespaces(), links: ipj<{ ifname: string; ifalias?: string }[]>('link', 'show').map((l) => `${l.ifname} ${l.ifalias ?? ''}`) });
  const before = host();

  const text = ok('down', '--dry-run', file);
  assert.match(text, /^lab dp: 4 actions$/m);
  assert.match(text, /- down-backend +ovs bridges of lab dp, if any/);
  assert.match(text, /- delete-netns +namespace dp-a/);
  assert.match(text, /- delete-netns +namespace dp-b/);
  assert.match(text, /- delete-link +host link dpbr/);
  assert.match(text, /^and 2 host veths that go with the namespaces: /m);
  const plan = JSON.parse(ok('down', '--dry-run', '-j', '--lab', 'dp')) as { actions: { op: string; target: string }[]; going: unknown[] };
  assert.deepEqual(plan.actions.map((a) => a.op).sort(), ['delete-link', 'delete-netns', 'delete-netns', 'down-backend']);
  assert.deepEqual(host(), before, 'a dry run changes nothing');

  const down = ok('down', file);
  assert.match(down, /^lab dp is down: removed 2 namespaces and 1 host link in /);
  assert.deepEqual(namespaces().filter((n) => n.startsWith('dp-')), []);
  assert.match(ok('down', '--dry-run', '--lab', 'dp'), /^lab dp: nothing to remove \(no record and no object with its mark on this host\)$/m);
});
