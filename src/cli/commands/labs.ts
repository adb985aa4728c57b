/**
 * nsnet labs [-j]: the labs on this host, from their records under /run/nsnet/labs. A module of
 * its own, apart from lab.ts: a start that lists nothing loads only the records' directory.
 */
import type { Command } from 'commander';
import { printJson, wantJson } from '../json-opt.js';
import { out } from '../write.js';

export function register(program: Command): void {
  program
    .command('labs')
    .description('list the labs on this host')
    .option('-j, --json', 'print the list as JSON')
    .action(async (_o: unknown, cmd: Command) => {
      const { listRecords } = await import('../../apply/labdir.js');
      const names = listRecords();
      if (!names.length) return void (wantJson(cmd) ? printJson([]) : out('no lab is up on this host'));
      // The records (and the code that reads them) load only when there is one to read.
      const { readRecord } = await import('../../apply/records.js');
      const rows = names.flatMap((name) => {
        const r = readRecord(name);
        if (!r) return []; // taken down since the listing
        const spec = r.spec ?? r.pending;
        return [{ name, state: r.state, nodes: spec?.nodes.length ?? 0, links: spec?.links.length ?? 0, file: r.file ?? null, updated: r.updated, ...(r.error ? { error: r.error } : {}) }];
      });
      if (wantJson(cmd)) return void printJson(rows);
      const w = Math.max(4, ...rows.map((r) => r.name.length));
      out(`${'LAB'.padEnd(w)}  STATE     NODES  LINKS  FILE`);
      for (const r of rows) out(`${r.name.padEnd(w)}  ${r.state.padEnd(8)}  ${String(r.nodes).padStart(5)}  ${String(r.links).padStart(5)}  ${r.file ?? '-'}`);
    });
}
