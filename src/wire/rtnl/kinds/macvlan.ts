/** macvlan and macvtap: IFLA_MACVLAN_MODE inside IFLA_INFO_DATA (<linux/if_link.h>). */
import { WireError } from '../../errors.js';
import { attrU32, parseAttrs } from '../../reader.js';
import type { Writer } from '../../writer.js';
import type { KindCodec } from './types.js';

export const IFLA_MACVLAN_MODE = 1;
export const IFLA_MACVLAN_FLAGS = 2;

export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';
/** enum macvlan_mode: one bit per mode. */
export const MACVLAN_MODES: Readonly<Record<MacvlanMode, number>> = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 };

export type MacvlanInfo = {
  kind: 'macvlan' | 'macvtap';
  mode?: MacvlanMode;
};

export const macvlan: KindCodec<MacvlanInfo> = {
  encode(w: Writer, info: MacvlanInfo): void {
    if (info.mode === undefined) return;
    const n = MACVLAN_MODES[info.mode];
    if (n === undefined) throw new WireError('BAD_VALUE', `${info.kind} mode`, 0, `"${String(info.mode)}" is not one of ${Object.keys(MACVLAN_MODES).join(', ')}`);
    w.attrU32(IFLA_MACVLAN_MODE, n);
  },
  decode(data: Buffer, base: number, kind: string): MacvlanInfo {
    const out: MacvlanInfo = { kind: kind === 'macvtap' ? 'macvtap' : 'macvlan' };
    for (const a of parseAttrs(data, `${kind} info`, base)) {
      if (a.type !== IFLA_MACVLAN_MODE) continue;
      const n = attrU32(a, `${kind} mode`);
      const name = (Object.keys(MACVLAN_MODES) as MacvlanMode[]).find((k) => MACVLAN_MODES[k] === n);
      if (name) out.mode = name;
    }
    return out;
  },
};
