// nsnet ui: the lab as a live diagram, a panel per node, a terminal per node; with no lab, the
// host map. Everything comes from the JSON API (net.js); window.nsnet exposes the state for
// scripting and tests.
import cytoscape from '/vendor/cytoscape/cytoscape.esm.min.mjs';
import { api, enc, socket } from './net.js';
import { labElements, mapElements, style, updateLab } from './diagram.js';
import { openTerminal, openTerminals } from './terminals.js';

const $ = (id) => document.getElementById(id);
const h = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};
const state = { lab: null, view: null, cy: null, events: null, refreshes: 0, eventsSeen: 0 };
window.nsnet = { state, openTerminal: (node) => openTerminal(state.lab, node), openTerminals };

function status(text) {
  $('status').textContent = text;
}

function table(head, rows) {
  const t = h('table');
  t.append(h('tr', {}, ...head.map((x) => h('th', { textContent: x }))));
  for (const r of rows) t.append(h('tr', {}, ...r.map((x) => h('td', { textContent: x ?? '' }))));
  return t;
}

async function showNode(node) {
  const p = $('panel');
  p.replaceChildren(h('h2', { textContent: `node ${node}` }), h('button', { textContent: 'terminal', onclick: () => openTerminal(state.lab, node) }));
  let d;
  try {
    d = await api(`/api/labs/${enc(state.lab)}/nodes/${enc(node)}`);
  } catch (e) {
    return p.append(h('p', { className: 'down', textContent: e.message }));
  }
  p.append(
    h('p', { className: 'hint', textContent: `namespace ${d.netns}` }),
    h('h3', { textContent: 'interfaces' }),
    table(['name', 'state', 'mtu', 'mac'], d.links.map((l) => [l.ifname, l.operstate === 'UNKNOWN' ? (l.flags.includes('UP') ? 'UP' : 'DOWN') : l.operstate, String(l.mtu ?? ''), l.address])),
    h('h3', { textContent: 'addresses' }),
    table(['dev', 'address', 'scope'], d.addresses.map((a) => [a.ifname, a.cidr, a.scope])),
    h('h3', { textContent: 'routes' }),
    table(['to', 'via', 'dev', 'proto'], d.routes.filter((r) => r.table === 'main' || r.table === 254).map((r) => [r.dst, r.gateway, r.dev, r.protocol])),
    h('h3', { textContent: 'neighbours' }),
    table(['address', 'dev', 'lladdr', 'state'], d.neighbours.map((n) => [n.dst, n.dev, n.lladdr, n.state.join(',')])),
  );
}

function showLink(id) {
  const l = state.view?.links.find((x) => x.id === id);
  if (!l) return;
  const p = $('panel');
  // After the change the panel is drawn again from the refreshed view (it showed the old state).
  const set = (up) => api(`/api/labs/${enc(state.lab)}/links/${enc(id)}`, { method: 'POST', body: JSON.stringify({ up }) }).then(refresh).then(() => showLink(id), (e) => status(e.message));
  p.replaceChildren(
    h('h2', { textContent: `link ${id}` }),
    h('p', {}, h('span', { className: l.up ? 'up' : 'down', textContent: l.up === true ? 'up' : l.up === false ? 'down' : 'not there' })),
    table(['node', 'interface', 'state', 'addresses'], l.ends.map((e) => [e.node ?? 'host', e.name + (e.bridge ? ` (port of ${e.bridge})` : ''), e.up ? 'UP' : 'DOWN', e.addresses.join(' ')])),
    h('p', {}, h('button', { textContent: 'set down', onclick: () => set(false) }), h('button', { textContent: 'set up', onclick: () => set(true) })),
  );
}

function draw(elements, layout) {
  state.cy?.destroy();
  state.cy = cytoscape({ container: $('graph'), elements, style, layout, maxZoom: 1.6, minZoom: 0.05, wheelSensitivity: 0.3 });
  window.nsnet.cy = state.cy;
  state.cy.on('tap', 'node.node', (e) => state.lab && showNode(e.target.id().slice(2)));
  state.cy.on('tap', 'edge', (e) => state.lab && showLink(e.target.data('link')));
}

let pending = null;
async function refresh() {
  if (!state.lab) return refreshMap().catch((e) => status(e.message));
  try {
    state.view = await api(`/api/labs/${enc(state.lab)}`);
    state.refreshes++;
    updateLab(state.cy, state.view);
    status(`lab ${state.lab}: ${state.view.state}${state.view.inSync ? '' : ' (differs from its file)'}`);
  } catch (e) {
    status(e.message);
  }
}
/** Events come in bursts: one refresh per burst, at most ~100 ms after it starts. */
function scheduleRefresh() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    void refresh();
  }, state.lab ? 100 : 500);
}

