/**
 * The translated shader core must be indistinguishable from the reference
 * interpreter: random structured programs (ALU ops with modifiers, inline
 * constants, uniforms, special registers, if/else, loops with break/continue,
 * discard) run through both, and every register, the alive mask and all
 * outputs are compared bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OPS, OPCODE, TEX_MODE } from '../src/hwdesc/isa.js';
import { encode, resolveControlFlow, type Instr } from '../src/hwdesc/isa-codec.js';
import { decodeProgram, runWarp, Warp, LANES, type ShaderIO } from '../src/hw/shader-core.js';
import { translate } from '../src/hw/shader-jit.js';

const REGS = 8;
const aluOps = OPS.filter((o) => o.form === 'alu');

function src(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: 0, max: REGS - 1 }),                      // r0..r7
    fc.integer({ min: 0, max: 3 }).map((i) => (1 << 8) | i),     // u0..u3
    fc.integer({ min: 0, max: 31 }).map((i) => (6 << 8) | i),    // inline constants
    fc.constantFrom((5 << 8) | 0, (5 << 8) | 3),                // lane id, frag_x
  );
}

const aluInstr: fc.Arbitrary<Instr> = fc.record({
  op: fc.constantFrom(...aluOps.map((o) => o.name)),
  dst: fc.integer({ min: 0, max: REGS - 1 }), a: src(), b: src(), c: src(),
  nega: fc.integer({ min: 0, max: 1 }), absa: fc.integer({ min: 0, max: 1 }),
  negb: fc.integer({ min: 0, max: 1 }), sat: fc.integer({ min: 0, max: 1 }), cond: fc.integer({ min: 0, max: 5 }),
}).map(({ op, ...f }) => ({ op, f }));

type Block = Instr[];
const block: fc.Memo<Block> = fc.memo((depth) => {
  // ALU work and flat varying loads (bits that look like signalling NaNs must arrive unchanged)
  const flatLoad: fc.Arbitrary<Instr> = fc.record({ dst: fc.integer({ min: 0, max: REGS - 1 }), slot: fc.integer({ min: 8, max: 12 }) }).map((f) => ({ op: 'ld_vary_flat', f }));
  // texture instructions of every mode (fetch and size take integer operands, size gives integers), with and without offsets
  const texInstr: fc.Arbitrary<Instr> = fc.record({
    dst: fc.integer({ min: 0, max: REGS - 1 }), a: fc.integer({ min: 0, max: REGS - 1 }), b: src(), c: src(),
    sampler: fc.integer({ min: 0, max: 3 }), dim: fc.integer({ min: 0, max: 3 }), shadow: fc.integer({ min: 0, max: 1 }),
    cond: fc.integer({ min: 0, max: TEX_MODE.length - 1 }), offset: fc.integer({ min: 0, max: 1 }), int: fc.integer({ min: 0, max: 1 }),
  }).map((f) => ({ op: 'tex', f: f.cond === 3 ? { ...f, c: f.c & 255 } : f }));
  const leaf = fc.array(fc.oneof({ weight: 6, arbitrary: aluInstr }, { weight: 1, arbitrary: flatLoad }, { weight: 1, arbitrary: texInstr }), { minLength: 1, maxLength: 4 });
  if (depth <= 1) return leaf;
  return fc.oneof(
    leaf,
    fc.tuple(src(), block(depth - 1), block(depth - 1)).map(([c, t, e]) => [{ op: 'if', f: { a: c } }, ...t, { op: 'else', f: {} }, ...e, { op: 'endif', f: {} }]),
    fc.tuple(src(), src(), block(depth - 1)).map(([b, cont, body]) => [
      // a bounded loop: r7 counts iterations, break when it reaches 3 or on the random condition
      { op: 'movi', f: { dst: 7, imm32: 0 } },
      { op: 'loop', f: {} },
      { op: 'iadd', f: { dst: 7, a: 7, b: (6 << 8) | 1 } },
      { op: 'fcmp', f: { dst: 6, a: 7, b: (6 << 8) | 3, cond: 3 } },
      { op: 'break', f: { a: 6 } },
      { op: 'break', f: { a: b } },
      ...body,
      { op: 'continue', f: { a: cont } },
      { op: 'endloop', f: {} },
    ]),
    fc.tuple(src(), block(depth - 1)).map(([c, rest]) => [{ op: 'discard', f: { a: c } }, ...rest]),
  );
});

/** A texture unit's integer return: 32-bit words through an Int32Array over `out`, NaN-looking patterns among them. */
function intTexels(sampler: number, out: Float32Array): void {
  const words = new Int32Array(out.buffer, out.byteOffset, out.length);
  const edge = [0x7f800001, 0xffffffff, 0x7fffffff, 0x80000000, 0x7fc00001, 0xff800001];
  for (let l = 0; l < LANES; l++) for (let i = 0; i < 4; i++) words[l * 4 + i] = l < edge.length ? edge[(l + i + sampler) % edge.length]! : (l * 0x01010101 * (i + 1) + sampler) | 0;
}

