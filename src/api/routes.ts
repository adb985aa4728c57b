import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../wire/nlmsg.js';
import { isIP } from 'node:net';
import { NsnetError } from '../kernel/errors.js';
import {
  cacheFlagNames, decodeRoute, encodeRoute, encodeRouteDump, encodeRouteGet, RT_SCOPE_NOWHERE, RT_TABLE_MAIN, RTM_DELROUTE, RTM_F_CLONED, RTM_NEWROUTE,
  scopeNumber, tableName, type Route, type RouteSpec as WireRoute,
} from '../wire/rtnl/index.js';
import { parseCidr } from './cidr.js';
import type { Handle } from './handle.js';
import { nsnetIn } from './hints.js';
import type { RouteInfo, RouteLookup, RouteQuery, RouteSpec } from './types.js';

const TYPES = { unicast: 1, local: 2, blackhole: 6, unreachable: 7, prohibit: 8 } as const;
const PROTOS = { kernel: 2, boot: 3, static: 4 } as const;

/** Table numbers and names for the layers above (the wire layer's one definition). */
export { RT_TABLE_MAIN, tableName, tableNumber, isMainTable } from '../wire/rtnl/constants.js';

/** One kernel route as `ip -j route show` describes it; `names` maps ifindex to device name. @internal */
export function routeInfoOf(x: Route, names: ReadonlyMap<number, string>): RouteInfo {
  const out: RouteInfo = {
    dst: x.dst,
    table: tableName(x.table),
    protocol: x.protocol,
    scope: x.scope,
    type: x.type,
    flags: x.flagNames,
    family: x.family === 4 ? 'inet' : 'inet6',
  };
  if (x.gateway) out.gateway = x.gateway;
  if (x.oif !== undefined) out.dev = names.get(x.oif) ?? `if${x.oif}`;
  if (x.metric !== undefined) out.metric = x.metric;
  if (x.prefsrc) out.prefsrc = x.prefsrc;
  return out;
}

const PREFS: Record<number, string> = { 0: 'medium', 1: 'high', 3: 'low' };

/** The kernel's answer to a lookup, with what ip route get prints beyond a route. @internal */
export function routeLookupOf(x: Route, names: ReadonlyMap<number, string>): RouteLookup {
  const cloned = (x.flags & RTM_F_CLONED) !== 0;
  const out: RouteLookup = { ...routeInfoOf(x, names), cloned };
  if (x.src !== undefined) out.from = x.src;
  if (x.iif !== undefined) out.iif = names.get(x.iif) ?? `if${x.iif}`;
  if (x.uid !== undefined) out.uid = x.uid;
  if (x.pref !== undefined) out.pref = PREFS[x.pref] ?? String(x.pref);
  if (cloned && x.family === 4) out.cache = cacheFlagNames(x.flags);
  return out;
}

/** `ip route`: add, replace, del, list, get; default gateways and tables. */
export class Routes {
  constructor(private readonly h: Handle) {}

  private wire(r: RouteSpec, forDelete = false): { spec: WireRoute; object: string } {
    let family: 4 | 6 | undefined;
    let dst: string;
    if (r.to === 'default') {
      dst = 'default';
      family = r.via ? (isIP(r.via) as 4 | 6) : undefined;
    } else {
      const c = parseCidr(r.to, 'route destination');
      dst = `${c.address}/${c.prefixLen}`;
      family = c.family;
    }
    if (r.via !== undefined) {
      const v = isIP(r.via);
      if (!v) throw new NsnetError('INVALID_ADDRESS', `invalid gateway ${JSON.stringify(r.via)} for route ${r.to}`, `route ${r.to}`);
      if (family !== undefined && v !== family) throw new NsnetError('INVALID_ROUTE', `route ${r.to}: gateway ${r.via} is not of the destination's address family`, `route ${r.to}`);
      family = v as 4 | 6;
    }
    if (r.table !== undefined && (!Number.isInteger(r.table) || r.table < 1 || r.table > 0xffffffff)) {
      throw new NsnetError('INVALID_ROUTE', `route ${r.to}: table must be 1..4294967295`, `route ${r.to}`);
    }
    const spec: WireRoute = {
      family: family ?? 4,
      dst,
      gateway: r.via,
      oif: r.dev !== undefined ? this.h.link.index(r.dev) : undefined,
      table: r.table,
      metric: r.metric,
      prefsrc: r.src,
      mtu: r.mtu,
      onlink: r.onlink,
      type: r.type ? TYPES[r.type] : undefined,
      protocol: r.protocol === undefined ? undefined : typeof r.protocol === 'number' ? r.protocol : PROTOS[r.protocol],
      scope: r.scope ? scopeNumber(r.scope) : undefined,
    };
    if (forDelete) {
      // As `ip route del`: match any scope and protocol unless given.
      if (spec.scope === undefined) spec.scope = RT_SCOPE_NOWHERE;
      if (spec.protocol === undefined) spec.protocol = 0;
    }
    const parts = [`route ${r.to}`];
    if (r.via) parts.push(`via ${r.via}`);
    if (r.dev !== undefined) parts.push(`dev ${r.dev}`);
    if (r.table !== undefined) parts.push(`table ${r.table}`);
    return { spec, object: `${parts.join(' ')} in ${this.h.label}` };
  }

