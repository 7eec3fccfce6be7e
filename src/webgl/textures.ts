/**
 * Texture objects and images (Mesa's texobj.c, teximage.c, texparam.c,
 * mipmap.c): binding, parameters, image specification and its unpacking
 * (alignment, flip-y, premultiplication), storage in GPU memory (a full
 * mip chain per face), mipmap generation, copies from the framebuffer, and
 * completeness — a complete texture becomes the sampler view the driver
 * reads.
 */
import { isOom, type GLContext } from './glcontext.js';
import { GL, EXT, GL2 } from './constants.js';
import { CAPS } from '../umd/pipe/caps.js';
import { AkTexture, type LevelInfo, type StorageChain } from './objects.js';
import { arrayTypeOk, decodeTexel, encodeTexel, imageTexels, isSrgb, texFormat, TEX_FORMATS_ALL, TEX_TYPES_ALL, type TexFormatInfo } from './formats.js';
import type { SamplerView, WrapMode } from '../umd/pipe/pipe.js';
import { COMPARE_NAMES, TEXTURE_1D, DEPTH_TEXTURE_MODE, TEXTURE_COMPARE_MODE, TEXTURE_COMPARE_FUNC, COMPARE_R_TO_TEXTURE, INTENSITY } from './enums.js';
import { currentSurface, detachFrom, releaseIfUnattached, surfaceBits } from './framebuffers.js';
import { readRgba } from './readpix.js';
import { isImageBitmap, premultiply8 } from './image-bitmap.js';
import { SIZED_BY_ENUM } from './formats2.js';

const isPow2 = (v: number): boolean => v > 0 && (v & (v - 1)) === 0;

/** A TexImageSource as Node has them: ImageData's shape (RGBA8 `data` of width × height pixels, top row first). */
interface ImageSource { width: number; height: number; data: Uint8Array | Uint8ClampedArray }
function imageSource(x: unknown): ImageSource | null {
  // WebGL 1.0 § 5.14.8: a closed (detached) ImageBitmap is INVALID_VALUE
  if (isImageBitmap(x) && x.closed) return null;
  const s = x as Partial<ImageSource> | null;
  if (!s || typeof s !== 'object' || !Number.isInteger(s.width) || !Number.isInteger(s.height) || s.width! < 0 || s.height! < 0) return null;
  if (!(s.data instanceof Uint8ClampedArray || s.data instanceof Uint8Array) || s.data.length < s.width! * s.height! * 4) return null;
  return s as ImageSource;
}

export function createTexture(ctx: GLContext): WebGLTexture { return (ctx.lost ? null : new AkTexture(ctx.gen)) as WebGLTexture; }
export function isTexture(ctx: GLContext, t: WebGLTexture | null): boolean { return !ctx.lost && t instanceof AkTexture && t.owner === ctx.gen && !t.deleted && t.target !== 0; }

export function deleteTexture(ctx: GLContext, t: WebGLTexture | null): void {
  if (ctx.lost) return;
  const x = ctx.own(t, AkTexture);
  if (!x || x.deleted) return;
  x.deleted = true;
  for (const b of [ctx.tex2d, ctx.texCube, ctx.tex1d, ctx.tex3d, ctx.tex2dArray]) for (let i = 0; i < CAPS.maxCombinedTextureUnits; i++) if (b[i] === x) b[i] = null;
  if (ctx.framebuffer) detachFrom(ctx, ctx.framebuffer, (a) => a.tex === x);
  releaseIfUnattached(ctx, x);
}

export function activeTexture(ctx: GLContext, unit: number): void {
  if (ctx.lost) return;
  const i = unit - GL.TEXTURE0;
  if (i < 0 || i >= CAPS.maxCombinedTextureUnits) return ctx.err(GL.INVALID_ENUM);
  ctx.activeUnit = i;
}

export function bindTexture(ctx: GLContext, target: number, t: WebGLTexture | null): void {
  if (ctx.lost) return;
  if (target !== GL.TEXTURE_2D && target !== GL.TEXTURE_CUBE_MAP && !(target === TEXTURE_1D && ctx.compatProfile) &&
    !(ctx.version === 2 && (target === GL2.TEXTURE_3D || target === GL2.TEXTURE_2D_ARRAY))) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(t, AkTexture);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (x) {
    if (x.target && x.target !== target) return ctx.err(GL.INVALID_OPERATION);
    if (!x.target) { x.target = target; x.levels = Array.from({ length: target === GL.TEXTURE_CUBE_MAP ? 6 : 1 }, () => []); }
  }
  bindings(ctx, target)[ctx.activeUnit] = x;
}

export function bindings(ctx: GLContext, target: number): Array<AkTexture | null> {
  return target === GL.TEXTURE_2D ? ctx.tex2d : target === TEXTURE_1D ? ctx.tex1d : target === GL2.TEXTURE_3D ? ctx.tex3d : target === GL2.TEXTURE_2D_ARRAY ? ctx.tex2dArray : ctx.texCube;
}

export function texForTarget(ctx: GLContext, target: number, allowFaces: boolean): { tex: AkTexture | null; face: number } | undefined {
  if (target === GL.TEXTURE_2D) return { tex: ctx.tex2d[ctx.activeUnit]!, face: 0 };
  if (target === TEXTURE_1D && ctx.compatProfile) return { tex: ctx.tex1d[ctx.activeUnit]!, face: 0 };
  if (allowFaces && target >= GL.TEXTURE_CUBE_MAP_POSITIVE_X && target <= GL.TEXTURE_CUBE_MAP_NEGATIVE_Z) return { tex: ctx.texCube[ctx.activeUnit]!, face: target - GL.TEXTURE_CUBE_MAP_POSITIVE_X };
  if (!allowFaces && target === GL.TEXTURE_CUBE_MAP) return { tex: ctx.texCube[ctx.activeUnit]!, face: 0 };
  if (!allowFaces && ctx.version === 2 && target === GL2.TEXTURE_3D) return { tex: ctx.tex3d[ctx.activeUnit]!, face: 0 };
  if (!allowFaces && ctx.version === 2 && target === GL2.TEXTURE_2D_ARRAY) return { tex: ctx.tex2dArray[ctx.activeUnit]!, face: 0 };
  ctx.err(GL.INVALID_ENUM);
  return undefined;
}

/**
 * texParameterf: a float given for an integer or enum parameter is rounded to the nearest integer
 * (ES 3.0 § 6.1.2's conversion, as glGetTexParameteriv reads it back: 5.45 → 5, 4.55 → 5); the
 * float parameters (MIN_LOD, MAX_LOD, MAX_ANISOTROPY) keep the value.
 */
export function texParameterf(ctx: GLContext, target: number, pname: number, param: number): void {
  const isFloat = pname === GL2.TEXTURE_MIN_LOD || pname === GL2.TEXTURE_MAX_LOD || pname === EXT.TEXTURE_MAX_ANISOTROPY_EXT;
  texParameteri(ctx, target, pname, isFloat || !Number.isFinite(param) ? param : Math.round(param));
}

