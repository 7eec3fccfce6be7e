/**
 * WebGL 2 transform feedback (ES 3.0 § 2.15) and occlusion queries (§ 2.14)
 * through the whole stack: captured buffer contents worked out by hand,
 * pause/resume, bindBufferRange offsets, the ES 3.0 errors, link errors,
 * getTransformFeedbackVarying, RASTERIZER_DISCARD, and ANY_SAMPLES_PASSED
 * answered by the hardware's sample counter on both fragment paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGL2Context } from '../../src/platform/webgl.js';
import { setFusedKernels } from '../../src/hw/fused.js';
import { at, read } from './helpers.js';

type GL2 = WebGL2RenderingContext;

async function withGl2(w: number, h: number, fn: (gl: GL2) => Promise<void> | void): Promise<void> {
  const gl = createWebGL2Context(w, h, { deterministic: true }) as unknown as GL2 & { destroy(): void };
  try { await fn(gl); } finally { gl.destroy(); }
}

function compile(gl: GL2, type: number, src: string): WebGLShader {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, src);
  gl.compileShader(s);
  assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s) ?? '');
  return s;
}

/** A program capturing `varyings` (link status and log returned, not asserted). */
function tfProgram(gl: GL2, vs: string, varyings: string[], mode: number, fs = FS): { p: WebGLProgram; ok: boolean; log: string } {
  const p = gl.createProgram()!;
  gl.attachShader(p, compile(gl, gl.VERTEX_SHADER, vs));
  gl.attachShader(p, compile(gl, gl.FRAGMENT_SHADER, fs));
  gl.bindAttribLocation(p, 0, 'p');
  gl.transformFeedbackVaryings(p, varyings, mode);
  gl.linkProgram(p);
  return { p, ok: !!gl.getProgramParameter(p, gl.LINK_STATUS), log: gl.getProgramInfoLog(p) ?? '' };
}

const FS = `#version 300 es
precision mediump float; out vec4 o; void main() { o = vec4(1.0, 0.0, 0.0, 1.0); }`;

/** gl_Position = p; twice = 2p; id = gl_VertexID; arr = (id, 10 id, 100 id) */
const VS = `#version 300 es
in vec4 p;
out vec4 twice;
flat out int id;
out float arr[3];
void main() {
  gl_Position = p;
  twice = p * 2.0;
  id = gl_VertexID;
  arr[0] = float(gl_VertexID); arr[1] = 10.0 * float(gl_VertexID); arr[2] = 100.0 * float(gl_VertexID);
  gl_PointSize = 1.0;
}`;

/** Six vertices: vertex i at (i/8, -i/8, 0, 1). */
const POS = Array.from({ length: 6 }, (_, i) => [i / 8, -i / 8, 0, 1]).flat();

function vertexArray(gl: GL2): void {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(POS), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 0, 0);
}

function capture(gl: GL2, bytes: number, fill = 0): WebGLBuffer {
  const b = gl.createBuffer()!;
  gl.bindBuffer(gl.TRANSFORM_FEEDBACK_BUFFER, b);
  gl.bufferData(gl.TRANSFORM_FEEDBACK_BUFFER, new Float32Array(bytes / 4).fill(fill), gl.STATIC_READ);
  return b;
}

function floats(gl: GL2, b: WebGLBuffer, n: number): number[] {
  gl.bindBuffer(gl.TRANSFORM_FEEDBACK_BUFFER, b);
  const out = new Float32Array(n);
  gl.getBufferSubData(gl.TRANSFORM_FEEDBACK_BUFFER, 0, out);
  return [...out];
}

