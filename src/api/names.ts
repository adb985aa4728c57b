import { NsnetError } from '../kernel/errors.js';
import { ALTIFNAMSIZ_MAX, IFNAMSIZ_MAX, ifnameProblem } from '../wire/rtnl/ifla.js';

/** IFNAMSIZ - 1: the longest kernel interface name. */
export const IFNAME_MAX = IFNAMSIZ_MAX;
/** ALTIFNAMSIZ - 1: the longest alternative name. */
export const ALTNAME_MAX = ALTIFNAMSIZ_MAX;

/** Why `name` is not a valid interface name (the wire layer's one rule, dev_valid_name), or undefined. */
export const ifNameProblem = ifnameProblem;

/** Throw an NsnetError naming the bad interface name and the rule it breaks. */
export function checkIfName(name: string, what = 'interface', max = IFNAME_MAX): void {
  const p = ifnameProblem(name, max);
  if (p) {
    throw new NsnetError('INVALID_NAME', `invalid ${what} name ${JSON.stringify(name)}: ${p}`, `${what} ${name}`,
      max === IFNAME_MAX ? 'interface names are at most 15 bytes; keep a longer name as an altname' : undefined);
  }
}