/** TEXTURE_MAX_ANISOTROPY_EXT (EXT_texture_filter_anisotropic): a float; below 1 is INVALID_VALUE; above the maximum is clamped at use. */
export function texParameterAnisotropy(ctx: GLContext, t: { maxAnisotropy: number } | null, param: number): void {
  if (Number.isNaN(param) || param < 1) return ctx.err(GL.INVALID_VALUE);
  if (!t) return ctx.err(GL.INVALID_OPERATION);
  t.maxAnisotropy = param;
}

export function texParameteri(ctx: GLContext, target: number, pname: number, param: number): void {
  if (ctx.lost) return;
  const r = texForTarget(ctx, target, false);
  if (!r) return;
  const t = r.tex;
  const wraps = [GL.REPEAT, GL.CLAMP_TO_EDGE, GL.MIRRORED_REPEAT] as number[];
  const mins = [GL.NEAREST, GL.LINEAR, GL.NEAREST_MIPMAP_NEAREST, GL.LINEAR_MIPMAP_NEAREST, GL.NEAREST_MIPMAP_LINEAR, GL.LINEAR_MIPMAP_LINEAR] as number[];
  let key: 'minFilter' | 'magFilter' | 'wrapS' | 'wrapT' | 'compareMode' | 'compareFunc' | 'depthMode';
  if (pname === EXT.TEXTURE_MAX_ANISOTROPY_EXT && ctx.hasExt('EXT_texture_filter_anisotropic')) return texParameterAnisotropy(ctx, t, param);
  switch (pname) {
    // GL 2.1 depth texture state (ARB_shadow, ARB_depth_texture): compatibility contexts only
    case TEXTURE_COMPARE_MODE: if (!ctx.compatProfile && ctx.version !== 2) return ctx.err(GL.INVALID_ENUM); if (param !== GL.NONE && param !== COMPARE_R_TO_TEXTURE) return ctx.err(GL.INVALID_ENUM); key = 'compareMode'; break;
    case TEXTURE_COMPARE_FUNC: if (!ctx.compatProfile && ctx.version !== 2) return ctx.err(GL.INVALID_ENUM); if (!(param >= GL.NEVER && param <= GL.ALWAYS)) return ctx.err(GL.INVALID_ENUM); key = 'compareFunc'; break;
    case DEPTH_TEXTURE_MODE: if (!ctx.compatProfile) return ctx.err(GL.INVALID_ENUM); if (param !== GL.LUMINANCE && param !== INTENSITY && param !== GL.ALPHA) return ctx.err(GL.INVALID_ENUM); key = 'depthMode'; break;
    case GL.TEXTURE_MIN_FILTER: if (!mins.includes(param)) return ctx.err(GL.INVALID_ENUM); key = 'minFilter'; break;
    case GL.TEXTURE_MAG_FILTER: if (param !== GL.NEAREST && param !== GL.LINEAR) return ctx.err(GL.INVALID_ENUM); key = 'magFilter'; break;
    case GL.TEXTURE_WRAP_S: if (!wraps.includes(param)) return ctx.err(GL.INVALID_ENUM); key = 'wrapS'; break;
    case GL.TEXTURE_WRAP_T: if (!wraps.includes(param)) return ctx.err(GL.INVALID_ENUM); key = 'wrapT'; break;
    default: {
      // ES 3.0 Table 6.10's further parameters (WebGL 2): BASE_LEVEL/MAX_LEVEL choose the levels a view
      // samples, MIN_LOD/MAX_LOD its LOD clamp (samplerView); TEXTURE_WRAP_R wraps no 3D texture yet
      const p2 = ctx.version === 2 ? TEX_PARAMS_2[pname] : undefined;
      if (!p2) return ctx.err(GL.INVALID_ENUM);
      if (!p2.valid(param)) return ctx.err(p2.error ?? GL.INVALID_ENUM);
      if (!t) return ctx.err(GL.INVALID_OPERATION);
      t.params2[p2.key] = p2.float ? Math.fround(param) : param | 0;
      return;
    }
  }
  if (!t) return ctx.err(GL.INVALID_OPERATION);
  t[key] = param;
}

/** WebGL 2's texture parameters beyond WebGL 1's (ES 3.0 Table 6.10): their key in AkTexture.params2 and the values they take. */
const TEX_PARAMS_2: Record<number, { key: keyof AkTexture['params2']; valid: (v: number) => boolean; float?: boolean; error?: number }> = {
  [GL2.TEXTURE_WRAP_R]: { key: 'wrapR', valid: (v) => v === GL.REPEAT || v === GL.CLAMP_TO_EDGE || v === GL.MIRRORED_REPEAT },
  [GL2.TEXTURE_MIN_LOD]: { key: 'minLod', valid: () => true, float: true },
  [GL2.TEXTURE_MAX_LOD]: { key: 'maxLod', valid: () => true, float: true },
  [GL2.TEXTURE_BASE_LEVEL]: { key: 'baseLevel', valid: (v) => v >= 0, error: GL.INVALID_VALUE },
  [GL2.TEXTURE_MAX_LEVEL]: { key: 'maxLevel', valid: (v) => v >= 0, error: GL.INVALID_VALUE },
};

export function getTexParameter(ctx: GLContext, target: number, pname: number): any {
  if (ctx.lost) return null;
  const r = texForTarget(ctx, target, false);
  if (!r) return null;
  const t = r.tex;
  const m: Record<number, 'minFilter' | 'magFilter' | 'wrapS' | 'wrapT' | 'compareMode' | 'compareFunc' | 'depthMode'> = { [GL.TEXTURE_MIN_FILTER]: 'minFilter', [GL.TEXTURE_MAG_FILTER]: 'magFilter', [GL.TEXTURE_WRAP_S]: 'wrapS', [GL.TEXTURE_WRAP_T]: 'wrapT' };
  if (ctx.compatProfile) Object.assign(m, { [TEXTURE_COMPARE_MODE]: 'compareMode', [TEXTURE_COMPARE_FUNC]: 'compareFunc', [DEPTH_TEXTURE_MODE]: 'depthMode' });
  const aniso = pname === EXT.TEXTURE_MAX_ANISOTROPY_EXT && ctx.hasExt('EXT_texture_filter_anisotropic');
  if (ctx.version === 2) {
    Object.assign(m, { [TEXTURE_COMPARE_MODE]: 'compareMode', [TEXTURE_COMPARE_FUNC]: 'compareFunc' });
    const p2 = TEX_PARAMS_2[pname];
    if (p2) { if (!t) { ctx.err(GL.INVALID_OPERATION); return null; } return t.params2[p2.key]; }
    if (pname === GL2.TEXTURE_IMMUTABLE_FORMAT) { if (!t) { ctx.err(GL.INVALID_OPERATION); return null; } return t.immutableLevels > 0; }
    if (pname === GL2.TEXTURE_IMMUTABLE_LEVELS) { if (!t) { ctx.err(GL.INVALID_OPERATION); return null; } return t.immutableLevels; }
  }
  if (!(pname in m) && !aniso) { ctx.err(GL.INVALID_ENUM); return null; }
  if (!t) { ctx.err(GL.INVALID_OPERATION); return null; }
  return aniso ? t.maxAnisotropy : t[m[pname]!];
}

