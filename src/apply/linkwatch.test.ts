import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action } from '../plan/actions.js';
import { namespacesToKeepOpen, startedLinks } from './linkwatch.js';

const base = { target: 't', reason: 'r' };

test('startedLinks: the links an apply starts, per namespace, and the bridges they name (ports and bridges share a namespace)', () => {
  const actions = [
    { ...base, op: 'create-bridge', name: 'br0' },
    { ...base, op: 'create-bridge', netns: 'x-r1', name: 'lan' },
    { ...base, op: 'create-veth', id: 'l1', a: { netns: 'x-h1', name: 'eth0' }, b: { name: 'h1-eth0', master: 'br0' } },
    { ...base, op: 'create-veth', id: 'l2', a: { netns: 'x-h2', name: 'eth0' }, b: { netns: 'x-r1', name: 'h2-eth0', master: 'lan' } },
    { ...base, op: 'set-link', netns: 'x-h3', name: 'eth1', up: true },
    { ...base, op: 'set-link', netns: 'x-h3', name: 'eth2', mtu: 1400 }, // not started: only its mtu
    { ...base, op: 'set-link', name: 'p9', master: 'br0' },
    { ...base, op: 'add-address', netns: 'x-h1', name: 'eth0', cidr: '10.0.0.1/24' },
    { ...base, op: 'attach-uplink', nic: 'eth9', bridge: 'br1' },
  ] as unknown as Action[];
  const m = startedLinks(actions);
  assert.deepEqual(Object.fromEntries(m), {
    '': { links: ['h1-eth0', 'p9'], bridges: ['br0', 'br0', 'br0', 'br1'] },
    'x-r1': { links: ['h2-eth0'], bridges: ['lan', 'lan'] },
    'x-h1': { links: ['eth0'], bridges: [] },
    'x-h2': { links: ['eth0'], bridges: [] },
    'x-h3': { links: ['eth1'], bridges: [] },
  });
});

test('startedLinks: removals and addresses start nothing', () => {
  const actions = [
    { ...base, op: 'delete-link', name: 'x' },
    { ...base, op: 'del-address', netns: 'n', name: 'eth0', cidr: '10.0.0.1/24' },
  ] as unknown as Action[];
  assert.equal(startedLinks(actions).size, 0);
});

test('namespacesToKeepOpen: the namespaces finishStart asks, while two descriptors each stay within a quarter of the limit', () => {
  const actions = [
    { ...base, op: 'create-veth', id: 'l1', a: { netns: 'x-h1', name: 'eth0' }, b: { name: 'h1-eth0', master: 'br0' } },
    { ...base, op: 'create-veth', id: 'l2', a: { netns: 'x-h2', name: 'eth0' }, b: { netns: 'x-r1', name: 'h2-eth0' } },
    { ...base, op: 'add-address', netns: 'x-h4', name: 'eth0', cidr: '10.0.0.4/24' }, // starts nothing: not kept
  ] as unknown as Action[];
  assert.deepEqual([...namespacesToKeepOpen(startedLinks(actions), () => 24)].sort(), ['x-h1', 'x-h2', 'x-r1'], 'the host is never in it');
  assert.equal(namespacesToKeepOpen(startedLinks(actions), () => 23).size, 0, '3 namespaces, 6 descriptors: above a quarter of 23');
  assert.equal(namespacesToKeepOpen(startedLinks(actions), () => undefined).size, 0, 'an unknown limit keeps none');
});
