/**
 * `nsnet link ...` words → what to ask the library (LinkAddSpec, LinkSetSpec, ...). Pure: the
 * syntax is iproute2's (`link add veth0 type veth peer name veth1`), checked word by word.
 */
import { isIP } from 'node:net';
import type { LinkAddSpec, LinkSetSpec, VethPeerSpec } from '../api/types.js';
import { isMac, matchWord, verbNames, Words } from './words.js';

export type LinkCommand =
  | { verb: 'add'; spec: LinkAddSpec }
  | { verb: 'set'; dev: string; spec: LinkSetSpec }
  | { verb: 'del'; dev: string }
  | { verb: 'show'; dev?: string; up?: boolean; kind?: string; master?: string }
  | { verb: 'altname'; op: 'add' | 'del'; dev: string; names: string[] }
  | { verb: 'help' };

/** In iproute2's order (do_iplink), so abbreviations resolve as ip resolves them. */
const VERBS = [
  ['add'], ['change', 'chg'], ['set'], ['delete', 'del'], ['show', 'lst', 'list', 'ls'], ['property'], ['help'],
] as const;

export const LINK_KINDS = ['veth', 'bridge', 'macvlan', 'macvtap', 'vxlan', 'vlan', 'dummy', 'ifb', 'bond', 'vrf'] as const;
type Kind = (typeof LINK_KINDS)[number];

const MACVLAN_MODES = ['bridge', 'private', 'vepa', 'passthru', 'source'] as const;

/** Drop undefined fields, so a spec holds only what the user wrote ("not set" is not zero). */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function parseLinkCommand(words: readonly string[]): LinkCommand {
  if (words.length === 0) return { verb: 'show' };
  const verb = matchWord(words[0]!, VERBS);
  const w = new Words(words.slice(1), `link ${verb ?? words[0]}`);
  switch (verb) {
    case 'add':
      return { verb: 'add', spec: parseLinkAdd(w) };
    case 'change':
    case 'set':
      return { verb: 'set', ...parseLinkSet(new Words(words.slice(1), 'link set')) };
    case 'delete':
      return { verb: 'del', dev: parseLinkDel(new Words(words.slice(1), 'link delete')) };
    case 'show':
      return { verb: 'show', ...parseLinkShow(new Words(words.slice(1), 'link show')) };
    case 'property':
      return parseLinkProperty(w);
    case 'help':
      return { verb: 'help' };
    default:
      throw new Words([], 'link').unknown(words[0]!, verbNames(VERBS));
  }
}

const ADD_GENERAL = ['name', 'type', 'link', 'mtu', 'address', 'netns', 'master', 'alias', 'txqueuelen', 'up'] as const;
const KIND_WORDS: Record<Kind, readonly string[]> = {
  veth: ['peer'],
  bridge: ['stp_state', 'forward_delay', 'ageing_time', 'vlan_filtering', 'mcast_snooping'],
  macvlan: ['mode'],
  macvtap: ['mode'],
  vxlan: ['id', 'vni', 'remote', 'local', 'group', 'dev', 'dstport', 'ttl', 'learning', 'nolearning'],
  vlan: ['id', 'protocol'],
  dummy: [],
  ifb: [],
  bond: [],
  vrf: [],
};

interface Common {
  name?: string;
  mtu?: number;
  address?: string;
  up?: boolean;
  master?: string;
  alias?: string;
  netns?: string;
  txqlen?: number;
}

/**
 * Keywords every link has (`ip link add` and a veth peer): consumes `word` and its value when
 * it is one, returns false otherwise. A bare word is the name, once.
 */
