/**
 * WEBGL_compressed_texture_s3tc: blocks decoded by the driver on upload (compressed.ts).
 *
 * Expected texels are worked out from EXT_texture_compression_s3tc's block layout with the
 * rounding compressed.ts documents (channel k of b bits -> floor(k * 255 / (2^b - 1)); each
 * interpolant the floor of the exact weighted mean):
 *  - red 565 0xF800 -> (255, 0, 0); blue 0x001F -> (0, 0, 255); green 32 of 63 (0x0400) -> floor(32 * 255 / 63) = 129;
 *  - four-colour mode (c0 > c1) between red and blue: c2 = (floor(510 / 3), 0, floor(255 / 3)) = (170, 0, 85),
 *    c3 = (85, 0, 170);
 *  - three-colour mode (c0 <= c1): c2 = the floor of the mean, (127, 0, 127), c3 black — opaque for the RGB
 *    format, transparent for RGBA DXT1;
 *  - DXT5 alpha 255 and 0 (eight-value mode): index 2 = floor(6 * 255 / 7) = 218, index 7 = floor(255 / 7) = 36.
 * Each row of indices 0xE4 = 0b11_10_01_00 names colours 0, 1, 2, 3 from left to right.
 * The texture is drawn 1:1 on a 4x4 canvas (texel (x, y) on pixel (x, y)) with NEAREST filtering.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { at, program, read, withGl } from './helpers.js';

const VS = 'attribute vec2 pos; varying vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }';
const FS = 'precision mediump float; uniform sampler2D t; varying vec2 uv; void main() { gl_FragColor = texture2D(t, uv); }';
const RGB_DXT1 = 0x83f0, RGBA_DXT1 = 0x83f1, RGBA_DXT3 = 0x83f2, RGBA_DXT5 = 0x83f3;

/** An 8-byte colour block: end points c0, c1 (565, little-endian) and one index byte per row (x = 0 in the low bits). */
const colourBlock = (c0: number, c1: number, rows = [0xe4, 0xe4, 0xe4, 0xe4]) => [c0 & 255, c0 >> 8, c1 & 255, c1 >> 8, ...rows];

function drawTexture(gl: WebGLRenderingContext): Uint8Array {
  program(gl, VS, FS, { pos: 0 });
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.clearColor(0.2, 0.2, 0.2, 0.2);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  return read(gl, 4, 4);
}
function newTexture(gl: WebGLRenderingContext): WebGLTexture {
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return t;
}
const row = (px: Uint8Array, y: number) => [0, 1, 2, 3].map((x) => at(px, 4, x, y));

