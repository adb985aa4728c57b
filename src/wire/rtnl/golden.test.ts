/**
 * The decoders against real kernel messages: test/golden/*.hex were dumped by
 * scripts/capture-golden.mjs with nsnet's socket right after iproute2 built the objects, and
 * *.ip.json hold what `ip -j` (and `tc -j`) print for the same objects. Every field ip shows
 * must come out of the decoder the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAddr } from './addr.js';
import { RTM_NEWADDR, RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWNSID, RTM_NEWQDISC, RTM_NEWROUTE, TC_H_ROOT } from './constants.js';
import { decodeLink, decodeLinkState, type Link } from './link.js';
import { decodeNeigh } from './neigh.js';
import { decodeNsid } from './nsid.js';
import { decodeRoute, type Route } from './route.js';
import { decodeQdisc } from './tc.js';
import { loadGolden } from '../../../test/helpers/golden.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const links = loadGolden('links');
const ipLinks = links.ip as J[];
const ifindex = new Map<string, number>(ipLinks.map((l) => [l.ifname as string, l.ifindex as number]));
const dev = (name: string): number => {
  const i = ifindex.get(name);
  assert.ok(i !== undefined, `ip names a device ${name} that is not in links.ip.json`);
  return i;
};

test('golden links: every link ip -j -d shows, field by field', () => {
  assert.ok(links.msgs.every((m) => m.type === RTM_NEWLINK));
  const decoded = links.msgs.map(decodeLink);
  assert.equal(decoded.length, ipLinks.length);
  const kinds = new Set<string>();
  for (const ip of ipLinks) {
    const l = decoded.find((d) => d.index === ip.ifindex);
    assert.ok(l, `link ${ip.ifname} (#${ip.ifindex}) decoded`);
    const what = `link ${ip.ifname}`;
    assert.equal(l.name, ip.ifname, what);
    assert.deepEqual(l.flagNames, (ip.flags as string[]).filter((f) => f !== 'NO-CARRIER' && f !== 'M-DOWN'), `${what} flags`);
    assert.equal(l.mtu, ip.mtu, `${what} mtu`);
    assert.equal(l.minMtu, ip.min_mtu, `${what} min_mtu`);
    assert.equal(l.maxMtu, ip.max_mtu, `${what} max_mtu`);
    assert.equal(l.address, ip.address, `${what} address`);
    assert.equal(l.broadcast, ip.broadcast, `${what} broadcast`);
    assert.equal(l.operstate, ip.operstate, `${what} operstate`);
    assert.equal(l.qdisc, ip.qdisc, `${what} qdisc`);
    assert.equal(l.txqlen, ip.txqlen, `${what} txqlen`);
    assert.equal(l.group, ip.group === 'default' ? 0 : Number(ip.group), `${what} group`);
    assert.equal(l.promiscuity, ip.promiscuity, `${what} promiscuity`);
    assert.equal(l.numTxQueues, ip.num_tx_queues, `${what} num_tx_queues`);
    assert.equal(l.alias, ip.ifalias, `${what} alias`);
    assert.deepEqual(l.altnames, ip.altnames ?? [], `${what} altnames`);
    assert.equal(l.master, ip.master === undefined ? undefined : dev(ip.master), `${what} master`);
    // ip prints the lower/peer device by name when it is here, by index with a netnsid when not.
    const link = ip.link !== undefined ? dev(ip.link) : ip.link_index;
    assert.equal(l.link, link, `${what} link`);
    assert.equal(l.linkNetnsId, ip.link_netnsid, `${what} link_netnsid`);
    // ip derives NO-CARRIER from IFF_UP without IFF_RUNNING; the kernel reports IFLA_CARRIER alike.
    if ((ip.flags as string[]).includes('NO-CARRIER')) assert.equal(l.carrier, false, `${what} carrier`);
    if ((ip.flags as string[]).includes('LOWER_UP')) assert.equal(l.carrier, true, `${what} carrier`);
    const li = ip.linkinfo as J | undefined;
    assert.equal(l.kind, li?.info_kind, `${what} kind`);
    assert.equal(l.slaveKind, li?.info_slave_kind, `${what} slave kind`);
    if (li?.info_kind) kinds.add(li.info_kind);
    checkInfo(l, li?.info_data as J | undefined, what);
  }
  // The capture covers these kinds, and an enslaved port and a peer in another namespace.
  assert.deepEqual([...kinds].sort(), ['bridge', 'macvlan', 'veth', 'vxlan']);
  assert.ok(decoded.some((l) => l.slaveKind === 'bridge'));
  assert.ok(decoded.some((l) => l.linkNetnsId !== undefined));
  assert.ok(decoded.some((l) => l.altnames.length > 0 && l.alias));
  assert.ok(decoded.every((l) => l.stats !== undefined && typeof l.stats.rxBytes === 'bigint'));
});

function checkInfo(l: Link, data: J | undefined, what: string): void {
  const info = l.info as J | undefined;
  switch (l.kind) {
    case 'veth':
      assert.deepEqual(info, { kind: 'veth' }, `${what}: the kernel sends no veth data`);
      break;
    case 'bridge':
      assert.ok(data && info);
      assert.equal(info.forwardDelay, data.forward_delay, `${what} forward_delay`);
      assert.equal(info.helloTime, data.hello_time, `${what} hello_time`);
      assert.equal(info.maxAge, data.max_age, `${what} max_age`);
      assert.equal(info.ageingTime, data.ageing_time, `${what} ageing_time`);
      assert.equal(info.stpState, data.stp_state, `${what} stp_state`);
      assert.equal(info.priority, data.priority, `${what} priority`);
      assert.equal(info.vlanFiltering, data.vlan_filtering === 1, `${what} vlan_filtering`);
      assert.equal(info.multicastSnooping, data.mcast_snooping === 1, `${what} mcast_snooping`);
      assert.equal(info.vlanProtocol === 0x8100 ? '802.1Q' : info.vlanProtocol === 0x88a8 ? '802.1ad' : info.vlanProtocol, data.vlan_protocol);
      break;
    case 'vxlan':
      assert.ok(data && info);
      assert.equal(info.id, data.id, `${what} id`);
      assert.equal(info.remote, data.remote, `${what} remote`);
      assert.equal(info.group, data.group, `${what} group`);
      assert.equal(info.local, data.local, `${what} local`);
      assert.equal(info.port, data.port, `${what} port`);
      assert.equal(info.ttl, data.ttl, `${what} ttl`);
      assert.equal(info.learning, data.learning, `${what} learning`);
      assert.equal(info.srcPortMin, data.port_range.low, `${what} port_range`);
      assert.equal(info.srcPortMax, data.port_range.high, `${what} port_range`);
      assert.equal(info.link, data.link === undefined ? info.link : dev(data.link));
      break;
    case 'macvlan':
      assert.ok(data && info);
      assert.equal(info.mode, data.mode, `${what} mode`);
      break;
    default:
      break;
  }
}

test('golden links: decodeLinkState reads index, operstate, carrier, master and kind as ip -j -d shows them', () => {
  for (const m of links.msgs) {
    const s = decodeLinkState(m);
    const ip = ipLinks.find((l) => l.ifindex === s.index);
    assert.ok(ip, `link #${s.index} is in links.ip.json`);
    const what = `link ${ip.ifname}`;
    assert.equal(s.operstate, ip.operstate, `${what} operstate`);
    assert.equal(s.carrier, decodeLink(m).carrier, `${what} carrier`);
    assert.equal(s.master, ip.master === undefined ? undefined : dev(ip.master as string), `${what} master`);
    assert.equal(s.kind, ip.linkinfo?.info_kind, `${what} kind`);
  }
});

test('golden addresses: every address ip -j shows', () => {
  const g = loadGolden('addrs');
  assert.ok(g.msgs.every((m) => m.type === RTM_NEWADDR));
  const decoded = g.msgs.map(decodeAddr);
  const ipAddrs = (g.ip as J[]).flatMap((l) => (l.addr_info as J[]).map((a): J => ({ ...a, ifindex: l.ifindex, ifname: l.ifname })));
  assert.equal(decoded.length, ipAddrs.length);
  const flagKeys = ['secondary', 'temporary', 'nodad', 'optimistic', 'dadfailed', 'home', 'deprecated', 'tentative', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'stable-privacy', 'dynamic'];
  for (const ip of ipAddrs) {
    const what = `${ip.local} on ${ip.ifname}`;
    const a = decoded.find((d) => d.index === ip.ifindex && d.address === ip.local);
    assert.ok(a, `${what} decoded`);
    assert.equal(a.family, ip.family === 'inet' ? 4 : 6, what);
    assert.equal(a.prefixLen, ip.prefixlen, `${what} prefixlen`);
    assert.equal(a.scope, ip.scope, `${what} scope`);
    assert.equal(a.label, ip.label, `${what} label`);
    assert.equal(a.broadcast, ip.broadcast, `${what} broadcast`);
    assert.equal(a.peer, ip.address, `${what} peer`);
    assert.equal(a.validLft, ip.valid_life_time, `${what} valid_lft`);
    assert.equal(a.preferredLft, ip.preferred_life_time, `${what} preferred_lft`);
    assert.deepEqual(a.flagNames.filter((f) => f !== 'permanent').sort(), flagKeys.filter((k) => ip[k] === true).sort(), `${what} flags`);
  }
  assert.ok(decoded.some((a) => a.family === 6) && decoded.some((a) => a.peer !== undefined) && decoded.some((a) => a.flagNames.includes('noprefixroute')));
});

const tableOf = (t: string | undefined): number => (t === undefined || t === 'main' ? 254 : t === 'local' ? 255 : t === 'default' ? 253 : Number(t));

function checkRoutes(decoded: Route[], ipRoutes: Array<J & { family: 4 | 6 }>): void {
  assert.equal(decoded.length, ipRoutes.length);
  for (const ip of ipRoutes) {
    const what = `route ${ip.type ?? ''} ${ip.dst} table ${ip.table ?? 'main'} dev ${ip.dev}`;
    const r = decoded.find((d) => d.family === ip.family && d.dst === ip.dst && d.table === tableOf(ip.table)
      && d.oif === (ip.dev === undefined ? undefined : dev(ip.dev)) && d.type === (ip.type ?? 'unicast'));
    assert.ok(r, `${what} decoded`);
    assert.equal(r.gateway, ip.gateway, `${what} gateway`);
    assert.equal(r.protocol, ip.protocol ?? 'boot', `${what} protocol`);
    assert.equal(r.scope, ip.scope ?? 'global', `${what} scope`);
    assert.equal(r.prefsrc, ip.prefsrc, `${what} prefsrc`);
    assert.equal(r.metric, ip.metric, `${what} metric`);
    assert.deepEqual(r.flagNames, ip.flags, `${what} flags`);
    assert.equal(r.mtu, (ip.metrics as J[] | undefined)?.find((m) => m.mtu !== undefined)?.mtu, `${what} mtu`);
  }
}

test('golden routes: all tables, IPv4 and IPv6, as ip -j route show table all', () => {
  const g = loadGolden('routes');
  assert.ok(g.msgs.every((m) => m.type === RTM_NEWROUTE));
  const ip = g.ip as { inet: J[]; inet6: J[] };
  const decoded = g.msgs.map(decodeRoute);
  checkRoutes(decoded, [...ip.inet.map((r) => ({ ...r, family: 4 as const })), ...ip.inet6.map((r) => ({ ...r, family: 6 as const }))]);
  // The capture has a route in table 100 and one in table 1000 (beyond rtm_table's 8 bits).
  assert.ok(decoded.some((r) => r.table === 100) && decoded.some((r) => r.table === 1000));
  assert.ok(decoded.some((r) => r.dst === 'default' && r.family === 4 && r.gateway));
  assert.ok(decoded.some((r) => r.flagNames.includes('onlink')));
});

test('golden routes: a dump filtered by table 100', () => {
  const g = loadGolden('routes-table100');
  checkRoutes(g.msgs.map(decodeRoute), (g.ip as J[]).map((r) => ({ ...r, table: r.table ?? '100', family: 4 as const })));
});

test('golden neighbours: every entry of ip -j neigh show nud all', () => {
  const g = loadGolden('neighs');
  assert.ok(g.msgs.every((m) => m.type === RTM_NEWNEIGH));
  const decoded = g.msgs.map(decodeNeigh);
  const ipN = g.ip as J[];
  assert.equal(decoded.length, ipN.length);
  for (const ip of ipN) {
    const what = `neighbour ${ip.dst} dev ${ip.dev}`;
    const n = decoded.find((d) => d.address === ip.dst && d.index === dev(ip.dev));
    assert.ok(n, `${what} decoded`);
    assert.equal(n.lladdr, ip.lladdr, `${what} lladdr`);
    assert.deepEqual(n.state, ip.state, `${what} state`);
    assert.equal(n.router, 'router' in ip, `${what} router`);
  }
  assert.ok(decoded.some((n) => n.router) && decoded.some((n) => n.state[0] === 'STALE'));
});

test('golden nsids: the ids ip netns list-id shows', () => {
  const g = loadGolden('nsids');
  assert.ok(g.msgs.every((m) => m.type === RTM_NEWNSID));
  const ids = g.msgs.map((m) => decodeNsid(m).nsid).sort((a, b) => a - b);
  assert.deepEqual(ids, (g.ip as J[]).map((e) => e.nsid as number).sort((a, b) => a - b));
  assert.ok(ids.includes(5));
});

test('golden qdiscs: kind, handle, root and tbf/htb options as tc -j shows them', () => {
  const g = loadGolden('qdiscs');
  assert.ok(g.msgs.every((m) => m.type === RTM_NEWQDISC));
  const decoded = g.msgs.map((m) => decodeQdisc(m));
  const ipQ = g.ip as J[];
  assert.equal(decoded.length, ipQ.length);
  for (const ip of ipQ) {
    const what = `qdisc ${ip.kind} dev ${ip.dev}`;
    const q = decoded.find((d) => d.index === dev(ip.dev));
    assert.ok(q, `${what} decoded`);
    assert.equal(q.kind, ip.kind, what);
    assert.equal(q.handle, (parseInt((ip.handle as string).split(':')[0]!, 16) << 16) >>> 0, `${what} handle`);
    assert.equal(q.parent === TC_H_ROOT, ip.root === true, `${what} root`);
    const s = q.spec as J | undefined;
    if (ip.kind === 'tbf') {
      assert.equal(s?.rateBps, ip.options.rate, `${what} rate`);
      assert.equal(s?.burstBytes, ip.options.burst, `${what} burst`);
    }
    if (ip.kind === 'htb') assert.equal(s?.defaultClass, parseInt(ip.options.default, 16), `${what} default`);
  }
});
