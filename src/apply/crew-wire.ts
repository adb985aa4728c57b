/**
 * What the main thread and a crew worker (crew.ts, crew-worker.ts) say to each other, and how an
 * error crosses between them: structured clone keeps only an Error's message, so an
 * NsnetError/KernelError is sent as its fields and rebuilt with its class on the other side
 * (same code, message, hints: the ApplyError reads the same as one from the main thread).
 */
import * as fs from 'node:fs';
import { KernelError, NsnetError } from '../api/errors.js';
import type { Action } from '../plan/actions.js';

/**
 * The crew's shared flags: STOP, set by the thread that fails. Each run has a queue of its own
 * (a fresh SharedArrayBuffer, so that a run the worker gets to late finds nothing of a later
 * one): QUEUE holds the share's clusters not yet taken (first in the low 16 bits, end in the
 * high 16: the worker takes from the front, the main thread, once its own share is done, from
 * the back), DONE the actions the worker has done in it.
 */
export const STOP = 0;
export const QUEUE = 0;
export const DONE = 1;

/** Take the first (a worker, from its own share) or the last (the main thread) cluster left in `queue`, or -1. */
function take(queue: Int32Array, back: boolean): number {
  for (;;) {
    const v = Atomics.load(queue, QUEUE);
    const first = v & 0xffff;
    const end = v >>> 16;
    if (first >= end) return -1;
    const next = back ? ((end - 1) << 16) | first : (end << 16) | (first + 1);
    if (Atomics.compareExchange(queue, QUEUE, v, next) === v) return back ? end - 1 : first;
  }
}
export const takeFront = (queue: Int32Array): number => take(queue, false);
export const takeBack = (queue: Int32Array): number => take(queue, true);

export interface RunRequest {
  type: 'run';
  id: number;
  /** This run's queue: Int32Array [QUEUE, DONE]. */
  queue: SharedArrayBuffer;
  lab: string;
  /** The share's clusters, each in plan order. */
  clusters: Action[][];
  /** For each cluster's actions: the namespaces whose handle the worker closes after it. */
  closeAfter: string[][][];
}

export interface RunReply {
  type: 'ran';
  id: number;
  /** The clusters the worker took, each with how many of its actions were done. */
  took: Array<[cluster: number, done: number]>;
  /** The action that failed (cluster, index in it) and why. */
  failed?: { cluster: number; at: number; error: WireError };
  /** Wall seconds of the run and the worker thread's CPU seconds in it. */
  seconds: number;
  cpu: { user: number; system: number };
}

export type ToWorker = RunRequest | { type: 'end' };
/** 'ready': the worker has loaded its modules, `at` epoch milliseconds. */
export type FromWorker = { type: 'ready'; at: number } | RunReply | { type: 'ended' };

export interface WireError {
  cls: 'KernelError' | 'NsnetError' | 'Error';
  fields: Record<string, unknown>;
}

export function toWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { cls: 'Error', fields: { message: String(e) } };
  const fields: Record<string, unknown> = { message: e.message, stack: e.stack };
  for (const [k, v] of Object.entries(e)) fields[k] = v;
  return { cls: e instanceof KernelError ? 'KernelError' : e instanceof NsnetError ? 'NsnetError' : 'Error', fields };
}

export function fromWire(w: WireError): Error {
  const proto = w.cls === 'KernelError' ? KernelError.prototype : w.cls === 'NsnetError' ? NsnetError.prototype : Error.prototype;
  const e = Object.create(proto) as Error;
  for (const [k, v] of Object.entries(w.fields)) Object.defineProperty(e, k, { value: v, writable: true, configurable: true, enumerable: k !== 'message' && k !== 'stack' });
  return e;
}

/** The calling thread's CPU seconds so far (/proc/thread-self/stat: utime, stime in clock ticks of 1/100 s). */
export function threadCpu(): { user: number; system: number } {
  try {
    const s = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { user: Number(f[11]) / 100, system: Number(f[12]) / 100 };
  } catch {
    return { user: 0, system: 0 };
  }
}
