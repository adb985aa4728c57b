import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimKernel, starLab } from '../../../test/helpers/sim.js';
import { planLab } from '../plan.js';
import { refusalText } from '../render.js';

const withUplink = (force?: boolean) => {
  const s = starLab(1);
  s.uplinks = [{ kind: 'bridge', bridge: 'br0', nic: 'eth1', ...(force ? { force } : {}) }];
  return s;
};

test('an uplink NIC that carries the host\'s default route or an address is refused, unless force: true', () => {
  const k = new SimKernel();
  k.hostLink({ name: 'eth1', kind: undefined, up: true, mtu: 1500 });
  for (const nic of [{ defaultRoute: true }, { addresses: ['192.0.2.7/24'] }, { defaultRoute: true, addresses: ['192.0.2.7/24', '2001:db8::7/64'] }]) {
    const o = k.observe(withUplink());
    Object.assign(o.host.nics.eth1!, nic);
    const p = planLab(withUplink(), o);
    assert.deepEqual(p.refusals.map((r) => [r.code, r.path]), [['NIC_CARRIES_HOST', ['uplinks', 0, 'interface']]]);
    assert.match(refusalText(p.refusals[0]!), /^host NIC eth1 carries .*(default route|192\.0\.2\.7\/24).*add force: true to the uplink/);
    const forced = k.observe(withUplink(true));
    Object.assign(forced.host.nics.eth1!, nic);
    const f = planLab(withUplink(true), forced);
    assert.deepEqual(f.refusals, []);
    assert.ok(f.actions.some((a) => a.op === 'attach-uplink'));
  }
  const plain = planLab(withUplink(), k.observe(withUplink()));
  assert.deepEqual(plain.refusals, [], 'a NIC the host does not use joins');
});

test('a lab subnet that overlaps a host interface\'s subnet is a warning at its address, once per subnet; no overlap, no warning', () => {
  const k = new SimKernel();
  const s = starLab(3); // 10.0.0.0/16
  const o = k.observe(s);
  o.host.nets = [{ dev: 'eth0', cidr: '10.0.200.1/24' }, { dev: 'eth9', cidr: '192.168.1.1/24' }];
  const p = planLab(s, o);
  assert.deepEqual(p.warnings?.map((w) => [w.code, w.object, w.path]), [['HOST_SUBNET_OVERLAP', 'subnet 10.0.0.0/16', ['bridges', 'br0', 'addresses', 0]]]);
  assert.match(refusalText(p.warnings![0]!), /overlaps 10\.0\.200\.1\/24 of host interface eth0/);
  o.host.nets = [{ dev: 'eth9', cidr: '10.1.0.1/16' }, { dev: 'eth9', cidr: 'fe80::1/64' }];
  assert.equal(planLab(s, o).warnings, undefined);
});
