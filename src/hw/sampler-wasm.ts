/**
 * Texture sampling inside fused fragment kernels (fused.ts): the texture
 * unit's fixed-point path for rgba8 2D textures as WebAssembly SIMD, in place
 * of the I/O-unit call back into JavaScript — one 2x2 quad per v128, as
 * llvmpipe's AoS sampler does:
 * - the level of detail once per quad from the quad's own derivatives
 *   (lanes 1 and 2 minus lane 0), in double, to 8.8 fixed point with the
 *   reference's lodFixed (exponent, then seven squarings — for the warp's
 *   four quads side by side, two per f64x2);
 * - level and filter selection from it (magnification, mip none / nearest /
 *   linear), scalar per quad;
 * - texel coordinates in 1/256 texel (a float32 product, floored, saturated), wrap
 *   modes (repeat and mirrored repeat by mask on power-of-two levels, clamp),
 *   the four texels of each pixel gathered with lane loads from physical
 *   memory (a pixel's two texels of a row in one 8-byte load when no wrap
 *   falls between them), bilinear and mip blends as lerp8 in 16-bit lanes
 *   (q15mulr: three instructions a blend);
 * - k / 255 as float32 for the shader.
 * The arithmetic is texture.ts's (its fixed-point rules are the reference),
 * so the results are bit-identical to the generic path's.
 *
 * Memory: the texture's descriptor is read through the MMU and its whole
 * extent translated when the draw state binds it (texture.ts bindTexture,
 * where an unmapped page faults at its address, for either path). The kernel
 * samples in place only when that translation found the texture physically
 * contiguous; every texel address it forms is inside the texture (wrapped
 * coordinates, per-level sizes from the same descriptor). Anything else — other
 * formats, cube maps, depth comparison, anisotropic filtering, a bias, explicit LOD or gradients, a
 * texture split across discontiguous pages — takes the I/O unit as before.
 *
 * The sampler state lives in the core's local memory (hwdesc/corelocal.ts
 * SAMPLER), written by bindSamplers when the running draw's textures change;
 * the kernel reads it at run time, so one kernel serves every texture.
 */
import { CORE_LOCAL, SAMPLER } from '../hwdesc/corelocal.js';
import type { ModuleBuilder, FunctionBuilder } from './wasm/emitter.js';
import type { DecodedOp } from './shader-core.js';
import type { PhysicalMemory } from './memory.js';
import { LOD_MAX, LOD_MIN, RGBA8, type BoundTexture } from './texture.js';

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Whether the in-kernel sampler serves texture `t` (else the kernel calls the I/O unit for it). */
export function samplerServes(t: BoundTexture | undefined): t is BoundTexture {
  if (!t || !t.win || t.win.pa < 0 || t.format !== RGBA8 || t.dim !== 0 || t.compareFunc >= 0 || t.maxAniso > 1 || t.lodClamp) return false;
  if (t.levels > SAMPLER.maxLevels) return false;
  // repeat and mirrored repeat wrap by mask: power-of-two sizes only (every level is one when level 0 is)
  if (t.wrapS !== 1 && !isPow2(t.width)) return false;
  if (t.wrapT !== 1 && !isPow2(t.height)) return false;
  return true;
}

const lastBound = new WeakMap<PhysicalMemory, Map<number, readonly BoundTexture[]>>();

/** Loads the sampler blocks of the core whose local memory is at `base` for a draw's textures (once per set of textures). */
export function bindSamplers(mem: PhysicalMemory, base: number, textures: readonly BoundTexture[]): void {
  let per = lastBound.get(mem);
  if (!per) lastBound.set(mem, (per = new Map()));
  if (per.get(base) === textures) return;
  per.set(base, textures);
  const i32 = mem.i32, f64 = new Float64Array(mem.buffer);
  for (let u = 0; u < SAMPLER.units; u++) {
    const at = base + CORE_LOCAL.samplers + u * SAMPLER.bytes, w = at >> 2;
    const t = textures[u];
    if (!samplerServes(t)) { i32[w + SAMPLER.fast / 4] = 0; continue; }
    i32[w + SAMPLER.fast / 4] = 1;
    i32[w + SAMPLER.maxLevel / 4] = Math.max(1, t.levels) - 1;
    i32[w + SAMPLER.minFilter / 4] = t.minFilter; i32[w + SAMPLER.magFilter / 4] = t.magFilter; i32[w + SAMPLER.mipFilter / 4] = t.mipFilter;
    i32[w + SAMPLER.wrapS / 4] = t.wrapS; i32[w + SAMPLER.wrapT / 4] = t.wrapT;
    i32[w + SAMPLER.maxAniso / 4] = t.maxAniso;
    f64[(at + SAMPLER.width) >> 3] = t.width; f64[(at + SAMPLER.height) >> 3] = t.height;
    for (let l = 0; l < t.levels; l++) {
      const lw = (at + SAMPLER.levels + l * SAMPLER.levelBytes) >> 2;
      i32[lw] = t.win!.pa + t.levelOffsets[l]!;
      i32[lw + 1] = Math.max(1, t.width >> l); i32[lw + 2] = Math.max(1, t.height >> l);
    }
  }
}

