/**
 * What the impairment kinds share: the far end they act on with the interface, their namespaces,
 * where in the file an interface's impairment is written, and the simulated kernel's effect. Pure.
 */
import type { ImpairSpec } from '../../api/impairspec.js';
import type { LabSpec } from '../../topology/model.js';
import { HOST } from '../desired.js';
import type { DocPath } from './kind.js';
import type { SimWorld } from './sim.js';
import { devicePath, nodeOfNs } from './where.js';

/** An interface and its veth peer (loss is dropped at the peer's ingress where the kernel has no netem). */
export interface ImpairTarget {
  netns?: string;
  name: string;
  peer: { netns?: string; name: string };
}

export const impairNamespaces = (a: ImpairTarget): string[] => [...new Set([a.netns ?? HOST, a.peer.netns ?? HOST])];

/** The interface's own `impair`, else its link's; else the interface (or link) itself. */
export function impairPath(spec: LabSpec, a: ImpairTarget): DocPath | undefined {
  const n = nodeOfNs(spec, a.netns);
  const iface = n?.interfaces.find((x) => x.name === a.name);
  if (n && iface?.impair !== undefined) return ['nodes', n.name, 'interfaces', iface.logical, 'impair'];
  const i = spec.links.findIndex((l) => l.kind === 'veth' && [l.a, l.b].some((e) => e.name === a.name && (e.node === undefined ? a.netns === undefined : n?.name === e.node)));
  const l = spec.links[i];
  if (l?.kind === 'veth' && l.impair !== undefined) return ['links', i, 'impair'];
  return devicePath(spec, a.netns, a.name);
}

/** The simulated effect (this kernel's layout: loss as a drop at the peer's ingress, the rest on the interface). */
export function simImpair(w: SimWorld, a: ImpairTarget, s: ImpairSpec): void {
  const l = w.link(a.netns ?? HOST, a.name);
  const p = w.link(a.peer.netns ?? HOST, a.peer.name);
  const { loss, ...rest } = s;
  if (Object.keys(rest).length) l.qdisc = rest;
  else delete l.qdisc;
  if (loss !== undefined) p.drop = loss;
  else delete p.drop;
}
