/** Usage text of each iproute2-style object, printed by `nsnet OBJECT help`. */

export const OBJECT_HELP: Record<string, string> = {
  link: `Usage: nsnet [-n NS] link add [name] NAME [link DEV] [mtu N] [address MAC] [netns NS]
                            [master BR] [alias TEXT] [txqueuelen N] [up] type TYPE [ARGS]
       nsnet [-n NS] link set [dev] DEV [up|down] [mtu N] [name NEW] [address MAC]
                            [master BR|nomaster] [netns NS|PID] [alias TEXT] [txqueuelen N]
       nsnet [-n NS] [-j] [-d] [-br] [-s [-s]] link show [[dev] DEV] [up] [type TYPE] [master BR]
       nsnet [-n NS] link delete [dev] DEV
       nsnet [-n NS] link property add|del dev DEV altname NAME [altname NAME ...]

TYPE [ARGS] := veth peer [name] PEER [netns NS] [mtu N] [address MAC] [alias TEXT] [up]
            |  bridge [stp_state 0|1] [forward_delay N] [ageing_time N] [vlan_filtering 0|1] [mcast_snooping 0|1]
            |  macvlan|macvtap [mode bridge|private|vepa|passthru|source]   (needs link DEV)
            |  vxlan id VNI [remote ADDR|group ADDR] [local ADDR] [dev DEV] [dstport PORT] [ttl N] [[no]learning]
            |  vlan id ID [protocol 802.1Q|802.1ad]                        (needs link DEV)
            |  dummy | ifb | bond | vrf
"up" on link add is an nsnet extension: the link is created up.
`,
  addr: `Usage: nsnet [-n NS] addr add|replace CIDR dev DEV [brd +|ADDR] [label LABEL] [scope global|link|host]
                                     [nodad] [noprefixroute] [peer ADDR]
       nsnet [-n NS] addr del CIDR dev DEV
       nsnet [-n NS] [-j] [-br] [-s [-s]] [-4|-6] addr show [[dev] DEV] [up]
       nsnet [-n NS] [-4|-6] addr flush [dev] DEV [scope global|link|host]
`,
  route: `Usage: nsnet [-n NS] [-4|-6] route add|replace|del [TYPE] TO|default [via GW] [dev DEV] [table N]
                                          [metric N] [src ADDR] [scope global|link|host]
                                          [proto kernel|boot|static|N] [onlink] [mtu N]
       nsnet [-n NS] [-j] [-4|-6] route show [table N|main|local|all] [dev DEV]
       nsnet [-n NS] [-j] route get ADDR [from ADDR] [iif DEV] [oif DEV]
TYPE := unicast | local | blackhole | unreachable | prohibit
As with ip, "route show" lists IPv4 routes unless -6 is given.
`,
  neigh: `Usage: nsnet [-n NS] [-j] [-4|-6] neigh show [[dev] DEV] [nud all]
       nsnet [-n NS] neigh add|replace ADDR lladdr MAC dev DEV [nud permanent]
       nsnet [-n NS] neigh del ADDR dev DEV
`,
  netns: `Usage: nsnet [-j] netns list
       nsnet netns add NAME
       nsnet netns del NAME [NAME ...]
       nsnet netns exec NAME CMD [ARGS ...]
       nsnet netns pids NAME
       nsnet netns identify [PID]
       nsnet netns attach NAME PID
Namespaces live under /run/netns, shared with ip netns.
`,
  sysctl: `Usage: nsnet [-n NS] [-j] sysctl get KEY
       nsnet [-n NS] sysctl set KEY VALUE
KEY is a network sysctl such as net.ipv4.ip_forward (or net/ipv4/conf/eth0.1/forwarding).
`,
};
