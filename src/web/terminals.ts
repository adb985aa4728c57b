/**
 * Shells in lab nodes on a pseudo-terminal (node-pty), as `nsnet exec NODE -- bash` gives:
 * `ip netns exec NETNS bash`. Every shell the server starts is listed here and ends with its
 * page (the WebSocket closes), with its node's namespace (the lab goes down, or the namespace is
 * replaced by a new one of the same name) and with the server (closeAll, and on process exit).
 * Shells are ended by their own PID (SIGHUP, then SIGKILL to its process group if it lingers).
 */
import type { IPty } from 'node-pty';
import { netnsFile, netnsIdentity, sameNetnsFile, type NetnsIdentity } from '../api/netns-files.js';

export interface Shell {
  readonly pid: number;
  readonly netns: string;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  onData(fn: (data: string) => void): void;
  onExit(fn: (e: { code: number; signal?: number; reason?: string }) => void): void;
  /** End the shell (idempotent); `reason` is passed to onExit listeners. */
  end(reason?: string): void;
}

const KILL_GRACE_MS = 2000;

export class Shells {
  private readonly live = new Map<number, { shell: Shell; identity: NetnsIdentity }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly onProcessExit = () => this.killAllNow();

  constructor(private readonly pollMs = 500) {
    process.on('exit', this.onProcessExit);
  }

  get count(): number {
    return this.live.size;
  }

  pids(): number[] {
    return [...this.live.keys()];
  }

  /** Start a shell in NETNS (which must exist now). */
  async open(netns: string, cols: number, rows: number): Promise<Shell> {
    const file = netnsFile(netns);
    if (file === undefined) throw new Error(`namespace ${netns} does not exist (is the lab up?)`);
    const pty = await import('node-pty');
    const spawn = (pty as unknown as { default?: typeof pty }).default?.spawn ?? pty.spawn;
    const p: IPty = spawn('ip', ['netns', 'exec', netns, 'bash'], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: process.env.HOME ?? '/',
      env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>,
    });
    const shell = this.wrap(p, netns);
    this.live.set(p.pid, { shell, identity: netnsIdentity(file) });
    this.watch();
    return shell;
  }

  private wrap(p: IPty, netns: string): Shell {
    const exits: ((e: { code: number; signal?: number; reason?: string }) => void)[] = [];
    let ended = false;
    let reason: string | undefined;
    let killer: NodeJS.Timeout | undefined;
    p.onExit(({ exitCode, signal }) => {
      ended = true;
      if (killer) clearTimeout(killer);
      this.live.delete(p.pid);
      for (const fn of exits) fn({ code: exitCode, ...(signal ? { signal } : {}), ...(reason ? { reason } : {}) });
    });
    const signal = (pid: number, sig: NodeJS.Signals) => {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    };
    return {
      pid: p.pid,
      netns,
      write: (d) => !ended && p.write(d),
      resize: (c, r) => !ended && p.resize(c, r),
      pause: () => !ended && p.pause(),
      resume: () => !ended && p.resume(),
      onData: (fn) => p.onData(fn),
      onExit: (fn) => exits.push(fn),
      end: (why) => {
        if (ended || killer) return;
        reason = why;
        signal(p.pid, 'SIGHUP');
        killer = setTimeout(() => signal(-p.pid, 'SIGKILL'), KILL_GRACE_MS);
        killer.unref();
      },
    };
  }

  /** While shells run, end those whose namespace is gone or replaced. */
  private watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const { shell, identity } of this.live.values()) {
        const now = netnsFile(shell.netns);
        if (!now || !sameNetnsFile(identity, now)) shell.end(`namespace ${shell.netns} is gone (the lab went down)`);
      }
      if (this.live.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, this.pollMs);
    this.timer.unref();
  }

  /** End every shell and wait (at most a few seconds) until they are gone. */
  async closeAll(): Promise<void> {
    const waits = [...this.live.values()].map(({ shell }) => new Promise<void>((resolve) => {
      shell.onExit(() => resolve());
      shell.end('the ui server stops');
    }));
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, KILL_GRACE_MS + 500).unref())]);
    this.killAllNow();
    process.off('exit', this.onProcessExit);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Synchronous last resort (process exit): SIGKILL every shell's process group by its PID. */
  private killAllNow(): void {
    for (const pid of this.live.keys()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}
