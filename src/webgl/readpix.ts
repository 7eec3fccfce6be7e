/**
 * glReadPixels (Mesa's readpix.c): RGBA/UNSIGNED_BYTE with PACK_ALIGNMENT,
 * RGBA/FLOAT from float colour buffers; reading waits for the rendering
 * that writes the surface.
 */
import type { GLContext } from './glcontext.js';
import { GL } from './constants.js';
import { copyColorRgba8, readColorFloat, readColorRgba8, type Surface } from '../umd/pipe/gpu.js';
import { readSurface } from './framebuffers.js';
import { COLOR_FORMAT_LAYOUT, PIXEL_FORMATS, isIntegerFormat, isNormalized } from '../hwdesc/formats.js';
import type { COLOR_FORMAT } from '../hwdesc/descriptors.js';
import { cpuData } from './buffers.js';

/** RGBA8 of a rectangle of the current read surface, rows bottom-up; pixels outside stay 0. */
export function readRgba(ctx: GLContext, x: number, y: number, w: number, h: number): Uint8Array | null {
  const out = new Uint8Array(w * h * 4);
  return readRgbaInto(ctx, x, y, w, h, out, w * 4) ? out : null;
}

/**
 * Writes the rectangle's RGBA8 into `out` (row j at j * stride, bottom-up); pixels outside
 * the surface are left as they are. RGBA8/BGRA8 surfaces are copied a row at a time.
 */
export function readRgbaInto(ctx: GLContext, x: number, y: number, w: number, h: number, out: Uint8Array, stride: number): boolean {
  const s = readSurface(ctx);
  if (!s) { ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION); return false; }
  // a framebuffer with no colour image (depth only) has nothing to read: WebGL 1.0 § 6.25, "Reading From a Missing Attachment"
  if (!s.color) { ctx.err(GL.INVALID_OPERATION); return false; }
  if (ctx.gpu.hasPassFor(ctx.passKey())) ctx.gpu.flush();
  ctx.gpu.syncBo(s.color.bo);
  if (ctx.lost) return false; // lost while waiting: what memory holds is not this frame; the caller's array stays untouched
  const x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = Math.min(s.width, x + w), y1 = Math.min(s.height, y + h);
  if (x1 > x0 && y1 > y0) {
    const forceA = !ctx.framebuffer && !ctx.attrs.alpha;
    const at = (y0 - y) * stride + (x0 - x) * 4;
    if (copyColorRgba8(s, x0, y0, x1 - x0, y1 - y0, out, at, stride, forceA)) return true;
    readColorRgba8(s, x0, y0, x1 - x0, y1 - y0, (px, py, c) => {
      const o = at + py * stride + px * 4;
      out[o] = c[0]!; out[o + 1] = c[1]!; out[o + 2] = c[2]!; out[o + 3] = forceA ? 255 : c[3]!;
    });
  }
  return true;
}

/**
 * The values of a rectangle of the read buffer as its format holds them (ES 3.0's copies of float and
 * integer buffers): per pixel R, G, B, A — floats, or a channel's integer exactly — with a channel the
 * format lacks as 0 (alpha 1), rows bottom-up, pixels outside the surface 0. `written` (when given)
 * receives the rectangle of pixels that lie inside the surface, relative to (x, y).
 */
export function readColorValues(ctx: GLContext, x: number, y: number, w: number, h: number, written?: number[]): Float64Array | null {
  const s = readSurface(ctx);
  if (!s) { ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION); return null; }
  if (!s.color) { ctx.err(GL.INVALID_OPERATION); return null; }
  if (ctx.gpu.hasPassFor(ctx.passKey())) ctx.gpu.flush();
  ctx.gpu.syncBo(s.color.bo);
  if (ctx.lost) return null;
  const out = new Float64Array(w * h * 4);
  const x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = Math.min(s.width, x + w), y1 = Math.min(s.height, y + h);
  if (written) written.splice(0, 4, x0 - x, y0 - y, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  if (x1 > x0 && y1 > y0) readColorFloat(s, x0, y0, x1 - x0, y1 - y0, (px, py, c) => out.set(c, ((py + y0 - y) * w + (px + x0 - x)) * 4));
  return out;
}

