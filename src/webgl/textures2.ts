/**
 * WebGL 2's texture entry points (ES 3.0 § 3.8; WebGL 2.0 § 3.7.6): the
 * texImage2D/texSubImage2D overloads (a PIXEL_UNPACK_BUFFER offset, or a
 * view with srcOffset), validated against ES 3.0's format table
 * (formats2.ts), texStorage2D's immutable levels, and 3D / array textures.
 * A valid 2D call is handed to textures.ts as the WebGL 1 (format, type)
 * pair that stores the sized format. 3D and 2D array textures
 * (texImage3D, texSubImage3D, texStorage3D) keep every level's slices or
 * layers one after another (textures.ts ensureTexStorage); their data is a
 * view, a PIXEL_UNPACK_BUFFER offset or a TexImageSource cut into slices
 * (imageBox); copyTexSubImage3D copies into one slice or layer.
 */
import { GL, GL2, EXT } from './constants.js';
import type { GLContext } from './glcontext.js';
import { CAPS } from '../umd/pipe/caps.js';
import { resolveTexFormat, SIZED_BY_ENUM, UNSIZED_COMBOS, FORMATS_2, TYPES_2 } from './formats2.js';
import { COLOR_POINTS, type AkTexture, type LevelInfo } from './objects.js';
import { arrayTypeOk, imageTexels, texFormat, type TexFormatInfo } from './formats.js';
import * as textures from './textures.js';
import { compressedSource, compressedTexStorage2D, enabledCompressedFormat } from './compressed.js';
import { bitmapRegion, isImageBitmap, premultiply8, rgbaRegion } from './image-bitmap.js';
import { cpuData } from './buffers.js';
import { readSurface, surfaceBits } from './framebuffers.js';
import { readColorValues, readRgba } from './readpix.js';
import { COLOR_FORMAT_LAYOUT, PACK, PIXEL_FORMATS, TEX_FORMAT_LAYOUT, bytesAccess, formatBits, isNormalized, type PixelFormat } from '../hwdesc/formats.js';

const HALF_OES = EXT.HALF_FLOAT_OES;

/** The type textures.ts and formats.ts name a data type by (WebGL 2's HALF_FLOAT as the texture unit's half type). */
const dataType = (type: number): number => (type === GL2.HALF_FLOAT ? HALF_OES : type);

/** Bytes of one element of a pixel type (the alignment a PIXEL_UNPACK_BUFFER offset needs), and the view of its elements. */
function typeElement(type: number): [number, new (b: ArrayBuffer) => ArrayBufferView] {
  switch (type) {
    case GL.UNSIGNED_BYTE: return [1, Uint8Array];
    case GL.BYTE: return [1, Int8Array];
    case GL.SHORT: return [2, Int16Array];
    case GL.INT: return [4, Int32Array];
    case GL.FLOAT: return [4, Float32Array];
    case GL.UNSIGNED_INT: case EXT.UNSIGNED_INT_24_8_WEBGL: case GL2.UNSIGNED_INT_2_10_10_10_REV: case GL2.UNSIGNED_INT_10F_11F_11F_REV: case GL2.UNSIGNED_INT_5_9_9_9_REV: return [4, Uint32Array];
    default: return [2, Uint16Array];
  }
}

/** ES 3.0 Table 3.2/3.3: (format, type) is a combination the internal format takes. */
function comboAllowed(internalformat: number, format: number, type: number): boolean {
  const sized = SIZED_BY_ENUM.get(internalformat);
  if (sized) return sized.combos.some((c) => c[0] === format && c[1] === type);
  return internalformat === format && UNSIZED_COMBOS.some((c) => c[0] === format && c[1] === type);
}

/** The level a 2D target or cube face names on the active unit, if specified. */
function levelOf(ctx: GLContext, target: number, level: number): LevelInfo | null {
  const t = boundTexture(ctx, target);
  const face = target === GL.TEXTURE_2D ? 0 : target - GL.TEXTURE_CUBE_MAP_POSITIVE_X;
  return t?.levels[face]?.[level] ?? null;
}

