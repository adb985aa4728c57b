/**
 * The start of a command line that acts where a handle does: `nsnet -n blue` for a named
 * namespace, `nsnet` for this process's own. For the command-line half of an error's hint
 * (kernel/errors.ts Hint); the library half names library calls.
 */
import type { Handle } from './handle.js';

export const nsnetIn = (h: Handle): string => `nsnet${h.name !== undefined ? ` -n ${h.name}` : ''}`;
