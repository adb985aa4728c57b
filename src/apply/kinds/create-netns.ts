import { netns } from '../../api/namespaces.js';
import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';
import { splittable } from './split.js';

const apply: ApplyFn<ActionFor<'create-netns'>> = async (a, c) => {
  // With IPv6 on, no DAD: the lab's addresses are checked unique, and the link-locals the kernel
  // makes must not stay tentative either (a router cannot solicit a neighbour for forwarded
  // packets while its link-local is tentative: pings across routers fail for a second or more).
  const h = await netns.create(a.netns, a.ipv6 ? { noDad: true } : { disableIpv6: true });
  c.handles.put(a.netns, h);
  // Mark it and bring lo up in one request, right after it exists.
  await h.link.set(1, { up: true, alias: c.mark });
};
export default splittable(apply);
