/**
 * nsnet link-down|link-up FILE|--lab NAME NODE:IF: pull or plug the cable at NODE:IF. The
 * node's end loses carrier (NO-CARRIER) and stays administratively up.
 */
import type { Command } from 'commander';
import { labSpecOf, UsageError } from './lab-source.js';

function one(program: Command, name: 'link-down' | 'link-up'): void {
  const up = name === 'link-up';
  program
    .command(name)
    .description(up ? 'plug a cable of a lab back in (after link-down)' : 'pull a cable of a lab: its node end shows NO-CARRIER and stays up')
    .argument('[args...]', 'FILE (unless --lab), then NODE:IF')
    .option('--lab <name>', 'the lab by name (from nsnet labs)')
    .action(async (args: string[], o: { lab?: string }) => {
      const rest = [...args];
      const file = o.lab === undefined ? rest.shift() : undefined;
      if (rest.length !== 1) throw new UsageError(`${name}: give one NODE:IF`);
      const { spec } = await labSpecOf(file, o.lab, name);
      const { labLinkState } = await import('../../apply/impair-lab.js');
      await labLinkState(spec, rest[0]!, up);
    });
}

export function register(program: Command): void {
  one(program, 'link-down');
  one(program, 'link-up');
}
