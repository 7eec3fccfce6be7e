/** Programs and uniforms through the compiler contract: info logs, active info, locations, uniform validation; depth textures; OOM. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import type { AkariWebGLRenderingContext } from '../../src/webgl/context.js';

function withGl<T>(w: number, h: number, fn: (gl: AkariWebGLRenderingContext) => T, attrs: Parameters<typeof createWebGLContext>[2] = {}): T {
  const gl = createWebGLContext(w, h, { deterministic: true, ...attrs });
  try { return fn(gl); } finally { gl.destroy(); }
}
function shader(gl: WebGLRenderingContext, type: number, src: string): WebGLShader {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, src);
  gl.compileShader(s);
  return s;
}
function link(gl: WebGLRenderingContext, vs: string, fs: string): WebGLProgram {
  const p = gl.createProgram();
  gl.attachShader(p, shader(gl, gl.VERTEX_SHADER, vs));
  gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, fs));
  gl.linkProgram(p);
  assert.ok(gl.getProgramParameter(p, gl.LINK_STATUS), gl.getProgramInfoLog(p) ?? '');
  return p;
}

describe('webgl programs', () => {
  test('compile errors reach getShaderInfoLog; link failure keeps the old state', () => withGl(4, 4, (gl) => {
    const s = shader(gl, gl.FRAGMENT_SHADER, 'void main() { gl_FragColor = vec4(undefinedThing); }');
    assert.equal(gl.getShaderParameter(s, gl.COMPILE_STATUS), false);
    assert.match(gl.getShaderInfoLog(s)!, /ERROR: 0:1/);
    assert.equal(gl.getShaderParameter(s, gl.SHADER_TYPE), gl.FRAGMENT_SHADER);
    const p = gl.createProgram();
    gl.attachShader(p, s);
    gl.linkProgram(p);
    assert.equal(gl.getProgramParameter(p, gl.LINK_STATUS), false);
    assert.ok(gl.getProgramInfoLog(p)!.length > 0);
    assert.equal(gl.getProgramParameter(p, gl.ATTACHED_SHADERS), 1);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('active attributes and uniforms, locations, uniform type validation', () => withGl(4, 4, (gl) => {
    const p = link(gl,
      'attribute vec4 a_pos; attribute vec2 a_uv; uniform mat4 u_m; uniform float u_arr[3]; varying vec2 v; void main() { v = a_uv * u_arr[2]; gl_Position = u_m * a_pos; }',
      'precision mediump float; uniform vec4 u_c; uniform sampler2D u_t; uniform int u_i; uniform bool u_b; varying vec2 v; void main() { gl_FragColor = u_b ? texture2D(u_t, v) * u_c : vec4(float(u_i)); }');
    const attrs = Array.from({ length: gl.getProgramParameter(p, gl.ACTIVE_ATTRIBUTES) }, (_, i) => gl.getActiveAttrib(p, i)!);
    assert.deepEqual(attrs.map((a) => [a.name, a.type, a.size]).sort(), [['a_pos', gl.FLOAT_VEC4, 1], ['a_uv', gl.FLOAT_VEC2, 1]]);
    const unis = Array.from({ length: gl.getProgramParameter(p, gl.ACTIVE_UNIFORMS) }, (_, i) => gl.getActiveUniform(p, i)!);
    const byName = new Map(unis.map((u) => [u.name, u]));
    assert.equal(byName.get('u_arr[0]')?.size, 3);
    assert.equal(byName.get('u_m')?.type, gl.FLOAT_MAT4);
    assert.equal(byName.get('u_t')?.type, gl.SAMPLER_2D);
    assert.ok(gl.getAttribLocation(p, 'a_pos') >= 0);
    assert.equal(gl.getAttribLocation(p, 'nope'), -1);
    assert.ok(gl.getUniformLocation(p, 'u_arr'));
    assert.ok(gl.getUniformLocation(p, 'u_arr[2]'));
    assert.equal(gl.getUniformLocation(p, 'u_arr[3]'), null);
    assert.equal(gl.getUniformLocation(p, 'gl_FragColor'), null);
    gl.getActiveUniform(p, 99);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    gl.useProgram(p);
    const c = gl.getUniformLocation(p, 'u_c')!, m = gl.getUniformLocation(p, 'u_m')!, t = gl.getUniformLocation(p, 'u_t')!;
    const i = gl.getUniformLocation(p, 'u_i')!, b = gl.getUniformLocation(p, 'u_b')!;
    const cases: Array<[string, () => void, number]> = [
      ['uniform4i on a vec4 — ES 2.0 §2.10.4', () => gl.uniform4i(c, 1, 2, 3, 4), gl.INVALID_OPERATION],
      ['uniform3f on a vec4', () => gl.uniform3f(c, 1, 2, 3), gl.INVALID_OPERATION],
      ['uniform1f on a sampler', () => gl.uniform1f(t, 1), gl.INVALID_OPERATION],
      ['uniform1i sampler out of range', () => gl.uniform1i(t, 99), gl.INVALID_VALUE],
      ['uniform1f on an int', () => gl.uniform1f(i, 1), gl.INVALID_OPERATION],
      ['uniformMatrix4fv(transpose = true) — WebGL 1.0 §5.14.10', () => gl.uniformMatrix4fv(m, true, new Float32Array(16)), gl.INVALID_VALUE],
      ['uniformMatrix4fv with 15 values', () => gl.uniformMatrix4fv(m, false, new Float32Array(15)), gl.INVALID_VALUE],
      ['uniform4fv array on a non-array', () => gl.uniform4fv(c, new Float32Array(8)), gl.INVALID_OPERATION],
      ['uniform1f with a location of a program not in use', () => { gl.useProgram(link(gl, 'void main() { gl_Position = vec4(0.0); }', 'void main() { gl_FragColor = vec4(1.0); }')); gl.uniform4f(c, 1, 1, 1, 1); gl.useProgram(p); }, gl.INVALID_OPERATION],
    ];
    for (const [name, fn, code] of cases) { fn(); assert.equal(gl.getError(), code, name); assert.equal(gl.getError(), gl.NO_ERROR, name); }
    gl.uniform1f(null, 1); // a null location is silently ignored
    gl.uniform1i(b, 1); gl.uniform1f(b, 0); // bools take both
    gl.uniform1fv(gl.getUniformLocation(p, 'u_arr[1]'), [5, 6, 7]); // writes elements 1 and 2, ignores the overflow
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.equal(gl.getUniform(p, gl.getUniformLocation(p, 'u_arr[2]')!), 6);
    assert.equal(gl.getUniform(p, b), false);
    gl.uniformMatrix4fv(m, false, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    assert.deepEqual(Array.from(gl.getUniform(p, m) as Float32Array), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    // Relinking invalidates old locations.
    gl.linkProgram(p);
    gl.uniform4f(c, 1, 1, 1, 1);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  }));

  test('matrix uniforms are column-major: a translation moves a quad', () => withGl(8, 8, (gl) => {
    const p = link(gl, 'attribute vec2 pos; uniform mat4 m; void main() { gl_Position = m * vec4(pos, 0.0, 1.0); }',
      'precision mediump float; void main() { gl_FragColor = vec4(1.0); }');
    gl.useProgram(p);
    gl.bindAttribLocation(p, 0, 'pos');
    gl.linkProgram(p);
    gl.useProgram(p);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 0, -1, -1, 0, 0, 0]), gl.STATIC_DRAW); // the bottom-left quarter
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    // translate by (+1, +1): column 3 holds the translation.
    gl.uniformMatrix4fv(gl.getUniformLocation(p, 'm'), false, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1]);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const px = new Uint8Array(256);
    gl.readPixels(0, 0, 8, 8, gl.RGBA, gl.UNSIGNED_BYTE, px);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) assert.equal(px[(y * 8 + x) * 4], x >= 4 && y >= 4 ? 255 : 0, `${x},${y}`);
  }));

  test('WEBGL_depth_texture: render depth into a texture, then sample it', () => withGl(8, 8, (gl) => {
    gl.getExtension('WEBGL_depth_texture');
    const depth = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, depth);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.DEPTH_COMPONENT, 8, 8, 0, gl.DEPTH_COMPONENT, gl.UNSIGNED_SHORT, null);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    const color = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, color);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 8, 8, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, color, 0);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.DEPTH_ATTACHMENT, gl.TEXTURE_2D, depth, 0);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    assert.equal(gl.getParameter(gl.DEPTH_BITS), 16);
    const p = link(gl, 'attribute vec3 pos; void main() { gl_Position = vec4(pos, 1.0); }', 'precision mediump float; void main() { gl_FragColor = vec4(1.0); }');
    gl.bindAttribLocation(p, 0, 'pos'); gl.linkProgram(p); gl.useProgram(p);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 0, 0, -1, 0, -1, 1, 0, 0, 1, 0]), gl.STATIC_DRAW); // left half at z = 0 -> depth 0.5
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 3, gl.FLOAT, false, 0, 0);
    gl.enable(gl.DEPTH_TEST);
    gl.clear(gl.DEPTH_BUFFER_BIT | gl.COLOR_BUFFER_BIT);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.disable(gl.DEPTH_TEST);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const q = link(gl, 'attribute vec2 pos; varying vec2 uv; void main() { uv = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }',
      'precision mediump float; uniform sampler2D d; varying vec2 uv; void main() { gl_FragColor = vec4(texture2D(d, uv).r, 0.0, 0.0, 1.0); }');
    gl.bindAttribLocation(q, 0, 'pos'); gl.linkProgram(q); gl.useProgram(q);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindTexture(gl.TEXTURE_2D, depth);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const px = new Uint8Array(256);
    gl.readPixels(0, 0, 8, 8, gl.RGBA, gl.UNSIGNED_BYTE, px);
    // depth16: round(0.5 * 65535) / 65535 * 255 = 127.5 + ε -> 128; the cleared right half is 1.0 -> 255.
    assert.deepEqual(Array.from(px.subarray(0, 4)), [128, 0, 0, 255]);
    assert.deepEqual(Array.from(px.subarray(7 * 4, 8 * 4)), [255, 0, 0, 255]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }));

  test('float render target (OES_texture_float): unclamped output read back as RGBA/FLOAT', () => withGl(4, 4, (gl) => {
    gl.getExtension('OES_texture_float');
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 2, 0, gl.RGBA, gl.FLOAT, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
    assert.equal(gl.checkFramebufferStatus(gl.FRAMEBUFFER), gl.FRAMEBUFFER_COMPLETE);
    gl.viewport(0, 0, 2, 2);
    const p = link(gl, 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }', 'precision highp float; void main() { gl_FragColor = vec4(2.5, -1.0, 0.125, 1.0); }');
    gl.bindAttribLocation(p, 0, 'pos'); gl.linkProgram(p); gl.useProgram(p);
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const f = new Float32Array(16);
    gl.readPixels(0, 0, 2, 2, gl.RGBA, gl.FLOAT, f);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(Array.from(f.subarray(12)), [2.5, -1, 0.125, 1]);
    gl.readPixels(0, 0, 2, 2, gl.RGBA, gl.FLOAT, new Uint8Array(16) as unknown as Float32Array);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  }));

  test('GLSL 1.20 uniform initializers are the values after linking, until the app sets them', () => withGl(2, 2, (gl) => {
    // the vertex shader declares the initializer without using it; the fragment shader uses it
    const p = link(gl,
      '#version 120\nattribute vec2 pos; uniform vec4 c = vec4(0.25, 0.5, 0.75, 1.0); void main() { gl_Position = vec4(pos, 0.0, 1.0); }',
      '#version 120\nuniform vec4 c; uniform float k[3] = float[3](2.0, 4.0, 8.0); uniform bool b = true;\n' +
      'uniform mat2x3 m = mat2x3(1.0, 2.0, 3.0, 4.0, 5.0, 6.0);\n' +
      'void main() { gl_FragColor = b ? c * (k[0] + k[1] + k[2]) / 14.0 * (m[1][2] - m[0][0]) / 5.0 : vec4(0.0); }');
    assert.deepEqual(Array.from(gl.getUniform(p, gl.getUniformLocation(p, 'c')!) as Float32Array), [0.25, 0.5, 0.75, 1]);
    assert.equal(gl.getUniform(p, gl.getUniformLocation(p, 'k[2]')!), 8);
    assert.equal(gl.getUniform(p, gl.getUniformLocation(p, 'b')!), true);
    // column-major: m[0] = (1, 2, 3), m[1] = (4, 5, 6)
    assert.deepEqual(Array.from(gl.getUniform(p, gl.getUniformLocation(p, 'm')!) as Float32Array), [1, 2, 3, 4, 5, 6]);
    gl.useProgram(p);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(gl.getAttribLocation(p, 'pos'));
    gl.vertexAttribPointer(gl.getAttribLocation(p, 'pos'), 2, gl.FLOAT, false, 0, 0);
    const px = new Uint8Array(4);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
    // c * 14/14 * (6-1)/5 = c: 0.25, 0.5, 0.75, 1 -> 64, 128, 191, 255
    assert.deepEqual(Array.from(px), [64, 128, 191, 255]);
    gl.uniform4f(gl.getUniformLocation(p, 'c'), 1, 0, 0, 1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
    assert.deepEqual(Array.from(px), [255, 0, 0, 255]);
    // relinking restores the initializer's value
    gl.linkProgram(p);
    assert.deepEqual(Array.from(gl.getUniform(p, gl.getUniformLocation(p, 'c')!) as Float32Array), [0.25, 0.5, 0.75, 1]);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }, { compatibility: true })); // GLSL 1.20: the OpenGL compatibility profile (WebGL 1 compiles #version 100 only)

  test('uniform initializers that differ between the shaders fail to link', () => withGl(2, 2, (gl) => {
    const p = gl.createProgram();
    gl.attachShader(p, shader(gl, gl.VERTEX_SHADER, '#version 120\nuniform float f = 1.0; void main() { gl_Position = vec4(f); }'));
    gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, '#version 120\nuniform float f = 2.0; void main() { gl_FragColor = vec4(f); }'));
    gl.linkProgram(p);
    assert.equal(gl.getProgramParameter(p, gl.LINK_STATUS), false);
    assert.match(gl.getProgramInfoLog(p)!, /Initializers for uniform `f' differ/);
    // GLSL 1.10 has no uniform initializers
    const s = shader(gl, gl.FRAGMENT_SHADER, '#version 110\nuniform float f = 2.0; void main() { gl_FragColor = vec4(f); }');
    assert.match(gl.getShaderInfoLog(s)!, /0:2:\d+: uniform 'f' cannot have an initializer/);
  }, { compatibility: true })); // GLSL 1.20: the OpenGL compatibility profile (WebGL 1 compiles #version 100 only)

  test('OpenGL compatibility contexts link several shaders of a stage as one (functions and globals shared); WebGL allows one', () => {
    const fsMain = '#version 110\nfloat scale(float x);\nfloat g[];\nvoid main() { g[2] = 0.5; gl_FragColor = vec4(scale(0.25), g[2], 0.0, 1.0); }';
    const fsLib = '#version 110\nfloat g[];\nfloat scale(float x) { return x * 2.0 + g[2]; }';
    const vs = '#version 110\nattribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }';
    withGl(2, 2, (gl) => {
      const p = gl.createProgram();
      const lib = shader(gl, gl.FRAGMENT_SHADER, fsLib);
      // a desktop shader without main() compiles; linking it alone fails
      assert.equal(gl.getShaderParameter(lib, gl.COMPILE_STATUS), true, gl.getShaderInfoLog(lib) ?? '');
      gl.attachShader(p, shader(gl, gl.VERTEX_SHADER, vs));
      gl.attachShader(p, lib);
      gl.linkProgram(p);
      assert.equal(gl.getProgramParameter(p, gl.LINK_STATUS), false);
      assert.match(gl.getProgramInfoLog(p)!, /fragment shader has no main\(\)/);
      gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, fsMain));
      assert.equal(gl.getProgramParameter(p, gl.ATTACHED_SHADERS), 3);
      gl.linkProgram(p);
      assert.ok(gl.getProgramParameter(p, gl.LINK_STATUS), gl.getProgramInfoLog(p) ?? '');
      gl.useProgram(p);
      gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
      gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
      gl.enableVertexAttribArray(0);
      gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      const px = new Uint8Array(4);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      // scale(0.25) = 0.25 * 2 + g[2] = 1.0 (g is one variable in both shaders); g[2] = 0.5 -> 128
      assert.deepEqual(Array.from(px), [255, 128, 0, 255]);
      // detaching the first fragment shader leaves the other one in its place
      gl.detachShader(p, lib);
      assert.equal(gl.getProgramParameter(p, gl.ATTACHED_SHADERS), 2);
      assert.equal(gl.getError(), gl.NO_ERROR);
    }, { compatibility: true });
    withGl(2, 2, (gl) => {
      const p = gl.createProgram();
      gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, fsLib));
      gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, fsMain));
      assert.equal(gl.getError(), gl.INVALID_OPERATION);
      // GLSL ES: main() is required when compiling
      const es = shader(gl, gl.FRAGMENT_SHADER, 'precision mediump float; float f() { return 1.0; }');
      assert.equal(gl.getShaderParameter(es, gl.COMPILE_STATUS), false);
      assert.match(gl.getShaderInfoLog(es)!, /missing function 'void main\(\)'/);
    });
  });

  test('a feedback loop (sampling the bound colour texture) is INVALID_OPERATION', () => withGl(4, 4, (gl) => {
    const p = link(gl, 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }', 'precision mediump float; uniform sampler2D t; void main() { gl_FragColor = texture2D(t, vec2(0.5)); }');
    gl.useProgram(p);
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 4, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t, 0);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
  }));
});

test('allocation failure is OUT_OF_MEMORY, not an exception', () => withGl(4, 4, (gl) => {
  gl.getExtension('OES_texture_float');
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2048, 2048, 0, gl.RGBA, gl.FLOAT, null); // 64 MiB + mips on a 64 MiB machine
  assert.equal(gl.getError(), gl.OUT_OF_MEMORY);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 2, 2, 0, gl.RGBA, gl.FLOAT, null);
  assert.equal(gl.getError(), gl.NO_ERROR);
}, { machine: { memoryBytes: 64 << 20 } }));

test('WebGL 1 rejects #version 300 es (WebGL 1.0 accepts GLSL ES 1.00 only); the compatibility profile compiles and draws it', () => {
  const vs = '#version 300 es\nin vec2 pos;\nvoid main() { gl_Position = vec4(pos, 0.0, 1.0); }\n';
  const fs = '#version 300 es\nprecision mediump float;\nout vec4 c;\nvoid main() { c = vec4(0.0, 1.0, 0.0, 1.0); }\n';
  withGl(2, 2, (gl) => {
    const s = shader(gl, gl.VERTEX_SHADER, vs);
    assert.equal(gl.getShaderParameter(s, gl.COMPILE_STATUS), false);
    assert.match(gl.getShaderInfoLog(s)!, /^ERROR: 0:1:10: version 300 es is not supported/);
  });
  withGl(2, 2, (gl) => {
    const p = link(gl, vs, fs);
    gl.useProgram(p);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
    const loc = gl.getAttribLocation(p, 'pos');
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    const px = new Uint8Array(16);
    gl.readPixels(0, 0, 2, 2, gl.RGBA, gl.UNSIGNED_BYTE, px);
    // `out vec4 c` at location 0 is the colour buffer: every pixel green
    assert.deepEqual([...px], [0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255]);
  }, { compatibility: true });
});

test('deleting an attached shader or the current program only flags it until it is let go (ES 2.0 § 2.10.1, 2.10.3)', () => withGl(2, 2, (gl) => {
  const vs = gl.createShader(gl.VERTEX_SHADER)!;
  gl.shaderSource(vs, 'attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }');
  gl.compileShader(vs);
  const fs = gl.createShader(gl.FRAGMENT_SHADER)!;
  gl.shaderSource(fs, 'precision mediump float; void main() { gl_FragColor = vec4(0.0, 1.0, 0.0, 1.0); }');
  gl.compileShader(fs);
  const p = gl.createProgram()!;
  gl.attachShader(p, vs);
  gl.attachShader(p, fs);
  gl.linkProgram(p);
  gl.useProgram(p);
  // attached shaders: flagged, names still valid
  gl.deleteShader(vs);
  gl.deleteShader(fs);
  assert.equal(gl.isShader(vs), true);
  assert.equal(gl.getShaderParameter(vs, gl.DELETE_STATUS), true);
  // the current program: flagged, still usable
  gl.deleteProgram(p);
  assert.equal(gl.isProgram(p), true);
  assert.equal(gl.getProgramParameter(p, gl.DELETE_STATUS), true);
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.enableVertexAttribArray(0);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  assert.equal(gl.getError(), gl.NO_ERROR);
  const px = new Uint8Array(4);
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  assert.deepEqual(Array.from(px), [0, 255, 0, 255], 'the flagged program still draws');
  // detaching lets the fragment shader go; replacing the program lets the program (and the vertex shader) go
  gl.detachShader(p, fs);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.isShader(fs), false);
  assert.equal(gl.isShader(vs), true);
  gl.useProgram(null);
  assert.equal(gl.isProgram(p), false);
  assert.equal(gl.isShader(vs), false);
  // an unattached shader goes at once
  const lone = gl.createShader(gl.VERTEX_SHADER)!;
  gl.deleteShader(lone);
  assert.equal(gl.isShader(lone), false);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('attribute aliasing: two attributes, or a matrix column and an attribute, at one location fail to link in WebGL and GLSL ES 3.00; a GL compatibility context with GLSL 1.x allows it', () => {
  const vs = 'attribute vec4 a; attribute vec2 b; attribute mat3 m; void main() { gl_Position = a + vec4(b, 0.0, 1.0) + vec4(m[2], 1.0); }';
  const fs = 'precision mediump float; void main() { gl_FragColor = vec4(1.0); }';
  const tryLink = (gl: WebGLRenderingContext, v: string, f: string, binds: [string, number][]): boolean => {
    const p = gl.createProgram();
    for (const [n, l] of binds) gl.bindAttribLocation(p, l, n);
    gl.attachShader(p, shader(gl, gl.VERTEX_SHADER, v));
    gl.attachShader(p, shader(gl, gl.FRAGMENT_SHADER, f));
    gl.linkProgram(p);
    return gl.getProgramParameter(p, gl.LINK_STATUS) as boolean;
  };
  withGl(4, 4, (gl) => {
    assert.equal(tryLink(gl, vs, fs, [['a', 3], ['b', 3]]), false, 'a and b both at 3');
    // m takes locations 4, 5 and 6: b at 6 overlaps its third column, b at 7 does not
    assert.equal(tryLink(gl, vs, fs, [['m', 4], ['b', 6]]), false, 'b on m\'s third column');
    assert.equal(tryLink(gl, vs, fs, [['m', 4], ['b', 7], ['a', 3]]), true);
    assert.equal(gl.getError(), gl.NO_ERROR);
  });
  withGl(4, 4, (gl) => {
    const v3 = '#version 300 es\nlayout(location = 2) in vec4 a; in vec4 b; void main() { gl_Position = a + b; }';
    const f3 = '#version 300 es\nprecision mediump float; out vec4 c; void main() { c = vec4(1.0); }';
    assert.equal(tryLink(gl, v3, f3, [['b', 2]]), false, 'b bound onto a\'s layout location');
    assert.equal(tryLink(gl, v3, f3, [['b', 1]]), true);
  }, { version: 2 } as Parameters<typeof createWebGLContext>[2]);
  withGl(4, 4, (gl) => {
    assert.equal(tryLink(gl, '#version 110\n' + vs, '#version 110\nvoid main() { gl_FragColor = vec4(1.0); }', [['a', 3], ['b', 3]]), true, 'aliasing in OpenGL');
  }, { compatibility: true } as Parameters<typeof createWebGLContext>[2]);
});

test('a failed relink of the program in use leaves its last executable drawing (ES 2.0 § 2.10.3) until useProgram replaces it; a successful relink takes effect at once', () => withGl(4, 4, (gl) => {
  const vs = 'attribute vec2 pos; void main() { gl_Position = vec4(pos, 0.0, 1.0); }';
  const uniformFs = 'precision mediump float; uniform vec4 u; void main() { gl_FragColor = u; }';
  const p = gl.createProgram();
  const v = shader(gl, gl.VERTEX_SHADER, vs);
  let f = shader(gl, gl.FRAGMENT_SHADER, uniformFs);
  gl.attachShader(p, v); gl.attachShader(p, f);
  gl.bindAttribLocation(p, 0, 'pos'); gl.linkProgram(p); gl.useProgram(p);
  gl.uniform4f(gl.getUniformLocation(p, 'u'), 1, 0, 0, 1);
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0); gl.enableVertexAttribArray(0);
  const drawn = (): number[] => { gl.clearColor(0, 0, 0, 0); gl.clear(gl.COLOR_BUFFER_BIT); gl.drawArrays(gl.TRIANGLES, 0, 3); const px = new Uint8Array(4); gl.readPixels(1, 1, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px); return [...px]; };
  assert.deepEqual(drawn(), [255, 0, 0, 255]);
  // swap in a fragment shader that does not compile: the link fails, the red executable (with its uniform value) draws on
  gl.detachShader(p, f);
  const bad = shader(gl, gl.FRAGMENT_SHADER, 'precision mediump float; void main() { gl_FragColor = nope; }');
  gl.attachShader(p, bad); gl.linkProgram(p);
  assert.equal(gl.getProgramParameter(p, gl.LINK_STATUS), false);
  assert.deepEqual(drawn(), [255, 0, 0, 255]);
  assert.equal(gl.getError(), gl.NO_ERROR);
  assert.equal(gl.getUniformLocation(p, 'u'), null, 'queries reflect the failed link');
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  // a second failure keeps the same executable
  gl.linkProgram(p);
  assert.deepEqual(drawn(), [255, 0, 0, 255]);
  // a successful relink is the new executable without useProgram: its uniform starts at zero (transparent black)
  gl.detachShader(p, bad); f = shader(gl, gl.FRAGMENT_SHADER, uniformFs); gl.attachShader(p, f); gl.linkProgram(p);
  assert.equal(gl.getProgramParameter(p, gl.LINK_STATUS), true);
  assert.deepEqual(drawn(), [0, 0, 0, 0]);
  gl.uniform4f(gl.getUniformLocation(p, 'u'), 0, 1, 0, 1);
  assert.deepEqual(drawn(), [0, 255, 0, 255]);
  // failed again, then useProgram(null): nothing is in use, so drawing is INVALID_OPERATION
  gl.detachShader(p, f); gl.attachShader(p, bad); gl.linkProgram(p);
  assert.deepEqual(drawn(), [0, 255, 0, 255]);
  gl.useProgram(null);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
  // and a program whose link failed cannot be made current
  gl.useProgram(p);
  assert.equal(gl.getError(), gl.INVALID_OPERATION);
}));

test('uniform*v on an array of length 1 takes the first values and ignores the rest; on a non-array, more than one value is INVALID_OPERATION (ES 2.0 § 2.10.4; more/functions/uniformfArrayLen1.html)', () => withGl(1, 1, (gl) => {
  const vs = 'attribute vec2 pos; uniform float k[1]; uniform float s; varying float v; void main() { v = k[0] * s; gl_Position = vec4(pos, 0.0, 1.0); }';
  const fs = 'precision mediump float; uniform vec4 c[1]; varying float v; void main() { gl_FragColor = vec4(c[0].rgb, c[0].a * v) / 255.0; }';
  const p = link(gl, vs, fs);
  gl.useProgram(p);
  assert.equal(gl.getActiveUniform(p, 0)!.name.endsWith('[0]') || gl.getActiveUniform(p, 1)!.name.endsWith('[0]'), true);
  gl.uniform1fv(gl.getUniformLocation(p, 'k'), [2, 3, 4, 5, 6]);
  gl.uniform4fv(gl.getUniformLocation(p, 'c[0]'), [10, 20, 30, 4, 5, 6, 7, 8]);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.uniform1fv(gl.getUniformLocation(p, 's'), [1, 1]);
  assert.equal(gl.getError(), gl.INVALID_OPERATION, 's is no array');
  gl.uniform1f(gl.getUniformLocation(p, 's'), 1);
  assert.equal(gl.getUniform(p, gl.getUniformLocation(p, 'k')!), 2);
  assert.deepEqual([...gl.getUniform(p, gl.getUniformLocation(p, 'c')!) as Float32Array], [10, 20, 30, 4]);
  // the pixel: (10, 20, 30, 4 * 2 * 1) / 255 stored as unorm8 is exactly (10, 20, 30, 8)
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 3, -1, -1, 3]), gl.STATIC_DRAW);
  const at = gl.getAttribLocation(p, 'pos');
  gl.vertexAttribPointer(at, 2, gl.FLOAT, false, 0, 0); gl.enableVertexAttribArray(at);
  gl.drawArrays(gl.TRIANGLES, 0, 3);
  const px = new Uint8Array(4); gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  assert.deepEqual([...px], [10, 20, 30, 8]);
}));
