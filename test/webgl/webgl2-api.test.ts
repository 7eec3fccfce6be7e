/**
 * The WebGL 2 context (createWebGLContext(w, h, { version: 2 })): its identity, GLSL ES 3.00,
 * instanced draws and vertex array objects as core, buffers (copyBufferSubData, getBufferSubData,
 * srcOffset/length), uniforms (unsigned, non-square and transposed matrices), samplers overriding the
 * texture's state, fences, and each entry point's errors as WebGL 2.0 and OpenGL ES 3.0 specify them
 * (the section is given with each table). Expected pixels and bytes are reasoned in the comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext, createWebGL2Context } from '../../src/platform/webgl.js';
import { gl as headlessGl } from '../../src/platform/headless-gl.js';
import { AkariWebGL2RenderingContext } from '../../src/webgl/context2.js';
import { program, read, at } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}
/** Runs `call` and expects exactly `err` from getError (then NO_ERROR). */
function expectErr(gl: WebGLRenderingContext, err: number, call: () => unknown, what: string): void {
  call();
  assert.equal(gl.getError(), err, what);
  assert.equal(gl.getError(), gl.NO_ERROR, `${what}: one error`);
}

const VS3 = `#version 300 es
in vec2 p; in vec4 inst; out vec4 c;
void main() { gl_Position = vec4(p * 0.5 + inst.xy, 0.0, 1.0); c = vec4(inst.z, inst.w, 0.0, 1.0); }`;
const FS3 = `#version 300 es
precision mediump float; in vec4 c; out vec4 color;
void main() { color = c; }`;

test('version 2 gives a WebGL2RenderingContext: its class, canvas kind, strings and ES 3.0 constants', () => {
  const gl = createWebGL2Context(2, 2, { deterministic: true });
  try {
    assert.ok(gl instanceof AkariWebGL2RenderingContext);
    assert.equal(gl.canvas.getContext('webgl2'), gl);
    assert.equal(gl.canvas.getContext('webgl'), null);
    assert.match(gl.getParameter(gl.VERSION), /^WebGL 2\.0 /);
    assert.match(gl.getParameter(gl.SHADING_LANGUAGE_VERSION), /^WebGL GLSL ES 3\.00 /);
    // values from OpenGL ES 3.0's gl3.h and the WebGL 2.0 IDL (independent of the tables under test)
    assert.equal(gl.COPY_READ_BUFFER, 0x8f36);
    assert.equal(gl.UNIFORM_BUFFER, 0x8a11);
    assert.equal(gl.SYNC_GPU_COMMANDS_COMPLETE, 0x9117);
    assert.equal(gl.TIMEOUT_IGNORED, -1);
    assert.equal(gl.MAX_CLIENT_WAIT_TIMEOUT_WEBGL, 0x9247);
    assert.equal(gl.RGBA8, 0x8058);
    assert.equal(gl.DEPTH_BUFFER_BIT, 0x100, 'WebGL 1 constants too');
    // ES 3.0 Table 6.28ff minimums
    assert.ok(gl.getParameter(gl.MAX_DRAW_BUFFERS) >= 4);
    assert.ok(gl.getParameter(gl.MAX_COLOR_ATTACHMENTS) >= 4);
    assert.ok(gl.getParameter(gl.MAX_3D_TEXTURE_SIZE) >= 256);
    assert.ok(gl.getParameter(gl.MAX_ARRAY_TEXTURE_LAYERS) >= 256);
    assert.ok(gl.getParameter(gl.MAX_UNIFORM_BUFFER_BINDINGS) >= 24);
    assert.ok(gl.getParameter(gl.MAX_VERTEX_UNIFORM_COMPONENTS) >= 1024);
    assert.ok(gl.getParameter(gl.MAX_VARYING_COMPONENTS) >= 60);
    assert.equal(gl.getError(), gl.NO_ERROR);
  } finally { gl.destroy(); }
  // a WebGL 1 context has none of WebGL 2's parameters
  const g1 = createWebGLContext(1, 1, { deterministic: true });
  try {
    assert.equal(g1.getParameter(0x8824 /* MAX_DRAW_BUFFERS */), null);
    assert.equal(g1.getError(), g1.INVALID_ENUM);
    assert.equal((g1 as unknown as { drawArraysInstanced?: unknown }).drawArraysInstanced, undefined);
  } finally { g1.destroy(); }
  const h = headlessGl(1, 1, { deterministic: true, version: 2 })!;
  try { assert.ok(h instanceof AkariWebGL2RenderingContext); } finally { h.destroy(); }
});

