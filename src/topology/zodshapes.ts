/**
 * The shape of a topology file, as zod schemas: types, allowed keys, number ranges and enums.
 * buildSchemas takes zod itself as an argument, so that this module loads no zod: the public
 * schema (schema.ts) builds them with the `zod` it imports, and the validator
 * (validate/shapes.ts) only when a file needs zod's verdict (most files are read without it).
 * The same schemas give the TypeScript input type (`TopologyInput`) and the JSON Schema for
 * editors (schema/topology.schema.json).
 *
 * What zod cannot say well (names, CIDRs, references between nodes, bridges and links) is
 * checked in validate.ts; the JSON Schema still carries the name and endpoint patterns so that
 * editors flag them while typing.
 */
import type { z as zod, ZodString, ZodType } from 'zod';
import { ENDPOINT_RE, IFACE_NAME_RE, LAB_NAME_RE, MAC_RE, NODE_NAME_RE, PREFIX_RE, SYSCTL_KEY_RE } from './names.js';

/** zod's `z`, passed in. */
export type Z = typeof zod;

const IPV6_RULE =
  "A node's IPv6 is its own `ipv6` if set, else the lab's `ipv6`, else true if any address or route of the node is IPv6, else false. " +
  'A node with IPv6 off gets net.ipv6.conf.{all,default}.disable_ipv6=1 before its links are made (as Docker does for containers): ' +
  'no link-local addresses, DAD or MLD, which makes big labs much faster.';

/** An integer in [min, max]; every failure says the whole range. */
function intIn(z: Z, min: number, max: number, what: string) {
  const error = `${what} must be a whole number from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** A list/map that may also be written as nothing (`routes:` with every entry commented out). */
const maybe = <T extends ZodType>(s: T) => s.nullable().optional();

/** The small schemas the parts share. */
function atoms(z: Z) {
  const Cidr = z.string().meta({
    description: 'An address with its prefix length: 10.0.1.10/24 or 2001:db8:1::10/64.',
    examples: ['10.0.1.10/24', '2001:db8:1::10/64'],
  });
  const Mtu = intIn(z, 68, 65535, 'mtu').meta({ description: 'MTU in bytes (68..65535). Not set: the kernel default (1500).' });
  const IfName = z.string().meta({
    description: 'An interface name on the host (at most 15 bytes), e.g. eth1.',
    pattern: '^[^/:\\s]{1,15}$',
  });
  const EndpointStr = z.string().meta({
    description: "One end of a link: 'NODE:IF' (an interface in a node), 'host:IF' (an interface in the host namespace), " +
      "or 'BRIDGE[:PORT]' (a port of a bridge; without PORT its name is generated).",
    pattern: ENDPOINT_RE.source,
    examples: ['h1:eth0', 'br0', 'br0:veth0', 'host:veth9'],
  });

  const VlanId = intIn(z, 1, 4094, 'VLAN id').meta({ description: 'An 802.1Q VLAN id (1..4094).' });
  const Trunks = z.array(VlanId).min(1, { error: 'trunks lists at least one VLAN id' });
  return { Cidr, Mtu, IfName, EndpointStr, VlanId, Trunks, Impair: impairSchema(z) };
}

/** An impairment: values in tc's units, checked by impairProblems (api/impairspec.ts) with file:line:column. */
function impairSchema(z: Z) {
  const val = (description: string, examples: (string | number)[]) => z.union([z.string(), z.number()]).meta({ description, examples }).optional();
  const pct = (what: string) => val(`Percentage of packets ${what} (0% to 100%), e.g. 1% or 0.5%. Needs the kernel's netem qdisc.`, ['1%', '0.5%']);
  return z
    .strictObject({
      rate: val('Bandwidth, as tc writes it: 10mbit, 1gbit, 512kbit, 100mbps (bytes). Through tbf.', ['10mbit', '1gbit']),
      burst: val("Bucket size of the rate limiter (needs rate): 32kb, 1600 (bytes). Not set: 10 ms worth of the rate.", ['32kb']),
      delay: val("Added delay: 20ms, 1.5s, 500us. Needs the kernel's netem qdisc.", ['20ms']),
      jitter: val("Variation of the delay (needs delay): 5ms. Needs the kernel's netem qdisc.", ['5ms']),
      loss: val('Percentage of packets lost where a wire would lose them (0% to 100%): 1%, 0.5%. Without netem, a random drop at the far end.', ['1%', '20%']),
      duplicate: pct('duplicated'),
      corrupt: pct('with a flipped bit'),
      reorder: pct('sent at once while the rest wait for the delay (needs delay)'),
      limit: z.int().meta({ description: 'Queue length in packets (a whole number such as 1000).' }).optional(),
    })
    .meta({
      description: 'Impairment of the traffic leaving this interface (or, on a link, both directions). ' +
        'Changed in place by up; `nsnet impair` changes it at runtime (shown as drift by status). ' +
        'A kernel without netem does rate and loss only; the rest is refused before anything changes.',
    });
}

