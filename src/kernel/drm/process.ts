/**
 * Processes: what owns file descriptors and an address space. User space
 * reaches the kernel only through the `Syscalls` a process is given: open,
 * close, ioctl (a request number and a pointer into the process's own
 * memory), mmap/munmap, lseek, dup, fd passing, and its CPU's loads and
 * stores.
 *
 * The address space has two parts: the heap [USER_BASE, brk), the process's
 * own memory, and the mmap area from MMAP_BASE up, where each VMA names a
 * kernel object's pages (a GEM object or dma-buf). A load or store
 * translates through the VMAs at the moment of the access — as a CPU's MMU
 * walks its page tables — and copies in bulk between the object's pages and
 * the process's own buffer. No typed array over physical memory ever reaches
 * user space, so munmap, close, exit and purge take effect at once: the next
 * access faults (SIGSEGV with no VMA, SIGBUS when the object lost its pages).
 *
 * copy_from_user / copy_to_user check that a pointer lies in the process's
 * heap, answering EFAULT otherwise; NULL is never valid.
 *
 * Every system call runs behind one guard: a kernel error becomes its errno;
 * any other exception is a kernel bug — it is recorded (Kernel.oops) and the
 * call answers EIO, so that no JavaScript exception ever reaches user space.
 * A process that exited can do nothing: every call answers ESRCH (as for a
 * task that no longer exists) and its loads and stores fault.
 */
import { Errno, KernelError, kerr } from '../../base/errors.js';
import { MemoryFault, SEEK_END, SEEK_SET, type Syscalls } from '../../uapi/syscalls.js';
export type { Syscalls };

export const USER_BASE = 0x10000;
/** The heap may grow to this many bytes (RLIMIT_DATA); sbrk past it is ENOMEM. */
export const HEAP_LIMIT = 1 << 30;
/** mmap places objects from here up, far above any heap. */
export const MMAP_BASE = 2 ** 36;
const MMAP_END = 2 ** 47;
const CPU_PAGE = 4096;
/** RLIMIT_NOFILE: fds 0..1023 (0-2 are reserved for stdio). */
export const FD_LIMIT = 1024;

/**
 * The pages behind a VMA, as the kernel object that owns them provides
 * them. read/write return false when the pages are gone (purged): SIGBUS.
 * `release` drops the reference the mapping holds on the object.
 */
export interface CpuMapping {
  readonly size: number;
  read(offset: number, dst: Uint8Array): boolean;
  write(offset: number, src: Uint8Array): boolean;
  release(): void;
}

/** Something an fd can refer to. Reference-counted across dup and passing. */
export interface FileOps {
  readonly kind: 'drm' | 'dmabuf' | 'syncobj' | 'sync_file' | 'uevent' | 'sw_sync';
  /** called when the last fd referring to this open file closes */
  release(): void;
  ioctl?(proc: Process, request: number, argp: number): void;
  mmap?(proc: Process, length: number, offset: number): CpuMapping;
  /** lseek: the new offset; without it the file is not seekable (ESPIPE) */
  llseek?(offset: number, whence: number): number;
  /** read(2): bytes copied to ptr; blocks unless nonblock (then EAGAIN) */
  read?(proc: Process, ptr: number, len: number, nonblock: boolean): number;
  /** poll(2) readiness: POLLIN/POLLOUT bits */
  poll?(): number;
}
export const O_NONBLOCK = 0o4000;

export class OpenFile {
  refs = 1;
  constructor(readonly ops: FileOps, public flags = 0) {}
}

/** One mapped object shared by the VMAs it was split into; released with the last. */
class Mapped {
  users = 0;
  constructor(readonly pages: CpuMapping) {}
}
interface Vma { start: number; length: number; offset: number; mapped: Mapped }

