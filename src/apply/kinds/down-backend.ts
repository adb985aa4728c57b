import type { ActionFor } from '../../plan/actions.js';
import { BRIDGE_OBSERVERS } from '../bridges.js';
import type { ApplyFn } from './context.js';

const apply: ApplyFn<ActionFor<'down-backend'>> = async (a, c) => {
  const b = BRIDGE_OBSERVERS.find((x) => x.type === a.backend);
  if (b?.removeLab) c.done.bridges.push(...(await b.removeLab(c.lab)));
};
export default apply;
