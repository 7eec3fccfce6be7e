/**
 * Pixel formats described once, as data — Mesa's u_format.csv: each row
 * gives a format's bytes per pixel, its layout (channels packed as bit
 * fields of one little-endian word, listed from the least significant bit,
 * or consecutive array elements), each channel's encoding and width, the
 * swizzle that makes RGBA of the channels (`xyz1`: three channels and
 * alpha 1; luminance `xxx1`; alpha `000x`) and the colour space. The
 * unpack, pack and quantise functions are derived from the row (generated
 * once per format, as Mesa generates u_format_table.c), so the GPU's
 * texture unit and tile buffers (src/hw), the WebGL layer's texel
 * conversions and readback (src/webgl, src/umd/pipe) cannot disagree on a
 * bit; getParameter's RED_BITS... are the rows' channel widths.
 *
 * The hardware's TEX_FORMAT and COLOR_FORMAT enums (descriptors.ts) name
 * rows of this table.
 *
 * Channel encodings (ES 3.0 § 2.1, § 3.8.3): unorm k / (2^b - 1); snorm
 * max(k / (2^(b-1) - 1), -1) of the two's-complement k; float (16 or 32
 * bits, IEEE); ufloat the unsigned 11- and 10-bit floats of
 * R11F_G11F_B10F (5 exponent bits, no sign, § 2.1.3); uint and sint the
 * integer itself (an integer texture's texel reaches the shader as its
 * bits, never converted). The shared-exponent layout is RGB9_E5 (§ 3.8.3.2):
 * three 9-bit mantissas and a 5-bit exponent in one word.
 */
import { COLOR_FORMAT, TEX_FORMAT, ZS_FORMAT } from './descriptors.js';
import { floatToHalf, halfToFloat } from '../base/half.js';

/**
 * sRGB decoding of an 8-bit channel (IEC 61966-2-1, as ES 3.0 § 3.8.16 gives it): c = k / 255,
 * linear = c / 12.92 for c <= 0.04045, else ((c + 0.055) / 1.055)^2.4 — the 256 values, in double.
 */
export const SRGB_DECODE: Float64Array = Float64Array.from({ length: 256 }, (_, k) => {
  const c = k / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});
/**
 * sRGB encoding of a linear value to 8 bits (ES 3.0 § 4.1.8): clamped to [0, 1] (NaN as 0),
 * s = 12.92 l for l < 0.0031308, else 1.055 l^(1/2.4) - 0.055; then round(s * 255).
 */
export function srgbEncode8(l: number): number {
  const v = l >= 1 ? 1 : l > 0 ? l : 0;
  const s = v < 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
  return Math.round(s * 255);
}

export type ChannelType = 'unorm' | 'snorm' | 'float' | 'ufloat' | 'uint' | 'sint' | 'void';
export interface Channel { readonly type: ChannelType; readonly bits: number }
export interface PixelFormat {
  readonly name: string;
  /** bytes per pixel */
  readonly bytes: number;
  readonly layout: 'packed' | 'array' | 'shared_exponent';
  /** packed: from the least significant bit of the little-endian word; array: in memory order */
  readonly channels: readonly Channel[];
  /** R, G, B, A from channels x, y, z, w (0..3) or the constants 0 and 1 */
  readonly swizzle: string;
  readonly colorspace: 'linear' | 'srgb' | 'zs';
  /** bits of stencil held in a plane of its own (planar depth/stencil: the row describes the depth plane) */
  readonly stencilPlane?: number;
}

const un = (bits: number): Channel => ({ type: 'unorm', bits });
const sn = (bits: number): Channel => ({ type: 'snorm', bits });
const fl = (bits: number): Channel => ({ type: 'float', bits });
const uf = (bits: number): Channel => ({ type: 'ufloat', bits });
const ui = (bits: number): Channel => ({ type: 'uint', bits });
const si = (bits: number): Channel => ({ type: 'sint', bits });
const x = (bits: number): Channel => ({ type: 'void', bits });
const F = (name: string, bytes: number, layout: PixelFormat['layout'], channels: Channel[], swizzle: string, colorspace: PixelFormat['colorspace'] = 'linear'): PixelFormat =>
  ({ name, bytes, layout, channels, swizzle, colorspace });

