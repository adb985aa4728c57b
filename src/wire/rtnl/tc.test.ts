import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { RTM_DELQDISC, RTM_GETQDISC, RTM_NEWQDISC, TC_H_ROOT, tcHandle } from './constants.js';
import {
  decodeQdisc, encodeQdisc, encodeQdiscDump, parsePsched, PSCHED_DEFAULT, type QdiscSpec, ticksPerUsec, usecToTicks, xmitTicks,
} from './tc.js';
import { readGoldenJson } from '../../../test/helpers/golden.js';
import { attr, attrStr, attrU32, attrU64, BufferList, nlmsg, one } from './testing.js';

// <linux/rtnetlink.h>, <linux/pkt_sched.h>
const TCA = { KIND: 1, OPTIONS: 2 };
const TBF = { PARMS: 1, RTAB: 2, RATE64: 4, BURST: 6 };
const NETEM = { REORDER: 3, CORRUPT: 4, RATE: 6, RATE64: 8, LATENCY64: 10 };
const HTB_INIT = 2;
const CREATE_EXCL = 0x600;
/** struct tcmsg */
const tcmsg = (index: number, handle: number, parent: number): Buffer =>
  new BufferList().u8(0).u8(0).u16(0).i32(index).u32(handle).u32(parent).u32(0).join();

test('psched: this kernel family prints 15.625 ticks per microsecond; tc_core_init rules', () => {
  const p = parsePsched('000003e8 00000040 000f4240 3b9aca00\n');
  assert.deepEqual(p, { t2us: 1000, us2t: 64, clockRes: 1_000_000 });
  assert.deepEqual(p, PSCHED_DEFAULT);
  assert.equal(ticksPerUsec(p), 15.625);
  // clock_res = 1e9: iproute2 then takes t2us = us2t (1 tick per ns); 1 ms is 1e6 ticks.
  assert.equal(ticksPerUsec({ t2us: 1000, us2t: 1, clockRes: 1_000_000_000 }), 1000);
  assert.equal(usecToTicks(5000), 78125);
  assert.throws(() => parsePsched('garbage'), WireError);
});

test('netem: every option, bytes as tc builds them (qopt then attributes inside TCA_OPTIONS)', () => {
  const spec: QdiscSpec = { kind: 'netem', delayUs: 100_000, jitterUs: 10_000, lossPct: 1, duplicatePct: 2, reorderPct: 25, corruptPct: 0.5, limit: 500, rateBps: 125_000 };
  // Percentages are rint(p/100 * (2^32-1)); times are us * 15.625 ticks.
  const qopt = new BufferList().u32(1_562_500).u32(500).u32(42_949_673).u32(1).u32(85_899_346).u32(156_250).join();
  const expect = nlmsg(RTM_NEWQDISC, CREATE_EXCL, tcmsg(2, 0, TC_H_ROOT), attrStr(TCA.KIND, 'netem'),
    attr(TCA.OPTIONS, Buffer.concat([qopt,
      attr(NETEM.REORDER, new BufferList().u32(1_073_741_824).u32(0)),
      attr(NETEM.CORRUPT, new BufferList().u32(21_474_836).u32(0)),
      attr(NETEM.RATE, new BufferList().u32(125_000).u32(0).u32(0).u32(0))])));
  assert.equal(encodeQdisc(RTM_NEWQDISC, CREATE_EXCL, { index: 2, spec }).toString('hex'), expect.toString('hex'));
});

test('netem: delay only; rates and delays beyond 32 bits use RATE64 and LATENCY64', () => {
  const expect = nlmsg(RTM_NEWQDISC, 0, tcmsg(2, 0, TC_H_ROOT), attrStr(TCA.KIND, 'netem'),
    attr(TCA.OPTIONS, new BufferList().u32(78_125).u32(1000).u32(0).u32(0).u32(0).u32(0).join()));
  assert.equal(encodeQdisc(RTM_NEWQDISC, 0, { index: 2, spec: { kind: 'netem', delayUs: 5000 } }).toString('hex'), expect.toString('hex'));
  const big = encodeQdisc(RTM_NEWQDISC, 0, { index: 2, spec: { kind: 'netem', delayUs: 300_000_000, rateBps: 5_000_000_000 } });
  const expectBig = nlmsg(RTM_NEWQDISC, 0, tcmsg(2, 0, TC_H_ROOT), attrStr(TCA.KIND, 'netem'),
    attr(TCA.OPTIONS, Buffer.concat([new BufferList().u32(0xffffffff).u32(1000).u32(0).u32(0).u32(0).u32(0).join(),
      attrU64(NETEM.RATE64, 5_000_000_000n), attr(NETEM.RATE, new BufferList().u32(0xffffffff).u32(0).u32(0).u32(0)),
      attrU64(NETEM.LATENCY64, 300_000_000_000n)])));
  assert.equal(big.toString('hex'), expectBig.toString('hex'));
  const d = decodeQdisc(one(big));
  assert.deepEqual(d.spec, { kind: 'netem', limit: 1000, delayUs: 300_000_000, rateBps: 5_000_000_000 });
});