function commonWord(word: string, w: Words, c: Common, known: readonly string[]): boolean {
  switch (word) {
    case 'name':
    case 'dev': {
      const v = w.value(word, 'an interface name');
      if (c.name !== undefined) w.duplicate('name', v);
      c.name = v;
      return true;
    }
    case 'mtu':
      c.mtu = w.int('mtu', 0, 0xffffffff);
      return true;
    case 'address': {
      const v = w.value('address', 'a MAC address');
      if (!isMac(v)) w.fail(`invalid address ${JSON.stringify(v)} (expected a MAC address like 02:00:00:00:00:01)`);
      c.address = v.toLowerCase();
      return true;
    }
    case 'netns':
      c.netns = w.value('netns', 'a namespace name or PID');
      return true;
    case 'master':
      c.master = w.value('master', 'a bridge name');
      return true;
    case 'alias':
      c.alias = w.value('alias', 'a text');
      return true;
    case 'txqueuelen':
    case 'txqlen':
    case 'qlen':
      c.txqlen = w.int(word, 0, 0xffffffff);
      return true;
    case 'up':
      c.up = true;
      return true;
    default:
      if (known.includes(word)) return false;
      if (c.name === undefined && !/^-/u.test(word)) {
        c.name = word;
        return true;
      }
      return false;
  }
}

function ipWord(w: Words, kw: string): string {
  const v = w.value(kw, 'an IP address');
  if (isIP(v) === 0) w.fail(`invalid ${kw} ${JSON.stringify(v)} (expected an IPv4 or IPv6 address)`);
  return v;
}

function parsePeer(w: Words): VethPeerSpec {
  const c: Common = {};
  const known = ['name', 'netns', 'mtu', 'address', 'alias', 'up'];
  while (!w.done) {
    const word = w.next()!;
    if (word === 'master' || word === 'txqueuelen' || word === 'txqlen' || word === 'qlen') w.unknown(word, known);
    if (!commonWord(word, w, c, known)) w.unknown(word, known);
  }
  if (c.name === undefined) w.fail('"peer" needs a name: peer name PEER');
  return clean({ name: c.name, netns: c.netns, mtu: c.mtu, address: c.address, up: c.up, alias: c.alias });
}

