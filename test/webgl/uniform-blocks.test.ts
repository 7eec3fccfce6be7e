/**
 * GLSL ES 3.00 uniform blocks and WebGL 2's uniform buffers: the std140
 * layout (ES 3.0 § 2.12.6.4) worked out by hand below, the API's block and
 * uniform queries, blocks read in both stages (an anonymous block and a
 * block array with their own bindings), buffers changed between draws, and
 * the draw-time checks (a block without a large enough buffer is
 * INVALID_OPERATION). The hardware preloads each block's data from the bound
 * buffer into the stage's uniform registers (SHADER UNIFORM_RANGE); the file
 * runs again under AKARI_SHADER=interp and js.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { at, program, read, withGl } from './helpers.js';
import { compileFrontEnd } from '../../src/umd/compiler/glsl/index.js';

const FULL = [-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1];
const VS = `#version 300 es
in vec4 pos; void main() { gl_Position = pos; }`;

function quad(gl: WebGL2RenderingContext, verts = FULL): void {
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(verts), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 0, 0);
}

function ubo(gl: WebGL2RenderingContext, data: ArrayBufferView, binding: number): WebGLBuffer {
  const b = gl.createBuffer()!;
  gl.bindBuffer(gl.UNIFORM_BUFFER, b);
  gl.bufferData(gl.UNIFORM_BUFFER, data, gl.DYNAMIC_DRAW);
  gl.bindBufferBase(gl.UNIFORM_BUFFER, binding, b);
  return b;
}

/**
 * The std140 offsets, by the rules (N = 4 bytes):
 *   vec3 a      align 16           ->   0 (12 bytes)
 *   float b     align 4            ->  12 (fills a's fourth word)
 *   vec2 c      align 8            ->  16
 *   vec3 d      align 16           ->  32 (ends at 44)
 *   float e[3]  array: align and stride round up to 16 -> 48, 64, 80 (ends at 96)
 *   mat3 m      3 columns of vec3, each a vec4 slot -> 96, 112, 128 (ends at 144)
 *   S s         struct align 16    -> 144: s.x at 144, s.y (vec2, align 8) at 152; size 16 rounded -> ends 160
 *   row_major mat2x3 r: 3 rows of vec2, each a vec4 slot -> 160, 176, 192; r[c][row] at 160 + 16 row + 4 c (ends 208)
 *   bool f      -> 208
 *   ivec2 g     align 8 -> 216
 *   uint h      -> 224; the data size is 228 rounded up to 16 = 240.
 */
const LAYOUT_FS = `#version 300 es
precision highp float; precision highp int;
struct S { float x; vec2 y; };
layout(std140) uniform Block {
  vec3 a; float b; vec2 c; vec3 d; float e[3]; mat3 m; S s;
  layout(row_major) mat2x3 r;
  bool f; ivec2 g; uint h;
} blk;
uniform int i2, i1;
out vec4 o;
void main() {
  int ok = 0;
  if (blk.a == vec3(1.0, 2.0, 3.0)) ok |= 1;
  if (blk.b == 4.0) ok |= 2;
  if (blk.c == vec2(5.0, 6.0)) ok |= 4;
  if (blk.d == vec3(7.0, 8.0, 9.0)) ok |= 8;
  if (blk.e[0] == 10.0 && blk.e[1] == 11.0 && blk.e[2] == 12.0) ok |= 16;
  if (blk.m == mat3(13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0)) ok |= 32;
  if (blk.s.x == 22.0 && blk.s.y == vec2(23.0, 24.0)) ok |= 64;
  if (blk.r == mat2x3(25.0, 26.0, 27.0, 28.0, 29.0, 30.0)) ok |= 128;
  if (blk.f) ok |= 256;
  if (blk.g == ivec2(-3, 5)) ok |= 512;
  if (blk.h == 4000000000u) ok |= 1024;
  // indices the compiler cannot see: the element strides come from the layout (16 bytes for e[i] and
  // m's columns; a row-major matrix's columns are a word apart, its rows 16 bytes)
  if (blk.e[i2] == 12.0 && blk.m[i2][i1] == 20.0 && blk.r[i1][i2] == 30.0) ok |= 2048;
  o = vec4(float(ok & 255) / 255.0, float(ok >> 8) / 255.0, 0.0, 1.0);
}`;

