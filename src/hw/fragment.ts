/**
 * The fragment pipeline. For each tile of the framebuffer: initialise the
 * on-chip tile buffer (clear, or load from memory), walk the tile's primitive
 * list from the tiler heap, rasterise each primitive at pixel centres (8-bit
 * sub-pixel snapping, top-left fill rule), run the fragment shader on 2x2
 * quads (four quads to a warp; uncovered quad pixels run as helpers so
 * derivatives work), then depth/stencil test, blend and write into the tile
 * buffer, and finally store the tile to memory, linear or twiddled.
 *
 * Fill rule (memory coordinates, y down): with the triangle ordered so its
 * edge functions E(p) = (b.x-a.x)(p.y-a.y) - (b.y-a.y)(p.x-a.x) are positive
 * inside, a pixel centre with E = 0 belongs to the triangle when the edge is
 * a top edge (dy = 0, dx > 0) or a left edge (dy < 0).
 */
import { BLEND_FACTOR, LAYOUT, MAX_RENDER_TARGETS, MSAA_SAMPLE_POSITIONS, TILE_SIZE } from '../hwdesc/descriptors.js';
import type { StructValues } from '../hwdesc/struct.js';
import { ACCESS_READ } from '../hwdesc/regs.js';
import { OUT_DEPTH, VARY_FIRST_USER } from '../hwdesc/isa.js';
import type { Mmu } from './mmu.js';
import { GpuFault } from './mmu.js';
import { JobCache, type DrawState, type ShaderState } from './drawstate.js';
import { CHUNK_BYTES, CHUNK_ENTRIES, HEAP_HEADER_WORDS, PRIM_LINE, PRIM_POINT, TilerHeap, VERTEX_FIXED } from './tiler.js';
import { LANES, TEX_FETCH, TEX_SIZE, Warp, type ShaderIO } from './shader-core.js';
import { VaWindow } from './vabuf.js';
import { LOD_MAX, LOD_MIN, intWords, lodFromDerivs, lodOf, sample, sampleAnisotropic, setTexelOffsets, texQuery } from './texture.js';
import { bindSamplers } from './sampler-wasm.js';
import { COLOR_INT, Framebuffer, TileBuffer, UNORM8_F32, quantColor, quantDepth, ZS_HAS_STENCIL, type TilePlane } from './tile.js';
import { FUSED_MAX_VARY, PRIM, coverageSpan, fusedCounters, fusedKernel, fusedKernelsEnabled, fusedState, type FusedKernel } from './fused.js';
import { SHADER_MODE } from './drawstate.js';
import { BLOCK, FRAGMENT_QUANT, PLANE, SUB, QUANT_FLOAT, QUANT_ONE, QUANT_ZERO, planeAt, planeSetup, quantUnorm, varyingAt } from './interp.js';
import { COLOR_FORMAT_LAYOUT, PIXEL_FORMATS, isNormalized } from '../hwdesc/formats.js';
import { COLOR_FORMAT } from '../hwdesc/descriptors.js';

/**
 * The 4x sample positions (hwdesc MSAA_SAMPLE_POSITIONS) in 1/SUB pixel units from the pixel's corner:
 * exact on the sub-pixel grid, so sample coverage uses the same exact edge functions as pixel centres.
 */
const MS_SUB_X = MSAA_SAMPLE_POSITIONS.map(([x]) => x * SUB), MS_SUB_Y = MSAA_SAMPLE_POSITIONS.map(([, y]) => y * SUB);
if (!MS_SUB_X.concat(MS_SUB_Y).every(Number.isInteger)) throw new Error('MSAA sample positions must lie on the 1/SUB grid');
/** ... and as offsets from the pixel centre in pixels (depth plane evaluation, point and line coverage) */
const MS_DX = MSAA_SAMPLE_POSITIONS.map(([x]) => x - 0.5), MS_DY = MSAA_SAMPLE_POSITIONS.map(([, y]) => y - 0.5);

/** where coverage is tested inside a pixel (fused.ts): its centre, or a multisampled pass's sample positions */
const PIXEL_SPAN = coverageSpan(1), MS_SPAN = coverageSpan(4);

/** Per COLOR_FORMAT: the target holds normalized values (hwdesc/formats.ts). */
const COLOR_NORMALIZED: readonly boolean[] = COLOR_FORMAT.map((n) => isNormalized(COLOR_FORMAT_LAYOUT[n]));
/** Per COLOR_FORMAT: the target stores sRGB-encoded colour (blending happens in linear, in the tile). */
const COLOR_SRGB: readonly boolean[] = COLOR_FORMAT.map((n) => PIXEL_FORMATS[COLOR_FORMAT_LAYOUT[n]].colorspace === 'srgb');


export interface FragmentStats {
  tiles: number; fragments: number; instructions: number;
  /**
   * Occlusion counters (DRAW occlusion): samples that passed the depth and stencil tests, by the
   * draws' occlusion_address; the command processor adds them to memory after the pass.
   */
  samples?: Map<number, number>;
}

/** Adds `n` passed samples to the counter of occlusion address `va`. */
export function countSamples(stats: FragmentStats, va: number, n: number): void {
  const m = (stats.samples ??= new Map());
  m.set(va, (m.get(va) ?? 0) + n);
}

interface Prim {
  ds: DrawState;
  kind: number;
  front: number;
  nv: number;
  nvary: number;
  v: Float32Array; // nv * (VERTEX_FIXED + nvary)
}

function compare(func: number, a: number, b: number): boolean {
  switch (func) {
    case 0: return false;
    case 1: return a < b;
    case 2: return a === b;
    case 3: return a <= b;
    case 4: return a > b;
    case 5: return a !== b;
    case 6: return a >= b;
    default: return true;
  }
}

function stencilOp(op: number, cur: number, ref: number): number {
  switch (op) {
    case 0: return cur;
    case 1: return 0;
    case 2: return ref & 255;
    case 3: return Math.min(255, cur + 1);
    case 4: return Math.max(0, cur - 1);
    case 5: return ~cur & 255;
    case 6: return (cur + 1) & 255;
    default: return (cur - 1) & 255;
  }
}

/** A blend factor for channel ch, in float32 (interp.ts: 1 - x rounded to float32). */
function blendFactor(f: number, s: Float32Array, so: number, d: Float32Array, dof: number, c: Float32Array, ch: number): number {
  const fr = Math.fround;
  // numeric cases in BLEND_FACTOR order (hwdesc/descriptors.ts), checked at load below
  switch (f) {
    case 0: return 0;
    case 1: return 1;
    case 2: return s[so + ch]!;
    case 3: return fr(1 - s[so + ch]!);
    case 4: return d[dof + ch]!;
    case 5: return fr(1 - d[dof + ch]!);
    case 6: return s[so + 3]!;
    case 7: return fr(1 - s[so + 3]!);
    case 8: return d[dof + 3]!;
    case 9: return fr(1 - d[dof + 3]!);
    case 10: return c[ch]!;
    case 11: return fr(1 - c[ch]!);
    case 12: return c[3]!;
    case 13: return fr(1 - c[3]!);
    case 14: return ch === 3 ? 1 : Math.min(s[so + 3]!, fr(1 - d[dof + 3]!));
    default: return 0;
  }
}

if (BLEND_FACTOR.join() !== 'zero,one,src_color,one_minus_src_color,dst_color,one_minus_dst_color,src_alpha,one_minus_src_alpha,dst_alpha,one_minus_dst_alpha,constant_color,one_minus_constant_color,constant_alpha,one_minus_constant_alpha,src_alpha_saturate') throw new Error('blendFactor cases out of date with BLEND_FACTOR');

/**
 * The per-fragment operations of a draw, resolved once from its STATE
 * descriptor into plain numbers, so the per-fragment path does no lookups.
 */
