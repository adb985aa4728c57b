/** A veth pair is made with each end straight in its namespace, joined to its bridge and up. */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';
import { linkPath } from './where.js';

/** One end of a veth pair to create. */
export interface VethEnd {
  netns?: string;
  name: string;
  /** Bridge (kernel name, in the same namespace) the end joins. */
  master?: string;
  mtu?: number;
  mac?: string;
  altname?: string;
}

export interface CreateVeth extends ActionBase {
  op: 'create-veth';
  id: string;
  a: VethEnd;
  b: VethEnd;
}

export default defineKind<CreateVeth>({
  op: 'create-veth',
  sign: '+',
  order: 120,
  namespaces: (a) => [a.a.netns ?? HOST, a.b.netns ?? HOST],
  creates: (a) => ({ hostLinks: [a.a, a.b].filter((e) => e.netns === undefined).map((e) => e.name) }),
  sim(w, a, mark) {
    const an = a.a.netns ?? HOST;
    const bn = a.b.netns ?? HOST;
    const x = w.create(an, { name: a.a.name, kind: 'veth', up: true, mtu: a.a.mtu ?? 1500, mac: a.a.mac, master: a.a.master }, mark);
    const y = w.create(bn, { name: a.b.name, kind: 'veth', up: true, mtu: a.b.mtu ?? 1500, mac: a.b.mac, master: a.b.master }, mark);
    x.peer = { ns: bn, index: y.index };
    y.peer = { ns: an, index: x.index };
  },
  locate: (spec, a) => linkPath(spec, a.id),
});
