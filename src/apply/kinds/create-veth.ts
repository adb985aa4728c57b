import type { ActionFor, VethEnd } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';
import { splittable } from './split.js';

/**
 * Made from the end that needs nothing more once made: a node's interface (created up), rather
 * than a bridge port or a host end. The other end, made straight in its namespace, then gets up,
 * its bridge and (in the host) the mark in one more request: the kernel cannot bring a peer up
 * inside the creating request (it is not linked to its pair yet).
 *
 * An end in the host namespace is made down and started by startHostPort (IPv6 off first).
 */
const apply: ApplyFn<ActionFor<'create-veth'>> = async (a, c) => {
  const needsMore = (e: VethEnd) => (e.netns === undefined ? 2 : 0) + (e.master !== undefined ? 1 : 0) + (e.altname !== undefined ? 1 : 0);
  let [m, o] = [a.a, a.b];
  if (needsMore(o) < needsMore(m)) [m, o] = [o, m];
  const hm = c.h(m.netns);
  const ho = c.h(o.netns);
  const mHost = m.netns === undefined;
  await hm.link.add({
    kind: 'veth', name: m.name, up: !mHost, mtu: m.mtu, address: m.mac,
    master: m.master !== undefined ? c.index(m.netns, m.master) : undefined,
    peer: { name: o.name, netns: { handle: ho }, mtu: o.mtu, address: o.mac },
  });
  const oi = c.index(o.netns, o.name);
  const oMaster = o.master !== undefined ? { master: c.index(o.netns, o.master) } : {};
  if (o.netns === undefined) await c.startHostPort(ho, o.name, oi, oMaster);
  else await ho.link.set(oi, { up: true, ...oMaster });
  if (mHost || m.altname !== undefined) {
    const mi = c.index(m.netns, m.name);
    if (mHost) await c.startHostPort(hm, m.name, mi);
    if (m.altname !== undefined) await hm.link.addAltnames(mi, [m.altname]);
  }
  if (o.altname !== undefined) await ho.link.addAltnames(oi, [o.altname]);
};
export default splittable(apply);
