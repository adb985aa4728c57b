/**
 * `star`: a generated file of N hosts on one bridge, built and torn down by six sides in turn:
 * ip -batch, the C floor (IPv6 off in the hosts), the C floor on two threads (IPv6 off),
 * nsnet (IPv6 off, the topology default), the floor with IPv6 on and nsnet with IPv6 on. The
 * order is rotated from round to round and the machine is let settle before each side
 * (bench/lib/quiet.ts), so no side pays for the one before it. Medians over --repeat rounds
 * (default 3).
 *
 * The two-thread floor (bench/floor-threads.c: the namespaces are made on a second thread while
 * the first makes the veths) says whether this machine lets a second CPU speed up the kernel's
 * own work at all: below 1.00 in `ratio floor-threads/floor`, a tool that splits the build over
 * two threads can beat the floor here; at or above it, none can.
 *
 * Closing lines: `ratio nsnet/ip-batch up= down= noop_up_s=` (as before), `ratio
 * floor-threads/floor up=`, then `ratio nsnet/floor up= cycle_v6= down= noop_up_s= rss_mb=`:
 * up and down against the floor with IPv6 off; cycle_v6 is up + down with IPv6 on on both sides,
 * compared as a whole because the kernel's deferred DAD/MLD work lands in the build or in the
 * teardown from run to run.
 */
import type { BenchOptions } from '../lib/args.js';
import { quietLine, waitQuiet, type QuietResult } from '../lib/quiet.js';
import { ratio, table } from '../lib/workload.js';
import { prepareFloor, prepareFloorThreads, runFloorOnce, type FloorResult } from '../floor.js';
import type { CoreResult } from '../sides.js';
import type { StarResult } from '../star.js';
import { attempt, fmt, med, ROOT, rotation, type Failure, type Outcome } from './common.js';

export type StarSide = 'ip' | 'floor' | 'floor-threads' | 'nsnet' | 'floor-v6' | 'nsnet-v6';
export const STAR_SIDES: readonly StarSide[] = ['ip', 'floor', 'floor-threads', 'nsnet', 'floor-v6', 'nsnet-v6'];

/**
 * The sides a run takes: --side keeps one kind (both IPv6 settings), --ipv6 keeps the IPv6-on
 * ones. `floor`: floor.c is there (shared/ beside the checkout, and gcc); `threads`:
 * floor-threads.c compiled (gcc).
 */
export function starSides(o: { side?: BenchOptions['side']; ipv6?: boolean }, floor: boolean, threads = floor): StarSide[] {
  return STAR_SIDES.filter((s) => {
    if (s === 'floor-threads' ? !threads : !floor && s.startsWith('floor')) return false;
    if (o.ipv6 && (s === 'floor' || s === 'floor-threads' || s === 'nsnet')) return false;
    if (o.side !== undefined && !s.startsWith(o.side)) return false;
    return true;
  });
}

interface Runs {
  ip: CoreResult[];
  floor: FloorResult[];
  'floor-threads': FloorResult[];
  'floor-v6': FloorResult[];
  nsnet: StarResult[];
  'nsnet-v6': StarResult[];
}

const SIDE_LABEL: Record<StarSide, string> = {
  ip: 'ip-batch (IPv6 on)', floor: 'C floor (IPv6 off)', 'floor-threads': 'C floor, 2 threads (IPv6 off)', nsnet: 'nsnet (IPv6 off)', 'floor-v6': 'C floor (IPv6 on)', 'nsnet-v6': 'nsnet (IPv6 on)',
};

export async function runStar(o: BenchOptions, tmp: string): Promise<Outcome> {
  const { ipCore } = await import('../sides.js');
  const { nsnetStar } = await import('../star.js');
  const failures: Failure[] = [];
  // What the options ask for (starSides, as if both floors were there); each floor is compiled only when asked for.
  const asked = starSides(o, true, true);
  const prepared = asked.some((s) => s === 'floor' || s === 'floor-v6') ? prepareFloor(ROOT, tmp) : undefined;
  const threaded = asked.includes('floor-threads') ? prepareFloorThreads(ROOT, tmp) : undefined;
  const floorBin = prepared && 'bin' in prepared ? prepared.bin : undefined;
  const threadsBin = threaded && 'bin' in threaded ? threaded.bin : undefined;
  const sides = starSides(o, floorBin !== undefined, threadsBin !== undefined);
  const runs: Runs = { ip: [], floor: [], 'floor-threads': [], 'floor-v6': [], nsnet: [], 'nsnet-v6': [] };
  const waits: QuietResult[] = [];
  const one = async (r: number, s: StarSide): Promise<void> => {
    waits.push(waitQuiet());
    if (s === 'ip') {
      const x = await attempt(failures, r, 'ip-batch', () => ipCore(o.n, tmp));
      if (x) runs.ip.push(x);
    } else if (s === 'floor' || s === 'floor-v6') {
      const x = await attempt(failures, r, s, () => runFloorOnce(floorBin!, o.n, s === 'floor'));
      if (x) runs[s].push(x);
    } else if (s === 'floor-threads') {
      const x = await attempt(failures, r, s, () => runFloorOnce(threadsBin!, o.n, true));
      if (x) runs[s].push(x);
    } else {
      const x = await attempt(failures, r, s, () => nsnetStar(o.n, tmp, { ipv6: s === 'nsnet-v6' }));
      if (x) runs[s].push(x);
    }
  };
  for (let r = 1; r <= o.repeat; r++) {
    for (const s of rotation(sides, r)) {
      await one(r, s);
      if (failures.length && !o.keepGoing) break;
    }
    if (failures.length && !o.keepGoing) break;
  }
  const absent = (p: typeof prepared): string | undefined => (p && 'absent' in p ? p.absent : undefined);
  return report(o, runs, sides, waits, failures, prepared ? absent(prepared) : 'not asked for', absent(threaded));
}

