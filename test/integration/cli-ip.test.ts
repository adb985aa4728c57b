// The nsnet command line where iproute2 has the same command, compared with what ip itself
// prints: kind data under -d, netns ids seen from another namespace, the peer's namespace.
import { isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ip, labSkip, nsnet, ok } from '../helpers/lab.js';
import { hostNetns, NsnetError, openNetns } from '../../src/index.js';

const skip = labSkip;
type Link = { ifname: string; linkinfo?: { info_kind: string; info_data?: Record<string, unknown> } };
const links = (out: string): Link[] => JSON.parse(out) as Link[];

test('-j -d link show: kind data under ip\'s names and values (bridge, veth, vxlan, macvlan); no linkinfo without -d', { skip }, () => {
  ip('link', 'add', 'k-br', 'type', 'bridge', 'stp_state', '1', 'forward_delay', '400', 'mcast_snooping', '0');
  ok('link', 'add', 'k-v0', 'type', 'veth', 'peer', 'name', 'k-v1');
  ok('link', 'add', 'k-vx', 'type', 'vxlan', 'id', '42', 'remote', '10.9.9.9', 'local', '10.9.9.1', 'dstport', '4789', 'dev', 'k-v0', 'ttl', '5', 'nolearning');
  ok('link', 'add', 'k-mv', 'link', 'k-v0', 'type', 'macvlan', 'mode', 'bridge');

  const theirs = new Map(links(ip('-j', '-d', 'link', 'show')).map((l) => [l.ifname, l]));
  const ours = links(ok('-j', '-d', 'link', 'show')).filter((l) => l.ifname.startsWith('k-'));
  assert.deepEqual(ours.map((l) => l.linkinfo?.info_kind).sort(), ['bridge', 'macvlan', 'veth', 'veth', 'vxlan']);
  for (const l of ours) {
    const their = theirs.get(l.ifname)!.linkinfo!;
    assert.equal(l.linkinfo!.info_kind, their.info_kind);
    // Every field nsnet prints is one ip prints, with ip's value.
    for (const [k, v] of Object.entries(l.linkinfo!.info_data ?? {})) assert.deepEqual(v, their.info_data?.[k], `${l.ifname} ${k}`);
  }
  const br = ours.find((l) => l.ifname === 'k-br')!.linkinfo!.info_data!;
  for (const k of ['forward_delay', 'hello_time', 'max_age', 'ageing_time', 'stp_state', 'priority', 'vlan_filtering', 'mcast_snooping']) assert.ok(k in br, `bridge ${k}`);
  assert.deepEqual([br.forward_delay, br.stp_state, br.mcast_snooping], [400, 1, 0]);
  const vx = ours.find((l) => l.ifname === 'k-vx')!.linkinfo!.info_data!;
  for (const k of ['id', 'remote', 'local', 'link', 'port', 'learning', 'ttl']) assert.ok(k in vx, `vxlan ${k}`);
  assert.deepEqual(ours.find((l) => l.ifname === 'k-mv')!.linkinfo!.info_data, { mode: 'bridge' });

  // Without -d neither prints linkinfo.
  assert.deepEqual(links(ok('-j', 'link', 'show')).filter((l) => l.linkinfo), []);
  assert.deepEqual(links(ip('-j', 'link', 'show')).filter((l) => l.linkinfo), []);
  // The text of -d: the kind line's words as ip's, up to where ip goes on with what nsnet does not read.
  const kindLine = (s: string): string => s.split('\n').find((x) => /^ {4}vxlan /.test(x))!;
  assert.ok(kindLine(ip('-d', 'link', 'show', 'k-vx')).startsWith(kindLine(ok('-d', 'link', 'show', 'k-vx'))));
  for (const d of ['k-vx', 'k-mv', 'k-v0', 'k-br']) ip('link', 'del', d);
});

