/**
 * The tile-list walk of a fused fragment kernel (fused.ts): one call per run
 * of a tile's primitive list whose records belong to the kernel's draw, not
 * one per triangle. For each record it checks the header, does the triangle
 * setup that FragmentPipeline.fusedTriangle (fragment.ts) does — the same
 * snapping, orientation, top-left rule, rectangle, trivial reject and
 * polygon offset, operation for operation in double — writes the setup
 * block and rasterises the triangle with the kernel's `raster`.
 *
 * It stops, returning how many records it took, at the first record it does
 * not take: one of another draw or kind, one outside the heap window, or a
 * triangle whose rectangle is not a number (vertices at infinity). The
 * pipeline then handles that record itself (the generic path, or
 * fusedTriangle for the odd cases), so a bad record faults exactly as
 * before, and calls again from the next one.
 */
import { CORE_LOCAL } from '../hwdesc/corelocal.js';
import type { FunctionBuilder } from './wasm/emitter.js';
import { PRIM } from './fused.js';
import { VERTEX_FIXED } from './tiler.js';

/** sub-pixel units per pixel (fragment.ts SUB) */
const SUB = 256;
/** bytes of a primitive record's header (tiler.ts: draw VA, kind and facing, varyings) */
const HEADER_BYTES = 16;
/** the trivial reject's exactness bound (fragment.ts fusedTriangle) */
const LIM = 1 << 24;

/**
 * Emits `walk(base, uniLen, list, n, heap, lim) -> taken`: `list` is the
 * physical address of n record offsets (a tile-list chunk's entries),
 * `heap` the heap window's physical address, `lim` the largest record
 * offset whose vertices fit in the window. The draw's values (its VA, the
 * tile rectangle under its scissor, varyings count, polygon offset) are in
 * the setup block (PRIM.walk*), written by the pipeline per call. `span`:
 * where coverage is tested inside a pixel (fused.ts coverageSpan: the pixel
 * centre, or a multisampled pass's sample positions), which the trivial
 * reject tests at the rectangle's corner pixels.
 */
