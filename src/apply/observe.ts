/**
 * observeLab(spec, record): what the kernel holds of a lab, as the plain ObservedLab the planner
 * reads. Through src/api only, and only what the lab owns or would own:
 * - each namespace the file, the last applied spec or the journal names: its links (lo carries
 *   the ownership mark), then, only when the namespace is the lab's (or may be: journal), its
 *   addresses, the routes of the tables the lab uses and the sysctls it sets;
 * - host links with the lab's mark or a name the lab uses, the addresses on them, the host NICs
 *   the file names, the host sysctls and the nftables table the lab changes.
 * No writes. A few dumps per namespace; each namespace's handle is closed once it is read
 * (a socket per namespace adds up in a big lab), unless `keepOpen`.
 */
import type { Handle } from '../api/handle.js';
import { kernelFeatures } from '../api/features.js';
import { hasCarrier, isUp } from '../api/flags.js';
import { impairmentsIn } from '../api/impair.js';
import { LOOPBACK_IFINDEX } from '../api/links.js';
import { nsidOf, nsidOfFd } from '../api/namespaces.js';
import { tableNumber } from '../api/routes.js';
import { NsnetError } from '../api/errors.js';
import { namedNetns } from '../api/netns-files.js';
import { freshNamespaceSysctls, sysctlBurst } from '../api/sysctl.js';
import { HOST, indexLab, tablesOf, type DesiredLab, type LabIndex } from '../plan/desired.js';
import { mayBeOurs } from '../plan/ownership.js';
import { removedSysctls } from '../plan/steps/sysctls.js';
import {
  labOfMark, markFor, type ObservedAddr, type ObservedHost, type ObservedLab, type ObservedLink, type ObservedNamespace, type ObservedNic, type ObservedRoute,
} from '../plan/observed.js';
import { IP_FORWARD, IPV6_SYSCTLS, natTableName } from '../plan/constants.js';
import type { LabSpec } from '../topology/model.js';
import type { LinkBrief } from '../wire/rtnl/index.js';
import { BRIDGE_OBSERVERS } from './bridges.js';
import { Handles } from './handles.js';
import { nftTableExists, nftAvailable } from './nft.js';
import type { LabRecord } from './state.js';


export interface Observation {
  observed: ObservedLab;
  /** Handles opened while observing (the lab's namespaces); the caller closes them. */
  handles: Handles;
  /** The specs' indexes observe made, for planLab (a 1000-node lab's index is 8-40 ms to build). */
  index: LabIndex;
}

/** The specs whose objects may exist, from the record. */
export function previousSpecs(record: LabRecord | undefined): LabSpec[] {
  if (!record) return [];
  return [record.spec, record.pending].filter((s): s is LabSpec => s !== undefined);
}

export async function observeLab(spec: LabSpec, record?: LabRecord, handles = new Handles(), keepOpen = false): Promise<Observation> {
  return sysctlBurst(() => observe(spec, record, handles, keepOpen));
}

