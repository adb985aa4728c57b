/**
 * A fast reader for the plain block subset of YAML that generated (and most hand-written)
 * topology files are written in: block mappings and sequences, one-line flow sequences of
 * scalars, plain and simply quoted scalars, comments. At 1000 nodes it reads a file in a few
 * milliseconds where the full YAML library (source.ts) takes hundreds.
 *
 * It never judges a document: anything outside the subset (anchors, aliases, tags, merge keys,
 * block scalars, flow mappings, multi-line scalars, escapes, duplicate keys, numbers other than
 * small decimal integers, tabs, document markers, ...) makes it answer `undefined`, and the
 * caller reads the file with the full library, which also locates issues in the file. What it
 * does answer is the value the full library gives (plainyaml.test.ts compares the two on random
 * documents).
 */

interface Line {
  indent: number;
  text: string;
}

/** Thrown inside the reader when the text leaves the subset; caught in readPlainYaml. */
class Outside extends Error {}
const outside = (): never => {
  throw new Outside();
};

/** Lines longer than this go to the full reader (YAML limits implicit keys to 1024 characters). */
const MAX_LINE = 1000;

/** Cut a comment (a '#' at the start or after a space, outside quotes) and trailing spaces. */
function stripComment(s: string): string {
  let q = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = '';
    } else if (c === '"' || c === "'") {
      q = c;
    } else if (c === '#' && (i === 0 || s[i - 1] === ' ')) {
      return s.slice(0, i).trimEnd();
    }
  }
  return s.trimEnd();
}

function splitLines(text: string): Line[] {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) outside();
  const out: Line[] = [];
  for (const raw of text.split('\n')) {
    if (raw.length > MAX_LINE) outside();
    const body = stripComment(raw);
    if (body === '') continue;
    const indent = body.length - body.trimStart().length;
    const t = body.slice(indent);
    if (t.startsWith('---') || t.startsWith('...') || t.startsWith('%')) outside();
    out.push({ indent, text: t });
  }
  return out;
}

/** Characters a plain scalar may not start with (indicators), '-' handled apart. */
const BAD_FIRST = new Set([...'?:,[]{}#&*!|>\'"%@`<']);
/** Plain text the core schema reads as something other than a string (yaml's own tests). */
const CORE_NOT_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** A plain scalar's text, checked to be plain in `flow` or block context; throws Outside otherwise. */
function plainText(s: string, flow: boolean): string {
  if (s === '' || s.endsWith(' ') || BAD_FIRST.has(s[0]!) || (s[0] === '-' && (s.length === 1 || s[1] === ' '))) outside();
  if (s.includes(': ') || s.endsWith(':') || s.includes(' #')) outside();
  if (flow && /[,[\]{}]/u.test(s)) outside();
  return plainChars(s);
}

/** A scalar value: plain (resolved as the core schema does, within the subset) or quoted. */
function scalar(s: string, flow: boolean): unknown {
  if (s[0] === '"' || s[0] === "'") return quoted(s);
  const t = plainText(s, flow);
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^(?:0|[1-9][0-9]{0,14})$/u.test(t)) return Number(t);
  if (CORE_NOT_STRING.some((re) => re.test(t))) outside();
  return t;
}

/** A quoted scalar that is the whole of `s`: no escapes, no line breaks. */
function quoted(s: string): string {
  const q = s[0]!;
  if (s.length < 2 || s[s.length - 1] !== q) outside();
  const inner = s.slice(1, -1);
  if (q === '"') {
    if (inner.includes('"') || inner.includes('\\')) outside();
    return plainChars(inner);
  }
  if (inner.replaceAll("''", '').includes("'")) outside();
  return plainChars(inner.replaceAll("''", "'"));
}

/** `s` unchanged when every character is printable (no controls, no line or paragraph separators). */
function plainChars(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0xd800 && c <= 0xdfff)) outside();
  }
  return s;
}

