/**
 * Every GLSL ES built-in function, compiled to Akari code and run on the
 * shader core, against JavaScript's Math (highp: ~1e-5 relative, or 1e-5
 * absolute near zero). Inputs vary per lane through an attribute/varying.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalFS, evalVS, close } from './harness.js';

const lanes = (f: (l: number) => number[]) => f;
type V = number[];
const dot = (a: V, b: V): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const len = (a: V): number => Math.sqrt(dot(a, a));
const sub = (a: V, b: V): V => a.map((x, i) => x - b[i]!);
const scale = (a: V, k: number): V => a.map((x) => x * k);
const clamp = (x: number, a: number, b: number): number => Math.min(Math.max(x, a), b);
const sstep = (e0: number, e1: number, x: number): number => { const t = clamp((x - e0) / (e1 - e0), 0, 1); return t * t * (3 - 2 * t); };
const glmod = (x: number, y: number): number => x - y * Math.floor(x / y);

interface Case { name: string; expr: string; want: (x: V) => V; input?: (l: number) => V; rel?: number }
// x = v_x (vec4), default lanes: x = (l*0.37 - 2.9, l*0.11 + 0.05, -l*0.23 + 1.7, l*0.05 + 0.2)
const def = lanes((l) => [l * 0.37 - 2.9, l * 0.11 + 0.05, -l * 0.23 + 1.7, l * 0.05 + 0.2]);
const unit = lanes((l) => [l / 8 - 0.99, Math.sin(l) * 0.9, Math.cos(l) * 0.95, l / 16]);
const pos = lanes((l) => [l * 0.7 + 0.01, l * 0.13 + 0.5, 3.5 - l * 0.2, l * 1.9 + 0.25]);

const cases: Case[] = [
  { name: 'radians', expr: 'r = radians(v_x);', want: (x) => x.map((a) => (a * Math.PI) / 180) },
  { name: 'degrees', expr: 'r = degrees(v_x);', want: (x) => x.map((a) => (a * 180) / Math.PI) },
  { name: 'sin', expr: 'r = sin(v_x);', want: (x) => x.map(Math.sin) },
  { name: 'cos', expr: 'r = cos(v_x);', want: (x) => x.map(Math.cos) },
  { name: 'tan', expr: 'r = tan(v_x);', want: (x) => x.map(Math.tan) },
  { name: 'asin', expr: 'r = asin(v_x);', want: (x) => x.map(Math.asin), input: unit },
  { name: 'acos', expr: 'r = acos(v_x);', want: (x) => x.map(Math.acos), input: unit },
  { name: 'atan(y_over_x)', expr: 'r = atan(v_x);', want: (x) => x.map(Math.atan) },
  { name: 'atan(y, x)', expr: 'r = atan(v_x, v_x.wzyx);', want: (x) => x.map((a, i) => Math.atan2(a, x[3 - i]!)) },
  { name: 'pow', expr: 'r = pow(v_x, vec4(1.7, 0.5, 2.0, 3.1));', want: (x) => x.map((a, i) => a ** [1.7, 0.5, 2, 3.1][i]!), input: pos },
  { name: 'exp', expr: 'r = exp(v_x);', want: (x) => x.map(Math.exp) },
  { name: 'log', expr: 'r = log(v_x);', want: (x) => x.map(Math.log), input: pos },
  { name: 'exp2', expr: 'r = exp2(v_x);', want: (x) => x.map((a) => 2 ** a) },
  { name: 'log2', expr: 'r = log2(v_x);', want: (x) => x.map(Math.log2), input: pos },
  { name: 'sqrt', expr: 'r = sqrt(v_x);', want: (x) => x.map(Math.sqrt), input: pos },
  { name: 'inversesqrt', expr: 'r = inversesqrt(v_x);', want: (x) => x.map((a) => 1 / Math.sqrt(a)), input: pos },
  { name: 'abs', expr: 'r = abs(v_x);', want: (x) => x.map(Math.abs) },
  { name: 'sign', expr: 'r = sign(v_x - vec4(0.0, 0.05, 1.7, 0.0));', want: (x) => x.map((a, i) => Math.sign(Math.fround(a - Math.fround([0, 0.05, 1.7, 0][i]!)))) },
  { name: 'floor', expr: 'r = floor(v_x);', want: (x) => x.map(Math.floor) },
  { name: 'ceil', expr: 'r = ceil(v_x);', want: (x) => x.map(Math.ceil) },
  { name: 'fract', expr: 'r = fract(v_x);', want: (x) => x.map((a) => a - Math.floor(a)) },
  { name: 'mod(vec, float)', expr: 'r = mod(v_x, 0.7);', want: (x) => x.map((a) => glmod(a, Math.fround(0.7))) },
  { name: 'mod(vec, vec)', expr: 'r = mod(v_x, vec4(1.5, 0.3, -0.8, 2.0));', want: (x) => x.map((a, i) => glmod(a, [1.5, 0.3, -0.8, 2][i]!)) },
  { name: 'min', expr: 'r = min(v_x, v_x.yzwx);', want: (x) => x.map((a, i) => Math.min(a, x[(i + 1) % 4]!)) },
  { name: 'min(vec, float)', expr: 'r = min(v_x, 0.5);', want: (x) => x.map((a) => Math.min(a, 0.5)) },
  { name: 'max', expr: 'r = max(v_x, v_x.yzwx);', want: (x) => x.map((a, i) => Math.max(a, x[(i + 1) % 4]!)) },
  { name: 'max(vec, float)', expr: 'r = max(v_x, 0.5);', want: (x) => x.map((a) => Math.max(a, 0.5)) },
  { name: 'clamp', expr: 'r = clamp(v_x, -1.0, 1.2);', want: (x) => x.map((a) => clamp(a, -1, 1.2)) },
  { name: 'clamp(vec, vec, vec)', expr: 'r = clamp(v_x, vec4(-1.0, 0.2, 0.0, 0.3), vec4(0.0, 0.9, 1.0, 0.6));', want: (x) => x.map((a, i) => clamp(a, [-1, 0.2, 0, 0.3][i]!, [0, 0.9, 1, 0.6][i]!)) },
  { name: 'mix', expr: 'r = mix(v_x, v_x.wzyx, 0.3);', want: (x) => x.map((a, i) => a * 0.7 + x[3 - i]! * 0.3) },
  { name: 'mix(vec, vec, vec)', expr: 'r = mix(v_x, vec4(2.0), v_x.wwww);', want: (x) => x.map((a) => a + (2 - a) * x[3]!) },
  { name: 'step', expr: 'r = step(0.5, v_x);', want: (x) => x.map((a) => (a < 0.5 ? 0 : 1)) },
  { name: 'step(vec, vec)', expr: 'r = step(v_x.yzwx, v_x);', want: (x) => x.map((a, i) => (a < x[(i + 1) % 4]! ? 0 : 1)) },
  { name: 'smoothstep', expr: 'r = smoothstep(-1.0, 2.0, v_x);', want: (x) => x.map((a) => sstep(-1, 2, a)) },
  { name: 'smoothstep(vec)', expr: 'r = smoothstep(vec4(0.0), vec4(1.0, 2.0, 3.0, 4.0), v_x);', want: (x) => x.map((a, i) => sstep(0, [1, 2, 3, 4][i]!, a)) },
  { name: 'length', expr: 'r = vec4(length(v_x), length(v_x.xy), length(v_x.x), length(v_x.xyz));', want: (x) => [len(x), len(x.slice(0, 2)), Math.abs(x[0]!), len(x.slice(0, 3))] },
  { name: 'distance', expr: 'r = vec4(distance(v_x, v_x.wzyx), distance(v_x.xy, vec2(1.0)), 0.0, 0.0);', want: (x) => [len(sub(x, [...x].reverse())), len(sub(x.slice(0, 2), [1, 1])), 0, 0] },
  { name: 'dot', expr: 'r = vec4(dot(v_x, v_x.yzwx), dot(v_x.xyz, vec3(1.0, -2.0, 0.5)), dot(v_x.x, 3.0), 0.0);', want: (x) => [dot(x, [x[1]!, x[2]!, x[3]!, x[0]!]), x[0]! - 2 * x[1]! + 0.5 * x[2]!, 3 * x[0]!, 0] },
  { name: 'cross', expr: 'r = vec4(cross(v_x.xyz, v_x.wzy), 0.0);', want: (x) => { const a = x.slice(0, 3), b = [x[3]!, x[2]!, x[1]!]; return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!, 0]; } },
  { name: 'normalize', expr: 'r = normalize(v_x);', want: (x) => scale(x, 1 / len(x)) },
  { name: 'faceforward', expr: 'r = faceforward(v_x, v_x.yzwx, vec4(1.0, -1.0, 0.5, 0.0));', want: (x) => (dot([1, -1, 0.5, 0], [x[1]!, x[2]!, x[3]!, x[0]!]) < 0 ? x : scale(x, -1)) },
  { name: 'reflect', expr: 'r = vec4(reflect(v_x.xyz, normalize(vec3(1.0, 2.0, -0.5))), 0.0);', want: (x) => { const n = scale([1, 2, -0.5], 1 / len([1, 2, -0.5])); const i = x.slice(0, 3); return [...sub(i, scale(n, 2 * dot(n, i))), 0]; } },
  {
    name: 'refract', expr: 'r = vec4(refract(normalize(v_x.xyz), vec3(0.0, 1.0, 0.0), 0.66), 0.0);',
    want: (x) => {
      const i = scale(x.slice(0, 3), 1 / len(x.slice(0, 3))), n = [0, 1, 0], eta = 0.66;
      const d = dot(n, i), k = 1 - eta * eta * (1 - d * d);
      return k < 0 ? [0, 0, 0, 0] : [...sub(scale(i, eta), scale(n, eta * d + Math.sqrt(k))), 0];
    },
  },
  { name: 'matrixCompMult', expr: 'mat2 m = matrixCompMult(mat2(v_x), mat2(v_x.wzyx)); r = vec4(m[0], m[1]);', want: (x) => x.map((a, i) => a * x[3 - i]!) },
  { name: 'lessThan', expr: 'r = vec4(lessThan(v_x, vec4(0.5)));', want: (x) => x.map((a) => (a < 0.5 ? 1 : 0)) },
  { name: 'lessThanEqual', expr: 'r = vec4(lessThanEqual(v_x, v_x.yyyy));', want: (x) => x.map((a) => (a <= x[1]! ? 1 : 0)) },
  { name: 'greaterThan', expr: 'r = vec4(greaterThan(v_x, vec4(0.5)));', want: (x) => x.map((a) => (a > 0.5 ? 1 : 0)) },
  { name: 'greaterThanEqual', expr: 'r = vec4(greaterThanEqual(v_x, v_x.yyyy));', want: (x) => x.map((a) => (a >= x[1]! ? 1 : 0)) },
  { name: 'equal', expr: 'r = vec4(equal(floor(v_x), vec4(0.0, 1.0, 1.0, 0.0)));', want: (x) => x.map((a, i) => (Math.floor(a) === [0, 1, 1, 0][i] ? 1 : 0)) },
  { name: 'notEqual', expr: 'r = vec4(notEqual(floor(v_x), vec4(0.0, 1.0, 1.0, 0.0)));', want: (x) => x.map((a, i) => (Math.floor(a) !== [0, 1, 1, 0][i] ? 1 : 0)) },
  { name: 'any', expr: 'r = vec4(any(greaterThan(v_x, vec4(1.0))), any(lessThan(v_x.xy, vec2(-5.0))), 0.0, 0.0);', want: (x) => [x.some((a) => a > 1) ? 1 : 0, x.slice(0, 2).some((a) => a < -5) ? 1 : 0, 0, 0] },
  { name: 'all', expr: 'r = vec4(all(greaterThan(v_x, vec4(-3.0))), all(lessThan(v_x.yw, vec2(1.0))), 0.0, 0.0);', want: (x) => [x.every((a) => a > -3) ? 1 : 0, [x[1]!, x[3]!].every((a) => a < 1) ? 1 : 0, 0, 0] },
  { name: 'not', expr: 'r = vec4(not(greaterThan(v_x, vec4(0.5))));', want: (x) => x.map((a) => (a > 0.5 ? 0 : 1)) },
];

const f32 = (v: V): V => v.map(Math.fround);

for (const c of cases) {
  test(`built-in ${c.name} (fragment shader) matches Math`, () => {
    const input = c.input ?? def;
    const out = evalFS('', c.expr, { attribs: { a_x: input } });
    for (let l = 0; l < 16; l++) {
      const x = f32(input(l));
      const want = c.want(x);
      want.forEach((w, i) => assert.ok(close(out[l]![i]!, w, c.rel ?? 1e-5, 2e-5), `lane ${l} comp ${i}: got ${out[l]![i]} want ${w} (x=${x})`));
    }
  });
}

test('built-ins also run in the vertex shader (sin/pow/normalize via a uniform)', () => {
  const out = evalVS('uniform vec4 u;', 'r = vec4(sin(u.x), pow(u.y, 2.5), normalize(u.zw));', { uniforms: { u: [0.7, 1.3, 3, 4] } });
  const want = [Math.sin(Math.fround(0.7)), Math.fround(1.3) ** 2.5, 0.6, 0.8];
  want.forEach((w, i) => assert.ok(close(out[0]![i]!, w), `comp ${i}: ${out[0]![i]} vs ${w}`));
});

test('derivatives: dFdx/dFdy/fwidth across the 2x2 quad of gl_FragCoord-based values', () => {
  // lanes of a quad: (x0,y0) (x1,y0) (x0,y1) (x1,y1); fragCoord = (2*(q%2)+ (l&1), (l>>1)&1)
  const fc = (l: number): V => [(l & 1) + 0.5, ((l >> 1) & 1) + 0.5, 0.5, 1];
  const out = evalFS('#extension GL_OES_standard_derivatives : enable', 'float f = gl_FragCoord.x * gl_FragCoord.x * 3.0 + gl_FragCoord.y * 5.0;\n r = vec4(dFdx(f), dFdy(f), fwidth(f), 0.0);', { fragCoord: fc });
  const f = (x: number, y: number): number => x * x * 3 + y * 5;
  for (let l = 0; l < 16; l++) {
    const y = ((l >> 1) & 1) + 0.5;
    const dx = f(1.5, y) - f(0.5, y);
    assert.ok(close(out[l]![0]!, dx), `lane ${l} dFdx ${out[l]![0]} vs ${dx}`);
    assert.ok(close(out[l]![1]!, 5), `lane ${l} dFdy`);
    assert.ok(close(out[l]![2]!, Math.abs(dx) + 5), `lane ${l} fwidth`);
  }
});

export const BUILTIN_CASES = cases.length;

test('min and max with a NaN operand give the other operand (the ALU is IEEE-754 minNum/maxNum)', () => {
  // u = NaN from the uniform buffer, so nothing folds at compile time
  const out = evalFS('uniform float u;', 'r = vec4(min(u, v_x.x), max(u, v_x.x), min(v_x.x, u), max(v_x.x, u));', {
    attribs: { a_x: (l: number) => [l - 8, 0, 0, 0] }, uniforms: { u: [NaN] },
  });
  for (let l = 0; l < 16; l++) assert.deepEqual(out[l], [l - 8, l - 8, l - 8, l - 8], `lane ${l}`);
});
