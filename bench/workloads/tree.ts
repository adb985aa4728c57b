/**
 * `tree`: scale past one bridge. N hosts (default 4000) on 4 leaf bridges joined by a core
 * bridge: nsnet up, a ping from the first host to the last (across two leaves and the core),
 * down until the kernel has removed every device, nothing left behind. The same run builds the
 * N/4-host star with nsnet, so the time per host at both sizes comes from one machine state:
 * per_host_ratio = (up per host at N) / (up per host at N/4); linear is 1.
 *
 * The kernel's own scaling, for comparison, when shared/bench/floor.c is beside the checkout:
 * the floor builds an N/4-host star alone, then again beside a (N - N/4)-host tree that nsnet
 * holds up, so the floor's ratio says how much dearer the last quarter of hosts is than the
 * first for the kernel itself (namespace creation and setup get dearer with every namespace
 * there is).
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from '../lib/args.js';
import { CheckError } from '../lib/check.js';
import { quietLine, waitQuiet, type QuietResult } from '../lib/quiet.js';
import { hostAddr, table, treeYaml } from '../lib/workload.js';
import type { StarResult } from '../star.js';
import { attempt, fmt, med, ROOT, rotation, type Failure, type Outcome } from './common.js';

export const TREE_LEAVES = 4;

interface TreeResult {
  up: number;
  down: number;
  rssMb?: number;
}

async function nsnetTree(n: number, tmp: string): Promise<TreeResult> {
  const { nsnet, profileRss, cleanupStar } = await import('../star.js');
  const { namedNetns, rootDevices, settle, ping, now } = await import('../sys.js');
  const { NSNET_PREFIX } = await import('../sides.js');
  const file = join(tmp, `tree-${n}.yaml`);
  fs.writeFileSync(file, treeYaml(n, TREE_LEAVES, { name: 'tree' }));
  cleanupStar(file);
  const before = new Set(rootDevices());
  try {
    const r = nsnet('nsnet up (tree)', ['up', '--profile', file]);
    const up = r.seconds;
    const rssMb = profileRss(r.stderr);
    const made = namedNetns().filter((x) => x.startsWith(NSNET_PREFIX)).length;
    const problems = made === n ? [] : [`${made} of ${n} namespaces exist after up`];
    problems.push(...ping(`${NSNET_PREFIX}h1`, hostAddr(n)));
    if (problems.length) throw new CheckError(`nsnet up of the ${n}-host tree is wrong:\n  - ${problems.join('\n  - ')}`);
    const mine = new Set(rootDevices().filter((d) => !before.has(d)));
    const t = now();
    nsnet('nsnet down (tree)', ['down', file]);
    settle((d) => mine.has(d));
    const down = now() - t;
    const leftNs = namedNetns().filter((x) => x.startsWith(NSNET_PREFIX));
    const leftDev = rootDevices().filter((d) => !before.has(d));
    if (leftNs.length || leftDev.length) throw new CheckError(`left behind after down: ${leftNs.length} namespaces, ${leftDev.length} devices (${[...leftNs, ...leftDev].slice(0, 3).join(', ')})`);
    return { up, down, ...(rssMb !== undefined ? { rssMb } : {}) };
  } catch (e) {
    cleanupStar(file);
    throw e;
  }
}

interface FloorScale {
  alone: number;
  beside: number;
}

/** The floor's build of `small` hosts alone, then beside an (n - small)-host tree nsnet holds up. */
async function floorScale(n: number, small: number, tmp: string, waits: QuietResult[]): Promise<FloorScale | string> {
  const { prepareFloor, runFloorOnce } = await import('../floor.js');
  const p = prepareFloor(ROOT, tmp);
  if ('absent' in p) return `floor absent (${p.absent})`;
  const { nsnet, cleanupStar } = await import('../star.js');
  const { namedNetns, rootDevices, settle } = await import('../sys.js');
  const { NSNET_PREFIX } = await import('../sides.js');
  waits.push(waitQuiet());
  const alone = runFloorOnce(p.bin, small, true).build;
  const file = join(tmp, `tree-${n - small}.yaml`);
  fs.writeFileSync(file, treeYaml(n - small, TREE_LEAVES - 1, { name: 'tree' }));
  const before = new Set(rootDevices());
  try {
    nsnet('nsnet up (the tree beside the floor)', ['up', file]);
    waits.push(waitQuiet());
    const beside = runFloorOnce(p.bin, small, true).build;
    return { alone, beside };
  } finally {
    nsnet('nsnet down (the tree beside the floor)', ['down', file]);
    settle((d) => !before.has(d));
    cleanupStar(file);
    if (namedNetns().some((x) => x.startsWith(NSNET_PREFIX))) throw new CheckError('the tree beside the floor left namespaces behind');
  }
}

