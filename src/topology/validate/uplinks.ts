/** Uplinks: a host NIC joining a host bridge (type bridge), or masquerade out of one (type nat). */
import { formatPath, listNames, show } from '../issues.js';
import type { Path } from '../registry.js';
import { describe } from '../zodissues.js';
import { isPlainObject, S, type Checker } from './checker.js';
import { natSubnets } from './natsubnets.js';
import { nic } from './nics.js';

export function collectUplinks(c: Checker, raw: unknown): void {
  const o = c.out;
  const natOn = new Map<string, Path>();
  c.list(raw, ['uplinks'], 'uplinks').forEach((el, i) => {
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
    const d = el.type === 'bridge' ? c.parse(S.BridgeUplink, el, path) : c.parse(S.NatUplink, el, path);
    if (!d) return;
    const b = c.bridges.get(d.bridge);
    if (!b) {
      o.error('UNKNOWN_BRIDGE', [...path, 'bridge'], `unknown bridge ${show(d.bridge)} (bridges are: ${listNames(c.bridgeNames())})`);
      return;
    }
    if (b.node !== undefined) {
      o.error('BAD_UPLINK', [...path, 'bridge'], `bridge ${show(d.bridge)} lives in node ${show(b.node)}; an uplink needs a bridge in the host namespace`);
      return;
    }
    if (d.type === 'bridge') {
      if (!nic(c, d.interface, [...path, 'interface'], `uplink of ${d.bridge}`)) return;
      const trunks = d.trunks !== undefined ? { trunks: [...new Set(d.trunks)].sort((x, y) => x - y) } : {};
      c.uplinks.push({ kind: 'bridge', bridge: d.bridge, nic: d.interface, ...trunks, ...(d.force ? { force: true } : {}), path });
      return;
    }
    if (natOn.has(d.bridge)) {
      o.error('DUPLICATE_UPLINK', [...path, 'bridge'], `bridge ${show(d.bridge)} already has a NAT uplink (${formatPath(natOn.get(d.bridge)!)})`);
      return;
    }
    natOn.set(d.bridge, path);
    if (d.out !== undefined && !nic(c, d.out, [...path, 'out'], `NAT out of ${d.bridge}`)) return;
    const nets = natSubnets(c, b, d.subnets, path);
    if (!nets) return;
    const { subnets, routes } = nets;
    if (subnets.length === 0 && b.data) {
      o.error('NAT_NO_IPV4', [...path, 'bridge'], `a NAT uplink on ${show(d.bridge)} needs an IPv4 address on the bridge: add bridges.${d.bridge}.addresses, e.g. [10.1.1.1/24]`);
      return;
    }
    c.uplinks.push({ kind: 'nat', bridge: d.bridge, subnets, ...(d.out !== undefined ? { out: d.out } : {}), ...(routes.length ? { routes } : {}), path });
  });
}
