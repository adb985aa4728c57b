/**
 * Queueing-discipline messages (RTM_NEWQDISC, RTM_DELQDISC, RTM_GETQDISC): struct tcmsg
 * (u8 family, u8 pad, u16 pad, s32 ifindex, u32 handle, u32 parent, u32 info) followed by
 * TCA_* attributes (<linux/rtnetlink.h>, <linux/pkt_sched.h>). Options for tbf, htb (root)
 * and netem are encoded byte for byte as tc (iproute2 6.1) encodes them.
 *
 * Times in tc's structures are in scheduler ticks. tc converts microseconds to ticks with
 * the values the kernel prints in /proc/net/psched; this layer does no I/O, so the caller
 * may pass them (parsePsched) and otherwise gets PSCHED_DEFAULT, which is what every kernel
 * since 2.6.31 prints: "000003e8 00000040 000f4240 ..." (t2us = NSEC_PER_USEC = 1000,
 * us2t = PSCHED_TICKS2NS(1) = 64 ns per tick, clock_res = 1000000), i.e. 1000/64 = 15.625
 * ticks per microsecond. This machine's /proc/net/psched reads exactly that.
 */
import { WireError } from '../errors.js';
import { message, NLM_F_DUMP, type NlMsg, NLMSG_HDRLEN } from '../nlmsg.js';
import { attrStr, attrU32, attrU64, parseAttrs, rawAttrAt, Reader, walkAttrs, type RawAttr } from '../reader.js';
import type { Writer } from '../writer.js';
import { RTM_DELQDISC, RTM_GETQDISC, RTM_NEWQDISC, TC_H_ROOT } from './constants.js';
import { checkInt, expectType } from './msg.js';

export const TCA_KIND = 1;
export const TCA_OPTIONS = 2;
export const TCA_STATS = 3;
export const TCA_XSTATS = 4;
export const TCA_RATE = 5;
export const TCA_STATS2 = 7;
export const TCA_STAB = 8;
export const TCA_CHAIN = 11;
export const TCA_HW_OFFLOAD = 12;
export const TCA_INGRESS_BLOCK = 13;
export const TCA_EGRESS_BLOCK = 14;

export const TCA_TBF_PARMS = 1;
export const TCA_TBF_RTAB = 2;
export const TCA_TBF_PTAB = 3;
export const TCA_TBF_RATE64 = 4;
export const TCA_TBF_PRATE64 = 5;
export const TCA_TBF_BURST = 6;
export const TCA_TBF_PBURST = 7;

export const TCA_HTB_PARMS = 1;
export const TCA_HTB_INIT = 2;
export const TCA_HTB_DIRECT_QLEN = 5;
/** TC_HTB_PROTOVER */
export const TC_HTB_PROTOVER = 3;

export const TCA_NETEM_CORR = 1;
export const TCA_NETEM_DELAY_DIST = 2;
export const TCA_NETEM_REORDER = 3;
export const TCA_NETEM_CORRUPT = 4;
export const TCA_NETEM_LOSS = 5;
export const TCA_NETEM_RATE = 6;
export const TCA_NETEM_ECN = 7;
export const TCA_NETEM_RATE64 = 8;
export const TCA_NETEM_LATENCY64 = 10;
export const TCA_NETEM_JITTER64 = 11;

/** sizeof(struct tcmsg) */
export const TCMSG_LEN = 20;
/** sizeof(struct tc_tbf_qopt): two tc_ratespec (12 bytes each), limit, buffer, mtu. */
export const TC_TBF_QOPT_LEN = 36;
/** sizeof(struct tc_netem_qopt): latency, limit, loss, gap, duplicate, jitter. */
export const TC_NETEM_QOPT_LEN = 24;
/** TC_LINKLAYER_ETHERNET */
export const TC_LINKLAYER_ETHERNET = 1;
/** TIME_UNITS_PER_SEC in iproute2: tc's times are microseconds. */
const USEC_PER_SEC = 1_000_000;
const U32_MAX = 0xffffffff;

/**
 * The first three numbers of /proc/net/psched. `t2us`/`us2t` is the tick multiplier, as
 * iproute2's tc_core_init reads them; clockRes is the clock resolution in Hz.
 */
export interface Psched {
  t2us: number;
  us2t: number;
  clockRes: number;
}
/** What every kernel since 2.6.31 prints (see the file comment): 15.625 ticks per microsecond. */
export const PSCHED_DEFAULT: Readonly<Psched> = { t2us: 1000, us2t: 64, clockRes: 1_000_000 };

