/**
 * Packet capture on interfaces of any namespaces, written as pcapng with one interface block
 * per captured interface named as the caller says ("r1:eth0"), so `tcpdump -r`, Wireshark
 * (`-w - | wireshark -k -i -`) and tshark show which cable each packet crossed. No tcpdump is
 * needed in the node or on the host: an AF_PACKET socket is opened inside each namespace.
 *
 *   const c = capture([{ handle: r1, dev: 'eth0', name: 'r1:eth0' }], { count: 10 });
 *   const { pcapng, packets } = await c.done;        // or c.stop() to end early
 */
import { PacketSocket, type RawPacket } from '../kernel/packet.js';
import { enhancedPacket, interfaceDescription, sectionHeader } from '../wire/pcapng.js';
import type { Handle } from './handle.js';
import type { DevRef } from './types.js';

export interface CaptureTarget {
  handle: Handle;
  dev: DevRef;
  /** The interface's name in the file (if_name), e.g. "r1:eth0". */
  name: string;
}

export interface CaptureOptions {
  /** Stop after this many packets (over all interfaces). */
  count?: number;
  /** Stop after this many milliseconds. */
  durationMs?: number;
  /** Where the pcapng bytes go as they come (a file or stdout); without it they are kept and returned. */
  write?: (chunk: Uint8Array) => void;
}

export interface CaptureResult {
  /** Packets captured, in total and per interface name. */
  packets: number;
  perInterface: Record<string, number>;
  /** The whole file, when no `write` was given. */
  pcapng?: Uint8Array;
}

export interface Capture {
  /** Resolves when the count or duration is reached, or after stop(). */
  readonly done: Promise<CaptureResult>;
  stop(): void;
}

/** Start capturing on every target at once. Sockets are open when this returns. */
export function capture(targets: CaptureTarget[], opts: CaptureOptions = {}): Capture {
  const kept: Buffer[] = [];
  const out = opts.write ?? ((b: Buffer) => void kept.push(b));
  const perInterface: Record<string, number> = {};
  let total = 0;
  let finish!: (r: CaptureResult) => void;
  const done = new Promise<CaptureResult>((res) => (finish = res));
  const sockets: PacketSocket[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    for (const s of sockets) {
      for (const p of s.drain()) void p; // anything left after the limit is not written
      s.close();
    }
    const r: CaptureResult = { packets: total, perInterface };
    if (!opts.write) r.pcapng = Buffer.concat(kept);
    finish(r);
  };
  out(Buffer.concat([sectionHeader(), ...targets.map((t) => interfaceDescription(t.name))]));
  const onPackets = (iface: number, name: string) => (ps: RawPacket[]): void => {
    for (const p of ps) {
      if (stopped || (opts.count !== undefined && total >= opts.count)) break;
      out(enhancedPacket({ iface, timestampUs: p.timestampUs, data: p.data, originalLength: p.length }));
      total++;
      perInterface[name] = (perInterface[name] ?? 0) + 1;
    }
    if (opts.count !== undefined && total >= opts.count) stop();
  };
  try {
    targets.forEach((t, i) => {
      perInterface[t.name] = 0;
      t.handle.check();
      const index = t.handle.link.index(t.dev);
      sockets.push(PacketSocket.open(t.handle.fd, index, t.handle.link.obj(t.dev), onPackets(i, t.name)));
    });
  } catch (e) {
    for (const s of sockets) s.close();
    throw e;
  }
  if (opts.durationMs !== undefined) timer = setTimeout(stop, opts.durationMs);
  return { done, stop };
}
