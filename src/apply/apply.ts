/**
 * applyPlan(plan): run a plan's actions in order, through src/api, marking what it makes.
 * upLab(spec): lock the lab, observe, plan, apply, record.
 *
 * Crash safety: before the first action the record says what this up is applying (`pending`)
 * and which namespaces and host links it will create (`intended`); host-side effects (uplink
 * NIC state, host sysctls, the NAT table) are recorded before they are made. So a killed up
 * leaves nothing the next up or down cannot find: marked objects by their mark, the few made
 * between creation and marking through the journal.
 *
 * Speed: a namespace is made with its netlink socket opened inside (no extra switch); its lo is
 * marked and brought up in one request; a veth is made with its peer straight in the other
 * namespace, joined to its bridge and up in the same request; ifindexes are resolved once and
 * nothing just made is listed again; handles are closed after their last use.
 */
import * as fs from 'node:fs';
import type { Handle } from '../api/handle.js';
import { netns } from '../api/namespaces.js';
import type { LinkAddSpec } from '../api/types.js';
import { KernelError, NsnetError } from '../kernel/errors.js';
import { netnsPath } from '../kernel/netns.js';
import { opSign, type Action, type Plan, type Refusal, type VethEnd } from '../plan/actions.js';
import { HOST } from '../plan/desired.js';
import { markFor } from '../plan/observed.js';
import { planLab } from '../plan/plan.js';
import type { LabSpec, RouteSpec } from '../topology/model.js';
import { Handles } from './handles.js';
import { addNat, delNat } from './nft.js';
import { observeLab } from './observe.js';
import { lockLab, newRecord, otherHolders, readRecord, recordPath, withHostLock, writeRecord, type LabRecord, type LockOptions } from './state.js';

export interface Progress {
  /** Actions done so far (this one included). */
  done: number;
  total: number;
  action: Action;
}

export interface ApplyResult {
  lab: string;
  /** Nothing was to be done. */
  noop: boolean;
  /** The actions run, in order. */
  actions: Action[];
  counts: { added: number; changed: number; removed: number };
  /** Size of the lab. */
  size: { nodes: number; links: number; bridges: number };
  ms: number;
}

/** `up` will not go ahead: objects with the lab's names that it does not own, missing NICs... */
export class RefusedError extends NsnetError {
  override name = 'RefusedError';
  constructor(readonly lab: string, readonly refusals: Refusal[]) {
    super('REFUSED', refusals.length === 1 ? refusals[0]!.message : `lab ${lab}: ${refusals.length} problems: ${refusals.map((r) => r.message).join('; ')}`, `lab ${lab}`);
  }
}

/** A kernel refusal (or a failed command) halfway: what was done stays, and the record says so. */
export class ApplyError extends NsnetError {
  override name = 'ApplyError';
  constructor(readonly lab: string, readonly action: Action, readonly done: number, override readonly cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(cause instanceof NsnetError ? cause.code : 'APPLY', `lab ${lab}: ${action.op} ${action.target} failed: ${why}`, action.target,
      `${done} action${done === 1 ? '' : 's'} done before it; fix the cause and run up again to finish, or down to remove what was made`);
  }
}

export interface ApplyOptions {
  spec: LabSpec;
  /** The lab's record; updated and written as the apply goes. */
  record: LabRecord;
  /** Handles opened by observe (reused, and closed when done). */
  handles?: Handles;
  onProgress?: (p: Progress) => void;
}

const isRemoval = (a: Action) => opSign(a.op) === '-';

/** The namespaces (netns names) an action works in. */
function nsOf(a: Action): string[] {
  switch (a.op) {
    case 'create-veth':
      return [a.a.netns ?? HOST, a.b.netns ?? HOST];
    case 'create-netns':
    case 'delete-netns':
    case 'add-route':
    case 'replace-route':
    case 'del-route':
    case 'run-exec':
      return [a.netns];
    default:
      return ['netns' in a && typeof a.netns === 'string' ? a.netns : HOST];
  }
}

