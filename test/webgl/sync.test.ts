/** Tiler-driver behaviour: buffer orphaning inside a pass, texture updates between draws, render-target uploads, both machine modes. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import type { AkariWebGLRenderingContext } from '../../src/webgl/context.js';

function program(gl: WebGLRenderingContext, vs: string, fs: string): WebGLProgram {
  const mk = (type: number, src: string) => { const s = gl.createShader(type)!; gl.shaderSource(s, src); gl.compileShader(s); assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s)!); return s; };
  const p = gl.createProgram();
  gl.attachShader(p, mk(gl.VERTEX_SHADER, vs));
  gl.attachShader(p, mk(gl.FRAGMENT_SHADER, fs));
  gl.bindAttribLocation(p, 0, 'pos');
  gl.linkProgram(p);
  assert.ok(gl.getProgramParameter(p, gl.LINK_STATUS), gl.getProgramInfoLog(p)!);
  gl.useProgram(p);
  return p;
}
function read(gl: WebGLRenderingContext, w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
  return px;
}
const at = (px: Uint8Array, w: number, x: number, y: number) => Array.from(px.subarray((y * w + x) * 4, (y * w + x) * 4 + 4));

/** A small scene exercising most paths; returns its pixels. */
function scene(gl: AkariWebGLRenderingContext): Uint8Array {
  const p = program(gl, 'attribute vec2 pos; varying vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, pos.x * 0.5, 1.0); }',
    'precision mediump float; uniform sampler2D t; uniform vec4 tint; varying vec2 uv; void main() { gl_FragColor = texture2D(t, uv) * tint + vec4(uv, 0.0, 0.0) * 0.25; }');
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, tex);
  const data = new Uint8Array(16 * 16 * 4).map((_, i) => (i * 37) & 255);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 16, 16, 0, gl.RGBA, gl.UNSIGNED_BYTE, data);
  gl.generateMipmap(gl.TEXTURE_2D);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR_MIPMAP_LINEAR);
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-0.9, -0.8, 0.7, -0.9, -0.2, 0.95, 0.9, 0.6, -1, 0.3]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.enable(gl.DEPTH_TEST);
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
  gl.clearColor(0.1, 0.2, 0.3, 1);
  gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
  gl.uniform4f(gl.getUniformLocation(p, 'tint'), 1, 0.8, 0.6, 0.7);
  gl.drawArrays(gl.TRIANGLE_FAN, 0, 5);
  gl.drawArrays(gl.LINE_LOOP, 0, 5);
  return read(gl, 48, 40);
}

describe('webgl sync and passes', () => {
  test('worker and deterministic machines produce bit-identical images', () => {
    const imgs = [true, false].map((deterministic) => {
      const gl = createWebGLContext(48, 40, { deterministic });
      try { return scene(gl); } finally { gl.destroy(); }
    });
    assert.ok(imgs[0]!.some((v, i) => i % 4 !== 3 && v !== imgs[0]![0]), 'the scene drew something');
    assert.deepEqual(imgs[0], imgs[1]);
  });

  test('bufferSubData after a draw in the same pass does not change that draw (orphaning)', () => {
    const gl = createWebGLContext(8, 8, { deterministic: true });
    try {
      program(gl, 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }', 'precision mediump float; void main() { gl_FragColor = vec4(1.0); }');
      const b = gl.createBuffer();
      gl.bindBuffer(gl.ARRAY_BUFFER, b);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 0, -1, -1, 1, 0, 1]), gl.STATIC_DRAW); // left half
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      gl.bufferSubData(gl.ARRAY_BUFFER, 0, new Float32Array([0, -1, 1, -1, 0, 0, 1, 0])); // bottom-right quarter
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      const px = read(gl, 8, 8);
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) assert.equal(at(px, 8, x, y)[0], x < 4 || y < 4 ? 255 : 0, `${x},${y}`);
      assert.equal(gl.gpu.stats.submits, 1); // no flush was needed
    } finally { gl.destroy(); }
  });

  test('texSubImage2D between two draws sampling it: each draw sees its own contents', () => {
    const gl = createWebGLContext(8, 8, { deterministic: true });
    try {
      program(gl, 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }',
        'precision mediump float; uniform sampler2D t; void main() { gl_FragColor = texture2D(t, vec2(0.5)); }');
      const tex = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, tex);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([255, 0, 0, 255]));
      const b = gl.createBuffer();
      gl.bindBuffer(gl.ARRAY_BUFFER, b);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 0, -1, -1, 1, 0, 1, 0, -1, 1, -1, 0, 1, 1, 1]), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([0, 0, 255, 255]));
      gl.drawArrays(gl.TRIANGLE_STRIP, 4, 4);
      const px = read(gl, 8, 8);
      assert.deepEqual(at(px, 8, 1, 1), [255, 0, 0, 255]);
      assert.deepEqual(at(px, 8, 6, 6), [0, 0, 255, 255]);
    } finally { gl.destroy(); }
  });

  test('uploading into the bound render target flushes the pending pass first', () => {
    const gl = createWebGLContext(4, 4, { deterministic: true });
    try {
      const tex = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, tex);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 4, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
      gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
      gl.clearColor(0, 1, 0, 1);
      gl.clear(gl.COLOR_BUFFER_BIT); // pending: a pass with a clear
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 1, 1, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([9, 8, 7, 6]));
      const px = read(gl, 4, 4);
      assert.deepEqual(at(px, 4, 1, 1), [9, 8, 7, 6]);
      assert.deepEqual(at(px, 4, 2, 2), [0, 255, 0, 255]);
    } finally { gl.destroy(); }
  });
});
