/**
 * An impairment as data (rate, delay, jitter, loss, duplicate, corrupt, reorder, limit in tc's
 * units), its checks, what it becomes on a kernel with given features, and how an impairment read
 * back from the kernel compares with a wanted one. Pure: the topology validation, the planner
 * and ./impair.ts (which does the I/O) share these rules.
 */
import { NsnetError } from '../kernel/errors.js';
import { randomDropLoss, type SockFilter } from '../wire/bpf.js';
import {
  formatPercent, parsePercent, parseRate, parseSize, parseTime, PERCENT_HINT, RATE_HINT, SIZE_HINT, TIME_HINT,
} from '../wire/tcunits.js';
import { requireFeatures, type Feature, type Features } from './featureset.js';
import type { QdiscInfo, QdiscOptions } from './qdisc.js';

/** Values in tc's units: rate '10mbit', burst '32kb', delay/jitter '20ms', percentages '1%', limit in packets. */
export interface ImpairSpec {
  rate?: string;
  burst?: string;
  delay?: string;
  jitter?: string;
  loss?: string;
  duplicate?: string;
  corrupt?: string;
  reorder?: string;
  limit?: number;
}
export const IMPAIR_FIELDS = ['rate', 'burst', 'delay', 'jitter', 'loss', 'duplicate', 'corrupt', 'reorder', 'limit'] as const;


/** One problem with an impairment, naming the field (for file:line:column in a topology). */
export interface ImpairProblem {
  field: keyof ImpairSpec;
  message: string;
}

/** Check an impairment's values and combinations; pure (no kernel). Empty when it is fine. */
export function impairProblems(s: ImpairSpec): ImpairProblem[] {
  const out: ImpairProblem[] = [];
  const bad = (field: keyof ImpairSpec, hint: string): void => {
    out.push({ field, message: `${field}: ${JSON.stringify(s[field])} is not valid; give ${hint}` });
  };
  if (s.rate !== undefined && parseRate(s.rate) === undefined) bad('rate', RATE_HINT);
  if (s.burst !== undefined && parseSize(s.burst) === undefined) bad('burst', SIZE_HINT);
  for (const f of ['delay', 'jitter'] as const) if (s[f] !== undefined && parseTime(s[f]) === undefined) bad(f, TIME_HINT);
  for (const f of ['loss', 'duplicate', 'corrupt', 'reorder'] as const) if (s[f] !== undefined && parsePercent(s[f]) === undefined) bad(f, PERCENT_HINT);
  if (s.limit !== undefined && !(Number.isInteger(s.limit) && s.limit > 0)) bad('limit', 'a whole number of packets, such as 1000');
  if (s.jitter !== undefined && s.delay === undefined) out.push({ field: 'jitter', message: 'jitter needs a delay: jitter varies the delay (e.g. delay: 20ms, jitter: 5ms)' });
  if (s.reorder !== undefined && s.delay === undefined) out.push({ field: 'reorder', message: 'reorder needs a delay: reordered packets are sent at once while the rest wait (e.g. delay: 10ms)' });
  if (s.burst !== undefined && s.rate === undefined) out.push({ field: 'burst', message: 'burst needs a rate: it is the size of the rate limiter\'s bucket' });
  return out;
}

/** What an impairment becomes on this kernel: the sender's root qdisc(s) and the far end's drop. @internal */
export interface ImpairLayout {
  /** Root qdisc of the sending interface (tbf, or netem), with an optional netem child under a tbf. */
  root?: QdiscOptions;
  child?: QdiscOptions;
  /** Loss dropped at the far end's ingress (BPF random drop), in percent. */
  peerLoss?: number;
}

const PKT = 1514;
/** Default tbf bucket: 10 ms worth of the rate, at least two full-size frames. */
const defaultBurst = (bits: number): number => Math.max(2 * PKT, Math.round(bits / 8 / 100));

/** Compile an impairment for a kernel with `f`; throws the one-line refusal when a feature is missing. @internal */
export function layoutFor(s: ImpairSpec, f: Features): ImpairLayout {
  const problems = impairProblems(s);
  if (problems.length) throw new NsnetError('BAD_IMPAIRMENT', problems.map((p) => p.message).join('; '), 'impairment');
  const netemOnly = NETEM_ONLY.filter((k) => s[k] !== undefined);
  const needs: Array<readonly [string, Feature]> = netemOnly.map((k) => [k, 'netem'] as const);
  if (s.rate !== undefined) needs.push(['rate', 'tbf']);
  if (s.limit !== undefined && s.rate === undefined) needs.push(['limit', 'netem']);
  if (!f.netem && s.loss !== undefined) needs.push(['loss', 'clsact'], ['loss', 'cls_bpf']);
  requireFeatures(needs, f);
  const out: ImpairLayout = {};
  const rate = s.rate !== undefined ? parseRate(s.rate)! : undefined;
  const tbf = (limitPackets?: number): QdiscOptions => ({
    kind: 'tbf', rate: rate!, burst: s.burst ?? defaultBurst(rate!), ...(limitPackets !== undefined ? { limit: limitPackets * PKT } : { latency: '50ms' }),
  });
  const wantsNetem = f.netem && (netemOnly.length > 0 || s.loss !== undefined || (s.limit !== undefined && rate === undefined));
  if (wantsNetem) {
    const n: QdiscOptions = { kind: 'netem' };
    for (const k of ['delay', 'jitter', 'loss', 'duplicate', 'corrupt', 'reorder'] as const) if (s[k] !== undefined) n[k] = s[k];
    if (s.limit !== undefined) n.limit = s.limit;
    if (rate !== undefined) {
      out.root = tbf();
      out.child = n;
    } else {
      out.root = n;
    }
  } else if (rate !== undefined) {
    out.root = tbf(s.limit);
  }
  if (!f.netem && s.loss !== undefined) out.peerLoss = parsePercent(s.loss)!;
  return out;
}


