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
import { refusalText } from '../render.js';
import { indexLab } from '../desired.js';
import { prng } from '../../wire/rtnl/testing.js';
import { ovsStatus } from './ovs-status.js';

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
  assert.deepEqual(p.refusals.map((r) => [r.code, refusalText(r)]), [['FOREIGN_OVS_BRIDGE', 'OVS bridge sw1 exists and was made by lab other; rename the bridge in the file or remove the other one (ovs-vsctl del-br sw1)']]);
  p = planLab(s, { ...base, ovs: { running: true, bridges: [{ name: 'br9', uuid: 'u', datapathType: 'netdev', ports: [{ name: 't2', uuid: 'p' }] }] } });
  assert.deepEqual(p.refusals.map((r) => [r.code, r.object]), [['OVS_PORT_IN_USE', 'OVS port t2']]);
  assert.match(refusalText(p.refusals[0]!), /t2 is already a port of OVS bridge br9, which lab vl does not own; remove it there \(ovs-vsctl del-port br9 t2\)/);
  p = planLab(s, { ...base, ovs: { running: false, bridges: [], missing: { detail: 'Open vSwitch is not installed: ovsdb-server is not on PATH', hint: { lib: 'install the Debian package openvswitch-switch', cli: 'install the Debian package openvswitch-switch' } } } });
  assert.deepEqual(p.refusals.map((r) => [r.code, r.path]), [['OVS_MISSING', ['bridges', 'sw1']]]);
});

test('status: each port with its VLANs; a changed tag, a missing, extra or foreign port shows exactly when the plan replaces the bridge (random drift, seed printed)', () => {
  const seed = Number(process.env.SEED ?? Date.now() % 100000);
  console.log(`# ovs status drift seed ${seed} (SEED=${seed} to repeat)`);
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const k = new SimKernel();
  const s = ovsLab();
  for (let round = 0; round < 200; round++) {
    const ovs = new SimOvs();
    up(k, ovs, s);
    const want = new Map<string, string>();
    for (let n = Math.floor(rand() * 3); n > 0; n--) {
      const b = pick(ovs.bridges);
      const kind = pick(['tag', 'drop', 'extra', 'foreign'] as const);
      const mine = b.ports.filter((x) => !want.has(x.name));
      if (kind === 'tag' && mine.length) {
        const p = pick(mine);
        p.tag = 30 + Math.floor(rand() * 3);
        delete p.trunks;
        want.set(p.name, 'vlan');
      } else if (kind === 'drop' && mine.length) {
        const p = pick(mine);
        b.ports = b.ports.filter((x) => x !== p);
        want.set(p.name, 'missing');
      } else if (kind === 'extra' || kind === 'foreign') {
        const name = `x${round}-${n}`;
        b.ports.push({ name, uuid: name, tag: 5, ...(kind === 'extra' ? { lab: s.name } : {}) });
        want.set(name, kind);
      }
    }
    const o = ovs.observed(k.observe(s));
    const st = ovsStatus(indexLab(s), o);
    assert.deepEqual(st.map((b) => [b.name, b.state]), [['sw1', 'up'], ['sw2', 'up']]);
    const odd = new Map(st.flatMap((b) => b.ports.filter((p) => p.state !== 'ok').map((p) => [p.name, p.state] as const)));
    assert.deepEqual(odd, want, `seed ${seed} round ${round}`);
    const replaced = planLab(s, o).actions.flatMap((a) => (a.op === 'create-ovs-bridge' && a.replace ? [a.name] : [])).sort();
    const drifted = st.filter((b) => b.ports.some((p) => p.state !== 'ok')).map((b) => b.name).sort();
    assert.deepEqual(replaced, drifted, `seed ${seed} round ${round}: the plan repairs what status shows`);
    for (const b of st) for (const p of b.ports) {
      if (p.state === 'vlan') assert.ok(p.want && p.tag !== p.want.tag, JSON.stringify(p));
      if (p.state === 'ok') assert.ok(p.tag !== undefined || p.trunks !== undefined, `every port of the file has its VLANs: ${JSON.stringify(p)}`);
    }
  }
});

test('status: a bridge not there, or made by someone else, says so', () => {
  const s = ovsLab();
  const k = new SimKernel();
  const st = ovsStatus(indexLab(s), { ...k.observe(s), ovs: { running: true, bridges: [{ name: 'sw2', uuid: 'u', lab: 'other', datapathType: 'netdev', ports: [] }] } });
  assert.deepEqual(st.map((b) => [b.name, b.state, b.owner, b.ports.map((p) => `${p.name}:${p.state}:${JSON.stringify(p.want)}`)]), [
    ['sw1', 'missing', undefined, ['blue-eth0:missing:{"tag":10}', 'green-eth0:missing:{"tag":20}', 't1:missing:{"trunks":[10,20]}']],
    ['sw2', 'foreign', 'other', []],
  ]);
});

test('OVS uplink: the NIC is a port with its trunks, its state before (up, MTU) recorded; a NIC on a kernel bridge refused; detach gives the MTU back', () => {
  const k = new SimKernel();
  const ovs = new SimOvs();
  const s = ovsLab();
  s.uplinks = [{ kind: 'bridge', bridge: 'sw1', nic: 'eth9', trunks: [10, 20] }];
  k.hostLink({ name: 'eth9', up: false, mtu: 1400, master: 'docker0' });
  k.hostLink({ name: 'docker0', kind: 'bridge', up: true });
  let p = planLab(s, ovs.observed(k.observe(s)));
  assert.deepEqual(p.refusals.map((r) => [r.code, refusalText(r)]), [['NIC_IN_USE', "host NIC eth9 is a port of docker0; take it out of there (hostNetns().link.set('eth9', { master: null })) or name another NIC"]]);
  delete k.get('').links.get('eth9')!.master;
  p = up(k, ovs, s);
  const a = p.actions.find((x) => x.op === 'create-ovs-bridge' && x.name === 'sw1');
  assert.ok(a && a.op === 'create-ovs-bridge');
  assert.deepEqual(a.uplinks, ['eth9']);
  assert.deepEqual(a.ports.find((x) => x.name === 'eth9'), { name: 'eth9', trunks: [10, 20] });
  assert.deepEqual(k.effects.uplinks.eth9, { bridge: 'sw1', wasUp: false, mtu: 1400 });
  assert.equal(k.get('').links.get('eth9')!.up, true);
  assert.ok(planLab(s, ovs.observed(k.observe(s))).noop, 'then nothing to do');
  const e = { ...s, uplinks: [] };
  p = planLab(e, ovs.observed(k.observe(e)));
  const d = p.actions.find((x) => x.op === 'detach-uplink');
  assert.ok(d && d.op === 'detach-uplink' && d.mtu === 1400 && d.wasUp === false, JSON.stringify(p.actions.map((x) => x.op)));
  assert.ok(p.actions.some((x) => x.op === 'create-ovs-bridge' && x.replace), 'sw1 is rebuilt without the NIC');
});
