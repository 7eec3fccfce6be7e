/**
 * Tile memory: the on-chip buffer one core renders a tile into (colour of an
 * 8-bit unorm target as R, G, B, A bytes, of the others at the target's
 * precision as floats — hwdesc/formats.ts tileColorLayout —, depth,
 * stencil), and the
 * fixed-function units that initialise it (clear or load from the
 * framebuffer) and write it back (store).
 *
 * The FRAMEBUFFER descriptor says what a pass needs: a surface that is
 * neither loaded nor stored (the driver sets no zs_load/zs_store when no draw
 * of the pass tests depth or stencil) is not touched, and its window is not
 * even translated. Loads and stores go a row at a time: the descriptor is
 * resolved once per pass into plain numbers, a linear surface that is
 * physically contiguous is read and written in place by the SIMD units
 * (tile-unit.ts: byte rows for rgba8/bgra8, words for d24s8) or typed arrays
 * over physical memory (a float row copy for d32f), and only twiddled,
 * scattered or unusual surfaces take the per-pixel path through the window.
 */
import { COLOR_FORMAT, COLOR_FORMAT_BPP, FRAMEBUFFER, MAX_RENDER_TARGETS, RENDER_TARGET, SAMPLE_COUNTS, msaaPlaneBytes, pixelOffset, TILE_SIZE, TWIDDLE_BLOCK, ZS_FORMAT, ZS_FORMAT_BPP } from '../hwdesc/descriptors.js';
import { unpack, type StructValues } from '../hwdesc/struct.js';
import { ACCESS_READ, ACCESS_WRITE } from '../hwdesc/regs.js';
import { GpuFault } from './mmu.js';
import { CORE_LOCAL } from '../hwdesc/corelocal.js';
import type { Mmu } from './mmu.js';
import { VaWindow } from './vabuf.js';
import { COLOR_FORMAT_LAYOUT, COLOR_TILE_LAYOUT, PACK, PIXEL_FORMATS, QUANTIZE, UNPACK, isIntegerFormat, type TileColorLayout } from '../hwdesc/formats.js';
import { alignUp } from '../base/bits.js';
import { tileUnit, type TileUnit } from './tile-unit.js';

/** Each colour format's unpack, pack and quantisation (derived from its row in hwdesc/formats.ts), by COLOR_FORMAT index. */
const COLOR_UNPACK = COLOR_FORMAT.map((n) => UNPACK[COLOR_FORMAT_LAYOUT[n]]);
const COLOR_PACK = COLOR_FORMAT.map((n) => PACK[COLOR_FORMAT_LAYOUT[n]]);
const COLOR_QUANTIZE = COLOR_FORMAT.map((n) => QUANTIZE[COLOR_FORMAT_LAYOUT[n]]);

/** The 256 values of an unorm8 channel, k / 255. */
export const UNORM8 = Float64Array.from({ length: 256 }, (_, k) => k / 255);
/** The same as float32: what a blend reads of a unorm8 tile byte k (the float32 quantisation produced). */
export const UNORM8_F32 = Float32Array.from(UNORM8);

/** A quantised colour (RGBA at o) as the four bytes of a unorm8 tile, R in the low byte. */
export function unorm8Word(c: { readonly [i: number]: number }, o: number): number {
  return (Math.round(c[o]! * 255) | (Math.round(c[o + 1]! * 255) << 8) | (Math.round(c[o + 2]! * 255) << 16) | (Math.round(c[o + 3]! * 255) << 24)) >>> 0;
}

/**
 * Per COLOR_FORMAT: an integer format. Its tile pixels hold each channel's 32-bit integer as the word
 * itself (read through Uint32Array/Int32Array views of the tile memory, never as floats), its clear
 * words are integers, and nothing blends or quantises it.
 */
export const COLOR_INT: readonly boolean[] = COLOR_FORMAT.map((n) => isIntegerFormat(PIXEL_FORMATS[COLOR_FORMAT_LAYOUT[n]]));