test('-n NS netns list shows ids as NS numbers them; a peer in an unnamed namespace prints link-netnsid, as ip', { skip }, () => {
  ok('netns', 'add', 'k-blue');
  ok('netns', 'add', 'k-red');
  ok('link', 'add', 'k-h', 'type', 'veth', 'peer', 'name', 'k-b', 'netns', 'k-blue');
  ok('-n', 'k-blue', 'link', 'add', 'k-x', 'type', 'veth', 'peer', 'name', 'k-y', 'netns', 'k-red');
  // (ip lists in directory order, nsnet by name: compared as sets.)
  const lines = (s: string): string[] => s.split('\n').filter(Boolean).sort();
  const byName = (s: string): unknown[] => (JSON.parse(s) as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name));
  for (const ns of [[], ['-n', 'k-blue'], ['-n', 'k-red']]) {
    assert.deepEqual(lines(ok(...ns, 'netns', 'list')), lines(ip(...ns, 'netns', 'list')), `netns list ${ns.join(' ')}`);
    assert.deepEqual(byName(ok(...ns, '-j', 'netns', 'list')), byName(ip(...ns, '-j', 'netns', 'list')));
  }
  const fromBlue = lines(ok('-n', 'k-blue', 'netns', 'list'));
  assert.equal(fromBlue[0], 'k-blue', 'blue has no id for itself');
  assert.match(fromBlue[1]!, /^k-red \(id: \d+\)$/, 'red has the id blue gave it');
  // Seen from blue: the host end's namespace has no name (link-netnsid 0), red's has one.
  for (const [ns, dev] of [['k-blue', 'k-b'], ['k-blue', 'k-x'], ['k-red', 'k-y']] as const) {
    assert.equal(ok('-n', ns, 'link', 'show', dev), ip('-n', ns, 'link', 'show', dev), `${ns} ${dev}`);
  }
  assert.match(ok('-n', 'k-blue', 'link', 'show', 'k-b'), /link-netnsid \d+$/m);
  assert.match(ok('link', 'show', 'k-h'), /link-netns k-blue$/m);
  ok('netns', 'del', 'k-blue', 'k-red');
});

test('netns del A B C: as ip, each one tried, each failure one line, exit 1 if any failed', { skip }, () => {
  ip('netns', 'add', 'k-d1');
  ok('netns', 'add', 'k-d2');
  const r = nsnet('netns', 'del', 'k-d1', 'k-dmissing', 'k-d2', 'bad/name');
  assert.equal(r.code, 1, r.err);
  assert.equal(r.out, '');
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 2, r.err);
  assert.match(lines[0]!, /^nsnet: namespace k-dmissing does not exist; nsnet netns list shows the namespaces there are$/);
  assert.match(lines[1]!, /^nsnet: invalid namespace name "bad\/name": /);
  assert.doesNotMatch(ip('netns', 'list'), /^k-d[12]\b/m, 'the others are deleted');
  const one = nsnet('netns', 'del', 'k-dmissing');
  assert.equal(one.code, 1);
  assert.match(one.err, /^nsnet: namespace k-dmissing does not exist/);
});

