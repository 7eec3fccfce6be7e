/**
 * The DRM core: device nodes (card0, renderD128), open files with their
 * per-file handle tables, GEM objects, syncobjs, and the ioctl dispatcher.
 *
 * Dispatch follows drivers/gpu/drm/drm_ioctl.c: a request whose type is not
 * 'd' is ENOTTY; an unknown number is EINVAL; the permission gate
 * (render-node allow list, auth, master) runs before anything looks at the
 * arguments; the argument struct is copied in from user memory with
 * drm_ioctl's size rule (min(caller's size, kernel's size) is what counts: a
 * shorter struct is zero-extended, a longer one's tail is ignored), handled,
 * and copied back if the request reads. Handlers validate everything before changing anything.
 */
import { Errno, kerr } from '../../base/errors.js';
import { readStruct, writeStruct, type CStruct, type CValues } from '../../uapi/cstruct.js';
import {
  DRM_CAP_PRIME, DRM_CAP_SYNCOBJ, DRM_CAP_SYNCOBJ_TIMELINE, DRM_CAP_TIMESTAMP_MONOTONIC, DRM_IOCTL,
  DRM_PRIME_CAP_EXPORT, DRM_PRIME_CAP_IMPORT, DRM_SYNCOBJ_CREATE_SIGNALED, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, DRM_CAP_DUMB_BUFFER,
  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE, DRM_CLOEXEC, DRM_RDWR,
  DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
  DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED,
} from '../../uapi/drm.js';
import { DRM_COMMAND_BASE, DRM_COMMAND_END, DRM_IOCTL_BASE, IOC_READ, IOC_WRITE, iocDir, iocNr, iocSize, iocType } from '../../uapi/ioctl.js';
import { DmaFence, FenceChain, fenceContextAlloc } from './fence.js';
import { OpenFile, type CpuMapping, type FileOps, type Process } from './process.js';
import { SEEK_END } from '../../uapi/syscalls.js';
import type { Kms } from './kms.js';
import {
  DRM_CAP_ADDFB2_MODIFIERS, DRM_CAP_ASYNC_PAGE_FLIP, DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP, DRM_CAP_CRTC_IN_VBLANK_EVENT,
  DRM_CAP_CURSOR_HEIGHT, DRM_CAP_CURSOR_WIDTH, DRM_CAP_DUMB_PREFERRED_DEPTH, DRM_CAP_DUMB_PREFER_SHADOW,
  DRM_CAP_PAGE_FLIP_TARGET, DRM_CAP_VBLANK_HIGH_CRTC,
} from '../../uapi/drm-mode.js';
import {
  DRM_CLIENT_CAP_ASPECT_RATIO, DRM_CLIENT_CAP_ATOMIC, DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT, DRM_CLIENT_CAP_STEREO_3D,
  DRM_CLIENT_CAP_UNIVERSAL_PLANES, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS,
} from '../../uapi/drm.js';

export const DRM_AUTH = 1, DRM_MASTER = 2, DRM_ROOT_ONLY = 4, DRM_RENDER_ALLOW = 8;

export interface IoctlEntry {
  readonly name: string;
  readonly request: number;
  readonly struct: CStruct | null;
  readonly flags: number;
  /** `raw` is the argument struct's bytes: arrays and exact u64s are read and written there */
  handler(file: DrmFile, args: CValues, proc: Process, raw: Uint8Array): void;
}

export type MinorType = 'primary' | 'render';

/** A GEM buffer object: physically contiguous pages of GPU memory. */
export class GemObject {
  handleCount = 0;
  refs = 1; // the creator's reference, dropped when the first handle is made
  name = 0;
  mmapOffset = 0;
  mappings = 0;
  freed = false;
  /** the exported dma-buf, cached per object (drm_gem_prime_export reuses it) */
  dmabuf: OpenFile | null = null;
  /** GEM madvise state: 0 WILLNEED, 1 DONTNEED */
  madv = 0;
  /** backing pages were reclaimed by the shrinker; the object stays, empty */
  purged = false;
  /** jobs (queued or running) that may still touch the pages: the shrinker keeps its hands off */
  activeJobs = 0;
  constructor(readonly dev: DrmDevice, readonly id: number, readonly size: number, public pa: number) {}
  get(): void { this.refs++; }
  put(): void {
    if (--this.refs === 0) this.dev.freeGem(this);
  }
}

/**
 * A sync object: a container for a fence (binary) or a dma_fence_chain
 * (timeline). Binary operations replace the whole payload; timeline
 * operations add chain nodes.
 */
