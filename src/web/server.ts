/**
 * `nsnet ui`'s server: hono on node's http server, WebSockets by ws, the page's static files and
 * the browser libraries served from node_modules. It owns no state: every answer is read from
 * the apply layer and the api when asked; the only things it holds are the shells it started
 * and the event feeds its pages watch, both ended when their page or the server goes.
 */
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createAdaptorServer, upgradeWebSocket } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { WebSocketServer, type WebSocket } from 'ws';
import { packagePath } from '../api/packagedir.js';
import { cookieName, judge, newToken, type Gate } from './auth.js';
import { EventHub, type Source } from './events.js';
import { labSpec, labSummaries, labView, nodeDetail, setLinkState } from './labs.js';
import { attachTerminal } from './terminal-ws.js';
import { Shells } from './terminals.js';

export interface UiOptions {
  /** The lab the page opens on; none: the host map. */
  lab?: string;
  port?: number;
  listen?: string;
  /** Fixed token (tests); default a random one. */
  token?: string;
  /** Where events come from: a subject is `lab:NAME` or `host`. */
  events?: (subject: string) => Source;
  /** The host map (GET /api/map). */
  map?: () => Promise<unknown>;
}

export interface UiServer {
  url: string;
  port: number;
  token: string;
  shells: Shells;
  hub: EventHub;
  close(): Promise<void>;
}

export const isLoopback = (addr: string): boolean => addr === 'localhost' || addr === '::1' || /^127\./u.test(addr);

/** The browser files, each from its own package: URL prefix → directory. */
function assetDirs(): Record<string, string> {
  const req = createRequire(packagePath('package.json'));
  const xterm = dirname(req.resolve('@xterm/xterm'));
  return {
    '/static': packagePath('src', 'web', 'static'),
    '/vendor/xterm': xterm,
    '/vendor/xterm-css': join(xterm, '..', 'css'),
    '/vendor/xterm-fit': dirname(req.resolve('@xterm/addon-fit')),
    '/vendor/cytoscape': dirname(req.resolve('cytoscape')),
  };
}

/** A failure as JSON: 404 for a lab, node or link that is not there, 400 for bad input, else 500. */
function failure(c: Context, e: unknown): Response {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const status = code === 'NO_LAB' || code === 'NO_NODE' || code === 'NO_LINK' ? 404 : code === 'INVALID_NAME' ? 400 : 500;
  return c.json({ error: message, code: code ?? 'INTERNAL' }, status);
}

function routes(app: Hono, opts: UiOptions, shells: Shells, hub: EventHub): void {
  const dirs = assetDirs();
  for (const [prefix, root] of Object.entries(dirs)) {
    app.get(`${prefix}/*`, serveStatic({ root, rewriteRequestPath: (p) => p.slice(prefix.length) }));
  }
  app.get('/', serveStatic({ root: dirs['/static']!, path: 'index.html' }));
  app.get('/api/session', (c) => c.json({ lab: opts.lab ?? null }));
  app.get('/api/labs', (c) => c.json(labSummaries()));
  app.get('/api/labs/:name', async (c) => {
    try {
      return c.json(await labView(c.req.param('name')));
    } catch (e) {
      return failure(c, e);
    }
  });
  app.get('/api/labs/:name/nodes/:node', async (c) => {
    try {
      return c.json(await nodeDetail(c.req.param('name'), c.req.param('node')));
    } catch (e) {
      return failure(c, e);
    }
  });
  app.post('/api/labs/:name/links/:id', async (c) => {
    const body = await c.req.json().catch(() => undefined) as { up?: unknown } | undefined;
    if (typeof body?.up !== 'boolean') return c.json({ error: 'the body must be {"up": true} or {"up": false}', code: 'BAD_REQUEST' }, 400);
    try {
      await setLinkState(c.req.param('name'), c.req.param('id'), body.up);
      return c.json({ ok: true });
    } catch (e) {
      return failure(c, e);
    }
  });
  app.get('/api/map', async (c) => {
    if (!opts.map) return c.json({ error: 'the host map is not available in this build', code: 'NO_MAP' }, 501);
    try {
      return c.json(await opts.map());
    } catch (e) {
      return failure(c, e);
    }
  });
  app.get('/api/events', upgradeWebSocket((c) => {
    const lab = c.req.query('lab');
    return {
      onOpen: (_e, ws) => {
        const raw = ws.raw as WebSocket;
        if (!opts.events) return raw.close(1011, 'no event source in this build');
        if (lab !== undefined) {
          try {
            labSpec(lab);
          } catch (e) {
            return raw.close(4404, (e instanceof Error ? e.message : String(e)).slice(0, 120));
          }
        }
        hub.watch(lab !== undefined ? `lab:${lab}` : 'host', raw);
      },
    };
  }));
  app.get('/api/labs/:name/nodes/:node/terminal', upgradeWebSocket((c) => {
    const lab = c.req.param('name') ?? '';
    const node = c.req.param('node') ?? '';
    const q = { cols: c.req.query('cols'), rows: c.req.query('rows') };
    return { onOpen: (_e, ws) => attachTerminal(ws.raw as WebSocket, shells, lab, node, q) };
  }));
}

/** Start the server; resolves once it listens. */
export async function startUi(opts: UiOptions = {}): Promise<UiServer> {
  const listen = opts.listen ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const gate: Gate = { token, port: 0, loopback: isLoopback(listen) };
  const shells = new Shells();
  const hub = new EventHub(opts.events ?? (() => async function* () {}));
  const app = new Hono();
  app.use('*', async (c, next) => {
    const v = judge(gate, { url: c.req.url, headers: { get: (n) => c.req.header(n) } });
    if (!v.ok) return c.text(`${v.message}\n`, v.status);
    if (v.viaQuery && c.req.path === '/') {
      c.header('set-cookie', `${cookieName(gate.port)}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    }
    await next();
  });
  routes(app, opts, shells, hub);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: listen, websocket: { server: wss } });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8043, listen, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  gate.port = port;
  const host = listen.includes(':') ? `[${listen}]` : listen;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    token,
    shells,
    hub,
    async close() {
      hub.close();
      for (const ws of wss.clients) ws.terminate();
      await shells.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
