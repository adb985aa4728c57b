/**
 * `npm run torture`: the torture suite, inside the test sandbox (scripts/sandbox.mjs). Prints a
 * table, then as its last line:
 *
 *   torture: crash_trials=A leaks=B foreign_touched=C ovs_crash_trials=A2 ovs_leaks=B2 concurrency_runs=D concurrency_errors=E ovs_concurrency_runs=D2 ovs_concurrency_errors=E2 fuzz_cases=F fuzz_crashes=G bad_files=H bad_file_crashes=I fd_growth=J converge_cases=K converge_diverged=L
 *     web_clients=M web_events=N web_lost=O web_missed=S web_fd_growth=P web_heap_growth_mb=T web_rss_growth_mb=Q web_shells_left=R
 *   (web_missed: nodes of the big lab whose eth0 some client never heard of. web_heap_growth_mb is the
 *   server's V8 heapUsed after a full GC, after the clients left minus before they came: the honest
 *   measure of what it keeps (a failure above 2 MB). web_rss_growth_mb is reported, not counted: the
 *   allocator and V8 keep pages they grew into, so RSS alone cannot tell a leak)
 *
 * Sections (one module each, shared with the reduced run in test/integration/torture.test.ts):
 *   1-2 crash.ts        nsnet up/down of a 50-node lab killed at random moments, foreign objects, a second lab
 *       ovs.ts          the same for an Open vSwitch lab (VLANs, a trunk), on nsnet's own daemons
 *   3   concurrency.ts  racing ups and downs, netns add racing ip netns add
 *       ovs.ts          two OVS labs at once on the shared daemons, one coming up while the other goes
 *   4   fuzz.ts         1,000,000 decoder cases
 *   5   hostile.ts      bad topology files through the library and the CLI
 *   6   fds.ts          open fds before and after 10,000 library operations
 *   7   ../converge     random labs and edits: up A; up B against a fresh up B (issue 12)
 *   8   web.ts          nsnet ui with 50 clients (events + a terminal each) while a 200-node lab comes up
 *
 * Options: --seed N, --crash N (kills per phase: N in up, N in down), --ovs-crash N (the same for the OVS lab), --rounds N, --races N,
 * --fuzz N, --bad N, --big N, --fd-ops N, --converge N, --web-clients N, --web-nodes N, --only 1,3,4 (sections).
 * NSNET_CONVERGE_SEED=N replays one convergence case. Progress goes to stderr.
 * Failures: the first 20 printed before the summary, all of them written to
 * $TMPDIR/nsnet-torture-SEED-failures.txt (its path printed).
 * Exit status: 0 when every count of a failure is 0, 1 otherwise, 2 when a section could not run.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convergeCases, describeCase, type ConvergeResult } from '../converge/run.js';
import { concurrency, type ConcurrencyResult } from './concurrency.js';
import { crashTrials, type CrashResult } from './crash.js';
import { fdGrowth, type FdResult } from './fds.js';
import { fuzzDecoders, type FuzzResult } from './fuzz.js';
import { hostileFiles, type HostileResult } from './hostile.js';
import { ovsConcurrencySection, ovsCrashSection, ovsUnavailable, type OvsConcurrencyResult, type OvsCrashResult } from './ovs.js';
import { caseSeed, kernelUnavailable } from './util.js';
import { removeInternet } from './world.js';
import { HEAP_SLACK, webClients, type WebResult } from './web.js';

interface Args {
  seed: number;
  crash: number;
  ovsCrash: number;
  rounds: number;
  races: number;
  fuzz: number;
  bad: number;
  big: number;
  fdOps: number;
  converge: number;
  webClients: number;
  webNodes: number;
  only: Set<number>;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { seed: Date.now() % 1_000_000_007, crash: 50, ovsCrash: 10, rounds: 5, races: 2, fuzz: 1_000_000, bad: 240, big: 5, fdOps: 10_000, converge: 150, webClients: 50, webNodes: 200, only: new Set([1, 2, 3, 4, 5, 6, 7, 8]) };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = argv[i + 1];
    const num = () => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`torture: ${k} needs a whole number, got ${JSON.stringify(v)}`);
      i++;
      return n;
    };
    switch (k) {
      case '--seed': a.seed = num(); break;
      case '--crash': a.crash = num(); break;
      case '--ovs-crash': a.ovsCrash = num(); break;
      case '--rounds': a.rounds = num(); break;
      case '--races': a.races = num(); break;
      case '--fuzz': a.fuzz = num(); break;
      case '--bad': a.bad = num(); break;
      case '--big': a.big = num(); break;
      case '--fd-ops': a.fdOps = num(); break;
      case '--web-clients': a.webClients = num(); break;
      case '--web-nodes': a.webNodes = num(); break;
      case '--converge': a.converge = num(); break;
      case '--only': a.only = new Set((v ?? '').split(',').map(Number)); i++; break;
      default: throw new Error(`torture: unknown option ${k} (see the header of test/torture/main.ts)`);
    }
  }
  return a;
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const noKernel = kernelUnavailable();
  log(`torture: seed ${args.seed}${noKernel ? ` (kernel sections skipped: ${noKernel})` : ''}`);
  const rows: string[][] = [];
  let skipped = false;
  let crash: CrashResult | undefined;
  let conc: ConcurrencyResult | undefined;
  let ovsCrash: OvsCrashResult | undefined;
  let ovsConc: OvsConcurrencyResult | undefined;
  const noOvs = noKernel ?? ovsUnavailable();
  let fuzz: FuzzResult | undefined;
  let bad: HostileResult | undefined;
  let fd: FdResult | undefined;
  let web: WebResult | undefined;
  let conv: ConvergeResult | undefined;
  const examples: string[] = [];

  if (args.only.has(1) || args.only.has(2)) {
    if (noKernel) skipped = true;
    else {
      log(`[1-2] crash trials: ${args.crash} kills in up, ${args.crash} in down, on a 50-node lab`);
      crash = await crashTrials({ upKills: args.crash, downKills: args.crash, seed: args.seed, log });
      rows.push(['1 crash safety', `${crash.trials} trials (${args.crash} kills in up, a third of them applying an edit; ${args.crash} in down) on a 50-node lab; up ${crash.upMs} ms (kernel work from ${crash.workFromMs.up} ms), edit ${crash.editMs} ms (from ${crash.workFromMs.edit}), down ${crash.downMs} ms (from ${crash.workFromMs.down})`,
        `leaks=${crash.leaks} incomplete=${crash.incomplete}; killed mid-way ${crash.killedMidway}; record after kill ${JSON.stringify(crash.recordAfterKill)}; namespaces after kill ${JSON.stringify(crash.namespacesAfterKill)}`, secs(crash.ms)]);
      rows.push(['2 foreign objects', `${crash.foreignPerTrial} hand-made look-alikes per trial + a 4-node lab with the same node names`, `foreign_touched=${crash.foreignTouched}`, '']);
      examples.push(...crash.examples);
    }
    const o = await ovsCrashSection(noOvs, args.ovsCrash, args.seed, log);
    [ovsCrash, skipped] = [o.r, skipped || !o.r];
    rows.push(o.row);
    examples.push(...(o.r?.examples ?? []));
  }
  if (args.only.has(3)) {
    if (noKernel) skipped = true;
    else {
      log(`[3] concurrency: ${args.rounds} rounds, ${args.races} netns add races`);
      conc = await concurrency({ rounds: args.rounds, races: args.races, raceSize: 100, log });
      rows.push(['3 concurrency', `${conc.runs} runs (${args.rounds} × [2 NAT labs at once, same lab twice, a NAT lab up while another goes down, up+down of one lab at once] + ${args.races} × 100 vs 100 netns add)`, `errors=${conc.errors}`, secs(conc.ms)]);
      examples.push(...conc.examples);
    }
    const o = await ovsConcurrencySection(noOvs, args.rounds, log);
    [ovsConc, skipped] = [o.r, skipped || !o.r];
    rows.push(o.row);
    examples.push(...(o.r?.examples ?? []));
  }
  if (args.only.has(4)) {
    log(`[4] fuzzing the decoders: ${args.fuzz} cases, seed ${args.seed}`);
    fuzz = await fuzzDecoders({ cases: args.fuzz, seed: args.seed });
    rows.push(['4 decoder fuzzing', `${fuzz.cases} cases (seed ${fuzz.seed})`, `crashes=${fuzz.crashes} (hangs ${fuzz.hangs}); decoded ${fuzz.decoded}, WireError ${fuzz.wireErrors}; slowest case #${fuzz.slowest.i} ${fuzz.slowest.ms.toFixed(1)} ms`, secs(fuzz.ms)]);
    examples.push(...fuzz.examples.map((e) => `fuzz case #${e.i} (${e.kind} from ${e.from}): ${e.what}; bytes ${e.hex}`));
  }
  if (args.only.has(5)) {
    log(`[5] hostile topology files: ${args.bad} + ${args.big} of 10,000 nodes${noKernel ? ' (library only)' : ''}`);
    bad = await hostileFiles({ count: args.bad, big: args.big, seed: args.seed, cli: !noKernel });
    if (noKernel) skipped = true;
    rows.push(['5 hostile files', `${bad.files} files in ${bad.categories} categories${noKernel ? ' (library only)' : ', library + CLI'}`, `crashes=${bad.crashes}; slowest validation ${bad.slowestMs.toFixed(0)} ms`, secs(bad.ms)]);
    examples.push(...bad.examples);
  }
  if (args.only.has(6)) {
    if (noKernel) skipped = true;
    else {
      log(`[6] fd growth: ${args.fdOps} operations across 20 namespaces`);
      fd = await fdGrowth({ ops: args.fdOps, namespaces: 20, seed: args.seed });
      rows.push(['6 resource growth', `${fd.ops} operations, ${fd.namespaces} namespaces`, `fd_growth=${fd.growth} (fds ${fd.before} → peak ${fd.peak} → ${fd.after}); unexpected failures ${fd.unexpected}`, secs(fd.ms)]);
      examples.push(...fd.examples);
    }
  }
  if (args.only.has(7)) {
    if (noKernel) skipped = true;
    else {
      log(`[7] convergence: ${args.converge} random labs and edits, seed ${args.seed}`);
      const t0 = Date.now();
      conv = await convergeCases({ count: args.converge, seed: args.seed, caseSeed, log: (s) => log(s.split('\n')[0]!) });
      rows.push(['7 convergence', `${conv.cases} cases (up A; up B against a fresh up B, iproute2; plan B empty)`, `diverged=${conv.diverged}`, secs(Date.now() - t0)]);
      examples.push(...conv.failures.map(describeCase));
    }
  }
  if (args.only.has(8)) {
    if (noKernel) skipped = true;
    else {
      log(`[8] the ui under load: ${args.webClients} clients (events + a terminal each) while a ${args.webNodes}-node lab comes up`);
      web = await webClients({ clients: args.webClients, nodes: args.webNodes, seed: args.seed, log });
      rows.push(['8 ui under load', `${web.clients} clients with events + terminal, ${web.garbageClients} sending garbage, ${web.vanished} vanishing mid-stream; ${web.nodes}-node lab up`,
        `lost=${web.lost} of ${web.events} events each (eth0 of ${web.eth0Seen}/${web.nodes} nodes seen by all); server ${web.survived ? 'alive' : 'DEAD'}; shells left ${web.shellsLeft}; fds ${web.fd.before} → peak ${web.fd.peak} → ${web.fd.after}; heapUsed after GC ${web.heapMb.before} → ${web.heapMb.after} MB; RSS ${web.rssMb.before} → peak ${web.rssMb.peak} → ${web.rssMb.after} MB`, secs(web.ms)]);
      examples.push(...web.examples);
    }
  }
  if (!noKernel) removeInternet();

  const head = ['section', 'size', 'result', 'time'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  if (examples.length) {
    console.log('\nfirst failures:');
    for (const e of examples.slice(0, 20)) console.log(`  ${e}`);
    // All of them, in a file that outlives a terminal's scrollback (/tmp is the host's: the sandbox keeps its own /run and /sys only).
    const file = join(tmpdir(), `nsnet-torture-${args.seed}-failures.txt`);
    writeFileSync(file, `${examples.join('\n\n')}\n`);
    console.log(`every failure (${examples.length}), with its seed: ${file}`);
  }
  const counts = {
    crash_trials: crash?.trials ?? 0,
    leaks: crash?.leaks ?? 0,
    foreign_touched: crash?.foreignTouched ?? 0,
    ovs_crash_trials: ovsCrash?.trials ?? 0,
    ovs_leaks: ovsCrash?.leaks ?? 0,
    concurrency_runs: conc?.runs ?? 0,
    concurrency_errors: conc?.errors ?? 0,
    ovs_concurrency_runs: ovsConc?.runs ?? 0,
    ovs_concurrency_errors: ovsConc?.errors ?? 0,
    fuzz_cases: fuzz?.cases ?? 0,
    fuzz_crashes: fuzz?.crashes ?? 0,
    bad_files: bad?.files ?? 0,
    bad_file_crashes: bad?.crashes ?? 0,
    fd_growth: fd?.growth ?? 0,
    converge_cases: conv?.cases ?? 0,
    converge_diverged: conv?.diverged ?? 0,
    web_clients: web?.clients ?? 0,
    web_events: web?.events ?? 0,
    web_lost: web?.lost ?? 0,
    web_missed: web ? web.nodes - web.eth0Seen : 0,
    web_fd_growth: web ? web.fd.after - web.fd.before : 0,
    web_heap_growth_mb: web ? Math.round((web.heapMb.after - web.heapMb.before) * 10) / 10 : 0,
    web_rss_growth_mb: web ? web.rssMb.after - web.rssMb.before : 0,
    web_shells_left: web?.shellsLeft ?? 0,
  };
  console.log(`torture: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const failures = counts.leaks + counts.foreign_touched + counts.concurrency_errors + counts.fuzz_crashes + counts.bad_file_crashes + Math.abs(counts.fd_growth) + counts.converge_diverged
    + (crash?.incomplete ?? 0) + (fd?.unexpected ?? 0) + counts.ovs_leaks + (ovsCrash?.incomplete ?? 0) + counts.ovs_concurrency_errors
    + counts.web_lost + counts.web_missed + Math.abs(counts.web_fd_growth) + counts.web_shells_left + (web && !web.survived ? 1 : 0)
    + (web && (web.heapMb.after - web.heapMb.before) * 1024 * 1024 > HEAP_SLACK ? 1 : 0);
  return failures > 0 ? 1 : skipped ? 2 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`torture: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
