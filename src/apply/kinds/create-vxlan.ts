import type { LinkAddSpec } from '../../api/types.js';
import type { ActionFor } from '../../plan/actions.js';
import { HOST } from '../../plan/desired.js';
import type { ApplyContext, ApplyFn } from './context.js';

type Common = { name: string; up: true; mtu?: number; address?: string; netns?: { handle: import('../../api/handle.js').Handle }; master?: number };

/**
 * A link made in the host (its parent or underlay is there) straight into its end's namespace,
 * then marked (in the host) or joined to its bridge (elsewhere), with its altname.
 */
export async function addFromHost(
  a: { netns?: string; name: string; mtu?: number; mac?: string; master?: string; altname?: string },
  c: ApplyContext,
  spec: (common: Common) => LinkAddSpec,
): Promise<void> {
  const here = a.netns === undefined;
  const common: Common = {
    name: a.name, up: true, mtu: a.mtu, address: a.mac,
    ...(here ? {} : { netns: { handle: c.h(a.netns) } }),
    ...(here && a.master !== undefined ? { master: c.index(HOST, a.master) } : {}),
  };
  await c.h(HOST).link.add(spec(common));
  const h = c.h(a.netns);
  const i = c.index(a.netns, a.name);
  if (here) await c.markLink(h, i);
  else if (a.master !== undefined) await h.link.set(i, { master: c.index(a.netns, a.master) });
  if (a.altname !== undefined) await h.link.addAltnames(i, [a.altname]);
}

const apply: ApplyFn<ActionFor<'create-vxlan'>> = (a, c) =>
  addFromHost(a, c, (common) => ({ kind: 'vxlan', id: a.vni, remote: a.remote, group: a.group, local: a.local, dev: a.dev, port: a.port, ...common }));
export default apply;
