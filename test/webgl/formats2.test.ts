/**
 * WebGL 2's sized texture formats on the texture unit (ES 3.0 § 3.8.3, Table 3.2): R and RG, snorm,
 * the packed floats R11F_G11F_B10F and RGB9_E5, RGB10_A2, RGB565/RGBA4/RGB5_A1 stored as themselves,
 * half floats from FLOAT data, and the integer formats' uploads. Each texel is sampled by a shader that
 * writes it to an RGBA32F colour buffer read back as floats, so the values are the texture unit's
 * exactly; the expected numbers are reasoned in the comments from ES 3.0's conversion rules (§ 2.1.2
 * unorm, § 2.1.6.1 snorm, § 2.1.3 unsigned 11/10-bit floats, § 3.8.3.2 shared exponent).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}
function expectErr(gl: WebGL2RenderingContext, err: number, call: () => unknown, what: string): void {
  call();
  assert.equal(gl.getError(), err, what);
  assert.equal(gl.getError(), gl.NO_ERROR, `${what}: one error`);
}

const VS = `#version 300 es
in vec2 p; out vec2 uv; void main() { gl_Position = vec4(p, 0.0, 1.0); uv = p * 0.5 + 0.5; }`;
/**
 * A 4×1 RGBA32F framebuffer and a program drawing texel i of the bound 2D texture (4×1, NEAREST)
 * at pixel i; `sample` reads back the 16 floats.
 */
function floatTarget(gl: WebGL2RenderingContext, fs = `#version 300 es
precision highp float; uniform highp sampler2D t; in vec2 uv; out vec4 o; void main() { o = texture(t, uv); }`): () => number[] {
  program(gl, VS, fs, { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.activeTexture(gl.TEXTURE1);
  const rt = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, rt);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, 4, 1, 0, gl.RGBA, gl.FLOAT, null);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, rt, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  gl.activeTexture(gl.TEXTURE0);
  return () => {
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const px = new Float32Array(16);
    gl.readPixels(0, 0, 4, 1, gl.RGBA, gl.FLOAT, px);
    assert.equal(gl.getError(), gl.NO_ERROR);
    return [...px];
  };
}
/** A new 2D texture on unit 0, NEAREST, holding a 4×1 level 0 of (internalformat, format, type) data. */
function tex4(gl: WebGL2RenderingContext, internalformat: number, format: number, type: number, data: ArrayBufferView): WebGLTexture {
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texImage2D(gl.TEXTURE_2D, 0, internalformat, 4, 1, 0, format, type, data);
  assert.equal(gl.getError(), gl.NO_ERROR);
  return t;
}
const f = Math.fround;

test('R8 and RG8 sample (R, 0, 0, 1) and (R, G, 0, 1), unorm k / 255', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  tex4(gl, gl.R8, gl.RED, gl.UNSIGNED_BYTE, new Uint8Array([0, 51, 128, 255]));
  // 51 / 255 = 0.2, 128 / 255 = 0.50196..
  assert.deepEqual(sample(), [0, 0, 0, 1, f(0.2), 0, 0, 1, f(128 / 255), 0, 0, 1, 1, 0, 0, 1]);
  tex4(gl, gl.RG8, gl.RG, gl.UNSIGNED_BYTE, new Uint8Array([0, 51, 128, 255, 1, 2, 255, 0]));
  assert.deepEqual(sample(), [0, f(0.2), 0, 1, f(128 / 255), 1, 0, 1, f(1 / 255), f(2 / 255), 0, 1, 1, 0, 0, 1]);
}));

