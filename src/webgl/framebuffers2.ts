/**
 * WebGL 2's framebuffer entry points (ES 3.0 § 4.2-4.4, WebGL 2.0 § 3.7.4,
 * § 3.7.5): separate draw and read framebuffers, drawBuffers/readBuffer,
 * clearBuffer*, invalidate (hints: validated, then nothing to do — the
 * tile buffer is loaded only for what a pass keeps), blitFramebuffer (on
 * the GPU, blit.ts) and multisample renderbuffers (4x, hwdesc
 * MSAA_SAMPLE_POSITIONS).
 */
import { GL, GL2 } from './constants.js';
import type { GLContext } from './glcontext.js';
import { AkFramebuffer, AkTexture } from './objects.js';
import { CAPS } from '../umd/pipe/caps.js';
import * as framebuffers from './framebuffers.js';
import { clearBuffers } from './draw.js';
import { colorTargets, type ColorSurface, type Surface } from '../umd/pipe/gpu.js';
import { COLOR_FORMAT_BPP } from '../hwdesc/descriptors.js';
import { drawBlit, textureFormatOf, type BlitSource } from './blit.js';

/** bindFramebuffer with ES 3.0's targets: FRAMEBUFFER binds both, DRAW_FRAMEBUFFER / READ_FRAMEBUFFER one. */
export function bindFramebuffer2(ctx: GLContext, target: number, f: WebGLFramebuffer | null): void {
  if (ctx.lost) return;
  if (target !== GL.FRAMEBUFFER && target !== GL2.DRAW_FRAMEBUFFER && target !== GL2.READ_FRAMEBUFFER) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(f, AkFramebuffer);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (x) x.bound = true;
  if (target !== GL2.READ_FRAMEBUFFER) ctx.framebuffer = x;
  if (target !== GL2.DRAW_FRAMEBUFFER) ctx.readFramebuffer = x;
}

export function deleteFramebuffer2(ctx: GLContext, f: WebGLFramebuffer | null): void {
  const x = ctx.own(f, AkFramebuffer);
  framebuffers.deleteFramebuffer(ctx, f);
  if (x && ctx.readFramebuffer === x) ctx.readFramebuffer = null;
}

/**
 * Runs a WebGL 1 framebuffer function on the framebuffer bound to `target` (FRAMEBUFFER and
 * DRAW_FRAMEBUFFER: the draw one; READ_FRAMEBUFFER: the read one), as that function sees FRAMEBUFFER.
 */
export function onTarget<T>(ctx: GLContext, target: number, fn: (t: number) => T, fallback: T): T {
  if (target !== GL.FRAMEBUFFER && target !== GL2.DRAW_FRAMEBUFFER && target !== GL2.READ_FRAMEBUFFER) { ctx.err(GL.INVALID_ENUM); return fallback; }
  return target === GL2.READ_FRAMEBUFFER ? asRead(ctx, () => fn(GL.FRAMEBUFFER)) : fn(GL.FRAMEBUFFER);
}

/** Runs `fn` with the read framebuffer as the one the WebGL 1 modules read from (readPixels, copyTex*). */
export function asRead<T>(ctx: GLContext, fn: () => T): T {
  const draw = ctx.framebuffer;
  if (draw === ctx.readFramebuffer) return fn();
  ctx.framebuffer = ctx.readFramebuffer;
  try { return fn(); } finally { ctx.framebuffer = draw; }
}

const colorAttachmentIndex = (a: number): number => (a >= GL.COLOR_ATTACHMENT0 && a <= GL.COLOR_ATTACHMENT0 + 15 ? a - GL.COLOR_ATTACHMENT0 : -1);

