/**
 * Fused fragment kernels: a fragment program fused with the fixed-function
 * work of its draw state into one WebAssembly function per variant, as
 * llvmpipe builds shader variants. For a triangle, the kernel sets up the
 * float32 planes of interp.ts, walks the tile's quads in 8x8 blocks (a
 * block rejected or accepted whole from its corners, else edge functions
 * at pixel centres, the top-left rule, scissor), stages the covered quads,
 * then — in one call for all of them — takes them four to a 16-lane warp,
 * evaluates the planes at them (w, perspective weights, z),
 * runs the translated program inline (its varyings and special registers
 * computed in place, its outputs kept in locals — no I/O-unit call for
 * them), then does the depth test and write, blend (equations and factors
 * specialised from the STATE descriptor), quantisation to the
 * render-target format and the colour mask in SIMD, in the core's tile
 * memory (hwdesc/corelocal.ts).
 * On a 4x multisampled pass the program still runs once per pixel;
 * coverage is tested at the four sample positions and the depth test, blend
 * and write happen per covered sample, in that sample's plane of the tile
 * memory (emitRaster, writeQuad), as the generic pipeline does them.
 *
 * The arithmetic is the generic pipeline's (fragment.ts, interp.ts),
 * operation for operation: coverage and the plane setup in float64, the
 * planes, varyings and blend in float32, depth quantisation in float64, so
 * the tiles are bit-identical (NaN payloads aside, which are not
 * architectural). Warps are the generic path's warps (the same quads in
 * the same order, four to a warp), so the instruction counts, the
 * watchdog's budget and the virtual clock are too.
 * Implicit-LOD sampling of rgba8 2D textures runs in the kernel
 * (sampler-wasm.ts); other texture forms, global memory and the math
 * built-ins stay calls to the core's I/O unit, so a fault there carries its
 * address out of the kernel unchanged.
 *
 * What is not fused runs on the generic path: points and lines, stencil
 * testing on a d24s8 target, and programs that index their registers
 * (ld_r/st_r) or read point coordinates.
 *
 * A kernel depends on the program's bytes and the state it was fused with:
 * it is cached per decoded program (which the shader cores' code cache
 * keeps by the code's bytes, across jobs) and per state key.
 */
import { CORE_LOCAL } from '../hwdesc/corelocal.js';
import { WORK_COST_NS } from '../hwdesc/timing.js';
import { OPS, OUT_DEPTH, SRC_KIND_SPECIAL, VARY_FIRST_USER } from '../hwdesc/isa.js';
import { COLOR_FORMAT, MSAA_SAMPLE_POSITIONS, TILE_SIZE, ZS_FORMAT } from '../hwdesc/descriptors.js';
import type { StructValues } from '../hwdesc/struct.js';
import { ModuleBuilder, type FunctionBuilder } from './wasm/emitter.js';
import type { SimdOp } from './wasm/opcodes.js';
import { CORE_IMPORTS, Translator, coreOf, importCore, quadSeparable, type CoreIo } from './shader-wasm.js';
import type { DecodedOp, ShaderIO } from './shader-core.js';
import type { PhysicalMemory } from './memory.js';
import type { Lease, Watchdog } from './watchdog.js';
import { COLOR_FORMAT_LAYOUT, COLOR_TILE_LAYOUT, isNormalized } from '../hwdesc/formats.js';
import { addSampler, emitFusedTex, type SamplerFuncs } from './sampler-wasm.js';
import { emitWalk } from './fused-walk.js';
import { BLOCK, FRAGMENT_QUANT, PLANE, QUANT_FLOAT, QUANT_ONE, QUANT_ZERO, SUB } from './interp.js';

/** The draw state a kernel is specialised for (resolved from STATE and FRAMEBUFFER). */
export interface FusedState {
  format: number;
  zsFormat: number;
  depthTest: boolean;
  depthWrite: boolean;
  depthFunc: number;
  blend: boolean;
  eqRgb: number; eqA: number;
  srcRgb: number; dstRgb: number; srcA: number; dstA: number;
  colorMask: number;
  /** DRAW occlusion: add the samples that pass the depth test to the setup block's sample counter */
  occlusion: boolean;
  /**
   * FRAMEBUFFER sample_count: 1, or 4 (MSAA_SAMPLE_POSITIONS) — coverage per sample, and the depth
   * test, blend and write per covered sample into its plane of the tile memory; the program runs once per pixel
   */
  samples: number;
}

export function fusedState(st: StructValues, format: number, zsFormat: number, occlusion = false, samples = 1): FusedState {
  const blend = !!st.blend;
  return {
    format, zsFormat, occlusion, samples: samples > 1 ? 4 : 1,
    depthTest: !!zsFormat && !!st.depth_test, depthWrite: !!st.depth_write, depthFunc: st.depth_func!,
    blend,
    // factors and equations only matter when blending (one key for every disabled-blend state)
    eqRgb: blend ? st.blend_eq_rgb! : 0, eqA: blend ? st.blend_eq_a! : 0,
    srcRgb: blend ? st.blend_src_rgb! : 0, dstRgb: blend ? st.blend_dst_rgb! : 0,
    srcA: blend ? st.blend_src_a! : 0, dstA: blend ? st.blend_dst_a! : 0,
    // draw buffer 0 set to NONE (STATE rt_disable bit 0) writes no channel
    colorMask: st.rt_disable! & 1 ? 0 : st.color_mask!,
  };
}

function stateKey(s: FusedState): string {
  return [s.format, s.zsFormat, +s.depthTest, +(s.depthTest && s.depthWrite), s.depthTest ? s.depthFunc : 0, +s.blend,
    s.eqRgb, s.eqA, s.srcRgb, s.dstRgb, s.srcA, s.dstA, s.colorMask, +s.occlusion, s.samples].join(',');
}

/** Whether a program can run inside a fused kernel (else the draw takes the generic path). */
export function fusable(code: readonly DecodedOp[]): boolean {
  for (const i of code) {
    const d = OPS[i.op];
    if (!d) return false;
    // register-indexed access, and flat inputs (the setup block holds varyings as doubles, not the provoking vertex's bits)
    if (d.name === 'ld_r' || d.name === 'st_r' || d.name === 'ld_vary_flat') return false;
    const srcs = d.form === 'alu' ? [i.a, i.b, i.c].slice(0, d.srcs ?? 0) : d.form === 'cf' || d.form === 'out' || d.name === 'st_vary' ? [i.a]
      : d.form === 'tex' ? [i.b] : d.form === 'ind' ? [i.a, i.b] : d.form === 'mem' ? [i.b] : [];
    // point_x / point_y: only points have them
    for (const c of srcs) if (c >> 8 === SRC_KIND_SPECIAL && ((c & 255) === 8 || (c & 255) === 9)) return false;
  }
  return true;
}

// ---- the primitive setup block (CORE_LOCAL.fusedPrim), written by the pipeline per triangle ----
/** byte offsets in the setup block; f64 unless marked */
export const PRIM = {
  /** edge j at edge + 32j: a, py, b, px with E(x, y) = a (y - py) - b (x - px), in 1/256 pixels */
  edge: 0,
  area: 96, zOffset: 104,
  /** per vertex: 1/w, z */
  invW: 112, z: 136,
  blendConst: 160,
  // i32
  rx0: 192, ry0: 196, rx1: 200, ry1: 204, x0: 208, y0: 212,
  /** i32 per edge: the top-left rule admits E = 0 */
  topLeft: 216,
  /** i32: 1 when vertex 1 is the triangle's b (else vertices 1 and 2 are swapped) */
  ibIsOne: 228,
  nvary: 232,
  /** f32 bits of gl_FrontFacing */
  front: 236,
  /** i32: fragments written; f64: instructions of this call */
  fragments: 244, instructions: 248,
  /**
   * The draw a tile-list walk takes (fused-walk.ts), written per call: its VA (i32 words), the tile's
   * rectangle under its scissor (i32), whether it has a polygon offset (i32) with its factor and its
   * units scaled to the depth format (f64); and the triangles the walk took (i32, counted by the kernel)
   */
  walkDrawLo: 256, walkDrawHi: 260, walkRx0: 264, walkRy0: 268, walkRx1: 272, walkRy1: 276,
  walkPolygonOffset: 280, walkTriangles: 284, walkOffsetFactor: 288, walkOffsetUnits: 296,
  /** i32: what the walk's first pass read of its records (kept, so the loads that bring them in stay) */
  walkTouched: 304,
  /** i32: samples that passed the depth test (kernels fused with DRAW occlusion count them; the pipeline zeroes and reads it) */
  samples: 308,
  /**
   * The watchdog's lease (watchdog.ts lease()): f64 the work (ns) the kernel accounted itself since it last
   * called back, the lease, the time left when it was given (virtual clock); i32 the warp budget on the
   * host clock (0: virtual), the running warp's instructions an extension already charged
   */
  wdUsed: 312, wdLease: 320, wdLeft: 328, wdSlice: 336, wdCharged: 340,
  // written by the kernel itself from the values above, once per call, each float32 splatted to a v128 (the
  // shading step loads a vector where a load-and-splat costs V8 an address computation too):
  /** the planes of interp.ts (PLANE order: W, B1, B2, Z, each c, a, b) */
  planes: 384,
  /** the blend constant (R, G, B, A) and the polygon offset */
  blend32: 576, zOffset32: 640,
  /** varying i of vertex v at vary + (3i + v) * 8 (f64) */
  vary: 672,
} as const;
const MAX_VARY = Math.floor((CORE_LOCAL.fusedQuads - CORE_LOCAL.fusedPrim - PRIM.vary) / 72);
/** written by the kernel (f32x4 splats): varying i's vertex-0 value and its differences to vertices 1 and 2 at vary32 + 48i */
const VARY32 = PRIM.vary + 24 * MAX_VARY;

// ---- per-quad staging of the triangle's covered quads (CORE_LOCAL.fusedQuads) ----
const Q = {
  x: 0, y: 16,       // i32x4 pixel coordinates
  /** i32x4, multisampled passes: each pixel's covered samples (bit j: sample j of MSAA_SAMPLE_POSITIONS) */
  cov: 32,
  /** i32: the quad's covered pixels (bit p: pixel p, any sample) */
  live: 48,
  bytes: 64,
} as const;
/** the quads a triangle can cover in a tile: every one of them is staged before the first warp is shaded */
const STAGED_QUADS = (TILE_SIZE / 2) ** 2;
if (CORE_LOCAL.fusedQuads + STAGED_QUADS * Q.bytes > CORE_LOCAL.samplers) throw new Error('a fused kernel\'s staging overlaps the sampler blocks');

