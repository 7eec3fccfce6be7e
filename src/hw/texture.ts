/**
 * The texture unit: reads TEXTURE descriptors and texels through the MMU,
 * applies wrap modes, nearest/linear filtering, mipmap selection (implicit
 * LOD from 2x2 quad derivatives, bias, explicit LOD, gradients) and cube-map
 * face selection as OpenGL ES 2.0 §3.7 specifies.
 *
 * Fixed-point rules (the texture unit's arithmetic, as real texture units
 * and llvmpipe's AoS path have it; docs/ARCHITECTURE.md "Texture sampling"):
 * - The level of detail is 8.8 fixed point (`L` = lambda * 256): an implicit
 *   LOD is floor(128 * log2(rho^2)) with rho^2 the larger squared length of
 *   the quad's texel-space derivatives (lodFixed: the exponent of the double,
 *   then seven squarings of its mantissa); a bias or explicit LOD is floored
 *   to 1/256. Level selection and the mip blend weight follow from L.
 * - unorm8 formats (rgba8, rgb8, la8, l8, a8) filter in integers: texel
 *   coordinates in 1/256 texel (floor of the float32 product s * (size * 256),
 *   minus 128 for linear), the
 *   bilinear weights are their 8 fractional bits, and every blend (across x,
 *   then y, then between two levels) is lerp8(a, b, f) = (a (256 - f) + b f +
 *   128) >> 8 on the 8-bit channels; the result k becomes the float32 k / 255.
 *   Other formats filter in double from their float texels.
 * - Texel coordinates are integers saturated to int32 (NaN is 0) before the
 *   wrap mode applies.
 * The fused kernels' sampler (sampler-wasm.ts) does the same arithmetic in
 * WebAssembly SIMD; these functions are the reference it is tested against.
 */
import { TEXTURE, TEX_DIM, TEX_FORMAT } from '../hwdesc/descriptors.js';
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
/** planar DEPTH32F_STENCIL8: the texture is its float32 depth plane (the stencil plane lies elsewhere and is not sampled) */
const DEPTH32F_STENCIL8 = TEX_FORMAT.indexOf('depth32f_stencil8');

/** Byte offset of mip level `level` within one face; each level holds all its slices (3d: depth >> level of them, 2d_array: depth). */
export function levelOffset(format: number, w: number, h: number, level: number, depth = 1, is3d = false): number {
  const bpp = TEX_BPP[TEX_FORMAT[format]!]!;
  let off = 0;
  for (let i = 0; i < level; i++) off += Math.max(1, w >> i) * Math.max(1, h >> i) * (is3d ? Math.max(1, depth >> i) : depth) * bpp;
  return off;
}
export const DIM_3D = TEX_DIM.indexOf('3d'), DIM_ARRAY = TEX_DIM.indexOf('2d_array');

export interface BoundTexture {
  /** unorm8 texels: how each of R, G, B, A comes from the texel's bytes (a byte index, or -1 for 255, -2 for 0); null for other formats */
  unorm8: Int8Array | null;
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
  /** the texel offsets of the sample being taken (ES 3.0 textureOffset; set by setTexelOffsets), in texels at every level */
  offX: number; offY: number;
  /** TEXTURE lod_clamp: L is clamped to [minLod, maxLod] (8.8 fixed point) */
  lodClamp: boolean; minLod: number; maxLod: number;
  /** TEX_DIM index; 3d: slices of level 0, 2d_array: layers (else 1); the wrap mode in r */
  dim: number; depth: number; wrapR: number;
  /** the slice (3d) or layer (2d_array) the sample being taken reads, at its level */
  z: number;
}

