/**
 * IR pass unit tests: input and expected output are both built with the IR
 * builder (same value numbering), then compared as printed IR.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Builder, fconst, vreg, printShader, validate, PRED_ELSE, PRED_THEN, type IrShader } from '../../src/umd/compiler/ir/ir.js';
import { constantFolding } from '../../src/umd/compiler/passes/constant-folding.js';
import { copyPropagation } from '../../src/umd/compiler/passes/copy-propagation.js';
import { deadCodeElimination } from '../../src/umd/compiler/passes/dead-code.js';
import { cse } from '../../src/umd/compiler/passes/cse.js';
import { algebraic } from '../../src/umd/compiler/passes/algebraic.js';
import { flattenIfs } from '../../src/umd/compiler/passes/flatten-if.js';
import { coalesce } from '../../src/umd/compiler/passes/coalesce.js';
import { runPass, PassError } from '../../src/umd/compiler/passes/runner.js';

const body = (s: IrShader): string => printShader(s).split('\n').slice(1).join('\n');
function build(f: (b: Builder) => void): IrShader { const b = Builder.create('fragment'); f(b); return b.shader; }
const vary = (b: Builder, c = 0) => b.op0('ld_vary', { idx: 0, comp: c });
const out = (b: Builder, o: ReturnType<typeof fconst>, c = 0) => b.emit({ op: 'st_out', dst: -1, src: [o], idx: 0, comp: c });

/*
 *   v0 = ld_vary            v0 = ld_vary
 *   v1 = fadd 2.0, 3.0  =>  v2 = fmul 5.0, v0
 *   v2 = fmul v1, v0        st_out v2
 *   st_out v2
 */
test('constant folding evaluates constant ALU ops and propagates the result', () => {
  const s = build((b) => { const x = vary(b); const c = b.alu('fadd', [fconst(2), fconst(3)]); out(b, b.alu('fmul', [c, x])); });
  assert.equal(constantFolding(s), true);
  const want = build((b) => { const x = vary(b); b.newReg(); out(b, b.alu('fmul', [fconst(5), x])); });
  assert.equal(body(s), body(want));
  assert.equal(constantFolding(s), false);
});

test('constant folding replaces an if on a constant by the branch taken', () => {
  const s = build((b) => { const x = vary(b); b.ifThen(fconst(0), () => out(b, x), () => out(b, fconst(7))); });
  assert.equal(constantFolding(s), true);
  const want = build((b) => { vary(b); out(b, fconst(7)); });
  assert.equal(body(s), body(want));
});

test('copy propagation forwards SSA copies but not copies of variables', () => {
  const s = build((b) => {
    const x = vary(b);
    const c = b.alu('mov', [x]);
    const varX = b.newReg(); b.movTo(varX, x); b.movTo(varX, fconst(1)); // a variable: two definitions
    const y = b.alu('mov', [vreg(varX)]);
    out(b, b.alu('fadd', [c, y]));
  });
  assert.equal(copyPropagation(s), true);
  const want = build((b) => {
    const x = vary(b); b.newReg();
    const varX = b.newReg(); b.movTo(varX, x); b.movTo(varX, fconst(1));
    const y = b.alu('mov', [vreg(varX)]);
    out(b, b.alu('fadd', [x, y]));
  });
  assert.equal(body(s), body(want));
});

test('dead-code elimination removes unused values and empty ifs, keeps side effects', () => {
  const s = build((b) => {
    const x = vary(b); const dead = b.alu('fsin', [x]); b.alu('fmul', [dead, x]);
    b.ifThen(x, () => { b.alu('fcos', [x]); });
    out(b, x);
  });
  assert.equal(deadCodeElimination(s), true);
  const want = build((b) => { const x = vary(b); out(b, x); });
  assert.equal(body(s), body(want));
});

