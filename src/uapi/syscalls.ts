/**
 * The system-call contract between a process and the kernel: everything user
 * space can do. Results are values or -errno, as raw Linux syscalls return.
 */
/** The system-call surface user space gets. Every result is a value or -errno, as libc's raw syscalls. */
export interface Syscalls {
  readonly pid: number;
  readonly memory: Uint8Array;
  readonly memBase: number;
  /** grows the process's heap; returns the user address of the new space */
  sbrk(bytes: number): number;
  open(path: string): number;
  close(fd: number): number;
  dup(fd: number): number;
  ioctl(fd: number, request: number, argp: number): number;
  mmap(fd: number, length: number, offset: number): Uint8Array | number;
  munmap(view: Uint8Array): number;
  /** passes fd to another process as SCM_RIGHTS would; returns the fd number there */
  sendFd(fd: number, to: Syscalls): number;
  exit(): void;
}

