/**
 * Command line of the benchmarks: `node dist/bench/main.js core|star [options]`.
 * Pure: parses words into options or says what is wrong (the caller prints it and exits 2).
 */

/** The workloads, in the usage's order; each runs from bench/workloads/NAME.ts (main.ts). */
export const WORKLOADS = ['core', 'star', 'tree', 'cli', 'map'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** Defaults that differ by workload (N and rounds); the rest are shared. */
const DEFAULTS: Record<Workload, { n: number; repeat: number }> = {
  core: { n: 1000, repeat: 1 },
  star: { n: 1000, repeat: 3 },
  tree: { n: 4000, repeat: 1 },
  cli: { n: 1, repeat: 20 },
  map: { n: 1000, repeat: 3 },
};

export interface BenchOptions {
  workload: Workload;
  /** Number of namespaces (core) or hosts (star). */
  n: number;
  /** Rounds; each round runs every side once. Medians are reported. */
  repeat: number;
  /** Print machine-readable results (one JSON line) before the last line. */
  json: boolean;
  /** After a failed check, keep running the remaining rounds and sides (the run still exits 1). */
  keepGoing: boolean;
  /** star only: only the sides with IPv6 on in the hosts (ip-batch, floor and nsnet with ipv6: true). */
  ipv6: boolean;
  /** Run one kind of side only (for profiling); the ratio lines then say n/a. */
  side?: 'ip' | 'nsnet' | 'floor';
  help: boolean;
}

export type ParseResult = { ok: true; options: BenchOptions } | { ok: false; error: string };

/** Highest N: host i gets 10.0.(i>>8).(i&255)/16, and 10.0.255.255 is the broadcast address. */
export const MAX_N = 65534;

export const USAGE = `usage: npm run bench -- ${WORKLOADS.join('|')} [--n N] [--repeat K] [--json] [--keep-going] [--ipv6] [--side ip|nsnet|floor]

  core   N namespaces, each with a veth pair (host end on one bridge, inner end with an
         address and up), then delete everything: nsnet's library API against ip -batch.
  star   a generated topology file with N hosts on one bridge: nsnet up / up again / down
         against ip -batch and the C floor (shared/bench/floor.c), IPv6 off and on, in turn.
  tree   N hosts (default 4000) on 4 leaf bridges under a core bridge: up, ping first to
         last, down; time per host against the N/4 star in the same run.
  cli    start-up of nsnet --help, netns list and labs against node -e 0.
  map    nsnet map() of a host with N namespaces (a veth each to one bridge) against
         ip -all netns exec ip -j addr show.

  --n N          namespaces or hosts (default 1000; tree 4000; at most ${MAX_N})
  --repeat K     rounds, medians reported (default 1; star 3; cli 20 runs of each command)
  --json         machine-readable results on stdout before the last line
  --keep-going   continue after a failed check (the run still exits 1)
  --ipv6         star: only the sides with IPv6 on in the hosts
  --side ip|nsnet|floor  run one kind of side only, e.g. to profile it (the ratios are then n/a)
  --help         this text`;

function positiveInt(flag: string, text: string | undefined, max: number): number | string {
  if (text === undefined || text === '' || text.startsWith('--')) return `${flag} needs a value (a whole number from 1 to ${max})`;
  if (!/^[0-9]+$/.test(text)) return `${flag} ${JSON.stringify(text)} is not a whole number (use 1 to ${max})`;
  const v = Number(text);
  if (v < 1 || v > max) return `${flag} ${text} is out of range (use 1 to ${max})`;
  return v;
}

/** Parse the words after `main.js`. `--flag=value` and `--flag value` are both accepted. */
export function parseArgs(argv: readonly string[]): ParseResult {
  const o: BenchOptions = { workload: 'core', n: 1000, repeat: 1, json: false, keepGoing: false, ipv6: false, help: false };
  let workload: Workload | undefined;
  let n: number | undefined;
  let repeat: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const eq = word.startsWith('--') ? word.indexOf('=') : -1;
    const flag = eq > 0 ? word.slice(0, eq) : word;
    const inline = eq > 0 ? word.slice(eq + 1) : undefined;
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    const noValue = (): string | undefined => (inline !== undefined ? `${flag} takes no value` : undefined);
    let err: string | undefined;
    switch (flag) {
      case 'core':
      case 'star':
      case 'tree':
      case 'cli':
      case 'map':
        if (workload !== undefined) return { ok: false, error: `bench: one workload at a time (got ${workload} and ${flag})` };
        workload = flag;
        break;
      case '--n':
      case '-n': {
        const v = positiveInt(flag, value(), MAX_N);
        if (typeof v === 'string') return { ok: false, error: `bench: ${v}` };
        n = v;
        break;
      }
      case '--repeat': {
        const v = positiveInt(flag, value(), 1000);
        if (typeof v === 'string') return { ok: false, error: `bench: ${v}` };
        repeat = v;
        break;
      }
      case '--json':
        err = noValue();
        o.json = true;
        break;
      case '--keep-going':
        err = noValue();
        o.keepGoing = true;
        break;
      case '--ipv6':
        err = noValue();
        o.ipv6 = true;
        break;
      case '--side': {
        const v = value();
        if (v !== 'ip' && v !== 'nsnet' && v !== 'floor') return { ok: false, error: `bench: --side needs ip, nsnet or floor${v === undefined ? '' : `, not ${JSON.stringify(v)}`}` };
        o.side = v;
        break;
      }
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        return { ok: false, error: `bench: unknown argument ${JSON.stringify(word)} (expected ${WORKLOADS.join(', ')}, then --n N, --repeat K, --json, --keep-going, --ipv6, --side ip|nsnet|floor)` };
    }
    if (err) return { ok: false, error: `bench: ${err}` };
  }
  if (o.help) return { ok: true, options: { ...o, workload: workload ?? 'core' } };
  if (workload === undefined) return { ok: false, error: `bench: say which benchmark to run: ${WORKLOADS.join(', ')}` };
  if (o.ipv6 && workload !== 'star') return { ok: false, error: 'bench: --ipv6 applies to star only (core keeps IPv6 on for both sides)' };
  if (o.side === 'floor' && workload !== 'star') return { ok: false, error: 'bench: --side floor applies to star only' };
  o.workload = workload;
  o.n = n ?? DEFAULTS[workload].n;
  o.repeat = repeat ?? DEFAULTS[workload].repeat;
  return { ok: true, options: o };
}
