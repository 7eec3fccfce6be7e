/**
 * Textures whose levels start above 0 (ES 3.0 § 3.8.10, § 3.8.13: TEXTURE_BASE_LEVEL may name any
 * level, and the levels below it need not exist): sampling from the base level on, generateMipmap
 * deriving the levels after the base level, and a level 0 specified later keeping the levels it
 * shares a chain with. Texels are uploaded as single colours and read back exactly (RGBA8 in, RGBA8
 * out, NEAREST filtering, explicit levels of detail).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program, read, at } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}
const VS = `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }`;
/** Draws the bound 2D texture sampled at the centre with textureLod(lod) and returns pixel (0, 0). */
function sampleLod(gl: WebGL2RenderingContext, lod: number): number[] {
  program(gl, VS, `#version 300 es
precision highp float; uniform highp sampler2D t; out vec4 o; void main() { o = textureLod(t, vec2(0.5), ${lod.toFixed(1)}); }`, { p: 0 });
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  return at(read(gl, 1, 1), 1, 0, 0);
}
const fill = (n: number, c: number[]): Uint8Array => Uint8Array.from({ length: n * 4 }, (_, i) => c[i % 4]!);
const RED = [255, 0, 0, 255], GREEN = [0, 255, 0, 255], BLUE = [0, 0, 255, 255];

test('levels 2..4 without a level 0: TEXTURE_BASE_LEVEL 2 samples them (LOD 0 -> level 2, 1 -> 3, 2 -> 4); generateMipmap derives 3 and 4 from 2', () => withGl2(1, 1, (gl) => {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  // the chain of a 32 x 32 level 0: level 2 is 8 x 8, 3 is 4 x 4, 4 is 2 x 2
  gl.texImage2D(gl.TEXTURE_2D, 2, gl.RGBA8, 8, 8, 0, gl.RGBA, gl.UNSIGNED_BYTE, fill(64, RED));
  gl.texImage2D(gl.TEXTURE_2D, 3, gl.RGBA8, 4, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, fill(16, GREEN));
  gl.texImage2D(gl.TEXTURE_2D, 4, gl.RGBA8, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, fill(4, BLUE));
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  // with the base level at 0 (unspecified) the texture is incomplete: (0, 0, 0, 1)
  assert.deepEqual(sampleLod(gl, 0), [0, 0, 0, 255]);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL, 2);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAX_LEVEL, 4);
  // ES 3.0 § 3.8.10: the level sampled is base + the LOD's level (nearest: LOD 1.0 -> level 3)
  assert.deepEqual(sampleLod(gl, 0), RED);
  assert.deepEqual(sampleLod(gl, 1), GREEN);
  assert.deepEqual(sampleLod(gl, 2), BLUE);
  // generateMipmap from the base level: levels 3 and 4 become box-filtered red (a single colour stays itself)
  gl.generateMipmap(gl.TEXTURE_2D);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.deepEqual(sampleLod(gl, 1), RED);
  assert.deepEqual(sampleLod(gl, 2), RED);
  // a level 0 of the same chain (32 x 32) keeps the levels already there: level 2 still red at base 2
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 32, 32, 0, gl.RGBA, gl.UNSIGNED_BYTE, fill(1024, GREEN));
  assert.deepEqual(sampleLod(gl, 0), RED);
  // and base level 0 is incomplete (levels 1 and 5 missing) until generateMipmap fills the chain from level 0's green
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL, 0);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAX_LEVEL, 1000);
  assert.deepEqual(sampleLod(gl, 0), [0, 0, 0, 255]);
  gl.generateMipmap(gl.TEXTURE_2D);
  assert.deepEqual(sampleLod(gl, 0), GREEN);
  assert.deepEqual(sampleLod(gl, 5), GREEN);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('generateMipmap with an unspecified base level is INVALID_OPERATION (ES 3.0 § 3.8.10)', () => withGl2(1, 1, (gl) => {
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 2, gl.RGBA8, 8, 8, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL, 1);
  gl.generateMipmap(gl.TEXTURE_2D);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL, 2);
  gl.generateMipmap(gl.TEXTURE_2D);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));
