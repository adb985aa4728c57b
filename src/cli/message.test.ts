import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelError } from '../kernel/errors.js';
import { LabError } from '../apply/errors.js';
import { ApplyError } from '../apply/runner.js';
import type { Action } from '../plan/actions.js';
import { cliMessage } from './message.js';

// The library names its own calls; the command line names its commands. Both wordings, from the same errors.

test('a refusal halfway through up: the library says lab.up()/lab.down(), the command line nsnet up/down, each with the kernel\'s hint in its words', () => {
  const cause = new KernelError(17, 'add address 10.0.1.10/24 on link eth0', 'in namespace h1', undefined, {
    EEXIST: { lib: 'delete it first (addr.del)', cli: 'delete it first (nsnet -n h1 addr del 10.0.1.10/24 dev eth0)' },
  });
  const action = { op: 'add-address', target: 'address 10.0.1.10/24 on h1:eth0', reason: 'new', netns: 'h1', dev: 'eth0', cidr: '10.0.1.10/24' } as Action;
  const e = new ApplyError('router', action, 1, cause);
  assert.equal(e.code, 'EEXIST', 'the cause\'s code, for callers that test it');
  assert.doesNotMatch(e.message, /nsnet /);
  assert.match(e.message, /^lab router: add-address address 10\.0\.1\.10\/24 on h1:eth0 failed: add address .*\(EEXIST\); delete it first \(addr\.del\); 1 action done before it; fix the cause and call lab\.up\(\) again to finish, or lab\.down\(\) to remove what was made$/);
  assert.equal(cliMessage(e),
    'lab router: add-address address 10.0.1.10/24 on h1:eth0 failed: add address 10.0.1.10/24 on link eth0 in namespace h1: already exists (EEXIST); '
    + 'delete it first (nsnet -n h1 addr del 10.0.1.10/24 dev eth0); 1 action done before it; fix the cause and run nsnet up again to finish, or nsnet down to remove what was made');
  // Counts in the right number.
  assert.match(cliMessage(new ApplyError('router', action, 3, cause)), /; 3 actions done before it;/);
});

test('lab errors: the library names its calls, the command line its commands (with the lab\'s name)', () => {
  const cases: Array<[LabError, string, string]> = [
    [new LabError('BAD_RECORD', 'gamma', 'the record of lab gamma (/run/nsnet/gamma.json) is not valid JSON'),
      "the record of lab gamma (/run/nsnet/gamma.json) is not valid JSON; move it away; lab.down() still finds the lab's objects by their marks",
      "the record of lab gamma (/run/nsnet/gamma.json) is not valid JSON; move it away; nsnet down --lab gamma still finds the lab's objects by their marks"],
    [new LabError('NO_LAB', 'nosuch', 'lab nosuch is not up on this host (no record)'),
      'lab nosuch is not up on this host (no record); build it first with Lab.load(file).up() (or Lab.from(topology).up())',
      'lab nosuch is not up on this host (no record); list labs with nsnet labs'],
    [new LabError('DOWN_STUCK', 'router', 'lab router: 1 device(s) with its mark are still in the host namespace after 5 s (r-eth0)'),
      "lab router: 1 device(s) with its mark are still in the host namespace after 5 s (r-eth0); a process may hold one of its namespaces open; stop it, then call Lab.byName('router').down() again",
      'lab router: 1 device(s) with its mark are still in the host namespace after 5 s (r-eth0); a process may hold one of its namespaces open; stop it, then run nsnet down --lab router again'],
    [new LabError('LINK_STUCK', 'router', 'link r-h1 is still there 5 s after its peer\'s namespace was deleted', { object: 'link r-h1' }),
      'link r-h1 is still there 5 s after its peer\'s namespace was deleted; a process may hold that namespace open; call lab.up() again once it is gone',
      'link r-h1 is still there 5 s after its peer\'s namespace was deleted; a process may hold that namespace open; run nsnet up again once it is gone'],
  ];
  for (const [e, lib, cli] of cases) {
    assert.equal(e.message, lib);
    assert.equal(e.messageFor('lib'), lib);
    assert.equal(cliMessage(e), cli);
  }
});

test('a link stuck during down says to run down again, not up', () => {
  const e = new LabError('LINK_STUCK', 'router', 'link r-h1 is still there 5 s after its peer\'s namespace was deleted', { object: 'link r-h1', during: 'down' });
  assert.equal(e.object, 'link r-h1');
  assert.match(e.message, /call Lab\.byName\('router'\)\.down\(\) again once it is gone$/);
  assert.match(cliMessage(e), /run nsnet down --lab router again once it is gone$/);
  assert.doesNotMatch(`${e.message} ${cliMessage(e)}`, /up/);
});

test('a refusal halfway whose cause has no hint of its own: the way on only', () => {
  const action = { op: 'set-sysctl', target: 'sysctl net.ipv4.x in r1', reason: 'new' } as unknown as Action;
  const e = new ApplyError('router', action, 0, new Error('boom'));
  assert.equal(e.code, 'APPLY');
  assert.equal(e.detail, 'lab router: set-sysctl sysctl net.ipv4.x in r1 failed: boom');
  assert.equal(e.message, 'lab router: set-sysctl sysctl net.ipv4.x in r1 failed: boom; 0 actions done before it; fix the cause and call lab.up() again to finish, or lab.down() to remove what was made');
  assert.equal(e.messageFor('cli'), 'lab router: set-sysctl sysctl net.ipv4.x in r1 failed: boom; 0 actions done before it; fix the cause and run nsnet up again to finish, or nsnet down to remove what was made');
});

test('errors without a command-line wording print as they are, on one line', () => {
  assert.equal(cliMessage(new Error('one\n  two')), 'one two');
  assert.equal(cliMessage('plain'), 'plain');
  assert.equal(cliMessage(new KernelError(19, 'find', 'link x', undefined, { ENODEV: { lib: 'link.list()', cli: 'nsnet link show' } })), 'find link x: no such device (ENODEV); nsnet link show');
});
