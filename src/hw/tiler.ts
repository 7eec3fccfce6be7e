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
import { ATTRIB_TYPE, TILE_SIZE, VERTEX_BUFFER_WORDS } from '../hwdesc/descriptors.js';
import { VARY_FIRST_USER, VARY_POINT_SIZE } from '../hwdesc/isa.js';
import { ATTRIB_FETCH, VERTEX_OUT_MAX_WORDS } from '../hwdesc/corelocal.js';
import type { Mmu } from './mmu.js';
import { GpuFault } from './mmu.js';
import { JobCache, SHADER_MODE, type DrawState } from './drawstate.js';
import { LANES, TEX_FETCH, TEX_SIZE, Warp, type ShaderIO, type VertexOutputs } from './shader-core.js';
import { VaWindow } from './vabuf.js';
import { halfToFloat } from '../base/half.js';
import { XfbCapture } from './xfb.js';

export const HEAP_HEADER_WORDS = 4;
export const CHUNK_ENTRIES = 30;
export const CHUNK_BYTES = (2 + CHUNK_ENTRIES) * 4;
export const PRIM_TRIANGLE = 0, PRIM_LINE = 1, PRIM_POINT = 2;
export const VERTEX_FIXED = 5; // x, y, z, 1/w, point size

export class HeapFull extends Error {}

/** Batches of at least this many vertices are shaded on every core (smaller ones are not worth waking them). */
export const VERTEX_SHARE_MIN = 4096;

/** One batch of vertices to shade, as it crosses to the other cores (shared storage). */
export interface VertexShadeJob {
  slot: number;
  drawVa: number;
  instance: number;
  /** the batch's vertex indices */
  indices: Float64Array;
  /** outputs: per vertex `per` floats (clip position, varyings), and point sizes */
  store: Float32Array;
  psize: Float32Array;
  per: number;
}

/** Batches of at least this many triangles are binned on every core. */
export const BIN_SHARE_MIN = 4096;
/** Heap bytes a core binning a range reserves at a time (the rest of its last block stays unused). */
export const BIN_BLOCK = 64 * 1024;

/**
 * One batch of triangles to bin on every core (shared storage): items of
 * `chunk` triangles, each binned into lists of its own — per item, per tile
 * the first and last chunk of its list (`tables`, `tableWords` per item, the
 * item's record count last) — which the vertex pipeline then links onto the
 * heap's tile lists in item order: the same records in the same order as
 * binning them one after another.
 */
export interface BinShareJob {
  slot: number;
  drawVa: number;
  heapBase: number; heapSize: number; width: number; height: number;
  /** the shaded batch (VertexBatch's storage) */
  store: Float32Array; psize: Float32Array; per: number;
  /** batch vertex of each stream vertex (indexed draws), or null: stream vertex k is batch vertex k */
  ids: Int32Array | null;
  tris: number; chunk: number;
  tables: Int32Array; tableWords: number;
}

/** The shader cores, as the vertex pipeline shares a batch with them. */
export interface VertexSharing {
  /** Shades every vertex of `job`, the calling core running `here(from, to)` for the chunks it takes; throws the first error in vertex order. */
  shade(job: VertexShadeJob, stats: { instructions: number }, here: (from: number, to: number) => void): void;
  /** Bins every item of `job`, the calling core running `here(item)` for the items it takes; false when an item failed (nothing is linked then). */
  bin(job: BinShareJob, here: (item: number) => void): boolean;
}

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
  bin(record: Float32Array | number[], header: number[], tx0: number, ty0: number, tx1: number, ty1: number, length = record.length, bits?: Uint32Array): void {
    const w = this.win;
    if (w.pa >= 0 && (w.pa & 3) === 0) { this.binDirect(record, header, tx0, ty0, tx1, ty1, length, bits); return; }
    // reserve: the record plus, worst case, one new chunk per touched tile
    const tiles = (tx1 - tx0 + 1) * (ty1 - ty0 + 1);
    const need = (header.length + length) * 4 + tiles * CHUNK_BYTES;
    if (w.r32(0) + need > w.len) throw new HeapFull();
    const rec = this.alloc((header.length + length) * 4);
    for (let i = 0; i < header.length; i++) w.w32(rec + i * 4, header[i]!);
    // the record's bits as they are (a flat integer varying may look like a signalling NaN)
    if (bits) for (let i = 0; i < length; i++) w.w32(rec + (header.length + i) * 4, bits[i]!);
    else for (let i = 0; i < length; i++) w.wf32(rec + (header.length + i) * 4, record[i]!);
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

  /**
   * bin() on a heap that is one physically contiguous window: the same
   * words written straight through typed arrays. Every offset it follows
   * (the top, a tile's last chunk) is checked against the window first, as
   * the window's accessors would (a garbage offset faults).
   */
  private binDirect(record: Float32Array | number[], header: number[], tx0: number, ty0: number, tx1: number, ty1: number, length: number, bits?: Uint32Array): void {
    const words = header.length + length, tiles = (tx1 - tx0 + 1) * (ty1 - ty0 + 1);
    const rec = this.reserve(words, tiles);
    const mem = this.win.mmu.mem, u32 = mem.u32, f32 = mem.f32;
    let r = (this.win.pa + rec) >> 2;
    for (let i = 0; i < header.length; i++) u32[r++] = header[i]!;
    // the record's bits as they are (a flat integer varying may look like a signalling NaN)
    // (a loop, not set(subarray): a record is a few dozen words, and a view per record is garbage)
    if (bits) for (let i = 0; i < length; i++) u32[r + i] = bits[i]!;
    else for (let i = 0; i < length; i++) f32[r + i] = record[i]!;
    this.commit(rec, words, tx0, ty0, tx1, ty1);
  }

  /** A fault at heap offset `off` (a garbage offset read from the heap), as the window's accessors give. */
  protected bad(off: number): GpuFault {
    const w = this.win;
    return new GpuFault(w.va + off, w.slot, ACCESS_WRITE, `offset ${off} outside a window of ${w.len} bytes`);
  }

  /**
   * Room for a record of `words` words touching `tiles` tiles, on a heap
   * that is one physically contiguous window: the record's byte offset in
   * the heap, where the caller writes its words in place (at the window's
   * physical address + offset) before commit(); -1 when the heap is not
   * contiguous (bin() then). Throws HeapFull before anything is written:
   * the record plus, worst case, one new chunk per touched tile.
   */
  reserve(words: number, tiles: number): number {
    const w = this.win;
    if (!(w.pa >= 0 && (w.pa & 3) === 0)) return -1;
    const top = w.mmu.mem.u32[w.pa >> 2]!;
    if (top + words * 4 + tiles * CHUNK_BYTES > w.len) throw new HeapFull();
    if (top & 3) throw this.bad(top);
    return top;
  }

  /**
   * Links the record written at `rec` (reserve()) into the lists of tiles
   * [tx0, tx1] x [ty0, ty1] and counts it. Every offset it follows (a tile's
   * last chunk) is checked against the window first, as the window's
   * accessors would (a garbage offset faults).
   */
  commit(rec: number, words: number, tx0: number, ty0: number, tx1: number, ty1: number): void {
    const w = this.win, len = w.len, u32 = w.mmu.mem.u32, b = w.pa >> 2;
    let top = rec + words * 4;
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const t = b + HEAP_HEADER_WORDS + 2 * (ty * this.tilesX + tx);
        let last = u32[t + 1]!;
        if (last && ((last & 3) || last + CHUNK_BYTES > len)) throw this.bad(last);
        if (!last || u32[b + (last >> 2) + 1] === CHUNK_ENTRIES) {
          const c = top;
          top += CHUNK_BYTES;
          u32[b + (c >> 2)] = 0;
          u32[b + (c >> 2) + 1] = 0;
          if (last) u32[b + (last >> 2)] = c; else u32[t] = c;
          u32[t + 1] = c;
          last = c;
        }
        const l = b + (last >> 2), n = u32[l + 1]!;
        if (n >= CHUNK_ENTRIES) throw this.bad(last + 8 + n * 4);
        u32[l + 2 + n] = rec;
        u32[l + 1] = n + 1;
      }
    }
    u32[b] = top;
    u32[b + 1] = u32[b + 1]! + 1;
  }
}

