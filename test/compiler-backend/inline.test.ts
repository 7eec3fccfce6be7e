/**
 * Functions in the IR and the inlining pass: the lowering emits each user
 * function once and `call`s it; passes/inline-functions.ts copies bodies
 * into call sites with fresh locals and shared globals. Executed results
 * are computed by hand from the GLSL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Builder, fconst, vreg, printShader, validate, type IrShader } from '../../src/umd/compiler/ir/ir.js';
import { inlineFunctions } from '../../src/umd/compiler/passes/inline-functions.js';
import { compileReport } from '../../src/umd/compiler/index.js';
import { evalFS, close } from './harness.js';

const body = (s: IrShader): string => printShader(s).split('\n').slice(1).join('\n');

/** function 0: (v1) -> (v2) { v2 = fmul v1, 2.0; v0 = fadd v0, v2 } with v0 a global, called twice */
function twoCalls(): IrShader {
  const b = Builder.create('fragment');
  const g = b.newReg(), p = b.newReg(), r = b.newReg();
  const fbody = [] as IrShader['body'];
  b.into(fbody, () => {
    b.emit({ op: 'fmul', dst: r, src: [vreg(p), fconst(2)] });
    b.emit({ op: 'fadd', dst: g, src: [vreg(g), vreg(r)] });
  });
  b.shader.functions = [{ name: 'f(float)', params: [p], results: [r], locals: [p, r], body: fbody }];
  b.movTo(g, fconst(0));
  const x = b.op0('ld_vary', { idx: 0, comp: 0 });
  const d1 = b.newReg(), d2 = b.newReg();
  b.emit({ op: 'call', dst: -1, src: [x], dsts: [d1], idx: 0 });
  b.emit({ op: 'call', dst: -1, src: [vreg(d1)], dsts: [d2], idx: 0 });
  b.emit({ op: 'st_out', dst: -1, src: [vreg(d2)], idx: 0, comp: 0 });
  b.emit({ op: 'st_out', dst: -1, src: [vreg(g)], idx: 0, comp: 1 });
  return b.shader;
}

test('inlining copies the body per call: fresh locals, the same global', () => {
  const s = twoCalls();
  assert.deepEqual(validate(s), []);
  assert.match(body(s), /function 0 f\(float\) \(v1\) -> \(v2\) \{/);
  assert.equal(inlineFunctions(s), true);
  assert.deepEqual(validate(s), []);
  assert.equal(s.functions, undefined);
  assert.equal(body(s), [
    '  v0 = mov 0.0',
    '  v3 = ld_vary.idx=0.comp=0',
    '  v6 = mov v3', // first call: parameter v1 -> v6, result v2 -> v7
    '  v7 = fmul v6, 2.0',
    '  v0 = fadd v0, v7', // the global is not renamed
    '  v4 = mov v7',
    '  v8 = mov v4', // second call: v1 -> v8, v2 -> v9
    '  v9 = fmul v8, 2.0',
    '  v0 = fadd v0, v9',
    '  v5 = mov v9',
    '  st_out.idx=0.comp=0 v5',
    '  st_out.idx=0.comp=1 v0',
  ].join('\n'));
  assert.equal(inlineFunctions(s), false);
});

test('the validator checks calls: arity, and no calls or functions in SSA form', () => {
  const s = twoCalls();
  const call = s.body.find((n) => n.kind === 'instr' && n.op === 'call');
  (call as { src: unknown[] }).src = [];
  assert.ok(validate(s).some((e) => /f\(float\) takes 1 arguments and gives 1 results/.test(e)), validate(s).join('\n'));
  const t = twoCalls();
  t.form = 'ssa';
  assert.ok(validate(t).some((e) => /call in SSA form/.test(e)));
  assert.ok(validate(t).some((e) => /functions left in SSA form/.test(e)));
});

test('the lowering emits a function once and calls it; the passes inline it', () => {
  const fs = `precision highp float; varying vec4 v;
    float twice(float x) { return x * 2.0; }
    void main() { gl_FragColor = vec4(twice(v.x), twice(v.y), twice(v.z), 1.0); }`;
  const r = compileReport(fs, 'fragment', { passes: true });
  assert.ok(r.ok, r.text);
  const [lowered, inlined] = r.text.split('--- IR after inline-functions');
  assert.equal(lowered!.match(/function 0 twice\(float\) \(v\d+\) -> \(v\d+\) \{/g)?.length, 1, lowered);
  assert.equal(lowered!.match(/= call\.fn=0 v\d+/g)?.length, 3, lowered);
  assert.doesNotMatch(inlined!, /call\.fn|function 0/);
  // v * 2 three times, then the stores
  assert.match(r.text, /fragment shader: \d+ instructions/);
  assert.equal(r.text.match(/^\s+\d+: [0-9a-f]+ {2}fmul/gm)?.length, 3, r.text);
});

// lane l gets v_x = (l, l*0.5, 16-l, 1)
const input = { attribs: { a_x: (l: number) => [l, l * 0.5, 16 - l, 1] } };

test('inlined functions: out and inout parameters, globals written inside, sampler parameters', () => {
  const out = evalFS(`
    uniform sampler2D t[2];
    uniform sampler2D u;
    float calls = 0.0;
    void split(in float x, out float whole, inout float acc) { calls += 1.0; whole = floor(x); acc += x - whole; }
    float slot(sampler2D s) { calls += 10.0; return texture2D(s, vec2(0.5)).w; }`, `
    float w, acc = 0.0;
    split(v_x.y, w, acc);
    split(v_x.y + 0.25, w, acc);
    float s = 0.0;
    for (int i = 0; i < 2; i++) s += slot(t[i]) * float(i + 1);
    r = vec4(w, acc, s + slot(u) * 4.0, calls);`, input);
  for (let l = 0; l < 16; l++) {
    const y = l * 0.5, y2 = y + 0.25;
    const acc = (y - Math.floor(y)) + (y2 - Math.floor(y2));
    // fake texel .w is the slot (+ mode/10, mode 0 here): t[0], t[1], u are slots 0, 1, 2
    const want = [Math.floor(y2), acc, 0 * 1 + 1 * 2 + 2 * 4, 2 + 30];
    want.forEach((x, c) => assert.ok(close(out[l]![c]!, x), `lane ${l} comp ${c}: got ${out[l]![c]} want ${x}`));
  }
});
