/**
 * Section 5, hostile topology files: each bad file (hostile-files.ts) must end in a validation
 * error with a location, with nothing applied.
 *
 * Every file goes through the library (loadTopologyFile: not accepted, no exception, every issue
 * with file:line:column, in bounded time; for the 10,000-node files the error near the end is
 * the one reported) and through the CLI (`nsnet up|down|plan FILE`: a non-zero exit, not a
 * signal or a timeout, a `FILE:LINE:COL:` line on stderr, no stack trace). Around them the host
 * is watched: /run/netns, /run/nsnet, the links of the root namespace, the nftables tables, and
 * canary paths under /tmp that a name reaching a shell or a path outside /run would create.
 * Decoys make a slip visible: a namespace and a bridge marked as lab `hx` (the base lab's name),
 * which a `down` of a bad file that got past validation would remove.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, loadTopologyFile } from '../../src/topology/index.js';
import { badFiles, baseLab, type BadFile } from './hostile-files.js';
import { nsnet, pool, prng, sh, shTry, type Ran } from './util.js';
import { stringify } from 'yaml';

export interface HostileOptions {
  /** Generated bad files (besides the big ones). */
  count: number;
  /** 10,000-node files with one error near the end. */
  big: number;
  seed: number;
  /** Also run each file through the CLI (default true). */
  cli?: boolean;
  concurrency?: number;
}

export interface HostileResult {
  files: number;
  /** Files that did not end in a located validation error with nothing applied. */
  crashes: number;
  /** Kinds of files per category, for the table. */
  categories: number;
  examples: string[];
  slowestMs: number;
  ms: number;
}

/** What a bad file must never change. */
function hostState(canary: string): string {
  const runTree = (dir: string): string[] => {
    const out: string[] = [];
    const walk = (d: string) => {
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        return;
      }
      for (const n of names.sort()) {
        const p = join(d, n);
        out.push(p);
        try {
          if (statSync(p).isDirectory()) walk(p);
        } catch { /* raced */ }
      }
    };
    walk(dir);
    return out;
  };
  const links = JSON.parse(sh('ip', ['-j', 'link', 'show'])) as Array<{ ifindex: number; ifname: string; ifalias?: string; master?: string }>;
  const canaries = readdirSync('/tmp').filter((n) => n.startsWith(canary.slice('/tmp/'.length)));
  return JSON.stringify({
    netns: runTree('/run/netns'),
    nsnet: runTree('/run/nsnet'),
    links: links.map((l) => `${l.ifindex}:${l.ifname}:${l.ifalias ?? ''}:${l.master ?? ''}`),
    nft: shTry('nft', ['list', 'tables']).stdout,
    canaries,
    etc: existsSync('/etc/nsnet-canary') || existsSync('/run/etc'),
  });
}

/** Decoys carrying lab hx's mark, made by hand (ip), so a slip of `down` would show. */
function makeDecoys(): () => void {
  sh('ip', ['netns', 'add', 'hx-h1']);
  sh('ip', ['-n', 'hx-h1', 'link', 'set', 'lo', 'alias', 'nsnet:hx']);
  sh('ip', ['link', 'add', 'brx', 'type', 'bridge']);
  sh('ip', ['link', 'set', 'brx', 'alias', 'nsnet:hx']);
  return () => {
    shTry('ip', ['netns', 'del', 'hx-h1']);
    shTry('ip', ['link', 'del', 'brx']);
  };
}

const STACK = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$|\b(TypeError|RangeError|ReferenceError|SyntaxError): /m;