export class Process {
  readonly fds = new Map<number, OpenFile>();
  memory: Uint8Array;
  brk = USER_BASE;
  /** VMAs sorted by start, never overlapping */
  private vmas: Vma[] = [];
  private nextMmap = MMAP_BASE;
  exited = false;

  constructor(readonly pid: number, readonly kernel: Kernel, readonly capSysAdmin = false, memBytes = 256 << 10) {
    this.memory = new Uint8Array(memBytes);
  }

  /** copy_from_user */
  copyFromUser(ptr: number, len: number): Uint8Array {
    const off = ptr - USER_BASE;
    if (!Number.isSafeInteger(ptr) || !Number.isSafeInteger(len) || ptr < USER_BASE || len < 0 || off + len > this.memory.length) throw kerr('EFAULT', `bad user pointer 0x${String(ptr)}`);
    return this.memory.slice(off, off + len);
  }
  /** copy_to_user */
  copyToUser(ptr: number, bytes: Uint8Array): void {
    const off = ptr - USER_BASE;
    if (!Number.isSafeInteger(ptr) || ptr < USER_BASE || off + bytes.length > this.memory.length) throw kerr('EFAULT', `bad user pointer 0x${String(ptr)}`);
    this.memory.set(bytes, off);
  }

  sbrk(bytes: number): number {
    if (!Number.isSafeInteger(bytes)) throw kerr('EINVAL', 'sbrk needs an integer');
    const at = this.brk;
    const need = at - USER_BASE + bytes;
    if (need < 0) throw kerr('EINVAL', 'heap below its base');
    if (need > HEAP_LIMIT) throw kerr('ENOMEM', 'heap limit');
    if (need > this.memory.length) {
      const grown = new Uint8Array(Math.min(HEAP_LIMIT, Math.max(need, this.memory.length * 2)));
      grown.set(this.memory);
      this.memory = grown;
    }
    this.brk += bytes;
    return at;
  }

  /** The lowest free fd number, or EMFILE; check before taking any reference. */
  freeFd(): number {
    for (let fd = 3; fd < FD_LIMIT; fd++) if (!this.fds.has(fd)) return fd;
    throw kerr('EMFILE');
  }
  /**
   * Installs a new open file made by `make` at the lowest free fd. The fd
   * is found first, so a full table fails before anything is taken
   * (Linux's get_unused_fd_flags before the file is created).
   */
  installNew(make: () => OpenFile): number {
    const fd = this.freeFd();
    this.fds.set(fd, make());
    return fd;
  }
  /** Installs another reference to an existing open file (dup, fd passing). */
  installRef(file: OpenFile): number {
    const fd = this.freeFd();
    file.refs++;
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

  // ------------------------------------------------------------ address space

  mmap(pages: CpuMapping, length: number): number {
    const span = Math.ceil(length / CPU_PAGE) * CPU_PAGE;
    // a guard page between mappings, and addresses never reused: a stale address faults
    if (this.nextMmap + span > MMAP_END) { pages.release(); throw kerr('ENOMEM', 'address space exhausted'); }
    const start = this.nextMmap;
    this.nextMmap += span + CPU_PAGE;
    const mapped = new Mapped(pages);
    mapped.users = 1;
    this.vmas.push({ start, length, offset: 0, mapped });
    return start;
  }

  /** munmap: removes [addr, addr+length) from every VMA it touches (splitting as needed). */
  munmap(addr: number, length: number): void {
    if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(length) || addr % CPU_PAGE || length <= 0) throw kerr('EINVAL', 'unaligned or empty range');
    const end = addr + length;
    const out: Vma[] = [];
    const dropped: Mapped[] = [];
    for (const v of this.vmas) {
      const vend = v.start + v.length;
      if (vend <= addr || v.start >= end) { out.push(v); continue; }
      if (v.start < addr) { out.push({ ...v, length: addr - v.start }); v.mapped.users++; }
      if (vend > end) { out.push({ ...v, start: end, length: vend - end, offset: v.offset + (end - v.start) }); v.mapped.users++; }
      dropped.push(v.mapped);
    }
    this.vmas = out.sort((a, b) => a.start - b.start);
    for (const m of dropped) if (--m.users === 0) m.pages.release();
  }

