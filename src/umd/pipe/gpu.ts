/**
 * The Gallium-driver half of the WebGL front end: a BO pool, streaming
 * upload buffers for per-draw descriptors, render passes (one render command
 * per framebuffer pass, a linked DRAW list, load/store/clear flags) and
 * explicit synchronisation on syncobjs. Reaches the GPU only through
 * UmdDevice (libdrm).
 */
import { UmdDevice, type Bo } from '../device.js';
import type { Syscalls } from '../../uapi/syscalls.js';
import { DRAW, COLOR_FORMAT, COLOR_FORMAT_BPP, pixelOffset, TILE_SIZE, ZS_FORMAT } from '../../hwdesc/descriptors.js';
import { bytesAccess, COLOR_FORMAT_LAYOUT, UNPACK } from '../../hwdesc/formats.js';
import { packInto, type StructDesc, type StructValues } from '../../hwdesc/struct.js';
import { f32ToBits } from '../../base/bits.js';
import {
  AKARI_CMD_RENDER, AKARI_RENDER_COLOR_CLEAR, AKARI_RENDER_COLOR_LOAD, AKARI_RENDER_COLOR_STORE,
  AKARI_RENDER_ZS_CLEAR, AKARI_RENDER_ZS_LOAD, AKARI_RENDER_ZS_STORE, AKARI_STATUS,
} from '../../uapi/akari.js';
import { DrmError } from '../../libdrm/libdrm.js';

/** A colour surface: an attachment's memory and format. */
export interface ColorSurface { bo: Bo; offset: number; stride: number; format: (typeof COLOR_FORMAT)[number] }

/** A render target: colour and depth/stencil surfaces at GPU addresses (linear, row 0 = GL y 0). */
export interface Surface {
  width: number;
  height: number;
  /** colour render target 0 (GL COLOR_ATTACHMENT0; fragment output 0) */
  color: ColorSurface | null;
  /**
   * colour render targets 1.. (COLOR_ATTACHMENT1..; fragment outputs 1..), null where nothing
   * is attached; absent or empty for a single target. At most MAX_RENDER_TARGETS - 1.
   */
  colors?: ReadonlyArray<ColorSurface | null>;
  /**
   * The depth/stencil surface. d32f_s8 is planar (hwdesc ZS_FORMAT): `offset`/`stride` are its float32
   * depth plane's, `stencilOffset`/`stencilStride` its one-byte-a-pixel stencil plane's, in the same BO.
   */
  zs: { bo: Bo; offset: number; stride: number; format: (typeof ZS_FORMAT)[number]; stencilOffset?: number; stencilStride?: number } | null;
  /**
   * Samples per pixel (absent: 1). With 4, every colour and depth/stencil surface above is
   * multisampled (4 sample images one after another, hwdesc msaaPlaneBytes) — except `color`
   * when `msColor` is set: the passes then render target 0 into `msColor` (multisampled) and
   * the hardware resolves it into `color` at the end of each tile, so whoever reads `color`
   * (readPixels, presentation, copies) reads the resolved image (WebGL's antialiased drawing buffer).
   */
  samples?: number;
  msColor?: ColorSurface;
}

/** The depth/stencil format has stencil indices (d24s8's low byte, d32f_s8's stencil plane). */
export function zsHasStencil(f: (typeof ZS_FORMAT)[number]): boolean {
  return f === 'd24s8' || f === 'd32f_s8';
}

/** The colour surfaces of a render target: target 0, then 1.. (null where nothing is attached). */
export function colorTargets(s: Surface): Array<ColorSurface | null> {
  return [s.color, ...(s.colors ?? [])];
}

/** A GPU-written record: `va` for descriptors, `bo` and `offset` for the CPU. */
export interface CounterSlot { bo: Bo; offset: number; va: number }
const COUNTER_SLOT = 32;

interface PendingDraw { at: number; bo: Bo; values: Partial<StructValues> }