test('snorm: max(k / 127, -1) — -128 and -127 both read -1 (ES 3.0 § 2.1.6.1)', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  tex4(gl, gl.R8_SNORM, gl.RED, gl.BYTE, new Int8Array([-128, -127, 64, 127]));
  assert.deepEqual(sample(), [-1, 0, 0, 1, -1, 0, 0, 1, f(64 / 127), 0, 0, 1, 1, 0, 0, 1]);
  tex4(gl, gl.RG8_SNORM, gl.RG, gl.BYTE, new Int8Array([-1, 1, 0, 0, 0, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 4), [f(-1 / 127), f(1 / 127), 0, 1]);
  tex4(gl, gl.RGB8_SNORM, gl.RGB, gl.BYTE, new Int8Array([-64, 0, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 4), [f(-64 / 127), 0, 1, 1]);
  tex4(gl, gl.RGBA8_SNORM, gl.RGBA, gl.BYTE, new Int8Array([-64, 0, 127, -128, ...new Array(12).fill(0)]));
  assert.deepEqual(sample().slice(0, 4), [f(-64 / 127), 0, 1, -1]);
}));

test('half floats: R16F from FLOAT data rounds to binary16; RG16F from HALF_FLOAT keeps its bits; RGBA16F stores halves too', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  // 1/3 = 1.333.. * 2^-2: 10 mantissa bits 0.333.. * 1024 = 341.3 -> 341: (1 + 341/1024) / 4 = 0.333251953125;
  // 0.1 = 1.6 * 2^-4: 0.6 * 1024 = 614.4 -> 614: (1 + 614/1024) / 16 = 0.0999755859375; 65504 and -2.5 are halves
  tex4(gl, gl.R16F, gl.RED, gl.FLOAT, new Float32Array([1 / 3, 65504, -2.5, 0.1]));
  assert.deepEqual(sample(), [0.333251953125, 0, 0, 1, 65504, 0, 0, 1, -2.5, 0, 0, 1, 0.0999755859375, 0, 0, 1]);
  // half bits: 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2^-24 (the smallest denormal), 0x7bff = 65504
  tex4(gl, gl.RG16F, gl.RG, gl.HALF_FLOAT, new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7bff, 0, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 8), [1, -2, 0, 1, 2 ** -24, 65504, 0, 1]);
  tex4(gl, gl.RGBA16F, gl.RGBA, gl.FLOAT, new Float32Array(16).fill(1 / 3));
  assert.deepEqual(sample().slice(0, 4), [0.333251953125, 0.333251953125, 0.333251953125, 0.333251953125]);
}));

test('R32F and RG32F hold float32 exactly (NEAREST: 32-bit floats do not filter without OES_texture_float_linear)', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  tex4(gl, gl.RG32F, gl.RG, gl.FLOAT, new Float32Array([1 / 3, 1e30, -2.5, 0.1, 1, 2, 3, -0]));
  assert.deepEqual(sample(), [f(1 / 3), f(1e30), 0, 1, -2.5, f(0.1), 0, 1, 1, 2, 0, 1, 3, -0, 0, 1]);
  tex4(gl, gl.R32F, gl.RED, gl.FLOAT, new Float32Array([7, 2 ** -140, -1e-3, 65536]));
  assert.deepEqual(sample(), [7, 0, 0, 1, f(2 ** -140), 0, 0, 1, f(-1e-3), 0, 0, 1, 65536, 0, 0, 1]);
  // LINEAR filtering of R32F makes the texture incomplete: (0, 0, 0, 1)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  assert.deepEqual(sample().slice(0, 4), [0, 0, 0, 1]);
}));