/** Every pixel format the GPU reads or writes. */
export const PIXEL_FORMATS = {
  r8g8b8a8_unorm: F('r8g8b8a8_unorm', 4, 'array', [un(8), un(8), un(8), un(8)], 'xyzw'),
  b8g8r8a8_unorm: F('b8g8r8a8_unorm', 4, 'array', [un(8), un(8), un(8), un(8)], 'zyxw'),
  r8g8b8_unorm: F('r8g8b8_unorm', 3, 'array', [un(8), un(8), un(8)], 'xyz1'),
  l8a8_unorm: F('l8a8_unorm', 2, 'array', [un(8), un(8)], 'xxxy'),
  l8_unorm: F('l8_unorm', 1, 'array', [un(8)], 'xxx1'),
  a8_unorm: F('a8_unorm', 1, 'array', [un(8)], '000x'),
  /** R in bits 15:11, G 10:5, B 4:0 (GL's UNSIGNED_SHORT_5_6_5, DRM's RGB565) */
  b5g6r5_unorm: F('b5g6r5_unorm', 2, 'packed', [un(5), un(6), un(5)], 'zyx1'),
  /** R in bits 15:12, G 11:8, B 7:4, A 3:0 (GL's UNSIGNED_SHORT_4_4_4_4) */
  a4b4g4r4_unorm: F('a4b4g4r4_unorm', 2, 'packed', [un(4), un(4), un(4), un(4)], 'wzyx'),
  /** R in bits 15:11, G 10:6, B 5:1, A 0 (GL's UNSIGNED_SHORT_5_5_5_1) */
  a1b5g5r5_unorm: F('a1b5g5r5_unorm', 2, 'packed', [un(1), un(5), un(5), un(5)], 'wzyx'),
  r32g32b32a32_float: F('r32g32b32a32_float', 16, 'array', [fl(32), fl(32), fl(32), fl(32)], 'xyzw'),
  r32g32b32_float: F('r32g32b32_float', 12, 'array', [fl(32), fl(32), fl(32)], 'xyz1'),
  l32a32_float: F('l32a32_float', 8, 'array', [fl(32), fl(32)], 'xxxy'),
  l32_float: F('l32_float', 4, 'array', [fl(32)], 'xxx1'),
  a32_float: F('a32_float', 4, 'array', [fl(32)], '000x'),
  r16g16b16a16_float: F('r16g16b16a16_float', 8, 'array', [fl(16), fl(16), fl(16), fl(16)], 'xyzw'),
  r16g16b16_float: F('r16g16b16_float', 6, 'array', [fl(16), fl(16), fl(16)], 'xyz1'),
  l16a16_float: F('l16a16_float', 4, 'array', [fl(16), fl(16)], 'xxxy'),
  l16_float: F('l16_float', 2, 'array', [fl(16)], 'xxx1'),
  a16_float: F('a16_float', 2, 'array', [fl(16)], '000x'),
  /** R, G, B sRGB-encoded bytes (decoded to linear when read), A a linear byte */
  r8g8b8a8_srgb: F('r8g8b8a8_srgb', 4, 'array', [un(8), un(8), un(8), un(8)], 'xyzw', 'srgb'),
  r8g8b8_srgb: F('r8g8b8_srgb', 3, 'array', [un(8), un(8), un(8)], 'xyz1', 'srgb'),
  z16_unorm: F('z16_unorm', 2, 'array', [un(16)], 'x001', 'zs'),
  z32_float: F('z32_float', 4, 'array', [fl(32)], 'x001', 'zs'),
  /**
   * ES 3.0 DEPTH32F_STENCIL8, planar (ZS_FORMAT d32f_s8): this row is the depth plane, a float32 a
   * pixel; the 8-bit stencil indices are a plane of their own, a byte a pixel
   */
  z32_float_s8_uint: { ...F('z32_float_s8_uint', 4, 'array', [fl(32)], 'x001', 'zs'), stencilPlane: 8 },
  /** stencil in bits 7:0, depth in 31:8 */
  s8_uint_z24_unorm: F('s8_uint_z24_unorm', 4, 'packed', [x(8), un(24)], 'y001', 'zs'),
  // ES 3.0's red and red-green formats: absent G, B read 0 and A 1 (ES 3.0 Table 3.15's base formats RED, RG)
  r8_unorm: F('r8_unorm', 1, 'array', [un(8)], 'x001'),
  r8g8_unorm: F('r8g8_unorm', 2, 'array', [un(8), un(8)], 'xy01'),
  r16_float: F('r16_float', 2, 'array', [fl(16)], 'x001'),
  r16g16_float: F('r16g16_float', 4, 'array', [fl(16), fl(16)], 'xy01'),
  r32_float: F('r32_float', 4, 'array', [fl(32)], 'x001'),
  r32g32_float: F('r32g32_float', 8, 'array', [fl(32), fl(32)], 'xy01'),
  r8_snorm: F('r8_snorm', 1, 'array', [sn(8)], 'x001'),
  r8g8_snorm: F('r8g8_snorm', 2, 'array', [sn(8), sn(8)], 'xy01'),
  r8g8b8_snorm: F('r8g8b8_snorm', 3, 'array', [sn(8), sn(8), sn(8)], 'xyz1'),
  r8g8b8a8_snorm: F('r8g8b8a8_snorm', 4, 'array', [sn(8), sn(8), sn(8), sn(8)], 'xyzw'),
  /** R in bits 10:0, G 21:11, B 31:22, unsigned floats (GL's UNSIGNED_INT_10F_11F_11F_REV) */
  r11g11b10_float: F('r11g11b10_float', 4, 'packed', [uf(11), uf(11), uf(10)], 'xyz1'),
  /** mantissas R 8:0, G 17:9, B 26:18 and their exponent 31:27 (GL's UNSIGNED_INT_5_9_9_9_REV) */
  r9g9b9e5_float: F('r9g9b9e5_float', 4, 'shared_exponent', [uf(9), uf(9), uf(9), x(5)], 'xyz1'),
  /** R in bits 9:0, G 19:10, B 29:20, A 31:30 (GL's UNSIGNED_INT_2_10_10_10_REV) */
  r10g10b10a2_unorm: F('r10g10b10a2_unorm', 4, 'packed', [un(10), un(10), un(10), un(2)], 'xyzw'),
  r10g10b10a2_uint: F('r10g10b10a2_uint', 4, 'packed', [ui(10), ui(10), ui(10), ui(2)], 'xyzw'),
  // ES 3.0's integer formats (R, RG, RGB, RGBA of 8, 16, 32-bit unsigned or signed integers)
  r8_uint: F('r8_uint', 1, 'array', [ui(8)], 'x001'),
  r8_sint: F('r8_sint', 1, 'array', [si(8)], 'x001'),
  r16_uint: F('r16_uint', 2, 'array', [ui(16)], 'x001'),
  r16_sint: F('r16_sint', 2, 'array', [si(16)], 'x001'),
  r32_uint: F('r32_uint', 4, 'array', [ui(32)], 'x001'),
  r32_sint: F('r32_sint', 4, 'array', [si(32)], 'x001'),
  r8g8_uint: F('r8g8_uint', 2, 'array', [ui(8), ui(8)], 'xy01'),
  r8g8_sint: F('r8g8_sint', 2, 'array', [si(8), si(8)], 'xy01'),
  r16g16_uint: F('r16g16_uint', 4, 'array', [ui(16), ui(16)], 'xy01'),
  r16g16_sint: F('r16g16_sint', 4, 'array', [si(16), si(16)], 'xy01'),
  r32g32_uint: F('r32g32_uint', 8, 'array', [ui(32), ui(32)], 'xy01'),
  r32g32_sint: F('r32g32_sint', 8, 'array', [si(32), si(32)], 'xy01'),
  r8g8b8_uint: F('r8g8b8_uint', 3, 'array', [ui(8), ui(8), ui(8)], 'xyz1'),
  r8g8b8_sint: F('r8g8b8_sint', 3, 'array', [si(8), si(8), si(8)], 'xyz1'),
  r16g16b16_uint: F('r16g16b16_uint', 6, 'array', [ui(16), ui(16), ui(16)], 'xyz1'),
  r16g16b16_sint: F('r16g16b16_sint', 6, 'array', [si(16), si(16), si(16)], 'xyz1'),
  r32g32b32_uint: F('r32g32b32_uint', 12, 'array', [ui(32), ui(32), ui(32)], 'xyz1'),
  r32g32b32_sint: F('r32g32b32_sint', 12, 'array', [si(32), si(32), si(32)], 'xyz1'),
  r8g8b8a8_uint: F('r8g8b8a8_uint', 4, 'array', [ui(8), ui(8), ui(8), ui(8)], 'xyzw'),
  r8g8b8a8_sint: F('r8g8b8a8_sint', 4, 'array', [si(8), si(8), si(8), si(8)], 'xyzw'),
  r16g16b16a16_uint: F('r16g16b16a16_uint', 8, 'array', [ui(16), ui(16), ui(16), ui(16)], 'xyzw'),
  r16g16b16a16_sint: F('r16g16b16a16_sint', 8, 'array', [si(16), si(16), si(16), si(16)], 'xyzw'),
  r32g32b32a32_uint: F('r32g32b32a32_uint', 16, 'array', [ui(32), ui(32), ui(32), ui(32)], 'xyzw'),
  r32g32b32a32_sint: F('r32g32b32a32_sint', 16, 'array', [si(32), si(32), si(32), si(32)], 'xyzw'),
} as const satisfies Record<string, PixelFormat>;

