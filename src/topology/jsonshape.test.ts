// The fast reader of the file's shape (jsonshape.ts, validate/shapes.ts) as a property: on random
// documents, valid ones and ones mutated in random places (keys dropped or added, values of the
// wrong type, out of range, undefined, odd objects), whatever it accepts zod accepts with an
// equal result in the same key order, and the validator gives exactly the same result with it
// as with zod alone. The seed is printed; NSNET_SEED=N replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { prng } from '../wire/rtnl/testing.js';
import { NO } from './jsonshape.js';
import { readPlainYaml } from './plainyaml.js';
import { checkTopology } from './validate.js';
import { JSON_PATHS, S, zodSchemas } from './validate/shapes.js';
import { buildSchemas, type Schemas } from './zodshapes.js';

const SEED = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);
const root = fileURLToPath(new URL('../../../', import.meta.url));

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const STRINGS = [
  'h1', 'h2', 'r1', 'br0', 'sw1', 'eth0', 'eth1', 'h1:eth0', 'r1:eth1', 'br0:p1', 'host:veth9', '10.0.0.1/16', '10.0.1.1/24',
  'fd00::1/64', '10.0.2.0/24', 'default', '10.0.0.254', 'net.ipv4.ip_forward', '02:00:00:00:00:01', 'bridge', 'nat', 'veth',
  'macvlan', 'vxlan', 'linux', 'ovs', 'private', 'vepa', 'lab', 'nb-', '', ' ', 'a b', 'x:y:z', '__proto__', 'constructor', 'é',
  '10mbit', '1%', 'ls -l',
];
const NUMBERS = [0, 1, 2, 10, 67, 68, 1500, 9000, 65535, 65536, 4094, 4095, -1, 1.5, -0, 4789, 16777215, 16777216, 2 ** 53, NaN, Infinity, 4294967295, 4294967296];

function scalar(rnd: () => number): unknown {
  const r = rnd();
  if (r < 0.45) return pick(rnd, STRINGS);
  if (r < 0.8) return pick(rnd, NUMBERS);
  if (r < 0.9) return rnd() < 0.5;
  return r < 0.95 ? null : undefined;
}

/** A mostly valid value of each part of the file. */
const GEN: { [K in keyof Schemas]?: (rnd: () => number) => unknown } = {
  Interface: (rnd) => pickKeys(rnd, {
    addresses: () => (rnd() < 0.1 ? null : Array.from({ length: Math.floor(rnd() * 3) }, () => pick(rnd, STRINGS.slice(9, 14)))),
    mtu: () => pick(rnd, [1500, 9000, 68, 65535]),
    mac: () => '02:00:00:00:00:01',
    vlan: () => ({ parent: 'eth0', id: pick(rnd, [1, 10, 4094]) }),
    impair: () => pickKeys(rnd, { rate: () => '10mbit', loss: () => pick(rnd, ['1%', 5]), limit: () => 1000 }),
  }),
  Route: (rnd) => pickKeys(rnd, { to: () => pick(rnd, ['default', '10.0.2.0/24']), via: () => '10.0.0.254', dev: () => 'eth0', metric: () => 100, table: () => 10 }, ['to']),
  Node: (rnd) => pickKeys(rnd, {
    interfaces: () => (rnd() < 0.1 ? null : { eth0: rnd() < 0.2 ? null : GEN.Interface!(rnd), eth1: GEN.Interface!(rnd) }),
    routes: () => [GEN.Route!(rnd)],
    sysctls: () => ({ 'net.ipv4.ip_forward': pick(rnd, [1, '1', true]) }),
    ipv6: () => rnd() < 0.5,
    exec: () => [pick(rnd, ['ls -l', ['sh', '-c', 'true']])],
  }),
  Bridge: (rnd) => pickKeys(rnd, { type: () => pick(rnd, ['linux', 'ovs']), addresses: () => ['10.0.0.1/16'], node: () => 'r1', mtu: () => 1500, stp: () => false }),
  VethPair: (rnd) => [pick(rnd, ['h1:eth0', 'h2:eth0']), pick(rnd, ['br0', 'r1:eth1'])],
  VethObject: (rnd) => pickKeys(rnd, { type: () => 'veth', endpoints: () => GEN.VethPair!(rnd), mtu: () => 1500, vlan: () => 10, trunks: () => [10, 20], failable: () => true }, ['endpoints']),
  Macvlan: (rnd) => pickKeys(rnd, { type: () => 'macvlan', endpoint: () => 'h1:eth0', parent: () => 'eth1', mode: () => pick(rnd, ['bridge', 'private']) }, ['type', 'endpoint', 'parent']),
  Vxlan: (rnd) => pickKeys(rnd, { type: () => 'vxlan', endpoint: () => 'br0', id: () => 42, remote: () => '10.0.0.2', local: () => '10.0.0.1', dev: () => 'eth0', port: () => 4789 }, ['type', 'endpoint', 'id']),
  BridgeUplink: (rnd) => pickKeys(rnd, { type: () => 'bridge', bridge: () => 'br0', interface: () => 'eth1', trunks: () => [10], force: () => true }, ['type', 'bridge', 'interface']),
  NatUplink: (rnd) => pickKeys(rnd, { type: () => 'nat', bridge: () => 'br0', out: () => 'eth0', subnets: () => ['10.0.2.0/24', { to: '10.0.3.0/24', via: '10.0.0.2' }] }, ['type', 'bridge']),
};

