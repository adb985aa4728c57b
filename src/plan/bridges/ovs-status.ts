/**
 * What `nsnet status` shows of the lab's Open vSwitch bridges: each bridge of the file with its
 * ports and their VLANs as OVSDB has them, next to what the file says, port by port. Pure: the
 * same DesiredLab and ObservedLab.ovs (src/apply/ovs.ts) the planner's OVS step reads.
 */
import type { ObservedPort } from '../../api/ovs/switch.js';
import type { DesiredLab } from '../desired.js';
import type { OvsPort } from '../kinds/create-ovs-bridge.js';
import type { ObservedLab } from '../observed.js';
import { ovsBridgesOf } from './ovs.js';

export interface OvsPortStatus {
  name: string;
  /** 'ok': as in the file; 'vlan': its tag or trunks differ; 'missing': the file has it, the bridge not;
   *  'extra': on the bridge, marked with the lab, not in the file; 'foreign': on the bridge, not made by the lab;
   *  'error': ovs-vswitchd reports an error for its interface. */
  state: 'ok' | 'vlan' | 'missing' | 'extra' | 'foreign' | 'error';
  /** As OVSDB has them (absent for a missing port). */
  tag?: number;
  trunks?: number[];
  /** As the file has them, when they differ or the port is missing. */
  want?: { tag?: number; trunks?: number[] };
  /** The lab that made it, for a foreign port of another lab. */
  owner?: string;
  error?: string;
}

export interface OvsBridgeStatus {
  name: string;
  /** 'up': there and the lab's; 'missing': not there; 'foreign': there, not made by the lab. */
  state: 'up' | 'missing' | 'foreign';
  owner?: string;
  ports: OvsPortStatus[];
}

const vlans = (p: { tag?: number; trunks?: number[] }): { tag?: number; trunks?: number[] } => ({
  ...(p.tag !== undefined ? { tag: p.tag } : {}),
  ...(p.trunks !== undefined && p.trunks.length ? { trunks: p.trunks } : {}),
});
const sameVlans = (a: { tag?: number; trunks?: number[] }, b: { tag?: number; trunks?: number[] }): boolean =>
  a.tag === b.tag && (a.trunks ?? []).join(',') === (b.trunks ?? []).join(',');

function portStatus(lab: string, want: OvsPort | undefined, have: ObservedPort | undefined): OvsPortStatus {
  if (!have) return { name: want!.name, state: 'missing', want: vlans(want!) };
  const s: OvsPortStatus = { name: have.name, state: 'ok', ...vlans(have) };
  if (have.lab !== lab) {
    s.state = 'foreign';
    if (have.lab !== undefined) s.owner = have.lab;
  } else if (!want) s.state = 'extra';
  else if (!sameVlans(want, have)) {
    s.state = 'vlan';
    s.want = vlans(want);
  } else if (have.error !== undefined) s.state = 'error';
  if (have.error !== undefined) s.error = have.error;
  return s;
}

/** The OVS bridges of the file, with their ports as OVSDB has them and as the file wants them. */
export function ovsStatus(d: DesiredLab, o: ObservedLab): OvsBridgeStatus[] {
  const lab = d.spec.name;
  const seen = o.ovs?.bridges ?? [];
  return ovsBridgesOf(d).map((w) => {
    const have = seen.find((b) => b.name === w.bridge.name);
    if (!have) return { name: w.bridge.name, state: 'missing', ports: w.ports.map((p) => portStatus(lab, p, undefined)) };
    const st: OvsBridgeStatus = { name: have.name, state: have.lab === lab ? 'up' : 'foreign', ports: [] };
    if (have.lab !== undefined) st.owner = have.lab;
    if (st.state === 'foreign') return st;
    const names = [...new Set([...w.ports.map((p) => p.name), ...have.ports.map((p) => p.name)])].sort();
    st.ports = names.map((n) => portStatus(lab, w.ports.find((p) => p.name === n), have.ports.find((p) => p.name === n)));
    return st;
  });
}
