// The one interface-name rule (ifnameProblem: the kernel's dev_valid_name on UTF-8 bytes) and
// its users: api checkIfName, topology kernelNameProblem, the wire encoder. Random names built
// from the characters the rule is about; the seed is printed (NSNET_SEED=N replays).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ifnameProblem, checkIfname } from './ifla.js';
import { prng } from './testing.js';
import { ifNameProblem as apiRule, checkIfName } from '../../api/names.js';
import { kernelNameProblem } from '../../topology/names.js';

const SEED = Number(process.env.NSNET_SEED ?? Date.now() % 2 ** 31);
const ALPHABET = ['a', 'Z', '0', '-', '_', '.', '/', ':', ' ', '\t', '\n', '\x0b', '\x01', '\x7f', 'é', 'à', '\u00a0', '€', '😀'];

/** dev_valid_name() as the kernel's C reads it, byte by byte (lib/ctype.c isspace: 9-13, 32, 160). */
function kernelAccepts(name: string): boolean {
  const b = Buffer.from(name, 'utf8');
  if (b.length === 0 || b.length >= 16 || name === '.' || name === '..') return false;
  return !b.some((x) => x === 0 || x === 0x2f || x === 0x3a || (x >= 9 && x <= 13) || x === 32 || x === 0xa0);
}

test(`one interface-name rule, the same answer everywhere (seed ${SEED})`, (t) => {
  t.diagnostic(`seed ${SEED} (replay: NSNET_SEED=${SEED})`);
  const rnd = prng(SEED);
  for (let n = 0; n < 5000; n++) {
    const len = Math.floor(rnd() * 18);
    let name = Array.from({ length: len }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join('');
    if (rnd() < 0.05) name = rnd() < 0.5 ? '.' : '..';
    const ok = kernelAccepts(name);
    assert.equal(ifnameProblem(name) === undefined, ok, `seed ${SEED}: ${JSON.stringify(name)}`);
    assert.equal(apiRule(name) === undefined, ok);
    assert.equal(kernelNameProblem(name) === undefined, ok);
    const api = () => checkIfName(name, 'link name');
    const wire = () => checkIfname(name, 'link name');
    if (ok) {
      api();
      wire();
    } else {
      assert.throws(api, { code: 'INVALID_NAME' });
      assert.throws(wire, { code: 'BAD_VALUE' });
    }
  }
});

test('interface names: the kernel\'s edges', () => {
  assert.equal(ifnameProblem('x'.repeat(15)), undefined);
  assert.match(ifnameProblem('x'.repeat(16))!, /16 bytes long \(at most 15 bytes\)/);
  assert.match(ifnameProblem('é'.repeat(8))!, /16 bytes/);
  assert.match(ifnameProblem('à')!, /white space: byte 0xa0/); // UTF-8 C3 A0: the kernel's isspace(0xa0)
  assert.equal(ifnameProblem('a\x01b'), undefined); // a control byte is not space to the kernel
  assert.equal(ifnameProblem('x'.repeat(127), 127), undefined);
});

test('interface names: one clear message per problem, each with its own way on, no word said twice', () => {
  const cases: Array<[string, string, number, string, RegExp]> = [
    ['', 'link name', 15, 'invalid link name "": it is empty', /^choose a name of 1 to 15 bytes/],
    ['x'.repeat(16), 'link name', 15, `invalid link name "${'x'.repeat(16)}": it is 16 bytes long (at most 15 bytes)`, /^choose a name of at most 15 bytes and keep the long one as an altname$/],
    ['x'.repeat(128), 'altname', 127, `invalid altname "${'x'.repeat(128)}": it is 128 bytes long (at most 127 bytes)`, /^choose a name of at most 127 bytes$/],
    ['a/b', 'new link name', 15, 'invalid new link name "a/b": it contains \'/\'', /without '\/', ':' or white space$/],
    ['a:b', 'veth peer name', 15, 'invalid veth peer name "a:b": it contains \':\'', /without/],
    ['a b', 'link name', 15, 'invalid link name "a b": it contains white space: a space', /without/],
    ['a\tb', 'link name', 15, 'invalid link name "a\\tb": it contains white space: a tab', /without/],
    ['.', 'link name', 15, 'invalid link name ".": \'.\' is not a name the kernel allows (\'.\' and \'..\' are taken)', /without/],
    ['..', 'link name', 15, 'invalid link name "..": \'..\' is not a name the kernel allows (\'.\' and \'..\' are taken)', /without/],
  ];
  for (const [name, what, max, detail, hint] of cases) {
    let err: unknown;
    try {
      checkIfName(name, what, max);
    } catch (e) {
      err = e;
    }
    const e = err as { code: string; detail: string; hint: string; message: string };
    assert.equal(e.code, 'INVALID_NAME');
    assert.equal(e.detail, detail);
    assert.match(e.hint, hint);
    assert.doesNotMatch(e.message, /\b(\w+) \1\b/, `a word said twice: ${e.message}`);
    assert.equal(e.message.split('; ').length, 2, `one problem and one hint: ${e.message}`);
    assert.throws(() => checkIfname(name, 'link name', max), (w: Error) => w.message.includes(detail.slice(detail.indexOf(': ') + 2)));
  }
});
