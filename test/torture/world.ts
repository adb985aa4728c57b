/**
 * The sandbox around the labs, made and watched with iproute2 (independent of the code under
 * test):
 * - the stand-in internet: a veth "uplink" in the sandbox's root namespace to an "internet"
 *   namespace, with the root namespace's default route through it (the NAT uplink's way out);
 * - foreign objects: namespaces and links made by hand with names close to a lab's, snapshotted
 *   (ifindex, name, master, alias, addresses; for namespaces the nsfs inode) and compared;
 * - leaks: what of a lab is left after `down` (namespaces, /run/netns mounts, marked links,
 *   host links of the lab's names, state files and anything else under /run/nsnet holding the
 *   lab or left half-written, the nft table, the host's ip_forward);
 * - pings: a lab's checks, run in parallel with bounded concurrency.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadTopologyFile } from '../../src/topology/index.js';
import type { LabFile, Ping } from './labs.js';
import { pool, run, sh, shTry } from './util.js';

export const INTERNET_NS = 'tt-internet';
export const INTERNET_ADDR = '198.51.100.1';
const UPLINK_ADDR = '198.51.100.2';

/** Make the stand-in internet (idempotent). */
export function makeInternet(): void {
  if (existsSync(`/run/netns/${INTERNET_NS}`)) return;
  sh('ip', ['netns', 'add', INTERNET_NS]);
  sh('ip', ['link', 'add', 'uplink', 'type', 'veth', 'peer', 'name', 'inet0', 'netns', INTERNET_NS]);
  sh('ip', ['addr', 'add', `${UPLINK_ADDR}/24`, 'dev', 'uplink']);
  sh('ip', ['link', 'set', 'uplink', 'up']);
  sh('ip', ['-n', INTERNET_NS, 'addr', 'add', `${INTERNET_ADDR}/24`, 'dev', 'inet0']);
  sh('ip', ['-n', INTERNET_NS, 'link', 'set', 'inet0', 'up']);
  sh('ip', ['-n', INTERNET_NS, 'link', 'set', 'lo', 'up']);
  sh('ip', ['route', 'replace', 'default', 'via', INTERNET_ADDR]);
}

export function removeInternet(): void {
  shTry('ip', ['route', 'del', 'default', 'via', INTERNET_ADDR]);
  shTry('ip', ['link', 'del', 'uplink']);
  shTry('ip', ['netns', 'del', INTERNET_NS]);
}

// ---------------------------------------------------------------------------- foreign objects

export interface Foreign {
  /** Hand-made namespaces. */
  namespaces: string[];
  /** Hand-made links in the root namespace. */
  links: string[];
}

/**
 * Hand-made objects with names close to lab `lab` (prefix `prefix`, host bridge `bridge`): the
 * same prefix with node names the lab does not have, a node name without the prefix, another
 * lab's mark, a bridge and veths named like the lab's, with ports, addresses and a veth into a
 * foreign namespace. Made with ip; any earlier set is removed first.
 */