/** The pixels of a texImage/texSubImage source: a view (from srcOffset), or the bound PIXEL_UNPACK_BUFFER's bytes from an offset. */
function sourcePixels(ctx: GLContext, src: unknown, srcOffset: number | undefined, type: number): ArrayBufferView | null | undefined {
  const pbo = ctx.buffers2.get(GL2.PIXEL_UNPACK_BUFFER) ?? null;
  if (typeof src === 'number') {
    // WebGL 2.0 § 3.7.6: an offset needs a PIXEL_UNPACK_BUFFER; a view must not have one bound
    if (!pbo) { ctx.err(GL.INVALID_OPERATION); return undefined; }
    if (src < 0) { ctx.err(GL.INVALID_VALUE); return undefined; }
    const [el, View] = typeElement(type);
    if (src % el) { ctx.err(GL.INVALID_OPERATION); return undefined; }
    if (src > pbo.size) { ctx.err(GL.INVALID_OPERATION); return undefined; }
    const bytes = cpuData(ctx, pbo).subarray(src);
    const n = Math.floor(bytes.length / el);
    return new View(bytes.slice(0, n * el).buffer);
  }
  if (pbo) { ctx.err(GL.INVALID_OPERATION); return undefined; }
  if (src === null || src === undefined) return null;
  const view = src as ArrayBufferView;
  if (!srcOffset) return view;
  const el = (view as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  // an offset past the view's end leaves no data at all: "not enough data", INVALID_OPERATION, as for a short
  // view (the 2.0.0 CTS misc/views-with-offsets; readPixels' dstOffset past the end is INVALID_VALUE instead)
  if (srcOffset * el > view.byteLength) { ctx.err(GL.INVALID_OPERATION); return undefined; }
  const Ctor = view.constructor as new (b: ArrayBufferLike, o: number, n: number) => ArrayBufferView;
  return new Ctor(view.buffer, view.byteOffset + srcOffset * el, (view.byteLength - srcOffset * el) / el);
}

/** The texture a 2D/cube target names, for the immutable-storage check. */
function boundTexture(ctx: GLContext, target: number) {
  if (target === GL.TEXTURE_2D) return ctx.tex2d[ctx.activeUnit] ?? null;
  if (target >= GL.TEXTURE_CUBE_MAP_POSITIVE_X && target <= GL.TEXTURE_CUBE_MAP_NEGATIVE_Z) return ctx.texCube[ctx.activeUnit] ?? null;
  return null;
}

/** texImage2D's WebGL 2 overloads (WebGL 2.0 § 3.7.6): 6 arguments (source), 9 (view, offset or source), 10 (view, srcOffset). */
export function texImage2D2(ctx: GLContext, args: unknown[]): void {
  if (ctx.lost) return;
  const [target, level, internalformat] = args as number[];
  const image = args.length === 6 ? args[5] : args.length === 9 && isImage(args[8]) ? args[8] : null;
  const [format, type] = (args.length === 6 ? [args[3], args[4]] : [args[6], args[7]]) as number[];
  if (target !== GL.TEXTURE_2D && !(target! >= GL.TEXTURE_CUBE_MAP_POSITIVE_X && target! <= GL.TEXTURE_CUBE_MAP_NEGATIVE_Z)) return ctx.err(GL.INVALID_ENUM);
  const r = resolveTexFormat(internalformat!, format!, type!);
  if ('error' in r) return ctx.err(r.error);
  if (boundTexture(ctx, target!)?.immutableLevels) return ctx.err(GL.INVALID_OPERATION);
  // the data as its own (format, type), stored as the internal format's storage
  const t1 = dataType(type!);
  if (image !== null) {
    if (ctx.buffers2.get(GL2.PIXEL_UNPACK_BUFFER)) return ctx.err(GL.INVALID_OPERATION);
    const src = args.length === 9 ? sourceRegion(ctx, image, args[3] as number, args[4] as number) : image;
    if (!src) return;
    textures.texImage2DAs(ctx, [target, level, format, format, t1, src], r.storage);
  } else {
    const data = sourcePixels(ctx, args[8], args[9] as number | undefined, type!);
    if (data === undefined) return;
    textures.texImage2DAs(ctx, [target, level, format, args[3], args[4], args[5], format, t1, data], r.storage);
  }
  const li = levelOf(ctx, target!, level!);
  if (li) li.internalformat = internalformat!;
}

/** texSubImage2D's WebGL 2 overloads; the data's (format, type) must be one ES 3.0 allows for the level's format. */
export function texSubImage2D2(ctx: GLContext, args: unknown[]): void {
  if (ctx.lost) return;
  const image = args.length === 7 ? args[6] : args.length === 9 && isImage(args[8]) ? args[8] : null;
  const [format, type] = (args.length === 7 ? [args[4], args[5]] : [args[6], args[7]]) as number[];
  const t = dataType(type!);
  if (!FORMATS_2.has(format!) || !TYPES_2.has(type!)) return ctx.err(GL.INVALID_ENUM);
  // the data must be a (format, type) the level's internal format takes (ES 3.0 § 3.8.5); it is converted to the storage
  const li = levelOf(ctx, args[0] as number, args[1] as number);
  if (li?.internalformat !== undefined && !comboAllowed(li.internalformat, format!, type!)) return ctx.err(GL.INVALID_OPERATION);
  if (image !== null) {
    if (ctx.buffers2.get(GL2.PIXEL_UNPACK_BUFFER)) return ctx.err(GL.INVALID_OPERATION);
    const src = args.length === 9 ? sourceRegion(ctx, image, args[4] as number, args[5] as number) : image;
    if (!src) return;
    return textures.texSubImage2D(ctx, args[0], args[1], args[2], args[3], format, t, src);
  }
  const data = sourcePixels(ctx, args[8], args[9] as number | undefined, type!);
  if (data === undefined) return;
  textures.texSubImage2D(ctx, args[0], args[1], args[2], args[3], args[4], args[5], format, t, data);
}

/**
 * The width × height region a WebGL 2 upload with explicit size reads from a TexImageSource: it
 * starts UNPACK_SKIP_PIXELS pixels and UNPACK_SKIP_ROWS rows into the source as UNPACK_FLIP_Y_WEBGL
 * presents it (flipped first, then skipped — the conformance sub-rectangle pages' expectations); an
 * ImageBitmap is never flipped. A region outside the source is INVALID_OPERATION. Returned in the
 * source's own row order (textures.ts flips what it unpacks).
 */
function sourceRegion(ctx: GLContext, image: unknown, w: number, h: number): unknown {
  const im = image as { width: number; height: number; data: Uint8Array | Uint8ClampedArray };
  if (typeof im.width !== 'number' || !(im.data instanceof Uint8Array || im.data instanceof Uint8ClampedArray)) return image; // textures.ts rejects it
  if (w < 0 || h < 0) { ctx.err(GL.INVALID_VALUE); return null; }
  const sx = ctx.unpack2.skipPixels, skip = ctx.unpack2.skipRows;
  if (sx + w > im.width || skip + h > im.height) { ctx.err(GL.INVALID_OPERATION); return null; }
  if (sx === 0 && skip === 0 && w === im.width && h === im.height) return image;
  if (isImageBitmap(im)) return bitmapRegion(im, sx, skip, w, h);
  const sy = ctx.unpack.flipY ? im.height - skip - h : skip;
  return { width: w, height: h, data: rgbaRegion(im.data, im.width, sx, sy, w, h) };
}

const isImage = (v: unknown): boolean => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && 'width' in v;

/**
 * The sized formats copyTexImage2D makes here, each with its sRGB encoding: ES 3.0 § 3.8.5 requires the
 * framebuffer's components to match a sized format's in size exactly and its encoding to match, so these
 * come from 8-bit normalized colour buffers (read as RGBA8). A snorm format is not copyable (INVALID_ENUM);
 * integer and float copies are not done here (INVALID_OPERATION, README's limits).
 */
const COPY_SIZED: ReadonlyMap<number, { srgb: boolean; channels: number }> = new Map([
  [GL2.R8, { srgb: false, channels: 1 }], [GL2.RG8, { srgb: false, channels: 2 }], [GL2.RGB8, { srgb: false, channels: 3 }],
  [GL.RGBA8, { srgb: false, channels: 4 }], [GL2.SRGB8, { srgb: true, channels: 3 }], [GL2.SRGB8_ALPHA8, { srgb: true, channels: 4 }],
]);
const SNORM: ReadonlySet<number> = new Set([GL2.R8_SNORM, GL2.RG8_SNORM, GL2.RGB8_SNORM, GL2.RGBA8_SNORM]);

/**
 * copyTexImage2D in WebGL 2 (ES 3.0 § 3.8.5): an immutable texture's levels cannot be respecified
 * (INVALID_OPERATION); an unsized internal format is WebGL 1's copy; a sized one (COPY_SIZED) takes the
 * read buffer's pixels when the buffer has each of the format's components in 8 bits and the same
 * encoding (linear or sRGB), and stores them as the format's storage.
 */
export function copyTexImage2D2(ctx: GLContext, target: number, level: number, internalformat: number, x: number, y: number, w: number, h: number, border: number): void {
  if (ctx.lost) return;
  const t = boundTexture(ctx, target);
  if (t?.immutableLevels) return ctx.err(GL.INVALID_OPERATION);
  const sized = SIZED_BY_ENUM.get(internalformat);
  if (!sized) return textures.copyTexImage2D(ctx, target, level, internalformat, x, y, w, h, border);
  const r = textures.texForTarget(ctx, target, true);
  if (!r) return;
  if (SNORM.has(internalformat)) return ctx.err(GL.INVALID_ENUM);
  if (level < 0 || w < 0 || h < 0 || border !== 0) return ctx.err(GL.INVALID_VALUE);
  if (!textures.levelSizeOk(target, level, w, h)) return ctx.err(GL.INVALID_VALUE);
  if (target !== GL.TEXTURE_2D && w !== h) return ctx.err(GL.INVALID_VALUE);
  if (!r.tex) return ctx.err(GL.INVALID_OPERATION);
  const want = COPY_SIZED.get(internalformat);
  const s = readSurface(ctx);
  if (!s) return ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION);
  if (!s.color) return ctx.err(GL.INVALID_OPERATION);
  if (!want) return copyExact(ctx, r.tex, r.face, level, internalformat, x, y, w, h);
  const bits = formatBits(COLOR_FORMAT_LAYOUT[s.color.format]);
  if (!ctx.framebuffer && !ctx.attrs.alpha) bits.a = 0;
  const have = [bits.r, bits.g, bits.b, bits.a].slice(0, want.channels);
  if (!isNormalized(COLOR_FORMAT_LAYOUT[s.color.format]) || have.some((b) => b !== 8)) return ctx.err(GL.INVALID_OPERATION);
  if ((s.color.format === 'srgb8_alpha8') !== want.srgb) return ctx.err(GL.INVALID_OPERATION);
  // the image the framebuffer reads from: a feedback loop
  const src = ctx.framebuffer?.[COLOR_POINTS[Math.max(0, ctx.framebuffer.readBuffer - GL.COLOR_ATTACHMENT0)] ?? 'color'];
  if (src?.tex === r.tex && (src.face ?? 0) === r.face && (src.level ?? 0) === level) return ctx.err(GL.INVALID_OPERATION);
  const [sf, st] = sized.storage!;
  const info = texFormat(sf, st)!;
  const rgba = readRgba(ctx, x, y, w, h);
  if (!rgba) return;
  const texels = textures.convertTexels(texFormat(GL.RGBA, GL.UNSIGNED_BYTE)!, info, rgba, w * h);
  textures.beforeTextureWrite(ctx, r.tex);
  r.tex.levels[r.face]![level] = { width: w, height: h, format: sf, type: st, info, internalformat };
  textures.storeLevel(ctx, r.tex, r.face, level, texels, 0, 0, w, h);
}

