/**
 * Framebuffer and renderbuffer objects (Mesa's fbobject.c, renderbuffer.c):
 * attachments, completeness (ES 2.0 § 4.4.5, WebGL 1.0 § 6.6), and the
 * surface a complete framebuffer renders into.
 */
import { isOom, type GLContext } from './glcontext.js';
import { GL, GL2, EXT } from './constants.js';
import { CAPS } from '../umd/pipe/caps.js';
import { AkFramebuffer, AkRenderbuffer, AkTexture, COLOR_POINTS, type Attachment, type ColorPoint, type LevelInfo } from './objects.js';
import type { ColorSurface, Surface } from '../umd/pipe/gpu.js';
import { COLOR_FORMAT as COLOR_FORMAT_NAMES, type COLOR_FORMAT, type ZS_FORMAT } from '../hwdesc/descriptors.js';
import { COLOR_FORMAT_LAYOUT, PIXEL_FORMATS, TEX_FORMAT_LAYOUT, ZS_FORMAT_LAYOUT, formatBits, isIntegerFormat, isNormalized, type PixelFormatName } from '../hwdesc/formats.js';
import { inStorage, stencilPlaneOffset } from './textures.js';

type ColorFormat = (typeof COLOR_FORMAT)[number];
type ZsFormat = Exclude<(typeof ZS_FORMAT)[number], 'none'>;

/**
 * The renderbuffer internal formats: what the driver stores them as, and which of a depth/stencil
 * surface's buffers the format has (STENCIL_INDEX8 lives in a d24s8 surface whose depth the API
 * does not see). `ext`: the extension that must be enabled.
 */
