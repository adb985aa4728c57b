/**
 * Name rules of the topology format and the kernel, and deterministic kernel names for long
 * logical names and unnamed bridge ports. Pure functions.
 *
 * The kernel's rule for interface names lives in the wire layer (ifnameProblem: dev_valid_name);
 * the namespace-name rule in kernel/netnsname.ts. The file format is stricter (ASCII letters,
 * digits, '_', '.', '-') so names are safe to paste into shells and file names.
 */
import { netnsNameProblem as netnsRule, NETNS_NAME_MAX } from '../kernel/netnsname.js';
import { ALTIFNAMSIZ_MAX, IFNAMSIZ_MAX, ifnameProblem } from '../wire/rtnl/ifla.js';
import { LAB_NAME_RE } from './labname.js';

/** Largest kernel interface name, in bytes (IFNAMSIZ - 1). */
export const IFNAME_MAX = IFNAMSIZ_MAX;
/** Largest alternative name (ALTIFNAMSIZ - 1), the limit of a logical interface name. */
export const ALTNAME_MAX = ALTIFNAMSIZ_MAX;
/** Largest namespace name: a file name in /run/netns. */
export const NETNS_MAX = NETNS_NAME_MAX;

export { LAB_NAME_RE };
export const NODE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** A logical interface or bridge name in the file (kernel name if ≤ 15 bytes, else altname). */
export const IFACE_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,126}$/;
export const PREFIX_RE = /^[A-Za-z0-9_.-]*$/;
export const MAC_RE = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
/** A namespace-scoped sysctl key written with dots. */
export const SYSCTL_KEY_RE = /^net\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
/** NODE:IF, host:IF or BRIDGE[:PORT]. */
export const ENDPOINT_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;

/** The name that means "the host namespace" in endpoints; no node or bridge may take it. */
export const HOST = 'host';

/** Why `s` is not an acceptable kernel interface name (the wire layer's rule), or undefined. */
export const kernelNameProblem = (s: string): string | undefined => ifnameProblem(s);

/** True when `s` can be used as a kernel interface name as is. */
export const isKernelName = (s: string): boolean => kernelNameProblem(s) === undefined;

/** A name that breaks a rule: INVALID_NAME (characters) or NAME_TOO_LONG, and why. */
export interface NameProblem {
  code: 'INVALID_NAME' | 'NAME_TOO_LONG';
  why: string;
}

function nameRule(s: string, re: RegExp, chars: RegExp, max: number, rule: string): NameProblem | undefined {
  if (re.test(s)) return undefined;
  if (s.length > max && chars.test(s)) return { code: 'NAME_TOO_LONG', why: `it is ${s.length} characters; the limit is ${max}` };
  return { code: 'INVALID_NAME', why: rule };
}

/** Why `s` is not a valid logical interface/bridge name, or undefined. */
export const ifaceNameProblem = (s: string): NameProblem | undefined =>
  nameRule(s, IFACE_NAME_RE, /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, ALTNAME_MAX,
    `use ASCII letters, digits, '_', '.' and '-', starting with a letter, digit or '_' (at most ${ALTNAME_MAX}; names over ${IFNAME_MAX} bytes get a generated kernel name)`);

/** Why `s` is not a valid node name, or undefined. 'host' is checked separately (reserved). */
export const nodeNameProblem = (s: string): NameProblem | undefined =>
  nameRule(s, NODE_NAME_RE, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 63,
    "use ASCII letters, digits, '_', '.' and '-', starting with a letter or digit (at most 63)");

/** Why `s` is not a valid lab name, or undefined. */
export const labNameProblem = (s: string): NameProblem | undefined =>
  nameRule(s, LAB_NAME_RE, /^[a-z0-9][a-z0-9_-]*$/, 24,
    "use lower-case letters, digits, '_' and '-', starting with a letter or digit (at most 24)");

/** Why `s` is not a namespace name iproute2 accepts, or undefined (kernel/netnsname.ts). */
export const netnsNameProblem = (s: string): string | undefined => netnsRule(s);

/** 32-bit FNV-1a of the UTF-8 bytes of `s`. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** 4 hex characters derived from `s` (both halves of FNV-1a folded together). */
export function hash4(s: string): string {
  const h = fnv1a(s);
  return ((h ^ (h >>> 16)) & 0xffff).toString(16).padStart(4, '0');
}

/**
 * A kernel name for `base` (a logical name or a generated port base) that is not in `taken`:
 * `base` itself when it is a valid kernel name and free, else its first 10 characters + '-' + 4
 * hex characters of a hash of `base` (rehashed with a counter on collision). Deterministic for
 * the same `base` and `taken`. The result is added to `taken`.
 */
export function allocateKernelName(base: string, taken: Set<string>, useAsIs = true): string {
  let name = base;
  if (!useAsIs || !isKernelName(base) || taken.has(base)) {
    const head = safeHead(base);
    for (let i = 0; ; i++) {
      name = `${head}-${hash4(i === 0 ? base : `${base}#${i}`)}`;
      if (!taken.has(name)) break;
    }
  }
  taken.add(name);
  return name;
}

/** The first 10 characters of `s` restricted to [A-Za-z0-9_.-] (others become '_'). */
function safeHead(s: string): string {
  let out = '';
  for (const ch of s) {
    if (out.length >= 10) break;
    out += /[A-Za-z0-9_.-]/.test(ch) ? ch : '_';
  }
  if (out === '' || out === '.' || out === '..') out = `x${out}`;
  return out;
}