export type PixelFormatName = keyof typeof PIXEL_FORMATS;

/** The TEXTURE descriptor's formats (TEX_FORMAT order) as rows of the table. */
export const TEX_FORMAT_LAYOUT: Record<(typeof TEX_FORMAT)[number], PixelFormatName> = {
  rgba8: 'r8g8b8a8_unorm', rgb8: 'r8g8b8_unorm', la8: 'l8a8_unorm', l8: 'l8_unorm', a8: 'a8_unorm',
  rgb565: 'b5g6r5_unorm', rgba4: 'a4b4g4r4_unorm', rgb5a1: 'a1b5g5r5_unorm',
  rgba32f: 'r32g32b32a32_float', rgb32f: 'r32g32b32_float', la32f: 'l32a32_float', l32f: 'l32_float', a32f: 'a32_float',
  rgba16f: 'r16g16b16a16_float', rgb16f: 'r16g16b16_float', la16f: 'l16a16_float', l16f: 'l16_float', a16f: 'a16_float',
  depth16: 'z16_unorm', depth32: 'z32_float', depth24_stencil8: 's8_uint_z24_unorm', depth32f_stencil8: 'z32_float_s8_uint',
  srgb8_alpha8: 'r8g8b8a8_srgb', srgb8: 'r8g8b8_srgb',
  r8: 'r8_unorm', rg8: 'r8g8_unorm', r16f: 'r16_float', rg16f: 'r16g16_float', r32f: 'r32_float', rg32f: 'r32g32_float',
  r8_snorm: 'r8_snorm', rg8_snorm: 'r8g8_snorm', rgb8_snorm: 'r8g8b8_snorm', rgba8_snorm: 'r8g8b8a8_snorm', r11g11b10f: 'r11g11b10_float', rgb9e5: 'r9g9b9e5_float', rgb10a2: 'r10g10b10a2_unorm', rgb10a2ui: 'r10g10b10a2_uint',
  r8ui: 'r8_uint', r8i: 'r8_sint', r16ui: 'r16_uint', r16i: 'r16_sint', r32ui: 'r32_uint', r32i: 'r32_sint', rg8ui: 'r8g8_uint', rg8i: 'r8g8_sint', rg16ui: 'r16g16_uint', rg16i: 'r16g16_sint', rg32ui: 'r32g32_uint', rg32i: 'r32g32_sint',
  rgb8ui: 'r8g8b8_uint', rgb8i: 'r8g8b8_sint', rgb16ui: 'r16g16b16_uint', rgb16i: 'r16g16b16_sint', rgb32ui: 'r32g32b32_uint', rgb32i: 'r32g32b32_sint', rgba8ui: 'r8g8b8a8_uint', rgba8i: 'r8g8b8a8_sint', rgba16ui: 'r16g16b16a16_uint', rgba16i: 'r16g16b16a16_sint', rgba32ui: 'r32g32b32a32_uint', rgba32i: 'r32g32b32a32_sint',
};
/** The FRAMEBUFFER descriptor's colour formats (COLOR_FORMAT order) as rows of the table. */
export const COLOR_FORMAT_LAYOUT: Record<(typeof COLOR_FORMAT)[number], PixelFormatName> = {
  rgba8_unorm: 'r8g8b8a8_unorm', bgra8_unorm: 'b8g8r8a8_unorm', rgb565_unorm: 'b5g6r5_unorm', rgba4_unorm: 'a4b4g4r4_unorm',
  rgb5a1_unorm: 'a1b5g5r5_unorm', rgba16f: 'r16g16b16a16_float', rgba32f: 'r32g32b32a32_float', rgb8_unorm: 'r8g8b8_unorm',
  srgb8_alpha8: 'r8g8b8a8_srgb',
  r8_unorm: 'r8_unorm', rg8_unorm: 'r8g8_unorm', rgb10a2_unorm: 'r10g10b10a2_unorm', r16f: 'r16_float', rg16f: 'r16g16_float',
  r32f: 'r32_float', rg32f: 'r32g32_float', r11g11b10f: 'r11g11b10_float',
  r8ui: 'r8_uint', r8i: 'r8_sint', r16ui: 'r16_uint', r16i: 'r16_sint', r32ui: 'r32_uint', r32i: 'r32_sint', rg8ui: 'r8g8_uint', rg8i: 'r8g8_sint', rg16ui: 'r16g16_uint', rg16i: 'r16g16_sint',
  rg32ui: 'r32g32_uint', rg32i: 'r32g32_sint', rgba8ui: 'r8g8b8a8_uint', rgba8i: 'r8g8b8a8_sint', rgba16ui: 'r16g16b16a16_uint', rgba16i: 'r16g16b16a16_sint', rgba32ui: 'r32g32b32a32_uint', rgba32i: 'r32g32b32a32_sint', rgb10a2ui: 'r10g10b10a2_uint',
};