export async function applyPlan(plan: Plan, opts: ApplyOptions): Promise<ApplyResult> {
  const t0 = performance.now();
  const { spec, record } = opts;
  if (plan.refusals.length) throw new RefusedError(plan.lab, plan.refusals);
  const counts = { added: 0, changed: 0, removed: 0 };
  const result = (actions: Action[]): ApplyResult => ({ lab: plan.lab, noop: plan.noop, actions, counts, size: plan.counts, ms: Math.round(performance.now() - t0) });
  const handles = opts.handles ?? new Handles();
  if (plan.noop) {
    handles.closeAll();
    return result([]);
  }

  // Journal: what this up applies and what it creates, before anything is made.
  const intendedNs = new Set(record.intended.namespaces);
  const intendedHost = new Set(record.intended.hostLinks);
  for (const a of plan.actions) {
    if (a.op === 'create-netns') intendedNs.add(a.netns);
    else if (a.op === 'create-bridge' || a.op === 'create-macvlan' || a.op === 'create-vxlan') {
      if (a.netns === undefined) intendedHost.add(a.name);
    } else if (a.op === 'create-veth') {
      for (const e of [a.a, a.b]) if (e.netns === undefined) intendedHost.add(e.name);
    }
  }
  record.pending = spec;
  record.intended = { namespaces: [...intendedNs], hostLinks: [...intendedHost] };
  record.state = 'applying';
  delete record.error;
  writeRecord(record);

  const lastUse = new Map<string, number>();
  plan.actions.forEach((a, i) => {
    if (!isRemoval(a)) for (const ns of nsOf(a)) if (ns !== HOST) lastUse.set(ns, i);
  });
  const run = new Runner(plan.lab, record, handles);
  const done: Action[] = [];
  try {
    for (const [i, a] of plan.actions.entries()) {
      if (!isRemoval(a)) await run.settle();
      try {
        await run.do(a);
      } catch (e) {
        throw new ApplyError(plan.lab, a, done.length, e);
      }
      done.push(a);
      const s = opSign(a.op);
      if (s === '+') counts.added++;
      else if (s === '~') counts.changed++;
      else counts.removed++;
      opts.onProgress?.({ done: done.length, total: plan.actions.length, action: a });
      if (!isRemoval(a)) for (const ns of nsOf(a)) if (ns !== HOST && lastUse.get(ns) === i) handles.close(ns);
    }
    await run.settle();
  } catch (e) {
    handles.closeAll();
    record.state = 'failed';
    record.error = (e as Error).message;
    writeRecord(record);
    throw e;
  }
  handles.closeAll();

  // Done: the spec is in the kernel.
  record.spec = spec;
  delete record.pending;
  record.intended = { namespaces: [], hostLinks: [] };
  record.state = 'up';
  record.namespaces = {};
  for (const n of spec.nodes) {
    try {
      const st = fs.statSync(netnsPath(n.netns));
      record.namespaces[n.netns] = { dev: st.dev, ino: st.ino };
    } catch {
      /* gone: down will not need it */
    }
  }
  const nodes = new Set(spec.nodes.map((n) => n.name));
  for (const k of Object.keys(record.execDone)) if (!nodes.has(k)) delete record.execDone[k];
  writeRecord(record);
  return result(done);
}

const IFF_UP = 1;

/** Runs one action at a time; caches ifindexes of what it resolved or made. */
class Runner {
  private readonly mark: string;
  private readonly idx = new Map<string, number>();
  private readonly frees: { netns?: string; name: string; index: number }[] = [];

  constructor(private readonly lab: string, private readonly record: LabRecord, private readonly handles: Handles) {
    this.mark = markFor(lab);
  }

  private h(ns: string | undefined): Handle {
    return this.handles.get(ns);
  }

  /** The ifindex of a link, resolved once. */
  private index(ns: string | undefined, name: string): number {
    const k = `${ns ?? HOST}\0${name}`;
    let i = this.idx.get(k);
    if (i === undefined) {
      i = this.h(ns).link.index(name);
      this.idx.set(k, i);
    }
    return i;
  }

  private forget(ns: string | undefined, name?: string): void {
    const p = `${ns ?? HOST}\0`;
    for (const k of [...this.idx.keys()]) if (name === undefined ? k.startsWith(p) : k === p + name) this.idx.delete(k);
  }