async function observe(spec: LabSpec, record: LabRecord | undefined, handles: Handles, keepOpen: boolean): Promise<Observation> {
  const lab = spec.name;
  const mark = markFor(lab);
  const d = indexLab(spec);
  const prev = previousSpecs(record).map(indexLab);
  const all = [d, ...prev];
  const intended = record?.intended ?? { namespaces: [], hostLinks: [] };
  const intendedNs = new Set(intended.namespaces);

  // Where each known link's veth peer should be (file first, then earlier specs).
  const expectedPeer = (ns: string, name: string): string | undefined => {
    for (const x of all) {
      const p = x.links.get(ns)?.get(name)?.peer;
      if (p) return p.ns;
    }
    return undefined;
  };

  const names = new Set<string>();
  for (const x of all) for (const n of x.spec.nodes) names.add(n.netns);
  for (const n of intended.namespaces) names.add(n);

  const nsids = new Map<string, number | undefined>();
  const nsidCached = (h: Handle, from: string, of: string): number | undefined => {
    const k = `${from}\0${of}`;
    if (!nsids.has(k)) nsids.set(k, nsidOf(h, of));
    return nsids.get(k);
  };
  const namespaces: Record<string, ObservedNamespace> = {};
  // The host's links are read first: reporting a link whose veth peer is in another namespace
  // is what makes the kernel give that namespace an nsid here (RTM_GETNSID below only asks). A
  // veth made from its node's side gets none until then, so an up killed between making one and
  // reading its host end left a node the host had no id for, and the next up took that veth for
  // a stranger's, remade it and then failed to mark the host end it had just removed.
  const hostRaw = handles.get(HOST).link.briefList();
  /** Links in namespaces whose peer should be in the host: confirmed from the host side below. */
  const wantHostPeer: { ns: string; link: ObservedLink }[] = [];
  // One look at /run/netns instead of a failed open per missing namespace (a fresh lab has none).
  const present = new Set(namedNetns());
  for (const name of names) {
    const x = present.has(name)
      ? await observeNamespace(name, lab, intendedNs.has(name), handles, all)
      : { name, exists: false, links: [], addresses: [], routes: [], sysctls: {} };
    namespaces[name] = x;
    if (!x.exists) continue;
    const hostPeered = wantHostPeer.length;
    for (const l of x.links) {
      if (l.kind !== 'veth' || l.peerIndex === undefined) continue;
      const want = expectedPeer(name, l.name);
      if (want === undefined) continue;
      const raw = rawNetnsId.get(l);
      if (raw === undefined) {
        if (want === name) l.peerNetns = name;
      } else if (want === HOST) {
        wantHostPeer.push({ ns: name, link: l });
      } else if (nsidCached(handles.get(name), name, want) === raw) {
        l.peerNetns = want;
      }
    }
    // The host's nsid for it, asked by the fd open now (not by opening its file again): the host
    // ends of these veths are checked with it.
    if (wantHostPeer.length > hostPeered) nsids.set(`${HOST}\0${name}`, nsidOfFd(handles.get(HOST), handles.get(name).fd, `namespace ${name}`));
    // Each open handle holds a socket and its receive buffer: keep only what apply will surely use.
    if (!keepOpen) handles.close(name);
  }

  const host = await observeHost(spec, d, prev, record, mark, handles, hostRaw, nsidCached);
  // A node link's peer is in the host when the host link at its peer index points back at it
  // from the right namespace.
  const hostByIndex = new Map(host.links.map((l) => [l.index, l]));
  for (const { ns, link } of wantHostPeer) {
    const h = hostByIndex.get(link.peerIndex!);
    if (h && h.peerIndex === link.index && h.peerNetns === ns) link.peerNetns = HOST;
  }

  const observed: ObservedLab = {
    lab,
    namespaces,
    host,
    previous: previousSpecs(record),
    intended,
    effects: record?.effects ?? { uplinks: {}, sysctls: {} },
    execDone: record?.execDone ?? {},
  };
  const removed = new Set(Object.values(namespaces).filter((x) => x.exists).flatMap((x) => removedSysctls(d, prev, x.name)));
  if (removed.size) observed.freshSysctls = freshNamespaceSysctls([...removed]);
  for (const b of BRIDGE_OBSERVERS) await b.observe(spec, observed.previous, observed);
  if (wantsImpairments(d)) observed.features = kernelFeatures();
  return { observed, handles, index: { desired: d, previous: prev } };
}

/** Whether any veth end of the file is impaired (then what the kernel offers is probed, once per process). */
function wantsImpairments(d: DesiredLab): boolean {
  for (const m of d.links.values()) for (const l of m.values()) if (l.impair !== undefined) return true;
  return false;
}

/** IFLA_LINK_NETNSID of each observed link (kept aside: it means nothing outside its namespace). */
const rawNetnsId = new WeakMap<ObservedLink, number>();

/** @internal */
export function toObservedLinks(raw: LinkBrief[]): ObservedLink[] {
  const byIndex = new Map(raw.map((l) => [l.index, l]));
  return raw.map((l) => {
    const o: ObservedLink = { name: l.name, index: l.index, up: isUp(l) };
    if (l.kind !== undefined) o.kind = l.kind;
    if (l.kind === 'bridge') o.carrier = hasCarrier(l);
    if (l.mtu !== undefined) o.mtu = l.mtu;
    if (l.address !== undefined) o.mac = l.address.toLowerCase();
    if (l.master !== undefined && l.master !== 0) {
      const m = byIndex.get(l.master);
      if (m) o.master = m.name;
    }
    if (l.alias !== undefined) o.alias = l.alias;
    if (l.altnames.length) o.altnames = l.altnames;
    if (l.kind === 'veth' && l.link !== undefined && l.link !== 0) {
      o.peerIndex = l.link;
      if (l.linkNetnsId !== undefined) rawNetnsId.set(o, l.linkNetnsId);
    }
    const info = l.info as Record<string, unknown> | undefined;
    if (l.kind === 'vxlan' && info) {
      const v: NonNullable<ObservedLink['vxlan']> = {};
      if (typeof info.id === 'number') v.vni = info.id;
      if (typeof info.port === 'number') v.port = info.port;
      if (typeof info.remote === 'string') v.remote = info.remote;
      if (typeof info.group === 'string') v.group = info.group;
      if (typeof info.local === 'string') v.local = info.local;
      o.vxlan = v;
    }
    if ((l.kind === 'macvlan' || l.kind === 'macvtap') && typeof info?.mode === 'string') o.macvlanMode = info.mode;
    return o;
  });
}

