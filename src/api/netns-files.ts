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
  /**
   * When the kernel made the namespace's nsfs inode (its mtime, in ms), which stays while the
   * namespace is mounted. With dev and ino, an identity over time: the inode number alone is
   * not, the kernel gives the lowest free one, so `ip netns del X; ip netns add X` gets the one X
   * had as soon as the old namespace is freed.
   */
  made: number;
  /** An empty regular file: nothing is mounted on it. */
  emptyFile: boolean;
}

/** What a caller keeps of a namespace file to know it again (a lab's record): `made` absent in records written before it was kept. */
export type NetnsIdentity = Pick<NetnsFile, 'dev' | 'ino'> & { made?: number };

/** What to keep of a namespace file seen now, to know it again later (sameNetnsFile). */
export const netnsIdentity = (f: NetnsFile): NetnsIdentity => ({ dev: f.dev, ino: f.ino, made: f.made });

/** Whether a namespace file seen now is the one recorded earlier (`was`: dev, ino and made of it then). */
export function sameNetnsFile(was: NetnsIdentity, now: NetnsFile): boolean {
  return was.made !== undefined && was.made === now.made && was.ino === now.ino && was.dev === now.dev;
}

/** What /run/netns/NAME is, or undefined when there is no such file. */
export function netnsFile(name: string): NetnsFile | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(netnsPath(name));
  } catch {
    return undefined;
  }
  return { dev: st.dev, ino: st.ino, made: st.mtimeMs, emptyFile: st.isFile() && st.size === 0 };
}
