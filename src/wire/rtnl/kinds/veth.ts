/** veth: IFLA_INFO_DATA holds VETH_INFO_PEER, the peer's ifinfomsg and link attributes (<linux/veth.h>). */
import { attrI32, attrStr, attrU32, formatMac, parseAttrs } from '../../reader.js';
import { parseMac } from '../../attr.js';
import type { Writer } from '../../writer.js';
import { IFF_UP } from '../constants.js';
import {
  checkIfname, IFINFOMSG_LEN, IFLA_ADDRESS, IFLA_IFALIAS, IFLA_IFNAME, IFLA_MTU, IFLA_NET_NS_FD, IFLA_NET_NS_PID,
  readIfInfoMsg, writeAlias, writeIfInfoMsg,
} from '../ifla.js';
import type { KindCodec } from './types.js';

export const VETH_INFO_PEER = 1;

export type VethPeer = {
  name: string;
  /** Create the peer directly in the namespace open on this fd (IFLA_NET_NS_FD). */
  netnsFd?: number;
  /** ... or in the namespace of this process (IFLA_NET_NS_PID). */
  netnsPid?: number;
  address?: string;
  mtu?: number;
  /**
   * Sets IFF_UP (and the change mask) in the peer's ifinfomsg. Note: current kernels (checked
   * on 6.18) configure the peer before joining the pair, so veth_open answers ENOTCONN and the
   * whole request fails; bring the peer up with a second RTM_NEWLINK instead.
   */
  up?: boolean;
  alias?: string;
};
/** The kernel sends no IFLA_INFO_DATA for a veth in its replies: `peer` is only set when decoding a request. */
export type VethInfo = {
  kind: 'veth';
  peer?: VethPeer;
};

export const veth: KindCodec<VethInfo> = {
  encode(w: Writer, info: VethInfo): void {
    const p = info.peer;
    if (!p) return;
    checkIfname(p.name, 'veth peer name');
    const at = w.nest(VETH_INFO_PEER);
    const up = p.up ? IFF_UP : 0;
    writeIfInfoMsg(w, { family: 0, type: 0, index: 0, flags: up, change: up });
    w.attrStr(IFLA_IFNAME, p.name);
    if (p.address !== undefined) w.attr(IFLA_ADDRESS, parseMac(p.address));
    if (p.mtu !== undefined) w.attrU32(IFLA_MTU, p.mtu);
    if (p.netnsFd !== undefined) w.attrU32(IFLA_NET_NS_FD, p.netnsFd);
    if (p.netnsPid !== undefined) w.attrU32(IFLA_NET_NS_PID, p.netnsPid);
    if (p.alias !== undefined) writeAlias(w, IFLA_IFALIAS, p.alias);
    w.end(at);
  },
  decode(data: Buffer, base: number): VethInfo {
    const out: VethInfo = { kind: 'veth' };
    for (const a of parseAttrs(data, 'veth info', base)) {
      if (a.type !== VETH_INFO_PEER) continue;
      const hdr = readIfInfoMsg(a.data, a.offset + 4, 'veth peer ifinfomsg');
      const peer: VethPeer = { name: '' };
      if (hdr.flags & IFF_UP) peer.up = true;
      for (const b of parseAttrs(a.data.subarray(IFINFOMSG_LEN), 'veth peer', a.offset + 4 + IFINFOMSG_LEN)) {
        switch (b.type) {
          case IFLA_IFNAME: peer.name = attrStr(b); break;
          case IFLA_ADDRESS: peer.address = formatMac(b.data); break;
          case IFLA_MTU: peer.mtu = attrU32(b, 'veth peer mtu'); break;
          case IFLA_NET_NS_FD: peer.netnsFd = attrI32(b, 'veth peer netns fd'); break;
          case IFLA_NET_NS_PID: peer.netnsPid = attrU32(b, 'veth peer netns pid'); break;
          case IFLA_IFALIAS: peer.alias = attrStr(b); break;
          default: break;
        }
      }
      out.peer = peer;
    }
    return out;
  },
};
