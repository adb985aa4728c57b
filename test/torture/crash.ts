/**
 * Sections 1 and 2, crash safety and foreign objects.
 *
 * A 50-node lab (labs.ts crashLab: bridge, routers with point-to-point links and routes, a NAT
 * uplink to the stand-in internet) is brought up and torn down by `node bin/nsnet.js` again and
 * again. In an "up" trial `nsnet up FILE` is killed with SIGKILL at a random moment within the
 * measured duration of a normal up; the next `nsnet up FILE` must finish the lab (every ping of
 * the lab works), then `nsnet down FILE` must leave nothing of it. One "up" trial in three kills
 * an up that applies an edit to the lab (nodes removed and added, routes replaced, impairments
 * changed in place, cleared and added): the next up of the edited file must finish the edit, its
 * impairments those of the file (status shows no impairment drift). A "down" trial does the same with the kill landing in
 * `nsnet down`.
 *
 * Before each trial, foreign objects are made by hand (world.ts makeForeign: same prefix, other
 * node names, another lab's mark, a bridge and veths named like the lab's); a second lab with the
 * same node names under another prefix stays up through all trials. After each trial every
 * foreign object must be exactly as it was, and the second lab must still work.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashLab, smallLab, type LabFile } from './labs.js';
import { nsnet, nsnetKilledAfter, prng, sh, shTry, type Ran } from './util.js';
import {
  changed, hostLinkNames, leftovers, makeForeign, makeInternet, pingAll, removeForeign, snapshot, type Foreign,
} from './world.js';

export interface CrashOptions {
  /** Trials with the kill in `up`. */
  upKills: number;
  /** Trials with the kill in `down`. */
  downKills: number;
  seed: number;
  /** Print a line per trial. */
  log?: (s: string) => void;
}

export interface CrashResult {
  trials: number;
  /** Objects of the lab left after the final down, summed over trials. */
  leaks: number;
  /** Foreign objects changed or removed (and failures of the lab beside it), summed over trials. */
  foreignTouched: number;
  /** Hand-made objects watched in each trial (namespaces and root links), besides the lab beside. */
  foreignPerTrial: number;
  /** Trials where the up after the kill, its pings, or the down did not succeed. */
  incomplete: number;
  /** Kills that landed while the command was still running. */
  killedMidway: number;
  /** Where the kills left the lab's record: absent, applying, up, ... (for the table). */
  recordAfterKill: Record<string, number>;
  /** How many of the lab's namespaces the kills left: none, some, all (for the table). */
  namespacesAfterKill: Record<string, number>;
  upMs: number;
  /** A normal up applying the edit (base lab → edited lab). */
  editMs: number;
  /** When each command starts changing the kernel (the first namespace made or removed), ms after its start. */
  workFromMs: { up: number; edit: number; down: number };
  downMs: number;
  examples: string[];
  ms: number;
}

const recordState = (lab: string): string => {
  try {
    return (JSON.parse(readFileSync(`/run/nsnet/labs/${lab}.json`, 'utf8')) as { state: string }).state;
  } catch {
    return 'no record';
  }
};