class FragmentOps {
  readonly depthTest: boolean;
  readonly depthWrite: boolean;
  readonly depthFunc: number;
  readonly stencilTest: boolean;
  readonly blend: boolean;
  readonly eqRgb: number; readonly eqA: number;
  readonly srcRgb: number; readonly srcA: number; readonly dstRgb: number; readonly dstA: number;
  /** the blend constant colour, float32 */
  readonly blendC: Float32Array;
  readonly colorMask: number;
  /** bit t: render target t is not written (GL draw buffer NONE) */
  readonly rtDisable: number;
  /** multisampled targets: the samples every fragment keeps (STATE sample_kill inverted), and alpha to coverage */
  readonly sampleKeep: number;
  readonly alphaToCoverage: boolean;
  constructor(st: StructValues) {
    this.depthTest = !!st.depth_test; this.depthWrite = !!st.depth_write; this.depthFunc = st.depth_func!;
    this.stencilTest = !!st.stencil_test;
    this.blend = !!st.blend;
    this.eqRgb = st.blend_eq_rgb!; this.eqA = st.blend_eq_a!;
    this.srcRgb = st.blend_src_rgb!; this.srcA = st.blend_src_a!; this.dstRgb = st.blend_dst_rgb!; this.dstA = st.blend_dst_a!;
    this.blendC = new Float32Array([st.blend_r!, st.blend_g!, st.blend_b!, st.blend_a!]);
    this.colorMask = st.color_mask!;
    this.rtDisable = st.rt_disable! & 0xff;
    this.sampleKeep = ~(st.sample_kill ?? 0) & 0xf;
    this.alphaToCoverage = !!st.alpha_to_coverage;
  }
}
const fragmentOps = new WeakMap<StructValues, FragmentOps>();
function opsOf(st: StructValues): FragmentOps {
  let ops = fragmentOps.get(st);
  if (!ops) fragmentOps.set(st, (ops = new FragmentOps(st)));
  return ops;
}

export class FragmentPipeline {
  private readonly scratchRes = new Float32Array(4);
  /** this core's tile memory */
  private readonly tile: TileBuffer;
  // per-warp lane state, reused across primitives (no allocation per primitive)
  private readonly laneX = new Int32Array(LANES);
  private readonly laneY = new Int32Array(LANES);
  private readonly laneW = new Float32Array(LANES * 3);
  private readonly lanePc = new Float32Array(LANES * 2);
  private readonly laneP = new Float32Array(LANES * 3);
  /** a multisampled pass: each lane's covered samples (bit j: sample j of MSAA_SAMPLE_POSITIONS) */
  private readonly laneCov = new Uint8Array(LANES);
  // triangles (interp.ts): the planes of the triangle in this tile, and per lane w, the perspective weights b1, b2, and z
  private readonly planes = new Float32Array(PLANE.size);
  private readonly laneTW = new Float32Array(LANES);
  private readonly laneB1 = new Float32Array(LANES);
  private readonly laneB2 = new Float32Array(LANES);
  private readonly laneTZ = new Float32Array(LANES);
  /** the primitive being shaded is a triangle (its varyings and gl_FragCoord come from the planes) */
  private curTri = false;
  /** each render target's output colour per lane (st_out rt0..rt7) */
  private readonly outColors = Array.from({ length: MAX_RENDER_TARGETS }, () => new Float32Array(LANES * 4));
  /** the outputs' words: what st_out wrote, bit for bit (an integer output's words must not pass through a float) */
  private readonly outBits = this.outColors.map((c) => new Uint32Array(c.buffer));
  private readonly outColor = this.outColors[0]!;
  private readonly outDepth = new Float32Array(LANES);
  private readonly warps = new Map<number, Warp>();
  private readonly scratchSrc = new Float32Array(4);
  private readonly scratchDst = new Float32Array(4);
  // the primitive being rasterised (one at a time) and its vertex floats
  private primV = new Float32Array(64);
  private primU = new Uint32Array(this.primV.buffer);
  private readonly prim: Prim = { ds: null as unknown as DrawState, kind: 0, front: 0, nv: 0, nvary: 0, v: this.primV };
  // the draw of the last primitive read (consecutive records mostly share one)
  private lastDrawVa = -1;
  private lastDraw: DrawState | null = null;
  private lastCache: JobCache | null = null;
  private readonly fbits = new Float32Array(1);
  private readonly ubits = new Uint32Array(this.fbits.buffer);
  // the primitive being shaded, read by the shader's I/O port
  private curP: Prim | null = null;
  private curV: Float32Array = new Float32Array(0);
  /** curV's bits */
  private curU: Uint32Array = new Uint32Array(0);
  private curPer = 0;
  private curSlot = 0;
  private curFs: ShaderState | null = null;
  /** lanes of the current warp whose shader wrote gl_FragDepth */
  private depthWritten = 0;
  /** The fragment shader's I/O port: one for the pipeline, so the translated shader's calls stay monomorphic. */
  private readonly io: ShaderIO;

  /** `core`: the shader core this pipeline is (its tile memory and fused kernels live in that core's local memory) */
  constructor(readonly mmu: Mmu, readonly core = 0) {
    this.tile = new TileBuffer(mmu, core);
    const { laneX, laneY, laneW, lanePc, outColors, outDepth, fbits, ubits, laneTW, laneTZ, laneB1, laneB2 } = this;
    const tf = (v: number) => { fbits[0] = v; return ubits[0]!; };
    this.io = {
      uniforms: new Uint32Array(0),
      special: (lane, which) => {
        switch (which) {
          case 0: return lane;
          case 3: return tf(laneX[lane]! + 0.5);
          case 4: return tf(laneY[lane]! + 0.5);
          case 5: return tf(this.curTri ? laneTZ[lane]! : this.linearZ(lane));
          case 6: {
            if (this.curTri) return tf(laneTW[lane]!);
            const V = this.curV, per = this.curPer, nv = this.curP!.nv;
            let w = 0;
            for (let k = 0; k < nv; k++) w += laneW[lane * 3 + k]! * V[k * per + 3]!;
            return tf(w);
          }
          case 7: return tf(this.curP!.front ? 1 : 0);
          case 8: return tf(lanePc[lane * 2]!);
          case 9: return tf(lanePc[lane * 2 + 1]!);
          default: return 0;
        }
      },
      ldAttr: () => 0,
      stVary: () => undefined,
      ldVary: (lane, slot) => {
        const p = this.curP!;
        const i = slot - VARY_FIRST_USER;
        if (i < 0 || i >= p.nvary) return 0;
        return p.kind === PRIM_POINT ? this.curV[VERTEX_FIXED + i]! : this.curTri ? this.triVary(lane, VERTEX_FIXED + i) : this.interp(lane, VERTEX_FIXED + i);
      },
      // flat: the provoking vertex's bits, which the tiler gave every vertex of the primitive
      ldVaryFlat: (_lane, slot) => {
        const i = slot - VARY_FIRST_USER;
        return i >= 0 && i < this.curP!.nvary ? this.curU[VERTEX_FIXED + i]! : 0;
      },
      // whole-warp forms for the translated core: the same arithmetic in the same order as ldVary/interp and stOut
      ldVaryLanes: (slot, mask, out, at) => {
        const p = this.curP!;
        const i = slot - VARY_FIRST_USER;
        if (i < 0 || i >= p.nvary) { for (let l = 0; l < LANES; l++) if (mask >> l & 1) out[at + l] = 0; return; }
        const V = this.curV, idx = VERTEX_FIXED + i;
        if (p.kind === PRIM_POINT) { const v = V[idx]!; for (let l = 0; l < LANES; l++) if (mask >> l & 1) out[at + l] = v; return; }
        const per = this.curPer;
        if (this.curTri) {
          const v0 = V[idx]!, d1 = Math.fround(V[per + idx]! - v0), d2 = Math.fround(V[2 * per + idx]! - v0);
          for (let l = 0; l < LANES; l++) if (mask >> l & 1) out[at + l] = varyingAt(v0, d1, d2, laneB1[l]!, laneB2[l]!);
          return;
        }
        const laneP = this.laneP, nv = p.nv;
        if (nv === 3) {
          const v0 = V[idx]!, v1 = V[per + idx]!, v2 = V[2 * per + idx]!;
          for (let l = 0; l < LANES; l++) if (mask >> l & 1) out[at + l] = 0 + laneP[l * 3]! * v0 + laneP[l * 3 + 1]! * v1 + laneP[l * 3 + 2]! * v2;
          return;
        }
        for (let l = 0; l < LANES; l++) if (mask >> l & 1) out[at + l] = this.interp(l, idx);
      },
      stOutLanes: (rt, comp, mask, values, at) => {
        if (rt === OUT_DEPTH) {
          for (let l = 0; l < LANES; l++) if (mask >> l & 1) outDepth[l] = values[at + l]!;
          this.depthWritten |= mask & 0xffff;
        } else if (rt < MAX_RENDER_TARGETS) {
          // the words, copied as words
          const outBits = this.outBits[rt]!, words = this.wordsOf(values);
          for (let l = 0; l < LANES; l++) if (mask >> l & 1) outBits[l * 4 + comp] = words[at + l]!;
        }
      },
      stOut: (lane, rt, comp, bits) => {
        fbits[0] = 0; ubits[0] = bits;
        if (rt === OUT_DEPTH) { outDepth[lane] = fbits[0]!; this.depthWritten |= 1 << lane; }
        else if (rt < MAX_RENDER_TARGETS) this.outBits[rt]![lane * 4 + comp] = bits;
      },
      tex: (sampler, _dim, mode, mask, coords, lod, grads, resF, offsets, int) => {
        const t = this.curFs!.textures[sampler];
        // an integer return: the words the core copies as bits
        const res = int ? intWords(resF) : resF;
        if (mode >= TEX_FETCH) { if (t) setTexelOffsets(t, offsets); texQuery(t, mode === TEX_SIZE, mask, LANES, coords, lod, res); return; }
        if (t) setTexelOffsets(t, offsets);
        for (let q = 0; q < LANES; q += 4) {
          if (!(mask & (0xf << q))) continue;
          if (t && t.maxAniso > 1 && t.dim === 0 && (mode === 0 || mode === 1) && !int) {
            // anisotropic: the probes need the quad's derivatives themselves, not just the LOD they give
            const c0 = q * 4, cx = (q + 1) * 4, cy = (q + 2) * 4;
            const dsdx = coords[cx]! - coords[c0]!, dtdx = coords[cx + 1]! - coords[c0 + 1]!, dsdy = coords[cy]! - coords[c0]!, dtdy = coords[cy + 1]! - coords[c0 + 1]!;
            for (let l = q; l < q + 4; l++) {
              if (mask & (1 << l)) sampleAnisotropic(t, coords, l * 4, dsdx, dtdx, dsdy, dtdy, mode === 1 ? lod[l]! : 0, resF, l * 4);
            }
            continue;
          }
          // the level of detail in 8.8 fixed point (texture.ts): per quad, from its derivatives
          let lodQ = 0;
          if (t && (mode === 0 || mode === 1)) {
            // derivatives across the quad (lane q+1 is x+1, q+2 is y+1)
            const c0 = q * 4, cx = (q + 1) * 4, cy = (q + 2) * 4;
            // (r's derivatives count for 3D textures only)
            lodQ = lodFromDerivs(t, coords[cx]! - coords[c0]!, coords[cx + 1]! - coords[c0 + 1]!, coords[cy]! - coords[c0]!, coords[cy + 1]! - coords[c0 + 1]!,
              coords[cx + 2]! - coords[c0 + 2]!, coords[cy + 2]! - coords[c0 + 2]!);
            if (t.cube) lodQ = LOD_MIN; // cube implicit LOD: base level (approximation)
          }
          for (let l = q; l < q + 4; l++) {
            if (!(mask & (1 << l))) continue;
            if (!t) { res[l * 4] = 0; res[l * 4 + 1] = 0; res[l * 4 + 2] = 0; res[l * 4 + 3] = 1; continue; }
            let L = lodQ;
            if (mode === 1) L = Math.min(LOD_MAX, Math.max(LOD_MIN, L + lodOf(lod[l]!)));
            else if (mode === 2) L = lodOf(lod[l]!);
            else if (mode === 3) L = lodFromDerivs(t, grads[l * 4]!, grads[l * 4 + 1]!, grads[l * 4 + 2]!, grads[l * 4 + 3]!);
            sample(t, coords, l * 4, L, res, l * 4, !!int);
          }
        }
      },
      ldGlobal: (a) => this.mmu.read32(this.curSlot, a),
      stGlobal: (a, v) => this.mmu.write32(this.curSlot, a, v),
    };
  }

