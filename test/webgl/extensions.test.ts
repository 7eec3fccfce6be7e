/**
 * The extensions beyond WebGL 1.0's core, each by its registry text: what is
 * an error before getExtension enables it, and the pixels it gives after —
 * linear filtering of float textures, gl_FragDepthEXT, float and half-float
 * colour buffers (unclamped values read back as floats), blending into
 * 32-bit float buffers, the debug renderer strings and translated shaders,
 * and #extension seeing only what the application enabled.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { at, program, read, withGl } from './helpers.js';
import { GL, EXT } from '../../src/webgl/constants.js';
import type { AkariWebGLRenderingContext } from '../../src/webgl/context.js';
import { createWebGLContext } from '../../src/platform/webgl.js';

const QUAD_VS = 'attribute vec2 pos; varying vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }';

function quad(gl: AkariWebGLRenderingContext, prog: WebGLProgram): void {
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const loc = gl.getAttribLocation(prog, 'pos');
  gl.enableVertexAttribArray(loc);
  gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
}

function compiles(gl: AkariWebGLRenderingContext, type: number, src: string): boolean {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, src);
  gl.compileShader(s);
  return gl.getShaderParameter(s, gl.COMPILE_STATUS) as boolean;
}

describe('float texture filtering', () => {
  /**
   * A 2x1 texture (0 and 1 in red) magnified LINEAR onto 4 pixels: pixel i samples s = (i + 0.5) / 4, texel
   * coordinate u = 2s - 0.5 = -0.25, 0.25, 0.75, 1.25; CLAMP_TO_EDGE gives 0, 0.25, 0.75, 1 → 0, 64, 191, 255.
   * Without the *_linear extension the texture is incomplete (WebGL 1.0 / OES_texture_float: LINEAR is not
   * allowed) and samples black.
   */
  const FS = 'precision highp float; varying vec2 uv; uniform sampler2D t; void main() { gl_FragColor = vec4(texture2D(t, uv).r, 0.0, 0.0, 1.0); }';
  const run = (half: boolean) => withGl(4, 1, (gl) => {
    assert.ok(gl.getExtension(half ? 'OES_texture_half_float' : 'OES_texture_float'));
    const p = program(gl, QUAD_VS, FS);
    quad(gl, p);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    if (half) gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 1, 0, gl.RGBA, EXT.HALF_FLOAT_OES, new Uint16Array([0, 0, 0, 0x3c00, 0x3c00, 0x3c00, 0x3c00, 0x3c00]));
    else gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 1, 0, gl.RGBA, gl.FLOAT, new Float32Array([0, 0, 0, 1, 1, 1, 1, 1]));
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const before = read(gl, 4, 1);
    assert.ok(gl.getExtension(half ? 'OES_texture_half_float_linear' : 'OES_texture_float_linear'));
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const after = read(gl, 4, 1);
    assert.equal(gl.getError(), gl.NO_ERROR);
    return { before: [0, 1, 2, 3].map((i) => at(before, 4, i, 0)[0]), after: [0, 1, 2, 3].map((i) => at(after, 4, i, 0)[0]) };
  });
  test('OES_texture_float_linear: a float texture filters linearly; incomplete (black) without it', () => {
    const r = run(false);
    assert.deepEqual(r.before, [0, 0, 0, 0]);
    assert.deepEqual(r.after, [0, 64, 191, 255]);
  });
  test('OES_texture_half_float_linear: the same for half floats', () => {
    const r = run(true);
    assert.deepEqual(r.before, [0, 0, 0, 0]);
    assert.deepEqual(r.after, [0, 64, 191, 255]);
  });
});

