/**
 * Validation issues: plain data ({code, message, path} like zod issues, plus file:line:column when
 * the input came from a file), and their one-line rendering.
 */

export interface TopologyIssue {
  /** Stable, machine-readable: 'UNKNOWN_NODE', 'BAD_CIDR', 'YAML_SYNTAX', ... */
  code: string;
  /** One line: what is wrong and what to do. */
  message: string;
  /** Where in the document: ['links', 0, 1], ['nodes', 'h1', 'interfaces', 'eth0', 'mtu']. */
  path: (string | number)[];
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** The other entry a problem is about (the first of two duplicates), located like the issue. */
  related?: { path: (string | number)[]; line?: number; column?: number };
}

/** An issue while it is being collected: `at: 'key'` points it at the map key, not the value. */
export interface RawIssue extends TopologyIssue {
  at?: 'key';
}

/** Collects errors and warnings. */
export class Issues {
  readonly errors: RawIssue[] = [];
  readonly warnings: RawIssue[] = [];

  error(code: string, path: (string | number)[], message: string, at?: 'key'): void {
    this.errors.push(at ? { code, message, path, at } : { code, message, path });
  }

  /**
   * An error about two entries: the message names the other one by its path (formatPath), and
   * when the document came from a file its file:line:column is added after that path.
   */
  errorWith(code: string, path: (string | number)[], related: (string | number)[], message: string): void {
    this.errors.push({ code, message, path, related: { path: related } });
  }

  warn(code: string, path: (string | number)[], message: string, at?: 'key'): void {
    this.warnings.push(at ? { code, message, path, at } : { code, message, path });
  }
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
/**
 * Characters that must not reach a terminal as they are: controls (escape sequences), invisible
 * format characters (zero-width, bidi overrides: "trojan source"), line/paragraph separators.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const UNSAFE_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** `links[0].endpoints[1]`, `nodes.h1.sysctls["net.ipv4.ip_forward"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg) && seg.length <= 64) out += out ? `.${seg}` : seg;
    else out += `[${quote(seg)}]`;
  }
  return out;
}

/**
 * `'name'` for display in a message: control characters escaped (no terminal escapes from a
 * hostile file) and long names shortened.
 */
export function show(s: string, max = 64): string {
  const cut = [...s].length > max ? `${[...s].slice(0, max).join('')}…` : s;
  if (/['\\]/.test(cut) || UNSAFE.test(cut)) return quote(cut);
  return `'${cut}'`;
}

/** JSON-style double-quoted string, shortened. */
export function quote(s: string, max = 64): string {
  const cut = [...s].length > max ? `${[...s].slice(0, max).join('')}…` : s;
  return JSON.stringify(cut).replace(UNSAFE_ALL, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/**
 * "router.yaml:12:9: links[0][1]: unknown node 'h9' (nodes are: h1, h2, r1)".
 * Parts that are not known (no file, no position, empty path) are left out.
 */
export function formatIssue(i: TopologyIssue): string {
  const loc = [i.file, i.line, i.line !== undefined ? i.column : undefined].filter((x) => x !== undefined && x !== '').join(':');
  const path = formatPath(i.path);
  return [loc, path, i.message].filter((x) => x !== '').join(': ');
}

/** "h1, h2, r1" — at most `max` names, then "and N more". */
export function listNames(names: readonly string[], max = 10): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** Levenshtein distance, for "did you mean" on short keyword lists. */
export function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** " (did you mean 'nodes'?)" when `word` is close to one of `choices`, else "". */
export function didYouMean(word: string, choices: readonly string[]): string {
  let best: string | undefined;
  let bestD = (word.length >= 6 ? 2 : 1) + 1;
  for (const c of choices) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && word.length > 1 ? ` (did you mean ${show(best)}?)` : '';
}