  /** Wait until links that go with deleted namespaces are gone (so their names can be used again). */
  async settle(): Promise<void> {
    if (!this.frees.length) return;
    const start = Date.now();
    const deadline = start + 15_000;
    let forced = false;
    let pause = 1;
    while (this.frees.length) {
      const f = this.frees[this.frees.length - 1]!;
      let exists = true;
      try {
        this.h(f.netns).link.raw(f.index); // by ifindex: one GETLINK, ENODEV once it is gone
      } catch (e) {
        if (e instanceof KernelError && e.code === 'ENODEV') exists = false;
        else if (e instanceof NsnetError && (e.code === 'ENOENT' || e.code === 'EINVAL')) exists = false; // its namespace went too
        else throw e;
      }
      if (!exists) {
        this.frees.pop();
        continue;
      }
      if (!forced && Date.now() - start > 2_000) {
        // A process still holds the deleted namespace open: delete these ends (the lab's) instead.
        forced = true;
        for (const x of this.frees) {
          try {
            await this.h(x.netns).link.del(x.index);
          } catch (e) {
            if (!(e instanceof NsnetError)) throw e;
          }
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new NsnetError('ETIMEDOUT', `link ${f.name}${f.netns ? ` in ${f.netns}` : ''} is still there 15 s after its peer's namespace was deleted`, `link ${f.name}`, 'a process may hold that namespace open; run up again once it is gone');
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 10);
    }
  }

  private async markLink(h: Handle, index: number): Promise<void> {
    await h.link.set(index, { alias: this.mark });
  }

  async do(a: Action): Promise<void> {
    switch (a.op) {
      case 'detach-uplink': {
        const host = this.h(HOST);
        if (await host.link.exists(a.nic)) {
          const l = host.link.raw(a.nic);
          const master = l.master ? host.link.raw(l.master) : undefined;
          const spec: { master?: null; up?: boolean } = {};
          if (master && master.alias === this.mark) spec.master = null;
          if (((l.flags & IFF_UP) !== 0) !== a.wasUp) spec.up = a.wasUp;
          if (spec.master !== undefined || spec.up !== undefined) await host.link.set(l.index, spec);
        }
        delete this.record.effects.uplinks[a.nic];
        writeRecord(this.record);
        return;
      }
      case 'delete-netns':
        this.handles.close(a.netns);
        this.forget(a.netns);
        try {
          await netns.del(a.netns);
        } catch (e) {
          if (!(e instanceof NsnetError && e.code === 'ENOENT')) throw e;
        }
        delete this.record.namespaces[a.netns];
        this.frees.push(...a.frees);
        for (const f of a.frees) this.forget(f.netns, f.name);
        return;
      case 'delete-link':
        try {
          await this.h(a.netns).link.del(a.name);
        } catch (e) {
          if (!(e instanceof NsnetError && e.code === 'ENODEV')) throw e;
        }
        this.forget(a.netns, a.name);
        if (a.peer) this.forget(a.peer.netns, a.peer.name);
        return;
      case 'del-address':
        try {
          await this.h(a.netns).addr.del(this.index(a.netns, a.dev), a.cidr);
        } catch (e) {
          if (!(e instanceof KernelError && e.code === 'EADDRNOTAVAIL')) throw e;
        }
        return;
      case 'del-route':
        try {
          await this.h(a.netns).route.del(apiRoute(a.route));
        } catch (e) {
          if (!(e instanceof KernelError && e.code === 'ESRCH')) throw e;
        }
        return;
      case 'del-nat':
        delNat(a.table);
        delete this.record.effects.nat;
        writeRecord(this.record);
        return;
      case 'restore-sysctl':
        // Restored only when no other lab still holds the key (it restores it when it goes).
        withHostLock(() => {
          if (otherHolders(this.lab, a.key).length === 0) this.h(HOST).sysctl.setSync(a.key, a.value);
          delete this.record.effects.sysctls[a.key];
          writeRecord(this.record);
        });
        return;
      case 'mark':
        await this.markLink(this.h(a.netns), a.name === 'lo' ? 1 : this.index(a.netns, a.name));
        return;
      case 'create-netns': {
        const h = await netns.create(a.netns, { disableIpv6: !a.ipv6 });
        this.handles.put(a.netns, h);
        // Mark it and bring lo up in one request, right after it exists.
        await h.link.set(1, { up: true, alias: this.mark });
        return;
      }
      case 'create-bridge': {
        const h = this.h(a.netns);
        await h.link.add({ kind: 'bridge', name: a.name, up: true, mtu: a.mtu, stp: a.stp });
        const i = this.index(a.netns, a.name);
        if (a.netns === undefined) await this.markLink(h, i);
        if (a.altname !== undefined) await h.link.addAltnames(i, [a.altname]);
        return;
      }
      case 'create-veth': {
        // Made from the end that needs nothing more once made: a node's interface (created up),
        // rather than a bridge port or a host end. The other end, made straight in its namespace,
        // then gets up, its bridge and (in the host) the mark in one more request: the kernel
        // cannot bring a peer up inside the creating request (it is not linked to its pair yet).
        const needsMore = (e: VethEnd) => (e.netns === undefined ? 2 : 0) + (e.master !== undefined ? 1 : 0) + (e.altname !== undefined ? 1 : 0);
        let [m, o] = [a.a, a.b];
        if (needsMore(o) < needsMore(m)) [m, o] = [o, m];
        const hm = this.h(m.netns);
        const ho = this.h(o.netns);
        await hm.link.add({
          kind: 'veth', name: m.name, up: true, mtu: m.mtu, address: m.mac,
          master: m.master !== undefined ? this.index(m.netns, m.master) : undefined,
          peer: { name: o.name, netns: { handle: ho }, mtu: o.mtu, address: o.mac },
        });
        const oi = this.index(o.netns, o.name);
        await ho.link.set(oi, {
          up: true,
          ...(o.netns === undefined ? { alias: this.mark } : {}),
          ...(o.master !== undefined ? { master: this.index(o.netns, o.master) } : {}),
        });
        if (m.netns === undefined || m.altname !== undefined) {
          const mi = this.index(m.netns, m.name);
          if (m.netns === undefined) await this.markLink(hm, mi);
          if (m.altname !== undefined) await hm.link.addAltnames(mi, [m.altname]);
        }
        if (o.altname !== undefined) await ho.link.addAltnames(oi, [o.altname]);
        return;
      }
      case 'create-macvlan':
      case 'create-vxlan': {
        // Made in the host (parent / underlay there), straight into the end's namespace.
        const host = this.h(HOST);
        const here = a.netns === undefined;
        const common = {
          name: a.name, up: true, mtu: a.mtu, address: a.mac,
          ...(here ? {} : { netns: { handle: this.h(a.netns) } }),
          ...(here && a.master !== undefined ? { master: this.index(HOST, a.master) } : {}),
        };
        const spec: LinkAddSpec = a.op === 'create-macvlan'
          ? { kind: 'macvlan', parent: a.parent, mode: a.mode as 'bridge', ...common }
          : { kind: 'vxlan', id: a.vni, remote: a.remote, group: a.group, local: a.local, dev: a.dev, port: a.port, ...common };
        await host.link.add(spec);
        const h = this.h(a.netns);
        const i = this.index(a.netns, a.name);
        if (here) await this.markLink(h, i);
        else if (a.master !== undefined) await h.link.set(i, { master: this.index(a.netns, a.master) });
        if (a.altname !== undefined) await h.link.addAltnames(i, [a.altname]);
        return;
      }
      case 'set-link': {
        const h = this.h(a.netns);
        const i = a.name === 'lo' ? 1 : this.index(a.netns, a.name);
        await h.link.set(i, {
          up: a.up, mtu: a.mtu, address: a.mac,
          ...(a.master === null ? { master: null } : a.master !== undefined ? { master: this.index(a.netns, a.master) } : {}),
        });
        return;
      }
      case 'add-address': {
        const h = this.h(a.netns);
        const i = a.dev === 'lo' ? 1 : this.index(a.netns, a.dev);
        // IPv6 addresses skip DAD: the lab's addresses are checked unique, and usable at once.
        await h.addr.add(i, a.cidr, a.cidr.includes(':') ? { nodad: true } : {});
        return;
      }
      case 'add-route':
        await this.h(a.netns).route.add(apiRoute(a.route, true));
        return;
      case 'replace-route':
        await this.h(a.netns).route.replace(apiRoute(a.route, true));
        return;
      case 'set-sysctl': {
        const h = this.h(a.netns);
        if (a.netns !== undefined) {
          h.sysctl.setSync(a.key, a.value);
          return;
        }
        // A host sysctl is shared with other labs: the value to restore is the one before any
        // lab changed it, which a lab already holding the key recorded.
        withHostLock(() => {
          if (this.record.effects.sysctls[a.key] === undefined) {
            this.record.effects.sysctls[a.key] = otherHolders(this.lab, a.key)[0]?.original ?? h.sysctl.getSync(a.key);
            writeRecord(this.record);
          }
          h.sysctl.setSync(a.key, a.value);
        });
        return;
      }
      case 'attach-uplink': {
        const host = this.h(HOST);
        const l = host.link.raw(a.nic);
        const prev = this.record.effects.uplinks[a.nic];
        if (prev === undefined) {
          this.record.effects.uplinks[a.nic] = { bridge: a.bridge, wasUp: (l.flags & IFF_UP) !== 0 };
        } else {
          prev.bridge = a.bridge;
        }
        writeRecord(this.record);
        await host.link.set(l.index, { master: this.index(HOST, a.bridge), up: true });
        return;
      }
      case 'add-nat':
        this.record.effects.nat = { table: a.table, subnets: a.subnets, ...(a.out !== undefined ? { out: a.out } : {}) };
        writeRecord(this.record);
        addNat(a.table, a.subnets, a.out);
        return;
      case 'run-exec': {
        const h = this.h(a.netns);
        for (const cmd of a.commands) {
          const r = await h.exec(cmd);
          if (r.code !== 0) {
            const err = (r.stderr.trim() || r.stdout.trim()).split('\n')[0] ?? '';
            throw new NsnetError('EXEC', `command ${JSON.stringify(cmd.join(' '))} in node ${a.node} ${r.code === null ? `was killed by ${r.signal}` : `exited with ${r.code}`}${err ? `: ${err}` : ''}`, `node ${a.node}`);
          }
        }
        this.record.execDone[a.node] = a.commands;
        return;
      }
    }
  }
}

/** A route of the file in the api's terms; the lab's own routes carry protocol static. */
function apiRoute(r: RouteSpec, ours = false): import('../api/types.js').RouteSpec {
  return {
    to: r.to, via: r.via, dev: r.dev, metric: r.metric, table: r.table,
    ...(ours ? { protocol: 'static' as const } : {}),
  };
}

// ------------------------------------------------------------------------------------- upLab

export interface UpOptions {
  file?: string;
  onProgress?: (p: Progress) => void;
  /** Plan only: nothing is locked, written or changed. */
  dryRun?: boolean;
  lock?: LockOptions;
}

export interface UpResult extends ApplyResult {
  plan: Plan;
}

/** Lock the lab, observe, plan, apply, record. Refusals throw RefusedError before anything changes. */
export async function upLab(spec: LabSpec, opts: UpOptions = {}): Promise<UpResult> {
  if (opts.dryRun) {
    const plan = await planFor(spec);
    return { lab: spec.name, noop: plan.noop, actions: [], counts: { added: 0, changed: 0, removed: 0 }, size: plan.counts, ms: 0, plan };
  }
  const t0 = performance.now();
  const lock = await lockLab(spec.name, opts.lock);
  let handles: Handles | undefined;
  try {
    const existing = readRecord(spec.name);
    const { observed, handles: hs } = await observeLab(spec, existing);
    handles = hs;
    const plan = planLab(spec, observed);
    if (plan.refusals.length) throw new RefusedError(spec.name, plan.refusals);
    if (plan.noop && existing && existing.state === 'up' && (opts.file === undefined || existing.file === opts.file)) {
      handles.closeAll();
      return { lab: spec.name, noop: true, actions: [], counts: { added: 0, changed: 0, removed: 0 }, size: plan.counts, ms: Math.round(performance.now() - t0), plan };
    }
    const record = existing ?? newRecord(spec.name, opts.file);
    if (opts.file !== undefined) record.file = opts.file;
    const r = await applyPlan(plan, { spec, record, handles, onProgress: opts.onProgress });
    if (plan.noop) {
      // The kernel matched but the record did not say so (lost, or from another file): write it.
      record.spec = spec;
      record.state = 'up';
      delete record.pending;
      record.intended = { namespaces: [], hostLinks: [] };
      writeRecord(record);
    }
    return { ...r, ms: Math.round(performance.now() - t0), plan };
  } finally {
    handles?.closeAll();
    // A refused first up leaves no trace: no record, no lock file.
    lock.release(!fs.existsSync(recordPath(spec.name)));
  }
}

/** The plan `up` would run now (read-only: no lock, no writes). */
export async function planFor(spec: LabSpec): Promise<Plan> {
  const { observed, handles } = await observeLab(spec, readRecord(spec.name));
  try {
    return planLab(spec, observed);
  } finally {
    handles.closeAll();
  }
}
