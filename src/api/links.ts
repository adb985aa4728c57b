import { hintOf, KernelError, NsnetError, type Hint } from '../kernel/errors.js';
import { errnoName, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL } from '../wire/nlmsg.js';
import {
  decodeLink, decodeLinkBrief, decodeLinkState, encodeLink, encodeLinkDump, IFF_RUNNING, IFF_UP, RTEXT_FILTER_SKIP_STATS, RTM_DELLINK, RTM_DELLINKPROP, RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINKPROP,
  LINK_STATS64_FIELDS, type Link, type LinkAttrs, type LinkBrief, type LinkState, type LinkInfo as WireLinkInfo,
} from '../wire/rtnl/index.js';
import type { Handle } from './handle.js';
import { nsnetIn } from './hints.js';
import { LINK_MODULES, moduleHint } from '../kernel/modules.js';
import { nsFdFor } from './nsref.js';
import type { DevRef, LinkAddSpec, LinkInfo, LinkSetSpec, LinkStats, NsRef } from './types.js';
import { checkIfName } from './names.js';
import { nsidNamesFor } from './nsids.js';

/** The dump request of briefList (the socket stamps its sequence number on each use). */
const BRIEF_DUMP = encodeLinkDump({ extMask: RTEXT_FILTER_SKIP_STATS });

/** The loopback device's ifindex, for the layers above (the wire layer's one definition). */
export { LOOPBACK_IFINDEX } from '../wire/rtnl/constants.js';

const ARPHRD: Record<number, string> = {
  1: 'ether', 772: 'loopback', 65534: 'none', 768: 'ipip', 776: 'sit', 778: 'gre', 823: 'ip6gre', 769: 'tunnel6', 512: 'ppp',
};


/**
 * Flags as `ip link` prints them: NO-CARRIER first for a link that is up without carrier
 * (RUNNING itself is not shown), and M-DOWN last when the lower or peer device in this
 * namespace (IFLA_LINK without a link-netnsid) is down.
 */
function ipFlags(l: Link, byIndex: ReadonlyMap<number, Link>, lookup: (index: number) => Link | undefined): string[] {
  const out = l.flagNames.filter((f) => f !== 'RUNNING');
  if (l.flags & IFF_UP && !(l.flags & IFF_RUNNING)) out.unshift('NO-CARRIER');
  if (l.link && l.link !== l.index && l.linkNetnsId === undefined) {
    const lower = byIndex.get(l.link) ?? lookup(l.link);
    if (lower && !(lower.flags & IFF_UP)) out.push('M-DOWN');
  }
  return out;
}

/** The kernel's counters under their struct field names (rxCrcErrors → rx_crc_errors). */
function statsOf(l: Link): LinkStats | undefined {
  if (!l.stats) return undefined;
  const out: Record<string, number> = {};
  for (const k of LINK_STATS64_FIELDS) out[k.replace(/[A-Z]/gu, (c) => `_${c.toLowerCase()}`)] = Number(l.stats[k]);
  if (l.carrierChanges !== undefined) out.carrier_changes = l.carrierChanges;
  return out as unknown as LinkStats;
}

/**
 * One kernel link as `ip -j link show` describes it: `byIndex` holds the links dumped with it,
 * `lookup` finds another by index (or not), `nsNames` names the nsids of veth peers. @internal
 */
export function linkInfoOf(l: Link, byIndex: ReadonlyMap<number, Link>, lookup: (index: number) => Link | undefined, nsNames: ReadonlyMap<number, string>): LinkInfo {
  const out: LinkInfo = {
    ifindex: l.index,
    ifname: l.name,
    flags: ipFlags(l, byIndex, lookup),
    mtu: l.mtu,
    operstate: l.operstate,
    link_type: ARPHRD[l.type] ?? String(l.type),
    address: l.address,
    broadcast: l.broadcast,
    kind: l.kind,
    altnames: l.altnames,
  };
  if (l.master) out.master = byIndex.get(l.master)?.name ?? lookup(l.master)?.name;
  if (l.alias) out.ifalias = l.alias;
  if (l.txqlen !== undefined) out.txqlen = l.txqlen;
  if (l.qdisc !== undefined) out.qdisc = l.qdisc;
  if (l.linkmode !== undefined) out.linkmode = l.linkmode === 1 ? 'DORMANT' : 'DEFAULT';
  if (l.group !== undefined) out.group = l.group === 0 ? 'default' : l.group;
  if (l.link !== undefined && l.link !== 0 && (l.linkNetnsId !== undefined || l.link !== l.index)) {
    out.link_index = l.link;
    if (l.linkNetnsId !== undefined) {
      out.link_netnsid = l.linkNetnsId;
      const ns = nsNames.get(l.linkNetnsId);
      if (ns) out.peerNetns = ns;
    } else if (l.kind === 'veth') {
      out.peer = byIndex.get(l.link)?.name ?? lookup(l.link)?.name;
    }
  }
  if (l.info) {
    const { kind: _k, ...rest } = l.info as Record<string, unknown>;
    if (Object.keys(rest).length) out.info = rest;
  }
  const stats = statsOf(l);
  if (stats) out.stats = stats;
  return out;
}

