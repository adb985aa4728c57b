import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import {
  AF_INET, AF_INET6, RTM_DELROUTE, RTM_GETROUTE, RTM_NEWROUTE, RTN_BLACKHOLE, RTN_LOCAL, RTPROT_STATIC,
} from './constants.js';
import { decodeRoute, encodeRoute, encodeRouteDump, type RouteSpec } from './route.js';
import { attr, attrBytes, attrU32, BufferList, nest, nlmsg, one } from './testing.js';

// <linux/rtnetlink.h>
const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, METRICS: 8, TABLE: 15, VIA: 18 };
const RTAX_MTU = 2;
const CREATE_EXCL = 0x600;
/** struct rtmsg */
const rtmsg = (family: number, dstLen: number, table: number, protocol: number, scope: number, type: number, flags = 0): Buffer =>
  new BufferList().u8(family).u8(dstLen).u8(0).u8(0).u8(table).u8(protocol).u8(scope).u8(type).u32(flags).join();
const fd = (last: number): number[] => [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last];

const cases: Array<{ name: string; type: number; flags: number; spec: RouteSpec; expect: Buffer; dst: string }> = [
  {
    name: 'via a gateway in table 100 (fits rtm_table; RTA_TABLE too)',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { dst: '172.16.0.0/16', gateway: '10.0.0.253', table: 100 }, dst: '172.16.0.0/16',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET, 16, 100, 3, 0, 1),
      attrU32(RTA.TABLE, 100), attrBytes(RTA.DST, [172, 16, 0, 0]), attrBytes(RTA.GATEWAY, [10, 0, 0, 253])),
  },
  {
    name: 'on a device in table 1000 (rtm_table unspec) with metric and mtu',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { dst: '172.17.0.0/16', oif: 3, table: 1000, metric: 50, mtu: 1300 }, dst: '172.17.0.0/16',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET, 16, 0, 3, 253, 1),
      attrU32(RTA.TABLE, 1000), attrBytes(RTA.DST, [172, 17, 0, 0]), attrU32(RTA.OIF, 3), attrU32(RTA.PRIORITY, 50),
      nest(RTA.METRICS, attrU32(RTAX_MTU, 1300))),
  },
  {
    name: 'default via a gateway in main',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { dst: 'default', gateway: '10.0.0.254' }, dst: 'default',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET, 0, 254, 3, 0, 1), attrU32(RTA.TABLE, 254), attrBytes(RTA.GATEWAY, [10, 0, 0, 254])),
  },
  {
    name: 'IPv6 prefix via a gateway with a metric',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { dst: 'fd01::/64', gateway: 'fd00::fe', oif: 3, metric: 20 }, dst: 'fd01::/64',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET6, 64, 254, 3, 0, 1),
      attrU32(RTA.TABLE, 254), attrBytes(RTA.DST, [0xfd, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), attrBytes(RTA.GATEWAY, fd(0xfe)),
      attrU32(RTA.OIF, 3), attrU32(RTA.PRIORITY, 20)),
  },
  {
    name: 'IPv6 default: the family comes from the gateway',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { gateway: 'fd00::1', table: 100 }, dst: 'default',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET6, 0, 100, 3, 0, 1), attrU32(RTA.TABLE, 100), attrBytes(RTA.GATEWAY, fd(1))),
  },
  {
    name: 'host route via an on-link gateway',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { dst: '198.51.100.7', gateway: '10.0.0.252', oif: 3, onlink: true }, dst: '198.51.100.7',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET, 32, 254, 3, 0, 1, 4),
      attrU32(RTA.TABLE, 254), attrBytes(RTA.DST, [198, 51, 100, 7]), attrBytes(RTA.GATEWAY, [10, 0, 0, 252]), attrU32(RTA.OIF, 3)),
  },
  {
    name: 'IPv4 route via an IPv6 next hop (RTA_VIA)',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { dst: '10.8.0.0/16', gateway: 'fd00::1', oif: 2 }, dst: '10.8.0.0/16',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET, 16, 254, 3, 0, 1),
      attrU32(RTA.TABLE, 254), attrBytes(RTA.DST, [10, 8, 0, 0]), attr(RTA.VIA, new BufferList().u16(AF_INET6).bytes(Buffer.from(fd(1)))), attrU32(RTA.OIF, 2)),
  },
  {
    name: 'blackhole keeps universe scope, static protocol and preferred source',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { dst: '192.0.2.0/24', type: RTN_BLACKHOLE, protocol: RTPROT_STATIC, prefsrc: '10.0.0.1' }, dst: '192.0.2.0/24',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET, 24, 254, 4, 0, RTN_BLACKHOLE),
      attrU32(RTA.TABLE, 254), attrBytes(RTA.DST, [192, 0, 2, 0]), attrBytes(RTA.PREFSRC, [10, 0, 0, 1])),
  },
  {
    name: 'local route goes to table local with host scope',
    type: RTM_NEWROUTE, flags: CREATE_EXCL, spec: { dst: '10.0.0.1', type: RTN_LOCAL, oif: 3 }, dst: '10.0.0.1',
    expect: nlmsg(RTM_NEWROUTE, CREATE_EXCL, rtmsg(AF_INET, 32, 255, 3, 254, RTN_LOCAL),
      attrU32(RTA.TABLE, 255), attrBytes(RTA.DST, [10, 0, 0, 1]), attrU32(RTA.OIF, 3)),
  },
  {
    name: 'delete matches any protocol, scope and type',
    type: RTM_DELROUTE, flags: 0, spec: { dst: '172.16.0.0/16', table: 100 }, dst: '172.16.0.0/16',
    expect: nlmsg(RTM_DELROUTE, 0, rtmsg(AF_INET, 16, 100, 0, 255, 0), attrU32(RTA.TABLE, 100), attrBytes(RTA.DST, [172, 16, 0, 0])),
  },
];

