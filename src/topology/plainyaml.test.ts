// The fast reader of plain YAML (plainyaml.ts) as a property: on random documents written in
// many styles (tricky scalars, quotes, comments, indents, compact sequences), whatever it
// answers is exactly what the full reader (source.ts, the yaml library) reads, in the same key
// order, and the full reader finds no error or warning there. The seed is printed;
// NSNET_SEED=N replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../wire/rtnl/testing.js';
import { readPlainYaml } from './plainyaml.js';
import { readYaml } from './source.js';

const SEED = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);

/** Scalars that the core schema reads in different ways, or that YAML treats specially. */
const TOKENS = [
  'h1', 'eth0', 'br0', 'h1:eth0', '10.0.0.1/16', 'fe80::1/64', '00:11:22:33:44:55', 'default', 'a b', 'a  b', 'x-y_z.w',
  'true', 'True', 'TRUE', 'false', 'yes', 'no', 'on', 'off', '~', 'null', 'Null', 'NULL', '', ' ', '0', '7', '42', '007',
  '-1', '+1', '1.5', '.5', '1.', '1e3', '1E-3', '.inf', '-.Inf', '.nan', '0x1F', '0o17', '0b1', '12345678901234567890',
  '#x', 'a #b', 'a#b', 'a: b', 'a:b', 'a:', ':a', '-x', '- x', '-', '--', '---', '...', '?x', '? x', ',a', 'a,b', '[a]', '{a}',
  '&a', '*a', '!x', '!!str', '|', '>', '@x', '`x', '%x', '<<', '__proto__', 'constructor', "it's", 'say "hi"', 'é', '日本',
  'a\\b', 'tab\there', 'x\u2028y', 'x\u0085y', 'x\u00a0y',
];

function quoteStyle(rnd: () => number, s: string): string {
  const r = rnd();
  if (r < 0.6) return s;
  if (r < 0.8) return `'${s.replaceAll("'", "''")}'`;
  return `"${s}"`;
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
/** Mostly the first dozen tokens (ordinary names and addresses), sometimes any. */
const token = (rnd: () => number): string => pick(rnd, rnd() < 0.8 ? TOKENS.slice(0, 12) : TOKENS);

/** A random block document (lines), `depth` levels deep at most, indented by `ind`. */
function block(rnd: () => number, depth: number, ind: number, step: number, out: string[]): void {
  const pad = ' '.repeat(ind);
  const n = 1 + Math.floor(rnd() * 4);
  const asSeq = rnd() < 0.35;
  for (let i = 0; i < n; i++) {
    const comment = rnd() < 0.1 ? ` # ${token(rnd)}` : '';
    if (rnd() < 0.05) out.push(rnd() < 0.5 ? '' : `${pad}# ${token(rnd)}`);
    const head = asSeq ? `${pad}-` : `${pad}${quoteStyle(rnd, rnd() < 0.7 ? `k${Math.floor(rnd() * 6)}` : token(rnd))}:`;
    const r = rnd();
    if (depth > 0 && r < 0.35) {
      if (asSeq && rnd() < 0.4) {
        // "- key: value" then the rest of that mapping lined up with key
        const sub: string[] = [];
        block(rnd, depth - 1, ind + 2, step, sub);
        if (sub[0]?.startsWith(`${' '.repeat(ind + 2)}k`) || sub[0]?.trimStart().match(/^[^-]/u)) sub[0] = `${pad}- ${sub[0]!.trimStart()}`;
        else sub.unshift(`${pad}-`);
        out.push(...sub);
        continue;
      }
      out.push(head + comment);
      const sameIndentSeq = !asSeq && rnd() < 0.3;
      block(rnd, depth - 1, sameIndentSeq ? ind : ind + step, step, out);
    } else if (r < 0.5) {
      const items = Array.from({ length: Math.floor(rnd() * 4) }, () => quoteStyle(rnd, token(rnd)));
      out.push(`${head} [${items.join(rnd() < 0.5 ? ', ' : ',')}]${comment}`);
    } else if (r < 0.55) {
      out.push(`${head} {}${comment}`);
    } else if (r < 0.6) {
      out.push(head + comment);
    } else {
      out.push(`${head} ${quoteStyle(rnd, token(rnd))}${comment}`);
    }
  }
}

function compare(text: string, what: string): boolean {
  const fast = readPlainYaml(text);
  if (!fast) return false;
  const full = readYaml(text);
  assert.deepEqual(full.errors, [], `${what}: the fast reader accepted a document the full reader rejects:\n${text}`);
  assert.deepEqual(full.warnings, [], `${what}: the full reader warns:\n${text}`);
  assert.deepEqual(fast.value, full.value, `${what}:\n${text}`);
  assert.equal(JSON.stringify(fast.value), JSON.stringify(full.value), `${what}: key order:\n${text}`);
  return true;
}

test(`the fast reader reads what the full reader reads, or declines (seed ${SEED})`, () => {
  console.log(`seed ${SEED} (NSNET_SEED=${SEED} replays it)`);
  const rnd = prng(SEED);
  let accepted = 0;
  const runs = 3000;
  for (let k = 0; k < runs; k++) {
    const lines: string[] = [];
    block(rnd, 3, 0, 1 + Math.floor(rnd() * 4), lines);
    if (compare(lines.join('\n') + (rnd() < 0.5 ? '\n' : ''), `run ${k}`)) accepted++;
  }
  console.log(`the fast reader read ${accepted} of ${runs} documents, declined the rest`);
  // The subset is what matters in practice: a good share of random documents stay in it.
  assert.ok(accepted > runs / 10, `only ${accepted} of ${runs} documents were read by the fast reader`);
});

test('the benchmark files and the examples are read alike, or declined', () => {
  const hosts = Array.from({ length: 300 }, (_, i) => `  h${i + 1}:\n    interfaces:\n      eth0:\n        addresses: [10.0.${i >> 8}.${i & 255}/16]\n`).join('');
  const links = Array.from({ length: 300 }, (_, i) => `  - [h${i + 1}:eth0, br0]\n`).join('');
  assert.ok(compare(`# a star\nname: star\nprefix: "nb-"\nnodes:\n${hosts}bridges:\n  br0: {}\nlinks:\n${links}`, 'star'));
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'examples');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) compare(readFileSync(join(dir, f), 'utf8'), f);
});

test('outside the subset the fast reader declines', () => {
  for (const text of ['a: &x 1\nb: *x\n', 'a: |\n  text\n', 'a: {b: 1}\n', 'a: 1\na: 2\n', 'a:\n\tb: 1\n', '---\na: 1\n', 'a: b\n  c\n', 'a: 1.5\n', 'a: "x\\ty"\n', '<<: {}\n', '']) {
    assert.equal(readPlainYaml(text), undefined, JSON.stringify(text));
  }
});
