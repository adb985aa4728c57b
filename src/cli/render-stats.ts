/**
 * A link's counters as `ip -s link show` prints them (iproute2's print_stats64): the RX and TX
 * tables, with `-s -s` (level 2) the error tables too; and `ip -s -j`'s `stats64` object.
 * Pure: data in, string out.
 */
import type { LinkStats } from '../api/types.js';

/** One column of a table: its heading and the counter under it; `optional` columns show only when non-zero. */
interface Column {
  head: string;
  value: (s: LinkStats) => number;
  optional?: boolean;
}

/** ip's starting widths of the columns ("*X errors:", "packets", ...); a wider number widens its column. */
const BASE_WIDTHS = [10, 7, 6, 7, 7, 7, 10, 9];

const RX: Column[] = [
  { head: 'bytes', value: (s) => s.rx_bytes },
  { head: 'packets', value: (s) => s.rx_packets },
  { head: 'errors', value: (s) => s.rx_errors },
  { head: 'dropped', value: (s) => s.rx_dropped },
  { head: 'missed', value: (s) => s.rx_missed_errors },
  { head: 'mcast', value: (s) => s.multicast },
  { head: 'compressed', value: (s) => s.rx_compressed, optional: true },
];
const TX: Column[] = [
  { head: 'bytes', value: (s) => s.tx_bytes },
  { head: 'packets', value: (s) => s.tx_packets },
  { head: 'errors', value: (s) => s.tx_errors },
  { head: 'dropped', value: (s) => s.tx_dropped },
  { head: 'carrier', value: (s) => s.tx_carrier_errors },
  { head: 'collsns', value: (s) => s.collisions },
  { head: 'compressed', value: (s) => s.tx_compressed, optional: true },
];
/** The error tables start at the second column (the first is their label). */
const RX_ERRORS: Column[] = [
  { head: 'length', value: (s) => s.rx_length_errors },
  { head: 'crc', value: (s) => s.rx_crc_errors },
  { head: 'frame', value: (s) => s.rx_frame_errors },
  { head: 'fifo', value: (s) => s.rx_fifo_errors },
  { head: 'overrun', value: (s) => s.rx_over_errors },
  { head: 'nohandler', value: (s) => s.rx_nohandler, optional: true },
  { head: 'otherhost', value: (s) => s.rx_otherhost_dropped, optional: true },
];
const txErrors = (s: LinkStats): Column[] => [
  { head: 'aborted', value: (x) => x.tx_aborted_errors },
  { head: 'fifo', value: (x) => x.tx_fifo_errors },
  { head: 'window', value: (x) => x.tx_window_errors },
  { head: 'heartbt', value: (x) => x.tx_heartbeat_errors },
  ...(s.carrier_changes !== undefined ? [{ head: 'transns', value: (x: LinkStats) => x.carrier_changes ?? 0 }] : []),
];

const digits = (n: number): number => String(n).length;

/**
 * The column widths: ip's starting widths, widened by every number shown in that column.
 * (ip sizes the TX error numbers one column to the right of where it prints them; so do we.)
 */
function widths(s: LinkStats, level: number): number[] {
  const w = [...BASE_WIDTHS];
  const size = (values: number[], from = 0): void => values.forEach((v, i) => {
    if (w[from + i] !== undefined) w[from + i] = Math.max(w[from + i]!, digits(v));
  });
  size([...RX.map((c) => c.value(s)), 0]);
  if (level > 1) size(RX_ERRORS.map((c) => c.value(s)), 1);
  size([...TX.map((c) => c.value(s)), 0]);
  if (level > 1) size([...txErrors(s).slice(0, 4).map((c) => c.value(s)), s.carrier_changes ?? 0], 2);
  return w;
}

/** "    RX:  bytes packets ..." and its numbers, each right-aligned in its column and followed by a space. */
function table(label: 'RX' | 'TX', cols: Column[], s: LinkStats, w: number[]): string[] {
  const shown = cols.filter((c) => !c.optional || c.value(s) !== 0);
  const optional = cols.find((c) => c.optional);
  // The heading always pads the optional column, blank when it is not shown.
  const heads = cols.slice(0, 6).map((c, i) => c.head.padStart(i === 0 ? w[0]! - 4 : w[i]!));
  heads.push((optional && optional.value(s) !== 0 ? optional.head : '').padStart(w[6]!));
  return [`    ${label}: ${heads.join(' ')}`, `    ${shown.map((c, i) => `${String(c.value(s)).padStart(w[i]!)} `).join('')}`];
}

/** "    RX errors:  length ..." and its numbers, under the columns of the table above (column i + 1). */
function errorTable(label: 'RX' | 'TX', cols: Column[], s: LinkStats, w: number[]): string[] {
  const shown = cols.map((c, i) => ({ c, width: w[i + 1]! })).filter(({ c }) => !c.optional || c.value(s) !== 0);
  let head = `    ${label} errors:${''.padStart(w[0]! - 10)}`;
  for (const { c, width } of shown) head += c.optional ? ` ${c.head}`.padStart(width + 1) : ` ${c.head.padStart(width)}`;
  if (label === 'TX' && s.carrier_changes === undefined) head += ` ${''.padStart(w[5]!)}`;
  return [head, `${''.padStart(w[0]! + 5)}${shown.map(({ c, width }) => `${String(c.value(s)).padStart(width)} `).join('')}`];
}

/** The lines `ip -s link show` adds under a link (level 2: `-s -s`, with the error tables). */
export function statsLines(s: LinkStats, level: number): string[] {
  const w = widths(s, level);
  const [rxHead, rxNums] = table('RX', RX, s, w);
  const [txHead, txNums] = table('TX', TX, s, w);
  const out = [rxHead!, rxNums!];
  if (level > 1) out.push(...errorTable('RX', RX_ERRORS, s, w));
  out.push(txHead!, txNums!);
  if (level > 1) out.push(...errorTable('TX', txErrors(s), s, w));
  return out;
}

/** `ip -s -j`'s "stats64": {rx: {...}, tx: {...}} with ip's key names and order. */
export function statsJson(s: LinkStats, level: number): Record<string, Record<string, number>> {
  const rx: Record<string, number> = { bytes: s.rx_bytes, packets: s.rx_packets, errors: s.rx_errors, dropped: s.rx_dropped, over_errors: s.rx_over_errors, multicast: s.multicast };
  if (s.rx_compressed) rx.compressed = s.rx_compressed;
  if (level > 1) {
    Object.assign(rx, { length_errors: s.rx_length_errors, crc_errors: s.rx_crc_errors, frame_errors: s.rx_frame_errors, fifo_errors: s.rx_fifo_errors, missed_errors: s.rx_missed_errors });
    if (s.rx_nohandler) rx.nohandler = s.rx_nohandler;
    if (s.rx_otherhost_dropped) rx.otherhost = s.rx_otherhost_dropped;
  }
  const tx: Record<string, number> = { bytes: s.tx_bytes, packets: s.tx_packets, errors: s.tx_errors, dropped: s.tx_dropped, carrier_errors: s.tx_carrier_errors, collisions: s.collisions };
  if (s.tx_compressed) tx.compressed = s.tx_compressed;
  if (level > 1) {
    Object.assign(tx, { aborted_errors: s.tx_aborted_errors, fifo_errors: s.tx_fifo_errors, window_errors: s.tx_window_errors, heartbeat_errors: s.tx_heartbeat_errors });
    if (s.carrier_changes !== undefined) tx.carrier_changes = s.carrier_changes;
  }
  return { rx, tx };
}