test('netem refuses reordering without delay and percentages out of range', () => {
  assert.throws(() => encodeQdisc(RTM_NEWQDISC, 0, { index: 2, spec: { kind: 'netem', reorderPct: 10 } }), WireError);
  assert.throws(() => encodeQdisc(RTM_NEWQDISC, 0, { index: 2, spec: { kind: 'netem', lossPct: 101 } }), WireError);
  assert.throws(() => encodeQdisc(RTM_NEWQDISC, 0, { index: 2, spec: { kind: 'netem', lossPct: -1 } }), WireError);
});

test('tbf 1mbit burst 32kb latency 400ms: tc_tbf_qopt, burst and the 256-slot rate table', () => {
  // rate 125000 B/s; cell_log 3 (mtu 2047); rtab[i] = time to send (i+1)*8 bytes = (i+1)*64 us = (i+1)*1000 ticks,
  // except that tc computes it in doubles and truncates twice (tc_calc_xmittime: (unsigned)(1e6 * size/rate),
  // then (unsigned)(us * 15.625)), so a few slots land one microsecond (15-16 ticks) lower, e.g. 1992 bytes:
  // 1e6 * (1992 / 125000) = 15935.999999999998 -> 15935 us -> 248984 ticks. tc-requests.json confirms it.
  const rtab = new BufferList();
  for (let i = 0; i < 256; i++) {
    const ticks = Math.floor(Math.floor(1e6 * (((i + 1) * 8) / 125_000)) * 15.625);
    assert.ok(ticks <= (i + 1) * 1000 && ticks >= (i + 1) * 1000 - 16);
    rtab.u32(ticks);
  }
  const ratespec = new BufferList().u8(3).u8(1).u16(0).u16(0xffff).u16(0).u32(125_000).join();
  // limit = 125000 * 0.4 + 32768; buffer = 32768/125000 s = 262144 us = 4096000 ticks
  const qopt = Buffer.concat([ratespec, Buffer.alloc(12), new BufferList().u32(82_768).u32(4_096_000).u32(0).join()]);
  const expect = nlmsg(RTM_NEWQDISC, CREATE_EXCL, tcmsg(3, 0, TC_H_ROOT), attrStr(TCA.KIND, 'tbf'),
    attr(TCA.OPTIONS, Buffer.concat([attr(TBF.PARMS, qopt), attrU32(TBF.BURST, 32_768), attr(TBF.RTAB, rtab)])));
  const got = encodeQdisc(RTM_NEWQDISC, CREATE_EXCL, { index: 3, spec: { kind: 'tbf', rateBps: 125_000, burstBytes: 32_768, latencyUs: 400_000 } });
  assert.equal(got.toString('hex'), expect.toString('hex'));
  assert.deepEqual(decodeQdisc(one(got)).spec, { kind: 'tbf', rateBps: 125_000, burstBytes: 32_768, limitBytes: 82_768 });
});

test('tbf above 2^32 B/s: rate field saturates, TCA_TBF_RATE64 carries the rate', () => {
  const got = decodeQdisc(one(encodeQdisc(RTM_NEWQDISC, 0, { index: 3, spec: { kind: 'tbf', rateBps: 5_000_000_000, burstBytes: 102_400, latencyUs: 1000 } })));
  assert.deepEqual(got.spec, { kind: 'tbf', rateBps: 5_000_000_000, burstBytes: 102_400, limitBytes: 5_102_400 });
  assert.equal(xmitTicks(0xffffffff, 102_400), 359);
});

test('tbf refuses a missing or double limit and a zero rate', () => {
  assert.throws(() => encodeQdisc(RTM_NEWQDISC, 0, { index: 3, spec: { kind: 'tbf', rateBps: 1000, burstBytes: 1000 } }), WireError);
  assert.throws(() => encodeQdisc(RTM_NEWQDISC, 0, { index: 3, spec: { kind: 'tbf', rateBps: 1000, burstBytes: 1000, limitBytes: 1, latencyUs: 1 } }), WireError);
  assert.throws(() => encodeQdisc(RTM_NEWQDISC, 0, { index: 3, spec: { kind: 'tbf', rateBps: 0, burstBytes: 1000, limitBytes: 1 } }), WireError);
});

