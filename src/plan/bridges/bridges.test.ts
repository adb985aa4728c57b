import { test } from 'node:test';
import assert from 'node:assert/strict';
import { starLab } from '../../../test/helpers/sim.js';
import { indexLab } from '../desired.js';
import { nothingObserved } from '../observed.js';
import { planLab } from '../plan.js';
import { BRIDGES, bridgeBackend } from './index.js';

test('a bridge without a type is a Linux bridge: a kernel link, its ports join by master, its step makes it', () => {
  const s = starLab(2);
  assert.equal(bridgeBackend(s.bridges[0]!).type, 'linux');
  assert.deepEqual(BRIDGES.map((b) => b.type), [...new Set(BRIDGES.map((b) => b.type))], 'one backend per type');
  const d = indexLab(s);
  assert.equal(d.links.get('')?.get('br0')?.kind, 'bridge');
  assert.equal(d.links.get('')?.get('h1-eth0')?.master, 'br0');
  const p = planLab(s, nothingObserved('star'));
  assert.deepEqual(p.actions.filter((a) => a.op === 'create-bridge').map((a) => a.target), ['bridge br0']);
});

test('a bridge of a type no backend has is an error naming the type', () => {
  const s = starLab(1);
  (s.bridges[0] as { type?: string }).type = 'nonesuch';
  assert.throws(() => indexLab(s), /no bridge backend for type "nonesuch"/);
});
