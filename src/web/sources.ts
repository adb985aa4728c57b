/**
 * Where the ui's events and host map come from: api/monitor and api/map, loaded when the ui starts. A lab's subject
 * watches its nodes' namespaces, and of the host namespace only the lab's own objects (its
 * bridges and host-side link ends); 'host' watches every namespace on the host.
 */
import { Lab } from '../apply/lab.js';
import type { MonitorEvent } from '../api/monitor.js';
import type { LabSpec } from '../topology/model.js';
import type { Source } from './events.js';
import type { UiOptions } from './server.js';

/** The names of the lab's objects in the host namespace. */
function hostNames(spec: LabSpec): Set<string> {
  const names = new Set<string>();
  for (const b of spec.bridges) if (b.node === undefined) names.add(b.name);
  for (const l of spec.links) for (const e of l.kind === 'veth' ? [l.a, l.b] : [l.end]) if (e.node === undefined) names.add(e.name);
  return names;
}

/** Whether a host-namespace event is about one of `names` (events of other namespaces always are). */
export function aboutLab(e: MonitorEvent, names: Set<string>): boolean {
  if (e.netns !== 'host') return true;
  switch (e.type) {
    case 'link': return names.has(e.link.ifname);
    case 'addr': return names.has(e.addr.ifname);
    case 'route': return e.route.dev !== undefined && names.has(e.route.dev);
    case 'neigh': return names.has(e.neigh.dev);
    default: return e.type === 'overrun';
  }
}

export async function uiSources(): Promise<Pick<UiOptions, 'events' | 'map'>> {
  const { monitor } = await import('../api/monitor.js');
  const { map } = await import('../api/map.js');
  const events = (subject: string): Source => async function* (signal: AbortSignal) {
    const spec = subject.startsWith('lab:') ? Lab.byName(subject.slice(4)).spec : undefined;
    const m = spec ? monitor({ netns: spec.nodes.map((n) => n.netns), host: true }) : monitor();
    const names = spec ? hostNames(spec) : undefined;
    const stop = () => m.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const e of m) {
        if (!names || aboutLab(e, names)) yield e;
      }
    } finally {
      signal.removeEventListener('abort', stop);
      m.close();
    }
  };
  return { events, map: () => map() };
}