/** A channel encoding's class as ES 3.0 § 3.8.5 matches copies: fixed-point, floating-point, signed or unsigned integer. */
const channelClass = (t: string): string => (t === 'unorm' || t === 'snorm' ? 'fixed' : t === 'ufloat' ? 'float' : t);

/**
 * copyTexImage2D into a sized format other than the 8-bit ones (ES 3.0 § 3.8.5): the read buffer's
 * components are copied exactly — a float buffer into a float format, a signed (unsigned) integer
 * buffer into a signed (unsigned) integer format, fixed-point into fixed-point — when the format's
 * components are a subset of the buffer's (Table 3.15: no alpha from a buffer without one...) and each
 * has the same number of bits as the buffer's ("the component sizes of internalformat must exactly
 * match"); otherwise INVALID_OPERATION. Pixels outside the read buffer are 0 (WebGL 1.0 § 6.x).
 */
function copyExact(ctx: GLContext, tex: AkTexture, face: number, level: number, internalformat: number, x: number, y: number, w: number, h: number): void {
  const sized = SIZED_BY_ENUM.get(internalformat)!;
  const s = readSurface(ctx)!;
  const info = sized.storage ? texFormat(sized.storage[0], sized.storage[1]) : undefined;
  if (!info || info.kind === 'depth') return ctx.err(GL.INVALID_OPERATION);
  const srcName = COLOR_FORMAT_LAYOUT[s.color!.format], dstName = TEX_FORMAT_LAYOUT[info.hw];
  const src = PIXEL_FORMATS[srcName], dst = PIXEL_FORMATS[dstName];
  const kind = (f: PixelFormat) => channelClass(f.channels.find((c) => c.type !== 'void')!.type);
  if (kind(src) !== kind(dst) || src.colorspace !== dst.colorspace) return ctx.err(GL.INVALID_OPERATION);
  const sb = formatBits(srcName), db = formatBits(dstName);
  if (!ctx.framebuffer && !ctx.attrs.alpha) sb.a = 0;
  const pairs: Array<[number, number]> = [[sb.r, db.r], [sb.g, db.g], [sb.b, db.b], [sb.a, db.a]];
  if (pairs.some(([have, need]) => need > 0 && have !== need)) return ctx.err(GL.INVALID_OPERATION);
  // the image the framebuffer reads from: a feedback loop
  const at = ctx.framebuffer?.[COLOR_POINTS[Math.max(0, ctx.framebuffer.readBuffer - GL.COLOR_ATTACHMENT0)] ?? 'color'];
  if (at?.tex === tex && (at.face ?? 0) === face && (at.level ?? 0) === level) return ctx.err(GL.INVALID_OPERATION);
  const values = readColorValues(ctx, x, y, w, h);
  if (!values) return;
  const texels = new Uint8Array(w * h * info.bpp), pack = PACK[dstName], wr = bytesAccess(texels), v = [0, 0, 0, 0];
  for (let i = 0; i < w * h; i++) { for (let k = 0; k < 4; k++) v[k] = values[i * 4 + k]!; pack(wr, i * info.bpp, v, 0); }
  textures.beforeTextureWrite(ctx, tex);
  tex.levels[face]![level] = { width: w, height: h, format: sized.storage![0], type: sized.storage![1], info, internalformat };
  textures.storeLevel(ctx, tex, face, level, texels, 0, 0, w, h);
}

