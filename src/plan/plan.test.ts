import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabSpec } from '../topology/model.js';
import type { Action, Plan } from './actions.js';
import { markFor, nothingObserved } from './observed.js';
import { planLab } from './plan.js';
import { indexLab } from './desired.js';
import { refusalText, renderPlan } from './render.js';
import { node, routerLab, SimKernel, simUp, spec, starLab, veth } from '../../test/helpers/sim.js';

const ops = (p: Plan) => p.actions.map((a) => a.op);
const clone = <T>(x: T): T => structuredClone(x);

const up = simUp;

test('a fresh lab: every object, in order (namespaces, links, addresses, up, routes, sysctls)', () => {
  const s = routerLab();
  const p = planLab(s, nothingObserved('router'));
  assert.equal(p.noop, false);
  assert.deepEqual(p.refusals, []);
  assert.deepEqual(ops(p), [
    'create-netns', 'create-netns', 'create-netns',
    'create-veth', 'create-veth',
    'add-address', 'add-address', 'add-address', 'add-address',
    'add-route', 'add-route',
    'set-sysctl',
  ]);
  const ns = p.actions.filter((a) => a.op === 'create-netns').map((a) => a.target);
  assert.deepEqual(ns, ['namespace h1', 'namespace r1', 'namespace h2']);
  const v = p.actions.find((a) => a.op === 'create-veth');
  assert.ok(v && v.op === 'create-veth');
  assert.deepEqual([v.a, v.b], [{ netns: 'h1', name: 'eth0' }, { netns: 'r1', name: 'eth0' }]);
  const net = p.actions.find((a) => a.op === 'create-netns');
  assert.ok(net?.op === 'create-netns' && net.ipv6 === false && /new node h1/.test(net.reason));
  for (const a of p.actions) assert.ok(a.reason.length > 0, `${a.op} ${a.target} has a reason`);
  assert.deepEqual(p.counts, { nodes: 3, links: 2, bridges: 0 });
});

test('observed identical to the file → noop, and renderPlan says so', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const again = planLab(s, k.observe(s));
  assert.deepEqual(again.actions, []);
  assert.equal(again.noop, true);
  assert.equal(renderPlan(again), 'lab router is up to date (3 nodes, 2 links): nothing to do');
});

test('a star on a host bridge: ports join the bridge in the same request, then noop', () => {
  const k = new SimKernel();
  const s = starLab(5);
  const p = up(k, s);
  assert.equal(ops(p).filter((o) => o === 'create-bridge').length, 1);
  const v = p.actions.filter((a): a is Extract<Action, { op: 'create-veth' }> => a.op === 'create-veth');
  assert.equal(v.length, 5);
  assert.deepEqual(v[0]!.b, { name: 'h1-eth0', master: 'br0' });
  assert.equal(ops(p).indexOf('create-bridge') < ops(p).indexOf('create-veth'), true);
  // host-side objects carry the mark
  assert.equal(k.get('').links.get('br0')!.alias, markFor('star'));
  assert.equal(k.get('').links.get('h3-eth0')!.alias, markFor('star'));
  assert.equal(planLab(s, k.observe(s)).noop, true);
});

test('edit: add a node and its link → only those (namespace, veth, addresses, route)', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  e.nodes.find((n) => n.name === 'r1')!.interfaces.push({ logical: 'eth2', name: 'eth2', addresses: ['10.0.3.1/24'] });
  e.nodes.push(node('h3', { ifaces: { eth0: ['10.0.3.10/24'] }, routes: [{ to: 'default', via: '10.0.3.1', family: 4 }] }));
  e.links.push(veth({ node: 'r1', name: 'eth2' }, { node: 'h3', name: 'eth0' }));
  const p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['create-netns', 'create-veth', 'add-address', 'add-address', 'add-route']);
  assert.ok(p.actions.every((a) => /h3|r1:eth2|eth2/.test(a.target)), renderPlan(p));
  k.run(p.actions, e.name);
  k.applied(e);
  assert.equal(planLab(e, k.observe(e)).noop, true);
});

