/**
 * A plan as text, for `nsnet plan` and `nsnet up --dry-run`:
 *
 *   lab router: 9 actions
 *     + create-netns   namespace h1                          new node h1 (IPv6 off)
 *     ~ replace-route  route default via 10.0.1.254 in h1    the kernel has via 10.0.1.1, ...
 *     - delete-link    link eth9 in r1                       not in the file any more
 *   3 to add, 1 to change, 1 to remove
 */
import { withHint, type Caller } from '../api/errors.js';
import { opSign, type Plan, type PlanWarning, type Refusal } from './actions.js';
import type { DownPlan } from './down.js';

/** A refusal or warning in one line: what is wrong; what to do, in the words of `caller` (the library's by default). */
export function refusalText(r: Pick<Refusal | PlanWarning, 'detail' | 'hint'>, caller: Caller = 'lib'): string {
  return withHint(r.detail, r.hint, caller);
}

/** The plan as text; its refusals say what to do in the words of `caller` (the library's by default, 'cli' for nsnet). */
export function renderPlan(plan: Plan, caller: Caller = 'lib'): string {
  const lines: string[] = [];
  if (plan.refusals.length) {
    lines.push(`lab ${plan.lab}: cannot go ahead (${plan.refusals.length} problem${plan.refusals.length === 1 ? '' : 's'}):`);
    for (const r of plan.refusals) lines.push(`  ! ${refusalText(r, caller)}`);
    if (!plan.actions.length) return lines.join('\n');
    lines.push('what up would do once they are solved:');
  }
  if (plan.noop) {
    return `lab ${plan.lab} is up to date (${plan.counts.nodes} node${plan.counts.nodes === 1 ? '' : 's'}, ${plan.counts.links} link${plan.counts.links === 1 ? '' : 's'}): nothing to do`;
  }
  if (!plan.refusals.length) lines.push(`lab ${plan.lab}: ${plan.actions.length} action${plan.actions.length === 1 ? '' : 's'}`);
  const opW = Math.min(16, Math.max(...plan.actions.map((a) => a.op.length)));
  const tW = Math.min(48, Math.max(...plan.actions.map((a) => a.target.length)));
  const counts = { '+': 0, '~': 0, '-': 0 };
  for (const a of plan.actions) {
    const s = opSign(a.op);
    counts[s]++;
    lines.push(`  ${s} ${a.op.padEnd(opW)}  ${a.target.padEnd(tW)}  ${a.reason}`.trimEnd());
  }
  lines.push(`${counts['+']} to add, ${counts['~']} to change, ${counts['-']} to remove`);
  return lines.join('\n');
}

/** What down would do, for `nsnet down --dry-run`: its removals as a plan, the veths that go with the namespaces, what it leaves alone. */
export function renderDownPlan(p: DownPlan): string {
  const lines: string[] = [];
  // A down-backend only looks (the backend finds what carries the lab's mark): alone, it is nothing to remove.
  if (p.actions.some((a) => a.op !== 'down-backend')) lines.push(renderPlan({ lab: p.lab, actions: p.actions, refusals: [], noop: false, counts: { nodes: 0, links: 0, bridges: 0 } }));
  else lines.push(`lab ${p.lab}: nothing to remove${p.going.length ? '' : ' (no record and no object with its mark on this host)'}`);
  if (p.going.length) lines.push(`and ${p.going.length} host veth${p.going.length === 1 ? '' : 's'} that go with the namespaces: ${p.going.map((l) => l.name).join(', ')}`);
  for (const s of p.skipped) lines.push(`left alone: ${s}`);
  return lines.join('\n');
}