/** ES 3.0 § 4.2.1 DrawBuffers. */
export function drawBuffers(ctx: GLContext, bufs: number[]): void {
  if (ctx.lost) return;
  const fb = ctx.framebuffer;
  if (!fb) {
    // the default framebuffer: one buffer, BACK or NONE
    if (bufs.length !== 1) return ctx.err(GL.INVALID_OPERATION);
    if (bufs[0] !== GL.BACK && bufs[0] !== GL.NONE) return ctx.err(colorAttachmentIndex(bufs[0]!) >= 0 ? GL.INVALID_OPERATION : GL.INVALID_ENUM);
    ctx.defaultDrawBuffer = bufs[0]!;
    return;
  }
  if (bufs.length > CAPS.maxDrawBuffers) return ctx.err(GL.INVALID_VALUE);
  for (let i = 0; i < bufs.length; i++) {
    const b = bufs[i]!;
    if (b === GL.NONE) continue;
    if (b === GL.BACK) return ctx.err(GL.INVALID_OPERATION);
    const k = colorAttachmentIndex(b);
    if (k < 0) return ctx.err(GL.INVALID_ENUM);
    // draw buffer i may only be COLOR_ATTACHMENTi (ES 3.0 § 4.2.1)
    if (k !== i) return ctx.err(GL.INVALID_OPERATION);
  }
  fb.drawBuffers = [...bufs];
}

/** ES 3.0 § 4.3.1 ReadBuffer. */
export function readBuffer(ctx: GLContext, src: number): void {
  if (ctx.lost) return;
  const k = colorAttachmentIndex(src);
  if (src !== GL.BACK && src !== GL.NONE && k < 0) return ctx.err(GL.INVALID_ENUM);
  const fb = ctx.readFramebuffer;
  if (!fb) {
    if (k >= 0) return ctx.err(GL.INVALID_OPERATION);
    ctx.defaultReadBuffer = src;
    return;
  }
  if (src === GL.BACK || k >= CAPS.maxColorAttachments) return ctx.err(GL.INVALID_OPERATION);
  fb.readBuffer = src;
}

/**
 * ES 3.0 § 4.2.3 ClearBuffer{fv,iv,uiv}: COLOR takes the value kind of the draw buffer's format (a
 * float or normalized buffer: fv; there are no integer colour buffers yet, so iv/uiv on an attached
 * colour buffer is WebGL 2.0's INVALID_OPERATION for a mismatched type), DEPTH fv, STENCIL iv.
 */
export function clearBuffer(ctx: GLContext, buffer: number, drawbuffer: number, values: ArrayLike<number>, srcOffset: number, kind: 'f' | 'i' | 'u'): void {
  if (ctx.lost) return;
  const need = buffer === GL2.COLOR ? 4 : 1;
  if (buffer === GL2.COLOR) {
    if (drawbuffer < 0 || drawbuffer >= CAPS.maxDrawBuffers) return ctx.err(GL.INVALID_VALUE);
  } else if ((buffer === GL2.DEPTH && kind === 'f') || (buffer === GL2.STENCIL && kind === 'i')) {
    if (drawbuffer !== 0) return ctx.err(GL.INVALID_VALUE);
  } else return ctx.err(GL.INVALID_ENUM);
  if (srcOffset > values.length || values.length - srcOffset < need) return ctx.err(GL.INVALID_VALUE);
  const v = Array.from({ length: need }, (_, i) => Number(values[srcOffset + i]));
  if (buffer === GL2.COLOR) {
    const db = ctx.framebuffer ? ctx.framebuffer.drawBuffers[drawbuffer] ?? GL.NONE : drawbuffer === 0 ? ctx.defaultDrawBuffer : GL.NONE;
    if (db === GL.NONE) return; // nothing is attached to that draw buffer: nothing to clear
    if (!framebuffers.currentSurface(ctx)) return ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION);
    // WebGL 2.0 (clearBuffer* type rules; ES 3.0 § 4.2.3 leaves them undefined): fv for float and normalized buffers, iv for signed integer ones, uiv for
    // unsigned ones; another kind is INVALID_OPERATION
    const ints = framebuffers.integerDrawBuffers(ctx), bit = 1 << drawbuffer;
    const want = ints.mask & bit ? (ints.signed & bit ? 'i' : 'u') : 'f';
    if (kind !== want) return ctx.err(GL.INVALID_OPERATION);
    // an integer buffer's clear: the values' 32-bit words (ES 3.0: the integers, not converted)
    if (kind !== 'f') return clearBuffers(ctx, v.map((x) => (kind === 'i' ? x | 0 : x >>> 0) >>> 0), null, null, drawbuffer, true);
    return clearBuffers(ctx, v, null, null, drawbuffer);
  }
  if (buffer === GL2.DEPTH) return clearBuffers(ctx, null, Math.min(1, Math.max(0, v[0]!)), null);
  clearBuffers(ctx, null, null, v[0]! | 0);
}

