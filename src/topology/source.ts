/**
 * YAML (or JSON) text → plain JS value, plus a way back from a document path to file:line:column.
 *
 * We convert the yaml library's node tree ourselves instead of calling toJS(), so that hostile
 * files stay harmless: aliases are counted (alias bombs stop at MAX_ALIASES), nesting depth is
 * bounded, keys that are lists or maps are reported instead of stringified, "__proto__" is an
 * ordinary key, and `<<` merge keys work with a location for every merged value.
 */
import { createRequire } from 'node:module';
import type { Alias, Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { show, type RawIssue } from './issues.js';

/**
 * The yaml library, loaded on first use: a file in the plain subset of YAML is read without it
 * (plainyaml.ts), and loading it costs about 40 ms. (Its Node build is CommonJS, so this is the
 * same instance an `import 'yaml'` elsewhere gets.)
 */
let yamlLib: typeof import('yaml') | undefined;
const Y = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

export const MAX_ALIASES = 1000;
export const MAX_DEPTH = 64;

export interface Position {
  line: number;
  column: number;
}

export interface YamlSource {
  /** The document as plain data; undefined when the file is empty or could not be read. */
  value: unknown;
  /** True when the document holds nothing (empty file, only comments). */
  empty: boolean;
  /** Problems found while reading the YAML itself. */
  errors: RawIssue[];
  warnings: RawIssue[];
  /** True when `errors` make the value unreliable (syntax errors, alias bombs): stop there. */
  fatal: boolean;
  /** Position of the node at `path` (of its key with at='key'); the nearest existing ancestor if the path ends early. */
  locate(path: readonly (string | number)[], at?: 'key'): Position | undefined;
}

/**
 * A map key as text. Plain keys that YAML reads as numbers, booleans or null keep the text the
 * user wrote: `0x10:` is the key "0x10", not "16"; `1e400:` is "1e400", not "Infinity".
 */
function keyText(k: Scalar): string {
  if (typeof k.value === 'string') return k.value;
  return typeof k.source === 'string' && k.source !== '' ? k.source : String(k.value);
}

class AliasLimit extends Error {
  constructor(readonly node: Node) {
    super('alias limit');
  }
}

type AnyNode = Node | Pair | null | undefined;

export function readYaml(text: string): YamlSource {
  const lc = new (Y().LineCounter)();
  const doc = Y().parseDocument(text, {
    lineCounter: lc,
    prettyErrors: false,
    uniqueKeys: false, // checked below in O(1) per key (the library's check is quadratic)
    merge: true,
    keepSourceTokens: false,
  }) as Document.Parsed;
  const at = (offset: number): Position => {
    const p = lc.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line, column: p.col };
  };
  const nodePos = (n: AnyNode): Position | undefined => {
    const range = n && 'range' in n ? n.range : undefined;
    return range ? at(range[0]) : undefined;
  };
  const conv = new Converter(doc, nodePos);
  for (const e of doc.errors) {
    conv.fatal = true;
    const msg = /call stack/i.test(e.message) ? 'the document is nested too deeply' : e.message.replace(/\s*at line \d+, column \d+.*$/s, '');
    conv.errors.push({ code: 'YAML_SYNTAX', message: `YAML syntax error: ${msg}`, path: [], ...at(e.pos[0]) });
  }
  const warnings: RawIssue[] = doc.warnings.map((w) => ({ code: 'YAML_WARNING', message: w.message, path: [], ...at(w.pos[0]) }));
  const empty = doc.contents === null || (Y().isScalar(doc.contents) && doc.contents.value === null && !doc.contents.source);
  const value = !conv.fatal && !empty ? conv.document() : undefined;
  return { value, empty: empty && !conv.fatal, errors: conv.errors, warnings, fatal: conv.fatal, locate: locator(doc, nodePos) };
}

/**
 * The document's node tree as plain data, with the limits that keep hostile files harmless:
 * aliases counted, depth bounded, cycles refused, duplicate keys reported once.
 */
