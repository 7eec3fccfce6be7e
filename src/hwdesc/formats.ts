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

export type ChannelType = 'unorm' | 'float' | 'void';
export interface Channel { readonly type: ChannelType; readonly bits: number }
export interface PixelFormat {
  readonly name: string;
  /** bytes per pixel */
  readonly bytes: number;
  readonly layout: 'packed' | 'array';
  /** packed: from the least significant bit of the little-endian word; array: in memory order */
  readonly channels: readonly Channel[];
  /** R, G, B, A from channels x, y, z, w (0..3) or the constants 0 and 1 */
  readonly swizzle: string;
  readonly colorspace: 'linear' | 'srgb' | 'zs';
}

const un = (bits: number): Channel => ({ type: 'unorm', bits });
const fl = (bits: number): Channel => ({ type: 'float', bits });
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
  /** stencil in bits 7:0, depth in 31:8 */
  s8_uint_z24_unorm: F('s8_uint_z24_unorm', 4, 'packed', [x(8), un(24)], 'y001', 'zs'),
} as const satisfies Record<string, PixelFormat>;

export type PixelFormatName = keyof typeof PIXEL_FORMATS;

/** The TEXTURE descriptor's formats (TEX_FORMAT order) as rows of the table. */
export const TEX_FORMAT_LAYOUT: Record<(typeof TEX_FORMAT)[number], PixelFormatName> = {
  rgba8: 'r8g8b8a8_unorm', rgb8: 'r8g8b8_unorm', la8: 'l8a8_unorm', l8: 'l8_unorm', a8: 'a8_unorm',
  rgb565: 'b5g6r5_unorm', rgba4: 'a4b4g4r4_unorm', rgb5a1: 'a1b5g5r5_unorm',
  rgba32f: 'r32g32b32a32_float', rgb32f: 'r32g32b32_float', la32f: 'l32a32_float', l32f: 'l32_float', a32f: 'a32_float',
  rgba16f: 'r16g16b16a16_float', rgb16f: 'r16g16b16_float', la16f: 'l16a16_float', l16f: 'l16_float', a16f: 'a16_float',
  depth16: 'z16_unorm', depth32: 'z32_float', depth24_stencil8: 's8_uint_z24_unorm',
  srgb8_alpha8: 'r8g8b8a8_srgb', srgb8: 'r8g8b8_srgb',
};
/** The FRAMEBUFFER descriptor's colour formats (COLOR_FORMAT order) as rows of the table. */
export const COLOR_FORMAT_LAYOUT: Record<(typeof COLOR_FORMAT)[number], PixelFormatName> = {
  rgba8_unorm: 'r8g8b8a8_unorm', bgra8_unorm: 'b8g8r8a8_unorm', rgb565_unorm: 'b5g6r5_unorm', rgba4_unorm: 'a4b4g4r4_unorm',
  rgb5a1_unorm: 'a1b5g5r5_unorm', rgba16f: 'r16g16b16a16_float', rgba32f: 'r32g32b32a32_float', rgb8_unorm: 'r8g8b8_unorm',
  srgb8_alpha8: 'r8g8b8a8_srgb',
};

/** The FRAMEBUFFER descriptor's depth/stencil formats (ZS_FORMAT order, 'none' aside) as rows of the table. */
export const ZS_FORMAT_LAYOUT: Record<Exclude<(typeof ZS_FORMAT)[number], 'none'>, PixelFormatName> = {
  d16: 'z16_unorm', d24s8: 's8_uint_z24_unorm', d32f: 'z32_float',
};

/** Byte access at offsets of a pixel (a VaWindow over GPU memory, a DataView...). */
export interface PixelReader { r8(off: number): number; r16(off: number): number; r32(off: number): number; rf32(off: number): number }
export interface PixelWriter { w8(off: number, v: number): void; w16(off: number, v: number): void; w32(off: number, v: number): void; wf32(off: number, v: number): void }

/** Reads one pixel at `off` as RGBA floats into out[o..o+3]. */
export type UnpackFn = (rd: PixelReader, off: number, out: { [i: number]: number }, o: number) => void;
/** Writes RGBA floats (unorm channels clamped to [0, 1], NaN as 0, rounded to nearest) as one pixel at `off`. */
export type PackFn = (wr: PixelWriter, off: number, rgba: { readonly [i: number]: number }, o: number) => void;
/**
 * Rounds RGBA in place to what the format holds — unorm channels to their steps, absent ones to their
 * swizzle constant; float channels to float32, the tile buffer's precision (a half float rounds when stored).
 */
export type QuantizeFn = (c: { [i: number]: number }, o: number) => void;

/** Channel i holds an sRGB-encoded colour (R, G or B of an 'srgb' format; alpha stays linear). */
function isSrgbChannel(f: PixelFormat, i: number): boolean {
  const k = f.swizzle.indexOf('xyzw'[i]!);
  return f.colorspace === 'srgb' && k >= 0 && k < 3;
}

