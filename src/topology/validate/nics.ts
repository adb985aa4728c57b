/**
 * Host NICs the lab only refers to (macvlan parents, vxlan underlays, uplink interfaces, NAT
 * outs): valid names, registered in the host namespace, and one role each.
 */
import { formatPath, show } from '../issues.js';
import { kernelNameProblem } from '../names.js';
import type { Path } from '../registry.js';
import type { Checker, LinkRec, UplinkRec } from './checker.js';

/** Register host NIC `name` (used as `usedAs`); false when the name is invalid. */
export function nic(c: Checker, name: string, path: Path, usedAs: string): boolean {
  const p = kernelNameProblem(name);
  if (p) {
    c.out.error('INVALID_NAME', path, `host NIC name ${show(name)} is invalid: ${p}`);
    return false;
  }
  c.reg.add({ ns: undefined, role: 'nic', logical: name, generated: false, path, label: `${name} (${usedAs})` });
  return true;
}

/** Host NICs: one role each (a bridge port cannot also carry macvlans); one vxlan per id and port. */
export function checkNics(c: Checker): void {
  const o = c.out;
  const bridged = new Map<string, UplinkRec>();
  for (const u of c.uplinks) {
    if (u.kind !== 'bridge') continue;
    const prev = bridged.get(u.nic);
    if (prev) o.error('NIC_CONFLICT', [...u.path, 'interface'], `host NIC ${show(u.nic)} is already the uplink of bridge ${show(prev.bridge)} (${formatPath(prev.path)}): a NIC can join one bridge`);
    else bridged.set(u.nic, u);
  }
  const parents = new Map<string, LinkRec & { kind: 'macvlan' }>();
  for (const l of c.links) {
    if (l.kind !== 'macvlan') continue;
    const up = bridged.get(l.parent);
    if (up) {
      o.error('NIC_CONFLICT', [...l.path, 'parent'], `host NIC ${show(l.parent)} is a port of bridge ${show(up.bridge)} (${formatPath(up.path)}), so it cannot carry macvlans: use another NIC, or put the node on the bridge with a veth`);
    }
    const prev = parents.get(l.parent);
    if (prev && (prev.mode === 'passthru' || l.mode === 'passthru')) {
      o.error('NIC_CONFLICT', [...l.path, 'mode'], `macvlan mode passthru takes the whole NIC: ${show(l.parent)} already has a macvlan (${formatPath(prev.path)})`);
    }
    if (!prev) parents.set(l.parent, l);
  }
  const vnis = new Map<string, Path>();
  for (const l of c.links) {
    if (l.kind !== 'vxlan') continue;
    const key = `${l.vni}|${l.port}|${l.local ?? ''}|${l.dev ?? ''}`;
    const prev = vnis.get(key);
    if (prev) o.error('DUPLICATE_VNI', [...l.path, 'id'], `vxlan id ${l.vni} on port ${l.port} is already used by ${formatPath(prev)}: the kernel allows one such device per host`);
    else vnis.set(key, l.path);
  }
}
