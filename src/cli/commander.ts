/**
 * commander, loaded by require: its ESM entry re-exports the CommonJS package, which has Node
 * scan the package's source for exports (about 10M instructions of the 130M `nsnet --help` added
 * to bare Node, callgrind); require skips the scan. A module of its own, imported when a command
 * line needs commander (main.ts), so that in the CLI's bundle commander is a chunk of its own
 * too: the ip objects' direct path (`nsnet netns list`) never reads it.
 */
import { createRequire } from 'node:module';

export const commander = createRequire(import.meta.url)('commander') as typeof import('commander');
