/**
 * The kernel module behind each link kind, qdisc and classifier nsnet makes, for the hint of a
 * kernel that lacks one ("load its module (modprobe vxlan), or use a kernel built with it").
 * A module is named the same for the library and the command line.
 */

/** Link kinds (IFLA_INFO_KIND) to their modules. */
export const LINK_MODULES: Readonly<Record<string, string>> = {
  veth: 'veth', bridge: 'bridge', vxlan: 'vxlan', macvlan: 'macvlan', macvtap: 'macvtap', vlan: '8021q',
  dummy: 'dummy', ifb: 'ifb', bond: 'bonding', vrf: 'vrf',
};

/** Qdiscs and classifiers (TCA_KIND) to their modules. */
export const TC_MODULES: Readonly<Record<string, string>> = {
  netem: 'sch_netem', tbf: 'sch_tbf', htb: 'sch_htb', clsact: 'sch_ingress', ingress: 'sch_ingress', bpf: 'cls_bpf',
  fq: 'sch_fq', fq_codel: 'sch_fq_codel', sfq: 'sch_sfq', prio: 'sch_prio', cake: 'sch_cake', pfifo: 'sch_fifo', bfifo: 'sch_fifo',
};

/** What to do when the kernel lacks `module` (undefined: the module is not known here). */
export function moduleHint(module: string | undefined): string {
  return module !== undefined
    ? `load its module (modprobe ${module}), or use a kernel built with it`
    : 'load the module that provides it (modprobe), or use a kernel built with it';
}
