/**
 * nsnet ui [FILE | --lab NAME] [--port 8043] [--listen 127.0.0.1]: the local web page (src/web).
 * Thin: check the flags, start the server, print its URL with the token, stop on Ctrl-C (every
 * shell it started ends with it). The server and its libraries load only here.
 */
import { write } from '../write.js';
import type { Command } from 'commander';

class UsageError extends Error {
  override name = 'UsageError';
}

interface UiFlags {
  lab?: string;
  port: string;
  listen: string;
}

async function labOfFile(file: string): Promise<string> {
  const { Lab } = await import('../../apply/lab.js');
  return Lab.load(file).name;
}

async function run(file: string | undefined, o: UiFlags): Promise<void> {
  const { isIP } = await import('node:net');
  if (file !== undefined && o.lab !== undefined) throw new UsageError('ui: give FILE or --lab NAME, not both');
  const port = Number(o.port);
  if (!/^\d+$/u.test(o.port) || port > 65535) throw new UsageError(`ui: --port ${JSON.stringify(o.port)} is not a port number (0-65535; 0 picks a free one)`);
  if (o.listen !== 'localhost' && isIP(o.listen) === 0) throw new UsageError(`ui: --listen ${JSON.stringify(o.listen)} is not an IP address (e.g. 127.0.0.1)`);
  const lab = file !== undefined ? await labOfFile(file) : o.lab;
  const { startUi, isLoopback } = await import('../../web/server.js');
  const { uiSources } = await import('../../web/sources.js');
  if (lab !== undefined) {
    const { readRecord } = await import('../../apply/state.js');
    if (!readRecord(lab)) {
      throw Object.assign(new Error(`ui: lab ${lab} is not up on this host (no record); ${file !== undefined ? `bring it up with nsnet up ${file}` : 'list labs with nsnet labs'}`), { name: 'NsnetError' });
    }
  }
  if (!isLoopback(o.listen)) {
    write(2, `nsnet ui: warning: listening on ${o.listen}, not loopback: anyone who reaches this port with the token gets root shells in the labs' nodes\n`);
  }
  let server;
  try {
    server = await startUi({ ...(lab !== undefined ? { lab } : {}), port, listen: o.listen, ...(await uiSources()) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw Object.assign(new Error(`ui: port ${port} on ${o.listen} is in use; choose another with --port`), { name: 'NsnetError' });
    if (code === 'EADDRNOTAVAIL') throw Object.assign(new Error(`ui: ${o.listen} is not an address of this host; choose one with --listen`), { name: 'NsnetError' });
    throw e;
  }
  write(1, `${server.url}\n`);
  write(2, `nsnet ui: ${lab !== undefined ? `lab ${lab}` : 'the host map'}; open the URL above (Ctrl-C stops the server and its shells)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, stop);
      void server.close().then(resolve);
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, stop);
  });
}

export function register(program: Command): void {
  program
    .command('ui')
    .description('a local web page: the lab as a live diagram, a panel and a terminal per node (no lab: the host map)')
    .argument('[file]', 'topology file of the lab')
    .option('--lab <name>', 'the lab by name (from nsnet labs)')
    .option('--port <port>', 'TCP port (0: any free one)', '8043')
    .option('--listen <address>', 'address to listen on (anything but loopback gives root shells to whoever has the token)', '127.0.0.1')
    .action(run);
}
