/**
 * The fragment pipeline's arithmetic rule for triangles, as the hardware
 * defines it (docs/ARCHITECTURE.md, "Rasterisation rules"): what the generic
 * pipeline (fragment.ts) computes in JavaScript and the fused kernels
 * (fused.ts) in WebAssembly SIMD, to the bit.
 *
 * - Coverage: edge functions of the snapped vertices (1/256 pixel) at pixel
 *   centres, exact integers (fragment.ts). Quads are walked in 8×8-pixel
 *   blocks of the tile (BLOCK), row by row, and the quads of a block row by
 *   row — the order warps are gathered in.
 * - Interpolation: float32 plane equations, set up per triangle and tile in
 *   double and rounded once to float32 (planeSetup), evaluated per pixel in
 *   float32 (planeAt): W (1/w), B1 and B2 (the barycentric weight of vertex
 *   1 and 2 times its 1/w) and Z. Per pixel: w = W, inv = w ≠ 0 ? 1/w : 0,
 *   b1 = B1·inv, b2 = B2·inv, and a varying is v0 + b1·(v1 − v0) + b2·(v2 − v0)
 *   (the differences rounded to float32 once per triangle), every step
 *   rounded to float32. A varying equal at the three vertices is that value
 *   exactly, whatever the w's.
 * - Blending in float32 (each product, sum and 1 − x rounded), then
 *   quantisation of a normalized channel of m = 2^bits − 1 steps:
 *   v ≥ 1 → 1, v > 0 → ⌊f32(f32(v·m) + 0.5)⌋ / m (a float32 division), else 0.
 */
import { COLOR_FORMAT } from '../hwdesc/descriptors.js';
import { COLOR_FORMAT_LAYOUT, PIXEL_FORMATS } from '../hwdesc/formats.js';

/** sub-pixel units per pixel */
export const SUB = 256;
/** the quad walk's blocks: BLOCK × BLOCK pixels */
export const BLOCK = 8;

/** float32 indices of the plane block: each plane c, a, b (value at the tile's first pixel centre, per pixel in x, per pixel in y) */
export const PLANE = { W: 0, B1: 3, B2: 6, Z: 9, size: 12 } as const;

const fr = Math.fround;

/**
 * The four planes of a triangle in tile (x0, y0), into out[o..o+12), from
 * the snapped vertices (X, Y in 1/256 pixel, vertex order as submitted),
 * 1/w and z of each vertex. Double throughout, in exactly this order of
 * operations (fused.ts emits the same), then each coefficient rounded to
 * float32.
 */
export function planeSetup(X0: number, Y0: number, X1: number, Y1: number, X2: number, Y2: number,
  w0: number, w1: number, w2: number, z0: number, z1: number, z2: number, x0: number, y0: number, out: Float32Array, o: number): void {
  const dx1 = X1 - X0, dy1 = Y1 - Y0, dx2 = X2 - X0, dy2 = Y2 - Y0;
  const det = dx1 * dy2 - dx2 * dy1;
  const r = SUB / det;
  // the barycentric weights of vertices 1 and 2: per pixel in x and y, and at the tile's first pixel centre
  const l1x = dy2 * r, l1y = -dx2 * r, l2x = -dy1 * r, l2y = dx1 * r;
  const ox = x0 * SUB + SUB / 2 - X0, oy = y0 * SUB + SUB / 2 - Y0;
  const l1o = (ox * dy2 - oy * dx2) / det, l2o = (oy * dx1 - ox * dy1) / det;
  const plane = (p: number, f0: number, f1: number, f2: number) => {
    const g1 = f1 - f0, g2 = f2 - f0;
    out[o + p] = f0 + (g1 * l1o + g2 * l2o);
    out[o + p + 1] = g1 * l1x + g2 * l2x;
    out[o + p + 2] = g1 * l1y + g2 * l2y;
  };
  plane(PLANE.W, w0, w1, w2);
  plane(PLANE.B1, 0, w1, 0);
  plane(PLANE.B2, 0, 0, w2);
  plane(PLANE.Z, z0, z1, z2);
}

/** A plane at tile pixel (fx, fy) (pixels from the tile's first): (c + b·fy) + a·fx, in float32. */
export function planeAt(pl: Float32Array, p: number, fx: number, fy: number): number {
  return fr(fr(pl[p]! + fr(pl[p + 2]! * fy)) + fr(pl[p + 1]! * fx));
}

/** A varying from the weights b1, b2 and its vertex-0 value and float32 differences d1 = v1 − v0, d2 = v2 − v0. */
export function varyingAt(v0: number, d1: number, d2: number, b1: number, b2: number): number {
  return fr(fr(v0 + fr(b1 * d1)) + fr(b2 * d2));
}

/**
 * How each output channel (R, G, B, A) of a colour format is quantised by
 * the fragment pipeline: m > 0 steps of a normalized channel, FLOAT kept as
 * float32 (a half float rounds when the tile is stored), or the constants
 * ZERO and ONE of a channel the format lacks. sRGB formats and formats
 * with other encodings (R11F_G11F_B10F's unsigned small floats) are not
 * described (tile.ts quantColor; fused kernels leave them to the generic path).
 */
export const QUANT_FLOAT = -1, QUANT_ZERO = -2, QUANT_ONE = -3;
export const FRAGMENT_QUANT: ReadonlyArray<readonly number[] | null> = COLOR_FORMAT.map((n) => {
  const f = PIXEL_FORMATS[COLOR_FORMAT_LAYOUT[n]];
  if (f.colorspace !== 'linear' || !f.channels.every((c) => c.type === 'unorm' || c.type === 'float')) return null;
  return [0, 1, 2, 3].map((k) => {
    const s = f.swizzle[k] ?? '0';
    if (s === '0') return QUANT_ZERO;
    if (s === '1') return QUANT_ONE;
    const ch = f.channels['xyzw'.indexOf(s)]!;
    return ch.type === 'float' ? QUANT_FLOAT : 2 ** ch.bits - 1;
  });
});

/** A normalized channel of m steps, quantised (the rule above). */
export function quantUnorm(v: number, m: number): number {
  return v >= 1 ? 1 : v > 0 ? fr(Math.floor(fr(fr(v * m) + 0.5)) / m) : 0;
}
