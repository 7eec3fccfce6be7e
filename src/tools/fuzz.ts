/**
 * The kernel fuzzer: several hostile processes drive every core and driver
 * ioctl with valid, boundary and garbage arguments, pass fds to each other,
 * map and unmap, exit with work in flight and respawn, and submit real jobs
 * (good and faulting) — through their system calls only, on a deterministic
 * machine, so a seed replays exactly.
 *
 * After every step it checks the invariants of issue 12:
 * - no exception escapes a system call (the kernel's oops list stays empty,
 *   and no call throws);
 * - canary data in each process's private objects is never changed (foreign
 *   write) nor seen by another process (foreign read: every byte a process
 *   loads is scanned for other processes' unshared canary signatures);
 * - an innocent render (a self-contained context no other op touches) is
 *   bit-exact;
 * - no single ioctl takes longer than 100 ms (the waiting ioctls excepted);
 * - after all processes exit (every `quiesce` steps and at the end) the live
 *   kernel-object counts and free GPU memory are back to their boot values.
 *
 * Usage: npm run fuzz -- [--seconds N | --ops N | --ioctls N] [--seed S] [--processes K] [--quiesce N] [--trace]
 * (`npm run fuzz -- --help` says more)
 * A violation prints the seed, the step, and the shortest trace found by
 * removing chunks of the trace while the violation still reproduces.
 */
import { Command, InvalidArgumentError } from 'commander';
import { fileURLToPath } from 'node:url';
import { Machine } from '../machine/machine.js';
import { DrmDevice, DrmError } from '../libdrm/libdrm.js';
import { MemoryFault, type Syscalls } from '../uapi/syscalls.js';
import { writeStruct } from '../uapi/cstruct.js';
import { DRM_IOCTL, DRM_CLOEXEC, DRM_CLIENT_CAP_ATOMIC, DRM_CLIENT_CAP_UNIVERSAL_PLANES } from '../uapi/drm.js';
import {
  DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16, DRM_FORMAT_RGB565, DRM_FORMAT_XRGB8888, DRM_MODE_ATOMIC_ALLOW_MODESET,
  DRM_MODE_ATOMIC_NONBLOCK, DRM_MODE_ATOMIC_TEST_ONLY, DRM_MODE_IOCTL, DRM_MODE_OBJECT_ANY, DRM_MODE_OBJECT_CONNECTOR,
  DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_PLANE, DRM_MODE_PAGE_FLIP_EVENT, DRM_VBLANK_EVENT, DRM_VBLANK_RELATIVE, encodeModeInfo,
  type ModeInfo,
} from '../uapi/drm-mode.js';
import { ModeCard } from '../libdrm/kms.js';
import {
  AKARI_BIND_READ, AKARI_BIND_UNBIND, AKARI_BIND_WRITE, AKARI_CMD_RENDER, AKARI_IOCTL, AKARI_RENDER_COLOR_CLEAR,
  AKARI_RENDER_COLOR_STORE, drm_akari_result,
} from '../uapi/akari.js';
import { IOC, iocNr } from '../uapi/ioctl.js';

const PAGE = 16384;
const SLOW_MS = 100;
/**
 * ioctls that block by contract (syncobj waits, TRANSFER with WAIT_FOR_SUBMIT, a blocking
 * WAIT_VBLANK): not held to SLOW_MS
 */
const WAITING = new Set([0xc3, 0xca, 0xcc, 0x3a]);
const MAGIC = 0xca4a12c5;

export type ViolationKind = 'exception' | 'foreign-write' | 'foreign-read' | 'render' | 'slow' | 'leak';
export interface Violation { kind: ViolationKind; step: number; detail: string }
export interface Op { k: string; p: number; a: number[] }
export interface FuzzOptions {
  seed: number;
  processes?: number;
  /** stop after this many ioctls (at the end of the op that reached it) */
  ioctls?: number;
  /** print each op to stderr before it runs (to find the one that hangs) */
  trace?: boolean;
  /** stop after this many ops (default: unbounded, use seconds) */
  ops?: number;
  seconds?: number;
  /** exit everyone and check the boot values every this many ops */
  quiesce?: number;
  /** deliberately break an invariant (to test the checks): a leaked reference or a foreign write */
  inject?: 'leak' | 'foreign-write';
  progress?: (s: FuzzStats) => void;
}
export interface FuzzStats {
  slowest?: string; slowNoise: number; ops: number; ioctls: number; seconds: number; violations: Violation[]; byKind: Record<string, number>;
  maxIoctlMs: number; jobs: number; renders: number;
  /** display coverage: commits that went through, flip-complete and vblank events delivered, ops that ended with a CRTC lit */
  kms: { commits: number; flips: number; vblankEvents: number; litOps: number };
}

/** mulberry32: small, fast, and the same everywhere */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const KINDS: Array<[string, number]> = [
  ['spawn', 3], ['exit', 1], ['gem', 8], ['close', 3], ['mmap', 4], ['munmap', 3], ['canary', 4], ['share', 4],
  ['sendfd', 3], ['fd', 3], ['sync', 12], ['vm', 8], ['queue', 3], ['submit', 6], ['render', 2], ['madvise', 3],
  ['raw', 12], ['query', 4], ['drain', 2], ['kms', 20],
];
const TOTAL = KINDS.reduce((s, [, w]) => s + w, 0);

export function generate(seed: number, n: number, processes: number): Op[] {
  const r = rng(seed);
  const ops: Op[] = [];
  for (let i = 0; i < n; i++) ops.push(nextOp(r, processes));
  return ops;
}
function nextOp(r: () => number, processes: number): Op {
  let x = r() % TOTAL, k = KINDS[0]![0];
  for (const [name, w] of KINDS) { if (x < w) { k = name; break; } x -= w; }
  return { k, p: r() % processes, a: [r(), r(), r(), r(), r(), r()] };
}

interface Bo { h: number; size: number; cpu: number; id: number; canary: boolean; shared: boolean; maybePurged: boolean; w?: number; ht?: number; pitch?: number }
interface Ctx { vm: number; q: number; base: number; rt: number; result: number }
interface Proc {
  sys: Syscalls; d: DrmDevice; card: DrmDevice | null; mode: ModeCard | null;
  bos: Bo[]; syncobjs: number[]; vms: number[]; queues: number[]; fds: number[]; maps: Array<{ addr: number; len: number }>;
  outs: number[]; ctx: Ctx | null; base: number;
  /** dumb buffers: handles on the card fd (kept apart from `bos`, whose handles are the render fd's) */
  dumbs: Bo[]; fbs: number[]; blobs: number[]; screen: Screen | null;
}
/** The display's objects (device-wide ids, the same for every process) and the ids of the properties atomic commits use. */
interface KmsCatalog {
  crtcs: number[]; connectors: number[]; encoders: number[]; planes: number[]; props: number[]; modes: ModeInfo[];
  prop: Record<string, number>;
  /** each connector's smallest mode (what a client lights cheaply) */
  small: Array<ModeInfo | null>;
  /** per CRTC index: its primary, overlay and cursor plane ids */
  planesOf: Array<{ primary: number; overlay: number; cursor: number }>;
}
/** What a display client built for itself: its scanout fbs (mode-sized) and a cursor image. */
interface Screen { fbs: number[]; w: number; h: number; cursor: number }

class Run {
  readonly m: Machine;
  readonly procs: Array<Proc | null>;
  readonly boot: Record<string, number>;
  readonly violations: Violation[] = [];
  stats: FuzzStats;
  private nextBo = 1;
  /** canary id -> owner pid, for unshared canaries */
  private canaries = new Map<number, { pid: number; bo: Bo }>();
  step = 0;
  private injected = false;
  /** the slowest non-waiting ioctl of the current op */
  opMaxMs = 0;
  opSlowReq = 0;

  constructor(readonly opts: FuzzOptions) {
    this.m = new Machine({ deterministic: true, memoryBytes: 48 << 20 });
    this.procs = new Array(opts.processes ?? 4).fill(null);
    this.boot = this.m.driver.liveObjects();
    this.stats = { slowNoise: 0, ops: 0, ioctls: 0, seconds: 0, violations: this.violations, byKind: {}, maxIoctlMs: 0, jobs: 0, renders: 0, kms: { commits: 0, flips: 0, vblankEvents: 0, litOps: 0 } };
  }