test('R11F_G11F_B10F: packed words as they are; FLOAT data converted as ES 3.0 § 2.1.3 says', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  // R 0x3c0: exponent 15, mantissa 0 = 1; G 0x3a0: exponent 14, mantissa 32/64 = 1.5 * 2^-1 = 0.75;
  // B 0x210 (10 bits): exponent 16, mantissa 16/32 = 1.5 * 2 = 3
  tex4(gl, gl.R11F_G11F_B10F, gl.RGB, gl.UNSIGNED_INT_10F_11F_11F_REV, new Uint32Array([(0x3c0 | (0x3a0 << 11) | (0x210 << 22)) >>> 0, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 8), [1, 0.75, 3, 1, 0, 0, 0, 1]);
  // from FLOAT: -3 is 0 (no sign); 0.1 in B's 5 mantissa bits: 0.6 * 32 = 19.2 -> 19: 1.59375 / 16 = 0.099609375;
  // 65536 saturates at 65024 (2^15 * (1 + 63/64)); 1e-6 is a denormal: 1e-6 * 2^20 = 1.05 -> 1 * 2^-20
  tex4(gl, gl.R11F_G11F_B10F, gl.RGB, gl.FLOAT, new Float32Array([1, -3, 0.1, 65536, 0.75, 3, 0, 0, 0, 1e-6, 0, 0]));
  assert.deepEqual(sample(), [1, 0, 0.099609375, 1, 65024, 0.75, 3, 1, 0, 0, 0, 1, 2 ** -20, 0, 0, 1]);
  // HALF_FLOAT data: 0x3c00 (1) is exact, 0x3666 (0.39990234375 = 1.599609375 * 2^-2) keeps its top 6 mantissa bits
  // 0x266 >> 4 = 38 with 6 dropped bits 0b0110 < half: (1 + 38/64) / 4 = 0.3984375
  tex4(gl, gl.R11F_G11F_B10F, gl.RGB, gl.HALF_FLOAT, new Uint16Array([0x3c00, 0x3666, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 4), [1, 0.3984375, 0, 1]);
}));

test('RGB9_E5: packed words as they are; FLOAT data through ES 3.0 § 3.8.3.2 equations 3.2-3.5', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  // mantissas (256, 128, 64), exponent 16: each * 2^(16 - 15 - 9) = /256 -> (1, 0.5, 0.25)
  tex4(gl, gl.RGB9_E5, gl.RGB, gl.UNSIGNED_INT_5_9_9_9_REV, new Uint32Array([(256 | (128 << 9) | (64 << 18) | (16 << 27)) >>> 0, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 4), [1, 0.5, 0.25, 1]);
  // (3, 0.1, 0.001): maxc 3, exp_p = floor(log2 3) + 1 + 15 = 17, maxs = floor(3 * 128 + 0.5) = 384 < 512: exp_s = 17;
  // G = floor(0.1 * 128 + 0.5) = 13 -> 13/128 = 0.1015625, B = floor(0.128 + 0.5) = 0. (70000, 1, -1): clamped to
  // sharedexp_max = 65408 (511 * 2^7, exponent 31), G = floor(1 / 128 + 0.5) = 0, B clamps to 0
  tex4(gl, gl.RGB9_E5, gl.RGB, gl.FLOAT, new Float32Array([3, 0.1, 0.001, 70000, 1, -1, 0, 0, 0, 1, 0.5, 0.25]));
  assert.deepEqual(sample(), [3, 0.1015625, 0, 1, 65408, 0, 0, 1, 0, 0, 0, 1, 1, 0.5, 0.25, 1]);
}));

