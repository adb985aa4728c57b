/** rtnetlink message codecs: pure functions from specs to request bytes and from kernel messages to objects. */
export * from './constants.js';
export * from './link.js';
export * from './addr.js';
export * from './route.js';
export * from './neigh.js';
export * from './nsid.js';
export * from './tc.js';
export * from './filter.js';
export { ifnameProblem, checkIfname, IFNAMSIZ_MAX, ALTIFNAMSIZ_MAX } from './ifla.js';