/** A clear colour for a target of `fmt` from the FRAMEBUFFER's clear words: the integers as they are, else floats quantised to the format. */
function clearOf(fmt: number, words: readonly number[]): Float32Array {
  const c = new Float32Array(4);
  const bits = new Uint32Array(c.buffer);
  for (let k = 0; k < 4; k++) bits[k] = words[k]! >>> 0;
  if (!COLOR_INT[fmt]) quantColor(fmt, c, 0);
  return c;
}

/** Quantises a colour to what the render-target format can hold (the tile buffer keeps format precision). */
export function quantColor(fmt: number, c: Float32Array, o: number): void {
  COLOR_QUANTIZE[fmt]?.(c, o);
}

/** ZS_FORMAT d32f_s8: float32 depths in `zs`, the stencil bytes in a plane of their own (FRAMEBUFFER stencil). */
export const ZS_D32F_S8 = ZS_FORMAT.indexOf('d32f_s8');
/** Per ZS_FORMAT: the format has stencil (d24s8, d32f_s8), so the fragment pipeline runs the stencil test on it. */
export const ZS_HAS_STENCIL: readonly boolean[] = ZS_FORMAT.map((n) => n === 'd24s8' || n === 'd32f_s8');

/** A depth value as the depth/stencil format holds it (1: d16, 2: d24s8, 3: d32f, 4: d32f_s8). */
export function quantDepth(fmt: number, z: number): number {
  z = Math.min(1, Math.max(0, z));
  // The tile's depth buffer holds float32s: the fragment's converted depth is compared as the
  // tile holds it, or a value that rounds up on the way in would pass LESS against itself.
  if (fmt === 1) return Math.fround(Math.round(z * 65535) / 65535);
  if (fmt === 2) return Math.fround(Math.round(z * 16777215) / 16777215);
  return Math.fround(z);
}

/** One colour render target of a pass, resolved: its surface window (null: neither loaded nor stored) and format. */
export interface ColorTarget {
  readonly format: number;
  readonly bpp: number;
  readonly layout: number;
  readonly stride: number;
  readonly window: VaWindow | null;
  /** how tile memory holds its pixels (hwdesc/formats.ts) */
  readonly tile: TileColorLayout;
  /** the clear colour quantised to this target's format (and as a unorm8 tile's bytes) */
  readonly clear: Float32Array;
  readonly clearWord: number;
  /** bytes from one sample's image to the next in a multisampled surface (msaaPlaneBytes) */
  readonly planeBytes: number;
}

/** Process-wide switch (AKARI_CLEAR_FILL=0 stores every tile through the tile memory; tests compare both paths). */
let clearedFills = process.env.AKARI_CLEAR_FILL !== '0';
export function setClearedTileFills(on: boolean): void { clearedFills = on; }
/** tiles stored by TileBuffer.storeCleared in this thread (for tests: which path ran) */
export const tileCounters = { cleared: 0 };

