/**
 * One fuzzing thread (see fuzz.ts): runs cases [start, end) of a seed, publishes the case it is
 * on in a shared counter (the watchdog's view), re-times slow cases, and posts its counts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { caseSeed, hex, prng } from './util.js';
import { feed, loadCorpus, makeCase } from './fuzz-cases.js';

export interface WorkerInput {
  seed: number;
  start: number;
  end: number;
  hangMs: number;
  /** Int32Array over a SharedArrayBuffer: [0] = the case being run. */
  progress: SharedArrayBuffer;
  slot: number;
}

export interface CrashReport {
  i: number;
  what: string;
  kind: string;
  from: string;
  hex: string;
}

/** What a range of cases came to (a thread's report, and the run's sum). */
export interface FuzzCounts {
  decoded: number;
  wireErrors: number;
  /** Exceptions of another type, suspect reads, hangs, stuck threads. */
  crashes: number;
  hangs: number;
  examples: CrashReport[];
  slowest: { i: number; ms: number };
}

export interface WorkerOutput extends FuzzCounts {
  start: number;
  end: number;
}

const input = workerData as WorkerInput;
const progress = new Int32Array(input.progress);
const corpus = loadCorpus();
const fresh = (): WorkerOutput => ({ start: input.start, end: input.end, decoded: 0, wireErrors: 0, crashes: 0, hangs: 0, examples: [], slowest: { i: -1, ms: 0 } });
let out = fresh();
let reported = 0;

function once(i: number): { outcome: string; ms: number; kind: string; from: string; buf: Buffer; error?: unknown } {
  const rand = prng(caseSeed(input.seed, i));
  const c = makeCase(rand, corpus);
  const t0 = performance.now();
  try {
    const outcome = feed(c.buf, c.origType, rand);
    return { outcome, ms: performance.now() - t0, kind: c.kind, from: c.from, buf: c.buf };
  } catch (error) {
    return { outcome: 'crash', ms: performance.now() - t0, kind: c.kind, from: c.from, buf: c.buf, error };
  }
}

for (let i = input.start; i < input.end; i++) {
  Atomics.store(progress, input.slot, i);
  let r = once(i);
  if (r.ms > input.hangMs) {
    // A slow case is timed again: a GC pause is not a hang, a case slow every time is.
    const again = Math.min(once(i).ms, once(i).ms);
    if (again > input.hangMs) {
      out.hangs++;
      if (reported + out.examples.length < 5) out.examples.push({ i, what: `hang: ${again.toFixed(1)} ms (bound ${input.hangMs} ms)`, kind: r.kind, from: r.from, hex: hex(r.buf) });
    }
    r = { ...r, ms: again };
  }
  if (r.ms > out.slowest.ms) out.slowest = { i, ms: r.ms };
  if (r.outcome === 'decoded') out.decoded++;
  else if (r.outcome === 'wire-error') out.wireErrors++;
  else {
    out.crashes++;
    if (reported + out.examples.length < 5) {
      const e = r.error as Error | undefined;
      out.examples.push({ i, what: `${e?.name ?? typeof r.error}: ${e?.message ?? String(r.error)}`, kind: r.kind, from: r.from, hex: hex(r.buf) });
    }
  }
  // Counts go out in batches, so a thread terminated by the watchdog loses at most one batch's tally.
  if ((i + 1 - input.start) % 10_000 === 0) {
    reported += out.examples.length;
    parentPort!.postMessage(out);
    out = fresh();
  }
}
Atomics.store(progress, input.slot, input.end);
parentPort!.postMessage(out);