class Converter {
  readonly errors: RawIssue[] = [];
  /** `errors` make the value unreliable. */
  fatal = false;
  private aliases = 0;
  /** Duplicate keys already reported (a node reached through several aliases is seen again). */
  private readonly reported = new Set<unknown>();
  /** Collections being converted right now: an alias to one of them is a cycle. */
  private readonly active = new Set<unknown>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly nodePos: (n: AnyNode) => Position | undefined,
  ) {}

  /** The whole document; undefined (and a fatal error) past MAX_ALIASES aliases. */
  document(): unknown {
    try {
      return this.convert(this.doc.contents as AnyNode, 0);
    } catch (e) {
      if (!(e instanceof AliasLimit)) throw e;
      this.fail('TOO_MANY_ALIASES', `more than ${MAX_ALIASES} aliases are expanded (an alias bomb?): use fewer aliases or write the values out`, e.node);
      return undefined;
    }
  }

  private fail(code: string, message: string, n: AnyNode): null {
    this.errors.push({ code, message, path: [], ...this.nodePos(n) });
    this.fatal = true;
    return null;
  }

  /** The node an alias names, counting it against MAX_ALIASES. */
  private resolve(n: Alias): AnyNode {
    if (++this.aliases > MAX_ALIASES) throw new AliasLimit(n);
    return n.resolve(this.doc);
  }

  private convert(n: AnyNode, depth: number): unknown {
    if (n === null || n === undefined) return null;
    if (Y().isAlias(n)) {
      const target = this.resolve(n);
      if (!target) return this.fail('YAML_SYNTAX', `YAML syntax error: alias *${n.source} has no anchor &${n.source} before it`, n);
      if (this.active.has(target)) return this.fail('CYCLIC_ALIAS', `alias *${n.source} is inside the node it refers to (a cycle): write the value out`, n);
      return this.convert(target, depth + 1);
    }
    if (Y().isScalar(n)) return typeof n.value === 'symbol' ? '<<' : n.value;
    if (depth > MAX_DEPTH) return this.fail('TOO_DEEP', `the document is nested more than ${MAX_DEPTH} levels deep`, n);
    if (Y().isSeq(n)) {
      this.active.add(n);
      const out = n.items.map((item) => this.convert(item as AnyNode, depth + 1));
      this.active.delete(n);
      return out;
    }
    if (Y().isMap(n)) {
      this.active.add(n);
      const obj = this.mapping(n, depth);
      this.active.delete(n);
      return obj;
    }
    return null;
  }

  private mapping(n: YAMLMap, depth: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const merges: AnyNode[] = [];
    for (const pair of n.items) {
      const k = pair.key as AnyNode;
      if (Y().isScalar(k) && typeof k.value === 'symbol') {
        merges.push(pair.value as AnyNode);
        continue;
      }
      if (!Y().isScalar(k)) {
        this.errors.push({ code: 'BAD_KEY', message: 'a key must be a plain name, not a list, a mapping or an alias', path: [], ...(this.nodePos(k) ?? this.nodePos(n)) });
        continue;
      }
      const key = keyText(k);
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        if (!this.reported.has(k)) {
          this.reported.add(k);
          this.errors.push({ code: 'DUPLICATE_KEY', message: `duplicate key ${show(key)}: a key may appear only once in a mapping; merge the two entries`, path: [], ...this.nodePos(k) });
        }
        continue;
      }
      define(obj, key, this.convert(pair.value as AnyNode, depth + 1));
    }
    for (const m of merges) this.merge(obj, m, depth);
    return obj;
  }

  /** `<<: *defaults` (or a list of them): keys `obj` does not have yet. */
  private merge(obj: Record<string, unknown>, m: AnyNode, depth: number): void {
    const source = Y().isAlias(m) ? this.resolve(m) : m;
    const sources = Y().isSeq(source) ? source.items : [source];
    for (const s of sources as AnyNode[]) {
      const value = this.convert(s, depth + 1);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        this.errors.push({ code: 'BAD_MERGE', message: "a '<<' merge takes a mapping or an alias of one (<<: *defaults)", path: [], ...(this.nodePos(s) ?? this.nodePos(m)) });
        continue;
      }
      for (const [k, v] of Object.entries(value)) if (!Object.prototype.hasOwnProperty.call(obj, k)) define(obj, k, v);
    }
  }
}

/** Set key `k` of `obj`; "__proto__" must become an own key, not the object's prototype. */
function define(obj: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[k] = v;
}

/** path → position: the document's maps indexed by key on first use, merge keys followed. */
function locator(doc: Document.Parsed, nodePos: (n: AnyNode) => Position | undefined): YamlSource['locate'] {
  const index = new WeakMap<YAMLMap, { keys: Map<string, Pair>; merges: AnyNode[] }>();
  const indexOf = (m: YAMLMap) => {
    let ix = index.get(m);
    if (!ix) {
      ix = { keys: new Map(), merges: [] };
      for (const pair of m.items) {
        const k = pair.key as AnyNode;
        if (Y().isScalar(k) && typeof k.value === 'symbol') ix.merges.push(pair.value as AnyNode);
        else if (Y().isScalar(k) && !ix.keys.has(keyText(k))) ix.keys.set(keyText(k), pair);
      }
      index.set(m, ix);
    }
    return ix;
  };
  const deref = (n: AnyNode): AnyNode => {
    for (let i = 0; i < 32 && Y().isAlias(n); i++) n = n.resolve(doc);
    return n;
  };
  const findPair = (m: YAMLMap, key: string, depth: number): Pair | undefined => {
    const ix = indexOf(m);
    const hit = ix.keys.get(key);
    if (hit || depth > 8) return hit;
    for (const src of ix.merges) {
      const s = deref(src);
      for (const item of (Y().isSeq(s) ? s.items : [s]) as AnyNode[]) {
        const mm = deref(item);
        if (Y().isMap(mm)) {
          const p = findPair(mm, key, depth + 1);
          if (p) return p;
        }
      }
    }
    return undefined;
  };

  return (path, atKey) => {
    let node: AnyNode = doc.contents as AnyNode;
    let best = nodePos(node) ?? { line: 1, column: 1 };
    for (let i = 0; i < path.length; i++) {
      node = deref(node);
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (Y().isMap(node)) {
        const pair = findPair(node, String(seg), 0);
        if (!pair) return best;
        const keyPos = nodePos(pair.key as AnyNode);
        if (last && atKey === 'key') return keyPos ?? best;
        const v = pair.value as AnyNode;
        const empty = !v || (Y().isScalar(v) && v.value === null && !v.source);
        if (empty) return keyPos ?? best;
        node = v;
      } else if (Y().isSeq(node) && typeof seg === 'number' && seg >= 0 && seg < node.items.length) {
        node = node.items[seg] as AnyNode;
      } else {
        return best;
      }
      best = nodePos(node) ?? best;
    }
    return best;
  };
}
