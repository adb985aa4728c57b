/** A node's namespace is made, its lo marked and up (IPv6 off when the node says so). */
import { IPV6_SYSCTLS } from '../constants.js';
import { defineKind, type ActionBase } from './kind.js';

export interface CreateNetns extends ActionBase {
  op: 'create-netns';
  netns: string;
  node: string;
  ipv6: boolean;
}

export default defineKind<CreateNetns>({
  op: 'create-netns',
  sign: '+',
  order: 100,
  namespaces: (a) => [a.netns],
  creates: (a) => ({ namespaces: [a.netns] }),
  sim(w, a, mark) {
    if (w.ns.has(a.netns)) throw new Error(`sim: namespace ${a.netns} exists`);
    const s = w.makeNs();
    w.ns.set(a.netns, s);
    if (!a.ipv6) for (const k of IPV6_SYSCTLS) s.sysctls[k] = '1';
    Object.assign(s.links.get('lo')!, { up: true, alias: mark });
  },
  locate: (_spec, a) => ['nodes', a.node],
});
