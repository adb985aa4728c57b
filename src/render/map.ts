/**
 * The host map (api/map.ts) as text, and as a Graphviz graph: each namespace a box (cluster)
 * titled with its names, inode and processes, holding its links; bridge ports joined to their
 * bridge, veth ends joined across namespaces. The host's namespace comes first, the root.
 */
import type { HostMap, MapLink, MapNetns } from '../api/map.js';
import { dotAttrs, dotQuote } from './dot.js';

const MAX_PROCS = 3;

export function processSummary(ns: MapNetns): string {
  const parts = ns.processes.slice(0, MAX_PROCS).map((p) => (p.pids.length === 1 ? `${p.comm} (${p.pids[0]})` : `${p.comm} ×${p.pids.length}`));
  if (ns.processes.length > MAX_PROCS) parts.push(`+${ns.processes.length - MAX_PROCS} more`);
  return parts.join(', ');
}

const labels = (m: HostMap): Map<string, string> => new Map(m.netns.map((n) => [n.id, n.label]));

function linkText(l: MapLink, lab: Map<string, string>): string {
  const p = [l.name, l.kind ?? (l.name === 'lo' ? 'loopback' : 'device'), l.state];
  if (!l.up) p.push('(down)');
  if (l.master) p.push(`master ${l.master}`);
  if (l.addresses.length) p.push(l.addresses.join(' '));
  if (l.peer) p.push(`<-> ${lab.get(l.peer.netns) ?? l.peer.netns}:${l.peer.name}`);
  return p.join(' ');
}

/** One block per namespace: a title line, then one indented line per link. */
export function mapText(m: HostMap): string {
  const lab = labels(m);
  const out: string[] = [];
  for (const ns of m.netns) {
    const held = [...ns.names.map((n) => `/run/netns/${n}`), ...ns.mounts];
    const procs = processSummary(ns);
    out.push(`${ns.label} inode ${ns.inode}${held.length ? ` mounted ${held.join(' ')}` : ''}${procs ? ` processes ${procs}` : ''}`);
    for (const l of ns.links) out.push(`    ${linkText(l, lab)}`);
  }
  return `${out.join('\n')}\n`;
}

const nodeId = (ns: string, link: string): string => `${ns}/${link}`;

function linkNode(ns: MapNetns, l: MapLink): string {
  const text = [l.name, ...l.addresses].join('\n');
  const bridge = l.kind === 'bridge';
  return `    ${dotQuote(nodeId(ns.id, l.name))} [${dotAttrs({
    label: text,
    shape: bridge ? 'ellipse' : 'box',
    style: l.up ? 'filled' : 'filled,dashed',
    fillcolor: !l.up ? '#eeeeee' : l.state === 'UP' || l.state === 'UNKNOWN' ? '#d8f0d8' : '#f8e0c0',
  })}];`;
}

/** Graphviz DOT of the map; `lo` is left out of the picture. */
export function mapDot(m: HostMap): string {
  const lines = ['graph "nsnet-map" {', '  graph [rankdir=LR, fontname="sans-serif", compound=true];', '  node [fontname="sans-serif", fontsize=10];'];
  m.netns.forEach((ns, i) => {
    const title = [ns.label, `inode ${ns.inode}`, ...ns.names.filter((n) => n !== ns.label), ...ns.mounts, processSummary(ns)].filter((x) => x).join('\n');
    lines.push(`  subgraph ${dotQuote(`cluster_${i}`)} {`, `    graph [${dotAttrs({ label: title, style: ns.host ? 'bold' : 'rounded' })}];`);
    const shown = ns.links.filter((l) => l.name !== 'lo');
    if (!shown.length) lines.push(`    ${dotQuote(`${ns.id}/`)} [shape=point, style=invis];`);
    for (const l of shown) lines.push(linkNode(ns, l));
    for (const l of shown) if (l.master && shown.some((b) => b.name === l.master)) lines.push(`    ${dotQuote(nodeId(ns.id, l.name))} -- ${dotQuote(nodeId(ns.id, l.master))};`);
    lines.push('  }');
  });
  for (const [a, b] of m.veths) lines.push(`  ${dotQuote(nodeId(a.netns, a.name))} -- ${dotQuote(nodeId(b.netns, b.name))} [style=bold, color="#3060a0"];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
