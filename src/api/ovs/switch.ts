import { NsnetError } from '../../kernel/errors.js';
import {
  datumItems, del, insert, map, mutate, namedUuid, OvsMap, select, set, update, uuid as uuidOf, wait, where,
  type Atom, type Operation, type Row, type Uuid,
} from '../../wire/ovsdb/index.js';
import type { OvsdbClient } from './client.js';
import type { DatapathType } from './daemons.js';

/**
 * Open vSwitch bridges and ports as nsnet makes them, through OVSDB transactions (what
 * `ovs-vsctl add-br`, `add-port`, `set port tag=`, `del-br` do, one transaction per call).
 * Everything nsnet makes carries external_ids:nsnet-lab=LAB, and only rows with it are changed.
 */
export const OVS_DB = 'Open_vSwitch';
export const LAB_KEY = 'nsnet-lab';

export interface OvsPortSpec {
  /** Port and interface name: a netdev in the namespace ovs-vswitchd runs in. */
  name: string;
  /** Access port on this VLAN (same as: ovs-vsctl set port NAME tag=N). */
  tag?: number;
  /** Trunk port carrying these VLANs (same as: ovs-vsctl set port NAME trunks=A,B). */
  trunks?: number[];
}

export interface OvsBridgeSpec {
  name: string;
  datapathType: DatapathType;
  ports: OvsPortSpec[];
}

export interface ObservedPort extends OvsPortSpec {
  uuid: string;
  /** The lab that made it, if nsnet did. */
  lab?: string;
  /** What ovs-vswitchd reports for its interface ("could not open network device ..."). */
  error?: string;
  ofport?: number;
}

export interface ObservedBridge {
  name: string;
  uuid: string;
  lab?: string;
  datapathType: string;
  /** The ports, without the bridge's own internal port. */
  ports: ObservedPort[];
}

const labOf = (ext: unknown): string | undefined => {
  const v = ext instanceof OvsMap ? ext.get(LAB_KEY) : undefined;
  return typeof v === 'string' ? v : undefined;
};
const uuidStr = (a: unknown): string => (a as Uuid).uuid;
const ints = (d: Row[string] | undefined): number[] => datumItems(d).filter((x): x is number => typeof x === 'number');

/** Bridges, ports and interfaces as ovs-vswitchd's database has them now. */
export async function observeSwitch(c: OvsdbClient): Promise<ObservedBridge[]> {
  const [b, p, i] = await c.transact(OVS_DB, [
    select('Bridge', [], ['_uuid', 'name', 'ports', 'external_ids', 'datapath_type']),
    select('Port', [], ['_uuid', 'name', 'tag', 'trunks', 'external_ids', 'interfaces']),
    select('Interface', [], ['_uuid', 'name', 'error', 'ofport']),
  ]);
  const ifaces = new Map((i!.rows ?? []).map((r) => [uuidStr(r._uuid), r]));
  const ports = new Map((p!.rows ?? []).map((r) => [uuidStr(r._uuid), r]));
  return (b!.rows ?? []).map((br) => {
    const name = String(br.name);
    const out: ObservedPort[] = [];
    for (const pu of datumItems(br.ports)) {
      const pr = ports.get(uuidStr(pu));
      if (!pr || pr.name === name) continue;
      const port: ObservedPort = { name: String(pr.name), uuid: uuidStr(pu) };
      const tag = ints(pr.tag);
      if (tag.length) port.tag = tag[0]!;
      const trunks = ints(pr.trunks);
      if (trunks.length) port.trunks = trunks;
      const lab = labOf(pr.external_ids);
      if (lab) port.lab = lab;
      const ir = ifaces.get(uuidStr(datumItems(pr.interfaces)[0]));
      const err = ir ? datumItems(ir.error)[0] : undefined;
      if (typeof err === 'string') port.error = err;
      const ofport = ir ? ints(ir.ofport)[0] : undefined;
      if (ofport !== undefined) port.ofport = ofport;
      out.push(port);
    }
    const bridge: ObservedBridge = { name, uuid: uuidStr(br._uuid), datapathType: String(br.datapath_type), ports: out.sort((x, y) => x.name.localeCompare(y.name)) };
    const lab = labOf(br.external_ids);
    if (lab) bridge.lab = lab;
    return bridge;
  });
}