/** The FRAMEBUFFER descriptor's depth/stencil formats (ZS_FORMAT order, 'none' aside) as rows of the table. */
export const ZS_FORMAT_LAYOUT: Record<Exclude<(typeof ZS_FORMAT)[number], 'none'>, PixelFormatName> = {
  d16: 'z16_unorm', d24s8: 's8_uint_z24_unorm', d32f: 'z32_float', d32f_s8: 'z32_float_s8_uint',
};

/** Byte access at offsets of a pixel (a VaWindow over GPU memory, a DataView...). */
export interface PixelReader { r8(off: number): number; r16(off: number): number; r32(off: number): number; rf32(off: number): number }
export interface PixelWriter { w8(off: number, v: number): void; w16(off: number, v: number): void; w32(off: number, v: number): void; wf32(off: number, v: number): void }

/** Reads one pixel at `off` as RGBA values into out[o..o+3] (floats; an integer format's integers). */
export type UnpackFn = (rd: PixelReader, off: number, out: { [i: number]: number }, o: number) => void;
/**
 * Writes RGBA values as one pixel at `off`: unorm channels clamped to [0, 1] and snorm to [-1, 1] (NaN
 * as 0), rounded to nearest; ufloat and shared-exponent channels as ES 3.0 § 2.1.3 and § 3.8.3.2
 * convert; integer channels as their low bits (two's complement).
 */