test('EXT_frag_depth: #extension requires it; gl_FragDepthEXT decides the depth test', () => withGl(2, 2, (gl) => {
  const FS = (d: string) => `#extension GL_EXT_frag_depth : require
precision mediump float; void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); gl_FragDepthEXT = ${d}; }`;
  assert.equal(compiles(gl, gl.FRAGMENT_SHADER, FS('0.25')), false, 'not enabled yet: #extension ... : require fails');
  assert.ok(gl.getExtension('EXT_frag_depth'));
  const green = program(gl, QUAD_VS, 'precision mediump float; void main() { gl_FragColor = vec4(0.0, 1.0, 0.0, 1.0); }');
  gl.enable(gl.DEPTH_TEST);
  gl.depthFunc(gl.LESS);
  // red writes depth d; green then draws at z = 0, depth 0.5 (depth range [0, 1]): it passes LESS only if 0.5 < d
  for (const [d, want] of [['0.75', [0, 255, 0, 255]], ['0.25', [255, 0, 0, 255]]] as const) {
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    const red = program(gl, QUAD_VS, FS(d));
    quad(gl, red);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.useProgram(green);
    quad(gl, green);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(at(read(gl, 2, 2), 2, 1, 1), want, `gl_FragDepthEXT = ${d}`);
  }
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('#extension sees only what the application enabled: OES_standard_derivatives', () => withGl(1, 1, (gl) => {
  const FS = '#extension GL_OES_standard_derivatives : require\nprecision mediump float; varying vec2 uv; void main() { gl_FragColor = vec4(dFdx(uv), 0.0, 1.0); }';
  assert.equal(compiles(gl, gl.FRAGMENT_SHADER, FS), false);
  gl.getExtension('OES_standard_derivatives');
  assert.equal(compiles(gl, gl.FRAGMENT_SHADER, FS), true);
}));

/** A framebuffer with a renderbuffer colour attachment of `format`; a shader writing `color`; the pixel read back as floats. */
function floatTarget(gl: AkariWebGLRenderingContext, format: number, color: string): { status: number; px: Float32Array; fb: WebGLFramebuffer } {
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, format, 1, 1);
  const fb = gl.createFramebuffer()!;
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
  const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
  const p = program(gl, QUAD_VS, `precision highp float; void main() { gl_FragColor = ${color}; }`);
  quad(gl, p);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const px = new Float32Array(4);
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, px);
  return { status, px, fb };
}

test('WEBGL_color_buffer_float: RGBA32F renderbuffers hold unclamped floats; component type FLOAT; 32 bits a channel', () => withGl(1, 1, (gl) => {
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, EXT.RGBA32F_EXT, 1, 1);
  assert.equal(gl.getError(), gl.INVALID_ENUM, 'RGBA32F_EXT before the extension is enabled');
  const ext = gl.getExtension('WEBGL_color_buffer_float') as { RGBA32F_EXT: number };
  assert.equal(ext.RGBA32F_EXT, 0x8814);
  const r = floatTarget(gl, EXT.RGBA32F_EXT, 'vec4(2.5, -1.0, 0.1, 1.0)');
  assert.equal(r.status, gl.FRAMEBUFFER_COMPLETE);
  assert.deepEqual([...r.px], [2.5, -1, Math.fround(0.1), 1]);
  assert.equal(gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_RED_SIZE), 32);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, EXT.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE_EXT), gl.FLOAT);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('EXT_color_buffer_half_float: RGBA16F renderbuffers hold half floats (0.1 -> 0.0999755859375); 16 bits a channel', () => withGl(1, 1, (gl) => {
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, EXT.RGBA16F_EXT, 1, 1);
  assert.equal(gl.getError(), gl.INVALID_ENUM);
  gl.getExtension('EXT_color_buffer_half_float');
  // half: 0.1 is 0x2e66 = 1638/16384 = 0.0999755859375; 2.5 and -1 are exact
  const r = floatTarget(gl, EXT.RGBA16F_EXT, 'vec4(2.5, -1.0, 0.1, 1.0)');
  assert.equal(r.status, gl.FRAMEBUFFER_COMPLETE);
  assert.deepEqual([...r.px], [2.5, -1, 0.0999755859375, 1]);
  assert.equal(gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_ALPHA_SIZE), 16);
  // an RGBA4 attachment is UNSIGNED_NORMALIZED
  const rb4 = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb4);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA4, 1, 1);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb4);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, EXT.FRAMEBUFFER_ATTACHMENT_COMPONENT_TYPE_EXT), EXT.UNSIGNED_NORMALIZED_EXT);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('EXT_float_blend: blending into a 32-bit float buffer is INVALID_OPERATION without it; with it ONE+ONE adds past 1.0', () => withGl(1, 1, (gl) => {
  gl.getExtension('WEBGL_color_buffer_float');
  const r = floatTarget(gl, EXT.RGBA32F_EXT, 'vec4(1.5, 0.25, 0.0, 1.0)');
  assert.deepEqual([...r.px], [1.5, 0.25, 0, 1]);
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.ONE, gl.ONE);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  gl.getExtension('EXT_float_blend');
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.equal(gl.getError(), gl.NO_ERROR);
  const px = new Float32Array(4);
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, px);
  // 1.5 + 1.5, 0.25 + 0.25, 0, 1 + 1
  assert.deepEqual([...px], [3, 0.5, 0, 2]);
}));

