/**
 * The vertex/tiler pipeline. For each DRAW in the job's list: fetch indices,
 * run the vertex shader on the shader core (warps of 16 vertices), assemble
 * primitives, clip against the near and far planes, divide by w, apply the
 * viewport, cull, and bin each primitive into the lists of the tiles its
 * bounding box touches.
 *
 * Binned primitives live in the tiler heap, in GPU memory (layout below).
 * When the heap is exhausted the pipeline asks the command processor for a
 * partial render (`onHeapFull`): the fragment pipeline renders and stores what
 * is binned, the heap is reset and binning resumes — as AGX's buffer manager
 * does.
 *
 * Heap layout (32-bit words):
 *   [0] top: bytes allocated   [1] primitive count   [2] tilesX   [3] tilesY
 *   [4 .. 4 + 2*tiles)          per tile: first chunk offset, last chunk offset (0 = empty)
 *   then chunks and primitive records, bump-allocated:
 *   chunk:   next, count, CHUNK_ENTRIES record offsets
 *   record:  draw VA lo, draw VA hi, kind | front_facing << 2 | vertex count << 3, varyings N,
 *            then per vertex: x, y, z (window), 1/w, point size, N varyings (floats)
 */
import { ACCESS_READ, ACCESS_WRITE } from '../hwdesc/regs.js';
import { ATTRIB_TYPE, TILE_SIZE } from '../hwdesc/descriptors.js';
import { VARY_FIRST_USER, VARY_POINT_SIZE } from '../hwdesc/isa.js';
import type { Mmu } from './mmu.js';
import { GpuFault } from './mmu.js';
import { JobCache, type DrawState } from './drawstate.js';
import { LANES, Warp, type ShaderIO } from './shader-core.js';
import { VaWindow } from './vabuf.js';
import { halfToFloat } from '../base/half.js';

export const HEAP_HEADER_WORDS = 4;
export const CHUNK_ENTRIES = 30;
export const CHUNK_BYTES = (2 + CHUNK_ENTRIES) * 4;
export const PRIM_TRIANGLE = 0, PRIM_LINE = 1, PRIM_POINT = 2;
export const VERTEX_FIXED = 5; // x, y, z, 1/w, point size

export class HeapFull extends Error {}

export interface VertexJobParams {
  draws: number;
  heapBase: number;
  heapSize: number;
  width: number;
  height: number;
}

export interface TilerStats { vertices: number; primitives: number; partials: number; instructions: number }

/** A post-transform vertex. */
interface PVertex { clip: Float32Array; psize: number; vary: Float32Array }

export class TilerHeap {
  readonly win: VaWindow;
  readonly tilesX: number;
  readonly tilesY: number;
  constructor(mmu: Mmu, slot: number, base: number, size: number, width: number, height: number) {
    this.win = new VaWindow(mmu, slot, base, size, ACCESS_WRITE);
    this.tilesX = Math.ceil(width / TILE_SIZE);
    this.tilesY = Math.ceil(height / TILE_SIZE);
    if ((HEAP_HEADER_WORDS + 2 * this.tilesX * this.tilesY) * 4 + CHUNK_BYTES > size) {
      throw new GpuFault(base + size, slot, ACCESS_WRITE, 'tiler heap smaller than the tile table');
    }
  }
  reset(): void {
    const w = this.win;
    const tiles = this.tilesX * this.tilesY;
    w.w32(0, (HEAP_HEADER_WORDS + 2 * tiles) * 4);
    w.w32(4, 0);
    w.w32(8, this.tilesX);
    w.w32(12, this.tilesY);
    for (let i = 0; i < 2 * tiles; i++) w.w32((HEAP_HEADER_WORDS + i) * 4, 0);
  }
  private alloc(bytes: number): number {
    const top = this.win.r32(0);
    if (top + bytes > this.win.len) throw new HeapFull();
    this.win.w32(0, top + bytes);
    return top;
  }
  /** Writes a record and links it into each tile's list; throws HeapFull before writing anything partial. */
  bin(record: Float32Array | number[], header: number[], tx0: number, ty0: number, tx1: number, ty1: number): void {
    const w = this.win;
    // reserve: the record plus, worst case, one new chunk per touched tile
    const tiles = (tx1 - tx0 + 1) * (ty1 - ty0 + 1);
    const need = (header.length + record.length) * 4 + tiles * CHUNK_BYTES;
    if (w.r32(0) + need > w.len) throw new HeapFull();
    const rec = this.alloc((header.length + record.length) * 4);
    header.forEach((v, i) => w.w32(rec + i * 4, v));
    for (let i = 0; i < record.length; i++) w.wf32(rec + (header.length + i) * 4, record[i]!);
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const t = (HEAP_HEADER_WORDS + 2 * (ty * this.tilesX + tx)) * 4;
        let last = w.r32(t + 4);
        if (!last || w.r32(last + 4) === CHUNK_ENTRIES) {
          const c = this.alloc(CHUNK_BYTES);
          w.w32(c, 0);
          w.w32(c + 4, 0);
          if (last) w.w32(last, c); else w.w32(t, c);
          w.w32(t + 4, c);
          last = c;
        }
        const n = w.r32(last + 4);
        w.w32(last + 8 + n * 4, rec);
        w.w32(last + 4, n + 1);
      }
    }
    w.w32(4, w.r32(4) + 1);
  }
}