export function emitWalk(f: FunctionBuilder, rasterIndex: number, span: { x0: number; x1: number; y0: number; y1: number }): void {
  const P_BASE = 0, P_UNI = 1, P_LIST = 2, P_N = 3, P_HEAP = 4, P_LIM = 5;
  const pr = CORE_LOCAL.fusedPrim;
  const i32 = () => f.local('i32'), f64 = () => f.local('f64');
  const i = i32(), rec = i32(), w = i32(), nvary = i32(), stride = i32(), v1 = i32(), v2 = i32(), info = i32(), swap = i32();
  const k = i32(), a = i32(), d = i32();
  const X = [f64(), f64(), f64()], Y = [f64(), f64(), f64()];
  const R = [f64(), f64(), f64(), f64()];
  const area = f64(), ax = f64(), ay = f64(), bx = f64(), by = f64(), cx = f64(), cy = f64();
  const rx0 = f64(), ry0 = f64(), rx1 = f64(), ry1 = f64(), t = f64(), zo = f64();
  const sx0 = f64(), sx1 = f64(), sy0 = f64(), sy1 = f64();
  const ld = (off: number) => f.get(P_BASE).op('i32.load', 2, pr + off);
  /** pushes vertex `vx`'s float `c` (f32 in the record) as a double */
  const vert = (vx: number, c: number) => { f.get(vx === 0 ? w : vx === 1 ? v1 : v2).op('f32.load', 2, (vx === 0 ? HEADER_BYTES : 0) + c * 4).op('f64.promote_f32'); };
  /**
   * Math.round of the double on the stack, a float32 times SUB (so at most 24 significant bits): sets `to`.
   * Below 2^52 that is floor(t + 0.5) — the sum is exact (t's bits and 0.5's span at most 53 bits), or,
   * for |t| < 2^-31, rounds to a neighbour of 0.5 whose floor is 0 as well (+0 for a tiny negative t, as
   * floor(t) + 1 gives it); from 2^52 on, and for infinities and NaN, t is its own rounding. (A select on
   * the rest >= 0.5 compiles to a branch the host mispredicts on half the vertices; this one is taken
   * every time.)
   */
  const round = (to: number) => {
    f.set(t);
    f.get(t).f64(0.5).op('f64.add').op('f64.floor').get(t).get(t).op('f64.abs').f64(2 ** 52).op('f64.lt').op('select').set(to);
  };
  const st64 = (off: number, push: () => void) => { f.get(P_BASE); push(); f.op('f64.store', 3, pr + off); };
  const st32 = (off: number, push: () => void) => { f.get(P_BASE); push(); f.op('i32.store', 2, pr + off); };
  const count = () => st32(PRIM.walkTriangles, () => ld(PRIM.walkTriangles).i32(1).op('i32.add'));

  f.get(P_BASE).op('i32.load', 2, pr + PRIM.nvary).set(nvary);
  f.get(nvary).i32(VERTEX_FIXED).op('i32.add').i32(4).op('i32.mul').set(stride);
  [PRIM.walkRx0, PRIM.walkRy0, PRIM.walkRx1, PRIM.walkRy1].forEach((off, j) => { ld(off).op('f64.convert_i32_s').set(R[j]!); });
  // Touch every record of the run first: the records of a tile lie anywhere in the heap (they were
  // binned in draw order), so each is a cache miss; independent loads in a row wait for memory together
  // instead of one after another. Offsets outside the window are clamped to it (the walk stops there).
  // Each cache line of the record is touched — its first and last byte and the bytes 64 and 128 on
  // (clamped to its last): a record of three vertices of 5 + 3 words is 112 bytes, so most span three
  // lines, and an untouched middle one was a miss of its own in the setup.
  const last = i32();
  f.get(stride).i32(3).op('i32.mul').i32(HEADER_BYTES - 1).op('i32.add').set(last);
  f.i32(0).set(i).i32(0).set(a);
  f.block().loop();
  f.get(i).get(P_N).op('i32.ge_u').op('br_if', 1);
  f.get(P_LIST).get(i).i32(2).op('i32.shl').op('i32.add').op('i32.load', 2, 0).tee(rec);
  f.get(P_LIM).get(rec).get(P_LIM).op('i32.le_u').op('select').get(P_HEAP).op('i32.add').set(w);
  f.get(a).get(w).op('i32.load', 0, 0).op('i32.xor').get(w).get(last).op('i32.add').op('i32.load8_u', 0, 0).op('i32.xor');
  for (const at of [64, 128]) f.get(w).i32(at).get(last).i32(at).get(last).op('i32.lt_u').op('select').op('i32.add').op('i32.load8_u', 0, 0).op('i32.xor');
  f.set(a);
  f.get(i).i32(1).op('i32.add').set(i);
  f.op('br', 0);
  f.end().end();
  st32(PRIM.walkTouched, () => f.get(a));
  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(P_N).op('i32.ge_u').op('br_if', 1);
  f.block(); // $skip: the record is done (nothing to draw, or drawn)
  {
    // the record: aligned, inside the window, of this draw, a triangle with this draw's varyings
    f.get(P_LIST).get(i).i32(2).op('i32.shl').op('i32.add').op('i32.load', 2, 0).set(rec);
    f.get(rec).i32(3).op('i32.and').op('br_if', 2);
    f.get(rec).get(P_LIM).op('i32.gt_u').op('br_if', 2);
    f.get(P_HEAP).get(rec).op('i32.add').set(w);
    f.get(w).op('i32.load', 2, 0).get(P_BASE).op('i32.load', 2, pr + PRIM.walkDrawLo).op('i32.ne').op('br_if', 2);
    f.get(w).op('i32.load', 2, 4).get(P_BASE).op('i32.load', 2, pr + PRIM.walkDrawHi).op('i32.ne').op('br_if', 2);
    // kind triangle (0), 3 vertices; bit 2 is front_facing
    f.get(w).op('i32.load', 2, 8).tee(info).i32(~4).op('i32.and').i32(3 << 3).op('i32.ne').op('br_if', 2);
    f.get(w).op('i32.load', 2, 12).get(nvary).op('i32.ne').op('br_if', 2);
    f.get(w).i32(HEADER_BYTES).op('i32.add').get(stride).op('i32.add').set(v1);
    f.get(v1).get(stride).op('i32.add').set(v2);
    // snap to the sub-pixel grid
    for (let j = 0; j < 3; j++) {
      vert(j, 0); f.f64(SUB).op('f64.mul'); round(X[j]!);
      vert(j, 1); f.f64(SUB).op('f64.mul'); round(Y[j]!);
    }
    // area = (X1 - X0)(Y2 - Y0) - (Y1 - Y0)(X2 - X0); 0: nothing to draw
    f.get(X[1]!).get(X[0]!).op('f64.sub').get(Y[2]!).get(Y[0]!).op('f64.sub').op('f64.mul');
    f.get(Y[1]!).get(Y[0]!).op('f64.sub').get(X[2]!).get(X[0]!).op('f64.sub').op('f64.mul');
    f.op('f64.sub').tee(area).f64(0).op('f64.eq').op('br_if', 0);
    // a = vertex 0, (b, c) = (1, 2), or (2, 1) when the winding is reversed
    f.get(area).f64(0).op('f64.lt').set(swap);
    f.get(area).op('f64.neg').get(area).get(swap).op('select').set(area);
    f.get(X[0]!).set(ax); f.get(Y[0]!).set(ay);
    f.get(X[2]!).get(X[1]!).get(swap).op('select').set(bx); f.get(Y[2]!).get(Y[1]!).get(swap).op('select').set(by);
    f.get(X[1]!).get(X[2]!).get(swap).op('select').set(cx); f.get(Y[1]!).get(Y[2]!).get(swap).op('select').set(cy);
    // the rectangle: the tile under the scissor, and the triangle's bounds
    const bound = (C: number[], lo: number, hi: number, rlo: number, rhi: number) => {
      f.get(rlo).get(C[0]!).get(C[1]!).op('f64.min').get(C[2]!).op('f64.min').f64(SUB).op('f64.div').op('f64.floor').op('f64.max').set(lo);
      f.get(rhi).get(C[0]!).get(C[1]!).op('f64.max').get(C[2]!).op('f64.max').f64(SUB).op('f64.div').op('f64.ceil').f64(1).op('f64.add').op('f64.min').set(hi);
    };
    bound(X, rx0, rx1, R[0]!, R[2]!);
    bound(Y, ry0, ry1, R[1]!, R[3]!);
    f.get(rx0).get(rx1).op('f64.ge').get(ry0).get(ry1).op('f64.ge').op('i32.or').op('br_if', 0);
    // a rectangle that is not a number: the pipeline's own setup takes this record
    for (const r of [rx0, rx1, ry0, ry1]) f.get(r).get(r).op('f64.ne');
    f.op('i32.or').op('i32.or').op('i32.or').op('br_if', 2);
    // trivial reject, while every product is exact in double (fragment.ts `outside`)
    f.get(X[0]!).op('f64.abs');
    for (const c of [X[1]!, X[2]!, Y[0]!, Y[1]!, Y[2]!]) f.get(c).op('f64.abs').op('f64.max');
    f.f64(LIM).op('f64.le');
    f.if();
    {
      f.get(rx0).f64(SUB).op('f64.mul').f64(span.x0).op('f64.add').set(sx0);
      f.get(rx1).f64(1).op('f64.sub').f64(SUB).op('f64.mul').f64(span.x1).op('f64.add').set(sx1);
      f.get(ry0).f64(SUB).op('f64.mul').f64(span.y0).op('f64.add').set(sy0);
      f.get(ry1).f64(1).op('f64.sub').f64(SUB).op('f64.mul').f64(span.y1).op('f64.add').set(sy1);
      // edge (a, py, b, px): the largest of a (sy - py) - b (sx - px) at the four corners is < 0, or 0 on an edge that does not own it
      const outside = (ea: () => void, py: number, eb: () => void, px: number) => {
        const corner = (sy: number, sx: number) => { ea(); f.get(sy).get(py).op('f64.sub').op('f64.mul'); eb(); f.get(sx).get(px).op('f64.sub').op('f64.mul'); f.op('f64.sub'); };
        corner(sy0, sx0); corner(sy0, sx1); f.op('f64.max'); corner(sy1, sx0); f.op('f64.max'); corner(sy1, sx1); f.op('f64.max');
        f.set(t);
        f.get(t).f64(0).op('f64.lt');
        f.get(t).f64(0).op('f64.eq');
        // owns: b < 0 || (b == 0 && a > 0)
        eb(); f.f64(0).op('f64.lt'); eb(); f.f64(0).op('f64.eq'); ea(); f.f64(0).op('f64.gt'); f.op('i32.and').op('i32.or');
        f.op('i32.eqz').op('i32.and').op('i32.or');
      };
      const diff = (p: number, q: number) => () => { f.get(p).get(q).op('f64.sub'); };
      outside(diff(cx, bx), by, diff(cy, by), bx);
      outside(diff(ax, cx), cy, diff(ay, cy), cx);
      f.op('i32.or');
      outside(diff(bx, ax), ay, diff(by, ay), ax);
      f.op('i32.or');
      f.if(); count(); f.op('br', 2); f.end();
    }
    f.end();
    // polygon offset: the max depth slope of the plane through the vertices, with the draw's factor and units
    f.f64(0).set(zo);
    emitOffset(f, { w, v1, v2, zo, base: P_BASE });
    // the setup block, as fusedTriangle writes it
    const edges: Array<[() => void, number, () => void, number]> = [
      [() => f.get(cx).get(bx).op('f64.sub'), by, () => f.get(cy).get(by).op('f64.sub'), bx],
      [() => f.get(ax).get(cx).op('f64.sub'), cy, () => f.get(ay).get(cy).op('f64.sub'), cx],
      [() => f.get(bx).get(ax).op('f64.sub'), ay, () => f.get(by).get(ay).op('f64.sub'), ax],
    ];
    edges.forEach(([ea, py, eb, px], j) => {
      st64(PRIM.edge + j * 32, ea); st64(PRIM.edge + j * 32 + 8, () => f.get(py));
      st64(PRIM.edge + j * 32 + 16, eb); st64(PRIM.edge + j * 32 + 24, () => f.get(px));
      // top-left rule: the edge (dx, dy) = (a, b) owns its pixel centres when dy < 0, or dy = 0 and dx > 0
      st32(PRIM.topLeft + j * 4, () => { eb(); f.f64(0).op('f64.lt'); eb(); f.f64(0).op('f64.eq'); ea(); f.f64(0).op('f64.gt'); f.op('i32.and').op('i32.or'); });
    });
    st64(PRIM.area, () => f.get(area));
    st64(PRIM.zOffset, () => f.get(zo));
    for (let j = 0; j < 3; j++) { st64(PRIM.invW + j * 8, () => vert(j, 3)); st64(PRIM.z + j * 8, () => vert(j, 2)); }
    st32(PRIM.rx0, () => f.get(rx0).op('i32.trunc_f64_s')); st32(PRIM.ry0, () => f.get(ry0).op('i32.trunc_f64_s'));
    st32(PRIM.rx1, () => f.get(rx1).op('i32.trunc_f64_s')); st32(PRIM.ry1, () => f.get(ry1).op('i32.trunc_f64_s'));
    st32(PRIM.ibIsOne, () => f.get(swap).op('i32.eqz'));
    st32(PRIM.front, () => f.i32(0x3f800000).i32(0).get(info).i32(4).op('i32.and').op('select'));
    // varyings: i of vertex v at vary + (3i + v) * 8, as doubles
    f.get(w).i32(HEADER_BYTES + VERTEX_FIXED * 4).op('i32.add').set(a);
    f.get(P_BASE).set(d);
    f.i32(0).set(k);
    f.block().loop();
    f.get(k).get(nvary).op('i32.ge_u').op('br_if', 1);
    f.get(d).get(a).op('f32.load', 2, 0).op('f64.promote_f32').op('f64.store', 3, pr + PRIM.vary);
    f.get(d).get(a).get(stride).op('i32.add').op('f32.load', 2, 0).op('f64.promote_f32').op('f64.store', 3, pr + PRIM.vary + 8);
    f.get(d).get(a).get(stride).i32(2).op('i32.mul').op('i32.add').op('f32.load', 2, 0).op('f64.promote_f32').op('f64.store', 3, pr + PRIM.vary + 16);
    f.get(d).i32(24).op('i32.add').set(d);
    f.get(a).i32(4).op('i32.add').set(a);
    f.get(k).i32(1).op('i32.add').set(k);
    f.op('br', 0);
    f.end().end();
    count();
    f.get(P_BASE).get(P_UNI).op('call', rasterIndex);
  }
  f.end(); // $skip
  f.get(i).i32(1).op('i32.add').set(i);
  f.op('br', 0);
  f.end().end();
  f.get(i);
}

