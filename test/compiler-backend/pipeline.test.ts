/** End to end: GLSL -> IR -> passes -> Akari machine code, run on the shader core. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, close } from './harness.js';
import { compileShader, linkProgram } from '../../src/umd/compiler/index.js';

const VS = `attribute vec4 a_pos; attribute vec3 a_col; uniform mat4 u_mvp; uniform float u_k; varying vec3 v_col;
void main() { v_col = a_col * u_k; gl_Position = u_mvp * a_pos; }`;
const FS = `precision mediump float; varying vec3 v_col; uniform vec4 u_tint;
void main() { gl_FragColor = vec4(v_col, 1.0) * u_tint + 0.3; }`;
const MVP = [2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0, 1, 1, 1, 1];

test('straight-line vertex + fragment shaders: attributes, uniforms, varyings, matrices', () => {
  const r = run(VS, FS, {
    attribs: { a_pos: (l) => [l, 2, 3, 1], a_col: (l) => [l * 0.1, 0.5, 1] },
    uniforms: { u_mvp: MVP, u_k: [2], u_tint: [1, 0.5, 0.25, 1] },
  });
  for (let l = 0; l < 16; l++) {
    const p = [0, 1, 2, 3].map((i) => r.vary[l]!.get(i)!);
    // column-major mat4 * vec4 computed independently
    const v = [l, 2, 3, 1];
    const exp = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].reduce((s, k) => s + MVP[k * 4 + i]! * v[k]!, 0));
    exp.forEach((e, i) => assert.ok(close(p[i]!, e), `lane ${l} pos[${i}] ${p[i]} != ${e}`));
    const col = [Math.fround(l * 0.1) * 2 * 1 + 0.3, 0.5 * 2 * 0.5 + 0.3, 1 * 2 * 0.25 + 0.3, 1.3];
    col.forEach((e, i) => assert.ok(close(r.color[l]![i]!, e), `lane ${l} color[${i}] ${r.color[l]![i]} != ${e}`));
  }
  assert.deepEqual(r.prog.attributes.map((a) => [a.name, a.slot]), [['a_pos', 0], ['a_col', 1]]);
  const mvp = r.prog.uniforms.find((u) => u.name === 'u_mvp')!;
  assert.equal(mvp.vertex!.stride, 16);
  assert.equal(mvp.fragment, undefined);
});

test('bindAttribLocation is honoured', () => {
  const r = run(VS, FS, {
    attribLocations: new Map([['a_col', 5], ['a_pos', 3]]),
    attribs: { a_pos: [1, 2, 3, 1], a_col: [0.5, 0.25, 0.125] },
    uniforms: { u_mvp: MVP, u_k: [1], u_tint: [1, 1, 1, 1] },
  });
  assert.deepEqual(r.prog.attributes.map((a) => [a.name, a.slot]).sort(), [['a_col', 5], ['a_pos', 3]]);
  assert.ok(close(r.color[0]![0]!, 0.8));
});

test('link errors: varying not written / type mismatch / uniform type mismatch', () => {
  const fsMissing = compileShader('precision mediump float; varying vec2 v_uv; void main() { gl_FragColor = vec4(v_uv, 0.0, 1.0); }', 'fragment');
  const vs = compileShader('attribute vec4 p; varying vec3 v_uv; void main() { v_uv = p.xyz; gl_Position = p; }', 'vertex');
  const l1 = linkProgram(vs, fsMissing);
  assert.equal(l1.ok, false);
  assert.match(l1.infoLog, /v_uv/);
  const vs2 = compileShader('attribute vec4 p; void main() { gl_Position = p; }', 'vertex');
  const l2 = linkProgram(vs2, fsMissing);
  assert.equal(l2.ok, false);
  assert.match(l2.infoLog, /v_uv.*not declared/);
  const vs3 = compileShader('attribute vec4 p; uniform vec4 u; void main() { gl_Position = p * u; }', 'vertex');
  const fs3 = compileShader('precision mediump float; uniform vec3 u; void main() { gl_FragColor = vec4(u, 1.0); }', 'fragment');
  const l3 = linkProgram(vs3, fs3);
  assert.equal(l3.ok, false);
  assert.match(l3.infoLog, /Uniform `u'/);
});
