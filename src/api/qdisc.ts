/**
 * `tc qdisc` and `tc filter` for one namespace: queueing disciplines on an interface and bpf
 * filters on clsact's hooks. Values take tc's units ("10mbit", "20ms", "32kb", "1%").
 *
 *   const tc = new Qdiscs(await openNetns('blue'));
 *   await tc.add('veth1', { kind: 'tbf', rate: '10mbit', burst: '12kb', latency: '50ms' });  // tc -n blue qdisc add dev veth1 root tbf ...
 *   await tc.list('veth1');                                                                  // tc -n blue qdisc show dev veth1
 *   await tc.del('veth1');                                                                   // tc -n blue qdisc del dev veth1 root
 */
import { hintOf, KernelError, NsnetError } from '../kernel/errors.js';
import { programText, type SockFilter } from '../wire/bpf.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../wire/nlmsg.js';
import {
  CLSACT_EGRESS, CLSACT_INGRESS, decodeFilter, decodeQdisc, encodeFilter, encodeFilterDump, encodeQdisc, encodeQdiscDump,
  RTM_DELQDISC, RTM_DELTFILTER, RTM_NEWQDISC, RTM_NEWTFILTER, TC_H_INGRESS, TC_H_ROOT, type QdiscSpec,
} from '../wire/rtnl/index.js';
import {
  formatPercent, formatRate, formatSize, formatTime, parsePercent, parseRate, parseSize, parseTime, PERCENT_HINT, RATE_HINT, SIZE_HINT, TIME_HINT,
} from '../wire/tcunits.js';
import type { Handle } from './handle.js';
import { moduleHint, TC_MODULES } from '../kernel/modules.js';
import type { DevRef } from './types.js';

type Value = string | number;
/** A qdisc as tc's command line describes it. */
export type QdiscOptions =
  | { kind: 'tbf'; rate: Value; burst: Value; latency?: Value; limit?: Value }
  | { kind: 'netem'; delay?: Value; jitter?: Value; loss?: Value; duplicate?: Value; corrupt?: Value; reorder?: Value; limit?: number; rate?: Value }
  | { kind: 'htb'; default?: number }
  | { kind: 'clsact' | 'ingress' };

export interface QdiscInfo {
  dev: string;
  kind: string;
  /** "1:", "ffff:" */
  handle: string;
  /** "root", "ffff:fff1", "1:1" */
  parent: string;
  /** Options in tc's units, for tbf, htb and netem. */
  options?: Record<string, string | number>;
}

export interface FilterInfo {
  dev: string;
  hook: 'ingress' | 'egress';
  prio: number;
  handle: number;
  kind: string;
  directAction?: boolean;
  /** A classic BPF program in tc's bytecode text ("4,32 0 0 4294963256,..."). */
  bytecode?: string;
  /** @internal */
  ops?: SockFilter[];
}

/** "1:" -> 0x10000, "1:10" -> 0x10010, "root", "ingress"/"clsact" -> TC_H_INGRESS (numbers in hex, as tc reads them). */
export function parseTcHandle(s: string): number {
  if (s === 'root') return TC_H_ROOT;
  if (s === 'ingress' || s === 'clsact') return TC_H_INGRESS;
  const m = /^([0-9a-fA-F]{1,4})?:([0-9a-fA-F]{1,4})?$/.exec(s);
  if (!m) throw new NsnetError('BAD_HANDLE', `"${s}" is not a tc handle`, `handle ${s}`, 'write MAJOR: or MAJOR:MINOR in hex, e.g. 1: or 1:10, or root');
  return ((parseInt(m[1] ?? '0', 16) << 16) | parseInt(m[2] ?? '0', 16)) >>> 0;
}
export function formatTcHandle(h: number): string {
  if (h === TC_H_ROOT) return 'root';
  const maj = (h >>> 16).toString(16);
  const min = h & 0xffff;
  return min ? `${maj}:${min.toString(16)}` : `${maj}:`;
}

function need<T>(v: T | undefined, what: string, value: Value, hint: string): T {
  if (v === undefined) throw new NsnetError('BAD_VALUE', `${what} ${JSON.stringify(value)} is not valid`, what, `give ${hint}`);
  return v;
}

