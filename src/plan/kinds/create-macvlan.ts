/** A macvlan on a host NIC is made, straight in its namespace. */
import { HOST } from '../desired.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { linkPath } from './where.js';

export interface CreateMacvlan extends ActionBase {
  op: 'create-macvlan';
  id: string;
  netns?: string;
  name: string;
  altname?: string;
  parent: string;
  mode: string;
  mtu?: number;
  mac?: string;
  master?: string;
}

export default defineKind<CreateMacvlan>({
  op: 'create-macvlan',
  sign: '+',
  order: 120,
  namespaces: inNetns,
  creates: (a) => ({ hostLinks: a.netns === undefined ? [a.name] : [] }),
  sim(w, a, mark) {
    w.create(a.netns ?? HOST, { name: a.name, kind: 'macvlan', up: true, mtu: a.mtu ?? 1500, macvlanMode: a.mode, master: a.master }, mark);
  },
  locate: (spec, a) => linkPath(spec, a.id),
});
