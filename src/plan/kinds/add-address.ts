/** An address of the file goes on its link (IPv6 without DAD: lab addresses are checked unique). */
import { HOST } from '../desired.js';
import { canonCidr } from '../keys.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { devicePath, nodeOfNs } from './where.js';

export interface AddAddress extends ActionBase {
  op: 'add-address';
  netns?: string;
  dev: string;
  cidr: string;
}

/** The network of an IPv4 CIDR ("10.0.1.10/24" → "10.0.1.0/24"): the kernel's connected route. */
function ipv4Network(cidr: string): string {
  const [ip, len] = cidr.split('/') as [string, string];
  const bits = Number(len);
  const n = ip.split('.').map(Number).reduce((x, y) => x * 256 + y, 0);
  const m = bits === 0 ? 0 : (n >>> (32 - bits)) * 2 ** (32 - bits);
  return `${[24, 16, 8, 0].map((sh) => Math.floor(m / 2 ** sh) % 256).join('.')}/${len}`;
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
    if (family === 4 && a.dev !== 'lo') s.routes.push({ to: ipv4Network(cidr), dev: a.dev, table: 254, family: 4, protocol: 'kernel' });
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
