/**
 * A lab as a picture: one neutral graph (vertices: nodes, bridges, the host; edges: links and
 * uplinks) built from the spec and, for a running lab, its live state; then written as Graphviz
 * DOT or Mermaid (which GitHub renders in Markdown). SVG is DOT drawn by render/dot.ts. Pure.
 *
 * A bridge that lives inside a node is joined to that node by a dotted edge ("in l1"), so it is
 * never drawn cut off from the node that holds it.
 */
import type { Endpoint, LabSpec, LinkSpec } from '../topology/model.js';
import { dotAttrs, dotQuote } from './dot.js';

export interface Vertex {
  id: string;
  kind: 'node' | 'bridge' | 'host';
  /** Lines: the name, then its addresses. */
  lines: string[];
  /** Live: the namespace is missing (not up, or deleted by hand). */
  missing?: boolean;
}

export interface Edge {
  a: string;
  b: string;
  /** Interface names at each end. */
  tail?: string;
  head?: string;
  /** Extra lines on the edge: the link kind, uplink, and what `annotate` adds (impairments). */
  notes: string[];
  style: 'solid' | 'dashed' | 'bold' | 'dotted';
  /** Live: an end of the link is down or missing. */
  down?: boolean;
}

export interface LabGraph {
  name: string;
  vertices: Vertex[];
  edges: Edge[];
}

/** What is known of a running lab: is the interface up? (undefined: it does not exist). `node` undefined = host. */
export interface LiveState {
  linkUp(node: string | undefined, ifname: string): boolean | undefined;
  nodeMissing?(node: string): boolean;
}

export interface GraphOptions {
  live?: LiveState;
  /** Lines to add to a link's edge (the runtime issue adds impairments: "loss 5%", "rate 1mbit"). */
  annotate?: (link: LinkSpec) => string[];
}

const vertexOf = (e: Endpoint): string => (e.bridge !== undefined ? `b:${e.bridge}` : e.node !== undefined ? `n:${e.node}` : 'host');

function endDown(live: LiveState, e: Endpoint): boolean {
  return live.linkUp(e.node, e.name) !== true;
}

export function labGraph(spec: LabSpec, o: GraphOptions = {}): LabGraph {
  const vertices: Vertex[] = [];
  const edges: Edge[] = [];
  for (const n of spec.nodes) {
    const v: Vertex = { id: `n:${n.name}`, kind: 'node', lines: [n.name, ...n.interfaces.flatMap((i) => i.addresses.map((a) => `${i.logical} ${a}`))] };
    if (o.live?.nodeMissing?.(n.name)) v.missing = true;
    vertices.push(v);
  }
  for (const b of spec.bridges) {
    vertices.push({ id: `b:${b.logical}`, kind: 'bridge', lines: [b.logical, ...b.addresses] });
    if (b.node !== undefined) edges.push({ a: `n:${b.node}`, b: `b:${b.logical}`, notes: [`in ${b.node}`], style: 'dotted' });
  }
  let host = false;
  for (const l of spec.links) {
    const notes = o.annotate?.(l) ?? [];
    if (l.kind === 'veth') {
      if (vertexOf(l.a) === 'host' || vertexOf(l.b) === 'host') host = true;
      const e: Edge = { a: vertexOf(l.a), b: vertexOf(l.b), tail: l.a.logical, head: l.b.logical, notes, style: 'solid' };
      if (o.live && (endDown(o.live, l.a) || endDown(o.live, l.b))) e.down = true;
      edges.push(e);
    } else {
      host = true;
      const e: Edge = { a: vertexOf(l.end), b: 'host', notes: [l.kind === 'macvlan' ? `macvlan on ${l.parent}` : `vxlan ${l.vni}`, ...notes], style: 'dashed' };
      if (o.live && endDown(o.live, l.end)) e.down = true;
      edges.push(e);
    }
  }
  for (const u of spec.uplinks) {
    host = true;
    edges.push({ a: `b:${u.bridge}`, b: 'host', notes: [u.kind === 'bridge' ? `uplink ${u.nic}` : 'NAT'], style: 'bold' });
  }
  if (host) vertices.unshift({ id: 'host', kind: 'host', lines: ['host'] });
  return { name: spec.name, vertices, edges };
}

const SHAPE = { node: 'box', bridge: 'ellipse', host: 'doubleoctagon' } as const;

/** Graphviz DOT; down links red and dashed with "down", missing nodes grey. */
export function graphDotOf(g: LabGraph): string {
  const lines = [`graph ${dotQuote(g.name)} {`, '  node [fontname="sans-serif"];'];
  for (const v of g.vertices) {
    lines.push(`  ${dotQuote(v.id)} [${dotAttrs({ shape: SHAPE[v.kind], label: v.lines.join('\n'), style: v.missing ? 'dashed' : undefined, color: v.missing ? 'grey' : undefined })}];`);
  }
  for (const e of g.edges) {
    const label = [...e.notes, ...(e.down ? ['down'] : [])].join('\n');
    const style = e.down ? 'dashed' : e.style === 'solid' ? undefined : e.style;
    lines.push(`  ${dotQuote(e.a)} -- ${dotQuote(e.b)} [${dotAttrs({ taillabel: e.tail, headlabel: e.head, label: label || undefined, style, color: e.down ? 'red' : undefined })}];`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** Mermaid text may not hold `"`; it takes HTML entities and <br/>. */
const mq = (s: string): string => `"${s.replace(/&/gu, '#amp;').replace(/"/gu, '#quot;').replace(/</gu, '#lt;').replace(/>/gu, '#gt;').replace(/\n/gu, '<br/>')}"`;

/** Mermaid flowchart (pastes into GitHub Markdown in a ```mermaid block). */
export function graphMermaidOf(g: LabGraph): string {
  const ids = new Map(g.vertices.map((v, i) => [v.id, `v${i}`]));
  const lines = ['graph LR'];
  for (const v of g.vertices) {
    const text = mq(v.lines.join('\n'));
    const id = ids.get(v.id)!;
    lines.push(`  ${v.kind === 'bridge' ? `${id}([${text}])` : v.kind === 'host' ? `${id}{{${text}}}` : `${id}[${text}]`}`);
    if (v.missing) lines.push(`  style ${id} stroke-dasharray: 5 5,color:#888`);
  }
  const down: number[] = [];
  g.edges.forEach((e, i) => {
    const label = [[e.tail, e.head].filter((x) => x !== undefined).join(' – '), ...e.notes, ...(e.down ? ['down'] : [])].filter((x) => x).join('\n');
    const arrow = e.down || e.style === 'dotted' || e.style === 'dashed' ? '-.-' : e.style === 'bold' ? '===' : '---';
    lines.push(`  ${ids.get(e.a)} ${arrow}${label ? `|${mq(label)}|` : ''} ${ids.get(e.b)}`);
    if (e.down) down.push(i);
  });
  if (down.length) lines.push(`  linkStyle ${down.join(',')} stroke:#d00,stroke-width:2px`);
  return `${lines.join('\n')}\n`;
}
