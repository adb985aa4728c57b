import { errnoName } from '../wire/nlmsg.js';

/**
 * Base class of every error nsnet throws on purpose. `code` is stable and machine-readable
 * (an errno name such as 'EEXIST' for kernel errors, an nsnet code such as 'INVALID_NAME'
 * otherwise); `object` names the thing the error is about ("link veth0", "namespace blue").
 */
export class NsnetError extends Error {
  override name = 'NsnetError';
  constructor(
    readonly code: string,
    message: string,
    readonly object?: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message}; ${hint}` : message);
  }
}

const errnoText: Record<string, string> = {
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  EEXIST: 'already exists',
  ENODEV: 'no such device',
  EBUSY: 'device or resource busy',
  EINVAL: 'invalid argument',
  EOPNOTSUPP: 'operation not supported',
  ENOTSUP: 'operation not supported',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ENETUNREACH: 'network is unreachable',
  ERANGE: 'numerical result out of range',
  ENOBUFS: 'no buffer space available',
  ETIMEDOUT: 'timed out',
  EAFNOSUPPORT: 'address family not supported',
  ENOTDIR: 'not a directory',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on device',
};

const errnoHint: Record<string, string> = {
  EPERM: 'run as root (CAP_NET_ADMIN and CAP_SYS_ADMIN are needed)',
  EACCES: 'run as root (CAP_NET_ADMIN and CAP_SYS_ADMIN are needed)',
  EEXIST: 'delete it first or choose another name',
  ENODEV: 'check the name with `nsnet link list`',
  EOPNOTSUPP: 'this kernel lacks the feature (is the module loaded?)',
  EBUSY: 'something still uses it',
};

/**
 * A refusal by the kernel (netlink NLMSG_ERROR or a failed syscall), with the errno's name,
 * the operation and object as nsnet understood them, and the kernel's extended-ack text when
 * it sent one ("Unknown device type").
 */
export class KernelError extends NsnetError {
  override name = 'KernelError';
  constructor(
    readonly errno: number,
    readonly op: string,
    object: string,
    readonly extack?: string,
  ) {
    const code = errnoName(errno);
    const cause = extack ? `${extack} (${code})` : `${errnoText[code] ?? 'error'} (${code})`;
    super(code, `${op} ${object}: ${cause}`, object, errnoHint[code]);
  }
}

/** Wrap a failed libc call: errno from koffi, plus what we were doing and to what. */
export function syscallError(errno: number, op: string, object: string): KernelError {
  return new KernelError(errno, op, object);
}