/** A FRAMEBUFFER descriptor resolved for one pass: its surfaces' windows and plain numbers for the load/store units. */
export class Framebuffer {
  /** the colour render targets, target 0 first (FRAMEBUFFER color_count, at least 1) */
  readonly targets: ColorTarget[] = [];
  readonly desc: StructValues;
  readonly color: VaWindow | null;
  readonly zs: VaWindow | null;
  readonly bpp: number;
  readonly width: number;
  readonly height: number;
  readonly format: number;
  readonly zsFormat: number;
  readonly colorLoad: boolean;
  readonly colorStore: boolean;
  readonly zsLoad: boolean;
  readonly zsStore: boolean;
  /** the clear colour quantised to the format, and the clear depth/stencil */
  readonly clear = new Float32Array(4);
  readonly clearDepth: number;
  readonly clearStencil: number;
  /** samples per pixel (FRAMEBUFFER sample_count): 1 or 4 */
  readonly samples: number;
  /** bytes between the sample images of the depth/stencil surface */
  readonly zsPlaneBytes: number;
  /** d32f_s8's stencil plane (one byte a pixel, zs_layout) and the bytes between its sample images; null for other formats */
  readonly stencil: VaWindow | null = null;
  readonly stencilPlaneBytes: number = 0;
  /** with FRAMEBUFFER resolve: the single-sample surface target 0's samples are averaged into at each tile's end */
  readonly resolveTarget: ColorTarget | null = null;
  constructor(mmu: Mmu, slot: number, fbdVa: number) {
    this.desc = unpack(FRAMEBUFFER, mmu.readPriv(slot, fbdVa, FRAMEBUFFER.words)).values;
    const d = this.desc;
    const sc = d.sample_count! || 1;
    if (!(SAMPLE_COUNTS as readonly number[]).includes(sc)) throw new GpuFault(fbdVa, slot, ACCESS_READ, `unsupported sample count ${sc}`);
    this.samples = sc;
    const n = sc;
    this.width = d.width!; this.height = d.height!;
    this.format = d.format!; this.zsFormat = d.zs_format!;
    this.bpp = COLOR_FORMAT_BPP[COLOR_FORMAT[d.format!] ?? 'rgba8_unorm'];
    this.colorLoad = !!d.color_load; this.colorStore = !!d.color_store;
    this.zsLoad = !!(d.zs_format && d.zs_load); this.zsStore = !!(d.zs_format && d.zs_store);
    const rows = d.layout ? alignUp(d.height!, TWIDDLE_BLOCK) : d.height!;
    const needColor = d.color_load || d.color_store;
    // with several targets, target 0 may have no surface (address 0), as any other
    // a multisampled surface is n sample images one after another (hwdesc msaaPlaneBytes)
    this.color = needColor && (d.color || d.color_count! <= 1) ? new VaWindow(mmu, slot, d.color!, d.color_stride! * rows * n, d.color_store ? ACCESS_WRITE : ACCESS_READ) : null;
    const zrows = d.zs_layout ? alignUp(d.height!, TWIDDLE_BLOCK) : d.height!;
    this.zsPlaneBytes = d.zs_stride! * zrows;
    this.zs = this.zsLoad || this.zsStore ? new VaWindow(mmu, slot, d.zs!, d.zs_stride! * zrows * n, this.zsStore ? ACCESS_WRITE : ACCESS_READ) : null;
    if (this.zs && d.zs_format === ZS_D32F_S8) {
      this.stencilPlaneBytes = d.stencil_stride! * zrows;
      this.stencil = new VaWindow(mmu, slot, d.stencil!, this.stencilPlaneBytes * n, this.zsStore ? ACCESS_WRITE : ACCESS_READ);
    }
    const clearWords = [d.clear_r!, d.clear_g!, d.clear_b!, d.clear_a!];
    this.clear.set(clearOf(d.format!, clearWords));
    this.targets.push(target(this.format, this.bpp, d.layout!, d.color_stride!, this.color, this.clear, d.height!));
    if (d.resolve && n > 1) {
      const rrows = d.resolve_layout ? alignUp(d.height!, TWIDDLE_BLOCK) : d.height!;
      const w = new VaWindow(mmu, slot, d.resolve_color!, d.resolve_stride! * rrows, ACCESS_WRITE);
      this.resolveTarget = target(this.format, this.bpp, d.resolve_layout!, d.resolve_stride!, w, this.clear, d.height!);
    }
    const count = Math.min(MAX_RENDER_TARGETS, Math.max(1, d.color_count!));
    if (count > 1) {
      const words = mmu.readPriv(slot, d.targets!, RENDER_TARGET.words * (count - 1));
      for (let t = 1; t < count; t++) {
        const r = unpack(RENDER_TARGET, words.subarray((t - 1) * RENDER_TARGET.words, t * RENDER_TARGET.words)).values;
        const format = r.format!, bpp = COLOR_FORMAT_BPP[COLOR_FORMAT[format] ?? 'rgba8_unorm'];
        const trows = r.layout ? alignUp(d.height!, TWIDDLE_BLOCK) : d.height!;
        const window = r.address && needColor
          ? new VaWindow(mmu, slot, r.address, r.stride! * trows * n, d.color_store ? ACCESS_WRITE : ACCESS_READ) : null;
        const clear = clearOf(format, clearWords);
        this.targets.push(target(format, bpp, r.layout!, r.stride!, window, clear, d.height!));
      }
    }
    this.clearDepth = quantDepth(d.zs_format!, d.clear_depth!);
    this.clearStencil = d.clear_stencil!;
  }
}

