/**
 * The kernel's own pace for the same workload, as a reference row: shared/bench/floor.c (the
 * design folder's C program that talks rtnetlink directly), compiled with gcc and run once in
 * this sandbox. It is not part of nsnet: users do not have shared/, so when it (or gcc) is
 * missing the row says so and the benchmark goes on.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';

export interface FloorResult {
  build: number;
  teardown: number;
}

export function runFloor(root: string, tmp: string, n: number, noIpv6: boolean): FloorResult | string {
  const src = join(root, '..', 'shared', 'bench', 'floor.c');
  if (!fs.existsSync(src)) return 'not available (shared/bench/floor.c is not beside this checkout)';
  const bin = join(tmp, 'floor');
  if (!fs.existsSync(bin)) {
    const cc = spawnSync('gcc', ['-O2', '-o', bin, src], { encoding: 'utf8' });
    if (cc.status !== 0) return `not available (gcc: ${cc.error?.message ?? cc.stderr.trim().split('\n')[0]})`;
  }
  const r = spawnSync(bin, [String(n), ...(noIpv6 ? ['--noipv6'] : [])], { encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line) as { build: number; teardown_settled: number; verify_ok: boolean };
    if (!j.verify_ok) return 'failed its own ping check';
    return { build: j.build, teardown: j.teardown_settled };
  } catch {
    return `failed (exit ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''})`;
  }
}

/** "kernel floor (C, IPv6 on): build=0.82 teardown=0.46; floor/ip-batch build=0.37 teardown=1.00" */
export function floorLine(f: FloorResult | string, ipBuild: number | undefined, ipDown: number | undefined, ipv6: boolean): string {
  const head = `kernel floor (shared/bench/floor.c, IPv6 ${ipv6 ? 'on' : 'off'})`;
  if (typeof f === 'string') return `${head}: ${f}`;
  const r = (a: number, b: number | undefined): string => (b ? (a / b).toFixed(2) : 'n/a');
  return `${head}: build=${f.build.toFixed(3)} teardown=${f.teardown.toFixed(3)}; floor/ip-batch build=${r(f.build, ipBuild)} teardown=${r(f.teardown, ipDown)}`;
}
