/**
 * WebGL 2 texturing (ES 3.0 § 3.8): sized internal formats on the texture unit, and the sampling state
 * and GLSL ES 3.00 texture functions ES 3.0 adds. Expected pixels are reasoned in the comments from the
 * specification's formulas (sRGB: IEC 61966-2-1 as ES 3.0 § 3.8.16 gives it). The file runs again
 * under AKARI_SHADER=interp and js (the texture instruction's fetch/size modes and offsets on every
 * execution path of the shader core).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createWebGLContext } from '../../src/platform/webgl.js';
import { program, read, at } from './helpers.js';

function withGl2<T>(w: number, h: number, fn: (gl: WebGL2RenderingContext) => T): T {
  const gl = createWebGLContext(w, h, { deterministic: true, version: 2 });
  try { return fn(gl as unknown as WebGL2RenderingContext); } finally { gl.destroy(); }
}
function expectErr(gl: WebGLRenderingContext, err: number, call: () => unknown, what: string): void {
  call();
  assert.equal(gl.getError(), err, what);
  assert.equal(gl.getError(), gl.NO_ERROR, `${what}: one error`);
}

/** A full-viewport quad at attribute 0 with uv = (0,0) at the bottom left, (1,1) at the top right. */
const QUAD_VS = `#version 300 es
in vec2 p; out vec2 uv; void main() { gl_Position = vec4(p, 0.0, 1.0); uv = p * 0.5 + 0.5; }`;
function quad(gl: WebGL2RenderingContext): void {
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
}
const nearest = (gl: WebGL2RenderingContext, target: number = gl.TEXTURE_2D): void => {
  gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
};

test('SRGB8_ALPHA8 and SRGB8 textures decode to linear when sampled (texImage2D, texStorage2D + texSubImage2D)', () => withGl2(2, 1, (gl) => {
  program(gl, QUAD_VS, `#version 300 es
precision mediump float; uniform sampler2D t; in vec2 uv; out vec4 o; void main() { o = texture(t, uv); }`, { p: 0 });
  quad(gl);
  // texel bytes 188 and 128, alpha 200 (alpha is linear in sRGB formats):
  //   decode(188) = ((188/255 + 0.055) / 1.055)^2.4 = 0.502886 -> 0.502886 * 255 = 128.24 -> 128
  //   decode(128) = ((128/255 + 0.055) / 1.055)^2.4 = 0.215861 -> 55.04 -> 55
  const bytes = new Uint8Array([188, 188, 128, 200, 128, 128, 188, 200]);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  nearest(gl);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.SRGB8_ALPHA8, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, bytes);
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 1), 2, 0, 0), [128, 128, 55, 200]);
  assert.deepEqual(at(read(gl, 2, 1), 2, 1, 0), [55, 55, 128, 200]);
  // the same bytes in an RGBA8 texture are linear already
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 2, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, bytes);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 1), 2, 0, 0), [188, 188, 128, 200]);
  // immutable SRGB8_ALPHA8 storage filled by texSubImage2D with RGBA/UNSIGNED_BYTE data, as three.js r170 does
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  nearest(gl);
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.SRGB8_ALPHA8, 2, 1);
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 1, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([128, 128, 188, 200]));
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([188, 188, 128, 200]));
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 1), 2, 0, 0), [128, 128, 55, 200]);
  assert.deepEqual(at(read(gl, 2, 1), 2, 1, 0), [55, 55, 128, 200]);
  // SRGB8: three bytes, alpha 1 (a new texture: the one above is immutable)
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  nearest(gl);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.SRGB8, 2, 1, 0, gl.RGB, gl.UNSIGNED_BYTE, new Uint8Array([188, 0, 255, 128, 128, 128]));
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  assert.deepEqual(at(read(gl, 2, 1), 2, 0, 0), [128, 0, 255, 255]);
  assert.deepEqual(at(read(gl, 2, 1), 2, 1, 0), [55, 55, 55, 255]);
  // ES 3.0 Table 3.2: SRGB8_ALPHA8 takes RGBA/UNSIGNED_BYTE only
  expectErr(gl, gl.INVALID_OPERATION, () => gl.texImage2D(gl.TEXTURE_2D, 0, gl.SRGB8_ALPHA8, 1, 1, 0, gl.RGBA, gl.FLOAT, new Float32Array(4)), 'SRGB8_ALPHA8 with FLOAT data');
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.SRGB8_ALPHA8, 1, 1);
  expectErr(gl, gl.INVALID_OPERATION, () => gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGB, gl.UNSIGNED_BYTE, new Uint8Array(3)), 'RGB data into SRGB8_ALPHA8');
}));