/** byte indices of an i8x16.shuffle picking 32-bit lanes `l` (0-3 first operand, 4-7 second) */
function lanes32(l: readonly number[]): number[] {
  return l.flatMap((x) => [x * 4, x * 4 + 1, x * 4 + 2, x * 4 + 3]);
}

/** The sampler's functions in a kernel module: texQuad(blk, L, s, t) -> (r, g, b, a), rho2(blk, s, t) -> f64, lod4(a, b) -> i32x4. */
export interface SamplerFuncs { quad: number; rho2: number; lod4: number }

/** Adds the sampler's functions to module `m` (their bodies are emitted at once). */
export function addSampler(m: ModuleBuilder): SamplerFuncs {
  const quad = m.func({ params: ['i32', 'i32', 'v128', 'v128'], results: ['v128', 'v128', 'v128', 'v128'] });
  const rho2 = m.func({ params: ['i32', 'v128', 'v128'], results: ['f64'] });
  const lod4 = m.func({ params: ['v128', 'v128'], results: ['v128'] });
  emitQuad(quad.fn);
  emitRho2(rho2.fn);
  emitLod4(lod4.fn);
  return { quad: quad.index, rho2: rho2.index, lod4: lod4.index };
}

/**
 * Emits, inline, one level's sample: pushes the four pixels' filtered rgba8
 * texels (i8x16, pixel-major) of level `P_LEVEL` (a local, as are the
 * sampler block's address, the linear flag and the quad's coordinates s, t).
 */
