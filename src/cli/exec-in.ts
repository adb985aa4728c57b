/**
 * One way to run a command in a namespace from the CLI, for `nsnet netns exec NAME` and
 * `nsnet exec NODE`: through the api's Handle.spawn (ip netns exec's environment), stdio
 * inherited, the command's exit status (128+N for signal N, as a shell reports it).
 */
export async function execInNetns(name: string, cmd: string[]): Promise<number> {
  const { openNetns } = await import('../api/handle.js');
  const { constants } = await import('node:os');
  const { NsnetError } = await import('../api/errors.js');
  const h = await openNetns(name);
  try {
    const child = h.spawn(cmd, { stdio: 'inherit' });
    return await new Promise<number>((resolve, reject) => {
      child.on('error', (e) => reject(new NsnetError('EXEC', `cannot run ${cmd[0]} in namespace ${name}: ${e.message}`, `namespace ${name}`)));
      child.on('close', (code, signal) => {
        resolve(code ?? (signal ? 128 + (constants.signals[signal as NodeJS.Signals] ?? 0) : 1));
      });
    });
  } finally {
    h.close();
  }
}