function fetchAttribComponent(mmu: Mmu, slot: number, a: Record<string, number>, index: number, comp: number): number {
  const comps = a.components!;
  if (comp >= comps) return comp === 3 ? 1 : 0;
  const type = ATTRIB_TYPE[a.type!]!;
  const size = type === 'f32' || type === 'u32' || type === 's32' ? 4 : type === 'u16' || type === 's16' || type === 'f16' ? 2 : 1;
  const off = index * a.stride! + comp * size;
  if (a.size && off + size > a.size) return 0; // robust access: reads past the buffer give 0
  const pa = mmu.translate(slot, a.address! + off, ACCESS_READ);
  const m = mmu.mem;
  const norm = a.normalized === 1;
  switch (type) {
    case 'f32': return m.dv.getFloat32(pa, true);
    case 'f16': return halfToFloat(m.dv.getUint16(pa, true));
    case 'u8': { const v = m.dv.getUint8(pa); return norm ? v / 255 : v; }
    case 's8': { const v = m.dv.getInt8(pa); return norm ? Math.max(-1, v / 127) : v; }
    case 'u16': { const v = m.dv.getUint16(pa, true); return norm ? v / 65535 : v; }
    case 's16': { const v = m.dv.getInt16(pa, true); return norm ? Math.max(-1, v / 32767) : v; }
    case 'u32': { const v = m.dv.getUint32(pa, true); return norm ? v / 4294967295 : v; }
    case 's32': { const v = m.dv.getInt32(pa, true); return norm ? Math.max(-1, v / 2147483647) : v; }
  }
}

const fbits = new Float32Array(1);
const ubits = new Uint32Array(fbits.buffer);

export class VertexPipeline {
  private readonly warps = new Map<number, Warp>();
  private rec = new Float32Array(64);
  constructor(readonly mmu: Mmu) {}

  /**
   * Runs a vertex job. `onHeapFull` renders what is binned (a partial render);
   * it is called with the heap full and must leave it reset.
   */
  run(slot: number, job: VertexJobParams, cache: JobCache, onHeapFull: (heap: TilerHeap) => void): TilerStats {
    const heap = new TilerHeap(this.mmu, slot, job.heapBase, job.heapSize, job.width, job.height);
    heap.reset();
    const stats: TilerStats = { vertices: 0, primitives: 0, partials: 0, instructions: 0 };
    let va = job.draws;
    const seen = new Set<number>();
    while (va) {
      if (seen.has(va) || seen.size > 1 << 16) throw new GpuFault(va, slot, ACCESS_READ, 'draw list loops');
      seen.add(va);
      const ds = cache.draw(va);
      this.runDraw(slot, ds, heap, job, stats, onHeapFull);
      va = ds.draw.next!;
    }
    return stats;
  }

