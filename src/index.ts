/**
 * nsnet: Linux network namespaces, links, addresses, routes and neighbours from TypeScript,
 * over rtnetlink, and virtual networks from a topology file.
 */
export { Handle, openNetns, hostNetns } from './api/handle.js';
export { netns, type AddNetnsOptions } from './api/namespaces.js';
export type * from './api/types.js';
export type { AddrAddOptions } from './api/addresses.js';
export { NsnetError, KernelError } from './kernel/errors.js';
export { WireError } from './wire/errors.js';