export type PackFn = (wr: PixelWriter, off: number, rgba: { readonly [i: number]: number }, o: number) => void;
/**
 * Rounds RGBA in place to what the format holds — unorm and snorm channels to their steps, absent
 * ones to their swizzle constant; float channels to float32, the tile buffer's precision (a half
 * float rounds when stored); ufloat and shared-exponent channels to their representable values;
 * integer channels to their bits' value.
 */
export type QuantizeFn = (c: { [i: number]: number }, o: number) => void;

/**
 * An unsigned float of ES 3.0 § 2.1.3 (5 exponent bits, `m` mantissa bits, no sign) as a number:
 * exponent 0 is denormal (mantissa / 2^m × 2^-14), 31 infinity (mantissa 0) or NaN.
 */
export function ufloatToNumber(v: number, m: number): number {
  const e = v >>> m, f = v & ((1 << m) - 1);
  if (e === 0) return f * 2 ** (-14 - m);
  if (e === 31) return f ? NaN : Infinity;
  return (1 + f / (1 << m)) * 2 ** (e - 15);
}
/**
 * A number as an unsigned float of `m` mantissa bits (ES 3.0 § 2.1.3): negative values and -Inf are 0,
 * finite values round to the nearest representable (ties away from zero) and saturate at the largest
 * finite one (65024 for 11 bits, 64512 for 10), +Inf stays, NaN is a NaN.
 */
export function numberToUfloat(v: number, m: number): number {
  if (v !== v) return (31 << m) | 1;
  if (v === Infinity) return 31 << m;
  const max = (30 << m) | ((1 << m) - 1);
  if (!(v > 0)) return 0;
  let e = Math.floor(Math.log2(v));
  if (2 ** e > v) e--; else if (2 ** (e + 1) <= v) e++; // log2's rounding at powers of two
  if (e < -14) return Math.round(v * 2 ** (14 + m)); // denormal (a carry into 1 << m is exponent 1, as it should)
  let f = Math.round((v / 2 ** e - 1) * (1 << m));
  if (f === 1 << m) { f = 0; e++; }
  const bits = ((e + 15) << m) | f;
  return e + 15 > 30 || bits > max ? max : bits;
}

/** RGB9_E5's constants (ES 3.0 § 3.8.3.2): N = 9 mantissa bits, B = 15 exponent bias, Emax = 31. */
const E5_N = 9, E5_B = 15, E5_MAX = ((2 ** E5_N - 1) / 2 ** E5_N) * 2 ** (31 - E5_B);
/** RGB as one RGB9_E5 word, ES 3.0 § 3.8.3.2's equations 3.2-3.5 (components clamped to [0, sharedexp_max], NaN 0). */
export function encodeRgb9e5(r: number, g: number, b: number): number {
  const c = (v: number) => (v > 0 ? Math.min(E5_MAX, v) : 0);
  const rc = c(r), gc = c(g), bc = c(b), maxc = Math.max(rc, gc, bc);
  // floor(log2(maxc)), exact at powers of two (0 below the smallest exponent)
  let lg = maxc > 0 ? Math.floor(Math.log2(maxc)) : -E5_B - 1;
  if (maxc > 0) { if (2 ** lg > maxc) lg--; else if (2 ** (lg + 1) <= maxc) lg++; }
  const expP = Math.max(-E5_B - 1, lg) + 1 + E5_B;
  const maxs = Math.floor(maxc / 2 ** (expP - E5_B - E5_N) + 0.5);
  const expS = maxs < 2 ** E5_N ? expP : expP + 1;
  const q = (v: number) => Math.floor(v / 2 ** (expS - E5_B - E5_N) + 0.5);
  return (q(rc) | (q(gc) << 9) | (q(bc) << 18) | (expS << 27)) >>> 0;
}
/** One RGB9_E5 mantissa (bits `shift`..) of word p, as the number it stands for: mantissa × 2^(exp - B - N). */
export function rgb9e5Channel(p: number, shift: number): number {
  return ((p >>> shift) & 511) * 2 ** ((p >>> 27) - E5_B - E5_N);
}

