/**
 * The texture unit: reads TEXTURE descriptors and texels through the MMU,
 * applies wrap modes, nearest/linear filtering, mipmap selection (implicit
 * LOD from 2x2 quad derivatives, bias, explicit LOD, gradients) and cube-map
 * face selection as OpenGL ES 2.0 §3.7 specifies.
 */
import { TEXTURE, TEX_FORMAT } from '../hwdesc/descriptors.js';
import { unpack } from '../hwdesc/struct.js';
import { ACCESS_READ } from '../hwdesc/regs.js';
import type { Mmu } from './mmu.js';
import { VaWindow } from './vabuf.js';
import { PIXEL_FORMATS, TEX_FORMAT_LAYOUT, UNPACK, type UnpackFn } from '../hwdesc/formats.js';

/** Bytes per texel of each format (hwdesc/formats.ts). */
export const TEX_BPP = Object.fromEntries(TEX_FORMAT.map((n) => [n, PIXEL_FORMATS[TEX_FORMAT_LAYOUT[n]].bytes])) as Record<(typeof TEX_FORMAT)[number], number>;
/** Each format's texel unpacking (derived from its row in hwdesc/formats.ts), by TEX_FORMAT index. */
const TEX_UNPACK: readonly UnpackFn[] = TEX_FORMAT.map((n) => UNPACK[TEX_FORMAT_LAYOUT[n]]);
const DEPTH16 = TEX_FORMAT.indexOf('depth16'), DEPTH32 = TEX_FORMAT.indexOf('depth32'), DEPTH24_STENCIL8 = TEX_FORMAT.indexOf('depth24_stencil8');

/** Byte offset of mip level `level` within one face. */
export function levelOffset(format: number, w: number, h: number, level: number): number {
  const bpp = TEX_BPP[TEX_FORMAT[format]!]!;
  let off = 0;
  for (let i = 0; i < level; i++) off += Math.max(1, w >> i) * Math.max(1, h >> i) * bpp;
  return off;
}

export interface BoundTexture {
  width: number; height: number; cube: boolean; format: number; levels: number;
  wrapS: number; wrapT: number; minFilter: number; magFilter: number; mipFilter: number;
  faceStride: number;
  /** depth comparison: COMPARE index of the function, -1 when off */
  compareFunc: number;
  /** DEPTH_MODE index: how depth (or its comparison) becomes rgba */
  depthMode: number;
  /** the reference of the sample being taken (set by sample() when compareFunc >= 0) */
  ref: number;
  win: VaWindow | null;
  levelOffsets: number[];
  /** bytes per texel of `format` */
  bpp: number;
  /** anisotropic filtering: at most this many probes (1: off) */
  maxAniso: number;
}

export function bindTexture(mmu: Mmu, slot: number, descVa: number): BoundTexture {
  const v = unpack(TEXTURE, mmu.readWords(slot, descVa, TEXTURE.words)).values;
  const width = v.width!, height = v.height!, format = v.format!;
  const levels = Math.max(1, v.levels!);
  const cube = v.dim === 1;
  const levelOffsets: number[] = [];
  for (let i = 0; i <= levels; i++) levelOffsets.push(levelOffset(format, width, height, i));
  const faceBytes = levelOffsets[levels]!;
  const total = (cube ? 5 * v.face_stride! : 0) + faceBytes;
  const win = width && height && TEX_FORMAT[format] ? new VaWindow(mmu, slot, v.address!, total, ACCESS_READ) : null;
  return {
    width, height, cube, format, levels, wrapS: v.wrap_s!, wrapT: v.wrap_t!, minFilter: v.min_filter!,
    magFilter: v.mag_filter!, mipFilter: v.mip_filter!, faceStride: v.face_stride!, win, levelOffsets,
    compareFunc: v.compare ? v.compare_func! : -1, ref: 0, depthMode: v.depth_mode!,
    bpp: TEX_BPP[TEX_FORMAT[format]!] ?? 0, maxAniso: Math.min(16, Math.max(1, v.max_anisotropy!)),
  };
}

