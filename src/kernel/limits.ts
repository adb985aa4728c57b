import * as fs from 'node:fs';

/**
 * This process's soft limit on open files (RLIMIT_NOFILE), read from /proc/self/limits (Node
 * raises the soft limit to the hard one as it starts); undefined when it cannot be read or is
 * "unlimited". Callers that may hold a descriptor per namespace ask it before they do.
 */
export function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/mu.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
