/**
 * The CLI's output: written straight to fd 1 or 2 (writeSync), not through process.stdout and
 * process.stderr. Those are streams, and the first touch of either loads Node's stream modules
 * (with net or tty): 2-3 ms of the wall time of a start that prints a line and ends (60
 * interleaved runs each, without NODE_EXTRA_CA_CERTS: `nsnet --help` 84.5 → 81.2 ms, `nsnet labs`
 * 90.6 → 88.4 ms, `nsnet netns list` 81.3 → 79.1 ms, with the bundle's built-ins required rather
 * than imported: scripts/bundle.mjs). Both ways are synchronous on Linux for files, pipes and terminals, so lines keep
 * their order with the few places that still write through the streams (a progress line, a
 * long-running command's events).
 *
 * A reader that went away (`nsnet -j link | head -1`: EPIPE) ends the output quietly, as ip's
 * does: write() returns false then and after, with no more syscalls, so a command that runs until
 * stopped (monitor, capture) stops on it, as ip monitor and tcpdump end on SIGPIPE; a descriptor another process left non-blocking (EAGAIN) hands the rest, and everything
 * after it, to the stream, which waits for room.
 */
import { fstatSync, writeSync } from 'node:fs';

/**
 * Once a descriptor was handed to its stream (EAGAIN), the rest of the output follows it there:
 * the stream queues what does not fit and writes it later, so a writeSync in between could land
 * first once the reader makes room.
 */
const handedOver = { 1: false, 2: false };

/** Whose reader went away (EPIPE): nothing more is written there. */
const readerGone = { 1: false, 2: false };

const streamOf = (fd: 1 | 2): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr);

/** From now on fd's output goes through its stream; a reader that leaves then shows as the stream's EPIPE. */
function handOver(fd: 1 | 2): void {
  handedOver[fd] = true;
  streamOf(fd).on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    readerGone[fd] = true;
  });
}

/** Where a test that runs main() in its own process reads the output instead (captureOutput). */
let capture: ((fd: 1 | 2, text: string) => void) | undefined;

/** @internal Send write()'s output to `fn` until the returned function is called (tests of main()). */
export function captureOutput(fn: (fd: 1 | 2, text: string) => void): () => void {
  capture = fn;
  return () => {
    capture = undefined;
  };
}

/**
 * Write `data` (text, or bytes such as pcapng) to fd 1 or 2: all of it, or as much as a reader
 * that went away took. False when the reader has gone (now or before): the caller may stop.
 */
export function write(fd: 1 | 2, data: string | Uint8Array): boolean {
  if (capture) {
    capture(fd, typeof data === 'string' ? data : Buffer.from(data).toString('latin1'));
    return true;
  }
  if (readerGone[fd]) return false;
  if (handedOver[fd]) {
    streamOf(fd).write(data);
    return true;
  }
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  let at = 0;
  while (at < b.length) {
    try {
      at += writeSync(fd, b, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        readerGone[fd] = true;
        return false;
      }
      if (code !== 'EAGAIN') throw e;
      handOver(fd);
      streamOf(fd).write(b.subarray(at));
      return true;
    }
  }
  return true;
}

/** A line (or lines) on standard output; a newline is added when missing. */
export const out = (s: string): void => void write(1, s.endsWith('\n') ? s : `${s}\n`);
/** A line (or lines) on standard error; a newline is added when missing. */
export const err = (s: string): void => void write(2, s.endsWith('\n') ? s : `${s}\n`);

/**
 * The width of the terminal on fd 1 or 2, or undefined when it is not one (help text is then
 * wrapped at commander's default). The stream is touched only when the fd is a character device
 * (a terminal, or /dev/null), so output to a pipe or a file loads no stream module.
 */
export function terminalColumns(fd: 1 | 2): number | undefined {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return undefined;
  } catch {
    return undefined;
  }
  const s = fd === 1 ? process.stdout : process.stderr;
  return s.isTTY ? s.columns : undefined;
}
