/**
 * The kernel captures in test/golden/ (written by scripts/capture-golden.mjs), for the wire
 * decoders' unit tests. Kept out of src/wire, which does no I/O.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessages, type NlMsg } from '../../src/wire/nlmsg.js';

/** <repo>/test/golden, found from here whether this runs from test/helpers or dist/test/helpers. */
function findGoldenDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'test', 'golden');
    const up = dirname(dir);
    if (up === dir) throw new Error('golden: no package.json above this file');
    dir = up;
  }
}
export const goldenDir = findGoldenDir();

export interface Golden {
  /** Raw bytes of each message, one per line of NAME.hex. */
  raw: Buffer[];
  msgs: NlMsg[];
  ip: unknown;
}

/** Load test/golden/NAME.hex (comment lines start with '#'; one message per line) and NAME.ip.json. */
export function loadGolden(name: string): Golden {
  const raw = readFileSync(join(goldenDir, `${name}.hex`), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => Buffer.from(l, 'hex'));
  const msgs = raw.map((b) => {
    const ms = parseMessages(b);
    if (ms.length !== 1) throw new Error(`golden ${name}: a line holds ${ms.length} messages, expected 1`);
    return ms[0]!;
  });
  return { raw, msgs, ip: JSON.parse(readFileSync(join(goldenDir, `${name}.ip.json`), 'utf8')) };
}

export function readGoldenJson(file: string): unknown {
  return JSON.parse(readFileSync(join(goldenDir, file), 'utf8'));
}
