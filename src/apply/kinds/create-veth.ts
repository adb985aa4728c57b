import { hostLinkIpv6Off } from '../../api/sysctl.js';
import type { ActionFor, VethEnd } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';
import { splittable } from './split.js';

/**
 * Made from the end that needs nothing more once made: a node's interface (created up), rather
 * than a bridge port or a host end. The other end, made straight in its namespace, then gets up,
 * its bridge and (in the host) the mark in one more request: the kernel cannot bring a peer up
 * inside the creating request (it is not linked to its pair yet).
 *
 * An end in the host namespace is only ever a bridge port, so it gets IPv6 off before it comes
 * up: no link-local address, no routes, no DAD or MLD on it. Besides the noise, IPv6 on host
 * ports made big labs quadratic: the mark (an alias) is a link change, and IPv6 answers a change
 * on a link without carrier yet by walking the whole host IPv6 routing table, which held three
 * routes per port (3000-node tree: up 17-18 s -> 9.5-9.7 s, down 5.4-5.6 s -> 4.2-4.3 s).
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
  if (mHost) hostLinkIpv6Off(m.name);
  if (o.netns === undefined) hostLinkIpv6Off(o.name);
  const oi = c.index(o.netns, o.name);
  await ho.link.set(oi, {
    up: true,
    ...(o.netns === undefined ? { alias: c.mark } : {}),
    ...(o.master !== undefined ? { master: c.index(o.netns, o.master) } : {}),
  });
  if (mHost || m.altname !== undefined) {
    const mi = c.index(m.netns, m.name);
    if (mHost) await hm.link.set(mi, { up: true, alias: c.mark });
    if (m.altname !== undefined) await hm.link.addAltnames(mi, [m.altname]);
  }
  if (o.altname !== undefined) await ho.link.addAltnames(oi, [o.altname]);
};
export default splittable(apply);
