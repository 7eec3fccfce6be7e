/**
 * libakari's device layer: a VM and a queue per context, buffer objects with
 * GPU virtual addresses from a simple VA allocator, CPU mappings through
 * mmap, and submission with explicit sync. Everything goes through libdrm.
 */
import { DrmDevice, monotonicNowNs, type Syscalls } from '../libdrm/libdrm.js';
import {
  AKARI_BIND_EXEC, AKARI_BIND_READ, AKARI_BIND_WRITE, AKARI_CONTEXT_STATE, AKARI_OBJECT_QUEUE, drm_akari_result, type AkariContextState,
} from '../uapi/akari.js';
import { readStruct, type CValues } from '../uapi/cstruct.js';

/**
 * A buffer object as user space holds it: a handle, its GPU virtual address
 * and its CPU address in this process. The CPU touches it only through the
 * process's loads and stores (bulk copies into and out of the caller's own
 * arrays), never through a view of GPU memory.
 */
export class Bo {
  constructor(private readonly sys: Syscalls, readonly handle: number, readonly size: number, readonly va: number, readonly cpu: number) {}
  /** Copies `src` into the object at byte `offset`. */
  write(offset: number, src: ArrayBufferView): void { this.sys.store(this.cpu + offset, src); }
  /** Copies bytes at `offset` into `dst`. */
  read(offset: number, dst: ArrayBufferView): void { this.sys.load(this.cpu + offset, dst); }
  /** A copy of `length` bytes at `offset`. */
  bytes(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.sys.load(this.cpu + offset, out);
    return out;
  }
  /** Sets `length` bytes at `offset` to `value`. */
  fill(value: number, offset = 0, length = this.size - offset): void { this.write(offset, new Uint8Array(length).fill(value)); }
}

export class UmdDevice {
  readonly drm: DrmDevice;
  readonly vm: number;
  queue: number;
  readonly pageSize: number;
  private nextVa: number;
  private vaEnd: number;
  readonly bos = new Set<Bo>();

  constructor(sys: Syscalls, node = '/dev/dri/renderD128') {
    this.drm = DrmDevice.open(sys, node);
    const p = this.drm.akariParams();
    this.pageSize = p.page_size!;
    this.nextVa = p.vm_user_start!;
    this.vaEnd = p.vm_user_end!;
    this.vm = this.drm.akariVmCreate();
    this.queue = this.drm.akariQueueCreate(this.vm);
  }

  /** Allocates a BO, binds it at a fresh VA with `perms` ('r', 'w', 'x') and maps it for the CPU. */
  createBo(size: number, perms = 'rw'): Bo {
    const sz = Math.ceil(size / this.pageSize) * this.pageSize;
    const handle = this.drm.akariGemCreate(sz);
    const va = this.nextVa;
    if (va + sz > this.vaEnd) throw new Error('out of GPU virtual address space');
    this.nextVa += sz + this.pageSize; // a guard page between buffers catches overruns as faults
    const flags = (perms.includes('r') ? AKARI_BIND_READ : 0) | (perms.includes('w') ? AKARI_BIND_WRITE : 0) | (perms.includes('x') ? AKARI_BIND_EXEC : 0);
    this.drm.akariVmBind(this.vm, [{ flags, handle, offset: 0, range: sz, addr: va }]);
    const cpu = this.drm.mmap(this.drm.akariGemMmapOffset(handle), sz);
    const bo = new Bo(this.drm.sys, handle, sz, va, cpu);
    this.bos.add(bo);
    return bo;
  }

  destroyBo(bo: Bo): void {
    this.drm.akariVmBind(this.vm, [{ flags: 1, handle: 0, offset: 0, range: bo.size, addr: bo.va }]);
    this.drm.sys.munmap(bo.cpu, bo.size);
    this.drm.gemClose(bo.handle);
    this.bos.delete(bo);
  }

  /** The kernel's verdict on this device's queue (GET_STATE): innocent, guilty_timeout, guilty_fault or lost. */
  state(): AkariContextState {
    return AKARI_CONTEXT_STATE[this.drm.akariGetState(AKARI_OBJECT_QUEUE, this.queue).state!] ?? 'lost';
  }

  /**
   * After a job of this device faulted or timed out, the kernel bans its
   * queue (submits fail with ECANCELED): a context that wants to go on makes
   * a new queue, as a Panthor client makes a new group. The VM and its
   * buffers stay.
   */
  replaceQueue(): void {
    this.drm.akariQueueDestroy(this.queue);
    this.queue = this.drm.akariQueueCreate(this.vm);
  }

  /** Submits render commands (`targets[i]`: command i's render targets 1..); returns a syncobj that signals when they complete. */
  submit(cmds: Array<Partial<CValues>>, waitOn: number[] = [], targets: ReadonlyArray<ReadonlyArray<Partial<CValues>> | undefined> = []): number {
    const out = this.drm.syncobjCreate();
    this.drm.akariSubmit(this.queue, cmds, waitOn, [out], targets);
    return out;
  }

  /** Waits for GPU work; the GPU itself bounds runaway jobs (instruction budget), so the CPU waits long. */
  wait(syncobj: number, timeoutMs = 600_000): void {
    this.drm.syncobjWait([syncobj], monotonicNowNs() + timeoutMs * 1e6);
  }

  readResult(bo: Bo, offset: number): CValues {
    return readStruct(drm_akari_result, bo.bytes(offset, drm_akari_result.size));
  }

  close(): void {
    for (const bo of [...this.bos]) this.destroyBo(bo);
    this.drm.close();
  }
}