/** `link add [name] NAME [link DEV] [mtu N] [address MAC] [netns NS] [master BR] [up] type KIND [kind options]`. */
export function parseLinkAdd(w: Words): LinkAddSpec {
  const c: Common = {};
  let kind: Kind | undefined;
  let parent: string | undefined;
  let peer: VethPeerSpec | undefined;
  const k: Record<string, unknown> = {};
  const expected = (): string[] => [...ADD_GENERAL, ...(kind ? KIND_WORDS[kind] : [])];
  while (!w.done) {
    const word = w.next()!;
    if (kind !== undefined && KIND_WORDS[kind].includes(word)) {
      switch (word) {
        case 'peer':
          peer = parsePeer(w);
          break;
        case 'stp_state': k.stp = w.bool(word); break;
        case 'forward_delay': k.forwardDelay = w.int(word); break;
        case 'ageing_time': k.ageingTime = w.int(word); break;
        case 'vlan_filtering': k.vlanFiltering = w.bool(word); break;
        case 'mcast_snooping': k.multicastSnooping = w.bool(word); break;
        case 'mode': k.mode = w.choice('mode', MACVLAN_MODES); break;
        case 'id':
        case 'vni':
          k.id = kind === 'vlan' ? w.int(word, 0, 4094) : w.int(word, 0, 0xffffff);
          break;
        case 'remote': k.remote = ipWord(w, word); break;
        case 'local': k.local = ipWord(w, word); break;
        case 'group': k.group = ipWord(w, word); break;
        case 'dev': k.dev = w.value('dev', 'a device name'); break;
        case 'dstport': k.port = w.int(word, 0, 65535); break;
        case 'ttl': k.ttl = w.int(word, 0, 255); break;
        case 'learning': k.learning = true; break;
        case 'nolearning': k.learning = false; break;
        case 'protocol': k.protocol = w.choice('protocol', ['802.1Q', '802.1ad'] as const); break;
      }
      continue;
    }
    if (word === 'type') {
      const v = w.value('type', `a link type (${LINK_KINDS.join(', ')})`);
      if (kind !== undefined) w.duplicate('type', v);
      if (!(LINK_KINDS as readonly string[]).includes(v)) w.fail(`unknown link type ${JSON.stringify(v)} (expected one of: ${LINK_KINDS.join(', ')})`);
      kind = v as Kind;
      continue;
    }
    if (word === 'link') {
      parent = w.value('link', 'a parent device');
      continue;
    }
    if (!commonWord(word, w, c, expected())) w.unknown(word, expected());
  }
  if (c.name === undefined) w.fail('missing the link name: link add NAME type KIND');
  if (kind === undefined) w.fail(`missing "type KIND" for ${c.name} (expected one of: ${LINK_KINDS.join(', ')})`);
  const base = clean({ name: c.name, mtu: c.mtu, address: c.address, up: c.up, master: c.master, alias: c.alias, netns: c.netns, txqlen: c.txqlen });
  if (parent !== undefined && !['macvlan', 'macvtap', 'vlan', 'vxlan'].includes(kind)) {
    w.fail(`"link DEV" does not apply to a ${kind} (only to macvlan, macvtap, vlan)`);
  }
  switch (kind) {
    case 'veth':
      // Without a peer the kernel names it, as with ip.
      return peer ? { ...base, kind, peer } : { ...base, kind };
    case 'bridge':
      return { ...base, kind, ...clean({ stp: k.stp as boolean | undefined, forwardDelay: k.forwardDelay as number | undefined, ageingTime: k.ageingTime as number | undefined, vlanFiltering: k.vlanFiltering as boolean | undefined, multicastSnooping: k.multicastSnooping as boolean | undefined }) };
    case 'macvlan':
    case 'macvtap':
      if (parent === undefined) w.fail(`a ${kind} needs its parent device: link add link DEV ${c.name} type ${kind}`);
      return { ...base, kind, parent, ...clean({ mode: k.mode as (typeof MACVLAN_MODES)[number] | undefined }) };
    case 'vxlan': {
      if (k.id === undefined) w.fail(`a vxlan needs its VNI: link add ${c.name} type vxlan id N`);
      if (k.remote !== undefined && k.group !== undefined) w.fail('give either remote or group, not both');
      const dev = (k.dev as string | undefined) ?? parent;
      return {
        ...base, kind, id: k.id as number,
        ...clean({ remote: k.remote as string | undefined, group: k.group as string | undefined, local: k.local as string | undefined, dev, port: k.port as number | undefined, ttl: k.ttl as number | undefined, learning: k.learning as boolean | undefined }),
      };
    }
    case 'vlan':
      if (parent === undefined) w.fail(`a vlan needs its parent device: link add link DEV name ${c.name} type vlan id N`);
      if (k.id === undefined) w.fail(`a vlan needs its id: link add link ${parent} name ${c.name} type vlan id N`);
      return { ...base, kind, parent, id: k.id as number, ...clean({ protocol: k.protocol as '802.1Q' | '802.1ad' | undefined }) };
    default:
      return { ...base, kind };
  }
}

const SET_WORDS = ['dev', 'up', 'down', 'netns', 'master', 'nomaster', 'mtu', 'name', 'address', 'alias', 'txqueuelen'] as const;