  private unmapAll(): void {
    const vmas = this.vmas;
    this.vmas = [];
    for (const v of vmas) if (--v.mapped.users === 0) v.mapped.pages.release();
  }

  private findVma(addr: number): Vma | undefined {
    const vs = this.vmas;
    let lo = 0, hi = vs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = vs[mid]!;
      if (addr < v.start) hi = mid - 1;
      else if (addr >= v.start + v.length) lo = mid + 1;
      else return v;
    }
    return undefined;
  }

  /**
   * The process's CPU touching its own memory: translates [addr,
   * addr+bytes.length) through the heap and the VMAs at this moment and
   * copies. Every piece is translated before anything is copied, so a
   * fault copies nothing.
   */
  access(addr: number, bytes: Uint8Array, write: boolean): void {
    if (this.exited) throw new MemoryFault('SIGSEGV', Number(addr) || 0);
    const len = bytes.length;
    if (!Number.isSafeInteger(addr) || addr < 0) throw new MemoryFault('SIGSEGV', 0);
    const heapOff = addr - USER_BASE;
    if (heapOff >= 0 && heapOff + len <= this.brk - USER_BASE) {
      if (write) this.memory.set(bytes, heapOff);
      else bytes.set(this.memory.subarray(heapOff, heapOff + len));
      return;
    }
    const pieces: Array<{ v: Vma; at: number; from: number; n: number }> = [];
    for (let done = 0; done < len;) {
      const a = addr + done;
      const v = this.findVma(a);
      if (!v) throw new MemoryFault('SIGSEGV', a);
      const n = Math.min(len - done, v.start + v.length - a);
      pieces.push({ v, at: v.offset + (a - v.start), from: done, n });
      done += n;
    }
    for (const p of pieces) {
      const part = bytes.subarray(p.from, p.from + p.n);
      const ok = write ? p.v.mapped.pages.write(p.at, part) : p.v.mapped.pages.read(p.at, part);
      if (!ok) throw new MemoryFault('SIGBUS', addr + p.from);
    }
  }

  exit(): void {
    if (this.exited) return;
    this.unmapAll();
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
  /** A kernel bug: an exception other than an errno reached the system-call boundary. */
  oops(syscall: string, error: unknown): void;
  /** sleeps until ready() or the timeout (ms; negative: forever) passes; false on timeout */
  waitEvents?(ready: () => boolean, timeoutMs: number): boolean;
}

/** The genuine endpoints: only a Syscalls object the kernel made names a process. */
const endpoints = new WeakMap<object, Process>();