test('interleaved capture of positions, twice the positions, ints and an array element, with RASTERIZER_DISCARD', () => withGl2(4, 4, (gl) => {
  const { p, ok, log } = tfProgram(gl, VS, ['twice', 'gl_Position', 'id', 'arr[2]'], gl.INTERLEAVED_ATTRIBS);
  assert.ok(ok, log);
  gl.useProgram(p);
  assert.equal(gl.getProgramParameter(p, gl.TRANSFORM_FEEDBACK_VARYINGS), 4);
  const info = [0, 1, 2, 3].map((i) => gl.getTransformFeedbackVarying(p, i)!);
  assert.deepEqual(info.map((v) => [v.name, v.type, v.size]), [['twice', gl.FLOAT_VEC4, 1], ['gl_Position', gl.FLOAT_VEC4, 1], ['id', gl.INT, 1], ['arr[2]', gl.FLOAT, 1]]);
  vertexArray(gl);
  // a record: twice (4), gl_Position (4), id (1, an int's bits), arr[2] (1) = 40 bytes; 3 points
  const buf = capture(gl, 3 * 40);
  gl.bindBufferBase(gl.TRANSFORM_FEEDBACK_BUFFER, 0, buf);
  gl.clearColor(0, 0, 1, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.enable(gl.RASTERIZER_DISCARD);
  gl.beginTransformFeedback(gl.POINTS);
  gl.drawArrays(gl.POINTS, 0, 3);
  gl.endTransformFeedback();
  gl.disable(gl.RASTERIZER_DISCARD);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.bindBuffer(gl.TRANSFORM_FEEDBACK_BUFFER, buf);
  const bytes = new Uint8Array(3 * 40);
  gl.getBufferSubData(gl.TRANSFORM_FEEDBACK_BUFFER, 0, bytes);
  const f = new Float32Array(bytes.buffer), u = new Int32Array(bytes.buffer);
  for (let i = 0; i < 3; i++) {
    const x = Math.fround(i / 8), y = Math.fround(-i / 8);
    assert.deepEqual([...f.subarray(i * 10, i * 10 + 4)], [2 * x, 2 * y, 0, 2], `vertex ${i}: twice`);
    assert.deepEqual([...f.subarray(i * 10 + 4, i * 10 + 8)], [x, y, 0, 1], `vertex ${i}: gl_Position`);
    assert.equal(u[i * 10 + 8], i, `vertex ${i}: id`);
    assert.equal(f[i * 10 + 9], 100 * i, `vertex ${i}: arr[2]`);
  }
  // RASTERIZER_DISCARD: the points drew nothing
  assert.deepEqual(at(read(gl, 4, 4), 4, 0, 0), [0, 0, 255, 255]);
}));

test('separate buffers, bindBufferRange offsets, pause/resume and draws in several passes append; PRIMITIVES_WRITTEN counts', async () => withGl2(4, 4, async (gl) => {
  const { p, ok, log } = tfProgram(gl, VS, ['gl_Position', 'arr'], gl.SEPARATE_ATTRIBS);
  assert.ok(ok, log);
  gl.useProgram(p);
  vertexArray(gl);
  const a = capture(gl, 256, -1), b = capture(gl, 256, -1);
  // buffer 0 from byte 16 (x, y, z, w per vertex), buffer 1 from byte 0, 9 floats (arr: 3 floats per vertex, 3 vertices)
  gl.bindBufferRange(gl.TRANSFORM_FEEDBACK_BUFFER, 0, a, 16, 6 * 16);
  gl.bindBufferRange(gl.TRANSFORM_FEEDBACK_BUFFER, 1, b, 0, 6 * 12);
  const tf = gl.createTransformFeedback();
  gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, tf);
  gl.bindBufferRange(gl.TRANSFORM_FEEDBACK_BUFFER, 0, a, 16, 6 * 16);
  gl.bindBufferRange(gl.TRANSFORM_FEEDBACK_BUFFER, 1, b, 0, 6 * 12);
  const q = gl.createQuery()!;
  gl.beginQuery(gl.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN, q);
  gl.beginTransformFeedback(gl.TRIANGLES);
  gl.drawArrays(gl.TRIANGLES, 3, 3); // vertices 3, 4, 5
  read(gl, 4, 4); // a readback ends the render pass: the next draw is in another
  gl.pauseTransformFeedback();
  gl.drawArrays(gl.TRIANGLES, 0, 3); // not captured
  gl.resumeTransformFeedback();
  gl.drawArrays(gl.TRIANGLES, 0, 3); // vertices 0, 1, 2
  gl.endTransformFeedback();
  gl.endQuery(gl.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN);
  gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, null);
  assert.equal(gl.getError(), gl.NO_ERROR);
  const want0 = [-1, -1, -1, -1, ...[3, 4, 5, 0, 1, 2].flatMap((i) => [Math.fround(i / 8), Math.fround(-i / 8), 0, 1]), -1];
  assert.deepEqual(floats(gl, a, 4 + 24 + 1), want0);
  assert.deepEqual(floats(gl, b, 18 + 1), [...[3, 4, 5, 0, 1, 2].flatMap((i) => [i, 10 * i, 100 * i]), -1]);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(gl.getQueryParameter(q, gl.QUERY_RESULT_AVAILABLE), true);
  assert.equal(gl.getQueryParameter(q, gl.QUERY_RESULT), 2, 'two triangles written (the paused draw is not counted)');
}));

