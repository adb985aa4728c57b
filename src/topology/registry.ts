/**
 * Who uses which interface name in which namespace, and the kernel names they get.
 *
 * Every object with a name in a namespace (a node's interface, a bridge, a bridge port, a host
 * veth end, a host NIC we only refer to, lo) registers here with its logical name. Two different
 * objects with the same logical name in one namespace are a DUPLICATE_INTERFACE. Then `allocate()`
 * gives kernel names: logical names that are valid kernel names are kept, long ones get a
 * generated name (and keep the logical one as altname), unnamed bridge ports get a name derived
 * from the other end of their link. Order of allocation is fixed (sorted), so names are stable.
 */
import { allocateKernelName, isKernelName } from './names.js';
import type { Cidr } from './cidr.js';
import { show, type Issues } from './issues.js';

export type Path = (string | number)[];
/** undefined = the host namespace. */
export type NsKey = string | undefined;

export type Role = 'iface' | 'bridge' | 'port' | 'hostif' | 'nic' | 'lo';

export interface NamedObj {
  ns: NsKey;
  role: Role;
  /** For ports: the bridge they belong to. Objects merge only with the same role and owner. */
  owner?: string;
  /** Logical name, or the base of a generated name (`generated`). */
  logical: string;
  generated: boolean;
  /** Where it was first named, and how to call it in a message ("interface h1:eth0"). */
  path: Path;
  label: string;
  /** The link that uses it, once one does (an interface can be in one link only). */
  linkedBy?: Path;
  /** Kernel name and altname, after allocate(). */
  name?: string;
  altname?: string;
  /** Interface settings from the file (node interfaces and bridges). */
  addresses?: Cidr[];
  mtu?: number;
  mac?: string;
  listed?: boolean;
}

const ROLE_TEXT: Record<Role, string> = {
  iface: 'interface',
  bridge: 'bridge',
  port: 'bridge port',
  hostif: 'host interface',
  nic: 'host NIC',
  lo: 'loopback',
};

export const nsText = (ns: NsKey): string => (ns === undefined ? 'the host namespace' : `node ${show(ns)}`);

export class Registry {
  private readonly spaces = new Map<NsKey, { byLogical: Map<string, NamedObj>; generated: NamedObj[] }>();

  constructor(private readonly issues: Issues) {}

  private space(ns: NsKey) {
    let s = this.spaces.get(ns);
    if (!s) this.spaces.set(ns, (s = { byLogical: new Map(), generated: [] }));
    return s;
  }

  /** The object named `logical` in `ns`, if any. */
  get(ns: NsKey, logical: string): NamedObj | undefined {
    return this.spaces.get(ns)?.byLogical.get(logical);
  }

  /**
   * Register an object, or find the same one registered before (same role and owner). A clash
   * with a different object is reported at `obj.path` and gives undefined.
   */
  add(obj: NamedObj, at?: 'key'): NamedObj | undefined {
    const s = this.space(obj.ns);
    if (obj.generated) {
      s.generated.push(obj);
      return obj;
    }
    const prev = s.byLogical.get(obj.logical);
    if (!prev) {
      s.byLogical.set(obj.logical, obj);
      return obj;
    }
    const same = prev.role === obj.role && prev.owner === obj.owner;
    const loAsIface = prev.role === 'lo' && obj.role === 'iface';
    if (same || loAsIface) return prev;
    this.issues.error(
      'DUPLICATE_INTERFACE',
      obj.path,
      `name ${show(obj.logical)} is used twice in ${nsText(obj.ns)}: by ${ROLE_TEXT[prev.role]} ${prev.label} and by ${ROLE_TEXT[obj.role]} ${obj.label}; rename one`,
      at,
    );
    return undefined;
  }

  /** Give every registered object its kernel name. */
  allocate(): void {
    for (const s of this.spaces.values()) {
      const taken = new Set<string>();
      const long: NamedObj[] = [];
      for (const o of s.byLogical.values()) {
        if (isKernelName(o.logical)) {
          o.name = o.logical;
          taken.add(o.logical);
        } else long.push(o);
      }
      long.sort((a, b) => (a.logical < b.logical ? -1 : a.logical > b.logical ? 1 : 0));
      for (const o of long) {
        o.name = allocateKernelName(o.logical, taken, false);
        o.altname = o.logical;
      }
      // Generated port names: sorted by base, ties keep registration order (stable sort).
      const gen = [...s.generated].sort((a, b) => (a.logical < b.logical ? -1 : a.logical > b.logical ? 1 : 0));
      for (const o of gen) o.name = allocateKernelName(o.logical, taken, true);
    }
  }
}