/** Channel i holds an sRGB-encoded colour (R, G or B of an 'srgb' format; alpha stays linear). */
function isSrgbChannel(f: PixelFormat, i: number): boolean {
  const k = f.swizzle.indexOf('xyzw'[i]!);
  return f.colorspace === 'srgb' && k >= 0 && k < 3;
}

/** The format's channels are integers (an ES 3.0 integer format: its texels are never converted to floats). */
export function isIntegerFormat(f: PixelFormat): boolean {
  return f.channels.some((c) => c.type === 'uint' || c.type === 'sint');
}

/** Channel i's value as an expression (unpack), given the packed word `p` or the pixel's offset. */
function channelReads(f: PixelFormat): string[] {
  let shift = 0, at = 0;
  return f.channels.map((c, i) => {
    let e: string;
    if (f.layout === 'shared_exponent') {
      e = c.type === 'void' ? '0' : `e5(p, ${shift})`;
      shift += c.bits;
    } else if (f.layout === 'packed') {
      const mask = 2 ** c.bits - 1, field = `((p >>> ${shift}) & ${mask})`;
      e = c.type === 'unorm' ? `(${field} / ${mask})` : c.type === 'uint' ? field : c.type === 'ufloat' ? `uf(${field}, ${c.bits - 5})` : '0';
      shift += c.bits;
    } else {
      const o = `off + ${at}`;
      const word = c.bits === 8 ? `rd.r8(${o})` : c.bits === 16 ? `rd.r16(${o})` : `rd.r32(${o})`;
      // two's complement of a b-bit field
      const signed = c.bits === 32 ? `(${word} | 0)` : `((${word} << ${32 - c.bits}) >> ${32 - c.bits})`;
      e = c.type === 'float' ? (c.bits === 32 ? `rd.rf32(${o})` : `hf(rd.r16(${o}))`)
        : c.type === 'uint' ? word : c.type === 'sint' ? signed
        : c.type === 'snorm' ? `Math.max(-1, ${signed} / ${2 ** (c.bits - 1) - 1})`
        : c.bits === 8 && isSrgbChannel(f, i) ? `sd[rd.r8(${o})]`
        : `(${word} / ${2 ** c.bits - 1})`;
      at += c.bits / 8;
    }
    return e;
  });
}

const SW = 'xyzw';
function swizzled(f: PixelFormat, k: number, ch: string[]): string {
  const s = f.swizzle[k] ?? '0';
  return s === '0' ? '0' : s === '1' ? '1' : ch[SW.indexOf(s)]!;
}
/** The channel that RGBA component k comes from, if any. */
function sourceOf(f: PixelFormat, k: number): number {
  return SW.indexOf(f.swizzle[k] ?? '0');
}

function deriveUnpack(f: PixelFormat): UnpackFn {
  const ch = channelReads(f);
  const word = f.layout !== 'array' ? `const p = ${f.bytes === 2 ? 'rd.r16(off)' : 'rd.r32(off)'};` : '';
  const names = ch.map((_, i) => `c${i}`);
  const body = `${word} ${ch.map((e, i) => `const c${i} = ${e};`).join(' ')}
    out[o] = ${swizzled(f, 0, names)}; out[o + 1] = ${swizzled(f, 1, names)}; out[o + 2] = ${swizzled(f, 2, names)}; out[o + 3] = ${swizzled(f, 3, names)};`;
  return new Function('hf', 'sd', 'uf', 'e5', `return function unpack_${f.name}(rd, off, out, o) { ${body} }`)(halfToFloat, SRGB_DECODE, ufloatToNumber, rgb9e5Channel) as UnpackFn;
}

