/**
 * The iproute2-style objects (link, addr, route, neigh, netns, sysctl): parse the words, call
 * the library, print. Loaded lazily by main.ts, so `nsnet --help` never loads koffi; each
 * object loads its own parser and printer when it runs, so `nsnet netns list` loads neither the
 * address parser (and ipaddr.js) nor the link printers.
 */
import { existsSync } from 'node:fs';
import type { Handle } from '../../api/handle.js';
import type { LinkInfo, NsRef } from '../../api/types.js';
import { OBJECT_HELP } from '../help.js';
import { wantsHelp, type GlobalOptions } from '../words.js';
import { cliMessage } from '../message.js';
import { write } from '../write.js';

export type IpObject = 'link' | 'addr' | 'route' | 'neigh' | 'netns' | 'sysctl';

const out = (s: string): void => {
  if (s) write(1, s);
};

/**
 * `netns NS` as ip reads it: a name under /run/netns, or else, when it is all digits, a PID.
 */
export function nsArg(s: string): NsRef {
  if (/^\d+$/u.test(s) && !existsSync(`/run/netns/${s}`)) return { pid: Number(s) };
  return s;
}

/** Open the namespace given by -n (or the host's), run `fn`, close it. */
async function withHandle<T>(g: GlobalOptions, fn: (h: Handle) => Promise<T>): Promise<T> {
  const { openNetns } = await import('../../api/handle.js');
  const h = await openNetns(g.netns);
  try {
    return await fn(h);
  } finally {
    h.close();
  }
}

/** Run one object's command; returns the exit status. Words are parsed before anything is opened. */
export async function runIpObject(object: IpObject, words: string[], g: GlobalOptions): Promise<number> {
  if (wantsHelp(words)) return help(object);
  switch (object) {
    case 'link':
      return runLink(words, g);
    case 'addr':
      return runAddr(words, g);
    case 'route':
      return runRoute(words, g);
    case 'neigh':
      return runNeigh(words, g);
    case 'netns':
      return runNetns(words, g);
    case 'sysctl':
      return runSysctl(words, g);
  }
}

async function runLink(words: string[], g: GlobalOptions): Promise<number> {
  const { parseLinkCommand } = await import('../parse-link.js');
  const c = parseLinkCommand(words);
  if (c.verb === 'help') return help('link');
  await withHandle(g, async (h) => {
    switch (c.verb) {
      case 'add': {
        const spec = { ...c.spec };
        if (spec.netns !== undefined) spec.netns = nsArg(spec.netns as string);
        if (spec.kind === 'veth' && spec.peer?.netns !== undefined) spec.peer = { ...spec.peer, netns: nsArg(spec.peer.netns as string) };
        await h.link.add(spec);
        break;
      }
      case 'set': {
        const spec = { ...c.spec };
        if (spec.netns !== undefined) spec.netns = nsArg(spec.netns as string);
        await h.link.set(c.dev, spec);
        break;
      }
      case 'del':
        await h.link.del(c.dev);
        break;
      case 'altname':
        if (c.op === 'add') await h.link.addAltnames(c.dev, c.names);
        else await h.link.delAltnames(c.dev, c.names);
        break;
      case 'show': {
        const all = await h.link.list();
        let shown: LinkInfo[] = all;
        if (c.dev !== undefined) {
          const one = await h.link.get(c.dev);
          shown = all.filter((l) => l.ifindex === one.ifindex);
          if (shown.length === 0) shown = [one];
        }
        if (c.up) shown = shown.filter((l) => l.flags.includes('UP'));
        if (c.kind !== undefined) shown = shown.filter((l) => l.kind === c.kind);
        if (c.master !== undefined) shown = shown.filter((l) => l.master === c.master);
        out(g.brief ? (await import('../render-brief.js')).renderLinksBrief(shown, g, all) : (await import('../render.js')).renderLinks(shown, g, all));
        break;
      }
    }
  });
  return 0;
}

async function runAddr(words: string[], g: GlobalOptions): Promise<number> {
  const { parseAddrCommand } = await import('../parse-addr.js');
  const c = parseAddrCommand(words);
  if (c.verb === 'help') return help('addr');
  await withHandle(g, async (h) => {
    switch (c.verb) {
      case 'add':
        await h.addr.add(c.dev, c.cidr, c.opts);
        break;
      case 'replace':
        await h.addr.replace(c.dev, c.cidr, c.opts);
        break;
      case 'del':
        await h.addr.del(c.dev, c.cidr);
        break;
      case 'flush':
        await h.addr.flush(c.dev, c.scope === undefined ? { family: g.family } : { family: g.family, scope: c.scope });
        break;
      case 'show': {
        const all = await h.link.list();
        let links: LinkInfo[] = all;
        if (c.dev !== undefined) {
          const one = await h.link.get(c.dev);
          links = all.filter((l) => l.ifindex === one.ifindex);
        }
        if (c.up) links = links.filter((l) => l.flags.includes('UP'));
        const addrs = await h.addr.list(c.dev !== undefined ? { dev: c.dev, family: g.family } : { family: g.family });
        const render = g.brief ? (await import('../render-brief.js')).renderAddrsBrief : (await import('../render.js')).renderAddrs;
        out(render(links, addrs, g, g.family !== undefined, all));
        break;
      }
    }
  });
  return 0;
}

