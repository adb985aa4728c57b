/**
 * A terminal WebSocket joined to a shell in a lab node: output as binary frames (paused while
 * the socket's buffer is full), input and resizes from the page, the shell ended when the socket
 * closes and the socket closed when the shell ends (with the reason as a JSON text frame).
 */
import type { WebSocket } from 'ws';
import { Lab } from '../apply/lab.js';
import type { Shells } from './terminals.js';
import { parseClientMessage, sizeFromQuery } from './wsproto.js';

const HIGH_WATER = 1024 * 1024;

export function attachTerminal(ws: WebSocket, shells: Shells, lab: string, node: string, q: { cols: string | undefined; rows: string | undefined }): void {
  let netns: string;
  try {
    netns = Lab.byName(lab).netnsOf(node);
  } catch (e) {
    ws.send(JSON.stringify({ type: 'exit', code: -1, reason: e instanceof Error ? e.message : String(e) }));
    ws.close(4404, 'no such lab or node');
    return;
  }
  const { cols, rows } = sizeFromQuery(q.cols, q.rows);
  let closed = false;
  const early: string[] = [];
  ws.on('close', () => {
    closed = true;
  });
  ws.on('error', () => {});
  shells.open(netns, cols, rows).then((shell) => {
    if (closed) return shell.end('the page closed');
    ws.on('close', () => shell.end('the page closed'));
    let paused = false;
    shell.onData((d) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(Buffer.from(d, 'utf8'), { binary: true }, () => {
        if (paused && ws.bufferedAmount < HIGH_WATER / 4) {
          paused = false;
          shell.resume();
        }
      });
      if (!paused && ws.bufferedAmount > HIGH_WATER) {
        paused = true;
        shell.pause();
      }
    });
    shell.onExit((e) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify({ type: 'exit', code: e.code, ...(e.reason ? { reason: e.reason } : {}) }));
      ws.close(1000, 'the shell ended');
    });
    const handle = (raw: unknown) => {
      const m = parseClientMessage(raw);
      if (m?.type === 'input') shell.write(m.data);
      else if (m?.type === 'resize') shell.resize(m.cols, m.rows);
    };
    ws.off('message', buffer);
    for (const m of early) handle(m);
    ws.on('message', (data, isBinary) => handle(isBinary ? undefined : data.toString()));
  }, (e: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify({ type: 'exit', code: -1, reason: e instanceof Error ? e.message : String(e) }));
    ws.close(1011, 'cannot start the shell');
  });
  function buffer(data: unknown, isBinary: boolean): void {
    if (!isBinary && early.length < 100) early.push(String(data));
  }
  ws.on('message', buffer);
}
