export { planLab, IPV6_SYSCTLS, IP_FORWARD, natTableName } from './plan.js';
export { renderPlan, refusalText } from './render.js';
export { pathOfAction } from './locate.js';
export type { Action, ActionFor, Op, Plan, PlanWarning, Refusal, VethEnd } from './actions.js';
export { opSign } from './actions.js';
export {
  markFor, labOfMark, nothingObserved, emptyEffects,
  type ObservedLab, type ObservedNamespace, type ObservedLink, type ObservedAddr, type ObservedRoute, type ObservedHost, type ObservedNic, type HostEffects,
} from './observed.js';
export { HOST, indexLab, endpointNs, orphanInterfaces, tablesOf, type DesiredLab, type DesiredLink } from './desired.js';
export { canonCidr, canonIp, routeKey, describeRoute, MAIN_TABLE } from './keys.js';
