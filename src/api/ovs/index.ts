import { OvsdbClient } from './client.js';
import { acquireOvs, releaseOvs, type Acquired } from './daemons.js';
import { ensureRoot } from './switch.js';

export { OvsdbClient, OvsdbGoneError } from './client.js';
export * from './daemons.js';
export * from './switch.js';

/** An open connection to the Open vSwitch a lab uses. */
export interface OvsSession extends Acquired {
  client: OvsdbClient;
  /** Close the connection (the daemons keep running until `releaseOvs`). */
  close(): void;
}

async function answers(sock: string): Promise<boolean> {
  try {
    (await OvsdbClient.connect(sock, { timeoutMs: 2000 })).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * The Open vSwitch for `lab`: the host's if it runs one, else nsnet's own daemons (started when
 * needed, and recorded as used by `lab` until `releaseOvs(lab)`), connected and initialised.
 */
export async function openOvs(lab: string): Promise<OvsSession> {
  const acq = await acquireOvs(lab, answers);
  let client: OvsdbClient | undefined;
  try {
    client = await OvsdbClient.connect(acq.dbSocket);
    await ensureRoot(client);
  } catch (e) {
    // An open connection would keep the process alive after the error.
    client?.close();
    if (acq.owner === 'nsnet' && acq.started.length) await releaseOvs(lab);
    throw e;
  }
  const open = client;
  return { ...acq, client: open, close: () => open.close() };
}
