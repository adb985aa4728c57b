/**
 * A plan as text, for `nsnet plan` and `nsnet up --dry-run`:
 *
 *   lab router: 9 actions
 *     + create-netns   namespace h1                          new node h1 (IPv6 off)
 *     ~ replace-route  route default via 10.0.1.254 in h1    the kernel has via 10.0.1.1, ...
 *     - delete-link    link eth9 in r1                       not in the file any more
 *   3 to add, 1 to change, 1 to remove
 */
import { opSign, type Plan } from './actions.js';

export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  if (plan.refusals.length) {
    lines.push(`lab ${plan.lab}: cannot go ahead (${plan.refusals.length} problem${plan.refusals.length === 1 ? '' : 's'}):`);
    for (const r of plan.refusals) lines.push(`  ! ${r.message}`);
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