test('edit: remove a node → one delete-netns (its veth goes with it); the other end is not deleted twice', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  e.nodes = e.nodes.filter((n) => n.name !== 'h2');
  e.links = e.links.slice(0, 1);
  e.nodes.find((n) => n.name === 'r1')!.interfaces.pop();
  const p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['delete-netns']);
  assert.match(p.actions[0]!.reason, /node h2 is not in the file any more/);
  const del = p.actions[0]!;
  assert.ok(del.op === 'delete-netns');
  assert.deepEqual(del.frees.map((f) => [f.netns, f.name]), [['r1', 'eth1']], 'apply waits for the peer in r1 to go');
  assert.equal(del.frees[0]!.index, k.get('r1').links.get('eth1')!.index);
  k.run(p.actions, e.name);
  assert.equal(k.get('r1').links.has('eth1'), false, 'the peer in r1 went with the namespace');
  k.applied(e);
  assert.equal(planLab(e, k.observe(e)).noop, true);
});

test('edit: change a route → one replace-route; other objects untouched', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  e.nodes[0]!.routes = [{ to: 'default', via: '10.0.1.254', family: 4 }];
  const p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['replace-route']);
  const a = p.actions[0]!;
  assert.ok(a.op === 'replace-route' && a.netns === 'h1' && a.route.via === '10.0.1.254');
  assert.match(a.reason, /via 10\.0\.1\.1.*via 10\.0\.1\.254/);
});

test('edit: add and remove a route; a route someone added by hand (not static) is left alone', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  k.get('h1').routes.push({ to: '192.168.9.0/24', via: '10.0.1.1', dev: 'eth0', table: 254, family: 4, protocol: 'boot' });
  const e = clone(s);
  e.nodes[0]!.routes = [{ to: '10.0.2.0/24', via: '10.0.1.1', family: 4 }];
  const p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['del-route', 'add-route']);
  assert.equal(p.actions[0]!.op === 'del-route' && p.actions[0]!.route.to, 'default');
});

test('edit: remove an address → one del-address; add one → one add-address', () => {
  const k = new SimKernel();
  const s = routerLab();
  s.nodes[1]!.interfaces[0]!.addresses.push('10.0.1.2/24');
  up(k, s);
  const e = clone(s);
  e.nodes[1]!.interfaces[0]!.addresses = ['10.0.1.1/24'];
  const p1 = planLab(e, k.observe(e));
  assert.deepEqual(ops(p1), ['del-address']);
  const a1 = p1.actions[0]!;
  assert.ok(a1.op === 'del-address' && a1.cidr === '10.0.1.2/24' && a1.netns === 'r1');
  e.nodes[1]!.interfaces[0]!.addresses = ['10.0.1.1/24', '10.0.1.2/24', '2001:DB8::1/64'];
  const p2 = planLab(e, k.observe(e));
  assert.deepEqual(ops(p2), ['add-address']);
  const a2 = p2.actions[0]!;
  assert.ok(a2.op === 'add-address' && a2.cidr === '2001:db8::1/64');
});

test('edit: change a sysctl → one set-sysctl; turning IPv6 on sets both disable_ipv6 keys', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  e.nodes[1]!.sysctls['net.ipv4.ip_forward'] = '0';
  let p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['set-sysctl']);
  assert.ok(p.actions[0]!.op === 'set-sysctl' && p.actions[0]!.value === '0' && p.actions[0]!.netns === 'r1');
  e.nodes[1]!.sysctls['net.ipv4.ip_forward'] = '1';
  e.nodes[0]!.ipv6 = true;
  p = planLab(e, k.observe(e));
  assert.deepEqual(p.actions.map((a) => a.op === 'set-sysctl' && `${a.netns} ${a.key}=${a.value}`), ['h1 net.ipv6.conf.all.disable_ipv6=0', 'h1 net.ipv6.conf.default.disable_ipv6=0']);
});

