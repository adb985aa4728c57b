// Impairments in the plan, on the simulated kernel: made with the link, changed in place (the
// link stays), runtime impairments seen as drift and taken back to the file, netem-only fields
// refused on a kernel without netem, and a random sequence of edits always converging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImpairSpec } from '../api/impairspec.js';
import type { LabSpec } from '../topology/model.js';
import type { Plan } from './actions.js';
import { planLab } from './plan.js';
import { refusalText, renderPlan } from './render.js';
import { routerLab, SimKernel, simUp, starLab } from '../../test/helpers/sim.js';

const up = simUp;
const ops = (p: Plan) => p.actions.map((a) => a.op);
/** routerLab with `impair` on r1:eth1 (traffic towards h2) and on link 0 (both directions). */
function impaired(iface?: ImpairSpec, link?: ImpairSpec): LabSpec {
  const s = routerLab();
  const r1 = s.nodes.find((n) => n.name === 'r1')!;
  const eth1 = r1.interfaces.find((i) => i.name === 'eth1')!;
  if (iface) eth1.impair = iface;
  const l0 = s.links[0]!;
  if (link && l0.kind === 'veth') l0.impair = link;
  return s;
}

test('a new lab: each impaired end gets set-impair after its link is made and set, then noop', () => {
  const k = new SimKernel();
  const s = impaired({ rate: '10mbit', loss: '20%' }, { loss: '1%' });
  const p = up(k, s);
  const sets = p.actions.filter((a) => a.op === 'set-impair');
  assert.deepEqual(sets.map((a) => a.target).sort(), [
    'impairment on link eth0 in h1', 'impairment on link eth0 in r1', 'impairment on link eth1 in r1',
  ]);
  const i = ops(p).indexOf('set-impair');
  assert.ok(ops(p).lastIndexOf('create-veth') < i && i < ops(p).indexOf('add-address'), ops(p).join(' '));
  // This kernel's layout: loss is dropped at the far end's ingress, the rate is on the sender.
  assert.deepEqual(k.link('r1', 'eth1').qdisc, { rate: '10mbit' });
  assert.equal(k.link('h2', 'eth0').drop, '20%');
  assert.equal(k.link('r1', 'eth0').drop, '1%');
  assert.equal(k.link('h1', 'eth0').drop, '1%');
  assert.equal(planLab(s, k.observe(s)).noop, true);
});

test('a change in the file is applied in place: no link is deleted or made, only the impairment', () => {
  const k = new SimKernel();
  up(k, impaired({ rate: '10mbit', loss: '20%' }));
  const index = k.link('r1', 'eth1').index;
  const s = impaired({ rate: '20mbit', loss: '20%' });
  const p = up(k, s);
  assert.deepEqual(ops(p), ['set-impair']);
  assert.match(p.actions[0]!.reason, /rate is 10mbit, the file says 20mbit/);
  assert.equal(k.link('r1', 'eth1').index, index, 'the same link');
  assert.equal(planLab(s, k.observe(s)).noop, true);
  // Taken out of the file: cleared, and the drop at the far end goes too.
  const none = routerLab();
  const q = up(k, none);
  assert.deepEqual(ops(q), ['clear-impair']);
  assert.equal(k.link('r1', 'eth1').qdisc, undefined);
  assert.equal(k.link('h2', 'eth0').drop, undefined);
  assert.equal(planLab(none, k.observe(none)).noop, true);
});

test('an impairment set at runtime is drift: plan says what differs, up takes it back to the file', () => {
  const k = new SimKernel();
  const s = impaired({ loss: '20%' });
  up(k, s);
  k.link('h2', 'eth0').drop = '30%'; // nsnet impair r1:eth1 loss 30%
  k.link('h1', 'eth0').qdisc = { rate: '1Mbit' }; // nsnet impair h1:eth0 rate 1mbit
  const p = planLab(s, k.observe(s));
  const text = renderPlan(p);
  assert.match(text, /~ set-impair\s+impairment on link eth1 in r1\s+loss is 30%, the file says 20%/);
  assert.match(text, /~ clear-impair\s+impairment on link eth0 in h1\s+rate 1Mbit is in force, the file sets none/);
  up(k, s);
  assert.equal(k.link('h2', 'eth0').drop, '20%');
  assert.equal(k.link('h1', 'eth0').qdisc, undefined);
  assert.equal(planLab(s, k.observe(s)).noop, true);
});

