#!/usr/bin/env node
// Captures golden rtnetlink messages from the running kernel for the wire decoders' tests.
//
//   npx tsc -p . && node scripts/sandbox.mjs node scripts/capture-golden.mjs
//
// Inside the sandbox (a private network and mount namespace) it builds links, addresses,
// routes, neighbours, namespace ids and qdiscs with iproute2, dumps them with nsnet's own
// NetlinkSocket and writes, per dump NAME:
//   test/golden/NAME.hex      one kernel message (nlmsghdr + payload) per line, as hex
//   test/golden/NAME.ip.json  what `ip -j` (or `tc -j`) prints for the same objects
// and, when strace is installed, the bytes tc sends for a few qdiscs (tc-*.req.hex), so the
// encoders can be compared with tc's own requests. Nothing here touches the host: it refuses
// to run outside the sandbox.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.NSNET_SANDBOX !== '1') {
  console.error('capture-golden: run me inside the sandbox: node scripts/sandbox.mjs node scripts/capture-golden.mjs');
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', 'golden');
const dist = (p) => join(root, 'dist', 'src', p);
const { NetlinkSocket } = await import(dist('kernel/socket.js'));
const rtnl = await import(dist('wire/rtnl/index.js'));

const commands = [];
function sh(cmd, ...args) {
  commands.push([cmd, ...args].join(' '));
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}
function json(cmd, ...args) {
  const out = execFileSync(cmd, args, { encoding: 'utf8' });
  return JSON.parse(out);
}

// ---- build the objects ----
sh('ip', 'netns', 'add', 'gold-peer');
sh('ip', 'netns', 'add', 'gold-other');
sh('ip', 'netns', 'set', 'gold-peer', '5');
sh('ip', 'netns', 'set', 'gold-other', 'auto');

sh('ip', 'link', 'add', 've-a', 'type', 'veth', 'peer', 'name', 've-b');
sh('ip', 'link', 'add', 've-x', 'type', 'veth', 'peer', 'name', 've-y', 'netns', 'gold-peer');
sh('ip', 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '400', 'ageing_time', '30000', 'priority', '4096');
sh('ip', 'link', 'set', 've-b', 'master', 'br0');
sh('ip', 'link', 'set', 've-a', 'mtu', '1400', 'address', '02:00:00:00:00:0a', 'up');
sh('ip', 'link', 'set', 've-b', 'up');
sh('ip', 'link', 'set', 'br0', 'up');
sh('ip', 'link', 'set', 've-x', 'up');
sh('ip', 'link', 'property', 'add', 'dev', 've-a', 'altname', 'golden-link-with-a-long-name');
sh('ip', 'link', 'set', 've-a', 'alias', 'golden link');
sh('ip', 'link', 'set', 've-x', 'group', '7', 'txqueuelen', '500');
sh('ip', 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'remote', '10.0.0.9', 'local', '10.0.0.1', 'dstport', '4789', 'dev', 've-a', 'ttl', '64');
sh('ip', 'link', 'add', 'vx1', 'type', 'vxlan', 'id', '43', 'group', '239.1.1.1', 'dev', 've-a', 'dstport', '4789', 'srcport', '4000', '5000', 'nolearning');
sh('ip', 'link', 'add', 'mv0', 'link', 've-a', 'type', 'macvlan', 'mode', 'bridge');
sh('ip', 'link', 'add', 'mv1', 'link', 've-a', 'type', 'macvlan', 'mode', 'private');

sh('ip', 'addr', 'add', '10.0.0.1/24', 'brd', '+', 'dev', 've-a', 'label', 've-a:one');
sh('ip', 'addr', 'add', '10.0.5.1', 'peer', '10.0.5.2/32', 'dev', 've-a');
sh('ip', 'addr', 'add', '192.168.7.1/24', 'dev', 'br0', 'noprefixroute', 'valid_lft', '3600', 'preferred_lft', '1800');
sh('ip', '-6', 'addr', 'add', 'fd00::1/64', 'dev', 've-a', 'nodad');
sh('ip', '-6', 'addr', 'add', 'fd00:0:0:7::1/64', 'dev', 'br0', 'nodad', 'noprefixroute');

