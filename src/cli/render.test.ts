import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddrInfo, LinkInfo, NeighInfo, RouteInfo, RouteLookup } from '../api/types.js';
import { renderAddrs, renderLinks, renderNeighs, renderNetns, renderRouteGet, renderRoutes } from './render.js';

const lo: LinkInfo = {
  ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, operstate: 'UNKNOWN',
  link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00', altnames: [], txqlen: 1000,
};
/** A veth whose peer is in namespace blue (nsid 0), port of br0, with an alias and an altname. */
const veth0: LinkInfo = {
  ifindex: 3, ifname: 'veth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, operstate: 'UP',
  link_type: 'ether', address: '0a:96:fc:80:00:fd', broadcast: 'ff:ff:ff:ff:ff:ff', kind: 'veth', master: 'br0',
  altnames: ['my-long-alternative-name'], ifalias: 'hello', link_index: 2, link_netnsid: 0, peerNetns: 'blue', txqlen: 1000,
};
const br0: LinkInfo = {
  ifindex: 4, ifname: 'br0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, operstate: 'UP',
  link_type: 'ether', address: '0a:96:fc:80:00:fd', broadcast: 'ff:ff:ff:ff:ff:ff', kind: 'bridge', altnames: [],
  info: { stpState: 0 },
};
/** A macvlan on br0: IFLA_LINK without a netnsid, so ip names the parent. */
const mv0: LinkInfo = {
  ifindex: 6, ifname: 'mv0', flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, operstate: 'DOWN', link_type: 'ether',
  address: 'ee:56:5e:1e:8d:d6', broadcast: 'ff:ff:ff:ff:ff:ff', kind: 'macvlan', altnames: [], link_index: 4, info: { mode: 'bridge' },
};
/** A veth whose peer is in the same namespace, but outside the listed set. */
const vethA: LinkInfo = {
  ifindex: 7, ifname: 'vA', flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, operstate: 'DOWN', link_type: 'ether',
  address: '02:00:00:00:00:07', broadcast: 'ff:ff:ff:ff:ff:ff', kind: 'veth', altnames: [], link_index: 8, peer: 'vB',
};

test('link text: as ip link show (header, link/TYPE, link-netns, alias, altname, @peer)', () => {
  assert.equal(renderLinks([lo, veth0, br0, mv0, vethA]), [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '3: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state UP qlen 1000',
    '    link/ether 0a:96:fc:80:00:fd brd ff:ff:ff:ff:ff:ff link-netns blue',
    '    alias hello',
    '    altname my-long-alternative-name',
    '4: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP',
    '    link/ether 0a:96:fc:80:00:fd brd ff:ff:ff:ff:ff:ff',
    '6: mv0@br0: <BROADCAST,MULTICAST> mtu 1500 state DOWN',
    '    link/ether ee:56:5e:1e:8d:d6 brd ff:ff:ff:ff:ff:ff',
    '7: vA@vB: <BROADCAST,MULTICAST> mtu 1500 state DOWN',
    '    link/ether 02:00:00:00:00:07 brd ff:ff:ff:ff:ff:ff',
    '',
  ].join('\n'));
});

test('link text: an unnamed peer namespace prints its nsid; -d adds the kind line', () => {
  const { peerNetns: _p, ...noName } = veth0;
  assert.match(renderLinks([noName]), /link\/ether 0a:96:fc:80:00:fd brd ff:ff:ff:ff:ff:ff link-netnsid 0\n/);
  assert.match(renderLinks([mv0], { details: true }, [mv0, br0]), /\n {4}macvlan mode bridge\n$/);
  assert.doesNotMatch(renderLinks([mv0], {}, [mv0, br0]), /macvlan mode/);
  // A parent that is not among the links resolves as ip does: if<N>.
  assert.match(renderLinks([mv0]), /^6: mv0@if4: /);
});

