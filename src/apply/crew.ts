/**
 * The crew: worker threads that run their share of a big rank group beside the main thread
 * (`up --workers N`: N-1 workers). Each worker has its own handles and netlink sockets
 * (setns/unshare act per thread) and loads koffi for itself; see crew-worker.ts.
 *
 * A crew is started early (upLab starts it before observing, when the lab is big enough) so
 * that the worker's start-up and imports run on another core while the main thread observes
 * and plans; a lab too small to split never starts one (split.ts: MIN_SPLIT).
 */
import { Worker } from 'node:worker_threads';
import { NsnetError } from '../api/errors.js';
import type { Action } from '../plan/actions.js';
import { DONE, QUEUE, STOP, takeBack, type FromWorker, type RunReply, type ToWorker } from './crew-wire.js';

/**
 * The default thread count: 1. A second thread does not make a big lab faster on this kernel:
 * star N=1000 on 2 CPUs, three runs each, 1 thread 3.29/3.16/3.00 s (CPU user 1.3, sys 1.75,
 * peak RSS 80 MB), 2 threads 3.11/2.98/3.09 s (user 1.7, sys 2.3, RSS 135 MB): the kernel work
 * (namespace and device creation under rtnl_lock and net_rwsem) serializes, and the second thread
 * only adds its own system time. `--workers N` stays for kernels and machines where it pays.
 */
export function defaultWorkers(): number {
  return 1;
}

/** Check a thread count given by a user (`--workers N`, UpOptions.workers). */
export function checkWorkers(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new NsnetError('INVALID_WORKERS', `invalid thread count ${JSON.stringify(n)}`, 'workers', 'give a whole number from 1 (no worker thread) to 64');
  }
  return n;
}

interface Member {
  worker: Worker;
  ready: Promise<void>;
  /** The replies awaited, by run id. */
  pending: Map<number, { resolve: (r: RunReply) => void; reject: (e: Error) => void }>;
  failure?: Error;
  /** The queue of its latest run. */
  queue?: Int32Array;
}

export class Crew {
  private readonly members: Member[] = [];
  private readonly flags: Int32Array;
  /** When the crew was started (epoch milliseconds: comparable with a worker's clock). */
  private readonly t0 = performance.timeOrigin + performance.now();
  /** Seconds from start until the last worker was ready (undefined until then). */
  readyAfter?: number;
  private closed = false;
  private runs = 0;

  /**
   * Start `workers` worker threads (they load their modules meanwhile). Until its first run a
   * worker does not keep the process alive, and close() ends it at once: a crew started on a
   * guess (the CLI starts one for a big file before reading it) costs nothing when not used.
   */
  constructor(workers: number) {
    const shared = new SharedArrayBuffer(4);
    this.flags = new Int32Array(shared);
    for (let w = 0; w < workers; w++) {
      const worker = new Worker(new URL('./crew-worker.js', import.meta.url), { workerData: { shared } });
      worker.unref();
      const m: Member = { worker, ready: Promise.resolve(), pending: new Map() };
      m.ready = new Promise<void>((resolve, reject) => {
        worker.on('message', (msg: FromWorker) => {
          if (msg.type === 'ready') {
            // The worker's own clock: the main thread may get the message long after, between two of its actions.
            this.readyAfter = Math.max(this.readyAfter ?? 0, (msg.at - this.t0) / 1000);
            resolve();
          } else if (msg.type === 'ran') {
            m.pending.get(msg.id)?.resolve(msg);
            m.pending.delete(msg.id);
          }
        });
        const fail = (e: Error): void => {
          m.failure = new NsnetError('WORKER', `a worker thread of nsnet stopped: ${e.message}`, 'worker thread', {
            lib: 'call lab.up({ workers: 1 }) again and report this', cli: 'run nsnet up again with --workers 1 and report this',
          });
          reject(m.failure);
          for (const p of m.pending.values()) p.reject(m.failure);
          m.pending.clear();
        };
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (!this.closed) fail(new Error(`exit code ${code}`));
        });
      });
      m.ready.catch(() => undefined); // reported where it is awaited
      this.members.push(m);
    }
  }

  /** Resolves once every worker has loaded (rejects with the WORKER error of one that stopped). */
  async ready(): Promise<void> {
    await Promise.all(this.members.map((m) => m.ready));
  }

  /** Threads in all: the main one and the workers. */
  get threads(): number {
    return 1 + this.members.length;
  }

  /** Clear the stop flag before a split group. */
  reset(): void {
    Atomics.store(this.flags, STOP, 0);
  }

  /** Ask every thread to stop before its next action. */
  stop(): void {
    Atomics.store(this.flags, STOP, 1);
  }

  get stopped(): boolean {
    return Atomics.load(this.flags, STOP) !== 0;
  }

  /** Actions done so far by worker `w` in its current run. */
  doneBy(w: number): number {
    const q = this.members[w]!.queue;
    return q ? Atomics.load(q, DONE) : 0;
  }

  /** The main thread takes the last cluster worker `w` has not begun, or -1. */
  takeBack(w: number): number {
    const q = this.members[w]!.queue;
    return q ? takeBack(q) : -1;
  }

  /**
   * Worker `w` runs the `clusters` of its share (at most MAX_CLUSTERS), each in order, from the
   * first; the main thread may take some from the end (takeBack). The reply says what it did.
   * A run whose clusters the main thread took all of need not be awaited: the worker finds
   * nothing left when it gets to it.
   */
  run(w: number, lab: string, clusters: Action[][], closeAfter: string[][][]): Promise<RunReply> {
    const m = this.members[w]!;
    if (m.failure) return Promise.reject(m.failure);
    const queue = new SharedArrayBuffer(8);
    m.queue = new Int32Array(queue);
    m.queue[QUEUE] = clusters.length << 16;
    const id = ++this.runs;
    m.worker.ref();
    return new Promise<RunReply>((resolve, reject) => {
      m.pending.set(id, { resolve, reject });
      const msg: ToWorker = { type: 'run', id, queue, lab, clusters, closeAfter };
      m.worker.postMessage(msg);
    });
  }

  /** End the workers: each closes its handles and sockets, then exits (one that never ran has none: it is stopped). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.members.map(async (m) => {
      if (m.failure) return;
      if (this.runs === 0) {
        void m.worker.terminate();
        return;
      }
      const ended = new Promise<void>((resolve) => m.worker.once('exit', () => resolve()));
      m.worker.postMessage({ type: 'end' } satisfies ToWorker);
      await ended;
    }));
  }
}