/** Parse the text of /proc/net/psched ("000003e8 00000040 000f4240 3b9aca00"). The caller reads the file. */
export function parsePsched(text: string): Psched {
  const m = /^\s*([0-9a-fA-F]{1,8})\s+([0-9a-fA-F]{1,8})\s+([0-9a-fA-F]{1,8})/.exec(text);
  if (!m) throw new WireError('BAD_VALUE', '/proc/net/psched', 0, `"${text.trim()}" is not three hex numbers`);
  const [t2us, us2t, clockRes] = [m[1]!, m[2]!, m[3]!].map((x) => parseInt(x, 16)) as [number, number, number];
  if (us2t === 0) throw new WireError('BAD_VALUE', '/proc/net/psched', 0, 'tick divisor is 0');
  return { t2us, us2t, clockRes };
}

/** Ticks per microsecond, as tc_core_init computes it (with its clock_res = 1e9 compatibility rule). */
export function ticksPerUsec(p: Psched = PSCHED_DEFAULT): number {
  const t2us = p.clockRes === 1_000_000_000 ? p.us2t : p.t2us;
  return (t2us / p.us2t) * (p.clockRes / USEC_PER_SEC);
}

/** tc_core_time2tick: whole microseconds to ticks, both truncated as tc's unsigned ints are. */
export function usecToTicks(usec: number, p: Psched = PSCHED_DEFAULT): number {
  return Math.min(U32_MAX, Math.trunc(Math.trunc(usec) * ticksPerUsec(p)));
}
/** tc_core_tick2time */
export function ticksToUsec(ticks: number, p: Psched = PSCHED_DEFAULT): number {
  return Math.trunc(ticks / ticksPerUsec(p));
}
/** tc_calc_xmittime: ticks to send `size` bytes at `rate` bytes/s. */
export function xmitTicks(rate: number, size: number, p: Psched = PSCHED_DEFAULT): number {
  return usecToTicks(Math.min(U32_MAX, Math.trunc(USEC_PER_SEC * (size / rate))), p);
}
/** tc_calc_xmitsize: bytes sent in `ticks` at `rate` bytes/s. */
export function xmitSize(rate: number, ticks: number, p: Psched = PSCHED_DEFAULT): number {
  return Math.trunc((rate * ticksToUsec(ticks, p)) / USEC_PER_SEC);
}

/** rint() as C does it: round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
/** tc's get_percent: a percentage as a fraction of 2^32 - 1. */
export function percentToU32(pct: number, what: string): number {
  if (typeof pct !== 'number' || !(pct >= 0 && pct <= 100)) throw new WireError('BAD_VALUE', what, 0, `${String(pct)} is not a percentage in 0..100`);
  return rint((pct / 100) * U32_MAX);
}
const u32ToPercent = (v: number): number => (v / U32_MAX) * 100;

/**
 * netem: rates in bytes per second, times in microseconds, percentages 0..100.
 * tbf: rateBps in bytes per second (tc's "rate 1mbit" is 125000), burst and limit in bytes,
 * latency in microseconds; give limitBytes or latencyUs.
 * htb: defaultClass is the minor number of the default class (tc's "default 10" is hex: 0x10).
 */
export type QdiscSpec =
  | { kind: 'netem'; delayUs?: number; jitterUs?: number; lossPct?: number; duplicatePct?: number; reorderPct?: number; corruptPct?: number; limit?: number; rateBps?: number }
  | { kind: 'tbf'; rateBps: number; burstBytes: number; latencyUs?: number; limitBytes?: number }
  | { kind: 'htb'; defaultClass?: number };

export interface QdiscRequest {
  index: number;
  handle?: number;
  /** Default TC_H_ROOT. */
  parent?: number;
  spec?: QdiscSpec;
  /** A qdisc kind without options ('ingress', 'clsact', 'fq_codel', ...) when there is no spec. */
  kind?: string;
}

export interface Qdisc {
  index: number;
  kind: string;
  handle: number;
  parent: number;
  /** Decoded options of tbf, htb and netem. For tbf, burstBytes is recomputed from the buffer in ticks, as tc prints it. */
  spec?: QdiscSpec;
}

// ---- tbf ----

/** struct tc_ratespec for an ethernet link with tc's defaults (mpu 0, overhead 0, cell_align -1). */
function ratespec(w: Writer, cellLog: number, rate32: number): void {
  w.u8(cellLog).u8(TC_LINKLAYER_ETHERNET).u16(0).u16(0xffff).u16(0).u32(rate32);
}

