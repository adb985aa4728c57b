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
import { randomDropProgram } from '../wire/bpf.js';
import { kernelFeatures } from './features.js';
import { hostNetns, openNetnsSync, type Handle } from './handle.js';
import { DROP_PRIO, dropLossOf, impairOfQdiscs, layoutFor, type ImpairLayout, type ImpairSpec } from './impairspec.js';
import { Qdiscs, type QdiscInfo } from './qdisc.js';
import type { DevRef } from './types.js';

export { DROP_PRIO, IMPAIR_FIELDS, impairProblems, type ImpairProblem, type ImpairSpec } from './impairspec.js';

export interface Endpoint {
  handle: Handle;
  dev: DevRef;
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
  const layout = layoutFor(s, kernelFeatures());
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
  const out = impairOfQdiscs(await new Qdiscs(e.handle).list(e.dev));
  await withPeer(e, peer, async (far) => {
    if (!far) return;
    const loss = dropLossOf(await new Qdiscs(far.handle).filters(far.dev, 'ingress'));
    if (loss !== undefined) out.loss = loss;
  });
  return out;
}

/**
 * The impairments of many interfaces of one namespace at once (observe): one qdisc dump, and a
 * filter dump only on interfaces with a clsact qdisc. Per name: what its root qdiscs impose
 * (`qdisc`) and the loss nsnet's drop filter imposes at its ingress (`drop`, its peer's loss).
 */
export async function impairmentsIn(h: Handle, links: ReadonlyArray<{ index: number; name: string }>, names: Map<number, string>): Promise<Map<string, { qdisc?: ImpairSpec; drop?: string }>> {
  const tc = new Qdiscs(h);
  const byDev = new Map<string, QdiscInfo[]>();
  for (const q of await tc.list(undefined, names)) {
    const l = byDev.get(q.dev);
    if (l) l.push(q);
    else byDev.set(q.dev, [q]);
  }
  const out = new Map<string, { qdisc?: ImpairSpec; drop?: string }>();
  for (const l of links) {
    const qs = byDev.get(l.name);
    if (!qs) continue;
    const r: { qdisc?: ImpairSpec; drop?: string } = {};
    const qdisc = impairOfQdiscs(qs);
    if (Object.keys(qdisc).length) r.qdisc = qdisc;
    if (qs.some((q) => q.kind === 'clsact')) {
      const drop = dropLossOf(await tc.filters(l.index, 'ingress', l.name));
      if (drop !== undefined) r.drop = drop;
    }
    if (r.qdisc || r.drop) out.set(l.name, r);
  }
  return out;
}