async function runRoute(words: string[], g: GlobalOptions): Promise<number> {
  const [{ parseRouteCommand }, { renderRouteGet, renderRoutes }] = await Promise.all([import('../parse-route.js'), import('../render.js')]);
  const c = parseRouteCommand(words, g.family);
  if (c.verb === 'help') return help('route');
  await withHandle(g, async (h) => {
    switch (c.verb) {
      case 'add':
        await h.route.add(c.spec);
        break;
      case 'replace':
        await h.route.replace(c.spec);
        break;
      case 'del':
        await h.route.del(c.spec);
        break;
      case 'show': {
        if (c.dev !== undefined) await h.link.get(c.dev); // names a missing device
        // As ip: one table means IPv4 unless -6; "table all" means every family.
        const family = g.family ?? (c.table === 'all' ? undefined : 4);
        const routes = await h.route.list({ table: c.table, family });
        out(renderRoutes(c.dev === undefined ? routes : routes.filter((r) => r.dev === c.dev), g));
        break;
      }
      case 'get':
        out(renderRouteGet(await h.route.get(c.to, c.query), g));
        break;
    }
  });
  return 0;
}

async function runNeigh(words: string[], g: GlobalOptions): Promise<number> {
  const [{ parseNeighCommand }, { renderNeighs }] = await Promise.all([import('../parse-neigh.js'), import('../render.js')]);
  const c = parseNeighCommand(words);
  if (c.verb === 'help') return help('neigh');
  await withHandle(g, async (h) => {
    switch (c.verb) {
      case 'add':
        await h.neigh.add(c.dev, c.address, c.lladdr);
        break;
      case 'del':
        await h.neigh.del(c.dev, c.address);
        break;
      case 'show': {
        const all = await h.neigh.list(c.dev !== undefined ? { dev: c.dev, family: g.family } : { family: g.family });
        // As ip: NOARP entries (multicast, loopback) only with "nud all".
        out(renderNeighs(c.all ? all : all.filter((n) => !n.state.includes('NOARP')), g));
        break;
      }
    }
  });
  return 0;
}

async function runNetns(words: string[], g: GlobalOptions): Promise<number> {
  const [{ parseNetnsCommand }, { renderNetns, toJson }] = await Promise.all([import('../parse-netns.js'), import('../render.js')]);
  const c = parseNetnsCommand(words);
  if (c.verb === 'help') return help('netns');
  if (c.verb === 'list' && g.netns === undefined) {
    // Nothing to list needs no netlink (ip prints ids only of namespaces it lists): no koffi.
    const { namedNetns } = await import('../../api/netns-files.js');
    if (namedNetns().length === 0) {
      out(renderNetns([], g));
      return 0;
    }
  }
  const { netns } = await import('../../api/namespaces.js');
  switch (c.verb) {
    case 'list':
      // With -n NS, the ids as NS numbers them, as ip -n NS netns list.
      out(renderNetns(g.netns === undefined ? await netns.list() : await withHandle(g, (from) => netns.list({ from })), g));
      return 0;
    case 'add':
      await netns.add(c.name);
      return 0;
    case 'del': {
      // As `ip netns del A B`: try each (in one burst), report each failure, fail if any failed.
      const errors = await netns.delEach(c.names);
      if (c.names.length === 1 && errors[0]) throw errors[0];
      for (const e of errors) if (e) reportError(e);
      return errors.some((e) => e !== undefined) ? 1 : 0;
    }
    case 'attach':
      await netns.attach(c.name, c.pid);
      return 0;
    case 'identify': {
      const names = await netns.identify(c.pid ?? process.pid);
      out(g.json ? toJson(names, g.pretty) : names.map((n) => `${n}\n`).join(''));
      return 0;
    }
    case 'pids': {
      const pids = await netns.pids(c.name);
      out(g.json ? toJson(pids, g.pretty) : pids.map((p) => `${p}\n`).join(''));
      return 0;
    }
    case 'exec':
      return (await import('../exec-in.js')).execInNetns(c.name, c.cmd);
  }
}

async function runSysctl(words: string[], g: GlobalOptions): Promise<number> {
  const [{ parseSysctlCommand }, { toJson }] = await Promise.all([import('../parse-netns.js'), import('../render.js')]);
  const c = parseSysctlCommand(words);
  if (c.verb === 'help') return help('sysctl');
  await withHandle(g, async (h) => {
    if (c.verb === 'get') {
      const value = await h.sysctl.get(c.key);
      out(g.json ? toJson({ key: c.key, value }, g.pretty) : `${value}\n`);
    } else if (c.verb === 'set') {
      await h.sysctl.set(c.key, c.value);
      out(g.json ? toJson({ key: c.key, value: c.value }, g.pretty) : `${c.key} = ${c.value}\n`);
    }
  });
  return 0;
}

function help(object: IpObject): number {
  out(OBJECT_HELP[object]!);
  return 0;
}

/** One line on stderr for an error (the same format main.ts uses). */
export function reportError(e: unknown): void {
  write(2, `nsnet: ${cliMessage(e)}\n`);
}
