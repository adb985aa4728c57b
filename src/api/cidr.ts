import { NsnetError } from '../kernel/errors.js';
import { parseCidr as parse } from '../wire/cidr.js';

/** An address and its prefix length, as the api's verbs take them. */
export interface AddressPrefix {
  /** Canonical text, as ip prints it. */
  address: string;
  prefixLen: number;
  family: 4 | 6;
}

/**
 * '10.0.0.1/24' → { address, prefixLen: 24, family: 4 }; a bare address gets the full length.
 * The rule is the wire layer's (wire/cidr.ts); this only turns a refusal into an NsnetError.
 */
export function parseCidr(s: string, what = 'address'): AddressPrefix {
  const c = parse(s, true);
  if (typeof c === 'string') {
    throw new NsnetError('INVALID_ADDRESS', `invalid ${what} ${JSON.stringify(s)}: ${c}; expected an IPv4 or IPv6 address, optionally with /prefix`, `${what} ${s}`);
  }
  return { address: c.text, prefixLen: c.len, family: c.family };
}
