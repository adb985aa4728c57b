/**
 * The seed's walkthrough ("Introducing Linux Network Namespaces"), done with nsnet's library
 * instead of `ip` commands. Each step names the command it replaces.
 *
 * Run it inside a sandbox so it touches nothing on your machine:
 *   npm run build && node scripts/sandbox.mjs node dist/examples/seed-walkthrough.js
 *
 * In your own project, import from 'nsnet' instead of '../src/index.js'.
 */
import { fileURLToPath } from 'node:url';
import { hostNetns, netns, NsnetError, openNetns, type Handle } from '../src/index.js';

export interface WalkthroughResult {
  host: Handle;
  blue: Handle;
  lan: Handle;
}

/** Build the seed's setup; `say` receives each step as the ip command it replaces. */
export async function seedWalkthrough(say: (line: string) => void = () => {}): Promise<WalkthroughResult> {
  const host = hostNetns();

  say('ip netns add blue');
  await netns.add('blue');

  say('ip link add veth0 type veth peer name veth1');
  await host.link.add({ kind: 'veth', name: 'veth0', peer: { name: 'veth1' } });

  say('ip link set veth1 netns blue');
  await host.link.set('veth1', { netns: 'blue' });

  const blue = await openNetns('blue');
  say('ip netns exec blue ip link set veth1 up   (and lo)');
  await blue.link.set('veth1', { up: true });
  await blue.link.set('lo', { up: true });

  say('ip netns exec blue ip addr add 10.1.1.2/24 dev veth1');
  await blue.addr.add('veth1', '10.1.1.2/24');

  // "To connect a network namespace to the physical network, just use a bridge."
  say('ip link add br0 type bridge; ip link set veth0 master br0; ip addr add 10.1.1.1/24 dev br0');
  await host.link.add({ kind: 'bridge', name: 'br0', up: true });
  await host.link.set('veth0', { master: 'br0', up: true });
  await host.addr.add('br0', '10.1.1.1/24');

  say('ip netns exec blue ip route add default via 10.1.1.1');
  await blue.route.add({ to: 'default', via: '10.1.1.1' });

  // A stand-in for a physical NIC: eth-phys, whose other end sits in a namespace "lan" that
  // plays the physical network (a real NIC would be added to br0 the same way).
  say('ip link set eth-phys master br0   (a stand-in NIC, its far end in namespace lan)');
  const lan = await netns.create('lan');
  await host.link.add({ kind: 'veth', name: 'eth-phys', up: true, master: 'br0', peer: { name: 'eth0', netns: { handle: lan }, up: true } });
  await lan.link.set('lo', { up: true });
  await lan.addr.add('eth0', '10.1.1.100/24');

  // The seed's update: a physical interface can be moved into a namespace too.
  // nic1 stands in for a second physical NIC (a veth whose far end is in lan).
  say('ip link set dev nic1 netns blue; ... and back');
  await host.link.add({ kind: 'veth', name: 'nic1', peer: { name: 'eth1', netns: { handle: lan } } });
  await host.link.set('nic1', { netns: 'blue' });
  await blue.link.set('nic1', { netns: { handle: host } });

  return { host, blue, lan };
}

/** Undo everything the walkthrough made: host links first (a namespace's deletion takes the
 * veth peers in it away asynchronously), then the namespaces. */
export async function seedCleanup(): Promise<void> {
  const host = hostNetns();
  for (const dev of ['nic1', 'eth-phys', 'veth0', 'br0']) {
    await host.link.del(dev).catch((e: unknown) => {
      if (!(e instanceof NsnetError && e.code === 'ENODEV')) throw e;
    });
  }
  for (const name of ['blue', 'lan']) if (await netns.exists(name)) await netns.del(name);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const keep = process.argv.includes('--keep');
  const r = await seedWalkthrough((l) => console.log(`$ ${l}`));
  const ping = await r.blue.exec(['ping', '-c1', '-W2', '10.1.1.100']);
  console.log(ping.stdout.trim());
  for (const [name, h] of [['host', r.host], ['blue', r.blue]] as const) {
    const links = (await h.link.list()).map((l) => l.ifname).join(', ');
    const routes = (await h.route.list({ family: 4 })).map((x) => `${x.dst}${x.gateway ? ` via ${x.gateway}` : ''}`).join(', ');
    console.log(`${name}: links ${links}; routes ${routes}`);
  }
  r.blue.close();
  r.lan.close();
  if (!keep) await seedCleanup();
  process.exitCode = ping.code === 0 ? 0 : 1;
}
