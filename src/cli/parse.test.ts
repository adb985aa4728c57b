import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddrCommand } from './parse-addr.js';
import { parseLinkCommand } from './parse-link.js';
import { parseNeighCommand } from './parse-neigh.js';
import { parseNetnsCommand, parseSysctlCommand } from './parse-netns.js';
import { parseRouteCommand } from './parse-route.js';
import { matchWord, UsageError } from './words.js';

const w = (s: string): string[] => s.split(' ').filter(Boolean);

/** The exact one-line message of the usage error `fn` throws. */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    assert.ok(!e.message.includes('\n'), 'one line');
    return e.message;
  }
  assert.fail('expected a usage error');
}

test('matchWord resolves abbreviations in ip order, exact aliases first', () => {
  const t = [['add'], ['change', 'chg'], ['set'], ['delete', 'del'], ['show', 'lst', 'list', 'ls']] as const;
  assert.equal(matchWord('s', t), 'set'); // as `ip link s`
  assert.equal(matchWord('sh', t), 'show');
  assert.equal(matchWord('l', t), 'show');
  assert.equal(matchWord('ls', t), 'show');
  assert.equal(matchWord('chg', t), 'change');
  assert.equal(matchWord('d', t), 'delete');
  assert.equal(matchWord('x', t), undefined);
  assert.equal(matchWord('-j', t), undefined);
});

test('link add veth: ip syntax and the newer `peer PEER` form give the same spec', () => {
  const want = { verb: 'add', spec: { name: 'veth0', kind: 'veth', peer: { name: 'veth1' } } };
  assert.deepEqual(parseLinkCommand(w('add veth0 type veth peer name veth1')), want);
  assert.deepEqual(parseLinkCommand(w('add name veth0 type veth peer veth1')), want);
  assert.deepEqual(parseLinkCommand(w('a dev veth0 type veth peer name veth1')), want);
});

test('link add veth: options before type are the link\'s, after peer the peer\'s', () => {
  assert.deepEqual(parseLinkCommand(w('add veth0 mtu 1400 netns red up address 02:00:00:00:00:0A type veth peer name veth1 netns blue mtu 9000 up')), {
    verb: 'add',
    spec: {
      name: 'veth0', mtu: 1400, up: true, address: '02:00:00:00:00:0a', netns: 'red', kind: 'veth',
      peer: { name: 'veth1', netns: 'blue', mtu: 9000, up: true },
    },
  });
});

test('link add bridge, macvlan, vxlan, vlan, dummy', () => {
  assert.deepEqual(parseLinkCommand(w('add br0 type bridge stp_state 1 forward_delay 400 master br1 up')).valueOf(), {
    verb: 'add', spec: { name: 'br0', kind: 'bridge', stp: true, forwardDelay: 400, master: 'br1', up: true },
  });
  assert.deepEqual(parseLinkCommand(w('add link eth0 name mv0 type macvlan mode vepa')), {
    verb: 'add', spec: { name: 'mv0', kind: 'macvlan', parent: 'eth0', mode: 'vepa' },
  });
  assert.deepEqual(parseLinkCommand(w('add vx0 type vxlan id 42 remote 10.0.0.2 local 10.0.0.1 dev eth0 dstport 4789 nolearning')), {
    verb: 'add', spec: { name: 'vx0', kind: 'vxlan', id: 42, remote: '10.0.0.2', local: '10.0.0.1', dev: 'eth0', port: 4789, learning: false },
  });
  assert.deepEqual(parseLinkCommand(w('add vx1 type vxlan vni 7 group 239.1.1.1 dev eth0')), {
    verb: 'add', spec: { name: 'vx1', kind: 'vxlan', id: 7, group: '239.1.1.1', dev: 'eth0' },
  });
  assert.deepEqual(parseLinkCommand(w('add link eth0 name eth0.5 type vlan id 5 protocol 802.1ad')), {
    verb: 'add', spec: { name: 'eth0.5', kind: 'vlan', parent: 'eth0', id: 5, protocol: '802.1ad' },
  });
  assert.deepEqual(parseLinkCommand(w('add d0 type dummy')), { verb: 'add', spec: { name: 'd0', kind: 'dummy' } });
});

