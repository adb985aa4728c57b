// IPv6 works when `up` returns: every link is operstate UP, a dual-stack chain of routers (and a
// bridge inside a router) answers pings over IPv6 end to end at once, with no retry and no sleep,
// and no address in the lab is tentative. (The kernel's duplicate address detection used to keep every link-local
// tentative for a second or more, and a router cannot solicit a neighbour for a packet it
// forwards until its link-local is usable.)
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../src/apply/index.js';
import { ip, labSkip, ping } from '../helpers/lab.js';

/** h1 — r1 — r2 — r3 — [br in r3] — h2, IPv6 and IPv4 on every link, static routes both ways. */
function chain(): Parameters<typeof Lab.from>[0] {
  const fwd = { 'net.ipv6.conf.all.forwarding': 1, 'net.ipv4.ip_forward': 1 };
  return {
    name: 'v6chain',
    prefix: 'v6-',
    nodes: {
      h1: {
        interfaces: { eth0: { addresses: ['10.6.1.10/24', 'fd00:6:1::10/64'] } },
        routes: [{ to: 'default', via: '10.6.1.1' }, { to: 'default', via: 'fd00:6:1::1' }],
      },
      r1: {
        interfaces: { eth0: { addresses: ['10.6.1.1/24', 'fd00:6:1::1/64'] }, eth1: { addresses: ['10.6.2.1/24', 'fd00:6:2::1/64'] } },
        sysctls: fwd,
        routes: [{ to: 'fd00:6:3::/64', via: 'fd00:6:2::2' }, { to: 'fd00:6:4::/64', via: 'fd00:6:2::2' }, { to: '10.6.3.0/24', via: '10.6.2.2' }, { to: '10.6.4.0/24', via: '10.6.2.2' }],
      },
      r2: {
        interfaces: { eth0: { addresses: ['10.6.2.2/24', 'fd00:6:2::2/64'] }, eth1: { addresses: ['10.6.3.1/24', 'fd00:6:3::1/64'] } },
        sysctls: fwd,
        routes: [{ to: 'fd00:6:1::/64', via: 'fd00:6:2::1' }, { to: 'fd00:6:4::/64', via: 'fd00:6:3::2' }, { to: '10.6.1.0/24', via: '10.6.2.1' }, { to: '10.6.4.0/24', via: '10.6.3.2' }],
      },
      r3: {
        interfaces: { eth0: { addresses: ['10.6.3.2/24', 'fd00:6:3::2/64'] } },
        sysctls: fwd,
        routes: [{ to: 'fd00:6:1::/64', via: 'fd00:6:3::1' }, { to: 'fd00:6:2::/64', via: 'fd00:6:3::1' }, { to: '10.6.1.0/24', via: '10.6.3.1' }, { to: '10.6.2.0/24', via: '10.6.3.1' }],
      },
      h2: {
        interfaces: { eth0: { addresses: ['10.6.4.10/24', 'fd00:6:4::10/64'] } },
        routes: [{ to: 'default', via: '10.6.4.1' }, { to: 'default', via: 'fd00:6:4::1' }],
      },
    },
    bridges: { lan: { node: 'r3', addresses: ['10.6.4.1/24', 'fd00:6:4::1/64'] } },
    links: [['h1:eth0', 'r1:eth0'], ['r1:eth1', 'r2:eth0'], ['r2:eth1', 'r3:eth0'], ['h2:eth0', 'lan']],
  };
}

test('IPv6 across three routers answers as soon as up returns, no address tentative', { skip: labSkip }, async (t) => {
  const lab = await Lab.upFor(t, chain());
  // Every link started: operstate UP as a dump reads it (a dump does not make the kernel finish a
  // pending carrier change, a GETLINK of the device does: up has done that, apply/linkwatch.ts).
  const notUp = ['h1', 'r1', 'r2', 'r3', 'h2'].flatMap((n) => (JSON.parse(ip('-j', '-n', lab.netnsOf(n), 'link', 'show')) as { ifname: string; operstate: string }[])
    .filter((l) => l.ifname !== 'lo' && l.operstate !== 'UP').map((l) => `${n}:${l.ifname} ${l.operstate}`));
  assert.deepEqual(notUp, [], 'every link of the lab is operstate UP when up returns');
  // Right away: no retry, no sleep. Each direction, end to end and to each router on the way.
  const far = ['fd00:6:4::10', 'fd00:6:3::2', 'fd00:6:3::1', 'fd00:6:2::2', 'fd00:6:4::1'];
  const failed = far.filter((a) => !ping(lab.netnsOf('h1'), a));
  if (!ping(lab.netnsOf('h2'), 'fd00:6:1::10')) failed.push('h2 → fd00:6:1::10');
  assert.deepEqual(failed, [], 'every IPv6 ping answered at the first try');
  // And none of the lab's IPv6 addresses, link-locals included, is tentative.
  for (const n of ['h1', 'r1', 'r2', 'r3', 'h2']) {
    const text = ip('-n', lab.netnsOf(n), '-6', 'addr', 'show');
    assert.doesNotMatch(text, /tentative|dadfailed/, `${n}: ${text}`);
    assert.match(text, /scope link/, `${n} has its link-locals`);
  }
});