/** ES 3.0 § 3.8.4 TexStorage2D: every level of the texture at once, immutable. */
export function texStorage2D(ctx: GLContext, target: number, levels: number, internalformat: number, w: number, h: number): void {
  if (ctx.lost) return;
  if (target !== GL.TEXTURE_2D && target !== GL.TEXTURE_CUBE_MAP) return ctx.err(GL.INVALID_ENUM);
  const sized = SIZED_BY_ENUM.get(internalformat), packed = enabledCompressedFormat(ctx, internalformat);
  if (!sized && !packed) return ctx.err(GL.INVALID_ENUM);
  if (levels < 1 || w < 1 || h < 1) return ctx.err(GL.INVALID_VALUE);
  if (target === GL.TEXTURE_CUBE_MAP && w !== h) return ctx.err(GL.INVALID_VALUE);
  const max = target === GL.TEXTURE_2D ? CAPS.maxTextureSize : CAPS.maxCubeMapSize;
  if (w > max || h > max) return ctx.err(GL.INVALID_VALUE);
  if (levels > Math.floor(Math.log2(Math.max(w, h))) + 1) return ctx.err(GL.INVALID_OPERATION);
  const t = target === GL.TEXTURE_2D ? ctx.tex2d[ctx.activeUnit] : ctx.texCube[ctx.activeUnit];
  if (!t || t.immutableLevels) return ctx.err(GL.INVALID_OPERATION);
  if (packed) return compressedTexStorage2D(ctx, t, target === GL.TEXTURE_CUBE_MAP ? 6 : 1, packed, levels, w, h);
  if (!sized!.storage) return ctx.err(GL.INVALID_OPERATION);
  const [f1, t1] = sized!.storage;
  const faces = target === GL.TEXTURE_CUBE_MAP ? [0, 1, 2, 3, 4, 5].map((i) => GL.TEXTURE_CUBE_MAP_POSITIVE_X + i) : [GL.TEXTURE_2D];
  const errs = ctx.errors.size;
  for (let l = 0; l < levels; l++) {
    for (const f of faces) textures.texImage2D(ctx, f, l, f1, Math.max(1, w >> l), Math.max(1, h >> l), 0, f1, t1, null);
  }
  if (ctx.errors.size === errs) {
    t.immutableLevels = levels; t.params2.maxLevel = Math.min(t.params2.maxLevel, levels - 1);
    for (const f of t.levels) for (const li of f) if (li) li.internalformat = internalformat;
  }
}

