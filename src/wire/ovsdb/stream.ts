import { WireError } from '../errors.js';

/**
 * OVSDB's JSON-RPC runs over a byte stream of concatenated JSON texts with no delimiter
 * (RFC 7047 section 4). `JsonStream` splits that stream into whole texts, whatever the chunking:
 * a message split at any byte, several in one chunk, strings holding braces, quotes or escapes,
 * multi-byte UTF-8 split between chunks. It scans bytes (every delimiter is ASCII, so a
 * multi-byte character can never be mistaken for one) and decodes a text only when it is whole.
 *
 * Hostile input ends in a WireError, never in a hang or unbounded memory: a top-level value that
 * is not an object or array, a closing bracket with nothing open, nesting deeper than
 * `maxDepth`, a text longer than `maxBytes`, or a text JSON.parse refuses. After an error the
 * stream is unusable (the peer's framing is lost); callers drop the connection.
 */
export class JsonStream {
  private chunks: Buffer[] = [];
  /** Bytes held in `chunks` (all belong to the text being scanned). */
  private held = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Offset in the whole stream, for error reports. */
  private streamOffset = 0;
  private failed: WireError | undefined;

  constructor(
    readonly maxBytes = 64 << 20,
    readonly maxDepth = 512,
  ) {}

  /** Feed one chunk; returns every text it completed, parsed, in order. */
  push(chunk: Uint8Array): unknown[] {
    if (this.failed) throw this.failed;
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: unknown[] = [];
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      if (this.depth === 0) {
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) { start = i + 1; continue; }
        if (c !== 0x7b && c !== 0x5b) return this.fail('MALFORMED', i, `a message must be a JSON object or array, found ${describe(c)}`);
        start = i;
        this.depth = 1;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) {
        if (++this.depth > this.maxDepth) return this.fail('MALFORMED', i, `nesting deeper than ${this.maxDepth}`);
      } else if (c === 0x7d || c === 0x5d) {
        if (--this.depth === 0) {
          out.push(this.complete(buf.subarray(start, i + 1), i));
          start = i + 1;
        }
      }
    }
    if (this.depth > 0) this.hold(buf.subarray(start), buf.length);
    this.streamOffset += buf.length;
    return out;
  }

  /** Bytes of an unfinished text still held (0 between messages). */
  get pending(): number {
    return this.held;
  }

  private hold(part: Buffer, at: number): void {
    this.held += part.length;
    if (this.held > this.maxBytes) this.fail('BAD_VALUE', at, `a message longer than ${this.maxBytes} bytes`);
    this.chunks.push(Buffer.from(part)); // copied: the caller may reuse its chunk
  }

  private complete(tail: Buffer, at: number): unknown {
    const whole = this.chunks.length ? Buffer.concat([...this.chunks, tail]) : tail;
    this.chunks = [];
    this.held = 0;
    if (whole.length > this.maxBytes) return this.fail('BAD_VALUE', at, `a message longer than ${this.maxBytes} bytes`);
    try {
      return JSON.parse(whole.toString('utf8'));
    } catch (e) {
      return this.fail('MALFORMED', at, `not JSON: ${(e as Error).message}`);
    }
  }

  private fail(code: 'MALFORMED' | 'BAD_VALUE', at: number, detail: string): never {
    this.failed = new WireError(code, 'ovsdb stream', this.streamOffset + at, detail);
    this.chunks = [];
    this.held = 0;
    throw this.failed;
  }
}

function describe(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
