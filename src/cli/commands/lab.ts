/**
 * The lab commands: plan, up, down, status, exec (and schema; graph is in lab-graph.ts, labs in labs.ts). Thin: load the file,
 * call src/apply, render text or JSON. main.ts registers them only when one of them is asked for.
 *
 * Exit status: 0 done, 1 error (invalid file, refusal, kernel error), 2 usage error.
 * Errors are printed here, one line each, on stderr; validation issues and refusals as
 * `file:line:column: path: message`.
 */
import type { Command } from 'commander';
import { count } from '../count.js';
import { cliMessage } from '../message.js';
import { printJson, wantJson, type JsonOpt } from '../json-opt.js';
import { err, out } from '../write.js';

class Usage extends Error {
  override name = 'UsageError';
}

/** Run a command body; print expected errors as lines and set the exit status. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (e) {
      process.exitCode = await report(e);
    }
  };
}

/** Print an error as nsnet does (one line per problem) and return the exit status. */
async function report(e: unknown): Promise<number> {
  const { TopologyError, RefusedError, ApplyError } = await import('../../apply/index.js');
  const { formatIssue } = await import('../../topology/parse.js');
  if (e instanceof Usage) {
    err(`nsnet: ${e.message}`);
    return 2;
  }
  if (e instanceof TopologyError) {
    for (const i of e.issues) err(formatIssue(i));
    err(`nsnet: ${count(e.issues.length, 'problem')} in the topology; nothing was changed`);
    return 1;
  }
  if (e instanceof ApplyError && applyFile.has(e)) {
    // A kernel refusal halfway: the object, its place in the file, and what to do next.
    const { file, spec } = applyFile.get(e)!;
    const { pathOfAction } = await import('../../plan/index.js');
    // In the command line's words: the kernel's refusal inside it, and the way on.
    err(await locateRefusal({ code: e.code, message: cliMessage(e), path: pathOfAction(spec, e.action) ?? [] }, file));
    return 1;
  }
  if (e instanceof RefusedError) {
    const file = refusalFile.get(e);
    for (const r of e.refusals) err(await locateRefusal(r, file));
    err(`nsnet: lab ${e.lab}: nothing was changed`);
    return 1;
  }
  const expected = e instanceof Error && /Error$/.test(e.name) && e.name !== 'Error' && e.name !== 'TypeError' && e.name !== 'RangeError';
  err(`nsnet: ${expected ? cliMessage(e) : `internal error: ${cliMessage(e)} (set NSNET_DEBUG=1 for details)`}`);
  if (process.env.NSNET_DEBUG === '1' && e instanceof Error && e.stack) err(e.stack);
  return 1;
}

const refusalFile = new WeakMap<object, string>();
const applyFile = new WeakMap<object, { file: string; spec: import('../../topology/model.js').LabSpec }>();

/** A refusal or warning of a plan, or an error already worded: what to locate and print. */
type Locatable = { path: (string | number)[]; code: string } & ({ message: string } | Pick<import('../../plan/actions.js').Refusal, 'detail' | 'hint'>);

/** "file:line:col: path: message" for a refusal (what to do in nsnet's commands), when it comes from a file we can read. */
async function locateRefusal(r: Locatable, file: string | undefined, prefix = ''): Promise<string> {
  const { formatIssue } = await import('../../topology/parse.js');
  const { refusalText } = await import('../../plan/render.js');
  const message = prefix + ('message' in r ? r.message : refusalText(r, 'cli'));
  const issue: { code: string; message: string; path: (string | number)[]; file?: string; line?: number; column?: number } = { code: r.code, message, path: r.path };
  if (file !== undefined) {
    issue.file = file;
    try {
      const { readFileSync } = await import('node:fs');
      const { readYaml } = await import('../../topology/source.js');
      const p = readYaml(readFileSync(file, 'utf8')).locate(r.path);
      if (p) {
        issue.line = p.line;
        issue.column = p.column;
      }
    } catch {
      /* the file changed or went away: no position */
    }
  }
  return formatIssue(issue);
}

async function loadLab(file: string) {
  const { Lab } = await import('../../apply/index.js');
  const { formatIssue } = await import('../../topology/parse.js');
  const lab = Lab.load(file);
  for (const w of lab.warnings) err(formatIssue({ ...w, message: `warning: ${w.message}` }));
  return lab;
}

/**
 * The validated lab of a file for `up`: from the cache when the file is byte for byte the one
 * validated last time (no parser, no validator: see topology/speccache.ts), else loaded and
 * validated, then remembered.
 */
