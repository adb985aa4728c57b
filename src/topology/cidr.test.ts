import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr, parseIp, SubnetIndex, type Cidr } from './cidr.js';

const c = (s: string, bare = false): Cidr => {
  const r = parseCidr(s, bare);
  if (typeof r === 'string') assert.fail(r);
  return r;
};

test('parseCidr normalizes and finds the network', () => {
  assert.deepEqual([c('10.0.1.10/24').cidr, c('10.0.1.10/24').network, c('10.0.1.10/24').hostBits], ['10.0.1.10/24', '10.0.1.0/24', true]);
  assert.deepEqual([c('2001:DB8:0:0:1::10/64').cidr, c('2001:DB8:0:0:1::10/64').network], ['2001:db8::1:0:0:10/64', '2001:db8::/64']); // RFC 5952: first of equal runs
  assert.equal(c('10.0.0.0/31').hostBits, false);
  assert.equal(c('10.1.2.3/0').network, '0.0.0.0/0');
  assert.equal(c('10.1.2.3', true).cidr, '10.1.2.3/32');
  assert.equal(c('fe80::1', true).len, 128);
  assert.equal(c('10.255.255.255/13').network, '10.248.0.0/13');
});

test('parseCidr refuses what the kernel or a reader would misread', () => {
  for (const bad of ['10.0.1.10', '10.1/8', '010.0.0.1/8', '10.0.0.1/33', '10.0.0.1/', '10.0.0.1/08', 'fe80::1%eth0/64', '::1/129', '1.2.3.4/24/1', 'x/1', '']) {
    assert.equal(typeof parseCidr(bad), 'string', bad);
  }
  assert.match(parseCidr('10.0.1.10') as string, /write it as 10\.0\.1\.10\/24/);
});

test('parseIp gives ranges', () => {
  const r = (s: string) => (parseIp(s) as { range: string }).range;
  assert.equal(r('224.0.0.1'), 'multicast');
  assert.equal(r('fe80::1'), 'linkLocal');
  assert.equal(r('0.0.0.0'), 'unspecified');
  assert.equal(r('192.0.2.1'), 'reserved');
  assert.equal(typeof parseIp('1.2.3'), 'string');
});

test('SubnetIndex finds the longest containing subnet and overlaps', () => {
  const ix = new SubnetIndex<string>();
  assert.equal(ix.add(c('10.0.0.1/8'), 'big'), undefined);
  assert.equal(ix.add(c('10.1.0.1/16'), 'mid'), undefined);
  assert.equal(ix.add(c('2001:db8::1/64'), 'v6'), undefined);
  assert.equal(ix.add(c('10.1.0.2/16'), 'again'), 'mid');
  assert.equal(ix.find(parseIp('10.1.2.3') as never), 'mid');
  assert.equal(ix.find(parseIp('10.2.2.3') as never), 'big');
  assert.equal(ix.find(parseIp('11.0.0.1') as never), undefined);
  assert.equal(ix.find(parseIp('2001:db8::99') as never), 'v6');
  assert.equal(ix.find(parseIp('2001:db9::1') as never), undefined);
  assert.equal(ix.overlapping(c('10.1.0.1/16')), 'big');
  assert.equal(ix.overlapping(c('10.0.0.1/8')), undefined);
});
