/**
 * A fast reader for values that plainly fit a part of the topology file's JSON Schema
 * (schema/topology.schema.json, which is zod's own rendering of zodshapes.ts and tested to be
 * exactly that): it either returns the value as zod would give it back (a copy, object keys in
 * the schema's order), or NO, and then the caller asks zod, whose verdict and messages stand.
 * So this reader never decides that a value is wrong; it only spares zod (its import, its schema
 * build and its parse) for the values that are right. Anything it does not know for sure is NO:
 * an unknown keyword, an object that is not plain, an `undefined` value, a `__proto__` key, a
 * number that is not finite. jsonshape.test.ts checks on random and mutated documents that
 * whatever it accepts zod accepts with an equal result.
 */

/** "Not plainly right: ask zod." */
export const NO: unique symbol = Symbol('no');
export type No = typeof NO;

/** A JSON Schema node (draft-07, the subset zod writes). */
export type JsonSchema = { [k: string]: unknown };

/** Reads a value: its copy as zod returns it, or NO. */
export type Reader = (v: unknown) => unknown;

/** Keywords that only document. */
const NOTES = new Set(['description', 'examples', 'title', '$schema']);
/** Keywords this reader understands; a schema with any other is never read fast. */
const KNOWN = new Set(['type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'anyOf', 'oneOf', 'items', 'additionalItems', 'minItems', 'maxItems', 'minimum', 'maximum', 'enum', 'const', 'pattern']);

const never: Reader = () => NO;

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
};

/** Compile a schema node into a reader. */
export function reader(s: JsonSchema): Reader {
  const keys = Object.keys(s).filter((k) => !NOTES.has(k));
  if (keys.some((k) => !KNOWN.has(k))) return never;
  if (s.anyOf !== undefined || s.oneOf !== undefined) {
    if (keys.length !== 1) return never;
    return s.anyOf !== undefined ? anyOf((s.anyOf as JsonSchema[]).map(reader)) : oneOf((s.oneOf as JsonSchema[]).map(reader));
  }
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
  if (types.length === 0) return never;
  const byType = types.map((t) => typed(t, s));
  if (byType.length === 1) return byType[0]!;
  return anyOf(byType);
}

function anyOf(rs: Reader[]): Reader {
  return (v) => {
    for (const r of rs) {
      const out = r(v);
      if (out !== NO) return out;
    }
    return NO;
  };
}

/** Exactly one branch reads it (zod's discriminated unions: their tags differ). */
function oneOf(rs: Reader[]): Reader {
  return (v) => {
    let found: unknown = NO;
    for (const r of rs) {
      const out = r(v);
      if (out === NO) continue;
      if (found !== NO) return NO;
      found = out;
    }
    return found;
  };
}

function typed(t: string, s: JsonSchema): Reader {
  switch (t) {
    case 'string':
      return stringReader(s);
    case 'number':
    case 'integer':
      return numberReader(s, t === 'integer');
    case 'boolean':
      return oneValue(s, (v) => typeof v === 'boolean');
    case 'null':
      return (v) => (v === null ? null : NO);
    case 'object':
      return s.properties !== undefined ? objectReader(s) : recordReader(s);
    case 'array':
      return arrayReader(s);
    default:
      return never;
  }
}

/** const / enum on a scalar type. */
function oneValue(s: JsonSchema, is: (v: unknown) => boolean): Reader {
  const allowed = s.const !== undefined ? [s.const] : Array.isArray(s.enum) ? (s.enum as unknown[]) : undefined;
  return (v) => (is(v) && (allowed === undefined || allowed.includes(v)) ? v : NO);
}

function stringReader(s: JsonSchema): Reader {
  let re: RegExp | undefined;
  try {
    re = typeof s.pattern === 'string' ? new RegExp(s.pattern, 'u') : undefined;
  } catch {
    return never;
  }
  const base = oneValue(s, (v) => typeof v === 'string');
  return re ? (v) => (base(v) !== NO && re.test(v as string) ? v : NO) : base;
}

function numberReader(s: JsonSchema, integer: boolean): Reader {
  const min = typeof s.minimum === 'number' ? s.minimum : -Infinity;
  const max = typeof s.maximum === 'number' ? s.maximum : Infinity;
  if (s.const !== undefined || s.enum !== undefined) return never;
  return (v) => (typeof v === 'number' && (integer ? Number.isSafeInteger(v) : Number.isFinite(v)) && v >= min && v <= max ? v : NO);
}

/** A strict object: known keys only, required ones present; the copy has the schema's key order. */
function objectReader(s: JsonSchema): Reader {
  if (s.additionalProperties !== false || s.propertyNames !== undefined) return never;
  const props = Object.entries(s.properties as Record<string, JsonSchema>).map(([k, p]) => [k, reader(p)] as const);
  const known = new Set(props.map(([k]) => k));
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  return (v) => {
    if (!isPlain(v)) return NO;
    for (const k of Object.keys(v)) if (!known.has(k)) return NO;
    for (const k of required) if (!Object.prototype.hasOwnProperty.call(v, k)) return NO;
    const out: Record<string, unknown> = {};
    for (const [k, r] of props) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      const x = r(v[k]);
      if (x === NO) return NO;
      out[k] = x;
    }
    return out;
  };
}

/** A map of names to values (zod's record): the copy keeps the file's order. */
function recordReader(s: JsonSchema): Reader {
  if (typeof s.additionalProperties !== 'object' || s.additionalProperties === null || s.required !== undefined) return never;
  const value = reader(s.additionalProperties as JsonSchema);
  const key = s.propertyNames !== undefined ? reader(s.propertyNames as JsonSchema) : (k: unknown) => k;
  return (v) => {
    if (!isPlain(v)) return NO;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__' || key(k) === NO) return NO;
      const x = value(v[k]);
      if (x === NO) return NO;
      out[k] = x;
    }
    return out;
  };
}

function arrayReader(s: JsonSchema): Reader {
  const min = typeof s.minItems === 'number' ? s.minItems : 0;
  const max = typeof s.maxItems === 'number' ? s.maxItems : Infinity;
  if (Array.isArray(s.items)) {
    // A tuple: exactly these items.
    const items = (s.items as JsonSchema[]).map(reader);
    if (s.additionalItems !== false || min !== items.length || max !== items.length) return never;
    return (v) => {
      if (!Array.isArray(v) || v.length !== items.length) return NO;
      const out: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        const x = items[i]!(v[i]);
        if (x === NO) return NO;
        out.push(x);
      }
      return out;
    };
  }
  if (typeof s.items !== 'object' || s.items === null || s.additionalItems !== undefined) return never;
  const item = reader(s.items as JsonSchema);
  return (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max) return NO;
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const x = item(v[i]);
      if (x === NO) return NO;
      out.push(x);
    }
    return out;
  };
}
