import { KernelError } from '../kernel/errors.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../wire/nlmsg.js';
import { decodeAddr, decodeAddrBrief, encodeAddr, encodeAddrDump, RTM_DELADDR, RTM_NEWADDR, IFA_F_NODAD, IFA_F_NOPREFIXROUTE, scopeNumber, type Addr, type AddrBrief, type AddrSpec } from '../wire/rtnl/index.js';
import { parseCidr } from './cidr.js';
import type { Handle } from './handle.js';
import { nsnetIn } from './hints.js';
import type { AddrInfo, DevRef } from './types.js';

/** The dump request of briefList, every family (the socket stamps its sequence number on each use). */
const ADDR_DUMP = encodeAddrDump(0);

export interface AddrAddOptions {
  /** Broadcast address, or '+' to derive it from the prefix (ip's `brd +`). */
  broadcast?: string | '+';
  label?: string;
  scope?: 'global' | 'link' | 'host';
  /** Skip IPv6 duplicate address detection. */
  nodad?: boolean;
  /** Point-to-point peer address. */
  peer?: string;
  /** Do not add the prefix route. */
  noprefixroute?: boolean;
}


/** One kernel address as `ip -j addr show` describes it; `names` maps ifindex to device name. @internal (wire types stay out of the public declarations) */
export function addrInfoOf(a: Addr, names: ReadonlyMap<number, string>): AddrInfo {
  const out: AddrInfo = {
    ifindex: a.index,
    ifname: names.get(a.index) ?? `if${a.index}`,
    family: a.family === 4 ? 'inet' : 'inet6',
    local: a.address,
    prefixlen: a.prefixLen,
    cidr: `${a.address}/${a.prefixLen}`,
    scope: a.scope,
    flags: a.flagNames,
  };
  if (a.broadcast) out.broadcast = a.broadcast;
  if (a.label) out.label = a.label;
  if (a.validLft !== undefined) out.valid_life_time = a.validLft;
  if (a.preferredLft !== undefined) out.preferred_life_time = a.preferredLft;
  return out;
}

/** `ip addr`: add, replace, del, list, flush; IPv4 and IPv6. */
export class Addresses {
  constructor(private readonly h: Handle) {}

  private spec(dev: DevRef, cidr: string, o: AddrAddOptions = {}): { spec: AddrSpec; object: string } {
    const c = parseCidr(cidr);
    const index = this.h.link.index(dev);
    let flags = 0;
    if (o.nodad) flags |= IFA_F_NODAD;
    if (o.noprefixroute) flags |= IFA_F_NOPREFIXROUTE;
    const spec: AddrSpec = {
      index, address: c.address, prefixLen: c.prefixLen,
      broadcast: o.broadcast === '+' ? true : o.broadcast, label: o.label, peer: o.peer,
      scope: o.scope ? scopeNumber(o.scope) : undefined, flags: flags || undefined,
    };
    return { spec, object: `address ${c.address}/${c.prefixLen} on ${this.h.link.obj(dev)}` };
  }

  /** Same as: ip addr add CIDR dev DEV. */
  async add(dev: DevRef, cidr: string, opts: AddrAddOptions = {}): Promise<void> {
    this.h.check();
    const { spec, object } = this.spec(dev, cidr, opts);
    this.h.sock.request(encodeAddr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, spec), {
      op: 'add', object, hints: () => {
        const n = nsnetIn(this.h);
        return { EEXIST: { lib: 'the link has it already: delete it first (addr.del) or change it with addr.replace()', cli: `the link has it already: delete it first (${n} addr del ${cidr} dev ${dev}) or change it with ${n} addr replace` } };
      },
    });
  }

  /** Same as: ip addr replace CIDR dev DEV. */
  async replace(dev: DevRef, cidr: string, opts: AddrAddOptions = {}): Promise<void> {
    this.h.check();
    const { spec, object } = this.spec(dev, cidr, opts);
    this.h.sock.request(encodeAddr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, spec), { op: 'replace', object });
  }

  /** Same as: ip addr del CIDR dev DEV. */
  async del(dev: DevRef, cidr: string): Promise<void> {
    this.h.check();
    const { spec, object } = this.spec(dev, cidr);
    this.h.sock.request(encodeAddr(RTM_DELADDR, 0, spec), {
      op: 'delete', object, hints: { EADDRNOTAVAIL: { lib: 'the link has no such address: addr.list() shows the addresses there are', cli: `the link has no such address: ${nsnetIn(this.h)} addr show dev ${dev} lists them` } },
    });
  }

  /** All addresses (of one family), decoded as the kernel sends them, device names not resolved: one dump. @internal */
  rawList(family?: 4 | 6): Addr[] {
    this.h.check();
    const fam = family === 4 ? 2 : family === 6 ? 10 : 0;
    const r = this.h.sock.request(encodeAddrDump(fam), { op: 'list', object: `addresses in ${this.h.label}` });
    return r.filter((m) => m.type === RTM_NEWADDR).map(decodeAddr);
  }

  /** All addresses with only the fields a lab's observer reads (AddrBrief): one dump. @internal */
  briefList(): AddrBrief[] {
    this.h.check();
    return this.h.sock.requestEach(ADDR_DUMP, { op: 'list', object: `addresses in ${this.h.label}` }, RTM_NEWADDR, decodeAddrBrief);
  }

  /** Same as: ip -j addr show [dev DEV] (flattened: one entry per address). */
  async list(filter: { dev?: DevRef; family?: 4 | 6 } = {}): Promise<AddrInfo[]> {
    this.h.check();
    const index = filter.dev !== undefined ? this.h.link.index(filter.dev) : undefined;
    const names = this.h.link.names();
    const fam = filter.family === 4 ? 2 : filter.family === 6 ? 10 : 0;
    const r = this.h.sock.request(encodeAddrDump(fam, index), { op: 'list', object: `addresses in ${this.h.label}` });
    return r
      .filter((m) => m.type === RTM_NEWADDR)
      .map(decodeAddr)
      .filter((a) => index === undefined || a.index === index)
      .map((a) => addrInfoOf(a, names));
  }

  /** Same as: ip addr flush dev DEV [family]; returns how many addresses were removed. */
  async flush(dev: DevRef, filter: { family?: 4 | 6; scope?: 'global' | 'link' | 'host' } = {}): Promise<number> {
    const all = await this.list({ dev, family: filter.family });
    let n = 0;
    for (const a of all) {
      if (filter.scope && a.scope !== filter.scope) continue;
      try {
        await this.del(a.ifindex, a.cidr);
        n++;
      } catch (e) {
        // Deleting a primary IPv4 address takes its secondaries with it.
        if (!(e instanceof KernelError && e.code === 'EADDRNOTAVAIL')) throw e;
      }
    }
    return n;
  }
}