/**
 * An image source's RGBA8 pixels as the upload converts them: with UNPACK_PREMULTIPLY_ALPHA_WEBGL the
 * source's alpha is multiplied into its colour first (WebGL 1.0 § 5.14.8: "the alpha channel of the
 * source data, if present") — so an RGB or LUMINANCE upload of a transparent pixel is black, not its
 * colour; an ImageBitmap has its alpha as it was made.
 */
function imageRgba(ctx: GLContext, image: ImageSource): Uint8Array | Uint8ClampedArray {
  if (!ctx.unpack.premultiply || isImageBitmap(image)) return image.data;
  const n = image.width * image.height * 4, out = new Uint8ClampedArray(n);
  for (let i = 0; i < n; i += 4) {
    const a = image.data[i + 3]!;
    out[i] = premultiply8(image.data[i]!, a); out[i + 1] = premultiply8(image.data[i + 1]!, a); out[i + 2] = premultiply8(image.data[i + 2]!, a); out[i + 3] = a;
  }
  return out;
}

/** Unpacks client pixels (alignment, flip-y, premultiply) into tightly packed texels of `info`. */
export function unpackPixels(ctx: GLContext, info: TexFormatInfo, format: number, w: number, h: number, src: ArrayBufferView | null, fromImage = false, bitmap = false): Uint8Array | null {
  // an ImageBitmap has its orientation and alpha already (WebGL 1.0 § 5.14.8): FLIP_Y does not apply;
  // an image's alpha was multiplied in before its conversion to the format (imageRgba)
  const flipY = ctx.unpack.flipY && !bitmap, premultiply = ctx.unpack.premultiply && !fromImage;
  const out = new Uint8Array(w * h * info.bpp);
  if (!src) return out;
  const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  const rowBytes = w * info.srcBpp;
  const align = fromImage ? 1 : ctx.unpack.alignment; // UNPACK_ALIGNMENT applies to client arrays only
  // WebGL 2 (ES 3.0 § 3.7.1): UNPACK_ROW_LENGTH pixels a row (0: the width), the first SKIP_ROWS rows and
  // SKIP_PIXELS pixels of each row skipped; all 0 in WebGL 1
  const u2 = fromImage ? { rowLength: 0, skipRows: 0, skipPixels: 0 } : ctx.unpack2;
  // WebGL 2.0 § 5.35: a row that does not fit in UNPACK_ROW_LENGTH (0: the width) after UNPACK_SKIP_PIXELS is an
  // invalid combination, as readPixels' PACK_ rule (readpix.ts)
  if (u2.skipPixels + w > (u2.rowLength || w)) { ctx.err(GL.INVALID_OPERATION); return null; }
  const stride = Math.ceil(((u2.rowLength || w) * info.srcBpp) / align) * align;
  const start = u2.skipRows * stride + u2.skipPixels * info.srcBpp;
  const need = h === 0 || w === 0 ? 0 : start + stride * (h - 1) + rowBytes;
  if (bytes.length < need) { ctx.err(GL.INVALID_OPERATION); return null; }
  for (let y = 0; y < h; y++) {
    const sy = flipY ? h - 1 - y : y;
    out.set(bytes.subarray(start + sy * stride, start + sy * stride + rowBytes), y * rowBytes);
  }
  if (premultiply && (format === GL.RGBA || format === GL.LUMINANCE_ALPHA) && info.kind !== 'depth') {
    const px = [0, 0, 0, 0];
    for (let i = 0; i < w * h; i++) {
      decodeTexel(info, out, i * info.bpp, px);
      px[0]! *= px[3]!; px[1]! *= px[3]!; px[2]! *= px[3]!;
      encodeTexel(info, px, out, i * info.bpp);
    }
  }
  return out;
}

export function texImageArgs(ctx: GLContext, args: unknown[]): { w: number; h: number; border: number; format: number; type: number; data: ArrayBufferView | null; image: ImageSource | null } | null {
  const [, , , a3, a4, a5, a6, a7, a8] = args as number[];
  if (args.length >= 9) return { w: a3!, h: a4!, border: a5!, format: a6!, type: a7!, data: (a8 as unknown as ArrayBufferView | null) ?? null, image: null };
  // (target, level, internalformat, format, type, source): an ImageData-like {width, height, data}
  const src = imageSource(args[5]);
  if (!src) { ctx.err(GL.INVALID_VALUE); return null; }
  return { w: src.width, h: src.height, border: 0, format: a3!, type: a4!, data: null, image: src };
}

export function texImage2D(ctx: GLContext, ...args: any[]): void { texImage2DAs(ctx, args, null); }

/**
 * texImage2D, the level stored as the texture format of `store` (WebGL 2: a sized internal format's
 * storage, formats2.ts) — the data, of its own (format, type), converted to it — or as the data's own
 * format when null.
 */
export function texImage2DAs(ctx: GLContext, args: any[], store: readonly [number, number] | null): void {
  if (ctx.lost) return;
  const target = args[0] as number, level = args[1] as number, internalformat = args[2] as number;
  const r = texForTarget(ctx, target, true);
  if (!r) return;
  const a = texImageArgs(ctx, args);
  if (!a) return;
  const { w, h, border, format, type } = a;
  let data = a.data;
  // WebGL 2: textures2.ts validated the enums against ES 3.0's table
  if (ctx.version !== 2 && (!TEX_FORMATS_ALL.includes(format) || !TEX_TYPES_ALL.includes(type))) return ctx.err(GL.INVALID_ENUM);
  const info = texInfo(ctx, format, type);
  if (!info) return;
  if (level < 0 || w < 0 || h < 0 || border !== 0) return ctx.err(GL.INVALID_VALUE);
  const max = target === GL.TEXTURE_2D || target === TEXTURE_1D ? CAPS.maxTextureSize : CAPS.maxCubeMapSize;
  if (w > max >> level || h > max >> level || level > Math.log2(max)) return ctx.err(GL.INVALID_VALUE);
  if (target === TEXTURE_1D && h !== 1) return ctx.err(GL.INVALID_VALUE);
  if (target !== GL.TEXTURE_2D && target !== TEXTURE_1D && w !== h) return ctx.err(GL.INVALID_VALUE);
  if (level > 0 && ctx.version === 1 && (!isPow2(w) || !isPow2(h))) return ctx.err(GL.INVALID_VALUE); // NPOT mip levels are not allowed in WebGL 1
  if (internalformat !== format) return ctx.err(GL.INVALID_OPERATION);
  if (info.kind === 'depth' && !ctx.compatProfile && ctx.version === 1) {
    if (target !== GL.TEXTURE_2D || level !== 0) return ctx.err(GL.INVALID_OPERATION); // WEBGL_depth_texture
    if (data) return ctx.err(GL.INVALID_OPERATION);
  }
  if (a.image) {
    if (info.kind === 'depth') return ctx.err(GL.INVALID_OPERATION);
    data = imageTexels(info, format, imageRgba(ctx, a.image), w, h);
  }
  if (data && !arrayTypeOk(type, data)) return ctx.err(GL.INVALID_OPERATION);
  // GL 2.1 depth uploads: UNSIGNED_INT depth is normalized, stored as the float depth32 holds
  if (info.hw === 'depth32' && type === GL.UNSIGNED_INT && data) data = Float32Array.from(data as Uint32Array, (v) => v / 4294967295);
  const t = r.tex;
  if (!t) return ctx.err(GL.INVALID_OPERATION);
  let texels = unpackPixels(ctx, info, format, w, h, data, !!a.image, isImageBitmap(a.image));
  if (!texels) return;
  data = null;
  const storeInfo = store ? texFormat(store[0], store[1])! : info;
  if (storeInfo.hw !== info.hw) texels = convertTexels(info, storeInfo, texels, w * h);
  beforeTextureWrite(ctx, t);
  t.levels[r.face]![level] = store ? { width: w, height: h, format: store[0], type: store[1], info: storeInfo } : { width: w, height: h, format, type, info };
  storeLevel(ctx, t, r.face, level, texels, 0, 0, w, h);
}