type Atoms = ReturnType<typeof atoms>;
/** The schema of a map key: with `namedKeys`, the name pattern is enforced (see buildSchemas). */
type KeyOf = (re: RegExp, what: string) => ZodString;

function interfaceSchema(z: Z, { Cidr, Mtu, VlanId, Impair }: Atoms) {
  return z
    .strictObject({
      vlan: z.strictObject({
        parent: z.string().meta({ description: 'The interface of this node the VLAN rides on, e.g. eth0.' }),
        id: VlanId,
      }).meta({ description: 'Make this interface an 802.1Q VLAN sub-interface of `parent` (needs the kernel\'s 8021q support).' }).optional(),
      addresses: maybe(z.array(Cidr)).meta({ description: 'Addresses with prefix length (like `ip addr add`).' }),
      mtu: Mtu.optional(),
      mac: z.string().meta({
        description: 'A unicast MAC address, e.g. "02:00:00:00:01:10" (quote it). Not set: random.',
        pattern: MAC_RE.source,
      }).optional(),
      impair: Impair.optional(),
    })
    .meta({ description: 'An interface of the node. It is created by the link that names it; `lo` exists already.' });
}

function routeSchema(z: Z) {
  return z
    .strictObject({
      to: z.string().meta({
        description: "Destination: 'default' or a network CIDR such as 10.0.2.0/24 (IPv6 default: ::/0). Host bits are refused as ip refuses them (10.0.2.7/24: write 10.0.2.0/24); a bare address is a host route. Compared in canonical form: fd00:1:0::/64 is fd00:1::/64.",
        examples: ['default', '10.0.2.0/24'],
      }),
      via: z.string().meta({ description: 'Gateway address; it must be in a subnet of one of the node\'s interfaces. Optional if dev is given.' }).optional(),
      dev: z.string().meta({ description: 'Output interface (an interface of this node).' }).optional(),
      metric: intIn(z, 0, 4294967295, 'metric').meta({ description: 'Route metric (priority); lower wins. Not set: 0 for IPv4, 1024 for IPv6 (as the kernel, which also makes an IPv6 0 into 1024). Two routes with the same destination, table and metric are one route: refused as DUPLICATE_ROUTE.' }).optional(),
      table: intIn(z, 1, 4294967295, 'table').meta({ description: 'Routing table id (1..4294967295); not set: main (254).' }).optional(),
    })
    .meta({ description: 'A static route, as `ip route add TO via VIA dev DEV metric M table T`.' });
}

function nodeSchemas(z: Z, a: Atoms, key: KeyOf) {
  const Interface = interfaceSchema(z, a);
  const Route = routeSchema(z);
  const SysctlValue = z.union([z.string(), z.number(), z.boolean()]);
  const ExecItem = z.union([z.string(), z.array(z.string()).min(1)]);
  const Node = z
    .strictObject({
      interfaces: maybe(z.record(key(IFACE_NAME_RE, 'interface name'), Interface.nullable())).meta({
        description: 'Interfaces by name. Names longer than 15 bytes (up to 127) get a generated kernel name and keep the name as altname. ' +
          'Interfaces named in links are created even if not listed here.',
      }),
      routes: maybe(z.array(Route)).meta({ description: 'Static routes in this namespace.' }),
      sysctls: maybe(z.record(key(SYSCTL_KEY_RE, 'sysctl key'), SysctlValue)).meta({
        description: 'Namespace-scoped sysctls (keys start with "net."), e.g. net.ipv4.ip_forward: 1.',
      }),
      ipv6: z.boolean().meta({ description: `Enable IPv6 in this namespace. ${IPV6_RULE}` }).optional(),
      exec: maybe(z.array(ExecItem)).meta({
        description: 'Commands run in the node once it is up. A string is split on spaces (no shell quoting); a list is the argv.',
        examples: [['sysctl -w net.ipv4.conf.all.rp_filter=0', ['sh', '-c', 'echo hi > /tmp/x']]],
      }),
    })
    .meta({ description: 'A node is one network namespace (ip netns add PREFIX+NAME).' });

  return { Node, Interface, Route, SysctlValue, ExecItem };
}

