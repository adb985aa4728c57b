/**
 * The public schema of a topology file (zod, built from zodshapes.ts with the `zod` package) and
 * its JSON Schema for editors, committed as schema/topology.schema.json.
 */
import { z } from 'zod';
import { buildSchemas } from './zodshapes.js';

/** The whole file, with name patterns enforced on keys (use validateTopology() for the full check). */
export const TopologySchema = buildSchemas(z, true).Topology;

/** The file's shape: what `Lab.from({...})` takes in TypeScript. */
export type TopologyInput = z.input<typeof TopologySchema>;

/** JSON Schema (draft-07, input shapes) of the topology file, with descriptions, for editors. */
export function topologyJsonSchema(): object {
  return z.toJSONSchema(TopologySchema, { target: 'draft-7', io: 'input' });
}
