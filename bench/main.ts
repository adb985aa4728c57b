/**
 * nsnet's benchmarks against iproute2, measured in the same run (speed is a ratio, never an
 * absolute assertion):
 *
 *   npm run bench -- core [--n N] [--repeat K] [--json] [--keep-going] [--side ip|nsnet]
 *   npm run bench -- star [--n N] [--repeat K] [--json] [--keep-going] [--ipv6] [--side ip|nsnet]
 *
 * Runs only inside the private sandbox (scripts/sandbox.mjs, which `npm run bench` uses).
 * Each round runs the ip side, then the nsnet side; with --repeat K the medians are reported.
 * The last line is the ratio line; a failed check of either build exits 1, a bad argument 2.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE, type BenchOptions } from './lib/args.js';
import { CheckError } from './lib/check.js';
import { floorLine, runFloor } from './floor.js';
import { median, ratio, table } from './lib/workload.js';
// The kernel-touching modules (and koffi) are imported only once the arguments and the
// sandbox are known to be right.
import type { CoreResult } from './sides.js';
import type { StarResult } from './star.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const NSNET_BIN = join(ROOT, 'bin', 'nsnet.js');
const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

interface Failure {
  round: number;
  side: string;
  message: string;
}

const fmt = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(3));
const med = (xs: number[]): number | undefined => (xs.length ? median(xs) : undefined);

function preflight(o: BenchOptions): string | undefined {
  if (process.env.NSNET_SANDBOX !== '1') {
    return 'bench: refusing to run outside the private sandbox (it creates and deletes namespaces and links); run it with npm run bench -- ...';
  }
  if (process.env.NSNET_NO_KERNEL) return `bench: no kernel access (${process.env.NSNET_NO_KERNEL}); run as root so that npm run bench can make its sandbox`;
  const packages: Record<string, string> = { ip: 'iproute2', ping: 'iputils-ping', bash: 'bash' };
  for (const [cmd, pkg] of Object.entries(packages)) {
    if (!have(cmd)) return `bench: ${cmd} is not installed; install it (apt-get install -y ${pkg})`;
  }
  if (o.workload === 'star' && o.side !== 'ip' && !fs.existsSync(NSNET_BIN)) return `bench: ${NSNET_BIN} is missing; the star benchmark runs the nsnet CLI`;
  return undefined;
}

async function attempt<T>(failures: Failure[], round: number, side: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    const message = e instanceof CheckError ? e.message : `${side} failed: ${(e as Error).stack ?? String(e)}`;
    failures.push({ round, side, message });
    process.stderr.write(`bench: round ${round}, ${side}: ${message}\n`);
    return undefined;
  }
}

async function core(o: BenchOptions, tmp: string): Promise<{ failures: Failure[]; lines: string[]; json: unknown; last: string }> {
  const { ipCore, nsnetCore } = await import('./sides.js');
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
    `core: ${o.n} namespaces, each a veth pair (host end on one bridge, inner end ${'10.0.x.y/16'} and up), then teardown; ` +
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
  return { failures, lines, json, last: `ratio nsnet/ip-batch build=${build} teardown=${teardown}` };
}

async function star(o: BenchOptions, tmp: string): Promise<{ failures: Failure[]; lines: string[]; json: unknown; last: string }> {
  const { ipCore } = await import('./sides.js');
  const { nsnetStar } = await import('./star.js');
  const failures: Failure[] = [];
  const ip: CoreResult[] = [];
  const ns: StarResult[] = [];
  for (let r = 1; r <= o.repeat; r++) {
    const a = o.side === 'nsnet' ? undefined : await attempt(failures, r, 'ip-batch', () => ipCore(o.n, tmp));
    if (a) ip.push(a);
    if (failures.length && !o.keepGoing) break;
    const b = o.side === 'ip' ? undefined : await attempt(failures, r, 'nsnet', () => nsnetStar(o.n, tmp, { ipv6: o.ipv6 }));
    if (b) ns.push(b);
    if (failures.length && !o.keepGoing) break;
  }
  const ipUp = med(ip.map((x) => x.build));
  const ipDown = med(ip.map((x) => x.teardown));
  const up = med(ns.map((x) => x.up));
  const noop = med(ns.map((x) => x.noopUp));
  const down = med(ns.map((x) => x.down));
  const rows = [
    ['side', 'up_s', 'noop_up_s', 'down_s', 'down_returned_s', 'rounds'],
    ['ip-batch', fmt(ipUp), '-', fmt(ipDown), fmt(med(ip.map((x) => x.teardownReturned))), String(ip.length)],
    ['nsnet', fmt(up), fmt(noop), fmt(down), fmt(med(ns.map((x) => x.downReturned))), String(ns.length)],
  ];
  const lines = [
    `star: ${o.n} hosts on one bridge, 10.0.x.y/16; ${o.repeat} round(s) of (ip, nsnet)${o.repeat > 1 ? ', medians' : ''}`,
    'nsnet: node bin/nsnet.js up FILE / up FILE again (no changes) / down FILE, wall time of each child process (Node start-up included)',
    'ip-batch: one ip -batch for namespaces, bridge and veths, then one ip -n NS -batch - per namespace, run sequentially as a script would',
    'down/teardown: until no device of the lab is left in the sandbox root namespace (polled every 1 ms)',
    table(rows),
  ];
  if (o.side === undefined) lines.push(floorLine(runFloor(ROOT, tmp, o.n, !o.ipv6), ipUp, ipDown, o.ipv6));
  if (ns.length) {
    const v6 = ns[0]!.ipv6;
    lines.push(`IPv6 in the hosts' namespaces: ip-batch on (kernel default); nsnet ${v6 ? 'on' : 'off (the topology default; --ipv6 turns it on)'}`);
    if (ns.some((x) => x.loDown > 0)) lines.push(`note: nsnet up left lo down in ${ns[0]!.loDown} of ${o.n} namespaces (ip's build brings lo up)`);
    lines.push(`second up said: ${ns[0]!.noopSays}`);
  }
  const r1 = ratio(up, ipUp);
  const r2 = ratio(down, ipDown);
  const z = noop === undefined ? 'n/a' : noop.toFixed(2);
  const json = {
    workload: 'star', n: o.n, repeat: o.repeat, ip, nsnet: ns,
    median: { ip: { up: ipUp, down: ipDown }, nsnet: { up, noopUp: noop, down } },
    ratio: { up: r1 === 'n/a' ? null : Number(r1), down: r2 === 'n/a' ? null : Number(r2), noopUpSeconds: noop ?? null },
    failures,
  };
  return { failures, lines, json, last: `ratio nsnet/ip-batch up=${r1} down=${r2} noop_up_s=${z}` };
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const o = parsed.options;
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const refusal = preflight(o);
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    return 1;
  }
  const tmp = fs.mkdtempSync(join(os.tmpdir(), 'nsnet-bench-'));
  try {
    const out = o.workload === 'core' ? await core(o, tmp) : await star(o, tmp);
    process.stdout.write(out.lines.join('\n') + '\n');
    if (o.json) process.stdout.write(JSON.stringify(out.json) + '\n');
    if (out.failures.length && !o.keepGoing) {
      // No ratio line: a stopped run has no result.
      process.stderr.write(`bench: ${o.workload} FAILED: stopped after a failed check (--keep-going runs the other rounds)\n`);
      return 1;
    }
    process.stdout.write(out.last + '\n');
    if (out.failures.length) process.stderr.write(`bench: ${o.workload} FAILED: ${out.failures.length} failed check(s), see above\n`);
    return out.failures.length ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