/**
 * The 4x sample positions in 1/SUB pixel units from the pixel's corner (exact on the sub-pixel grid:
 * fragment.ts checks it), and as float32 offsets from the pixel centre (each sample's depth).
 */
const MS_SUB_X = MSAA_SAMPLE_POSITIONS.map(([x]) => x * SUB), MS_SUB_Y = MSAA_SAMPLE_POSITIONS.map(([, y]) => y * SUB);
const MS_DX = MSAA_SAMPLE_POSITIONS.map(([x]) => x - 0.5), MS_DY = MSAA_SAMPLE_POSITIONS.map(([, y]) => y - 0.5);
/**
 * Where a pass's coverage is tested inside a pixel, in 1/SUB pixel units from its corner: the least and
 * greatest x and y (the pixel centre, or the extremes of the sample positions). A block or rectangle is
 * rejected or accepted by the box these span over its pixels (edge functions are linear).
 */
export function coverageSpan(samples: number): { x0: number; x1: number; y0: number; y1: number } {
  return samples > 1 ? { x0: Math.min(...MS_SUB_X), x1: Math.max(...MS_SUB_X), y0: Math.min(...MS_SUB_Y), y1: Math.max(...MS_SUB_Y) }
    : { x0: SUB / 2, x1: SUB / 2, y0: SUB / 2, y1: SUB / 2 };
}

/** Sample j's plane of the core's tile memory: render target 0's colour and the depth (byte offsets in the core's local memory). */
function planeColor(j: number): number { return j ? CORE_LOCAL.tileSamples + (j - 1) * CORE_LOCAL.tileSamplePlane : CORE_LOCAL.tileColor; }
function planeDepth(j: number): number { return j ? CORE_LOCAL.tileSamples + (j - 1) * CORE_LOCAL.tileSamplePlane + CORE_LOCAL.tileSampleDepth : CORE_LOCAL.tileDepth; }

const F64_ZERO = [0, 0, 0, 0] as const;
const F32_ONE = 0x3f800000;
/** 2^23, and its float32 bits: for a whole float32 x in [0, 2^23), x + 2^23 is exact and its bits are MAGIC_BITS + x */
const MAGIC = 8388608, MAGIC_BITS = 0x4b000000;

/** byte indices of an i8x16.shuffle picking 32-bit lanes `l` (0-3 first operand, 4-7 second) */
function lanes32(l: readonly number[]): number[] {
  return l.flatMap((x) => [x * 4, x * 4 + 1, x * 4 + 2, x * 4 + 3]);
}

/** Builds the kernel module: `raster(base, uniLen)` rasterises the triangle set up at base + fusedPrim into the tile. */
export function buildFused(code: readonly DecodedOp[], regCount: number, s: FusedState): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  importCore(m);
  const WARP_IMPORT = m.importFunc('core', 'fusedWarp', { params: [], results: ['i32'] });
  if (WARP_IMPORT !== CORE_IMPORTS) throw new Error('fused kernel imports out of order');
  // shade(base, nq, uniLen): shades and writes the nq staged quads, four to a warp
  const shade = m.func({ params: ['i32', 'i32', 'i32'], results: [] });
  const raster = m.func({ params: ['i32', 'i32'], results: [] }, 'raster');
  // walk(base, uniLen, list, n, heap, lim) -> records taken: a run of a tile's list, set up and rasterised here
  const walk = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: ['i32'] }, 'walk');
  const sampler = addSampler(m);
  const need = needsOf(code, s);
  const quads = quadSeparable(code);
  // multisampled: a quad's per-sample operations are a function of their own, called per quad (inline, four samples
  // per quad times four quads would make the shading function four times its single-sampled size)
  const ops = s.samples > 1 ? m.func({ params: ['i32', 'i32', 'i32', 'i32', 'v128', 'v128', 'v128', 'v128', 'v128', 'v128'], results: [] }) : null;
  if (ops) emitQuadOps(ops.fn, s, quads ? zWrittenOf(code) : undefined);
  const opsIndex = ops?.index ?? -1;
  if (quads) { emitShadeQuads(shade.fn, code, regCount, s, WARP_IMPORT, need, opsIndex); fusedCounters.quadKernels++; }
  else emitShade(shade.fn, code, regCount, s, WARP_IMPORT, sampler, need, opsIndex);
  emitRaster(raster.fn, shade.index, need, s.samples);
  emitWalk(walk.fn, raster.index, coverageSpan(s.samples));
  return m.encode();
}

function splat64(f: FunctionBuilder, v: number): void { f.f64(v).simd('f64x2.splat'); }
function zero(f: FunctionBuilder): void { f.v128i32(...F64_ZERO); }
function splat32(f: FunctionBuilder, v: number): void { const b = f32bits(v); f.v128i32(b, b, b, b); }
/** pushes lanes 0,1 (h = 0) or 2,3 (h = 1) of the f32x4 in local x as f64x2 */
function half(f: FunctionBuilder, x: number, h: number): void {
  f.get(x);
  if (h) f.get(x).shuffle(lanes32([2, 3, 0, 1]));
  f.simd('f64x2.promote_low_f32x4');
}

/** What a kernel's shading step reads of the planes: the rest is not computed (it would never be read). */
interface Needs { persp: boolean; z: boolean; fragW: boolean; vary: boolean }

function needsOf(code: readonly DecodedOp[], s: FusedState): Needs {
  let vary = false, z = false, w = false;
  for (const i of code) {
    const d = OPS[i.op];
    if (!d) continue;
    if (d.name === 'ld_vary') vary = true;
    const srcs = d.form === 'alu' ? [i.a, i.b, i.c].slice(0, d.srcs ?? 0) : d.form === 'cf' || d.form === 'out' || d.name === 'st_vary' ? [i.a]
      : d.form === 'tex' ? [i.b] : d.form === 'ind' ? [i.a, i.b] : d.form === 'mem' ? [i.b] : [];
    if (d.name === 'fsel') srcs.push(i.a);
    for (const c of srcs) if (c >> 8 === SRC_KIND_SPECIAL) { if ((c & 255) === 5) z = true; if ((c & 255) === 6) w = true; }
  }
  return { persp: vary, vary, z: z || s.depthTest, fragW: w };
}

/**
 * The kernel's own setup, once per call (interp.ts planeSetup, operation for
 * operation in double): the four planes from the snapped vertices (the edge
 * block holds a, b, c; vertex 0 is a, vertex 1 is b unless swapped), the
 * varyings' float32 differences, the blend constant and polygon offset as
 * float32.
 */
function emitSetup(f: FunctionBuilder, need: Needs): void {
  const P_BASE = 0;
  const pr = CORE_LOCAL.fusedPrim;
  const d = () => f.local('f64');
  const X = [d(), d(), d()], Y = [d(), d(), d()];
  const dx1 = d(), dy1 = d(), dx2 = d(), dy2 = d(), det = d(), r = d(), l1x = d(), l1y = d(), l2x = d(), l2y = d(), ox = d(), oy = d(), l1o = d(), l2o = d();
  const g1 = d(), g2 = d(), f0 = d();
  const i = f.local('i32'), n = f.local('i32'), a = f.local('i32');
  const ld = (off: number) => f.get(P_BASE).op('f64.load', 3, pr + off);
  const planes = need.persp || need.fragW || need.z;
  if (planes) {
    // a = edge 2's (px, py), b = edge 0's, c = edge 1's
    ld(PRIM.edge + 64 + 24).set(X[0]!); ld(PRIM.edge + 64 + 8).set(Y[0]!);
    const ib1 = () => f.get(P_BASE).op('i32.load', 2, pr + PRIM.ibIsOne);
    ld(PRIM.edge + 24); ld(PRIM.edge + 32 + 24); ib1(); f.op('select').set(X[1]!);
    ld(PRIM.edge + 8); ld(PRIM.edge + 32 + 8); ib1(); f.op('select').set(Y[1]!);
    ld(PRIM.edge + 32 + 24); ld(PRIM.edge + 24); ib1(); f.op('select').set(X[2]!);
    ld(PRIM.edge + 32 + 8); ld(PRIM.edge + 8); ib1(); f.op('select').set(Y[2]!);
    f.get(X[1]!).get(X[0]!).op('f64.sub').set(dx1); f.get(Y[1]!).get(Y[0]!).op('f64.sub').set(dy1);
    f.get(X[2]!).get(X[0]!).op('f64.sub').set(dx2); f.get(Y[2]!).get(Y[0]!).op('f64.sub').set(dy2);
    f.get(dx1).get(dy2).op('f64.mul').get(dx2).get(dy1).op('f64.mul').op('f64.sub').set(det);
    f.f64(SUB).get(det).op('f64.div').set(r);
    f.get(dy2).get(r).op('f64.mul').set(l1x);
    f.get(dx2).op('f64.neg').get(r).op('f64.mul').set(l1y);
    f.get(dy1).op('f64.neg').get(r).op('f64.mul').set(l2x);
    f.get(dx1).get(r).op('f64.mul').set(l2y);
    f.get(P_BASE).op('i32.load', 2, pr + PRIM.x0).op('f64.convert_i32_s').f64(SUB).op('f64.mul').f64(SUB / 2).op('f64.add').get(X[0]!).op('f64.sub').set(ox);
    f.get(P_BASE).op('i32.load', 2, pr + PRIM.y0).op('f64.convert_i32_s').f64(SUB).op('f64.mul').f64(SUB / 2).op('f64.add').get(Y[0]!).op('f64.sub').set(oy);
    f.get(ox).get(dy2).op('f64.mul').get(oy).get(dx2).op('f64.mul').op('f64.sub').get(det).op('f64.div').set(l1o);
    f.get(oy).get(dx1).op('f64.mul').get(ox).get(dy1).op('f64.mul').op('f64.sub').get(det).op('f64.div').set(l2o);
    // plane p of the values pushed by v(0), v(1), v(2)
    const plane = (p: number, v: (k: number) => void) => {
      v(0); f.set(f0);
      v(1); f.get(f0).op('f64.sub').set(g1);
      v(2); f.get(f0).op('f64.sub').set(g2);
      const st = (j: number, push: () => void) => { f.get(P_BASE); push(); f.op('f32.demote_f64').simd('f32x4.splat').simd('v128.store', 4, pr + PRIM.planes + (p + j) * 16); };
      st(0, () => f.get(f0).get(g1).get(l1o).op('f64.mul').get(g2).get(l2o).op('f64.mul').op('f64.add').op('f64.add'));
      st(1, () => f.get(g1).get(l1x).op('f64.mul').get(g2).get(l2x).op('f64.mul').op('f64.add'));
      st(2, () => f.get(g1).get(l1y).op('f64.mul').get(g2).get(l2y).op('f64.mul').op('f64.add'));
    };
    const vert = (off: number) => (k: number) => { ld(off + k * 8); };
    plane(PLANE.W, vert(PRIM.invW));
    plane(PLANE.B1, (k) => { if (k === 1) ld(PRIM.invW + 8); else f.f64(0); });
    plane(PLANE.B2, (k) => { if (k === 2) ld(PRIM.invW + 16); else f.f64(0); });
    plane(PLANE.Z, vert(PRIM.z));
  }
  if (need.vary) {
    // v0, v1 - v0, v2 - v0 in float32 for each varying the triangle has
    f.get(P_BASE).op('i32.load', 2, pr + PRIM.nvary).set(n);
    f.get(n).i32(MAX_VARY).get(n).i32(MAX_VARY).op('i32.lt_u').op('select').set(n);
    f.i32(0).set(i);
    f.block().loop();
    f.get(i).get(n).op('i32.ge_u').op('br_if', 1);
    f.get(P_BASE).get(i).i32(24).op('i32.mul').op('i32.add').set(a);
    const v = (k: number) => f.get(a).op('f64.load', 3, pr + PRIM.vary + k * 8).op('f32.demote_f64');
    f.get(P_BASE).get(i).i32(48).op('i32.mul').op('i32.add');
    f.get(P_BASE).get(i).i32(48).op('i32.mul').op('i32.add');
    f.get(P_BASE).get(i).i32(48).op('i32.mul').op('i32.add');
    v(0); f.simd('f32x4.splat').simd('v128.store', 4, pr + VARY32);
    v(1); v(0); f.op('f32.sub').simd('f32x4.splat').simd('v128.store', 4, pr + VARY32 + 16);
    v(2); v(0); f.op('f32.sub').simd('f32x4.splat').simd('v128.store', 4, pr + VARY32 + 32);
    f.get(i).i32(1).op('i32.add').set(i);
    f.op('br', 0);
    f.end().end();
  }
  for (let c = 0; c < 4; c++) {
    f.get(P_BASE).get(P_BASE).op('f64.load', 3, pr + PRIM.blendConst + c * 8).op('f32.demote_f64').simd('f32x4.splat').simd('v128.store', 4, pr + PRIM.blend32 + c * 16);
  }
  f.get(P_BASE).get(P_BASE).op('f64.load', 3, pr + PRIM.zOffset).op('f32.demote_f64').simd('f32x4.splat').simd('v128.store', 4, pr + PRIM.zOffset32);
}

