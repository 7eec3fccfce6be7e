/**
 * Texture data formats — a (format, type) pair of client pixels — and the
 * hardware texture format that holds each as it is (WebGL 1's pairs, and
 * WebGL 2's of ES 3.0 Table 3.2: RED/RG, the _INTEGER formats, BYTE, SHORT,
 * INT and the packed 32-bit types).
 */
import { GL, GL2, EXT } from './constants.js';
import { TEX_FORMAT } from '../hwdesc/descriptors.js';

export type TexFormat = (typeof TEX_FORMAT)[number];

/**
 * kind: u8 unorm bytes, u16p 16-bit packed unorm, u32p 32-bit packed (RGB10_A2, R11F_G11F_B10F, RGB9_E5),
 * s8 snorm bytes, f32/f16 floats, int integer channels (any width), depth
 */
export interface TexFormatInfo { hw: TexFormat; bpp: number; srcBpp: number; channels: number; kind: 'u8' | 'u16p' | 'u32p' | 's8' | 'f32' | 'f16' | 'int' | 'depth' }

/** ES 3.0's integer data formats: the hardware formats of R/RG/RGB/RGBA_INTEGER by type (BYTE, UNSIGNED_BYTE, SHORT, UNSIGNED_SHORT, INT, UNSIGNED_INT). */
const INTEGER_HW: Record<number, Record<number, [TexFormat, number]>> = (() => {
  const out: Record<number, Record<number, [TexFormat, number]>> = {};
  const fmts: Array<[number, string, number]> = [[GL2.RED_INTEGER, 'r', 1], [GL2.RG_INTEGER, 'rg', 2], [GL2.RGB_INTEGER, 'rgb', 3], [GL2.RGBA_INTEGER, 'rgba', 4]];
  const types: Array<[number, string, number]> = [[GL.UNSIGNED_BYTE, '8ui', 1], [GL.BYTE, '8i', 1], [GL.UNSIGNED_SHORT, '16ui', 2], [GL.SHORT, '16i', 2], [GL.UNSIGNED_INT, '32ui', 4], [GL.INT, '32i', 4]];
  for (const [f, pre, n] of fmts) { out[f] = {}; for (const [t, suf, b] of types) out[f]![t] = [`${pre}${suf}` as TexFormat, n * b]; }
  return out;
})();

/** (format, type) -> hardware texture format; undefined when the combination is not a WebGL 1 one. */
export function texFormat(format: number, type: number): TexFormatInfo | undefined {
  const ch = format === GL.RGBA ? 4 : format === GL.RGB ? 3 : format === GL.LUMINANCE_ALPHA ? 2 : format === GL.LUMINANCE || format === GL.ALPHA ? 1 : 0;
  const base = (names: TexFormat[]): TexFormat => names[[GL.RGBA, GL.RGB, GL.LUMINANCE_ALPHA, GL.LUMINANCE, GL.ALPHA].indexOf(format as never)]!;
  if (type === GL.UNSIGNED_BYTE && ch) return { hw: base(['rgba8', 'rgb8', 'la8', 'l8', 'a8']), bpp: ch, srcBpp: ch, channels: ch, kind: 'u8' };
  // EXT_sRGB: sRGB-encoded bytes, decoded by the texture unit
  if (type === GL.UNSIGNED_BYTE && format === EXT.SRGB_ALPHA_EXT) return { hw: 'srgb8_alpha8', bpp: 4, srcBpp: 4, channels: 4, kind: 'u8' };
  if (type === GL.UNSIGNED_BYTE && format === EXT.SRGB_EXT) return { hw: 'srgb8', bpp: 3, srcBpp: 3, channels: 3, kind: 'u8' };
  if (type === GL.FLOAT && ch) return { hw: base(['rgba32f', 'rgb32f', 'la32f', 'l32f', 'a32f']), bpp: ch * 4, srcBpp: ch * 4, channels: ch, kind: 'f32' };
  if (type === EXT.HALF_FLOAT_OES && ch) return { hw: base(['rgba16f', 'rgb16f', 'la16f', 'l16f', 'a16f']), bpp: ch * 2, srcBpp: ch * 2, channels: ch, kind: 'f16' };
  if (type === GL.UNSIGNED_SHORT_5_6_5 && format === GL.RGB) return { hw: 'rgb565', bpp: 2, srcBpp: 2, channels: 3, kind: 'u16p' };
  if (type === GL.UNSIGNED_SHORT_4_4_4_4 && format === GL.RGBA) return { hw: 'rgba4', bpp: 2, srcBpp: 2, channels: 4, kind: 'u16p' };
  if (type === GL.UNSIGNED_SHORT_5_5_5_1 && format === GL.RGBA) return { hw: 'rgb5a1', bpp: 2, srcBpp: 2, channels: 4, kind: 'u16p' };
  if (format === GL.DEPTH_COMPONENT && type === GL.UNSIGNED_SHORT) return { hw: 'depth16', bpp: 2, srcBpp: 2, channels: 1, kind: 'depth' };
  // GL 2.1 (compatibility contexts only; the context rejects it in WebGL): float depth values, stored as depth32
  if (format === GL.DEPTH_COMPONENT && type === GL.FLOAT) return { hw: 'depth32', bpp: 4, srcBpp: 4, channels: 1, kind: 'depth' };
  if (format === GL.DEPTH_COMPONENT && type === GL.UNSIGNED_INT) return { hw: 'depth32', bpp: 4, srcBpp: 4, channels: 1, kind: 'depth' };
  if (format === GL.DEPTH_STENCIL && type === EXT.UNSIGNED_INT_24_8_WEBGL) return { hw: 'depth24_stencil8', bpp: 4, srcBpp: 4, channels: 2, kind: 'depth' };
  // ES 3.0 DEPTH32F_STENCIL8: planar (hwdesc ZS_FORMAT d32f_s8); bpp is the float32 depth plane's, the
  // stencil plane lies after the texture's depth chains (textures.ts stencilPlaneOffset). WebGL 2 takes
  // no client data of this type (no typed array fits it): only null uploads reach here.
  if (format === GL.DEPTH_STENCIL && type === GL2.FLOAT_32_UNSIGNED_INT_24_8_REV) return { hw: 'depth32f_stencil8', bpp: 4, srcBpp: 8, channels: 2, kind: 'depth' };
  return texFormat2(format, type);
}

