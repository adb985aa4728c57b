/**
 * nsnet graph FILE|--lab NAME [--dot | --mermaid | --svg FILE]: a lab's topology as a picture
 * (render/lab.ts). When the lab is up on this host the picture carries its state: links with an
 * end down or missing are drawn red and dashed, "down"; nodes whose namespace is missing grey.
 */
import { write } from '../write.js';
import type { Command } from 'commander';
import type { LabSpec } from '../../topology/model.js';
import type { LiveState } from '../../render/lab.js';
import { labSpecOf, UsageError } from './lab-source.js';

/** The lab as DOT from its spec alone (no live state). */
export async function graphDot(spec: LabSpec): Promise<string> {
  const { labGraph, graphDotOf } = await import('../../render/lab.js');
  return graphDotOf(labGraph(spec));
}

/** The state of a lab that is up (from the kernel, through labStatus), or undefined. */
async function liveState(spec: LabSpec): Promise<LiveState | undefined> {
  const { readRecord, labStatus } = await import('../../apply/index.js');
  const record = readRecord(spec.name);
  if (!record) return undefined;
  const s = await labStatus(spec, record);
  const nodes = new Map(s.nodes.map((n) => [n.name, n]));
  const host = new Map(s.host.map((l) => [l.name, l.up]));
  return {
    linkUp: (node, ifname) => (node === undefined ? host.get(ifname) : nodes.get(node)?.links.find((l) => l.name === ifname)?.up),
    nodeMissing: (node) => nodes.get(node)?.state !== 'up',
  };
}

export function register(program: Command): void {
  program
    .command('graph')
    .description("draw a lab's topology: Graphviz DOT (the default), Mermaid or SVG; a lab that is up is drawn with its link state")
    .argument('[file]', 'topology file')
    .option('--lab <name>', 'the lab by name (from nsnet labs)')
    .option('--dot', 'Graphviz DOT (the default)')
    .option('--mermaid', 'Mermaid, for a ```mermaid block in Markdown')
    .option('--svg <file>', 'draw it as SVG into FILE (no graphviz needed)')
    .action(async (file: string | undefined, o: { lab?: string; dot?: boolean; mermaid?: boolean; svg?: string }) => {
      if ([o.dot, o.mermaid, o.svg !== undefined].filter(Boolean).length > 1) throw new UsageError('graph: give one of --dot, --mermaid, --svg FILE');
      const { spec } = await labSpecOf(file, o.lab, 'graph');
      const r = await import('../../render/lab.js');
      const g = r.labGraph(spec, { live: await liveState(spec) });
      if (o.mermaid) write(1, r.graphMermaidOf(g));
      else if (o.svg !== undefined) {
        const { dotToSvg } = await import('../../render/dot.js');
        const { writeFileSync } = await import('node:fs');
        writeFileSync(o.svg, await dotToSvg(r.graphDotOf(g)));
        write(2, `nsnet: lab ${spec.name} drawn in ${o.svg}\n`);
      } else write(1, `${r.graphDotOf(g)}\n`);
    });
}