function encodeTbf(w: Writer, s: Extract<QdiscSpec, { kind: 'tbf' }>, p: Psched): void {
  if (typeof s.rateBps !== 'number' || !Number.isInteger(s.rateBps) || s.rateBps <= 0 || s.rateBps > Number.MAX_SAFE_INTEGER) {
    throw new WireError('BAD_VALUE', 'tbf rate', 0, `${String(s.rateBps)} is not a positive whole number of bytes per second`);
  }
  checkInt(s.burstBytes, 1, U32_MAX, 'tbf burst (bytes)');
  if ((s.limitBytes === undefined) === (s.latencyUs === undefined)) {
    throw new WireError('BAD_VALUE', 'tbf limit', 0, 'give exactly one of limitBytes and latencyUs');
  }
  const rate32 = s.rateBps >= 2 ** 32 ? U32_MAX : s.rateBps;
  let limit: number;
  if (s.limitBytes !== undefined) {
    checkInt(s.limitBytes, 1, U32_MAX, 'tbf limit (bytes)');
    limit = s.limitBytes;
  } else {
    checkInt(s.latencyUs!, 1, U32_MAX, 'tbf latency (microseconds)');
    limit = Math.min(U32_MAX, Math.trunc((s.rateBps * s.latencyUs!) / USEC_PER_SEC + s.burstBytes));
  }
  // tc_calc_rtable with mtu 0 (= 2047) and no mpu: cell_log 3, rtab[i] = time to send (i+1) << 3 bytes.
  const mtu = 2047;
  let cellLog = 0;
  while (mtu >> cellLog > 255) cellLog++;
  const at = w.nest(TCA_OPTIONS);
  w.u16(4 + TC_TBF_QOPT_LEN).u16(TCA_TBF_PARMS);
  ratespec(w, cellLog, rate32);
  w.zeros(12); // peakrate
  w.u32(limit).u32(xmitTicks(rate32, s.burstBytes, p)).u32(0);
  w.attrU32(TCA_TBF_BURST, s.burstBytes);
  if (s.rateBps >= 2 ** 32) w.attrU64(TCA_TBF_RATE64, BigInt(s.rateBps));
  const rtab = Buffer.alloc(1024);
  for (let i = 0; i < 256; i++) rtab.writeUInt32LE(xmitTicks(rate32, (i + 1) << cellLog, p), i * 4);
  w.attr(TCA_TBF_RTAB, rtab);
  w.end(at);
}

function decodeTbf(opts: RawAttr, p: Psched): QdiscSpec | undefined {
  let parms: RawAttr | undefined;
  let rate64: bigint | undefined;
  let burst: number | undefined;
  for (const a of parseAttrs(opts.data, 'tbf options', opts.offset + 4)) {
    if (a.type === TCA_TBF_PARMS) parms = a;
    else if (a.type === TCA_TBF_RATE64) rate64 = attrU64(a, 'tbf rate64');
    else if (a.type === TCA_TBF_BURST) burst = attrU32(a, 'tbf burst');
  }
  if (!parms) return undefined;
  const r = new Reader(parms.data, 'tbf parms', parms.offset + 4);
  r.need(0, TC_TBF_QOPT_LEN, 'tc_tbf_qopt');
  const rate = rate64 !== undefined ? Number(rate64) : r.u32(8, 'rate.rate');
  const limit = r.u32(24, 'limit');
  const buffer = r.u32(28, 'buffer');
  return { kind: 'tbf', rateBps: rate, burstBytes: burst ?? (rate ? xmitSize(rate, buffer, p) : 0), limitBytes: limit };
}

// ---- htb ----

function encodeHtb(w: Writer, s: Extract<QdiscSpec, { kind: 'htb' }>): void {
  const def = s.defaultClass ?? 0;
  checkInt(def, 0, 0xffff, 'htb default class');
  const at = w.nest(TCA_OPTIONS);
  // struct tc_htb_glob: version, rate2quantum (tc's default 10), defcls, debug, direct_pkts
  w.u16(4 + 20).u16(TCA_HTB_INIT).u32(TC_HTB_PROTOVER).u32(10).u32(def).u32(0).u32(0);
  w.end(at);
}

function decodeHtb(opts: RawAttr): QdiscSpec {
  const out: QdiscSpec = { kind: 'htb' };
  for (const a of parseAttrs(opts.data, 'htb options', opts.offset + 4)) {
    if (a.type !== TCA_HTB_INIT) continue;
    const r = new Reader(a.data, 'htb init', a.offset + 4);
    out.defaultClass = r.u32(8, 'defcls');
  }
  return out;
}

// ---- netem ----

