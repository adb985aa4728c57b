/** Names the planner, its action kinds and apply share. */

/** Sysctls that turn IPv6 off in a namespace; derived from NodeSpec.ipv6. */
export const IPV6_SYSCTLS = ['net.ipv6.conf.all.disable_ipv6', 'net.ipv6.conf.default.disable_ipv6'] as const;
export const IP_FORWARD = 'net.ipv4.ip_forward';
/** The nftables table (family ip) of a lab's NAT uplink. */
export const natTableName = (lab: string): string => `nsnet-${lab}`;
/** The MTU the kernel gives a new veth end (ETH_DATA_LEN): what a link whose file sets none has. */
export const VETH_DEFAULT_MTU = 1500;
/**
 * A Linux bridge keeps an MTU against its ports only when ndo_change_mtu set it (RTM_SETLINK
 * with a value it does not have yet); one given in RTM_NEWLINK, or set to the value it already
 * has, is not remembered, and the bridge follows its ports' smallest MTU as they join. So a
 * bridge's MTU is set through this neighbouring value first.
 */
export const bridgeMtuDetour = (mtu: number): number => (mtu > 68 ? mtu - 1 : mtu + 1);
