/**
 * Control flow on the shader core: if/else under divergent lanes, nested
 * loops with break/continue, early return (from main and from inlined
 * functions, also inside loops), discard, ternaries and short-circuit
 * operators with side effects. Expected values are computed by JavaScript
 * transcriptions of the same programs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalFS, close } from './harness.js';

// lane l gets v_x = (l, l*0.5, 16-l, 1)
const input = { attribs: { a_x: (l: number) => [l, l * 0.5, 16 - l, 1] } };
function check(decls: string, body: string, want: (l: number) => (number[] | undefined)): void {
  const out = evalFS(decls, body, input);
  for (let l = 0; l < 16; l++) {
    const w = want(l);
    if (w === undefined) { assert.equal(out[l], undefined, `lane ${l} should be discarded`); continue; }
    assert.ok(out[l], `lane ${l} was discarded`);
    w.forEach((x, i) => assert.ok(close(out[l]![i]!, x), `lane ${l} comp ${i}: got ${out[l]![i]} want ${x}`));
  }
}

test('divergent if/else chains', () => {
  check('', `float x = v_x.x;
  if (x < 4.0) r.x = 1.0; else if (x < 9.0) r.x = 2.0; else r.x = 3.0;
  if (x > 2.0) { if (x < 12.0) { r.y = x * 2.0; } else { r.y = -x; } }`,
  (l) => [l < 4 ? 1 : l < 9 ? 2 : 3, l > 2 ? (l < 12 ? l * 2 : -l) : 0, 0, 0]);
});

test('for loop with a lane-dependent break and continue', () => {
  check('', `float s = 0.0; float n = 0.0;
  for (int i = 0; i < 20; i++) {
    if (float(i) > v_x.x) break;
    if (mod(float(i), 3.0) == 0.0) continue;
    s += float(i); n += 1.0;
  }
  r = vec4(s, n, 0.0, 0.0);`,
  (l) => { let s = 0, n = 0; for (let i = 0; i < 20; i++) { if (i > l) break; if (i % 3 === 0) continue; s += i; n++; } return [s, n, 0, 0]; });
});

test('nested loops: break only leaves the inner loop; continue in the outer', () => {
  check('', `float s = 0.0;
  for (int i = 0; i < 6; i++) {
    if (i == 2) continue;
    for (int j = 0; j < 8; j++) {
      if (float(j) >= v_x.y) break;
      s += float(i * 10 + j);
    }
  }
  r.x = s;`,
  (l) => { let s = 0; for (let i = 0; i < 6; i++) { if (i === 2) continue; for (let j = 0; j < 8; j++) { if (j >= l * 0.5) break; s += i * 10 + j; } } return [s, 0, 0, 0]; });
});

test('early return from main keeps earlier writes and skips later ones', () => {
  check('', `gl_FragColor = vec4(7.0);
  if (v_x.x < 5.0) { gl_FragColor = vec4(v_x.x); return; }
  gl_FragColor = vec4(-1.0, v_x.z, 0.0, 1.0);
  return;
  r = vec4(0.0);`,
  (l) => (l < 5 ? [l, l, l, l] : [-1, 16 - l, 0, 1]));
});

test('functions: early return inside a loop, out/inout parameters, recursion-free nesting', () => {
  check(`
  float firstAbove(float limit, out float steps) {
    steps = 0.0;
    for (int i = 0; i < 32; i++) {
      steps += 1.0;
      if (float(i * i) > limit) return float(i);
    }
    return -1.0;
  }
  void bump(inout vec2 v, float k) { v += vec2(k, 2.0 * k); }
  float sq(float x) { return x * x; }
  float sumsq(float a, float b) { return sq(a) + sq(b); }`,
  `float st; float f = firstAbove(v_x.x * 7.0, st);
  vec2 v = vec2(1.0, 1.0); bump(v, v_x.y); bump(v, 1.0);
  r = vec4(f, st, v.x + v.y, sumsq(v_x.x, 2.0));`,
  (l) => {
    let f = -1, st = 0;
    for (let i = 0; i < 32; i++) { st++; if (i * i > l * 7) { f = i; break; } }
    const v = [1 + l * 0.5 + 1, 1 + l + 2];
    return [f, st, v[0]! + v[1]!, l * l + 4];
  });
});

test('discard kills exactly the lanes that take it, also inside a loop', () => {
  check('', `for (int i = 0; i < 4; i++) { if (float(i) == v_x.x) discard; }
  if (v_x.x > 13.0) discard;
  r = vec4(v_x.x);`,
  (l) => (l < 4 || l > 13 ? undefined : [l, l, l, l]));
});

test('ternary, short-circuit && / || with side effects, comma and ++/--', () => {
  check('', `float c = 0.0;
  bool a = v_x.x > 3.0 && (c += 1.0) > 0.0;
  bool b = v_x.x > 10.0 || (c += 10.0) > 0.0;
  float t = v_x.x < 8.0 ? v_x.x * 2.0 : -v_x.x;
  float k = v_x.x; float pre = ++k; float post = k--;
  r = vec4(c, t, float(a) + 2.0 * float(b), pre + post * 100.0 + k * 10000.0);`,
  (l) => {
    let c = 0;
    const a = l > 3 && (c += 1) > 0;
    const b = l > 10 || (c += 10) > 0;
    return [c, l < 8 ? l * 2 : -l, (a ? 1 : 0) + 2 * (b ? 1 : 0), (l + 1) + (l + 1) * 100 + l * 10000];
  });
});

test('continue in a for loop with an update still runs the update (while-style condition)', () => {
  check('', `float s = 0.0; float i = 0.0;
  for (int k = 0; k < 10; k++) { i += 1.0; if (mod(i, 2.0) == 0.0) continue; s += i * v_x.y; }
  r.x = s; r.y = i;`,
  (l) => { let s = 0, i = 0; for (let k = 0; k < 10; k++) { i++; if (i % 2 === 0) continue; s += i * l * 0.5; } return [s, i, 0, 0]; });
});
