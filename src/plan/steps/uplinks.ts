/** Host side: uplink NICs, NAT, host sysctls; refusals for host NICs the file names that are missing or taken. */
import type { Hint } from '../../api/errors.js';
import type { Action } from '../actions.js';
import { IP_FORWARD, natTableName } from '../constants.js';
import { HOST, type Path } from '../desired.js';
import { canonSysctl } from '../keys.js';
import { key, type Planner } from '../planner.js';

/** What to do about a host NIC that is another bridge's port. */
const nomaster = (nic: string): Hint => ({
  lib: `take it out of there (hostNetns().link.set('${nic}', { master: null })) or name another NIC`,
  cli: `take it out of there (nsnet link set ${nic} nomaster) or name another NIC`,
});

export function uplinks(p: Planner): void {
  const { host, effects } = p.o;
  const spec = p.d.spec;
  const nicMissing = (nic: string, path: Path, what: string) => {
    p.refuse({
      code: 'MISSING_NIC', object: `host NIC ${nic}`, path, detail: `${what} names host interface ${nic}, which does not exist`,
      hint: { lib: 'check the name: hostNetns().link.list() lists the host\'s interfaces', cli: 'check the name: nsnet link show lists the host\'s interfaces' },
    });
  };
  spec.links.forEach((l, i) => {
    if (l.kind === 'macvlan' && host.nics[l.parent]?.exists === false) nicMissing(l.parent, ['links', i, 'parent'], `macvlan ${l.end.name}`);
    if (l.kind === 'vxlan' && l.dev !== undefined && host.nics[l.dev]?.exists === false) nicMissing(l.dev, ['links', i, 'dev'], `vxlan ${l.end.name}`);
  });
  let natWanted = false;
  const wantedRoutes = new Set<string>();
  spec.uplinks.forEach((u, i) => {
    const path: Path = ['uplinks', i];
    const br = p.d.bridges.get(u.bridge);
    if (br?.node !== undefined) {
      p.refuse({ code: 'UNSUPPORTED', object: `uplink ${i}`, path, detail: `uplink on bridge ${u.bridge}: the bridge is in node ${br.node}`, hint: 'uplinks need a bridge in the host namespace: drop node: from the bridge' });
      return;
    }
    const brName = br?.name ?? u.bridge;
    if (br?.type === 'ovs') {
      // The NIC is one of the OVS bridge's ports (../bridges/ovs.ts); NAT is not offered on OVS bridges.
      if (u.kind === 'nat') p.refuse({ code: 'UNSUPPORTED', object: `uplink ${i}`, path, detail: `NAT uplink on OVS bridge ${u.bridge} is not supported`, hint: 'use a Linux bridge for NAT' });
      else if (!host.nics[u.nic]?.exists) nicMissing(u.nic, [...path, 'interface'], `uplink ${i}`);
      else if (host.nics[u.nic]!.master !== undefined && host.nics[u.nic]!.master !== 'ovs-system') {
        // A port of a kernel bridge (ovs-system is the OVS kernel datapath's own master).
        const m = host.nics[u.nic]!.master!;
        p.refuse({ code: 'NIC_IN_USE', object: `host NIC ${u.nic}`, path, detail: `host NIC ${u.nic} is a port of ${m}`, hint: nomaster(u.nic) });
      }
      return;
    }
    if (u.kind === 'bridge') {
      const nic = host.nics[u.nic];
      if (!nic || !nic.exists) return nicMissing(u.nic, [...path, 'interface'], `uplink ${i}`);
      if (p.d.links.get(HOST)?.has(u.nic)) {
        p.refuse({ code: 'NIC_IN_USE', object: `host NIC ${u.nic}`, path, detail: `uplink ${i}: ${u.nic} is also a link of this lab`, hint: 'name a physical NIC' });
        return;
      }
      if (nic.master === brName && !p.gone.has(key(HOST, brName))) {
        if (!nic.up) p.add({ op: 'attach-uplink', nic: u.nic, bridge: brName, target: `host NIC ${u.nic}`, reason: 'it is down' });
        return;
      }
      if (nic.master !== undefined && nic.masterAlias !== p.mark) {
        p.refuse({ code: 'NIC_IN_USE', object: `host NIC ${u.nic}`, path, detail: `host NIC ${u.nic} is a port of ${nic.master}, which lab ${p.lab} does not own`, hint: nomaster(u.nic) });
        return;
      }
      p.add({ op: 'attach-uplink', nic: u.nic, bridge: brName, target: `host NIC ${u.nic}`, reason: nic.master ? `it is a port of ${nic.master}, the file joins it to ${brName}` : `uplink: joins bridge ${brName}` });
    } else {
      natWanted = true;
      if (host.nft === false) {
        p.refuse({ code: 'NO_NFT', object: `uplink ${i}`, path, detail: `NAT uplink on ${u.bridge} needs the nft command, which is not installed`, hint: 'install the nftables package (apt-get install nftables)' });
        return;
      }
      if (u.out !== undefined && host.nics[u.out]?.exists === false) nicMissing(u.out, [...path, 'out'], `NAT uplink ${i}`);
      const table = natTableName(p.lab);
      const have = effects.nat;
      const same = have !== undefined && have.table === table && (have.out ?? '') === (u.out ?? '') && [...have.subnets].sort().join(',') === [...u.subnets].sort().join(',');
      if (!host.natTables.includes(table) || !same) {
        const a: Action = { op: 'add-nat', table, subnets: u.subnets, target: `nftables table ip ${table}`, reason: host.natTables.includes(table) ? 'the NAT rule differs from the file' : `NAT uplink: masquerade ${u.subnets.join(', ')}${u.out ? ` out of ${u.out}` : ''}` };
        if (u.out !== undefined) a.out = u.out;
        p.add(a);
      }
      hostRoutes(p, i, u.routes ?? [], brName, wantedRoutes);
      // The lab holds ip_forward even when it is 1 already (another lab with NAT set it): the
      // last lab holding it restores it, so one lab's down never cuts another's NAT.
      const fwd = host.sysctls[IP_FORWARD];
      if (fwd !== undefined && (canonSysctl(fwd) !== '1' || effects.sysctls[IP_FORWARD] === undefined)) {
        p.add({
          op: 'set-sysctl', key: IP_FORWARD, value: '1', target: `host sysctl ${IP_FORWARD}`,
          reason: canonSysctl(fwd) !== '1' ? 'NAT uplink: the host must forward (restored on down)' : 'NAT uplink: the host forwards already; the lab records it, so it is restored only when no lab needs it',
        });
      }
    }
  });
  for (const [to, r] of Object.entries(effects.routes ?? {})) {
    if (!wantedRoutes.has(to)) p.add({ op: 'del-host-route', to, via: r.via, dev: r.dev, target: `host route ${to}`, reason: 'the NAT uplink no longer routes this subnet' });
  }
  const table = natTableName(p.lab);
  if (!natWanted && host.natTables.includes(table)) p.add({ op: 'del-nat', table, target: `nftables table ip ${table}`, reason: 'no NAT uplink in the file any more' });
  if (!natWanted) {
    for (const [k, v] of Object.entries(effects.sysctls)) p.add({ op: 'restore-sysctl', key: k, value: v, target: `host sysctl ${k}`, reason: `no NAT uplink any more; back to ${v}` });
  }
}

