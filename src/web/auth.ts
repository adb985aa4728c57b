/**
 * Who may use the page: whoever holds the token printed with its URL (as Jupyter does), from a
 * page of this very server. Every HTTP request and WebSocket must carry the token (`?token=`,
 * `Authorization: Bearer`, or the cookie the page gets when opened with `?token=`), else 401.
 * A request whose Origin is another site's is refused (403): a foreign page must not drive a
 * root shell even when the browser holds the cookie. Listening on loopback, the Host header
 * must name loopback too (403 otherwise), so a DNS-rebound name cannot reach the server.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const newToken = (): string => randomBytes(24).toString('base64url');

/** The cookie that carries the token for the page's own assets; one per port. */
export const cookieName = (port: number): string => `nsnet_ui_${port}`;

export interface Gate {
  token: string;
  port: number;
  /** The server listens on a loopback address only. */
  loopback: boolean;
}

export interface RequestFacts {
  url: string;
  headers: { get(name: string): string | null | undefined };
}

export type Verdict = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; message: string };

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The host part of a Host header ("127.0.0.1:8043" → "127.0.0.1", "[::1]:80" → "[::1]"). */
export function hostName(host: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/u.exec(host);
  return (m?.[1] ?? host).toLowerCase();
}

/** Whether the request may go on, and if not the status and a line saying why. */
export function judge(gate: Gate, req: RequestFacts): Verdict {
  const url = new URL(req.url, 'http://localhost');
  const query = url.searchParams.get('token');
  const bearer = /^Bearer\s+(\S+)$/iu.exec(req.headers.get('authorization') ?? '')?.[1];
  const cookie = cookieToken(req.headers.get('cookie'), cookieName(gate.port));
  const given = [query, bearer, cookie].filter((t): t is string => typeof t === 'string');
  if (!given.some((t) => sameToken(t, gate.token))) {
    return { ok: false, status: 401, message: 'nsnet ui: this server needs the token printed with its URL (?token=...)' };
  }
  const host = req.headers.get('host') ?? '';
  if (gate.loopback && !LOOPBACK_HOSTS.has(hostName(host))) {
    return { ok: false, status: 403, message: `nsnet ui: listening on loopback, the Host header must name it (got ${JSON.stringify(host)})` };
  }
  const origin = req.headers.get('origin');
  if (origin !== null && origin !== undefined && origin !== `http://${host}`) {
    return { ok: false, status: 403, message: `nsnet ui: requests from another site (${JSON.stringify(origin)}) are refused` };
  }
  return { ok: true, viaQuery: query !== null && sameToken(query, gate.token) };
}
