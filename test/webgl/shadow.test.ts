/**
 * Shadow samplers and 1D textures in a compatibility context (GL 2.1 with ARB_shadow /
 * ARB_depth_texture): TEXTURE_COMPARE_MODE / _FUNC and DEPTH_TEXTURE_MODE, depth uploads with data,
 * TEXTURE_1D as a height-1 2D texture, shadow1D/shadow2D/shadow2DProj. A plain WebGL context keeps
 * rejecting all of it. Expected values follow GL 2.1 §3.8.14: with compare mode COMPARE_R_TO_TEXTURE
 * each texel becomes 1 when `r <func> D_t` holds, else 0; LUMINANCE gives (v, v, v, 1), ALPHA (0, 0, 0, v).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createWebGLContext } from '../../src/platform/webgl.js';
import type { AkariWebGLRenderingContext } from '../../src/webgl/context.js';
import { glCompatibility, type GLCompatibility } from '../../src/webgl/compat.js';

const TEXTURE_1D = 0x0de0, TEXTURE_COMPARE_MODE = 0x884c, TEXTURE_COMPARE_FUNC = 0x884d, COMPARE_R_TO_TEXTURE = 0x884e, DEPTH_TEXTURE_MODE = 0x884b;

function withCompat<T>(fn: (gl: AkariWebGLRenderingContext, c: GLCompatibility) => T): T {
  const gl = createWebGLContext(2, 2, { deterministic: true, compatibility: true });
  try { return fn(gl, glCompatibility(gl)); } finally { gl.destroy(); }
}
function program(gl: WebGLRenderingContext, fs: string): WebGLProgram {
  const p = gl.createProgram()!;
  const vs = 'varying vec2 tc;\nvoid main() { gl_Position = gl_Vertex; tc = (gl_Vertex.xy + 1.0) / 2.0; }\n';
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]] as const) {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, '#version 110\n' + src);
    gl.compileShader(s);
    assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s) ?? '');
    gl.attachShader(p, s);
  }
  gl.linkProgram(p);
  assert.ok(gl.getProgramParameter(p, gl.LINK_STATUS), gl.getProgramInfoLog(p) ?? '');
  gl.useProgram(p);
  return p;
}
/** A full-window quad through gl_Vertex: pixel (x, y) of the 2x2 window samples at texel centre (x, y). */
function drawQuad(gl: WebGLRenderingContext, c: GLCompatibility): void {
  const b = gl.createBuffer()!;
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  c.arrayPointer('gl_Vertex', b, 2, gl.FLOAT, false, 0, 0);
  c.enableArray('gl_Vertex', true);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
}
/** the 4 pixels, (0,0) (1,0) (0,1) (1,1), as RGBA bytes */
function pixels(gl: WebGLRenderingContext): number[][] {
  const px = new Uint8Array(16);
  gl.readPixels(0, 0, 2, 2, gl.RGBA, gl.UNSIGNED_BYTE, px);
  return [0, 1, 2, 3].map((i) => Array.from(px.subarray(i * 4, i * 4 + 4)));
}
function depthTexture(gl: WebGLRenderingContext, c: GLCompatibility, target: number, w: number, h: number, depth: number[]): void {
  gl.bindTexture(target, gl.createTexture());
  gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(target, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  const data = new Float32Array(depth);
  if (target === TEXTURE_1D) c.texImage1D(target, 0, gl.DEPTH_COMPONENT, w, 0, gl.DEPTH_COMPONENT, gl.FLOAT, data);
  else gl.texImage2D(target, 0, gl.DEPTH_COMPONENT, w, h, 0, gl.DEPTH_COMPONENT, gl.FLOAT, data);
  gl.texParameteri(target, TEXTURE_COMPARE_MODE, COMPARE_R_TO_TEXTURE);
  assert.equal(gl.getError(), gl.NO_ERROR);
}
const lum = (v: number[]): number[][] => v.map((k) => [255 * k, 255 * k, 255 * k, 255]);

// texels (x, y): (0,0) 0.25, (1,0) 0.5, (0,1) 0.75, (1,1) 1.0, against the reference 0.5
const DEPTH = [0.25, 0.5, 0.75, 1.0];
const EXPECTED: Array<[string, number, number[]]> = [
  ['NEVER', 0x200, [0, 0, 0, 0]],
  ['LESS', 0x201, [0, 0, 1, 1]],
  ['EQUAL', 0x202, [0, 1, 0, 0]],
  ['LEQUAL', 0x203, [0, 1, 1, 1]],
  ['GREATER', 0x204, [1, 0, 0, 0]],
  ['NOTEQUAL', 0x205, [1, 0, 1, 1]],
  ['GEQUAL', 0x206, [1, 1, 0, 0]],
  ['ALWAYS', 0x207, [1, 1, 1, 1]],
];

describe('shadow samplers (compatibility contexts)', () => {
  for (const [name, func, expected] of EXPECTED) {
    test(`shadow2D with TEXTURE_COMPARE_FUNC ${name}: 1 where 0.5 ${name} D`, () => withCompat((gl, c) => {
      depthTexture(gl, c, gl.TEXTURE_2D, 2, 2, DEPTH);
      gl.texParameteri(gl.TEXTURE_2D, TEXTURE_COMPARE_FUNC, func);
      program(gl, 'uniform sampler2DShadow tex;\nvarying vec2 tc;\nvoid main() { gl_FragColor = shadow2D(tex, vec3(tc, 0.5)); }\n');
      drawQuad(gl, c);
      assert.deepEqual(pixels(gl), lum(expected));
    }));
  }

  test('shadow2DProj divides the reference by q too; DEPTH_TEXTURE_MODE ALPHA gives (0, 0, 0, v)', () => withCompat((gl, c) => {
    depthTexture(gl, c, gl.TEXTURE_2D, 2, 2, DEPTH);
    gl.texParameteri(gl.TEXTURE_2D, TEXTURE_COMPARE_FUNC, gl.LESS);
    gl.texParameteri(gl.TEXTURE_2D, DEPTH_TEXTURE_MODE, gl.ALPHA);
    assert.equal(gl.getTexParameter(gl.TEXTURE_2D, DEPTH_TEXTURE_MODE), gl.ALPHA);
    program(gl, 'uniform sampler2DShadow tex;\nvarying vec2 tc;\nvoid main() { gl_FragColor = shadow2DProj(tex, vec4(tc * 4.0, 2.0, 4.0)); }\n');
    drawQuad(gl, c);
    assert.deepEqual(pixels(gl), [0, 0, 1, 1].map((k) => [0, 0, 0, 255 * k]));
  }));

  test('UNSIGNED_INT depth data is normalized (0xffffffff is 1.0)', () => withCompat((gl, c) => {
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.DEPTH_COMPONENT, 2, 2, 0, gl.DEPTH_COMPONENT, gl.UNSIGNED_INT, new Uint32Array([0, 0xffffffff, 0xffffffff, 0]));
    gl.texParameteri(gl.TEXTURE_2D, TEXTURE_COMPARE_MODE, COMPARE_R_TO_TEXTURE);
    gl.texParameteri(gl.TEXTURE_2D, TEXTURE_COMPARE_FUNC, gl.LESS);
    assert.equal(gl.getError(), gl.NO_ERROR);
    program(gl, 'uniform sampler2DShadow tex;\nvarying vec2 tc;\nvoid main() { gl_FragColor = shadow2D(tex, vec3(tc, 0.5)); }\n');
    drawQuad(gl, c);
    assert.deepEqual(pixels(gl), lum([0, 1, 1, 0]));
  }));

  test('the reference is clamped to [0, 1] before the comparison (fixed-point depth)', () => withCompat((gl, c) => {
    depthTexture(gl, c, gl.TEXTURE_2D, 2, 2, [0, 1, 0, 1]);
    gl.texParameteri(gl.TEXTURE_2D, TEXTURE_COMPARE_FUNC, gl.EQUAL);
    program(gl, 'uniform sampler2DShadow tex;\nvarying vec2 tc;\nvoid main() { gl_FragColor = shadow2D(tex, vec3(tc, tc.x < 0.5 ? -1.0 : 2.0)); }\n');
    drawQuad(gl, c);
    assert.deepEqual(pixels(gl), lum([1, 1, 1, 1]));
  }));

  test('shadow1D on a TEXTURE_1D depth texture, and texture1D on an RGBA one', () => withCompat((gl, c) => {
    depthTexture(gl, c, TEXTURE_1D, 2, 1, [0.25, 0.75]);
    gl.texParameteri(TEXTURE_1D, TEXTURE_COMPARE_FUNC, gl.LESS);
    program(gl, 'uniform sampler1DShadow tex;\nvarying vec2 tc;\nvoid main() { gl_FragColor = shadow1D(tex, vec3(tc.x, 0.0, 0.5)); }\n');
    drawQuad(gl, c);
    assert.deepEqual(pixels(gl), lum([0, 1, 0, 1]));
    gl.bindTexture(TEXTURE_1D, gl.createTexture());
    gl.texParameteri(TEXTURE_1D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    c.texImage1D(TEXTURE_1D, 0, gl.RGBA, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]));
    program(gl, 'uniform sampler1D tex;\nvarying vec2 tc;\nvoid main() { gl_FragColor = texture1D(tex, tc.x); }\n');
    drawQuad(gl, c);
    assert.deepEqual(pixels(gl), [[255, 0, 0, 255], [0, 0, 255, 255], [255, 0, 0, 255], [0, 0, 255, 255]]);
  }));
});

test('a WebGL context has none of it: no TEXTURE_1D, no compare state, no depth data', () => {
  const gl = createWebGLContext(2, 2, { deterministic: true });
  try {
    gl.bindTexture(TEXTURE_1D, gl.createTexture());
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    gl.texParameteri(gl.TEXTURE_2D, TEXTURE_COMPARE_MODE, COMPARE_R_TO_TEXTURE);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    gl.texParameteri(gl.TEXTURE_2D, DEPTH_TEXTURE_MODE, gl.LUMINANCE);
    assert.equal(gl.getError(), gl.INVALID_ENUM);
    assert.ok(gl.getExtension('WEBGL_depth_texture'));
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.DEPTH_COMPONENT, 1, 1, 0, gl.DEPTH_COMPONENT, gl.UNSIGNED_SHORT, new Uint16Array(1));
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.DEPTH_COMPONENT, 1, 1, 0, gl.DEPTH_COMPONENT, gl.FLOAT, null);
    assert.notEqual(gl.getError(), gl.NO_ERROR);
    assert.throws(() => glCompatibility(gl));
  } finally { gl.destroy(); }
});
