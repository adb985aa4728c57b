import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { IFF_UP, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK, RTM_NEWLINKPROP, RTM_SETLINK } from './constants.js';
import { decodeLink, encodeLink, encodeLinkDump, type LinkAttrs, type LinkHeader } from './link.js';
import { attr, attrBytes, attrI32, attrStr, attrU16, attrU16be, attrU32, attrU8, BufferList, nest, nlmsg, one } from './testing.js';

// Numbers straight from <linux/if_link.h>, <linux/veth.h>, <linux/netlink.h>.
const CREATE_EXCL = 0x400 | 0x200;
const DUMP = 0x300;
const IFLA = { ADDRESS: 1, IFNAME: 3, MTU: 4, LINK: 5, MASTER: 10, LINKINFO: 18, NET_NS_PID: 19, IFALIAS: 20, NET_NS_FD: 28, EXT_MASK: 29, LINK_NETNSID: 37, TARGET_NETNSID: 46, PROP_LIST: 52, ALT_IFNAME: 53, GROUP: 27, TXQLEN: 13 };
const INFO_KIND = 1;
const INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const NLA_F_NESTED = 0x8000;

/** struct ifinfomsg */
const ifinfomsg = (index: number, flags: number, change: number, family = 0, type = 0): Buffer =>
  new BufferList().u8(family).u8(0).u16(type).i32(index).u32(flags).u32(change).join();

interface Case {
  name: string;
  type: number;
  flags: number;
  hdr: LinkHeader;
  attrs: LinkAttrs;
  expect: Buffer;
}