function emitLevel(f: FunctionBuilder, P_BLK: number, P_LEVEL: number, P_LINEAR: number, P_S: number, P_T: number): void {
  const i32 = () => f.local('i32'), v = () => f.local('v128');
  const lb = i32(), pa = i32(), w = i32(), h = i32(), ws = i32(), wt = i32();
  const x0 = v(), x1 = v(), y0 = v(), y1 = v(), fx = v(), fy = v(), a = v(), T = [v(), v(), v(), v()], res = v();
  const lo = [v(), v()], hi = [v(), v()], g = v(), g2 = v();
  f.get(P_BLK).get(P_LEVEL).i32(SAMPLER.levelBytes).op('i32.mul').op('i32.add').set(lb);
  f.get(lb).op('i32.load', 2, SAMPLER.levels).set(pa);
  f.get(lb).op('i32.load', 2, SAMPLER.levels + 4).set(w);
  f.get(lb).op('i32.load', 2, SAMPLER.levels + 8).set(h);
  f.get(P_BLK).op('i32.load', 2, SAMPLER.wrapS).set(ws);
  f.get(P_BLK).op('i32.load', 2, SAMPLER.wrapT).set(wt);
  /** pushes floor(c * size * scale) for the f32x4 local c as i32x4: a float32 product, floored, saturated (NaN 0), as texture.ts texelCoord */
  const coord = (c: number, size: number, scale: number) => {
    f.get(c).get(size);
    if (scale !== 1) f.i32(Math.log2(scale)).op('i32.shl');
    f.op('f32.convert_i32_s').simd('f32x4.splat').simd('f32x4.mul').simd('f32x4.floor').simd('i32x4.trunc_sat_f32x4_s');
  };
  /** x = wrap(mode, x, size) in place, as texture.ts wrap (repeat and mirror: power-of-two sizes) */
  const wrap = (x: number, mode: number, size: number) => {
    f.get(mode).op('i32.eqz').if();
    f.get(x).get(size).i32(1).op('i32.sub').simd('i32x4.splat').simd('v128.and').set(x);
    f.op('else').get(mode).i32(1).op('i32.eq').if();
    f.get(x).v128i32(0, 0, 0, 0).simd('i32x4.max_s').get(size).i32(1).op('i32.sub').simd('i32x4.splat').simd('i32x4.min_s').set(x);
    f.op('else');
    // mirrored: m = x mod 2size; m < size ? m : 2size - 1 - m
    f.get(x).get(size).i32(1).op('i32.shl').i32(1).op('i32.sub').simd('i32x4.splat').simd('v128.and').set(x);
    f.get(x);
    f.get(size).i32(1).op('i32.shl').i32(1).op('i32.sub').simd('i32x4.splat').get(x).simd('i32x4.sub');
    f.get(x).get(size).simd('i32x4.splat').simd('i32x4.lt_s');
    f.simd('v128.bitselect').set(x);
    f.end().end();
  };
  /** pushes the texels at texel coordinates (x, y) of the four pixels: lane loads from pa + (y w + x) 4 */
  const gather = (x: number, y: number) => {
    f.get(y).get(w).simd('i32x4.splat').simd('i32x4.mul').get(x).simd('i32x4.add').i32(2).simd('i32x4.shl')
      .get(pa).simd('i32x4.splat').simd('i32x4.add').set(a);
    f.v128i32(0, 0, 0, 0);
    for (let l = 0; l < 4; l++) {
      const t = res;
      f.set(t);
      f.get(a).simd('i32x4.extract_lane', l).get(t).simd('v128.load32_lane', 0, 0, l);
    }
  };
  f.get(P_LINEAR).op('i32.eqz').if();
  {
    coord(P_S, w, 1); f.set(x0); coord(P_T, h, 1); f.set(y0);
    wrap(x0, ws, w); wrap(y0, wt, h);
    gather(x0, y0); f.set(res);
  }
  f.op('else');
  {
    // 1/256 texel, half a texel back: integer part and 8-bit weight (kept as the Q15 weight f << 7 for lerp8)
    coord(P_S, w, 256); f.v128i32(128, 128, 128, 128).simd('i32x4.sub').set(x0);
    coord(P_T, h, 256); f.v128i32(128, 128, 128, 128).simd('i32x4.sub').set(y0);
    f.get(x0).v128i32(255, 255, 255, 255).simd('v128.and').i32(7).simd('i32x4.shl').set(fx);
    f.get(y0).v128i32(255, 255, 255, 255).simd('v128.and').i32(7).simd('i32x4.shl').set(fy);
    f.get(x0).i32(8).simd('i32x4.shr_s').tee(x0).v128i32(1, 1, 1, 1).simd('i32x4.add').set(x1);
    f.get(y0).i32(8).simd('i32x4.shr_s').tee(y0).v128i32(1, 1, 1, 1).simd('i32x4.add').set(y1);
    // repeat in both directions (the common case; power-of-two levels): masks, without the per-coordinate mode tests
    f.get(ws).get(wt).op('i32.or').op('i32.eqz').if();
    {
      const mask = (x: number, size: number) => { f.get(x).get(size).i32(1).op('i32.sub').simd('i32x4.splat').simd('v128.and').set(x); };
      mask(x0, w); mask(x1, w); mask(y0, h); mask(y1, h);
    }
    f.op('else');
    wrap(x0, ws, w); wrap(x1, ws, w); wrap(y0, wt, h); wrap(y1, wt, h);
    f.end();
    // the rows' first texels: pa + y w 4
    const r0 = v(), r1 = v(), P = [v(), v()];
    f.get(y0).get(w).simd('i32x4.splat').simd('i32x4.mul').i32(2).simd('i32x4.shl').get(pa).simd('i32x4.splat').simd('i32x4.add').set(r0);
    f.get(y1).get(w).simd('i32x4.splat').simd('i32x4.mul').i32(2).simd('i32x4.shl').get(pa).simd('i32x4.splat').simd('i32x4.add').set(r1);
    // every pixel's two texels side by side in their row (x1 = x0 + 1 after the wrap: not across a wrap, clamp
    // or edge): one 8-byte load per pixel and row, texel x0 then x1, then split into the two texel vectors
    f.get(x1).get(x0).v128i32(1, 1, 1, 1).simd('i32x4.add').simd('i32x4.eq').simd('i32x4.all_true').if();
    {
      const pairs = (row: number, to0: number, to1: number) => {
        f.get(row).get(x0).i32(2).simd('i32x4.shl').simd('i32x4.add').set(a);
        for (let half = 0; half < 2; half++) {
          f.v128i32(0, 0, 0, 0);
          for (let k = 0; k < 2; k++) { f.set(res); f.get(a).simd('i32x4.extract_lane', 2 * half + k).get(res).simd('v128.load64_lane', 0, 0, k); }
          f.set(P[half]!);
        }
        f.get(P[0]!).get(P[1]!).shuffle(lanes32([0, 2, 4, 6])).set(to0);
        f.get(P[0]!).get(P[1]!).shuffle(lanes32([1, 3, 5, 7])).set(to1);
      };
      pairs(r0, T[0]!, T[1]!); pairs(r1, T[2]!, T[3]!);
    }
    f.op('else');
    {
      const texels = (row: number, x: number, to: number) => {
        f.get(row).get(x).i32(2).simd('i32x4.shl').simd('i32x4.add').set(a);
        f.v128i32(0, 0, 0, 0);
        for (let l = 0; l < 4; l++) { f.set(to); f.get(a).simd('i32x4.extract_lane', l).get(to).simd('v128.load32_lane', 0, 0, l); }
        f.set(to);
      };
      texels(r0, x0, T[0]!); texels(r0, x1, T[1]!); texels(r1, x0, T[2]!); texels(r1, x1, T[3]!);
    }
    f.end();
    // the weights per channel in 16-bit lanes: pixels 0, 1 (low) and 2, 3 (high)
    const wx = [v(), v()], wy = [v(), v()];
    for (let half = 0; half < 2; half++) {
      const b = half * 8;
      const sel = [b, b + 1, b, b + 1, b, b + 1, b, b + 1, b + 4, b + 5, b + 4, b + 5, b + 4, b + 5, b + 4, b + 5];
      f.get(fx).get(fx).shuffle(sel).set(wx[half]!);
      f.get(fy).get(fy).shuffle(sel).set(wy[half]!);
    }
    for (let half = 0; half < 2; half++) {
      const ext = half ? 'i16x8.extend_high_i8x16_u' : 'i16x8.extend_low_i8x16_u';
      // across x, in both rows, then across y
      f.get(T[0]!).simd(ext).get(T[1]!).simd(ext); lerp8(f, wx[half]!, g, g2); f.set(lo[half]!);
      f.get(T[2]!).simd(ext).get(T[3]!).simd(ext); lerp8(f, wx[half]!, g, g2); f.set(hi[half]!);
      f.get(lo[half]!).get(hi[half]!); lerp8(f, wy[half]!, g, g2); f.set(lo[half]!);
    }
    f.get(lo[0]!).get(lo[1]!).simd('i8x16.narrow_i16x8_u').set(res);
  }
  f.end();
  f.get(res);
}

