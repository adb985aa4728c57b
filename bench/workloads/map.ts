/**
 * `map`: nsnet map() of a host with N namespaces (each a veth to one host bridge, built once
 * with ip -batch) against what iproute2 offers for the same view, `ip -all netns exec ip -j
 * addr show` (one ip process per namespace), in the same run. Both are checked: map() must
 * find every namespace with its veth joined to the bridge port in the host.
 */
import type { BenchOptions } from '../lib/args.js';
import { CheckError } from '../lib/check.js';
import { coreNames, ipBuild, ratio, table } from '../lib/workload.js';
import { attempt, fmt, med, type Failure, type Outcome } from './common.js';

const PREFIX = 'mb-';

export async function runMap(o: BenchOptions, tmp: string): Promise<Outcome> {
  const fs = await import('node:fs');
  const { join } = await import('node:path');
  const { cleanupPrefix, mustRun, now } = await import('../sys.js');
  const { map } = await import('../../src/api/map.js');
  const names = coreNames(PREFIX);
  cleanupPrefix(PREFIX);
  const plan = ipBuild(names, o.n, 16);
  const batch = join(tmp, 'map.batch');
  const script = join(tmp, 'map.sh');
  fs.writeFileSync(batch, plan.batch);
  fs.writeFileSync(script, plan.script(batch));
  mustRun('ip build', 'bash', [script]);
  const failures: Failure[] = [];
  const ours: number[] = [];
  const ip: number[] = [];
  let found = 0;
  try {
    for (let r = 1; r <= o.repeat; r++) {
      const t = await attempt(failures, r, 'nsnet map()', async () => {
        const t0 = now();
        const m = await map();
        const took = now() - t0;
        const mine = m.netns.filter((x) => x.names.some((n) => n.startsWith(PREFIX)));
        const joined = m.veths.filter(([a, b]) => a.name.startsWith(PREFIX) && b.name.startsWith(PREFIX)).length;
        if (mine.length !== o.n || joined !== o.n) throw new CheckError(`map() found ${mine.length} of ${o.n} namespaces and joined ${joined} of ${o.n} veth pairs`);
        found = mine.length;
        return took;
      });
      if (t !== undefined) ours.push(t);
      const s = await attempt(failures, r, 'ip -all netns exec', () => mustRun('ip -all netns exec', 'ip', ['-all', 'netns', 'exec', 'ip', '-j', 'addr', 'show']).seconds);
      if (s !== undefined) ip.push(s);
      if (failures.length && !o.keepGoing) break;
    }
  } finally {
    cleanupPrefix(PREFIX);
  }
  const a = med(ours);
  const b = med(ip);
  const lines = [
    `map: a host with ${o.n} namespaces (each a veth to one bridge) plus the sandbox's own; ${o.repeat} round(s), medians`,
    table([['side', 'seconds', 'rounds'], ['nsnet map()', fmt(a), String(ours.length)], ['ip -all netns exec ip -j addr show', fmt(b), String(ip.length)]]),
    `map --n ${o.n}: ${fmt(a)} s for ${found} namespaces (${a === undefined ? '-' : ((a / o.n) * 1e3).toFixed(3)} ms each)`,
  ];
  return { failures, lines, json: { workload: 'map', n: o.n, repeat: o.repeat, nsnet: ours, ip }, last: [`ratio map/ip-all-netns ${ratio(a, b)}`] };
}
