import { NsnetError } from '../kernel/errors.js';
import { ALTIFNAMSIZ_MAX, IFNAMSIZ_MAX, ifnameIssue, ifnameProblem } from '../wire/rtnl/ifla.js';

/** IFNAMSIZ - 1: the longest kernel interface name. */
export const IFNAME_MAX = IFNAMSIZ_MAX;
/** ALTIFNAMSIZ - 1: the longest alternative name. */
export const ALTNAME_MAX = ALTIFNAMSIZ_MAX;

/** Why `name` is not a valid interface name (the wire layer's one rule, dev_valid_name), or undefined. */
export const ifNameProblem = ifnameProblem;

/**
 * Throw an NsnetError naming the bad interface name, its one problem and what to do.
 * `what` names the name: 'link name', 'veth peer name', 'new link name', 'altname'.
 */
export function checkIfName(name: string, what = 'interface name', max = IFNAME_MAX): void {
  const i = ifnameIssue(name, max);
  if (i) throw new NsnetError('INVALID_NAME', `invalid ${what} ${JSON.stringify(name)}: ${i.problem}`, `interface ${name}`, i.hint);
}