test('link JSON: ip -j -d link show field names and order; linkinfo only with -d, as ip', () => {
  const plain = JSON.parse(renderLinks([veth0, mv0], { json: true }, [lo, veth0, br0, mv0])) as Record<string, unknown>[];
  assert.deepEqual(plain.map((l) => 'linkinfo' in l), [false, false]);
  const out = renderLinks([veth0, mv0], { json: true, details: true }, [lo, veth0, br0, mv0]);
  assert.ok(out.endsWith('\n') && !out.trimEnd().includes('\n'), 'one line, as ip -j');
  const j = JSON.parse(out) as Record<string, unknown>[];
  assert.deepEqual(j[0], {
    ifindex: 3, link_index: 2, ifname: 'veth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, master: 'br0',
    operstate: 'UP', txqlen: 1000, link_type: 'ether', address: '0a:96:fc:80:00:fd', broadcast: 'ff:ff:ff:ff:ff:ff',
    link_netnsid: 0, ifalias: 'hello', altnames: ['my-long-alternative-name'], linkinfo: { info_kind: 'veth' },
  });
  assert.deepEqual(Object.keys(j[0]!), ['ifindex', 'link_index', 'ifname', 'flags', 'mtu', 'master', 'operstate', 'txqlen', 'link_type', 'address', 'broadcast', 'link_netnsid', 'ifalias', 'altnames', 'linkinfo']);
  assert.deepEqual(j[1], {
    ifindex: 6, link: 'br0', ifname: 'mv0', flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, operstate: 'DOWN', link_type: 'ether',
    address: 'ee:56:5e:1e:8d:d6', broadcast: 'ff:ff:ff:ff:ff:ff', linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } },
  });
  assert.equal(renderLinks([lo], { json: true, pretty: true }).split('\n').length > 3, true, '-p indents');
});

const addrs: AddrInfo[] = [
  { ifindex: 1, ifname: 'lo', family: 'inet', local: '127.0.0.1', prefixlen: 8, cidr: '127.0.0.1/8', scope: 'host', label: 'lo', flags: ['permanent'] },
  { ifindex: 1, ifname: 'lo', family: 'inet6', local: '::1', prefixlen: 128, cidr: '::1/128', scope: 'host', flags: ['permanent'] },
  { ifindex: 4, ifname: 'br0', family: 'inet', local: '10.1.1.1', prefixlen: 24, cidr: '10.1.1.1/24', broadcast: '10.1.1.255', scope: 'global', label: 'br0', flags: ['permanent'] },
  { ifindex: 4, ifname: 'br0', family: 'inet', local: '10.1.1.5', prefixlen: 24, cidr: '10.1.1.5/24', scope: 'global', label: 'br0', flags: ['secondary', 'permanent'] },
  { ifindex: 4, ifname: 'br0', family: 'inet6', local: 'fe80::1', prefixlen: 64, cidr: 'fe80::1/64', scope: 'link', flags: ['tentative', 'permanent'] },
];

test('addr text: grouped under the link, as ip addr show', () => {
  assert.equal(renderAddrs([lo, br0, mv0], addrs), [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '    inet6 ::1/128 scope host ', // as ip: no label, so the word before ends with its space
    '4: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP',
    '    link/ether 0a:96:fc:80:00:fd brd ff:ff:ff:ff:ff:ff',
    '    inet 10.1.1.1/24 brd 10.1.1.255 scope global br0',
    '    inet 10.1.1.5/24 scope global secondary br0',
    '    inet6 fe80::1/64 scope link tentative ',
    '6: mv0@br0: <BROADCAST,MULTICAST> mtu 1500 state DOWN',
    '    link/ether ee:56:5e:1e:8d:d6 brd ff:ff:ff:ff:ff:ff',
    '',
  ].join('\n'));
  // With a family filter (ip -4 addr), links without such an address are left out.
  const v4 = renderAddrs([lo, br0, mv0], addrs.filter((a) => a.family === 'inet'), {}, true);
  assert.doesNotMatch(v4, /mv0/);
  assert.match(v4, /inet 10\.1\.1\.1\/24/);
});

