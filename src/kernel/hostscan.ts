/**
 * Every network namespace on the host, however it is held, in one pass over /proc:
 * nsfs bind mounts from /proc/self/mountinfo (names under /run/netns, as `ip netns` makes them,
 * and any other path: Docker's /run/docker/netns, CNI's), and the processes whose
 * /proc/PID/ns/net points at one. A namespace is known by its nsfs inode. Processes that exit
 * and mounts that go away while this runs are simply not in the result.
 */
import * as fs from 'node:fs';
import { NETNS_RUN_DIR } from './netns.js';

export interface NetnsHolder {
  pid: number;
  comm: string;
}

export interface ScannedNetns {
  /** The nsfs inode: the namespace's identity (what `ls -i /proc/PID/ns/net` and `lsns` show). */
  inode: number;
  /** Names under /run/netns. */
  names: string[];
  /** Other paths where it is bind-mounted. */
  mounts: string[];
  /** Processes in it, by pid. */
  pids: NetnsHolder[];
  /** The namespace this process runs in. */
  self: boolean;
}

const NET = /^net:\[(\d+)\]$/u;

/** The inode of a net namespace link (`net:[4026531840]`), undefined when it is gone or not one. */
export function netnsInode(path: string): number | undefined {
  try {
    const m = NET.exec(fs.readlinkSync(path));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/gu, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** nsfs mounts of net namespaces: [inode, mount point]; pure, for the test. */
export function parseNetnsMounts(mountinfo: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fields = line.slice(0, sep).split(' ');
    const fstype = line.slice(sep + 3).split(' ')[0];
    if (fstype !== 'nsfs' || fields.length < 5) continue;
    const m = NET.exec(fields[3]!);
    if (m) out.push([Number(m[1]), unescape(fields[4]!)]);
  }
  return out;
}

/** One scan of the host. With `processes: false` only mounted namespaces (and this process's) are found. */
export function scanNetns(opts: { processes?: boolean } = {}): ScannedNetns[] {
  const byInode = new Map<number, ScannedNetns>();
  const get = (inode: number): ScannedNetns => {
    let e = byInode.get(inode);
    if (!e) byInode.set(inode, (e = { inode, names: [], mounts: [], pids: [], self: false }));
    return e;
  };
  const self = netnsInode('/proc/self/ns/net');
  if (self !== undefined) get(self).self = true;
  let mountinfo = '';
  try {
    mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    // no /proc: only what follows
  }
  const prefix = `${NETNS_RUN_DIR}/`;
  for (const [inode, at] of parseNetnsMounts(mountinfo)) {
    const e = get(inode);
    const name = at.startsWith(prefix) && !at.slice(prefix.length).includes('/') ? at.slice(prefix.length) : undefined;
    if (name !== undefined) {
      if (!e.names.includes(name)) e.names.push(name);
    } else if (!e.mounts.includes(at)) e.mounts.push(at);
  }
  if (opts.processes !== false) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync('/proc');
    } catch {
      // no /proc
    }
    for (const d of entries) {
      const c = d.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const inode = netnsInode(`/proc/${d}/ns/net`);
      if (inode === undefined) continue; // exited, or a kernel thread without one
      let comm = '';
      try {
        comm = fs.readFileSync(`/proc/${d}/comm`, 'utf8').trimEnd();
      } catch {
        continue; // exited meanwhile
      }
      get(inode).pids.push({ pid: Number(d), comm });
    }
  }
  const out = [...byInode.values()];
  for (const e of out) {
    e.names.sort();
    e.mounts.sort();
    e.pids.sort((a, b) => a.pid - b.pid);
  }
  return out.sort((a, b) => Number(b.self) - Number(a.self) || a.inode - b.inode);
}

/**
 * Open a scanned namespace (O_RDONLY fd; the caller closes it) by whichever hold still
 * works, checking that it is still the same namespace; undefined when it has vanished.
 */
export function openScanned(ns: ScannedNetns): number | undefined {
  const paths = [
    ...(ns.self ? ['/proc/self/ns/net'] : []),
    ...ns.names.map((n) => `${NETNS_RUN_DIR}/${n}`),
    ...ns.mounts,
    ...ns.pids.map((p) => `/proc/${p.pid}/ns/net`),
  ];
  for (const p of paths) {
    let fd: number;
    try {
      fd = fs.openSync(p, fs.constants.O_RDONLY);
    } catch {
      continue;
    }
    try {
      if (fs.fstatSync(fd).ino === ns.inode) return fd;
    } catch {
      // fall through: not it
    }
    fs.closeSync(fd);
  }
  return undefined;
}

/** How a namespace is called in output: its first name, 'host' for this process's, pid:N for the lowest holder, else inode:N. */
export function netnsLabel(ns: ScannedNetns): string {
  if (ns.self) return 'host';
  if (ns.names.length) return ns.names[0]!;
  if (ns.pids.length) return `pid:${ns.pids[0]!.pid}`;
  return `inode:${ns.inode}`;
}