/** Channel i's value as an expression (unpack), given the packed word `p` or the pixel's offset. */
function channelReads(f: PixelFormat): string[] {
  let shift = 0, at = 0;
  return f.channels.map((c, i) => {
    let e: string;
    if (f.layout === 'packed') {
      const mask = 2 ** c.bits - 1;
      e = c.type === 'unorm' ? `(((p >>> ${shift}) & ${mask}) / ${mask})` : '0';
      shift += c.bits;
    } else {
      const o = `off + ${at}`;
      e = c.type === 'float' ? (c.bits === 32 ? `rd.rf32(${o})` : `hf(rd.r16(${o}))`)
        : c.bits === 8 && isSrgbChannel(f, i) ? `sd[rd.r8(${o})]`
        : c.bits === 8 ? `(rd.r8(${o}) / 255)` : c.bits === 16 ? `(rd.r16(${o}) / 65535)` : `(rd.r32(${o}) / 4294967295)`;
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
  const word = f.layout === 'packed' ? `const p = ${f.bytes === 2 ? 'rd.r16(off)' : 'rd.r32(off)'};` : '';
  const names = ch.map((_, i) => `c${i}`);
  const body = `${word} ${ch.map((e, i) => `const c${i} = ${e};`).join(' ')}
    out[o] = ${swizzled(f, 0, names)}; out[o + 1] = ${swizzled(f, 1, names)}; out[o + 2] = ${swizzled(f, 2, names)}; out[o + 3] = ${swizzled(f, 3, names)};`;
  return new Function('hf', 'sd', `return function unpack_${f.name}(rd, off, out, o) { ${body} }`)(halfToFloat, SRGB_DECODE) as UnpackFn;
}

function derivePack(f: PixelFormat): PackFn {
  // each channel from the RGBA component its swizzle shows it as (a channel shown nowhere is written 0)
  const src = f.channels.map((_, i) => {
    const k = f.swizzle.indexOf(SW[i]!);
    return k < 0 ? '0' : `rgba[o + ${k}]`;
  });
  const unorm = (v: string, bits: number) => `Math.round(Math.min(1, Math.max(0, ${v} || 0)) * ${2 ** bits - 1})`;
  let body: string;
  if (f.layout === 'packed') {
    let shift = 0;
    const parts = f.channels.map((c, i) => {
      const e = c.type === 'unorm' ? `(${unorm(src[i]!, c.bits)} * ${2 ** shift})` : '0';
      shift += c.bits;
      return e;
    });
    body = `wr.${f.bytes === 2 ? 'w16' : 'w32'}(off, (${parts.join(' + ')}) >>> 0);`;
  } else {
    let at = 0;
    body = f.channels.map((c, i) => {
      const o = `off + ${at}`;
      at += c.bits / 8;
      if (c.type === 'float') return c.bits === 32 ? `wr.wf32(${o}, ${src[i]});` : `wr.w16(${o}, fh(${src[i]}));`;
      if (c.bits === 8 && isSrgbChannel(f, i)) return `wr.w8(${o}, se(${src[i]}));`;
      return c.bits === 8 ? `wr.w8(${o}, ${unorm(src[i]!, 8)});` : c.bits === 16 ? `wr.w16(${o}, ${unorm(src[i]!, 16)});` : `wr.w32(${o}, ${unorm(src[i]!, 32)});`;
    }).join(' ');
  }
  return new Function('fh', 'se', `return function pack_${f.name}(wr, off, rgba, o) { ${body} }`)(floatToHalf, srgbEncode8) as PackFn;
}

function deriveQuantize(f: PixelFormat): QuantizeFn {
  const body = [0, 1, 2, 3].map((k) => {
    const s = f.swizzle[k] ?? '0';
    if (s === '0' || s === '1') return `c[o + ${k}] = ${s};`;
    const ch = f.channels[SW.indexOf(s)]!;
    if (ch.type === 'float') return `c[o + ${k}] = Math.fround(c[o + ${k}]);`;
    // sRGB: the linear value of the byte it encodes to (blending reads what a load would decode)
    if (isSrgbChannel(f, SW.indexOf(s))) return `c[o + ${k}] = sd[se(c[o + ${k}])];`;
    const m = 2 ** ch.bits - 1;
    // NaN and negatives give 0
    return `{ const v = c[o + ${k}]; c[o + ${k}] = v >= 1 ? 1 : v > 0 ? Math.round(v * ${m}) / ${m} : 0; }`;
  }).join(' ');
  return new Function('sd', 'se', `return function quantize_${f.name}(c, o) { ${body} }`)(SRGB_DECODE, srgbEncode8) as QuantizeFn;
}

const derived = <T>(fn: (f: PixelFormat) => T): Record<PixelFormatName, T> =>
  Object.fromEntries(Object.entries(PIXEL_FORMATS).map(([n, f]) => [n, fn(f)])) as Record<PixelFormatName, T>;

export const UNPACK: Record<PixelFormatName, UnpackFn> = derived(deriveUnpack);
export const PACK: Record<PixelFormatName, PackFn> = derived(derivePack);
export const QUANTIZE: Record<PixelFormatName, QuantizeFn> = derived(deriveQuantize);

/** The format holds normalized values (no float channel): blending clamps its inputs to [0, 1] (ES 3.0 § 4.1.7). */
export function isNormalized(name: PixelFormatName): boolean {
  return PIXEL_FORMATS[name].channels.every((c: Channel) => c.type !== 'float');
}

/** Bits of red, green, blue, alpha, depth, stencil (what glGetParameter's *_BITS and RENDERBUFFER_*_SIZE report). */
export function formatBits(name: PixelFormatName): { r: number; g: number; b: number; a: number; d: number; s: number } {
  const f: PixelFormat = PIXEL_FORMATS[name];
  const bitsOf = (k: number) => { const i = sourceOf(f, k); return i < 0 ? 0 : f.channels[i]!.bits; };
  if (f.colorspace === 'zs') {
    const stencil = f.channels.find((c) => c.type === 'void');
    return { r: 0, g: 0, b: 0, a: 0, d: bitsOf(0), s: stencil?.bits ?? 0 };
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