test('addr JSON: ip -j addr show shape, flags as booleans, label for inet only', () => {
  const j = JSON.parse(renderAddrs([br0, mv0], addrs, { json: true }, false, [lo, br0, mv0])) as Record<string, unknown>[];
  assert.equal(j.length, 2);
  assert.equal(j[0]!.ifname, 'br0');
  assert.equal('linkinfo' in j[0]!, false);
  assert.deepEqual(j[0]!.addr_info, [
    { family: 'inet', local: '10.1.1.1', prefixlen: 24, broadcast: '10.1.1.255', scope: 'global', label: 'br0' },
    { family: 'inet', local: '10.1.1.5', prefixlen: 24, scope: 'global', secondary: true, label: 'br0' },
    { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link', tentative: true },
  ]);
  assert.deepEqual(j[1]!.addr_info, []);
  assert.equal(j[1]!.link, 'br0');
});

const routes: RouteInfo[] = [
  { dst: 'default', gateway: '10.1.1.1', dev: 'veth1', table: 'main', protocol: 'boot', scope: 'global', type: 'unicast', flags: [], family: 'inet' },
  { dst: '10.1.1.0/24', dev: 'veth1', table: 'main', protocol: 'kernel', scope: 'link', type: 'unicast', prefsrc: '10.1.1.2', flags: [], family: 'inet' },
  { dst: '10.9.0.0/16', table: 100, protocol: 'boot', scope: 'global', type: 'blackhole', metric: 5, flags: [], family: 'inet' },
  { dst: '10.7.0.0/16', gateway: '10.1.1.9', dev: 'veth1', table: 'main', protocol: 'static', scope: 'global', type: 'unicast', flags: ['onlink'], family: 'inet' },
];

test('route text: as ip route', () => {
  assert.equal(renderRoutes(routes), [
    'default via 10.1.1.1 dev veth1',
    '10.1.1.0/24 dev veth1 proto kernel scope link src 10.1.1.2',
    'blackhole 10.9.0.0/16 table 100 metric 5',
    '10.7.0.0/16 via 10.1.1.9 dev veth1 proto static onlink',
    '',
  ].join('\n'));
});

test('route JSON: ip -j route fields (no boot protocol, no global scope, table only off main)', () => {
  assert.deepEqual(JSON.parse(renderRoutes(routes, { json: true })), [
    { dst: 'default', gateway: '10.1.1.1', dev: 'veth1', flags: [] },
    { dst: '10.1.1.0/24', dev: 'veth1', protocol: 'kernel', scope: 'link', prefsrc: '10.1.1.2', flags: [] },
    { type: 'blackhole', dst: '10.9.0.0/16', table: '100', metric: 5, flags: [] },
    { dst: '10.7.0.0/16', gateway: '10.1.1.9', dev: 'veth1', protocol: 'static', flags: ['onlink'] },
  ]);
});

test('route get: as ip route get (cache line for an IPv4 answer; no proto or scope when the kernel made it; from, uid, pref)', () => {
  const gw: RouteLookup = {
    dst: '10.5.1.1', gateway: '10.0.0.2', dev: 'v0', table: 'main', protocol: 'unspec', scope: 'global', type: 'unicast', prefsrc: '10.0.0.1',
    flags: [], family: 'inet', uid: 0, cloned: true, cache: [],
  };
  const local: RouteLookup = { ...gw, dst: '10.0.0.1', gateway: undefined, dev: 'lo', type: 'local', scope: 'host', table: 'local', cache: ['local'] };
  delete local.gateway;
  const v6: RouteLookup = {
    dst: 'fd00::9', from: '::', dev: 'v0', table: 'main', protocol: 'kernel', scope: 'global', type: 'unicast', prefsrc: 'fd00::1', metric: 256,
    flags: [], family: 'inet6', pref: 'medium', cloned: false,
  };
  assert.equal(renderRouteGet(gw), '10.5.1.1 via 10.0.0.2 dev v0 src 10.0.0.1 uid 0\n    cache\n');
  assert.equal(renderRouteGet(local), 'local 10.0.0.1 dev lo table local src 10.0.0.1 uid 0\n    cache <local>\n');
  assert.equal(renderRouteGet(v6), 'fd00::9 from :: dev v0 proto kernel src fd00::1 metric 256 pref medium\n');
  assert.deepEqual(JSON.parse(renderRouteGet(gw, { json: true })), [{ dst: '10.5.1.1', gateway: '10.0.0.2', dev: 'v0', prefsrc: '10.0.0.1', flags: [], uid: 0, cache: [] }]);
  assert.deepEqual(Object.keys(JSON.parse(renderRouteGet(v6, { json: true }))[0]), ['dst', 'from', 'dev', 'protocol', 'prefsrc', 'metric', 'flags', 'pref']);
});

test('neigh and netns output', () => {
  const n: NeighInfo[] = [
    { dst: '10.1.1.1', dev: 'veth1', lladdr: '02:00:00:00:00:01', state: ['REACHABLE'] },
    { dst: 'fe80::1', dev: 'veth1', lladdr: '02:00:00:00:00:01', state: ['STALE'], router: true },
  ];
  assert.equal(renderNeighs(n), '10.1.1.1 dev veth1 lladdr 02:00:00:00:00:01 REACHABLE\nfe80::1 dev veth1 lladdr 02:00:00:00:00:01 router STALE\n');
  assert.deepEqual(JSON.parse(renderNeighs(n, { json: true })), [
    { dst: '10.1.1.1', dev: 'veth1', lladdr: '02:00:00:00:00:01', state: ['REACHABLE'] },
    { dst: 'fe80::1', dev: 'veth1', lladdr: '02:00:00:00:00:01', router: null, state: ['STALE'] },
  ]);
  const ns = [{ name: 'blue', nsid: 0 }, { name: 'red' }];
  assert.equal(renderNetns(ns), 'blue (id: 0)\nred\n');
  assert.equal(renderNetns(ns, { json: true }), '[{"name":"blue","id":0},{"name":"red"}]\n');
  assert.equal(renderNetns([], { json: true }), '[]\n');
});

test('qdisc, mode, group and address lifetimes print where ip prints them', () => {
  const br: LinkInfo = {
    ifindex: 4, ifname: 'br9', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], mtu: 1500, qdisc: 'noqueue', operstate: 'DOWN',
    linkmode: 'DEFAULT', group: 'default', txqlen: 1000, link_type: 'ether', address: '5a:52:fb:87:80:8b', broadcast: 'ff:ff:ff:ff:ff:ff', altnames: [],
  };
  const addr: AddrInfo = {
    ifindex: 4, ifname: 'br9', family: 'inet', local: '10.5.0.1', prefixlen: 24, cidr: '10.5.0.1/24', scope: 'global', label: 'br9',
    flags: ['permanent'], valid_life_time: 4294967295, preferred_life_time: 300,
  };
  assert.equal(renderLinks([br]).split('\n')[0], '4: br9: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000');
  assert.deepEqual(renderAddrs([br], [addr]).split('\n').slice(0, 4), [
    '4: br9: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default qlen 1000',
    '    link/ether 5a:52:fb:87:80:8b brd ff:ff:ff:ff:ff:ff',
    '    inet 10.5.0.1/24 scope global br9',
    '       valid_lft forever preferred_lft 300sec',
  ]);
  const j = JSON.parse(renderAddrs([br], [addr], { json: true })) as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(j[0]!), ['ifindex', 'ifname', 'flags', 'mtu', 'qdisc', 'operstate', 'group', 'txqlen', 'link_type', 'address', 'broadcast', 'addr_info']);
  assert.deepEqual((j[0]!.addr_info as unknown[])[0], { family: 'inet', local: '10.5.0.1', prefixlen: 24, scope: 'global', label: 'br9', valid_life_time: 4294967295, preferred_life_time: 300 });
});