export function bindTexture(mmu: Mmu, slot: number, descVa: number): BoundTexture {
  const v = unpack(TEXTURE, mmu.readWords(slot, descVa, TEXTURE.words)).values;
  const width = v.width!, height = v.height!, format = v.format!;
  const levels = Math.max(1, v.levels!);
  const cube = v.dim === 1, dim = v.dim!;
  const depth = dim === DIM_3D || dim === DIM_ARRAY ? Math.max(1, v.depth!) : 1;
  const levelOffsets: number[] = [];
  for (let i = 0; i <= levels; i++) levelOffsets.push(levelOffset(format, width, height, i, depth, dim === DIM_3D));
  const faceBytes = levelOffsets[levels]!;
  const total = (cube ? 5 * v.face_stride! : 0) + faceBytes;
  const win = width && height && TEX_FORMAT[format] ? new VaWindow(mmu, slot, v.address!, total, ACCESS_READ) : null;
  return {
    width, height, cube, format, levels, wrapS: v.wrap_s!, wrapT: v.wrap_t!, minFilter: v.min_filter!,
    magFilter: v.mag_filter!, mipFilter: v.mip_filter!, faceStride: v.face_stride!, win, levelOffsets,
    compareFunc: v.compare ? v.compare_func! : -1, ref: 0, depthMode: v.depth_mode!,
    bpp: TEX_BPP[TEX_FORMAT[format]!] ?? 0, unorm8: UNORM8_SWIZZLE[format] ?? null, maxAniso: Math.min(16, Math.max(1, v.max_anisotropy!)),
    offX: 0, offY: 0,
    lodClamp: !!v.lod_clamp, minLod: v.min_lod!, maxLod: v.max_lod!,
    dim, depth, wrapR: v.wrap_r!, z: 0,
  };
}

/** The unorm8 texture formats: R, G, B, A as byte indices of the texel (-1: 255, -2: 0), from their rows in hwdesc/formats.ts. */
const UNORM8_SWIZZLE: ReadonlyArray<Int8Array | null> = TEX_FORMAT.map((n) => {
  const f = PIXEL_FORMATS[TEX_FORMAT_LAYOUT[n]];
  if (f.layout !== 'array' || f.colorspace !== 'linear' || !f.channels.every((c) => c.type === 'unorm' && c.bits === 8)) return null;
  return Int8Array.from([...f.swizzle], (ch) => ch === '1' ? -1 : ch === '0' ? -2 : 'xyzw'.indexOf(ch));
});
export const RGBA8 = TEX_FORMAT.indexOf('rgba8');

/** LOD limits of the 8.8 fixed-point level of detail (L <= 0 magnifies) */
export const LOD_MIN = -8192, LOD_MAX = 8192;
const F64 = new Float64Array(1), F64_HI = new Uint32Array(F64.buffer);
/**
 * floor(128 * log2(r2)), the 8.8 fixed-point LOD of rho = sqrt(r2), clamped to
 * [LOD_MIN, LOD_MAX] (r2 below 2^-64, zero or NaN give LOD_MIN): the exponent
 * of the double, then the seven fraction bits of log2 of its mantissa m in
 * [1, 2) by squaring (m^2 >= 2: a 1 bit, and m halves), in double.
 */
export function lodFixed(r2: number): number {
  if (!(r2 >= 2 ** -64)) return LOD_MIN;
  if (r2 >= 2 ** 64) return LOD_MAX;
  F64[0] = r2;
  const hi = F64_HI[1]!;
  const e = (hi >>> 20) - 1023;
  F64_HI[1] = (hi & 0xfffff) | 0x3ff00000;
  let m = F64[0]!, frac = 0;
  for (let i = 0; i < 7; i++) { m *= m; frac <<= 1; if (m >= 2) { m *= 0.5; frac |= 1; } }
  return e * 128 + frac;
}
/** a float LOD (bias or explicit) in 1/256, floored and saturated (NaN is 0) */
export function lodOf(x: number): number {
  const v = Math.floor(x * 256);
  return v >= LOD_MAX ? LOD_MAX : v <= LOD_MIN ? LOD_MIN : v === v ? v : 0;
}
/**
 * A unorm8 texture's integer texel coordinate (in texels, or 1/256 texel when
 * scale = 256): the float32 product of the coordinate and size * scale,
 * floored, saturated to int32, NaN 0 (what f32x4.mul, floor and
 * i32x4.trunc_sat give).
 */
function texelCoord(s: number, size: number, scale: number): number {
  const v = Math.floor(Math.fround(s * (size * scale)));
  return v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : v === v ? v : 0;
}
/** (a (256 - f) + b f + 128) >> 8: the blend of two 8-bit channels with an 8-bit weight */
export function lerp8(a: number, b: number, f: number): number { return (a * (256 - f) + b * f + 128) >> 8; }

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

