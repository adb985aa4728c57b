/**
 * Impairments, link failures and capture on a lab's cables, by NODE:IF (the library behind
 * lab.impair / lab.linkDown / lab.linkUp / lab.capture and the CLI commands of the same names).
 */
import { capture, type Capture, type CaptureOptions } from '../api/capture.js';
import { hostNetns, openNetnsSync, type Handle } from '../api/handle.js';
import { clearImpairment, impair, readImpairment, type ImpairSpec } from '../api/impair.js';
import { NsnetError } from '../api/errors.js';
import type { LabSpec } from '../topology/model.js';
import { resolveEnd, vethEnds, type LabEnd, type ResolvedEnd } from './endpoints.js';

/** Handles on the namespaces an operation touches, closed together. */
class Opened {
  private readonly open = new Map<string, Handle>();
  get(netns: string): Handle {
    if (netns === '') return hostNetns();
    let h = this.open.get(netns);
    if (!h) {
      h = openNetnsSync(netns);
      this.open.set(netns, h);
    }
    return h;
  }
  ep(e: LabEnd): { handle: Handle; dev: string } {
    return { handle: this.get(e.netns), dev: e.name };
  }
  close(): void {
    for (const h of this.open.values()) h.close();
  }
}

async function withOpened<T>(fn: (o: Opened) => Promise<T>): Promise<T> {
  const o = new Opened();
  try {
    return await fn(o);
  } finally {
    o.close();
  }
}

function needVeth(r: ResolvedEnd, what: string): asserts r is Required<ResolvedEnd> {
  if (!r.peer || !r.link) throw new NsnetError('NOT_A_CABLE', `${r.end.label} is not an end of a veth link`, r.end.label,
    `${what} works on the lab's veth links: name an end of one (NODE:IF)`);
}

/** Set (replace) the impairment of traffic leaving NODE:IF; an empty spec clears it. */
export async function labImpair(spec: LabSpec, ref: string, s: ImpairSpec): Promise<void> {
  const r = resolveEnd(spec, ref);
  needVeth(r, 'impair');
  await withOpened(async (o) => {
    if (Object.keys(s).length === 0) await clearImpairment(o.ep(r.end), o.ep(r.peer));
    else await impair(o.ep(r.end), s, o.ep(r.peer));
  });
}

/** The impairments in force on every veth end of the lab (ends without any are left out). */
export async function labImpairments(spec: LabSpec): Promise<Array<{ endpoint: string; impair: ImpairSpec }>> {
  return withOpened(async (o) => {
    const out: Array<{ endpoint: string; impair: ImpairSpec }> = [];
    for (const r of vethEnds(spec)) {
      const s = await readImpairment(o.ep(r.end), o.ep(r.peer!));
      if (Object.keys(s).length) out.push({ endpoint: r.end.label, impair: s });
    }
    return out;
  });
}

/**
 * Pull (down) or plug (up) the cable at NODE:IF. A node-to-bridge link fails at its bridge
 * port: the node's end loses carrier (NO-CARRIER) while staying administratively up, so
 * nothing inside the node can undo it. A failable link (`failable: true`) fails at both ports of
 * its middle bridge, so both node ends lose carrier. A plain node-to-node veth has no end the
 * lab controls apart from the nodes' own, so it is refused (see the README: failable links).
 */
export async function labLinkState(spec: LabSpec, ref: string, up: boolean): Promise<void> {
  const r = resolveEnd(spec, ref);
  needVeth(r, up ? 'link-up' : 'link-down');
  const ports = r.link.failable !== undefined
    ? spec.links.flatMap((l) => (l.kind === 'veth' && l.failable === r.link.failable ? [resolveEnd(spec, `${l.a.node}:${l.a.logical}`).peer!] : []))
    : [r.end.bridge !== undefined ? r.end : r.peer.bridge !== undefined ? r.peer : undefined].filter((x): x is LabEnd => x !== undefined);
  if (!ports.length) {
    throw new NsnetError('NOT_FAILABLE', `link ${r.link.id} joins two nodes directly; a veth pair cannot drop carrier on both of its own ends`, r.link.id,
      'write it in object form with failable: true (a middle the lab controls), or connect the nodes through a bridge');
  }
  await withOpened(async (o) => {
    for (const port of ports) await o.get(port.netns).link.set(port.name, { up });
  });
}

/** Capture on NODE:IF ends (host:IF for host-side ones); handles stay open until the capture ends. */
export function labCapture(spec: LabSpec, refs: string[], opts: CaptureOptions = {}): Capture {
  const o = new Opened();
  try {
    const targets = refs.map((ref) => {
      const { end } = resolveEnd(spec, ref);
      return { ...o.ep(end), name: end.label };
    });
    const c = capture(targets, opts);
    void c.done.finally(() => o.close());
    return c;
  } catch (e) {
    o.close();
    throw e;
  }
}