/** The WebGL 2 pairs (ES 3.0 Table 3.2) that WebGL 1 has not: RED and RG, snorm bytes, packed 32-bit types, integers. */
function texFormat2(format: number, type: number): TexFormatInfo | undefined {
  const int = INTEGER_HW[format]?.[type];
  if (int) return { hw: int[0], bpp: int[1], srcBpp: int[1], channels: INTEGER_CHANNELS[format]!, kind: 'int' };
  const rg = format === GL2.RED ? 0 : format === GL2.RG ? 1 : -1;
  if (rg >= 0) {
    const ch = rg + 1;
    if (type === GL.UNSIGNED_BYTE) return { hw: rg ? 'rg8' : 'r8', bpp: ch, srcBpp: ch, channels: ch, kind: 'u8' };
    if (type === GL.BYTE) return { hw: rg ? 'rg8_snorm' : 'r8_snorm', bpp: ch, srcBpp: ch, channels: ch, kind: 's8' };
    if (type === EXT.HALF_FLOAT_OES) return { hw: rg ? 'rg16f' : 'r16f', bpp: ch * 2, srcBpp: ch * 2, channels: ch, kind: 'f16' };
    if (type === GL.FLOAT) return { hw: rg ? 'rg32f' : 'r32f', bpp: ch * 4, srcBpp: ch * 4, channels: ch, kind: 'f32' };
    return undefined;
  }
  if (type === GL.BYTE && format === GL.RGB) return { hw: 'rgb8_snorm', bpp: 3, srcBpp: 3, channels: 3, kind: 's8' };
  if (type === GL.BYTE && format === GL.RGBA) return { hw: 'rgba8_snorm', bpp: 4, srcBpp: 4, channels: 4, kind: 's8' };
  if (type === GL2.UNSIGNED_INT_10F_11F_11F_REV && format === GL.RGB) return { hw: 'r11g11b10f', bpp: 4, srcBpp: 4, channels: 3, kind: 'u32p' };
  if (type === GL2.UNSIGNED_INT_5_9_9_9_REV && format === GL.RGB) return { hw: 'rgb9e5', bpp: 4, srcBpp: 4, channels: 3, kind: 'u32p' };
  if (type === GL2.UNSIGNED_INT_2_10_10_10_REV && format === GL.RGBA) return { hw: 'rgb10a2', bpp: 4, srcBpp: 4, channels: 4, kind: 'u32p' };
  if (type === GL2.UNSIGNED_INT_2_10_10_10_REV && format === GL2.RGBA_INTEGER) return { hw: 'rgb10a2ui', bpp: 4, srcBpp: 4, channels: 4, kind: 'int' };
  return undefined;
}
const INTEGER_CHANNELS: Record<number, number> = { [GL2.RED_INTEGER]: 1, [GL2.RG_INTEGER]: 2, [GL2.RGB_INTEGER]: 3, [GL2.RGBA_INTEGER]: 4 };

export const TEX_FORMATS_ALL = [GL.RGBA, GL.RGB, GL.LUMINANCE_ALPHA, GL.LUMINANCE, GL.ALPHA, GL.DEPTH_COMPONENT, GL.DEPTH_STENCIL, EXT.SRGB_EXT, EXT.SRGB_ALPHA_EXT] as number[];

