/**
 * WebGL 2's framebuffer entry points (ES 3.0 § 4.2-4.4, WebGL 2.0 § 3.7.4,
 * § 3.7.5): separate draw and read framebuffers, drawBuffers/readBuffer,
 * clearBuffer*, invalidate (hints: validated, then nothing to do — the
 * tile buffer is loaded only for what a pass keeps), blitFramebuffer and
 * multisample renderbuffers. Until the hardware has several colour
 * targets, MSAA and a blit path, those parts validate exactly and then
 * report INVALID_OPERATION (README's limits).
 */
import { GL, GL2 } from './constants.js';
import type { GLContext } from './glcontext.js';
import { AkFramebuffer, AkTexture } from './objects.js';
import { CAPS } from '../umd/pipe/caps.js';
import * as framebuffers from './framebuffers.js';
import { clearBuffers } from './draw.js';

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

/** ES 3.0 § 4.3.3 BlitFramebuffer, validated; the copy itself has no GPU path yet (INVALID_OPERATION, README's limits). */
export function blitFramebuffer(ctx: GLContext, x0: number, y0: number, x1: number, y1: number, dx0: number, dy0: number, dx1: number, dy1: number, mask: number, filter: number): void {
  if (ctx.lost) return;
  if (mask & ~(GL.COLOR_BUFFER_BIT | GL.DEPTH_BUFFER_BIT | GL.STENCIL_BUFFER_BIT)) return ctx.err(GL.INVALID_VALUE);
  if (filter !== GL.NEAREST && filter !== GL.LINEAR) return ctx.err(GL.INVALID_ENUM);
  if (filter === GL.LINEAR && mask & (GL.DEPTH_BUFFER_BIT | GL.STENCIL_BUFFER_BIT)) return ctx.err(GL.INVALID_OPERATION);
  const draw = framebuffers.currentSurface(ctx);
  const read = asRead(ctx, () => framebuffers.currentSurface(ctx));
  if (!draw || !read) return ctx.err(GL.INVALID_FRAMEBUFFER_OPERATION);
  void [x0, y0, x1, y1, dx0, dy0, dx1, dy1];
  if (mask === 0) return;
  ctx.err(GL.INVALID_OPERATION);
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
  framebuffers.detachFrom(ctx, fb, (a) => a === fb[pt]);
  fb[pt] = { tex: x, face: 0, level, layer };
  x.attachedTo.add(fb);
}

/** renderbufferStorageMultisample (ES 3.0 § 4.4.2.1): 0 samples is renderbufferStorage; more needs MSAA (README's limits). */
export function renderbufferStorageMultisample(ctx: GLContext, target: number, samples: number, internalformat: number, w: number, h: number): void {
  if (ctx.lost) return;
  if (target !== GL.RENDERBUFFER) return ctx.err(GL.INVALID_ENUM);
  if (samples < 0) return ctx.err(GL.INVALID_VALUE);
  if (samples > CAPS.maxSamples) return ctx.err(GL.INVALID_OPERATION);
  if (samples === 0) return framebuffers.renderbufferStorage(ctx, target, internalformat, w, h);
  ctx.err(GL.INVALID_OPERATION);
}

/** getInternalformatParameter (ES 3.0 § 6.1.15): SAMPLES of a renderable format — none until MSAA exists. */
export function getInternalformatParameter(ctx: GLContext, target: number, _internalformat: number, pname: number): unknown {
  if (ctx.lost) return null;
  if (target !== GL.RENDERBUFFER) { ctx.err(GL.INVALID_ENUM); return null; }
  if (pname !== GL.SAMPLES) { ctx.err(GL.INVALID_ENUM); return null; }
  return new Int32Array(0);
}
