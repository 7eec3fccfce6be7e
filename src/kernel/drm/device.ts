/**
 * The DRM core: device nodes (card0, renderD128), open files with their
 * per-file handle tables, GEM objects, syncobjs, and the ioctl dispatcher.
 *
 * Dispatch follows drivers/gpu/drm/drm_ioctl.c: a request whose type is not
 * 'd' is ENOTTY; an unknown number is EINVAL; the permission gate
 * (render-node allow list, auth, master) runs before anything looks at the
 * arguments; the argument struct is copied in from user memory (a caller's
 * struct shorter than the ioctl's first version is EINVAL, a shorter-than-
 * current one is zero-extended), handled, and copied back if the request
 * reads. Handlers validate everything before changing anything.
 */
import { Errno, kerr } from '../../base/errors.js';
import { readStruct, writeStruct, type CStruct, type CValues } from '../../uapi/cstruct.js';
import {
  DRM_CAP_PRIME, DRM_CAP_SYNCOBJ, DRM_CAP_SYNCOBJ_TIMELINE, DRM_CAP_TIMESTAMP_MONOTONIC, DRM_IOCTL,
  DRM_PRIME_CAP_EXPORT, DRM_PRIME_CAP_IMPORT, DRM_SYNCOBJ_CREATE_SIGNALED, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, DRM_CAP_DUMB_BUFFER, DRM_CLIENT_CAP_ATOMIC, DRM_CLIENT_CAP_UNIVERSAL_PLANES,
  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE,
} from '../../uapi/drm.js';
import { DRM_COMMAND_BASE, DRM_COMMAND_END, DRM_IOCTL_BASE, IOC_READ, iocDir, iocNr, iocSize, iocType } from '../../uapi/ioctl.js';
import { DmaFence } from './fence.js';
import type { FileOps, Process } from './process.js';

export const DRM_AUTH = 1, DRM_MASTER = 2, DRM_ROOT_ONLY = 4, DRM_RENDER_ALLOW = 8;

export interface IoctlEntry {
  readonly name: string;
  readonly request: number;
  readonly struct: CStruct | null;
  /** size of the first version of the struct: shorter callers get EINVAL */
  readonly minSize: number;
  readonly flags: number;
  handler(file: DrmFile, args: CValues, proc: Process): void;
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
  constructor(readonly dev: DrmDevice, readonly id: number, readonly size: number, readonly pa: number) {}
  get(): void { this.refs++; }
  put(): void {
    if (--this.refs === 0) this.dev.freeGem(this);
  }
}

export class Syncobj {
  refs = 1;
  fence: DmaFence | null = null;
  constructor(readonly dev: DrmDevice) { dev.live.syncobjs++; }
  put(): void { if (--this.refs === 0) this.dev.live.syncobjs--; }
  replaceFence(f: DmaFence | null): void { this.fence = f; this.dev.notifyFences(); }
}

export class DrmFile implements FileOps {
  readonly kind = 'drm' as const;
  readonly handles = new Map<number, GemObject>();
  readonly syncobjs = new Map<number, Syncobj>();
  private nextHandle = 1;
  private nextSyncobj = 1;
  authenticated = false;
  isMaster = false;
  wasMaster = false;
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
    o.handleCount--;
    o.put();
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
  mmap(proc: Process, length: number, offset: number): Uint8Array {
    return this.dev.mmap(this, proc, length, offset);
  }
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
  physView(pa: number, size: number): Uint8Array;
  /** called when a file closes, before its handles are dropped */
  postclose(file: DrmFile): void;
  /** waits for the GPU to make progress (an interrupt) or the deadline (ns, monotonic); false when the deadline passed */
  waitProgress(deadlineNs: number): boolean;
}

export interface LiveCounts { files: number; gem: number; syncobjs: number; gemBytes: number }

export function monotonicNs(): number {
  return Number(process.hrtime.bigint());
}

export class DrmDevice {
  driver!: DrmDriver;
  readonly files = new Set<DrmFile>();
  private nextGemId = 1;
  private nextMmapOffset = 0x100000;
  readonly mmapOffsets = new Map<number, GemObject>();
  readonly live: LiveCounts = { files: 0, gem: 0, syncobjs: 0, gemBytes: 0 };
  private readonly table = new Map<number, IoctlEntry>();
  master: DrmFile | null = null;
  /** trace hook: every ioctl with its decoded arguments and result */
  tracer: ((ev: { pid: number; name: string; request: number; args: CValues | null; out: CValues | null; errno: number; struct: CStruct | null }) => void) | null = null;

