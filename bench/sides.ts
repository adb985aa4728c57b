/**
 * The two sides of the `core` workload (N namespaces, a veth pair each, host ends on one
 * bridge, inner ends addressed and up; then delete everything): iproute2 the fastest correct
 * way, and nsnet through its public library API. The star workload's iproute2 side is the
 * same as core's.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { hostNetns, netns } from '../src/index.js';
import { coreNames, hostAddr, ipBuild, ipTeardownBatch, type CoreNames } from './lib/workload.js';
import {
  CheckError, checkNamespaces, checkRootSide, checkWithIp, cleanupPrefix, mustRun, namedNetns, now, ping, rootDevices, settle,
} from './sys.js';

export type Side = 'ip-batch' | 'nsnet';

export interface CoreResult {
  side: Side;
  /** Seconds from the first request to the last ACK of the build. */
  build: number;
  /** Seconds from the start of teardown until no device of the run is left (settled). */
  teardown: number;
  /** Seconds until the teardown commands returned (before the kernel finished freeing devices). */
  teardownReturned: number;
  /** nsnet only: seconds per operation, summed over the namespaces. */
  phases?: Record<string, number>;
  /** nsnet only: this process's CPU seconds during the build (user: JavaScript and libc; system: the kernel's work in our syscalls). */
  cpu?: { user: number; system: number };
}

export const IP_PREFIX = 'ib-';
export const NSNET_PREFIX = 'nb-';

/** What a correct core build looks like, checked from /sys, through nsnet, through ip (a sample) and with a ping. */
export async function verifyCore(names: CoreNames, n: number): Promise<string[]> {
  const ports: string[] = [];
  for (let i = 1; i <= n; i++) ports.push(names.outer(i));
  const problems = checkRootSide(names.bridge, ports, rootDevices().filter((d) => d.startsWith(names.prefix)));
  const ns = await checkNamespaces(n, names.netns, names.inner);
  problems.push(...ns.problems);
  if (ns.loDown) problems.push(`lo is down in ${ns.loDown} of ${n} namespaces`);
  problems.push(...checkWithIp([...new Set([1, Math.ceil(n / 2), n])], names.netns));
  problems.push(...ping(names.netns(1), hostAddr(n)));
  return problems;
}

function checkGone(prefix: string): void {
  const left = namedNetns().filter((x) => x.startsWith(prefix));
  if (left.length) throw new CheckError(`${left.length} namespaces ${prefix}* are left after teardown (${left.slice(0, 3).join(', ')})`);
}

/** ip's build and teardown: files are written before the clock starts. */
export async function ipCore(n: number, tmp: string, prefix = IP_PREFIX): Promise<CoreResult> {
  const names = coreNames(prefix);
  cleanupPrefix(prefix);
  const plan = ipBuild(names, n);
  const batchFile = join(tmp, `${prefix}build.batch`);
  const scriptFile = join(tmp, `${prefix}build.sh`);
  const downFile = join(tmp, `${prefix}teardown.batch`);
  fs.writeFileSync(batchFile, plan.batch);
  fs.writeFileSync(scriptFile, plan.script(batchFile));
  fs.writeFileSync(downFile, ipTeardownBatch(names, n));

  const build = mustRun('ip build', 'bash', [scriptFile]).seconds;
  const problems = await verifyCore(names, n);
  if (problems.length) {
    cleanupPrefix(prefix);
    throw new CheckError(`ip-batch build of ${n} namespaces is wrong:\n  - ${problems.join('\n  - ')}`);
  }
  const t = now();
  mustRun('ip teardown', 'ip', ['-batch', downFile]);
  const teardownReturned = now() - t;
  settle((d) => d.startsWith(prefix));
  const teardown = now() - t;
  checkGone(prefix);
  return { side: 'ip-batch', build, teardown, teardownReturned };
}

/**
 * nsnet's build and teardown through the public library API, as a user would write it:
 * the bridge's ifindex resolved once; per namespace, netns.create (its handle's socket is
 * opened inside the new namespace), one RTM_NEWLINK for the veth with master, up and the peer
 * made straight in the namespace, then the inner end's ifindex once, its address, up, lo up;
 * each handle closed when done. Teardown: netns.del of each, then the bridge.
 */
export async function nsnetCore(n: number, prefix = NSNET_PREFIX): Promise<CoreResult> {
  const names = coreNames(prefix);
  cleanupPrefix(prefix);
  const phases = { bridge: 0, netns_create: 0, veth_create: 0, inner_index: 0, addr_add: 0, inner_up: 0, lo_up: 0, close: 0 };
  const host = hostNetns();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  let t = t0;
  const lap = (k: keyof typeof phases): void => {
    const x = now();
    phases[k] += x - t;
    t = x;
  };
  await host.link.add({ kind: 'bridge', name: names.bridge, up: true });
  const bridge = host.link.index(names.bridge);
  lap('bridge');
  for (let i = 1; i <= n; i++) {
    const h = await netns.create(names.netns(i));
    lap('netns_create');
    try {
      await host.link.add({ kind: 'veth', name: names.outer(i), up: true, master: bridge, peer: { name: names.inner(i), netns: { handle: h } } });
      lap('veth_create');
      const inner = h.link.index(names.inner(i));
      lap('inner_index');
      await h.addr.add(inner, `${hostAddr(i)}/16`);
      lap('addr_add');
      await h.link.set(inner, { up: true });
      lap('inner_up');
      await h.link.set('lo', { up: true });
      lap('lo_up');
    } finally {
      h.close();
      lap('close');
    }
  }
  const build = now() - t0;
  const used = process.cpuUsage(cpu0);
  const cpu = { user: used.user / 1e6, system: used.system / 1e6 };
  const problems = await verifyCore(names, n);
  if (problems.length) {
    cleanupPrefix(prefix);
    throw new CheckError(`nsnet build of ${n} namespaces is wrong:\n  - ${problems.join('\n  - ')}`);
  }
  const t1 = now();
  for (let i = 1; i <= n; i++) await netns.del(names.netns(i));
  await host.link.del(names.bridge);
  const teardownReturned = now() - t1;
  settle((d) => d.startsWith(prefix));
  const teardown = now() - t1;
  checkGone(prefix);
  return { side: 'nsnet', build, teardown, teardownReturned, phases, cpu };
}
