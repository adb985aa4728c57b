/**
 * A lab from TypeScript: describe it in code (or load a file), then plan, up, exec, down.
 *
 *   import { Lab } from 'nsnet';
 *   const nodes: Record<string, object> = {};
 *   const links = [];
 *   for (let i = 1; i <= 200; i++) {
 *     nodes[`h${i}`] = { interfaces: { eth0: { addresses: [`10.0.${i >> 8}.${i & 255}/16`] } } };
 *     links.push([`h${i}:eth0`, 'br0']);
 *   }
 *   const lab = Lab.from({ name: 'star', nodes, bridges: { br0: {} }, links });
 *   await lab.up();
 *   const r = await lab.exec('h1', ['ping', '-c1', '10.0.0.200']);
 *   await lab.down();
 *
 * In a test (node:test), `await Lab.upFor(t, {...})` brings the lab up and registers its
 * teardown with `t.after`, so it goes even when the test fails.
 */
import { openNetnsSync, type Handle } from '../api/handle.js';
import type { ExecOptions, ExecResult } from '../api/types.js';
import { NsnetError } from '../api/errors.js';
import type { Plan } from '../plan/actions.js';
import type { LabSpec } from '../topology/model.js';
import { validateTopology, type TopologyIssue } from '../topology/parse.js';
import type { TopologyInput } from '../topology/schema.js';
import { planFor, upLab, type Progress, type UpResult } from './apply.js';
import { downLab, type DownResult } from './down.js';
import { checkLabName, readRecord } from './state.js';
import { LabError } from './errors.js';
import { fromResult, loadLabFile, TopologyError } from './labfile.js';
import { labStatus, type LabStatus } from './status.js';
import type { Capture, CaptureOptions } from '../api/capture.js';
import type { ImpairSpec } from '../api/impair.js';
import { labCapture, labImpair, labImpairments, labLinkState } from './impair-lab.js';

export { TopologyError };

/** The part of node:test's TestContext that upFor needs. */
export interface TestLike {
  after(fn: () => unknown): void;
}

function isLabSpec(x: unknown): x is LabSpec {
  const o = x as Partial<LabSpec> | null;
  return !!o && typeof o === 'object' && typeof o.name === 'string' && typeof o.prefix === 'string' &&
    Array.isArray(o.nodes) && Array.isArray(o.bridges) && Array.isArray(o.links) && Array.isArray(o.uplinks);
}

export class Lab {
  private readonly handles = new Map<string, Handle>();

  private constructor(
    /** The normalized, validated lab. */
    readonly spec: LabSpec,
    /** The topology file it was loaded from (absolute), if any. */
    readonly file?: string,
    /** Warnings of the validation (the lab is usable). */
    readonly warnings: TopologyIssue[] = [],
  ) {}

  /**
   * A lab from an object in the topology file's shape (validated: throws a TopologyError with
   * every issue), or from an already normalized LabSpec (used as is).
   */
  static from(input: TopologyInput | LabSpec): Lab {
    if (isLabSpec(input)) {
      checkLabName(input.name);
      return new Lab(structuredClone(input));
    }
    const { spec, warnings } = fromResult(validateTopology(input));
    return new Lab(spec, undefined, warnings);
  }

  /** A lab from a topology file (YAML or JSON); throws a TopologyError naming file:line:column. */
  static load(file: string): Lab {
    const { spec, file: abs, warnings } = loadLabFile(file);
    return new Lab(spec, abs, warnings);
  }

  /** The lab as last applied on this host (from its record), for down/status/exec by name. */
  static byName(name: string): Lab {
    const r = readRecord(name);
    const spec = r?.spec ?? r?.pending;
    if (!spec) throw new LabError('NO_LAB', name, `lab ${name} is not up on this host (no record)`);
    return new Lab(spec, r?.file);
  }

  /**
   * Bring a lab up for one test and register its teardown with `t.after` (before up, so a
   * failed or half-done up is removed too). Returns the lab.
   */
  static async upFor(t: TestLike, input: TopologyInput | LabSpec | Lab, opts: { onProgress?: (p: Progress) => void } = {}): Promise<Lab> {
    const lab = input instanceof Lab ? input : Lab.from(input);
    t.after(() => lab.down());
    await lab.up(opts);
    return lab;
  }

  get name(): string {
    return this.spec.name;
  }

  /** What up would do now, with reasons (read-only). */
  plan(): Promise<Plan> {
    return planFor(this.spec);
  }

  /** Make the kernel match the lab; a second up with no change does nothing. `workers`: threads for a big lab (UpOptions.workers). */
  up(opts: { onProgress?: (p: Progress) => void; dryRun?: boolean; workers?: number } = {}): Promise<UpResult> {
    const o: Parameters<typeof upLab>[1] = { ...opts };
    if (this.file !== undefined) o.file = this.file;
    return upLab(this.spec, o);
  }

  /** Remove everything the lab made (and restore what it changed on the host). */
  async down(): Promise<DownResult> {
    this.close();
    return downLab(this.spec.name);
  }

  /** Nodes, links, addresses, routes as the kernel has them, and the drift from the lab. */
  status(): Promise<LabStatus> {
    return labStatus(this.spec);
  }

  /** The namespace name of a node (prefix + name). */
  netnsOf(node: string): string {
    const n = this.spec.nodes.find((x) => x.name === node);
    if (!n) throw new NsnetError('NO_NODE', `lab ${this.name} has no node ${JSON.stringify(node)}`, `node ${node}`, `nodes are: ${this.spec.nodes.slice(0, 10).map((x) => x.name).join(', ')}${this.spec.nodes.length > 10 ? ', ...' : ''}`);
    return n.netns;
  }

  /** A handle on a node's namespace (the api: link, addr, route, neigh, sysctl, exec); closed by down() or close(). */
  node(name: string): Handle {
    const ns = this.netnsOf(name);
    let h = this.handles.get(ns);
    if (!h || h.isClosed) {
      h = openNetnsSync(ns);
      this.handles.set(ns, h);
    }
    return h;
  }

  /** Run a command in a node, as `ip netns exec NODE CMD...` would, and collect its output. */
  exec(node: string, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.node(node).exec(cmd, opts);
  }

  /** Set the impairment of traffic leaving NODE:IF (tc units: `{ rate: '10mbit', loss: '1%' }`); `{}` clears it. */
  impair(endpoint: string, spec: ImpairSpec): Promise<void> {
    return labImpair(this.spec, endpoint, spec);
  }

  /** The impairments in force on the lab's cables. */
  impairments(): Promise<Array<{ endpoint: string; impair: ImpairSpec }>> {
    return labImpairments(this.spec);
  }

  /** Pull the cable at NODE:IF: the node's end shows NO-CARRIER and stays up. */
  linkDown(endpoint: string): Promise<void> {
    return labLinkState(this.spec, endpoint, false);
  }

  /** Plug the cable at NODE:IF back in. */
  linkUp(endpoint: string): Promise<void> {
    return labLinkState(this.spec, endpoint, true);
  }

  /** Capture on NODE:IF ends (pcapng, one interface per end); see api/capture.ts. */
  capture(endpoints: string[], opts: CaptureOptions = {}): Capture {
    return labCapture(this.spec, endpoints, opts);
  }

  /** Close the handles node() opened. */
  close(): void {
    for (const h of this.handles.values()) h.close();
    this.handles.clear();
  }
}