const brief = (r: Ran): string => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 2).join(' | ').slice(0, 240)}`;

export async function crashTrials(opts: CrashOptions): Promise<CrashResult> {
  const t0 = performance.now();
  const rand = prng(opts.seed);
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-crash-'));
  const out: CrashResult = { trials: 0, leaks: 0, foreignTouched: 0, foreignPerTrial: 0, incomplete: 0, killedMidway: 0, recordAfterKill: {}, namespacesAfterKill: {}, upMs: 0, editMs: 0, workFromMs: { up: 0, edit: 0, down: 0 }, downMs: 0, examples: [], ms: 0 };
  const note = (s: string) => {
    if (out.examples.length < 10) out.examples.push(s);
    log(`  ! ${s}`);
  };

  makeInternet();
  const lab = crashLab('tl', 'tl-', 50, 'tlbr');
  const edited = crashLab('tl', 'tl-', 50, 'tlbr', 'edited');
  const side = smallLab('tm', 'tm-', 51, 'tmbr', 4); // the same node names h1..h4 under another prefix
  const file = join(dir, 'tl.yaml');
  const editedFile = join(dir, 'tl-edited.yaml');
  writeFileSync(editedFile, edited.yaml);
  const sideFile = join(dir, 'tm.yaml');
  writeFileSync(file, lab.yaml);
  writeFileSync(sideFile, side.yaml);
  // Every namespace either version of the lab has.
  const labNs = [...new Set([...lab.nodes, ...edited.nodes])].map((n) => `${lab.prefix}${n}`);
  const sideNs = side.nodes.map((n) => `${side.prefix}${n}`);
  const hostLinks = [...new Set([...hostLinkNames(file), ...hostLinkNames(editedFile)])];
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  let foreign: Foreign | undefined;
  let sideUp = false;

  try {
    // The lab beside: up once, watched after every trial.
    const s = await nsnet(['up', sideFile]);
    if (s.code !== 0) throw new Error(`torture: the second lab (tm) did not come up: ${brief(s)}`);
    sideUp = true;
    const sideSnap = snapshot(sideNs, hostLinkNames(sideFile));

    // Normal runs, timed (the median of three): the kills land within these. While each runs,
    // /run/netns is watched to see when it starts changing the kernel.
    const nsNow = () => new Set(readdirSync('/run/netns'));
    const has = (n: string) => nsNow().has(`${lab.prefix}${n}`);
    const times = { up: [] as number[], edit: [] as number[], down: [] as number[], upWork: [] as number[], editWork: [] as number[], downWork: [] as number[] };
    for (let i = 0; i < 3; i++) {
      const u = await timed(['up', file], () => has('h1') || has('r1') || has('s1'));
      if (u.code !== 0) throw new Error(`torture: a normal up of the 50-node lab failed: ${brief(u)}`);
      if (i === 0) {
        const failedPings = await pingAll(lab);
        if (failedPings.length) throw new Error(`torture: after a normal up, pings fail: ${failedPings.slice(0, 3).join('; ')}`);
      }
      const e = await timed(['up', editedFile], () => !has('h36') || has('h50'));
      if (e.code !== 0) throw new Error(`torture: a normal up of the edited lab failed: ${brief(e)}`);
      const d = await timed(['down', file], () => !has('h1') || !has('r1') || !has('s1'));
      if (d.code !== 0) throw new Error(`torture: a normal down failed: ${brief(d)}`);
      times.up.push(u.ms);
      times.edit.push(e.ms);
      times.down.push(d.ms);
      times.upWork.push(u.workFrom);
      times.editWork.push(e.workFrom);
      times.downWork.push(d.workFrom);
    }
    const median = (xs: number[]) => Math.round([...xs].sort((x, y) => x - y)[1]!);
    out.upMs = median(times.up);
    out.editMs = median(times.edit);
    out.downMs = median(times.down);
    const before = { up: median(times.upWork), edit: median(times.editWork), down: median(times.downWork) };
    out.workFromMs = before;
    const left0 = leftovers(lab.name, labNs, hostLinks, forward);
    if (left0.length) throw new Error(`torture: a normal up and down leaves ${left0.join(', ')}`);

    const total = opts.upKills + opts.downKills;
    for (let t = 0; t < total; t++) {
      // Kills in up: two fresh ups for one up applying an edit to the lab (from the base file to
      // the edited one: nodes removed and added, routes replaced).
      const phase: 'up' | 'edit' | 'down' = t >= opts.upKills ? 'down' : t % 3 === 2 ? 'edit' : 'up';
      const target = phase === 'edit' ? edited : lab;
      const targetFile = phase === 'edit' ? editedFile : file;
      foreign = makeForeign(lab.prefix, lab.bridge, lab.name);
      const watched = [...foreign.namespaces];
      out.foreignPerTrial = watched.length + foreign.links.length;
      const foreignBefore = snapshot(watched, foreign.links);
      let incomplete = '';

      if (phase !== 'up') {
        const r = await nsnet(['up', file]);
        if (r.code !== 0) incomplete ||= `up before the killed ${phase}: ${brief(r)}`;
      }
      // Half the kills anywhere in the measured duration, half from the moment it starts changing
      // the kernel (after start-up, validation and observation).
      const window = phase === 'up' ? out.upMs : phase === 'edit' ? out.editMs : out.downMs;
      const from = t % 2 === 0 ? 0 : Math.max(0, Math.min(before[phase] - 5, window - 1));
      const delay = from + Math.floor(rand() * (window - from));
      const k = await nsnetKilledAfter([phase === 'down' ? 'down' : 'up', targetFile], delay);
      if (k.killed) out.killedMidway++;
      const st = recordState(lab.name);
      out.recordAfterKill[st] = (out.recordAfterKill[st] ?? 0) + 1;
      const present = labNs.filter((n) => existsSync(`/run/netns/${n}`)).length;
      const nsAfter = present === 0 ? 'none' : present === target.nodes.length ? 'all' : 'some';
      out.namespacesAfterKill[nsAfter] = (out.namespacesAfterKill[nsAfter] ?? 0) + 1;

      if (phase !== 'down') {
        const r = await nsnet(['up', targetFile]);
        if (r.code !== 0) incomplete ||= `up after the kill: ${brief(r)}`;
        else {
          const gone = phase === 'edit' ? lab.nodes.filter((n) => !edited.nodes.includes(n)).filter((n) => existsSync(`/run/netns/${lab.prefix}${n}`)) : [];
          if (gone.length) incomplete ||= `after the edit, nodes removed from the file are still there: ${gone.join(', ')}`;
          const bad = await pingAll(target);
          if (bad.length) incomplete ||= `after the up that followed the kill, ${bad.length} ping(s) fail: ${bad.slice(0, 2).join('; ')}`;
          const off = await impairDrift(targetFile);
          if (off.length) incomplete ||= `after the up that followed the kill, impairments differ from the file: ${off.slice(0, 2).join('; ')}`;
        }
      }
      // Every fourth up trial, a user takes one of the lab's namespaces and its bridge over by
      // hand (deleted and made again under the same names, without the mark): down must leave
      // the new ones alone.
      const hijacked = phase !== 'down' && t % 4 === 3 ? hijack(target) : undefined;
      const hijackSnap = hijacked ? snapshot([hijacked.ns], [hijacked.link]) : undefined;
      const r = await nsnet(['down', file]);
      if (r.code !== 0) incomplete ||= `down: ${brief(r)}`;

      const left = leftovers(lab.name, labNs.filter((n) => n !== hijacked?.ns), hostLinks.filter((l) => l !== hijacked?.link), forward);
      const touched = changed(foreignBefore, snapshot(watched, foreign.links));
      if (hijacked) {
        touched.push(...changed(hijackSnap!, snapshot([hijacked.ns], [hijacked.link])));
        unhijack(hijacked);
      }
      const sideTouched = changed(sideSnap, snapshot(sideNs, hostLinkNames(sideFile)));
      const sideBad = await pingAll(side);
      out.trials++;
      out.leaks += left.length;
      out.foreignTouched += touched.length + sideTouched.length + sideBad.length;
      if (incomplete) out.incomplete++;
      const tag = `trial ${t + 1}/${total}: kill in ${phase} after ${delay} ms (${k.killed ? 'mid-way' : 'it had finished'}; record: ${st}; namespaces: ${present})`;
      log(`${tag}${left.length || touched.length || sideTouched.length || sideBad.length || incomplete ? '' : ': ok'}`);
      if (incomplete) note(`${tag}: ${incomplete}`);
      if (left.length) note(`${tag}: left ${left.slice(0, 4).join(', ')}${left.length > 4 ? ` (+${left.length - 4})` : ''}`);
      if (touched.length) note(`${tag}: foreign objects changed: ${touched.slice(0, 3).join('; ')}`);
      if (sideTouched.length || sideBad.length) note(`${tag}: the lab beside changed or broke: ${[...sideTouched, ...sideBad].slice(0, 3).join('; ')}`);
      if (left.length) {
        // Clean up what is left so the next trial starts from a clean host (counted already).
        await nsnet(['down', file]);
      }
    }
    // The lab beside goes too, and leaves nothing.
    const sd = await nsnet(['down', sideFile]);
    sideUp = false;
    if (sd.code !== 0) {
      out.incomplete++;
      note(`down of the lab beside: ${brief(sd)}`);
    }
    const sideLeft = leftovers(side.name, sideNs, hostLinkNames(sideFile), forward);
    out.leaks += sideLeft.length;
    if (sideLeft.length) note(`the lab beside left ${sideLeft.join(', ')}`);
  } finally {
    if (sideUp) await nsnet(['down', sideFile]);
    if (foreign) removeForeign(foreign);
    rmSync(dir, { recursive: true, force: true });
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

/** What `nsnet status` says up would still change about impairments (empty when they are the file's). */
async function impairDrift(file: string): Promise<string[]> {
  const r = await nsnet(['status', file, '-j']);
  const st = JSON.parse(r.stdout || '{}') as { drift?: Array<{ op: string; target: string; reason: string }> };
  if (!st.drift) return [`status gave no drift (${brief(r)})`];
  return st.drift.filter((a) => a.op === 'set-impair' || a.op === 'clear-impair').map((a) => `${a.target}: ${a.reason}`);
}

/** Run `nsnet ARGS` to completion, polling `changed()` every millisecond: when it first held, ms after the start. */
function timed(args: string[], changed: () => boolean): Promise<Ran & { workFrom: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let workFrom = -1;
    const poll = setInterval(() => {
      if (workFrom < 0 && changed()) workFrom = performance.now() - t0;
    }, 1);
    void nsnet(args).then((r) => {
      clearInterval(poll);
      resolve({ ...r, workFrom: workFrom < 0 ? r.ms : workFrom });
    });
  });
}

/** Replace lab namespace h7 and the lab's bridge with hand-made ones of the same names (ip), with an address each. */
function hijack(lab: LabFile): { ns: string; link: string } {
  const ns = `${lab.prefix}h7`;
  sh('ip', ['netns', 'del', ns]);
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  sh('ip', ['-n', ns, 'addr', 'add', '192.168.203.7/32', 'dev', 'lo']);
  sh('ip', ['link', 'del', lab.bridge]);
  sh('ip', ['link', 'add', lab.bridge, 'type', 'bridge']);
  sh('ip', ['addr', 'add', '192.168.204.1/24', 'dev', lab.bridge]);
  return { ns, link: lab.bridge };
}

function unhijack(h: { ns: string; link: string }): void {
  shTry('ip', ['netns', 'del', h.ns]);
  shTry('ip', ['link', 'del', h.link]);
}

export type { LabFile };
