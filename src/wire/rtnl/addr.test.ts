import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { type AddrSpec, decodeAddr, encodeAddr, encodeAddrDump } from './addr.js';
import { AF_INET6, IFA_F_NODAD, IFA_F_NOPREFIXROUTE, RT_SCOPE_LINK, RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR } from './constants.js';
import { attr, attrBytes, attrStr, attrU32, BufferList, nlmsg, one } from './testing.js';

// <linux/if_addr.h>
const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, CACHEINFO: 6, FLAGS: 8, RT_PRIORITY: 9 };
const CREATE_EXCL = 0x600;
/** struct ifaddrmsg */
const ifaddrmsg = (family: number, prefixlen: number, flags: number, scope: number, index: number): Buffer =>
  new BufferList().u8(family).u8(prefixlen).u8(flags).u8(scope).u32(index).join();
const v6 = (s: string): number[] => {
  // fd00::1-style helper for the tests: only '::' at one place, hex groups.
  const [h, t] = s.split('::') as [string, string];
  const hw = h ? h.split(':') : [];
  const tw = t ? t.split(':') : [];
  const words = [...hw, ...Array(8 - hw.length - tw.length).fill('0'), ...tw].map((x) => parseInt(x, 16));
  return words.flatMap((x) => [x >> 8, x & 0xff]);
};

const cases: Array<{ name: string; type: number; flags: number; spec: AddrSpec; expect: Buffer }> = [
  {
    name: "IPv4 with 'brd +' and a label",
    type: RTM_NEWADDR, flags: CREATE_EXCL,
    spec: { index: 3, address: '10.0.0.1', prefixLen: 24, broadcast: true, label: 've-a:one' },
    expect: nlmsg(RTM_NEWADDR, CREATE_EXCL, ifaddrmsg(2, 24, 0, 0, 3),
      attrBytes(IFA.LOCAL, [10, 0, 0, 1]), attrBytes(IFA.ADDRESS, [10, 0, 0, 1]), attrBytes(IFA.BROADCAST, [10, 0, 0, 255]), attrStr(IFA.LABEL, 've-a:one')),
  },
  {
    name: 'IPv4 point-to-point peer',
    type: RTM_NEWADDR, flags: CREATE_EXCL,
    spec: { index: 3, address: '10.0.5.1', prefixLen: 32, peer: '10.0.5.2' },
    expect: nlmsg(RTM_NEWADDR, CREATE_EXCL, ifaddrmsg(2, 32, 0, 0, 3), attrBytes(IFA.LOCAL, [10, 0, 5, 1]), attrBytes(IFA.ADDRESS, [10, 0, 5, 2])),
  },
  {
    name: 'IPv4 explicit broadcast and link scope',
    type: RTM_NEWADDR, flags: CREATE_EXCL,
    spec: { index: 9, address: '172.20.1.2', prefixLen: 12, broadcast: '172.31.255.255', scope: RT_SCOPE_LINK },
    expect: nlmsg(RTM_NEWADDR, CREATE_EXCL, ifaddrmsg(2, 12, 0, RT_SCOPE_LINK, 9),
      attrBytes(IFA.LOCAL, [172, 20, 1, 2]), attrBytes(IFA.ADDRESS, [172, 20, 1, 2]), attrBytes(IFA.BROADCAST, [172, 31, 255, 255])),
  },
  {
    name: "'brd +' on a /31 sends no broadcast, as ip",
    type: RTM_NEWADDR, flags: CREATE_EXCL,
    spec: { index: 3, address: '10.9.0.0', prefixLen: 31, broadcast: true },
    expect: nlmsg(RTM_NEWADDR, CREATE_EXCL, ifaddrmsg(2, 31, 0, 0, 3), attrBytes(IFA.LOCAL, [10, 9, 0, 0]), attrBytes(IFA.ADDRESS, [10, 9, 0, 0])),
  },
  {
    name: 'IPv6 nodad noprefixroute with lifetimes and a metric (IFA_FLAGS and the 8-bit field)',
    type: RTM_NEWADDR, flags: CREATE_EXCL,
    spec: { index: 5, address: 'fd00::1', prefixLen: 64, flags: IFA_F_NODAD | IFA_F_NOPREFIXROUTE, validLft: 3600, preferredLft: 1800, metric: 10 },
    expect: nlmsg(RTM_NEWADDR, CREATE_EXCL, ifaddrmsg(10, 64, IFA_F_NODAD, 0, 5),
      attrBytes(IFA.LOCAL, v6('fd00::1')), attrBytes(IFA.ADDRESS, v6('fd00::1')), attrU32(IFA.FLAGS, 0x202),
      attr(IFA.CACHEINFO, new BufferList().u32(1800).u32(3600).u32(0).u32(0)), attrU32(IFA.RT_PRIORITY, 10)),
  },
  {
    name: 'IPv6 valid lifetime only: preferred follows it',
    type: RTM_NEWADDR, flags: CREATE_EXCL,
    spec: { index: 5, address: '2001:db8::5', prefixLen: 48, validLft: 600 },
    expect: nlmsg(RTM_NEWADDR, CREATE_EXCL, ifaddrmsg(10, 48, 0, 0, 5),
      attrBytes(IFA.LOCAL, v6('2001:db8::5')), attrBytes(IFA.ADDRESS, v6('2001:db8::5')), attr(IFA.CACHEINFO, new BufferList().u32(600).u32(600).u32(0).u32(0))),
  },
  {
    name: 'delete IPv4',
    type: RTM_DELADDR, flags: 0,
    spec: { index: 3, address: '10.0.0.1', prefixLen: 24 },
    expect: nlmsg(RTM_DELADDR, 0, ifaddrmsg(2, 24, 0, 0, 3), attrBytes(IFA.LOCAL, [10, 0, 0, 1]), attrBytes(IFA.ADDRESS, [10, 0, 0, 1])),
  },
];

