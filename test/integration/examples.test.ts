// examples/leaf-spine.yaml applied for real: every host reaches every other over IPv4, the
// dual-stack pair over IPv6, the long interface name is an altname, and down leaves nothing.
// (examples/seed.yaml and examples/router.yaml are applied in lab.test.ts.)
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { examples, ipj, labSkip, namespaces, nsnet, ok } from '../helpers/lab.js';

const file = join(examples, 'leaf-spine.yaml');

/** ping from a namespace, retried while IPv6 addresses finish duplicate address detection. */
function reach(ns: string, addr: string, tries = 1): boolean {
  for (let i = 0; i < tries; i++) {
    if (spawnSync('ip', ['netns', 'exec', ns, 'ping', '-c1', '-W2', addr]).status === 0) return true;
    spawnSync('sleep', ['0.5']);
  }
  return false;
}

test('leaf-spine: every host reaches every other; the dual-stack pair over IPv6 too', { skip: labSkip }, (t) => {
  t.after(() => nsnet('down', '--lab', 'leaf-spine'));
  ok('up', file);
  assert.deepEqual(namespaces(), ['ls-h11', 'ls-h12', 'ls-h21', 'ls-h22', 'ls-l1', 'ls-l2', 'ls-s1', 'ls-s2']);
  assert.match(ok('up', file), /nothing to do/);

  const hosts: Record<string, string> = { h11: '10.1.1.11', h12: '10.1.1.12', h21: '10.1.2.21', h22: '10.1.2.22' };
  for (const [from] of Object.entries(hosts)) {
    for (const [to, addr] of Object.entries(hosts)) {
      if (from !== to) assert.ok(reach(`ls-${from}`, addr, 2), `${from} → ${to} (${addr})`);
    }
  }
  assert.ok(reach('ls-h11', '2001:db8:2::21', 10), 'h11 → h21 over IPv6');
  assert.ok(reach('ls-h21', '2001:db8:1::11', 10), 'h21 → h11 over IPv6');

  // IPv6 only where the file uses it: h12 has no IPv6, h11 has.
  const v6 = (ns: string) => spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-n', 'net.ipv6.conf.all.disable_ipv6'], { encoding: 'utf8' }).stdout.trim();
  assert.equal(v6('ls-h12'), '1');
  assert.equal(v6('ls-h11'), '0');

  // The logical name longer than 15 bytes: a valid kernel name, the long name as its altname.
  const s2 = ipj<Array<{ ifname: string; altnames?: string[] }>>('-n', 'ls-s2', 'link', 'show');
  const fabric = s2.find((l) => l.altnames?.includes('eth-to-leaf2-fabric'));
  assert.ok(fabric, `an s2 link has the altname eth-to-leaf2-fabric: ${JSON.stringify(s2)}`);
  assert.ok(Buffer.byteLength(fabric.ifname) <= 15);

  ok('down', file);
  assert.deepEqual(namespaces(), []);
});
