import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Profile, renderProfile } from './profile.js';

test('spans add up by name; time and timeAsync record even when the work throws', async () => {
  const p = new Profile(42);
  p.add('action create-veth', 0.5);
  p.add('action create-veth', 0.25);
  p.time('plan', () => 1);
  await p.timeAsync('observe', async () => 2);
  assert.throws(() => p.time('validate', () => {
    throw new Error('bad file');
  }), /bad file/);
  const r = p.report();
  const veth = r.spans.find((s) => s.name === 'action create-veth')!;
  assert.deepEqual({ count: veth.count, seconds: veth.seconds }, { count: 2, seconds: 0.75 });
  assert.deepEqual(r.spans.map((s) => s.name).sort(), ['action create-veth', 'observe', 'plan', 'validate']);
  assert.equal(r.nodeStart, 0.042);
  assert.ok(r.rssMb > 1 && r.wall > 0 && r.cpu.user >= 0);
});

test('the rendering lists phases, then action kinds slowest first, then the CPU split and RSS', () => {
  const text = renderProfile({
    nodeStart: 0.05, wall: 2, cpu: { user: 0.5, system: 0.7 }, rssMb: 80.4,
    spans: [
      { name: 'observe', count: 1, seconds: 0.1 },
      { name: 'action add-address', count: 1000, seconds: 0.2 },
      { name: 'action create-veth', count: 1000, seconds: 0.9 },
    ],
  });
  const lines = text.split('\n');
  assert.equal(lines[0], 'profile:');
  const at = (s: string) => lines.findIndex((l) => l.includes(s));
  assert.ok(at('node start-up') < at('observe') && at('observe') < at('create-veth') && at('create-veth') < at('add-address'));
  assert.match(lines[at('create-veth')]!, /1000\s+0\.900$/);
  assert.match(text, /waiting 0\.800 s/);
  assert.match(text, /peak RSS 80 MB/);
});

test('a profile with split groups says how each kind was shared and what the workers cost', () => {
  const p = new Profile();
  p.addSplit('create-veth', [520, 480]);
  p.addSplit('create-veth', [10, 5]);
  p.addWorker(0.5, { user: 0.1, system: 0.3 });
  p.noteCrew(0.12, 12);
  const text = renderProfile(p.report());
  assert.match(text, /split over 2 threads \(main\+worker\): create-veth 530\+485, 12 of the main thread's taken/);
  assert.match(text, /worker threads: ready 0\.120 s after they were started, busy 0\.500 s, CPU user 0\.10 s, system 0\.30 s/);
  assert.doesNotMatch(renderProfile(new Profile().report()), /split over/);
});
