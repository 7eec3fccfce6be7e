/**
 * The tile load/store units' fast paths in WebAssembly SIMD: moving a tile
 * between the core's tile memory (hwdesc/corelocal.ts: colour of an 8-bit
 * unorm target as R, G, B, A bytes, depth as float32, stencil as bytes) and
 * a linear, physically contiguous colour surface of a 4-byte unorm8 format
 * (rgba8, bgra8) or d24s8 depth/stencil surface, four pixels per vector.
 * Both sit in the device's one wasm memory, so a row is moved in place,
 * with no JS per pixel.
 *
 * - colour: the bytes themselves (hwdesc/formats.ts tileColorLayout `unorm8`: the
 *   tile holds the k of each channel's k / 255), copied for rgba8 and
 *   shuffled into the tile's R, G, B, A order for the others;
 * - depth store: round(d * 16777215) in double (the product of a float32
 *   and 24 bits is exact) as the low word of x + 2^52, which rounds ties to
 *   even — the only tie, at d = 0.5, has the even neighbour Math.round
 *   takes —, shifted over the stencil byte; NaN stores 0, as NaN << 8 does;
 * - depth load: float32((word >>> 8) / 16777215) divided in double;
 * - fills: the rows of a surface set to the word a store writes for one
 *   tile pixel (a colour's bytes through the store's shuffle, a d24s8 word
 *   converted as above), converted once — how a tile that holds its clear
 *   value everywhere is stored (tile.ts storeCleared), with no tile memory
 *   read or written;
 * - the resolve of a 4x unorm8 tile (tile.ts resolve): each byte of plane 0
 *   becomes (b0 + b1 + b2 + b3 + 2) >> 2 of the four sample planes' bytes,
 *   summed in 16-bit lanes, sixteen bytes at a time.
 *
 * The caller (TileBuffer) has already checked the rows against the
 * surface's window: the units only move bytes.
 */
import { COLOR_FORMAT, COLOR_FORMAT_BPP, TILE_SIZE } from '../hwdesc/descriptors.js';
import { COLOR_TILE_BYTES, COLOR_TILE_LAYOUT, TILE_BYTE_ONE } from '../hwdesc/formats.js';
import { ModuleBuilder, type FunctionBuilder } from './wasm/emitter.js';
import type { PhysicalMemory } from './memory.js';

/** byte indices of an i8x16.shuffle picking 32-bit lanes `l` (0-3 first operand, 4-7 second) */
function lanes32(l: readonly number[]): number[] {
  return l.flatMap((x) => [x * 4, x * 4 + 1, x * 4 + 2, x * 4 + 3]);
}
const Z = 16; // a byte of the second operand (all zero) in a shuffle against a zero vector


/** Rows y < th of a tile, pixels x < tw four at a time, then one at a time: `body(n)` does n pixels (4 or 1). */
function rowsAndPixels(f: FunctionBuilder, p: { src: number; dst: number; tw: number; th: number },
  step: { srcRow: number; dstRow: number; srcPx: number; dstPx: number }, body: (n: 4 | 1, src: number, dst: number) => void): void {
  const y = f.local('i32'), x = f.local('i32'), s = f.local('i32'), d = f.local('i32');
  f.i32(0).set(y);
  f.block().loop();
  f.get(y).get(p.th).op('i32.ge_s').op('br_if', 1);
  f.get(p.src).get(y).get(step.srcRow).op('i32.mul').op('i32.add').set(s);
  f.get(p.dst).get(y).get(step.dstRow).op('i32.mul').op('i32.add').set(d);
  f.i32(0).set(x);
  for (const n of [4, 1] as const) {
    f.block().loop();
    f.get(x).i32(n).op('i32.add').get(p.tw).op('i32.gt_s').op('br_if', 1);
    body(n, s, d);
    f.get(s).i32(step.srcPx * n).op('i32.add').set(s);
    f.get(d).i32(step.dstPx * n).op('i32.add').set(d);
    f.get(x).i32(n).op('i32.add').set(x);
    f.op('br', 0);
    f.end().end();
  }
  f.get(y).i32(1).op('i32.add').set(y);
  f.op('br', 0);
  f.end().end();
}

