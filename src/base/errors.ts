/**
 * Base: the few things every layer shares. Imports nothing.
 *
 * `unreachable(x: never)` marks internal impossibilities so the type checker
 * proves switch exhaustiveness; errno values are Linux's (asm-generic/errno*.h)
 * so that every layer speaks the same vocabulary as a real kernel.
 */
export function unreachable(x: never, what = 'value'): never {
  throw new Error(`unreachable: unexpected ${what} ${String(x)}`);
}

export function assert(cond: unknown, msg = 'assertion failed'): asserts cond {
  if (!cond) throw new Error(msg);
}

/** Linux errno numbers (asm-generic/errno-base.h, errno.h). */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  EMFILE: 24,
  ENOTTY: 25,
  ENOSPC: 28,
  ESPIPE: 29,
  EPIPE: 32,
  ERANGE: 34,
  ENOSYS: 38,
  ETIME: 62,
  EOVERFLOW: 75,
  ENOTSOCK: 88,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
  ECANCELED: 125,
} as const;
export type ErrnoName = keyof typeof Errno;

const errnoNames = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));
export function errnoName(e: number): string {
  return errnoNames.get(Math.abs(e)) ?? `E?${e}`;
}

/** Thrown inside the kernel to unwind an ioctl with an errno; never crosses into user space. */
export class KernelError extends Error {
  constructor(readonly errno: number, msg?: string) {
    // an errno is an answer, not a bug: no stack trace to capture (the hot path of every failing ioctl)
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(msg ?? errnoName(errno));
    Error.stackTraceLimit = limit;
  }
}
export function kerr(name: ErrnoName, msg?: string): KernelError {
  return new KernelError(Errno[name], msg ? `${name}: ${msg}` : name);
}
