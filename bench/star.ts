/**
 * The `star` workload's nsnet side: a generated topology file with N hosts on one bridge,
 * built with `node bin/nsnet.js up FILE` (a child process: wall time includes Node's
 * start-up), `up` again with no change, then `down FILE` plus the wait until the kernel has
 * removed the lab's devices. Its iproute2 side is ipCore (sides.ts) with /16 addresses.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openNetns } from '../src/index.js';
import { hostAddr, starYaml } from './lib/workload.js';
import {
  CheckError, checkNamespaces, checkRootSide, checkWithIp, namedNetns, now, ping, rootDevices, rootIfindexes, run, mustRun, settle,
} from './sys.js';
import { NSNET_PREFIX } from './sides.js';

/** Repository root (this file is dist/bench/star.js). */
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
export const NSNET_BIN = join(ROOT, 'bin', 'nsnet.js');

export interface StarResult {
  side: 'nsnet';
  /** `nsnet up FILE`, wall time of the child process. */
  up: number;
  /** A second `nsnet up FILE` that must change nothing. */
  noopUp: number;
  /** `nsnet down FILE` plus the wait until none of the lab's devices is left. */
  down: number;
  /** `nsnet down FILE` alone. */
  downReturned: number;
  /** Namespaces whose lo was left down (ip's build brings lo up). */
  loDown: number;
  /** Last line `nsnet up` printed the second time. */
  noopSays: string;
  /** Whether the lab's nodes have IPv6 (net.ipv6.conf.all.disable_ipv6 in h1). */
  ipv6: boolean;
  /** Peak resident memory of the `nsnet up` process, MB (its --profile's peak RSS line). */
  rssMb?: number;
  /** What `nsnet up --profile` printed: where the build's time went. */
  profile: string;
}

/**
 * Peak RSS of an `nsnet up --profile`, MB: the profile's own "peak RSS" line (the process's
 * getrusage maxRSS when it reports, at the end of up). One measure, the one users see.
 */
export function profileRss(stderr: string): number | undefined {
  const m = /peak RSS (\d+) MB/u.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

export function nsnet(what: string, args: string[], env?: NodeJS.ProcessEnv): ReturnType<typeof run> {
  return mustRun(what, process.execPath, [NSNET_BIN, ...args], { cwd: ROOT, env });
}

/** Best-effort removal of what an aborted round left (the lab's own down first). */
export function cleanupStar(file: string, prefix = NSNET_PREFIX): void {
  if (fs.existsSync(file) && namedNetns().some((x) => x.startsWith(prefix))) {
    run(process.execPath, [NSNET_BIN, 'down', file], { cwd: ROOT });
  }
  const nss = namedNetns().filter((x) => x.startsWith(prefix));
  if (nss.length) run('ip', ['-force', '-batch', '-'], { input: nss.map((x) => `netns del ${x}`).join('\n') + '\n' });
}

export async function nsnetStar(n: number, tmp: string, opts: { ipv6: boolean; prefix?: string }): Promise<StarResult> {
  const prefix = opts.prefix ?? NSNET_PREFIX;
  const file = join(tmp, `star-${n}.yaml`);
  fs.writeFileSync(file, starYaml(n, { name: 'star', prefix, ipv6: opts.ipv6 ? true : undefined }));
  cleanupStar(file, prefix);

  const before = new Set(rootDevices());
  try {
    return await measure(n, file, prefix, before);
  } catch (e) {
    // Leave the sandbox as the round found it: the lab's own down, then whatever is left.
    cleanupStar(file, prefix);
    const extra = rootDevices().filter((d) => !before.has(d));
    if (extra.length) run('ip', ['-force', '-batch', '-'], { input: extra.map((d) => `link del ${d}`).join('\n') + '\n' });
    throw e;
  }
}

async function measure(n: number, file: string, prefix: string, before: Set<string>): Promise<StarResult> {
  const netnsName = (i: number): string => `${prefix}h${i}`;
  const first = nsnet('nsnet up', ['up', '--profile', file]);
  const up = first.seconds;
  const profile = first.stderr.slice(first.stderr.indexOf('profile:')).trim();
  const rssMb = profileRss(first.stderr);
  const labDevs = rootDevices().filter((d) => !before.has(d));
  const mine = new Set(labDevs);

  // The lab's root-namespace devices: one bridge and N ports, wherever the lab names them.
  const problems: string[] = [];
  const bridges = labDevs.filter((d) => fs.existsSync(`/sys/class/net/${d}/bridge`));
  if (bridges.length !== 1) problems.push(`expected 1 new bridge in the host namespace, found ${bridges.length} (${bridges.join(', ')})`);
  else {
    const ports = labDevs.filter((d) => d !== bridges[0]);
    if (ports.length !== n) problems.push(`expected ${n} bridge ports, found ${ports.length}`);
    problems.push(...checkRootSide(bridges[0]!, ports, labDevs));
  }
  const ns = await checkNamespaces(n, netnsName);
  problems.push(...ns.problems);
  problems.push(...checkWithIp([...new Set([1, Math.ceil(n / 2), n])], netnsName));
  problems.push(...ping(netnsName(1), hostAddr(n)));
  if (problems.length) throw new CheckError(`nsnet up of the ${n}-host star is wrong:\n  - ${problems.join('\n  - ')}`);
  const h1 = await openNetns(netnsName(1));
  const ipv6 = (await h1.sysctl.get('net.ipv6.conf.all.disable_ipv6')) === '0';
  h1.close();

  // A second up must change nothing: same devices with the same ifindexes, same namespaces.
  const idx = rootIfindexes(labDevs);
  const nsIno = new Map(namedNetns().filter((x) => x.startsWith(prefix)).map((x) => [x, fs.statSync(`/run/netns/${x}`).ino]));
  const again = nsnet('nsnet up (no changes)', ['up', file]);
  const noopUp = again.seconds;
  const noopSays = again.stdout.trim().split('\n').pop() ?? '';
  const devsNow = rootDevices().filter((d) => !before.has(d));
  const idx2 = rootIfindexes(devsNow);
  const changed = devsNow.length !== labDevs.length || labDevs.some((d) => idx2.get(d) !== idx.get(d));
  const nsChanged = [...nsIno].filter(([x, ino]) => !fs.existsSync(`/run/netns/${x}`) || fs.statSync(`/run/netns/${x}`).ino !== ino);
  if (changed || nsChanged.length) {
    throw new CheckError(`the second nsnet up changed the lab: ${changed ? 'host devices were re-made or added' : ''}${nsChanged.length ? ` ${nsChanged.length} namespaces were re-made` : ''}`);
  }

  const t = now();
  nsnet('nsnet down', ['down', file]);
  const downReturned = now() - t;
  settle((d) => mine.has(d));
  const down = now() - t;
  const left = namedNetns().filter((x) => x.startsWith(prefix));
  if (left.length) throw new CheckError(`${left.length} namespaces ${prefix}* are left after nsnet down (${left.slice(0, 3).join(', ')})`);
  return { side: 'nsnet', up, noopUp, down, downReturned, loDown: ns.loDown, noopSays, ipv6, profile, ...(rssMb !== undefined ? { rssMb } : {}) };
}
