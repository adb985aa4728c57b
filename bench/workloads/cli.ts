/**
 * `cli`: start-up. `nsnet --help`, `nsnet netns list` and `nsnet labs` with nothing to list,
 * against bare `node -e 0`, each run --repeat times (default 20) in turn, medians of wall time.
 * Target: each at most 1.3x node's own start.
 */
import type { BenchOptions } from '../lib/args.js';
import { ratio, table } from '../lib/workload.js';
import { attempt, fmt, med, NSNET_BIN, ROOT, type Failure, type Outcome } from './common.js';

interface Cmd {
  key: string;
  label: string;
  args: string[];
}

export const CLI_COMMANDS: readonly Cmd[] = [
  { key: 'node', label: 'node -e 0', args: ['-e', '0'] },
  { key: 'help', label: 'nsnet --help', args: [NSNET_BIN, '--help'] },
  { key: 'netns_list', label: 'nsnet netns list', args: [NSNET_BIN, 'netns', 'list'] },
  { key: 'labs', label: 'nsnet labs', args: [NSNET_BIN, 'labs'] },
];

export async function runCli(o: BenchOptions): Promise<Outcome> {
  const { mustRun } = await import('../sys.js');
  const failures: Failure[] = [];
  const times = new Map<string, number[]>(CLI_COMMANDS.map((c) => [c.key, []]));
  for (let r = 1; r <= o.repeat; r++) {
    for (const c of CLI_COMMANDS) {
      const t = await attempt(failures, r, c.label, () => mustRun(c.label, process.execPath, c.args, { cwd: ROOT }).seconds);
      if (t !== undefined) times.get(c.key)!.push(t);
    }
    if (failures.length && !o.keepGoing) break;
  }
  const m = new Map(CLI_COMMANDS.map((c) => [c.key, med(times.get(c.key)!)]));
  const base = m.get('node');
  const lines = [
    `cli: start-up, wall time of each command, ${o.repeat} run(s) each in turn, medians`,
    table([['command', 'median_s', 'x node -e 0', 'runs'], ...CLI_COMMANDS.map((c) => [c.label, fmt(m.get(c.key)), c.key === 'node' ? '1.00' : ratio(m.get(c.key), base), String(times.get(c.key)!.length)])]),
  ];
  const json = { workload: 'cli', repeat: o.repeat, times: Object.fromEntries(times), failures };
  const r = CLI_COMMANDS.filter((c) => c.key !== 'node').map((c) => `${c.key}=${ratio(m.get(c.key), base)}`).join(' ');
  return { failures, lines, json, last: [`ratio cli/node ${r}`] };
}