/** The buffer the hand-worked offsets above describe; every other word (padding) holds -7. */
function layoutData(): ArrayBuffer {
  const buf = new ArrayBuffer(240);
  const f = new Float32Array(buf), i = new Int32Array(buf), u = new Uint32Array(buf);
  f.fill(-7);
  f.set([1, 2, 3, 4], 0); // a, b
  f.set([5, 6], 4); // c at 16
  f.set([7, 8, 9], 8); // d at 32
  f[12] = 10; f[16] = 11; f[20] = 12; // e at 48, 64, 80
  for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) f[24 + 4 * c + r] = 13 + 3 * c + r; // m's columns at 96, 112, 128
  f[36] = 22; f[38] = 23; f[39] = 24; // s.x at 144, s.y at 152
  for (let c = 0; c < 2; c++) for (let r = 0; r < 3; r++) f[40 + 4 * r + c] = 25 + 3 * c + r; // r: row r at 160 + 16 r
  u[52] = 7; // f at 208: any non-zero word is true
  i[54] = -3; i[55] = 5; // g at 216
  u[56] = 4000000000; // h at 224
  return buf;
}

describe('uniform blocks', () => {
  test('std140: the API reports the offsets worked out by hand, and the shader reads every member there', () => withGl(2, 2, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    const p = program(gl, VS, LAYOUT_FS, { pos: 0 });
    const bi = gl.getUniformBlockIndex(p, 'Block');
    assert.equal(bi, 0);
    assert.equal(gl.getUniformBlockIndex(p, 'blk'), gl.INVALID_INDEX);
    assert.equal(gl.getProgramParameter(p, gl.ACTIVE_UNIFORM_BLOCKS), 1);
    assert.equal(gl.getActiveUniformBlockName(p, bi), 'Block');
    assert.equal(gl.getActiveUniformBlockParameter(p, bi, gl.UNIFORM_BLOCK_DATA_SIZE), 240);
    assert.equal(gl.getActiveUniformBlockParameter(p, bi, gl.UNIFORM_BLOCK_REFERENCED_BY_VERTEX_SHADER), false);
    assert.equal(gl.getActiveUniformBlockParameter(p, bi, gl.UNIFORM_BLOCK_REFERENCED_BY_FRAGMENT_SHADER), true);
    const names = ['Block.a', 'Block.b', 'Block.c', 'Block.d', 'Block.e[0]', 'Block.m', 'Block.s.x', 'Block.s.y', 'Block.r', 'Block.f', 'Block.g', 'Block.h'];
    const idx = gl.getUniformIndices(p, names)!;
    assert.ok(idx.every((k) => k !== gl.INVALID_INDEX), String(idx));
    assert.deepEqual(gl.getActiveUniforms(p, idx, gl.UNIFORM_OFFSET), [0, 12, 16, 32, 48, 96, 144, 152, 160, 208, 216, 224]);
    assert.deepEqual(gl.getActiveUniforms(p, idx, gl.UNIFORM_ARRAY_STRIDE), [0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(gl.getActiveUniforms(p, idx, gl.UNIFORM_MATRIX_STRIDE), [0, 0, 0, 0, 0, 16, 0, 0, 16, 0, 0, 0]);
    assert.deepEqual(gl.getActiveUniforms(p, idx, gl.UNIFORM_IS_ROW_MAJOR), [false, false, false, false, false, false, false, false, true, false, false, false]);
    assert.deepEqual(gl.getActiveUniforms(p, idx, gl.UNIFORM_BLOCK_INDEX), idx.map(() => 0));
    assert.deepEqual(gl.getActiveUniforms(p, idx, gl.UNIFORM_SIZE), [1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(gl.getActiveUniforms(p, idx, gl.UNIFORM_TYPE), [gl.FLOAT_VEC3, gl.FLOAT, gl.FLOAT_VEC2, gl.FLOAT_VEC3, gl.FLOAT, gl.FLOAT_MAT3, gl.FLOAT, gl.FLOAT_VEC2, gl.FLOAT_MAT2x3, gl.BOOL, gl.INT_VEC2, gl.UNSIGNED_INT]);
    assert.deepEqual([...gl.getActiveUniformBlockParameter(p, bi, gl.UNIFORM_BLOCK_ACTIVE_UNIFORM_INDICES)].sort((x, y) => x - y), [...idx].sort((x, y) => x - y));
    assert.equal(gl.getActiveUniformBlockParameter(p, bi, gl.UNIFORM_BLOCK_ACTIVE_UNIFORMS), 12);
    // a default-block uniform has no block
    const [di] = gl.getUniformIndices(p, ['i2'])!;
    assert.deepEqual(gl.getActiveUniforms(p, [di!], gl.UNIFORM_BLOCK_INDEX), [-1]);
    // block members have no location
    assert.equal(gl.getUniformLocation(p, 'Block.a'), null);
    assert.equal(gl.getError(), gl.NO_ERROR);

    gl.uniform1i(gl.getUniformLocation(p, 'i2'), 2);
    gl.uniform1i(gl.getUniformLocation(p, 'i1'), 1);
    ubo(gl, new Uint8Array(layoutData()), 0);
    quad(gl);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    // every check passed: ok = 4095 -> red 255, green 15
    assert.deepEqual(at(read(gl, 2, 2), 2, 1, 1), [255, 15, 0, 255]);
  }, { version: 2 }));

  test('both stages: an anonymous block in the vertex shader, a block array in the fragment shader, each on its own binding', () => withGl(8, 8, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    const p = program(gl, `#version 300 es
in vec4 pos;
uniform Move { vec2 shift; float scale; };
void main() { gl_Position = vec4(pos.xy * scale + shift, 0.0, 1.0); }`, `#version 300 es
precision mediump float;
uniform Tint { vec4 color; } tints[2];
out vec4 o;
void main() { o = tints[0].color + tints[1].color; }`, { pos: 0 });
    assert.deepEqual(['Move', 'Tint[0]', 'Tint[1]'].map((n) => gl.getUniformBlockIndex(p, n)), [0, 1, 2]);
    assert.equal(gl.getUniformBlockIndex(p, 'Tint'), gl.INVALID_INDEX);
    assert.deepEqual([0, 1, 2].map((b) => gl.getActiveUniformBlockParameter(p, b, gl.UNIFORM_BLOCK_DATA_SIZE)), [16, 16, 16]);
    const [shift, scale] = gl.getUniformIndices(p, ['shift', 'scale'])!;
    assert.deepEqual(gl.getActiveUniforms(p, [shift!, scale!], gl.UNIFORM_OFFSET), [0, 8]);
    gl.uniformBlockBinding(p, 0, 3);
    gl.uniformBlockBinding(p, 1, 1);
    gl.uniformBlockBinding(p, 2, 2);
    assert.deepEqual([0, 1, 2].map((b) => gl.getActiveUniformBlockParameter(p, b, gl.UNIFORM_BLOCK_BINDING)), [3, 1, 2]);
    ubo(gl, new Float32Array([0.5, 0, 0.5, 0]), 3); // shift (0.5, 0), scale 0.5
    ubo(gl, new Float32Array([0.2, 0, 0, 1]), 1);
    ubo(gl, new Float32Array([0, 0.4, 0, 0]), 2);
    // a full-viewport quad [-1, 1]^2 scaled by 0.5 -> [-0.5, 0.5], shifted to x in [0, 1], y in [-0.5, 0.5]:
    // pixels x 4..7, y 2..5 of 8
    quad(gl, [-1, -1, 0, 1, 1, -1, 0, 1, -1, 1, 0, 1, 1, 1, 0, 1]);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, 8, 8);
    // 0.2 * 255 = 51, 0.4 * 255 = 102
    assert.deepEqual(at(px, 8, 5, 3), [51, 102, 0, 255]);
    assert.deepEqual(at(px, 8, 4, 2), [51, 102, 0, 255]);
    assert.deepEqual(at(px, 8, 7, 5), [51, 102, 0, 255]);
    assert.deepEqual(at(px, 8, 3, 3), [0, 0, 0, 0]);
    assert.deepEqual(at(px, 8, 5, 6), [0, 0, 0, 0]);
    assert.deepEqual(at(px, 8, 5, 1), [0, 0, 0, 0]);
  }, { version: 2 }));

  test('a buffer changed between two draws of one frame: each draw reads what the buffer held when it was drawn; bindBufferRange at an offset', () => withGl(4, 2, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    program(gl, VS, `#version 300 es
precision mediump float;
layout(std140) uniform C { vec4 color; };
out vec4 o;
void main() { o = color; }`, { pos: 0 });
    // the block's data at byte 256 (UNIFORM_BUFFER_OFFSET_ALIGNMENT): the words before it are not read
    assert.equal(gl.getParameter(gl.UNIFORM_BUFFER_OFFSET_ALIGNMENT), 256);
    const data = new Float32Array(68).fill(0.5);
    data.set([1, 0, 0, 1], 64);
    const b = gl.createBuffer();
    gl.bindBuffer(gl.UNIFORM_BUFFER, b);
    gl.bufferData(gl.UNIFORM_BUFFER, data, gl.DYNAMIC_DRAW);
    gl.bindBufferRange(gl.UNIFORM_BUFFER, 0, b, 256, 16);
    quad(gl, [-1, -1, 0, 1, 0, -1, 0, 1, -1, 1, 0, 1, 0, 1, 0, 1]); // left half
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.bufferSubData(gl.UNIFORM_BUFFER, 256, new Float32Array([0, 0, 1, 1]));
    quad(gl, [0, -1, 0, 1, 1, -1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1]); // right half
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    assert.equal(gl.getError(), gl.NO_ERROR);
    const px = read(gl, 4, 2);
    assert.deepEqual([at(px, 4, 0, 0), at(px, 4, 1, 1), at(px, 4, 2, 0), at(px, 4, 3, 1)], [[255, 0, 0, 255], [255, 0, 0, 255], [0, 0, 255, 255], [0, 0, 255, 255]]);
  }, { version: 2 }));

  test('draw-time checks: no buffer, a range or buffer smaller than the block, a buffer transform feedback writes', () => withGl(1, 1, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    const p = program(gl, VS, `#version 300 es
precision mediump float;
uniform B { vec4 x; float y; };
out vec4 o;
void main() { o = x * y; }`, { pos: 0 });
    quad(gl);
    assert.equal(gl.getActiveUniformBlockParameter(p, 0, gl.UNIFORM_BLOCK_DATA_SIZE), 32); // 20 bytes rounded up to 16
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'no buffer at binding 0');
    const b = ubo(gl, new Float32Array(4), 0); // 16 bytes < 32
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'buffer smaller than the block');
    gl.bufferData(gl.UNIFORM_BUFFER, new Float32Array(8), gl.DYNAMIC_DRAW);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.NO_ERROR, 'bindBufferBase: the buffer as it is now');
    gl.bufferData(gl.UNIFORM_BUFFER, new Float32Array(64 + 8), gl.DYNAMIC_DRAW);
    gl.bindBufferRange(gl.UNIFORM_BUFFER, 0, b, 256, 16);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'a 16-byte range');
    gl.bindBufferRange(gl.UNIFORM_BUFFER, 0, b, 256, 64);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.NO_ERROR, 'a 64-byte range of which 32 bytes exist past the offset');
    gl.bufferData(gl.UNIFORM_BUFFER, new Float32Array(64 + 4), gl.DYNAMIC_DRAW);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.INVALID_OPERATION, 'the buffer shrank under the range');
    gl.bindBufferRange(gl.UNIFORM_BUFFER, 0, b, 4, 32);
    assert.equal(gl.getError(), gl.INVALID_VALUE, 'an offset not a multiple of UNIFORM_BUFFER_OFFSET_ALIGNMENT');
    // the block's binding moves: binding 5 has nothing
    gl.uniformBlockBinding(p, 0, 5);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    assert.equal(gl.getError(), gl.INVALID_OPERATION);
    gl.uniformBlockBinding(p, 1, 0);
    assert.equal(gl.getError(), gl.INVALID_VALUE, 'no block 1');
    gl.uniformBlockBinding(p, 0, gl.getParameter(gl.MAX_UNIFORM_BUFFER_BINDINGS));
    assert.equal(gl.getError(), gl.INVALID_VALUE, 'binding past MAX_UNIFORM_BUFFER_BINDINGS');
    assert.equal(gl.getActiveUniformBlockParameter(p, 1, gl.UNIFORM_BLOCK_DATA_SIZE), null);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    assert.equal(gl.getActiveUniformBlockParameter(p, 0, 0x8a41), null);
    assert.equal(gl.getError(), gl.INVALID_ENUM, 'UNIFORM_BLOCK_NAME_LENGTH is not WebGL');
    assert.equal(gl.getActiveUniformBlockName(p, 1), null);
    assert.equal(gl.getError(), gl.INVALID_VALUE);
    // relinking sets every block binding back to 0 (ES 3.0 § 2.12.6)
    gl.linkProgram(p);
    assert.equal(gl.getActiveUniformBlockParameter(p, 0, gl.UNIFORM_BLOCK_BINDING), 0);
    assert.equal(gl.getError(), gl.NO_ERROR);
  }, { version: 2 }));

  test('linking: a block of one name must be declared alike in both stages; WebGL 2 takes std140 blocks only', () => withGl(1, 1, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    const mk = (type: number, src: string) => { const s = gl.createShader(type)!; gl.shaderSource(s, src); gl.compileShader(s); assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s)!); return s; };
    const link = (vsBlock: string, fsBlock: string): boolean => {
      const p = gl.createProgram()!;
      gl.attachShader(p, mk(gl.VERTEX_SHADER, `#version 300 es\n${vsBlock}\nvoid main() { gl_Position = vec4(0.0); }`));
      gl.attachShader(p, mk(gl.FRAGMENT_SHADER, `#version 300 es\nprecision highp float;\n${fsBlock}\nout vec4 o;\nvoid main() { o = vec4(0.0); }`));
      gl.linkProgram(p);
      return gl.getProgramParameter(p, gl.LINK_STATUS) as boolean;
    };
    assert.equal(link('uniform B { vec4 x; };', 'uniform B { vec4 x; };'), true);
    assert.equal(link('uniform B { vec4 x; } a;', 'uniform B { vec4 x; } b;'), true, 'instance names may differ');
    assert.equal(link('uniform B { vec4 x; };', 'uniform B { vec3 x; };'), false, 'member types differ');
    assert.equal(link('uniform B { vec4 x; };', 'uniform B { vec4 y; };'), false, 'member names differ');
    assert.equal(link('layout(std140) uniform B { vec4 x; };', 'uniform B { vec4 x; };'), true, 'the default layout is std140, as WebGL 2 lays blocks out');
    assert.equal(link('uniform B { mediump vec4 x; };', 'uniform B { highp vec4 x; };'), false, 'precisions differ');
    assert.equal(link('uniform B { layout(row_major) mat4 x; };', 'uniform B { mat4 x; };'), false, 'matrix layouts differ');
    // WebGL 2 has std140 blocks only: shared and packed fail to compile
    for (const layout of ['shared', 'packed']) {
      const s = gl.createShader(gl.FRAGMENT_SHADER)!;
      gl.shaderSource(s, `#version 300 es\nprecision mediump float;\nlayout(${layout}) uniform B { vec4 x; };\nout vec4 o;\nvoid main() { o = x; }`);
      gl.compileShader(s);
      assert.equal(gl.getShaderParameter(s, gl.COMPILE_STATUS), false, layout);
    }
  }, { version: 2 }));
});