  private shadeVertices(slot: number, ds: DrawState, indices: number[], instance: number, stats: TilerStats): PVertex[] {
    const vs = ds.vs;
    const nvary = vs.desc.varyings!;
    const out: PVertex[] = [];
    const mmu = this.mmu;
    let warp = this.warps.get(vs.regs);
    if (!warp) this.warps.set(vs.regs, (warp = new Warp(vs.regs)));
    const cur: PVertex[] = [];
    let laneIndex: number[] = [];
    const io: ShaderIO = {
      uniforms: vs.uniforms,
      special: (lane, which) => {
        if (which === 1) return laneIndex[lane]! >>> 0;
        if (which === 2) return instance;
        if (which === 0) return lane;
        return 0;
      },
      ldAttr: (lane, s, comp) => {
        const a = ds.attribs[s];
        if (!a) return comp === 3 ? 0x3f800000 : 0;
        const idx = a.divisor ? Math.floor(instance / a.divisor) : laneIndex[lane]!;
        const v = fetchAttribComponent(mmu, slot, a, idx, comp);
        const t = ATTRIB_TYPE[a.type!]!;
        if (!a.normalized && (t === 'u32' || t === 's32')) return v >>> 0; // integer attributes stay integers
        fbits[0] = v;
        return ubits[0]!;
      },
      stVary: (lane, s, bits) => {
        ubits[0] = bits;
        const v = cur[lane]!;
        if (s < 4) v.clip[s] = fbits[0]!;
        else if (s === VARY_POINT_SIZE) v.psize = fbits[0]!;
        else if (s >= VARY_FIRST_USER && s - VARY_FIRST_USER < nvary) v.vary[s - VARY_FIRST_USER] = fbits[0]!;
      },
      ldVary: () => 0,
      stOut: () => undefined,
      tex: (sampler, dim, mode, mask, coords, lod, _g, res) => sampleVertexTextures(vs.textures, sampler, mode, mask, coords, lod, res),
      ldGlobal: (a) => mmu.read32(slot, a),
      stGlobal: (a, v) => mmu.write32(slot, a, v),
    };
    // one store for every output of this batch; vertices are views into it
    const per = 4 + nvary;
    const store = new Float32Array(indices.length * per);
    for (let i = 0; i < indices.length; i += LANES) {
      laneIndex = indices.slice(i, i + LANES);
      cur.length = 0;
      for (let l = 0; l < laneIndex.length; l++) {
        const o = (i + l) * per;
        store[o + 3] = 1;
        cur.push({ clip: store.subarray(o, o + 4), psize: 1, vary: store.subarray(o + 4, o + per) });
      }
      warp.mask = (1 << laneIndex.length) - 1;
      warp.u32.fill(0);
      stats.instructions += vs.exec(warp, io);
      out.push(...cur);
    }
    stats.vertices += indices.length;
    return out;
  }

  private runDraw(slot: number, ds: DrawState, heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    const d = ds.draw;
    const count = d.count!;
    if (!count) return;
    // Gather the index stream.
    const elems: number[] = new Array(count);
    if (d.index_type) {
      const size = d.index_type === 1 ? 1 : d.index_type === 2 ? 2 : 4;
      const win = new VaWindow(this.mmu, slot, d.indices! + d.first! * size, count * size, ACCESS_READ);
      for (let i = 0; i < count; i++) {
        elems[i] = (size === 1 ? win.r8(i) : size === 2 ? win.r16(i * 2) : win.r32(i * 4)) + d.base_vertex!;
      }
    } else {
      for (let i = 0; i < count; i++) elems[i] = d.first! + i;
    }
    const instances = Math.max(1, d.instance_count!);
    for (let inst = 0; inst < instances; inst++) {
      if (!d.index_type) {
        this.assemble(ds, this.shadeVertices(slot, ds, elems, inst, stats), heap, job, stats, onHeapFull);
        continue;
      }
      // Post-transform cache: each distinct index is shaded once per instance.
      const unique = [...new Set(elems)];
      const shaded = this.shadeVertices(slot, ds, unique, inst, stats);
      const byIndex = new Map<number, PVertex>();
      unique.forEach((e, i) => byIndex.set(e, shaded[i]!));
      const verts = elems.map((e) => byIndex.get(e)!);
      this.assemble(ds, verts, heap, job, stats, onHeapFull);
    }
  }

  private assemble(ds: DrawState, v: PVertex[], heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    const mode = ds.draw.primitive!;
    const n = v.length;
    const emit = (kind: number, ...vs: PVertex[]) => this.emitPrimitive(ds, kind, vs, heap, job, stats, onHeapFull);
    switch (mode) {
      case 0: for (let i = 0; i < n; i++) emit(PRIM_POINT, v[i]!); break;
      case 1: for (let i = 0; i + 1 < n; i += 2) emit(PRIM_LINE, v[i]!, v[i + 1]!); break;
      case 2: if (n >= 2) { for (let i = 0; i + 1 < n; i++) emit(PRIM_LINE, v[i]!, v[i + 1]!); emit(PRIM_LINE, v[n - 1]!, v[0]!); } break;
      case 3: for (let i = 0; i + 1 < n; i++) emit(PRIM_LINE, v[i]!, v[i + 1]!); break;
      case 4: for (let i = 0; i + 2 < n; i += 3) emit(PRIM_TRIANGLE, v[i]!, v[i + 1]!, v[i + 2]!); break;
      case 5: for (let i = 0; i + 2 < n; i++) {
        if (i % 2 === 0) emit(PRIM_TRIANGLE, v[i]!, v[i + 1]!, v[i + 2]!); else emit(PRIM_TRIANGLE, v[i + 1]!, v[i]!, v[i + 2]!);
      } break;
      case 6: for (let i = 1; i + 1 < n; i++) emit(PRIM_TRIANGLE, v[0]!, v[i]!, v[i + 1]!); break;
      default: break; // undefined primitive types draw nothing
    }
  }