test('GLSL ES 3.00 and 1.00 both compile; instanced drawArrays places each instance (divisor 1)', () => withGl2(8, 8, (gl) => {
  // ES 1.00 still compiles in WebGL 2 (WebGL 2.0 § 4.3)
  const s = gl.createShader(gl.FRAGMENT_SHADER)!;
  gl.shaderSource(s, 'precision mediump float; void main() { gl_FragColor = vec4(1.0); }');
  gl.compileShader(s);
  assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS));
  const p = program(gl, VS3, FS3, { p: 0, inst: 1 });
  assert.equal(gl.getFragDataLocation(p, 'color'), 0);
  assert.equal(gl.getFragDataLocation(p, 'nothing'), -1);
  gl.bindVertexArray(gl.createVertexArray());
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  // instance 0: a half-size quad centred at (-0.5, -0.5), red; instance 1 at (0.5, 0.5), green
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-0.5, -0.5, 1, 0, 0.5, 0.5, 0, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(1);
  gl.vertexAttribPointer(1, 4, gl.FLOAT, false, 0, 0);
  gl.vertexAttribDivisor(1, 1);
  assert.equal(gl.getVertexAttrib(1, gl.VERTEX_ATTRIB_ARRAY_DIVISOR), 1);
  gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, 2);
  assert.equal(gl.getError(), gl.NO_ERROR);
  const px = read(gl, 8, 8);
  // each quad covers NDC [c-0.5, c+0.5]: pixels 0..3 (instance 0) and 4..7 (instance 1) on both axes
  assert.deepEqual(at(px, 8, 1, 1), [255, 0, 0, 255]);
  assert.deepEqual(at(px, 8, 6, 6), [0, 255, 0, 255]);
  assert.deepEqual(at(px, 8, 6, 1), [0, 0, 0, 0], 'no instance covers the other corners');
  // drawElementsInstanced with 32-bit indices (core in WebGL 2): the same two quads
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint32Array([0, 1, 2, 3]), gl.STATIC_DRAW);
  gl.drawElementsInstanced(gl.TRIANGLE_STRIP, 4, gl.UNSIGNED_INT, 0, 2);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.deepEqual(at(read(gl, 8, 8), 8, 6, 6), [0, 255, 0, 255]);
}));

test('vertex array objects keep their attributes and element buffer (ES 3.0 § 2.10)', () => withGl2(4, 4, (gl) => {
  const a = gl.createVertexArray()!, b = gl.createVertexArray()!;
  assert.equal(gl.isVertexArray(a), false, 'not a VAO until bound');
  gl.bindVertexArray(a);
  assert.equal(gl.isVertexArray(a), true);
  assert.equal(gl.getParameter(gl.VERTEX_ARRAY_BINDING), a);
  const buf = gl.createBuffer(), eb = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buf);
  gl.vertexAttribPointer(3, 2, gl.FLOAT, false, 8, 4);
  gl.enableVertexAttribArray(3);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, eb);
  gl.bindVertexArray(b);
  assert.equal(gl.getVertexAttrib(3, gl.VERTEX_ATTRIB_ARRAY_ENABLED), false);
  assert.equal(gl.getParameter(gl.ELEMENT_ARRAY_BUFFER_BINDING), null);
  gl.bindVertexArray(a);
  assert.equal(gl.getVertexAttrib(3, gl.VERTEX_ATTRIB_ARRAY_ENABLED), true);
  assert.equal(gl.getVertexAttrib(3, gl.VERTEX_ATTRIB_ARRAY_BUFFER_BINDING), buf);
  assert.equal(gl.getVertexAttribOffset(3, gl.VERTEX_ATTRIB_ARRAY_POINTER), 4);
  assert.equal(gl.getParameter(gl.ELEMENT_ARRAY_BUFFER_BINDING), eb);
  gl.deleteVertexArray(a);
  assert.equal(gl.getParameter(gl.VERTEX_ARRAY_BINDING), null, 'deleting the bound VAO binds the default one');
  assert.equal(gl.isVertexArray(a), false);
  expectErr(gl, gl.INVALID_OPERATION, () => gl.bindVertexArray(a), 'bindVertexArray(deleted)');
}));

