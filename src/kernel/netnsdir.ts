/**
 * The directory of named network namespaces, /run/netns, read as files: no native import, so
 * that listing names (nsnet netns list with nothing to list) never loads koffi or the wire layer.
 */
import * as fs from 'node:fs';

export const NETNS_RUN_DIR = '/run/netns';

export const netnsPath = (name: string): string => `${NETNS_RUN_DIR}/${name}`;

/** Names under /run/netns (what `ip netns list` shows), sorted. */
export function listNamed(): string[] {
  try {
    return fs.readdirSync(NETNS_RUN_DIR).filter((x) => !x.startsWith('.')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