/**
 * Where the unit writes a sample: floats, or (an integer return, tex .int) an Int32Array over the same
 * words — an integer format's unpack gives its integers, which the view stores as their 32-bit words
 * (4294967295 and -1 alike as 0xffffffff).
 */
export type TexOut = Float32Array | Int32Array;
let lastWords: Int32Array | null = null;
/** An Int32Array over the words of `f` (kept for the next call on the same buffer). */
export function intWords(f: Float32Array): Int32Array {
  if (lastWords && lastWords.buffer === f.buffer && lastWords.byteOffset === f.byteOffset && lastWords.length === f.length) return lastWords;
  return (lastWords = new Int32Array(f.buffer, f.byteOffset, f.length));
}

function fetch(t: BoundTexture, face: number, level: number, x: number, y: number, out: TexOut, o: number): void {
  const w = Math.max(1, t.width >> level);
  const bpp = t.bpp;
  const off = face * t.faceStride + t.levelOffsets[level]! + (t.z * Math.max(1, t.height >> level) + y) * w * bpp + x * bpp;
  const win = t.win!;
  switch (t.format) {
    case DEPTH16: return depthTexel(t, win.r16(off) / 65535, out, o);
    case DEPTH32: case DEPTH32F_STENCIL8: return depthTexel(t, win.rf32(off), out, o);
    case DEPTH24_STENCIL8: return depthTexel(t, (win.r32(off) >>> 8) / 16777215, out, o);
  }
  const unpack = TEX_UNPACK[t.format];
  if (unpack) unpack(win, off, out, o);
  else { out[o] = 0; out[o + 1] = 0; out[o + 2] = 0; out[o + 3] = 1; }
}

/** A depth texel: compared with the reference first when the texture compares (ARB_shadow: 1 or 0 per texel,
 *  then filtered), then spread per DEPTH_MODE. */
