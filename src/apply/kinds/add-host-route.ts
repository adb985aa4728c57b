import type { ActionFor } from '../../plan/actions.js';
import { writeRecord } from '../state.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'add-host-route'>> = async (a, c) => {
  c.record.effects.routes = { ...c.record.effects.routes, [a.to]: { via: a.via, dev: a.dev } };
  writeRecord(c.record);
  await c.h(undefined).route.replace({ to: a.to, via: a.via, dev: a.dev, protocol: 'static' });
};
export default apply;