test('texSubImage2D converts data of another accepted type to the level\'s storage (RGBA16F from FLOAT)', () => withGl2(1, 1, (gl) => {
  program(gl, QUAD_VS, `#version 300 es
precision mediump float; uniform sampler2D t; in vec2 uv; out vec4 o; void main() { o = texture(t, uv); }`, { p: 0 });
  quad(gl);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  nearest(gl);
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA16F, 1, 1);
  // 0.25, 0.5, 1 and 0.75 are exact halves; * 255 -> 63.75, 127.5, 255, 191.25 -> 64, 128 (round half to even or up), 255, 191
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 1, 1, gl.RGBA, gl.FLOAT, new Float32Array([0.25, 0.5, 1, 0.75]));
  assert.equal(gl.getError(), gl.NO_ERROR);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const [r, g, b, a] = at(read(gl, 1, 1), 1, 0, 0);
  assert.equal(r, 64); assert.ok(g === 127 || g === 128, `${g}`); assert.equal(b, 255); assert.equal(a, 191);
}));

/**
 * A 4x2 RGBA8 texture whose texel (x, y) is (10 + 60x, 20 + 100y, 7, 255), NEAREST, drawn on a 4x2
 * canvas: pixel (x, y)'s centre is uv ((x + 0.5) / 4, (y + 0.5) / 2), texel (x, y) itself.
 */
const texel = (x: number, y: number): number[] => [10 + 60 * x, 20 + 100 * y, 7, 255];
function grid(gl: WebGL2RenderingContext, wrap: number): void {
  const data = new Uint8Array(4 * 2 * 4);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) data.set(texel(x, y), (y * 4 + x) * 4);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 4, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, data);
  nearest(gl);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, wrap);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, wrap);
}
/** Draws the quad with fragment shader body `body` (uniform sampler2D t, in vec2 uv, out vec4 o) and returns each pixel. */
function shade(gl: WebGL2RenderingContext, body: string, vs = QUAD_VS, decl = ''): (x: number, y: number) => number[] {
  program(gl, vs, `#version 300 es
precision mediump float; uniform sampler2D t; in vec2 uv; ${decl} out vec4 o; void main() { ${body} }`, { p: 0 });
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  const px = read(gl, 4, 2);
  return (x, y) => at(px, 4, x, y);
}
const each = (f: (x: number, y: number) => void): void => { for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) f(x, y); };

test('texelFetch and texelFetchOffset read texels at integer coordinates, unfiltered; outside the level is (0, 0, 0, 0)', () => withGl2(4, 2, (gl) => {
  quad(gl);
  grid(gl, gl.REPEAT);
  // gl_FragCoord.xy = (x + 0.5, y + 0.5): ivec2 truncates to (x, y)
  let px = shade(gl, 'o = texelFetch(t, ivec2(gl_FragCoord.xy), 0);');
  each((x, y) => assert.deepEqual(px(x, y), texel(x, y), `texelFetch at (${x}, ${y})`));
  // offset (-1, 1): texel (x - 1, y + 1), which exists only for x >= 1, y = 0 — no wrap for fetches (REPEAT is ignored)
  px = shade(gl, 'o = texelFetchOffset(t, ivec2(gl_FragCoord.xy), 0, ivec2(-1, 1));');
  each((x, y) => assert.deepEqual(px(x, y), x >= 1 && y === 0 ? texel(x - 1, 1) : [0, 0, 0, 0], `texelFetchOffset at (${x}, ${y})`));
  // level 1 is past the texture's levels (one level: NEAREST needs no mipmaps): (0, 0, 0, 0)
  px = shade(gl, 'o = texelFetch(t, ivec2(0), 1);');
  assert.deepEqual(px(0, 0), [0, 0, 0, 0]);
}));

test('textureSize gives the level\'s integer size; a vertex shader fetches texels too', () => withGl2(4, 2, (gl) => {
  quad(gl);
  grid(gl, gl.REPEAT);
  // (4, 2) at level 0; as bytes of a unorm8 target: 4/255 -> 4, 2/255 -> 2
  let px = shade(gl, 'ivec2 s = textureSize(t, 0); o = vec4(float(s.x) / 255.0, float(s.y) / 255.0, float(s.x * s.y) / 255.0, 1.0);');
  each((x, y) => assert.deepEqual(px(x, y), [4, 2, 8, 255]));
  // the vertex stage: every vertex fetches texel (3, 1) and passes it on, so every pixel shows it
  px = shade(gl, 'o = c;', `#version 300 es
uniform sampler2D t; in vec2 p; out vec2 uv; out vec4 c;
void main() { gl_Position = vec4(p, 0.0, 1.0); uv = p * 0.5 + 0.5; c = texelFetch(t, ivec2(3, 1), 0); }`, 'in vec4 c;');
  each((x, y) => assert.deepEqual(px(x, y), texel(3, 1)));
}));

