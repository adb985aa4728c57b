#!/usr/bin/env node
// npm run build, after tsc: the CLI as a few ESM chunks under dist/bundle/ (bin/nsnet.js runs
// dist/bundle/nsnet.js). Node's ESM loader pays for each module it reads, resolves, compiles and
// links; a lab's `up` loaded some 210 modules of dist/src and `nsnet labs` 12 modules plus
// commander's 7 CommonJS files, the bundle has them in fewer, bigger chunks. Made from tsc's
// output (dist/src), so the bundle is the code tsc compiled and type-checked; the library and the
// tests keep using dist/src.
//
//  - splitting: each dynamic import() stays lazy as a chunk of its own (`nsnet --help` loads no
//    apply or web code). Entries: the CLI (nsnet.js) and the crew's worker thread
//    (crew-worker.js), which apply/crew.ts finds beside its own chunk as it finds it beside
//    crew.js in dist/src. Everything is flat in dist/bundle: a module that finds files through
//    import.meta.url asks api/packagedir.ts, which walks up to package.json from any depth.
//  - createRequire(import.meta.url)('PKG'): the compiled modules load commander (cli/commander.ts,
//    itself imported lazily), yaml, zod and ipaddr.js by require, lazily (Node's export scan of a CommonJS package imported as ESM is
//    costly). Here each such call becomes require('PKG'), which esbuild bundles as a CommonJS
//    module whose body still runs only on that first call; a package left external keeps the
//    createRequire call, which resolves from dist/bundle as it does from dist/src.
//  - external (loaded from node_modules at run time, as from dist/src): see EXTERNAL.
//
// `node scripts/bundle.mjs --metafile` also writes esbuild's metafile to dist/bundle-meta.json:
// which module went into which chunk, and its bytes.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const compiled = join(root, 'dist', 'src');
const out = join(root, 'dist', 'bundle');

/** Packages the bundle does not hold, each for its reason. */
const EXTERNAL = [
  'koffi', // native: picks and loads a prebuilt .node for the platform from its own directory
  'node-pty', // native: a compiled .node addon, and a spawn-helper it runs
  // pure JS, but ~1 MB: the validator loads it (synchronously, by require) only for a part of a file
  // that does not read fast (validate/shapes.ts). Bundled, it would sit in the validator's chunk and be
  // read and parsed on every validation: `nsnet graph` of a 1000-host star took 1699M instructions so,
  // 1587M with zod external (callgrind)
  'zod',
  '@viz-js/viz', // graphviz as WebAssembly (MBs of it), loaded only by `graph --format svg`: bundling adds size, saves no module
];

/**
 * `import ... from 'node:fs'` (any built-in) → require('node:fs'). An ESM import of a built-in
 * makes Node build its ESM facade, which reads every export once: node:fs's ReadStream getter
 * then loads the stream modules (~3 ms of a start). A require reads only what is used.
 */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => (a.kind === 'import-statement' ? { path: a.path, namespace: 'nsnet-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'nsnet-builtin' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
  },
};

const LAZY_REQUIRE = /createRequire\(import\.meta\.url\)\((['"][^'"]+['"])\)/gu;

/** createRequire(import.meta.url)('PKG') → require('PKG') in nsnet's modules, for a package the bundle holds. */
const inlineRequires = {
  name: 'inline-requires',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(`${compiled}/`)) return undefined; // a package's own file: as it is
      const text = await readFile(args.path, 'utf8');
      const contents = text.replace(LAZY_REQUIRE, (call, spec) => (EXTERNAL.includes(spec.slice(1, -1)) ? call : `require(${spec})`));
      return { contents, loader: 'js' };
    });
  },
};

/**
 * commander requires node:child_process at the top of lib/command.js, for the one thing nsnet never
 * does with it (running an executable subcommand, `nsnet-foo`); loading child_process (and net,
 * dgram, streams with it) was ~10 ms of `nsnet --help`'s ~100. Here that require waits for a
 * spawn. The build fails if commander changes the line, so the rewrite never silently lapses.
 */
const COMMANDER_CHILD = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes(COMMANDER_CHILD)) throw new Error(`bundle: ${args.path} no longer has ${COMMANDER_CHILD}: look again at the lazy-child-process plugin`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(COMMANDER_CHILD, lazy), loader: 'js' };
    });
  },
};

rmSync(out, { recursive: true, force: true }); // no chunk of an earlier build stays (npm pack ships the directory)
const r = await build({
  absWorkingDir: root,
  entryPoints: { nsnet: 'dist/src/cli/main.js', 'crew-worker': 'dist/src/apply/crew-worker.js' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  external: EXTERNAL,
  plugins: [inlineRequires, lazyChildProcess, builtinsByRequire],
  logLevel: 'warning',
  metafile: true,
  write: false,
});
// The bundled CommonJS packages require Node's built-in modules (esbuild's __require), and an ESM
// chunk has no require: the chunk that defines __require (esbuild's runtime: one shared chunk,
// which nearly every chunk imports) gets one, made on its first call. Only there, and lazily: a
// createRequire run by each chunk as it loads cost ~0.7M instructions a chunk (callgrind).
const REQUIRE = "import { createRequire as nsnetCreateRequire } from 'node:module';\nlet nsnetRequire;\nconst require = (id) => (nsnetRequire ??= nsnetCreateRequire(import.meta.url))(id);\n";
const defines = r.outputFiles.filter((f) => /^var __require = /mu.test(f.text));
if (defines.length !== 1 && r.outputFiles.some((f) => f.text.includes('__require('))) {
  throw new Error(`bundle: expected one chunk to define esbuild's __require, found ${defines.length}`);
}
mkdirSync(out, { recursive: true });
for (const f of r.outputFiles) writeFileSync(f.path, defines.includes(f) ? REQUIRE + f.text : f.contents);
if (process.argv.includes('--metafile')) {
  writeFileSync(join(out, '..', 'bundle-meta.json'), JSON.stringify(r.metafile));
}
