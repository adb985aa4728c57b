import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_N, parseArgs } from './args.js';

function ok(argv: string[]) {
  const r = parseArgs(argv);
  assert.ok(r.ok, `expected ${JSON.stringify(argv)} to parse, got: ${r.ok ? '' : r.error}`);
  return r.options;
}
function bad(argv: string[]): string {
  const r = parseArgs(argv);
  assert.ok(!r.ok, `expected ${JSON.stringify(argv)} to be refused`);
  return r.error;
}

test('defaults: 1000, one round, text output, stop at the first failure', () => {
  assert.deepEqual(ok(['core']), { workload: 'core', n: 1000, repeat: 1, json: false, keepGoing: false, ipv6: false, help: false });
  assert.equal(ok(['star']).workload, 'star');
});

test('--n, --repeat, --json, --keep-going, --ipv6 in either order and both value styles', () => {
  const o = ok(['--n', '100', 'star', '--repeat=3', '--json', '--keep-going', '--ipv6']);
  assert.deepEqual(o, { workload: 'star', n: 100, repeat: 3, json: true, keepGoing: true, ipv6: true, help: false });
  assert.equal(ok(['core', '--n=500']).n, 500);
  assert.equal(ok(['core', '-n', '7']).n, 7);
  assert.equal(ok(['core', '--n', String(MAX_N)]).n, MAX_N);
});

test('unknown words and flags are refused, naming the word', () => {
  assert.match(bad(['core', '--fast']), /unknown argument "--fast"/);
  assert.match(bad(['mesh']), /unknown argument "mesh"/);
  assert.match(bad(['core', 'star']), /one workload at a time/);
  assert.match(bad([]), /say which benchmark to run: core, star, tree, cli/);
});

test('bad numbers are refused with the allowed range', () => {
  assert.match(bad(['core', '--n']), /--n needs a value/);
  assert.match(bad(['core', '--n', '--json']), /--n needs a value/);
  assert.match(bad(['core', '--n', '0']), /--n 0 is out of range \(use 1 to 65534\)/);
  assert.match(bad(['core', '--n', String(MAX_N + 1)]), /out of range/);
  assert.match(bad(['core', '--n', '1e3']), /not a whole number/);
  assert.match(bad(['core', '--n', '-5']), /not a whole number/);
  assert.match(bad(['core', '--repeat', '2.5']), /--repeat "2.5" is not a whole number/);
  assert.match(bad(['core', '--json=yes']), /--json takes no value/);
});

test('--side runs one side only', () => {
  assert.equal(ok(['core', '--side', 'nsnet']).side, 'nsnet');
  assert.equal(ok(['star', '--side=ip']).side, 'ip');
  assert.match(bad(['core', '--side', 'both']), /--side needs ip, nsnet or floor, not "both"/);
  assert.match(bad(['core', '--side']), /--side needs ip, nsnet or floor$/);
});

test('--ipv6 belongs to star only; --help needs no workload', () => {
  assert.match(bad(['core', '--ipv6']), /--ipv6 applies to star only/);
  assert.equal(ok(['--help']).help, true);
});

test('defaults by workload: star runs 3 rounds, tree 4000 hosts, cli 20 runs of each command; explicit values win', () => {
  assert.equal(ok(['star']).repeat, 3);
  assert.equal(ok(['star']).n, 1000);
  assert.equal(ok(['tree']).n, 4000);
  assert.equal(ok(['tree']).repeat, 1);
  assert.equal(ok(['cli']).repeat, 20);
  assert.equal(ok(['star', '--repeat', '1']).repeat, 1);
  assert.equal(ok(['tree', '--n', '8']).n, 8);
  assert.match(bad(['core', '--side', 'floor']), /--side floor applies to star only/);
  assert.equal(ok(['star', '--side', 'floor']).side, 'floor');
});