/** Priority of nsnet's drop filter on a peer's ingress hook (tc shows it as "pref 4000"). */
export const DROP_PRIO = 4000;

/** The fields only netem does (a kernel without netem refuses them). */
export const NETEM_ONLY = ['delay', 'jitter', 'duplicate', 'corrupt', 'reorder'] as const;

/** Whether an impairment sets nothing. */
export const isNoImpairment = (s: ImpairSpec | undefined): boolean => s === undefined || Object.keys(s).length === 0;

/** What the qdiscs of one interface impose on its traffic, in tc's units (the far end's drop apart). */
export function impairOfQdiscs(qdiscs: readonly QdiscInfo[]): ImpairSpec {
  const out: ImpairSpec = {};
  for (const q of qdiscs) {
    const o = q.options ?? {};
    if (q.kind === 'tbf' && q.parent === 'root') {
      if (o.rate !== undefined) out.rate = String(o.rate);
      if (o.burst !== undefined) out.burst = String(o.burst);
    } else if (q.kind === 'netem') {
      for (const k of ['delay', 'jitter', 'loss', 'duplicate', 'corrupt', 'reorder', 'rate'] as const) if (o[k] !== undefined) out[k] = String(o[k]);
      if (typeof o.limit === 'number' && o.limit !== 1000) out.limit = o.limit;
    }
  }
  return out;
}

/** The loss nsnet's drop filter imposes, from an interface's ingress filters ("20%"), if there is one. */
export function dropLossOf(filters: ReadonlyArray<{ prio: number; ops?: SockFilter[] }>): string | undefined {
  for (const f of filters) {
    const loss = f.prio === DROP_PRIO && f.ops ? randomDropLoss(f.ops) : undefined;
    if (loss !== undefined) return formatPercent(Math.round(loss * 1e4) / 1e4);
  }
  return undefined;
}

type Field = keyof ImpairSpec;
/** Each field as one number (bits/s, bytes, microseconds, percent, packets) and how close two readings must be. */
const CANON: Record<Field, { parse: (v: string | number) => number | undefined; close: (a: number, b: number) => boolean }> = (() => {
  const rel = (tol: number) => (a: number, b: number) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
  const pct = { parse: parsePercent, close: (a: number, b: number) => Math.abs(a - b) < 0.001 };
  const time = { parse: parseTime, close: (a: number, b: number) => Math.abs(a - b) <= Math.max(1, 0.01 * Math.max(a, b)) };
  return {
    rate: { parse: parseRate, close: rel(0.005) },
    burst: { parse: parseSize, close: rel(0.02) },
    delay: time,
    jitter: time,
    loss: pct, duplicate: pct, corrupt: pct, reorder: pct,
    limit: { parse: (v) => (typeof v === 'number' ? v : Number(v)), close: (a, b) => a === b },
  };
})();

/**
 * How the impairment in force (`have`, read back) differs from the wanted one, in words: one
 * entry per field ("loss is 30%, the file says 20%"). A burst the file does not set is nsnet's
 * default and not compared. Empty when they match.
 */
export function impairDiff(want: ImpairSpec, have: ImpairSpec, says = 'the file says'): string[] {
  const out: string[] = [];
  for (const f of IMPAIR_FIELDS) {
    const w = want[f];
    const h = have[f];
    if (w === undefined && (h === undefined || f === 'burst')) continue;
    if (w === undefined) out.push(`${f} is ${h}, ${says} none`);
    else if (h === undefined) out.push(`${f} is not set, ${says} ${w}`);
    else {
      const a = CANON[f].parse(w);
      const b = CANON[f].parse(h);
      if (a === undefined || b === undefined || !CANON[f].close(a, b)) out.push(`${f} is ${h}, ${says} ${w}`);
    }
  }
  return out;
}

/** "rate 10mbit loss 1%", in tc's words; "none" for nothing. */
export function formatImpair(s: ImpairSpec | undefined): string {
  const parts = IMPAIR_FIELDS.filter((f) => s?.[f] !== undefined).map((f) => `${f} ${s![f]}`);
  return parts.length ? parts.join(' ') : 'none';
}