test('textureOffset, textureLodOffset, textureGradOffset, textureProjOffset: the offset moves whole texels before the wrap mode', () => withGl2(4, 2, (gl) => {
  quad(gl);
  grid(gl, gl.CLAMP_TO_EDGE);
  // offset (1, 0) under CLAMP_TO_EDGE: texel (min(x + 1, 3), y)
  let px = shade(gl, 'o = textureOffset(t, uv, ivec2(1, 0));');
  each((x, y) => assert.deepEqual(px(x, y), texel(Math.min(x + 1, 3), y), `textureOffset at (${x}, ${y})`));
  grid(gl, gl.REPEAT);
  // REPEAT: x + 1 wraps, 3 -> 0; the explicit-LOD form with offset (-2, -1): texel ((x - 2) mod 4, (y - 1) mod 2)
  px = shade(gl, 'o = textureOffset(t, uv, ivec2(1, 0));');
  each((x, y) => assert.deepEqual(px(x, y), texel((x + 1) % 4, y), `textureOffset REPEAT at (${x}, ${y})`));
  px = shade(gl, 'o = textureLodOffset(t, uv, 0.0, ivec2(-2, -1));');
  each((x, y) => assert.deepEqual(px(x, y), texel((x + 2) % 4, (y + 1) % 2), `textureLodOffset at (${x}, ${y})`));
  // gradients of zero: level 0 (magnified), offset (0, 1)
  px = shade(gl, 'o = textureGradOffset(t, uv, vec2(0.0), vec2(0.0), ivec2(0, 1));');
  each((x, y) => assert.deepEqual(px(x, y), texel(x, (y + 1) % 2), `textureGradOffset at (${x}, ${y})`));
  // projective: uv * 2 / 2, offset (3, 0)
  px = shade(gl, 'o = textureProjOffset(t, vec3(uv * 2.0, 2.0), ivec2(3, 0));');
  each((x, y) => assert.deepEqual(px(x, y), texel((x + 3) % 4, y), `textureProjOffset at (${x}, ${y})`));
}));

test('texel offsets must be constant expressions in [MIN_PROGRAM_TEXEL_OFFSET, MAX_PROGRAM_TEXEL_OFFSET] (GLSL ES 3.00 § 8.8)', () => withGl2(1, 1, (gl) => {
  assert.equal(gl.getParameter(gl.MIN_PROGRAM_TEXEL_OFFSET), -8);
  assert.equal(gl.getParameter(gl.MAX_PROGRAM_TEXEL_OFFSET), 7);
  const compiles = (body: string): boolean => {
    const s = gl.createShader(gl.FRAGMENT_SHADER)!;
    gl.shaderSource(s, `#version 300 es
precision mediump float; uniform sampler2D t; uniform int k; in vec2 uv; out vec4 o; void main() { ${body} }`);
    gl.compileShader(s);
    return gl.getShaderParameter(s, gl.COMPILE_STATUS) as boolean;
  };
  assert.equal(compiles('o = textureOffset(t, uv, ivec2(-8, 7));'), true);
  assert.equal(compiles('const ivec2 d = ivec2(2, 3); o = textureOffset(t, uv, d);'), true, 'a const variable is a constant expression');
  assert.equal(compiles('o = textureOffset(t, uv, ivec2(8, 0));'), false, '8 > MAX_PROGRAM_TEXEL_OFFSET');
  assert.equal(compiles('o = texelFetchOffset(t, ivec2(0), 0, ivec2(0, -9));'), false, '-9 < MIN_PROGRAM_TEXEL_OFFSET');
  assert.equal(compiles('o = textureOffset(t, uv, ivec2(k, 0));'), false, 'a uniform is not a constant expression');
  assert.equal(compiles('ivec2 s = textureSize(t, k); o = texelFetch(t, s - 1, k);'), true, 'levels and coordinates may vary');
}));

