import { spawn, type ChildProcess } from 'node:child_process';
import { NsnetError } from '../kernel/errors.js';
import type { Handle } from './handle.js';
import type { ExecOptions, ExecResult } from './types.js';

/**
 * Start a command in the handle's namespace.
 * - A named namespace runs through `ip netns exec NAME`, which gives the environment users
 *   expect from it: a private mount namespace with the namespace's own /sys and
 *   /etc/netns/NAME/* bound over /etc.
 * - The host namespace runs the command directly.
 * - An unnamed namespace (a PID's): the main thread enters it just for the fork, so the
 *   child starts inside it (no /sys or /etc changes).
 */
export function spawnIn(h: Handle, cmd: string[], opts: ExecOptions & { stdio?: 'pipe' | 'inherit' } = {}): ChildProcess {
  if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((c) => typeof c !== 'string')) {
    throw new NsnetError('INVALID_COMMAND', 'exec needs a command as a non-empty list of strings', h.label);
  }
  const o = { env: opts.env ?? process.env, cwd: opts.cwd, stdio: opts.stdio ?? 'pipe' } as const;
  if (h.name !== undefined) return spawn('ip', ['netns', 'exec', h.name, ...cmd], o);
  if (h.isHost) return spawn(cmd[0]!, cmd.slice(1), o);
  return h.inside(() => spawn(cmd[0]!, cmd.slice(1), o));
}

/** Run a command to completion in the handle's namespace, collecting its output. */
export function runExec(h: Handle, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawnIn(h, cmd, opts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new NsnetError((e as NodeJS.ErrnoException).code ?? 'EXEC', `cannot run ${cmd[0]} in ${h.label}: ${e.message}`, h.label));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code, signal });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}
