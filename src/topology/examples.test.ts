// The committed examples parse to what they claim, and (for the routed ones) a small L3 walk over
// the normalized lab shows that every host reaches every other host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCidr, parseIp } from './cidr.js';
import { formatIssue, loadTopologyFile, parseTopology } from './parse.js';
import type { LabSpec, NodeSpec } from './model.js';
import { isKernelName } from './names.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = (name: string) => `${root}examples/${name}`;

function load(name: string): { lab: LabSpec; text: string } {
  const r = loadTopologyFile(example(name));
  if (!r.ok) assert.fail(r.issues.map(formatIssue).join('\n'));
  assert.deepEqual(r.warnings, [], `${name} has warnings`);
  return { lab: r.lab, text: readFileSync(example(name), 'utf8') };
}

const node = (lab: LabSpec, name: string): NodeSpec => {
  const n = lab.nodes.find((x) => x.name === name);
  assert.ok(n, `no node ${name}`);
  return n;
};

/**
 * Walk from `src` towards address `dst` the way the kernel would with these static routes:
 * local address → done; connected subnet → the owner on the same segment; else the longest
 * matching route (lowest metric), whose gateway must be on a shared segment. Returns the path.
 */
function walk(lab: LabSpec, src: string, dst: string): string[] {
  const d = parseIp(dst);
  assert.ok(typeof d !== 'string');
  // segments: a veth joins its two ends; a bridge joins itself and the far ends of its ports
  const seg = new Map<string, string>();
  const key = (nodeName: string | undefined, ifname: string) => `${nodeName ?? '@host'}/${ifname}`;
  for (const b of lab.bridges) seg.set(key(b.node, b.name), `bridge:${b.logical}`);
  for (const l of lab.links) {
    if (l.kind !== 'veth') continue;
    if (l.a.bridge) seg.set(key(l.b.node, l.b.name), `bridge:${l.a.bridge}`);
    else if (l.b.bridge) seg.set(key(l.a.node, l.a.name), `bridge:${l.b.bridge}`);
    else {
      seg.set(key(l.a.node, l.a.name), `veth:${l.id}`);
      seg.set(key(l.b.node, l.b.name), `veth:${l.id}`);
    }
  }
  // every address: owner node, interface, segment
  const ifaces: { node: string; ifname: string; cidr: string }[] = [];
  for (const n of lab.nodes) for (const i of n.interfaces) for (const a of i.addresses) ifaces.push({ node: n.name, ifname: i.name, cidr: a });
  for (const b of lab.bridges) if (b.node) for (const a of b.addresses) ifaces.push({ node: b.node, ifname: b.name, cidr: a });
  const owner = (ip: string) => ifaces.find((x) => x.cidr.split('/')[0] === ip);
  const contains = (cidr: string, ip: string): boolean => {
    const c = parseCidr(cidr);
    const p = parseIp(ip);
    assert.ok(typeof c !== 'string' && typeof p !== 'string');
    if (c.family !== p.family) return false;
    const m = parseCidr(`${p.text}/${c.len}`);
    return typeof m !== 'string' && m.network === c.network;
  };
  const path = [src];
  let at = src;
  for (let hop = 0; hop < 10; hop++) {
    const here = ifaces.filter((x) => x.node === at);
    if (here.some((x) => x.cidr.split('/')[0] === d.text)) return path;
    let next: string;
    const connected = here.find((x) => contains(x.cidr, d.text));
    if (connected) next = d.text;
    else {
      const n = node(lab, at);
      const routes = n.routes
        .filter((r) => r.family === d.family && (r.to === 'default' || contains(r.to, d.text)) && r.via !== undefined)
        .sort((a, b) => (b.to === 'default' ? -1 : Number(b.to.split('/')[1])) - (a.to === 'default' ? -1 : Number(a.to.split('/')[1])) || (a.metric ?? 0) - (b.metric ?? 0));
      assert.ok(routes.length > 0, `${at} has no route to ${dst} (path ${path.join(' > ')})`);
      next = routes[0]!.via!;
    }
    const o = owner(next);
    assert.ok(o, `nobody owns ${next}`);
    const mine = here.find((x) => contains(x.cidr, next));
    assert.ok(mine, `${at} has no interface towards ${next}`);
    assert.ok(seg.get(key(at, mine.ifname)), `${at}/${mine.ifname} is on no segment`);
    assert.equal(seg.get(key(o.node, o.ifname)), seg.get(key(at, mine.ifname)), `${at}/${mine.ifname} and ${o.node}/${o.ifname} are not on one segment`);
    if (o.node !== at && d.text !== next) {
      // a transit node must forward this family
      const fwd: string = d.family === 4 ? 'net.ipv4.ip_forward' : 'net.ipv6.conf.all.forwarding';
      assert.equal(node(lab, o.node).sysctls[fwd], '1', `${o.node} does not forward IPv${d.family}`);
    }
    at = o.node;
    path.push(at);
  }
  assert.fail(`loop from ${src} to ${dst}: ${path.join(' > ')}`);
}

