/**
 * What the decoder robustness tests (src/wire/rtnl/malformed.test.ts) and the torture
 * fuzzer (test/torture/fuzz-cases.ts) start from: the decoder for each message type, and the
 * corpus of well-formed messages — kernel replies captured in test/golden, tc's own requests,
 * and requests our encoders build (including nests the kernel never sends back, like a veth peer).
 */
import type { NlMsg } from '../../src/wire/nlmsg.js';
import {
  decodeAddr, decodeFilter, decodeLink, decodeNeigh, decodeNsid, decodeQdisc, decodeRoute, encodeAddr, encodeFilter, encodeLink, encodeNeigh, encodeNewNsid,
  encodeQdisc, encodeRoute, RTM_DELADDR, RTM_DELLINK, RTM_DELTFILTER, RTM_DELNEIGH, RTM_DELNSID, RTM_DELQDISC, RTM_DELROUTE, RTM_NEWADDR,
  RTM_NEWLINK, RTM_NEWNEIGH, RTM_NEWNSID, RTM_NEWQDISC, RTM_NEWROUTE, RTM_NEWTFILTER, CLSACT_INGRESS,
} from '../../src/wire/rtnl/index.js';
import { loadGolden, readGoldenJson } from './golden.js';

/** The decoder for each rtnetlink message type nsnet reads. */
export const DECODERS: Readonly<Record<number, (m: NlMsg) => unknown>> = {
  [RTM_NEWLINK]: decodeLink, [RTM_DELLINK]: decodeLink,
  [RTM_NEWADDR]: decodeAddr, [RTM_DELADDR]: decodeAddr,
  [RTM_NEWROUTE]: decodeRoute, [RTM_DELROUTE]: decodeRoute,
  [RTM_NEWNEIGH]: decodeNeigh, [RTM_DELNEIGH]: decodeNeigh,
  [RTM_NEWNSID]: decodeNsid, [RTM_DELNSID]: decodeNsid,
  [RTM_NEWQDISC]: (m) => decodeQdisc(m), [RTM_DELQDISC]: (m) => decodeQdisc(m),
  [RTM_NEWTFILTER]: decodeFilter, [RTM_DELTFILTER]: decodeFilter,
};

export interface CorpusEntry {
  name: string;
  buf: Buffer;
}

/** Well-formed messages of every kind the decoders read. The veth request is named 'veth request'. */
export function decoderCorpus(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  for (const g of ['links', 'addrs', 'routes', 'routes-table100', 'neighs', 'nsids', 'qdiscs']) {
    loadGolden(g).raw.forEach((buf, i) => out.push({ name: `golden ${g}[${i}]`, buf }));
  }
  for (const file of ['tc-requests.json', 'tc-filter-requests.json']) {
    for (const [name, r] of Object.entries(readGoldenJson(file) as Record<string, { hex: string }>)) {
      out.push({ name: `golden tc ${name}`, buf: Buffer.from(r.hex, 'hex') });
    }
  }
  out.push(
    { name: 'veth request', buf: encodeLink(RTM_NEWLINK, 0x600, { flags: 1 }, { name: 'v0', mtu: 1400, alias: 'x', info: { kind: 'veth', peer: { name: 'v1', netnsFd: 3, up: true, address: '02:00:00:00:00:01', alias: 'peer' } } }) },
    { name: 'bridge request', buf: encodeLink(RTM_NEWLINK, 0x600, {}, { name: 'br0', info: { kind: 'bridge', stpState: 1, forwardDelay: 400, vlanFiltering: true, multicastSnooping: false } }) },
    { name: 'vxlan request', buf: encodeLink(RTM_NEWLINK, 0x600, {}, { name: 'vx', info: { kind: 'vxlan', id: 5, remote: 'fd00::1', local: 'fd00::2', srcPortMin: 1, srcPortMax: 2, port: 4789 } }) },
    { name: 'macvlan request', buf: encodeLink(RTM_NEWLINK, 0x600, {}, { name: 'mv', link: 2, info: { kind: 'macvlan', mode: 'bridge' } }) },
    { name: 'vlan request', buf: encodeLink(RTM_NEWLINK, 0x600, {}, { name: 'vl', link: 2, info: { kind: 'vlan', id: 10, protocol: '802.1Q' } }) },
    { name: 'addr request', buf: encodeAddr(RTM_NEWADDR, 0, { index: 2, address: 'fd00::1', prefixLen: 64, validLft: 5, flags: 0x202, metric: 3 }) },
    { name: 'route request', buf: encodeRoute(RTM_NEWROUTE, 0, { dst: '10.0.0.0/8', gateway: 'fd00::1', table: 1000, mtu: 1300 }) },
    { name: 'neigh request', buf: encodeNeigh(RTM_NEWNEIGH, 0, { index: 2, address: '10.0.0.1', lladdr: '02:00:00:00:00:01' }) },
    { name: 'nsid request', buf: encodeNewNsid(4, { fd: 3 }) },
    { name: 'bpf filter request', buf: encodeFilter(RTM_NEWTFILTER, 0x600, { index: 2, parent: CLSACT_INGRESS, spec: { kind: 'bpf', ops: [{ code: 6, jt: 0, jf: 0, k: 2 }], directAction: true, classid: 1 } }) },
    { name: 'netem request', buf: encodeQdisc(RTM_NEWQDISC, 0, { index: 2, spec: { kind: 'netem', delayUs: 1000, reorderPct: 5, corruptPct: 1, rateBps: 5e9 } }) },
  );
  return out;
}