/**
 * The quad walk: 8x8-pixel blocks of the rectangle, row by row (interp.ts
 * BLOCK), each classified by its four corner pixel centres — rejected when
 * an edge excludes them all, accepted whole when every edge includes them
 * all and the block lies inside the rectangle (edge functions are linear and
 * exact here: integers of at most 2^50) — then its quads row by row, each
 * tested pixel by pixel unless the block was accepted. Covered quads are
 * staged (Q) and shaded four to a warp by one call of `shade` at the end.
 *
 * Multisampled (`samples` 4): the block's corners are those of the box its
 * pixels' sample positions span (coverageSpan), each pixel of a partial block
 * is tested at its four sample positions (the same edge functions and
 * top-left rule, fragment.ts), and a quad is gathered when a sample of one of
 * its pixels is covered; its pixels' sample masks are staged with it (Q.cov).
 */
function emitRaster(f: FunctionBuilder, shadeIndex: number, need: Needs, samples: number): void {
  const ms = samples > 1, span = coverageSpan(samples);
  const P_BASE = 0, P_UNI = 1;
  const i32 = () => f.local('i32'), v = () => f.local('v128');
  const rx0 = i32(), ry0 = i32(), rx1 = i32(), ry1 = i32();
  const qx = i32(), qy = i32(), nq = i32(), any = i32(), qa = i32(), ym = i32(), xm = i32();
  const bx = i32(), by = i32(), cls = i32(), ybIn = i32(), qxEnd = i32(), qyEnd = i32(), exact = i32();
  const A = [v(), v(), v()], PY = [v(), v(), v()], B = [v(), v(), v()], PX = [v(), v(), v()];
  const TL = [v(), v(), v()], TYL = [v(), v(), v()], TYH = [v(), v(), v()], TYB = [v(), v(), v()];
  const EL = [v(), v(), v()], EH = [v(), v(), v()];
  const syl = v(), syh = v(), sx = v(), t = v(), d1 = v(), d2 = v();
  // multisampled: each sample's row halves of the edge functions (TYLS[j][e]), the quad's sample masks, the rectangle's pixels
  const TYLS = ms ? [0, 1, 2, 3].map(() => [v(), v(), v()]) : [], TYHS = ms ? [0, 1, 2, 3].map(() => [v(), v(), v()]) : [];
  const cov = v(), rect = i32();
  const pr = CORE_LOCAL.fusedPrim;
  emitSetup(f, need);
  const ld64 = (off: number, to: number) => f.get(P_BASE).simd('v128.load64_splat', 3, pr + off).set(to);
  const ldi = (off: number, to: number) => f.get(P_BASE).op('i32.load', 2, pr + off).set(to);
  for (let j = 0; j < 3; j++) {
    ld64(PRIM.edge + j * 32, A[j]!); ld64(PRIM.edge + j * 32 + 8, PY[j]!);
    ld64(PRIM.edge + j * 32 + 16, B[j]!); ld64(PRIM.edge + j * 32 + 24, PX[j]!);
    // the top-left rule as a bias: E is integer-valued (products and differences of whole sub-pixel units, exact or
    // rounded to a double at or above 2^53, which is whole too), so E > 0 || (E == 0 && top-left) is E > -0.5 or E > 0
    f.f64(-0.5).simd('f64x2.splat'); zero(f);
    f.get(P_BASE).op('i32.load', 2, pr + PRIM.topLeft + j * 4).simd('i32x4.splat').v128i32(0, 0, 0, 0).simd('i32x4.ne').simd('v128.bitselect').set(TL[j]!);
  }
  // block classification only while every edge function is exact: vertices (the edges' px, py) within 2^24 sub-pixel units
  f.i32(1).set(exact);
  for (let j = 0; j < 3; j++) {
    for (const off of [8, 24]) {
      f.get(P_BASE).op('f64.load', 3, pr + PRIM.edge + j * 32 + off).op('f64.abs').f64(1 << 24).op('f64.le').get(exact).op('i32.and').set(exact);
    }
  }
  ldi(PRIM.rx0, rx0); ldi(PRIM.ry0, ry0); ldi(PRIM.rx1, rx1); ldi(PRIM.ry1, ry1);
  f.i32(0).set(nq);
  /**
   * the 8x8 block's extreme coverage points along one axis (its first pixel from `lo`, its last from `hi`, in 1/SUB from
   * the pixel's corner: the pixel centres, or the sample positions' extremes) as f64x2 [lo, hi] of local `to`
   */
  const corners = (c: number, to: number, lo: number, hi: number) => {
    f.get(c).i32(SUB).op('i32.mul').i32(lo).op('i32.add').simd('i32x4.splat').v128i32(0, (BLOCK - 1) * SUB + hi - lo, 0, 0).simd('i32x4.add')
      .simd('f64x2.convert_low_i32x4_s').set(to);
  };
  // rows of blocks
  f.get(ry0).i32(-BLOCK).op('i32.and').set(by);
  f.block().loop();
  f.get(by).get(ry1).op('i32.ge_s').op('br_if', 1);
  corners(by, t, span.y0, span.y1);
  for (let j = 0; j < 3; j++) f.get(A[j]!).get(t).get(PY[j]!).simd('f64x2.sub').simd('f64x2.mul').set(TYB[j]!);
  f.get(by).get(ry0).op('i32.ge_s').get(by).i32(BLOCK).op('i32.add').get(ry1).op('i32.le_s').op('i32.and').get(exact).op('i32.and').set(ybIn);
  f.get(by).i32(BLOCK).op('i32.add').tee(qyEnd).get(ry1).get(qyEnd).get(ry1).op('i32.lt_s').op('select').set(qyEnd);
  f.get(rx0).i32(-BLOCK).op('i32.and').set(bx);
  f.block().loop();
  f.get(bx).get(rx1).op('i32.ge_s').op('br_if', 1);
  {
    // classify: 0 rejected, 1 partial, 2 accepted
    f.i32(1).set(cls);
    f.get(exact).if();
    {
      corners(bx, sx, span.x0, span.x1);
      const acc = f.local('i32');
      f.get(ybIn).get(bx).get(rx0).op('i32.ge_s').op('i32.and').get(bx).i32(BLOCK).op('i32.add').get(rx1).op('i32.le_s').op('i32.and').set(acc);
      for (let j = 0; j < 3; j++) {
        f.get(B[j]!).get(sx).get(PX[j]!).simd('f64x2.sub').simd('f64x2.mul').set(t);
        f.get(TYB[j]!).get(t).simd('f64x2.sub').set(d1);
        f.get(TYB[j]!).get(t).get(t).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).simd('f64x2.sub').set(d2);
        // no corner inside: the block is rejected
        f.get(d1).get(d2).simd('f64x2.max').get(TL[j]!).simd('f64x2.gt').simd('v128.any_true').op('i32.eqz');
        f.if(); f.i32(0).set(cls); f.end();
        f.get(d1).get(d2).simd('f64x2.min').get(TL[j]!).simd('f64x2.gt').simd('i64x2.bitmask').i32(3).op('i32.eq').get(acc).op('i32.and').set(acc);
      }
      f.get(cls).if(); f.i32(1).get(acc).op('i32.add').set(cls); f.end();
    }
    f.end();
    f.get(cls).if();
    {
      f.get(bx).i32(BLOCK).op('i32.add').tee(qxEnd).get(rx1).get(qxEnd).get(rx1).op('i32.lt_s').op('select').set(qxEnd);
      // rows of quads in the block
      f.get(ry0).i32(~1).op('i32.and').tee(qy).get(by).get(qy).get(by).op('i32.gt_s').op('select').set(qy);
      f.block().loop();
      f.get(qy).get(qyEnd).op('i32.ge_s').op('br_if', 1);
      f.get(cls).i32(1).op('i32.eq').if();
      {
        // the rows' halves of each edge function: a (y - py) at y and y + 1
        // (multisampled: at each sample's y in rows y and y + 1)
        for (let k = 0; k < (ms ? 4 : 1); k++) {
          f.get(qy).i32(SUB).op('i32.mul').i32(ms ? MS_SUB_Y[k]! : SUB / 2).op('i32.add').simd('i32x4.splat').simd('f64x2.convert_low_i32x4_s').set(syl);
          f.get(syl); splat64(f, SUB); f.simd('f64x2.add').set(syh);
          const tyl = ms ? TYLS[k]! : TYL, tyh = ms ? TYHS[k]! : TYH;
          for (let j = 0; j < 3; j++) {
            f.get(A[j]!).get(syl).get(PY[j]!).simd('f64x2.sub').simd('f64x2.mul').set(tyl[j]!);
            f.get(A[j]!).get(syh).get(PY[j]!).simd('f64x2.sub').simd('f64x2.mul').set(tyh[j]!);
          }
        }
        // scissor/tile rows: bit 0 row qy inside, bit 1 row qy + 1
        f.get(qy).get(ry0).op('i32.ge_s').get(qy).i32(1).op('i32.add').get(ry1).op('i32.lt_s').i32(1).op('i32.shl').op('i32.or').set(ym);
      }
      f.end();
      f.get(rx0).i32(~1).op('i32.and').tee(qx).get(bx).get(qx).get(bx).op('i32.gt_s').op('select').set(qx);
      f.block().loop();
      f.get(qx).get(qxEnd).op('i32.ge_s').op('br_if', 1);
      f.i32(15).set(any);
      if (ms) f.v128i32(15, 15, 15, 15).set(cov);
      f.get(cls).i32(1).op('i32.eq').if();
      {
        // inside: E > 0, or E = 0 on a top or left edge (E above the edge's bias): pushes the f64x2 mask
        const inside = (E: number[]) => {
          for (let j = 0; j < 3; j++) {
            f.get(E[j]!).get(TL[j]!).simd('f64x2.gt');
            if (j) f.simd('v128.and');
          }
        };
        /** the edge functions at x, x + 1 (1/SUB units, from the pixel's corner: `dx`) in the rows whose halves are `tyl`, `tyh` */
        const edges = (dx: number, tyl: number[], tyh: number[]) => {
          f.get(qx).i32(SUB).op('i32.mul').i32(dx).op('i32.add').simd('i32x4.splat').v128i32(0, SUB, 0, 0).simd('i32x4.add')
            .simd('f64x2.convert_low_i32x4_s').set(sx);
          for (let j = 0; j < 3; j++) {
            f.get(B[j]!).get(sx).get(PX[j]!).simd('f64x2.sub').simd('f64x2.mul').set(t);
            f.get(tyl[j]!).get(t).simd('f64x2.sub').set(EL[j]!);
            f.get(tyh[j]!).get(t).simd('f64x2.sub').set(EH[j]!);
          }
        };
        // columns inside the rectangle: bit 0 x = qx, bit 1 x = qx + 1
        f.get(qx).get(rx0).op('i32.ge_s').get(qx).i32(1).op('i32.add').get(rx1).op('i32.lt_s').i32(1).op('i32.shl').op('i32.or').set(xm);
        f.get(xm).i32(0).get(ym).i32(1).op('i32.and').op('select');
        f.get(xm).i32(2).op('i32.shl').i32(0).get(ym).i32(2).op('i32.and').op('select').op('i32.or').set(rect);
        if (!ms) {
          // pixel centres x, x + 1
          edges(SUB / 2, TYL, TYH);
          inside(EL); f.simd('i64x2.bitmask'); inside(EH); f.simd('i64x2.bitmask').i32(2).op('i32.shl').op('i32.or');
          f.get(rect).op('i32.and').set(any);
        } else {
          // each sample: its mask over the quad's pixels (the i64 masks' low words), into bit k of each pixel's lane
          f.v128i32(0, 0, 0, 0).set(cov);
          for (let k = 0; k < 4; k++) {
            edges(MS_SUB_X[k]!, TYLS[k]!, TYHS[k]!);
            inside(EL); inside(EH); f.shuffle(lanes32([0, 2, 4, 6]));
            f.v128i32(1 << k, 1 << k, 1 << k, 1 << k).simd('v128.and').get(cov).simd('v128.or').set(cov);
          }
          // the pixels inside the rectangle
          f.get(cov).get(rect).simd('i32x4.splat').v128i32(1, 2, 4, 8).simd('v128.and').v128i32(0, 0, 0, 0).simd('i32x4.ne').simd('v128.and').tee(cov);
          f.v128i32(0, 0, 0, 0).simd('i32x4.ne').simd('i32x4.bitmask').set(any);
        }
      }
      f.end();
      f.get(any).if();
      {
        // stage the quad's coordinates; the shading step computes the rest from them
        f.get(P_BASE).get(nq).i32(Q.bytes).op('i32.mul').op('i32.add').set(qa);
        f.get(qa).get(qx).simd('i32x4.splat').v128i32(0, 1, 0, 1).simd('i32x4.add').simd('v128.store', 4, CORE_LOCAL.fusedQuads + Q.x);
        f.get(qa).get(qy).simd('i32x4.splat').v128i32(0, 0, 1, 1).simd('i32x4.add').simd('v128.store', 4, CORE_LOCAL.fusedQuads + Q.y);
        if (ms) f.get(qa).get(cov).simd('v128.store', 4, CORE_LOCAL.fusedQuads + Q.cov);
        f.get(qa).get(any).op('i32.store', 2, CORE_LOCAL.fusedQuads + Q.live);
        f.get(nq).i32(1).op('i32.add').set(nq);
      }
      f.end();
      f.get(qx).i32(2).op('i32.add').set(qx);
      f.op('br', 0);
      f.end().end();
      f.get(qy).i32(2).op('i32.add').set(qy);
      f.op('br', 0);
      f.end().end();
    }
    f.end();
  }
  f.get(bx).i32(BLOCK).op('i32.add').set(bx);
  f.op('br', 0);
  f.end().end();
  f.get(by).i32(BLOCK).op('i32.add').set(by);
  f.op('br', 0);
  f.end().end();
  // the triangle's quads, four to a warp, in the order they were staged
  f.get(nq).if();
  f.get(P_BASE).get(nq).get(P_UNI).op('call', shadeIndex);
  f.end();
}

