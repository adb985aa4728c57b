import { NsnetError } from '../kernel/errors.js';
import { NetlinkSocket } from '../kernel/socket.js';
import {
  decodeFeatures, encodeFeaturesGet, encodeFeaturesSet, ETHTOOL_GENL_NAME, TX_CHECKSUM_FEATURES, type Features,
} from '../wire/genl/ethtool.js';
import { decodeFamily, encodeGetFamily, NETLINK_GENERIC, type GenlFamily } from '../wire/genl/ctrl.js';
import { KernelError } from '../kernel/errors.js';
import type { Handle } from './handle.js';

/**
 * Generic netlink families by name (same as: genl ctrl get name NAME) and the device features
 * of ethtool's netlink interface (same as: ethtool -k / ethtool -K), inside a namespace.
 * A generic netlink socket is opened inside the handle's namespace for each call and closed.
 */
function withGenl<T>(h: Handle, fn: (s: NetlinkSocket) => T): T {
  const s = h.inside(() => NetlinkSocket.open(NETLINK_GENERIC));
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

function familyOn(s: NetlinkSocket, name: string): GenlFamily | undefined {
  try {
    const [m] = s.request(encodeGetFamily(name), { op: 'look up', object: `generic netlink family ${name}` });
    return m ? decodeFamily(m) : undefined;
  } catch (e) {
    if (e instanceof KernelError && e.code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A generic netlink family, or undefined when this kernel lacks it (e.g. 'ovs_datapath'). */
export function genlFamily(h: Handle, name: string): GenlFamily | undefined {
  return withGenl(h, (s) => familyOn(s, name));
}

function ethtoolFamily(s: NetlinkSocket): GenlFamily {
  const f = familyOn(s, ETHTOOL_GENL_NAME);
  if (!f) throw new NsnetError('EOPNOTSUPP', 'this kernel has no ethtool netlink interface', 'ethtool', 'a kernel of 5.6 or later with CONFIG_ETHTOOL_NETLINK is needed');
  return f;
}

function featuresOn(s: NetlinkSocket, fam: GenlFamily, h: Handle, dev: string): Features {
  const [m] = s.request(encodeFeaturesGet(fam.id, dev), { op: 'get features of', object: `interface ${dev} in ${h.label}` });
  if (!m) throw new NsnetError('EPROTO', `no features reply for interface ${dev} in ${h.label}`, `interface ${dev}`);
  return decodeFeatures(m);
}

/** Same as: ip netns exec NS ethtool -k DEV. */
export function getFeatures(h: Handle, dev: string): Features {
  return withGenl(h, (s) => featuresOn(s, ethtoolFamily(s), h, dev));
}

/** Same as: ip netns exec NS ethtool -K DEV FEATURE on|off ... (features named as ethtool -k prints them). */
export function setFeatures(h: Handle, dev: string, features: Readonly<Record<string, boolean>>): void {
  withGenl(h, (s) => {
    const fam = ethtoolFamily(s);
    s.request(encodeFeaturesSet(fam.id, dev, features), { op: 'set features of', object: `interface ${dev} in ${h.label}` });
  });
}

/**
 * Same as: ip netns exec NS ethtool -K DEV tx off. Turns off every TX checksum offload the
 * device has on and checks that the kernel did; returns the features it turned off.
 */
export function txChecksumOff(h: Handle, dev: string): string[] {
  return withGenl(h, (s) => {
    const fam = ethtoolFamily(s);
    const on = TX_CHECKSUM_FEATURES.filter((f) => featuresOn(s, fam, h, dev).active.get(f) === true);
    if (on.length === 0) return [];
    const off = Object.fromEntries(on.map((f) => [f, false]));
    s.request(encodeFeaturesSet(fam.id, dev, off), { op: 'set features of', object: `interface ${dev} in ${h.label}` });
    const still = on.filter((f) => featuresOn(s, fam, h, dev).active.get(f) === true);
    if (still.length) {
      throw new NsnetError('EOPNOTSUPP', `interface ${dev} in ${h.label} keeps ${still.join(', ')} on`, `interface ${dev}`, 'its driver does not let TX checksum offload be turned off');
    }
    return on;
  });
}
