// Errors end with what to do, in the caller's words (issue 12): the library's name library calls
// (`route.list()`, `Lab.byName('x').down()`), never an `nsnet` command; the command line's end
// with the nsnet command to run. Walks the hint tables, the api's per-request hints (through a
// handle whose socket refuses every request with a chosen errno), the lab errors, the plan's
// refusals and warnings, and, as a guard on what is not walked, the library's source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Handle } from '../src/api/handle.js';
import { ERRNO_HINTS, hintOf, KernelError, NsnetError, type Hint } from '../src/kernel/errors.js';
import { kernelRefusal, type Ctx, type NetlinkSocket } from '../src/kernel/socket.js';
import { errnoName } from '../src/wire/nlmsg.js';
import { LAB_HINTS, LabError, type LabCode } from '../src/apply/errors.js';
import { ApplyError } from '../src/apply/runner.js';
import { RefusedError } from '../src/apply/apply.js';
import type { Action, Plan } from '../src/plan/actions.js';
import { planLab } from '../src/plan/plan.js';
import { refusalText, renderPlan } from '../src/plan/render.js';
import { ifnameIssue } from '../src/wire/rtnl/ifla.js';
import { LINK_MODULES, TC_MODULES, moduleHint } from '../src/kernel/modules.js';
import { routerLab, SimKernel, starLab } from './helpers/sim.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');

/** An nsnet command line in a text: "nsnet up", "nsnet -n blue addr del ...". */
const COMMANDS = 'plan|up|down|status|labs|exec|graph|monitor|ui|map|impair|link-down|link-up|capture|schema|link|addr|address|route|neigh|netns|sysctl';
const NSNET_COMMAND = new RegExp(`\\bnsnet (-n \\S+ )?(${COMMANDS})\\b`);

/** The library's words: no nsnet command, and (when there is a hint) ending with it. */
function libWords(message: string, hint: string | undefined, what: string): void {
  assert.doesNotMatch(message, NSNET_COMMAND, `${what}: the library's message names an nsnet command: ${message}`);
  if (hint !== undefined) assert.ok(message.endsWith(`; ${hint}`), `${what}: ends with what to do: ${message}`);
}

/** The command line's words: a hint that is there, and the message ends with it. */
function cliWords(message: string, hint: string | undefined, what: string): void {
  assert.ok(hint && hint.trim().length > 3, `${what}: the command line gets something to do: ${message}`);
  assert.ok(message.endsWith(`; ${hint}`), `${what}: ends with what to do: ${message}`);
}

/** Both wordings of one hint: the library's names no command; where they differ, the command line's names one. */
function bothWords(h: Hint, what: string): void {
  assert.doesNotMatch(h.lib, NSNET_COMMAND, `${what}: lib hint names an nsnet command: ${h.lib}`);
  assert.ok(h.lib.trim() && h.cli.trim(), `${what}: empty hint`);
  if (h.lib !== h.cli) assert.match(h.cli, NSNET_COMMAND, `${what}: the command line's own wording names no nsnet command: ${h.cli}`);
}

/** Both wordings of an error. */
function errorWords(e: NsnetError, what: string): void {
  libWords(e.message, e.hints?.lib, what);
  assert.equal(e.messageFor('lib'), e.message);
  cliWords(e.messageFor('cli'), e.hints?.cli, what);
}

test('the errno hint table: each hint in both wordings, and every KernelError built on it', () => {
  for (const [code, h] of Object.entries(ERRNO_HINTS)) {
    bothWords(hintOf(h), code);
    const errno = errnoNumber(code);
    const e = new KernelError(errno, 'add', 'link x');
    assert.equal(e.code, code, `errnoName(${errno}) is the table's name`);
    errorWords(e, code);
  }
});

function errnoNumber(code: string): number {
  for (let n = 1; n < 200; n++) if (errnoName(n) === code) return n;
  throw new Error(`no errno named ${code}`);
}

