// The nsnet command line against the kernel: the seed walkthrough typed as commands, what it
// prints compared with what iproute2 prints for the same objects, and its error lines.
import { haveCommand, isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const bin = join(root, 'bin', 'nsnet.js');
const skip = kernelSkip ?? (haveCommand('ip') ? (haveCommand('ping') ? undefined : 'ping is not installed') : 'iproute2 (ip) is not installed');

// Names unique to this file.
const NS = 'ct-blue';
const V0 = 'ct-veth0';
const V1 = 'ct-veth1';

function nsnet(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NSNET_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
/** Run nsnet and require success. */
function ok(...args: string[]): string {
  const r = nsnet(...args);
  assert.equal(r.code, 0, `nsnet ${args.join(' ')} exited ${r.code}: ${r.err}`);
  assert.equal(r.err, '', `nsnet ${args.join(' ')} wrote to stderr`);
  return r.out;
}
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

function cleanup(): void {
  nsnet('netns', 'del', NS); // takes ct-veth1, and with it ct-veth0
  for (const dev of [V0, 'ct-va', 'ct-br0']) nsnet('link', 'del', dev);
}

test('the seed walkthrough as nsnet commands: blue pings the host', { skip }, async (t) => {
  t.after(cleanup);
  ok('netns', 'add', NS);
  ok('link', 'add', V0, 'type', 'veth', 'peer', 'name', V1);
  ok('link', 'set', V1, 'netns', NS);
  ok('-n', NS, 'link', 'set', V1, 'up');
  ok('-n', NS, 'addr', 'add', '10.1.1.2/24', 'dev', V1);
  ok('addr', 'add', '10.1.1.1/24', 'dev', V0);
  ok('link', 'set', V0, 'up');
  ok('-n', NS, 'route', 'add', 'default', 'via', '10.1.1.1');

  const ping = nsnet('netns', 'exec', NS, 'ping', '-c1', '-W2', '10.1.1.1');
  assert.equal(ping.code, 0, `ping from ${NS}: ${ping.out}${ping.err}`);
  assert.match(ping.out, /1 received/);

  // iproute2 sees the namespace nsnet made, and nsnet lists it as ip does.
  assert.match(ip('netns', 'list'), new RegExp(`^${NS}\\b`, 'm'));
  const list = JSON.parse(ok('-j', 'netns', 'list')) as Array<{ name: string; id?: number }>;
  assert.deepEqual(list.map((n) => n.name), [NS]);
  assert.match(ok('netns', 'list'), new RegExp(`^${NS}( \\(id: \\d+\\))?$`, 'm'));

  // The routes in blue: the same JSON as ip -j route, and the same text as ip route.
  assert.deepEqual(JSON.parse(ok('-n', NS, '-j', 'route')), JSON.parse(ip('-n', NS, '-j', 'route')));
  const trimLines = (s: string): string => s.split('\n').map((l) => l.trimEnd()).join('\n');
  assert.equal(ok('-n', NS, 'route', 'show'), trimLines(ip('-n', NS, 'route', 'show')));
  assert.match(ok('-n', NS, 'r'), new RegExp(`^default via 10\\.1\\.1\\.1 dev ${V1}$`, 'm'));

  // Addresses in blue: the fields ip -j addr prints, lifetimes aside.
  type IpAddr = { ifindex: number; ifname: string; addr_info: Array<Record<string, unknown>> };
  const strip = (x: IpAddr[]) => x.map((l) => ({
    ifindex: l.ifindex, ifname: l.ifname,
    addr_info: l.addr_info.filter((a) => a.family === 'inet').map(({ valid_life_time: _v, preferred_life_time: _p, ...a }) => a),
  }));
  assert.deepEqual(strip(JSON.parse(ok('-n', NS, '-j', 'addr', 'show')) as IpAddr[]), strip(JSON.parse(ip('-n', NS, '-j', 'addr', 'show')) as IpAddr[]));
  assert.match(ok('-n', NS, 'a', 's', 'dev', V1), /^ {4}inet 10\.1\.1\.2\/24 scope global ct-veth1$/m);
});

test('nsnet -j link show matches ip -j link show (veth across namespaces, bridge ports)', { skip }, async (t) => {
  t.after(cleanup);
  ok('netns', 'add', NS);
  ok('link', 'add', V0, 'type', 'veth', 'peer', 'name', V1, 'netns', NS);
  ok('link', 'add', 'ct-br0', 'type', 'bridge', 'up');
  ok('link', 'add', 'ct-va', 'mtu', '1400', 'type', 'veth', 'peer', 'ct-vb');
  ok('link', 'set', 'ct-va', 'master', 'ct-br0', 'up', 'alias', 'port a');
  ok('link', 'property', 'add', 'dev', 'ct-va', 'altname', 'ct-a-long-alternative-name');

  const fields = ['ifindex', 'ifname', 'flags', 'mtu', 'qdisc', 'linkmode', 'group', 'txqlen', 'address', 'master', 'operstate', 'link_index', 'link', 'link_netnsid', 'altnames', 'ifalias', 'link_type', 'broadcast'];
  const pick = (l: Record<string, unknown>) => Object.fromEntries(fields.filter((f) => f in l).map((f) => [f, l[f]]));
  // Operstate settles asynchronously (linkwatch: a new bridge goes UNKNOWN → DOWN): compare a
  // reading of ours taken while ip's readings before and after it agree.
  const list = (read: (...a: string[]) => string, ns: string[]) => (JSON.parse(read(...ns, '-j', 'link', 'show')) as Array<Record<string, unknown>>).map(pick);
  for (const ns of [[], ['-n', NS]]) {
    let ours: unknown;
    let theirs: unknown;
    for (let i = 0; i < 40; i++) {
      const before = list(ip, ns);
      ours = list(ok, ns);
      theirs = list(ip, ns);
      if (JSON.stringify(before) === JSON.stringify(theirs)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(ours, theirs, `links in ${ns.length ? NS : 'the sandbox'}`);
  }
  const va = (JSON.parse(ok('-j', 'link', 'show', 'ct-va')) as Array<Record<string, unknown>>)[0]!;
  assert.equal(va.master, 'ct-br0');
  assert.equal(va.mtu, 1400);
  assert.equal('linkinfo' in va, false, 'no linkinfo without -d, as ip');
  assert.deepEqual((JSON.parse(ok('-j', '-d', 'link', 'show', 'ct-va')) as Array<Record<string, unknown>>)[0]!.linkinfo, { info_kind: 'veth' });

  // Text: the peer across namespaces and the bridge port, exactly as ip prints them.
  const text = ok('link', 'show', 'dev', V0);
  assert.equal(text, ip('link', 'show', 'dev', V0));
  assert.match(text, new RegExp(`^\\d+: ${V0}@if\\d+: <[A-Z_,-]+> mtu 1500 qdisc \\w+ state \\w+ mode DEFAULT group default`, 'm'));
  assert.match(text, new RegExp(`link/ether [0-9a-f:]{17} brd ff:ff:ff:ff:ff:ff link-netns ${NS}$`, 'm'));
  const port = ok('l', 'sh', 'ct-a-long-alternative-name');
  assert.equal(port, ip('link', 'show', 'dev', 'ct-va'));
  assert.match(port, /^\d+: ct-va@ct-vb: <[A-Z_,-]+> mtu 1400 qdisc \w+ master ct-br0 state /m);
  assert.match(port, /^ {4}alias port a$/m);
  assert.match(port, /^ {4}altname ct-a-long-alternative-name$/m);

  // link set name/nomaster/down, then delete: the kernel agrees at each step.
  ok('link', 'set', 'ct-va', 'nomaster', 'down');
  assert.equal((JSON.parse(ip('-j', 'link', 'show', 'ct-va')) as Array<{ master?: string }>)[0]!.master, undefined);
  ok('link', 'del', 'ct-va');
  assert.equal(spawnSync('ip', ['link', 'show', 'ct-vb']).status !== 0, true, 'the peer went with it');
});

test('errors: one line naming the object, exit 1', { skip }, async (t) => {
  t.after(cleanup);
  ok('link', 'add', V0, 'type', 'veth', 'peer', 'name', V1);

  const dup = nsnet('link', 'add', V0, 'type', 'veth', 'peer', 'name', 'ct-other');
  assert.equal(dup.code, 1);
  assert.equal(dup.err.split('\n').length, 2, `one line: ${dup.err}`);
  assert.match(dup.err, new RegExp(`^nsnet: .*${V0}.*(exists|EEXIST)`));
  assert.doesNotMatch(dup.err, /\bat \w+ \(/, 'no stack trace');

  const long = nsnet('link', 'add', 'ct-sixteen-bytes', 'type', 'veth', 'peer', 'name', 'ct-p');
  assert.equal(Buffer.byteLength('ct-sixteen-bytes'), 16);
  assert.equal(long.code, 1);
  assert.match(long.err, /^nsnet: invalid link name "ct-sixteen-bytes": it is 16 bytes long \(at most 15 bytes\); choose a name of at most 15 bytes and keep the long one as an altname\n?$/);
  assert.equal(spawnSync('ip', ['link', 'show', 'ct-p']).status !== 0, true, 'nothing was made');

  const nons = nsnet('-n', 'ct-nosuch', 'link', 'list');
  assert.equal(nons.code, 1);
  assert.match(nons.err, /^nsnet: namespace ct-nosuch does not exist/);
  assert.equal(nons.err.split('\n').length, 2);

  const nodev = nsnet('link', 'set', 'ct-missing', 'up');
  assert.equal(nodev.code, 1);
  assert.match(nodev.err, /^nsnet: .*ct-missing.*does not exist/);
});

test('netns exec returns the command\'s status; sysctl get/set in a namespace', { skip }, async (t) => {
  t.after(cleanup);
  ok('netns', 'add', NS);
  assert.equal(nsnet('netns', 'exec', NS, 'sh', '-c', 'exit 7').code, 7);
  // The command runs in the namespace: it sees only lo.
  assert.equal(ok('netns', 'exec', NS, 'ip', '-o', 'link', 'show').trim().split('\n').length, 1);
  ok('-n', NS, 'sysctl', 'set', 'net.ipv4.ip_forward', '1');
  assert.equal(ok('-n', NS, 'sysctl', 'get', 'net.ipv4.ip_forward'), '1\n');
  assert.equal(ip('netns', 'exec', NS, 'cat', '/proc/sys/net/ipv4/ip_forward').trim(), '1');
  assert.deepEqual(JSON.parse(ok('-n', NS, '-j', 'sysctl', 'get', 'net.ipv4.ip_forward')), { key: 'net.ipv4.ip_forward', value: '1' });
  const bad = nsnet('-n', NS, 'sysctl', 'get', 'kernel.hostname');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^nsnet: invalid sysctl key "kernel\.hostname"/);
});
