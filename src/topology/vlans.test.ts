// VLANs and OVS bridges in the file: what is accepted and how it is normalized, and one clear
// issue for each refusal (id out of range, vlan and trunks together, a trunk to a node, VLANs on
// a Linux bridge, an OVS bridge in a node, node VLAN sub-interfaces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopology, type TopologyIssue } from './parse.js';
import { formatPath } from './issues.js';

const BASE = `
name: v
nodes:
  blue: { interfaces: { eth0: { addresses: [10.0.10.1/24] } } }
  red: { interfaces: { eth0: { addresses: [10.0.10.2/24] } } }
bridges:
  sw1: { type: ovs }
  sw2: { type: ovs }
  lb: {}
`;

function issues(extra: string): TopologyIssue[] {
  const r = parseTopology(BASE + extra, 'v.yaml');
  assert.ok(!r.ok, 'expected a refusal');
  return r.issues;
}
function one(extra: string, code: string, path: string, re: RegExp): void {
  const got = issues(extra);
  const hit = got.find((i) => i.code === code);
  assert.ok(hit, `no ${code} among ${got.map((i) => `${i.code} ${i.message}`).join('; ')}`);
  assert.equal(formatPath(hit.path), path);
  assert.match(hit.message, re);
  assert.ok(hit.line !== undefined && hit.line > 0);
}

test('access ports, a trunk between OVS bridges and a trunked uplink are accepted and normalized', () => {
  const r = parseTopology(`${BASE}
links:
  - { endpoints: [blue:eth0, sw1], vlan: 10 }
  - { endpoints: [red:eth0, sw1], vlan: 20 }
  - { endpoints: [sw1, sw2], trunks: [20, 10, 20] }
uplinks:
  - { type: bridge, bridge: sw2, interface: eth9, trunks: [10, 20] }
`, 'v.yaml');
  assert.ok(r.ok, r.ok ? '' : r.issues.map((i) => i.message).join('\n'));
  const { bridges, links, uplinks } = r.lab;
  assert.equal(bridges.find((b) => b.name === 'sw1')!.type, 'ovs');
  assert.equal(bridges.find((b) => b.name === 'lb')!.type, undefined, 'linux is the default and is left out');
  const veths = links.filter((l) => l.kind === 'veth');
  assert.deepEqual(veths.map((l) => [l.vlan, l.trunks]), [[10, undefined], [20, undefined], [undefined, [10, 20]]]);
  assert.deepEqual(uplinks, [{ kind: 'bridge', bridge: 'sw2', nic: 'eth9', trunks: [10, 20] }]);
});

test('a VLAN id outside 1..4094 is refused at the id', () => {
  one('links: [{ endpoints: [blue:eth0, sw1], vlan: 4095 }]', 'OUT_OF_RANGE', 'links[0].vlan', /VLAN id must be a whole number from 1 to 4094/);
  one('links: [{ endpoints: [blue:eth0, sw1], vlan: 0 }]', 'OUT_OF_RANGE', 'links[0].vlan', /from 1 to 4094/);
  one('links: [{ endpoints: [sw1, sw2], trunks: [10, 5000] }]', 'OUT_OF_RANGE', 'links[0].trunks[1]', /from 1 to 4094/);
});

test('vlan and trunks on one port, a trunk to a node, a VLAN with no bridge end', () => {
  one('links: [{ endpoints: [blue:eth0, sw1], vlan: 10, trunks: [10] }]', 'VLAN_AND_TRUNKS', 'links[0]', /access port \(vlan: N\) or a trunk/);
  one('links: [{ endpoints: [blue:eth0, sw1], trunks: [10, 20] }]', 'TRUNK_TO_NODE', 'links[0].trunks', /blue:eth0 is not a bridge/);
  one('links: [{ endpoints: [blue:eth0, red:eth0], vlan: 10 }]', 'VLAN_WITHOUT_BRIDGE', 'links[0]', /neither end .* is a bridge/);
});

test('VLANs on a Linux bridge are refused with one line suggesting type: ovs', () => {
  one('links: [{ endpoints: [blue:eth0, lb], vlan: 10 }]', 'LINUX_BRIDGE_VLAN', 'links[0].vlan', /Linux bridge "lb" needs bridge VLAN filtering.*bridges: \{ lb: \{ type: ovs \} \}/);
  one('uplinks: [{ type: bridge, bridge: lb, interface: eth9, trunks: [10] }]', 'LINUX_BRIDGE_VLAN', 'uplinks[0].trunks', /type: ovs/);
});

test('an OVS bridge in a node, or with settings OVS bridges do not take here', () => {
  one('  sw3: { type: ovs, node: blue }', 'OVS_BRIDGE_IN_NODE', 'bridges.sw3.node', /live in the host namespace/);
  one('  sw3: { type: ovs, stp: true }', 'OVS_UNSUPPORTED', 'bridges.sw3.stp', /stp is not supported on OVS bridges/);
  one('  sw3: { type: frr }', 'BAD_VALUE', 'bridges.sw3.type', /linux|ovs/);
});

test('node VLAN sub-interfaces are refused clearly (no 802.1q here)', () => {
  const text = BASE.replace('blue: { interfaces: { eth0: { addresses: [10.0.10.1/24] } } }',
    'blue: { interfaces: { eth0: {}, eth0.10: { vlan: { parent: eth0, id: 10 }, addresses: [10.0.10.1/24] } } }');
  const r = parseTopology(text, 'v.yaml');
  assert.ok(!r.ok);
  const hit = r.issues.find((i) => i.code === 'NO_8021Q');
  assert.ok(hit, r.issues.map((i) => i.message).join('\n'));
  assert.equal(formatPath(hit.path), 'nodes.blue.interfaces["eth0.10"].vlan');
  assert.match(hit.message, /802.1q support, which this kernel lacks: put the node on an OVS access port/);
});
