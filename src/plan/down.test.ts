import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDown, type DownObserved } from './down.js';

const base = (o: Partial<DownObserved> = {}): DownObserved => ({ lab: 'x', backends: [], namespaces: [], hostLinks: [], ...o });
const ops = (p: ReturnType<typeof planDown>) => p.actions.map((a) => `${a.op} ${a.target}`);

test('down restores host effects first, then backends, host links (bridges), namespaces (in that order)', () => {
  const p = planDown(base({
    record: {
      effects: { uplinks: { eth1: { bridge: 'br0', wasUp: false, mtu: 1400 } }, sysctls: { 'net.ipv4.ip_forward': '0' }, nat: { table: 'nsnet-x', subnets: ['10.1.0.0/24'] } },
      intended: { namespaces: [], hostLinks: [] },
    },
    backends: ['ovs'],
    namespaces: [{ name: 'h1', owner: 'x' }],
    hostLinks: [{ index: 7, name: 'br0', kind: 'bridge', alias: 'nsnet:x' }],
  }));
  assert.deepEqual(ops(p), [
    'detach-uplink uplink eth1', 'restore-sysctl host sysctl net.ipv4.ip_forward', 'del-nat nftables table nsnet-x',
    'down-backend ovs bridges of lab x, if any', 'delete-link host link br0', 'delete-netns namespace h1',
  ]);
  assert.deepEqual(p.skipped, []);
  assert.deepEqual(p.actions[0], { op: 'detach-uplink', target: 'uplink eth1', reason: 'lab x goes down', nic: 'eth1', bridge: 'br0', wasUp: false, mtu: 1400 });
});

test('only what the ownership rule gives the lab goes; what the record names but is not the lab\'s is said', () => {
  const record = { effects: { uplinks: {}, sysctls: {} }, intended: { namespaces: ['j1', 'j2'], hostLinks: ['vj'] } };
  const p = planDown(base({
    record,
    namespaces: [
      { name: 'ours', owner: 'x' },
      { name: 'other', owner: 'y' },
      { name: 'plain', loUnmarked: true },
      { name: 'j1', loUnmarked: true, onlyLo: true }, // an up killed between making and marking it
      { name: 'j2', loUnmarked: true, onlyLo: false }, // someone put something in it: not ours
      { name: 'rec', recorded: true },
      { name: 'stub', openFailed: { emptyFile: true } },
      { name: 'bad', openFailed: { emptyFile: false, message: 'EACCES' } },
    ],
    hostLinks: [
      { index: 1, name: 'lo' },
      { index: 2, name: 'v1', kind: 'veth', alias: 'nsnet:x', peerElsewhere: true },
      { index: 3, name: 'vj', kind: 'vxlan' },
      { index: 4, name: 'vy', kind: 'vxlan', alias: 'nsnet:y' },
      { index: 5, name: 'a', kind: 'veth', alias: 'nsnet:x', peer: 6 },
      { index: 6, name: 'b', kind: 'veth', alias: 'nsnet:x', peer: 5 },
    ],
  }));
  assert.deepEqual(p.actions.filter((a) => a.op === 'delete-netns').map((a) => (a as { netns: string }).netns), ['ours', 'j1', 'rec', 'stub']);
  assert.deepEqual(p.skipped, [
    'namespace other: belongs to lab y, left alone',
    'namespace plain: not made by lab x, left alone',
    'namespace j2: not made by lab x, left alone',
    'namespace bad: EACCES',
  ]);
  // A veth with both ends in the host goes with one delete; one whose peer is in a namespace goes with it.
  assert.deepEqual(p.actions.filter((a) => a.op === 'delete-link').map((a) => a.target), ['host link vj', 'host link a']);
  assert.deepEqual(p.going, [{ index: 2, name: 'v1' }]);
});

test('without a record: namespaces by their mark only, nothing said of others, the NAT table if found', () => {
  const p = planDown(base({
    natTable: 'nsnet-x',
    namespaces: [{ name: 'a', owner: 'x' }, { name: 'b', owner: 'y' }, { name: 'c', loUnmarked: true, onlyLo: true }, { name: 'd', openFailed: { emptyFile: true, message: 'EINVAL' } }],
  }));
  assert.deepEqual(ops(p), ['del-nat nftables table nsnet-x', 'delete-netns namespace a']);
  assert.deepEqual(p.skipped, []);
});

test('nothing of the lab: an empty plan', () => {
  const p = planDown(base({ hostLinks: [{ index: 1, name: 'eth0', kind: 'veth', peerElsewhere: true }] }));
  assert.deepEqual([p.actions, p.going, p.skipped], [[], [], []]);
});