test('WEBGL_debug_renderer_info: the unmasked strings only once enabled', () => withGl(1, 1, (gl) => {
  assert.equal(gl.getParameter(EXT.UNMASKED_RENDERER_WEBGL), null);
  assert.equal(gl.getError(), gl.INVALID_ENUM);
  const ext = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_VENDOR_WEBGL: number; UNMASKED_RENDERER_WEBGL: number };
  assert.equal(ext.UNMASKED_VENDOR_WEBGL, 0x9245);
  assert.equal(gl.getParameter(ext.UNMASKED_VENDOR_WEBGL), 'Akari');
  assert.match(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) as string, /^Akari/);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('WEBGL_debug_shaders: the compiled IR of a shader; "" when it did not compile; a non-shader is a TypeError', () => withGl(1, 1, (gl) => {
  const ext = gl.getExtension('WEBGL_debug_shaders') as { getTranslatedShaderSource(s: unknown): string | null };
  const s = gl.createShader(gl.FRAGMENT_SHADER)!;
  gl.shaderSource(s, 'precision mediump float; uniform vec4 c; void main() { gl_FragColor = c * 2.0; }');
  assert.equal(ext.getTranslatedShaderSource(s), '', 'not compiled yet');
  gl.compileShader(s);
  const text = ext.getTranslatedShaderSource(s)!;
  assert.match(text, /ld_uni/);
  assert.match(text, /st_out/);
  const bad = gl.createShader(gl.FRAGMENT_SHADER)!;
  gl.shaderSource(bad, 'void main() { undefined_thing; }');
  gl.compileShader(bad);
  assert.equal(ext.getTranslatedShaderSource(bad), '');
  assert.throws(() => ext.getTranslatedShaderSource({}), TypeError);
  // the built-ins a shader reads are named in the IR (the conformance page looks for gl_FragCoord); changing the
  // source changes the translation only once it is compiled again
  const fc = gl.createShader(gl.FRAGMENT_SHADER)!;
  gl.shaderSource(fc, 'void main() { gl_FragColor = vec4(gl_FragCoord.x, 0.0, 0.0, 1.0); }');
  gl.compileShader(fc);
  const first = ext.getTranslatedShaderSource(fc)!;
  assert.match(first, /frag_x \(gl_FragCoord\.x\)/);
  gl.shaderSource(fc, 'void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); }');
  assert.equal(ext.getTranslatedShaderSource(fc), first);
  gl.compileShader(fc);
  assert.doesNotMatch(ext.getTranslatedShaderSource(fc)!, /gl_FragCoord/);
  void GL;
}));

describe('EXT_disjoint_timer_query', () => {
  interface TimerExt {
    TIME_ELAPSED_EXT: number; TIMESTAMP_EXT: number; QUERY_RESULT_EXT: number; QUERY_RESULT_AVAILABLE_EXT: number; CURRENT_QUERY_EXT: number; QUERY_COUNTER_BITS_EXT: number; GPU_DISJOINT_EXT: number;
    createQueryEXT(): object; deleteQueryEXT(q: object | null): void; isQueryEXT(q: object | null): boolean;
    beginQueryEXT(t: number, q: object): void; endQueryEXT(t: number): void; queryCounterEXT(q: object, t: number): void;
    getQueryEXT(t: number, p: number): unknown; getQueryObjectEXT(q: object, p: number): unknown;
  }
  const turn = () => new Promise((r) => setTimeout(r, 0));

  test('errors as EXT_disjoint_timer_query says: targets, the active query, unused queries, a query keeps its target', () => withGl(1, 1, (gl) => {
    assert.equal(gl.getParameter(EXT.TIMESTAMP_EXT), null);
    assert.equal(gl.getError(), gl.INVALID_ENUM, 'TIMESTAMP_EXT before the extension is enabled');
    const ext = gl.getExtension('EXT_disjoint_timer_query') as TimerExt;
    const q = ext.createQueryEXT(), q2 = ext.createQueryEXT();
    assert.equal(ext.isQueryEXT(q), false, 'not a query until begun');
    ext.beginQueryEXT(ext.TIMESTAMP_EXT, q);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    ext.endQueryEXT(ext.TIME_ELAPSED_EXT);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'no active query');
    ext.getQueryObjectEXT(q, ext.QUERY_RESULT_AVAILABLE_EXT);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'never used');
    ext.beginQueryEXT(ext.TIME_ELAPSED_EXT, q);
    assert.equal(ext.getQueryEXT(ext.TIME_ELAPSED_EXT, ext.CURRENT_QUERY_EXT), q);
    assert.equal(ext.getQueryEXT(ext.TIMESTAMP_EXT, ext.CURRENT_QUERY_EXT), null);
    assert.equal(ext.getQueryEXT(ext.TIMESTAMP_EXT, ext.QUERY_COUNTER_BITS_EXT), 64);
    ext.beginQueryEXT(ext.TIME_ELAPSED_EXT, q2);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'one active at a time');
    ext.queryCounterEXT(q, ext.TIMESTAMP_EXT);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'the active query');
    ext.getQueryObjectEXT(q, ext.QUERY_RESULT_EXT);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'the active query');
    ext.endQueryEXT(ext.TIME_ELAPSED_EXT);
    assert.equal(ext.isQueryEXT(q), true);
    ext.queryCounterEXT(q, ext.TIMESTAMP_EXT);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'a TIME_ELAPSED query cannot become a TIMESTAMP one');
    ext.getQueryObjectEXT(q, gl.TEXTURE_2D);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    assert.throws(() => ext.beginQueryEXT(ext.TIME_ELAPSED_EXT, {}), TypeError);
    assert.equal(gl.getParameter(ext.GPU_DISJOINT_EXT), false);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('results come from the GPU clock, only after the event loop turns: t(after) - t(before) >= elapsed > 0; an empty span is 0', async () => {
    const gl = createWebGLContext(64, 64, { deterministic: true });
    try {
      const ext = gl.getExtension('EXT_disjoint_timer_query') as TimerExt;
      const p = program(gl, QUAD_VS, 'precision mediump float; varying vec2 uv; void main() { gl_FragColor = vec4(uv, 0.5, 1.0); }');
      quad(gl, p);
      const before = ext.createQueryEXT(), after = ext.createQueryEXT(), elapsed = ext.createQueryEXT(), empty = ext.createQueryEXT();
      ext.beginQueryEXT(ext.TIME_ELAPSED_EXT, empty);
      ext.endQueryEXT(ext.TIME_ELAPSED_EXT);
      ext.queryCounterEXT(before, ext.TIMESTAMP_EXT);
      ext.beginQueryEXT(ext.TIME_ELAPSED_EXT, elapsed);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      ext.endQueryEXT(ext.TIME_ELAPSED_EXT);
      ext.queryCounterEXT(after, ext.TIMESTAMP_EXT);
      gl.finish();
      // the GPU is done, but the application has not returned to the event loop: nothing is available yet
      for (const q of [before, after, elapsed, empty]) {
        assert.equal(ext.getQueryObjectEXT(q, ext.QUERY_RESULT_AVAILABLE_EXT), false);
        assert.equal(ext.getQueryObjectEXT(q, ext.QUERY_RESULT_EXT), 0);
      }
      await turn();
      for (const q of [before, after, elapsed, empty]) assert.equal(ext.getQueryObjectEXT(q, ext.QUERY_RESULT_AVAILABLE_EXT), true);
      const tb = ext.getQueryObjectEXT(before, ext.QUERY_RESULT_EXT) as number, ta = ext.getQueryObjectEXT(after, ext.QUERY_RESULT_EXT) as number;
      const dt = ext.getQueryObjectEXT(elapsed, ext.QUERY_RESULT_EXT) as number;
      assert.equal(ext.getQueryObjectEXT(empty, ext.QUERY_RESULT_EXT), 0, 'no render command in the span');
      assert.ok(dt > 0, `elapsed ${dt}`);
      assert.ok(ta - tb >= dt, `before ${tb}, after ${ta}, elapsed ${dt}`);
      // the GPU's time now is not earlier than the last command's end
      assert.ok((gl.getParameter(ext.TIMESTAMP_EXT) as number) >= ta);
      assert.equal(gl.getError(), gl.NO_ERROR);
    } finally { gl.destroy(); }
  });

  test('a span whose commands completed before it ended (readPixels waits inside it) still has its result', async () => {
    const gl = createWebGLContext(16, 16, { deterministic: true });
    try {
      const ext = gl.getExtension('EXT_disjoint_timer_query') as TimerExt;
      const q = ext.createQueryEXT();
      ext.beginQueryEXT(ext.TIME_ELAPSED_EXT, q);
      gl.clearColor(0, 1, 0, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      assert.deepEqual(at(read(gl, 16, 16), 16, 3, 3), [0, 255, 0, 255]);
      ext.endQueryEXT(ext.TIME_ELAPSED_EXT);
      await turn();
      assert.equal(ext.getQueryObjectEXT(q, ext.QUERY_RESULT_AVAILABLE_EXT), true);
      assert.ok((ext.getQueryObjectEXT(q, ext.QUERY_RESULT_EXT) as number) > 0);
    } finally { gl.destroy(); }
  });
});

