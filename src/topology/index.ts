/** The topology file format: schema, parsing with file positions, validation, the normalized model. */
export type { BridgeSpec, Endpoint, IfaceSpec, LabSpec, LinkSpec, NodeSpec, RouteSpec, UplinkSpec } from './model.js';
export { formatIssue, loadTopologyFile, parseTopology, validateTopology, type TopologyIssue, type TopologyResult } from './parse.js';
export { TopologySchema, topologyJsonSchema, type TopologyInput } from './schema.js';
export { IFNAME_MAX, ALTNAME_MAX, isKernelName, allocateKernelName } from './names.js';