export class Syncobj {
  refs = 1;
  fence: DmaFence | null = null;
  private readonly chainContext = fenceContextAlloc();
  constructor(readonly dev: DrmDevice) { dev.live.syncobjs++; }
  get(): this { this.refs++; return this; }
  put(): void { if (--this.refs === 0) { this.dev.live.syncobjs--; this.fence = null; } }
  replaceFence(f: DmaFence | null): void { this.fence = f; this.dev.notifyFences(); }
  /** drm_syncobj_add_point */
  addPoint(f: DmaFence, point: number): void {
    this.fence = new FenceChain(this.fence, f, point, this.chainContext);
    this.dev.notifyFences();
  }
  /** drm_syncobj_find_fence without waiting: the fence for `point`, or undefined if none exists (yet). */
  findFence(point: number): DmaFence | undefined {
    return FenceChain.find(this.fence, point);
  }
  /** QUERY: the last point signalled in order (or, with lastSubmitted, the newest point added) */
  query(lastSubmitted: boolean): number {
    const head = this.fence;
    if (!(head instanceof FenceChain)) return 0;
    if (lastSubmitted) return head.seqno;
    let node: DmaFence | null = head;
    while (node instanceof FenceChain) {
      if (node.signaled) return node.seqno;
      node = node.prev;
    }
    return 0;
  }
}

/** An opaque syncobj fd: shares the syncobj itself. */
export class SyncobjFile implements FileOps {
  readonly kind = 'syncobj' as const;
  constructor(readonly syncobj: Syncobj) { syncobj.dev.live.fenceFds++; }
  release(): void { this.syncobj.dev.live.fenceFds--; this.syncobj.put(); }
}
/** A sync_file: a snapshot of one fence. */
export class SyncFile implements FileOps {
  readonly kind = 'sync_file' as const;
  constructor(readonly dev: DrmDevice, readonly fence: DmaFence) { dev.live.fenceFds++; }
  release(): void { this.dev.live.fenceFds--; }
}
/** A dma-buf exported from a GEM object: holds a reference to it, mmap-able. */
export class DmaBufFile implements FileOps {
  readonly kind = 'dmabuf' as const;
  constructor(readonly obj: GemObject) { obj.get(); obj.dev.live.dmabufs++; }
  release(): void {
    this.obj.dev.live.dmabufs--;
    this.obj.dmabuf = null;
    this.obj.put();
  }
  mmap(proc: Process, length: number, offset: number): CpuMapping {
    return this.obj.dev.mapObject(this.obj, length, offset);
  }
  /** dma_buf_llseek: only SEEK_END(0) (the size) and SEEK_SET(0); anything else EINVAL. */
  llseek(offset: number, whence: number): number {
    if (offset !== 0 || (whence !== SEEK_END && whence !== 0)) throw kerr('EINVAL', 'dma-buf seeks only to 0 or the end');
    return whence === SEEK_END ? this.obj.size : 0;
  }
}

/** drm_master: the group a primary-node file authenticates against. */
export class DrmMaster {
  private nextMagic = 1;
  readonly magics = new Map<number, DrmFile | null>();
  allocMagic(f: DrmFile): number {
    const m = this.nextMagic++;
    this.magics.set(m, f);
    return m;
  }
}

export class DrmFile implements FileOps {
  readonly kind = 'drm' as const;
  readonly handles = new Map<number, GemObject>();
  readonly syncobjs = new Map<number, Syncobj>();
  private nextHandle = 1;
  private nextSyncobj = 1;
  authenticated = false;
  /** this file created its master object (file_priv->is_master) */
  isMaster = false;
  wasMaster = false;
  /** the master this file belongs to (primary node only) */
  master: DrmMaster | null = null;
  magic = 0;
  readonly clientCaps = new Map<number, number>();
  driverPriv: unknown = null;
  closed = false;

  constructor(readonly dev: DrmDevice, readonly minor: MinorType, readonly pid: number) {}

  addHandle(obj: GemObject): number {
    const h = this.nextHandle++;
    this.handles.set(h, obj);
    obj.handleCount++;
    obj.get();
    return h;
  }
  lookup(handle: number): GemObject {
    const o = this.handles.get(handle);
    if (!o) throw kerr('ENOENT', `no GEM handle ${handle}`);
    return o;
  }
  dropHandle(handle: number): void {
    const o = this.handles.get(handle);
    if (!o) throw kerr('EINVAL', `no GEM handle ${handle}`);
    this.handles.delete(handle);
    // the flink name holds no reference: it goes with the last handle
    if (--o.handleCount === 0 && o.name) { this.dev.names.delete(o.name); o.name = 0; }
    o.put();
  }
  /** the handle this file already has for `obj`, if any (drm_prime_lookup_buf_handle) */
  handleOf(obj: GemObject): number {
    for (const [h, o] of this.handles) if (o === obj) return h;
    return 0;
  }
  addSyncobj(s: Syncobj): number {
    const h = this.nextSyncobj++;
    this.syncobjs.set(h, s);
    return h;
  }
  syncobj(handle: number, err: 'ENOENT' | 'EINVAL' = 'ENOENT'): Syncobj {
    const s = this.syncobjs.get(handle);
    if (!s) throw kerr(err, `no syncobj ${handle}`);
    return s;
  }