/**
 * Make sure the database has its one Open_vSwitch row (ovs-vsctl init). Two labs coming up at
 * once on a new database may both find it empty: the wait lets only one insert, and the other,
 * its wait failed, finds the row the first made.
 */
export async function ensureRoot(c: OvsdbClient): Promise<void> {
  const hasRow = async (): Promise<boolean> => ((await c.transact(OVS_DB, [select('Open_vSwitch', [], ['_uuid'])]))[0]!.rows ?? []).length > 0;
  if (await hasRow()) return;
  try {
    await c.transact(OVS_DB, [wait('Open_vSwitch', [], ['_uuid'], '==', [], 0), insert('Open_vSwitch', {})]);
  } catch (e) {
    if (await hasRow()) return;
    throw e;
  }
}

const portRow = (p: OvsPortSpec, lab: string, iface: string): Row => ({
  name: p.name,
  interfaces: namedUuid(iface),
  tag: p.tag !== undefined ? p.tag : set(),
  trunks: set(...(p.trunks ?? [])),
  external_ids: map({ [LAB_KEY]: lab }),
});

/** Operations inserting one port (and its interface); its row is then namedUuid(`p${i}`). */
function portOps(p: OvsPortSpec, lab: string, i: number): Operation[] {
  return [
    // The port name must be free: the wait fails the transaction if any bridge has it.
    wait('Port', [where('name', '==', p.name)], ['name'], '==', [], 0),
    insert('Interface', { name: p.name, external_ids: map({ [LAB_KEY]: lab }) }, `i${i}`),
    insert('Port', portRow(p, lab, `i${i}`), `p${i}`),
  ];
}

/**
 * Create a bridge with its ports in one transaction (same as: ovs-vsctl add-br B -- set bridge
 * B datapath_type=T -- add-port B P tag=N ...). Fails, changing nothing, if a bridge of that
 * name or a port of one of those names exists.
 */
export async function createBridge(c: OvsdbClient, lab: string, b: OvsBridgeSpec): Promise<void> {
  const ops: Operation[] = [wait('Bridge', [where('name', '==', b.name)], ['name'], '==', [], 0)];
  b.ports.forEach((p, i) => ops.push(...portOps(p, lab, i)));
  ops.push(
    insert('Interface', { name: b.name, type: 'internal' }, 'ilocal'),
    insert('Port', { name: b.name, interfaces: namedUuid('ilocal') }, 'plocal'),
    insert('Bridge', {
      name: b.name,
      datapath_type: b.datapathType,
      ports: set(namedUuid('plocal'), ...b.ports.map((_, i) => namedUuid(`p${i}`))),
      external_ids: map({ [LAB_KEY]: lab }),
    }, 'bridge'),
    mutate('Open_vSwitch', [], [['bridges', 'insert', set(namedUuid('bridge'))]]),
  );
  await transactClearly(c, ops, `create OVS bridge ${b.name}`);
  await waitApplied(c);
}

/** Add ports to a bridge of `lab` in one transaction (same as: ovs-vsctl add-port B P ...). */
export async function addPorts(c: OvsdbClient, lab: string, bridge: string, ports: OvsPortSpec[]): Promise<void> {
  if (ports.length === 0) return;
  const ops: Operation[] = [ownedBridge(bridge, lab)];
  ports.forEach((p, i) => ops.push(...portOps(p, lab, i)));
  ops.push(mutate('Bridge', [where('name', '==', bridge)], [['ports', 'insert', set(...ports.map((_, i) => namedUuid(`p${i}`)))]]));
  await transactClearly(c, ops, `add ports to OVS bridge ${bridge}`);
}

/** Set a port's VLANs (same as: ovs-vsctl set port P tag=N trunks=...); `lab` must own it. */
export async function setPortVlans(c: OvsdbClient, lab: string, p: OvsPortSpec): Promise<void> {
  await transactClearly(c, [
    wait('Port', [where('name', '==', p.name), where('external_ids', 'includes', map({ [LAB_KEY]: lab }))], ['name'], '==', [{ name: p.name }], 0),
    update('Port', [where('name', '==', p.name)], { tag: p.tag !== undefined ? p.tag : set(), trunks: set(...(p.trunks ?? [])) }),
  ], `set VLANs of OVS port ${p.name}`);
}