  private lastValues: Float32Array | null = null;
  private lastWords: Uint32Array | null = null;
  /** A Uint32Array over the words of `values` (the core's register memory: kept from call to call). */
  private wordsOf(values: Float32Array): Uint32Array {
    if (values !== this.lastValues) { this.lastValues = values; this.lastWords = new Uint32Array(values.buffer, values.byteOffset, values.length); }
    return this.lastWords!;
  }

  /** Perspective-correct weights of the current primitive's vertices per lane, once per warp. */
  private perspective(count: number): void {
    const { laneW, laneP } = this;
    const V = this.curV, per = this.curPer, nv = this.curP!.nv;
    for (let lane = 0; lane < count; lane++) {
      let den = 0;
      for (let k = 0; k < nv; k++) den += laneW[lane * 3 + k]! * V[k * per + 3]!;
      const inv = den !== 0 ? 1 / den : 0;
      for (let k = 0; k < 3; k++) laneP[lane * 3 + k] = k < nv ? laneW[lane * 3 + k]! * V[k * per + 3]! * inv : 0;
    }
  }

  private interp(lane: number, idx: number): number {
    const laneP = this.laneP, V = this.curV, per = this.curPer, nv = this.curP!.nv;
    let v = 0;
    for (let k = 0; k < nv; k++) v += laneP[lane * 3 + k]! * V[k * per + idx]!;
    return v;
  }

  /** Varying at vertex offset idx of the triangle being shaded, at lane `lane` (interp.ts). */
  private triVary(lane: number, idx: number): number {
    const V = this.curV, per = this.curPer, v0 = V[idx]!;
    return varyingAt(v0, Math.fround(V[per + idx]! - v0), Math.fround(V[2 * per + idx]! - v0), this.laneB1[lane]!, this.laneB2[lane]!);
  }

  /** The planes' values at each lane of a triangle's warp (interp.ts): w, the perspective weights, z. */
  private triLanes(count: number, x0: number, y0: number): void {
    const { planes, laneX, laneY, laneTW, laneB1, laneB2, laneTZ } = this;
    for (let l = 0; l < count; l++) {
      const fx = laneX[l]! - x0, fy = laneY[l]! - y0;
      const w = planeAt(planes, PLANE.W, fx, fy);
      const inv = w !== 0 ? Math.fround(1 / w) : 0;
      laneTW[l] = w;
      laneB1[l] = Math.fround(planeAt(planes, PLANE.B1, fx, fy) * inv);
      laneB2[l] = Math.fround(planeAt(planes, PLANE.B2, fx, fy) * inv);
      laneTZ[l] = planeAt(planes, PLANE.Z, fx, fy);
    }
  }

  private linearZ(lane: number): number {
    const laneW = this.laneW, V = this.curV, per = this.curPer, nv = this.curP!.nv;
    let z = 0;
    for (let k = 0; k < nv; k++) z += laneW[lane * 3 + k]! * V[k * per + 2]!;
    return z;
  }

  // the fragment pass this core is working on (beginPass), read by renderTile
  private pass: { slot: number; fb: Framebuffer; heap: TilerHeap; cache: JobCache; firstPass: boolean } | null = null;

  /**
   * Starts a fragment pass on this core: resolves the framebuffer descriptor
   * (windows on its surfaces) and checks it against the tiler job. Every core
   * of the GPU begins the same pass; then each renders the tiles it is given.
   * `firstPass`: false for the passes after a partial render, which load
   * what the earlier ones stored.
   */
  beginPass(slot: number, fbdVa: number, heap: TilerHeap, cache: JobCache, firstPass: boolean): { tilesX: number; tilesY: number } {
    this.pass = null;
    const fb = new Framebuffer(this.mmu, slot, fbdVa);
    const d = fb.desc;
    const tilesX = Math.ceil(d.width! / TILE_SIZE), tilesY = Math.ceil(d.height! / TILE_SIZE);
    if (tilesX !== heap.tilesX || tilesY !== heap.tilesY) throw new GpuFault(fbdVa, slot, ACCESS_READ, 'framebuffer size does not match the tiler job');
    this.pass = { slot, fb, heap, cache, firstPass };
    return { tilesX, tilesY };
  }

