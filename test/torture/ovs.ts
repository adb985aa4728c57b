/**
 * Open vSwitch labs in the crash and concurrency sections (issue 11), on nsnet's own daemons.
 *
 * ovsLab: hosts on an OVS bridge, odd ones on VLAN 10, even ones on VLAN 20, a trunk (10, 20) to
 * a second OVS bridge standing in for the physical switch, where l10 and l20 sit on VLANs 10 and
 * 20. Its pings cross the bridge within a VLAN and cross the trunk.
 *
 * ovsCrashTrials: `nsnet up` / `nsnet down` of an OVS lab killed with SIGKILL at a random moment
 * (within the measured duration of a normal run); then `up` must complete the lab (its pings
 * pass) and `down` must leave nothing: no namespace, host link, OVS bridge or port of the lab, no
 * hold on the daemons, and the daemons stopped (no other OVS lab is up).
 *
 * ovsConcurrency: two OVS labs brought up at once on cold daemons (both race to start them):
 * both work on one ovsdb-server; one goes down, the daemons stay and the other still works; the
 * other goes, the daemons stop. Then one OVS lab comes up while the only other one goes down:
 * the one coming up works, and its down stops the daemons. Each wrong outcome counts once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { daemonPid, ovsDbSocket, ovsStateDir } from '../../src/api/ovs/index.js';
import { brief, handOver } from './concurrency.js';
import type { LabFile, Ping } from './labs.js';
import { nsnet, nsnetKilledAfter, prng, shTry, sleep } from './util.js';
import { hostLinkNames, leftovers, pingAll } from './world.js';

export interface OvsLabFile extends LabFile {
  /** The OVS bridges' names. */
  bridges: string[];
}

/** An OVS lab: `hosts` hosts on bridge NAMEsw (VLANs 10 and 20 alternating), a trunk to NAMEph with l10 and l20. */
export function ovsLab(name: string, prefix: string, net: number, hosts = 4): OvsLabFile {
  const sw = `${name}sw`;
  const ph = `${name}ph`;
  const A = (i: number) => `10.${net}.0.${i}`;
  const nodes: Record<string, unknown> = {
    l10: { interfaces: { eth0: { addresses: [`${A(100)}/24`] } } },
    l20: { interfaces: { eth0: { addresses: [`${A(200)}/24`] } } },
  };
  const links: unknown[] = [
    { endpoints: [`${sw}:${name}t1`, `${ph}:${name}t2`], trunks: [10, 20] },
    { endpoints: ['l10:eth0', ph], vlan: 10 },
    { endpoints: ['l20:eth0', ph], vlan: 20 },
  ];
  const pings: Ping[] = [];
  for (let i = 1; i <= hosts; i++) {
    const vlan = i % 2 === 1 ? 10 : 20;
    nodes[`h${i}`] = { interfaces: { eth0: { addresses: [`${A(10 + i)}/24`] } } };
    links.push({ endpoints: [`h${i}:eth0`, sw], vlan });
    pings.push({ from: `h${i}`, to: A(vlan === 10 ? 100 : 200), why: `host → l${vlan} across the trunk, VLAN ${vlan}` });
  }
  pings.push({ from: 'h1', to: A(13), why: 'h1 → h3 on the bridge, VLAN 10' });
  const doc = { name, prefix, nodes, bridges: { [sw]: { type: 'ovs' }, [ph]: { type: 'ovs' } }, links };
  return { name, prefix, bridge: sw, bridges: [sw, ph], yaml: stringify(doc, { lineWidth: 0 }), nodes: Object.keys(nodes), pings };
}

const vsctl = (...args: string[]) => shTry('ovs-vsctl', [`--db=unix:${ovsDbSocket()}`, '--timeout=5', ...args]);
const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/** nsnet's daemons that run (by their pid files, checked alive). */
export function ovsDaemonsRunning(): string[] {
  return (['ovsdb-server', 'ovs-vswitchd'] as const).filter((d) => daemonPid(d) !== undefined).map((d) => `OVS daemon ${d} (pid ${daemonPid(d)})`);
}

