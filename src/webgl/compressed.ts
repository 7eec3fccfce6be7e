/**
 * Compressed textures: WEBGL_compressed_texture_s3tc (DXT1, DXT3, DXT5) and
 * WEBGL_compressed_texture_s3tc_srgb.
 *
 * The hardware's texture unit has no block formats (hwdesc TEX_FORMAT), so the
 * driver decodes the 4x4 blocks when the application uploads them and stores
 * the texels in a format the unit samples (RGB8, RGBA8 or their sRGB forms), as
 * SwiftShader does for the block formats its sampler lacks. The level keeps the
 * compressed internal format: texSubImage2D, copyTex*, generateMipmap and
 * framebuffer attachment treat it as compressed, and compressedTexSubImage2D
 * must name the same format. In WebGL 2 the formats also make 2D array textures (compressedTexImage3D,
 * compressedTexSubImage3D, texStorage3D with TEXTURE_2D_ARRAY), each layer decoded as a 2D image is.
 *
 * Decoding (EXT_texture_compression_s3tc): each block has two RGB565 end points
 * and 2-bit indices; in four-colour mode (color0 > color1, and always for DXT3
 * and DXT5) the two other colours are (2 c0 + c1) / 3 and (c0 + 2 c1) / 3, in
 * three-colour mode (c0 + c1) / 2 and black — transparent black for RGBA DXT1.
 * DXT3 adds explicit 4-bit alpha, DXT5 two 8-bit alpha end points and 3-bit
 * indices (eight-value mode when alpha0 > alpha1, else six values plus 0 and
 * 255). The extension leaves the 565 expansion and the rounding of the
 * interpolants to the implementation; Akari takes the WebGL conformance
 * suite's reference decoder's rule: each channel floor(k * 255 / (2^bits - 1)),
 * each interpolant the floor of the exact weighted mean.
 */
import { EXT, GL, GL2 } from './constants.js';
import type { GLContext } from './glcontext.js';
import type { AkTexture } from './objects.js';
import { texFormat } from './formats.js';
import { CAPS } from '../umd/pipe/caps.js';
import { cpuData } from './buffers.js';
import * as textures from './textures.js';

export interface CompressedFormat {
  readonly internalformat: number;
  readonly extension: string;
  /** bytes per 4x4 block */
  readonly blockBytes: 8 | 16;
  readonly scheme: 'dxt1_rgb' | 'dxt1_rgba' | 'dxt3' | 'dxt5';
  /** the uncompressed (format, type) the decoded texels are stored as */
  readonly store: readonly [number, number];
  /** channels of the stored texels (3: no alpha) */
  readonly channels: 3 | 4;
}

const S3TC = 'WEBGL_compressed_texture_s3tc', S3TC_SRGB = 'WEBGL_compressed_texture_s3tc_srgb';
const RGB: readonly [number, number] = [GL.RGB, GL.UNSIGNED_BYTE], RGBA: readonly [number, number] = [GL.RGBA, GL.UNSIGNED_BYTE];
const SRGB: readonly [number, number] = [EXT.SRGB_EXT, GL.UNSIGNED_BYTE], SRGBA: readonly [number, number] = [EXT.SRGB_ALPHA_EXT, GL.UNSIGNED_BYTE];
const F = (internalformat: number, extension: string, scheme: CompressedFormat['scheme'], store: readonly [number, number]): CompressedFormat =>
  ({ internalformat, extension, blockBytes: scheme === 'dxt1_rgb' || scheme === 'dxt1_rgba' ? 8 : 16, scheme, store, channels: scheme === 'dxt1_rgb' ? 3 : 4 });

/** The compressed formats, by internal format enum (the extensions' enum values). */
export const COMPRESSED_FORMATS: ReadonlyMap<number, CompressedFormat> = new Map([
  F(0x83f0, S3TC, 'dxt1_rgb', RGB), // COMPRESSED_RGB_S3TC_DXT1_EXT
  F(0x83f1, S3TC, 'dxt1_rgba', RGBA), // COMPRESSED_RGBA_S3TC_DXT1_EXT
  F(0x83f2, S3TC, 'dxt3', RGBA), // COMPRESSED_RGBA_S3TC_DXT3_EXT
  F(0x83f3, S3TC, 'dxt5', RGBA), // COMPRESSED_RGBA_S3TC_DXT5_EXT
  F(0x8c4c, S3TC_SRGB, 'dxt1_rgb', SRGB), // COMPRESSED_SRGB_S3TC_DXT1_EXT
  F(0x8c4d, S3TC_SRGB, 'dxt1_rgba', SRGBA), // COMPRESSED_SRGB_ALPHA_S3TC_DXT1_EXT
  F(0x8c4e, S3TC_SRGB, 'dxt3', SRGBA), // COMPRESSED_SRGB_ALPHA_S3TC_DXT3_EXT
  F(0x8c4f, S3TC_SRGB, 'dxt5', SRGBA), // COMPRESSED_SRGB_ALPHA_S3TC_DXT5_EXT
].map((f) => [f.internalformat, f]));

