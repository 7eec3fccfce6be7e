/**
 * The system-call contract between a process and the kernel: everything user
 * space can do. Results are values or -errno, as raw Linux syscalls return.
 *
 * A process owns an address space. Its heap (sbrk) and its mmap'ed objects
 * are addresses in it; the process touches them only through its own CPU's
 * loads and stores (`load`, `store`), which translate through the process's
 * mappings at the moment of the access. User space never holds a typed array
 * over the GPU's physical memory: an address is all it gets, so munmap,
 * close, exit and a purge take effect at once, and a stale address faults.
 */

/** SIGSEGV: no mapping at the address; SIGBUS: the mapping's pages are gone (purged). */
export type FaultSignal = 'SIGSEGV' | 'SIGBUS';

/**
 * A memory fault of the process's own CPU, raised in the process by `load`
 * or `store` (Linux would deliver the signal; here the access throws it).
 * Nothing was copied.
 */
export class MemoryFault extends Error {
  constructor(readonly signal: FaultSignal, readonly addr: number) {
    super(`${signal} at 0x${addr.toString(16)}`);
  }
}

export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

/** The system-call surface user space gets. Every result is a value or -errno, as libc's raw syscalls. */
export interface Syscalls {
  readonly pid: number;
  /** The process's heap, its own memory (not the GPU's): ioctl argument structs live here. */
  readonly memory: Uint8Array;
  /** user address of memory[0] */
  readonly memBase: number;
  /** grows the process's heap; returns the user address of the new space, or -ENOMEM */
  sbrk(bytes: number): number;
  /** flags: O_NONBLOCK (0o4000) makes read() answer EAGAIN instead of blocking */
  open(path: string, flags?: number): number;
  /** read(2) */
  read(fd: number, ptr: number, len: number): number;
  /** poll(2): sets each entry's revents; returns how many are ready (0 on timeout); timeoutMs < 0 waits forever */
  poll(fds: Array<{ fd: number; events: number; revents?: number }>, timeoutMs: number): number;
  close(fd: number): number;
  dup(fd: number): number;
  ioctl(fd: number, request: number, argp: number): number;
  /** maps `length` bytes of the object behind fd at `offset`; returns the user address, or -errno */
  mmap(fd: number, length: number, offset: number): number;
  /** removes the mappings in [addr, addr+length); later accesses there fault */
  munmap(addr: number, length: number): number;
  /** lseek(2): the new offset or -errno */
  lseek(fd: number, offset: number, whence: number): number;
  /** the CPU's loads: copies dst.byteLength bytes at user address `addr` into dst; throws MemoryFault */
  load(addr: number, dst: ArrayBufferView): void;
  /** the CPU's stores: copies src to user address `addr`; throws MemoryFault */
  store(addr: number, src: ArrayBufferView): void;
  /** passes fd over the process's connection to `to` (SCM_RIGHTS); returns the fd number there */
  sendFd(fd: number, to: Syscalls): number;
  exit(): void;
}
