/**
 * WebGL 2's colour-renderable formats beyond WebGL 1's (ES 3.0 Table 3.13: R8, RG8, RGB10_A2, RGBA8,
 * RGB8 renderbuffers) and EXT_color_buffer_float's (R16F, RG16F, R32F, RG32F, R11F_G11F_B10F), as
 * textures and renderbuffers; and the ES 3.0 depth renderbuffer formats. The fragment colour is
 * quantised as the format holds it (ES 3.0 § 2.1.2: unorm round(c (2^b - 1)); floats as § 2.1.1 and
 * § 2.1.3), then read back with readPixels — RGBA/UNSIGNED_BYTE from normalized buffers (round(v 255)),
 * RGBA/FLOAT from float ones — with absent channels as (R, G, B, A) = (x, 0, 0, 1) (ES 3.0 § 4.3.1).
 * The expected numbers are reasoned in the comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}

/** A program drawing the colour uniform `c` over the viewport (a full-screen strip at attribute 0). */
function solid(gl: WebGL2RenderingContext): (c: number[]) => void {
  const p = program(gl, `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.5, 1.0); }`, `#version 300 es
precision highp float; uniform vec4 c; out vec4 o; void main() { o = c; }`, { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  const loc = gl.getUniformLocation(p, 'c');
  return (c) => { gl.uniform4fv(loc, c); gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); };
}
/** A framebuffer with a 2×1 texture of the internal format as colour attachment 0. */
function textureTarget(gl: WebGL2RenderingContext, internalformat: number): WebGLTexture {
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texStorage2D(gl.TEXTURE_2D, 1, internalformat, 2, 1);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE, `0x${internalformat.toString(16)}`);
  return t;
}
function rbTarget(gl: WebGL2RenderingContext, internalformat: number): void {
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, internalformat, 2, 1);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE, `0x${internalformat.toString(16)}`);
}
const bytes = (gl: WebGL2RenderingContext): number[] => { const px = new Uint8Array(8); gl.readPixels(0, 0, 2, 1, gl.RGBA, gl.UNSIGNED_BYTE, px); assert.equal(gl.getError(), gl.NO_ERROR); return [...px]; };
const floats = (gl: WebGL2RenderingContext): number[] => { const px = new Float32Array(8); gl.readPixels(0, 0, 2, 1, gl.RGBA, gl.FLOAT, px); assert.equal(gl.getError(), gl.NO_ERROR); return [...px]; };

test('R8, RG8 and RGB10_A2 colour buffers (textures and renderbuffers): quantised as they hold the colour, absent channels read 0 and 1', () => withGl2(2, 1, (gl) => {
  const draw = solid(gl);
  // (0.2, 0.6, 1, 0.4): R8 keeps round(0.2 * 255) = 51 -> (51, 0, 0, 255)
  textureTarget(gl, gl.R8);
  draw([0.2, 0.6, 1, 0.4]);
  assert.deepEqual(bytes(gl), [51, 0, 0, 255, 51, 0, 0, 255]);
  // RG8: (51, 153): 0.6 * 255 = 153
  rbTarget(gl, gl.RG8);
  draw([0.2, 0.6, 1, 0.4]);
  assert.deepEqual(bytes(gl), [51, 153, 0, 255, 51, 153, 0, 255]);
  // RGB10_A2: round(0.2 * 1023) = round(204.6) = 205, round(0.6 * 1023) = round(613.8) = 614, 1023, round(0.4 * 3) = 1;
  // read as bytes: 205/1023 * 255 = 51.10 -> 51, 614/1023 * 255 = 153.05 -> 153, 255, 1/3 * 255 = 85
  const t = textureTarget(gl, gl.RGB10_A2);
  draw([0.2, 0.6, 1, 0.4]);
  assert.deepEqual(bytes(gl), [51, 153, 255, 85, 51, 153, 255, 85]);
  // sampled back, the texels are the 10-bit steps themselves: 205/1023 and 614/1023 as float32
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  // an RGBA32F colour buffer needs EXT_color_buffer_float (ES 3.0 Table 3.13 lists no float format)
  assert.ok(gl.getExtension('EXT_color_buffer_float'));
  const rt = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, rt);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, 2, 1, 0, gl.RGBA, gl.FLOAT, null);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, rt, 0);
  program(gl, `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.5, 1.0); }`, `#version 300 es
precision highp float; uniform highp sampler2D s; out vec4 o; void main() { o = texelFetch(s, ivec2(gl_FragCoord.xy), 0); }`, { p: 0 });
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const f = Math.fround;
  assert.deepEqual(floats(gl).slice(0, 4), [f(205 / 1023), f(614 / 1023), 1, f(1 / 3)]);
}));