/** The wire spec for tc-unit options (rates to bytes per second, times to microseconds). @internal */
export function toWireSpec(o: QdiscOptions): QdiscSpec | undefined {
  switch (o.kind) {
    case 'tbf': {
      const rateBps = Math.max(1, Math.round(need(parseRate(o.rate), 'tbf rate', o.rate, RATE_HINT) / 8));
      const burstBytes = need(parseSize(o.burst), 'tbf burst', o.burst, SIZE_HINT);
      if (o.limit !== undefined) return { kind: 'tbf', rateBps, burstBytes, limitBytes: need(parseSize(o.limit), 'tbf limit', o.limit, SIZE_HINT) };
      const latency = o.latency ?? '50ms';
      return { kind: 'tbf', rateBps, burstBytes, latencyUs: need(parseTime(latency), 'tbf latency', latency, TIME_HINT) };
    }
    case 'netem': {
      const s: Extract<QdiscSpec, { kind: 'netem' }> = { kind: 'netem' };
      if (o.delay !== undefined) s.delayUs = need(parseTime(o.delay), 'netem delay', o.delay, TIME_HINT);
      if (o.jitter !== undefined) s.jitterUs = need(parseTime(o.jitter), 'netem jitter', o.jitter, TIME_HINT);
      for (const [k, w] of [['loss', 'lossPct'], ['duplicate', 'duplicatePct'], ['corrupt', 'corruptPct'], ['reorder', 'reorderPct']] as const) {
        const v = o[k];
        if (v !== undefined) s[w] = need(parsePercent(v), `netem ${k}`, v, PERCENT_HINT);
      }
      if (o.limit !== undefined) s.limit = o.limit;
      if (o.rate !== undefined) s.rateBps = Math.round(need(parseRate(o.rate), 'netem rate', o.rate, RATE_HINT) / 8);
      return s;
    }
    case 'htb': return o.default !== undefined ? { kind: 'htb', defaultClass: o.default } : { kind: 'htb' };
    default: return undefined;
  }
}

function describeSpec(s: QdiscSpec | undefined): Record<string, string | number> | undefined {
  if (!s) return undefined;
  if (s.kind === 'tbf') return { rate: formatRate(s.rateBps * 8), burst: formatSize(s.burstBytes), ...(s.limitBytes !== undefined ? { limit: s.limitBytes } : {}) };
  if (s.kind === 'htb') return { default: (s.defaultClass ?? 0).toString(16) };
  const out: Record<string, string | number> = {};
  if (s.limit !== undefined) out.limit = s.limit;
  if (s.delayUs) out.delay = formatTime(s.delayUs);
  if (s.jitterUs) out.jitter = formatTime(s.jitterUs);
  if (s.lossPct) out.loss = formatPercent(Math.round(s.lossPct * 1e4) / 1e4);
  if (s.duplicatePct) out.duplicate = formatPercent(Math.round(s.duplicatePct * 1e4) / 1e4);
  if (s.corruptPct) out.corrupt = formatPercent(Math.round(s.corruptPct * 1e4) / 1e4);
  if (s.reorderPct) out.reorder = formatPercent(Math.round(s.reorderPct * 1e4) / 1e4);
  if (s.rateBps) out.rate = formatRate(s.rateBps * 8);
  return out;
}

/** The dump request of list (the socket stamps its sequence number on each use). */
const QDISC_DUMP = encodeQdiscDump();

const hookParent = (hook: 'ingress' | 'egress'): number => (hook === 'ingress' ? CLSACT_INGRESS : CLSACT_EGRESS);

/** `tc qdisc` and `tc filter` (bpf on clsact) in one namespace. */
export class Qdiscs {
  constructor(private readonly h: Handle) {}

  private obj(what: string, dev: DevRef): string {
    return `${what} on ${this.h.link.obj(dev)}`;
  }

  /** Same as: tc -j qdisc show [dev DEV]. `names` (ifindex to name) spares a link dump when the caller has one. */
  async list(dev?: DevRef, names: Map<number, string> = this.h.link.names()): Promise<QdiscInfo[]> {
    this.h.check();
    const index = dev !== undefined ? this.h.link.index(dev) : undefined;
    const r = this.h.sock.requestEach(QDISC_DUMP, { op: 'list', object: `qdiscs in ${this.h.label}` }, RTM_NEWQDISC, decodeQdisc);
    return r.filter((q) => index === undefined || q.index === index).map((q) => {
      const out: QdiscInfo = { dev: names.get(q.index) ?? `if${q.index}`, kind: q.kind, handle: formatTcHandle(q.handle), parent: formatTcHandle(q.parent) };
      const o = describeSpec(q.spec);
      if (o) out.options = o;
      return out;
    });
  }

