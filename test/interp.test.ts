/**
 * The triangle arithmetic rule (src/hw/interp.ts, docs/ARCHITECTURE.md
 * "Rasterisation rules"): float32 planes set up in double per triangle and
 * tile, varyings as v0 + b1 (v1 - v0) + b2 (v2 - v0), float32 blend and
 * quantisation. The expected values are worked by hand below; the GPU
 * cases run on the generic path and through the fused kernels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLANE, planeAt, planeSetup, quantUnorm, varyingAt } from '../src/hw/interp.js';
import { fusedCounters, setFusedKernels } from '../src/hw/fused.js';
import { program, read, withGl } from './webgl/helpers.js';

test('planes of a right triangle, worked by hand', () => {
  // vertices (0, 0), (4, 0), (0, 4) pixels = (0, 0), (1024, 0), (0, 1024) in 1/256 pixel, 1/w = 1, z = 0, 1, 0,
  // tile (0, 0): dx1 = 1024, dy1 = 0, dx2 = 0, dy2 = 1024, det = 1024^2; lambda1 = x / 4 and lambda2 = y / 4 (pixels),
  // so per pixel 0.25 in x (B1, Z) or y (B2), and at the first pixel centre (0.5, 0.5) 0.125. W is 1 everywhere.
  const out = new Float32Array(PLANE.size);
  planeSetup(0, 0, 1024, 0, 0, 1024, 1, 1, 1, 0, 1, 0, 0, 0, out, 0);
  assert.deepEqual([...out.subarray(PLANE.W, PLANE.W + 3)], [1, 0, 0]);
  assert.deepEqual([...out.subarray(PLANE.B1, PLANE.B1 + 3)], [0.125, 0.25, 0]);
  assert.deepEqual([...out.subarray(PLANE.B2, PLANE.B2 + 3)], [0.125, 0, 0.25]);
  assert.deepEqual([...out.subarray(PLANE.Z, PLANE.Z + 3)], [0.125, 0.25, 0]);
  // pixel (1, 2): centre (1.5, 2.5): z = lambda1 = 1.5 / 4
  assert.equal(planeAt(out, PLANE.Z, 1, 2), 0.375);
  // the same triangle seen from tile (32, 32): the first pixel centre is (32.5, 32.5), lambda1 = 32.5 / 4 = 8.125
  planeSetup(0, 0, 1024, 0, 0, 1024, 1, 1, 1, 0, 1, 0, 32, 32, out, 0);
  assert.equal(out[PLANE.Z], 8.125);
  // 1/w = 1, 0.5, 0.25 at the three vertices: W = 1 - 0.5 lambda1 - 0.75 lambda2, so a = -0.125, b = -0.1875 per pixel,
  // c = 1 - 0.0625 - 0.09375 = 0.84375 at (0.5, 0.5) of tile (0, 0); B1 = 0.5 lambda1: c = 0.0625, a = 0.125
  planeSetup(0, 0, 1024, 0, 0, 1024, 1, 0.5, 0.25, 0, 0, 0, 0, 0, out, 0);
  assert.deepEqual([...out.subarray(PLANE.W, PLANE.W + 3)], [0.84375, -0.125, -0.1875]);
  assert.deepEqual([...out.subarray(PLANE.B1, PLANE.B1 + 3)], [0.0625, 0.125, 0]);
});

test('a varying equal at the three vertices is that value, whatever the weights', () => {
  // d1 = d2 = 0, so (v0 + b1 * 0) + b2 * 0 = v0 exactly
  for (const b of [[0.3, 0.3], [1e-7, 0.999], [0.7071, 0.1]]) assert.equal(varyingAt(Math.fround(0.1), 0, 0, b[0]!, b[1]!), Math.fround(0.1));
});

test('quantisation: v * m is rounded to float32 before the half is added', () => {
  // v = 0x3f010101 = 0.5 + 65793 / 2^24, and 255 * 65793 = 2^24 - 1, so v * 255 = 128.5 - 2^-24 exactly: double
  // rounding to nearest gives 128, but in float32 (steps of 2^-16 at 128) it is 128.5, plus 0.5 is 129.
  const v = new Float32Array(new Uint32Array([0x3f010101]).buffer)[0]!;
  assert.equal(v * 255, 128.5 - 2 ** -24);
  assert.equal(quantUnorm(v, 255), Math.fround(129 / 255));
  // 0.5 * 255 = 127.5 exactly, half up: 128
  assert.equal(quantUnorm(0.5, 255), Math.fround(128 / 255));
  assert.equal(quantUnorm(1.5, 255), 1);
  assert.equal(quantUnorm(-0.25, 255), 0);
  assert.equal(quantUnorm(NaN, 255), 0);
});

/** the whole viewport, one triangle pair, on the generic path and then through fused kernels: both images */
function drawBoth(fs: string, vertices: number[], set: (gl: WebGLRenderingContext, p: WebGLProgram) => void): [Uint8Array, Uint8Array] {
  const run = () => withGl(8, 8, (gl) => {
    const p = program(gl, 'attribute vec4 p; attribute float c; varying float v; void main() { v = c; gl_Position = p; }', fs, { p: 0, c: 1 });
    gl.useProgram(p);
    set(gl, p);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(vertices), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 20, 0);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 1, gl.FLOAT, false, 20, 16);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.drawArrays(gl.TRIANGLES, 0, vertices.length / 5);
    return read(gl, 8, 8);
  }, { antialias: false }); // single-sampled (test/fused.test.ts holds multisampled kernels to the generic path)
  setFusedKernels(false);
  let generic: Uint8Array;
  try { generic = run(); } finally { setFusedKernels(true); }
  const before = fusedCounters.triangles;
  const fused = run();
  assert.ok(fusedCounters.triangles > before, 'the fused kernel ran');
  return [generic, fused];
}