function makeIo(outs: number[], texLog: unknown[] = []): ShaderIO {
  return {
    uniforms: Uint32Array.from([0x3f800000, 0xc0000000, 7, 0x7fc00000]),
    special: (l, w) => (w === 0 ? l : 0x40000000 + l * 0x100000),
    ldAttr: () => 0, stVary: (l, s, b) => outs.push(l, s, b), ldVary: () => 0, stOut: (l, r, c, b) => outs.push(l, r, c, b),
    // flat loads hand over bits exactly, signalling-NaN patterns included
    ldVaryFlat: (l, s) => (0x7f800001 + l * 0x1001 + s) >>> 0,
    tex: (sampler, dim, mode, mask, coords, lod, grads, out, offsets, int) => {
      const canon = (v: number) => (Number.isNaN(v) ? 'NaN' : v);
      texLog.push([sampler, dim, mode, mask, [...coords].map(canon), [...lod].map(canon), mode === 3 ? [...grads].map(canon) : null, offsets, int]);
      // an integer return (tex .int): words, signalling-NaN patterns among them, written through an Int32Array
      if (int) { intTexels(sampler, out); return; }
      // results the size mode truncates to integers: fractions, negatives, infinities and NaN
      const special = [Infinity, -Infinity, NaN, -1e10, 3e9];
      for (let l = 0; l < LANES; l++) for (let i = 0; i < 4; i++) out[l * 4 + i] = l === 5 ? special[i + (sampler & 1)]! : Math.fround((l - 8) * 1000.75 + i * 0.25 + sampler);
    },
    ldGlobal: () => 0, stGlobal: () => undefined,
  };
}

test('tex .int: the integer words reach the registers bit for bit in both executors (no NaN canonicalisation)', () => {
  fc.assert(fc.property(fc.record({
    dst: fc.integer({ min: 0, max: REGS - 4 }), a: fc.integer({ min: 0, max: REGS - 1 }), b: fc.integer({ min: 0, max: REGS - 1 }).map((r) => (6 << 8) | r),
    c: fc.integer({ min: 0, max: REGS - 1 }), sampler: fc.integer({ min: 0, max: 3 }), dim: fc.integer({ min: 0, max: 3 }), cond: fc.constantFrom(0, 1, 2, 3, 4),
  }), fc.array(fc.integer(), { minLength: REGS * LANES, maxLength: REGS * LANES }), (f, init) => {
    const ins: Instr[] = [{ op: 'tex', f: { ...f, int: 1 } }, { op: 'end', f: {} }];
    const words = new Uint32Array(ins.length * 2);
    ins.forEach((x, i) => { const [lo, hi] = encode(x); words[2 * i] = lo; words[2 * i + 1] = hi; });
    const code = decodeProgram(words);
    const w1 = new Warp(REGS), w2 = new Warp(REGS);
    w1.i32.set(init); w2.i32.set(init);
    runWarp(code, w1, makeIo([]), 100);
    translate(code, REGS)(w2, makeIo([]), 100);
    assert.deepEqual([...w2.u32], [...w1.u32]);
    const expect = new Float32Array(LANES * 4);
    intTexels(f.sampler, expect);
    const bits = new Uint32Array(expect.buffer);
    for (let l = 0; l < LANES; l++) for (let k = 0; k < 4; k++) assert.equal(w1.u32[(f.dst + k) * LANES + l], bits[l * 4 + k]);
  }), { numRuns: 300 });
});

test('translated warps match the interpreter on random structured programs', () => {
  fc.assert(fc.property(block(4), fc.array(fc.integer(), { minLength: REGS * LANES, maxLength: REGS * LANES }), (prog, init) => {
    // loops reuse r7/r6 as counters; keep the program's ALU ops away from them inside loops is not needed:
    // both executors see identical code, so any behaviour must simply agree.
    const ins = [...prog, { op: 'st_vary', f: { a: 0, slot: 8 } } as Instr, { op: 'end', f: {} } as Instr];
    resolveControlFlow(ins);
    const words = new Uint32Array(ins.length * 2);
    ins.forEach((x, i) => { const [lo, hi] = encode(x); words[2 * i] = lo; words[2 * i + 1] = hi; });
    const code = decodeProgram(words);
    const w1 = new Warp(REGS), w2 = new Warp(REGS);
    w1.i32.set(init); w2.i32.set(init);
    const o1: number[] = [], o2: number[] = [], t1: unknown[] = [], t2: unknown[] = [];
    let e1: string | null = null, e2: string | null = null;
    try { runWarp(code, w1, makeIo(o1, t1), 20000); } catch (e) { e1 = (e as Error).message; }
    try { translate(code, REGS)(w2, makeIo(o2, t2), 20000); } catch (e) { e2 = (e as Error).message; }
    assert.equal(e2 === null, e1 === null, `${e1} vs ${e2}`);
    if (e1) return;
    // NaN payloads and signs are not architectural (GLSL leaves them undefined): compare NaNs as NaN
    const canon = (w: Warp) => [...w.u32].map((b, i) => (Number.isNaN(w.f32[i]) ? 'NaN' : b));
    assert.deepEqual(canon(w2), canon(w1));
    assert.equal(w2.aliveOut, w1.aliveOut);
    const canonOut = (o: number[]) => o.map((b) => (Number.isNaN(new Float32Array(new Uint32Array([b]).buffer)[0]) ? 'NaN' : b));
    assert.deepEqual(canonOut(o2), canonOut(o1));
    assert.deepEqual(t2, t1, 'texture requests');
  }), { numRuns: 300 });
  void OPCODE;
});
