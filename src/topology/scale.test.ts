// Big labs validate in linear time: 10,000 nodes, one error near the end, reported at its line.
// Time limits are generous (a shared 2-CPU machine running other suites); an uncontended run of
// a 10,000-node file takes about one second, most of it in the YAML parser. The scaling test
// catches quadratic loops however loaded the machine is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIssue, parseTopology } from './parse.js';
import { readYaml } from './source.js';
import { checkTopology } from './validate.js';

const LIMIT_MS = 8000;

/** 10,000 hosts on 100 bridges of 100 hosts each (10.B.H.x/24), each with a default route. */
function bigLab(n: number, broken?: number): string {
  const lines = ['name: big', 'prefix: big-', 'nodes:'];
  for (let i = 0; i < n; i++) {
    const b = Math.floor(i / 100);
    const h = (i % 100) + 10;
    const via = i === broken ? `10.${200 + (b % 50)}.9.1` : `10.${200 + (b % 50)}.${Math.floor(b / 50)}.1`;
    lines.push(
      `  n${i}:`,
      '    interfaces:',
      `      eth0: { addresses: [10.${200 + (b % 50)}.${Math.floor(b / 50)}.${h}/24] }`,
      '    routes:',
      `      - { to: default, via: ${via} }`,
    );
  }
  lines.push('bridges:');
  for (let b = 0; b < n / 100; b++) lines.push(`  br${b}: { addresses: [10.${200 + (b % 50)}.${Math.floor(b / 50)}.1/24] }`);
  lines.push('links:');
  for (let i = 0; i < n; i++) lines.push(`  - [n${i}:eth0, br${Math.floor(i / 100)}]`);
  return `${lines.join('\n')}\n`;
}

test('10,000 nodes validate quickly', () => {
  const text = bigLab(10000);
  const t0 = performance.now();
  const r = parseTopology(text, 'big.yaml');
  const ms = performance.now() - t0;
  if (!r.ok) assert.fail(r.issues.slice(0, 5).map(formatIssue).join('\n'));
  assert.equal(r.lab.nodes.length, 10000);
  assert.equal(r.lab.links.length, 10000);
  assert.equal(r.lab.nodes[9999]!.netns, 'big-n9999');
  // generated port names are unique in the host namespace
  const ports = new Set(r.lab.links.map((l) => (l.kind === 'veth' ? l.b.name : '')));
  assert.equal(ports.size, 10000);
  assert.ok(ms < LIMIT_MS, `took ${ms.toFixed(0)} ms`);
});

test('one error near the end of a 10,000-node file is reported alone, at its line', () => {
  const broken = 9990;
  const text = bigLab(10000, broken);
  const t0 = performance.now();
  const r = parseTopology(text, 'big.yaml');
  const ms = performance.now() - t0;
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.issues.length, 1, r.issues.slice(0, 5).map(formatIssue).join('\n'));
  const i = r.issues[0]!;
  const lines = text.split('\n');
  const line = lines.indexOf(`  n${broken}:`) + 5; // the "- { to: default, via: ... }" line
  assert.match(lines[line - 1]!, /via: 10\.\d+\.9\.1/);
  assert.equal(i.code, 'UNREACHABLE_GATEWAY');
  assert.deepEqual(i.path, ['nodes', `n${broken}`, 'routes', 0, 'via']);
  assert.equal(i.line, line);
  assert.equal(i.column, lines[line - 1]!.indexOf('10.') + 1);
  assert.ok(ms < LIMIT_MS, `took ${ms.toFixed(0)} ms`);
});

test('validation time grows linearly with the number of nodes', () => {
  const best = (n: number, runs: number) => {
    const value = readYaml(bigLab(n)).value;
    let min = Infinity;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = checkTopology(value);
      min = Math.min(min, performance.now() - t0);
      assert.equal(r.errors.length, 0);
    }
    return min;
  };
  best(1000, 1); // warm up
  const small = best(2500, 3);
  const large = best(10000, 2);
  // linear: about 4x; quadratic: about 16x
  assert.ok(large / small < 9, `2,500 nodes: ${small.toFixed(0)} ms, 10,000 nodes: ${large.toFixed(0)} ms`);
});