describe('WEBGL_compressed_texture_s3tc', () => {
  test('DXT1 four-colour and three-colour blocks, RGB and RGBA', () => withGl(4, 4, (gl) => {
    assert.equal(gl.getExtension('WEBGL_compressed_texture_s3tc') !== null, true);
    assert.deepEqual(Array.from(gl.getParameter(gl.COMPRESSED_TEXTURE_FORMATS) as Uint32Array), [RGB_DXT1, RGBA_DXT1, RGBA_DXT3, RGBA_DXT5]);
    newTexture(gl);
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGB_DXT1, 4, 4, 0, new Uint8Array(colourBlock(0xf800, 0x001f)));
    assert.equal(gl.getError(), gl.NO_ERROR);
    for (let y = 0; y < 4; y++) assert.deepEqual(row(drawTexture(gl), y), [[255, 0, 0, 255], [0, 0, 255, 255], [170, 0, 85, 255], [85, 0, 170, 255]]);
    // three-colour mode: c0 = blue <= c1 = red; RGB: index 3 is opaque black
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGB_DXT1, 4, 4, 0, new Uint8Array(colourBlock(0x001f, 0xf800)));
    assert.deepEqual(row(drawTexture(gl), 0), [[0, 0, 255, 255], [255, 0, 0, 255], [127, 0, 127, 255], [0, 0, 0, 255]]);
    // the same block as RGBA DXT1: index 3 is transparent black; a green of 32/63 is 129
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGBA_DXT1, 4, 4, 0, new Uint8Array(colourBlock(0x001f, 0xf800, [0xe4, 0x00, 0x00, 0x00])));
    let px = drawTexture(gl);
    assert.deepEqual(row(px, 0), [[0, 0, 255, 255], [255, 0, 0, 255], [127, 0, 127, 255], [0, 0, 0, 0]]);
    assert.deepEqual(row(px, 1), [[0, 0, 255, 255], [0, 0, 255, 255], [0, 0, 255, 255], [0, 0, 255, 255]]);
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGBA_DXT1, 4, 4, 0, new Uint8Array(colourBlock(0x0400, 0x0000, [0, 0, 0, 0])));
    px = drawTexture(gl);
    assert.deepEqual(at(px, 4, 2, 2), [0, 129, 0, 255]);
  }));

  test('DXT3 explicit alpha and DXT5 interpolated alpha', () => withGl(4, 4, (gl) => {
    gl.getExtension('WEBGL_compressed_texture_s3tc');
    newTexture(gl);
    // DXT3: 4-bit alpha per texel, row 0 = 0x0, 0x5, 0xA, 0xF (nibble n -> n * 17), other rows 0xF; colour all red
    const dxt3 = [0x50, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...colourBlock(0xf800, 0x001f, [0, 0, 0, 0])];
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGBA_DXT3, 4, 4, 0, new Uint8Array(dxt3));
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(row(drawTexture(gl), 0).map((p) => p[3]), [0, 85, 170, 255]);
    // DXT5: alpha end points 255, 0; row 0's 3-bit indices 0, 1, 2, 7 (bits 0-11: 0 | 1 << 3 | 2 << 6 | 7 << 9 = 0xE88)
    const dxt5 = [255, 0, 0x88, 0x0e, 0, 0, 0, 0, ...colourBlock(0xf800, 0x001f, [0, 0, 0, 0])];
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGBA_DXT5, 4, 4, 0, new Uint8Array(dxt5));
    const px = drawTexture(gl);
    assert.deepEqual(row(px, 0).map((p) => p[3]), [255, 0, 218, 36]);
    assert.deepEqual(row(px, 3).map((p) => p[3]), [255, 255, 255, 255], 'index 0 elsewhere');
  }));

  test('errors: sizes, block alignment, format mismatch, texSubImage2D and generateMipmap on a compressed level, a disabled extension', () => withGl(4, 4, (gl) => {
    newTexture(gl);
    const block = new Uint8Array(colourBlock(0xf800, 0x001f));
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGB_DXT1, 4, 4, 0, block);
    assert.equal(gl.getError(), gl.INVALID_ENUM, 'the extension is not enabled yet');
    gl.getExtension('WEBGL_compressed_texture_s3tc');
    const eight = new Uint8Array(32); // 8x8: four blocks
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGB_DXT1, 8, 8, 0, eight);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGB_DXT1, 8, 8, 1, eight);
    assert.equal(gl.getError(), gl.INVALID_VALUE, 'border');
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGB_DXT1, 12, 8, 0, eight);
    assert.equal(gl.getError(), gl.INVALID_VALUE, 'data of 4 blocks for 6');
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGB_DXT1, 7, 8, 0, eight);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'level 0 must be whole blocks (7 needs the same 2 block columns)');
    gl.compressedTexImage2D(gl.TEXTURE_2D, 1, RGB_DXT1, 2, 4, 0, new Uint8Array(8));
    assert.equal(gl.getError(), gl.NO_ERROR, 'a 2-wide smaller level');
    gl.compressedTexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 8, 8, RGBA_DXT1, eight);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'format differs from the level');
    gl.compressedTexSubImage2D(gl.TEXTURE_2D, 0, 4, 0, 8, 8, RGB_DXT1, eight);
    assert.equal(gl.getError(), gl.INVALID_VALUE, 'past the level');
    gl.compressedTexSubImage2D(gl.TEXTURE_2D, 0, 1, 0, 4, 4, RGB_DXT1, block);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'offset not on a block');
    gl.compressedTexSubImage2D(gl.TEXTURE_2D, 0, 4, 4, 4, 4, RGB_DXT1, block);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGB, gl.UNSIGNED_BYTE, new Uint8Array(3));
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'texSubImage2D into a compressed level');
    gl.generateMipmap(gl.TEXTURE_2D);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'generateMipmap of a compressed texture');
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, 0x8c4c /* sRGB DXT1 */, 4, 4, 0, block);
    assert.equal(gl.getError(), gl.INVALID_ENUM, 'the sRGB formats need their own extension');
  }));

  test('WebGL 2: texStorage2D of a compressed format starts as zero blocks (opaque black for RGB DXT1) and takes compressedTexSubImage2D', () => withGl(4, 4, (gl) => {
    const gl2 = gl as unknown as WebGL2RenderingContext;
    gl.getExtension('WEBGL_compressed_texture_s3tc');
    newTexture(gl);
    gl2.texStorage2D(gl.TEXTURE_2D, 1, RGB_DXT1, 4, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(row(drawTexture(gl), 0), [[0, 0, 0, 255], [0, 0, 0, 255], [0, 0, 0, 255], [0, 0, 0, 255]]);
    gl.compressedTexImage2D(gl.TEXTURE_2D, 0, RGB_DXT1, 4, 4, 0, new Uint8Array(8));
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'immutable storage');
    gl.compressedTexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 4, 4, RGB_DXT1, new Uint8Array(colourBlock(0xf800, 0x001f)));
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(row(drawTexture(gl), 3), [[255, 0, 0, 255], [0, 0, 255, 255], [170, 0, 85, 255], [85, 0, 170, 255]]);
  }, { version: 2 }));

  test('WebGL 2: 2D array textures of DXT1 layers (compressedTexImage3D, compressedTexSubImage3D, texStorage3D); TEXTURE_3D cannot hold them', () => withGl(4, 4, (gl) => {
    const gl2 = gl as unknown as WebGL2RenderingContext;
    gl.getExtension('WEBGL_compressed_texture_s3tc');
    // layer k of the array drawn 1:1, texel (x, y) on pixel (x, y)
    const FS3 = `#version 300 es
      precision mediump float; precision mediump sampler2DArray; uniform sampler2DArray t; uniform float layer; in vec2 uv; out vec4 o;
      void main() { o = texture(t, vec3(uv, layer)); }`;
    const VS3 = '#version 300 es\nin vec2 pos; out vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }';
    const p = program(gl, VS3, FS3, { pos: 0 });
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    const drawLayer = (k: number) => { gl.uniform1f(gl.getUniformLocation(p, 'layer'), k); gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); return read(gl, 4, 4); };
    const newArray = () => {
      const t = gl.createTexture()!;
      gl.bindTexture(gl2.TEXTURE_2D_ARRAY, t);
      gl.texParameteri(gl2.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(gl2.TEXTURE_2D_ARRAY, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      return t;
    };
    newArray();
    // layer 0: red/blue four-colour block (columns red, blue, 2:1 mix, 1:2 mix); layer 1: every texel index 0 of c0 = blue
    const layer0 = colourBlock(0xf800, 0x001f), layer1 = colourBlock(0x001f, 0xf800, [0, 0, 0, 0]);
    gl2.compressedTexImage3D(gl2.TEXTURE_2D_ARRAY, 0, RGB_DXT1, 4, 4, 2, 0, new Uint8Array([...layer0, ...layer1]));
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(row(drawLayer(0), 2), [[255, 0, 0, 255], [0, 0, 255, 255], [170, 0, 85, 255], [85, 0, 170, 255]]);
    assert.deepEqual(row(drawLayer(1), 2), [[0, 0, 255, 255], [0, 0, 255, 255], [0, 0, 255, 255], [0, 0, 255, 255]]);
    // layer 1 replaced by a block whose rows all take index 1 (c1 = red)
    gl2.compressedTexSubImage3D(gl2.TEXTURE_2D_ARRAY, 0, 0, 0, 1, 4, 4, 1, RGB_DXT1, new Uint8Array(colourBlock(0x001f, 0xf800, [0x55, 0x55, 0x55, 0x55])));
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(row(drawLayer(1), 0), [[255, 0, 0, 255], [255, 0, 0, 255], [255, 0, 0, 255], [255, 0, 0, 255]]);
    assert.deepEqual(row(drawLayer(0), 0), [[255, 0, 0, 255], [0, 0, 255, 255], [170, 0, 85, 255], [85, 0, 170, 255]], 'layer 0 untouched');
    // errors: a third layer does not exist; the byte count is per layer; another format than the level's
    gl2.compressedTexSubImage3D(gl2.TEXTURE_2D_ARRAY, 0, 0, 0, 2, 4, 4, 1, RGB_DXT1, new Uint8Array(8));
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    gl2.compressedTexImage3D(gl2.TEXTURE_2D_ARRAY, 0, RGB_DXT1, 4, 4, 2, 0, new Uint8Array(8));
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    gl2.compressedTexSubImage3D(gl2.TEXTURE_2D_ARRAY, 0, 0, 0, 0, 4, 4, 1, RGBA_DXT5, new Uint8Array(16));
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    // TEXTURE_3D holds no block format: INVALID_OPERATION, for images and storage alike; TEXTURE_2D is no 3D target
    gl.bindTexture(gl2.TEXTURE_3D, gl.createTexture());
    gl2.compressedTexImage3D(gl2.TEXTURE_3D, 0, RGB_DXT1, 4, 4, 1, 0, new Uint8Array(8));
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    gl2.texStorage3D(gl2.TEXTURE_3D, 1, RGB_DXT1, 4, 4, 1);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    gl2.compressedTexImage3D(gl.TEXTURE_2D, 0, RGB_DXT1, 4, 4, 1, 0, new Uint8Array(8));
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    // texStorage3D: three layers of zero blocks (opaque black), then one layer written
    newArray();
    gl2.texStorage3D(gl2.TEXTURE_2D_ARRAY, 1, RGB_DXT1, 4, 4, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl2.compressedTexSubImage3D(gl2.TEXTURE_2D_ARRAY, 0, 0, 0, 2, 4, 4, 1, RGB_DXT1, new Uint8Array(layer0));
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(row(drawLayer(1), 1), [[0, 0, 0, 255], [0, 0, 0, 255], [0, 0, 0, 255], [0, 0, 0, 255]]);
    assert.deepEqual(row(drawLayer(2), 1), [[255, 0, 0, 255], [0, 0, 255, 255], [170, 0, 85, 255], [85, 0, 170, 255]]);
  }, { version: 2 }));
});
