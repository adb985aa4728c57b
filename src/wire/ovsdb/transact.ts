import { WireError } from '../errors.js';
import { OvsdbError } from './rpc.js';
import { decodeDatum, encodeDatum, short, type Datum, type Uuid } from './value.js';

/**
 * Builders for the operations of a `transact` (RFC 7047 section 5.2) and the decoding of its
 * result. Builders return plain data; `transactParams` puts them behind the database name.
 *
 *   transactParams('Open_vSwitch', [
 *     insert('Port', { name: 'p1', interfaces: namedUuid('i1') }, 'p1'),
 *     mutate('Bridge', [where('name', '==', 'br0')], [['ports', 'insert', set(namedUuid('p1'))]]),
 *   ])
 */
export type Row = Record<string, Datum>;
export type ConditionFn = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'includes' | 'excludes';
export type Condition = readonly [column: string, fn: ConditionFn, value: Datum];
export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';
export type Mutation = readonly [column: string, mutator: Mutator, value: Datum];

export interface Operation {
  readonly op: 'insert' | 'update' | 'mutate' | 'delete' | 'select' | 'wait' | 'comment' | 'assert';
  readonly table?: string;
  /** The JSON object sent for this operation. */
  readonly json: Record<string, unknown>;
}

export const where = (column: string, fn: ConditionFn, value: Datum): Condition => [column, fn, value];

const encodeRow = (row: Row, what: string): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = encodeDatum(v, `${what}.${k}`);
  return out;
};
const encodeWhere = (conds: readonly Condition[], what: string): unknown[] =>
  conds.map(([c, fn, v]) => [c, fn, encodeDatum(v, `${what}.where.${c}`)]);

/** Insert a row; `uuidName` lets later operations of the same transaction refer to it as namedUuid(uuidName). */
export function insert(table: string, row: Row, uuidName?: string): Operation {
  const json: Record<string, unknown> = { op: 'insert', table, row: encodeRow(row, `insert ${table}`) };
  if (uuidName !== undefined) json['uuid-name'] = uuidName;
  return { op: 'insert', table, json };
}

export function update(table: string, conds: readonly Condition[], row: Row): Operation {
  return { op: 'update', table, json: { op: 'update', table, where: encodeWhere(conds, `update ${table}`), row: encodeRow(row, `update ${table}`) } };
}

export function mutate(table: string, conds: readonly Condition[], mutations: readonly Mutation[]): Operation {
  const what = `mutate ${table}`;
  return {
    op: 'mutate', table,
    json: { op: 'mutate', table, where: encodeWhere(conds, what), mutations: mutations.map(([c, m, v]) => [c, m, encodeDatum(v, `${what}.${c}`)]) },
  };
}

export function del(table: string, conds: readonly Condition[]): Operation {
  return { op: 'delete', table, json: { op: 'delete', table, where: encodeWhere(conds, `delete ${table}`) } };
}

export function select(table: string, conds: readonly Condition[], columns?: readonly string[]): Operation {
  const json: Record<string, unknown> = { op: 'select', table, where: encodeWhere(conds, `select ${table}`) };
  if (columns) json.columns = [...columns];
  return { op: 'select', table, json };
}

/**
 * Make the transaction fail unless the rows matching `conds`, projected on `columns`, are
 * (until '==') or are not (until '!=') exactly `rows`; `timeout` 0 fails at once.
 */
export function wait(table: string, conds: readonly Condition[], columns: readonly string[], until: '==' | '!=', rows: readonly Row[], timeout = 0): Operation {
  const what = `wait ${table}`;
  return {
    op: 'wait', table,
    json: { op: 'wait', table, timeout, where: encodeWhere(conds, what), columns: [...columns], until, rows: rows.map((r) => encodeRow(r, what)) },
  };
}

export function comment(text: string): Operation {
  return { op: 'comment', json: { op: 'comment', comment: text } };
}

/** The params of a transact request. */
export function transactParams(db: string, ops: readonly Operation[]): unknown[] {
  return [db, ...ops.map((o) => o.json)];
}

/** The result of one operation: the inserted row's uuid, a row count, or selected rows. */
export interface OpResult {
  uuid?: Uuid;
  count?: number;
  rows?: Row[];
}

/**
 * Decode a transact result. Any failed operation (or the commit failure the server appends
 * after the last operation) throws an OvsdbError naming the operation.
 */
export function decodeTransactResult(ops: readonly Operation[], result: unknown): OpResult[] {
  if (!Array.isArray(result)) throw new WireError('MALFORMED', 'transact result', 0, `not an array: ${short(result)}`);
  const out: OpResult[] = [];
  for (let i = 0; i < result.length; i++) {
    const r = result[i] as unknown;
    const op = ops[i];
    const what = op ? `operation ${i} (${op.op}${op.table ? ` ${op.table}` : ''})` : 'commit';
    if (r === null) { out.push({}); continue; } // not executed: an earlier operation failed
    if (typeof r !== 'object' || Array.isArray(r)) throw new WireError('MALFORMED', `transact result[${i}]`, 0, short(r));
    const o = r as Record<string, unknown>;
    if (o.error !== undefined && o.error !== null) {
      throw new OvsdbError(String(o.error), typeof o.details === 'string' ? o.details : undefined, what);
    }
    out.push(decodeOpResult(o, i));
  }
  if (out.length < ops.length) throw new WireError('MALFORMED', 'transact result', 0, `${out.length} results for ${ops.length} operations`);
  return out.slice(0, ops.length);
}

function decodeOpResult(o: Record<string, unknown>, i: number): OpResult {
  const res: OpResult = {};
  if (o.uuid !== undefined) {
    const u = decodeDatum(o.uuid, `transact result[${i}].uuid`);
    if (typeof u !== 'object' || !('uuid' in u)) throw new WireError('MALFORMED', `transact result[${i}].uuid`, 0, short(o.uuid));
    res.uuid = u;
  }
  if (o.count !== undefined) {
    if (typeof o.count !== 'number') throw new WireError('MALFORMED', `transact result[${i}].count`, 0, short(o.count));
    res.count = o.count;
  }
  if (o.rows !== undefined) {
    if (!Array.isArray(o.rows)) throw new WireError('MALFORMED', `transact result[${i}].rows`, 0, short(o.rows));
    res.rows = o.rows.map((row, k) => decodeRow(row, `transact result[${i}].rows[${k}]`));
  }
  return res;
}

/** A row from the wire: every column's value decoded. */
export function decodeRow(j: unknown, what: string): Row {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new WireError('MALFORMED', what, 0, `a row must be an object: ${short(j)}`);
  const row: Row = {};
  for (const [k, v] of Object.entries(j as Record<string, unknown>)) row[k] = decodeDatum(v, `${what}.${k}`);
  return row;
}
