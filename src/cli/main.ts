/**
 * nsnet's command line. commander handles the top level (global options, help, version);
 * each iproute2-style object parses its own words (`link add veth0 type veth peer name veth1`).
 * Nothing heavy is imported up front: commander loads once a command needs it, and the library
 * (and koffi) inside the action, so `nsnet --help` stays fast. A command line that is one of ip's
 * objects after plain global options (`nsnet -j netns list`) is run without commander at all
 * (directIp): those objects parse their own words. Exit status: 0 ok, 1 error, 2 usage error; set through
 * process.exitCode, never process.exit.
 */
import './started.js'; // first: its clock reading is Node's start-up (up --profile)
import type { Command } from 'commander';
import { COMMANDS, commandNames } from './commands/index.js';
import { keepYoungGenerationSmall } from './heap.js';
import { cliMessage } from './message.js';
import { terminalColumns, write } from './write.js';

/** The objects of `ip`, in ip's order so that abbreviations resolve as ip resolves them. */
const IP_OBJECTS = [
  { name: 'address', object: 'addr', aliases: ['addr'], summary: 'IPv4/IPv6 addresses (ip addr)' },
  { name: 'route', object: 'route', aliases: [], summary: 'routing tables (ip route)' },
  { name: 'neighbour', object: 'neigh', aliases: ['neighbor', 'neigh'], summary: 'neighbour (ARP/NDP) entries (ip neigh)' },
  { name: 'link', object: 'link', aliases: [], summary: 'network devices: veth, bridge, macvlan, vxlan, ... (ip link)' },
  { name: 'netns', object: 'netns', aliases: [], summary: 'named network namespaces (ip netns)' },
  { name: 'sysctl', object: 'sysctl', aliases: [], summary: 'network sysctls of a namespace (net.*)' },
] as const;

/** The commands beyond ip's objects (commands/index.ts), in the help's words. */
const COMMAND_HELP = `
Commands (virtual networks from a topology file, and more; "nsnet COMMAND --help" for each):
${COMMANDS.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}

Examples:
  nsnet netns add blue
  nsnet link add veth0 type veth peer name veth1
  nsnet link set veth1 netns blue
  nsnet -n blue addr add 10.1.1.2/24 dev veth1
  nsnet -n blue link set veth1 up
  nsnet -n blue route add default via 10.1.1.1
  nsnet -j link show
`;

/** Global options that take a value (so the word after them is not the command). */
const VALUE_OPTIONS = new Set(['-n', '--netns']);

/** Index in `args` (user words, without node and script) of the command word, or -1. */
export function commandIndex(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return i + 1 < args.length ? i + 1 : -1;
    if (VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return i;
  }
  return -1;
}

/**
 * ip's abbreviations of objects: the first object (in ip's order) the word is a prefix of
 * (`a` → address, `r` → route, `n` → neighbour, `l` → link). Exact command names win;
 * sysctl needs at least three letters so that `s` is never silently a sysctl.
 */
export function expandObject(word: string): string {
  const exact = new Set<string>([...IP_OBJECTS.flatMap((o) => [o.name, ...o.aliases]), ...commandNames(), 'help']);
  if (exact.has(word)) return word;
  for (const o of IP_OBJECTS) {
    if (o.name === 'sysctl' && word.length < 3) continue;
    if ([o.name, ...o.aliases].some((n) => n.startsWith(word))) return o.name;
  }
  return word;
}

/** One line for an error: expected errors by message only; anything else flagged as internal. */
export function errorLine(e: unknown): { line: string; code: number } {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err.name === 'UsageError') return { line: `nsnet: ${cliMessage(err)}`, code: 2 };
  if (['NsnetError', 'KernelError', 'WireError'].includes(err.name)) return { line: `nsnet: ${cliMessage(err)}`, code: 1 };
  return { line: `nsnet: internal error: ${cliMessage(err)} (set NSNET_DEBUG=1 for details)`, code: 1 };
}

async function readVersion(): Promise<string> {
  return (await import('../api/packagedir.js')).packageVersion();
}

/** The global options as the ip objects take them. */
type Globals = import('./words.js').GlobalOptions;

/**
 * An ip object's command line whose global options are all plain (each as its own word:
 * -n NAME, -j, -p, -d, --brief, -s, -4, -6 and their long forms): the object, its words and the
 * options, read without commander. Anything else (help, version, combined or unknown flags,
 * --opt=value, '--') is left to commander: undefined.
 */
export function directIp(args: readonly string[], at: number): { object: (typeof IP_OBJECTS)[number]['object']; words: string[]; g: Globals } | undefined {
  if (at < 0) return undefined;
  const o = IP_OBJECTS.find((x) => x.name === args[at] || (x.aliases as readonly string[]).includes(args[at]!));
  if (!o || args.includes('--')) return undefined;
  const g: Globals = { netns: undefined, json: false, pretty: false, details: false, brief: false, stats: 0, family: undefined };
  let four = false;
  let six = false;
  for (let i = 0; i < at; i++) {
    const a = args[i]!;
    if (a === '-n' || a === '--netns') g.netns = args[++i];
    else if (a === '-j' || a === '--json') g.json = true;
    else if (a === '-p' || a === '--pretty') g.pretty = true;
    else if (a === '-d' || a === '--details') g.details = true;
    else if (a === '--brief') g.brief = true;
    else if (a === '-s' || a === '--stats') g.stats! += 1;
    else if (a === '-4') four = true;
    else if (a === '-6') six = true;
    else return undefined;
  }
  if (four && six) return undefined; // commander's path says "give -4 or -6, not both"
  g.family = four ? 4 : six ? 6 : undefined;
  return { object: o.object, words: args.slice(at + 1), g };
}

