/**
 * 4x multisampling (hwdesc MSAA_SAMPLE_POSITIONS): antialiased drawing buffers, multisampled
 * renderbuffers and blitFramebuffer. Expected pixels are worked out from the sample pattern:
 * sample j of pixel (x, y) sits at window position (x + sx_j, y + sy_j) with
 * (sx, sy) = (0.375, 0.125), (0.875, 0.375), (0.125, 0.625), (0.625, 0.875)
 * (window y counts up from the bottom row, which is memory row 0 where the rasteriser works).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGl, program, read, at } from './helpers.js';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { AKARI_MAX_TIMEOUT_MS } from '../../src/uapi/akari.js';

const VS = 'attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }';
const RED = 'precision mediump float; void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); }';

/** Draws triangles given in window coordinates of a w x h buffer, red over opaque black. */
function drawRed(gl: WebGLRenderingContext, w: number, h: number, tris: number[]): void {
  program(gl, VS, RED, { p: 0 });
  const ndc = tris.map((v, i) => (i % 2 ? (v / h) * 2 - 1 : (v / w) * 2 - 1));
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(ndc), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.clearColor(0, 0, 0, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.drawArrays(gl.TRIANGLES, 0, tris.length / 2);
}

test('antialias (the default): a 4x drawing buffer; getContextAttributes and SAMPLES say so', () => {
  withGl(4, 4, (gl) => {
    assert.equal(gl.getContextAttributes()!.antialias, true);
    assert.equal(gl.getParameter(gl.SAMPLE_BUFFERS), 1);
    assert.equal(gl.getParameter(gl.SAMPLES), 4);
  });
  withGl(4, 4, (gl) => {
    assert.equal(gl.getContextAttributes()!.antialias, false);
    assert.equal(gl.getParameter(gl.SAMPLE_BUFFERS), 0);
    assert.equal(gl.getParameter(gl.SAMPLES), 0);
  }, { antialias: false });
});

test('a diagonal edge through a pixel covers 2 of its 4 samples: the resolve is the 50% mix', () => {
  // The triangle (0,0) (4,0) (4,4) is the region y < x. In pixel (1,1) samples 0 (1.375, 1.125) and
  // 1 (1.875, 1.375) have y < x, samples 2 (1.125, 1.625) and 3 (1.625, 1.875) do not: half of red
  // over black, 255 * 2 / 4 = 127.5, rounded to 128. Pixel (2,1) is wholly inside (every sample),
  // pixel (1,2) wholly outside; on the diagonal no sample lies on the edge.
  const aa = withGl(4, 4, (gl) => { drawRed(gl, 4, 4, [0, 0, 4, 0, 4, 4]); return read(gl, 4, 4); });
  assert.deepEqual(at(aa, 4, 1, 1), [128, 0, 0, 255]);
  assert.deepEqual(at(aa, 4, 2, 2), [128, 0, 0, 255]);
  assert.deepEqual(at(aa, 4, 2, 1), [255, 0, 0, 255]);
  assert.deepEqual(at(aa, 4, 1, 2), [0, 0, 0, 255]);
  // full coverage is the single-sampled colour exactly
  const single = withGl(4, 4, (gl) => { drawRed(gl, 4, 4, [0, 0, 4, 0, 4, 4]); return read(gl, 4, 4); }, { antialias: false });
  assert.deepEqual(at(single, 4, 2, 1), at(aa, 4, 2, 1));
  assert.deepEqual(at(single, 4, 3, 0), at(aa, 4, 3, 0));
});

test('a vertical edge at x = 1.5 covers samples 0 and 2 of the pixels in column 1', () => {
  // sample x positions in column 1: 1.375, 1.875, 1.125, 1.625; x < 1.5 holds for samples 0 and 2
  const px = withGl(4, 4, (gl) => { drawRed(gl, 4, 4, [0, 0, 1.5, 0, 1.5, 4, 0, 0, 1.5, 4, 0, 4]); return read(gl, 4, 4); });
  for (let y = 0; y < 4; y++) {
    assert.deepEqual(at(px, 4, 0, y), [255, 0, 0, 255], `row ${y} column 0`);
    assert.deepEqual(at(px, 4, 1, y), [128, 0, 0, 255], `row ${y} column 1`);
    assert.deepEqual(at(px, 4, 2, y), [0, 0, 0, 255], `row ${y} column 2`);
  }
});

/** A w x h RGBA8 texture framebuffer (bound to FRAMEBUFFER) with `data` (rows bottom first, or null). */
function textureFb(gl: WebGL2RenderingContext, w: number, h: number, data: Uint8Array | null): WebGLFramebuffer {
  const t = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, data);
  const fb = gl.createFramebuffer()!;
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  return fb;
}

