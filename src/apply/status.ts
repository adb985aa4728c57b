/**
 * labStatus(spec): the lab's nodes, links, addresses and routes as the kernel has them, and the
 * drift between the file and the kernel (what `up` would change, with reasons). Read-only.
 */
import type { ImpairSpec } from '../api/impairspec.js';
import type { Action, Refusal } from '../plan/actions.js';
import { ovsStatus, type OvsBridgeStatus } from '../plan/bridges/ovs-status.js';
import { HOST, indexLab } from '../plan/desired.js';
import { describeRoute } from '../plan/keys.js';
import { markFor, type ObservedLab, type ObservedLink } from '../plan/observed.js';
import { planLab } from '../plan/plan.js';
import type { LabSpec } from '../topology/model.js';
import { observeLab } from './observe.js';
import { readRecord, type LabRecord } from './state.js';

export type { OvsBridgeStatus, OvsPortStatus } from '../plan/bridges/ovs-status.js';

export interface LinkStatus {
  name: string;
  kind?: string;
  up: boolean;
  mtu?: number;
  mac?: string;
  master?: string;
  /** "r1:eth0", "host:veth0" for a veth whose peer is where the file says. */
  peer?: string;
  addresses: string[];
  /** The file does not have it (made by hand, or left from an edit). */
  extra?: true;
  /** The impairment in force on traffic leaving it (a veth: its qdiscs, and the drop at its peer); drift says where it differs from the file. */
  impair?: ImpairSpec;
}

export interface NodeStatus {
  name: string;
  netns: string;
  /** 'up': exists and is the lab's; 'missing': not there; 'foreign': a namespace of that name the lab does not own. */
  state: 'up' | 'missing' | 'foreign';
  owner?: string;
  links: LinkStatus[];
  routes: string[];
}

export interface LabStatus {
  lab: string;
  file?: string;
  /** From the record: 'up', 'applying' (an up runs or was killed), 'failed'; 'down' without a record. */
  state: LabRecord['state'] | 'down';
  error?: string;
  counts: { nodes: number; links: number; bridges: number };
  nodes: NodeStatus[];
  /** The lab's links in the host namespace (bridges, bridge ports, host ends). */
  host: LinkStatus[];
  uplinks: LabRecord['effects'];
  /** The lab's Open vSwitch bridges with their ports' VLANs, as OVSDB has them and as the file wants them. */
  ovs?: OvsBridgeStatus[];
  /** What up would change, each with its reason: empty when the kernel matches the file. */
  drift: Action[];
  refusals: Refusal[];
  inSync: boolean;
}

function linkStatus(l: ObservedLink, o: ObservedLab, ns: string, addrs: { dev: string; cidr: string; family: 4 | 6; scope: string }[], known: boolean): LinkStatus {
  const s: LinkStatus = { name: l.name, up: l.up, addresses: addrs.filter((a) => a.dev === l.name && !(a.family === 6 && a.scope === 'link')).map((a) => a.cidr) };
  if (l.kind !== undefined) s.kind = l.kind;
  if (l.mtu !== undefined) s.mtu = l.mtu;
  if (l.mac !== undefined) s.mac = l.mac;
  if (l.master !== undefined) s.master = l.master;
  let p: ObservedLink | undefined;
  if (l.peerNetns !== undefined && l.peerIndex !== undefined) {
    const links = l.peerNetns === HOST ? o.host.links : o.namespaces[l.peerNetns]?.links;
    p = links?.find((x) => x.index === l.peerIndex);
    if (p) s.peer = `${l.peerNetns === HOST ? 'host' : l.peerNetns}:${p.name}`;
  }
  const impair: ImpairSpec = { ...(l.qdisc ?? {}), ...(p?.drop !== undefined ? { loss: p.drop } : {}) };
  if (Object.keys(impair).length) s.impair = impair;
  if (!known && ns !== HOST) s.extra = true;
  return s;
}

export async function labStatus(spec: LabSpec, record: LabRecord | undefined = readRecord(spec.name)): Promise<LabStatus> {
  const { observed: o, handles, index } = await observeLab(spec, record);
  handles.closeAll();
  const plan = planLab(spec, o, index);
  const known = new Set<string>();
  for (const s of [spec, ...(record?.spec ? [record.spec] : [])]) {
    for (const l of s.links) for (const e of l.kind === 'veth' ? [l.a, l.b] : [l.end]) known.add(e.name);
    for (const b of s.bridges) known.add(b.name);
  }
  const nodes: NodeStatus[] = spec.nodes.map((n) => {
    const x = o.namespaces[n.netns];
    const st: NodeStatus = { name: n.name, netns: n.netns, state: !x?.exists ? 'missing' : x.owner === spec.name ? 'up' : 'foreign', links: [], routes: [] };
    if (x?.owner !== undefined) st.owner = x.owner;
    if (st.state !== 'up' || !x) return st;
    st.links = x.links.filter((l) => l.name !== 'lo' || x.addresses.some((a) => a.dev === 'lo' && !a.cidr.startsWith('127.') && a.cidr !== '::1/128'))
      .map((l) => linkStatus(l, o, n.netns, x.addresses, known.has(l.name) || l.name === 'lo'));
    st.routes = x.routes
      .filter((r) => r.protocol !== 'kernel' && (r.type === undefined || r.type === 'unicast'))
      .map((r) => `${describeRoute({ ...r, table: r.table })}${r.protocol === 'static' ? '' : ` (proto ${r.protocol})`}`);
    return st;
  });
  const host = o.host.links.filter((l) => l.alias === markFor(spec.name)).map((l) => linkStatus(l, o, HOST, o.host.addresses, true));
  const out: LabStatus = {
    lab: spec.name,
    state: record?.state ?? 'down',
    counts: plan.counts,
    nodes,
    host,
    uplinks: o.effects,
    drift: plan.actions,
    refusals: plan.refusals,
    inSync: plan.noop,
  };
  const ovs = ovsStatus(indexLab(spec), o);
  if (ovs.length) out.ovs = ovs;
  if (record?.file !== undefined) out.file = record.file;
  if (record?.error !== undefined) out.error = record.error;
  return out;
}
