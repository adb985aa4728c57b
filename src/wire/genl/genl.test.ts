/**
 * Generic netlink controller and ethtool features: requests compared with bytes built by hand
 * from the uapi layout, replies decoded, every truncation refused with a WireError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { parseMessages } from '../nlmsg.js';
import { decodeFamily, encodeGetFamily, GENL_ID_CTRL } from './ctrl.js';
import { decodeFeatures, encodeFeaturesGet, encodeFeaturesSet } from './ethtool.js';

/** A naive attribute: u16 len, u16 type, payload, pad to 4. */
function nla(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(4 + payload.length, 0);
  h.writeUInt16LE(type, 2);
  return Buffer.concat([h, payload, Buffer.alloc((4 - (payload.length % 4)) % 4)]);
}
const str = (s: string): Buffer => Buffer.from(`${s}\0`);
const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const NEST = 0x8000;
function msg(type: number, flags: number, cmd: number, attrs: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([cmd, 1, 0, 0]), ...attrs]);
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + body.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  return Buffer.concat([h, body]);
}

test('CTRL_CMD_GETFAMILY by name, and its reply', () => {
  assert.deepEqual(encodeGetFamily('ethtool'), msg(GENL_ID_CTRL, 1, 3, [nla(2, str('ethtool'))]));
  const reply = msg(GENL_ID_CTRL, 0, 1, [nla(2, str('ovs_datapath')), nla(1, u16(0x1d)), nla(3, u32(2)), nla(5, u32(8))]);
  assert.deepEqual(decodeFamily(parseMessages(reply)[0]!), { id: 0x1d, name: 'ovs_datapath', version: 2, maxAttr: 8 });
  assert.throws(() => encodeGetFamily('a_name_of_16_byt'), /not 1..15 bytes/);
  assert.throws(() => decodeFamily(parseMessages(msg(0x20, 0, 1, []))[0]!), /not nlctrl/);
  assert.throws(() => decodeFamily(parseMessages(msg(GENL_ID_CTRL, 0, 1, [nla(2, str('x'))]))[0]!), /no family id/);
});

test('features get and set as ethtool -K sends them (verbose bitset, names, value flag)', () => {
  const header = nla(1 | NEST, nla(2, str('veth0')));
  assert.deepEqual(encodeFeaturesGet(0x15, 'veth0'), msg(0x15, 1, 11, [header]));
  const headerOmit = nla(1 | NEST, Buffer.concat([nla(2, str('veth0')), nla(3, u32(2))]));
  const bit = (name: string, on: boolean): Buffer => nla(1 | NEST, Buffer.concat([nla(2, str(name)), on ? nla(3, Buffer.alloc(0)) : Buffer.alloc(0)]));
  const wanted = nla(3 | NEST, nla(3 | NEST, Buffer.concat([bit('tx-checksum-ip-generic', false), bit('rx-gro', true)])));
  assert.deepEqual(encodeFeaturesSet(0x15, 'veth0', { 'tx-checksum-ip-generic': false, 'rx-gro': true }), msg(0x15, 1 | 4, 12, [headerOmit, wanted]));
  assert.throws(() => encodeFeaturesSet(0x15, 'veth0', {}), /no feature to change/);
  assert.throws(() => encodeFeaturesGet(0x15, 'a-name-too-long-x'), /not an interface name/);
});

test('a features reply decodes: NOMASK lists what is on, a masked set says on or off per bit', () => {
  const bit = (name: string, on: boolean): Buffer => nla(1 | NEST, Buffer.concat([nla(1, u32(3)), nla(2, str(name)), on ? nla(3, Buffer.alloc(0)) : Buffer.alloc(0)]));
  const nomask = (type: number, names: string[]): Buffer => nla(type | NEST, Buffer.concat([nla(1, Buffer.alloc(0)), nla(2, u32(64)), nla(3 | NEST, Buffer.concat(names.map((n) => bit(n, false))))]));
  const masked = nla(3 | NEST, Buffer.concat([nla(2, u32(64)), nla(3 | NEST, Buffer.concat([bit('a', true), bit('b', false)]))]));
  const reply = msg(0x15, 0, 11, [nla(1 | NEST, nla(2, str('veth0'))), nomask(2, ['tx-checksum-ip-generic']), masked, nomask(4, ['tx-checksum-ip-generic', 'rx-gro']), nomask(5, ['tx-lockless'])]);
  const f = decodeFeatures(parseMessages(reply)[0]!);
  assert.deepEqual([...f.active], [['tx-checksum-ip-generic', true], ['rx-gro', true]]);
  assert.deepEqual([...f.wanted], [['a', true], ['b', false]]);
  assert.deepEqual([...f.hw.keys()], ['tx-checksum-ip-generic']);
  assert.deepEqual([...f.nochange.keys()], ['tx-lockless']);
  // Every truncation of the reply is a WireError, never a RangeError.
  for (let cut = 16; cut < reply.length; cut++) {
    const b = Buffer.from(reply.subarray(0, cut));
    b.writeUInt32LE(cut, 0);
    try {
      decodeFeatures(parseMessages(b)[0]!);
    } catch (e) {
      assert.ok(e instanceof WireError, `cut at ${cut}: ${String(e)}`);
    }
  }
  const nameless = msg(0x15, 0, 11, [nla(4 | NEST, nla(3 | NEST, nla(1 | NEST, nla(1, u32(3)))))]);
  assert.throws(() => decodeFeatures(parseMessages(nameless)[0]!), /a bit without a name/);
  assert.throws(() => decodeFeatures(parseMessages(msg(0x15, 0, 12, []))[0]!), /not a features reply/);
});