/**
 * lerp8 in 16-bit lanes for a, b on the stack and the Q15 weights w << 7 in local `w` (ga, gb: scratch):
 * a + q15mulr(b - a, w << 7) = a + (((b - a) w 2^7 + 2^14) >> 15) = a + (((b - a) w + 128) >> 8), which is
 * (a (256 - w) + b w + 128) >> 8 (texture.ts lerp8: 256 a is a multiple of 256, so it leaves the floor);
 * |b - a| <= 255 and w << 7 <= 32640 never saturate.
 */
function lerp8(f: FunctionBuilder, w: number, ga: number, gb: number): void {
  f.set(gb).tee(ga).get(gb).get(ga).simd('i16x8.sub').get(w).simd('i16x8.q15mulr_sat_s').simd('i16x8.add');
}

/** texQuad(blk, s, t) -> r, g, b, a (f32x4 each) of one quad, implicit LOD */
/** rho2(blk, s, t) -> the quad's rho^2 (f64): the larger squared length of its texel-space derivatives, as texture.ts lodFromDerivs */
function emitRho2(f: FunctionBuilder): void {
  const P_BLK = 0, P_S = 1, P_T = 2;
  const R = f.local('v128'), g = f.local('v128');
  // derivatives across the quad in double: [ds/dx, ds/dy] (lane 1 - lane 0, lane 2 - lane 0), scaled by the level-0 size
  const deriv = (c: number, sizeAt: number) => {
    f.get(c).get(c).shuffle(lanes32([1, 2, 1, 2])).simd('f64x2.promote_low_f32x4');
    f.get(c).get(c).shuffle(lanes32([0, 0, 0, 0])).simd('f64x2.promote_low_f32x4').simd('f64x2.sub');
    f.get(P_BLK).simd('v128.load64_splat', 3, sizeAt).simd('f64x2.mul');
  };
  deriv(P_S, SAMPLER.width); f.set(R);
  f.get(R).get(R).simd('f64x2.mul');
  deriv(P_T, SAMPLER.height); f.set(g);
  f.get(g).get(g).simd('f64x2.mul').simd('f64x2.add').set(R);
  f.get(R).simd('f64x2.extract_lane', 0).get(R).simd('f64x2.extract_lane', 1).op('f64.max');
}

