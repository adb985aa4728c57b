import { test } from 'node:test';
import assert from 'node:assert/strict';
import { natScript } from './nft.js';

test('the NAT table: one table of the lab, replaced atomically, masquerading only the lab\'s subnets', () => {
  const s = natScript('nsnet-lab1', ['10.1.1.0/24', '10.2.0.0/16'], 'eth0');
  const lines = s.split('\n');
  // declare + delete + define: replaces the table whether it existed or not, in one transaction.
  assert.deepEqual(lines.slice(0, 3), ['table ip nsnet-lab1', 'delete table ip nsnet-lab1', 'table ip nsnet-lab1 {']);
  assert.match(s, /type nat hook postrouting priority srcnat; policy accept;/);
  assert.match(s, /ip daddr \{ 10\.1\.1\.0\/24, 10\.2\.0\.0\/16 \} return/);
  assert.match(s, /ip saddr \{ 10\.1\.1\.0\/24, 10\.2\.0\.0\/16 \} oifname "eth0" counter masquerade/);
  assert.doesNotMatch(natScript('nsnet-x', ['10.0.0.0/8']), /oifname/);
});

test('the NAT table refuses what would not be a subnet or an interface name (no injection into the nft script)', () => {
  assert.throws(() => natScript('nsnet-x', ['10.0.0.0/8; flush ruleset']), /not an IPv4 CIDR/);
  assert.throws(() => natScript('nsnet-x', ['2001:db8::/64']), /not an IPv4 CIDR/);
  assert.throws(() => natScript('nsnet-x', ['10.0.0.0/8'], 'eth0"; flush ruleset'), /invalid interface name/);
});
