import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathOfAction } from './locate.js';
import { nothingObserved } from './observed.js';
import { planLab } from './plan.js';
import { routerLab, starLab } from '../../test/helpers/sim.js';

test('each action of a fresh plan points at the part of the file it comes from', () => {
  const s = routerLab();
  s.nodes[0]!.exec = [['true']];
  const p = planLab(s, nothingObserved('router'));
  const where = p.actions.map((a) => `${a.op} ${JSON.stringify(pathOfAction(s, a))}`);
  assert.deepEqual(where, [
    'create-netns ["nodes","h1"]',
    'create-netns ["nodes","r1"]',
    'create-netns ["nodes","h2"]',
    'create-veth ["links",0]',
    'create-veth ["links",1]',
    'add-address ["nodes","h1","interfaces","eth0","addresses",0]',
    'add-address ["nodes","r1","interfaces","eth0","addresses",0]',
    'add-address ["nodes","r1","interfaces","eth1","addresses",0]',
    'add-address ["nodes","h2","interfaces","eth0","addresses",0]',
    'add-route ["nodes","h1","routes",0]',
    'add-route ["nodes","h2","routes",0]',
    'set-sysctl ["nodes","r1","sysctls","net.ipv4.ip_forward"]',
    'run-exec ["nodes","h1","exec"]',
  ]);
});

test('bridges, their addresses and uplinks are located too; removals are not (the file no longer has them)', () => {
  const s = starLab(2);
  s.uplinks = [{ kind: 'nat', bridge: 'br0', subnets: ['10.0.0.0/16'] }];
  const p = planLab(s, { ...nothingObserved('star'), host: { ...nothingObserved('star').host, sysctls: { 'net.ipv4.ip_forward': '0' }, nft: true } });
  const at = (op: string) => pathOfAction(s, p.actions.find((a) => a.op === op)!);
  assert.deepEqual(at('create-bridge'), ['bridges', 'br0']);
  assert.deepEqual(pathOfAction(s, p.actions.find((a) => a.op === 'add-address' && a.dev === 'br0')!), ['bridges', 'br0', 'addresses', 0]);
  assert.deepEqual(at('add-nat'), ['uplinks', 0]);
  assert.deepEqual(at('set-sysctl'), ['uplinks', 0]);
  assert.equal(pathOfAction(s, { op: 'delete-netns', netns: 'hx', frees: [], target: 'namespace hx', reason: '' }), undefined);
});
