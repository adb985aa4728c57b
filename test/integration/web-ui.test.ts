// nsnet ui in a real browser (Debian's chromium driven by playwright-core, never a downloaded
// browser): examples/router.yaml drawn with every node, a link set down by the CLI turns its
// drawing down without a reload, h1's terminal runs `ip -br addr` in h1, shells end with their
// page and with the lab; without the token every request is refused, a foreign Origin too.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { examples, labSkip, namespaces, nsnet, ok } from '../helpers/lab.js';
import { alive, CHROMIUM, CHROMIUM_ARGS, chromiumSkip, startUiProcess, until, type UiProcess } from '../helpers/ui.js';

const skip = labSkip ?? chromiumSkip;
const dir = mkdtempSync(join(tmpdir(), 'nsnet-web-'));
let ui: UiProcess;
let ctx: BrowserContext;
let page: Page;

/** PIDs in a namespace (ip netns pids). */
const pidsIn = (ns: string): number[] => {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** Status of a request made with node (not the browser: no cookie), headers as given. */
async function status(path: string, headers: Record<string, string> = {}): Promise<number> {
  return (await fetch(`${ui.base}${path}`, { headers })).status;
}

/** How a WebSocket handshake ends: 'open' or the HTTP status that refused it. */
function handshake(path: string, origin?: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${ui.base.replace('http', 'ws')}${path}`, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', reject);
  });
}

before(async () => {
  if (skip) return;
  ok('up', join(examples, 'router.yaml'));
  ui = await startUiProcess('--lab', 'router');
  ctx = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
  page = await ctx.newPage();
  await page.goto(ui.url);
  await page.waitForFunction(() => (window as unknown as { nsnet?: { ready?: boolean } }).nsnet?.ready === true, undefined, { timeout: 15_000 });
});

after(async () => {
  if (skip) return;
  await ctx?.close();
  await ui?.stop();
  ok('down', '--lab', 'router');
});

test('the diagram shows every node of examples/router.yaml and its two links, up', { skip }, async () => {
  const drawn = await page.evaluate(() => {
    const cy = (window as unknown as { nsnet: { cy: { nodes(s: string): { map(f: (n: { id(): string }) => string): string[] }; edges(): { map(f: (e: { id(): string; classes(): string[] }) => string): string[] } } } }).nsnet.cy;
    return { nodes: cy.nodes('.node').map((n) => n.id()).sort(), edges: cy.edges().map((e) => `${e.id()} ${e.classes().includes('up') ? 'up' : 'not up'}`).sort() };
  });
  assert.deepEqual(drawn.nodes, ['n:h1', 'n:h2', 'n:r1']);
  assert.deepEqual(drawn.edges, ['l:h1:eth0--r1:eth0 up', 'l:h2:eth0--r1:eth1 up']);
});

test("a link set down with the CLI turns its drawing down, without a reload; up again turns it back", { skip }, async () => {
  const edgeDown = (id: string) => page.evaluate((i) => (window as unknown as { nsnet: { cy: { getElementById(x: string): { hasClass(c: string): boolean } } } }).nsnet.cy.getElementById(i).hasClass('down'), id);
  const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()));
  ok('-n', 'h1', 'link', 'set', 'eth0', 'down');
  const t0 = Date.now();
  assert.ok(await until(() => edgeDown('l:h1:eth0--r1:eth0'), 10_000), 'the link is drawn down');
  console.log(`# link down drawn ${Date.now() - t0} ms after nsnet link set returned`);
  assert.equal(await edgeDown('l:h2:eth0--r1:eth1'), false, 'the other link stays up');
  await page.screenshot({ path: join(dir, 'router-h1-link-down.png') });
  ok('-n', 'h1', 'link', 'set', 'eth0', 'up');
  assert.ok(await until(async () => !(await edgeDown('l:h1:eth0--r1:eth0')), 10_000), 'the link is drawn up again');
  assert.equal(await page.evaluate(() => (window as unknown as { marker: number }).marker), marker, 'the page was not reloaded');
});

/** Whether DEV in namespace NS is administratively up, as ip says. */
const upInKernel = (ns: string, dev: string): boolean => (JSON.parse(execFileSync('ip', ['-j', '-n', ns, 'link', 'show', dev], { encoding: 'utf8' })) as { flags: string[] }[])[0]!.flags.includes('UP');

