/**
 * zod issues → our issues: one per place, our codes, messages that say what was expected and what
 * was found, unions resolved to the branch the user evidently meant.
 */
import type { z } from 'zod';
import { didYouMean, quote, type Issues } from './issues.js';

/** Every key the format knows, for "did you mean" on unknown keys. */
const KNOWN_KEYS = [
  'name', 'prefix', 'ipv6', 'nodes', 'bridges', 'links', 'uplinks', 'interfaces', 'routes', 'sysctls', 'exec',
  'addresses', 'mtu', 'mac', 'to', 'via', 'dev', 'metric', 'table', 'node', 'stp', 'type', 'endpoints', 'endpoint',
  'parent', 'mode', 'id', 'remote', 'group', 'local', 'port', 'bridge', 'interface', 'out',
];

/** Codes for range/format failures of particular fields (by the last key of the path). */
const FIELD_CODES: Record<string, string> = { mtu: 'BAD_MTU', id: 'BAD_VNI' };

/** Marker message from our per-parse error map: "no schema-level message was given". */
const DEFAULT = '\u0000';
/** Pass as `error` to safeParse so that schema-level messages can be told from defaults. */
export const defaultErrorMap = (): string => DEFAULT;

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'nothing',
};

/** "a string ("abc")", "a list", "nothing" — what the user wrote, briefly. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return `the string ${quote(v, 40)}`;
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : 'a number too large to represent';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary data';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

type ZIssue = z.core.$ZodIssue;

/** Resolve `v` at `path` inside `root` (for the "got ..." part when zod did not report it). */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

/**
 * Add the zod issues for the value `input` found at `base` to `out`. At most one issue per path
 * (zod can report several for one value, e.g. an integer too big for two reasons).
 */
export function addZodIssues(out: Issues, base: (string | number)[], input: unknown, issues: readonly ZIssue[]): void {
  const seen = new Set<string>();
  const push = (code: string, path: (string | number)[], message: string, at?: 'key') => {
    const k = JSON.stringify(path);
    if (seen.has(k)) return;
    seen.add(k);
    out.error(code, path, message, at);
  };
  const walk = (iss: ZIssue, prefix: (string | number)[], root: unknown) => {
    const rel = [...prefix, ...(iss.path as (string | number)[])];
    const path = [...base, ...rel];
    const got = 'input' in iss && iss.input !== undefined ? iss.input : valueAt(root, rel);
    const custom = iss.message !== DEFAULT ? iss.message : undefined;
    const last = path[path.length - 1];
    switch (iss.code) {
      case 'invalid_type': {
        if (got === undefined) {
          push('MISSING_KEY', path, `missing required key ${quote(String(last))}`);
          return;
        }
        const expected = NOUNS[iss.expected] ?? iss.expected;
        push('WRONG_TYPE', path, `${custom ?? `expected ${expected}`}, got ${describe(got)}`);
        return;
      }
      case 'unrecognized_keys':
        for (const k of iss.keys) {
          push('UNKNOWN_KEY', [...path, k], `unknown key ${quote(k)}${didYouMean(k, KNOWN_KEYS)}`, 'key');
        }
        return;
      case 'too_small':
      case 'too_big': {
        if (iss.origin === 'array' || iss.origin === 'string') {
          const n = iss.code === 'too_small' ? `at least ${iss.minimum}` : `at most ${iss.maximum}`;
          const what = iss.origin === 'array' ? 'items' : 'characters';
          push('BAD_VALUE', path, `${custom ?? `must have ${n} ${what}`}`);
          return;
        }
        const code = (typeof last === 'string' && FIELD_CODES[last]) || 'OUT_OF_RANGE';
        const bound = iss.code === 'too_small' ? `at least ${iss.minimum}` : `at most ${iss.maximum}`;
        push(code, path, `${custom ?? `must be ${bound}`}, got ${describe(got)}`);
        return;
      }
      case 'invalid_value': {
        const values = iss.values.map((v) => quote(String(v)));
        push('BAD_VALUE', path, `${custom ?? `must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}`}, got ${describe(got)}`);
        return;
      }
      case 'invalid_union': {
        // Resolve to the branch whose top-level type matched and that has the fewest issues.
        const branches = iss.errors.filter((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
        if (branches.length === 0 || iss.errors.length === 0) {
          const expected = [...new Set(iss.errors.flatMap((errs) => errs.filter((e) => e.code === 'invalid_type' && e.path.length === 0).map((e) => NOUNS[(e as { expected: string }).expected] ?? (e as { expected: string }).expected)))];
          const disc = (iss as { discriminator?: string }).discriminator;
          if (disc !== undefined) {
            push('BAD_VALUE', [...path, disc], `${quote(disc)} must be set to one of the known kinds, got ${describe(valueAt(got, [disc]))}`);
            return;
          }
          push('WRONG_TYPE', path, `expected ${expected.join(' or ') || 'something else'}, got ${describe(got)}`);
          return;
        }
        const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
        for (const e of best) walk(e, rel, root);
        return;
      }
      case 'invalid_format':
        push('BAD_VALUE', path, `${custom ?? `does not match ${iss.format === 'regex' ? (iss as { pattern?: string }).pattern : iss.format}`}, got ${describe(got)}`);
        return;
      default:
        push('BAD_VALUE', path, custom ?? `invalid value, got ${describe(got)}`);
    }
  };
  for (const iss of issues) walk(iss, [], input);
}
