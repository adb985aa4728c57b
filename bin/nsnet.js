#!/usr/bin/env node
// nsnet command line: runs the CLI's bundle, dist/bundle/ (npm run build: tsc, then scripts/bundle.mjs).
// No import of node:fs here: its ESM facade loads Node's stream modules (see src/cli/write.ts).
const main = new URL('../dist/bundle/nsnet.js', import.meta.url);
const path = decodeURIComponent(main.pathname);
let cli;
try {
  cli = await import(main.href);
} catch (e) {
  // Only the bundle's own entry missing is "not built"; anything else is reported as it is.
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes(path)) throw e;
  process.stderr.write(`nsnet: ${path} is missing; build it first with: npm run build\n`);
  process.exitCode = 1;
}
if (cli) await cli.main(process.argv);
