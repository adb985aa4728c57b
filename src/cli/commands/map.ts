/**
 * nsnet map [-j | --dot | --svg FILE]: every network namespace on the host, however it is held,
 * with its links, bridges and veth peers (api/map.ts); text by default.
 */
import { printJson, wantJson } from '../json-opt.js';
import { write } from '../write.js';
import type { Command } from 'commander';
import { UsageError } from './lab-source.js';

export function register(program: Command): void {
  program
    .command('map')
    .description('every network namespace on the host: names, mounts, processes, links, bridges, veth peers')
    .option('-j, --json', 'the map as JSON (what map() returns)')
    .option('--dot', 'a Graphviz graph')
    .option('--svg <file>', 'draw it as SVG into FILE (no graphviz needed)')
    .action(async (o: { json?: boolean; dot?: boolean; svg?: string }, cmd: Command) => {
      const json = wantJson(cmd);
      if ([json, o.dot, o.svg !== undefined].filter(Boolean).length > 1) throw new UsageError('map: give one of -j, --dot, --svg FILE');
      const { map } = await import('../../api/map.js');
      const m = await map();
      const r = await import('../../render/map.js');
      if (json) printJson(m);
      else if (o.dot) write(1, r.mapDot(m));
      else if (o.svg !== undefined) {
        const { dotToSvg } = await import('../../render/dot.js');
        const { writeFileSync } = await import('node:fs');
        writeFileSync(o.svg, await dotToSvg(r.mapDot(m)));
        write(2, `nsnet: map of ${m.netns.length} namespace${m.netns.length === 1 ? '' : 's'} drawn in ${o.svg}\n`);
      } else write(1, r.mapText(m));
    });
}
