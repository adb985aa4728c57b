/** `nsnet addr ...` words → library calls (Addresses.add/replace/del/list/flush). Pure. */
import { isIP } from 'node:net';
import type { AddrAddOptions } from '../api/addresses.js';
import { parseCidr } from '../wire/cidr.js';
import { matchWord, verbNames, Words } from './words.js';

export type AddrCommand =
  | { verb: 'add' | 'replace'; dev: string; cidr: string; opts: AddrAddOptions }
  | { verb: 'del'; dev: string; cidr: string }
  | { verb: 'show'; dev?: string; up?: boolean }
  | { verb: 'flush'; dev: string; scope?: 'global' | 'link' | 'host' }
  | { verb: 'help' };

/** In iproute2's order (do_ipaddr). */
const VERBS = [['add'], ['change', 'chg'], ['replace'], ['delete', 'del'], ['show', 'list', 'lst', 'ls'], ['flush'], ['help']] as const;
const SCOPES = ['global', 'link', 'host'] as const;
const ADD_WORDS = ['local', 'dev', 'brd', 'broadcast', 'label', 'scope', 'nodad', 'noprefixroute', 'peer'] as const;

export function parseAddrCommand(words: readonly string[]): AddrCommand {
  if (words.length === 0) return { verb: 'show' };
  const verb = matchWord(words[0]!, VERBS);
  const rest = words.slice(1);
  switch (verb) {
    case 'add':
    case 'change':
    case 'replace': {
      const v = verb === 'add' ? 'add' : 'replace';
      return { verb: v, ...parseAddrAdd(new Words(rest, `addr ${v}`)) };
    }
    case 'delete': {
      const { dev, cidr } = parseAddrAdd(new Words(rest, 'addr delete'), true);
      return { verb: 'del', dev, cidr };
    }
    case 'show':
      return { verb: 'show', ...parseAddrShow(new Words(rest, 'addr show')) };
    case 'flush':
      return { verb: 'flush', ...parseAddrFlush(new Words(rest, 'addr flush')) };
    case 'help':
      return { verb: 'help' };
    default:
      throw new Words([], 'addr').unknown(words[0]!, verbNames(VERBS));
  }
}

/** Check 'a.b.c.d/n' or 'x::y/n' (a bare address is a host address, as ip takes it). */
export function checkCidr(w: Words, s: string, what = 'address'): string {
  if (typeof parseCidr(s, true) === 'string') {
    w.fail(`invalid ${what} ${JSON.stringify(s)} (expected an address with a prefix length, like 10.0.0.1/24 or 2001:db8::1/64)`);
  }
  return s;
}

/** `addr add|replace|del [local] CIDR dev DEV [brd +|ADDR] [label L] [scope S] [nodad] [noprefixroute] [peer A]`. */
export function parseAddrAdd(w: Words, forDelete = false): { dev: string; cidr: string; opts: AddrAddOptions } {
  let cidr: string | undefined;
  let dev: string | undefined;
  const opts: AddrAddOptions = {};
  const setCidr = (v: string): void => {
    if (cidr !== undefined) w.duplicate('address', v);
    cidr = checkCidr(w, v);
  };
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'local':
        setCidr(w.value('local', 'an address'));
        break;
      case 'dev':
        dev = w.dev(dev);
        break;
      case 'brd':
      case 'broadcast': {
        const v = w.value(word, '"+" or an IPv4 address');
        if (v !== '+' && isIP(v) !== 4) w.fail(`invalid ${word} ${JSON.stringify(v)} (expected + or an IPv4 address)`);
        opts.broadcast = v;
        break;
      }
      case 'label':
        opts.label = w.value('label', 'a label');
        break;
      case 'scope':
        opts.scope = w.choice('scope', SCOPES);
        break;
      case 'nodad':
        opts.nodad = true;
        break;
      case 'noprefixroute':
        opts.noprefixroute = true;
        break;
      case 'peer': {
        const v = w.value('peer', 'an address');
        if (isIP(v.split('/')[0] ?? '') === 0) w.fail(`invalid peer ${JSON.stringify(v)} (expected an IP address)`);
        opts.peer = v;
        break;
      }
      default:
        if (cidr === undefined && !word.startsWith('-')) setCidr(word);
        else w.unknown(word, ADD_WORDS);
    }
  }
  if (cidr === undefined) w.fail(`missing the address: addr ${forDelete ? 'del' : 'add'} CIDR dev DEV`);
  if (dev === undefined) w.fail(`missing "dev DEV" for ${cidr}`);
  if (forDelete && Object.keys(opts).length) w.fail('only the address and "dev DEV" identify an address to delete');
  return { dev, cidr, opts };
}

/** `addr show [[dev] DEV] [up]`. */
export function parseAddrShow(w: Words): { dev?: string; up?: boolean } {
  const out: { dev?: string; up?: boolean } = {};
  while (!w.done) {
    const word = w.next()!;
    if (word === 'dev') {
      const v = w.value('dev', 'a device name');
      if (out.dev !== undefined) w.duplicate('dev', v);
      out.dev = v;
    } else if (word === 'up') {
      out.up = true;
    } else if (out.dev === undefined && !word.startsWith('-')) {
      out.dev = word;
    } else {
      w.unknown(word, ['dev', 'up']);
    }
  }
  return out;
}

/** `addr flush [dev] DEV [scope S]`. */
export function parseAddrFlush(w: Words): { dev: string; scope?: 'global' | 'link' | 'host' } {
  let dev: string | undefined;
  let scope: 'global' | 'link' | 'host' | undefined;
  while (!w.done) {
    const word = w.next()!;
    if (word === 'dev') {
      dev = w.dev(dev);
    } else if (word === 'scope') {
      scope = w.choice('scope', SCOPES);
    } else if (dev === undefined && !word.startsWith('-')) {
      dev = word;
    } else {
      w.unknown(word, ['dev', 'scope']);
    }
  }
  if (dev === undefined) w.fail('missing the device: addr flush dev DEV (flushing every device is not supported)');
  return scope === undefined ? { dev } : { dev, scope };
}
