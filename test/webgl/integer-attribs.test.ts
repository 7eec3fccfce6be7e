/**
 * WebGL 2's integer vertex attributes (ES 3.0 § 2.8, § 2.7): vertexAttribIPointer
 * arrays and vertexAttribI4i/ui current values reach `in ivec4`/`in uvec4`
 * exactly — the vertex fetch sign- or zero-extends each type to 32 bits and
 * hands over the integer (ATTRIBUTE.integer), never a float, so values no
 * float holds (0xffffffff, -2^31, 2^31 - 1) arrive bit for bit, and a missing
 * w is the integer 1. vertexAttribPointer of INT and UNSIGNED_INT converts to
 * float (normalized or not). The file runs again under AKARI_SHADER=interp and js.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { at, program, read, withGl } from './helpers.js';

const VS = `#version 300 es
layout(location = 0) in vec4 pos;
layout(location = 1) in ivec4 si;
layout(location = 2) in uvec4 ui;
layout(location = 3) in uvec4 us;
layout(location = 4) in vec2 fi;
layout(location = 5) in float fn;
layout(location = 6) in uvec4 cu;
layout(location = 7) in ivec4 ci;
flat out int ok;
void main() {
  int v = gl_VertexID, k = 0;
  if (si == ivec4(-128, 127, -1, v)) k |= 1;
  if (ui == uvec4(0xffffffffu, 0x80000000u, 7u, uint(v))) k |= 2;
  if (us == uvec4(65535u, 0u, uint(v), 1u)) k |= 4; // three components: w is the integer 1
  if (fi == vec2(-5.0, float(v) * 1000.0)) k |= 8;
  if (fn == 1.0) k |= 16;
  if (cu == uvec4(0xfffffffeu, 1u, 2u, 3u)) k |= 32;
  if (ci == ivec4(-2147483647 - 1, -1, 0, 2147483647)) k |= 64;
  ok = k;
  gl_Position = pos;
}`;
const FS = `#version 300 es
precision mediump float;
flat in int ok;
out vec4 o;
void main() { o = vec4(float(ok) / 255.0, 0.0, 0.0, 1.0); }`;

function array(gl: WebGL2RenderingContext, data: ArrayBufferView): void {
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
}

describe('integer vertex attributes', () => {
  test('vertexAttribIPointer arrays and vertexAttribI4i/ui values arrive as the exact integers; INT arrays through vertexAttribPointer as floats', () => withGl(4, 4, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    program(gl, VS, FS);
    array(gl, new Float32Array([-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1]));
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 0, 0);
    // per vertex v: BYTE (-128, 127, -1, v)
    array(gl, new Int8Array([-128, 127, -1, 0, -128, 127, -1, 1, -128, 127, -1, 2]));
    gl.enableVertexAttribArray(1);
    gl.vertexAttribIPointer(1, 4, gl.BYTE, 0, 0);
    // UNSIGNED_INT (0xffffffff, 0x80000000, 7, v)
    array(gl, new Uint32Array([0xffffffff, 0x80000000, 7, 0, 0xffffffff, 0x80000000, 7, 1, 0xffffffff, 0x80000000, 7, 2]));
    gl.enableVertexAttribArray(2);
    gl.vertexAttribIPointer(2, 4, gl.UNSIGNED_INT, 0, 0);
    // UNSIGNED_SHORT, three components (65535, 0, v), 8 bytes apart
    array(gl, new Uint16Array([65535, 0, 0, 0, 65535, 0, 1, 0, 65535, 0, 2, 0]));
    gl.enableVertexAttribArray(3);
    gl.vertexAttribIPointer(3, 3, gl.UNSIGNED_SHORT, 8, 0);
    // INT through vertexAttribPointer: converted to float (-5, 1000 v); normalized INT 2^31 - 1 is 1.0
    array(gl, new Int32Array([-5, 0, 0x7fffffff, -5, 1000, 0x7fffffff, -5, 2000, 0x7fffffff]));
    gl.enableVertexAttribArray(4);
    gl.vertexAttribPointer(4, 2, gl.INT, false, 12, 0);
    gl.enableVertexAttribArray(5);
    gl.vertexAttribPointer(5, 1, gl.INT, true, 12, 8);
    gl.vertexAttribI4ui(6, 0xfffffffe, 1, 2, 3);
    gl.vertexAttribI4iv(7, [-2147483648, -1, 0, 2147483647]);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // every check held at the provoking vertex: ok = 127
    assert.deepEqual(new Set(Array.from({ length: 16 }, (_, k) => at(read(gl, 4, 4), 4, k % 4, k >> 2).join())), new Set(['127,0,0,255']));
  }, { version: 2 }));

  test('every vertex, not only the provoking one: a point per vertex', () => withGl(3, 1, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    program(gl, `#version 300 es
layout(location = 0) in ivec2 p;
layout(location = 1) in uvec2 u;
flat out uint got;
void main() { got = u.x ^ u.y; gl_Position = vec4((float(p.x) + 0.5) / 1.5 - 1.0, 0.0, 0.0, 1.0); gl_PointSize = 1.0; }`, `#version 300 es
precision mediump float;
flat in uint got;
out vec4 o;
void main() { o = vec4(float(got & 255u), float(got >> 8 & 255u), float(got >> 24), 255.0) / 255.0; }`);
    // pixel x = p.x; got = u.x ^ u.y, worked out per vertex below
    array(gl, new Int16Array([0, 0, 1, 0, 2, 0]));
    gl.enableVertexAttribArray(0);
    gl.vertexAttribIPointer(0, 2, gl.SHORT, 0, 0);
    array(gl, new Uint32Array([0xff000000, 0x00000011, 0x80000000, 0x80002233, 0xffffffff, 0xfffffffe]));
    gl.enableVertexAttribArray(1);
    gl.vertexAttribIPointer(1, 2, gl.UNSIGNED_INT, 0, 0);
    gl.drawArrays(gl.POINTS, 0, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, 3, 1);
    // 0xff000011 -> (0x11, 0x00, 0xff); 0x00002233 -> (0x33, 0x22, 0); 0x00000001 -> (1, 0, 0)
    assert.deepEqual([at(px, 3, 0, 0), at(px, 3, 1, 0), at(px, 3, 2, 0)], [[0x11, 0, 0xff, 255], [0x33, 0x22, 0, 255], [1, 0, 0, 255]]);
  }, { version: 2 }));

  test('an integer input fed by a float array or value, or a float input by an integer array, is INVALID_OPERATION', () => withGl(1, 1, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    program(gl, `#version 300 es
layout(location = 0) in ivec4 i;
layout(location = 1) in vec4 f;
void main() { gl_Position = f + vec4(i); }`, `#version 300 es
precision mediump float; out vec4 o; void main() { o = vec4(1.0); }`);
    array(gl, new Int32Array(16));
    gl.vertexAttribI4i(0, 1, 2, 3, 4);
    gl.drawArrays(gl.POINTS, 0, 1);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.vertexAttrib4f(0, 1, 2, 3, 4);
    gl.drawArrays(gl.POINTS, 0, 1);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'a float current value for an ivec4');
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 4, gl.INT, false, 0, 0);
    gl.drawArrays(gl.POINTS, 0, 1);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'a vertexAttribPointer array for an ivec4');
    gl.vertexAttribIPointer(0, 4, gl.INT, 0, 0);
    gl.drawArrays(gl.POINTS, 0, 1);
    assert.equal(gl.getError(), gl.NO_ERROR);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribIPointer(1, 4, gl.INT, 0, 0);
    gl.drawArrays(gl.POINTS, 0, 1);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'a vertexAttribIPointer array for a vec4');
  }, { version: 2 }));
});

if (!process.env.AKARI_SHADER) {
  describe('the other execution paths', () => {
    for (const mode of ['interp', 'js']) {
      test(`AKARI_SHADER=${mode}`, () => {
        const env: NodeJS.ProcessEnv = { ...process.env, AKARI_SHADER: mode };
        delete env.NODE_TEST_CONTEXT;
        const r = spawnSync(process.execPath, ['--test', fileURLToPath(import.meta.url)], { env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /# pass 3\n# fail 0/);
      });
    }
  });
}