/** glTexImage1D (compatibility contexts, through GLCompatibility): a height-1 image of a TEXTURE_1D texture. */
export function texImage1D(ctx: GLContext, target: number, level: number, internalformat: number, width: number, border: number, format: number, type: number, data: ArrayBufferView | null): void {
  if (ctx.lost) return;
  if (!ctx.compatProfile || target !== TEXTURE_1D) return ctx.err(GL.INVALID_ENUM);
  texImage2D(ctx, target, level, internalformat, width, 1, border, format, type, data);
}

export function texSubImage2D(ctx: GLContext, ...args: any[]): void {
  if (ctx.lost) return;
  const [target, level, xoff, yoff] = args as number[];
  const r = texForTarget(ctx, target!, true);
  if (!r) return;
  let w: number, h: number, format: number, type: number, data: ArrayBufferView | null;
  let image: ImageSource | null = null;
  if (args.length >= 9) { [, , , , w, h, format, type] = args as number[] as [number, number, number, number, number, number, number, number]; data = args[8] ?? null; }
  else {
    format = args[4]; type = args[5];
    image = imageSource(args[6]);
    if (!image) return ctx.err(GL.INVALID_VALUE);
    w = image.width; h = image.height;
    data = null;
  }
  if (ctx.version !== 2 && (!TEX_FORMATS_ALL.includes(format!) || !TEX_TYPES_ALL.includes(type!))) return ctx.err(GL.INVALID_ENUM);
  const info = texInfo(ctx, format!, type!);
  if (!info) return;
  if (level! < 0 || xoff! < 0 || yoff! < 0 || w! < 0 || h! < 0) return ctx.err(GL.INVALID_VALUE);
  const t = r.tex;
  if (!t) return ctx.err(GL.INVALID_OPERATION);
  const li = t.levels[r.face]![level!];
  if (!li) return ctx.err(GL.INVALID_OPERATION);
  if (xoff! + w! > li.width || yoff! + h! > li.height) return ctx.err(GL.INVALID_VALUE);
  // WebGL 2: textures2.ts checked (format, type) against the level's internal format (ES 3.0 Table 3.2); the
  // data's texels are converted to the level's storage below
  // a compressed level takes compressedTexSubImage2D only (ES 3.0 § 3.8.5)
  if (li.compressed) return ctx.err(GL.INVALID_OPERATION);
  if ((li.format !== format || li.type !== type) && ctx.version !== 2) return ctx.err(GL.INVALID_OPERATION);
  if (image) {
    if (info.kind === 'depth') return ctx.err(GL.INVALID_OPERATION);
    data = imageTexels(info, format!, imageRgba(ctx, image), w!, h!);
  }
  if (!data) return ctx.err(GL.INVALID_VALUE);
  if (!arrayTypeOk(type!, data)) return ctx.err(GL.INVALID_OPERATION);
  if (info.kind === 'depth' && ctx.version === 1) return ctx.err(GL.INVALID_OPERATION);
  if (info.hw === 'depth32' && type === GL.UNSIGNED_INT) data = Float32Array.from(data as Uint32Array, (v) => v / 4294967295);
  const texels = unpackPixels(ctx, info, format!, w!, h!, data, !!image, isImageBitmap(image));
  if (!texels) return;
  beforeTextureWrite(ctx, t);
  storeLevel(ctx, t, r.face, level!, info.hw === li.info.hw ? texels : convertTexels(info, li.info, texels, w! * h!), xoff!, yoff!, w!, h!);
}

/**
 * `n` texels of `from` as texels of `to` (WebGL 2: data of one (format, type) the level's internal format
 * accepts, stored in another hardware format). sRGB and linear bytes of the same layout are the same
 * bytes (the encoding is the internal format's, ES 3.0 § 3.8.16); others go through RGBA values.
 */
export function convertTexels(from: TexFormatInfo, to: TexFormatInfo, texels: Uint8Array, n: number): Uint8Array {
  const raw = (i: TexFormatInfo): string => i.hw === 'srgb8_alpha8' ? 'rgba8' : i.hw === 'srgb8' ? 'rgb8' : i.hw;
  if (raw(from) === raw(to)) return texels;
  const out = new Uint8Array(n * to.bpp), px = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) { decodeTexel(from, texels, i * from.bpp, px); encodeTexel(to, px, out, i * to.bpp); }
  return out;
}

export function texInfo(ctx: GLContext, format: number, type: number): TexFormatInfo | undefined {
  const info = texFormat(format, type);
  if (!info) { ctx.err(GL.INVALID_OPERATION); return undefined; }
  if (ctx.compatProfile && info.kind === 'depth') return info; // GL 2.1 has depth textures (float data too)
  // WebGL 2: textures2.ts validated the combination against ES 3.0's table and chose this (format, type)
  if (ctx.version === 2) return info;
  if (format === GL.DEPTH_COMPONENT && type === GL.FLOAT) { ctx.err(GL.INVALID_OPERATION); return undefined; } // not in WebGL
  const need = type === GL.FLOAT ? 'OES_texture_float' : type === EXT.HALF_FLOAT_OES ? 'OES_texture_half_float' : info.kind === 'depth' || format === GL.DEPTH_COMPONENT || format === GL.DEPTH_STENCIL ? 'WEBGL_depth_texture'
    : isSrgb(info) ? 'EXT_sRGB' : null;
  if (need && !ctx.hasExt(need)) { ctx.err(GL.INVALID_ENUM); return undefined; }
  return info;
}

