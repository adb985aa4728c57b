import { errnoName } from '../wire/nlmsg.js';
import { moduleHint } from './modules.js';

/**
 * What to do next, in the words of whoever called: the library's (its calls: `netns.add(name)`)
 * and the command line's (its commands: `nsnet netns add NAME`). A plain string is the same
 * for both.
 */
export interface Hint {
  lib: string;
  cli: string;
}
export type Caller = keyof Hint;

/** A hint in both wordings: a plain string is the same for the library and the command line. */
export function hintOf(hint: string | Hint): Hint;
export function hintOf(hint: string | Hint | undefined): Hint | undefined;
export function hintOf(hint: string | Hint | undefined): Hint | undefined {
  return typeof hint === 'string' ? { lib: hint, cli: hint } : hint;
}

/** "what is wrong; what to do", what to do in the words of `caller` (the one rule every error and refusal follows). */
export function withHint(detail: string, hint: string | Hint | undefined, caller: Caller): string {
  const h = hintOf(hint);
  return h ? `${detail}; ${h[caller]}` : detail;
}

/**
 * Base class of every error nsnet throws on purpose. `code` is stable and machine-readable
 * (an errno name such as 'EEXIST' for kernel errors, an nsnet code such as 'INVALID_NAME'
 * otherwise); `object` names the thing the error is about ("link veth0", "namespace blue").
 * `message` ends with the hint in the library's words; the CLI prints `messageFor('cli')`.
 */
export class NsnetError extends Error {
  override name = 'NsnetError';
  /** What to do next, in the library's words. */
  readonly hint?: string;
  /** The message without the hint. */
  readonly detail: string;
  /** What to do next, in both wordings. */
  readonly hints?: Hint;
  constructor(
    readonly code: string,
    message: string,
    readonly object?: string,
    hint?: string | Hint,
  ) {
    const hints = hintOf(hint);
    super(withHint(message, hints, 'lib'));
    this.detail = message;
    this.hints = hints;
    this.hint = hints?.lib;
  }

  /** The message with the hint in the words of `caller`. */
  messageFor(caller: Caller): string {
    return withHint(this.detail, this.hints, caller);
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
  ENETDOWN: 'network is down',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ENETUNREACH: 'network is unreachable',
  EHOSTUNREACH: 'no route to host',
  ERANGE: 'numerical result out of range',
  ENOBUFS: 'no buffer space available',
  ETIMEDOUT: 'timed out',
  EAFNOSUPPORT: 'address family not supported',
  ENOTDIR: 'not a directory',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on device',
  EBADF: 'bad file descriptor',
  ENOMEM: 'out of memory',
};

/** What to do about an errno when the caller gave no hint of its own for it (Ctx.hints). */
export const ERRNO_HINTS: Readonly<Record<string, string | Hint>> = {
  EPERM: 'run as root (CAP_NET_ADMIN and CAP_SYS_ADMIN are needed)',
  EACCES: 'run as root (CAP_NET_ADMIN and CAP_SYS_ADMIN are needed)',
  EEXIST: 'delete it first or choose another name',
  ENODEV: { lib: 'check the name with link.list()', cli: 'check the name with nsnet link show' },
  EOPNOTSUPP: `this kernel lacks the feature: ${moduleHint(undefined)}`,
  ENETDOWN: { lib: 'bring the link up first (link.set(name, { up: true }))', cli: 'bring the link up first (nsnet link set NAME up)' },
  EBUSY: 'something still uses it',
  ENETUNREACH: { lib: 'no link here reaches it: add an address on its subnet (addr.add) and bring the link up first', cli: 'no link here reaches it: add an address on its subnet (nsnet addr add) and bring the link up first' },
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
    hints?: Readonly<Record<string, Hint>>,
  ) {
    const code = errnoName(errno);
    const cause = extack ? `${extack} (${code})` : `${errnoText[code] ?? 'error'} (${code})`;
    super(code, `${op} ${object}: ${cause}`, object, hints?.[code] ?? ERRNO_HINTS[code]);
  }
}

/** Wrap a failed libc call: errno from koffi, plus what we were doing and to what. */
export function syscallError(errno: number, op: string, object: string): KernelError {
  return new KernelError(errno, op, object);
}