function target(format: number, bpp: number, layout: number, stride: number, window: VaWindow | null, clear: Float32Array, height: number): ColorTarget {
  const tile = COLOR_TILE_LAYOUT[format] ?? 'f32';
  return { format, bpp, layout, stride, window, tile, clear, clearWord: tile === 'unorm8' ? unorm8Word(clear, 0) : 0, planeBytes: msaaPlaneBytes(layout, stride, height) };
}

/**
 * One sample's plane of a core's tile memory: each render target's colour (as floats, bytes, words and
 * signed words over the same memory), depth and stencil, and their byte offsets in the device memory.
 * Plane 0 is the single-sampled tile memory; planes 1..3 are CORE_LOCAL.tileSamples.
 */
export interface TilePlane {
  readonly colorAt: readonly number[];
  readonly colors: Float32Array[];
  readonly colorBytes: Uint8Array[];
  readonly colorBits: Uint32Array[];
  readonly colorInts: Int32Array[];
  readonly depthAt: number;
  readonly stencilAt: number;
  readonly depth: Float32Array;
  readonly stencil: Uint8Array;
}

function tilePlane(buf: ArrayBufferLike, colorAt: number[], depthAt: number, stencilAt: number): TilePlane {
  return {
    colorAt, depthAt, stencilAt,
    colors: colorAt.map((at) => new Float32Array(buf, at, TILE_SIZE * TILE_SIZE * 4)),
    colorBytes: colorAt.map((at) => new Uint8Array(buf, at, TILE_SIZE * TILE_SIZE * 16)),
    colorBits: colorAt.map((at) => new Uint32Array(buf, at, TILE_SIZE * TILE_SIZE * 4)),
    colorInts: colorAt.map((at) => new Int32Array(buf, at, TILE_SIZE * TILE_SIZE * 4)),
    depth: new Float32Array(buf, depthAt, TILE_SIZE * TILE_SIZE),
    stencil: new Uint8Array(buf, stencilAt, TILE_SIZE * TILE_SIZE),
  };
}

/**
 * One core's tile memory and its load/store units. The memory is in the
 * core's local memory (hwdesc/corelocal.ts), where the core's fused fragment
 * kernels (fused.ts) read and write it in place.
 */
export class TileBuffer {
  /** render target 0's colour (colors[0]) */
  readonly color: Float32Array;
  /** every render target's colour, target 0 first: as floats (an `f32` tile layout) and as bytes (`unorm8`) over the same memory */
  readonly colors: Float32Array[];
  readonly colorBytes: Uint8Array[];
  /** ... and as words and signed words: an integer target's channels (COLOR_INT) */
  readonly colorBits: Uint32Array[];
  readonly colorInts: Int32Array[];
  readonly depth: Float32Array;
  readonly stencil: Uint8Array;
  /** the sample planes: plane 0 is the memory above, planes 1..3 hold samples 1..3 of a multisampled pass */
  readonly planes: TilePlane[];
  /** byte offset of this core's local memory in the device's wasm memory */
  readonly base: number;
  private readonly u16: Uint16Array;
  /** the SIMD load/store units for linear rgba8/bgra8 and d24s8 surfaces (tile-unit.ts) */
  private readonly unit: TileUnit;
  /** one pixel's RGBA for the per-pixel units of unorm8 tiles */
  private readonly px = new Float64Array(4);