export function makeForeign(prefix: string, bridge: string, lab: string): Foreign {
  const f: Foreign = {
    namespaces: [`${prefix}h41`, `${prefix}h0`, `${prefix}r6`, `${prefix}h1x`, `${prefix}s1.bak`, 'h1', `${prefix}h42`],
    links: [`${bridge}1`, 'h41-eth0', `${bridge}-x`, `${bridge}-y`, `${lab}xbr`, `${lab}old`],
  };
  removeForeign(f);
  for (const ns of f.namespaces) sh('ip', ['netns', 'add', ns]);
  // Another lab's mark, and an almost-mark, on foreign namespaces' lo.
  sh('ip', ['-n', `${prefix}h42`, 'link', 'set', 'lo', 'alias', `nsnet:${lab}x`]);
  sh('ip', ['-n', `${prefix}h0`, 'link', 'set', 'lo', 'alias', `nsnet:${lab}-old`]);
  sh('ip', ['-n', 'h1', 'link', 'set', 'lo', 'up']);
  // A bridge named like the lab's, with an address and a port whose peer is in a foreign namespace.
  sh('ip', ['link', 'add', `${bridge}1`, 'type', 'bridge']);
  sh('ip', ['addr', 'add', '192.168.201.1/24', 'dev', `${bridge}1`]);
  sh('ip', ['link', 'set', `${bridge}1`, 'up']);
  sh('ip', ['link', 'add', 'h41-eth0', 'master', `${bridge}1`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', `${prefix}h41`]);
  sh('ip', ['link', 'set', 'h41-eth0', 'up']);
  sh('ip', ['-n', `${prefix}h41`, 'addr', 'add', '192.168.201.41/24', 'dev', 'eth0']);
  sh('ip', ['-n', `${prefix}h41`, 'link', 'set', 'eth0', 'up']);
  // The kernel gives eth0 its IPv6 link-local address only once linkwatch has seen the carrier
  // (asynchronously, up to a second later under load): wait for it, or the 'before' snapshot can
  // miss an address nobody but the kernel added (a trial counted it as foreign_touched).
  settleLinkLocal(`${prefix}h41`, 'eth0');
  // A veth pair in the root namespace named like the bridge's ports.
  sh('ip', ['link', 'add', `${bridge}-x`, 'type', 'veth', 'peer', 'name', `${bridge}-y`]);
  sh('ip', ['addr', 'add', '192.168.202.1/30', 'dev', `${bridge}-x`]);
  // Links carrying another lab's mark and a near-mark.
  sh('ip', ['link', 'add', `${lab}xbr`, 'type', 'bridge']);
  sh('ip', ['link', 'set', `${lab}xbr`, 'alias', `nsnet:${lab}x`]);
  sh('ip', ['link', 'add', `${lab}old`, 'type', 'bridge']);
  sh('ip', ['link', 'set', `${lab}old`, 'alias', `nsnet:${lab}-old`]);
  // Inside a foreign namespace with the lab's prefix: a veth pair with addresses.
  sh('ip', ['-n', `${prefix}r6`, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth2']);
  sh('ip', ['-n', `${prefix}r6`, 'addr', 'add', '10.250.0.1/30', 'dev', 'eth1']);
  return f;
}

/** Wait (up to 5 s) until DEV in NS has its IPv6 link-local address; go on without it after that. */
function settleLinkLocal(ns: string, dev: string): void {
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    if (sh('ip', ['-n', ns, '-6', 'addr', 'show', 'dev', dev, 'scope', 'link']).includes('fe80:')) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

export function removeForeign(f: Foreign): void {
  for (const l of f.links) if (existsSync(`/sys/class/net/${l}`)) shTry('ip', ['link', 'del', l]);
  for (const ns of f.namespaces) if (existsSync(`/run/netns/${ns}`)) shTry('ip', ['netns', 'del', ns]);
}

interface LinkSnap {
  ifindex: number;
  ifname: string;
  master?: string;
  ifalias?: string;
  operstate?: string;
  addr_info?: Array<{ local: string; prefixlen: number }>;
}
const linkKey = (l: LinkSnap) => JSON.stringify([l.ifindex, l.ifname, l.master ?? null, l.ifalias ?? null, (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`).sort()]);

function linksIn(ns?: string): LinkSnap[] {
  const args = ns ? ['-n', ns, '-j', 'addr', 'show'] : ['-j', 'addr', 'show'];
  const r = shTry('ip', args);
  if (r.status !== 0) return [];
  return (JSON.parse(r.stdout || '[]') as LinkSnap[]);
}

/** Identity and contents of namespaces and root links, as comparable strings keyed by object. */
export function snapshot(namespaces: string[], rootLinks: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const ns of namespaces) {
    let id = 'absent';
    try {
      const st = statSync(`/run/netns/${ns}`);
      id = `${st.dev}:${st.ino}`;
    } catch { /* absent */ }
    out.set(`namespace ${ns}`, `${id} ${id === 'absent' ? '' : linksIn(ns).map(linkKey).join(' ')}`);
  }
  const root = new Map(linksIn().map((l) => [l.ifname, l]));
  for (const l of rootLinks) {
    const x = root.get(l);
    out.set(`link ${l}`, x ? linkKey(x) : 'absent');
  }
  return out;
}

/** Objects of `before` that changed in `after`, described. */
export function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of before) if (after.get(k) !== v) out.push(`${k}: ${v.slice(0, 80)} → ${(after.get(k) ?? 'absent').slice(0, 80)}`);
  return out;
}

// ------------------------------------------------------------------------------------- leaks

/** The host-namespace link names a lab's file makes (its host bridges and host veth ends). */
export function hostLinkNames(file: string): string[] {
  const r = loadTopologyFile(file);
  if (!r.ok) throw new Error(`torture: ${file} does not validate`);
  const names = new Set<string>();
  for (const b of r.lab.bridges) if (b.node === undefined) names.add(b.name);
  for (const l of r.lab.links) {
    const ends = l.kind === 'veth' ? [l.a, l.b] : [l.end];
    for (const e of ends) if (e.node === undefined) names.add(e.name);
  }
  return [...names];
}

function mountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n').map((l) => l.split(' ')[4]!);
}

/**
 * What is left of lab `lab` (namespaces `netns`, host links `hostLinks`), one entry per object:
 * namespaces by name and by mark, /run/netns mounts, host links by mark and by name, state
 * files under /run/nsnet, the nft table, and the host's ip_forward if it is not `forward`.
 */
export function leftovers(lab: string, netns: string[], hostLinks: string[], forward: string): string[] {
  const out: string[] = [];
  const mark = `nsnet:${lab}`;
  for (const ns of netns) if (existsSync(`/run/netns/${ns}`)) out.push(`namespace ${ns}`);
  for (const ns of readdirSync('/run/netns')) {
    if (netns.includes(ns)) continue;
    const r = shTry('ip', ['-n', ns, '-j', 'link', 'show', 'lo']);
    if (r.status === 0 && (JSON.parse(r.stdout) as LinkSnap[])[0]?.ifalias === mark) out.push(`namespace ${ns} with the lab's mark`);
  }
  const labNs = new Set(netns.map((n) => `/run/netns/${n}`));
  for (const m of mountPoints()) if (labNs.has(m)) out.push(`mount on ${m}`);
  // A mount whose file is gone (a namespace the kernel cannot free).
  for (const m of mountPoints()) if (m.startsWith('/run/netns/') && !existsSync(m)) out.push(`mount on ${m} (file gone)`);
  for (const l of linksIn()) {
    if (l.ifalias === mark) out.push(`host link ${l.ifname} with the lab's mark`);
    else if (hostLinks.includes(l.ifname)) out.push(`host link ${l.ifname} (a name of the lab)`);
  }
  let files: string[] = [];
  try {
    files = readdirSync('/run/nsnet/labs');
  } catch { /* none */ }
  for (const f of files) if (f === `${lab}.json` || f === `${lab}.lock` || f.startsWith(`${lab}.json.`)) out.push(`state file /run/nsnet/labs/${f}`);
  // Anything else under /run/nsnet that holds the lab (a cached spec), and writes killed before their rename.
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = `${dir}/${n}`;
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        walk(p);
        continue;
      }
      if (dir === '/run/nsnet/labs') continue; // checked above, by name
      if (/\.tmp$/.test(n)) {
        out.push(`unfinished write ${p}`);
        continue;
      }
      try {
        const v = JSON.parse(readFileSync(p, 'utf8')) as { spec?: { name?: string }; lab?: string; name?: string };
        if (v.spec?.name === lab || v.lab === lab) out.push(`file ${p} holding the lab`);
      } catch { /* not JSON: not a record */ }
    }
  };
  walk('/run/nsnet');
  if (shTry('nft', ['list', 'table', 'ip', `nsnet-${lab}`]).status === 0) out.push(`nftables table nsnet-${lab}`);
  const fwd = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  if (fwd !== forward) out.push(`host net.ipv4.ip_forward is ${fwd}, was ${forward}`);
  return out;
}

// ------------------------------------------------------------------------------------- pings

/** Run a lab's pings (8 at a time); the failures, described. A failed ping gets one retry of three probes. */
export async function pingAll(lab: LabFile, pings: Ping[] = lab.pings): Promise<string[]> {
  const results = await pool(pings, 8, async (p) => {
    const ns = `${lab.prefix}${p.from}`;
    let r = await run('ip', ['netns', 'exec', ns, 'ping', '-n', '-q', '-c1', '-W1', p.to], { timeoutMs: 10_000 });
    if (r.code !== 0) r = await run('ip', ['netns', 'exec', ns, 'ping', '-n', '-q', '-c3', '-i0.2', '-W1', p.to], { timeoutMs: 10_000 });
    return r.code === 0 ? undefined : `${p.from} → ${p.to} (${p.why}): ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  });
  return results.filter((x): x is string => x !== undefined);
}
