/**
 * Impairments on the traffic leaving one interface (rate, delay, jitter, loss, duplicate,
 * corrupt, reorder, limit), compiled to what this kernel offers:
 *
 *   netem present: netem at the interface's root (its loss is silent, as on a wire), under a
 *                  tbf when a rate is asked;
 *   netem absent:  rate through a root tbf; loss through a classic-BPF random drop on clsact's
 *                  ingress hook of the far end (the veth peer), where a wire would lose the
 *                  packet. Dropped at the sender's own egress, the sending socket would get an
 *                  error and ping would count the packet as never sent (0% loss). Everything
 *                  else is refused, before anything changes, naming the missing kernel feature.
 *
 *   await impair({ handle: r1, dev: 'eth1' }, { rate: '10mbit', loss: '1%' });  // peer found from the veth
 *   await readImpairment({ handle: r1, dev: 'eth1' });                           // { rate: '10Mbit', loss: '1%' }
 *   await clearImpairment({ handle: r1, dev: 'eth1' });
 */
import { NsnetError } from '../kernel/errors.js';
import { randomDropLoss, randomDropProgram } from '../wire/bpf.js';
import { formatPercent, parsePercent, parseRate, parseSize, parseTime, PERCENT_HINT, RATE_HINT, SIZE_HINT, TIME_HINT } from '../wire/tcunits.js';
import { kernelFeatures, requireFeatures, type Feature, type Features } from './features.js';
import { hostNetns, openNetnsSync, type Handle } from './handle.js';
import { Qdiscs, type QdiscOptions } from './qdisc.js';
import type { DevRef } from './types.js';

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

export interface Endpoint {
  handle: Handle;
  dev: DevRef;
}

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
export function layoutFor(s: ImpairSpec, f: Features = kernelFeatures()): ImpairLayout {
  const problems = impairProblems(s);
  if (problems.length) throw new NsnetError('BAD_IMPAIRMENT', problems.map((p) => p.message).join('; '), 'impairment');
  const netemOnly = (['delay', 'jitter', 'duplicate', 'corrupt', 'reorder'] as const).filter((k) => s[k] !== undefined);
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

/** The veth peer of an endpoint (the far end of its cable), or undefined for other kinds. Close its handle with closePeer. */
export async function peerOf(e: Endpoint): Promise<Endpoint | undefined> {
  const l = await e.handle.link.get(e.dev);
  if (l.kind !== 'veth' || l.link_index === undefined) return undefined;
  if (l.link_netnsid === undefined) return { handle: e.handle, dev: l.link_index };
  if (l.peerNetns === undefined) throw new NsnetError('NO_PEER', `cannot find the namespace of the peer of ${e.handle.link.obj(e.dev)}`, e.handle.link.obj(e.dev), 'give the peer explicitly');
  const handle = l.peerNetns === 'host' ? hostNetns() : openNetnsSync(l.peerNetns);
  return { handle, dev: l.peer ?? l.link_index };
}

/** Run `fn` with the far end (given, or found from the veth), closing a handle opened for it. */
async function withPeer<T>(e: Endpoint, given: Endpoint | undefined, fn: (far: Endpoint | undefined) => Promise<T>): Promise<T> {
  if (given) return fn(given);
  const far = await peerOf(e);
  try {
    return await fn(far);
  } finally {
    if (far && far.handle !== e.handle) far.handle.close();
  }
}

/** Priority of nsnet's drop filter on a peer's ingress hook (tc shows it as "pref 4000"). */
export const DROP_PRIO = 4000;

async function clearPeerDrop(tc: Qdiscs, dev: DevRef): Promise<void> {
  const mine = (await tc.filters(dev, 'ingress')).filter((x) => x.prio === DROP_PRIO);
  if (mine.length) await tc.delFilter(dev, 'ingress', DROP_PRIO);
  const left = [...(await tc.filters(dev, 'ingress')), ...(await tc.filters(dev, 'egress'))];
  if (mine.length && left.length === 0) await tc.del(dev, 'clsact');
}

/**
 * Set the impairment of traffic leaving `e` (replacing any before). `peer` is the far end;
 * found from the veth when not given. Refuses, before any change, what the kernel cannot do.
 */
export async function impair(e: Endpoint, s: ImpairSpec, peer?: Endpoint): Promise<void> {
  const layout = layoutFor(s);
  await withPeer(e, peer, (far) => apply(e, layout, far));
}

async function apply(e: Endpoint, layout: ImpairLayout, far: Endpoint | undefined): Promise<void> {
  if (layout.peerLoss !== undefined && !far) {
    throw new NsnetError('NO_PEER', `loss on ${e.handle.link.obj(e.dev)} needs the far end of its link (a veth), to drop where the wire would`, e.handle.link.obj(e.dev));
  }
  const tc = new Qdiscs(e.handle);
  await tc.del(e.dev, 'root');
  if (layout.root) await tc.add(e.dev, layout.root, { handle: '1:', replace: true });
  if (layout.child) await tc.add(e.dev, layout.child, { parent: '1:1', handle: '10:' });
  if (!far) return;
  const ftc = new Qdiscs(far.handle);
  if (layout.peerLoss === undefined) {
    await clearPeerDrop(ftc, far.dev);
    return;
  }
  if (!(await ftc.list(far.dev)).some((q) => q.kind === 'clsact')) await ftc.add(far.dev, { kind: 'clsact' });
  const replace = (await ftc.filters(far.dev, 'ingress')).some((x) => x.prio === DROP_PRIO);
  await ftc.addFilter(far.dev, 'ingress', { ops: randomDropProgram(layout.peerLoss), directAction: true }, { prio: DROP_PRIO, replace });
}

/** Remove the impairment of traffic leaving `e` (root qdisc back to the default, far-end drop gone). */
export async function clearImpairment(e: Endpoint, peer?: Endpoint): Promise<void> {
  await new Qdiscs(e.handle).del(e.dev, 'root');
  await withPeer(e, peer, async (far) => {
    if (far) await clearPeerDrop(new Qdiscs(far.handle), far.dev);
  });
}

/** The impairment in force on traffic leaving `e`, read back from the kernel, in tc's units. */
export async function readImpairment(e: Endpoint, peer?: Endpoint): Promise<ImpairSpec> {
  const out: ImpairSpec = {};
  for (const q of await new Qdiscs(e.handle).list(e.dev)) {
    const o = q.options ?? {};
    if (q.kind === 'tbf' && q.parent === 'root') {
      if (o.rate !== undefined) out.rate = String(o.rate);
      if (o.burst !== undefined) out.burst = String(o.burst);
    } else if (q.kind === 'netem') {
      for (const k of ['delay', 'jitter', 'loss', 'duplicate', 'corrupt', 'reorder', 'rate'] as const) if (o[k] !== undefined) out[k] = String(o[k]);
      if (typeof o.limit === 'number' && o.limit !== 1000) out.limit = o.limit;
    }
  }
  await withPeer(e, peer, async (far) => {
    if (!far) return;
    for (const f of await new Qdiscs(far.handle).filters(far.dev, 'ingress')) {
      const loss = f.prio === DROP_PRIO && f.ops ? randomDropLoss(f.ops) : undefined;
      if (loss !== undefined) out.loss = formatPercent(Math.round(loss * 1e4) / 1e4);
    }
  });
  return out;
}
