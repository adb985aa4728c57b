// The seed's walkthrough on the public API, proven with ping and with what each namespace sees.
import { isolate, kernelSkip, haveCommand } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { seedCleanup, seedWalkthrough, type WalkthroughResult } from '../../examples/seed-walkthrough.js';
import { netns } from '../../src/index.js';

const skip = kernelSkip ?? (haveCommand('ping') ? undefined : 'ping is not installed (apt-get install iputils-ping)');

test('the seed walkthrough: blue reaches the host and the stand-in physical network', { skip }, async (t) => {
  const steps: string[] = [];
  let r: WalkthroughResult | undefined;
  t.after(async () => {
    r?.blue.close();
    r?.lan.close();
    await seedCleanup();
  });
  r = await seedWalkthrough((s) => steps.push(s));
  assert.ok(steps.includes('ip netns add blue'));

  // ip netns list sees what nsnet made.
  const ipList = execFileSync('ip', ['netns', 'list']).toString();
  assert.match(ipList, /^blue\b/m);
  assert.match(ipList, /^lan\b/m);

  // blue reaches the host side of the bridge, and the "physical" network behind it.
  for (const dst of ['10.1.1.1', '10.1.1.100']) {
    const p = await r.blue.exec(['ping', '-c1', '-W2', dst]);
    assert.equal(p.code, 0, `ping ${dst} from blue: ${p.stdout}${p.stderr}`);
  }
  // ip netns exec (iproute2's own) works on nsnet's namespace too.
  execFileSync('ip', ['netns', 'exec', 'blue', 'ping', '-c1', '-W2', '10.1.1.1']);
});

test('each namespace sees only its own links, addresses and routes', { skip }, async (t) => {
  let r: WalkthroughResult | undefined;
  t.after(async () => {
    r?.blue.close();
    r?.lan.close();
    await seedCleanup();
  });
  r = await seedWalkthrough();
  const blueLinks = (await r.blue.link.list()).map((l) => l.ifname).sort();
  assert.deepEqual(blueLinks, ['lo', 'veth1']);
  const hostLinks = (await r.host.link.list()).map((l) => l.ifname);
  for (const n of ['veth0', 'br0', 'eth-phys', 'nic1']) assert.ok(hostLinks.includes(n), `host has ${n}`);
  assert.ok(!hostLinks.includes('veth1'), 'veth1 is not in the host namespace');

  const blueAddrs = (await r.blue.addr.list({ family: 4 })).map((a) => `${a.ifname} ${a.cidr}`);
  assert.deepEqual(blueAddrs.sort(), ['lo 127.0.0.1/8', 'veth1 10.1.1.2/24']);
  const hostAddrs = (await r.host.addr.list({ family: 4 })).map((a) => a.cidr);
  assert.ok(hostAddrs.includes('10.1.1.1/24'));
  assert.ok(!hostAddrs.includes('10.1.1.2/24'));

  const blueRoutes = await r.blue.route.list({ family: 4 });
  const def = blueRoutes.find((x) => x.dst === 'default');
  assert.equal(def?.gateway, '10.1.1.1');
  assert.equal(def?.dev, 'veth1');
  const hostDefault = (await r.host.route.list({ family: 4 })).find((x) => x.dst === 'default');
  assert.notEqual(hostDefault?.gateway, '10.1.1.1', 'blue\'s default route is blue\'s alone');

  // The veth pair across namespaces: veth0's peer is veth1 in blue, by ifindex and namespace.
  const veth0 = await r.host.link.get('veth0');
  const veth1 = await r.blue.link.get('veth1');
  assert.equal(veth0.kind, 'veth');
  assert.equal(veth0.master, 'br0');
  assert.equal(veth0.link_index, veth1.ifindex);
  assert.equal(veth0.peerNetns, 'blue');
  assert.equal(veth1.peerNetns, 'host');

  // What nsnet lists is what iproute2 lists.
  const ipj = JSON.parse(execFileSync('ip', ['-n', 'blue', '-j', 'link', 'show']).toString()) as Array<{ ifindex: number; ifname: string; mtu: number; address: string }>;
  const ours = await r.blue.link.list();
  assert.deepEqual(
    ours.map((l) => [l.ifindex, l.ifname, l.mtu, l.address]),
    ipj.map((l) => [l.ifindex, l.ifname, l.mtu, l.address]),
  );

  // The NIC moved into blue and back is in the host namespace again.
  assert.ok(await r.host.link.exists('nic1'));
  assert.ok(!(await r.blue.link.exists('nic1')));
});

test('nothing of the walkthrough is left after cleanup', { skip }, async () => {
  const r = await seedWalkthrough();
  r.blue.close();
  r.lan.close();
  await seedCleanup();
  assert.deepEqual((await netns.list()).map((n) => n.name), []);
  const left = execFileSync('ip', ['-o', 'link', 'show']).toString();
  for (const n of ['veth0', 'br0', 'eth-phys', 'nic1']) assert.ok(!left.includes(` ${n}:`) && !left.includes(` ${n}@`), `${n} is gone`);
});
