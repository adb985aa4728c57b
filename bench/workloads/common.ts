/** What every workload shares: its result shape, the failure record, and running one side. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from '../lib/args.js';
import { CheckError } from '../lib/check.js';
import { median } from '../lib/workload.js';

/** Repository root (this file is dist/bench/workloads/common.js). */
export const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
export const NSNET_BIN = join(ROOT, 'bin', 'nsnet.js');

export interface Failure {
  round: number;
  side: string;
  message: string;
}

export interface Outcome {
  failures: Failure[];
  /** The report, printed first. */
  lines: string[];
  json: unknown;
  /** The closing lines (ratios), printed only when no check failed or with --keep-going. */
  last: string[];
}

export interface Workload {
  name: string;
  run(o: BenchOptions, tmp: string): Promise<Outcome>;
}

export const fmt = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(3));
export const med = (xs: number[]): number | undefined => (xs.length ? median(xs) : undefined);

/** Run one side of one round; a failure is recorded and printed, never thrown. */
export async function attempt<T>(failures: Failure[], round: number, side: string, fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    const message = e instanceof CheckError ? e.message : `${side} failed: ${(e as Error).stack ?? String(e)}`;
    failures.push({ round, side, message });
    process.stderr.write(`bench: round ${round}, ${side}: ${message}\n`);
    return undefined;
  }
}

/** The sides in round `round` (1-based): the list rotated by round - 1, so no side always follows the same one. */
export function rotation<T>(sides: readonly T[], round: number): T[] {
  if (sides.length === 0) return [];
  const k = (round - 1) % sides.length;
  return [...sides.slice(k), ...sides.slice(0, k)];
}