/** begins the warp under the watchdog's lease (the shade function's params: base first): sets `maxSteps` */
function warpLaunch(f: FunctionBuilder, warpImport: number, maxSteps: number): void {
  // its launch counted here and its budget computed as the watchdog would (watchdog.ts lease()); past the
  // lease the watchdog itself launches it (its budget, or the job stops)
  const P_BASE = 0, pr = CORE_LOCAL.fusedPrim;
  const used = f.local('f64');
  f.get(P_BASE).i32(0).op('i32.store', 2, pr + PRIM.wdCharged);
  f.get(P_BASE).op('f64.load', 3, pr + PRIM.wdUsed).tee(used).get(P_BASE).op('f64.load', 3, pr + PRIM.wdLease).op('f64.ge');
  f.if();
  f.op('call', warpImport).set(maxSteps);
  f.op('else');
  f.get(P_BASE).get(used).f64(WORK_COST_NS.warp).op('f64.add').tee(used).op('f64.store', 3, pr + PRIM.wdUsed);
  f.get(P_BASE).op('i32.load', 2, pr + PRIM.wdSlice).tee(maxSteps).op('i32.eqz');
  f.if();
  // max(1, floor((left - work) / instruction)), at most 2^31 - 1
  f.get(P_BASE).op('f64.load', 3, pr + PRIM.wdLeft).get(used).op('f64.sub').f64(WORK_COST_NS.instruction).op('f64.div').op('f64.floor')
    .f64(1).op('f64.max').f64(0x7fffffff).op('f64.min').op('i32.trunc_f64_s').set(maxSteps);
  f.end();
  f.end();
}

/** the warp's instructions and fragments, after its shading (`cov`: its covered lanes; the shade function's param 0: base) */
function warpAccount(f: FunctionBuilder, steps: number, alive: number, laneMask: number, cov: number): void {
  const P_BASE = 0, pr = CORE_LOCAL.fusedPrim;
  // the warp's instructions (those an extension did not charge) to the lease's work, and to the stats
  f.get(P_BASE).get(P_BASE).op('f64.load', 3, pr + PRIM.wdUsed)
    .get(steps).get(P_BASE).op('i32.load', 2, pr + PRIM.wdCharged).op('i32.sub').op('f64.convert_i32_u').f64(WORK_COST_NS.instruction).op('f64.mul')
    .op('f64.add').op('f64.store', 3, pr + PRIM.wdUsed);
  f.get(P_BASE).get(P_BASE).op('f64.load', 3, pr + PRIM.instructions).get(steps).op('f64.convert_i32_u').op('f64.add').op('f64.store', 3, pr + PRIM.instructions);
  // the fragments of the warp: covered and alive lanes (before the depth test, as the pipeline counts)
  f.get(P_BASE).get(P_BASE).op('i32.load', 2, pr + PRIM.fragments).get(cov).get(alive).op('i32.and').get(laneMask).op('i32.and').op('i32.popcnt').op('i32.add')
    .op('i32.store', 2, pr + PRIM.fragments);
}

/**
 * The planes at the pixels of the quad whose staging is at qa + fusedQuads (interp.ts): (c + b fy) + a fx
 * in float32, then w, the perspective weights, z — what `need` asks for.
 */
function planesAt(f: FunctionBuilder, need: Needs, qa: number, W: number, B1: number, B2: number, Z: number, fx: number, fy: number, inv: number): void {
  if (!(need.persp || need.fragW || need.z)) return;
  const P_BASE = 0, pr = CORE_LOCAL.fusedPrim, at = CORE_LOCAL.fusedQuads;
  const co = (p: number) => f.get(P_BASE).simd('v128.load', 4, pr + PRIM.planes + p * 16);
  const plane = (p: number) => {
    co(p); co(p + 2).get(fy).simd('f32x4.mul').simd('f32x4.add');
    co(p + 1).get(fx).simd('f32x4.mul').simd('f32x4.add');
  };
  f.get(qa).simd('v128.load', 4, at + Q.x).get(P_BASE).op('i32.load', 2, pr + PRIM.x0).simd('i32x4.splat').simd('i32x4.sub').simd('f32x4.convert_i32x4_s').set(fx);
  f.get(qa).simd('v128.load', 4, at + Q.y).get(P_BASE).op('i32.load', 2, pr + PRIM.y0).simd('i32x4.splat').simd('i32x4.sub').simd('f32x4.convert_i32x4_s').set(fy);
  if (need.persp || need.fragW) { plane(PLANE.W); f.set(W); }
  if (need.persp) {
    // inv = w != 0 ? 1 / w : 0
    splat32(f, 1); f.get(W).simd('f32x4.div'); zero(f); f.get(W); zero(f); f.simd('f32x4.ne').simd('v128.bitselect').set(inv);
    plane(PLANE.B1); f.get(inv).simd('f32x4.mul').set(B1);
    plane(PLANE.B2); f.get(inv).simd('f32x4.mul').set(B2);
  }
  if (need.z) { plane(PLANE.Z); f.set(Z); }
}