const R = [255, 0, 0, 255], G = [0, 255, 0, 255], B = [0, 0, 255, 255], Wh = [255, 255, 255, 255];
/** 2x2: (0,0) red, (1,0) green, (0,1) blue, (1,1) white */
const quad2 = () => new Uint8Array([...R, ...G, ...B, ...Wh]);

function with2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  return withGl(w, h, (gl) => fn(gl as unknown as WebGL2RenderingContext), { version: 2 });
}

test('blitFramebuffer NEAREST scales 2x2 up to 4x4: each destination pixel takes the texel under its centre', () => {
  with2(4, 4, (gl) => {
    const src = textureFb(gl, 2, 2, quad2());
    const dst = textureFb(gl, 4, 4, null);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, src);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, dst);
    gl.blitFramebuffer(0, 0, 2, 2, 0, 0, 4, 4, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.bindFramebuffer(gl.FRAMEBUFFER, dst);
    const px = read(gl, 4, 4);
    // centre x + 0.5 maps to source (x + 0.5) / 2: 0.25, 0.75 -> texel 0; 1.25, 1.75 -> texel 1 (likewise y)
    const want = [[R, R, G, G], [R, R, G, G], [B, B, Wh, Wh], [B, B, Wh, Wh]];
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) assert.deepEqual(at(px, 4, x, y), want[y]![x], `(${x}, ${y})`);
  });
});

test('blitFramebuffer flips: a reversed destination x range mirrors, a reversed source y range turns upside down', () => {
  with2(2, 2, (gl) => {
    const src = textureFb(gl, 2, 2, quad2());
    const dst = textureFb(gl, 2, 2, null);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, src);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, dst);
    // destination x from 2 to 0: pixel x's centre maps to source 2 - (x + 0.5), texel 1 - x
    gl.blitFramebuffer(0, 0, 2, 2, 2, 0, 0, 2, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    gl.bindFramebuffer(gl.FRAMEBUFFER, dst);
    let px = read(gl, 2, 2);
    assert.deepEqual([at(px, 2, 0, 0), at(px, 2, 1, 0), at(px, 2, 0, 1), at(px, 2, 1, 1)], [G, R, Wh, B]);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, src);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, dst);
    gl.blitFramebuffer(0, 2, 2, 0, 0, 0, 2, 2, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    gl.bindFramebuffer(gl.FRAMEBUFFER, dst);
    px = read(gl, 2, 2);
    assert.deepEqual([at(px, 2, 0, 0), at(px, 2, 1, 0), at(px, 2, 0, 1), at(px, 2, 1, 1)], [B, Wh, R, G]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  });
});

test('a multisampled renderbuffer: drawn with 4 samples, resolved by blitFramebuffer into a texture (the 50% edge)', () => {
  with2(4, 4, (gl) => {
    const rb = gl.createRenderbuffer();
    gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
    // 2 samples asked for: rounded up to the hardware's 4
    gl.renderbufferStorageMultisample(gl.RENDERBUFFER, 2, gl.RGBA8, 4, 4);
    assert.equal(gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_SAMPLES), 4);
    const ms = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, ms);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    assert.equal(gl.getParameter(gl.SAMPLES), 4);
    drawRed(gl, 4, 4, [0, 0, 4, 0, 4, 4]);
    // a multisampled framebuffer cannot be read (ES 3.0 § 4.3.1)
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    const dst = textureFb(gl, 4, 4, null);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, ms);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, dst);
    // a resolve needs the same rectangles
    gl.blitFramebuffer(0, 0, 4, 4, 0, 0, 2, 2, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    gl.blitFramebuffer(0, 0, 4, 4, 0, 0, 4, 4, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.bindFramebuffer(gl.FRAMEBUFFER, dst);
    const px = read(gl, 4, 4);
    // as the drawing buffer's test: pixel (1,1) has samples 0 and 1 below the diagonal
    assert.deepEqual(at(px, 4, 1, 1), [128, 0, 0, 255]);
    assert.deepEqual(at(px, 4, 2, 1), [255, 0, 0, 255]);
    assert.deepEqual(at(px, 4, 1, 2), [0, 0, 0, 255]);
  });
});

