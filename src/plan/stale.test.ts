// A /run/netns file that is not a namespace: what `up` or `down` leaves when killed between
// making the file and mounting the namespace on it (found by the torture suite's crash trials).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nothingObserved, type ObservedLab } from './observed.js';
import { planLab } from './plan.js';
import { refusalText } from './render.js';
import { routerLab } from '../../test/helpers/sim.js';

function withStale(o: ObservedLab, ns: string): ObservedLab {
  o.namespaces[ns] = { name: ns, exists: true, stale: true, links: [], addresses: [], routes: [], sysctls: {} };
  return o;
}

test('a stale file the journal names: removed, then the namespace is made', () => {
  const s = routerLab();
  const o = withStale(nothingObserved('router'), 'r1');
  o.intended.namespaces = ['h1', 'r1', 'h2'];
  const p = planLab(s, o);
  assert.deepEqual(p.refusals, []);
  const ops = p.actions.map((a) => `${a.op} ${a.target}`);
  assert.ok(ops.indexOf('delete-netns namespace r1') >= 0, ops.join(', '));
  assert.ok(ops.indexOf('delete-netns namespace r1') < ops.indexOf('create-netns namespace r1'), ops.join(', '));
  // r1 gets its links, addresses and sysctl like a new node.
  assert.ok(p.actions.some((a) => a.op === 'set-sysctl' && a.netns === 'r1'));
});

test('a stale file the last applied spec names: removed and made again', () => {
  const s = routerLab();
  const o = withStale(nothingObserved('router'), 'h2');
  o.previous = [routerLab()];
  const p = planLab(s, o);
  assert.deepEqual(p.refusals, []);
  assert.deepEqual(p.actions.filter((a) => a.target === 'namespace h2').map((a) => a.op), ['delete-netns', 'create-netns']);
});

test('a stale file the lab knows nothing of: refused, naming it, and left alone', () => {
  const p = planLab(routerLab(), withStale(nothingObserved('router'), 'h1'));
  assert.equal(p.refusals.length, 1);
  assert.equal(p.refusals[0]!.code, 'STALE_NETNS');
  assert.match(refusalText(p.refusals[0]!), /\/run\/netns\/h1 exists but is not a namespace/);
  assert.ok(!p.actions.some((a) => a.op === 'delete-netns'));
});
