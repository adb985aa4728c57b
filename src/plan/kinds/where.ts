/**
 * Helpers for the kinds' `locate`: find a namespace's node, a bridge, a link or a device in the
 * file. Pure.
 */
import type { LabSpec, NodeSpec } from '../../topology/model.js';
import type { DocPath } from './kind.js';

export function nodeOfNs(spec: LabSpec, ns: string | undefined): NodeSpec | undefined {
  return ns === undefined ? undefined : spec.nodes.find((n) => n.netns === ns);
}

export function bridgeAt(spec: LabSpec, ns: string | undefined, name: string): LabSpec['bridges'][number] | undefined {
  return spec.bridges.find((b) => b.name === name && (b.node === undefined ? ns === undefined : nodeOfNs(spec, ns)?.name === b.node));
}

export function linkPath(spec: LabSpec, id: string): DocPath | undefined {
  const i = spec.links.findIndex((l) => l.id === id);
  return i < 0 ? undefined : ['links', i];
}

/** The interface (or bridge) a device is, in the file. */
export function devicePath(spec: LabSpec, ns: string | undefined, dev: string): DocPath | undefined {
  const b = bridgeAt(spec, ns, dev);
  if (b) return ['bridges', b.logical];
  const n = nodeOfNs(spec, ns);
  const i = n?.interfaces.find((x) => x.name === dev);
  if (n && i) return ['nodes', n.name, 'interfaces', i.logical];
  const l = spec.links.findIndex((x) => (x.kind === 'veth' ? [x.a, x.b] : [x.end]).some((e) => e.name === dev));
  return l < 0 ? undefined : ['links', l];
}

/** A link's path, or for lo a node's. */
export function linkOrNodePath(spec: LabSpec, ns: string | undefined, name: string): DocPath | undefined {
  return name === 'lo' && ns !== undefined ? ['nodes', nodeOfNs(spec, ns)?.name ?? ns] : devicePath(spec, ns, name);
}

/** The first uplink matching, as a path. */
export function uplinkPath(spec: LabSpec, match: (u: LabSpec['uplinks'][number]) => boolean): DocPath | undefined {
  const u = spec.uplinks.findIndex(match);
  return u < 0 ? undefined : ['uplinks', u];
}

/** Removals: the file no longer has the object. */
export const nowhere = (): undefined => undefined;
