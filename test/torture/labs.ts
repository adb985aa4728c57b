/**
 * The labs the torture builds, as topology files, and the pings that prove each one works.
 *
 * crashLab(name, prefix): 50 nodes: 40 hosts on a host bridge (with a NAT uplink), a chain of 5
 * routers (point-to-point /30 links and static routes in both directions), and a stub host behind
 * each router. Every host's gateway is the host bridge (NAT to the stand-in internet); the lab's
 * other networks are reached through r1.
 *
 *   h1..h40 ── <bridge 10.N.0.1/24, NAT> ── r1 ── r2 ── r3 ── r4 ── r5
 *                                            │     │     │     │     │
 *                                            s1    s2    s3    s4    s5
 *
 * smallLab(name, prefix, hosts): hosts on their own bridge, for side-by-side and concurrency runs.
 */
import { stringify } from 'yaml';
import { INTERNET_ADDR } from './world.js';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export interface Ping {
  /** Node name (the namespace is prefix + node). */
  from: string;
  to: string;
  why: string;
}

export interface LabFile {
  name: string;
  prefix: string;
  /** Host-side bridge name. */
  bridge: string;
  yaml: string;
  nodes: string[];
  pings: Ping[];
}

/**
 * A 50-node lab; `net` is the second octet of the bridge subnet, `net + 10` of the routers' links,
 * `net + 11` of the stubs'. The `edited` variant is what a user's edit makes of it: hosts h36..h40
 * removed, h50..h54 added, the hosts' route to the stubs given a metric (replaced), and impairments
 * edited: r1 ── r2's changed in place (another rate, a 0% loss added), r3:eth2's cleared, h2's
 * cable impaired both ways (its host-side bridge port too).
 */