export function clearBufferfi(ctx: GLContext, buffer: number, drawbuffer: number, depth: number, stencil: number): void {
  if (ctx.lost) return;
  if (buffer !== GL.DEPTH_STENCIL) return ctx.err(GL.INVALID_ENUM);
  if (drawbuffer !== 0) return ctx.err(GL.INVALID_VALUE);
  clearBuffers(ctx, null, Math.min(1, Math.max(0, depth)), stencil | 0);
}

/** ES 3.0 § 4.5 InvalidateFramebuffer / InvalidateSubFramebuffer: validated hints. */
export function invalidateFramebuffer(ctx: GLContext, target: number, attachments: number[], rect: number[] | null): void {
  if (ctx.lost) return;
  if (target !== GL.FRAMEBUFFER && target !== GL2.DRAW_FRAMEBUFFER && target !== GL2.READ_FRAMEBUFFER) return ctx.err(GL.INVALID_ENUM);
  const fb = target === GL2.READ_FRAMEBUFFER ? ctx.readFramebuffer : ctx.framebuffer;
  for (const a of attachments) {
    if (!fb) { if (a !== GL2.COLOR && a !== GL2.DEPTH && a !== GL2.STENCIL) return ctx.err(GL.INVALID_ENUM); continue; }
    const k = colorAttachmentIndex(a);
    if (k >= CAPS.maxColorAttachments) return ctx.err(GL.INVALID_OPERATION);
    if (k < 0 && a !== GL.DEPTH_ATTACHMENT && a !== GL.STENCIL_ATTACHMENT && a !== GL.DEPTH_STENCIL_ATTACHMENT) return ctx.err(GL.INVALID_ENUM);
  }
  if (rect && (rect[2]! < 0 || rect[3]! < 0)) return ctx.err(GL.INVALID_VALUE);
}

/** A colour format's kind as blits match them: float/normalized, signed or unsigned integer. */
const colorKind = (f: string): 'float' | 'int' | 'uint' => (/ui$/.test(f) ? 'uint' : /\di$/.test(f) ? 'int' : 'float');
const sameImage = (a: { bo: unknown; offset: number }, b: { bo: unknown; offset: number }): boolean => a.bo === b.bo && a.offset === b.offset;

/**
 * ES 3.0 § 4.3.3 BlitFramebuffer with WebGL 2.0's rules (§ 5.x: the same image as source and
 * destination is INVALID_OPERATION; destination pixels whose source lies outside the read buffer
 * are not written), executed on the GPU (blit.ts): a multisampled read framebuffer is resolved by
 * the hardware first (same rectangles and formats required), then each buffer is drawn.
 */