/** The COLOR_FORMAT indices whose tile layout is unorm8 and whose pixels are four bytes: their rows move through SIMD byte units. */
export const BYTE_FORMATS: readonly number[] = COLOR_FORMAT.map((n, i) => (COLOR_TILE_LAYOUT[i] === 'unorm8' && COLOR_FORMAT_BPP[n] === 4 ? i : -1)).filter((i) => i >= 0);

/**
 * The byte shuffle of four pixels between a 4-byte surface format and the tile's R, G, B, A bytes
 * (hwdesc/formats.ts tileByteSources): for a load, tile byte k of pixel p is surface byte src[k] of p (or
 * zero, a constant 255 being or-ed in after); for a store, surface byte j is the first tile byte k whose
 * source is j (zero when no channel shows it). null: the bytes are in the same order (a copy).
 */
function byteShuffle(src: readonly number[], dir: 'load' | 'store'): number[] | null {
  const per = dir === 'load' ? src.map((j) => (j >= 0 ? j : -1)) : [0, 1, 2, 3].map((j) => src.indexOf(j));
  if (per.every((j, k) => j === k)) return null;
  return [0, 1, 2, 3].flatMap((p) => per.map((j) => (j >= 0 ? 4 * p + j : Z)));
}

/** tile bytes a load sets to 255 (TILE_BYTE_ONE) as an i32 lane mask, 0 when there are none */
function onesMask(src: readonly number[]): number {
  return src.reduce((m, j, k) => (j === TILE_BYTE_ONE ? m | (0xff << (8 * k)) : m), 0);
}

/**
 * store(tile, pa, tw, th, stride) / load(tile, pa, tw, th, stride) for a 4-byte unorm8 colour format whose
 * tile bytes come from `src`: rows of four pixels a vector, then one at a time; the rgba8 order is a copy.
 */
function emitBytes(m: ModuleBuilder, src: readonly number[], dir: 'load' | 'store', name: string): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, name);
  const stride = 4, rowT = f.local('i32');
  f.i32(TILE_SIZE * 4).set(rowT);
  const P = dir === 'store' ? { src: 0, dst: 1, tw: 2, th: 3 } : { src: 1, dst: 0, tw: 2, th: 3 };
  const step = dir === 'store' ? { srcRow: rowT, dstRow: stride, srcPx: 4, dstPx: 4 } : { srcRow: stride, dstRow: rowT, srcPx: 4, dstPx: 4 };
  const sh = byteShuffle(src, dir), ones = dir === 'load' ? onesMask(src) : 0;
  const convert = () => {
    if (sh) f.v128i32(0, 0, 0, 0).shuffle(sh);
    if (ones) f.v128i32(ones, ones, ones, ones).simd('v128.or');
  };
  rowsAndPixels(f, P, step, (n, s, d) => {
    f.get(d);
    if (n === 4) { f.get(s).simd('v128.load', 0, 0); convert(); f.simd('v128.store', 0, 0); }
    else if (!sh && !ones) f.get(s).op('i32.load', 0, 0).op('i32.store', 0, 0);
    else { f.get(s).simd('v128.load32_splat', 0, 0); convert(); f.simd('i32x4.extract_lane', 0).op('i32.store', 0, 0); }
  });
}

/**
 * Pushes the d24s8 words (depth only, stencil byte 0) of the four depths in v128 local `dz`: round(d * 16777215)
 * << 8. x = d * 16777215 is exact, x + 2^52 rounds it to a whole number (ties to even: x is a tie only at d = 0.5,
 * whose even neighbour 2^23 is also Math.round's) held in the low word of the double; NaN gives 0 (the lanes where
 * x != x are cleared). `h` (two v128) and `x` (v128) are scratch locals.
 */
function depthWords(f: FunctionBuilder, dz: number, h: readonly number[], x: number): void {
  for (let k = 0; k < 2; k++) {
    f.get(dz); if (k) f.get(dz).shuffle(lanes32([2, 3, 0, 1]));
    f.simd('f64x2.promote_low_f32x4').f64(16777215).simd('f64x2.splat').simd('f64x2.mul').tee(x).f64(2 ** 52).simd('f64x2.splat').simd('f64x2.add')
      .get(x).get(x).simd('f64x2.eq').simd('v128.and').set(h[k]!);
  }
  f.get(h[0]!).get(h[1]!).shuffle(lanes32([0, 2, 4, 6])).i32(8).simd('i32x4.shl');
}