/** A texture about to change under the CPU: flush a pass rendering into it, wait for the GPU if it uses the storage. */
export function beforeTextureWrite(ctx: GLContext, t: AkTexture): void {
  if (ctx.framebuffer && t.attachedTo.has(ctx.framebuffer) && ctx.gpu.hasPassFor(ctx.framebuffer)) ctx.gpu.flush();
  if (t.bo) ctx.gpu.syncBo(t.bo);
}

/** The storage layout a texture of this chain has (its BO is reallocated when it changes). */
function layoutKey(t: AkTexture, c: StorageChain): string {
  const key = `${c.w}x${c.h}:${c.hw}:${t.target === GL.TEXTURE_CUBE_MAP}:from${c.first}`;
  return t.target === GL2.TEXTURE_3D || t.target === GL2.TEXTURE_2D_ARRAY ? `${key}:${c.d}:${t.target}` : key;
}

/** A level's size in the chain of a w0 x h0 (x d0) level 0: each halves, rounding down, to 1 (a 2D array keeps its layers). */
function chainLevel(t: AkTexture, c: { w: number; h: number; d: number }, level: number): { w: number; h: number; d: number } {
  const is3d = t.target === GL2.TEXTURE_3D;
  return { w: Math.max(1, c.w >> level), h: Math.max(1, c.h >> level), d: is3d ? Math.max(1, c.d >> level) : c.d };
}

/** `li` is level `level` of the chain `c`: within its length (to 1 x 1 (x 1)), of its size and format. */
function inChain(t: AkTexture, c: { w: number; h: number; d: number; hw?: string }, level: number, li: LevelInfo): boolean {
  const is3d = t.target === GL2.TEXTURE_3D;
  if (level > Math.log2(Math.max(c.w, c.h, is3d ? c.d : 1))) return false;
  const s = chainLevel(t, c, level);
  return s.w === li.width && s.h === li.height && s.d === (li.depth ?? 1) && (c.hw === undefined || c.hw === li.info.hw);
}

/** The level lies in the texture's storage (where levelOffsets[level] places it). */
export function inStorage(t: AkTexture, level: number, li: LevelInfo): boolean {
  const c = t.chain;
  return !!t.bo && !!c && level >= c.first && inChain(t, c, level, li);
}

/**
 * The texture's storage BO: one mip chain per face (a 3D texture's level l holds its max(1, d >> l)
 * slices, a 2D array's every layer, one after another), from the chain's first level down to 1 x 1.
 * Level 0, when specified (the first defined face's), fixes the chain; without it (ES 3.0: the base
 * level may lie above 0, and the levels below it need not exist) the chain is the one the levels
 * specified so far imply (a level's size << level), and holds only the levels from the lowest of them
 * — a 1 x 1 level 12 needs no 4096 x 4096 level 0 beside it. A level outside the chain has no storage
 * (false: the texture is incomplete until it is re-specified), except a level 0, which starts a new
 * chain; when the chain changes, the levels that lie in the new one keep their texels.
 */
export function ensureTexStorage(ctx: GLContext, t: AkTexture, face: number, level: number): boolean {
  const li = t.levels[face]![level]!;
  const is3d = t.target === GL2.TEXTURE_3D, depthOf = (i: LevelInfo) => i.depth ?? 1;
  const l0 = t.levels[face]![0] ?? t.levels.find((f) => f[0])?.[0];
  const own = { w: li.width << level, h: li.height << level, d: is3d ? depthOf(li) << level : depthOf(li), hw: li.info.hw };
  let c: StorageChain;
  if (l0) {
    const c0 = { w: l0.width, h: l0.height, d: depthOf(l0), hw: l0.info.hw };
    if (inChain(t, c0, level, li)) c = { ...c0, first: 0 };
    else if (level === 0) c = { ...own, first: 0 };
    else return false;
  } else if (t.chain && inChain(t, t.chain, level, li)) c = { ...t.chain, first: Math.min(t.chain.first, level) };
  else c = { ...own, first: level };
  const layout = layoutKey(t, c);
  if (t.bo && t.boLayout === layout) return true;
  const offs: number[] = [];
  let off = 0;
  for (let l = 0; ; l++) {
    offs.push(l < c.first ? NaN : off);
    const { w, h, d } = chainLevel(t, c, l);
    if (l >= c.first) off += w * h * d * li.info.bpp;
    if (w === 1 && h === 1 && (!is3d || d === 1)) { offs.push(off); break; }
  }
  const levelOffsets = offs.map((o) => (Number.isNaN(o) ? undefined : o)) as number[];
  const cube = t.target === GL.TEXTURE_CUBE_MAP;
  const faceStride = Math.ceil(off / 64) * 64;
  // planar DEPTH32F_STENCIL8: the stencil planes (a byte a pixel) follow the depth chains (stencilPlaneOffset)
  const total = faceStride * (cube ? 6 : 1) * (li.info.hw === 'depth32f_stencil8' ? 5 / 4 : 1);
  const old = t.bo, oldOffs = t.levelOffsets, oldStride = t.faceStride, oldChain = t.chain;
  try { t.bo = ctx.gpu.allocBo(Math.max(64, total), 'rw'); } catch (e) {
    if (!isOom(e)) throw e;
    t.bo = old;
    t.levels[face]![level] = null;
    ctx.err(GL.OUT_OF_MEMORY);
    return false;
  }
  t.bo.fill(0, 0, total);
  t.boLayout = layout; t.levelOffsets = levelOffsets; t.faceStride = faceStride; t.chain = c;
  if (old) {
    // the other levels: those in the new chain keep their texels, the others are gone
    for (let f = 0; f < t.levels.length; f++) {
      for (let l = 0; l < t.levels[f]!.length; l++) {
        const x = t.levels[f]![l];
        if (!x || (f === face && l === level)) continue;
        const was = oldChain && l >= oldChain.first && inChain(t, oldChain, l, x);
        if (!inChain(t, c, l, x) || l < c.first) { t.levels[f]![l] = null; continue; }
        if (was) t.bo.write(f * faceStride + levelOffsets[l]!, old.bytes(f * oldStride + oldOffs[l]!, x.width * x.height * depthOf(x) * x.info.bpp));
      }
    }
    ctx.gpu.releaseBo(old);
  }
  return true;
}

/**
 * Where the stencil plane of a planar DEPTH32F_STENCIL8 image lies in its texture's BO, given where its
 * depth plane lies: the stencil planes follow every face's depth chain, a byte for each 4-byte depth, so
 * an image's stencil sits at the depth chains' end plus a quarter of its depth offset.
 */
export function stencilPlaneOffset(t: AkTexture, depthOffset: number): number {
  return t.faceStride * (t.target === GL.TEXTURE_CUBE_MAP ? 6 : 1) + depthOffset / 4;
}

