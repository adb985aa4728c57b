/**
 * A crew worker thread (crew.ts): runs its share of a split rank group with its own handles,
 * netlink sockets and ifindex cache, in order, and stops before its next action once any
 * thread has failed (the shared stop flag). What it made stays: the kinds mark their objects as
 * they make them, and the journal written before the run lists what may be unmarked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { releaseHostNetns } from '../api/handle.js';
import { sysctlBurst } from '../api/sysctl.js';
import { releaseHomeNetnsFd } from '../kernel/netns.js';
import { DONE, STOP, takeFront, threadCpu, toWire, type FromWorker, type RunReply, type RunRequest, type ToWorker } from './crew-wire.js';
import { Handles } from './handles.js';
import { applyAction, ApplyContext } from './kinds/index.js';
import { newRecord } from './records.js';

const port = parentPort!;
const { shared } = workerData as { shared: SharedArrayBuffer };
const flags = new Int32Array(shared);
const handles = new Handles();
let run: ApplyContext | undefined;

const send = (m: FromWorker): void => port.postMessage(m);

async function runShare(m: RunRequest): Promise<RunReply> {
  // The record stays on the main thread: the kinds that may be split never touch it.
  if (run?.lab !== m.lab) run = new ApplyContext(m.lab, newRecord(m.lab), handles);
  const t0 = performance.now();
  const cpu0 = threadCpu();
  const took: RunReply['took'] = [];
  const reply = (failed?: RunReply['failed']): RunReply => {
    const cpu = threadCpu();
    return {
      type: 'ran', id: m.id, took, ...(failed ? { failed } : {}), seconds: (performance.now() - t0) / 1000,
      cpu: { user: cpu.user - cpu0.user, system: cpu.system - cpu0.system },
    };
  };
  let done = 0;
  const queue = new Int32Array(m.queue);
  for (let c = takeFront(queue); c >= 0; c = takeFront(queue)) {
    const t: [number, number] = [c, 0];
    took.push(t);
    for (const [k, a] of m.clusters[c]!.entries()) {
      if (Atomics.load(flags, STOP)) return reply();
      try {
        await applyAction(a, run);
      } catch (e) {
        Atomics.store(flags, STOP, 1);
        return reply({ cluster: c, at: k, error: toWire(e) });
      }
      t[1]++;
      Atomics.store(queue, DONE, ++done);
      for (const ns of m.closeAfter[c]![k] ?? []) handles.close(ns);
    }
  }
  return reply();
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'run') {
    void sysctlBurst(() => runShare(m)).then(send);
    return;
  }
  handles.closeAll();
  releaseHostNetns();
  releaseHomeNetnsFd();
  send({ type: 'ended' });
  port.close();
});

send({ type: 'ready', at: performance.timeOrigin + performance.now() });