/** `ip link`: list, show, add, set, del, and alternative names. */
export class Links {
  constructor(
    private readonly h: Handle,
    /** Opens another namespace's handle (handle.ts's openNetnsSync, passed in so links.ts need not import it). */
    private readonly open: (ref: NsRef) => Handle,
  ) {}

  private where(): string {
    return this.h.isHost ? '' : ` in ${this.h.label}`;
  }
  /** What to do about a link that is not there. */
  private listHint(): Hint {
    return { lib: 'link.list() shows the links there are', cli: `${nsnetIn(this.h)} link show lists the links there are` };
  }

  /** The error for a link that is not there: "link veth0 in namespace blue does not exist". */
  private missing(dev: DevRef): NsnetError {
    return new NsnetError('ENODEV', `${this.obj(dev)} does not exist`, this.obj(dev), this.listHint());
  }

  /** "link veth0 in namespace blue" */
  obj(dev: DevRef): string {
    return `${typeof dev === 'number' ? `link #${dev}` : `link ${dev}`}${this.where()}`;
  }

  /**
   * All links, decoded as the kernel sends them; with `stats: false` without their counters
   * (RTEXT_FILTER_SKIP_STATS: smaller messages, less to decode). @internal (wire types stay out of the public declarations)
   */
  rawList(opts: { stats?: boolean } = {}): Link[] {
    this.h.check();
    const req = opts.stats === false ? encodeLinkDump({ extMask: RTEXT_FILTER_SKIP_STATS }) : encodeLink(RTM_GETLINK, NLM_F_DUMP, {});
    const r = this.h.sock.request(req, { op: 'list', object: `links${this.where()}` });
    return r.filter((m) => m.type === RTM_NEWLINK).map(decodeLink);
  }

  /** Every link with only the fields a lab's observer reads (LinkBrief), without counters: one dump, the rest of each message skipped. @internal */
  briefList(): LinkBrief[] {
    this.h.check();
    return this.h.sock.requestEach(BRIEF_DUMP, { op: 'list', object: `links${this.where()}` }, RTM_NEWLINK, decodeLinkBrief);
  }

  /** ifindex → name for every link, to name the devices of addresses, routes and neighbours. */
  names(): Map<number, string> {
    return new Map(this.rawList().map((l) => [l.index, l.name]));
  }

  /** One link by name, altname or index, as the kernel sends it. Throws ENODEV naming it. @internal */
  raw(dev: DevRef): Link {
    this.h.check();
    // A name longer than IFNAMSIZ can only be an altname.
    if (typeof dev === 'string' && Buffer.byteLength(dev) > 15) return this.byAltname(dev);
    const msg = typeof dev === 'number' ? encodeLink(RTM_GETLINK, 0, { index: dev }) : encodeLink(RTM_GETLINK, 0, {}, { name: dev });
    try {
      const r = this.h.sock.request(msg, { op: 'find', object: this.obj(dev) });
      const m = r.find((x) => x.type === RTM_NEWLINK);
      if (!m) throw new KernelError(19, 'find', this.obj(dev));
      return decodeLink(m);
    } catch (e) {
      // (The kernel matches IFLA_IFNAME against altnames too, so a short altname is found above.)
      if (e instanceof KernelError && e.code === 'ENODEV' && typeof dev === 'string') {
        throw this.missing(dev);
      }
      throw e;
    }
  }