function bridgeSchema(z: Z, { Cidr, Mtu }: Atoms) {
  return z
    .strictObject({
      type: z.enum(['linux', 'ovs']).meta({ description: 'linux (default): a Linux bridge. ovs: an Open vSwitch bridge (its ports may carry VLANs: `vlan:` / `trunks:` on links).' }).optional(),
      addresses: maybe(z.array(Cidr)).meta({ description: 'Addresses on the bridge itself (its gateway address, typically).' }),
      node: z.string().meta({ description: 'The node whose namespace holds the bridge; not set: the host namespace.' }).optional(),
      mtu: Mtu.optional(),
      stp: z.boolean().meta({ description: 'Spanning tree on (true) or off (false); not set: the kernel default (off).' }).optional(),
    })
    .meta({ description: 'A Linux bridge (ip link add NAME type bridge) or an Open vSwitch bridge (type: ovs).' });
}

function linkSchemas(z: Z, { Mtu, IfName, EndpointStr, VlanId, Trunks, Impair }: Atoms) {
  const pairError = 'a veth link is a pair of endpoints: [h1:eth0, r1:eth0]';
  const VethPair = z.tuple([EndpointStr, EndpointStr], { error: pairError }).meta({ description: 'A veth pair between two endpoints: [h1:eth0, r1:eth0] or [h2:eth0, br0].' });
  const VethObject = z
    .strictObject({
      type: z.literal('veth').optional(),
      endpoints: z.tuple([EndpointStr, EndpointStr], { error: pairError }).meta({ description: 'The two ends.' }),
      mtu: Mtu.optional(),
      vlan: VlanId.meta({ description: 'The bridge end is an access port of this VLAN: [h1:eth0, sw1] with vlan: 10.' }).optional(),
      trunks: Trunks.meta({ description: 'Both ends are bridge ports trunking these VLANs (802.1Q tagged): [sw1, sw2] with trunks: [10, 20].' }).optional(),
      impair: Impair.optional(),
      failable: z.boolean().meta({
        description: 'Between two nodes: the link goes through a middle the lab controls (a bridge in a hidden namespace), so `nsnet link-down` ' +
          'pulls the cable with both node ends showing NO-CARRIER while they stay up. Costs build time (two veths and a bridge), hence opt-in.',
      }).optional(),
    })
    .meta({ description: 'A veth pair, object form (to set its mtu, the VLANs of its bridge ports, or its impairment, both directions).' });
  const Macvlan = z
    .strictObject({
      type: z.literal('macvlan'),
      endpoint: EndpointStr.meta({ description: "Where the macvlan goes: 'NODE:IF' or 'host:IF'." }),
      parent: IfName.meta({ description: 'The host NIC the macvlan sits on, e.g. eth1.' }),
      mode: z.enum(['bridge', 'private', 'vepa', 'passthru']).meta({ description: 'macvlan mode; default bridge.' }).optional(),
    })
    .meta({ description: 'A macvlan on a host NIC, moved into a node.' });
  const Vxlan = z
    .strictObject({
      type: z.literal('vxlan'),
      endpoint: EndpointStr.meta({ description: "Where the vxlan goes: 'BRIDGE[:NAME]' (a bridge port), 'NODE:IF' or 'host:IF'." }),
      id: intIn(z, 0, 16777215, 'vxlan id').meta({ description: 'VNI (0..16777215).' }),
      remote: z.string().meta({ description: 'Unicast address of the remote VTEP.' }).optional(),
      group: z.string().meta({ description: 'Multicast group instead of remote (needs dev).' }).optional(),
      local: z.string().meta({ description: 'Local source address.' }).optional(),
      dev: IfName.meta({ description: 'Underlay host NIC.' }).optional(),
      port: intIn(z, 1, 65535, 'port').meta({ description: 'UDP destination port; default 4789.' }).optional(),
    })
    .meta({ description: 'A VXLAN tunnel device, made in the host namespace.' });

  const Link = z.union([VethPair, VethObject, Macvlan, Vxlan]);
  return { Link, VethPair, VethObject, Macvlan, Vxlan };
}

