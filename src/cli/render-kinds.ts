/**
 * A link's kind data (IFLA_INFO_DATA) in iproute2's words: the `info_data` of `ip -j -d link
 * show` and the words after the kind in `ip -d link show`. The library gives the data with its
 * own field names (forwardDelay, stpState, ...); ip's names (forward_delay, stp_state, ...) are
 * the CLI's business. Pure: data in, data out.
 */

/** One field: its name and value in ip's JSON, and its words in ip's text (none: JSON only). */
type Field = [key: string, json: unknown, text: string | undefined];

/** Resolves an ifindex to the name ip prints for it. */
export type NameOf = (ifindex: number) => string | undefined;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const flag = (v: boolean): number => (v ? 1 : 0);

function bridgeFields(i: Record<string, unknown>): Field[] {
  const f: Field[] = [];
  const u = (key: string, v: unknown): void => {
    if (typeof v === 'number') f.push([key, v, `${key} ${v}`]);
  };
  u('forward_delay', i.forwardDelay);
  u('hello_time', i.helloTime);
  u('max_age', i.maxAge);
  u('ageing_time', i.ageingTime);
  u('stp_state', i.stpState);
  u('priority', i.priority);
  if (typeof i.vlanFiltering === 'boolean') u('vlan_filtering', flag(i.vlanFiltering));
  if (typeof i.vlanProtocol === 'number') {
    const p = i.vlanProtocol === 0x88a8 ? '802.1ad' : i.vlanProtocol === 0x8100 ? '802.1Q' : `0x${i.vlanProtocol.toString(16)}`;
    f.push(['vlan_protocol', p, `vlan_protocol ${p}`]);
  }
  if (typeof i.multicastSnooping === 'boolean') u('mcast_snooping', flag(i.multicastSnooping));
  return f;
}

function vxlanFields(i: Record<string, unknown>, nameOf: NameOf): Field[] {
  const f: Field[] = [['id', i.id, `id ${String(i.id)}`]];
  if (typeof i.group === 'string') f.push(['group', i.group, `group ${i.group}`]);
  if (typeof i.remote === 'string') f.push(['remote', i.remote, `remote ${i.remote}`]);
  if (typeof i.local === 'string') f.push(['local', i.local, `local ${i.local}`]);
  const link = num(i.link);
  if (link !== undefined && link !== 0) {
    const dev = nameOf(link) ?? `if${link}`;
    f.push(['link', dev, `dev ${dev}`]);
  }
  if (typeof i.srcPortMin === 'number' && typeof i.srcPortMax === 'number') {
    f.push(['port_range', { low: i.srcPortMin, high: i.srcPortMax }, `srcport ${i.srcPortMin} ${i.srcPortMax}`]);
  }
  if (typeof i.port === 'number') f.push(['port', i.port, `dstport ${i.port}`]);
  if (typeof i.learning === 'boolean') f.push(['learning', i.learning, i.learning ? undefined : 'nolearning']);
  if (typeof i.ttl === 'number') f.push(['ttl', i.ttl, i.ttl ? `ttl ${i.ttl}` : 'ttl auto']);
  if (typeof i.tos === 'number' && i.tos !== 0) f.push(['tos', `0x${i.tos.toString(16)}`, i.tos === 1 ? 'tos inherit' : `tos ${i.tos.toString(16)}`]);
  return f;
}

/** Any other kind: its fields by the same rule ip's names follow (snake_case), values as they are. */
function otherFields(i: Record<string, unknown>): Field[] {
  return Object.entries(i)
    .filter(([k, v]) => v !== undefined && k !== 'peer' && !(v instanceof Uint8Array))
    .map(([k, v]) => {
      const key = k.replace(/[A-Z]/gu, (c) => `_${c.toLowerCase()}`);
      const text = typeof v === 'boolean' ? (v ? key : `no${key}`) : `${key} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
      return [key, v, text] as Field;
    });
}

function fields(kind: string, info: Record<string, unknown>, nameOf: NameOf): Field[] {
  switch (kind) {
    case 'bridge':
      return bridgeFields(info);
    case 'vxlan':
      return vxlanFields(info, nameOf);
    case 'veth':
      return []; // ip prints no data for a veth
    case 'vlan':
      // ip's order: protocol before id.
      return [
        ...(typeof info.protocol === 'string' ? [['protocol', info.protocol, `protocol ${info.protocol}`] as Field] : []),
        ['id', info.id, `id ${String(info.id)}`],
      ];
    default:
      return otherFields(info);
  }
}

/** `info_data` as `ip -j -d link show` names it; undefined when ip prints none. */
export function kindJson(kind: string, info: Record<string, unknown> | undefined, nameOf: NameOf): Record<string, unknown> | undefined {
  if (!info) return undefined;
  const f = fields(kind, info, nameOf);
  return f.length ? Object.fromEntries(f.map(([k, v]) => [k, v])) : undefined;
}

/** The words `ip -d link show` prints after the kind: `forward_delay 1500 ... stp_state 0`. */
export function kindText(kind: string, info: Record<string, unknown> | undefined, nameOf: NameOf): string {
  if (!info) return '';
  return fields(kind, info, nameOf).map(([, , t]) => t).filter((t) => t !== undefined).join(' ');
}
