/**
 * nsnet's benchmarks, each measured against a reference in the same run (speed is a ratio,
 * never an absolute assertion):
 *
 *   npm run bench -- core|star|tree|cli [--n N] [--repeat K] [--json] [--keep-going] [--ipv6] [--side ip|nsnet|floor]
 *
 * Runs only inside the private sandbox (scripts/sandbox.mjs, which `npm run bench` uses).
 * A workload is a module under bench/workloads/ and one row in WORKLOADS below. Its closing
 * lines (ratios) are printed last; a failed check exits 1, a bad argument 2.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { parseArgs, USAGE, type BenchOptions, type Workload } from './lib/args.js';
import { NSNET_BIN, type Outcome } from './workloads/common.js';

// The kernel-touching modules (and koffi) are imported only once the arguments and the
// sandbox are known to be right.
const WORKLOADS: Record<Workload, (o: BenchOptions, tmp: string) => Promise<Outcome>> = {
  core: async (o, tmp) => (await import('./workloads/core.js')).runCore(o, tmp),
  star: async (o, tmp) => (await import('./workloads/star.js')).runStar(o, tmp),
  tree: async (o, tmp) => (await import('./workloads/tree.js')).runTree(o, tmp),
  cli: async (o) => (await import('./workloads/cli.js')).runCli(o),
  map: async (o, tmp) => (await import('./workloads/map.js')).runMap(o, tmp),
};

const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function preflight(o: BenchOptions): string | undefined {
  if (process.env.NSNET_SANDBOX !== '1') {
    return 'bench: refusing to run outside the private sandbox (it creates and deletes namespaces and links); run it with npm run bench -- ...';
  }
  if (process.env.NSNET_NO_KERNEL) return `bench: no kernel access (${process.env.NSNET_NO_KERNEL}); run as root so that npm run bench can make its sandbox`;
  const packages: Record<string, string> = { ip: 'iproute2', ping: 'iputils-ping', bash: 'bash' };
  for (const [cmd, pkg] of Object.entries(packages)) {
    if (!have(cmd)) return `bench: ${cmd} is not installed; install it (apt-get install -y ${pkg})`;
  }
  if (o.workload !== 'core' && o.side !== 'ip' && !fs.existsSync(NSNET_BIN)) return `bench: ${NSNET_BIN} is missing; the ${o.workload} benchmark runs the nsnet CLI`;
  return undefined;
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
    const out = await WORKLOADS[o.workload](o, tmp);
    process.stdout.write(out.lines.join('\n') + '\n');
    if (o.json) process.stdout.write(JSON.stringify(out.json) + '\n');
    if (out.failures.length && !o.keepGoing) {
      // No ratio line: a stopped run has no result.
      process.stderr.write(`bench: ${o.workload} FAILED: stopped after a failed check (--keep-going runs the other rounds)\n`);
      return 1;
    }
    process.stdout.write(out.last.join('\n') + '\n');
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