test('htb root with handle 1: and default class 0x10', () => {
  const expect = nlmsg(RTM_NEWQDISC, CREATE_EXCL, tcmsg(3, 0x10000, TC_H_ROOT), attrStr(TCA.KIND, 'htb'),
    attr(TCA.OPTIONS, attr(HTB_INIT, new BufferList().u32(3).u32(10).u32(0x10).u32(0).u32(0))));
  const got = encodeQdisc(RTM_NEWQDISC, CREATE_EXCL, { index: 3, handle: tcHandle(1, 0), spec: { kind: 'htb', defaultClass: 0x10 } });
  assert.equal(got.toString('hex'), expect.toString('hex'));
  const d = decodeQdisc(one(got));
  assert.deepEqual(d, { index: 3, kind: 'htb', handle: 0x10000, parent: TC_H_ROOT, spec: { kind: 'htb', defaultClass: 0x10 } });
});

test('delete, kind without options, dump', () => {
  assert.equal(encodeQdisc(RTM_DELQDISC, 0, { index: 3 }).toString('hex'), nlmsg(RTM_DELQDISC, 0, tcmsg(3, 0, TC_H_ROOT)).toString('hex'));
  assert.equal(encodeQdisc(RTM_NEWQDISC, 0, { index: 3, kind: 'clsact', parent: 0xfffffff1, handle: 0xffff0000 }).toString('hex'),
    nlmsg(RTM_NEWQDISC, 0, tcmsg(3, 0xffff0000, 0xfffffff1), attrStr(TCA.KIND, 'clsact')).toString('hex'));
  assert.equal(encodeQdiscDump().toString('hex'), nlmsg(RTM_GETQDISC, 0x300, tcmsg(0, 0, 0)).toString('hex'));
  assert.throws(() => encodeQdisc(RTM_NEWQDISC, 0, { index: 3 }), WireError);
});

test('round trip netem: decoded options match the request within a tick', () => {
  const spec = { kind: 'netem' as const, delayUs: 20_000, jitterUs: 3000, lossPct: 0.3, duplicatePct: 1, reorderPct: 5, corruptPct: 0.1, limit: 100, rateBps: 1_250_000 };
  const d = decodeQdisc(one(encodeQdisc(RTM_NEWQDISC, 0, { index: 4, spec })));
  assert.equal(d.kind, 'netem');
  const s = d.spec as typeof spec;
  assert.equal(s.delayUs, 20_000);
  assert.equal(s.jitterUs, 3000);
  assert.equal(s.limit, 100);
  assert.equal(s.rateBps, 1_250_000);
  for (const k of ['lossPct', 'duplicatePct', 'reorderPct', 'corruptPct'] as const) assert.ok(Math.abs(s[k] - spec[k]) < 1e-6, k);
});

// ---- against tc's own requests (captured with strace by scripts/capture-golden.mjs) ----

interface TcRequest { command: string; hex: string }
const specs: Record<string, QdiscSpec & { handle?: number }> = {
  tbf: { kind: 'tbf', rateBps: 125_000, burstBytes: 32 * 1024, latencyUs: 400_000 },
  'tbf-limit': { kind: 'tbf', rateBps: 1_250_000_000, burstBytes: 1024 * 1024, limitBytes: 100_000 },
  'tbf-rate64': { kind: 'tbf', rateBps: 5_000_000_000, burstBytes: 100 * 1024, latencyUs: 1000 },
  htb: { kind: 'htb', defaultClass: 0x10, handle: 0x10000 },
  netem: { kind: 'netem', delayUs: 100_000, jitterUs: 10_000, lossPct: 1, duplicatePct: 2, reorderPct: 25, corruptPct: 0.5, limit: 500, rateBps: 125_000 },
  'netem-delay': { kind: 'netem', delayUs: 5000 },
  'netem-rate64': { kind: 'netem', delayUs: 10_000, rateBps: 5_000_000_000 },
};

test('encodeQdisc produces the bytes tc sends (seq and ACK/REQUEST flags aside)', () => {
  const reqs = readGoldenJson('tc-requests.json') as Record<string, TcRequest>;
  assert.deepEqual(Object.keys(reqs).sort(), Object.keys(specs).sort());
  for (const [name, r] of Object.entries(reqs)) {
    const tc = Buffer.from(r.hex, 'hex');
    const { handle, ...spec } = specs[name]!;
    const flags = tc.readUInt16LE(6) & ~0x05; // tc adds NLM_F_REQUEST | NLM_F_ACK; our socket does that
    const ours = encodeQdisc(tc.readUInt16LE(4), flags, { index: tc.readInt32LE(20), handle, spec: spec as QdiscSpec });
    tc.writeUInt16LE(flags, 6);
    tc.writeUInt32LE(0, 8); // seq
    assert.equal(ours.toString('hex'), tc.toString('hex'), `${r.command}`);
  }
});
