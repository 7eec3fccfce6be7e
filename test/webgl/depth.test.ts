/**
 * The depth test compares the fragment's depth converted to the depth buffer's format with the
 * stored value (ES 2.0 § 4.1.5, § 2.12.1): two draws at the same depth give the same stored
 * value, so LESS rejects the second and EQUAL accepts it — in one render pass and across passes
 * (a readPixels in between stores and reloads the 24-bit or 16-bit buffer). Found by the Khronos
 * suite's framebuffer-state-restoration.html, which draws red over green at equal depth.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, program, read, withGl } from './helpers.js';

function setup(gl: WebGLRenderingContext): { z: WebGLUniformLocation; c: WebGLUniformLocation } {
  const p = program(gl, 'attribute vec2 a; uniform float z; void main() { gl_Position = vec4(a, z, 1.0); }',
    'precision mediump float; uniform vec4 c; void main() { gl_FragColor = c; }', { a: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.enable(gl.DEPTH_TEST);
  return { z: gl.getUniformLocation(p, 'z')!, c: gl.getUniformLocation(p, 'c')! };
}

/** Green at depth z with LESS, then red at the same z with `second`; returns pixel (0, 0). */
function twoDraws(gl: WebGLRenderingContext, u: { z: WebGLUniformLocation; c: WebGLUniformLocation }, z: number, second: number, newPass: boolean): number[] {
  gl.depthFunc(gl.LESS);
  gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
  gl.uniform1f(u.z, z);
  gl.uniform4f(u.c, 0, 1, 0, 1);
  gl.drawArrays(gl.TRIANGLES, 0, 6);
  if (newPass) read(gl, 1, 1); // ends the pass: the depth buffer is stored and reloaded
  gl.depthFunc(second);
  gl.uniform4f(u.c, 1, 0, 0, 1);
  gl.drawArrays(gl.TRIANGLES, 0, 6);
  return at(read(gl, 1, 1), 1, 0, 0);
}

const GREEN = [0, 255, 0, 255], RED = [255, 0, 0, 255];

test('equal depth: LESS rejects and EQUAL accepts the second draw (24-bit default depth buffer)', () => withGl(4, 4, (gl) => {
  const u = setup(gl);
  // NDC z 0, 0.3, -0.7 are window depths 0.5, 0.65, 0.15: none is a whole number of 24-bit steps
  for (const z of [0, 0.3, -0.7]) {
    for (const newPass of [false, true]) {
      assert.deepEqual(twoDraws(gl, u, z, gl.LESS, newPass), GREEN, `LESS at z=${z}${newPass ? ', new pass' : ''}`);
      assert.deepEqual(twoDraws(gl, u, z, gl.EQUAL, newPass), RED, `EQUAL at z=${z}${newPass ? ', new pass' : ''}`);
      assert.deepEqual(twoDraws(gl, u, z, gl.GREATER, newPass), GREEN, `GREATER at z=${z}${newPass ? ', new pass' : ''}`);
    }
  }
}));

test('equal depth with a DEPTH_COMPONENT16 renderbuffer', () => withGl(4, 4, (gl) => {
  const u = setup(gl);
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 4, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, tex, 0);
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.DEPTH_COMPONENT16, 4, 4);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.RENDERBUFFER, rb);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  for (const z of [0, 0.3, -0.7]) {
    for (const newPass of [false, true]) {
      assert.deepEqual(twoDraws(gl, u, z, gl.LESS, newPass), GREEN, `LESS at z=${z}${newPass ? ', new pass' : ''}`);
      assert.deepEqual(twoDraws(gl, u, z, gl.EQUAL, newPass), RED, `EQUAL at z=${z}${newPass ? ', new pass' : ''}`);
    }
  }
}));

test('a draw of no vertices or no instances fetches nothing: out-of-range offsets are not an error (WebGL 1.0 § 6.6 counts only fetched vertices)', () => withGl(2, 2, (gl) => {
  // draw-arrays-out-of-bounds.html / draw-elements-out-of-bounds.html: a 3-vertex buffer, then count 0 at first 100
  program(gl, 'attribute vec2 a; void main() { gl_Position = vec4(a, 0.0, 1.0); }', 'precision mediump float; void main() { gl_FragColor = vec4(1.0); }', { a: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(6), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.drawArrays(gl.TRIANGLES, 100, 0);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.drawArrays(gl.TRIANGLES, 1, 3); // vertices 1..3 of 3: past the end
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint8Array([0, 1, 2]), gl.STATIC_DRAW);
  gl.drawElements(gl.TRIANGLES, 0, gl.UNSIGNED_BYTE, 4); // offset past the 3-byte index buffer, but no index read
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.drawElements(gl.TRIANGLES, 3, gl.UNSIGNED_BYTE, 1); // indices 1..3 of 3 bytes: past the end
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));