/** Host routes to the subnets behind a router on a NAT uplink's bridge (main table), made when missing or different. */
function hostRoutes(p: Planner, i: number, routes: readonly { to: string; via: string }[], dev: string, wanted: Set<string>): void {
  const have = p.o.host.routes ?? [];
  const recorded = p.o.effects.routes ?? {};
  for (const r of routes) {
    wanted.add(r.to);
    if (have.some((h) => h.to === r.to && h.via === r.via && h.dev === dev) && recorded[r.to] !== undefined && !p.gone.has(key(HOST, dev))) continue;
    const other = recorded[r.to] === undefined ? have.find((h) => h.to === r.to) : undefined;
    if (other) {
      p.refuse({
        code: 'HOST_ROUTE_TAKEN', object: `host route ${r.to}`, path: ['uplinks', i],
        detail: `the host already has a route to ${r.to}${other.via ? ` via ${other.via}` : ''}${other.dev ? ` dev ${other.dev}` : ''}, which lab ${p.lab} did not make`,
        hint: { lib: `remove it (hostNetns().route.del({ to: '${r.to}' })) or renumber the subnet`, cli: `remove it (nsnet route del ${r.to}) or renumber the subnet` },
      });
      continue;
    }
    p.add({ op: 'add-host-route', to: r.to, via: r.via, dev, target: `host route ${r.to}`, reason: `NAT uplink: the host reaches ${r.to} via ${r.via} on ${dev} (removed on down)` });
  }
}