/** A range of a shared batch could not be binned on its own (its heap blocks ran out): the batch is binned again in one piece. */
export class BinAbort extends Error {}

/**
 * The heap as a core binning one item of a shared batch sees it: records
 * and chunks in blocks of the heap it reserves (an atomic add on the heap's
 * top), linked into the item's own tile lists (BinShareJob.tables), not the
 * heap's. Only for a heap that is one physically contiguous window.
 */
export class RangeHeap extends TilerHeap {
  private table: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private at = 0;
  private cur = 0;
  private end = 0;
  /** records binned into the current item */
  count = 0;
  /** starts item lists at word `at` of `table` */
  begin(table: Int32Array, at: number): void { this.table = table; this.at = at; this.cur = this.end = 0; this.count = 0; }

  private take(bytes: number): number {
    if (this.cur + bytes > this.end) {
      const w = this.win;
      if (bytes > BIN_BLOCK) throw new HeapFull();
      const start = Atomics.add(w.mmu.mem.i32, w.pa >> 2, BIN_BLOCK) >>> 0;
      if ((start & 3) || start + BIN_BLOCK > w.len) throw new HeapFull();
      this.cur = start; this.end = start + BIN_BLOCK;
    }
    const r = this.cur;
    this.cur += bytes;
    return r;
  }

  override bin(record: Float32Array | number[], header: number[], tx0: number, ty0: number, tx1: number, ty1: number, length = record.length, bits?: Uint32Array): void {
    const words = header.length + length;
    const rec = this.reserve(words, 0);
    const mem = this.win.mmu.mem, u32 = mem.u32, f32 = mem.f32;
    let r = (this.win.pa + rec) >> 2;
    for (let i = 0; i < header.length; i++) u32[r++] = header[i]!;
    if (bits) for (let i = 0; i < length; i++) u32[r + i] = bits[i]!;
    else for (let i = 0; i < length; i++) f32[r + i] = record[i]!;
    this.commit(rec, words, tx0, ty0, tx1, ty1);
  }

  /** Room for the record in the core's blocks (its chunks are taken as commit() links it). */
  override reserve(words: number, _tiles = 0): number { return this.take(words * 4); }

  /** Links the record at `rec` into the item's own lists (BinShareJob.tables). */
  override commit(rec: number, _words: number, tx0: number, ty0: number, tx1: number, ty1: number): void {
    const u32 = this.win.mmu.mem.u32, b = this.win.pa >> 2, table = this.table;
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const t = this.at + 2 * (ty * this.tilesX + tx);
        let last = table[t + 1]!;
        if (!last || u32[b + (last >> 2) + 1] === CHUNK_ENTRIES) {
          const c = this.take(CHUNK_BYTES);
          u32[b + (c >> 2)] = 0;
          u32[b + (c >> 2) + 1] = 0;
          if (last) u32[b + (last >> 2)] = c; else table[t] = c;
          table[t + 1] = c;
          last = c;
        }
        const l = b + (last >> 2), n = u32[l + 1]!;
        u32[l + 2 + n] = rec;
        u32[l + 1] = n + 1;
      }
    }
    this.count++;
  }
}

/** One vertex attribute resolved for a draw: its descriptor, type and, when the buffer is mapped contiguously, its physical address. */
interface AttribFetch {
  a: Record<string, number>;
  type: (typeof ATTRIB_TYPE)[number];
  /** bytes per component */
  size: number;
  /** integer attributes are passed as integers, not converted to float */
  integer: boolean;
  /** ATTRIBUTE packed: 2_10_10_10_REV words (signed when the type is s32) */
  packed: boolean;
  /** physical address of the buffer when all of `a.size` bytes translate contiguously; -1: translate per access */
  pa: number;
}

function resolveAttrib(mmu: Mmu, slot: number, a: Record<string, number>): AttribFetch {
  const type = ATTRIB_TYPE[a.type!]!;
  const size = type === 'f32' || type === 'u32' || type === 's32' ? 4 : type === 'u16' || type === 's16' || type === 'f16' ? 2 : 1;
  let pa = -1;
  // The buffer is translated once per draw (a TLB fill); if any page of it
  // faults, accesses translate one by one and fault only where they land.
  if (a.size) { try { pa = mmu.translateRange(slot, a.address!, a.size, ACCESS_READ); } catch { pa = -1; } }
  // ATTRIBUTE.integer: the fetched integer's bits (GLSL ES 3.00 ivec/uvec inputs); otherwise every type becomes a float
  const packed = a.packed === 1 && (type === 'u32' || type === 's32');
  return { a, type, size, integer: a.integer === 1 && type !== 'f32' && type !== 'f16' && !packed, packed, pa };
}