interface Pass {
  key: object;
  /** a resolve of a multisampled surface's colour into `resolveTo` and nothing else (GpuContext.resolve) */
  resolveTo?: ColorSurface;
  surface: Surface;
  draws: PendingDraw[];
  colorClear: number[] | null;
  /** colorClear holds 32-bit words (an integer target's clear), not floats */
  colorClearWords?: boolean;
  depthClear: number | null;
  stencilClear: number | null;
  /** some draw of the pass tests depth or stencil (else its depth/stencil surface is neither loaded nor stored) */
  usesZs: boolean;
  /** what binning the pass's draws may take in the tiler heap, estimated (bytes) */
  binBytes: number;
  bos: Set<Bo>;
}

/** What a draw tells the pass about itself. */
export interface DrawUse {
  /** its STATE enables the depth or the stencil test (only then does it read or write them) */
  zs?: boolean;
  /** scalar varyings its vertex shader writes (each binned vertex carries them) */
  varyings?: number;
}

/** Primitives a draw of `count` vertices of GL primitive `mode` (PRIMITIVE order) assembles. */
function primitivesOf(mode: number, count: number): [prims: number, verticesEach: number] {
  switch (mode) {
    case 0: return [count, 1];
    case 1: return [count >> 1, 2];
    case 2: return [count >= 2 ? count : 0, 2];
    case 3: return [Math.max(0, count - 1), 2];
    case 4: return [Math.floor(count / 3), 3];
    default: return [Math.max(0, count - 2), 3];
  }
}

const STREAM_CHUNK = 256 * 1024;
/**
 * Each submission's drm_akari_result goes to its own slot of the result BO (a ring of 64): its status, and
 * the GPU's start and end times of the render command, which timer queries read after completion.
 */
const RESULT_SLOTS = 64, RESULT_STRIDE = 64;
const resultSlot = (seq: number): number => (seq % RESULT_SLOTS) * RESULT_STRIDE;
/**
 * The tiler heap: at least HEAP_MIN, sized per pass from its draws (a binned
 * primitive is a 16-byte header and per vertex x, y, z, 1/w, point size and
 * the varyings, plus a list entry in each tile it touches) and grown —
 * doubled — when a pass still needed a partial render, up to a quarter of
 * the GPU's memory. It never shrinks; a replaced heap is freed once the
 * passes using it completed. Partial renders remain for true exhaustion.
 */
const HEAP_MIN = 4 << 20;
/** bytes a binned vertex takes beyond its varyings, a primitive's header, and its tile-list entries (two tiles, in chunks) */
const BIN_VERTEX_FIXED = 5 * 4, BIN_HEADER = 16, BIN_ENTRIES = 2 * 5;
/** per tile: its table entry and first list chunk */
const BIN_PER_TILE = 8 + 128;

/**
 * What the platform (src/platform: the composition root's user-facing half)
 * hands the WebGL layer: a process's system calls, and what to do when the
 * context is destroyed (a Node program ends the machine it booted for it).
 */
export interface GpuProcess {
  readonly sys: Syscalls;
  release(): void;
}

export class GpuContext {
  readonly dev: UmdDevice;
  private free = new Map<string, Bo[]>();
  private deferred: Array<{ bo: Bo; key: string; seq: number }> = [];
  private submits: Array<{ seq: number; sync: number }> = [];
  private seq = 0;
  private completed = 0;
  private lastSync = 0;
  private stream: { bo: Bo; off: number } | null = null;
  private streamUsed: Bo[] = [];
  private heap: Bo;
  /** the next pass's heap should be larger: the last one needed a partial render */
  private heapGrow = false;
  private retiredHeaps: Array<{ bo: Bo; seq: number }> = [];
  private result: Bo;
  private pass: Pass | null = null;
  readonly busy = new WeakMap<Bo, number>();
  readonly boKey = new WeakMap<Bo, string>();
  stats = { submits: 0, draws: 0, bosCreated: 0, bosReused: 0, waits: 0 };
  lastStatus = 'complete';
  /**
   * Set once the kernel has blamed this context's queue (a job timed out or
   * faulted: ECANCELED from then on) or its work was lost to a GPU reset.
   * Nothing is submitted or waited for any more; `onLost` tells the front end.
   */
  lost: string | null = null;
  onLost: ((why: string) => void) | null = null;
  /** each render command's timeout (ms): the firmware stops a job that runs longer */
  timeoutMs = 0;

  /** the device's memory size, as AKARI_GET_PARAMS reports it */
  readonly memSize: number;