export function readPixels(ctx: GLContext, x: number, y: number, w: number, h: number, format: number, type: number, pixels: ArrayBufferView | null): void {
  if (ctx.lost) return;
  if (ctx.version === 2 && format === RGBA_INTEGER) return readPixelsInteger(ctx, x, y, w, h, type, pixels);
  // WebGL 2 knows ES 3.0's pixel formats and types (Table 3.2): a known pair the buffer does not read as is
  // INVALID_OPERATION below, an unknown enum INVALID_ENUM
  if (!(ctx.version === 2 ? READ_FORMATS_2 : READ_FORMATS).includes(format)) return ctx.err(GL.INVALID_ENUM);
  if (!(ctx.version === 2 ? READ_TYPES_2 : READ_TYPES).includes(type)) return ctx.err(GL.INVALID_ENUM);
  if (w < 0 || h < 0) return ctx.err(GL.INVALID_VALUE);
  if (!pixels) return ctx.err(GL.INVALID_VALUE);
  const s = readSurface(ctx);
  if (!s) return ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION);
  // ES 3.0 § 4.3.1: a multisampled framebuffer object cannot be read (blitFramebuffer resolves it);
  // the antialiased drawing buffer's `color` is already its resolve
  if (multisampledRead(s)) return ctx.err(GL.INVALID_OPERATION);
  // ES 3.0 § 4.3.1: no read buffer (readBuffer(NONE)) is INVALID_OPERATION
  if (ctx.version === 2 && readBufferNone(ctx)) return ctx.err(GL.INVALID_OPERATION);
  // a colour buffer that is not normalized (float, R11F_G11F_B10F) reads back as RGBA/FLOAT
  // an integer buffer reads only as RGBA_INTEGER (ES 3.0 § 4.3.1)
  if (s.color && integerKind(s.color.format)) return ctx.err(GL.INVALID_OPERATION);
  const floatSurface = !!s.color && !isNormalized(COLOR_FORMAT_LAYOUT[s.color.format]);
  if (format === GL.RGBA && type === GL.FLOAT && floatSurface) {
    // Float colour buffers (OES_texture_float / half-float render targets) read back as RGBA/FLOAT.
    if (!(pixels instanceof Float32Array)) return ctx.err(GL.INVALID_OPERATION);
    const rowF = w * 4;
    if (pixels.length < (h ? rowF * h : 0)) return ctx.err(GL.INVALID_OPERATION);
    if (!w || !h) return;
    ctx.gpu.syncBo(s.color!.bo);
    if (ctx.lost) return; // lost while waiting: leave the caller's array untouched
    const x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = Math.min(s.width, x + w), y1 = Math.min(s.height, y + h);
    if (x1 > x0 && y1 > y0) readColorFloat(s, x0, y0, x1 - x0, y1 - y0, (px, py, c) => pixels.set(c, ((py + y0 - y) * w + (px + x0 - x)) * 4));
    return;
  }
  if (format === GL.RGBA && type === UNSIGNED_INT_2_10_10_10_REV && s.color && COLOR_FORMAT_LAYOUT[s.color.format] === 'r10g10b10a2_unorm') return readPixelsRgb10a2(ctx, x, y, w, h, pixels);
  if (format !== GL.RGBA || type !== GL.UNSIGNED_BYTE) return ctx.err(GL.INVALID_OPERATION); // RGBA/UNSIGNED_BYTE (IMPLEMENTATION_COLOR_READ_* is the same)
  if (!(pixels instanceof Uint8Array) && !(pixels instanceof Uint8ClampedArray)) return ctx.err(GL.INVALID_OPERATION);
  const align = ctx.pack.alignment;
  const rowBytes = w * 4, stride = Math.ceil(rowBytes / align) * align;
  const need = h === 0 || w === 0 ? 0 : stride * (h - 1) + rowBytes;
  if (pixels.byteLength < need) return ctx.err(GL.INVALID_OPERATION);
  if (!w || !h) return;
  // straight into the caller's rows; outside the framebuffer they are left untouched
  readRgbaInto(ctx, x, y, w, h, new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), stride);
}

