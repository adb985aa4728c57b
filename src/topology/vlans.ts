/**
 * The rules of VLANs and OVS bridges in a topology, in one place. validate.ts gathers the facts
 * (bridges with their type and node, veth links with their resolved ends, bridge uplinks, node
 * interfaces with a `vlan:`) and this file says what is wrong with them, one issue each.
 *
 *   - `vlan` (access) and `trunks` go on a veth link that has a bridge end; not both on one link.
 *   - `trunks` joins two bridges: a trunk to a node is refused (the node would need VLAN
 *     sub-interfaces, which this kernel lacks).
 *   - VLANs need an OVS bridge: a Linux bridge would need VLAN filtering, which this kernel lacks
 *     (nsnet does not build it), so `vlan`/`trunks` on one are refused, suggesting `type: ovs`.
 *   - An OVS bridge lives in the host namespace (with ovs-vswitchd) and carries no address, mtu
 *     or stp of its own here.
 *   - Node VLAN sub-interfaces (`interfaces: { eth0.10: { vlan: ... } }`) need 802.1q, absent here.
 */
type Path = (string | number)[];
type Report = (code: string, path: Path, message: string) => void;

export interface VlanBridge {
  name: string;
  path: Path;
  type: 'linux' | 'ovs';
  node?: string;
  /** Which of addresses/mtu/stp the file sets on it. */
  set: string[];
}
export interface VlanEnd {
  bridge?: string;
  node?: string;
  label: string;
}
export interface VlanLink {
  path: Path;
  a: VlanEnd;
  b: VlanEnd;
  vlan?: number;
  trunks?: number[];
}
export interface VlanUplink {
  path: Path;
  bridge: string;
  trunks?: number[];
}
export interface VlanIface {
  path: Path;
  node: string;
  name: string;
}

const show = (s: string): string => JSON.stringify(s);

function checkBridges(bridges: Map<string, VlanBridge>, err: Report): void {
  for (const b of bridges.values()) {
    if (b.type !== 'ovs') continue;
    if (b.node !== undefined) err('OVS_BRIDGE_IN_NODE', [...b.path, 'node'], `OVS bridge ${show(b.name)} cannot live in node ${show(b.node)}: OVS bridges live in the host namespace with ovs-vswitchd; drop node: (or use type: linux)`);
    for (const k of b.set) err('OVS_UNSUPPORTED', [...b.path, k], `OVS bridge ${show(b.name)}: ${k} is not supported on OVS bridges; drop it (or use type: linux)`);
  }
}

function checkLink(l: VlanLink, bridges: Map<string, VlanBridge>, err: Report): void {
  if (l.vlan === undefined && l.trunks === undefined) return;
  if (l.vlan !== undefined && l.trunks !== undefined) {
    err('VLAN_AND_TRUNKS', l.path, 'a link is an access port (vlan: N) or a trunk (trunks: [..]), not both: drop one');
    return;
  }
  const ends = [l.a, l.b].filter((e) => e.bridge !== undefined);
  if (ends.length === 0) {
    err('VLAN_WITHOUT_BRIDGE', l.path, `${l.vlan !== undefined ? 'vlan' : 'trunks'} belongs to a bridge port, and neither end of ${l.a.label} -- ${l.b.label} is a bridge: connect one end to an OVS bridge`);
    return;
  }
  if (l.trunks !== undefined && ends.length < 2) {
    const node = [l.a, l.b].find((e) => e.bridge === undefined)!;
    err('TRUNK_TO_NODE', [...l.path, 'trunks'], `trunks joins two bridges, but ${node.label} is not a bridge: give the node an access port (vlan: N) instead`);
    return;
  }
  for (const e of ends) {
    const b = bridges.get(e.bridge!);
    if (b && b.type !== 'ovs') {
      const key = l.vlan !== undefined ? 'vlan' : 'trunks';
      err('LINUX_BRIDGE_VLAN', [...l.path, key], `${key} on Linux bridge ${show(b.name)} needs bridge VLAN filtering, which this kernel lacks: make it an OVS bridge (bridges: { ${b.name}: { type: ovs } })`);
      return;
    }
  }
}

/** Every VLAN/OVS problem of the lab, reported through `err`. */
export function checkVlans(bridges: Map<string, VlanBridge>, links: VlanLink[], uplinks: VlanUplink[], ifaces: VlanIface[], err: Report): void {
  checkBridges(bridges, err);
  for (const l of links) checkLink(l, bridges, err);
  for (const u of uplinks) {
    const b = bridges.get(u.bridge);
    if (u.trunks !== undefined && b && b.type !== 'ovs') {
      err('LINUX_BRIDGE_VLAN', [...u.path, 'trunks'], `trunks on Linux bridge ${show(b.name)} needs bridge VLAN filtering, which this kernel lacks: make it an OVS bridge (bridges: { ${b.name}: { type: ovs } })`);
    }
  }
  for (const i of ifaces) {
    err('NO_8021Q', [...i.path, 'vlan'], `interface ${show(i.name)} of node ${show(i.node)}: VLAN sub-interfaces need the kernel's 802.1q support, which this kernel lacks: put the node on an OVS access port instead (a link with vlan: N)`);
  }
}
