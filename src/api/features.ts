/**
 * What this kernel offers for impairments, found once per process: each qdisc, classifier and
 * link kind is tried on the loopback device of a scratch namespace (unnamed, gone when the
 * probe's socket closes), so nothing is left behind and no lab is touched.
 *
 * A lab asks `requireFeatures` before it changes anything, and gets one line naming the
 * missing kernel feature: "delay needs the kernel's netem qdisc (CONFIG_NET_SCH_NETEM), which
 * this kernel lacks".
 */
import { KernelError } from '../kernel/errors.js';
import { requireFeatures as requireIn, type Feature, type Features } from './featureset.js';
import { inScratchNetns } from '../kernel/scratch.js';
import { NetlinkSocket } from '../kernel/socket.js';
import { randomDropProgram } from '../wire/bpf.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../wire/nlmsg.js';
import {
  CLSACT_INGRESS, encodeFilter, encodeLink, encodeQdisc, RTM_NEWLINK, RTM_NEWQDISC, RTM_NEWTFILTER, TC_H_INGRESS, TC_H_ROOT,
} from '../wire/rtnl/index.js';

export { FEATURE_CONFIG, missingFeature, type Feature, type Features } from './featureset.js';

const LO = 1;

/** Try one request; true if the kernel took it, false if it does not know the kind. */
function tries(sock: NetlinkSocket, msg: Buffer, what: string): boolean {
  try {
    sock.request(msg, { op: 'probe', object: what });
    return true;
  } catch (e) {
    if (e instanceof KernelError && ['ENOENT', 'EOPNOTSUPP', 'EINVAL', 'ENODEV'].includes(e.code)) return false;
    throw e;
  }
}

function probe(): Features {
  const sock = inScratchNetns(() => NetlinkSocket.open());
  try {
    const root = (spec: Parameters<typeof encodeQdisc>[2]['spec'], what: string): boolean =>
      tries(sock, encodeQdisc(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, { index: LO, parent: TC_H_ROOT, spec }), what);
    const netem = root({ kind: 'netem', delayUs: 1000 }, 'netem qdisc');
    const tbf = root({ kind: 'tbf', rateBps: 125_000, burstBytes: 10_000, latencyUs: 50_000 }, 'tbf qdisc');
    const htb = root({ kind: 'htb' }, 'htb qdisc');
    const clsact = tries(sock, encodeQdisc(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, { index: LO, parent: TC_H_INGRESS, handle: 0xffff0000, kind: 'clsact' }), 'clsact qdisc');
    const clsBpf = clsact && tries(sock, encodeFilter(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, {
      index: LO, parent: CLSACT_INGRESS, spec: { kind: 'bpf', ops: randomDropProgram(0), directAction: true },
    }), 'bpf filter');
    const ifb = tries(sock, encodeLink(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, {}, { name: 'nsnetprobe0', info: { kind: 'ifb' } }), 'ifb device');
    return { netem, tbf, htb, clsact, cls_bpf: clsBpf, ifb };
  } finally {
    sock.close(); // the scratch namespace, its qdiscs and devices go with it
  }
}

let cached: Features | undefined;

/** What the kernel offers, probed on first use and remembered for the process. */
export function kernelFeatures(): Features {
  cached ??= Object.freeze(probe());
  return cached;
}

/** @internal for tests: forget the cached answer, or pretend the kernel offers `f`. */
export function setKernelFeaturesForTest(f: Features | undefined): void {
  cached = f;
}

/** Throw the refusal for the first of `needs` ([capability, feature]) the kernel lacks. */
export function requireFeatures(needs: ReadonlyArray<readonly [string, Feature]>, features: Features = kernelFeatures()): void {
  requireIn(needs, features);
}