/**
 * lod4(a, b) -> i32x4: lodFixed of the four quads' rho^2 (f64x2 a: quads 0, 1;
 * b: quads 2, 3) — the double's exponent, then seven squarings of the
 * mantissa, both pairs side by side (the squarings are a chain of dependent
 * multiplies: four quads share its latency).
 */
function emitLod4(f: FunctionBuilder): void {
  const X = [0, 1];
  const v = () => f.local('v128');
  const m = [v(), v()], frac = [v(), v()], b = [v(), v()], L = [v(), v()];
  for (const h of X) {
    f.get(X[h]!).v128i32(-1, 0xfffff, -1, 0xfffff).simd('v128.and').v128i32(0, 0x3ff00000, 0, 0x3ff00000).simd('v128.or').set(m[h]!);
    f.v128i32(0, 0, 0, 0).set(frac[h]!);
  }
  for (let i = 0; i < 7; i++) {
    for (const h of X) {
      f.get(m[h]!).get(m[h]!).simd('f64x2.mul').tee(m[h]!).f64(2).simd('f64x2.splat').simd('f64x2.ge').set(b[h]!);
      f.get(m[h]!).f64(0.5).simd('f64x2.splat').simd('f64x2.mul').get(m[h]!).get(b[h]!).simd('v128.bitselect').set(m[h]!);
      f.get(frac[h]!).i32(1).simd('i32x4.shl').get(b[h]!).v128i32(1, 1, 1, 1).simd('v128.and').simd('v128.or').set(frac[h]!);
    }
  }
  for (const h of X) {
    // (exponent - 1023) * 128 + frac in the high word of each double; LOD_MIN below 2^-64 (and NaN), LOD_MAX from 2^64
    f.get(X[h]!).i32(20).simd('i32x4.shr_u').v128i32(1023, 1023, 1023, 1023).simd('i32x4.sub').i32(7).simd('i32x4.shl').get(frac[h]!).simd('i32x4.add');
    f.v128i32(LOD_MIN, LOD_MIN, LOD_MIN, LOD_MIN).get(X[h]!).f64(2 ** -64).simd('f64x2.splat').simd('f64x2.ge').simd('v128.bitselect');
    f.v128i32(LOD_MAX, LOD_MAX, LOD_MAX, LOD_MAX).get(X[h]!).f64(2 ** 64).simd('f64x2.splat').simd('f64x2.ge').simd('v128.not').simd('v128.bitselect').set(L[h]!);
  }
  f.get(L[0]!).get(L[1]!).shuffle(lanes32([1, 3, 5, 7]));
}