function uplinkSchemas(z: Z, { IfName, Trunks }: Atoms) {
  const BridgeUplink = z
    .strictObject({
      type: z.literal('bridge'),
      bridge: z.string().meta({ description: 'A bridge in the host namespace.' }),
      interface: IfName.meta({ description: 'Host NIC that becomes a port of the bridge (restored on down).' }),
      trunks: Trunks.meta({ description: 'The NIC trunks these VLANs of the lab (802.1Q tagged) to the physical network (an OVS bridge).' }).optional(),
      force: z.boolean().meta({ description: "Join the NIC even when it carries the host's default route or an address (the host loses that connection while the lab is up)." }).optional(),
    })
    .meta({ description: 'Connect a bridge to the physical network by making a host NIC one of its ports.' });
  const NatUplink = z
    .strictObject({
      type: z.literal('nat'),
      bridge: z.string().meta({ description: 'A bridge in the host namespace with at least one IPv4 address.' }),
      out: IfName.meta({ description: "Host NIC to masquerade out of; not set: the host's default route." }).optional(),
      subnets: z
        .array(z.union([
          z.string().meta({ description: 'An IPv4 network (10.0.2.0/24); behind a router on the bridge, the host routes it via that router.' }),
          z.strictObject({ to: z.string().meta({ description: 'An IPv4 network.' }), via: z.string().meta({ description: "The gateway: an address on the bridge's subnet." }) }),
        ]))
        .meta({ description: "IPv4 subnets to masquerade; default: the bridge's. A subnet that is not the bridge's is routed by the host via the lab node on the bridge that has an interface in it, or via `via`." })
        .optional(),
    })
    .meta({ description: "Masquerade the bridge's IPv4 subnets out of the host." });

  const Uplink = z.discriminatedUnion('type', [BridgeUplink, NatUplink]);
  return { Uplink, BridgeUplink, NatUplink };
}

/**
 * Build the schemas. `namedKeys` puts the name patterns on map keys (for the exported schema and
 * the JSON Schema); validate.ts builds them without, and checks names itself with better messages.
 */
export function buildSchemas(z: Z, namedKeys: boolean) {
  const key: KeyOf = (re, what) => (namedKeys ? z.string().regex(re, { error: `invalid ${what}` }) : z.string());
  const a = atoms(z);
  const { Node, Interface, Route, SysctlValue, ExecItem } = nodeSchemas(z, a, key);
  const Bridge = bridgeSchema(z, a);
  const { Link, VethPair, VethObject, Macvlan, Vxlan } = linkSchemas(z, a);
  const { Uplink, BridgeUplink, NatUplink } = uplinkSchemas(z, a);
  const Topology = z
    .strictObject({
      $schema: z.string().meta({ description: 'JSON Schema of this file, for editors; ignored.' }).optional(),
      name: (namedKeys ? z.string().regex(LAB_NAME_RE, { error: 'invalid lab name' }) : z.string()).meta({
        description: 'Lab name: lower-case letters, digits, "_" and "-", at most 24 (used in state file names and ownership marks).',
      }),
      prefix: (namedKeys ? z.string().regex(PREFIX_RE, { error: 'invalid prefix' }) : z.string()).meta({
        description: 'Namespace name = prefix + node name. Default "" (so `ip netns exec h1 ...` works).',
      }).optional(),
      ipv6: z.boolean().meta({ description: `Lab default for the nodes' IPv6. ${IPV6_RULE}` }).optional(),
      nodes: maybe(z.record(key(NODE_NAME_RE, 'node name'), Node.nullable())).meta({
        description: 'Nodes by name (letters, digits, "_", ".", "-", at most 63; "host" is reserved).',
      }),
      bridges: maybe(z.record(key(IFACE_NAME_RE, 'bridge name'), Bridge.nullable())).meta({
        description: 'Linux bridges by name; in the host namespace unless `node:` is set. A name may not be both a node and a bridge.',
      }),
      links: maybe(z.array(Link)).meta({ description: 'veth pairs, macvlans and vxlans.' }),
      uplinks: maybe(z.array(Uplink)).meta({ description: 'Connections of host bridges to the outside world.' }),
    })
    .meta({ title: 'nsnet topology', description: 'A virtual network of namespaces, links and bridges, built by nsnet.' });
  return { Topology, Node, Interface, Route, SysctlValue, ExecItem, Bridge, Link, VethPair, VethObject, Macvlan, Vxlan, Uplink, BridgeUplink, NatUplink };
}

/** The schemas as built by buildSchemas. */
export type Schemas = ReturnType<typeof buildSchemas>;
