/**
 * The event decoder against real notifications: test/golden/events.json was captured by
 * scripts/capture-events.mjs, one listening socket (all nsids) in the sandbox while iproute2
 * commands ran, each step recording which namespace it acted in. What each command did is
 * known independently of the decoder, so the decoded events must say it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessages } from '../nlmsg.js';
import { WireError } from '../errors.js';
import { cmsgNsid, decodeEvent, type RtnlEvent } from './event.js';
import { readGoldenJson } from '../../../test/helpers/golden.js';

interface Step {
  command: string;
  nsid: number | null;
  datagrams: { data: string; control: string }[];
}
const golden = readGoldenJson('events.json') as { steps: Step[] };

function eventsOf(s: Step): { nsid: number | undefined; ev: RtnlEvent }[] {
  return s.datagrams.flatMap((d) => {
    const nsid = cmsgNsid(Buffer.from(d.control, 'hex'));
    return parseMessages(Buffer.from(d.data, 'hex')).map((m) => ({ nsid, ev: decodeEvent(m)! }));
  });
}
const step = (prefix: string): Step => {
  const s = golden.steps.find((x) => x.command.startsWith(prefix));
  assert.ok(s, `golden step ${prefix}`);
  return s;
};

test('every captured notification decodes, tagged with the namespace its command acted in', () => {
  assert.ok(golden.steps.length >= 10);
  for (const s of golden.steps) {
    const evs = eventsOf(s);
    assert.ok(evs.length > 0, `${s.command}: no events`);
    for (const { ev } of evs) assert.ok(ev, `${s.command}: an undecoded message`);
    // A command in a namespace yields events from there only; the host's own carry no nsid.
    // (A veth made across namespaces and a namespace's deletion touch both sides.)
    if (s.command.includes('peer') || s.command.includes('netns del')) continue;
    for (const { nsid } of evs) assert.equal(nsid ?? null, s.nsid, s.command);
  }
});

test('link events: a bridge appears, goes up, is renamed and deleted, as the commands did', () => {
  const added = eventsOf(step('ip -n ev-a link add br-ev')).filter((e) => e.ev.kind === 'link');
  assert.equal(added.length, 1);
  const a = added[0]!.ev;
  assert.ok(a.kind === 'link' && a.action === 'new' && a.link.name === 'br-ev' && a.link.kind === 'bridge');
  assert.equal(added[0]!.nsid, 5);
  const up = eventsOf(step('ip -n ev-a link set br-ev up')).find((e) => e.ev.kind === 'link')!.ev;
  assert.ok(up.kind === 'link' && up.link.flagNames.includes('UP'));
  const renamed = eventsOf(step('ip link set ev-host name')).map((e) => e.ev);
  assert.deepEqual(renamed.map((e) => e.kind === 'link' && e.link.name), ['ev-renamed']);
  const del = eventsOf(step('ip -n ev-a link del br-ev')).filter((e) => e.ev.kind === 'link' && e.ev.action === 'del');
  assert.deepEqual(del.map((e) => e.ev.kind === 'link' && e.ev.link.name), ['br-ev']);
  const veth = eventsOf(step('ip link add ev-host')).map((e) => [e.nsid ?? null, e.ev.kind === 'link' ? e.ev.link.name : '']);
  assert.deepEqual(veth.sort(), [[5, 'ev-node'], [null, 'ev-host']].sort());
});

test('address, route and neighbour events carry what the commands set', () => {
  const v4 = eventsOf(step('ip -n ev-a addr add 10.77.0.1/24')).map((e) => e.ev).find((e) => e.kind === 'addr');
  assert.ok(v4?.kind === 'addr' && v4.action === 'new' && v4.addr.address === '10.77.0.1' && v4.addr.prefixLen === 24 && v4.addr.label === 'br-ev');
  const v6 = eventsOf(step('ip -n ev-a -6 addr add')).map((e) => e.ev).find((e) => e.kind === 'addr');
  assert.ok(v6?.kind === 'addr' && v6.addr.address === 'fd77::1' && v6.addr.prefixLen === 64 && v6.addr.family === 6);
  const rt = eventsOf(step('ip -n ev-a route add')).map((e) => e.ev);
  assert.ok(rt.length === 1 && rt[0]!.kind === 'route' && rt[0]!.action === 'new' && rt[0]!.route.dst === '10.78.0.0/16' && rt[0]!.route.gateway === '10.77.0.254');
  const rtDel = eventsOf(step('ip -n ev-a route del')).map((e) => e.ev);
  assert.ok(rtDel.length === 1 && rtDel[0]!.kind === 'route' && rtDel[0]!.action === 'del' && rtDel[0]!.route.dst === '10.78.0.0/16');
  const nb = eventsOf(step('ip -n ev-a neigh add')).map((e) => e.ev);
  assert.ok(nb[0]?.kind === 'neigh' && nb[0].neigh.address === '10.77.0.9' && nb[0].neigh.lladdr === '02:00:00:00:77:09' && nb[0].neigh.state.includes('PERMANENT'));
  const addrDel = eventsOf(step('ip -n ev-a addr del')).map((e) => e.ev).find((e) => e.kind === 'addr');
  assert.ok(addrDel?.kind === 'addr' && addrDel.action === 'del' && addrDel.addr.address === '10.77.0.1');
});

test('namespace ids: assigned (RTM_NEWNSID) and gone with their namespace (RTM_DELNSID), in the listener namespace', () => {
  const set = eventsOf(step('ip netns set ev-a 5'));
  assert.ok(set.length === 1 && set[0]!.nsid === undefined && set[0]!.ev.kind === 'nsid' && set[0]!.ev.action === 'new' && set[0]!.ev.nsid.nsid === 5);
  const gone = eventsOf(step('ip netns del ev-a')).map((e) => e.ev).find((e) => e.kind === 'nsid');
  assert.ok(gone?.kind === 'nsid' && gone.action === 'del' && gone.nsid.nsid === 5);
});

test('control data: the nsid message among others, none, and a malformed length', () => {
  const cm = (level: number, type: number, v: number): Buffer => {
    const b = Buffer.alloc(24);
    b.writeBigUInt64LE(20n, 0);
    b.writeInt32LE(level, 8);
    b.writeInt32LE(type, 12);
    b.writeInt32LE(v, 16);
    return b;
  };
  assert.equal(cmsgNsid(Buffer.alloc(0)), undefined);
  assert.equal(cmsgNsid(Buffer.concat([cm(270, 3, 9), cm(270, 8, 42)])), 42);
  assert.equal(cmsgNsid(cm(1, 8, 42)), undefined);
  const bad = cm(270, 8, 1);
  bad.writeBigUInt64LE(400n, 0);
  assert.throws(() => cmsgNsid(bad), WireError);
});

test('a message type a monitor does not ask for is no event', () => {
  const m = { type: 36, flags: 0, seq: 0, pid: 0, payload: Buffer.alloc(20), offset: 0 };
  assert.equal(decodeEvent(m), undefined);
});
