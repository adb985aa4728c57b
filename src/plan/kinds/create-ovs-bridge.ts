/**
 * An Open vSwitch bridge of the file is made with all its ports (veth ends and uplink NICs, with
 * their VLANs) in one OVSDB transaction, marked external_ids:nsnet-lab=LAB; an owned bridge
 * whose ports differ is replaced. Then TX checksum offload goes off on the far end of every veth
 * that is one of its ports (the userspace datapath does not complete partial checksums).
 * Rank 125: after the veths (120), whose host ends become its ports; before link settings.
 */
import { HOST } from '../desired.js';
import { defineKind, type ActionBase } from './kind.js';

export interface OvsPort {
  name: string;
  tag?: number;
  trunks?: number[];
}

export interface CreateOvsBridge extends ActionBase {
  op: 'create-ovs-bridge';
  name: string;
  ports: OvsPort[];
  /** Veth ends whose peer is a port of this bridge: their TX checksum offload goes off (netns absent: the host). */
  offload: { netns?: string; name: string }[];
  /** An owned bridge of that name exists and is replaced. */
  replace?: boolean;
  /** Host NICs among the ports (uplinks): their state before (admin up/down, MTU) is recorded for down, then they go up. */
  uplinks?: string[];
}

export default defineKind<CreateOvsBridge>({
  op: 'create-ovs-bridge',
  sign: '+',
  order: 125,
  namespaces: (a) => [...new Set([HOST, ...a.offload.map((e) => e.netns ?? HOST)])],
  sim(w, a) {
    // Open vSwitch, not the kernel's links: only uplink NICs change (recorded, then up).
    for (const nic of a.uplinks ?? []) {
      const l = w.link(HOST, nic);
      w.effects.uplinks[nic] ??= { bridge: a.name, wasUp: l.up, ...(l.mtu !== undefined ? { mtu: l.mtu } : {}) };
      w.effects.uplinks[nic]!.bridge = a.name;
      l.up = true;
    }
  },
  locate(spec, a) {
    const b = spec.bridges.find((x) => x.type === 'ovs' && x.name === a.name);
    return b ? ['bridges', b.logical] : undefined;
  },
});
