import * as net from 'node:net';
import { NsnetError } from '../../kernel/errors.js';
import { WireError } from '../../wire/errors.js';
import {
  decodeMessage, decodeTableUpdates, decodeTransactResult, decodeUpdateNotification, encodeRequest, encodeResponse, JsonStream,
  monitorParams, responseError, transactParams,
} from '../../wire/ovsdb/index.js';
// Types from their own modules, so the public declarations do not reach the codec's Buffer types.
import type { MonitorTable, RowUpdate } from '../../wire/ovsdb/monitor.js';
import type { OpResult, Operation } from '../../wire/ovsdb/transact.js';

/** Why a request to ovsdb-server did not get an answer. */
export class OvsdbGoneError extends NsnetError {
  override name = 'OvsdbGoneError';
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  what: string;
  timer: NodeJS.Timeout;
}

export interface ClientOptions {
  /** How long a request may wait for its answer (ms). */
  timeoutMs?: number;
}

/**
 * A JSON-RPC connection to ovsdb-server over its unix socket (what ovs-vsctl and ovs-vswitchd
 * speak): requests matched to responses by id, the server's `echo` keepalives answered,
 * `update` notifications of monitors delivered to their listeners. When the connection drops,
 * every waiting request fails with an OvsdbGoneError naming the socket.
 */
export class OvsdbClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly monitors = new Map<string, (u: RowUpdate[]) => void>();
  private readonly stream = new JsonStream();
  private gone: Error | undefined;

  private constructor(private readonly sock: net.Socket, readonly path: string, private readonly timeoutMs: number) {
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('error', (e) => this.fail(new OvsdbGoneError('OVSDB_GONE', `ovsdb-server at ${path}: ${e.message}`, `ovsdb ${path}`)));
    sock.on('close', () => this.fail(new OvsdbGoneError('OVSDB_GONE', `ovsdb-server at ${path} closed the connection`, `ovsdb ${path}`, 'is ovsdb-server still running?')));
  }

  /** Connect to the unix socket at `path`. */
  static connect(path: string, opts: ClientOptions = {}): Promise<OvsdbClient> {
    return new Promise((resolve, reject) => {
      const sock = net.createConnection({ path });
      const onError = (e: NodeJS.ErrnoException): void => {
        sock.destroy();
        reject(new OvsdbGoneError(e.code ?? 'ECONNREFUSED', `cannot connect to ovsdb-server at ${path}: ${e.code ?? e.message}`, `ovsdb ${path}`, 'is ovsdb-server running?'));
      };
      sock.once('error', onError);
      sock.once('connect', () => {
        sock.off('error', onError);
        resolve(new OvsdbClient(sock, path, opts.timeoutMs ?? 30_000));
      });
    });
  }

  get closed(): boolean {
    return this.gone !== undefined;
  }

  close(): void {
    this.fail(new OvsdbGoneError('CLOSED', `the connection to ovsdb-server at ${this.path} is closed`, `ovsdb ${this.path}`));
    this.sock.destroy();
  }

  /** One JSON-RPC request; resolves with its result or rejects with an OvsdbError. */
  request(method: string, params: unknown[]): Promise<unknown> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new OvsdbGoneError('ETIMEDOUT', `ovsdb-server at ${this.path} did not answer ${method} within ${this.timeoutMs} ms`, `ovsdb ${this.path}`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, what: method, timer });
      this.sock.write(encodeRequest(method, params, id));
    });
  }

  listDbs(): Promise<string[]> {
    return this.request('list_dbs', []) as Promise<string[]>;
  }

  /** One atomic transaction; a failed operation rejects with an OvsdbError naming it. */
  async transact(db: string, ops: readonly Operation[]): Promise<OpResult[]> {
    const result = await this.request('transact', transactParams(db, ops));
    return decodeTransactResult(ops, result);
  }

  /**
   * Watch tables: resolves with the current rows (as inserts) and then calls `onUpdate` with
   * every change until `cancel()`.
   */
  async monitor(db: string, tables: Record<string, MonitorTable>, onUpdate: (u: RowUpdate[]) => void): Promise<{ initial: RowUpdate[]; cancel(): Promise<void> }> {
    const id = `nsnet-${this.nextId++}`;
    this.monitors.set(id, onUpdate);
    try {
      const initial = decodeTableUpdates(await this.request('monitor', monitorParams(db, id, tables)));
      return {
        initial,
        cancel: async () => {
          this.monitors.delete(id);
          if (!this.gone) await this.request('monitor_cancel', [id]);
        },
      };
    } catch (e) {
      this.monitors.delete(id);
      throw e;
    }
  }

  private onData(chunk: Buffer): void {
    let texts: unknown[];
    try {
      texts = this.stream.push(chunk);
    } catch (e) {
      this.fail(new OvsdbGoneError('EPROTO', `ovsdb-server at ${this.path} sent bad JSON-RPC: ${(e as Error).message}`, `ovsdb ${this.path}`));
      this.sock.destroy();
      return;
    }
    for (const t of texts) this.dispatch(t);
  }

  private dispatch(text: unknown): void {
    try {
      const m = decodeMessage(text);
      if (m.kind === 'response') {
        const p = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
        if (!p) return; // an answer to a request that timed out
        this.pending.delete(m.id as number);
        clearTimeout(p.timer);
        const err = responseError(m.error, p.what);
        if (err) p.reject(err);
        else p.resolve(m.result);
      } else if (m.kind === 'request' && m.method === 'echo') {
        this.sock.write(encodeResponse(m.id, m.params));
      } else if (m.kind === 'notification' && m.method === 'update') {
        const { monitorId, updates } = decodeUpdateNotification(m.params);
        this.monitors.get(String(monitorId))?.(updates);
      }
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      this.fail(new OvsdbGoneError('EPROTO', `ovsdb-server at ${this.path} sent a message nsnet cannot read: ${e.message}`, `ovsdb ${this.path}`));
      this.sock.destroy();
    }
  }

  private fail(e: Error): void {
    if (this.gone) return;
    this.gone = e;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }
}
