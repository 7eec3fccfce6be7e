/**
 * The tile load/store units' fast paths in WebAssembly SIMD: moving a tile
 * between the core's tile memory (colour as float32 RGBA at format
 * precision, depth as float32, stencil as bytes; hwdesc/corelocal.ts) and a
 * linear, physically contiguous rgba8/bgra8 colour surface or d24s8
 * depth/stencil surface, four pixels per vector. Both sit in the device's
 * one wasm memory, so a row is converted in place, with no JS per pixel.
 *
 * The arithmetic is tile.ts's (which it replaces for these formats):
 * - colour store: k = trunc(v * 255 + 0.5) per channel. Every channel of an
 *   rgba8/bgra8 tile is some float32(k / 255) (clears, loads and fragment
 *   writes are quantised to the format), and for those 256 values the
 *   float32 product and sum truncate to k as the double ones do (checked
 *   for all of them by test/tile-unit.test.ts);
 * - colour load: float32(k / 255), a float32 division, which is the float32
 *   rounding of the double quotient for every k (tested);
 * - depth store: round(d * 16777215) as floor(x + 0.5) in double (x has at
 *   most 48 significant bits, so the sum is exact and this is Math.round),
 *   shifted over the stencil byte; NaN stores 0, as NaN << 8 does in JS;
 * - depth load: float32((word >>> 8) / 16777215) divided in double.
 *
 * The caller (TileBuffer) has already checked the rows against the
 * surface's window: the units only move bytes.
 */
import { TILE_SIZE } from '../hwdesc/descriptors.js';
import { ModuleBuilder, type FunctionBuilder } from './wasm/emitter.js';
import type { PhysicalMemory } from './memory.js';

/** byte indices of an i8x16.shuffle picking 32-bit lanes `l` (0-3 first operand, 4-7 second) */
function lanes32(l: readonly number[]): number[] {
  return l.flatMap((x) => [x * 4, x * 4 + 1, x * 4 + 2, x * 4 + 3]);
}
const Z = 16; // a byte of the second operand (all zero) in a shuffle against a zero vector

/** channel order in memory for rgba8 (swap = false) or bgra8 (swap = true): memory byte of tile channel c */
function order(swap: boolean): number[] { return swap ? [2, 1, 0, 3] : [0, 1, 2, 3]; }

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

function splatF32(f: FunctionBuilder, v: number): void { f.f32(v).simd('f32x4.splat'); }

/** storeColor(tile, pa, tw, th, stride): float32 RGBA tile rows to rgba8 (or bgra8) rows */
function emitStoreColor(m: ModuleBuilder, swap: boolean, name: string): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, name);
  const P = { src: 0, dst: 1, tw: 2, th: 3 }, stride = 4;
  const rowT = f.local('i32');
  f.i32(TILE_SIZE * 16).set(rowT);
  const px = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const o = order(swap);
  // memory byte j of a pixel is tile channel o^-1(j): pick the low byte of that channel's i32 lane
  const inv = [0, 1, 2, 3].map((j) => o.indexOf(j));
  const conv = (src: number, off: number, to: number) => {
    f.get(src).simd('v128.load', 0, off);
    splatF32(f, 255); f.simd('f32x4.mul'); splatF32(f, 0.5); f.simd('f32x4.add').simd('i32x4.trunc_sat_f32x4_s').set(to);
  };
  rowsAndPixels(f, P, { srcRow: rowT, dstRow: stride, srcPx: 16, dstPx: 4 }, (n, s, d) => {
    if (n === 4) {
      for (let k = 0; k < 4; k++) conv(s, 16 * k, px[k]!);
      f.get(d);
      f.get(px[0]!).get(px[1]!).shuffle([...inv.map((c) => c * 4), ...inv.map((c) => 16 + c * 4), ...Array(8).fill(0)]);
      f.get(px[2]!).get(px[3]!).shuffle([...inv.map((c) => c * 4), ...inv.map((c) => 16 + c * 4), ...Array(8).fill(0)]);
      f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
      f.simd('v128.store', 0, 0);
    } else {
      conv(s, 0, px[0]!);
      f.get(d).get(px[0]!).get(px[0]!).shuffle([...inv.map((c) => c * 4), ...Array(12).fill(0)]).simd('i32x4.extract_lane', 0).op('i32.store', 0, 0);
    }
  });
}