  private emitPrimitive(ds: DrawState, kind: number, vs: PVertex[], heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    let polys: PVertex[][];
    if (kind === PRIM_TRIANGLE) polys = clipPolygon(vs);
    else polys = vs.every((p) => p.clip[3]! > 0 && Math.abs(p.clip[2]!) <= p.clip[3]!) ? [vs] : kind === PRIM_LINE ? clipLine(vs) : [];
    for (const poly of polys) {
      // Facing from the signed area in NDC (before the viewport, so a flipped viewport does not change it).
      let front = 1;
      if (kind === PRIM_TRIANGLE) {
        const a = poly.map((p) => [p.clip[0]! / p.clip[3]!, p.clip[1]! / p.clip[3]!]);
        let area = 0;
        for (let i = 0; i < a.length; i++) {
          const p = a[i]!, q = a[(i + 1) % a.length]!;
          area += p[0]! * q[1]! - q[0]! * p[1]!;
        }
        const ccw = area > 0;
        front = ccw === (ds.state.front_ccw === 1) ? 1 : 0;
        const cull = ds.state.cull!;
        if (area === 0) continue;
        if (cull === 3 || (cull === 1 && front) || (cull === 2 && !front)) continue;
      }
      const win = poly.map((p) => this.toWindow(ds, p));
      const tris: PVertex[][] = [];
      const wtris: number[][][] = [];
      if (kind === PRIM_TRIANGLE) for (let i = 1; i + 1 < poly.length; i++) { tris.push([poly[0]!, poly[i]!, poly[i + 1]!]); wtris.push([win[0]!, win[i]!, win[i + 1]!]); }
      else { tris.push(poly); wtris.push(win); }
      for (let t = 0; t < tris.length; t++) this.binOne(ds, kind, front, tris[t]!, wtris[t]!, heap, job, stats, onHeapFull);
    }
  }

  private toWindow(ds: DrawState, p: PVertex): number[] {
    const d = ds.draw, st = ds.state;
    const iw = 1 / p.clip[3]!;
    const nx = p.clip[0]! * iw, ny = p.clip[1]! * iw, nz = p.clip[2]! * iw;
    const n = st.depth_near!, f = st.depth_far!;
    return [
      (nx + 1) * 0.5 * d.viewport_w! + d.viewport_x!,
      (ny + 1) * 0.5 * d.viewport_h! + d.viewport_y!,
      nz * 0.5 * (f - n) + 0.5 * (f + n),
      iw,
    ];
  }