test('errors end with what to do, in the caller\'s words: nsnet commands from the CLI, library calls from the library', { skip }, async () => {
  ok('link', 'add', 'k-e0', 'type', 'veth', 'peer', 'name', 'k-e1');
  ok('addr', 'add', '10.7.0.1/24', 'dev', 'k-e0');
  const cases: Array<[string[], RegExp]> = [
    [['addr', 'add', '10.7.0.1/24', 'dev', 'k-e0'], /^nsnet: add address 10\.7\.0\.1\/24 on link k-e0: .*\(EEXIST\); the link has it already: delete it first \(nsnet addr del 10\.7\.0\.1\/24 dev k-e0\) or change it with nsnet addr replace$/],
    [['route', 'add', '10.5.0.0/16', 'via', '10.9.9.9'], /^nsnet: add route 10\.5\.0\.0\/16 via 10\.9\.9\.9 .*\(ENETUNREACH\); the gateway is on no subnet of a link here that is up: .*nsnet addr add CIDR dev DEV.*nsnet link set DEV up/],
    [['route', 'del', '10.6.0.0/16'], /^nsnet: delete route 10\.6\.0\.0\/16 .*\(ESRCH\); there is no such route: nsnet route show lists the routes there are$/],
    [['link', 'set', 'k-nosuch', 'up'], /^nsnet: link k-nosuch does not exist; nsnet link show lists the links there are$/],
    [['-n', 'k-nons', 'link', 'show'], /^nsnet: namespace k-nons does not exist; create it with nsnet netns add k-nons$/],
    [['route', 'add', '10.8.0.0/16', 'dev', 'k-e1'], /^nsnet: add route 10\.8\.0\.0\/16 dev k-e1 .*\(ENETDOWN\); bring the link up first \(nsnet link set k-e1 up\)$/],
    [['link', 'add', 'k-e0', 'type', 'bridge'], /^nsnet: create bridge k-e0: .*\(EEXIST\); a link of that name is there already: choose another name, or delete it first \(nsnet link del k-e0\)$/],
    [['link', 'set', 'k-e0', 'name', 'bad/name'], /^nsnet: invalid new link name "bad\/name": it contains '\/'; choose a name of 1 to 15 bytes without '\/', ':' or white space$/],
  ];
  for (const [args, re] of cases) {
    const r = nsnet(...args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.err.split('\n').length, 2, `one line: ${r.err}`);
    assert.match(r.err.trim(), re);
  }
  // ip refuses the same, with the kernel's own words (nsnet keeps them and adds what to do).
  assert.match(spawnSync('ip', ['route', 'add', '10.5.0.0/16', 'via', '10.9.9.9'], { encoding: 'utf8' }).stderr, /invalid gateway|unreachable/i);

  // The library: the same refusals name library calls, never an nsnet command.
  const host = hostNetns();
  const libErr = async (p: Promise<unknown>): Promise<NsnetError> => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof NsnetError);
      return e;
    }
    throw new Error('no error');
  };
  const lib = [
    await libErr(host.addr.add('k-e0', '10.7.0.1/24')),
    await libErr(host.route.add({ to: '10.5.0.0/16', via: '10.9.9.9' })),
    await libErr(host.route.del({ to: '10.6.0.0/16' })),
    await libErr(host.link.set('k-nosuch', { up: true })),
    await libErr(openNetns('k-nons')),
    await libErr(host.route.add({ to: '10.8.0.0/16', dev: 'k-e1' })),
    await libErr(host.link.add({ kind: 'bridge', name: 'k-e0' })),
  ];
  assert.deepEqual(lib.map((e) => e.code), ['EEXIST', 'ENETUNREACH', 'ESRCH', 'ENODEV', 'ENOENT', 'ENETDOWN', 'EEXIST']);
  for (const e of lib) {
    assert.doesNotMatch(e.message, /nsnet /, `library message names a command: ${e.message}`);
    assert.ok(e.hint, `a hint: ${e.message}`);
  }
  assert.match(lib[0]!.message, /addr\.del/);
  assert.match(lib[2]!.message, /route\.list\(\)/);
  assert.match(lib[4]!.message, /netns\.add\('k-nons'\)/);
  assert.match(lib[5]!.message, /; bring the link up first \(link\.set\('k-e1', \{ up: true \}\)\)$/);
  assert.match(lib[6]!.message, /; a link of that name is there already: choose another name, or delete it first \(link\.del\('k-e0'\)\)$/);
  ok('link', 'del', 'k-e0');
});

test('link add NAME type veth without a peer: the kernel names the peer, as with ip', { skip }, () => {
  ok('netns', 'add', 'k-peerless');
  ok('-n', 'k-peerless', 'link', 'add', 'k-solo', 'type', 'veth');
  ip('-n', 'k-peerless', 'link', 'add', 'k-ipsolo', 'type', 'veth');
  const names = links(ok('-n', 'k-peerless', '-j', 'link', 'show')).map((l) => l.ifname).sort();
  assert.deepEqual(names, ['k-ipsolo', 'k-solo', 'lo', 'veth0', 'veth1'], 'each veth got a kernel-named peer');
  assert.match(ok('-n', 'k-peerless', 'link', 'show', 'k-solo'), /^\d+: k-solo@veth0: /);
  ok('netns', 'del', 'k-peerless');
});

