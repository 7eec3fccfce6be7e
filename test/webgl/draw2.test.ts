/** More draws: stencil (and stencil-only clears drawn as quads), instancing, VAOs, cube maps, lines/points, BO reuse, PNG. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { at, program, read, withGl } from './helpers.js';
import { drawingBufferToPng } from '../../src/webgl/png.js';


const VS = 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); gl_PointSize = 2.0; }';
const FS = 'precision mediump float; uniform vec4 color; void main() { gl_FragColor = color; }';
function verts(gl: WebGLRenderingContext, data: number[]): void {
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(data), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
}
const FULL = [-1, -1, 1, -1, -1, 1, 1, 1];

describe('webgl draws (2)', () => {
  test('stencil: a scissored stencil-only clear (a quad), then EQUAL-tested draws', () => withGl(8, 8, (gl) => {
    assert.equal(gl.getParameter(gl.STENCIL_BITS), 8);
    const p = program(gl, VS, FS, { pos: 0 });
    verts(gl, FULL);
    gl.clearStencil(0);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.STENCIL_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(0, 0, 3, 8);
    gl.clearStencil(5);
    gl.clear(gl.STENCIL_BUFFER_BIT); // depth must be preserved: drawn as a quad
    gl.disable(gl.SCISSOR_TEST);
    gl.enable(gl.STENCIL_TEST);
    gl.stencilFunc(gl.EQUAL, 5, 0xff);
    gl.stencilOp(gl.KEEP, gl.KEEP, gl.INCR);
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 1, 0, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); // x < 3: passes, stencil -> 6
    gl.stencilFunc(gl.EQUAL, 0, 0xff);
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 0, 0, 1, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); // x >= 3: passes
    gl.stencilFunc(gl.EQUAL, 6, 0xff);
    gl.colorMask(false, true, false, false);
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 1, 1, 1, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); // x < 3: green channel on
    gl.colorMask(true, true, true, true);
    const px = read(gl, 8, 8);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) assert.deepEqual(at(px, 8, x, y), x < 3 ? [255, 255, 0, 255] : [0, 0, 255, 255], `${x},${y}`);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }, { stencil: true }));

  test('clears honour depthMask(false) and stencilMask: masked depth/stencil stay as they were', () => withGl(8, 8, (gl) => {
    const p = program(gl, 'attribute vec3 pos; void main() { gl_Position = vec4(pos, 1.0); }', FS, { pos: 0 });
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 0, 1, -1, 0, -1, 1, 0, 1, 1, 0]), gl.STATIC_DRAW); // depth 0.5
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.clearDepth(0.25);
    gl.clearStencil(3);
    gl.clear(gl.DEPTH_BUFFER_BIT | gl.STENCIL_BUFFER_BIT | gl.COLOR_BUFFER_BIT);
    gl.depthMask(false);
    gl.stencilMask(0x0c); // only bits 2..3 of the stencil clear value 0xff land: 3 -> (3 & ~0xc) | (0xff & 0xc) = 15
    gl.clearDepth(1);
    gl.clearStencil(0xff);
    gl.clear(gl.DEPTH_BUFFER_BIT | gl.STENCIL_BUFFER_BIT);
    gl.depthMask(true);
    gl.stencilMask(0xff);
    gl.enable(gl.DEPTH_TEST);
    gl.enable(gl.STENCIL_TEST);
    gl.stencilFunc(gl.EQUAL, 15, 0xff);
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 1, 0, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); // depth 0.5 vs the kept 0.25: fails -> nothing drawn
    gl.depthFunc(gl.GREATER);
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 0, 1, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4); // passes depth, and stencil == 15
    assert.deepEqual(at(read(gl, 8, 8), 8, 4, 4), [0, 255, 0, 255]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }, { stencil: true }));

  test('ANGLE_instanced_arrays and OES_vertex_array_object', () => withGl(8, 4, (gl) => {
    const inst = gl.getExtension('ANGLE_instanced_arrays')!;
    const vaoExt = gl.getExtension('OES_vertex_array_object')!;
    program(gl, 'attribute vec2 pos; attribute float off; attribute vec4 col; varying vec4 v; void main() { v = col; gl_Position = vec4(pos.x * 0.25 + off, pos.y, 0.0, 1.0); }',
      'precision mediump float; varying vec4 v; void main() { gl_FragColor = v; }', { pos: 0, off: 1, col: 2 });
    const vao = vaoExt.createVertexArrayOES();
    vaoExt.bindVertexArrayOES(vao);
    verts(gl, [-1, -1, 1, -1, -1, 1, 1, 1]); // a quad 0.5 NDC wide (2 pixels)
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    // Instance offsets: quads centred at NDC -0.75, -0.25, 0.25, 0.75 -> pixel columns [0,2), [2,4), [4,6), [6,8).
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-0.75, -0.25, 0.25, 0.75]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 1, gl.FLOAT, false, 0, 0);
    inst.vertexAttribDivisorANGLE(1, 1);
    const c = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, c);
    gl.bufferData(gl.ARRAY_BUFFER, new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(2);
    gl.vertexAttribPointer(2, 4, gl.UNSIGNED_BYTE, true, 0, 0);
    inst.vertexAttribDivisorANGLE(2, 2); // colour changes every two instances
    vaoExt.bindVertexArrayOES(null);
    gl.disableVertexAttribArray(0); // default VAO: does not touch the bound VAO's state
    vaoExt.bindVertexArrayOES(vao);
    inst.drawArraysInstancedANGLE(gl.TRIANGLE_STRIP, 0, 4, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, 8, 4);
    for (let x = 0; x < 8; x++) assert.deepEqual(at(px, 8, x, 1), x < 4 ? [255, 0, 0, 255] : [0, 255, 0, 255], `${x}`);
    // 5 instances need 3 colours: out of range.
    inst.drawArraysInstancedANGLE(gl.TRIANGLE_STRIP, 0, 4, 5);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    // every array the program reads instanced: INVALID_OPERATION (the extension: "none of the enabled attributes
    // have a VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE of zero"); an enabled array the program does not read does not count
    gl.enableVertexAttribArray(3);
    gl.vertexAttribPointer(3, 1, gl.FLOAT, false, 0, 0);
    inst.vertexAttribDivisorANGLE(0, 1);
    inst.drawArraysInstancedANGLE(gl.TRIANGLE_STRIP, 0, 4, 4);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    const e = gl.createBuffer();
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, e);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array([0, 1, 2, 3]), gl.STATIC_DRAW);
    inst.drawElementsInstancedANGLE(gl.TRIANGLE_STRIP, 4, gl.UNSIGNED_SHORT, 0, 4);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    inst.vertexAttribDivisorANGLE(0, 0);
    inst.drawElementsInstancedANGLE(gl.TRIANGLE_STRIP, 4, gl.UNSIGNED_SHORT, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('cube map sampling picks the face of the major axis', () => withGl(4, 4, (gl) => {
    const p = program(gl, VS, 'precision mediump float; uniform samplerCube c; uniform vec3 dir; void main() { gl_FragColor = textureCube(c, dir); }', { pos: 0 });
    verts(gl, FULL);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_CUBE_MAP, t);
    const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255]];
    colours.forEach((c, f) => gl.texImage2D(gl.TEXTURE_CUBE_MAP_POSITIVE_X + f, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([...c, 255])));
    gl.texParameteri(gl.TEXTURE_CUBE_MAP, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    const dirs = [[1, 0.1, 0.2], [-1, 0.1, 0.2], [0.1, 1, 0.2], [0.1, -1, 0.2], [0.1, 0.2, 1], [0.1, 0.2, -1]];
    dirs.forEach((d, f) => {
      gl.uniform3fv(gl.getUniformLocation(p, 'dir'), d);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      assert.deepEqual(at(read(gl, 4, 4), 4, 2, 2), [...colours[f]!, 255], `face ${f}`);
    });
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('points and lines', () => withGl(8, 8, (gl) => {
    const p = program(gl, VS, FS, { pos: 0 });
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 1, 1, 1, 1);
    // A 2x2 point centred at window (4, 4) covers pixels 3..4 in x and y.
    verts(gl, [0, 0]);
    gl.drawArrays(gl.POINTS, 0, 1);
    let px = read(gl, 8, 8);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) assert.equal(at(px, 8, x, y)[0], x >= 3 && x <= 4 && y >= 3 && y <= 4 ? 255 : 0, `${x},${y}`);
    gl.clear(gl.COLOR_BUFFER_BIT);
    // A horizontal line along window y = 1.5 (NDC -0.625) from x = 0 to 8: row 1 only.
    verts(gl, [-1, -0.625, 1, -0.625]);
    gl.drawArrays(gl.LINES, 0, 2);
    px = read(gl, 8, 8);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) assert.equal(at(px, 8, x, y)[0], y === 1 ? 255 : 0, `${x},${y}`);
  }));

  test('gl_PointCoord and gl_FragCoord follow GL on the y-up surface (t = 0 at the top of a point)', () => withGl(8, 8, (gl) => {
    program(gl, 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); gl_PointSize = 8.0; }',
      'precision mediump float; void main() { gl_FragColor = vec4(gl_PointCoord, gl_FragCoord.y / 8.0, 1.0); }', { pos: 0 });
    verts(gl, [0, 0]);
    gl.drawArrays(gl.POINTS, 0, 1);
    const px = read(gl, 8, 8);
    // ES 2.0 §3.3.1: s = 1/2 + (x + 1/2 - xw) / size, t = 1/2 - (y + 1/2 - yw) / size, centre (4, 4), size 8.
    // Bottom-left pixel (0, 0): s = t = 1/16 + 1/2 ... s = 0.0625, t = 0.9375; gl_FragCoord.y = 0.5.
    assert.deepEqual(at(px, 8, 0, 0), [16, 239, 16, 255]);
    // Top-left pixel (0, 7): s = 0.0625, t = 0.0625; gl_FragCoord.y = 7.5.
    assert.deepEqual(at(px, 8, 0, 7), [16, 16, 239, 255]);
  }));

  test('freed buffers return their BOs to the pool; PNG of the drawing buffer is top row first', () => withGl(4, 4, (gl) => {
    const p = program(gl, VS, FS, { pos: 0 });
    gl.uniform4f(gl.getUniformLocation(p, 'color'), 0, 1, 0, 1);
    verts(gl, [-1, 0, 1, 0, -1, 1, 1, 1]); // top half
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const created = gl.gpu.stats.bosCreated;
    for (let i = 0; i < 5; i++) {
      const b = gl.createBuffer();
      gl.bindBuffer(gl.ARRAY_BUFFER, b);
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(FULL), gl.STATIC_DRAW);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      gl.drawArrays(gl.POINTS, 0, 1); // a point at the bottom-left corner
      gl.deleteBuffer(b);
      gl.finish();
    }
    assert.ok(gl.gpu.stats.bosReused > 0);
    assert.ok(gl.gpu.stats.bosCreated - created <= 2, `created ${gl.gpu.stats.bosCreated - created}`);
    const png = PNG.sync.read(Buffer.from(drawingBufferToPng(gl)));
    assert.deepEqual(Array.from(png.data.subarray(0, 4)), [0, 255, 0, 255]); // image row 0 = GL top row
    assert.deepEqual(Array.from(png.data.subarray(png.data.length - 4)), [0, 0, 0, 0]);
  }));
});