  ioctl(proc: Process, request: number, argp: number): void {
    this.dev.ioctl(this, proc, request, argp);
  }
  /** drm_read: KMS events (struct drm_event_*), whole events only */
  read(proc: Process, ptr: number, len: number, nonblock: boolean): number {
    if (!this.dev.kms) throw kerr('EINVAL', 'no events on this device');
    return this.dev.kms.read(this, proc, ptr, len, nonblock);
  }
  poll(): number { return this.dev.kms ? this.dev.kms.poll(this) : 0; }
  mmap(proc: Process, length: number, offset: number): CpuMapping {
    return this.dev.mmap(this, length, offset);
  }
  /** drm_fops use noop_llseek: the position stays 0 */
  llseek(): number { return 0; }
  release(): void {
    this.dev.closeFile(this);
  }
}

/** Driver callbacks: what the Akari driver plugs into the core. */
export interface DrmDriver {
  readonly name: string;
  readonly date: string;
  readonly desc: string;
  readonly version: { major: number; minor: number; patch: number };
  readonly ioctls: readonly IoctlEntry[];
  gemCreate(size: number): { pa: number } | null;
  gemFree(obj: GemObject): void;
  /** the shrinker: reclaim DONTNEED objects' pages; returns bytes freed */
  purge?(): number;
  /** CPU access to physical memory on behalf of a mapping or the kernel itself (bulk copies) */
  physRead(pa: number, dst: Uint8Array): void;
  physWrite(pa: number, src: Uint8Array): void;
  physZero(pa: number, len: number): void;
  /** called when a file closes, before its handles are dropped */
  postclose(file: DrmFile): void;
  /** waits for the GPU to make progress (an interrupt) or the deadline (ns, monotonic); false when the deadline passed */
  waitProgress(deadlineNs: number): boolean;
  /** the modesetting half (DRIVER_MODESET | DRIVER_ATOMIC), if the device has a display */
  readonly kms?: Kms | null;
}

export interface LiveCounts { files: number; gem: number; syncobjs: number; gemBytes: number; dmabufs: number; fenceFds: number }

export function monotonicNs(): number {
  return Number(process.hrtime.bigint());
}

export class DrmDevice {
  driver!: DrmDriver;
  readonly files = new Set<DrmFile>();
  private nextGemId = 1;
  private nextMmapOffset = 0x100000;
  readonly mmapOffsets = new Map<number, GemObject>();
  readonly live: LiveCounts = { files: 0, gem: 0, syncobjs: 0, gemBytes: 0, dmabufs: 0, fenceFds: 0 };
  /** flink names: global, per device */
  readonly names = new Map<number, GemObject>();
  private nextName = 1;
  private readonly table = new Map<number, IoctlEntry>();
  /** the current master (dev->master) */
  master: DrmMaster | null = null;
  /** trace hook: every ioctl with its decoded arguments and result */
  tracer: ((ev: { pid: number; name: string; request: number; args: CValues | null; out: CValues | null; errno: number; struct: CStruct | null }) => void) | null = null;

  attach(driver: DrmDriver): void {
    this.driver = driver;
    for (const e of [...this.coreIoctls(), ...driver.ioctls]) this.table.set(iocNr(e.request), e);
  }
  /** Adds the KMS ioctls once the driver's display part exists. */
  attachKms(entries: IoctlEntry[]): void {
    for (const e of entries) this.table.set(iocNr(e.request), e);
  }
  get kms(): Kms | null { return this.driver?.kms ?? null; }

  /** drm_is_current_master: the file owns its master object and that object is the device's master */
  isCurrentMaster(f: DrmFile): boolean { return f.isMaster && !!f.master && f.master === this.master; }

  /** drm_new_set_master */
  private newSetMaster(f: DrmFile): void {
    f.master = new DrmMaster();
    this.master = f.master;
    f.isMaster = f.wasMaster = true;
    f.authenticated = true;
  }

  open(minor: MinorType, proc: Process): DrmFile {
    const f = new DrmFile(this, minor, proc.pid);
    // "for compatibility root is always authenticated"
    if (proc.capSysAdmin) f.authenticated = true;
    if (minor === 'primary') {
      if (!this.master) this.newSetMaster(f);
      else f.master = this.master;
    }
    this.files.add(f);
    this.live.files++;
    return f;
  }