test('link add: bad words give the exact error', () => {
  assert.equal(usage(() => parseLinkCommand(w('add veth0 foo'))),
    'link add: unknown argument "foo" (expected one of: name, type, link, mtu, address, netns, master, alias, txqueuelen, up)');
  assert.equal(usage(() => parseLinkCommand(w('add veth0 type veth peer name veth1 master br0'))),
    'link add: unknown argument "master" (expected one of: name, netns, mtu, address, alias, up)');
  assert.equal(usage(() => parseLinkCommand(w('add veth0 type bridge foo 1'))),
    'link add: unknown argument "foo" (expected one of: name, type, link, mtu, address, netns, master, alias, txqueuelen, up, stp_state, forward_delay, ageing_time, vlan_filtering, mcast_snooping)');
  assert.equal(usage(() => parseLinkCommand(w('add veth0 type wireguard'))),
    'link add: unknown link type "wireguard" (expected one of: veth, bridge, macvlan, macvtap, vxlan, vlan, dummy, ifb, bond, vrf)');
  assert.equal(usage(() => parseLinkCommand(w('add veth0'))),
    'link add: missing "type KIND" for veth0 (expected one of: veth, bridge, macvlan, macvtap, vxlan, vlan, dummy, ifb, bond, vrf)');
  // As ip: a veth without a peer name is made, the kernel names the peer.
  assert.deepEqual(parseLinkCommand(w('add veth0 type veth')), { verb: 'add', spec: { name: 'veth0', kind: 'veth' } });
  assert.equal(usage(() => parseLinkCommand(w('add veth0 type veth peer'))), 'link add: "peer" needs a name: peer name PEER');
  assert.equal(usage(() => parseLinkCommand(w('add veth0 mtu big type veth peer x'))), 'link add: invalid mtu "big" (expected an integer 0..4294967295)');
  assert.equal(usage(() => parseLinkCommand(w('add veth0 mtu'))), 'link add: "mtu" needs a number');
  assert.equal(usage(() => parseLinkCommand(w('add v0 address 02:00 type veth peer x'))), 'link add: invalid address "02:00" (expected a MAC address like 02:00:00:00:00:01)');
  assert.equal(usage(() => parseLinkCommand(w('add mv0 type macvlan'))), 'link add: a macvlan needs its parent device: link add link DEV mv0 type macvlan');
  assert.equal(usage(() => parseLinkCommand(w('add link eth0 mv0 type macvlan mode weird'))), 'link add: invalid mode "weird" (expected one of: bridge, private, vepa, passthru, source)');
  assert.equal(usage(() => parseLinkCommand(w('add vx0 type vxlan remote 10.0.0.1'))), 'link add: a vxlan needs its VNI: link add vx0 type vxlan id N');
  assert.equal(usage(() => parseLinkCommand(w('add vx0 type vxlan id 1 remote 10.0.0.300'))), 'link add: invalid remote "10.0.0.300" (expected an IPv4 or IPv6 address)');
  assert.equal(usage(() => parseLinkCommand(w('add vx0 type vxlan id 16777216'))), 'link add: invalid id "16777216" (expected an integer 0..16777215)');
  assert.equal(usage(() => parseLinkCommand(w('add link eth0 br0 type bridge'))), 'link add: "link DEV" does not apply to a bridge (only to macvlan, macvtap, vlan)');
  assert.equal(usage(() => parseLinkCommand(w('add a b type veth peer c'))).startsWith('link add: unknown argument "b"'), true);
  assert.equal(usage(() => parseLinkCommand(w('bogus'))), 'link: unknown argument "bogus" (expected one of: add, change, set, delete, show, property, help)');
});

