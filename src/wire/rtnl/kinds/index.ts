/** The link kinds whose IFLA_INFO_DATA nsnet understands; any other kind passes its data through as bytes. */
import { bridge } from './bridge.js';
import { macvlan } from './macvlan.js';
import type { KindCodec } from './types.js';
import { veth } from './veth.js';
import { vlan } from './vlan.js';
import { vxlan } from './vxlan.js';

export type { KindCodec } from './types.js';
export type { VethInfo, VethPeer } from './veth.js';
export type { BridgeInfo } from './bridge.js';
export type { VxlanInfo } from './vxlan.js';
export type { MacvlanInfo, MacvlanMode } from './macvlan.js';
export type { VlanInfo } from './vlan.js';
export { VETH_INFO_PEER } from './veth.js';
export { MACVLAN_MODES } from './macvlan.js';
export { ETH_P_8021AD, ETH_P_8021Q } from './vlan.js';

/** A codec with its info type erased, for the lookup by IFLA_INFO_KIND. */
export type AnyKindCodec = KindCodec<{ kind: string }>;
const erase = <T extends { kind: string }>(c: KindCodec<T>): AnyKindCodec => c as unknown as AnyKindCodec;

export const kindCodecs: ReadonlyMap<string, AnyKindCodec> = new Map([
  ['veth', erase(veth)],
  ['bridge', erase(bridge)],
  ['vxlan', erase(vxlan)],
  ['macvlan', erase(macvlan)],
  ['macvtap', erase(macvlan)],
  ['vlan', erase(vlan)],
]);
