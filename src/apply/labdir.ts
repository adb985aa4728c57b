/**
 * Where the labs' records and locks are (RUN_DIR/labs, see api/rundir.ts), and which labs have a
 * record. Apart from records.ts, which reads and writes the records, so that `nsnet labs` reads
 * the directory without loading the record's types, errors and the wire layer behind them
 * (about 30M instructions, a twentieth of the command's start-up, measured by callgrind).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDir } from '../api/rundir.js';
import { LAB_NAME_RE } from '../topology/labname.js';

/** RUN_DIR/labs: /run/nsnet/labs, or under NSNET_RUN_DIR (tests). */
export const labsDir = (): string => path.join(runDir(), 'labs');
export const recordPath = (lab: string): string => path.join(labsDir(), `${lab}.json`);
export const lockPath = (lab: string): string => path.join(labsDir(), `${lab}.lock`);

/** Names of the labs that have a record on this host, sorted. */
export function listRecords(): string[] {
  try {
    return fs.readdirSync(labsDir())
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter((n) => LAB_NAME_RE.test(n))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