test('copyBufferSubData and getBufferSubData move exact bytes; bufferData/SubData take srcOffset and length (WebGL 2.0 § 3.7.3)', () => withGl2(1, 1, (gl) => {
  const src = gl.createBuffer(), dst = gl.createBuffer();
  gl.bindBuffer(gl.COPY_READ_BUFFER, src);
  // srcOffset 2 and length 4 elements of a Uint16Array: elements 2..5 = bytes of [3, 4, 5, 6]
  gl.bufferData(gl.COPY_READ_BUFFER, new Uint16Array([1, 2, 3, 4, 5, 6, 7]), gl.STATIC_DRAW, 2, 4);
  assert.equal(gl.getBufferParameter(gl.COPY_READ_BUFFER, gl.BUFFER_SIZE), 8);
  gl.bindBuffer(gl.COPY_WRITE_BUFFER, dst);
  gl.bufferData(gl.COPY_WRITE_BUFFER, 8, gl.DYNAMIC_COPY);
  // bytes 2..5 of src ([4, 5] as u16) to dst at byte 4
  gl.copyBufferSubData(gl.COPY_READ_BUFFER, gl.COPY_WRITE_BUFFER, 2, 4, 4);
  const out = new Uint16Array(4);
  gl.getBufferSubData(gl.COPY_WRITE_BUFFER, 0, out);
  assert.deepEqual([...out], [0, 0, 4, 5]);
  // bufferSubData(srcOffset 1, length 1) writes element 1 of the view at byte 0
  gl.bufferSubData(gl.COPY_WRITE_BUFFER, 0, new Uint16Array([9, 8, 7]), 1, 1);
  // getBufferSubData into element 1 of a view, 2 elements, from byte 0: [8, 0]
  const part = new Uint16Array([100, 100, 100, 100]);
  gl.getBufferSubData(gl.COPY_WRITE_BUFFER, 0, part, 1, 2);
  assert.deepEqual([...part], [100, 8, 0, 100]);
  // a copy within one buffer, non-overlapping: bytes 4..7 to 0..3
  gl.copyBufferSubData(gl.COPY_WRITE_BUFFER, gl.COPY_WRITE_BUFFER, 4, 0, 4);
  gl.getBufferSubData(gl.COPY_WRITE_BUFFER, 0, out);
  assert.deepEqual([...out], [4, 5, 4, 5]);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('buffer errors: ES 3.0 § 2.9 and WebGL 2.0 § 5.1', () => withGl2(1, 1, (gl) => {
  const b = gl.createBuffer(), e = gl.createBuffer();
  const rows: Array<[string, number, () => void]> = [
    ['bindBuffer(bad target)', gl.INVALID_ENUM, () => gl.bindBuffer(0x1234, b)],
    ['bufferData(bad usage)', gl.INVALID_ENUM, () => { gl.bindBuffer(gl.COPY_READ_BUFFER, b); gl.bufferData(gl.COPY_READ_BUFFER, 4, 0x1234); }],
    // WebGL 2.0 § 5.1: element array buffers stay apart from the other targets
    ['bindBuffer(ELEMENT_ARRAY_BUFFER, array data buffer)', gl.INVALID_OPERATION, () => gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, b)],
    ['bindBuffer(UNIFORM_BUFFER, element buffer)', gl.INVALID_OPERATION, () => { gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, e); gl.bindBuffer(gl.UNIFORM_BUFFER, e); }],
    ['bufferData(srcOffset past the end)', gl.INVALID_VALUE, () => gl.bufferData(gl.COPY_READ_BUFFER, new Uint8Array(4), gl.STATIC_DRAW, 5)],
    ['bufferData(srcOffset + length past the end)', gl.INVALID_VALUE, () => gl.bufferData(gl.COPY_READ_BUFFER, new Uint8Array(4), gl.STATIC_DRAW, 2, 3)],
    ['copyBufferSubData(negative size)', gl.INVALID_VALUE, () => { gl.bufferData(gl.COPY_READ_BUFFER, 8, gl.STATIC_DRAW); gl.copyBufferSubData(gl.COPY_READ_BUFFER, gl.COPY_READ_BUFFER, 0, 4, -1); }],
    ['copyBufferSubData(overlapping ranges of one buffer)', gl.INVALID_VALUE, () => gl.copyBufferSubData(gl.COPY_READ_BUFFER, gl.COPY_READ_BUFFER, 0, 2, 4)],
    ['copyBufferSubData(past the end)', gl.INVALID_VALUE, () => gl.copyBufferSubData(gl.COPY_READ_BUFFER, gl.COPY_READ_BUFFER, 6, 0, 4)],
    ['copyBufferSubData(no buffer bound to the write target)', gl.INVALID_OPERATION, () => gl.copyBufferSubData(gl.COPY_READ_BUFFER, gl.COPY_WRITE_BUFFER, 0, 0, 1)],
    ['copyBufferSubData(bad target)', gl.INVALID_ENUM, () => gl.copyBufferSubData(gl.COPY_READ_BUFFER, 0x1234, 0, 0, 1)],
    ['getBufferSubData(negative offset)', gl.INVALID_VALUE, () => gl.getBufferSubData(gl.COPY_READ_BUFFER, -1, new Uint8Array(1))],
    ['getBufferSubData(past the end)', gl.INVALID_VALUE, () => gl.getBufferSubData(gl.COPY_READ_BUFFER, 4, new Uint8Array(5))],
    ['getBufferSubData(dstOffset past the view)', gl.INVALID_VALUE, () => gl.getBufferSubData(gl.COPY_READ_BUFFER, 0, new Uint8Array(2), 3)],
    ['getBufferSubData(no buffer)', gl.INVALID_OPERATION, () => gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, new Uint8Array(1))],
    // ES 3.0 § 2.10.1.1: indexed bindings
    ['bindBufferBase(index >= MAX_UNIFORM_BUFFER_BINDINGS)', gl.INVALID_VALUE, () => gl.bindBufferBase(gl.UNIFORM_BUFFER, 1000, b)],
    ['bindBufferBase(ARRAY_BUFFER)', gl.INVALID_ENUM, () => gl.bindBufferBase(gl.ARRAY_BUFFER, 0, b)],
    ['bindBufferRange(offset not aligned)', gl.INVALID_VALUE, () => gl.bindBufferRange(gl.UNIFORM_BUFFER, 0, b, 4, 4)],
    ['bindBufferRange(size 0)', gl.INVALID_VALUE, () => gl.bindBufferRange(gl.UNIFORM_BUFFER, 0, b, 0, 0)],
    ['getIndexedParameter(bad target)', gl.INVALID_ENUM, () => gl.getIndexedParameter(gl.ARRAY_BUFFER, 0)],
    ['getIndexedParameter(index out of range)', gl.INVALID_VALUE, () => gl.getIndexedParameter(gl.UNIFORM_BUFFER_BINDING, 1000)],
  ];
  for (const [what, err, call] of rows) expectErr(gl, err, call, what);
  gl.bindBufferRange(gl.UNIFORM_BUFFER, 2, b, 256, 4);
  assert.equal(gl.getIndexedParameter(gl.UNIFORM_BUFFER_BINDING, 2), b);
  assert.equal(gl.getIndexedParameter(gl.UNIFORM_BUFFER_START, 2), 256);
  assert.equal(gl.getIndexedParameter(gl.UNIFORM_BUFFER_SIZE, 2), 4);
  assert.equal(gl.getParameter(gl.UNIFORM_BUFFER_BINDING), b, 'the generic binding follows');
  gl.deleteBuffer(b);
  assert.equal(gl.getIndexedParameter(gl.UNIFORM_BUFFER_BINDING, 2), null, 'deleting unbinds the indexed binding');
}));

