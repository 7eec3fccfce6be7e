/**
 * The benchmark's own machinery, without a browser: the shared harness (run
 * here on Akari, and rebuilt from its source text as the Chromium reference
 * rebuilds it), frame comparison, and the side-by-side PNG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { timeScene, renderFrame, measureFixedCosts, median, type BenchScene } from '../src/tools/bench-harness.js';
import { compareFrames, sideBySide } from '../src/tools/bench-images.js';
import { createWebGLContext } from '../src/platform/webgl.js';

// Frame i clears to red = i (in 1/255 steps), so each frame's image names its index.
function countingScene(calls: number[]): BenchScene {
  return {
    name: 'counting',
    unit: { label: 'frames', perFrame: () => 1 },
    setup: () => ({}),
    frame(gl, _state, index) {
      calls.push(index);
      gl.clearColor(index / 255, 0.5, 0, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
    },
  };
}
const make = (w: number, h: number) => createWebGLContext(w, h, { deterministic: true, antialias: false, preserveDrawingBuffer: true });
const release = (gl: WebGLRenderingContext) => (gl as ReturnType<typeof make>).destroy();

for (const [how, harness] of [
  ['imported', { timeScene, renderFrame }],
  // what the reference page does: the functions rebuilt from their source alone
  ['rebuilt from source', { timeScene: (0, eval)(`(${timeScene.toString()})`) as typeof timeScene, renderFrame: (0, eval)(`(${renderFrame.toString()})`) as typeof renderFrame }],
] as const) {
  test(`harness (${how}): each run sets up afresh, warms up three frames, then draws consecutive frames`, () => {
    const calls: number[] = [];
    const fps = harness.timeScene(countingScene(calls), make, release, 8, 8, 0.05, 2);
    assert.equal(fps.length, 2);
    for (const f of fps) assert.ok(f > 0 && Number.isFinite(f));
    // two runs, each restarting at frame 0 and drawing at least 3 warm-up frames + 1 timed frame
    const restarts = calls.flatMap((c, i) => (c === 0 ? [i] : []));
    assert.deepEqual(restarts.slice(0, 1), [0]);
    assert.equal(restarts.length, 2);
    const run1 = calls.slice(0, restarts[1]), run2 = calls.slice(restarts[1]);
    for (const run of [run1, run2]) {
      assert.ok(run.length >= 4, `run drew ${run.length} frames`);
      assert.deepEqual(run, run.map((_, i) => i));
    }
  });

  test(`harness (${how}): fixed costs are measured, each a positive time in ms`, () => {
    const measure = how === 'imported' ? measureFixedCosts : (0, eval)(`(${measureFixedCosts.toString()})`) as typeof measureFixedCosts;
    const made: Array<[number, number]> = [];
    const c = measure((w, h) => { made.push([w, h]); return make(w, h); }, release, 48, 40, 0.01);
    for (const k of ['contextMs', 'compileMs', 'emptyFrameMs', 'readPixelsMs'] as const) assert.ok(c[k] > 0 && Number.isFinite(c[k]), `${k} = ${c[k]}`);
    // three contexts of the asked size to time creation, one 32x32 for compiles and empty frames, one to read back
    assert.deepEqual(made, [[48, 40], [48, 40], [48, 40], [32, 32], [48, 40]]);
  });

  test(`harness (${how}): renderFrame reads back the whole of frame i`, () => {
    const px = harness.renderFrame(countingScene([]), make, release, 4, 3, 7);
    assert.equal(px.length, 4 * 3 * 4);
    for (let i = 0; i < 12; i++) assert.deepEqual(Array.from(px.subarray(i * 4, i * 4 + 4)), [7, 128, 0, 255]);
  });
}

test('median of runs', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([5]), 5);
});

test('compareFrames counts pixels whose largest channel difference exceeds the tolerance', () => {
  const a = new Uint8Array([10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255]);
  const b = new Uint8Array([10, 20, 30, 255, 10, 24, 30, 255, 10, 20, 30, 252]);
  // pixel 1: green off by 4 (> 3); pixel 2: alpha off by 3 (not > 3)
  assert.deepEqual(compareFrames(a, b, 3), { differing: 1, total: 3, fraction: 1 / 3, maxDifference: 4 });
  assert.deepEqual(compareFrames(a, b, 2), { differing: 2, total: 3, fraction: 2 / 3, maxDifference: 4 });
  assert.throws(() => compareFrames(a, b.subarray(4), 3), /differ in size/);
});

test('sideBySide: Akari | reference | difference, flipped upright', () => {
  // 1x2 frames in readPixels order: bottom row first
  const akari = new Uint8Array([200, 0, 0, 255, /* top */ 0, 0, 200, 255]);
  const ref = new Uint8Array([200, 0, 0, 255, /* top */ 100, 0, 200, 255]);
  const png = sideBySide(akari, ref, 1, 2, 3);
  assert.equal(png.width, 3);
  assert.equal(png.height, 2);
  const at = (x: number, y: number) => Array.from(png.data.subarray((y * 3 + x) * 4, (y * 3 + x) * 4 + 4));
  assert.deepEqual(at(0, 0), [0, 0, 200, 255]); // Akari's top row
  assert.deepEqual(at(1, 0), [100, 0, 200, 255]); // the reference's top row
  assert.deepEqual(at(2, 0), [255, 0, 0, 255]); // red off by 100, shown x4 and clamped
  assert.deepEqual(at(0, 1), [200, 0, 0, 255]);
  assert.deepEqual(at(2, 1), [24, 24, 24, 255]); // identical: dark grey
});

test('npm run bench without Chromium: Akari alone, and it says why', () => {
  const bench = fileURLToPath(new URL('../src/tools/bench.js', import.meta.url));
  const r = spawnSync(process.execPath, [bench, '--chromium', '/nonexistent/chromium', '--scenes', 'cube', '--sizes', '16x16',
    '--seconds', '0.01', '--runs', '1', '--skip-fixed'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /reference: missing — no Chromium at \/nonexistent\/chromium; Akari alone/);
  assert.match(r.stdout, /^cube +16x16 +Akari +[\d.]+ fps/m);
  assert.match(r.stdout, /\| cube \| 16x16 \| [\d.]+ \|/);
  assert.match(r.stderr, /bench: cube 16x16 Akari run 1\/1/);
});
