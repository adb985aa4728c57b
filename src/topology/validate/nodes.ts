/**
 * Nodes: names (and the namespace names they make), listed interfaces, and per node once every
 * name is known: subnet overlaps, routes (validate/routes.ts), the IPv6 rule, sysctls and exec.
 */
import { SubnetIndex, type Cidr } from '../cidr.js';
import { show } from '../issues.js';
import type { IfaceSpec, NodeSpec } from '../model.js';
import { HOST, ifaceNameProblem, netnsNameProblem, nodeNameProblem, SYSCTL_KEY_RE } from '../names.js';
import type { NamedObj, Path } from '../registry.js';
import { ifaceSettings } from './addresses.js';
import { addressesLost, entries, isPlainObject, S, type Checker, type IfaceIn, type NodeState } from './checker.js';
import { nodeRoutes, type NodeSubnets } from './routes.js';
import { ifaceSpec } from './spec.js';

/** Parts of a node that are read entry by entry, so one bad entry hides nothing else. */
const NODE_PARTS = ['interfaces', 'routes', 'sysctls', 'exec'];
const IFACE_KEYS = S.Interface.keys();

export function collectNodes(c: Checker, raw: unknown): void {
  for (const [name, value] of entries(c.mapping(raw, ['nodes'], 'nodes'))) {
    const path: Path = ['nodes', name];
    checkNodeName(c, name, path);
    const lo: NamedObj = { ns: name, role: 'lo', logical: 'lo', generated: false, path, label: `${name}:lo` };
    c.reg.add(lo);
    const valid = name !== HOST && nodeNameProblem(name) === undefined;
    const node: NodeState = { name, path, valid, routes: [], sysctls: [], exec: [], ifaces: [], lo, bridges: [] };
    c.nodes.set(name, node);
    const f = c.fields(S.Node, value, path, NODE_PARTS);
    if (!f) continue;
    if (typeof f.ipv6 === 'boolean') node.ipv6 = f.ipv6;
    const v = (value ?? {}) as Record<string, unknown>;
    const ifaces = c.mapping(v.interfaces, [...path, 'interfaces'], 'interfaces');
    if (v.interfaces !== undefined && v.interfaces !== null && !isPlainObject(v.interfaces)) node.incomplete = true;
    for (const [ifname, ifraw] of entries(ifaces)) {
      const data = c.fields(S.Interface, ifraw, [...path, 'interfaces', ifname]);
      const taken = addListedIface(c, node, ifname, data ?? {});
      if (!taken || data === undefined || addressesLost(ifraw, data, IFACE_KEYS)) node.incomplete = true;
    }
    node.routes = c.eachItem(S.Route, v.routes, [...path, 'routes'], 'routes');
    node.sysctls = c.eachEntry(S.SysctlValue, v.sysctls, [...path, 'sysctls'], 'sysctls').filter((e) => e.ok) as NodeState['sysctls'];
    node.exec = c.eachItem(S.ExecItem, v.exec, [...path, 'exec'], 'exec');
  }
}

/** A node name: not 'host', valid, and with the lab's prefix a valid namespace name. */
function checkNodeName(c: Checker, name: string, path: Path): void {
  if (name === HOST) {
    c.out.error('RESERVED_NAME', path, `node name 'host' is reserved (it means the host namespace in endpoints): rename the node`, 'key');
    return;
  }
  const p = nodeNameProblem(name);
  if (p) c.out.error(p.code, path, `node name ${show(name)} is invalid: ${p.why}`, 'key');
  else if (c.prefixOk) {
    const np = netnsNameProblem(c.prefix + name);
    if (np) c.out.error('BAD_NETNS_NAME', path, `namespace name ${show(c.prefix + name)} (prefix + node name) is invalid: ${np}; shorten the prefix or the node name`, 'key');
  }
}

/** A listed interface; false when it could not be taken (its addresses are then unknown). */
function addListedIface(c: Checker, node: NodeState, ifname: string, data: Partial<IfaceIn>): boolean {
  const path: Path = [...node.path, 'interfaces', ifname];
  const p = ifaceNameProblem(ifname);
  if (p) {
    c.out.error(p.code, path, `interface name ${show(ifname)} is invalid: ${p.why}`, 'key');
    return false;
  }
  const obj = c.reg.add({ ns: node.name, role: 'iface', logical: ifname, generated: false, path, label: `${node.name}:${ifname}` }, 'key');
  if (!obj) return false;
  obj.listed = true;
  obj.path = path;
  if (obj.role !== 'lo') node.ifaces.push(obj);
  if (data.vlan) c.vlanIfaces.push({ path, node: node.name, name: ifname });
  return ifaceSettings(c, obj, data, path);
}

/** Listed interfaces that no link creates (lo excepted). */
export function checkUnlinked(c: Checker): void {
  if (c.linksBroken) return; // a link we could not read may be the one that creates it
  for (const n of c.nodes.values()) {
    for (const obj of n.ifaces) {
      if (obj.listed && !obj.linkedBy) {
        c.out.error('NOT_LINKED', obj.path, `interface ${obj.label} is not in any link, so nothing creates it: add a link (e.g. [${obj.label}, OTHER:IF]) or remove it`, 'key');
      }
    }
  }
}