/** The texture format holds sRGB-encoded colour (EXT_sRGB). */
export const isSrgb = (info: TexFormatInfo): boolean => info.hw === 'srgb8_alpha8' || info.hw === 'srgb8';
export const TEX_TYPES_ALL = [GL.UNSIGNED_BYTE, GL.FLOAT, EXT.HALF_FLOAT_OES, GL.UNSIGNED_SHORT_5_6_5, GL.UNSIGNED_SHORT_4_4_4_4, GL.UNSIGNED_SHORT_5_5_5_1, GL.UNSIGNED_SHORT, GL.UNSIGNED_INT, EXT.UNSIGNED_INT_24_8_WEBGL] as number[];

/** The typed-array class WebGL requires for a pixel type. */
export function arrayTypeOk(type: number, data: ArrayBufferView): boolean {
  switch (type) {
    case GL.UNSIGNED_BYTE: return data instanceof Uint8Array || data instanceof Uint8ClampedArray;
    case GL.FLOAT: return data instanceof Float32Array;
    case EXT.HALF_FLOAT_OES: case GL.UNSIGNED_SHORT_5_6_5: case GL.UNSIGNED_SHORT_4_4_4_4: case GL.UNSIGNED_SHORT_5_5_5_1: case GL.UNSIGNED_SHORT:
      return data instanceof Uint16Array;
    case GL.UNSIGNED_INT: case EXT.UNSIGNED_INT_24_8_WEBGL: return data instanceof Uint32Array;
    // WebGL 2.0 § 3.7.6's table of types and views
    case GL.BYTE: return data instanceof Int8Array;
    case GL.SHORT: return data instanceof Int16Array;
    case GL.INT: return data instanceof Int32Array;
    case GL2.HALF_FLOAT: return data instanceof Uint16Array;
    case GL2.UNSIGNED_INT_2_10_10_10_REV: case GL2.UNSIGNED_INT_10F_11F_11F_REV: case GL2.UNSIGNED_INT_5_9_9_9_REV: return data instanceof Uint32Array;
    default: return false;
  }
}

export { floatToHalf, halfToFloat } from '../base/half.js';
import { bytesAccess, PACK, TEX_FORMAT_LAYOUT, UNPACK } from '../hwdesc/formats.js';

/** Decodes one texel to RGBA floats (hwdesc/formats.ts: luminance as (L, L, L, 1), alpha as (0, 0, 0, A)...). */
export function decodeTexel(info: TexFormatInfo, src: Uint8Array, o: number, out: number[]): void {
  UNPACK[TEX_FORMAT_LAYOUT[info.hw]](bytesAccess(src), o, out, 0);
}

/** Encodes RGBA floats as one texel (the channels the format holds: luminance from R, alpha from A). */
export function encodeTexel(info: TexFormatInfo, v: number[], dst: Uint8Array, o: number): void {
  PACK[TEX_FORMAT_LAYOUT[info.hw]](bytesAccess(dst), o, v, 0);
}

/**
 * A TexImageSource's pixels (RGBA8, as ImageData holds them) in `format`/`type`, tightly packed, as
 * WebGL 1.0 § 5.14.8 converts them: RGB drops alpha, LUMINANCE takes red, ALPHA takes alpha,
 * LUMINANCE_ALPHA red and alpha; packed and float types from the 8-bit values / 255.
 */
export function imageTexels(info: TexFormatInfo, format: number, rgba: Uint8Array | Uint8ClampedArray, w: number, h: number): ArrayBufferView {
  const out = new Uint8Array(w * h * info.srcBpp);
  // an image's bytes are sRGB-encoded already: an sRGB texture keeps them as they are
  const layout = info.hw === 'srgb8_alpha8' ? 'r8g8b8a8_unorm' : info.hw === 'srgb8' ? 'r8g8b8_unorm' : TEX_FORMAT_LAYOUT[info.hw];
  const pack = PACK[layout], wr = bytesAccess(out);
  const v = [0, 0, 0, 0];
  // WebGL 2.0 § 3.7.6: an integer format takes the source's 8-bit values as integers
  const scale = info.kind === 'int' ? 1 : 255;
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < 4; k++) v[k] = rgba[i * 4 + k]! / scale;
    pack(wr, i * info.srcBpp, v, 0);
  }
  if (info.kind === 'f32') return new Float32Array(out.buffer);
  if (info.kind === 'f16' || info.kind === 'u16p') return new Uint16Array(out.buffer);
  if (info.kind === 'u32p') return new Uint32Array(out.buffer);
  if (info.kind === 's8') return new Int8Array(out.buffer);
  return out;
}
