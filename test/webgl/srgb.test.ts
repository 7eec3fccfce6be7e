/**
 * sRGB (EXT_sRGB in WebGL 1; hwdesc/formats.ts rows r8g8b8a8_srgb and
 * r8g8b8_srgb): the texture unit decodes sRGB texels to linear before
 * filtering, an sRGB colour buffer holds linear values in the tile (blending
 * in linear) and is encoded on store, readPixels returns the encoded bytes;
 * and the extension's enums and errors. Expected values come from the sRGB
 * formulas (IEC 61966-2-1, ES 3.0 § 3.8.16 and § 4.1.8) worked out in the
 * comments. The file runs again under AKARI_SHADER=interp and js (sRGB
 * targets take the generic pipeline: fused kernels quantise unorm steps).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { at, program, read, withGl } from './helpers.js';
import { PIXEL_FORMATS, QUANTIZE, SRGB_DECODE, srgbEncode8, UNPACK, PACK, bytesAccess } from '../../src/hwdesc/formats.js';
import type { AkariWebGLRenderingContext } from '../../src/webgl/context.js';

interface SrgbExt { SRGB_EXT: number; SRGB_ALPHA_EXT: number; SRGB8_ALPHA8_EXT: number; FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING_EXT: number }

const QUAD_VS = 'attribute vec2 pos; varying vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }';
function quad(gl: AkariWebGLRenderingContext, prog: WebGLProgram): void {
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const loc = gl.getAttribLocation(prog, 'pos');
  gl.enableVertexAttribArray(loc);
  gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
}

describe('the sRGB rows of the format table', () => {
  test('decode and encode follow the formulas at worked points', () => {
    // k = 10: c = 10/255 = 0.0392 <= 0.04045, so c / 12.92 = 0.0030353
    assert.ok(Math.abs(SRGB_DECODE[10]! - 10 / 255 / 12.92) < 1e-15);
    // k = 188: ((188/255 + 0.055) / 1.055)^2.4 = 0.75095^2.4 = 0.502886
    assert.ok(Math.abs(SRGB_DECODE[188]! - 0.502886) < 1e-6);
    assert.equal(SRGB_DECODE[0], 0);
    assert.equal(SRGB_DECODE[255], 1);
    // 0.5 linear: 1.055 * 0.5^(1/2.4) - 0.055 = 0.73535; * 255 = 187.52 -> 188
    assert.equal(srgbEncode8(0.5), 188);
    // below 0.0031308 the line: 0.001 * 12.92 * 255 = 3.29 -> 3; clamping: NaN and negatives 0, above 1 255
    assert.equal(srgbEncode8(0.001), 3);
    assert.equal(srgbEncode8(NaN), 0);
    assert.equal(srgbEncode8(-1), 0);
    assert.equal(srgbEncode8(2), 255);
  });

  test('every byte survives decode (as the tile holds it, float32) and encode', () => {
    for (let k = 0; k < 256; k++) assert.equal(srgbEncode8(Math.fround(SRGB_DECODE[k]!)), k, `byte ${k}`);
  });

  test('unpack decodes R, G, B and keeps alpha linear; pack encodes; quantise is decode(encode(v))', () => {
    assert.equal(PIXEL_FORMATS.r8g8b8a8_srgb.colorspace, 'srgb');
    const px = new Uint8Array([188, 10, 255, 128]);
    const out = [0, 0, 0, 0];
    UNPACK.r8g8b8a8_srgb(bytesAccess(px), 0, out, 0);
    assert.deepEqual(out, [SRGB_DECODE[188], SRGB_DECODE[10], 1, 128 / 255]);
    const back = new Uint8Array(4);
    PACK.r8g8b8a8_srgb(bytesAccess(back), 0, out, 0);
    assert.deepEqual([...back], [188, 10, 255, 128]);
    const q = [0.5, 0.5, 0.5, 0.5];
    QUANTIZE.r8g8b8a8_srgb(q, 0);
    // colour: the byte 0.5 encodes to (188), decoded; alpha: the unorm step 128/255
    assert.deepEqual(q, [SRGB_DECODE[188], SRGB_DECODE[188], SRGB_DECODE[188], 128 / 255]);
  });
});

describe('EXT_sRGB: pixels', () => {
  test('an sRGB texel is sampled as linear', () => withGl(2, 2, (gl) => {
    const ext = gl.getExtension('EXT_sRGB') as unknown as SrgbExt;
    assert.ok(ext);
    const p = program(gl, QUAD_VS, 'precision highp float; varying vec2 uv; uniform sampler2D t; void main() { gl_FragColor = texture2D(t, uv); }');
    quad(gl, p);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, ext.SRGB_ALPHA_EXT, 1, 1, 0, ext.SRGB_ALPHA_EXT, gl.UNSIGNED_BYTE, new Uint8Array([188, 10, 255, 128]));
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // into RGBA8: 0.502886 * 255 = 128.24 -> 128; 0.0030353 * 255 = 0.77 -> 1; 1 -> 255; alpha linear 128
    assert.deepEqual(at(read(gl, 2, 2), 2, 1, 1), [128, 1, 255, 128]);
  }));

  test('LINEAR filtering averages decoded values (not the encoded bytes)', () => withGl(4, 1, (gl) => {
    const ext = gl.getExtension('EXT_sRGB') as unknown as SrgbExt;
    const p = program(gl, QUAD_VS, 'precision highp float; varying vec2 uv; uniform sampler2D t; void main() { gl_FragColor = vec4(texture2D(t, uv).r, 0.0, 0.0, 1.0); }');
    quad(gl, p);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    // SRGB_EXT (3 bytes a texel): red 0 and 255 side by side
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.texImage2D(gl.TEXTURE_2D, 0, ext.SRGB_EXT, 2, 1, 0, ext.SRGB_EXT, gl.UNSIGNED_BYTE, new Uint8Array([0, 0, 0, 255, 0, 0]));
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    // pixel i samples u = 2 (i + 0.5) / 4 - 0.5 = -0.25, 0.25, 0.75, 1.25: weights of the linear values 0 and 1
    // give 0, 0.25, 0.75, 1 -> 0, 63.75 -> 64, 191.25 -> 191, 255 (averaging the bytes first would give 0, 55, 155, 255)
    const px = read(gl, 4, 1);
    assert.deepEqual([0, 1, 2, 3].map((i) => at(px, 4, i, 0)[0]), [0, 64, 191, 255]);
  }));

  test('an SRGB8_ALPHA8 colour buffer: stores encoded, blends in linear, reads back the bytes it holds', () => withGl(4, 4, (gl) => {
    const ext = gl.getExtension('EXT_sRGB') as unknown as SrgbExt;
    const rb = gl.createRenderbuffer();
    gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
    gl.renderbufferStorage(gl.RENDERBUFFER, ext.SRGB8_ALPHA8_EXT, 4, 4);
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, ext.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING_EXT), ext.SRGB_EXT);
    // a clear to 0.5: 0.5 encodes to 188 (alpha 0.5 -> 128, linear)
    gl.clearColor(0.5, 0.5, 0.5, 0.5);
    gl.clear(gl.COLOR_BUFFER_BIT);
    assert.deepEqual(at(read(gl, 4, 4), 4, 2, 2), [188, 188, 188, 128]);
    // ONE, ONE adding 0.25: in linear, decode(188) + 0.25 = 0.75289 -> 1.055 * 0.75289^(1/2.4) - 0.055 = 0.88233,
    // * 255 = 224.99 -> 225 (adding to the encoded byte would give 188/255 + 0.25 -> 252); alpha 128/255 + 0.25 -> 192
    const p = program(gl, QUAD_VS, 'precision mediump float; void main() { gl_FragColor = vec4(0.25); }');
    quad(gl, p);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(at(read(gl, 4, 4), 4, 1, 3), [225, 225, 225, 192]);
    // an unblended 0.5 is stored as 188 again
    gl.disable(gl.BLEND);
    gl.useProgram(program(gl, QUAD_VS, 'precision mediump float; void main() { gl_FragColor = vec4(0.5, 0.0, 1.0, 1.0); }'));
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(at(read(gl, 4, 4), 4, 0, 0), [188, 0, 255, 255]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('an SRGB_ALPHA_EXT texture is a colour attachment; rendering into it then sampling it gives back linear values', () => withGl(2, 2, (gl) => {
    const ext = gl.getExtension('EXT_sRGB') as unknown as SrgbExt;
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, ext.SRGB_ALPHA_EXT, 2, 2, 0, ext.SRGB_ALPHA_EXT, gl.UNSIGNED_BYTE, null);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    gl.clearColor(0.5, 0.25, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    // stored: 0.5 -> 188, 0.25 -> 136.96 -> 137
    assert.deepEqual(at(read(gl, 2, 2), 2, 0, 0), [188, 137, 0, 255]);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const p = program(gl, QUAD_VS, 'precision highp float; varying vec2 uv; uniform sampler2D t; void main() { gl_FragColor = texture2D(t, uv); }');
    quad(gl, p);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    // sampled: decode(188) = 0.50289 -> 128; decode(137) = 0.25016 -> 63.79 -> 64
    assert.deepEqual(at(read(gl, 2, 2), 2, 1, 1), [128, 64, 0, 255]);
  }));
});

describe('EXT_sRGB: enums and errors', () => {
  test('before getExtension: the formats are INVALID_ENUM, the encoding query too', () => withGl(2, 2, (gl) => {
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, 0x8c42, 1, 1, 0, 0x8c42, gl.UNSIGNED_BYTE, null);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.bindRenderbuffer(gl.RENDERBUFFER, gl.createRenderbuffer());
    gl.renderbufferStorage(gl.RENDERBUFFER, 0x8c43, 1, 1);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA4, 1, 1);
    gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, gl.getParameter(gl.RENDERBUFFER_BINDING));
    gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, 0x8210);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
  }));

  test('after: the enums, LINEAR for a linear buffer, no mipmaps of sRGB textures (INVALID_OPERATION)', () => withGl(2, 2, (gl) => {
    const ext = gl.getExtension('EXT_sRGB') as unknown as SrgbExt;
    assert.deepEqual([ext.SRGB_EXT, ext.SRGB_ALPHA_EXT, ext.SRGB8_ALPHA8_EXT, ext.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING_EXT], [0x8c40, 0x8c42, 0x8c43, 0x8210]);
    gl.bindRenderbuffer(gl.RENDERBUFFER, gl.createRenderbuffer());
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA4, 1, 1);
    gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, gl.getParameter(gl.RENDERBUFFER_BINDING));
    assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, ext.FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING_EXT), gl.LINEAR);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, ext.SRGB_ALPHA_EXT, 2, 2, 0, ext.SRGB_ALPHA_EXT, gl.UNSIGNED_BYTE, null);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.generateMipmap(gl.TEXTURE_2D);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    // internalformat and format must match (WebGL 1.0)
    gl.texImage2D(gl.TEXTURE_2D, 0, ext.SRGB_EXT, 1, 1, 0, ext.SRGB_ALPHA_EXT, gl.UNSIGNED_BYTE, null);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  }));
});

// Every execution path of the shader core: the same file under the interpreter and the JS translation.
if (!process.env.AKARI_SHADER) {
  describe('the other execution paths', () => {
    for (const mode of ['interp', 'js']) {
      test(`AKARI_SHADER=${mode}`, () => {
        // (without the runner's NODE_TEST_CONTEXT, the child is a test run of its own and reports in text)
        const env: NodeJS.ProcessEnv = { ...process.env, AKARI_SHADER: mode };
        delete env.NODE_TEST_CONTEXT;
        const r = spawnSync(process.execPath, ['--test', fileURLToPath(import.meta.url)], { env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /# pass 9\n# fail 0/);
      });
    }
  });
}
