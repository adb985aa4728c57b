/**
 * The Open vSwitch bridge backend (type: ovs): the OVS bridges of the file against what OVSDB
 * holds (observed by src/apply/ovs.ts). Pure. Its bridges are not kernel links of the plan and
 * its ports have no IFLA_MASTER: ovs-vswitchd takes them as OVSDB rows. The bridge is the unit:
 * it is made with all its ports in one transaction, and an owned bridge whose ports (names, VLANs) differ from the file, whose ports report an error, or whose
 * port veths are being made again, is replaced whole. Bridges the lab owns (external_ids
 * nsnet-lab) that the file no longer has go; a bridge of the same name that the lab does not
 * own, or a port name held by a bridge the lab does not own, is a refusal.
 */
import { hintOf } from '../../api/errors.js';
import type { BridgeSpec } from '../../topology/model.js';
import type { Action, Refusal } from '../actions.js';
import type { DesiredLab } from '../desired.js';
import { endpointNs, HOST, linkKey } from '../host.js';
import type { OvsPort } from '../kinds/create-ovs-bridge.js';
import type { ObservedLab } from '../observed.js';
import type { Planner } from '../planner.js';
import { bridgeType, type BridgeBackend } from './backend.js';

const portKey = (p: OvsPort): string => `${p.name} tag=${p.tag ?? '-'} trunks=${p.trunks?.join(',') ?? '-'}`;
const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

interface Wanted {
  bridge: BridgeSpec;
  ports: OvsPort[];
  offload: { netns?: string; name: string }[];
  /** Host NICs among the ports (uplinks). */
  uplinks: string[];
}

/** The ports of each OVS bridge of the file, and the far ends of its veth ports. */
export function ovsBridgesOf(d: DesiredLab): Wanted[] {
  return d.spec.bridges.filter((b) => bridgeType(b) === 'ovs').map((bridge) => {
    const w: Wanted = { bridge, ports: [], offload: [], uplinks: [] };
    for (const l of d.spec.links) {
      if (l.kind !== 'veth') continue;
      for (const [self, other] of [[l.a, l.b], [l.b, l.a]] as const) {
        if (self.bridge !== bridge.logical) continue;
        w.ports.push({ name: self.name, ...(l.vlan !== undefined ? { tag: l.vlan } : {}), ...(l.trunks !== undefined ? { trunks: l.trunks } : {}) });
        const ns = endpointNs(d, other);
        w.offload.push({ ...(ns !== HOST ? { netns: ns } : {}), name: other.name });
      }
    }
    for (const u of d.spec.uplinks) {
      if (u.kind !== 'bridge' || u.bridge !== bridge.logical) continue;
      w.ports.push({ name: u.nic, ...(u.trunks !== undefined ? { trunks: u.trunks } : {}) });
      w.uplinks.push(u.nic);
    }
    return w;
  });
}

export const ovsBridge: BridgeBackend = {
  type: 'ovs',
  kernelMaster: false,
  plan(p: Planner): void {
    // Host ends of port veths that are not there as they should be are made in this plan.
    const remade = new Set<string>();
    for (const w of ovsBridgesOf(p.d)) for (const port of w.ports) if (p.d.links.get(HOST)?.has(port.name) && !p.kept.has(linkKey(HOST, port.name))) remade.add(port.name);
    const r = planOvs(p.d, p.o, remade);
    for (const a of r.actions) p.add(a);
    for (const x of r.refusals) p.refuse(x);
  },
};

/** The OVS bridges' actions and refusals; `remade`: port veths (host ends) this plan makes again. */
export function planOvs(d: DesiredLab, o: ObservedLab, remade: ReadonlySet<string>): { actions: Action[]; refusals: Refusal[] } {
  const lab = d.spec.name;
  const actions: Action[] = [];
  const refusals: Refusal[] = [];
  const wanted = ovsBridgesOf(d);
  const seen = o.ovs?.bridges ?? [];
  if (wanted.length && o.ovs?.missing !== undefined) {
    const b = wanted[0]!.bridge;
    refusals.push({ code: 'OVS_MISSING', object: `OVS bridge ${b.name}`, path: ['bridges', b.logical], ...o.ovs.missing });
    return { actions, refusals };
  }
  const names = new Set(wanted.map((w) => w.bridge.name));
  for (const b of seen) {
    if (b.lab === lab && !names.has(b.name)) actions.push({ op: 'delete-ovs-bridge', name: b.name, target: `OVS bridge ${b.name}`, reason: 'not in the file any more' });
  }
  for (const w of wanted) {
    const path = ['bridges', w.bridge.logical];
    const have = seen.find((b) => b.name === w.bridge.name);
    if (have && have.lab !== lab) {
      const whose = have.lab ? `lab ${have.lab}` : 'something other than nsnet';
      refusals.push({
        code: 'FOREIGN_OVS_BRIDGE', object: `OVS bridge ${w.bridge.name}`, path, detail: `OVS bridge ${w.bridge.name} exists and was made by ${whose}`,
        hint: hintOf(`rename the bridge in the file or remove the other one (ovs-vsctl del-br ${w.bridge.name})`),
      });
      continue;
    }
    let busy = false;
    for (const p of w.ports) {
      const holder = seen.find((b) => b.name !== w.bridge.name && b.lab !== lab && b.ports.some((x) => x.name === p.name));
      if (!holder) continue;
      busy = true;
      refusals.push({
        code: 'OVS_PORT_IN_USE', object: `OVS port ${p.name}`, path, detail: `${p.name} is already a port of OVS bridge ${holder.name}, which lab ${lab} does not own`,
        hint: hintOf(`remove it there (ovs-vsctl del-port ${holder.name} ${p.name}) or rename it`),
      });
    }
    if (busy) continue;
    const a: Action = { op: 'create-ovs-bridge', name: w.bridge.name, ports: w.ports, offload: w.offload, target: `OVS bridge ${w.bridge.name}`, reason: `new OVS bridge ${w.bridge.logical} with ${w.ports.length} port(s)` };
    if (w.uplinks.length) a.uplinks = w.uplinks;
    if (have) {
      const why = driftOf(w, have, remade);
      if (!why) continue;
      a.replace = true;
      a.reason = `replacing: ${why}`;
    }
    actions.push(a);
  }
  return { actions, refusals };
}

function driftOf(w: Wanted, have: NonNullable<ObservedLab['ovs']>['bridges'][number], remade: ReadonlySet<string>): string | undefined {
  const want = w.ports.map(portKey);
  const got = have.ports.map((p) => portKey({ name: p.name, ...(p.tag !== undefined ? { tag: p.tag } : {}), ...(p.trunks !== undefined ? { trunks: p.trunks } : {}) }));
  if (!sameSet(want, got)) {
    const missing = want.filter((k) => !got.includes(k));
    const extra = got.filter((k) => !want.includes(k));
    return `its ports differ from the file (${[...missing.map((k) => `file: ${k}`), ...extra.map((k) => `OVS: ${k}`)].join('; ')})`;
  }
  const broken = have.ports.find((p) => p.error !== undefined);
  if (broken) return `port ${broken.name} reports: ${broken.error}`;
  const again = w.ports.find((p) => remade.has(p.name));
  if (again) return `its port ${again.name} is made again`;
  return undefined;
}
