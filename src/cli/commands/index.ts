/**
 * The commands beyond ip's objects, as one table: name, one line of help, and the module that
 * registers it with commander. main.ts imports only this table; a command's module (and the
 * library behind it) loads when that command is asked for, so `nsnet --help` stays fast.
 *
 * A new command is a new file under commands/ exporting `register(program)`, plus one row here.
 */
import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandModule>;
  /** It ends before V8's young generation would grow: main() skips heap.ts's flag (and the node:v8 it loads). */
  short?: true;
}

/** A command of lab.ts: that module registers only the one asked for. */
const lab = (name: string) => async (): Promise<CommandModule> => {
  const m = await import('./lab.js');
  return { register: (program) => m.registerLabCommand(name, program) };
};

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'plan', summary: 'show what "up" would change', load: lab('plan') },
  { name: 'up', summary: 'build or update a lab', load: lab('up') },
  { name: 'down', summary: 'tear a lab down', load: lab('down') },
  { name: 'status', summary: "show a lab's state", load: lab('status') },
  { name: 'labs', summary: 'list labs', load: () => import('./labs.js'), short: true },
  { name: 'exec', summary: 'run a command in a lab node', load: lab('exec') },
  { name: 'graph', summary: "draw a lab's topology (DOT, Mermaid, SVG; with its state when up)", load: () => import('./lab-graph.js') },
  { name: 'monitor', summary: 'print kernel events of a lab or of every namespace (as ip monitor)', load: () => import('./monitor.js') },
  { name: 'ui', summary: 'a web page: live diagram, node panels, terminals', load: () => import('./ui.js') },
  { name: 'map', summary: 'every network namespace on the host as one network', load: () => import('./map.js') },
  { name: 'impair', summary: 'set, clear or list impairments (rate, loss, ...) on cables of a lab', load: () => import('./impair.js') },
  { name: 'link-down', summary: 'pull a cable of a lab (its node end shows NO-CARRIER)', load: () => import('./link-state.js') },
  { name: 'link-up', summary: 'plug a cable of a lab back in', load: () => import('./link-state.js') },
  { name: 'capture', summary: 'capture packets on cables of a lab as pcapng (one interface per NODE:IF)', load: () => import('./capture.js') },
  { name: 'schema', summary: "print the topology file's JSON Schema", load: lab('schema'), short: true },
];

export const commandNames = (): string[] => COMMANDS.map((c) => c.name);
