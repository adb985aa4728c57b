/**
 * `nsnet ui` as a user runs it (a child process), for the web tests and the torture section:
 * started on a free loopback port, its URL read from its first line, stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bin } from './lab.js';

export interface UiProcess {
  proc: ChildProcess;
  url: string;
  base: string;
  token: string;
  stderr(): string;
  /** SIGTERM (or another signal) and wait for the exit; its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumSkip: string | undefined = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (Debian package chromium)`;

/** The flags the browser tests launch chromium with (never a downloaded browser). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function startUiProcess(...args: string[]): Promise<UiProcess> {
  return startUiProcessWith([], ...args);
}

/** The same, with flags for node itself (e.g. --inspect to read the server's heap). */
export async function startUiProcessWith(nodeArgs: string[], ...args: string[]): Promise<UiProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, bin, 'ui', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NSNET_DEBUG: '1' } });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/\S+)\n/mu.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`nsnet ui exited ${code} before printing its URL: ${err}`)));
  });
  const u = new URL(url);
  const exited = new Promise<number | null>((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.once('exit', (code) => resolve(code));
  });
  return {
    proc,
    url,
    base: `${u.protocol}//${u.host}`,
    token: u.searchParams.get('token')!,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Whether a process is alive (kill 0 on its PID). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Poll `check` until it is true or `ms` pass; whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000, every = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, every));
  }
  return check();
}