/**
 * What is left of OVS lab `lab` in Open vSwitch: bridges marked with it or named like its
 * bridges, ports named like its host links on any bridge, its hold on the daemons.
 */
export function ovsLeftovers(lab: string, bridges: string[], hostLinks: string[]): string[] {
  const out: string[] = [];
  if (existsSync(join(ovsStateDir(), 'users', lab))) out.push(`hold on the OVS daemons (${ovsStateDir()}/users/${lab})`);
  if (daemonPid('ovsdb-server') === undefined) return out;
  for (const b of words(vsctl('--bare', '--columns=name', 'find', 'bridge', `external_ids:nsnet-lab=${lab}`).stdout)) out.push(`OVS bridge ${b} with the lab's mark`);
  for (const b of words(vsctl('list-br').stdout)) if (bridges.includes(b) && !out.some((x) => x.startsWith(`OVS bridge ${b} `))) out.push(`OVS bridge ${b} (a name of the lab)`);
  for (const p of words(vsctl('--bare', '--columns=name', 'list', 'port').stdout)) if (hostLinks.includes(p)) out.push(`OVS port ${p}`);
  return out;
}

/** Pings of an OVS lab, tried a few times: ofports of a just-made bridge come up asynchronously. */
async function ovsPings(lab: LabFile): Promise<string[]> {
  let bad = await pingAll(lab);
  for (let i = 0; i < 3 && bad.length; i++) {
    await sleep(300);
    bad = await pingAll(lab, lab.pings.filter((p) => bad.some((b) => b.startsWith(`${p.from} → ${p.to} `))));
  }
  return bad;
}


interface Placed {
  lab: OvsLabFile;
  file: string;
  ns: string[];
  hostLinks: string[];
}

function place(dir: string, lab: OvsLabFile): Placed {
  const file = join(dir, `${lab.name}.yaml`);
  writeFileSync(file, lab.yaml);
  return { lab, file, ns: lab.nodes.map((n) => `${lab.prefix}${n}`), hostLinks: hostLinkNames(file) };
}

/** Everything left of a placed lab: the kernel's (world.ts) and Open vSwitch's. */
function leftOf(p: Placed, forward: string): string[] {
  return [...leftovers(p.lab.name, p.ns, p.hostLinks, forward), ...ovsLeftovers(p.lab.name, p.lab.bridges, p.hostLinks)];
}

export interface OvsCrashResult {
  trials: number;
  /** Objects of the lab left after the final down (daemons still running included), summed over trials. */
  leaks: number;
  /** Trials where the up after the kill, its pings, or the down did not succeed. */
  incomplete: number;
  killedMidway: number;
  upMs: number;
  downMs: number;
  examples: string[];
  ms: number;
}

/** Why OVS labs cannot be tortured here, or undefined. */
export const ovsUnavailable = (): string | undefined => (shTry('ovs-vsctl', ['--version']).status === 0 && shTry('ovsdb-server', ['--version']).status === 0 ? undefined : 'Open vSwitch is not installed (apt-get install openvswitch-switch)');