  violate(kind: ViolationKind, detail: string): void {
    this.violations.push({ kind, step: this.step, detail });
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
  }

  /** The process's system calls, timed and counted. */
  private wrap(sys: Syscalls): Syscalls {
    const run = this;
    const timed = Object.create(sys) as Syscalls;
    Object.defineProperty(timed, 'memory', { get: () => sys.memory });
    (timed as { ioctl: Syscalls['ioctl'] }).ioctl = (fd, req, argp) => {
      run.stats.ioctls++;
      const t0 = performance.now();
      const r = sys.ioctl(fd, req, argp);
      const ms = performance.now() - t0;
      if (ms > run.stats.maxIoctlMs && !WAITING.has(iocNr(req))) { run.stats.maxIoctlMs = ms; run.stats.slowest = `0x${(req >>> 0).toString(16)}`; }
      if (!WAITING.has(iocNr(req)) && ms > run.opMaxMs) { run.opMaxMs = ms; run.opSlowReq = req >>> 0; }
      return r;
    };
    return timed;
  }

  private spawn(slot: number, a: number[]): void {
    // one in four is a privileged display server (CAP_SYS_ADMIN: it may take master from another)
    const sys = this.wrap(this.m.spawn({ capSysAdmin: a[1]! % 4 === 1 }));
    const d = DrmDevice.open(sys, '/dev/dri/renderD128');
    const card = a[1]! % 4 ? DrmDevice.open(sys, '/dev/dri/card0') : null;
    const base = d.akariParams().vm_user_start!;
    let mode: ModeCard | null = null;
    if (card) {
      mode = new ModeCard(card);
      try {
        if (a[2]! % 2) card.setClientCap(DRM_CLIENT_CAP_ATOMIC, 1);
        else if (a[2]! % 3) card.setClientCap(DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
      } catch (e) { if (!(e instanceof DrmError)) throw e; }
      this.catalog ??= this.buildCatalog();
    }
    this.procs[slot] = { sys, d, card, mode, bos: [], syncobjs: [], vms: [], queues: [], fds: [], maps: [], outs: [], ctx: null, base, dumbs: [], fbs: [], blobs: [], screen: null };
  }

  private catalog: KmsCatalog | null = null;
  /** Reads the display's objects once, through a client's ioctls, with the atomic cap on a file of its own. */
  private buildCatalog(): KmsCatalog {
    const sys = this.m.spawn();
    try {
      const own = new ModeCard(DrmDevice.open(sys, '/dev/dri/card0'));
      own.drm.setClientCap(DRM_CLIENT_CAP_ATOMIC, 1);
      const res = own.getResources();
      const planes = own.getPlaneResources();
      const prop: Record<string, number> = {};
      const props = new Set<number>();
      const objs: Array<[number, number, string]> = [
        ...res.crtcs.map((id) => [id, DRM_MODE_OBJECT_CRTC, 'crtc'] as [number, number, string]),
        ...res.connectors.map((id) => [id, DRM_MODE_OBJECT_CONNECTOR, 'conn'] as [number, number, string]),
        ...planes.map((id) => [id, DRM_MODE_OBJECT_PLANE, 'plane'] as [number, number, string]),
      ];
      for (const [id, type, kind] of objs) {
        for (const pid of own.objectGetProperties(id, type).props) { props.add(pid); prop[`${kind}.${own.getProperty(pid).name}`] = pid; }
      }
      const connModes = res.connectors.map((id) => own.getConnector(id, false).modes);
      const small = connModes.map((ms) => [...ms].sort((x, y) => x.hdisplay * x.vdisplay - y.hdisplay * y.vdisplay)[0] ?? null);
      const typeProp = prop['plane.type']!;
      const planesOf = res.crtcs.map(() => ({ primary: 0, overlay: 0, cursor: 0 }));
      for (const id of planes) {
        const info = own.getPlane(id);
        const pr = own.objectGetProperties(id, DRM_MODE_OBJECT_PLANE);
        const type = Number(pr.propValues[pr.props.indexOf(typeProp)]);
        const c = Math.log2(info.possibleCrtcs & -info.possibleCrtcs);
        const kind = (['overlay', 'primary', 'cursor'] as const)[type]!;
        if (planesOf[c]) planesOf[c]![kind] = id;
      }
      return { crtcs: res.crtcs, connectors: res.connectors, encoders: res.encoders, planes, props: [...props], modes: connModes.flat(), prop, small, planesOf };
    } finally { sys.exit(); }
  }

  private exit(slot: number): void {
    const p = this.procs[slot];
    if (!p) return;
    for (const b of [...p.bos, ...p.dumbs]) this.canaries.delete(b.id);
    p.sys.exit();
    this.procs[slot] = null;
  }

  /** Loads bytes as the process and scans them for other processes' private canaries. */
  private load(p: Proc, addr: number, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    try { p.sys.load(addr, out); } catch (e) { if (e instanceof MemoryFault) return null; throw e; }
    const dv = new DataView(out.buffer);
    for (let o = 0; o + 16 <= len; o += 16) {
      if (dv.getUint32(o, true) !== MAGIC) continue;
      const id = dv.getUint32(o + 8, true);
      const c = this.canaries.get(id);
      if (c && c.pid !== p.sys.pid && !c.bo.shared) { this.violate('foreign-read', `pid ${p.sys.pid} read canary ${id} of pid ${c.pid}`); break; }
    }
    return out;
  }

  private canaryBytes(pid: number, id: number, size: number): Uint8Array {
    const b = new Uint8Array(size);
    const dv = new DataView(b.buffer);
    for (let o = 0; o < size; o += 16) { dv.setUint32(o, MAGIC, true); dv.setUint32(o + 4, pid, true); dv.setUint32(o + 8, id, true); dv.setUint32(o + 12, ~id, true); }
    return b;
  }

  private markShared(p: Proc): void { for (const b of [...p.bos, ...p.dumbs]) b.shared = true; }

  private pick<T>(xs: T[], x: number): T | undefined { return xs.length ? xs[x % xs.length] : undefined; }
  /** a handle/id: usually a known one, sometimes a boundary or garbage value (large, never another op's private id) */
  private id(known: number[], x: number): number {
    switch (x % 8) {
      case 0: return 0;
      case 1: return 0xffffffff;
      case 2: return 100000 + (x >>> 3) % 1000;
      default: return known.length ? known[(x >>> 3) % known.length]! : 0;
    }
  }

  exec(op: Op): void {
    const p = this.procs[op.p] ?? null;
    const a = op.a;
    if (!p) { if (op.k === 'spawn' || a[0]! % 4 === 0) this.spawn(op.p, a); return; }
    const d = p.d;
    const call = (fn: () => void) => {
      try { fn(); } catch (e) {
        if (e instanceof DrmError) return;
        if (e instanceof MemoryFault) return;
        this.violate('exception', `${op.k}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    };
    switch (op.k) {
      case 'spawn': if (a[0]! % 8 === 0) { this.exit(op.p); this.spawn(op.p, a); } return;
      case 'exit': this.exit(op.p); return;
      case 'gem': return call(() => {
        const sizes = [PAGE, 2 * PAGE, 4 * PAGE, 1, 0, 2 ** 40, a[1]! % (1 << 20), 64 * PAGE];
        const size = sizes[a[0]! % sizes.length]!;
        const h = d.akariGemCreate(size, a[2]! % 16 === 0 ? a[3]! : 0);
        const bo: Bo = { h, size: Math.ceil(size / PAGE) * PAGE, cpu: 0, id: this.nextBo++, canary: false, shared: false, maybePurged: false };
        p.bos.push(bo);
        if (a[4]! % 2 && bo.size <= 4 * PAGE) {
          bo.cpu = d.mmap(d.akariGemMmapOffset(h), bo.size);
          p.sys.store(bo.cpu, this.canaryBytes(p.sys.pid, bo.id, bo.size));
          bo.canary = true;
          this.canaries.set(bo.id, { pid: p.sys.pid, bo });
        }
      });
      case 'close': return call(() => {
        const bo = this.pick(p.bos, a[0]!);
        if (bo && a[1]! % 4) { d.gemClose(bo.h); p.bos.splice(p.bos.indexOf(bo), 1); if (bo.cpu) { p.sys.munmap(bo.cpu, bo.size); this.canaries.delete(bo.id); } }
        else d.gemClose(this.id([], a[2]!));
      });
      case 'mmap': return call(() => {
        const bo = this.pick(p.bos, a[0]!);
        const lens = [PAGE, 1, 0, 2 ** 40, (bo?.size ?? PAGE) + 1, bo?.size ?? PAGE];
        const len = lens[a[1]! % lens.length]!;
        const off = bo && a[2]! % 4 ? d.akariGemMmapOffset(bo.h) : a[3]!;
        const fd = a[4]! % 8 === 0 ? this.pick(p.fds, a[5]!) ?? d.fd : d.fd;
        const r = p.sys.mmap(fd, len, off);
        if (r > 0) { p.maps.push({ addr: r, len }); this.load(p, r, Math.min(len, 4 * PAGE)); }
      });
      case 'munmap': return call(() => {
        const mp = this.pick(p.maps, a[0]!);
        if (mp && a[1]! % 4) { p.sys.munmap(mp.addr, mp.len); p.maps.splice(p.maps.indexOf(mp), 1); }
        else p.sys.munmap(a[2]! * PAGE, a[3]! % 4 ? PAGE : 2 ** 40);
      });
      case 'canary': return call(() => {
        for (const bo of [...p.bos, ...p.dumbs]) {
          if (!bo.canary || bo.maybePurged || bo.shared) continue;
          // mapped afresh: the process may have munmapped its old mapping itself (a legitimate own act)
          let at: number;
          try {
            at = p.dumbs.includes(bo) ? p.card!.mmap(p.mode!.mapDumb(bo.h), bo.size) : d.mmap(d.akariGemMmapOffset(bo.h), bo.size);
          } catch { continue; } // closed or purged by a raw ioctl of its own
          const got = this.load(p, at, bo.size);
          p.sys.munmap(at, bo.size);
          if (!got) { this.violate('foreign-write', `pid ${p.sys.pid}: canary ${bo.id} unreadable`); continue; }
          const want = this.canaryBytes(p.sys.pid, bo.id, bo.size);
          for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) { this.violate('foreign-write', `pid ${p.sys.pid}: canary ${bo.id} changed at byte ${i}`); break; }
        }
      });
      case 'share': return call(() => {
        const bo = this.pick(p.bos, a[0]!);
        switch (a[1]! % 5) {
          case 0: if (bo && p.card) { bo.shared = true; p.card.gemFlink(bo.h); } return; // the card fd has its own handles: a failure is fine
          case 1: if (bo) { bo.shared = true; p.fds.push(d.primeHandleToFd(bo.h, a[2]! % 8 ? DRM_CLOEXEC : a[2]!)); } return;
          case 2: { const fd = this.pick(p.fds, a[2]!); if (fd !== undefined) d.primeFdToHandle(fd); return; }
          case 3: if (p.card) p.card.gemOpen(1 + a[2]! % 64); return;
          default: d.primeFdToHandle(a[3]! % 2048);
        }
      });
      case 'sendfd': return call(() => {
        const to = this.procs[a[0]! % this.procs.length];
        const fds = [...p.fds, d.fd, p.card?.fd ?? d.fd];
        const fd = a[1]! % 8 === 0 ? a[2]! % 2048 : fds[a[2]! % fds.length]!;
        if (fd === d.fd || fd === p.card?.fd) this.markShared(p); // the receiver shares this open file's handles
        if (p.fds.includes(fd)) this.markShared(p); // a dma-buf fd may name any of them
        const r = p.sys.sendFd(fd, to ? to.sys : ({ pid: a[3]! } as unknown as Syscalls));
        if (r >= 0 && to) to.fds.push(r);
      });
      case 'fd': return call(() => {
        const fd = this.pick(p.fds, a[0]!);
        if (a[1]! % 3 === 0) { const r = p.sys.dup(fd ?? a[2]! % 2048); if (r >= 0) p.fds.push(r); }
        else if (fd !== undefined) { p.sys.close(fd); p.fds.splice(p.fds.indexOf(fd), 1); }
        else p.sys.close(a[2]! % 2048);
        p.sys.lseek(fd ?? d.fd, a[3]! % 3 ? 0 : a[4]!, a[5]! % 4);
      });
      case 'sync': return call(() => this.sync(p, a));
      case 'vm': return call(() => this.vm(p, a));
      case 'queue': return call(() => {
        if (a[0]! % 2) {
          if (!p.vms.length) p.vms.push(d.akariVmCreate());
          const vm = this.id(p.vms, a[1]!);
          p.queues.push(d.akariQueueCreate(vm, a[2]! % 5));
        }
        else { const q = this.id(p.queues, a[1]!); d.akariQueueDestroy(q); p.queues = p.queues.filter((x) => x !== q); }
      });
      case 'submit': return call(() => this.submit(p, a));
      case 'render': return call(() => this.render(p, a));
      case 'madvise': return call(() => {
        const bo = this.pick(p.bos, a[0]!);
        const madv = a[1]! % 5 === 0 ? a[2]! : a[1]! % 2;
        if (bo && madv === 1) bo.maybePurged = true;
        const retained = d.akariGemMadvise(bo ? bo.h : this.id([], a[3]!), madv);
        if (bo && !retained) bo.maybePurged = true;
      });
      case 'raw': return call(() => this.raw(p, a));
      case 'kms': return call(() => this.kms(p, a));
      case 'query': return call(() => {
        switch (a[0]! % 6) {
          case 0: d.version(); return;
          case 1: d.getCap(a[1]! % 32); return;
          case 2: d.akariParams(); return;
          case 3: d.akariGetTime(); return;
          case 4: if (p.card) p.card.isAuthenticated(); return;
          default: if (p.card) p.card.getMagic();
        }
      });
      case 'drain': return call(() => {
        if (p.outs.length) d.syncobjWait(p.outs.slice(-16), Number(process.hrtime.bigint()) + 2e9, 1);
        p.outs = [];
      });
    }
  }

  private sync(p: Proc, a: number[]): void {
    const d = p.d;
    const so = this.id(p.syncobjs, a[1]!);
    const deadline = 0; // a poll: never a real wait
    switch (a[0]! % 12) {
      case 0: p.syncobjs.push(d.syncobjCreate(a[2]! % 2 === 0)); return;
      case 1: d.syncobjDestroy(so); p.syncobjs = p.syncobjs.filter((x) => x !== so); return;
      case 2: d.syncobjSignal([so]); return;
      case 3: d.syncobjReset([so]); return;
      case 4: d.syncobjWait([so], deadline, a[2]! % 4); return;
      case 5: d.syncobjQuery([so], a[2]! % 3); return;
      case 6: d.syncobjTransfer(so, a[2]! % 4 ? a[3]! % 100 : 2 ** 53 - 1, this.id(p.syncobjs, a[4]!), a[5]! % 3, 0); return;
      case 7: d.syncobjTimelineSignal([so], [a[2]! % 1000]); return;
      case 8: p.fds.push(d.syncobjHandleToFd(so)); return;
      case 9: { const fd = this.pick(p.fds, a[2]!); if (fd !== undefined) p.syncobjs.push(d.syncobjFdToHandle(fd)); return; }
      case 10: p.fds.push(d.syncobjExportSyncFile(so)); return;
      default: { const fd = this.pick(p.fds, a[2]!); if (fd !== undefined) d.syncobjImportSyncFile(so, fd); return; }
    }
  }

  private vm(p: Proc, a: number[]): void {
    const d = p.d;
    const vm = this.id(p.vms, a[1]!);
    switch (a[0]! % 6) {
      case 0: p.vms.push(d.akariVmCreate()); return;
      case 1: d.akariVmDestroy(vm); p.vms = p.vms.filter((x) => x !== vm); return;
      case 2: case 3: {
        const bo = this.pick(p.bos, a[2]!);
        const addr = p.base + (a[3]! % 4096) * PAGE;
        const range = a[4]! % 4 ? (bo?.size ?? PAGE) : [0, PAGE, 2 ** 40, 3][a[4]! % 4]!;
        // canary objects are bound read-only: the GPU writing the process's own canary would be legitimate, not foreign
        const flags = bo?.canary ? AKARI_BIND_READ : a[5]! % 16 === 0 ? a[5]! : [AKARI_BIND_READ, AKARI_BIND_READ | AKARI_BIND_WRITE, 0][a[5]! % 3]!;
        d.akariVmBind(vm, [{ flags, handle: bo?.h ?? this.id([], a[2]!), offset: 0, range, addr }]);
        return;
      }
      case 4: {
        const huge = a[2]! % 4 === 0;
        const addr = huge ? p.base : p.base + (a[3]! % 4096) * PAGE;
        const range = huge ? 2 ** 46 - p.base : (1 + a[4]! % 64) * PAGE;
        d.akariVmBind(vm, [{ flags: AKARI_BIND_UNBIND, handle: 0, offset: 0, range, addr }]);
        return;
      }
      default: d.akariVmBind(vm, [{ flags: a[2]!, handle: a[3]!, offset: a[4]!, range: a[5]!, addr: a[2]! ^ a[5]! }], a[3]! % 2 ? 32 : 8 + a[4]! % 64);
    }
  }

  private submit(p: Proc, a: number[]): void {
    const d = p.d;
    const q = this.id(p.queues, a[0]!);
    const heap = p.base + (a[1]! % 64) * PAGE;
    const good = a[2]! % 3 === 0;
    const cmd = good || a[2]! % 3 === 1
      ? {
        cmd_type: AKARI_CMD_RENDER, width: 1 + a[3]! % 64, height: 1 + a[4]! % 64, tiler_heap: heap, tiler_heap_size: 8 * PAGE,
        color_format: 0, color: good ? heap + 8 * PAGE : a[5]! * PAGE, color_stride: 256,
        load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE, clear_r: a[5]!, draws: good ? 0 : (a[5]! % 2) * (heap + PAGE),
      }
      : { cmd_type: a[3]! % 2, flags: a[4]! % 4, width: a[5]! & 0xffff, height: a[3]! & 0xffff, tiler_heap: a[4]!, tiler_heap_size: a[5]!, color: a[3]! * 4096 };
    const out = d.syncobjCreate();
    p.syncobjs.push(out);
    const ins = a[1]! % 4 === 0 ? [this.id(p.syncobjs, a[4]!)] : [];
    d.akariSubmit(q, [cmd], ins, [out]);
    p.outs.push(out);
    this.stats.jobs++;
  }

  /** The innocent render: a context only this op touches, whose output must be bit-exact. */
  private render(p: Proc, a: number[]): void {
    const d = p.d;
    if (!p.ctx) {
      const vm = d.akariVmCreate();
      const q = d.akariQueueCreate(vm);
      const base = p.base + (1 << 30);
      const heap = d.akariGemCreate(8 * PAGE), rt = d.akariGemCreate(PAGE), result = d.akariGemCreate(PAGE);
      d.akariVmBind(vm, [
        { flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: heap, offset: 0, range: 8 * PAGE, addr: base },
        { flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: rt, offset: 0, range: PAGE, addr: base + 8 * PAGE },
      ]);
      p.ctx = { vm, q, base, rt, result };
    }
    const c = p.ctx;
    const rgba = [a[0]! & 255, a[1]! & 255, a[2]! & 255, 255];
    const bits = (v: number) => new Uint32Array(new Float32Array([v / 255]).buffer)[0]!;
    const out = d.syncobjCreate();
    d.akariSubmit(c.q, [{
      cmd_type: AKARI_CMD_RENDER, width: 64, height: 64, tiler_heap: c.base, tiler_heap_size: 8 * PAGE, color_format: 0,
      color: c.base + 8 * PAGE, color_stride: 256, load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE,
      clear_r: bits(rgba[0]!), clear_g: bits(rgba[1]!), clear_b: bits(rgba[2]!), clear_a: bits(255), result_handle: c.result, result_offset: 0,
    }], [], [out]);
    d.syncobjWait([out], Number(process.hrtime.bigint()) + 30e9);
    d.syncobjDestroy(out);
    this.stats.renders++;
    // mapped just for this check: the process's other ops may munmap anything of theirs at any time
    const rtCpu = d.mmap(d.akariGemMmapOffset(c.rt), PAGE), resCpu = d.mmap(d.akariGemMmapOffset(c.result), PAGE);
    const res = this.load(p, resCpu, drm_akari_result.size);
    const px = this.load(p, rtCpu, PAGE);
    p.sys.munmap(rtCpu, PAGE); p.sys.munmap(resCpu, PAGE);
    if (!res || !px) { this.violate('render', `pid ${p.sys.pid}: innocent render unreadable`); return; }
    const status = new DataView(res.buffer).getUint32(0, true);
    if (status !== 0) { this.violate('render', `pid ${p.sys.pid}: innocent render status ${status}`); return; }
    for (let i = 0; i < PAGE; i += 4) {
      if (px[i] !== rgba[0] || px[i + 1] !== rgba[1] || px[i + 2] !== rgba[2] || px[i + 3] !== 255) {
        this.violate('render', `pid ${p.sys.pid}: pixel ${i / 4} is ${[...px.subarray(i, i + 4)]} not ${rgba}`); return;
      }
    }
  }

  /**
   * KMS through the card fd, as a display client (or a hostile one) would:
   * queries with valid, boundary and garbage ids, counts and pointers; dumb
   * buffers and framebuffers; the legacy setters; atomic commits (modesets,
   * flips, disables, garbage property lists); blobs; vblank waits and events;
   * master set/drop. A dumb buffer that becomes a framebuffer is shared (the
   * scanout reads it, the master's GETFB may hand it out), so its canary is
   * no longer private.
   */
  private kms(p: Proc, a: number[]): void {
    const cat = this.catalog;
    if (!p.card || !p.mode || !cat) return;
    const card = p.card, mc = p.mode;
    const heap = card.heap;
    const mode = cat.modes.length ? cat.modes[a[3]! % cat.modes.length]! : null;
    const allFbs = this.procs.flatMap((q) => q?.fbs ?? []);
    const fbId = (x: number) => (x % 16 === 5 ? this.pick(allFbs, x >>> 4) ?? 0 : this.id(p.fbs, x));
    const prop = (name: string) => cat.prop[name] ?? 0;
    const big = (x: number, y: number) => BigInt(x) << 32n | BigInt(y);
    switch (a[0]! % 36) {
      case 26: case 27: case 28: case 29: case 30: case 31: case 32: case 33: case 34: case 35: return this.scanout(p, mc, cat, a);
      case 0: mc.getResources(); return;
      case 1: { // the two-call protocol done by a hostile caller: any count with valid, NULL, garbage or foreign pointers
        const [ptr, free] = heap.stage(new Uint8Array(64));
        try {
          const ptrs = [ptr, 0, a[2]!, 8];
          const cnt = [0, 1, 4, 0xffffffff][a[3]! % 4]!;
          const pk = (i: number) => ptrs[(a[4]! >>> (2 * i)) % 4]!;
          card.ioctl(DRM_MODE_IOCTL.GETRESOURCES, {
            count_fbs: cnt, fb_id_ptr: pk(0), count_crtcs: cnt, crtc_id_ptr: pk(1),
            count_connectors: cnt, connector_id_ptr: pk(2), count_encoders: cnt, encoder_id_ptr: pk(3),
          });
        } finally { free(); }
        return;
      }
      case 2: mc.getConnector(this.id(cat.connectors, a[1]!), a[2]! % 2 === 0); return;
      case 3: mc.getEncoder(this.id(cat.encoders, a[1]!)); return;
      case 4: mc.getCrtc(this.id(cat.crtcs, a[1]!)); return;
      case 5: mc.getPlaneResources(); return;
      case 6: mc.getPlane(this.id(cat.planes, a[1]!)); return;
      case 7: mc.getProperty(this.id(cat.props, a[1]!)); return;
      case 8: {
        const ids = [...cat.crtcs, ...cat.connectors, ...cat.planes, ...cat.encoders, ...p.fbs, ...p.blobs];
        const types = [DRM_MODE_OBJECT_ANY, DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_CONNECTOR, DRM_MODE_OBJECT_PLANE, a[2]!];
        mc.objectGetProperties(this.id(ids, a[1]!), types[a[3]! % types.length]!);
        return;
      }
      case 9: { // CREATE_DUMB: sizes a client uses, the limits, zero, overflowing products, garbage
        const dims: Array<[number, number, number]> = [
          [64, 64, 32], [16, 16, 32], [1, 1, 8], [0, 64, 32], [4096, 4096, 32], [65536, 65536, 32], [0xffffffff, 2, 32], [2, 2, 0xffffffff],
          [a[2]! % 5000, a[3]! % 5000, [8, 16, 24, 32, a[4]!][a[4]! % 5]!], [mode?.hdisplay ?? 64, mode?.vdisplay ?? 64, 32],
        ];
        const [w, h, bpp] = dims[a[1]! % dims.length]!;
        const r = mc.createDumb(w, h, bpp);
        const bo: Bo = { h: r.handle, size: r.size, cpu: 0, id: this.nextBo++, canary: false, shared: false, maybePurged: false, w, ht: h, pitch: r.pitch };
        p.dumbs.push(bo);
        if (a[5]! % 2 && bo.size <= 4 * PAGE) {
          const at = card.mmap(mc.mapDumb(bo.h), bo.size);
          p.sys.store(at, this.canaryBytes(p.sys.pid, bo.id, bo.size));
          p.sys.munmap(at, bo.size);
          bo.canary = true;
          this.canaries.set(bo.id, { pid: p.sys.pid, bo });
        }
        return;
      }
      case 10: { // MAP_DUMB and a CPU mapping of it (loads scanned for foreign canaries), or a garbage handle
        const bo = this.pick(p.dumbs, a[1]!);
        const off = mc.mapDumb(bo && a[2]! % 4 ? bo.h : this.id([], a[3]!));
        if (!bo) return;
        const len = [bo.size, PAGE, bo.size + 1][a[4]! % 3]!;
        const at = card.mmap(off, len);
        p.maps.push({ addr: at, len });
        this.load(p, at, Math.min(len, 4 * PAGE));
        return;
      }
      case 11: {
        const bo = this.pick(p.dumbs, a[1]!);
        if (bo && a[2]! % 4) { p.dumbs.splice(p.dumbs.indexOf(bo), 1); this.canaries.delete(bo.id); mc.destroyDumb(bo.h); }
        else mc.destroyDumb(this.id([], a[3]!));
        return;
      }
      case 12: { // ADDFB2: from a dumb, with each field valid, off by one, zero or garbage
        const bo = this.pick(p.dumbs, a[1]!);
        const w = bo?.w ?? 64, h = bo?.ht ?? 64, pitch = bo?.pitch ?? 256;
        const fmts = [DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_RGB565, a[2]!];
        const sizes: Array<[number, number]> = [[w, h], [w, h], [w + 1, h], [0, h], [a[3]! % 8192, a[4]! % 8192]];
        const pitches = [pitch, pitch, pitch - 1, 0, a[5]!];
        const [fw, fh] = sizes[a[3]! % sizes.length]!;
        const handles = a[4]! % 8 === 0 ? [this.id([], a[5]!)] : a[4]! % 8 === 1 && bo ? [bo.h, bo.h] : [bo?.h ?? 0];
        const mods = [undefined, [0n], [DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16], [big(a[2]!, a[5]!)]][a[5]! % 4];
        if (bo) bo.shared = true;
        p.fbs.push(mc.addFB2(fw, fh, fmts[a[2]! % fmts.length]!, handles, [pitches[a[1]! % pitches.length]!], [a[2]! % 16 === 0 ? a[3]! : 0], mods));
        return;
      }
      case 13: { // legacy ADDFB: depth/bpp pairs Linux knows and ones it does not
        const bo = this.pick(p.dumbs, a[1]!);
        const db = [[24, 32], [32, 32], [16, 16], [8, 8], [a[2]! % 64, a[3]! % 64]][a[4]! % 5]!;
        if (bo) bo.shared = true;
        p.fbs.push(mc.addFB(bo?.w ?? a[2]! % 5000, bo?.ht ?? a[3]! % 5000, db[0]!, db[1]!, bo?.pitch ?? a[5]!, bo?.h ?? this.id([], a[5]!)));
        return;
      }
      case 14: { // RMFB / CLOSEFB of its own framebuffers, another process's, or garbage
        const fb = fbId(a[1]!);
        if (a[2]! % 2) mc.rmFB(fb); else mc.closeFB(fb);
        p.fbs = p.fbs.filter((x) => x !== fb);
        return;
      }
      case 15: { // SETCRTC: a modeset, off, keep (-1), with boundary offsets and connector lists
        const crtc = this.id(cat.crtcs, a[1]!);
        const conns = [[this.pick(cat.connectors, a[2]!) ?? 0], [], [this.id([], a[2]!)], cat.connectors, [...cat.connectors, ...cat.connectors]][a[4]! % 5]!;
        const fb = a[3]! % 8 === 0 ? -1 : fbId(a[3]!);
        const m = a[5]! % 6 === 0 ? null : a[5]! % 6 === 1 && mode ? { ...mode, hdisplay: a[2]! % 70000, vtotal: a[4]! % 3 } : mode;
        const xy = a[5]! % 5 === 0 ? [a[2]! % 5000, a[3]! % 5000] : [0, 0];
        mc.setCrtc(crtc, fb, xy[0]!, xy[1]!, m ? conns : [], m);
        return;
      }
      case 16: { // SETPLANE: any plane on any CRTC, rectangles at the limits
        const r = (x: number) => [0, 64, 0x7fffffff, 0xffffffff, x % 4096][x % 5]!;
        mc.setPlane(this.id(cat.planes, a[1]!), this.id(cat.crtcs, a[2]!), a[3]! % 4 === 0 ? 0 : fbId(a[3]!), a[4]! % 16 === 0 ? a[4]! : 0,
          r(a[5]!), r(a[5]! >>> 3), r(a[4]! >>> 2), r(a[4]! >>> 5), 0, 0, r(a[2]! >>> 1) << 16 >>> 0, r(a[2]! >>> 4) << 16 >>> 0);
        return;
      }
      case 17: { // CURSOR / CURSOR2 / move
        const crtc = this.id(cat.crtcs, a[1]!);
        const bo = this.pick(p.dumbs, a[2]!);
        const sz = [[64, 64], [0, 0], [1, 1], [a[3]! % 300, a[4]! % 300], [65535, 65535]][a[5]! % 5]!;
        const handle = a[3]! % 4 === 0 ? 0 : a[3]! % 4 === 1 ? this.id([], a[4]!) : bo?.h ?? 0;
        if (bo) bo.shared = true;
        switch (a[4]! % 3) {
          case 0: mc.setCursor(crtc, handle, sz[0]!, sz[1]!); return;
          case 1: mc.setCursor2(crtc, handle, sz[0]!, sz[1]!, a[5]! % 70, a[2]! % 70); return;
          default: mc.moveCursor(crtc, (a[5]! | 0) % 5000, (a[2]! | 0) % 5000);
        }
        return;
      }
      case 18: { // PAGE_FLIP with events, targets and garbage flags
        const flags = [0, DRM_MODE_PAGE_FLIP_EVENT, 2, 4 | DRM_MODE_PAGE_FLIP_EVENT, 8, 12, a[2]!][a[2]! % 7]!;
        mc.pageFlip(this.id(cat.crtcs, a[1]!), fbId(a[3]!), flags, big(a[4]!, a[5]!), a[5]! % 4 === 0 ? a[4]! : a[5]! % 3);
        return;
      }
      case 19: return this.atomic(p, mc, cat, a, fbId);
      case 20: card.ioctl(a[1]! % 2 ? DRM_IOCTL.SET_MASTER : DRM_IOCTL.DROP_MASTER, {}); return;
      case 21: { // blobs: create (a mode, empty, at and past the 1 MiB limit), destroy anyone's, read any
        switch (a[1]! % 3) {
          case 0: {
            const lens = [68, 0, 1, 1 << 20, (1 << 20) + 1, a[2]! % 4096];
            const len = lens[a[3]! % lens.length]!;
            const data = mode && len === 68 ? encodeModeInfo(mode) : new Uint8Array(len).map((_, i) => (a[4]! >>> (i % 24)) & 255);
            p.blobs.push(data.length ? mc.createPropertyBlob(data) : card.ioctl(DRM_MODE_IOCTL.CREATEPROPBLOB, { data: 0, length: 0 }).blob_id!);
            return;
          }
          case 1: {
            const all = this.procs.flatMap((q) => q?.blobs ?? []);
            const id = a[2]! % 4 === 0 ? this.pick(all, a[3]!) ?? 0 : this.id(p.blobs, a[3]!);
            p.blobs = p.blobs.filter((x) => x !== id);
            mc.destroyPropertyBlob(id);
            return;
          }
          default: mc.getPropertyBlob(a[2]! % 4 === 0 ? this.pick(this.procs.flatMap((q) => q?.blobs ?? []), a[3]!) ?? a[3]! % 64 : a[3]! % 64);
        }
        return;
      }
      case 22: { // vblanks: queued events, a one-frame blocking wait, sequences
        const crtc = this.id(cat.crtcs, a[1]!);
        switch (a[2]! % 4) {
          case 0: mc.waitVBlank(DRM_VBLANK_EVENT | DRM_VBLANK_RELATIVE | ((a[3]! % 3) << 1 & 2 ? 0x20000000 : 0) | (a[3]! % 16 === 0 ? a[4]! : 0), a[4]! % 4, big(a[5]!, 1)); return;
          case 1: mc.waitVBlank(DRM_VBLANK_RELATIVE, 1); return;
          case 2: mc.crtcGetSequence(crtc); return;
          default: mc.crtcQueueSequence(crtc, a[3]! % 4, a[4]! % 8, big(a[5]!, 2));
        }
        return;
      }
      case 23: { // read the events: only when poll says there are some (read blocks otherwise, as drm_read does); sometimes into a bad buffer or a short one
        if (!mc.pollEvents(0)) return;
        if (a[1]! % 4 === 0) { p.sys.read(card.fd, a[2]!, a[3]! % 2048); return; }
        mc.handleEvent({});
        return;
      }
      case 24: { // GETFB: the master gets a handle to anyone's framebuffer (Linux does), others get 0
        const r = mc.getFB(fbId(a[1]!));
        if (r.handle && a[2]! % 2) card.gemClose(r.handle);
        return;
      }
      default: { // properties through the legacy setters: DPMS, garbage
        const conn = this.id(cat.connectors, a[1]!);
        if (a[2]! % 2) mc.connectorSetProperty(conn, a[3]! % 4 ? prop('conn.DPMS') : this.id(cat.props, a[3]!), a[4]! % 4 === 3 ? a[5]! : a[4]! % 4);
        else mc.objectSetProperty(this.id([...cat.crtcs, ...cat.planes, ...cat.connectors], a[3]!), [DRM_MODE_OBJECT_ANY, DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_PLANE, a[4]!][a[4]! % 4]!, this.id(cat.props, a[5]!), big(a[4]!, a[5]!));
      }
    }
  }

  /**
   * The valid display paths, which random fields would almost never hit:
   * a mode-sized dumb framebuffer lit on a CRTC by SETCRTC or an atomic
   * modeset (blocking or NONBLOCK with a flip event), page flips between two
   * fbs, an overlay and a cursor on a lit CRTC, and turning it off again.
   * Only the master gets through; the others get EACCES, as they should.
   */
  private scanout(p: Proc, mc: ModeCard, cat: KmsCatalog, a: number[]): void {
    const c = a[1]! % cat.crtcs.length, k = a[2]! % cat.connectors.length;
    const crtc = cat.crtcs[c]!, conn = cat.connectors[k]!, pl = cat.planesOf[c]!;
    const mode = cat.small[k];
    if (!mode) return;
    const prop = (name: string) => cat.prop[name] ?? 0;
    if (!p.screen || p.screen.w < mode.hdisplay || p.screen.h < mode.vdisplay) {
      // a new screen: the old one's fbs stay listed (RMFB or exit removes them)
      const w = Math.max(...cat.small.map((m) => m?.hdisplay ?? 0)), h = Math.max(...cat.small.map((m) => m?.vdisplay ?? 0));
      const fbs: number[] = [];
      for (let i = 0; i < 2; i++) {
        const d = mc.createDumb(w, h, 32);
        p.dumbs.push({ h: d.handle, size: d.size, cpu: 0, id: this.nextBo++, canary: false, shared: true, maybePurged: false, w, ht: h, pitch: d.pitch });
        fbs.push(mc.addFB2(w, h, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0]));
      }
      const cur = mc.createDumb(64, 64, 32);
      p.dumbs.push({ h: cur.handle, size: cur.size, cpu: 0, id: this.nextBo++, canary: false, shared: true, maybePurged: false, w: 64, ht: 64, pitch: cur.pitch });
      p.fbs.push(...fbs);
      p.screen = { fbs, w, h, cursor: cur.handle };
      return;
    }
    const sc = p.screen;
    const fb = sc.fbs[a[3]! % 2]!;
    // take master when it is free or the process may (was master, or privileged): the others get EACCES below
    if (a[5]! % 2) try { p.card!.ioctl(DRM_IOCTL.SET_MASTER, {}); } catch (e) { if (!(e instanceof DrmError)) throw e; }
    switch (a[4]! % 6) {
      case 0: mc.setCrtc(crtc, fb, 0, 0, [conn], mode); return;
      case 1: case 2: {
        const req = mc.atomicAlloc();
        const blob = mc.createPropertyBlob(encodeModeInfo(mode));
        p.blobs.push(blob);
        req.add(conn, prop('conn.CRTC_ID'), crtc);
        req.add(crtc, prop('crtc.MODE_ID'), blob);
        req.add(crtc, prop('crtc.ACTIVE'), 1);
        for (const [name, v] of [['FB_ID', fb], ['CRTC_ID', crtc], ['SRC_X', 0], ['SRC_Y', 0], ['SRC_W', mode.hdisplay * 65536], ['SRC_H', mode.vdisplay * 65536],
          ['CRTC_X', 0], ['CRTC_Y', 0], ['CRTC_W', mode.hdisplay], ['CRTC_H', mode.vdisplay]] as const) req.add(pl.primary, prop(`plane.${name}`), v);
        const flags = DRM_MODE_ATOMIC_ALLOW_MODESET | (a[4]! % 6 === 2 ? DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT : 0);
        mc.atomicCommit(req, flags, BigInt(a[5]!));
        return;
      }
      case 3: mc.pageFlip(crtc, fb, DRM_MODE_PAGE_FLIP_EVENT, BigInt(a[5]!)); return;
      case 4: // an overlay (a corner of the other fb) and the cursor
        mc.setPlane(pl.overlay, crtc, sc.fbs[(a[3]! + 1) % 2]!, 0, a[5]! % 256, a[5]! % 128, 128, 64, 0, 0, 128 << 16, 64 << 16);
        mc.setCursor(crtc, sc.cursor, 64, 64);
        mc.moveCursor(crtc, a[5]! % mode.hdisplay, a[3]! % mode.vdisplay);
        return;
      default: mc.setCrtc(crtc, 0, 0, 0, [], null); // off
    }
  }

  /** An atomic commit: a full modeset, a flip (with in/out fences), a disable, or a garbage property list. */
  private atomic(p: Proc, mc: ModeCard, cat: KmsCatalog, a: number[], fbId: (x: number) => number): void {
    const req = mc.atomicAlloc();
    const prop = (name: string) => cat.prop[name] ?? 0;
    const crtc = this.id(cat.crtcs, a[1]!), conn = this.id(cat.connectors, a[2]!), plane = this.id(cat.planes, a[3]!);
    const fb = fbId(a[4]!);
    const mode = cat.modes.length ? cat.modes[a[2]! % cat.modes.length]! : null;
    switch (a[5]! % 4) {
      case 0: {
        let blob = this.pick(p.blobs, a[4]!) ?? 0;
        if (mode && a[4]! % 2) { blob = mc.createPropertyBlob(encodeModeInfo(mode)); p.blobs.push(blob); }
        const w = mode?.hdisplay ?? 64, h = mode?.vdisplay ?? 64;
        req.add(conn, prop('conn.CRTC_ID'), crtc);
        req.add(crtc, prop('crtc.MODE_ID'), blob);
        req.add(crtc, prop('crtc.ACTIVE'), 1);
        req.add(plane, prop('plane.FB_ID'), fb);
        req.add(plane, prop('plane.CRTC_ID'), crtc);
        for (const [k, v] of [['SRC_X', 0], ['SRC_Y', 0], ['SRC_W', w << 16 >>> 0], ['SRC_H', h << 16 >>> 0], ['CRTC_X', 0], ['CRTC_Y', 0], ['CRTC_W', w], ['CRTC_H', h]] as const) req.add(plane, prop(`plane.${k}`), v);
        break;
      }
      case 1: {
        req.add(plane, prop('plane.FB_ID'), fb);
        const fd = this.pick(p.fds, a[1]!);
        if (fd !== undefined && a[2]! % 3 === 0) req.add(plane, prop('plane.IN_FENCE_FD'), fd);
        if (a[3]! % 3 === 0) {
          const [ptr, free] = p.card!.heap.stage(new Uint8Array(8));
          try { req.add(crtc, prop('crtc.OUT_FENCE_PTR'), a[4]! % 4 === 0 ? a[5]! : ptr); this.commitAtomic(p, mc, req, a); } finally { free(); }
          return;
        }
        break;
      }
      case 2:
        req.add(crtc, prop('crtc.ACTIVE'), 0); req.add(crtc, prop('crtc.MODE_ID'), 0);
        req.add(plane, prop('plane.FB_ID'), 0); req.add(plane, prop('plane.CRTC_ID'), 0); req.add(conn, prop('conn.CRTC_ID'), 0);
        break;
      default: {
        const objs = [...cat.crtcs, ...cat.connectors, ...cat.planes, ...p.fbs];
        for (let i = 0, n = 1 + a[1]! % 6; i < n; i++) {
          const x = (a[2]! * (i + 1)) >>> 0;
          req.add(this.id(objs, x), this.id(cat.props, x >>> 3), [0n, 1n, BigInt(fb), 0xffffffffffffffffn, BigInt(x)][x % 5]!);
        }
      }
    }
    this.commitAtomic(p, mc, req, a);
  }

  private commitAtomic(p: Proc, mc: ModeCard, req: ReturnType<ModeCard['atomicAlloc']>, a: number[]): void {
    const flags = [0, DRM_MODE_ATOMIC_ALLOW_MODESET, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, DRM_MODE_ATOMIC_NONBLOCK,
      DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, DRM_MODE_ATOMIC_ALLOW_MODESET | DRM_MODE_PAGE_FLIP_EVENT, a[0]! >>> 5][(a[0]! >>> 5) % 7]!;
    // an OUT_FENCE_PTR commit writes a sync_file fd into the process's memory; the fd is closed when the process exits
    mc.atomicCommit(req, flags, BigInt(a[3]!));
    void p;
  }

  /** Raw ioctls: any request number, size and direction; arguments valid-looking, boundary or random. */
  private raw(p: Proc, a: number[]): void {
    const known = [...Object.values(DRM_IOCTL), ...Object.values(AKARI_IOCTL), ...Object.values(DRM_MODE_IOCTL)];
    const def = known[a[0]! % known.length]!;
    const nr = a[1]! % 8 === 0 ? a[1]! >>> 8 & 0xff : iocNr(def.request);
    const size = a[2]! % 4 === 0 ? a[2]! >>> 4 & 0x1ff : (def.struct?.size ?? 0) + (a[2]! % 4 === 1 ? 8 : 0);
    const dir = a[3]! % 8 === 0 ? a[3]! >>> 3 & 3 : def.request >>> 30;
    const type = a[3]! % 64 === 1 ? 0x54 : 0x64;
    const bytes = new Uint8Array(Math.max(size, 8, def.struct?.size ?? 0));
    const r = rng(a[4]!);
    const sparse = a[4]! % 3; // 0: random, 1: mostly zero with small values, 2: a valid-looking struct
    if (sparse === 2 && def.struct) writeStruct(def.struct, Object.fromEntries(def.struct.fields.map((f) => [f.name, r() % 4])), bytes);
    else for (let i = 0; i < bytes.length; i += 4) { const v = r(); bytes[i] = sparse ? v % 5 : v & 255; if (!sparse) { bytes[i + 1] = v >>> 8; bytes[i + 2] = v >>> 16; bytes[i + 3] = v >>> 24; } }
    // a raw flink or export may share any object; so may a framebuffer (the master's GETFB hands out a handle to it)
    if ([0x0a, 0x2d, 0x0b, 0xa3, 0xae, 0xb8, 0xbb].includes(nr)) this.markShared(p);
    const [ptr, free] = p.d.heap.stage(bytes);
    const argp = a[5]! % 16 === 0 ? a[5]! : ptr;
    const fds = [p.d.fd, ...(p.card ? [p.card.fd, p.card.fd] : []), ...p.fds];
    const fd = fds[a[5]! % fds.length]!;
    const res = p.sys.ioctl(fd, IOC(dir, type, nr, size), argp);
    if (res === 0 && (nr === 0x2d || nr === 0xc1)) { const got = new DataView(p.sys.memory.buffer, ptr - p.sys.memBase + 8).getInt32(0, true); if (got > 2) p.fds.push(got); }
    free();
  }

  /** Everyone exits; when the GPU is idle, every count is back to its boot value. */
  quiesce(): void {
    for (let i = 0; i < this.procs.length; i++) this.exit(i);
    if (!this.m.settle(60_000)) this.violate('leak', 'jobs did not retire within 60 s');
    const now = this.m.driver.liveObjects();
    for (const [k, v] of Object.entries(this.boot)) if (now[k] !== v) this.violate('leak', `${k}: ${now[k]} after all exited, ${v} at boot`);
    if (this.m.oopses.length) this.noteOopses();
  }

  private seenOopses = 0;
  noteOopses(): void {
    for (const o of this.m.oopses.slice(this.seenOopses)) this.violate('exception', `${o.syscall}: ${o.error instanceof Error ? o.error.stack ?? o.error.message : String(o.error)}`);
    this.seenOopses = this.m.oopses.length;
  }

  inject(kind: 'leak' | 'foreign-write'): void {
    if (this.injected) return;
    if (kind === 'leak') {
      // a reference that is never dropped: a kernel refcount bug
      const p = this.procs.find((x) => x && x.bos.length);
      if (!p) return;
      const o = [...this.m.dev.files].flatMap((f) => [...f.handles.values()])[0];
      if (!o) return;
      o.get();
      this.injected = true;
      return;
    }
    // a stray write by "the kernel" into some process's private canary object
    for (const p of this.procs) {
      const bo = p?.bos.find((b) => b.canary && !b.shared && !b.maybePurged);
      if (!p || !bo) continue;
      const file = [...this.m.dev.files].find((f) => f.handles.has(bo.h) && f.pid === p.sys.pid);
      const o = file?.handles.get(bo.h);
      if (!o) continue;
      this.m.driver.physWrite(o.pa + 100, new Uint8Array([0xde, 0xad]));
      this.injected = true;
      return;
    }
  }

  /** Display coverage after an op (the KMS core's own counters). */
  noteKms(): void {
    const kms = this.m.driver.kms;
    if (!kms) return;
    Object.assign(this.stats.kms, { commits: kms.stats.commits, flips: kms.stats.flips, vblankEvents: kms.stats.vblankEvents });
    if (kms.state.crtcs.some((c) => c.active)) this.stats.kms.litOps++;
  }

  close(): void { this.m.shutdown(); }
}

/** Replays `ops` on a fresh machine; returns the violations (stopping at the first step that has one). */
export function replay(ops: Op[], opts: FuzzOptions): Violation[] {
  const run = new Run(opts);
  try {
    for (let i = 0; i < ops.length; i++) {
      run.step = i;
      run.opMaxMs = 0;
      run.exec(ops[i]!);
      if (run.opMaxMs > SLOW_MS) run.violate('slow', `ioctl 0x${run.opSlowReq.toString(16)} took ${run.opMaxMs.toFixed(1)} ms`);
      if (opts.inject && i >= ops.length / 2) run.inject(opts.inject);
      run.noteOopses();
      if (run.violations.length) return run.violations;
    }
    run.step = ops.length;
    run.quiesce();
    return run.violations;
  } finally { run.close(); }
}

/** Replays `ops` and returns the slowest non-waiting ioctl time of the last op (ms). */
function replayTime(ops: Op[], opts: FuzzOptions): number {
  const run = new Run(opts);
  try {
    for (let i = 0; i < ops.length; i++) { run.opMaxMs = 0; run.exec(ops[i]!); }
    return run.opMaxMs;
  } finally { run.close(); }
}

/** Shortest trace that still shows a violation of `kind`: removes chunks while it reproduces (bounded effort). */
export function shrink(ops: Op[], kind: ViolationKind, opts: FuzzOptions, budgetMs = 30_000): Op[] {
  const until = Date.now() + budgetMs;
  let cur = ops;
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1 && Date.now() < until; chunk >>= 1) {
    for (let at = 0; at < cur.length && Date.now() < until;) {
      const cand = [...cur.slice(0, at), ...cur.slice(at + chunk)];
      if (cand.length && replay(cand, opts).some((v) => v.kind === kind)) cur = cand;
      else at += chunk;
    }
  }
  return cur;
}

/** The fuzzing loop. Returns the statistics; stops at the first violation. */
export function fuzz(opts: FuzzOptions): { stats: FuzzStats; trace: Op[] } {
  const processes = opts.processes ?? 4;
  const r = rng(opts.seed);
  const run = new Run(opts);
  const quiesceEvery = opts.quiesce ?? 2000;
  const trace: Op[] = [];
  const t0 = performance.now();
  let lastProgress = t0;
  try {
    for (let i = 0; ; i++) {
      const elapsed = (performance.now() - t0) / 1000;
      if ((opts.ops !== undefined && i >= opts.ops) || (opts.seconds !== undefined && elapsed >= opts.seconds)) break;
      if (opts.ioctls !== undefined && run.stats.ioctls >= opts.ioctls) break;
      const op = nextOp(r, processes);
      trace.push(op);
      run.step = i;
      run.opMaxMs = 0;
      if (opts.trace) process.stderr.write(`${i} ${JSON.stringify(op)}\n`);
      run.exec(op);
      if (run.opMaxMs > SLOW_MS) {
        // Wall time on a shared machine includes being descheduled and GC: a slow op counts when
        // replaying the trace to it on a fresh machine is slow at that op again, twice.
        const again = [0, 1].map(() => replayTime(trace, opts));
        if (Math.min(...again) > SLOW_MS) run.violate('slow', `ioctl 0x${run.opSlowReq.toString(16)} took ${run.opMaxMs.toFixed(1)} ms (replays: ${again.map((x) => x.toFixed(1)).join(', ')} ms)`);
        else run.stats.slowNoise++;
      }
      if (opts.inject && i >= 200) run.inject(opts.inject);
      run.noteOopses();
      run.noteKms();
      run.stats.ops = i + 1;
      // the trace since the last clean quiesce is what replays a violation (a leak shows only at a quiesce)
      if ((i + 1) % quiesceEvery === 0) { run.quiesce(); if (!run.violations.length) trace.length = 0; }
      if (run.violations.length) break;
      const now = performance.now();
      if (opts.progress && now - lastProgress > 5000) { lastProgress = now; run.stats.seconds = (now - t0) / 1000; opts.progress(run.stats); }
    }
    if (!run.violations.length) run.quiesce();
  } finally { run.close(); }
  run.stats.seconds = (performance.now() - t0) / 1000;
  return { stats: run.stats, trace };
}

/** A count option: a non-negative integer, or a one-line user error. */
function count(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} needs an integer >= ${min}, not '${v}'`);
    return n;
  };
}

function main(): void {
  const program = new Command('fuzz')
    .description('the kernel fuzzer: hostile processes drive every DRM core, KMS and driver ioctl through their system calls on a deterministic machine, checking the isolation invariants after every step (issue 12)')
    .option('--seconds <n>', 'stop after this many seconds (default 60 when neither --ops nor --ioctls is given)', count('--seconds'))
    .option('--ops <n>', 'stop after this many ops (a replay gives this)', count('--ops'))
    .option('--ioctls <n>', 'stop after this many ioctls (at the end of the op that reaches it), e.g. --ioctls 10000000', count('--ioctls'))
    .option('--seed <s>', 'the seed: the same seed gives the same run', count('--seed'), 1)
    .option('--processes <k>', 'hostile processes alive at once', count('--processes', 1), 4)
    .option('--quiesce <n>', 'every this many ops everyone exits and the boot counts are checked', count('--quiesce', 1))
    .option('--trace', 'print each op to stderr before it runs (to find one that hangs)')
    .showHelpAfterError(false)
    .addHelpText('after', '\nA violation prints its kind, the replay command and the shortest trace found; the exit status is then 1.');
  program.parse();
  const values = program.opts<{ seconds?: number; ops?: number; ioctls?: number; seed: number; processes: number; quiesce?: number; trace?: boolean }>();
  const seconds = values.seconds ?? (values.ops === undefined && values.ioctls === undefined ? 60 : undefined);
  const opts: FuzzOptions = {
    seed: values.seed, processes: values.processes, seconds, ops: values.ops, ioctls: values.ioctls, quiesce: values.quiesce, trace: values.trace,
    progress: (s) => process.stderr.write(`fuzz: ${s.seconds.toFixed(0)} s, ${s.ops} ops, ${s.ioctls} ioctls (${(s.ioctls / s.seconds).toFixed(0)}/s), ${s.jobs} jobs, ${s.renders} checked renders, max ioctl ${s.maxIoctlMs.toFixed(1)} ms, ${s.violations.length} violations\n`),
  };
  const limits = [values.ops !== undefined && `${values.ops} ops`, values.ioctls !== undefined && `${values.ioctls} ioctls`, seconds !== undefined && `${seconds} s`].filter(Boolean);
  console.log(`fuzz: seed ${opts.seed}, ${opts.processes} processes, until ${limits.join(' or ')}`);
  const { stats, trace } = fuzz(opts);
  console.log(`ops ${stats.ops}, ioctls ${stats.ioctls} in ${stats.seconds.toFixed(1)} s: ${(stats.ops / stats.seconds).toFixed(0)} ops/s, ${(stats.ioctls / stats.seconds).toFixed(0)} ioctls/s; ${stats.jobs} jobs submitted, ${stats.renders} innocent renders checked; slowest non-waiting ioctl ${stats.maxIoctlMs.toFixed(1)} ms (${stats.slowest}); ${stats.slowNoise} slow calls that were fast on replay (machine noise)`);
  console.log(`display: ${stats.kms.commits} KMS commits, ${stats.kms.flips} flips completed, ${stats.kms.vblankEvents} vblank events, a CRTC lit after ${stats.kms.litOps} ops`);
  const kinds = Object.entries(stats.byKind);
  console.log(`violations: ${stats.violations.length}${kinds.length ? ' (' + kinds.map(([k, n]) => `${k} ${n}`).join(', ') + ')' : ''}`);
  if (!stats.violations.length) return;
  const v = stats.violations[0]!;
  console.log(`first: ${v.kind} at step ${v.step}: ${v.detail}`);
  console.log(`replay: npm run fuzz -- --seed ${opts.seed} --processes ${opts.processes} --ops ${stats.ops}${opts.quiesce ? ` --quiesce ${opts.quiesce}` : ''}`);
  const short = shrink(trace, v.kind, { ...opts, progress: undefined });
  console.log(`shortest trace found (${short.length} of ${trace.length} ops since the last quiesce):`);
  for (const op of short) console.log(JSON.stringify(op));
  process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