/** storeD24s8(depth, stencil, pa, tw, th, stride) */
function emitStoreD24s8(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, 'storeD24s8');
  const DEPTH = 0, STENCIL = 1, P = { src: 0, dst: 2, tw: 3, th: 4 }, stride = 5;
  const rowT = f.local('i32'), dz = f.local('v128'), h = [f.local('v128'), f.local('v128')], st = f.local('i32');
  f.i32(TILE_SIZE * 4).set(rowT);
  const x = f.local('v128'), w4 = f.local('v128');
  // the last four depths converted (bits, compared as integers: NaN bits match themselves) and their words;
  // at first all bits set, a NaN, with the words of a NaN: 0
  const prevZ = f.local('v128'), prevW = f.local('v128');
  f.v128i32(-1, -1, -1, -1).set(prevZ);
  const words = () => depthWords(f, dz, h, x);
  // s: the tile's depth address; its stencil byte is at STENCIL + (s - DEPTH) / 4
  const stencilAt = (s: number) => f.get(s).get(DEPTH).op('i32.sub').i32(2).op('i32.shr_u').get(STENCIL).op('i32.add').set(st);
  rowsAndPixels(f, P, { srcRow: rowT, dstRow: stride, srcPx: 4, dstPx: 4 }, (n, s, d) => {
    stencilAt(s);
    if (n === 4) {
      f.get(d);
      // four depths as the previous four (a cleared or flat stretch): the same words, not converted again
      f.get(s).simd('v128.load', 0, 0).tee(dz).get(prevZ).simd('i32x4.eq').simd('i32x4.all_true');
      f.if(); f.get(prevW).set(w4); f.op('else'); words(); f.set(w4); f.get(dz).set(prevZ); f.get(w4).set(prevW); f.end();
      f.get(w4);
      // or the stencil bytes into the low byte of each word
      f.get(st).op('i32.load', 0, 0).simd('i32x4.splat').v128i32(0, 0, 0, 0).shuffle([0, Z, Z, Z, 1, Z, Z, Z, 2, Z, Z, Z, 3, Z, Z, Z]);
      f.simd('v128.or').simd('v128.store', 0, 0);
    } else {
      f.get(d);
      f.get(s).simd('v128.load32_splat', 0, 0).set(dz);
      words();
      f.simd('i32x4.extract_lane', 0);
      f.get(st).op('i32.load8_u', 0, 0);
      f.op('i32.or').op('i32.store', 0, 0);
    }
  });
}

/** loadD24s8(depth, stencil, pa, tw, th, stride) */
function emitLoadD24s8(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, 'loadD24s8');
  const DEPTH = 0, STENCIL = 1, P = { src: 2, dst: 0, tw: 3, th: 4 }, stride = 5;
  const rowT = f.local('i32'), w = f.local('v128'), h = [f.local('v128'), f.local('v128')], st = f.local('i32');
  f.i32(TILE_SIZE * 4).set(rowT);
  const depths = () => {
    for (let k = 0; k < 2; k++) {
      f.get(w); if (k) f.get(w).shuffle(lanes32([2, 3, 0, 1]));
      f.i32(8).simd('i32x4.shr_u').simd('f64x2.convert_low_i32x4_s').f64(16777215).simd('f64x2.splat').simd('f64x2.div')
        .simd('f32x4.demote_f64x2_zero').set(h[k]!);
    }
    f.get(h[0]!).get(h[1]!).shuffle(lanes32([0, 1, 4, 5]));
  };
  // d: the tile's depth address; its stencil byte is at STENCIL + (d - DEPTH) / 4
  const stencilAt = (d: number) => f.get(d).get(DEPTH).op('i32.sub').i32(2).op('i32.shr_u').get(STENCIL).op('i32.add').set(st);
  rowsAndPixels(f, P, { srcRow: stride, dstRow: rowT, srcPx: 4, dstPx: 4 }, (n, s, d) => {
    stencilAt(d);
    if (n === 4) {
      f.get(s).simd('v128.load', 0, 0).set(w);
      f.get(d); depths(); f.simd('v128.store', 0, 0);
      f.get(st).get(w).get(w).shuffle([0, 4, 8, 12, ...Array(12).fill(0)]).simd('i32x4.extract_lane', 0).op('i32.store', 0, 0);
    } else {
      f.get(s).simd('v128.load32_splat', 0, 0).set(w);
      f.get(d); depths(); f.simd('f32x4.extract_lane', 0).op('f32.store', 0, 0);
      f.get(st).get(s).op('i32.load', 0, 0).op('i32.store8', 0, 0);
    }
  });
}