  /** A device by an alternative name longer than IFNAMSIZ: the kernel looks it up (IFLA_ALT_IFNAME). */
  private byAltname(dev: string): Link {
    checkIfName(dev, 'altname', 127);
    try {
      const r = this.h.sock.request(encodeLink(RTM_GETLINK, 0, {}, { altName: dev }), { op: 'find', object: this.obj(dev) });
      const m = r.find((x) => x.type === RTM_NEWLINK);
      if (m) return decodeLink(m);
    } catch (e) {
      if (!(e instanceof KernelError && e.code === 'ENODEV')) throw e;
    }
    throw this.missing(dev);
  }

  /**
   * A link's operstate, carrier, bridge and kind, and nothing else decoded (same as: ip link show
   * dev DEV, for those fields). Like every GETLINK of one device, it makes the kernel (6.7 and
   * later) first run the device's pending linkwatch work (its carrier change: operstate, queue,
   * bridge port state, IPv6 set-up), which otherwise waits for a worker up to a second or more. @internal
   */
  state(dev: number | string): LinkState {
    this.h.check();
    const msg = typeof dev === 'number'
      ? encodeLink(RTM_GETLINK, 0, { index: dev }, { extMask: RTEXT_FILTER_SKIP_STATS })
      : encodeLink(RTM_GETLINK, 0, {}, { name: dev, extMask: RTEXT_FILTER_SKIP_STATS });
    const r = this.h.sock.request(msg, { op: 'find', object: this.obj(dev) });
    const m = r.find((x) => x.type === RTM_NEWLINK);
    if (!m) throw new KernelError(19, 'find', this.obj(dev));
    return decodeLinkState(m);
  }

  /**
   * The ifindex of a device (a number is returned as is). A name of 1 to 15 bytes is looked up by
   * SIOCGIFINDEX (one call: apply resolves one or two names per link it makes); a longer altname,
   * or a kernel that refuses the ioctl on a netlink socket, goes through raw().
   */
  index(dev: DevRef): number {
    if (typeof dev === 'number') return dev;
    this.h.check();
    const bytes = Buffer.byteLength(dev);
    if (bytes >= 1 && bytes <= 15 && !dev.includes('\0')) {
      const i = this.h.sock.ifindex(dev);
      if (i > 0) return i;
      if (errnoName(-i) === 'ENODEV') throw this.missing(dev);
    }
    return this.raw(dev).index;
  }

  /** Same as: ip -j link show. */
  async list(): Promise<LinkInfo[]> {
    return this.describe(this.rawList());
  }

  /** Same as: ip -j link show dev DEV. */
  async get(dev: DevRef): Promise<LinkInfo> {
    return this.describe([this.raw(dev)])[0]!;
  }

  /** Whether a device exists. */
  async exists(dev: DevRef): Promise<boolean> {
    try {
      this.raw(dev);
      return true;
    } catch (e) {
      if (e instanceof NsnetError && e.code === 'ENODEV') return false;
      throw e;
    }
  }

  private describe(links: Link[]): LinkInfo[] {
    const byIndex = new Map(links.map((l) => [l.index, l]));
    const peerIds = new Set(links.flatMap((l) => (l.linkNetnsId !== undefined ? [l.linkNetnsId] : [])));
    const nsNames = peerIds.size ? nsidNamesFor(this.h, peerIds) : new Map<number, string>();
    return links.map((l) => linkInfoOf(l, byIndex, (i) => this.safeRaw(i), nsNames));
  }

  private safeRaw(index: number): Link | undefined {
    try {
      return this.raw(index);
    } catch {
      return undefined;
    }
  }