/**
 * TCA_OPTIONS of netem is not a plain nest: struct tc_netem_qopt comes first, then the
 * TCA_NETEM_* attributes (tc's addattr_nest_compat).
 */
function encodeNetem(w: Writer, s: Extract<QdiscSpec, { kind: 'netem' }>, p: Psched): void {
  const delay = s.delayUs ?? 0;
  const jitter = s.jitterUs ?? 0;
  checkInt(delay, 0, Number.MAX_SAFE_INTEGER, 'netem delay (microseconds)');
  checkInt(jitter, 0, Number.MAX_SAFE_INTEGER, 'netem jitter (microseconds)');
  const limit = s.limit ?? 1000;
  checkInt(limit, 0, U32_MAX, 'netem limit (packets)');
  if (s.reorderPct !== undefined && s.reorderPct > 0 && delay === 0) {
    throw new WireError('BAD_VALUE', 'netem reorder', 0, 'reordering needs a delay: set delayUs');
  }
  const reorder = s.reorderPct !== undefined ? percentToU32(s.reorderPct, 'netem reorder') : 0;
  const ticksPerUs = ticksPerUsec(p);
  const big = (us: number): boolean => Math.trunc(us) * ticksPerUs > U32_MAX;
  const at = w.nest(TCA_OPTIONS);
  w.u32(usecToTicks(delay, p))
    .u32(limit)
    .u32(s.lossPct !== undefined ? percentToU32(s.lossPct, 'netem loss') : 0)
    .u32(reorder ? 1 : 0) // gap: tc sets 1 when reordering is asked without a gap
    .u32(s.duplicatePct !== undefined ? percentToU32(s.duplicatePct, 'netem duplicate') : 0)
    .u32(usecToTicks(jitter, p));
  if (reorder) w.u16(12).u16(TCA_NETEM_REORDER).u32(reorder).u32(0);
  if (s.corruptPct !== undefined) w.u16(12).u16(TCA_NETEM_CORRUPT).u32(percentToU32(s.corruptPct, 'netem corrupt')).u32(0);
  if (s.rateBps !== undefined) {
    checkInt(s.rateBps, 0, Number.MAX_SAFE_INTEGER, 'netem rate (bytes per second)');
    if (s.rateBps >= 2 ** 32) w.attrU64(TCA_NETEM_RATE64, BigInt(s.rateBps));
    // struct tc_netem_rate: rate, packet_overhead, cell_size, cell_overhead
    w.u16(20).u16(TCA_NETEM_RATE).u32(s.rateBps >= 2 ** 32 ? U32_MAX : s.rateBps).u32(0).u32(0).u32(0);
  }
  // Beyond what the 32-bit tick fields hold (about 274 s), the kernel takes 64-bit nanoseconds.
  if (big(delay)) w.attrU64(TCA_NETEM_LATENCY64, BigInt(Math.trunc(delay)) * 1000n);
  if (big(jitter)) w.attrU64(TCA_NETEM_JITTER64, BigInt(Math.trunc(jitter)) * 1000n);
  w.end(at);
}

function decodeNetem(opts: RawAttr, p: Psched): QdiscSpec {
  const r = new Reader(opts.data, 'netem options', opts.offset + 4);
  r.need(0, TC_NETEM_QOPT_LEN, 'tc_netem_qopt');
  const out: Extract<QdiscSpec, { kind: 'netem' }> = { kind: 'netem', limit: r.u32(4, 'limit') };
  const delay = ticksToUsec(r.u32(0, 'latency'), p);
  const jitter = ticksToUsec(r.u32(20, 'jitter'), p);
  if (delay) out.delayUs = delay;
  if (jitter) out.jitterUs = jitter;
  const loss = r.u32(8, 'loss');
  const dup = r.u32(16, 'duplicate');
  if (loss) out.lossPct = u32ToPercent(loss);
  if (dup) out.duplicatePct = u32ToPercent(dup);
  let rate64: bigint | undefined;
  for (const a of parseAttrs(opts.data.subarray(TC_NETEM_QOPT_LEN), 'netem options', opts.offset + 4 + TC_NETEM_QOPT_LEN)) {
    switch (a.type) {
      case TCA_NETEM_REORDER: out.reorderPct = u32ToPercent(attrU32(a, 'netem reorder')); break;
      case TCA_NETEM_CORRUPT: out.corruptPct = u32ToPercent(attrU32(a, 'netem corrupt')); break;
      case TCA_NETEM_RATE: if (out.rateBps === undefined) out.rateBps = attrU32(a, 'netem rate'); break;
      case TCA_NETEM_RATE64: rate64 = attrU64(a, 'netem rate64'); break;
      case TCA_NETEM_LATENCY64: out.delayUs = Number(attrU64(a, 'netem latency64') / 1000n); break;
      case TCA_NETEM_JITTER64: out.jitterUs = Number(attrU64(a, 'netem jitter64') / 1000n); break;
      default: break;
    }
  }
  if (rate64 !== undefined) out.rateBps = Number(rate64);
  return out;
}