  closeFile(f: DrmFile): void {
    if (f.closed) return;
    // drm_fb_release: the file's framebuffers go first, turning off what they lit
    this.kms?.fileClosed(f);
    this.driver.postclose(f);
    for (const h of [...f.handles.keys()]) f.dropHandle(h);
    for (const [h, s] of f.syncobjs) { f.syncobjs.delete(h); s.put(); }
    if (f.isMaster && this.isCurrentMaster(f)) this.master = null;
    if (f.master && f.magic) f.master.magics.delete(f.magic);
    f.master = null;
    f.closed = true;
    this.files.delete(f);
    this.live.files--;
  }

  newGem(size: number): GemObject {
    let r = this.driver.gemCreate(size);
    // memory pressure: let the shrinker purge DONTNEED objects, then retry
    if (!r && this.driver.purge && this.driver.purge() > 0) r = this.driver.gemCreate(size);
    if (!r) throw kerr('ENOMEM', 'out of GPU memory');
    const o = new GemObject(this, this.nextGemId++, size, r.pa);
    this.driver.physZero(r.pa, size); // never hand out another client's old data
    this.live.gem++;
    this.live.gemBytes += size;
    return o;
  }
  freeGem(o: GemObject): void {
    if (o.freed) return;
    o.freed = true;
    if (o.mmapOffset) this.mmapOffsets.delete(o.mmapOffset);
    if (o.name) { this.names.delete(o.name); o.name = 0; }
    if (!o.purged) { this.driver.gemFree(o); this.live.gemBytes -= o.size; }
    this.live.gem--;
  }
  /** Called by the driver's shrinker after it released a purged object's pages. */
  notePurged(o: GemObject): void {
    o.purged = true;
    this.live.gemBytes -= o.size;
  }
  mmapOffsetOf(o: GemObject): number {
    if (!o.mmapOffset) {
      o.mmapOffset = this.nextMmapOffset;
      this.nextMmapOffset += Math.ceil(o.size / 4096) * 4096 + 4096;
      this.mmapOffsets.set(o.mmapOffset, o);
    }
    return o.mmapOffset;
  }
  mmap(f: DrmFile, length: number, offset: number): CpuMapping {
    const o = this.mmapOffsets.get(offset);
    // Linux: the fake offset must belong to an object this file has a handle on
    if (!o || f.handleOf(o) === 0) throw kerr('EACCES', 'no such mmap offset for this file');
    return this.mapObject(o, length, 0);
  }
  /**
   * Maps an object's pages into a process (GEM mmap or dma-buf mmap). The
   * mapping holds a reference on the object until it is unmapped; its
   * accesses check at every touch that the pages are still there (a purge
   * zaps them: SIGBUS) and stay inside the object.
   */
  mapObject(o: GemObject, length: number, offset: number): CpuMapping {
    if (offset !== 0) throw kerr('EINVAL', 'offset into the object must be 0');
    if (length <= 0 || length > o.size) throw kerr('EINVAL', 'mapping larger than the object');
    // a purged object has no pages: Linux would SIGBUS on the first touch
    if (o.purged) throw kerr('EFAULT', 'object was purged');
    o.get();
    o.mappings++;
    const drv = this.driver;
    let live = true;
    const inside = (off: number, n: number) => live && !o.purged && !o.freed && off >= 0 && off + n <= length;
    return {
      size: length,
      read(off, dst) { if (!inside(off, dst.length)) return false; drv.physRead(o.pa + off, dst); return true; },
      write(off, src) { if (!inside(off, src.length)) return false; drv.physWrite(o.pa + off, src); return true; },
      release() { if (!live) return; live = false; o.mappings--; o.put(); },
    };
  }

  /** Wakes syncobj waiters after a fence changes (they re-check on their next loop). */
  notifyFences(): void { /* waits poll fence state; nothing to do */ }

