/**
 * Fixed-function state (Mesa's enable.c, blend.c, depth.c, stencil.c,
 * pixelstore.c, viewport.c...): glEnable/glDisable, hints, clear values,
 * masks, depth, stencil, blending, culling, viewport and scissor, pixel
 * store parameters — validated as WebGL 1.0 and ES 2.0 say and kept in the
 * GLContext; draw.ts turns them into the driver's render state.
 */
import type { GLContext } from './glcontext.js';
import { GL, EXT, GL2 } from './constants.js';
import { CAPS } from '../umd/pipe/caps.js';
import { COMPARE_FUNCS, STENCIL_OPS, BLEND_FACTORS } from './enums.js';

/** GLclampf: clamped to [0, 1] (NaN -> 0). */
const clampf = (v: number): number => Math.min(1, Math.max(0, Number(v) || 0));

export function isEnabled(ctx: GLContext, cap: number): boolean {
  if (ctx.lost) return false;
  if (!ctx.caps.has(cap)) { ctx.err(GL.INVALID_ENUM); return false; }
  return ctx.caps.get(cap)!;
}

export function enable(ctx: GLContext, cap: number): void { if (ctx.lost) return; if (!ctx.caps.has(cap)) return ctx.err(GL.INVALID_ENUM); ctx.caps.set(cap, true); }
export function disable(ctx: GLContext, cap: number): void { if (ctx.lost) return; if (!ctx.caps.has(cap)) return ctx.err(GL.INVALID_ENUM); ctx.caps.set(cap, false); }

export function hint(ctx: GLContext, target: number, mode: number): void {
  if (ctx.lost) return;
  if (mode !== GL.FASTEST && mode !== GL.NICEST && mode !== GL.DONT_CARE) return ctx.err(GL.INVALID_ENUM);
  // GL 2.0 and ES 3.0 (WebGL 2) have the derivative hint in core; WebGL 1 only with the extension
  if (target === GL.GENERATE_MIPMAP_HINT || (target === EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES && (ctx.compatProfile || ctx.version === 2 || ctx.hasExt('OES_standard_derivatives')))) ctx.hints.set(target, mode);
  else ctx.err(GL.INVALID_ENUM);
}

/**
 * ES 2.0 clamps the clear colour to [0, 1] when it is set; ES 3.0 § 4.2.3 keeps it as given (a float
 * colour buffer is cleared to 1000.0), clamping only where a fixed-point buffer is cleared.
 */
export function clearColor(ctx: GLContext, r: number, g: number, b: number, a: number): void {
  if (ctx.lost) return;
  const v = ctx.version === 2 ? (x: number) => Number(x) : clampf;
  ctx.clearColor = [v(r), v(g), v(b), v(a)];
}
export function clearDepth(ctx: GLContext, d: number): void { if (!ctx.lost) ctx.clearDepth = clampf(d); }
export function clearStencil(ctx: GLContext, s: number): void { if (!ctx.lost) ctx.clearStencil = s | 0; }
export function colorMask(ctx: GLContext, r: boolean, g: boolean, b: boolean, a: boolean): void { if (!ctx.lost) ctx.colorMask = [!!r, !!g, !!b, !!a]; }
export function depthMask(ctx: GLContext, flag: boolean): void { if (!ctx.lost) ctx.depthMask = !!flag; }
export function depthFunc(ctx: GLContext, func: number): void { if (ctx.lost) return; if (!COMPARE_FUNCS.includes(func)) return ctx.err(GL.INVALID_ENUM); ctx.depthFunc = func; }

export function depthRange(ctx: GLContext, n: number, f: number): void {
  if (ctx.lost) return;
  // WebGL 1.0 § 6.12 compares the values as given: depthRange(20, 10) is an error though both clamp to 1
  if (n > f) return ctx.err(GL.INVALID_OPERATION);
  ctx.depthRange = [clampf(n), clampf(f)];
}

export function viewport(ctx: GLContext, x: number, y: number, w: number, h: number): void {
  if (ctx.lost) return;
  if (w < 0 || h < 0) return ctx.err(GL.INVALID_VALUE);
  ctx.viewport = [x | 0, y | 0, Math.min(w | 0, CAPS.maxViewport), Math.min(h | 0, CAPS.maxViewport)];
}