/** texQuad(blk, L, s, t) -> r, g, b, a (f32x4 each) of one quad at level of detail L */
function emitQuad(f: FunctionBuilder): void {
  const P_BLK = 0, P_L = 1, P_S = 2, P_T = 3;
  const i32 = () => f.local('i32'), v = () => f.local('v128');
  const L = P_L, mip = i32(), maxLevel = i32(), d1 = i32(), d2 = i32(), fr = i32(), lin = i32();
  const R = v(), c1 = v(), wl = v(), g = v(), g2 = v(), lo = v();
  // the level(s) and filter, as texture.ts sample
  f.get(P_BLK).op('i32.load', 2, SAMPLER.mipFilter).set(mip);
  f.get(P_BLK).op('i32.load', 2, SAMPLER.maxLevel).set(maxLevel);
  f.i32(0).set(d1).i32(0).set(d2).i32(0).set(fr);
  f.get(L).i32(0).op('i32.le_s').get(mip).op('i32.eqz').op('i32.or').if();
  f.get(P_BLK).op('i32.load', 2, SAMPLER.magFilter).get(P_BLK).op('i32.load', 2, SAMPLER.minFilter).get(L).i32(0).op('i32.le_s').op('select').set(lin);
  f.op('else');
  f.get(P_BLK).op('i32.load', 2, SAMPLER.minFilter).set(lin);
  const minMax = (x: number) => { f.get(x).get(maxLevel).get(x).get(maxLevel).op('i32.lt_s').op('select').set(x); };
  f.get(mip).i32(1).op('i32.eq').if();
  f.get(L).i32(127).op('i32.add').i32(8).op('i32.shr_s').set(d1); minMax(d1);
  f.op('else');
  f.get(L).i32(8).op('i32.shr_s').set(d1); minMax(d1);
  f.get(d1).i32(1).op('i32.add').set(d2); minMax(d2);
  f.get(L).i32(255).op('i32.and').set(fr);
  f.end().end();
  // each level's code inline (a call would spill every live vector around it)
  emitLevel(f, P_BLK, d1, lin, P_S, P_T); f.set(c1);
  f.get(d1).get(d2).op('i32.ne').get(fr).i32(0).op('i32.ne').op('i32.and').if();
  {
    emitLevel(f, P_BLK, d2, lin, P_S, P_T); f.set(R);
    for (let half = 0; half < 2; half++) {
      const ext = half ? 'i16x8.extend_high_i8x16_u' : 'i16x8.extend_low_i8x16_u';
      if (!half) f.get(fr).i32(7).op('i32.shl').simd('i16x8.splat').set(wl);
      f.get(c1).simd(ext).get(R).simd(ext); lerp8(f, wl, g, g2);
      if (!half) f.set(lo);
    }
    f.set(g); f.get(lo).get(g).simd('i8x16.narrow_i16x8_u').set(c1);
  }
  f.end();
  // channel c of the four pixels: byte c of each, as float32 k / 255
  for (let c = 0; c < 4; c++) {
    f.get(c1);
    if (c) f.i32(8 * c).simd('i32x4.shr_u');
    if (c < 3) f.v128i32(255, 255, 255, 255).simd('v128.and');
    f.simd('f32x4.convert_i32x4_s').f32(255).simd('f32x4.splat').simd('f32x4.div');
  }
}

/**
 * Emits a texture instruction of a fused kernel's program: implicit-LOD 2D
 * sampling runs the in-kernel sampler when the draw's sampler block says it
 * serves the texture (`ioCall` emits the I/O-unit path for the rest).
 * Returns false for the forms it leaves to the I/O unit altogether.
 */
export function emitFusedTex(f: FunctionBuilder, fns: SamplerFuncs, i: DecodedOp, ops: {
  base: number; alive: number; regCount: number;
  getReg(r: number, k: number): void; setReg(r: number, k: number): void; ioCall(): void;
}): boolean {
  if (i.dim !== 0 || i.shadow || i.offset || i.int || i.cond !== 0 || i.sampler >= SAMPLER.units) return false;
  const blk = CORE_LOCAL.samplers + i.sampler * SAMPLER.bytes, a = i.a & 255;
  const out = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const r2 = [f.local('f64'), f.local('f64'), f.local('f64'), f.local('f64')], lods = f.local('v128');
  f.get(ops.base).op('i32.load', 2, blk + SAMPLER.fast).if();
  // the four quads' LODs together (a dead quad's is computed and unused)
  for (let k = 0; k < 4; k++) { f.get(ops.base).i32(blk).op('i32.add'); ops.getReg(a, k); ops.getReg(a + 1, k); f.op('call', fns.rho2).set(r2[k]!); }
  f.get(r2[0]!).simd('f64x2.splat').get(r2[1]!).simd('f64x2.replace_lane', 1);
  f.get(r2[2]!).simd('f64x2.splat').get(r2[3]!).simd('f64x2.replace_lane', 1);
  f.op('call', fns.lod4).set(lods);
  for (let k = 0; k < 4; k++) {
    // a quad without live lanes is not sampled (nor written)
    f.get(ops.alive).i32(4 * k).op('i32.shr_u').i32(15).op('i32.and').if();
    f.get(ops.base).i32(blk).op('i32.add');
    f.get(lods).simd('i32x4.extract_lane', k);
    ops.getReg(a, k); ops.getReg(a + 1, k);
    f.op('call', fns.quad);
    for (let c = 3; c >= 0; c--) f.set(out[c]!);
    for (let c = 0; c < 4; c++) if (i.dst + c < ops.regCount) { f.get(out[c]!); ops.setReg(i.dst + c, k); }
    f.end();
  }
  f.op('else');
  ops.ioCall();
  f.end();
  return true;
}
