/**
 * `failable: true` on a veth link between two nodes: the link goes through a middle the lab
 * controls, so `nsnet link-down` can pull the cable with both node ends losing carrier
 * (NO-CARRIER) while they stay administratively up. A veth pair cannot do that on its own (the
 * kernel refuses carrier off and protodown for veth; one end down gives NO-CARRIER only on the
 * other), so each node's end is paired with a port of a bridge in a hidden namespace of the lab
 * (node `~wires`, which no file can name); turning those ports down cuts the link.
 *
 * The normalized lab holds the middle as ordinary objects (the hidden node, one bridge per
 * failable link, two veths), so up, observe, plan, status and down treat it like the rest:
 * down removes the hidden namespace with the lab. Opt-in: two veths and a bridge instead of one
 * veth cost build time (see the README).
 */
import type { Issues } from './issues.js';
import type { LabSpec, LinkSpec, NodeSpec } from './model.js';

/** The hidden node's name: not a valid node name in a file, so it cannot clash with one. */
export const WIRES = '~wires';

/** The hidden node's namespace for a lab. */
export const wiresNetns = (lab: LabSpec): string => `${lab.prefix}${lab.name}${WIRES}`;

/** The bridge that is the middle of failable link number `i` (in the hidden node), and its two ports. */
export const middleOf = (i: number): { bridge: string; a: string; b: string } => ({ bridge: `f${i}`, a: `f${i}a`, b: `f${i}b` });

/** Indexes of links written with `failable: true` (checked: only a node-to-node veth). */
export function collectFailable(raw: Record<string, unknown>): Set<number> {
  const out = new Set<number>();
  (Array.isArray(raw.links) ? raw.links : []).forEach((l: unknown, i) => {
    if (typeof l === 'object' && l !== null && (l as { failable?: unknown }).failable === true) out.add(i);
  });
  return out;
}

/** Each failable link becomes its middle: node a ── port f<i>a [bridge f<i> in ~wires] port f<i>b ── node b. */
export function expandFailable(lab: LabSpec, failable: Set<number>, issues: Issues): void {
  if (!failable.size) return;
  const links: LinkSpec[] = [];
  let wires: NodeSpec | undefined;
  lab.links.forEach((l, i) => {
    if (!failable.has(i)) return void links.push(l);
    if (l.kind !== 'veth' || l.a.node === undefined || l.b.node === undefined || l.a.bridge !== undefined || l.b.bridge !== undefined) {
      issues.error('BAD_LINK', ['links', i, 'failable'], 'failable: true is for a veth between two nodes; a node-to-bridge link can already be cut at its bridge port, so drop failable there');
      return void links.push(l);
    }
    wires ??= { name: WIRES, netns: wiresNetns(lab), ipv6: false, interfaces: [], routes: [], sysctls: {}, exec: [] };
    const m = middleOf(i);
    lab.bridges.push({ logical: m.bridge, name: m.bridge, node: WIRES, addresses: [] });
    const { impair, a, b, id, kind: _k, ...rest } = l;
    const port = (name: string) => ({ node: WIRES, name, logical: name, bridge: m.bridge });
    // A link impairment goes on the node ends (traffic leaving each node), not on the middle.
    for (const e of [a, b]) {
      const iface = lab.nodes.find((n) => n.name === e.node)?.interfaces.find((x) => x.name === e.name);
      if (impair && iface && iface.impair === undefined) iface.impair = impair;
    }
    links.push({ kind: 'veth', id: `${id}/a`, a, b: port(m.a), failable: id, ...rest });
    links.push({ kind: 'veth', id: `${id}/b`, a: b, b: port(m.b), failable: id, ...rest });
  });
  if (wires) lab.nodes.push(wires);
  lab.links = links;
}
