// Convergence as a property (issue 12): for random labs A and random edits B of them, `up A;
// up B` leaves the kernel as a fresh `up B` does (iproute2 is the witness, test/converge/kernel.ts)
// and `plan B` is then empty. The seed of a failing case is printed; NSNET_CONVERGE_SEED=N replays
// it, NSNET_CONVERGE_CASES=N runs more. The findings of issue 12 are cases of their own below.
import { haveCommand, isolate } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { examples, labSkip } from '../helpers/lab.js';
import { caseSeed } from '../torture/util.js';
import { convergeCases, describeCase, makeWan, removeWan, runPair } from '../converge/run.js';
import type { TopologyInput } from '../../src/topology/schema.js';

const skip = labSkip ?? (haveCommand('nft') ? undefined : 'nft is not installed (apt-get install nftables)');
const cases = Number(process.env.NSNET_CONVERGE_CASES ?? 10);
const seed = Number(process.env.NSNET_TORTURE_SEED ?? 20261201);

before(() => { if (!skip) makeWan(); });
after(() => { if (!skip) removeWan(); });

test(`random labs and edits: up A; up B equals a fresh up B, and plan B is empty (${cases} cases, seed ${seed})`, { skip }, async () => {
  const r = await convergeCases({ count: cases, seed, caseSeed });
  assert.equal(r.diverged, 0, r.failures.map(describeCase).join('\n\n'));
  assert.equal(r.cases, process.env.NSNET_CONVERGE_SEED === undefined ? cases : 1);
});

const router = (): TopologyInput => ({ ...(parse(readFileSync(join(examples, 'router.yaml'), 'utf8')) as TopologyInput), name: 'cv', prefix: 'cv-' });
type Nodes = Record<string, { interfaces: Record<string, { addresses?: string[]; mtu?: number }>; routes?: unknown[]; ipv6?: boolean }>;
const edit = (f: (nodes: Nodes, t: TopologyInput) => void): TopologyInput => {
  const t = router();
  f(t.nodes as Nodes, t);
  return t;
};
const pair = async (a: TopologyInput, b: TopologyInput) => {
  const problems = await runPair(a, b);
  assert.deepEqual(problems, [], problems.join('\n'));
};

test('finding 1: changing an address keeps the default route through the gateway', { skip }, async () => {
  await pair(router(), edit((n) => { n.h1!.interfaces.eth0!.addresses = ['10.0.1.20/24']; }));
});

const v6 = () => edit((n) => { n.h1!.interfaces.eth0!.addresses!.push('2001:db8:1::10/64'); n.r1!.interfaces.eth0!.addresses!.push('2001:db8:1::1/64'); });

test('finding 2: IPv6 turned on for an existing node', { skip }, async () => {
  await pair(router(), v6());
});

test('finding 2: IPv6 turned off on edit (lo loses ::1 as in a fresh up)', { skip }, async () => {
  await pair(edit((n) => { n.h1!.ipv6 = true; }), router());
  await pair(v6(), router());
});

test('finding 3: removing mtu: 1400 gives the default back', { skip }, async () => {
  await pair(edit((n) => { n.h1!.interfaces.eth0!.mtu = 1400; n.r1!.interfaces.eth0!.mtu = 1400; }), router());
});

const bridged = (mtu: { link?: number; iface?: number; bridge?: number }): TopologyInput => ({
  name: 'cv', prefix: 'cv-',
  nodes: { a: { interfaces: { eth0: { addresses: ['10.9.0.2/24'], ...(mtu.iface ? { mtu: mtu.iface } : {}) } } } },
  bridges: { br9: { addresses: ['10.9.0.1/24'], ...(mtu.bridge ? { mtu: mtu.bridge } : {}) } },
  links: [{ endpoints: ['a:eth0', 'br9'], ...(mtu.link ? { mtu: mtu.link } : {}) }],
});

test('finding 4: an MTU edit of a node\'s end of a veth to a bridge changes the bridge port too, as a fresh up makes it', { skip }, async () => {
  await pair(bridged({ iface: 1400 }), bridged({ iface: 1300 }));
});

test('an MTU edit of a veth to a bridge (the link\'s mtu) changes both ends', { skip }, async () => {
  await pair(bridged({ link: 1400 }), bridged({ link: 1300 }));
});

test('a bridge keeps the MTU its file sets when ports join; set, changed or removed on edit it is as a fresh up makes it', { skip }, async () => {
  await pair(bridged({}), bridged({ bridge: 1450 }));
  await pair(bridged({ iface: 1400 }), bridged({ iface: 1400, bridge: 1400 })); // the MTU it has from its port, now the file's
  await pair(bridged({ bridge: 1450 }), bridged({ bridge: 1300 }));
  await pair(bridged({ bridge: 1450, iface: 1400 }), bridged({ iface: 1400 }));
});

test('a sysctl taken out of the file goes back to a new namespace\'s value, as a fresh up has it', { skip }, async () => {
  const sysctls = (t: TopologyInput) => (t.nodes as Record<string, { sysctls?: Record<string, string | number> }>).r1!;
  const on = edit((_, t) => { sysctls(t).sysctls = { ...sysctls(t).sysctls, 'net.ipv6.conf.all.forwarding': 1, 'net.ipv4.conf.all.rp_filter': 2 }; });
  await pair(on, edit((_, t) => { delete sysctls(t).sysctls; }));
});

test('a MAC taken out of the file gives a new random one; a MAC changed with IPv6 on moves the link-local address with it', { skip }, async () => {
  const mac = (m: string | undefined, v6 = false) => edit((n) => {
    if (m) (n.h1!.interfaces.eth0 as { mac?: string }).mac = m;
    if (v6) n.h1!.ipv6 = true;
  });
  await pair(mac('02:00:00:00:01:01'), mac(undefined));
  await pair(mac(undefined, true), mac('02:00:00:00:01:02', true));
  await pair(mac('02:00:00:00:01:01', true), mac('02:00:00:00:01:02', true));
  await pair(mac('02:00:00:00:01:01', true), mac(undefined, true));
});
