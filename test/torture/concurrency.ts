/**
 * Section 3, concurrency: `nsnet` commands racing each other, through the CLI.
 *
 * Per round:
 * - two labs at once: `up` of two different labs (both with a NAT uplink, so both touch the
 *   host's ip_forward and nftables) started together; both must succeed and work; then one goes
 *   down and the other must still work (its NAT too), then the other, and nothing may be left
 *   (ip_forward back to what it was before either);
 * - the same lab twice at once: two `up`s of one lab started together; each must succeed or
 *   refuse with a one-line message saying the lab is busy; the lab must end correct (pings,
 *   `status` in sync, a third `up` has nothing to do); then two `down`s at once;
 * - one NAT lab comes up while another goes down: the one coming up must work (its NAT too),
 *   the one going must leave nothing;
 * - up and down of one lab at once: the end state must be one of the two, whole: the lab up and
 *   working, or nothing of it left.
 * Then `races` times: 100 `nsnet netns add` racing 100 `ip netns add` (netns-race.ts).
 * Each wrong outcome counts once in `errors`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallLab, type LabFile } from './labs.js';
import { netnsRace, raceErrors } from './netns-race.js';
import { nsnet, type Ran } from './util.js';
import { hostLinkNames, leftovers, makeInternet, pingAll } from './world.js';

export interface ConcurrencyOptions {
  rounds: number;
  /** netns add races (each 2 × `raceSize` commands). */
  races: number;
  raceSize: number;
  log?: (s: string) => void;
}

export interface ConcurrencyResult {
  /** Scenario runs (each round runs four, plus the races). */
  runs: number;
  errors: number;
  examples: string[];
  ms: number;
}