  attach(driver: DrmDriver): void {
    this.driver = driver;
    for (const e of [...this.coreIoctls(), ...driver.ioctls]) this.table.set(iocNr(e.request), e);
  }

  open(minor: MinorType, proc: Process): DrmFile {
    const f = new DrmFile(this, minor, proc.pid);
    if (proc.capSysAdmin) f.authenticated = true;
    if (minor === 'primary' && !this.master) {
      this.master = f;
      f.isMaster = f.wasMaster = true;
      f.authenticated = true;
    }
    this.files.add(f);
    this.live.files++;
    return f;
  }

  closeFile(f: DrmFile): void {
    if (f.closed) return;
    this.driver.postclose(f);
    for (const h of [...f.handles.keys()]) f.dropHandle(h);
    for (const [h, s] of f.syncobjs) { f.syncobjs.delete(h); s.put(); }
    if (this.master === f) this.master = null;
    f.closed = true;
    this.files.delete(f);
    this.live.files--;
  }

  newGem(size: number): GemObject {
    const r = this.driver.gemCreate(size);
    if (!r) throw kerr('ENOMEM', 'out of GPU memory');
    const o = new GemObject(this, this.nextGemId++, size, r.pa);
    this.driver.physView(r.pa, size).fill(0); // never hand out another client's old data
    this.live.gem++;
    this.live.gemBytes += size;
    return o;
  }
  freeGem(o: GemObject): void {
    if (o.freed) return;
    o.freed = true;
    if (o.mmapOffset) this.mmapOffsets.delete(o.mmapOffset);
    this.driver.gemFree(o);
    this.live.gem--;
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
  mmap(f: DrmFile, proc: Process, length: number, offset: number): Uint8Array {
    const o = this.mmapOffsets.get(offset);
    // Linux: the fake offset must belong to an object this file has a handle on
    if (!o || ![...f.handles.values()].includes(o)) throw kerr('EACCES', 'no such mmap offset for this file');
    if (length <= 0 || length > o.size) throw kerr('EINVAL', 'mapping larger than the object');
    const view = this.driver.physView(o.pa, length);
    o.get();
    o.mappings++;
    proc.mappings.set(view, () => { o.mappings--; o.put(); });
    return view;
  }

  /** Wakes syncobj waiters after a fence changes (they re-check on their next loop). */
  notifyFences(): void { /* waits poll fence state; nothing to do */ }

  ioctl(file: DrmFile, proc: Process, request: number, argp: number): void {
    let entry: IoctlEntry | undefined;
    let args: CValues | null = null;
    try {
      if (iocType(request) !== DRM_IOCTL_BASE) throw kerr('ENOTTY');
      const nr = iocNr(request);
      entry = this.table.get(nr);
      const isDriver = nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END;
      if (!entry || (isDriver && !this.driver)) throw kerr('EINVAL', `unknown ioctl 0x${nr.toString(16)}`);
      // Permission gate first (drm_ioctl_permit).
      if (entry.flags & DRM_ROOT_ONLY && !proc.capSysAdmin) throw kerr('EACCES');
      if (entry.flags & DRM_AUTH && !(file.authenticated || file.minor === 'render')) throw kerr('EACCES');
      if (entry.flags & DRM_MASTER && this.master !== file) throw kerr('EACCES');
      if (file.minor === 'render' && !(entry.flags & DRM_RENDER_ALLOW)) throw kerr('EACCES');
      const usize = iocSize(request);
      const ksize = entry.struct?.size ?? 0;
      if (usize < entry.minSize) throw kerr('EINVAL', `argument struct of ${usize} bytes is shorter than ${entry.minSize}`);
      const buf = new Uint8Array(Math.max(ksize, usize));
      if (usize) buf.set(proc.copyFromUser(argp, usize));
      args = entry.struct ? readStruct(entry.struct, buf) : {};
      const inArgs = { ...args };
      entry.handler(file, args, proc);
      if (entry.struct && iocDir(request) & IOC_READ) {
        writeStruct(entry.struct, args, buf);
        proc.copyToUser(argp, buf.subarray(0, usize));
      }
      this.tracer?.({ pid: proc.pid, name: entry.name, request, args: inArgs, out: args, errno: 0, struct: entry.struct });
    } catch (e) {
      const errno = (e as { errno?: number }).errno;
      if (errno !== undefined) {
        this.tracer?.({ pid: proc.pid, name: entry?.name ?? `ioctl(0x${request.toString(16)})`, request, args, out: null, errno, struct: entry?.struct ?? null });
      }
      throw e;
    }
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
    const e = (d: { name: string; request: number; struct: CStruct | null }, flags: number, handler: IoctlEntry['handler'], minSize = d.struct?.size ?? 0): IoctlEntry =>
      ({ name: d.name, request: d.request, struct: d.struct, minSize, flags, handler });
    const R = DRM_RENDER_ALLOW;
    return [
      e(I.VERSION, R, (f, a, proc) => {
        const drv = this.driver;
        a.version_major = drv.version.major; a.version_minor = drv.version.minor; a.version_patchlevel = drv.version.patch;
        for (const [k, s] of [['name', drv.name], ['date', drv.date], ['desc', drv.desc]] as const) {
          const bytes = new TextEncoder().encode(s);
          const room = a[`${k}_len`]!;
          if (room && a[k]) proc.copyToUser(a[k]!, bytes.subarray(0, Math.min(room, bytes.length)));
          a[`${k}_len`] = bytes.length;
        }
      }),
      e(I.GET_CAP, R, (f, a) => {
        switch (a.capability) {
          case DRM_CAP_TIMESTAMP_MONOTONIC: a.value = 1; break;
          case DRM_CAP_PRIME: a.value = DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT; break;
          case DRM_CAP_SYNCOBJ: a.value = 1; break;
          case DRM_CAP_SYNCOBJ_TIMELINE: a.value = 1; break;
          case DRM_CAP_DUMB_BUFFER: throw kerr('EOPNOTSUPP', 'not a KMS device');
          default: throw kerr('EINVAL', `unknown capability ${a.capability}`);
        }
      }),
      e(I.SET_CLIENT_CAP, 0, (f, a) => {
        if (a.capability === DRM_CLIENT_CAP_UNIVERSAL_PLANES || a.capability === DRM_CLIENT_CAP_ATOMIC) throw kerr('EOPNOTSUPP', 'not a KMS device');
        if (a.capability! < 1 || a.capability! > 6) throw kerr('EINVAL');
        if (a.value! > 1) throw kerr('EINVAL');
        f.clientCaps.set(a.capability!, a.value!);
      }),
      e(I.GEM_CLOSE, R, (f, a) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        f.dropHandle(a.handle!);
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
      e(I.SYNCOBJ_WAIT, R, (f, a, proc) => {
        const known = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE;
        if (a.flags! & ~known) throw kerr('EINVAL', 'unknown flags');
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        const n = a.count_handles!;
        if (n === 0) return;
        const bytes = proc.copyFromUser(a.handles!, n * 4);
        const dv = new DataView(bytes.buffer);
        const objs = Array.from({ length: n }, (_, i) => f.syncobj(dv.getUint32(i * 4, true)));
        const forSubmit = (a.flags! & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) !== 0;
        if (!forSubmit && objs.some((s) => !s.fence)) throw kerr('EINVAL', 'syncobj has no fence');
        const all = (a.flags! & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL) !== 0;
        const done = (s: Syncobj) => !!s.fence && s.fence.signaled;
        const ready = () => (all ? objs.every(done) : objs.some(done));
        const deadline = a.timeout_nsec! <= 0 ? 0 : a.timeout_nsec!;
        if (!this.waitUntil(ready, deadline)) throw kerr('ETIME');
        a.first_signaled = all ? 0 : Math.max(0, objs.findIndex(done));
      }),
      e(I.SYNCOBJ_RESET, R, (f, a, proc) => this.syncobjArray(f, a, proc).forEach((s) => s.replaceFence(null))),
      e(I.SYNCOBJ_SIGNAL, R, (f, a, proc) => this.syncobjArray(f, a, proc).forEach((s) => s.replaceFence(DmaFence.signaledStub()))),
    ];
  }

  private syncobjArray(f: DrmFile, a: CValues, proc: Process): Syncobj[] {
    if (a.pad) throw kerr('EINVAL', 'pad must be zero');
    if (!a.count_handles) throw kerr('EINVAL', 'no handles');
    const bytes = proc.copyFromUser(a.handles!, a.count_handles * 4);
    const dv = new DataView(bytes.buffer);
    // look everything up first: an unknown handle changes nothing
    return Array.from({ length: a.count_handles }, (_, i) => f.syncobj(dv.getUint32(i * 4, true)));
  }
}
export { Errno };