/** The node's spec, once every name in the lab is known and allocated. */
export function finishNode(c: Checker, n: NodeState): NodeSpec {
  const { addrs, ...at } = nodeSubnets(c, n);
  const { routes, routeAt } = nodeRoutes(c, n, at);
  // IPv6 rule: node's own, else the lab's, else inferred from its addresses and routes.
  const anyV6 = addrs.some((a) => a.c.family === 6) || routes.some((r) => r.family === 6);
  const ipv6 = n.ipv6 ?? c.labIpv6 ?? anyV6;
  if (!ipv6 && anyV6) {
    const where = n.ipv6 === false ? `node ${show(n.name)} has ipv6: false` : 'the lab has ipv6: false';
    const fix = n.ipv6 === false ? 'remove ipv6: false' : `set ipv6: true on node ${n.name}`;
    const a = addrs.find((x) => x.c.family === 6);
    const ri = routes.findIndex((r) => r.family === 6);
    const path = a ? a.path : [...n.path, 'routes', routeAt[ri]!];
    c.out.error('IPV6_DISABLED', path, `${where} but this is IPv6: ${fix}, or drop the IPv6 address/route`);
  }
  const sysctls = nodeSysctls(c, n, ipv6);
  const exec = nodeExec(c, n);
  const interfaces: IfaceSpec[] = [];
  if (n.lo.listed) interfaces.push(ifaceSpec(n.lo));
  for (const obj of n.ifaces) interfaces.push(ifaceSpec(obj));
  return { name: n.name, netns: c.prefix + n.name, ipv6, interfaces, routes, sysctls, exec };
}

/** The node's addresses and subnets; subnets that overlap in one node warn. */
function nodeSubnets(c: Checker, n: NodeState): NodeSubnets & { addrs: { c: Cidr; path: Path; obj: NamedObj }[] } {
  const addrs: { c: Cidr; path: Path; obj: NamedObj }[] = [];
  const subnets = new SubnetIndex<NamedObj>();
  const own = new Set<string>();
  const ifIndex = new Map<NamedObj, SubnetIndex<NamedObj>>();
  const objs = [n.lo, ...n.ifaces, ...n.bridges.map((b) => b.obj)];
  for (const obj of objs) {
    const idx = new SubnetIndex<NamedObj>();
    ifIndex.set(obj, idx);
    (obj.addresses ?? []).forEach((a, i) => {
      addrs.push({ c: a, path: [...obj.path, 'addresses', i], obj });
      own.add(a.text);
      idx.add(a, obj);
      const prev = subnets.add(a, obj);
      if (prev && prev !== obj) {
        c.out.warn('SUBNET_OVERLAP', [...obj.path, 'addresses', i], `subnet ${a.network} is also on ${prev.label} in the same node: traffic for it may leave by either`);
      }
    });
  }
  for (const { c: a, path, obj } of addrs) {
    const outer = subnets.overlapping(a);
    if (outer && outer !== obj) c.out.warn('SUBNET_OVERLAP', path, `subnet ${a.network} overlaps a larger subnet on ${outer.label} in the same node`);
  }
  return { addrs, subnets, own, ifIndex };
}

function nodeSysctls(c: Checker, n: NodeState, ipv6: boolean): Record<string, string> {
  const sysctls: Record<string, string> = {};
  for (const { key: k, value: v } of n.sysctls) {
    const path: Path = [...n.path, 'sysctls', k];
    const value = sysctl(c, k, v, path);
    if (value === undefined) continue;
    if (/^net\.ipv6\.conf\.(all|default)\.disable_ipv6$/.test(k) && (value === '1') === ipv6) {
      c.out.error('IPV6_CONFLICT', path, `${k}: ${value} contradicts the node's ipv6: ${ipv6}; use the node's ipv6: setting instead of this sysctl`, 'key');
      continue;
    }
    sysctls[k] = value;
  }
  return sysctls;
}

function sysctl(c: Checker, key: string, value: string | number | boolean, path: Path): string | undefined {
  const o = c.out;
  if (!key.startsWith('net.')) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)} is not namespace-scoped: only net.* keys can be set per node`, 'key');
  if (key.includes('/')) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)}: write it with dots (net.ipv4.ip_forward), not '/'`, 'key');
  if (key.includes('..')) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)} contains '..': write the key as net.a.b.c`, 'key');
  if (!SYSCTL_KEY_RE.test(key)) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)} is not a sysctl key: use letters, digits, '_' and '-' between dots`, 'key');
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  if (/[\n\r\0]/.test(text) || text.length > 4096) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)}: the value must be one line (at most 4096 characters)`);
  return text;
}

function nodeExec(c: Checker, n: NodeState): string[][] {
  const exec: string[][] = [];
  n.exec.forEach(({ i, value: cmd }) => {
    const path: Path = [...n.path, 'exec', i];
    const argv = typeof cmd === 'string' ? cmd.trim().split(/\s+/).filter((x) => x !== '') : cmd;
    if (argv.length === 0 || argv[0] === '') return void c.out.error('BAD_EXEC', path, 'empty command: remove it or write the command to run');
    if (argv.some((x) => x.includes('\0'))) return void c.out.error('BAD_EXEC', path, 'a command may not contain NUL characters');
    if (typeof cmd === 'string' && /["'\\]/.test(cmd)) {
      c.out.warn('EXEC_QUOTES', path, 'this command is split on spaces and quotes are not interpreted: write it as a list, e.g. ["sh", "-c", "..."]');
    }
    exec.push(argv);
  });
  return exec;
}
