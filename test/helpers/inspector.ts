/**
 * A node process's heap, read through its inspector (the process runs with
 * --inspect=127.0.0.1:0 and prints the inspector's URL on stderr): a full garbage collection on
 * demand, process.memoryUsage() after it, and heap snapshots summed by constructor, to find what
 * a process keeps. For the torture's ui section; nothing in nsnet itself listens for this.
 */
import WebSocket from 'ws';
import { until } from './ui.js';

export interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface Inspector {
  /** Collect garbage (all of it: V8's full GC, twice) and read process.memoryUsage(). */
  memoryAfterGc(): Promise<Memory>;
  /** Count and bytes of the live objects per constructor (a heap snapshot, summed). */
  heapCounts(): Promise<Map<string, { count: number; size: number }>>;
  close(): void;
}

/** The inspector's WebSocket URL from the process's stderr (waits for it). */
export async function inspectorUrl(stderr: () => string): Promise<string> {
  let url: string | undefined;
  await until(() => (url = /Debugger listening on (ws:\/\/\S+)/u.exec(stderr())?.[1]) !== undefined, 10_000);
  if (!url) throw new Error(`no inspector URL on the process's stderr: ${stderr()}`);
  return url;
}

export async function openInspector(url: string): Promise<Inspector> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();
  let chunks: string[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { id?: number; method?: string; params?: { chunk: string }; result?: unknown; error?: { message: string } };
    if (m.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(m.params!.chunk);
    else if (m.id !== undefined) waiting.get(m.id)?.(m);
  });
  const call = (method: string, params: object = {}): Promise<unknown> => new Promise((resolve, reject) => {
    const id = next++;
    waiting.set(id, (m) => {
      waiting.delete(id);
      if (m.error) reject(new Error(`${method}: ${m.error.message}`));
      else resolve(m.result);
    });
    ws.send(JSON.stringify({ id, method, params }));
  });
  return {
    async memoryAfterGc() {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const r = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true }) as { result: { value: string } };
      return JSON.parse(r.result.value) as Memory;
    },
    async heapCounts() {
      chunks = [];
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      return summarize(JSON.parse(chunks.join('')) as Snapshot);
    },
    close: () => ws.close(),
  };
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

function summarize(s: Snapshot): Map<string, { count: number; size: number }> {
  const f = s.snapshot.meta.node_fields;
  const width = f.length;
  const [iType, iName, iSize] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]!]!;
    const key = type === 'object' || type === 'closure' ? `${type} ${s.strings[s.nodes[i + iName]!]}` : type;
    const e = out.get(key) ?? { count: 0, size: 0 };
    e.count++;
    e.size += s.nodes[i + iSize]!;
    out.set(key, e);
  }
  return out;
}

/** The constructors that grew most between two summaries, as "name +count (+bytes)". */
export function growth(before: Map<string, { count: number; size: number }>, after: Map<string, { count: number; size: number }>, top = 12): string[] {
  const rows: Array<[string, number, number]> = [];
  for (const [k, a] of after) {
    const b = before.get(k) ?? { count: 0, size: 0 };
    if (a.size > b.size) rows.push([k, a.count - b.count, a.size - b.size]);
  }
  return rows.sort((x, y) => y[2] - x[2]).slice(0, top).map(([k, c, s]) => `${k} ${c >= 0 ? '+' : ''}${c} (+${Math.round(s / 1024)} KiB)`);
}