for (const c of cases) {
  test(`encodeRoute: ${c.name}`, () => {
    assert.equal(encodeRoute(c.type, c.flags, c.spec).toString('hex'), c.expect.toString('hex'));
  });
  test(`round trip: ${c.name}`, () => {
    const r = decodeRoute(one(encodeRoute(c.type, c.flags, c.spec)));
    assert.equal(r.dst, c.dst);
    assert.equal(r.gateway, c.spec.gateway);
    assert.equal(r.oif, c.spec.oif);
    assert.equal(r.metric, c.spec.metric);
    assert.equal(r.mtu, c.spec.mtu);
    assert.equal(r.prefsrc, c.spec.prefsrc);
    assert.equal(r.table, c.spec.table ?? (c.spec.type === RTN_LOCAL ? 255 : 254));
    assert.deepEqual(r.flagNames, c.spec.onlink ? ['onlink'] : []);
    if (c.type === RTM_NEWROUTE) {
      assert.equal(r.protocol, c.spec.protocol === RTPROT_STATIC ? 'static' : 'boot');
      assert.equal(r.type, c.spec.type === RTN_BLACKHOLE ? 'blackhole' : c.spec.type === RTN_LOCAL ? 'local' : 'unicast');
    }
  });
}

test('encodeRouteDump: table filter in rtm_table when it fits and in RTA_TABLE', () => {
  assert.equal(encodeRouteDump(AF_INET, 100).toString('hex'), nlmsg(RTM_GETROUTE, 0x300, rtmsg(AF_INET, 0, 100, 0, 0, 0), attrU32(RTA.TABLE, 100)).toString('hex'));
  assert.equal(encodeRouteDump(AF_INET6, 1000).toString('hex'), nlmsg(RTM_GETROUTE, 0x300, rtmsg(AF_INET6, 0, 0, 0, 0, 0), attrU32(RTA.TABLE, 1000)).toString('hex'));
  assert.equal(encodeRouteDump().toString('hex'), nlmsg(RTM_GETROUTE, 0x300, rtmsg(0, 0, 0, 0, 0, 0)).toString('hex'));
});

test('encodeRoute refuses bad prefixes and mixed families', () => {
  const bad: RouteSpec[] = [
    { dst: '10.0.0.0/33' }, { dst: '10.0.0.0/x' }, { dst: 'fd00::/129' }, { dst: 'nonsense' },
    { dst: '10.0.0.0/8', family: 6 }, { dst: '10.0.0.0/8', prefsrc: 'fd00::1', oif: 1 }, { dst: '10.0.0.0/8', gateway: '10.0.0.256' },
  ];
  for (const s of bad) assert.throws(() => encodeRoute(RTM_NEWROUTE, 0, s), (e: unknown) => e instanceof WireError && e.code === 'BAD_VALUE', JSON.stringify(s));
});