sh('ip', 'route', 'add', 'default', 'via', '10.0.0.254');
sh('ip', 'route', 'add', '172.16.0.0/16', 'via', '10.0.0.253', 'table', '100');
sh('ip', 'route', 'add', '172.17.0.0/16', 'dev', 've-a', 'table', '1000', 'metric', '50', 'mtu', '1300');
sh('ip', 'route', 'add', '198.51.100.7', 'via', '10.0.0.252', 'dev', 've-a', 'onlink');
sh('ip', 'route', 'add', '203.0.113.0/24', 'dev', 'br0', 'proto', 'static', 'src', '192.168.7.1');
sh('ip', 'route', 'add', 'blackhole', '192.0.2.0/24');
sh('ip', '-6', 'route', 'add', 'fd01::/64', 'via', 'fd00::fe', 'dev', 've-a', 'metric', '20');
sh('ip', '-6', 'route', 'add', 'default', 'via', 'fd00::1:fe', 'dev', 've-a', 'table', '100');

sh('ip', 'neigh', 'add', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 've-a', 'nud', 'permanent');
sh('ip', 'neigh', 'add', '10.0.0.10', 'lladdr', '02:00:00:00:00:10', 'dev', 've-a', 'nud', 'stale');
sh('ip', 'neigh', 'add', '10.0.0.11', 'lladdr', '02:00:00:00:00:11', 'dev', 've-a', 'nud', 'reachable');
sh('ip', '-6', 'neigh', 'add', 'fd00::9', 'lladdr', '02:00:00:00:00:19', 'dev', 've-a', 'router', 'nud', 'permanent');

sh('tc', 'qdisc', 'add', 'dev', 've-a', 'root', 'tbf', 'rate', '1mbit', 'burst', '32kb', 'latency', '400ms');
sh('tc', 'qdisc', 'add', 'dev', 've-b', 'root', 'handle', '1:', 'htb', 'default', '10');

// ---- dump with nsnet's socket ----
mkdirSync(outDir, { recursive: true });
const sock = NetlinkSocket.open();
const toHex = (m) => {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + m.payload.length, 0);
  h.writeUInt16LE(m.type, 4);
  h.writeUInt16LE(m.flags, 6);
  h.writeUInt32LE(m.seq, 8);
  h.writeUInt32LE(m.pid, 12);
  return Buffer.concat([h, m.payload]).toString('hex');
};
function dump(name, request, what, ipOut) {
  const msgs = sock.request(request, { op: 'dump', object: what });
  const header = `# ${what}: ${msgs.length} kernel messages, one per line (nlmsghdr + payload), captured by scripts/capture-golden.mjs`;
  writeFileSync(join(outDir, `${name}.hex`), [header, ...msgs.map(toHex)].join('\n') + '\n');
  writeFileSync(join(outDir, `${name}.ip.json`), JSON.stringify(ipOut, null, 2) + '\n');
  console.log(`capture-golden: ${name}: ${msgs.length} messages`);
}
dump('links', rtnl.encodeLinkDump(), 'links', json('ip', '-j', '-d', 'link', 'show'));
dump('addrs', rtnl.encodeAddrDump(), 'addresses', json('ip', '-j', 'addr', 'show'));
dump('routes', rtnl.encodeRouteDump(), 'routes (all tables, IPv4 and IPv6)', {
  inet: json('ip', '-j', '-4', 'route', 'show', 'table', 'all'),
  inet6: json('ip', '-j', '-6', 'route', 'show', 'table', 'all'),
});
dump('routes-table100', rtnl.encodeRouteDump(rtnl.AF_INET, 100), 'IPv4 routes of table 100', json('ip', '-j', '-4', 'route', 'show', 'table', '100'));
dump('neighs', rtnl.encodeNeighDump(), 'neighbours', json('ip', '-j', 'neigh', 'show', 'nud', 'all'));
dump('nsids', rtnl.encodeNsidDump(), 'namespace ids', json('ip', '-j', 'netns', 'list-id'));
dump('qdiscs', rtnl.encodeQdiscDump(), 'qdiscs', json('tc', '-j', 'qdisc', 'show'));
sock.close();

