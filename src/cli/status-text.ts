/**
 * A lab's status as text, for `nsnet status` (the data: src/apply/status.ts, labStatus).
 */
import { formatImpair } from '../api/impairspec.js';
import type { LabStatus, LinkStatus, OvsBridgeStatus, OvsPortStatus } from '../apply/status.js';
import { refusalText } from '../plan/render.js';

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
    if (l.impair) parts.push(`impair ${formatImpair(l.impair)}`);
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
  for (const b of s.ovs ?? []) lines.push(...ovsLines(b));
  for (const [nic, e] of Object.entries(s.uplinks.uplinks)) lines.push(`  uplink: host NIC ${nic} in ${e.bridge} (was ${e.wasUp ? 'up' : 'down'} before)`);
  if (s.uplinks.nat) lines.push(`  uplink: NAT of ${s.uplinks.nat.subnets.join(', ')} (nftables table ip ${s.uplinks.nat.table})`);
  if (s.refusals.length) {
    lines.push('  problems:');
    for (const r of s.refusals) lines.push(`    ! ${refusalText(r, 'cli')}`);
  }
  if (s.drift.length) {
    lines.push('  drift (what up would change):');
    for (const a of s.drift) lines.push(`    ${a.op} ${a.target}: ${a.reason}`);
  }
  return lines.join('\n');
}


const vlanText = (p: { tag?: number; trunks?: number[] }): string =>
  p.tag !== undefined ? `tag ${p.tag}` : p.trunks?.length ? `trunks ${p.trunks.join(',')}` : 'all VLANs';

function portLine(p: OvsPortStatus): string {
  const want = p.want ? `file: ${vlanText(p.want)}` : '';
  const note = {
    ok: '',
    vlan: `(drift: ${want})`,
    missing: `(missing; ${want})`,
    extra: '(not in the file)',
    foreign: `(not made by this lab${p.owner ? `: lab ${p.owner}` : ''})`,
    error: `(error: ${p.error})`,
  }[p.state];
  const parts = [p.name.padEnd(15), p.state === 'missing' ? '-' : vlanText(p)];
  if (note) parts.push(note);
  if (p.error !== undefined && p.state !== 'error') parts.push(`(error: ${p.error})`);
  return `    ${parts.join('  ')}`;
}

/** An OVS bridge of the lab and its ports with their VLANs and drift, for `nsnet status`. */
function ovsLines(b: OvsBridgeStatus): string[] {
  const state = b.state === 'up' ? 'up' : b.state === 'missing' ? 'missing' : `made by ${b.owner ? `lab ${b.owner}` : 'something other than nsnet'}`;
  return [`  OVS bridge ${b.name}: ${state}`, ...b.ports.map(portLine)];
}
