/**
 * Shared pieces of the torture suite: a seeded PRNG, child processes with a time bound, a
 * bounded-concurrency pool, open-fd counting, and where the repository and the CLI are.
 * The suite observes the kernel through iproute2 (`ip -j ...`), an oracle independent of the
 * code under test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** <repo>, found from this file whether it runs from test/torture or dist/test/torture. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'nsnet.js'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('torture: no package.json with bin/nsnet.js above this file');
    dir = up;
  }
}
export const ROOT = findRoot();
export const NSNET = join(ROOT, 'bin', 'nsnet.js');
/** dist/test/torture: where the compiled modules of this suite are (for child processes). */
export const HERE = dirname(fileURLToPath(import.meta.url));

// One deterministic PRNG for every reproducible test (mulberry32), shared with the wire tests.
export { prng } from '../../src/wire/rtnl/testing.js';

/** A per-case seed from the run's seed and the case number, so any case can be replayed alone. */
export function caseSeed(seed: number, i: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ i, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export const int = (rand: () => number, n: number): number => Math.floor(rand() * n);
export const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[int(rand, xs.length)]!;

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Killed by us because it ran past its time bound. */
  timedOut: boolean;
}

/** Run a command to completion (async), killing it with SIGKILL past `timeoutMs`. */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    let timedOut = false;
    const timer = opts.timeoutMs ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs) : undefined;
    child.on('error', (e) => err.push(Buffer.from(`spawn error: ${e.message}\n`)));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: performance.now() - t0, timedOut });
    });
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => {}); // a child that exits without reading its input
      child.stdin!.end(opts.input);
    }
  });
}

/** `node bin/nsnet.js ARGS` to completion. */
export const nsnet = (args: string[], timeoutMs = 120_000): Promise<Ran> => run(process.execPath, [NSNET, ...args], { timeoutMs });

/**
 * Start `node bin/nsnet.js ARGS` and SIGKILL it after `delayMs` (if it is still running).
 * Resolves when it has exited, with whether the kill landed before it finished.
 */
export function nsnetKilledAfter(args: string[], delayMs: number): Promise<Ran & { killed: boolean }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [NSNET, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let killed = false;
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) {
        killed = child.kill('SIGKILL');
      }
    }, delayMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: performance.now() - t0, timedOut: false, killed: killed && signal === 'SIGKILL' });
    });
  });
}

/** Synchronous command; throws with its stderr when it fails. */
export function sh(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}
/** Synchronous command; its exit status and output, never throws. */
export function shTry(cmd: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error?.message ?? '') };
}

/** Run `fn` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Open fds of this process, from /proc/self/fd (the directory's own fd, opened to read it, excluded). */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length - 1;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The reason the kernel parts of the suite cannot run here, or undefined. */
export function kernelUnavailable(): string | undefined {
  if (process.env.NSNET_NO_KERNEL) return `no kernel access: ${process.env.NSNET_NO_KERNEL}`;
  if (process.env.NSNET_SANDBOX !== '1') return 'the torture suite touches the kernel and runs only inside the sandbox (npm run torture)';
  return undefined;
}

/** Short hex of a buffer for reports. */
export const hex = (b: Uint8Array, max = 96): string => {
  const h = Buffer.from(b).toString('hex');
  return h.length > max * 2 ? `${h.slice(0, max * 2)}…(${b.length} bytes)` : h;
};
