/**
 * The Linux bridge backend: a bridge device in the host or in a node's namespace, marked with the
 * lab's ifalias in the host; ports join by IFLA_MASTER (in the request that makes them, or by
 * set-link), read back from the link dump (ObservedLink.master). Its plan step makes the bridges
 * that are not there as they should be; replacing and removing them is the generic link steps'
 * work (a bridge is a DesiredLink of kind 'bridge'), with the MTU rule below.
 */
import type { Action } from '../actions.js';
import type { DesiredLink } from '../desired.js';
import { HOST, linkKey as key } from '../host.js';
import type { ObservedLink } from '../observed.js';
import type { Planner } from '../planner.js';
import { bridgeType, type BridgeBackend } from './backend.js';

/**
 * The MTU of a Linux bridge that stays (see bridgeMtuDetour in ../constants.ts: the kernel keeps
 * a set MTU and follows its ports otherwise; nothing but a new bridge forgets a set one). Whether
 * an earlier file set it tells which the bridge does. 'replace' (with why) when the file no longer
 * sets one that was set (a new bridge follows its ports); 'pin' when the file sets the MTU the
 * bridge already has from its ports (set through the detour so it stays); else undefined.
 */
export function bridgeMtuRule(p: Planner, want: DesiredLink, l: ObservedLink): { replace: string } | 'pin' | undefined {
  if (want.kind !== 'bridge' || l.kind !== 'bridge') return undefined;
  const before = p.prev.map((x) => x.links.get(want.ns)?.get(want.name)).filter((x) => x?.kind === 'bridge');
  const wasSet = before.some((x) => x!.mtu !== undefined);
  if (want.mtu === undefined) return wasSet ? { replace: `the file no longer sets its MTU (${l.mtu ?? 'unknown'}), which the kernel keeps once set; a new bridge follows its ports` } : undefined;
  const keptSet = before.length > 0 && before.every((x) => x!.mtu !== undefined);
  return l.mtu === want.mtu && !keptSet ? 'pin' : undefined;
}

/**
 * A Linux bridge that stays but that the file gives no port. The kernel turns a bridge's carrier
 * off when its last port leaves, and only a port joining turns it on again, while a new bridge
 * that never had a port has carrier (state UNKNOWN, with IPv6's link-local address and ff00::/8
 * route). So a bridge whose last ports leave now, or left before, is made again, as a fresh up
 * has it: 'replace' with why; else undefined.
 * Not a bridge with STP on: the kernel turns its carrier off when STP starts with no port up, so
 * a new one has none either (and one that had STP on keeps it off when STP stops; then the file
 * turns STP off and the bridge is made again by this rule, as it should be).
 */
export function bridgeCarrierRule(p: Planner, want: DesiredLink, l: ObservedLink): { replace: string } | undefined {
  if (want.kind !== 'bridge' || l.kind !== 'bridge' || !l.up || want.bridge?.stp === true) return undefined;
  const portsInFile = [...(p.d.links.get(want.ns)?.values() ?? [])].some((x) => x.master === want.name);
  const uplinked = want.ns === HOST && p.d.spec.uplinks.some((u) => u.kind === 'bridge' && (u.bridge === want.bridge?.logical || u.bridge === want.name));
  if (portsInFile || uplinked) return undefined;
  const portsNow = [...(p.views.get(want.ns)?.byName.values() ?? [])].some((x) => x.master === l.name);
  if (portsNow) return { replace: 'the file gives it no port, and a bridge whose last port leaves has no carrier where a new one has it' };
  if (l.carrier === false) return { replace: 'it lost its last port, so it has no carrier where a new one has it' };
  return undefined;
}

export const linuxBridge: BridgeBackend = {
  type: 'linux',
  kernelMaster: true,
  plan(p: Planner): void {
    for (const b of p.d.spec.bridges) {
      if (bridgeType(b) !== 'linux') continue;
      const ns = b.node !== undefined ? p.d.nsOfNode.get(b.node)! : HOST;
      if (ns !== HOST && !p.ours.has(ns)) continue;
      const k = key(ns, b.name);
      if (p.kept.has(k)) continue;
      if (ns === HOST && p.views.get(HOST)?.byName.has(b.name) && !p.gone.has(k)) continue; // refused
      p.making.add(k);
      const a: Action = { op: 'create-bridge', name: b.name, target: `bridge ${b.name}${ns === HOST ? '' : ` in ${ns}`}`, reason: p.replace.has(k) ? `replacing: ${p.replace.get(k)}` : `new bridge ${b.logical}` };
      if (ns !== HOST) a.netns = ns;
      if (b.altname !== undefined) a.altname = b.altname;
      if (b.mtu !== undefined) a.mtu = b.mtu;
      if (b.stp !== undefined) a.stp = b.stp;
      p.add(a);
    }
  },
};
