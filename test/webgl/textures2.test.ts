/**
 * WebGL 2 texturing (ES 3.0 § 3.8): sized internal formats on the texture unit, and the sampling state
 * and GLSL ES 3.00 texture functions ES 3.0 adds. Expected pixels are reasoned in the comments from the
 * specification's formulas (sRGB: IEC 61966-2-1 as ES 3.0 § 3.8.16 gives it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program, read, at } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}
function expectErr(gl: WebGLRenderingContext, err: number, call: () => unknown, what: string): void {
  call();
  assert.equal(gl.getError(), err, what);
  assert.equal(gl.getError(), gl.NO_ERROR, `${what}: one error`);
}

/** A full-viewport quad at attribute 0 with uv = (0,0) at the bottom left, (1,1) at the top right. */
const QUAD_VS = `#version 300 es
in vec2 p; out vec2 uv; void main() { gl_Position = vec4(p, 0.0, 1.0); uv = p * 0.5 + 0.5; }`;
function quad(gl: WebGL2RenderingContext): void {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
}
const nearest = (gl: WebGL2RenderingContext, target: number = gl.TEXTURE_2D): void => {
  gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
};

test('SRGB8_ALPHA8 and SRGB8 textures decode to linear when sampled (texImage2D, texStorage2D + texSubImage2D)', () => withGl2(2, 1, (gl) => {
  program(gl, QUAD_VS, `#version 300 es
precision mediump float; uniform sampler2D t; in vec2 uv; out vec4 o; void main() { o = texture(t, uv); }`, { p: 0 });
  quad(gl);
  // texel bytes 188 and 128, alpha 200 (alpha is linear in sRGB formats):
  //   decode(188) = ((188/255 + 0.055) / 1.055)^2.4 = 0.502886 -> 0.502886 * 255 = 128.24 -> 128
  //   decode(128) = ((128/255 + 0.055) / 1.055)^2.4 = 0.215861 -> 55.04 -> 55
  const bytes = new Uint8Array([188, 188, 128, 200, 128, 128, 188, 200]);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  nearest(gl);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.SRGB8_ALPHA8, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, bytes);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 1), 2, 0, 0), [128, 128, 55, 200]);
  assert.deepEqual(at(read(gl, 2, 1), 2, 1, 0), [55, 55, 128, 200]);
  // the same bytes in an RGBA8 texture are linear already
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, bytes);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 1), 2, 0, 0), [188, 188, 128, 200]);
  // immutable SRGB8_ALPHA8 storage filled by texSubImage2D with RGBA/UNSIGNED_BYTE data, as three.js r170 does
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  nearest(gl);
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.SRGB8_ALPHA8, 2, 1);
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 1, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([128, 128, 188, 200]));
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([188, 188, 128, 200]));
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 1), 2, 0, 0), [128, 128, 55, 200]);
  assert.deepEqual(at(read(gl, 2, 1), 2, 1, 0), [55, 55, 128, 200]);
  // SRGB8: three bytes, alpha 1 (a new texture: the one above is immutable)
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  nearest(gl);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.SRGB8, 2, 1, 0, gl.RGB, gl.UNSIGNED_BYTE, new Uint8Array([188, 0, 255, 128, 128, 128]));
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 1), 2, 0, 0), [128, 0, 255, 255]);
  assert.deepEqual(at(read(gl, 2, 1), 2, 1, 0), [55, 55, 55, 255]);
  // ES 3.0 Table 3.2: SRGB8_ALPHA8 takes RGBA/UNSIGNED_BYTE only
  expectErr(gl, gl.INVALID_OPERATION, () => gl.texImage2D(gl.TEXTURE_2D, 0, gl.SRGB8_ALPHA8, 1, 1, 0, gl.RGBA, gl.FLOAT, new Float32Array(4)), 'SRGB8_ALPHA8 with FLOAT data');
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.SRGB8_ALPHA8, 1, 1);
  expectErr(gl, gl.INVALID_OPERATION, () => gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGB, gl.UNSIGNED_BYTE, new Uint8Array(3)), 'RGB data into SRGB8_ALPHA8');
}));

test('texSubImage2D converts data of another accepted type to the level\'s storage (RGBA16F from FLOAT)', () => withGl2(1, 1, (gl) => {
  program(gl, QUAD_VS, `#version 300 es
precision mediump float; uniform sampler2D t; in vec2 uv; out vec4 o; void main() { o = texture(t, uv); }`, { p: 0 });
  quad(gl);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  nearest(gl);
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA16F, 1, 1);
  // 0.25, 0.5, 1 and 0.75 are exact halves; * 255 -> 63.75, 127.5, 255, 191.25 -> 64, 128 (round half to even or up), 255, 191
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGBA, gl.FLOAT, new Float32Array([0.25, 0.5, 1, 0.75]));
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const [r, g, b, a] = at(read(gl, 1, 1), 1, 0, 0);
  assert.equal(r, 64); assert.ok(g === 127 || g === 128, `${g}`); assert.equal(b, 255); assert.equal(a, 191);
}));