/** special register `idx` of the quad staged at qa + fusedQuads, whose first lane is `lane0` (pushes it) */
function specialAt(f: FunctionBuilder, idx: number, qa: number, lane0: () => void, Z: number, W: number): void {
  const P_BASE = 0, pr = CORE_LOCAL.fusedPrim, at = CORE_LOCAL.fusedQuads;
  switch (idx) {
    case 0: lane0(); f.simd('i32x4.splat').v128i32(0, 1, 2, 3).simd('i32x4.add'); break;
    case 3: case 4: // pixel centre
      f.get(qa).simd('v128.load', 4, at + (idx === 3 ? Q.x : Q.y)).simd('f32x4.convert_i32x4_s');
      f.v128i32(0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000).simd('f32x4.add');
      break;
    case 5: f.get(Z); break;
    case 6: f.get(W); break;
    case 7: f.get(P_BASE).simd('v128.load32_splat', 2, pr + PRIM.front); break;
    default: f.v128i32(0, 0, 0, 0);
  }
}

/**
 * Per warp, for each varying the program loads: a lane mask, all ones when the triangle has it, else zero —
 * a slot the vertex stage did not write reads 0 (+0: the value's bits and'ed away), without a comparison per load.
 */
function varyingMasks(f: FunctionBuilder, code: readonly DecodedOp[]): Map<number, number> {
  const P_BASE = 0, pr = CORE_LOCAL.fusedPrim, masks = new Map<number, number>();
  for (const op of code) {
    const i = op.slot - VARY_FIRST_USER;
    if (OPS[op.op]?.name !== 'ld_vary' || i < 0 || i >= MAX_VARY || masks.has(i)) continue;
    const m = f.local('v128');
    f.i32(0).get(P_BASE).op('i32.load', 2, pr + PRIM.nvary).i32(i).op('i32.gt_s').op('i32.sub').simd('i32x4.splat').set(m);
    masks.set(i, m);
  }
  return masks;
}

/** pushes varying `slot` from the perspective weights (v0 + b1 (v1 - v0)) + b2 (v2 - v0), in float32 (interp.ts varyingAt) */
function varyingAt(f: FunctionBuilder, slot: number, B1: number, B2: number, masks: Map<number, number>): void {
  const P_BASE = 0, pr = CORE_LOCAL.fusedPrim;
  const i = slot - VARY_FIRST_USER;
  if (i < 0 || i >= MAX_VARY) { f.v128i32(0, 0, 0, 0); return; }
  const c = (j: number) => f.get(P_BASE).simd('v128.load', 4, pr + VARY32 + i * 48 + j * 16);
  c(0); f.get(B1); c(1); f.simd('f32x4.mul').simd('f32x4.add');
  f.get(B2); c(2); f.simd('f32x4.mul').simd('f32x4.add');
  f.get(masks.get(i)!).simd('v128.and');
}

/** straight-line code writes gl_FragDepth in every lane or in none: whether it does, up to its first end */
function zWrittenOf(code: readonly DecodedOp[]): boolean {
  const end = code.findIndex((i) => OPS[i.op]?.name === 'end');
  return code.slice(0, end >= 0 ? end : code.length).some((i) => OPS[i.op]?.name === 'st_out' && i.slot === OUT_DEPTH);
}

/**
 * `ops(base, qa, live, dwq, r, g, b, a, depth, z)`: writeQuad of a multisampled kernel as a function — the quad
 * staged at qa + fusedQuads, its live lanes and those that wrote gl_FragDepth (bits 0-3), its output colour and
 * depth, its interpolated depth at the pixel centres. `zWritten` as QuadLocals.
 */
function emitQuadOps(f: FunctionBuilder, s: FusedState, zWritten: boolean | undefined): void {
  const i32 = () => f.local('i32'), v = () => f.local('v128');
  const pix = i32(), ca = i32(), da = i32();
  const t = [v(), v(), v(), v(), v(), v(), v(), v()];
  writeQuad(f, s, { base: 0, qa: 1, live: 2, dwq: 3, pix, ca, da, out: [4, 5, 6, 7], outD: 8, t, z: 9, zWritten });
}

/** the per-fragment operations of a quad: inline, or a call of the multisampled kernel's `ops` (opsIndex >= 0) */
function quadOps(f: FunctionBuilder, s: FusedState, L: QuadLocals, opsIndex: number): void {
  if (opsIndex < 0) { writeQuad(f, s, L); return; }
  f.get(L.base).get(L.qa).get(L.live);
  if (L.zWritten === undefined) f.get(L.dwq); else f.i32(0);
  for (const o of L.out) f.get(o);
  f.get(L.outD).get(L.z).op('call', opsIndex);
}

/**
 * The shade function's loop over the nq staged quads (its params: base, nq), four to a warp in the order they
 * were staged — the generic path's warps; `warp` emits one warp's shading, given locals holding its quads
 * (1-4), their covered lanes (bit 4k + p: pixel p of quad k) and the staging address of its first quad.
 * One call shades all of a triangle's quads in a tile: the function's set-up and the rasteriser's
 * registers around a call are paid once per triangle instead of once per warp.
 */
function warpLoop(f: FunctionBuilder, warp: (wq: number, cov: number, wa: number) => void): void {
  const P_BASE = 0, P_NQ = 1, at = CORE_LOCAL.fusedQuads;
  const first = f.local('i32'), wq = f.local('i32'), cov = f.local('i32'), wa = f.local('i32');
  f.i32(0).set(first);
  f.block().loop();
  {
    f.get(P_NQ).get(first).op('i32.sub').tee(wq).i32(4).get(wq).i32(4).op('i32.lt_s').op('select').set(wq);
    f.get(P_BASE).get(first).i32(Q.bytes).op('i32.mul').op('i32.add').set(wa);
    // (a quad past the warp's last reads as uncovered: the staging there is another triangle's)
    for (let k = 0; k < 4; k++) {
      f.get(wa).op('i32.load', 2, at + k * Q.bytes + Q.live);
      if (k) f.i32(4 * k).op('i32.shl');
      f.i32(0).get(wq).i32(k).op('i32.gt_s').op('select');
      if (k) f.op('i32.or');
    }
    f.set(cov);
    warp(wq, cov, wa);
    f.get(first).i32(4).op('i32.add').tee(first).get(P_NQ).op('i32.lt_s').op('br_if', 0);
  }
  f.end().end();
}

function emitShade(f: FunctionBuilder, code: readonly DecodedOp[], regCount: number, s: FusedState, warpImport: number, sampler: SamplerFuncs, need: Needs, opsIndex: number): void {
  const vmasks = varyingMasks(f, code);
  warpLoop(f, (wq, cov, wa) => shadeWarp(f, code, regCount, s, warpImport, sampler, need, opsIndex, vmasks, wq, cov, wa));
}

/** one warp of emitShade: `wq` quads (1-4) staged from `wa`, covering lanes `cov` */
function shadeWarp(f: FunctionBuilder, code: readonly DecodedOp[], regCount: number, s: FusedState, warpImport: number, sampler: SamplerFuncs,
  need: Needs, opsIndex: number, vmasks: Map<number, number>, wq: number, cov: number, wa: number): void {
  const P_BASE = 0, P_UNI = 2;
  const i32 = () => f.local('i32'), v = () => f.local('v128');
  const maxSteps = i32(), laneMask = i32(), dw = i32(), live = i32(), pix = i32(), ca = i32(), da = i32(), qa = i32(), dwq = i32();
  const out = [0, 1, 2, 3].map(() => [v(), v(), v(), v()]); // out[channel][k]
  const outD = [v(), v(), v(), v()];
  const t = [v(), v(), v(), v(), v(), v(), v(), v()];
  const W = [v(), v(), v(), v()], B1 = [v(), v(), v(), v()], B2 = [v(), v(), v(), v()], Z = [v(), v(), v(), v()];
  warpLaunch(f, warpImport, maxSteps);
  f.i32(1).get(wq).i32(2).op('i32.shl').op('i32.shl').i32(1).op('i32.sub').set(laneMask);
  // fresh outputs per warp (as locals start): a lane the program does not write keeps zero, not the last warp's
  for (const ch of out) for (const l of ch) f.v128i32(0, 0, 0, 0).set(l);
  for (const l of outD) f.v128i32(0, 0, 0, 0).set(l);
  f.i32(0).set(dw);
  {
    const fx = v(), fy = v(), inv = v();
    for (let k = 0; k < 4; k++) {
      f.get(wa).i32(k * Q.bytes).op('i32.add').set(qa);
      planesAt(f, need, qa, W[k]!, B1[k]!, B2[k]!, Z[k]!, fx, fy, inv);
    }
  }
  const tr = new Translator(f, code, regCount, {
    base: P_BASE, maxSteps, uniLen: P_UNI, laneMask,
    special(idx, locs) {
      for (let k = 0; k < 4; k++) {
        f.get(wa).i32(k * Q.bytes).op('i32.add').set(qa);
        specialAt(f, idx, qa, () => f.i32(4 * k), Z[k]!, W[k]!);
        f.set(locs[k]!);
      }
    },
    ldVary(slot, k) { varyingAt(f, slot, B1[k]!, B2[k]!, vmasks); },
    stOut(rt, comp, k, vm) {
      const tmp = t[7]!;
      if (rt === 0) { f.set(tmp); f.get(tmp).get(out[comp]![k]!).get(vm!).simd('v128.bitselect').set(out[comp]![k]!); return; }
      if (rt === OUT_DEPTH) {
        f.set(tmp); f.get(tmp).get(outD[k]!).get(vm!).simd('v128.bitselect').set(outD[k]!);
        f.get(dw).get(vm!).simd('i32x4.bitmask').i32(4 * k).op('i32.shl').op('i32.or').set(dw);
        return;
      }
      f.op('drop');
    },
    // texture sampling in the kernel (sampler-wasm.ts) where it serves the draw's texture
    tex: (i, ops) => emitFusedTex(f, sampler, i, ops),
  });
  // the warp's program from a count of zero (the loop's previous warp left its count in the local)
  f.i32(0).set(tr.steps);
  tr.run();
  warpAccount(f, tr.steps, tr.alive, laneMask, cov);
  // the per-fragment operations, a quad at a time
  for (let k = 0; k < 4; k++) {
    f.get(wq).i32(k).op('i32.gt_s').if();
    f.get(cov).get(tr.alive).op('i32.and').i32(4 * k).op('i32.shr_u').i32(15).op('i32.and').tee(live);
    f.if();
    f.get(wa).i32(k * Q.bytes).op('i32.add').set(qa);
    f.get(dw).i32(4 * k).op('i32.shr_u').set(dwq);
    quadOps(f, s, { base: P_BASE, qa, live, dwq, pix, ca, da, out: out.map((ch) => ch[k]!), outD: outD[k]!, t, z: Z[k]! }, opsIndex);
    f.end();
    f.end();
  }
}

