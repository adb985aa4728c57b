/**
 * Letting the machine settle between sides of a benchmark. After a teardown the kernel goes on
 * freeing namespaces in its cleanup worker (and RCU callbacks) for a while after every device is
 * gone; a side started then pays for the previous side's cleanup. "Quiet" is read from
 * /proc/stat: the whole machine at least `idle` idle over `windows` consecutive windows of
 * `windowMs`. The wait is bounded; the caller reports how long it took and whether it settled.
 */
import * as fs from 'node:fs';

export interface CpuTimes {
  idle: number;
  total: number;
}

/** Parse the aggregate `cpu` line of /proc/stat (idle counts idle + iowait). */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  const v = line.trim().split(/\s+/u).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest times are inside user/nice)
  const total = v.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  return { idle: (v[3] ?? 0) + (v[4] ?? 0), total };
}

/** Idle fraction between two readings (1 when no time passed). */
export function idleFraction(a: CpuTimes, b: CpuTimes): number {
  const dt = b.total - a.total;
  return dt <= 0 ? 1 : (b.idle - a.idle) / dt;
}

export interface QuietOptions {
  /** Idle fraction a window must reach (default 0.9). */
  idle?: number;
  windowMs?: number;
  /** Consecutive quiet windows needed (default 2). */
  windows?: number;
  /** Give up after this long (default 15 s). */
  maxMs?: number;
}

export interface QuietResult {
  seconds: number;
  settled: boolean;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function waitQuiet(o: QuietOptions = {}): QuietResult {
  const need = o.idle ?? 0.9;
  const win = o.windowMs ?? 250;
  const windows = o.windows ?? 2;
  const max = o.maxMs ?? 15_000;
  const read = (): CpuTimes => parseProcStat(fs.readFileSync('/proc/stat', 'utf8'));
  const t0 = performance.now();
  let quiet = 0;
  let prev = read();
  while (performance.now() - t0 < max) {
    Atomics.wait(sleeper, 0, 0, win);
    const cur = read();
    quiet = idleFraction(prev, cur) >= need ? quiet + 1 : 0;
    prev = cur;
    if (quiet >= windows) return { seconds: (performance.now() - t0) / 1000, settled: true };
  }
  return { seconds: (performance.now() - t0) / 1000, settled: false };
}

/** "settle: before each side, waited until the CPU was >= 90% idle for 2 x 250 ms (median 0.6 s, 0 of 15 did not settle within 15 s)" */
export function quietLine(waits: readonly QuietResult[], o: QuietOptions = {}): string {
  const s = [...waits.map((w) => w.seconds)].sort((a, b) => a - b);
  const med = s.length ? s[s.length >> 1]! : 0;
  const unsettled = waits.filter((w) => !w.settled).length;
  return `settle: before each side, waited until the CPU was >= ${Math.round((o.idle ?? 0.9) * 100)}% idle for ${o.windows ?? 2} x ${o.windowMs ?? 250} ms ` +
    `(median wait ${med.toFixed(2)} s; ${unsettled} of ${waits.length} did not settle within ${((o.maxMs ?? 15_000) / 1000).toFixed(0)} s)`;
}