export const brief = (r: Ran): string => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 2).join(' | ').slice(0, 240)}`;

interface Placed {
  lab: LabFile;
  file: string;
  ns: string[];
  hostLinks: string[];
}

export async function concurrency(opts: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const out: ConcurrencyResult = { runs: 0, errors: 0, examples: [], ms: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-conc-'));
  const wrong = (scenario: string, why: string) => {
    out.errors++;
    if (out.examples.length < 10) out.examples.push(`${scenario}: ${why}`);
    log(`  ! ${scenario}: ${why}`);
  };
  makeInternet();
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  const place = (lab: LabFile): Placed => {
    const file = join(dir, `${lab.name}.yaml`);
    writeFileSync(file, lab.yaml);
    return { lab, file, ns: lab.nodes.map((n) => `${lab.prefix}${n}`), hostLinks: hostLinkNames(file) };
  };
  const a = place(smallLab('ca', 'ca-', 52, 'cabr', 8, true));
  const b = place(smallLab('cb', 'cb-', 53, 'cbbr', 8, true));
  const c = place(smallLab('cc', 'cc-', 54, 'ccbr', 8, true));
  const left = (p: Placed, fwd = forward) => leftovers(p.lab.name, p.ns, p.hostLinks, fwd);
  /** Bring a lab down and check nothing is left; a failure is one wrong outcome of `scenario`. */
  const downClean = async (scenario: string, p: Placed, fwd = forward): Promise<boolean> => {
    const r = await nsnet(['down', p.file]);
    if (r.code !== 0) return (wrong(scenario, `down ${p.lab.name}: ${brief(r)}`), false);
    const l = left(p, fwd);
    if (l.length) return (wrong(scenario, `down ${p.lab.name} left ${l.slice(0, 4).join(', ')}`), false);
    return true;
  };
  const works = async (scenario: string, p: Placed): Promise<boolean> => {
    const bad = await pingAll(p.lab);
    if (bad.length) return (wrong(scenario, `lab ${p.lab.name}: ${bad.length} ping(s) fail: ${bad.slice(0, 2).join('; ')}`), false);
    return true;
  };

  try {
    for (let round = 0; round < opts.rounds; round++) {
      // --- two labs at once
      {
        const s = `round ${round + 1}, two labs at once`;
        out.runs++;
        const before = out.errors;
        const [ra, rb] = await Promise.all([nsnet(['up', a.file]), nsnet(['up', b.file])]);
        if (ra.code !== 0) wrong(s, `up ca: ${brief(ra)}`);
        if (rb.code !== 0) wrong(s, `up cb: ${brief(rb)}`);
        if (ra.code === 0 && rb.code === 0) {
          await works(s, a);
          await works(s, b);
          // One goes; the other must keep working, NAT included (ip_forward stays 1 for it).
          const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
          if (await downClean(s, first, '1')) await works(`${s}, after ${first.lab.name} went down`, second);
          await downClean(s, second);
        } else {
          await nsnet(['down', a.file]);
          await nsnet(['down', b.file]);
        }
        log(`${s}: ${out.errors === before ? 'ok' : 'WRONG'}`);
      }
      // --- the same lab twice at once
      {
        const s = `round ${round + 1}, the same lab twice at once`;
        out.runs++;
        const before = out.errors;
        const rs = await Promise.all([nsnet(['up', c.file]), nsnet(['up', c.file])]);
        const ok = rs.filter((r) => r.code === 0).length;
        if (ok === 0) wrong(s, `neither up succeeded: ${rs.map(brief).join(' / ')}`);
        for (const r of rs) {
          if (r.code === 0) continue;
          const msg = r.stderr.trim();
          if (r.signal || msg.split('\n').length !== 1 || !/busy|another|wait/i.test(msg)) wrong(s, `the refused up did not say clearly why: ${brief(r)}`);
        }
        await works(s, c);
        const st = await nsnet(['status', c.file, '-j']);
        let inSync = false;
        try {
          inSync = (JSON.parse(st.stdout) as { inSync?: boolean }).inSync === true;
        } catch { /* not JSON */ }
        if (!inSync) wrong(s, `status is not in sync after the two ups: ${brief(st)}`);
        const again = await nsnet(['up', c.file]);
        if (again.code !== 0 || !/nothing to do|up to date/.test(again.stdout)) wrong(s, `a third up did not find the lab complete: ${brief(again)} ${again.stdout.trim().slice(0, 200)}`);
        // And two downs at once: both succeed (one finds nothing left), nothing remains.
        const ds = await Promise.all([nsnet(['down', c.file]), nsnet(['down', c.file])]);
        for (const d of ds) if (d.code !== 0) wrong(s, `one of two downs at once: ${brief(d)}`);
        const l = left(c);
        if (l.length) wrong(s, `two downs at once left ${l.slice(0, 4).join(', ')}`);
        log(`${s}: ${out.errors === before ? 'ok' : 'WRONG'}`);
      }
      // --- one NAT lab comes up while another goes down: the host's ip_forward passes from one to the other
      {
        const s = `round ${round + 1}, one NAT lab up while another goes down`;
        out.runs++;
        const before = out.errors;
        const [going, coming] = round % 2 === 0 ? [a, b] : [b, a];
        const ru = await handOver(s, going, coming, wrong);
        const l = left(going, '1');
        if (l.length) wrong(s, `down ${going.lab.name} left ${l.slice(0, 4).join(', ')}`);
        if (ru.code === 0) await works(s, coming);
        await downClean(s, coming);
        log(`${s}: ${out.errors === before ? 'ok' : 'WRONG'}`);
      }
      // --- up and down of one lab at once
      {
        const s = `round ${round + 1}, up and down of one lab at once`;
        out.runs++;
        const before = out.errors;
        const first = await nsnet(['up', c.file]);
        if (first.code !== 0) wrong(s, `the first up: ${brief(first)}`);
        // An edited file makes the racing up do real work (one host more).
        const edited = { ...c, file: join(dir, 'cc-edited.yaml'), lab: smallLab('cc', 'cc-', 54, 'ccbr', 9, true) };
        writeFileSync(edited.file, edited.lab.yaml);
        edited.ns = edited.lab.nodes.map((n) => `${edited.lab.prefix}${n}`);
        const [ru, rd] = round % 2 === 0
          ? await Promise.all([nsnet(['up', edited.file]), nsnet(['down', c.file])])
          : await Promise.all([nsnet(['down', c.file]), nsnet(['up', edited.file])]).then(([d, u]) => [u, d] as const);
        if (ru.code !== 0) wrong(s, `up: ${brief(ru)}`);
        if (rd.code !== 0) wrong(s, `down: ${brief(rd)}`);
        const rest = left(edited, readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim());
        if (rest.length) {
          // Up last: the whole edited lab must be there and work.
          const missing = edited.ns.filter((n) => !rest.includes(`namespace ${n}`));
          if (missing.length) wrong(s, `after up and down the lab is half there: ${missing.length} of ${edited.ns.length} namespaces missing (${missing.slice(0, 3).join(', ')})`);
          else await works(s, edited);
          await downClean(s, edited);
        } else if (readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() !== forward) {
          wrong(s, 'the lab is gone but the host ip_forward was not restored');
        }
        log(`${s}: ${out.errors === before ? 'ok' : 'WRONG'}`);
      }
    }
    for (let i = 0; i < opts.races; i++) {
      out.runs++;
      const r = await netnsRace(opts.raceSize);
      const e = raceErrors(r);
      if (e) {
        out.errors += e;
        for (const x of r.examples) if (out.examples.length < 10) out.examples.push(`netns add race: ${x}`);
      }
      log(`netns add race ${i + 1}: ${r.asked} namespaces, /run/netns mounted ${r.runDirMounts}x, ${e ? `${e} WRONG` : 'ok'} (${r.ms} ms)`);
    }
  } finally {
    for (const p of [a, b, c]) await nsnet(['down', p.file]);
    rmSync(dir, { recursive: true, force: true });
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

/** `going` up, then down while `coming` comes up; each failed command is one wrong outcome of `s`. The racing up's result. */
export async function handOver(s: string, going: { lab: LabFile; file: string }, coming: { lab: LabFile; file: string }, wrong: (s: string, why: string) => void): Promise<Ran> {
  const first = await nsnet(['up', going.file]);
  if (first.code !== 0) wrong(s, `up ${going.lab.name}: ${brief(first)}`);
  const [rd, ru] = await Promise.all([nsnet(['down', going.file]), nsnet(['up', coming.file])]);
  if (rd.code !== 0) wrong(s, `down ${going.lab.name}: ${brief(rd)}`);
  if (ru.code !== 0) wrong(s, `up ${coming.lab.name}: ${brief(ru)}`);
  return ru;
}
