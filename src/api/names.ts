import { NsnetError } from '../kernel/errors.js';

/** IFNAMSIZ - 1: the longest kernel interface name. */
export const IFNAME_MAX = 15;
/** ALTIFNAMSIZ - 1: the longest alternative name. */
export const ALTNAME_MAX = 127;

/**
 * Why `name` is not a valid interface name by the kernel's dev_valid_name() rules (non-empty,
 * at most `max` bytes, not '.' or '..', no '/', ':' or white space), or undefined if it is.
 */
export function ifNameProblem(name: string, max = IFNAME_MAX): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'it is empty';
  const bytes = Buffer.byteLength(name);
  if (bytes > max) return `it is ${bytes} bytes long (at most ${max})`;
  if (name === '.' || name === '..') return `'${name}' is reserved`;
  if (/[/:\s\0]/u.test(name)) return "it contains '/', ':', a NUL or white space";
  return undefined;
}

/** Throw an NsnetError naming the bad interface name and the rule it breaks. */
export function checkIfName(name: string, what = 'interface', max = IFNAME_MAX): void {
  const p = ifNameProblem(name, max);
  if (p) {
    throw new NsnetError('INVALID_NAME', `invalid ${what} name ${JSON.stringify(name)}: ${p}`, `${what} ${name}`,
      max === IFNAME_MAX ? 'interface names are at most 15 bytes; keep a longer name as an altname' : undefined);
  }
}