test('blending into R8 adds in the format\'s steps: 0.2 cleared + 0.2 drawn (ONE, ONE) is 102', () => withGl2(2, 1, (gl) => {
  const draw = solid(gl);
  textureTarget(gl, gl.R8);
  gl.clearColor(0.2, 0.9, 0.9, 0.9);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.ONE, gl.ONE);
  // the destination holds 51/255 = 0.2; 0.2 + 0.2 = 0.4 -> round(0.4 * 255) = 102
  draw([0.2, 0.2, 0.2, 0.2]);
  assert.deepEqual(bytes(gl), [102, 0, 0, 255, 102, 0, 0, 255]);
}));

test('EXT_color_buffer_float: R16F, RG16F, R32F, RG32F and R11F_G11F_B10F buffers hold floats (read as RGBA/FLOAT)', () => withGl2(2, 1, (gl) => {
  const draw = solid(gl);
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.R16F, 2, 1);
  assert.equal(gl.getError(), gl.INVALID_ENUM, 'R16F renderbuffers need EXT_color_buffer_float');
  assert.ok(gl.getExtension('EXT_color_buffer_float'));
  // R16F: 1/3 as binary16 is (1 + 341/1024) / 4 = 0.333251953125; -7.25 is a half
  rbTarget(gl, gl.R16F);
  draw([1 / 3, -7.25, 2, 3]);
  assert.deepEqual(floats(gl).slice(0, 4), [0.333251953125, 0, 0, 1]);
  textureTarget(gl, gl.RG16F);
  draw([1 / 3, -7.25, 2, 3]);
  assert.deepEqual(floats(gl).slice(0, 4), [0.333251953125, -7.25, 0, 1]);
  // R32F / RG32F: float32 as it is (not clamped: a float buffer)
  textureTarget(gl, gl.R32F);
  draw([1 / 3, -7.25, 2, 3]);
  assert.deepEqual(floats(gl).slice(0, 4), [Math.fround(1 / 3), 0, 0, 1]);
  rbTarget(gl, gl.RG32F);
  draw([1e30, -7.25, 2, 3]);
  assert.deepEqual(floats(gl).slice(0, 4), [Math.fround(1e30), -7.25, 0, 1]);
  // R11F_G11F_B10F: 0.1 in 6 mantissa bits = 1.6 * 2^-4 -> 0.6 * 64 = 38.4 -> 38: (1 + 38/64) / 16 = 0.099609375;
  // -2 has no sign to keep: 0; 3 = 1.5 * 2 is exact in 5 mantissa bits
  textureTarget(gl, gl.R11F_G11F_B10F);
  draw([0.1, -2, 3, 0.5]);
  assert.deepEqual(floats(gl), [0.099609375, 0, 3, 1, 0.099609375, 0, 3, 1]);
}));

