/**
 * WebGL 2 state and limits the dEQP pages of the Khronos WebGL 2.0.0 suite check
 * (deqp/functional/gles3/integerstatequery, texturestatequery, …): each test states the rule of
 * ES 3.0 / WebGL 2.0 it rests on and reasons its expected values from it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program, read } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}

function tex1x1(gl: WebGL2RenderingContext, unit: number, rgba: number[]): void {
  gl.activeTexture(gl.TEXTURE0 + unit);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(rgba));
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
}

test('MAX_COMBINED_TEXTURE_IMAGE_UNITS is 32 (ES 3.0 Table 6.32\'s minimum): a vertex shader samples unit 20, a fragment shader unit 31', () => withGl2(2, 2, (gl) => {
  // ES 3.0 asks at least 16 units per stage and 32 combined; each stage's samplers may name any of the 32
  assert.equal(gl.getParameter(gl.MAX_COMBINED_TEXTURE_IMAGE_UNITS), 32);
  assert.equal(gl.getParameter(gl.MAX_TEXTURE_IMAGE_UNITS), 16);
  assert.equal(gl.getParameter(gl.MAX_VERTEX_TEXTURE_IMAGE_UNITS), 16);
  // ES 3.0 § 3.8.1: activeTexture takes TEXTURE0 .. TEXTURE0 + MAX_COMBINED - 1, INVALID_ENUM past it
  gl.activeTexture(gl.TEXTURE0 + 31);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.getParameter(gl.ACTIVE_TEXTURE), gl.TEXTURE0 + 31);
  gl.activeTexture(gl.TEXTURE0 + 32);
  assert.equal(gl.getError(), gl.INVALID_ENUM);
  assert.equal(gl.getParameter(gl.ACTIVE_TEXTURE), gl.TEXTURE0 + 31, 'the failed call changed nothing');

  tex1x1(gl, 20, [100, 0, 0, 255]);
  tex1x1(gl, 31, [0, 150, 0, 255]);
  const p = program(gl, `#version 300 es
in vec2 p; uniform sampler2D vt; out vec4 v;
void main() { gl_Position = vec4(p, 0.0, 1.0); v = textureLod(vt, vec2(0.5), 0.0); }`, `#version 300 es
precision mediump float; in vec4 v; uniform sampler2D ft; out vec4 o;
void main() { o = vec4(v.r, texture(ft, vec2(0.5)).g, 0.0, 1.0); }`, { p: 0 });
  gl.uniform1i(gl.getUniformLocation(p, 'vt'), 20);
  gl.uniform1i(gl.getUniformLocation(p, 'ft'), 31);
  assert.equal(gl.getError(), gl.NO_ERROR, 'sampler uniforms take units up to 31');
  // ES 3.0 § 2.12.6: a sampler set to a unit at or past MAX_COMBINED_TEXTURE_IMAGE_UNITS is INVALID_VALUE
  gl.uniform1i(gl.getUniformLocation(p, 'ft'), 32);
  assert.equal(gl.getError(), gl.INVALID_VALUE);
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  // red from unit 20 through the vertex stage (100), green from unit 31 in the fragment stage (150)
  const px = read(gl, 2, 2);
  for (let i = 0; i < 4; i++) assert.deepEqual([...px.subarray(i * 4, i * 4 + 4)], [100, 150, 0, 255], `pixel ${i}`);
}));

test('texParameterf rounds a float given for an integer parameter to the nearest integer (ES 3.0 § 2.3.1); MIN_LOD keeps its float', () => withGl2(1, 1, (gl) => {
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  // 5.45 and 4.55 both round to 5 (truncation would give 5 and 4); 1000.45 → 1000, 999.55 → 1000
  for (const [v, want] of [[5.45, 5], [4.55, 5], [7 - 0.25, 7], [7 - 0.45, 7]] as const) {
    gl.texParameterf(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL, v);
    assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL), want, `BASE_LEVEL ${v}`);
  }
  for (const [v, want] of [[1000.45, 1000], [999.55, 1000]] as const) {
    gl.texParameterf(gl.TEXTURE_2D, gl.TEXTURE_MAX_LEVEL, v);
    assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_MAX_LEVEL), want, `MAX_LEVEL ${v}`);
  }
  // an enum through texParameterf: NEAREST (0x2600 = 9728) given as 9728.4 is NEAREST
  gl.texParameterf(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, 9728.4);
  assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER), gl.NEAREST);
  // a float parameter is not rounded: 1.25 is exact in float32
  gl.texParameterf(gl.TEXTURE_2D, gl.TEXTURE_MIN_LOD, 1.25);
  assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_MIN_LOD), 1.25);
  // -0.45 rounds to 0, a valid base level; -0.55 rounds to -1, INVALID_VALUE (ES 3.0 § 3.8.7), the level unchanged
  gl.texParameterf(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL, -0.45);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL), 0);
  gl.texParameterf(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL, -0.55);
  assert.equal(gl.getError(), gl.INVALID_VALUE);
  assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_BASE_LEVEL), 0);
}));

test('SRC_ALPHA_SATURATE is a destination blend factor in WebGL 2 (ES 3.0 Table 4.2), a source one only in WebGL 1 (ES 2.0 Table 4.1)', () => {
  withGl2(1, 1, (gl) => {
    gl.blendFuncSeparate(gl.ZERO, gl.SRC_ALPHA_SATURATE, gl.ZERO, gl.SRC_ALPHA_SATURATE);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(gl.getParameter(gl.BLEND_DST_RGB), gl.SRC_ALPHA_SATURATE);
    assert.equal(gl.getParameter(gl.BLEND_DST_ALPHA), gl.SRC_ALPHA_SATURATE);
    // the factor is (f, f, f, 1) with f = min(As, 1 - Ad). Destination cleared to (1, 1, 1, 0.75): Ad is
    // 191/255 (0.75 * 255 = 191.25 stored as 191), 1 - Ad = 64/255. Source (0, 0, 0, 0.125): f = min(0.125,
    // 64/255 = 0.251) = 0.125. With the source factor ZERO: rgb = 1 * 0.125 = 31.875/255 → 32;
    // alpha = Ad * 1 = 191.
    gl.clearColor(1, 1, 1, 0.75);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.BLEND);
    program(gl, `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }`, `#version 300 es
precision mediump float; out vec4 o; void main() { o = vec4(0.0, 0.0, 0.0, 0.125); }`, { p: 0 });
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.deepEqual([...read(gl, 1, 1)], [32, 32, 32, 191]);
  });
  const gl1 = createWebGLContext(1, 1, { deterministic: true });
  try {
    gl1.blendFunc(gl1.ONE, gl1.SRC_ALPHA_SATURATE);
    assert.equal(gl1.getError(), gl1.INVALID_ENUM);
    assert.equal(gl1.getParameter(gl1.BLEND_DST_RGB), gl1.ZERO, 'the failed call changed nothing');
  } finally { gl1.destroy(); }
});

test('GLSL ES 3.00 gl_MaxVertexOutputVectors and gl_MaxFragmentInputVectors are MAX_VERTEX_OUTPUT_COMPONENTS / 4 and MAX_FRAGMENT_INPUT_COMPONENTS / 4 (§ 7.3)', () => withGl2(1, 1, (gl) => {
  const vOut = gl.getParameter(gl.MAX_VERTEX_OUTPUT_COMPONENTS) as number;
  const fIn = gl.getParameter(gl.MAX_FRAGMENT_INPUT_COMPONENTS) as number;
  // ES 3.0 Table 6.34's minimums are 64 and 60: 16 and 15 vectors
  assert.ok(vOut >= 64 && fIn >= 60);
  // the constants written as colour bytes (value / 255), and the texture unit limits beside them
  program(gl, `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }`, `#version 300 es
precision mediump float; out vec4 o;
void main() { o = vec4(float(gl_MaxVertexOutputVectors), float(gl_MaxFragmentInputVectors), float(gl_MaxCombinedTextureImageUnits), float(gl_MaxProgramTexelOffset - gl_MinProgramTexelOffset)) / 255.0; }`, { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  const texelRange = (gl.getParameter(gl.MAX_PROGRAM_TEXEL_OFFSET) as number) - (gl.getParameter(gl.MIN_PROGRAM_TEXEL_OFFSET) as number);
  assert.deepEqual([...read(gl, 1, 1)], [vOut / 4, fIn / 4, gl.getParameter(gl.MAX_COMBINED_TEXTURE_IMAGE_UNITS), texelRange]);
}));

test('getInternalformatParameter takes the unsized RGBA and RGB (colour-renderable, ES 3.0 § 4.4.4) and lists no sample count for them', () => withGl2(1, 1, (gl) => {
  for (const f of [gl.RGBA, gl.RGB]) {
    const s = gl.getInternalformatParameter(gl.RENDERBUFFER, f, gl.SAMPLES);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // no renderbuffer has an unsized format (renderbufferStorage takes sized formats only), so no count
    assert.ok(s instanceof Int32Array);
    assert.equal(s.length, 0);
  }
  // a sized colour format lists the hardware's count, MAX_SAMPLES first (§ 6.1.15)
  assert.deepEqual([...gl.getInternalformatParameter(gl.RENDERBUFFER, gl.RGBA8, gl.SAMPLES)], [gl.getParameter(gl.MAX_SAMPLES)]);
  // LUMINANCE is not renderable: INVALID_ENUM and null
  assert.equal(gl.getInternalformatParameter(gl.RENDERBUFFER, gl.LUMINANCE, gl.SAMPLES), null);
  assert.equal(gl.getError(), gl.INVALID_ENUM);
}));
