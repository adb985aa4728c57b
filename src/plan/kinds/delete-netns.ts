/** A namespace of the lab goes, with every device in it (and the veth peers of those elsewhere). */
import { defineKind, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

/** A link elsewhere that goes with a deleted namespace (a veth peer): apply waits until it is gone. */
export interface FreedLink {
  netns?: string;
  name: string;
  index: number;
}

export interface DeleteNetns extends ActionBase {
  op: 'delete-netns';
  netns: string;
  node?: string;
  /** Links elsewhere that go with it (veth peers): apply waits until they are gone. */
  frees: FreedLink[];
}

export default defineKind<DeleteNetns>({
  op: 'delete-netns',
  sign: '-',
  order: 20,
  namespaces: (a) => [a.netns],
  sim(w, a) {
    for (const l of [...w.get(a.netns).links.values()]) if (l.peer && l.peer.ns !== a.netns) w.deleteLink(a.netns, l.name);
    w.ns.delete(a.netns);
  },
  locate: nowhere,
});