test('kind data in ip\'s words: bridge, vxlan and vlan fields under ip\'s names, in JSON and text', () => {
  const br: LinkInfo = { ...br0, info: { forwardDelay: 1500, helloTime: 200, maxAge: 2000, ageingTime: 30000, stpState: 1, priority: 32768, vlanFiltering: false, multicastSnooping: true } };
  const vx: LinkInfo = {
    ...mv0, ifindex: 9, ifname: 'vx0', kind: 'vxlan', link_index: undefined,
    info: { id: 42, remote: '10.9.9.9', local: '10.9.9.1', link: 4, srcPortMin: 0, srcPortMax: 0, port: 4789, learning: false, ttl: 0, tos: 0 },
  };
  const vl: LinkInfo = { ...mv0, ifindex: 10, ifname: 'vl0', kind: 'vlan', info: { id: 10, protocol: '802.1Q' } };
  const j = JSON.parse(renderLinks([br, vx, vl], { json: true, details: true }, [br, vx, vl])) as Array<{ linkinfo: unknown }>;
  assert.deepEqual(j[0]!.linkinfo, { info_kind: 'bridge', info_data: { forward_delay: 1500, hello_time: 200, max_age: 2000, ageing_time: 30000, stp_state: 1, priority: 32768, vlan_filtering: 0, mcast_snooping: 1 } });
  assert.deepEqual(j[1]!.linkinfo, { info_kind: 'vxlan', info_data: { id: 42, remote: '10.9.9.9', local: '10.9.9.1', link: 'br0', port_range: { low: 0, high: 0 }, port: 4789, learning: false, ttl: 0 } });
  assert.deepEqual(j[2]!.linkinfo, { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10 } });
  const text = renderLinks([br, vx, vl], { details: true }, [br, vx, vl]);
  assert.match(text, /^ {4}bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 1 priority 32768 vlan_filtering 0 mcast_snooping 1$/m);
  assert.match(text, /^ {4}vxlan id 42 remote 10\.9\.9\.9 local 10\.9\.9\.1 dev br0 srcport 0 0 dstport 4789 nolearning ttl auto$/m);
  assert.match(text, /^ {4}vlan protocol 802\.1Q id 10$/m);
});

test('link-netns NAME for a peer in a named namespace, link-netnsid N otherwise (as ip)', () => {
  assert.match(renderLinks([veth0]), /link-netns blue$/m);
  assert.match(renderLinks([{ ...veth0, peerNetns: 'host' }]), /brd ff:ff:ff:ff:ff:ff link-netnsid 0$/m);
  assert.match(renderLinks([{ ...veth0, peerNetns: undefined, link_netnsid: 3 }]), /link-netnsid 3$/m);
});