function wrap(mode: number, i: number, size: number): number {
  switch (mode) {
    // power-of-two sizes (the common case) wrap with a mask: the same result for any int32 i, without two divisions
    case 0: return (size & (size - 1)) === 0 && (i | 0) === i ? i & (size - 1) : ((i % size) + size) % size;
    case 1: return Math.min(Math.max(i, 0), size - 1);
    default: {
      const period = 2 * size;
      const m = ((i % period) + period) % period;
      return m < size ? m : period - 1 - m;
    }
  }
}

function fetch(t: BoundTexture, face: number, level: number, x: number, y: number, out: Float32Array, o: number): void {
  const w = Math.max(1, t.width >> level);
  const bpp = t.bpp;
  const off = face * t.faceStride + t.levelOffsets[level]! + (y * w + x) * bpp;
  const win = t.win!;
  if (t.format === RGBA8 && win.pa >= 0 && off >= 0 && off + 4 <= win.len) {
    // rgba8 in a contiguous window, straight from memory (out of range falls through to the checked path, which faults)
    const u8 = win.mmu.mem.u8, p = win.pa + off;
    out[o] = UNORM8[u8[p]!]!; out[o + 1] = UNORM8[u8[p + 1]!]!; out[o + 2] = UNORM8[u8[p + 2]!]!; out[o + 3] = UNORM8[u8[p + 3]!]!;
    return;
  }
  switch (t.format) {
    case DEPTH16: return depthTexel(t, win.r16(off) / 65535, out, o);
    case DEPTH32: return depthTexel(t, win.rf32(off), out, o);
    case DEPTH24_STENCIL8: return depthTexel(t, (win.r32(off) >>> 8) / 16777215, out, o);
  }
  const unpack = TEX_UNPACK[t.format];
  if (unpack) unpack(win, off, out, o);
  else { out[o] = 0; out[o + 1] = 0; out[o + 2] = 0; out[o + 3] = 1; }
}

/** A depth texel: compared with the reference first when the texture compares (ARB_shadow: 1 or 0 per texel,
 *  then filtered), then spread per DEPTH_MODE. */
function depthTexel(t: BoundTexture, d: number, out: Float32Array, o: number): void {
  if (t.compareFunc >= 0) d = depthCompare(t.compareFunc, t.ref, d);
  if (t.depthMode === 2) { out[o] = 0; out[o + 1] = 0; out[o + 2] = 0; out[o + 3] = d; return; }
  out[o] = d; out[o + 1] = d; out[o + 2] = d; out[o + 3] = t.depthMode === 1 ? d : 1;
}

/** The COMPARE functions (never, less, equal, lequal, greater, notequal, gequal, always) of `ref op depth`. */
export function depthCompare(func: number, ref: number, depth: number): number {
  switch (func) {
    case 1: return ref < depth ? 1 : 0;
    case 2: return ref === depth ? 1 : 0;
    case 3: return ref <= depth ? 1 : 0;
    case 4: return ref > depth ? 1 : 0;
    case 5: return ref !== depth ? 1 : 0;
    case 6: return ref >= depth ? 1 : 0;
    case 7: return 1;
    default: return 0;
  }
}

const tmp = new Float32Array(16);
const RGBA8 = TEX_FORMAT.indexOf('rgba8');
/** k / 255 for every byte k: the unorm8 values, without a division per fetch */
const UNORM8 = Float64Array.from({ length: 256 }, (_, k) => k / 255);
/** the same as float32: what a fetched rgba8 texel holds once in a Float32Array (as the filter reads it) */
const UNORM8F = Float32Array.from({ length: 256 }, (_, k) => k / 255);

