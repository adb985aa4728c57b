/** `nsnet route ...` words → library calls (Routes.add/replace/del/list). Pure. */
import { isIP } from 'node:net';
import type { RouteSpec } from '../api/types.js';
import { tableNumber } from '../wire/rtnl/constants.js';
import { checkCidr } from './parse-addr.js';
import { matchWord, verbNames, Words } from './words.js';

export type RouteCommand =
  | { verb: 'add' | 'replace' | 'del'; spec: RouteSpec }
  | { verb: 'show'; table?: number | 'all'; dev?: string }
  | { verb: 'get'; to: string; query: { from?: string; iif?: string; oif?: string } }
  | { verb: 'help' };

/** In iproute2's order (do_iproute). */
const VERBS = [['add'], ['change', 'chg'], ['replace'], ['delete', 'del'], ['show', 'list', 'lst', 'ls'], ['get'], ['help']] as const;
const TYPES = ['unicast', 'local', 'blackhole', 'unreachable', 'prohibit'] as const;
const SCOPES = ['global', 'link', 'host'] as const;
const ROUTE_WORDS = ['to', 'via', 'dev', 'table', 'metric', 'src', 'scope', 'proto', 'onlink', 'mtu', 'type', ...TYPES] as const;

export function parseRouteCommand(words: readonly string[], family?: 4 | 6): RouteCommand {
  if (words.length === 0) return { verb: 'show' };
  const verb = matchWord(words[0]!, VERBS);
  const rest = words.slice(1);
  switch (verb) {
    case 'add':
    case 'change':
    case 'replace':
    case 'delete': {
      const v = verb === 'add' ? 'add' : verb === 'delete' ? 'del' : 'replace';
      return { verb: v, spec: parseRouteSpec(new Words(rest, `route ${v}`), family) };
    }
    case 'show':
      return { verb: 'show', ...parseRouteShow(new Words(rest, 'route show')) };
    case 'get':
      return { verb: 'get', ...parseRouteGet(new Words(rest, 'route get'), family) };
    case 'help':
      return { verb: 'help' };
    default:
      throw new Words([], 'route').unknown(words[0]!, verbNames(VERBS));
  }
}

function tableWord(w: Words, allowAll: boolean): number | 'all' {
  const v = w.value('table', `a table number or name (main, local, default${allowAll ? ', all' : ''})`);
  if (allowAll && v === 'all') return 'all';
  const n = tableNumber(v);
  if (n !== undefined && n >= 1) return n;
  w.fail(`invalid table ${JSON.stringify(v)} (expected 1..4294967295 or main, local, default${allowAll ? ', all' : ''})`);
}