test('renderbuffer formats by context version; ES 3.0 depth formats (DEPTH_COMPONENT24, DEPTH_COMPONENT32F) as depth attachments', () => {
  const gl1 = createWebGLContext(1, 1, { deterministic: true });
  try {
    gl1.bindRenderbuffer(gl1.RENDERBUFFER, gl1.createRenderbuffer());
    gl1.renderbufferStorage(gl1.RENDERBUFFER, 0x8229 /* R8 */, 1, 1);
    assert.equal(gl1.getError(), gl1.INVALID_ENUM, 'R8 is not a WebGL 1 renderbuffer format');
  } finally { gl1.destroy(); }
  withGl2(2, 1, (gl) => {
    const draw = solid(gl);
    for (const depthFormat of [gl.DEPTH_COMPONENT24, gl.DEPTH_COMPONENT32F]) {
      textureTarget(gl, gl.RGBA8);
      const db = gl.createRenderbuffer();
      gl.bindRenderbuffer(gl.RENDERBUFFER, db);
      gl.renderbufferStorage(gl.RENDERBUFFER, depthFormat, 2, 1);
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, db);
      assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
      assert.equal(gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_DEPTH_SIZE), depthFormat === gl.DEPTH_COMPONENT24 ? 24 : 32);
      gl.enable(gl.DEPTH_TEST);
      gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      // both quads at depth 0.75 (z 0.5 in NDC): the second fails LESS against the first
      draw([1, 0, 0, 1]);
      draw([0, 1, 0, 1]);
      assert.deepEqual(bytes(gl), [255, 0, 0, 255, 255, 0, 0, 255]);
      gl.disable(gl.DEPTH_TEST);
    }
  });
});

/** A framebuffer with a 2×1 texture of an integer format, and a program writing `value` (a GLSL expression) to `out highp <type> o`. */
function intTarget(gl: WebGL2RenderingContext, internalformat: number, type: string, value: string): void {
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texStorage2D(gl.TEXTURE_2D, 1, internalformat, 2, 1);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  program(gl, `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.5, 1.0); }`, `#version 300 es
precision highp float; out highp ${type} o; void main() { o = ${value}; }`, { p: 0 });
}
const uints = (gl: WebGL2RenderingContext): number[] => { const px = new Uint32Array(8); gl.readPixels(0, 0, 2, 1, gl.RGBA_INTEGER, gl.UNSIGNED_INT, px); assert.equal(gl.getError(), gl.NO_ERROR); return [...px]; };
const ints = (gl: WebGL2RenderingContext): number[] => { const px = new Int32Array(8); gl.readPixels(0, 0, 2, 1, gl.RGBA_INTEGER, gl.INT, px); assert.equal(gl.getError(), gl.NO_ERROR); return [...px]; };