async function observeNamespace(name: string, lab: string, intended: boolean, handles: Handles, all: DesiredLab[]): Promise<ObservedNamespace> {
  const out: ObservedNamespace = { name, exists: false, links: [], addresses: [], routes: [], sysctls: {} };
  let h: Handle;
  try {
    h = handles.get(name);
  } catch (e) {
    if (e instanceof NsnetError && e.code === 'ENOENT') return out;
    if (e instanceof NsnetError && e.code === 'EINVAL') return { ...out, exists: true, stale: true };
    throw e;
  }
  out.exists = true;
  // One link dump: lo carries the ownership mark; the rest is used only if it is ours.
  const raw = h.link.briefList();
  const lo = raw.find((l) => l.index === LOOPBACK_IFINDEX) ?? h.link.raw(LOOPBACK_IFINDEX);
  const owner = labOfMark(lo.alias);
  if (owner !== undefined) out.owner = owner;
  if (!mayBeOurs(lab, owner, intended)) {
    // Not ours: nothing of it is kept or read further.
    handles.close(name);
    return out;
  }
  out.links = toObservedLinks(raw);
  if (owner === undefined) out.empty = raw.length === 1 && !lo.alias;
  out.addresses = readAddresses(h, raw);
  await readImpairments(h, raw, out.links);
  // Routes only where some version of the file has routes: the lab adds no others.
  const nodes = all.map((x) => x.nodeOfNs.get(name)).filter((n) => n !== undefined);
  if (nodes.some((n) => n.routes.length)) out.routes = await readRoutes(h, new Set(nodes.flatMap((n) => tablesOf(n.routes))));
  // all.disable_ipv6 says whether IPv6 is on (the planner sets both it and default's). With lo
  // up the kernel answers it already: lo has ::1 exactly when IPv6 is on (turning it off removes
  // every IPv6 address, turning it on gives lo ::1 back), which spares a /proc/sys read per node.
  // The file's keys and those an earlier file set (a removed key goes back to a new namespace's value).
  const keys = [...new Set(all.flatMap((x) => Object.keys(x.nodeOfNs.get(name)?.sysctls ?? {})))];
  const loUp = isUp(lo);
  if (keys.length || !loUp) out.sysctls = readSysctls(h, [IPV6_SYSCTLS[0], ...keys]);
  else out.sysctls = { [IPV6_SYSCTLS[0]]: out.addresses.some((a) => a.dev === 'lo' && a.cidr === '::1/128') ? '0' : '1' };
  return out;
}

/** The impairments in force on the veths among `links` (their qdiscs, and nsnet's drop at their ingress), set on them. */
async function readImpairments(h: Handle, raw: ReadonlyArray<{ index: number; name: string }>, links: ObservedLink[]): Promise<void> {
  const veths = links.filter((l) => l.kind === 'veth');
  if (!veths.length) return;
  const found = await impairmentsIn(h, veths, new Map(raw.map((l) => [l.index, l.name])));
  for (const l of veths) {
    const x = found.get(l.name);
    if (x?.qdisc) l.qdisc = x.qdisc;
    if (x?.drop !== undefined) l.drop = x.drop;
  }
}

/** Addresses on the given links (all when `only` is not given), named from the link dump `links`. @internal */
export function readAddresses(h: Handle, links: ReadonlyArray<{ index: number; name: string }>, only?: Set<string>): ObservedAddr[] {
  const names = new Map(links.map((l) => [l.index, l.name]));
  const out: ObservedAddr[] = [];
  for (const a of h.addr.briefList()) {
    const dev = names.get(a.index);
    if (dev === undefined || (only && !only.has(dev))) continue;
    out.push({ dev, cidr: `${a.address}/${a.prefixLen}`, family: a.family, scope: a.scope });
  }
  return out;
}

export async function readRoutes(h: Handle, tables: Set<number>): Promise<ObservedRoute[]> {
  const out: ObservedRoute[] = [];
  for (const table of tables) {
    for (const r of await h.route.list({ table })) {
      const o: ObservedRoute = {
        to: r.dst,
        table: tableNumber(r.table) ?? Number(r.table),
        family: r.family === 'inet6' ? 6 : 4,
        protocol: r.protocol,
        type: r.type,
      };
      if (r.gateway !== undefined) o.via = r.gateway;
      if (r.dev !== undefined) o.dev = r.dev;
      if (r.metric !== undefined) o.metric = r.metric;
      out.push(o);
    }
  }
  return out;
}

/** Values of sysctl keys in the handle's namespace (one switch for all); missing keys are left out. */
export function readSysctls(h: Handle, keys: string[]): Record<string, string> {
  return h.sysctl.readManySync(keys);
}

