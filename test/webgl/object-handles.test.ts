/**
 * The WebGL objects a page holds are bare handles (objects.ts): a page's own properties on them
 * ("expandos") must not reach driver state, whatever their names — the names below are the driver's
 * own field names, which used to be the same objects' properties. Rendering and getParameter are
 * compared with the values the test set up; the IDL checks still take the handles and refuse forgeries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program, read, at } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}

/** Sets, on `o`, every property name the driver's objects use, to values that would break it. */
function clobber(o: object): void {
  const junk: Record<string, unknown> = {
    id: -1, owner: {}, deleted: true, handle: null, target: 0x1234, size: 2, data: new Uint8Array(1), bo: null, usage: 0, elementData: true,
    gpuDirty: true, levels: [], width: 0, height: 0, internalFormat: 0, color: null, zs: null, stride: 0, bound: false, attachedTo: null,
    depth: null, stencil: null, depthStencil: null, drawBuffers: [], readBuffer: 0, attribs: [], elementBuffer: null, source: 'x', compiled: null,
    linked: null, linkStatus: false, vertex: null, fragment: null, samplerUnits: null, values: null, type: 0, minFilter: 0, magFilter: 0,
    wrapS: 0, wrapT: 0, params2: null, immutableLevels: 9, active: true, paused: true, buffers: [], signaled: true, seq: -1, result: 7,
    program: null, generation: null, uniform: null, index: 99,
  };
  Object.assign(o, junk);
}

test('expandos with the driver\'s field names on every WebGL object kind change neither rendering nor getParameter', () => withGl2(2, 2, (gl) => {
  const vs = `#version 300 es
in vec2 p; in float c; flat out float v; void main() { gl_Position = vec4(p, 0.0, 1.0); v = c; }`;
  const fs = `#version 300 es
precision mediump float; uniform sampler2D t; uniform float k; flat in float v; out vec4 o;
void main() { o = texture(t, vec2(0.5)) * k + vec4(0.0, v, 0.0, 0.0); }`;
  const prog = program(gl, vs, fs, { p: 0, c: 1 });
  const shaders = gl.getAttachedShaders(prog)!;
  const vao = gl.createVertexArray()!;
  gl.bindVertexArray(vao);
  const pos = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, pos);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  const col = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, col);
  // c = 0.4 at every vertex
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0.4, 0.4, 0.4, 0.4]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(1);
  gl.vertexAttribPointer(1, 1, gl.FLOAT, false, 0, 0);
  const idx = gl.createBuffer()!;
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, idx);
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array([0, 1, 2, 2, 1, 3]), gl.STATIC_DRAW);
  const tex = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([200, 0, 100, 255]));
  const sampler = gl.createSampler()!;
  gl.samplerParameteri(sampler, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.bindSampler(0, sampler);
  const rb = gl.createRenderbuffer()!;
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA8, 2, 2);
  const fb = gl.createFramebuffer()!;
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, rb);
  const tf = gl.createTransformFeedback()!;
  const query = gl.createQuery()!;
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0)!;
  gl.useProgram(prog);
  const k = gl.getUniformLocation(prog, 'k')!;
  gl.uniform1f(k, 0.6);

  for (const o of [prog, ...shaders, vao, pos, col, idx, tex, sampler, rb, fb, tf, query, sync, k]) clobber(o);

  // texture (200, 0, 100, 255) / 255 * 0.6 + (0, 0.4, 0, 0), times 255: (120, 102, 60, 153)
  gl.drawElements(gl.TRIANGLES, 6, gl.UNSIGNED_SHORT, 0);
  assert.equal(gl.getError(), gl.NO_ERROR);
  for (const [x, y] of [[0, 0], [1, 1]] as const) assert.deepEqual(at(read(gl, 2, 2), 2, x, y), [120, 102, 60, 153]);
  // the bindings hand back the very objects bound, expandos and all
  assert.equal(gl.getParameter(gl.CURRENT_PROGRAM), prog);
  assert.equal(gl.getParameter(gl.VERTEX_ARRAY_BINDING), vao);
  assert.equal(gl.getParameter(gl.ELEMENT_ARRAY_BUFFER_BINDING), idx);
  assert.equal(gl.getParameter(gl.ARRAY_BUFFER_BINDING), col);
  assert.equal(gl.getVertexAttrib(0, gl.VERTEX_ATTRIB_ARRAY_BUFFER_BINDING), pos);
  assert.equal(gl.getParameter(gl.TEXTURE_BINDING_2D), tex);
  assert.equal(gl.getParameter(gl.SAMPLER_BINDING), sampler);
  assert.equal(gl.getParameter(gl.RENDERBUFFER_BINDING), rb);
  assert.equal(gl.getParameter(gl.FRAMEBUFFER_BINDING), fb);
  assert.equal(gl.getFramebufferAttachmentParameter(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME), rb);
  assert.deepEqual(gl.getAttachedShaders(prog), shaders);
  assert.equal((tex as { size?: number }).size, 2);
  // the driver's state is untouched: sizes, types, statuses
  assert.equal(gl.getBufferParameter(gl.ELEMENT_ARRAY_BUFFER, gl.BUFFER_SIZE), 12);
  assert.equal(gl.getProgramParameter(prog, gl.LINK_STATUS), true);
  assert.equal(gl.getShaderParameter(shaders[0]!, gl.SHADER_TYPE), gl.VERTEX_SHADER);
  assert.equal(gl.getRenderbufferParameter(gl.RENDERBUFFER, gl.RENDERBUFFER_WIDTH), 2);
  assert.equal(gl.getSamplerParameter(sampler, gl.TEXTURE_MIN_FILTER), gl.NEAREST);
  assert.equal(gl.isTexture(tex) && gl.isBuffer(pos) && gl.isFramebuffer(fb) && gl.isQuery(query) === false && gl.isSync(sync), true);
  assert.equal(gl.getSyncParameter(sync, gl.OBJECT_TYPE), gl.SYNC_FENCE);
  gl.bindTransformFeedback(gl.TRANSFORM_FEEDBACK, tf);
  assert.equal(gl.getParameter(gl.TRANSFORM_FEEDBACK_BINDING), tf);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('handles: interface names, and the IDL checks take them and refuse anything else', () => withGl2(1, 1, (gl) => {
  const b = gl.createBuffer()!;
  assert.equal(b.constructor.name, 'WebGLBuffer');
  assert.equal(gl.createTexture()!.constructor.name, 'WebGLTexture');
  assert.equal(gl.createVertexArray()!.constructor.name, 'WebGLVertexArrayObject');
  // a handle shows nothing of the driver
  assert.deepEqual(Object.keys(b), []);
  // a forged object of the same prototype, a plain object, a handle of another kind: TypeError (WebIDL)
  assert.throws(() => gl.bindBuffer(gl.ARRAY_BUFFER, Object.create(Object.getPrototypeOf(b))), TypeError);
  assert.throws(() => gl.bindBuffer(gl.ARRAY_BUFFER, {} as WebGLBuffer), TypeError);
  assert.throws(() => gl.bindBuffer(gl.ARRAY_BUFFER, gl.createTexture() as unknown as WebGLBuffer), TypeError);
  // another context's buffer: INVALID_OPERATION, as before
  withGl2(1, 1, (other) => {
    gl.bindBuffer(gl.ARRAY_BUFFER, other.createBuffer());
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  });
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.getParameter(gl.ARRAY_BUFFER_BINDING), b);
}));