const RGBA_INTEGER = 0x8d99;
const UNSIGNED_INT_2_10_10_10_REV = 0x8368;
const READ_FORMATS = [GL.RGBA, GL.RGB, GL.ALPHA];
const READ_TYPES = [GL.UNSIGNED_BYTE, GL.UNSIGNED_SHORT_5_6_5, GL.UNSIGNED_SHORT_4_4_4_4, GL.UNSIGNED_SHORT_5_5_5_1, GL.FLOAT];
/** ES 3.0 Table 3.2's formats and types (RED, RG, the *_INTEGER formats; the integer and packed types); LUMINANCE and LUMINANCE_ALPHA are no formats of readPixels (INVALID_ENUM: the 2.0.0 CTS reading/read-pixels-into-pixel-pack-buffer) */
const READ_FORMATS_2 = [...READ_FORMATS, 0x1903 /* RED */, 0x8227 /* RG */, 0x8d94 /* RED_INTEGER */, 0x8228 /* RG_INTEGER */, 0x8d98 /* RGB_INTEGER */, RGBA_INTEGER];
const READ_TYPES_2 = [...READ_TYPES, GL.BYTE, GL.UNSIGNED_SHORT, GL.SHORT, GL.UNSIGNED_INT, GL.INT, 0x140b /* HALF_FLOAT */, UNSIGNED_INT_2_10_10_10_REV, 0x8c3b /* UNSIGNED_INT_10F_11F_11F_REV */, 0x8c3e /* UNSIGNED_INT_5_9_9_9_REV */];

/** The destination as 32-bit words: a view of that type as it is, a pack buffer's bytes (readPixels2) viewed as words, else null. */
function wordView<V extends Int32Array | Uint32Array>(pixels: ArrayBufferView, View: new (b: ArrayBuffer, o: number, n: number) => V): V | null {
  if (pixels instanceof View) return pixels;
  return pixels instanceof Uint8Array && pixels.byteOffset % 4 === 0 ? new View(pixels.buffer as ArrayBuffer, pixels.byteOffset, pixels.byteLength >> 2) : null;
}

/**
 * readPixels(RGBA, UNSIGNED_INT_2_10_10_10_REV) of an RGB10_A2 colour buffer (ES 3.0 Table 3.14's extra pair
 * for it): each pixel's stored 10/10/10/2-bit values packed back into one word, red in the low bits.
 */
function readPixelsRgb10a2(ctx: GLContext, x: number, y: number, w: number, h: number, pixels: ArrayBufferView): void {
  const s = readSurface(ctx)!;
  const out = wordView(pixels, Uint32Array);
  if (!out) return ctx.err(GL.INVALID_OPERATION);
  if (out.length < w * h) return ctx.err(GL.INVALID_OPERATION);
  if (!w || !h) return;
  ctx.gpu.syncBo(s.color!.bo);
  if (ctx.lost) return;
  const x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = Math.min(s.width, x + w), y1 = Math.min(s.height, y + h);
  if (x1 > x0 && y1 > y0) {
    readColorFloat(s, x0, y0, x1 - x0, y1 - y0, (px, py, c) => {
      // the float is the stored unorm value / (2^n - 1): multiplying back and rounding gives the stored bits
      out[(py + y0 - y) * w + (px + x0 - x)] = (Math.round(c[0]! * 1023) | (Math.round(c[1]! * 1023) << 10) | (Math.round(c[2]! * 1023) << 20) | (Math.round(c[3]! * 3) << 30)) >>> 0;
    });
  }
}

/**
 * IMPLEMENTATION_COLOR_READ_FORMAT / _TYPE: the pair readPixels takes besides the mandatory one
 * (ES 3.0 § 4.3.1) — the same pair, which always reads the current buffer: RGBA_INTEGER with INT or
 * UNSIGNED_INT for an integer colour buffer, RGBA/UNSIGNED_BYTE otherwise.
 */
