/**
 * libdrm: thin typed wrappers over the ioctls — the only way user space
 * reaches the kernel. Arguments are marshalled into the process's own memory
 * (as C code would pass a pointer to a stack struct) and the request goes
 * through the ioctl system call. Errors come back as DrmError with the errno.
 */
import { errnoName } from '../base/errors.js';
import { readStruct, writeStruct, type CStruct, type CValues } from '../uapi/cstruct.js';
import {
  DRM_IOCTL, DRM_CLOEXEC, DRM_RDWR, DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
  type IoctlDef,
} from '../uapi/drm.js';
import {
  AKARI_IOCTL, AKARI_SYNC_SYNCOBJ, AKARI_SYNC_TIMELINE_SYNCOBJ, drm_akari_cmd_render, drm_akari_render_target, drm_akari_params_global, drm_akari_sync, drm_akari_vm_bind_op,
} from '../uapi/akari.js';
import type { Syscalls } from '../uapi/syscalls.js';

export type { Syscalls };

export class DrmError extends Error {
  constructor(readonly errno: number, readonly call: string) {
    super(`${call}: ${errnoName(errno)}`);
  }
}

/** A tiny malloc over the process heap (sbrk), for ioctl argument blocks and arrays. */
export class UserHeap {
  private free: Array<{ ptr: number; size: number }> = [];
  constructor(readonly sys: Syscalls) {}
  alloc(size: number): number {
    size = Math.ceil(Math.max(size, 8) / 8) * 8;
    const i = this.free.findIndex((b) => b.size >= size);
    if (i >= 0) {
      const b = this.free[i]!;
      this.free.splice(i, 1);
      if (b.size > size) this.free.push({ ptr: b.ptr + size, size: b.size - size });
      return b.ptr;
    }
    return this.sys.sbrk(size);
  }
  release(ptr: number, size: number): void {
    this.free.push({ ptr, size: Math.ceil(Math.max(size, 8) / 8) * 8 });
  }
  write(ptr: number, bytes: Uint8Array): void { this.sys.memory.set(bytes, ptr - this.sys.memBase); }
  read(ptr: number, len: number): Uint8Array { return this.sys.memory.slice(ptr - this.sys.memBase, ptr - this.sys.memBase + len); }
  /** Copies bytes into fresh user memory; returns [ptr, free]. */
  stage(bytes: Uint8Array): [number, () => void] {
    const p = this.alloc(bytes.length);
    this.write(p, bytes);
    return [p, () => this.release(p, bytes.length)];
  }
}

/** The raw call: ioctl(fd, request, argp); returns 0 or throws. */
export function drmIoctlRaw(sys: Syscalls, fd: number, request: number, argp: number, name = 'ioctl'): void {
  const r = sys.ioctl(fd, request, argp);
  if (r < 0) throw new DrmError(-r, name);
}

export class DrmDevice {
  readonly heap: UserHeap;
  constructor(readonly sys: Syscalls, readonly fd: number) {
    this.heap = new UserHeap(sys);
  }
  static open(sys: Syscalls, path = '/dev/dri/renderD128'): DrmDevice {
    const fd = sys.open(path);
    if (fd < 0) throw new DrmError(-fd, `open(${path})`);
    return new DrmDevice(sys, fd);
  }
  close(): void { this.sys.close(this.fd); }

  /** Marshals `values` into the struct, issues the ioctl and returns the struct as the kernel left it. */
  ioctl(def: IoctlDef, values: Partial<CValues> = {}): CValues {
    const s: CStruct | null = def.struct;
    if (!s) { drmIoctlRaw(this.sys, this.fd, def.request, 0, def.name); return {}; }
    const [p, free] = this.heap.stage(writeStruct(s, values));
    try {
      drmIoctlRaw(this.sys, this.fd, def.request, p, def.name);
      return readStruct(s, this.heap.read(p, s.size));
    } finally { free(); }
  }

  /** Stages an array of structs (or u32s) in user memory for the duration of `fn`. */
  withArray<T>(bytes: Uint8Array, fn: (ptr: number) => T): T {
    if (!bytes.length) return fn(0);
    const [p, free] = this.heap.stage(bytes);
    try { return fn(p); } finally { free(); }
  }

