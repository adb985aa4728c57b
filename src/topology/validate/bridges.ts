/**
 * Bridges: names (not a node's, not 'host'), the node a bridge lives in, its settings; and the
 * VLAN and OVS rules (src/topology/vlans.ts) over the bridges, links and uplinks gathered.
 */
import { listNames, show } from '../issues.js';
import { HOST, ifaceNameProblem } from '../names.js';
import type { NamedObj, Path } from '../registry.js';
import { checkVlans as vlanRules, type VlanBridge, type VlanEnd, type VlanLink, type VlanUplink } from '../vlans.js';
import { ifaceSettings } from './addresses.js';
import { addressesLost, entries, S, type BridgeState, type Checker, type EndRef } from './checker.js';

const BRIDGE_KEYS = S.Bridge.keys();

export function collectBridges(c: Checker, raw: unknown): void {
  for (const [name, value] of entries(c.mapping(raw, ['bridges'], 'bridges'))) {
    const path: Path = ['bridges', name];
    const ok = bridgeNameOk(c, name, path);
    const data = c.fields(S.Bridge, value, path);
    let node: string | undefined;
    if (data?.node !== undefined) {
      if (c.nodes.has(data.node)) node = data.node;
      else {
        c.out.error('UNKNOWN_NODE', [...path, 'node'], `unknown node ${show(data.node)} for bridge ${show(name)} (nodes are: ${listNames(c.nodeNames())})`);
      }
    }
    const obj: NamedObj = { ns: node, role: 'bridge', logical: name, generated: false, path, label: name };
    const b: BridgeState = { name, path, data, node, obj };
    if (ok) c.reg.add(obj, 'key');
    c.bridges.set(name, b);
    if (node !== undefined) c.nodes.get(node)!.bridges.push(b);
    const settled = b.data !== undefined && ifaceSettings(c, obj, b.data, path);
    const complete = ok && settled && !addressesLost(value, data, BRIDGE_KEYS);
    if (node !== undefined && !complete) c.nodes.get(node)!.incomplete = true;
  }
}

/** A bridge name: not 'host', a valid interface name, not also a node's name. */
function bridgeNameOk(c: Checker, name: string, path: Path): boolean {
  let ok = true;
  if (name === HOST) {
    c.out.error('RESERVED_NAME', path, "bridge name 'host' is reserved (it means the host namespace in endpoints): rename the bridge", 'key');
    ok = false;
  } else {
    const p = ifaceNameProblem(name);
    if (p) {
      c.out.error(p.code, path, `bridge name ${show(name)} is invalid: ${p.why}`, 'key');
      ok = false;
    }
  }
  if (c.nodes.has(name)) {
    c.out.error('BRIDGE_NODE_CLASH', path, `${show(name)} is both a node and a bridge: endpoints could not tell them apart; rename one`, 'key');
    ok = false;
  }
  return ok;
}

/** VLAN and OVS rules (src/topology/vlans.ts) over what was gathered. */
export function checkVlans(c: Checker): void {
  const bridges = new Map([...c.bridges.values()].map((b): [string, VlanBridge] => [b.name, {
    name: b.name, path: b.path, type: b.data?.type ?? 'linux', ...(b.node !== undefined ? { node: b.node } : {}),
    set: (['addresses', 'mtu', 'stp'] as const).filter((k) => b.data?.[k] !== undefined && b.data?.[k] !== null),
  }]));
  const end = (e: EndRef): VlanEnd => ({ label: e.label, ...(e.bridge !== undefined ? { bridge: e.bridge } : {}), ...(e.node !== undefined ? { node: e.node } : {}) });
  const links = c.links.flatMap((l): VlanLink[] => (l.kind === 'veth' ? [{ path: l.path, a: end(l.a), b: end(l.b), vlan: l.vlan, trunks: l.trunks }] : []));
  const uplinks = c.uplinks.flatMap((u): VlanUplink[] => (u.kind === 'bridge' ? [{ path: u.path, bridge: u.bridge, trunks: u.trunks }] : []));
  vlanRules(bridges, links, uplinks, c.vlanIfaces, (code, path, message) => c.out.error(code, path, message));
}
