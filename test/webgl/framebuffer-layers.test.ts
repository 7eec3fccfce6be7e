/**
 * Rendering into one layer of a 2D array texture or one slice of a 3D texture (framebufferTextureLayer,
 * ES 3.0 § 4.4.2.4), at level 0 and below, and copyTexSubImage3D (ES 3.0 § 3.8.5). Every texel is read
 * back with texelFetch (exact: RGBA8 in, RGBA8 out); the expected values are the clear colours and
 * uploaded bytes the test chose, placed where the specification says.
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
function quad(gl: WebGL2RenderingContext): void {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
}
/** Texel (x, y) of layer/slice z, level `level`, of the bound texture, for every x < w, y < h (drawn into the default framebuffer's w × h corner). */
function fetch(gl: WebGL2RenderingContext, sampler: 'sampler3D' | 'sampler2DArray', z: number, level: number, w: number, h: number): number[][][] {
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  program(gl, VS, `#version 300 es
precision mediump float; precision mediump ${sampler}; uniform ${sampler} t; out vec4 o;
void main() { o = texelFetch(t, ivec3(ivec2(gl_FragCoord.xy), ${z}), ${level}); }`, { p: 0 });
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const W = gl.drawingBufferWidth, px = read(gl, W, gl.drawingBufferHeight);
  return Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => at(px, W, x, y)));
}
const fill = (n: number, v: number[]): Uint8Array => Uint8Array.from({ length: n * 4 }, (_, i) => v[i % 4]!);
const every = (rows: number[][][], v: number[], what: string): void => { for (const r of rows) for (const p of r) assert.deepEqual(p, v, what); };

test('framebufferTextureLayer: clearing and drawing into layer 2 of a 2D array changes that layer only; level 1 layers too', () => withGl2(4, 4, (gl) => {
  quad(gl);
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, tex);
  gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 2, gl.RGBA8, 4, 4, 3);
  for (let z = 0; z < 3; z++) gl.texSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 0, z, 4, 4, 1, gl.RGBA, gl.UNSIGNED_BYTE, fill(16, [10 * (z + 1), 0, 0, 255]));
  gl.texSubImage3D(gl.TEXTURE_2D_ARRAY, 1, 0, 0, 0, 2, 2, 3, gl.RGBA, gl.UNSIGNED_BYTE, fill(12, [0, 0, 77, 255]));
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, tex, 0, 2);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_TEXTURE_LAYER), 2);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME), tex);
  // clear the layer to (0, 255, 0), then draw (255, 0, 255) into its right half (x >= 2) through the scissor
  gl.clearColor(0, 1, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  program(gl, VS, `#version 300 es
precision mediump float; out vec4 o; void main() { o = vec4(1.0, 0.0, 1.0, 1.0); }`, { p: 0 });
  gl.enable(gl.SCISSOR_TEST);
  gl.scissor(2, 0, 2, 4);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  gl.disable(gl.SCISSOR_TEST);
  // readPixels reads the attached layer
  const px = read(gl, 4, 4);
  assert.deepEqual(at(px, 4, 0, 0), [0, 255, 0, 255]);
  assert.deepEqual(at(px, 4, 3, 3), [255, 0, 255, 255]);
  assert.equal(gl.getError(), gl.NO_ERROR);
  // layers 0 and 1 keep their bytes; layer 2 is green on the left, magenta on the right
  every(fetch(gl, 'sampler2DArray', 0, 0, 4, 4), [10, 0, 0, 255], 'layer 0');
  every(fetch(gl, 'sampler2DArray', 1, 0, 4, 4), [20, 0, 0, 255], 'layer 1');
  const l2 = fetch(gl, 'sampler2DArray', 2, 0, 4, 4);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) assert.deepEqual(l2[y]![x], x < 2 ? [0, 255, 0, 255] : [255, 0, 255, 255], `layer 2 (${x}, ${y})`);
  // level 1 (2 x 2) layer 1: the framebuffer is 2 x 2; the level's other layers and level 0 stay
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, tex, 1, 1);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_TEXTURE_LEVEL), 1);
  gl.clearColor(1, 1, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
  every(fetch(gl, 'sampler2DArray', 0, 1, 2, 2), [0, 0, 77, 255], 'level 1 layer 0');
  every(fetch(gl, 'sampler2DArray', 1, 1, 2, 2), [255, 255, 0, 255], 'level 1 layer 1');
  every(fetch(gl, 'sampler2DArray', 2, 1, 2, 2), [0, 0, 77, 255], 'level 1 layer 2');
  every(fetch(gl, 'sampler2DArray', 1, 0, 4, 4), [20, 0, 0, 255], 'level 0 layer 1');
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('framebufferTextureLayer: one slice of a 3D texture; a layer past the depth is an incomplete attachment', () => withGl2(2, 2, (gl) => {
  quad(gl);
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_3D, tex);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.RGBA8, 2, 2, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, fill(16, [1, 2, 3, 4]));
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, tex, 0, 3);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  gl.clearColor(0, 0, 1, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  for (let z = 0; z < 3; z++) every(fetch(gl, 'sampler3D', z, 0, 2, 2), [1, 2, 3, 4], `slice ${z}`);
  every(fetch(gl, 'sampler3D', 3, 0, 2, 2), [0, 0, 255, 255], 'slice 3');
  // ES 3.0 § 4.4.4.1: layer >= the level's depth
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, tex, 0, 4);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_ATTACHMENT);
  // errors: a 2D texture (INVALID_OPERATION), a negative layer, a layer at MAX_3D_TEXTURE_SIZE (INVALID_VALUE)
  const t2 = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t2);
  gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, t2, 0, 0);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, tex, 0, -1);
  assert.equal(gl.getError(), gl.INVALID_VALUE);
  gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, tex, 0, gl.getParameter(gl.MAX_3D_TEXTURE_SIZE));
  assert.equal(gl.getError(), gl.INVALID_VALUE);
}));