const cases: Case[] = [
  {
    name: 'veth with its peer created in another namespace (by fd), both up',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: { flags: IFF_UP },
    attrs: { name: 'v0', mtu: 1400, info: { kind: 'veth', peer: { name: 'v0-peer', netnsFd: 9, up: true, mtu: 1400, address: '02:00:00:00:00:01' } } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 1, 1),
      attrStr(IFLA.IFNAME, 'v0'), attrU32(IFLA.MTU, 1400),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'veth'), nest(INFO_DATA, nest(VETH_INFO_PEER,
        ifinfomsg(0, 1, 1), attrStr(IFLA.IFNAME, 'v0-peer'), attrBytes(IFLA.ADDRESS, [2, 0, 0, 0, 0, 1]), attrU32(IFLA.MTU, 1400), attrI32(IFLA.NET_NS_FD, 9))))),
  },
  {
    name: 'veth with its peer in the namespace of a pid, with an alias',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'a', info: { kind: 'veth', peer: { name: 'b', netnsPid: 4242, alias: 'peer of a' } } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'a'),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'veth'), nest(INFO_DATA, nest(VETH_INFO_PEER,
        ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'b'), attrU32(IFLA.NET_NS_PID, 4242), attr(IFLA.IFALIAS, Buffer.from('peer of a')))))),
  },
  {
    name: 'veth without a peer name sends no IFLA_INFO_DATA',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'x', info: { kind: 'veth' } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'x'), nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'veth'))),
  },
  {
    name: 'bridge with STP, timers, vlan settings and snooping',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'br0', info: { kind: 'bridge', stpState: 0, forwardDelay: 400, priority: 4096, vlanFiltering: true, vlanProtocol: 0x88a8, multicastSnooping: false, ageingTime: 30000, helloTime: 200, maxAge: 2000 } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'br0'),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'bridge'), nest(INFO_DATA,
        attrU32(1, 400), attrU32(2, 200), attrU32(3, 2000), attrU32(4, 30000), attrU32(5, 0), attrU16(6, 4096),
        attrU8(7, 1), attrU16be(8, 0x88a8), attrU8(23, 0)))),
  },
  {
    name: 'vxlan, IPv4 unicast remote, all options',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'vx0', info: { kind: 'vxlan', id: 42, remote: '10.0.0.9', local: '10.0.0.1', link: 3, port: 4789, ttl: 64, tos: 1, learning: false, srcPortMin: 4000, srcPortMax: 5000 } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'vx0'),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'vxlan'), nest(INFO_DATA,
        attrU32(1, 42), attrBytes(2, [10, 0, 0, 9]), attrBytes(4, [10, 0, 0, 1]), attrU32(3, 3), attrU8(5, 64), attrU8(6, 1),
        attrU8(7, 0), attr(10, new BufferList().u16be(4000).u16be(5000)), attrU16be(15, 4789)))),
  },
  {
    name: 'vxlan, IPv6 multicast group and local',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'vx6', info: { kind: 'vxlan', id: 7, group: 'ff05::1', local: 'fd00::1' } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'vx6'),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'vxlan'), nest(INFO_DATA,
        attrU32(1, 7), attrBytes(16, [0xff, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), attrBytes(17, [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])))),
  },
  {
    name: 'macvlan in bridge mode on a lower device',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'mv0', link: 3, info: { kind: 'macvlan', mode: 'bridge' } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'mv0'), attrU32(IFLA.LINK, 3),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'macvlan'), nest(INFO_DATA, attrU32(1, 4)))),
  },
  {
    name: 'macvtap in passthru mode',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'mt0', link: 2, info: { kind: 'macvtap', mode: 'passthru' } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'mt0'), attrU32(IFLA.LINK, 2),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'macvtap'), nest(INFO_DATA, attrU32(1, 8)))),
  },
  {
    name: '802.1ad vlan',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'eth0.100', link: 3, info: { kind: 'vlan', id: 100, protocol: '802.1ad' } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'eth0.100'), attrU32(IFLA.LINK, 3),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'vlan'), nest(INFO_DATA, attrU16(1, 100), attrU16be(5, 0x88a8)))),
  },
  {
    name: 'a kind without a codec passes IFLA_INFO_DATA through',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'wg0', info: { kind: 'wireguard', data: Buffer.from([8, 0, 1, 0, 7, 0, 0, 0]) } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'wg0'),
      nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'wireguard'), attr(INFO_DATA, Buffer.from([8, 0, 1, 0, 7, 0, 0, 0])))),
  },
  {
    name: 'dummy: kind only',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'd0', info: { kind: 'dummy' } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'd0'), nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'dummy'))),
  },
  {
    name: 'set down, nomaster, delete alias (empty IFLA_IFALIAS payload)',
    type: RTM_NEWLINK, flags: 0, hdr: { index: 5, flags: 0, change: IFF_UP },
    attrs: { master: 0, alias: '' },
    expect: nlmsg(RTM_NEWLINK, 0, ifinfomsg(5, 0, IFF_UP), attrU32(IFLA.MASTER, 0), attr(IFLA.IFALIAS, Buffer.alloc(0))),
  },
  {
    name: 'set alias (no NUL, as ip), group, txqlen, address',
    type: RTM_SETLINK, flags: 0, hdr: { index: 3 },
    attrs: { alias: 'golden link', group: 7, txqlen: 500, address: '02:00:00:00:00:0a' },
    expect: nlmsg(RTM_SETLINK, 0, ifinfomsg(3, 0, 0), attrBytes(IFLA.ADDRESS, [2, 0, 0, 0, 0, 10]), attrU32(IFLA.TXQLEN, 500),
      attr(IFLA.IFALIAS, Buffer.from('golden link')), attrU32(IFLA.GROUP, 7)),
  },
  {
    name: 'move to a namespace by fd, rename on the way',
    type: RTM_NEWLINK, flags: 0, hdr: { index: 4 },
    attrs: { name: 'inside0', netnsFd: 12 },
    expect: nlmsg(RTM_NEWLINK, 0, ifinfomsg(4, 0, 0), attrStr(IFLA.IFNAME, 'inside0'), attrI32(IFLA.NET_NS_FD, 12)),
  },
  {
    name: 'act on a link in another namespace by nsid, with IFLA_LINK_NETNSID',
    type: RTM_NEWLINK, flags: CREATE_EXCL, hdr: {},
    attrs: { name: 'mvx', link: 2, linkNetnsId: 5, targetNetnsId: 3, info: { kind: 'macvlan' } },
    expect: nlmsg(RTM_NEWLINK, CREATE_EXCL, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'mvx'), attrU32(IFLA.LINK, 2),
      attrI32(IFLA.TARGET_NETNSID, 3), attrI32(IFLA.LINK_NETNSID, 5), nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'macvlan'))),
  },
  {
    name: 'add altnames (IFLA_PROP_LIST with NLA_F_NESTED, as ip)',
    type: RTM_NEWLINKPROP, flags: CREATE_EXCL, hdr: { index: 3 },
    attrs: { altnames: ['golden-link-with-a-long-name', 'b'] },
    expect: nlmsg(RTM_NEWLINKPROP, CREATE_EXCL, ifinfomsg(3, 0, 0),
      nest(IFLA.PROP_LIST | NLA_F_NESTED, attrStr(IFLA.ALT_IFNAME, 'golden-link-with-a-long-name'), attrStr(IFLA.ALT_IFNAME, 'b'))),
  },
  {
    name: 'get one link by name, skipping stats',
    type: RTM_GETLINK, flags: 0, hdr: {},
    attrs: { name: 'v0', extMask: 8 },
    expect: nlmsg(RTM_GETLINK, 0, ifinfomsg(0, 0, 0), attrStr(IFLA.IFNAME, 'v0'), attrU32(IFLA.EXT_MASK, 8)),
  },
  {
    name: 'get one link by an alternative name longer than 15 bytes',
    type: RTM_GETLINK, flags: 0, hdr: {},
    attrs: { altName: 'a-much-longer-alternative-name' },
    expect: nlmsg(RTM_GETLINK, 0, ifinfomsg(0, 0, 0), attrStr(IFLA.ALT_IFNAME, 'a-much-longer-alternative-name')),
  },
  {
    name: 'delete by index',
    type: RTM_DELLINK, flags: 0, hdr: { index: 77 }, attrs: {},
    expect: nlmsg(RTM_DELLINK, 0, ifinfomsg(77, 0, 0)),
  },
];