test('RGB10_A2, and RGB5_A1 / RGB565 / RGBA4 stored as themselves whatever data they are given', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  const w = (1023 | (512 << 10) | (0 << 20) | (2 << 30)) >>> 0;
  // 10-bit 512 / 1023, 2-bit alpha 2 / 3
  tex4(gl, gl.RGB10_A2, gl.RGBA, gl.UNSIGNED_INT_2_10_10_10_REV, new Uint32Array([w, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 4), [1, f(512 / 1023), 0, f(2 / 3)]);
  // the same word as RGB5_A1: G round(512/1023 * 31) = round(15.51) = 16 -> 16/31; A round(2/3) = 1
  tex4(gl, gl.RGB5_A1, gl.RGBA, gl.UNSIGNED_INT_2_10_10_10_REV, new Uint32Array([w, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 4), [1, f(16 / 31), 0, 1]);
  // RGB565 from bytes (255, 128, 64): G round(128/255 * 63) = round(31.62) = 32 -> 32/63, B round(64/255 * 31) = round(7.78) = 8 -> 8/31
  tex4(gl, gl.RGB565, gl.RGB, gl.UNSIGNED_BYTE, new Uint8Array([255, 128, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 4), [1, f(32 / 63), f(8 / 31), 1]);
  // RGBA4 from bytes (17, 100, 0, 255): 17/255 * 15 = 1 -> 1/15; 100/255 * 15 = 5.88 -> 6 -> 6/15 = 0.4
  tex4(gl, gl.RGBA4, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([17, 100, 0, 255, ...new Array(12).fill(0)]));
  assert.deepEqual(sample().slice(0, 4), [f(1 / 15), f(0.4), 0, 1]);
}));

test('texStorage2D/3D of the new formats, filled by texSubImage2D/3D with data the format takes (converted to its storage)', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.R16F, 4, 1);
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 2, 1, gl.RED, gl.FLOAT, new Float32Array([1 / 3, 0.1]));
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 2, 0, 2, 1, gl.RED, gl.HALF_FLOAT, new Uint16Array([0x3c00, 0xc000]));
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.deepEqual(sample(), [0.333251953125, 0, 0, 1, 0.0999755859375, 0, 0, 1, 1, 0, 0, 1, -2, 0, 0, 1]);
  // R8 data may not go into R16F (Table 3.2)
  expectErr(gl, gl.INVALID_OPERATION, () => gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RED, gl.UNSIGNED_BYTE, new Uint8Array(1)), 'RED/UNSIGNED_BYTE into R16F');
  // a 2×1×2 RG8 array texture, layer 1 sampled
  program(gl, VS, `#version 300 es
precision highp float; uniform highp sampler2DArray t; in vec2 uv; out vec4 o; void main() { o = texture(t, vec3(uv, 1.0)); }`, { p: 0 });
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, gl.createTexture());
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, gl.RG8, 2, 1, 2);
  gl.texSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 0, 0, 2, 1, 2, gl.RG, gl.UNSIGNED_BYTE, new Uint8Array([1, 2, 3, 4, 255, 0, 0, 51]));
  assert.equal(gl.getError(), gl.NO_ERROR);
  // pixels 0, 1 sample texel 0 of layer 1, pixels 2, 3 texel 1: (255, 0) and (0, 51)
  assert.deepEqual(sample(), [1, 0, 0, 1, 1, 0, 0, 1, 0, f(0.2), 0, 1, 0, f(0.2), 0, 1]);
  // a 3D R11F_G11F_B10F texture from FLOAT data (texImage3D), slice 0
  program(gl, VS, `#version 300 es
precision highp float; uniform highp sampler3D t; in vec2 uv; out vec4 o; void main() { o = texture(t, vec3(uv, 0.25)); }`, { p: 0 });
  gl.bindTexture(gl.TEXTURE_3D, gl.createTexture());
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.R11F_G11F_B10F, 1, 1, 2, 0, gl.RGB, gl.FLOAT, new Float32Array([0.75, -1, 3, 9, 9, 9]));
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.deepEqual(sample().slice(0, 4), [0.75, 0, 3, 1]);
}));