export function blitFramebuffer(ctx: GLContext, x0: number, y0: number, x1: number, y1: number, dx0: number, dy0: number, dx1: number, dy1: number, mask: number, filter: number): void {
  if (ctx.lost) return;
  if (mask & ~(GL.COLOR_BUFFER_BIT | GL.DEPTH_BUFFER_BIT | GL.STENCIL_BUFFER_BIT)) return ctx.err(GL.INVALID_VALUE);
  if (filter !== GL.NEAREST && filter !== GL.LINEAR) return ctx.err(GL.INVALID_ENUM);
  if (filter === GL.LINEAR && mask & (GL.DEPTH_BUFFER_BIT | GL.STENCIL_BUFFER_BIT)) return ctx.err(GL.INVALID_OPERATION);
  const draw = framebuffers.currentSurface(ctx);
  const read = asRead(ctx, () => framebuffers.currentSurface(ctx));
  if (!draw || !read) return ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION);
  // ES 3.0: a multisampled destination (an antialiased drawing buffer included) cannot be blitted into
  if ((draw.samples ?? 1) > 1) return ctx.err(GL.INVALID_OPERATION);
  const readMs = (read.samples ?? 1) > 1;
  // the read buffer (NONE: none) and the draw buffers that are not NONE and have something attached
  const rfb = ctx.readFramebuffer;
  const readIdx = rfb ? (rfb.readBuffer === GL.NONE ? -1 : rfb.readBuffer - GL.COLOR_ATTACHMENT0) : ctx.defaultReadBuffer === GL.NONE ? -1 : 0;
  const readColor = readIdx < 0 ? null : colorTargets(read)[readIdx] ?? null;
  const dfb = ctx.framebuffer;
  const drawColors = colorTargets(draw).filter((c, i) => c && (dfb ? (dfb.drawBuffers[i] ?? GL.NONE) !== GL.NONE : i === 0 && ctx.defaultDrawBuffer !== GL.NONE)) as ColorSurface[];
  const readBits = asRead(ctx, () => framebuffers.surfaceBits(ctx)), drawBits = framebuffers.surfaceBits(ctx);
  // a buffer the mask names that either side lacks is ignored (ES 3.0 § 4.3.3)
  const color = !!(mask & GL.COLOR_BUFFER_BIT) && !!readColor && drawColors.length > 0;
  const depth = !!(mask & GL.DEPTH_BUFFER_BIT) && readBits.d > 0 && drawBits.d > 0;
  const stencil = !!(mask & GL.STENCIL_BUFFER_BIT) && readBits.s > 0 && drawBits.s > 0;
  if (color) {
    const kind = colorKind(readColor.format);
    for (const d of drawColors) {
      if (colorKind(d.format) !== kind) return ctx.err(GL.INVALID_OPERATION);
      // the antialiased drawing buffer's readable image is its resolve, `color`
      if (readMs && d.format !== readColor.format) return ctx.err(GL.INVALID_OPERATION);
      if (sameImage(d, readColor) || (read.msColor && sameImage(d, read.msColor))) return ctx.err(GL.INVALID_OPERATION);
    }
    if (kind !== 'float' && filter === GL.LINEAR) return ctx.err(GL.INVALID_OPERATION);
  }
  if (depth || stencil) {
    if (read.zs!.format !== draw.zs!.format || readBits.d !== drawBits.d || readBits.s !== drawBits.s) return ctx.err(GL.INVALID_OPERATION);
    if (read.zs!.bo === draw.zs!.bo && read.zs!.offset === draw.zs!.offset) return ctx.err(GL.INVALID_OPERATION);
  }
  if (readMs && (x0 !== dx0 || y0 !== dy0 || x1 !== dx1 || y1 !== dy1) && (color || depth || stencil)) return ctx.err(GL.INVALID_OPERATION);
  if (!color && !depth && !stencil) return;
  if (x0 === x1 || y0 === y1 || dx0 === dx1 || dy0 === dy1) return;
  const rects = { src: [x0, y0, x1, y1], dst: [dx0, dy0, dx1, dy1] } as const;
  const scissor = ctx.caps.get(GL.SCISSOR_TEST) ? scissorBox(ctx, draw) : null;
  if (scissor && (scissor[0] >= scissor[2] || scissor[1] >= scissor[3])) return;
  const linear = filter === GL.LINEAR;
  if (color) {
    let src: BlitSource;
    const format = textureFormatOf(readColor.format);
    if (!format) return ctx.err(GL.INVALID_OPERATION);
    let temp: ColorSurface | null = null;
    if (readMs && !read.msColor) {
      // the samples resolved on-chip into a single-sample image first
      const bpp = COLOR_FORMAT_BPP[readColor.format];
      temp = { bo: ctx.gpu.allocBo(read.width * read.height * bpp, 'rw'), offset: 0, stride: read.width * bpp, format: readColor.format };
      ctx.gpu.resolve({ width: read.width, height: read.height, color: readColor, zs: null, samples: read.samples! }, temp);
      src = { bo: temp.bo, offset: 0, width: read.width, height: read.height, format };
    } else src = { bo: readColor.bo, offset: readColor.offset, width: read.width, height: read.height, format };
    const kind = colorKind(readColor.format);
    for (const d of drawColors) drawBlit(ctx, src, { width: draw.width, height: draw.height, color: d, zs: null }, { kind }, linear, rects, scissor);
    if (temp) ctx.gpu.releaseBo(temp.bo);
  }
  // depth and stencil: a multisampled source's sample 0 (its first image) stands for the pixel
  const zsDst: Surface = { width: draw.width, height: draw.height, color: null, zs: draw.zs };
  if (depth) {
    // (d32f_s8's depth plane is a depth32 image)
    const f = read.zs!.format === 'd16' ? 'depth16' : read.zs!.format === 'd32f' || read.zs!.format === 'd32f_s8' ? 'depth32' : 'depth24_stencil8';
    drawBlit(ctx, { bo: read.zs!.bo, offset: read.zs!.offset, width: read.width, height: read.height, format: f }, zsDst, { kind: 'depth' }, false, rects, scissor);
  }
  if (stencil) {
    // the D24S8 words read as RGBA8: red is the stencil byte; d32f_s8's stencil plane read as R8
    const z = read.zs!;
    const src: BlitSource = z.format === 'd32f_s8'
      ? { bo: z.bo, offset: z.stencilOffset!, width: read.width, height: read.height, format: 'r8' }
      : { bo: z.bo, offset: z.offset, width: read.width, height: read.height, format: 'rgba8' };
    for (let bit = -1; bit < 8; bit++) drawBlit(ctx, src, zsDst, { kind: 'stencil', bit }, false, rects, scissor);
  }
}