  constructor(readonly mmu: Mmu, readonly core = 0) {
    const buf = mmu.mem.buffer, base = mmu.mem.coreLocal(core);
    this.base = base;
    this.unit = tileUnit(mmu.mem);
    const colorAt = [base + CORE_LOCAL.tileColor];
    for (let t = 1; t < MAX_RENDER_TARGETS; t++) colorAt.push(base + CORE_LOCAL.tileColorMore + (t - 1) * TILE_SIZE * TILE_SIZE * 16);
    this.planes = [tilePlane(buf, colorAt, base + CORE_LOCAL.tileDepth, base + CORE_LOCAL.tileStencil)];
    for (let s = 1; s < 4; s++) {
      const at = base + CORE_LOCAL.tileSamples + (s - 1) * CORE_LOCAL.tileSamplePlane;
      this.planes.push(tilePlane(buf, Array.from({ length: MAX_RENDER_TARGETS }, (_, t) => at + t * TILE_SIZE * TILE_SIZE * 16),
        at + CORE_LOCAL.tileSampleDepth, at + CORE_LOCAL.tileSampleStencil));
    }
    const p0 = this.planes[0]!;
    this.colors = p0.colors; this.colorBytes = p0.colorBytes; this.colorBits = p0.colorBits; this.colorInts = p0.colorInts;
    this.color = this.colors[0]!;
    this.depth = p0.depth; this.stencil = p0.stencil;
    this.u16 = new Uint16Array(mmu.mem.u8.buffer, mmu.mem.u8.byteOffset, mmu.mem.u8.byteLength >> 1);
  }

  /**
   * Initialises the tile at (x0, y0), tw x th pixels: colour loaded when
   * `loadColor` (and the surface is there), else cleared; likewise depth/stencil.
   * A multisampled pass does so for each sample plane from its image of the surface.
   */
  load(fb: Framebuffer, x0: number, y0: number, tw: number, th: number, loadColor: boolean, loadZs: boolean): void {
    for (let s = 0; s < fb.samples; s++) this.loadPlane(fb, this.planes[s]!, s, x0, y0, tw, th, loadColor, loadZs);
  }