async function specOfFile(file: string): Promise<{ spec: import('../../topology/model.js').LabSpec; file: string }> {
  const { resolve } = await import('node:path');
  const { cachedSpec, rememberSpec } = await import('../../topology/speccache.js');
  const abs = resolve(file);
  const { bytes, hit } = cachedSpec(abs);
  const warn = async (ws: readonly import('../../topology/parse.js').TopologyIssue[]): Promise<void> => {
    if (!ws.length) return;
    const { formatIssue } = await import('../../topology/issues.js');
    for (const w of ws) err(formatIssue({ ...w, message: `warning: ${w.message}` }));
  };
  if (hit) {
    await warn(hit.warnings);
    return { spec: hit.spec, file: abs };
  }
  // Only the reading of the file: the code that applies a lab loads after (its own phase).
  const { loadLabFile } = await import('../../apply/labfile.js');
  const lab = loadLabFile(file);
  await warn(lab.warnings);
  if (bytes) rememberSpec(abs, bytes, { spec: lab.spec, warnings: lab.warnings });
  return { spec: lab.spec, file: abs };
}

/** The lab a command is about: from FILE, from --lab NAME, or the only lab on this host. */
async function pickLab(file: string | undefined, name: string | undefined, what: string) {
  const { Lab, listRecords } = await import('../../apply/index.js');
  if (file !== undefined && name !== undefined) throw new Usage(`${what}: give FILE or --lab NAME, not both`);
  if (file !== undefined) return loadLab(file);
  if (name !== undefined) return Lab.byName(name);
  const labs = listRecords();
  if (labs.length === 1) return Lab.byName(labs[0]!);
  throw new Usage(`${what}: give a topology FILE or --lab NAME (${await labsHere()})`);
}

/**
 * The name a topology file gives on its top-level `name:` line (or a JSON object's name), read
 * without parsing the whole file; undefined when it is not plainly there.
 */
