// write.ts: the CLI's output straight to fd 1. A child process writes numbered lines through it
// to a reader that goes away (EPIPE: the child ends quietly with status 0), and to a pipe it made
// non-blocking that nobody reads at first (EAGAIN once the pipe is full: the rest goes through
// the stream, and the reader gets every line, in order). Checked to fail when EAGAIN is thrown
// instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const WRITE = new URL('./write.js', import.meta.url).href;
const LINES = 40_000; // ~0.5 MB: several times a pipe's 64 KiB
const expected = Array.from({ length: LINES }, (_, i) => `line ${i}`).join('\n') + '\n';
/**
 * The child. With `nonblocking` it first sets O_NONBLOCK on its fd 1 (libuv makes a spawned
 * child's stdio blocking; a parent that is not Node may hand over a non-blocking one).
 */
const child = (nonblocking: boolean): string => `import { out, write } from ${JSON.stringify(WRITE)};
if (${nonblocking}) {
  const { default: koffi } = await import('koffi');
  const fcntl = koffi.load('libc.so.6').func('int fcntl(int, int, int)');
  if (fcntl(1, 4 /* F_SETFL */, fcntl(1, 3 /* F_GETFL */, 0) | 0o4000 /* O_NONBLOCK */) !== 0) throw new Error('fcntl');
}
for (let i = 0; i < ${LINES}; i += 1000) out(Array.from({ length: 1000 }, (_, k) => 'line ' + (i + k)).join('\\n'));
// What write() says now: false once the reader has gone (the caller may stop), true while it reads.
process.stderr.write(write(1, 'one more\\n') ? 'done\\n' : 'done; the reader has gone\\n');`;

function run(stdout: 'pipe', nonblocking = false): { proc: ReturnType<typeof spawn>; done: Promise<{ code: number | null; stderr: string }> } {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', child(nonblocking)], { stdio: ['ignore', stdout, 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { proc, done: new Promise((resolve) => proc.on('close', (code) => resolve({ code, stderr }))) };
}

test('a reader that goes away after the first bytes: the writer stops quietly, status 0, and write() then says so', async () => {
  const { proc, done } = run('pipe');
  proc.stdout!.once('data', () => proc.stdout!.destroy());
  const r = await done;
  assert.equal(r.code, 0);
  assert.equal(r.stderr, 'done; the reader has gone\n');
});

test('a full non-blocking pipe (EAGAIN): the rest goes through the stream, every line arrives in order', async () => {
  const { proc, done } = run('pipe', true);
  // Nobody reads for a while: the child's first writes fill the pipe and the next one gets EAGAIN.
  proc.stdout!.pause();
  await new Promise((r) => setTimeout(r, 500));
  let got = '';
  proc.stdout!.on('data', (d: Buffer) => (got += d.toString()));
  proc.stdout!.resume();
  const r = await done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, 'done\n');
  assert.equal(got.length, expected.length + 'one more\n'.length);
  assert.ok(got === `${expected}one more\n`, 'every line, in order');
});