export function implementationColorRead(ctx: GLContext): [number, number] {
  const s = readSurface(ctx);
  const kind = s?.color ? integerKind(s.color.format) : null;
  if (kind) return [RGBA_INTEGER, kind === 'sint' ? GL.INT : GL.UNSIGNED_INT];
  return [GL.RGBA, GL.UNSIGNED_BYTE];
}
/** The integer colour format's signedness ('sint' / 'uint'), or null for other formats. */
function integerKind(format: (typeof COLOR_FORMAT)[number]): 'sint' | 'uint' | null {
  const f = PIXEL_FORMATS[COLOR_FORMAT_LAYOUT[format]];
  return isIntegerFormat(f) ? (f.channels[0]!.type as 'sint' | 'uint') : null;
}

/**
 * readPixels(RGBA_INTEGER, INT | UNSIGNED_INT) of an integer colour buffer (ES 3.0 § 4.3.1, Table 3.14's
 * integer rows): INT for a signed buffer, UNSIGNED_INT for an unsigned one, into an Int32Array / Uint32Array
 * (or a pack buffer's bytes); each channel's integer exactly, absent ones 0 and alpha 1.
 */
function readPixelsInteger(ctx: GLContext, x: number, y: number, w: number, h: number, type: number, pixels: ArrayBufferView | null): void {
  if (type !== GL.INT && type !== GL.UNSIGNED_INT) return ctx.err(GL.INVALID_ENUM);
  if (w < 0 || h < 0) return ctx.err(GL.INVALID_VALUE);
  if (!pixels) return ctx.err(GL.INVALID_VALUE);
  const s = readSurface(ctx);
  if (!s) return ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION);
  const kind = s.color ? integerKind(s.color.format) : null;
  if (!kind || (kind === 'sint') !== (type === GL.INT)) return ctx.err(GL.INVALID_OPERATION);
  const View = type === GL.INT ? Int32Array : Uint32Array;
  const out = wordView<Int32Array | Uint32Array>(pixels, View as new (b: ArrayBuffer, o: number, n: number) => Int32Array | Uint32Array);
  if (!out) return ctx.err(GL.INVALID_OPERATION);
  if (out.length < w * h * 4) return ctx.err(GL.INVALID_OPERATION);
  if (!w || !h) return;
  ctx.gpu.syncBo(s.color!.bo);
  if (ctx.lost) return;
  const x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = Math.min(s.width, x + w), y1 = Math.min(s.height, y + h);
  if (x1 > x0 && y1 > y0) readColorFloat(s, x0, y0, x1 - x0, y1 - y0, (px, py, c) => out.set(c, ((py + y0 - y) * w + (px + x0 - x)) * 4));
}

/**
 * WebGL 2's readPixels (WebGL 2.0 § 3.7.10): into an ArrayBufferView from element `dstOffset`, or, with
 * a PIXEL_PACK_BUFFER bound, into that buffer at byte `offset` (ES 3.0 § 4.3.1) — one or the other:
 * the wrong kind for the binding is INVALID_OPERATION. PACK_ROW_LENGTH / SKIP_ROWS / SKIP_PIXELS place
 * the rows (ES 3.0 § 4.3.1, Table 3.x's unpack arithmetic run backwards).
 */
