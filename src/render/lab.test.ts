/**
 * The lab picture from the examples: every vertex reachable (issue 12 finding 5: a bridge inside
 * a node is joined to that node), live state drawn (down links), the impairment hook, and
 * Mermaid text that GitHub accepts (quoted labels, no raw quotes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTopology } from '../topology/parse.js';
import type { LabSpec } from '../topology/model.js';
import { graphDotOf, graphMermaidOf, labGraph, type LabGraph } from './lab.js';

function root(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}
const example = (name: string): LabSpec => {
  const r = parseTopology(readFileSync(join(root(), 'examples', name), 'utf8'), name);
  assert.ok(r.ok, name);
  return r.lab;
};

function components(g: LabGraph): string[][] {
  const adj = new Map(g.vertices.map((v) => [v.id, new Set<string>()]));
  for (const e of g.edges) {
    adj.get(e.a)!.add(e.b);
    adj.get(e.b)!.add(e.a);
  }
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const v of adj.keys()) {
    if (seen.has(v)) continue;
    const comp: string[] = [];
    const stack = [v];
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      comp.push(x);
      stack.push(...adj.get(x)!);
    }
    out.push(comp);
  }
  return out;
}

test('leaf-spine: a bridge inside a node is joined to it; every example is drawn in one piece', () => {
  const g = labGraph(example('leaf-spine.yaml'));
  for (const [bridge, node] of [['l1-hosts', 'l1'], ['l2-hosts', 'l2']]) {
    const e = g.edges.find((x) => x.a === `n:${node}` && x.b === `b:${bridge}`);
    assert.ok(e, `${bridge} is joined to ${node}`);
    assert.equal(e.style, 'dotted');
  }
  assert.match(graphDotOf(g), /"n:l1" -- "b:l1-hosts" \[label="in l1", style="dotted"\];/);
  for (const name of ['leaf-spine.yaml', 'router.yaml', 'seed.yaml']) {
    const comps = components(labGraph(example(name)));
    assert.equal(comps.length, 1, `${name}: ${JSON.stringify(comps)}`);
  }
});

test('live state: a link with an end down is drawn down (red, dashed) and nothing else is', () => {
  const spec = example('router.yaml');
  const g = labGraph(spec, { live: { linkUp: (node, ifname) => !(node === 'h1' && ifname === 'eth0'), nodeMissing: (n) => n === 'h2' } });
  const down = g.edges.filter((e) => e.down);
  assert.deepEqual(down.map((e) => [e.a, e.b]), [['n:h1', 'n:r1']]);
  assert.ok(g.vertices.find((v) => v.id === 'n:h2')?.missing);
  const dot = graphDotOf(g);
  assert.match(dot, /"n:h1" -- "n:r1" \[taillabel="eth0", headlabel="eth0", label="down", style="dashed", color="red"\];/);
  assert.doesNotMatch(dot.split('\n').filter((l) => !l.includes('"n:h1" --')).join('\n'), /color="red"/);
  const mm = graphMermaidOf(g);
  const idx = g.edges.indexOf(down[0]!);
  assert.match(mm, new RegExp(`linkStyle ${idx} stroke:#d00`));
  // An interface the kernel does not have counts as down.
  const missing = labGraph(spec, { live: { linkUp: (node) => (node === 'h2' ? undefined : true) } });
  assert.deepEqual(missing.edges.filter((e) => e.down).map((e) => e.a), ['n:h2']);
});

test('the annotate hook adds lines to a link (impairments)', () => {
  const g = labGraph(example('router.yaml'), { annotate: (l) => (l.kind === 'veth' && l.a.node === 'h1' ? ['loss 5%'] : []) });
  const e = g.edges.find((x) => x.a === 'n:h1')!;
  assert.deepEqual(e.notes, ['loss 5%']);
  assert.match(graphDotOf(g), /label="loss 5%"/);
  assert.match(graphMermaidOf(g), /\|"eth0 – eth0<br\/>loss 5%"\|/);
});

test('Mermaid: a flowchart with one line per vertex and edge, labels quoted and escaped', () => {
  const spec = example('leaf-spine.yaml');
  spec.nodes[0]!.interfaces[0]!.logical = 'a"b<c>';
  const g = labGraph(spec);
  const mm = graphMermaidOf(g);
  const lines = mm.trim().split('\n');
  assert.equal(lines[0], 'graph LR');
  assert.equal(lines.length, 1 + g.vertices.length + g.edges.length);
  for (const l of lines.slice(1)) assert.match(l, /^ {2}v\d+/u);
  assert.ok(!/[^|([{]"[^"]*"[^"]*"[^|)\]}]/u.test(mm.replace(/"[^"]*"/gu, '""')), 'no unescaped quote inside a label');
  assert.match(mm, /a#quot;b#lt;c#gt;/u);
});

test('SVG: the DOT drawn by Graphviz compiled to WebAssembly, no binary needed', async () => {
  const { dotToSvg } = await import('./dot.js');
  const svg = await dotToSvg(graphDotOf(labGraph(example('leaf-spine.yaml'))));
  assert.match(svg, /^<\?xml|<svg/u);
  for (const name of ['s1', 's2', 'l1', 'l2', 'h11', 'h22', 'l1-hosts']) assert.match(svg, new RegExp(`>${name.replace(/-/gu, '&#45;')}<`, 'u'), name);
  assert.equal((svg.match(/class="edge"/gu) ?? []).length, labGraph(example('leaf-spine.yaml')).edges.length);
});