function bytesOf(v: ArrayBufferView): Uint8Array {
  if (!ArrayBuffer.isView(v)) throw new MemoryFault('SIGSEGV', 0);
  return v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export function makeSyscalls(proc: Process, registry: Map<number, Process>): Syscalls {
  /** The system-call boundary: errnos pass, anything else is recorded as a kernel bug and answers EIO. */
  const guard = (name: string, body: () => number): number => {
    if (proc.exited) return -Errno.ESRCH;
    try { return body(); } catch (e) {
      if (e instanceof KernelError) return -e.errno;
      proc.kernel.oops(name, e);
      return -Errno.EIO;
    }
  };
  const fdArg = (fd: unknown): number => {
    if (typeof fd !== 'number' || !Number.isInteger(fd)) throw kerr('EBADF');
    return fd;
  };
  const sys: Syscalls = {
    pid: proc.pid,
    get memory() { return proc.memory; },
    memBase: USER_BASE,
    sbrk: (bytes) => guard('sbrk', () => proc.sbrk(bytes)),
    open: (path, flags = 0) => guard('open', () => {
      if (typeof path !== 'string') throw kerr('EFAULT', 'path is not a string');
      if (typeof flags !== 'number') throw kerr('EINVAL');
      return proc.installNew(() => new OpenFile(proc.kernel.openNode(proc, path), flags & O_NONBLOCK));
    }),
    read: (fd, ptr, len) => guard('read', () => {
      const f = proc.getFile(fdArg(fd));
      if (!f.ops.read) throw kerr('EINVAL');
      if (!Number.isSafeInteger(ptr) || !Number.isSafeInteger(len) || len < 0) throw kerr('EFAULT');
      return f.ops.read(proc, ptr, len, (f.flags & O_NONBLOCK) !== 0);
    }),
    poll: (fds, timeoutMs) => guard('poll', () => {
      if (!Array.isArray(fds) || typeof timeoutMs !== 'number') throw kerr('EFAULT');
      const files = fds.map((p) => (typeof p?.fd === 'number' ? proc.fds.get(p.fd) : undefined));
      const scan = () => {
        let n = 0;
        fds.forEach((p, i) => {
          const f = files[i];
          // POLLNVAL for an fd that is not open; POLLERR/POLLHUP are always reported
          p.revents = !f ? 0x20 : (f.ops.poll?.() ?? 0) & ((p.events | 0) | 0x18);
          if (p.revents) n++;
        });
        return n;
      };
      const n = scan();
      if (n || timeoutMs === 0) return n;
      proc.kernel.waitEvents?.(() => scan() > 0, timeoutMs);
      return scan();
    }),
    close: (fd) => guard('close', () => { proc.closeFd(fdArg(fd)); return 0; }),
    dup: (fd) => guard('dup', () => proc.installRef(proc.getFile(fdArg(fd)))),
    ioctl: (fd, request, argp) => guard('ioctl', () => {
      const f = proc.getFile(fdArg(fd));
      if (!f.ops.ioctl) throw kerr('ENOTTY');
      if (typeof request !== 'number' || typeof argp !== 'number') throw kerr('EFAULT');
      f.ops.ioctl(proc, request >>> 0, argp);
      return 0;
    }),
    mmap: (fd, length, offset) => guard('mmap', () => {
      const f = proc.getFile(fdArg(fd));
      if (!f.ops.mmap) throw kerr('ENODEV');
      if (!Number.isSafeInteger(length) || !Number.isSafeInteger(offset) || length <= 0 || offset < 0) throw kerr('EINVAL');
      return proc.mmap(f.ops.mmap(proc, length, offset), length);
    }),
    munmap: (addr, length) => guard('munmap', () => { proc.munmap(addr, length); return 0; }),
    lseek: (fd, offset, whence) => guard('lseek', () => {
      const f = proc.getFile(fdArg(fd));
      if (!f.ops.llseek) throw kerr('ESPIPE');
      if (!Number.isSafeInteger(offset) || ![SEEK_SET, 1, SEEK_END].includes(whence)) throw kerr('EINVAL');
      return f.ops.llseek(offset, whence);
    }),
    load(addr, dst) { proc.access(addr, bytesOf(dst), false); },
    store(addr, src) { proc.access(addr, bytesOf(src), true); },
    sendFd: (fd, to) => guard('sendFd', () => {
      const f = proc.getFile(fdArg(fd));
      if (typeof to !== 'object' || to === null) throw kerr('EFAULT', 'no destination');
      // the destination is the connection itself, never a number the caller states
      const dest = endpoints.get(to);
      if (!dest) throw kerr('ENOTSOCK', 'not a process endpoint');
      if (dest.exited) throw kerr('EPIPE', 'the receiver exited');
      return dest.installRef(f);
    }),
    exit() {
      if (proc.exited) return;
      try { proc.exit(); } catch (e) { proc.kernel.oops('exit', e); }
      registry.delete(proc.pid);
    },
  };
  endpoints.set(sys, proc);
  return sys;
}