export const RENDERBUFFER_FORMATS: Record<number, { color?: ColorFormat; zs?: ZsFormat; has?: 'depth' | 'stencil' | 'depthStencil'; bytes: number; ext?: string; ext2?: readonly string[]; v2?: true }> = {
  [GL.RGBA4]: { color: 'rgba4_unorm', bytes: 2 },
  [GL.RGB565]: { color: 'rgb565_unorm', bytes: 2 },
  [GL.RGB5_A1]: { color: 'rgb5a1_unorm', bytes: 2 },
  [GL.DEPTH_COMPONENT16]: { zs: 'd16', has: 'depth', bytes: 2 },
  [GL.STENCIL_INDEX8]: { zs: 'd24s8', has: 'stencil', bytes: 4 },
  [GL.DEPTH_STENCIL]: { zs: 'd24s8', has: 'depthStencil', bytes: 4 },
  [EXT.RGBA32F_EXT]: { color: 'rgba32f', bytes: 16, ext: 'WEBGL_color_buffer_float', ext2: ['EXT_color_buffer_float'] },
  [EXT.RGBA16F_EXT]: { color: 'rgba16f', bytes: 8, ext: 'EXT_color_buffer_half_float', ext2: ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'] },
  [EXT.SRGB8_ALPHA8_EXT]: { color: 'srgb8_alpha8', bytes: 4, ext: 'EXT_sRGB' },
  // WebGL 2 (ES 3.0 Table 3.13's colour-renderable and Table 3.14's depth formats); the float ones with EXT_color_buffer_float
  [GL.RGBA8]: { color: 'rgba8_unorm', bytes: 4, v2: true },
  [GL2.RGB8]: { color: 'rgb8_unorm', bytes: 3, v2: true },
  [GL2.R8]: { color: 'r8_unorm', bytes: 1, v2: true },
  [GL2.RG8]: { color: 'rg8_unorm', bytes: 2, v2: true },
  [GL2.RGB10_A2]: { color: 'rgb10a2_unorm', bytes: 4, v2: true },
  [GL2.R16F]: { color: 'r16f', bytes: 2, v2: true, ext2: ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'] },
  [GL2.RG16F]: { color: 'rg16f', bytes: 4, v2: true, ext2: ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'] },
  [GL2.R32F]: { color: 'r32f', bytes: 4, v2: true, ext2: ['EXT_color_buffer_float'] },
  [GL2.RG32F]: { color: 'rg32f', bytes: 8, v2: true, ext2: ['EXT_color_buffer_float'] },
  [GL2.R11F_G11F_B10F]: { color: 'r11g11b10f', bytes: 4, v2: true, ext2: ['EXT_color_buffer_float'] },
  [GL2.DEPTH_COMPONENT24]: { zs: 'd24s8', has: 'depth', bytes: 4, v2: true },
  [GL2.DEPTH_COMPONENT32F]: { zs: 'd32f', has: 'depth', bytes: 4, v2: true },
  [GL2.DEPTH24_STENCIL8]: { zs: 'd24s8', has: 'depthStencil', bytes: 4, v2: true },
  // planar: `bytes` is the float32 depth plane's; the stencil plane (a byte a pixel) follows it (rbStencilOffset)
  [GL2.DEPTH32F_STENCIL8]: { zs: 'd32f_s8', has: 'depthStencil', bytes: 4, v2: true },
  // integer colour buffers (ES 3.0 Table 3.13)
  [GL2.R8UI]: { color: 'r8ui', bytes: 1, v2: true }, [GL2.R8I]: { color: 'r8i', bytes: 1, v2: true }, [GL2.R16UI]: { color: 'r16ui', bytes: 2, v2: true },
  [GL2.R16I]: { color: 'r16i', bytes: 2, v2: true }, [GL2.R32UI]: { color: 'r32ui', bytes: 4, v2: true }, [GL2.R32I]: { color: 'r32i', bytes: 4, v2: true },
  [GL2.RG8UI]: { color: 'rg8ui', bytes: 2, v2: true }, [GL2.RG8I]: { color: 'rg8i', bytes: 2, v2: true }, [GL2.RG16UI]: { color: 'rg16ui', bytes: 4, v2: true },
  [GL2.RG16I]: { color: 'rg16i', bytes: 4, v2: true }, [GL2.RG32UI]: { color: 'rg32ui', bytes: 8, v2: true }, [GL2.RG32I]: { color: 'rg32i', bytes: 8, v2: true },
  [GL2.RGBA8UI]: { color: 'rgba8ui', bytes: 4, v2: true }, [GL2.RGBA8I]: { color: 'rgba8i', bytes: 4, v2: true }, [GL2.RGBA16UI]: { color: 'rgba16ui', bytes: 8, v2: true },
  [GL2.RGBA16I]: { color: 'rgba16i', bytes: 8, v2: true }, [GL2.RGBA32UI]: { color: 'rgba32ui', bytes: 16, v2: true }, [GL2.RGBA32I]: { color: 'rgba32i', bytes: 16, v2: true },
  [GL2.RGB10_A2UI]: { color: 'rgb10a2ui', bytes: 4, v2: true },
};

/** The internal format is a renderbuffer format of this context: WebGL 1's need `ext`; WebGL 2's their `ext2` (one of), none for core ones. */
export function renderbufferFormatOk(ctx: GLContext, f: (typeof RENDERBUFFER_FORMATS)[number]): boolean {
  if (ctx.version !== 2) return !f.v2 && (!f.ext || ctx.hasExt(f.ext));
  return !f.ext2 || f.ext2.some((e) => ctx.hasExt(e));
}

/** RENDERBUFFER_RED_SIZE... of an internal format: the bits of what it is stored as, less what the API does not see. */
function renderbufferBits(internalformat: number): { r: number; g: number; b: number; a: number; d: number; s: number } {
  const f = RENDERBUFFER_FORMATS[internalformat];
  if (!f) return { r: 0, g: 0, b: 0, a: 0, d: 0, s: 0 };
  const b = formatBits(f.color ? COLOR_FORMAT_LAYOUT[f.color] : ZS_FORMAT_LAYOUT[f.zs!]);
  if (f.has === 'stencil') b.d = 0;
  if (f.has === 'depth') b.s = 0;
  return b;
}

/** The attachment holds float values (a float renderbuffer or float texture level). */
function attachmentIsFloat(a: Attachment): boolean {
  if (a.rb) return !!a.rb.color && !isNormalized(COLOR_FORMAT_LAYOUT[a.rb.color]);
  const info = a.tex?.levels[a.face ?? 0]?.[a.level ?? 0]?.info;
  return info?.kind === 'f32' || info?.kind === 'f16' || info?.hw === 'r11g11b10f';
}

/** The integer draw buffers of the current framebuffer (bit i: draw buffer i's attachment has an integer format) and their signedness. */
export function integerDrawBuffers(ctx: GLContext): { mask: number; signed: number } {
  const s = currentSurface(ctx);
  let mask = 0, signed = 0;
  [s?.color, ...(s?.colors ?? [])].forEach((c, i) => {
    if (!c) return;
    const f = PIXEL_FORMATS[COLOR_FORMAT_LAYOUT[c.format]];
    if (!isIntegerFormat(f)) return;
    mask |= 1 << i;
    if (f.channels[0]!.type === 'sint') signed |= 1 << i;
  });
  return { mask, signed };
}

/** The current framebuffer's colour buffer holds 32-bit floats (EXT_float_blend gates blending into it). */
export function colorIsFloat32(ctx: GLContext): boolean {
  return currentSurface(ctx)?.color?.format === 'rgba32f';
}

export function surfaceBits(ctx: GLContext): { r: number; g: number; b: number; a: number; d: number; s: number } {
  const s = currentSurface(ctx);
  if (!s) return { r: 0, g: 0, b: 0, a: 0, d: 0, s: 0 };
  const c = s.color ? formatBits(COLOR_FORMAT_LAYOUT[s.color.format]) : { r: 0, g: 0, b: 0, a: 0 };
  if (!ctx.framebuffer && !ctx.attrs.alpha) c.a = 0;
  const z = s.zs ? formatBits(ZS_FORMAT_LAYOUT[s.zs.format as keyof typeof ZS_FORMAT_LAYOUT]) : { d: 0, s: 0 };
  let d = z.d, st = z.s;
  if (!ctx.framebuffer) { if (!ctx.attrs.depth) d = 0; if (!ctx.attrs.stencil) st = 0; }
  else {
    const fb = ctx.framebuffer;
    if (fb.stencil && !fb.depth && !fb.depthStencil) d = 0;
    if (!fb.stencil && !fb.depthStencil) st = 0;
  }
  return { r: c.r, g: c.g, b: c.b, a: c.a, d, s: st };
}

export function createRenderbuffer(ctx: GLContext): WebGLRenderbuffer { return (ctx.lost ? null : new AkRenderbuffer(ctx.gen)) as WebGLRenderbuffer; }
export function createFramebuffer(ctx: GLContext): WebGLFramebuffer { return (ctx.lost ? null : new AkFramebuffer(ctx.gen)) as WebGLFramebuffer; }
export function isRenderbuffer(ctx: GLContext, r: WebGLRenderbuffer | null): boolean { return !ctx.lost && r instanceof AkRenderbuffer && r.owner === ctx.gen && !r.deleted && r.bound; }
export function isFramebuffer(ctx: GLContext, f: WebGLFramebuffer | null): boolean { return !ctx.lost && f instanceof AkFramebuffer && f.owner === ctx.gen && !f.deleted && f.bound; }

export function bindRenderbuffer(ctx: GLContext, target: number, r: WebGLRenderbuffer | null): void {
  if (ctx.lost) return;
  if (target !== GL.RENDERBUFFER) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(r, AkRenderbuffer);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (x) x.bound = true;
  ctx.renderbuffer = x;
}

export function deleteRenderbuffer(ctx: GLContext, r: WebGLRenderbuffer | null): void {
  if (ctx.lost) return;
  const x = ctx.own(r, AkRenderbuffer);
  if (!x || x.deleted) return;
  x.deleted = true;
  if (ctx.renderbuffer === x) ctx.renderbuffer = null;
  if (ctx.framebuffer) detachFrom(ctx, ctx.framebuffer, (a) => a.rb === x);
  releaseIfUnattached(ctx, x);
}

/**
 * A deleted renderbuffer or texture still attached to a framebuffer that is not bound keeps its
 * storage (ES 2.0 § 4.4.1, § 3.7.13: only the bound framebuffer's attachments are detached by the
 * deletion); the storage goes when the last framebuffer lets go of it.
 */
export function releaseIfUnattached(ctx: GLContext, x: AkRenderbuffer | AkTexture): void {
  if (!x.deleted || x.attachedTo.size || !x.bo) return;
  ctx.gpu.releaseBo(x.bo);
  x.bo = null;
}

/** `samples`: 0, or the sample count of multisampled storage (renderbufferStorageMultisample, already validated and rounded to 4). */
export function renderbufferStorage(ctx: GLContext, target: number, internalformat: number, w: number, h: number, samples = 0): void {
  if (ctx.lost) return;
  if (target !== GL.RENDERBUFFER) return ctx.err(GL.INVALID_ENUM);
  const f = RENDERBUFFER_FORMATS[internalformat];
  if (!f || !renderbufferFormatOk(ctx, f)) return ctx.err(GL.INVALID_ENUM);
  if (w < 0 || h < 0 || w > CAPS.maxRenderbufferSize || h > CAPS.maxRenderbufferSize) return ctx.err(GL.INVALID_VALUE);
  const rb = ctx.renderbuffer;
  if (!rb) return ctx.err(GL.INVALID_OPERATION);
  if (ctx.framebuffer && rb.attachedTo.has(ctx.framebuffer)) ctx.gpu.flush();
  if (rb.bo) { ctx.gpu.releaseBo(rb.bo); rb.bo = null; }
  rb.width = w; rb.height = h; rb.internalFormat = internalformat;
  rb.color = f.color ?? null; rb.zs = f.zs ?? null; rb.stride = w * f.bytes; rb.samples = samples;
  // multisampled: one image per sample, one after another (hwdesc msaaPlaneBytes)
  const n = Math.max(1, samples);
  const stencilPlane = rb.zs === 'd32f_s8' ? w * h * n : 0;
  if (w && h) {
    try { rb.bo = ctx.gpu.allocBo(rb.stride * h * n + stencilPlane, 'rw'); } catch (e) {
      if (!isOom(e)) throw e;
      rb.width = rb.height = 0;
      return ctx.err(GL.OUT_OF_MEMORY);
    }
    rb.bo.fill(0, 0, rb.stride * h * n + stencilPlane);
    if (rb.zs === 'd16') rb.bo.write(0, new Uint16Array(w * h * n).fill(0xffff));
    if (rb.zs === 'd24s8') rb.bo.write(0, new Uint32Array(w * h * n).fill(0xffffff00));
    if (rb.zs === 'd32f_s8') rb.bo.write(0, new Float32Array(w * h * n).fill(1));
  }
}

/** A DEPTH32F_STENCIL8 renderbuffer's stencil plane: after its depth plane's sample images, `width` bytes a row. */
function rbStencilOffset(rb: AkRenderbuffer): number {
  return rb.stride * rb.height * Math.max(1, rb.samples);
}

export function getRenderbufferParameter(ctx: GLContext, target: number, pname: number): any {
  if (ctx.lost) return null;
  if (target !== GL.RENDERBUFFER) { ctx.err(GL.INVALID_ENUM); return null; }
  const rb = ctx.renderbuffer;
  const known = [GL.RENDERBUFFER_WIDTH, GL.RENDERBUFFER_HEIGHT, GL.RENDERBUFFER_INTERNAL_FORMAT, GL.RENDERBUFFER_RED_SIZE, GL.RENDERBUFFER_GREEN_SIZE,
    GL.RENDERBUFFER_BLUE_SIZE, GL.RENDERBUFFER_ALPHA_SIZE, GL.RENDERBUFFER_DEPTH_SIZE, GL.RENDERBUFFER_STENCIL_SIZE] as number[];
  const RENDERBUFFER_SAMPLES = 0x8cab;
  if (!known.includes(pname) && !(ctx.version === 2 && pname === RENDERBUFFER_SAMPLES)) { ctx.err(GL.INVALID_ENUM); return null; }
  if (!rb) { ctx.err(GL.INVALID_OPERATION); return null; }
  if (pname === RENDERBUFFER_SAMPLES) return rb.samples;
  switch (pname) {
    case GL.RENDERBUFFER_WIDTH: return rb.width;
    case GL.RENDERBUFFER_HEIGHT: return rb.height;
    case GL.RENDERBUFFER_INTERNAL_FORMAT: return rb.internalFormat;
    default: {
      const b = renderbufferBits(rb.internalFormat);
      return [b.r, b.g, b.b, b.a, b.d, b.s][known.indexOf(pname) - 3] ?? 0;
    }
  }
}

export function bindFramebuffer(ctx: GLContext, target: number, f: WebGLFramebuffer | null): void {
  if (ctx.lost) return;
  if (target !== GL.FRAMEBUFFER) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(f, AkFramebuffer);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (x) x.bound = true;
  ctx.framebuffer = x;
}

export function deleteFramebuffer(ctx: GLContext, f: WebGLFramebuffer | null): void {
  if (ctx.lost) return;
  const x = ctx.own(f, AkFramebuffer);
  if (!x || x.deleted) return;
  x.deleted = true;
  if (ctx.gpu.hasPassFor(x)) ctx.gpu.flush();
  detachFrom(ctx, x, () => true);
  if (ctx.framebuffer === x) ctx.framebuffer = null;
}

export function detachFrom(ctx: GLContext, fb: AkFramebuffer, pred: (a: Attachment) => boolean): void {
  for (const k of [...COLOR_POINTS, 'depth', 'stencil', 'depthStencil'] as const) {
    const a = fb[k];
    if (!a || !pred(a)) continue;
    fb[k] = null;
    const x = a.tex ?? a.rb;
    if (!x) continue;
    // the same object may sit at another attachment point of this framebuffer (depth and stencil)
    if (![...COLOR_POINTS, 'depth', 'stencil', 'depthStencil'].some((j) => fb[j as typeof k]?.tex === x || fb[j as typeof k]?.rb === x)) x.attachedTo.delete(fb);
    releaseIfUnattached(ctx, x);
  }
}

/** Colour attachment points beyond 0 exist with WEBGL_draw_buffers (and in WebGL 2). */
function hasDrawBuffers(ctx: GLContext): boolean { return ctx.version === 2 || ctx.hasExt('WEBGL_draw_buffers'); }

export function attachPoint(ctx: GLContext, attachment: number): ColorPoint | 'depth' | 'stencil' | 'depthStencil' | null {
  const i = attachment - GL.COLOR_ATTACHMENT0;
  if (i > 0 && i < CAPS.maxColorAttachments && hasDrawBuffers(ctx)) return COLOR_POINTS[i]!;
  switch (attachment) {
    case GL.COLOR_ATTACHMENT0: return 'color';
    case GL.DEPTH_ATTACHMENT: return 'depth';
    case GL.STENCIL_ATTACHMENT: return 'stencil';
    case GL.DEPTH_STENCIL_ATTACHMENT: return 'depthStencil';
  }
  return null;
}

export function framebufferRenderbuffer(ctx: GLContext, target: number, attachment: number, rbtarget: number, r: WebGLRenderbuffer | null): void {
  if (ctx.lost) return;
  if (target !== GL.FRAMEBUFFER || rbtarget !== GL.RENDERBUFFER) return ctx.err(GL.INVALID_ENUM);
  const pt = attachPoint(ctx, attachment);
  if (!pt) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(r, AkRenderbuffer);
  if (x === undefined) return;
  const fb = ctx.framebuffer;
  if (!fb) return ctx.err(GL.INVALID_OPERATION);
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  if (ctx.gpu.hasPassFor(fb)) ctx.gpu.flush();
  setAttachment(ctx, fb, pt, x ? { rb: x } : null);
}

/**
 * Puts `a` (or nothing) at an attachment point, detaching what was there. In WebGL 2,
 * DEPTH_STENCIL_ATTACHMENT is no point of its own: attaching there is attaching the image at
 * DEPTH_ATTACHMENT and at STENCIL_ATTACHMENT (ES 3.0 § 4.4.2.3, § 4.4.2.4; WebGL 2.0 § 5.x
 * drops WebGL 1's separate DEPTH_STENCIL point). Each point gets its own record of the image.
 */
export function setAttachment(ctx: GLContext, fb: AkFramebuffer, pt: ColorPoint | 'depth' | 'stencil' | 'depthStencil', a: Attachment | null): void {
  const points = ctx.version === 2 && pt === 'depthStencil' ? (['depth', 'stencil'] as const) : [pt];
  for (const p of points) {
    const old = fb[p];
    if (old) detachFrom(ctx, fb, (y) => y === old);
    if (a) { fb[p] = { ...a }; (a.tex ?? a.rb)!.attachedTo.add(fb); }
  }
}

export function framebufferTexture2D(ctx: GLContext, target: number, attachment: number, textarget: number, t: WebGLTexture | null, level: number): void {
  if (ctx.lost) return;
  if (target !== GL.FRAMEBUFFER) return ctx.err(GL.INVALID_ENUM);
  const pt = attachPoint(ctx, attachment);
  if (!pt) return ctx.err(GL.INVALID_ENUM);
  const isFace = textarget >= GL.TEXTURE_CUBE_MAP_POSITIVE_X && textarget <= GL.TEXTURE_CUBE_MAP_NEGATIVE_Z;
  if (textarget !== GL.TEXTURE_2D && !isFace) return ctx.err(GL.INVALID_ENUM);
  const x = ctx.own(t, AkTexture);
  if (x === undefined) return;
  const fb = ctx.framebuffer;
  if (!fb) return ctx.err(GL.INVALID_OPERATION);
  if (x) {
    if (x.deleted) return ctx.err(GL.INVALID_OPERATION);
    // WebGL 1: level 0 only; ES 3.0 § 4.4.2.4: 0..log2(MAX_TEXTURE_SIZE) for TEXTURE_2D, 0..log2(MAX_CUBE_MAP_TEXTURE_SIZE) for a face
    const maxLevel = ctx.version === 2 ? Math.log2(isFace ? CAPS.maxCubeMapSize : CAPS.maxTextureSize) : 0;
    if (level < 0 || level > maxLevel) return ctx.err(GL.INVALID_VALUE);
    if ((x.target === GL.TEXTURE_2D) !== (textarget === GL.TEXTURE_2D)) return ctx.err(GL.INVALID_OPERATION);
  }
  if (ctx.gpu.hasPassFor(fb)) ctx.gpu.flush();
  setAttachment(ctx, fb, pt, x ? { tex: x, face: isFace ? textarget - GL.TEXTURE_CUBE_MAP_POSITIVE_X : 0, level } : null);
}

export function getFramebufferAttachmentParameter(ctx: GLContext, target: number, attachment: number, pname: number): any {
  if (ctx.lost) return null;
  if (target !== GL.FRAMEBUFFER) { ctx.err(GL.INVALID_ENUM); return null; }
  if (ctx.version === 2 && !ctx.framebuffer) return defaultAttachmentParameter(ctx, attachment, pname);
  const pt = attachPoint(ctx, attachment);
  if (!pt) { ctx.err(GL.INVALID_ENUM); return null; }
  const fb = ctx.framebuffer;
  if (!fb) { ctx.err(GL.INVALID_OPERATION); return null; }
  const a = fb[pt];
  if (ctx.version === 2) return attachmentParameter2(ctx, fb, pt, pname);
  switch (pname) {
    case GL.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE: return a ? (a.tex ? GL.TEXTURE : GL.RENDERBUFFER) : GL.NONE;
    case GL.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME: if (a) return a.tex ?? a.rb; break;
    case GL.FRAMEBUFFER_ATTACHMENT_TEXTURE_LEVEL: if (a?.tex) return a.level ?? 0; break;
    case EXT.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING_EXT:
      // EXT_sRGB: SRGB_EXT for an sRGB colour buffer, LINEAR for any other attachment
      if (!ctx.hasExt('EXT_sRGB') || !a) break;
      return (a.rb?.color ?? a.tex?.levels[a.face ?? 0]?.[a.level ?? 0]?.info.hw) === 'srgb8_alpha8' ? EXT.SRGB_EXT : GL.LINEAR;
    case EXT.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE_EXT:
      // WEBGL_color_buffer_float / EXT_color_buffer_half_float: FLOAT or UNSIGNED_NORMALIZED_EXT (INVALID_OPERATION for depth-stencil)
      if (!ctx.hasExt('WEBGL_color_buffer_float') && !ctx.hasExt('EXT_color_buffer_half_float')) break;
      if (!a) return GL.NONE;
      if (pt === 'depthStencil') { ctx.err(GL.INVALID_OPERATION); return null; }
      return attachmentIsFloat(a) ? GL.FLOAT : EXT.UNSIGNED_NORMALIZED_EXT;
    case GL.FRAMEBUFFER_ATTACHMENT_TEXTURE_CUBE_MAP_FACE:
      if (a?.tex) return a.tex.target === GL.TEXTURE_CUBE_MAP ? GL.TEXTURE_CUBE_MAP_POSITIVE_X + a.face! : 0;
      break;
  }
  ctx.err(a ? GL.INVALID_ENUM : GL.INVALID_ENUM);
  return null;
}

/** The pnames every attached image answers in ES 3.0 (§ 6.1.13): its components' sizes, type and encoding. */
const FORMAT_PNAMES: readonly number[] = [GL2.FRAMEBUFFER_ATTACHMENT_RED_SIZE, GL2.FRAMEBUFFER_ATTACHMENT_GREEN_SIZE, GL2.FRAMEBUFFER_ATTACHMENT_BLUE_SIZE,
  GL2.FRAMEBUFFER_ATTACHMENT_ALPHA_SIZE, GL2.FRAMEBUFFER_ATTACHMENT_DEPTH_SIZE, GL2.FRAMEBUFFER_ATTACHMENT_STENCIL_SIZE,
  GL2.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE, GL2.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING];

/**
 * What an attached image is stored as (a row of hwdesc's format table) and which of its depth and
 * stencil the API sees (STENCIL_INDEX8 lives in a d24s8 surface whose depth is hidden); null for a
 * texture level that has not been specified.
 */
function attachmentFormat(a: Attachment): { fmt: PixelFormatName; has?: 'depth' | 'stencil' | 'depthStencil' } | null {
  if (a.rb) {
    const f = RENDERBUFFER_FORMATS[a.rb.internalFormat];
    if (!f) return null;
    return f.color ? { fmt: COLOR_FORMAT_LAYOUT[f.color] } : { fmt: ZS_FORMAT_LAYOUT[f.zs!], has: f.has! };
  }
  const info = a.tex!.levels[a.face ?? 0]?.[a.level ?? 0]?.info;
  if (!info) return null;
  const hw = info.hw as keyof typeof TEX_FORMAT_LAYOUT;
  return { fmt: TEX_FORMAT_LAYOUT[hw], ...(info.kind === 'depth' ? { has: hw === 'depth24_stencil8' || hw === 'depth32f_stencil8' ? 'depthStencil' as const : 'depth' as const } : {}) };
}

/**
 * One of the format pnames of an image stored as `fmt` (ES 3.0 § 6.1.13): the bits of each component
 * (0 for one the image lacks), COMPONENT_TYPE (FLOAT, INT, UNSIGNED_INT, SIGNED_NORMALIZED or
 * UNSIGNED_NORMALIZED by the red — or depth — channel's encoding; a stencil-only image's indices are
 * unsigned integers) and COLOR_ENCODING (SRGB for an sRGB colour format, LINEAR otherwise).
 */
function formatParameter(fmt: PixelFormatName | null, has: 'depth' | 'stencil' | 'depthStencil' | undefined, pname: number): number {
  if (!fmt) return pname === GL2.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING ? GL.LINEAR : pname === GL2.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE ? GL.NONE : 0;
  const f = PIXEL_FORMATS[fmt];
  const b = formatBits(fmt);
  if (has === 'stencil') b.d = 0;
  if (has === 'depth') b.s = 0;
  switch (pname) {
    case GL2.FRAMEBUFFER_ATTACHMENT_RED_SIZE: return b.r;
    case GL2.FRAMEBUFFER_ATTACHMENT_GREEN_SIZE: return b.g;
    case GL2.FRAMEBUFFER_ATTACHMENT_BLUE_SIZE: return b.b;
    case GL2.FRAMEBUFFER_ATTACHMENT_ALPHA_SIZE: return b.a;
    case GL2.FRAMEBUFFER_ATTACHMENT_DEPTH_SIZE: return b.d;
    case GL2.FRAMEBUFFER_ATTACHMENT_STENCIL_SIZE: return b.s;
    case GL2.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING: return f.colorspace === 'srgb' ? GL2.SRGB : GL.LINEAR;
    default: {
      if (has === 'stencil') return GL.UNSIGNED_INT;
      const t = (f.channels as readonly { type: string }[]).find((c) => c.type !== 'void')!.type;
      return t === 'float' || t === 'ufloat' ? GL.FLOAT : t === 'sint' ? GL.INT : t === 'uint' ? GL.UNSIGNED_INT : t === 'snorm' ? GL2.SIGNED_NORMALIZED : GL2.UNSIGNED_NORMALIZED;
    }
  }
}

/**
 * getFramebufferAttachmentParameter on a framebuffer object in WebGL 2 (ES 3.0 § 6.1.13, WebGL 2.0
 * § 5.x): DEPTH_STENCIL_ATTACHMENT names the image at DEPTH and STENCIL, INVALID_OPERATION when they
 * differ. Nothing attached: OBJECT_TYPE is NONE, OBJECT_NAME null, anything else INVALID_OPERATION.
 * An image answers OBJECT_TYPE, OBJECT_NAME and the format pnames (COMPONENT_TYPE not for
 * DEPTH_STENCIL_ATTACHMENT: INVALID_OPERATION); a texture also its level, cube map face (0 for
 * another target) and layer (0 for a 2D or cube texture); any other pname is INVALID_ENUM.
 */
function attachmentParameter2(ctx: GLContext, fb: AkFramebuffer, pt: ColorPoint | 'depth' | 'stencil' | 'depthStencil', pname: number): any {
  let a: Attachment | null;
  if (pt === 'depthStencil') {
    if (!sameAttachedImage(fb.depth, fb.stencil)) { ctx.err(GL.INVALID_OPERATION); return null; }
    a = fb.depth;
  } else a = fb[pt];
  if (!a) {
    if (pname === GL.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE) return GL.NONE;
    if (pname === GL.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME) return null;
    ctx.err(GL.INVALID_OPERATION);
    return null;
  }
  switch (pname) {
    case GL.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE: return a.tex ? GL.TEXTURE : GL.RENDERBUFFER;
    case GL.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME: return a.tex ?? a.rb;
  }
  if (a.tex) {
    switch (pname) {
      case GL.FRAMEBUFFER_ATTACHMENT_TEXTURE_LEVEL: return a.level ?? 0;
      case GL.FRAMEBUFFER_ATTACHMENT_TEXTURE_CUBE_MAP_FACE: return a.tex.target === GL.TEXTURE_CUBE_MAP ? GL.TEXTURE_CUBE_MAP_POSITIVE_X + (a.face ?? 0) : 0;
      case GL2.FRAMEBUFFER_ATTACHMENT_TEXTURE_LAYER: return a.tex.target === GL2.TEXTURE_3D || a.tex.target === GL2.TEXTURE_2D_ARRAY ? a.layer ?? 0 : 0;
    }
  }
  if (!FORMAT_PNAMES.includes(pname)) { ctx.err(GL.INVALID_ENUM); return null; }
  if (pt === 'depthStencil' && pname === GL2.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE) { ctx.err(GL.INVALID_OPERATION); return null; }
  const f = attachmentFormat(a);
  return formatParameter(f?.fmt ?? null, f?.has, pname);
}

/**
 * getFramebufferAttachmentParameter on the default framebuffer in WebGL 2 (ES 3.0 § 6.1.13): its
 * attachments are BACK, DEPTH and STENCIL (anything else INVALID_ENUM), of type FRAMEBUFFER_DEFAULT and
 * answering only the format pnames (others INVALID_ENUM) — except DEPTH or STENCIL when the context has
 * no such buffer (WebGL 2 honours the depth and stencil attributes): NONE, as an empty attachment.
 * BACK's alpha is 0 bits without the alpha attribute.
 */
function defaultAttachmentParameter(ctx: GLContext, attachment: number, pname: number): any {
  if (attachment !== GL.BACK && attachment !== GL2.DEPTH && attachment !== GL2.STENCIL) { ctx.err(GL.INVALID_ENUM); return null; }
  const s = ctx.defaultSurface;
  const missing = (attachment === GL2.DEPTH && !ctx.attrs.depth) || (attachment === GL2.STENCIL && !ctx.attrs.stencil) || (attachment !== GL.BACK && !s.zs);
  if (missing) {
    if (pname === GL.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE) return GL.NONE;
    if (pname === GL.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME) return null;
    ctx.err(GL.INVALID_OPERATION);
    return null;
  }
  if (pname === GL.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE) return GL2.FRAMEBUFFER_DEFAULT;
  if (!FORMAT_PNAMES.includes(pname)) { ctx.err(GL.INVALID_ENUM); return null; }
  if (attachment === GL.BACK) {
    if (pname === GL2.FRAMEBUFFER_ATTACHMENT_ALPHA_SIZE && !ctx.attrs.alpha) return 0;
    return formatParameter(s.color ? COLOR_FORMAT_LAYOUT[s.color.format] : null, undefined, pname);
  }
  return formatParameter(ZS_FORMAT_LAYOUT[s.zs!.format as ZsFormat], attachment === GL2.DEPTH ? 'depth' : 'stencil', pname);
}

/** Two attachment records name the same image (the same renderbuffer, or the same texture, face, level and layer). */
function sameAttachedImage(a: Attachment | null, b: Attachment | null): boolean {
  if (!a || !b) return a === b;
  if (a.rb || b.rb) return a.rb === b.rb;
  return a.tex === b.tex && (a.face ?? 0) === (b.face ?? 0) && (a.level ?? 0) === (b.level ?? 0) && (a.layer ?? 0) === (b.layer ?? 0);
}

/** Completeness and the surface of the bound framebuffer (null + status when incomplete). */
export function fbSurface(ctx: GLContext, fb: AkFramebuffer): { status: number; surface: Surface | null } {
  let w = -1, h = -1;
  let color: Surface['color'] = null, zs: Surface['zs'] = null;
  const sizeOk = (aw: number, ah: number) => {
    if (!aw || !ah) return false;
    if (w < 0) { w = aw; h = ah; return true; }
    return aw === w && ah === h;
  };
  const attached = [...COLOR_POINTS.map((k) => fb[k]), fb.depth, fb.stencil, fb.depthStencil].filter(Boolean);
  if (!attached.length) return { status: GL.FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT, surface: null };
  if (fb.depthStencil && (fb.depth || fb.stencil)) return { status: GL.FRAMEBUFFER_UNSUPPORTED, surface: null };
  // WebGL 1: DEPTH and STENCIL attachments together are unsupported; WebGL 2.0 § 5.x: unless they are the same image
  if (fb.depth && fb.stencil && (ctx.version !== 2 || !sameAttachedImage(fb.depth, fb.stencil))) return { status: GL.FRAMEBUFFER_UNSUPPORTED, surface: null };
  const dims: Array<[number, number]> = [];
  const colors: Array<ColorSurface | null> = [];
  // every attachment's samples (a texture's: 0) must agree (ES 3.0 § 4.4.4.2 FRAMEBUFFER_INCOMPLETE_MULTISAMPLE)
  const samples = new Set([...COLOR_POINTS.map((k) => fb[k]), fb.depth, fb.stencil, fb.depthStencil].filter(Boolean).map((a) => a!.rb?.samples ?? 0));
  const nSamples = [...samples][0] ?? 0;
  for (const k of COLOR_POINTS) {
    const a = fb[k];
    if (!a) { colors.push(null); continue; }
    const c = colorAttachmentSurface(ctx, a);
    if (typeof c === 'number') return { status: c, surface: null };
    colors.push(c.surface);
    dims.push(c.dims);
  }
  // WebGL 2.0 § 5.x: one image at two colour attachment points is FRAMEBUFFER_UNSUPPORTED
  if (ctx.version === 2) {
    const att = COLOR_POINTS.map((k) => fb[k]).filter(Boolean);
    if (att.some((a, i) => att.some((b, j) => j > i && sameAttachedImage(a, b)))) return { status: GL.FRAMEBUFFER_UNSUPPORTED, surface: null };
  }
  color = colors[0]!;
  let last = colors.length;
  while (last > 1 && !colors[last - 1]) last--;
  for (const k of ['depth', 'stencil', 'depthStencil'] as const) {
    const a = fb[k];
    if (!a) continue;
    if (a.rb) {
      const rb = a.rb;
      // WebGL 2 (ES 3.0 § 4.4.4): any depth-renderable format at DEPTH, stencil-renderable at STENCIL
      const has = RENDERBUFFER_FORMATS[rb.internalFormat]?.has;
      const okFmt = ctx.version === 2
        ? (k === 'depth' ? has === 'depth' || has === 'depthStencil' : k === 'stencil' ? has === 'stencil' || has === 'depthStencil' : has === 'depthStencil')
        : k === 'depth' ? rb.internalFormat === GL.DEPTH_COMPONENT16 : k === 'stencil' ? rb.internalFormat === GL.STENCIL_INDEX8 : rb.internalFormat === GL.DEPTH_STENCIL;
      if (!okFmt || !rb.bo) return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
      zs = { bo: rb.bo, offset: 0, stride: rb.stride, format: rb.zs!, ...(rb.zs === 'd32f_s8' ? { stencilOffset: rbStencilOffset(rb), stencilStride: rb.width } : {}) };
      dims.push([rb.width, rb.height]);
    } else {
      const t = a.tex!;
      const img = attachedImage(a);
      if (!img || img.li.info.kind !== 'depth') return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
      const li = img.li;
      const packed = li.info.hw === 'depth24_stencil8' || li.info.hw === 'depth32f_stencil8';
      // WebGL 2 (ES 3.0 § 4.4.4.1): any depth format at DEPTH, a depth-stencil one at STENCIL; WebGL 1
      // (WEBGL_depth_texture): DEPTH_COMPONENT at DEPTH, DEPTH_STENCIL at DEPTH_STENCIL, none at STENCIL
      const okFmt = ctx.version === 2 ? k === 'depth' || packed : k === 'depth' ? !packed : k === 'depthStencil' && packed;
      if (!okFmt) return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
      const DEPTH_TEX_ZS: Partial<Record<string, ZsFormat>> = { depth16: 'd16', depth32: 'd32f', depth24_stencil8: 'd24s8', depth32f_stencil8: 'd32f_s8' };
      const format: ZsFormat = DEPTH_TEX_ZS[li.info.hw] ?? 'd24s8';
      zs = { bo: t.bo!, offset: img.offset, stride: li.width * li.info.bpp, format, ...(format === 'd32f_s8' ? { stencilOffset: stencilPlaneOffset(t, img.offset), stencilStride: li.width } : {}) };
      dims.push([li.width, li.height]);
    }
  }
  for (const [aw, ah] of dims) if (!sizeOk(aw, ah)) return { status: !aw || !ah ? GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT : GL.FRAMEBUFFER_INCOMPLETE_DIMENSIONS, surface: null };
  // (after the attachments' own completeness: an attachment without storage is INCOMPLETE_ATTACHMENT first)
  if (samples.size > 1) return { status: 0x8d56 /* FRAMEBUFFER_INCOMPLETE_MULTISAMPLE */, surface: null };
  if (w > 16384 || h > 16384) return { status: GL.FRAMEBUFFER_UNSUPPORTED, surface: null };
  const surface: Surface = { width: w, height: h, color, zs };
  if (last > 1) surface.colors = colors.slice(1, last);
  if (nSamples > 1) surface.samples = nSamples;
  return { status: GL.FRAMEBUFFER_COMPLETE, surface };
}

/**
 * The float colour formats WebGL 2 renders to only with an extension (ES 3.0 Table 3.13 lists none of
 * them as colour-renderable): EXT_color_buffer_float makes all of these so, EXT_color_buffer_half_float
 * the 16-bit ones.
 */
const FLOAT_COLOR_EXTS: Partial<Record<string, readonly string[]>> = {
  r16f: ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'], rg16f: ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'],
  rgba16f: ['EXT_color_buffer_float', 'EXT_color_buffer_half_float'],
  r32f: ['EXT_color_buffer_float'], rg32f: ['EXT_color_buffer_float'], rgba32f: ['EXT_color_buffer_float'], r11g11b10f: ['EXT_color_buffer_float'],
};

/**
 * A colour attachment's surface and size, or the completeness status that it makes the framebuffer
 * fail with: an image of a format that is not colour-renderable is FRAMEBUFFER_INCOMPLETE_ATTACHMENT in
 * WebGL 2 (ES 3.0 § 4.4.4.1), FRAMEBUFFER_UNSUPPORTED in WebGL 1 (a colour texture format the hardware
 * cannot render to).
 */
function colorAttachmentSurface(ctx: GLContext, a: Attachment): { surface: ColorSurface; dims: [number, number] } | number {
  if (a.rb) {
    if (!a.rb.color || !a.rb.bo) return GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT;
    return { surface: { bo: a.rb.bo, offset: 0, stride: a.rb.stride, format: a.rb.color }, dims: [a.rb.width, a.rb.height] };
  }
  const t = a.tex!;
  const img = attachedImage(a);
  if (!img) return GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT;
  const li = img.li;
  const fmtMap: Partial<Record<string, ColorSurface['format']>> = {
    rgba8: 'rgba8_unorm', rgb8: 'rgb8_unorm', rgb565: 'rgb565_unorm', rgba4: 'rgba4_unorm', rgb5a1: 'rgb5a1_unorm', rgba32f: 'rgba32f', rgba16f: 'rgba16f', srgb8_alpha8: 'srgb8_alpha8',
    // ES 3.0's colour-renderable texture formats (Table 3.13) and EXT_color_buffer_float's
    r8: 'r8_unorm', rg8: 'rg8_unorm', rgb10a2: 'rgb10a2_unorm', r16f: 'r16f', rg16f: 'rg16f', r32f: 'r32f', rg32f: 'rg32f', r11g11b10f: 'r11g11b10f',
    // the integer texture formats that are colour-renderable: their COLOR_FORMATs have the same names
    ...Object.fromEntries(COLOR_FORMAT_NAMES.filter((n) => /^(r|rg|rgba)(8|16|32)u?i$|^rgb10a2ui$/.test(n)).map((n) => [n, n])),
  };
  const cf = fmtMap[li.info.hw];
  if (!cf) return li.info.kind === 'depth' || ctx.version === 2 ? GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT : GL.FRAMEBUFFER_UNSUPPORTED;
  const exts = ctx.version === 2 ? FLOAT_COLOR_EXTS[li.info.hw] : undefined;
  if (exts && !exts.some((e) => ctx.hasExt(e))) return GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT;
  return { surface: { bo: t.bo!, offset: img.offset, stride: li.width * li.info.bpp, format: cf }, dims: [li.width, li.height] };
}

/**
 * The image a texture attachment names and where it lies in the texture's storage (textures.ts
 * ensureTexStorage: faces `faceStride` apart, each a mip chain at `levelOffsets`, a 3D level's slices or
 * an array level's layers one after another), or null when it has no storage: the level is not specified,
 * or (ES 3.0 § 4.4.4.1) the layer is not below the level's depth.
 */
function attachedImage(a: Attachment): { li: LevelInfo; offset: number } | null {
  const t = a.tex!, face = a.face ?? 0, level = a.level ?? 0, layer = a.layer ?? 0;
  const li = t.levels[face]?.[level];
  if (!li || !inStorage(t, level, li)) return null;
  if (layer >= (li.depth ?? 1)) return null;
  return { li, offset: face * t.faceStride + t.levelOffsets[level]! + layer * li.width * li.height * li.info.bpp };
}

/**
 * glDrawBuffers (ES 3.0 § 4.2.1, EXT_draw_buffers as WEBGL_draw_buffers exposes it): the
 * default framebuffer takes one buffer, BACK or NONE; a framebuffer object takes up to
 * MAX_DRAW_BUFFERS, buffer i being COLOR_ATTACHMENTi or NONE.
 */
export function drawBuffers(ctx: GLContext, buffers: readonly number[]): void {
  if (ctx.lost) return;
  const n = buffers.length;
  if (n > CAPS.maxDrawBuffers) return ctx.err(GL.INVALID_VALUE);
  for (const b of buffers) {
    const known = b === GL.NONE || b === GL.BACK || (b >= GL.COLOR_ATTACHMENT0 && b < GL.COLOR_ATTACHMENT0 + 16);
    if (!known) return ctx.err(GL.INVALID_ENUM);
  }
  const fb = ctx.framebuffer;
  if (!fb) {
    if (n !== 1 || (buffers[0] !== GL.BACK && buffers[0] !== GL.NONE)) return ctx.err(GL.INVALID_OPERATION);
    if (ctx.gpu.hasPassFor(ctx.passKey())) ctx.gpu.flush();
    ctx.defaultDrawBuffer = buffers[0]!;
    return;
  }
  for (let i = 0; i < n; i++) {
    const b = buffers[i]!;
    // BACK, or an attachment other than the buffer's own (or beyond MAX_COLOR_ATTACHMENTS)
    if (b !== GL.NONE && b !== GL.COLOR_ATTACHMENT0 + i) return ctx.err(GL.INVALID_OPERATION);
  }
  for (let i = 0; i < CAPS.maxDrawBuffers; i++) fb.drawBuffers[i] = i < n ? buffers[i]! : GL.NONE;
}

/** The render targets draws and clears write (bit i: draw buffer i is not NONE), for the pipe. */
export function drawBufferMask(ctx: GLContext): number {
  const fb = ctx.framebuffer;
  if (!fb) return ctx.defaultDrawBuffer === GL.NONE ? 0 : 1;
  let m = 0;
  fb.drawBuffers.forEach((b, i) => { if (b !== GL.NONE) m |= 1 << i; });
  return m;
}

/** DRAW_BUFFERi: the default framebuffer's is BACK (or NONE), then NONE. */
export function getDrawBuffer(ctx: GLContext, i: number): number {
  const fb = ctx.framebuffer;
  if (!fb) return i === 0 ? ctx.defaultDrawBuffer : GL.NONE;
  return fb.drawBuffers[i] ?? GL.NONE;
}

export function checkFramebufferStatus(ctx: GLContext, target: number): number {
  if (ctx.lost) return GL.FRAMEBUFFER_UNSUPPORTED; // WebGL 1.0 §5.14.6: a lost context's framebuffers are unsupported
  if (target !== GL.FRAMEBUFFER) { ctx.err(GL.INVALID_ENUM); return 0; }
  return ctx.framebuffer ? fbSurface(ctx, ctx.framebuffer).status : GL.FRAMEBUFFER_COMPLETE;
}

/**
 * The surface reads come from (readPixels): the current framebuffer's, with colour being its read
 * buffer (WebGL 2's readBuffer(COLOR_ATTACHMENTi); COLOR_ATTACHMENT0 otherwise).
 */
export function readSurface(ctx: GLContext): Surface | null {
  const s = currentSurface(ctx);
  const fb = ctx.framebuffer;
  if (!s || !fb) return s;
  const i = fb.readBuffer - GL.COLOR_ATTACHMENT0;
  if (i <= 0 || i >= CAPS.maxColorAttachments) return s;
  return { width: s.width, height: s.height, color: s.colors?.[i - 1] ?? null, zs: s.zs, ...(s.samples ? { samples: s.samples } : {}) };
}

export function currentSurface(ctx: GLContext): Surface | null {
  return ctx.framebuffer ? fbSurface(ctx, ctx.framebuffer).surface : ctx.defaultSurface;
}