test('ES 3.0 § 2.15.2 errors while transform feedback is active', () => withGl2(4, 4, (gl) => {
  const { p } = tfProgram(gl, VS, ['gl_Position'], gl.INTERLEAVED_ATTRIBS);
  gl.useProgram(p);
  vertexArray(gl);
  const buf = capture(gl, 4 * 16, 7); // room for 4 vertices
  gl.bindBufferBase(gl.TRANSFORM_FEEDBACK_BUFFER, 0, buf);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array([0, 1, 2]), gl.STATIC_DRAW);
  gl.beginTransformFeedback(gl.TRIANGLES);
  const rows: Array<[string, () => void]> = [
    ['drawArrays in another mode', () => gl.drawArrays(gl.POINTS, 0, 3)],
    ['drawArrays(TRIANGLE_STRIP) (ES 3.0 takes the exact mode)', () => gl.drawArrays(gl.TRIANGLE_STRIP, 0, 3)],
    ['drawArrays past the buffer', () => gl.drawArrays(gl.TRIANGLES, 0, 6)],
    ['drawArraysInstanced past the buffer', () => gl.drawArraysInstanced(gl.TRIANGLES, 0, 3, 2)],
    ['drawElements', () => gl.drawElements(gl.TRIANGLES, 3, gl.UNSIGNED_SHORT, 0)],
    ['useProgram', () => gl.useProgram(p)],
    ['linkProgram of the capturing program', () => gl.linkProgram(p)],
    ['beginTransformFeedback again', () => gl.beginTransformFeedback(gl.TRIANGLES)],
    ['resumeTransformFeedback when not paused', () => gl.resumeTransformFeedback()],
    ['bindBufferBase(TRANSFORM_FEEDBACK_BUFFER)', () => gl.bindBufferBase(gl.TRANSFORM_FEEDBACK_BUFFER, 0, buf)],
  ];
  for (const [what, call] of rows) { call(); assert.equal(gl.getError(), gl.INVALID_OPERATION, what); }
  gl.drawArrays(gl.TRIANGLES, 0, 3); // fits: 3 of the 4 vertices
  gl.drawArrays(gl.TRIANGLES, 0, 3); // does not fit any more
  assert.equal(gl.getError(), gl.INVALID_OPERATION, 'the second triangle overflows');
  gl.pauseTransformFeedback();
  gl.drawElements(gl.TRIANGLES, 3, gl.UNSIGNED_SHORT, 0); // paused: anything goes
  gl.useProgram(p);
  gl.endTransformFeedback();
  assert.equal(gl.getError(), gl.NO_ERROR);
  // what the failed draws did: nothing; the buffer holds the one triangle, then the fill
  assert.deepEqual(floats(gl, buf, 16), [...[0, 1, 2].flatMap((i) => [Math.fround(i / 8), Math.fround(-i / 8), 0, 1]), 7, 7, 7, 7]);
}));