/** loadColor(tile, pa, tw, th, stride): rgba8 (or bgra8) rows to float32 RGBA tile rows */
function emitLoadColor(m: ModuleBuilder, swap: boolean, name: string): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, name);
  // here src is the surface and dst the tile
  const P = { src: 1, dst: 0, tw: 2, th: 3 }, stride = 4;
  const rowT = f.local('i32'), bytes = f.local('v128');
  f.i32(TILE_SIZE * 16).set(rowT);
  const o = order(swap);
  const toTile = (d: number, p: number, off: number) => {
    // pixel p's four bytes as i32 lanes in tile channel order, then k / 255 in float32
    f.get(d);
    f.get(bytes).v128i32(0, 0, 0, 0).shuffle(o.flatMap((b) => [4 * p + b, Z, Z, Z]));
    f.simd('f32x4.convert_i32x4_s');
    splatF32(f, 255); f.simd('f32x4.div');
    f.simd('v128.store', 0, off);
  };
  rowsAndPixels(f, P, { srcRow: stride, dstRow: rowT, srcPx: 4, dstPx: 16 }, (n, s, d) => {
    if (n === 4) {
      f.get(s).simd('v128.load', 0, 0).set(bytes);
      for (let p = 0; p < 4; p++) toTile(d, p, 16 * p);
    } else {
      f.get(s).op('i32.load', 0, 0).simd('i32x4.splat').set(bytes);
      toTile(d, 0, 0);
    }
  });
}

/** storeD24s8(depth, stencil, pa, tw, th, stride) */
function emitStoreD24s8(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, 'storeD24s8');
  const DEPTH = 0, STENCIL = 1, P = { src: 0, dst: 2, tw: 3, th: 4 }, stride = 5;
  const rowT = f.local('i32'), dz = f.local('v128'), h = [f.local('v128'), f.local('v128')], st = f.local('i32');
  f.i32(TILE_SIZE * 4).set(rowT);
  const words = () => {
    // round(d * 16777215) << 8 for the four depths in dz
    for (let k = 0; k < 2; k++) {
      f.get(dz); if (k) f.get(dz).shuffle(lanes32([2, 3, 0, 1]));
      f.simd('f64x2.promote_low_f32x4').f64(16777215).simd('f64x2.splat').simd('f64x2.mul').f64(0.5).simd('f64x2.splat').simd('f64x2.add')
        .simd('f64x2.floor').simd('i32x4.trunc_sat_f64x2_s_zero').set(h[k]!);
    }
    f.get(h[0]!).get(h[1]!).shuffle(lanes32([0, 1, 4, 5])).i32(8).simd('i32x4.shl');
  };
  // s: the tile's depth address; its stencil byte is at STENCIL + (s - DEPTH) / 4
  const stencilAt = (s: number) => f.get(s).get(DEPTH).op('i32.sub').i32(2).op('i32.shr_u').get(STENCIL).op('i32.add').set(st);
  rowsAndPixels(f, P, { srcRow: rowT, dstRow: stride, srcPx: 4, dstPx: 4 }, (n, s, d) => {
    stencilAt(s);
    if (n === 4) {
      f.get(d);
      f.get(s).simd('v128.load', 0, 0).set(dz);
      words();
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

/** clearColor(tile, r, g, b, a): every pixel of the tile memory's colour to (r, g, b, a) */
function emitClearColor(m: ModuleBuilder): void {
  const { fn: f } = m.func({ params: ['i32', 'f32', 'f32', 'f32', 'f32'], results: [] }, 'clearColor');
  const c = f.local('v128'), a = f.local('i32');
  f.get(1).simd('f32x4.splat').get(2).simd('f32x4.replace_lane', 1).get(3).simd('f32x4.replace_lane', 2).get(4).simd('f32x4.replace_lane', 3).set(c);
  fill(f, 0, TILE_SIZE * TILE_SIZE * 16, c, a);
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

function buildTileUnit(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: 'core', name: 'memory', min: 1, max: 65536, shared: true });
  emitStoreColor(m, false, 'storeRgba8');
  emitStoreColor(m, true, 'storeBgra8');
  emitLoadColor(m, false, 'loadRgba8');
  emitLoadColor(m, true, 'loadBgra8');
  emitStoreD24s8(m);
  emitLoadD24s8(m);
  emitClearColor(m);
  emitClearZs(m);
  return m.encode();
}

type Rows = (tile: number, pa: number, tw: number, th: number, stride: number) => void;
type ZsRows = (depth: number, stencil: number, pa: number, tw: number, th: number, stride: number) => void;

/** The tile units of one device's memory (instantiated once per thread and memory). */
export interface TileUnit {
  storeRgba8: Rows; storeBgra8: Rows; loadRgba8: Rows; loadBgra8: Rows;
  storeD24s8: ZsRows; loadD24s8: ZsRows;
  clearColor(tile: number, r: number, g: number, b: number, a: number): void;
  clearZs(depth: number, stencil: number, d: number, s: number): void;
}

let compiled: WebAssembly.Module | null = null;
const units = new WeakMap<PhysicalMemory, TileUnit>();

export function tileUnit(mem: PhysicalMemory): TileUnit {
  let u = units.get(mem);
  if (!u) {
    compiled ??= new WebAssembly.Module(buildTileUnit());
    u = new WebAssembly.Instance(compiled, { core: { memory: mem.wasm } }).exports as unknown as TileUnit;
    units.set(mem, u);
  }
  return u;
}
