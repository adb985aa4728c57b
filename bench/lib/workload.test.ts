import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { parseTopology } from '../../src/topology/index.js';
import { coreNames, hostAddr, ipBuild, ipTeardownBatch, median, ratio, starYaml, table, treeYaml } from './workload.js';

test('hostAddr numbers hosts as floor.c does, all distinct, never the /16 network or broadcast address', () => {
  assert.equal(hostAddr(1), '10.0.0.1');
  assert.equal(hostAddr(255), '10.0.0.255');
  assert.equal(hostAddr(256), '10.0.1.0');
  assert.equal(hostAddr(1000), '10.0.3.232');
  assert.equal(hostAddr(65534), '10.0.255.254');
  const seen = new Set<string>();
  for (let i = 1; i <= 65534; i++) seen.add(hostAddr(i));
  assert.equal(seen.size, 65534);
  assert.ok(!seen.has('10.0.0.0') && !seen.has('10.0.255.255'));
  assert.throws(() => hostAddr(0), RangeError);
  assert.throws(() => hostAddr(65535), RangeError);
});

test('core names fit IFNAMSIZ and keep the two sides apart', () => {
  const ip = coreNames('ib-');
  const ns = coreNames('nb-');
  assert.equal(ip.netns(7), 'ib-h7');
  assert.equal(ns.outer(65534), 'nb-v65534b');
  assert.notEqual(ip.bridge, ns.bridge);
  assert.throws(() => coreNames('a-very-long-'), /longer than 15 bytes/);
});

test('ipBuild: one batch (namespaces, bridge, veths with the peer made in its namespace), then one ip -n NS -batch - per namespace', () => {
  const names = coreNames('ib-');
  const b = ipBuild(names, 3);
  const lines = b.batch.trimEnd().split('\n');
  assert.deepEqual(lines, [
    'netns add ib-h1', 'netns add ib-h2', 'netns add ib-h3',
    'link add ib-br0 up type bridge',
    'link add ib-v1b up master ib-br0 type veth peer name ib-v1a netns ib-h1',
    'link add ib-v2b up master ib-br0 type veth peer name ib-v2a netns ib-h2',
    'link add ib-v3b up master ib-br0 type veth peer name ib-v3a netns ib-h3',
  ]);
  const script = b.script('/tmp/x y/build.batch');
  assert.match(script, /^set -e\nip -batch '\/tmp\/x y\/build.batch'\n/);
  assert.equal(script.match(/^ip -n ib-h\d+ -batch - <<'EOF'$/gm)?.length, 3);
  assert.ok(script.includes("ip -n ib-h3 -batch - <<'EOF'\naddr add 10.0.0.3/16 dev ib-v3a\nlink set ib-v3a up\nlink set lo up\nEOF\n"));
  // The script is valid bash (parsed, not run).
  const syntax = spawnSync('bash', ['-n'], { input: script });
  assert.equal(syntax.status, 0, syntax.stderr?.toString());
  assert.equal(ipTeardownBatch(names, 2), 'netns del ib-h1\nnetns del ib-h2\nlink del ib-br0\n');
});

test('starYaml: N hosts with their /16 address, one bridge, one link per host', () => {
  const doc = parse(starYaml(300)) as {
    name: string; prefix: string; ipv6?: boolean;
    nodes: Record<string, { interfaces: Record<string, { addresses: string[] }> }>;
    bridges: Record<string, object>; links: string[][];
  };
  assert.equal(doc.name, 'star');
  assert.equal(doc.prefix, 'nb-');
  assert.equal(doc.ipv6, undefined);
  assert.equal(Object.keys(doc.nodes).length, 300);
  assert.deepEqual(doc.nodes.h1, { interfaces: { eth0: { addresses: ['10.0.0.1/16'] } } });
  assert.deepEqual(doc.nodes.h300!.interfaces.eth0!.addresses, ['10.0.1.44/16']);
  assert.deepEqual(doc.bridges, { br0: {} });
  assert.equal(doc.links.length, 300);
  assert.deepEqual(doc.links[0], ['h1:eth0', 'br0']);
  assert.deepEqual(doc.links[299], ['h300:eth0', 'br0']);
  const v6 = parse(starYaml(2, { ipv6: true, prefix: '', name: 'big' })) as Record<string, unknown>;
  assert.equal(v6.ipv6, true);
  assert.equal(v6.name, 'big');
  assert.equal('prefix' in v6, false);
  assert.throws(() => starYaml(0), RangeError);
});

test('starYaml is a valid topology for nsnet: N nodes in nb-hI namespaces, one host bridge, N veth links to it', () => {
  const r = parseTopology(starYaml(300), 'star.yaml');
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues.slice(0, 3)));
  const lab = r.lab;
  assert.equal(lab.name, 'star');
  assert.equal(lab.nodes.length, 300);
  assert.equal(lab.nodes[299]!.netns, 'nb-h300');
  assert.deepEqual(lab.nodes[299]!.interfaces.map((i) => i.addresses), [['10.0.1.44/16']]);
  assert.equal(lab.bridges.length, 1);
  assert.equal(lab.bridges[0]!.node, undefined);
  assert.equal(lab.links.length, 300);
  assert.ok(lab.links.every((l) => l.kind === 'veth' && (l.a.bridge === 'br0' || l.b.bridge === 'br0')));
  // IPv6: the format's default unless asked for.
  assert.ok(lab.nodes.every((x) => x.ipv6 === false));
  const v6 = parseTopology(starYaml(2, { ipv6: true }), 'star.yaml');
  assert.ok(v6.ok && v6.lab.nodes.every((x) => x.ipv6 === true));
});

test('median, ratio and table', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
  assert.equal(ratio(1, 4), '0.25');
  assert.equal(ratio(2, 3), '0.67');
  assert.equal(ratio(undefined, 3), 'n/a');
  assert.equal(ratio(1, 0), 'n/a');
  assert.equal(table([['side', 'build_s'], ['ip-batch', '1.500'], ['nsnet', '0.250']]), 'side      build_s\nip-batch    1.500\nnsnet       0.250');
});

test('tree file: valid, every host on one leaf of at most 1023 ports, each leaf joined to the core', () => {
  const r = parseTopology(treeYaml(4000, 4), 'tree.yaml');
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues.slice(0, 3)));
  assert.equal(r.lab.nodes.length, 4000);
  assert.equal(r.lab.bridges.length, 5);
  const doc = parse(treeYaml(4000, 4)) as { links: string[][] };
  const perLeaf = new Map<string, number>();
  for (const [a, b] of doc.links) if (a!.startsWith('h')) perLeaf.set(b!, (perLeaf.get(b!) ?? 0) + 1);
  assert.deepEqual([...perLeaf.values()], [1000, 1000, 1000, 1000]);
  assert.deepEqual(doc.links.filter(([a]) => a!.startsWith('l')), [['l1', 'core'], ['l2', 'core'], ['l3', 'core'], ['l4', 'core']]);
  assert.equal(doc.links.find(([a]) => a === 'h4000:eth0')![1], 'l4');
  assert.throws(() => treeYaml(4000, 2), /at most 1024 ports/);
  assert.throws(() => treeYaml(3, 4), RangeError);
});
