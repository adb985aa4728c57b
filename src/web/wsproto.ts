/**
 * The terminal WebSocket's messages, both ways. Server → page: binary frames are the shell's
 * output; text frames are JSON control ({"type":"exit","code":N,"reason":"..."}). Page → server:
 * JSON text {"type":"input","data":"..."} or {"type":"resize","cols":N,"rows":N}. Anything else
 * is garbage: counted and ignored, never a crash.
 */
export type ClientMessage = { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number };

export const MAX_INPUT = 64 * 1024;
const dim = (n: unknown, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max;

/** A page's message, or undefined when it is not one. */
export function parseClientMessage(raw: unknown): ClientMessage | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_INPUT * 6 + 64) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const m = v as Record<string, unknown>;
  if (m.type === 'input' && typeof m.data === 'string' && m.data.length <= MAX_INPUT) return { type: 'input', data: m.data };
  if (m.type === 'resize' && dim(m.cols, 1000) && dim(m.rows, 500)) return { type: 'resize', cols: m.cols, rows: m.rows };
  return undefined;
}

/** Terminal size from the URL (?cols=&rows=), clamped to sane values. */
export function sizeFromQuery(cols: string | undefined, rows: string | undefined): { cols: number; rows: number } {
  const n = (s: string | undefined, d: number, max: number) => {
    const x = Number(s);
    return Number.isInteger(x) && x >= 1 && x <= max ? x : d;
  };
  return { cols: n(cols, 80, 1000), rows: n(rows, 24, 500) };
}