function derivePack(f: PixelFormat): PackFn {
  // each channel from the RGBA component its swizzle shows it as (a channel shown nowhere is written 0)
  const src = f.channels.map((_, i) => {
    const k = f.swizzle.indexOf(SW[i]!);
    return k < 0 ? '0' : `rgba[o + ${k}]`;
  });
  const unorm = (v: string, bits: number) => `Math.round(Math.min(1, Math.max(0, ${v} || 0)) * ${2 ** bits - 1})`;
  const snorm = (v: string, bits: number) => `(Math.round(Math.min(1, Math.max(-1, ${v} || 0)) * ${2 ** (bits - 1) - 1}) & ${2 ** bits - 1})`;
  // an integer channel keeps the low bits of the value's two's complement (NaN as 0)
  const int = (v: string, bits: number) => bits === 32 ? `((${v}) >>> 0)` : `((${v}) & ${2 ** bits - 1})`;
  let body: string;
  if (f.layout === 'shared_exponent') {
    body = `wr.w32(off, e5(${src[0]}, ${src[1]}, ${src[2]}));`;
  } else if (f.layout === 'packed') {
    let shift = 0;
    const parts = f.channels.map((c, i) => {
      const v = c.type === 'unorm' ? unorm(src[i]!, c.bits) : c.type === 'uint' ? int(src[i]!, c.bits) : c.type === 'ufloat' ? `tuf(${src[i]}, ${c.bits - 5})` : '0';
      const e = v === '0' ? '0' : `(${v} * ${2 ** shift})`;
      shift += c.bits;
      return e;
    });
    body = `wr.${f.bytes === 2 ? 'w16' : 'w32'}(off, (${parts.join(' + ')}) >>> 0);`;
  } else {
    let at = 0;
    body = f.channels.map((c, i) => {
      const o = `off + ${at}`;
      at += c.bits / 8;
      const w = c.bits === 8 ? 'w8' : c.bits === 16 ? 'w16' : 'w32';
      if (c.type === 'float') return c.bits === 32 ? `wr.wf32(${o}, ${src[i]});` : `wr.w16(${o}, fh(${src[i]}));`;
      if (c.type === 'uint' || c.type === 'sint') return `wr.${w}(${o}, ${int(src[i]!, c.bits)});`;
      if (c.type === 'snorm') return `wr.${w}(${o}, ${snorm(src[i]!, c.bits)});`;
      if (c.bits === 8 && isSrgbChannel(f, i)) return `wr.w8(${o}, se(${src[i]}));`;
      return `wr.${w}(${o}, ${unorm(src[i]!, c.bits)});`;
    }).join(' ');
  }
  return new Function('fh', 'se', 'tuf', 'e5', `return function pack_${f.name}(wr, off, rgba, o) { ${body} }`)(floatToHalf, srgbEncode8, numberToUfloat, encodeRgb9e5) as PackFn;
}

function deriveQuantize(f: PixelFormat): QuantizeFn {
  if (f.layout === 'shared_exponent') {
    // the three channels share their exponent: what the word holds, through it
    return (c, o) => { const p = encodeRgb9e5(c[o]!, c[o + 1]!, c[o + 2]!); c[o] = rgb9e5Channel(p, 0); c[o + 1] = rgb9e5Channel(p, 9); c[o + 2] = rgb9e5Channel(p, 18); c[o + 3] = 1; };
  }
  const body = [0, 1, 2, 3].map((k) => {
    const s = f.swizzle[k] ?? '0';
    if (s === '0' || s === '1') return `c[o + ${k}] = ${s};`;
    const ch = f.channels[SW.indexOf(s)]!;
    if (ch.type === 'float') return `c[o + ${k}] = Math.fround(c[o + ${k}]);`;
    if (ch.type === 'ufloat') return `c[o + ${k}] = uf(tuf(c[o + ${k}], ${ch.bits - 5}), ${ch.bits - 5});`;
    if (ch.type === 'uint') return ch.bits === 32 ? `c[o + ${k}] = c[o + ${k}] >>> 0;` : `c[o + ${k}] = c[o + ${k}] & ${2 ** ch.bits - 1};`;
    if (ch.type === 'sint') return ch.bits === 32 ? `c[o + ${k}] = c[o + ${k}] | 0;` : `c[o + ${k}] = (c[o + ${k}] << ${32 - ch.bits}) >> ${32 - ch.bits};`;
    if (ch.type === 'snorm') {
      const m = 2 ** (ch.bits - 1) - 1;
      return `{ const v = c[o + ${k}]; c[o + ${k}] = v >= 1 ? 1 : v > -1 ? Math.round(v * ${m}) / ${m} : v <= -1 ? -1 : 0; }`;
    }
    // sRGB: the linear value of the byte it encodes to (blending reads what a load would decode)
    if (isSrgbChannel(f, SW.indexOf(s))) return `c[o + ${k}] = sd[se(c[o + ${k}])];`;
    const m = 2 ** ch.bits - 1;
    // NaN and negatives give 0
    return `{ const v = c[o + ${k}]; c[o + ${k}] = v >= 1 ? 1 : v > 0 ? Math.round(v * ${m}) / ${m} : 0; }`;
  }).join(' ');
  return new Function('sd', 'se', 'uf', 'tuf', `return function quantize_${f.name}(c, o) { ${body} }`)(SRGB_DECODE, srgbEncode8, ufloatToNumber, numberToUfloat) as QuantizeFn;
}

const derived = <T>(fn: (f: PixelFormat) => T): Record<PixelFormatName, T> =>
  Object.fromEntries(Object.entries(PIXEL_FORMATS).map(([n, f]) => [n, fn(f)])) as Record<PixelFormatName, T>;

