/**
 * Section 6, no resource growth: a library user doing `ops` operations across `namespaces`
 * namespaces (links, addresses, routes, neighbours, sysctls, lists, handles opened and closed,
 * commands run inside, operations that fail: duplicates, missing devices, missing namespaces;
 * and every 1000th, a whole Lab cycle from TypeScript), then closing everything. The open fds of the process (/proc/self/fd) must end
 * where they began; fd_growth is the difference. The peak is reported too.
 *
 * The baseline is taken after a warm-up that opens what lives as long as the process by design
 * (the shared host handle, the fd of the home namespace, and the host's /proc/sys/net directory
 * that the host's sysctls, a lab's host-side ports' included, are read and written under:
 * kernel/procsys.ts), so only growth
 * is counted.
 */
import { hostNetns, Lab, netns, openNetns, type Handle } from '../../src/index.js';
import { NsnetError } from '../../src/kernel/errors.js';
import { int, openFds, pick, prng } from './util.js';

export interface FdOptions {
  ops: number;
  namespaces: number;
  seed: number;
  /** Namespace name prefix (default 'fd-'). */
  prefix?: string;
}

export interface FdResult {
  ops: number;
  namespaces: number;
  before: number;
  after: number;
  growth: number;
  peak: number;
  /** Operations that failed when they should not have (the operations meant to fail are not counted). */
  unexpected: number;
  examples: string[];
  ms: number;
}

type Op = (rand: () => number) => Promise<'ok' | 'expected-error'>;

