/**
 * Multiple render targets through WEBGL_draw_buffers: the FRAMEBUFFER's
 * colour targets 1..7 (hwdesc RENDER_TARGET), fragment outputs rt0..rt7 as
 * gl_FragData[i], the draw buffers as STATE rt_disable, clears of the draw
 * buffers only, blending on every target — and the extension's errors.
 *
 * The whole file runs again under the interpreter (AKARI_SHADER=interp) and
 * the JS translation (AKARI_SHADER=js) in child processes, so every execution
 * path of the fragment stage is checked with the same expectations. (The
 * default, wasm, path renders several targets on the generic pipeline: fused
 * kernels are built for one target; a one-target draw with draw buffer 0 NONE
 * takes the fused kernel with no channel written.)
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { at, program, read, withGl } from './helpers.js';
import type { AkariWebGLRenderingContext } from '../../src/webgl/context.js';

const QUAD_VS = 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }';
/** Output i = (i/4, 1 - i/4, 1/2, 1): distinct in every target. */
const MRT_FS = `#extension GL_EXT_draw_buffers : require
precision mediump float;
void main() {
  for (int i = 0; i < 4; i++) gl_FragData[i] = vec4(float(i) * 0.25, 1.0 - float(i) * 0.25, 0.5, 1.0);
}`;

interface Ext {
  drawBuffersWEBGL(b: number[]): void;
  COLOR_ATTACHMENT0_WEBGL: number; COLOR_ATTACHMENT1_WEBGL: number; COLOR_ATTACHMENT2_WEBGL: number; COLOR_ATTACHMENT3_WEBGL: number;
  MAX_DRAW_BUFFERS_WEBGL: number; MAX_COLOR_ATTACHMENTS_WEBGL: number; DRAW_BUFFER0_WEBGL: number; DRAW_BUFFER1_WEBGL: number;
}

function quad(gl: AkariWebGLRenderingContext, prog: WebGLProgram): void {
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const loc = gl.getAttribLocation(prog, 'pos');
  gl.enableVertexAttribArray(loc);
  gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
}

/** An RGBA8 w x h texture (no data: zeros). */
function texture(gl: AkariWebGLRenderingContext, w: number, h: number): WebGLTexture {
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  return t;
}

/** A framebuffer with `texs[i]` at COLOR_ATTACHMENTi (null: nothing there). */
function mrtFramebuffer(gl: AkariWebGLRenderingContext, texs: Array<WebGLTexture | null>): WebGLFramebuffer {
  const fb = gl.createFramebuffer()!;
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  texs.forEach((t, i) => { if (t) gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + i, gl.TEXTURE_2D, t, 0); });
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  return fb;
}