/** The 3D / 2D array targets (ES 3.0 § 3.8.3); anything else is INVALID_ENUM. */
function target3d(ctx: GLContext, target: number): boolean {
  if (target === GL2.TEXTURE_3D || target === GL2.TEXTURE_2D_ARRAY) return true;
  ctx.err(GL.INVALID_ENUM);
  return false;
}
const bound3d = (ctx: GLContext, target: number) => (target === GL2.TEXTURE_3D ? ctx.tex3d : ctx.tex2dArray)[ctx.activeUnit] ?? null;

/** ES 3.0 § 3.8.3 sizes: a 3D texture's three up to MAX_3D_TEXTURE_SIZE >> level, an array's layers up to MAX_ARRAY_TEXTURE_LAYERS. */
function size3dOk(target: number, level: number, w: number, h: number, d: number): boolean {
  const max = target === GL2.TEXTURE_3D ? CAPS.max3dTextureSize : CAPS.maxTextureSize;
  if (level > Math.log2(max) || w > max >> level || h > max >> level) return false;
  return target === GL2.TEXTURE_3D ? d <= max >> level : d <= CAPS.maxArrayTextureLayers;
}

/**
 * The texels of a w × h × d box, each slice as unpackPixels unpacks a 2D image (alignment, row length, skipped
 * rows and pixels), slice z starting (UNPACK_SKIP_IMAGES + z) × UNPACK_IMAGE_HEIGHT (or h) rows into the data
 * (ES 3.0 § 3.8.3); an image source is cut into slices of h rows. Null after an error.
 */
