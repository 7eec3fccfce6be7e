/**
 * WebGL 2 colour buffers beyond RGBA8: which float formats are colour-renderable (ES 3.0 Table 3.13
 * lists none; EXT_color_buffer_float and EXT_color_buffer_half_float add them), unclamped clear
 * colours (ES 3.0 § 4.2.3), one image at two attachment points (WebGL 2.0 § 5.x), and copyTexImage2D
 * from float and integer buffers (ES 3.0 § 3.8.5: same component class, component sizes matching
 * exactly). The expected values are the ones the test clears to, carried through exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { read, at } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}
/** A framebuffer with a w x h texture of `internalformat` at COLOR_ATTACHMENT0; returns the texture. */
function texFbo(gl: WebGL2RenderingContext, internalformat: number, format: number, type: number, w = 2, h = 2): WebGLTexture {
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 0, internalformat, w, h, 0, format, type, null);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
  return t;
}
const readFloat = (gl: WebGL2RenderingContext, x: number, y: number): number[] => {
  const f = new Float32Array(4);
  gl.readPixels(x, y, 1, 1, gl.RGBA, gl.FLOAT, f);
  return Array.from(f);
};
const readInt = (gl: WebGL2RenderingContext, x: number, y: number): number[] => {
  const v = new Int32Array(4);
  gl.readPixels(x, y, 1, 1, gl.RGBA_INTEGER, gl.INT, v);
  return Array.from(v);
};

test('WebGL 2 float colour attachments: incomplete without EXT_color_buffer_float / _half_float, complete with them; clears keep values outside [0, 1]', () => withGl2(2, 2, (gl) => {
  // ES 3.0 Table 3.13: no float format is colour-renderable -> FRAMEBUFFER_INCOMPLETE_ATTACHMENT (§ 4.4.4.1)
  texFbo(gl, gl.R16F, gl.RED, gl.FLOAT);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_ATTACHMENT);
  texFbo(gl, gl.RGBA32F, gl.RGBA, gl.FLOAT);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_ATTACHMENT);
  // EXT_color_buffer_half_float: the 16-bit float formats only
  assert.ok(gl.getExtension('EXT_color_buffer_half_float'));
  texFbo(gl, gl.R16F, gl.RED, gl.FLOAT);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  texFbo(gl, gl.RGBA32F, gl.RGBA, gl.FLOAT);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_INCOMPLETE_ATTACHMENT);
  // R16F renderbuffer storage needs one of the two extensions: allowed now
  const rb = gl.createRenderbuffer();
  gl.bindRenderbuffer(gl.RENDERBUFFER, rb);
  gl.renderbufferStorage(gl.RENDERBUFFER, gl.R16F, 2, 2);
  assert.equal(gl.getError(), gl.NO_ERROR);
  // EXT_color_buffer_float: RGBA32F too; the clear colour reaches it unclamped
  assert.ok(gl.getExtension('EXT_color_buffer_float'));
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  gl.clearColor(1000, -2, 0.5, 3);
  assert.deepEqual(Array.from(gl.getParameter(gl.COLOR_CLEAR_VALUE) as Float32Array), [1000, -2, 0.5, 3]);
  gl.clear(gl.COLOR_BUFFER_BIT);
  assert.deepEqual(readFloat(gl, 1, 1), [1000, -2, 0.5, 3]);
  // the same clear colour on an RGBA8 buffer is clamped where it is written: 1000 -> 255, -2 -> 0, 0.5 -> round(127.5) = 128, 3 -> 255
  texFbo(gl, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE);
  gl.clear(gl.COLOR_BUFFER_BIT);
  assert.deepEqual(at(read(gl, 2, 2), 2, 0, 0), [255, 0, 128, 255]);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('WebGL 2: one image at two colour attachment points is FRAMEBUFFER_UNSUPPORTED', () => withGl2(2, 2, (gl) => {
  const t = texFbo(gl, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE);
  const t2 = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, t2);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT1, gl.TEXTURE_2D, t2, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT2, gl.TEXTURE_2D, t, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_UNSUPPORTED);
  // the same texture at another level is another image
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texImage2D(gl.TEXTURE_2D, 1, gl.RGBA8, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT2, gl.TEXTURE_2D, t, 1);
  // (complete as far as duplicates go: the sizes now differ, which ES 3.0 allows — the framebuffer is the smallest)
  assert.notEqual(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_UNSUPPORTED);
}));

