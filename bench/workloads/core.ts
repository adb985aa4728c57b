/** `core`: the library API against ip -batch (N namespaces, a veth each on one bridge). */
import type { BenchOptions } from '../lib/args.js';
import { table, ratio } from '../lib/workload.js';
import { floorLine, runFloor } from '../floor.js';
import type { CoreResult } from '../sides.js';
import { attempt, fmt, med, ROOT, type Failure, type Outcome } from './common.js';

export async function runCore(o: BenchOptions, tmp: string): Promise<Outcome> {
  const { ipCore, nsnetCore } = await import('../sides.js');
  const failures: Failure[] = [];
  const ip: CoreResult[] = [];
  const ns: CoreResult[] = [];
  for (let r = 1; r <= o.repeat; r++) {
    const a = o.side === 'nsnet' ? undefined : await attempt(failures, r, 'ip-batch', () => ipCore(o.n, tmp));
    if (a) ip.push(a);
    if (failures.length && !o.keepGoing) break;
    const b = o.side === 'ip' ? undefined : await attempt(failures, r, 'nsnet', () => nsnetCore(o.n));
    if (b) ns.push(b);
    if (failures.length && !o.keepGoing) break;
  }
  const m = (rs: CoreResult[], k: 'build' | 'teardown' | 'teardownReturned'): number | undefined => med(rs.map((x) => x[k]));
  const rows = [
    ['side', 'build_s', 'teardown_s', 'teardown_returned_s', 'rounds'],
    ['ip-batch', fmt(m(ip, 'build')), fmt(m(ip, 'teardown')), fmt(m(ip, 'teardownReturned')), String(ip.length)],
    ['nsnet', fmt(m(ns, 'build')), fmt(m(ns, 'teardown')), fmt(m(ns, 'teardownReturned')), String(ns.length)],
  ];
  const phaseKeys = Object.keys(ns[0]?.phases ?? {});
  const phases = Object.fromEntries(phaseKeys.map((k) => [k, med(ns.map((x) => x.phases![k]!))!]));
  const lines = [
    `core: ${o.n} namespaces, each a veth pair (host end on one bridge, inner end 10.0.x.y/16 and up), then teardown; ` +
      `${o.repeat} round(s) of (ip, nsnet)${o.repeat > 1 ? ', medians' : ''}`,
    'ip-batch: one ip -batch for namespaces, bridge and veths, then one ip -n NS -batch - per namespace, run sequentially as a script would',
    'teardown: until no device of the run is left in the sandbox root namespace (polled every 1 ms)',
    table(rows),
  ];
  if (o.side === undefined) lines.push(floorLine(runFloor(ROOT, tmp, o.n, false), m(ip, 'build'), m(ip, 'teardown'), true));
  if (phaseKeys.length) lines.push(`nsnet build phases (s, summed over namespaces): ${phaseKeys.map((k) => `${k}=${phases[k]!.toFixed(3)}`).join(' ')}`);
  if (ns.length) {
    const user = med(ns.map((x) => x.cpu!.user))!;
    const system = med(ns.map((x) => x.cpu!.system))!;
    lines.push(`nsnet process CPU during the build (s): user=${user.toFixed(3)} system=${system.toFixed(3)} (the rest of the wall time is waiting on the kernel)`);
  }
  const build = ratio(m(ns, 'build'), m(ip, 'build'));
  const teardown = ratio(m(ns, 'teardown'), m(ip, 'teardown'));
  const json = {
    workload: 'core', n: o.n, repeat: o.repeat,
    ip, nsnet: ns,
    median: {
      ip: { build: m(ip, 'build'), teardown: m(ip, 'teardown'), teardownReturned: m(ip, 'teardownReturned') },
      nsnet: {
        build: m(ns, 'build'), teardown: m(ns, 'teardown'), teardownReturned: m(ns, 'teardownReturned'), phases,
        cpuUser: med(ns.map((x) => x.cpu!.user)), cpuSystem: med(ns.map((x) => x.cpu!.system)),
      },
    },
    ratio: { build: build === 'n/a' ? null : Number(build), teardown: teardown === 'n/a' ? null : Number(teardown) },
    failures,
  };
  return { failures, lines, json, last: [`ratio nsnet/ip-batch build=${build} teardown=${teardown}`] };
}