for (const c of cases) {
  test(`encodeAddr: ${c.name}`, () => {
    assert.equal(encodeAddr(c.type, c.flags, c.spec).toString('hex'), c.expect.toString('hex'));
  });
  test(`round trip: ${c.name}`, () => {
    const a = decodeAddr(one(encodeAddr(c.type, c.flags, c.spec)));
    assert.equal(a.family, c.spec.address.includes(':') ? 6 : 4);
    assert.equal(a.index, c.spec.index);
    assert.equal(a.address, c.spec.address);
    assert.equal(a.prefixLen, c.spec.prefixLen);
    assert.equal(a.peer, c.spec.peer);
    assert.equal(a.label, c.spec.label);
    assert.equal(a.flags, c.spec.flags ?? 0);
    assert.equal(a.scopeNum, c.spec.scope ?? 0);
    assert.equal(a.metric, c.spec.metric);
    if (c.spec.validLft !== undefined) assert.equal(a.validLft, c.spec.validLft);
    if (c.spec.preferredLft !== undefined) assert.equal(a.preferredLft, c.spec.preferredLft);
    if (typeof c.spec.broadcast === 'string') assert.equal(a.broadcast, c.spec.broadcast);
  });
}

test('encodeAddrDump: family and index in the header, nothing else', () => {
  assert.equal(encodeAddrDump(AF_INET6, 7).toString('hex'), nlmsg(RTM_GETADDR, 0x300, ifaddrmsg(10, 0, 0, 0, 7)).toString('hex'));
  assert.equal(encodeAddrDump().toString('hex'), nlmsg(RTM_GETADDR, 0x300, ifaddrmsg(0, 0, 0, 0, 0)).toString('hex'));
});

test('decodeAddr names flags as ip -j does', () => {
  const a = decodeAddr(one(encodeAddr(RTM_NEWADDR, 0, { index: 1, address: 'fd00::2', prefixLen: 64, flags: IFA_F_NODAD | 0x80 | 0x40 })));
  assert.deepEqual(a.flagNames, ['nodad', 'tentative', 'permanent']);
  const b = decodeAddr(one(encodeAddr(RTM_NEWADDR, 0, { index: 1, address: '10.1.1.1', prefixLen: 8, flags: 1 })));
  assert.deepEqual(b.flagNames, ['secondary', 'dynamic']);
  assert.equal(b.scope, 'global');
});

test('encodeAddr refuses what the kernel would refuse', () => {
  const bad: AddrSpec[] = [
    { index: 1, address: '10.0.0.300', prefixLen: 8 },
    { index: 1, address: '10.0.0.1/24', prefixLen: 24 },
    { index: 1, address: '10.0.0.1', prefixLen: 33 },
    { index: 1, address: 'fd00::1', prefixLen: 129 },
    { index: 0, address: '10.0.0.1', prefixLen: 8 },
    { index: 1, address: 'fd00::1', prefixLen: 64, broadcast: true },
    { index: 1, address: '10.0.0.1', prefixLen: 8, peer: 'fd00::2' },
    { index: 1, address: '10.0.0.1', prefixLen: 8, label: 'x'.repeat(16) },
  ];
  for (const s of bad) assert.throws(() => encodeAddr(RTM_NEWADDR, 0, s), (e: unknown) => e instanceof WireError && e.code === 'BAD_VALUE', JSON.stringify(s));
  assert.throws(() => encodeAddr(RTM_GETADDR, 0, { index: 1, address: '10.0.0.1', prefixLen: 8 }), WireError);
});

test('decodeAddr refuses an unknown family and a message without an address', () => {
  assert.throws(() => decodeAddr(one(nlmsg(RTM_NEWADDR, 0, ifaddrmsg(7, 0, 0, 0, 1)))), WireError);
  assert.throws(() => decodeAddr(one(nlmsg(RTM_NEWADDR, 0, ifaddrmsg(2, 8, 0, 0, 1), attrStr(IFA.LABEL, 'x')))), WireError);
});