/** `[TYPE] TO|default [via GW] [dev DEV] [table N] [metric N] [src A] [scope S] [proto P] [onlink] [mtu N]`. */
export function parseRouteSpec(w: Words, family?: 4 | 6): RouteSpec {
  let to: string | undefined;
  const r: Omit<RouteSpec, 'to'> = {};
  const setTo = (v: string): void => {
    if (to !== undefined) w.duplicate('destination', v);
    to = v === 'default' || v === 'all' || v === 'any' ? 'default' : checkCidr(w, v, 'destination');
  };
  const addr = (kw: string): string => {
    const v = w.value(kw, 'an IP address');
    if (isIP(v) === 0) w.fail(`invalid ${kw} ${JSON.stringify(v)} (expected an IPv4 or IPv6 address)`);
    return v;
  };
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'to':
        setTo(w.value('to', 'a destination'));
        break;
      case 'via':
        r.via = addr('via');
        break;
      case 'dev':
      case 'oif':
        r.dev = w.dev(r.dev as string | undefined, word);
        break;
      case 'table':
        r.table = tableWord(w, false) as number;
        break;
      case 'metric':
      case 'preference':
      case 'priority':
        r.metric = w.int(word);
        break;
      case 'src':
        r.src = addr('src');
        break;
      case 'scope':
        r.scope = w.choice('scope', SCOPES);
        break;
      case 'proto':
      case 'protocol': {
        const v = w.value(word, 'kernel, boot, static or a number');
        if (v === 'kernel' || v === 'boot' || v === 'static') r.protocol = v;
        else if (/^\d+$/u.test(v) && Number(v) <= 255) r.protocol = Number(v);
        else w.fail(`invalid ${word} ${JSON.stringify(v)} (expected kernel, boot, static or 0..255)`);
        break;
      }
      case 'onlink':
        r.onlink = true;
        break;
      case 'mtu':
        r.mtu = w.int('mtu', 0, 0xffffffff);
        break;
      case 'type':
        r.type = w.choice('type', TYPES);
        break;
      default:
        if ((TYPES as readonly string[]).includes(word) && to === undefined && r.type === undefined) r.type = word as RouteSpec['type'];
        else if (to === undefined && !word.startsWith('-')) setTo(word);
        else w.unknown(word, ROUTE_WORDS);
    }
  }
  if (to === undefined) w.fail('missing the destination: TO or default');
  const dstFamily = to === 'default' ? undefined : isIP(to.split('/')[0]!);
  const viaFamily = r.via !== undefined ? isIP(r.via) : undefined;
  if (dstFamily && viaFamily && dstFamily !== viaFamily) w.fail(`gateway ${r.via} is not of the same address family as ${to}`);
  const fam = dstFamily || viaFamily;
  if (family !== undefined && fam !== undefined && fam !== family) w.fail(`${to} is not an IPv${family} route (-${family} was given)`);
  // "default" alone is IPv4 for ip unless -6 says otherwise.
  if (to === 'default' && family === 6 && viaFamily === undefined) to = '::/0';
  return { to, ...r };
}

/** `route show [table N|main|local|all] [dev DEV]`. */
export function parseRouteShow(w: Words): { table?: number | 'all'; dev?: string } {
  const out: { table?: number | 'all'; dev?: string } = {};
  while (!w.done) {
    const word = w.next()!;
    if (word === 'table') out.table = tableWord(w, true);
    else if (word === 'dev' || word === 'oif') out.dev = w.value(word, 'a device name');
    else w.unknown(word, ['table', 'dev']);
  }
  return out;
}

/** `route get [to] ADDR [from ADDR] [iif DEV] [oif DEV|dev DEV]`: one address (a full-length prefix is that address). */
export function parseRouteGet(w: Words, family?: 4 | 6): { to: string; query: { from?: string; iif?: string; oif?: string } } {
  let to: string | undefined;
  const query: { from?: string; iif?: string; oif?: string } = {};
  const address = (kw: string, v: string): string => {
    const [a, len, extra] = v.split('/');
    const fam = isIP(a!);
    if (fam === 0 || extra !== undefined) w.fail(`invalid ${kw} ${JSON.stringify(v)} (expected one IPv4 or IPv6 address)`);
    if (len !== undefined && len !== String(fam === 4 ? 32 : 128)) w.fail(`${kw} ${v} is a prefix; route get looks up one address (e.g. ${a})`);
    if (family !== undefined && fam !== family) w.fail(`${kw} ${a} is not an IPv${family} address (-${family} was given)`);
    return a!;
  };
  while (!w.done) {
    const word = w.next()!;
    if (word === 'from') query.from = address('from', w.value('from', 'an IP address'));
    else if (word === 'iif') query.iif = w.dev(query.iif, 'iif');
    else if (word === 'oif' || word === 'dev') query.oif = w.dev(query.oif, word);
    else if (to === undefined && !word.startsWith('-')) to = address('address', word === 'to' ? w.value('to', 'an address') : word);
    else w.unknown(word, ['to', 'from', 'iif', 'oif', 'dev']);
  }
  if (to === undefined) w.fail('missing the address to look up (route get ADDR)');
  if (query.from !== undefined && isIP(query.from) !== isIP(to)) w.fail(`from ${query.from} is not of the same address family as ${to}`);
  return { to, query };
}
