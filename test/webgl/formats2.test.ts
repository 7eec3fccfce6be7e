/**
 * WebGL 2's sized texture formats on the texture unit (ES 3.0 § 3.8.3, Table 3.2): R and RG, snorm,
 * the packed floats R11F_G11F_B10F and RGB9_E5, RGB10_A2, RGB565/RGBA4/RGB5_A1 stored as themselves,
 * half floats from FLOAT data, and the integer formats' uploads. Each texel is sampled by a shader that
 * writes it to an RGBA32F colour buffer read back as floats, so the values are the texture unit's
 * exactly; the expected numbers are reasoned in the comments from ES 3.0's conversion rules (§ 2.1.2
 * unorm, § 2.1.6.1 snorm, § 2.1.3 unsigned 11/10-bit floats, § 3.8.3.2 shared exponent).
 * Integer textures are read by isampler/usampler shaders (the tex instruction's int return), which
 * split each 32-bit integer into its high and low 16 bits as floats, so every bit is checked; the
 * file runs again under AKARI_SHADER=interp and js (every execution path of the shader core).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
  // RGBA32F is colour-renderable only with EXT_color_buffer_float (ES 3.0 Table 3.13 lists no float format)
  assert.ok(gl.getExtension('EXT_color_buffer_float'));
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

/** highp fragment shader reading texel i of an integer texture with `lookup` (an ivec4/uvec4 expression) and writing `out`. */
const intFs = (sampler: string, lookup: string, out = 'vec4(hi(v.x), lo(v.x), hi(v.y), lo(v.y))') => `#version 300 es
precision highp float; uniform highp ${sampler} t; in vec2 uv; out vec4 o;
float hi(int x) { return float(uint(x) >> 16u); } float lo(int x) { return float(uint(x) & 0xffffu); }
float hi(uint x) { return float(x >> 16u); } float lo(uint x) { return float(x & 0xffffu); }
void main() { ${sampler.startsWith('u') ? 'uvec4' : 'ivec4'} v = ${lookup}; o = ${out}; }`;
/** a 32-bit word as [its high 16 bits, its low 16 bits] */
const split = (w: number): number[] => [(w >>> 16) & 0xffff, w & 0xffff];

test('integer textures read back exactly through isampler2D / usampler2D: 0x7fffffff, -1, -2^31, NaN-looking words, 4294967295', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl, intFs('isampler2D', 'texture(t, uv)', 'vec4(hi(v.x), lo(v.x), float(v.y), float(v.w))'));
  // R32I: (R, 0, 0, 1) as integers (ES 3.0 Table 3.15 for RED); texel words and their halves:
  // 0x7fffffff -> 0x7fff, 0xffff; -1 -> 0xffff, 0xffff; -2^31 -> 0x8000, 0; 0x7fc00001 (a float NaN's pattern) -> 0x7fc0, 1
  tex4(gl, gl.R32I, gl.RED_INTEGER, gl.INT, new Int32Array([0x7fffffff, -1, -2147483648, 0x7fc00001]));
  assert.deepEqual(sample(), [0x7fff, 0xffff, 0, 1, 0xffff, 0xffff, 0, 1, 0x8000, 0, 0, 1, 0x7fc0, 1, 0, 1]);
  // texelFetch: the same words
  program(gl, VS, intFs('isampler2D', 'texelFetch(t, ivec2(int(uv.x * 4.0), 0), 0)', 'vec4(hi(v.x), lo(v.x), float(v.y), float(v.w))'), { p: 0 });
  assert.deepEqual(sample(), [0x7fff, 0xffff, 0, 1, 0xffff, 0xffff, 0, 1, 0x8000, 0, 0, 1, 0x7fc0, 1, 0, 1]);
  // RGBA32UI through usampler2D: texel 0 is (4294967295, 1, 0x80000000, 0xff800001)
  const words = [4294967295, 1, 0x80000000, 0xff800001, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  tex4(gl, gl.RGBA32UI, gl.RGBA_INTEGER, gl.UNSIGNED_INT, new Uint32Array(words));
  program(gl, VS, intFs('usampler2D', 'texture(t, uv)'), { p: 0 });
  assert.deepEqual(sample().slice(0, 4), [...split(4294967295), ...split(1)]);
  program(gl, VS, intFs('usampler2D', 'texture(t, uv)', 'vec4(hi(v.z), lo(v.z), hi(v.w), lo(v.w))'), { p: 0 });
  assert.deepEqual(sample(), [...split(0x80000000), ...split(0xff800001), 0, 7, 0, 8, 0, 11, 0, 12, 0, 15, 0, 16]);
}));

