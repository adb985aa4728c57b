/** vxlan links: remote (unicast) or group (multicast, with dev), local of the peer's family, the underlay NIC. */
import type { z } from 'zod';
import { parseIp, type Ip } from '../cidr.js';
import { formatPath } from '../issues.js';
import type { Path } from '../registry.js';
import type { Schemas } from '../zodshapes.js';
import type { Checker } from './checker.js';
import { endpoint, endRef } from './endpoints.js';
import { nic } from './nics.js';

const DEFAULT_VXLAN_PORT = 4789;

type VxlanIn = z.output<Schemas['Vxlan']>;

export function vxlan(c: Checker, path: Path, d: VxlanIn): void {
  const ep: Path = [...path, 'endpoint'];
  const e = endpoint(c, d.endpoint, ep, true, '');
  if (!e) c.linksBroken = true;
  const peers = vxlanPeers(c, path, d);
  let ok = peers !== undefined;
  if (d.dev !== undefined && !nic(c, d.dev, [...path, 'dev'], `underlay of ${formatPath(path)}`)) ok = false;
  if (!e) return;
  const end = endRef(c, e, ep, path, `vxlan${d.id}`);
  if (!end || !ok || !peers) return;
  const { remote, group, local } = peers;
  c.links.push({
    kind: 'vxlan',
    path,
    end,
    vni: d.id,
    ...(remote ? { remote: remote.text } : {}),
    ...(group ? { group: group.text } : {}),
    ...(local ? { local: local.text } : {}),
    ...(d.dev !== undefined ? { dev: d.dev } : {}),
    port: d.port ?? DEFAULT_VXLAN_PORT,
  });
}

/** remote, group and local parsed and consistent; undefined after an error (all are reported). */
function vxlanPeers(c: Checker, path: Path, d: VxlanIn): { remote?: Ip; group?: Ip; local?: Ip } | undefined {
  const o = c.out;
  let ok = true;
  const bad = (code: string, key: string, message: string): void => {
    o.error(code, [...path, key], message);
    ok = false;
  };
  const ip = (key: 'remote' | 'group' | 'local'): Ip | undefined => {
    const v = d[key];
    if (v === undefined) return undefined;
    const r = parseIp(v);
    if (typeof r !== 'string') return r;
    bad('BAD_ADDRESS', key, `vxlan ${key}: ${r}`);
    return undefined;
  };
  const remote = ip('remote');
  const group = ip('group');
  const local = ip('local');
  if (d.remote !== undefined && d.group !== undefined) bad('BAD_VXLAN', 'group', 'a vxlan has either remote (unicast) or group (multicast), not both');
  if (remote && remote.range === 'multicast') bad('BAD_VXLAN', 'remote', `remote ${remote.text} is multicast: write it as group: instead (with dev)`);
  if (remote && (remote.range === 'unspecified' || remote.range === 'broadcast')) bad('BAD_VXLAN', 'remote', `remote ${remote.text} is not a unicast address`);
  if (group && group.range !== 'multicast') bad('BAD_VXLAN', 'group', `group ${group.text} is not a multicast address: use remote: for a unicast peer`);
  if (group && d.dev === undefined) bad('BAD_VXLAN', 'group', 'a multicast vxlan (group) needs dev: the host NIC to join the group on');
  const peer = remote ?? group;
  if (local && peer && local.family !== peer.family) {
    bad('BAD_VXLAN', 'local', `local ${local.text} is IPv${local.family} but ${remote ? 'remote' : 'group'} ${peer.text} is IPv${peer.family}`);
  }
  if (!remote && !group) o.warn('VXLAN_NO_REMOTE', path, 'this vxlan has no remote or group: it sends nothing until FDB entries are added');
  return ok ? { remote, group, local } : undefined;
}