export async function fdGrowth(opts: FdOptions): Promise<FdResult> {
  const t0 = performance.now();
  const rand = prng(opts.seed);
  const prefix = opts.prefix ?? 'fd-';
  const names = Array.from({ length: opts.namespaces }, (_, i) => `${prefix}${i}`);
  const out: FdResult = { ops: 0, namespaces: opts.namespaces, before: 0, after: 0, growth: 0, peak: 0, unexpected: 0, examples: [], ms: 0 };

  // Warm-up: the process-lifetime singletons, and one round of everything.
  hostNetns();
  {
    const w = await netns.create(`${prefix}warm`);
    await w.link.add({ kind: 'veth', name: 'w0', peer: { name: 'w1' } });
    await w.addr.add('w0', '10.9.9.1/24');
    await w.route.list();
    await w.exec(['true']);
    w.close();
    await netns.del(`${prefix}warm`);
    hostNetns().sysctl.getSync('net.ipv6.conf.all.disable_ipv6'); // opens the host's /proc/sys/net
  }
  out.before = openFds();
  out.peak = out.before;

  const handles: Handle[] = [];
  for (const n of names) handles.push(await netns.create(n, { disableIpv6: true }));
  // Per namespace: how many veth pairs and addresses exist now.
  const links = names.map(() => [] as number[]);
  const addrs = names.map(() => new Map<number, number>()); // link id → host byte in use
  let nextLink = 0;

  const someNs = () => int(rand, names.length);
  const ops: Array<[string, number, Op]> = [
    ['add veth', 8, async () => {
      const k = someNs();
      if (links[k]!.length > 30) return 'ok';
      const id = nextLink++;
      await handles[k]!.link.add({ kind: 'veth', name: `a${id}`, up: true, peer: { name: `b${id}`, up: true } });
      links[k]!.push(id);
      return 'ok';
    }],
    ['add veth across namespaces (by name)', 3, async () => {
      const k = someNs();
      const j = (k + 1) % names.length;
      const id = nextLink++;
      await handles[k]!.link.add({ kind: 'veth', name: `x${id}`, peer: { name: `y${id}`, netns: names[j]! } });
      await handles[k]!.link.del(`x${id}`);
      return 'ok';
    }],
    ['add veth across namespaces (by handle)', 3, async () => {
      const k = someNs();
      const j = (k + 2) % names.length;
      const id = nextLink++;
      await handles[k]!.link.add({ kind: 'veth', name: `x${id}`, peer: { name: `y${id}`, netns: { handle: handles[j]! }, up: true } });
      await handles[j]!.link.del(`y${id}`);
      return 'ok';
    }],
    ['del veth', 4, async () => {
      const k = someNs();
      const id = links[k]!.pop();
      if (id === undefined) return 'ok';
      await handles[k]!.link.del(`a${id}`);
      addrs[k]!.delete(id);
      return 'ok';
    }],
    ['add address', 8, async () => {
      const k = someNs();
      const id = links[k]!.length ? pick(rand, links[k]!) : undefined;
      if (id === undefined || addrs[k]!.has(id)) return 'ok';
      await handles[k]!.addr.add(`a${id}`, `10.${k}.${id % 250}.1/24`);
      addrs[k]!.set(id, 1);
      return 'ok';
    }],
    ['del address', 4, async () => {
      const k = someNs();
      const id = [...addrs[k]!.keys()][0];
      if (id === undefined) return 'ok';
      await handles[k]!.addr.del(`a${id}`, `10.${k}.${id % 250}.1/24`);
      addrs[k]!.delete(id);
      return 'ok';
    }],
    ['route add + del', 6, async () => {
      const k = someNs();
      const id = [...addrs[k]!.keys()][0];
      if (id === undefined) return 'ok';
      const r = { to: `172.${16 + (k % 16)}.${int(rand, 250)}.0/24`, via: `10.${k}.${id % 250}.2`, table: 100 + int(rand, 5) };
      await handles[k]!.route.replace(r);
      await handles[k]!.route.del(r);
      return 'ok';
    }],
    ['link list', 6, async () => { await handles[someNs()]!.link.list(); return 'ok'; }],
    ['addr list', 5, async () => { await handles[someNs()]!.addr.list(); return 'ok'; }],
    ['route list', 5, async () => { await handles[someNs()]!.route.list({ table: 'all' }); return 'ok'; }],
    ['neigh list', 3, async () => { await handles[someNs()]!.neigh.list(); return 'ok'; }],
    ['link set', 5, async () => {
      const k = someNs();
      const id = links[k]!.length ? pick(rand, links[k]!) : undefined;
      if (id === undefined) return 'ok';
      await handles[k]!.link.set(`a${id}`, { mtu: 1280 + int(rand, 200), up: true, alias: `t${int(rand, 100)}` });
      return 'ok';
    }],
    ['sysctl get + set', 5, async () => {
      const h = handles[someNs()]!;
      const v = await h.sysctl.get('net.ipv4.ip_forward');
      await h.sysctl.set('net.ipv4.ip_forward', v === '1' ? 0 : 1);
      return 'ok';
    }],
    ['open + close a handle', 5, async () => {
      const h = await openNetns(names[someNs()]!);
      await h.link.exists('lo');
      h.close();
      return 'ok';
    }],
    ['netns list', 2, async () => { await netns.list(); return 'ok'; }],
    ['host link list', 2, async () => { await hostNetns().link.rawList(); return 'ok'; }],
    // Operations that must fail, cleanly.
    ['duplicate link', 3, async () => {
      const k = someNs();
      await handles[k]!.link.add({ kind: 'veth', name: 'lo', peer: { name: 'dupx' } });
      return 'ok';
    }],
    ['missing device', 3, async () => { await handles[someNs()]!.link.set('nosuchdev', { up: true }); return 'ok'; }],
    ['missing namespace', 2, async () => { const h = await openNetns(`${prefix}missing`); h.close(); return 'ok'; }],
    ['veth into a missing namespace', 2, async () => {
      await handles[someNs()]!.link.add({ kind: 'veth', name: 'mz0', peer: { name: 'mz1', netns: `${prefix}missing` } });
      return 'ok';
    }],
    ['veth from a namespace into a missing one', 2, async () => {
      await handles[someNs()]!.link.add({ kind: 'veth', name: 'mz0', netns: names[someNs()]!, peer: { name: 'mz1', netns: `${prefix}missing` } });
      return 'ok';
    }],
    ['bad address', 2, async () => { await handles[someNs()]!.addr.add('lo', '10.0.0.300/8'); return 'ok'; }],
    ['route via an unreachable gateway', 2, async () => { await handles[someNs()]!.route.add({ to: '198.18.0.0/15', via: '203.0.113.9' }); return 'ok'; }],
    ['exec', 1, async () => {
      const r = await handles[someNs()]!.exec(['ip', 'link', 'show', 'lo']);
      if (r.code !== 0) throw new Error(`ip link show lo exited ${r.code}: ${r.stderr}`);
      return 'ok';
    }],
  ];
  const expectFail = new Set(['duplicate link', 'missing device', 'missing namespace', 'veth into a missing namespace', 'veth from a namespace into a missing one', 'bad address', 'route via an unreachable gateway']);
  const total = ops.reduce((s, [, w]) => s + w, 0);
  const choose = (): [string, number, Op] => {
    let r = rand() * total;
    for (const o of ops) if ((r -= o[1]) < 0) return o;
    return ops[0]!;
  };

  // Every 1000 operations, a lab from TypeScript goes through a whole cycle (up, exec, status,
  // plan, a second up, a refused up of a lab whose namespace it takes, down).
  const labCycle = async (k: number): Promise<void> => {
    const nodes: Record<string, { interfaces: Record<string, { addresses: string[] }> }> = {};
    const links: Array<[string, string]> = [];
    for (let i = 1; i <= 4; i++) {
      nodes[`h${i}`] = { interfaces: { eth0: { addresses: [`10.99.${k % 250}.${i + 1}/24`] } } };
      links.push([`h${i}:eth0`, `${prefix}lbr`]);
    }
    const lab = Lab.from({ name: `${prefix.replace(/[^a-z0-9]/g, '')}lab`, prefix: `${prefix}l-`, nodes, bridges: { [`${prefix}lbr`]: { addresses: [`10.99.${k % 250}.1/24`] } }, links });
    try {
      await lab.up();
      await lab.exec('h1', ['true']);
      lab.node('h2');
      await lab.status();
      await lab.plan();
      await lab.up();
      const thief = Lab.from({ name: 'fdthief', prefix: `${prefix}l-`, nodes: { h1: {} } });
      await thief.up().then(() => { throw new Error('a lab took over another lab\'s namespace'); }, (e: unknown) => { if (!(e instanceof NsnetError)) throw e; });
    } finally {
      await lab.down();
    }
  };

  try {
    for (let i = 0; i < opts.ops; i++) {
      if (i % 1000 === 999) {
        out.ops++;
        try {
          await labCycle(i);
        } catch (e) {
          out.unexpected++;
          if (out.examples.length < 5) out.examples.push(`lab cycle: ${(e as Error).name}: ${(e as Error).message}`);
        }
        continue;
      }
      const [name, , op] = choose();
      out.ops++;
      try {
        await op(rand);
        if (expectFail.has(name)) {
          out.unexpected++;
          if (out.examples.length < 5) out.examples.push(`${name}: succeeded, should have failed`);
        }
      } catch (e) {
        const fine = expectFail.has(name) && e instanceof NsnetError;
        if (!fine) {
          out.unexpected++;
          if (out.examples.length < 5) out.examples.push(`${name}: ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      if (i % 100 === 0) out.peak = Math.max(out.peak, openFds());
    }
  } finally {
    for (const h of handles) h.close();
    for (const n of names) await netns.del(n).catch(() => {});
  }
  out.after = openFds();
  out.growth = out.after - out.before;
  out.ms = Math.round(performance.now() - t0);
  return out;
}