export function readPixels2(ctx: GLContext, x: number, y: number, w: number, h: number, format: number, type: number, dst: ArrayBufferView | number | null, dstOffset = 0): void {
  if (ctx.lost) return;
  const pbo = ctx.buffers2.get(0x88eb /* PIXEL_PACK_BUFFER */) ?? null;
  if (typeof dst === 'number') {
    if (!pbo) return ctx.err(GL.INVALID_OPERATION);
    if (dst < 0) return ctx.err(GL.INVALID_VALUE);
    if (pbo.size < dst) return ctx.err(GL.INVALID_OPERATION);
    // read into the buffer's bytes from `dst` on; too small is INVALID_OPERATION (readPixels' own check)
    const data = cpuData(ctx, pbo);
    readPixelsPacked(ctx, x, y, w, h, format, type, new Uint8Array(data.buffer, data.byteOffset + dst, pbo.size - dst));
    pbo.gpuDirty = true;
    return;
  }
  if (pbo) return ctx.err(GL.INVALID_OPERATION);
  if (!dst) return ctx.err(GL.INVALID_VALUE);
  const el = (dst as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  if (dstOffset * el > dst.byteLength) return ctx.err(GL.INVALID_VALUE);
  const Ctor = dst.constructor as new (b: ArrayBufferLike, o: number, n: number) => ArrayBufferView;
  const view = dstOffset === 0 ? dst : new Ctor(dst.buffer, dst.byteOffset + dstOffset * el, (dst.byteLength - dstOffset * el) / el);
  readPixelsPacked(ctx, x, y, w, h, format, type, view);
}

/** readPixels with ES 3.0's pack row length and skips: the rows land where the pack state puts them. */
function readPixelsPacked(ctx: GLContext, x: number, y: number, w: number, h: number, format: number, type: number, out: ArrayBufferView): void {
  const { rowLength, skipRows, skipPixels } = ctx.pack2;
  // WebGL 2.0 § 5.35: a row that does not hold the rectangle's width after the skipped pixels is
  // INVALID_OPERATION (PACK_ROW_LENGTH 0 means the width itself)
  if ((rowLength !== 0 && rowLength < w) || skipPixels + w > (rowLength || w)) { ctx.err(GL.INVALID_OPERATION); return; }
  if (rowLength === 0 && skipRows === 0 && skipPixels === 0) return readPixels(ctx, x, y, w, h, format, type, out);
  // the packed layout: read w×h into a scratch array, then place its rows
  const ints = format === RGBA_INTEGER && (type === GL.INT || type === GL.UNSIGNED_INT);
  const bpp = type === GL.FLOAT || ints ? 16 : 4;
  if (!ints && (format !== GL.RGBA || (type !== GL.UNSIGNED_BYTE && type !== GL.FLOAT))) return readPixels(ctx, x, y, w, h, format, type, out);
  const align = ctx.pack.alignment;
  const stride = Math.ceil(((rowLength || w) * bpp) / align) * align;
  const start = skipRows * stride + skipPixels * bpp;
  const need = w === 0 || h === 0 ? 0 : start + stride * (h - 1) + w * bpp;
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (bytes.length < need) { if (!ctx.lost) ctx.err(GL.INVALID_OPERATION); return; }
  const scratch = type === GL.FLOAT ? new Float32Array(w * h * 4) : ints ? (type === GL.INT ? new Int32Array(w * h * 4) : new Uint32Array(w * h * 4)) : new Uint8Array(w * h * 4);
  // the scratch rows start as the caller's (pixels outside the framebuffer stay untouched)
  const sb = new Uint8Array(scratch.buffer);
  for (let r = 0; r < h; r++) sb.set(bytes.subarray(start + r * stride, start + r * stride + w * bpp), r * w * bpp);
  const errs = ctx.errors.size;
  // the scratch rows are tight: PACK_ALIGNMENT applies to the caller's rows (the stride above), not to these
  const align0 = ctx.pack.alignment;
  ctx.pack.alignment = 1;
  try { readPixels(ctx, x, y, w, h, format, type, scratch); } finally { ctx.pack.alignment = align0; }
  if (ctx.errors.size !== errs) return;
  for (let r = 0; r < h; r++) bytes.set(sb.subarray(r * w * bpp, (r + 1) * w * bpp), start + r * stride);
}

/** A read surface whose colour holds samples, not pixels (a multisampled framebuffer object; not the resolved drawing buffer). */
export function multisampledRead(s: Surface): boolean {
  return (s.samples ?? 1) > 1 && !s.msColor;
}

/** The read framebuffer's read buffer is NONE (WebGL 2 readBuffer). */
function readBufferNone(ctx: GLContext): boolean {
  return ctx.framebuffer ? ctx.framebuffer.readBuffer === GL.NONE : ctx.defaultReadBuffer === GL.NONE;
}