test('narrow integer formats sign- or zero-extend (RGBA8I, RGBA16I, RG8UI, RGB10_A2UI); absent channels read 0 and alpha 1', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl, intFs('isampler2D', 'texture(t, uv)', 'vec4(v)'));
  tex4(gl, gl.RGBA8I, gl.RGBA_INTEGER, gl.BYTE, new Int8Array([-128, -1, 127, 0, ...new Array(12).fill(5)]));
  assert.deepEqual(sample().slice(0, 8), [-128, -1, 127, 0, 5, 5, 5, 5]);
  tex4(gl, gl.RGBA16I, gl.RGBA_INTEGER, gl.SHORT, new Int16Array([-32768, 32767, -2, 1, ...new Array(12).fill(0)]));
  assert.deepEqual(sample().slice(0, 4), [-32768, 32767, -2, 1]);
  program(gl, VS, intFs('usampler2D', 'texture(t, uv)', 'vec4(v)'), { p: 0 });
  tex4(gl, gl.RG8UI, gl.RG_INTEGER, gl.UNSIGNED_BYTE, new Uint8Array([255, 128, 0, 1, 2, 3, 4, 5]));
  assert.deepEqual(sample(), [255, 128, 0, 1, 0, 1, 0, 1, 2, 3, 0, 1, 4, 5, 0, 1]);
  // RGB10_A2UI word: R 1023 (bits 9:0), G 512 (19:10), B 1 (29:20), A 2 (31:30)
  tex4(gl, gl.RGB10_A2UI, gl.RGBA_INTEGER, gl.UNSIGNED_INT_2_10_10_10_REV, new Uint32Array([(1023 | (512 << 10) | (1 << 20) | (2 << 30)) >>> 0, 0, 0, 0]));
  assert.deepEqual(sample().slice(0, 4), [1023, 512, 1, 2]);
  // RGB16UI: alpha 1
  tex4(gl, gl.RGB16UI, gl.RGB_INTEGER, gl.UNSIGNED_SHORT, new Uint16Array([65535, 0, 7, ...new Array(9).fill(0)]));
  assert.deepEqual(sample().slice(0, 4), [65535, 0, 7, 1]);
}));

test('an integer texture that filters is incomplete (ES 3.0 § 3.8.13): (0, 0, 0, 1) as integers; NEAREST_MIPMAP_NEAREST picks a level', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl, intFs('usampler2D', 'texture(t, uv)', 'vec4(v)'));
  tex4(gl, gl.R32UI, gl.RED_INTEGER, gl.UNSIGNED_INT, new Uint32Array([7, 8, 9, 10]));
  assert.deepEqual(sample().slice(0, 4), [7, 0, 0, 1]);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  assert.deepEqual(sample(), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  assert.deepEqual(sample().slice(0, 4), [0, 0, 0, 1]);
  // with levels 1 (2×1: 20, 21) and 2 (1×1: 30) and NEAREST_MIPMAP_NEAREST, textureLod(t, uv, 1.0) reads level 1
  gl.texImage2D(gl.TEXTURE_2D, 1, gl.R32UI, 2, 1, 0, gl.RED_INTEGER, gl.UNSIGNED_INT, new Uint32Array([20, 21]));
  gl.texImage2D(gl.TEXTURE_2D, 2, gl.R32UI, 1, 1, 0, gl.RED_INTEGER, gl.UNSIGNED_INT, new Uint32Array([30]));
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
  program(gl, VS, intFs('usampler2D', 'textureLod(t, uv, 1.0)', 'vec4(v)'), { p: 0 });
  assert.deepEqual(sample(), [20, 0, 0, 1, 20, 0, 0, 1, 21, 0, 0, 1, 21, 0, 0, 1]);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_LINEAR);
  assert.deepEqual(sample().slice(0, 4), [0, 0, 0, 1]);
}));

