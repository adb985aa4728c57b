import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rotation } from './common.js';
import { STAR_SIDES, starSides } from './star.js';

test('rotation: each round starts one side later, every side once per round', () => {
  const sides = ['a', 'b', 'c'];
  assert.deepEqual(rotation(sides, 1), ['a', 'b', 'c']);
  assert.deepEqual(rotation(sides, 2), ['b', 'c', 'a']);
  assert.deepEqual(rotation(sides, 4), ['a', 'b', 'c']);
  for (let r = 1; r <= 7; r++) assert.deepEqual([...rotation(STAR_SIDES, r)].sort(), [...STAR_SIDES].sort());
  // Over five rounds no side follows the same side twice.
  const follows = new Set<string>();
  for (let r = 1; r <= 5; r++) {
    const o = rotation(STAR_SIDES, r);
    for (let i = 1; i < o.length; i++) follows.add(`${o[i - 1]}>${o[i]}`);
  }
  assert.equal(follows.size, STAR_SIDES.length, 'a rotation keeps the cyclic order: each side follows one other, the first and last swap in');
  assert.deepEqual(rotation([], 3), []);
});

test('star sides: all six with the floors; --ipv6 keeps the IPv6-on ones; --side keeps one kind; no floor, no floor sides', () => {
  assert.deepEqual(starSides({}, true), ['ip', 'floor', 'floor-threads', 'nsnet', 'floor-v6', 'nsnet-v6']);
  assert.deepEqual(starSides({}, false), ['ip', 'nsnet', 'nsnet-v6']);
  // Without shared/ the two-thread floor (nsnet's own file) still runs where gcc is.
  assert.deepEqual(starSides({}, false, true), ['ip', 'floor-threads', 'nsnet', 'nsnet-v6']);
  assert.deepEqual(starSides({}, true, false), ['ip', 'floor', 'nsnet', 'floor-v6', 'nsnet-v6']);
  assert.deepEqual(starSides({ ipv6: true }, true), ['ip', 'floor-v6', 'nsnet-v6']);
  assert.deepEqual(starSides({ side: 'nsnet' }, true), ['nsnet', 'nsnet-v6']);
  assert.deepEqual(starSides({ side: 'floor' }, true), ['floor', 'floor-threads', 'floor-v6']);
  assert.deepEqual(starSides({ side: 'floor', ipv6: true }, true), ['floor-v6']);
});
