/** A node's sysctls and IPv6 on or off. */
import { IPV6_SYSCTLS } from '../constants.js';
import type { DesiredLab } from '../desired.js';
import { canonSysctl } from '../keys.js';
import { key, type Planner } from '../planner.js';

/**
 * Sysctls an earlier file (`prev`) set in namespace `ns` that the file `d` does not. The file is
 * the whole desired state: such a key goes back to what a new namespace has (the observer reads
 * that from a throwaway namespace, ObservedLab.freshSysctls), as a fresh build would leave it.
 */
export function removedSysctls(d: DesiredLab, prev: readonly DesiredLab[], ns: string): string[] {
  const now = d.nodeOfNs.get(ns)?.sysctls ?? {};
  return [...new Set(prev.flatMap((x) => Object.keys(x.nodeOfNs.get(ns)?.sysctls ?? {})))].filter((k) => now[k] === undefined);
}

export function sysctls(p: Planner): void {
  for (const n of p.d.spec.nodes) {
    const ns = n.netns;
    if (!p.ours.has(ns)) continue;
    const fresh = p.created.has(ns);
    const seen = fresh ? {} : p.nsObserved(ns).sysctls;
    const set = (k: string, v: string, why: string) => p.add({ op: 'set-sysctl', netns: ns, key: k, value: v, target: `sysctl ${k} in ${ns}`, reason: why });
    if (!fresh) {
      // net.ipv6.conf.all.disable_ipv6 tells; both keys are set when it differs.
      const v = n.ipv6 ? '0' : '1';
      const cur = seen[IPV6_SYSCTLS[0]];
      if (cur !== undefined && canonSysctl(cur) !== v) {
        for (const k of IPV6_SYSCTLS) set(k, v, `IPv6 is ${n.ipv6 ? 'on' : 'off'} for node ${n.name} in the file`);
      }
      for (const k of removedSysctls(p.d, p.prev, ns)) {
        const cur = seen[k];
        const def = p.o.freshSysctls?.[k];
        if (cur === undefined || def === undefined || canonSysctl(cur) === canonSysctl(def)) continue;
        set(k, def, `not in the file any more: back to ${def}, as a new namespace has it (it is ${canonSysctl(cur)})`);
      }
    }
    for (const [k, v] of Object.entries(n.sysctls)) {
      const cur = seen[k];
      if (cur !== undefined && canonSysctl(cur) === canonSysctl(v)) continue;
      set(k, v, fresh ? `new node ${n.name}` : cur === undefined ? 'in the file' : `it is ${canonSysctl(cur)}, the file says ${v}`);
    }
  }
}
