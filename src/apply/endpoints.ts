/**
 * NODE:IF as a lab names the ends of its cables: which namespace and kernel name it is, and
 * what is at the other end of its link. `host:IF` names an interface of the host namespace
 * (a bridge port there); a bridge in a node has its ports under that node's name.
 */
import { NsnetError } from '../api/errors.js';
import type { Endpoint, LabSpec, LinkSpec } from '../topology/model.js';

export interface LabEnd {
  /** Namespace name; '' for the host's. */
  netns: string;
  /** Kernel name there. */
  name: string;
  /** As the user wrote it, normalized: "r1:eth0", "host:br0-p1". */
  label: string;
  /** Logical name of the bridge this end is a port of. */
  bridge?: string;
}

export interface ResolvedEnd {
  end: LabEnd;
  /** The far end of its veth, if it is one. */
  peer?: LabEnd;
  link?: Extract<LinkSpec, { kind: 'veth' }>;
}

function endOf(spec: LabSpec, e: Endpoint): LabEnd {
  const node = e.node === undefined ? undefined : spec.nodes.find((n) => n.name === e.node);
  const out: LabEnd = { netns: node?.netns ?? '', name: e.name, label: `${e.node ?? 'host'}:${e.logical}` };
  if (e.bridge !== undefined) out.bridge = e.bridge;
  return out;
}

const matches = (e: Endpoint, node: string | undefined, ifname: string): boolean =>
  e.node === node && (e.logical === ifname || e.name === ifname || e.altname === ifname);

/** Resolve "NODE:IF" (or "host:IF") in a lab. Throws one clear line when it names nothing. */
export function resolveEnd(spec: LabSpec, ref: string): ResolvedEnd {
  const i = ref.lastIndexOf(':');
  if (i <= 0 || i === ref.length - 1) throw new NsnetError('BAD_ENDPOINT', `"${ref}" is not NODE:IF`, ref, 'write the node and its interface, e.g. r1:eth0 (host:IF for the host side)');
  const nodeName = ref.slice(0, i);
  const ifname = ref.slice(i + 1);
  const node = nodeName === 'host' ? undefined : nodeName;
  if (node !== undefined && !spec.nodes.some((n) => n.name === node)) {
    throw new NsnetError('NO_NODE', `lab ${spec.name} has no node ${JSON.stringify(node)}`, ref, `nodes are: ${spec.nodes.slice(0, 10).map((n) => n.name).join(', ')}`);
  }
  for (const l of spec.links) {
    if (l.kind !== 'veth') continue;
    if (matches(l.a, node, ifname)) return { end: endOf(spec, l.a), peer: endOf(spec, l.b), link: l };
    if (matches(l.b, node, ifname)) return { end: endOf(spec, l.b), peer: endOf(spec, l.a), link: l };
  }
  const n = spec.nodes.find((x) => x.name === node);
  const iface = n?.interfaces.find((x) => x.logical === ifname || x.name === ifname);
  if (n && iface) return { end: { netns: n.netns, name: iface.name, label: `${n.name}:${iface.logical}` } };
  if (node === undefined) return { end: { netns: '', name: ifname, label: `host:${ifname}` } };
  throw new NsnetError('NO_INTERFACE', `node ${node} of lab ${spec.name} has no interface ${JSON.stringify(ifname)}`, ref,
    `its interfaces are: ${(n?.interfaces ?? []).map((x) => x.logical).join(', ')}`);
}

/** Every veth end of the lab in a node (the ends impairments apply to), as resolved ends. */
export function vethEnds(spec: LabSpec): ResolvedEnd[] {
  const out: ResolvedEnd[] = [];
  for (const l of spec.links) {
    if (l.kind !== 'veth') continue;
    for (const [x, y] of [[l.a, l.b], [l.b, l.a]] as const) if (x.bridge === undefined) out.push({ end: endOf(spec, x), peer: endOf(spec, y), link: l });
  }
  return out;
}
