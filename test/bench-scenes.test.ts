/**
 * The benchmark scenes (bench/scenes in this repository, plain WebGL) render the
 * images they should. Expected pixels come from the scenes' own definitions
 * and GL's rules, computed here independently:
 *  - fill: 16 alpha-blended full-screen quads over black; colour per pixel
 *    from uv at the pixel centre and each quad's tint, blended in order with
 *    8-bit storage after every blend;
 *  - cube (frame 0, no rotation): only the front face is visible; its colour
 *    is the lit face colour, its extent the perspective projection of z = -3.5;
 *  - texture: the sky is the clear colour; the far plane, whose checkers are
 *    far below a pixel, is the average checker colour (trilinear mipmapping);
 *  - tris: a CPU rasteriser with the documented rules (1/256 snapping,
 *    top-left fill) draws the same 200,000 flat triangles in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWebGLContext } from '../src/platform/webgl.js';

const dir = resolve(process.env.AKARI_BENCH_SCENES ?? fileURLToPath(new URL('../../bench/scenes', import.meta.url)));
async function scene(name: string): Promise<{
  setup(gl: WebGLRenderingContext, w: number, h: number): unknown; frame(gl: WebGLRenderingContext, s: unknown, i: number): void;
  COUNT?: number;
}> {
  return import(pathToFileURL(resolve(dir, `${name}.js`)).href);
}

function render(name: string, mod: Awaited<ReturnType<typeof scene>>, w: number, h: number, index: number): Uint8Array {
  const gl = createWebGLContext(w, h, { deterministic: true, antialias: false, preserveDrawingBuffer: true });
  try {
    const st = mod.setup(gl, w, h);
    mod.frame(gl, st, index);
    const px = new Uint8Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
    assert.equal(gl.getError(), gl.NO_ERROR, `${name}: GL error`);
    return px;
  } finally { gl.destroy(); }
}
const at = (px: Uint8Array, w: number, x: number, y: number) => Array.from(px.subarray((y * w + x) * 4, (y * w + x) * 4 + 4));
function near(got: number[], want: number[], tol: number, what: string): void {
  for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k]! - want[k]!) <= tol, `${what}: got ${got} want ${want}`);
}

test('fill: 16 blended quads match per-pixel blending arithmetic', async () => {
  const W = 40, H = 30, index = 3;
  const px = render('fill', await scene('fill'), W, H, index);
  for (const [x, y] of [[0, 0], [20, 15], [39, 29], [5, 25], [33, 4]] as const) {
    const u = (x + 0.5) / W, v = (y + 0.5) / H; // readPixels row y is GL window y
    let c = [0, 0, 0, 1];
    for (let i = 0; i < 16; i++) {
      const k = (index + i) % 16;
      const tint = [(k & 1) ? 1 : 0.5, (k & 2) ? 1 : 0.4, (k & 4) ? 1 : 0.3, 0.125];
      const src = [tint[0]! * u, tint[1]! * v, tint[2]! * (1 - u), tint[3]!];
      c = c.map((d, ch) => Math.round(Math.min(1, src[ch]! * 0.125 + d * (1 - 0.125)) * 255) / 255);
    }
    near(at(px, W, x, y), c.map((v2) => v2 * 255), 2, `fill pixel ${x},${y}`);
  }
});

test('cube frame 0: the lit front face, projected where perspective puts it', async () => {
  const W = 64, H = 48;
  const px = render('cube', await scene('cube'), W, H, 0);
  const L = [0.3, 0.6, 1], len = Math.hypot(...L);
  const lit = 0.25 + 0.75 * (L[2]! / len);
  const face = [1 * lit, 0.2 * lit, 0.2 * lit].map((v) => Math.round(v * 255));
  const bg = [0.1, 0.1, 0.15].map((v) => Math.round(v * 255));
  // front face at z = -3.5: ndc half extent y = f / 3.5, x = f / (aspect * 3.5), f = 1 / tan(pi / 8)
  const f = 1 / Math.tan(Math.PI / 8), hy = f / 3.5, hx = f / ((W / H) * 3.5);
  for (let y = 0; y < H; y += 3) {
    for (let x = 0; x < W; x += 3) {
      const nx = ((x + 0.5) / W) * 2 - 1, ny = ((y + 0.5) / H) * 2 - 1;
      const inside = Math.abs(nx) < hx - 0.04 && Math.abs(ny) < hy - 0.04;
      const outside = Math.abs(nx) > hx + 0.04 || Math.abs(ny) > hy + 0.04;
      if (inside) near(at(px, W, x, y).slice(0, 3), face, 2, `face pixel ${x},${y}`);
      if (outside) near(at(px, W, x, y).slice(0, 3), bg, 1, `background pixel ${x},${y}`);
    }
  }
});

test('texture: sky is the clear colour, the far plane is the mean checker colour', async () => {
  const W = 64, H = 48;
  const px = render('texture', await scene('texture'), W, H, 0);
  near(at(px, W, 32, H - 2).slice(0, 3), [0.5, 0.7, 0.9].map((v) => Math.round(v * 255)), 1, 'sky');
  // the mean of the two checker colours (240,200,80) and (30,60,160)
  const mean = [135, 130, 120];
  near(at(px, W, 32, Math.floor(H * 0.45)).slice(0, 3), mean, 10, 'far plane');
});

test('tris: 200,000 flat triangles match a CPU rasteriser with the same rules', async () => {
  const W = 48, H = 32;
  const mod = await scene('tris');
  const px = render('tris', mod, W, H, 0);
  // Rebuild the scene's geometry exactly as tris.js does (its PRNG, its layout), angle 0.
  const { prng } = (await import(pathToFileURL(resolve(dir, 'common.js')).href)) as { prng(seed: number): () => number };
  const random = prng(42);
  const count = mod.COUNT ?? 200000;
  const ref = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) ref[i * 4 + 3] = 255;
  const f32 = Math.fround;
  for (let t = 0; t < count; t++) {
    const cx = random() * 1.8 - 0.9, cy = random() * 1.8 - 0.9;
    const col = [random(), random(), random()];
    const v = [0, 1, 2].map((k) => {
      const a = (k / 3) * Math.PI * 2 + t;
      const x = f32(cx + Math.cos(a) * 0.006), y = f32(cy + Math.sin(a) * 0.006);
      return { x: Math.round(f32((x + 1) * 0.5 * W) * 256), y: Math.round(f32((y + 1) * 0.5 * H) * 256) };
    });
    const E = (a: typeof v[0], b: typeof v[0], qx: number, qy: number) => (b.x - a.x) * (qy - a.y) - (b.y - a.y) * (qx - a.x);
    let [a, b, c] = v as [typeof v[0], typeof v[0], typeof v[0]];
    let area = E(a, b, c.x, c.y);
    if (area === 0) continue;
    if (area < 0) { [b, c] = [c, b]; area = -area; }
    const tl = (p: typeof a, q: typeof a) => q.y - p.y < 0 || (q.y - p.y === 0 && q.x - p.x > 0);
    const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x, c.x) / 256) - 1), x1 = Math.min(W - 1, Math.ceil(Math.max(a.x, b.x, c.x) / 256) + 1);
    const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y, c.y) / 256) - 1), y1 = Math.min(H - 1, Math.ceil(Math.max(a.y, b.y, c.y) / 256) + 1);
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      const qx = x * 256 + 128, qy = y * 256 + 128;
      const e0 = E(b, c, qx, qy), e1 = E(c, a, qx, qy), e2 = E(a, b, qx, qy);
      if ((e0 > 0 || (e0 === 0 && tl(b, c))) && (e1 > 0 || (e1 === 0 && tl(c, a))) && (e2 > 0 || (e2 === 0 && tl(a, b)))) {
        for (let k = 0; k < 3; k++) ref[(y * W + x) * 4 + k] = Math.round(f32(col[k]!) * 255);
      }
    }
  }
  let diff = 0, covered = 0;
  for (let i = 0; i < W * H; i++) {
    if (ref[i * 4]! + ref[i * 4 + 1]! + ref[i * 4 + 2]! > 0) covered++;
    for (let k = 0; k < 3; k++) if (Math.abs(px[i * 4 + k]! - ref[i * 4 + k]!) > 1) { diff++; break; }
  }
  assert.ok(covered > W * H / 2, `the reference covers ${covered} pixels`);
  assert.equal(diff, 0, `${diff} pixels differ from the reference`);
});
