/**
 * The differential convergence check: for a seed, a random lab A and a random edit B of it;
 * `up A; up B` must leave the same kernel state as `down; up B` (read with iproute2, kernel.ts),
 * and `plan B` must then be empty. Runs inside the test sandbox, where it makes a stand-in
 * uplink NIC (WAN, a veth to a namespace with the host's default route) for NAT uplinks.
 *
 * Replay one case: NSNET_CONVERGE_SEED=N (the integration test and the torture section read it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { stringify } from 'yaml';
import { downLab, planFor, upLab } from '../../src/apply/index.js';
import { refusalText } from '../../src/plan/render.js';
import { validateTopology } from '../../src/topology/index.js';
import type { TopologyInput } from '../../src/topology/schema.js';
import { prng } from '../../src/wire/rtnl/testing.js';
import { randomEdit, randomLab } from './gen.js';
import { diff, labNamespaces, settle, snapshot } from './kernel.js';
import { LAB, PREFIX, render, WAN } from './model.js';

const WAN_NS = 'cvwan';

export interface CaseResult {
  seed: number;
  edits: string[];
  a: TopologyInput;
  b: TopologyInput;
  /** Empty when the case converged. */
  problems: string[];
}

/** The stand-in uplink: WAN in the sandbox's root namespace, the default route through it. */
export function makeWan(): void {
  if (spawnSync('ip', ['link', 'show', WAN], { stdio: 'ignore' }).status === 0) return;
  const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'ignore' });
  ip('netns', 'add', WAN_NS);
  ip('link', 'add', WAN, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', WAN_NS);
  ip('addr', 'add', '192.0.2.1/24', 'dev', WAN);
  ip('link', 'set', WAN, 'up');
  ip('-n', WAN_NS, 'addr', 'add', '192.0.2.254/24', 'dev', 'eth0');
  ip('-n', WAN_NS, 'link', 'set', 'eth0', 'up');
  ip('route', 'replace', 'default', 'via', '192.0.2.254');
}

export function removeWan(): void {
  spawnSync('ip', ['route', 'del', 'default', 'via', '192.0.2.254'], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', WAN], { stdio: 'ignore' });
  spawnSync('ip', ['netns', 'del', WAN_NS], { stdio: 'ignore' });
}

const msg = (e: unknown): string => ((e as Error)?.message ?? String(e)).split('\n').slice(0, 4).join(' | ');

/** Bring the lab down; a problem when that fails or leaves namespaces. */
async function down(problems: string[], when: string): Promise<void> {
  try {
    await downLab(LAB);
  } catch (e) {
    problems.push(`down ${when} failed: ${msg(e)}`);
  }
  const left = labNamespaces(PREFIX);
  if (left.length) {
    problems.push(`down ${when} left namespaces ${left.join(' ')}`);
    for (const ns of left) spawnSync('ip', ['netns', 'del', ns]);
  }
}

async function upAndLook(spec: TopologyInput, what: string, problems: string[]): Promise<string[] | undefined> {
  const r = validateTopology(spec);
  if (!r.ok) throw new Error(`generator bug: ${what} is not a valid file: ${r.issues.map((i) => i.message).join('; ')}`);
  try {
    await upLab(r.lab);
  } catch (e) {
    problems.push(`${what} failed: ${msg(e)}`);
    return undefined;
  }
  for (const x of await settle(PREFIX)) problems.push(`after ${what}, still settling after 5 s: ${x}`);
  const state = snapshot(PREFIX, [WAN]);
  const plan = await planFor(r.lab);
  if (!plan.noop) problems.push(`plan after ${what} is not empty: ${plan.actions.map((a) => `${a.op} ${a.target} (${a.reason})`).join('; ')}${plan.refusals.map((x) => refusalText(x)).join('; ')}`);
  return state;
}

/** The pair of files for a seed (no kernel work): the generator alone. */
export function casePair(seed: number): { a: TopologyInput; b: TopologyInput; edits: string[] } {
  const r = prng(seed);
  const m = randomLab(r);
  const e = randomEdit(m, r);
  return { a: render(m), b: render(e.model), edits: e.edits };
}

export async function runCase(seed: number): Promise<CaseResult> {
  const { a, b, edits } = casePair(seed);
  return { seed, edits, a, b, problems: await runPair(a, b) };
}

/** `up A; up B` against `down; up B` (and `plan B` empty after each): the problems found. */
export async function runPair(a: TopologyInput, b: TopologyInput): Promise<string[]> {
  const problems: string[] = [];
  if (labNamespaces(PREFIX).length) await down(problems, 'before the case');
  const first = await upAndLook(a, 'up A', problems);
  if (!first) {
    await down(problems, 'after up A');
    return problems;
  }
  const edited = await upAndLook(b, 'up B over A', problems);
  await down(problems, 'after up A; up B');
  const fresh = await upAndLook(b, 'fresh up B', problems);
  await down(problems, 'after fresh up B');
  if (edited && fresh) {
    const d = diff(edited, fresh);
    for (const x of d.onlyA) problems.push(`after up A; up B only: ${x}`);
    for (const x of d.onlyB) problems.push(`after fresh up B only: ${x}`);
  }
  return problems;
}

export function describeCase(c: CaseResult): string {
  return [
    `seed ${c.seed} (replay: NSNET_CONVERGE_SEED=${c.seed}); edits: ${c.edits.join('; ')}`,
    ...c.problems.map((p) => `  ${p}`),
    '  --- A ---', ...stringify(c.a).trimEnd().split('\n').map((l) => `  ${l}`),
    '  --- B ---', ...stringify(c.b).trimEnd().split('\n').map((l) => `  ${l}`),
  ].join('\n');
}

export interface ConvergeResult {
  cases: number;
  diverged: number;
  failures: CaseResult[];
  seeds: number[];
}

/** `count` cases from per-case seeds of `seed` (or the one replayed). */
export async function convergeCases(opts: { count: number; seed: number; log?: (s: string) => void; caseSeed: (seed: number, i: number) => number }): Promise<ConvergeResult> {
  const replay = process.env.NSNET_CONVERGE_SEED;
  const seeds = replay !== undefined ? [Number(replay)] : Array.from({ length: opts.count }, (_, i) => opts.caseSeed(opts.seed, i));
  makeWan();
  const out: ConvergeResult = { cases: 0, diverged: 0, failures: [], seeds };
  try {
    for (const s of seeds) {
      const c = await runCase(s);
      out.cases++;
      if (c.problems.length) {
        out.diverged++;
        out.failures.push(c);
        opts.log?.(describeCase(c));
      }
    }
  } finally {
    removeWan();
  }
  return out;
}