export function storeLevel(ctx: GLContext, t: AkTexture, face: number, level: number, texels: Uint8Array, x: number, y: number, w: number, h: number, z = 0): void {
  if (!ensureTexStorage(ctx, t, face, level)) {
    // A level that does not fit level 0's chain (or comes before it) has no storage: the texture stays incomplete until it is re-specified.
    t.levels[face]![level] = null;
    return;
  }
  const li = t.levels[face]![level]!;
  const bpp = li.info.bpp;
  // z: the slice (3D) or layer (2D array) the rows go to
  const base = face * t.faceStride + t.levelOffsets[level]! + z * li.width * li.height * bpp;
  if (x === 0 && w === li.width) t.bo!.write(base + y * li.width * bpp, texels.subarray(0, w * h * bpp));
  else for (let j = 0; j < h; j++) t.bo!.write(base + ((y + j) * li.width + x) * bpp, texels.subarray(j * w * bpp, (j + 1) * w * bpp));
  // DEPTH32F_STENCIL8 takes no client data (WebGL 2): a (re)specified image's stencil starts at 0 as its depth does
  if (li.info.hw === 'depth32f_stencil8') {
    const s = stencilPlaneOffset(t, base);
    for (let j = 0; j < h; j++) t.bo!.fill(0, s + (y + j) * li.width + x, w);
  }
}

export function generateMipmap(ctx: GLContext, target: number): void {
  if (ctx.lost) return;
  const r = texForTarget(ctx, target, false);
  if (!r) return;
  const t = r.tex;
  if (!t) return ctx.err(GL.INVALID_OPERATION);
  // ES 3.0 § 3.8.10: the levels after TEXTURE_BASE_LEVEL are derived from it, up to TEXTURE_MAX_LEVEL (an immutable
  // texture clamps both into its levels, § 3.8.4); WebGL 1 derives levels 1.. from level 0
  let base = 0, maxLevel = Infinity;
  if (ctx.version === 2) {
    base = t.params2.baseLevel; maxLevel = t.params2.maxLevel;
    if (t.immutableLevels) { base = Math.min(base, t.immutableLevels - 1); maxLevel = Math.max(base, Math.min(maxLevel, t.immutableLevels - 1)); }
  }
  const l0 = t.levels[0]![base];
  // WebGL 1: power-of-two sizes only; ES 3.0 § 3.8.10 mipmaps any size (each level halves, rounding down)
  if (!l0 || (ctx.version === 1 && (!isPow2(l0.width) || !isPow2(l0.height))) || l0.info.kind === 'depth') return ctx.err(GL.INVALID_OPERATION);
  // a compressed level (compressed.ts) is not mipmapped by the GL (ES 3.0 § 3.8.10, the S3TC extensions)
  if (l0.compressed) return ctx.err(GL.INVALID_OPERATION);
  // EXT_sRGB (ES 2.0): no mipmap generation for sRGB textures
  if (ctx.version === 1 && isSrgb(l0.info)) return ctx.err(GL.INVALID_OPERATION);
  // ES 3.0 § 3.8.10: an unsized format, or a sized one both colour-renderable and texture-filterable (Table 3.13)
  if (ctx.version === 2 && l0.internalformat !== undefined && !mipmappable(ctx, l0.internalformat)) return ctx.err(GL.INVALID_OPERATION);
  if (t.levels.some((f) => { const b = f[base]; return !b || b.width !== l0.width || b.height !== l0.height || b.format !== l0.format || b.type !== l0.type; })) return ctx.err(GL.INVALID_OPERATION);
  if (!inStorage(t, base, l0)) return ctx.err(GL.INVALID_OPERATION);
  beforeTextureWrite(ctx, t);
  if (t.target === GL2.TEXTURE_3D || t.target === GL2.TEXTURE_2D_ARRAY) return generateMipmap3d(ctx, t, l0, base, maxLevel);
  // On the CPU: a 2x2 box filter level by level (the GPU has no blit yet).
  const info = l0.info, bpp = info.bpp;
  const a = [0, 0, 0, 0], acc = [0, 0, 0, 0];
  for (let f = 0; f < t.levels.length; f++) {
    let src = t.bo!.bytes(f * t.faceStride + t.levelOffsets[base]!, l0.width * l0.height * bpp);
    for (let l = base + 1; l <= maxLevel; l++) {
      const pw = Math.max(1, l0.width >> (l - 1 - base)), ph = Math.max(1, l0.height >> (l - 1 - base));
      if (pw === 1 && ph === 1) break;
      const w = Math.max(1, pw >> 1), h = Math.max(1, ph >> 1);
      t.levels[f]![l] = { ...l0, width: w, height: h };
      const dst = new Uint8Array(w * h * bpp);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          acc.fill(0);
          let n = 0;
          for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
            const sx = Math.min(pw - 1, x * 2 + dx), sy = Math.min(ph - 1, y * 2 + dy);
            decodeTexel(info, src, (sy * pw + sx) * bpp, a);
            for (let k = 0; k < 4; k++) acc[k]! += a[k]!;
            n++;
          }
          encodeTexel(info, acc.map((v) => v / n), dst, (y * w + x) * bpp);
        }
      }
      t.bo!.write(f * t.faceStride + t.levelOffsets[l]!, dst);
      src = dst;
    }
  }
}

/**
 * ES 3.0 § 3.8.10's formats generateMipmap takes: sized formats that are colour-renderable (the float ones
 * with EXT_color_buffer_float) and filterable (the 32-bit floats with OES_texture_float_linear).
 */
function mipmappable(ctx: GLContext, internalformat: number): boolean {
  const f = SIZED_BY_ENUM.get(internalformat);
  if (!f) return true;
  const float = f.name.endsWith('16F') || f.name.endsWith('32F') || f.name === 'R11F_G11F_B10F';
  const renderable = f.renderable || (float && ctx.hasExt('EXT_color_buffer_float'));
  const filterable = f.filterable || (f.name.endsWith('32F') && ctx.hasExt('OES_texture_float_linear'));
  return renderable && filterable && !f.combos.some((c) => c[0] === GL.DEPTH_COMPONENT || c[0] === GL.DEPTH_STENCIL);
}

