// map() against what iproute2 and /proc say: namespaces named, bind-mounted elsewhere and held
// only by a process (made here), their links and addresses as `ip -j` shows them, bridges with
// ports, veth ends joined across namespaces; processes and namespaces vanishing mid-scan.
import { isolate, kernelSkip, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { map, type MapNetns } from '../../src/api/map.js';
import { mapDot } from '../../src/render/map.js';

const skip = kernelSkip ?? (haveCommand('nsenter') ? undefined : 'nsenter (util-linux) is not installed');
const ip = (...a: string[]): string => execFileSync('ip', a).toString();
const ipj = <T>(...a: string[]): T => JSON.parse(ip('-j', ...a)) as T;
const inode = (pid: number | 'self'): number => Number(/\[(\d+)\]/u.exec(readlinkSync(`/proc/${pid}/ns/net`))![1]);

/** A process in a new network namespace of its own, until killed. */
async function holder(): Promise<ChildProcess> {
  const p = spawn('unshare', ['--net', 'sleep', '600'], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    try {
      if (inode(p.pid!) !== inode('self')) return p;
    } catch {
      // not exec'd yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('unshare --net did not start');
}

interface IpLink { ifname: string; operstate: string; linkinfo?: { info_kind: string }; master?: string }
interface IpAddr { ifname: string; addr_info: { local: string; prefixlen: number; scope: string }[] }

/** What iproute2 says of a namespace, in map()'s terms. */
function fromIp(prefix: string[]): Array<[string, string | undefined, string, string[], string | undefined]> {
  const links = JSON.parse(execFileSync(prefix[0]!, [...prefix.slice(1), 'ip', '-j', '-d', 'link', 'show']).toString()) as IpLink[];
  const addrs = JSON.parse(execFileSync(prefix[0]!, [...prefix.slice(1), 'ip', '-j', 'addr', 'show']).toString()) as IpAddr[];
  return links.map((l) => {
    const a = addrs.find((x) => x.ifname === l.ifname)?.addr_info.filter((x) => x.scope !== 'link').map((x) => `${x.local}/${x.prefixlen}`) ?? [];
    return [l.ifname, l.linkinfo?.info_kind, l.operstate, a.sort(), l.master];
  });
}
const fromMap = (ns: MapNetns): Array<[string, string | undefined, string, string[], string | undefined]> =>
  ns.links.map((l) => [l.name, l.kind, l.state, [...l.addresses].sort(), l.master]);

test('map() finds every namespace however held, with links as ip shows them and veths joined', { skip }, async (t) => {
  const procOnly = await holder();
  const mounted = await holder();
  t.after(() => {
    procOnly.kill();
    mounted.kill();
  });
  mkdirSync('/run/mp-held', { recursive: true });
  writeFileSync('/run/mp-held/ns', '');
  execFileSync('mount', ['--bind', `/proc/${mounted.pid}/ns/net`, '/run/mp-held/ns']);
  mounted.kill(); // from now on only the bind mount holds it
  t.after(() => execFileSync('umount', ['/run/mp-held/ns']));
  ip('netns', 'add', 'mp-a');
  ip('link', 'add', 'mp-br', 'type', 'bridge');
  ip('link', 'add', 'mp-port', 'master', 'mp-br', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'mp-a');
  ip('link', 'set', 'mp-br', 'up');
  ip('-n', 'mp-a', 'addr', 'add', '10.70.0.2/24', 'dev', 'eth0');
  ip('-n', 'mp-a', 'link', 'add', 'to-proc', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(procOnly.pid));
  ip('-n', 'mp-a', 'link', 'set', 'to-proc', 'up');
  execFileSync('nsenter', ['-t', String(procOnly.pid), '-n', 'ip', 'addr', 'add', '10.71.0.1/24', 'dev', 'eth0']);
  execFileSync('nsenter', ['--net=/run/mp-held/ns', 'ip', 'link', 'add', 'mp-inner-br', 'type', 'bridge']);

  const m = await map();
  const host = m.netns.find((n) => n.host)!;
  assert.equal(m.netns[0], host, 'the host namespace comes first');
  assert.equal(host.inode, inode('self'));
  const a = m.netns.find((n) => n.names.includes('mp-a'))!;
  const p = m.netns.find((n) => n.inode === inode(procOnly.pid!))!;
  const held = m.netns.find((n) => n.mounts.includes('/run/mp-held/ns'))!;
  assert.ok(a && p && held);
  assert.equal(a.label, 'mp-a');
  assert.equal(p.label, `pid:${p.processes.flatMap((x) => x.pids).sort((x, y) => x - y)[0]}`);
  assert.ok(p.processes.some((x) => x.comm === 'sleep' && x.pids.includes(procOnly.pid!)));
  assert.equal(held.label, `inode:${held.inode}`);
  assert.deepEqual(held.processes, []);
  // Links, kinds, states, addresses and masters as iproute2 sees them.
  assert.deepEqual(fromMap(a), fromIp(['ip', 'netns', 'exec', 'mp-a']));
  assert.deepEqual(fromMap(p), fromIp(['nsenter', '-t', String(procOnly.pid), '-n']));
  assert.deepEqual(fromMap(held), fromIp(['nsenter', '--net=/run/mp-held/ns']));
  assert.deepEqual(fromMap(host).filter(([n]) => n.startsWith('mp-')), fromIp(['env']).filter(([n]) => n.startsWith('mp-')));
  assert.deepEqual(host.bridges.find((b) => b.name === 'mp-br')?.ports, ['mp-port']);
  // veth ends joined across namespaces, both ways.
  const peerOf = (ns: MapNetns, name: string) => ns.links.find((l) => l.name === name)?.peer;
  assert.deepEqual(peerOf(host, 'mp-port'), { netns: a.id, name: 'eth0' });
  assert.deepEqual(peerOf(a, 'eth0'), { netns: host.id, name: 'mp-port' });
  assert.deepEqual(peerOf(a, 'to-proc'), { netns: p.id, name: 'eth0' });
  assert.deepEqual(peerOf(p, 'eth0'), { netns: a.id, name: 'to-proc' });
  assert.equal(m.veths.filter(([x, y]) => [x.netns, y.netns].includes(a.id)).length, 2);
  // The picture names them too.
  const dot = mapDot(m);
  assert.match(dot, /"inode:\d+\/mp-port" -- "inode:\d+\/eth0"|"inode:\d+\/eth0" -- "inode:\d+\/mp-port"/u);
  assert.match(dot, /label="mp-a\\ninode/u);
});

test('map() while processes holding namespaces come and go: no error, the survivors found', { skip }, async () => {
  const keep = await holder();
  const churn: ChildProcess[] = [];
  let stop = false;
  const spawner = (async () => {
    while (!stop) {
      churn.push(spawn('unshare', ['--net', 'sleep', '0.01'], { stdio: 'ignore' }));
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  try {
    for (let i = 0; i < 10; i++) {
      const m = await map();
      assert.ok(m.netns.some((n) => n.inode === inode(keep.pid!)));
    }
  } finally {
    stop = true;
    await spawner;
    keep.kill();
    for (const c of churn) c.kill();
  }
});
