// Impairments written in the topology file, on the kernel: up makes them, a change in the file is
// applied in place (the links stay), plan is empty after up, a runtime `nsnet impair` shows as
// drift in status and up takes it back, what this kernel lacks is refused before anything
// changes, bad values are validation errors at file:line:column, and down leaves nothing.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelFeatures } from '../../src/index.js';
import { ipj, labSkip, namespaces, nsnet, ok } from '../helpers/lab.js';

const topo = (rate: string, extra = '') => `name: impf
prefix: impf-
nodes:
  a:
    interfaces:
      eth0: { addresses: [10.9.0.1/24] }
      eth1:
        addresses: [10.9.1.1/24]
        impair: { loss: 20% }
  b:
    interfaces:
      eth0: { addresses: [10.9.0.2/24] }
  c:
    interfaces:
      eth0: { addresses: [10.9.1.3/24]${extra} }
bridges:
  sw: {}
links:
  - endpoints: [a:eth0, b:eth0]
    impair: { rate: ${rate} }
  - [a:eth1, sw]
  - [c:eth0, sw]
`;

const tc = (ns: string | undefined, ...args: string[]): string => execTc(ns ? ['-n', ns, ...args] : args);
const execTc = (args: string[]): string => execFileSync('tc', args, { encoding: 'utf8' });
const ifindex = (ns: string, dev: string): number => ipj<Array<{ ifindex: number }>>('-n', ns, 'link', 'show', dev)[0]!.ifindex;
interface Status { inSync: boolean; drift: Array<{ op: string; target: string; reason: string }>; nodes: Array<{ name: string; links: Array<{ name: string; impair?: Record<string, string> }> }> }

test('impairments in the file: made by up, changed in place, drift after a runtime impair, restored by up, gone with down', { skip: labSkip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-impf-'));
  const file = join(dir, 'impf.yaml');
  writeFileSync(file, topo('10mbit'));
  t.after(() => {
    nsnet('down', file);
    rmSync(dir, { recursive: true, force: true });
  });
  ok('up', file);

  await t.test('up makes them: the link rate both ways, the interface loss as a drop at the bridge port; plan is empty', () => {
    assert.match(tc('impf-a', 'qdisc', 'show', 'dev', 'eth0'), /qdisc tbf 1: root .*rate 10Mbit/);
    assert.match(tc('impf-b', 'qdisc', 'show', 'dev', 'eth0'), /qdisc tbf 1: root .*rate 10Mbit/);
    const port = ipj<Array<{ ifname: string; master?: string }>>('link', 'show').filter((l) => l.master === 'sw');
    const far = port.find((l) => /pref 4000 bpf/.test(tc(undefined, 'filter', 'show', 'dev', l.ifname, 'ingress')));
    assert.ok(far, 'the loss of a:eth1 is dropped at the ingress of its bridge port');
    assert.match(ok('plan', file), /is up to date/);
    const st = JSON.parse(ok('status', file, '-j')) as Status;
    assert.equal(st.inSync, true);
    const a = st.nodes.find((n) => n.name === 'a')!;
    assert.deepEqual(a.links.find((l) => l.name === 'eth0')!.impair, { rate: '10Mbit', burst: '12.207Kb' });
    assert.deepEqual(a.links.find((l) => l.name === 'eth1')!.impair, { loss: '20%' });
  });

  await t.test('a change in the file is applied in place: set-impair only, the same links, then plan is empty', () => {
    const before = [ifindex('impf-a', 'eth0'), ifindex('impf-b', 'eth0')];
    writeFileSync(file, topo('20mbit'));
    const plan = ok('plan', file);
    assert.match(plan, /~ set-impair\s+impairment on link eth0 in impf-a\s+rate is 10Mbit, the file says 20mbit/);
    assert.doesNotMatch(plan, /create-veth|delete-link/);
    ok('up', file);
    assert.deepEqual([ifindex('impf-a', 'eth0'), ifindex('impf-b', 'eth0')], before);
    assert.match(tc('impf-b', 'qdisc', 'show', 'dev', 'eth0'), /rate 20Mbit/);
    assert.match(ok('plan', file), /is up to date/);
  });

  await t.test('a runtime impair is drift in status; up takes it back to the file', () => {
    ok('impair', file, 'b:eth0', 'loss', '30%');
    const r = nsnet('status', file);
    assert.equal(r.code, 1, 'status fails when the lab drifted');
    assert.match(r.out, /eth0 .* impair loss 30%/);
    assert.match(r.out, /set-impair impairment on link eth0 in impf-b: rate is not set, the file says 20mbit; loss is 30%, the file says none/);
    ok('up', file);
    const st = JSON.parse(ok('status', file, '-j')) as Status;
    assert.equal(st.inSync, true, JSON.stringify(st.drift));
    assert.deepEqual(st.nodes.find((n) => n.name === 'b')!.links.find((l) => l.name === 'eth0')!.impair, { rate: '20Mbit', burst: '24.414Kb' });
  });

  await t.test('what this kernel lacks is refused before anything changes; bad values are validation errors with file:line:column', { skip: kernelFeatures().netem && 'this kernel has netem' }, () => {
    writeFileSync(file, topo('20mbit', ', impair: { delay: 20ms }'));
    const r = nsnet('up', file);
    assert.equal(r.code, 1);
    assert.match(r.out + r.err, /link eth0 in impf-c: delay needs the kernel's netem qdisc \(CONFIG_NET_SCH_NETEM\), which this kernel lacks/);
    assert.doesNotMatch(tc('impf-c', 'qdisc', 'show', 'dev', 'eth0'), /tbf|netem/);
    writeFileSync(file, topo('fast', ', impair: { loss: 120%, jitter: 5ms }'));
    const v = nsnet('plan', file);
    assert.notEqual(v.code, 0);
    assert.match(v.err, /impf\.yaml:20:21: .*rate: "fast" is not valid; give a rate such as 10mbit/);
    assert.match(v.err, /impf\.yaml:15:57: .*loss: "120%" is not valid; give a percentage/);
    assert.match(v.err, /impf\.yaml:15:71: .*jitter needs a delay/);
    writeFileSync(file, topo('20mbit'));
  });

  await t.test('down removes them with the links: no namespace, no bridge port, nothing left in the host', () => {
    ok('down', file);
    assert.deepEqual(namespaces().filter((n) => n.startsWith('impf-')), []);
    assert.deepEqual(ipj<Array<{ ifname: string }>>('link', 'show').filter((l) => l.ifname.startsWith('sw')).map((l) => l.ifname), []);
    assert.doesNotMatch(tc(undefined, 'qdisc', 'show'), /tbf|clsact/);
  });
});
