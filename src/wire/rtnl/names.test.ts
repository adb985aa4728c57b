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
    const api = () => checkIfName(name, 'link');
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
  assert.match(ifnameProblem('x'.repeat(16))!, /16 bytes long \(at most 15\)/);
  assert.match(ifnameProblem('é'.repeat(8))!, /16 bytes/);
  assert.match(ifnameProblem('à')!, /white space/); // UTF-8 C3 A0: the kernel's isspace(0xa0)
  assert.equal(ifnameProblem('a\x01b'), undefined); // a control byte is not space to the kernel
  assert.equal(ifnameProblem('x'.repeat(127), 127), undefined);
});
