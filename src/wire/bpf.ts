/**
 * Classic BPF (struct sock_filter: u16 code, u8 jt, u8 jf, u32 k; <linux/filter.h>,
 * <linux/bpf_common.h>) and the one program nsnet needs: a random drop for cls_bpf in
 * direct-action mode, where the program's return value is the tc action.
 *
 * `ld rand` loads the ancillary word SKF_AD_OFF + SKF_AD_RANDOM, which the kernel's classic
 * to eBPF conversion (net/core/filter.c, convert_bpf_extensions) turns into a call of
 * bpf_user_rnd_u32(): a uniformly random 32-bit value per packet. cls_bpf with
 * TCA_BPF_FLAG_ACT_DIRECT passes the program's return value through cls_bpf_exec_opcode:
 * TC_ACT_OK (0) lets the packet go, TC_ACT_SHOT (2) drops it.
 */
import { WireError } from './errors.js';

export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

// <linux/bpf_common.h>
export const BPF_LD = 0x00;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_W = 0x00;
export const BPF_ABS = 0x20;
export const BPF_JGT = 0x20;
export const BPF_K = 0x00;
// <linux/filter.h>
export const SKF_AD_OFF = -0x1000;
export const SKF_AD_RANDOM = 56;
// <linux/pkt_cls.h>
export const TC_ACT_OK = 0;
export const TC_ACT_SHOT = 2;
/** sizeof(struct sock_filter) */
export const SOCK_FILTER_LEN = 8;

const U32 = 2 ** 32;

/**
 * The random-drop program for a loss of `lossPct` percent (0..100):
 *   ld rand; jgt T, drop, pass; pass: ret TC_ACT_OK; drop: ret TC_ACT_SHOT
 * A packet is dropped when the random word exceeds T = 2^32 - round(p * 2^32) - 1, which
 * happens for round(p * 2^32) of the 2^32 equally likely words. 100% is an unconditional drop.
 */
export function randomDropProgram(lossPct: number): SockFilter[] {
  if (typeof lossPct !== 'number' || !(lossPct >= 0 && lossPct <= 100)) {
    throw new WireError('BAD_VALUE', 'loss', 0, `${String(lossPct)} is not a percentage in 0..100`);
  }
  const drops = Math.round((lossPct / 100) * U32);
  if (drops >= U32) return [{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: TC_ACT_SHOT }];
  return [
    { code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: (SKF_AD_OFF + SKF_AD_RANDOM) >>> 0 },
    { code: BPF_JMP | BPF_JGT | BPF_K, jt: 1, jf: 0, k: U32 - drops - 1 },
    { code: BPF_RET | BPF_K, jt: 0, jf: 0, k: TC_ACT_OK },
    { code: BPF_RET | BPF_K, jt: 0, jf: 0, k: TC_ACT_SHOT },
  ];
}

/** The loss a program made by randomDropProgram applies, in percent; undefined for any other program. */
export function randomDropLoss(prog: readonly SockFilter[]): number | undefined {
  const same = (a: SockFilter | undefined, b: SockFilter): boolean => !!a && a.code === b.code && a.jt === b.jt && a.jf === b.jf && a.k === b.k;
  if (prog.length === 1 && same(prog[0], randomDropProgram(100)[0]!)) return 100;
  if (prog.length !== 4) return undefined;
  const drops = U32 - 1 - prog[1]!.k;
  const want = randomDropProgram(0);
  const ok = same(prog[0], want[0]!) && prog[1]!.code === want[1]!.code && prog[1]!.jt === 1 && prog[1]!.jf === 0 && same(prog[2], want[2]!) && same(prog[3], want[3]!);
  return ok ? (drops / U32) * 100 : undefined;
}

/** struct sock_filter[] as the kernel takes it (TCA_BPF_OPS, SO_ATTACH_FILTER). @internal */
export function encodeProgram(prog: readonly SockFilter[]): Buffer {
  const b = Buffer.alloc(prog.length * SOCK_FILTER_LEN);
  prog.forEach((ins, i) => {
    b.writeUInt16LE(ins.code, i * 8);
    b.writeUInt8(ins.jt, i * 8 + 2);
    b.writeUInt8(ins.jf, i * 8 + 3);
    b.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return b;
}

/** @internal */
export function decodeProgram(b: Buffer, what = 'bpf program'): SockFilter[] {
  if (b.length % SOCK_FILTER_LEN !== 0) throw new WireError('MALFORMED', what, 0, `${b.length} bytes is not a whole number of instructions`);
  const out: SockFilter[] = [];
  for (let o = 0; o < b.length; o += 8) out.push({ code: b.readUInt16LE(o), jt: b.readUInt8(o + 2), jf: b.readUInt8(o + 3), k: b.readUInt32LE(o + 4) });
  return out;
}

/** The text form tc and bpf_asm -c write ("4,32 0 0 4294963256,..."): count, then code jt jf k per instruction. */
export function programText(prog: readonly SockFilter[]): string {
  return [String(prog.length), ...prog.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k >>> 0}`)].join(',');
}
