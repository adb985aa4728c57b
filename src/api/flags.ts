/** Reading a link's interface flags without the wire constants (the api's callers use this). */
import { IFF_LOWER_UP, IFF_UP } from '../wire/rtnl/constants.js';

/** The link is administratively up (IFF_UP). */
export function isUp(l: { flags: number }): boolean {
  return (l.flags & IFF_UP) !== 0;
}

/** The link has carrier (IFF_LOWER_UP). */
export function hasCarrier(l: { flags: number }): boolean {
  return (l.flags & IFF_LOWER_UP) !== 0;
}