  version(): { major: number; minor: number; patch: number; name: string; date: string; desc: string } {
    const first = this.ioctl(DRM_IOCTL.VERSION, {});
    const bufs = ['name', 'date', 'desc'].map((k) => ({ k, len: first[`${k}_len`]!, ptr: this.heap.alloc(first[`${k}_len`]! || 1) }));
    try {
      const v = this.ioctl(DRM_IOCTL.VERSION, Object.fromEntries(bufs.flatMap((b) => [[`${b.k}_len`, b.len], [b.k, b.ptr]])));
      const str = (k: string) => new TextDecoder().decode(this.heap.read(bufs.find((b) => b.k === k)!.ptr, v[`${k}_len`]!));
      return { major: v.version_major!, minor: v.version_minor!, patch: v.version_patchlevel!, name: str('name'), date: str('date'), desc: str('desc') };
    } finally { bufs.forEach((b) => this.heap.release(b.ptr, b.len || 1)); }
  }
  getCap(cap: number): number { return this.ioctl(DRM_IOCTL.GET_CAP, { capability: cap }).value!; }

  gemClose(handle: number): void { this.ioctl(DRM_IOCTL.GEM_CLOSE, { handle }); }

  syncobjCreate(signaled = false): number { return this.ioctl(DRM_IOCTL.SYNCOBJ_CREATE, { flags: signaled ? 1 : 0 }).handle!; }
  syncobjDestroy(handle: number): void { this.ioctl(DRM_IOCTL.SYNCOBJ_DESTROY, { handle }); }
  /** timeoutNs is absolute CLOCK_MONOTONIC, as in Linux. Returns first_signaled. */
  syncobjWait(handles: number[], timeoutNs: number, flags = 0): number {
    return this.withArray(new Uint8Array(new Uint32Array(handles).buffer), (p) =>
      this.ioctl(DRM_IOCTL.SYNCOBJ_WAIT, { handles: p, count_handles: handles.length, timeout_nsec: timeoutNs, flags }).first_signaled!);
  }
  syncobjReset(handles: number[]): void {
    this.withArray(new Uint8Array(new Uint32Array(handles).buffer), (p) => this.ioctl(DRM_IOCTL.SYNCOBJ_RESET, { handles: p, count_handles: handles.length }));
  }
  syncobjSignal(handles: number[]): void {
    this.withArray(new Uint8Array(new Uint32Array(handles).buffer), (p) => this.ioctl(DRM_IOCTL.SYNCOBJ_SIGNAL, { handles: p, count_handles: handles.length }));
  }
  /** TIMELINE_WAIT; returns first_signaled. */
  syncobjTimelineWait(handles: number[], points: number[], timeoutNs: number, flags = 0): number {
    return this.withArray(u32s(handles), (hp) => this.withArray(u64s(points), (pp) =>
      this.ioctl(DRM_IOCTL.SYNCOBJ_TIMELINE_WAIT, { handles: hp, points: pp, count_handles: handles.length, timeout_nsec: timeoutNs, flags }).first_signaled!));
  }
  /** TIMELINE_SIGNAL; `points` omitted passes NULL (all points 0). */
  syncobjTimelineSignal(handles: number[], points?: number[], flags = 0): void {
    this.withArray(u32s(handles), (hp) => this.withArray(points ? u64s(points) : new Uint8Array(0), (pp) =>
      this.ioctl(DRM_IOCTL.SYNCOBJ_TIMELINE_SIGNAL, { handles: hp, points: pp, count_handles: handles.length, flags })));
  }
  /** QUERY: the last signalled point of each (or the last submitted one with flags=LAST_SUBMITTED). */
  syncobjQuery(handles: number[], flags = 0): number[] {
    const out = this.heap.alloc(8 * Math.max(1, handles.length));
    try {
      return this.withArray(u32s(handles), (hp) => {
        this.ioctl(DRM_IOCTL.SYNCOBJ_QUERY, { handles: hp, points: out, count_handles: handles.length, flags });
        const dv = new DataView(this.heap.read(out, 8 * handles.length).buffer);
        return handles.map((_, i) => Number(dv.getBigUint64(i * 8, true)));
      });
    } finally { this.heap.release(out, 8 * Math.max(1, handles.length)); }
  }
  syncobjTransfer(dst: number, dstPoint: number, src: number, srcPoint: number, flags = 0): void {
    this.ioctl(DRM_IOCTL.SYNCOBJ_TRANSFER, { dst_handle: dst, dst_point: dstPoint, src_handle: src, src_point: srcPoint, flags });
  }
  /** An opaque syncobj fd sharing the syncobj. */
  syncobjHandleToFd(handle: number): number { return this.ioctl(DRM_IOCTL.SYNCOBJ_HANDLE_TO_FD, { handle }).fd!; }
  syncobjFdToHandle(fd: number): number { return this.ioctl(DRM_IOCTL.SYNCOBJ_FD_TO_HANDLE, { fd }).handle!; }
  /** A sync_file snapshotting the syncobj's current fence. */
  syncobjExportSyncFile(handle: number): number {
    return this.ioctl(DRM_IOCTL.SYNCOBJ_HANDLE_TO_FD, { handle, flags: DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE }).fd!;
  }
  syncobjImportSyncFile(handle: number, syncFileFd: number): void {
    this.ioctl(DRM_IOCTL.SYNCOBJ_FD_TO_HANDLE, { handle, fd: syncFileFd, flags: DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE });
  }

