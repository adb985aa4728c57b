import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { NsnetError } from '../../kernel/errors.js';
import { lockFd, unlockFd } from '../../kernel/flock.js';
import { genlFamily } from '../ethtool.js';
import { hostNetns } from '../handle.js';
import { runDir } from '../rundir.js';

/**
 * Which Open vSwitch nsnet talks to, and the lifetime of nsnet's own.
 *
 * If the host runs Open vSwitch (its db socket in /run/openvswitch or /var/run/openvswitch
 * answers), nsnet uses it and never starts or stops anything. Otherwise nsnet runs its own
 * ovsdb-server and ovs-vswitchd, with a private database and run directory under
 * ovs/ in nsnet's run directory (api/rundir.ts: /run/nsnet/ovs), shared by every lab that needs OVS: each lab holds a record in users/, taken
 * and dropped under a lock; the daemons start with the first record and stop (by PID) when the
 * last one goes. A daemon found dead is restarted on the database it left behind, so its
 * bridges come back.
 */
export const ovsStateDir = (): string => join(runDir(), 'ovs');
/** nsnet's own ovsdb-server socket. */
export const ovsDbSocket = (): string => join(ovsStateDir(), 'db.sock');
export const HOST_DB_SOCKETS = ['/run/openvswitch/db.sock', '/var/run/openvswitch/db.sock'];
const SCHEMAS = ['/usr/share/openvswitch/vswitch.ovsschema', '/usr/local/share/openvswitch/vswitch.ovsschema'];
const DEBIAN_HINT = 'install the Debian package openvswitch-switch (apt-get install openvswitch-switch)';

export type DatapathType = 'system' | 'netdev';
export interface OvsEndpoint {
  /** The unix socket of ovsdb-server. */
  dbSocket: string;
  /** 'host': the host's own Open vSwitch; 'nsnet': the daemons nsnet runs. */
  owner: 'host' | 'nsnet';
  /** The kernel datapath where the ovs_datapath family exists, the userspace one otherwise. */
  datapathType: DatapathType;
}

const DAEMONS = ['ovsdb-server', 'ovs-vswitchd'] as const;
type Daemon = (typeof DAEMONS)[number];

const paths = (dir = ovsStateDir()) => ({
  dir,
  db: join(dir, 'conf.db'),
  sock: join(dir, 'db.sock'),
  users: join(dir, 'users'),
  lock: join(dir, 'lock'),
  pid: (d: Daemon) => join(dir, `${d}.pid`),
  ctl: (d: Daemon) => join(dir, `${d}.ctl`),
  log: (d: Daemon) => join(dir, `${d}.log`),
});

/** The datapath type bridges get here. */
export function datapathType(): DatapathType {
  return genlFamily(hostNetns(), 'ovs_datapath') ? 'system' : 'netdev';
}

/** A program on PATH, or undefined. */
function which(prog: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) {
    if (!d) continue;
    const p = join(d, prog);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

interface Installed { ovsdbServer: string; vswitchd: string; ovsdbTool: string; schema: string }

/** The Open vSwitch programs and schema, or one clear error naming the Debian package. */
export function findInstalled(): Installed {
  const need = (prog: string): string => {
    const p = which(prog);
    if (!p) throw new NsnetError('OVS_MISSING', `Open vSwitch is not installed: ${prog} is not on PATH`, 'Open vSwitch', DEBIAN_HINT);
    return p;
  };
  const out = { ovsdbServer: need('ovsdb-server'), vswitchd: need('ovs-vswitchd'), ovsdbTool: need('ovsdb-tool') };
  const schema = SCHEMAS.find((s) => fs.existsSync(s));
  if (!schema) throw new NsnetError('OVS_MISSING', `Open vSwitch is not installed: no vswitch.ovsschema in ${SCHEMAS.join(' or ')}`, 'Open vSwitch', DEBIAN_HINT);
  return { ...out, schema };
}

/** The host's running Open vSwitch, if its db socket exists (a stale socket file is checked by the caller's connect). */
export function hostDbSocket(): string | undefined {
  return HOST_DB_SOCKETS.find((p) => {
    try {
      return fs.statSync(p).isSocket();
    } catch {
      return false;
    }
  });
}

/** The PID in a daemon's pidfile if that process is alive and is that daemon. */
export function daemonPid(d: Daemon, dir = ovsStateDir()): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(paths(dir).pid(d), 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    // /proc/PID/stat: "PID (comm) STATE ..."; a zombie (Z) or dead (X) process has exited.
    const m = /^\d+ \((.*)\) (\S)/.exec(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return m && m[1] === d && m[2] !== 'Z' && m[2] !== 'X' ? pid : undefined;
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[], what: string): Promise<void> {
  const p = paths();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, OVS_RUNDIR: p.dir, OVS_LOGDIR: p.dir, OVS_DBDIR: p.dir },
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => { if (err.length < 4096) err += b.toString(); });
    child.on('error', (e) => reject(new NsnetError('OVS_START', `${what}: ${e.message}`, 'Open vSwitch', DEBIAN_HINT)));
    child.on('exit', (code, sig) => {
      if (code === 0) return resolve();
      const last = err.trim().split('\n').filter((l) => !/\|INFO\|/.test(l)).pop() ?? '';
      reject(new NsnetError('OVS_START', `${what} failed (${sig ?? `exit ${code}`})${last ? `: ${last}` : ''}`, 'Open vSwitch', `see ${p.dir}/*.log`));
    });
  });
}