test('transformFeedbackVaryings link errors (ES 3.0 § 2.11.8)', () => withGl2(1, 1, (gl) => {
  const rows: Array<[string[], number, RegExp]> = [
    [['nothere'], gl.INTERLEAVED_ATTRIBS, /not an output/],
    [['twice', 'twice'], gl.INTERLEAVED_ATTRIBS, /more than once/],
    [['arr', 'arr[1]'], gl.INTERLEAVED_ATTRIBS, /more than once/],
    [['arr[3]'], gl.INTERLEAVED_ATTRIBS, /not an output/],
    [['twice[0]'], gl.INTERLEAVED_ATTRIBS, /not an output/],
  ];
  for (const [names, mode, msg] of rows) {
    const r = tfProgram(gl, VS, names, mode);
    assert.equal(r.ok, false, names.join());
    assert.match(r.log, msg, names.join());
  }
  // more than MAX_TRANSFORM_FEEDBACK_INTERLEAVED_COMPONENTS (64): 16 vec4s and gl_Position
  const many = `#version 300 es
in vec4 p; out vec4 v[16]; void main() { gl_Position = p; for (int i = 0; i < 16; i++) v[i] = p; }`;
  const r = tfProgram(gl, many, ['v', 'gl_Position'], gl.INTERLEAVED_ATTRIBS, `#version 300 es
precision mediump float; out vec4 o; void main() { o = vec4(1.0); }`);
  assert.equal(r.ok, false);
  assert.match(r.log, /INTERLEAVED_COMPONENTS/);
  // separately, a varying may have 4 components at most: v[1] has 4, v 64
  const sepOk = tfProgram(gl, many, ['v[1]'], gl.SEPARATE_ATTRIBS, FS);
  assert.ok(sepOk.ok, sepOk.log);
  const sep = tfProgram(gl, many, ['v'], gl.SEPARATE_ATTRIBS, FS);
  assert.equal(sep.ok, false);
  assert.match(sep.log, /SEPARATE_COMPONENTS/);
  // an output the shader declares but never writes captures zeros
  const unwritten = tfProgram(gl, `#version 300 es
in vec4 p; out vec4 never; void main() { gl_Position = p; }`, ['never', 'gl_Position'], gl.INTERLEAVED_ATTRIBS);
  assert.ok(unwritten.ok, unwritten.log);
  gl.useProgram(unwritten.p);
  vertexArray(gl);
  const buf = capture(gl, 32, 9);
  gl.bindBufferBase(gl.TRANSFORM_FEEDBACK_BUFFER, 0, buf);
  gl.beginTransformFeedback(gl.POINTS);
  gl.drawArrays(gl.POINTS, 1, 1);
  gl.endTransformFeedback();
  assert.deepEqual(floats(gl, buf, 8), [0, 0, 0, 0, 0.125, -0.125, 0, 1]);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

for (const fused of [true, false]) {
  test(`ANY_SAMPLES_PASSED and _CONSERVATIVE count samples that pass the depth test (${fused ? 'fused kernels' : 'generic path'})`, async () => {
    setFusedKernels(fused);
    try {
      await withGl2(8, 8, async (gl) => {
        const p = gl.createProgram()!;
        gl.attachShader(p, compile(gl, gl.VERTEX_SHADER, `#version 300 es
in vec4 p; void main() { gl_Position = p; }`));
        gl.attachShader(p, compile(gl, gl.FRAGMENT_SHADER, FS));
        gl.bindAttribLocation(p, 0, 'p');
        gl.linkProgram(p);
        gl.useProgram(p);
        // a full-screen quad at depth z (NDC)
        const quad = (z: number) => {
          gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, z, 1, 1, -1, z, 1, -1, 1, z, 1, 1, 1, z, 1]), gl.STATIC_DRAW);
          gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
        };
        gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
        gl.enableVertexAttribArray(0);
        gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 0, 0);
        gl.enable(gl.DEPTH_TEST);
        gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
        quad(0); // depth 0.5 everywhere
        const behind = gl.createQuery()!, front = gl.createQuery()!, off = gl.createQuery()!, cons = gl.createQuery()!;
        gl.beginQuery(gl.ANY_SAMPLES_PASSED, behind);
        quad(0.5); // behind what is there: every sample fails LESS
        gl.endQuery(gl.ANY_SAMPLES_PASSED);
        gl.beginQuery(gl.ANY_SAMPLES_PASSED, front);
        quad(-0.5);
        gl.endQuery(gl.ANY_SAMPLES_PASSED);
        gl.beginQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE, off);
        gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([2, 2, 0, 1, 3, 2, 0, 1, 2, 3, 0, 1]), gl.STATIC_DRAW);
        gl.drawArrays(gl.TRIANGLES, 0, 3); // entirely outside the viewport: submitted, no sample
        gl.endQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE);
        gl.beginQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE, cons);
        gl.depthFunc(gl.ALWAYS);
        quad(0.9);
        gl.endQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE);
        assert.equal(gl.getError(), gl.NO_ERROR);
        gl.finish();
        await new Promise((r) => setTimeout(r, 0));
        for (const [q, want, what] of [[behind, false, 'behind'], [front, true, 'in front'], [off, false, 'off screen'], [cons, true, 'depth ALWAYS']] as const) {
          assert.equal(gl.getQueryParameter(q, gl.QUERY_RESULT_AVAILABLE), true, what);
          assert.equal(gl.getQueryParameter(q, gl.QUERY_RESULT), want, what);
        }
      });
    } finally { setFusedKernels(true); }
  });
}