test('95 is EOPNOTSUPP (the kernel\'s name), 11 EAGAIN: code, text and hint agree', () => {
  assert.equal(errnoName(95), 'EOPNOTSUPP');
  assert.equal(errnoName(11), 'EAGAIN');
  const e = new KernelError(95, 'create', 'vxlan vx0', 'Unknown device type');
  assert.equal(e.code, 'EOPNOTSUPP');
  assert.match(e.message, /^create vxlan vx0: Unknown device type \(EOPNOTSUPP\); this kernel lacks the feature: load the module .*\(modprobe\)/);
  assert.match(new KernelError(95, 'add', 'x').message, /operation not supported \(EOPNOTSUPP\)/);
});

test('modprobe hints name the module of each kind nsnet makes', () => {
  assert.equal(moduleHint('vxlan'), 'load its module (modprobe vxlan), or use a kernel built with it');
  assert.equal(LINK_MODULES.vlan, '8021q');
  assert.equal(TC_MODULES.netem, 'sch_netem');
  assert.match(moduleHint(undefined), /modprobe/);
});

/** A handle on "namespace h1" whose kernel refuses every request with `errno`; link names resolve to 3. */
function refusing(errno: number, extack?: string): Handle {
  const sock = {
    request(_msg: Buffer, ctx: Ctx) {
      throw kernelRefusal(errno, ctx, extack);
    },
  } as unknown as NetlinkSocket;
  const h = new Handle('h1', -1, sock, false, 'namespace h1');
  Object.assign(h.link, { index: (d: string | number) => (typeof d === 'number' ? d : 3) });
  return h;
}

async function refusal(p: Promise<unknown>): Promise<NsnetError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof NsnetError, String(e));
    return e;
  }
  throw new Error('no error');
}

test('the api\'s requests: each refusal ends with what to do, in each caller\'s words', async () => {
  const cases: Array<[string, NsnetError, RegExp, RegExp]> = [
    ['route add via an unreachable gateway', await refusal(refusing(101).route.add({ to: '10.5.0.0/16', via: '10.9.9.9' })),
      /\(ENETUNREACH\); the gateway is on no subnet of a link here that is up: add an address on its subnet \(addr\.add\) and bring that link up first/,
      /\(ENETUNREACH\); .*\(nsnet -n h1 addr add CIDR dev DEV\) and bring that link up \(nsnet -n h1 link set DEV up\) first/],
    ['route del of a missing route', await refusal(refusing(3).route.del({ to: '10.6.0.0/16' })),
      /\(ESRCH\); there is no such route: route\.list\(\) shows the routes there are$/,
      /\(ESRCH\); there is no such route: nsnet -n h1 route show lists the routes there are$/],
    ['route add on a link that is down', await refusal(refusing(100, 'Nexthop device is not up').route.add({ to: '10.8.0.0/16', dev: 'eth1' })),
      /Nexthop device is not up \(ENETDOWN\); bring the link up first \(link\.set\('eth1', \{ up: true \}\)\)$/,
      /\(ENETDOWN\); bring the link up first \(nsnet -n h1 link set eth1 up\)$/],
    ['addr add of an address the link has', await refusal(refusing(17).addr.add('eth0', '10.0.0.1/24')),
      /\(EEXIST\); the link has it already: delete it first \(addr\.del\) or change it with addr\.replace\(\)$/,
      /\(EEXIST\); the link has it already: delete it first \(nsnet -n h1 addr del 10\.0\.0\.1\/24 dev eth0\) or change it with nsnet -n h1 addr replace$/],
    ['link add of a name that is taken', await refusal(refusing(17).link.add({ kind: 'bridge', name: 'br0' })),
      /\(EEXIST\); a link of that name is there already: choose another name, or delete it first \(link\.del\('br0'\)\)$/,
      /\(EEXIST\); a link of that name is there already: choose another name, or delete it first \(nsnet -n h1 link del br0\)$/],
    ['link add of a kind the kernel lacks', await refusal(refusing(95, 'Unknown device type').link.add({ kind: 'vxlan', name: 'vx0', id: 42 })),
      /Unknown device type \(EOPNOTSUPP\); this kernel has no vxlan device type: load its module \(modprobe vxlan\), or use a kernel built with it$/,
      /\(modprobe vxlan\)/],
    ['link add of a kind, no extended ack', await refusal(refusing(95).link.add({ kind: 'vlan', name: 'v10', parent: 'eth0', id: 10 })),
      /no vlan support \(EOPNOTSUPP\); this kernel has no vlan device type: load its module \(modprobe 8021q\)/, /\(modprobe 8021q\)/],
    ['qdisc add of a kind the kernel lacks', await refusal(new (await import('../src/api/qdisc.js')).Qdiscs(refusing(2, 'Specified qdisc kind is unknown')).add('eth0', { kind: 'netem', delay: '10ms' })),
      /\(ENOENT\); this kernel has no netem qdisc: load its module \(modprobe sch_netem\)/, /modprobe sch_netem/],
  ];
  for (const [what, e, lib, cli] of cases) {
    errorWords(e, what);
    assert.match(e.message, lib, what);
    assert.match(e.messageFor('cli'), cli, what);
  }
  // A duplicate address is to be deleted, not renamed.
  assert.doesNotMatch(cases[3]![1].messageFor('cli'), /choose another name/);
  assert.doesNotMatch(cases[3]![1].message, /choose another name/);
});