test('what the kernel reads back in its own units matches the file (10mbit is 10Mbit, 20% is 20.0000001%)', () => {
  const k = new SimKernel();
  const s = impaired({ rate: '10mbit', burst: '15kb', loss: '20%' });
  up(k, s);
  k.link('r1', 'eth1').qdisc = { rate: '10Mbit', burst: '15Kb' };
  k.link('h2', 'eth0').drop = '20.0000001%';
  assert.equal(planLab(s, k.observe(s)).noop, true);
  k.link('r1', 'eth1').qdisc = { rate: '10Mbit', burst: '30Kb' };
  assert.match(renderPlan(planLab(s, k.observe(s))), /burst is 30Kb, the file says 15kb/);
});

test('netem-only fields are refused before anything changes, naming the missing feature; with netem they are planned', () => {
  const k = new SimKernel();
  const s = impaired({ delay: '20ms', jitter: '5ms' }, { duplicate: '1%' });
  const p = planLab(s, k.observe(s));
  assert.deepEqual(p.refusals.map((r) => [r.code, refusalText(r)]), [
    ['KERNEL_FEATURE', "link eth0 in h1: duplicate needs the kernel's netem qdisc (CONFIG_NET_SCH_NETEM), which this kernel lacks; load its module (modprobe sch_netem), or use a kernel built with it"],
    ['KERNEL_FEATURE', "link eth0 in r1: duplicate needs the kernel's netem qdisc (CONFIG_NET_SCH_NETEM), which this kernel lacks; load its module (modprobe sch_netem), or use a kernel built with it"],
    ['KERNEL_FEATURE', "link eth1 in r1: delay needs the kernel's netem qdisc (CONFIG_NET_SCH_NETEM), which this kernel lacks; load its module (modprobe sch_netem), or use a kernel built with it"],
  ]);
  assert.deepEqual(p.refusals.map((r) => r.path), [['links', 0, 'impair'], ['links', 0, 'impair'], ['nodes', 'r1', 'interfaces', 'eth1', 'impair']]);
  k.features = { netem: true, tbf: true, htb: true, clsact: true, cls_bpf: true, ifb: true };
  assert.deepEqual(planLab(s, k.observe(s)).refusals, []);
});

test('a star on a host bridge: the bridge port (host side) is impaired too, and the link impair goes both ways', () => {
  const k = new SimKernel();
  const s = starLab(3);
  const l = s.links[1]!;
  if (l.kind === 'veth') l.impair = { rate: '5mbit' };
  const p = up(k, s);
  assert.deepEqual(p.actions.filter((a) => a.op === 'set-impair').map((a) => a.target), ['impairment on link eth0 in h2', 'impairment on link h2-eth0 in the host namespace']);
  assert.deepEqual(k.link('', 'h2-eth0').qdisc, { rate: '5mbit' });
  assert.equal(planLab(s, k.observe(s)).noop, true);
});

test('random impairment edits always converge: after up, plan is empty (seed printed)', (t) => {
  const seed = Number(process.env.SEED ?? Date.now() % 100000);
  t.diagnostic(`seed ${seed} (SEED=${seed} repeats it)`);
  let x = seed;
  const rnd = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n);
  const pick = (): ImpairSpec | undefined => {
    const r = rnd(4);
    if (r === 0) return undefined;
    const s: ImpairSpec = {};
    if (r & 1) s.rate = `${1 + rnd(100)}mbit`;
    if (r & 2 || !s.rate) s.loss = `${rnd(100)}%`;
    return s;
  };
  const k = new SimKernel();
  for (let i = 0; i < 40; i++) {
    const s = impaired(pick(), pick());
    if (i > 0 && rnd(3) === 0) k.link('r1', 'eth1').qdisc = { rate: '7Mbit' }; // someone impairs at runtime
    up(k, s);
    const again = planLab(s, k.observe(s));
    assert.equal(again.noop, true, `seed ${seed} step ${i}: ${renderPlan(again)}`);
  }
});
