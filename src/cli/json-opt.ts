/**
 * -j / --json, which every command that can print JSON takes after its name (`nsnet labs -j`) or
 * before it, as ip's global option (`nsnet -j labs`); and JSON printed as nsnet's commands print it.
 */
import type { Command } from 'commander';
import { write } from './write.js';

/** A command's own -j, as commander hands it to the action. */
export interface JsonOpt {
  json?: boolean;
}

/** Whether -j was given to `cmd` or to the program before it. */
export function wantJson(cmd: Command): boolean {
  return !!(cmd.opts<JsonOpt>().json || cmd.parent?.opts<JsonOpt>().json);
}

/** `v` as indented JSON on stdout, one newline after. */
export function printJson(v: unknown): void {
  write(1, `${JSON.stringify(v, null, 2)}\n`);
}