test('copyTexSubImage3D copies a framebuffer rectangle into one layer; texels whose pixel lies outside the framebuffer stay', () => withGl2(4, 4, (gl) => {
  quad(gl);
  // the source: a 4 x 4 RGBA8 texture whose pixel (x, y) is (60x, 60y, 9, 255), rendered to through a framebuffer
  const src = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, src);
  const bytes = new Uint8Array(64);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) bytes.set([60 * x, 60 * y, 9, 255], (y * 4 + x) * 4);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 4, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, bytes);
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, src, 0);
  const dst = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, dst);
  gl.texImage3D(gl.TEXTURE_2D_ARRAY, 0, gl.RGBA8, 3, 3, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, fill(18, [5, 5, 5, 5]));
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  // the 2 x 2 rectangle at framebuffer (3, 1): column x = 4 is outside, so only (3, 1) and (3, 2) are copied,
  // into layer 1 at (0, 1) and (0, 2)
  gl.copyTexSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 1, 1, 3, 1, 2, 2);
  assert.equal(gl.getError(), gl.NO_ERROR);
  every(fetch(gl, 'sampler2DArray', 0, 0, 3, 3), [5, 5, 5, 5], 'layer 0');
  const l1 = fetch(gl, 'sampler2DArray', 1, 0, 3, 3);
  for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) {
    const want = x === 0 && y >= 1 ? [180, 60 * y, 9, 255] : [5, 5, 5, 5];
    assert.deepEqual(l1[y]![x], want, `layer 1 (${x}, ${y})`);
  }
  // errors: a box past the level (INVALID_VALUE), a layer past the depth (INVALID_VALUE), a float level (INVALID_OPERATION)
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.copyTexSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 2, 0, 0, 0, 0, 2, 2);
  assert.equal(gl.getError(), gl.INVALID_VALUE);
  gl.copyTexSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 0, 2, 0, 0, 1, 1);
  assert.equal(gl.getError(), gl.INVALID_VALUE);
  gl.texImage3D(gl.TEXTURE_2D_ARRAY, 0, gl.RGBA32F, 2, 2, 1, 0, gl.RGBA, gl.FLOAT, null);
  gl.copyTexSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 0, 0, 0, 0, 1, 1);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));

test('copyTexImage2D with sized formats: R8/RG8/RGB8 from an RGBA8 buffer, component sizes and encodings that must match, immutable levels', () => withGl2(2, 1, (gl) => {
  quad(gl);
  // the source: a 2 x 1 RGBA8 texture (10, 20, 30, 40), (50, 60, 70, 80) bound as the framebuffer
  const src = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, src);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([10, 20, 30, 40, 50, 60, 70, 80]));
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, src, 0);
  const dst = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, dst);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  const sample = (): number[][] => {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    program(gl, VS, `#version 300 es
precision mediump float; uniform sampler2D t; out vec4 o; void main() { o = texelFetch(t, ivec2(gl_FragCoord.xy), 0); }`, { p: 0 });
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const px = read(gl, 2, 1);
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    return [at(px, 2, 0, 0), at(px, 2, 1, 0)];
  };
  // R8 keeps red (an R8 texture samples as (r, 0, 0, 1))
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.R8, 0, 0, 2, 1, 0);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.deepEqual(sample(), [[10, 0, 0, 255], [50, 0, 0, 255]]);
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RG8, 0, 0, 2, 1, 0);
  assert.deepEqual(sample(), [[10, 20, 0, 255], [50, 60, 0, 255]]);
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 0, 1, 1, 0);
  assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_IMMUTABLE_FORMAT), false);
  assert.deepEqual(sample()[0], [50, 60, 70, 80]);
  // component sizes that differ from the buffer's 8 bits, an sRGB format from a linear buffer: INVALID_OPERATION; snorm: INVALID_ENUM
  for (const f of [gl.RGB565, gl.RGBA4, gl.RGB5_A1, gl.RGB10_A2, gl.SRGB8_ALPHA8]) {
    gl.copyTexImage2D(gl.TEXTURE_2D, 0, f, 0, 0, 2, 1, 0);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, `format 0x${f.toString(16)}`);
  }
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.R8_SNORM, 0, 0, 2, 1, 0);
  assert.equal(gl.getError(), gl.INVALID_ENUM);
  // a texture with immutable storage cannot take a new level 0 (ES 3.0 § 3.8.4)
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA8, 2, 1);
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 0, 0, 2, 1, 0);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));
