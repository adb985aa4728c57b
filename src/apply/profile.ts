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
  /** How split rank groups were shared (`up --workers N`), when any was. */
  threads?: ThreadsReport;
}

export interface ThreadsReport {
  /** Per action kind: the actions each thread took (main first; the main thread's count includes what it took from the workers' shares). */
  split: Record<string, number[]>;
  /** Seconds from the crew's start until its workers were ready (absent: not before the last group ended). */
  readyAfter?: number;
  /** Actions of the workers' shares that the main thread took, once done with its own. */
  stolen: number;
  /** The workers' own time in their shares: wall seconds busy, and their threads' CPU. */
  busy: number;
  cpu: { user: number; system: number };
}

export class Profile {
  private readonly spans = new Map<string, Span>();
  private readonly cpu0 = process.cpuUsage();
  private threads?: ThreadsReport;

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

  /** A split group's kind: how many of its actions ran on each thread. */
  addSplit(op: string, perThread: number[]): void {
    const t = this.crew();
    const c = t.split[op] ?? new Array<number>(perThread.length).fill(0);
    perThread.forEach((n, i) => (c[i] = (c[i] ?? 0) + n));
    t.split[op] = c;
  }

  /** A worker's share of a split group: its wall seconds and its thread's CPU. */
  addWorker(seconds: number, cpu: { user: number; system: number }): void {
    const t = this.crew();
    t.busy += seconds;
    t.cpu.user += cpu.user;
    t.cpu.system += cpu.system;
  }

  /** When the workers were ready, and how many of their actions the main thread took in a group. */
  noteCrew(readyAfter: number | undefined, stolen: number): void {
    const t = this.crew();
    if (readyAfter !== undefined) t.readyAfter = readyAfter;
    t.stolen += stolen;
  }

  private crew(): ThreadsReport {
    return (this.threads ??= { split: {}, stolen: 0, busy: 0, cpu: { user: 0, system: 0 } });
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
      ...(this.threads ? { threads: this.threads } : {}),
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
  const all = r.threads ? ', all threads' : '';
  lines.push(`  total ${r.wall.toFixed(3)} s wall: CPU user ${r.cpu.user.toFixed(3)} s (JavaScript${all}), system ${r.cpu.system.toFixed(3)} s (the kernel's work in nsnet's syscalls${all}), waiting ${waiting.toFixed(3)} s (on the kernel's workers and RCU, or other processes)`);
  if (r.threads) lines.push(...renderThreads(r.threads));
  lines.push(`  peak RSS ${r.rssMb.toFixed(0)} MB`);
  return lines.join('\n');
}

/** How the split groups were shared, and what the workers cost. */
function renderThreads(t: ThreadsReport): string[] {
  const n = Object.values(t.split)[0]?.length ?? 2;
  const parts = Object.entries(t.split).map(([op, c]) => `${op} ${c.join('+')}`);
  return [
    `  split over ${n} threads (main${'+worker'.repeat(n - 1)}): ${parts.join(', ')}, ${t.stolen} of the main thread's taken from the workers' shares once done with its own; an action kind's seconds above are its groups' wall time`,
    `  worker threads: ${t.readyAfter === undefined ? 'not ready before the last group ended' : `ready ${t.readyAfter.toFixed(3)} s after they were started`}, busy ${t.busy.toFixed(3)} s, CPU user ${t.cpu.user.toFixed(2)} s, system ${t.cpu.system.toFixed(2)} s`,
  ];
}
