import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProgram, encodeProgram, programText, randomDropLoss, randomDropProgram, type SockFilter } from './bpf.js';
import { WireError } from './errors.js';
import { prng } from './rtnl/testing.js';

/** Run a classic BPF program of the four instruction kinds randomDropProgram uses, with `rand` as SKF_AD_RANDOM. */
function run(prog: readonly SockFilter[], rand: number): number {
  let a = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    const i = prog[pc]!;
    if (i.code === 0x20 && i.k === 0xfffff038) a = rand >>> 0;
    else if (i.code === 0x25) pc += a > i.k ? i.jt : i.jf;
    else if (i.code === 0x06) return i.k;
    else throw new Error(`instruction ${i.code} not modelled`);
  }
  throw new Error('fell off the end');
}

test('random drop: the 20% program is the bytecode written for tc by hand (ld rand; jgt 0xcccccccc; ret 0; ret 2)', () => {
  const p = randomDropProgram(20);
  assert.equal(programText(p), '4,32 0 0 4294963256,37 1 0 3435973836,6 0 0 0,6 0 0 2');
  assert.equal(encodeProgram(p).toString('hex'), '2000000038f0ffff25000100cccccccc06000000000000000600000002000000');
  assert.deepEqual(decodeProgram(encodeProgram(p)), p);
});

test('random drop: exactly round(p * 2^32) of the 2^32 random words are dropped (edges checked)', () => {
  for (const pct of [0, 0.001, 1, 20, 33.3, 50, 99.999, 100]) {
    const p = randomDropProgram(pct);
    const drops = Math.round((pct / 100) * 2 ** 32);
    if (drops === 0) {
      assert.equal(run(p, 0xffffffff), 0, `${pct}%: the largest word passes`);
    } else if (drops < 2 ** 32) {
      const firstDropped = 2 ** 32 - drops; // words >= this are dropped
      assert.equal(run(p, firstDropped), 2, `${pct}%: ${firstDropped} dropped`);
      assert.equal(run(p, firstDropped - 1), 0, `${pct}%: ${firstDropped - 1} passes`);
    }
    if (pct === 100) assert.equal(run(p, 0), 2);
    const back = randomDropLoss(p)!;
    assert.ok(Math.abs(back - pct) < 1e-7, `${pct}% read back as ${back}`);
  }
});

test('random drop: fraction dropped over random words matches the loss (seeded)', () => {
  const seed = Date.now() >>> 0;
  const rnd = prng(seed);
  for (const pct of [5, 20, 75]) {
    const p = randomDropProgram(pct);
    let dropped = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (run(p, Math.floor(rnd() * 2 ** 32)) === 2) dropped++;
    assert.ok(Math.abs((dropped / n) * 100 - pct) < 1.5, `seed ${seed}: ${pct}% gave ${(dropped / n) * 100}%`);
  }
});

test('random drop refuses a loss outside 0..100; other programs are not read as a loss', () => {
  for (const bad of [-1, 100.5, Number.NaN]) assert.throws(() => randomDropProgram(bad), WireError);
  assert.equal(randomDropLoss([{ code: 6, jt: 0, jf: 0, k: 0 }]), undefined);
  const p = randomDropProgram(10);
  assert.equal(randomDropLoss([p[0]!, { ...p[1]!, jt: 0, jf: 1 }, p[2]!, p[3]!]), undefined);
  assert.throws(() => decodeProgram(Buffer.alloc(7)), WireError);
});