test('examples start with the yaml-language-server schema line', () => {
  for (const f of ['seed.yaml', 'router.yaml', 'leaf-spine.yaml']) {
    const first = readFileSync(example(f), 'utf8').split('\n')[0];
    assert.equal(first, '# yaml-language-server: $schema=../schema/topology.schema.json', f);
  }
});

test('seed.yaml: namespace blue on bridge br0, as in the article', () => {
  const { lab, text } = load('seed.yaml');
  assert.equal(lab.name, 'seed');
  assert.deepEqual(lab.nodes.map((n) => n.netns), ['blue']);
  const blue = node(lab, 'blue');
  assert.equal(blue.ipv6, false);
  assert.deepEqual(blue.interfaces, [{ logical: 'veth1', name: 'veth1', addresses: ['10.1.1.2/24'] }]);
  assert.deepEqual(blue.routes, [{ to: 'default', via: '10.1.1.1', family: 4 }]);
  assert.deepEqual(lab.bridges, [{ logical: 'br0', name: 'br0', addresses: ['10.1.1.1/24'] }]);
  assert.deepEqual(lab.links, [
    {
      kind: 'veth',
      id: 'blue:veth1--br0:veth0',
      a: { node: 'blue', name: 'veth1', logical: 'veth1' },
      b: { name: 'veth0', logical: 'veth0', bridge: 'br0' },
    },
  ]);
  assert.deepEqual(lab.uplinks, []);
  // the commented uplinks work when uncommented
  const bridged = text.replace('# uplinks:\n#   - { type: bridge', 'uplinks:\n  - { type: bridge');
  assert.notEqual(bridged, text);
  const r = parseTopology(bridged, 'seed.yaml');
  assert.ok(r.ok, r.ok ? '' : r.issues.map(formatIssue).join('\n'));
  if (r.ok) assert.deepEqual(r.lab.uplinks, [{ kind: 'bridge', bridge: 'br0', nic: 'eth1' }]);
  const nat = text.replace('# uplinks:\n#   - { type: nat', 'uplinks:\n  - { type: nat');
  const n = parseTopology(nat, 'seed.yaml');
  assert.ok(n.ok);
  if (n.ok) assert.deepEqual(n.lab.uplinks, [{ kind: 'nat', bridge: 'br0', subnets: ['10.1.1.0/24'] }]);
});

test('router.yaml: h1 - r1 - h2', () => {
  const { lab } = load('router.yaml');
  assert.deepEqual(lab.nodes.map((n) => [n.name, n.netns, n.ipv6]), [['h1', 'h1', false], ['r1', 'r1', false], ['h2', 'h2', false]]);
  assert.deepEqual(node(lab, 'r1').interfaces.map((i) => [i.name, i.addresses]), [['eth0', ['10.0.1.1/24']], ['eth1', ['10.0.2.1/24']]]);
  assert.deepEqual(node(lab, 'r1').sysctls, { 'net.ipv4.ip_forward': '1' });
  assert.deepEqual(node(lab, 'h1').routes, [{ to: 'default', via: '10.0.1.1', family: 4 }]);
  assert.deepEqual(node(lab, 'h2').routes, [{ to: 'default', via: '10.0.2.1', family: 4 }]);
  assert.deepEqual(lab.links.map((l) => l.id), ['h1:eth0--r1:eth0', 'h2:eth0--r1:eth1']);
  assert.deepEqual(walk(lab, 'h1', '10.0.2.10'), ['h1', 'r1', 'h2']);
  assert.deepEqual(walk(lab, 'h2', '10.0.1.10'), ['h2', 'r1', 'h1']);
});

