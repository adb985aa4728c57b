import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { TopologySchema, topologyJsonSchema, type TopologyInput } from './schema.js';
import { validateTopology } from './parse.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('the committed schema/topology.schema.json is what the code generates', () => {
  const committed = readFileSync(`${root}schema/topology.schema.json`, 'utf8');
  const generated = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
  assert.ok(committed === generated, 'schema/topology.schema.json is out of date: run `npx tsc -p . && node scripts/gen-schema.mjs` and commit it');
});

test('the JSON Schema is draft-07, strict, documented', () => {
  const s = topologyJsonSchema() as Record<string, any>;
  assert.equal(s.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(s.additionalProperties, false);
  assert.deepEqual(s.required, ['name']);
  assert.match(s.properties.ipv6.description, /disable_ipv6=1/);
  assert.match(s.properties.ipv6.description, /else false/);
  assert.equal(s.properties.name.pattern, '^[a-z0-9][a-z0-9_-]{0,23}$');
  const node = s.properties.nodes.anyOf[0].additionalProperties.anyOf[0];
  assert.equal(node.additionalProperties, false);
  assert.match(node.properties.ipv6.description, /its own `ipv6`/);
  const mtu = node.properties.interfaces.anyOf[0].additionalProperties.anyOf[0].properties.mtu;
  assert.deepEqual([mtu.type, mtu.minimum, mtu.maximum], ['integer', 68, 65535]);
});

test('TopologySchema accepts the examples and rejects bad names', () => {
  for (const f of ['seed.yaml', 'router.yaml', 'leaf-spine.yaml']) {
    const doc = parse(readFileSync(`${root}examples/${f}`, 'utf8'));
    const r = TopologySchema.safeParse(doc);
    assert.ok(r.success, `${f}: ${r.error?.message}`);
  }
  assert.equal(TopologySchema.safeParse({ name: 't', nodes: { '../x': {} } }).success, false);
  assert.equal(TopologySchema.safeParse({ name: 'T' }).success, false);
  assert.equal(TopologySchema.safeParse({ name: 't', extra: 1 }).success, false);
});

test('TopologyInput types a lab written in code', () => {
  const input: TopologyInput = {
    name: 'code',
    nodes: { h1: { interfaces: { eth0: { addresses: ['10.0.0.1/24'] } } }, h2: null },
    links: [['h1:eth0', 'h2:eth0'], { type: 'vxlan', endpoint: 'h2:vx0', id: 7, remote: '192.0.2.1' }],
  };
  const r = validateTopology(input);
  assert.ok(r.ok);
  if (r.ok) {
    assert.deepEqual(r.lab.links.map((l) => l.id), ['h1:eth0--h2:eth0', 'vxlan:h2:vx0']);
    const vx = r.lab.links[1]!;
    assert.ok(vx.kind === 'vxlan' && vx.port === 4789 && vx.vni === 7);
  }
});