  private loadPlane(fb: Framebuffer, pl: TilePlane, s: number, x0: number, y0: number, tw: number, th: number, loadColor: boolean, loadZs: boolean): void {
    const { depth, stencil } = pl;
    const mem = this.mmu.mem;
    for (let t = 0; t < fb.targets.length; t++) {
      const rt = fb.targets[t]!, at = pl.colorAt[t]!, w = rt.window, po = s * rt.planeBytes;
      if (loadColor && w) {
        const stride = rt.stride, rows = this.unit.loadBytes[rt.format];
        if (rows && !rt.layout && w.pa >= 0) {
          rows(at, w.pa + po + y0 * stride + x0 * 4, tw, th, stride);
        } else if (rt.tile === 'unorm8') {
          const px = this.px, bytes = pl.colorBytes[t]!;
          for (let y = 0; y < th; y++) {
            for (let x = 0; x < tw; x++) {
              loadPixel(rt, x0 + x, y0 + y, px, 0, po);
              const i = (y * TILE_SIZE + x) * 4;
              for (let c = 0; c < 4; c++) bytes[i + c] = Math.round(px[c]! * 255);
            }
          }
        } else {
          // an integer target's channels go to the tile as their words (an Int32Array takes the integers)
          const color = COLOR_INT[rt.format] ? pl.colorInts[t]! : pl.colors[t]!;
          for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) loadPixel(rt, x0 + x, y0 + y, color, (y * TILE_SIZE + x) * 4, po);
        }
      } else if (rt.tile === 'unorm8') {
        this.unit.clearColor8(at, rt.clearWord);
      } else if (COLOR_INT[rt.format]) {
        // an integer target's clear words, copied as words (a float's path could change NaN-looking ones)
        const words = pl.colorBits[t]!, c = new Uint32Array(rt.clear.buffer, rt.clear.byteOffset, 4);
        for (let p = 0; p < TILE_SIZE * TILE_SIZE * 4; p += 4) { words[p] = c[0]!; words[p + 1] = c[1]!; words[p + 2] = c[2]!; words[p + 3] = c[3]!; }
      } else {
        const c = rt.clear;
        this.unit.clearColor(at, c[0]!, c[1]!, c[2]!, c[3]!);
      }
    }
    if (loadZs && fb.zs) {
      const d = fb.desc, w = fb.zs, stride = d.zs_stride!, fmt = fb.zsFormat, po = s * fb.zsPlaneBytes;
      if (!d.zs_layout && w.pa >= 0 && fmt === 2) {
        this.unit.loadD24s8(pl.depthAt, pl.stencilAt, w.pa + po + y0 * stride + x0 * 4, tw, th, stride);
      } else if (!d.zs_layout && w.pa >= 0) {
        for (let y = 0; y < th; y++) {
          const row = w.pa + po + (y0 + y) * stride + x0 * ZS_FORMAT_BPP[ZS_FORMAT[fmt]!];
          const i = y * TILE_SIZE;
          if ((fmt === 3 || fmt === ZS_D32F_S8) && (row & 3) === 0) {
            depth.set(mem.f32.subarray(row >> 2, (row >> 2) + tw), i);
            stencil.fill(0, i, i + tw);
          } else if (fmt === 1 && (row & 1) === 0) {
            const u16 = this.u16;
            for (let x = 0, a = row >> 1; x < tw; x++, a++) depth[i + x] = u16[a]! / 65535;
            stencil.fill(0, i, i + tw);
          } else for (let x = 0; x < tw; x++) loadZsPixel(fb, x0 + x, y0 + y, depth, stencil, i + x, po);
        }
      } else {
        for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) loadZsPixel(fb, x0 + x, y0 + y, depth, stencil, y * TILE_SIZE + x, po);
      }
      if (fb.stencil) loadStencilPlane(fb, stencil, s, x0, y0, tw, th);
    } else {
      this.unit.clearZs(pl.depthAt, pl.stencilAt, fb.clearDepth, fb.clearStencil);
    }
  }

  /**
   * The store of a tile that holds the pass's clear values everywhere (no primitive touched it and nothing was
   * loaded): each stored surface's rows are filled with the word a store of the clear colour or depth/stencil
   * writes (tile-unit.ts fills), and the tile memory is neither cleared nor read — the same bytes as clearing
   * the tile memory and storing it. Only where every stored surface is linear, physically contiguous and one
   * the fills know (a 4-byte unorm8 colour format, d24s8), single-sampled; otherwise it writes nothing and
   * returns false, and the tile takes the ordinary clear and store.
   */
  storeCleared(fb: Framebuffer, x0: number, y0: number, tw: number, th: number): boolean {
    if (!clearedFills || fb.samples !== 1 || fb.resolveTarget) return false;
    const unit = this.unit, zs = fb.zsStore ? fb.zs : null;
    if (fb.colorStore) for (const rt of fb.targets) if (rt.window && !(unit.fillBytes[rt.format] && !rt.layout && rt.window.pa >= 0)) return false;
    if (zs && !(!fb.desc.zs_layout && zs.pa >= 0 && fb.zsFormat === 2)) return false;
    if (fb.colorStore) {
      for (const rt of fb.targets) if (rt.window) unit.fillBytes[rt.format]!(rt.clearWord, rt.window.pa + y0 * rt.stride + x0 * 4, tw, th, rt.stride);
    }
    if (zs) {
      const stride = fb.desc.zs_stride!;
      unit.fillD24s8(fb.clearDepth, fb.clearStencil, zs.pa + y0 * stride + x0 * 4, tw, th, stride);
    }
    tileCounters.cleared++;
    return true;
  }

  /** Writes the tile back to the surfaces the pass stores (each sample plane to its image), then resolves. */
  store(fb: Framebuffer, x0: number, y0: number, tw: number, th: number): void {
    for (let s = 0; s < fb.samples; s++) this.storePlane(fb, this.planes[s]!, s, x0, y0, tw, th);
    if (fb.resolveTarget) {
      this.resolve(fb, tw, th);
      this.storeColor(fb.resolveTarget, this.planes[0]!, 0, 0, x0, y0, tw, th);
    }
  }

  /**
   * The on-chip resolve of target 0 (FRAMEBUFFER resolve): each pixel's samples averaged — a box
   * filter — into plane 0, rounded as the format holds values: a unorm8 channel's k = round(sum / 4)
   * (halves up), others the mean in double quantised to the format. An integer target keeps sample 0
   * (ES 3.0 has no multisampled integer buffers). Runs after the planes were stored: plane 0 is the
   * resolved colour only until the next tile starts.
   */
  private resolve(fb: Framebuffer, tw: number, th: number): void {
    const rt = fb.targets[0]!, n = fb.samples;
    if (COLOR_INT[rt.format]) return;
    if (rt.tile === 'unorm8' && n === 4) {
      // whole rows of the tile (the bytes past tw are never stored)
      const pl = this.planes;
      this.unit.resolve8(pl[0]!.colorAt[0]!, pl[1]!.colorAt[0]!, pl[2]!.colorAt[0]!, pl[3]!.colorAt[0]!, th * TILE_SIZE * 4);
      return;
    }
    if (rt.tile === 'unorm8') {
      const b = this.planes.slice(0, n).map((p) => p.colorBytes[0]!), b0 = b[0]!;
      for (let y = 0; y < th; y++) {
        for (let i = y * TILE_SIZE * 4, e = i + tw * 4; i < e; i++) {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += b[k]![i]!;
          b0[i] = (sum + (n >> 1)) / n | 0;
        }
      }
      return;
    }
    const c = this.planes.slice(0, n).map((p) => p.colors[0]!), c0 = c[0]!;
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const o = (y * TILE_SIZE + x) * 4;
        for (let ch = 0; ch < 4; ch++) {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += c[k]![o + ch]!;
          c0[o + ch] = sum / n;
        }
        quantColor(rt.format, c0, o);
      }
    }
  }

  private storeColor(rt: ColorTarget, pl: TilePlane, t: number, po: number, x0: number, y0: number, tw: number, th: number): void {
    const at = pl.colorAt[t]!, w = rt.window!;
    const stride = rt.stride, rows = this.unit.storeBytes[rt.format];
    if (rows && !rt.layout && w.pa >= 0) {
      rows(at, w.pa + po + y0 * stride + x0 * 4, tw, th, stride);
    } else if (rt.tile === 'unorm8') {
      const px = this.px, bytes = pl.colorBytes[t]!;
      for (let y = 0; y < th; y++) {
        for (let x = 0; x < tw; x++) {
          const i = (y * TILE_SIZE + x) * 4;
          for (let c = 0; c < 4; c++) px[c] = UNORM8[bytes[i + c]!]!;
          storePixel(rt, x0 + x, y0 + y, px, 0, po);
        }
      }
    } else {
      const color = COLOR_INT[rt.format] ? pl.colorInts[t]! : pl.colors[t]!;
      for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) storePixel(rt, x0 + x, y0 + y, color, (y * TILE_SIZE + x) * 4, po);
    }
  }

  private storePlane(fb: Framebuffer, pl: TilePlane, s: number, x0: number, y0: number, tw: number, th: number): void {
    const { depth, stencil } = pl;
    const mem = this.mmu.mem;
    if (fb.colorStore) {
      for (let t = 0; t < fb.targets.length; t++) {
        const rt = fb.targets[t]!;
        if (rt.window) this.storeColor(rt, pl, t, s * rt.planeBytes, x0, y0, tw, th);
      }
    }
    if (fb.zsStore && fb.zs) {
      const d = fb.desc, w = fb.zs, stride = d.zs_stride!, fmt = fb.zsFormat, po = s * fb.zsPlaneBytes;
      if (!d.zs_layout && w.pa >= 0 && fmt === 2) {
        this.unit.storeD24s8(pl.depthAt, pl.stencilAt, w.pa + po + y0 * stride + x0 * 4, tw, th, stride);
      } else if (!d.zs_layout && w.pa >= 0) {
        for (let y = 0; y < th; y++) {
          const row = w.pa + po + (y0 + y) * stride + x0 * ZS_FORMAT_BPP[ZS_FORMAT[fmt]!];
          const i = y * TILE_SIZE;
          if ((fmt === 3 || fmt === ZS_D32F_S8) && (row & 3) === 0) {
            mem.f32.set(depth.subarray(i, i + tw), row >> 2);
          } else if (fmt === 1 && (row & 1) === 0) {
            const u16 = this.u16;
            for (let x = 0, a = row >> 1; x < tw; x++, a++) u16[a] = Math.round(depth[i + x]! * 65535);
          } else for (let x = 0; x < tw; x++) storeZsPixel(fb, x0 + x, y0 + y, depth, stencil, i + x, po);
        }
      } else {
        for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) storeZsPixel(fb, x0 + x, y0 + y, depth, stencil, y * TILE_SIZE + x, po);
      }
      if (fb.stencil) storeStencilPlane(fb, stencil, s, x0, y0, tw, th);
    }
  }
}