export async function runTree(o: BenchOptions, tmp: string): Promise<Outcome> {
  const { nsnetStar } = await import('../star.js');
  const small = Math.ceil(o.n / TREE_LEAVES);
  const failures: Failure[] = [];
  const stars: StarResult[] = [];
  const trees: TreeResult[] = [];
  const waits: QuietResult[] = [];
  for (let r = 1; r <= o.repeat; r++) {
    for (const side of rotation(['star', 'tree'] as const, r)) {
      waits.push(waitQuiet());
      if (side === 'star') {
        const s = await attempt(failures, r, `nsnet star ${small}`, () => nsnetStar(small, tmp, { ipv6: false }));
        if (s) stars.push(s);
      } else {
        const t = await attempt(failures, r, `nsnet tree ${o.n}`, () => nsnetTree(o.n, tmp));
        if (t) trees.push(t);
      }
      if (failures.length && !o.keepGoing) break;
    }
    if (failures.length && !o.keepGoing) break;
  }
  const floor = failures.length && !o.keepGoing ? undefined : await attempt(failures, o.repeat, 'floor beside a tree', () => floorScale(o.n, small, tmp, waits));
  const sUp = med(stars.map((x) => x.up));
  const tUp = med(trees.map((x) => x.up));
  const tDown = med(trees.map((x) => x.down));
  const rss = med(trees.flatMap((x) => (x.rssMb === undefined ? [] : [x.rssMb])));
  const perSmall = sUp === undefined ? undefined : sUp / small;
  const perBig = tUp === undefined ? undefined : tUp / o.n;
  const r = perSmall && perBig ? (perBig / perSmall).toFixed(2) : 'n/a';
  const lines = [
    `tree: ${o.n} hosts on ${TREE_LEAVES} leaf bridges joined by a core bridge, ping h1 -> h${o.n}, down; against a ${small}-host star in the same run; ${o.repeat} round(s)${o.repeat > 1 ? ', medians' : ''}`,
    quietLine(waits),
    table([
      ['lab', 'hosts', 'up_s', 'up_ms_per_host', 'down_s', 'rss_mb'],
      ['star', String(small), fmt(sUp), perSmall === undefined ? '-' : (perSmall * 1000).toFixed(3), fmt(med(stars.map((x) => x.down))), '-'],
      ['tree', String(o.n), fmt(tUp), perBig === undefined ? '-' : (perBig * 1000).toFixed(3), fmt(tDown), rss === undefined ? '-' : rss.toFixed(0)],
    ]),
  ];
  const floorRatio = typeof floor === 'object' ? (floor.beside / floor.alone).toFixed(2) : 'n/a';
  if (typeof floor === 'object') {
    lines.push(`kernel's own scaling (shared/bench/floor.c, IPv6 off): ${small} hosts built alone in ${floor.alone.toFixed(3)} s, beside a ${o.n - small}-host tree in ${floor.beside.toFixed(3)} s (x${floorRatio}: the last ${small} hosts cost the kernel that much more than the first)`);
  } else if (typeof floor === 'string') {
    lines.push(`kernel's own scaling: ${floor}`);
  }
  const json = { workload: 'tree', n: o.n, leaves: TREE_LEAVES, small, stars, trees, floor, waits, failures };
  return {
    failures, lines, json,
    last: [
      `scale: n=${o.n} up_s=${tUp === undefined ? 'n/a' : tUp.toFixed(2)} down_s=${tDown === undefined ? 'n/a' : tDown.toFixed(2)} per_host_ratio=${r} rss_mb=${rss === undefined ? 'n/a' : rss.toFixed(0)}`,
      typeof floor === 'object' ? `kernel scale: floor_alone_s=${floor.alone.toFixed(2)} floor_beside_tree_s=${floor.beside.toFixed(2)} floor_ratio=${floorRatio}` : 'kernel scale: floor=absent',
    ],
  };
}