/** A link event changes its end's state on the diagram at once; the refresh that follows fills in the rest. */
function applyLinkEvent(ev) {
  let hit = false;
  for (const l of state.view.links) {
    for (const e of l.ends) {
      if ((e.netns ?? 'host') !== ev.netns || e.name !== ev.link.ifname) continue;
      e.up = ev.action === 'new' ? ev.link.flags.includes('UP') : null;
      hit = true;
    }
    l.up = l.ends.some((e) => e.up === null) ? null : l.ends.every((e) => e.up);
  }
  if (hit) updateLab(state.cy, state.view);
}

function watchEvents(query) {
  state.events?.close();
  const ws = socket('/api/events', query);
  state.events = ws;
  ws.onmessage = (m) => {
    state.eventsSeen++;
    let ev;
    try {
      ev = JSON.parse(m.data);
    } catch {
      return;
    }
    if (ev.type === 'error') return status(`events stopped: ${ev.message} (reconnecting)`);
    if (ev.type === 'link' && state.lab && state.view) applyLinkEvent(ev);
    scheduleRefresh();
  };
  ws.onclose = () => {
    if (state.events === ws) setTimeout(() => state.events === ws && watchEvents(query), 2000);
  };
}

async function showLab(name) {
  state.lab = name;
  state.view = await api(`/api/labs/${enc(name)}`);
  const n = state.view.nodes.length + state.view.bridges.length;
  draw(labElements(state.view), n <= 60 ? { name: 'breadthfirst', directed: false, spacingFactor: 1.6, padding: 60, animate: false } : { name: 'grid' });
  updateLab(state.cy, state.view);
  status(`lab ${name}: ${state.view.state}`);
  watchEvents({ lab: name });
}

function showNetns(ns) {
  if (!ns) return;
  $('panel').replaceChildren(
    h('h2', { textContent: `namespace ${ns.label}` }),
    h('p', { className: 'hint', textContent: [`inode ${ns.inode}`, ...ns.mounts, ...ns.processes.map((p) => `${p.comm} (${p.pids.join(' ')})`)].join('; ') }),
    h('h3', { textContent: 'links' }),
    table(['name', 'kind', 'state', 'addresses', 'peer'], ns.links.map((l) => [l.name, l.kind ?? '', l.state, l.addresses.join(' '), l.peer ? `${l.peer.netns}:${l.peer.name}` : (l.master ? `port of ${l.master}` : '')])),
  );
}

async function showMap() {
  state.lab = null;
  status('host map');
  try {
    const map = await api('/api/map');
    state.map = map;
    drawMap(map);
    watchEvents({});
  } catch (e) {
    status(`host map: ${e.message}`);
  }
}

/** The map again: new or vanished namespaces or pairs redraw it; otherwise states and labels change in place. */
async function refreshMap() {
  const map = await api('/api/map');
  state.map = map;
  state.refreshes++;
  const els = mapElements(map);
  const ids = new Set(els.map((e) => e.data.id));
  if (ids.size !== state.cy.elements().length || state.cy.elements().some((e) => !ids.has(e.id()))) return drawMap(map);
  for (const el of els) state.cy.getElementById(el.data.id).data(el.data).classes(el.classes);
  status(`host map: ${map.netns.length} namespaces, ${map.veths.length} veth pairs`);
}

function drawMap(map) {
  draw(mapElements(map), map.netns.length <= 60 ? { name: 'breadthfirst', directed: false, spacingFactor: 1.4, padding: 40, animate: false } : { name: 'grid' });
  state.cy.on('tap', 'node', (e) => showNetns(state.map.netns.find((n) => n.id === e.target.id())));
  status(`host map: ${map.netns.length} namespaces, ${map.veths.length} veth pairs`);
}

async function main() {
  const [session, labs] = await Promise.all([api('/api/session'), api('/api/labs')]);
  const want = location.hash === '#map' ? null : location.hash.startsWith('#lab=') ? decodeURIComponent(location.hash.slice(5)) : session.lab;
  $('labs').replaceChildren(
    h('a', { href: '#map', textContent: 'host map', className: want ? '' : 'current' }),
    ...labs.map((l) => h('a', { href: `#lab=${enc(l.name)}`, textContent: `${l.name} (${l.nodes})`, className: l.name === want ? 'current' : '' })),
  );
  if (want) await showLab(want);
  else await showMap();
  window.nsnet.ready = true;
}

// The canvas changes size when a terminal opens or closes (the panel takes the bottom of the
// page) or the window does: cytoscape is told, and the drawing fits the new canvas.
new ResizeObserver(() => {
  if (!state.cy) return;
  state.cy.resize();
  state.cy.fit(undefined, 40);
}).observe($('graph'));
window.addEventListener('hashchange', () => location.reload());
main().catch((e) => status(e.message));
