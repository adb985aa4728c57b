/**
 * `impair:` in a topology file, on a node's interface (traffic leaving it) or on a veth link's
 * object form (both directions): its values as the model keeps them (numbers as tc reads them,
 * written as strings), checked by the one rule for impairments (impairProblems in
 * api/impairspec.ts), each problem at its field so it gets its file:line:column. The shape
 * (which keys, strings or numbers) is the schema's; this checks the values, then puts them on
 * the normalized lab.
 */
import { IMPAIR_FIELDS, impairProblems, type ImpairSpec } from '../api/impairspec.js';
import type { Issues } from './issues.js';
import type { LabSpec } from './model.js';

type Path = (string | number)[];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The impairment written at `path`, or undefined when it sets nothing or has problems (reported in `issues`). */
export function impairOf(raw: Record<string, unknown>, path: Path, issues: Issues): ImpairSpec | undefined {
  const s: ImpairSpec = {};
  for (const f of IMPAIR_FIELDS) {
    const v = raw[f];
    if (typeof v !== 'string' && typeof v !== 'number') continue; // another type: the schema says so
    if (f === 'limit') s.limit = typeof v === 'number' ? v : Number.NaN;
    else s[f] = String(v);
  }
  const problems = impairProblems(s);
  for (const p of problems) issues.error('BAD_IMPAIRMENT', [...path, p.field], p.message);
  return problems.length || Object.keys(s).length === 0 ? undefined : s;
}

/** Every `impair:` of the document, checked: by "node\0interface" (as written) and by link index. */
export interface FoundImpairments {
  ifaces: Map<string, { impair: ImpairSpec; path: Path }>;
  links: Map<number, ImpairSpec>;
}

export function collectImpairments(raw: Record<string, unknown>, issues: Issues): FoundImpairments {
  const out: FoundImpairments = { ifaces: new Map(), links: new Map() };
  for (const [node, n] of Object.entries(isMap(raw.nodes) ? raw.nodes : {})) {
    const ifaces = isMap(n) && isMap(n.interfaces) ? n.interfaces : {};
    for (const [ifname, i] of Object.entries(ifaces)) {
      if (!isMap(i) || !isMap(i.impair)) continue;
      const path = ['nodes', node, 'interfaces', ifname, 'impair'];
      const s = impairOf(i.impair, path, issues);
      if (s) out.ifaces.set(`${node}\0${ifname}`, { impair: s, path });
    }
  }
  (Array.isArray(raw.links) ? raw.links : []).forEach((l: unknown, i) => {
    if (!isMap(l) || !isMap(l.impair) || !(l.type === undefined || l.type === 'veth')) return;
    const s = impairOf(l.impair, ['links', i, 'impair'], issues);
    if (s) out.links.set(i, s);
  });
  return out;
}

/**
 * Put the impairments on the lab (its links in the document's order). An interface impairment
 * is refused where no veth makes the interface (lo, a macvlan, a vxlan): nsnet impairs cables.
 */
export function putImpairments(lab: LabSpec, found: FoundImpairments, issues: Issues): void {
  for (const [i, s] of found.links) {
    const l = lab.links[i];
    if (l?.kind === 'veth') l.impair = s;
  }
  if (!found.ifaces.size) return;
  const veths = new Set(lab.links.flatMap((l) => (l.kind === 'veth' ? [l.a, l.b] : [])).map((e) => `${e.node}\0${e.logical}`));
  for (const [k, { impair, path }] of found.ifaces) {
    const [node, ifname] = k.split('\0') as [string, string];
    const iface = lab.nodes.find((n) => n.name === node)?.interfaces.find((x) => x.logical === ifname);
    if (!iface) continue;
    if (!veths.has(k)) {
      issues.error('BAD_IMPAIRMENT', path, `${node}:${ifname} is not an end of a veth link; impairments go on the lab's veth links (node to node, or node to bridge)`);
      continue;
    }
    iface.impair = impair;
  }
}
