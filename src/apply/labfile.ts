/**
 * A topology file or object → the validated LabSpec, or a TopologyError with every issue. Kept
 * apart from lab.ts so that reading a file (the first thing `nsnet up` does) does not load the
 * code that applies a lab (the CLI times that as its own phase of up --profile).
 */
import { resolve } from 'node:path';
import { NsnetError } from '../api/errors.js';
import type { LabSpec } from '../topology/model.js';
import { formatIssue, loadTopologyFile, type TopologyIssue, type TopologyResult } from '../topology/parse.js';

/** A topology with problems: every issue, each with its place (file:line:column when from a file). */
export class TopologyError extends NsnetError {
  override name = 'TopologyError';
  constructor(readonly issues: TopologyIssue[]) {
    super('INVALID_TOPOLOGY', issues.length === 1 ? formatIssue(issues[0]!) : `${issues.length} problems in the topology:\n${issues.map(formatIssue).join('\n')}`);
  }
}

export function fromResult(r: TopologyResult): { spec: LabSpec; warnings: TopologyIssue[] } {
  if (!r.ok) throw new TopologyError(r.issues);
  return { spec: r.lab, warnings: r.warnings };
}

/** A topology file (YAML or JSON), validated: its spec, its absolute path and the warnings; throws a TopologyError naming file:line:column. */
export function loadLabFile(file: string): { spec: LabSpec; file: string; warnings: TopologyIssue[] } {
  const abs = resolve(file);
  return { ...fromResult(loadTopologyFile(file)), file: abs };
}