/**
 * Rows y < th of a surface from address local `pa` (row pitch local `stride`), pixels x < tw: every pixel
 * the i32 local `word`, four at a time from the v128 local `vec` (its four lanes `word`).
 */
function fillRows(f: FunctionBuilder, p: { pa: number; tw: number; th: number; stride: number }, vec: number, word: number): void {
  const none = f.local('i32'); // no source: its row step stays 0
  rowsAndPixels(f, { src: p.pa, dst: p.pa, tw: p.tw, th: p.th }, { srcRow: none, dstRow: p.stride, srcPx: 0, dstPx: 4 }, (n, _s, d) => {
    f.get(d);
    if (n === 4) f.get(vec).simd('v128.store', 0, 0);
    else f.get(word).op('i32.store', 0, 0);
  });
}

/**
 * fill(word, pa, tw, th, stride) for a 4-byte unorm8 colour format whose tile bytes come from `src`: every pixel of
 * the rows what a store of a tile pixel holding the bytes of `word` (R in the low byte) writes — the store's shuffle
 * applied once, then the rows filled.
 */
function emitFillBytes(m: ModuleBuilder, src: readonly number[], name: string): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, name);
  const vec = f.local('v128'), word = f.local('i32');
  const sh = byteShuffle(src, 'store');
  f.get(0).simd('i32x4.splat');
  if (sh) f.v128i32(0, 0, 0, 0).shuffle(sh);
  f.tee(vec).simd('i32x4.extract_lane', 0).set(word);
  fillRows(f, { pa: 1, tw: 2, th: 3, stride: 4 }, vec, word);
}

/** fillD24s8(d, s, pa, tw, th, stride): every pixel of the rows the word storeD24s8 writes for depth d (float32) and stencil s (its low byte) */
function emitFillD24s8(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['f32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, 'fillD24s8');
  const dz = f.local('v128'), h = [f.local('v128'), f.local('v128')], x = f.local('v128'), vec = f.local('v128'), word = f.local('i32');
  f.get(0).simd('f32x4.splat').set(dz);
  depthWords(f, dz, h, x);
  f.get(1).i32(255).op('i32.and').simd('i32x4.splat').simd('v128.or').tee(vec).simd('i32x4.extract_lane', 0).set(word);
  fillRows(f, { pa: 2, tw: 3, th: 4, stride: 5 }, vec, word);
}

/** clearColor(tile, r, g, b, a): every pixel of the tile memory's colour to (r, g, b, a) */
function emitClearColor(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['i32', 'f32', 'f32', 'f32', 'f32'], results: [] }, 'clearColor');
  const c = f.local('v128'), a = f.local('i32');
  f.get(1).simd('f32x4.splat').get(2).simd('f32x4.replace_lane', 1).get(3).simd('f32x4.replace_lane', 2).get(4).simd('f32x4.replace_lane', 3).set(c);
  fill(f, 0, TILE_SIZE * TILE_SIZE * 16, c, a);
}

/** clearColor8(tile, word): every pixel of a unorm8 tile's colour to the four bytes of `word` */
function emitClearColor8(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['i32', 'i32'], results: [] }, 'clearColor8');
  const c = f.local('v128'), a = f.local('i32');
  f.get(1).simd('i32x4.splat').set(c);
  fill(f, 0, TILE_SIZE * TILE_SIZE * 4, c, a);
}

/** clearZs(depth, stencil, d, s): every pixel of the tile memory's depth to d and stencil to s */
function emitClearZs(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'f32', 'i32'], results: [] }, 'clearZs');
  const c = f.local('v128'), a = f.local('i32');
  f.get(2).simd('f32x4.splat').set(c);
  fill(f, 0, TILE_SIZE * TILE_SIZE * 4, c, a);
  f.get(3).simd('i8x16.splat').set(c);
  fill(f, 1, TILE_SIZE * TILE_SIZE, c, a);
}

/** stores vector local c over `bytes` bytes (a multiple of 64) from the address in local `at` (a: scratch) */
function fill(f: FunctionBuilder, at: number, bytes: number, c: number, a: number): void {
  f.get(at).set(a);
  f.block().loop();
  for (let k = 0; k < 4; k++) f.get(a).get(c).simd('v128.store', 0, 16 * k);
  f.get(a).i32(64).op('i32.add').tee(a).get(at).i32(bytes).op('i32.add').op('i32.lt_u').op('br_if', 0);
  f.end().end();
}

