// The source tree's structure as a permanent guard (no kernel needed): no import cycle among the
// modules of src/, and each layer imports only the layers before it (ARCHITECTURE.md:
// wire -> kernel -> api -> topology -> plan -> apply -> cli, with web and render beside cli). Only imports that
// exist at run time count: `import type` and imports of types only are erased by tsc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const src = join(root, 'src');
/** Layers in order; the directories of one entry are beside each other. */
const LAYERS = [['wire'], ['kernel'], ['api'], ['topology'], ['plan'], ['apply'], ['cli', 'web', 'render']];

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Relative imports of a file that exist at run time: [static ones, dynamic import()s]. */
function importsOf(file: string): { statics: string[]; dynamics: string[] } {
  const text = readFileSync(file, 'utf8');
  const target = (spec: string) => resolve(dirname(file), spec.replace(/\.js$/u, '.ts'));
  const statics: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+([^;]*?)\s+from\s+'(\.[^']+)'/gmsu)) {
    const clause = m[2]!.trim();
    if (clause.startsWith('type ')) continue;
    const named = /^\{([^}]*)\}$/su.exec(clause);
    if (named && named[1]!.split(',').map((x) => x.trim()).filter(Boolean).every((x) => x.startsWith('type '))) continue;
    statics.push(target(m[3]!));
  }
  for (const m of text.matchAll(/^import\s+'(\.[^']+)'/gmu)) statics.push(target(m[1]!));
  const dynamics = [...text.matchAll(/import\('(\.[^']+)'\)/gu)].map((m) => target(m[1]!));
  return { statics, dynamics };
}

const files = sources(src);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const name = (f: string) => relative(root, f);
const layerOf = (f: string) => LAYERS.findIndex((dirs) => dirs.includes(relative(src, f).split(sep)[0]!));

test('src/ has no import cycle', () => {
  // Tarjan's strongly connected components over static imports.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!.statics) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(name(w));
    } while (w !== v);
    if (scc.length > 1 || graph.get(v)!.statics.includes(v)) cycles.push(scc.sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  assert.ok(files.length > 50, `read ${files.length} files under ${src}`);
  assert.deepEqual(cycles, [], `import cycles (break each by moving what both sides need into a module of its own):\n${cycles.map((c) => c.join(' <-> ')).join('\n')}`);
});

test('each layer imports only the layers before it', () => {
  const wrong: string[] = [];
  for (const [f, { statics, dynamics }] of graph) {
    const from = layerOf(f);
    if (from < 0) continue;
    for (const t of [...statics, ...dynamics]) {
      const to = layerOf(t);
      if (to > from) wrong.push(`${name(f)} imports ${name(t)} (${LAYERS[from]!.join('/')} may not use ${LAYERS[to]!.join('/')})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the import reader: a type-only import is no edge, a value import is', () => {
  // The parser the two tests rely on: a type-only import is not an edge, a value import is.
  const probe = importsOf(join(src, 'api', 'links.ts'));
  assert.ok(probe.statics.some((t) => t.endsWith(join('api', 'nsids.ts'))), 'links.ts imports nsids.ts');
  assert.ok(!probe.statics.some((t) => t.endsWith(join('api', 'handle.ts'))), "links.ts's import of handle.ts is type-only");
});
