/**
 * When nsnet's own code started, in milliseconds since the process did (Node's start-up and the
 * loading of bin/nsnet.js before it). main.ts imports this first, so it is read before any other
 * module of nsnet is evaluated; `up --profile` reports it.
 */
export const STARTED_MS = performance.now();
