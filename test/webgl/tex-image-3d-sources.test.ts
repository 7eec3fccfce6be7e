/**
 * texImage3D / texSubImage3D from a TexImageSource (WebGL 2.0 § 3.7.6, the pixel store rules of § 5.35):
 * the source as UNPACK_FLIP_Y_WEBGL presents it, alpha premultiplied with UNPACK_PREMULTIPLY_ALPHA_WEBGL,
 * then each slice's rows taken UNPACK_SKIP_ROWS + (UNPACK_SKIP_IMAGES + z) × UNPACK_IMAGE_HEIGHT rows down and
 * UNPACK_SKIP_PIXELS pixels in. Every texel is read back exactly with texelFetch into an RGBA8 drawing
 * buffer (unorm8 in, unorm8 out), and the expected source pixel is worked out from those rules in the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program, read, at } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}

/** A 3 × 9 ImageData-shaped source: pixel (x, y) (top row first) is (40x + 1, 20y + 3, 7, alpha(x, y)). */
const W = 3, H = 9;
const alphaOf = (x: number, y: number): number => (x === 2 && y === 4 ? 128 : 255);
const pixel = (x: number, y: number): number[] => [40 * x + 1, 20 * y + 3, 7, alphaOf(x, y)];
function source(): ImageData {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set(pixel(x, y), (y * W + x) * 4);
  return { width: W, height: H, data, colorSpace: 'srgb' } as ImageData;
}

const VS = `#version 300 es
in vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }`;
/** Draws texel (x, y, slice) of level 0 at pixel (x, y) of a 2 × 2 drawing buffer; returns the four pixels. */
function slice(gl: WebGL2RenderingContext, sampler: 'sampler3D' | 'sampler2DArray', z: number): number[][][] {
  program(gl, VS, `#version 300 es
precision mediump float; precision mediump ${sampler}; uniform ${sampler} t; out vec4 o;
void main() { o = texelFetch(t, ivec3(ivec2(gl_FragCoord.xy), ${z}), 0); }`, { p: 0 });
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const px = read(gl, 2, 2);
  return [0, 1].map((y) => [0, 1].map((x) => at(px, 2, x, y)));
}
/** A new texture bound to `target`, NEAREST without mipmaps so that level 0 alone makes it complete. */
function newTexture(gl: WebGL2RenderingContext, target: number): void {
  gl.bindTexture(target, gl.createTexture());
  gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
}
function quad(gl: WebGL2RenderingContext): void {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
}

test('texImage3D from ImageData: a 2x2x3 box with UNPACK_SKIP_PIXELS 1, SKIP_ROWS 1, IMAGE_HEIGHT 3; texelFetch at each slice', () => withGl2(2, 2, (gl) => {
  quad(gl);
  newTexture(gl, gl.TEXTURE_3D);
  gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 1);
  gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 1);
  gl.pixelStorei(gl.UNPACK_IMAGE_HEIGHT, 3);
  // UNPACK_ALIGNMENT and UNPACK_ROW_LENGTH do not apply to an image source: values that would move rows change nothing
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 8);
  gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 5);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.RGBA8, 2, 2, 3, 0, gl.RGBA, gl.UNSIGNED_BYTE, source());
  assert.equal(gl.getError(), gl.NO_ERROR);
  // texel (x, y, z) is source pixel (1 + x, 1 + 3z + y): slice 0 rows 1-2, slice 1 rows 4-5, slice 2 rows 7-8;
  // the half-transparent pixel (2, 4) lands at texel (1, 0, 1) with its alpha as it is
  for (let z = 0; z < 3; z++) {
    const got = slice(gl, 'sampler3D', z);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) assert.deepEqual(got[y]![x], pixel(1 + x, 1 + 3 * z + y), `texel (${x}, ${y}, ${z})`);
  }
  assert.deepEqual(slice(gl, 'sampler3D', 1)[0]![1], [81, 83, 7, 128]);
}));