function fetchAttribComponent(mmu: Mmu, slot: number, f: AttribFetch, index: number, comp: number): number {
  const a = f.a;
  const comps = a.components!;
  if (comp >= comps) return comp === 3 ? 1 : 0;
  const type = f.type, size = f.size;
  if (f.packed) return fetchPacked(mmu, slot, f, index, comp);
  const off = index * a.stride! + comp * size;
  if (a.size && off + size > a.size) return 0; // robust access: reads past the buffer give 0
  const pa = f.pa >= 0 && off >= 0 ? f.pa + off : mmu.translate(slot, a.address! + off, ACCESS_READ);
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

/**
 * The vertex fetch unit's blocks for translated code (ATTRIB_FETCH): the
 * float32 attributes fetchAttribComponent reads from one physically
 * contiguous buffer, per vertex (no divisor), with room for a component.
 */
function fetchBlocks(fetches: readonly AttribFetch[]): Uint32Array {
  const words = ATTRIB_FETCH.bytes / 4, out = new Uint32Array(ATTRIB_FETCH.slots * words);
  for (let s = 0; s < fetches.length && s < ATTRIB_FETCH.slots; s++) {
    const f = fetches[s]!, a = f.a;
    if (f.type !== 'f32' || f.pa < 0 || a.divisor || !(a.size! >= 4) || !(a.components! > 0)) continue;
    const w = s * words;
    out[w + ATTRIB_FETCH.components / 4] = a.components!;
    out[w + ATTRIB_FETCH.pa / 4] = f.pa;
    out[w + ATTRIB_FETCH.stride / 4] = a.stride!;
    out[w + ATTRIB_FETCH.limit / 4] = a.size! - 4;
  }
  return out;
}

/**
 * A component of a 2_10_10_10_REV element (ATTRIBUTE packed): the element's word, field `comp`
 * (x, y, z: 10 bits, w: 2), zero- or sign-extended by the type, normalized as ES 3.0 § 2.1.6
 * says (unsigned c / (2^b - 1); signed max(c / (2^(b-1) - 1), -1)) or converted as it is.
 */
function fetchPacked(mmu: Mmu, slot: number, f: AttribFetch, index: number, comp: number): number {
  const a = f.a;
  const off = index * a.stride!;
  if (a.size && off + 4 > a.size) return 0; // robust access
  const pa = f.pa >= 0 && off >= 0 ? f.pa + off : mmu.translate(slot, a.address! + off, ACCESS_READ);
  const word = mmu.mem.dv.getUint32(pa, true);
  const bits = comp === 3 ? 2 : 10, shift = comp * 10;
  const norm = a.normalized === 1;
  if (f.type === 'u32') {
    const c = (word >>> shift) & ((1 << bits) - 1);
    return norm ? c / ((1 << bits) - 1) : c;
  }
  const c = (word << (32 - shift - bits)) >> (32 - bits);
  return norm ? Math.max(-1, c / ((1 << (bits - 1)) - 1)) : c;
}

const fbits = new Float32Array(1);
const ubits = new Uint32Array(fbits.buffer);

/**
 * The shaded vertices of one batch, flat: per vertex `per` floats (clip x, y,
 * z, w, then the varyings) and a point size. Primitives refer to vertices by
 * their index in the batch.
 */
export interface VertexBatch { store: Float32Array; psize: Float32Array; per: number; /** store's bits */ bits: Uint32Array }

function vertexOf(b: VertexBatch, i: number): PVertex {
  const o = i * b.per;
  return { clip: b.store.subarray(o, o + 4), psize: b.psize[i]!, vary: b.store.subarray(o + 4, o + b.per) };
}

/** Grow-only SharedArrayBuffers, by slot, handed out as views of the length asked for. */
class SharedViews {
  private readonly bufs: SharedArrayBuffer[] = [];
  private buf(slot: number, bytes: number): SharedArrayBuffer {
    let b = this.bufs[slot];
    if (!b || b.byteLength < bytes) this.bufs[slot] = b = new SharedArrayBuffer(Math.max(bytes, (b?.byteLength ?? 0) * 2));
    return b;
  }
  f32(slot: number, n: number): Float32Array { return new Float32Array(this.buf(slot, n * 4), 0, n); }
  f64(slot: number, n: number): Float64Array { return new Float64Array(this.buf(slot, n * 8), 0, n); }
  i32(slot: number, n: number): Int32Array { return new Int32Array(this.buf(slot, n * 4), 0, n); }
}

/**
 * What binning reads of a draw's descriptors, resolved once per draw into
 * plain numbers: the per-triangle path then does no descriptor lookups.
 */
class BinSetup {
  readonly vx: number; readonly vy: number; readonly vw: number; readonly vh: number;
  /** depth range: f - n and 0.5 (f + n), as toWindow uses them */
  readonly fn: number; readonly zMid: number;
  readonly cull: number; readonly frontCcw: boolean;
  readonly scissor: boolean;
  readonly sminx: number; readonly sminy: number; readonly smaxx: number; readonly smaxy: number;
  readonly nvary: number;
  /** unclipped triangles can be binned straight from the batch: no user clip distance enabled, no flat colours or flat varyings */
  readonly plainTriangles: boolean;
  readonly vaLo: number; readonly vaHi: number;
  constructor(readonly ds: DrawState) {
    const d = ds.draw, st = ds.state, desc = ds.vs.desc;
    this.vx = d.viewport_x!; this.vy = d.viewport_y!; this.vw = d.viewport_w!; this.vh = d.viewport_h!;
    const n = st.depth_near!, f = st.depth_far!;
    this.fn = f - n; this.zMid = 0.5 * (f + n);
    this.cull = st.cull!; this.frontCcw = st.front_ccw === 1;
    this.scissor = !!st.scissor;
    this.sminx = d.scissor_minx!; this.sminy = d.scissor_miny!; this.smaxx = d.scissor_maxx!; this.smaxy = d.scissor_maxy!;
    this.nvary = desc.varyings!;
    const en = st.clip_enable!, nd = desc.clip_distances!;
    let user = false;
    if (en && nd) for (let i = 0; i < nd; i++) if (en & (1 << i)) user = true;
    this.plainTriangles = !user && flatSlots(ds).length === 0;
    this.vaLo = ds.va % 0x1_0000_0000 >>> 0; this.vaHi = Math.floor(ds.va / 0x1_0000_0000);
  }
}

export class VertexPipeline {
  private readonly warps = new Map<number, Warp>();
  private rec = new Float32Array(64);
  /** the record's bits (flat varyings are copied as bits) */
  private recU = new Uint32Array(this.rec.buffer);
  /** window coordinates (x, y, z, 1/w) of the primitive being binned, as doubles */
  private readonly winScratch = new Float64Array(4 * 3);
  private readonly header = [0, 0, 0, 0];
  private readonly laneIndex = new Float64Array(LANES);
  private readonly sharedStore = new SharedViews();
  constructor(readonly mmu: Mmu) {}

  /**
   * Runs a vertex job. `onHeapFull` renders what is binned (a partial render);
   * it is called with the heap full and must leave it reset.
   */
  run(slot: number, job: VertexJobParams, cache: JobCache, onHeapFull: (heap: TilerHeap) => void,
    stats: TilerStats = { vertices: 0, primitives: 0, partials: 0, instructions: 0 }): TilerStats {
    const heap = new TilerHeap(this.mmu, slot, job.heapBase, job.heapSize, job.width, job.height);
    heap.reset();
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

  /**
   * The other shader cores, when they can take part of a draw's vertices
   * (ThreadedCores): the vertex pass then shades large batches in chunks on
   * every core (shadeRange on each) into shared storage, and assembles and
   * bins them here, in order.
   */
  share: VertexSharing | null = null;

  private shadeVertices(slot: number, ds: DrawState, indices: ArrayLike<number>, instance: number, stats: TilerStats): VertexBatch {
    const nvary = ds.vs.desc.varyings!;
    // one store for every output of this batch
    const per = 4 + nvary;
    const n = indices.length;
    const share = this.share;
    // the storage is kept from batch to batch (a batch is binned before the next is shaded): no new
    // buffers per draw; cleared as a fresh one would be — unless the translated core writes every word of
    // every vertex itself (its outputs start fresh in local memory and are copied in whole)
    const store = this.sharedStore.f32(0, n * per), psize = this.sharedStore.f32(1, n);
    if (!(SHADER_MODE === 'wasm' && per <= VERTEX_OUT_MAX_WORDS)) { store.fill(0); psize.fill(1); }
    if (share && n >= VERTEX_SHARE_MIN) {
      const list = this.sharedStore.f64(2, n);
      for (let i = 0; i < n; i++) list[i] = indices[i]!;
      share.shade({ slot, drawVa: ds.va, instance, indices: list, store, psize, per }, stats,
        (from, to) => this.shadeRange(slot, ds, list, from, to, instance, store, psize, per, stats));
      stats.vertices += n;
      return { store, psize, per, bits: new Uint32Array(store.buffer, store.byteOffset, store.length) };
    }
    this.shadeRange(slot, ds, indices, 0, n, instance, store, psize, per, stats);
    stats.vertices += n;
    return { store, psize, per, bits: new Uint32Array(store.buffer, store.byteOffset, store.length) };
  }

  /**
   * Runs the vertex shader on batch vertices [from, to) (a multiple of the
   * warp width from the batch's start, so warps are the same however the
   * batch is split), writing their outputs into `store` and `psize`.
   */
  shadeRange(slot: number, ds: DrawState, indices: ArrayLike<number>, from: number, to: number, instance: number,
    store: Float32Array, psize: Float32Array, per: number, stats: { instructions: number }): void {
    const vs = ds.vs;
    const nvary = vs.desc.varyings!;
    const mmu = this.mmu;
    let warp = this.warps.get(vs.regs);
    if (!warp) this.warps.set(vs.regs, (warp = new Warp(vs.regs)));
    const fetches = ds.attribs.map((a) => resolveAttrib(mmu, slot, a));
    const attribFetch = fetchBlocks(fetches);
    // varyings are stored as the shader wrote their bits (flat integers must survive untouched)
    const storeU = new Uint32Array(store.buffer, store.byteOffset, store.length);
    const laneIndex = this.laneIndex;
    let base = 0; // batch index of lane 0
    const vertexOut: VertexOutputs = {
      store: storeU, psize: new Uint32Array(psize.buffer, psize.byteOffset, psize.length), words: per, varyings: nvary, first: 0, lanes: 0,
    };
    const io: ShaderIO = {
      uniforms: vs.uniforms,
      attribFetch, laneVertex: laneIndex, vertexOut,
      special: (lane, which) => {
        if (which === 1) return laneIndex[lane]! >>> 0;
        if (which === 2) return instance;
        if (which === 0) return lane;
        return 0;
      },
      ldAttr: (lane, s, comp) => {
        const f = fetches[s];
        if (!f) return comp === 3 ? 0x3f800000 : 0;
        const idx = f.a.divisor ? Math.floor(instance / f.a.divisor) : laneIndex[lane]!;
        const v = fetchAttribComponent(mmu, slot, f, idx, comp);
        if (f.integer) return v >>> 0; // integer attributes stay integers
        fbits[0] = v;
        return ubits[0]!;
      },
      stVary: (lane, s, bits) => {
        ubits[0] = bits;
        const o = (base + lane) * per;
        if (s < 4) store[o + s] = fbits[0]!;
        else if (s === VARY_POINT_SIZE) psize[base + lane] = fbits[0]!;
        else if (s >= VARY_FIRST_USER && s - VARY_FIRST_USER < nvary) storeU[o + 4 + s - VARY_FIRST_USER] = bits;
      },
      // the whole-warp forms (the translated core's I/O unit): the same values as the per-lane ones, lane by lane
      ldAttrLanes: (s, comp, mask, u32, f32, at) => {
        const f = fetches[s];
        const a = f?.a;
        if (f && f.type === 'f32' && comp >= a!.components!) {
          // a component the attribute does not have: 0, or 1 for w (fetchAttribComponent), as float bits
          const v = comp === 3 ? 0x3f800000 : 0;
          for (let l = 0; l < LANES; l++) if (mask >> l & 1) u32[at + l] = v;
          return;
        }
        if (f && f.type === 'f32' && f.pa >= 0 && !a!.divisor && ((f.pa | a!.stride!) & 3) === 0) {
          // a float attribute in one contiguous mapping: its words straight from memory (other lanes as ldAttr does)
          const mf = mmu.mem.f32, stride = a!.stride!, limit = a!.size! - 4, w0 = (f.pa >> 2) + comp;
          for (let l = 0; l < LANES; l++) {
            if (!(mask >> l & 1)) continue;
            const off = laneIndex[l]! * stride + comp * 4;
            if (off >= 0 && off <= limit) f32[at + l] = mf[w0 + laneIndex[l]! * (stride >> 2)]!;
            else u32[at + l] = io.ldAttr(l, s, comp);
          }
          return;
        }
        for (let l = 0; l < LANES; l++) if (mask >> l & 1) u32[at + l] = io.ldAttr(l, s, comp);
      },
      stVaryLanes: (s, mask, u32, f32, at) => {
        let o: number, step = per;
        if (s < 4) o = base * per + s;
        else if (s === VARY_POINT_SIZE) { for (let l = 0; l < LANES; l++) if (mask >> l & 1) psize[base + l] = f32[at + l]!; return; }
        else if (s >= VARY_FIRST_USER && s - VARY_FIRST_USER < nvary) {
          // varyings as their bits (a flat integer may look like a signalling NaN)
          o = base * per + 4 + s - VARY_FIRST_USER;
          for (let l = 0; l < LANES; l++, o += step) if (mask >> l & 1) storeU[o] = u32[at + l]!;
          return;
        } else return;
        for (let l = 0; l < LANES; l++, o += step) if (mask >> l & 1) store[o] = f32[at + l]!;
      },
      ldVary: () => 0,
      ldVaryFlat: () => 0,
      stOut: () => undefined,
      tex: (sampler, dim, mode, mask, coords, lod, _g, res, offsets, int) => sampleVertexTextures(vs.textures, sampler, mode, mask, coords, lod, int ? intWords(res) : res, offsets, !!int),
      ldGlobal: (a) => mmu.read32(slot, a),
      stGlobal: (a, v) => mmu.write32(slot, a, v),
    };
    // whole ranges of warps in one call of the vertex kernel (as far as it takes them), the rest warp by warp
    const done = vs.warps(io, indices, from, to, instance, { store: storeU, psize: vertexOut.psize, words: per, varyings: nvary }, stats);
    for (let i = done; i < to; i += LANES) {
      const n = Math.min(LANES, to - i);
      base = i;
      vertexOut.first = i; vertexOut.lanes = n;
      for (let l = 0; l < n; l++) { laneIndex[l] = indices[i + l]!; store[(i + l) * per + 3] = 1; }
      // lanes past the range: vertex index 0 (as the vertex kernel's)
      for (let l = n; l < LANES; l++) laneIndex[l] = 0;
      warp.mask = (1 << n) - 1;
      warp.u32.fill(0);
      stats.instructions += vs.exec(warp, io);
    }
  }

  private runDraw(slot: number, ds: DrawState, heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    const d = ds.draw;
    const count = d.count!;
    if (!count) return;
    if (count * (4 + ds.vs.desc.varyings!) > VERTEX_BUFFER_WORDS) throw new GpuFault(ds.va, slot, ACCESS_READ, 'draw exceeds the vertex buffer');
    // Gather the index stream (into storage kept from draw to draw).
    let elems = this.sharedStore.f64(3, count);
    /** primitive restart: where each run of indices between restart indices begins (the restart indices dropped) */
    let runs: number[] | null = null;
    if (d.index_type) {
      const size = d.index_type === 1 ? 1 : d.index_type === 2 ? 2 : 4;
      const win = new VaWindow(this.mmu, slot, d.indices! + d.first! * size, count * size, ACCESS_READ);
      const restart = d.primitive_restart ? 2 ** (8 * size) - 1 : -1;
      let n = 0;
      for (let i = 0; i < count; i++) {
        const raw = size === 1 ? win.r8(i) : size === 2 ? win.r16(i * 2) : win.r32(i * 4);
        if (raw === restart) { (runs ??= [0]).push(n); continue; }
        elems[n++] = raw + d.base_vertex!;
      }
      // the runs are bounds over the kept stream, the restart indices squeezed out in place
      if (runs) { elems = elems.subarray(0, n); runs.push(n); }
    } else {
      for (let i = 0; i < count; i++) elems[i] = d.first! + i;
    }
    // transform feedback (DRAW xfb) captures every assembled primitive; RASTERIZER_DISCARD bins none
    const xfb = d.xfb ? new XfbCapture(this.mmu, slot, d.xfb) : null;
    const discard = ds.state.rasterizer_discard === 1;
    if (discard && !xfb) return;
    const mode = d.primitive!;
    const instances = Math.max(1, d.instance_count!);
    for (let inst = 0; inst < instances; inst++) {
      if (!d.index_type) {
        const b = this.shadeVertices(slot, ds, elems, inst, stats);
        xfb?.capture(mode, b, null, count);
        if (!discard) this.assemble(ds, b, null, count, heap, job, stats, onHeapFull);
        continue;
      }
      // Post-transform cache: each distinct index is shaded once per instance.
      const unique = [...new Set(elems)];
      const shaded = this.shadeVertices(slot, ds, unique, inst, stats);
      const byIndex = new Map<number, number>();
      unique.forEach((e, i) => byIndex.set(e, i));
      const ids = Int32Array.from(elems, (e) => byIndex.get(e)!);
      const bounds = runs ?? [0, ids.length];
      for (let r = 0; r + 1 < bounds.length; r++) {
        const run = ids.subarray(bounds[r]!, bounds[r + 1]!);
        xfb?.capture(mode, shaded, run, run.length);
        if (!discard) this.assemble(ds, shaded, run, run.length, heap, job, stats, onHeapFull);
      }
    }
    xfb?.finish();
  }

  /** Primitive assembly: vertex k of the stream is batch vertex ids[k] (or k). */
  private assemble(ds: DrawState, b: VertexBatch, ids: Int32Array | null, n: number, heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    const mode = ds.draw.primitive!;
    const g = new BinSetup(ds);
    if (mode === 4 && g.plainTriangles) {
      // large batches on every core, when they have the room
      if (this.share && Math.floor(n / 3) >= BIN_SHARE_MIN && this.binShared(ds, b, ids, Math.floor(n / 3), heap, job, stats)) return;
      // triangle lists without clip distances or flat colours: each straight to binTriangle
      for (let i = 0; i + 2 < n; i += 3) {
        const a = ids ? ids[i]! : i, b1 = ids ? ids[i + 1]! : i + 1, c = ids ? ids[i + 2]! : i + 2;
        if (!this.binTriangle(g, b, a, b1, c, heap, job, stats, onHeapFull)) this.emitPrimitive(ds, PRIM_TRIANGLE, b, 3, a, b1, c, heap, job, stats, onHeapFull);
      }
      return;
    }
    const v = ids ? (k: number) => ids[k]! : (k: number) => k;
    const emit = (kind: number, nv: number, a: number, b2: number, c: number) => this.emitPrimitive(ds, kind, b, nv, a, b2, c, heap, job, stats, onHeapFull);
    switch (mode) {
      case 0: for (let i = 0; i < n; i++) emit(PRIM_POINT, 1, v(i), 0, 0); break;
      case 1: for (let i = 0; i + 1 < n; i += 2) emit(PRIM_LINE, 2, v(i), v(i + 1), 0); break;
      case 2: if (n >= 2) { for (let i = 0; i + 1 < n; i++) emit(PRIM_LINE, 2, v(i), v(i + 1), 0); emit(PRIM_LINE, 2, v(n - 1), v(0), 0); } break;
      case 3: for (let i = 0; i + 1 < n; i++) emit(PRIM_LINE, 2, v(i), v(i + 1), 0); break;
      case 4: for (let i = 0; i + 2 < n; i += 3) emit(PRIM_TRIANGLE, 3, v(i), v(i + 1), v(i + 2)); break;
      case 5: for (let i = 0; i + 2 < n; i++) {
        if (i % 2 === 0) emit(PRIM_TRIANGLE, 3, v(i), v(i + 1), v(i + 2)); else emit(PRIM_TRIANGLE, 3, v(i + 1), v(i), v(i + 2));
      } break;
      case 6: for (let i = 1; i + 1 < n; i++) emit(PRIM_TRIANGLE, 3, v(0), v(i), v(i + 1)); break;
      default: break; // undefined primitive types draw nothing
    }
  }

  /**
   * Bins the `tris` triangles of a plain triangle list on every core
   * (VertexSharing.bin): each core bins items of consecutive triangles into
   * lists of their own, in blocks of the heap, and the lists are then linked
   * onto the heap's tile lists in item order, so every tile lists the same
   * records in the same order as binning them here one by one would. False
   * (nothing binned, the heap's top as it was) when the heap is not one
   * contiguous window with room to spare for the blocks, or an item failed:
   * the batch is then binned here, one triangle after another, as before
   * (partial renders and faults included).
   */
  private binShared(ds: DrawState, b: VertexBatch, ids: Int32Array | null, tris: number, heap: TilerHeap, job: VertexJobParams, stats: TilerStats): boolean {
    const share = this.share!, w = heap.win;
    if (w.pa < 0 || (w.pa & 3)) return false;
    const u32 = this.mmu.mem.u32, b0 = w.pa >> 2, len = w.len;
    const top = u32[b0]!, tiles = heap.tilesX * heap.tilesY;
    if (top & 3) return false;
    const chunk = Math.max(2048, Math.ceil(tris / 16));
    const items = Math.ceil(tris / chunk);
    // room for every record with an entry in two tiles, and per item a block's tail and a chunk in every tile
    const recBytes = 16 + 3 * (VERTEX_FIXED + ds.vs.desc.varyings!) * 4;
    if (top + tris * (recBytes + 8) + items * (BIN_BLOCK + tiles * CHUNK_BYTES) > len) return false;
    // the heap's own tile table must be sound to link onto (else the one-by-one path faults where it would)
    for (let t = 0; t < tiles; t++) {
      const last = u32[b0 + HEAP_HEADER_WORDS + 2 * t + 1]!;
      if (last && ((last & 3) || last + CHUNK_BYTES > len)) return false;
    }
    const tableWords = 2 * tiles + 1;
    const tables = this.sharedStore.i32(5, items * tableWords).fill(0);
    let sharedIds: Int32Array | null = null;
    if (ids) { sharedIds = this.sharedStore.i32(4, ids.length); sharedIds.set(ids); }
    const range = new RangeHeap(this.mmu, w.slot, w.va, len, job.width, job.height);
    const ok = share.bin({
      slot: w.slot, drawVa: ds.va, heapBase: w.va, heapSize: len, width: job.width, height: job.height,
      store: b.store, psize: b.psize, per: b.per, ids: sharedIds, tris, chunk, tables, tableWords,
    }, (item) => this.binItem(ds, b, sharedIds, item, chunk, tris, range, tables, tableWords, job));
    if (!ok) { u32[b0] = top; return false; }
    let total = 0;
    for (let i = 0; i < items; i++) total += tables[i * tableWords + 2 * tiles]!;
    for (let t = 0; t < tiles; t++) {
      const tt = b0 + HEAP_HEADER_WORDS + 2 * t;
      for (let i = 0; i < items; i++) {
        const first = tables[i * tableWords + 2 * t]!;
        if (!first) continue;
        const last = u32[tt + 1]!;
        if (last) u32[b0 + (last >> 2)] = first; else u32[tt] = first;
        u32[tt + 1] = tables[i * tableWords + 2 * t + 1]!;
      }
    }
    u32[b0 + 1] = u32[b0 + 1]! + total;
    stats.primitives += total;
    return true;
  }

  /** Item `item` of a shared batch (BinShareJob): its triangles binned into its own lists, on whichever core takes it. */
  binItem(ds: DrawState, b: VertexBatch, ids: Int32Array | null, item: number, chunk: number, tris: number, heap: RangeHeap,
    tables: Int32Array, tableWords: number, job: VertexJobParams): void {
    const g = new BinSetup(ds);
    const stats: TilerStats = { vertices: 0, primitives: 0, partials: 0, instructions: 0 };
    const abort = (): void => { throw new BinAbort(); };
    heap.begin(tables, item * tableWords);
    for (let t = item * chunk, end = Math.min(tris, (item + 1) * chunk); t < end; t++) {
      const i = 3 * t;
      const a = ids ? ids[i]! : i, b1 = ids ? ids[i + 1]! : i + 1, c = ids ? ids[i + 2]! : i + 2;
      if (!this.binTriangle(g, b, a, b1, c, heap, job, stats, abort)) this.emitPrimitive(ds, PRIM_TRIANGLE, b, 3, a, b1, c, heap, job, stats, abort);
    }
    tables[item * tableWords + tableWords - 1] = heap.count;
  }

  /**
   * An unclipped triangle of a plain draw (BinSetup.plainTriangles), binned
   * straight from the batch: emitPrimitive's fast path with the draw's
   * numbers resolved once and nothing allocated, the same arithmetic in the
   * same order. False when the triangle needs clipping (emitPrimitive then
   * takes it).
   */
  private binTriangle(g: BinSetup, b: VertexBatch, i0: number, i1: number, i2: number, heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): boolean {
    const S = b.store, per = b.per;
    const o0 = i0 * per, o1 = i1 * per, o2 = i2 * per;
    const w0 = S[o0 + 3]!, w1 = S[o1 + 3]!, w2 = S[o2 + 3]!;
    const z0 = S[o0 + 2]!, z1 = S[o1 + 2]!, z2 = S[o2 + 2]!;
    if (!(w0 > 0 && z0 >= -w0 && z0 <= w0 && w1 > 0 && z1 >= -w1 && z1 <= w1 && w2 > 0 && z2 >= -w2 && z2 <= w2)) return false;
    // facing: the shoelace sum in NDC, in facing()'s order
    const ax = S[o0]! / w0, ay = S[o0 + 1]! / w0, bx = S[o1]! / w1, by = S[o1 + 1]! / w1, cx = S[o2]! / w2, cy = S[o2 + 1]! / w2;
    let area = 0;
    area += ax * by - bx * ay;
    area += bx * cy - cx * by;
    area += cx * ay - ax * cy;
    if (area === 0) return true;
    const front = (area > 0) === g.frontCcw ? 1 : 0;
    const cull = g.cull;
    if (cull === 3 || (cull === 1 && front) || (cull === 2 && !front)) return true;
    // window coordinates (toWindow) and the bounding box from them, as binOne takes them
    const win = this.winScratch;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let k = 0; k < 3; k++) {
      const o = k === 0 ? o0 : k === 1 ? o1 : o2;
      const iw = 1 / S[o + 3]!;
      const nx = S[o]! * iw, ny = S[o + 1]! * iw, nz = S[o + 2]! * iw;
      const wx = (nx + 1) * 0.5 * g.vw + g.vx, wy = (ny + 1) * 0.5 * g.vh + g.vy;
      win[4 * k] = wx; win[4 * k + 1] = wy; win[4 * k + 2] = nz * 0.5 * g.fn + g.zMid; win[4 * k + 3] = iw;
      x0 = Math.min(x0, wx - 0); x1 = Math.max(x1, wx + 0);
      y0 = Math.min(y0, wy - 0); y1 = Math.max(y1, wy + 0);
    }
    let minx = 0, miny = 0, maxx = job.width - 1, maxy = job.height - 1;
    if (g.scissor) {
      minx = Math.max(minx, g.sminx); miny = Math.max(miny, g.sminy);
      maxx = Math.min(maxx, g.smaxx - 1); maxy = Math.min(maxy, g.smaxy - 1);
    }
    const px0 = Math.max(minx, Math.floor(x0)), px1 = Math.min(maxx, Math.ceil(x1));
    const py0 = Math.max(miny, Math.floor(y0)), py1 = Math.min(maxy, Math.ceil(y1));
    if (!(px0 <= px1 && py0 <= py1)) return true;
    const tx0 = Math.floor(px0 / TILE_SIZE), ty0 = Math.floor(py0 / TILE_SIZE), tx1 = Math.floor(px1 / TILE_SIZE), ty1 = Math.floor(py1 / TILE_SIZE);
    const nvary = g.nvary, rper = VERTEX_FIXED + nvary, words = 4 + 3 * rper, ps = b.psize;
    // varyings as bits (a flat integer varying may look like a signalling NaN)
    const SU = b.bits;
    // the record written once, in place in the heap (a contiguous heap; else through the record scratch and bin())
    const at = this.reserveRecord(heap, words, (tx1 - tx0 + 1) * (ty1 - ty0 + 1), stats, onHeapFull);
    if (at >= 0) {
      const mem = heap.win.mmu.mem, u32 = mem.u32, f32 = mem.f32;
      let r = (heap.win.pa + at) >> 2;
      u32[r] = g.vaLo; u32[r + 1] = g.vaHi; u32[r + 2] = PRIM_TRIANGLE | (front << 2) | (3 << 3); u32[r + 3] = nvary;
      r += 4;
      for (let k = 0; k < 3; k++, r += rper) {
        const o = k === 0 ? o0 : k === 1 ? o1 : o2;
        f32[r] = win[4 * k]!; f32[r + 1] = win[4 * k + 1]!; f32[r + 2] = win[4 * k + 2]!; f32[r + 3] = win[4 * k + 3]!;
        f32[r + 4] = ps[k === 0 ? i0 : k === 1 ? i1 : i2]!;
        for (let j = 4; j < per; j++) u32[r + VERTEX_FIXED + j - 4] = SU[o + j]!;
      }
      heap.commit(at, words, tx0, ty0, tx1, ty1);
      stats.primitives++;
      return true;
    }
    if (this.rec.length < 3 * rper) { this.rec = new Float32Array(3 * rper * 2); this.recU = new Uint32Array(this.rec.buffer); }
    const rec = this.rec, recU = this.recU;
    for (let k = 0; k < 3; k++) {
      const o = k === 0 ? o0 : k === 1 ? o1 : o2, at = k * rper;
      rec[at] = win[4 * k]!; rec[at + 1] = win[4 * k + 1]!; rec[at + 2] = win[4 * k + 2]!; rec[at + 3] = win[4 * k + 3]!;
      rec[at + 4] = ps[k === 0 ? i0 : k === 1 ? i1 : i2]!;
      for (let j = 4; j < per; j++) recU[at + VERTEX_FIXED + j - 4] = SU[o + j]!;
    }
    const header = this.header;
    header[0] = g.vaLo; header[1] = g.vaHi; header[2] = PRIM_TRIANGLE | (front << 2) | (3 << 3); header[3] = nvary;
    this.binRecord(heap, rec, header, tx0, ty0, tx1, ty1, 3 * rper, stats, onHeapFull);
    return true;
  }

  /** heap.reserve(), with one partial render when the heap is full (as binRecord). */
  private reserveRecord(heap: TilerHeap, words: number, tiles: number, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): number {
    try {
      return heap.reserve(words, tiles);
    } catch (e) {
      if (!(e instanceof HeapFull)) throw e;
      stats.partials++;
      onHeapFull(heap);
      try {
        return heap.reserve(words, tiles);
      } catch (e2) {
        if (!(e2 instanceof HeapFull)) throw e2;
        throw new GpuFault(heap.win.va + heap.win.len, heap.win.slot, ACCESS_WRITE, 'tiler heap too small for one primitive');
      }
    }
  }

  private emitPrimitive(ds: DrawState, kind: number, b: VertexBatch, nv: number, i0: number, i1: number, i2: number, heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    const S = b.store, per = b.per;
    // user clip distances: the varyings the vertex shader descriptor names, enabled by STATE
    const user: number[] = [];
    const en = ds.state.clip_enable!, nd = ds.vs.desc.clip_distances!;
    if (en && nd) for (let i = 0; i < nd; i++) if (en & (1 << i)) user.push(ds.vs.desc.clip_first! + i);
    const flat = flatSlots(ds);
    if (kind === PRIM_TRIANGLE && user.length === 0 && flat.length === 0) {
      // The common case, without clipping: straight from the batch.
      const o0 = i0 * per, o1 = i1 * per, o2 = i2 * per;
      const inside = (o: number) => S[o + 3]! > 0 && S[o + 2]! >= -S[o + 3]! && S[o + 2]! <= S[o + 3]!;
      if (inside(o0) && inside(o1) && inside(o2)) {
        const front = this.facing(ds, S[o0]! / S[o0 + 3]!, S[o0 + 1]! / S[o0 + 3]!, S[o1]! / S[o1 + 3]!, S[o1 + 1]! / S[o1 + 3]!, S[o2]! / S[o2 + 3]!, S[o2 + 1]! / S[o2 + 3]!);
        if (front < 0) return;
        const win = this.winScratch;
        this.toWindow(ds, S, o0, win, 0); this.toWindow(ds, S, o1, win, 4); this.toWindow(ds, S, o2, win, 8);
        const SU = b.bits;
        this.binOne(ds, kind, front, 3, win, (k, rec, at) => {
          const o = (k === 0 ? i0 : k === 1 ? i1 : i2) * per;
          rec[at + 4] = b.psize[k === 0 ? i0 : k === 1 ? i1 : i2]!;
          const recU = this.recU;
          for (let j = 4; j < per; j++) recU[at + VERTEX_FIXED + j - 4] = SU[o + j]!;
        }, heap, job, stats, onHeapFull);
        return;
      }
    }
    let vs = [vertexOf(b, i0)];
    if (nv > 1) vs.push(vertexOf(b, i1));
    if (nv > 2) vs.push(vertexOf(b, i2));
    let polys: PVertex[][];
    // flat varyings (flat shading's colours, GLSL `flat`): every vertex takes the provoking vertex's
    // bits (GL: the primitive's last), before clipping; copies, as vertices are shared between primitives
    const provoking = vs[vs.length - 1]!;
    if (flat.length && vs.length > 1) {
      vs = vs.map((p) => {
        if (p === provoking) return p;
        const vary = new Float32Array(p.vary); // a same-type copy: bits as they are
        copyBits(provoking.vary, vary, flat);
        return { clip: p.clip, psize: p.psize, vary };
      });
    }
    if (kind === PRIM_TRIANGLE) polys = clipPolygon(vs, user);
    else polys = vs.every((p) => p.clip[3]! > 0 && Math.abs(p.clip[2]!) <= p.clip[3]! && user.every((k) => p.vary[k]! >= 0)) ? [vs] : kind === PRIM_LINE ? clipLine(vs, user) : [];
    // vertices clipping made were interpolated: their flat varyings are the provoking vertex's bits again
    if (flat.length) for (const poly of polys) for (const p of poly) if (!vs.includes(p)) copyBits(provoking.vary, p.vary, flat);
    for (const poly of polys) {
      let front = 1;
      if (kind === PRIM_TRIANGLE) {
        const a = poly.map((p) => [p.clip[0]! / p.clip[3]!, p.clip[1]! / p.clip[3]!]);
        front = this.facingPolygon(ds, a);
        if (front < 0) continue;
      }
      const tris: PVertex[][] = [];
      if (kind === PRIM_TRIANGLE) for (let i = 1; i + 1 < poly.length; i++) tris.push([poly[0]!, poly[i]!, poly[i + 1]!]);
      else tris.push(poly);
      for (const t of tris) {
        const win = this.winScratch;
        t.forEach((p, k) => this.toWindow(ds, p.clip, 0, win, k * 4));
        this.binOne(ds, kind, front, t.length, win, (k, rec, at) => {
          rec[at + 4] = t[k]!.psize;
          rec.set(t[k]!.vary, at + VERTEX_FIXED); // same-type set: a byte copy
        }, heap, job, stats, onHeapFull);
      }
    }
  }

  /** Facing of a triangle from its NDC corners: 1 front, 0 back, -1 culled or degenerate. */
  private facing(ds: DrawState, ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
    // the shoelace sum in the same order as facingPolygon, so both paths agree bit for bit
    let area = 0;
    area += ax * by - bx * ay;
    area += bx * cy - cx * by;
    area += cx * ay - ax * cy;
    return this.cullOrFace(ds, area);
  }

  private facingPolygon(ds: DrawState, a: number[][]): number {
    // Facing from the signed area in NDC (before the viewport, so a flipped viewport does not change it).
    let area = 0;
    for (let i = 0; i < a.length; i++) {
      const p = a[i]!, q = a[(i + 1) % a.length]!;
      area += p[0]! * q[1]! - q[0]! * p[1]!;
    }
    return this.cullOrFace(ds, area);
  }

  private cullOrFace(ds: DrawState, area: number): number {
    const front = (area > 0) === (ds.state.front_ccw === 1) ? 1 : 0;
    const cull = ds.state.cull!;
    if (area === 0) return -1;
    if (cull === 3 || (cull === 1 && front) || (cull === 2 && !front)) return -1;
    return front;
  }

  /** Clip coordinates at c[o..o+3] to window x, y, z and 1/w, written to out[at..at+3]. */
  private toWindow(ds: DrawState, c: Float32Array, o: number, out: Float64Array, at: number): void {
    const d = ds.draw, st = ds.state;
    const iw = 1 / c[o + 3]!;
    const nx = c[o]! * iw, ny = c[o + 1]! * iw, nz = c[o + 2]! * iw;
    const n = st.depth_near!, f = st.depth_far!;
    out[at] = (nx + 1) * 0.5 * d.viewport_w! + d.viewport_x!;
    out[at + 1] = (ny + 1) * 0.5 * d.viewport_h! + d.viewport_y!;
    out[at + 2] = nz * 0.5 * (f - n) + 0.5 * (f + n);
    out[at + 3] = iw;
  }

  /**
   * Bins one primitive of `nv` vertices whose window coordinates are in
   * `win`; `fill(k, rec, at)` writes vertex k's point size and varyings into
   * the record at `at`.
   */
  private binOne(ds: DrawState, kind: number, front: number, nv: number, win: Float64Array,
    fill: (k: number, rec: Float32Array, at: number) => void,
    heap: TilerHeap, job: VertexJobParams, stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    const nvary = ds.vs.desc.varyings!;
    const per = VERTEX_FIXED + nvary;
    if (this.rec.length < nv * per) { this.rec = new Float32Array(nv * per * 2); this.recU = new Uint32Array(this.rec.buffer); }
    const rec = this.rec;
    for (let k = 0; k < nv; k++) {
      const at = k * per;
      rec[at] = win[k * 4]!; rec[at + 1] = win[k * 4 + 1]!; rec[at + 2] = win[k * 4 + 2]!; rec[at + 3] = win[k * 4 + 3]!;
      fill(k, rec, at);
    }
    // Bounding box in pixels, widened for points and lines.
    let pad = 0;
    if (kind === PRIM_POINT) pad = Math.max(1, rec[4]!) / 2 + 1;
    if (kind === PRIM_LINE) pad = Math.max(1, ds.state.line_width!) / 2 + 1;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let k = 0; k < nv; k++) {
      const wx = win[k * 4]!, wy = win[k * 4 + 1]!;
      x0 = Math.min(x0, wx - pad); x1 = Math.max(x1, wx + pad);
      y0 = Math.min(y0, wy - pad); y1 = Math.max(y1, wy + pad);
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
    const header = this.header;
    header[0] = ds.va % 0x1_0000_0000 >>> 0; header[1] = Math.floor(ds.va / 0x1_0000_0000);
    header[2] = kind | (front << 2) | (nv << 3); header[3] = nvary;
    this.binRecord(heap, rec, header, tx0, ty0, tx1, ty1, nv * per, stats, onHeapFull);
  }

  /** Writes a record into the heap, with one partial render when it is full. */
  private binRecord(heap: TilerHeap, rec: Float32Array, header: number[], tx0: number, ty0: number, tx1: number, ty1: number, len: number,
    stats: TilerStats, onHeapFull: (h: TilerHeap) => void): void {
    try {
      heap.bin(rec, header, tx0, ty0, tx1, ty1, len, this.recU);
    } catch (e) {
      if (!(e instanceof HeapFull)) throw e;
      stats.partials++;
      onHeapFull(heap);
      try {
        heap.bin(rec, header, tx0, ty0, tx1, ty1, len, this.recU);
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
  coords: Float32Array, lod: Float32Array, res: TexOut, offsets: number, int: boolean,
): void {
  const t = textures[sampler];
  if (t) setTexelOffsets(t, offsets);
  if (mode >= TEX_FETCH) { texQuery(t, mode === TEX_SIZE, mask, LANES, coords, lod, res); return; }
  for (let l = 0; l < LANES; l++) {
    if (!(mask & (1 << l))) continue;
    if (!t) { res.fill(0, l * 4, l * 4 + 3); res[l * 4 + 3] = 1; continue; }
    // vertex shaders have no derivatives: implicit LOD is 0, explicit LOD as given
    sampleImpl(t, coords, l * 4, mode === 2 ? lodOf(lod[l]!) : 0, res, l * 4, int);
  }
}
import { intWords, lodOf, sample as sampleImpl, setTexelOffsets, texQuery, type TexOut } from './texture.js';

/**
 * The varying slots (counted from VARY_FIRST_USER) a draw's primitives take from their provoking
 * vertex: the vertex shader's flat ones (SHADER flat_lo/flat_hi) and, with STATE flat_colors, its
 * colour varyings (SHADER color_varyings).
 */
const flatCache = new WeakMap<DrawState, Int32Array>();
function flatSlots(ds: DrawState): Int32Array {
  let f = flatCache.get(ds);
  if (f) return f;
  const d = ds.vs.desc, n = d.varyings!;
  const list: number[] = [];
  const nc = ds.state.flat_colors ? d.color_varyings! : 0;
  for (let i = 0; i < n; i++) {
    const bit = i < 32 ? (d.flat_lo! >>> i) & 1 : i < 64 ? (d.flat_hi! >>> (i - 32)) & 1 : 0;
    if (i < nc || bit) list.push(i);
  }
  flatCache.set(ds, (f = Int32Array.from(list)));
  return f;
}

/** Copies the bits of varyings `slots` from one vertex's varyings to another's. */
function copyBits(from: Float32Array, to: Float32Array, slots: Int32Array): void {
  const a = new Uint32Array(from.buffer, from.byteOffset, from.length), b = new Uint32Array(to.buffer, to.byteOffset, to.length);
  for (let k = 0; k < slots.length; k++) { const i = slots[k]!; if (i < b.length) b[i] = a[i]!; }
}

/** Near/far and w > 0 planes of the clip volume, as signed distances (inside >= 0). */
const VOLUME_PLANES: Array<(p: PVertex) => number> = [
  (p) => p.clip[2]! + p.clip[3]!, // z >= -w
  (p) => p.clip[3]! - p.clip[2]!, // z <= w
  (p) => p.clip[3]! - 1e-6,       // w > 0
];
function planesFor(user: readonly number[]): Array<(p: PVertex) => number> {
  return user.length ? [...VOLUME_PLANES, ...user.map((k) => (p: PVertex) => p.vary[k]!)] : VOLUME_PLANES;
}

/**
 * Homogeneous clipping of a polygon against -w <= z <= w (and w > 0) and the user clip
 * distances held in the varyings `user` (kept where >= 0), interpolating varyings.
 */
export function clipPolygon(poly: PVertex[], user: readonly number[] = []): PVertex[][] {
  const inside = poly.every((p) => p.clip[3]! > 0 && p.clip[2]! >= -p.clip[3]! && p.clip[2]! <= p.clip[3]!) && user.every((k) => poly.every((p) => p.vary[k]! >= 0));
  if (inside) return [poly];
  let cur = poly;
  for (const d of planesFor(user)) {
    const next: PVertex[] = [];
    for (let i = 0; i < cur.length; i++) {
      const a = cur[i]!, b = cur[(i + 1) % cur.length]!;
      const da = d(a), db = d(b);
      if (da >= 0) next.push(a);
      if ((da >= 0) !== (db >= 0)) next.push(lerpVertex(a, b, da / (da - db)));
    }
    cur = next;
    if (cur.length < 3) return [];
  }
  return [cur];
}

function clipLine(l: PVertex[], user: readonly number[]): PVertex[][] {
  let [a, b] = l as [PVertex, PVertex];
  for (const d of planesFor(user)) {
    const da = d(a), db = d(b);
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
