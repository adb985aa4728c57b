/**
 * A lab's status as text, for `nsnet status` (the data: src/apply/status.ts, labStatus).
 */
import type { LabStatus, LinkStatus } from '../apply/status.js';

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
