/** 802.1Q / 802.1ad vlan: IFLA_VLAN_* inside IFLA_INFO_DATA. The lower device goes in IFLA_LINK. */
import { WireError } from '../../errors.js';
import { attrU16, attrU16be, parseAttrs } from '../../reader.js';
import type { Writer } from '../../writer.js';
import type { KindCodec } from './types.js';

export const IFLA_VLAN_ID = 1;
export const IFLA_VLAN_FLAGS = 2;
export const IFLA_VLAN_EGRESS_QOS = 3;
export const IFLA_VLAN_INGRESS_QOS = 4;
export const IFLA_VLAN_PROTOCOL = 5;

export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;

export type VlanInfo = {
  kind: 'vlan';
  id: number;
  protocol?: '802.1Q' | '802.1ad';
};

export const vlan: KindCodec<VlanInfo> = {
  encode(w: Writer, info: VlanInfo): void {
    if (!Number.isInteger(info.id) || info.id < 0 || info.id > 4094) {
      throw new WireError('BAD_VALUE', 'vlan id', 0, `${String(info.id)} is outside 0..4094`);
    }
    w.attrU16(IFLA_VLAN_ID, info.id);
    if (info.protocol !== undefined) {
      if (info.protocol !== '802.1Q' && info.protocol !== '802.1ad') throw new WireError('BAD_VALUE', 'vlan protocol', 0, `"${String(info.protocol)}" is neither 802.1Q nor 802.1ad`);
      w.attrU16be(IFLA_VLAN_PROTOCOL, info.protocol === '802.1Q' ? ETH_P_8021Q : ETH_P_8021AD);
    }
  },
  decode(data: Buffer, base: number): VlanInfo {
    const out: VlanInfo = { kind: 'vlan', id: 0 };
    for (const a of parseAttrs(data, 'vlan info', base)) {
      if (a.type === IFLA_VLAN_ID) out.id = attrU16(a, 'vlan id');
      else if (a.type === IFLA_VLAN_PROTOCOL) {
        const p = attrU16be(a, 'vlan protocol');
        if (p === ETH_P_8021Q) out.protocol = '802.1Q';
        else if (p === ETH_P_8021AD) out.protocol = '802.1ad';
      }
    }
    return out;
  },
};