test('texImage3D from ImageData with UNPACK_FLIP_Y_WEBGL: the whole source is flipped first, then the skips apply', () => withGl2(2, 2, (gl) => {
  quad(gl);
  newTexture(gl, gl.TEXTURE_3D);
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, true);
  gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 1);
  gl.pixelStorei(gl.UNPACK_IMAGE_HEIGHT, 4);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.RGBA8, 2, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, source());
  assert.equal(gl.getError(), gl.NO_ERROR);
  // the flipped source's row i is the source's row 8 - i; texel (x, y, z) is flipped row 1 + 4z + y,
  // source row 7 - 4z - y: slice 0 rows 7, 6; slice 1 rows 3, 2
  for (let z = 0; z < 2; z++) {
    const got = slice(gl, 'sampler3D', z);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) assert.deepEqual(got[y]![x], pixel(x, 7 - 4 * z - y), `texel (${x}, ${y}, ${z})`);
  }
}));

test('texSubImage3D from ImageData into layers 1-2 of a 2D array, UNPACK_SKIP_IMAGES 1 and UNPACK_PREMULTIPLY_ALPHA_WEBGL', () => withGl2(2, 2, (gl) => {
  quad(gl);
  newTexture(gl, gl.TEXTURE_2D_ARRAY);
  gl.texImage3D(gl.TEXTURE_2D_ARRAY, 0, gl.RGBA8, 2, 2, 3, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(2 * 2 * 3 * 4).fill(9));
  gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 1);
  gl.pixelStorei(gl.UNPACK_SKIP_IMAGES, 1);
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
  // image height 0: slices are 2 rows (the height) apart; slice k of the box is source rows 2(1 + k), 2(1 + k) + 1
  gl.texSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 0, 1, 2, 2, 2, gl.RGBA, gl.UNSIGNED_BYTE, source());
  assert.equal(gl.getError(), gl.NO_ERROR);
  // layer 0 keeps the 9s
  for (const row of slice(gl, 'sampler2DArray', 0)) for (const p of row) assert.deepEqual(p, [9, 9, 9, 9]);
  // layer 1 + k, texel (x, y) = source pixel (1 + x, 2 + 2k + y), colour × alpha / 255 rounded
  const premultiplied = (p: number[]): number[] => [...p.slice(0, 3).map((c) => Math.round((c * p[3]!) / 255)), p[3]!];
  for (let k = 0; k < 2; k++) {
    const got = slice(gl, 'sampler2DArray', 1 + k);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) assert.deepEqual(got[y]![x], premultiplied(pixel(1 + x, 2 + 2 * k + y)), `layer ${1 + k} texel (${x}, ${y})`);
  }
  // pixel (2, 4) is layer 2's texel (1, 0): (81, 83, 7, 128) premultiplied: 81 × 128 / 255 = 40.66 -> 41, 83 × 128 / 255 = 41.66 -> 42, 7 × 128 / 255 = 3.51 -> 4
  assert.deepEqual(slice(gl, 'sampler2DArray', 2)[0]![1], [41, 42, 4, 128]);
}));

test('a box reaching outside the TexImageSource is INVALID_OPERATION and leaves the level as it was', () => withGl2(2, 2, (gl) => {
  quad(gl);
  newTexture(gl, gl.TEXTURE_3D);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.RGBA8, 2, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(16).fill(5));
  // 3 slices of image height 4 after 1 skipped row need rows up to 1 + 2 × 4 + 2 = 11 > 9
  gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 1);
  gl.pixelStorei(gl.UNPACK_IMAGE_HEIGHT, 4);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.RGBA8, 2, 2, 3, 0, gl.RGBA, gl.UNSIGNED_BYTE, source());
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  // 2 skipped pixels + 2 columns > 3
  gl.pixelStorei(gl.UNPACK_IMAGE_HEIGHT, 0);
  gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 2);
  gl.texSubImage3D(gl.TEXTURE_3D, 0, 0, 0, 0, 2, 2, 1, gl.RGBA, gl.UNSIGNED_BYTE, source());
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  for (const row of slice(gl, 'sampler3D', 0)) for (const p of row) assert.deepEqual(p, [5, 5, 5, 5]);
}));
