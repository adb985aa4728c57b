/**
 * A sysctl gets the file's value: in a node (its sysctls, IPv6 on or off), or in the host for a
 * NAT uplink (ip_forward; the value before is recorded and restored by the last lab holding it).
 */
import { IPV6_SYSCTLS } from '../constants.js';
import { HOST } from '../desired.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { nodeOfNs, uplinkPath } from './where.js';

export interface SetSysctl extends ActionBase {
  op: 'set-sysctl';
  netns?: string;
  key: string;
  value: string;
}

export default defineKind<SetSysctl>({
  op: 'set-sysctl',
  sign: '~',
  // A node's with the node's settings; the host's with the uplink that needs it. IPv6 turned on
  // in a node comes before its links and addresses (105): an IPv6 address on a device with IPv6
  // off is refused (EACCES). Turned off, it stays after the removals, which it would make fail.
  order: (a) => (a.netns === undefined ? 170 : (IPV6_SYSCTLS as readonly string[]).includes(a.key) && a.value === '0' ? 105 : 160),
  namespaces: inNetns,
  sim(w, a) {
    const ns = a.netns ?? HOST;
    if (ns === HOST && w.effects.sysctls[a.key] === undefined) w.effects.sysctls[a.key] = w.get(HOST).sysctls[a.key] ?? '';
    w.get(ns).sysctls[a.key] = a.value;
  },
  locate(spec, a) {
    const n = nodeOfNs(spec, a.netns);
    if (n) return a.key in n.sysctls ? ['nodes', n.name, 'sysctls', a.key] : ['nodes', n.name];
    return uplinkPath(spec, (u) => u.kind === 'nat');
  },
});