export async function ovsCrashTrials(opts: { upKills: number; downKills: number; seed: number; log?: (s: string) => void }): Promise<OvsCrashResult> {
  const t0 = performance.now();
  const rand = prng(opts.seed ^ 0x0f5);
  const log = opts.log ?? (() => {});
  const out: OvsCrashResult = { trials: 0, leaks: 0, incomplete: 0, killedMidway: 0, upMs: 0, downMs: 0, examples: [], ms: 0 };
  const note = (s: string) => {
    if (out.examples.length < 10) out.examples.push(s);
    log(`  ! ${s}`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-ovs-crash-'));
  const p = place(dir, ovsLab('to', 'to-', 61));
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  const left = () => [...leftOf(p, forward), ...ovsDaemonsRunning()];
  try {
    const ups: number[] = [];
    const downs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const u = await nsnet(['up', p.file]);
      if (u.code !== 0) throw new Error(`torture: a normal up of the OVS lab failed: ${brief(u)}`);
      if (i === 0) {
        const bad = await ovsPings(p.lab);
        if (bad.length) throw new Error(`torture: after a normal up of the OVS lab, pings fail: ${bad.slice(0, 3).join('; ')}`);
      }
      const d = await nsnet(['down', p.file]);
      if (d.code !== 0) throw new Error(`torture: a normal down of the OVS lab failed: ${brief(d)}`);
      ups.push(u.ms);
      downs.push(d.ms);
      const l = left();
      if (l.length) throw new Error(`torture: a normal up and down of the OVS lab leaves ${l.join(', ')}`);
    }
    const median = (xs: number[]) => Math.round([...xs].sort((x, y) => x - y)[1]!);
    out.upMs = median(ups);
    out.downMs = median(downs);
    const total = opts.upKills + opts.downKills;
    for (let t = 0; t < total; t++) {
      const phase = t < opts.upKills ? 'up' : 'down';
      let incomplete = '';
      if (phase === 'down') {
        const r = await nsnet(['up', p.file]);
        if (r.code !== 0) incomplete ||= `up before the killed down: ${brief(r)}`;
      }
      const delay = Math.floor(rand() * (phase === 'up' ? out.upMs : out.downMs));
      const k = await nsnetKilledAfter([phase, p.file], delay);
      if (k.killed) out.killedMidway++;
      if (phase === 'up') {
        const r = await nsnet(['up', p.file]);
        if (r.code !== 0) incomplete ||= `up after the kill: ${brief(r)}`;
        else {
          const bad = await ovsPings(p.lab);
          if (bad.length) incomplete ||= `after the up that followed the kill, ${bad.length} ping(s) fail: ${bad.slice(0, 2).join('; ')}`;
        }
      }
      const d = await nsnet(['down', p.file]);
      if (d.code !== 0) incomplete ||= `down: ${brief(d)}`;
      const l = left();
      out.trials++;
      out.leaks += l.length;
      if (incomplete) out.incomplete++;
      const tag = `OVS trial ${t + 1}/${total}: kill in ${phase} after ${delay} ms (${k.killed ? 'mid-way' : 'it had finished'})`;
      log(`${tag}${l.length || incomplete ? '' : ': ok'}`);
      if (incomplete) note(`${tag}: ${incomplete}`);
      if (l.length) {
        note(`${tag}: left ${l.slice(0, 4).join(', ')}${l.length > 4 ? ` (+${l.length - 4})` : ''}`);
        await nsnet(['down', p.file]);
      }
    }
  } finally {
    await nsnet(['down', p.file]);
    rmSync(dir, { recursive: true, force: true });
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

export interface OvsConcurrencyResult {
  runs: number;
  errors: number;
  examples: string[];
  ms: number;
}

export async function ovsConcurrency(opts: { rounds: number; log?: (s: string) => void }): Promise<OvsConcurrencyResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const out: OvsConcurrencyResult = { runs: 0, errors: 0, examples: [], ms: 0 };
  const wrong = (scenario: string, why: string) => {
    out.errors++;
    if (out.examples.length < 10) out.examples.push(`${scenario}: ${why}`);
    log(`  ! ${scenario}: ${why}`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-ovs-conc-'));
  const a = place(dir, ovsLab('oa', 'oa-', 62));
  const b = place(dir, ovsLab('ob', 'ob-', 63));
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  const works = async (s: string, p: Placed) => {
    const bad = await ovsPings(p.lab);
    if (bad.length) wrong(s, `lab ${p.lab.name}: ${bad.length} ping(s) fail: ${bad.slice(0, 2).join('; ')}`);
  };
  const downClean = async (s: string, p: Placed, last: boolean) => {
    const r = await nsnet(['down', p.file]);
    if (r.code !== 0) return wrong(s, `down ${p.lab.name}: ${brief(r)}`);
    const l = leftOf(p, forward);
    if (l.length) wrong(s, `down ${p.lab.name} left ${l.slice(0, 4).join(', ')}`);
    const d = ovsDaemonsRunning();
    if (last && d.length) wrong(s, `the last OVS lab went down and left ${d.join(', ')}`);
    if (!last && d.length !== 2) wrong(s, `${p.lab.name} went down while another OVS lab is up, and the daemons stopped (running: ${d.join(', ') || 'none'})`);
  };
  try {
    for (let round = 0; round < opts.rounds; round++) {
      {
        const s = `round ${round + 1}, two OVS labs at once on cold daemons`;
        out.runs++;
        const before = out.errors;
        if (ovsDaemonsRunning().length) wrong(s, `daemons already running: ${ovsDaemonsRunning().join(', ')}`);
        const [ra, rb] = await Promise.all([nsnet(['up', a.file]), nsnet(['up', b.file])]);
        if (ra.code !== 0) wrong(s, `up oa: ${brief(ra)}`);
        if (rb.code !== 0) wrong(s, `up ob: ${brief(rb)}`);
        if (ra.code === 0 && rb.code === 0) {
          await works(s, a);
          await works(s, b);
          const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
          const pids = ovsDaemonsRunning();
          await downClean(s, first, false);
          if (ovsDaemonsRunning().join() !== pids.join()) wrong(s, `the shared daemons changed when ${first.lab.name} went down: ${pids.join(', ')} → ${ovsDaemonsRunning().join(', ')}`);
          await works(`${s}, after ${first.lab.name} went down`, second);
          await downClean(s, second, true);
        } else {
          await nsnet(['down', a.file]);
          await nsnet(['down', b.file]);
        }
        log(`${s}: ${out.errors === before ? 'ok' : 'WRONG'}`);
      }
      {
        const s = `round ${round + 1}, one OVS lab up while the only other one goes down`;
        out.runs++;
        const before = out.errors;
        const [going, coming] = round % 2 === 0 ? [a, b] : [b, a];
        const ru = await handOver(s, going, coming, wrong);
        const l = leftOf(going, forward);
        if (l.length) wrong(s, `down ${going.lab.name} left ${l.slice(0, 4).join(', ')}`);
        if (ru.code === 0) await works(s, coming);
        await downClean(s, coming, true);
        log(`${s}: ${out.errors === before ? 'ok' : 'WRONG'}`);
      }
    }
  } finally {
    for (const p of [a, b]) await nsnet(['down', p.file]);
    rmSync(dir, { recursive: true, force: true });
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
type Log = (s: string) => void;

/** Section 1's OVS row for main.ts: the trials, or why they did not run (then no result). */
export async function ovsCrashSection(why: string | undefined, kills: number, seed: number, log: Log): Promise<{ row: string[]; r?: OvsCrashResult }> {
  if (why) return { row: ['1 crash safety, OVS', `skipped: ${why}`, '', ''] };
  log(`[1-2] OVS crash trials: ${kills} kills in up, ${kills} in down, on an OVS lab (VLANs 10 and 20, a trunk)`);
  const r = await ovsCrashTrials({ upKills: kills, downKills: kills, seed, log });
  return {
    r,
    row: ['1 crash safety, OVS', `${r.trials} trials (${kills} kills in up, ${kills} in down) on a 6-node lab with two OVS bridges; up ${r.upMs} ms, down ${r.downMs} ms`,
      `leaks=${r.leaks} incomplete=${r.incomplete} (OVS bridges, ports, holds and running daemons counted); killed mid-way ${r.killedMidway}`, secs(r.ms)],
  };
}

/** Section 3's OVS row for main.ts. */
export async function ovsConcurrencySection(why: string | undefined, rounds: number, log: Log): Promise<{ row: string[]; r?: OvsConcurrencyResult }> {
  if (why) return { row: ['3 concurrency, OVS', `skipped: ${why}`, '', ''] };
  log(`[3] OVS concurrency: ${rounds} rounds`);
  const r = await ovsConcurrency({ rounds, log });
  return { r, row: ['3 concurrency, OVS', `${r.runs} runs (${rounds} × [2 OVS labs at once on cold daemons, one down then the other; one up while the only other goes down])`, `errors=${r.errors}`, secs(r.ms)] };
}
