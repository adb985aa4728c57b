/** A link of the lab goes (its veth peer with it). */
import { HOST } from '../desired.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface DeleteLink extends ActionBase {
  op: 'delete-link';
  netns?: string;
  name: string;
  /** Its ifindex, when known (down deletes the device it saw in the dump by it). */
  index?: number;
  /** Its veth peer, which goes with it. */
  peer?: { netns?: string; name: string };
}

export default defineKind<DeleteLink>({
  op: 'delete-link',
  sign: '-',
  order: 30,
  namespaces: inNetns,
  sim: (w, a) => w.deleteLink(a.netns ?? HOST, a.name),
  locate: nowhere,
});
