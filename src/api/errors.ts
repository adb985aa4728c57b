/** The errors the api throws (NsnetError, and KernelError for the kernel's refusals), and their hints' two wordings, for its callers. */
export { KernelError, NsnetError, hintOf, withHint, type Caller, type Hint } from '../kernel/errors.js';
