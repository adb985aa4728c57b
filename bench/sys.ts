/**
 * The benchmark's contact with the system: clocks, child processes, the 1 ms "settled" poll
 * of /sys/class/net, and the checks that a build is what it should be. Runs only inside the
 * sandbox (main.ts refuses otherwise).
 */
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { openNetns } from '../src/index.js';
import { CheckError } from './lib/check.js';
import { hostAddr } from './lib/workload.js';

export { CheckError };

/** Seconds since an arbitrary origin (monotonic). */
export const now = (): number => performance.now() / 1000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Block the thread for `ms` milliseconds (no event-loop turn, so nothing else runs meanwhile). */
export function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Run a command to completion and time it (wall clock, including process start-up). */
export function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunResult {
  const t = now();
  const r = spawnSync(cmd, args, { input: opts.input, env: opts.env ?? process.env, cwd: opts.cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  const seconds = now() - t;
  if (r.error) return { status: null, stdout: '', stderr: `cannot run ${cmd}: ${r.error.message}`, seconds };
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', seconds };
}

/** `cmd args` exited 0, or an Error whose message has its last lines of stderr. */
export function mustRun(what: string, cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunResult {
  const r = run(cmd, args, opts);
  if (r.status !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n  ');
    throw new CheckError(`${what} failed (exit ${r.status ?? 'by signal'}): ${cmd} ${args.join(' ')}\n  ${tail}`);
  }
  return r;
}


/** Devices of the sandbox's root namespace (its own /sys is mounted by scripts/sandbox.mjs). */
export function rootDevices(): string[] {
  return fs.readdirSync('/sys/class/net');
}

/** Names under /run/netns. */
export function namedNetns(): string[] {
  try {
    return fs.readdirSync('/run/netns');
  } catch {
    return [];
  }
}

/**
 * Poll /sys/class/net every 1 ms until no device matching `mine` is left (the kernel frees a
 * namespace's devices after `netns del` returns). Returns the seconds waited; throws after
 * `timeoutS`.
 */
export function settle(mine: (dev: string) => boolean, timeoutS = 300): number {
  const t = now();
  for (;;) {
    if (!rootDevices().some(mine)) return now() - t;
    if (now() - t > timeoutS) throw new CheckError(`devices still present ${timeoutS} s after teardown: ${rootDevices().filter(mine).slice(0, 5).join(', ')}`);
    sleepMs(1);
  }
}

/** ifindex of each root-namespace device, by name. */
export function rootIfindexes(names: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of names) {
    try {
      out.set(name, Number(fs.readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8')));
    } catch {
      /* gone */
    }
  }
  return out;
}

const IFF_UP = 1;
function sysFlags(dev: string): number {
  return Number.parseInt(fs.readFileSync(`/sys/class/net/${dev}/flags`, 'utf8'), 16);
}
function sysMaster(dev: string): string | undefined {
  try {
    return fs.readlinkSync(`/sys/class/net/${dev}/master`).split('/').pop();
  } catch {
    return undefined;
  }
}

/**
 * Check the root-namespace side of a star build, from /sys (not through nsnet): `ports` are
 * exactly the devices expected besides the bridge; each is up and a port of `bridge`.
 */
export function checkRootSide(bridge: string, ports: readonly string[], present: readonly string[]): string[] {
  const problems: string[] = [];
  const have = new Set(present);
  if (!have.has(bridge)) problems.push(`bridge ${bridge} is missing`);
  else if (!(sysFlags(bridge) & IFF_UP)) problems.push(`bridge ${bridge} is down`);
  const missing = ports.filter((p) => !have.has(p));
  if (missing.length) problems.push(`${missing.length} of ${ports.length} bridge ports are missing (${missing.slice(0, 3).join(', ')}...)`);
  const wanted = new Set(ports);
  const extra = present.filter((d) => d !== bridge && !wanted.has(d));
  if (extra.length) problems.push(`${extra.length} unexpected devices (${extra.slice(0, 3).join(', ')}...)`);
  let down = 0;
  let unbridged = 0;
  for (const p of ports) {
    if (!have.has(p)) continue;
    if (!(sysFlags(p) & IFF_UP)) down++;
    if (sysMaster(p) !== bridge) unbridged++;
  }
  if (down) problems.push(`${down} bridge ports are down`);
  if (unbridged) problems.push(`${unbridged} ports are not in bridge ${bridge}`);
  return problems;
}

/**
 * Check each host namespace through nsnet's library (a dump of links and one of IPv4 addresses):
 * lo is up and exactly one IPv4 address besides 127.0.0.1, hostAddr(i)/16, is on an up link
 * (named `inner(i)` when given). Returns problems; `loDown` counts namespaces whose lo is down.
 */
export async function checkNamespaces(
  n: number, netnsName: (i: number) => string, inner?: (i: number) => string,
): Promise<{ problems: string[]; addresses: number; loDown: number }> {
  const problems: string[] = [];
  let addresses = 0;
  let loDown = 0;
  const named = new Set(namedNetns());
  const missing: string[] = [];
  for (let i = 1; i <= n; i++) if (!named.has(netnsName(i))) missing.push(netnsName(i));
  if (missing.length) return { problems: [`${missing.length} of ${n} namespaces are missing (${missing.slice(0, 3).join(', ')}...)`], addresses, loDown };
  const bad: string[] = [];
  for (let i = 1; i <= n; i++) {
    const h = await openNetns(netnsName(i));
    try {
      // rawList, not list(): list() also resolves each veth peer's namespace name, which asks
      // the kernel once per named namespace (N of them here) for every namespace checked.
      const links = h.link.rawList();
      const addrs = (await h.addr.list({ family: 4 })).filter((a) => a.ifname !== 'lo');
      addresses += addrs.length;
      const lo = links.find((l) => l.name === 'lo');
      if (!lo || !lo.flagNames.includes('UP')) loDown++;
      const want = `${hostAddr(i)}/16`;
      const a = addrs.find((x) => x.cidr === want);
      const dev = a && links.find((l) => l.index === a.ifindex);
      const up = !!dev && dev.flagNames.includes('UP');
      if (addrs.length !== 1 || !a || !dev || !up || (inner && dev.name !== inner(i))) {
        bad.push(`${netnsName(i)} (${addrs.map((x) => `${x.cidr} on ${x.ifname}`).join(', ') || 'no address'}${dev && !up ? ', link down' : ''})`);
      }
    } finally {
      h.close();
    }
  }
  if (bad.length) problems.push(`${bad.length} of ${n} namespaces lack their address ${inner ? 'on an up inner link' : 'on an up link'}: ${bad.slice(0, 3).join('; ')}`);
  if (addresses !== n) problems.push(`${addresses} IPv4 addresses in the namespaces, expected ${n}`);
  return { problems, addresses, loDown };
}

/** The same check for a few namespaces through iproute2 (`ip -n NS -j -4 addr show`), independent of nsnet's decoder. */
export function checkWithIp(sample: number[], netnsName: (i: number) => string): string[] {
  const problems: string[] = [];
  for (const i of sample) {
    const r = run('ip', ['-n', netnsName(i), '-j', '-4', 'addr', 'show']);
    if (r.status !== 0) {
      problems.push(`ip -n ${netnsName(i)} addr show failed: ${r.stderr.trim()}`);
      continue;
    }
    const links = JSON.parse(r.stdout) as Array<{ ifname: string; flags: string[]; addr_info: Array<{ local: string; prefixlen: number }> }>;
    const want = hostAddr(i);
    const dev = links.find((l) => l.addr_info.some((a) => a.local === want && a.prefixlen === 16));
    if (!dev) problems.push(`ip sees no ${want}/16 in ${netnsName(i)}`);
    else if (!dev.flags.includes('UP')) problems.push(`ip sees ${dev.ifname} down in ${netnsName(i)}`);
  }
  return problems;
}

/** ping -c1 -W2 from namespace `from` to `to` (two tries, so one lost first packet is not a failure). */
export function ping(from: string, to: string): string[] {
  let last: RunResult | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    last = run('ip', ['netns', 'exec', from, 'ping', '-c1', '-W2', to]);
    if (last.status === 0) return [];
  }
  return [`ping ${from} -> ${to} failed: ${(last!.stdout + last!.stderr).trim().split('\n').slice(-2).join(' / ')}`];
}

/** Remove what an aborted earlier round left behind: namespaces and root devices starting with `prefix`. */
export function cleanupPrefix(prefix: string): void {
  const nss = namedNetns().filter((x) => x.startsWith(prefix));
  if (nss.length) run('ip', ['-force', '-batch', '-'], { input: nss.map((x) => `netns del ${x}`).join('\n') + '\n' });
  const devs = rootDevices().filter((d) => d.startsWith(prefix));
  if (devs.length) run('ip', ['-force', '-batch', '-'], { input: devs.map((d) => `link del ${d}`).join('\n') + '\n' });
  try {
    settle((d) => d.startsWith(prefix), 60);
  } catch {
    /* reported by the next round's checks */
  }
}
