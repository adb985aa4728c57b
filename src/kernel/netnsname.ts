/**
 * The name rule of named network namespaces (pure: no native import, so the topology layer can
 * use it): iproute2's invalid_name() in ip/ipnetns.c, a file name in /run/netns.
 */

/** NAME_MAX: the longest file name, so the longest namespace name, in bytes. */
export const NETNS_NAME_MAX = 255;

/** Why `name` is not a namespace name iproute2 accepts, or undefined. Reads after "invalid NAME: ". */
export function netnsNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'it is empty';
  const bytes = Buffer.byteLength(name);
  if (bytes > NETNS_NAME_MAX) return `it is ${bytes} bytes; the limit is ${NETNS_NAME_MAX}`;
  if (name.includes('/')) return "it contains '/'";
  if (name === '.' || name === '..') return `'${name}' is reserved`;
  if (name.includes('\0')) return 'it contains a NUL byte';
  return undefined;
}