// ---- messages ----

function tcmsg(w: Writer, index: number, handle: number, parent: number): void {
  w.u8(0).u8(0).u16(0).i32(index).u32(handle).u32(parent).u32(0);
}

/**
 * A complete qdisc request (`tc qdisc add|replace|del`). `psched` is /proc/net/psched as
 * parsePsched reads it; the default is right for every current kernel.
 */
export function encodeQdisc(type: number, flags: number, q: QdiscRequest, psched: Psched = PSCHED_DEFAULT): Buffer {
  if (type !== RTM_NEWQDISC && type !== RTM_DELQDISC && type !== RTM_GETQDISC) throw new WireError('BAD_VALUE', 'qdisc message type', 0, `${type} is not a qdisc message type`);
  checkInt(q.index, 1, 0x7fffffff, 'qdisc interface index');
  const kind = q.spec?.kind ?? q.kind;
  if (type === RTM_NEWQDISC && kind === undefined) throw new WireError('BAD_VALUE', 'qdisc kind', 0, 'a new qdisc needs a kind (spec or kind)');
  return message(type, flags, (w) => {
    tcmsg(w, q.index, (q.handle ?? 0) >>> 0, (q.parent ?? TC_H_ROOT) >>> 0);
    if (kind !== undefined) w.attrStr(TCA_KIND, kind);
    const s = q.spec;
    if (!s) return;
    switch (s.kind) {
      case 'tbf': encodeTbf(w, s, psched); break;
      case 'htb': encodeHtb(w, s); break;
      case 'netem': encodeNetem(w, s, psched); break;
      default: throw new WireError('BAD_VALUE', 'qdisc kind', 0, `no encoder for "${(s as { kind: string }).kind}"`);
    }
  }, 1200);
}

/** RTM_GETQDISC dump of every qdisc in the namespace. */
export function encodeQdiscDump(): Buffer {
  return message(RTM_GETQDISC, NLM_F_DUMP, (w) => tcmsg(w, 0, 0, 0));
}

const QDISC_TYPES = new Set([RTM_NEWQDISC, RTM_DELQDISC]);

/**
 * The parts every tc message shares (struct tcmsg, TCA_KIND, TCA_OPTIONS), for the qdisc
 * and filter decoders.
 */
export interface TcHeader {
  index: number;
  handle: number;
  parent: number;
  info: number;
  kind: string;
  opts?: RawAttr;
}
export function decodeTcHeader(m: NlMsg, what: string): TcHeader {
  const base = m.offset + NLMSG_HDRLEN;
  const r = new Reader(m.payload, 'tcmsg', base);
  r.need(0, TCMSG_LEN, 'header');
  const out: TcHeader = { index: r.i32(4, 'tcm_ifindex'), handle: r.u32(8, 'tcm_handle'), parent: r.u32(12, 'tcm_parent'), info: r.u32(16, 'tcm_info'), kind: '' };
  // Only the kind and the options are read: the statistics that make up most of a dumped
  // message are walked past, not made into attributes.
  const attrs = m.payload.subarray(TCMSG_LEN);
  walkAttrs(attrs, what, base + TCMSG_LEN, (type, rawType, o, len) => {
    if (type === TCA_KIND) out.kind = attrStr(rawAttrAt(attrs, base + TCMSG_LEN, rawType, o, len));
    else if (type === TCA_OPTIONS) out.opts = rawAttrAt(attrs, base + TCMSG_LEN, rawType, o, len);
  });
  return out;
}

/** Decode a qdisc message (a kernel reply or notification, or a request). */
export function decodeQdisc(m: NlMsg, psched: Psched = PSCHED_DEFAULT): Qdisc {
  expectType(m, QDISC_TYPES, 'qdisc');
  const { index, kind, handle, parent, opts } = decodeTcHeader(m, 'qdisc');
  const out: Qdisc = { index, kind, handle, parent };
  if (opts) {
    let spec: QdiscSpec | undefined;
    if (kind === 'tbf') spec = decodeTbf(opts, psched);
    else if (kind === 'htb') spec = decodeHtb(opts);
    else if (kind === 'netem') spec = decodeNetem(opts, psched);
    if (spec) out.spec = spec;
  }
  return out;
}
