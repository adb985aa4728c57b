/** Why a netlink byte sequence could not be decoded. */
export type WireErrorCode = 'TRUNCATED' | 'MALFORMED' | 'BAD_VALUE';

/**
 * A decoding or encoding failure in the wire layer. It never escapes as a RangeError or
 * TypeError: every out-of-bounds read is checked first and reported as one of these, with
 * the byte offset where the problem starts and what was being read.
 */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly code: WireErrorCode,
    readonly what: string,
    readonly offset: number,
    detail?: string,
  ) {
    super(`${what}: ${code.toLowerCase().replace('_', ' ')} at byte ${offset}${detail ? ` (${detail})` : ''}`);
  }
}