/** commander, loaded when a command line needs it (commander.ts says how). */
const commander = async (): Promise<typeof import('commander')> => (await import('./commander.js')).commander;

type RunIp = (object: (typeof IP_OBJECTS)[number]['object'], words: string[], g: Globals) => Promise<number>;

const runIp: RunIp = async (object, words, g) => (await import('./commands/ip.js')).runIpObject(object, words, g);

/** The commander program; `run` runs an ip object (tests pass their own to see what it is given). */
export async function buildProgram(version: string, run: RunIp = runIp): Promise<Command> {
  const { Command } = await commander();
  const program = new Command('nsnet')
    .description('Network namespaces, links, addresses and routes over rtnetlink, in the words of iproute2')
    .usage('[options] OBJECT { COMMAND | help }')
    .version(version, '-V, --version', 'print the version')
    .option('-n, --netns <name>', 'run in the named network namespace (as ip -n)')
    .option('-j, --json', 'JSON output, with ip -j field names')
    .option('-p, --pretty', 'indent JSON output')
    .option('-d, --details', 'more detail (link kind data)')
    .option('--brief', '(-br) one line per link: link and addr show, as ip -br')
    .option('-s, --stats', 'counters for link and addr show, as ip -s (twice: and the error counters)', (_v: string, n: number) => n + 1, 0)
    .option('-4', 'IPv4 only')
    .option('-6', 'IPv6 only')
    .helpOption('-h, --help', 'show this help')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      // Straight to the fds, and the terminal's width without touching a stream (write.ts says why).
      writeOut: (s) => write(1, s),
      writeErr: (s) => write(2, s),
      // (commander types these as number; undefined, as its own default gives for a non-terminal, means 80 columns)
      getOutHelpWidth: () => terminalColumns(1) as number,
      getErrHelpWidth: () => terminalColumns(2) as number,
      // nsnet's help has no colours: nothing for commander to keep or strip.
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      outputError: (s, w) => w(`nsnet: ${s.replace(/^error: /u, '')}`),
    })
    .addHelpText('after', COMMAND_HELP)
    .helpCommand(false);

  for (const o of IP_OBJECTS) {
    program
      .command(o.name)
      .aliases([...o.aliases])
      .description(o.summary)
      .argument('[words...]', `${o.name} command and its arguments ("nsnet ${o.object} help")`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .passThroughOptions()
      .action(async (words: string[]) => {
        const opts = program.opts<{ netns?: string; json?: boolean; pretty?: boolean; details?: boolean; brief?: boolean; stats?: number; 4?: boolean; 6?: boolean }>();
        if (opts[4] && opts[6]) throw Object.assign(new Error('give -4 or -6, not both'), { name: 'UsageError' });
        const g = {
          netns: opts.netns,
          json: opts.json ?? false,
          pretty: opts.pretty ?? false,
          details: opts.details ?? false,
          brief: opts.brief ?? false,
          stats: opts.stats ?? 0,
          family: opts[4] ? (4 as const) : opts[6] ? (6 as const) : undefined,
        };
        process.exitCode = await run(o.object, words, g);
      });
  }
  program
    .command('help')
    .argument('[object]', 'an object (link, addr, route, neigh, netns, sysctl) or a command (up, down, ...)')
    .description('show help for nsnet, one object or one command')
    .action(async (object?: string) => {
      if (object === undefined) return program.outputHelp();
      const name = expandObject(object);
      const entry = COMMANDS.find((c) => c.name === name);
      if (entry) {
        (await entry.load()).register(program);
        return program.commands.find((c) => c.name() === name)!.outputHelp();
      }
      const o = IP_OBJECTS.find((x) => x.name === name || (x.aliases as readonly string[]).includes(name));
      if (!o) throw Object.assign(new Error(`help: unknown object or command ${JSON.stringify(object)} (objects: link, addr, route, neigh, netns, sysctl; commands: ${commandNames().join(', ')})`), { name: 'UsageError' });
      const { OBJECT_HELP } = await import('./help.js');
      write(1, OBJECT_HELP[o.object]!);
    });
  return program;
}

/** Run the command line `argv` (process.argv: node, script, words...). */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  // Output goes through write.ts, which ends quietly when the reader goes away (`nsnet link | head`).
  const args = argv.slice(2);
  const at = commandIndex(args);
  // ip's multi-letter short options (commander reads -br as -b -r).
  const long: Record<string, string> = { '-br': '--brief', '-brief': '--brief', '-stats': '--stats', '-statistics': '--stats' };
  for (let i = 0; i < (at < 0 ? args.length : at); i++) args[i] = long[args[i]!] ?? args[i]!;
  if (at >= 0) args[at] = expandObject(args[at]!);
  const direct = directIp(args, at);
  const entry = !direct && at >= 0 ? COMMANDS.find((c) => c.name === args[at]) : undefined;
  // ip's objects, help and version end before the young generation would grow, as do short commands.
  if (entry && !entry.short) await keepYoungGenerationSmall();
  try {
    if (direct) {
      process.exitCode = await runIp(direct.object, direct.words, direct.g);
      return;
    }
    const program = await buildProgram(await readVersion());
    if (entry) (await entry.load()).register(program);
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!direct && e instanceof (await commander()).CommanderError) {
      // Help and version exit 0; commander already printed its message for the rest.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const { line, code } = errorLine(e);
    write(2, `${line}\n`);
    if (process.env.NSNET_DEBUG === '1' && e instanceof Error && e.stack) write(2, `${e.stack}\n`);
    process.exitCode = code;
  }
}
