/**
 * The kernel's own pace for the same workload: shared/bench/floor.c (the design folder's C
 * program that talks rtnetlink directly), compiled once with gcc and run in this sandbox as a
 * side of its own. It is not part of nsnet: users do not have shared/, so when it (or gcc) is
 * missing the benchmark says `floor=absent` and goes on.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';

export interface FloorResult {
  build: number;
  teardown: number;
}

/** Compile floor.c into `tmp` once: the binary's path, or why there is none. */
export function prepareFloor(root: string, tmp: string): { bin: string } | { absent: string } {
  const src = join(root, '..', 'shared', 'bench', 'floor.c');
  if (!fs.existsSync(src)) return { absent: 'shared/bench/floor.c is not beside this checkout' };
  return compile(src, join(tmp, 'floor'));
}

/**
 * Compile bench/floor-threads.c (the same star on two threads: namespaces made on the second;
 * nsnet's own, so it needs no shared/) into `tmp` once: the binary's path, or why there is none.
 */
export function prepareFloorThreads(root: string, tmp: string): { bin: string } | { absent: string } {
  return compile(join(root, 'bench', 'floor-threads.c'), join(tmp, 'floor-threads'), ['-pthread']);
}

function compile(src: string, bin: string, flags: string[] = []): { bin: string } | { absent: string } {
  if (!fs.existsSync(bin)) {
    const cc = spawnSync('gcc', ['-O2', ...flags, '-o', bin, src], { encoding: 'utf8' });
    if (cc.status !== 0) return { absent: `gcc: ${cc.error?.message ?? cc.stderr.trim().split('\n')[0]}` };
  }
  return { bin };
}

/** One run of the floor (floor.c or floor-threads.c: the same output): build, its own ping check, teardown until the devices are gone. */
export function runFloorOnce(bin: string, n: number, noIpv6: boolean): FloorResult {
  const r = spawnSync(bin, [String(n), ...(noIpv6 ? ['--noipv6'] : [])], { encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let j: { build: number; teardown_settled: number; verify_ok: boolean };
  try {
    j = JSON.parse(line) as typeof j;
  } catch {
    throw new Error(`floor failed (exit ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''})`);
  }
  if (!j.verify_ok) throw new Error('floor failed its own ping check');
  return { build: j.build, teardown: j.teardown_settled };
}

/** The reference row of the core workload: the floor once, after the rounds. */
export function runFloor(root: string, tmp: string, n: number, noIpv6: boolean): FloorResult | string {
  const p = prepareFloor(root, tmp);
  if ('absent' in p) return `not available (${p.absent})`;
  try {
    return runFloorOnce(p.bin, n, noIpv6);
  } catch (e) {
    return (e as Error).message;
  }
}

/** "kernel floor (C, IPv6 on): build=0.82 teardown=0.46; floor/ip-batch build=0.37 teardown=1.00" */
export function floorLine(f: FloorResult | string, ipBuild: number | undefined, ipDown: number | undefined, ipv6: boolean): string {
  const head = `kernel floor (shared/bench/floor.c, IPv6 ${ipv6 ? 'on' : 'off'})`;
  if (typeof f === 'string') return `${head}: ${f}`;
  const r = (a: number, b: number | undefined): string => (b ? (a / b).toFixed(2) : 'n/a');
  return `${head}: build=${f.build.toFixed(3)} teardown=${f.teardown.toFixed(3)}; floor/ip-batch build=${r(f.build, ipBuild)} teardown=${r(f.teardown, ipDown)}`;
}