test('-br link show and -br addr show (text and -j) as ip prints them', { skip }, () => {
  ok('netns', 'add', 'k-br1');
  ok('netns', 'add', 'k-br2');
  ok('-n', 'k-br1', 'link', 'add', 'k-a', 'type', 'veth', 'peer', 'name', 'k-b');
  ok('-n', 'k-br1', 'link', 'add', 'k-c', 'type', 'veth', 'peer', 'name', 'k-d', 'netns', 'k-br2');
  ok('-n', 'k-br1', 'addr', 'add', '10.8.0.1/24', 'dev', 'k-a');
  ok('-n', 'k-br1', 'addr', 'add', 'fd00:8::1/64', 'dev', 'k-c', 'nodad');
  for (const args of [['-br', 'link', 'show'], ['-br', 'addr', 'show'], ['-br', '-4', 'addr', 'show'], ['-j', '-br', 'link', 'show'], ['-j', '-br', 'addr', 'show']]) {
    const theirs = ip('-n', 'k-br1', ...args);
    const ours = ok('-n', 'k-br1', ...args);
    if (args[0] === '-j') assert.deepEqual(JSON.parse(ours), JSON.parse(theirs), args.join(' '));
    else assert.equal(ours, theirs, args.join(' '));
  }
  assert.match(ok('-n', 'k-br1', '-br', 'link'), /^k-c@if\d+ +DOWN +[0-9a-f:]{17} <BROADCAST,MULTICAST> $/m);
  ok('netns', 'del', 'k-br1', 'k-br2');
});

