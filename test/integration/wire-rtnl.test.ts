// The rtnetlink encoders against the kernel, with no api layer in between: each request built
// by src/wire/rtnl is sent with NetlinkSocket, and the result is read back with iproute2
// (ip -j, tc -j) and with our own dump encoders and decoders. Kinds this kernel lacks (vlan,
// netem) skip with the kernel's reason.
import { isolate, kernelSkip } from '../helpers/sandbox.js';
isolate(import.meta.url);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { KernelError } from '../../src/kernel/errors.js';
import { NetlinkSocket } from '../../src/kernel/socket.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../src/wire/nlmsg.js';
import * as r from '../../src/wire/rtnl/index.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const skip = kernelSkip;
const NEW = NLM_F_CREATE | NLM_F_EXCL;
const ip = (...args: string[]): string => execFileSync('ip', args).toString();
const ipj = (...args: string[]): J[] => JSON.parse(ip('-j', ...args)) as J[];
const tcj = (...args: string[]): J[] => JSON.parse(execFileSync('tc', ['-j', ...args]).toString()) as J[];

function withSocket(fn: (s: NetlinkSocket) => void): void {
  const s = NetlinkSocket.open();
  try {
    fn(s);
  } finally {
    s.close();
  }
}
const ctx = (object: string) => ({ op: 'test', object });
const indexOf = (s: NetlinkSocket, name: string): number => {
  const [m] = s.request(r.encodeLink(r.RTM_GETLINK, 0, {}, { name }), ctx(name));
  return r.decodeLink(m!).index;
};