  /** Same as: ip link add NAME type KIND ... */
  async add(spec: LinkAddSpec): Promise<void> {
    this.h.check();
    checkIfName(spec.name, 'link name');
    const target = spec.netns !== undefined ? nsFdFor(spec.netns) : undefined;
    let peerNs: ReturnType<typeof nsFdFor> | undefined;
    try {
      // Inside the try: when the peer's namespace cannot be opened, the target's fd is still released.
      peerNs = spec.kind === 'veth' && spec.peer?.netns !== undefined ? nsFdFor(spec.peer.netns) : undefined;
      if (spec.kind === 'veth' && spec.peer) checkIfName(spec.peer.name, 'veth peer name');
      const attrs: LinkAttrs = { name: spec.name, mtu: spec.mtu, address: spec.address, alias: spec.alias, txqlen: spec.txqlen };
      if (target) attrs.netnsFd = target.fd;
      if (spec.master !== undefined) attrs.master = this.index(spec.master);
      // The lower device of a macvlan/macvtap/vlan goes in IFLA_LINK (ip link add link DEV ...).
      if (spec.kind === 'macvlan' || spec.kind === 'macvtap' || spec.kind === 'vlan') attrs.link = this.index(spec.parent);
      attrs.info = this.linkInfo(spec, peerNs?.fd ?? target?.fd);
      const where = target ? ` in ${target.label}` : this.where();
      const object = spec.kind === 'veth'
        ? `veth ${spec.name} (peer ${spec.peer?.name ?? 'named by the kernel'}${peerNs ? ` in ${peerNs.label}` : ''})${where}`
        : `${spec.kind} ${spec.name}${where}`;
      const msg = encodeLink(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, spec.up ? { flags: IFF_UP, change: IFF_UP } : {}, attrs);
      try {
        this.h.sock.request(msg, { op: 'create', object, hints: () => this.addHints(spec) });
      } catch (e) {
        // No extended ack (an older kernel): say which kind it lacks.
        if (e instanceof KernelError && e.code === 'EOPNOTSUPP' && !e.extack) {
          throw new KernelError(e.errno, 'create', object, `this kernel has no ${spec.kind} support`, this.addHints(spec));
        }
        throw e;
      }
      // The kernel ignores IFLA_IFALIAS in a creating request: set aliases right after.
      if (spec.alias !== undefined) {
        const h = target ? this.open(spec.netns!) : this.h;
        try {
          await h.link.set(spec.name, { alias: spec.alias });
        } finally {
          if (h !== this.h && !(typeof spec.netns === 'object' && 'handle' in spec.netns)) h.close();
        }
      }
      if (spec.kind === 'veth' && spec.peer && (spec.peer.up || spec.peer.alias !== undefined)) {
        await this.peerSet(spec.peer.name, spec.peer.netns ?? spec.netns, { up: spec.peer.up || undefined, alias: spec.peer.alias }, object);
      }
      if (spec.altnames?.length) {
        if (target) throw new NsnetError('UNSUPPORTED', `altnames for ${object}: set them with a handle on the target namespace`, object);
        await this.addAltnames(spec.name, spec.altnames);
      }
    } finally {
      target?.release();
      peerNs?.release();
    }
  }

  /** What to do when the kernel refuses to make a link: its kind's module, a name taken. */
  private addHints(spec: LinkAddSpec): Record<string, Hint> {
    const n = nsnetIn(this.h);
    // A veth's peer may be the one whose name is taken.
    const names = spec.kind === 'veth' && spec.peer ? [spec.name, spec.peer.name] : [spec.name];
    const which = names.length > 1 ? `${names.join(' or ')} is there already` : 'a link of that name is there already';
    return {
      EOPNOTSUPP: hintOf(`this kernel has no ${spec.kind} device type: ${moduleHint(LINK_MODULES[spec.kind])}`),
      EEXIST: {
        lib: `${which}: choose another name, or delete it first (${names.map((x) => `link.del('${x}')`).join(' or ')})`,
        cli: `${which}: choose another name, or delete it first (${names.map((x) => `${n} link del ${x}`).join(' or ')})`,
      },
    };
  }

  private linkInfo(spec: LinkAddSpec, peerFd: number | undefined): WireLinkInfo {
    switch (spec.kind) {
      case 'veth':
        // No peer: no VETH_INFO_PEER, and the kernel names the peer (ip does the same).
        if (!spec.peer) return { kind: 'veth' };
        return {
          kind: 'veth',
          // The peer cannot come up inside the creating request: the kernel opens it before the
          // pair is linked (veth_open gives ENOTCONN). add() brings it up right after.
          peer: { name: spec.peer.name, netnsFd: peerFd, mtu: spec.peer.mtu ?? spec.mtu, address: spec.peer.address },
        };
      case 'bridge':
        return {
          kind: 'bridge',
          stpState: spec.stp === undefined ? undefined : spec.stp ? 1 : 0,
          forwardDelay: spec.forwardDelay,
          ageingTime: spec.ageingTime,
          vlanFiltering: spec.vlanFiltering,
          multicastSnooping: spec.multicastSnooping,
        };
      case 'macvlan':
      case 'macvtap':
        return { kind: spec.kind, mode: spec.mode ?? 'bridge' };
      case 'vxlan':
        return {
          kind: 'vxlan', id: spec.id, remote: spec.remote, group: spec.group, local: spec.local,
          link: spec.dev !== undefined ? this.index(spec.dev) : undefined, port: spec.port ?? 4789, ttl: spec.ttl, learning: spec.learning,
        };
      case 'vlan':
        return { kind: 'vlan', id: spec.id, protocol: spec.protocol };
      default:
        return { kind: spec.kind };
    }
  }