  /**
   * drm_ioctl: look the request up, copy the argument struct in, run the
   * handler behind the permission gate (drm_ioctl_kernel), and copy the
   * struct back out *whatever the handler answered* — Linux's copy_to_user
   * follows drm_ioctl_kernel unconditionally, so a failing _IOR ioctl still
   * hands back what the handler wrote before it failed (GET_CAP's zeroed
   * value, a two-call count, SYNCOBJ_WAIT's untouched first_signaled) and
   * an _IOR-only struct comes back zero-filled. A copy-out that faults turns
   * any answer into EFAULT. Only a lookup failure (EINVAL) or a copy-in
   * fault (EFAULT) happens before the buffer exists and copies nothing back.
   */
  ioctl(file: DrmFile, proc: Process, request: number, argp: number): void {
    let entry: IoctlEntry | undefined;
    let args: CValues | null = null;
    let inArgs: CValues | null = null;
    try {
      if (iocType(request) !== DRM_IOCTL_BASE) throw kerr('ENOTTY');
      const nr = iocNr(request);
      entry = this.table.get(nr);
      const isDriver = nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END;
      if (!entry || (isDriver && !this.driver)) throw kerr('EINVAL', `unknown ioctl 0x${nr.toString(16)}`);
      // drm_ioctl's size rule: copy in the caller's size (when both the request and the
      // ioctl are _IOW), zero-fill up to the kernel's struct, copy back the caller's size
      // (when both are _IOR). Older, shorter structs read as zero-extended; newer, longer
      // ones have their tail ignored and handed back unchanged.
      const usize = iocSize(request);
      const ksize = entry.struct?.size ?? 0;
      const inSize = iocDir(request) & iocDir(entry.request) & IOC_WRITE ? usize : 0;
      const outSize = iocDir(request) & iocDir(entry.request) & IOC_READ ? usize : 0;
      const buf = new Uint8Array(Math.max(ksize, usize));
      if (inSize) buf.set(proc.copyFromUser(argp, inSize));
      args = entry.struct ? readStruct(entry.struct, buf) : {};
      inArgs = { ...args };
      let failure: unknown = null;
      try {
        this.permit(entry, file, proc);
        entry.handler(file, args, proc, buf);
      } catch (e) {
        // a kernel bug (no errno) is not an answer: it propagates as it is, nothing copied
        if ((e as { errno?: number }).errno === undefined) throw e;
        failure = e;
      }
      if (entry.struct && outSize) {
        writeStruct(entry.struct, args, buf);
        proc.copyToUser(argp, buf.subarray(0, outSize));
      }
      if (failure) throw failure;
      this.tracer?.({ pid: proc.pid, name: entry.name, request, args: inArgs, out: args, errno: 0, struct: entry.struct });
    } catch (e) {
      const errno = (e as { errno?: number }).errno;
      if (errno !== undefined) {
        this.tracer?.({ pid: proc.pid, name: entry?.name ?? `ioctl(0x${request.toString(16)})`, request, args: inArgs ?? args, out: null, errno, struct: entry?.struct ?? null });
      }
      throw e;
    }
  }

  /** drm_ioctl_permit, which Linux runs after the copy-in (so a bad pointer is EFAULT before EACCES). */
  private permit(entry: IoctlEntry, file: DrmFile, proc: Process): void {
    if (entry.flags & DRM_ROOT_ONLY && !proc.capSysAdmin) throw kerr('EACCES');
    if (entry.flags & DRM_AUTH && !(file.authenticated || file.minor === 'render')) throw kerr('EACCES');
    if (entry.flags & DRM_MASTER && !this.isCurrentMaster(file)) throw kerr('EACCES');
    if (file.minor === 'render' && !(entry.flags & DRM_RENDER_ALLOW)) throw kerr('EACCES');
  }

  /** Waits until `ready()` or the absolute monotonic deadline (ns); returns false on timeout. */
  waitUntil(ready: () => boolean, deadlineNs: number): boolean {
    while (!ready()) {
      if (monotonicNs() >= deadlineNs) return false;
      if (!this.driver.waitProgress(deadlineNs) && !ready()) return false;
    }
    return true;
  }

