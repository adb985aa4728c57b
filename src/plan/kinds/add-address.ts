/** An address of the file goes on its link (IPv6 without DAD: lab addresses are checked unique). */
import { HOST } from '../desired.js';
import { parseCidr, type Cidr } from '../../wire/cidr.js';
import { canonCidr, MAIN_TABLE } from '../keys.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { devicePath, nodeOfNs } from './where.js';

export interface AddAddress extends ActionBase {
  op: 'add-address';
  netns?: string;
  dev: string;
  cidr: string;
}

export default defineKind<AddAddress>({
  op: 'add-address',
  sign: '+',
  order: 140,
  namespaces: inNetns,
  sim(w, a) {
    const s = w.get(a.netns ?? HOST);
    const cidr = canonCidr(a.cidr);
    if (s.addrs.some((x) => x.dev === a.dev && x.cidr === cidr)) throw new Error(`sim: address ${cidr} exists on ${a.dev}`);
    const family = cidr.includes(':') ? 6 : 4;
    s.addrs.push({ dev: a.dev, cidr, family, scope: 'global' });
    if (family === 4 && a.dev !== 'lo') s.routes.push({ to: (parseCidr(cidr) as Cidr).network, dev: a.dev, table: MAIN_TABLE, family: 4, protocol: 'kernel' });
  },
  locate(spec, a) {
    const d = devicePath(spec, a.netns, a.dev);
    if (!d) return undefined;
    const list = d[0] === 'bridges'
      ? spec.bridges.find((b) => b.logical === d[1])?.addresses
      : nodeOfNs(spec, a.netns)?.interfaces.find((i) => i.logical === d[3])?.addresses;
    const k = list?.findIndex((x) => canonCidr(x) === canonCidr(a.cidr)) ?? -1;
    return k < 0 ? d : [...d, 'addresses', k];
  },
});