/**
 * The shading step of a quad-separable program (shader-wasm.ts quadSeparable): the warp's quads one at a
 * time — planes, the program (registers one v128 each, writes unmasked), the per-fragment operations —
 * so that a quad's values stay in a few locals from interpolation to the tile (the warp-wide form keeps
 * four of everything live at once, more than the host's vector registers). The warp is the same warp:
 * launched, budgeted and counted once.
 */
function emitShadeQuads(f: FunctionBuilder, code: readonly DecodedOp[], regCount: number, s: FusedState, warpImport: number, need: Needs, opsIndex: number): void {
  const P_BASE = 0, P_UNI = 2;
  const i32 = () => f.local('i32'), v = () => f.local('v128');
  const maxSteps = i32(), laneMask = i32(), q = i32(), qa = i32(), live = i32(), dwq = i32(), pix = i32(), ca = i32(), da = i32();
  const out = [v(), v(), v(), v()], outD = v();
  const t = [v(), v(), v(), v(), v(), v(), v(), v()];
  const W = v(), B1 = v(), B2 = v(), Z = v(), fx = v(), fy = v(), inv = v();
  const zWritten = zWrittenOf(code);
  const vmasks = varyingMasks(f, code);
  const tr = new Translator(f, code, regCount, {
    base: P_BASE, maxSteps, uniLen: P_UNI, laneMask, perQuad: true,
    special(idx, locs) { specialAt(f, idx, qa, () => f.get(q).i32(2).op('i32.shl'), Z, W); f.set(locs[0]!); },
    ldVary(slot) { varyingAt(f, slot, B1, B2, vmasks); },
    stOut(rt, comp) {
      if (rt === 0) { f.set(out[comp]!); return; }
      // every lane of the quad writes gl_FragDepth
      if (rt === OUT_DEPTH) { f.set(outD); return; }
      f.op('drop');
    },
  });
  warpLoop(f, (wq, cov, wa) => {
    warpLaunch(f, warpImport, maxSteps);
    f.i32(1).get(wq).i32(2).op('i32.shl').op('i32.shl').i32(1).op('i32.sub').set(laneMask);
    tr.warpPrologue();
    f.i32(0).set(q);
    f.block().loop();
    {
      f.get(wa).get(q).i32(Q.bytes).op('i32.mul').op('i32.add').set(qa);
      planesAt(f, need, qa, W, B1, B2, Z, fx, fy, inv);
      for (const o of out) f.v128i32(0, 0, 0, 0).set(o);
      f.v128i32(0, 0, 0, 0).set(outD);
      tr.quadBody();
      // the quad's covered lanes (all alive: the program has no discard)
      f.get(cov).get(q).i32(2).op('i32.shl').op('i32.shr_u').i32(15).op('i32.and').tee(live);
      f.if();
      quadOps(f, s, { base: P_BASE, qa, live, dwq, pix, ca, da, out, outD, t, z: Z, zWritten }, opsIndex);
      f.end();
      f.get(q).i32(1).op('i32.add').tee(q).get(wq).op('i32.lt_s').op('br_if', 0);
    }
    f.end().end();
    warpAccount(f, tr.steps, tr.alive, laneMask, cov);
  });
}

interface QuadLocals {
  /** the core-local base; the quad's staging address (base + its offset in fusedQuads); its live lanes (bits 0-3) */
  base: number; qa: number; live: number;
  /** the quad's lanes whose program wrote gl_FragDepth (bits 0-3) */
  dwq: number;
  pix: number; ca: number; da: number;
  /** the quad's outputs: colour channels (f32x4 each) and depth */
  out: number[]; outD: number; t: number[];
  /** the quad's interpolated depth (f32x4) */
  z: number;
  /** known at translation: every lane's depth is the written one (true) or the interpolated one (false); else `dwq` says */
  zWritten?: boolean;
}

/**
 * Depth test/write, blend, quantisation and colour mask of a quad of the warp (lanes `live`). Multisampled:
 * for each sample j, the lanes whose pixel has it covered (Q.cov), with the depth interpolated at the sample's
 * position (fragment.ts: planeAt at the pixel's offset plus the sample's from its centre, in float32; a written
 * depth holds for every sample), into sample j's plane of the tile memory; a sample no lane covers is skipped.
 */
function writeQuad(f: FunctionBuilder, s: FusedState, L: QuadLocals): void {
  const pr = CORE_LOCAL.fusedPrim, at = CORE_LOCAL.fusedQuads;
  const { base, qa, live, pix } = L;
  const v = () => f.local('v128');
  const wm = v();
  // tile pixel of lane 0: (y - y0) * TILE_SIZE + x - x0
  f.get(qa).op('i32.load', 2, at + Q.y).get(base).op('i32.load', 2, pr + PRIM.y0).op('i32.sub').i32(TILE_SIZE).op('i32.mul')
    .get(qa).op('i32.load', 2, at + Q.x).op('i32.add').get(base).op('i32.load', 2, pr + PRIM.x0).op('i32.sub').set(pix);
  f.get(live).simd('i32x4.splat').v128i32(1, 2, 4, 8).simd('v128.and').v128i32(0, 0, 0, 0).simd('i32x4.ne').set(wm);
  if (s.samples === 1) { writeSample(f, s, L, wm, L.z, 0); return; }
  const cov = v(), wj = v(), fx = v(), fy = v(), zj = v();
  f.get(qa).simd('v128.load', 4, at + Q.cov).set(cov);
  const interpolated = s.depthTest && L.zWritten !== true;
  if (interpolated) {
    f.get(qa).simd('v128.load', 4, at + Q.x).get(base).op('i32.load', 2, pr + PRIM.x0).simd('i32x4.splat').simd('i32x4.sub').simd('f32x4.convert_i32x4_s').set(fx);
    f.get(qa).simd('v128.load', 4, at + Q.y).get(base).op('i32.load', 2, pr + PRIM.y0).simd('i32x4.splat').simd('i32x4.sub').simd('f32x4.convert_i32x4_s').set(fy);
  }
  const co = (p: number) => f.get(base).simd('v128.load', 4, pr + PRIM.planes + p * 16);
  for (let j = 0; j < 4; j++) {
    f.get(cov).v128i32(1 << j, 1 << j, 1 << j, 1 << j).simd('v128.and').v128i32(0, 0, 0, 0).simd('i32x4.ne').get(wm).simd('v128.and').tee(wj);
    f.simd('v128.any_true').if();
    if (interpolated) {
      // the Z plane at the sample: (c + b (fy + dy)) + a (fx + dx), the offsets exact in float32
      co(PLANE.Z); co(PLANE.Z + 2).get(fy); splat32(f, MS_DY[j]!); f.simd('f32x4.add').simd('f32x4.mul').simd('f32x4.add');
      co(PLANE.Z + 1).get(fx); splat32(f, MS_DX[j]!); f.simd('f32x4.add').simd('f32x4.mul').simd('f32x4.add').set(zj);
    }
    writeSample(f, s, L, wj, zj, j);
    f.end();
  }
}

/** The depth test and write (interpolated depth `z`), occlusion count, blend, quantisation and colour mask of the lanes `wm` of a quad into sample j's plane. */
function writeSample(f: FunctionBuilder, s: FusedState, L: QuadLocals, wm: number, z: number, j: number): void {
  const pr = CORE_LOCAL.fusedPrim;
  const { base, pix, ca, out, t } = L;
  const v = () => f.local('v128');
  if (s.depthTest) depth(f, s, L, wm, z, planeDepth(j));
  // occlusion: the quad's samples that passed (the depth test, if any)
  if (s.occlusion) f.get(base).get(base).op('i32.load', 2, pr + PRIM.samples).get(wm).simd('i32x4.bitmask').op('i32.popcnt').op('i32.add').op('i32.store', 2, pr + PRIM.samples);
  if (!s.colorMask) return; // nothing of the colour is written
  const colorAt = planeColor(j);
  if (COLOR_TILE_LAYOUT[s.format] === 'unorm8') { writeQuad8(f, s, L, wm, colorAt); return; }
  // colour: the quad's four pixels, transposed to one vector per channel
  f.get(base).get(pix).i32(16).op('i32.mul').op('i32.add').set(ca);
  const px = [v(), v(), v(), v()], D = [v(), v(), v(), v()];
  const rowB = TILE_SIZE * 16;
  [0, 16, rowB, rowB + 16].forEach((o, j) => f.get(ca).simd('v128.load', 4, colorAt + o).set(px[j]!));
  transpose(f, px, D, t);
  const R = [v(), v(), v(), v()];
  if (s.blend) {
    const S = [v(), v(), v(), v()];
    for (let c = 0; c < 4; c++) {
      // normalized targets clamp blend inputs: Math.min(1, Math.max(0, x)); float targets blend them as they are
      if (isNormalized(COLOR_FORMAT_LAYOUT[COLOR_FORMAT[s.format]!])) { clamp01(f, out[c]!); f.set(S[c]!); }
      else f.get(out[c]!).set(S[c]!);
    }
    for (let c = 0; c < 4; c++) blendChannel(f, s, c, S, D, R[c]!, t, base);
  } else for (let c = 0; c < 4; c++) f.get(out[c]!).set(R[c]!);
  quantise(f, s.format, R);
  for (let c = 0; c < 4; c++) {
    if (!(s.colorMask & (1 << c))) continue;
    f.get(R[c]!).get(D[c]!).get(wm).simd('v128.bitselect').set(D[c]!);
  }
  transpose(f, D, px, t);
  [0, 16, rowB, rowB + 16].forEach((o, j) => f.get(ca).get(px[j]!).simd('v128.store', 4, colorAt + o));
}

/**
 * The colour of quad k on a unorm8 tile (hwdesc/formats.ts): the quad's four pixels are one vector of four
 * R, G, B, A words (two 8-byte rows of the tile). Blending reads channel c of pixel p as float32(k / 255) —
 * the float32 the quantisation wrote —, the result is quantised straight to k (floor(f32(f32(v m) + 0.5))
 * as an integer: the same floor the float path divides by m), and the pixels' words are merged under the
 * lane and colour masks.
 */