  /**
   * Same as: tc qdisc add|replace dev DEV [parent P | root] [handle H] KIND OPTIONS.
   * clsact and ingress go to their own parent (ffff:fff1) whatever `parent` says.
   */
  async add(dev: DevRef, o: QdiscOptions, opts: { parent?: string; handle?: string; replace?: boolean } = {}): Promise<void> {
    this.h.check();
    const index = this.h.link.index(dev);
    const special = o.kind === 'clsact' || o.kind === 'ingress';
    const spec = toWireSpec(o);
    const req = {
      index,
      parent: special ? TC_H_INGRESS : parseTcHandle(opts.parent ?? 'root'),
      handle: special ? 0xffff0000 : opts.handle !== undefined ? parseTcHandle(opts.handle) : 0,
      ...(spec ? { spec } : { kind: o.kind }),
    };
    const flags = NLM_F_CREATE | (opts.replace ? NLM_F_REPLACE : NLM_F_EXCL);
    // An unknown qdisc kind is ENOENT ("Specified qdisc kind is unknown"); some kernels say EOPNOTSUPP.
    const lacks = () => hintOf(`this kernel has no ${o.kind} qdisc: ${moduleHint(TC_MODULES[o.kind])}`);
    this.h.sock.request(encodeQdisc(RTM_NEWQDISC, flags, req), { op: opts.replace ? 'replace' : 'add', object: this.obj(`qdisc ${o.kind}`, dev), hints: () => ({ ENOENT: lacks(), EOPNOTSUPP: lacks() }) });
  }

  /** Same as: tc qdisc del dev DEV root|clsact|ingress|parent P. Returns false if there was none. */
  async del(dev: DevRef, parent = 'root'): Promise<boolean> {
    this.h.check();
    const index = this.h.link.index(dev);
    const special = parent === 'clsact' || parent === 'ingress';
    const req = { index, parent: parseTcHandle(parent), ...(special ? { handle: 0xffff0000 } : {}) };
    try {
      this.h.sock.request(encodeQdisc(RTM_DELQDISC, 0, req), { op: 'delete', object: this.obj(`qdisc at ${parent}`, dev) });
      return true;
    } catch (e) {
      // ENOENT / EINVAL: no such qdisc (the kernel answers EINVAL for an empty ingress slot, ENOENT for root).
      if (e instanceof KernelError && (e.code === 'ENOENT' || e.code === 'EINVAL')) return false;
      throw e;
    }
  }

  /** Same as: tc -j filter show dev DEV ingress|egress. `name`: the device's name, when the caller knows it. */
  async filters(dev: DevRef, hook: 'ingress' | 'egress', name?: string): Promise<FilterInfo[]> {
    this.h.check();
    const index = this.h.link.index(dev);
    name ??= this.h.link.raw(dev).name;
    let r;
    try {
      r = this.h.sock.request(encodeFilterDump(index, hookParent(hook)), { op: 'list', object: this.obj(`${hook} filters`, dev) });
    } catch (e) {
      if (e instanceof KernelError && e.code === 'EINVAL') return []; // no clsact there
      throw e;
    }
    return r.filter((m) => m.type === RTM_NEWTFILTER).map(decodeFilter).filter((f) => f.handle !== 0 && f.kind !== '').map((f) => {
      const out: FilterInfo = { dev: name, hook, prio: f.prio, handle: f.handle, kind: f.kind };
      if (f.spec) {
        out.directAction = f.spec.directAction;
        out.bytecode = programText(f.spec.ops);
        out.ops = f.spec.ops;
      }
      return out;
    });
  }

  /**
   * Same as: tc filter add dev DEV ingress|egress [pref PRIO] bpf [da] bytecode '...'.
   * The interface needs a clsact qdisc (add(dev, { kind: 'clsact' })).
   */
  async addFilter(dev: DevRef, hook: 'ingress' | 'egress', bpf: { ops: SockFilter[]; directAction?: boolean }, opts: { prio?: number; replace?: boolean } = {}): Promise<void> {
    this.h.check();
    const index = this.h.link.index(dev);
    const flags = NLM_F_CREATE | (opts.replace ? NLM_F_REPLACE : NLM_F_EXCL);
    const req = { index, parent: hookParent(hook), prio: opts.prio ?? 0, ...(opts.replace ? { handle: 1 } : {}), spec: { kind: 'bpf' as const, ops: bpf.ops, directAction: bpf.directAction ?? true } };
    this.h.sock.request(encodeFilter(RTM_NEWTFILTER, flags, req), {
      op: opts.replace ? 'replace' : 'add', object: this.obj(`${hook} bpf filter`, dev),
      hints: () => ({ ENOENT: hintOf(`this kernel has no bpf classifier: ${moduleHint(TC_MODULES.bpf)}`) }),
    });
  }

  /** Same as: tc filter del dev DEV ingress|egress [pref PRIO]. */
  async delFilter(dev: DevRef, hook: 'ingress' | 'egress', prio = 0): Promise<void> {
    this.h.check();
    const index = this.h.link.index(dev);
    this.h.sock.request(encodeFilter(RTM_DELTFILTER, 0, { index, parent: hookParent(hook), prio, protocol: prio ? undefined : 0 }), {
      op: 'delete', object: this.obj(`${hook} filters`, dev),
    });
  }
}