  constructor(private readonly process: GpuProcess) {
    this.dev = new UmdDevice(process.sys);
    this.memSize = Number(this.dev.drm.akariParams().mem_size);
    this.heap = this.dev.createBo(HEAP_MIN, 'rw');
    this.result = this.dev.createBo(4096, 'rw');
  }

  /** A BO from the pool (reused once the GPU is done with it) or freshly allocated. */
  allocBo(size: number, perms = 'rw'): Bo {
    const sz = Math.max(this.dev.pageSize, Math.ceil(size / this.dev.pageSize) * this.dev.pageSize);
    const key = `${perms}:${sz}`;
    const list = this.free.get(key);
    const bo = list?.pop();
    if (bo) { this.stats.bosReused++; return bo; }
    this.stats.bosCreated++;
    let nb: Bo;
    try {
      nb = this.dev.createBo(sz, perms);
    } catch (e) {
      // GPU memory is short: give the pool's idle objects back to the kernel and try once more.
      if (!this.trimPool()) throw e;
      nb = this.dev.createBo(sz, perms);
    }
    this.boKey.set(nb, key);
    return nb;
  }

  /** Frees every pooled object the GPU is done with; true when any was freed. */
  private trimPool(): boolean {
    this.waitSeq();
    let freed = false;
    for (const list of this.free.values()) for (const bo of list.splice(0)) { this.dev.destroyBo(bo); freed = true; }
    return freed;
  }

  /** Returns a BO to the pool once the GPU has finished every submission that used it. */
  releaseBo(bo: Bo): void {
    const key = this.boKey.get(bo)!;
    const seq = this.busy.get(bo) ?? 0;
    if (this.pass?.bos.has(bo)) { this.deferred.push({ bo, key, seq: this.seq + 1 }); return; }
    if (seq <= this.completed) (this.free.get(key) ?? this.free.set(key, []).get(key)!).push(bo);
    else this.deferred.push({ bo, key, seq });
  }

  /**
   * GPU-written records (query counters, transform feedback state): 32-byte slots of shared
   * objects, zeroed when handed out. A released slot is reused only once every submission that
   * may have written it completed (the pass being built counts: it is submitted later), so
   * zeroing a slot never races a draw still to run.
   */
  counterSlot(): CounterSlot {
    this.poll();
    const i = this.counterFree.findIndex((c) => c.seq <= this.completed);
    let slot: CounterSlot;
    if (i >= 0) slot = this.counterFree.splice(i, 1)[0]!.slot;
    else {
      const bo = this.allocBo(COUNTER_SLOT * 256, 'rw');
      for (let k = 1; k < 256; k++) this.counterFree.push({ slot: { bo, offset: k * COUNTER_SLOT, va: bo.va + k * COUNTER_SLOT }, seq: 0 });
      slot = { bo, offset: 0, va: bo.va };
    }
    slot.bo.write(slot.offset, new Uint32Array(COUNTER_SLOT / 4));
    return slot;
  }
  /** The slot is no longer needed once the work submitted so far (and the pass being built) is done. */
  releaseCounter(slot: CounterSlot): void { this.counterFree.push({ slot, seq: this.seq + 1 }); }
  /** A slot's u64 at byte `at` (the CPU's read of what the GPU wrote: call once its submissions completed). */
  readCounter(slot: CounterSlot, at = 0): number {
    const w = new Uint32Array(2);
    slot.bo.read(slot.offset + at, w);
    return w[0]! + w[1]! * 0x1_0000_0000;
  }
  private counterFree: Array<{ slot: CounterSlot; seq: number }> = [];

  /** Streaming upload space for per-draw data (descriptors, uniforms, constant attributes). */
  upload(bytes: number, align = 64): { bo: Bo; off: number; va: number } {
    if (bytes > STREAM_CHUNK) {
      const bo = this.allocBo(bytes, 'r');
      this.streamUsed.push(bo);
      return { bo, off: 0, va: bo.va };
    }
    let s = this.stream;
    let off = s ? Math.ceil(s.off / align) * align : 0;
    if (!s || off + bytes > s.bo.size) {
      s = this.stream = { bo: this.allocBo(STREAM_CHUNK, 'r'), off: 0 };
      this.streamUsed.push(s.bo);
      off = 0;
    }
    s.off = off + bytes;
    return { bo: s.bo, off, va: s.bo.va + off };
  }