test('lab errors: every code, going up and going down', () => {
  for (const code of Object.keys(LAB_HINTS) as LabCode[]) {
    for (const during of ['up', 'down'] as const) {
      const e = new LabError(code, 'router', `lab router: ${code}`, { during });
      errorWords(e, `${code} during ${during}`);
      bothWords(e.hints!, code);
    }
  }
  assert.doesNotMatch(new LabError('LINK_STUCK', 'router', 'stuck', { during: 'down' }).messageFor('cli'), /nsnet up/);
});

test('a refusal halfway through up: step, cause and way on, each in the caller\'s words, with or without a hint of the cause', () => {
  const action = { op: 'add-route', target: 'route 10.5.0.0/16 via 10.9.9.9 in h1', reason: 'new' } as unknown as Action;
  const causes: unknown[] = [
    new KernelError(101, 'add', 'route 10.5.0.0/16 via 10.9.9.9 in namespace h1', undefined, { ENETUNREACH: { lib: 'add an address (addr.add)', cli: 'add an address (nsnet -n h1 addr add)' } }),
    new KernelError(22, 'add', 'route x'),
    new Error('a plain error'),
    'a string',
  ];
  for (const cause of causes) {
    const e = new ApplyError('router', action, 2, cause);
    errorWords(e, `ApplyError of ${String(cause)}`);
    assert.match(e.message, /; 2 actions done before it; fix the cause and call lab\.up\(\) again to finish, or lab\.down\(\) to remove what was made$/);
    assert.match(e.messageFor('cli'), /; 2 actions done before it; fix the cause and run nsnet up again to finish, or nsnet down to remove what was made$/);
  }
});

/** Plans with every kind of refusal and warning the sim can set up. */
function refusingPlans(): Plan[] {
  const plans: Plan[] = [];
  let k = new SimKernel();
  k.addNs('r1');
  plans.push(planLab(routerLab(), k.observe(routerLab()))); // FOREIGN_NETNS
  k = new SimKernel();
  k.addNs('h3', 'other');
  k.hostLink({ name: 'br0', kind: 'bridge', up: true });
  plans.push(planLab(starLab(3), k.observe(starLab(3)))); // OTHER_LAB, FOREIGN_LINK
  const up1 = starLab(2, 'up1');
  up1.uplinks = [{ kind: 'bridge', bridge: 'br0', nic: 'eth9' }];
  k = new SimKernel();
  plans.push(planLab(up1, k.observe(up1))); // MISSING_NIC
  k.hostLink({ name: 'eth9', up: false, master: 'docker0' });
  k.hostLink({ name: 'docker0', kind: 'bridge', up: true });
  plans.push(planLab(up1, k.observe(up1))); // NIC_IN_USE
  const nat = starLab(2, 'up2');
  nat.uplinks = [{ kind: 'nat', bridge: 'br0', subnets: ['10.0.0.0/16'] }];
  k = new SimKernel();
  k.nft = false;
  plans.push(planLab(nat, k.observe(nat))); // NO_NFT
  const carries = starLab(1, 'up3');
  carries.uplinks = [{ kind: 'bridge', bridge: 'br0', nic: 'eth1' }];
  k = new SimKernel();
  k.hostLink({ name: 'eth1', kind: undefined, up: true, mtu: 1500 });
  const o = k.observe(carries);
  Object.assign(o.host.nics.eth1!, { defaultRoute: true });
  o.host.nets = [{ dev: 'eth0', cidr: '10.0.200.1/24' }];
  plans.push(planLab(carries, o)); // NIC_CARRIES_HOST, HOST_SUBNET_OVERLAP
  const impaired = routerLab();
  impaired.nodes.find((n) => n.name === 'r1')!.interfaces.find((i) => i.name === 'eth1')!.impair = { delay: '20ms' };
  k = new SimKernel();
  plans.push(planLab(impaired, k.observe(impaired))); // KERNEL_FEATURE
  return plans;
}

