/**
 * nsnet monitor [-j] [FILE | --lab NAME | --all]: kernel events as `ip monitor` prints them,
 * from every namespace of a lab (or of the host), each line tagged with its namespace:
 *
 *   [h1] 2: eth0@if7: <BROADCAST,MULTICAST> mtu 1500 state DOWN
 *   [h1] Deleted 10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10
 *
 * A lab's events are those of its nodes' namespaces and of its own links in the host (bridges,
 * veth ends). -j prints one JSON object per line (ip -j field names plus netns, type, action). Ctrl-C ends it.
 */
import type { Command } from 'commander';
import type { MonitorEvent } from '../../api/monitor.js';
import type { LabSpec } from '../../topology/model.js';
import { addrLine, addrJson, linkJson, linkLines, neighJson, neighLine, routeJson, routeLine } from '../render.js';
import { labSpecOf, UsageError } from './lab-source.js';
import { wantJson } from '../json-opt.js';
import { write } from '../write.js';

/** One event as the text ip monitor prints for it (without the namespace tag). */
export function eventText(e: MonitorEvent): string {
  const del = 'action' in e && e.action === 'del' ? 'Deleted ' : '';
  switch (e.type) {
    case 'link':
      return del + linkLines(e.link, new Map()).join('\n');
    case 'addr':
      return `${del}${e.addr.ifindex}: ${e.addr.ifname}${addrLine(e.addr)}`;
    case 'route':
      return del + routeLine(e.route);
    case 'neigh':
      return del + neighLine(e.neigh);
    case 'netns':
      return e.action === 'del' ? `Deleted netns ${e.netns}` : `netns ${e.netns}${e.inode !== undefined ? ` inode ${e.inode}` : ''}`;
    case 'overrun':
      return 'events lost (the kernel dropped some: state changed faster than it was read)';
  }
}

/** One event as a JSON object: where, what, and the object in `ip -j` shape. */
export function eventJson(e: MonitorEvent): Record<string, unknown> {
  const o: Record<string, unknown> = { netns: e.netns };
  if (e.inode !== undefined) o.inode = e.inode;
  o.type = e.type;
  if ('action' in e) o.action = e.action;
  if (e.type === 'link') o.link = linkJson(e.link);
  else if (e.type === 'addr') o.addr = { ifindex: e.addr.ifindex, ifname: e.addr.ifname, ...addrJson(e.addr) };
  else if (e.type === 'route') o.route = routeJson(e.route);
  else if (e.type === 'neigh') o.neigh = neighJson(e.neigh);
  return o;
}

/** The lab's own links in the host namespace (host bridges, host ends of veths): the host events a lab monitor shows. */
function hostLinkNames(spec: LabSpec): Set<string> {
  const out = new Set(spec.bridges.filter((b) => b.node === undefined).map((b) => b.name));
  for (const l of spec.links) for (const e of l.kind === 'veth' ? [l.a, l.b] : [l.end]) if (e.node === undefined) out.add(e.name);
  return out;
}

/** The device an event is about. */
function deviceOf(e: MonitorEvent): string | undefined {
  if (e.type === 'link') return e.link.ifname;
  if (e.type === 'addr') return e.addr.ifname;
  if (e.type === 'route') return e.route.dev;
  if (e.type === 'neigh') return e.neigh.dev;
  return undefined;
}

const tag = (e: MonitorEvent, text: string): string => text.split('\n').map((l, i) => (i === 0 ? `[${e.netns}] ${l}` : l)).join('\n');

export function register(program: Command): void {
  program
    .command('monitor')
    .description('print kernel events (links, addresses, routes, neighbours, namespaces) of a lab or of every namespace, as ip monitor')
    .argument('[file]', 'topology file of the lab to watch')
    .option('--lab <name>', 'the lab by name (from nsnet labs)')
    .option('--all', 'every namespace on the host, the host\'s own included (the default without FILE or --lab)')
    .option('-j, --json', 'one JSON object per line')
    .action(async (file: string | undefined, o: { lab?: string; all?: boolean; json?: boolean }, cmd: Command) => {
      if (o.all && (file !== undefined || o.lab !== undefined)) throw new UsageError('monitor: give FILE, --lab NAME or --all, not several');
      const json = wantJson(cmd);
      const spec = file !== undefined || o.lab !== undefined ? (await labSpecOf(file, o.lab, 'monitor')).spec : undefined;
      const hostNames = spec ? hostLinkNames(spec) : undefined;
      const { monitor } = await import('../../api/monitor.js');
      const m = monitor(spec ? { netns: spec.nodes.map((n) => n.netns), host: hostNames!.size > 0 } : {});
      const stop = (): void => m.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        // A stream that can no longer be read throws (NsnetError EVENTS_FAILED): one line, exit 1.
        for await (const e of m) {
          if (hostNames && e.netns === 'host' && !hostNames.has(deviceOf(e) ?? '')) continue;
          // A reader that went away (`nsnet monitor | head`): stop, as ip monitor does.
          if (!write(1, `${json ? JSON.stringify(eventJson(e)) : tag(e, eventText(e))}\n`)) stop();
        }
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
    });
}
