/**
 * `cli`: start-up. `nsnet --help`, `nsnet netns list` and `nsnet labs` with nothing to list,
 * against bare `node -e 0`, each run --repeat times (default 20) in turn, medians of wall time.
 * Target: each at most 1.3x node's own start.
 *
 * Wall time on a shared machine moves with the load; where valgrind is installed, each command
 * also runs once under callgrind, whose instruction count is the same whatever else runs, and
 * the ratios of those counts are printed beside the wall-time ones.
 *
 * Where NODE_EXTRA_CA_CERTS is set, every Node process reads and decodes that certificate bundle
 * as it starts (on this project's machines, whose environment sets it, ~40 ms of a ~70 ms
 * `node -e 0`): a cost of the machine that hides nsnet's own. Then every command also runs
 * without it, in the same rounds, and both ratios are printed.
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

/** Instructions one run of `args` under `node` executes (callgrind), or undefined without valgrind. */
async function instructions(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const { run } = await import('../sys.js');
  const r = run('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...args], { cwd: ROOT, env });
  const m = /I\s+refs:\s+([\d,]+)/u.exec(r.stderr ?? '');
  return r.status === 0 && m ? Number(m[1]!.replace(/,/gu, '')) : undefined;
}

/** An environment the commands run in: as given, or without NODE_EXTRA_CA_CERTS. */
interface Env {
  key: string;
  title: string;
  env: NodeJS.ProcessEnv;
}

export async function runCli(o: BenchOptions): Promise<Outcome> {
  const { mustRun } = await import('../sys.js');
  const envs: Env[] = [{ key: '', title: 'environment as given', env: process.env }];
  if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
    const { NODE_EXTRA_CA_CERTS: _, ...rest } = process.env;
    envs.push({ key: 'without_ca_certs', title: 'NODE_EXTRA_CA_CERTS unset (set here, it has every Node start decode a certificate bundle)', env: rest });
  }
  const failures: Failure[] = [];
  const id = (e: Env, c: Cmd): string => `${e.key}/${c.key}`;
  const times = new Map<string, number[]>(envs.flatMap((e) => CLI_COMMANDS.map((c) => [id(e, c), []] as [string, number[]])));
  for (let r = 1; r <= o.repeat; r++) {
    for (const e of envs) {
      for (const c of CLI_COMMANDS) {
        const t = await attempt(failures, r, c.label, () => mustRun(c.label, process.execPath, c.args, { cwd: ROOT, env: e.env }).seconds);
        if (t !== undefined) times.get(id(e, c))!.push(t);
      }
    }
    if (failures.length && !o.keepGoing) break;
  }
  const m = new Map([...times].map(([k, v]) => [k, med(v)]));
  const instr = new Map<string, number | undefined>();
  for (const e of envs) for (const c of CLI_COMMANDS) instr.set(id(e, c), await instructions(c.args, e.env));
  const counted = [...instr.values()].every((x) => x !== undefined);
  const others = CLI_COMMANDS.filter((c) => c.key !== 'node');
  const lines = [`cli: start-up, wall time of each command, ${o.repeat} run(s) each in turn, medians${counted ? '; instructions of one run under callgrind' : ' (install valgrind for instruction counts)'}`];
  const last: string[] = [];
  for (const e of envs) {
    const base = id(e, CLI_COMMANDS[0]!);
    lines.push(`${e.title}:`, table([
      ['command', 'median_s', 'x node -e 0', 'runs', ...(counted ? ['instructions_M', 'x node -e 0'] : [])],
      ...CLI_COMMANDS.map((c) => [
        c.label, fmt(m.get(id(e, c))), ratio(m.get(id(e, c)), m.get(base)), String(times.get(id(e, c))!.length),
        ...(counted ? [(instr.get(id(e, c))! / 1e6).toFixed(0), ratio(instr.get(id(e, c)), instr.get(base))] : []),
      ]),
    ]));
    const tag = e.key ? ` ${e.key}` : '';
    last.push(`ratio cli/node${tag} ${others.map((c) => `${c.key}=${ratio(m.get(id(e, c)), m.get(base))}`).join(' ')}`);
    if (counted) last.push(`instructions cli/node${tag} ${others.map((c) => `${c.key}=${ratio(instr.get(id(e, c)), instr.get(base))}`).join(' ')}`);
  }
  const json = { workload: 'cli', repeat: o.repeat, times: Object.fromEntries(times), instructions: Object.fromEntries(instr), failures };
  return { failures, lines, json, last };
}