test('uniforms: uint setters, non-square matrices, transpose, srcOffset (ES 3.0 § 2.12.6, WebGL 2.0 § 3.7.8)', () => withGl2(1, 1, (gl) => {
  const p = program(gl, `#version 300 es
uniform uint u; uniform uvec2 u2; uniform mat2x3 m; uniform int i; uniform float f[3];
void main() { gl_Position = vec4(float(u) + float(u2.x) + m[1][2] + float(i) + f[2]); }`, `#version 300 es
precision mediump float; out vec4 o; void main() { o = vec4(1.0); }`);
  const loc = (n: string) => gl.getUniformLocation(p, n);
  gl.uniform1ui(loc('u'), 0xfffffffe);
  assert.equal(gl.getUniform(p, loc('u')!), 0xfffffffe);
  gl.uniform2uiv(loc('u2'), [7, 8, 9, 10], 2);
  assert.deepEqual([...gl.getUniform(p, loc('u2')!) as Uint32Array], [9, 10]);
  // mat2x3: 2 columns of 3; given transposed (row-major: rows [1 2], [3 4], [5 6]) its columns are [1 3 5], [2 4 6]
  gl.uniformMatrix2x3fv(loc('m'), true, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...gl.getUniform(p, loc('m')!) as Float32Array], [1, 3, 5, 2, 4, 6]);
  gl.uniformMatrix2x3fv(loc('m'), false, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...gl.getUniform(p, loc('m')!) as Float32Array], [1, 2, 3, 4, 5, 6]);
  // uniform1fv(data, srcOffset 1, srcLength 2) sets f[0..1] from data[1..2]
  gl.uniform1fv(loc('f'), [9, 1.5, 2.5, 9], 1, 2);
  assert.equal(gl.getUniform(p, gl.getUniformLocation(p, 'f[1]')!), 2.5);
  assert.equal(gl.getError(), gl.NO_ERROR);
  const rows: Array<[string, number, () => void]> = [
    ['uniform1i on a uint', gl.INVALID_OPERATION, () => gl.uniform1i(loc('u'), 1)],
    ['uniform1ui on an int', gl.INVALID_OPERATION, () => gl.uniform1ui(loc('i'), 1)],
    ['uniform1f on a uint', gl.INVALID_OPERATION, () => gl.uniform1f(loc('u'), 1)],
    ['uniformMatrix3x2fv on a mat2x3', gl.INVALID_OPERATION, () => gl.uniformMatrix3x2fv(loc('m'), false, [1, 2, 3, 4, 5, 6])],
    ['uniform1fv(srcOffset + srcLength past the end)', gl.INVALID_VALUE, () => gl.uniform1fv(loc('f'), [1, 2], 1, 2)],
  ];
  for (const [what, err, call] of rows) expectErr(gl, err, call, what);
}));

