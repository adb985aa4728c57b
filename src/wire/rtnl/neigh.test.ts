import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { AF_INET, NTF_ROUTER, NUD_PERMANENT, NUD_STALE, RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH } from './constants.js';
import { decodeNeigh, encodeNeigh, encodeNeighDump, type NeighSpec } from './neigh.js';
import { attrBytes, attrU32, BufferList, nlmsg, one } from './testing.js';

// <linux/neighbour.h>
const NDA = { DST: 1, LLADDR: 2, IFINDEX: 8 };
/** struct ndmsg */
const ndmsg = (family: number, index: number, state: number, flags: number, type = 0): Buffer =>
  new BufferList().u8(family).u8(0).u16(0).i32(index).u16(state).u8(flags).u8(type).join();

const cases: Array<{ name: string; type: number; flags: number; spec: NeighSpec; expect: Buffer }> = [
  {
    name: 'IPv4 permanent entry (the default state)',
    type: RTM_NEWNEIGH, flags: 0x600, spec: { index: 3, address: '10.0.0.9', lladdr: '02:00:00:00:00:09' },
    expect: nlmsg(RTM_NEWNEIGH, 0x600, ndmsg(2, 3, NUD_PERMANENT, 0), attrBytes(NDA.DST, [10, 0, 0, 9]), attrBytes(NDA.LLADDR, [2, 0, 0, 0, 0, 9])),
  },
  {
    name: 'IPv6 stale router entry, replace',
    type: RTM_NEWNEIGH, flags: 0x500, spec: { index: 4, address: 'fd00::9', lladdr: '02:00:00:00:00:19', state: NUD_STALE, flags: NTF_ROUTER },
    expect: nlmsg(RTM_NEWNEIGH, 0x500, ndmsg(10, 4, NUD_STALE, NTF_ROUTER),
      attrBytes(NDA.DST, [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]), attrBytes(NDA.LLADDR, [2, 0, 0, 0, 0, 0x19])),
  },
  {
    name: 'delete',
    type: RTM_DELNEIGH, flags: 0, spec: { index: 3, address: '10.0.0.9' },
    expect: nlmsg(RTM_DELNEIGH, 0, ndmsg(2, 3, NUD_PERMANENT, 0), attrBytes(NDA.DST, [10, 0, 0, 9])),
  },
];

for (const c of cases) {
  test(`encodeNeigh: ${c.name}`, () => {
    assert.equal(encodeNeigh(c.type, c.flags, c.spec).toString('hex'), c.expect.toString('hex'));
  });
  test(`round trip: ${c.name}`, () => {
    const n = decodeNeigh(one(encodeNeigh(c.type, c.flags, c.spec)));
    assert.equal(n.index, c.spec.index);
    assert.equal(n.address, c.spec.address);
    assert.equal(n.lladdr, c.spec.lladdr);
    assert.deepEqual(n.state, [c.spec.state === NUD_STALE ? 'STALE' : 'PERMANENT']);
    assert.equal(n.router, c.spec.flags === NTF_ROUTER);
  });
}

test('encodeNeighDump: ndm_ifindex stays 0, the device filter goes in NDA_IFINDEX', () => {
  assert.equal(encodeNeighDump(AF_INET, 3).toString('hex'), nlmsg(RTM_GETNEIGH, 0x300, ndmsg(2, 0, 0, 0), attrU32(NDA.IFINDEX, 3)).toString('hex'));
  assert.equal(encodeNeighDump().toString('hex'), nlmsg(RTM_GETNEIGH, 0x300, ndmsg(0, 0, 0, 0)).toString('hex'));
});

test('encodeNeigh refuses bad input', () => {
  assert.throws(() => encodeNeigh(RTM_NEWNEIGH, 0, { index: 1, address: 'nope' }), WireError);
  assert.throws(() => encodeNeigh(RTM_NEWNEIGH, 0, { index: 1, address: '10.0.0.1', family: 6 }), WireError);
  assert.throws(() => encodeNeigh(RTM_NEWNEIGH, 0, { index: 1, address: '10.0.0.1', lladdr: '02:xx' }), WireError);
  assert.throws(() => encodeNeigh(RTM_NEWNEIGH, 0, { index: 0, address: '10.0.0.1' }), WireError);
});

test('decodeNeigh: a bridge fdb entry has no NDA_DST', () => {
  const n = decodeNeigh(one(nlmsg(RTM_NEWNEIGH, 0, ndmsg(7, 5, NUD_PERMANENT, 2), attrBytes(NDA.LLADDR, [2, 0, 0, 0, 0, 1]))));
  assert.equal(n.address, '');
  assert.equal(n.lladdr, '02:00:00:00:00:01');
  assert.equal(n.family, 7);
});