test('edit: a sysctl taken out of the file goes back to a new namespace\'s value (and only once)', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  delete e.nodes[1]!.sysctls['net.ipv4.ip_forward'];
  const p = up(k, e);
  assert.deepEqual(p.actions.map((a) => a.op === 'set-sysctl' && `${a.netns} ${a.key}=${a.value}`), ['r1 net.ipv4.ip_forward=0']);
  assert.match(p.actions[0]!.reason, /not in the file any more: back to 0/);
  assert.equal(planLab(e, k.observe(e)).noop, true);
});

test('edit: a MAC taken out of the file → a new random one (set-link randomMac), once; one the file never set stays', () => {
  const k = new SimKernel();
  const s = routerLab();
  s.nodes[0]!.interfaces[0]!.mac = '02:00:00:00:00:aa';
  up(k, s);
  const e = clone(s);
  delete e.nodes[0]!.interfaces[0]!.mac;
  const p = up(k, e);
  assert.deepEqual(p.actions.map((a) => a.op === 'set-link' && `${a.netns} ${a.name} ${a.randomMac}`), ['h1 eth0 true']);
  assert.notEqual(k.link('h1', 'eth0').mac, '02:00:00:00:00:aa');
  assert.equal(planLab(e, k.observe(e)).noop, true);
});

test('edit: mtu of an interface → a set-link of each end of its veth (one wire, one MTU); a link found down → set-link up', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  e.nodes[0]!.interfaces[0]!.mtu = 9000;
  let p = planLab(e, k.observe(e));
  assert.deepEqual(p.actions.map((a) => a.op === 'set-link' && `${a.netns}:${a.name} mtu ${a.mtu}`).sort(), ['h1:eth0 mtu 9000', 'r1:eth0 mtu 9000']);
  k.get('h2').links.get('eth0')!.up = false;
  p = planLab(s, k.observe(s));
  assert.deepEqual(p.actions.map((a) => a.op === 'set-link' && `${a.netns}:${a.name} up=${a.up}`), ['h2:eth0 up=true']);
});

test('edit: remove a link → one delete-link naming its peer', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  e.links = e.links.slice(0, 1);
  e.nodes[1]!.interfaces.pop();
  e.nodes[2]!.interfaces = [];
  e.nodes[2]!.routes = [];
  const p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['delete-link']);
  const a = p.actions[0]!;
  assert.ok(a.op === 'delete-link');
  assert.deepEqual([a.netns, a.name], ['r1', 'eth1']);
  assert.deepEqual(a.peer, { netns: 'h2', name: 'eth0' });
});

test('edit: a link rewired to another peer → delete and make again', () => {
  const k = new SimKernel();
  const s = spec('sw', {
    nodes: [node('a', { ifaces: { x: [] } }), node('b', { ifaces: { x: [] } }), node('c', { ifaces: { x: [] } }), node('d', { ifaces: { x: [] } })],
    links: [veth({ node: 'a', name: 'x' }, { node: 'b', name: 'x' }), veth({ node: 'c', name: 'x' }, { node: 'd', name: 'x' })],
  });
  up(k, s);
  const e = clone(s);
  e.links = [veth({ node: 'a', name: 'x' }, { node: 'd', name: 'x' }), veth({ node: 'c', name: 'x' }, { node: 'b', name: 'x' })];
  const p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['delete-link', 'delete-link', 'create-veth', 'create-veth']);
  assert.match(p.actions[0]!.reason, /peer is not/);
  k.run(p.actions, e.name);
  k.applied(e);
  assert.equal(planLab(e, k.observe(e)).noop, true);
});

test('a namespace with a node\'s name that the lab did not make → a refusal naming it, no action on it', () => {
  const k = new SimKernel();
  k.addNs('r1');
  const p = planLab(routerLab(), k.observe(routerLab()));
  assert.equal(p.noop, false);
  assert.equal(p.refusals.length, 1);
  const r = p.refusals[0]!;
  assert.equal(r.code, 'FOREIGN_NETNS');
  assert.equal(r.object, 'namespace r1');
  assert.deepEqual(r.path, ['nodes', 'r1']);
  assert.match(refusalText(r), /namespace r1 .*node r1.* exists and was not made by lab router/);
  assert.ok(!p.actions.some((a) => 'netns' in a && a.netns === 'r1' || JSON.stringify(a).includes('"r1"')), 'nothing is planned in r1');
  assert.match(renderPlan(p), /cannot go ahead/);
});

