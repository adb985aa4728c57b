/**
 * When nsnet's own code started, since the process did (Node's start-up and the loading of
 * bin/nsnet.js before it). main.ts imports this first, so it is read before any other module of
 * nsnet is evaluated; `up --profile` reports it.
 *
 * Read with process.uptime(), not performance.now(): the `performance` global loads Node's
 * perf_hooks modules on first use (~3 ms of a 70 ms `nsnet --help`), which only a profile needs.
 */
const STARTED_UPTIME_MS = process.uptime() * 1e3;

/**
 * The same moment on performance.now()'s clock, in milliseconds. Both clocks count from the
 * process's start, their origins ~1 ms apart; the difference is taken now, when a profile asks.
 */
export function startedMs(): number {
  return STARTED_UPTIME_MS + (performance.now() - process.uptime() * 1e3);
}
