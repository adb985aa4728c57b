/**
 * The lab a see-the-network command (monitor, map, graph) is about: a topology FILE or a lab
 * --lab NAME that is up. A file with problems is printed as `lab up` prints it (one line per
 * issue) and becomes an error that exits 1 with nothing changed.
 */
import { write } from '../write.js';
import type { LabSpec } from '../../topology/model.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export async function labSpecOf(file: string | undefined, lab: string | undefined, what: string): Promise<{ spec: LabSpec; file?: string }> {
  if (file !== undefined && lab !== undefined) throw new UsageError(`${what}: give FILE or --lab NAME, not both`);
  const { Lab, TopologyError } = await import('../../apply/index.js');
  if (lab !== undefined) {
    const l = Lab.byName(lab);
    return { spec: l.spec, file: l.file };
  }
  if (file === undefined) throw new UsageError(`${what}: give a topology FILE or --lab NAME`);
  try {
    const l = Lab.load(file);
    return { spec: l.spec, file: l.file };
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    const { formatIssue } = await import('../../topology/parse.js');
    for (const i of e.issues) write(2, `${formatIssue(i)}\n`);
    const { NsnetError } = await import('../../kernel/errors.js');
    throw new NsnetError('INVALID_TOPOLOGY', `${e.issues.length} problem${e.issues.length === 1 ? '' : 's'} in ${file}`, file, 'fix the file and run again');
  }
}