  /**
   * Renders tile (tx, ty) of the current pass: initialise the tile memory,
   * rasterise and shade the tile's primitive list in order, store the tile.
   * Tiles are independent of each other, so any core may render any tile in
   * any order and the image is the same.
   */
  renderTile(tx: number, ty: number, stats: FragmentStats): void {
    const pass = this.pass!;
    const { slot, fb, heap, cache, firstPass } = pass;
    const d = fb.desc;
    const W = d.width!, H = d.height!;
    const tile = this.tile, { color, depth, stencil } = tile;
    const hw = heap.win;
    const x0 = tx * TILE_SIZE, y0 = ty * TILE_SIZE;
    const tw = Math.min(TILE_SIZE, W - x0), th = Math.min(TILE_SIZE, H - y0);
    // A partial render's later passes load what the earlier ones stored.
    const loadColor = fb.colorLoad || !firstPass, loadZs = fb.zsLoad || !firstPass;
    const t = (HEAP_HEADER_WORDS + 2 * (ty * heap.tilesX + tx)) * 4;
    // (a clear touches no memory but the tile's, so reading the list first faults as reading it after)
    let chunk = loadColor || loadZs ? -1 : hw.r32(t);
    // a tile no primitive touched holds the clear values: stored straight from them, the tile memory untouched
    if (chunk === 0 && tile.storeCleared(fb, x0, y0, tw, th)) {
      stats.tiles++;
      cache.watch.tile();
      return;
    }
    tile.load(fb, x0, y0, tw, th, loadColor, loadZs);
    if (chunk < 0) chunk = hw.r32(t);
    let guard = 0;
    while (chunk) {
      if (++guard > 1 << 20) throw new GpuFault(heap.win.va + chunk, slot, ACCESS_READ, 'tile list loops');
      const n = Math.min(CHUNK_ENTRIES, hw.r32(chunk + 4));
      // a whole chunk inside the (contiguous) heap window: its entries straight from memory
      const direct = hw.pa >= 0 && ((hw.pa | chunk) & 3) === 0 && chunk + CHUNK_BYTES <= hw.len ? (hw.pa + chunk + 8) >> 2 : -1;
      const u32 = this.mmu.mem.u32;
      const fusing = fusedKernelsEnabled() && SHADER_MODE === 'wasm';
      for (let i = 0; i < n;) {
        // a run of records of one draw with a fused kernel: the kernel walks them itself
        if (fusing && direct >= 0) {
          const taken = this.fusedRun(hw, direct, i, n, cache, slot, fb, x0, y0, tw, th, stats);
          if (taken) { i += taken; continue; }
        }
        const rec = direct >= 0 ? u32[direct + i]! : hw.r32(chunk + 8 + i * 4);
        const prim = this.readPrim(hw, rec, cache);
        this.rasterize(slot, prim, fb, x0, y0, tw, th, color, depth, stencil, stats);
        i++;
      }
      chunk = hw.r32(chunk);
    }
    tile.store(fb, x0, y0, tw, th);
    stats.tiles++;
    cache.watch.tile();
  }

  /** A whole pass on this core alone, tiles in order (row by row). */
  run(slot: number, fbdVa: number, heap: TilerHeap, cache: JobCache, stats: FragmentStats, firstPass: boolean): void {
    const { tilesX, tilesY } = this.beginPass(slot, fbdVa, heap, cache, firstPass);
    for (let ty = 0; ty < tilesY; ty++) for (let tx = 0; tx < tilesX; tx++) this.renderTile(tx, ty, stats);
  }

  /** The fused kernel of a draw on this framebuffer (fused.ts; null: the generic path) and its blend constant. */
  private fusedFor(ds: DrawState, fb: Framebuffer): FusedEntry {
    let e = this.fused.get(ds);
    if (!e || e.fb !== fb) {
      const st = ds.state, fmt = fb.desc.format!, zsFmt = fb.desc.zs_format!;
      // stencil testing on a target with stencil (d24s8, d32f_s8) stays on the generic path, and so do
      // several render targets (a kernel blends and quantises into one target)
      // and sRGB targets (a kernel quantises linear unorm steps, not sRGB encoding), and any format whose
      // quantisation the kernel has no description of (interp.ts FRAGMENT_QUANT)
      // (a multisampled pass's kernel tests coverage, depth, blends and writes per sample; a draw that
      // narrows the samples — STATE sample_kill, alpha_to_coverage — stays on the generic path)
      const narrows = fb.samples > 1 && (!!st.sample_kill || !!st.alpha_to_coverage);
      const kernel = (st.stencil_test && ZS_HAS_STENCIL[zsFmt]) || fb.targets.length > 1 || narrows || COLOR_SRGB[fmt] || !FRAGMENT_QUANT[fmt] ? null
        : fusedKernel(ds.fs.code, ds.fs.regs, fusedState(st, fmt, zsFmt, ds.draw.occlusion === 1, fb.samples), this.mmu.mem, this.core);
      this.fused.set(ds, (e = { fb, kernel, blendC: opsOf(st).blendC }));
    }
    return e;
  }
  private readonly fused = new WeakMap<DrawState, FusedEntry>();

  /**
   * Records i.. of a tile-list chunk (its entries at word `direct` of a
   * contiguous heap) through the fused kernel of record i's draw, when it is
   * a triangle whose draw has one: the kernel walks the run of that draw's
   * triangles itself (fused-walk.ts), doing the setup fusedTriangle does.
   * Returns the records taken, 0 when record i is not for a kernel (it then
   * takes the generic path). A record the walk leaves (another draw, or one
   * whose setup it does not do) ends the run; the next call takes it up.
   */
  private fusedRun(hw: VaWindow, direct: number, i: number, n: number, cache: JobCache, slot: number, fb: Framebuffer,
    x0: number, y0: number, tw: number, th: number, stats: FragmentStats): number {
    const u32 = this.mmu.mem.u32, rec = u32[direct + i]!;
    if (!(((hw.pa | rec) & 3) === 0 && rec + 16 <= hw.len)) return 0;
    const w = (hw.pa + rec) >> 2;
    const info = u32[w + 2]!, nvary = u32[w + 3]!;
    const bytes = 16 + 3 * (VERTEX_FIXED + nvary) * 4;
    if ((info & 3) !== 0 || info >>> 3 !== 3 || nvary > FUSED_MAX_VARY || rec + bytes > hw.len) return 0;
    const va = u32[w + 1]! * 0x1_0000_0000 + u32[w]!;
    if (va !== this.lastDrawVa || cache !== this.lastCache) { this.lastDraw = cache.draw(va); this.lastDrawVa = va; this.lastCache = cache; }
    const ds = this.lastDraw!;
    const e = this.fusedFor(ds, fb);
    const kernel = e.kernel;
    if (!kernel) return 0;
    const st = ds.state, fs = ds.fs;
    // the draw's part of the setup block, as fusedTriangle writes it per triangle
    let rx0 = x0, ry0 = y0, rx1 = x0 + tw, ry1 = y0 + th;
    if (st.scissor) {
      const dr = ds.draw;
      rx0 = Math.max(rx0, dr.scissor_minx!); ry0 = Math.max(ry0, dr.scissor_miny!);
      rx1 = Math.min(rx1, dr.scissor_maxx!); ry1 = Math.min(ry1, dr.scissor_maxy!);
    }
    const f64 = kernel.f64, i32 = kernel.i32, at = kernel.at, d = at >> 1, bc = e.blendC;
    i32[at + PRIM.walkDrawLo / 4] = u32[w]!; i32[at + PRIM.walkDrawHi / 4] = u32[w + 1]!;
    i32[at + PRIM.walkRx0 / 4] = rx0; i32[at + PRIM.walkRy0 / 4] = ry0; i32[at + PRIM.walkRx1 / 4] = rx1; i32[at + PRIM.walkRy1 / 4] = ry1;
    i32[at + PRIM.walkPolygonOffset / 4] = st.polygon_offset ? 1 : 0;
    f64[d + PRIM.walkOffsetFactor / 8] = st.polygon_offset_factor!;
    f64[d + PRIM.walkOffsetUnits / 8] = st.polygon_offset_units! * (fb.zsFormat === 1 ? 1 / 65536 : 1 / 16777216);
    f64[d + PRIM.blendConst / 8] = bc[0]!; f64[d + PRIM.blendConst / 8 + 1] = bc[1]!; f64[d + PRIM.blendConst / 8 + 2] = bc[2]!; f64[d + PRIM.blendConst / 8 + 3] = bc[3]!;
    i32[at + PRIM.x0 / 4] = x0; i32[at + PRIM.y0 / 4] = y0;
    i32[at + PRIM.nvary / 4] = nvary;
    const p = this.prim;
    p.ds = ds; p.kind = 0; p.front = (info >> 2) & 1; p.nv = 3; p.nvary = nvary;
    // what the kernel's calls to the I/O port read (textures, global memory)
    this.curP = p; this.curSlot = slot; this.curFs = fs;
    this.io.uniforms = fs.uniforms;
    bindSamplers(this.mmu.mem, kernel.base, fs.textures);
    const occlusion = ds.draw.occlusion === 1;
    if (occlusion) i32[at + PRIM.samples / 4] = 0;
    const taken = kernel.walk(this.io, cache.watch, stats, (direct + i) * 4, n - i, hw.pa, hw.len - bytes);
    if (occlusion) countSamples(stats, ds.draw.occlusion_address!, i32[at + PRIM.samples / 4]!);
    if (taken) return taken;
    // the first record is one whose setup the walk leaves to the pipeline
    this.fusedTriangle(kernel, bc, slot, p, this.mmu.mem.f32, w + 4, fb, x0, y0, tw, th, stats);
    return 1;
  }

