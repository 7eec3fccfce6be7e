/** WebGL 1 texture and renderbuffer formats and their mapping onto the hardware's formats. */
import { GL, EXT } from './constants.js';
import { TEX_FORMAT } from '../hwdesc/descriptors.js';

export type TexFormat = (typeof TEX_FORMAT)[number];

export interface TexFormatInfo { hw: TexFormat; bpp: number; srcBpp: number; channels: number; kind: 'u8' | 'u16p' | 'f32' | 'f16' | 'depth' }

/** (format, type) -> hardware texture format; undefined when the combination is not a WebGL 1 one. */
export function texFormat(format: number, type: number): TexFormatInfo | undefined {
  const ch = format === GL.RGBA ? 4 : format === GL.RGB ? 3 : format === GL.LUMINANCE_ALPHA ? 2 : format === GL.LUMINANCE || format === GL.ALPHA ? 1 : 0;
  const base = (names: TexFormat[]): TexFormat => names[[GL.RGBA, GL.RGB, GL.LUMINANCE_ALPHA, GL.LUMINANCE, GL.ALPHA].indexOf(format as never)]!;
  if (type === GL.UNSIGNED_BYTE && ch) return { hw: base(['rgba8', 'rgb8', 'la8', 'l8', 'a8']), bpp: ch, srcBpp: ch, channels: ch, kind: 'u8' };
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
  return undefined;
}

export const TEX_FORMATS_ALL = [GL.RGBA, GL.RGB, GL.LUMINANCE_ALPHA, GL.LUMINANCE, GL.ALPHA, GL.DEPTH_COMPONENT, GL.DEPTH_STENCIL] as number[];
export const TEX_TYPES_ALL = [GL.UNSIGNED_BYTE, GL.FLOAT, EXT.HALF_FLOAT_OES, GL.UNSIGNED_SHORT_5_6_5, GL.UNSIGNED_SHORT_4_4_4_4, GL.UNSIGNED_SHORT_5_5_5_1, GL.UNSIGNED_SHORT, GL.UNSIGNED_INT, EXT.UNSIGNED_INT_24_8_WEBGL] as number[];

/** The typed-array class WebGL requires for a pixel type. */
export function arrayTypeOk(type: number, data: ArrayBufferView): boolean {
  switch (type) {
    case GL.UNSIGNED_BYTE: return data instanceof Uint8Array || data instanceof Uint8ClampedArray;
    case GL.FLOAT: return data instanceof Float32Array;
    case EXT.HALF_FLOAT_OES: case GL.UNSIGNED_SHORT_5_6_5: case GL.UNSIGNED_SHORT_4_4_4_4: case GL.UNSIGNED_SHORT_5_5_5_1: case GL.UNSIGNED_SHORT:
      return data instanceof Uint16Array;
    case GL.UNSIGNED_INT: case EXT.UNSIGNED_INT_24_8_WEBGL: return data instanceof Uint32Array;
    default: return false;
  }
}

export { floatToHalf, halfToFloat } from '../base/half.js';
import { floatToHalf, halfToFloat } from '../base/half.js';

/** Decodes one texel to RGBA floats (for CPU mipmap generation). */
export function decodeTexel(info: TexFormatInfo, src: Uint8Array, o: number, out: number[]): void {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const n = info.channels;
  const read = (k: number) => info.kind === 'u8' ? src[o + k]! / 255 : info.kind === 'f32' ? dv.getFloat32(o + k * 4, true) : halfToFloat(dv.getUint16(o + k * 2, true));
  if (info.kind === 'u16p') {
    const p = dv.getUint16(o, true);
    if (info.hw === 'rgb565') { out[0] = (p >> 11) / 31; out[1] = ((p >> 5) & 63) / 63; out[2] = (p & 31) / 31; out[3] = 1; }
    else if (info.hw === 'rgba4') { out[0] = (p >> 12) / 15; out[1] = ((p >> 8) & 15) / 15; out[2] = ((p >> 4) & 15) / 15; out[3] = (p & 15) / 15; }
    else { out[0] = (p >> 11) / 31; out[1] = ((p >> 6) & 31) / 31; out[2] = ((p >> 1) & 31) / 31; out[3] = p & 1; }
    return;
  }
  for (let k = 0; k < 4; k++) out[k] = k < n ? read(k) : 0;
}

export function encodeTexel(info: TexFormatInfo, v: number[], dst: Uint8Array, o: number): void {
  const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
  const un = (x: number, m: number) => Math.round(Math.min(1, Math.max(0, x)) * m);
  if (info.kind === 'u16p') {
    let p = 0;
    if (info.hw === 'rgb565') p = (un(v[0]!, 31) << 11) | (un(v[1]!, 63) << 5) | un(v[2]!, 31);
    else if (info.hw === 'rgba4') p = (un(v[0]!, 15) << 12) | (un(v[1]!, 15) << 8) | (un(v[2]!, 15) << 4) | un(v[3]!, 15);
    else p = (un(v[0]!, 31) << 11) | (un(v[1]!, 31) << 6) | (un(v[2]!, 31) << 1) | un(v[3]!, 1);
    dv.setUint16(o, p, true);
    return;
  }
  for (let k = 0; k < info.channels; k++) {
    if (info.kind === 'u8') dst[o + k] = un(v[k]!, 255);
    else if (info.kind === 'f32') dv.setFloat32(o + k * 4, v[k]!, true);
    else dv.setUint16(o + k * 2, floatToHalf(v[k]!), true);
  }
}

/**
 * A TexImageSource's pixels (RGBA8, as ImageData holds them) in `format`/`type`, tightly packed, as
 * WebGL 1.0 § 5.14.8 converts them: RGB drops alpha, LUMINANCE takes red, ALPHA takes alpha,
 * LUMINANCE_ALPHA red and alpha; packed and float types from the 8-bit values / 255.
 */
export function imageTexels(info: TexFormatInfo, format: number, rgba: Uint8Array | Uint8ClampedArray, w: number, h: number): ArrayBufferView {
  const out = new Uint8Array(w * h * info.srcBpp);
  const pick = format === GL.RGBA ? [0, 1, 2, 3] : format === GL.RGB ? [0, 1, 2] : format === GL.LUMINANCE ? [0] : format === GL.ALPHA ? [3] : [0, 3];
  const v = [0, 0, 0, 0];
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < pick.length; k++) v[k] = rgba[i * 4 + pick[k]!]! / 255;
    if (info.kind === 'u16p') { v[0] = rgba[i * 4]! / 255; v[1] = rgba[i * 4 + 1]! / 255; v[2] = rgba[i * 4 + 2]! / 255; v[3] = rgba[i * 4 + 3]! / 255; }
    encodeTexel(info, v, out, i * info.srcBpp);
  }
  if (info.kind === 'f32') return new Float32Array(out.buffer);
  if (info.kind === 'f16' || info.kind === 'u16p') return new Uint16Array(out.buffer);
  return out;
}
