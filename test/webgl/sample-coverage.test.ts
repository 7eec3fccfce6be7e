/**
 * ES 3.0 § 4.1.3 (ES 2.0 § 4.1.3 alike): SAMPLE_COVERAGE and SAMPLE_ALPHA_TO_COVERAGE on a 4x multisampled
 * drawing buffer (antialias, the default). The hardware keeps, of a fragment's covered samples, those of
 * the SAMPLE_COVERAGE mask — round(value * 4) samples, the first ones, all the others when inverted — and
 * with alpha to coverage the first round(4 * alpha). A full-screen quad covers all 4 samples of every
 * pixel, so the resolve (the average of the 4 samples, rounded: 255 * 2 / 4 = 127.5 → 128, as
 * msaa.test.ts reasons) tells how many were written. With no multisample buffer the operations do nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGl, program, read } from './helpers.js';

const VS = 'attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }';

function fullQuad(gl: WebGLRenderingContext, rgba: [number, number, number, number]): void {
  const p = program(gl, VS, 'precision mediump float; uniform vec4 c; void main() { gl_FragColor = c; }', { p: 0 });
  gl.uniform4f(gl.getUniformLocation(p, 'c'), ...rgba);
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
}

test('SAMPLE_COVERAGE: value 0.5 writes 2 of the 4 samples, its inverse the other 2; 0 writes none, 1 all', () => withGl(2, 2, (gl) => {
  assert.equal(gl.getParameter(gl.SAMPLES), 4);
  gl.clearColor(0, 0, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.enable(gl.SAMPLE_COVERAGE);
  gl.sampleCoverage(0.5, false);
  fullQuad(gl, [1, 0, 0, 1]);
  // red on 2 samples, black on 2: 127.5 → 128
  assert.deepEqual([...read(gl, 1, 1)], [128, 0, 0, 255]);
  gl.sampleCoverage(0.5, true);
  fullQuad(gl, [0, 1, 0, 1]);
  // green on the other two: the masks are complementary, red stays on its two
  assert.deepEqual([...read(gl, 1, 1)], [128, 128, 0, 255]);
  gl.sampleCoverage(0, false);
  fullQuad(gl, [0, 0, 1, 1]);
  assert.deepEqual([...read(gl, 1, 1)], [128, 128, 0, 255], 'value 0 keeps no sample');
  gl.sampleCoverage(0.25, true);
  fullQuad(gl, [1, 1, 1, 1]);
  // 0.25 → 1 sample, inverted: 3 white samples and the one red sample (the first) untouched:
  // r = (255 * 4) / 4 = 255, g = (255 * 3) / 4 = 191.25 → 191
  assert.deepEqual([...read(gl, 1, 1)], [255, 191, 191, 255]);
}));

test('SAMPLE_ALPHA_TO_COVERAGE: alpha 0.25 writes 1 sample of 4, alpha 0 none, alpha 1 all', () => withGl(2, 2, (gl) => {
  gl.clearColor(0, 0, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.enable(gl.SAMPLE_ALPHA_TO_COVERAGE);
  fullQuad(gl, [1, 0, 0, 0]);
  assert.deepEqual([...read(gl, 1, 1)], [0, 0, 0, 255], 'alpha 0 covers no sample');
  fullQuad(gl, [1, 0, 0, 0.25]);
  // one sample (1, 0, 0, 0.25 → 64), three (0, 0, 0, 255): r = 255 / 4 = 63.75 → 64, a = (64 + 765) / 4 = 207.25 → 207
  assert.deepEqual([...read(gl, 1, 1)], [64, 0, 0, 207]);
  fullQuad(gl, [0, 1, 0, 1]);
  assert.deepEqual([...read(gl, 1, 1)], [0, 255, 0, 255], 'alpha 1 covers all');
}));

test('without a multisample buffer (antialias: false) SAMPLE_COVERAGE and SAMPLE_ALPHA_TO_COVERAGE change nothing', () => withGl(1, 1, (gl) => {
  assert.equal(gl.getParameter(gl.SAMPLE_BUFFERS), 0);
  gl.enable(gl.SAMPLE_COVERAGE);
  gl.sampleCoverage(0, false);
  gl.enable(gl.SAMPLE_ALPHA_TO_COVERAGE);
  fullQuad(gl, [1, 0, 0, 0]);
  assert.deepEqual([...read(gl, 1, 1)], [255, 0, 0, 0]);
}, { antialias: false }));
