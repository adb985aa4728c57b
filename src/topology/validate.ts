/**
 * Validation and normalization of a topology document (plain data, e.g. from source.ts or built
 * in code) into a LabSpec. Every problem is collected, none stops the others: each part of the
 * file (the lab fields, each node, bridge, link and uplink) is checked on its own, so one broken
 * node does not hide the errors of the next. Costs are linear in the size of the file (maps, no
 * pairwise loops), so 10,000-node labs validate quickly.
 */
import type { z } from 'zod';
import { maskBytes, parseCidr, parseIp, SubnetIndex, type Cidr, type Ip } from './cidr.js';
import { didYouMean, formatPath, Issues, listNames, show, type RawIssue } from './issues.js';
import type { BridgeSpec, Endpoint, IfaceSpec, LabSpec, LinkSpec, NodeSpec, RouteSpec, UplinkSpec } from './model.js';
import {
  HOST,
  ifaceNameProblem,
  kernelNameProblem,
  labNameProblem,
  MAC_RE,
  netnsNameProblem,
  nodeNameProblem,
  PREFIX_RE,
  SYSCTL_KEY_RE,
} from './names.js';
import { Registry, type NamedObj, type Path } from './registry.js';
import { canonDst, effectiveMetric, routeKey } from './routekey.js';
import { buildSchemas } from './schema.js';
import { addZodIssues, defaultErrorMap, describe } from './zodissues.js';
import { checkVlans, type VlanBridge, type VlanEnd, type VlanIface, type VlanLink, type VlanUplink } from './vlans.js';

const S = buildSchemas(false);
type IfaceIn = z.output<typeof S.Interface>;
type RouteIn = z.output<typeof S.Route>;
type BridgeIn = Partial<z.output<typeof S.Bridge>>;
/** Parts of a node that are read entry by entry, so one bad entry hides nothing else. */
const NODE_PARTS = ['interfaces', 'routes', 'sysctls', 'exec'];

const DEFAULT_VXLAN_PORT = 4789;

