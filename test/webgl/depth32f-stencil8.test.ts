/**
 * ES 3.0's DEPTH32F_STENCIL8 in WebGL 2, end to end: stored planar (hwdesc ZS_FORMAT d32f_s8: a
 * float32 depth plane and an 8-bit stencil plane), as a renderbuffer and as a texture, rendered into
 * (depth and stencil tests, clearBufferfi), carried from one render pass to the next (stored and loaded
 * by the tile units), sampled (the depth plane, with and without comparison) and blitted. The values:
 * a float32 depth buffer keeps a fragment's depth as its float32, so gl_FragDepth = 0.3 reads back as
 * Math.fround(0.3) = 0.30000001192092896 — a 24-bit buffer would keep round(0.3 (2^24 - 1)) / (2^24 - 1)
 * = 0.2999999821186066 instead (ES 3.0 § 2.1.2, § 4.1.5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}

/** A full-viewport strip at attribute 0 drawn with `fs` (GLSL ES 3.00, `in vec2 uv` from 0 to 1). */
function quad(gl: WebGL2RenderingContext, fs: string): { p: WebGLProgram; draw: () => void } {
  const p = program(gl, `#version 300 es
in vec2 pos; out vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }`, `#version 300 es
precision highp float;
${fs}`, { pos: 0 });
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  return { p, draw: () => { gl.useProgram(p); gl.bindBuffer(gl.ARRAY_BUFFER, b); gl.enableVertexAttribArray(0); gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0); gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); } };
}

const bytes = (gl: WebGL2RenderingContext): number[] => { const px = new Uint8Array(8); gl.readPixels(0, 0, 2, 1, gl.RGBA, gl.UNSIGNED_BYTE, px); assert.equal(gl.getError(), gl.NO_ERROR); return [...px]; };
const floats = (gl: WebGL2RenderingContext): number[] => { const px = new Float32Array(8); gl.readPixels(0, 0, 2, 1, gl.RGBA, gl.FLOAT, px); assert.equal(gl.getError(), gl.NO_ERROR); return [...px]; };

test('a DEPTH32F_STENCIL8 texture: depths rendered into it are kept as float32 and sampled back exactly, and compared', () => withGl2(2, 1, (gl) => {
  assert.ok(gl.getExtension('EXT_color_buffer_float'));
  const depthTex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, depthTex);
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.DEPTH32F_STENCIL8, 2, 1);
  // a depth texture is complete only with NEAREST filtering when it does not compare (ES 3.0 § 3.8.13)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  const color = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, color);
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA8, 2, 1);
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, color, 0);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.DEPTH_STENCIL_ATTACHMENT, gl.TEXTURE_2D, depthTex, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_DEPTH_SIZE), 32);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_STENCIL_SIZE), 8);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE), gl.FLOAT);
  gl.clearBufferfi(gl.DEPTH_STENCIL, 0, 1, 0);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.enable(gl.DEPTH_TEST);
  gl.depthFunc(gl.ALWAYS);
  // the left pixel's depth 0.3, the right one's 0.7
  quad(gl, 'out vec4 o; void main() { gl_FragDepth = gl_FragCoord.x < 1.0 ? 0.3 : 0.7; o = vec4(1.0); }').draw();
  gl.disable(gl.DEPTH_TEST);
  // read the depths back through the texture unit into an R32F target
  const r32f = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, r32f);
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.R32F, 2, 1);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, r32f, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  gl.bindTexture(gl.TEXTURE_2D, depthTex);
  quad(gl, 'uniform highp sampler2D d; in vec2 uv; out vec4 o; void main() { o = vec4(texture(d, uv).r, 0.0, 0.0, 1.0); }').draw();
  assert.deepEqual(floats(gl), [Math.fround(0.3), 0, 0, 1, Math.fround(0.7), 0, 0, 1]);
  assert.notEqual(Math.fround(0.3), Math.fround(Math.round(0.3 * 16777215) / 16777215), 'a 24-bit depth would read back otherwise');
  // comparison (ES 3.0 § 3.8.16): LEQUAL of the reference 0.5 against each depth: 0.5 <= 0.3 fails, 0.5 <= 0.7 passes
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_COMPARE_MODE, gl.COMPARE_REF_TO_TEXTURE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_COMPARE_FUNC, gl.LEQUAL);
  quad(gl, 'uniform highp sampler2DShadow d; in vec2 uv; out vec4 o; void main() { o = vec4(texture(d, vec3(uv, 0.5)), 0.0, 0.0, 1.0); }').draw();
  assert.deepEqual(floats(gl), [0, 0, 0, 1, 1, 0, 0, 1]);
}));

