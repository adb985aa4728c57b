/**
 * nsnet: Linux network namespaces, links, addresses, routes and neighbours from TypeScript,
 * over rtnetlink, and virtual networks from a topology file.
 */
export { Handle, openNetns, hostNetns } from './api/handle.js';
export { netns, type AddNetnsOptions } from './api/namespaces.js';
export type * from './api/types.js';
export type { AddrAddOptions } from './api/addresses.js';
export { monitor, type Monitor, type MonitorEvent, type MonitorOptions } from './api/monitor.js';
export { map, type HostMap, type MapNetns, type MapLink } from './api/map.js';
export { NsnetError, KernelError, type Hint, type Caller } from './kernel/errors.js';
export { WireError } from './wire/errors.js';
export { Lab, TopologyError, ApplyError, RefusedError, type TestLike, type UpResult, type DownResult, type LabStatus, type Progress } from './apply/index.js';
export { renderPlan, refusalText, type Plan, type Action, type Refusal, type PlanWarning } from './plan/index.js';
export type { LabSpec, NodeSpec } from './topology/model.js';
export type { TopologyInput } from './topology/schema.js';
export type { TopologyIssue } from './topology/issues.js';
export { Qdiscs, type QdiscOptions, type QdiscInfo, type FilterInfo } from './api/qdisc.js';
export { impair, clearImpairment, readImpairment, impairProblems, type ImpairSpec, type Endpoint, type ImpairProblem } from './api/impair.js';
export { kernelFeatures, type Feature, type Features } from './api/features.js';
export { capture, type Capture, type CaptureTarget, type CaptureOptions, type CaptureResult } from './api/capture.js';