export const UNPACK: Record<PixelFormatName, UnpackFn> = derived(deriveUnpack);
export const PACK: Record<PixelFormatName, PackFn> = derived(derivePack);
export const QUANTIZE: Record<PixelFormatName, QuantizeFn> = derived(deriveQuantize);

/** The format holds normalized values (no float channel): blending clamps its inputs to [0, 1] (ES 3.0 § 4.1.7). */
export function isNormalized(name: PixelFormatName): boolean {
  return PIXEL_FORMATS[name].channels.every((c: Channel) => c.type === 'unorm' || c.type === 'void');
}

/** Bits of red, green, blue, alpha, depth, stencil (what glGetParameter's *_BITS and RENDERBUFFER_*_SIZE report). */
export function formatBits(name: PixelFormatName): { r: number; g: number; b: number; a: number; d: number; s: number } {
  const f: PixelFormat = PIXEL_FORMATS[name];
  const bitsOf = (k: number) => { const i = sourceOf(f, k); return i < 0 ? 0 : f.channels[i]!.bits; };
  if (f.colorspace === 'zs') {
    const stencil = f.channels.find((c) => c.type === 'void');
    return { r: 0, g: 0, b: 0, a: 0, d: bitsOf(0), s: f.stencilPlane ?? stencil?.bits ?? 0 };
  }
  return { r: bitsOf(0), g: bitsOf(1), b: bitsOf(2), a: bitsOf(3), d: 0, s: 0 };
}

/** A reader/writer over a byte array (little-endian), for pixels in host memory. */
export function bytesAccess(bytes: Uint8Array): PixelReader & PixelWriter {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    r8: (o) => bytes[o]!, r16: (o) => dv.getUint16(o, true), r32: (o) => dv.getUint32(o, true), rf32: (o) => dv.getFloat32(o, true),
    w8: (o, v) => { bytes[o] = v; }, w16: (o, v) => dv.setUint16(o, v, true), w32: (o, v) => dv.setUint32(o, v >>> 0, true), wf32: (o, v) => dv.setFloat32(o, v, true),
  };
}

/**
 * How a shader core's tile memory (hwdesc/corelocal.ts) holds a pixel of a
 * colour render target, derived from the format's row:
 * - `unorm8`: four bytes R, G, B, A, each the k of the value k / 255 the
 *   fragment pipeline quantised the channel to (a channel the format lacks
 *   holds its constant: 0 or 255) — for linear formats whose every channel
 *   is 8-bit unorm. The value a blend reads is float32(k / 255), exactly the
 *   float32 that quantisation produced, so holding k loses nothing.
 * - `f32`: RGBA as four float32 at the format's precision (16 bytes).
 */
export type TileColorLayout = 'unorm8' | 'f32';
/** Bytes one pixel takes in tile memory, per tile layout. */
export const TILE_COLOR_BYTES: Record<TileColorLayout, number> = { unorm8: 4, f32: 16 };

export function tileColorLayout(name: PixelFormatName): TileColorLayout {
  const f: PixelFormat = PIXEL_FORMATS[name];
  return f.colorspace === 'linear' && f.layout === 'array' && f.channels.every((c) => c.type === 'unorm' && c.bits === 8) ? 'unorm8' : 'f32';
}

/** A tile byte that holds a constant rather than a byte of the surface (TILE_BYTE_SOURCES). */
export const TILE_BYTE_ZERO = -1, TILE_BYTE_ONE = -2;
/**
 * For a `unorm8` tile layout: where each tile byte (R, G, B, A) comes from
 * in the surface's pixel — a byte index of the pixel, or TILE_BYTE_ZERO /
 * TILE_BYTE_ONE (0 or 255) for a channel the format lacks. Loads gather
 * these bytes; stores put tile byte k back at its source index.
 */
export function tileByteSources(name: PixelFormatName): number[] {
  const f: PixelFormat = PIXEL_FORMATS[name];
  return [0, 1, 2, 3].map((k) => {
    const s = f.swizzle[k] ?? '0';
    return s === '0' ? TILE_BYTE_ZERO : s === '1' ? TILE_BYTE_ONE : SW.indexOf(s);
  });
}

/** The FRAMEBUFFER colour formats' tile layouts and byte sources (COLOR_FORMAT order). */
export const COLOR_TILE_LAYOUT: readonly TileColorLayout[] = COLOR_FORMAT.map((n) => tileColorLayout(COLOR_FORMAT_LAYOUT[n]));
export const COLOR_TILE_BYTES: ReadonlyArray<readonly number[]> = COLOR_FORMAT.map((n) => tileByteSources(COLOR_FORMAT_LAYOUT[n]));
