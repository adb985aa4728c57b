/**
 * The units tc writes (tc(8), "PARAMETERS"): rates, times, sizes and percentages, parsed to
 * plain numbers and printed back the way tc prints them. Pure; used by the api (impair),
 * the topology validation and the CLI alike, so each unit rule lives here once.
 */

const RATE_UNITS: Record<string, number> = {
  '': 1, bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, tbit: 1e12,
  kibit: 1024, mibit: 1024 ** 2, gibit: 1024 ** 3, tibit: 1024 ** 4,
  bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9, tbps: 8e12,
  kibps: 8 * 1024, mibps: 8 * 1024 ** 2, gibps: 8 * 1024 ** 3, tibps: 8 * 1024 ** 4,
};
const TIME_UNITS: Record<string, number> = { s: 1e6, sec: 1e6, secs: 1e6, ms: 1e3, msec: 1e3, msecs: 1e3, us: 1, usec: 1, usecs: 1, '': 1 };
const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3,
  kbit: 1024 / 8, mbit: 1024 ** 2 / 8, gbit: 1024 ** 3 / 8,
};

const NUM = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z%]*)\s*$/;

function split(s: string | number): [number, string] | undefined {
  if (typeof s === 'number') return Number.isFinite(s) ? [s, ''] : undefined;
  if (typeof s !== 'string') return undefined;
  const m = NUM.exec(s);
  return m ? [Number(m[1]), m[2]!.toLowerCase()] : undefined;
}

/** The number times its unit's multiplier, rounded; undefined for an unknown unit or (with positive) zero. */
function scaled(s: string | number, units: Readonly<Record<string, number>>, positive: boolean): number | undefined {
  const p = split(s);
  const mul = p ? units[p[1]] : undefined;
  if (!p || mul === undefined) return undefined;
  const v = Math.round(p[0] * mul);
  return positive && v <= 0 ? undefined : v;
}

/** "10mbit" -> 10000000 bits per second. A bare number is bits per second (as tc reads it). */
export const parseRate = (s: string | number): number | undefined => scaled(s, RATE_UNITS, true);
export const RATE_HINT = 'a rate such as 10mbit, 1gbit, 512kbit or 100mbps (tc units: bit, kbit, mbit, gbit; bps, kbps, mbps for bytes)';

/** "20ms" -> 20000 microseconds. A bare number is microseconds (as tc reads it). */
export const parseTime = (s: string | number): number | undefined => scaled(s, TIME_UNITS, false);
export const TIME_HINT = 'a time such as 20ms, 1.5s or 500us';

/** "32kb" -> 32768 bytes; "10kbit" -> 1280 bytes. A bare number is bytes. */
export const parseSize = (s: string | number): number | undefined => scaled(s, SIZE_UNITS, true);
export const SIZE_HINT = 'a size such as 32kb, 1mb or 1600 (bytes)';

/** "1%" or "0.5%" -> 1, 0.5 (a percentage 0..100). A bare number is a percentage too. */
export function parsePercent(s: string | number): number | undefined {
  const p = split(s);
  if (!p || (p[1] !== '' && p[1] !== '%')) return undefined;
  return p[0] >= 0 && p[0] <= 100 ? p[0] : undefined;
}
export const PERCENT_HINT = 'a percentage from 0% to 100%, such as 1% or 0.5%';

/** 10000000 -> "10Mbit", as tc prints a rate. */
export function formatRate(bitsPerSec: number): string {
  for (const [u, m] of [['Tbit', 1e12], ['Gbit', 1e9], ['Mbit', 1e6], ['Kbit', 1e3]] as const) {
    if (bitsPerSec >= m) return `${trim(bitsPerSec / m)}${u}`;
  }
  return `${bitsPerSec}bit`;
}
/** 20000 -> "20ms", as tc prints a time. */
export function formatTime(usec: number): string {
  if (usec >= 1e6) return `${trim(usec / 1e6)}s`;
  if (usec >= 1e3) return `${trim(usec / 1e3)}ms`;
  return `${usec}us`;
}
/** 32768 -> "32Kb", as tc prints a size. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 === 0) return `${trim(bytes / 1024 ** 2)}Mb`;
  if (bytes >= 1024) return `${trim(bytes / 1024)}Kb`;
  return `${bytes}b`;
}
export const formatPercent = (pct: number): string => `${trim(pct)}%`;

function trim(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