/** `[a, b, "c"]` on one line: scalars only. */
function flowSeq(s: string): unknown[] {
  if (!s.endsWith(']')) outside();
  const inner = s.slice(1, -1).trim();
  if (inner === '') return [];
  if (/[[\]{}]/u.test(inner)) outside();
  const parts = inner.split(',');
  return parts.map((p) => {
    const t = p.trim();
    if (t === '') outside(); // a trailing or doubled comma
    if ((t[0] === '"' || t[0] === "'") && (t.includes(',') || t.length < 2)) outside();
    return scalar(t, true);
  });
}

/** A value written on the same line as its key or dash. */
function inlineValue(s: string): unknown {
  if (s[0] === '[') return flowSeq(s);
  if (s[0] === '{') return s === '{}' ? {} : outside();
  return scalar(s, false);
}

class Reader {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  read(): unknown {
    if (this.lines.length === 0) outside();
    const first = this.lines[0]!;
    if (first.indent !== 0) outside();
    const v = this.isItem(first) ? this.seq(0) : this.isPair(first.text) ? this.map(0) : outside();
    if (this.i !== this.lines.length) outside();
    return v;
  }

  private isItem(l: Line): boolean {
    return l.text === '-' || l.text.startsWith('- ');
  }

  private isPair(t: string): boolean {
    return t[0] !== '[' && t[0] !== '{' && t[0] !== '"' && t[0] !== "'" && keyEnd(t) > 0;
  }

  /** The value of a key or dash whose line ends with nothing after it: a nested block or null. */
  private nested(parent: number, inMap: boolean): unknown {
    const next = this.lines[this.i];
    if (!next) return null;
    if (next.indent > parent) {
      if (this.isItem(next)) return this.seq(next.indent);
      if (this.isPair(next.text)) return this.map(next.indent);
      return outside(); // a multi-line scalar
    }
    if (inMap && next.indent === parent && this.isItem(next)) return this.seq(parent);
    return null;
  }

  /** After a value written inline, nothing may continue it on more indented lines. */
  private endInline(indent: number): void {
    const next = this.lines[this.i];
    if (next && next.indent > indent) outside();
  }

  private map(indent: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const seen = new Set<string>();
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.indent < indent) break;
      if (l.indent > indent || this.isItem(l)) break;
      const end = keyEnd(l.text);
      if (end <= 0) outside();
      const key = plainText(l.text.slice(0, end), false);
      if (key === '<<' || seen.has(key)) outside();
      seen.add(key);
      const rest = l.text.slice(end + 1).trimStart();
      this.i++;
      let v: unknown;
      if (rest === '') {
        v = this.nested(indent, true);
      } else {
        v = inlineValue(rest);
        this.endInline(indent);
      }
      if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      else obj[key] = v;
    }
    return obj;
  }

  private seq(indent: number): unknown[] {
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.indent !== indent || !this.isItem(l)) break;
      const rest = l.text.slice(1).trimStart();
      if (rest === '') {
        this.i++;
        out.push(this.nested(indent, false));
      } else if (this.isItem({ indent: 0, text: rest })) {
        outside(); // "- - x"
      } else if (this.isPair(rest)) {
        // "- key: value": a mapping whose keys line up with `key`
        const at = indent + (l.text.length - rest.length);
        this.lines[this.i] = { indent: at, text: rest };
        out.push(this.map(at));
      } else {
        this.i++;
        out.push(inlineValue(rest));
        this.endInline(indent);
      }
    }
    return out;
  }
}

/** Where a block mapping key ends (the ':' of ': ' or a final ':'), or -1. */
function keyEnd(t: string): number {
  const sp = t.indexOf(': ');
  if (sp >= 0) return sp;
  return t.endsWith(':') ? t.length - 1 : -1;
}

/**
 * The document's value when `text` is within the plain subset, else undefined (read it with
 * readYaml then). Empty documents are left to the full reader too.
 */
export function readPlainYaml(text: string): { value: unknown } | undefined {
  try {
    return { value: new Reader(splitLines(text)).read() };
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
}