/** Pixel (x, y) of a texture, read through a framebuffer of its own (WebGL 1 reads COLOR_ATTACHMENT0). */
function texel(gl: AkariWebGLRenderingContext, t: WebGLTexture, w: number, h: number, x: number, y: number): number[] {
  const prev = gl.getParameter(gl.FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
  const px = read(gl, w, h);
  gl.bindFramebuffer(gl.FRAMEBUFFER, prev);
  gl.deleteFramebuffer(fb);
  return at(px, w, x, y);
}

// unorm8 of the outputs: 0.25 * 255 = 63.75 -> 64, 0.5 * 255 = 127.5 -> 128 (round half up), 0.75 * 255 = 191.25 -> 191
const OUT = [[0, 255, 128, 255], [64, 191, 128, 255], [128, 128, 128, 255], [191, 64, 128, 255]];

describe('WEBGL_draw_buffers: pixels', () => {
  test('four render targets each receive their own gl_FragData[i]', () => withGl(8, 8, (gl) => {
    const ext = gl.getExtension('WEBGL_draw_buffers') as unknown as Ext;
    assert.ok(ext);
    const texs = [0, 1, 2, 3].map(() => texture(gl, 8, 8));
    mrtFramebuffer(gl, texs);
    ext.drawBuffersWEBGL([ext.COLOR_ATTACHMENT0_WEBGL, ext.COLOR_ATTACHMENT1_WEBGL, ext.COLOR_ATTACHMENT2_WEBGL, ext.COLOR_ATTACHMENT3_WEBGL]);
    const p = program(gl, QUAD_VS, MRT_FS);
    quad(gl, p);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // the quad covers every pixel; corners and centre of each target
    for (let i = 0; i < 4; i++) for (const [x, y] of [[0, 0], [7, 7], [4, 3]] as const) assert.deepEqual(texel(gl, texs[i]!, 8, 8, x, y), OUT[i], `target ${i} (${x},${y})`);
  }));

  test('draw buffers NONE leave their targets untouched, by draws and by clears', () => withGl(40, 36, (gl) => {
    // 40 x 36: two tiles across and down, so the store of every tile's targets is exercised
    const ext = gl.getExtension('WEBGL_draw_buffers') as unknown as Ext;
    const texs = [0, 1, 2, 3].map(() => texture(gl, 40, 36));
    mrtFramebuffer(gl, texs);
    const all = [ext.COLOR_ATTACHMENT0_WEBGL, ext.COLOR_ATTACHMENT1_WEBGL, ext.COLOR_ATTACHMENT2_WEBGL, ext.COLOR_ATTACHMENT3_WEBGL];
    ext.drawBuffersWEBGL(all);
    gl.clearColor(1, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT); // every target red
    ext.drawBuffersWEBGL([ext.COLOR_ATTACHMENT0_WEBGL, gl.NONE, ext.COLOR_ATTACHMENT2_WEBGL]);
    assert.equal(gl.getParameter(ext.DRAW_BUFFER1_WEBGL), gl.NONE);
    const p = program(gl, QUAD_VS, MRT_FS);
    quad(gl, p);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    // targets 0 and 2 drawn; 1 (NONE) and 3 (beyond the list: NONE) stay red
    const RED = [255, 0, 0, 255];
    for (const [x, y] of [[0, 0], [39, 35], [33, 20]] as const) {
      assert.deepEqual(texel(gl, texs[0]!, 40, 36, x, y), OUT[0]);
      assert.deepEqual(texel(gl, texs[1]!, 40, 36, x, y), RED);
      assert.deepEqual(texel(gl, texs[2]!, 40, 36, x, y), OUT[2]);
      assert.deepEqual(texel(gl, texs[3]!, 40, 36, x, y), RED);
    }
    // a clear writes the draw buffers only: now 1 and 3 become blue, 0 and 2 keep the draw
    ext.drawBuffersWEBGL([gl.NONE, ext.COLOR_ATTACHMENT1_WEBGL, gl.NONE, ext.COLOR_ATTACHMENT3_WEBGL]);
    gl.clearColor(0, 0, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const BLUE = [0, 0, 255, 255];
    for (const [x, y] of [[0, 0], [39, 35]] as const) {
      assert.deepEqual(texel(gl, texs[0]!, 40, 36, x, y), OUT[0]);
      assert.deepEqual(texel(gl, texs[1]!, 40, 36, x, y), BLUE);
      assert.deepEqual(texel(gl, texs[2]!, 40, 36, x, y), OUT[2]);
      assert.deepEqual(texel(gl, texs[3]!, 40, 36, x, y), BLUE);
    }
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('blending applies to every target with its own destination', () => withGl(4, 4, (gl) => {
    const ext = gl.getExtension('WEBGL_draw_buffers') as unknown as Ext;
    const texs = [0, 1].map(() => texture(gl, 4, 4));
    mrtFramebuffer(gl, texs);
    ext.drawBuffersWEBGL([ext.COLOR_ATTACHMENT0_WEBGL, ext.COLOR_ATTACHMENT1_WEBGL]);
    // target 0 cleared to 0.2 grey, then target 1 alone to 0.6 grey (a clear with draw buffer 0 NONE)
    gl.clearColor(0.2, 0.2, 0.2, 1); gl.clear(gl.COLOR_BUFFER_BIT);
    ext.drawBuffersWEBGL([gl.NONE, ext.COLOR_ATTACHMENT1_WEBGL]);
    gl.clearColor(0.6, 0.6, 0.6, 1); gl.clear(gl.COLOR_BUFFER_BIT);
    ext.drawBuffersWEBGL([ext.COLOR_ATTACHMENT0_WEBGL, ext.COLOR_ATTACHMENT1_WEBGL]);
    const p = program(gl, QUAD_VS, `#extension GL_EXT_draw_buffers : require
      precision mediump float;
      void main() { gl_FragData[0] = vec4(0.25, 0.25, 0.25, 0.5); gl_FragData[1] = vec4(0.25, 0.25, 0.25, 0.5); }`);
    quad(gl, p);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    // the cleared values are stored as unorm8: 0.2 -> 51/255, 0.6 -> 153/255; ONE, ONE adds 0.25:
    // 51/255 + 0.25 = 0.45 -> 0.45 * 255 = 114.75 -> 115; 153/255 + 0.25 = 0.85 -> 216.75 -> 217;
    // alpha 1 + 0.5 clamps to 1
    assert.deepEqual(texel(gl, texs[0]!, 4, 4, 1, 2), [115, 115, 115, 255]);
    assert.deepEqual(texel(gl, texs[1]!, 4, 4, 1, 2), [217, 217, 217, 255]);
  }));

  test('an empty attachment point between targets: its output is dropped, the others land', () => withGl(4, 4, (gl) => {
    const ext = gl.getExtension('WEBGL_draw_buffers') as unknown as Ext;
    const t0 = texture(gl, 4, 4), t2 = texture(gl, 4, 4);
    mrtFramebuffer(gl, [t0, null, t2]);
    ext.drawBuffersWEBGL([ext.COLOR_ATTACHMENT0_WEBGL, ext.COLOR_ATTACHMENT1_WEBGL, ext.COLOR_ATTACHMENT2_WEBGL]);
    const p = program(gl, QUAD_VS, MRT_FS);
    quad(gl, p);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(texel(gl, t0, 4, 4, 3, 3), OUT[0]);
    assert.deepEqual(texel(gl, t2, 4, 4, 3, 3), OUT[2]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('the default framebuffer with draw buffer NONE is not written (one target: the fused path)', () => withGl(4, 4, (gl) => {
    const ext = gl.getExtension('WEBGL_draw_buffers') as unknown as Ext;
    gl.clearColor(0, 1, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    ext.drawBuffersWEBGL([gl.NONE]);
    assert.equal(gl.getParameter(ext.DRAW_BUFFER0_WEBGL), gl.NONE);
    const p = program(gl, QUAD_VS, 'precision mediump float; void main() { gl_FragColor = vec4(1.0, 0.0, 1.0, 1.0); }');
    quad(gl, p);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(at(read(gl, 4, 4), 4, 2, 2), [0, 255, 0, 255]);
    // a clear too writes nothing while the draw buffer is NONE
    gl.clearColor(1, 1, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    assert.deepEqual(at(read(gl, 4, 4), 4, 0, 0), [0, 255, 0, 255]);
    ext.drawBuffersWEBGL([gl.BACK]);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(at(read(gl, 4, 4), 4, 2, 2), [255, 0, 255, 255]);
  }));

  test('WebGL 2: a draw buffer the program has no output for keeps its contents (gl_FragColor, one ES 3.00 output at location 1)', () => withGl(4, 4, (gl) => {
    const g2 = gl as unknown as WebGL2RenderingContext;
    const t0 = texture(gl, 4, 4), t1 = texture(gl, 4, 4);
    mrtFramebuffer(gl, [t0, t1]);
    g2.drawBuffers([g2.COLOR_ATTACHMENT0, g2.COLOR_ATTACHMENT1]);
    gl.clearColor(0, 1, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    // GLSL ES 1.00's gl_FragColor is colour number 0 (ES 3.0 § 3.9.2): buffer 0 blue, buffer 1 stays green
    const p = program(gl, QUAD_VS, 'precision mediump float; void main() { gl_FragColor = vec4(0.0, 0.0, 1.0, 1.0); }');
    quad(gl, p);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(texel(gl, t0, 4, 4, 1, 1), [0, 0, 255, 255]);
    assert.deepEqual(texel(gl, t1, 4, 4, 1, 1), [0, 255, 0, 255]);
    // one output at location 1: buffer 1 red, buffer 0 keeps its blue
    const p3 = program(gl, `#version 300 es
in vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }`, `#version 300 es
precision mediump float; layout(location = 1) out vec4 o; void main() { o = vec4(1.0, 0.0, 0.0, 1.0); }`);
    quad(gl, p3);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(texel(gl, t0, 4, 4, 2, 2), [0, 0, 255, 255]);
    assert.deepEqual(texel(gl, t1, 4, 4, 2, 2), [255, 0, 0, 255]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }, { version: 2 }));
});

describe('WEBGL_draw_buffers: errors and queries', () => {
  test('before getExtension: COLOR_ATTACHMENT1 is INVALID_ENUM and GL_EXT_draw_buffers cannot be enabled', () => withGl(2, 2, (gl) => {
    const t = texture(gl, 2, 2);
    gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + 1, gl.TEXTURE_2D, t, 0);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.getParameter(0x8824); // MAX_DRAW_BUFFERS_WEBGL
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    const s = gl.createShader(gl.FRAGMENT_SHADER)!;
    gl.shaderSource(s, MRT_FS);
    gl.compileShader(s);
    assert.equal(gl.getShaderParameter(s, gl.COMPILE_STATUS), false);
    // ES 1.00 without the extension: gl_MaxDrawBuffers is 1, so gl_FragData[1] is out of range
    gl.shaderSource(s, 'precision mediump float; void main() { gl_FragData[1] = vec4(1.0); }');
    gl.compileShader(s);
    assert.equal(gl.getShaderParameter(s, gl.COMPILE_STATUS), false);
  }));

  test('limits, DRAW_BUFFERi and drawBuffersWEBGL errors (EXT_draw_buffers / ES 3.0 § 4.2.1)', () => withGl(2, 2, (gl) => {
    const ext = gl.getExtension('WEBGL_draw_buffers') as unknown as Ext;
    assert.equal(ext.COLOR_ATTACHMENT1_WEBGL, gl.COLOR_ATTACHMENT0 + 1);
    const maxDraw = gl.getParameter(ext.MAX_DRAW_BUFFERS_WEBGL) as number, maxColor = gl.getParameter(ext.MAX_COLOR_ATTACHMENTS_WEBGL) as number;
    assert.equal(maxDraw, 8);
    assert.equal(maxColor, 8);
    // the default framebuffer: BACK, then NONE; it takes one buffer, BACK or NONE
    assert.equal(gl.getParameter(ext.DRAW_BUFFER0_WEBGL), gl.BACK);
    assert.equal(gl.getParameter(ext.DRAW_BUFFER1_WEBGL), gl.NONE);
    ext.drawBuffersWEBGL([ext.COLOR_ATTACHMENT0_WEBGL]);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    ext.drawBuffersWEBGL([gl.BACK, gl.NONE]);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    ext.drawBuffersWEBGL([gl.FRONT]);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    // a framebuffer object: COLOR_ATTACHMENT0, NONE... initially; buffer i is COLOR_ATTACHMENTi or NONE
    const t = texture(gl, 2, 2);
    mrtFramebuffer(gl, [t]);
    assert.equal(gl.getParameter(ext.DRAW_BUFFER0_WEBGL), gl.COLOR_ATTACHMENT0);
    assert.equal(gl.getParameter(ext.DRAW_BUFFER1_WEBGL), gl.NONE);
    ext.drawBuffersWEBGL([ext.COLOR_ATTACHMENT1_WEBGL]);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    ext.drawBuffersWEBGL([gl.BACK]);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    ext.drawBuffersWEBGL(new Array(maxDraw + 1).fill(gl.NONE));
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    ext.drawBuffersWEBGL([gl.NONE, ext.COLOR_ATTACHMENT1_WEBGL]);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(gl.getParameter(ext.DRAW_BUFFER0_WEBGL), gl.NONE);
    assert.equal(gl.getParameter(ext.DRAW_BUFFER1_WEBGL), ext.COLOR_ATTACHMENT1_WEBGL);
    // attachment points up to MAX_COLOR_ATTACHMENTS - 1 exist; the next one is INVALID_ENUM
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + maxColor - 1, gl.TEXTURE_2D, texture(gl, 2, 2), 0);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + maxColor - 1, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE), gl.TEXTURE);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + maxColor, gl.TEXTURE_2D, t, 0);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    // attachments of different sizes are incomplete (ES 2.0 § 4.4.5)
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + 2, gl.TEXTURE_2D, texture(gl, 3, 2), 0);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_DIMENSIONS);
  }));
});

describe('WebGL 2: layout(location) outputs, drawBuffers, readBuffer, clearBufferfv', () => {
  test('outputs at locations 0 and 2 land in COLOR_ATTACHMENT0 and 2; readBuffer picks what readPixels reads', () => withGl(4, 4, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    const texs = [0, 1, 2].map(() => texture(g, 4, 4));
    mrtFramebuffer(g, texs);
    gl.drawBuffers([gl.COLOR_ATTACHMENT0, gl.NONE, gl.COLOR_ATTACHMENT2]);
    const p = program(gl, '#version 300 es\nin vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }',
      '#version 300 es\nprecision mediump float;\nlayout(location = 0) out vec4 a;\nlayout(location = 2) out vec4 c;\n'
      + 'void main() { a = vec4(1.0, 0.0, 0.0, 1.0); c = vec4(0.0, 0.0, 1.0, 1.0); }');
    quad(g, p);
    gl.clearColor(0, 1, 0, 1);
    gl.drawBuffers([gl.COLOR_ATTACHMENT0, gl.COLOR_ATTACHMENT1, gl.COLOR_ATTACHMENT2]);
    gl.clear(gl.COLOR_BUFFER_BIT); // all three green
    gl.drawBuffers([gl.COLOR_ATTACHMENT0, gl.NONE, gl.COLOR_ATTACHMENT2]);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const readAt = (i: number) => { gl.readBuffer(gl.COLOR_ATTACHMENT0 + i); return at(read(gl, 4, 4), 4, 1, 1); };
    assert.deepEqual(readAt(0), [255, 0, 0, 255]);
    assert.deepEqual(readAt(1), [0, 255, 0, 255]); // draw buffer NONE: still the clear
    assert.deepEqual(readAt(2), [0, 0, 255, 255]);
    // clearBufferfv(COLOR, 2) clears draw buffer 2 alone
    gl.clearBufferfv(gl.COLOR, 2, [1, 1, 0, 1]);
    assert.deepEqual(readAt(0), [255, 0, 0, 255]);
    assert.deepEqual(readAt(2), [255, 255, 0, 255]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }, { version: 2 }));
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
