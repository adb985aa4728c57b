/**
 * Random labs big enough for `up` to share their rank groups between threads (lab-workers.test.ts):
 * 70-130 nodes, hosts on 1-3 bridges, some point-to-point links, MTUs, MACs, IPv6, routes, sysctls.
 */
import type { TopologyInput } from '../../src/topology/schema.js';
import { prng } from '../../src/wire/rtnl/testing.js';

export const BIG_LAB = 'pw';
export const BIG_PREFIX = 'pw-';
const LAB = BIG_LAB;
const PREFIX = BIG_PREFIX;

export /** A random lab of 70-130 nodes: hosts on 1-3 bridges, some point-to-point links, MTUs, MACs, IPv6, routes, sysctls. */
function randomBig(seed: number): TopologyInput {
  const r = prng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const n = 70 + int(60);
  const bridges = 1 + int(3);
  const nodes: Record<string, { interfaces: Record<string, unknown>; routes?: unknown[]; sysctls?: Record<string, string>; ipv6?: boolean }> = {};
  const links: unknown[] = [];
  const brs: Record<string, unknown> = {};
  for (let b = 0; b < bridges; b++) brs[`br${b}`] = { addresses: [`10.${20 + b}.255.254/16`] };
  let p2p = 0;
  for (let i = 1; i <= n; i++) {
    const node: (typeof nodes)[string] = { interfaces: {} };
    const v6 = r() < 0.2;
    if (v6) node.ipv6 = true;
    if (r() < 0.85) {
      const b = int(bridges);
      const eth: Record<string, unknown> = { addresses: [`10.${20 + b}.${i >> 8}.${i & 255}/16`, ...(v6 ? [`fd00:${20 + b}::${i.toString(16)}/64`] : [])] };
      if (r() < 0.1) eth.mtu = 1400;
      if (r() < 0.1) eth.mac = `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
      node.interfaces.eth0 = eth;
      links.push([`h${i}:eth0`, `br${b}`]);
      if (r() < 0.3) node.routes = [{ to: `192.168.${i & 255}.0/24`, via: `10.${20 + b}.255.254` }];
    }
    if (r() < 0.4) node.sysctls = { 'net.ipv4.ip_forward': String(int(2)) };
    nodes[`h${i}`] = node;
  }
  for (let i = 1; i <= n; i++) {
    if (r() >= 0.15) continue;
    const j = 1 + int(n);
    if (j === i) continue;
    p2p++;
    nodes[`h${i}`]!.interfaces[`p${p2p}`] = { addresses: [`172.16.${p2p}.1/30`] };
    nodes[`h${j}`]!.interfaces[`q${p2p}`] = { addresses: [`172.16.${p2p}.2/30`] };
    links.push([`h${i}:p${p2p}`, `h${j}:q${p2p}`]);
  }
  return { name: LAB, prefix: PREFIX, nodes, bridges: brs, links } as TopologyInput;
}