  private coreIoctls(): IoctlEntry[] {
    const I = DRM_IOCTL;
    const e = (d: { name: string; request: number; struct: CStruct | null }, flags: number, handler: IoctlEntry['handler']): IoctlEntry =>
      ({ name: d.name, request: d.request, struct: d.struct, flags, handler });
    const R = DRM_RENDER_ALLOW;
    return [
      e(I.VERSION, R, (f, a, proc) => {
        const drv = this.driver;
        a.version_major = drv.version.major; a.version_minor = drv.version.minor; a.version_patchlevel = drv.version.patch;
        for (const [k, s] of [['name', drv.name], ['date', drv.date], ['desc', drv.desc]] as const) {
          const bytes = new TextEncoder().encode(s);
          const room = a[`${k}_len`]!;
          // drm_copy_field reports the full length before it copies, so a fault still tells it
          a[`${k}_len`] = bytes.length;
          if (room && a[k]) proc.copyToUser(a[k]!, bytes.subarray(0, Math.min(room, bytes.length)));
        }
      }),
      e(I.GET_CAP, R, (f, a) => {
        a.value = 0; // drm_getcap clears it first: an unknown cap comes back as 0 with EINVAL
        switch (a.capability) {
          case DRM_CAP_TIMESTAMP_MONOTONIC: a.value = 1; break;
          case DRM_CAP_PRIME: a.value = DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT; break;
          case DRM_CAP_SYNCOBJ: a.value = 1; break;
          case DRM_CAP_SYNCOBJ_TIMELINE: a.value = 1; break;
          default: {
            // drm_getcap: every other cap needs a KMS driver, checked before the cap number
            const kms = this.kms;
            if (!kms) throw kerr('EOPNOTSUPP', 'not a KMS device');
            switch (a.capability) {
              case DRM_CAP_DUMB_BUFFER: a.value = 1; break;
              case DRM_CAP_VBLANK_HIGH_CRTC: a.value = 1; break;
              case DRM_CAP_DUMB_PREFERRED_DEPTH: a.value = 24; break;
              case DRM_CAP_DUMB_PREFER_SHADOW: a.value = 0; break;
              case DRM_CAP_ASYNC_PAGE_FLIP: a.value = 0; break;
              case DRM_CAP_PAGE_FLIP_TARGET: a.value = 1; break;
              case DRM_CAP_CURSOR_WIDTH: a.value = kms.hw.limits.cursorWidth; break;
              case DRM_CAP_CURSOR_HEIGHT: a.value = kms.hw.limits.cursorHeight; break;
              case DRM_CAP_ADDFB2_MODIFIERS: a.value = 1; break;
              case DRM_CAP_CRTC_IN_VBLANK_EVENT: a.value = 1; break;
              case DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP: a.value = 0; break;
              default: throw kerr('EINVAL', `unknown capability ${a.capability}`);
            }
          }
        }
      }),
      e(I.GET_UNIQUE, 0, (f, a, proc) => {
        const bytes = new TextEncoder().encode('akari:0');
        if (a.unique_len! >= bytes.length && a.unique) proc.copyToUser(a.unique, bytes);
        a.unique_len = bytes.length;
      }),
      e(I.GET_CLIENT, 0, (f, a) => {
        if (a.idx !== 0) throw kerr('EINVAL', 'only client 0 (the caller) is reported');
        a.auth = f.authenticated ? 1 : 0; a.pid = f.pid; a.uid = 0; a.magic = 0; a.iocs = 0;
      }),
      e(I.SET_CLIENT_CAP, 0, (f, a) => {
        // drm_setclientcap: every settable client cap is a KMS one, checked before the cap number
        if (!this.kms) throw kerr('EOPNOTSUPP', 'not a KMS device');
        const v = a.value!;
        switch (a.capability) {
          case DRM_CLIENT_CAP_STEREO_3D: case DRM_CLIENT_CAP_UNIVERSAL_PLANES: case DRM_CLIENT_CAP_ASPECT_RATIO:
            if (v > 1) throw kerr('EINVAL', 'value must be 0 or 1');
            f.clientCaps.set(a.capability, v);
            return;
          case DRM_CLIENT_CAP_ATOMIC:
            if (v > 2) throw kerr('EINVAL', 'value must be 0, 1 or 2');
            f.clientCaps.set(DRM_CLIENT_CAP_ATOMIC, v);
            // atomic implies universal planes and aspect ratios
            if (v) { f.clientCaps.set(DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1); f.clientCaps.set(DRM_CLIENT_CAP_ASPECT_RATIO, 1); }
            return;
          case DRM_CLIENT_CAP_WRITEBACK_CONNECTORS:
            if (!f.clientCaps.get(DRM_CLIENT_CAP_ATOMIC)) throw kerr('EINVAL', 'needs DRM_CLIENT_CAP_ATOMIC first');
            if (v > 1) throw kerr('EINVAL', 'value must be 0 or 1');
            f.clientCaps.set(a.capability, v);
            return;
          case DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT:
            throw kerr('EOPNOTSUPP', 'not a virtualised driver');
          default: throw kerr('EINVAL', `unknown client cap ${a.capability}`);
        }
      }),
      e(I.GET_MAGIC, 0, (f, a) => {
        if (!f.master) throw kerr('EINVAL', 'no master');
        if (!f.magic) f.magic = f.master.allocMagic(f);
        a.magic = f.magic;
      }),
      e(I.AUTH_MAGIC, DRM_MASTER, (f, a) => {
        const target = f.master!.magics.get(a.magic!);
        if (!target) throw kerr('EINVAL', 'unknown or used magic');
        target.authenticated = true;
        f.master!.magics.set(a.magic!, null); // idr_replace(NULL): a magic works once
      }),
      e(I.SET_MASTER, 0, (f, a, proc) => {
        this.checkMasterPerm(f, proc);
        if (this.isCurrentMaster(f)) return;
        if (this.master) throw kerr('EBUSY', 'another file is master');
        if (!f.master) throw kerr('EINVAL');
        if (!f.isMaster) { this.newSetMaster(f); return; }
        this.master = f.master;
      }),
      e(I.DROP_MASTER, 0, (f, a, proc) => {
        this.checkMasterPerm(f, proc);
        if (!this.isCurrentMaster(f)) throw kerr('EINVAL', 'not the current master');
        this.master = null;
      }),
      e(I.GEM_CLOSE, R, (f, a) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        f.dropHandle(a.handle!);
      }),
      e(I.GEM_FLINK, DRM_AUTH, (f, a) => {
        const o = f.lookup(a.handle!);
        if (!o.name) { o.name = this.nextName++; this.names.set(o.name, o); }
        a.name = o.name;
      }),
      e(I.GEM_OPEN, DRM_AUTH, (f, a) => {
        const o = this.names.get(a.name!);
        if (!o) throw kerr('ENOENT', `no GEM name ${a.name}`);
        a.handle = f.addHandle(o);
        a.size = o.size;
      }),
      e(I.PRIME_HANDLE_TO_FD, R, (f, a, proc) => {
        if (a.flags! & ~(DRM_CLOEXEC | DRM_RDWR)) throw kerr('EINVAL', 'unknown flags');
        const o = f.lookup(a.handle!);
        if (o.dmabuf) { a.fd = proc.installRef(o.dmabuf); return; }
        a.fd = proc.installNew(() => (o.dmabuf = new OpenFile(new DmaBufFile(o))));
      }),
      e(I.PRIME_FD_TO_HANDLE, R, (f, a, proc) => {
        const ops = proc.getFile(a.fd!).ops;
        if (!(ops instanceof DmaBufFile) || ops.obj.dev !== this) throw kerr('EINVAL', 'not a dma-buf');
        a.handle = f.handleOf(ops.obj) || f.addHandle(ops.obj);
      }),
      e(I.SYNCOBJ_CREATE, R, (f, a) => {
        if (a.flags! & ~DRM_SYNCOBJ_CREATE_SIGNALED) throw kerr('EINVAL', 'unknown flags');
        const s = new Syncobj(this);
        if (a.flags! & DRM_SYNCOBJ_CREATE_SIGNALED) s.fence = DmaFence.signaledStub();
        a.handle = f.addSyncobj(s);
      }),
      e(I.SYNCOBJ_DESTROY, R, (f, a) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        const s = f.syncobj(a.handle!, 'EINVAL');
        f.syncobjs.delete(a.handle!);
        s.put();
      }),
      e(I.SYNCOBJ_HANDLE_TO_FD, R, (f, a, proc) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        if (a.flags! & ~DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE) throw kerr('EINVAL', 'unknown flags');
        const exportSyncFile = (a.flags! & DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE) !== 0;
        // drm_syncobj_export_sync_file goes through drm_syncobj_find_fence (ENOENT); the opaque path EINVAL
        const s = f.syncobj(a.handle!, exportSyncFile ? 'ENOENT' : 'EINVAL');
        if (exportSyncFile) {
          if (!s.fence) throw kerr('EINVAL', 'syncobj has no fence');
          const fence = s.fence;
          a.fd = proc.installNew(() => new OpenFile(new SyncFile(this, fence)));
        } else {
          a.fd = proc.installNew(() => new OpenFile(new SyncobjFile(s.get())));
        }
      }),
      e(I.SYNCOBJ_FD_TO_HANDLE, R, (f, a, proc) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        if (a.flags! & ~DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE) throw kerr('EINVAL', 'unknown flags');
        const open = proc.fds.get(a.fd!);
        if (a.flags! & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE) {
          if (!open || !(open.ops instanceof SyncFile)) throw kerr('EINVAL', 'not a sync_file');
          const s = f.syncobj(a.handle!, 'ENOENT');
          s.replaceFence(open.ops.fence);
          return;
        }
        if (!open || !(open.ops instanceof SyncobjFile) || open.ops.syncobj.dev !== this) throw kerr('EINVAL', 'not a syncobj fd');
        a.handle = f.addSyncobj(open.ops.syncobj.get()); // always a new handle
      }),
      e(I.SYNCOBJ_WAIT, R, (f, a, proc) => {
        const known = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE;
        if (a.flags! & ~known) throw kerr('EINVAL', 'unknown flags');
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        const n = a.count_handles!;
        if (n === 0) return;
        const objs = this.lookupSyncobjs(f, proc, a.handles!, n);
        a.first_signaled = this.waitSyncobjs(objs, new Array<number>(n).fill(0), a.flags!, a.timeout_nsec!);
      }),
      e(I.SYNCOBJ_TIMELINE_WAIT, R, (f, a, proc) => {
        const known = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE;
        if (a.flags! & ~known) throw kerr('EINVAL', 'unknown flags');
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        const n = a.count_handles!;
        if (n === 0) return;
        const objs = this.lookupSyncobjs(f, proc, a.handles!, n);
        const points = this.readU64s(proc, a.points!, n);
        a.first_signaled = this.waitSyncobjs(objs, points, a.flags!, a.timeout_nsec!);
      }),
      e(I.SYNCOBJ_RESET, R, (f, a, proc) => this.syncobjArray(f, a, proc).forEach((s) => s.replaceFence(null))),
      e(I.SYNCOBJ_SIGNAL, R, (f, a, proc) => this.syncobjArray(f, a, proc).forEach((s) => s.replaceFence(DmaFence.signaledStub()))),
      e(I.SYNCOBJ_TIMELINE_SIGNAL, R, (f, a, proc) => {
        if (a.flags) throw kerr('EINVAL', 'flags must be zero');
        if (!a.count_handles) throw kerr('EINVAL', 'no handles');
        const objs = this.lookupSyncobjs(f, proc, a.handles!, a.count_handles);
        const points = a.points ? this.readU64s(proc, a.points, a.count_handles) : new Array<number>(a.count_handles).fill(0);
        objs.forEach((s, i) => {
          if (points[i]) s.addPoint(DmaFence.signaledStub(), points[i]!);
          else s.replaceFence(DmaFence.signaledStub());
        });
      }),
      e(I.SYNCOBJ_QUERY, R, (f, a, proc) => {
        if (a.flags! & ~DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED) throw kerr('EINVAL', 'unknown flags');
        if (!a.count_handles) throw kerr('EINVAL', 'no handles');
        const objs = this.lookupSyncobjs(f, proc, a.handles!, a.count_handles);
        const out = new Uint8Array(8 * objs.length);
        const dv = new DataView(out.buffer);
        objs.forEach((s, i) => dv.setBigUint64(i * 8, BigInt(s.query((a.flags! & DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED) !== 0)), true));
        proc.copyToUser(a.points!, out);
      }),
      e(I.SYNCOBJ_TRANSFER, R, (f, a) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        if (a.flags! & ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) throw kerr('EINVAL', 'unknown flags');
        const dst = f.syncobj(a.dst_handle!);
        const src = f.syncobj(a.src_handle!);
        let fence = src.findFence(a.src_point!);
        if (!fence && a.flags! & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) {
          // drm_syncobj_find_fence waits at most 5 s for the fence to appear
          this.waitUntil(() => !!src.findFence(a.src_point!), monotonicNs() + 5e9);
          fence = src.findFence(a.src_point!);
          if (!fence) throw kerr('ETIME');
        }
        if (!fence) throw kerr('EINVAL', 'source has no fence at that point');
        if (a.dst_point) dst.addPoint(fence, a.dst_point);
        else dst.replaceFence(fence);
      }),
    ];
  }

  private checkMasterPerm(f: DrmFile, proc: Process): void {
    if (f.wasMaster && f.pid === proc.pid) return;
    if (!proc.capSysAdmin) throw kerr('EACCES', 'needs was_master from the same process, or CAP_SYS_ADMIN');
  }

  private readU64s(proc: Process, ptr: number, n: number): number[] {
    const bytes = proc.copyFromUser(ptr, n * 8);
    const dv = new DataView(bytes.buffer);
    return Array.from({ length: n }, (_, i) => Number(dv.getBigUint64(i * 8, true)));
  }

  private lookupSyncobjs(f: DrmFile, proc: Process, ptr: number, n: number): Syncobj[] {
    if (n > 4096) throw kerr('EINVAL', 'too many handles');
    const bytes = proc.copyFromUser(ptr, n * 4);
    const dv = new DataView(bytes.buffer);
    // look everything up first: an unknown handle changes nothing
    return Array.from({ length: n }, (_, i) => f.syncobj(dv.getUint32(i * 4, true)));
  }

  /** drm_syncobj_array_wait_timeout: returns the index of the first signalled object (0 with WAIT_ALL). */
  private waitSyncobjs(objs: Syncobj[], points: number[], flags: number, timeoutNs: number): number {
    const forSubmit = (flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) !== 0;
    const available = (flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE) !== 0;
    if (!forSubmit && !available && objs.some((s, i) => !s.findFence(points[i]!))) throw kerr('EINVAL', 'syncobj has no fence for that point');
    const all = (flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL) !== 0;
    const done = (s: Syncobj, i: number) => {
      const fence = s.findFence(points[i]!);
      return !!fence && (available || fence.signaled);
    };
    const ready = () => (all ? objs.every(done) : objs.some(done));
    const deadline = timeoutNs <= 0 ? 0 : timeoutNs;
    if (!this.waitUntil(ready, deadline)) throw kerr('ETIME');
    return all ? 0 : Math.max(0, objs.findIndex(done));
  }

  private syncobjArray(f: DrmFile, a: CValues, proc: Process): Syncobj[] {
    if (a.pad) throw kerr('EINVAL', 'pad must be zero');
    if (!a.count_handles) throw kerr('EINVAL', 'no handles');
    return this.lookupSyncobjs(f, proc, a.handles!, a.count_handles);
  }
}
export { Errno };