  put(bo: Bo, off: number, desc: StructDesc, values: Partial<StructValues>): void {
    const words = new Uint32Array(desc.words);
    packInto(desc, values, words, 0);
    bo.write(off, words);
  }

  private beginPass(key: object, surface: Surface): Pass {
    if (this.pass && this.pass.key !== key) this.flush();
    if (!this.pass) this.pass = { key, surface, draws: [], colorClear: null, depthClear: null, stencilClear: null, usesZs: false, binBytes: 0, bos: new Set() };
    this.pass.surface = surface;
    return this.pass;
  }

  /** Records a draw into the pass of `key` (flushing another framebuffer's pass first). */
  addDraw(key: object, surface: Surface, values: Partial<StructValues>, bos: Iterable<Bo>, use: DrawUse = {}): void {
    const p = this.beginPass(key, surface);
    if (use.zs ?? true) p.usesZs = true;
    const [prims, nv] = primitivesOf(values.primitive ?? 4, values.count ?? 0);
    p.binBytes += prims * Math.max(1, values.instance_count ?? 1) * (BIN_HEADER + nv * (BIN_VERTEX_FIXED + 4 * (use.varyings ?? 16)) + BIN_ENTRIES);
    const d = this.upload(DRAW.words * 4, 64);
    p.draws.push({ at: d.off, bo: d.bo, values });
    for (const b of bos) p.bos.add(b);
    this.stats.draws++;
  }

  /** Whole-surface clear by load/store flags: valid when the pass has no draws yet (else flushes first). */
  clearPass(key: object, surface: Surface, color: number[] | null, depth: number | null, stencil: number | null, colorWords = false): void {
    let p = this.beginPass(key, surface);
    if (p.draws.length) { this.flush(); p = this.beginPass(key, surface); }
    if (color) { p.colorClear = color; p.colorClearWords = colorWords; }
    if (depth !== null) p.depthClear = depth;
    if (stencil !== null) p.stencilClear = stencil;
  }

  hasPassFor(key: object): boolean { return this.pass?.key === key; }

  /**
   * Resolves multisampled `src`'s colour target 0 into the single-sample surface `dst` of the same
   * format and at least its size: a render command with no draws that loads the samples into the
   * tiles and stores only their on-chip resolve (FRAMEBUFFER resolve), every pixel of src's size.
   */
  resolve(src: Surface, dst: ColorSurface): void {
    this.flush();
    this.pass = { key: {}, surface: { width: src.width, height: src.height, color: src.color, zs: null, samples: src.samples }, resolveTo: dst,
      draws: [], colorClear: null, depthClear: null, stencilClear: null, usesZs: false, binBytes: 0, bos: new Set([src.color!.bo, dst.bo]) };
    this.flush();
  }

  private markLost(why: string): void {
    if (this.lost) return;
    this.lost = why;
    this.pass = null;
    this.onLost?.(why);
  }

  /** After a job did not complete: the kernel's verdict on the queue decides whether the context is lost. */
  private checkState(): void {
    let state: string;
    try { state = this.dev.state(); } catch (e) { state = e instanceof DrmError ? 'lost' : 'lost'; }
    if (state !== 'innocent') this.markLost(state);
  }