/**
 * d32f_s8's stencil plane, one byte a pixel: a linear plane that is physically contiguous is copied
 * a row at a time in place, anything else (twiddled, scattered) a byte at a time through the window.
 */
function loadStencilPlane(fb: Framebuffer, stencil: Uint8Array, s: number, x0: number, y0: number, tw: number, th: number): void {
  const d = fb.desc, w = fb.stencil!, stride = d.stencil_stride!, po = s * fb.stencilPlaneBytes;
  if (!d.zs_layout && w.pa >= 0) {
    const u8 = w.mmu.mem.u8;
    for (let y = 0; y < th; y++) {
      const row = w.pa + po + (y0 + y) * stride + x0;
      stencil.set(u8.subarray(row, row + tw), y * TILE_SIZE);
    }
  } else {
    for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) stencil[y * TILE_SIZE + x] = w.r8(po + pixelOffset(d.zs_layout!, x0 + x, y0 + y, stride, 1));
  }
}

function storeStencilPlane(fb: Framebuffer, stencil: Uint8Array, s: number, x0: number, y0: number, tw: number, th: number): void {
  const d = fb.desc, w = fb.stencil!, stride = d.stencil_stride!, po = s * fb.stencilPlaneBytes;
  if (!d.zs_layout && w.pa >= 0) {
    const u8 = w.mmu.mem.u8;
    for (let y = 0; y < th; y++) {
      const i = y * TILE_SIZE;
      u8.set(stencil.subarray(i, i + tw), w.pa + po + (y0 + y) * stride + x0);
    }
  } else {
    for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) w.w8(po + pixelOffset(d.zs_layout!, x0 + x, y0 + y, stride, 1), stencil[y * TILE_SIZE + x]!);
  }
}