function writeQuad8(f: FunctionBuilder, s: FusedState, L: QuadLocals, wm: number, colorAt: number): void {
  const { base, pix, ca, out, t } = L;
  const v = () => f.local('v128');
  const old = v(), R = [v(), v(), v(), v()];
  const row1 = TILE_SIZE * 4;
  f.get(base).get(pix).i32(4).op('i32.mul').op('i32.add').set(ca);
  f.get(ca).simd('v128.load64_zero', 3, colorAt).get(ca).simd('v128.load64_zero', 3, colorAt + row1)
    .shuffle(lanes32([0, 1, 4, 5])).set(old);
  if (s.blend) {
    const S = [v(), v(), v(), v()], D = [v(), v(), v(), v()];
    for (let c = 0; c < 4; c++) {
      f.get(old);
      if (c) f.i32(8 * c).simd('i32x4.shr_u');
      if (c < 3) f.v128i32(255, 255, 255, 255).simd('v128.and');
      f.simd('f32x4.convert_i32x4_s'); splat32(f, 255); f.simd('f32x4.div').set(D[c]!);
      // a unorm target clamps blend inputs: Math.min(1, Math.max(0, x))
      clamp01(f, out[c]!); f.set(S[c]!);
    }
    for (let c = 0; c < 4; c++) if (s.colorMask & (1 << c)) blendChannel(f, s, c, S, D, R[c]!, t, base);
  } else for (let c = 0; c < 4; c++) f.get(out[c]!).set(R[c]!);
  // quantised to k (the float floor(x) plus 2^23 has k in its low mantissa bits: an exact integer below 2^23),
  // then narrowed to bytes, channel-major, and transposed into the pixels' R, G, B, A words
  const q = FRAGMENT_QUANT[s.format]!;
  let bytes = 0;
  const K = [t[0]!, t[1]!, t[2]!, t[3]!];
  for (let c = 0; c < 4; c++) {
    const m = q[c]!;
    if (!(s.colorMask & (1 << c))) f.v128i32(0, 0, 0, 0);
    else if (m === QUANT_ZERO || m === QUANT_ONE) { const b = m === QUANT_ONE ? 255 : 0; f.v128i32(b, b, b, b); }
    else {
      if (m !== 255) throw new Error(`unorm8 tile for a channel of ${m} steps`);
      // pmin/pmax clamp to [0, 1] with NaN as 0 (quantise above), then floor(f32(f32(v m) + 0.5)) in [0, 255]
      splat32(f, 1); zero(f); f.get(R[c]!).simd('f32x4.pmax').simd('f32x4.pmin');
      splat32(f, 255); f.simd('f32x4.mul'); splat32(f, 0.5); f.simd('f32x4.add').simd('f32x4.floor');
      splat32(f, MAGIC); f.simd('f32x4.add'); f.v128i32(MAGIC_BITS, MAGIC_BITS, MAGIC_BITS, MAGIC_BITS).simd('i32x4.sub');
    }
    if (s.colorMask & (1 << c)) bytes |= 0xff << (8 * c);
    f.set(K[c]!);
  }
  f.get(K[0]!).get(K[1]!).simd('i16x8.narrow_i32x4_u').get(K[2]!).get(K[3]!).simd('i16x8.narrow_i32x4_u').simd('i8x16.narrow_i16x8_u').set(K[0]!);
  f.get(K[0]!).get(K[0]!).shuffle([0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]);
  // the new words where the lane is written, under the colour mask's bytes
  f.get(old).get(wm).v128i32(bytes | 0, bytes | 0, bytes | 0, bytes | 0).simd('v128.and').simd('v128.bitselect').set(R[0]!);
  f.get(ca).get(R[0]!).simd('i64x2.extract_lane', 0).op('i64.store', 3, colorAt);
  f.get(ca).get(R[0]!).simd('i64x2.extract_lane', 1).op('i64.store', 3, colorAt + row1);
}

/**
 * Pushes local x clamped to [0, 1] as Math.min(1, Math.max(0, x)) does — NaN stays NaN — with the
 * pseudo-min/max (one instruction each, where f32x4.min/max take seven): pmax(x, 0) = x < 0 ? 0 : x and
 * pmin(y, 1) = 1 < y ? 1 : y keep NaN. Only -0 differs (it stays -0 where Math.max gives +0): a blend
 * input's sign of zero never reaches a unorm target (quantisation takes both zeros to +0), and depth adds +0.
 */
function clamp01(f: FunctionBuilder, x: number): void {
  f.get(x); zero(f); f.simd('f32x4.pmax'); splat32(f, 1); f.simd('f32x4.pmin');
}

/** 4x4 transpose of 32-bit lanes: rows `a` into columns `b` (t: scratch) */
function transpose(f: FunctionBuilder, a: number[], b: number[], t: number[]): void {
  f.get(a[0]!).get(a[1]!).shuffle(lanes32([0, 4, 1, 5])).set(t[0]!);
  f.get(a[2]!).get(a[3]!).shuffle(lanes32([0, 4, 1, 5])).set(t[1]!);
  f.get(a[0]!).get(a[1]!).shuffle(lanes32([2, 6, 3, 7])).set(t[2]!);
  f.get(a[2]!).get(a[3]!).shuffle(lanes32([2, 6, 3, 7])).set(t[3]!);
  f.get(t[0]!).get(t[1]!).shuffle(lanes32([0, 1, 4, 5])).set(b[0]!);
  f.get(t[0]!).get(t[1]!).shuffle(lanes32([2, 3, 6, 7])).set(b[1]!);
  f.get(t[2]!).get(t[3]!).shuffle(lanes32([0, 1, 4, 5])).set(b[2]!);
  f.get(t[2]!).get(t[3]!).shuffle(lanes32([2, 3, 6, 7])).set(b[3]!);
}

const DEPTH_CMP: Array<SimdOp | null> = [null, 'f32x4.lt', 'f32x4.eq', 'f32x4.le', 'f32x4.gt', 'f32x4.ne', 'f32x4.ge', null];

/** The depth test (and write) against the depth at `depthAt` (a plane of the tile memory), the interpolated depth in `z`: narrows `wm` to the lanes that pass. */
function depth(f: FunctionBuilder, s: FusedState, L: QuadLocals, wm: number, z: number, depthAt: number): void {
  const pr = CORE_LOCAL.fusedPrim;
  const { base, dwq, pix, da, outD } = L;
  const pass = [f.local('v128'), f.local('v128')], zq = [f.local('v128'), f.local('v128')];
  const dwm = f.local('v128'), z32 = f.local('v128');
  f.get(base).get(pix).i32(4).op('i32.mul').op('i32.add').set(da);
  // lanes whose program wrote gl_FragDepth
  // z: the written depth, else the interpolated one, plus the polygon offset, in float32 (interp.ts)
  if (L.zWritten === undefined) {
    f.get(dwq).simd('i32x4.splat').v128i32(1, 2, 4, 8).simd('v128.and').v128i32(0, 0, 0, 0).simd('i32x4.ne').set(dwm);
    f.get(outD).get(z).get(dwm).simd('v128.bitselect');
  } else f.get(L.zWritten ? outD : z);
  f.get(base).simd('v128.load', 4, pr + PRIM.zOffset32).simd('f32x4.add').set(z32);
  const func = s.depthFunc;
  // quantised to the depth format (tile.ts quantDepth): clamped to [0, 1] (Math.min(1, Math.max(0, z)): exact in float32),
  // then for d16/d24 round(z max) / max in double, as the tile holds it (float32) — else a value rounding up on
  // its way in would pass LESS against itself
  // (and -0 as +0, as Math.max(0, -0) gives: a d32f tile stores the bits)
  clamp01(f, z32); zero(f); f.simd('f32x4.add').set(z32);
  // (d32f and d32f_s8 hold float32 depths: no rounding to steps)
  if (s.zsFormat !== ZS_FORMAT.indexOf('d32f') && s.zsFormat !== ZS_FORMAT.indexOf('d32f_s8')) {
    const max = s.zsFormat === 1 ? 65535 : 16777215;
    // round(x) as (x + 2^52) - 2^52 (x < 2^24: the sum rounds x to a whole number, ties to even, and the
    // difference is exact): Math.round rounds ties up, but z max (z a float32, max odd) is never a tie
    // but at z = 0.5, where the even neighbour is the upper one (test/fused.test.ts works it out); and
    // k / max as k (1 / max), which rounds to the same float32 for every k (checked there for all of them)
    for (let h = 0; h < 2; h++) {
      half(f, z32, h); splat64(f, max); f.simd('f64x2.mul');
      splat64(f, 2 ** 52); f.simd('f64x2.add'); splat64(f, 2 ** 52); f.simd('f64x2.sub');
      splat64(f, 1 / max); f.simd('f64x2.mul').set(zq[h]!);
    }
    f.get(zq[0]!).simd('f32x4.demote_f64x2_zero').get(zq[1]!).simd('f32x4.demote_f64x2_zero').shuffle(lanes32([0, 1, 4, 5])).set(z32);
  }
  // against the stored depth (float32; the quad's two rows)
  const row1 = TILE_SIZE * 4;
  f.get(da).simd('v128.load64_zero', 3, depthAt).get(da).simd('v128.load64_zero', 3, depthAt + row1)
    .shuffle(lanes32([0, 1, 4, 5])).set(pass[1]!);
  const cmp = DEPTH_CMP[func];
  if (cmp) f.get(z32).get(pass[1]!).simd(cmp).get(wm).simd('v128.and').set(wm);
  else if (func === 0) f.v128i32(0, 0, 0, 0).set(wm);
  if (s.depthWrite) {
    f.get(z32).get(pass[1]!).get(wm).simd('v128.bitselect').set(pass[0]!);
    f.get(da).get(pass[0]!).simd('i64x2.extract_lane', 0).op('i64.store', 3, depthAt);
    f.get(da).get(pass[0]!).simd('i64x2.extract_lane', 1).op('i64.store', 3, depthAt + row1);
  }
}

/** one blend factor for channel c (f32x4, as fragment.ts blendFactor): pushes it */
function factor(f: FunctionBuilder, code: number, c: number, S: number[], D: number[], base: number): void {
  const pr = CORE_LOCAL.fusedPrim;
  const one = () => splat32(f, 1);
  const cst = (ch: number) => f.get(base).simd('v128.load', 4, pr + PRIM.blend32 + ch * 16);
  switch (code) {
    case 0: zero(f); return;
    case 1: one(); return;
    case 2: f.get(S[c]!); return;
    case 3: one(); f.get(S[c]!).simd('f32x4.sub'); return;
    case 4: f.get(D[c]!); return;
    case 5: one(); f.get(D[c]!).simd('f32x4.sub'); return;
    case 6: f.get(S[3]!); return;
    case 7: one(); f.get(S[3]!).simd('f32x4.sub'); return;
    case 8: f.get(D[3]!); return;
    case 9: one(); f.get(D[3]!).simd('f32x4.sub'); return;
    case 10: cst(c); return;
    case 11: one(); cst(c); f.simd('f32x4.sub'); return;
    case 12: cst(3); return;
    case 13: one(); cst(3); f.simd('f32x4.sub'); return;
    case 14:
      if (c === 3) { one(); return; }
      f.get(S[3]!); one(); f.get(D[3]!).simd('f32x4.sub').simd('f32x4.min');
      return;
    default: zero(f);
  }
}

