#!/usr/bin/env node
// nsnet command line: runs the CLI's bundle, dist/bundle/ (npm run build: tsc, then scripts/bundle.mjs).
import { existsSync } from 'node:fs';

const main = new URL('../dist/bundle/nsnet.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(`nsnet: ${main.pathname} is missing; build it first with: npm run build\n`);
  process.exitCode = 1;
} else {
  const { main: run } = await import(main.href);
  await run(process.argv);
}