/** resolve8(p0, p1, p2, p3, bytes): the first `bytes` bytes (a multiple of 16) at p0 become the rounded mean of those at p0..p3 */
function emitResolve8(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, 'resolve8');
  const i = f.local('i32'), lo = f.local('v128'), hi = f.local('v128');
  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(4).op('i32.ge_u').op('br_if', 1);
  for (const [half, acc] of [['low', lo], ['high', hi]] as const) {
    f.v128i32(0x20002, 0x20002, 0x20002, 0x20002);
    for (let p = 0; p < 4; p++) f.get(p).get(i).op('i32.add').simd('v128.load', 0, 0).simd(`i16x8.extend_${half}_i8x16_u`).simd('i16x8.add');
    f.i32(2).simd('i16x8.shr_u').set(acc);
  }
  f.get(0).get(i).op('i32.add').get(lo).get(hi).simd('i8x16.narrow_i16x8_u').simd('v128.store', 0, 0);
  f.get(i).i32(16).op('i32.add').set(i);
  f.op('br', 0);
  f.end().end();
}

function buildTileUnit(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: 'core', name: 'memory', min: 1, max: 65536, shared: true });
  for (const fmt of BYTE_FORMATS) {
    emitBytes(m, COLOR_TILE_BYTES[fmt]!, 'store', `store${fmt}`);
    emitBytes(m, COLOR_TILE_BYTES[fmt]!, 'load', `load${fmt}`);
    emitFillBytes(m, COLOR_TILE_BYTES[fmt]!, `fill${fmt}`);
  }
  emitStoreD24s8(m);
  emitFillD24s8(m);
  emitLoadD24s8(m);
  emitClearColor(m);
  emitClearColor8(m);
  emitClearZs(m);
  emitResolve8(m);
  return m.encode();
}

type Rows = (tile: number, pa: number, tw: number, th: number, stride: number) => void;
type ZsRows = (depth: number, stencil: number, pa: number, tw: number, th: number, stride: number) => void;
type FillRows = (word: number, pa: number, tw: number, th: number, stride: number) => void;

/** The tile units of one device's memory (instantiated once per thread and memory). */
export interface TileUnit {
  /** by COLOR_FORMAT index: the row units of a 4-byte unorm8 format (BYTE_FORMATS), else undefined */
  storeBytes: Array<Rows | undefined>; loadBytes: Array<Rows | undefined>;
  storeD24s8: ZsRows; loadD24s8: ZsRows;
  /**
   * By COLOR_FORMAT index (BYTE_FORMATS): rows filled with what the store writes for a tile pixel of bytes `word`;
   * and d24s8 rows filled with what storeD24s8 writes for a tile pixel of depth `depth` (a value, float32) and
   * stencil `stencil` (a value, its low byte). A tile that holds one value everywhere stores as these fills.
   */
  fillBytes: Array<FillRows | undefined>;
  fillD24s8: ZsRows;
  clearColor(tile: number, r: number, g: number, b: number, a: number): void;
  clearColor8(tile: number, word: number): void;
  clearZs(depth: number, stencil: number, d: number, s: number): void;
  /** the first `bytes` (a multiple of 16) of unorm8 plane p0 become the rounded means (sum + 2) >> 2 of planes p0..p3 */
  resolve8(p0: number, p1: number, p2: number, p3: number, bytes: number): void;
}

let compiled: WebAssembly.Module | null = null;
const units = new WeakMap<PhysicalMemory, TileUnit>();

export function tileUnit(mem: PhysicalMemory): TileUnit {
  let u = units.get(mem);
  if (!u) {
    compiled ??= new WebAssembly.Module(buildTileUnit());
    const e = new WebAssembly.Instance(compiled, { core: { memory: mem.wasm } }).exports as unknown as Record<string, Rows> & TileUnit;
    const rows = (dir: string) => COLOR_FORMAT.map((_, fmt) => (BYTE_FORMATS.includes(fmt) ? e[`${dir}${fmt}`] : undefined));
    u = { ...e, storeBytes: rows('store'), loadBytes: rows('load'), fillBytes: rows('fill') };
    units.set(mem, u);
  }
  return u;
}
