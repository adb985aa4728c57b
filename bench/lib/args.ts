/**
 * Command line of the benchmarks: `node dist/bench/main.js core|star [options]`.
 * Pure: parses words into options or says what is wrong (the caller prints it and exits 2).
 */

export type Workload = 'core' | 'star';

export interface BenchOptions {
  workload: Workload;
  /** Number of namespaces (core) or hosts (star). */
  n: number;
  /** Rounds; each round runs the ip side, then the nsnet side. Medians are reported. */
  repeat: number;
  /** Print machine-readable results (one JSON line) before the last line. */
  json: boolean;
  /** After a failed check, keep running the remaining rounds and sides (the run still exits 1). */
  keepGoing: boolean;
  /** star only: write `ipv6: true` into the generated topology (default: the format's default). */
  ipv6: boolean;
  /** Run one side only (for profiling); the ratio line then says n/a. */
  side?: 'ip' | 'nsnet';
  help: boolean;
}

export type ParseResult = { ok: true; options: BenchOptions } | { ok: false; error: string };

/** Highest N: host i gets 10.0.(i>>8).(i&255)/16, and 10.0.255.255 is the broadcast address. */
export const MAX_N = 65534;

export const USAGE = `usage: npm run bench -- core|star [--n N] [--repeat K] [--json] [--keep-going] [--ipv6] [--side ip|nsnet]

  core   N namespaces, each with a veth pair (host end on one bridge, inner end with an
         address and up), then delete everything: nsnet's library API against ip -batch.
  star   a generated topology file with N hosts on one bridge: nsnet up / up again / down
         against the same build and teardown with ip -batch.

  --n N          namespaces or hosts (default 1000, at most ${MAX_N})
  --repeat K     rounds of (ip, nsnet), medians reported (default 1)
  --json         machine-readable results on stdout before the last line
  --keep-going   continue after a failed check (the run still exits 1)
  --ipv6         star: write "ipv6: true" into the topology (nodes keep IPv6 on, as ip's do)
  --side ip|nsnet  run one side only, e.g. to profile it (the ratios are then n/a)
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
        if (workload !== undefined) return { ok: false, error: `bench: one workload at a time (got ${workload} and ${flag})` };
        workload = flag;
        break;
      case '--n':
      case '-n': {
        const v = positiveInt(flag, value(), MAX_N);
        if (typeof v === 'string') return { ok: false, error: `bench: ${v}` };
        o.n = v;
        break;
      }
      case '--repeat': {
        const v = positiveInt(flag, value(), 1000);
        if (typeof v === 'string') return { ok: false, error: `bench: ${v}` };
        o.repeat = v;
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
        if (v !== 'ip' && v !== 'nsnet') return { ok: false, error: `bench: --side needs ip or nsnet${v === undefined ? '' : `, not ${JSON.stringify(v)}`}` };
        o.side = v;
        break;
      }
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        return { ok: false, error: `bench: unknown argument ${JSON.stringify(word)} (expected core or star, then --n N, --repeat K, --json, --keep-going, --ipv6, --side ip|nsnet)` };
    }
    if (err) return { ok: false, error: `bench: ${err}` };
  }
  if (o.help) return { ok: true, options: { ...o, workload: workload ?? 'core' } };
  if (workload === undefined) return { ok: false, error: 'bench: say which benchmark to run: core or star' };
  if (o.ipv6 && workload !== 'star') return { ok: false, error: 'bench: --ipv6 applies to star only (core keeps IPv6 on for both sides)' };
  o.workload = workload;
  return { ok: true, options: o };
}
