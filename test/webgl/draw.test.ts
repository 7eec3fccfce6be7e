/**
 * Draws through the whole stack: GLSL compiled by the Akari compiler, descriptors packed by the WebGL
 * layer, rendered by the virtual GPU. Expected pixels are reasoned out from the GL rules, not taken from
 * the implementation. Skipped (visibly) only when the compiler module is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { at, program, read, withGl } from './helpers.js';


function quadBuffer(gl: WebGLRenderingContext, x0: number, y0: number, x1: number, y1: number, z = 0): WebGLBuffer {
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([x0, y0, z, x1, y0, z, x0, y1, z, x1, y1, z]), gl.STATIC_DRAW);
  return b;
}

const VS_POS = 'attribute vec3 pos; void main() { gl_Position = vec4(pos, 1.0); }';
const FS_UNIFORM = 'precision mediump float; uniform vec4 color; void main() { gl_FragColor = color; }';

describe('webgl draws', () => {
  test('full-screen quad of a uniform colour', () => withGl(24, 16, (gl) => {
    const p = program(gl, VS_POS, FS_UNIFORM, { pos: 0 });
    quadBuffer(gl, -1, -1, 1, 1);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 0.2, 0.4, 0.6, 0.8);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, 24, 16);
    for (let i = 0; i < 24 * 16; i++) assert.deepEqual(Array.from(px.subarray(i * 4, i * 4 + 4)), [51, 102, 153, 204], `pixel ${i}`);
    assert.deepEqual(Array.from(gl.getUniform(p, gl.getUniformLocation(p, 'color')!) as Float32Array), [0.2, 0.4, 0.6, 0.8].map(Math.fround));
  }));

  test('two-colour split at a known edge, GL y up', () => withGl(16, 16, (gl) => {
    const p = program(gl, VS_POS, FS_UNIFORM, { pos: 0 });
    const loc = gl.getUniformLocation(p, 'color');
    gl.enableVertexAttribArray(0);
    // Bottom half (NDC y in [-1, 0]) red; top half green. NDC y = 0 is window y = 8: rows 0..7 red, 8..15 green.
    quadBuffer(gl, -1, -1, 1, 0);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.uniform4f(loc, 1, 0, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    quadBuffer(gl, -1, 0, 1, 1);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.uniform4f(loc, 0, 1, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const px = read(gl, 16, 16);
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) assert.deepEqual(at(px, 16, x, y), y < 8 ? [255, 0, 0, 255] : [0, 255, 0, 255], `${x},${y}`);
    assert.equal(gl.gpu.stats.submits, 1); // one render pass: the initial clear (load/store flags) and both draws
  }));

  test('depth test ordering, viewport, scissor', () => withGl(16, 16, (gl) => {
    const p = program(gl, VS_POS, FS_UNIFORM, { pos: 0 });
    const loc = gl.getUniformLocation(p, 'color');
    gl.enableVertexAttribArray(0);
    gl.enable(gl.DEPTH_TEST);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    // Near red (z = -0.5 -> depth 0.25) drawn first, then far blue (z = 0.5 -> 0.75) over the whole screen: red survives where drawn.
    quadBuffer(gl, -1, -1, 0, 1, -0.5);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.uniform4f(loc, 1, 0, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    quadBuffer(gl, -1, -1, 1, 1, 0.5);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.uniform4f(loc, 0, 0, 1, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    // Then a viewport-restricted green quad, scissored to x < 12: viewport (8, 0, 8, 8) covers pixels x 8..15, y 0..7.
    gl.disable(gl.DEPTH_TEST);
    gl.viewport(8, 0, 8, 8);
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(0, 0, 12, 16);
    quadBuffer(gl, -1, -1, 1, 1, 0);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.uniform4f(loc, 0, 1, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const px = read(gl, 16, 16);
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const exp = x >= 8 && x < 12 && y < 8 ? [0, 255, 0, 255] : x < 8 ? [255, 0, 0, 255] : [0, 0, 255, 255];
        assert.deepEqual(at(px, 16, x, y), exp, `${x},${y}`);
      }
    }
  }));

  test('drawElements with a constant (disabled) attribute, blending', () => withGl(8, 8, (gl) => {
    program(gl, 'attribute vec2 pos; attribute vec4 col; varying vec4 v; void main() { v = col; gl_Position = vec4(pos, 0.0, 1.0); }',
      'precision mediump float; varying vec4 v; void main() { gl_FragColor = v; }', { pos: 0, col: 1 });
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, 1, 1, -1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.disableVertexAttribArray(1);
    gl.vertexAttrib4f(1, 0, 0.5, 1, 0.5);
    const e = gl.createBuffer();
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, e);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array([0, 1, 2, 0, 2, 3]), gl.STATIC_DRAW);
    gl.clearColor(1, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    gl.drawElements(gl.TRIANGLES, 6, gl.UNSIGNED_SHORT, 0);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // (0, .5, 1) * .5 + (1, 0, 0) * .5 = (.5, .25, .5); alpha .5*.5 + 1*.5 = .75
    const px = read(gl, 8, 8);
    for (let i = 0; i < 64; i++) assert.deepEqual(Array.from(px.subarray(i * 4, i * 4 + 4)), [128, 64, 128, 191], `pixel ${i}`);
    // An index past the end of the vertex buffer is INVALID_OPERATION (WebGL 1.0 §6.6) and draws nothing.
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array([0, 1, 7]), gl.STATIC_DRAW);
    gl.drawElements(gl.TRIANGLES, 3, gl.UNSIGNED_SHORT, 0);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  }));

  test('texture sampling: 2x2 NEAREST texture over a full-screen quad', () => withGl(8, 8, (gl) => {
    const p = program(gl, 'attribute vec2 pos; varying vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }',
      'precision mediump float; uniform sampler2D t; varying vec2 uv; void main() { gl_FragColor = texture2D(t, uv); }', { pos: 0 });
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.activeTexture(gl.TEXTURE3);
    const tex = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, tex);
    // Row 0 (t < 0.5: bottom) red, green; row 1 blue, white.
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]));
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.uniform1i(gl.getUniformLocation(p, 't'), 3);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, 8, 8);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const exp = y < 4 ? (x < 4 ? [255, 0, 0, 255] : [0, 255, 0, 255]) : (x < 4 ? [0, 0, 255, 255] : [255, 255, 255, 255]);
        assert.deepEqual(at(px, 8, x, y), exp, `${x},${y}`);
      }
    }
    // An incomplete texture (mipmapped min filter, one level) samples as (0, 0, 0, 1).
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(at(read(gl, 8, 8), 8, 1, 1), [0, 0, 0, 255]);
    // generateMipmap makes it complete again.
    gl.generateMipmap(gl.TEXTURE_2D);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.deepEqual(at(read(gl, 8, 8), 8, 7, 7), [255, 255, 255, 255]);
  }));

  test('render to texture, then sample it', () => withGl(8, 8, (gl) => {
    const p = program(gl, VS_POS, FS_UNIFORM, { pos: 0 });
    const tex = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 4, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
    gl.viewport(0, 0, 4, 4);
    quadBuffer(gl, -1, -1, 0, 1);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 1, 1, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, 8, 8);
    program(gl, 'attribute vec2 pos; varying vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }',
      'precision mediump float; uniform sampler2D t; varying vec2 uv; void main() { gl_FragColor = texture2D(t, uv); }', { pos: 0 });
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, 8, 8);
    assert.deepEqual(at(px, 8, 1, 6), [255, 255, 0, 255]);
    assert.deepEqual(at(px, 8, 6, 1), [0, 0, 0, 0]);
  }));
});

test('an enabled array with no buffer fails the draw even when the program does not read it (WebGL 1.0 § 6.5)', () => withGl(2, 2, (gl) => {
  const p = program(gl, VS_POS, FS_UNIFORM);
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 0, 3, -1, 0, -1, 3, 0]), gl.STATIC_DRAW);
  const pos = gl.getAttribLocation(p, 'pos');
  gl.vertexAttribPointer(pos, 3, gl.FLOAT, false, 0, 0);
  gl.enableVertexAttribArray(pos);
  gl.uniform4f(gl.getUniformLocation(p, 'color'), 0, 1, 0, 1);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  assert.equal(gl.getError(), gl.NO_ERROR);
  const unused = pos + 1; // never bound to a buffer
  gl.enableVertexAttribArray(unused);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  assert.deepEqual(at(read(gl, 2, 2), 2, 0, 0), [0, 0, 0, 0], 'nothing was drawn');
  gl.disableVertexAttribArray(unused);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.deepEqual(at(read(gl, 2, 2), 2, 0, 0), [0, 255, 0, 255]);
}));
