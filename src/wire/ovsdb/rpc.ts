import { WireError } from '../errors.js';
import { short } from './value.js';

/**
 * JSON-RPC 1.0 framing as OVSDB uses it (RFC 7047 section 4): a request has method, params and
 * an id; a notification is a request whose id is null; a response has result, error and the id
 * of the request it answers. Ids here are numbers chosen by the client; the server's own
 * requests (echo) may carry any JSON id, which is echoed back unchanged.
 */
export type RpcId = number | string;

export interface RpcRequest { kind: 'request'; method: string; params: unknown[]; id: unknown }
export interface RpcNotification { kind: 'notification'; method: string; params: unknown[] }
export interface RpcResponse { kind: 'response'; id: unknown; result: unknown; error: unknown }
export type RpcMessage = RpcRequest | RpcNotification | RpcResponse;

/** The bytes of a request. @internal */
export function encodeRequest(method: string, params: unknown[], id: RpcId): Buffer {
  return Buffer.from(JSON.stringify({ method, params, id }), 'utf8');
}

/** The bytes of a notification (id null). @internal */
export function encodeNotification(method: string, params: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ method, params, id: null }), 'utf8');
}

/** The bytes of a response to the request with `id`. @internal */
export function encodeResponse(id: unknown, result: unknown, error: unknown = null): Buffer {
  return Buffer.from(JSON.stringify({ id, result, error }), 'utf8');
}

/** Classify one parsed JSON text; anything that is none of the three is a WireError. */
export function decodeMessage(j: unknown): RpcMessage {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new WireError('MALFORMED', 'json-rpc message', 0, `not an object: ${short(j)}`);
  const o = j as Record<string, unknown>;
  if (typeof o.method === 'string') {
    if (!Array.isArray(o.params)) throw new WireError('MALFORMED', `json-rpc ${o.method}`, 0, 'params must be an array');
    if (!('id' in o)) throw new WireError('MALFORMED', `json-rpc ${o.method}`, 0, 'no id (a notification carries id null)');
    if (o.id === null) return { kind: 'notification', method: o.method, params: o.params };
    return { kind: 'request', method: o.method, params: o.params, id: o.id };
  }
  if ('method' in o) throw new WireError('MALFORMED', 'json-rpc message', 0, `method is not a string: ${short(o.method)}`);
  if (!('id' in o) || !('result' in o || 'error' in o)) throw new WireError('MALFORMED', 'json-rpc message', 0, `neither a request nor a response: ${short(j)}`);
  return { kind: 'response', id: o.id, result: o.result ?? null, error: o.error ?? null };
}

/** An error the server reported for a request (RFC 7047 3.1: error is a string or an object with "error" and "details"). */
export class OvsdbError extends Error {
  override readonly name = 'OvsdbError';
  constructor(
    /** OVSDB's error name: "constraint violation", "referential integrity violation", ... */
    readonly error: string,
    readonly details: string | undefined,
    /** What was asked: "transact", "monitor", "operation 2 (insert Bridge)". */
    readonly what: string,
  ) {
    super(`ovsdb ${what}: ${error}${details ? `: ${details}` : ''}`);
  }
}

/** The OvsdbError a response's error member describes, or undefined for a success. */
export function responseError(error: unknown, what: string): OvsdbError | undefined {
  if (error === null || error === undefined) return undefined;
  if (typeof error === 'string') return new OvsdbError(error, undefined, what);
  if (typeof error === 'object' && !Array.isArray(error)) {
    const e = error as Record<string, unknown>;
    return new OvsdbError(String(e.error ?? 'error'), typeof e.details === 'string' ? e.details : undefined, what);
  }
  return new OvsdbError(short(error), undefined, what);
}
