/**
 * What an action kind's apply half works with: handles on the lab's namespaces, ifindexes
 * resolved once, the lab's mark and record, and the links apply must see gone before it goes on.
 * One per applyPlan run.
 */
import type { Handle } from '../../api/handle.js';
import type { LinkSetSpec } from '../../api/types.js';
import { NsnetError } from '../../api/errors.js';
import type { FreedLink } from '../../plan/actions.js';
import { HOST } from '../../plan/desired.js';
import { markFor } from '../../plan/observed.js';
import type { Handles } from '../handles.js';
import { waitFreed } from '../settle.js';
import { LabError, type During } from '../errors.js';
import type { LabRecord } from '../state.js';

/** What a run removed and restored, for down's result (up counts its actions instead). */
export interface RunReport {
  /** Namespaces deleted (not those already gone). */
  namespaces: string[];
  /** Host links deleted. */
  links: string[];
  /** Bridges outside the kernel's links (Open vSwitch) removed: "OVS bridge sw1". */
  bridges: string[];
  /** Host effects undone: "eth1 left br0", "net.ipv4.ip_forward=0", "nftables table nsnet-x". */
  restored: string[];
  /** What was left as it is, and why. */
  skipped: string[];
}

export class ApplyContext {
  readonly mark: string;
  readonly done: RunReport = { namespaces: [], links: [], bridges: [], restored: [], skipped: [] };
  private readonly idx = new Map<string, number>();
  private readonly frees: FreedLink[] = [];

  constructor(readonly lab: string, readonly record: LabRecord, readonly handles: Handles, readonly during: During = 'up') {
    this.mark = markFor(lab);
  }

  /** The handle on a namespace (undefined or '' for the host), opened on first use. */
  h(ns: string | undefined): Handle {
    return this.handles.get(ns);
  }

  /** The ifindex of a link, resolved once. */
  index(ns: string | undefined, name: string): number {
    const k = `${ns ?? HOST}\0${name}`;
    let i = this.idx.get(k);
    if (i === undefined) {
      i = this.h(ns).link.index(name);
      this.idx.set(k, i);
    }
    return i;
  }

  /** Forget the ifindex of a link (or of every link of a namespace) that goes. */
  forget(ns: string | undefined, name?: string): void {
    const p = `${ns ?? HOST}\0`;
    for (const k of [...this.idx.keys()]) if (name === undefined ? k.startsWith(p) : k === p + name) this.idx.delete(k);
  }

  /** Put the lab's ownership mark on a link. */
  async markLink(h: Handle, index: number): Promise<void> {
    await h.link.set(index, { alias: this.mark });
  }

  /**
   * Start a veth end the lab just made, still down, in the host namespace: such an end is only
   * ever a bridge port, so IPv6 goes off first (no link-local address, no routes, no DAD or MLD
   * on it), then it comes up with the mark and `more` (its bridge) in one request. With IPv6 on,
   * big labs were quadratic: the mark is a link change, and IPv6 answers a change on a link
   * without carrier yet by walking the whole host IPv6 routing table, three routes per port
   * (3000-node tree: up 17-18 s -> 9.5-9.7 s, down 5.4-5.6 s -> 4.2-4.3 s).
   */
  async startHostPort(h: Handle, name: string, index: number, more: LinkSetSpec = {}): Promise<void> {
    h.sysctl.writeSync(`net/ipv6/conf/${name}/disable_ipv6`, 1); // the slash form: a name may hold dots
    await h.link.set(index, { up: true, alias: this.mark, ...more });
  }

  /** Links that go with a deleted namespace: settle() waits for them before anything is made. */
  willFree(links: FreedLink[]): void {
    this.frees.push(...links);
    for (const f of links) this.forget(f.netns, f.name);
  }

  /** Whether settle() has links to wait for. */
  get settling(): boolean {
    return this.frees.length > 0;
  }

  /** Wait until links that go with deleted namespaces are gone (so their names can be used again). */
  async settle(): Promise<void> {
    if (!this.frees.length) return;
    const links = this.frees.splice(0);
    await waitFreed(this.handles, links, {
      timeout: (left, ms) => {
        const f = left[left.length - 1]!;
        return new LabError('LINK_STUCK', this.lab, `link ${f.name}${f.netns ? ` in ${f.netns}` : ''} is still there ${ms / 1000} s after its peer's namespace was deleted`, { object: `link ${f.name}`, during: this.during });
      },
    });
  }
}

/** How one kind is applied: through src/api, with the context of the run. */
export type ApplyFn<A> = (a: A, c: ApplyContext) => Promise<unknown> | void;

/** Run `fn`, taking the kernel's `code` as "already so" (a delete of what is gone); false then. */
export async function unless(codes: string[], fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    if (!(e instanceof NsnetError && codes.includes(e.code))) throw e;
    return false;
  }
}