/** generateMipmap of a 3D texture (a 2x2x2 box, slices halving) or a 2D array (each layer's 2x2 box), on the CPU. */
function generateMipmap3d(ctx: GLContext, t: AkTexture, l0: LevelInfo, base: number, maxLevel: number): void {
  const info = l0.info, bpp = info.bpp, is3d = t.target === GL2.TEXTURE_3D;
  const a = [0, 0, 0, 0], acc = [0, 0, 0, 0];
  let pw = l0.width, ph = l0.height, pd = l0.depth ?? 1;
  let src = t.bo!.bytes(t.levelOffsets[base]!, pw * ph * pd * bpp);
  for (let l = base + 1; l <= maxLevel && (pw > 1 || ph > 1 || (is3d && pd > 1)); l++) {
    const w = Math.max(1, pw >> 1), h = Math.max(1, ph >> 1), d = is3d ? Math.max(1, pd >> 1) : pd;
    t.levels[0]![l] = { ...l0, width: w, height: h, depth: d };
    if (!ensureTexStorage(ctx, t, 0, l)) return;
    const dst = new Uint8Array(w * h * d * bpp);
    for (let z = 0; z < d; z++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      acc.fill(0);
      let n = 0;
      for (let dz = 0; dz < (is3d ? 2 : 1); dz++) for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
        const sx = Math.min(pw - 1, x * 2 + dx), sy = Math.min(ph - 1, y * 2 + dy), sz = is3d ? Math.min(pd - 1, z * 2 + dz) : z;
        decodeTexel(info, src, ((sz * ph + sy) * pw + sx) * bpp, a);
        for (let k = 0; k < 4; k++) acc[k]! += a[k]!;
        n++;
      }
      encodeTexel(info, acc.map((v) => v / n), dst, ((z * h + y) * w + x) * bpp);
    }
    t.bo!.write(t.levelOffsets[l]!, dst);
    src = dst; pw = w; ph = h; pd = d;
  }
}

/**
 * What copyTex(Sub)Image2D may not read (0: nothing wrong): a colour buffer without alpha for a format that keeps
 * alpha (ES 2.0 § 3.7.2, table 3.9: RGB → ALPHA, LUMINANCE_ALPHA, RGBA is INVALID_OPERATION), and the texture level
 * the framebuffer is rendering to (WebGL 1.0 § 6.26, a feedback loop: INVALID_OPERATION), and samples.
 */
function copySourceError(ctx: GLContext, tex: AkTexture, face: number, level: number, format: number): number {
  const fb = ctx.framebuffer;
  if (fb?.color?.tex === tex && (fb.color.face ?? 0) === face && (fb.color.level ?? 0) === level) return GL.INVALID_OPERATION;
  // ES 3.0 § 3.8.5: a multisampled read framebuffer (not the resolved antialiased drawing buffer) cannot be copied from
  const rs = currentSurface(ctx);
  if (rs && (rs.samples ?? 1) > 1 && !rs.msColor) return GL.INVALID_OPERATION;
  const keepsAlpha = format === GL.ALPHA || format === GL.LUMINANCE_ALPHA || format === GL.RGBA;
  if (keepsAlpha && currentSurface(ctx)?.color && surfaceBits(ctx).a === 0) return GL.INVALID_OPERATION;
  return 0;
}

/** A level of a 2D target (TEXTURE_2D or a cube face) that can exist, of a size it can have: level <= log2(max), w and h <= max >> level. */
export function levelSizeOk(target: number, level: number, w: number, h: number): boolean {
  const max = target === GL.TEXTURE_2D || target === TEXTURE_1D ? CAPS.maxTextureSize : CAPS.maxCubeMapSize;
  return level <= Math.log2(max) && w <= max >> level && h <= max >> level;
}

export function copyTexImage2D(ctx: GLContext, target: number, level: number, internalformat: number, x: number, y: number, w: number, h: number, border: number): void {
  if (ctx.lost) return;
  const r = texForTarget(ctx, target, true);
  if (!r) return;
  if (![GL.RGBA, GL.RGB, GL.ALPHA, GL.LUMINANCE, GL.LUMINANCE_ALPHA].includes(internalformat as never)) return ctx.err(GL.INVALID_ENUM);
  if (level < 0 || w < 0 || h < 0 || border !== 0) return ctx.err(GL.INVALID_VALUE);
  // the size limits of texImage2D (ES 2.0 § 3.7.1, ES 3.0 § 3.8.5): level at most log2 of the target's
  // MAX_TEXTURE_SIZE / MAX_CUBE_MAP_TEXTURE_SIZE, and the image no larger than that maximum >> level
  if (!levelSizeOk(target, level, w, h)) return ctx.err(GL.INVALID_VALUE);
  // as texImage2D: no NPOT mip levels in WebGL 1, square cube faces
  if (level > 0 && (!isPow2(w) || !isPow2(h)) && ctx.version === 1) return ctx.err(GL.INVALID_VALUE);
  if (target !== GL.TEXTURE_2D && w !== h) return ctx.err(GL.INVALID_VALUE);
  if (!r.tex) return ctx.err(GL.INVALID_OPERATION);
  const bad = copySourceError(ctx, r.tex, r.face, level, internalformat);
  if (bad) return ctx.err(bad);
  const src = readRgba(ctx, x, y, w, h);
  if (!src) return;
  const info = texFormat(internalformat, GL.UNSIGNED_BYTE)!;
  const texels = new Uint8Array(w * h * info.bpp);
  const map = internalformat === GL.RGBA ? [0, 1, 2, 3] : internalformat === GL.RGB ? [0, 1, 2] : internalformat === GL.ALPHA ? [3] : internalformat === GL.LUMINANCE ? [0] : [0, 3];
  for (let i = 0; i < w * h; i++) for (let k = 0; k < map.length; k++) texels[i * info.bpp + k] = src[i * 4 + map[k]!]!;
  beforeTextureWrite(ctx, r.tex);
  r.tex.levels[r.face]![level] = { width: w, height: h, format: internalformat, type: GL.UNSIGNED_BYTE, info };
  storeLevel(ctx, r.tex, r.face, level, texels, 0, 0, w, h);
}

export function copyTexSubImage2D(ctx: GLContext, target: number, level: number, xoff: number, yoff: number, x: number, y: number, w: number, h: number): void {
  if (ctx.lost) return;
  const r = texForTarget(ctx, target, true);
  if (!r) return;
  if (level < 0 || w < 0 || h < 0 || xoff < 0 || yoff < 0) return ctx.err(GL.INVALID_VALUE);
  // a level beyond log2 of the maximum size cannot exist (ES 3.0 § 3.8.5: INVALID_VALUE)
  if (!levelSizeOk(target, level, 0, 0)) return ctx.err(GL.INVALID_VALUE);
  const li = r.tex?.levels[r.face]![level];
  if (!r.tex || !li) return ctx.err(GL.INVALID_OPERATION);
  if (xoff + w > li.width || yoff + h > li.height) return ctx.err(GL.INVALID_VALUE);
  if (li.type !== GL.UNSIGNED_BYTE) return ctx.err(GL.INVALID_OPERATION);
  const bad = copySourceError(ctx, r.tex, r.face, level, li.format);
  if (bad) return ctx.err(bad);
  const src = readRgba(ctx, x, y, w, h);
  if (!src) return;
  const f = li.format;
  const map = f === GL.RGBA ? [0, 1, 2, 3] : f === GL.RGB ? [0, 1, 2] : f === GL.ALPHA ? [3] : f === GL.LUMINANCE ? [0] : [0, 3];
  const texels = new Uint8Array(w * h * li.info.bpp);
  for (let i = 0; i < w * h; i++) for (let k = 0; k < map.length; k++) texels[i * li.info.bpp + k] = src[i * 4 + map[k]!]!;
  beforeTextureWrite(ctx, r.tex);
  storeLevel(ctx, r.tex, r.face, level, texels, xoff, yoff, w, h);
}


