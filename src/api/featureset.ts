/**
 * The kernel features impairments need, by name, and the one-line refusal when one is missing:
 * "delay needs the kernel's netem qdisc (CONFIG_NET_SCH_NETEM), which this kernel lacks".
 * Pure: what the kernel offers is probed once by ./features.ts and passed in.
 */
import { NsnetError } from '../kernel/errors.js';
import { LINK_MODULES, moduleHint, TC_MODULES } from '../kernel/modules.js';

export type Feature = 'netem' | 'tbf' | 'htb' | 'clsact' | 'cls_bpf' | 'ifb';

/** What each feature is in the kernel's configuration, for the refusal. */
export const FEATURE_CONFIG: Readonly<Record<Feature, string>> = {
  netem: "the kernel's netem qdisc (CONFIG_NET_SCH_NETEM)",
  tbf: "the kernel's tbf qdisc (CONFIG_NET_SCH_TBF)",
  htb: "the kernel's htb qdisc (CONFIG_NET_SCH_HTB)",
  clsact: "the kernel's clsact qdisc (CONFIG_NET_SCH_INGRESS)",
  cls_bpf: "the kernel's bpf classifier (CONFIG_NET_CLS_BPF)",
  ifb: "the kernel's ifb device (CONFIG_IFB)",
};

/** The module of each feature. */
const FEATURE_MODULE: Readonly<Record<Feature, string>> = {
  netem: TC_MODULES.netem!, tbf: TC_MODULES.tbf!, htb: TC_MODULES.htb!, clsact: TC_MODULES.clsact!, cls_bpf: TC_MODULES.bpf!, ifb: LINK_MODULES.ifb!,
};

export type Features = Readonly<Record<Feature, boolean>>;

/** The refusal for a capability that needs a missing feature. */
export function missingFeature(what: string, f: Feature): NsnetError {
  return new NsnetError('KERNEL_FEATURE', `${what} needs ${FEATURE_CONFIG[f]}, which this kernel lacks`, what, moduleHint(FEATURE_MODULE[f]));
}

/** Throw the refusal for the first of `needs` ([capability, feature]) that `features` lacks. */
export function requireFeatures(needs: ReadonlyArray<readonly [string, Feature]>, features: Features): void {
  for (const [what, f] of needs) if (!features[f]) throw missingFeature(what, f);
}
