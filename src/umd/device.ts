/**
 * libakari's device layer: a VM and a queue per context, buffer objects with
 * GPU virtual addresses from a simple VA allocator, CPU mappings through
 * mmap, and submission with explicit sync. Everything goes through libdrm.
 */
import { DrmDevice, monotonicNowNs, type Syscalls } from '../libdrm/libdrm.js';
import { AKARI_BIND_EXEC, AKARI_BIND_READ, AKARI_BIND_WRITE, drm_akari_result } from '../uapi/akari.js';
import { readStruct, type CValues } from '../uapi/cstruct.js';

export interface Bo {
  handle: number;
  size: number;
  va: number;
  map: Uint8Array;
  u32: Uint32Array;
  f32: Float32Array;
}

export class UmdDevice {
  readonly drm: DrmDevice;
  readonly vm: number;
  readonly queue: number;
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
    const map = this.drm.mmap(this.drm.akariGemMmapOffset(handle), sz);
    const bo: Bo = { handle, size: sz, va, map, u32: new Uint32Array(map.buffer, map.byteOffset, sz / 4), f32: new Float32Array(map.buffer, map.byteOffset, sz / 4) };
    this.bos.add(bo);
    return bo;
  }

  destroyBo(bo: Bo): void {
    this.drm.akariVmBind(this.vm, [{ flags: 1, handle: 0, offset: 0, range: bo.size, addr: bo.va }]);
    this.drm.sys.munmap(bo.map);
    this.drm.gemClose(bo.handle);
    this.bos.delete(bo);
  }

  /** Submits render commands; returns a syncobj that signals when they complete. */
  submit(cmds: Array<Partial<CValues>>, waitOn: number[] = []): number {
    const out = this.drm.syncobjCreate();
    this.drm.akariSubmit(this.queue, cmds, waitOn, [out]);
    return out;
  }

  /** Waits for GPU work; the GPU itself bounds runaway jobs (instruction budget), so the CPU waits long. */
  wait(syncobj: number, timeoutMs = 600_000): void {
    this.drm.syncobjWait([syncobj], monotonicNowNs() + timeoutMs * 1e6);
  }

  readResult(bo: Bo, offset: number): CValues {
    return readStruct(drm_akari_result, bo.map, offset);
  }

  close(): void {
    for (const bo of [...this.bos]) this.destroyBo(bo);
    this.drm.close();
  }
}