for (const c of cases) {
  test(`encodeLink: ${c.name}`, () => {
    assert.equal(encodeLink(c.type, c.flags, c.hdr, c.attrs).toString('hex'), c.expect.toString('hex'));
  });
}

test('encodeLinkDump: filter by master and kind in attributes, header all zero', () => {
  const expect = nlmsg(RTM_GETLINK, DUMP, ifinfomsg(0, 0, 0), attrU32(IFLA.EXT_MASK, 1), attrU32(IFLA.MASTER, 5), nest(IFLA.LINKINFO, attrStr(INFO_KIND, 'veth')));
  assert.equal(encodeLinkDump({ master: 5, kind: 'veth', extMask: 1 }).toString('hex'), expect.toString('hex'));
  assert.equal(encodeLinkDump().toString('hex'), nlmsg(RTM_GETLINK, DUMP, ifinfomsg(0, 0, 0)).toString('hex'));
});

test('change defaults to flags: { flags: IFF_UP } changes only IFF_UP', () => {
  const b = encodeLink(RTM_NEWLINK, 0, { index: 2, flags: IFF_UP });
  assert.equal(b.readUInt32LE(16 + 8), IFF_UP);
  assert.equal(b.readUInt32LE(16 + 12), IFF_UP);
});

test('encodeLink refuses names the kernel would refuse, naming the problem', () => {
  const bad = ['', 'a'.repeat(16), '.', '..', 'a/b', 'a b', 'a:b', 'tab\there', 'é'.repeat(8)];
  for (const name of bad) {
    assert.throws(() => encodeLink(RTM_NEWLINK, CREATE_EXCL, {}, { name, info: { kind: 'dummy' } }), (e: unknown) => e instanceof WireError && e.code === 'BAD_VALUE' && e.message.includes('link name'), JSON.stringify(name));
  }
  assert.throws(() => encodeLink(RTM_NEWLINK, CREATE_EXCL, {}, { name: 'ok', info: { kind: 'veth', peer: { name: 'x'.repeat(16) } } }),
    (e: unknown) => e instanceof WireError && e.code === 'BAD_VALUE' && e.message.includes('veth peer name'));
  // 15 bytes is the limit and fine; so is a multi-byte name within 15 bytes.
  assert.doesNotThrow(() => encodeLink(RTM_NEWLINK, CREATE_EXCL, {}, { name: 'a'.repeat(15) }));
  assert.doesNotThrow(() => encodeLink(RTM_NEWLINK, CREATE_EXCL, {}, { name: 'é'.repeat(7) }));
  assert.throws(() => encodeLink(RTM_NEWLINKPROP, 0, { index: 1 }, { altnames: ['x'.repeat(128)] }), WireError);
});