test('links: veth with its peer made up in another namespace, bridge, vxlan, macvlan, altname, alias', { skip }, () => {
  ip('netns', 'add', 'w-peer');
  const fd = openSync('/run/netns/w-peer', 'r');
  try {
    withSocket((s) => {
      s.request(r.encodeLink(r.RTM_NEWLINK, NEW, { flags: r.IFF_UP }, {
        name: 'w-a', mtu: 1400, info: { kind: 'veth', peer: { name: 'w-b', netnsFd: fd, mtu: 1400, address: '02:00:00:00:0b:01' } },
      }), ctx('veth w-a'));
      // The peer is configured before the veth pair is joined, so it cannot be opened yet:
      // IFF_UP in its ifinfomsg gets ENOTCONN from veth_open. Bring it up afterwards.
      ip('-n', 'w-peer', 'link', 'set', 'w-b', 'up');
      s.request(r.encodeLink(r.RTM_NEWLINK, NEW, {}, {
        name: 'w-br', info: { kind: 'bridge', stpState: 0, forwardDelay: 400, priority: 4096, ageingTime: 30000, multicastSnooping: false },
      }), ctx('bridge w-br'));
      const a = indexOf(s, 'w-a');
      s.request(r.encodeLink(r.RTM_NEWLINK, NEW, {}, {
        name: 'w-vx', info: { kind: 'vxlan', id: 4242, remote: '10.9.0.2', local: '10.9.0.1', link: a, port: 4789, ttl: 32, learning: false, srcPortMin: 4000, srcPortMax: 5000 },
      }), ctx('vxlan w-vx'));
      s.request(r.encodeLink(r.RTM_NEWLINK, NEW, {}, { name: 'w-mv', link: a, info: { kind: 'macvlan', mode: 'private' } }), ctx('macvlan w-mv'));
      s.request(r.encodeLink(r.RTM_NEWLINKPROP, NEW, { index: a }, { altnames: ['w-a-has-a-much-longer-name'] }), ctx('altname'));
      s.request(r.encodeLink(r.RTM_NEWLINK, 0, { index: a }, { alias: 'wire test' }), ctx('alias'));
      // w-a has a macvlan on it (which takes its rx handler), so a second veth is the bridge port.
      s.request(r.encodeLink(r.RTM_NEWLINK, NEW, {}, { name: 'w-p', master: indexOf(s, 'w-br'), info: { kind: 'veth', peer: { name: 'w-pp' } } }), ctx('veth w-p in w-br'));

      const [va] = ipj('-d', 'link', 'show', 'w-a');
      assert.equal(va!.mtu, 1400);
      assert.ok((va!.flags as string[]).includes('UP'));
      assert.equal(va!.ifalias, 'wire test');
      assert.deepEqual(va!.altnames, ['w-a-has-a-much-longer-name']);
      assert.equal(ipj('link', 'show', 'w-p')[0]!.master, 'w-br');
      assert.equal(typeof va!.link_netnsid, 'number');
      const [vb] = JSON.parse(ip('-n', 'w-peer', '-j', 'link', 'show', 'w-b')) as J[];
      assert.equal(vb!.mtu, 1400);
      assert.equal(vb!.address, '02:00:00:00:0b:01');
      assert.ok((vb!.flags as string[]).includes('UP'));
      assert.ok((va!.flags as string[]).includes('LOWER_UP'), 'carrier once both ends are up');
      const [br] = ipj('-d', 'link', 'show', 'w-br');
      assert.equal(br!.linkinfo.info_data.forward_delay, 400);
      assert.equal(br!.linkinfo.info_data.priority, 4096);
      assert.equal(br!.linkinfo.info_data.ageing_time, 30000);
      assert.equal(br!.linkinfo.info_data.mcast_snooping, 0);
      const [vx] = ipj('-d', 'link', 'show', 'w-vx');
      const d = vx!.linkinfo.info_data as J;
      assert.deepEqual([d.id, d.remote, d.local, d.link, d.port, d.ttl, d.learning, d.port_range], [4242, '10.9.0.2', '10.9.0.1', 'w-a', 4789, 32, false, { low: 4000, high: 5000 }]);
      const [mv] = ipj('-d', 'link', 'show', 'w-mv');
      assert.equal(mv!.linkinfo.info_data.mode, 'private');
      assert.equal(mv!.link, 'w-a');

      // Our dump, filtered by kind in the kernel, decodes the same.
      const veths = s.request(r.encodeLinkDump({ kind: 'veth' }), ctx('veth dump')).map(r.decodeLink);
      assert.deepEqual(veths.map((l) => l.name).sort(), ['w-a', 'w-p', 'w-pp']);
      assert.equal(veths.find((l) => l.name === 'w-p')!.slaveKind, 'bridge');
      assert.equal(veths.find((l) => l.name === 'w-p')!.master, indexOf(s, 'w-br'));
      const ports = s.request(r.encodeLinkDump({ master: indexOf(s, 'w-br') }), ctx('ports of w-br')).map(r.decodeLink);
      assert.deepEqual(ports.map((l) => l.name), ['w-p']);
      const vxd = s.request(r.encodeLinkDump({ kind: 'vxlan' }), ctx('vxlan dump')).map(r.decodeLink);
      assert.deepEqual(vxd[0]!.info, { kind: 'vxlan', id: 4242, remote: '10.9.0.2', local: '10.9.0.1', link: a, port: 4789, ttl: 32, tos: 0, learning: false, srcPortMin: 4000, srcPortMax: 5000 });

      // A name the kernel would refuse never leaves the encoder.
      assert.throws(() => r.encodeLink(r.RTM_NEWLINK, NEW, {}, { name: 'x'.repeat(16), info: { kind: 'veth' } }), /15/);
    });
  } finally {
    closeSync(fd);
  }
});

test('links: a veth peer cannot come up with its creation (the kernel answers ENOTCONN)', { skip }, () => {
  withSocket((s) => {
    try {
      s.request(r.encodeLink(r.RTM_NEWLINK, NEW, {}, { name: 'w-u', info: { kind: 'veth', peer: { name: 'w-up', up: true } } }), ctx('veth w-u'));
      // A kernel that joins the pair first would accept it: then the peer must be up.
      assert.ok((ipj('link', 'show', 'w-up')[0]!.flags as string[]).includes('UP'));
    } catch (e) {
      assert.ok(e instanceof KernelError && e.code === 'ENOTCONN', String(e));
      assert.equal(ipj('link', 'show').filter((l) => l.ifname === 'w-u' || l.ifname === 'w-up').length, 0, 'nothing half-made');
    }
  });
});

