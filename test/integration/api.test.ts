// The library API against the kernel: every verb, iproute2 interoperability both ways, and
// bad input (a typed error naming the object, nothing half-made left behind).
import { isolate, kernelSkip, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readlinkSync, rmdirSync, writeFileSync } from 'node:fs';
import { hostNetns, KernelError, netns, NsnetError, openNetns } from '../../src/index.js';
import { Qdiscs } from '../../src/api/qdisc.js';
import { encodeLinkDump, RTEXT_FILTER_SKIP_STATS, RTM_NEWLINK } from '../../src/wire/rtnl/index.js';

const skip = kernelSkip;
const ip = (...args: string[]): string => execFileSync('ip', args).toString();
const ipj = <T>(...args: string[]): T => JSON.parse(ip('-j', ...args)) as T;

async function rejectsWith(p: Promise<unknown>, code: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof NsnetError, `an NsnetError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, re);
    return true;
  });
}

test('namespaces: nsnet and ip netns see each other\'s', { skip }, async () => {
  await netns.add('n-one');
  ip('netns', 'add', 'n-two');
  const names = (await netns.list()).map((n) => n.name);
  assert.ok(names.includes('n-one') && names.includes('n-two'));
  assert.match(ip('netns', 'list'), /^n-one\b/m);
  // ip netns exec works in nsnet's namespace, nsnet's exec in ip's.
  assert.match(ip('netns', 'exec', 'n-one', 'ip', '-o', 'link'), /\blo\b/);
  const r = await (await openNetns('n-two')).exec(['ip', '-o', 'link']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\blo\b/);
  // nsid shown like ip netns list once the host has one for it (a veth across gives one).
  await hostNetns().link.add({ kind: 'veth', name: 'n-v0', peer: { name: 'n-v1', netns: 'n-one' } });
  const withId = (await netns.list()).find((n) => n.name === 'n-one');
  assert.equal(typeof withId?.nsid, 'number');
  assert.match(ip('netns', 'list'), new RegExp(`^n-one \\(id: ${withId!.nsid}\\)`, 'm'));
  await netns.del('n-one');
  ip('netns', 'del', 'n-two');
  assert.ok(!existsSync('/run/netns/n-one'));
  assert.ok(!(await netns.exists('n-two')));
  // /run/netns is a shared mount, as iproute2 makes it.
  const mi = execFileSync('cat', ['/proc/self/mountinfo']).toString();
  assert.match(mi, / \/run\/netns rw[^\n]* shared:\d+/);
});

test('namespaces: identify, pids, attach', { skip }, async (t) => {
  await netns.add('n-pid');
  const h = await openNetns('n-pid');
  const child = h.spawn(['sleep', '30']);
  t.after(() => {
    child.kill('SIGKILL');
    h.close();
  });
  // ip netns exec forks and execs: wait until the sleep itself runs in the namespace.
  let pids: number[] = [];
  for (let i = 0; i < 100 && pids.length === 0; i++) {
    pids = await netns.pids('n-pid');
    if (!pids.length) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(pids.length >= 1, 'a process runs in n-pid');
  assert.deepEqual(await netns.identify(pids[0]!), ['n-pid']);
  assert.deepEqual(await netns.identify(process.pid), []);
  assert.match(ip('netns', 'identify', String(pids[0])), /n-pid/);
  // attach: name the namespace of a process made by someone else.
  // unshare execs sleep: the PID is the sleeping process, in a namespace nobody named.
  const other = spawn('unshare', ['--net', 'sleep', '30'], { stdio: 'ignore' });
  const pid = other.pid!;
  t.after(() => other.kill('SIGKILL'));
  for (let i = 0; i < 100 && (await netns.identify(pid).catch(() => ['?'])).length === 0 && readlinkSync(`/proc/${pid}/ns/net`) === readlinkSync('/proc/self/ns/net'); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await netns.attach('n-attached', pid);
  assert.deepEqual(await netns.identify(pid), ['n-attached']);
  await netns.del('n-attached');
  await netns.del('n-pid');
});

test('namespaces: bad names and missing ones are clear errors and leave nothing', { skip }, async () => {
  const before = readdirSync('/run/netns').sort();
  await rejectsWith(netns.add('a/b'), 'INVALID_NAME', /"a\/b".*'\/'/);
  await rejectsWith(netns.add('..'), 'INVALID_NAME', /reserved/);
  await rejectsWith(netns.add(''), 'INVALID_NAME', /empty/);
  await rejectsWith(netns.add('x'.repeat(256)), 'INVALID_NAME', /256 bytes/);
  await rejectsWith(openNetns('n-missing'), 'ENOENT', /namespace n-missing does not exist/);
  await rejectsWith(netns.del('n-missing'), 'ENOENT', /n-missing/);
  await netns.add('n-dup');
  await rejectsWith(netns.add('n-dup'), 'EEXIST', /namespace n-dup already exists/);
  await netns.del('n-dup');
  assert.deepEqual(readdirSync('/run/netns').sort(), before);
});

test('namespaces: delEach of random names (made by ip or nsnet, missing, invalid, empty files, a directory) agrees with ip netns list', { skip }, async (t) => {
  // delEach detaches every mount in one burst, then removes the files: each name must end as del
  // would leave it, with del's error where del would throw, and the rest of the batch still done.
  const seed = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);
  t.diagnostic(`seed ${seed} (replay: NSNET_SEED=${seed})`);
  const { prng } = await import('../../src/wire/rtnl/testing.js');
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const before = readdirSync('/run/netns').sort();
  for (let round = 0; round < 3; round++) {
    const names: string[] = [];
    const want = new Map<string, string | undefined>(); // name -> the error code delEach must give (undefined: deleted)
    const count = 3 + Math.floor(rnd() * 10);
    for (let i = 0; i < count; i++) {
      const name = `d${round}-${i}-${Math.floor(rnd() * 1e6)}`;
      const kind = pick(['ip', 'nsnet', 'nsnet', 'missing', 'invalid', 'empty-file', 'directory'] as const);
      if (kind === 'ip') ip('netns', 'add', name);
      else if (kind === 'nsnet') await netns.add(name);
      else if (kind === 'empty-file') writeFileSync(`/run/netns/${name}`, ''); // what a crash between create and mount leaves
      else if (kind === 'directory') mkdirSync(`/run/netns/${name}`);
      const n = kind === 'invalid' ? pick(['', '..', `${name}/x`, 'x'.repeat(256)]) : name;
      if (want.has(n)) continue;
      names.push(n);
      want.set(n, kind === 'missing' ? 'ENOENT' : kind === 'invalid' ? 'INVALID_NAME' : kind === 'directory' ? 'EISDIR' : undefined);
    }
    const errors = await netns.delEach(names);
    assert.equal(errors.length, names.length);
    names.forEach((n, i) => {
      const e = errors[i];
      assert.equal(e?.code, want.get(n), `seed ${seed}: delEach of ${JSON.stringify(n)}: ${e?.message ?? 'deleted'}`);
      if (e) assert.ok(e instanceof NsnetError && e.message.length > 0 && (e.object ?? '').includes(n.slice(0, 20)), `seed ${seed}: ${e.message} names ${n}`);
    });
    // ip netns list lists every entry of /run/netns (and says on stderr which are no namespace): only the directories (which delEach refused) and what was there before remain.
    const left = execFileSync('ip', ['netns', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().split('\n').map((l) => l.split(' ')[0]!).filter(Boolean).sort();
    const dirs = [...want].filter(([, c]) => c === 'EISDIR').map(([n]) => n);
    assert.deepEqual(left, [...before, ...dirs].sort(), `seed ${seed}: ip netns list after delEach`);
    for (const d of dirs) rmdirSync(`/run/netns/${d}`);
  }
  assert.deepEqual(readdirSync('/run/netns').sort(), before);
});

test('links: veth straight into two namespaces, bridge, set, altnames, delete', { skip }, async () => {
  const a = await netns.create('l-a');
  const b = await netns.create('l-b');
  try {
    await a.link.add({ kind: 'veth', name: 'va', up: true, peer: { name: 'vb', netns: { handle: b }, up: true } });
    const va = await a.link.get('va');
    const vb = await b.link.get('vb');
    assert.equal(va.kind, 'veth');
    assert.equal(va.link_index, vb.ifindex);
    assert.equal(va.peerNetns, 'l-b');
    assert.equal(vb.peerNetns, 'l-a');
    assert.ok(va.flags.includes('UP'));

    await a.link.add({ kind: 'bridge', name: 'br-a', up: true });
    await a.link.set('va', { master: 'br-a', mtu: 1400, address: '02:00:00:00:aa:01', alias: 'to b' });
    let got = await a.link.get('va');
    assert.equal(got.master, 'br-a');
    assert.equal(got.mtu, 1400);
    assert.equal(got.address, '02:00:00:00:aa:01');
    assert.equal(got.ifalias, 'to b');
    const viaIp = ipj<Array<{ master?: string; mtu: number; ifalias?: string }>>('-n', 'l-a', 'link', 'show', 'va')[0]!;
    assert.equal(viaIp.master, 'br-a');
    assert.equal(viaIp.mtu, 1400);
    await a.link.set('va', { master: null, name: 'va-renamed' });
    got = await a.link.get('va-renamed');
    assert.equal(got.master, undefined);

    await a.link.addAltnames('va-renamed', ['a-very-long-logical-interface-name']);
    assert.deepEqual((await a.link.get('va-renamed')).altnames, ['a-very-long-logical-interface-name']);
    assert.equal((await a.link.get('a-very-long-logical-interface-name')).ifname, 'va-renamed', 'found by altname');
    await a.link.addAltnames('va-renamed', ['va-short']);
    assert.equal((await a.link.get('va-short')).ifname, 'va-renamed', 'found by a short altname');
    await a.link.delAltnames('va-renamed', ['va-short']);
    await rejectsWith(a.link.get('no-such-very-long-alternative-name'), 'ENODEV', /link no-such-very-long-alternative-name in namespace l-a does not exist/);
    await a.link.delAltnames('va-renamed', ['a-very-long-logical-interface-name']);
    assert.deepEqual((await a.link.get('va-renamed')).altnames, []);

    // Move to the other namespace and back (a bridge may not move: the kernel says so).
    await a.link.add({ kind: 'veth', name: 'mover0', peer: { name: 'mover1' } });
    await a.link.set('mover0', { netns: { handle: b } });
    assert.ok(await b.link.exists('mover0'));
    assert.ok(!(await a.link.exists('mover0')));
    await b.link.set('mover0', { netns: { handle: a } });
    assert.ok(await a.link.exists('mover0'));
    await rejectsWith(a.link.set('br-a', { netns: { handle: b } }), 'EINVAL', /set netns namespace l-b on link br-a in namespace l-a: The interface netns is immutable/);

    await a.link.del('va-renamed');
    assert.ok(!(await b.link.exists('vb')), 'deleting a veth removes its peer');
  } finally {
    a.close();
    b.close();
    await netns.del('l-a');
    await netns.del('l-b');
  }
});

test('links: brief dumps, decoded straight from the receive buffer, keep their values after later receives and agree with ip', { skip }, async () => {
  const a = await netns.create('l-brief-a');
  const b = await netns.create('l-brief-b');
  try {
    await a.link.add({ kind: 'bridge', name: 'br-x', up: true });
    await a.link.add({ kind: 'veth', name: 'xa', up: true, peer: { name: 'xb', netns: { handle: b }, up: true } });
    await a.link.set('xa', { master: 'br-x', mtu: 1400, address: '02:00:00:00:bb:01', alias: 'brief test' });
    await a.link.addAltnames('xa', ['a-long-altname-for-the-brief-dump']);
    await a.addr.add('xa', '10.77.0.1/24');
    await b.addr.add('xb', 'fd00:77::2/64');
    const links = a.link.briefList();
    const addrs = b.addr.briefList();
    const before = JSON.stringify([links, addrs]);
    // Later dumps reuse the one receive buffer: a decoded value that still pointed into it would change.
    for (let i = 0; i < 3; i++) {
      b.link.briefList();
      a.addr.briefList();
      await new Qdiscs(a).list();
    }
    assert.equal(JSON.stringify([links, addrs]), before);
    assert.equal(JSON.stringify([a.link.briefList(), b.addr.briefList()]), before, 'the same dump again');
    const byIp = ipj<Array<{ ifindex: number; ifname: string; mtu: number; address: string; master?: string; ifalias?: string; altnames?: string[] }>>('-n', 'l-brief-a', 'link', 'show');
    assert.deepEqual(
      links.map((l) => [l.index, l.name, l.mtu, l.address, l.alias ?? null, l.altnames]).sort(),
      byIp.map((l) => [l.ifindex, l.ifname, l.mtu, l.address, l.ifalias ?? null, l.altnames ?? []]).sort(),
    );
    const xa = links.find((l) => l.name === 'xa')!;
    assert.equal(xa.master, links.find((l) => l.name === 'br-x')!.index);
    assert.equal(xa.kind, 'veth');
    assert.ok(addrs.some((x) => x.address === 'fd00:77::2' && x.prefixLen === 64), JSON.stringify(addrs));
  } finally {
    a.close();
    b.close();
    await netns.del('l-brief-a');
    await netns.del('l-brief-b');
  }
});

test('links: a decoder that fails in the middle of a dump leaves the socket usable (the rest of the dump is read, then its error thrown)', { skip }, async () => {
  const a = await netns.create('l-dump-fail');
  try {
    for (let i = 0; i < 40; i++) await a.link.add({ kind: 'veth', name: `df${i}a`, peer: { name: `df${i}b` } });
    const dump = encodeLinkDump({ extMask: RTEXT_FILTER_SKIP_STATS });
    const ctx = { op: 'list', object: 'links in l-dump-fail' };
    // More than two of the kernel's 32 KiB dump datagrams: the failure below comes with more to read.
    const bytes = a.sock.requestEach(dump, ctx, RTM_NEWLINK, (m) => m.payload.length).reduce((x, y) => x + y, 0);
    assert.ok(bytes > 64 * 1024, `the dump is ${bytes} bytes: too small to span datagrams`);
    const broken = new Error('decoder failed');
    let calls = 0;
    assert.throws(() => a.sock.requestEach(dump, ctx, RTM_NEWLINK, () => {
      calls++;
      throw broken;
    }), (e: unknown) => e === broken);
    assert.equal(calls, 1, 'the decoder is not called again once it failed');
    // Unread, the rest of the dump would keep the kernel's dump running: the next one refused (EBUSY).
    const names = a.link.briefList().map((l) => l.name);
    assert.equal(names.length, 81, names.join(' '));
  } finally {
    a.close();
    await netns.del('l-dump-fail');
  }
});

test('links: index() of random names, altnames (short and long) and missing names agrees with ip -j link show', { skip }, async (t) => {
  // index() asks SIOCGIFINDEX for names of up to 15 bytes and RTM_GETLINK for longer altnames;
  // both must give the ifindex iproute2 reads, and a missing name the one ENODEV error.
  const seed = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);
  t.diagnostic(`seed ${seed} (replay: NSNET_SEED=${seed})`);
  const { prng } = await import('../../src/wire/rtnl/testing.js');
  const rnd = prng(seed);
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789-_.é';
  const used = new Set<string>(['lo']);
  const fresh = (min: number, max: number): string => {
    for (;;) {
      let name = '';
      const len = min + Math.floor(rnd() * (max - min + 1));
      while (Buffer.byteLength(name) < len) name += chars[Math.floor(rnd() * chars.length)];
      while (Buffer.byteLength(name) > max) name = name.slice(0, -1);
      if (name !== '.' && name !== '..' && !used.has(name)) {
        used.add(name);
        return name;
      }
    }
  };
  const h = await netns.create('l-idx');
  try {
    const names: string[] = ['lo'];
    for (let i = 0; i < 6; i++) {
      const [a, b] = [fresh(1, 15), fresh(15, 15)];
      await h.link.add({ kind: 'veth', name: a, peer: { name: b } });
      names.push(a, b);
      const alt = rnd() < 0.5 ? fresh(1, 15) : fresh(16, 60);
      await h.link.addAltnames(a, [alt]);
      names.push(alt);
    }
    const byIp = new Map<string, number>();
    for (const l of ipj<Array<{ ifindex: number; ifname: string; altnames?: string[] }>>('-n', 'l-idx', 'link', 'show')) {
      for (const n of [l.ifname, ...(l.altnames ?? [])]) byIp.set(n, l.ifindex);
    }
    for (const n of names) assert.equal(h.link.index(n), byIp.get(n), `seed ${seed}: index(${JSON.stringify(n)})`);
    for (const missing of [fresh(1, 15), fresh(16, 40)]) {
      assert.throws(() => h.link.index(missing), (e: unknown) => e instanceof NsnetError && e.code === 'ENODEV'
        && e.message.startsWith(`link ${missing} in namespace l-idx does not exist`), `seed ${seed}: ${missing}`);
    }
    assert.equal(h.link.index(7), 7, 'a number is returned as is');
  } finally {
    h.close();
    await netns.del('l-idx');
  }
});

test('links: aliases given at creation are set (the kernel ignores them inside the creating request)', { skip }, async () => {
  const a = await netns.create('al-a');
  const b = await netns.create('al-b');
  try {
    await a.link.add({ kind: 'bridge', name: 'br-al', alias: 'nsnet:test' });
    assert.equal((await a.link.get('br-al')).ifalias, 'nsnet:test');
    await a.link.add({ kind: 'veth', name: 'al0', alias: 'near', peer: { name: 'al1', netns: 'al-b', alias: 'far', up: true } });
    assert.equal((await a.link.get('al0')).ifalias, 'near');
    const far = await b.link.get('al1');
    assert.equal(far.ifalias, 'far');
    assert.ok(far.flags.includes('UP'));
  } finally {
    a.close();
    b.close();
    await netns.del('al-a');
    await netns.del('al-b');
  }
});

test('links: flags read as ip prints them (NO-CARRIER, M-DOWN)', { skip }, async () => {
  const h = await netns.create('fl-ns');
  try {
    await h.link.add({ kind: 'veth', name: 'fl0', up: true, peer: { name: 'fl1' } });
    await h.link.add({ kind: 'bridge', name: 'fl-br', up: true });
    await h.link.set('lo', { up: true });
    // RUNNING follows operstate, which the kernel settles asynchronously: read until both agree.
    let ours: unknown;
    let theirs: unknown;
    for (let i = 0; i < 40; i++) {
      ours = (await h.link.list()).map((l) => [l.ifname, l.flags]);
      theirs = ipj<Array<{ ifname: string; flags: string[] }>>('-n', 'fl-ns', 'link', 'show').map((l) => [l.ifname, l.flags]);
      if (JSON.stringify(ours) === JSON.stringify(theirs)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(ours, theirs);
    assert.deepEqual((await h.link.get('fl0')).flags, ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'M-DOWN']);
  } finally {
    h.close();
    await netns.del('fl-ns');
  }
});

test('links: macvlan and vxlan with their settings; kinds this kernel lacks skip', { skip }, async (t) => {
  const h = await netns.create('l-k');
  try {
    await h.link.add({ kind: 'veth', name: 'parent0', peer: { name: 'parent1' } });
    await h.link.add({ kind: 'macvlan', name: 'mv0', parent: 'parent0', mode: 'bridge' });
    const mv = await h.link.get('mv0');
    assert.equal(mv.kind, 'macvlan');
    assert.equal(mv.info?.mode, 'bridge');
    await h.link.add({ kind: 'vxlan', name: 'vx0', id: 42, remote: '192.0.2.2', local: '192.0.2.1', port: 4789, dev: 'parent0' });
    const vx = await h.link.get('vx0');
    assert.equal(vx.kind, 'vxlan');
    assert.equal(vx.info?.id, 42);
    assert.equal(vx.info?.port, 4789);
    const vxIp = ipj<Array<{ linkinfo: { info_data: { id: number; remote: string } } }>>('-n', 'l-k', '-d', 'link', 'show', 'vx0')[0]!;
    assert.equal(vxIp.linkinfo.info_data.id, 42);
    assert.equal(vxIp.linkinfo.info_data.remote, '192.0.2.2');
    for (const kind of ['dummy', 'vlan'] as const) {
      const spec = kind === 'vlan' ? { kind, name: 'x-vlan', parent: 'parent0', id: 10 } : { kind, name: 'x-dummy' };
      try {
        await h.link.add(spec);
        assert.ok(await h.link.exists(spec.name));
      } catch (e) {
        assert.ok(e instanceof KernelError && e.code === 'EOPNOTSUPP', String(e));
        assert.match(e.message, new RegExp(`create ${kind} ${spec.name}.*(Unknown device type|no ${kind} support).*\\(EOPNOTSUPP\\); this kernel has no ${kind} device type: load its module \\(modprobe ${kind === 'vlan' ? '8021q' : kind}\\), or use a kernel built with it$`));
        t.diagnostic(`skipped: this kernel lacks ${kind} (${e.message})`);
        assert.ok(!(await h.link.exists(spec.name)), 'nothing half-made');
      }
    }
  } finally {
    h.close();
    await netns.del('l-k');
  }
});

test('links: bad input names the object and leaves nothing behind', { skip }, async () => {
  const h = await netns.create('l-bad');
  try {
    const before = (await h.link.list()).map((l) => l.ifname);
    await rejectsWith(h.link.add({ kind: 'bridge', name: 'sixteen-bytes-xx' }), 'INVALID_NAME', /16 bytes long \(at most 15 bytes\); choose a name of at most 15 bytes and keep the long one as an altname$/);
    await rejectsWith(h.link.add({ kind: 'veth', name: 'ok0', peer: { name: 'bad/name' } }), 'INVALID_NAME', /veth peer name "bad\/name"/);
    await rejectsWith(h.link.add({ kind: 'veth', name: 'ok0', peer: { name: 'ok1', netns: 'l-nowhere' } }), 'ENOENT', /namespace l-nowhere does not exist/);
    await rejectsWith(h.link.set('nosuch0', { up: true }), 'ENODEV', /link nosuch0 in namespace l-bad does not exist/);
    await rejectsWith(h.link.del('nosuch0'), 'ENODEV', /nosuch0/);
    await h.link.add({ kind: 'bridge', name: 'dup0' });
    await rejectsWith(h.link.add({ kind: 'bridge', name: 'dup0' }), 'EEXIST', /create bridge dup0 in namespace l-bad: .*File exists|already exists/);
    await h.link.del('dup0');
    assert.deepEqual((await h.link.list()).map((l) => l.ifname), before);
  } finally {
    h.close();
    await netns.del('l-bad');
  }
});

test('addresses v4 and v6: add, list, replace, del, flush', { skip }, async () => {
  const h = await netns.create('a-ns');
  try {
    await h.link.add({ kind: 'veth', name: 'e0', up: true, peer: { name: 'e1', up: true } });
    await h.sysctl.set('net.ipv6.conf.e0.accept_dad', '0');
    await h.addr.add('e0', '10.9.0.1/24');
    await h.addr.add('e0', '10.9.0.2/24');
    await h.addr.add('e0', '2001:db8::1/64', { nodad: true });
    const v4 = await h.addr.list({ dev: 'e0', family: 4 });
    assert.deepEqual(v4.map((a) => a.cidr), ['10.9.0.1/24', '10.9.0.2/24']);
    assert.ok(v4[1]!.flags.includes('secondary'));
    const v6 = (await h.addr.list({ dev: 'e0', family: 6 })).filter((a) => a.scope === 'global');
    assert.deepEqual(v6.map((a) => a.cidr), ['2001:db8::1/64']);
    const ipv = ipj<Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>>('-n', 'a-ns', 'addr', 'show', 'e0')[0]!;
    assert.deepEqual(ipv.addr_info.map((a) => `${a.local}/${a.prefixlen}`).filter((x) => !x.startsWith('fe80')), ['10.9.0.1/24', '10.9.0.2/24', '2001:db8::1/64']);
    await rejectsWith(h.addr.add('e0', '10.9.0.1/24'), 'EEXIST', /add address 10\.9\.0\.1\/24 on link e0 in namespace a-ns/);
    await rejectsWith(h.addr.add('e0', '10.9.0.300/24'), 'INVALID_ADDRESS', /10\.9\.0\.300/);
    await h.addr.del('e0', '10.9.0.2/24');
    assert.deepEqual((await h.addr.list({ dev: 'e0', family: 4 })).map((a) => a.cidr), ['10.9.0.1/24']);
    const n = await h.addr.flush('e0');
    assert.ok(n >= 2);
    assert.deepEqual((await h.addr.list({ dev: 'e0' })).filter((a) => a.scope === 'global'), []);
  } finally {
    h.close();
    await netns.del('a-ns');
  }
});

test('routes: default gateway, tables, replace, del; neighbours after a ping', { skip: skip ?? (haveCommand('ping') ? undefined : 'no ping') }, async () => {
  const a = await netns.create('r-a');
  const b = await netns.create('r-b');
  try {
    await a.link.add({ kind: 'veth', name: 'ra', up: true, peer: { name: 'rb', netns: { handle: b }, up: true } });
    await a.addr.add('ra', '10.8.0.1/24');
    await b.addr.add('rb', '10.8.0.2/24');
    await b.link.set('lo', { up: true });
    await b.addr.add('lo', '10.77.0.1/32');
    await a.route.add({ to: 'default', via: '10.8.0.2' });
    await a.route.add({ to: '10.50.0.0/16', via: '10.8.0.2', table: 100, metric: 5 });
    await a.route.add({ to: '10.60.0.0/16', dev: 'ra', table: 1000 });
    const main = await a.route.list({ family: 4 });
    assert.deepEqual(main.map((r) => `${r.dst} ${r.gateway ?? '-'} ${r.dev}`).sort(), ['10.8.0.0/24 - ra', 'default 10.8.0.2 ra']);
    const t100 = await a.route.list({ table: 100 });
    assert.equal(t100[0]?.dst, '10.50.0.0/16');
    assert.equal(t100[0]?.metric, 5);
    const t1000 = await a.route.list({ table: 1000 });
    assert.equal(t1000[0]?.scope, 'link');
    const ipRoutes = ipj<Array<{ dst: string; gateway?: string }>>('-n', 'r-a', 'route', 'show', 'table', '1000');
    assert.equal(ipRoutes[0]?.dst, '10.60.0.0/16');
    await rejectsWith(a.route.add({ to: 'default', via: '10.8.0.2' }), 'EEXIST', /add route default via 10\.8\.0\.2 in namespace r-a/);
    await a.route.replace({ to: 'default', via: '10.8.0.2', metric: 0 });
    await rejectsWith(a.route.add({ to: '10.70.0.0/16', via: '10.99.0.1' }), 'ENETUNREACH', /10\.70\.0\.0\/16 via 10\.99\.0\.1/);
    const p = await a.exec(['ping', '-c1', '-W2', '10.77.0.1']);
    assert.equal(p.code, 0, p.stdout + p.stderr);
    const neigh = await a.neigh.list({ dev: 'ra' });
    const n = neigh.find((x) => x.dst === '10.8.0.2');
    assert.ok(n, 'the gateway is a neighbour after the ping');
    assert.equal(n.lladdr, (await b.link.get('rb')).address);
    await a.route.del({ to: '10.50.0.0/16', table: 100 });
    assert.deepEqual(await a.route.list({ table: 100 }), []);
    await a.route.del({ to: 'default' });
    assert.equal((await a.route.list({ family: 4 })).some((r) => r.dst === 'default'), false);
  } finally {
    a.close();
    b.close();
    await netns.del('r-a');
    await netns.del('r-b');
  }
});

test('sysctls are per namespace; exec returns output and exit code', { skip }, async () => {
  const a = await netns.create('s-a');
  const b = await netns.create('s-b');
  try {
    const before = await a.sysctl.set('net.ipv4.ip_forward', 1);
    assert.equal(before, '0');
    assert.equal(await a.sysctl.get('net.ipv4.ip_forward'), '1');
    assert.equal(await b.sysctl.get('net.ipv4.ip_forward'), '0');
    assert.equal(ip('netns', 'exec', 's-a', 'cat', '/proc/sys/net/ipv4/ip_forward').trim(), '1');
    await rejectsWith(a.sysctl.get('kernel.hostname'), 'INVALID_SYSCTL', /only network keys/);
    await rejectsWith(a.sysctl.get('net.ipv4.../../../etc/passwd'), 'INVALID_SYSCTL', /invalid sysctl key/);
    await rejectsWith(a.sysctl.get('net.ipv4.no_such_key'), 'ENOENT', /no such key/);
    const r = await a.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['out\n', 'err\n', 3]);
    const withInput = await b.exec(['cat'], { input: 'hello' });
    assert.equal(withInput.stdout, 'hello');
    // exec sees the namespace's own /sys, as ip netns exec gives.
    const sys = await a.exec(['ls', '/sys/class/net']);
    assert.deepEqual(sys.stdout.trim().split(/\s+/), ['lo']);
  } finally {
    a.close();
    b.close();
    await netns.del('s-a');
    await netns.del('s-b');
  }
});

test('permission errors are clear', { skip: skip ?? (haveCommand('setpriv') ? undefined : 'no setpriv') }, () => {
  const script = `import('${new URL('../../src/index.js', import.meta.url).href}').then(async (m) => { try { await m.netns.add('p-x'); console.log('made'); } catch (e) { console.log(e.code + ': ' + e.message); } })`;
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, '-e', script], { encoding: 'utf8' });
  assert.match(r.stdout, /^(EACCES|RUN_DIR|EPERM): .*(permission|not permitted|root)/mi, r.stdout + r.stderr);
  assert.ok(!existsSync('/run/netns/p-x'));
});
