import { NsnetError } from '../../api/errors.js';
import { netns } from '../../api/namespaces.js';
import type { ActionFor } from '../../plan/actions.js';
import { batched } from './batch.js';
import type { ApplyContext } from './context.js';

type A = ActionFor<'delete-netns'>;

/** The namespaces deleted in one burst (netns.delEach); one already gone counts as deleted. */
async function applyEach(as: readonly A[], c: ApplyContext): Promise<unknown[]> {
  for (const a of as) {
    c.handles.close(a.netns);
    c.forget(a.netns);
  }
  const errors = await netns.delEach(as.map((a) => a.netns));
  return as.map((a, i) => {
    const e = errors[i];
    if (e && !(e instanceof NsnetError && e.code === 'ENOENT')) return e;
    if (!e) c.done.namespaces.push(a.netns);
    delete c.record.namespaces[a.netns];
    c.willFree(a.frees);
    return undefined;
  });
}

export default batched<A>(async (a, c) => {
  const [e] = await applyEach([a], c);
  if (e !== undefined) throw e;
}, applyEach);
