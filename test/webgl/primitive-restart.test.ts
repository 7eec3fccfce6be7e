/**
 * Primitive restart in WebGL 2 (WebGL 2.0 § 5.18: PRIMITIVE_RESTART_FIXED_INDEX
 * is always on): in drawElements an index of all ones for the index type
 * (0xff, 0xffff, 0xffffffff) fetches no vertex and ends the strip or fan in
 * progress; the next indices start a new one (DRAW primitive_restart, the
 * tiler splitting the index stream). The restart index is no vertex the
 * attribute arrays must hold. In WebGL 1 it is an ordinary index.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { at, program, read, withGl } from './helpers.js';

const VS = `attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); gl_PointSize = 1.0; }`;
const FS = `precision mediump float; void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); }`;
/**
 * An 8x2 canvas: a quad over pixel columns 0-1 (x in [-1, -0.5]) as vertices 0-3 and one over
 * columns 6-7 (x in [0.5, 1]) as vertices 4-7, each in strip order (bottom left, bottom right, top left, top right).
 */
const QUADS = [-1, -1, -0.5, -1, -1, 1, -0.5, 1, 0.5, -1, 1, -1, 0.5, 1, 1, 1];

function setup(gl: WebGLRenderingContext, indices: ArrayBufferView): void {
  program(gl, VS, FS, { p: 0 });
  const vb = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, vb);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(QUADS), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  const ib = gl.createBuffer();
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, ib);
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, indices, gl.STATIC_DRAW);
}
/** which of the 8 columns of row 0 are red */
const columns = (gl: WebGLRenderingContext): string => { const px = read(gl, 8, 2); return Array.from({ length: 8 }, (_, x) => (at(px, 8, x, 0)[0] ? 'x' : '.')).join(''); };

describe('primitive restart', () => {
  for (const [name, Arr, type, R] of [
    ['UNSIGNED_BYTE', Uint8Array, 0x1401, 0xff],
    ['UNSIGNED_SHORT', Uint16Array, 0x1403, 0xffff],
    ['UNSIGNED_INT', Uint32Array, 0x1405, 0xffffffff],
  ] as const) {
    test(`${name}: a strip restarts at ${R.toString(16)}, and nothing bridges the two quads`, () => withGl(8, 2, (g) => {
      const gl = g as unknown as WebGL2RenderingContext;
      setup(gl, new Arr([0, 1, 2, 3, R, 4, 5, 6, 7]));
      gl.drawElements(gl.TRIANGLE_STRIP, 9, type, 0);
      assert.equal(gl.getError(), gl.NO_ERROR);
      // one strip would add triangles (2, 3, 4) and (3, 4, 5) across columns 2-5
      assert.equal(columns(gl), 'xx....xx');
    }, { version: 2 }));
  }

  test('a fan restarts with a new centre; a restart index first, last or twice in a row draws nothing', () => withGl(8, 2, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    // fans (0: 1, 3, 2) and (4: 5, 7, 6) cover the quads; one fan around 0 would cover 0..7
    setup(gl, new Uint16Array([0xffff, 0, 1, 3, 2, 0xffff, 0xffff, 4, 5, 7, 6, 0xffff]));
    gl.drawElements(gl.TRIANGLE_FAN, 12, gl.UNSIGNED_SHORT, 0);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(columns(gl), 'xx....xx');
  }, { version: 2 }));

  test('points: the restart index is no vertex, and the attribute arrays need not reach it', () => withGl(8, 2, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    // vertices 1 and 5 are at (-0.5, -1) and (1, -1): pixel centres are not there, so points at column centres instead
    setup(gl, new Uint32Array([0, 0xffffffff, 1]));
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-0.875, -0.5, 0.875, -0.5]), gl.STATIC_DRAW);
    gl.drawElements(gl.POINTS, 3, gl.UNSIGNED_INT, 0);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(columns(gl), 'x......x');
  }, { version: 2 }));

  test('WebGL 1: 0xffff is an ordinary index, out of range of an 8-vertex array', () => withGl(8, 2, (gl) => {
    setup(gl, new Uint16Array([0, 1, 2, 3, 0xffff, 4, 5, 6, 7]));
    gl.drawElements(gl.TRIANGLE_STRIP, 9, gl.UNSIGNED_SHORT, 0);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  }));
});
