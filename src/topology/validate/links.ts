/**
 * Links: a veth pair ([a, b] or {endpoints: [a, b]}), a macvlan on a host NIC, or a vxlan
 * (validate/vxlan.ts). Each end is resolved by validate/endpoints.ts; a link that cannot be read
 * sets `linksBroken`, so checks that need every link (NOT_LINKED, route dev) hold back.
 */
import type { z } from 'zod';
import { formatPath, show } from '../issues.js';
import type { Path } from '../registry.js';
import { describe } from '../zodissues.js';
import type { Schemas } from '../zodshapes.js';
import { isPlainObject, S, type Checker } from './checker.js';
import { endpoint, endRef, type EndName } from './endpoints.js';
import { nic } from './nics.js';
import { vxlan } from './vxlan.js';

export function collectLinks(c: Checker, raw: unknown): void {
  c.list(raw, ['links'], 'links').forEach((el, i) => {
    const path: Path = ['links', i];
    if (Array.isArray(el)) {
      const d = c.parse(S.VethPair, el, path);
      if (!d) return void (c.linksBroken = true);
      veth(c, path, d[0], [...path, 0], d[1], [...path, 1]);
      return;
    }
    if (!isPlainObject(el)) {
      c.out.error('WRONG_TYPE', path, `a link is a pair [h1:eth0, r1:eth0] or a mapping (endpoints: ..., or type: macvlan / vxlan), got ${describe(el)}`);
      c.linksBroken = true;
      return;
    }
    const type = el.type;
    if (type === undefined || type === 'veth') {
      const d = c.parse(S.VethObject, el, path);
      if (!d) return void (c.linksBroken = true);
      veth(c, path, d.endpoints[0], [...path, 'endpoints', 0], d.endpoints[1], [...path, 'endpoints', 1], d.mtu, { vlan: d.vlan, trunks: d.trunks });
    } else if (type === 'macvlan') {
      const d = c.parse(S.Macvlan, el, path);
      if (!d) return void (c.linksBroken = true);
      macvlan(c, path, d);
    } else if (type === 'vxlan') {
      const d = c.parse(S.Vxlan, el, path);
      if (!d) return void (c.linksBroken = true);
      vxlan(c, path, d);
    } else {
      c.out.error('BAD_VALUE', [...path, 'type'], `unknown link type ${typeof type === 'string' ? show(type) : describe(type)}: use veth (the default), macvlan or vxlan`);
      c.linksBroken = true;
    }
  });
}

function veth(c: Checker, path: Path, sa: string, pa: Path, sb: string, pb: Path, mtu?: number, v: { vlan?: number; trunks?: number[] } = {}): void {
  const what = 'a veth end may be a bridge';
  const ea = endpoint(c, sa, pa, true, what);
  const eb = endpoint(c, sb, pb, true, what);
  if (!ea || !eb) c.linksBroken = true;
  if (ea && eb && ea.kind === 'bridge' && eb.kind === 'bridge' && ea.a === eb.a) {
    c.out.error('BAD_LINK', path, `this veth connects bridge ${show(ea.a)} to itself (a loop): connect it to something else`);
    return;
  }
  const ra = ea && endRef(c, ea, pa, path, portBase(c, ea, eb));
  const rb = eb && endRef(c, eb, pb, path, portBase(c, eb, ea));
  if (ra && rb) {
    c.links.push({
      kind: 'veth', path, a: ra, b: rb, ...(mtu !== undefined ? { mtu } : {}),
      ...(v.vlan !== undefined ? { vlan: v.vlan } : {}), ...(v.trunks !== undefined ? { trunks: [...new Set(v.trunks)].sort((x, y) => x - y) } : {}),
    });
  }
}

/**
 * A bridge end without a port name gets one from the other end: h2:eth0 → "h2-eth0". A port of a
 * host bridge lives in the host namespace, which other labs share: there the name starts with the
 * lab's prefix ("tl-h2-eth0"), so labs with the same node names under different prefixes do not
 * collide.
 */
function portBase(c: Checker, self: EndName | undefined, other: EndName | undefined): string | undefined {
  if (!self || self.kind !== 'bridge' || self.b !== undefined || !other) return undefined;
  const pre = c.bridges.get(self.a)?.node === undefined ? c.prefix : '';
  if (other.kind === 'bridge') return `${pre}${other.a}-${self.a}`;
  return `${pre}${other.a}-${other.b}`;
}

function macvlan(c: Checker, path: Path, d: z.output<Schemas['Macvlan']>): void {
  const ep: Path = [...path, 'endpoint'];
  const e = endpoint(c, d.endpoint, ep, false, 'a macvlan goes into a node or the host: NODE:IF or host:IF');
  if (!e) c.linksBroken = true;
  const parentOk = nic(c, d.parent, [...path, 'parent'], `parent of ${formatPath(path)}`);
  if (!e) return;
  const end = endRef(c, e, ep, path);
  if (end && parentOk) c.links.push({ kind: 'macvlan', path, end, parent: d.parent, mode: d.mode ?? 'bridge' });
}
