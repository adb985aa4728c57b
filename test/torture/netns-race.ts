/**
 * Section 3, part 3: `n` `nsnet netns add` racing `n` `ip netns add`, all started at once, in a
 * fresh sandbox where /run/netns is not a mount point yet (so the race on making it one is part
 * of the test). Afterwards every namespace must be there as a real namespace (an nsfs mount on
 * /run/netns/NAME, each a different one), both tools must list all of them, and /run/netns must
 * be mounted exactly once.
 *
 * netnsRace() runs `node scripts/sandbox.mjs --fresh node THIS_FILE --child N` and reads the
 * JSON line the child prints.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NSNET, ROOT, run, sh } from './util.js';

export interface RaceResult {
  /** Namespaces asked for (both tools). */
  asked: number;
  /** Commands that failed. */
  failedCommands: number;
  /** Names missing, or present but not a namespace. */
  missing: number;
  /** Two names on the same namespace. */
  shared: number;
  /** Mounts on /run/netns itself (must be 1). */
  runDirMounts: number;
  /** Names that `nsnet netns list` / `ip netns list` do not show. */
  unlisted: number;
  examples: string[];
  ms: number;
}

/** Wrong outcomes of one race (0 when all is well). */
export function raceErrors(r: RaceResult): number {
  return r.failedCommands + r.missing + r.shared + Math.abs(r.runDirMounts - 1) + r.unlisted;
}

interface Mount {
  id: number;
  parent: number;
  at: string;
}

/**
 * The mounts visible at /run/netns and below it. A nested sandbox inherits its parent's mounts
 * hidden under its own /run (they still appear in mountinfo with the same mount points), so
 * mounts are followed from the topmost /run down through parent ids.
 */
function visible(): { runDir: Mount[]; files: Map<string, Mount> } {
  const all: Mount[] = readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n').map((l) => {
    const f = l.split(' ');
    return { id: Number(f[0]), parent: Number(f[1]), at: f[4]! };
  });
  const run = all.filter((m) => m.at === '/run').pop();
  const runDir: Mount[] = [];
  let top = run?.id;
  for (;;) {
    const next = all.find((m) => m.at === '/run/netns' && m.parent === top);
    if (!next) break;
    runDir.push(next);
    top = next.id;
  }
  const files = new Map<string, Mount>();
  for (const m of all) if (m.parent === top && m.at.startsWith('/run/netns/')) files.set(m.at, m);
  return { runDir, files };
}

async function child(n: number): Promise<RaceResult> {
  const t0 = performance.now();
  const out: RaceResult = { asked: 2 * n, failedCommands: 0, missing: 0, shared: 0, runDirMounts: 0, unlisted: 0, examples: [], ms: 0 };
  const before = visible().runDir.length;
  if (before !== 0) throw new Error(`torture: /run/netns is already a mount point (${before}) in the fresh sandbox`);
  const names: string[] = [];
  const procs: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    for (const [tool, name] of [['nsnet', `rn-${i}`], ['ip', `ri-${i}`]] as const) {
      names.push(name);
      const args = tool === 'nsnet' ? [process.execPath, NSNET, 'netns', 'add', name] : ['ip', 'netns', 'add', name];
      procs.push(new Promise((resolve) => {
        const c = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
        c.on('close', (code) => {
          if (code !== 0) {
            out.failedCommands++;
            if (out.examples.length < 5) out.examples.push(`${tool} netns add ${name}: exit ${code}: ${err.trim().split('\n')[0]}`);
          }
          resolve();
        });
      }));
    }
  }
  await Promise.all(procs);
  const mounts = visible();
  out.runDirMounts = mounts.runDir.length;
  const nsfsDev = statSync('/proc/self/ns/net').dev;
  const seen = new Map<number, string>();
  for (const name of names) {
    const p = `/run/netns/${name}`;
    let st;
    try {
      st = statSync(p);
    } catch {
      out.missing++;
      if (out.examples.length < 5) out.examples.push(`${name}: no ${p}`);
      continue;
    }
    if (st.dev !== nsfsDev || !mounts.files.has(p)) {
      out.missing++;
      if (out.examples.length < 5) out.examples.push(`${name}: ${p} exists but is not a namespace mount`);
      continue;
    }
    const other = seen.get(st.ino);
    if (other) {
      out.shared++;
      if (out.examples.length < 5) out.examples.push(`${name} and ${other} are the same namespace`);
    }
    seen.set(st.ino, name);
  }
  const ipList = new Set(sh('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean));
  const nr = await run(process.execPath, [NSNET, 'netns', 'list'], { timeoutMs: 60_000 });
  const nsList = new Set(nr.stdout.split('\n').map((l) => l.split(' ')[0]!).filter(Boolean));
  for (const name of names) {
    if (!ipList.has(name) || !nsList.has(name)) {
      out.unlisted++;
      if (out.examples.length < 5) out.examples.push(`${name}: not listed by ${!ipList.has(name) ? 'ip netns list' : 'nsnet netns list'}`);
    }
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

/** One race of `n` + `n` namespaces in a fresh sandbox. */
export async function netnsRace(n: number): Promise<RaceResult> {
  const self = fileURLToPath(import.meta.url);
  const r = await run(process.execPath, [join(ROOT, 'scripts', 'sandbox.mjs'), '--fresh', process.execPath, self, '--child', String(n)], { timeoutMs: 300_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as RaceResult;
  } catch {
    throw new Error(`torture: the netns race child failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`);
  }
}

if (process.argv[2] === '--child' && fileURLToPath(import.meta.url) === process.argv[1]) {
  child(Number(process.argv[3] ?? 100)).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
