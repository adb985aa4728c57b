/**
 * A tcpdump (or `ip netns exec NS tcpdump`) running while some traffic goes by. The traffic is
 * sent once tcpdump says "listening on" (its capture is open then), not after a fixed pause, which
 * a loaded machine can outlast: then the packets go by before the capture and the test fails.
 */
import { spawn } from 'node:child_process';

/** Run `cmd` (a tcpdump with -l and -c N), send `traffic` once it listens; its stdout when it ends or after `ms`. */
export async function tcpdumpDuring(cmd: readonly string[], traffic: () => void, ms = 5000): Promise<string> {
  const cap = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let err = '';
  cap.stdout.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<void>((r) => cap.once('exit', () => r()));
  const listening = new Promise<boolean>((resolve) => {
    cap.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (/listening on/u.test(err)) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  const timer = setTimeout(() => cap.kill(), 30_000);
  if (!(await listening)) {
    clearTimeout(timer);
    throw new Error(`${cmd.join(' ')} ended before it listened: ${err.trim()}`);
  }
  clearTimeout(timer);
  traffic();
  const stop = setTimeout(() => cap.kill(), ms);
  await exited;
  clearTimeout(stop);
  return text;
}