test('link set: several changes at once, dev keyword optional', () => {
  assert.deepEqual(parseLinkCommand(w('set dev veth1 up mtu 9000 name v1 address aa:bb:cc:dd:ee:ff alias hello netns blue master br0')), {
    verb: 'set', dev: 'veth1',
    spec: { up: true, mtu: 9000, name: 'v1', address: 'aa:bb:cc:dd:ee:ff', alias: 'hello', netns: 'blue', master: 'br0' },
  });
  assert.deepEqual(parseLinkCommand(w('set veth1 down nomaster')), { verb: 'set', dev: 'veth1', spec: { up: false, master: null } });
  assert.deepEqual(parseLinkCommand(w('s veth1 netns 1234')), { verb: 'set', dev: 'veth1', spec: { netns: '1234' } });
  assert.deepEqual(parseLinkCommand(w('change veth1 txqueuelen 500')), { verb: 'set', dev: 'veth1', spec: { txqlen: 500 } });
  assert.equal(usage(() => parseLinkCommand(w('set veth1 fast'))),
    'link set: unknown argument "fast" (expected one of: dev, up, down, netns, master, nomaster, mtu, name, address, alias, txqueuelen)');
  assert.equal(usage(() => parseLinkCommand(w('set veth1'))).startsWith('link set: nothing to change on veth1'), true);
  assert.equal(usage(() => parseLinkCommand(w('set up'))), 'link set: missing the device: link set DEV up|down|...');
  assert.equal(usage(() => parseLinkCommand(w('set veth1 up down'))), 'link set: down given twice ("down"); give it once');
  assert.equal(usage(() => parseLinkCommand(w('set veth1 master br0 nomaster'))), 'link set: nomaster given twice ("nomaster"); give it once');
});

test('link show, delete, property', () => {
  assert.deepEqual(parseLinkCommand([]), { verb: 'show' });
  assert.deepEqual(parseLinkCommand(w('list')), { verb: 'show' });
  assert.deepEqual(parseLinkCommand(w('ls dev veth0')), { verb: 'show', dev: 'veth0' });
  assert.deepEqual(parseLinkCommand(w('show veth0 up type veth master br0')), { verb: 'show', dev: 'veth0', up: true, kind: 'veth', master: 'br0' });
  assert.deepEqual(parseLinkCommand(w('del dev veth0')), { verb: 'del', dev: 'veth0' });
  assert.deepEqual(parseLinkCommand(w('delete veth0 type veth')), { verb: 'del', dev: 'veth0' });
  assert.equal(usage(() => parseLinkCommand(w('del'))), 'link delete: missing the device: link delete DEV');
  assert.deepEqual(parseLinkCommand(w('property add dev veth0 altname a-long-name altname b')), { verb: 'altname', op: 'add', dev: 'veth0', names: ['a-long-name', 'b'] });
  assert.deepEqual(parseLinkCommand(w('property del dev veth0 altname a-long-name')), { verb: 'altname', op: 'del', dev: 'veth0', names: ['a-long-name'] });
  assert.equal(usage(() => parseLinkCommand(w('property add dev veth0'))), 'link property add: missing "altname NAME" for veth0');
  assert.equal(usage(() => parseLinkCommand(w('property frob dev veth0'))), 'link property: unknown argument "frob" (expected one of: add, del)');
});

