/**
 * Section 4, fuzzing the decoder: `cases` mutated and truncated versions of the captured kernel
 * replies (test/golden), of our own requests and of hand-built error messages, plus random bytes,
 * fed to parseMessages, every rtnetlink decoder, decodeError and parseAttrs.
 *
 * Every case must end in a decoded value or a WireError within `hangMs`. Anything else is a
 * crash: another exception type (a RangeError from Buffer is an out-of-bounds read), a decoded
 * value holding NaN (a read past the end that gave undefined), a case slow on every try, or a
 * thread that stops making progress (an endless loop: the watchdog terminates it, counts the
 * case and goes on with the next one). Runs in worker threads, deterministic from `seed`.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { HERE } from './util.js';
import type { FuzzCounts, WorkerInput, WorkerOutput } from './fuzz-worker.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Threads (default 2). */
  workers?: number;
  /** A case slower than this (on three tries) is a hang (default 50 ms). */
  hangMs?: number;
  /** A thread with no progress for this long is stuck in an endless loop (default 10 s). */
  stuckMs?: number;
}

export interface FuzzResult extends FuzzCounts {
  seed: number;
  cases: number;
  ms: number;
}

function runRange(seed: number, start: number, end: number, hangMs: number, stuckMs: number, acc: FuzzResult): Promise<void> {
  return new Promise((resolve, reject) => {
    const progress = new SharedArrayBuffer(4);
    const view = new Int32Array(progress);
    Atomics.store(view, 0, start);
    const data: WorkerInput = { seed, start, end, hangMs, progress, slot: 0 };
    const w = new Worker(join(HERE, 'fuzz-worker.js'), { workerData: data });
    let last = start;
    let lastChange = Date.now();
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      f();
    };
    const watch = setInterval(() => {
      const now = Atomics.load(view, 0);
      if (now !== last) {
        last = now;
        lastChange = Date.now();
        return;
      }
      if (Date.now() - lastChange < stuckMs) return;
      // Stuck on case `now`: count it, and go on after it in a new thread.
      acc.crashes++;
      acc.hangs++;
      if (acc.examples.length < 5) acc.examples.push({ i: now, what: `stuck: no progress for ${stuckMs} ms`, kind: '?', from: '?', hex: '' });
      finish(() => {
        void w.terminate().then(() => runRange(seed, now + 1, end, hangMs, stuckMs, acc)).then(resolve, reject);
      });
    }, 250);
    w.on('message', (o: WorkerOutput) => {
      acc.decoded += o.decoded;
      acc.wireErrors += o.wireErrors;
      acc.crashes += o.crashes + o.hangs;
      acc.hangs += o.hangs;
      for (const e of o.examples) if (acc.examples.length < 5) acc.examples.push(e);
      if (o.slowest.ms > acc.slowest.ms) acc.slowest = o.slowest;
    });
    w.on('error', (e) => finish(() => {
      // The thread itself died (an error escaping the harness): a crash at the case it was on.
      const at = Atomics.load(view, 0);
      acc.crashes++;
      if (acc.examples.length < 5) acc.examples.push({ i: at, what: `thread died: ${e.name}: ${e.message}`, kind: '?', from: '?', hex: '' });
      runRange(seed, at + 1, end, hangMs, stuckMs, acc).then(resolve, reject);
    }));
    w.on('exit', () => finish(resolve));
  });
}

export async function fuzzDecoders(opts: FuzzOptions): Promise<FuzzResult> {
  const t0 = performance.now();
  const workers = Math.max(1, opts.workers ?? 2);
  const acc: FuzzResult = { seed: opts.seed, cases: opts.cases, decoded: 0, wireErrors: 0, crashes: 0, hangs: 0, examples: [], slowest: { i: -1, ms: 0 }, ms: 0 };
  const per = Math.ceil(opts.cases / workers);
  const ranges: Promise<void>[] = [];
  for (let k = 0; k < workers; k++) {
    const start = k * per;
    const end = Math.min(opts.cases, start + per);
    if (start < end) ranges.push(runRange(opts.seed, start, end, opts.hangMs ?? 50, opts.stuckMs ?? 10_000, acc));
  }
  await Promise.all(ranges);
  acc.ms = Math.round(performance.now() - t0);
  return acc;
}