function sampleLevel(t: BoundTexture, face: number, level: number, s: number, tt: number, linear: boolean, out: Float32Array, o: number): void {
  const w = Math.max(1, t.width >> level), h = Math.max(1, t.height >> level);
  const u = s * w, v = tt * h;
  if (!linear) {
    const x = wrap(t.wrapS, Math.floor(u), w), y = wrap(t.wrapT, Math.floor(v), h);
    fetch(t, face, level, x, y, out, o);
    return;
  }
  const x0f = Math.floor(u - 0.5), y0f = Math.floor(v - 0.5);
  const fa = u - 0.5 - x0f, fb = v - 0.5 - y0f;
  const x0 = wrap(t.wrapS, x0f, w), x1 = wrap(t.wrapS, x0f + 1, w);
  const y0 = wrap(t.wrapT, y0f, h), y1 = wrap(t.wrapT, y0f + 1, h);
  const win = t.win!;
  if (t.format === RGBA8 && win.pa >= 0) {
    // rgba8 in a contiguous window: the four texels straight from memory, filtered with the
    // same arithmetic as below (each texel as the float32 the generic path would hold)
    const base = face * t.faceStride + t.levelOffsets[level]!;
    const a00 = base + (y0 * w + x0) * 4, a10 = base + (y0 * w + x1) * 4, a01 = base + (y1 * w + x0) * 4, a11 = base + (y1 * w + x1) * 4;
    if (Math.min(a00, a10, a01, a11) >= 0 && Math.max(a00, a10, a01, a11) + 4 <= win.len) {
      const u8 = win.mmu.mem.u8, p = win.pa;
      const w00 = (1 - fa) * (1 - fb), w10 = fa * (1 - fb), w01 = (1 - fa) * fb, w11 = fa * fb;
      for (let i = 0; i < 4; i++) {
        out[o + i] = w00 * UNORM8F[u8[p + a00 + i]!]! + w10 * UNORM8F[u8[p + a10 + i]!]! + w01 * UNORM8F[u8[p + a01 + i]!]! + w11 * UNORM8F[u8[p + a11 + i]!]!;
      }
      return;
    }
  }
  fetch(t, face, level, x0, y0, tmp, 0);
  fetch(t, face, level, x1, y0, tmp, 4);
  fetch(t, face, level, x0, y1, tmp, 8);
  fetch(t, face, level, x1, y1, tmp, 12);
  for (let i = 0; i < 4; i++) {
    out[o + i] = (1 - fa) * (1 - fb) * tmp[i]! + fa * (1 - fb) * tmp[4 + i]! + (1 - fa) * fb * tmp[8 + i]! + fa * fb * tmp[12 + i]!;
  }
}

/** GL ES 2.0 table 3.21: major axis selects the face; returns [face, s, t]. */
export function cubeFace(x: number, y: number, z: number): [number, number, number] {
  const ax = Math.abs(x), ay = Math.abs(y), az = Math.abs(z);
  let face: number, sc: number, tc: number, ma: number;
  if (ax >= ay && ax >= az) { ma = ax; if (x >= 0) { face = 0; sc = -z; tc = -y; } else { face = 1; sc = z; tc = -y; } }
  else if (ay >= az) { ma = ay; if (y >= 0) { face = 2; sc = x; tc = z; } else { face = 3; sc = x; tc = -z; } }
  else { ma = az; if (z >= 0) { face = 4; sc = x; tc = -y; } else { face = 5; sc = -x; tc = -y; } }
  if (ma === 0) return [0, 0.5, 0.5];
  return [face, (sc / ma + 1) / 2, (tc / ma + 1) / 2];
}

const l2 = new Float32Array(4);

