import { WireError } from '../errors.js';
import type { NlMsg } from '../nlmsg.js';
import { NLM_F_ACK } from '../nlmsg.js';
import { attrStr, parseAttrs, type RawAttr } from '../reader.js';
import type { Writer } from '../writer.js';
import { genlAttrs, genlMessage } from './ctrl.js';

/**
 * ethtool's netlink interface (<linux/ethtool_netlink.h>, family "ethtool", version 1): the
 * features a device offers and has on (what `ethtool -k` shows) and changing them (`ethtool -K`).
 * Bitsets are sent and read in the verbose form (bits by name), so no feature bit numbers,
 * which differ between kernels, appear here.
 */
export const ETHTOOL_GENL_NAME = 'ethtool';
export const ETHTOOL_GENL_VERSION = 1;
export const ETHTOOL_MSG_FEATURES_GET = 11;
export const ETHTOOL_MSG_FEATURES_SET = 12;
export const ETHTOOL_MSG_FEATURES_GET_REPLY = 11;

const ETHTOOL_A_HEADER_DEV_NAME = 2;
const ETHTOOL_A_HEADER_FLAGS = 3;
export const ETHTOOL_FLAG_OMIT_REPLY = 1 << 1;

const ETHTOOL_A_FEATURES_HEADER = 1;
const ETHTOOL_A_FEATURES_HW = 2;
const ETHTOOL_A_FEATURES_WANTED = 3;
const ETHTOOL_A_FEATURES_ACTIVE = 4;
const ETHTOOL_A_FEATURES_NOCHANGE = 5;

const ETHTOOL_A_BITSET_NOMASK = 1;
const ETHTOOL_A_BITSET_BITS = 3;
const ETHTOOL_A_BITSET_BITS_BIT = 1;
const ETHTOOL_A_BITSET_BIT_NAME = 2;
const ETHTOOL_A_BITSET_BIT_VALUE = 3;

/**
 * The features `ethtool -K IF tx off` turns off: every TX checksum offload. A veth end whose
 * peer is an OVS userspace-datapath port needs them off, or TCP segments leave with partial
 * checksums nobody completes (ping still works: ICMP is checksummed in software).
 */
export const TX_CHECKSUM_FEATURES = [
  'tx-checksum-ipv4', 'tx-checksum-ip-generic', 'tx-checksum-ipv6', 'tx-checksum-fcoe-crc', 'tx-checksum-sctp',
] as const;

function header(w: Writer, dev: string, flags: number): void {
  if (!dev || Buffer.byteLength(dev) > 15) throw new WireError('BAD_VALUE', 'ethtool header.dev_name', 0, `"${dev}" is not an interface name`);
  const h = w.nest(ETHTOOL_A_FEATURES_HEADER, true);
  w.attrStr(ETHTOOL_A_HEADER_DEV_NAME, dev);
  if (flags) w.attrU32(ETHTOOL_A_HEADER_FLAGS, flags);
  w.end(h);
}

export function encodeFeaturesGet(familyId: number, dev: string): Buffer {
  return genlMessage(familyId, ETHTOOL_MSG_FEATURES_GET, ETHTOOL_GENL_VERSION, 0, (w) => header(w, dev, 0));
}

/**
 * ETHTOOL_MSG_FEATURES_SET: the wanted bitset lists each named feature, with the VALUE flag
 * when it is to be on; features not listed are left alone (the list is the mask).
 */
export function encodeFeaturesSet(familyId: number, dev: string, features: Readonly<Record<string, boolean>>): Buffer {
  const names = Object.keys(features);
  if (names.length === 0) throw new WireError('BAD_VALUE', 'ethtool features', 0, 'no feature to change');
  return genlMessage(familyId, ETHTOOL_MSG_FEATURES_SET, ETHTOOL_GENL_VERSION, NLM_F_ACK, (w) => {
    header(w, dev, ETHTOOL_FLAG_OMIT_REPLY);
    const wanted = w.nest(ETHTOOL_A_FEATURES_WANTED, true);
    const bits = w.nest(ETHTOOL_A_BITSET_BITS, true);
    for (const name of names) {
      const bit = w.nest(ETHTOOL_A_BITSET_BITS_BIT, true);
      w.attrStr(ETHTOOL_A_BITSET_BIT_NAME, name);
      if (features[name]) w.attrFlag(ETHTOOL_A_BITSET_BIT_VALUE);
      w.end(bit);
    }
    w.end(bits);
    w.end(wanted);
  });
}

/** A verbose bitset as name -> on. With NOMASK only the bits that are on are listed. */
function decodeBitset(a: RawAttr, what: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const attrs = parseAttrs(a.data, what, a.offset + 4);
  const nomask = attrs.some((x) => x.type === ETHTOOL_A_BITSET_NOMASK);
  for (const x of attrs) {
    if (x.type !== ETHTOOL_A_BITSET_BITS) continue;
    for (const bit of parseAttrs(x.data, `${what}.bits`, x.offset + 4)) {
      if (bit.type !== ETHTOOL_A_BITSET_BITS_BIT) continue;
      let name: string | undefined;
      let value = false;
      for (const f of parseAttrs(bit.data, `${what}.bit`, bit.offset + 4)) {
        if (f.type === ETHTOOL_A_BITSET_BIT_NAME) name = attrStr(f);
        else if (f.type === ETHTOOL_A_BITSET_BIT_VALUE) value = true;
      }
      if (name === undefined) throw new WireError('MALFORMED', `${what}.bit`, bit.offset, 'a bit without a name (compact bitsets are not asked for)');
      out.set(name, nomask || value);
    }
  }
  return out;
}

export interface Features {
  /** Features the device can change. */
  hw: Map<string, boolean>;
  wanted: Map<string, boolean>;
  /** What is on now (what `ethtool -k` prints as on/off). */
  active: Map<string, boolean>;
  /** Features fixed by the driver ("[fixed]"). */
  nochange: Map<string, boolean>;
}

export function decodeFeatures(m: NlMsg): Features {
  const { cmd, attrs, base } = genlAttrs(m, 'ethtool features');
  if (cmd !== ETHTOOL_MSG_FEATURES_GET_REPLY) throw new WireError('MALFORMED', 'ethtool features', m.offset, `command ${cmd} is not a features reply`);
  const f: Features = { hw: new Map(), wanted: new Map(), active: new Map(), nochange: new Map() };
  for (const a of parseAttrs(attrs, 'ethtool features', base)) {
    if (a.type === ETHTOOL_A_FEATURES_HW) f.hw = decodeBitset(a, 'ethtool features.hw');
    else if (a.type === ETHTOOL_A_FEATURES_WANTED) f.wanted = decodeBitset(a, 'ethtool features.wanted');
    else if (a.type === ETHTOOL_A_FEATURES_ACTIVE) f.active = decodeBitset(a, 'ethtool features.active');
    else if (a.type === ETHTOOL_A_FEATURES_NOCHANGE) f.nochange = decodeBitset(a, 'ethtool features.nochange');
  }
  return f;
}
