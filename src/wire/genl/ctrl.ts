import { WireError } from '../errors.js';
import { message, NLM_F_REQUEST, type NlMsg } from '../nlmsg.js';
import { attrStr, attrU16, attrU32, parseAttrs } from '../reader.js';

/**
 * Generic netlink (<linux/genetlink.h>): every message carries a 4-byte genlmsghdr (cmd,
 * version, reserved) after the nlmsghdr, and families get their message type from the
 * controller ("nlctrl", type 0x10) by name.
 */
export const NETLINK_GENERIC = 16;
export const GENL_HDRLEN = 4;
export const GENL_NAMSIZ = 16;
export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
export const CTRL_ATTR_VERSION = 3;
export const CTRL_ATTR_MAXATTR = 5;

/** A generic netlink request: nlmsghdr of `familyId`, genlmsghdr, then `body`'s attributes. */
export function genlMessage(familyId: number, cmd: number, version: number, flags: number, body: (w: import('../writer.js').Writer) => void): Buffer {
  return message(familyId, flags | NLM_F_REQUEST, (w) => {
    w.u8(cmd).u8(version).u16(0);
    body(w);
  });
}

/** The attributes after the genlmsghdr of a generic netlink message. */
export function genlAttrs(m: NlMsg, what: string): { cmd: number; version: number; attrs: Buffer; base: number } {
  if (m.payload.length < GENL_HDRLEN) throw new WireError('TRUNCATED', `${what}.genlmsghdr`, m.offset + 16, `${m.payload.length} bytes, need ${GENL_HDRLEN}`);
  return { cmd: m.payload[0]!, version: m.payload[1]!, attrs: m.payload.subarray(GENL_HDRLEN), base: m.offset + 16 + GENL_HDRLEN };
}

/** CTRL_CMD_GETFAMILY for one family by name. */
export function encodeGetFamily(name: string): Buffer {
  if (!name || Buffer.byteLength(name) > GENL_NAMSIZ - 1) throw new WireError('BAD_VALUE', 'genl family name', 0, `"${name}" is not 1..${GENL_NAMSIZ - 1} bytes`);
  return genlMessage(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0, (w) => w.attrStr(CTRL_ATTR_FAMILY_NAME, name));
}

export interface GenlFamily {
  id: number;
  name: string;
  version: number;
  maxAttr: number;
}

export function decodeFamily(m: NlMsg): GenlFamily {
  if (m.type !== GENL_ID_CTRL) throw new WireError('MALFORMED', 'genl family', m.offset, `message type ${m.type} is not nlctrl`);
  const { attrs, base } = genlAttrs(m, 'genl family');
  const out: GenlFamily = { id: 0, name: '', version: 0, maxAttr: 0 };
  for (const a of parseAttrs(attrs, 'genl family', base)) {
    if (a.type === CTRL_ATTR_FAMILY_ID) out.id = attrU16(a, 'genl family.id');
    else if (a.type === CTRL_ATTR_FAMILY_NAME) out.name = attrStr(a);
    else if (a.type === CTRL_ATTR_VERSION) out.version = attrU32(a, 'genl family.version');
    else if (a.type === CTRL_ATTR_MAXATTR) out.maxAttr = attrU32(a, 'genl family.maxattr');
  }
  if (!out.id || !out.name) throw new WireError('MALFORMED', 'genl family', m.offset, 'no family id or name');
  return out;
}
