import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, TopologyError } from './lab.js';
import { routerLab } from '../../test/helpers/sim.js';

test('Lab.from: an object in the file\'s shape is validated and normalized', () => {
  const lab = Lab.from({
    name: 'code',
    prefix: 'c-',
    nodes: { a: { interfaces: { eth0: { addresses: ['10.0.0.1/24'] } } }, b: { interfaces: { eth0: { addresses: ['10.0.0.2/24'] } } } },
    links: [['a:eth0', 'b:eth0']],
  });
  assert.equal(lab.name, 'code');
  assert.deepEqual(lab.spec.nodes.map((n) => n.netns), ['c-a', 'c-b']);
  assert.equal(lab.netnsOf('b'), 'c-b');
  assert.equal(lab.spec.links[0]!.kind, 'veth');
});

test('Lab.from: every problem at once, in a TopologyError; nothing else happens', () => {
  assert.throws(() => Lab.from({ name: 'Bad!', nodes: { a: { interfaces: { eth0: { addresses: ['10.0.0.1/33'] } } } }, links: [['a:eth0', 'zz:eth0']] }), (e: unknown) => {
    assert.ok(e instanceof TopologyError);
    assert.equal(e.code, 'INVALID_TOPOLOGY');
    assert.ok(e.issues.length >= 3, e.issues.map((i) => i.message).join(' | '));
    assert.ok(e.issues.some((i) => i.path[0] === 'name'));
    assert.ok(e.issues.some((i) => /zz/.test(i.message)));
    return true;
  });
});

test('Lab.from: a normalized LabSpec is used as it is (copied), its name checked', () => {
  const spec = routerLab('spec1');
  const lab = Lab.from(spec);
  assert.deepEqual(lab.spec, spec);
  assert.notEqual(lab.spec, spec);
  assert.throws(() => Lab.from({ ...spec, name: '../etc' }), /invalid lab name/);
});

test('Lab.netnsOf / node name an unknown node clearly', () => {
  const lab = Lab.from(routerLab());
  assert.throws(() => lab.netnsOf('h9'), /lab router has no node "h9".*nodes are: h1, r1, h2/);
});

test('Lab.load: a file, its absolute path kept; a broken file throws with file:line:column', async () => {
  const { fileURLToPath } = await import('node:url');
  const { join } = await import('node:path');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
  const lab = Lab.load(join(root, 'examples', 'router.yaml'));
  assert.equal(lab.name, 'router');
  assert.equal(lab.file, join(root, 'examples', 'router.yaml'));
  assert.deepEqual(lab.spec.nodes.map((n) => n.name), ['h1', 'r1', 'h2']);
  const bad = join(mkdtempSync(join(tmpdir(), 'nsnet-lab-')), 'bad.yaml');
  writeFileSync(bad, 'name: x\nnodes:\n  a: { interfaces: { eth0: { mtu: 20 } } }\n');
  assert.throws(() => Lab.load(bad), (e: unknown) => {
    assert.ok(e instanceof TopologyError);
    assert.equal(e.issues[0]!.file, bad);
    assert.equal(e.issues[0]!.line, 3);
    assert.match(e.message, /bad\.yaml:3:\d+: nodes\.a\.interfaces\.eth0\.mtu: /);
    return true;
  });
});
