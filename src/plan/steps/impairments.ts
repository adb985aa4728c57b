/**
 * Impairments: each veth end of the file that will exist gets the impairment the file gives the
 * traffic leaving it, and loses any other (one set at runtime by `nsnet impair`, or by an
 * earlier file). A kept link is changed in place; a link the plan makes is impaired once made.
 * What the kernel cannot do (delay without netem...) is refused before anything changes, in
 * one line naming the missing feature.
 */
import { NsnetError, type Hint } from '../../api/errors.js';
import { formatImpair, impairDiff, isNoImpairment, layoutFor, type ImpairSpec } from '../../api/impairspec.js';
import type { Action } from '../actions.js';
import { HOST, linkTarget, type DesiredLink } from '../desired.js';
import { key, type Planner } from '../planner.js';

/** What is in force on traffic leaving an observed end: its own qdiscs, and the drop at its peer's ingress. */
function inForce(p: Planner, e: DesiredLink, peer: DesiredLink): ImpairSpec {
  const l = p.views.get(e.ns)?.byName.get(e.name);
  const pl = p.views.get(peer.ns)?.byName.get(peer.name);
  return { ...(l?.qdisc ?? {}), ...(pl?.drop !== undefined ? { loss: pl.drop } : {}) };
}

/** The refusal when the kernel cannot do `want`; undefined when it can (or nothing is known of the kernel). */
function unsupported(p: Planner, e: DesiredLink, want: ImpairSpec): { detail: string; hint: string | Hint } | undefined {
  if (!p.o.features || isNoImpairment(want)) return undefined;
  try {
    layoutFor(want, p.o.features);
    return undefined;
  } catch (err) {
    if (err instanceof NsnetError && err.code === 'KERNEL_FEATURE') {
      return { detail: `${linkTarget(e.ns, e.name)}: ${err.detail}`, hint: err.hints ?? 'drop that impairment from the file, or use a kernel that has it' };
    }
    throw err;
  }
}

export function impairments(p: Planner): void {
  for (const link of p.d.spec.links) {
    if (link.kind !== 'veth') continue;
    const ends = p.d.ends.get(link.id);
    if (ends?.length !== 2) continue;
    for (const [e, peer] of [[ends[0]!, ends[1]!], [ends[1]!, ends[0]!]] as const) {
      const want = e.impair ?? {};
      const why = unsupported(p, e, want);
      if (why !== undefined) {
        p.refuse({ code: 'KERNEL_FEATURE', object: linkTarget(e.ns, e.name), path: e.impairPath ?? e.path, ...why });
        continue;
      }
      if (!p.willExist(e.ns, e.name)) continue;
      const kept = p.kept.has(key(e.ns, e.name)) && p.kept.has(key(peer.ns, peer.name));
      const have = kept ? inForce(p, e, peer) : {};
      const diff = impairDiff(want, have);
      if (!diff.length) continue;
      const target = `impairment on ${linkTarget(e.ns, e.name)}`;
      const where = { name: e.name, peer: peer.ns === HOST ? { name: peer.name } : { netns: peer.ns, name: peer.name } };
      const ns = e.ns === HOST ? {} : { netns: e.ns };
      const a: Action = isNoImpairment(want)
        ? { op: 'clear-impair', ...ns, ...where, target, reason: `${formatImpair(have)} is in force, the file sets none` }
        : { op: 'set-impair', ...ns, ...where, impair: want, target, reason: kept ? diff.join('; ') : `new link ${link.id}: ${formatImpair(want)}` };
      p.add(a);
    }
  }
}
