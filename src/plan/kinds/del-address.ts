/** An address the file no longer has, on a link of the lab that stays. */
import { HOST } from '../desired.js';
import { canonCidr } from '../keys.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { nowhere } from './where.js';

export interface DelAddress extends ActionBase {
  op: 'del-address';
  netns?: string;
  dev: string;
  cidr: string;
}

export default defineKind<DelAddress>({
  op: 'del-address',
  sign: '-',
  order: 40,
  namespaces: inNetns,
  sim(w, a) {
    const s = w.get(a.netns ?? HOST);
    const before = s.addrs.length;
    s.addrs = s.addrs.filter((x) => !(x.dev === a.dev && x.cidr === canonCidr(a.cidr)));
    if (s.addrs.length === before) throw new Error(`sim: no address ${a.cidr} on ${a.dev}`);
  },
  locate: nowhere,
});