  /** Submits the current pass as one render command. */
  flush(): void {
    const p = this.pass;
    this.pass = null;
    if (!p || this.lost) return;
    if (!p.draws.length && !p.colorClear && p.depthClear === null && p.stencilClear === null && !p.resolveTo) return;
    for (let i = 0; i < p.draws.length; i++) {
      const d = p.draws[i]!;
      const next = p.draws[i + 1];
      this.put(d.bo, d.at, DRAW, { ...d.values, next: next ? next.bo.va + next.at : 0 });
    }
    const s = p.surface;
    let ls = 0;
    const targets = colorTargets(s);
    if (p.resolveTo) ls |= AKARI_RENDER_COLOR_LOAD;
    else if (targets.some(Boolean)) ls |= AKARI_RENDER_COLOR_STORE | (p.colorClear ? AKARI_RENDER_COLOR_CLEAR : AKARI_RENDER_COLOR_LOAD);
    let clearDepth = 1, clearStencil = 0;
    // A depth/stencil surface that no draw tests and no clear writes is left
    // as it is in memory: neither loaded into the tiles nor stored back.
    if (s.zs && !p.resolveTo && (p.usesZs || p.depthClear !== null || p.stencilClear !== null)) {
      ls |= AKARI_RENDER_ZS_STORE;
      const hasStencil = zsHasStencil(s.zs.format);
      const depthOk = p.depthClear !== null;
      const stencilOk = p.stencilClear !== null || !hasStencil;
      if (depthOk && stencilOk) { ls |= AKARI_RENDER_ZS_CLEAR; clearDepth = p.depthClear!; clearStencil = p.stencilClear ?? 0; }
      else ls |= AKARI_RENDER_ZS_LOAD;
      if (!(ls & AKARI_RENDER_ZS_CLEAR) && (p.depthClear !== null || p.stencilClear !== null)) {
        throw new Error('internal: partial depth/stencil clear must be drawn');
      }
    }
    const cc = p.colorClear ?? [0, 0, 0, 0];
    const heap = this.heapFor(p);
    const seq = ++this.seq;
    for (const b of p.bos) this.busy.set(b, seq);
    for (const b of this.streamUsed) { if (this.stream?.bo !== b) { this.deferred.push({ bo: b, key: this.boKey.get(b)!, seq }); } else this.busy.set(b, seq); }
    this.streamUsed = this.stream ? [this.stream.bo] : [];
    if (this.stream) this.busy.set(this.stream.bo, seq);
    // The stream chunk in use may be written again while this pass runs: retire it and start a fresh one.
    if (this.stream) { this.deferred.push({ bo: this.stream.bo, key: this.boKey.get(this.stream.bo)!, seq }); this.stream = null; this.streamUsed = []; }
    for (const t of targets) if (t) this.busy.set(t.bo, seq);
    if (s.zs) this.busy.set(s.zs.bo, seq);
    if (s.msColor) this.busy.set(s.msColor.bo, seq);
    if (p.resolveTo) this.busy.set(p.resolveTo.bo, seq);
    // target 0 as the command sees it: the multisampled surface, resolved into `color` (or into resolveTo)
    const c0 = p.resolveTo ? s.color : s.msColor ?? s.color;
    const resolveTo = p.resolveTo ?? (s.msColor ? s.color : null);
    const cmd = {
      cmd_type: AKARI_CMD_RENDER, draws: p.draws.length ? p.draws[0]!.bo.va + p.draws[0]!.at : 0,
      tiler_heap: heap.va, tiler_heap_size: heap.size,
      width: s.width, height: s.height,
      color_format: COLOR_FORMAT.indexOf(c0?.format ?? 'rgba8_unorm'), color_layout: 0,
      color: c0 ? c0.bo.va + c0.offset : 0, color_stride: c0?.stride ?? 0, load_store: ls,
      samples: s.samples ?? 1, ...(resolveTo ? { resolve: resolveTo.bo.va + resolveTo.offset, resolve_stride: resolveTo.stride } : {}),
      ...(p.colorClearWords
        ? { clear_r: cc[0]! >>> 0, clear_g: cc[1]! >>> 0, clear_b: cc[2]! >>> 0, clear_a: cc[3]! >>> 0 }
        : { clear_r: f32ToBits(cc[0]!), clear_g: f32ToBits(cc[1]!), clear_b: f32ToBits(cc[2]!), clear_a: f32ToBits(cc[3]!) }),
      zs: s.zs ? s.zs.bo.va + s.zs.offset : 0, zs_stride: s.zs?.stride ?? 0, zs_format: s.zs ? ZS_FORMAT.indexOf(s.zs.format) : 0, zs_layout: 0,
      ...(s.zs?.format === 'd32f_s8' ? { stencil: s.zs.bo.va + s.zs.stencilOffset!, stencil_stride: s.zs.stencilStride! } : {}),
      clear_depth: f32ToBits(clearDepth), clear_stencil: clearStencil,
      result_handle: this.result.handle, result_offset: resultSlot(seq), timeout_ms: this.timeoutMs,
    };
    if (this.openSpans > 0) this.timingWanted.add(seq);
    // a timing still to be read sits in the slot this submission takes: read it first
    const reuse = seq - RESULT_SLOTS;
    if (reuse > this.completed && this.timingWanted.has(reuse)) this.waitSeq(reuse);
    let sync: number;
    const waits = this.lastSync ? [this.lastSync, ...this.extraWaits] : [...this.extraWaits];
    try {
      // render targets 1.. (UAPI 1.2): only when the framebuffer has more than one
      const more = targets.length > 1 ? [targets.slice(1).map((t) => t
        ? { color: t.bo.va + t.offset, color_stride: t.stride, color_format: COLOR_FORMAT.indexOf(t.format), color_layout: 0 }
        : { color: 0, color_stride: 0, color_format: 0, color_layout: 0 })] : [];
      sync = this.dev.submit([cmd], waits, more);
    } catch (e) {
      // ECANCELED: the queue was banned; the context is lost (Panthor: a group in a fatal state)
      if (e instanceof DrmError && (e.errno === 125 || e.errno === 5)) { this.markLost(e.errno === 125 ? 'banned' : 'lost'); return; }
      throw e;
    } finally {
      for (const w of this.extraWaits.splice(0)) this.dev.drm.syncobjDestroy(w);
    }
    this.busy.set(heap, seq);
    this.submits.push({ seq, sync });
    this.lastSync = sync;
    this.stats.submits++;
  }

