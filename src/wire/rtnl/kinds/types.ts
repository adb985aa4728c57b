import type { Writer } from '../../writer.js';

/**
 * How one link kind encodes and decodes its IFLA_INFO_DATA. `encode` writes the contents
 * of the nest (link.ts opens and closes it, and leaves it out when nothing was written);
 * `decode` gets the nest's payload and its offset in the message, for error reports.
 */
export interface KindCodec<T> {
  encode(w: Writer, info: T): void;
  decode(data: Buffer, base: number, kind: string): T;
}