async function observeHost(
  spec: LabSpec, d: DesiredLab, prev: DesiredLab[], record: LabRecord | undefined, mark: string, handles: Handles,
  raw: LinkBrief[], nsidCached: (h: Handle, from: string, of: string) => number | undefined,
): Promise<ObservedHost> {
  const host = handles.get(HOST);
  const names = new Set<string>();
  for (const x of [d, ...prev]) for (const n of x.links.get(HOST)?.keys() ?? []) names.add(n);
  for (const n of record?.intended.hostLinks ?? []) names.add(n);
  const relevant = raw.filter((l) => l.alias === mark || names.has(l.name) || l.altnames.some((a) => names.has(a)));
  const all = toObservedLinks(raw);
  const byName = new Map(all.map((l) => [l.name, l]));
  const links = relevant.map((l) => byName.get(l.name)!);
  // Verify where each of these veths' peers are.
  const rawByName = new Map(raw.map((l) => [l.name, l]));
  for (const l of links) {
    if (l.kind !== 'veth' || l.peerIndex === undefined) continue;
    const want = [d, ...prev].map((x) => x.links.get(HOST)?.get(l.name)?.peer?.ns).find((x) => x !== undefined);
    const nsid = rawByName.get(l.name)!.linkNetnsId;
    if (nsid === undefined) {
      if (want === HOST) l.peerNetns = HOST;
    } else if (want !== undefined && want !== HOST && nsidCached(host, HOST, want) === nsid) {
      l.peerNetns = want;
    }
  }
  const out: ObservedHost = { links, addresses: [], nics: {}, sysctls: {}, natTables: [] };

  const nics = new Set<string>(Object.keys(record?.effects.uplinks ?? {}));
  for (const u of spec.uplinks) {
    if (u.kind === 'bridge') nics.add(u.nic);
    else if (u.out !== undefined) nics.add(u.out);
  }
  for (const l of spec.links) {
    if (l.kind === 'macvlan') nics.add(l.parent);
    else if (l.kind === 'vxlan' && l.dev !== undefined) nics.add(l.dev);
  }
  for (const n of nics) {
    const l = byName.get(n);
    const nic: ObservedNic = { exists: !!l };
    if (l) {
      nic.index = l.index;
      nic.up = l.up;
      if (l.kind !== undefined) nic.kind = l.kind;
      if (l.master !== undefined) {
        nic.master = l.master;
        const alias = byName.get(l.master)?.alias;
        if (alias !== undefined) nic.masterAlias = alias;
      }
    }
    out.nics[n] = nic;
  }
  // One address dump: the lab's host links', the uplink NICs', and the host's other subnets.
  const ours = new Set(links.map((l) => l.name));
  const hostAddrs = readAddresses(host, raw);
  out.addresses = hostAddrs.filter((a) => ours.has(a.dev));
  out.nets = hostAddrs.filter((a) => !ours.has(a.dev) && a.dev !== 'lo' && a.scope !== 'link' && a.scope !== 'host').map((a) => ({ dev: a.dev, cidr: a.cidr }));
  const uplinkNics = spec.uplinks.flatMap((u) => (u.kind === 'bridge' && out.nics[u.nic]?.exists ? [u.nic] : []));
  if (uplinkNics.length) {
    const defaults = (await host.route.list()).filter((r) => r.dst === 'default'); // the main table, both families
    for (const n of uplinkNics) {
      const nic = out.nics[n]!;
      nic.addresses = hostAddrs.filter((a) => a.dev === n && a.scope !== 'link').map((a) => a.cidr);
      if (defaults.some((r) => r.dev === n)) nic.defaultRoute = true;
    }
  }
  await readImpairments(host, raw, links);

  if (spec.uplinks.some((u) => u.kind === 'nat' && u.routes?.length) || record?.effects.routes) {
    out.routes = (await host.route.list({ family: 4 })).map((r) => ({ to: r.dst, ...(r.gateway !== undefined ? { via: r.gateway } : {}), ...(r.dev !== undefined ? { dev: r.dev } : {}) }));
  }
  const nat = spec.uplinks.some((u) => u.kind === 'nat');
  const sysctlKeys = new Set(Object.keys(record?.effects.sysctls ?? {}));
  if (nat) sysctlKeys.add(IP_FORWARD);
  if (sysctlKeys.size) out.sysctls = readSysctls(host, [...sysctlKeys]);
  const hadNat = record?.effects.nat !== undefined || prev.some((p) => p.spec.uplinks.some((u) => u.kind === 'nat'));
  if (nat || hadNat) {
    out.nft = nftAvailable();
    const table = natTableName(spec.name);
    if (out.nft && nftTableExists(table)) out.natTables.push(table);
  }
  return out;
}
