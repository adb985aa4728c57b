/**
 * labStatus(spec): the lab's nodes, links, addresses and routes as the kernel has them, and the
 * drift between the file and the kernel (what `up` would change, with reasons). Read-only.
 */
import type { Action, Refusal } from '../plan/actions.js';
import { HOST } from '../plan/desired.js';
import { describeRoute } from '../plan/keys.js';
import type { ObservedLab, ObservedLink } from '../plan/observed.js';
import { planLab } from '../plan/plan.js';
import type { LabSpec } from '../topology/model.js';
import { observeLab } from './observe.js';
import { readRecord, type LabRecord } from './state.js';

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
  if (l.peerNetns !== undefined && l.peerIndex !== undefined) {
    const links = l.peerNetns === HOST ? o.host.links : o.namespaces[l.peerNetns]?.links;
    const p = links?.find((x) => x.index === l.peerIndex);
    if (p) s.peer = `${l.peerNetns === HOST ? 'host' : l.peerNetns}:${p.name}`;
  }
  if (!known && ns !== HOST) s.extra = true;
  return s;
}

export async function labStatus(spec: LabSpec, record: LabRecord | undefined = readRecord(spec.name)): Promise<LabStatus> {
  const { observed: o, handles } = await observeLab(spec, record);
  handles.closeAll();
  const plan = planLab(spec, o);
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
  const host = o.host.links.filter((l) => l.alias === `nsnet:${spec.name}`).map((l) => linkStatus(l, o, HOST, o.host.addresses, true));
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
  if (record?.file !== undefined) out.file = record.file;
  if (record?.error !== undefined) out.error = record.error;
  return out;
}

/** Status as text, for `nsnet status`. */
export function renderStatus(s: LabStatus): string {
  const lines: string[] = [];
  const n = (k: number, noun: string): string => `${k} ${noun}${k === 1 ? '' : 's'}`;
  const state = s.state === 'down' ? 'not up (no record)' : s.state === 'applying' ? 'an up is running or was interrupted' : s.state === 'failed' ? `the last up failed${s.error ? `: ${s.error}` : ''}` : 'up';
  lines.push(`lab ${s.lab}${s.file ? ` (${s.file})` : ''}: ${state}; ${n(s.counts.nodes, 'node')}, ${n(s.counts.links, 'link')}, ${n(s.counts.bridges, 'bridge')}; ${s.inSync ? 'in sync with the file' : `${n(s.drift.length + s.refusals.length, 'difference')} from the file`}`);
  const link = (l: LinkStatus) => {
    const parts = [l.name.padEnd(15), (l.kind ?? '-').padEnd(7), l.up ? 'UP  ' : 'DOWN'];
    if (l.mtu !== undefined) parts.push(`mtu ${l.mtu}`);
    if (l.master) parts.push(`master ${l.master}`);
    if (l.peer) parts.push(`peer ${l.peer}`);
    if (l.addresses.length) parts.push(l.addresses.join(' '));
    if (l.extra) parts.push('(not in the file)');
    return `    ${parts.join('  ')}`;
  };
  for (const n of s.nodes) {
    lines.push(`  node ${n.name}${n.netns !== n.name ? ` (namespace ${n.netns})` : ''}: ${n.state === 'up' ? 'up' : n.state === 'missing' ? 'missing' : `a namespace ${n.owner ? `of lab ${n.owner}` : 'the lab did not make'}`}`);
    for (const l of n.links) lines.push(link(l));
    for (const r of n.routes) lines.push(`    route ${r}`);
  }
  if (s.host.length) {
    lines.push('  host namespace:');
    for (const l of s.host) lines.push(link(l));
  }
  for (const [nic, e] of Object.entries(s.uplinks.uplinks)) lines.push(`  uplink: host NIC ${nic} in ${e.bridge} (was ${e.wasUp ? 'up' : 'down'} before)`);
  if (s.uplinks.nat) lines.push(`  uplink: NAT of ${s.uplinks.nat.subnets.join(', ')} (nftables table ip ${s.uplinks.nat.table})`);
  if (s.refusals.length) {
    lines.push('  problems:');
    for (const r of s.refusals) lines.push(`    ! ${r.message}`);
  }
  if (s.drift.length) {
    lines.push('  drift (what up would change):');
    for (const a of s.drift) lines.push(`    ${a.op} ${a.target}: ${a.reason}`);
  }
  return lines.join('\n');
}