// The per-pixel units, for twiddled surfaces, surfaces scattered over
// physical pages (each access translated) and the 16-bit and float formats.

function loadPixel(rt: ColorTarget, x: number, y: number, c: Float32Array | Float64Array | Int32Array, o: number, po: number): void {
  const off = po + pixelOffset(rt.layout, x, y, rt.stride, rt.bpp);
  COLOR_UNPACK[rt.format]?.(rt.window!, off, c, o);
}

function storePixel(rt: ColorTarget, x: number, y: number, color: Float32Array | Float64Array | Int32Array, i: number, po: number): void {
  const off = po + pixelOffset(rt.layout, x, y, rt.stride, rt.bpp);
  COLOR_PACK[rt.format]?.(rt.window!, off, color, i);
}

function loadZsPixel(fb: Framebuffer, x: number, y: number, depth: Float32Array, stencil: Uint8Array, i: number, po: number): void {
  const d = fb.desc, w = fb.zs!;
  const off = po + pixelOffset(d.zs_layout!, x, y, d.zs_stride!, ZS_FORMAT_BPP[ZS_FORMAT[fb.zsFormat]!]);
  if (fb.zsFormat === 1) { depth[i] = w.r16(off) / 65535; stencil[i] = 0; }
  else if (fb.zsFormat === 2) { const v = w.r32(off); depth[i] = (v >>> 8) / 16777215; stencil[i] = v & 255; }
  else { depth[i] = w.rf32(off); stencil[i] = 0; }
}

function storeZsPixel(fb: Framebuffer, x: number, y: number, depth: Float32Array, stencil: Uint8Array, i: number, po: number): void {
  const d = fb.desc, w = fb.zs!;
  const off = po + pixelOffset(d.zs_layout!, x, y, d.zs_stride!, ZS_FORMAT_BPP[ZS_FORMAT[fb.zsFormat]!]);
  if (fb.zsFormat === 1) w.w16(off, Math.round(depth[i]! * 65535));
  else if (fb.zsFormat === 2) w.w32(off, ((Math.round(depth[i]! * 16777215) << 8) | stencil[i]!) >>> 0);
  else w.wf32(off, depth[i]!);
}
