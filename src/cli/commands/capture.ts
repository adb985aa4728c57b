/**
 * nsnet capture FILE|--lab NAME NODE:IF [NODE:IF ...] [-w FILE.pcapng | -w -] [-c N] [--duration S]
 *
 * Captures in the nodes' namespaces (no tcpdump needed there) and writes pcapng with one
 * interface per NODE:IF, so `-w - | wireshark -k -i -` and `tcpdump -r` read it. Without -w,
 * prints one line per packet. Ctrl-C ends it.
 */
import { write } from '../write.js';
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { labSpecOf, UsageError } from './lab-source.js';

/** One line for a captured frame: ethertype, and IPv4/IPv6 addresses and protocol when it is IP. */
export function frameSummary(d: Buffer): string {
  if (d.length < 14) return `${d.length} bytes`;
  const type = d.readUInt16BE(12);
  if (type === 0x0800 && d.length >= 34) {
    const ip = (o: number): string => [...d.subarray(o, o + 4)].join('.');
    const proto = ({ 1: 'ICMP', 6: 'TCP', 17: 'UDP' } as Record<number, string>)[d[23]!] ?? `proto ${d[23]}`;
    return `IP ${ip(26)} > ${ip(30)}: ${proto}, length ${d.length}`;
  }
  if (type === 0x86dd) return `IP6, length ${d.length}`;
  if (type === 0x0806) return `ARP, length ${d.length}`;
  return `ethertype 0x${type.toString(16).padStart(4, '0')}, length ${d.length}`;
}

export function register(program: Command): void {
  program
    .command('capture')
    .description('capture packets on cables of a lab (pcapng, one interface per NODE:IF)')
    .argument('[args...]', 'FILE (unless --lab), then one or more NODE:IF (host:IF for a host-side end)')
    .option('--lab <name>', 'the lab by name (from nsnet labs)')
    .option('-w, --write <file>', 'write pcapng to FILE, or to standard output with -')
    .option('-c, --count <n>', 'stop after N packets')
    .option('--duration <seconds>', 'stop after this many seconds')
    .action(async (args: string[], o: { lab?: string; write?: string; count?: string; duration?: string }) => {
      const rest = [...args];
      const file = o.lab === undefined ? rest.shift() : undefined;
      if (rest.length === 0) throw new UsageError('capture: give at least one NODE:IF');
      const count = o.count !== undefined ? Number(o.count) : undefined;
      if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new UsageError(`capture: -c ${o.count} is not a positive whole number`);
      const secs = o.duration !== undefined ? Number(o.duration) : undefined;
      if (secs !== undefined && !(secs > 0)) throw new UsageError(`capture: --duration ${o.duration} is not a positive number of seconds`);
      const { spec } = await labSpecOf(file, o.lab, 'capture');
      const { labCapture } = await import('../../apply/impair-lab.js');
      const { parsePcapng } = await import('../../wire/pcapng.js');
      const toFile = o.write === undefined || o.write === '-' ? undefined : createWriteStream(o.write);
      // Standard output whose reader went away (`capture ... | head`): stop, as tcpdump does.
      let readerGone = false;
      const toStdout = (data: string | Uint8Array): void => {
        if (write(1, data) || readerGone) return;
        readerGone = true;
        queueMicrotask(stop); // (the first bytes come before labCapture has returned)
      };
      let names: string[] = [];
      const sink = toFile ? (b: Uint8Array) => void toFile.write(b) : o.write === '-' ? toStdout : (b: Uint8Array) => {
        const f = parsePcapng(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
        if (f.interfaces.length) names = f.interfaces.map((i) => i.name ?? '?');
        for (const p of f.packets) {
          const t = new Date(Number(p.timestampUs / 1000n)).toISOString().slice(11, 23);
          toStdout(`${t} ${names[p.iface]} ${frameSummary(p.data)}\n`);
        }
      };
      const c = labCapture(spec, rest, { write: sink, ...(count !== undefined ? { count } : {}), ...(secs !== undefined ? { durationMs: secs * 1000 } : {}) });
      write(2, `capturing on ${rest.join(', ')}\n`); // as tcpdump's "listening on": the sockets are open
      function stop(): void {
        c.stop();
      }
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const r = await c.done;
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      if (toFile) await new Promise<void>((res) => toFile.end(res));
      write(2, `${r.packets} packets captured (${Object.entries(r.perInterface).map(([k, v]) => `${k} ${v}`).join(', ')})\n`);
    });
}
