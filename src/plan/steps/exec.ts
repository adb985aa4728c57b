/** A node's exec commands, run when new or changed. */
import type { Planner } from '../planner.js';

export function exec(p: Planner): void {
  for (const n of p.d.spec.nodes) {
    if (!n.exec.length || !p.ours.has(n.netns)) continue;
    const done = p.o.execDone[n.name];
    const fresh = p.created.has(n.netns);
    if (!fresh && done !== undefined && JSON.stringify(done) === JSON.stringify(n.exec)) continue;
    p.add({ op: 'run-exec', node: n.name, netns: n.netns, commands: n.exec, target: `node ${n.name}`, reason: fresh ? 'new node' : done === undefined ? 'its commands have not run yet' : 'its commands changed in the file' });
  }
}
