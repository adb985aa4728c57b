import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomDropProgram } from '../bpf.js';
import { WireError } from '../errors.js';
import { readGoldenJson } from '../../../test/helpers/golden.js';
import {
  CLSACT_EGRESS, CLSACT_INGRESS, decodeFilter, encodeFilter, encodeFilterDump, ETH_P_ALL, RTM_DELTFILTER, RTM_GETTFILTER, RTM_NEWTFILTER,
} from './filter.js';
import { attr, attrStr, attrU16, attrU32, BufferList, nlmsg, one } from './testing.js';

const CREATE_EXCL = 0x600;
// <linux/pkt_cls.h>
const BPF = { OPS_LEN: 4, OPS: 5, FLAGS: 8 };
const tcmsg = (index: number, handle: number, parent: number, info: number): Buffer =>
  new BufferList().u8(0).u8(0).u16(0).i32(index).u32(handle).u32(parent).u32(info).join();

test('bpf filter on clsact ingress, direct action: tcmsg info is prio << 16 | htons(protocol)', () => {
  const ops = randomDropProgram(20);
  const prog = new BufferList().u16(0x20).u8(0).u8(0).u32(0xfffff038).u16(0x25).u8(1).u8(0).u32(0xcccccccc)
    .u16(6).u8(0).u8(0).u32(0).u16(6).u8(0).u8(0).u32(2).join();
  const expect = nlmsg(RTM_NEWTFILTER, CREATE_EXCL, tcmsg(5, 0, 0xfffffff2, 0x0300), attrStr(1, 'bpf'),
    attr(2, Buffer.concat([attrU16(BPF.OPS_LEN, 4), attr(BPF.OPS, prog), attrU32(BPF.FLAGS, 1)])));
  const got = encodeFilter(RTM_NEWTFILTER, CREATE_EXCL, { index: 5, parent: CLSACT_INGRESS, spec: { kind: 'bpf', ops, directAction: true } });
  assert.equal(got.toString('hex'), expect.toString('hex'));
  assert.deepEqual(decodeFilter(one(got)), {
    index: 5, handle: 0, parent: CLSACT_INGRESS, prio: 0, protocol: ETH_P_ALL, kind: 'bpf', spec: { kind: 'bpf', ops, directAction: true },
  });
});

test('encodeFilter produces the bytes tc sends for `bpf da bytecode` (seq and ACK/REQUEST flags aside)', () => {
  const reqs = readGoldenJson('tc-filter-requests.json') as Record<string, { command: string; hex: string }>;
  const want: Record<string, { parent: number; prio: number; loss: number }> = {
    'bpf-drop-20': { parent: CLSACT_INGRESS, prio: 0, loss: 20 },
    'bpf-drop-all-egress': { parent: CLSACT_EGRESS, prio: 7, loss: 100 },
  };
  assert.deepEqual(Object.keys(reqs).sort(), Object.keys(want).sort());
  for (const [name, r] of Object.entries(reqs)) {
    const tc = Buffer.from(r.hex, 'hex');
    const w = want[name]!;
    const flags = tc.readUInt16LE(6) & ~0x05;
    const ours = encodeFilter(RTM_NEWTFILTER, flags, { index: tc.readInt32LE(20), parent: w.parent, prio: w.prio, spec: { kind: 'bpf', ops: randomDropProgram(w.loss), directAction: true } });
    tc.writeUInt16LE(flags, 6);
    tc.writeUInt32LE(0, 8);
    assert.equal(ours.toString('hex'), tc.toString('hex'), r.command);
  }
});

test('filter delete, dump and refusals', () => {
  assert.equal(encodeFilter(RTM_DELTFILTER, 0, { index: 3, parent: CLSACT_EGRESS, prio: 1 }).toString('hex'),
    nlmsg(RTM_DELTFILTER, 0, tcmsg(3, 0, 0xfffffff3, 0x00010300)).toString('hex'));
  assert.equal(encodeFilterDump(3, CLSACT_INGRESS).toString('hex'), nlmsg(RTM_GETTFILTER, 0x300, tcmsg(3, 0, 0xfffffff2, 0)).toString('hex'));
  assert.throws(() => encodeFilter(RTM_NEWTFILTER, 0, { index: 3, parent: CLSACT_INGRESS }), WireError);
  assert.throws(() => encodeFilter(RTM_NEWTFILTER, 0, { index: 3, parent: CLSACT_INGRESS, spec: { kind: 'bpf', ops: [], directAction: true } }), WireError);
  assert.throws(() => encodeFilter(RTM_NEWTFILTER, 0, { index: 0, parent: CLSACT_INGRESS, spec: { kind: 'bpf', ops: randomDropProgram(1), directAction: true } }), WireError);
  assert.throws(() => encodeFilter(99, 0, { index: 3, parent: 0 }), WireError);
});
