/**
 * Loop unrolling (passes/unroll-loops.ts) on SSA IR built by hand, and
 * through the whole compiler: constant trip counts become straight-line
 * code, loops over the budget stay loops, and what depends on the index
 * being constant (sampler arrays, uniform arrays) works after unrolling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Builder, fconst, vreg, printShader, validate, PRED_BACK, PRED_ENTRY, type IrShader, type Operand } from '../../src/umd/compiler/ir/ir.js';
import { unrollLoops, UNROLL_MAX } from '../../src/umd/compiler/passes/unroll-loops.js';
import { optimizeSsa } from '../../src/umd/compiler/passes/runner.js';
import { compileReport, compileShader } from '../../src/umd/compiler/index.js';
import { evalFS, close } from './harness.js';

const body = (s: IrShader): string => printShader(s).split('\n').slice(1).join('\n');

/** SSA for: for (i = start; i < limit; i += step) out(i * x) */
function countedLoop(start: number, limit: number, step: number): IrShader {
  const b = Builder.create('fragment');
  b.shader.form = 'ssa';
  const x = b.op0('ld_vary', { idx: 0, comp: 0 });
  b.loop(() => {
    const i = b.newReg();
    const h = b.emit({ op: 'phi', dst: i, src: [fconst(start)], from: [PRED_ENTRY] });
    b.emit({ op: 'break', dst: -1, src: [b.alu('fcmp', [vreg(i), fconst(limit)], 'ge')], id: 0 });
    b.emit({ op: 'st_out', dst: -1, src: [b.alu('fmul', [vreg(i), x])], idx: 0, comp: 0 });
    const next: Operand = b.alu('fadd', [vreg(i), fconst(step)]);
    h.src.push(next); h.from!.push(PRED_BACK);
  });
  assert.deepEqual(validate(b.shader), []);
  return b.shader;
}

test('unrolling turns for (i = 0; i < 4; i++) into straight-line code with constant indices', () => {
  const s = countedLoop(0, 4, 1);
  assert.equal(unrollLoops(s), true);
  assert.deepEqual(validate(s), []);
  optimizeSsa(s);
  const lines = body(s).split('\n').map((l) => l.trim());
  assert.ok(!lines.some((l) => /^(loop|break|phi)\b|= phi /.test(l)), body(s));
  // i * x for i = 0, 1, 2, 3: 0*x folds to 0, 1*x to x
  const outs = lines.filter((l) => l.startsWith('st_out'));
  assert.equal(outs.length, 4);
  assert.equal(outs[0], 'st_out.idx=0.comp=0 0.0');
  assert.equal(outs[1], 'st_out.idx=0.comp=0 v0');
  assert.match(outs[2]!, /^st_out.idx=0.comp=0 v(\d+)$/);
  assert.match(body(s), /= fmul 2\.0, v0|= fmul v0, 2\.0/);
  assert.match(body(s), /= fmul 3\.0, v0|= fmul v0, 3\.0/);
});

test('unrolling follows the shader core\'s f32 arithmetic for the trip count', () => {
  // 0.1 summed in f32 reaches 1.0000001 after 10 steps: i < 1.0 runs 10 times (i = 0, 0.1, ..., 0.90000004)
  let i = 0, n = 0;
  while (i < 1) { n++; i = Math.fround(i + Math.fround(0.1)); }
  const s = countedLoop(0, 1, 0.1);
  assert.equal(unrollLoops(s), true);
  optimizeSsa(s);
  assert.equal(body(s).split('\n').filter((l) => l.includes('st_out')).length, n);
});

test('a 1000-iteration loop is left alone, and so is one past UNROLL_MAX', () => {
  for (const limit of [1000, UNROLL_MAX + 1]) {
    const s = countedLoop(0, limit, 1);
    const before = body(s);
    assert.equal(unrollLoops(s), false);
    assert.equal(body(s), before);
  }
  const fs = `precision highp float; varying vec4 v; void main() { float s = 0.0;
    for (int i = 0; i < 1000; i++) { s += v.x * float(i); }
    gl_FragColor = vec4(s); }`;
  const r = compileReport(fs, 'fragment');
  assert.ok(r.ok, r.text);
  assert.match(r.text, /\bloop\b/);
  assert.match(r.text, /\bendloop\b/);
});

test('a loop whose exit depends on the lane, or with a second break, is not unrolled', () => {
  const dyn = `precision highp float; varying vec4 v; void main() { float s = 0.0;
    for (int i = 0; i < 4; i++) { if (float(i) > v.x) break; s += 1.0; }
    gl_FragColor = vec4(s); }`;
  assert.match(compileReport(dyn, 'fragment').text, /\bloop\b/);
});