  private readPrim(hw: VaWindow, rec: number, cache: JobCache): Prim {
    let va: number, info: number, nvary: number;
    if (hw.pa >= 0 && ((hw.pa | rec) & 3) === 0 && rec >= 0 && rec + 16 <= hw.len) {
      // the heap is one physically contiguous window: the header's words straight from memory
      const u32 = this.mmu.mem.u32, w = (hw.pa + rec) >> 2;
      va = u32[w + 1]! * 0x1_0000_0000 + u32[w]!; info = u32[w + 2]!; nvary = u32[w + 3]!;
    } else {
      va = hw.r32(rec + 4) * 0x1_0000_0000 + hw.r32(rec);
      info = hw.r32(rec + 8); nvary = hw.r32(rec + 12);
    }
    const nv = info >>> 3;
    const n = nv * (VERTEX_FIXED + nvary);
    if (!(rec >= 0 && rec + 16 + n * 4 <= hw.len)) throw new GpuFault(hw.va + rec, hw.slot, ACCESS_READ, 'primitive record outside the tiler heap');
    // The vertices are copied into one reused buffer: a primitive is rasterised
    // before the next is read, and a copy of a few dozen floats is cheaper
    // than a new view of memory per primitive and tile.
    if (this.primV.length < n) { this.primV = new Float32Array(n * 2); this.primU = new Uint32Array(this.primV.buffer); }
    // copied as bits: a flat integer varying may look like a signalling NaN
    const v = this.primV, u = this.primU, at = hw.pa + rec + 16;
    if (hw.pa >= 0 && (at & 3) === 0) { const u32 = this.mmu.mem.u32, w = at >> 2; for (let i = 0; i < n; i++) u[i] = u32[w + i]!; }
    else for (let i = 0; i < n; i++) u[i] = hw.r32(rec + 16 + i * 4);
    const p = this.prim;
    if (va !== this.lastDrawVa || cache !== this.lastCache) { this.lastDraw = cache.draw(va); this.lastDrawVa = va; this.lastCache = cache; }
    p.ds = this.lastDraw!; p.kind = info & 3; p.front = (info >> 2) & 1; p.nv = nv; p.nvary = nvary; p.v = v;
    return p;
  }

