/** The normalized model (model.ts) made from what the checks gathered, once names are allocated. */
import type { BridgeSpec, Endpoint, IfaceSpec, LinkSpec } from '../model.js';
import type { NamedObj } from '../registry.js';
import type { BridgeState, EndRef, LinkRec } from './checker.js';

export function ifaceSpec(obj: NamedObj): IfaceSpec {
  return {
    logical: obj.logical,
    name: obj.name ?? obj.logical,
    ...(obj.altname !== undefined ? { altname: obj.altname } : {}),
    addresses: (obj.addresses ?? []).map((c) => c.cidr),
    ...(obj.mtu !== undefined ? { mtu: obj.mtu } : {}),
    ...(obj.mac !== undefined ? { mac: obj.mac } : {}),
  };
}

export function bridgeSpec(b: BridgeState): BridgeSpec {
  const s = ifaceSpec(b.obj);
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

function endpointSpec(e: EndRef): Endpoint {
  return {
    ...(e.node !== undefined ? { node: e.node } : {}),
    name: e.obj.name ?? e.obj.logical,
    logical: e.obj.logical,
    ...(e.obj.altname !== undefined ? { altname: e.obj.altname } : {}),
    ...(e.bridge !== undefined ? { bridge: e.bridge } : {}),
  };
}

/** The links' specs, each with an id unique in the lab ("h1:eth0--r1:eth0", a "#2" suffix if needed). */
export function linkSpecs(links: readonly LinkRec[]): LinkSpec[] {
  const ids = new Set<string>();
  const unique = (id: string): string => {
    let u = id;
    for (let i = 2; ids.has(u); i++) u = `${id}#${i}`;
    ids.add(u);
    return u;
  };
  const label = (e: EndRef) => (e.bridge !== undefined ? `${e.bridge}:${e.obj.logical}` : e.label);
  return links.map((l): LinkSpec => {
    switch (l.kind) {
      case 'veth':
        return {
          kind: 'veth', id: unique(`${label(l.a)}--${label(l.b)}`), a: endpointSpec(l.a), b: endpointSpec(l.b), ...(l.mtu !== undefined ? { mtu: l.mtu } : {}),
          ...(l.vlan !== undefined ? { vlan: l.vlan } : {}), ...(l.trunks !== undefined ? { trunks: l.trunks } : {}),
        };
      case 'macvlan':
        return { kind: 'macvlan', id: unique(`macvlan:${label(l.end)}`), end: endpointSpec(l.end), parent: l.parent, mode: l.mode };
      case 'vxlan': {
        const { path: _p, end, kind: _k, ...rest } = l;
        return { kind: 'vxlan', id: unique(`vxlan:${label(end)}`), end: endpointSpec(end), ...rest };
      }
    }
  });
}