test('leaf-spine.yaml: prefix, IPv6 flags, kernel names, full reachability', () => {
  const { lab } = load('leaf-spine.yaml');
  assert.equal(lab.prefix, 'ls-');
  assert.equal(lab.nodes.length, 8);
  assert.deepEqual(lab.nodes.map((n) => n.netns).sort(), ['ls-h11', 'ls-h12', 'ls-h21', 'ls-h22', 'ls-l1', 'ls-l2', 'ls-s1', 'ls-s2']);
  const v6 = Object.fromEntries(lab.nodes.map((n) => [n.name, n.ipv6]));
  assert.deepEqual(v6, { s1: true, s2: false, l1: true, l2: true, h11: true, h12: false, h21: true, h22: false });
  // the long interface name on s2 has a generated kernel name and keeps its altname
  const long = node(lab, 's2').interfaces.find((i) => i.logical === 'eth-to-leaf2-fabric')!;
  assert.ok(isKernelName(long.name) && long.name !== long.logical && long.name.startsWith('eth-to-lea-'));
  assert.equal(long.altname, 'eth-to-leaf2-fabric');
  // bridges inside the leaves, host ports named after the host interface
  assert.deepEqual(lab.bridges.map((b) => [b.name, b.node]), [['l1-hosts', 'l1'], ['l2-hosts', 'l2']]);
  const ports = lab.links.flatMap((l) => (l.kind === 'veth' && l.b.bridge ? [`${l.b.node}/${l.b.name}`] : []));
  assert.deepEqual(ports, ['l1/h11-eth0', 'l1/h12-eth0', 'l2/h21-eth0', 'l2/h22-eth0']);
  // point-to-point fabric links are /31s
  for (const n of ['s1', 's2', 'l1', 'l2']) {
    for (const i of node(lab, n).interfaces) assert.ok(i.addresses.some((a) => a.endsWith('/31')), `${n}/${i.name}`);
  }
  assert.deepEqual(node(lab, 'h11').routes.map((r) => [r.to, r.via, r.family]), [['default', '10.1.1.1', 4], ['default', '2001:db8:1::1', 6]]);
  // every host reaches every other host over IPv4, and the dual-stack pair over IPv6
  const hosts: Record<string, string> = { h11: '10.1.1.11', h12: '10.1.1.12', h21: '10.1.2.21', h22: '10.1.2.22' };
  for (const src of Object.keys(hosts)) {
    for (const [dst, addr] of Object.entries(hosts)) {
      if (src === dst) continue;
      const p = walk(lab, src, addr);
      assert.equal(p[p.length - 1], dst);
    }
  }
  assert.deepEqual(walk(lab, 'h11', '2001:db8:2::21'), ['h11', 'l1', 's1', 'l2', 'h21']);
  assert.deepEqual(walk(lab, 'h21', '2001:db8:1::11'), ['h21', 'l2', 's1', 'l1', 'h11']);
  assert.deepEqual(walk(lab, 'h12', '10.1.2.22'), ['h12', 'l1', 's1', 'l2', 'h22']);
});

test('the walk itself fails on a broken lab (a router that does not forward)', () => {
  const { text } = load('router.yaml');
  const r = parseTopology(text.replace('net.ipv4.ip_forward: 1', 'net.ipv4.ip_forward: 0'));
  assert.ok(r.ok);
  if (r.ok) assert.throws(() => walk(r.lab, 'h1', '10.0.2.10'), /r1 does not forward IPv4/);
});