test('isampler2DArray, usampler3D and isamplerCube read their bindings; textureSize; the uniform types (INT_SAMPLER_*, UNSIGNED_INT_SAMPLER_*)', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl, intFs('isampler2DArray', 'texture(t, vec3(uv, 1.0))', 'vec4(v.xy, textureSize(t, 0).xz)'));
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, gl.createTexture());
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  // 2×1×2 RG32I: layer 1 is (-5, 6), (-7, 8)
  gl.texImage3D(gl.TEXTURE_2D_ARRAY, 0, gl.RG32I, 2, 1, 2, 0, gl.RG_INTEGER, gl.INT, new Int32Array([1, 2, 3, 4, -5, 6, -7, 8]));
  assert.equal(gl.getError(), gl.NO_ERROR);
  // pixels 0, 1 sample texel 0, pixels 2, 3 texel 1; textureSize is (2, 1, 2)
  assert.deepEqual(sample(), [-5, 6, 2, 2, -5, 6, 2, 2, -7, 8, 2, 2, -7, 8, 2, 2]);
  const p3 = program(gl, VS, intFs('usampler3D', 'texture(t, vec3(uv, 0.75))', 'vec4(v)'), { p: 0 });
  gl.bindTexture(gl.TEXTURE_3D, gl.createTexture());
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  // 1×1×2 R16UI: r = 0.75 is slice floor(0.75 * 2) = 1 (rows of 2 bytes: UNPACK_ALIGNMENT 1 keeps the slices adjacent)
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.R16UI, 1, 1, 2, 0, gl.RED_INTEGER, gl.UNSIGNED_SHORT, new Uint16Array([1, 65535]));
  assert.deepEqual(sample().slice(0, 4), [65535, 0, 0, 1]);
  assert.equal(gl.getActiveUniform(p3, 0)!.type, gl.UNSIGNED_INT_SAMPLER_3D);
  const pc = program(gl, VS, intFs('isamplerCube', 'texture(t, vec3(1.0, 0.0, 0.0))', 'vec4(v)'), { p: 0 });
  assert.equal(gl.getActiveUniform(pc, 0)!.type, gl.INT_SAMPLER_CUBE);
  gl.bindTexture(gl.TEXTURE_CUBE_MAP, gl.createTexture());
  gl.texParameteri(gl.TEXTURE_CUBE_MAP, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_CUBE_MAP, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  // +X face holds -9 (the direction (1, 0, 0) selects it, ES 3.0 Table 3.21), the others 0
  for (let f = 0; f < 6; f++) gl.texImage2D(gl.TEXTURE_CUBE_MAP_POSITIVE_X + f, 0, gl.R8I, 1, 1, 0, gl.RED_INTEGER, gl.BYTE, new Int8Array([f === 0 ? -9 : 0]));
  assert.deepEqual(sample().slice(0, 4), [-9, 0, 0, 1]);
  const p2 = program(gl, VS, intFs('isampler2D', 'texture(t, uv)', 'vec4(v)'), { p: 0 });
  assert.equal(gl.getActiveUniform(p2, 0)!.type, gl.INT_SAMPLER_2D);
}));

test('a vertex shader reads an integer texture too (the vertex pipeline\'s texture unit): texelFetch by gl_VertexID into a flat varying', () => withGl2(4, 1, (gl) => {
  const sample = floatTarget(gl);
  program(gl, `#version 300 es
in vec2 p; uniform highp usampler2D t; flat out uvec4 v;
void main() { gl_Position = vec4(p, 0.0, 1.0); v = texelFetch(t, ivec2(gl_VertexID, 0), 0); }`, `#version 300 es
precision highp float; flat in uvec4 v; out vec4 o;
void main() { o = vec4(float(v.x >> 16u), float(v.x & 0xffffu), float(v.y), float(v.w)); }`, { p: 0 });
  // a strip's triangle i takes vertex i + 2's flat values (ES 3.0 Table 2.12): the quad's lower-left triangle
  // (x + y < 0: pixels 0, 1 at NDC x = -0.75, -0.25, y = 0) vertex 2's texel (0xdeadbeef, 12), the other
  // (pixels 2, 3) vertex 3's (0x12345678, 13); G of RG32UI is there, B 0, A 1
  tex4(gl, gl.RG32UI, gl.RG_INTEGER, gl.UNSIGNED_INT, new Uint32Array([0, 0, 0, 0, 0xdeadbeef, 12, 0x12345678, 13]));
  assert.deepEqual(sample(), [0xdead, 0xbeef, 12, 1, 0xdead, 0xbeef, 12, 1, 0x1234, 0x5678, 13, 1, 0x1234, 0x5678, 13, 1]);
}));

if (!process.env.AKARI_SHADER) {
  describe('the other execution paths', () => {
    for (const mode of ['interp', 'js']) {
      test(`AKARI_SHADER=${mode}`, () => {
        // (without the runner's NODE_TEST_CONTEXT, the child is a test run of its own and reports in text)
        const env: NodeJS.ProcessEnv = { ...process.env, AKARI_SHADER: mode };
        delete env.NODE_TEST_CONTEXT;
        const r = spawnSync(process.execPath, ['--test', fileURLToPath(import.meta.url)], { env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /# pass [1-9]\d*\n# fail 0/);
      });
    }
  });
}