test('a namespace of another lab, and a host link with a bridge\'s name → refusals naming the owner', () => {
  const k = new SimKernel();
  k.addNs('h3', 'other');
  k.hostLink({ name: 'br0', kind: 'bridge', up: true });
  const s = starLab(3);
  const p = planLab(s, k.observe(s));
  const codes = p.refusals.map((r) => `${r.code} ${r.object}`).sort();
  assert.deepEqual(codes, ['FOREIGN_LINK link br0 in the host namespace', 'OTHER_LAB namespace h3']);
  const other = p.refusals.find((r) => r.code === 'OTHER_LAB')!;
  assert.equal(refusalText(other), "namespace h3 (node h3) belongs to lab other; take that lab down (Lab.byName('other').down()) or rename the node");
  assert.equal(refusalText(other, 'cli'), 'namespace h3 (node h3) belongs to lab other; take that lab down (nsnet down --lab other) or rename the node');
  const foreign = p.refusals.find((r) => r.code === 'FOREIGN_LINK')!;
  assert.match(refusalText(foreign), /; delete it \(hostNetns\(\)\.link\.del\('br0'\)\) or rename it in the file$/);
  assert.match(refusalText(foreign, 'cli'), /; delete it \(nsnet link del br0\) or rename it in the file$/);
  assert.doesNotMatch(renderPlan(p), /nsnet /, 'the plan as the library renders it names no command');
  assert.match(renderPlan(p, 'cli'), /nsnet down --lab other/);
  assert.deepEqual(p.refusals.find((r) => r.code === 'FOREIGN_LINK')!.path, ['bridges', 'br0']);
});

test('a killed up: what the journal says was intended is taken back, then completed', () => {
  const k = new SimKernel();
  const s = routerLab();
  const full = planLab(s, k.observe(s));
  // Run only the first two namespaces; the second "was killed" before its mark.
  k.run(full.actions.slice(0, 1), s.name);
  k.addNs('r1');
  k.intended = { namespaces: ['h1', 'r1', 'h2'], hostLinks: [] };
  k.previous = [s];
  const p = planLab(s, k.observe(s));
  assert.deepEqual(p.refusals, []);
  assert.deepEqual(ops(p).slice(0, 2), ['mark', 'create-netns']);
  assert.equal(p.actions[0]!.target, 'namespace r1');
  k.run(p.actions, s.name);
  k.applied(s);
  assert.equal(planLab(s, k.observe(s)).noop, true);
});

test('a host link the journal takes back but the plan remakes (its peer unconfirmed) gets no mark: the mark would find it gone', () => {
  const k = new SimKernel();
  const s = starLab(3);
  up(k, s);
  // As a killed up leaves it: h2-eth0 made but not marked, and its peer not confirmed.
  k.link('', 'h2-eth0').alias = undefined;
  k.intended = { namespaces: [], hostLinks: ['h2-eth0'] };
  const o = k.observe(s);
  delete o.host.links.find((l) => l.name === 'h2-eth0')!.peerNetns;
  const p = planLab(s, o);
  assert.deepEqual(p.refusals, []);
  assert.ok(!p.actions.some((a) => a.op === 'mark'), 'no mark: the veth goes first');
  assert.ok(p.actions.some((a) => a.op === 'delete-link' && (a.name === 'h2-eth0' || a.peer?.name === 'h2-eth0')), 'the veth is removed');

  assert.ok(p.actions.some((a) => a.op === 'create-veth' && a.b.name === 'h2-eth0'));
  k.run(p.actions, s.name);
  k.applied(s);
  assert.equal(planLab(s, k.observe(s)).noop, true);
});

