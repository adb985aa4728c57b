// The OVS bridge backend's plan, on the simulated kernel with a simulated OVSDB: one
// create-ovs-bridge per bridge with every port and its VLANs, no kernel bridge or master; a
// second plan is a no-op; drift (a port's VLAN, a port veth made again) replaces the bridge;
// bridges the file dropped go; a foreign bridge, a port on a foreign bridge and a missing Open
// vSwitch are refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { node, SimKernel, spec, veth } from '../../../test/helpers/sim.js';
import type { ObservedBridge } from '../../api/ovs/switch.js';
import type { Action } from '../actions.js';
import type { LabSpec } from '../../topology/model.js';
import type { ObservedLab } from '../observed.js';
import { planLab } from '../plan.js';

function ovsLab(): LabSpec {
  const s = spec('vl', {
    nodes: [node('blue', { ifaces: { eth0: ['10.1.1.10/24'] } }), node('green', { ifaces: { eth0: ['10.1.1.20/24'] } })],
    bridges: [{ logical: 'sw1', name: 'sw1', addresses: [], type: 'ovs' }, { logical: 'sw2', name: 'sw2', addresses: [], type: 'ovs' }],
    links: [
      { ...veth({ node: 'blue', name: 'eth0' }, { name: 'blue-eth0', bridge: 'sw1' }), vlan: 10 } as LabSpec['links'][number],
      { ...veth({ node: 'green', name: 'eth0' }, { name: 'green-eth0', bridge: 'sw1' }), vlan: 20 } as LabSpec['links'][number],
      { ...veth({ name: 't1', bridge: 'sw1' }, { name: 't2', bridge: 'sw2' }), trunks: [10, 20] } as LabSpec['links'][number],
    ],
  });
  return s;
}

/** A stand-in OVSDB: what the OVS actions of a plan leave behind. */
class SimOvs {
  bridges: ObservedBridge[] = [];
  run(actions: Action[], lab: string): void {
    for (const a of actions) {
      if (a.op === 'delete-ovs-bridge' || (a.op === 'create-ovs-bridge' && a.replace)) this.bridges = this.bridges.filter((b) => b.name !== a.name);
      if (a.op === 'create-ovs-bridge') {
        this.bridges.push({ name: a.name, uuid: a.name, lab, datapathType: 'netdev', ports: a.ports.map((p) => ({ ...p, uuid: p.name, lab })) });
      }
    }
  }
  observed(o: ObservedLab): ObservedLab {
    return { ...o, ovs: { running: true, bridges: structuredClone(this.bridges) } };
  }
}

function up(k: SimKernel, ovs: SimOvs, s: LabSpec) {
  const p = planLab(s, ovs.observed(k.observe(s)));
  assert.deepEqual(p.refusals, []);
  k.run(p.actions, s.name);
  ovs.run(p.actions, s.name);
  k.applied(s);
  return p;
}

test('one create-ovs-bridge per bridge with its ports and VLANs; no kernel bridge, no master; then a no-op', () => {
  const k = new SimKernel();
  const ovs = new SimOvs();
  const s = ovsLab();
  const p = up(k, ovs, s);
  assert.equal(p.actions.filter((a) => a.op === 'create-bridge').length, 0, 'no Linux bridge');
  const made = p.actions.filter((a) => a.op === 'create-ovs-bridge');
  assert.deepEqual(made.map((a) => [a.name, a.ports, a.offload]), [
    ['sw1', [{ name: 'blue-eth0', tag: 10 }, { name: 'green-eth0', tag: 20 }, { name: 't1', trunks: [10, 20] }], [{ netns: 'blue', name: 'eth0' }, { netns: 'green', name: 'eth0' }, { name: 't2' }]],
    ['sw2', [{ name: 't2', trunks: [10, 20] }], [{ name: 't1' }]],
  ]);
  // After the veths (their host ends are the ports).
  const order = p.actions.map((a) => a.op);
  assert.ok(order.lastIndexOf('create-veth') < order.indexOf('create-ovs-bridge'));
  for (const v of p.actions.filter((a) => a.op === 'create-veth')) for (const e of [v.a, v.b]) assert.equal(e.master, undefined);
  assert.ok(planLab(s, ovs.observed(k.observe(s))).noop, 'a second plan does nothing');
});

test('drift replaces the bridge: a port VLAN changed in OVS, a port veth made again', () => {
  const k = new SimKernel();
  const ovs = new SimOvs();
  const s = ovsLab();
  up(k, ovs, s);
  ovs.bridges[0]!.ports[0]!.tag = 30;
  let p = planLab(s, ovs.observed(k.observe(s)));
  const a = p.actions.find((x) => x.op === 'create-ovs-bridge');
  assert.ok(a && a.replace && a.name === 'sw1', JSON.stringify(p.actions));
  assert.match(a.reason, /ports differ from the file \(file: blue-eth0 tag=10 trunks=-; OVS: blue-eth0 tag=30 trunks=-\)/);
  k.run(p.actions, s.name);
  ovs.run(p.actions, s.name);
  // The blue node is deleted behind nsnet's back: its veth is made again, and sw1 with it.
  k.ns.delete('blue');
  k.get('').links.delete('blue-eth0');
  p = planLab(s, ovs.observed(k.observe(s)));
  const again = p.actions.find((x) => x.op === 'create-ovs-bridge');
  assert.ok(again && again.replace, JSON.stringify(p.actions.map((x) => x.op)));
  assert.match(again.reason, /its port blue-eth0 is made again/);
});

test('a bridge the file no longer has goes; one the lab does not own stays', () => {
  const k = new SimKernel();
  const ovs = new SimOvs();
  const s = ovsLab();
  up(k, ovs, s);
  ovs.bridges.push({ name: 'theirs', uuid: 'x', datapathType: 'netdev', ports: [] });
  const fewer = { ...s, bridges: s.bridges.slice(0, 1), links: s.links.slice(0, 2) };
  const p = planLab(fewer, ovs.observed(k.observe(fewer)));
  assert.deepEqual(p.actions.filter((a) => a.op === 'delete-ovs-bridge').map((a) => a.name), ['sw2']);
});

test('refusals: a foreign bridge of that name, a port on a foreign bridge, Open vSwitch missing', () => {
  const s = ovsLab();
  const k = new SimKernel();
  const base = k.observe(s);
  let p = planLab(s, { ...base, ovs: { running: true, bridges: [{ name: 'sw1', uuid: 'u', lab: 'other', datapathType: 'netdev', ports: [] }] } });
  assert.deepEqual(p.refusals.map((r) => [r.code, r.message]), [['FOREIGN_OVS_BRIDGE', 'OVS bridge sw1 exists and was made by lab other; rename the bridge in the file or remove the other one (ovs-vsctl del-br sw1)']]);
  p = planLab(s, { ...base, ovs: { running: true, bridges: [{ name: 'br9', uuid: 'u', datapathType: 'netdev', ports: [{ name: 't2', uuid: 'p' }] }] } });
  assert.deepEqual(p.refusals.map((r) => [r.code, r.object]), [['OVS_PORT_IN_USE', 'OVS port t2']]);
  assert.match(p.refusals[0]!.message, /t2 is already a port of OVS bridge br9, which lab vl does not own; remove it there \(ovs-vsctl del-port br9 t2\)/);
  p = planLab(s, { ...base, ovs: { running: false, bridges: [], missing: 'Open vSwitch is not installed: ovsdb-server is not on PATH; install the Debian package openvswitch-switch' } });
  assert.deepEqual(p.refusals.map((r) => [r.code, r.path]), [['OVS_MISSING', ['bridges', 'sw1']]]);
});
