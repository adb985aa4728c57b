/**
 * Open vSwitch for the lab's observation and teardown: what OVSDB holds (only looked at when
 * the file, or an earlier one, has OVS bridges, or the lab holds nsnet's daemons), and `down`'s
 * removal of every OVS bridge marked with the lab, then the lab's hold on the daemons.
 */
import { hintOf, NsnetError } from '../api/errors.js';
import {
  daemonPid, deleteBridge, waitApplied, findInstalled, hostDbSocket, observeSwitch, ovsDbSocket, OvsdbClient, ovsSettled, ovsUsers, releaseOvs, reviveOvs,
} from '../api/ovs/index.js';
import type { ObservedOvs } from '../plan/observed.js';
import type { LabSpec } from '../topology/model.js';
import type { BridgeObserver } from './bridges.js';

const hasOvs = (s: LabSpec): boolean => s.bridges.some((b) => b.type === 'ovs');

/** The Open vSwitch bridges' observer (src/apply/bridges.ts): OVSDB into ObservedLab.ovs; down removes the lab's. */
export const ovsObserver: BridgeObserver = {
  type: 'ovs',
  async observe(spec, previous, o) {
    const ovs = await observeOvs(spec.name, [spec, ...previous]);
    if (ovs) o.ovs = ovs;
  },
  removeLab: downOvs,
};

/**
 * The ovsdb-server socket that answers now, if any (a dead daemon of nsnet's is restarted
 * first; `revived` then says so: ovs-vswitchd builds its datapath again from the database).
 */
async function liveSocket(): Promise<{ sock?: string; revived: boolean }> {
  const host = hostDbSocket();
  if (host) return { sock: host, revived: false };
  const revived = (await reviveOvs()).length > 0;
  return { ...(daemonPid('ovsdb-server') !== undefined ? { sock: ovsDbSocket() } : {}), revived };
}

export async function observeOvs(lab: string, specs: LabSpec[]): Promise<ObservedOvs | undefined> {
  if (!specs.some(hasOvs) && !ovsUsers().includes(lab)) return undefined;
  let missing: ObservedOvs['missing'];
  if (!hostDbSocket()) {
    try {
      findInstalled();
    } catch (e) {
      if (!(e instanceof NsnetError)) throw e;
      missing = { detail: e.detail, hint: e.hints ?? hintOf('install Open vSwitch') };
    }
  }
  const read = async (): Promise<ObservedOvs> => {
    const { sock, revived } = await liveSocket();
    if (!sock) return { ...(missing !== undefined ? { missing } : {}), running: false, bridges: [] };
    const c = await OvsdbClient.connect(sock);
    try {
      // Restarted daemons: the lab forwards again only once ovs-vswitchd has applied the database.
      if (revived) await waitApplied(c, 15_000);
      return { ...(missing !== undefined ? { missing } : {}), running: true, bridges: await observeSwitch(c) };
    } finally {
      c.close();
    }
  };
  try {
    return await read();
  } catch (e) {
    // nsnet's daemons stopped under this read: another lab's down released them last, and this
    // lab holds none (its first up). Read again once that down is over: no daemon then is what
    // there is (up starts them). A lab that holds them, or the host's OVS, keeps its error.
    if (hostDbSocket() || ovsUsers().includes(lab)) throw e;
    await ovsSettled();
    return read();
  }
}

/**
 * Remove every OVS bridge marked with the lab (whatever the file says now), then drop the lab's
 * hold on nsnet's daemons (they stop with the last lab; daemons that no lab holds, as a down
 * killed while stopping them leaves, stop too). Returns the bridges removed.
 */
export async function downOvs(lab: string): Promise<string[]> {
  const holds = ovsUsers().includes(lab);
  const orphans = !holds && ovsUsers().length === 0 && (daemonPid('ovsdb-server') !== undefined || daemonPid('ovs-vswitchd') !== undefined);
  if (!holds && !orphans && !hostDbSocket()) return [];
  const removed: string[] = [];
  try {
    const { sock } = await liveSocket();
    if (sock) {
      const c = await OvsdbClient.connect(sock);
      try {
        for (const b of await observeSwitch(c)) {
          if (b.lab === lab && (await deleteBridge(c, lab, b.name))) removed.push(`OVS bridge ${b.name}`);
        }
      } finally {
        c.close();
      }
    }
  } finally {
    if (holds || orphans) await releaseOvs(lab);
  }
  return removed;
}
