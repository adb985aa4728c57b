/**
 * Issue 12's convergence findings not fixed yet, as predicates on a pair of files: the
 * differential test in `npm test` draws another seed for a pair that falls in one of them (and
 * counts it), so it stays green while the finding is open; `npm run torture` runs every pair.
 * Each finding has its own named case in test/integration/converge.test.ts. A fixed finding is
 * removed from OPEN, so its pairs run again.
 */
import type { LabSpec } from '../../src/topology/model.js';
import { validateTopology } from '../../src/topology/index.js';
import type { TopologyInput } from '../../src/topology/schema.js';

export type Finding = 'ipv6-toggle' | 'address-change' | 'mac-change';

/** What each finding is, for the test's report. */
export const FINDINGS: Record<Finding, string> = {
  'ipv6-toggle': 'finding 2: IPv6 turned on for an existing node fails (EACCES), turned off keeps ::1 on lo',
  'address-change': 'finding 1: an interface that stays loses its IPv4 addresses for a moment (the routes through it go with them)',
  'mac-change': 'catalogue: a MAC taken out of the file stays where a fresh up has a kernel-chosen one; a MAC changed on an interface with IPv6 leaves the old link-local address beside the new one',
};

/** Findings still open; the integration test avoids their pairs. */
export const OPEN: readonly Finding[] = ['mac-change'];

function spec(t: TopologyInput): LabSpec {
  const r = validateTopology(t);
  if (!r.ok) throw new Error(`generator bug: not a valid file: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.lab;
}

const v4s = (xs: string[]): string[] => xs.filter((x) => !x.includes(':'));

/** The open findings a pair of files falls in. */
export function knownFindings(p: { a: TopologyInput; b: TopologyInput }): Finding[] {
  const a = spec(p.a);
  const b = spec(p.b);
  const out: Finding[] = [];
  const bn = new Map(b.nodes.map((n) => [n.name, n]));
  if (a.nodes.some((n) => bn.has(n.name) && bn.get(n.name)!.ipv6 !== n.ipv6)) out.push('ipv6-toggle');
  const addrs = (s: LabSpec) => {
    const m = new Map<string, string[]>();
    for (const n of s.nodes) for (const i of n.interfaces) m.set(`${n.name}:${i.name}`, v4s(i.addresses));
    for (const x of s.bridges) m.set(`${x.node ?? ''}:${x.name}`, v4s(x.addresses));
    return m;
  };
  const macs = (s: LabSpec) => new Map(s.nodes.flatMap((n) => n.interfaces.map((i) => [`${n.name}:${i.name}`, i.mac] as const)));
  const bm = macs(b);
  if ([...macs(a)].some(([k, m]) => bm.has(k) && bm.get(k) !== m)) out.push('mac-change');
  const bb = addrs(b);
  for (const [k, xs] of addrs(a)) {
    const ys = bb.get(k);
    if (ys && xs.length && xs.some((x) => !ys.includes(x))) {
      out.push('address-change');
      break;
    }
  }
  return out;
}
