export { Lab, TopologyError, type TestLike } from './lab.js';
export { applyPlan, upLab, planFor, ApplyError, RefusedError, type ApplyResult, type UpResult, type UpOptions, type Progress } from './apply.js';
export { downLab, type DownResult } from './down.js';
export { observeLab, type Observation } from './observe.js';
export { labStatus, type LabStatus, type NodeStatus, type LinkStatus, type OvsBridgeStatus, type OvsPortStatus } from './status.js';
export { readRecord, listRecords, lockLab, type LabRecord } from './state.js';