async function startDaemon(d: Daemon, inst: Installed): Promise<void> {
  const p = paths();
  const common = [`--pidfile=${p.pid(d)}`, `--unixctl=${p.ctl(d)}`, `--log-file=${p.log(d)}`, '--detach', '--no-chdir', '-vconsole:off'];
  if (d === 'ovsdb-server') await run(inst.ovsdbServer, [p.db, `--remote=punix:${p.sock}`, ...common], 'start ovsdb-server');
  else await run(inst.vswitchd, [`unix:${p.sock}`, ...common], 'start ovs-vswitchd');
}

/** Whether a process exists and has not exited (a zombie has). */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it has not gone within `ms`. */
export async function stopPid(pid: number, ms = 5000): Promise<void> {
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  for (let waited = 0; waited < ms; waited += 20) {
    if (!alive(pid)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

/**
 * Start whatever of nsnet's daemons is not running: a fresh database when there is none,
 * the one left behind otherwise (its bridges come back with ovs-vswitchd). Returns which
 * daemons were (re)started. Call with the lock held.
 */
async function ensureDaemons(): Promise<Daemon[]> {
  const p = paths();
  const started: Daemon[] = [];
  const serverUp = daemonPid('ovsdb-server') !== undefined;
  const switchUp = daemonPid('ovs-vswitchd') !== undefined;
  if (serverUp && switchUp) return started;
  const inst = findInstalled();
  if (!serverUp) {
    // ovs-vswitchd without its database is restarted with it.
    const orphan = daemonPid('ovs-vswitchd');
    if (orphan) await stopPid(orphan);
    if (!fs.existsSync(p.db)) await run(inst.ovsdbTool, ['create', p.db, inst.schema], 'create the Open vSwitch database');
    await startDaemon('ovsdb-server', inst);
    started.push('ovsdb-server');
  }
  if (!serverUp || !switchUp) {
    await startDaemon('ovs-vswitchd', inst);
    started.push('ovs-vswitchd');
  }
  return started;
}

/**
 * Callers of this process, one after the other: flock() blocks the whole thread, so a second
 * caller taking the lock while the first awaits under it (two labs coming up at once in one
 * process) would wait for a release that its own blocked event loop keeps from happening.
 */
let queue: Promise<unknown> = Promise.resolve();

function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const turn = queue.then(() => underFlock(fn));
  queue = turn.catch(() => undefined);
  return turn;
}

/** Run `fn` holding the lock file's flock: other processes' callers wait for it. */
async function underFlock<T>(fn: () => Promise<T>): Promise<T> {
  const p = paths();
  fs.mkdirSync(p.users, { recursive: true, mode: 0o755 });
  const fd = fs.openSync(p.lock, 'a');
  try {
    lockFd(fd, p.lock);
    return await fn();
  } finally {
    unlockFd(fd);
    fs.closeSync(fd);
  }
}

export interface Acquired extends OvsEndpoint {
  /** Daemons this call started (empty when they ran already or the host's OVS is used). */
  started: Daemon[];
}

/**
 * The Open vSwitch `lab` uses: the host's when it runs one, nsnet's own otherwise (started if
 * needed; `lab` is recorded as a user until `releaseOvs`). `hostUsable` says whether the host's
 * db socket answers (the caller connects); a stale socket file falls back to nsnet's own.
 */
export async function acquireOvs(lab: string, hostUsable: (sock: string) => Promise<boolean>): Promise<Acquired> {
  const host = hostDbSocket();
  if (host && (await hostUsable(host))) return { dbSocket: host, owner: 'host', datapathType: datapathType(), started: [] };
  return withLock(async () => {
    const started = await ensureDaemons();
    fs.writeFileSync(join(paths().users, lab), `${process.pid}\n`);
    return { dbSocket: paths().sock, owner: 'nsnet', datapathType: datapathType(), started };
  });
}

/**
 * Restart nsnet's daemons if labs still hold them but one died (its database is kept, so its
 * bridges come back). Records no user. Returns the daemons restarted.
 */
export async function reviveOvs(): Promise<Daemon[]> {
  if (hostDbSocket() || ovsUsers().length === 0) return [];
  if (daemonPid('ovsdb-server') !== undefined && daemonPid('ovs-vswitchd') !== undefined) return [];
  return withLock(async () => (ovsUsers().length ? ensureDaemons() : []));
}

/**
 * Wait until no other process is starting or stopping nsnet's daemons (their lock is free). A
 * reader that holds no lab's record, such as the observation of a lab's first up, can find the
 * daemons stopped under it by the last holder's down; after this, what it reads again is the
 * state that down left.
 */
export async function ovsSettled(): Promise<void> {
  if (fs.existsSync(paths().dir)) await withLock(async () => {});
}

/** Labs that hold nsnet's daemons. */
export function ovsUsers(): string[] {
  try {
    return fs.readdirSync(paths().users).sort();
  } catch {
    return [];
  }
}

/**
 * Drop `lab`'s record; when it was the last, stop nsnet's daemons by PID and remove their
 * state. Returns whether the daemons were stopped. Nothing happens for the host's OVS.
 */
export async function releaseOvs(lab: string): Promise<boolean> {
  if (!fs.existsSync(paths().dir)) return false;
  return withLock(async () => {
    const p = paths();
    fs.rmSync(join(p.users, lab), { force: true });
    if (ovsUsers().length > 0) return false;
    for (const d of ['ovs-vswitchd', 'ovsdb-server'] as const) {
      const pid = daemonPid(d);
      if (pid) await stopPid(pid);
    }
    for (const f of fs.readdirSync(p.dir)) if (f !== 'lock' && f !== 'users') fs.rmSync(join(p.dir, f), { force: true, recursive: true });
    return true;
  });
}
