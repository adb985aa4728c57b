import { NLM_F_CREATE, NLM_F_REPLACE } from '../wire/nlmsg.js';
import { decodeNeigh, encodeNeigh, encodeNeighDump, RTM_DELNEIGH, RTM_NEWNEIGH, type Neigh } from '../wire/rtnl/index.js';
import { parseCidr } from './cidr.js';
import type { Handle } from './handle.js';
import type { DevRef, NeighInfo } from './types.js';

/** One kernel neighbour as `ip -j neigh show` describes it; `names` maps ifindex to device name. @internal */
export function neighInfoOf(x: Neigh, names: ReadonlyMap<number, string>): NeighInfo {
  const out: NeighInfo = { dst: x.address, dev: names.get(x.index) ?? `if${x.index}`, state: x.state };
  if (x.lladdr) out.lladdr = x.lladdr;
  if (x.router) out.router = true;
  return out;
}

/** `ip neigh`: list, and permanent entries add/del. */
export class Neighbours {
  constructor(private readonly h: Handle) {}

  /** Same as: ip -j neigh show [dev DEV]. */
  async list(filter: { dev?: DevRef; family?: 4 | 6 } = {}): Promise<NeighInfo[]> {
    this.h.check();
    const index = filter.dev !== undefined ? this.h.link.index(filter.dev) : undefined;
    const names = this.h.link.names();
    const fam = filter.family === 4 ? 2 : filter.family === 6 ? 10 : 0;
    const r = this.h.sock.request(encodeNeighDump(fam, index), { op: 'list', object: `neighbours in ${this.h.label}` });
    return r
      .filter((m) => m.type === RTM_NEWNEIGH)
      .map(decodeNeigh)
      .filter((x) => (index === undefined || x.index === index) && (x.family === 2 || x.family === 10))
      .map((x) => neighInfoOf(x, names));
  }

  /** Same as: ip neigh replace ADDR lladdr MAC dev DEV nud permanent. */
  async add(dev: DevRef, address: string, lladdr: string): Promise<void> {
    this.h.check();
    const c = parseCidr(address, 'neighbour address');
    const index = this.h.link.index(dev);
    this.h.sock.request(encodeNeigh(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, { index, address: c.address, lladdr }), {
      op: 'add', object: `neighbour ${c.address} on ${this.h.link.obj(dev)}`,
    });
  }

  /** Same as: ip neigh del ADDR dev DEV. */
  async del(dev: DevRef, address: string): Promise<void> {
    this.h.check();
    const c = parseCidr(address, 'neighbour address');
    const index = this.h.link.index(dev);
    this.h.sock.request(encodeNeigh(RTM_DELNEIGH, 0, { index, address: c.address }), {
      op: 'delete', object: `neighbour ${c.address} on ${this.h.link.obj(dev)}`,
    });
  }
}