test('encodeLink refuses altnames outside NEWLINKPROP/DELLINKPROP and bad kind options', () => {
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, { index: 1 }, { altnames: ['x'] }), WireError);
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, {}, { name: 'v', info: { kind: 'vlan', id: 4095 } }), WireError);
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, {}, { name: 'v', info: { kind: 'vxlan', id: 1 << 24 } }), WireError);
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, {}, { name: 'v', info: { kind: 'vxlan', id: 1, srcPortMin: 5 } }), WireError);
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, {}, { name: 'v', info: { kind: 'macvlan', mode: 'nope' as 'bridge' } }), WireError);
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, {}, { name: 'v', address: 'zz:00' }), WireError);
  assert.throws(() => encodeLink(99, 0, {}, {}), WireError);
});

// ---- round trips: a NEWLINK request decodes back to what was asked ----

for (const c of cases) {
  test(`round trip: ${c.name}`, () => {
    const l = decodeLink(one(encodeLink(c.type, c.flags, c.hdr, c.attrs)));
    const a = c.attrs;
    assert.equal(l.index, c.hdr.index ?? 0);
    assert.equal(l.flags, c.hdr.flags ?? 0);
    if (a.name !== undefined) assert.equal(l.name, a.name);
    for (const k of ['mtu', 'address', 'master', 'link', 'linkNetnsId', 'alias', 'txqlen', 'group', 'netnsFd', 'netnsPid'] as const) {
      assert.equal(l[k], a[k], k);
    }
    assert.equal(l.netnsId, a.targetNetnsId);
    assert.deepEqual(l.altnames, a.altnames ?? []);
    if (a.info) {
      assert.equal(l.kind, a.info.kind);
      // Decoding gives back exactly the kind options that were set (vxlan `remote` vs `group` by address class).
      assert.deepEqual(l.info, a.info);
    } else {
      assert.equal(l.info, undefined);
    }
  });
}

test('decodeLink refuses a message of another family', () => {
  const m = one(nlmsg(20, 0, Buffer.alloc(8)));
  assert.throws(() => decodeLink(m), (e: unknown) => e instanceof WireError && e.code === 'MALFORMED');
});

test('Writer grows while writing scalars (regression: it wrote into the old buffer)', async () => {
  const { Writer } = await import('../writer.js');
  const w = new Writer(1);
  for (let i = 0; i < 100; i++) w.u8(i).u16(i).u16be(i).u32(i).u32be(i).i32(-i).u64(BigInt(i));
  const b = w.finish();
  assert.equal(b.length, 100 * 25);
  assert.equal(b.readUInt32LE(99 * 25 + 5), 99);
  assert.equal(b.readBigUInt64LE(99 * 25 + 17), 99n);
});