function unpackBox(ctx: GLContext, info: TexFormatInfo, format: number, type: number, w: number, h: number, d: number, src: ArrayBufferView | null, image: unknown): Uint8Array | null {
  const out = new Uint8Array(w * h * d * info.bpp);
  if (image) {
    const rgba = imageBox(ctx, image, w, h, d);
    if (!rgba) return null;
    const texels = imageTexels(info, format, rgba, w, h * d);
    return new Uint8Array(texels.buffer, texels.byteOffset, texels.byteLength);
  }
  if (!src || !w || !h || !d) return out;
  if (!arrayTypeOk(type, src)) { ctx.err(GL.INVALID_OPERATION); return null; }
  // WebGL 2.0 § 5.35: FLIP_Y and PREMULTIPLY_ALPHA do not apply to 3D uploads from buffers: INVALID_OPERATION
  if (ctx.unpack.flipY || ctx.unpack.premultiply) { ctx.err(GL.INVALID_OPERATION); return null; }
  const u2 = ctx.unpack2, align = ctx.unpack.alignment;
  // WebGL 2.0 § 5.35: an image that does not fit in UNPACK_IMAGE_HEIGHT (0: the height) after UNPACK_SKIP_ROWS is an
  // invalid combination (a 2D upload has no image height: its skipped rows only need the data)
  if (u2.skipRows + h > (u2.imageHeight || h)) { ctx.err(GL.INVALID_OPERATION); return null; }
  const stride = Math.ceil(((u2.rowLength || w) * info.srcBpp) / align) * align;
  const imageBytes = (u2.imageHeight || h) * stride;
  for (let z = 0; z < d; z++) {
    const off = (u2.skipImages + z) * imageBytes;
    if (off > src.byteLength) { ctx.err(GL.INVALID_OPERATION); return null; }
    const slice = textures.unpackPixels(ctx, info, format, w, h, new Uint8Array(src.buffer, src.byteOffset + off, src.byteLength - off));
    if (!slice) return null;
    out.set(slice, z * w * h * info.bpp);
  }
  return out;
}

/**
 * The RGBA8 pixels of a w × h × d box taken from a TexImageSource (WebGL 2.0 § 5.35, as the conformance
 * 3D pages expect): the source as UNPACK_FLIP_Y_WEBGL presents it (flipped as a whole first; an ImageBitmap
 * never) and with UNPACK_PREMULTIPLY_ALPHA_WEBGL's alpha multiplied in (an ImageBitmap has its own), then
 * slice z's rows start UNPACK_SKIP_ROWS + (UNPACK_SKIP_IMAGES + z) × (UNPACK_IMAGE_HEIGHT or h) rows down and
 * UNPACK_SKIP_PIXELS pixels in. UNPACK_ALIGNMENT and UNPACK_ROW_LENGTH do not apply to an image. A box reaching
 * outside the source is INVALID_OPERATION. Slices one after another, top row first; null after an error.
 */
function imageBox(ctx: GLContext, image: unknown, w: number, h: number, d: number): Uint8ClampedArray | null {
  const im = image as { width: number; height: number; data: Uint8Array | Uint8ClampedArray; closed?: boolean };
  if (isImageBitmap(im) && im.closed) { ctx.err(GL.INVALID_VALUE); return null; }
  // read once: a canvas's pixels are a snapshot of its drawing buffer each time they are asked for
  const data = im.data;
  if (!Number.isInteger(im.width) || !Number.isInteger(im.height) || !(data instanceof Uint8Array || data instanceof Uint8ClampedArray) || data.length < im.width * im.height * 4) { ctx.err(GL.INVALID_VALUE); return null; }
  const bitmap = isImageBitmap(im), u2 = ctx.unpack2;
  const imageRows = u2.imageHeight || h;
  if (!w || !h || !d) return new Uint8ClampedArray(0);
  const lastRow = u2.skipRows + (u2.skipImages + d - 1) * imageRows + h;
  if (u2.skipPixels + w > im.width || lastRow > im.height) { ctx.err(GL.INVALID_OPERATION); return null; }
  const flip = ctx.unpack.flipY && !bitmap, premultiply = ctx.unpack.premultiply && !bitmap;
  const out = new Uint8ClampedArray(w * h * d * 4);
  for (let z = 0; z < d; z++) {
    for (let r = 0; r < h; r++) {
      const row = u2.skipRows + (u2.skipImages + z) * imageRows + r;
      const sy = flip ? im.height - 1 - row : row;
      const from = (sy * im.width + u2.skipPixels) * 4;
      out.set(data.subarray(from, from + w * 4), ((z * h + r) * w) * 4);
    }
  }
  if (premultiply) for (let i = 0; i < out.length; i += 4) { const a = out[i + 3]!; out[i] = premultiply8(out[i]!, a); out[i + 1] = premultiply8(out[i + 1]!, a); out[i + 2] = premultiply8(out[i + 2]!, a); }
  return out;
}

/** Writes a box of texels (slices one after another) into level `level` at (x, y, z). */
function storeBox(ctx: GLContext, t: AkTexture, level: number, texels: Uint8Array, x: number, y: number, z: number, w: number, h: number, d: number): void {
  const n = w * h * t.levels[0]![level]!.info.bpp;
  for (let k = 0; k < d; k++) {
    if (!t.levels[0]![level]) return;
    textures.storeLevel(ctx, t, 0, level, texels.subarray(k * n, (k + 1) * n), x, y, w, h, z + k);
  }
}