/** Texture completeness (ES 2.0 §3.7.10 + WebGL NPOT rules) and the TEXTURE descriptor values. */
/**
 * Texture completeness (ES 2.0 § 3.7.10 and WebGL's NPOT rules) and, for a complete texture,
 * the view the driver samples; null samples black.
 */
export function samplerView(ctx: GLContext, t: AkTexture | null, target: number, unit = -1): SamplerView | null {
  const cube = target === GL.TEXTURE_CUBE_MAP;
  if (!t || !t.bo || t.target !== target) return null;
  // a sampler object bound to the unit (WebGL 2, ES 3.0 § 3.8.2) replaces the texture's sampling state
  const smp = unit >= 0 ? ctx.samplers[unit] : null;
  const sp: Pick<AkTexture, 'minFilter' | 'magFilter' | 'wrapS' | 'wrapT' | 'compareMode' | 'compareFunc' | 'maxAnisotropy'> = smp ?? t;
  // ES 3.0 § 3.8.10: the levels sampled run from TEXTURE_BASE_LEVEL to at most TEXTURE_MAX_LEVEL; an immutable
  // texture clamps them into its levels (§ 3.8.4); WebGL 1 has level 0 onwards
  let base = 0, maxLevel = Infinity;
  if (ctx.version === 2) {
    base = t.params2.baseLevel; maxLevel = t.params2.maxLevel;
    if (t.immutableLevels) { base = Math.min(base, t.immutableLevels - 1); maxLevel = Math.max(base, Math.min(maxLevel, t.immutableLevels - 1)); }
    if (base > maxLevel) return null;
  }
  const l0 = t.levels[0]![base];
  if (!l0) return null;
  for (const f of t.levels) { const b = f[base]; if (!b || b.width !== l0.width || b.height !== l0.height || b.format !== l0.format || b.type !== l0.type) return null; }
  const is3d = target === GL2.TEXTURE_3D, d0 = l0.depth ?? 1;
  // the base level is sampled where it lies in the storage's chain (ensureTexStorage), the levels after it following
  if (!inStorage(t, base, l0)) return null;
  const mip = sp.minFilter !== GL.NEAREST && sp.minFilter !== GL.LINEAR;
  const npot = !isPow2(l0.width) || !isPow2(l0.height);
  if (npot && ctx.version === 1 && (mip || sp.wrapS !== GL.CLAMP_TO_EDGE || sp.wrapT !== GL.CLAMP_TO_EDGE)) return null;
  // float textures filter linearly only with OES_texture_float_linear / OES_texture_half_float_linear
  // (the texture unit filters every format after conversion to float: the extensions lift the API's rule)
  const linearOk = l0.info.kind === 'f32' ? ctx.hasExt('OES_texture_float_linear') : l0.info.kind === 'f16' ? ctx.version === 2 || ctx.hasExt('OES_texture_half_float_linear') : true;
  if (!linearOk && (sp.magFilter === GL.LINEAR || (sp.minFilter !== GL.NEAREST && sp.minFilter !== GL.NEAREST_MIPMAP_NEAREST))) return null;
  // ES 3.0 § 3.8.13: an integer texture whose filters are not NEAREST (or NEAREST_MIPMAP_NEAREST) is incomplete
  if (l0.info.kind === 'int' && (sp.magFilter !== GL.NEAREST || (sp.minFilter !== GL.NEAREST && sp.minFilter !== GL.NEAREST_MIPMAP_NEAREST))) return null;
  let levels = 1;
  // the chain runs from the base level down to 1×1 (or the max level): a 1×1 base level is the whole chain (ES 2.0 § 3.7.10, q = p for 1×1)
  if (mip && (l0.width > 1 || l0.height > 1 || (is3d && d0 > 1))) {
    for (let l = 1; base + l <= maxLevel; l++) {
      const w = Math.max(1, l0.width >> l), h = Math.max(1, l0.height >> l), d = is3d ? Math.max(1, d0 >> l) : d0;
      for (const f of t.levels) { const li = f[base + l]; if (!li || li.width !== w || li.height !== h || (li.depth ?? 1) !== d || li.format !== l0.format || li.type !== l0.type) return null; }
      levels = l + 1;
      if (w === 1 && h === 1 && (!is3d || d === 1)) break;
    }
  }
  if (levels > 15) return null;
  const wrap = (m: number): WrapMode => (m === GL.REPEAT ? 'repeat' : m === GL.CLAMP_TO_EDGE ? 'clamp_to_edge' : 'mirrored_repeat');
  const minLinear = sp.minFilter === GL.LINEAR || sp.minFilter === GL.LINEAR_MIPMAP_NEAREST || sp.minFilter === GL.LINEAR_MIPMAP_LINEAR;
  return {
    bo: t.bo, width: l0.width, height: l0.height, dim: cube ? 'cube' : is3d ? '3d' : target === GL2.TEXTURE_2D_ARRAY ? '2d_array' : '2d', format: l0.info.hw, levels,
    depth: d0, wrapR: wrap(smp ? smp.wrapR : t.params2.wrapR),
    wrapS: wrap(sp.wrapS), wrapT: wrap(sp.wrapT), minFilter: minLinear ? 'linear' : 'nearest', magFilter: sp.magFilter === GL.LINEAR ? 'linear' : 'nearest',
    mipFilter: !mip ? 'none' : sp.minFilter === GL.NEAREST_MIPMAP_NEAREST || sp.minFilter === GL.LINEAR_MIPMAP_NEAREST ? 'nearest' : 'linear',
    faceStride: t.faceStride,
    // depth textures: GL 2.1 comparison and DEPTH_TEXTURE_MODE (defaults: no comparison, luminance)
    compare: l0.info.kind === 'depth' && sp.compareMode === COMPARE_R_TO_TEXTURE, compareFunc: COMPARE_NAMES[sp.compareFunc]!,
    depthMode: t.depthMode === INTENSITY ? 'intensity' : t.depthMode === GL.ALPHA ? 'alpha' : 'luminance',
    // the hardware takes whole probes: a fractional maximum rounds down (the extension lets implementations round)
    maxAnisotropy: Math.min(CAPS.maxAnisotropy, Math.floor(sp.maxAnisotropy)),
    offset: t.levelOffsets[base]!,
    // TEXTURE_MIN_LOD / MAX_LOD (the sampler object's when one is bound): a clamp only when they narrow the range
    ...(ctx.version === 2 ? lodRange(smp ?? t.params2) : {}),
  };
}

/** The LOD clamp of a WebGL 2 view: none at the defaults (-1000, 1000), which no level of detail reaches. */
function lodRange(p: { minLod: number; maxLod: number }): { lodRange?: readonly [number, number] } {
  return p.minLod <= -32 && p.maxLod >= 32 ? {} : { lodRange: [p.minLod, p.maxLod] };
}