  /** Blocks until submission `seq` (default: all) has completed. */
  waitSeq(seq = this.seq): void {
    while (!this.lost && this.submits.length && this.submits[0]!.seq <= seq) {
      const s = this.submits.shift()!;
      this.dev.wait(s.sync);
      this.stats.waits++;
      this.completed = s.seq;
      const res = this.dev.readResult(this.result, resultSlot(s.seq));
      if (this.timingWanted.delete(s.seq)) this.timings.set(s.seq, { start: Number(res.ts_start), end: Number(res.ts_end) });
      this.lastStatus = AKARI_STATUS[res.status!] ?? 'unknown';
      if (res.partial_renders) this.heapGrow = true;
      if (s.sync !== this.lastSync) this.dev.drm.syncobjDestroy(s.sync);
      // the result is shared by every pass: a non-complete one asks the kernel who is to blame
      if (this.lastStatus !== 'complete') this.checkState();
    }
    if (this.lost) { this.submits = []; this.completed = this.seq; }
    const keep: typeof this.deferred = [];
    for (const d of this.deferred) {
      if (d.seq <= this.completed) (this.free.get(d.key) ?? this.free.set(d.key, []).get(d.key)!).push(d.bo);
      else keep.push(d);
    }
    this.deferred = keep;
    if (this.retiredHeaps.length) {
      const busy = this.retiredHeaps.filter((r) => r.seq > this.completed);
      for (const r of this.retiredHeaps) if (r.seq <= this.completed) this.dev.destroyBo(r.bo);
      this.retiredHeaps = busy;
    }
  }

  /** Retires every submission that has completed, without waiting for the others. */
  poll(): void {
    while (!this.lost && this.submits.length) {
      const s = this.submits[0]!;
      try { this.dev.drm.syncobjWait([s.sync], 0); } catch (e) { if (e instanceof DrmError) return; throw e; }
      this.waitSeq(s.seq);
    }
  }

  /** Submission `seq` has completed (as far as this context has seen). */
  isComplete(seq: number): boolean { return seq <= this.completed; }

