/**
 * Validation and normalization of a topology document (plain data, e.g. from source.ts or built
 * in code) into a LabSpec. Every problem is collected, none stops the others: each part of the
 * file (the lab fields, each node, bridge, link and uplink) is checked on its own, so one broken
 * node does not hide the errors of the next. Costs are linear in the size of the file (maps, no
 * pairwise loops), so 10,000-node labs validate quickly.
 *
 * The checks live in validate/, one file per part of the file they check: lab.ts (name, prefix,
 * ipv6), nodes.ts (nodes, listed interfaces, sysctls, exec), addresses.ts (addresses, MACs,
 * prefix lengths), routes.ts, bridges.ts (bridges, VLAN/OVS rules), links.ts + endpoints.ts +
 * vxlan.ts, uplinks.ts, nics.ts (host NICs), spec.ts (the LabSpec out); impairments in ./impair.ts, failable links in ./failable.ts. Each is a function of
 * the run's Checker (validate/checker.ts: what was gathered, `out` for issues). A new check is a
 * new file there plus one call below, in the order it needs what the others gathered.
 */
import { didYouMean, show, type RawIssue } from './issues.js';
import type { LabSpec, UplinkSpec } from './model.js';
import { collectFailable, expandFailable } from './failable.js';
import { collectImpairments, putImpairments } from './impair.js';
import { describe } from './zodissues.js';
import { checkPrefixLengths } from './validate/addresses.js';
import { checkVlans, collectBridges } from './validate/bridges.js';
import { Checker, isPlainObject, S } from './validate/checker.js';
import { checkLabFields } from './validate/lab.js';
import { collectLinks } from './validate/links.js';
import { checkNics } from './validate/nics.js';
import { checkUnlinked, collectNodes, finishNode } from './validate/nodes.js';
import { bridgeSpec, linkSpecs } from './validate/spec.js';
import { collectUplinks } from './validate/uplinks.js';

export interface CheckResult {
  lab?: LabSpec;
  errors: RawIssue[];
  warnings: RawIssue[];
}

const TOP_KEYS = S.Topology.keys();

/** Validate and normalize `raw` (the parsed file). `zodOnly`: read every part with zod (for tests). */
export function checkTopology(raw: unknown, opts: { zodOnly?: boolean } = {}): CheckResult {
  const c = new Checker(opts);
  const o = c.out;
  if (raw === undefined || raw === null) {
    o.error('EMPTY', [], 'the topology is empty: write at least `name:` and `nodes:`');
    return { errors: o.errors, warnings: o.warnings };
  }
  if (!isPlainObject(raw)) {
    o.error('NOT_A_MAPPING', [], `the top level must be a mapping (name:, nodes:, links: ...), got ${describe(raw)}`);
    return { errors: o.errors, warnings: o.warnings };
  }
  for (const k of Object.keys(raw)) {
    if (!TOP_KEYS.includes(k)) o.error('UNKNOWN_KEY', [k], `unknown key ${show(k)}${didYouMean(k, TOP_KEYS)} (known: ${TOP_KEYS.filter((x) => x !== '$schema').join(', ')})`, 'key');
  }
  if (raw.$schema !== undefined) c.parse(S.Topology.prop('$schema'), raw.$schema, ['$schema']);
  checkLabFields(c, raw);
  collectNodes(c, raw.nodes);
  collectBridges(c, raw.bridges);
  collectLinks(c, raw.links);
  collectUplinks(c, raw.uplinks);
  checkVlans(c);
  checkUnlinked(c);
  c.reg.allocate();
  const nodes = [...c.nodes.values()].map((n) => finishNode(c, n));
  checkNics(c);
  checkPrefixLengths(c);
  const impairs = collectImpairments(raw, o);
  const failable = collectFailable(raw);
  if (o.errors.length > 0) return { errors: o.errors, warnings: o.warnings };
  const lab: LabSpec = {
    name: c.labName,
    prefix: c.prefix,
    nodes,
    bridges: [...c.bridges.values()].map((b) => bridgeSpec(b)),
    links: linkSpecs(c.links),
    uplinks: c.uplinks.map(({ path: _p, ...u }) => u as UplinkSpec),
  };
  putImpairments(lab, impairs, o);
  expandFailable(lab, failable, o);
  if (o.errors.length > 0) return { errors: o.errors, warnings: o.warnings };
  return { lab, errors: o.errors, warnings: o.warnings };
}
