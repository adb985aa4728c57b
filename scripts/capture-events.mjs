#!/usr/bin/env node
// Captures real rtnetlink notifications, with the control data that names their namespace,
// for the event decoder's unit tests (src/wire/rtnl/event.test.ts).
//
//   npx tsc -p . && node scripts/sandbox.mjs node scripts/capture-events.mjs
//
// Inside the sandbox it opens one listening socket (the monitor's groups, NETLINK_LISTEN_ALL_NSID)
// in its own namespace, runs iproute2 commands step by step in it and in a namespace with
// nsid 5, and writes test/golden/events.json: per step the command, the nsid its events must
// carry (null: the listener's own namespace) and every datagram received (data and control
// bytes as hex). Refuses to run outside the sandbox.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.NSNET_SANDBOX !== '1') {
  console.error('capture-events: run me inside the sandbox: node scripts/sandbox.mjs node scripts/capture-events.mjs');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const n = await import(join(root, 'dist', 'src', 'kernel', 'native.js'));
const { MONITOR_GROUPS } = await import(join(root, 'dist', 'src', 'wire', 'rtnl', 'event.js'));

const int = (v) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};
const fd = n.socket(n.AF_NETLINK, n.SOCK_RAW | n.SOCK_CLOEXEC | n.SOCK_NONBLOCK, n.NETLINK_ROUTE);
const sa = Buffer.alloc(12);
sa.writeUInt16LE(n.AF_NETLINK, 0);
if (fd < 0 || n.bind(fd, sa, 12) !== 0) throw new Error('capture-events: cannot open a netlink socket');
for (const g of MONITOR_GROUPS) n.setsockopt(fd, n.SOL_NETLINK, n.NETLINK_ADD_MEMBERSHIP, int(g), 4);
n.setsockopt(fd, n.SOL_NETLINK, n.NETLINK_LISTEN_ALL_NSID, int(1), 4);

const data = Buffer.alloc(1 << 16);
const control = Buffer.alloc(256);
function drain() {
  const out = [];
  for (;;) {
    const msg = { name: null, namelen: 0, iov: [{ base: data, len: data.length }], iovlen: 1, control, controllen: control.length, flags: 0 };
    const r = n.recvmsg(fd, msg, 0);
    if (r < 0) break;
    out.push({ data: data.subarray(0, r).toString('hex'), control: control.subarray(0, Number(msg.controllen)).toString('hex') });
  }
  return out;
}

const sh = (args) => execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
sh(['ip', 'netns', 'add', 'ev-a']);
drain();
const steps = [];
function step(nsid, args) {
  sh(args);
  steps.push({ command: args.join(' '), nsid, datagrams: drain() });
}
step(null, ['ip', 'netns', 'set', 'ev-a', '5']);
step(5, ['ip', '-n', 'ev-a', 'link', 'add', 'br-ev', 'type', 'bridge']);
step(5, ['ip', '-n', 'ev-a', 'link', 'set', 'br-ev', 'up']);
step(5, ['ip', '-n', 'ev-a', 'addr', 'add', '10.77.0.1/24', 'dev', 'br-ev']);
step(5, ['ip', '-n', 'ev-a', '-6', 'addr', 'add', 'fd77::1/64', 'dev', 'br-ev', 'nodad']);
step(5, ['ip', '-n', 'ev-a', 'route', 'add', '10.78.0.0/16', 'via', '10.77.0.254']);
step(5, ['ip', '-n', 'ev-a', 'neigh', 'add', '10.77.0.9', 'lladdr', '02:00:00:00:77:09', 'dev', 'br-ev', 'nud', 'permanent']);
step(null, ['ip', 'link', 'add', 'ev-host', 'type', 'veth', 'peer', 'name', 'ev-node', 'netns', 'ev-a']);
step(null, ['ip', 'link', 'set', 'ev-host', 'name', 'ev-renamed']);
step(5, ['ip', '-n', 'ev-a', 'route', 'del', '10.78.0.0/16']);
step(5, ['ip', '-n', 'ev-a', 'addr', 'del', '10.77.0.1/24', 'dev', 'br-ev']);
step(5, ['ip', '-n', 'ev-a', 'link', 'del', 'br-ev']);
step(null, ['ip', 'netns', 'del', 'ev-a']);
// The namespace is freed asynchronously: wait for its RTM_DELNSID (and the veth end's removal).
for (let i = 0; i < 50 && !steps.at(-1).datagrams.some((d) => Buffer.from(d.data, 'hex').readUInt16LE(4) === 89); i++) {
  await new Promise((r) => setTimeout(r, 20));
  steps.at(-1).datagrams.push(...drain());
}
n.close(fd);

const out = join(root, 'test', 'golden', 'events.json');
const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
writeFileSync(out, JSON.stringify({ captured_by: 'scripts/capture-events.mjs', kernel, steps }, null, 1) + '\n');
console.log(`capture-events: ${steps.length} steps, ${steps.reduce((a, s) => a + s.datagrams.length, 0)} datagrams -> ${out}`);
