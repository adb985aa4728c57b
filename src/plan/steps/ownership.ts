/** Which namespaces and host links are the lab's to change; refusals for the names the file needs that something else holds. */
import type { Hint } from '../../api/errors.js';
import type { NodeSpec } from '../../topology/model.js';
import type { Action } from '../actions.js';
import { HOST, linkTarget, type DesiredLink, type Path } from '../desired.js';
import { labOfMark, type ObservedLink } from '../observed.js';
import { hostLinkOwnership, namespaceOwnership } from '../ownership.js';
import type { Planner } from '../planner.js';

/** "delete it (netns.del('ns')) or rename the node": `verb` names what deleting does to it. */
const delNetns = (ns: string, verb: string, what: string): Hint => ({
  lib: `${verb} (netns.del('${ns}')) or rename ${what}`,
  cli: `${verb} (nsnet netns del ${ns}) or rename ${what}`,
});

/** What to do when another lab holds the name. */
const otherLabDown = (lab: string, what: string): Hint => ({
  lib: `take that lab down (Lab.byName('${lab}').down()) or rename ${what}`,
  cli: `take that lab down (nsnet down --lab ${lab}) or rename ${what}`,
});

/** Whether the namespace is ours to change, and refusals for desired ones that are not. */
export function namespaces(p: Planner): void {
  const intended = new Set(p.o.intended.namespaces);
  const judge = (ns: string, node: NodeSpec | undefined): void => {
    const x = p.nsObserved(ns);
    if (!x.exists) return;
    const path: Path = node ? ['nodes', node.name] : [];
    const object = `namespace ${ns}`;
    if (x.stale) {
      // A file an up or down left when it was killed between making /run/netns/NAME and
      // mounting the namespace on it (or between unmounting and removing it): the lab's when
      // its journal or last applied spec names it. It is removed, and made again if wanted.
      if (intended.has(ns) || p.prev.some((x) => x.nodeOfNs.has(ns))) {
        p.staleOurs.add(ns);
        const a: Action = { op: 'delete-netns', netns: ns, frees: [], target: object, reason: `/run/netns/${ns} is a file left by an interrupted up or down, not a namespace; removing it` };
        if (node) a.node = node.name;
        p.add(a);
        return;
      }
      if (node) p.refuse({ code: 'STALE_NETNS', object, path, detail: `namespace ${ns} (node ${node.name}): /run/netns/${ns} exists but is not a namespace`, hint: delNetns(ns, 'remove the file', 'the node') });
      return;
    }
    const own = namespaceOwnership(p.lab, x.owner, intended.has(ns), x.empty === true);
    if (own.is === 'ours') {
      p.owned.add(ns);
    } else if (own.is === 'other-lab') {
      if (node) p.refuse({ code: 'OTHER_LAB', object, path, detail: `namespace ${ns} (node ${node.name}) belongs to lab ${own.lab}`, hint: otherLabDown(own.lab, 'the node') });
      return;
    } else if (own.is === 'take-back') {
      p.owned.add(ns);
      p.add({ op: 'mark', netns: ns, name: 'lo', target: object, reason: 'made by an earlier up that did not finish; taking it back' });
    } else {
      if (node) p.refuse({ code: 'FOREIGN_NETNS', object, path, detail: `namespace ${ns} (node ${node.name}) exists and was not made by lab ${p.lab}`, hint: delNetns(ns, 'delete it', 'the node') });
      return;
    }
    p.view(ns, x.links);
  };
  for (const n of p.d.spec.nodes) judge(n.netns, n);
  for (const ns of Object.keys(p.o.namespaces)) if (!p.d.nodeOfNs.has(ns)) judge(ns, undefined);
  for (const n of p.d.spec.nodes) if (p.owned.has(n.netns) || p.staleOurs.has(n.netns) || !p.nsObserved(n.netns).exists) p.ours.add(n.netns);
}

/** Host links: which are ours, and refusals for names the file needs that something else holds. */
export function hostLinks(p: Planner): void {
  const intended = new Set(p.o.intended.hostLinks);
  const wanted = p.d.links.get(HOST) ?? new Map<string, DesiredLink>();
  const byAlt = new Map<string, ObservedLink>();
  for (const l of p.o.host.links) for (const a of l.altnames ?? []) byAlt.set(a, l);
  for (const l of p.o.host.links) {
    const own = hostLinkOwnership(p.lab, l.alias, intended.has(l.name));
    if (own.is === 'ours') p.ownedHost.add(l.name);
    else if (own.is === 'take-back' && !p.d.spec.uplinks.some((u) => u.kind === 'bridge' && u.nic === l.name)) {
      p.ownedHost.add(l.name);
      p.add({ op: 'mark', name: l.name, target: linkTarget(HOST, l.name), reason: 'made by an earlier up that did not finish; taking it back' });
    }
  }
  p.view(HOST, p.o.host.links.filter((l) => p.ownedHost.has(l.name) || wanted.has(l.name)));
  for (const w of wanted.values()) {
    const l = p.views.get(HOST)!.byName.get(w.name) ?? byAlt.get(w.name);
    if (!l || p.ownedHost.has(l.name)) continue;
    const other = labOfMark(l.alias);
    const what = l.name === w.name ? `link ${w.name}` : `link ${l.name} (altname ${w.name})`;
    const object = `${what} in the host namespace`;
    if (other !== undefined) {
      p.refuse({ code: 'OTHER_LAB', object, path: w.path, detail: `${object} belongs to lab ${other}`, hint: otherLabDown(other, 'it in the file') });
    } else {
      p.refuse({
        code: 'FOREIGN_LINK', object, path: w.path, detail: `${object} exists and was not made by lab ${p.lab}`,
        hint: { lib: `delete it (hostNetns().link.del('${l.name}')) or rename it in the file`, cli: `delete it (nsnet link del ${l.name}) or rename it in the file` },
      });
    }
  }
}
