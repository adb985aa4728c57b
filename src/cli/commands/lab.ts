/**
 * Placeholder: the lab commands (plan, up, down, status, labs, exec, graph, schema) are being
 * written in this file by another engineer, who will replace it. main.ts loads it only when
 * one of those commands is asked for.
 */
import type { Command } from 'commander';

export function registerLabCommands(program: Command): void {
  void program; // registers nothing yet
}
