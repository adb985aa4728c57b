/**
 * What the validator gathers while it reads a topology document, and the helpers that read one
 * part of it while reporting every problem. Each check (validate/nodes.ts, links.ts, ...) is a
 * function of a Checker: it reads its part of the file into these maps and reports to `out`.
 */
import type { z, ZodType } from 'zod';
import { didYouMean, Issues, show } from '../issues.js';
import type { UplinkSpec } from '../model.js';
import { Registry, type NamedObj, type Path } from '../registry.js';
import type { VlanIface } from '../vlans.js';
import type { Schemas } from '../zodshapes.js';
import { addZodIssues, defaultErrorMap, describe } from '../zodissues.js';
import { NO, S, type Shape } from './shapes.js';

export { S };
export type IfaceIn = z.output<Schemas['Interface']>;
export type RouteIn = z.output<Schemas['Route']>;
export type BridgeIn = Partial<z.output<Schemas['Bridge']>>;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

export const entries = (v: Record<string, unknown>) => Object.entries(v);

/**
 * The addresses of a raw interface or bridge mapping are not all known: they did not parse as a
 * list of strings, or the mapping has a key its schema lacks (a misspelt `addresses:`?).
 */
export const addressesLost = (raw: unknown, data: { addresses?: unknown } | undefined, known: readonly string[]): boolean =>
  isPlainObject(raw) && ((raw.addresses !== undefined && raw.addresses !== null && data?.addresses === undefined) || Object.keys(raw).some((k) => !known.includes(k)));

export interface NodeState {
  name: string;
  path: Path;
  ipv6?: boolean;
  /** The name follows the rules (only valid names are listed in messages). */
  valid: boolean;
  /** Some interface or bridge of the node had an error: its subnets are not all known. */
  incomplete?: boolean;
  routes: { i: number; value: RouteIn }[];
  sysctls: { key: string; value: string | number | boolean }[];
  exec: { i: number; value: string | string[] }[];
  /** Interfaces of the node in order: listed first, then the ones links create. */
  ifaces: NamedObj[];
  lo: NamedObj;
  /** Bridges that live in this node. */
  bridges: BridgeState[];
}

export interface BridgeState {
  name: string;
  path: Path;
  data?: BridgeIn;
  node?: string;
  obj: NamedObj;
}

/** One end of a link once resolved. */
export interface EndRef {
  obj: NamedObj;
  node?: string;
  bridge?: string;
  /** "h1:eth0", "host:veth9", "br0:veth0"; a generated port gets its base after resolve. */
  label: string;
  path: Path;
}

export type LinkRec =
  | { kind: 'veth'; path: Path; a: EndRef; b: EndRef; mtu?: number; vlan?: number; trunks?: number[] }
  | { kind: 'macvlan'; path: Path; end: EndRef; parent: string; mode: 'bridge' | 'private' | 'vepa' | 'passthru' }
  | { kind: 'vxlan'; path: Path; end: EndRef; vni: number; remote?: string; group?: string; local?: string; dev?: string; port: number };

export type UplinkRec = UplinkSpec & { path: Path };

/** The state of one validation run: what has been read so far, and the problems found. */
export class Checker {
  /** With `zodOnly`, every part is read by zod (the fast reader's tests compare the two). */
  constructor(private readonly opts: { zodOnly?: boolean } = {}) {}
  readonly out = new Issues();
  readonly reg = new Registry(this.out);
  readonly nodes = new Map<string, NodeState>();
  readonly bridges = new Map<string, BridgeState>();
  readonly links: LinkRec[] = [];
  readonly uplinks: UplinkRec[] = [];
  /** A link could not be read: it may be the one that creates an interface named elsewhere. */
  linksBroken = false;
  labName = '';
  prefix = '';
  prefixOk = true;
  labIpv6: boolean | undefined;
  /** Lab-wide: address → where it is. */
  readonly addrOwners = new Map<string, { label: string; path: Path }>();
  readonly macOwners = new Map<string, string>();
  readonly vlanIfaces: VlanIface[] = [];

  private nodeList?: string[];
  private bridgeList?: string[];
  /** Node and bridge names for messages (the maps are complete once links are read). */
  nodeNames = (): string[] => (this.nodeList ??= [...this.nodes.values()].filter((n) => n.valid).map((n) => n.name));
  bridgeNames = (): string[] => (this.bridgeList ??= [...this.bridges.keys()]);

