/**
 * Traffic-control filter messages (RTM_NEWTFILTER, RTM_DELTFILTER, RTM_GETTFILTER): struct
 * tcmsg, whose info word holds the priority (high 16 bits) and the protocol in network byte
 * order (low 16 bits), then TCA_* attributes. The bpf classifier's options are encoded as
 * `tc filter add ... bpf da bytecode '...'` (iproute2 6.1) sends them.
 */
import { decodeProgram, encodeProgram, type SockFilter } from '../bpf.js';
import { WireError } from '../errors.js';
import { message, NLM_F_DUMP, type NlMsg } from '../nlmsg.js';
import { attrU32, parseAttrs, type RawAttr } from '../reader.js';
import { checkInt, expectType } from './msg.js';
import { decodeTcHeader, TCA_KIND, TCA_OPTIONS } from './tc.js';

export const RTM_NEWTFILTER = 44;
export const RTM_DELTFILTER = 45;
export const RTM_GETTFILTER = 46;

/** clsact's two hooks as filter parents: TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS | TC_H_MIN_EGRESS). */
export const TC_H_MIN_INGRESS = 0xfff2;
export const TC_H_MIN_EGRESS = 0xfff3;
export const CLSACT_INGRESS = 0xfffffff2;
export const CLSACT_EGRESS = 0xfffffff3;

/** ETH_P_ALL (<linux/if_ether.h>): tc's "protocol all". */
export const ETH_P_ALL = 0x0003;

// <linux/pkt_cls.h>: TCA_BPF_*
export const TCA_BPF_ACT = 1;
export const TCA_BPF_CLASSID = 3;
export const TCA_BPF_OPS_LEN = 4;
export const TCA_BPF_OPS = 5;
export const TCA_BPF_FD = 6;
export const TCA_BPF_NAME = 7;
export const TCA_BPF_FLAGS = 8;
export const TCA_BPF_FLAG_ACT_DIRECT = 1;

/** A classic BPF program for cls_bpf; directAction makes its return value the tc action ("da"). */
export interface BpfFilterSpec {
  kind: 'bpf';
  ops: SockFilter[];
  directAction: boolean;
  classid?: number;
}

export interface FilterRequest {
  index: number;
  /** The qdisc or hook: CLSACT_INGRESS, CLSACT_EGRESS, or a class handle. */
  parent: number;
  /** 0 lets the kernel choose (it starts at 49152, as tc shows "pref 49152"). */
  prio?: number;
  /** Host order; default ETH_P_ALL. */
  protocol?: number;
  handle?: number;
  spec?: BpfFilterSpec;
}

export interface Filter {
  index: number;
  parent: number;
  prio: number;
  protocol: number;
  handle: number;
  kind: string;
  spec?: BpfFilterSpec;
}

const swap16 = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

function tcmsg(w: { u8(v: number): unknown; u16(v: number): unknown; i32(v: number): unknown; u32(v: number): unknown }, f: FilterRequest): void {
  const prio = f.prio ?? 0;
  const proto = f.protocol ?? ETH_P_ALL;
  checkInt(prio, 0, 0xffff, 'filter priority');
  checkInt(proto, 0, 0xffff, 'filter protocol');
  w.u8(0); w.u8(0); w.u16(0);
  w.i32(f.index);
  w.u32((f.handle ?? 0) >>> 0);
  w.u32(f.parent >>> 0);
  w.u32(((prio << 16) | swap16(proto)) >>> 0);
}

/** A complete filter request (`tc filter add|replace|del`). */
export function encodeFilter(type: number, flags: number, f: FilterRequest): Buffer {
  if (type !== RTM_NEWTFILTER && type !== RTM_DELTFILTER && type !== RTM_GETTFILTER) throw new WireError('BAD_VALUE', 'filter message type', 0, `${type} is not a filter message type`);
  checkInt(f.index, 1, 0x7fffffff, 'filter interface index');
  if (type === RTM_NEWTFILTER && !f.spec) throw new WireError('BAD_VALUE', 'filter', 0, 'a new filter needs a spec');
  const s = f.spec;
  if (s) {
    if (s.kind !== 'bpf') throw new WireError('BAD_VALUE', 'filter kind', 0, `no encoder for "${String((s as { kind: unknown }).kind)}"`);
    checkInt(s.ops.length, 1, 4096, 'bpf program length (instructions)');
  }
  return message(type, flags, (w) => {
    tcmsg(w, f);
    if (!s) return;
    w.attrStr(TCA_KIND, s.kind);
    const at = w.nest(TCA_OPTIONS);
    if (s.classid !== undefined) w.attrU32(TCA_BPF_CLASSID, s.classid);
    w.attrU16(TCA_BPF_OPS_LEN, s.ops.length);
    w.attr(TCA_BPF_OPS, encodeProgram(s.ops));
    if (s.directAction) w.attrU32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
    w.end(at);
  });
}

/** RTM_GETTFILTER dump of the filters of one interface under one parent. */
export function encodeFilterDump(index: number, parent: number): Buffer {
  checkInt(index, 1, 0x7fffffff, 'filter interface index');
  return message(RTM_GETTFILTER, NLM_F_DUMP, (w) => tcmsg(w, { index, parent, protocol: 0 }));
}

function decodeBpf(opts: RawAttr): BpfFilterSpec {
  const out: BpfFilterSpec = { kind: 'bpf', ops: [], directAction: false };
  for (const a of parseAttrs(opts.data, 'bpf options', opts.offset + 4)) {
    if (a.type === TCA_BPF_OPS) out.ops = decodeProgram(Buffer.from(a.data), 'bpf ops');
    else if (a.type === TCA_BPF_FLAGS) out.directAction = (attrU32(a, 'bpf flags') & TCA_BPF_FLAG_ACT_DIRECT) !== 0;
    else if (a.type === TCA_BPF_CLASSID) out.classid = attrU32(a, 'bpf classid');
  }
  return out;
}

const FILTER_TYPES = new Set([RTM_NEWTFILTER, RTM_DELTFILTER]);

/** Decode a filter message (a dump entry, notification or request). */
export function decodeFilter(m: NlMsg): Filter {
  expectType(m, FILTER_TYPES, 'filter');
  const h = decodeTcHeader(m, 'filter');
  const out: Filter = { index: h.index, handle: h.handle, parent: h.parent, prio: h.info >>> 16, protocol: swap16(h.info & 0xffff), kind: h.kind };
  if (h.opts && h.kind === 'bpf') out.spec = decodeBpf(h.opts);
  return out;
}