test('nested constant loops unroll inside out within the budget; an explosion stays loops', () => {
  const small = `precision highp float; uniform vec4 u[4]; void main() { vec4 s = vec4(0.0);
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) s += u[j] * float(i);
    gl_FragColor = s; }`;
  const r = compileReport(small, 'fragment');
  assert.ok(r.ok, r.text);
  assert.doesNotMatch(r.text, /\bloop\b/);
  // 16 levels of 16 iterations: 16^16 copies if unrolled naively
  let src = 'precision highp float; varying vec4 v; void main() { vec4 c = v;\n';
  for (let k = 0; k < 16; k++) src += `for (int i${k} = 0; i${k} < 16; ++i${k})\n`;
  src += 'c = exp(c);\ngl_FragColor = c; }';
  const t0 = Date.now();
  const e = compileShader(src, 'fragment');
  assert.ok(e.ok, e.infoLog);
  assert.ok(Date.now() - t0 < 5000, 'compiles quickly');
  assert.match(compileReport(src, 'fragment').text, /\bloop\b/);
});

// lane l gets v_x = (l, l*0.5, 16-l, 1)
const input = { attribs: { a_x: (l: number) => [l, l * 0.5, 16 - l, 1] } };

test('a sampler array indexed by the loop index samples each sampler once the loop is unrolled', () => {
  // the harness's fake texel is (s, t, lod, slot + mode/10): the slots of s[0..2] are 0, 1, 2
  // (the implicit lod depends on neighbouring lanes: not checked)
  const out = evalFS('uniform sampler2D s[3];', `
    for (int i = 0; i < 3; i++) r += texture2D(s[i], v_x.xy * float(i + 1));`, input);
  for (let l = 0; l < 16; l++) {
    const want = [l * (1 + 2 + 3), l * 0.5 * (1 + 2 + 3), 0, 0 + 1 + 2];
    for (const c of [0, 1, 3]) assert.ok(close(out[l]![c]!, want[c]!), `lane ${l} comp ${c}: got ${out[l]![c]} want ${want[c]}`);
  }
});

test('a loop indexing a sampler array unrolls past the ordinary budget (it cannot compile as a loop)', () => {
  // 4 components x 220 steps per iteration: about 4500 instructions unrolled, over UNROLL_LOOP_BUDGET
  const math = Array.from({ length: 220 }, (_, k) => `t = t * 0.999 + vec4(${(k / 1000).toFixed(3)});`).join('\n');
  const out = evalFS('uniform sampler2D s[4];', `
    for (int i = 0; i < 4; i++) { vec4 t = texture2D(s[i], v_x.xy);\n${math}\n r += t; }`, input);
  const steps = (x: number): number => {
    for (let k = 0; k < 220; k++) x = Math.fround(Math.fround(x * Math.fround(0.999)) + Math.fround(k / 1000));
    return x;
  };
  for (let l = 0; l < 16; l++) {
    // the fake texel is (s, t, lod, slot): x and y are the lane's coordinates, w the slot i
    let x = 0, y = 0, w = 0;
    for (let i = 0; i < 4; i++) { x = Math.fround(x + steps(l)); y = Math.fround(y + steps(l * 0.5)); w = Math.fround(w + steps(i)); }
    for (const [c, want] of [[0, x], [1, y], [3, w]] as const) assert.ok(close(out[l]![c]!, want, 1e-4), `lane ${l} comp ${c}: ${out[l]![c]} vs ${want}`);
  }
});

test('a uniform array indexed by the loop index reads constant uniform words after unrolling', () => {
  const u = [0.5, -1, 2, 4, 8, 0.25];
  const out = evalFS('uniform float k[6];', `
    for (int i = 0; i < 6; i += 2) r.x += k[i] * k[i + 1];
    for (int i = 5; i >= 0; i--) r.y = r.y * 2.0 + k[i];`, { ...input, uniforms: { k: u } });
  let y = 0;
  for (let i = 5; i >= 0; i--) y = y * 2 + u[i]!;
  const x = u[0]! * u[1]! + u[2]! * u[3]! + u[4]! * u[5]!;
  for (let l = 0; l < 16; l++) {
    assert.ok(close(out[l]![0]!, x), `lane ${l}: ${out[l]![0]} vs ${x}`);
    assert.ok(close(out[l]![1]!, y), `lane ${l}: ${out[l]![1]} vs ${y}`);
  }
  const fs = `precision highp float; uniform float k[6]; void main() { float x = 0.0;
    for (int i = 0; i < 6; i += 2) x += k[i] * k[i + 1];
    gl_FragColor = vec4(x); }`;
  assert.doesNotMatch(compileReport(fs, 'fragment').text, /ld_u\b/, 'no indirect uniform loads remain');
});
