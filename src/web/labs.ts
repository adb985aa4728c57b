/**
 * The JSON the page draws, from the apply layer (records, status) and the api (a node's
 * interfaces, addresses, routes, neighbours). Read-only but for link up/down; nothing is kept
 * here between requests: every answer is read from the kernel and the lab's record.
 */
import { openNetnsSync } from '../api/handle.js';
import type { AddrInfo, LinkInfo, NeighInfo, RouteInfo } from '../api/types.js';
import { NsnetError } from '../kernel/errors.js';
import { Lab } from '../apply/lab.js';
import { listRecords, readRecord } from '../apply/state.js';
import { labStatus, type LinkStatus } from '../apply/status.js';
import type { Endpoint, LabSpec } from '../topology/model.js';

export interface LabSummary {
  name: string;
  state: string;
  nodes: number;
  bridges: number;
  links: number;
  file: string | null;
  updated: string | null;
}

/** GET /api/labs: every lab with a record on this host. */
export function labSummaries(): LabSummary[] {
  const out: LabSummary[] = [];
  for (const name of listRecords()) {
    const r = readRecord(name);
    const spec = r?.spec ?? r?.pending;
    if (!r) continue; // went down between the listing and the read
    out.push({ name, state: r.state, nodes: spec?.nodes.length ?? 0, bridges: spec?.bridges.length ?? 0, links: spec?.links.length ?? 0, file: r.file ?? null, updated: r.updated ?? null });
  }
  return out;
}

export interface EndView {
  /** undefined: the host namespace. */
  node?: string;
  netns?: string;
  name: string;
  bridge?: string;
  up: boolean | null;
  addresses: string[];
}

export interface LabView {
  name: string;
  state: string;
  file?: string;
  inSync: boolean;
  nodes: { name: string; netns: string; state: string; interfaces: LinkStatus[]; routes: string[] }[];
  bridges: { name: string; logical: string; node?: string; up: boolean | null; addresses: string[] }[];
  /** up: every end is up (null when an end is not there). */
  links: { id: string; kind: string; ends: EndView[]; up: boolean | null }[];
}

/** Lab NAME as its record knows it (NsnetError NO_LAB when there is none). */
export function labSpec(name: string): LabSpec {
  return Lab.byName(name).spec;
}

/** GET /api/labs/NAME: the topology with each object's state as the kernel has it now. */
export async function labView(name: string): Promise<LabView> {
  const spec = labSpec(name);
  const st = await labStatus(spec);
  const where = (node: string | undefined): LinkStatus[] => (node === undefined ? st.host : st.nodes.find((n) => n.name === node)?.links ?? []);
  const netnsOf = new Map(spec.nodes.map((n) => [n.name, n.netns]));
  const end = (e: Endpoint): EndView => {
    const l = where(e.node).find((x) => x.name === e.name);
    const v: EndView = { name: e.name, up: l ? l.up : null, addresses: l?.addresses ?? [] };
    if (e.node !== undefined) {
      v.node = e.node;
      v.netns = netnsOf.get(e.node)!;
    }
    if (e.bridge !== undefined) v.bridge = e.bridge;
    return v;
  };
  const view: LabView = {
    name: spec.name,
    state: st.state,
    inSync: st.inSync,
    nodes: st.nodes.map((n) => ({ name: n.name, netns: n.netns, state: n.state, interfaces: n.links, routes: n.routes })),
    bridges: spec.bridges.map((b) => {
      const l = where(b.node).find((x) => x.name === b.name);
      return { name: b.name, logical: b.logical, ...(b.node !== undefined ? { node: b.node } : {}), up: l ? l.up : null, addresses: l?.addresses ?? [] };
    }),
    links: spec.links.map((l) => {
      const ends = l.kind === 'veth' ? [end(l.a), end(l.b)] : [end(l.end)];
      const up = ends.some((e) => e.up === null) ? null : ends.every((e) => e.up);
      return { id: l.id, kind: l.kind, ends, up };
    }),
  };
  if (st.file !== undefined) view.file = st.file;
  return view;
}

export interface NodeDetail {
  lab: string;
  node: string;
  netns: string;
  links: LinkInfo[];
  addresses: AddrInfo[];
  routes: RouteInfo[];
  neighbours: NeighInfo[];
}

/** GET /api/labs/NAME/nodes/NODE: what `ip link`, `ip addr`, `ip route`, `ip neigh` show in the node. */
export async function nodeDetail(lab: string, node: string): Promise<NodeDetail> {
  const netns = Lab.byName(lab).netnsOf(node);
  const h = openNetnsSync(netns);
  try {
    return { lab, node, netns, links: await h.link.list(), addresses: await h.addr.list(), routes: await h.route.list(), neighbours: await h.neigh.list() };
  } finally {
    h.close();
  }
}

/**
 * POST /api/labs/NAME/links/ID {up}: set every end of one of the lab's links up or down (as
 * `ip link set DEV up|down` on each end). Only links the lab's record has are touched.
 */
export async function setLinkState(lab: string, id: string, up: boolean): Promise<void> {
  const spec = labSpec(lab);
  const link = spec.links.find((l) => l.id === id);
  if (!link) throw new NsnetError('NO_LINK', `lab ${lab} has no link ${JSON.stringify(id)}`, `link ${id}`, 'see GET /api/labs/NAME for its links');
  const ends = link.kind === 'veth' ? [link.a, link.b] : [link.end];
  for (const e of ends) {
    const netns = e.node === undefined ? undefined : spec.nodes.find((n) => n.name === e.node)!.netns;
    const h = openNetnsSync(netns);
    try {
      await h.link.set(e.name, { up });
    } finally {
      h.close();
    }
  }
}
