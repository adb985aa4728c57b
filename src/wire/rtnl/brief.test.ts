/**
 * decodeLinkBrief and decodeAddrBrief (what observing a lab reads) give the same fields as the
 * full decoders: on the golden kernel captures, and on random corruptions of them (when the full
 * decoder accepts a message the brief one gives its fields; the brief one never throws anything
 * but a WireError, and it may accept a message whose skipped attributes are broken).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../errors.js';
import { parseMessages, type NlMsg } from '../nlmsg.js';
import { decodeAddr, decodeAddrBrief } from './addr.js';
import { decodeLink, decodeLinkBrief } from './link.js';
import { loadGolden } from '../../../test/helpers/golden.js';
import { prng } from './testing.js';

const LINK_KEYS = ['index', 'name', 'flags', 'altnames', 'mtu', 'address', 'master', 'link', 'linkNetnsId', 'alias', 'kind', 'info'] as const;
const ADDR_KEYS = ['family', 'index', 'prefixLen', 'address', 'scope'] as const;

function pick(o: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if ((o as Record<string, unknown>)[k] !== undefined) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

const cases = [
  { name: 'links', keys: LINK_KEYS, full: decodeLink as (m: NlMsg) => object, brief: decodeLinkBrief as (m: NlMsg) => object },
  { name: 'addrs', keys: ADDR_KEYS, full: decodeAddr as (m: NlMsg) => object, brief: decodeAddrBrief as (m: NlMsg) => object },
];

for (const c of cases) {
  test(`golden ${c.name}: the brief decoder gives the full decoder's fields`, () => {
    const g = loadGolden(c.name);
    assert.ok(g.msgs.length > 3);
    for (const m of g.msgs) assert.deepEqual(c.brief(m), pick(c.full(m), c.keys));
  });

  test(`golden ${c.name}, randomly corrupted: same fields whenever the full decoder accepts, else a WireError at most`, () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const rand = prng(seed);
    const g = loadGolden(c.name);
    let same = 0;
    for (const raw of g.raw) {
      for (let i = 0; i < 200; i++) {
        const b = Buffer.from(raw);
        for (let k = 0; k < 1 + (i % 3); k++) {
          const at = 16 + Math.floor(rand() * (b.length - 16));
          b[at] = i % 2 ? Math.floor(rand() * 256) : (b[at]! + 1 + Math.floor(rand() * 8)) & 0xff;
        }
        let msgs: NlMsg[];
        try {
          msgs = parseMessages(b);
        } catch (e) {
          assert.ok(e instanceof WireError, `seed ${seed}: ${(e as Error).message}`);
          continue;
        }
        for (const m of msgs) {
          let full: object | undefined;
          let brief: object | undefined;
          try {
            full = c.full(m);
          } catch (e) {
            assert.ok(e instanceof WireError, `seed ${seed}: full decoder: ${(e as Error).message}`);
          }
          try {
            brief = c.brief(m);
          } catch (e) {
            assert.ok(e instanceof WireError, `seed ${seed}: brief decoder: ${(e as Error).message}`);
          }
          if (full === undefined) continue;
          assert.deepEqual(brief, pick(full, c.keys), `seed ${seed}`);
          same++;
        }
      }
    }
    assert.ok(same > 100, `seed ${seed}: only ${same} corrupted messages decoded`);
  });
}