  private rasterize(slot: number, p: Prim, fb: Framebuffer, x0: number, y0: number, tw: number, th: number, color: Float32Array, depth: Float32Array, stencil: Uint8Array, stats: FragmentStats): void {
    if (p.kind === 0 && p.nvary <= FUSED_MAX_VARY && fusedKernelsEnabled() && SHADER_MODE === 'wasm') {
      // the draw's fused kernel, when its program and state have one (fused.ts)
      const e = this.fusedFor(p.ds, fb);
      if (e.kernel) { this.fusedTriangle(e.kernel, e.blendC, slot, p, p.v, 0, fb, x0, y0, tw, th, stats); return; }
    }
    const ds = p.ds, st = ds.state, dr = ds.draw;
    const per = VERTEX_FIXED + p.nvary;
    const V = p.v;
    // Pixel rectangle to consider: the tile, the scissor, the primitive's bounds.
    let rx0 = x0, ry0 = y0, rx1 = x0 + tw, ry1 = y0 + th;
    if (st.scissor) {
      rx0 = Math.max(rx0, dr.scissor_minx!); ry0 = Math.max(ry0, dr.scissor_miny!);
      rx1 = Math.min(rx1, dr.scissor_maxx!); ry1 = Math.min(ry1, dr.scissor_maxy!);
    }
    // Per-lane coverage and interpolation weights for the current warp.
    const { laneX, laneY, laneW, lanePc, laneP, outColor, outDepth } = this;
    let covered = 0;

    // Setup per primitive kind: a coverage test and barycentric weights at a pixel centre.
    let cover: (px: number, py: number) => boolean;
    let weights: (px: number, py: number, out: Float32Array, o: number) => void;
    let zslope = 0;
    // triangle edge setup (memory coordinates in 1/SUB pixels): vertices a, b, c
    let ib = 1, ic = 2, triArea = 0, tAx = 0, tAy = 0, tBx = 0, tBy = 0, tCx = 0, tCy = 0;
    let tl0 = false, tl1 = false, tl2 = false;
    if (p.kind === PRIM_POINT) {
      const cx = V[0]!, cy = V[1]!;
      const size = Math.min(1024, Math.max(1, V[4]!));
      const h = size / 2;
      cover = (px, py) => px + 0.5 >= cx - h && px + 0.5 < cx + h && py + 0.5 >= cy - h && py + 0.5 < cy + h;
      weights = (px, py, out, o) => { out[o] = 1; out[o + 1] = 0; out[o + 2] = 0; lanePc[(o / 3) * 2] = 0.5 + (px + 0.5 - cx) / size; lanePc[(o / 3) * 2 + 1] = 0.5 + (st.y_up ? -1 : 1) * (py + 0.5 - cy) / size; };
      rx0 = Math.max(rx0, Math.floor(cx - h)); rx1 = Math.min(rx1, Math.ceil(cx + h) + 1);
      ry0 = Math.max(ry0, Math.floor(cy - h)); ry1 = Math.min(ry1, Math.ceil(cy + h) + 1);
    } else if (p.kind === PRIM_LINE) {
      const ax = V[0]!, ay = V[1]!, bx = V[per]!, by = V[per + 1]!;
      const dx = bx - ax, dy = by - ay;
      const lw = Math.max(1, Math.round(st.line_width! || 1));
      const xmajor = Math.abs(dx) >= Math.abs(dy);
      const len2 = dx * dx + dy * dy;
      if (len2 === 0) return;
      cover = (px, py) => {
        const cx = px + 0.5, cy = py + 0.5;
        if (xmajor) {
          if (!(cx >= Math.min(ax, bx) && cx < Math.max(ax, bx))) return false;
          const yl = ay + (dy * (cx - ax)) / dx;
          return cy >= yl - lw / 2 && cy < yl + lw / 2;
        }
        if (!(cy >= Math.min(ay, by) && cy < Math.max(ay, by))) return false;
        const xl = ax + (dx * (cy - ay)) / dy;
        return cx >= xl - lw / 2 && cx < xl + lw / 2;
      };
      weights = (px, py, out, o) => {
        const t = Math.min(1, Math.max(0, ((px + 0.5 - ax) * dx + (py + 0.5 - ay) * dy) / len2));
        out[o] = 1 - t; out[o + 1] = t; out[o + 2] = 0;
      };
      rx0 = Math.max(rx0, Math.floor(Math.min(ax, bx) - lw)); rx1 = Math.min(rx1, Math.ceil(Math.max(ax, bx) + lw));
      ry0 = Math.max(ry0, Math.floor(Math.min(ay, by) - lw)); ry1 = Math.min(ry1, Math.ceil(Math.max(ay, by) + lw));
    } else {
      // Triangle: snap to the sub-pixel grid, orient so edge functions are positive inside.
      const X0 = Math.round(V[0]! * SUB), X1 = Math.round(V[per]! * SUB), X2 = Math.round(V[2 * per]! * SUB);
      const Y0 = Math.round(V[1]! * SUB), Y1 = Math.round(V[per + 1]! * SUB), Y2 = Math.round(V[2 * per + 1]! * SUB);
      let area = (X1 - X0) * (Y2 - Y0) - (Y1 - Y0) * (X2 - X0);
      if (area === 0) return;
      // a = vertex 0, (b, c) = (1, 2), or (2, 1) when the winding is reversed
      ib = 1; ic = 2;
      if (area < 0) { ib = 2; ic = 1; area = -area; }
      triArea = area;
      tAx = X0; tAy = Y0;
      tBx = ib === 1 ? X1 : X2; tBy = ib === 1 ? Y1 : Y2;
      tCx = ib === 1 ? X2 : X1; tCy = ib === 1 ? Y2 : Y1;
      const topLeft = (ddx: number, ddy: number) => ddy < 0 || (ddy === 0 && ddx > 0);
      tl0 = topLeft(tCx - tBx, tCy - tBy); tl1 = topLeft(tAx - tCx, tAy - tCy); tl2 = topLeft(tBx - tAx, tBy - tAy);
      planeSetup(X0, Y0, X1, Y1, X2, Y2, V[3]!, V[per + 3]!, V[2 * per + 3]!, V[2]!, V[per + 2]!, V[2 * per + 2]!, x0, y0, this.planes, 0);
      cover = () => false; // triangles are covered inline below
      weights = () => undefined;
      const minX = Math.min(X0, X1, X2) / SUB, maxX = Math.max(X0, X1, X2) / SUB, minY = Math.min(Y0, Y1, Y2) / SUB, maxY = Math.max(Y0, Y1, Y2) / SUB;
      rx0 = Math.max(rx0, Math.floor(minX)); rx1 = Math.min(rx1, Math.ceil(maxX) + 1);
      ry0 = Math.max(ry0, Math.floor(minY)); ry1 = Math.min(ry1, Math.ceil(maxY) + 1);
      if (st.polygon_offset) {
        // max depth slope of the plane through the three vertices
        const x1 = V[per]! - V[0]!, y1 = V[per + 1]! - V[1]!, z1 = V[per + 2]! - V[2]!;
        const x2 = V[2 * per]! - V[0]!, y2 = V[2 * per + 1]! - V[1]!, z2 = V[2 * per + 2]! - V[2]!;
        const det = x1 * y2 - x2 * y1;
        if (det !== 0) {
          const dzdx = (z1 * y2 - z2 * y1) / det, dzdy = (x1 * z2 - x2 * z1) / det;
          zslope = Math.max(Math.abs(dzdx), Math.abs(dzdy));
        }
      }
    }
    if (rx0 >= rx1 || ry0 >= ry1) return;
    const zsFmt = fb.desc.zs_format!;
    const zOffset = st.polygon_offset && p.kind === 0
      ? st.polygon_offset_factor! * zslope + st.polygon_offset_units! * (zsFmt === 1 ? 1 / 65536 : 1 / 16777216) : 0;
    const zOff32 = Math.fround(zOffset);
    const tri = triArea !== 0;

    const fs = ds.fs;
    let warp = this.warps.get(fs.regs);
    if (!warp) this.warps.set(fs.regs, (warp = new Warp(fs.regs)));
    // The shader's I/O port reads the primitive being shaded from these fields.
    this.curP = p; this.curV = V; this.curU = this.primU; this.curPer = per; this.curSlot = slot; this.curFs = fs;
    this.curTri = tri;
    const io = this.io;
    io.uniforms = fs.uniforms;
    const nv = p.nv;
    const ops = opsOf(st);
    const fmt = fb.desc.format!;
    const ntargets = fb.targets.length;
    /** DRAW occlusion: count the samples that pass the depth and stencil tests */
    const occlusion = dr.occlusion === 1;
    /** a multisampled pass (FRAMEBUFFER sample_count 4): coverage per sample, laneCov */
    const ms = fb.samples > 1;
    const plane0 = this.tile.planes[0]!, laneCov = this.laneCov;
    void depth; void stencil;
    let lanes = 0;
    const flush = () => {
      if (!lanes) return;
      warp.mask = (1 << lanes) - 1;
      warp.u32.fill(0);
      for (let t = 0; t < ntargets; t++) this.outColors[t]!.fill(0);
      this.depthWritten = 0;
      if (tri) this.triLanes(lanes, x0, y0); else this.perspective(lanes);
      stats.instructions += fs.exec(warp, io);
      // The warp's alive mask after discard is not returned; the core signals discard by not writing.
      const alive = lastAlive(warp), depthWritten = this.depthWritten;
      let passed = 0;
      if (ms) {
        // multisampled: the depth/stencil tests, blending and the write per covered sample, each in its plane
        const planes = this.tile.planes, laneCov = this.laneCov;
        for (let l = 0; l < lanes; l++) {
          if (!(covered & (1 << l)) || !(alive & (1 << l))) continue;
          const i = (laneY[l]! - y0) * TILE_SIZE + laneX[l]! - x0;
          let cov = laneCov[l]! & ops.sampleKeep;
          if (ops.alphaToCoverage) {
            // the first round(4 * alpha) samples; NaN counts as 0
            const a = this.outColors[0]![l * 4 + 3]!;
            cov &= (1 << (a >= 1 ? 4 : a > 0 ? Math.round(a * 4) : 0)) - 1;
          }
          const fx = laneX[l]! - x0, fy = laneY[l]! - y0;
          for (let j = 0; j < 4; j++) {
            if (!(cov & (1 << j))) continue;
            // each sample's depth at its own position (a shader-written depth holds for every sample)
            const z = !zsFmt ? 0 : (depthWritten & (1 << l)) ? (tri ? Math.fround(outDepth[l]! + zOff32) : outDepth[l]! + zOffset)
              : tri ? Math.fround(planeAt(this.planes, PLANE.Z, fx + MS_DX[j]!, fy + MS_DY[j]!) + zOff32) : this.linearZ(l) + zOffset;
            if (this.writeFragment(l, i, p, st, ops, fb, zsFmt, planes[j]!, z)) passed++;
          }
          stats.fragments++;
        }
        if (occlusion && passed) countSamples(stats, dr.occlusion_address!, passed);
        lanes = 0;
        covered = 0;
        return;
      }
      for (let l = 0; l < lanes; l++) {
        if (!(covered & (1 << l)) || !(alive & (1 << l))) continue;
        // a triangle's depth: float32, its polygon offset (rounded to float32) added in float32 (interp.ts)
        const z = !zsFmt ? 0 : tri ? Math.fround(((depthWritten & (1 << l)) ? outDepth[l]! : this.laneTZ[l]!) + zOff32)
          : (depthWritten & (1 << l)) ? outDepth[l]! + zOffset : this.linearZ(l) + zOffset;
        if (this.writeFragment(l, (laneY[l]! - y0) * TILE_SIZE + laneX[l]! - x0, p, st, ops, fb, zsFmt, plane0, z)) passed++;
        stats.fragments++;
      }
      if (occlusion && passed) countSamples(stats, dr.occlusion_address!, passed);
      lanes = 0;
      covered = 0;
    };
    const qx0 = rx0 & ~1, qy0 = ry0 & ~1;
    if (triArea) {
      // Triangles: the three edge functions at each pixel centre decide coverage
      // (with the top-left rule on ties); the quads go in 8x8 blocks, row by
      // row, as the fused kernels walk them (interp.ts), so the warps are theirs.
      for (let by = ry0 & -BLOCK; by < ry1; by += BLOCK) {
        const qyEnd = Math.min(by + BLOCK, ry1);
        for (let bx = rx0 & -BLOCK; bx < rx1; bx += BLOCK) {
          const qxEnd = Math.min(bx + BLOCK, rx1);
          for (let qy = Math.max(by, qy0); qy < qyEnd; qy += 2) {
            for (let qx = Math.max(bx, qx0); qx < qxEnd; qx += 2) {
              let any = 0;
              if (ms) {
                // each pixel's four sample positions (exact on the sub-pixel grid, the same edge functions and top-left rule)
                for (let k = 0; k < 4; k++) {
                  const px = qx + (k & 1), py = qy + (k >> 1);
                  let m = 0;
                  if (px >= rx0 && px < rx1 && py >= ry0 && py < ry1) {
                    for (let j = 0; j < 4; j++) {
                      const sx = px * SUB + MS_SUB_X[j]!, sy = py * SUB + MS_SUB_Y[j]!;
                      const e0 = (tCx - tBx) * (sy - tBy) - (tCy - tBy) * (sx - tBx);
                      const e1 = (tAx - tCx) * (sy - tCy) - (tAy - tCy) * (sx - tCx);
                      const e2 = (tBx - tAx) * (sy - tAy) - (tBy - tAy) * (sx - tAx);
                      if ((e0 > 0 || (e0 === 0 && tl0)) && (e1 > 0 || (e1 === 0 && tl1)) && (e2 > 0 || (e2 === 0 && tl2))) m |= 1 << j;
                    }
                  }
                  laneCov[lanes + k] = m;
                  if (m) any |= 1 << k;
                }
              } else for (let k = 0; k < 4; k++) {
                const px = qx + (k & 1), py = qy + (k >> 1);
                const sx = px * SUB + SUB / 2, sy = py * SUB + SUB / 2;
                const e0 = (tCx - tBx) * (sy - tBy) - (tCy - tBy) * (sx - tBx);
                const e1 = (tAx - tCx) * (sy - tCy) - (tAy - tCy) * (sx - tCx);
                const e2 = (tBx - tAx) * (sy - tAy) - (tBy - tAy) * (sx - tAx);
                if (px >= rx0 && px < rx1 && py >= ry0 && py < ry1
                  && (e0 > 0 || (e0 === 0 && tl0)) && (e1 > 0 || (e1 === 0 && tl1)) && (e2 > 0 || (e2 === 0 && tl2))) any |= 1 << k;
              }
              if (!any) continue;
              for (let k = 0; k < 4; k++) {
                const l = lanes + k;
                laneX[l] = qx + (k & 1); laneY[l] = qy + (k >> 1);
              }
              covered |= any << lanes;
              lanes += 4;
              if (lanes === LANES) flush();
            }
          }
        }
      }
      flush();
      return;
    }
    for (let qy = qy0; qy < ry1; qy += 2) {
      for (let qx = qx0; qx < rx1; qx += 2) {
        let any = 0;
        for (let k = 0; k < 4; k++) {
          const px = qx + (k & 1), py = qy + (k >> 1);
          if (!(px >= rx0 && px < rx1 && py >= ry0 && py < ry1)) { laneCov[lanes + k] = 0; continue; }
          if (ms) {
            // the pixel's four sample positions (cover() tests at px + 0.5)
            let m = 0;
            for (let j = 0; j < 4; j++) if (cover(px + MS_DX[j]!, py + MS_DY[j]!)) m |= 1 << j;
            laneCov[lanes + k] = m;
            if (m) any |= 1 << k;
          } else if (cover(px, py)) any |= 1 << k;
        }
        if (!any) continue;
        for (let k = 0; k < 4; k++) {
          const l = lanes + k, px = qx + (k & 1), py = qy + (k >> 1);
          laneX[l] = px; laneY[l] = py;
          weights(px, py, laneW, l * 3);
          if (any & (1 << k)) covered |= 1 << l;
        }
        lanes += 4;
        if (lanes === LANES) flush();
      }
    }
    flush();
  }