test('Writer.attrStr writes random strings (UTF-8, any length, growing the buffer) as NUL-terminated, padded attributes that read back the same', async () => {
  const { Writer } = await import('../writer.js');
  const { prng } = await import('./testing.js');
  const seed = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);
  const rnd = prng(seed);
  const chars = ['a', 'Z', '0', '-', ' ', 'é', 'ß', '€', '😀', '\u0101'];
  for (let round = 0; round < 200; round++) {
    const w = new Writer(1 + Math.floor(rnd() * 8));
    const strs: string[] = [];
    for (let k = Math.floor(rnd() * 5); k >= 0; k--) {
      let s = '';
      for (let n = Math.floor(rnd() * 40); n > 0; n--) s += chars[Math.floor(rnd() * chars.length)];
      strs.push(s);
      w.attrStr(7 + k, s);
    }
    const b = w.finish();
    let at = 0;
    for (const s of strs) {
      const bytes = Buffer.from(s, 'utf8');
      assert.equal(b.readUInt16LE(at), 4 + bytes.length + 1, `seed ${seed}: length of ${JSON.stringify(s)}`);
      assert.deepEqual(b.subarray(at + 4, at + 4 + bytes.length), bytes, `seed ${seed}: bytes of ${JSON.stringify(s)}`);
      assert.equal(b[at + 4 + bytes.length], 0, `seed ${seed}: NUL after ${JSON.stringify(s)}`);
      at += (4 + bytes.length + 1 + 3) & ~3;
    }
    assert.equal(b.length, at, `seed ${seed}: padded to 4 bytes`);
  }
});

test('encodeLink: a value of the wrong type is a WireError naming the attribute', () => {
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, {}, { name: 'x', mtu: 1.5 } as LinkAttrs), (e: unknown) => e instanceof WireError && e.code === 'BAD_VALUE' && /link\.mtu/.test(e.message) && /expected an integer, got 1\.5/.test(e.message));
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, {}, { name: 'x', master: '3' } as unknown as LinkAttrs), (e: unknown) => e instanceof WireError && /link\.master/.test(e.message));
});

test('encodeLink refuses a lookup by altname outside GETLINK/DELLINK', () => {
  assert.throws(() => encodeLink(RTM_NEWLINK, 0, {}, { altName: 'x-long-alternative-name' }), (e: unknown) => e instanceof WireError && e.code === 'BAD_VALUE');
});

test('IFLA_STATS64 decodes every counter of struct rtnl_link_stats64 in the kernel order; a shorter struct reads the rest as 0', () => {
  // The struct's 25 u64 fields, each set to its own index + 1 (and one above 2^53, which must survive).
  const full = new BufferList();
  for (let i = 0; i < 25; i++) full.u64(i === 2 ? 2n ** 60n + 3n : BigInt(i + 1));
  const l = decodeLink(one(nlmsg(RTM_NEWLINK, 0, ifinfomsg(3, 0, 0), attrStr(IFLA.IFNAME, 'v0'), attr(23, full.join()))));
  const s = l.stats!;
  assert.equal(s.rxPackets, 1n);
  assert.equal(s.rxBytes, 2n ** 60n + 3n);
  assert.equal(s.multicast, 9n);
  assert.equal(s.collisions, 10n);
  assert.equal(s.rxOverErrors, 12n);
  assert.equal(s.rxMissedErrors, 16n);
  assert.equal(s.txCarrierErrors, 18n);
  assert.equal(s.txWindowErrors, 21n);
  assert.equal(s.rxNohandler, 24n);
  assert.equal(s.rxOtherhostDropped, 25n);
  // An older kernel's 24-field struct (no rx_otherhost_dropped), and the 8-field minimum.
  const short = (n: number): Buffer => full.join().subarray(0, n * 8);
  assert.equal(decodeLink(one(nlmsg(RTM_NEWLINK, 0, ifinfomsg(3, 0, 0), attr(23, short(24))))).stats!.rxOtherhostDropped, 0n);
  const eight = decodeLink(one(nlmsg(RTM_NEWLINK, 0, ifinfomsg(3, 0, 0), attr(23, short(8))))).stats!;
  assert.equal(eight.txDropped, 8n);
  assert.equal(eight.multicast, 0n);
  assert.throws(() => decodeLink(one(nlmsg(RTM_NEWLINK, 0, ifinfomsg(3, 0, 0), attr(23, short(7))))), (e: unknown) => e instanceof WireError && e.code === 'MALFORMED');
});
