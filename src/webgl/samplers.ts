/**
 * Sampler objects (Mesa's samplerobj.c; ES 3.0 § 3.8.2, WebGL 2.0 § 3.7.11):
 * filtering, wrapping, LOD range and depth comparison state that a texture
 * unit uses in place of its texture's own while the sampler is bound to the
 * unit (textures.ts' samplerView takes it). Parameters are validated as
 * texParameter's (ES 3.0 Table 6.10), except that a sampler has no
 * BASE_LEVEL/MAX_LEVEL (INVALID_ENUM).
 */
import { GL, GL2, EXT } from './constants.js';
import type { GLContext } from './glcontext.js';
import { AkSampler } from './objects.js';
import { COMPARE_FUNCS } from './enums.js';
import { texParameterAnisotropy } from './textures.js';

export function createSampler(ctx: GLContext): AkSampler | null { return ctx.lost ? null : new AkSampler(ctx.gen); }
export function isSampler(ctx: GLContext, s: AkSampler | null): boolean { return !ctx.lost && s instanceof AkSampler && s.owner === ctx.gen && !s.deleted; }

export function deleteSampler(ctx: GLContext, s: AkSampler | null): void {
  if (ctx.lost) return;
  const x = ctx.own(s, AkSampler);
  if (!x || x.deleted) return;
  x.deleted = true;
  // ES 3.0 § 3.8.2: deleting a bound sampler unbinds it from every unit
  for (let u = 0; u < ctx.samplers.length; u++) if (ctx.samplers[u] === x) ctx.samplers[u] = null;
}

export function bindSampler(ctx: GLContext, unit: number, s: AkSampler | null): void {
  if (ctx.lost) return;
  if (unit >= ctx.samplers.length) return ctx.err(GL.INVALID_VALUE);
  const x = ctx.own(s, AkSampler);
  if (x === undefined) return;
  if (x?.deleted) return ctx.err(GL.INVALID_OPERATION);
  ctx.samplers[unit] = x;
}

const WRAPS = [GL.REPEAT, GL.CLAMP_TO_EDGE, GL.MIRRORED_REPEAT] as number[];
const MIN_FILTERS = [GL.NEAREST, GL.LINEAR, GL.NEAREST_MIPMAP_NEAREST, GL.LINEAR_MIPMAP_NEAREST, GL.NEAREST_MIPMAP_LINEAR, GL.LINEAR_MIPMAP_LINEAR] as number[];

/** The sampler's field for a parameter name, and whether `v` is a value it takes (ES 3.0 Table 6.10). */
const PARAMS: Record<number, { key: keyof AkSampler & string; valid: (v: number) => boolean; float?: boolean }> = {
  [GL.TEXTURE_MIN_FILTER]: { key: 'minFilter', valid: (v) => MIN_FILTERS.includes(v) },
  [GL.TEXTURE_MAG_FILTER]: { key: 'magFilter', valid: (v) => v === GL.NEAREST || v === GL.LINEAR },
  [GL.TEXTURE_WRAP_S]: { key: 'wrapS', valid: (v) => WRAPS.includes(v) },
  [GL.TEXTURE_WRAP_T]: { key: 'wrapT', valid: (v) => WRAPS.includes(v) },
  [GL2.TEXTURE_WRAP_R]: { key: 'wrapR', valid: (v) => WRAPS.includes(v) },
  [GL2.TEXTURE_MIN_LOD]: { key: 'minLod', valid: () => true, float: true },
  [GL2.TEXTURE_MAX_LOD]: { key: 'maxLod', valid: () => true, float: true },
  [GL2.TEXTURE_COMPARE_MODE]: { key: 'compareMode', valid: (v) => v === GL.NONE || v === GL2.COMPARE_REF_TO_TEXTURE },
  [GL2.TEXTURE_COMPARE_FUNC]: { key: 'compareFunc', valid: (v) => COMPARE_FUNCS.includes(v) },
};

export function samplerParameter(ctx: GLContext, s: AkSampler, pname: number, param: number, isFloat: boolean): void {
  if (ctx.lost) return;
  const x = ctx.live(s, AkSampler);
  if (!x) return;
  if (pname === EXT.TEXTURE_MAX_ANISOTROPY_EXT && ctx.hasExt('EXT_texture_filter_anisotropic')) {
    return texParameterAnisotropy(ctx, x, param); // the same rule as for textures
  }
  const p = PARAMS[pname];
  if (!p) return ctx.err(GL.INVALID_ENUM);
  // an enum parameter given through samplerParameterf is the float converted to an integer (ES 3.0 § 2.3.1)
  const v = p.float ? param : isFloat ? Math.round(param) : param | 0;
  if (!p.valid(v)) return ctx.err(GL.INVALID_ENUM);
  (x as unknown as Record<string, number>)[p.key] = p.float ? Math.fround(v) : v;
}

export function getSamplerParameter(ctx: GLContext, s: AkSampler, pname: number): unknown {
  if (ctx.lost) return null;
  const x = ctx.live(s, AkSampler);
  if (!x) return null;
  if (pname === EXT.TEXTURE_MAX_ANISOTROPY_EXT && ctx.hasExt('EXT_texture_filter_anisotropic')) return x.maxAnisotropy;
  const p = PARAMS[pname];
  if (!p) { ctx.err(GL.INVALID_ENUM); return null; }
  return (x as unknown as Record<string, number>)[p.key];
}