test('an unmarked namespace that is not empty is not taken back, even if intended', () => {
  const k = new SimKernel();
  k.addNs('h1');
  k.addLink('h1', { name: 'dummy0', kind: 'dummy', up: true });
  k.intended = { namespaces: ['h1'], hostLinks: [] };
  const p = planLab(routerLab(), k.observe(routerLab()));
  assert.deepEqual(p.refusals.map((r) => r.code), ['FOREIGN_NETNS']);
});

test('a link someone added by hand in a lab namespace is left alone', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  k.addLink('h1', { name: 'extra0', kind: 'dummy', up: true });
  assert.equal(planLab(s, k.observe(s)).noop, true);
});

test('bridge uplink: missing NIC refused; NIC of a foreign bridge refused; attach, then detach restores', () => {
  const k = new SimKernel();
  const s = starLab(2, 'up1');
  s.uplinks = [{ kind: 'bridge', bridge: 'br0', nic: 'eth9' }];
  let p = planLab(s, k.observe(s));
  assert.deepEqual(p.refusals.map((r) => [r.code, r.path]), [['MISSING_NIC', ['uplinks', 0, 'interface']]]);
  assert.match(refusalText(p.refusals[0]!), /eth9, which does not exist/);

  k.hostLink({ name: 'eth9', up: false, master: 'docker0' });
  k.hostLink({ name: 'docker0', kind: 'bridge', up: true });
  p = planLab(s, k.observe(s));
  assert.deepEqual(p.refusals.map((r) => r.code), ['NIC_IN_USE']);
  assert.match(refusalText(p.refusals[0]!), /port of docker0/);

  delete k.get('').links.get('eth9')!.master;
  p = up(k, s);
  assert.equal(ops(p).at(-1), 'attach-uplink');
  assert.equal(k.get('').links.get('eth9')!.master, 'br0');
  assert.deepEqual(k.effects.uplinks.eth9, { bridge: 'br0', wasUp: false });
  assert.equal(planLab(s, k.observe(s)).noop, true);

  const e = clone(s);
  e.uplinks = [];
  p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['detach-uplink']);
  k.run(p.actions, e.name);
  assert.equal(k.get('').links.get('eth9')!.master, undefined);
  assert.equal(k.get('').links.get('eth9')!.up, false);
});

test('NAT uplink: no nft → refusal naming the package; else table + ip_forward, removed and restored after', () => {
  const k = new SimKernel();
  const s = starLab(2, 'nat1');
  s.uplinks = [{ kind: 'nat', bridge: 'br0', subnets: ['10.0.0.0/16'] }];
  k.nft = false;
  let p = planLab(s, k.observe(s));
  assert.deepEqual(p.refusals.map((r) => r.code), ['NO_NFT']);
  assert.match(refusalText(p.refusals[0]!), /nftables/);
  k.nft = true;
  p = up(k, s);
  assert.deepEqual(ops(p).slice(-2), ['add-nat', 'set-sysctl']);
  assert.equal(k.get('').sysctls['net.ipv4.ip_forward'], '1');
  assert.equal(planLab(s, k.observe(s)).noop, true);
  const e = clone(s);
  e.uplinks[0] = { kind: 'nat', bridge: 'br0', subnets: ['10.0.0.0/16'], out: 'eth0' };
  assert.deepEqual(ops(planLab(e, k.observe(e))), ['add-nat']);
  e.uplinks = [];
  p = planLab(e, k.observe(e));
  assert.deepEqual(ops(p), ['del-nat', 'restore-sysctl']);
  k.run(p.actions, e.name);
  assert.equal(k.get('').sysctls['net.ipv4.ip_forward'], '0');
});

test('exec commands run once for a new node, again only when they change', () => {
  const k = new SimKernel();
  const s = routerLab();
  s.nodes[0]!.exec = [['echo', 'hi']];
  up(k, s);
  assert.deepEqual(k.execDone.h1, [['echo', 'hi']]);
  assert.equal(planLab(s, k.observe(s)).noop, true);
  const e = clone(s);
  e.nodes[0]!.exec = [['echo', 'bye']];
  assert.deepEqual(ops(planLab(e, k.observe(e))), ['run-exec']);
});

