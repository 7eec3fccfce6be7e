/**
 * WEBGL_multi_draw: several draws in one call, draw i seeing gl_DrawID = i (GL_ANGLE_multi_draw).
 *
 * The scene: a 12x4 canvas cut into three columns of 4 pixels. The vertex buffer holds three
 * full-height quads as triangle lists, one per column (vertices 0-5: x in [-1, -1/3], 6-11:
 * [-1/3, 1/3], 12-17: [1/3, 1]). The vertex shader colours a vertex by gl_DrawID: 0 red, 1 green,
 * 2 blue, anything else white. So which colour a column shows says which index its draw had —
 * independent of the order of the quads in the buffer, which the tests permute.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { at, program, read, withGl } from './helpers.js';

const W = 12, H = 4;
const RED = [255, 0, 0, 255], GREEN = [0, 255, 0, 255], BLUE = [0, 0, 255, 255], CLEAR = [0, 0, 0, 0];

const VS1 = `#extension GL_ANGLE_multi_draw : require
attribute vec2 pos; varying vec4 c;
void main() {
  c = gl_DrawID == 0 ? vec4(1, 0, 0, 1) : gl_DrawID == 1 ? vec4(0, 1, 0, 1) : gl_DrawID == 2 ? vec4(0, 0, 1, 1) : vec4(1);
  gl_Position = vec4(pos, 0.0, 1.0);
}`;
const FS1 = 'precision mediump float; varying vec4 c; void main() { gl_FragColor = c; }';
// WebGL 2: the instance moves the quad up by half the canvas, and gl_InstanceID is read together with gl_DrawID
const VS3 = `#version 300 es
#extension GL_ANGLE_multi_draw : require
in vec2 pos; out vec4 c;
void main() {
  c = gl_DrawID == 0 ? vec4(1, 0, 0, 1) : gl_DrawID == 1 ? vec4(0, 1, 0, 1) : gl_DrawID == 2 ? vec4(0, 0, 1, 1) : vec4(1);
  gl_Position = vec4(pos.x, pos.y * 0.5 - 0.5 + float(gl_InstanceID), 0.0, 1.0);
}`;
const FS3 = '#version 300 es\nprecision mediump float; in vec4 c; out vec4 o; void main() { o = c; }';

/** Vertices of a full-height quad (two triangles) over column `col` of 3. */
function quad(col: number): number[] {
  const x0 = -1 + (2 * col) / 3, x1 = -1 + (2 * (col + 1)) / 3;
  return [x0, -1, x1, -1, x0, 1, x0, 1, x1, -1, x1, 1];
}
function setup(gl: WebGLRenderingContext, vs: string, fs: string, columns: number[]): void {
  program(gl, vs, fs, { pos: 0 });
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(columns.flatMap(quad)), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.clearColor(0, 0, 0, 0);
  gl.clear(gl.COLOR_BUFFER_BIT);
}
/** The colour of the middle of each column, at row y. */
const columns = (px: Uint8Array, y = 1) => [at(px, W, 2, y), at(px, W, 6, y), at(px, W, 10, y)];

type MultiDraw = {
  multiDrawArraysWEBGL(mode: number, f: Int32Array | number[], fo: number, c: Int32Array | number[], co: number, n: number): void;
  multiDrawElementsWEBGL(mode: number, c: Int32Array | number[], co: number, type: number, o: Int32Array | number[], oo: number, n: number): void;
  multiDrawArraysInstancedWEBGL(mode: number, f: Int32Array | number[], fo: number, c: Int32Array | number[], co: number, i: Int32Array | number[], io: number, n: number): void;
  multiDrawElementsInstancedWEBGL(mode: number, c: Int32Array | number[], co: number, type: number, o: Int32Array | number[], oo: number, i: Int32Array | number[], io: number, n: number): void;
};