/** Some of the keys (always the required ones), in a random order. */
function pickKeys(rnd: () => number, gens: Record<string, () => unknown>, required: string[] = []): Record<string, unknown> {
  const keys = Object.keys(gens).filter((k) => required.includes(k) || rnd() < 0.5);
  keys.sort(() => rnd() - 0.5);
  return Object.fromEntries(keys.map((k) => [k, gens[k]!()]));
}

function topology(rnd: () => number): Record<string, unknown> {
  const n = 1 + Math.floor(rnd() * 3);
  const nodes = Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i + 1}`, rnd() < 0.1 ? null : GEN.Node!(rnd)]));
  const links = Array.from({ length: Math.floor(rnd() * 4) }, () => GEN[pick(rnd, ['VethPair', 'VethPair', 'VethObject', 'Macvlan', 'Vxlan'] as const)]!(rnd));
  return pickKeys(rnd, {
    name: () => pick(rnd, ['lab', 'Lab', 'a-b']),
    prefix: () => pick(rnd, ['', 'nb-']),
    ipv6: () => rnd() < 0.5,
    nodes: () => nodes,
    bridges: () => ({ br0: rnd() < 0.3 ? null : GEN.Bridge!(rnd) }),
    links: () => links,
    uplinks: () => [GEN[pick(rnd, ['BridgeUplink', 'NatUplink'] as const)]!(rnd)],
  }, ['name', 'nodes']);
}

/** A valid lab: hosts on a bridge or a router, in random key orders and styles. */
function validLab(rnd: () => number): Record<string, unknown> {
  const n = 1 + Math.floor(rnd() * 4);
  const nodes: Record<string, unknown> = {};
  const links: unknown[] = [];
  for (let i = 1; i <= n; i++) {
    const iface = pickKeys(rnd, { addresses: () => [`10.0.0.${i}/16`], mtu: () => 1500, mac: () => `02:00:00:00:00:0${i}` }, ['addresses']);
    nodes[`h${i}`] = pickKeys(rnd, {
      interfaces: () => ({ eth0: iface }),
      routes: () => [{ to: '10.9.0.0/16', via: '10.0.0.254' }],
      sysctls: () => ({ 'net.ipv4.ip_forward': 1 }),
      ipv6: () => false,
    }, ['interfaces']);
    links.push(rnd() < 0.7 ? [`h${i}:eth0`, 'br0'] : { endpoints: [`h${i}:eth0`, 'br0'], mtu: 1500 });
  }
  return pickKeys(rnd, { name: () => 'lab', prefix: () => 'nb-', ipv6: () => false, nodes: () => nodes, bridges: () => ({ br0: rnd() < 0.5 ? {} : { addresses: ['10.0.0.254/16'] } }), links: () => links }, ['name', 'nodes', 'bridges', 'links']);
}

/** Odd values a mutation may put anywhere. */
function oddValue(rnd: () => number): unknown {
  switch (Math.floor(rnd() * 8)) {
    case 0: return Object.create(null) as object;
    case 1: return new Uint8Array(2);
    case 2: return new Date(0);
    case 3: return [scalar(rnd)];
    case 4: return { x: scalar(rnd) };
    case 5: return Object.assign(Object.create(null) as object, { addresses: ['10.0.0.1/16'] });
    default: return scalar(rnd);
  }
}

/** Change the value in one random place (a copy; containers are walked at random). */
function mutate(rnd: () => number, v: unknown, depth = 0): unknown {
  const here = rnd() < 0.25 || depth > 6;
  if (Array.isArray(v) && v.length > 0 && !here) {
    const out = [...v] as unknown[];
    const i = Math.floor(rnd() * out.length);
    out[i] = mutate(rnd, out[i], depth + 1);
    return out;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && !here) {
    const out = { ...(v as Record<string, unknown>) };
    const k = pick(rnd, Object.keys(out));
    out[k] = mutate(rnd, out[k], depth + 1);
    return out;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && rnd() < 0.5) {
    const out = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(out);
    if (keys.length && rnd() < 0.5) delete out[pick(rnd, keys)];
    else out[pick(rnd, ['extra', 'addresses', 'mtu', 'type', '__proto__', 'endpoints', 'interfaces'])] = scalar(rnd);
    return out;
  }
  if (Array.isArray(v) && rnd() < 0.5) return rnd() < 0.5 ? v.slice(1) : [...v, scalar(rnd)];
  return oddValue(rnd);
}

const zodParse = (name: keyof Schemas, v: unknown) => (zodSchemas()[name] as z.ZodType).safeParse(v);

test('each part of the JSON Schema the fast reader reads is zod\'s rendering of that part', () => {
  const named = buildSchemas(z, true);
  for (const name of Object.keys(JSON_PATHS) as (keyof Schemas)[]) {
    const { $schema: _s, ...want } = z.toJSONSchema(named[name] as z.ZodType, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
    const { $schema: _t, ...got } = JSON_PATHS[name]()!;
    assert.deepEqual(got, want, name);
  }
});

test(`what the fast reader accepts, zod accepts with the same result (random and mutated values; seed ${SEED})`, () => {
  console.log(`seed ${SEED} (NSNET_SEED=${SEED} replays it)`);
  const rnd = prng(SEED);
  const accepted = new Map<string, number>();
  for (let k = 0; k < 6000; k++) {
    const name = pick(rnd, Object.keys(GEN)) as keyof Schemas;
    let v = GEN[name]!(rnd);
    const mutations = rnd() < 0.4 ? 0 : 1 + Math.floor(rnd() * 3);
    for (let m = 0; m < mutations; m++) v = mutate(rnd, v);
    const fast = S[name].fast(v);
    if (fast === NO) continue;
    accepted.set(name, (accepted.get(name) ?? 0) + 1);
    const r = zodParse(name, v);
    assert.ok(r.success, `${name}: the fast reader accepted what zod refuses (seed ${SEED}): ${JSON.stringify(v)}: ${r.error?.message}`);
    assert.deepEqual(fast, r.data, `${name}: ${JSON.stringify(v)} (seed ${SEED})`);
    assert.equal(JSON.stringify(fast), JSON.stringify(r.data), `${name}: key order (seed ${SEED})`);
  }
  for (const name of Object.keys(GEN)) assert.ok((accepted.get(name) ?? 0) > 50, `${name}: only ${accepted.get(name) ?? 0} values read fast`);
});

test(`the validator's result is the same with the fast reader as with zod alone (random and mutated documents; seed ${SEED})`, () => {
  const rnd = prng(SEED + 1);
  let clean = 0;
  for (let k = 0; k < 1500; k++) {
    let doc: unknown = rnd() < 0.4 ? validLab(rnd) : topology(rnd);
    const mutations = rnd() < 0.3 ? 0 : 1 + Math.floor(rnd() * 3);
    for (let m = 0; m < mutations; m++) doc = mutate(rnd, doc);
    const fast = checkTopology(doc);
    const slow = checkTopology(doc, { zodOnly: true });
    assert.deepEqual(fast, slow, `${JSON.stringify(doc)} (seed ${SEED})`);
    if (fast.lab && fast.errors.length === 0) clean++;
  }
  assert.ok(clean > 100, `only ${clean} documents were valid`);
});

test('the examples read the same with the fast reader as with zod alone', () => {
  const dir = join(root, 'examples');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
    const doc = readPlainYaml(readFileSync(join(dir, f), 'utf8'))?.value;
    if (doc === undefined) continue;
    assert.deepEqual(checkTopology(doc), checkTopology(doc, { zodOnly: true }), f);
  }
});
