// Big labs: 10,000 nodes validate, and one error near the end is reported alone, at its line.
// (How fast is a benchmark's question, not a test's: tests assert no timings.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIssue, parseTopology } from './parse.js';


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

test('10,000 nodes validate', () => {
  const text = bigLab(10000);
  const r = parseTopology(text, 'big.yaml');
  if (!r.ok) assert.fail(r.issues.slice(0, 5).map(formatIssue).join('\n'));
  assert.equal(r.lab.nodes.length, 10000);
  assert.equal(r.lab.links.length, 10000);
  assert.equal(r.lab.nodes[9999]!.netns, 'big-n9999');
  // generated port names are unique in the host namespace
  const ports = new Set(r.lab.links.map((l) => (l.kind === 'veth' ? l.b.name : '')));
  assert.equal(ports.size, 10000);
});

test('one error near the end of a 10,000-node file is reported alone, at its line', () => {
  const broken = 9990;
  const text = bigLab(10000, broken);
  const r = parseTopology(text, 'big.yaml');
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
});
