/** The errors the api throws (NsnetError, and KernelError for the kernel's refusals), for its callers. */
export { KernelError, NsnetError } from '../kernel/errors.js';