  private binOne(ds: DrawState, kind: number, front: number, vs: PVertex[], win: number[][], heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    const nvary = ds.vs.desc.varyings!;
    // Bounding box in pixels, widened for points and lines.
    let pad = 0;
    if (kind === PRIM_POINT) pad = Math.max(1, vs[0]!.psize) / 2 + 1;
    if (kind === PRIM_LINE) pad = Math.max(1, ds.state.line_width!) / 2 + 1;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const w of win) {
      x0 = Math.min(x0, w[0]! - pad); x1 = Math.max(x1, w[0]! + pad);
      y0 = Math.min(y0, w[1]! - pad); y1 = Math.max(y1, w[1]! + pad);
    }
    let minx = 0, miny = 0, maxx = job.width - 1, maxy = job.height - 1;
    if (ds.state.scissor) {
      minx = Math.max(minx, ds.draw.scissor_minx!); miny = Math.max(miny, ds.draw.scissor_miny!);
      maxx = Math.min(maxx, ds.draw.scissor_maxx! - 1); maxy = Math.min(maxy, ds.draw.scissor_maxy! - 1);
    }
    const px0 = Math.max(minx, Math.floor(x0)), px1 = Math.min(maxx, Math.ceil(x1));
    const py0 = Math.max(miny, Math.floor(y0)), py1 = Math.min(maxy, Math.ceil(y1));
    if (!(px0 <= px1 && py0 <= py1)) return;
    const tx0 = Math.floor(px0 / TILE_SIZE), tx1 = Math.floor(px1 / TILE_SIZE);
    const ty0 = Math.floor(py0 / TILE_SIZE), ty1 = Math.floor(py1 / TILE_SIZE);
    const per = VERTEX_FIXED + nvary;
    if (this.rec.length < vs.length * per) this.rec = new Float32Array(vs.length * per * 2);
    const rec = this.rec.subarray(0, vs.length * per);
    vs.forEach((p, i) => {
      rec.set(win[i]!, i * per);
      rec[i * per + 4] = p.psize;
      rec.set(p.vary, i * per + VERTEX_FIXED);
    });
    const header = [ds.va % 0x1_0000_0000 >>> 0, Math.floor(ds.va / 0x1_0000_0000), kind | (front << 2) | (vs.length << 3), nvary];
    try {
      heap.bin(rec, header, tx0, ty0, tx1, ty1);
    } catch (e) {
      if (!(e instanceof HeapFull)) throw e;
      stats.partials++;
      onHeapFull(heap);
      try {
        heap.bin(rec, header, tx0, ty0, tx1, ty1);
      } catch (e2) {
        if (!(e2 instanceof HeapFull)) throw e2;
        throw new GpuFault(heap.win.va + heap.win.len, heap.win.slot, ACCESS_WRITE, 'tiler heap too small for one primitive');
      }
    }
    stats.primitives++;
  }
}

function sampleVertexTextures(
  textures: import('./texture.js').BoundTexture[], sampler: number, mode: number, mask: number,
  coords: Float32Array, lod: Float32Array, res: Float32Array,
): void {
  const t = textures[sampler];
  for (let l = 0; l < LANES; l++) {
    if (!(mask & (1 << l))) continue;
    if (!t) { res.fill(0, l * 4, l * 4 + 3); res[l * 4 + 3] = 1; continue; }
    // vertex shaders have no derivatives: implicit LOD is 0, explicit LOD as given
    const lambda = mode === 2 ? lod[l]! : 0;
    sampleImpl(t, coords, l * 4, lambda, res, l * 4);
  }
}
import { sample as sampleImpl } from './texture.js';

/** Homogeneous clipping of a polygon against -w <= z <= w (and w > 0), interpolating varyings. */
export function clipPolygon(poly: PVertex[]): PVertex[][] {
  const inside = poly.every((p) => p.clip[3]! > 0 && p.clip[2]! >= -p.clip[3]! && p.clip[2]! <= p.clip[3]!);
  if (inside) return [poly];
  let cur = poly;
  const planes: Array<(c: Float32Array) => number> = [
    (c) => c[2]! + c[3]!, // z >= -w
    (c) => c[3]! - c[2]!, // z <= w
    (c) => c[3]! - 1e-6,  // w > 0
  ];
  for (const d of planes) {
    const next: PVertex[] = [];
    for (let i = 0; i < cur.length; i++) {
      const a = cur[i]!, b = cur[(i + 1) % cur.length]!;
      const da = d(a.clip), db = d(b.clip);
      if (da >= 0) next.push(a);
      if ((da >= 0) !== (db >= 0)) next.push(lerpVertex(a, b, da / (da - db)));
    }
    cur = next;
    if (cur.length < 3) return [];
  }
  return [cur];
}

function clipLine(l: PVertex[]): PVertex[][] {
  let [a, b] = l as [PVertex, PVertex];
  const planes: Array<(c: Float32Array) => number> = [(c) => c[2]! + c[3]!, (c) => c[3]! - c[2]!, (c) => c[3]! - 1e-6];
  for (const d of planes) {
    const da = d(a.clip), db = d(b.clip);
    if (da < 0 && db < 0) return [];
    if (da < 0) a = lerpVertex(a, b, da / (da - db));
    else if (db < 0) b = lerpVertex(a, b, da / (da - db));
  }
  return [[a, b]];
}

function lerpVertex(a: PVertex, b: PVertex, t: number): PVertex {
  const clip = new Float32Array(4);
  for (let i = 0; i < 4; i++) clip[i] = a.clip[i]! + (b.clip[i]! - a.clip[i]!) * t;
  const vary = new Float32Array(a.vary.length);
  for (let i = 0; i < vary.length; i++) vary[i] = a.vary[i]! + (b.vary[i]! - a.vary[i]!) * t;
  return { clip, psize: a.psize + (b.psize - a.psize) * t, vary };
}