async function quickLabName(file: string): Promise<string | undefined> {
  const { readFileSync } = await import('node:fs');
  const { LAB_NAME_RE } = await import('../../topology/names.js');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (/^\s*\{/u.test(text)) {
    try {
      const name = (JSON.parse(text) as { name?: unknown }).name;
      return typeof name === 'string' && LAB_NAME_RE.test(name) ? name : undefined;
    } catch {
      return undefined;
    }
  }
  if (/^---/mu.test(text)) return undefined; // several documents: let the parser say
  const found = [...text.matchAll(/^name:[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#'"]+))[ \t]*(?:#[^\n]*)?$/gmu)];
  if (found.length !== 1) return undefined;
  const name = found[0]![1] ?? found[0]![2] ?? found[0]![3];
  return name !== undefined && LAB_NAME_RE.test(name) ? name : undefined;
}

/**
 * The lab name of FILE, for down. When the lab's record says it was built from this very file,
 * the record is what down goes by (as with --lab), so the file is not validated again: for a big
 * lab that parse costs more than the down. Otherwise a file that does not validate is refused
 * like anywhere else: nothing is taken down on the word of a broken (or hostile) file; the
 * message says how to take the lab down by name instead.
 */
async function labNameOfFile(file: string): Promise<string> {
  const quick = await quickLabName(file);
  if (quick !== undefined) {
    const { resolve } = await import('node:path');
    const { readRecord } = await import('../../apply/records.js');
    let recorded: string | undefined;
    try {
      recorded = readRecord(quick)?.file;
    } catch {
      recorded = undefined;
    }
    if (recorded !== undefined && recorded === resolve(file)) return quick;
  }
  const { TopologyError } = await import('../../apply/index.js');
  try {
    return (await loadLab(file)).name;
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    const { readFileSync } = await import('node:fs');
    const { readYaml } = await import('../../topology/source.js');
    const { LAB_NAME_RE } = await import('../../topology/names.js');
    let name: unknown;
    try {
      name = (readYaml(readFileSync(file, 'utf8')).value as { name?: unknown } | undefined)?.name;
    } catch {
      name = undefined;
    }
    if (typeof name === 'string' && LAB_NAME_RE.test(name)) {
      err(`nsnet: ${file} has problems, so nothing is taken down on its word; to take lab ${name} down as its record knows it: nsnet down --lab ${name}`);
    }
    throw e;
  }
}

/** A single updating line on a terminal (stderr); nothing when stderr is not a terminal. */
function progressLine(): { update(p: { done: number; total: number; action: { op: string; target: string } }): void; clear(): void } {
  if (!process.stderr.isTTY) return { update() {}, clear() {} };
  let last = 0;
  let shown = false;
  const width = () => Math.max(20, (process.stderr.columns || 80) - 1);
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 80 && p.done !== p.total) return;
      last = now;
      shown = true;
      const line = `[${p.done}/${p.total}] ${p.action.op} ${p.action.target}`;
      process.stderr.write(`\r\x1b[K${line.slice(0, width())}`);
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

const lockWait = (lab: string) => (pid: number | undefined) =>
  err(`nsnet: lab ${lab} is busy: waiting for ${pid ? `process ${pid}` : 'another process'} (an up or down of the same lab), at most 60 s...`);

/** The lab commands, each registered by its own function below. */
const LAB_COMMANDS: Record<string, (program: Command) => void> = {
  plan: registerPlan, up: registerUp, down: registerDown, status: registerStatus, exec: registerExec, schema: registerSchema,
};

/** Register the lab command `name` (the one asked for: commander builds no other). */
export function registerLabCommand(name: string, program: Command): void {
  const register = LAB_COMMANDS[name];
  if (!register) throw new Error(`internal: no lab command ${JSON.stringify(name)}`);
  register(program);
}

/** Print a plan's warnings (they do not stop up) located in the file. */
async function printWarnings(plan: import('../../plan/actions.js').Plan, file: string): Promise<void> {
  for (const w of plan.warnings ?? []) err(await locateRefusal(w, file, 'warning: '));
}

/** Print a plan's refusals located in the file; the exit status of a plan that up would refuse. */
async function printRefusals(plan: import('../../plan/actions.js').Plan, file: string): Promise<number> {
  for (const r of plan.refusals) err(await locateRefusal(r, file));
  err(`nsnet: lab ${plan.lab}: up would refuse (${count(plan.refusals.length, 'problem')})`);
  return 1;
}

function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show what "up" would change, each action with its reason')
    .argument('<file>', 'topology file (YAML or JSON)')
    .option('-j, --json', 'print the plan as JSON')
    .action(action(async (file: string, _o: JsonOpt, cmd: Command) => {
      const lab = await loadLab(file);
      const { renderPlan } = await import('../../plan/index.js');
      const plan = await lab.plan();
      await printWarnings(plan, file);
      if (wantJson(cmd)) printJson(plan);
      else if (!plan.refusals.length) out(renderPlan(plan, 'cli'));
      if (!plan.refusals.length) return;
      if (!wantJson(cmd) && plan.actions.length) out(renderPlan({ ...plan, refusals: [] }, 'cli'));
      return printRefusals(plan, file);
    }));
}

function registerUp(program: Command): void {
  program
    .command('up')
    .description('build the lab, or change it to match the file (only what differs)')
    .argument('<file>', 'topology file (YAML or JSON)')
    .option('-j, --json', 'print the result as JSON')
    .option('--dry-run', 'show the plan, change nothing')
    .option('--profile', 'print where the time went (start-up, file, observe, plan, each action kind, kernel waits, CPU, peak RSS) on stderr')
    .option('--workers <n>', 'threads that build a big lab (default 1: no worker thread)', parseWorkers)
    .action(action(async (file: string, o: JsonOpt & { dryRun?: boolean; profile?: boolean; workers?: number }, cmd: Command) => {
      if (o.dryRun) {
        const lab = await loadLab(file);
        const { renderPlan } = await import('../../plan/render.js');
        const plan = await lab.plan();
        await printWarnings(plan, file);
        if (wantJson(cmd)) printJson(plan);
        else out(renderPlan(plan, 'cli'));
        return plan.refusals.length ? printRefusals(plan, file) : undefined;
      }
      const profile = o.profile ? await startProfile() : undefined;
      const crew = await crewForFile(file, o.workers);
      let lab: Awaited<ReturnType<typeof specOfFile>>;
      let loaded: typeof import('../../apply/apply.js');
      try {
        lab = profile ? await profile.timeAsync('read and validate the file', () => specOfFile(file)) : await specOfFile(file);
        const load = () => import('../../apply/apply.js');
        loaded = profile ? await profile.timeAsync('load the apply code', load) : await load();
      } catch (e) {
        await crew?.close(); // a bad file: the workers started on a guess end here, or they would keep the process alive
        throw e;
      }
      const { upLab, RefusedError, ApplyError } = loaded;
      const bar = progressLine();
      try {
        const r = await upLab(lab.spec, { file: lab.file, profile, onProgress: (p) => bar.update(p), lock: { onWait: lockWait(lab.spec.name) }, ...(o.workers !== undefined ? { workers: o.workers } : {}), ...(crew ? { crew } : {}) });
        bar.clear();
        await printWarnings(r.plan, file);
        if (profile) await printProfile(profile);
        const size = `${count(r.size.nodes, 'node')}, ${count(r.size.links, 'link')}`;
        if (wantJson(cmd)) {
          const { plan, ...rest } = r;
          printJson({ ...rest, refusals: plan.refusals });
        } else if (r.noop) {
          out(`lab ${r.lab} is up to date (${size}): nothing to do`);
        } else {
          out(`lab ${r.lab} is up: ${count(r.actions.length, 'action')} (${r.counts.added} added, ${r.counts.changed} changed, ${r.counts.removed} removed) in ${(r.ms / 1000).toFixed(2)} s; ${size}`);
        }
      } catch (e) {
        bar.clear();
        if (e instanceof RefusedError) refusalFile.set(e, file);
        if (e instanceof ApplyError) applyFile.set(e, { file, spec: lab.spec });
        throw e;
      }
    }));
}

/**
 * Worker threads started before a big file is read (8 KiB or more: some 64 nodes), so that
 * their start-up is hidden behind reading and validating it; up uses them or stops them.
 */
async function crewForFile(file: string, workers: number | undefined): Promise<import('../../apply/crew.js').Crew | undefined> {
  const { statSync } = await import('node:fs');
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    return undefined; // reading it says what is wrong
  }
  if (size < 8192) return undefined;
  const { Crew, defaultWorkers } = await import('../../apply/crew.js');
  const n = workers ?? defaultWorkers();
  return n > 1 ? new Crew(n - 1) : undefined;
}

/** --workers N: a whole number from 1 to 64. */
function parseWorkers(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 64) throw new Usage(`--workers: expected a whole number from 1 to 64, got ${JSON.stringify(v)}`);
  return n;
}

/** A profile whose clock starts with the process; the commands' own loading is its first span. */
async function startProfile(): Promise<import('../../apply/profile.js').Profile> {
  const started = (await import('../started.js')).startedMs();
  const { Profile } = await import('../../apply/profile.js');
  const p = new Profile(started);
  p.add('load the command', (performance.now() - started) / 1000);
  return p;
}

async function printProfile(p: import('../../apply/profile.js').Profile): Promise<void> {
  const { renderProfile } = await import('../../apply/profile.js');
  err(renderProfile(p.report()));
}

/** "labs on this host: a, b" or "no lab is up on this host". */
async function labsHere(): Promise<string> {
  const { listRecords } = await import('../../apply/labdir.js');
  const labs = listRecords();
  return labs.length ? `labs on this host: ${labs.join(', ')}` : 'no lab is up on this host';
}

function registerDown(program: Command): void {
  program
    .command('down')
    .description('remove everything the lab made (and restore what it changed on the host)')
    .argument('[file]', 'topology file of the lab')
    .option('--lab <name>', 'the lab by name (from nsnet labs)')
    .option('-j, --json', 'print the result as JSON')
    .option('--dry-run', 'show what down would remove and restore, change nothing')
    .action(action(async (file: string | undefined, o: JsonOpt & { lab?: string; dryRun?: boolean }, cmd: Command) => {
      // Only what down needs is loaded (not the topology parser).
      const { downLab, planDownFor } = await import('../../apply/down.js');
      if (file !== undefined && o.lab !== undefined) throw new Usage('down: give FILE or --lab NAME, not both');
      let name = o.lab;
      if (file !== undefined) name = await labNameOfFile(file);
      if (name === undefined) throw new Usage(`down: give the lab's topology FILE or --lab NAME (${await labsHere()})`);
      if (o.dryRun) {
        const plan = await planDownFor(name);
        if (wantJson(cmd)) printJson(plan);
        else out((await import('../../plan/render.js')).renderDownPlan(plan));
        return;
      }
      const r = await downLab(name, { lock: { onWait: lockWait(name) } });
      if (wantJson(cmd)) printJson(r);
      else if (r.nothing) out(`lab ${name}: nothing to remove (no record and no object with its mark on this host)`);
      else {
        const parts = [count(r.namespaces.length, 'namespace')];
        if (r.links.length) parts.push(count(r.links.length, 'host link'));
        if (r.bridges.length) parts.push(count(r.bridges.length, 'OVS bridge'));
        out(`lab ${name} is down: removed ${[parts.slice(0, -1).join(', '), parts.at(-1)].filter(Boolean).join(' and ')}${r.restored.length ? `; restored ${r.restored.join(', ')}` : ''} in ${(r.ms / 1000).toFixed(2)} s`);
        for (const s of r.skipped) err(`nsnet: left alone: ${s}`);
      }
    }));
}

/**
 * What a script needs from status: undefined when the lab is up and matches its file, else the
 * line that says why not (exit status 1).
 */
export function statusProblem(s: { lab: string; state: string; file?: string; inSync: boolean; drift: unknown[]; refusals: unknown[] }): string | undefined {
  const again = `nsnet up ${s.file ?? 'FILE'}`;
  if (s.state === 'down') return `lab ${s.lab} is not up; build it with: ${again}`;
  if (s.state === 'applying') return `lab ${s.lab} is not up: an up is running or was interrupted; run ${again} once it has ended`;
  if (s.state === 'failed') return `lab ${s.lab} is not up: its last up failed; fix the cause, then run ${again}`;
  if (!s.inSync) return `lab ${s.lab} has drifted from its file: ${count(s.drift.length + s.refusals.length, 'difference')}; ${again} applies the file again`;
  return undefined;
}

function registerStatus(program: Command): void {
  program
    .command('status')
    .description("show the lab's nodes, links, addresses, routes and any drift from the file; exit 1 unless it is up and in sync")
    .argument('[file]', 'topology file of the lab')
    .option('--lab <name>', 'the lab by name (from nsnet labs)')
    .option('-j, --json', 'print the status as JSON')
    .action(action(async (file: string | undefined, o: JsonOpt & { lab?: string }, cmd: Command) => {
      const lab = await pickLab(file, o.lab, 'status');
      const { renderStatus } = await import('../status-text.js');
      const s = await lab.status();
      if (wantJson(cmd)) printJson(s);
      else out(renderStatus(s));
      const problem = statusProblem({ ...s, file: file ?? s.file });
      if (problem === undefined) return 0;
      err(`nsnet: ${problem}`);
      return 1;
    }));
}

/** The lab that has `node` (--lab when given); a namespace that is no lab's node is sent to netns exec. */
async function labOfNode(node: string, labName: string | undefined) {
  const { Lab, listRecords, readRecord } = await import('../../apply/index.js');
  if (labName !== undefined) return Lab.byName(labName);
  const have = listRecords().filter((n) => (readRecord(n)?.spec ?? readRecord(n)?.pending)?.nodes.some((x) => x.name === node));
  if (have.length > 1) throw new Usage(`exec: node ${node} is in labs ${have.join(', ')}; choose one with: nsnet exec --lab NAME ${node} CMD...`);
  if (have.length === 1) return Lab.byName(have[0]!);
  const { existsSync } = await import('node:fs');
  if (existsSync(`/run/netns/${node}`) && !node.includes('/')) {
    throw new Usage(`exec: namespace ${node} is not a node of any lab on this host; to run a command in a plain namespace: nsnet netns exec ${node} CMD...`);
  }
  throw new Usage(`exec: no lab on this host has a node ${JSON.stringify(node)} (see nsnet labs)`);
}

function registerExec(program: Command): void {
  program
    .command('exec')
    .description('run a command in a lab node, as ip netns exec does: nsnet exec NODE CMD...')
    .usage('[--lab NAME] NODE CMD [ARGS...]')
    .argument('<node>', 'node name')
    .argument('<cmd...>', 'the command and its arguments (everything after the node; "--" before it is allowed)')
    .option('--lab <name>', 'the lab the node is in (needed when several labs have that node)')
    .passThroughOptions()
    .allowUnknownOption()
    .action(action(async (node: string, words: string[], o: { lab?: string }) => {
      const cmd = words[0] === '--' ? words.slice(1) : words;
      if (!cmd.length) throw new Usage(`exec: give the command to run in ${node}: nsnet exec ${node} CMD...`);
      const ns = (await labOfNode(node, o.lab)).netnsOf(node);
      const { execInNetns } = await import('../exec-in.js');
      return execInNetns(ns, cmd);
    }));
}

function registerSchema(program: Command): void {
  program
    .command('schema')
    .description("print the topology file's JSON Schema (for editors)")
    .action(action(async () => {
      const { topologyJsonSchema } = await import('../../topology/schema.js');
      printJson(topologyJsonSchema());
    }));
}
