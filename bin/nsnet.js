#!/usr/bin/env node
// nsnet command line: the compiled CLI lives in dist/ (npm run build).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(`nsnet: ${main.pathname} is missing; build it first with: npm run build\n`);
  process.exitCode = 1;
} else {
  const { main: run } = await import(main.href);
  await run(process.argv);
}
