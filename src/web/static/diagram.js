// The lab (or the host map) as cytoscape elements: nodes, bridges, the host, links between them;
// a link's state is a class (up / down / missing) that the events keep current.
const endId = (e) => (e.bridge !== undefined ? `b:${e.bridge}` : e.node !== undefined ? `n:${e.node}` : 'host');
const endLabel = (e) => [e.name, ...e.addresses].join('\n');
const stateClass = (up) => (up === true ? 'up' : up === false ? 'down' : 'missing');

export function labElements(view) {
  const els = [];
  const ids = new Set();
  const add = (el) => {
    if (!ids.has(el.data.id)) els.push(el);
    ids.add(el.data.id);
  };
  for (const n of view.nodes) add({ data: { id: `n:${n.name}`, label: n.name, kind: 'node' }, classes: `node ${n.state === 'up' ? '' : 'missing'}` });
  for (const b of view.bridges) add({ data: { id: `b:${b.logical}`, label: b.node ? `${b.logical} (in ${b.node})` : b.logical, kind: 'bridge' }, classes: `bridge ${stateClass(b.up)}` });
  for (const l of view.links) {
    const [a, b] = l.ends;
    if (endId(a) === 'host' || (b && endId(b) === 'host')) add({ data: { id: 'host', label: 'host', kind: 'host' }, classes: 'host' });
    if (!b) add({ data: { id: `x:${l.id}`, label: l.kind, kind: 'outside' }, classes: 'host' });
    els.push({
      data: { id: `l:${l.id}`, link: l.id, source: endId(a), target: b ? endId(b) : `x:${l.id}`, sourceLabel: endLabel(a), targetLabel: b ? endLabel(b) : '' },
      classes: `link ${stateClass(l.up)}`,
    });
  }
  return els;
}

/** Put the view's live state on an existing diagram (no re-layout). */
export function updateLab(cy, view) {
  for (const l of view.links) {
    const e = cy.getElementById(`l:${l.id}`);
    if (!e.length) continue;
    e.removeClass('up down missing').addClass(stateClass(l.up));
    const [a, b] = l.ends;
    e.data({ sourceLabel: endLabel(a), targetLabel: b ? endLabel(b) : '' });
  }
  for (const n of view.nodes) cy.getElementById(`n:${n.name}`).toggleClass('missing', n.state !== 'up');
  for (const b of view.bridges) cy.getElementById(`b:${b.logical}`).removeClass('up down missing').addClass(stateClass(b.up));
}

/** The host map (GET /api/map): each namespace a node (the host's own grey), each veth pair an edge. */
export function mapElements(map) {
  const els = [];
  const link = (end) => map.netns.find((n) => n.id === end.netns)?.links.find((l) => l.name === end.name);
  for (const ns of map.netns) {
    els.push({ data: { id: ns.id, label: ns.host ? `host (${ns.label})` : ns.label, kind: 'netns' }, classes: ns.host ? 'host' : 'node' });
  }
  for (const [a, b] of map.veths) {
    const la = link(a);
    const lb = link(b);
    const up = la && lb ? la.up && lb.up : null;
    const label = (l, e) => [e.name, ...(l?.addresses ?? [])].join('\n');
    els.push({ data: { id: `v:${a.netns}/${a.name}`, source: a.netns, target: b.netns, sourceLabel: label(la, a), targetLabel: label(lb, b) }, classes: `link ${stateClass(up)}` });
  }
  return els;
}

export const style = [
  { selector: 'node', style: { label: 'data(label)', 'text-valign': 'center', 'font-size': 12, 'text-wrap': 'wrap', width: 'label', height: 26, padding: 8, shape: 'round-rectangle', 'background-color': '#dbe7ff', 'border-width': 1, 'border-color': '#4d6fb3' } },
  { selector: 'node.bridge', style: { shape: 'diamond', height: 44, width: 44, 'background-color': '#fff1cc', 'border-color': '#b38a1a', 'text-valign': 'bottom', 'text-margin-y': 4 } },
  { selector: 'node.host', style: { 'background-color': '#e8e8e8', 'border-color': '#777' } },
  { selector: 'node.missing', style: { 'border-style': 'dashed', opacity: 0.6 } },
  { selector: 'node:selected', style: { 'border-width': 3 } },
  { selector: 'edge', style: { width: 3, 'curve-style': 'bezier', 'line-color': '#1a7f37', 'font-size': 10, 'text-wrap': 'wrap', 'source-label': 'data(sourceLabel)', 'target-label': 'data(targetLabel)', 'source-text-offset': 42, 'target-text-offset': 42, 'text-background-color': '#fff', 'text-background-opacity': 0.85, 'text-background-padding': 1 } },
  { selector: 'edge.down', style: { 'line-color': '#c62828', 'line-style': 'dashed' } },
  { selector: 'edge.missing', style: { 'line-color': '#999', 'line-style': 'dotted' } },
  { selector: 'edge:selected', style: { width: 5 } },
];
