export * from './stream.js';
export * from './value.js';
export * from './rpc.js';
export * from './transact.js';
export * from './monitor.js';