/** The enums an extension's object carries. */
export const S3TC_ENUMS = {
  COMPRESSED_RGB_S3TC_DXT1_EXT: 0x83f0, COMPRESSED_RGBA_S3TC_DXT1_EXT: 0x83f1, COMPRESSED_RGBA_S3TC_DXT3_EXT: 0x83f2, COMPRESSED_RGBA_S3TC_DXT5_EXT: 0x83f3,
} as const;
export const S3TC_SRGB_ENUMS = {
  COMPRESSED_SRGB_S3TC_DXT1_EXT: 0x8c4c, COMPRESSED_SRGB_ALPHA_S3TC_DXT1_EXT: 0x8c4d, COMPRESSED_SRGB_ALPHA_S3TC_DXT3_EXT: 0x8c4e, COMPRESSED_SRGB_ALPHA_S3TC_DXT5_EXT: 0x8c4f,
} as const;

/** Bytes of a w x h image in format `f`: whole 4x4 blocks, partial ones at the right and top edges counted whole. */
export function compressedImageBytes(f: CompressedFormat, w: number, h: number): number {
  return Math.ceil(w / 4) * Math.ceil(h / 4) * f.blockBytes;
}

const expand = (k: number, bits: number) => Math.floor((k * 255) / ((1 << bits) - 1));
const rgb565 = (c: number): [number, number, number] => [expand((c >> 11) & 31, 5), expand((c >> 5) & 63, 6), expand(c & 31, 5)];

/**
 * Decodes a w x h image of 4x4 blocks (row of blocks after row, blocks left to right, texel rows
 * bottom-up as GL's images are) into `f.channels`-byte texels, w x h of them.
 */