describe('EXT_texture_filter_anisotropic', () => {
  const FS = (s: string, t: string) => `precision highp float; varying vec2 uv; uniform sampler2D tex; void main() { gl_FragColor = texture2D(tex, vec2(${s}, ${t})); }`;

  test('errors: the enums are INVALID_ENUM until enabled; a maximum below 1 is INVALID_VALUE; the limit is 16', () => withGl(1, 1, (gl) => {
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texParameterf(gl.TEXTURE_2D, EXT.TEXTURE_MAX_ANISOTROPY_EXT, 4);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    assert.equal(gl.getParameter(EXT.MAX_TEXTURE_MAX_ANISOTROPY_EXT), null);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    const ext = gl.getExtension('EXT_texture_filter_anisotropic') as { TEXTURE_MAX_ANISOTROPY_EXT: number; MAX_TEXTURE_MAX_ANISOTROPY_EXT: number };
    assert.equal(ext.TEXTURE_MAX_ANISOTROPY_EXT, 0x84fe);
    assert.equal(ext.MAX_TEXTURE_MAX_ANISOTROPY_EXT, 0x84ff);
    assert.equal(gl.getParameter(ext.MAX_TEXTURE_MAX_ANISOTROPY_EXT), 16);
    assert.equal(gl.getTexParameter(gl.TEXTURE_2D, ext.TEXTURE_MAX_ANISOTROPY_EXT), 1, 'the initial value is 1.0');
    gl.texParameterf(gl.TEXTURE_2D, ext.TEXTURE_MAX_ANISOTROPY_EXT, 0.5);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    gl.texParameterf(gl.TEXTURE_2D, ext.TEXTURE_MAX_ANISOTROPY_EXT, 3.5);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(gl.getTexParameter(gl.TEXTURE_2D, ext.TEXTURE_MAX_ANISOTROPY_EXT), 3.5, 'the value as set, a float');
    gl.bindTexture(gl.TEXTURE_2D, null);
    gl.texParameterf(gl.TEXTURE_2D, ext.TEXTURE_MAX_ANISOTROPY_EXT, 2);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'no texture bound');
  }));

  /**
   * The probes' positions and their average. A 2x1 RGBA8 texture, texel 0 black and texel 1 white, REPEAT, NEAREST
   * both ways. On 8 pixels s = x + 0.625 at pixel x's centre (uv.x * 8 + 0.125) and t = 0.5, so the footprint is
   * ds/dx = 1 (2 texels) along x and nothing along y: Pmax = 2, Pmin = 0, N = the maximum. Isotropic: u = 2s =
   * 2x + 1.25 → texel 1, white. With a maximum of 3: lambda' = log2(2/3) < 0 (magnified, NEAREST) and the probes
   * sit at s + k with k = i/4 - 1/2 = -1/4, 0, 1/4, i.e. u = 2x + 0.75, 2x + 1.25, 2x + 1.75 → texels 0, 1, 1:
   * (0 + 1 + 1) / 3 = 2/3 → 170 of 255. A maximum of 3.9 rounds down to the same 3 probes.
   */
  test('N probes along the major axis, averaged: black/white stripes give 2/3 grey with 3 probes', () => withGl(8, 1, (gl) => {
    const ext = gl.getExtension('EXT_texture_filter_anisotropic') as { TEXTURE_MAX_ANISOTROPY_EXT: number };
    const p = program(gl, QUAD_VS, FS('uv.x * 8.0 + 0.125', '0.5'));
    quad(gl, p);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]));
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    const row = () => { gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); const px = read(gl, 8, 1); return [0, 1, 2, 3, 4, 5, 6, 7].map((x) => at(px, 8, x, 0)[0]); };
    assert.deepEqual(row(), [255, 255, 255, 255, 255, 255, 255, 255], 'isotropic');
    for (const max of [3, 3.9]) {
      gl.texParameterf(gl.TEXTURE_2D, ext.TEXTURE_MAX_ANISOTROPY_EXT, max);
      assert.deepEqual(row(), [170, 170, 170, 170, 170, 170, 170, 170], `max ${max}`);
    }
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  /**
   * The level: a 64x64 texture whose mip levels are solid red, green, blue, then white, NEAREST_MIPMAP_NEAREST, drawn
   * on 16x16 pixels with s = uv.x (4 texels a pixel along x) and t = uv.y / 4 (1 texel a pixel along y): Px = 4,
   * Py = 1. Isotropic: lambda = log2(4) = 2 → level 2, blue. Maximum 2: N = min(ceil(4/1), 2) = 2, lambda' =
   * log2(4/2) = 1 → level 1, green. Maximum 4 (or 16): N = 4, lambda' = 0 → magnified, level 0, red.
   */
  test('the LOD comes from the minor axis: levels red/green/blue chosen by the maximum', () => withGl(16, 16, (gl) => {
    const ext = gl.getExtension('EXT_texture_filter_anisotropic') as { TEXTURE_MAX_ANISOTROPY_EXT: number };
    const p = program(gl, QUAD_VS, FS('uv.x', 'uv.y * 0.25'));
    quad(gl, p);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
    for (let level = 0, size = 64; size >= 1; level++, size >>= 1) {
      const [r, g, b] = colours[level] ?? [255, 255, 255];
      const texels = new Uint8Array(size * size * 4);
      for (let i = 0; i < size * size; i++) texels.set([r!, g!, b!, 255], i * 4);
      gl.texImage2D(gl.TEXTURE_2D, level, gl.RGBA, size, size, 0, gl.RGBA, gl.UNSIGNED_BYTE, texels);
    }
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    const centre = () => { gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); return at(read(gl, 16, 16), 16, 7, 7); };
    assert.deepEqual(centre(), [0, 0, 255, 255], 'isotropic: level 2');
    gl.texParameterf(gl.TEXTURE_2D, ext.TEXTURE_MAX_ANISOTROPY_EXT, 2);
    assert.deepEqual(centre(), [0, 255, 0, 255], 'max 2: level 1');
    for (const max of [4, 16]) {
      gl.texParameterf(gl.TEXTURE_2D, ext.TEXTURE_MAX_ANISOTROPY_EXT, max);
      assert.deepEqual(centre(), [255, 0, 0, 255], `max ${max}: level 0`);
    }
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('WebGL 2: a sampler object\'s maximum replaces the texture\'s (the same scene: isotropic level 2, maximum 4 level 0)', () => {
    const gl = createWebGLContext(16, 16, { deterministic: true, version: 2 }) as unknown as WebGL2RenderingContext & { destroy(): void };
    try {
      const ext = gl.getExtension('EXT_texture_filter_anisotropic') as { TEXTURE_MAX_ANISOTROPY_EXT: number };
      const p = program(gl as unknown as AkariWebGLRenderingContext, QUAD_VS, FS('uv.x', 'uv.y * 0.25'));
      quad(gl as unknown as AkariWebGLRenderingContext, p);
      gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
      for (let level = 0, size = 64; size >= 1; level++, size >>= 1) {
        const c = [[255, 0, 0], [0, 255, 0], [0, 0, 255]][level] ?? [255, 255, 255];
        const texels = new Uint8Array(size * size * 4);
        for (let i = 0; i < size * size; i++) texels.set([c[0]!, c[1]!, c[2]!, 255], i * 4);
        gl.texImage2D(gl.TEXTURE_2D, level, gl.RGBA, size, size, 0, gl.RGBA, gl.UNSIGNED_BYTE, texels);
      }
      const s = gl.createSampler()!;
      gl.samplerParameteri(s, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
      gl.samplerParameteri(s, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      gl.samplerParameterf(s, ext.TEXTURE_MAX_ANISOTROPY_EXT, 0.5);
      assert.equal(gl.getError(), gl.INVALID_VALUE);
      gl.bindSampler(0, s);
      const centre = () => { gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); return at(read(gl as unknown as AkariWebGLRenderingContext, 16, 16), 16, 7, 7); };
      assert.deepEqual(centre(), [0, 0, 255, 255], 'the sampler\'s maximum is 1: level 2');
      gl.samplerParameterf(s, ext.TEXTURE_MAX_ANISOTROPY_EXT, 4);
      assert.equal(gl.getSamplerParameter(s, ext.TEXTURE_MAX_ANISOTROPY_EXT), 4);
      assert.deepEqual(centre(), [255, 0, 0, 255], 'maximum 4: level 0');
      assert.equal(gl.getError(), gl.NO_ERROR);
    } finally { gl.destroy(); }
  });
});