test('integer colour buffers: the output\'s integers written raw and read back exactly (RGBA_INTEGER), no blending, low bits kept', () => withGl2(2, 1, (gl) => {
  const quad = solid(gl);
  void quad;
  // RGBA32UI: 0x7fffffff, 0xffffffff and 0x7f800001 (a signalling NaN's pattern as a float) arrive as they are
  intTarget(gl, gl.RGBA32UI, 'uvec4', 'uvec4(0x7fffffffu, 0xffffffffu, 0x7f800001u, 7u)');
  gl.enable(gl.BLEND); // blending does not apply to integer buffers (ES 3.0 § 4.1.7)
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(uints(gl), [0x7fffffff, 0xffffffff, 0x7f800001, 7, 0x7fffffff, 0xffffffff, 0x7f800001, 7]);
  gl.disable(gl.BLEND);
  // RGBA32I: -1, -2^31
  intTarget(gl, gl.RGBA32I, 'ivec4', 'ivec4(-1, -2147483648, 2147483647, 0)');
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(ints(gl), [-1, -2147483648, 2147483647, 0, -1, -2147483648, 2147483647, 0]);
  // narrow formats keep the low bits: R8UI 300 -> 300 & 255 = 44 (G, B read 0, A 1); RGBA16I 40000 -> 0x9c40 = -25536
  intTarget(gl, gl.R8UI, 'uvec4', 'uvec4(300u, 2u, 3u, 4u)');
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(uints(gl), [44, 0, 0, 1, 44, 0, 0, 1]);
  intTarget(gl, gl.RGBA16I, 'ivec4', 'ivec4(-1, -32768, 40000, 7)');
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(ints(gl), [-1, -32768, -25536, 7, -1, -32768, -25536, 7]);
  // reading an integer buffer as RGBA/UNSIGNED_BYTE, or a signed one as UNSIGNED_INT, is INVALID_OPERATION
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  gl.readPixels(0, 0, 1, 1, gl.RGBA_INTEGER, gl.UNSIGNED_INT, new Uint32Array(4));
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));

test('clearBufferiv/uiv on integer colour buffers: whole-buffer and scissored clears keep every word; clear() and the wrong kind are INVALID_OPERATION', () => withGl2(2, 1, (gl) => {
  solid(gl);
  intTarget(gl, gl.RGBA32UI, 'uvec4', 'uvec4(1u)');
  gl.clearBufferuiv(gl.COLOR, 0, [0xffffffff, 0x7f800001, 5, 6]);
  assert.deepEqual(uints(gl), [0xffffffff, 0x7f800001, 5, 6, 0xffffffff, 0x7f800001, 5, 6]);
  // a scissored clear (drawn by the driver's clear quad, the words carried by flat varyings): pixel 1 only
  gl.enable(gl.SCISSOR_TEST);
  gl.scissor(1, 0, 1, 1);
  gl.clearBufferuiv(gl.COLOR, 0, [0xfffffffe, 0x7f800002, 8, 9]);
  gl.disable(gl.SCISSOR_TEST);
  assert.deepEqual(uints(gl), [0xffffffff, 0x7f800001, 5, 6, 0xfffffffe, 0x7f800002, 8, 9]);
  for (const [call, what] of [
    [() => gl.clearBufferiv(gl.COLOR, 0, [1, 2, 3, 4]), 'clearBufferiv on an unsigned buffer'],
    [() => gl.clearBufferfv(gl.COLOR, 0, [1, 2, 3, 4]), 'clearBufferfv on an integer buffer'],
    [() => gl.clear(gl.COLOR_BUFFER_BIT), 'clear() with an integer draw buffer'],
  ] as const) {
    call();
    assert.equal(gl.getError(), gl.INVALID_OPERATION, what);
  }
  // RGBA8I: clearBufferiv's values keep their low 8 bits as two's complement: -1, -128, 127, 0x7f800001 & 255 = 1
  intTarget(gl, gl.RGBA8I, 'ivec4', 'ivec4(0)');
  gl.clearBufferiv(gl.COLOR, 0, [-1, -128, 127, 0x7f800001]);
  assert.deepEqual(ints(gl), [-1, -128, 127, 1, -1, -128, 127, 1]);
  // a float buffer wants clearBufferfv
  textureTarget(gl, gl.RGBA8);
  gl.clearBufferuiv(gl.COLOR, 0, [1, 2, 3, 4]);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));

test('integer renderbuffers (R32I, RG16UI, RGB10_A2UI) render and read back', () => withGl2(2, 1, (gl) => {
  solid(gl);
  program(gl, `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.5, 1.0); }`, `#version 300 es
precision highp float; out highp uvec4 o; void main() { o = uvec4(1023u, 512u, 1u, 2u); }`, { p: 0 });
  rbTarget(gl, gl.RGB10_A2UI);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(uints(gl), [1023, 512, 1, 2, 1023, 512, 1, 2]);
  rbTarget(gl, gl.RG16UI);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(uints(gl), [1023, 512, 0, 1, 1023, 512, 0, 1]);
  rbTarget(gl, gl.R32I);
  gl.clearBufferiv(gl.COLOR, 0, [-7, 0, 0, 0]);
  assert.deepEqual(ints(gl), [-7, 0, 0, 1, -7, 0, 0, 1]);
}));