export function decodeCompressed(f: CompressedFormat, data: Uint8Array, w: number, h: number): Uint8Array {
  const n = f.channels, out = new Uint8Array(w * h * n);
  const bw = Math.ceil(w / 4), bh = Math.ceil(h / 4);
  const colors = [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]] as number[][];
  const alphas = new Array<number>(8);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const at = (by * bw + bx) * f.blockBytes;
      const c = f.scheme === 'dxt3' || f.scheme === 'dxt5' ? at + 8 : at;
      const c0 = data[c]! | (data[c + 1]! << 8), c1 = data[c + 2]! | (data[c + 3]! << 8);
      const four = c0 > c1 || f.scheme === 'dxt3' || f.scheme === 'dxt5';
      colors[0] = rgb565(c0); colors[1] = rgb565(c1);
      for (let k = 0; k < 3; k++) {
        const a = colors[0]![k]!, b = colors[1]![k]!;
        colors[2]![k] = four ? Math.floor((2 * a + b) / 3) : Math.floor((a + b) / 2);
        colors[3]![k] = four ? Math.floor((a + 2 * b) / 3) : 0;
      }
      if (f.scheme === 'dxt5') {
        const a0 = data[at]!, a1 = data[at + 1]!;
        alphas[0] = a0; alphas[1] = a1;
        for (let k = 2; k < 8; k++) {
          alphas[k] = a0 > a1 ? Math.floor(((8 - k) * a0 + (k - 1) * a1) / 7)
            : k === 6 ? 0 : k === 7 ? 255 : Math.floor(((6 - k) * a0 + (k - 1) * a1) / 5);
        }
      }
      for (let y = 0; y < 4; y++) {
        const ty = by * 4 + y;
        if (ty >= h) break;
        const indices = data[c + 4 + y]!;
        for (let x = 0; x < 4; x++) {
          const tx = bx * 4 + x;
          if (tx >= w) break;
          const code = (indices >> (2 * x)) & 3;
          const o = (ty * w + tx) * n;
          const rgb = colors[code]!;
          out[o] = rgb[0]!; out[o + 1] = rgb[1]!; out[o + 2] = rgb[2]!;
          if (n === 3) continue;
          let alpha = 255;
          if (f.scheme === 'dxt1_rgba') alpha = code === 3 && !four ? 0 : 255;
          else if (f.scheme === 'dxt3') { const nib = (data[at + y * 2 + (x >> 1)]! >> ((x & 1) * 4)) & 15; alpha = nib | (nib << 4); }
          else if (f.scheme === 'dxt5') {
            // 48 bits of 3-bit indices after the end points: rows 0-1 in bytes 2-4, rows 2-3 in bytes 5-7
            const row = at + 2 + (y >> 1) * 3;
            const bits = data[row]! | (data[row + 1]! << 8) | (data[row + 2]! << 16);
            alpha = alphas[(bits >> ((y & 1) * 12 + x * 3)) & 7]!;
          }
          out[o + 3] = alpha;
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The entry points: compressedTexImage2D, compressedTexSubImage2D and texStorage2D's compressed case

/** The compressed format `internalformat` names, when an enabled extension offers it. */
export function enabledCompressedFormat(ctx: GLContext, internalformat: number): CompressedFormat | undefined {
  const f = COMPRESSED_FORMATS.get(internalformat);
  return f && ctx.hasExt(f.extension) ? f : undefined;
}

/** getParameter(COMPRESSED_TEXTURE_FORMATS): the formats of the enabled extensions (WebGL 1.0 § 5.14.3). */
export function compressedTextureFormats(ctx: GLContext): number[] {
  return [...COMPRESSED_FORMATS.values()].filter((f) => ctx.hasExt(f.extension)).map((f) => f.internalformat);
}

/**
 * The bytes of a compressed upload: a view from `srcOffset` (elements), `srcLengthOverride` of them when
 * non-zero (WebGL 2.0 § 3.7.6), or, when the argument is an image size, that many bytes of the bound
 * PIXEL_UNPACK_BUFFER from `offset`. Undefined (the error set) when they cannot be had.
 */
export function compressedSource(ctx: GLContext, src: unknown, a: unknown, b: unknown): Uint8Array | undefined {
  const pbo = ctx.version === 2 ? ctx.buffers2.get(GL2.PIXEL_UNPACK_BUFFER) ?? null : null;
  if (typeof src === 'number') {
    const size = src, offset = Number(a ?? 0);
    if (!pbo) { ctx.err(GL.INVALID_OPERATION); return undefined; }
    if (size < 0 || offset < 0) { ctx.err(GL.INVALID_VALUE); return undefined; }
    if (offset + size > pbo.size) { ctx.err(GL.INVALID_OPERATION); return undefined; }
    return cpuData(ctx, pbo).slice(offset, offset + size);
  }
  if (pbo) { ctx.err(GL.INVALID_OPERATION); return undefined; }
  const view = src as ArrayBufferView;
  const el = (view as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  const length = view.byteLength / el, srcOffset = Number(a ?? 0), override = Number(b ?? 0);
  if (srcOffset > length || override > length - srcOffset) { ctx.err(GL.INVALID_VALUE); return undefined; }
  const n = override || length - srcOffset;
  return new Uint8Array(view.buffer, view.byteOffset + srcOffset * el, n * el);
}

/**
 * The WebGL S3TC extensions' size rules: a level 0 is whole blocks; a smaller level (the tail of a
 * mip chain) may also be 1 or 2 texels wide or high.
 */
function blockDimensionsOk(level: number, w: number, h: number): boolean {
  const ok = (n: number) => n % 4 === 0 || (level > 0 && n < 4);
  return ok(w) && ok(h);
}

/**
 * Stores the decoded texels of a w x h region of a compressed level at (x, y): of `layers` images one after
 * another in `bytes` (a 2D array's layers from `z`; one image for 2D and cube faces).
 */
function storeDecoded(ctx: GLContext, t: AkTexture, face: number, level: number, f: CompressedFormat, bytes: Uint8Array, x: number, y: number, w: number, h: number, z = 0, layers = 1): void {
  textures.beforeTextureWrite(ctx, t);
  const n = compressedImageBytes(f, w, h);
  for (let k = 0; k < layers; k++) {
    if (!t.levels[face]![level]) return; // the level did not fit the texture's storage (storeLevel dropped it)
    textures.storeLevel(ctx, t, face, level, decodeCompressed(f, bytes.subarray(k * n, (k + 1) * n), w, h), x, y, w, h, z + k);
  }
}

/** compressedTexImage2D(target, level, internalformat, width, height, border, data | imageSize, [srcOffset | offset], [srcLengthOverride]). */
export function compressedTexImage2D(ctx: GLContext, args: unknown[]): void {
  if (ctx.lost) return;
  const [target, level, internalformat, w, h, border] = args as number[];
  const r = textures.texForTarget(ctx, target!, true);
  if (!r) return;
  // the source first: an image size without a PIXEL_UNPACK_BUFFER is INVALID_OPERATION whatever the format (as Chromium)
  const bytes = compressedSource(ctx, args[6], args[7], args[8]);
  if (!bytes) return;
  const f = enabledCompressedFormat(ctx, internalformat!);
  if (!f) return ctx.err(GL.INVALID_ENUM);
  const max = target === GL.TEXTURE_2D ? CAPS.maxTextureSize : CAPS.maxCubeMapSize;
  if (level! < 0 || w! < 0 || h! < 0 || border !== 0 || level! > Math.log2(max) || w! > max >> level! || h! > max >> level!) return ctx.err(GL.INVALID_VALUE);
  if (target !== GL.TEXTURE_2D && w !== h) return ctx.err(GL.INVALID_VALUE);
  if (bytes.length !== compressedImageBytes(f, w!, h!)) return ctx.err(GL.INVALID_VALUE);
  if (!blockDimensionsOk(level!, w!, h!)) return ctx.err(GL.INVALID_OPERATION);
  const t = r.tex;
  if (!t || t.immutableLevels) return ctx.err(GL.INVALID_OPERATION);
  const [format, type] = f.store;
  t.levels[r.face]![level!] = { width: w!, height: h!, format, type, info: texFormat(format, type)!, internalformat: f.internalformat, compressed: true };
  storeDecoded(ctx, t, r.face, level!, f, bytes, 0, 0, w!, h!);
}

/** compressedTexSubImage2D(target, level, x, y, width, height, format, data | imageSize, [srcOffset | offset], [srcLengthOverride]). */
export function compressedTexSubImage2D(ctx: GLContext, args: unknown[]): void {
  if (ctx.lost) return;
  const [target, level, x, y, w, h, format] = args as number[];
  const r = textures.texForTarget(ctx, target!, true);
  if (!r) return;
  const bytes = compressedSource(ctx, args[7], args[8], args[9]);
  if (!bytes) return;
  const f = enabledCompressedFormat(ctx, format!);
  if (!f) return ctx.err(GL.INVALID_ENUM);
  if (level! < 0 || x! < 0 || y! < 0 || w! < 0 || h! < 0) return ctx.err(GL.INVALID_VALUE);
  const t = r.tex;
  const li = t?.levels[r.face]?.[level!];
  // the level must exist and hold this very format (ES 3.0 § 3.8.6)
  if (!t || !li || !li.compressed || li.internalformat !== f.internalformat) return ctx.err(GL.INVALID_OPERATION);
  if (x! + w! > li.width || y! + h! > li.height) return ctx.err(GL.INVALID_VALUE);
  if (bytes.length !== compressedImageBytes(f, w!, h!)) return ctx.err(GL.INVALID_VALUE);
  if (!subRegionOk(x!, y!, w!, h!, li.width, li.height)) return ctx.err(GL.INVALID_OPERATION);
  storeDecoded(ctx, t, r.face, level!, f, bytes, x!, y!, w!, h!);
}

/** A compressed sub-image is whole blocks, or a region that reaches the level's right or top edge. */
const subRegionOk = (x: number, y: number, w: number, h: number, lw: number, lh: number): boolean =>
  !(x % 4 || y % 4 || (w % 4 && x + w !== lw) || (h % 4 && y + h !== lh));

/** The 2D array texture bound for `target` (WebGL 2), or undefined after the error: TEXTURE_3D cannot hold a block format. */
function arrayTarget(ctx: GLContext, target: number): { tex: AkTexture | null } | undefined {
  if (target === GL2.TEXTURE_2D_ARRAY) return { tex: ctx.tex2dArray[ctx.activeUnit] ?? null };
  // ES 3.0 § 3.8.6 and the WebGL S3TC/ETC extensions: the formats are for 2D images, 2D arrays and cube maps
  ctx.err(target === GL2.TEXTURE_3D ? GL.INVALID_OPERATION : GL.INVALID_ENUM);
  return undefined;
}

/**
 * compressedTexImage3D(target, level, internalformat, width, height, depth, border, data | imageSize, ...):
 * a 2D array level, `depth` compressed images one after another (the WebGL S3TC and ETC extensions in
 * WebGL 2 take TEXTURE_2D_ARRAY; TEXTURE_3D is INVALID_OPERATION). Each layer is decoded as
 * compressedTexImage2D decodes its image.
 */
export function compressedTexImage3D(ctx: GLContext, args: unknown[]): void {
  if (ctx.lost) return;
  const [target, level, internalformat, w, h, d, border] = args as number[];
  if (target !== GL2.TEXTURE_2D_ARRAY && target !== GL2.TEXTURE_3D) return ctx.err(GL.INVALID_ENUM);
  const bytes = compressedSource(ctx, args[7], args[8], args[9]);
  if (!bytes) return;
  const f = enabledCompressedFormat(ctx, internalformat!);
  if (!f) return ctx.err(GL.INVALID_ENUM);
  const r = arrayTarget(ctx, target!);
  if (!r) return;
  const max = CAPS.maxTextureSize;
  if (level! < 0 || w! < 0 || h! < 0 || d! < 0 || border !== 0 || level! > Math.log2(max) || w! > max >> level! || h! > max >> level! || d! > CAPS.maxArrayTextureLayers) return ctx.err(GL.INVALID_VALUE);
  if (bytes.length !== compressedImageBytes(f, w!, h!) * d!) return ctx.err(GL.INVALID_VALUE);
  if (!blockDimensionsOk(level!, w!, h!)) return ctx.err(GL.INVALID_OPERATION);
  const t = r.tex;
  if (!t || t.immutableLevels) return ctx.err(GL.INVALID_OPERATION);
  const [format, type] = f.store;
  t.levels[0]![level!] = { width: w!, height: h!, depth: d!, format, type, info: texFormat(format, type)!, internalformat: f.internalformat, compressed: true };
  if (w && h && d) storeDecoded(ctx, t, 0, level!, f, bytes, 0, 0, w, h, 0, d);
}

/** compressedTexSubImage3D(target, level, x, y, z, width, height, depth, format, data | imageSize, ...): layers z.. of a compressed 2D array level. */
export function compressedTexSubImage3D(ctx: GLContext, args: unknown[]): void {
  if (ctx.lost) return;
  const [target, level, x, y, z, w, h, d, format] = args as number[];
  if (target !== GL2.TEXTURE_2D_ARRAY && target !== GL2.TEXTURE_3D) return ctx.err(GL.INVALID_ENUM);
  const bytes = compressedSource(ctx, args[9], args[10], args[11]);
  if (!bytes) return;
  const f = enabledCompressedFormat(ctx, format!);
  if (!f) return ctx.err(GL.INVALID_ENUM);
  const r = arrayTarget(ctx, target!);
  if (!r) return;
  if (level! < 0 || x! < 0 || y! < 0 || z! < 0 || w! < 0 || h! < 0 || d! < 0) return ctx.err(GL.INVALID_VALUE);
  const t = r.tex;
  const li = t?.levels[0]?.[level!];
  if (!t || !li || !li.compressed || li.internalformat !== f.internalformat) return ctx.err(GL.INVALID_OPERATION);
  if (x! + w! > li.width || y! + h! > li.height || z! + d! > (li.depth ?? 1)) return ctx.err(GL.INVALID_VALUE);
  if (bytes.length !== compressedImageBytes(f, w!, h!) * d!) return ctx.err(GL.INVALID_VALUE);
  if (!subRegionOk(x!, y!, w!, h!, li.width, li.height)) return ctx.err(GL.INVALID_OPERATION);
  if (w && h && d) storeDecoded(ctx, t, 0, level!, f, bytes, x!, y!, w, h, z!, d);
}

/**
 * texStorage2D / texStorage3D with a compressed format (WebGL 2): levels of decoded texels, all zero blocks'
 * black; `layers` > 0 makes a 2D array's levels (each with every layer), else `faces` 2D images per level.
 */
export function compressedTexStorage2D(ctx: GLContext, t: AkTexture, faces: number, f: CompressedFormat, levels: number, w: number, h: number, layers = 0): void {
  if (w % 4 || h % 4) return ctx.err(GL.INVALID_OPERATION);
  const [format, type] = f.store;
  const info = texFormat(format, type)!;
  for (let l = 0; l < levels; l++) {
    const lw = Math.max(1, w >> l), lh = Math.max(1, h >> l), zero = new Uint8Array(compressedImageBytes(f, lw, lh) * Math.max(1, layers));
    for (let face = 0; face < faces; face++) {
      t.levels[face]![l] = { width: lw, height: lh, ...(layers ? { depth: layers } : {}), format, type, info, internalformat: f.internalformat, compressed: true };
      storeDecoded(ctx, t, face, l, f, zero, 0, 0, lw, lh, 0, Math.max(1, layers));
    }
  }
  t.immutableLevels = levels;
  t.params2.maxLevel = Math.min(t.params2.maxLevel, levels - 1);
}