test("the page's link controls: a click on the link, then on 'set down', and the kernel has both ends down and the drawing turns down; 'set up' undoes it", { skip }, async () => {
  const id = 'l:h1:eth0--r1:eth0';
  const drawn = () => page.evaluate((i) => {
    const e = (window as unknown as { nsnet: { cy: { getElementById(x: string): { hasClass(c: string): boolean } } } }).nsnet.cy.getElementById(i);
    return e.hasClass('down') ? 'down' : e.hasClass('up') ? 'up' : 'missing';
  }, id);
  const at = await page.evaluate((i) => {
    type Cy = { getElementById(x: string): { renderedMidpoint(): { x: number; y: number } }; container(): HTMLElement };
    const cy = (window as unknown as { nsnet: { cy: Cy } }).nsnet.cy;
    const p = cy.getElementById(i).renderedMidpoint();
    const r = cy.container().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, id);
  await page.mouse.click(at.x, at.y);
  await page.getByRole('heading', { name: 'link h1:eth0--r1:eth0' }).waitFor({ timeout: 5000 });
  for (const [button, up] of [['set down', false], ['set up', true]] as const) {
    const t0 = Date.now();
    await page.getByRole('button', { name: button }).click();
    assert.ok(await until(() => upInKernel('h1', 'eth0') === up && upInKernel('r1', 'eth0') === up, 5000), `${button}: ip -n h1/r1 link show eth0 ${up ? 'UP' : 'not UP'}`);
    assert.ok(await until(async () => (await drawn()) === (up ? 'up' : 'down'), 5000), `${button}: the link is drawn ${up ? 'up' : 'down'}`);
    assert.ok(await until(async () => (await page.locator('#panel span').first().innerText()) === (up ? 'up' : 'down'), 5000), `${button}: the link's panel says ${up ? 'up' : 'down'}`);
    console.log(`# ${button} from the page: kernel and drawing agree ${Date.now() - t0} ms after the click`);
    if (!up) await page.screenshot({ path: join(dir, 'router-page-link-down.png') });
  }
});

test("typing `ip -br addr` into h1's terminal shows h1's address; closing the page ends the shell", { skip }, async () => {
  const before = pidsIn('h1');
  await page.evaluate(() => (window as unknown as { nsnet: { openTerminal(n: string): void } }).nsnet.openTerminal('h1'));
  const rows = page.locator('.screen[data-node="h1"] .xterm-rows');
  // The terminal panel took the bottom of the page: the diagram is fitted to what is left.
  const outside = async () => page.evaluate(() => {
    type Box = { x1: number; y1: number; x2: number; y2: number };
    type Cy = { nodes(): { map(f: (n: { id(): string; renderedBoundingBox(): Box }) => string): string[] }; container(): HTMLElement };
    const cy = (window as unknown as { nsnet: { cy: Cy } }).nsnet.cy;
    const { clientWidth: w, clientHeight: h } = cy.container();
    return cy.nodes().map((n) => {
      const b = n.renderedBoundingBox();
      return b.x1 >= 0 && b.y1 >= 0 && b.x2 <= w && b.y2 <= h ? '' : `${n.id()} at ${[b.x1, b.y1, b.x2, b.y2].map(Math.round).join(',')} in ${w}x${h}`;
    }).filter(Boolean);
  });
  assert.ok(await until(async () => (await page.locator('#terminals.open').count()) === 1 && (await outside()).length === 0, 5000), `nodes outside the visible canvas: ${(await outside()).join('; ')}`);
  await page.locator('.screen[data-node="h1"] .xterm-screen').click();
  await page.keyboard.type('ip -br addr\n');
  assert.ok(await until(async () => /eth0@\S+\s+\S+\s+10\.0\.1\.10\/24/u.test(await rows.innerText()), 10_000), `h1's address in the terminal: ${await rows.innerText()}`);
  const shells = pidsIn('h1').filter((p) => !before.includes(p));
  assert.ok(shells.length >= 1, 'a shell runs in h1');
  await page.screenshot({ path: join(dir, 'router-terminal.png') });
  console.log(`# screenshots in ${dir}`);
  const other = await ctx.newPage();
  await other.goto(ui.url);
  await page.close();
  assert.ok(await until(() => shells.every((p) => !alive(p))), 'the shell ended with its page');
  page = other;
  await page.waitForFunction(() => (window as unknown as { nsnet?: { ready?: boolean } }).nsnet?.ready === true);
});

test('without the token every request gets 401; a WebSocket from a foreign Origin is refused', { skip }, async () => {
  for (const p of ['/', '/api/labs', '/api/labs/router', '/api/map', '/static/app.js', '/vendor/xterm/xterm.mjs']) assert.equal(await status(p), 401, p);
  assert.equal(await status('/api/labs?token=wrong'), 401);
  assert.equal(await status('/api/labs', { authorization: `Bearer ${ui.token}` }), 200);
  assert.equal(await status('/api/labs', { authorization: `Bearer ${ui.token}`, origin: 'http://evil.example' }), 403);
  assert.equal(await handshake('/api/events?lab=router'), 401);
  assert.equal(await handshake('/api/labs/router/nodes/h1/terminal'), 401);
  assert.equal(await handshake(`/api/labs/router/nodes/h1/terminal?token=${ui.token}`, 'http://evil.example'), 403);
  assert.equal(await handshake(`/api/events?lab=router&token=${ui.token}`, 'http://evil.example'), 403);
  assert.equal(await handshake(`/api/labs/router/nodes/h1/terminal?token=${ui.token}`, ui.base), 'open');
});

test('a terminal ends when the lab goes down, or when its node\'s namespace is replaced by another of the same name; no shell outlives the ui process', { skip }, async (t) => {
  t.after(() => {
    // Whatever failed: no hand-made r1 and the lab down, for the tests after this one.
    nsnet('down', '--lab', 'router');
    if (namespaces().includes('r1')) execFileSync('ip', ['netns', 'del', 'r1']);
  });
  const term = (node: string) => new Promise<{ ws: WebSocket; pid: number }>((resolve, reject) => {
    const ws = new WebSocket(`${ui.base.replace('http', 'ws')}/api/labs/router/nodes/${node}/terminal?token=${ui.token}`);
    let out = '';
    ws.on('open', () => ws.send(JSON.stringify({ type: 'input', data: 'echo PID=$$\n' })));
    ws.on('message', (d, bin) => {
      if (!bin) return;
      out += d.toString();
      const m = /PID=(\d+)/u.exec(out);
      if (m) resolve({ ws, pid: Number(m[1]) });
    });
    ws.on('error', reject);
  });
  // The server's exit message to the page, or a failure naming what did not end within 10 s.
  const exitOf = (ws: WebSocket, what: string) => new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} was not ended within 10 s`)), 10_000);
    ws.on('message', (d, bin) => {
      if (bin) return;
      clearTimeout(timer);
      resolve(d.toString());
    });
  });
  const h2 = await term('h2');
  const closed = exitOf(h2.ws, 'the shell in h2, when the lab went down,');
  ok('down', '--lab', 'router');
  assert.match(await closed, /"type":"exit".*gone/u, 'the page is told why');
  assert.ok(await until(() => !alive(h2.pid)), 'the shell in h2 ended with the lab');
  ok('up', join(examples, 'router.yaml'));
  // r1 deleted and made again by hand, faster than the server looks (every 500 ms): a file of that
  // name is there each time it looks, but it is another namespace, and the shell is in the old one.
  const r1 = await term('r1');
  const r1closed = exitOf(r1.ws, 'the shell in the replaced r1');
  execFileSync('ip', ['netns', 'del', 'r1']);
  execFileSync('ip', ['netns', 'add', 'r1']);
  assert.match(await r1closed, /"type":"exit".*r1 is gone/u);
  assert.ok(await until(() => !alive(r1.pid)), 'the shell in the old r1 ended');
  const h1 = await term('h1');
  h2.ws.terminate();
  await ui.stop('SIGTERM');
  assert.ok(await until(() => !alive(h1.pid)), 'the shell in h1 ended with the server');
  // The hand-made r1 is not the lab's: down leaves it (and t.after removes it).
  assert.match(ok('down', '--lab', 'router'), /removed 2 namespaces/);
  assert.deepEqual(namespaces(), ['r1']);
});

test('with no lab, the page draws the host map: the host and the lab\'s namespaces, veths between them', { skip }, async () => {
  ok('up', join(examples, 'router.yaml'));
  const hostUi = await startUiProcess();
  const p = await ctx.newPage();
  try {
    await p.goto(hostUi.url);
    await p.waitForFunction(() => (window as unknown as { nsnet?: { ready?: boolean } }).nsnet?.ready === true, undefined, { timeout: 15_000 });
    const drawn = await p.evaluate(() => {
      type El = { data(k: string): string; source(): El; target(): El };
      const cy = (window as unknown as { nsnet: { cy: { nodes(): { map(f: (n: El) => string): string[] }; edges(): { filter(f: (e: El) => boolean): { length: number } } } } }).nsnet.cy;
      const lab = new Set(['h1', 'r1', 'h2']);
      // The map is the whole host's: tests running beside this one may have veths of their own.
      return { labels: cy.nodes().map((n) => n.data('label')).sort(), edges: cy.edges().filter((e) => lab.has(e.source().data('label')) && lab.has(e.target().data('label'))).length };
    });
    for (const n of ['h1', 'h2', 'r1']) assert.ok(drawn.labels.includes(n), `${n} in ${drawn.labels.join(', ')}`);
    assert.ok(drawn.labels.some((l) => l.startsWith('host')), 'the host namespace is drawn');
    assert.equal(drawn.edges, 2, 'h1-r1 and h2-r1');
    await p.screenshot({ path: join(dir, 'host-map.png') });
  } finally {
    await p.close();
    await hostUi.stop();
    ok('down', '--lab', 'router');
  }
});
