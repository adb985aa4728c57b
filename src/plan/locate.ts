/**
 * Where in the topology an action comes from, as a document path (['nodes', 'r1', 'sysctls',
 * 'net.ipv4.ip_forward'], ['links', 3]), so that an error while applying it can point at the
 * file's line and column. Pure; undefined for actions on objects the file no longer has.
 */
import type { LabSpec } from '../topology/model.js';
import type { Action } from './actions.js';
import { canonCidr, routeKey } from './keys.js';

export function pathOfAction(spec: LabSpec, a: Action): (string | number)[] | undefined {
  const nodeOfNs = (ns: string | undefined) => (ns === undefined ? undefined : spec.nodes.find((n) => n.netns === ns));
  const bridgeAt = (ns: string | undefined, name: string) => spec.bridges.find((b) => b.name === name && (b.node === undefined ? ns === undefined : nodeOfNs(ns)?.name === b.node));
  const linkIndex = (id: string) => {
    const i = spec.links.findIndex((l) => l.id === id);
    return i < 0 ? undefined : ['links', i];
  };
  /** The interface (or bridge) a device is, in the file. */
  const device = (ns: string | undefined, dev: string): (string | number)[] | undefined => {
    const b = bridgeAt(ns, dev);
    if (b) return ['bridges', b.logical];
    const n = nodeOfNs(ns);
    const i = n?.interfaces.find((x) => x.name === dev);
    if (n && i) return ['nodes', n.name, 'interfaces', i.logical];
    const l = spec.links.findIndex((x) => (x.kind === 'veth' ? [x.a, x.b] : [x.end]).some((e) => e.name === dev));
    return l < 0 ? undefined : ['links', l];
  };
  switch (a.op) {
    case 'create-netns':
      return ['nodes', a.node];
    case 'create-bridge':
      return bridgeAt(a.netns, a.name) ? ['bridges', bridgeAt(a.netns, a.name)!.logical] : undefined;
    case 'create-veth':
    case 'create-macvlan':
    case 'create-vxlan':
      return linkIndex(a.id);
    case 'set-link':
    case 'mark':
      return a.name === 'lo' && a.netns !== undefined ? ['nodes', nodeOfNs(a.netns)?.name ?? a.netns] : device(a.netns, a.name);
    case 'add-address': {
      const d = device(a.netns, a.dev);
      if (!d) return undefined;
      const list = d[0] === 'bridges'
        ? spec.bridges.find((b) => b.logical === d[1])?.addresses
        : nodeOfNs(a.netns)?.interfaces.find((i) => i.logical === d[3])?.addresses;
      const k = list?.findIndex((x) => canonCidr(x) === canonCidr(a.cidr)) ?? -1;
      return k < 0 ? d : [...d, 'addresses', k];
    }
    case 'add-route':
    case 'replace-route': {
      const n = nodeOfNs(a.netns);
      if (!n) return undefined;
      const k = n.routes.findIndex((r) => routeKey(r) === routeKey(a.route));
      return k < 0 ? ['nodes', n.name, 'routes'] : ['nodes', n.name, 'routes', k];
    }
    case 'set-sysctl': {
      const n = nodeOfNs(a.netns);
      if (n) return a.key in n.sysctls ? ['nodes', n.name, 'sysctls', a.key] : ['nodes', n.name];
      const u = spec.uplinks.findIndex((x) => x.kind === 'nat');
      return u < 0 ? undefined : ['uplinks', u];
    }
    case 'attach-uplink': {
      const u = spec.uplinks.findIndex((x) => x.kind === 'bridge' && x.nic === a.nic);
      return u < 0 ? undefined : ['uplinks', u];
    }
    case 'add-nat': {
      const u = spec.uplinks.findIndex((x) => x.kind === 'nat');
      return u < 0 ? undefined : ['uplinks', u];
    }
    case 'run-exec':
      return ['nodes', a.node, 'exec'];
    default:
      return undefined; // removals: the file no longer has the object
  }
}
