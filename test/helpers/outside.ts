/**
 * The network beyond a NAT uplink, for the NAT tests: a namespace behind a veth whose host end
 * stands in for the host's NIC, with no route back to the lab, counting the echo requests it
 * receives by source prefix (an nftables table `seen`), so a test can tell whether the lab's own
 * addresses ever reached it or only the host's (masqueraded) one.
 */
import type { TestContext } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { ip } from './lab.js';

export interface OutsideOptions {
  /** The namespace's name. */
  ns: string;
  /** The veth: its host end (the stand-in NIC) and its end inside `ns`. */
  hostEnd: string;
  peerEnd: string;
  /** CIDRs: the host end's address, and the outside end's. */
  hostAddr: string;
  peerAddr: string;
  /** Source prefixes whose echo requests are counted ("192.0.2.1", "10.0.0.0/8"). */
  count: string[];
  /** More addresses on the outside's lo (a server beyond it). */
  loAddrs?: string[];
}

/** Make the outside (removed after the test); returns a reader of its echo-request counters by source. */
export function makeOutside(t: TestContext, o: OutsideOptions): () => Map<string, number> {
  ip('netns', 'add', o.ns);
  t.after(() => spawnSync('ip', ['netns', 'del', o.ns]));
  ip('link', 'add', o.hostEnd, 'type', 'veth', 'peer', 'name', o.peerEnd, 'netns', o.ns);
  ip('addr', 'add', o.hostAddr, 'dev', o.hostEnd);
  ip('link', 'set', o.hostEnd, 'up');
  ip('-n', o.ns, 'addr', 'add', o.peerAddr, 'dev', o.peerEnd);
  ip('-n', o.ns, 'link', 'set', o.peerEnd, 'up');
  ip('-n', o.ns, 'link', 'set', 'lo', 'up');
  for (const a of o.loAddrs ?? []) ip('-n', o.ns, 'addr', 'add', a, 'dev', 'lo');
  const rules = o.count.map((src) => `  ip saddr ${src} icmp type echo-request counter\n`).join('');
  execFileSync('ip', ['netns', 'exec', o.ns, 'nft', '-f', '-'], {
    input: `table ip seen {\n chain in {\n  type filter hook input priority 0;\n${rules} }\n}\n`,
  });
  return () => {
    const listed = execFileSync('ip', ['netns', 'exec', o.ns, 'nft', '-j', 'list', 'table', 'ip', 'seen'], { encoding: 'utf8' });
    const seen = new Map<string, number>();
    for (const item of (JSON.parse(listed) as { nftables: { rule?: { expr: Record<string, unknown>[] } }[] }).nftables) {
      if (!item.rule) continue;
      const match = item.rule.expr.find((e) => 'match' in e && JSON.stringify(e).includes('"saddr"')) as { match: { right: unknown } } | undefined;
      const counter = item.rule.expr.find((e) => 'counter' in e) as { counter: { packets: number } } | undefined;
      if (!match || !counter) continue;
      const r = match.match.right as string | { prefix: { addr: string; len: number } };
      seen.set(typeof r === 'string' ? r : `${r.prefix.addr}/${r.prefix.len}`, counter.counter.packets);
    }
    return seen;
  };
}