  // ---- nodes, master, authentication

  getMagic(): number { return this.ioctl(DRM_IOCTL.GET_MAGIC).magic!; }
  authMagic(magic: number): void { this.ioctl(DRM_IOCTL.AUTH_MAGIC, { magic }); }
  setMaster(): void { this.ioctl(DRM_IOCTL.SET_MASTER); }
  dropMaster(): void { this.ioctl(DRM_IOCTL.DROP_MASTER); }
  setClientCap(capability: number, value: number): void { this.ioctl(DRM_IOCTL.SET_CLIENT_CAP, { capability, value }); }
  /** GET_CLIENT idx 0: whether this file is authenticated. */
  isAuthenticated(): boolean { return this.ioctl(DRM_IOCTL.GET_CLIENT, { idx: 0 }).auth === 1; }

  // ---- GEM names and PRIME

  gemFlink(handle: number): number { return this.ioctl(DRM_IOCTL.GEM_FLINK, { handle }).name!; }
  gemOpen(name: number): { handle: number; size: number } {
    const r = this.ioctl(DRM_IOCTL.GEM_OPEN, { name });
    return { handle: r.handle!, size: r.size! };
  }
  primeHandleToFd(handle: number, flags = DRM_CLOEXEC | DRM_RDWR): number { return this.ioctl(DRM_IOCTL.PRIME_HANDLE_TO_FD, { handle, flags }).fd!; }
  primeFdToHandle(fd: number): number { return this.ioctl(DRM_IOCTL.PRIME_FD_TO_HANDLE, { fd }).handle!; }

  // ---- Akari driver ioctls

