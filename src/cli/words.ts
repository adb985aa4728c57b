/**
 * The iproute2 word syntax: a cursor over the words after the object ("add veth0 type veth
 * peer name veth1"), keyword values, numbers, and ip's prefix matching of verbs. Pure: no I/O.
 */

/** A mistake in the command line: printed as one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** Global options that change how a command is parsed or printed (`-n`, `-j`, `-4`/`-6`, ...). */
export interface GlobalOptions {
  netns?: string;
  json?: boolean;
  pretty?: boolean;
  details?: boolean;
  /** -br: one line per link (ip -brief). */
  brief?: boolean;
  /** -s: counters (1); -s -s: and the error counters (2). */
  stats?: number;
  family?: 4 | 6;
}

/**
 * ip's `matches()`: the canonical name of the first entry of `table` (in order) that has a
 * name equal to `word`, else the first with a name that `word` is a prefix of. Each entry is
 * [canonical, ...aliases]; order decides ties as it does in iproute2 (`ip link s` is `set`,
 * because ip tests "set" before "show").
 */
export function matchWord<T extends string>(word: string, table: ReadonlyArray<readonly [T, ...string[]]>): T | undefined {
  if (word === '' || word.startsWith('-')) return undefined;
  for (const names of table) if (names.includes(word)) return names[0];
  for (const names of table) if (names.some((n) => n.startsWith(word))) return names[0];
  return undefined;
}

/** Every name of a verb table, for "expected one of" lists. */
export const verbNames = (table: ReadonlyArray<readonly string[]>): string[] => table.map((n) => n[0]!);

const quote = (s: string): string => JSON.stringify(s);

/** A cursor over the words of one command; `ctx` ("link add") prefixes every usage message. */
export class Words {
  private i = 0;
  constructor(private readonly words: readonly string[], readonly ctx: string) {}

  get done(): boolean {
    return this.i >= this.words.length;
  }

  peek(): string | undefined {
    return this.words[this.i];
  }

  next(): string | undefined {
    return this.words[this.i++];
  }

  /** Every word not consumed yet (consumes them). */
  rest(): string[] {
    const r = this.words.slice(this.i);
    this.i = this.words.length;
    return r;
  }

  /** A usage error: "link add: MESSAGE". */
  fail(message: string): never {
    throw new UsageError(`${this.ctx}: ${message}`);
  }

  /** The word after keyword `kw`, which must be there. */
  value(kw: string, what = 'a value'): string {
    const v = this.next();
    if (v === undefined || v === '') this.fail(`"${kw}" needs ${what}`);
    return v;
  }

  /** The device after `dev` (or `kw`, e.g. ip route's `oif`), refusing a second one: `dev = w.dev(dev)`. */
  dev(current: string | undefined, kw = 'dev'): string {
    const v = this.value(kw, 'a device name');
    if (current !== undefined) this.duplicate(kw, v);
    return v;
  }

  /** A decimal integer after `kw`, within [min, max]. */
  int(kw: string, min = 0, max = 0xffffffff): number {
    const v = this.value(kw, 'a number');
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) this.fail(`invalid ${kw} ${quote(v)} (expected an integer ${min}..${max})`);
    return Number(v);
  }

  /** One word of a fixed set after `kw`. */
  choice<T extends string>(kw: string, allowed: readonly T[]): T {
    const v = this.value(kw, `one of: ${allowed.join(', ')}`);
    if (!(allowed as readonly string[]).includes(v)) this.fail(`invalid ${kw} ${quote(v)} (expected one of: ${allowed.join(', ')})`);
    return v as T;
  }

  /** 0/1, on/off, yes/no after `kw`. */
  bool(kw: string): boolean {
    const v = this.value(kw, '0 or 1');
    if (['1', 'on', 'yes', 'true'].includes(v)) return true;
    if (['0', 'off', 'no', 'false'].includes(v)) return false;
    this.fail(`invalid ${kw} ${quote(v)} (expected 0 or 1)`);
  }

  /** The standard "unknown argument" error, listing what was expected here. */
  unknown(word: string, expected: readonly string[]): never {
    this.fail(`unknown argument ${quote(word)} (expected one of: ${expected.join(', ')})`);
  }

  /** A keyword given twice, or a second bare word where only one fits. */
  duplicate(kw: string, word: string): never {
    this.fail(`${kw} given twice (${quote(word)}); give it once`);
  }

  /** Fail if anything is left. */
  end(expected: readonly string[] = []): void {
    const w = this.peek();
    if (w !== undefined) {
      if (expected.length) this.unknown(w, expected);
      this.fail(`unexpected argument ${quote(w)}`);
    }
  }
}

/** 'aa:bb:cc:dd:ee:ff' (case-insensitive). */
export const isMac = (s: string): boolean => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/iu.test(s);

/** "help", "-h" or "--help" as the first word after the object (later words may belong to a command run by exec). */
export const wantsHelp = (words: readonly string[]): boolean =>
  words[0] === 'help' || words[0] === '--help' || words[0] === '-h';
