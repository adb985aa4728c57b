// A terminal per node (xterm.js + its fit addon), several at once as tabs, each on its own
// WebSocket to a shell in the node's namespace; resized with its box.
import { Terminal } from '/vendor/xterm/xterm.mjs';
import { FitAddon } from '/vendor/xterm-fit/addon-fit.mjs';
import { enc, socket } from './net.js';

const open = new Map(); // node -> { term, ws, tab, screen }
const tabs = () => document.getElementById('tabs');
const screens = () => document.getElementById('screens');

function show(node) {
  for (const [n, t] of open) {
    t.tab.classList.toggle('current', n === node);
    t.screen.classList.toggle('current', n === node);
  }
  document.getElementById('terminals').classList.toggle('open', open.size > 0);
  const t = open.get(node);
  if (t) {
    t.fit.fit();
    t.term.focus();
  }
}

export function closeTerminal(node) {
  const t = open.get(node);
  if (!t) return;
  open.delete(node);
  t.ws.close();
  t.observer.disconnect();
  t.term.dispose();
  t.tab.parentElement.remove();
  t.screen.remove();
  show(open.keys().next().value);
}

export function openTerminal(lab, node) {
  if (open.has(node)) return show(node);
  const screen = Object.assign(document.createElement('div'), { className: 'screen' });
  screen.dataset.node = node;
  screens().append(screen);
  const tab = Object.assign(document.createElement('span'), {});
  const label = Object.assign(document.createElement('button'), { className: 'tab', textContent: node, onclick: () => show(node) });
  const x = Object.assign(document.createElement('button'), { className: 'tab', textContent: '×', title: 'close', onclick: () => closeTerminal(node) });
  tab.append(label, x);
  tabs().append(tab);
  const term = new Terminal({ fontSize: 13, convertEol: false, scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(screen);
  fit.fit();
  const ws = socket(`/api/labs/${enc(lab)}/nodes/${enc(node)}/terminal`, { cols: term.cols, rows: term.rows });
  ws.onmessage = (m) => {
    if (typeof m.data !== 'string') return term.write(new Uint8Array(m.data));
    const c = JSON.parse(m.data);
    if (c.type === 'exit') term.write(`\r\n\x1b[33m[${c.reason ?? `the shell ended (${c.code})`}]\x1b[0m\r\n`);
  };
  ws.onclose = () => term.write('\r\n\x1b[2m[disconnected]\x1b[0m\r\n');
  const send = (msg) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(msg));
  term.onData((data) => send({ type: 'input', data }));
  term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
  const observer = new ResizeObserver(() => screen.classList.contains('current') && fit.fit());
  observer.observe(screen);
  open.set(node, { term, ws, fit, tab: label, screen, observer });
  show(node);
}

export const openTerminals = () => [...open.keys()];
