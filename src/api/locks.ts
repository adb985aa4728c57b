/** Advisory file locks (flock), for callers that serialise work across processes (a lab's record, host effects). */
export { lockFd, tryLockFd, unlockFd } from '../kernel/flock.js';
