/**
 * The triangle's pixels against an independent reference computed here from
 * the rasterisation rules the hardware documents (hw/fragment.ts):
 *  - window coordinates from the viewport (y flipped: row 0 is the top),
 *  - vertex positions snapped to 1/256 pixel,
 *  - coverage by edge functions at pixel centres with the top-left rule,
 *  - colours by barycentric interpolation (w = 1, so no perspective term),
 *    stored as round(c * 255).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawTriangle, TRIANGLE_VERTICES } from '../src/umd/triangle.js';
import { withDevice, MODES, FIRMWARES } from './helpers.js';

function reference(W: number, H: number): Uint8Array {
  const out = new Uint8Array(W * H * 4);
  const v = TRIANGLE_VERTICES.map(([x, y, r, g, b]) => ({
    x: Math.round((x + 1) * 0.5 * W * 256), y: Math.round((H - (y + 1) * 0.5 * H) * 256), c: [r, g, b],
  }));
  // orient so that E(p) = (b.x-a.x)(p.y-a.y) - (b.y-a.y)(p.x-a.x) > 0 inside
  const E = (a: typeof v[0], b: typeof v[0], px: number, py: number) => (b.x - a.x) * (py - a.y) - (b.y - a.y) * (px - a.x);
  let [a, b, c] = v as [typeof v[0], typeof v[0], typeof v[0]];
  if (E(a, b, c.x, c.y) < 0) [b, c] = [c, b];
  const area = E(a, b, c.x, c.y);
  const topLeft = (p: typeof v[0], q: typeof v[0]) => (q.y - p.y) < 0 || ((q.y - p.y) === 0 && (q.x - p.x) > 0);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const px = x * 256 + 128, py = y * 256 + 128;
      const e0 = E(b, c, px, py), e1 = E(c, a, px, py), e2 = E(a, b, px, py);
      const inside = (e0 > 0 || (e0 === 0 && topLeft(b, c))) && (e1 > 0 || (e1 === 0 && topLeft(c, a))) && (e2 > 0 || (e2 === 0 && topLeft(a, b)));
      const o = (y * W + x) * 4;
      out[o + 3] = 255;
      if (!inside) continue;
      const w0 = e0 / area, w1 = e1 / area, w2 = 1 - w0 - w1;
      for (let k = 0; k < 3; k++) out[o + k] = Math.round(Math.min(1, Math.max(0, w0 * a.c[k]! + w1 * b.c[k]! + w2 * c.c[k]!)) * 255);
    }
  }
  return out;
}

function compare(got: Uint8Array, want: Uint8Array, W: number): { coverage: number; colour: number } {
  let coverage = 0, colour = 0;
  for (let i = 0; i < want.length; i += 4) {
    const wantIn = want[i]! + want[i + 1]! + want[i + 2]! > 0, gotIn = got[i]! + got[i + 1]! + got[i + 2]! > 0;
    if (wantIn !== gotIn) { coverage++; continue; }
    for (let k = 0; k < 4; k++) if (Math.abs(got[i + k]! - want[i + k]!) > 1) { colour++; break; }
  }
  void W;
  return { coverage, colour };
}

const W = 256, H = 256;
const ref = reference(W, H);

test('reference sanity: the triangle covers the expected area', () => {
  let n = 0;
  for (let i = 0; i < ref.length; i += 4) if (ref[i]! + ref[i + 1]! + ref[i + 2]! > 0) n++;
  // area of the triangle in pixels: base 0.8*256, height 0.8*256 -> 0.5 * 204.8 * 204.8
  assert.ok(Math.abs(n - 0.5 * 204.8 * 204.8) < 300, `covered ${n}`);
});

for (const mode of MODES) {
  for (const layout of ['linear', 'twiddled'] as const) {
    test(`triangle pixels match the reference (${mode.name}, ${layout})`, () => {
      withDevice(mode.opts, (dev) => {
        const run = drawTriangle(dev, { layout, width: W, height: H });
        assert.equal(run.status, 'complete');
        const d = compare(run.pixels, ref, W);
        assert.deepEqual(d, { coverage: 0, colour: 0 });
        // corners of the image are the clear colour, opaque black
        assert.deepEqual([...run.pixels.subarray(0, 4)], [0, 0, 0, 255]);
      });
    });
  }
}

test('both modes and both layouts produce identical bytes', () => {
  const images = MODES.flatMap((m) => (['linear', 'twiddled'] as const).map((layout) => withDevice(m.opts, (dev) => drawTriangle(dev, { layout }).pixels)));
  for (const img of images.slice(1)) assert.deepEqual(img, images[0]);
});

for (const fw of FIRMWARES) {
  test(`triangle renders with firmware ${fw}`, () => {
    withDevice({ deterministic: true, firmware: fw }, (dev, m) => {
      const run = drawTriangle(dev);
      assert.equal(run.status, 'complete');
      assert.deepEqual(compare(run.pixels, ref, W), { coverage: 0, colour: 0 });
      assert.equal(m.driver.fwVersion, fw);
    });
  });
}

test('twiddled layout stores 16x16 blocks in raster order, Morton order inside', () => {
  withDevice({ deterministic: true }, (dev) => {
    const run = drawTriangle(dev, { layout: 'twiddled' });
    // independent Morton interleave: x bits on even positions, y bits on odd
    const morton = (x: number, y: number) => { let r = 0; for (let i = 0; i < 4; i++) r |= ((x >> i) & 1) << (2 * i) | ((y >> i) & 1) << (2 * i + 1); return r; };
    const blocksPerRow = run.stride / (16 * 4);
    let checked = 0;
    for (const [x, y] of [[128, 128], [40, 200], [200, 210], [127, 31], [0, 0], [255, 255], [17, 33]] as const) {
      const off = ((Math.floor(y / 16) * blocksPerRow + Math.floor(x / 16)) * 256 + morton(x % 16, y % 16)) * 4;
      assert.deepEqual([...run.raw.subarray(off, off + 4)], [...run.pixels.subarray((y * 256 + x) * 4, (y * 256 + x) * 4 + 4)], `pixel ${x},${y}`);
      checked++;
    }
    assert.equal(checked, 7);
    // and the raw bytes really differ from a linear image (the layout is not a no-op)
    const lin = withDevice({ deterministic: true }, (d2) => drawTriangle(d2, { layout: 'linear' }));
    assert.notDeepEqual(run.raw, lin.raw);
  });
});
