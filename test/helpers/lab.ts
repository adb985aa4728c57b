/**
 * What the lab integration tests share: the nsnet CLI run as a child process, iproute2 as the
 * independent witness of kernel state, and the reason to skip when a tool is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haveCommand, kernelSkip } from './sandbox.js';

export const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
export const bin = join(root, 'bin', 'nsnet.js');
export const examples = join(root, 'examples');

/** Why lab tests cannot run here (no kernel, no ip, no ping), or undefined. */
export const labSkip: string | undefined =
  kernelSkip ?? (haveCommand('ip') ? (haveCommand('ping') ? undefined : 'ping is not installed') : 'iproute2 (ip) is not installed');

/** `nsnet ARGS...` as a user runs it. */
export function nsnet(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NSNET_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `nsnet ARGS...`, asserting exit 0; its stdout. */
export function ok(...args: string[]): string {
  const r = nsnet(...args);
  assert.equal(r.code, 0, `nsnet ${args.join(' ')} exited ${r.code}: ${r.err}${r.out}`);
  return r.out;
}

export const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
export const ipj = <T>(...args: string[]): T => JSON.parse(ip('-j', ...args) || '[]') as T;
export const namespaces = (): string[] => (existsSync('/run/netns') ? readdirSync('/run/netns').sort() : []);
export const ping = (ns: string, addr: string): boolean => spawnSync('ip', ['netns', 'exec', ns, 'ping', '-c1', '-W2', addr]).status === 0;
