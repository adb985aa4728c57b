import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIssue, parseTopology } from '../parse.js';

const lab = (subnets: string, extra = '') => [
  'name: natsub',
  'nodes:',
  '  r1: { interfaces: { eth0: { addresses: [10.0.1.2/24] }, eth1: { addresses: [10.0.2.1/24] } } }',
  '  h1: { interfaces: { eth0: { addresses: [10.0.2.10/24] } } }',
  extra,
  'bridges:',
  '  br0: { addresses: [10.0.1.1/24] }',
  'links:',
  '  - [r1:eth0, br0]',
  '  - [r1:eth1, h1:eth0]',
  ...(extra ? ['  - [r2:eth0, br0]'] : []),
  'uplinks:',
  `  - { type: nat, bridge: br0, subnets: ${subnets} }`,
  '',
].filter((l) => l !== '').join('\n');

const nat = (text: string) => {
  const r = parseTopology(text, 'lab.yaml');
  if (!r.ok) assert.fail(r.issues.map(formatIssue).join('\n'));
  return r.lab.uplinks[0];
};
const issues = (text: string) => {
  const r = parseTopology(text, 'lab.yaml');
  assert.ok(!r.ok, 'expected the file to be rejected');
  return r.issues.map((i) => ({ code: i.code, path: JSON.stringify(i.path), line: i.line, message: i.message }));
};

test('NAT subnets: a subnet behind the router on the bridge gets a host route via its address on the bridge', () => {
  assert.deepEqual(nat(lab('[10.0.1.0/24, 10.0.2.0/24]')), { kind: 'nat', bridge: 'br0', subnets: ['10.0.1.0/24', '10.0.2.0/24'], routes: [{ to: '10.0.2.0/24', via: '10.0.1.2' }] });
  assert.deepEqual(nat(lab('[{ to: 10.0.2.0/24, via: 10.0.1.9 }]')), { kind: 'nat', bridge: 'br0', subnets: ['10.0.2.0/24'], routes: [{ to: '10.0.2.0/24', via: '10.0.1.9' }] });
  // Without subnets: the bridge's, no routes.
  assert.deepEqual(nat(lab('[10.0.1.0/24]')), { kind: 'nat', bridge: 'br0', subnets: ['10.0.1.0/24'] });
});

test('NAT subnets: host bits, IPv6, no router, several routers and a gateway off the bridge are refused at the entry', () => {
  const [hb] = issues(lab('[10.0.2.1/24]'));
  assert.equal(hb!.path, '["uplinks",0,"subnets",0]');
  assert.match(hb!.message, /host bits set: write 10\.0\.2\.0\/24/);
  assert.match(issues(lab('["2001:db8::/64"]'))[0]!.message, /IPv6; NAT masquerades IPv4 only/);
  const [none] = issues(lab('[10.0.9.0/24]'));
  assert.equal(none!.code, 'NAT_NO_ROUTER');
  assert.match(none!.message, /no lab node on 'br0' has an interface in it/);
  const two = lab('[10.0.2.0/24]', '  r2: { interfaces: { eth0: { addresses: [10.0.1.3/24] }, eth1: { addresses: [10.0.2.2/24] } } }');
  const several = issues(two).find((i) => i.code === 'NAT_NO_ROUTER');
  assert.match(several!.message, /behind several nodes on bridge 'br0' \(10\.0\.1\.2, 10\.0\.1\.3\): name one: \{ to: 10\.0\.2\.0\/24, via: 10\.0\.1\.2 \}/);
  assert.match(issues(lab('[{ to: 10.0.2.0/24, via: 10.0.5.1 }]'))[0]!.message, /gateway 10\.0\.5\.1 is not on a subnet of bridge 'br0'/);
});