export function crashLab(name: string, prefix: string, net: number, bridge: string, variant: 'base' | 'edited' = 'base'): LabFile {
  const B = `10.${net}.0`;
  const P = (i: number) => `10.${net + 10}.${i}`; // r_i ── r_{i+1}: P(i).1 / P(i).2, a /30
  const S = (i: number) => `10.${net + 11}.${i}`; // r_i ── s_i: S(i).1 / S(i).10, a /24
  const nodes: Record<string, unknown> = {};
  const links: unknown[] = [];
  const pings: Ping[] = [];
  const hosts = variant === 'base' ? range(1, 40) : [...range(1, 35), ...range(50, 54)];
  for (const i of hosts) {
    const stubs: Record<string, unknown> = { to: `10.${net + 11}.0.0/16`, via: `${B}.254` };
    if (variant === 'edited') stubs.metric = 10;
    nodes[`h${i}`] = {
      interfaces: { eth0: { addresses: [`${B}.${10 + i}/24`] } },
      routes: [{ to: 'default', via: `${B}.1` }, { to: `10.${net + 10}.0.0/16`, via: `${B}.254` }, stubs],
    };
    // Impairment edits: the edited file impairs h2's cable both ways (its bridge port in the host too).
    links.push(variant === 'edited' && i === 2 ? { endpoints: [`h${i}:eth0`, bridge], impair: { rate: '100mbit' } } : [`h${i}:eth0`, bridge]);
    pings.push({ from: `h${i}`, to: `${B}.1`, why: 'host → its gateway, the host bridge' });
  }
  for (let i = 1; i <= 5; i++) {
    const ifs: Record<string, unknown> = { eth2: { addresses: [`${S(i)}.1/24`] } };
    // Impairment edits: r3's stub cable is impaired in the base file only (the edit clears it).
    if (i === 3 && variant === 'base') ifs.eth2 = { addresses: [`${S(i)}.1/24`], impair: { rate: '50mbit' } };
    const routes: unknown[] = [];
    if (i === 1) {
      ifs.eth0 = { addresses: [`${B}.254/24`] };
      links.push([`r1:eth0`, bridge]);
      routes.push({ to: 'default', via: `${B}.1` });
    } else {
      ifs.eth0 = { addresses: [`${P(i - 1)}.2/30`] };
      routes.push({ to: 'default', via: `${P(i - 1)}.1` });
    }
    if (i < 5) {
      ifs.eth1 = { addresses: [`${P(i)}.1/30`] };
      // Impairment edits: r1 ── r2 changes in place (rate, and a 0% loss: the drop filter, never dropping).
      const impair = i !== 1 ? {} : { impair: variant === 'base' ? { rate: '100mbit' } : { rate: '200mbit', loss: '0%' } };
      links.push({ endpoints: [`r${i}:eth1`, `r${i + 1}:eth0`], mtu: 1400, ...impair });
      for (let j = i + 1; j <= 5; j++) {
        routes.push({ to: `${S(j)}.0/24`, via: `${P(i)}.2` });
        if (j < 5) routes.push({ to: `${P(j)}.0/30`, via: `${P(i)}.2` });
      }
      pings.push({ from: `r${i}`, to: `${P(i)}.2`, why: `router → next router` });
    }
    nodes[`r${i}`] = { interfaces: ifs, routes, sysctls: { 'net.ipv4.ip_forward': 1 } };
    nodes[`s${i}`] = { interfaces: { eth0: { addresses: [`${S(i)}.10/24`] } }, routes: [{ to: 'default', via: `${S(i)}.1` }] };
    links.push([`r${i}:eth2`, `s${i}:eth0`]);
    pings.push({ from: `s${i}`, to: `${S(i)}.1`, why: 'stub → its router' });
  }
  pings.push(
    { from: 'h1', to: `${B}.254`, why: 'host → r1 across the bridge' },
    { from: 's5', to: `${B}.11`, why: 'the far stub → h1 through every router' },
    { from: `h${hosts.at(-1)}`, to: `${S(5)}.10`, why: 'the last host → the far stub through every router' },
    { from: 'h1', to: INTERNET_ADDR, why: 'h1 → the internet through the NAT uplink (no route back without masquerade)' },
    { from: `h${hosts.at(-1)}`, to: INTERNET_ADDR, why: 'the last host → the internet through the NAT uplink' },
  );
  const doc = { name, prefix, nodes, bridges: { [bridge]: { addresses: [`${B}.1/24`] } }, links, uplinks: [{ type: 'nat', bridge }] };
  return { name, prefix, bridge, yaml: stringify(doc, { lineWidth: 0 }), nodes: Object.keys(nodes), pings };
}

/** `hosts` hosts on a host bridge 10.`net`.0.1/24, pinging the bridge and each other; with `nat`, a NAT uplink and a ping to the internet. */
export function smallLab(name: string, prefix: string, net: number, bridge: string, hosts: number, nat = false): LabFile {
  const nodes: Record<string, unknown> = {};
  const links: unknown[] = [];
  const pings: Ping[] = [];
  for (let i = 1; i <= hosts; i++) {
    nodes[`h${i}`] = { interfaces: { eth0: { addresses: [`10.${net}.0.${10 + i}/24`] } }, routes: [{ to: 'default', via: `10.${net}.0.1` }] };
    links.push([`h${i}:eth0`, bridge]);
    pings.push({ from: `h${i}`, to: `10.${net}.0.1`, why: 'host → the bridge' });
  }
  pings.push({ from: 'h1', to: `10.${net}.0.${10 + hosts}`, why: 'first host → last host' });
  if (nat) pings.push({ from: `h${hosts}`, to: INTERNET_ADDR, why: 'last host → the internet through the NAT uplink' });
  const doc = { name, prefix, nodes, bridges: { [bridge]: { addresses: [`10.${net}.0.1/24`] } }, links, ...(nat ? { uplinks: [{ type: 'nat', bridge }] } : {}) };
  return { name, prefix, bridge, yaml: stringify(doc, { lineWidth: 0 }), nodes: Object.keys(nodes), pings };
}
