/**
 * `ip -br link` and `ip -br addr` (brief): one line per link, name[@peer] padded to 16, state
 * padded to 14, then the MAC address and flags, or the addresses; and their `-j -br` JSON.
 * Pure: data in, string out.
 */
import type { AddrInfo, LinkInfo } from '../api/types.js';
import { indexLinks, linkRef, toJson, type ByIndex, type RenderOptions } from './render.js';

/** The JSON fields ip's brief output starts with: the peer (link or link_index), ifname, operstate. */
function head(l: LinkInfo, byIndex: ByIndex): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const ref = linkRef(l, byIndex);
  if (ref) o[ref.key] = ref.value;
  o.ifname = l.ifname;
  o.operstate = l.operstate;
  return o;
}

function headText(l: LinkInfo, byIndex: ByIndex): string {
  const ref = linkRef(l, byIndex);
  return `${`${l.ifname}${ref ? `@${ref.at}` : ''}`.padEnd(16)} ${l.operstate.padEnd(14)} `;
}

/** `ip -br link show` / `ip -j -br link show`. */
export function renderLinksBrief(links: readonly LinkInfo[], o: RenderOptions = {}, all: readonly LinkInfo[] = links): string {
  const byIndex = indexLinks(all);
  if (o.json) {
    return toJson(links.map((l) => ({ ...head(l, byIndex), ...(l.address !== undefined ? { address: l.address } : {}), flags: l.flags })), o.pretty);
  }
  return links.map((l) => `${headText(l, byIndex)}${l.address !== undefined ? `${l.address} ` : ''}<${l.flags.join(',')}> \n`).join('');
}

/** `ip -br addr show` / `ip -j -br addr show`; with `onlyWithAddrs` (-4/-6) links without one are left out, as ip. */
export function renderAddrsBrief(links: readonly LinkInfo[], addrs: readonly AddrInfo[], o: RenderOptions = {}, onlyWithAddrs = false, all: readonly LinkInfo[] = links): string {
  const byIndex = indexLinks(all);
  const per = new Map<number, AddrInfo[]>();
  for (const a of addrs) per.set(a.ifindex, [...(per.get(a.ifindex) ?? []), a]);
  const shown = links.filter((l) => !onlyWithAddrs || per.has(l.ifindex));
  if (o.json) {
    return toJson(shown.map((l) => ({ ...head(l, byIndex), addr_info: (per.get(l.ifindex) ?? []).map((a) => ({ local: a.local, prefixlen: a.prefixlen })) })), o.pretty);
  }
  return shown.map((l) => `${headText(l, byIndex)}${(per.get(l.ifindex) ?? []).map((a) => `${a.local}/${a.prefixlen} `).join('')}\n`).join('');
}