  /**
   * Timer queries. While a span is open (a TIME_ELAPSED query between begin and end), every submission's
   * GPU start and end times are kept when it completes; closing the span claims those of its range, a
   * timestamp query claims one pending submission's. Times are freed when their last claimant is done.
   */
  openTimingSpan(): void { this.openSpans++; }
  closeTimingSpan(first: number, last: number, claim: boolean): void {
    this.openSpans--;
    for (let s = first; s <= last; s++) {
      if (claim) this.timingRefs.set(s, (this.timingRefs.get(s) ?? 0) + 1);
      else if (!this.timingRefs.has(s)) { this.timings.delete(s); this.timingWanted.delete(s); }
    }
  }
  /** Claims the times of pending submission `seq`. */
  wantTiming(seq: number): void {
    this.timingRefs.set(seq, (this.timingRefs.get(seq) ?? 0) + 1);
    if (seq > this.completed) this.timingWanted.add(seq);
  }
  /** Submission `seq`'s GPU times (ns), once it completed; undefined before (or if nobody asked). */
  timing(seq: number): { start: number; end: number } | undefined { return this.timings.get(seq); }
  /** One claimant is done with submission `seq`'s times; the last one frees them. */
  forgetTiming(seq: number): void {
    const n = (this.timingRefs.get(seq) ?? 1) - 1;
    if (n > 0) { this.timingRefs.set(seq, n); return; }
    this.timingRefs.delete(seq);
    this.timings.delete(seq);
  }
  private openSpans = 0;
  private timingRefs = new Map<number, number>();
  private timingWanted = new Set<number>();
  private timings = new Map<number, { start: number; end: number }>();

  /** The GPU's clock now (ns): AKARI_GET_TIME, the clock the render commands' timestamps are taken on. */
  gpuTime(): number { return this.dev.drm.akariGetTime(); }

  /** The tiler heap for pass `p`: the current one, or a larger one when the pass's estimate or a partial render asks for it. */
  private heapFor(p: Pass): Bo {
    const tiles = Math.ceil(p.surface.width / TILE_SIZE) * Math.ceil(p.surface.height / TILE_SIZE);
    const need = 16 + tiles * BIN_PER_TILE + p.binBytes * 1.25;
    let size = this.heap.size;
    if (this.heapGrow) size *= 2;
    while (size < need) size *= 2;
    this.heapGrow = false;
    const limit = Math.max(HEAP_MIN, Math.floor(this.memSize / 4));
    size = Math.min(size, limit);
    if (size <= this.heap.size) return this.heap;
    let bo: Bo;
    try { bo = this.dev.createBo(size, 'rw'); } catch { return this.heap; } // no memory for more: partial renders it is
    this.retiredHeaps.push({ bo: this.heap, seq: this.busy.get(this.heap) ?? 0 });
    this.heap = bo;
    return bo;
  }

  /** Makes `bo` safe for the CPU to read or write: flushes the pass using it and waits for the GPU. */
  syncBo(bo: Bo): void {
    if (this.passUses(bo)) this.flush();
    const seq = this.busy.get(bo) ?? 0;
    if (seq > this.completed) this.waitSeq(seq);
  }

  isBusy(bo: Bo): boolean {
    return this.passUses(bo) || (this.busy.get(bo) ?? 0) > this.completed;
  }

  /** The pass being built reads or writes `bo` (a draw's buffer or one of its surfaces). */
  private passUses(bo: Bo): boolean {
    const p = this.pass;
    if (!p) return false;
    return p.bos.has(bo) || p.surface.color?.bo === bo || p.surface.zs?.bo === bo || !!p.surface.colors?.some((t) => t?.bo === bo)
      || p.surface.msColor?.bo === bo || p.resolveTo?.bo === bo;
  }

  finish(): void {
    this.flush();
    this.waitSeq();
    // a job that completed after a blamed one of this queue may have hidden the blame in the shared result
    if (!this.lost && this.stats.submits) this.checkState();
  }

  private extraWaits: number[] = [];
  /** The next submission waits (on the GPU) for a sync_file's fence. */
  waitSyncFile(fd: number): void {
    const s = this.dev.drm.syncobjCreate();
    this.dev.drm.syncobjImportSyncFile(s, fd);
    this.extraWaits.push(s);
  }

  /** The submission count so far (for waitSeq). */
  get submitted(): number { return this.seq; }

  /** A sync_file fd that signals when everything submitted so far has rendered (EGL_ANDROID_native_fence_sync's export). */
  exportFence(): number {
    if (this.lastSync) return this.dev.drm.syncobjExportSyncFile(this.lastSync);
    const s = this.dev.drm.syncobjCreate(true);
    try { return this.dev.drm.syncobjExportSyncFile(s); } finally { this.dev.drm.syncobjDestroy(s); }
  }