/** Remove ports of `lab` from a bridge (same as: ovs-vsctl del-port B P). */
export async function removePorts(c: OvsdbClient, lab: string, bridge: string, portUuids: string[]): Promise<void> {
  if (portUuids.length === 0) return;
  await transactClearly(c, [
    ownedBridge(bridge, lab),
    mutate('Bridge', [where('name', '==', bridge)], [['ports', 'delete', set(...portUuids.map(uuidOf))]]),
  ], `remove ports from OVS bridge ${bridge}`);
}

/**
 * Delete a bridge of `lab` with its ports (same as: ovs-vsctl del-br B). A bridge of that name
 * that `lab` did not make is left alone and reported. Returns false when there was none.
 */
export async function deleteBridge(c: OvsdbClient, lab: string, name: string): Promise<boolean> {
  const [s] = await c.transact(OVS_DB, [select('Bridge', [where('name', '==', name)], ['_uuid', 'external_ids'])]);
  const row = s!.rows?.[0];
  if (!row) return false;
  const owner = labOf(row.external_ids);
  if (owner !== lab) throw foreignBridge(name, owner, lab);
  await transactClearly(c, [
    ownedBridge(name, lab),
    mutate('Open_vSwitch', [], [['bridges', 'delete', set(row._uuid as Atom)]]),
  ], `delete OVS bridge ${name}`);
  // ovs-vswitchd removes the bridge's device (a persistent tap on the userspace datapath) only
  // when it applies the change: a daemon stopped before that would leave the device behind.
  await waitApplied(c);
  return true;
}

/**
 * Wait until ovs-vswitchd has applied the database as it is now, as ovs-vsctl does after a
 * change (next_cfg incremented, then cur_cfg awaited). Returns false when it did not within
 * `timeoutMs` (no ovs-vswitchd runs): the change stays in the database and applies when one does.
 */
export async function waitApplied(c: OvsdbClient, timeoutMs = 5000): Promise<boolean> {
  const [, s] = await c.transact(OVS_DB, [mutate('Open_vSwitch', [], [['next_cfg', '+=', 1]]), select('Open_vSwitch', [], ['next_cfg'])]);
  const target = Number(s!.rows?.[0]?.next_cfg);
  const until = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    const [r] = await c.transact(OVS_DB, [select('Open_vSwitch', [], ['cur_cfg'])]);
    if (Number(r!.rows?.[0]?.cur_cfg) >= target) return true;
    if (Date.now() >= until) return false;
    await new Promise((res) => setTimeout(res, wait));
  }
}

function ownedBridge(name: string, lab: string): Operation {
  return wait('Bridge', [where('name', '==', name), where('external_ids', 'includes', map({ [LAB_KEY]: lab }))], ['name'], '==', [{ name }], 0);
}

export function foreignBridge(name: string, owner: string | undefined, lab: string): NsnetError {
  const whose = owner ? `lab ${owner}` : 'something other than nsnet';
  return new NsnetError('FOREIGN_OVS_BRIDGE', `OVS bridge ${name} exists and was made by ${whose}, not lab ${lab}`, `OVS bridge ${name}`, 'rename the bridge in the topology or remove the other one');
}

/** Run a transaction; a failed `wait` (something already there, or not ours) is said in words. */
async function transactClearly(c: OvsdbClient, ops: Operation[], what: string): Promise<void> {
  try {
    await c.transact(OVS_DB, ops);
  } catch (e) {
    const m = /operation (\d+) \(wait (\w+)\): timed out/.exec((e as Error).message);
    if (!m) throw new NsnetError('OVSDB', `${what}: ${(e as Error).message}`, what);
    const op = ops[Number(m[1])]!.json as { where: Array<[string, string, unknown]>; rows: unknown[] };
    const name = String(op.where[0]![2]);
    const exists = op.rows.length === 0;
    const msg = m[2] === 'Bridge'
      ? exists ? `OVS bridge ${name} already exists` : `OVS bridge ${name} is missing or not made by this lab`
      : exists ? `OVS port ${name} is already on a bridge` : `OVS port ${name} is missing or not made by this lab`;
    throw new NsnetError(exists ? 'EEXIST' : 'ENOENT', `${what}: ${msg}`, `OVS ${m[2]!.toLowerCase()} ${name}`, exists ? 'remove it first or choose another name' : undefined);
  }
}