  /**
   * A triangle through its draw's fused kernel: the setup the generic path
   * does at the top of rasterize() (the same snapping, orientation, top-left
   * rule, rectangle and polygon offset, operation for operation), written
   * into the core's setup block, then the kernel. The kernel's tile-list
   * walk (fused-walk.ts) does this very setup in WebAssembly for runs of
   * records; this serves the generic path's copies and the records the
   * walk leaves.
   */
  private fusedTriangle(kernel: FusedKernel, bc: Float32Array, slot: number, p: Prim, V: Float32Array, o: number, fb: Framebuffer,
    x0: number, y0: number, tw: number, th: number, stats: FragmentStats): void {
    const ds = p.ds, st = ds.state;
    const per = VERTEX_FIXED + p.nvary;
    let rx0 = x0, ry0 = y0, rx1 = x0 + tw, ry1 = y0 + th;
    if (st.scissor) {
      const dr = ds.draw;
      rx0 = Math.max(rx0, dr.scissor_minx!); ry0 = Math.max(ry0, dr.scissor_miny!);
      rx1 = Math.min(rx1, dr.scissor_maxx!); ry1 = Math.min(ry1, dr.scissor_maxy!);
    }
    const X0 = Math.round(V[o]! * SUB), X1 = Math.round(V[o + per]! * SUB), X2 = Math.round(V[o + 2 * per]! * SUB);
    const Y0 = Math.round(V[o + 1]! * SUB), Y1 = Math.round(V[o + per + 1]! * SUB), Y2 = Math.round(V[o + 2 * per + 1]! * SUB);
    let area = (X1 - X0) * (Y2 - Y0) - (Y1 - Y0) * (X2 - X0);
    if (area === 0) return;
    const swap = area < 0;
    if (swap) area = -area;
    const tAx = X0, tAy = Y0;
    const tBx = swap ? X2 : X1, tBy = swap ? Y2 : Y1;
    const tCx = swap ? X1 : X2, tCy = swap ? Y1 : Y2;
    rx0 = Math.max(rx0, Math.floor(Math.min(X0, X1, X2) / SUB)); rx1 = Math.min(rx1, Math.ceil(Math.max(X0, X1, X2) / SUB) + 1);
    ry0 = Math.max(ry0, Math.floor(Math.min(Y0, Y1, Y2) / SUB)); ry1 = Math.min(ry1, Math.ceil(Math.max(Y0, Y1, Y2) / SUB) + 1);
    if (rx0 >= rx1 || ry0 >= ry1) return;
    // Trivial reject: binning goes by bounding box, so a tile often holds a
    // triangle that covers none of its pixels (each half of a full-screen
    // quad, in most tiles). An edge function is linear, so if it excludes
    // all four corner pixel centres of the rectangle it excludes every pixel
    // centre between them, and the kernel would shade nothing: no warp, no
    // fragment, the same tile. Only while every product is exact in double
    // (vertices within 2^24 sub-pixel units, 65,536 pixels, of the origin).
    const LIM = 1 << 24;
    if (Math.max(Math.abs(X0), Math.abs(X1), Math.abs(X2), Math.abs(Y0), Math.abs(Y1), Math.abs(Y2)) <= LIM) {
      // (multisampled: the box of the corner pixels' sample positions, fused.ts coverageSpan)
      const sp = fb.samples > 1 ? MS_SPAN : PIXEL_SPAN;
      const sx0 = rx0 * SUB + sp.x0, sx1 = (rx1 - 1) * SUB + sp.x1, sy0 = ry0 * SUB + sp.y0, sy1 = (ry1 - 1) * SUB + sp.y1;
      if (outside(tCx - tBx, tBy, tCy - tBy, tBx, sx0, sx1, sy0, sy1) || outside(tAx - tCx, tCy, tAy - tCy, tCx, sx0, sx1, sy0, sy1)
        || outside(tBx - tAx, tAy, tBy - tAy, tAx, sx0, sx1, sy0, sy1)) { fusedCounters.triangles++; return; }
    }
    let zOffset = 0;
    if (st.polygon_offset) {
      let zslope = 0;
      // max depth slope of the plane through the three vertices
      const x1 = V[o + per]! - V[o]!, y1 = V[o + per + 1]! - V[o + 1]!, z1 = V[o + per + 2]! - V[o + 2]!;
      const x2 = V[o + 2 * per]! - V[o]!, y2 = V[o + 2 * per + 1]! - V[o + 1]!, z2 = V[o + 2 * per + 2]! - V[o + 2]!;
      const det = x1 * y2 - x2 * y1;
      if (det !== 0) {
        const dzdx = (z1 * y2 - z2 * y1) / det, dzdy = (x1 * z2 - x2 * z1) / det;
        zslope = Math.max(Math.abs(dzdx), Math.abs(dzdy));
      }
      zOffset = st.polygon_offset_factor! * zslope + st.polygon_offset_units! * (fb.zsFormat === 1 ? 1 / 65536 : 1 / 16777216);
    }
    const f64 = kernel.f64, i32 = kernel.i32, w = kernel.at, d = w >> 1;
    // the edge functions as the generic loop evaluates them: E(x, y) = a (y - py) - b (x - px)
    const e = d + PRIM.edge / 8;
    f64[e] = tCx - tBx; f64[e + 1] = tBy; f64[e + 2] = tCy - tBy; f64[e + 3] = tBx;
    f64[e + 4] = tAx - tCx; f64[e + 5] = tCy; f64[e + 6] = tAy - tCy; f64[e + 7] = tCx;
    f64[e + 8] = tBx - tAx; f64[e + 9] = tAy; f64[e + 10] = tBy - tAy; f64[e + 11] = tAx;
    f64[d + PRIM.area / 8] = area;
    f64[d + PRIM.zOffset / 8] = zOffset;
    f64[d + PRIM.invW / 8] = V[o + 3]!; f64[d + PRIM.invW / 8 + 1] = V[o + per + 3]!; f64[d + PRIM.invW / 8 + 2] = V[o + 2 * per + 3]!;
    f64[d + PRIM.z / 8] = V[o + 2]!; f64[d + PRIM.z / 8 + 1] = V[o + per + 2]!; f64[d + PRIM.z / 8 + 2] = V[o + 2 * per + 2]!;
    f64[d + PRIM.blendConst / 8] = bc[0]!; f64[d + PRIM.blendConst / 8 + 1] = bc[1]!; f64[d + PRIM.blendConst / 8 + 2] = bc[2]!; f64[d + PRIM.blendConst / 8 + 3] = bc[3]!;
    i32[w + PRIM.rx0 / 4] = rx0; i32[w + PRIM.ry0 / 4] = ry0; i32[w + PRIM.rx1 / 4] = rx1; i32[w + PRIM.ry1 / 4] = ry1;
    i32[w + PRIM.x0 / 4] = x0; i32[w + PRIM.y0 / 4] = y0;
    // top-left rule: an edge (dx, dy) with dy < 0, or dy = 0 and dx > 0, owns its pixel centres
    let ddx = tCx - tBx, ddy = tCy - tBy;
    i32[w + PRIM.topLeft / 4] = ddy < 0 || (ddy === 0 && ddx > 0) ? 1 : 0;
    ddx = tAx - tCx; ddy = tAy - tCy;
    i32[w + PRIM.topLeft / 4 + 1] = ddy < 0 || (ddy === 0 && ddx > 0) ? 1 : 0;
    ddx = tBx - tAx; ddy = tBy - tAy;
    i32[w + PRIM.topLeft / 4 + 2] = ddy < 0 || (ddy === 0 && ddx > 0) ? 1 : 0;
    i32[w + PRIM.ibIsOne / 4] = swap ? 0 : 1;
    i32[w + PRIM.nvary / 4] = p.nvary;
    i32[w + PRIM.front / 4] = p.front ? 0x3f800000 : 0;
    const vy = d + PRIM.vary / 8;
    for (let i = 0, a = o + VERTEX_FIXED; i < p.nvary; i++, a++) { f64[vy + i * 3] = V[a]!; f64[vy + i * 3 + 1] = V[a + per]!; f64[vy + i * 3 + 2] = V[a + 2 * per]!; }
    const fs = ds.fs;
    // what the kernel's calls to the I/O port read (textures, global memory); varyings and special registers it computes itself
    this.curP = p; this.curSlot = slot; this.curFs = fs;
    this.io.uniforms = fs.uniforms;
    bindSamplers(this.mmu.mem, kernel.base, fs.textures);
    const occlusion = ds.draw.occlusion === 1;
    if (occlusion) i32[w + PRIM.samples / 4] = 0;
    kernel.run(this.io, this.lastCache!.watch, stats);
    if (occlusion) countSamples(stats, ds.draw.occlusion_address!, i32[w + PRIM.samples / 4]!);
  }