test('TEXTURE_BASE_LEVEL / MAX_LEVEL choose the levels sampled; MIN_LOD / MAX_LOD clamp the level of detail (ES 3.0 § 3.8.9, § 3.8.10)', () => withGl2(1, 1, (gl) => {
  quad(gl);
  // a 4x4 texture, three solid levels: 0 red, 1 green, 2 blue; NEAREST_MIPMAP_NEAREST picks level
  // floor(lambda + 0.5) (at lambda > 0; the texture unit's (L + 127) >> 8), clamped to the last level
  const RED = [255, 0, 0, 255], GREEN = [0, 255, 0, 255], BLUE = [0, 0, 255, 255], BLACK = [0, 0, 0, 255];
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, tex);
  [RED, GREEN, BLUE].forEach((c, l) => {
    const n = 4 >> l;
    gl.texImage2D(gl.TEXTURE_2D, l, gl.RGBA8, n, n, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(n * n * 4).map((_, i) => c[i % 4]!));
  });
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  const lookup = (expr: string): number[] => {
    program(gl, QUAD_VS, `#version 300 es
precision mediump float; uniform sampler2D t; in vec2 uv; out vec4 o; void main() { o = ${expr}; }`, { p: 0 });
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    return at(read(gl, 1, 1), 1, 0, 0);
  };
  const param = (p: number, v: number) => gl.texParameterf(gl.TEXTURE_2D, p, v);
  assert.deepEqual(lookup('textureLod(t, uv, 0.0)'), RED);
  assert.deepEqual(lookup('textureLod(t, uv, 1.0)'), GREEN);
  // the base level: lambda counts from level 1 (2x2), so lod 0 is green, 1 is blue, 5 is the last level, blue
  param(gl.TEXTURE_BASE_LEVEL, 1);
  assert.deepEqual(lookup('textureLod(t, uv, 0.0)'), GREEN);
  assert.deepEqual(lookup('textureLod(t, uv, 1.0)'), BLUE);
  assert.deepEqual(lookup('textureLod(t, uv, 5.0)'), BLUE);
  // texelFetch's level and textureSize's are relative to the base level too
  assert.deepEqual(lookup('texelFetch(t, ivec2(0), 0)'), GREEN);
  assert.deepEqual(lookup('vec4(vec2(textureSize(t, 0)) / 255.0, 0.0, 1.0)'), [2, 2, 0, 255]);
  // the max level ends the chain: base 0, max 1, lod 2 takes level 1
  param(gl.TEXTURE_BASE_LEVEL, 0);
  param(gl.TEXTURE_MAX_LEVEL, 1);
  assert.deepEqual(lookup('textureLod(t, uv, 2.0)'), GREEN);
  param(gl.TEXTURE_MAX_LEVEL, 1000);
  // MIN_LOD 1: lod 0 becomes 1 (minified: level 1); MAX_LOD 0.5: lod 2 becomes 0.5 (L = 128, level (128 + 127) >> 8 = 0)
  param(gl.TEXTURE_MIN_LOD, 1);
  assert.deepEqual(lookup('textureLod(t, uv, 0.0)'), GREEN);
  param(gl.TEXTURE_MIN_LOD, -1000);
  param(gl.TEXTURE_MAX_LOD, 0.5);
  assert.deepEqual(lookup('textureLod(t, uv, 2.0)'), RED);
  // a sampler object's LOD range replaces the texture's: MIN_LOD 2 gives level 2
  const s = gl.createSampler()!;
  gl.samplerParameteri(s, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
  gl.samplerParameterf(s, gl.TEXTURE_MIN_LOD, 2);
  gl.bindSampler(0, s);
  assert.deepEqual(lookup('textureLod(t, uv, 0.0)'), BLUE);
  gl.bindSampler(0, null);
  param(gl.TEXTURE_MAX_LOD, 1000);
  // incomplete (sampled as (0, 0, 0, 1)): a base level past the levels given, a base level above the max level
  param(gl.TEXTURE_BASE_LEVEL, 3);
  assert.deepEqual(lookup('textureLod(t, uv, 0.0)'), BLACK);
  param(gl.TEXTURE_BASE_LEVEL, 2);
  param(gl.TEXTURE_MAX_LEVEL, 1);
  assert.deepEqual(lookup('textureLod(t, uv, 0.0)'), BLACK);
  // immutable textures clamp both into their levels (ES 3.0 § 3.8.10): base 7 of 3 levels is level 2
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texStorage2D(gl.TEXTURE_2D, 3, gl.RGBA8, 4, 4);
  [RED, GREEN, BLUE].forEach((c, l) => {
    const n = 4 >> l;
    gl.texSubImage2D(gl.TEXTURE_2D, l, 0, 0, n, n, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(n * n * 4).map((_, i) => c[i % 4]!));
  });
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
  param(gl.TEXTURE_BASE_LEVEL, 7);
  assert.deepEqual(lookup('textureLod(t, uv, 0.0)'), BLUE);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('2D array textures: the layer is round(r) clamped to the layers; texelFetch and textureSize see the layers (ES 3.0 § 3.8.9)', () => withGl2(1, 1, (gl) => {
  quad(gl);
  // a 1x1 texture of 3 layers: layer k is (10 + 100k, 7, 0, 255), NEAREST
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, gl.createTexture());
  gl.texImage3D(gl.TEXTURE_2D_ARRAY, 0, gl.RGBA8, 1, 1, 3, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([10, 7, 0, 255, 110, 7, 0, 255, 210, 7, 0, 255]));
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D_ARRAY, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  assert.equal(gl.getError(), gl.NO_ERROR);
  const lookup = (expr: string): number => {
    program(gl, QUAD_VS, `#version 300 es
precision mediump float; precision mediump sampler2DArray; uniform sampler2DArray t; in vec2 uv; out vec4 o; void main() { o = ${expr}; }`, { p: 0 });
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    return at(read(gl, 1, 1), 1, 0, 0)[0]!;
  };
  // layer = clamp(floor(r + 0.5), 0, 2): 0.49 -> 0, 0.5 -> 1, 1.49 -> 1, 1.5 -> 2, -3 -> 0, 9 -> 2
  const layers: Array<[number, number]> = [[0.49, 0], [0.5, 1], [1.49, 1], [1.5, 2], [-3, 0], [9, 2]];
  for (const [r, k] of layers) assert.equal(lookup(`texture(t, vec3(uv, ${r.toFixed(2)}))`), 10 + 100 * k, `r = ${r}`);
  assert.equal(lookup('texelFetch(t, ivec3(0, 0, 2), 0)'), 210);
  assert.equal(lookup('textureSize(t, 0) == ivec3(1, 1, 3) ? vec4(1.0) : vec4(0.0)'), 255);
  // texSubImage3D replaces layer 1
  gl.texSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 0, 1, 1, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([50, 0, 0, 255]));
  assert.equal(lookup('texture(t, vec3(uv, 1.0))'), 50);
  assert.equal(gl.getError(), gl.NO_ERROR);
}));

test('3D textures: slices filtered along r with TEXTURE_WRAP_R; texStorage3D levels halve in depth too', () => withGl2(1, 1, (gl) => {
  quad(gl);
  // a 1x1x2 texture: slice 0 red 0, slice 1 red 255; LINEAR
  gl.bindTexture(gl.TEXTURE_3D, gl.createTexture());
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.RGBA8, 1, 1, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([0, 0, 0, 255, 255, 0, 0, 255]));
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  const lookup = (expr: string): number => {
    program(gl, QUAD_VS, `#version 300 es
precision mediump float; precision mediump sampler3D; uniform sampler3D t; in vec2 uv; out vec4 o; void main() { o = ${expr}; }`, { p: 0 });
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    return at(read(gl, 1, 1), 1, 0, 0)[0]!;
  };
  // slice coordinate w = r * 2 - 0.5: r = 0.25 -> 0 (slice 0), r = 0.75 -> 1 (slice 1)
  assert.equal(lookup('texture(t, vec3(uv, 0.25))'), 0);
  assert.equal(lookup('texture(t, vec3(uv, 0.75))'), 255);
  // r = 0.125 -> w = -0.25: slices -1 and 0, weight 0.75 on slice 0. REPEAT (the default): slice -1 is slice 1,
  // 0.25 * 255 = 63.75 -> 64; CLAMP_TO_EDGE: slice -1 is slice 0, 0
  assert.equal(lookup('texture(t, vec3(uv, 0.125))'), 64);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_WRAP_R, gl.CLAMP_TO_EDGE);
  assert.equal(lookup('texture(t, vec3(uv, 0.125))'), 0);
  // texStorage3D: 4x4x4 with 3 levels, level 2 is 1x1x1; filled by texSubImage3D, sampled at lod 2
  gl.bindTexture(gl.TEXTURE_3D, gl.createTexture());
  gl.texStorage3D(gl.TEXTURE_3D, 3, gl.RGBA8, 4, 4, 4);
  gl.texSubImage3D(gl.TEXTURE_3D, 2, 0, 0, 0, 1, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([77, 0, 0, 255]));
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
  assert.equal(lookup('textureLod(t, vec3(uv, 0.5), 2.0)'), 77);
  assert.equal(lookup('vec4(float(textureSize(t, 1).z) / 255.0)'), 2);
  const rows: Array<[string, number, () => void]> = [
    ['texSubImage3D past the slices', gl.INVALID_VALUE, () => gl.texSubImage3D(gl.TEXTURE_3D, 2, 0, 0, 1, 1, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4))],
    ['texImage3D on an immutable texture', gl.INVALID_OPERATION, () => gl.texImage3D(gl.TEXTURE_3D, 0, gl.RGBA8, 1, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null)],
    ['a depth format in 3D', gl.INVALID_OPERATION, () => { gl.bindTexture(gl.TEXTURE_3D, gl.createTexture()); gl.texImage3D(gl.TEXTURE_3D, 0, gl.DEPTH_COMPONENT16, 1, 1, 1, 0, gl.DEPTH_COMPONENT, gl.UNSIGNED_SHORT, null); }],
    ['more layers than MAX_ARRAY_TEXTURE_LAYERS', gl.INVALID_VALUE, () => { gl.bindTexture(gl.TEXTURE_2D_ARRAY, gl.createTexture()); gl.texImage3D(gl.TEXTURE_2D_ARRAY, 0, gl.RGBA8, 1, 1, gl.getParameter(gl.MAX_ARRAY_TEXTURE_LAYERS) + 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null); }],
    ['texImage3D on TEXTURE_2D', gl.INVALID_ENUM, () => gl.texImage3D(gl.TEXTURE_2D, 0, gl.RGBA8, 1, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null)],
  ];
  for (const [what, err, call] of rows) expectErr(gl, err, call, what);
  // generateMipmap: a 2x2x2 texture with slice 0 red 0 and slice 1 red 200 has the 1x1x1 level 1 of their mean, 100
  gl.bindTexture(gl.TEXTURE_3D, gl.createTexture());
  const box = new Uint8Array(32);
  for (let i = 0; i < 8; i++) box.set([i < 4 ? 0 : 200, 0, 0, 255], i * 4);
  gl.texImage3D(gl.TEXTURE_3D, 0, gl.RGBA8, 2, 2, 2, 0, gl.RGBA, gl.UNSIGNED_BYTE, box);
  gl.generateMipmap(gl.TEXTURE_3D);
  gl.texParameteri(gl.TEXTURE_3D, gl.TEXTURE_MIN_FILTER, gl.NEAREST_MIPMAP_NEAREST);
  assert.equal(lookup('textureLod(t, vec3(0.5), 1.0)'), 100);
}));

