import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enhancedPacket, interfaceDescription, parsePcapng, sectionHeader } from './pcapng.js';
import { WireError } from './errors.js';
import { prng } from './rtnl/testing.js';

test('section header: magic, version 1.0, unknown section length, total length at both ends', () => {
  const b = sectionHeader('nsnet');
  assert.equal(b.readUInt32LE(0), 0x0a0d0d0a);
  assert.equal(b.readUInt32LE(4), b.length);
  assert.equal(b.readUInt32LE(b.length - 4), b.length);
  assert.equal(b.subarray(8, 24).toString('hex'), '4d3c2b1a' + '0100' + '0000' + 'ffffffffffffffff');
  // shb_userappl (4), length 5, "nsnet" padded to 8, then opt_endofopt
  assert.equal(b.subarray(24, b.length - 4).toString('hex'), '04000500' + Buffer.from('nsnet').toString('hex') + '000000' + '00000000');
});

test('interface block names the interface NODE:IF; packet block carries time, lengths and padded data', () => {
  const idb = interfaceDescription('r1:eth0');
  assert.equal(idb.subarray(0, 16).toString('hex'), '01000000' + '24000000' + '0100' + '0000' + '00000400');
  assert.equal(idb.subarray(16, 32).toString('hex'), '02000700' + Buffer.from('r1:eth0').toString('hex') + '00' + '00000000');
  const data = Buffer.from('0123456789', 'utf8');
  const epb = enhancedPacket({ iface: 1, timestampUs: 1_700_000_000_123_456n, data });
  assert.equal(epb.length, 12 + 20 + 12);
  assert.equal(epb.readUInt32LE(8), 1);
  const ts = (BigInt(epb.readUInt32LE(12)) << 32n) | BigInt(epb.readUInt32LE(16));
  assert.equal(ts, 1_700_000_000_123_456n);
  assert.equal(epb.readUInt32LE(20), 10);
  assert.equal(epb.readUInt32LE(24), 10);
  assert.equal(epb.subarray(28, 40).toString('hex'), data.toString('hex') + '0000');
});

test('a file of random packets on several interfaces reads back the same (seeded)', () => {
  const seed = Date.now() >>> 0;
  const rnd = prng(seed);
  const names = ['a:eth0', 'b:eth1', 'host:br0-p1'];
  const pkts = Array.from({ length: 50 }, (_, i) => ({
    iface: Math.floor(rnd() * names.length),
    timestampUs: 1_700_000_000_000_000n + BigInt(i * 1000 + Math.floor(rnd() * 999)),
    data: Buffer.from(Array.from({ length: Math.floor(rnd() * 1600) + 1 }, () => Math.floor(rnd() * 256))),
  }));
  const file = Buffer.concat([sectionHeader(), ...names.map((n) => interfaceDescription(n)), ...pkts.map(enhancedPacket)]);
  const back = parsePcapng(file);
  assert.deepEqual(back.interfaces.map((x) => x.name), names, `seed ${seed}`);
  assert.deepEqual(back.packets.map((p) => [p.iface, p.timestampUs, p.data.toString('hex')]), pkts.map((p) => [p.iface, p.timestampUs, p.data.toString('hex')]), `seed ${seed}`);
  assert.throws(() => parsePcapng(file.subarray(0, file.length - 3)), WireError);
});