  destroy(): void {
    try { this.finish(); } catch { /* lost */ }
    this.process.release();
  }

  /** Ends this GPU context (its buffers, VM and queue) but not the process: a restored WebGL context makes a new one. */
  close(): void {
    this.lost ??= 'closed';
    this.pass = null;
    try { this.dev.close(); } catch { /* the device is going anyway */ }
  }
}

/** One bulk load of the linear rows [y, y+h) that hold the rectangle; `base` is their offset in the object. */
function readRows(s: Surface, x: number, y: number, w: number, h: number, bpp: number): { m: Uint8Array; base: number } {
  const c = s.color!;
  if (w <= 0 || h <= 0) return { m: new Uint8Array(0), base: 0 };
  const base = c.offset + pixelOffset(0, x, y, c.stride, bpp);
  const end = c.offset + pixelOffset(0, x + w - 1, y + h - 1, c.stride, bpp) + bpp;
  return { m: c.bo.bytes(base, end - base), base };
}

/**
 * Copies an RGBA8 or BGRA8 surface's rectangle into `out` as RGBA8 rows (row j at
 * `offset + j * stride`), alpha forced to 255 when `opaque`; false for other formats.
 */
export function copyColorRgba8(s: Surface, x: number, y: number, w: number, h: number, out: Uint8Array, offset: number, stride: number, opaque: boolean): boolean {
  const c = s.color!;
  // sRGB targets read back as the bytes they hold (the encoded values: no conversion on read)
  if (c.format !== 'rgba8_unorm' && c.format !== 'bgra8_unorm' && c.format !== 'srgb8_alpha8') return false;
  if (w <= 0 || h <= 0) return true;
  const row = w * 4;
  const from = c.offset + y * c.stride + x * 4;
  // bulk loads straight into the caller's rows: one for the whole rectangle when
  // both sides' rows are back to back, else one per row
  if (stride === row && c.stride === row) c.bo.read(from, out.subarray(offset, offset + row * h));
  else for (let j = 0; j < h; j++) c.bo.read(from + j * c.stride, out.subarray(offset + j * stride, offset + j * stride + row));
  if (c.format === 'bgra8_unorm' || opaque) {
    for (let j = 0; j < h; j++) {
      const to = offset + j * stride;
      if (c.format === 'bgra8_unorm') for (let o = to; o < to + row; o += 4) { const b = out[o]!; out[o] = out[o + 2]!; out[o + 2] = b; }
      if (opaque) for (let o = to + 3; o < to + row; o += 4) out[o] = 255;
    }
  }
  return true;
}

/** Reads a surface's colour rectangle as RGBA8 (GL row order, bottom row first). */
export function readColorRgba8(s: Surface, x: number, y: number, w: number, h: number, out: (px: number, py: number, rgba: number[]) => void): void {
  const c = s.color!;
  const bpp = COLOR_FORMAT_BPP[c.format];
  const unpack = UNPACK[COLOR_FORMAT_LAYOUT[c.format]];
  const { m, base } = readRows(s, x, y, w, h, bpp);
  const rd = bytesAccess(m);
  const px = [0, 0, 0, 0];
  const u8 = (v: number) => Math.round(Math.min(1, Math.max(0, v || 0)) * 255);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      unpack(rd, c.offset + pixelOffset(0, x + i, y + j, c.stride, bpp) - base, px, 0);
      out(i, j, [u8(px[0]!), u8(px[1]!), u8(px[2]!), u8(px[3]!)]);
    }
  }
}

/** Reads a float colour surface's rectangle as RGBA32F. */
export function readColorFloat(s: Surface, x: number, y: number, w: number, h: number, out: (px: number, py: number, rgba: number[]) => void): void {
  const c = s.color!;
  const bpp = COLOR_FORMAT_BPP[c.format];
  const unpack = UNPACK[COLOR_FORMAT_LAYOUT[c.format]];
  const { m, base } = readRows(s, x, y, w, h, bpp);
  const rd = bytesAccess(m);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const px = [0, 0, 0, 0];
      unpack(rd, c.offset + pixelOffset(0, x + i, y + j, c.stride, bpp) - base, px, 0);
      out(i, j, px);
    }
  }
}
