/**
 * GLSL ES 3.00 `flat` varyings (the ISA's ld_vary_flat, SHADER flat_lo/flat_hi):
 * every fragment of a primitive reads the provoking vertex's value — GLES's
 * provoking vertex is the primitive's last (ES 3.0 § 2.18, Table 2.12) — as
 * the bits the vertex shader wrote, so integers that look like signalling
 * NaNs (0x7f800001) arrive unchanged, through clipping too; gl_VertexID and
 * gl_InstanceID feed them. The file runs again under AKARI_SHADER=interp and
 * js in child processes (flat programs take the generic pipeline: fused
 * kernels hold varyings as doubles).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { at, program, read, withGl } from './helpers.js';

const VS = `#version 300 es
in vec4 pos;
flat out int id;
flat out uint big;
flat out vec4 col;
void main() {
  id = gl_VertexID;
  // vertex 2's is the bit pattern of a signalling NaN: a float path would quiet it (0x7fc00001)
  big = gl_VertexID == 2 ? 0x7f800001u : 0xffffffffu;
  col = vec4(float(gl_VertexID) / 3.0, 0.0, 0.0, 1.0);
  gl_Position = pos;
}`;
const FS = `#version 300 es
precision highp float; precision highp int;
flat in int id; flat in uint big; flat in vec4 col;
out vec4 o;
void main() { o = vec4(col.r, id == 2 ? 1.0 : 0.0, big == 0x7f800001u ? 1.0 : 0.0, 1.0); }`;

function draw(gl: WebGL2RenderingContext, verts: number[], mode: number, count: number): void {
  const p = program(gl, VS, FS, { pos: 0 });
  void p;
  const b = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, b);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(verts), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 4, gl.FLOAT, false, 0, 0);
  gl.drawArrays(mode, 0, count);
}

const W = 8;
/** every pixel's RGBA */
const all = (px: Uint8Array) => Array.from({ length: W * W }, (_, k) => at(px, W, k % W, (k / W) | 0).join(','));