/** R = blend of channel c (f32x4) from clamped sources S and destinations D, in float32 as the pipeline blends */
function blendChannel(f: FunctionBuilder, s: FusedState, c: number, S: number[], D: number[], R: number, t: number[], base: number): void {
  const eq = c < 3 ? s.eqRgb : s.eqA, sf = c < 3 ? s.srcRgb : s.srcA, df = c < 3 ? s.dstRgb : s.dstA;
  switch (eq) {
    case 3: f.get(S[c]!).get(D[c]!).simd('f32x4.min'); break;
    case 4: f.get(S[c]!).get(D[c]!).simd('f32x4.max'); break;
    default: {
      f.get(S[c]!); factor(f, sf, c, S, D, base); f.simd('f32x4.mul').set(t[4]!);
      f.get(D[c]!); factor(f, df, c, S, D, base); f.simd('f32x4.mul').set(t[5]!);
      if (eq === 0) f.get(t[4]!).get(t[5]!).simd('f32x4.add');
      else if (eq === 1) f.get(t[4]!).get(t[5]!).simd('f32x4.sub');
      else f.get(t[5]!).get(t[4]!).simd('f32x4.sub');
    }
  }
  f.set(R);
}

/**
 * Quantises R (f32x4 per channel) to what the format holds, as the pipeline
 * does (interp.ts FRAGMENT_QUANT, quantUnorm): a normalized channel of m
 * steps v >= 1 ? 1 : v > 0 ? floor(v m + 0.5) / m : 0 in float32 (NaN 0),
 * float channels as they are, and the constants of channels the format lacks.
 */
function quantise(f: FunctionBuilder, format: number, R: number[]): void {
  const q = FRAGMENT_QUANT[format];
  if (!q) throw new Error(`fused kernel for colour format ${COLOR_FORMAT[format]}`);
  for (let c = 0; c < 4; c++) {
    const m = q[c]!;
    if (m === QUANT_FLOAT) continue;
    if (m === QUANT_ZERO || m === QUANT_ONE) { splat32(f, m === QUANT_ONE ? 1 : 0); f.set(R[c]!); continue; }
    // clamped first with pseudo-min/max (pmax(0, v) = 0 < v ? v : 0, so NaN gives 0): v >= 1 gives floor(m + 0.5) / m = 1,
    // v <= 0 gives 0, and v in (0, 1) is the rule's value
    splat32(f, 1); zero(f); f.get(R[c]!).simd('f32x4.pmax').simd('f32x4.pmin');
    splat32(f, m); f.simd('f32x4.mul'); splat32(f, 0.5); f.simd('f32x4.add').simd('f32x4.floor'); splat32(f, m); f.simd('f32x4.div');
    f.set(R[c]!);
  }
}

function f32bits(v: number): number { return new Uint32Array(new Float32Array([v]).buffer)[0]!; }

// ---- running kernels ---------------------------------------------------------

const modules = new WeakMap<readonly DecodedOp[], Map<string, WebAssembly.Module | null>>();
const instances = new WeakMap<WebAssembly.Module, Array<FusedKernel | undefined>>();

/**
 * Per core: the watchdog of the running kernel call and the kernel's lease
 * on it (watchdog.ts lease(), PRIM.wd*): the kernel calls `warp` for a
 * launch past its lease and `more` (through the I/O unit's budget) for a
 * warp past its budget; both first charge the work it accounted itself.
 */
class FusedPort {
  watch: Watchdog | null = null;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  /** the setup block's f64 and i32 index */
  private readonly d: number;
  private readonly w: number;
  constructor(mem: PhysicalMemory, at: number) {
    this.f64 = new Float64Array(mem.buffer); this.i32 = mem.i32;
    this.d = at >> 3; this.w = at >> 2;
  }
  /** starts a kernel call under `watch` */
  open(watch: Watchdog): void { this.watch = watch; this.f64[this.d + PRIM.wdUsed / 8] = 0; this.i32[this.w + PRIM.wdCharged / 4] = 0; this.renew(); }
  /** charges the work the kernel accounted itself */
  settle(): void {
    const at = this.d + PRIM.wdUsed / 8, used = this.f64[at]!;
    if (used) { this.f64[at] = 0; this.watch!.settle(used); }
  }
  private readonly leased: Lease = { lease: 0, left: 0, slice: 0 };
  private renew(): void {
    const l = this.watch!.lease(this.leased), d = this.d;
    this.f64[d + PRIM.wdLease / 8] = l.lease; this.f64[d + PRIM.wdLeft / 8] = l.left; this.i32[this.w + PRIM.wdSlice / 4] = l.slice;
  }
  warp = (): number => {
    this.settle();
    const budget = this.watch!.beginWarp();
    this.renew();
    return Math.min(budget, 0x7fffffff);
  };
  more = (steps: number): number => {
    this.settle();
    const at = this.w + PRIM.wdCharged / 4;
    const budget = this.watch!.extendWarp(steps, this.i32[at]!);
    this.i32[at] = steps;
    this.renew();
    return budget;
  };
}
const ports = new WeakMap<PhysicalMemory, FusedPort[]>();
function portOf(mem: PhysicalMemory, core: number): FusedPort {
  let l = ports.get(mem);
  if (!l) ports.set(mem, (l = []));
  return l[core] ?? (l[core] = new FusedPort(mem, mem.coreLocal(core) + CORE_LOCAL.fusedPrim));
}

/** Process-wide switch (AKARI_FUSED=0 turns fused kernels off; tests compare both paths). */
let enabled = process.env.AKARI_FUSED !== '0';
export function setFusedKernels(on: boolean): void { enabled = on; }
/**
 * triangles the fused path took in this process — rasterised by a kernel, or rejected whole by its setup
 * (fragment.ts) — of them those a kernel's tile-list walk set up itself (fused-walk.ts), and kernels built
 * (for tests and tools: which path ran), and of those kernels the ones that shade a quad at a time (emitShadeQuads)
 */
export const fusedCounters = { triangles: 0, walked: 0, kernels: 0, quadKernels: 0 };
export function fusedKernelsEnabled(): boolean { return enabled; }

/**
 * The kernel for program `code` (as the code cache decoded it) fused with
 * state `s`, on core `core` of the device with memory `mem`; null when the
 * program cannot be fused.
 */
export function fusedKernel(code: readonly DecodedOp[], regCount: number, s: FusedState, mem: PhysicalMemory, core: number): FusedKernel | null {
  let byState = modules.get(code);
  if (!byState) modules.set(code, (byState = new Map()));
  const key = `${regCount};${stateKey(s)}`;
  let mod = byState.get(key);
  if (mod === undefined) {
    mod = fusable(code) ? new WebAssembly.Module(buildFused(code, regCount, s)) : null;
    if (mod) fusedCounters.kernels++;
    byState.set(key, mod);
  }
  if (!mod) return null;
  let per = instances.get(mod);
  if (!per) instances.set(mod, (per = []));
  return per[core] ?? (per[core] = new FusedKernel(mod, mem, core));
}

export class FusedKernel {
  private readonly raster: (base: number, uniLen: number) => void;
  private readonly walkFn: (base: number, uniLen: number, list: number, n: number, heap: number, lim: number) => number;
  private readonly port: FusedPort;
  private readonly io: CoreIo;
  readonly base: number;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  /** word index of the setup block */
  readonly at: number;
  constructor(mod: WebAssembly.Module, readonly mem: PhysicalMemory, readonly core: number) {
    const io = coreOf(mem, core);
    this.io = io;
    this.port = portOf(mem, core);
    const inst = new WebAssembly.Instance(mod, { core: { ...io.imports, fusedWarp: this.port.warp } });
    this.raster = inst.exports.raster as (base: number, uniLen: number) => void;
    this.walkFn = inst.exports.walk as (base: number, uniLen: number, list: number, n: number, heap: number, lim: number) => number;
    this.base = mem.coreLocal(core);
    this.f64 = new Float64Array(mem.buffer);
    this.i32 = mem.i32; this.u32 = mem.u32;
    this.at = (this.base + CORE_LOCAL.fusedPrim) >> 2;
  }

  /** Runs the kernel on the triangle set up in the core's setup block: the instructions issued and fragments written. */
  run(io: ShaderIO, watch: Watchdog, stats: { fragments: number; instructions: number }): void {
    const coreIo = this.io;
    coreIo.loadUniforms(io.uniforms);
    coreIo.io = io;
    const port = this.port, at = this.at;
    coreIo.more = port.more;
    port.open(watch);
    fusedCounters.triangles++;
    this.i32[at + PRIM.fragments / 4] = 0;
    this.f64[(at >> 1) + PRIM.instructions / 8] = 0;
    try {
      this.raster(this.base, io.uniforms.length);
    } finally {
      // the work and counters of the warps that completed (and the launch of one that did not), even when
      // the job stops or faults inside the kernel
      port.settle();
      stats.fragments += this.i32[at + PRIM.fragments / 4]!;
      stats.instructions += this.f64[(at >> 1) + PRIM.instructions / 8]!;
      port.watch = null;
    }
  }

  /**
   * Walks `n` record offsets at physical address `list` of the heap window at
   * `heap` (fused-walk.ts) with the draw set up in the setup block's walk
   * fields: the records taken, which stops at the first one the kernel
   * leaves to the pipeline. Counts as run() does, per warp.
   */
  walk(io: ShaderIO, watch: Watchdog, stats: { fragments: number; instructions: number }, list: number, n: number, heap: number, lim: number): number {
    const coreIo = this.io;
    coreIo.loadUniforms(io.uniforms);
    coreIo.io = io;
    const port = this.port, at = this.at;
    coreIo.more = port.more;
    port.open(watch);
    this.i32[at + PRIM.fragments / 4] = 0;
    this.i32[at + PRIM.walkTriangles / 4] = 0;
    this.f64[(at >> 1) + PRIM.instructions / 8] = 0;
    try {
      return this.walkFn(this.base, io.uniforms.length, list, n, heap, lim);
    } finally {
      port.settle();
      stats.fragments += this.i32[at + PRIM.fragments / 4]!;
      stats.instructions += this.f64[(at >> 1) + PRIM.instructions / 8]!;
      const walked = this.i32[at + PRIM.walkTriangles / 4]!;
      fusedCounters.triangles += walked; fusedCounters.walked += walked;
      port.watch = null;
    }
  }
}

export { MAX_VARY as FUSED_MAX_VARY };