test('plan refusals and warnings: the library\'s words name no command, the command line\'s end with one', () => {
  const plans = refusingPlans();
  const codes = new Set<string>();
  for (const p of plans) {
    for (const r of [...p.refusals, ...(p.warnings ?? [])]) {
      codes.add(r.code);
      bothWords(r.hint, `${r.code} ${r.object}`);
      libWords(refusalText(r), r.hint.lib, r.code);
      libWords(refusalText(r, 'lib'), r.hint.lib, r.code);
      cliWords(refusalText(r, 'cli'), r.hint.cli, r.code);
    }
    assert.doesNotMatch(renderPlan(p), NSNET_COMMAND, 'the plan as the library renders it');
    if (p.refusals.length) {
      const e = new RefusedError(p.lab, p.refusals);
      assert.doesNotMatch(e.message, NSNET_COMMAND);
      for (const r of p.refusals) assert.ok(e.messageFor('cli').includes(refusalText(r, 'cli')));
    }
  }
  assert.deepEqual([...codes].sort(), ['FOREIGN_LINK', 'FOREIGN_NETNS', 'HOST_SUBNET_OVERLAP', 'KERNEL_FEATURE', 'MISSING_NIC', 'NIC_CARRIES_HOST', 'NIC_IN_USE', 'NO_NFT', 'OTHER_LAB']);
});

test('interface names: every problem has its own hint, with no command in it', () => {
  for (const name of ['', 'x'.repeat(16), 'a/b', 'a:b', 'a b', '.', '..', 'a\0b', 'à']) {
    const i = ifnameIssue(name)!;
    assert.ok(i, name);
    assert.doesNotMatch(`${i.problem}; ${i.hint}`, NSNET_COMMAND);
    assert.match(i.hint, /^choose a name/);
  }
});

/** The non-test TypeScript files under the library's layers. */
function libraryFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.startsWith('testing.')) out.push(p);
    }
  };
  for (const layer of ['kernel', 'api', 'topology', 'plan', 'apply']) walk(join(root, 'src', layer));
  return out;
}

test('the library\'s source: an nsnet command in a string appears only in a cli: wording', () => {
  // "nsnet -n h1 ..." also comes from nsnetIn(h) as `${n}`: that too only after cli:.
  const command = new RegExp(`${NSNET_COMMAND.source}|\\$\\{n\\} (${COMMANDS})\\b|\\$\\{nsnetIn\\(`);
  const wrong: string[] = [];
  for (const f of libraryFiles()) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const t = line.trim();
      if (t.startsWith('*') || t.startsWith('//') || t.startsWith('/*')) return; // comments
      const code = line.replace(/\s\/\/ .*$/, '');
      const m = command.exec(code);
      if (!m) return;
      const cli = code.lastIndexOf('cli:', m.index);
      if (cli < 0 || /\blib:/.test(code.slice(cli, m.index))) wrong.push(`${relative(root, f)}:${i + 1}: ${t}`);
    });
  }
  // Descriptions of the file format for editors (JSON Schema) name the commands that act on a field: not errors.
  const schemaDocs = (w: string) => w.startsWith('src/topology/zodshapes.ts:');
  assert.deepEqual(wrong.filter((w) => !schemaDocs(w)), []);
});