describe('WEBGL_multi_draw', () => {
  test('WebGL 1: multiDrawArraysWEBGL draws each range with its own gl_DrawID', () => withGl(W, H, (gl) => {
    const ext = gl.getExtension('WEBGL_multi_draw') as MultiDraw | null;
    assert.ok(ext, 'offered on WebGL 1');
    // the quads in the buffer: column 2 first, then 0, then 1 (vertices 0-5, 6-11, 12-17)
    setup(gl, VS1, FS1, [2, 0, 1]);
    // draw 0 = vertices 6.. (column 0), draw 1 = 12.. (column 1), draw 2 = 0.. (column 2); the lists start at offset 1
    ext.multiDrawArraysWEBGL(gl.TRIANGLES, new Int32Array([99, 6, 12, 0]), 1, [-5, 6, 6, 6], 1, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(columns(read(gl, W, H)), [RED, GREEN, BLUE]);
  }));

  test('gl_DrawID is 0 in an ordinary draw, and a draw after a multi-draw is ordinary again', () => withGl(W, H, (gl) => {
    const ext = gl.getExtension('WEBGL_multi_draw') as MultiDraw;
    setup(gl, VS1, FS1, [0, 1, 2]);
    ext.multiDrawArraysWEBGL(gl.TRIANGLES, [0, 6], 0, [6, 6], 0, 2);
    gl.drawArrays(gl.TRIANGLES, 12, 6);
    assert.deepEqual(columns(read(gl, W, H)), [RED, GREEN, RED]);
  }));

  test('WebGL 1: multiDrawElementsWEBGL takes byte offsets into the element buffer; the instanced form enables ANGLE_instanced_arrays', () => withGl(W, H, (gl) => {
    const ext = gl.getExtension('WEBGL_multi_draw') as MultiDraw;
    setup(gl, VS1, FS1, [0, 1, 2]);
    const e = gl.createBuffer();
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, e);
    // the columns' indices in the order 1, 2, 0: column c's six indices start at byte ((c + 2) % 3) * 12
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 0, 1, 2, 3, 4, 5]), gl.STATIC_DRAW);
    // draws 0, 1, 2 take columns 2, 0, 1
    ext.multiDrawElementsWEBGL(gl.TRIANGLES, [6, 6, 6], 0, gl.UNSIGNED_SHORT, [12, 24, 0], 0, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(columns(read(gl, W, H)), [GREEN, BLUE, RED]);
    // WebGL 1's instanced draws need ANGLE_instanced_arrays; enabling WEBGL_multi_draw enabled it (its VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE is accepted)
    assert.equal(gl.getVertexAttrib(0, 0x88FE /* VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE */), 0);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.clear(gl.COLOR_BUFFER_BIT);
    // one instance each; a draw with 0 instances draws nothing but still takes its index: column 1 (draw 1) stays clear
    ext.multiDrawElementsInstancedWEBGL(gl.TRIANGLES, [6, 6, 6], 0, gl.UNSIGNED_SHORT, [24, 0, 12], 0, [1, 0, 1], 0, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(columns(read(gl, W, H)), [RED, CLEAR, BLUE]);
  }));

  test('WebGL 2: multiDrawArraysInstancedWEBGL — gl_DrawID and gl_InstanceID together', () => withGl(W, H, (gl) => {
    const ext = gl.getExtension('WEBGL_multi_draw') as MultiDraw;
    assert.ok(ext, 'offered on WebGL 2');
    setup(gl, VS3, FS3, [0, 1, 2]);
    // instance 0 covers rows 0-1, instance 1 rows 2-3 (y * 0.5 - 0.5 + instance). Draw 0 (column 0): 2 instances;
    // draw 1 (column 2): 1 instance; draw 2 (column 1): 2 instances
    ext.multiDrawArraysInstancedWEBGL(gl.TRIANGLES, [0, 12, 6], 0, [6, 6, 6], 0, [2, 1, 2], 0, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, W, H);
    assert.deepEqual(columns(px, 1), [RED, BLUE, GREEN], 'instance 0 of every draw');
    assert.deepEqual(columns(px, 3), [RED, BLUE, CLEAR], 'instance 1: draws 0 and 2 had two instances');
  }, { version: 2 }));

  test('bad lists: a negative drawcount is INVALID_VALUE, a list too short for offset + drawcount INVALID_OPERATION, and nothing is drawn', () => withGl(W, H, (gl) => {
    const ext = gl.getExtension('WEBGL_multi_draw') as MultiDraw;
    setup(gl, VS1, FS1, [0, 1, 2]);
    ext.multiDrawArraysWEBGL(gl.TRIANGLES, [0], 0, [6], 0, -1);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    ext.multiDrawArraysWEBGL(gl.TRIANGLES, [0, 6, 12], 1, [6, 6, 6], 0, 3);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'firsts from offset 1 hold only 2 entries');
    ext.multiDrawArraysInstancedWEBGL(gl.TRIANGLES, [0, 6], 0, [6, 6], 0, [1], 0, 2);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'one instance count for two draws');
    // drawcount 0 with empty lists is valid and draws nothing
    ext.multiDrawArraysWEBGL(gl.TRIANGLES, [], 0, [], 0, 0);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // a list that is neither an Int32Array nor a sequence is a WebIDL TypeError
    assert.throws(() => ext.multiDrawArraysWEBGL(gl.TRIANGLES, 5 as unknown as number[], 0, [6], 0, 1), TypeError);
    assert.deepEqual(columns(read(gl, W, H)), [CLEAR, CLEAR, CLEAR]);
  }));

  test('gl_DrawID needs the extension: without getExtension the shader does not compile', () => withGl(W, H, (gl) => {
    for (const src of [VS1, VS1.replace('#extension GL_ANGLE_multi_draw : require\n', '')]) {
      const s = gl.createShader(gl.VERTEX_SHADER)!;
      gl.shaderSource(s, src);
      gl.compileShader(s);
      assert.equal(gl.getShaderParameter(s, gl.COMPILE_STATUS), false, gl.getShaderInfoLog(s) ?? '');
    }
    assert.equal(gl.getSupportedExtensions()!.includes('WEBGL_multi_draw'), true);
  }));
});
