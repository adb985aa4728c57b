import { netns } from '../../api/namespaces.js';
import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'create-netns'>> = async (a, c) => {
  const h = await netns.create(a.netns, { disableIpv6: !a.ipv6 });
  c.handles.put(a.netns, h);
  // Mark it and bring lo up in one request, right after it exists.
  await h.link.set(1, { up: true, alias: c.mark });
};
export default apply;