  /** Bring up (or label) a freshly made veth peer, in whichever namespace it landed. */
  private async peerSet(name: string, ns: NsRef | undefined, set: LinkSetSpec, object: string): Promise<void> {
    const h = ns === undefined ? this.h : this.open(ns);
    try {
      await h.link.set(name, set);
    } catch (e) {
      throw new NsnetError(e instanceof NsnetError ? e.code : 'EIO', `${object}: made, but setting up the peer failed: ${(e as Error).message}`, object);
    } finally {
      if (h !== this.h && !(typeof ns === 'object' && 'handle' in ns)) h.close();
    }
  }

  /** Same as: ip link set DEV [up|down] [mtu N] [address MAC] [name NEW] [master BR|nomaster] [netns NS] [alias A]. */
  async set(dev: DevRef, spec: LinkSetSpec): Promise<void> {
    this.h.check();
    if (spec.name !== undefined) checkIfName(spec.name, 'new link name');
    const index = this.index(dev);
    const attrs: LinkAttrs = { mtu: spec.mtu, address: spec.address, name: spec.name, alias: spec.alias, txqlen: spec.txqlen };
    if (spec.master === null) attrs.master = 0;
    else if (spec.master !== undefined) attrs.master = this.index(spec.master);
    const target = spec.netns !== undefined ? nsFdFor(spec.netns) : undefined;
    try {
      if (target) attrs.netnsFd = target.fd;
      const hdr = spec.up === undefined ? { index } : { index, flags: spec.up ? IFF_UP : 0, change: IFF_UP };
      const what: string[] = [];
      if (spec.up !== undefined) what.push(spec.up ? 'up' : 'down');
      if (spec.mtu !== undefined) what.push(`mtu ${spec.mtu}`);
      if (spec.address !== undefined) what.push(`address ${spec.address}`);
      if (spec.name !== undefined) what.push(`name ${spec.name}`);
      if (spec.master !== undefined) what.push(spec.master === null ? 'nomaster' : `master ${spec.master}`);
      if (target) what.push(`netns ${target.label}`);
      this.h.sock.request(encodeLink(RTM_NEWLINK, 0, hdr, attrs), { op: `set ${what.join(' ')} on`, object: this.obj(dev) });
    } finally {
      target?.release();
    }
  }

  /** Same as: ip link del DEV (for a veth, the peer goes too). */
  async del(dev: DevRef): Promise<void> {
    this.h.check();
    const index = this.index(dev);
    this.h.sock.request(encodeLink(RTM_DELLINK, 0, { index }), { op: 'delete', object: this.obj(dev) });
  }

  /** Same as: ip link property add dev DEV altname NAME... */
  async addAltnames(dev: DevRef, names: string[]): Promise<void> {
    this.h.check();
    for (const a of names) checkIfName(a, 'altname', 127);
    const index = this.index(dev);
    this.h.sock.request(encodeLink(RTM_NEWLINKPROP, NLM_F_CREATE | NLM_F_EXCL, { index }, { altnames: names }), { op: `add altname ${names.join(' ')} to`, object: this.obj(dev) });
  }

  /** Same as: ip link property del dev DEV altname NAME... */
  async delAltnames(dev: DevRef, names: string[]): Promise<void> {
    this.h.check();
    const index = this.index(dev);
    this.h.sock.request(encodeLink(RTM_DELLINKPROP, 0, { index }, { altnames: names }), { op: `delete altname ${names.join(' ')} from`, object: this.obj(dev) });
  }
}