/** ES 3.0 § 3.8.4 TexStorage3D: every level of a 3D (slices halving too) or 2D array (layers kept) texture, immutable. */
export function texStorage3D(ctx: GLContext, target: number, levels: number, internalformat: number, w: number, h: number, d: number): void {
  if (ctx.lost || !target3d(ctx, target)) return;
  const sized = SIZED_BY_ENUM.get(internalformat), packed = enabledCompressedFormat(ctx, internalformat);
  if (!sized && !packed) return ctx.err(GL.INVALID_ENUM);
  if (levels < 1 || w < 1 || h < 1 || d < 1) return ctx.err(GL.INVALID_VALUE);
  if (!size3dOk(target, 0, w, h, d)) return ctx.err(GL.INVALID_VALUE);
  const is3d = target === GL2.TEXTURE_3D;
  if (levels > Math.floor(Math.log2(Math.max(w, h, is3d ? d : 1))) + 1) return ctx.err(GL.INVALID_OPERATION);
  const t = bound3d(ctx, target);
  if (!t || t.immutableLevels) return ctx.err(GL.INVALID_OPERATION);
  // a block format is for 2D images and 2D arrays (ES 3.0 § 3.8.4 with § 3.8.6's rule; the WebGL S3TC/ETC extensions)
  if (packed) return is3d ? ctx.err(GL.INVALID_OPERATION) : compressedTexStorage2D(ctx, t, 1, packed, levels, w, h, d);
  if (!sized) return ctx.err(GL.INVALID_ENUM);
  // depth formats have no 3D textures (ES 3.0 § 3.8.3)
  if (is3d && sized.combos.some((c) => c[0] === GL.DEPTH_COMPONENT || c[0] === GL.DEPTH_STENCIL)) return ctx.err(GL.INVALID_OPERATION);
  if (!sized.storage) return ctx.err(GL.INVALID_OPERATION);
  const [f1, t1] = sized.storage;
  const info = texFormat(f1, t1)!;
  textures.beforeTextureWrite(ctx, t);
  for (let l = 0; l < levels; l++) {
    const lw = Math.max(1, w >> l), lh = Math.max(1, h >> l), ld = is3d ? Math.max(1, d >> l) : d;
    t.levels[0]![l] = { width: lw, height: lh, depth: ld, format: f1, type: t1, info, internalformat };
    if (!textures.ensureTexStorage(ctx, t, 0, l)) return;
  }
  t.immutableLevels = levels; t.params2.maxLevel = Math.min(t.params2.maxLevel, levels - 1);
}

/** texImage3D (WebGL 2.0 § 3.7.6 overloads: a PIXEL_UNPACK_BUFFER offset, a TexImageSource, a view with srcOffset). */
export function texImage3D(ctx: GLContext, args: unknown[]): void {
  if (ctx.lost || !target3d(ctx, args[0] as number)) return;
  const [target, level, internalformat, w, h, d, border, format, type] = args as number[];
  const r = resolveTexFormat(internalformat!, format!, type!);
  if ('error' in r) return ctx.err(r.error);
  if (level! < 0 || w! < 0 || h! < 0 || d! < 0 || border !== 0) return ctx.err(GL.INVALID_VALUE);
  if (!size3dOk(target!, level!, w!, h!, d!)) return ctx.err(GL.INVALID_VALUE);
  if (target === GL2.TEXTURE_3D && (format === GL.DEPTH_COMPONENT || format === GL.DEPTH_STENCIL)) return ctx.err(GL.INVALID_OPERATION);
  const t = bound3d(ctx, target!);
  if (!t || t.immutableLevels) return ctx.err(GL.INVALID_OPERATION);
  // the data as its own (format, type), converted to the internal format's storage
  const t1 = dataType(type!), [sf, st] = r.storage;
  const info = texFormat(format!, t1), storeInfo = texFormat(sf, st);
  if (!info || !storeInfo) return ctx.err(GL.INVALID_OPERATION);
  const image = isImage(args[9]) ? args[9] : null;
  if (image && ctx.buffers2.get(GL2.PIXEL_UNPACK_BUFFER)) return ctx.err(GL.INVALID_OPERATION);
  const data = image ? null : sourcePixels(ctx, args[9], args[10] as number | undefined, type!);
  if (data === undefined) return;
  let texels = unpackBox(ctx, info, format!, t1, w!, h!, d!, data, image);
  if (!texels) return;
  if (storeInfo.hw !== info.hw) texels = textures.convertTexels(info, storeInfo, texels, w! * h! * d!);
  textures.beforeTextureWrite(ctx, t);
  t.levels[0]![level!] = { width: w!, height: h!, depth: d!, format: sf, type: st, info: storeInfo, internalformat: internalformat! };
  if (!w || !h || !d) return;
  storeBox(ctx, t, level!, texels, 0, 0, 0, w!, h!, d!);
}