test('addr add/del/show/flush', () => {
  assert.deepEqual(parseAddrCommand(w('add 10.1.1.2/24 dev veth1')), { verb: 'add', dev: 'veth1', cidr: '10.1.1.2/24', opts: {} });
  assert.deepEqual(parseAddrCommand(w('add local 10.1.1.2/24 brd + label veth1:a scope link dev veth1')), {
    verb: 'add', dev: 'veth1', cidr: '10.1.1.2/24', opts: { broadcast: '+', label: 'veth1:a', scope: 'link' },
  });
  assert.deepEqual(parseAddrCommand(w('replace 2001:db8::1/64 dev veth1 nodad noprefixroute')), {
    verb: 'replace', dev: 'veth1', cidr: '2001:db8::1/64', opts: { nodad: true, noprefixroute: true },
  });
  assert.deepEqual(parseAddrCommand(w('del 10.1.1.2/24 dev veth1')), { verb: 'del', dev: 'veth1', cidr: '10.1.1.2/24' });
  assert.deepEqual(parseAddrCommand([]), { verb: 'show' });
  assert.deepEqual(parseAddrCommand(w('s dev veth1')), { verb: 'show', dev: 'veth1' });
  assert.deepEqual(parseAddrCommand(w('list veth1 up')), { verb: 'show', dev: 'veth1', up: true });
  assert.deepEqual(parseAddrCommand(w('flush dev veth1 scope global')), { verb: 'flush', dev: 'veth1', scope: 'global' });
  assert.equal(usage(() => parseAddrCommand(w('add 10.1.1.2/24'))), 'addr add: missing "dev DEV" for 10.1.1.2/24');
  assert.equal(usage(() => parseAddrCommand(w('add 10.1.1.2/33 dev x'))),
    'addr add: invalid address "10.1.1.2/33" (expected an address with a prefix length, like 10.0.0.1/24 or 2001:db8::1/64)');
  assert.equal(usage(() => parseAddrCommand(w('add 10.1.1.2/24 dev x valid_lft 30'))),
    'addr add: unknown argument "valid_lft" (expected one of: local, dev, brd, broadcast, label, scope, nodad, noprefixroute, peer)');
  assert.equal(usage(() => parseAddrCommand(w('add 10.1.1.2/24 dev x scope galactic'))), 'addr add: invalid scope "galactic" (expected one of: global, link, host)');
  assert.equal(usage(() => parseAddrCommand(w('add 10.1.1.2/24 dev x brd 300.1.1.1'))), 'addr add: invalid brd "300.1.1.1" (expected + or an IPv4 address)');
  assert.equal(usage(() => parseAddrCommand(w('flush'))), 'addr flush: missing the device: addr flush dev DEV (flushing every device is not supported)');
  assert.equal(usage(() => parseAddrCommand(w('add 10.1.1.2/24 dev x dev y'))), 'addr add: dev given twice ("y"); give it once');
  assert.equal(usage(() => parseAddrCommand(w('show dev x dev y'))), 'addr show: dev given twice ("y"); give it once');
  assert.equal(usage(() => parseLinkCommand(w('set dev x dev y up'))), 'link set: dev given twice ("y"); give it once');
  assert.equal(usage(() => parseRouteCommand(w('add default via 10.0.0.1 dev x oif y'))), 'route add: oif given twice ("y"); give it once');
});

