import { WireError } from '../errors.js';

/**
 * OVSDB values (RFC 7047 section 5.1) as TypeScript data. An atom is a string, number,
 * boolean, a row reference `{ uuid }`, or, inside one transaction, a reference to a row it
 * inserts `{ namedUuid }`. A set is `OvsSet`, a map `OvsMap`; on the wire they are
 * ["set", [...]], ["map", [[k, v], ...]], ["uuid", "..."], ["named-uuid", "..."].
 */
export interface Uuid { readonly uuid: string }
export interface NamedUuid { readonly namedUuid: string }
export type Atom = string | number | boolean | Uuid | NamedUuid;
export class OvsSet {
  constructor(readonly items: readonly Atom[]) {}
}
export class OvsMap {
  constructor(readonly entries: ReadonlyArray<readonly [Atom, Atom]>) {}
  /** The entries as a plain object (keys as strings). */
  toRecord(): Record<string, Atom> {
    const out: Record<string, Atom> = {};
    for (const [k, v] of this.entries) out[atomKey(k)] = v;
    return out;
  }
  get(key: string): Atom | undefined {
    for (const [k, v] of this.entries) if (atomKey(k) === key) return v;
    return undefined;
  }
}
export type Datum = Atom | OvsSet | OvsMap;

export const uuid = (u: string): Uuid => ({ uuid: u });
export const namedUuid = (n: string): NamedUuid => ({ namedUuid: n });
export const set = (...items: Atom[]): OvsSet => new OvsSet(items);
/** A map from a plain object: `map({ 'nsnet-lab': 'lab1' })`. */
export const map = (o: Record<string, Atom>): OvsMap => new OvsMap(Object.entries(o));

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An <id> for named-uuid (RFC 7047 section 3.1: a letter or '_' then letters, digits, '_'). */
const ID_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isUuid = (a: unknown): a is Uuid => typeof a === 'object' && a !== null && 'uuid' in a;
const isNamed = (a: unknown): a is NamedUuid => typeof a === 'object' && a !== null && 'namedUuid' in a;

function atomKey(a: Atom): string {
  if (isUuid(a)) return a.uuid;
  if (isNamed(a)) return a.namedUuid;
  return String(a);
}

/** The wire form of an atom. */
export function encodeAtom(a: Atom, what = 'atom'): unknown {
  if (typeof a === 'string' || typeof a === 'boolean') return a;
  if (typeof a === 'number') {
    if (!Number.isFinite(a)) throw new WireError('BAD_VALUE', what, 0, `${a} is not a finite number`);
    return a;
  }
  if (isUuid(a)) {
    if (!UUID_RE.test(a.uuid)) throw new WireError('BAD_VALUE', what, 0, `"${a.uuid}" is not a UUID`);
    return ['uuid', a.uuid];
  }
  if (isNamed(a)) {
    if (!ID_RE.test(a.namedUuid)) throw new WireError('BAD_VALUE', what, 0, `"${a.namedUuid}" is not a valid named-uuid id`);
    return ['named-uuid', a.namedUuid];
  }
  throw new WireError('BAD_VALUE', what, 0, `not an OVSDB atom: ${JSON.stringify(a)}`);
}

/** The wire form of a value. */
export function encodeDatum(d: Datum, what = 'value'): unknown {
  if (d instanceof OvsSet) return ['set', d.items.map((a, i) => encodeAtom(a, `${what}[${i}]`))];
  if (d instanceof OvsMap) return ['map', d.entries.map(([k, v], i) => [encodeAtom(k, `${what}.key[${i}]`), encodeAtom(v, `${what}.value[${i}]`)])];
  return encodeAtom(d, what);
}

/** An atom from the wire. */
export function decodeAtom(j: unknown, what = 'atom'): Atom {
  if (typeof j === 'string' || typeof j === 'boolean') return j;
  if (typeof j === 'number') return j;
  if (Array.isArray(j) && j.length === 2 && typeof j[1] === 'string') {
    if (j[0] === 'uuid') return uuid(j[1]);
    if (j[0] === 'named-uuid') return namedUuid(j[1]);
  }
  throw new WireError('MALFORMED', what, 0, `not an OVSDB atom: ${short(j)}`);
}

/** A value from the wire: a set or map keeps its class; an atom stays an atom. */
export function decodeDatum(j: unknown, what = 'value'): Datum {
  if (Array.isArray(j) && j[0] === 'set') {
    if (j.length !== 2 || !Array.isArray(j[1])) throw new WireError('MALFORMED', what, 0, `bad set: ${short(j)}`);
    return new OvsSet(j[1].map((a, i) => decodeAtom(a, `${what}[${i}]`)));
  }
  if (Array.isArray(j) && j[0] === 'map') {
    if (j.length !== 2 || !Array.isArray(j[1])) throw new WireError('MALFORMED', what, 0, `bad map: ${short(j)}`);
    return new OvsMap(j[1].map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new WireError('MALFORMED', `${what}[${i}]`, 0, `a map entry must be [key, value]: ${short(pair)}`);
      return [decodeAtom(pair[0], `${what}.key[${i}]`), decodeAtom(pair[1], `${what}.value[${i}]`)] as const;
    }));
  }
  return decodeAtom(j, what);
}

/**
 * A column that may hold 0..n atoms read as a list: OVSDB sends a set of exactly one element
 * as the bare atom, so `tag` is `10` or `["set", []]`, `trunks` is `10` or `["set", [10, 20]]`.
 */
export function datumItems(d: Datum | undefined): Atom[] {
  if (d === undefined) return [];
  if (d instanceof OvsSet) return [...d.items];
  if (d instanceof OvsMap) throw new WireError('MALFORMED', 'value', 0, 'a map where a set was expected');
  return [d];
}

export function short(j: unknown): string {
  const s = JSON.stringify(j) ?? String(j);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
