/**
 * Whole programs: a Phong-style fragment shader over a uniform array of
 * light structs, desktop while/do-while loops, register reuse under
 * pressure, and the amount of code the passes save.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalFS, close } from './harness.js';
import { compileShader, compileReport, linkProgram } from '../../src/umd/compiler/index.js';

const input = { attribs: { a_x: (l: number) => [l * 0.1 - 0.8, 0.3, 1 - l * 0.05, 1] } };

test('lighting: loop over a uniform array of structs, normalize/dot/pow/max/reflect', () => {
  const lights = [[1, 2, 3, 0.5], [-1, 0.5, 2, 1], [0, -2, 1, 0.25]];
  const uniforms: Record<string, number[]> = {};
  lights.forEach((L, i) => { uniforms[`u_l[${i}].pos`] = L.slice(0, 3); uniforms[`u_l[${i}].k`] = [L[3]!]; });
  const out = evalFS(`struct Light { vec3 pos; float k; }; uniform Light u_l[3];`, `
  vec3 n = normalize(v_x.xyz);
  float diff = 0.0; float spec = 0.0;
  for (int i = 0; i < 3; i++) {
    vec3 l = normalize(u_l[i].pos - v_x.xyz);
    diff += max(dot(n, l), 0.0) * u_l[i].k;
    vec3 h = reflect(-l, n);
    spec += pow(max(dot(h, vec3(0.0, 0.0, 1.0)), 0.0), 8.0);
  }
  r = vec4(diff, spec, 0.0, 1.0);`, { ...input, uniforms });
  const norm = (v: number[]): number[] => { const m = Math.hypot(...v); return v.map((x) => x / m); };
  const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
  for (let l = 0; l < 16; l++) {
    const p = input.attribs.a_x(l).slice(0, 3).map(Math.fround);
    const n = norm(p);
    let diff = 0, spec = 0;
    for (const L of lights) {
      const lv = norm(L.slice(0, 3).map((x, i) => x - p[i]!));
      diff += Math.max(dot(n, lv), 0) * L[3]!;
      const d = dot(n, lv.map((x) => -x));
      const h = lv.map((x, i) => -x - 2 * d * n[i]!);
      spec += Math.max(h[2]!, 0) ** 8;
    }
    assert.ok(close(out[l]![0]!, diff, 1e-4), `lane ${l} diffuse ${out[l]![0]} vs ${diff}`);
    assert.ok(close(out[l]![1]!, spec, 1e-4, 1e-4), `lane ${l} specular ${out[l]![1]} vs ${spec}`);
  }
});

test('desktop GLSL: while and do-while loops with break and continue', () => {
  const out = evalFS('', `
  float i = 0.0; float s = 0.0;
  while (i < v_x.x * 10.0 + 8.5) { i += 1.0; if (mod(i, 3.0) == 0.0) continue; s += i; }
  float j = 0.0; float t = 0.0;
  do { j += 1.0; if (j == 2.0) continue; t += j; if (t > 20.0) break; } while (j < 10.0);
  r = vec4(i, s, j, t);`, input);
  for (let l = 0; l < 16; l++) {
    const lim = Math.fround(l * 0.1 - 0.8) * 10 + 8.5; // no lane sits on an integer boundary
    let i = 0, s = 0;
    while (i < lim) { i++; if (i % 3 === 0) continue; s += i; }
    let j = 0, t = 0;
    do { j++; if (j === 2) continue; t += j; if (t > 20) break; } while (j < 10);
    [i, s, j, t].forEach((x, k) => assert.ok(close(out[l]![k]!, x), `lane ${l} comp ${k}: ${out[l]![k]} vs ${x}`));
  }
});

test('register allocation reuses registers: 200 chained temporaries fit in a handful', () => {
  const body = Array.from({ length: 200 }, (_, i) => `  x = sin(x) * ${(1 + i / 1000).toFixed(3)} + ${(i / 100).toFixed(2)};`).join('\n');
  const fs = `precision highp float; varying vec4 v_x; void main() { float x = v_x.x;\n${body}\n  gl_FragColor = vec4(x); }`;
  const vs = 'attribute vec4 a; varying vec4 v_x; void main() { v_x = a; gl_Position = a; }';
  const p = linkProgram(compileShader(vs, 'vertex'), compileShader(fs, 'fragment'));
  assert.ok(p.ok, p.infoLog);
  assert.ok(p.fragment!.registers <= 4, `used ${p.fragment!.registers} registers`);
  let x = Math.fround(0.37);
  for (let i = 0; i < 200; i++) x = Math.fround(Math.fround(Math.fround(Math.sin(x)) * Math.fround(1 + i / 1000)) + Math.fround(i / 100));
  const out = evalFS('', `float x = v_x.x;\n${body}\n r = vec4(x);`, { attribs: { a_x: [0.37, 0, 0, 1] } });
  assert.ok(close(out[0]![0]!, x, 1e-4), `${out[0]![0]} vs ${x}`);
});

test('the passes shrink code: unrolled constant loop folds to a handful of instructions', () => {
  const src = `precision highp float; uniform vec4 u; void main() {
    float s = 0.0;
    for (int i = 0; i < 4; i++) { s += u[i] * 2.0 + float(i) * 0.0; }
    gl_FragColor = vec4(s * 1.0 + 0.0);
  }`;
  const r = compileReport(src, 'fragment');
  assert.ok(r.ok, r.text);
  const n = Number(/(\d+) instructions/.exec(r.text)![1]);
  assert.ok(n <= 10, `${n} instructions:\n${r.text}`);
  assert.doesNotMatch(r.text, /\bloop\b/);
});
