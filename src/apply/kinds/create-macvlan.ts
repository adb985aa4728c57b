import type { ActionFor } from '../../plan/actions.js';
import type { ApplyFn } from './context.js';
import { addFromHost } from './create-vxlan.js';

const apply: ApplyFn<ActionFor<'create-macvlan'>> = (a, c) =>
  addFromHost(a, c, (common) => ({ kind: 'macvlan', parent: a.parent, mode: a.mode as 'bridge', ...common }));
export default apply;
