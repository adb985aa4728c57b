/** A lab as a Graphviz graph: nodes as boxes, bridges as ellipses, links as edges labelled with their interfaces. */
import type { Endpoint, LabSpec } from '../../topology/model.js';

const q = (s: string) => `"${s.replace(/["\\]/gu, (c) => `\\${c}`).replace(/\n/gu, '\\n')}"`;

export function graphDot(spec: LabSpec): string {
  const lines = [`graph ${q(spec.name)} {`, '  node [fontname="sans-serif"];'];
  for (const n of spec.nodes) {
    const addrs = n.interfaces.flatMap((i) => i.addresses.map((a) => `${i.logical} ${a}`));
    lines.push(`  ${q(`n:${n.name}`)} [shape=box, label=${q([n.name, ...addrs].join('\n'))}];`);
  }
  for (const b of spec.bridges) lines.push(`  ${q(`b:${b.logical}`)} [shape=ellipse, label=${q([b.logical, ...b.addresses].join('\n'))}];`);
  const vertex = (e: Endpoint) => (e.bridge !== undefined ? q(`b:${e.bridge}`) : e.node !== undefined ? q(`n:${e.node}`) : q('host'));
  let host = false;
  for (const l of spec.links) {
    if (l.kind === 'veth') {
      if ((l.a.node === undefined && l.a.bridge === undefined) || (l.b.node === undefined && l.b.bridge === undefined)) host = true;
      lines.push(`  ${vertex(l.a)} -- ${vertex(l.b)} [taillabel=${q(l.a.logical)}, headlabel=${q(l.b.logical)}];`);
    } else {
      host = true;
      const what = l.kind === 'macvlan' ? `macvlan on ${l.parent}` : `vxlan ${l.vni}`;
      lines.push(`  ${vertex(l.end)} -- "host" [style=dashed, label=${q(what)}];`);
    }
  }
  for (const u of spec.uplinks) {
    host = true;
    lines.push(`  ${q(`b:${u.bridge}`)} -- "host" [style=bold, label=${q(u.kind === 'bridge' ? `uplink ${u.nic}` : 'NAT')}];`);
  }
  if (host) lines.splice(2, 0, '  "host" [shape=doubleoctagon, label="host"];');
  lines.push('}');
  return lines.join('\n');
}
