#!/usr/bin/env node
// Writes schema/topology.schema.json (the JSON Schema editors use for topology files) from the
// compiled topologyJsonSchema(). Build first: `npx tsc -p . && node scripts/gen-schema.mjs`.
// `--check` only compares and exits 1 when the committed file is out of date.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const target = join(root, 'schema', 'topology.schema.json');
const { topologyJsonSchema } = await import(pathToFileURL(join(root, 'dist/src/topology/schema.js')).href);
const text = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;

if (process.argv.includes('--check')) {
  let old = '';
  try { old = readFileSync(target, 'utf8'); } catch { /* missing */ }
  if (old !== text) {
    console.error('schema/topology.schema.json is out of date: run `npx tsc -p . && node scripts/gen-schema.mjs`');
    process.exit(1);
  }
  console.log('schema/topology.schema.json is up to date');
} else {
  mkdirSync(join(root, 'schema'), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${target} (${text.length} bytes)`);
}