test('a DEPTH32F_STENCIL8 renderbuffer: sizes, clearBufferfi, stencil operations kept from one render pass to the next', () => withGl2(2, 1, (gl) => {
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH32F_STENCIL8, 2, 1);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_DEPTH_SIZE), 32);
  assert.equal(gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_STENCIL_SIZE), 8);
  const color = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, color);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA8, 2, 1);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, color);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_STENCIL_ATTACHMENT, gl.RENDERBUFFER, rb);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.equal(gl.getParameter(gl.DEPTH_BITS), 32);
  assert.equal(gl.getParameter(gl.STENCIL_BITS), 8);
  const solid = quad(gl, 'uniform vec4 c; uniform float z; out vec4 o; void main() { gl_FragDepth = z; o = c; }');
  const set = (c: number[], z: number) => { gl.useProgram(solid.p); gl.uniform4fv(gl.getUniformLocation(solid.p, 'c'), c); gl.uniform1f(gl.getUniformLocation(solid.p, 'z'), z); solid.draw(); };
  gl.clearBufferfv(gl.COLOR, 0, [1, 0, 0, 1]);
  gl.clearBufferfi(gl.DEPTH_STENCIL, 0, 0.5, 7);
  // INCR on the left pixel only (scissor): stencil 8 there, 7 on the right
  gl.enable(gl.STENCIL_TEST);
  gl.stencilFunc(gl.ALWAYS, 0, 0xff);
  gl.stencilOp(gl.KEEP, gl.KEEP, gl.INCR);
  gl.enable(gl.SCISSOR_TEST);
  gl.scissor(0, 0, 1, 1);
  set([1, 0, 0, 1], 0.5);
  gl.disable(gl.SCISSOR_TEST);
  // the readback ends the render pass: the next one loads depth and stencil from their planes
  assert.deepEqual(bytes(gl), [255, 0, 0, 255, 255, 0, 0, 255]);
  gl.stencilFunc(gl.EQUAL, 8, 0xff);
  gl.stencilOp(gl.KEEP, gl.KEEP, gl.KEEP);
  set([0, 1, 0, 1], 0.5);
  assert.deepEqual(bytes(gl), [0, 255, 0, 255, 255, 0, 0, 255], 'green where the stencil is 8');
  // DECR_WRAP twice on the right (7 -> 5), then EQUAL 5 draws blue there only
  gl.stencilFunc(gl.ALWAYS, 0, 0xff);
  gl.stencilOp(gl.KEEP, gl.KEEP, gl.DECR_WRAP);
  gl.enable(gl.SCISSOR_TEST);
  gl.scissor(1, 0, 1, 1);
  gl.colorMask(false, false, false, false);
  set([0, 0, 0, 1], 0.5); set([0, 0, 0, 1], 0.5);
  gl.colorMask(true, true, true, true);
  gl.disable(gl.SCISSOR_TEST);
  bytes(gl);
  gl.stencilFunc(gl.EQUAL, 5, 0xff);
  gl.stencilOp(gl.KEEP, gl.KEEP, gl.KEEP);
  set([0, 0, 1, 1], 0.5);
  assert.deepEqual(bytes(gl), [0, 255, 0, 255, 0, 0, 255, 255], 'blue where the stencil is 5');
  gl.disable(gl.STENCIL_TEST);
  // depth: 0.5 was cleared; LESS passes 0.25 and fails 0.75
  gl.enable(gl.DEPTH_TEST);
  gl.depthFunc(gl.LESS);
  set([1, 1, 1, 1], 0.75);
  assert.deepEqual(bytes(gl), [0, 255, 0, 255, 0, 0, 255, 255], '0.75 is behind 0.5');
  set([1, 1, 0, 1], 0.25);
  assert.deepEqual(bytes(gl), [255, 255, 0, 255, 255, 255, 0, 255], '0.25 is in front of 0.5');
  gl.disable(gl.DEPTH_TEST);
  // blits copy depth and stencil only between the same formats (ES 3.0 § 4.3.3)
  const d24 = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, d24);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH24_STENCIL8, 2, 1);
  const other = gl.createFramebuffer();
  gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, other);
  gl.framebufferRenderbuffer(gl.DRAW_FRAMEBUFFER, gl.DEPTH_STENCIL_ATTACHMENT, gl.RENDERBUFFER, d24);
  gl.blitFramebuffer(0, 0, 2, 1, 0, 0, 2, 1, gl.STENCIL_BUFFER_BIT, gl.NEAREST);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));

test('DEPTH32F_STENCIL8 uploads take no client data (WebGL 2.0 § 3.7.6); stencil blits between two DEPTH32F_STENCIL8 buffers', () => withGl2(2, 1, (gl) => {
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.DEPTH32F_STENCIL8, 2, 1, 0, gl.DEPTH_STENCIL, gl.FLOAT_32_UNSIGNED_INT_24_8_REV, null);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.DEPTH32F_STENCIL8, 2, 1, 0, gl.DEPTH_STENCIL, gl.FLOAT_32_UNSIGNED_INT_24_8_REV, new Float32Array(4));
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  // source: stencil 0x5a everywhere; destination: stencil 3; a stencil-only blit makes the destination's 0x5a
  const fbo = (): WebGLFramebuffer => {
    const c = gl.createRenderbuffer(), z = gl.createRenderbuffer();
    gl.bindRenderbuffer(gl.RENDERBUFFER, c); gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA8, 2, 1);
    gl.bindRenderbuffer(gl.RENDERBUFFER, z); gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH32F_STENCIL8, 2, 1);
    const f = gl.createFramebuffer()!;
    gl.bindFramebuffer(gl.FRAMEBUFFER, f);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, c);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_STENCIL_ATTACHMENT, gl.RENDERBUFFER, z);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    return f;
  };
  const src = fbo(), dst = fbo();
  gl.bindFramebuffer(gl.FRAMEBUFFER, src);
  gl.clearBufferfi(gl.DEPTH_STENCIL, 0, 1, 0x5a);
  gl.bindFramebuffer(gl.FRAMEBUFFER, dst);
  gl.clearBufferfi(gl.DEPTH_STENCIL, 0, 1, 3);
  gl.clearBufferfv(gl.COLOR, 0, [1, 0, 0, 1]);
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, src);
  gl.blitFramebuffer(0, 0, 2, 1, 0, 0, 2, 1, gl.STENCIL_BUFFER_BIT, gl.NEAREST);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.bindFramebuffer(gl.FRAMEBUFFER, dst);
  gl.enable(gl.STENCIL_TEST);
  gl.stencilFunc(gl.EQUAL, 0x5a, 0xff);
  quad(gl, 'out vec4 o; void main() { o = vec4(0.0, 1.0, 0.0, 1.0); }').draw();
  assert.deepEqual(bytes(gl), [0, 255, 0, 255, 0, 255, 0, 255]);
}));