test('route add/replace/del: gateways, tables, types, metrics', () => {
  assert.deepEqual(parseRouteCommand(w('add default via 10.1.1.1')), { verb: 'add', spec: { to: 'default', via: '10.1.1.1' } });
  assert.deepEqual(parseRouteCommand(w('add 10.2.0.0/16 via 10.1.1.1 dev veth1 table 100 metric 20 src 10.1.1.2 proto static onlink mtu 1400')), {
    verb: 'add',
    spec: { to: '10.2.0.0/16', via: '10.1.1.1', dev: 'veth1', table: 100, metric: 20, src: '10.1.1.2', protocol: 'static', onlink: true, mtu: 1400 },
  });
  assert.deepEqual(parseRouteCommand(w('replace 10.3.0.0/16 dev veth1 scope link table main preference 5')), {
    verb: 'replace', spec: { to: '10.3.0.0/16', dev: 'veth1', scope: 'link', table: 254, metric: 5 },
  });
  assert.deepEqual(parseRouteCommand(w('add blackhole 10.9.0.0/16')), { verb: 'add', spec: { to: '10.9.0.0/16', type: 'blackhole' } });
  assert.deepEqual(parseRouteCommand(w('del to 10.9.0.0/16 type unreachable')), { verb: 'del', spec: { to: '10.9.0.0/16', type: 'unreachable' } });
  assert.deepEqual(parseRouteCommand(w('delete default')), { verb: 'del', spec: { to: 'default' } });
  // -6 makes a bare "default" the IPv6 default route, as `ip -6 route add default dev X`.
  assert.deepEqual(parseRouteCommand(w('add default dev veth1'), 6), { verb: 'add', spec: { to: '::/0', dev: 'veth1' } });
  assert.deepEqual(parseRouteCommand(w('add default via fe80::1 dev veth1'), 6), { verb: 'add', spec: { to: 'default', via: 'fe80::1', dev: 'veth1' } });
  assert.equal(usage(() => parseRouteCommand(w('add default via 10.1.1.1'), 6)), 'route add: default is not an IPv6 route (-6 was given)');
  assert.equal(usage(() => parseRouteCommand(w('add 10.0.0.0/8 via fe80::1'))), 'route add: gateway fe80::1 is not of the same address family as 10.0.0.0/8');
  assert.equal(usage(() => parseRouteCommand(w('add default via 10.1.1.1 weight 3'))),
    'route add: unknown argument "weight" (expected one of: to, via, dev, table, metric, src, scope, proto, onlink, mtu, type, unicast, local, blackhole, unreachable, prohibit)');
  assert.equal(usage(() => parseRouteCommand(w('add via 10.1.1.1'))), 'route add: missing the destination: TO or default');
  assert.equal(usage(() => parseRouteCommand(w('add default via gateway'))), 'route add: invalid via "gateway" (expected an IPv4 or IPv6 address)');
  assert.equal(usage(() => parseRouteCommand(w('add default via 10.1.1.1 table 0'))), 'route add: invalid table "0" (expected 1..4294967295 or main, local, default)');
  assert.equal(usage(() => parseRouteCommand(w('add default via 10.1.1.1 proto bgp'))), 'route add: invalid proto "bgp" (expected kernel, boot, static or 0..255)');
});

test('route get: one address, from, iif, oif (dev), a full-length prefix; mistakes named', () => {
  assert.deepEqual(parseRouteCommand(w('get 10.0.0.7')), { verb: 'get', to: '10.0.0.7', query: {} });
  assert.deepEqual(parseRouteCommand(w('g to 10.0.0.7/32 from 10.0.0.1 iif v1')), { verb: 'get', to: '10.0.0.7', query: { from: '10.0.0.1', iif: 'v1' } });
  assert.deepEqual(parseRouteCommand(w('get fd00::9 dev v0')), { verb: 'get', to: 'fd00::9', query: { oif: 'v0' } });
  assert.equal(usage(() => parseRouteCommand(w('get'))), 'route get: missing the address to look up (route get ADDR)');
  assert.equal(usage(() => parseRouteCommand(w('get 10.0.0.0/24'))), 'route get: address 10.0.0.0/24 is a prefix; route get looks up one address (e.g. 10.0.0.0)');
  assert.equal(usage(() => parseRouteCommand(w('get host.example'))), 'route get: invalid address "host.example" (expected one IPv4 or IPv6 address)');
  assert.equal(usage(() => parseRouteCommand(w('get 10.0.0.7 from fd00::1'))), 'route get: from fd00::1 is not of the same address family as 10.0.0.7');
  assert.equal(usage(() => parseRouteCommand(w('get 10.0.0.7'), 6)), 'route get: address 10.0.0.7 is not an IPv6 address (-6 was given)');
  assert.equal(usage(() => parseRouteCommand(w('get 10.0.0.7 oif a dev b'))), 'route get: dev given twice ("b"); give it once');
  assert.equal(usage(() => parseRouteCommand(w('get 10.0.0.7 mark 3'))), 'route get: unknown argument "mark" (expected one of: to, from, iif, oif, dev)');
});