/** The scissor box clamped to the surface: [minx, miny, maxx, maxy). */
function scissorBox(ctx: GLContext, s: Surface): [number, number, number, number] {
  const [sx, sy, sw, sh] = ctx.scissor as [number, number, number, number];
  const cl = (v: number, m: number) => Math.min(m, Math.max(0, v));
  return [cl(sx, s.width), cl(sy, s.height), cl(sx + sw, s.width), cl(sy + sh, s.height)];
}

/**
 * framebufferTextureLayer (ES 3.0 § 4.4.2.4): one layer of a 2D array texture's level, or one slice of a
 * 3D texture's, as the attachment (drawn into as a 2D image of the level's size). A texture of another
 * target is INVALID_OPERATION; a level or layer beyond the limits INVALID_VALUE. DEPTH_STENCIL_ATTACHMENT
 * attaches the image to both, as framebufferTexture2D does.
 */
export function framebufferTextureLayer(ctx: GLContext, target: number, attachment: number, t: WebGLTexture | null, level: number, layer: number): void {
  if (ctx.lost) return;
  if (target !== GL.FRAMEBUFFER && target !== GL2.DRAW_FRAMEBUFFER && target !== GL2.READ_FRAMEBUFFER) return ctx.err(GL.INVALID_ENUM);
  const fb = target === GL2.READ_FRAMEBUFFER ? ctx.readFramebuffer : ctx.framebuffer;
  if (!fb) return ctx.err(GL.INVALID_OPERATION);
  const k = colorAttachmentIndex(attachment);
  if (k < 0 && attachment !== GL.DEPTH_ATTACHMENT && attachment !== GL.STENCIL_ATTACHMENT && attachment !== GL.DEPTH_STENCIL_ATTACHMENT) return ctx.err(GL.INVALID_ENUM);
  if (k >= CAPS.maxColorAttachments) return ctx.err(GL.INVALID_OPERATION);
  if (t === null) return onTarget(ctx, target, (tg) => framebuffers.framebufferTexture2D(ctx, tg, attachment, GL.TEXTURE_2D, null, 0), undefined);
  const x = ctx.own(t, AkTexture);
  if (x === undefined) return;
  if (!x || x.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (x.target !== GL2.TEXTURE_3D && x.target !== GL2.TEXTURE_2D_ARRAY) return ctx.err(GL.INVALID_OPERATION);
  if (level < 0 || layer < 0) return ctx.err(GL.INVALID_VALUE);
  const is3d = x.target === GL2.TEXTURE_3D;
  const maxSize = is3d ? CAPS.max3dTextureSize : CAPS.maxTextureSize;
  if (level > Math.log2(maxSize) || layer >= (is3d ? CAPS.max3dTextureSize : CAPS.maxArrayTextureLayers)) return ctx.err(GL.INVALID_VALUE);
  const pt = framebuffers.attachPoint(ctx, attachment)!;
  if (ctx.gpu.hasPassFor(fb)) ctx.gpu.flush();
  framebuffers.setAttachment(ctx, fb, pt, { tex: x, face: 0, level, layer });
}

/** An integer colour format (ES 3.0 has no multisampled integer buffers). */
const integerColor = (f: string | undefined): boolean => !!f && /\du?i$/.test(f);

/**
 * renderbufferStorageMultisample (ES 3.0 § 4.4.2.1): 0 samples is renderbufferStorage; 1..MAX_SAMPLES
 * is rounded up to the one count the hardware has, 4 (§ 4.4.2.1 allows any count at least the one
 * asked for). Integer formats have no multisampled storage: INVALID_OPERATION.
 */
export function renderbufferStorageMultisample(ctx: GLContext, target: number, samples: number, internalformat: number, w: number, h: number): void {
  if (ctx.lost) return;
  if (target !== GL.RENDERBUFFER) return ctx.err(GL.INVALID_ENUM);
  if (samples < 0) return ctx.err(GL.INVALID_VALUE);
  const f = framebuffers.RENDERBUFFER_FORMATS[internalformat];
  // an unknown or not renderable format is renderbufferStorage's INVALID_ENUM
  if (!f || samples === 0) return framebuffers.renderbufferStorage(ctx, target, internalformat, w, h);
  if (integerColor(f.color)) return ctx.err(GL.INVALID_OPERATION);
  if (samples > CAPS.maxSamples) return ctx.err(GL.INVALID_OPERATION);
  framebuffers.renderbufferStorage(ctx, target, internalformat, w, h, CAPS.maxSamples);
}

/**
 * getInternalformatParameter (ES 3.0 § 6.1.15, WebGL 2.0 § 3.7.6): the sample counts of a
 * colour-, depth- or stencil-renderable format, largest first — [4] — and none for integer formats.
 */
export function getInternalformatParameter(ctx: GLContext, target: number, internalformat: number, pname: number): unknown {
  if (ctx.lost) return null;
  if (target !== GL.RENDERBUFFER) { ctx.err(GL.INVALID_ENUM); return null; }
  // ES 3.0 § 4.4.4: the unsized RGBA and RGB are colour-renderable too, so the query takes them; no
  // renderbuffer has an unsized format (§ 4.4.2.2), so they support no sample count
  const unsized = internalformat === GL.RGBA || internalformat === GL.RGB;
  const f = framebuffers.RENDERBUFFER_FORMATS[internalformat];
  if (!unsized && (!f || !framebuffers.renderbufferFormatOk(ctx, f))) { ctx.err(GL.INVALID_ENUM); return null; }
  if (pname !== GL.SAMPLES) { ctx.err(GL.INVALID_ENUM); return null; }
  if (unsized || !f) return new Int32Array(0);
  return new Int32Array(integerColor(f.color) ? [] : [CAPS.maxSamples]);
}
