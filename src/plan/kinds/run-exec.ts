/** A node's exec commands run (once per change of them), last. */
import { defineKind, type ActionBase } from './kind.js';

export interface RunExec extends ActionBase {
  op: 'run-exec';
  node: string;
  netns: string;
  commands: string[][];
}

export default defineKind<RunExec>({
  op: 'run-exec',
  sign: '+',
  order: 180, // last: the node's network is complete
  namespaces: (a) => [a.netns],
  sim(w, a) {
    w.execDone[a.node] = a.commands;
  },
  locate: (_spec, a) => ['nodes', a.node, 'exec'],
});