test('a prefix changes every namespace name; long kernel names keep their altname in the action', () => {
  const s = spec('pfx', {
    prefix: 'ls-',
    nodes: [node('a', { prefix: 'ls-', ifaces: { x: ['10.9.0.1/30'] } }), node('b', { prefix: 'ls-', ifaces: {} })],
    links: [veth({ node: 'a', name: 'x' }, { node: 'b', name: 'uplink-to-a-c0de' })],
  });
  (s.links[0] as Extract<LabSpec['links'][number], { kind: 'veth' }>).b.altname = 'uplink-to-a-with-a-long-name';
  const p = planLab(s, nothingObserved('pfx'));
  assert.deepEqual(p.actions.filter((a) => a.op === 'create-netns').map((a) => a.target), ['namespace ls-a', 'namespace ls-b']);
  const v = p.actions.find((a) => a.op === 'create-veth');
  assert.ok(v?.op === 'create-veth');
  assert.deepEqual(v.b, { netns: 'ls-b', name: 'uplink-to-a-c0de', altname: 'uplink-to-a-with-a-long-name' });
});

test('renderPlan: one line per action with its sign, target and reason, and totals', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  e.nodes[0]!.routes = [{ to: 'default', via: '10.0.1.254', family: 4 }];
  e.nodes[2]!.interfaces[0]!.addresses.push('10.0.2.11/24');
  e.nodes[1]!.sysctls['net.ipv4.conf.all.rp_filter'] = '0';
  const text = renderPlan(planLab(e, k.observe(e)));
  const lines = text.split('\n');
  assert.equal(lines[0], 'lab router: 3 actions');
  assert.match(lines[1]!, /^ {2}\+ add-address +address 10\.0\.2\.11\/24 on eth0 in h2 +in the file, not on the link$/);
  assert.match(lines[2]!, /^ {2}~ replace-route +route default via 10\.0\.1\.254 in h1 +the kernel has via 10\.0\.1\.1/);
  assert.match(lines[3]!, /^ {2}~ set-sysctl +sysctl net\.ipv4\.conf\.all\.rp_filter in r1 +in the file$/);
  assert.equal(lines[4], '1 to add, 2 to change, 0 to remove');
});

test('planning is pure: the same input gives the same plan and the input is not changed', () => {
  const k = new SimKernel();
  const s = starLab(4);
  const o = k.observe(s);
  const before = JSON.stringify([s, o]);
  assert.deepEqual(planLab(s, o), planLab(s, o));
  assert.equal(JSON.stringify([s, o]), before);
});

test('observe\'s indexes given to planLab: the same plan as without them; an index of other spec objects is not used', () => {
  const k = new SimKernel();
  const s = routerLab();
  up(k, s);
  const e = clone(s);
  e.nodes.push(node('h3', { ifaces: { eth0: ['10.0.3.10/24'] } }));
  e.nodes.find((n) => n.name === 'r1')!.interfaces.push({ logical: 'eth2', name: 'eth2', addresses: ['10.0.3.1/24'] });
  e.links.push(veth({ node: 'r1', name: 'eth2' }, { node: 'h3', name: 'eth0' }));
  const o = k.observe(e);
  assert.ok(o.previous.length > 0, 'the edit has an earlier spec');
  const index = { desired: indexLab(e), previous: o.previous.map(indexLab) };
  const plain = planLab(e, o);
  assert.deepEqual(planLab(e, o, index), plain);
  assert.ok(plain.actions.some((a) => a.op === 'create-veth'), 'the edit plans something');
  // An index of another spec object (here: the earlier file) would plan a noop; it is ignored.
  const wrong = { desired: indexLab(s), previous: o.previous.map(indexLab) };
  assert.deepEqual(planLab(e, o, wrong), plain);
  const wrongPrev = { desired: index.desired, previous: [indexLab(e)] };
  assert.deepEqual(planLab(e, o, wrongPrev), plain);
});