  /**
   * Depth/stencil test, then blend, quantise and colour-mask lane `l`'s outputs into tile pixel `i` of each
   * render target, in one sample plane of the tile memory (plane 0 when single-sampled). True when the sample passed the depth and stencil tests (what occlusion queries count).
   */
  private writeFragment(
    l: number, i: number, p: Prim, st: StructValues, ops: FragmentOps, fb: Framebuffer, zsFmt: number,
    tile: TilePlane, z: number,
  ): boolean {
    const { depth, stencil } = tile;
    // Depth and stencil (no depth/stencil attachment: the tests pass, as GL specifies).
    if (zsFmt) {
      const zq = quantDepth(zsFmt, z);
      if (ops.stencilTest && ZS_HAS_STENCIL[zsFmt]) {
        const back = p.kind === 0 && !p.front;
        const func = back ? st.stencil_back_func! : st.stencil_front_func!;
        const ref = back ? st.stencil_back_ref! : st.stencil_front_ref!;
        const mask = back ? st.stencil_back_mask! : st.stencil_front_mask!;
        const wmask = back ? st.stencil_back_writemask! : st.stencil_front_writemask!;
        const cur = stencil[i]!;
        const pass = compare(func, ref & mask, cur & mask);
        const set = (op: number) => { stencil[i] = (cur & ~wmask) | (stencilOp(op, cur, ref) & wmask); };
        if (!pass) { set(back ? st.stencil_back_fail! : st.stencil_front_fail!); return false; }
        const zpass = !ops.depthTest || compare(ops.depthFunc, zq, depth[i]!);
        set(zpass ? (back ? st.stencil_back_zpass! : st.stencil_front_zpass!) : (back ? st.stencil_back_zfail! : st.stencil_front_zfail!));
        if (!zpass) return false;
      } else if (ops.depthTest && !compare(ops.depthFunc, zq, depth[i]!)) return false;
      if (ops.depthTest && ops.depthWrite) depth[i] = zq;
    }
    const targets = fb.targets;
    for (let t = 0; t < targets.length; t++) {
      if (ops.rtDisable & (1 << t)) continue;
      const rt = targets[t]!;
      if (COLOR_INT[rt.format]) {
        // an integer target: the output's words as they are, channel by channel under the colour mask; no
        // blending (ES 3.0 § 4.1.7), no conversion (the store keeps each channel's low bits)
        const words = tile.colorBits[t]!, out = this.outBits[t]!, so = l * 4, dof = i * 4, cm = ops.colorMask;
        for (let c = 0; c < 4; c++) if (cm & (1 << c)) words[dof + c] = out[so + c]!;
        continue;
      }
      this.writeColor(l, i, ops, rt.format, tile.colors[t]!, this.outColors[t]!, rt.tile === 'unorm8' ? tile.colorBytes[t]! : null);
    }
    return true;
  }

  /**
   * Blend (float32), quantise and colour-mask lane `l`'s output colour into tile pixel `i` of one render target
   * (interp.ts): its floats in `color`, or with `bytes` its unorm8 bytes (the k of each k / 255).
   */
  private writeColor(l: number, i: number, ops: FragmentOps, fmt: number, tileColor: Float32Array, outColor: Float32Array, bytes: Uint8Array | null): void {
    const so = l * 4;
    let color = tileColor, dof = i * 4;
    if (bytes) {
      // the destination as blending reads it: float32(k / 255)
      color = this.scratchDst; dof = 0;
      if (ops.blend) for (let c = 0; c < 4; c++) color[c] = UNORM8_F32[bytes[i * 4 + c]!]!;
    }
    const res = this.scratchRes, fr = Math.fround;
    if (ops.blend) {
      const src = this.scratchSrc, blendC = ops.blendC;
      // normalized targets clamp the fragment's colour before blending; float targets blend it as it is
      if (COLOR_NORMALIZED[fmt]) for (let c = 0; c < 4; c++) src[c] = Math.min(1, Math.max(0, outColor[so + c]!));
      else for (let c = 0; c < 4; c++) src[c] = outColor[so + c]!;
      for (let c = 0; c < 4; c++) {
        const eq = c < 3 ? ops.eqRgb : ops.eqA;
        const sf = blendFactor(c < 3 ? ops.srcRgb : ops.srcA, src, 0, color, dof, blendC, c);
        const df = blendFactor(c < 3 ? ops.dstRgb : ops.dstA, src, 0, color, dof, blendC, c);
        const s = src[c]!, d = color[dof + c]!;
        res[c] = eq === 0 ? fr(s * sf) + fr(d * df) : eq === 1 ? fr(s * sf) - fr(d * df) : eq === 2 ? fr(d * df) - fr(s * sf) : eq === 3 ? Math.min(s, d) : Math.max(s, d);
      }
    } else for (let c = 0; c < 4; c++) res[c] = outColor[so + c]!;
    const q = FRAGMENT_QUANT[fmt];
    if (q) {
      for (let c = 0; c < 4; c++) {
        const m = q[c]!;
        if (m > 0) res[c] = quantUnorm(res[c]!, m);
        else if (m === QUANT_ZERO) res[c] = 0;
        else if (m === QUANT_ONE) res[c] = 1;
        // QUANT_FLOAT: the float32 as it is
      }
    } else quantColor(fmt, res, 0); // sRGB: encoded as the format holds it
    const cm = ops.colorMask;
    // a quantised unorm8 channel is some float32(k / 255): k * 255 rounds back to k
    if (bytes) { for (let c = 0; c < 4; c++) if (cm & (1 << c)) bytes[i * 4 + c] = Math.round(res[c]! * 255); }
    else for (let c = 0; c < 4; c++) if (cm & (1 << c)) color[dof + c] = res[c]!;
  }
}

/**
 * Whether the edge E(x, y) = a (y - py) - b (x - px) excludes every pixel
 * centre of the rectangle with corner centres (sx0..sx1, sy0..sy1): its
 * largest value there (at a corner) is negative, or zero on an edge that
 * does not own its pixel centres (the top-left rule, dy < 0 or dy = 0 and
 * dx > 0, with (dx, dy) = (a, b)).
 */
function outside(a: number, py: number, b: number, px: number, sx0: number, sx1: number, sy0: number, sy1: number): boolean {
  const e = Math.max(a * (sy0 - py) - b * (sx0 - px), a * (sy0 - py) - b * (sx1 - px), a * (sy1 - py) - b * (sx0 - px), a * (sy1 - py) - b * (sx1 - px));
  return e < 0 || (e === 0 && !(b < 0 || (b === 0 && a > 0)));
}

interface FusedEntry { fb: Framebuffer; kernel: FusedKernel | null; blendC: Float32Array }

function lastAlive(w: Warp): number { return w.aliveOut; }

export { LAYOUT };