test('route show: tables and device filter', () => {
  assert.deepEqual(parseRouteCommand([]), { verb: 'show' });
  assert.deepEqual(parseRouteCommand(w('show table all')), { verb: 'show', table: 'all' });
  assert.deepEqual(parseRouteCommand(w('list table local dev lo')), { verb: 'show', table: 255, dev: 'lo' });
  assert.deepEqual(parseRouteCommand(w('ls table 100')), { verb: 'show', table: 100 });
  assert.equal(usage(() => parseRouteCommand(w('show proto kernel'))), 'route show: unknown argument "proto" (expected one of: table, dev)');
});

test('neigh, netns, sysctl words', () => {
  assert.deepEqual(parseNeighCommand([]), { verb: 'show' });
  assert.deepEqual(parseNeighCommand(w('show dev veth1 nud all')), { verb: 'show', dev: 'veth1', all: true });
  assert.deepEqual(parseNeighCommand(w('add 10.1.1.9 lladdr 02:00:00:00:00:09 dev veth1 nud permanent')), { verb: 'add', dev: 'veth1', address: '10.1.1.9', lladdr: '02:00:00:00:00:09' });
  assert.deepEqual(parseNeighCommand(w('del 10.1.1.9 dev veth1')), { verb: 'del', dev: 'veth1', address: '10.1.1.9' });
  assert.equal(usage(() => parseNeighCommand(w('add 10.1.1.9 dev veth1'))), 'neigh add: missing "lladdr MAC" for 10.1.1.9');

  assert.deepEqual(parseNetnsCommand([]), { verb: 'list' });
  assert.deepEqual(parseNetnsCommand(w('ls')), { verb: 'list' });
  assert.deepEqual(parseNetnsCommand(w('add blue')), { verb: 'add', name: 'blue' });
  assert.deepEqual(parseNetnsCommand(w('del blue red')), { verb: 'del', names: ['blue', 'red'] });
  assert.deepEqual(parseNetnsCommand(w('exec blue ping -c1 -h 10.1.1.1')), { verb: 'exec', name: 'blue', cmd: ['ping', '-c1', '-h', '10.1.1.1'] });
  assert.deepEqual(parseNetnsCommand(w('identify')), { verb: 'identify' });
  assert.deepEqual(parseNetnsCommand(w('identify 42')), { verb: 'identify', pid: 42 });
  assert.deepEqual(parseNetnsCommand(w('attach blue 42')), { verb: 'attach', name: 'blue', pid: 42 });
  assert.deepEqual(parseNetnsCommand(w('pids blue')), { verb: 'pids', name: 'blue' });
  assert.equal(usage(() => parseNetnsCommand(w('add blue red'))), 'netns add: unexpected argument "red"');
  assert.equal(usage(() => parseNetnsCommand(w('exec blue'))), 'netns exec: missing the command to run in blue');
  assert.equal(usage(() => parseNetnsCommand(w('attach blue x'))), 'netns attach: invalid process id "x"');
  assert.equal(usage(() => parseNetnsCommand(w('frob'))), 'netns: unknown argument "frob" (expected one of: list, add, attach, delete, identify, pids, exec, help)');

  assert.deepEqual(parseSysctlCommand(w('get net.ipv4.ip_forward')), { verb: 'get', key: 'net.ipv4.ip_forward' });
  assert.deepEqual(parseSysctlCommand(w('set net.ipv4.ip_forward 1')), { verb: 'set', key: 'net.ipv4.ip_forward', value: '1' });
  assert.deepEqual(parseSysctlCommand(w('set net.ipv4.ip_forward=0')), { verb: 'set', key: 'net.ipv4.ip_forward', value: '0' });
  assert.equal(usage(() => parseSysctlCommand(w('set net.ipv4.ip_forward'))), 'sysctl set: missing the value for net.ipv4.ip_forward');
});