/** `link set [dev] DEV up|down|netns NS|master BR|nomaster|mtu N|name NEW|address MAC|alias TEXT|txqueuelen N ...`. */
export function parseLinkSet(w: Words): { dev: string; spec: LinkSetSpec } {
  let dev: string | undefined;
  const spec: LinkSetSpec = {};
  const once = (key: keyof LinkSetSpec, word: string): void => {
    if (spec[key] !== undefined) w.duplicate(word, word);
  };
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'dev':
        dev = w.dev(dev);
        break;
      case 'up':
      case 'down':
        once('up', word);
        spec.up = word === 'up';
        break;
      case 'netns':
        spec.netns = w.value('netns', 'a namespace name or PID');
        break;
      case 'master':
        once('master', word);
        spec.master = w.value('master', 'a bridge name');
        break;
      case 'nomaster':
        once('master', word);
        spec.master = null;
        break;
      case 'mtu':
        spec.mtu = w.int('mtu', 0, 0xffffffff);
        break;
      case 'name':
        spec.name = w.value('name', 'the new name');
        break;
      case 'address': {
        const v = w.value('address', 'a MAC address');
        if (!isMac(v)) w.fail(`invalid address ${JSON.stringify(v)} (expected a MAC address like 02:00:00:00:00:01)`);
        spec.address = v.toLowerCase();
        break;
      }
      case 'alias':
        spec.alias = w.value('alias', 'a text');
        break;
      case 'txqueuelen':
      case 'txqlen':
      case 'qlen':
        spec.txqlen = w.int(word, 0, 0xffffffff);
        break;
      default:
        if (dev === undefined && !word.startsWith('-')) dev = word;
        else w.unknown(word, SET_WORDS);
    }
  }
  if (dev === undefined) w.fail('missing the device: link set DEV up|down|...');
  if (Object.keys(spec).length === 0) w.fail(`nothing to change on ${dev} (expected one of: ${SET_WORDS.slice(1).join(', ')})`);
  return { dev, spec };
}

/** `link del [dev] DEV [type KIND]`. */
export function parseLinkDel(w: Words): string {
  let dev: string | undefined;
  while (!w.done) {
    const word = w.next()!;
    if (word === 'dev') {
      dev = w.dev(dev);
    } else if (word === 'type') {
      w.value('type', 'a link type'); // accepted as ip does; the device decides
    } else if (dev === undefined && !word.startsWith('-')) {
      dev = word;
    } else {
      w.unknown(word, ['dev', 'type']);
    }
  }
  if (dev === undefined) w.fail('missing the device: link delete DEV');
  return dev;
}

/** `link show [[dev] DEV] [up] [type KIND] [master BR]`. */
export function parseLinkShow(w: Words): { dev?: string; up?: boolean; kind?: string; master?: string } {
  const out: { dev?: string; up?: boolean; kind?: string; master?: string } = {};
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'dev': {
        const v = w.value('dev', 'a device name');
        if (out.dev !== undefined) w.duplicate('dev', v);
        out.dev = v;
        break;
      }
      case 'up':
        out.up = true;
        break;
      case 'type':
        out.kind = w.value('type', 'a link type');
        break;
      case 'master':
        out.master = w.value('master', 'a bridge name');
        break;
      default:
        if (out.dev === undefined && !word.startsWith('-')) out.dev = word;
        else w.unknown(word, ['dev', 'up', 'type', 'master']);
    }
  }
  return out;
}

/** `link property add|del dev DEV altname NAME [altname NAME ...]`. */
export function parseLinkProperty(w: Words): LinkCommand {
  const opWord = w.next();
  const op = opWord === undefined ? undefined : matchWord(opWord, [['add'], ['delete', 'del']] as const);
  if (op === undefined) w.fail(opWord === undefined ? 'missing add or del: link property add dev DEV altname NAME' : `unknown argument ${JSON.stringify(opWord)} (expected one of: add, del)`);
  const ctx: Words = new Words(w.rest(), `link property ${op === 'add' ? 'add' : 'del'}`);
  let dev: string | undefined;
  const names: string[] = [];
  while (!ctx.done) {
    const word = ctx.next()!;
    if (word === 'dev') {
      const v = ctx.value('dev', 'a device name');
      if (dev !== undefined) ctx.duplicate('dev', v);
      dev = v;
    } else if (word === 'altname') {
      names.push(ctx.value('altname', 'a name'));
    } else if (dev === undefined && !word.startsWith('-')) {
      dev = word;
    } else {
      ctx.unknown(word, ['dev', 'altname']);
    }
  }
  if (dev === undefined) ctx.fail('missing the device: dev DEV');
  if (names.length === 0) ctx.fail(`missing "altname NAME" for ${dev}`);
  return { verb: 'altname', op: op === 'add' ? 'add' : 'del', dev, names };
}
