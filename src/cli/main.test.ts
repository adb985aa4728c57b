// The command line's top level: abbreviations, exit statuses, help and error lines. Only
// usage errors and help are run here (they fail or finish before any namespace is opened).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram, commandIndex, directIp, errorLine, expandObject } from './main.js';
import { prng } from '../wire/rtnl/testing.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const bin = join(root, 'bin', 'nsnet.js');
const nsnet = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NSNET_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('objects abbreviate as in ip; exact names and lab commands are kept', () => {
  assert.equal(expandObject('l'), 'link');
  assert.equal(expandObject('a'), 'address');
  assert.equal(expandObject('addr'), 'addr');
  assert.equal(expandObject('r'), 'route');
  assert.equal(expandObject('ro'), 'route');
  assert.equal(expandObject('n'), 'neighbour');
  assert.equal(expandObject('ne'), 'neighbour');
  assert.equal(expandObject('net'), 'netns');
  assert.equal(expandObject('sys'), 'sysctl');
  assert.equal(expandObject('s'), 's', 'sysctl needs three letters');
  assert.equal(expandObject('up'), 'up');
  assert.equal(expandObject('exec'), 'exec');
  assert.equal(expandObject('zzz'), 'zzz');
});

test('an ip object run without commander gets the words and options commander gives it (random command lines)', async () => {
  const seed = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);
  console.log(`seed ${seed} (NSNET_SEED=${seed} replays it)`);
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const globals = [['-n', 'blue'], ['--netns', 'link'], ['-n', '-j'], ['-j'], ['--json'], ['-p'], ['--pretty'], ['-d'], ['--details'], ['--brief'], ['-s'], ['--stats'], ['-4'], ['-6'], ['-jp'], ['--netns=x'], ['-V']];
  const objects = ['link', 'address', 'addr', 'route', 'neighbour', 'neighbor', 'neigh', 'netns', 'sysctl'];
  const words = ['show', 'dev', 'eth0', '-j', '-n', 'help', '--help', '-h', 'add', 'list', '--', '-4', 'x', '--brief'];
  let direct = 0;
  for (let k = 0; k < 400; k++) {
    const args = [...Array.from({ length: Math.floor(rnd() * 4) }, () => pick(globals)).flat(), pick(objects), ...Array.from({ length: Math.floor(rnd() * 4) }, () => pick(words))];
    const d = directIp(args, commandIndex(args));
    if (!d) continue;
    direct++;
    const seen: unknown[] = [];
    const program = await buildProgram('0', async (object, w, g) => (seen.push({ object, words: w, g }), 0));
    program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    await program.parseAsync([...args], { from: 'user' });
    assert.deepEqual(seen, [{ object: d.object, words: d.words, g: d.g }], args.join(' '));
  }
  assert.ok(direct > 40, `only ${direct} command lines were run directly`);
});

test('the command word is found after global options and their values', () => {
  assert.equal(commandIndex(['-n', 'blue', '-j', 'link', 'show']), 3);
  assert.equal(commandIndex(['--netns', 'link', 'l']), 2, 'a namespace named like an object is a value');
  assert.equal(commandIndex(['--netns=blue', 'r']), 1);
  assert.equal(commandIndex(['-j', '-6']), -1);
});

test('error lines: usage exit 2, library errors exit 1, anything else is flagged internal', () => {
  assert.deepEqual(errorLine(Object.assign(new Error('link add: x'), { name: 'UsageError' })), { line: 'nsnet: link add: x', code: 2 });
  assert.deepEqual(errorLine(Object.assign(new Error('create veth a: already exists (EEXIST)\nmore'), { name: 'KernelError' })), {
    line: 'nsnet: create veth a: already exists (EEXIST) more', code: 1,
  });
  const internal = errorLine(new TypeError('x is undefined'));
  assert.equal(internal.code, 1);
  assert.equal(internal.line, 'nsnet: internal error: x is undefined (set NSNET_DEBUG=1 for details)');
});

test('--help lists objects and lab commands and exits 0; --version prints the package version', () => {
  const h = nsnet('--help');
  assert.equal(h.code, 0);
  for (const word of ['link', 'address', 'route', 'neighbour', 'netns', 'sysctl', 'plan', 'up', 'down', 'status', 'labs', 'exec', 'graph', 'schema']) {
    assert.match(h.out, new RegExp(`^\\s+${word}\\b`, 'm'), `help mentions ${word}`);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const v = nsnet('--version');
  assert.equal(v.code, 0);
  assert.equal(v.out.trim(), pkg.version);
});

test('object help: "link help", "l --help", "help route"', () => {
  for (const args of [['link', 'help'], ['l', '--help'], ['help', 'link']]) {
    const r = nsnet(...args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.out, /^Usage: nsnet \[-n NS\] link add/);
  }
  const r = nsnet('help', 'route');
  assert.match(r.out, /route add\|replace\|del/);
  const bad = nsnet('help', 'frob');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^nsnet: help: unknown object or command "frob" \(objects: link, addr, route, neigh, netns, sysctl; commands: plan, up, down, status, labs, exec, /);
});

test('usage errors: one line on stderr, exit 2, no stack', () => {
  const r = nsnet('link', 'add', 'veth0', 'foo');
  assert.equal(r.code, 2);
  assert.equal(r.err, 'nsnet: link add: unknown argument "foo" (expected one of: name, type, link, mtu, address, netns, master, alias, txqueuelen, up)\n');
  assert.equal(r.out, '');
  const abbrev = nsnet('-n', 'blue', 'r', 'a', 'default', 'via', 'nowhere');
  assert.equal(abbrev.code, 2);
  assert.equal(abbrev.err, 'nsnet: route add: invalid via "nowhere" (expected an IPv4 or IPv6 address)\n');
  const opt = nsnet('-x', 'link');
  assert.equal(opt.code, 2);
  assert.equal(opt.err, "nsnet: unknown option '-x'\n");
  const both = nsnet('-4', '-6', 'route');
  assert.equal(both.code, 2);
  assert.equal(both.err, 'nsnet: give -4 or -6, not both\n');
  const cmd = nsnet('frobnicate');
  assert.equal(cmd.code, 2);
  assert.match(cmd.err, /^nsnet: unknown command 'frobnicate'/);
});

test('bin/nsnet.js says how to build when dist/ is missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-bin-'));
  try {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(bin, join(dir, 'bin', 'nsnet.js'));
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'nsnet.js'), '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^nsnet: .*dist\/bundle\/nsnet\.js is missing; build it first with: npm run build\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
