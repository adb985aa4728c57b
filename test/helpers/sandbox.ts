/**
 * Per-file isolation for kernel tests. Call `isolate(import.meta.url)` at the top of an
 * integration test file, before any test(): the file then re-runs itself inside a fresh
 * sandbox of its own (new network and mount namespaces, private /run and /sys, made by
 * scripts/sandbox.mjs --fresh), so test files running in parallel never see each other's
 * namespaces or links, and nothing can leak onto the host. The re-run child inherits stdout,
 * so node:test's runner reads its results as the file's own.
 *
 * `kernelSkip` is the reason kernel tests must skip here, or undefined when they can run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

export function isolate(fileUrl: string): void {
  const file = fileURLToPath(fileUrl);
  if (process.env.NSNET_ISOLATED === file) return;
  if (process.env.NSNET_NO_KERNEL || process.env.NSNET_SANDBOX !== '1') return; // tests skip themselves
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'sandbox.mjs'), '--fresh', process.execPath, ...process.execArgv, file], {
    stdio: 'inherit',
    env: { ...process.env, NSNET_ISOLATED: file },
  });
  process.exit(r.status ?? 1);
}

export const kernelSkip: string | undefined = process.env.NSNET_NO_KERNEL
  ? `no kernel access: ${process.env.NSNET_NO_KERNEL}`
  : process.env.NSNET_SANDBOX !== '1'
    ? 'kernel tests run only inside the test sandbox (npm test)'
    : undefined;

/** Whether a command exists on PATH (for tests that need ping, nft, ...). */
export function haveCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