test('-s and -s -s link show and addr show (text and -j): the counters as ip prints them, after traffic', { skip }, async () => {
  ok('netns', 'add', 'k-st');
  // No IPv6: no router solicitations or DAD, so the counters stay still once the pings are done.
  ok('-n', 'k-st', 'sysctl', 'set', 'net.ipv6.conf.default.disable_ipv6', '1');
  ok('-n', 'k-st', 'sysctl', 'set', 'net.ipv6.conf.all.disable_ipv6', '1');
  ok('-n', 'k-st', 'link', 'add', 'k-s0', 'type', 'veth', 'peer', 'name', 'k-s1');
  ok('-n', 'k-st', 'addr', 'add', '10.9.1.1/24', 'dev', 'k-s0');
  ok('-n', 'k-st', 'addr', 'add', '10.9.1.2/24', 'dev', 'k-s1');
  for (const d of ['lo', 'k-s0', 'k-s1']) ok('-n', 'k-st', 'link', 'set', d, 'up');
  // Two pings through the veth: -I binds them to k-s0, and 10.9.1.2 is answered on k-s1.
  spawnSync('ip', ['netns', 'exec', 'k-st', 'ping', '-c2', '-i0.2', '-W1', '-I', 'k-s0', '10.9.1.2']);
  const cases = [['-s', 'link', 'show'], ['-s', '-s', 'link', 'show'], ['-s', 'link', 'show', 'k-s0'], ['-s', 'addr', 'show'], ['-s', '-s', 'addr', 'show', 'k-s1']];
  for (const args of cases) {
    for (const j of [[], ['-j']]) {
      // Compare a reading of ours taken while ip's readings before and after it agree.
      let ours = '';
      let theirs = '';
      for (let i = 0; i < 20; i++) {
        const before = ip('-n', 'k-st', ...j, ...args);
        ours = ok('-n', 'k-st', ...j, ...args);
        theirs = ip('-n', 'k-st', ...j, ...args);
        if (before === theirs) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (j.length) assert.deepEqual(JSON.parse(ours), JSON.parse(theirs), `-j ${args.join(' ')}`);
      else assert.equal(ours, theirs, args.join(' '));
    }
  }
  // Traffic was counted (not all zeros equal to all zeros).
  const s0 = (JSON.parse(ok('-n', 'k-st', '-j', '-s', 'link', 'show', 'k-s0')) as Array<{ stats64: { tx: { packets: number } } }>)[0]!;
  assert.ok(s0.stats64.tx.packets >= 2, `k-s0 sent ${s0.stats64.tx.packets} packets`);
  ok('netns', 'del', 'k-st');
});

test('route get (text and -j) as ip prints it: connected, through a gateway, local, IPv6, from, iif, oif; refusals end with what to do', { skip }, async () => {
  const N = ['-n', 'k-rg'];
  ok('netns', 'add', 'k-rg');
  ok(...N, 'link', 'add', 'k-g0', 'type', 'veth', 'peer', 'name', 'k-g1');
  for (const d of ['lo', 'k-g0', 'k-g1']) ok(...N, 'link', 'set', d, 'up');
  ok(...N, 'addr', 'add', '10.4.0.1/24', 'dev', 'k-g0');
  ok(...N, 'addr', 'add', '10.4.0.2/24', 'dev', 'k-g1');
  ok(...N, 'addr', 'add', 'fd04::1/64', 'dev', 'k-g0', 'nodad');
  ok(...N, 'route', 'add', '10.5.0.0/16', 'via', '10.4.0.3');
  ok(...N, 'sysctl', 'set', 'net.ipv4.ip_forward', '1');
  const trimLines = (s: string): string => s.split('\n').map((l) => l.trimEnd()).join('\n');
  // (First: the forwarded lookup below leaves a redirect exception that changes this answer.)
  assert.match(ok(...N, 'route', 'get', '10.5.1.1'), /^10\.5\.1\.1 via 10\.4\.0\.3 dev k-g[01] src 10\.4\.0\.[12] uid 0\n {4}cache\n$/);
  const cases = [['10.4.0.7'], ['10.5.1.1'], ['10.4.0.1'], ['fd04::9'], ['to', '10.4.0.8', 'from', '10.4.0.1'], ['10.4.0.9', 'oif', 'k-g0'], ['10.5.0.3', 'from', '10.4.0.50', 'iif', 'k-g1']];
  for (const args of cases) {
    assert.equal(ok(...N, 'route', 'get', ...args), trimLines(ip(...N, 'route', 'get', ...args)), args.join(' '));
    assert.deepEqual(JSON.parse(ok(...N, '-j', 'route', 'get', ...args)), JSON.parse(ip(...N, '-j', 'route', 'get', ...args)), `-j ${args.join(' ')}`);
  }

  // No route: the kernel's refusal, and what to do, in the command line's words.
  ok(...N, 'route', 'add', 'unreachable', '10.67.0.0/16');
  const refusals: Array<[string, RegExp]> = [
    ['10.9.9.9', /^nsnet: look up route to 10\.9\.9\.9 in namespace k-rg: network is unreachable \(ENETUNREACH\); no route here leads there: add one, or a default route \(nsnet -n k-rg route add default via GW\)$/],
    ['10.67.0.1', /^nsnet: look up route to 10\.67\.0\.1 in namespace k-rg: no route to host \(EHOSTUNREACH\); an unreachable route covers it \(nsnet -n k-rg route show lists it\)/],
    ['10.5.0.3 iif k-g1', /^nsnet: look up route to 10\.5\.0\.3 in namespace k-rg: invalid argument \(EINVAL\); a lookup with iif needs from ADDR: the address the packet comes from$/],
  ];
  for (const [args, re] of refusals) {
    const r = nsnet(...N, 'route', 'get', ...args.split(' '));
    assert.equal(r.code, 1, r.err);
    assert.match(r.err.trim(), re);
    assert.notEqual(spawnSync('ip', [...N, 'route', 'get', ...args.split(' ')]).status, 0, `ip refuses ${args} too`);
  }
  // The library: the same lookups, and its refusal names library calls.
  const h = await openNetns('k-rg');
  try {
    const r = await h.route.get('10.5.1.1');
    assert.deepEqual([r.gateway, r.cloned, r.cache], ['10.4.0.3', true, []]);
    await assert.rejects(h.route.get('10.9.9.9'), (e: unknown) => e instanceof NsnetError && e.code === 'ENETUNREACH' && /route\.add\(/.test(e.message) && !/nsnet /.test(e.message));
  } finally {
    h.close();
  }
  ok('netns', 'del', 'k-rg');
});