test('WebGL 2 copyTexImage2D from integer and float buffers: the values exactly, into formats of the same class and component sizes', () => withGl2(4, 4, (gl) => {
  // an RGBA32I buffer cleared to (-5, 7, 2147483647, -2147483648)
  texFbo(gl, gl.RGBA32I, gl.RGBA_INTEGER, gl.INT);
  gl.clearBufferiv(gl.COLOR, 0, new Int32Array([-5, 7, 2147483647, -2147483648]));
  const dst = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, dst);
  // RG32I: red and green, 32 bits each like the buffer's
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RG32I, 0, 0, 2, 2, 0);
  assert.equal(gl.getError(), gl.NO_ERROR);
  // R8I (8 bits against the buffer's 32), RG32UI (unsigned from signed), RGBA8 (fixed-point from integer): INVALID_OPERATION
  for (const f of [gl.R8I, gl.RG32UI, gl.RGBA8]) {
    gl.copyTexImage2D(gl.TEXTURE_2D, 0, f, 0, 0, 2, 2, 0);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, `0x${f.toString(16)}`);
  }
  // read the copy back through a framebuffer: (-5, 7) and, for the absent blue and alpha, 0 and 1
  const src = gl.getParameter(gl.FRAMEBUFFER_BINDING);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, dst, 0);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  assert.deepEqual(readInt(gl, 1, 1), [-5, 7, 0, 1]);
  gl.bindFramebuffer(gl.FRAMEBUFFER, src);
  // a rectangle reaching past the 2 x 2 buffer (x from 1, 2 wide): the pixel outside is 0 (WebGL 1.0 § 6.x)
  gl.bindTexture(gl.TEXTURE_2D, dst);
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RGBA32I, 1, 0, 2, 1, 0);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, dst, 0);
  assert.deepEqual(readInt(gl, 0, 0), [-5, 7, 2147483647, -2147483648]);
  assert.deepEqual(readInt(gl, 1, 0), [0, 0, 0, 0]);

  // an RGBA16F buffer cleared to (1000, 0.25, -3, 1): all exact in half floats
  assert.ok(gl.getExtension('EXT_color_buffer_float'));
  texFbo(gl, gl.RGBA16F, gl.RGBA, gl.FLOAT);
  gl.clearColor(1000, 0.25, -3, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  const half = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, half);
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RG16F, 0, 0, 2, 2, 0);
  assert.equal(gl.getError(), gl.NO_ERROR);
  // RGBA32F (32-bit components from a 16-bit buffer) and R11F_G11F_B10F: INVALID_OPERATION
  for (const f of [gl.RGBA32F, gl.R11F_G11F_B10F]) {
    gl.copyTexImage2D(gl.TEXTURE_2D, 0, f, 0, 0, 2, 2, 0);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, `0x${f.toString(16)}`);
  }
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, half, 0);
  assert.deepEqual(readFloat(gl, 0, 1), [1000, 0.25, 0, 1]);
  // an RGBA8 buffer into RGB565 (5/6/5 bits against 8): INVALID_OPERATION
  texFbo(gl, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.copyTexImage2D(gl.TEXTURE_2D, 0, gl.RGB565, 0, 0, 2, 2, 0);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));

test('WebGL 2: a draw whose declared fragment output kind (float, int, uint) differs from an active draw buffer\'s is INVALID_OPERATION, and draws nothing', () => withGl2(2, 2, (gl) => {
  const VS = '#version 300 es\nin vec4 p; void main() { gl_Position = p; }';
  const prog = (outs: string, body: string): WebGLProgram => {
    const p = gl.createProgram()!;
    for (const [type, src] of [[gl.VERTEX_SHADER, VS], [gl.FRAGMENT_SHADER, `#version 300 es\nprecision mediump float;\n${outs}\nvoid main() { ${body} }`]] as const) {
      const s = gl.createShader(type)!;
      gl.shaderSource(s, src);
      gl.compileShader(s);
      gl.attachShader(p, s);
    }
    gl.bindAttribLocation(p, 0, 'p');
    gl.linkProgram(p);
    assert.equal(gl.getProgramParameter(p, gl.LINK_STATUS), true, gl.getProgramInfoLog(p) ?? '');
    return p;
  };
  const buf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buf);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  // attachment 0: RGBA8 (fixed point: float outputs), attachment 1: RGBA8UI
  const fb = gl.createFramebuffer();
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  const attach = (i: number, internal: number, format: number) => {
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, internal, 2, 2, 0, format, gl.UNSIGNED_BYTE, null);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + i, gl.TEXTURE_2D, t, 0);
  };
  attach(0, gl.RGBA8, gl.RGBA);
  attach(1, gl.RGBA8UI, gl.RGBA_INTEGER);
  assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
  const draw = (buffers: number[]): number => { gl.drawBuffers(buffers); gl.drawArrays(gl.TRIANGLES, 0, 3); return gl.getError(); };
  const both = [gl.COLOR_ATTACHMENT0, gl.COLOR_ATTACHMENT1], first = [gl.COLOR_ATTACHMENT0, gl.NONE];
  // one float output at location 0: buffer 1 is reached by no output, so not checked
  gl.useProgram(prog('out vec4 o;', 'o = vec4(1.0, 0.0, 0.0, 1.0);'));
  assert.equal(draw(both), gl.NO_ERROR);
  // vec4 o[2] covers locations 0 and 1 (declared, even though o[1] is never written): float into RGBA8UI
  gl.useProgram(prog('out vec4 o[2];', 'o[0] = vec4(0.0, 1.0, 0.0, 1.0);'));
  assert.equal(draw(first), gl.NO_ERROR);
  assert.equal(draw(both), gl.INVALID_OPERATION);
  // matching kinds: float at 0, uint at 1; a uint at location 0 mismatches the fixed-point buffer
  gl.useProgram(prog('layout(location = 0) out vec4 c; layout(location = 1) out uvec4 u;', 'c = vec4(0.0, 0.0, 1.0, 1.0); u = uvec4(7u, 8u, 9u, 10u);'));
  assert.equal(draw(both), gl.NO_ERROR);
  const v = new Uint32Array(4);
  gl.readBuffer(gl.COLOR_ATTACHMENT1);
  gl.readPixels(0, 0, 1, 1, gl.RGBA_INTEGER, gl.UNSIGNED_INT, v);
  assert.deepEqual(Array.from(v), [7, 8, 9, 10]);
  gl.useProgram(prog('layout(location = 0) out uvec4 u;', 'u = uvec4(1u);'));
  assert.equal(draw(first), gl.INVALID_OPERATION);
  // an int output into the unsigned buffer is a mismatch too; the failed draw wrote nothing
  gl.useProgram(prog('layout(location = 1) out ivec4 i;', 'i = ivec4(1, 2, 3, 4);'));
  assert.equal(draw([gl.NONE, gl.COLOR_ATTACHMENT1]), gl.INVALID_OPERATION);
  gl.readPixels(0, 0, 1, 1, gl.RGBA_INTEGER, gl.UNSIGNED_INT, v);
  assert.deepEqual(Array.from(v), [7, 8, 9, 10]);
}));