test('packed INT_2_10_10_10_REV / UNSIGNED_INT_2_10_10_10_REV vertex arrays (ES 3.0 § 2.8), read back through transform feedback', () => withGl2(1, 1, (gl) => {
  const { p, ok, log } = tfProgram(gl, `#version 300 es
in vec4 p; out vec4 v; void main() { gl_Position = vec4(0.0); v = p; }`, ['v'], gl.INTERLEAVED_ATTRIBS);
  assert.ok(ok, log);
  gl.useProgram(p);
  // unsigned: x 1023, y 0, z 512, w 3; signed: x -512, y 511, z -1, w -2 (two's complement fields)
  const u = (1023 | (0 << 10) | (512 << 20) | (3 << 30)) >>> 0;
  const s = (0x200 | (0x1ff << 10) | (0x3ff << 20) | (2 << 30)) >>> 0;
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Uint32Array([u, s]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  const f = Math.fround;
  const rows: Array<[number, boolean, number, number[]]> = [
    [gl.UNSIGNED_INT_2_10_10_10_REV, false, 0, [1023, 0, 512, 3]],
    [gl.UNSIGNED_INT_2_10_10_10_REV, true, 0, [1, 0, f(512 / 1023), 1]],
    [gl.INT_2_10_10_10_REV, false, 4, [-512, 511, -1, -2]],
    // signed normalized: max(c / (2^(b-1) - 1), -1): -512/511 and -2/1 clamp to -1
    [gl.INT_2_10_10_10_REV, true, 4, [-1, 1, f(-1 / 511), -1]],
  ];
  const out = capture(gl, 16);
  gl.bindBufferBase(gl.TRANSFORM_FEEDBACK_BUFFER, 0, out);
  gl.enable(gl.RASTERIZER_DISCARD);
  for (const [type, norm, offset, want] of rows) {
    gl.vertexAttribPointer(0, 4, type, norm, 0, offset);
    gl.beginTransformFeedback(gl.POINTS);
    gl.drawArrays(gl.POINTS, 0, 1);
    gl.endTransformFeedback();
    assert.deepEqual(floats(gl, out, 4), want, `type 0x${type.toString(16)}, normalized ${norm}`);
  }
  // the packed types are four components and float (never vertexAttribIPointer)
  gl.vertexAttribPointer(0, 3, gl.INT_2_10_10_10_REV, false, 0, 0);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  gl.vertexAttribIPointer(0, 4, gl.UNSIGNED_INT_2_10_10_10_REV, 0, 0);
  assert.equal(gl.getError(), gl.INVALID_ENUM);
  gl.vertexAttribPointer(0, 4, gl.INT_2_10_10_10_REV, false, 0, 2);
  assert.equal(gl.getError(), gl.INVALID_OPERATION, 'an offset that is not a multiple of the element word');
}));