export interface CheckResult {
  lab?: LabSpec;
  errors: RawIssue[];
  warnings: RawIssue[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

const entries = (v: Record<string, unknown>) => Object.entries(v);

/** `a` and `b` are in the same network of prefix length `len`. */
const sameNetwork = (a: Cidr, b: Cidr, len: number): boolean => {
  const x = maskBytes(a.bytes, len);
  const y = maskBytes(b.bytes, len);
  return x.every((v, i) => v === y[i]);
};

/**
 * The addresses of a raw interface or bridge mapping are not all known: they did not parse as a
 * list of strings, or the mapping has a key its schema lacks (a misspelt `addresses:`?).
 */
const addressesLost = (raw: unknown, data: { addresses?: unknown } | undefined, known: readonly string[]): boolean =>
  isPlainObject(raw) && ((raw.addresses !== undefined && raw.addresses !== null && data?.addresses === undefined) || Object.keys(raw).some((k) => !known.includes(k)));

interface NodeState {
  name: string;
  path: Path;
  ipv6?: boolean;
  /** The name follows the rules (only valid names are listed in messages). */
  valid: boolean;
  /** Some interface or bridge of the node had an error: its subnets are not all known. */
  incomplete?: boolean;
  routes: { i: number; value: RouteIn }[];
  sysctls: { key: string; value: string | number | boolean }[];
  exec: { i: number; value: string | string[] }[];
  /** Interfaces of the node in order: listed first, then the ones links create. */
  ifaces: NamedObj[];
  lo: NamedObj;
  /** Bridges that live in this node. */
  bridges: BridgeState[];
}

interface BridgeState {
  name: string;
  path: Path;
  data?: BridgeIn;
  node?: string;
  obj: NamedObj;
}

/** One end of a link once resolved. */
interface EndRef {
  obj: NamedObj;
  node?: string;
  bridge?: string;
  /** "h1:eth0", "host:veth9", "br0:veth0"; a generated port gets its base after resolve. */
  label: string;
  path: Path;
}

type LinkRec =
  | { kind: 'veth'; path: Path; a: EndRef; b: EndRef; mtu?: number; vlan?: number; trunks?: number[] }
  | { kind: 'macvlan'; path: Path; end: EndRef; parent: string; mode: 'bridge' | 'private' | 'vepa' | 'passthru' }
  | { kind: 'vxlan'; path: Path; end: EndRef; vni: number; remote?: string; group?: string; local?: string; dev?: string; port: number };

type UplinkRec = UplinkSpec & { path: Path };

const TOP_KEYS = Object.keys(S.Topology.shape);
const IFACE_KEYS = Object.keys(S.Interface.shape);
const BRIDGE_KEYS = Object.keys(S.Bridge.shape);

/** Validate and normalize `raw` (the parsed file). */
export function checkTopology(raw: unknown): CheckResult {
  return new Checker().run(raw);
}

class Checker {
  private readonly out = new Issues();
  private readonly reg = new Registry(this.out);
  private readonly nodes = new Map<string, NodeState>();
  private readonly bridges = new Map<string, BridgeState>();
  private readonly links: LinkRec[] = [];
  private readonly uplinks: UplinkRec[] = [];
  private linksBroken = false;
  private labName = '';
  private prefix = '';
  private prefixOk = true;
  private labIpv6: boolean | undefined;
  /** Lab-wide: address → where it is. */
  private readonly addrOwners = new Map<string, { label: string; path: Path }>();
  private readonly macOwners = new Map<string, string>();
  private readonly vlanIfaces: VlanIface[] = [];

  run(raw: unknown): CheckResult {
    const o = this.out;
    if (raw === undefined || raw === null) {
      o.error('EMPTY', [], 'the topology is empty: write at least `name:` and `nodes:`');
      return { errors: o.errors, warnings: o.warnings };
    }
    if (!isPlainObject(raw)) {
      o.error('NOT_A_MAPPING', [], `the top level must be a mapping (name:, nodes:, links: ...), got ${describe(raw)}`);
      return { errors: o.errors, warnings: o.warnings };
    }
    for (const k of Object.keys(raw)) {
      if (!TOP_KEYS.includes(k)) o.error('UNKNOWN_KEY', [k], `unknown key ${show(k)}${didYouMean(k, TOP_KEYS)} (known: ${TOP_KEYS.filter((x) => x !== '$schema').join(', ')})`, 'key');
    }
    if (raw.$schema !== undefined) this.parse(S.Topology.shape.$schema, raw.$schema, ['$schema']);
    this.checkLabFields(raw);
    this.collectNodes(raw.nodes);
    this.collectBridges(raw.bridges);
    this.collectLinks(raw.links);
    this.collectUplinks(raw.uplinks);
    this.checkVlans();
    this.checkUnlinked();
    this.reg.allocate();
    const nodes = [...this.nodes.values()].map((n) => this.finishNode(n));
    this.checkNics();
    this.checkPrefixLengths();
    if (o.errors.length > 0) return { errors: o.errors, warnings: o.warnings };
    const lab: LabSpec = {
      name: this.labName,
      prefix: this.prefix,
      nodes,
      bridges: [...this.bridges.values()].map((b) => this.bridgeSpec(b)),
      links: this.linkSpecs(),
      uplinks: this.uplinks.map(({ path: _p, ...u }) => u as UplinkSpec),
    };
    return { lab, errors: o.errors, warnings: o.warnings };
  }

  private nodeList?: string[];
  private bridgeList?: string[];
  /** Node and bridge names for messages (the maps are complete once links are read). */
  private nodeNames = (): string[] => (this.nodeList ??= [...this.nodes.values()].filter((n) => n.valid).map((n) => n.name));
  private bridgeNames = (): string[] => (this.bridgeList ??= [...this.bridges.keys()]);

  /** safeParse `value` with `schema`; issues go to the list, prefixed with `path`. */
  private parse<T extends z.ZodType>(schema: T, value: unknown, path: Path): z.output<T> | undefined {
    const r = schema.safeParse(value, { reportInput: true, error: defaultErrorMap });
    if (r.success) return r.data;
    addZodIssues(this.out, path, value, r.error.issues);
    return undefined;
  }

  // ---------------------------------------------------------------- lab fields

  private checkLabFields(raw: Record<string, unknown>): void {
    const o = this.out;
    if (raw.name === undefined) {
      o.error('MISSING_KEY', ['name'], 'the lab has no name: add `name: mylab` at the top (lower-case letters, digits, _ and -)');
    } else if (typeof raw.name !== 'string') {
      o.error('WRONG_TYPE', ['name'], `the lab name must be a string, got ${describe(raw.name)}`);
    } else {
      const p = labNameProblem(raw.name);
      if (p) o.error(p.code, ['name'], `lab name ${show(raw.name)} is invalid: ${p.why}`);
      this.labName = raw.name;
    }
    if (raw.prefix !== undefined && raw.prefix !== null) {
      if (typeof raw.prefix !== 'string') {
        o.error('WRONG_TYPE', ['prefix'], `prefix must be a string, got ${describe(raw.prefix)}`);
        this.prefixOk = false;
      } else {
        this.prefix = raw.prefix;
        if (!PREFIX_RE.test(raw.prefix)) {
          o.error('BAD_NETNS_NAME', ['prefix'], `prefix ${show(raw.prefix)} would make invalid namespace names: use letters, digits, '_', '.' and '-' only`);
          this.prefixOk = false;
        } else if (Buffer.byteLength(raw.prefix) >= 255) {
          o.error('BAD_NETNS_NAME', ['prefix'], `prefix is ${Buffer.byteLength(raw.prefix)} bytes; with a node name it must stay within 255 bytes: shorten it`);
          this.prefixOk = false;
        }
      }
    }
    if (raw.ipv6 !== undefined && raw.ipv6 !== null) {
      const v = this.parse(S.Topology.shape.ipv6, raw.ipv6, ['ipv6']);
      if (typeof v === 'boolean') this.labIpv6 = v;
    }
  }

  /** A top-level or node-level map (null/absent = empty); anything else is reported. */
  private mapping(v: unknown, path: Path, what: string): Record<string, unknown> {
    if (v === undefined || v === null) return {};
    if (isPlainObject(v)) return v;
    this.out.error('WRONG_TYPE', path, `${what} must be a mapping (name: settings), got ${describe(v)}`);
    return {};
  }

  private list(v: unknown, path: Path, what: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    this.out.error('WRONG_TYPE', path, `${what} must be a list (- item), got ${describe(v)}`);
    return [];
  }

  /**
   * Read a mapping against a strict object schema one field at a time: unknown keys, missing
   * required keys and each bad field are reported; the fields that are fine are returned.
   * Fields in `skip` are left to the caller. Undefined when `raw` is not a mapping at all.
   */
  private fields<T extends z.ZodObject>(schema: T, raw: unknown, path: Path, skip: readonly string[] = []): Partial<z.output<T>> | undefined {
    if (raw === undefined || raw === null) raw = {};
    if (!isPlainObject(raw)) {
      this.out.error('WRONG_TYPE', path, `expected a mapping (key: value), got ${describe(raw)}`);
      return undefined;
    }
    const shape = schema.shape as Record<string, z.ZodType>;
    const known = Object.keys(shape);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(raw)) {
      if (!Object.prototype.hasOwnProperty.call(shape, k)) {
        this.out.error('UNKNOWN_KEY', [...path, k], `unknown key ${show(k)}${didYouMean(k, known)} (known: ${known.join(', ')})`, 'key');
      }
    }
    for (const k of known) {
      if (skip.includes(k)) continue;
      const has = Object.prototype.hasOwnProperty.call(raw, k);
      if (!has && shape[k]!.safeParse(undefined).success) continue;
      const r = shape[k]!.safeParse(raw[k], { reportInput: true, error: defaultErrorMap });
      if (r.success) {
        if (r.data !== undefined) out[k] = r.data;
      } else addZodIssues(this.out, path, raw, r.error.issues.map((i) => ({ ...i, path: [k, ...i.path] })));
    }
    return out as Partial<z.output<T>>;
  }

  /** Each entry of a mapping, parsed with `schema`; a bad value is reported and marked !ok. */
  private eachEntry<T extends z.ZodType>(schema: T, raw: unknown, path: Path, what: string): { key: string; ok: boolean; value?: z.output<T> }[] {
    return entries(this.mapping(raw, path, what)).map(([key, v]) => {
      const r = schema.safeParse(v, { reportInput: true, error: defaultErrorMap });
      if (r.success) return { key, ok: true, value: r.data };
      addZodIssues(this.out, [...path, key], v, r.error.issues);
      return { key, ok: false };
    });
  }

  /** Each item of a list that parses with `schema` (bad ones are reported and left out), with its index. */
  private eachItem<T extends z.ZodType>(schema: T, raw: unknown, path: Path, what: string): { i: number; value: z.output<T> }[] {
    const out: { i: number; value: z.output<T> }[] = [];
    this.list(raw, path, what).forEach((v, i) => {
      const r = schema.safeParse(v, { reportInput: true, error: defaultErrorMap });
      if (r.success) out.push({ i, value: r.data });
      else addZodIssues(this.out, [...path, i], v, r.error.issues);
    });
    return out;
  }

  // ---------------------------------------------------------------- nodes

  private collectNodes(raw: unknown): void {
    const o = this.out;
    for (const [name, value] of entries(this.mapping(raw, ['nodes'], 'nodes'))) {
      const path: Path = ['nodes', name];
      if (name === HOST) {
        o.error('RESERVED_NAME', path, `node name 'host' is reserved (it means the host namespace in endpoints): rename the node`, 'key');
      } else {
        const p = nodeNameProblem(name);
        if (p) o.error(p.code, path, `node name ${show(name)} is invalid: ${p.why}`, 'key');
        else if (this.prefixOk) {
          const np = netnsNameProblem(this.prefix + name);
          if (np) o.error('BAD_NETNS_NAME', path, `namespace name ${show(this.prefix + name)} (prefix + node name) is invalid: ${np}; shorten the prefix or the node name`, 'key');
        }
      }
      const lo: NamedObj = { ns: name, role: 'lo', logical: 'lo', generated: false, path, label: `${name}:lo` };
      this.reg.add(lo);
      const valid = name !== HOST && nodeNameProblem(name) === undefined;
      const node: NodeState = { name, path, valid, routes: [], sysctls: [], exec: [], ifaces: [], lo, bridges: [] };
      this.nodes.set(name, node);
      const f = this.fields(S.Node, value, path, NODE_PARTS);
      if (!f) continue;
      if (typeof f.ipv6 === 'boolean') node.ipv6 = f.ipv6;
      const v = (value ?? {}) as Record<string, unknown>;
      const ifaces = this.mapping(v.interfaces, [...path, 'interfaces'], 'interfaces');
      if (v.interfaces !== undefined && v.interfaces !== null && !isPlainObject(v.interfaces)) node.incomplete = true;
      for (const [ifname, ifraw] of entries(ifaces)) {
        const data = this.fields(S.Interface, ifraw, [...path, 'interfaces', ifname]);
        const taken = this.addListedIface(node, ifname, data ?? {});
        if (!taken || data === undefined || addressesLost(ifraw, data, IFACE_KEYS)) node.incomplete = true;
      }
      node.routes = this.eachItem(S.Route, v.routes, [...path, 'routes'], 'routes');
      node.sysctls = this.eachEntry(S.SysctlValue, v.sysctls, [...path, 'sysctls'], 'sysctls').filter((e) => e.ok) as NodeState['sysctls'];
      node.exec = this.eachItem(S.ExecItem, v.exec, [...path, 'exec'], 'exec');
    }
  }

  /** A listed interface; false when it could not be taken (its addresses are then unknown). */
  private addListedIface(node: NodeState, ifname: string, data: Partial<IfaceIn>): boolean {
    const path: Path = [...node.path, 'interfaces', ifname];
    const p = ifaceNameProblem(ifname);
    if (p) {
      this.out.error(p.code, path, `interface name ${show(ifname)} is invalid: ${p.why}`, 'key');
      return false;
    }
    const obj = this.reg.add({ ns: node.name, role: 'iface', logical: ifname, generated: false, path, label: `${node.name}:${ifname}` }, 'key');
    if (!obj) return false;
    obj.listed = true;
    obj.path = path;
    if (obj.role !== 'lo') node.ifaces.push(obj);
    if (data.vlan) this.vlanIfaces.push({ path, node: node.name, name: ifname });
    return this.ifaceSettings(obj, data, path);
  }

  /**
   * addresses, mtu and mac of a node interface or a bridge. False when an address could not be
   * read (its subnet is unknown). A duplicate is an error but still a known subnet of `obj`, so
   * it does not keep the node's gateways from being checked.
   */
  private ifaceSettings(obj: NamedObj, data: { addresses?: string[] | null; mtu?: number; mac?: string }, path: Path): boolean {
    obj.addresses = [];
    const seen = new Set<string>();
    let complete = true;
    (data.addresses ?? []).forEach((a, i) => {
      const c = this.address(a, [...path, 'addresses', i], obj);
      if (!c) return void (complete = false);
      if (seen.has(c.text)) {
        this.out.error('DUPLICATE_ADDRESS', [...path, 'addresses', i], `address ${c.text} is listed twice on ${obj.label}: remove one`);
        return;
      }
      seen.add(c.text);
      obj.addresses!.push(c);
    });
    if (data.mtu !== undefined) obj.mtu = data.mtu;
    if (data.mac !== undefined) {
      const mac = data.mac.toLowerCase();
      const mp: Path = [...path, 'mac'];
      if (!MAC_RE.test(data.mac)) this.out.error('BAD_MAC', mp, `mac ${show(data.mac)} is not a MAC address: write six hex pairs, e.g. "02:00:00:00:01:10"`);
      else if (parseInt(mac.slice(0, 2), 16) & 1) this.out.error('BAD_MAC', mp, `mac ${mac} is a multicast address (first byte odd): use a unicast one, e.g. 02:...`);
      else if (mac === '00:00:00:00:00:00') this.out.error('BAD_MAC', mp, 'mac 00:00:00:00:00:00 is not usable: use a unicast one, e.g. 02:00:00:00:00:01');
      else {
        obj.mac = mac;
        const prev = this.macOwners.get(mac);
        if (prev) this.out.warn('DUPLICATE_MAC', mp, `mac ${mac} is also used by ${prev}: two interfaces on one segment must not share a MAC`);
        else this.macOwners.set(mac, obj.label);
      }
    }
    return complete;
  }

  /** One interface address: parsed, unicast, unique in the lab. */
  private address(text: string, path: Path, obj: NamedObj): Cidr | undefined {
    const c = parseCidr(text);
    if (typeof c === 'string') {
      this.out.error('BAD_CIDR', path, `bad address on ${obj.label}: ${c}`);
      return undefined;
    }
    if (c.range === 'multicast' || c.range === 'unspecified' || c.range === 'broadcast') {
      this.out.error('BAD_CIDR', path, `${c.text} is a ${c.range} address; an interface needs a unicast address`);
      return undefined;
    }
    if (c.family === 4 && c.len < 31) {
      const hostMask = c.bytes.map((_, i) => 0xff >> Math.min(8, Math.max(0, c.len - i * 8)));
      if (!c.hostBits) this.out.warn('NETWORK_ADDRESS', path, `${c.cidr} is the network address of its subnet; hosts usually take .1 and up`);
      else if (c.bytes.every((x, i) => (x & hostMask[i]!) === hostMask[i])) {
        this.out.warn('BROADCAST_ADDRESS', path, `${c.cidr} is the broadcast address of its subnet`);
      }
    }
    const key = c.range === 'linkLocal' && c.family === 6 ? `${obj.ns ?? ''}|${obj.logical}|${c.text}` : c.text;
    const prev = this.addrOwners.get(key);
    if (prev) this.out.error('DUPLICATE_ADDRESS', path, `address ${c.text} is already on ${prev.label}: each address may be used once in the lab`);
    else this.addrOwners.set(key, { label: obj.label, path });
    return c;
  }

  // ---------------------------------------------------------------- bridges

  private collectBridges(raw: unknown): void {
    const o = this.out;
    for (const [name, value] of entries(this.mapping(raw, ['bridges'], 'bridges'))) {
      const path: Path = ['bridges', name];
      let ok = true;
      if (name === HOST) {
        o.error('RESERVED_NAME', path, "bridge name 'host' is reserved (it means the host namespace in endpoints): rename the bridge", 'key');
        ok = false;
      } else {
        const p = ifaceNameProblem(name);
        if (p) {
          o.error(p.code, path, `bridge name ${show(name)} is invalid: ${p.why}`, 'key');
          ok = false;
        }
      }
      if (this.nodes.has(name)) {
        o.error('BRIDGE_NODE_CLASH', path, `${show(name)} is both a node and a bridge: endpoints could not tell them apart; rename one`, 'key');
        ok = false;
      }
      const data = this.fields(S.Bridge, value, path);
      let node: string | undefined;
      if (data?.node !== undefined) {
        if (this.nodes.has(data.node)) node = data.node;
        else {
          o.error('UNKNOWN_NODE', [...path, 'node'], `unknown node ${show(data.node)} for bridge ${show(name)} (nodes are: ${listNames(this.nodeNames())})`);
        }
      }
      const obj: NamedObj = { ns: node, role: 'bridge', logical: name, generated: false, path, label: name };
      const b: BridgeState = { name, path, data, node, obj };
      if (ok) this.reg.add(obj, 'key');
      this.bridges.set(name, b);
      if (node !== undefined) this.nodes.get(node)!.bridges.push(b);
      const settled = b.data !== undefined && this.ifaceSettings(obj, b.data, path);
      const complete = ok && settled && !addressesLost(value, data, BRIDGE_KEYS);
      if (node !== undefined && !complete) this.nodes.get(node)!.incomplete = true;
    }
  }

  // ---------------------------------------------------------------- links

  private collectLinks(raw: unknown): void {
    const o = this.out;
    this.list(raw, ['links'], 'links').forEach((el, i) => {
      const path: Path = ['links', i];
      if (Array.isArray(el)) {
        const d = this.parse(S.VethPair, el, path);
        if (!d) return void (this.linksBroken = true);
        this.veth(path, d[0], [...path, 0], d[1], [...path, 1]);
        return;
      }
      if (!isPlainObject(el)) {
        o.error('WRONG_TYPE', path, `a link is a pair [h1:eth0, r1:eth0] or a mapping (endpoints: ..., or type: macvlan / vxlan), got ${describe(el)}`);
        this.linksBroken = true;
        return;
      }
      const type = el.type;
      if (type === undefined || type === 'veth') {
        const d = this.parse(S.VethObject, el, path);
        if (!d) return void (this.linksBroken = true);
        this.veth(path, d.endpoints[0], [...path, 'endpoints', 0], d.endpoints[1], [...path, 'endpoints', 1], d.mtu, { vlan: d.vlan, trunks: d.trunks });
      } else if (type === 'macvlan') {
        const d = this.parse(S.Macvlan, el, path);
        if (!d) return void (this.linksBroken = true);
        this.macvlan(path, d);
      } else if (type === 'vxlan') {
        const d = this.parse(S.Vxlan, el, path);
        if (!d) return void (this.linksBroken = true);
        this.vxlan(path, d);
      } else {
        o.error('BAD_VALUE', [...path, 'type'], `unknown link type ${typeof type === 'string' ? show(type) : describe(type)}: use veth (the default), macvlan or vxlan`);
        this.linksBroken = true;
      }
    });
  }

  /** Parse "NODE:IF", "host:IF" or "BRIDGE[:PORT]" and check it names something that exists. */
  private endpoint(s: string, path: Path, allowBridge: boolean, what: string): { kind: 'node' | 'host' | 'bridge'; a: string; b?: string } | undefined {
    const o = this.out;
    const parts = s.split(':');
    if (parts.length > 2 || parts.some((x) => x === '')) {
      o.error('BAD_ENDPOINT', path, `${show(s)} is not an endpoint: write NODE:IF, host:IF or BRIDGE[:PORT]`);
      return undefined;
    }
    const [a, b] = parts as [string, string | undefined];
    const ifCheck = (): boolean => {
      if (b === undefined) return true;
      const p = ifaceNameProblem(b);
      if (p) {
        o.error(p.code, path, `interface name ${show(b)} in ${show(s)} is invalid: ${p.why}`);
        return false;
      }
      return true;
    };
    if (a === HOST) {
      if (b === undefined) return void o.error('BAD_ENDPOINT', path, "'host' needs an interface name: host:veth9");
      return ifCheck() ? { kind: 'host', a, b } : undefined;
    }
    if (this.nodes.has(a)) {
      if (b === undefined) return void o.error('BAD_ENDPOINT', path, `say which interface of node ${show(a)}, e.g. ${a}:eth0`);
      if (b === 'lo') return void o.error('BAD_ENDPOINT', path, `${a}:lo is the loopback device; it cannot be in a link: use another interface name`);
      return ifCheck() ? { kind: 'node', a, b } : undefined;
    }
    if (this.bridges.has(a)) {
      if (!allowBridge) return void o.error('BAD_ENDPOINT', path, `${show(s)} is a bridge; ${what}`);
      return ifCheck() ? { kind: 'bridge', a, b } : undefined;
    }
    const nodes = listNames(this.nodeNames());
    const bridges = listNames(this.bridgeNames());
    if (b === undefined && this.bridges.size > 0) {
      o.error('UNKNOWN_BRIDGE', path, `unknown bridge ${show(a)} (bridges are: ${bridges}; for a node write ${show(`${a}:IF`)})`);
    } else if (b === undefined) {
      o.error('UNKNOWN_BRIDGE', path, `unknown bridge ${show(a)} (there are no bridges; for a node interface write NODE:IF)`);
    } else {
      o.error('UNKNOWN_NODE', path, `unknown node ${show(a)} (nodes are: ${nodes}${this.bridges.size ? `; bridges are: ${bridges}` : ''})`);
    }
    return undefined;
  }

  /** Register a resolved endpoint as an object in its namespace and mark it used by `link`. */
  private endRef(e: { kind: 'node' | 'host' | 'bridge'; a: string; b?: string }, path: Path, link: Path, genBase?: string): EndRef | undefined {
    let want: NamedObj;
    let node: string | undefined;
    let bridge: string | undefined;
    if (e.kind === 'node') {
      node = e.a;
      want = { ns: node, role: 'iface', logical: e.b!, generated: false, path, label: `${e.a}:${e.b}` };
    } else if (e.kind === 'host') {
      want = { ns: undefined, role: 'hostif', logical: e.b!, generated: false, path, label: `host:${e.b}` };
    } else {
      bridge = e.a;
      node = this.bridges.get(bridge)!.node;
      const logical = e.b ?? genBase ?? `${bridge}-port`;
      want = { ns: node, role: 'port', owner: bridge, logical, generated: e.b === undefined, path, label: `${bridge}:${logical}` };
    }
    const obj = this.reg.add(want);
    if (!obj) return undefined;
    if (obj === want && e.kind === 'node') this.nodes.get(e.a)!.ifaces.push(obj); // created by this link
    if (obj.linkedBy) {
      this.out.error('INTERFACE_IN_TWO_LINKS', path, `interface ${obj.label} is already in ${formatPath(obj.linkedBy)}: an interface can be in one link only`);
      return undefined;
    }
    obj.linkedBy = link;
    return { obj, node, bridge, label: obj.label, path };
  }

  private veth(path: Path, sa: string, pa: Path, sb: string, pb: Path, mtu?: number, v: { vlan?: number; trunks?: number[] } = {}): void {
    const what = 'a veth end may be a bridge';
    const ea = this.endpoint(sa, pa, true, what);
    const eb = this.endpoint(sb, pb, true, what);
    if (!ea || !eb) this.linksBroken = true;
    if (ea && eb && ea.kind === 'bridge' && eb.kind === 'bridge' && ea.a === eb.a) {
      this.out.error('BAD_LINK', path, `this veth connects bridge ${show(ea.a)} to itself (a loop): connect it to something else`);
      return;
    }
    // A bridge end without a port name gets one from the other end: h2:eth0 → "h2-eth0". A port
    // of a host bridge lives in the host namespace, which other labs share: there the name starts
    // with the lab's prefix ("tl-h2-eth0"), so labs with the same node names under different
    // prefixes do not collide.
    const base = (self: typeof ea, other: typeof ea): string | undefined => {
      if (!self || self.kind !== 'bridge' || self.b !== undefined || !other) return undefined;
      const pre = this.bridges.get(self.a)?.node === undefined ? this.prefix : '';
      if (other.kind === 'bridge') return `${pre}${other.a}-${self.a}`;
      return `${pre}${other.a}-${other.b}`;
    };
    const ra = ea && this.endRef(ea, pa, path, base(ea, eb));
    const rb = eb && this.endRef(eb, pb, path, base(eb, ea));
    if (ra && rb) {
      this.links.push({
        kind: 'veth', path, a: ra, b: rb, ...(mtu !== undefined ? { mtu } : {}),
        ...(v.vlan !== undefined ? { vlan: v.vlan } : {}), ...(v.trunks !== undefined ? { trunks: [...new Set(v.trunks)].sort((x, y) => x - y) } : {}),
      });
    }
  }

  private nic(name: string, path: Path, usedAs: string): boolean {
    const p = kernelNameProblem(name);
    if (p) {
      this.out.error('INVALID_NAME', path, `host NIC name ${show(name)} is invalid: ${p}`);
      return false;
    }
    this.reg.add({ ns: undefined, role: 'nic', logical: name, generated: false, path, label: `${name} (${usedAs})` });
    return true;
  }

  private macvlan(path: Path, d: z.output<typeof S.Macvlan>): void {
    const ep: Path = [...path, 'endpoint'];
    const e = this.endpoint(d.endpoint, ep, false, 'a macvlan goes into a node or the host: NODE:IF or host:IF');
    if (!e) this.linksBroken = true;
    const parentOk = this.nic(d.parent, [...path, 'parent'], `parent of ${formatPath(path)}`);
    if (!e) return;
    const end = this.endRef(e, ep, path);
    if (end && parentOk) this.links.push({ kind: 'macvlan', path, end, parent: d.parent, mode: d.mode ?? 'bridge' });
  }

  private vxlan(path: Path, d: z.output<typeof S.Vxlan>): void {
    const o = this.out;
    const ep: Path = [...path, 'endpoint'];
    const e = this.endpoint(d.endpoint, ep, true, '');
    if (!e) this.linksBroken = true;
    let ok = true;
    const ip = (key: 'remote' | 'group' | 'local'): Ip | undefined => {
      const v = d[key];
      if (v === undefined) return undefined;
      const r = parseIp(v);
      if (typeof r === 'string') {
        o.error('BAD_ADDRESS', [...path, key], `vxlan ${key}: ${r}`);
        ok = false;
        return undefined;
      }
      return r;
    };
    const remote = ip('remote');
    const group = ip('group');
    const local = ip('local');
    if (d.remote !== undefined && d.group !== undefined) {
      o.error('BAD_VXLAN', [...path, 'group'], 'a vxlan has either remote (unicast) or group (multicast), not both');
      ok = false;
    }
    if (remote && remote.range === 'multicast') {
      o.error('BAD_VXLAN', [...path, 'remote'], `remote ${remote.text} is multicast: write it as group: instead (with dev)`);
      ok = false;
    }
    if (remote && (remote.range === 'unspecified' || remote.range === 'broadcast')) {
      o.error('BAD_VXLAN', [...path, 'remote'], `remote ${remote.text} is not a unicast address`);
      ok = false;
    }
    if (group && group.range !== 'multicast') {
      o.error('BAD_VXLAN', [...path, 'group'], `group ${group.text} is not a multicast address: use remote: for a unicast peer`);
      ok = false;
    }
    if (group && d.dev === undefined) {
      o.error('BAD_VXLAN', [...path, 'group'], 'a multicast vxlan (group) needs dev: the host NIC to join the group on');
      ok = false;
    }
    const peer = remote ?? group;
    if (local && peer && local.family !== peer.family) {
      o.error('BAD_VXLAN', [...path, 'local'], `local ${local.text} is IPv${local.family} but ${remote ? 'remote' : 'group'} ${peer.text} is IPv${peer.family}`);
      ok = false;
    }
    if (!remote && !group) {
      o.warn('VXLAN_NO_REMOTE', path, 'this vxlan has no remote or group: it sends nothing until FDB entries are added');
    }
    if (d.dev !== undefined && !this.nic(d.dev, [...path, 'dev'], `underlay of ${formatPath(path)}`)) ok = false;
    if (!e) return;
    const end = this.endRef(e, ep, path, `vxlan${d.id}`);
    if (!end || !ok) return;
    this.links.push({
      kind: 'vxlan',
      path,
      end,
      vni: d.id,
      ...(remote ? { remote: remote.text } : {}),
      ...(group ? { group: group.text } : {}),
      ...(local ? { local: local.text } : {}),
      ...(d.dev !== undefined ? { dev: d.dev } : {}),
      port: d.port ?? DEFAULT_VXLAN_PORT,
    });
  }

  /** VLAN and OVS rules (src/topology/vlans.ts) over what was gathered. */
  private checkVlans(): void {
    const bridges = new Map([...this.bridges.values()].map((b): [string, VlanBridge] => [b.name, {
      name: b.name, path: b.path, type: b.data?.type ?? 'linux', ...(b.node !== undefined ? { node: b.node } : {}),
      set: (['addresses', 'mtu', 'stp'] as const).filter((k) => b.data?.[k] !== undefined && b.data?.[k] !== null),
    }]));
    const end = (e: EndRef): VlanEnd => ({ label: e.label, ...(e.bridge !== undefined ? { bridge: e.bridge } : {}), ...(e.node !== undefined ? { node: e.node } : {}) });
    const links = this.links.flatMap((l): VlanLink[] => (l.kind === 'veth' ? [{ path: l.path, a: end(l.a), b: end(l.b), vlan: l.vlan, trunks: l.trunks }] : []));
    const uplinks = this.uplinks.flatMap((u): VlanUplink[] => (u.kind === 'bridge' ? [{ path: u.path, bridge: u.bridge, trunks: u.trunks }] : []));
    checkVlans(bridges, links, uplinks, this.vlanIfaces, (code, path, message) => this.out.error(code, path, message));
  }

  // ---------------------------------------------------------------- uplinks

  private collectUplinks(raw: unknown): void {
    const o = this.out;
    const natOn = new Map<string, Path>();
    this.list(raw, ['uplinks'], 'uplinks').forEach((el, i) => {
      const path: Path = ['uplinks', i];
      if (!isPlainObject(el)) {
        o.error('WRONG_TYPE', path, `an uplink is a mapping ({ type: bridge, bridge: br0, interface: eth1 } or { type: nat, bridge: br0 }), got ${describe(el)}`);
        return;
      }
      if (el.type !== 'bridge' && el.type !== 'nat') {
        const code = el.type === undefined ? 'MISSING_KEY' : 'BAD_VALUE';
        o.error(code, [...path, 'type'], `uplink type must be 'bridge' (a host NIC joins the bridge) or 'nat' (masquerade), got ${describe(el.type)}`);
        return;
      }
      const d = el.type === 'bridge' ? this.parse(S.BridgeUplink, el, path) : this.parse(S.NatUplink, el, path);
      if (!d) return;
      const b = this.bridges.get(d.bridge);
      if (!b) {
        o.error('UNKNOWN_BRIDGE', [...path, 'bridge'], `unknown bridge ${show(d.bridge)} (bridges are: ${listNames(this.bridgeNames())})`);
        return;
      }
      if (b.node !== undefined) {
        o.error('BAD_UPLINK', [...path, 'bridge'], `bridge ${show(d.bridge)} lives in node ${show(b.node)}; an uplink needs a bridge in the host namespace`);
        return;
      }
      if (d.type === 'bridge') {
        if (!this.nic(d.interface, [...path, 'interface'], `uplink of ${d.bridge}`)) return;
        const trunks = d.trunks !== undefined ? { trunks: [...new Set(d.trunks)].sort((x, y) => x - y) } : {};
        this.uplinks.push({ kind: 'bridge', bridge: d.bridge, nic: d.interface, ...trunks, path });
        return;
      }
      if (natOn.has(d.bridge)) {
        o.error('DUPLICATE_UPLINK', [...path, 'bridge'], `bridge ${show(d.bridge)} already has a NAT uplink (${formatPath(natOn.get(d.bridge)!)})`);
        return;
      }
      natOn.set(d.bridge, path);
      if (d.out !== undefined && !this.nic(d.out, [...path, 'out'], `NAT out of ${d.bridge}`)) return;
      const subnets = [...new Set((b.obj.addresses ?? []).filter((c) => c.family === 4).map((c) => c.network))];
      if (subnets.length === 0 && b.data) {
        o.error('NAT_NO_IPV4', [...path, 'bridge'], `a NAT uplink on ${show(d.bridge)} needs an IPv4 address on the bridge: add bridges.${d.bridge}.addresses, e.g. [10.1.1.1/24]`);
        return;
      }
      this.uplinks.push({ kind: 'nat', bridge: d.bridge, subnets, ...(d.out !== undefined ? { out: d.out } : {}), path });
    });
  }

  /** Host NICs: one role each (a bridge port cannot also carry macvlans). */
  private checkNics(): void {
    const o = this.out;
    const bridged = new Map<string, UplinkRec>();
    for (const u of this.uplinks) {
      if (u.kind !== 'bridge') continue;
      const prev = bridged.get(u.nic);
      if (prev) o.error('NIC_CONFLICT', [...u.path, 'interface'], `host NIC ${show(u.nic)} is already the uplink of bridge ${show(prev.bridge)} (${formatPath(prev.path)}): a NIC can join one bridge`);
      else bridged.set(u.nic, u);
    }
    const parents = new Map<string, LinkRec & { kind: 'macvlan' }>();
    for (const l of this.links) {
      if (l.kind !== 'macvlan') continue;
      const up = bridged.get(l.parent);
      if (up) {
        o.error('NIC_CONFLICT', [...l.path, 'parent'], `host NIC ${show(l.parent)} is a port of bridge ${show(up.bridge)} (${formatPath(up.path)}), so it cannot carry macvlans: use another NIC, or put the node on the bridge with a veth`);
      }
      const prev = parents.get(l.parent);
      if (prev && (prev.mode === 'passthru' || l.mode === 'passthru')) {
        o.error('NIC_CONFLICT', [...l.path, 'mode'], `macvlan mode passthru takes the whole NIC: ${show(l.parent)} already has a macvlan (${formatPath(prev.path)})`);
      }
      if (!prev) parents.set(l.parent, l);
    }
    const vnis = new Map<string, Path>();
    for (const l of this.links) {
      if (l.kind !== 'vxlan') continue;
      const key = `${l.vni}|${l.port}|${l.local ?? ''}|${l.dev ?? ''}`;
      const prev = vnis.get(key);
      if (prev) o.error('DUPLICATE_VNI', [...l.path, 'id'], `vxlan id ${l.vni} on port ${l.port} is already used by ${formatPath(prev)}: the kernel allows one such device per host`);
      else vnis.set(key, l.path);
    }
  }

  /**
   * The two ends of a veth with addresses in one subnet but different prefix lengths (10.0.0.1/24
   * and 10.0.0.2/16): each end then takes a different set of addresses as on-link. A warning.
   */
  private checkPrefixLengths(): void {
    for (const l of this.links) {
      if (l.kind !== 'veth') continue;
      for (const a of l.a.obj.addresses ?? []) {
        for (const b of l.b.obj.addresses ?? []) {
          if (a.family !== b.family || a.len === b.len || !sameNetwork(a, b, Math.min(a.len, b.len))) continue;
          this.out.warn('PREFIX_MISMATCH', l.path, `the ends of this link disagree on the subnet: ${l.a.label} has ${a.cidr}, ${l.b.label} has ${b.cidr}; give both the same prefix length`);
        }
      }
    }
  }

  /** Listed interfaces that no link creates (lo excepted). */
  private checkUnlinked(): void {
    if (this.linksBroken) return; // a link we could not read may be the one that creates it
    for (const n of this.nodes.values()) {
      for (const obj of n.ifaces) {
        if (obj.listed && !obj.linkedBy) {
          this.out.error('NOT_LINKED', obj.path, `interface ${obj.label} is not in any link, so nothing creates it: add a link (e.g. [${obj.label}, OTHER:IF]) or remove it`, 'key');
        }
      }
    }
  }

  // ---------------------------------------------------------------- per node, after names are known

  private finishNode(n: NodeState): NodeSpec {
    const o = this.out;
    // IPv6 rule: node's own, else the lab's, else inferred from its addresses and routes.
    const addrs: { c: Cidr; path: Path; obj: NamedObj }[] = [];
    const subnets = new SubnetIndex<NamedObj>();
    const own = new Set<string>();
    const ifIndex = new Map<NamedObj, SubnetIndex<NamedObj>>();
    const objs = [n.lo, ...n.ifaces, ...n.bridges.map((b) => b.obj)];
    for (const obj of objs) {
      const idx = new SubnetIndex<NamedObj>();
      ifIndex.set(obj, idx);
      (obj.addresses ?? []).forEach((c, i) => {
        addrs.push({ c, path: [...obj.path, 'addresses', i], obj });
        own.add(c.text);
        idx.add(c, obj);
        const prev = subnets.add(c, obj);
        if (prev && prev !== obj) {
          o.warn('SUBNET_OVERLAP', [...obj.path, 'addresses', i], `subnet ${c.network} is also on ${prev.label} in the same node: traffic for it may leave by either`);
        }
      });
    }
    for (const { c, path, obj } of addrs) {
      const outer = subnets.overlapping(c);
      if (outer && outer !== obj) o.warn('SUBNET_OVERLAP', path, `subnet ${c.network} overlaps a larger subnet on ${outer.label} in the same node`);
    }

    const routes: RouteSpec[] = [];
    const routeAt: number[] = [];
    const routeSeen = new Map<string, number>();
    n.routes.forEach(({ i, value: r }) => {
      const rs = this.route(n, r, [...n.path, 'routes', i], subnets, ifIndex, own);
      if (!rs) return;
      const key = routeKey(rs);
      const prev = routeSeen.get(key);
      if (prev !== undefined) {
        const other = [...n.path, 'routes', prev];
        o.errorWith('DUPLICATE_ROUTE', [...n.path, 'routes', i], other, `a route to ${canonDst(rs.to, rs.family)} (table ${rs.table ?? 'main'}, metric ${effectiveMetric(rs.family, rs.metric)}) is already ${formatPath(other)}: the kernel keys a route by destination, table and metric (no metric is 0 for IPv4, 1024 for IPv6), so the second would replace the first; give one a different metric or remove it`);
        return;
      }
      routeSeen.set(key, i);
      routes.push(rs);
      routeAt.push(i);
    });

    const anyV6 = addrs.some((a) => a.c.family === 6) || routes.some((r) => r.family === 6);
    const ipv6 = n.ipv6 ?? this.labIpv6 ?? anyV6;
    if (!ipv6 && anyV6) {
      const where = n.ipv6 === false ? `node ${show(n.name)} has ipv6: false` : 'the lab has ipv6: false';
      const fix = n.ipv6 === false ? 'remove ipv6: false' : `set ipv6: true on node ${n.name}`;
      const a = addrs.find((x) => x.c.family === 6);
      const ri = routes.findIndex((r) => r.family === 6);
      const path = a ? a.path : [...n.path, 'routes', routeAt[ri]!];
      o.error('IPV6_DISABLED', path, `${where} but this is IPv6: ${fix}, or drop the IPv6 address/route`);
    }

    const sysctls: Record<string, string> = {};
    for (const { key: k, value: v } of n.sysctls) {
      const path: Path = [...n.path, 'sysctls', k];
      const value = this.sysctl(k, v, path);
      if (value === undefined) continue;
      if (/^net\.ipv6\.conf\.(all|default)\.disable_ipv6$/.test(k) && (value === '1') === ipv6) {
        o.error('IPV6_CONFLICT', path, `${k}: ${value} contradicts the node's ipv6: ${ipv6}; use the node's ipv6: setting instead of this sysctl`, 'key');
        continue;
      }
      sysctls[k] = value;
    }

    const exec: string[][] = [];
    n.exec.forEach(({ i, value: cmd }) => {
      const path: Path = [...n.path, 'exec', i];
      const argv = typeof cmd === 'string' ? cmd.trim().split(/\s+/).filter((x) => x !== '') : cmd;
      if (argv.length === 0 || argv[0] === '') return void o.error('BAD_EXEC', path, 'empty command: remove it or write the command to run');
      if (argv.some((x) => x.includes('\0'))) return void o.error('BAD_EXEC', path, 'a command may not contain NUL characters');
      if (typeof cmd === 'string' && /["'\\]/.test(cmd)) {
        o.warn('EXEC_QUOTES', path, 'this command is split on spaces and quotes are not interpreted: write it as a list, e.g. ["sh", "-c", "..."]');
      }
      exec.push(argv);
    });

    const interfaces: IfaceSpec[] = [];
    if (n.lo.listed) interfaces.push(this.ifaceSpec(n.lo));
    for (const obj of n.ifaces) interfaces.push(this.ifaceSpec(obj));
    return { name: n.name, netns: this.prefix + n.name, ipv6, interfaces, routes, sysctls, exec };
  }

  private route(
    n: NodeState,
    r: RouteIn,
    path: Path,
    subnets: SubnetIndex<NamedObj>,
    ifIndex: Map<NamedObj, SubnetIndex<NamedObj>>,
    own: Set<string>,
  ): RouteSpec | undefined {
    const o = this.out;
    let family: 4 | 6 | undefined;
    let to: string;
    if (r.to === 'default') {
      to = 'default';
    } else {
      const c = parseCidr(r.to, true);
      if (typeof c === 'string') return void o.error('BAD_ROUTE_TO', [...path, 'to'], `bad route destination: ${c} (or write 'default')`);
      if (c.hostBits) return void o.error('BAD_ROUTE_TO', [...path, 'to'], `route destination ${r.to} has host bits set: write ${c.network}`);
      family = c.family;
      to = c.len === 0 ? 'default' : c.network;
    }
    let via: Ip | undefined;
    if (r.via !== undefined) {
      const v = parseIp(r.via);
      if (typeof v === 'string') return void o.error('BAD_ROUTE_VIA', [...path, 'via'], `bad gateway: ${v}`);
      if (v.range === 'multicast' || v.range === 'unspecified' || v.range === 'broadcast') {
        return void o.error('BAD_ROUTE_VIA', [...path, 'via'], `gateway ${v.text} is a ${v.range} address; a gateway is a neighbour's unicast address`);
      }
      if (family !== undefined && v.family !== family) {
        return void o.error('BAD_ROUTE_VIA', [...path, 'via'], `gateway ${v.text} is IPv${v.family} but the destination ${r.to} is IPv${family}`);
      }
      via = v;
      family ??= v.family;
    }
    family ??= 4;
    let devObj: NamedObj | undefined;
    if (r.dev !== undefined) {
      devObj = this.reg.get(n.name, r.dev);
      if (!devObj && this.linksBroken) return undefined; // a link we could not read may create it
      if (!devObj || devObj.role === 'nic') {
        const names = ['lo', ...n.ifaces.map((x) => x.logical), ...n.bridges.map((b) => b.name)];
        return void o.error('UNKNOWN_DEV', [...path, 'dev'], `route dev ${show(r.dev)} is not an interface of ${show(n.name)} (its interfaces are: ${listNames(names)})`);
      }
    }
    if (!via && !devObj) return void o.error('BAD_ROUTE', path, 'a route needs via (a gateway) or dev (an interface), or both');
    if (via) {
      if (own.has(via.text)) return void o.error('BAD_ROUTE_VIA', [...path, 'via'], `gateway ${via.text} is an address of ${show(n.name)} itself: use the neighbour's address`);
      if (via.family === 6 && via.range === 'linkLocal') {
        if (!devObj) return void o.error('BAD_ROUTE_VIA', [...path, 'via'], `link-local gateway ${via.text} needs dev: the interface it is reached on`);
      } else if (n.incomplete) {
        // some of the node's addresses are in error: reachability cannot be judged
      } else if (devObj) {
        if (!ifIndex.get(devObj)?.find(via)) {
          return void o.error('UNREACHABLE_GATEWAY', [...path, 'via'], `unreachable gateway ${via.text}: it is not in any subnet of ${n.name}'s interface ${devObj.logical}`);
        }
      } else if (!subnets.find(via)) {
        return void o.error('UNREACHABLE_GATEWAY', [...path, 'via'], `unreachable gateway ${via.text}: it is not in any subnet of ${n.name}'s interfaces`);
      }
    }
    return {
      to,
      ...(via ? { via: via.text } : {}),
      ...(devObj ? { dev: devObj.name ?? devObj.logical } : {}),
      ...(r.metric !== undefined ? { metric: r.metric } : {}),
      ...(r.table !== undefined ? { table: r.table } : {}),
      family,
    };
  }

  private sysctl(key: string, value: string | number | boolean, path: Path): string | undefined {
    const o = this.out;
    if (!key.startsWith('net.')) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)} is not namespace-scoped: only net.* keys can be set per node`, 'key');
    if (key.includes('/')) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)}: write it with dots (net.ipv4.ip_forward), not '/'`, 'key');
    if (key.includes('..')) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)} contains '..': write the key as net.a.b.c`, 'key');
    if (!SYSCTL_KEY_RE.test(key)) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)} is not a sysctl key: use letters, digits, '_' and '-' between dots`, 'key');
    const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    if (/[\n\r\0]/.test(text) || text.length > 4096) return void o.error('BAD_SYSCTL', path, `sysctl ${show(key)}: the value must be one line (at most 4096 characters)`);
    return text;
  }

  // ---------------------------------------------------------------- output

  private ifaceSpec(obj: NamedObj): IfaceSpec {
    return {
      logical: obj.logical,
      name: obj.name ?? obj.logical,
      ...(obj.altname !== undefined ? { altname: obj.altname } : {}),
      addresses: (obj.addresses ?? []).map((c) => c.cidr),
      ...(obj.mtu !== undefined ? { mtu: obj.mtu } : {}),
      ...(obj.mac !== undefined ? { mac: obj.mac } : {}),
    };
  }

  private bridgeSpec(b: BridgeState): BridgeSpec {
    const s = this.ifaceSpec(b.obj);
    return {
      logical: s.logical,
      name: s.name,
      ...(s.altname !== undefined ? { altname: s.altname } : {}),
      ...(b.node !== undefined ? { node: b.node } : {}),
      addresses: s.addresses,
      ...(s.mtu !== undefined ? { mtu: s.mtu } : {}),
      ...(b.data?.stp !== undefined ? { stp: b.data.stp } : {}),
      ...(b.data?.type === 'ovs' ? { type: 'ovs' as const } : {}),
    };
  }

  private endpointSpec(e: EndRef): Endpoint {
    return {
      ...(e.node !== undefined ? { node: e.node } : {}),
      name: e.obj.name ?? e.obj.logical,
      logical: e.obj.logical,
      ...(e.obj.altname !== undefined ? { altname: e.obj.altname } : {}),
      ...(e.bridge !== undefined ? { bridge: e.bridge } : {}),
    };
  }

  private linkSpecs(): LinkSpec[] {
    const ids = new Set<string>();
    const unique = (id: string): string => {
      let u = id;
      for (let i = 2; ids.has(u); i++) u = `${id}#${i}`;
      ids.add(u);
      return u;
    };
    const label = (e: EndRef) => (e.bridge !== undefined ? `${e.bridge}:${e.obj.logical}` : e.label);
    return this.links.map((l): LinkSpec => {
      switch (l.kind) {
        case 'veth':
          return {
            kind: 'veth', id: unique(`${label(l.a)}--${label(l.b)}`), a: this.endpointSpec(l.a), b: this.endpointSpec(l.b), ...(l.mtu !== undefined ? { mtu: l.mtu } : {}),
            ...(l.vlan !== undefined ? { vlan: l.vlan } : {}), ...(l.trunks !== undefined ? { trunks: l.trunks } : {}),
          };
        case 'macvlan':
          return { kind: 'macvlan', id: unique(`macvlan:${label(l.end)}`), end: this.endpointSpec(l.end), parent: l.parent, mode: l.mode };
        case 'vxlan': {
          const { path: _p, end, kind: _k, ...rest } = l;
          return { kind: 'vxlan', id: unique(`vxlan:${label(end)}`), end: this.endpointSpec(end), ...rest };
        }
      }
    });
  }
}