/** zOffset (local zo, 0 on entry) from the polygon offset of the draw, when it has one. */
function emitOffset(f: FunctionBuilder, L: { w: number; v1: number; v2: number; zo: number; base: number }): void {
  const pr = CORE_LOCAL.fusedPrim;
  const x1 = f.local('f64'), y1 = f.local('f64'), z1 = f.local('f64'), x2 = f.local('f64'), y2 = f.local('f64'), z2 = f.local('f64');
  const det = f.local('f64'), zs = f.local('f64');
  const comp = (vx: number, c: number) => f.get(vx).op('f32.load', 2, (vx === L.w ? HEADER_BYTES : 0) + c * 4).op('f64.promote_f32');
  f.get(L.base).op('i32.load', 2, pr + PRIM.walkPolygonOffset).if();
  {
    const d = (dst: number, vx: number, c: number) => { comp(vx, c); comp(L.w, c); f.op('f64.sub').set(dst); };
    d(x1, L.v1, 0); d(y1, L.v1, 1); d(z1, L.v1, 2);
    d(x2, L.v2, 0); d(y2, L.v2, 1); d(z2, L.v2, 2);
    f.get(x1).get(y2).op('f64.mul').get(x2).get(y1).op('f64.mul').op('f64.sub').set(det);
    f.f64(0).set(zs);
    f.get(det).f64(0).op('f64.ne').if();
    f.get(z1).get(y2).op('f64.mul').get(z2).get(y1).op('f64.mul').op('f64.sub').get(det).op('f64.div').op('f64.abs');
    f.get(x1).get(z2).op('f64.mul').get(x2).get(z1).op('f64.mul').op('f64.sub').get(det).op('f64.div').op('f64.abs');
    f.op('f64.max').set(zs);
    f.end();
    f.get(L.base).op('f64.load', 3, pr + PRIM.walkOffsetFactor).get(zs).op('f64.mul');
    f.get(L.base).op('f64.load', 3, pr + PRIM.walkOffsetUnits).op('f64.add').set(L.zo);
  }
  f.end();
}
