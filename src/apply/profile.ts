/**
 * Where a command spends its time, for `nsnet up --profile` and the benchmarks: named phases
 * (reading the file, observing, planning, recording), each action kind (count and seconds), the
 * wait for the kernel to free links of deleted namespaces, and the process's CPU split (user:
 * JavaScript and libc; system: the kernel's work inside nsnet's own syscalls; the rest of the
 * wall time is waiting: RCU grace periods, kernel workers, other processes) and peak RSS.
 *
 * A Profile is passed down explicitly (UpOptions.profile); nothing is recorded without one.
 */

export interface Span {
  name: string;
  count: number;
  seconds: number;
}

export interface ProfileReport {
  /** Seconds from the process's start to the first line of nsnet's own code (Node's start-up). */
  nodeStart?: number;
  spans: Span[];
  /** Seconds from the process's start to report(). */
  wall: number;
  cpu: { user: number; system: number };
  rssMb: number;
}

export class Profile {
  private readonly spans = new Map<string, Span>();
  private readonly cpu0 = process.cpuUsage();

  /** @param nodeStart performance.now() when nsnet's first module ran (milliseconds since the process started). */
  constructor(private readonly nodeStart?: number) {}

  add(name: string, seconds: number, count = 1): void {
    const s = this.spans.get(name);
    if (s) {
      s.count += count;
      s.seconds += seconds;
    } else {
      this.spans.set(name, { name, count, seconds });
    }
  }

  time<T>(name: string, fn: () => T): T {
    const t = performance.now();
    try {
      return fn();
    } finally {
      this.add(name, (performance.now() - t) / 1000);
    }
  }

  async timeAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, (performance.now() - t) / 1000);
    }
  }

  report(): ProfileReport {
    const cpu = process.cpuUsage();
    return {
      ...(this.nodeStart !== undefined ? { nodeStart: this.nodeStart / 1000 } : {}),
      spans: [...this.spans.values()],
      wall: performance.now() / 1000,
      // Node's own start-up is on the process's clock too: the split covers the whole process.
      cpu: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
      rssMb: process.resourceUsage().maxRSS / 1024,
    };
  }
}

/** The report as aligned text lines, the slowest spans first within each group. */
export function renderProfile(r: ProfileReport): string {
  const rows: [string, string, string][] = [];
  if (r.nodeStart !== undefined) rows.push(['node start-up and nsnet import', '', r.nodeStart.toFixed(3)]);
  const groups = [r.spans.filter((s) => !s.name.startsWith('action ')), r.spans.filter((s) => s.name.startsWith('action ')).sort((a, b) => b.seconds - a.seconds)];
  for (const g of groups) for (const s of g) rows.push([s.name, String(s.count), s.seconds.toFixed(3)]);
  const w = Math.max(...rows.map((x) => x[0].length), 10);
  const lines = ['profile:', `  ${'phase'.padEnd(w)}  ${'count'.padStart(6)}  ${'seconds'.padStart(8)}`];
  for (const [n, c, s] of rows) lines.push(`  ${n.padEnd(w)}  ${c.padStart(6)}  ${s.padStart(8)}`);
  const waiting = Math.max(0, r.wall - r.cpu.user - r.cpu.system);
  lines.push(`  total ${r.wall.toFixed(3)} s wall: CPU user ${r.cpu.user.toFixed(3)} s (JavaScript), system ${r.cpu.system.toFixed(3)} s (the kernel's work in nsnet's syscalls), waiting ${waiting.toFixed(3)} s (on the kernel's workers and RCU, or other processes)`);
  lines.push(`  peak RSS ${r.rssMb.toFixed(0)} MB`);
  return lines.join('\n');
}
