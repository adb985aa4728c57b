// The event hub with sockets that only record what they are sent: a source that fails is
// logged once, its watchers get the error and are closed with 1011, and the next watcher of
// the subject starts a new source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { EventHub, type Source } from './events.js';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closed: [number, string] | undefined;
  send(text: string): void {
    this.sent.push(text);
  }
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = [code, reason];
    this.readyState = 3;
    this.emit('close');
  }
}
const fake = () => new FakeSocket() as FakeSocket & WebSocket;
const settle = () => new Promise((r) => setTimeout(r, 20));

test('a failing source: logged once, each watcher gets the events, then the error, then 1011; a new watcher starts it again', async () => {
  let starts = 0;
  const source: Source = async function* () {
    starts++;
    yield { type: 'link', n: 1 };
    yield { type: 'link', n: 2 };
    throw new Error("monitor: the kernel's events can no longer be read (EBADF)");
  };
  const logged: string[] = [];
  const hub = new EventHub(() => source, (l) => logged.push(l));
  const [a, b] = [fake(), fake()];
  hub.watch('host', a);
  hub.watch('host', b);
  await settle();
  for (const ws of [a, b]) {
    assert.deepEqual(ws.sent.map((t) => JSON.parse(t) as unknown), [{ type: 'link', n: 1 }, { type: 'link', n: 2 }, { type: 'error', message: "monitor: the kernel's events can no longer be read (EBADF)" }]);
    assert.deepEqual(ws.closed, [1011, 'the event source ended']);
  }
  assert.deepEqual(logged, ["nsnet ui: the events of host stopped: monitor: the kernel's events can no longer be read (EBADF)"]);
  assert.equal(hub.watchers, 0);
  const c = fake();
  hub.watch('host', c);
  await settle();
  assert.equal(starts, 2, 'the next watcher started the source again');
  assert.equal(c.sent.length, 3);
  hub.close();
});

test('watchers that leave stop the source once; the hub counts none of them', async () => {
  let aborted = 0;
  const source: Source = async function* (signal) {
    signal.addEventListener('abort', () => aborted++);
    yield { type: 'link' };
    await new Promise((r) => signal.addEventListener('abort', r));
  };
  const hub = new EventHub(() => source, () => assert.fail('nothing is logged'));
  const sockets = Array.from({ length: 5 }, fake);
  for (const ws of sockets) hub.watch('lab:x', ws);
  await settle();
  assert.equal(hub.watchers, 5);
  for (const ws of sockets) ws.close(1000, 'bye');
  await settle();
  assert.equal(hub.watchers, 0);
  assert.equal(aborted, 1);
});