test('samplers: the bound sampler\'s filter replaces the texture\'s (ES 3.0 § 3.8.2)', () => withGl2(4, 1, (gl) => {
  program(gl, `#version 300 es
in vec2 p; out vec2 uv; void main() { gl_Position = vec4(p, 0.0, 1.0); uv = p * 0.5 + 0.5; }`, `#version 300 es
precision mediump float; uniform sampler2D t; in vec2 uv; out vec4 o; void main() { o = texture(t, uv); }`, { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  // a 2x1 texture: black, white; CLAMP_TO_EDGE, LINEAR
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]));
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  // pixel 1's centre is at u = 1.5/4 = 0.375: texel coordinate 0.75, between texel centres 0.5 and 1.5:
  // LINEAR gives 0.25 of white (64 of 255, ±1); NEAREST gives texel 0, black
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const lin = at(read(gl, 4, 1), 4, 1, 0)[0]!;
  assert.ok(Math.abs(lin - 64) <= 1, `LINEAR: ${lin}`);
  const s = gl.createSampler()!;
  gl.samplerParameteri(s, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.samplerParameteri(s, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.bindSampler(0, s);
  assert.equal(gl.getParameter(gl.SAMPLER_BINDING), s);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 4, 1), 4, 1, 0), [0, 0, 0, 255], 'NEAREST from the sampler');
  assert.deepEqual(at(read(gl, 4, 1), 4, 2, 0), [255, 255, 255, 255]);
  gl.bindSampler(0, null);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.ok(Math.abs(at(read(gl, 4, 1), 4, 1, 0)[0]! - 64) <= 1, 'unbound: the texture\'s LINEAR again');
  assert.equal(gl.getTexParameter(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER), gl.LINEAR, 'the texture keeps its own state');
  const rows: Array<[string, number, () => void]> = [
    ['bindSampler(unit >= MAX_COMBINED_TEXTURE_IMAGE_UNITS)', gl.INVALID_VALUE, () => gl.bindSampler(1000, s)],
    ['samplerParameteri(bad pname)', gl.INVALID_ENUM, () => gl.samplerParameteri(s, gl.TEXTURE_BASE_LEVEL, 0)],
    ['samplerParameteri(bad wrap)', gl.INVALID_ENUM, () => gl.samplerParameteri(s, gl.TEXTURE_WRAP_S, gl.NEAREST)],
    ['samplerParameteri(bad compare func)', gl.INVALID_ENUM, () => gl.samplerParameteri(s, gl.TEXTURE_COMPARE_FUNC, gl.NEAREST)],
    ['getSamplerParameter(bad pname)', gl.INVALID_ENUM, () => gl.getSamplerParameter(s, gl.TEXTURE_IMMUTABLE_FORMAT)],
  ];
  for (const [what, err, call] of rows) expectErr(gl, err, call, what);
  gl.samplerParameterf(s, gl.TEXTURE_MAX_LOD, 2.5);
  assert.equal(gl.getSamplerParameter(s, gl.TEXTURE_MAX_LOD), 2.5);
  gl.bindSampler(3, s);
  gl.deleteSampler(s);
  gl.activeTexture(gl.TEXTURE3);
  assert.equal(gl.getParameter(gl.SAMPLER_BINDING), null, 'deleting unbinds it from every unit');
  assert.equal(gl.isSampler(s), false);
}));

test('fences: UNSIGNALED until the commands completed and a task passed, then SIGNALED (ES 3.0 § 5.2, WebGL 2.0 § 5.27)', async () => {
  const gl = createWebGL2Context(4, 4, { deterministic: true });
  try {
    gl.clearColor(1, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const s = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0)!;
    assert.equal(gl.isSync(s), true);
    assert.equal(gl.getSyncParameter(s, gl.OBJECT_TYPE), gl.SYNC_FENCE);
    assert.equal(gl.getSyncParameter(s, gl.SYNC_CONDITION), gl.SYNC_GPU_COMMANDS_COMPLETE);
    assert.equal(gl.getSyncParameter(s, gl.SYNC_FLAGS), 0);
    // in the same task: never signalled, whatever the GPU did
    gl.finish();
    assert.equal(gl.getSyncParameter(s, gl.SYNC_STATUS), gl.UNSIGNALED);
    assert.equal(gl.clientWaitSync(s, 0, 0), gl.TIMEOUT_EXPIRED);
    await new Promise((r) => setTimeout(r, 0));
    // the clear's submission completed (finish) and a task passed
    assert.equal(gl.getSyncParameter(s, gl.SYNC_STATUS), gl.SIGNALED);
    assert.equal(gl.clientWaitSync(s, gl.SYNC_FLUSH_COMMANDS_BIT, 0), gl.ALREADY_SIGNALED);
    const rows: Array<[string, number, () => void]> = [
      ['fenceSync(bad condition)', gl.INVALID_ENUM, () => gl.fenceSync(0x1234, 0)],
      ['fenceSync(flags != 0)', gl.INVALID_VALUE, () => gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 1)],
      ['clientWaitSync(bad flags)', gl.INVALID_VALUE, () => gl.clientWaitSync(s, 2, 0)],
      ['clientWaitSync(timeout > MAX_CLIENT_WAIT_TIMEOUT_WEBGL)', gl.INVALID_OPERATION, () => gl.clientWaitSync(s, 0, 1)],
      ['waitSync(flags != 0)', gl.INVALID_VALUE, () => gl.waitSync(s, 1, gl.TIMEOUT_IGNORED)],
      ['waitSync(timeout != TIMEOUT_IGNORED)', gl.INVALID_VALUE, () => gl.waitSync(s, 0, 0)],
      ['getSyncParameter(bad pname)', gl.INVALID_ENUM, () => gl.getSyncParameter(s, gl.SYNC_FENCE)],
    ];
    for (const [what, err, call] of rows) expectErr(gl, err, call, what);
    assert.equal(gl.fenceSync(0x1234, 0), null);
    gl.getError();
    gl.deleteSync(s);
    assert.equal(gl.isSync(s), false);
  } finally { gl.destroy(); }
});