function checkLibrary(f: BadFile, path: string): string | undefined {
  const t0 = performance.now();
  let r;
  try {
    r = loadTopologyFile(path);
  } catch (e) {
    return `library threw ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
  const ms = performance.now() - t0;
  // A hang guard (alias bombs, quadratic work), not a speed check: the same 60 s as the CLI gets.
  if (ms > 60_000) return `library did not finish within 60 s (${Math.round(ms)} ms)`;
  if (r.ok) return 'library accepted the file';
  if (r.issues.length === 0) return 'library rejected it with no issue';
  for (const i of r.issues) {
    if (i.file !== path || !(i.line! >= 1) || !(i.column! >= 1)) return `issue without a location: ${JSON.stringify(i).slice(0, 200)}`;
    const line = formatIssue(i);
    if (line.includes('\n')) return `issue message spans lines: ${JSON.stringify(line).slice(0, 200)}`;
  }
  if (f.errorFromLine !== undefined && !r.issues.some((i) => i.line! >= f.errorFromLine!)) {
    return `the error near the end (line ≥ ${f.errorFromLine}) is not reported; got ${r.issues.map((i) => `${i.line}:${i.column} ${i.code}`).join(', ').slice(0, 200)}`;
  }
  return undefined;
}

function checkCli(r: Ran, path: string): string | undefined {
  const tail = (r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ').slice(0, 300);
  if (r.timedOut) return 'the CLI did not finish within 60 s';
  if (r.signal) return `the CLI died of ${r.signal}`;
  if (r.code === 0) return `the CLI exited 0: ${tail}`;
  if (STACK.test(r.stderr)) return `the CLI printed a stack trace or an internal error: ${tail}`;
  const esc = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (!new RegExp(`^${esc}:\\d+:\\d+: `, 'm').test(r.stderr)) return `no ${path}:LINE:COL: line on stderr: ${tail}`;
  return undefined;
}

export async function hostileFiles(opts: HostileOptions): Promise<HostileResult> {
  const t0 = performance.now();
  const rand = prng(opts.seed);
  const canary = `/tmp/nsnet-canary-${process.pid}`;
  const files = badFiles(rand, opts.count, opts.big, canary);
  const dir = mkdtempSync(join(tmpdir(), 'nsnet-hostile-'));
  const out: HostileResult = { files: files.length, crashes: 0, categories: new Set(files.map((f) => f.category)).size, examples: [], slowestMs: 0, ms: 0 };
  const fail = (f: BadFile, i: number, why: string) => {
    out.crashes++;
    if (out.examples.length < 8) out.examples.push(`#${i} ${f.kind}: ${why}`);
  };
  // The base lab itself must be valid, or every "bad" file would be bad for the wrong reason.
  const basePath = join(dir, 'base.yaml');
  writeFileSync(basePath, stringify(baseLab()));
  const base = loadTopologyFile(basePath);
  if (!base.ok) throw new Error(`torture: the base lab of the hostile files is not valid: ${base.issues.map(formatIssue).join('; ')}`);

  const cli = opts.cli ?? true;
  const removeDecoys = cli ? makeDecoys() : () => {};
  try {
    const before = cli ? hostState(canary) : '';
    const paths = files.map((f, i) => {
      const p = join(dir, `bad-${String(i).padStart(4, '0')}.yaml`);
      writeFileSync(p, f.text);
      return p;
    });
    const verbs = [['up'], ['down'], ['plan'], ['up', '-j']];
    const batch = cli ? Math.max(1, opts.concurrency ?? 2) : files.length;
    for (let s = 0; s < files.length; s += batch) {
      const idx = Array.from({ length: Math.min(batch, files.length - s) }, (_, k) => s + k);
      await pool(idx, batch, async (i) => {
        const f = files[i]!;
        const p = paths[i]!;
        const t = performance.now();
        const lib = checkLibrary(f, p);
        out.slowestMs = Math.max(out.slowestMs, performance.now() - t);
        if (lib) return fail(f, i, lib);
        if (!cli) return;
        const verb = verbs[i % verbs.length]!;
        const r = await nsnet([verb[0]!, p, ...verb.slice(1)], 60_000);
        const why = checkCli(r, p);
        if (why) fail(f, i, `nsnet ${verb.join(' ')}: ${why}`);
      });
      if (cli) {
        const now = hostState(canary);
        if (now !== before) {
          for (const i of idx) fail(files[i]!, i, `the host changed: ${diff(before, now)}`);
          break; // the decoys or the state are gone: what follows would not mean anything
        }
      }
    }
  } finally {
    removeDecoys();
    rmSync(dir, { recursive: true, force: true });
    for (const n of readdirSync('/tmp')) if (n.startsWith(canary.slice(5))) rmSync(join('/tmp', n), { recursive: true, force: true });
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

function diff(a: string, b: string): string {
  const x = JSON.parse(a) as Record<string, unknown>;
  const y = JSON.parse(b) as Record<string, unknown>;
  return Object.keys(x).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).map((k) => `${k}: ${JSON.stringify(x[k]).slice(0, 120)} → ${JSON.stringify(y[k]).slice(0, 120)}`).join('; ');
}