test('a constant varying under perspective (w = 1, 2, 4) lands exactly on its .5 step: 0.5 stores 128 everywhere', () => {
  // The varying is 0.5 at every vertex: d1 = d2 = 0, so every covered pixel shades 0.5 exactly, whatever the
  // perspective weights; 0.5 * 255 = 127.5, + 0.5 = 128. (Weighted sums in any other order could give 0.5 (1 - 2^-24)
  // and store 127.)
  const w = [1, 2, 4, 1, 2, 4];
  const xy = [[-1, -1], [1, -1], [-1, 1], [-1, 1], [1, -1], [1, 1]];
  const verts = xy.flatMap(([x, y], i) => [x! * w[i]!, y! * w[i]!, 0, w[i]!, 0.5]);
  for (const px of drawBoth('precision mediump float; varying float v; void main() { gl_FragColor = vec4(v, v, v, v); }', verts, () => undefined)) {
    for (let i = 0; i < 64; i++) assert.deepEqual([...px.subarray(i * 4, i * 4 + 4)], [128, 128, 128, 128], `pixel ${i}`);
  }
});

test('a colour whose product with 255 lies 2^-24 below 128.5 stores 129 (float32 v * 255), on both paths', () => {
  const v = new Float32Array(new Uint32Array([0x3f010101]).buffer)[0]!;
  const verts = [[-1, -1], [1, -1], [-1, 1], [-1, 1], [1, -1], [1, 1]].flatMap(([x, y]) => [x!, y!, 0, 1, 0]);
  const images = drawBoth('precision highp float; uniform float u; void main() { gl_FragColor = vec4(u, 0.5, 0.0, 1.0); }', verts, (gl, p) => {
    gl.uniform1f(gl.getUniformLocation(p, 'u'), v);
  });
  for (const px of images) for (let i = 0; i < 64; i++) assert.deepEqual([...px.subarray(i * 4, i * 4 + 4)], [129, 128, 0, 255], `pixel ${i}`);
});
