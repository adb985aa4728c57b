/** bridge: IFLA_BR_* inside IFLA_INFO_DATA (<linux/if_link.h>). Times are in centiseconds (clock_t), as the kernel takes them. */
import { AttrTable } from '../../attr.js';
import type { Writer } from '../../writer.js';
import { boolU8 } from './bool.js';
import type { KindCodec } from './types.js';

export const IFLA_BR_FORWARD_DELAY = 1;
export const IFLA_BR_HELLO_TIME = 2;
export const IFLA_BR_MAX_AGE = 3;
export const IFLA_BR_AGEING_TIME = 4;
export const IFLA_BR_STP_STATE = 5;
export const IFLA_BR_PRIORITY = 6;
export const IFLA_BR_VLAN_FILTERING = 7;
export const IFLA_BR_VLAN_PROTOCOL = 8;
export const IFLA_BR_MCAST_SNOOPING = 23;

export type BridgeInfo = {
  kind: 'bridge';
  stpState?: number;
  forwardDelay?: number;
  helloTime?: number;
  maxAge?: number;
  ageingTime?: number;
  priority?: number;
  vlanFiltering?: boolean;
  /** 0x8100 (802.1Q) or 0x88a8 (802.1ad); big-endian on the wire. */
  vlanProtocol?: number;
  multicastSnooping?: boolean;
};

export const bridgeAttrs = new AttrTable('bridge info', [
  [IFLA_BR_FORWARD_DELAY, 'forwardDelay', 'u32'],
  [IFLA_BR_HELLO_TIME, 'helloTime', 'u32'],
  [IFLA_BR_MAX_AGE, 'maxAge', 'u32'],
  [IFLA_BR_AGEING_TIME, 'ageingTime', 'u32'],
  [IFLA_BR_STP_STATE, 'stpState', 'u32'],
  [IFLA_BR_PRIORITY, 'priority', 'u16'],
  [IFLA_BR_VLAN_FILTERING, 'vlanFiltering', boolU8],
  [IFLA_BR_VLAN_PROTOCOL, 'vlanProtocol', 'be16'],
  [IFLA_BR_MCAST_SNOOPING, 'multicastSnooping', boolU8],
]);

export const bridge: KindCodec<BridgeInfo> = {
  encode(w: Writer, info: BridgeInfo): void {
    bridgeAttrs.encode(w, info as unknown as Record<string, unknown>);
  },
  decode(data: Buffer, base: number): BridgeInfo {
    const { unknown: _skip, ...known } = bridgeAttrs.decode(data, base);
    return { kind: 'bridge', ...(known as Omit<BridgeInfo, 'kind'>) };
  },
};
