/**
 * SSA form: the validator's rules, SSA construction (to-ssa) on small
 * register-form programs (expected IR written out by hand), and the way
 * out of SSA (from-ssa + register allocation) executed on the shader core
 * for loops whose variables are permuted every iteration — the swap and
 * lost-copy problems of phi elimination — with lane-dependent exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Builder, fconst, vreg, printShader, validate, PRED_BACK, PRED_ELSE, PRED_ENTRY, PRED_THEN, type IrShader, type Operand } from '../../src/umd/compiler/ir/ir.js';
import { toSsa } from '../../src/umd/compiler/passes/to-ssa.js';
import { compileReport } from '../../src/umd/compiler/index.js';
import { evalFS, close } from './harness.js';

const body = (s: IrShader): string => printShader(s).split('\n').slice(1).join('\n');
function build(form: 'ssa' | 'registers', f: (b: Builder) => void): IrShader {
  const b = Builder.create('fragment');
  b.shader.form = form;
  f(b);
  return b.shader;
}
const vary = (b: Builder, c = 0): Operand => b.op0('ld_vary', { idx: 0, comp: c });
const out = (b: Builder, o: Operand, c = 0): void => { b.emit({ op: 'st_out', dst: -1, src: [o], idx: 0, comp: c }); };
const phi = (b: Builder, from: number[], src: Operand[]): Operand => {
  const dst = b.newReg();
  b.emit({ op: 'phi', dst, src, from });
  return vreg(dst);
};
const brk = (b: Builder, c: Operand, id: number): void => { b.emit({ op: 'break', dst: -1, src: [c], id }); };

test('the SSA validator accepts a well-formed loop with header and exit phis', () => {
  const s = build('ssa', (b) => {
    const x = vary(b);
    let i: Operand = fconst(0), next: Operand = fconst(0);
    b.loop(() => {
      const hdr = b.newReg();
      const h = b.emit({ op: 'phi', dst: hdr, src: [fconst(0)], from: [PRED_ENTRY] });
      i = vreg(hdr);
      brk(b, b.alu('fcmp', [i, x], 'ge'), 0);
      next = b.alu('fadd', [i, fconst(1)]);
      h.src.push(next); h.from!.push(PRED_BACK);
    });
    out(b, phi(b, [0], [i]));
  });
  assert.deepEqual(validate(s), []);
});

test('the SSA validator rejects a value defined twice', () => {
  const s = build('ssa', (b) => { const x = vary(b); b.emit({ op: 'fsin', dst: (x as { v: number }).v, src: [x] }); out(b, x); });
  assert.ok(validate(s).some((e) => /v0 is defined 2 times/.test(e)), validate(s).join('\n'));
});

test('the SSA validator rejects uses their definition does not dominate: out of a branch, out of a loop', () => {
  const fromIf = build('ssa', (b) => {
    const x = vary(b);
    let t: Operand = x;
    b.ifThen(x, () => { t = b.alu('fsin', [x]); });
    out(b, t);
  });
  assert.ok(validate(fromIf).some((e) => /st_out.* v1 is used where its definition does not dominate/.test(e)), validate(fromIf).join('\n'));
  const fromLoop = build('ssa', (b) => {
    const x = vary(b);
    let t: Operand = x;
    b.loop(() => { t = b.alu('fsin', [x]); brk(b, fconst(1), 0); });
    out(b, t); // loop-closed SSA: must go through an exit phi
  });
  assert.ok(validate(fromLoop).some((e) => /does not dominate/.test(e)), validate(fromLoop).join('\n'));
  // a value used before its definition in the same block
  const early = build('ssa', (b) => { out(b, vreg(1)); vary(b); vary(b); });
  assert.ok(validate(early).some((e) => /v1 is used where/.test(e)));
});

test('the SSA validator rejects malformed phis', () => {
  // an if whose else end is reachable but gives no source
  const missing = build('ssa', (b) => {
    const x = vary(b);
    let t: Operand = x;
    b.ifThen(x, () => { t = b.alu('fsin', [x]); });
    out(b, phi(b, [PRED_THEN], [t]));
  });
  assert.ok(validate(missing).some((e) => /no source from else/.test(e)), validate(missing).join('\n'));
  // ...but an else that cannot be reached (it breaks) may give none
  const unreachable = build('ssa', (b) => {
    const x = vary(b);
    b.loop(() => {
      let t: Operand = x;
      b.ifThen(x, () => { t = b.alu('fsin', [x]); }, () => brk(b, fconst(1), 0));
      out(b, phi(b, [PRED_THEN], [t]));
      brk(b, fconst(1), 1);
    });
  });
  assert.deepEqual(validate(unreachable), []);
  // a source from a break that is not this loop's
  const stranger = build('ssa', (b) => {
    const x = vary(b);
    b.loop(() => brk(b, x, 0));
    out(b, phi(b, [0, 7], [x, x]));
  });
  assert.ok(validate(stranger).some((e) => /#7 is not a predecessor here/.test(e)), validate(stranger).join('\n'));
  // two sources from one predecessor, and a source not visible at the end of its predecessor
  const twice = build('ssa', (b) => {
    const x = vary(b);
    let t: Operand = x;
    b.ifThen(x, () => { t = b.alu('fsin', [x]); }, () => {});
    out(b, phi(b, [PRED_THEN, PRED_THEN, PRED_ELSE], [x, x, t]));
  });
  const errs = validate(twice);
  assert.ok(errs.some((e) => /two sources from one predecessor/.test(e)), errs.join('\n'));
  assert.ok(errs.some((e) => /from else.*v1 is used where its definition does not dominate/.test(e)), errs.join('\n'));
  // a phi in the middle of a block, and a phi in register form
  const stray = build('ssa', (b) => { const x = vary(b); out(b, x); phi(b, [PRED_THEN], [x]); });
  assert.ok(validate(stray).some((e) => /phi not at the start of a loop body or right after an if or loop/.test(e)));
  const regs = build('registers', (b) => { const x = vary(b); b.ifThen(x, () => {}); phi(b, [PRED_THEN, PRED_ELSE], [x, x]); });
  assert.ok(validate(regs).some((e) => /phi outside SSA form/.test(e)));
});

test('to-ssa: a variable assigned in an if gets a phi after it', () => {
  // v1 = 1.0; if (v0) v1 = 2.0; out(v1)
  const s = build('registers', (b) => {
    const c = vary(b);
    const v = b.newReg();
    b.movTo(v, fconst(1));
    b.ifThen(c, () => b.movTo(v, fconst(2)));
    out(b, vreg(v));
  });
  assert.equal(toSsa(s), true);
  assert.deepEqual(validate(s), []);
  assert.equal(body(s), [
    '  v0 = ld_vary.idx=0.comp=0',
    '  v1 = mov 1.0',
    '  if v0 {',
    '    v2 = mov 2.0', // the second definition is a new value
    '  }',
    '  v3 = phi then:v2, else:v1',
    '  st_out.idx=0.comp=0 v3',
  ].join('\n'));
});

test('to-ssa: a loop counter gets a header phi (entry, back edge) and leaves through an exit phi', () => {
  // i = 0; loop { if (i >= 4) break; out(i); i = i + 1 }
  const s = build('registers', (b) => {
    const i = b.newReg();
    b.movTo(i, fconst(0));
    b.loop(() => {
      b.emit({ op: 'break', dst: -1, src: [b.alu('fcmp', [vreg(i), fconst(4)], 'ge')] });
      out(b, vreg(i));
      b.movTo(i, b.alu('fadd', [vreg(i), fconst(1)]));
    });
  });
  assert.equal(toSsa(s), true);
  assert.deepEqual(validate(s), []);
  assert.equal(body(s), [
    '  v0 = mov 0.0',
    '  loop {',
    '    v3 = phi entry:v0, back:v4',
    '    v1 = fcmp.ge v3, 4.0',
    '    break.#0 v1',
    '    st_out.idx=0.comp=0 v3',
    '    v2 = fadd v3, 1.0',
    '    v4 = mov v2',
    '  }',
    '  v5 = phi #0:v3', // defined in the loop: kept although it has one source (loop-closed SSA)
  ].join('\n'));
});

test('to-ssa: a continue is a predecessor of the loop header', () => {
  // x = 0; loop { x = x + 1; continue if (x < 3); x = x * 2; break }
  const s = build('registers', (b) => {
    const x = b.newReg();
    b.movTo(x, fconst(0));
    b.loop(() => {
      b.movTo(x, b.alu('fadd', [vreg(x), fconst(1)]));
      b.emit({ op: 'continue', dst: -1, src: [b.alu('fcmp', [vreg(x), fconst(3)], 'lt')] });
      b.movTo(x, b.alu('fmul', [vreg(x), fconst(2)]));
      b.emit({ op: 'break', dst: -1, src: [fconst(1)] });
    });
    out(b, vreg(x));
  });
  assert.equal(toSsa(s), true);
  assert.deepEqual(validate(s), []);
  const txt = body(s);
  // the end of the body is unreachable (unconditional break): no back-edge source
  assert.match(txt, /v\d+ = phi entry:v0, #0:v(\d+)\n/);
  assert.doesNotMatch(txt, /back:/);
  assert.match(txt, /\n {2}v\d+ = phi #1:v\d+\n {2}st_out/);
});

// lane l gets v_x = (l, l*0.5, 16-l, 1)
const input = { attribs: { a_x: (l: number) => [l, l * 0.5, 16 - l, 1] } };
function check(body: string, want: (l: number) => number[]): void {
  const outp = evalFS('', body, input);
  for (let l = 0; l < 16; l++) {
    const w = want(l);
    assert.ok(outp[l], `lane ${l} was discarded`);
    w.forEach((x, i) => assert.ok(close(outp[l]![i]!, x), `lane ${l} comp ${i}: got ${outp[l]![i]} want ${x}`));
  }
}

test('out of SSA: a loop rotating three variables with a lane-dependent exit (swap and lost-copy problems)', () => {
  const src = `
  float a = v_x.x, b = v_x.y, c = 1.0, prev = -1.0;
  for (int i = 0; i < 100; i++) {
    if (float(i) >= v_x.z) break;
    prev = a;
    float t = a; a = b; b = c; c = t;
  }
  r = vec4(a, b, c, prev);`;
  // the loop stays a loop (its exit depends on the lane)
  const fs = `precision highp float; varying vec4 v_x; void main() { vec4 r = vec4(0.0);${src}\n gl_FragColor = r; }`;
  const report = compileReport(fs, 'fragment', { passes: true }).text;
  assert.match(report, /IR after to-ssa\n[\s\S]*loop \{\n\s+v\d+ = phi entry:/);
  assert.match(report, /IR after from-ssa\n[\s\S]*loop \{/);
  check(src, (l) => {
    let a = l, b = l * 0.5, c = 1, prev = -1;
    for (let i = 0; i < 100; i++) { if (i >= 16 - l) break; prev = a; [a, b, c] = [b, c, a]; }
    return [a, b, c, prev];
  });
});

test('out of SSA: swapping at a lane-dependent continue changes only the continuing lanes', () => {
  const src = `
  float a = v_x.x, b = 100.0 + v_x.x, n = 0.0;
  for (int i = 0; i < 12; i++) {
    n += 1.0;
    if (mod(float(i), 2.0) == 0.0 && float(i) < v_x.x) { float t = a; a = b; b = t; continue; }
    a += 1.0;
    if (n > v_x.z) break;
  }
  r = vec4(a, b, n, 0.0);`;
  check(src, (l) => {
    let a = l, b = 100 + l, n = 0;
    for (let i = 0; i < 12; i++) {
      n += 1;
      if (i % 2 === 0 && i < l) { [a, b] = [b, a]; continue; }
      a += 1;
      if (n > 16 - l) break;
    }
    return [a, b, n, 0];
  });
});
