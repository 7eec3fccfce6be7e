/**
 * Processes: what owns file descriptors and the user memory that ioctl
 * pointers point into. User space reaches the kernel only through the
 * `Syscalls` a process is given: open, close, ioctl (a request number and a
 * pointer into the process's own memory), mmap/munmap, dup, and fd passing.
 *
 * copy_from_user / copy_to_user check that a pointer lies in the process's
 * memory, answering EFAULT otherwise; NULL is never valid.
 */
import { Errno, KernelError, kerr } from '../../base/errors.js';
import type { Syscalls } from '../../uapi/syscalls.js';
export type { Syscalls };

export const USER_BASE = 0x10000;

/** Something an fd can refer to. Reference-counted across dup and passing. */
export interface FileOps {
  readonly kind: 'drm' | 'dmabuf' | 'syncobj' | 'sync_file';
  /** called when the last fd referring to this open file closes */
  release(): void;
  ioctl?(proc: Process, request: number, argp: number): void;
  mmap?(proc: Process, length: number, offset: number): Uint8Array;
}

export class OpenFile {
  refs = 1;
  constructor(readonly ops: FileOps) {}
}

export class Process {
  readonly fds = new Map<number, OpenFile>();
  memory: Uint8Array;
  brk = USER_BASE;
  readonly mappings = new Map<Uint8Array, () => void>();
  exited = false;

  constructor(readonly pid: number, readonly kernel: Kernel, readonly capSysAdmin = false, memBytes = 4 << 20) {
    this.memory = new Uint8Array(memBytes);
  }

  /** copy_from_user */
  copyFromUser(ptr: number, len: number): Uint8Array {
    const off = ptr - USER_BASE;
    if (!Number.isInteger(ptr) || ptr < USER_BASE || len < 0 || off + len > this.memory.length) throw kerr('EFAULT', `bad user pointer 0x${ptr.toString(16)}`);
    return this.memory.slice(off, off + len);
  }
  /** copy_to_user */
  copyToUser(ptr: number, bytes: Uint8Array): void {
    const off = ptr - USER_BASE;
    if (!Number.isInteger(ptr) || ptr < USER_BASE || off + bytes.length > this.memory.length) throw kerr('EFAULT', `bad user pointer 0x${ptr.toString(16)}`);
    this.memory.set(bytes, off);
  }

  installFd(file: OpenFile): number {
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    if (fd > 1024) throw kerr('EMFILE');
    this.fds.set(fd, file);
    return fd;
  }
  getFile(fd: number): OpenFile {
    const f = this.fds.get(fd);
    if (!f) throw kerr('EBADF');
    return f;
  }
  closeFd(fd: number): void {
    const f = this.getFile(fd);
    this.fds.delete(fd);
    putFile(f);
  }
  exit(): void {
    if (this.exited) return;
    for (const [, undo] of this.mappings) undo();
    this.mappings.clear();
    for (const fd of [...this.fds.keys()]) this.closeFd(fd);
    this.exited = true;
  }
}

export function putFile(f: OpenFile): void {
  if (--f.refs === 0) f.ops.release();
}

/** Where device nodes live; the kernel's VFS in miniature. */
export interface Kernel {
  openNode(proc: Process, path: string): FileOps;
}

function errnoOf(e: unknown): number {
  if (e instanceof KernelError) return -e.errno;
  throw e;
}

export function makeSyscalls(proc: Process, registry: Map<number, Process>): Syscalls {
  const sys: Syscalls = {
    pid: proc.pid,
    get memory() { return proc.memory; },
    memBase: USER_BASE,
    sbrk(bytes) {
      const at = proc.brk;
      const need = at - USER_BASE + bytes;
      if (need > proc.memory.length) {
        const grown = new Uint8Array(Math.max(need, proc.memory.length * 2));
        grown.set(proc.memory);
        proc.memory = grown;
      }
      proc.brk += bytes;
      return at;
    },
    open(path) {
      try { return proc.installFd(new OpenFile(proc.kernel.openNode(proc, path))); } catch (e) { return errnoOf(e); }
    },
    close(fd) {
      try { proc.closeFd(fd); return 0; } catch (e) { return errnoOf(e); }
    },
    dup(fd) {
      try { const f = proc.getFile(fd); f.refs++; return proc.installFd(f); } catch (e) { return errnoOf(e); }
    },
    ioctl(fd, request, argp) {
      try {
        const f = proc.getFile(fd);
        if (!f.ops.ioctl) throw kerr('ENOTTY');
        f.ops.ioctl(proc, request >>> 0, argp);
        return 0;
      } catch (e) { return errnoOf(e); }
    },
    mmap(fd, length, offset) {
      try {
        const f = proc.getFile(fd);
        if (!f.ops.mmap) throw kerr('ENODEV');
        return f.ops.mmap(proc, length, offset);
      } catch (e) { return errnoOf(e); }
    },
    munmap(view) {
      const undo = proc.mappings.get(view);
      if (!undo) return -Errno.EINVAL;
      proc.mappings.delete(view);
      undo();
      return 0;
    },
    sendFd(fd, to) {
      try {
        const f = proc.getFile(fd);
        const dest = registry.get(to.pid);
        if (!dest || dest.exited) throw kerr('EBADF');
        f.refs++;
        return dest.installFd(f);
      } catch (e) { return errnoOf(e); }
    },
    exit() { proc.exit(); registry.delete(proc.pid); },
  };
  return sys;
}