test('links: 802.1Q vlan (this kernel may lack it)', { skip }, (t) => {
  withSocket((s) => {
    s.request(r.encodeLink(r.RTM_NEWLINK, NEW, {}, { name: 'w-lo', info: { kind: 'veth', peer: { name: 'w-lo-p' } } }), ctx('veth w-lo'));
    try {
      s.request(r.encodeLink(r.RTM_NEWLINK, NEW, {}, { name: 'w-lo.7', link: indexOf(s, 'w-lo'), info: { kind: 'vlan', id: 7, protocol: '802.1Q' } }), ctx('vlan w-lo.7'));
    } catch (e) {
      if (e instanceof KernelError && (e.errno === 95 || e.code === 'ENOENT' || e.code === 'EINVAL')) {
        t.skip(`kernel has no 802.1q vlan support: ${e.message}`);
        return;
      }
      throw e;
    }
    const [v] = ipj('-d', 'link', 'show', 'w-lo.7');
    assert.equal(v!.linkinfo.info_data.id, 7);
    assert.equal(v!.linkinfo.info_data.protocol, '802.1Q');
  });
});

test('addresses, routes (tables 100 and 1000), neighbours, nsid', { skip }, () => {
  ip('netns', 'add', 'w-ns');
  const fd = openSync('/run/netns/w-ns', 'r');
  try {
    withSocket((s) => {
      s.request(r.encodeLink(r.RTM_NEWLINK, NEW, { flags: r.IFF_UP }, { name: 'w-c', info: { kind: 'veth', peer: { name: 'w-d' } } }), ctx('veth w-c'));
      const c = indexOf(s, 'w-c');
      s.request(r.encodeLink(r.RTM_NEWLINK, 0, { index: indexOf(s, 'w-d'), flags: r.IFF_UP }), ctx('up w-d'));
      s.request(r.encodeAddr(r.RTM_NEWADDR, NEW, { index: c, address: '10.20.0.1', prefixLen: 24, broadcast: true, label: 'w-c:x' }), ctx('addr'));
      s.request(r.encodeAddr(r.RTM_NEWADDR, NEW, { index: c, address: 'fd20::1', prefixLen: 64, flags: r.IFA_F_NODAD, validLft: 3600, preferredLft: 1800 }), ctx('addr6'));
      s.request(r.encodeRoute(r.RTM_NEWROUTE, NEW, { dst: '172.30.0.0/16', gateway: '10.20.0.254', table: 100 }), ctx('route t100'));
      s.request(r.encodeRoute(r.RTM_NEWROUTE, NEW, { dst: '172.31.0.0/16', oif: c, table: 1000, metric: 7, mtu: 1300 }), ctx('route t1000'));
      s.request(r.encodeRoute(r.RTM_NEWROUTE, NEW, { dst: 'default', gateway: '10.20.0.254' }), ctx('default route'));
      s.request(r.encodeRoute(r.RTM_NEWROUTE, NEW, { dst: 'fd21::/64', gateway: 'fd20::fe', oif: c }), ctx('route6'));
      s.request(r.encodeNeigh(r.RTM_NEWNEIGH, NEW, { index: c, address: '10.20.0.9', lladdr: '02:00:00:00:00:09' }), ctx('neigh'));
      s.request(r.encodeNeigh(r.RTM_NEWNEIGH, NEW, { index: c, address: 'fd20::9', lladdr: '02:00:00:00:00:19', flags: r.NTF_ROUTER }), ctx('neigh6'));
      s.request(r.encodeNewNsid(9, { fd }), ctx('nsid'));

      const ai = ipj('addr', 'show', 'w-c')[0]!.addr_info as J[];
      const v4 = ai.find((a) => a.local === '10.20.0.1')!;
      assert.deepEqual([v4.prefixlen, v4.broadcast, v4.label], [24, '10.20.0.255', 'w-c:x']);
      const v6 = ai.find((a) => a.local === 'fd20::1')!;
      assert.deepEqual([v6.nodad, v6.valid_life_time, v6.preferred_life_time], [true, 3600, 1800]);
      const ours = s.request(r.encodeAddrDump(r.AF_INET6, c), ctx('addr dump')).map(r.decodeAddr);
      assert.ok(ours.every((a) => a.family === 6 && a.index === c), 'filtered by family and index in the kernel');
      assert.ok(ours.some((a) => a.address === 'fd20::1' && a.flagNames.includes('nodad')));

      assert.deepEqual(ipj('route', 'show', 'table', '100').map((x) => [x.dst, x.gateway]), [['172.30.0.0/16', '10.20.0.254']]);
      const [t1000] = ipj('route', 'show', 'table', '1000');
      assert.deepEqual([t1000!.dst, t1000!.dev, t1000!.metric, t1000!.metrics?.[0]?.mtu, t1000!.scope], ['172.31.0.0/16', 'w-c', 7, 1300, 'link']);
      const t1000ours = s.request(r.encodeRouteDump(r.AF_INET, 1000), ctx('route dump')).map(r.decodeRoute);
      assert.deepEqual(t1000ours.map((x) => [x.dst, x.table, x.metric, x.mtu]), [['172.31.0.0/16', 1000, 7, 1300]]);
      assert.ok(ipj('route', 'show').some((x) => x.dst === 'default' && x.gateway === '10.20.0.254'));
      assert.ok(ipj('-6', 'route', 'show').some((x) => x.dst === 'fd21::/64' && x.gateway === 'fd20::fe'));

      const n = ipj('neigh', 'show', 'dev', 'w-c');
      assert.deepEqual(n.find((x) => x.dst === '10.20.0.9')!.state, ['PERMANENT']);
      assert.ok('router' in n.find((x) => x.dst === 'fd20::9')!);
      const nOurs = s.request(r.encodeNeighDump(r.AF_INET, c), ctx('neigh dump')).map(r.decodeNeigh);
      assert.deepEqual(nOurs.map((x) => [x.address, x.lladdr, x.state]), [['10.20.0.9', '02:00:00:00:00:09', ['PERMANENT']]]);

      const [got] = s.request(r.encodeGetNsid({ fd }), ctx('get nsid'));
      assert.equal(r.decodeNsid(got!).nsid, 9);
      assert.ok(ipj('netns', 'list-id').some((x) => x.nsid === 9));
      assert.ok(s.request(r.encodeNsidDump(), ctx('nsid dump')).map(r.decodeNsid).some((x) => x.nsid === 9));
    });
  } finally {
    closeSync(fd);
  }
});