test('decodeRoute: a prefix without RTA_DST and an unknown family', () => {
  const r = decodeRoute(one(nlmsg(RTM_NEWROUTE, 0, rtmsg(AF_INET, 0, 254, 2, 253, 1))));
  assert.equal(r.dst, 'default');
  assert.equal(r.protocol, 'kernel');
  assert.equal(r.scope, 'link');
  assert.throws(() => decodeRoute(one(nlmsg(RTM_NEWROUTE, 0, rtmsg(28, 0, 254, 2, 253, 1)))), WireError);
});

test('encodeRouteGet: one address at full length, RTM_F_LOOKUP_TABLE for IPv4, no dump flags (as ip route get)', async () => {
  const { encodeRouteGet } = await import('./route.js');
  const RTA_SRC = 2;
  const RTA_IIF = 3;
  const LOOKUP_TABLE = 0x1000;
  assert.deepEqual(encodeRouteGet({ dst: '10.0.0.7' }), nlmsg(RTM_GETROUTE, 0, rtmsg(AF_INET, 32, 0, 0, 0, 0, LOOKUP_TABLE), attrBytes(RTA.DST, [10, 0, 0, 7])));
  assert.deepEqual(
    encodeRouteGet({ dst: '10.0.0.7', src: '10.0.0.1', iif: 2, oif: 3 }),
    nlmsg(RTM_GETROUTE, 0, new BufferList().u8(AF_INET).u8(32).u8(32).u8(0).u8(0).u8(0).u8(0).u8(0).u32(LOOKUP_TABLE).join(),
      attrBytes(RTA.DST, [10, 0, 0, 7]), attrBytes(RTA_SRC, [10, 0, 0, 1]), attrU32(RTA_IIF, 2), attrU32(RTA.OIF, 3)),
  );
  assert.deepEqual(encodeRouteGet({ dst: 'fd00::9' }), nlmsg(RTM_GETROUTE, 0, rtmsg(AF_INET6, 128, 0, 0, 0, 0), attrBytes(RTA.DST, fd(9))));
  assert.throws(() => encodeRouteGet({ dst: '10.0.0.0/24' }), WireError);
  assert.throws(() => encodeRouteGet({ dst: '10.0.0.7', src: 'fd00::1' }), (e: unknown) => e instanceof WireError && /not an IPv4 address/.test(e.message));
});

test('decodeRoute: the answer to a lookup (from, uid, pref, cloned with cache flags)', async () => {
  const { cacheFlagNames, RTM_F_CLONED } = await import('./constants.js');
  const RTA_SRC = 2;
  const RTA_UID = 25;
  const RTA_PREF = 20;
  const RTCF_LOCAL = 0x80000000;
  const v4 = decodeRoute(one(nlmsg(RTM_NEWROUTE, 0, new BufferList().u8(AF_INET).u8(32).u8(32).u8(0).u8(255).u8(0).u8(0).u8(RTN_LOCAL).u32((RTM_F_CLONED | RTCF_LOCAL) >>> 0).join(),
    attrU32(RTA.TABLE, 255), attrBytes(RTA.DST, [10, 0, 0, 1]), attrBytes(RTA_SRC, [10, 0, 0, 1]), attrU32(RTA.OIF, 1), attrBytes(RTA.PREFSRC, [10, 0, 0, 1]), attrU32(RTA_UID, 0))));
  assert.equal(v4.dst, '10.0.0.1');
  assert.equal(v4.src, '10.0.0.1', 'full length: the address alone, as ip prints "from"');
  assert.equal(v4.uid, 0);
  assert.deepEqual(cacheFlagNames(v4.flags), ['local']);
  assert.deepEqual(v4.flagNames, [], 'cache flags are not route flags');
  const v6 = decodeRoute(one(nlmsg(RTM_NEWROUTE, 0, new BufferList().u8(AF_INET6).u8(128).u8(128).u8(0).u8(254).u8(2).u8(0).u8(1).u32(0).join(),
    attrBytes(RTA.DST, fd(9)), attr(RTA_SRC, Buffer.alloc(16)), attr(RTA_PREF, Buffer.from([0])))));
  assert.equal(v6.src, '::');
  assert.equal(v6.srcLen, 128);
  assert.equal(v6.pref, 0);
  assert.equal(v6.uid, undefined);
});