describe('uniform blocks in the front end', () => {
  const fe = (src: string) => compileFrontEnd(`#version 300 es\nprecision mediump float;\n${src}\nvoid main() {}`, 'fragment');
  test('what GLSL ES 3.00 § 4.3.7 allows compiles', () => {
    for (const src of [
      'uniform B { vec4 a; mat3 b[2]; };',
      'layout(std140, row_major) uniform B { uniform highp mat4 m; layout(column_major) mat2 n; } inst[3];',
      'layout(std140) uniform; layout(row_major) uniform; uniform B { mat4 m; };',
      'struct S { vec4 v; }; uniform B { S s[2]; } b;',
    ]) assert.equal(fe(src).ok, true, `${src}\n${fe(src).infoLog}`);
  });
  test('and what it does not is an error', () => {
    for (const src of [
      'uniform B { sampler2D s; };', // no samplers in blocks
      'uniform B { struct S { float x; } s; };', // no struct definitions
      'uniform B { float a[]; };', // arrays sized
      'uniform B { vec4 a; }; uniform B { vec4 b; };', // one block per name
      'uniform B { vec4 a; }; float B;', // the block name is only the block's
      'uniform B { vec4 a; }; uniform vec4 a;', // an anonymous block's members are global names
      'uniform B { flat vec4 a; };',
      'layout(location = 0) uniform B { vec4 a; };',
      'uniform B { layout(std140) vec4 a; };', // only the matrix layout on members
      'layout(std140) in;',
      'uniform B { vec4 a; } b[2]; uniform int i; vec4 f() { return b[i].a; }', // block arrays take constant indices
    ]) assert.equal(fe(src).ok, false, src);
  });
});

// Every execution path of the shader core: the same file under the interpreter and the JS translation.
if (!process.env.AKARI_SHADER) {
  describe('the other execution paths', () => {
    for (const mode of ['interp', 'js']) {
      test(`AKARI_SHADER=${mode}`, () => {
        const env: NodeJS.ProcessEnv = { ...process.env, AKARI_SHADER: mode };
        delete env.NODE_TEST_CONTEXT;
        const r = spawnSync(process.execPath, ['--test', fileURLToPath(import.meta.url)], { env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /# pass 7\n# fail 0/);
      });
    }
  });
}
