/** Leaf names of the plan layer, importable from anywhere in it without a cycle. */
import type { Endpoint } from '../topology/model.js';
import type { DesiredLab } from './desired.js';

/** Key of the host namespace in per-namespace maps (no netns name can be empty). */
export const HOST = '';

/** A link's key in the planner's sets: namespace and name. */
export const linkKey = (ns: string, name: string): string => `${ns}\0${name}`;

/** The namespace an endpoint lives in: its bridge's for a bridge port, else its node's, else the host. */
export function endpointNs(d: DesiredLab, ep: Endpoint): string {
  if (ep.bridge !== undefined) {
    const b = d.bridges.get(ep.bridge);
    if (b?.node !== undefined) return d.nsOfNode.get(b.node) ?? b.node;
    if (b) return HOST;
  }
  return ep.node !== undefined ? (d.nsOfNode.get(ep.node) ?? ep.node) : HOST;
}
