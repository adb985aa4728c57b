/** `nsnet neigh ...` words → library calls (Neighbours.list/add/del). Pure. */
import { isIP } from 'node:net';
import { isMac, matchWord, verbNames, Words } from './words.js';

export type NeighCommand =
  | { verb: 'show'; dev?: string; all?: boolean }
  | { verb: 'add'; dev: string; address: string; lladdr: string }
  | { verb: 'del'; dev: string; address: string }
  | { verb: 'help' };

/** In iproute2's order (do_ipneigh). */
const VERBS = [['add'], ['change', 'chg'], ['replace'], ['delete', 'del'], ['show', 'list', 'lst', 'ls'], ['help']] as const;

export function parseNeighCommand(words: readonly string[]): NeighCommand {
  if (words.length === 0) return { verb: 'show' };
  const verb = matchWord(words[0]!, VERBS);
  const w: Words = new Words(words.slice(1), `neigh ${verb ?? words[0]}`);
  switch (verb) {
    case 'add':
    case 'change':
    case 'replace':
      return parseNeighEntry(new Words(words.slice(1), `neigh ${verb}`), false);
    case 'delete':
      return parseNeighEntry(new Words(words.slice(1), 'neigh delete'), true);
    case 'show': {
      const c: { verb: 'show'; dev?: string; all?: boolean } = { verb: 'show' };
      while (!w.done) {
        const word = w.next()!;
        if (word === 'dev') c.dev = w.value('dev', 'a device name');
        else if (word === 'nud') c.all = w.choice('nud', ['all'] as const) === 'all';
        else if (c.dev === undefined && !word.startsWith('-')) c.dev = word;
        else w.unknown(word, ['dev', 'nud']);
      }
      return c;
    }
    case 'help':
      return { verb: 'help' };
    default:
      throw new Words([], 'neigh').unknown(words[0]!, verbNames(VERBS));
  }
}

/** `neigh add|replace ADDR lladdr MAC dev DEV [nud permanent]`, `neigh del ADDR dev DEV`. */
function parseNeighEntry(w: Words, forDelete: boolean): NeighCommand {
  let address: string | undefined;
  let lladdr: string | undefined;
  let dev: string | undefined;
  const expected = forDelete ? ['to', 'dev'] : ['to', 'lladdr', 'dev', 'nud'];
  while (!w.done) {
    const word = w.next()!;
    if (word === 'dev') dev = w.value('dev', 'a device name');
    else if (word === 'lladdr' && !forDelete) {
      const v = w.value('lladdr', 'a MAC address');
      if (!isMac(v)) w.fail(`invalid lladdr ${JSON.stringify(v)} (expected a MAC address like 02:00:00:00:00:01)`);
      lladdr = v.toLowerCase();
    } else if (word === 'nud' && !forDelete) {
      w.choice('nud', ['permanent'] as const);
    } else if ((word === 'to' || (address === undefined && !word.startsWith('-'))) && address === undefined) {
      const v = word === 'to' ? w.value('to', 'an address') : word;
      if (isIP(v) === 0) w.fail(`invalid address ${JSON.stringify(v)} (expected an IPv4 or IPv6 address)`);
      address = v;
    } else w.unknown(word, expected);
  }
  if (address === undefined) w.fail('missing the neighbour address');
  if (dev === undefined) w.fail(`missing "dev DEV" for ${address}`);
  if (forDelete) return { verb: 'del', dev, address };
  if (lladdr === undefined) w.fail(`missing "lladdr MAC" for ${address}`);
  return { verb: 'add', dev, address, lladdr };
}