  /** Same as: ip route add TO [via GW] [dev DEV] [table N] [metric M]. */
  async add(r: RouteSpec): Promise<void> {
    this.h.check();
    const { spec, object } = this.wire(r);
    const n = nsnetIn(this.h);
    this.h.sock.request(encodeRoute(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, spec), {
      op: 'add', object, hints: () => ({
        ENETUNREACH: {
          lib: 'the gateway is on no subnet of a link here that is up: add an address on its subnet (addr.add) and bring that link up first, or give dev with onlink: true',
          cli: `the gateway is on no subnet of a link here that is up: add an address on its subnet (${n} addr add CIDR dev DEV) and bring that link up (${n} link set DEV up) first, or add "dev DEV onlink"`,
        },
        EEXIST: { lib: 'it is there already: route.replace() changes it', cli: `it is there already: ${n} route replace ... changes it` },
        ...(r.dev !== undefined ? {
          ENETDOWN: { lib: `bring the link up first (link.set(${typeof r.dev === 'number' ? r.dev : `'${r.dev}'`}, { up: true }))`, cli: `bring the link up first (${n} link set ${r.dev} up)` },
        } : {}),
      }),
    });
  }

  /** Same as: ip route replace ... (adds it if missing). */
  async replace(r: RouteSpec): Promise<void> {
    this.h.check();
    const { spec, object } = this.wire(r);
    this.h.sock.request(encodeRoute(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, spec), { op: 'replace', object });
  }

  /** Same as: ip route del TO [via GW] [dev DEV] [table N]. */
  async del(r: RouteSpec): Promise<void> {
    this.h.check();
    const { spec, object } = this.wire(r, true);
    this.h.sock.request(encodeRoute(RTM_DELROUTE, 0, spec), {
      op: 'delete', object, hints: { ESRCH: { lib: 'there is no such route: route.list() shows the routes there are', cli: `there is no such route: ${nsnetIn(this.h)} route show lists the routes there are` } },
    });
  }

  /**
   * Same as: ip -j route get TO [from SRC] [iif DEV] [oif DEV]: the route a packet to one
   * address takes, as the kernel decides it now.
   */
  async get(to: string, q: RouteQuery = {}): Promise<RouteLookup> {
    this.h.check();
    const v = isIP(to);
    if (!v) throw new NsnetError('INVALID_ADDRESS', `invalid address ${JSON.stringify(to)} to look up a route for (one IPv4 or IPv6 address, no prefix)`, `route to ${to}`);
    if (q.from !== undefined && isIP(q.from) !== v) throw new NsnetError('INVALID_ADDRESS', `route to ${to}: from ${q.from} is not an IPv${v} address`, `route to ${to}`);
    const object = `route to ${to}${q.from !== undefined ? ` from ${q.from}` : ''} in ${this.h.label}`;
    const msg = encodeRouteGet({
      dst: to, src: q.from, iif: q.iif !== undefined ? this.h.link.index(q.iif) : undefined, oif: q.oif !== undefined ? this.h.link.index(q.oif) : undefined,
    });
    const n = nsnetIn(this.h);
    const r = this.h.sock.request(msg, {
      op: 'look up', object, hints: {
        ENETUNREACH: {
          lib: 'no route here leads there: add one, or a default route (route.add({ to: \'default\', via }))',
          cli: `no route here leads there: add one, or a default route (${n} route add default via GW)`,
        },
        EHOSTUNREACH: {
          lib: 'an unreachable route covers it (route.list() shows it), or, with iif, this namespace does not forward (sysctl.set(\'net.ipv4.ip_forward\', 1))',
          cli: `an unreachable route covers it (${n} route show lists it), or, with iif, this namespace does not forward (${n} sysctl set net.ipv4.ip_forward 1)`,
        },
        EACCES: { lib: 'a prohibit route covers it: route.list() shows it', cli: `a prohibit route covers it: ${n} route show lists it` },
        EINVAL: q.iif === undefined
          ? { lib: 'a blackhole route covers it: route.list() shows it', cli: `a blackhole route covers it: ${n} route show lists it` }
          : q.from === undefined
            ? { lib: 'a lookup with iif needs from: the address the packet comes from', cli: 'a lookup with iif needs from ADDR: the address the packet comes from' }
            : { lib: 'from must be an address a packet could come from on iif (not one of this namespace\'s own)', cli: 'from must be an address a packet could come from on iif (not one of this namespace\'s own)' },
      },
    });
    const m = r.find((x) => x.type === RTM_NEWROUTE);
    if (!m) throw new NsnetError('EPROTO', `look up ${object}: the kernel sent no route`, object);
    return routeLookupOf(decodeRoute(m), this.h.link.names());
  }

  /**
   * Same as: ip -j route show [table N|all]. Default: the main table, both families
   * (`ip route` shows IPv4 only; pass family: 4 for that).
   */
  async list(filter: { table?: number | 'all'; family?: 4 | 6 } = {}): Promise<RouteInfo[]> {
    this.h.check();
    const names = this.h.link.names();
    const fam = filter.family === 4 ? 2 : filter.family === 6 ? 10 : 0;
    const table = filter.table === undefined ? RT_TABLE_MAIN : filter.table;
    const r = this.h.sock.request(encodeRouteDump(fam, table === 'all' ? undefined : table), { op: 'list', object: `routes in ${this.h.label}` });
    return r
      .filter((m) => m.type === RTM_NEWROUTE)
      .map(decodeRoute)
      .filter((x) => (table === 'all' || x.table === table) && (!filter.family || x.family === filter.family))
      .map((x) => routeInfoOf(x, names));
  }
}
