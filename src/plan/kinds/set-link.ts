/** A link that stays gets the file's settings: mtu, MAC, bridge (master; null leaves it), up. */
import { HOST } from '../desired.js';
import { defineKind, inNetns, type ActionBase } from './kind.js';
import { linkOrNodePath } from './where.js';

export interface SetLink extends ActionBase {
  op: 'set-link';
  netns?: string;
  name: string;
  mtu?: number;
  /** A bridge's mtu, set through bridgeMtuDetour (../constants.ts) so the kernel keeps it. */
  pinMtu?: boolean;
  mac?: string;
  /** A new random MAC (the apply half draws it), as a new link gets one. */
  randomMac?: boolean;
  master?: string | null;
  up?: boolean;
}

export default defineKind<SetLink>({
  op: 'set-link',
  sign: '~',
  order: 130,
  namespaces: inNetns,
  sim(w, a) {
    const l = w.link(a.netns ?? HOST, a.name);
    if (a.mtu !== undefined) l.mtu = a.mtu;
    if (a.mac !== undefined) l.mac = a.mac;
    else if (a.randomMac) l.mac = `06:00:00:00:00:${l.index.toString(16).padStart(2, '0')}`;
    if (a.master === null) delete l.master;
    else if (a.master !== undefined) l.master = a.master;
    if (a.up) l.up = true;
  },
  locate: (spec, a) => linkOrNodePath(spec, a.netns, a.name),
});
