/** The lab's own fields: name, prefix (of its namespace names), ipv6. */
import { show } from '../issues.js';
import { labNameProblem, PREFIX_RE } from '../names.js';
import { describe } from '../zodissues.js';
import { S, type Checker } from './checker.js';

export function checkLabFields(c: Checker, raw: Record<string, unknown>): void {
  const o = c.out;
  if (raw.name === undefined) {
    o.error('MISSING_KEY', ['name'], 'the lab has no name: add `name: mylab` at the top (lower-case letters, digits, _ and -)');
  } else if (typeof raw.name !== 'string') {
    o.error('WRONG_TYPE', ['name'], `the lab name must be a string, got ${describe(raw.name)}`);
  } else {
    const p = labNameProblem(raw.name);
    if (p) o.error(p.code, ['name'], `lab name ${show(raw.name)} is invalid: ${p.why}`);
    c.labName = raw.name;
  }
  if (raw.prefix !== undefined && raw.prefix !== null) {
    if (typeof raw.prefix !== 'string') {
      o.error('WRONG_TYPE', ['prefix'], `prefix must be a string, got ${describe(raw.prefix)}`);
      c.prefixOk = false;
    } else {
      c.prefix = raw.prefix;
      if (!PREFIX_RE.test(raw.prefix)) {
        o.error('BAD_NETNS_NAME', ['prefix'], `prefix ${show(raw.prefix)} would make invalid namespace names: use letters, digits, '_', '.' and '-' only`);
        c.prefixOk = false;
      } else if (Buffer.byteLength(raw.prefix) >= 255) {
        o.error('BAD_NETNS_NAME', ['prefix'], `prefix is ${Buffer.byteLength(raw.prefix)} bytes; with a node name it must stay within 255 bytes: shorten it`);
        c.prefixOk = false;
      }
    }
  }
  if (raw.ipv6 !== undefined && raw.ipv6 !== null) {
    const v = c.parse(S.Topology.prop('ipv6'), raw.ipv6, ['ipv6']);
    if (typeof v === 'boolean') c.labIpv6 = v;
  }
}