test('ES 3.0 Table 3.2 validation: combinations, array types, integer uploads; generateMipmap wants renderable and filterable (§ 3.8.10)', () => withGl2(1, 1, (gl) => {
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  const img = (ifmt: number, fmt: number, type: number, data: ArrayBufferView | null) => () => gl.texImage2D(gl.TEXTURE_2D, 0, ifmt, 1, 1, 0, fmt, type, data);
  expectErr(gl, gl.INVALID_OPERATION, img(gl.RGBA8UI, gl.RGBA, gl.UNSIGNED_BYTE, null), 'RGBA8UI with RGBA (not RGBA_INTEGER)');
  expectErr(gl, gl.INVALID_OPERATION, img(gl.R8, gl.RED, gl.FLOAT, null), 'R8 with FLOAT');
  expectErr(gl, gl.INVALID_OPERATION, img(gl.R8, gl.RED, gl.UNSIGNED_BYTE, new Uint16Array(1)), 'UNSIGNED_BYTE data in a Uint16Array');
  expectErr(gl, gl.INVALID_OPERATION, img(gl.R8_SNORM, gl.RED, gl.BYTE, new Uint8Array(1)), 'BYTE data in a Uint8Array');
  expectErr(gl, gl.INVALID_OPERATION, img(gl.RGBA32I, gl.RGBA_INTEGER, gl.INT, new Uint32Array(4)), 'INT data in a Uint32Array');
  expectErr(gl, gl.INVALID_ENUM, img(gl.R8, gl.RED, 0x1234, null), 'an unknown type');
  for (const [ifmt, fmt, type, data] of [
    [gl.R8UI, gl.RED_INTEGER, gl.UNSIGNED_BYTE, new Uint8Array(1)], [gl.RG16I, gl.RG_INTEGER, gl.SHORT, new Int16Array(2)],
    [gl.RGB32UI, gl.RGB_INTEGER, gl.UNSIGNED_INT, new Uint32Array(3)], [gl.RGBA32I, gl.RGBA_INTEGER, gl.INT, new Int32Array(4)],
    [gl.RGB10_A2UI, gl.RGBA_INTEGER, gl.UNSIGNED_INT_2_10_10_10_REV, new Uint32Array(1)], [gl.RGBA8I, gl.RGBA_INTEGER, gl.BYTE, new Int8Array(4)],
  ] as const) expectErr(gl, gl.NO_ERROR, img(ifmt, fmt, type, data), `integer format 0x${ifmt.toString(16)}`);
  // generateMipmap: R8 and RG8 are colour-renderable and filterable; snorm is not renderable, RGB9_E5 neither,
  // R32F not filterable, integer formats not filterable
  const mip = (ifmt: number, fmt: number, type: number) => () => { gl.texImage2D(gl.TEXTURE_2D, 0, ifmt, 2, 2, 0, fmt, type, null); gl.generateMipmap(gl.TEXTURE_2D); };
  expectErr(gl, gl.NO_ERROR, mip(gl.R8, gl.RED, gl.UNSIGNED_BYTE), 'generateMipmap R8');
  expectErr(gl, gl.NO_ERROR, mip(gl.RG8, gl.RG, gl.UNSIGNED_BYTE), 'generateMipmap RG8');
  expectErr(gl, gl.INVALID_OPERATION, mip(gl.RGBA8_SNORM, gl.RGBA, gl.BYTE), 'generateMipmap RGBA8_SNORM');
  expectErr(gl, gl.INVALID_OPERATION, mip(gl.RGB9_E5, gl.RGB, gl.FLOAT), 'generateMipmap RGB9_E5');
  expectErr(gl, gl.INVALID_OPERATION, mip(gl.R32F, gl.RED, gl.FLOAT), 'generateMipmap R32F');
  expectErr(gl, gl.INVALID_OPERATION, mip(gl.R8UI, gl.RED_INTEGER, gl.UNSIGNED_BYTE), 'generateMipmap R8UI');
}));

test('WebGL 1 has none of it: RED, the _INTEGER formats and BYTE are INVALID_ENUM', () => {
  const gl = createWebGLContext(1, 1, { deterministic: true });
  try {
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    gl.texImage2D(gl.TEXTURE_2D, 0, 0x1903, 1, 1, 0, 0x1903, gl.UNSIGNED_BYTE, null); // RED
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.BYTE, null);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.texImage2D(gl.TEXTURE_2D, 0, 0x8d99, 1, 1, 0, 0x8d99, gl.UNSIGNED_BYTE, null); // RGBA_INTEGER
    assert.equal(gl.getError(), gl.INVALID_ENUM);
  } finally { gl.destroy(); }
});