  akariParams(): CValues {
    const out = this.heap.alloc(drm_akari_params_global.size);
    try {
      this.ioctl(AKARI_IOCTL.GET_PARAMS, { pointer: out, size: drm_akari_params_global.size });
      return readStruct(drm_akari_params_global, this.heap.read(out, drm_akari_params_global.size));
    } finally { this.heap.release(out, drm_akari_params_global.size); }
  }
  akariGetTime(): number { return this.ioctl(AKARI_IOCTL.GET_TIME).gpu_timestamp!; }
  akariGemCreate(size: number, flags = 0): number { return this.ioctl(AKARI_IOCTL.GEM_CREATE, { size, flags }).handle!; }
  akariGemMmapOffset(handle: number): number { return this.ioctl(AKARI_IOCTL.GEM_MMAP_OFFSET, { handle }).offset!; }
  /** Maps an object (by its fake offset) into the process; returns the user address. */
  mmap(offset: number, length: number): number {
    const r = this.sys.mmap(this.fd, length, offset);
    if (r < 0) throw new DrmError(-r, 'mmap');
    return r;
  }
  akariVmCreate(): number { return this.ioctl(AKARI_IOCTL.VM_CREATE).vm_id!; }
  akariVmDestroy(vmId: number): void { this.ioctl(AKARI_IOCTL.VM_DESTROY, { vm_id: vmId }); }
  akariVmBind(vmId: number, ops: Array<Partial<CValues>>, stride = drm_akari_vm_bind_op.size, inSyncs: SyncSpec[] = [], outSyncs: SyncSpec[] = []): void {
    const bytes = new Uint8Array(stride * ops.length);
    // a stride shorter than the struct truncates each op (the kernel must refuse that)
    ops.forEach((op, i) => bytes.set(writeStruct(drm_akari_vm_bind_op, op).subarray(0, stride), i * stride));
    this.withArray(bytes, (p) => this.withArray(packSyncs([...inSyncs, ...outSyncs]), (sp) => this.ioctl(AKARI_IOCTL.VM_BIND, {
      vm_id: vmId, num_binds: ops.length, stride, userptr: p, syncs: sp, in_sync_count: inSyncs.length, out_sync_count: outSyncs.length,
    })));
  }
  /** GEM madvise: returns `retained` (0 once the shrinker purged the object). */
  akariGemMadvise(handle: number, madv: number): number { return this.ioctl(AKARI_IOCTL.GEM_MADVISE, { handle, madv }).retained!; }
  akariQueueCreate(vmId: number, priority = 0): number { return this.ioctl(AKARI_IOCTL.QUEUE_CREATE, { vm_id: vmId, priority }).queue_id!; }
  /** GET_STATE of a queue (AKARI_OBJECT_QUEUE) or a VM (AKARI_OBJECT_VM). */
  akariGetState(object: number, id: number): CValues { return this.ioctl(AKARI_IOCTL.GET_STATE, { object, id }); }
  akariQueueDestroy(queueId: number): void { this.ioctl(AKARI_IOCTL.QUEUE_DESTROY, { queue_id: queueId }); }
  /** Syncs are binary syncobj handles, or {handle, point} for a timeline point. */
  /**
   * SUBMIT. `targets[i]`: render targets 1.. of command i (drm_akari_render_target values),
   * staged in user memory for the call; the command's color_count and color_targets are set from them.
   */
  akariSubmit(queueId: number, cmds: Array<Partial<CValues>>, inSyncs: SyncSpec[] = [], outSyncs: SyncSpec[] = [], targets: ReadonlyArray<ReadonlyArray<Partial<CValues>> | undefined> = []): void {
    const stride = drm_akari_cmd_render.size;
    const cb = new Uint8Array(stride * cmds.length);
    const staged: Array<() => void> = [];
    try {
      cmds.forEach((c, i) => {
        const t = targets[i];
        let extra: Partial<CValues> = {};
        if (t?.length) {
          const tsz = drm_akari_render_target.size;
          const tb = new Uint8Array(tsz * t.length);
          t.forEach((v, k) => writeStruct(drm_akari_render_target, v, tb, k * tsz));
          const [p, free] = this.heap.stage(tb);
          staged.push(free);
          extra = { color_count: t.length + 1, color_targets: p };
        }
        writeStruct(drm_akari_cmd_render, { ...c, ...extra }, cb, i * stride);
      });
      const sb = packSyncs([...inSyncs, ...outSyncs]);
      this.withArray(cb, (cp) => this.withArray(sb, (sp) => this.ioctl(AKARI_IOCTL.SUBMIT, {
        queue_id: queueId, cmds: cp, cmd_count: cmds.length, cmd_stride: stride, syncs: sp,
        in_sync_count: inSyncs.length, out_sync_count: outSyncs.length,
      })));
    } finally { staged.forEach((free) => free()); }
  }
}

/** A binary syncobj handle, or a timeline syncobj point. */
export type SyncSpec = number | { handle: number; point: number };
function packSyncs(syncs: SyncSpec[]): Uint8Array {
  const sb = new Uint8Array(drm_akari_sync.size * syncs.length);
  syncs.forEach((s, i) => writeStruct(drm_akari_sync, typeof s === 'number'
    ? { sync_type: AKARI_SYNC_SYNCOBJ, handle: s }
    : { sync_type: AKARI_SYNC_TIMELINE_SYNCOBJ, handle: s.handle, timeline_value: s.point }, sb, i * drm_akari_sync.size));
  return sb;
}
const u32s = (xs: number[]) => new Uint8Array(new Uint32Array(xs).buffer);
function u64s(xs: number[]): Uint8Array {
  const b = new Uint8Array(8 * xs.length);
  const dv = new DataView(b.buffer);
  xs.forEach((x, i) => dv.setBigUint64(i * 8, BigInt(x), true));
  return b;
}

export function monotonicNowNs(): number { return Number(process.hrtime.bigint()); }
