/**
 * The names under /run/netns as files, for callers that keep track of namespaces they made:
 * which names exist, and what each file is (a mounted namespace's identity, or an empty file an
 * interrupted `ip netns add`/`del` left).
 */
import * as fs from 'node:fs';
import { listNamed, netnsPath } from '../kernel/netnsdir.js';

/** The names in /run/netns (same as the names of: ip netns list). */
export function namedNetns(): string[] {
  return listNamed();
}

export interface NetnsFile {
  /** The file's identity: for a mounted namespace, the namespace's (nsfs dev and inode). */
  dev: number;
  ino: number;
  /** An empty regular file: nothing is mounted on it. */
  emptyFile: boolean;
}

/** What /run/netns/NAME is, or undefined when there is no such file. */
export function netnsFile(name: string): NetnsFile | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(netnsPath(name));
  } catch {
    return undefined;
  }
  return { dev: st.dev, ino: st.ino, emptyFile: st.isFile() && st.size === 0 };
}
