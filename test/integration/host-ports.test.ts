// The veth ends a lab makes in the host namespace are bridge ports only: they come up with IPv6
// off (no link-local address, no route, nothing for the kernel's IPv6 to walk when a link
// changes), while the bridges and the nodes keep IPv6 as the file says, and IPv6 still crosses
// the bridge. Read independently: /proc/sys and ip -j, not nsnet's observer.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Lab } from '../../src/apply/index.js';
import { ipj, labSkip, ping } from '../helpers/lab.js';

interface IpAddr { ifname: string; addr_info: { family: string; local: string }[] }
interface IpRoute { dst: string; dev?: string }

const ipv6Off = (dev: string): string => readFileSync(`/proc/sys/net/ipv6/conf/${dev}/disable_ipv6`, 'utf8').trim();
const portsOf = (bridge: string): string[] => ipj<{ ifname: string }[]>('link', 'show', 'master', bridge).map((l) => l.ifname).sort();

function lab(h2Bridge: 'lan' | 'lan2'): Parameters<typeof Lab.from>[0] {
  return {
    name: 'hostports',
    prefix: 'hp-',
    ipv6: true,
    nodes: {
      h1: { interfaces: { eth0: { addresses: ['10.7.1.1/24', 'fd00:7:1::1/64'] } } },
      h2: { interfaces: { eth0: { addresses: ['10.7.1.2/24', 'fd00:7:1::2/64'] } } },
      h3: { interfaces: { eth0: { addresses: ['10.7.1.3/24', 'fd00:7:1::3/64'] } } },
    },
    bridges: { lan: { addresses: ['10.7.1.254/24', 'fd00:7:1::fe/64'] }, lan2: {} },
    links: [['h1:eth0', 'lan'], ['h2:eth0', h2Bridge], ['h3:eth0', 'lan']],
  };
}

test('host-side bridge ports have IPv6 off; bridges and nodes keep it; IPv6 crosses the bridge; an edit keeps it so', { skip: labSkip }, async (t) => {
  const l = await Lab.upFor(t, lab('lan'));
  const ports = portsOf('lan');
  assert.equal(ports.length, 3, `three ports on lan: ${ports.join(', ')}`);
  for (const p of ports) assert.equal(ipv6Off(p), '1', `${p}: net.ipv6.conf.${p}.disable_ipv6`);
  const addrs = ipj<IpAddr[]>('-6', 'addr', 'show');
  const onPorts = addrs.filter((a) => ports.includes(a.ifname) && a.addr_info.length > 0);
  assert.deepEqual(onPorts, [], 'no IPv6 address on a port');
  const routes = ipj<IpRoute[]>('-6', 'route', 'show', 'table', 'all');
  assert.deepEqual(routes.filter((r) => r.dev !== undefined && ports.includes(r.dev)), [], 'no IPv6 route through a port');
  // The bridge keeps its IPv6 address, the nodes theirs, and IPv6 crosses the bridge both ways.
  assert.equal(ipv6Off('lan'), '0', 'the bridge keeps IPv6');
  assert.ok(addrs.some((a) => a.ifname === 'lan' && a.addr_info.some((i) => i.local === 'fd00:7:1::fe')), 'the bridge has its address');
  assert.ok(ping(l.netnsOf('h1'), 'fd00:7:1::3'), 'h1 reaches h3 over IPv6 across the bridge');
  assert.ok(ping(l.netnsOf('h3'), 'fd00:7:1::fe'), 'h3 reaches the bridge over IPv6');
  // An edit moves h2 to the other bridge: its port, however the plan gets it there, has IPv6 off.
  await Lab.from(lab('lan2')).up();
  const moved = portsOf('lan2');
  assert.equal(moved.length, 1, `one port on lan2: ${moved.join(', ')}`);
  assert.equal(ipv6Off(moved[0]!), '1', `${moved[0]}: disable_ipv6 after the edit`);
  assert.equal((await Lab.from(lab('lan2')).plan()).noop, true, 'the edit converged: plan is empty');
});
