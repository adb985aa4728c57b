/**
 * nsnet impair FILE|--lab NAME [NODE:IF [rate R] [burst B] [delay D [jitter J]] [loss P%]
 *   [duplicate P%] [corrupt P%] [reorder P%] [limit N] | NODE:IF clear]
 *
 * Sets (replaces) the impairment of traffic leaving NODE:IF, clears it, or, with no endpoint,
 * lists what is set on every cable of the lab. Values take tc's units.
 */
import { printJson, wantJson } from '../json-opt.js';
import { write } from '../write.js';
import type { Command } from 'commander';
import type { ImpairSpec } from '../../api/impair.js';
import { labSpecOf, UsageError } from './lab-source.js';

const WORDS = ['rate', 'burst', 'delay', 'jitter', 'loss', 'duplicate', 'corrupt', 'reorder', 'limit'] as const;

/** The words after NODE:IF as an impairment ("clear" is the empty one). */
export function parseImpairWords(words: string[]): ImpairSpec {
  if (words.length === 1 && words[0] === 'clear') return {};
  if (words.length === 0) throw new UsageError('impair: give what to set (rate R, delay D, loss P%, ...) or clear');
  const out: ImpairSpec = {};
  for (let i = 0; i < words.length; i += 2) {
    const k = words[i]! as (typeof WORDS)[number];
    const v = words[i + 1];
    if (!(WORDS as readonly string[]).includes(k)) throw new UsageError(`impair: unknown word ${JSON.stringify(k)}; expected one of ${WORDS.join(', ')} or clear`);
    if (v === undefined) throw new UsageError(`impair: ${k} needs a value`);
    if (k in out) throw new UsageError(`impair: ${k} given twice`);
    if (k === 'limit') {
      if (!/^\d+$/.test(v)) throw new UsageError(`impair: limit ${JSON.stringify(v)} is not a whole number of packets`);
      out.limit = Number(v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export const impairText = (s: ImpairSpec): string => WORDS.filter((k) => s[k] !== undefined).map((k) => `${k} ${String(s[k])}`).join(' ');

export function register(program: Command): void {
  program
    .command('impair')
    .description('set, clear or list impairments (rate, delay, jitter, loss, ...) on the cables of a lab, as tc would')
    .argument('[args...]', 'FILE (unless --lab), then NODE:IF and what to set, or clear; nothing after FILE lists')
    .option('--lab <name>', 'the lab by name (from nsnet labs)')
    .option('-j, --json', 'print the listing as JSON')
    .action(async (args: string[], o: { lab?: string; json?: boolean }, cmd: Command) => {
      const rest = [...args];
      const file = o.lab === undefined ? rest.shift() : undefined;
      const { spec } = await labSpecOf(file, o.lab, 'impair');
      const { labImpair, labImpairments } = await import('../../apply/impair-lab.js');
      const ep = rest.shift();
      if (ep === undefined) {
        const list = await labImpairments(spec);
        if (wantJson(cmd)) printJson(list);
        else for (const x of list) write(1, `${x.endpoint} ${impairText(x.impair)}\n`);
        return;
      }
      await labImpair(spec, ep, parseImpairWords(rest));
    });
}