export function scissor(ctx: GLContext, x: number, y: number, w: number, h: number): void {
  if (ctx.lost) return;
  if (w < 0 || h < 0) return ctx.err(GL.INVALID_VALUE);
  ctx.scissor = [x | 0, y | 0, w | 0, h | 0];
}

export function cullFace(ctx: GLContext, mode: number): void { if (ctx.lost) return; if (mode !== GL.FRONT && mode !== GL.BACK && mode !== GL.FRONT_AND_BACK) return ctx.err(GL.INVALID_ENUM); ctx.cullFace = mode; }
export function frontFace(ctx: GLContext, mode: number): void { if (ctx.lost) return; if (mode !== GL.CW && mode !== GL.CCW) return ctx.err(GL.INVALID_ENUM); ctx.frontFace = mode; }
export function lineWidth(ctx: GLContext, w: number): void { if (ctx.lost) return; if (!(w > 0)) return ctx.err(GL.INVALID_VALUE); ctx.lineWidth = w; }
export function polygonOffset(ctx: GLContext, factor: number, units: number): void { if (!ctx.lost) ctx.polygonOffset = [+factor, +units]; }
export function sampleCoverage(ctx: GLContext, value: number, invert: boolean): void { if (!ctx.lost) ctx.sampleCoverage = [clampf(value), !!invert]; }
export function blendColor(ctx: GLContext, r: number, g: number, b: number, a: number): void { if (!ctx.lost) ctx.blendColor = [clampf(r), clampf(g), clampf(b), clampf(a)]; }
export function blendEqOk(ctx: GLContext, m: number): boolean { return m === GL.FUNC_ADD || m === GL.FUNC_SUBTRACT || m === GL.FUNC_REVERSE_SUBTRACT || ((ctx.version === 2 || ctx.hasExt('EXT_blend_minmax')) && (m === EXT.MIN_EXT || m === EXT.MAX_EXT)); }
export function blendEquation(ctx: GLContext, mode: number): void { blendEquationSeparate(ctx, mode, mode); }

export function blendEquationSeparate(ctx: GLContext, rgb: number, alpha: number): void {
  if (ctx.lost) return;
  if (!blendEqOk(ctx, rgb) || !blendEqOk(ctx, alpha)) return ctx.err(GL.INVALID_ENUM);
  ctx.blendEquation = [rgb, alpha];
}

export function blendFunc(ctx: GLContext, s: number, d: number): void { blendFuncSeparate(ctx, s, d, s, d); }

export function blendFuncSeparate(ctx: GLContext, sr: number, dr: number, sa: number, da: number): void {
  if (ctx.lost) return;
  for (const f of [sr, dr, sa, da]) if (!(f in BLEND_FACTORS)) return ctx.err(GL.INVALID_ENUM);
  // ES 2.0 Table 4.1 (WebGL 1) allows SRC_ALPHA_SATURATE as a source factor only; ES 3.0 § 4.1.7's
  // Table 4.2 drops the restriction, so a WebGL 2 context takes it as a destination factor too
  if (ctx.version !== 2 && (dr === GL.SRC_ALPHA_SATURATE || da === GL.SRC_ALPHA_SATURATE)) return ctx.err(GL.INVALID_ENUM);
  // WebGL 1.0 §6.13: constant colour and constant alpha may not be combined.
  const cc = (f: number) => f === GL.CONSTANT_COLOR || f === GL.ONE_MINUS_CONSTANT_COLOR;
  const ca = (f: number) => f === GL.CONSTANT_ALPHA || f === GL.ONE_MINUS_CONSTANT_ALPHA;
  if ((cc(sr) && ca(dr)) || (ca(sr) && cc(dr))) return ctx.err(GL.INVALID_OPERATION);
  ctx.blendFunc = [sr, dr, sa, da];
}

export function faces(ctx: GLContext, face: number): number[] | null {
  if (face === GL.FRONT) return [0];
  if (face === GL.BACK) return [1];
  if (face === GL.FRONT_AND_BACK) return [0, 1];
  ctx.err(GL.INVALID_ENUM);
  return null;
}

