import type { ActionFor } from '../../plan/actions.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'del-host-route'>> = async (a, c) => {
  const h = c.h(undefined);
  // Only the route the lab made: gone already (its bridge went) or replaced by someone else is left.
  const have = (await h.route.list({ family: 4 })).some((r) => r.dst === a.to && r.gateway === a.via && r.dev === a.dev);
  if (have) await h.route.del({ to: a.to, via: a.via, dev: a.dev });
  c.done.restored.push(`host route ${a.to} via ${a.via}`);
  if (!c.record.effects.routes?.[a.to]) return;
  delete c.record.effects.routes[a.to];
  if (Object.keys(c.record.effects.routes).length === 0) delete c.record.effects.routes;
  writeRecord(c.record);
};
export default apply;