test('draw, attribute, framebuffer and query errors (ES 3.0 § 2.8, § 4.2, § 2.14; WebGL 2.0 § 5.20)', () => withGl2(2, 2, (gl) => {
  program(gl, VS3, FS3, { p: 0, inst: 1 });
  const rows: Array<[string, number, () => void]> = [
    ['drawRangeElements(end < start)', gl.INVALID_VALUE, () => gl.drawRangeElements(gl.TRIANGLES, 5, 4, 3, gl.UNSIGNED_SHORT, 0)],
    ['drawArraysInstanced(negative instances)', gl.INVALID_VALUE, () => gl.drawArraysInstanced(gl.TRIANGLES, 0, 3, -1)],
    ['vertexAttribIPointer(FLOAT)', gl.INVALID_ENUM, () => gl.vertexAttribIPointer(0, 1, gl.FLOAT, 0, 0)],
    ['vertexAttribIPointer(size 5)', gl.INVALID_VALUE, () => gl.vertexAttribIPointer(0, 5, gl.INT, 0, 0)],
    ['vertexAttribI4i(index >= MAX_VERTEX_ATTRIBS)', gl.INVALID_VALUE, () => gl.vertexAttribI4i(99, 0, 0, 0, 0)],
    // WebGL 2.0 § 5.20: a float attribute (inst) fed an integer current value
    ['draw with an int current value for a float attribute', gl.INVALID_OPERATION, () => { gl.vertexAttribI4i(1, 1, 2, 3, 4); gl.drawArrays(gl.TRIANGLES, 0, 3); }],
    ['drawBuffers([BACK, BACK]) on the default framebuffer', gl.INVALID_OPERATION, () => gl.drawBuffers([gl.BACK, gl.BACK])],
    ['drawBuffers([COLOR_ATTACHMENT0]) on the default framebuffer', gl.INVALID_OPERATION, () => gl.drawBuffers([gl.COLOR_ATTACHMENT0])],
    ['readBuffer(COLOR_ATTACHMENT0) on the default framebuffer', gl.INVALID_OPERATION, () => gl.readBuffer(gl.COLOR_ATTACHMENT0)],
    ['readBuffer(bad enum)', gl.INVALID_ENUM, () => gl.readBuffer(gl.TEXTURE_2D)],
    ['clearBufferfv(DEPTH, drawbuffer 1)', gl.INVALID_VALUE, () => gl.clearBufferfv(gl.DEPTH, 1, [1])],
    ['clearBufferiv(DEPTH)', gl.INVALID_ENUM, () => gl.clearBufferiv(gl.DEPTH, 0, [1])],
    ['clearBufferfv(COLOR, too few values)', gl.INVALID_VALUE, () => gl.clearBufferfv(gl.COLOR, 0, [1, 1, 1])],
    ['clearBufferfi(COLOR)', gl.INVALID_ENUM, () => gl.clearBufferfi(gl.COLOR, 0, 1, 0)],
    ['beginQuery(bad target)', gl.INVALID_ENUM, () => gl.beginQuery(0x88bf /* TIME_ELAPSED_EXT */, gl.createQuery()!)],
    ['endQuery(nothing active)', gl.INVALID_OPERATION, () => gl.endQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE)],
    ['invalidateFramebuffer(COLOR_ATTACHMENT0) on the default framebuffer', gl.INVALID_ENUM, () => gl.invalidateFramebuffer(gl.FRAMEBUFFER, [gl.COLOR_ATTACHMENT0])],
    ['blitFramebuffer(LINEAR with DEPTH)', gl.INVALID_OPERATION, () => gl.blitFramebuffer(0, 0, 1, 1, 0, 0, 1, 1, gl.DEPTH_BUFFER_BIT, gl.LINEAR)],
    ['bindFramebuffer(bad target)', gl.INVALID_ENUM, () => gl.bindFramebuffer(gl.RENDERBUFFER, null)],
  ];
  for (const [what, err, call] of rows) expectErr(gl, err, call, what);
  assert.deepEqual([...gl.getVertexAttrib(1, gl.CURRENT_VERTEX_ATTRIB) as Int32Array], [1, 2, 3, 4]);
  assert.ok(gl.getVertexAttrib(1, gl.CURRENT_VERTEX_ATTRIB) instanceof Int32Array);
  // clearBufferfv(COLOR, 0, v, srcOffset 1) clears to v[1..4]
  gl.clearBufferfv(gl.COLOR, 0, [9, 0, 1, 0, 1], 1);
  assert.deepEqual(at(read(gl, 2, 2), 2, 0, 0), [0, 255, 0, 255]);
  gl.drawBuffers([gl.NONE]);
  gl.clearBufferfv(gl.COLOR, 0, [1, 0, 0, 1]);
  assert.deepEqual(at(read(gl, 2, 2), 2, 0, 0), [0, 255, 0, 255], 'draw buffer NONE: nothing cleared');
  assert.equal(gl.getParameter(gl.DRAW_BUFFER0), gl.NONE);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('uploads from a PIXEL_UNPACK_BUFFER with UNPACK_ROW_LENGTH/SKIP_*, readback into a PIXEL_PACK_BUFFER (ES 3.0 § 3.7.1, § 4.3.1)', () => withGl2(2, 2, (gl) => {
  program(gl, `#version 300 es
in vec2 p; out vec2 uv; void main() { gl_Position = vec4(p, 0.0, 1.0); uv = p * 0.5 + 0.5; }`, `#version 300 es
precision mediump float; uniform sampler2D t; in vec2 uv; out vec4 o; void main() { o = texture(t, uv); }`, { p: 0 });
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  // a 4x3 RGBA source whose pixel (x, y) is [10x + y, 0, 0, 255]; a 2x2 texture from row 1, column 2 on
  // (ROW_LENGTH 4, SKIP_ROWS 1, SKIP_PIXELS 2) holds (2,1) (3,1) / (2,2) (3,2): reds 21, 31 / 22, 32
  const src = new Uint8Array(4 * 3 * 4);
  for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) src.set([10 * x + y, 0, 0, 255], (y * 4 + x) * 4);
  const pbo = gl.createBuffer();
  gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, pbo);
  gl.bufferData(gl.PIXEL_UNPACK_BUFFER, src, gl.STATIC_DRAW);
  gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 4);
  gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 1);
  gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 2);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, 0);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  assert.equal(gl.getError(), gl.NO_ERROR);
  // a view where a PIXEL_UNPACK_BUFFER is bound is INVALID_OPERATION (WebGL 2.0 § 3.7.6)
  expectErr(gl, gl.INVALID_OPERATION, () => gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4)), 'texSubImage2D(view) with a PIXEL_UNPACK_BUFFER');
  gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  // readPixels into a PIXEL_PACK_BUFFER at byte 4 (one RGBA pixel of padding first)
  const pack = gl.createBuffer();
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pack);
  gl.bufferData(gl.PIXEL_PACK_BUFFER, 4 + 16, gl.STREAM_READ);
  gl.readPixels(0, 0, 2, 2, gl.RGBA, gl.UNSIGNED_BYTE, 4);
  expectErr(gl, gl.INVALID_OPERATION, () => gl.readPixels(0, 0, 2, 2, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(16)), 'readPixels(view) with a PIXEL_PACK_BUFFER');
  const got = new Uint8Array(20);
  gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, got);
  assert.deepEqual([...got.subarray(0, 4)], [0, 0, 0, 0], 'the padding is untouched');
  assert.deepEqual([got[4], got[8], got[12], got[16]], [21, 31, 22, 32]);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('readPixels in WebGL 2: PACK_ROW_LENGTH with PACK_ALIGNMENT, the row-fit rule, ES 3.0 enums, RGB10_A2 packed, integer IMPLEMENTATION_COLOR_READ_*', () => withGl2(4, 4, (gl) => {
  // a 4x4 surface whose pixel (x, y) is cleared to [40x, 40y, 0, 255] by scissored clears
  gl.enable(gl.SCISSOR_TEST);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) { gl.scissor(x, y, 1, 1); gl.clearColor(40 * x / 255, 40 * y / 255, 0, 1); gl.clear(gl.COLOR_BUFFER_BIT); }
  gl.disable(gl.SCISSOR_TEST);
  // 3x3 from (1,1) with ROW_LENGTH 3 and ALIGNMENT 8: rows are 12 bytes padded to 16; the last row is 12 bytes
  // (44 in all); filled with 7s, so the padding bytes 12..15 and 28..31 must stay 7
  gl.pixelStorei(gl.PACK_ALIGNMENT, 8);
  gl.pixelStorei(gl.PACK_ROW_LENGTH, 3);
  const out = new Uint8Array(44).fill(7);
  gl.readPixels(1, 1, 3, 3, gl.RGBA, gl.UNSIGNED_BYTE, out);
  assert.equal(gl.getError(), gl.NO_ERROR);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) assert.deepEqual([...out.subarray(r * 16 + c * 4, r * 16 + c * 4 + 4)], [40 * (1 + c), 40 * (1 + r), 0, 255], `row ${r} pixel ${c}`);
  assert.deepEqual([...out.subarray(12, 16), ...out.subarray(28, 32)], [7, 7, 7, 7, 7, 7, 7, 7], 'the padding is untouched');
  // WebGL 2.0 § 5.35: PACK_ROW_LENGTH below the width, or skipped pixels that push the row past it, is INVALID_OPERATION
  gl.pixelStorei(gl.PACK_ROW_LENGTH, 2);
  expectErr(gl, gl.INVALID_OPERATION, () => gl.readPixels(0, 0, 3, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(64)), 'PACK_ROW_LENGTH 2 < width 3');
  gl.pixelStorei(gl.PACK_ROW_LENGTH, 0);
  gl.pixelStorei(gl.PACK_SKIP_PIXELS, 1);
  expectErr(gl, gl.INVALID_OPERATION, () => gl.readPixels(0, 0, 3, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(64)), 'SKIP_PIXELS 1 + width 3 > row length 3');
  gl.pixelStorei(gl.PACK_SKIP_PIXELS, 0);
  gl.pixelStorei(gl.PACK_ALIGNMENT, 4);
  // ES 3.0 formats are enums WebGL 2 knows (a pair the buffer does not read is INVALID_OPERATION); LUMINANCE is none
  expectErr(gl, gl.INVALID_OPERATION, () => gl.readPixels(0, 0, 1, 1, gl.RED, gl.UNSIGNED_BYTE, new Uint8Array(4)), 'RED/UNSIGNED_BYTE');
  expectErr(gl, gl.INVALID_ENUM, () => gl.readPixels(0, 0, 1, 1, gl.LUMINANCE, gl.UNSIGNED_BYTE, new Uint8Array(4)), 'LUMINANCE');
  // an offset into a view past its end: INVALID_OPERATION for texImage2D (no data), as the CTS's views-with-offsets wants
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  expectErr(gl, gl.INVALID_OPERATION, () => gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4), 5), 'srcOffset 5 of 4 elements');
  // RGB10_A2 reads as RGBA/UNSIGNED_INT_2_10_10_10_REV too (ES 3.0 Table 3.14): clear (1, 0, 0.5, 1) stores
  // r 1023, g 0, b round(511.5) = 512, a 3 -> 1023 | 512 << 20 | 3 << 30
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGB10_A2, 1, 1);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
  gl.clearColor(1, 0, 0.5, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  const word = new Uint32Array(1);
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_INT_2_10_10_10_REV, word);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(word[0], (1023 | (512 << 20) | (3 << 30)) >>> 0);
  // an integer colour buffer's implementation read pair is RGBA_INTEGER with its signedness, and it reads
  const irb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, irb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.R8I, 1, 1);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, irb);
  assert.deepEqual([gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_FORMAT), gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_TYPE)], [gl.RGBA_INTEGER, gl.INT]);
  gl.clearBufferiv(gl.COLOR, 0, new Int32Array([-5, 0, 0, 0]));
  const ints = new Int32Array(4);
  gl.readPixels(0, 0, 1, 1, gl.RGBA_INTEGER, gl.INT, ints);
  assert.deepEqual([...ints], [-5, 0, 0, 1]);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  assert.deepEqual([gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_FORMAT), gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_TYPE)], [gl.RGBA, gl.UNSIGNED_BYTE]);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('queries: ANY_SAMPLES_PASSED_CONSERVATIVE and TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN (ES 3.0 § 2.14), EXT_disjoint_timer_query_webgl2', async () => {
  const gl = createWebGL2Context(4, 4, { deterministic: true });
  try {
    program(gl, VS3, FS3, { p: 0, inst: 1 });
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    const drew = gl.createQuery()!, none = gl.createQuery()!, tf = gl.createQuery()!;
    gl.beginQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE, drew);
    assert.equal(gl.getQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE, gl.CURRENT_QUERY), drew);
    // the two occlusion targets share one active query (ES 3.0 § 2.14)
    expectErr(gl, gl.INVALID_OPERATION, () => gl.beginQuery(gl.ANY_SAMPLES_PASSED, none), 'beginQuery(ANY_SAMPLES_PASSED) while the conservative one is active');
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    gl.endQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE);
    gl.beginQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE, none);
    gl.endQuery(gl.ANY_SAMPLES_PASSED_CONSERVATIVE);
    gl.beginQuery(gl.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN, tf);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    gl.endQuery(gl.TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN);
    // not available in the task that ended them (WebGL 2.0 § 5.24)
    assert.equal(gl.getQueryParameter(drew, gl.QUERY_RESULT_AVAILABLE), false);
    const ext = gl.getExtension('EXT_disjoint_timer_query_webgl2');
    assert.ok(ext);
    const timer = gl.createQuery()!;
    gl.beginQuery(ext.TIME_ELAPSED_EXT, timer);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    gl.endQuery(ext.TIME_ELAPSED_EXT);
    assert.equal(gl.getQuery(ext.TIMESTAMP_EXT, ext.QUERY_COUNTER_BITS_EXT), 64);
    gl.finish();
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(gl.getQueryParameter(drew, gl.QUERY_RESULT_AVAILABLE), true);
    assert.equal(gl.getQueryParameter(drew, gl.QUERY_RESULT), true, 'a triangle was drawn');
    assert.equal(gl.getQueryParameter(none, gl.QUERY_RESULT), false, 'nothing was drawn');
    assert.equal(gl.getQueryParameter(tf, gl.QUERY_RESULT), 0, 'no transform feedback: no primitives written');
    assert.equal(gl.getQueryParameter(timer, gl.QUERY_RESULT_AVAILABLE), true);
    assert.ok(gl.getQueryParameter(timer, gl.QUERY_RESULT) > 0, 'the draw took GPU time');
    assert.equal(gl.getError(), gl.NO_ERROR);
  } finally { gl.destroy(); }
});
