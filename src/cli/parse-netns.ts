/** `nsnet netns ...` and `nsnet sysctl ...` words. Pure. */
import { matchWord, verbNames, Words } from './words.js';

export type NetnsCommand =
  | { verb: 'list' }
  | { verb: 'add'; name: string }
  | { verb: 'del'; names: string[] }
  | { verb: 'exec'; name: string; cmd: string[] }
  | { verb: 'pids'; name: string }
  | { verb: 'identify'; pid?: number }
  | { verb: 'attach'; name: string; pid: number }
  | { verb: 'help' };

/** In iproute2's order (do_netns). */
const VERBS = [['list', 'lst', 'ls', 'show'], ['add'], ['attach'], ['delete', 'del'], ['identify'], ['pids'], ['exec'], ['help']] as const;

const pidWord = (w: Words, s: string | undefined): number => {
  if (s === undefined) w.fail('missing the process id');
  if (!/^\d+$/u.test(s) || Number(s) < 1 || Number(s) > 0x3fffffff) w.fail(`invalid process id ${JSON.stringify(s)}`);
  return Number(s);
};

export function parseNetnsCommand(words: readonly string[]): NetnsCommand {
  if (words.length === 0) return { verb: 'list' };
  const verb = matchWord(words[0]!, VERBS);
  const w: Words = new Words(words.slice(1), `netns ${verb ?? words[0]}`);
  const name = (): string => {
    const n = w.next();
    if (n === undefined || n === '') w.fail('missing the namespace name');
    return n;
  };
  switch (verb) {
    case 'list':
      w.end();
      return { verb: 'list' };
    case 'add': {
      const n = name();
      w.end();
      return { verb: 'add', name: n };
    }
    case 'delete': {
      const names = w.rest();
      if (names.length === 0) w.fail('missing the namespace name');
      return { verb: 'del', names };
    }
    case 'exec': {
      const n = name();
      const cmd = w.rest();
      if (cmd.length === 0) w.fail(`missing the command to run in ${n}`);
      return { verb: 'exec', name: n, cmd };
    }
    case 'pids': {
      const n = name();
      w.end();
      return { verb: 'pids', name: n };
    }
    case 'identify': {
      const p = w.next();
      w.end();
      return p === undefined ? { verb: 'identify' } : { verb: 'identify', pid: pidWord(w, p) };
    }
    case 'attach': {
      const n = name();
      const pid = pidWord(w, w.next());
      w.end();
      return { verb: 'attach', name: n, pid };
    }
    case 'help':
      return { verb: 'help' };
    default:
      throw new Words([], 'netns').unknown(words[0]!, verbNames(VERBS));
  }
}

export type SysctlCommand = { verb: 'get'; key: string } | { verb: 'set'; key: string; value: string } | { verb: 'help' };

/** `sysctl get KEY`, `sysctl set KEY VALUE` (or `set KEY=VALUE`). */
export function parseSysctlCommand(words: readonly string[]): SysctlCommand {
  const w: Words = new Words(words.slice(1), `sysctl ${words[0] ?? ''}`.trim());
  switch (words[0]) {
    case 'get': {
      const key = w.next();
      if (key === undefined) w.fail('missing the key, e.g. net.ipv4.ip_forward');
      w.end();
      return { verb: 'get', key };
    }
    case 'set': {
      let key = w.next();
      if (key === undefined) w.fail('missing the key and value, e.g. set net.ipv4.ip_forward 1');
      let value: string | undefined;
      const eq = key.indexOf('=');
      if (eq > 0) {
        value = key.slice(eq + 1);
        key = key.slice(0, eq);
      } else {
        value = w.next();
      }
      if (value === undefined) w.fail(`missing the value for ${key}`);
      w.end();
      return { verb: 'set', key, value };
    }
    case 'help':
    case undefined:
      return { verb: 'help' };
    default:
      throw new Words([], 'sysctl').unknown(words[0], ['get', 'set']);
  }
}
