/**
 * Where nsnet keeps its run-time state: $NSNET_RUN_DIR, else /run/nsnet (a tmpfs, so nothing
 * outlives a reboot). Labs' records and locks (apply/state.ts) and the validated-spec cache
 * (topology/speccache.ts) live under it. Read on each call, so a test can point it elsewhere.
 */
export function runDir(): string {
  return process.env.NSNET_RUN_DIR || '/run/nsnet';
}
