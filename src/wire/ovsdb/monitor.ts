import { WireError } from '../errors.js';
import { decodeRow, type Row } from './transact.js';
import { short } from './value.js';

/**
 * `monitor` (RFC 7047 section 4.1.5): the request's params and the decoding of the initial
 * reply and of each later `update` notification. Both carry <table-updates>:
 * { table: { row-uuid: { old?: row, new?: row } } }.
 */
export interface MonitorSelect { initial?: boolean; insert?: boolean; delete?: boolean; modify?: boolean }
export interface MonitorTable { columns?: readonly string[]; select?: MonitorSelect }

export function monitorParams(db: string, monitorId: unknown, tables: Record<string, MonitorTable>): unknown[] {
  const req: Record<string, unknown> = {};
  for (const [t, m] of Object.entries(tables)) {
    const o: Record<string, unknown> = {};
    if (m.columns) o.columns = [...m.columns];
    if (m.select) o.select = { ...m.select };
    req[t] = o;
  }
  return [db, monitorId, req];
}

/** One row's change: inserted (new only), deleted (old only) or modified (both; old holds the changed columns' previous values). */
export interface RowUpdate {
  table: string;
  uuid: string;
  old?: Row;
  new?: Row;
}

export function decodeTableUpdates(j: unknown): RowUpdate[] {
  const obj = (v: unknown, what: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WireError('MALFORMED', what, 0, `not an object: ${short(v)}`);
    return v as Record<string, unknown>;
  };
  const out: RowUpdate[] = [];
  for (const [table, rows] of Object.entries(obj(j, 'table-updates'))) {
    for (const [id, ru] of Object.entries(obj(rows, `table-updates.${table}`))) {
      const what = `table-updates.${table}.${id}`;
      const r = obj(ru, what);
      const u: RowUpdate = { table, uuid: id };
      if (r.old !== undefined) u.old = decodeRow(r.old, `${what}.old`);
      if (r.new !== undefined) u.new = decodeRow(r.new, `${what}.new`);
      if (!u.old && !u.new) throw new WireError('MALFORMED', what, 0, 'a row update with neither old nor new');
      out.push(u);
    }
  }
  return out;
}

/** The <table-updates> of an `update` notification: params [monitor-id, table-updates]. */
export function decodeUpdateNotification(params: unknown[]): { monitorId: unknown; updates: RowUpdate[] } {
  if (params.length !== 2) throw new WireError('MALFORMED', 'update notification', 0, `expected [monitor-id, table-updates], got ${params.length} params`);
  return { monitorId: params[0], updates: decodeTableUpdates(params[1]) };
}