test('CSE merges identical pure values in dominating blocks only', () => {
  const s = build((b) => {
    const x = vary(b);
    const a = b.alu('fmul', [x, fconst(3)]);
    b.ifThen(x, () => out(b, b.alu('fmul', [x, fconst(3)])), () => out(b, b.alu('fsin', [x])));
    b.ifThen(x, () => out(b, b.alu('fsin', [x])));
    out(b, a);
  });
  assert.equal(cse(s), true);
  const want = build((b) => {
    const x = vary(b);
    const a = b.alu('fmul', [x, fconst(3)]);
    b.newReg();
    b.ifThen(x, () => out(b, a), () => out(b, b.alu('fsin', [x])));
    b.ifThen(x, () => out(b, b.alu('fsin', [x])));
    out(b, a);
  });
  assert.equal(body(s), body(want));
});

test('algebraic simplification: x*1, x+0, fadd(fmul) -> ffma, !(a<b) -> a>=b', () => {
  const s = build((b) => {
    const x = vary(b), y = vary(b, 1);
    out(b, b.alu('fmul', [x, fconst(1)]));
    out(b, b.alu('fadd', [fconst(0), y]));
    const m = b.alu('fmul', [x, y]);
    out(b, b.alu('fadd', [m, fconst(3)]));
    const lt = b.alu('fcmp', [x, y], 'lt');
    out(b, b.alu('fcmp', [lt, fconst(0)], 'eq'));
  });
  assert.equal(algebraic(s), true);
  deadCodeElimination(s);
  const want = build((b) => {
    const x = vary(b), y = vary(b, 1);
    out(b, b.alu('mov', [x]));
    out(b, b.alu('mov', [y]));
    b.newReg();
    out(b, b.alu('ffma', [x, y, fconst(3)]));
    b.newReg();
    out(b, b.alu('fcmp', [x, y], 'ge'));
  });
  assert.equal(body(s), body(want));
});

test('if-flattening turns a cheap if/else into straight-line code and its phi into fsel', () => {
  const s = build((b) => {
    b.shader.form = 'ssa';
    const c = vary(b);
    let t = c, e = c;
    b.ifThen(c, () => { t = b.alu('fadd', [c, fconst(1)]); }, () => { e = b.alu('fmul', [c, fconst(2)]); });
    const p = b.newReg();
    b.emit({ op: 'phi', dst: p, src: [t, e], from: [PRED_THEN, PRED_ELSE] });
    out(b, vreg(p));
  });
  assert.equal(flattenIfs(s), true);
  assert.deepEqual(validate(s), []);
  assert.equal(body(s), ['  v0 = ld_vary.idx=0.comp=0', '  v1 = fadd v0, 1.0', '  v2 = fmul v0, 2.0', '  v3 = fsel v0, v1, v2', '  st_out.idx=0.comp=0 v3'].join('\n'));
});

test('coalescing writes an assignment directly into its variable', () => {
  const s = build((b) => {
    const x = vary(b);
    const v = b.newReg(); b.movTo(v, fconst(0));
    const t = b.alu('fadd', [vreg(v), x]); b.movTo(v, t);
    out(b, vreg(v));
  });
  assert.equal(coalesce(s), true);
  assert.match(body(s), /v1 = fadd v1, v0/);
  assert.doesNotMatch(body(s), /mov v2/);
});

test('the validator rejects break outside a loop and undefined values; the runner names the pass that broke the IR', () => {
  const bad = build((b) => { b.emit({ op: 'break', dst: -1, src: [fconst(1)] }); out(b, vreg(0)); b.shader.nextV = 1; });
  const errs = validate(bad);
  assert.ok(errs.some((e) => /outside a loop/.test(e)));
  assert.ok(errs.some((e) => /never defined/.test(e)));
  const s = build((b) => out(b, vary(b)));
  const breaker = (x: IrShader): boolean => { x.body.splice(0, 1); return true; };
  assert.throws(() => runPass(s, 'evil-pass', breaker), (e: unknown) => e instanceof PassError && /evil-pass/.test(e.message));
});
