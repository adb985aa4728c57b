import { attrU8, type RawAttr } from '../../reader.js';
import type { CustomCodec } from '../../attr.js';
import type { Writer } from '../../writer.js';

/** A u8 attribute read and written as a boolean (IFLA_BR_VLAN_FILTERING, IFLA_VXLAN_LEARNING, ...). */
export const boolU8: { custom: CustomCodec } = {
  custom: {
    decode: (a: RawAttr, what: string): boolean => attrU8(a, what) !== 0,
    encode: (w: Writer, type: number, v: unknown): void => {
      w.attrU8(type, v ? 1 : 0);
    },
  },
};