test('GLSL ES 3.00 § 4.5.4: sampler3D, sampler2DArray and the shadow samplers have no default precision', () => withGl2(1, 1, (gl) => {
  const compiles = (decl: string): boolean => {
    const s = gl.createShader(gl.FRAGMENT_SHADER)!;
    gl.shaderSource(s, `#version 300 es
precision mediump float; ${decl} out vec4 o; void main() { o = vec4(1.0); }`);
    gl.compileShader(s);
    return gl.getShaderParameter(s, gl.COMPILE_STATUS) as boolean;
  };
  assert.equal(compiles('uniform sampler2D a; uniform samplerCube b;'), true);
  for (const k of ['sampler3D', 'sampler2DArray', 'sampler2DShadow', 'samplerCubeShadow', 'sampler2DArrayShadow']) {
    assert.equal(compiles(`uniform ${k} a;`), false, k);
    assert.equal(compiles(`uniform lowp ${k} a;`), true, `lowp ${k}`);
    assert.equal(compiles(`precision highp ${k}; uniform ${k} a;`), true, `default ${k}`);
  }
}));

if (!process.env.AKARI_SHADER) {
  describe('the other execution paths', () => {
    for (const mode of ['interp', 'js']) {
      test(`AKARI_SHADER=${mode}`, () => {
        // (without the runner's NODE_TEST_CONTEXT, the child is a test run of its own and reports in text)
        const env: NodeJS.ProcessEnv = { ...process.env, AKARI_SHADER: mode };
        delete env.NODE_TEST_CONTEXT;
        const r = spawnSync(process.execPath, ['--test', fileURLToPath(import.meta.url)], { env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /# pass [1-9]\d*\n# fail 0/);
      });
    }
  });
}
