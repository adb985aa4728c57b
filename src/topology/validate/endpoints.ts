/**
 * Link endpoints: "NODE:IF", "host:IF" or "BRIDGE[:PORT]" parsed, checked against the nodes and
 * bridges that exist, and registered as the interface the link makes (in one link only).
 */
import { formatPath, listNames, show } from '../issues.js';
import { HOST, ifaceNameProblem } from '../names.js';
import type { NamedObj, Path } from '../registry.js';
import type { Checker, EndRef } from './checker.js';

/** An endpoint as written: a node's interface, a host interface, or a bridge (and port). */
export interface EndName {
  kind: 'node' | 'host' | 'bridge';
  a: string;
  b?: string;
}

/** Parse "NODE:IF", "host:IF" or "BRIDGE[:PORT]" and check it names something that exists. */
export function endpoint(c: Checker, s: string, path: Path, allowBridge: boolean, what: string): EndName | undefined {
  const o = c.out;
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
  if (c.nodes.has(a)) {
    if (b === undefined) return void o.error('BAD_ENDPOINT', path, `say which interface of node ${show(a)}, e.g. ${a}:eth0`);
    if (b === 'lo') return void o.error('BAD_ENDPOINT', path, `${a}:lo is the loopback device; it cannot be in a link: use another interface name`);
    return ifCheck() ? { kind: 'node', a, b } : undefined;
  }
  if (c.bridges.has(a)) {
    if (!allowBridge) return void o.error('BAD_ENDPOINT', path, `${show(s)} is a bridge; ${what}`);
    return ifCheck() ? { kind: 'bridge', a, b } : undefined;
  }
  unknownEnd(c, a, b, path);
  return undefined;
}

/** `a` is neither a node nor a bridge: say which names there are. */
function unknownEnd(c: Checker, a: string, b: string | undefined, path: Path): void {
  const nodes = listNames(c.nodeNames());
  const bridges = listNames(c.bridgeNames());
  if (b === undefined && c.bridges.size > 0) {
    c.out.error('UNKNOWN_BRIDGE', path, `unknown bridge ${show(a)} (bridges are: ${bridges}; for a node write ${show(`${a}:IF`)})`);
  } else if (b === undefined) {
    c.out.error('UNKNOWN_BRIDGE', path, `unknown bridge ${show(a)} (there are no bridges; for a node interface write NODE:IF)`);
  } else {
    c.out.error('UNKNOWN_NODE', path, `unknown node ${show(a)} (nodes are: ${nodes}${c.bridges.size ? `; bridges are: ${bridges}` : ''})`);
  }
}

/** Register a resolved endpoint as an object in its namespace and mark it used by `link`. */
export function endRef(c: Checker, e: EndName, path: Path, link: Path, genBase?: string): EndRef | undefined {
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
    node = c.bridges.get(bridge)!.node;
    const logical = e.b ?? genBase ?? `${bridge}-port`;
    want = { ns: node, role: 'port', owner: bridge, logical, generated: e.b === undefined, path, label: `${bridge}:${logical}` };
  }
  const obj = c.reg.add(want);
  if (!obj) return undefined;
  if (obj === want && e.kind === 'node') c.nodes.get(e.a)!.ifaces.push(obj); // created by this link
  if (obj.linkedBy) {
    c.out.error('INTERFACE_IN_TWO_LINKS', path, `interface ${obj.label} is already in ${formatPath(obj.linkedBy)}: an interface can be in one link only`);
    return undefined;
  }
  obj.linkedBy = link;
  return { obj, node, bridge, label: obj.label, path };
}