export function stencilFunc(ctx: GLContext, func: number, ref: number, mask: number): void { stencilFuncSeparate(ctx, GL.FRONT_AND_BACK, func, ref, mask); }

export function stencilFuncSeparate(ctx: GLContext, face: number, func: number, ref: number, mask: number): void {
  if (ctx.lost) return;
  const fs = faces(ctx, face);
  if (!fs) return;
  if (!COMPARE_FUNCS.includes(func)) return ctx.err(GL.INVALID_ENUM);
  for (const i of fs) ctx.stencilFunc[i] = [func, ref | 0, mask >>> 0];
}

export function stencilMask(ctx: GLContext, mask: number): void { stencilMaskSeparate(ctx, GL.FRONT_AND_BACK, mask); }

export function stencilMaskSeparate(ctx: GLContext, face: number, mask: number): void {
  if (ctx.lost) return;
  const fs = faces(ctx, face);
  if (fs) for (const i of fs) ctx.stencilWriteMask[i] = mask >>> 0;
}

export function stencilOp(ctx: GLContext, fail: number, zfail: number, zpass: number): void { stencilOpSeparate(ctx, GL.FRONT_AND_BACK, fail, zfail, zpass); }

export function stencilOpSeparate(ctx: GLContext, face: number, fail: number, zfail: number, zpass: number): void {
  if (ctx.lost) return;
  const fs = faces(ctx, face);
  if (!fs) return;
  if (![fail, zfail, zpass].every((o) => o in STENCIL_OPS)) return ctx.err(GL.INVALID_ENUM);
  for (const i of fs) ctx.stencilOp[i] = [fail, zfail, zpass];
}

export function pixelStorei(ctx: GLContext, pname: number, param: number | boolean): void {
  if (ctx.lost) return;
  switch (pname) {
    case GL.PACK_ALIGNMENT: case GL.UNPACK_ALIGNMENT: {
      const v = Number(param);
      if (![1, 2, 4, 8].includes(v)) return ctx.err(GL.INVALID_VALUE);
      if (pname === GL.PACK_ALIGNMENT) ctx.pack.alignment = v; else ctx.unpack.alignment = v;
      return;
    }
    case GL.UNPACK_FLIP_Y_WEBGL: ctx.unpack.flipY = !!param; return;
    case GL.UNPACK_PREMULTIPLY_ALPHA_WEBGL: ctx.unpack.premultiply = !!param; return;
    case GL.UNPACK_COLORSPACE_CONVERSION_WEBGL:
      if (param !== GL.BROWSER_DEFAULT_WEBGL && param !== GL.NONE) return ctx.err(GL.INVALID_ENUM);
      ctx.unpack.colorspace = Number(param);
      return;
  }
  // ES 3.0 § 3.7.1 and § 4.3.1: the row length, image height and skips of a WebGL 2 context (a negative value: INVALID_VALUE)
  const p2 = ctx.version === 2 ? PIXEL_STORE_2[pname] : undefined;
  if (!p2) return ctx.err(GL.INVALID_ENUM);
  const v = Number(param) | 0;
  if (v < 0) return ctx.err(GL.INVALID_VALUE);
  (ctx[p2[0]] as Record<string, number>)[p2[1]] = v;
}

/** WebGL 2's integer pixel store parameters: where each lives in the GLContext. */
export const PIXEL_STORE_2: Record<number, ['pack2' | 'unpack2', string]> = {
  [GL2.PACK_ROW_LENGTH]: ['pack2', 'rowLength'], [GL2.PACK_SKIP_ROWS]: ['pack2', 'skipRows'], [GL2.PACK_SKIP_PIXELS]: ['pack2', 'skipPixels'],
  [GL2.UNPACK_ROW_LENGTH]: ['unpack2', 'rowLength'], [GL2.UNPACK_IMAGE_HEIGHT]: ['unpack2', 'imageHeight'], [GL2.UNPACK_SKIP_ROWS]: ['unpack2', 'skipRows'],
  [GL2.UNPACK_SKIP_PIXELS]: ['unpack2', 'skipPixels'], [GL2.UNPACK_SKIP_IMAGES]: ['unpack2', 'skipImages'],
};