describe('flat varyings', () => {
  test('a triangle: every pixel has the last vertex\'s int, uint and vec4, bit for bit', () => withGl(W, W, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    // one triangle over the whole viewport; vertex 2 provokes: col.r = 2/3 -> 0.6667 * 255 = 170.0 -> 170,
    // id == 2 -> 255, big == 0x7f800001 -> 255 (smooth interpolation would spread col.r from 0 to 170)
    draw(gl, [-1, -1, 0, 1, 3, -1, 0, 1, -1, 3, 0, 1], gl.TRIANGLES, 3);
    assert.equal(gl.getError(), gl.NO_ERROR);
    assert.deepEqual(new Set(all(read(gl, W, W))), new Set(['170,255,255,255']));
  }, { version: 2 }));

  test('clipping: the far plane cuts the provoking vertex away and its bits stay', () => withGl(W, W, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    // v2 at z = 2w lies beyond the far plane: the polygon is cut at z = w, halfway up (NDC y = 0), so rows
    // 0..3 are drawn with new vertices made by clipping — and v2's flat values
    draw(gl, [-1, -1, 0, 1, 1, -1, 0, 1, 0, 1, 2, 1], gl.TRIANGLES, 3);
    const px = read(gl, W, W);
    assert.deepEqual(at(px, W, 4, 1), [170, 255, 255, 255]);
    assert.deepEqual(at(px, W, 4, 2), [170, 255, 255, 255]);
    assert.deepEqual(at(px, W, 4, 6), [0, 0, 0, 0]);
  }, { version: 2 }));

  test('a triangle strip: each triangle takes its own last vertex (ES 3.0 Table 2.12)', () => withGl(W, W, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    // strip 0 (-1,-1), 1 (1,-1), 2 (-1,1), 3 (1,1): triangle 0 = 0,1,2 (provoking 2, below the diagonal
    // x + y = 0), triangle 1 = 1,2,3 (provoking 3): col.r 2/3 -> 170 and 3/3 -> 255; id == 2 and
    // big == 0x7f800001 (vertex 2's) only below
    draw(gl, [-1, -1, 0, 1, 1, -1, 0, 1, -1, 1, 0, 1, 1, 1, 0, 1], gl.TRIANGLE_STRIP, 4);
    const px = read(gl, W, W);
    assert.deepEqual(at(px, W, 1, 1), [170, 255, 255, 255]);
    assert.deepEqual(at(px, W, 6, 6), [255, 0, 0, 255]);
  }, { version: 2 }));

  test('lines: the second vertex of each provokes', () => withGl(W, W, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    // a horizontal line across row 4 (y = 4.5 at NDC 0.125) from vertex 0 to vertex 1, then 2 to 3 on row 1
    const y4 = 4.5 / 4 - 1, y1 = 1.5 / 4 - 1;
    draw(gl, [-1, y4, 0, 1, 1, y4, 0, 1, -1, y1, 0, 1, 1, y1, 0, 1], gl.LINES, 4);
    const px = read(gl, W, W);
    // line 0: vertex 1 provokes -> col.r 1/3 -> 85, id 1; line 1: vertex 3 -> 255
    assert.deepEqual(at(px, W, 3, 4), [85, 0, 0, 255]);
    assert.deepEqual(at(px, W, 3, 1), [255, 0, 0, 255]);
  }, { version: 2 }));

  test('gl_InstanceID through a flat int: instance 0 left, instance 1 right', () => withGl(W, W, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    program(gl, `#version 300 es
      in vec2 pos; flat out int inst;
      void main() { inst = gl_InstanceID; gl_Position = vec4(pos.x + float(gl_InstanceID), pos.y, 0.0, 1.0); }`,
    `#version 300 es
      precision mediump float; flat in int inst; out vec4 o;
      void main() { o = vec4(float(inst), 0.0, 1.0 - float(inst), 1.0); }`, { pos: 0 });
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    // the left half of the viewport (x in [-1, 0]); instance 1 moves it right by 1
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 0, -1, -1, 1, 0, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, 2);
    const px = read(gl, W, W);
    assert.deepEqual(at(px, W, 1, 3), [0, 0, 255, 255]);
    assert.deepEqual(at(px, W, 6, 3), [255, 0, 0, 255]);
  }, { version: 2 }));

  test('flat in one stage and smooth in the other does not link (GLSL ES 3.00 § 4.3.9)', () => withGl(2, 2, (g) => {
    const gl = g as unknown as WebGL2RenderingContext;
    const sh = (type: number, src: string) => { const s = gl.createShader(type)!; gl.shaderSource(s, src); gl.compileShader(s); assert.ok(gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s) ?? ''); return s; };
    const p = gl.createProgram()!;
    gl.attachShader(p, sh(gl.VERTEX_SHADER, '#version 300 es\nflat out float f; void main() { f = 1.0; gl_Position = vec4(0.0); }'));
    gl.attachShader(p, sh(gl.FRAGMENT_SHADER, '#version 300 es\nprecision mediump float; in float f; out vec4 o; void main() { o = vec4(f); }'));
    gl.linkProgram(p);
    assert.equal(gl.getProgramParameter(p, gl.LINK_STATUS), false);
    assert.match(gl.getProgramInfoLog(p) ?? '', /Interpolation of varying `f' differs/);
  }, { version: 2 }));
});

// Every execution path of the shader core: the same file under the interpreter and the JS translation.
if (!process.env.AKARI_SHADER) {
  describe('the other execution paths', () => {
    for (const mode of ['interp', 'js']) {
      test(`AKARI_SHADER=${mode}`, () => {
        // (without the runner's NODE_TEST_CONTEXT, the child is a test run of its own and reports in text)
        const env: NodeJS.ProcessEnv = { ...process.env, AKARI_SHADER: mode };
        delete env.NODE_TEST_CONTEXT;
        const r = spawnSync(process.execPath, ['--test', fileURLToPath(import.meta.url)], { env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /# pass 6\n# fail 0/);
      });
    }
  });
}