test('multisample storage and blit errors (ES 3.0 § 4.4.2.1, § 4.3.3, WebGL 2.0)', () => {
  with2(4, 4, (gl) => {
    assert.deepEqual(Array.from(gl.getInternalformatParameter(gl.RENDERBUFFER, gl.RGBA8, gl.SAMPLES)), [4]);
    assert.deepEqual(Array.from(gl.getInternalformatParameter(gl.RENDERBUFFER, gl.RGBA8UI, gl.SAMPLES)), []);
    const rb = gl.createRenderbuffer();
    gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
    gl.renderbufferStorageMultisample(gl.RENDERBUFFER, 4, gl.RGBA8UI, 4, 4);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'integer formats have no samples');
    gl.renderbufferStorageMultisample(gl.RENDERBUFFER, 5, gl.RGBA8, 4, 4);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'more than MAX_SAMPLES');
    gl.renderbufferStorageMultisample(gl.RENDERBUFFER, -1, gl.RGBA8, 4, 4);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    // a multisampled colour buffer with a single-sampled depth buffer: incomplete
    gl.renderbufferStorageMultisample(gl.RENDERBUFFER, 4, gl.RGBA8, 4, 4);
    const depth = gl.createRenderbuffer();
    gl.bindRenderbuffer(gl.RENDERBUFFER, depth);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, 4, 4);
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, depth);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_MULTISAMPLE);
    const a = textureFb(gl, 2, 2, quad2());
    // the same image as source and destination
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, a);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, a);
    gl.blitFramebuffer(0, 0, 1, 1, 1, 1, 2, 2, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    // into the antialiased (multisampled) drawing buffer
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null);
    gl.blitFramebuffer(0, 0, 2, 2, 0, 0, 2, 2, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    // float source into an integer destination
    const it = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, it);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8UI, 2, 2, 0, gl.RGBA_INTEGER, gl.UNSIGNED_BYTE, null);
    const ifb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, ifb);
    gl.framebufferTexture2D(gl.DRAW_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, it, 0);
    gl.blitFramebuffer(0, 0, 2, 2, 0, 0, 2, 2, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    gl.blitFramebuffer(0, 0, 2, 2, 0, 0, 2, 2, gl.DEPTH_BUFFER_BIT, gl.LINEAR);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    gl.blitFramebuffer(0, 0, 2, 2, 0, 0, 2, 2, 0x8000, gl.NEAREST);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    gl.blitFramebuffer(0, 0, 2, 2, 0, 0, 2, 2, gl.COLOR_BUFFER_BIT, gl.LINEAR_MIPMAP_LINEAR);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
  });
});

test('antialiased rendering is byte-identical deterministic (1 core) and threaded (3 cores), blending and depth included', () => {
  // 96 x 80: twelve tiles; overlapping blended, depth-tested triangles whose edges cut through pixels at random
  const render = (deterministic: boolean, cores: number): Uint8Array => {
    const gl = createWebGLContext(96, 80, { deterministic, machine: { cores, firmware: 'v2' }, jobTimeoutMs: AKARI_MAX_TIMEOUT_MS, preserveDrawingBuffer: true });
    try {
      program(gl, 'attribute vec3 p; attribute vec4 c; varying vec4 v; void main() { v = c; gl_Position = vec4(p, 1.0); }',
        'precision mediump float; varying vec4 v; void main() { gl_FragColor = v; }', { p: 0, c: 1 });
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      const data: number[] = [];
      for (let t = 0; t < 60; t++) for (let k = 0; k < 3; k++) data.push(rnd() * 2.4 - 1.2, rnd() * 2.4 - 1.2, rnd() * 2 - 1, rnd(), rnd(), rnd(), 0.3 + rnd() * 0.7);
      gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(data), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 28, 0);
      gl.enableVertexAttribArray(1);
      gl.vertexAttribPointer(1, 4, gl.FLOAT, false, 28, 12);
      gl.enable(gl.DEPTH_TEST);
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
      gl.clearColor(0.1, 0.2, 0.3, 1);
      gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
      gl.drawArrays(gl.TRIANGLES, 0, 180);
      return read(gl, 96, 80);
    } finally { gl.destroy(); }
  };
  const a = render(true, 1), b = render(false, 3);
  assert.ok(Buffer.from(a).equals(Buffer.from(b)), 'same bytes');
});
