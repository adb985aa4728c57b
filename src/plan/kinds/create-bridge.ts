/** A bridge of the file is made (up; marked when in the host). */
import { HOST } from '../desired.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { bridgeAt } from './where.js';

export interface CreateBridge extends ActionBase {
  op: 'create-bridge';
  netns?: string;
  name: string;
  altname?: string;
  mtu?: number;
  stp?: boolean;
}

export default defineKind<CreateBridge>({
  op: 'create-bridge',
  sign: '+',
  order: 110, // before the links: ports need their bridge
  namespaces: inNetns,
  creates: (a) => ({ hostLinks: a.netns === undefined ? [a.name] : [] }),
  sim(w, a, mark) {
    w.create(a.netns ?? HOST, { name: a.name, kind: 'bridge', up: true, mtu: a.mtu ?? 1500 }, mark);
  },
  locate(spec, a) {
    const b = bridgeAt(spec, a.netns, a.name);
    return b ? ['bridges', b.logical] : undefined;
  },
});
