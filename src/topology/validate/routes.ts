/**
 * A node's routes: destination and gateway parsed, the gateway reachable from the node's own
 * subnets, dev an interface of the node, and no two routes with the planner's identity
 * (destination in canonical form, table, metric: routekey.ts).
 */
import { parseCidr, parseIp, type Ip, type SubnetIndex } from '../cidr.js';
import { formatPath, listNames, show } from '../issues.js';
import type { RouteSpec } from '../model.js';
import type { NamedObj, Path } from '../registry.js';
import { canonDst, effectiveMetric, routeKey } from '../routekey.js';
import type { Checker, NodeState, RouteIn } from './checker.js';

/** What a node's addresses are, for judging its gateways. */
export interface NodeSubnets {
  /** Every subnet of the node. */
  subnets: SubnetIndex<NamedObj>;
  /** The subnets of each interface. */
  ifIndex: Map<NamedObj, SubnetIndex<NamedObj>>;
  /** The node's own addresses (text). */
  own: Set<string>;
}

/** The node's routes that are fine, with the index of each in the file's list. */
export function nodeRoutes(c: Checker, n: NodeState, at: NodeSubnets): { routes: RouteSpec[]; routeAt: number[] } {
  const routes: RouteSpec[] = [];
  const routeAt: number[] = [];
  const routeSeen = new Map<string, number>();
  n.routes.forEach(({ i, value: r }) => {
    const rs = route(c, n, r, [...n.path, 'routes', i], at);
    if (!rs) return;
    const key = routeKey(rs);
    const prev = routeSeen.get(key);
    if (prev !== undefined) {
      const other = [...n.path, 'routes', prev];
      c.out.errorWith('DUPLICATE_ROUTE', [...n.path, 'routes', i], other, `a route to ${canonDst(rs.to, rs.family)} (table ${rs.table ?? 'main'}, metric ${effectiveMetric(rs.family, rs.metric)}) is already ${formatPath(other)}: the kernel keys a route by destination, table and metric (no metric is 0 for IPv4, 1024 for IPv6), so the second would replace the first; give one a different metric or remove it`);
      return;
    }
    routeSeen.set(key, i);
    routes.push(rs);
    routeAt.push(i);
  });
  return { routes, routeAt };
}

/** The destination and its family ('default' or the canonical network); undefined after an error. */
function destination(c: Checker, r: RouteIn, path: Path): { to: string; family?: 4 | 6 } | undefined {
  if (r.to === 'default') return { to: 'default' };
  const d = parseCidr(r.to, true);
  if (typeof d === 'string') return void c.out.error('BAD_ROUTE_TO', [...path, 'to'], `bad route destination: ${d} (or write 'default')`);
  if (d.hostBits) return void c.out.error('BAD_ROUTE_TO', [...path, 'to'], `route destination ${r.to} has host bits set: write ${d.network}`);
  return { to: d.len === 0 ? 'default' : d.network, family: d.family };
}

/** The gateway, parsed and of the destination's family; null when there is none, undefined after an error. */
function gateway(c: Checker, r: RouteIn, path: Path, family: 4 | 6 | undefined): Ip | null | undefined {
  if (r.via === undefined) return null;
  const v = parseIp(r.via);
  if (typeof v === 'string') return void c.out.error('BAD_ROUTE_VIA', [...path, 'via'], `bad gateway: ${v}`);
  if (v.range === 'multicast' || v.range === 'unspecified' || v.range === 'broadcast') {
    return void c.out.error('BAD_ROUTE_VIA', [...path, 'via'], `gateway ${v.text} is a ${v.range} address; a gateway is a neighbour's unicast address`);
  }
  if (family !== undefined && v.family !== family) {
    return void c.out.error('BAD_ROUTE_VIA', [...path, 'via'], `gateway ${v.text} is IPv${v.family} but the destination ${r.to} is IPv${family}`);
  }
  return v;
}

/** The gateway can be reached: not the node's own address, in a subnet of dev (or of the node). */
function reachable(c: Checker, n: NodeState, via: Ip, devObj: NamedObj | undefined, path: Path, at: NodeSubnets): boolean {
  const refuse = (code: string, message: string): false => {
    c.out.error(code, [...path, 'via'], message);
    return false;
  };
  if (at.own.has(via.text)) return refuse('BAD_ROUTE_VIA', `gateway ${via.text} is an address of ${show(n.name)} itself: use the neighbour's address`);
  if (via.family === 6 && via.range === 'linkLocal') {
    if (!devObj) return refuse('BAD_ROUTE_VIA', `link-local gateway ${via.text} needs dev: the interface it is reached on`);
  } else if (n.incomplete) {
    // some of the node's addresses are in error: reachability cannot be judged
  } else if (devObj) {
    if (!at.ifIndex.get(devObj)?.find(via)) {
      return refuse('UNREACHABLE_GATEWAY', `unreachable gateway ${via.text}: it is not in any subnet of ${n.name}'s interface ${devObj.logical}`);
    }
  } else if (!at.subnets.find(via)) {
    return refuse('UNREACHABLE_GATEWAY', `unreachable gateway ${via.text}: it is not in any subnet of ${n.name}'s interfaces`);
  }
  return true;
}

function route(c: Checker, n: NodeState, r: RouteIn, path: Path, at: NodeSubnets): RouteSpec | undefined {
  const dst = destination(c, r, path);
  if (!dst) return undefined;
  const via = gateway(c, r, path, dst.family);
  if (via === undefined) return undefined;
  const family = dst.family ?? via?.family ?? 4;
  let devObj: NamedObj | undefined;
  if (r.dev !== undefined) {
    devObj = c.reg.get(n.name, r.dev);
    if (!devObj && c.linksBroken) return undefined; // a link we could not read may create it
    if (!devObj || devObj.role === 'nic') {
      const names = ['lo', ...n.ifaces.map((x) => x.logical), ...n.bridges.map((b) => b.name)];
      return void c.out.error('UNKNOWN_DEV', [...path, 'dev'], `route dev ${show(r.dev)} is not an interface of ${show(n.name)} (its interfaces are: ${listNames(names)})`);
    }
  }
  if (!via && !devObj) return void c.out.error('BAD_ROUTE', path, 'a route needs via (a gateway) or dev (an interface), or both');
  if (via && !reachable(c, n, via, devObj, path, at)) return undefined;
  return {
    to: dst.to,
    ...(via ? { via: via.text } : {}),
    ...(devObj ? { dev: devObj.name ?? devObj.logical } : {}),
    ...(r.metric !== undefined ? { metric: r.metric } : {}),
    ...(r.table !== undefined ? { table: r.table } : {}),
    family,
  };
}
