/**
 * The command line's V8 heap: its young generation stays at its first size (1 MB semi-spaces)
 * instead of growing to V8's default 16 MB ones. `nsnet up` of the 1000-node star kept ~16 MB
 * of live objects but its young generation grew to 32 MB of the 108 MB peak RSS; with this the
 * peak is 77 MB at the same CPU time (both measured A/B, see the commit that added this file).
 *
 * --max-semi-space-size would say it, but only on node's command line, before the heap is made
 * (the bin is run as `node bin/nsnet.js`, and a second process to pass it costs a Node start).
 * The growth factor is read each time the young generation would grow, so it can be set from
 * here: 1 means "grow by nothing". (V8 raises a factor below 2 given on the command line to 2
 * when it makes the heap; 0 would crash it.) Only the CLI does this, in main(), for the commands
 * that build, read or watch labs; the library never changes its host's V8 flags. node:v8 loads
 * here, when it is needed: loading it is ~10M instructions, a tenth of a bare Node start.
 */
export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

export async function keepYoungGenerationSmall(): Promise<void> {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString(YOUNG_GENERATION_FLAG);
}
