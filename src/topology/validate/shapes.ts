/**
 * The parts of the topology file's shape the validator reads (a node, an interface, a route, a
 * link, ...), each one a Shape: zod's schema from zodshapes.ts, built on first need, and a fast
 * reader of the same part of schema/topology.schema.json (zod's own JSON rendering of those
 * schemas; see ../jsonshape.ts). A file whose every part reads fast never loads zod (at 1000
 * nodes, loading zod and building its schemas was about half of reading and validating the
 * file); a part that does not read fast goes to zod, whose verdict and messages stand.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { z, ZodObject, ZodType } from 'zod';
import { packagePath } from '../../api/packagedir.js';
import { NO, reader, type JsonSchema, type No, type Reader } from '../jsonshape.js';
import { buildSchemas, type Schemas } from '../zodshapes.js';

export { NO, type No };

let zodBuilt: Schemas | undefined;
/** The validator's zod schemas (names unchecked on keys: validate/ checks names itself). */
export function zodSchemas(): Schemas {
  return (zodBuilt ??= buildSchemas((createRequire(import.meta.url)('zod') as typeof import('zod')).z, false));
}

let jsonRoot: JsonSchema | null | undefined;
/** schema/topology.schema.json (in the package, beside dist/), or null when it cannot be read. */
function root(): JsonSchema | null {
  if (jsonRoot !== undefined) return jsonRoot;
  try {
    jsonRoot = JSON.parse(readFileSync(packagePath('schema', 'topology.schema.json'), 'utf8')) as JsonSchema;
  } catch {
    jsonRoot = null;
  }
  return jsonRoot;
}

/** One part of the file's shape. */
export class Shape<Z> {
  private read?: Reader;
  private readonly props = new Map<string, Shape<ZodType>>();
  /** The JSON schema of this part, found once (the validator asks for its keys per node). */
  private found?: { json: JsonSchema | undefined; keys?: string[]; optional: Map<string, boolean> };
  constructor(
    private readonly find: () => JsonSchema | undefined,
    /** zod's schema of this part (zod is loaded on the first call). */
    readonly zod: () => Z,
  ) {}

  private json(): JsonSchema | undefined {
    return (this.found ??= { json: this.find(), optional: new Map() }).json;
  }

  /** The value as zod would return it when it plainly fits, else NO (then ask zod). */
  fast(v: unknown): z.output<Z> | No {
    if (!this.read) {
      const j = this.json();
      this.read = j ? reader(j) : () => NO;
    }
    return this.read(v) as z.output<Z> | No;
  }

  /** The keys of an object shape, in the schema's order (`zodOnly`: as zod's schema says). */
  keys(zodOnly = false): readonly string[] {
    const p = zodOnly ? undefined : this.json()?.properties;
    if (!p) return Object.keys((this.zod() as unknown as ZodObject).shape);
    return (this.found!.keys ??= Object.keys(p));
  }

  /** Whether an object shape's key may be left out (`zodOnly`: as zod's schema says). */
  optional(k: string, zodOnly = false): boolean {
    const j = zodOnly ? undefined : this.json();
    if (!j?.properties) return (this.prop(k).zod() as ZodType).safeParse(undefined).success;
    const known = this.found!.optional.get(k);
    if (known !== undefined) return known;
    const opt = !(Array.isArray(j.required) && j.required.includes(k));
    this.found!.optional.set(k, opt);
    return opt;
  }

  /** The shape of one key of an object shape. */
  prop(k: string): Shape<ZodType> {
    let p = this.props.get(k);
    if (!p) {
      p = new Shape(() => props(this.json(), k), () => (this.zod() as unknown as ZodObject).shape[k] as ZodType);
      this.props.set(k, p);
    }
    return p;
  }
}

const props = (s: JsonSchema | undefined, k: string): JsonSchema | undefined => (s?.properties as Record<string, JsonSchema> | undefined)?.[k];
/** X of `X | null` (zod's nullable). */
const nonNull = (s: JsonSchema | undefined): JsonSchema | undefined => {
  const alts = s?.anyOf as JsonSchema[] | undefined;
  if (alts?.length !== 2) return s;
  const rest = alts.filter((a) => a.type !== 'null');
  return rest.length === 1 ? rest[0] : s;
};
const sub = (s: JsonSchema | undefined, k: 'items' | 'additionalProperties'): JsonSchema | undefined => s?.[k] as JsonSchema | undefined;
const alt = (s: JsonSchema | undefined, k: 'anyOf' | 'oneOf', i: number): JsonSchema | undefined => (s?.[k] as JsonSchema[] | undefined)?.[i];

/** Where each of the validator's schemas sits in the JSON Schema of the whole file. */
export const JSON_PATHS: { [K in keyof Schemas]: () => JsonSchema | undefined } = {
  Topology: () => root() ?? undefined,
  Node: () => nonNull(sub(nonNull(props(root() ?? undefined, 'nodes')), 'additionalProperties')),
  Interface: () => nonNull(sub(nonNull(props(JSON_PATHS.Node(), 'interfaces')), 'additionalProperties')),
  Route: () => sub(nonNull(props(JSON_PATHS.Node(), 'routes')), 'items'),
  SysctlValue: () => sub(nonNull(props(JSON_PATHS.Node(), 'sysctls')), 'additionalProperties'),
  ExecItem: () => sub(nonNull(props(JSON_PATHS.Node(), 'exec')), 'items'),
  Bridge: () => nonNull(sub(nonNull(props(root() ?? undefined, 'bridges')), 'additionalProperties')),
  Link: () => sub(nonNull(props(root() ?? undefined, 'links')), 'items'),
  VethPair: () => alt(JSON_PATHS.Link(), 'anyOf', 0),
  VethObject: () => alt(JSON_PATHS.Link(), 'anyOf', 1),
  Macvlan: () => alt(JSON_PATHS.Link(), 'anyOf', 2),
  Vxlan: () => alt(JSON_PATHS.Link(), 'anyOf', 3),
  Uplink: () => sub(nonNull(props(root() ?? undefined, 'uplinks')), 'items'),
  BridgeUplink: () => alt(JSON_PATHS.Uplink(), 'oneOf', 0),
  NatUplink: () => alt(JSON_PATHS.Uplink(), 'oneOf', 1),
};

const shape = <K extends keyof Schemas>(k: K): Shape<Schemas[K]> => new Shape<Schemas[K]>(JSON_PATHS[k], () => zodSchemas()[k]);

/** The validator's shapes, by the names of zodshapes.ts. */
export const S = {
  Topology: shape('Topology'),
  Node: shape('Node'),
  Interface: shape('Interface'),
  Route: shape('Route'),
  SysctlValue: shape('SysctlValue'),
  ExecItem: shape('ExecItem'),
  Bridge: shape('Bridge'),
  Link: shape('Link'),
  VethPair: shape('VethPair'),
  VethObject: shape('VethObject'),
  Macvlan: shape('Macvlan'),
  Vxlan: shape('Vxlan'),
  Uplink: shape('Uplink'),
  BridgeUplink: shape('BridgeUplink'),
  NatUplink: shape('NatUplink'),
};