/** texSubImage3D: a box of an existing level; the data's (format, type) one its internal format takes, converted to the storage. */
export function texSubImage3D(ctx: GLContext, args: unknown[]): void {
  if (ctx.lost || !target3d(ctx, args[0] as number)) return;
  const [target, level, x, y, z, w, h, d, format, type] = args as number[];
  if (!FORMATS_2.has(format!) || !TYPES_2.has(type!)) return ctx.err(GL.INVALID_ENUM);
  if (level! < 0 || x! < 0 || y! < 0 || z! < 0 || w! < 0 || h! < 0 || d! < 0) return ctx.err(GL.INVALID_VALUE);
  const t = bound3d(ctx, target!);
  const li = t?.levels[0]?.[level!];
  if (!t || !li) return ctx.err(GL.INVALID_OPERATION);
  if (x! + w! > li.width || y! + h! > li.height || z! + d! > (li.depth ?? 1)) return ctx.err(GL.INVALID_VALUE);
  if (li.internalformat !== undefined && !comboAllowed(li.internalformat, format!, type!)) return ctx.err(GL.INVALID_OPERATION);
  const t1 = dataType(type!);
  const info = texFormat(format!, t1);
  if (!info) return ctx.err(GL.INVALID_OPERATION);
  const image = isImage(args[10]) ? args[10] : null;
  if (image && ctx.buffers2.get(GL2.PIXEL_UNPACK_BUFFER)) return ctx.err(GL.INVALID_OPERATION);
  const data = image ? null : sourcePixels(ctx, args[10], args[11] as number | undefined, type!);
  if (data === undefined) return;
  if (!image && !data) return ctx.err(GL.INVALID_VALUE);
  const texels = unpackBox(ctx, info, format!, t1, w!, h!, d!, data, image);
  if (!texels || !w || !h || !d) return;
  textures.beforeTextureWrite(ctx, t);
  storeBox(ctx, t, level!, info.hw === li.info.hw ? texels : textures.convertTexels(info, li.info, texels, w! * h! * d!), x!, y!, z!, w!, h!, d!);
}

/**
 * copyTexSubImage3D (ES 3.0 § 3.8.5): a w × h rectangle of the read framebuffer's read buffer into slice or
 * layer `z` of a level, at (xoff, yoff). The pixels are read as RGBA8 and converted to the level's storage,
 * so the level must be of a normalized fixed-point format and the buffer too (Table 3.15's component-type
 * rule; float and integer copies are INVALID_OPERATION here), and the buffer must have alpha when the
 * format keeps it. Texels whose pixel lies outside the framebuffer are left as they were (WebGL 1.0 § 6.13,
 * "Reading pixels outside the framebuffer"). Copying an image onto itself is INVALID_OPERATION (a feedback loop).
 */
export function copyTexSubImage3D(ctx: GLContext, target: number, level: number, xoff: number, yoff: number, z: number, x: number, y: number, w: number, h: number): void {
  if (ctx.lost || !target3d(ctx, target)) return;
  if (level < 0 || xoff < 0 || yoff < 0 || z < 0 || w < 0 || h < 0) return ctx.err(GL.INVALID_VALUE);
  const t = bound3d(ctx, target);
  const li = t?.levels[0]?.[level];
  if (!t || !li) return ctx.err(GL.INVALID_OPERATION);
  if (xoff + w > li.width || yoff + h > li.height || z >= (li.depth ?? 1)) return ctx.err(GL.INVALID_VALUE);
  const s = readSurface(ctx);
  if (!s) return ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION);
  if (!s.color) return ctx.err(GL.INVALID_OPERATION);
  const fixed = (k: TexFormatInfo['kind']): boolean => k === 'u8' || k === 'u16p';
  const bufferFixed = isNormalized(COLOR_FORMAT_LAYOUT[s.color.format]);
  if (!fixed(li.info.kind) || !bufferFixed) return ctx.err(GL.INVALID_OPERATION);
  const keepsAlpha = li.info.channels === 4 || li.format === GL.LUMINANCE_ALPHA || li.format === GL.ALPHA;
  if (keepsAlpha && surfaceBits(ctx).a === 0) return ctx.err(GL.INVALID_OPERATION);
  const src = ctx.framebuffer?.[COLOR_POINTS[Math.max(0, ctx.framebuffer.readBuffer - GL.COLOR_ATTACHMENT0)] ?? 'color'];
  if (src?.tex === t && (src.level ?? 0) === level && (src.layer ?? 0) === z) return ctx.err(GL.INVALID_OPERATION);
  // only the part inside the framebuffer is copied
  const x0 = Math.max(x, 0), y0 = Math.max(y, 0), x1 = Math.min(x + w, s.width), y1 = Math.min(y + h, s.height);
  if (x1 <= x0 || y1 <= y0) return;
  const rgba = readRgba(ctx, x0, y0, x1 - x0, y1 - y0);
  if (!rgba) return;
  const n = (x1 - x0) * (y1 - y0);
  const texels = textures.convertTexels(texFormat(GL.RGBA, GL.UNSIGNED_BYTE)!, li.info, rgba, n);
  textures.beforeTextureWrite(ctx, t);
  textures.storeLevel(ctx, t, 0, level, texels, xoff + x0 - x, yoff + y0 - y, x1 - x0, y1 - y0, z);
}