function depthTexel(t: BoundTexture, d: number, out: TexOut, o: number): void {
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
/** k / 255 as float32 for every byte k: a unorm8 channel as the shader receives it */
const UNORM8F = Float32Array.from({ length: 256 }, (_, k) => k / 255);

function sampleLevel(t: BoundTexture, face: number, level: number, s: number, tt: number, linear: boolean, out: TexOut, o: number): void {
  const w = Math.max(1, t.width >> level), h = Math.max(1, t.height >> level);
  const u = s * w + t.offX, v = tt * h + t.offY;
  if (!linear) {
    const x = wrap(t.wrapS, Math.floor(u), w), y = wrap(t.wrapT, Math.floor(v), h);
    fetch(t, face, level, x, y, out, o);
    return;
  }
  const x0f = Math.floor(u - 0.5), y0f = Math.floor(v - 0.5);
  const fa = u - 0.5 - x0f, fb = v - 0.5 - y0f;
  const x0 = wrap(t.wrapS, x0f, w), x1 = wrap(t.wrapS, x0f + 1, w);
  const y0 = wrap(t.wrapT, y0f, h), y1 = wrap(t.wrapT, y0f + 1, h);
  fetch(t, face, level, x0, y0, tmp, 0);
  fetch(t, face, level, x1, y0, tmp, 4);
  fetch(t, face, level, x0, y1, tmp, 8);
  fetch(t, face, level, x1, y1, tmp, 12);
  for (let i = 0; i < 4; i++) {
    out[o + i] = (1 - fa) * (1 - fb) * tmp[i]! + fa * (1 - fb) * tmp[4 + i]! + (1 - fa) * fb * tmp[8 + i]! + fa * fb * tmp[12 + i]!;
  }
}

/** The unorm8 texel (x, y) of `level`: R, G, B, A as bytes of a 32-bit word (R lowest). */
function fetch8(t: BoundTexture, face: number, level: number, x: number, y: number): number {
  const w = Math.max(1, t.width >> level);
  const off = face * t.faceStride + t.levelOffsets[level]! + (t.z * Math.max(1, t.height >> level) + y) * w * t.bpp + x * t.bpp;
  const win = t.win!;
  if (t.format === RGBA8 && win.pa >= 0 && off >= 0 && off + 4 <= win.len) {
    const p = win.pa + off;
    return (p & 3) === 0 ? win.mmu.mem.u32[p >> 2]! : win.mmu.mem.dv.getUint32(p, true);
  }
  const sw = t.unorm8!;
  let v = 0;
  for (let c = 0; c < 4; c++) {
    const k = sw[c]!;
    v |= (k === -1 ? 255 : k === -2 ? 0 : win.r8(off + k)) << (8 * c);
  }
  return v >>> 0;
}

/** per-channel lerp8 of two packed texels */
function lerp8x4(a: number, b: number, f: number): number {
  return (lerp8(a & 255, b & 255, f) | lerp8(a >>> 8 & 255, b >>> 8 & 255, f) << 8
    | lerp8(a >>> 16 & 255, b >>> 16 & 255, f) << 16 | lerp8(a >>> 24, b >>> 24, f) << 24) >>> 0;
}

/** A unorm8 texture's filtered sample of one level, as packed bytes (the fixed-point rules above). */
function sampleLevel8(t: BoundTexture, face: number, level: number, s: number, tt: number, linear: boolean): number {
  const w = Math.max(1, t.width >> level), h = Math.max(1, t.height >> level);
  if (!linear) return fetch8(t, face, level, wrap(t.wrapS, texelCoord(s, w, 1) + t.offX, w), wrap(t.wrapT, texelCoord(tt, h, 1) + t.offY, h));
  const xi = (texelCoord(s, w, 256) - 128 + t.offX * 256) | 0, yi = (texelCoord(tt, h, 256) - 128 + t.offY * 256) | 0;
  const xf = xi >> 8, yf = yi >> 8, fx = xi & 255, fy = yi & 255;
  const x0 = wrap(t.wrapS, xf, w), x1 = wrap(t.wrapS, xf + 1, w);
  const y0 = wrap(t.wrapT, yf, h), y1 = wrap(t.wrapT, yf + 1, h);
  const top = lerp8x4(fetch8(t, face, level, x0, y0), fetch8(t, face, level, x1, y0), fx);
  const bottom = lerp8x4(fetch8(t, face, level, x0, y1), fetch8(t, face, level, x1, y1), fx);
  return lerp8x4(top, bottom, fy);
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

const l2 = new Float32Array(4), l3 = new Float32Array(4);
/** an integer texel coordinate saturated to int32, NaN 0 */
const isat = (v: number): number => v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : v === v ? v : 0;

/** A 3D texture's sample of one level: the slice(s) along r (wrap_r), each filtered in s and t, linear in r between two. */
function sampleLevel3(t: BoundTexture, level: number, s: number, tt: number, r: number, linear: boolean, out: TexOut, o: number): void {
  const d = Math.max(1, t.depth >> level);
  if (!linear) {
    t.z = wrap(t.wrapR, isat(Math.floor(r * d)), d);
    sampleLevel(t, 0, level, s, tt, false, out, o);
    return;
  }
  const w = r * d - 0.5, z0 = isat(Math.floor(w)), fz = w - z0;
  t.z = wrap(t.wrapR, z0, d);
  sampleLevel(t, 0, level, s, tt, true, out, o);
  t.z = wrap(t.wrapR, z0 + 1 > 2147483647 ? z0 : z0 + 1, d);
  sampleLevel(t, 0, level, s, tt, true, l3, 0);
  t.z = 0;
  if (!(fz > 0)) return;
  for (let i = 0; i < 4; i++) out[o + i] = (1 - fz) * out[o + i]! + fz * l3[i]!;
}

/**
 * Samples with a known level of detail L (8.8 fixed point, lambda * 256);
 * the texture-complete check happens in the driver. int (tex .int): an
 * integer return into an Int32Array — never filtered: the nearest texel of
 * the nearest level, whatever the filters say (ES 3.0 makes a filtering
 * integer texture incomplete, so the driver never asks).
 */
export function sample(t: BoundTexture, coords: Float32Array, ci: number, L: number, out: TexOut, o: number, int = false): void {
  if (!t.win) { out[o] = 0; out[o + 1] = 0; out[o + 2] = 0; out[o + 3] = 1; return; }
  let face = 0, s = coords[ci]!, tt = coords[ci + 1]!;
  if (t.cube) [face, s, tt] = cubeFace(coords[ci]!, coords[ci + 1]!, coords[ci + 2]!);
  // a 2D array's layer: round(r) clamped to the layers (ES 3.0 § 3.8.9, NaN 0)
  t.z = t.dim === DIM_ARRAY ? Math.min(t.depth - 1, Math.max(0, Math.floor(coords[ci + 2]! + 0.5) || 0)) : 0;
  // the depth reference follows the coordinates, clamped to [0, 1] (GL 2.1 depth textures are fixed-point)
  if (t.compareFunc >= 0) t.ref = Math.min(1, Math.max(0, coords[ci + (t.cube || t.dim === DIM_ARRAY ? 3 : 2)]!));
  // ES 3.0 § 3.8.9: lambda (bias included) clamped to [TEXTURE_MIN_LOD, TEXTURE_MAX_LOD] before anything else
  if (t.lodClamp) L = Math.max(t.minLod, Math.min(t.maxLod, L));
  // the level(s) and filter: L <= 0 magnifies
  let d1 = 0, d2 = 0, fr = 0, lin: boolean;
  if (L <= 0 || t.mipFilter === 0) lin = (L <= 0 ? t.magFilter : t.minFilter) === 1;
  else {
    const maxLevel = t.levels - 1;
    lin = t.minFilter === 1;
    if (t.mipFilter === 1 || int) d1 = Math.min(maxLevel, Math.max(0, (L + 127) >> 8));
    else { d1 = Math.min(maxLevel, L >> 8); d2 = Math.min(maxLevel, d1 + 1); fr = L & 255; }
  }
  if (int) lin = false;
  const two = d2 !== d1 && fr !== 0;
  if (t.dim === DIM_3D) {
    sampleLevel3(t, d1, s, tt, coords[ci + 2]!, lin, out, o);
    if (!two) return;
    sampleLevel3(t, d2, s, tt, coords[ci + 2]!, lin, l2, 0);
    const f = fr / 256;
    for (let i = 0; i < 4; i++) out[o + i] = (1 - f) * out[o + i]! + f * l2[i]!;
    return;
  }
  if (t.unorm8 && !int) {
    let v = sampleLevel8(t, face, d1, s, tt, lin);
    if (two) v = lerp8x4(v, sampleLevel8(t, face, d2, s, tt, lin), fr);
    out[o] = UNORM8F[v & 255]!; out[o + 1] = UNORM8F[v >>> 8 & 255]!; out[o + 2] = UNORM8F[v >>> 16 & 255]!; out[o + 3] = UNORM8F[v >>> 24]!;
    return;
  }
  sampleLevel(t, face, d1, s, tt, lin, out, o);
  if (!two) return;
  sampleLevel(t, face, d2, s, tt, lin, l2, 0);
  const f = fr / 256;
  for (let i = 0; i < 4; i++) out[o + i] = (1 - f) * out[o + i]! + f * l2[i]!;
}

/** The 8.8 fixed-point LOD of texel-space derivatives (GL ES 2.0 §3.7.7, the max-of-lengths form): lodFixed of rho^2. */
export function lodFromDerivs(t: BoundTexture, dsdx: number, dtdx: number, dsdy: number, dtdy: number, drdx = 0, drdy = 0): number {
  const w = t.width, h = t.height, d = t.dim === DIM_3D ? t.depth : 0;
  const ax = dsdx * w, bx = dtdx * h, cx = drdx * d, ay = dsdy * w, by = dtdy * h, cy = drdy * d;
  return lodFixed(Math.max(ax * ax + bx * bx + cx * cx, ay * ay + by * by + cy * cy));
}

const probe = new Float32Array(4), probeOut = new Float32Array(4);

/**
 * Anisotropic filtering as EXT_texture_filter_anisotropic describes it: the
 * footprint's axes in texels are Px = |(ds/dx, dt/dx)| and Py = |(ds/dy, dt/dy)|;
 * N = min(ceil(Pmax / Pmin), maxAniso) probes are taken along the major axis,
 * at offsets (i / (N + 1) - 1/2) of its derivative for i = 1..N, each an
 * ordinary (trilinear) sample at lambda' = log2(Pmax / N) + bias (8.8 fixed point), and averaged.
 * With N = 1 this is exactly the isotropic sample at the usual max-of-lengths LOD.
 * 2D only; the caller keeps cube maps on the isotropic path.
 */
export function sampleAnisotropic(t: BoundTexture, coords: Float32Array, ci: number, dsdx: number, dtdx: number, dsdy: number, dtdy: number,
  bias: number, out: Float32Array, o: number): void {
  const px = Math.hypot(dsdx * t.width, dtdx * t.height), py = Math.hypot(dsdy * t.width, dtdy * t.height);
  const pmax = Math.max(px, py), pmin = Math.min(px, py);
  const n = pmax === 0 ? 1 : pmin === 0 ? t.maxAniso : Math.min(Math.ceil(pmax / pmin), t.maxAniso);
  // the LOD (8.8 fixed point) of the probes: log2(Pmax / N), the isotropic one when N = 1, plus the bias
  let L = n === 1 ? lodFromDerivs(t, dsdx, dtdx, dsdy, dtdy) : lodFixed((pmax / n) ** 2);
  L = Math.min(LOD_MAX, Math.max(LOD_MIN, L + lodOf(bias)));
  if (n === 1) { sample(t, coords, ci, L, out, o); return; }
  const [ds, dt] = px >= py ? [dsdx, dtdx] : [dsdy, dtdy];
  let r = 0, g = 0, b = 0, a = 0;
  for (let i = 1; i <= n; i++) {
    const k = i / (n + 1) - 0.5;
    probe[0] = coords[ci]! + k * ds; probe[1] = coords[ci + 1]! + k * dt; probe[2] = coords[ci + 2]!; probe[3] = coords[ci + 3]!;
    sample(t, probe, 0, L, probeOut, 0);
    r += probeOut[0]!; g += probeOut[1]!; b += probeOut[2]!; a += probeOut[3]!;
  }
  out[o] = r / n; out[o + 1] = g / n; out[o + 2] = b / n; out[o + 3] = a / n;
}

/** The texel offsets of a tex instruction's packed operand (hwdesc/isa.ts TEX_OFFSET_BITS: signed 4-bit x, y), 0 for none. */
export function setTexelOffsets(t: BoundTexture, packed: number): void {
  t.offX = (packed << 28) >> 28;
  t.offY = (packed << 24) >> 28;
}

/**
 * The integer-operand modes of tex (hwdesc/isa.ts TEX_MODE): fetch reads texel (x, y) of level `lod`
 * as it is stored (no filter, no wrap, the offsets added; (0, 0, 0, 0) outside the level or past the
 * texture's levels); size gives the level's width, height, depth 1 and the level count (0s without a
 * texture). Coordinates and levels arrive as their integer values.
 */
export function texQuery(t: BoundTexture | undefined, size: boolean, mask: number, lanes: number, coords: Float32Array, lod: Float32Array, out: TexOut): void {
  for (let l = 0; l < lanes; l++) {
    if (!(mask & (1 << l))) continue;
    const o = l * 4, level = lod[l]!;
    out[o] = 0; out[o + 1] = 0; out[o + 2] = 0; out[o + 3] = 0;
    if (!t || !t.win) continue;
    if (size) {
      if (level < 0 || level > 31) continue;
      out[o] = Math.max(1, t.width >> level); out[o + 1] = Math.max(1, t.height >> level); out[o + 3] = t.levels;
      out[o + 2] = t.dim === DIM_3D ? Math.max(1, t.depth >> level) : t.depth;
      continue;
    }
    if (level < 0 || level >= t.levels || t.cube) continue;
    const x = coords[o]! + t.offX, y = coords[o + 1]! + t.offY, z = t.dim === DIM_3D || t.dim === DIM_ARRAY ? coords[o + 2]! : 0;
    if (x < 0 || y < 0 || z < 0 || x >= Math.max(1, t.width >> level) || y >= Math.max(1, t.height >> level)) continue;
    if (z >= (t.dim === DIM_3D ? Math.max(1, t.depth >> level) : t.depth)) continue;
    t.z = z;
    fetch(t, 0, level, x, y, out, o);
    t.z = 0;
  }
}