test('qdiscs: tbf and htb as tc shows them; netem where the kernel has it', { skip }, (t) => {
  withSocket((s) => {
    s.request(r.encodeLink(r.RTM_NEWLINK, NEW, {}, { name: 'w-q', info: { kind: 'veth', peer: { name: 'w-qp' } } }), ctx('veth w-q'));
    const q = indexOf(s, 'w-q');
    const qp = indexOf(s, 'w-qp');
    s.request(r.encodeQdisc(r.RTM_NEWQDISC, NEW, { index: q, spec: { kind: 'tbf', rateBps: 125_000, burstBytes: 32_768, latencyUs: 400_000 } }), ctx('tbf'));
    s.request(r.encodeQdisc(r.RTM_NEWQDISC, NEW, { index: qp, handle: r.tcHandle(1, 0), spec: { kind: 'htb', defaultClass: 0x10 } }), ctx('htb'));
    const [tbf] = tcj('qdisc', 'show', 'dev', 'w-q');
    assert.equal(tbf!.kind, 'tbf');
    assert.deepEqual(tbf!.options, { rate: 125000, burst: 32768, lat: 400000 });
    const [htb] = tcj('qdisc', 'show', 'dev', 'w-qp');
    assert.deepEqual([htb!.kind, htb!.handle, htb!.options.default], ['htb', '1:', '0x10']);
    const ours = s.request(r.encodeQdiscDump(), ctx('qdisc dump')).map((m) => r.decodeQdisc(m));
    assert.deepEqual(ours.find((x) => x.index === q)!.spec, { kind: 'tbf', rateBps: 125_000, burstBytes: 32_768, limitBytes: 82_768 });
    s.request(r.encodeQdisc(r.RTM_DELQDISC, 0, { index: q }), ctx('del tbf'));
    assert.ok(!tcj('qdisc', 'show', 'dev', 'w-q').some((x) => x.kind === 'tbf'));
    try {
      s.request(r.encodeQdisc(r.RTM_NEWQDISC, NEW, { index: q, spec: { kind: 'netem', delayUs: 5000 } }), ctx('netem'));
    } catch (e) {
      if (e instanceof KernelError && (e.errno === 95 || e.code === 'ENOENT' || e.code === 'EINVAL')) {
        t.skip(`kernel has no netem: ${e.message}`);
        return;
      }
      throw e;
    }
    const [ne] = tcj('qdisc', 'show', 'dev', 'w-q');
    assert.equal(ne!.kind, 'netem');
    assert.equal(ne!.options.delay.delay, 0.005);
  });
});