/** Samples with a known LOD (lambda); the texture-complete check happens in the driver. */
export function sample(t: BoundTexture, coords: Float32Array, ci: number, lambda: number, out: Float32Array, o: number): void {
  if (!t.win) { out[o] = 0; out[o + 1] = 0; out[o + 2] = 0; out[o + 3] = 1; return; }
  let face = 0, s = coords[ci]!, tt = coords[ci + 1]!;
  if (t.cube) [face, s, tt] = cubeFace(coords[ci]!, coords[ci + 1]!, coords[ci + 2]!);
  // the depth reference follows the coordinates, clamped to [0, 1] (GL 2.1 depth textures are fixed-point)
  if (t.compareFunc >= 0) t.ref = Math.min(1, Math.max(0, coords[ci + (t.cube ? 3 : 2)]!));
  const magnify = lambda <= 0 || t.mipFilter === 0 && lambda <= 0;
  if (magnify || t.mipFilter === 0) {
    sampleLevel(t, face, 0, s, tt, (magnify ? t.magFilter : t.minFilter) === 1, out, o);
    return;
  }
  const maxLevel = t.levels - 1;
  const lin = t.minFilter === 1;
  if (t.mipFilter === 1) {
    const level = Math.min(maxLevel, Math.max(0, Math.ceil(lambda + 0.5) - 1));
    sampleLevel(t, face, level, s, tt, lin, out, o);
    return;
  }
  const d1 = Math.min(maxLevel, Math.floor(lambda)), d2 = Math.min(maxLevel, d1 + 1);
  const fr = lambda - Math.floor(lambda);
  sampleLevel(t, face, d1, s, tt, lin, out, o);
  if (d1 === d2 || fr === 0) return;
  sampleLevel(t, face, d2, s, tt, lin, l2, 0);
  for (let i = 0; i < 4; i++) out[o + i] = (1 - fr) * out[o + i]! + fr * l2[i]!;
}

/** lambda from the texel-space derivatives of a quad (GL ES 2.0 §3.7.7, the max-of-lengths form). */
export function lodFromDerivs(t: BoundTexture, dsdx: number, dtdx: number, dsdy: number, dtdy: number): number {
  const w = t.width, h = t.height;
  const rx = Math.hypot(dsdx * w, dtdx * h), ry = Math.hypot(dsdy * w, dtdy * h);
  const rho = Math.max(rx, ry);
  return rho > 0 ? Math.log2(rho) : -Infinity;
}

const probe = new Float32Array(4), probeOut = new Float32Array(4);

/**
 * Anisotropic filtering as EXT_texture_filter_anisotropic describes it: the
 * footprint's axes in texels are Px = |(ds/dx, dt/dx)| and Py = |(ds/dy, dt/dy)|;
 * N = min(ceil(Pmax / Pmin), maxAniso) probes are taken along the major axis,
 * at offsets (i / (N + 1) - 1/2) of its derivative for i = 1..N, each an
 * ordinary (trilinear) sample at lambda' = log2(Pmax / N) + bias, and averaged.
 * With N = 1 this is exactly the isotropic sample at the usual max-of-lengths LOD.
 * 2D only; the caller keeps cube maps on the isotropic path.
 */
export function sampleAnisotropic(t: BoundTexture, coords: Float32Array, ci: number, dsdx: number, dtdx: number, dsdy: number, dtdy: number,
  bias: number, out: Float32Array, o: number): void {
  const px = Math.hypot(dsdx * t.width, dtdx * t.height), py = Math.hypot(dsdy * t.width, dtdy * t.height);
  const pmax = Math.max(px, py), pmin = Math.min(px, py);
  const n = pmax === 0 ? 1 : pmin === 0 ? t.maxAniso : Math.min(Math.ceil(pmax / pmin), t.maxAniso);
  const lambda = (pmax > 0 ? Math.log2(pmax / n) : -Infinity) + bias;
  if (n === 1) { sample(t, coords, ci, lambda, out, o); return; }
  const [ds, dt] = px >= py ? [dsdx, dtdx] : [dsdy, dtdy];
  let r = 0, g = 0, b = 0, a = 0;
  for (let i = 1; i <= n; i++) {
    const k = i / (n + 1) - 0.5;
    probe[0] = coords[ci]! + k * ds; probe[1] = coords[ci + 1]! + k * dt; probe[2] = coords[ci + 2]!; probe[3] = coords[ci + 3]!;
    sample(t, probe, 0, lambda, probeOut, 0);
    r += probeOut[0]!; g += probeOut[1]!; b += probeOut[2]!; a += probeOut[3]!;
  }
  out[o] = r / n; out[o + 1] = g / n; out[o + 2] = b / n; out[o + 3] = a / n;
}
