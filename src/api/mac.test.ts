import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkLocalOf, randomMac } from './mac.js';

test('linkLocalOf: the EUI-64 link-local address the kernel derives (values read from a kernel)', () => {
  assert.equal(linkLocalOf('52:31:97:6e:1b:c4'), 'fe80::5031:97ff:fe6e:1bc4');
  assert.equal(linkLocalOf('02:00:00:11:22:44'), 'fe80::ff:fe11:2244');
  assert.equal(linkLocalOf('D2:AB:4D:4F:A7:C7'), 'fe80::d0ab:4dff:fe4f:a7c7');
});

test('randomMac: locally administered unicast, as eth_random_addr, and not the same twice', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const m = randomMac();
    assert.match(m, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const first = parseInt(m.slice(0, 2), 16);
    assert.equal(first & 0x03, 0x02, m);
    seen.add(m);
  }
  assert.equal(seen.size, 200);
});
