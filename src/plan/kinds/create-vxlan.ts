/** A vxlan device is made (in the host, where its underlay is), straight in its namespace. */
import { HOST } from '../desired.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { linkPath } from './where.js';

export interface CreateVxlan extends ActionBase {
  op: 'create-vxlan';
  id: string;
  netns?: string;
  name: string;
  altname?: string;
  vni: number;
  remote?: string;
  group?: string;
  local?: string;
  dev?: string;
  port: number;
  mtu?: number;
  mac?: string;
  master?: string;
}

export default defineKind<CreateVxlan>({
  op: 'create-vxlan',
  sign: '+',
  order: 120,
  namespaces: inNetns,
  creates: (a) => ({ hostLinks: a.netns === undefined ? [a.name] : [] }),
  sim(w, a, mark) {
    w.create(a.netns ?? HOST, { name: a.name, kind: 'vxlan', up: true, mtu: a.mtu ?? 1450, vxlan: { vni: a.vni, port: a.port, remote: a.remote, group: a.group, local: a.local }, master: a.master }, mark);
  },
  locate: (spec, a) => linkPath(spec, a.id),
});
