// The poller and a listening socket when an fd is closed under them: the owner is told once
// (EBADF), the rest keep working, nothing spins. Needs no privilege: eventfds, and a netlink
// socket that joins no group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KernelError } from './errors.js';
import { EventSocket } from './events.js';
import { Poller, poller } from './events-poller.js';
import * as n from './native.js';

const wait = async (check: () => boolean, ms = 3000): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return check();
};

function eventfd(): number {
  const fd = n.eventfd(0, n.EFD_CLOEXEC | n.EFD_NONBLOCK);
  assert.ok(fd >= 0);
  return fd;
}
const one = (): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(1n);
  return b;
};
const signal = (fd: number) => n.write(fd, one(), 8);
const consume = (fd: number) => n.read(fd, Buffer.alloc(8), 8);

test('an fd closed under the poller: its owner is told EBADF once, the other fds keep working, no spin', async () => {
  const p = new Poller();
  const a = eventfd();
  const b = eventfd();
  const failures: KernelError[] = [];
  let readsA = 0;
  let readsB = 0;
  p.add(a, () => readsA++, (e) => failures.push(e));
  p.add(b, () => {
    readsB++;
    consume(b);
  });
  signal(b);
  assert.ok(await wait(() => readsB === 1), 'b is readable');
  n.close(a); // under the poller: its poll() still holds the file, the next one finds the number unused
  signal(b); // the poll returns and is armed again with `a` in it
  assert.ok(await wait(() => failures.length === 1), 'the owner of a is told');
  assert.equal(failures[0]!.code, 'EBADF');
  assert.match(failures[0]!.message, new RegExp(`^poll fd ${a} \\(closed while watched\\): .*\\(EBADF\\)$`, 'u'));
  assert.deepEqual(p.fds(), [b]);
  const rounds = p.rounds;
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(p.rounds - rounds <= 1, `the poller does not spin on the dead fd (${p.rounds - rounds} polls in 200 ms)`);
  signal(b);
  assert.ok(await wait(() => readsB === 3), 'b still works');
  assert.equal(readsA, 0);
  assert.equal(failures.length, 1);
  p.removeAndClose(b);
  assert.equal(p.size, 0);
});

test('a listening socket whose fd is closed under it fails once with EBADF and is closed; nothing is delivered after', async (t) => {
  const failures: KernelError[] = [];
  let batches = 0;
  const s = EventSocket.open({ groups: [] }, () => batches++, (e) => failures.push(e));
  t.after(() => s.close());
  assert.ok(poller.fds().includes(s.fd));
  const kick = eventfd(); // made first, or it could take the closed number
  await new Promise((r) => setTimeout(r, 20)); // the poll is under way
  n.close(s.fd);
  poller.add(kick, () => consume(kick)); // any change of the set makes the poller poll again
  t.after(() => poller.removeAndClose(kick));
  assert.ok(await wait(() => failures.length === 1), 'the owner is told');
  assert.equal(failures[0]!.code, 'EBADF');
  assert.equal(s.isClosed, true);
  assert.equal(poller.fds().includes(s.fd), false);
  s.close(); // idempotent, and does not close a number that is no longer the socket's
  assert.equal(batches, 0);
  poller.removeAndClose(kick);
  assert.equal(poller.size, 0);
});