// ---- tc's own requests, for the qdisc encoders ----
const requests = {};
const filterRequests = {};
const hasStrace = spawnSync('strace', ['-V']).status === 0;
if (hasStrace) {
  const tmp = mkdtempSync(join(tmpdir(), 'nsnet-golden-'));
  const tcReq = (name, args, type = rtnl.RTM_NEWQDISC, into = requests) => {
    const log = join(tmp, name);
    // tc exits non-zero for netem (this kernel lacks it); the request was still sent.
    spawnSync('strace', ['-o', log, '-e', 'trace=sendmsg', '-e', 'write=3', 'tc', ...args], { stdio: 'ignore' });
    const blocks = [];
    let cur = null;
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      if (/^ \* \d+ bytes in buffer/.test(line)) blocks.push((cur = []));
      const m = /^ \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2}){1,16})/.exec(line);
      if (m && cur) cur.push(...m[1].trim().split(/\s+/));
    }
    const msg = blocks.map((b) => Buffer.from(b.join(''), 'hex')).find((b) => b.length >= 16 && b.readUInt16LE(4) === type);
    if (!msg) throw new Error(`capture-golden: no request of type ${type} seen for tc ${args.join(' ')}`);
    into[name] = { command: `tc ${args.join(' ')}`, hex: msg.toString('hex') };
  };
  sh('ip', 'link', 'add', 'tq0', 'type', 'veth', 'peer', 'name', 'tq1');
  tcReq('tbf', ['qdisc', 'replace', 'dev', 'tq0', 'root', 'tbf', 'rate', '1mbit', 'burst', '32kb', 'latency', '400ms']);
  tcReq('tbf-limit', ['qdisc', 'replace', 'dev', 'tq0', 'root', 'tbf', 'rate', '10gbit', 'burst', '1mb', 'limit', '100000']);
  tcReq('tbf-rate64', ['qdisc', 'replace', 'dev', 'tq0', 'root', 'tbf', 'rate', '40gbit', 'burst', '100kb', 'latency', '1ms']);
  tcReq('htb', ['qdisc', 'replace', 'dev', 'tq0', 'root', 'handle', '1:', 'htb', 'default', '10']);
  tcReq('netem', ['qdisc', 'replace', 'dev', 'tq1', 'root', 'netem', 'delay', '100ms', '10ms', 'loss', '1%', 'duplicate', '2%', 'reorder', '25%', 'corrupt', '0.5%', 'limit', '500', 'rate', '1mbit']);
  tcReq('netem-delay', ['qdisc', 'replace', 'dev', 'tq1', 'root', 'netem', 'delay', '5ms']);
  tcReq('netem-rate64', ['qdisc', 'replace', 'dev', 'tq1', 'root', 'netem', 'delay', '10ms', 'rate', '40gbit']);
  // The random-drop program of src/wire/bpf.ts (20% and 100%) as tc sends it, on clsact's ingress hook.
  sh('tc', 'qdisc', 'add', 'dev', 'tq1', 'clsact');
  tcReq('bpf-drop-20', ['filter', 'add', 'dev', 'tq1', 'ingress', 'bpf', 'da', 'bytecode', '4,32 0 0 4294963256,37 1 0 3435973836,6 0 0 0,6 0 0 2'], rtnl.RTM_NEWTFILTER, filterRequests);
  tcReq('bpf-drop-all-egress', ['filter', 'add', 'dev', 'tq1', 'egress', 'pref', '7', 'bpf', 'da', 'bytecode', '1,6 0 0 2'], rtnl.RTM_NEWTFILTER, filterRequests);
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(join(outDir, 'tc-requests.json'), JSON.stringify(requests, null, 2) + '\n');
  writeFileSync(join(outDir, 'tc-filter-requests.json'), JSON.stringify(filterRequests, null, 2) + '\n');
  console.log(`capture-golden: tc-requests: ${Object.keys(requests).length} requests`);
} else {
  console.log('capture-golden: strace not installed; tc requests not captured (tc-requests.json left as it is)');
}

const version = (cmd, ...a) => spawnSync(cmd, a, { encoding: 'utf8' }).stdout.trim();
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify({
  kernel: version('uname', '-r'),
  iproute2: version('ip', '-V'),
  psched: readFileSync('/proc/net/psched', 'utf8').trim(),
  commands,
}, null, 2) + '\n');
console.log(`capture-golden: wrote ${outDir}`);
