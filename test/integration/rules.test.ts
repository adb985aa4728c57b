// nsnet's one-place rules against the kernel and iproute2, as properties over random input
// (the seed is printed; NSNET_SEED=N replays): interface-name validity (wire ifnameProblem)
// against `ip link add`, the canonical text of a prefix (wire/cidr.ts) against what `ip route`
// prints, and the identity of a route (topology/routekey.ts) against the kernel's EEXIST.
import { isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { canonCidr, fullLen, parseCidr, type Cidr } from '../../src/wire/cidr.js';
import { ifnameProblem } from '../../src/wire/rtnl/ifla.js';
import { prng } from '../../src/wire/rtnl/testing.js';
import { routeKey } from '../../src/topology/routekey.js';
import { parseTopology } from '../../src/topology/parse.js';

const skip = kernelSkip;
const SEED = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);
const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });
const ipj = (...args: string[]): Record<string, unknown>[] => JSON.parse(execFileSync('ip', ['-j', ...args], { encoding: 'utf8' }) || '[]');
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

test(`interface names: nsnet refuses exactly what the kernel refuses (seed ${SEED})`, { skip }, (t) => {
  t.diagnostic(`seed ${SEED} (replay: NSNET_SEED=${SEED})`);
  const rnd = prng(SEED);
  const chars = ['a', 'b', '0', '-', '_', '.', '/', ':', ' ', '\t', '\x01', 'é', 'à', '€'];
  const seen = new Set<string>();
  for (let n = 0; n < 120; n++) {
    let name = Array.from({ length: 1 + Math.floor(rnd() * 17) }, () => pick(rnd, chars)).join('');
    if (n < 2) name = n === 0 ? '.' : '..';
    if (seen.has(name)) continue;
    seen.add(name);
    const r = ip('link', 'add', 'name', name, 'type', 'bridge');
    const kernelOk = r.status === 0;
    if (kernelOk) assert.equal(ip('link', 'del', 'dev', name).status, 0);
    assert.equal(ifnameProblem(name) === undefined, kernelOk, `seed ${SEED}: ${JSON.stringify(name)}: ip says ${JSON.stringify(r.stderr.trim())}, nsnet says ${ifnameProblem(name) ?? 'fine'}`);
  }
});

function randomPrefix(rnd: () => number, family: 4 | 6): Cidr {
  const bytes = Array.from({ length: family === 4 ? 4 : 16 }, () => (rnd() < 0.4 ? 0 : Math.floor(rnd() * 256)));
  if (family === 4) bytes[0] = 1 + Math.floor(rnd() * 222); // unicast, not 0/8 or 127/8
  else bytes[0] = 0x20; // 2000::/3
  const len = 8 + Math.floor(rnd() * (fullLen(family) - 7));
  const c = parseCidr(`${family === 4 ? bytes.join('.') : bytes.reduce((s, b, i) => s + (i % 2 === 0 && i ? ':' : '') + b.toString(16).padStart(2, '0'), '')}/${len}`) as Cidr;
  return parseCidr(c.network) as Cidr;
}

test(`prefixes: the canonical text is what ip route prints (seed ${SEED})`, { skip }, (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rnd = prng(SEED + 1);
  assert.equal(ip('link', 'add', 'd0', 'type', 'bridge').status, 0);
  assert.equal(ip('link', 'set', 'd0', 'up').status, 0);
  for (const family of [4, 6] as const) {
    const want = new Set<string>();
    for (let n = 0; n < 150; n++) {
      const c = randomPrefix(rnd, family);
      if (want.has(c.cidr)) continue;
      // written the long way round (upper case, no '::'), added by ip, printed by ip
      const longForm = family === 6 ? `${c.bytes.reduce((s, b, i) => s + (i % 2 === 0 && i ? ':' : '') + b.toString(16).padStart(2, '0'), '').toUpperCase()}/${c.len}` : c.cidr;
      assert.equal(canonCidr(longForm), c.cidr);
      const r = ip(`-${family}`, 'route', 'add', longForm, 'dev', 'd0');
      assert.equal(r.status, 0, `seed ${SEED}: ip route add ${longForm}: ${r.stderr}`);
      want.add(c.cidr);
    }
    const printed = ipj(`-${family}`, 'route', 'show', 'dev', 'd0', 'proto', 'boot').map((x) => String(x.dst));
    const got = new Set(printed.map((d) => (d.includes('/') ? d : `${d}/${fullLen(family)}`)));
    assert.deepEqual([...got].sort(), [...want].sort(), `seed ${SEED}`);
  }
  // Host bits in a destination: ip refuses it, and so does the validator (and names the network).
  const bad = ip('route', 'add', '10.1.2.3/24', 'dev', 'd0');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /Invalid prefix for given prefix length/);
  assert.equal(ip('link', 'del', 'd0').status, 0);
});

test(`route identity: two routes collide in the kernel exactly when routeKey says so (seed ${SEED})`, { skip }, (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rnd = prng(SEED + 2);
  assert.equal(ip('link', 'add', 'd1', 'type', 'bridge').status, 0);
  assert.equal(ip('link', 'set', 'd1', 'up').status, 0);
  const dsts = { 4: ['10.9.0.0/16', '10.9.0.0/24', '10.9.1.7'], 6: ['fd00:1::/64', 'fd00:1:0::/64', 'FD00:1::0/64', 'fd00:2::/48'] } as const;
  let collisions = 0;
  for (let trial = 0; trial < 40; trial++) {
    const family = pick(rnd, [4, 6] as const);
    const keys = new Set<string>();
    for (let n = 0; n < 5; n++) {
      const r = { to: pick(rnd, dsts[family]), family, table: pick(rnd, [undefined, 254, 100]), metric: pick(rnd, [undefined, 0, 1, 1024, 5]) };
      const args = [`-${family}`, 'route', 'add', r.to, 'dev', 'd1'];
      if (r.table !== undefined) args.push('table', String(r.table));
      if (r.metric !== undefined) args.push('metric', String(r.metric));
      const res = ip(...args);
      const k = routeKey(r);
      const exists = keys.has(k);
      if (exists) collisions++;
      assert.equal(res.status !== 0, exists, `seed ${SEED}: ip ${args.join(' ')}: ${res.stderr.trim() || 'added'}; routeKey ${k} ${exists ? 'seen' : 'new'}`);
      if (exists) assert.match(res.stderr, /File exists/);
      keys.add(k);
    }
    for (const table of ['main', '100']) ip(`-${family}`, 'route', 'flush', 'dev', 'd1', 'table', table);
  }
  t.diagnostic(`${collisions} collisions checked`);
  assert.equal(ip('link', 'del', 'd1').status, 0);
});

test('the validator refuses a destination with host bits, as ip does', () => {
  const r = parseTopology('name: t\nnodes:\n  h1:\n    routes:\n      - { to: 10.1.2.3/24, dev: lo }\n', 'x.yaml');
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.issues.some((i) => i.code === 'BAD_ROUTE_TO' && /write 10\.1\.2\.0\/24/.test(i.message)));
});