/** `floorAbsent`: why floor.c did not run (also when not asked for: the ratio line says floor=absent); `threadsAbsent`: why floor-threads.c, asked for, could not. */
function report(o: BenchOptions, runs: Runs, sides: StarSide[], waits: QuietResult[], failures: Failure[], floorAbsent: string | undefined, threadsAbsent: string | undefined): Outcome {
  const m = {
    ipUp: med(runs.ip.map((x) => x.build)), ipDown: med(runs.ip.map((x) => x.teardown)),
    fUp: med(runs.floor.map((x) => x.build)), fDown: med(runs.floor.map((x) => x.teardown)),
    f2Up: med(runs['floor-threads'].map((x) => x.build)),
    f6Cycle: med(runs['floor-v6'].map((x) => x.build + x.teardown)),
    up: med(runs.nsnet.map((x) => x.up)), noop: med(runs.nsnet.map((x) => x.noopUp)), down: med(runs.nsnet.map((x) => x.down)),
    n6Cycle: med(runs['nsnet-v6'].map((x) => x.up + x.down)),
    rss: med([...runs.nsnet, ...runs['nsnet-v6']].flatMap((x) => (x.rssMb === undefined ? [] : [x.rssMb]))),
  };
  const row = (s: StarSide): string[] => {
    if (s === 'ip') return [SIDE_LABEL[s], fmt(m.ipUp), '-', fmt(m.ipDown), '-', String(runs.ip.length)];
    if (s === 'floor' || s === 'floor-threads' || s === 'floor-v6') {
      const xs = runs[s];
      return [SIDE_LABEL[s], fmt(med(xs.map((x) => x.build))), '-', fmt(med(xs.map((x) => x.teardown))), '-', String(xs.length)];
    }
    const xs = runs[s];
    const rss = med(xs.flatMap((x) => (x.rssMb === undefined ? [] : [x.rssMb])));
    return [SIDE_LABEL[s], fmt(med(xs.map((x) => x.up))), fmt(med(xs.map((x) => x.noopUp))), fmt(med(xs.map((x) => x.down))), rss === undefined ? '-' : rss.toFixed(0), String(xs.length)];
  };
  const lines = [
    `star: ${o.n} hosts on one bridge, 10.0.x.y/16; ${o.repeat} round(s) of (${rotation(sides, 1).join(', ')}), the order rotated each round${o.repeat > 1 ? ', medians' : ''}`,
    'nsnet: node bin/nsnet.js up FILE / up FILE again (no changes) / down FILE, wall time of each child process (Node start-up included)',
    'ip-batch: one ip -batch for namespaces, bridge and veths, then one ip -n NS -batch - per namespace, run sequentially as a script would',
    'C floor: shared/bench/floor.c, the same work in one C process talking rtnetlink; on 2 threads: bench/floor-threads.c, its namespaces made on a second thread meanwhile',
    'down/teardown: until no device of the lab is left in the sandbox root namespace (polled every 1 ms)',
    quietLine(waits),
    table([['side', 'up_s', 'noop_up_s', 'down_s', 'rss_mb', 'rounds'], ...sides.map(row)]),
  ];
  if (floorAbsent) lines.push(`C floor: absent (${floorAbsent})`);
  if (threadsAbsent) lines.push(`C floor on 2 threads: absent (${threadsAbsent})`);
  const first = runs.nsnet[0] ?? runs['nsnet-v6'][0];
  if (first) lines.push(`second up said: ${first.noopSays}`);
  for (const s of ['nsnet', 'nsnet-v6'] as const) {
    const last = runs[s].at(-1);
    if (last) lines.push(`${SIDE_LABEL[s]}, last round's up --profile:`, ...last.profile.split('\n').slice(1));
  }
  const z = m.noop === undefined ? 'n/a' : m.noop.toFixed(2);
  const rss = m.rss === undefined ? 'n/a' : m.rss.toFixed(0);
  const vsFloor = floorAbsent
    ? `ratio nsnet/floor floor=absent noop_up_s=${z} rss_mb=${rss}`
    : `ratio nsnet/floor up=${ratio(m.up, m.fUp)} cycle_v6=${ratio(m.n6Cycle, m.f6Cycle)} down=${ratio(m.down, m.fDown)} noop_up_s=${z} rss_mb=${rss}`;
  const json = { workload: 'star', n: o.n, repeat: o.repeat, sides, runs, median: m, waits, failures };
  // Whether a second CPU speeds up the kernel's own work on this machine (see the top of this file).
  const threads = m.f2Up !== undefined && m.fUp !== undefined ? [`ratio floor-threads/floor up=${ratio(m.f2Up, m.fUp)}`] : [];
  return { failures, lines, json, last: [`ratio nsnet/ip-batch up=${ratio(m.up, m.ipUp)} down=${ratio(m.down, m.ipDown)} noop_up_s=${z}`, ...threads, vsFloor] };
}
