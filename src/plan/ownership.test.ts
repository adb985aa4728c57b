import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markFor } from './observed.js';
import { hostLinkOwnership, mayBeOurs, namespaceOwnership } from './ownership.js';

test('a namespace: ours by the mark, another lab by its mark, taken back only when unmarked, in the journal and empty', () => {
  assert.deepEqual(namespaceOwnership('a', 'a', false, false), { is: 'ours' });
  assert.deepEqual(namespaceOwnership('a', 'b', true, true), { is: 'other-lab', lab: 'b' });
  assert.deepEqual(namespaceOwnership('a', undefined, true, true), { is: 'take-back' });
  assert.deepEqual(namespaceOwnership('a', undefined, true, false), { is: 'foreign' }, 'something was made in it: not clearly ours');
  assert.deepEqual(namespaceOwnership('a', undefined, false, true), { is: 'foreign' }, 'not in the journal');
  assert.equal(mayBeOurs('a', undefined, true), true);
  assert.equal(mayBeOurs('a', 'b', true), false);
  assert.equal(mayBeOurs('a', undefined, false), false);
});

test('a host link: ours by its ifalias; taken back only with no alias at all and named by the journal', () => {
  assert.deepEqual(hostLinkOwnership('a', markFor('a'), false), { is: 'ours' });
  assert.deepEqual(hostLinkOwnership('a', markFor('b'), true), { is: 'other-lab', lab: 'b' });
  assert.deepEqual(hostLinkOwnership('a', undefined, true), { is: 'take-back' });
  assert.deepEqual(hostLinkOwnership('a', 'uplink to the lab', true), { is: 'foreign' }, "someone's alias: not taken");
  assert.deepEqual(hostLinkOwnership('a', undefined, false), { is: 'foreign' });
});