  /** `value` read with `schema` (fast when it plainly fits, else by zod); issues go to the list, prefixed with `path`. */
  parse<T>(schema: Shape<T>, value: unknown, path: Path): z.output<T> | undefined {
    const r = this.read(schema, value);
    if (r.success) return r.data;
    addZodIssues(this.out, path, value, r.issues);
    return undefined;
  }

  /** zod's safeParse, unless the fast reader says the value plainly fits. */
  private read<T>(schema: Shape<T>, value: unknown): { success: true; data: z.output<T> } | { success: false; issues: z.core.$ZodIssue[] } {
    if (!this.opts.zodOnly) {
      const f = schema.fast(value);
      if (f !== NO) return { success: true, data: f };
    }
    const r = (schema.zod() as ZodType).safeParse(value, { reportInput: true, error: defaultErrorMap });
    return r.success ? { success: true, data: r.data as z.output<T> } : { success: false, issues: r.error.issues };
  }

  /** A top-level or node-level map (null/absent = empty); anything else is reported. */
  mapping(v: unknown, path: Path, what: string): Record<string, unknown> {
    if (v === undefined || v === null) return {};
    if (isPlainObject(v)) return v;
    this.out.error('WRONG_TYPE', path, `${what} must be a mapping (name: settings), got ${describe(v)}`);
    return {};
  }

  list(v: unknown, path: Path, what: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    this.out.error('WRONG_TYPE', path, `${what} must be a list (- item), got ${describe(v)}`);
    return [];
  }

  /**
   * Read a mapping against a strict object schema one field at a time: unknown keys, missing
   * required keys and each bad field are reported; the fields that are fine are returned.
   * Fields in `skip` are left to the caller. Undefined when `raw` is not a mapping at all.
   */
  fields<T extends z.ZodObject>(schema: Shape<T>, raw: unknown, path: Path, skip: readonly string[] = []): Partial<z.output<T>> | undefined {
    if (raw === undefined || raw === null) raw = {};
    if (!isPlainObject(raw)) {
      this.out.error('WRONG_TYPE', path, `expected a mapping (key: value), got ${describe(raw)}`);
      return undefined;
    }
    const known = schema.keys(this.opts.zodOnly);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(raw)) {
      if (!known.includes(k)) {
        this.out.error('UNKNOWN_KEY', [...path, k], `unknown key ${show(k)}${didYouMean(k, known)} (known: ${known.join(', ')})`, 'key');
      }
    }
    for (const k of known) {
      if (skip.includes(k)) continue;
      const has = Object.prototype.hasOwnProperty.call(raw, k);
      if (!has && schema.optional(k, this.opts.zodOnly)) continue;
      const r = this.read(schema.prop(k), raw[k]);
      if (r.success) {
        if (r.data !== undefined) out[k] = r.data;
      } else addZodIssues(this.out, path, raw, r.issues.map((i) => ({ ...i, path: [k, ...i.path] })));
    }
    return out as Partial<z.output<T>>;
  }

  /** Each entry of a mapping, parsed with `schema`; a bad value is reported and marked !ok. */
  eachEntry<T>(schema: Shape<T>, raw: unknown, path: Path, what: string): { key: string; ok: boolean; value?: z.output<T> }[] {
    return entries(this.mapping(raw, path, what)).map(([key, v]) => {
      const r = this.read(schema, v);
      if (r.success) return { key, ok: true, value: r.data };
      addZodIssues(this.out, [...path, key], v, r.issues);
      return { key, ok: false };
    });
  }

  /** Each item of a list that parses with `schema` (bad ones are reported and left out), with its index. */
  eachItem<T>(schema: Shape<T>, raw: unknown, path: Path, what: string): { i: number; value: z.output<T> }[] {
    const out: { i: number; value: z.output<T> }[] = [];
    this.list(raw, path, what).forEach((v, i) => {
      const r = this.read(schema, v);
      if (r.success) out.push({ i, value: r.data });
      else addZodIssues(this.out, [...path, i], v, r.issues);
    });
    return out;
  }
}
