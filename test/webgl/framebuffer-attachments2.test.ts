/**
 * WebGL 2's framebuffer attachments (ES 3.0 § 4.4.2, § 4.4.4, § 6.1.13; WebGL 2.0 § 5.x):
 * DEPTH_STENCIL_ATTACHMENT as DEPTH + STENCIL, textures attached at levels above 0, and
 * getFramebufferAttachmentParameter on framebuffer objects and on the default framebuffer.
 * Expected values are read off the specification's tables (the component sizes of each sized
 * format, ES 3.0 Table 3.13/3.14) and the colours the test draws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program, read, at } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T, attrs: Record<string, unknown> = {}): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2, ...attrs });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}
const VS = `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }`;
const solid = (r: number, g: number, b: number) => `#version 300 es
precision mediump float; out vec4 o; void main() { o = vec4(${r}.0, ${g}.0, ${b}.0, 1.0); }`;
function quad(gl: WebGL2RenderingContext): void {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
}
const param = (gl: WebGL2RenderingContext, a: number, p: number): unknown => gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, a, p);

test('WebGL 2 DEPTH_STENCIL_ATTACHMENT attaches the image at DEPTH and STENCIL; different images there are FRAMEBUFFER_UNSUPPORTED', () => withGl2(4, 4, (gl) => {
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  const color = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, color);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA8, 4, 4);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, color);
  const ds = gl.createRenderbuffer(), depth = gl.createRenderbuffer(), stencil = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, ds); gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH24_STENCIL8, 4, 4);
  gl.bindRenderbuffer(gl.RENDERBUFFER, depth); gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, 4, 4);
  gl.bindRenderbuffer(gl.RENDERBUFFER, stencil); gl.renderbufferStorage(gl.RENDERBUFFER, gl.STENCIL_INDEX8, 4, 4);

  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_STENCIL_ATTACHMENT, gl.RENDERBUFFER, ds);
  // ES 3.0 § 4.4.2.3: as if attached at DEPTH_ATTACHMENT and at STENCIL_ATTACHMENT
  assert.equal(param(gl, gl.DEPTH_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME), ds);
  assert.equal(param(gl, gl.STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME), ds);
  assert.equal(param(gl, gl.DEPTH_STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.RENDERBUFFER);
  // DEPTH24_STENCIL8: 24 depth bits, 8 stencil bits, no colour (Table 3.14)
  assert.equal(param(gl, gl.DEPTH_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_DEPTH_SIZE), 24);
  assert.equal(param(gl, gl.STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_STENCIL_SIZE), 8);
  assert.equal(param(gl, gl.DEPTH_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_RED_SIZE), 0);
  assert.equal(param(gl, gl.DEPTH_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE), gl.UNSIGNED_NORMALIZED);
  assert.equal(param(gl, gl.DEPTH_STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING), gl.LINEAR);
  assert.equal(gl.getError(), gl.NO_ERROR);
  // § 6.1.13: COMPONENT_TYPE of DEPTH_STENCIL_ATTACHMENT is INVALID_OPERATION
  assert.equal(param(gl, gl.DEPTH_STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE), null);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.equal(gl.getParameter(gl.DEPTH_BITS), 24);
  assert.equal(gl.getParameter(gl.STENCIL_BITS), 8);

  // the stencil test works through it: stencil 1 where the left half was drawn, then green only where it is 1
  quad(gl);
  gl.clearColor(0, 0, 0, 1); gl.clearStencil(0);
  gl.clear(gl.COLOR_BUFFER_BIT | gl.STENCIL_BUFFER_BIT);
  gl.enable(gl.STENCIL_TEST);
  gl.enable(gl.SCISSOR_TEST); gl.scissor(0, 0, 2, 4);
  gl.stencilFunc(gl.ALWAYS, 1, 0xff); gl.stencilOp(gl.KEEP, gl.KEEP, gl.REPLACE);
  gl.colorMask(false, false, false, false);
  program(gl, VS, solid(1, 0, 0), { p: 0 });
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  gl.disable(gl.SCISSOR_TEST); gl.colorMask(true, true, true, true);
  gl.stencilFunc(gl.EQUAL, 1, 0xff); gl.stencilOp(gl.KEEP, gl.KEEP, gl.KEEP);
  program(gl, VS, solid(0, 1, 0), { p: 0 });
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  gl.disable(gl.STENCIL_TEST);
  const px = read(gl, 4, 4);
  assert.deepEqual(at(px, 4, 0, 2), [0, 255, 0, 255]);
  assert.deepEqual(at(px, 4, 3, 2), [0, 0, 0, 255]);

  // STENCIL_ATTACHMENT replaced by another image: DEPTH and STENCIL differ -> unsupported (WebGL 2.0 § 5.x)
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.STENCIL_ATTACHMENT, gl.RENDERBUFFER, stencil);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_UNSUPPORTED);
  assert.equal(param(gl, gl.DEPTH_STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), null);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  // detaching STENCIL leaves the DEPTH24_STENCIL8 image at DEPTH only: complete, depth bits but no stencil bits
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.STENCIL_ATTACHMENT, gl.RENDERBUFFER, null);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.equal(gl.getParameter(gl.STENCIL_BITS), 0);
  assert.equal(gl.getParameter(gl.DEPTH_BITS), 24);
  // a DEPTH_COMPONENT16 at DEPTH and a STENCIL_INDEX8 at STENCIL: two images -> unsupported
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, depth);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.STENCIL_ATTACHMENT, gl.RENDERBUFFER, stencil);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_UNSUPPORTED);
  // DEPTH_STENCIL_ATTACHMENT null detaches both
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_STENCIL_ATTACHMENT, gl.RENDERBUFFER, null);
  assert.equal(param(gl, gl.DEPTH_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.NONE);
  assert.equal(param(gl, gl.STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.NONE);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  // a DEPTH24_STENCIL8 texture at DEPTH_STENCIL_ATTACHMENT: complete (ES 3.0 § 4.4.4.1)
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.DEPTH24_STENCIL8, 4, 4, 0, gl.DEPTH_STENCIL, gl.UNSIGNED_INT_24_8, null);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.DEPTH_STENCIL_ATTACHMENT, gl.TEXTURE_2D, t, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.equal(param(gl, gl.STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME), t);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('WebGL 2 getFramebufferAttachmentParameter: format pnames from the image, INVALID_OPERATION with nothing attached, INVALID_ENUM for texture pnames of a renderbuffer', () => withGl2(4, 4, (gl) => {
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  // nothing attached: OBJECT_TYPE NONE, OBJECT_NAME null, anything else (even pname 0) INVALID_OPERATION
  assert.equal(param(gl, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.NONE);
  assert.equal(param(gl, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME), null);
  assert.equal(gl.getError(), gl.NO_ERROR);
  for (const p of [gl.FRAMEBUFFER_ATTACHMENT_RED_SIZE, gl.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING, 0]) {
    assert.equal(param(gl, gl.COLOR_ATTACHMENT0, p), null);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  }
  // RG8 texture: 8 red and green bits, no blue or alpha, unsigned normalized, linear
  const rg = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, rg);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RG8, 4, 4, 0, gl.RG, gl.UNSIGNED_BYTE, null);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT1, gl.TEXTURE_2D, rg, 0);
  const sizes = [gl.FRAMEBUFFER_ATTACHMENT_RED_SIZE, gl.FRAMEBUFFER_ATTACHMENT_GREEN_SIZE, gl.FRAMEBUFFER_ATTACHMENT_BLUE_SIZE, gl.FRAMEBUFFER_ATTACHMENT_ALPHA_SIZE,
    gl.FRAMEBUFFER_ATTACHMENT_DEPTH_SIZE, gl.FRAMEBUFFER_ATTACHMENT_STENCIL_SIZE];
  assert.deepEqual(sizes.map((p) => param(gl, gl.COLOR_ATTACHMENT1, p)), [8, 8, 0, 0, 0, 0]);
  assert.equal(param(gl, gl.COLOR_ATTACHMENT1, gl.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE), gl.UNSIGNED_NORMALIZED);
  assert.equal(param(gl, gl.COLOR_ATTACHMENT1, gl.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING), gl.LINEAR);
  assert.equal(param(gl, gl.COLOR_ATTACHMENT1, gl.FRAMEBUFFER_ATTACHMENT_TEXTURE_LAYER), 0);
  assert.equal(param(gl, gl.COLOR_ATTACHMENT1, gl.FRAMEBUFFER_ATTACHMENT_TEXTURE_CUBE_MAP_FACE), 0);
  // RGBA32I renderbuffer: 32 bits each, INT; SRGB8_ALPHA8: SRGB
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA32I, 4, 4);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
  assert.deepEqual(sizes.map((p) => param(gl, gl.COLOR_ATTACHMENT0, p)), [32, 32, 32, 32, 0, 0]);
  assert.equal(param(gl, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE), gl.INT);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.SRGB8_ALPHA8, 4, 4);
  assert.equal(param(gl, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING), gl.SRGB);
  assert.equal(gl.getError(), gl.NO_ERROR);
  // a renderbuffer has no level, face or layer (§ 6.1.13: other combinations are INVALID_ENUM)
  assert.equal(param(gl, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_TEXTURE_LEVEL), null);
  assert.equal(gl.getError(), gl.INVALID_ENUM);
  // READ_FRAMEBUFFER is asked about the read binding (FRAMEBUFFER bound both): the default framebuffer's BACK once it is unbound
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.READ_FRAMEBUFFER, gl.BACK, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.FRAMEBUFFER_DEFAULT);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('WebGL 2 getFramebufferAttachmentParameter on the default framebuffer: BACK, DEPTH, STENCIL as the context attributes made them', () => {
  withGl2(2, 2, (gl) => {
    // COLOR_ATTACHMENT0 is no attachment of the default framebuffer: INVALID_ENUM
    assert.equal(param(gl, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), null);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    assert.equal(param(gl, gl.DEPTH_STENCIL_ATTACHMENT, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), null);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    assert.equal(param(gl, gl.BACK, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.FRAMEBUFFER_DEFAULT);
    // an RGBA8 back buffer without alpha (alpha: false): 8, 8, 8, 0
    assert.deepEqual([gl.FRAMEBUFFER_ATTACHMENT_RED_SIZE, gl.FRAMEBUFFER_ATTACHMENT_GREEN_SIZE, gl.FRAMEBUFFER_ATTACHMENT_BLUE_SIZE, gl.FRAMEBUFFER_ATTACHMENT_ALPHA_SIZE]
      .map((p) => param(gl, gl.BACK, p)), [8, 8, 8, 0]);
    assert.equal(param(gl, gl.BACK, gl.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE), gl.UNSIGNED_NORMALIZED);
    assert.equal(param(gl, gl.DEPTH, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.FRAMEBUFFER_DEFAULT);
    assert.equal(param(gl, gl.DEPTH, gl.FRAMEBUFFER_ATTACHMENT_DEPTH_SIZE), 24);
    // stencil: false -> STENCIL is NONE: its name is null, any other pname INVALID_OPERATION
    assert.equal(param(gl, gl.STENCIL, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.NONE);
    assert.equal(param(gl, gl.STENCIL, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME), null);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(param(gl, gl.STENCIL, gl.FRAMEBUFFER_ATTACHMENT_STENCIL_SIZE), null);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    // FRAMEBUFFER_DEFAULT answers only the format pnames: OBJECT_NAME and TEXTURE_LEVEL are INVALID_ENUM
    assert.equal(param(gl, gl.BACK, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME), null);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    assert.equal(param(gl, gl.BACK, gl.FRAMEBUFFER_ATTACHMENT_TEXTURE_LEVEL), null);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
  }, { alpha: false, stencil: false });
  withGl2(2, 2, (gl) => {
    assert.equal(param(gl, gl.BACK, gl.FRAMEBUFFER_ATTACHMENT_ALPHA_SIZE), 8);
    assert.equal(param(gl, gl.STENCIL, gl.FRAMEBUFFER_ATTACHMENT_STENCIL_SIZE), 8);
    assert.equal(param(gl, gl.STENCIL, gl.FRAMEBUFFER_ATTACHMENT_DEPTH_SIZE), 0);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }, { stencil: true });
});

test('WebGL 2 framebufferTexture2D at level 1: draws land in level 1 (2x2 of a 4x4 texture), level 0 keeps its texels; levels past log2(MAX_TEXTURE_SIZE) are INVALID_VALUE', () => withGl2(4, 4, (gl) => {
  quad(gl);
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 4, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(64).fill(40));
  gl.texImage2D(gl.TEXTURE_2D, 1, gl.RGBA8, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(16).fill(90));
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 1);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.equal(param(gl, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_TEXTURE_LEVEL), 1);
  // the framebuffer is the level's size: a full-viewport quad over 2x2
  gl.viewport(0, 0, 2, 2);
  program(gl, VS, solid(0, 0, 1), { p: 0 });
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const px = read(gl, 2, 2);
  for (let i = 0; i < 4; i++) assert.deepEqual(at(px, 2, i & 1, i >> 1), [0, 0, 255, 255]);
  // level 0 read through another framebuffer: the bytes uploaded
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
  const l0 = read(gl, 4, 4);
  assert.deepEqual(at(l0, 4, 3, 3), [40, 40, 40, 40]);
  // MAX_TEXTURE_SIZE 4096 = 2^12: level 12 may be named (it need not exist: the attachment is then incomplete), 13 may not
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 12);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_ATTACHMENT);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 13);
  assert.equal(gl.getError(), gl.INVALID_VALUE);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, -1);
  assert.equal(gl.getError(), gl.INVALID_VALUE);
}));
