/**
 * The WebAssembly SIMD translation of the shader core (shader-wasm.ts) must
 * be indistinguishable from the reference interpreter (shader-core.ts
 * runWarp): every register of every lane, the alive mask, and every I/O
 * request (outputs, varyings, texture requests with their coordinates and
 * masks, global loads and stores with their addresses) are compared bit for
 * bit. NaN payloads and signs are not architectural (GLSL leaves them
 * undefined), so NaNs compare as NaN. The transcendental built-ins call the
 * same JavaScript Math functions as the interpreter, so they are bit-exact
 * too (no error bound needed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OPS, TEX_MODE } from '../src/hwdesc/isa.js';
import { encode, resolveControlFlow, type Instr } from '../src/hwdesc/isa-codec.js';
import { decodeProgram, runWarp, Warp, LANES, ShaderExecError, TEX_FETCH, TEX_SIZE, type ShaderIO } from '../src/hw/shader-core.js';
import { compileWasm, wasmWarp } from '../src/hw/shader-wasm.js';
import { PhysicalMemory } from '../src/hw/memory.js';
import { ATTRIB_FETCH, VERTEX_OUT_MAX_WORDS } from '../src/hwdesc/corelocal.js';

const REGS = 12;
const mem = PhysicalMemory.create(1 << 20);
const aluOps = OPS.filter((o) => o.form === 'alu').map((o) => o.name);

const f2b = (f: number) => new Uint32Array(new Float32Array([f]).buffer)[0]!;
const b2f = (b: number) => new Float32Array(new Uint32Array([b]).buffer)[0]!;
const isNaNBits = (b: number) => Number.isNaN(b2f(b));

/** register contents that find the edges: signed zeros, infinities, NaN, denormals, integer extremes, ordinary values */
const SPECIAL_BITS = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x00000001, 0x807fffff, 0x7fffffff, 0x80000001,
  0xffffffff, 1, 2, 31, 32, 33, f2b(0.5), f2b(-0.5), f2b(1.5), f2b(2.5), f2b(-2.5), f2b(1), f2b(-1), f2b(3e9), f2b(-3e9), f2b(1e-40), f2b(0.999999)];
const laneBits = fc.oneof(fc.constantFrom(...SPECIAL_BITS), fc.integer().map((v) => v >>> 0),
  fc.float({ noDefaultInfinity: false }).map(f2b), fc.integer({ min: -40, max: 40 }).map((v) => v >>> 0));

function src(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: REGS - 1 }) },       // r0..r11
    { weight: 1, arbitrary: fc.integer({ min: REGS, max: REGS + 2 }) },    // beyond the allocation: reads 0
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 5 }).map((i) => (1 << 8) | i) }, // u0..u5
    { weight: 1, arbitrary: fc.constant((2 << 8) | 3) },                 // u259: beyond the buffer, reads 0
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 31 }).map((i) => (6 << 8) | i) }, // inline constants
    { weight: 1, arbitrary: fc.constantFrom((5 << 8) | 0, (5 << 8) | 3, (5 << 8) | 4) }, // lane id, frag_x, frag_y
  );
}
const bit = fc.integer({ min: 0, max: 1 });
const dstReg = fc.integer({ min: 0, max: REGS - 1 });
/*
 * NaN payloads are not architectural, but an integer op can read a NaN's bits.
 * So registers are split: float results (whose NaNs may differ in payload) go to
 * r0..r5, integer results to r6..r9 (r10/r11 count loop iterations), and what
 * reads bits as an integer (integer ops, indices, addresses, st_r values) reads
 * only r6..r11 and non-register sources. Conditions (bits != 0) and f2i/f2u
 * (NaN gives 0) read anything.
 */
const floatDst = fc.integer({ min: 0, max: 5 });
const intDst = fc.integer({ min: 6, max: 9 });
function intSrc(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 6, max: REGS - 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: REGS, max: REGS + 2 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 5 }).map((i) => (1 << 8) | i) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 31 }).map((i) => (6 << 8) | i) },
    { weight: 1, arbitrary: fc.constantFrom((5 << 8) | 0, (5 << 8) | 3) },
  );
}

const aluInstr: fc.Arbitrary<Instr> = fc.constantFrom(...aluOps).chain((op) => {
  const type = OPS.find((o) => o.name === op)!.type;
  const intOp = type !== 'f';
  return fc.record({
    dst: op === 'f2i' || op === 'f2u' ? fc.integer({ min: 0, max: 9 }) : intOp ? intDst : floatDst,
    a: intOp ? intSrc() : src(), b: intOp ? intSrc() : src(), c: src(),
    nega: bit, absa: bit, negb: bit, absb: bit, negc: bit, absc: bit, sat: bit, cond: fc.integer({ min: 0, max: 7 }),
  }).map((f) => ({ op, f }));
});

const ioInstr: fc.Arbitrary<Instr> = fc.oneof(
  fc.record({ dst: dstReg, imm32: fc.integer().map((v) => v >>> 0) }).map((f) => ({ op: 'movi', f })),
  fc.record({ dst: dstReg, slot: fc.integer({ min: 0, max: 31 }), comp: fc.integer({ min: 0, max: 3 }) }).map((f) => ({ op: 'ld_attr', f })),
  fc.record({ dst: dstReg, slot: fc.integer({ min: 8, max: 12 }) }).map((f) => ({ op: 'ld_vary', f })),
  fc.record({ dst: dstReg, slot: fc.integer({ min: 8, max: 12 }) }).map((f) => ({ op: 'ld_vary_flat', f })),
  fc.record({ a: src(), slot: fc.integer({ min: 0, max: 12 }) }).map((f) => ({ op: 'st_vary', f })),
  fc.record({ a: src(), slot: fc.constantFrom(0, 1, 15), comp: fc.integer({ min: 0, max: 3 }) }).map((f) => ({ op: 'st_out', f })),
  fc.record({
    dst: fc.integer({ min: 0, max: REGS - 2 }), a: fc.integer({ min: 0, max: REGS - 1 }), b: src(), c: fc.integer({ min: 0, max: REGS - 1 }),
    sampler: fc.integer({ min: 0, max: 3 }), dim: fc.integer({ min: 0, max: 3 }), shadow: bit, cond: fc.integer({ min: 0, max: TEX_MODE.length - 1 }), offset: bit, int: bit,
  }).map((f) => ({ op: 'tex', f })),
  fc.record({ dst: dstReg, a: intSrc(), base: fc.integer({ min: 0, max: 12 }) }).map((f) => ({ op: 'ld_u', f })),
  fc.record({ dst: dstReg, a: fc.integer({ min: 6, max: REGS - 2 }), base: fc.integer({ min: -64, max: 64 }) }).map((f) => ({ op: 'ld_g', f })),
  fc.record({ a: fc.integer({ min: 6, max: REGS - 2 }), b: src(), base: fc.integer({ min: -64, max: 64 }) }).map((f) => ({ op: 'st_g', f })),
);
const indirectInstr: fc.Arbitrary<Instr> = fc.oneof(
  fc.record({ dst: floatDst, a: intSrc(), base: fc.integer({ min: 0, max: 14 }) }).map((f) => ({ op: 'ld_r', f })),
  fc.record({ a: intSrc(), b: intSrc(), base: fc.integer({ min: 0, max: 14 }) }).map((f) => ({ op: 'st_r', f })),
);

type Block = Instr[];
function blocks(leafInstr: fc.Arbitrary<Instr>): fc.Memo<Block> {
  const block: fc.Memo<Block> = fc.memo((depth) => {
    const leaf = fc.array(leafInstr, { minLength: 1, maxLength: 5 });
    if (depth <= 1) return leaf;
    return fc.oneof(
      leaf,
      fc.tuple(leaf, block(depth - 1)).map(([a, b]) => [...a, ...b]),
      fc.tuple(src(), block(depth - 1), block(depth - 1)).map(([c, t, e]) => [{ op: 'if', f: { a: c } }, ...t, { op: 'else', f: {} }, ...e, { op: 'endif', f: {} }]),
      fc.tuple(src(), block(depth - 1)).map(([c, t]) => [{ op: 'if', f: { a: c } }, ...t, { op: 'endif', f: {} }]),
      fc.tuple(src(), src(), block(depth - 1), fc.integer({ min: 1, max: 4 })).map(([b, cont, body, n]) => [
        // a bounded loop: r11 counts iterations (the body may clobber it: then the budget ends it)
        { op: 'movi', f: { dst: 11, imm32: 0 } },
        { op: 'loop', f: {} },
        { op: 'iadd', f: { dst: 11, a: 11, b: (6 << 8) | 1 } },
        { op: 'icmp', f: { dst: 10, a: 11, b: (6 << 8) | n, cond: 3 } },
        { op: 'break', f: { a: 10 } },
        { op: 'break', f: { a: b } },
        ...body,
        { op: 'continue', f: { a: cont } },
        { op: 'endloop', f: {} },
      ]),
      fc.tuple(src(), block(depth - 1)).map(([c, rest]) => [{ op: 'discard', f: { a: c } }, ...rest]),
      fc.tuple(src(), block(depth - 1)).map(([c, rest]) => [{ op: 'if', f: { a: c } }, { op: 'end', f: {} }, { op: 'endif', f: {} }, ...rest]),
    );
  });
  return block;
}

/** A texture unit's integer return (tex .int): 32-bit words through an Int32Array over `out`, NaN-looking patterns among them. */
function intTexels(sampler: number, out: Float32Array): void {
  const words = new Int32Array(out.buffer, out.byteOffset, out.length);
  const edge = [0x7f800001, 0xffffffff, 0x7fffffff, 0x80000000, 0x7fc00001, 0xff800001];
  for (let l = 0; l < LANES; l++) for (let i = 0; i < 4; i++) words[l * 4 + i] = l < edge.length ? edge[(l + i + sampler) % edge.length]! : (l * 0x01010101 * (i + 1) + sampler) | 0;
}

/** An I/O port whose answers depend on their arguments only, recording every request. */
function makeIo(log: unknown[]): ShaderIO {
  return {
    uniforms: Uint32Array.from([f2b(1), f2b(-2), 7, 0x7fc00000, 3, 0xffffffff, f2b(0.25), 9, 10, 11, 12, 13]),
    special: (l, w) => (w === 0 ? l : f2b(l * 1.25 + w)),
    ldAttr: (l, s, c) => f2b(l * 0.5 - s + c * 100),
    stVary: (l, s, b) => { log.push(['vary', l, s, isNaNBits(b) ? 'NaN' : b]); },
    ldVary: (l, s) => Math.fround(l / 3 + s),
    // flat loads hand over bits exactly: signalling-NaN patterns (0x7f800001..) and integers
    ldVaryFlat: (l, s) => (l & 1 ? 0x7f800001 + l * 0x1001 + s : 0xffff0000 + l * 7 + s) >>> 0,
    stOut: (l, r, c, b) => { log.push(['out', l, r, c, isNaNBits(b) ? 'NaN' : b]); },
    tex: (sampler, dim, mode, mask, coords, lod, grads, out, offsets, int) => {
      const canon = (v: number) => (Number.isNaN(v) ? 'NaN' : v);
      log.push(['tex', sampler, dim, mode, mask, [...coords].map(canon), [...lod].map(canon), mode === 3 ? [...grads].map(canon) : null, offsets, int]);
      // an integer return: words that look like signalling NaNs and integer extremes must arrive unchanged
      if (int) { intTexels(sampler, out); return; }
      // results the size mode truncates to integers: fractions, negatives, infinities and NaN
      const special = [Infinity, -Infinity, NaN, -1e10, 3e9];
      for (let l = 0; l < LANES; l++) for (let i = 0; i < 4; i++) out[l * 4 + i] = l === 5 ? special[i + (sampler & 1)]! : Math.fround((l - 8) * 1000.75 + i * 0.25 + sampler);
    },
    ldGlobal: (va) => { log.push(['ldg', va]); return (va * 7) >>> 0; },
    stGlobal: (va, v) => { log.push(['stg', va, isNaNBits(v) ? 'NaN' : v]); },
  };
}

function assemble(prog: Instr[]): Uint32Array {
  const ins = [...prog, { op: 'end', f: {} } as Instr];
  resolveControlFlow(ins);
  const words = new Uint32Array(ins.length * 2);
  ins.forEach((x, i) => { const [lo, hi] = encode(x); words[2 * i] = lo; words[2 * i + 1] = hi; });
  return words;
}

/** runs both executors on the same program and initial registers and compares everything */
function agree(prog: Instr[], init: number[], laneMask: number, maxSteps = 5000): void {
  const code = decodeProgram(assemble(prog));
  const w1 = new Warp(REGS), w2 = new Warp(REGS);
  w1.u32.set(init); w2.u32.set(init);
  w1.mask = w2.mask = laneMask;
  const o1: unknown[] = [], o2: unknown[] = [];
  let e1: string | null = null, e2: string | null = null;
  let s1 = 0, s2 = 0;
  try { s1 = runWarp(code, w1, makeIo(o1), maxSteps); } catch (e) { e1 = e instanceof ShaderExecError ? 'exec' : String(e); }
  try { s2 = wasmWarp(compileWasm(code, REGS), REGS, mem)(w2, makeIo(o2), maxSteps); } catch (e) { e2 = e instanceof ShaderExecError ? 'exec' : String(e); }
  assert.equal(e2, e1);
  if (e1) return;
  const canon = (w: Warp) => [...w.u32].map((b) => (isNaNBits(b) ? 'NaN' : b));
  assert.deepEqual(canon(w2), canon(w1));
  assert.equal(w2.aliveOut, w1.aliveOut);
  // NaN payloads and signs are not architectural (shader-wasm.ts): the translated code propagates an
  // operand's NaN bits where the interpreter makes JavaScript's NaN. fetch and size read their operands
  // as integers, so after any float arithmetic their operands are those bits: compare those requests
  // without their operands (the results the texture unit hands back are compared above, bit for bit).
  if (prog.some((x) => x.op === 'tex' && (x.f.cond === TEX_FETCH || x.f.cond === TEX_SIZE)) && prog.some((x) => /^(f|i2f|u2f|h2f)/.test(x.op))) {
    const blind = (o: unknown[]) => o.map((e) => (Array.isArray(e) && e[0] === 'tex' && (e[3] === TEX_FETCH || e[3] === TEX_SIZE) ? [...e.slice(0, 5), ...e.slice(7)] : e));
    assert.deepEqual(blind(o2), blind(o1));
  } else assert.deepEqual(o2, o1);
  assert.ok(s1 > 0 && s2 > 0);
}

const regsInit = fc.array(laneBits, { minLength: REGS * LANES, maxLength: REGS * LANES });
const warpMask = fc.oneof(fc.constant(0xffff), fc.integer({ min: 1, max: 0xffff }));

test('every ALU instruction form (op x modifiers x source kinds x cond) agrees with the interpreter, edge values included', () => {
  fc.assert(fc.property(fc.array(aluInstr, { minLength: 1, maxLength: 3 }), regsInit, warpMask, (prog, init, mask) => agree(prog, init, mask)), { numRuns: 800 });
});

test('each ALU op on its own, with each modifier, on edge values', () => {
  for (const op of aluOps) {
    for (const mods of [0, 1, 2, 4, 8, 16]) {
      fc.assert(fc.property(regsInit, src(), src(), src(), fc.integer({ min: 0, max: 5 }), (init, a, b, c, cond) => {
        const f = { dst: 3, a, b, c, cond, nega: mods & 1, absa: (mods >> 1) & 1, negb: (mods >> 2) & 1, sat: (mods >> 3) & 1, absc: (mods >> 4) & 1 };
        agree([{ op, f }], init, 0xffff);
      }), { numRuns: 8 });
    }
  }
});

test('I/O instructions (attributes, varyings, outputs, texture modes, uniforms, global memory) agree', () => {
  fc.assert(fc.property(fc.array(fc.oneof(ioInstr, aluInstr), { minLength: 1, maxLength: 8 }), regsInit, warpMask, (prog, init, mask) => agree(prog, init, mask)), { numRuns: 200 });
});

test('random structured programs (if/else, loops with break/continue, discard, end) agree', () => {
  fc.assert(fc.property(blocks(fc.oneof({ weight: 4, arbitrary: aluInstr }, { weight: 1, arbitrary: ioInstr }))(4), regsInit, warpMask,
    (prog, init, mask) => agree(prog, init, mask)), { numRuns: 200 });
});

test('programs indexing their registers (ld_r/st_r: the register file in local memory) agree', () => {
  fc.assert(fc.property(blocks(fc.oneof(aluInstr, indirectInstr, ioInstr))(3), regsInit, warpMask, (prog, init, mask) => agree(prog, init, mask)), { numRuns: 200 });
});

test('tex .int: the texture unit\'s integer words reach the registers bit for bit (no NaN canonicalisation), every mode and dim', () => {
  fc.assert(fc.property(fc.record({
    dst: fc.integer({ min: 0, max: REGS - 4 }), a: fc.integer({ min: 0, max: REGS - 1 }), b: src(), c: fc.integer({ min: 0, max: REGS - 1 }),
    sampler: fc.integer({ min: 0, max: 3 }), dim: fc.integer({ min: 0, max: 3 }), cond: fc.constantFrom(0, 1, 2, 3, TEX_FETCH),
  }), regsInit, warpMask, (f, init, mask) => {
    const code = decodeProgram(assemble([{ op: 'tex', f: { ...f, int: 1 } }]));
    const w1 = new Warp(REGS), w2 = new Warp(REGS);
    w1.u32.set(init); w2.u32.set(init);
    w1.mask = w2.mask = mask;
    runWarp(code, w1, makeIo([]), 100);
    wasmWarp(compileWasm(code, REGS), REGS, mem)(w2, makeIo([]), 100);
    // exact words: the destinations of the active lanes hold the unit's words, the rest are untouched
    assert.deepEqual([...w2.u32], [...w1.u32]);
    const expect = new Float32Array(LANES * 4);
    intTexels(f.sampler, expect);
    const words = new Uint32Array(expect.buffer);
    for (let l = 0; l < LANES; l++) if (mask >> l & 1) for (let k = 0; k < 4; k++) assert.equal(w1.u32[(f.dst + k) * LANES + l], words[l * 4 + k]);
  }), { numRuns: 300 });
});

test('a runaway loop ends with the same error in both', () => {
  const prog: Instr[] = [{ op: 'loop', f: {} }, { op: 'fadd', f: { dst: 0, a: 0, b: (6 << 8) | 1 } }, { op: 'endloop', f: {} }];
  agree(prog, new Array(REGS * LANES).fill(0), 0xffff, 1000);
  const w = new Warp(REGS);
  assert.throws(() => wasmWarp(compileWasm(decodeProgram(assemble(prog)), REGS), REGS, mem)(w, makeIo([]), 1000), /exceeded 1000 instructions/);
});

test('a fault raised by the I/O unit leaves the translated code with its address', () => {
  class Fault extends Error { constructor(readonly addr: number) { super(`fault at ${addr}`); } }
  const prog: Instr[] = [{ op: 'movi', f: { dst: 0, imm32: 0xdead0000 } }, { op: 'movi', f: { dst: 1, imm32: 0 } }, { op: 'ld_g', f: { dst: 2, a: 0, base: 8 } }];
  const io = { ...makeIo([]), ldGlobal: (va: number) => { throw new Fault(va); } };
  const w = new Warp(REGS);
  assert.throws(() => wasmWarp(compileWasm(decodeProgram(assemble(prog)), REGS), REGS, mem)(w, io, 1000), (e: unknown) => e instanceof Fault && e.addr === 0xdead0008);
});

// ---- the vertex unit: attribute loads and output stores without the I/O unit -------------------

/** attribute data for the fetch blocks: words no float arithmetic touches (signalling-NaN patterns included) */
const ATTR_PA = 0x40000;
for (let i = 0; i < 1024; i++) mem.u32[ATTR_PA / 4 + i] = (i & 7) === 5 ? 0x7f800001 + i : Math.imul(i + 1, 2654435761) >>> 0;

const fetchBlock = fc.record({
  components: fc.integer({ min: 0, max: 4 }),
  pa: fc.integer({ min: 0, max: 64 }),
  stride: fc.constantFrom(0, 4, 8, 12, 20, 6, 1 << 20),
  limit: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 300, max: 3000 })),
});
/** lane vertex indices: small ones, and ones no u32 holds (negative after base_vertex, past 2^32 - 1) */
const laneIds = fc.array(fc.oneof({ weight: 16, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, -7, 2 ** 32 - 1, 2 ** 32, 2 ** 33 + 3, 1e9) }),
  { minLength: LANES, maxLength: LANES });

test('ld_attr through the vertex fetch unit\'s blocks (ATTRIB_FETCH) loads what the I/O unit would, lane for lane, and leaves the rest (and its faults) to it', () => {
  class Fault extends Error {}
  const blocks = fc.array(fetchBlock, { minLength: 4, maxLength: 4 });
  const loads = fc.array(fc.record({ dst: dstReg, slot: fc.integer({ min: 0, max: 5 }), comp: fc.integer({ min: 0, max: 3 }) }).map((f) => ({ op: 'ld_attr', f } as Instr)), { minLength: 1, maxLength: 6 });
  fc.assert(fc.property(blocks, laneIds, fc.array(fc.oneof(ioInstrNoAttr(), loads.map((l) => l[0]!)), { minLength: 1, maxLength: 8 }), warpMask, fc.boolean(),
    (bl, ids, prog, mask, faults) => {
      // what ATTRIB_FETCH says a block serves, worked out here from its fields; the I/O unit answers the rest
      // (robust access, missing components: any answer will do for the comparison, or a fault)
      const ldAttr = (l: number, s: number, c: number): number => {
        const b = bl[s];
        if (b && c < b.components) {
          const off = ids[l]! * b.stride + 4 * c;
          if (off >= 0 && off <= b.limit) return mem.dv.getUint32(ATTR_PA + b.pa + off, true);
        }
        if (faults) throw new Fault(`lane ${l} slot ${s} comp ${c}`);
        return (0xabad0000 + l * 16 + s * 4 + c) >>> 0;
      };
      const words = new Uint32Array(ATTRIB_FETCH.slots * ATTRIB_FETCH.bytes / 4);
      bl.forEach((b, s) => {
        const w = s * ATTRIB_FETCH.bytes / 4;
        words[w + ATTRIB_FETCH.components / 4] = b.components; words[w + ATTRIB_FETCH.pa / 4] = ATTR_PA + b.pa;
        words[w + ATTRIB_FETCH.stride / 4] = b.stride; words[w + ATTRIB_FETCH.limit / 4] = b.limit;
      });
      const code = decodeProgram(assemble(prog));
      const w1 = new Warp(REGS), w2 = new Warp(REGS);
      w1.mask = w2.mask = mask;
      let e1 = '', e2 = '';
      try { runWarp(code, w1, { ...makeIo([]), ldAttr }, 5000); } catch (e) { e1 = String(e); }
      const io2: ShaderIO = { ...makeIo([]), ldAttr, attribFetch: words, laneVertex: Float64Array.from(ids) };
      try { wasmWarp(compileWasm(code, REGS), REGS, mem)(w2, io2, 5000); } catch (e) { e2 = String(e); }
      assert.equal(e2, e1);
      if (!e1) assert.deepEqual([...w2.u32].map((b) => (isNaNBits(b) ? 'NaN' : b)), [...w1.u32].map((b) => (isNaNBits(b) ? 'NaN' : b)));
    }), { numRuns: 300 });
});

/** I/O and ALU instructions other than ld_attr, whose I/O answers depend on their arguments only */
function ioInstrNoAttr(): fc.Arbitrary<Instr> {
  return fc.oneof(aluInstr, fc.record({ dst: dstReg, imm32: fc.integer().map((v) => v >>> 0) }).map((f) => ({ op: 'movi', f } as Instr)));
}

test('st_vary into the vertex unit\'s outputs (CORE_LOCAL.vertexOut) stores what the I/O unit\'s stVary would: positions, point size, the draw\'s varyings, others dropped', () => {
  const ONE_BITS = f2b(1);
  const store = fc.record({ a: src(), slot: fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 200) }).map((f) => ({ op: 'st_vary', f } as Instr));
  fc.assert(fc.property(blocks(fc.oneof({ weight: 3, arbitrary: aluInstr }, { weight: 2, arbitrary: store }))(3), regsInit,
    fc.oneof(fc.constant(LANES), fc.integer({ min: 1, max: LANES })), fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 1, 3, 5, 253),
    (prog, init, lanes, first, varyings) => {
      const words = 4 + varyings, n = first + lanes;
      const fresh = () => {
        const s = new Uint32Array(n * words);
        for (let v = 0; v < n; v++) s[v * words + 3] = ONE_BITS;
        return { store: s, psize: new Uint32Array(n).fill(ONE_BITS) };
      };
      const ref = fresh(), got = fresh();
      // the I/O unit's stVary (src/hw/tiler.ts): clip position, point size, varyings 0..varyings-1; other slots dropped
      const stVary = (o: { store: Uint32Array; psize: Uint32Array }) => (l: number, s: number, bits: number) => {
        const v = first + l;
        if (s < 4) o.store[v * words + s] = bits;
        else if (s === 4) o.psize[v] = bits;
        else if (s >= 8 && s - 8 < varyings) o.store[v * words + 4 + s - 8] = bits;
      };
      const code = decodeProgram(assemble(prog));
      const w1 = new Warp(REGS), w2 = new Warp(REGS);
      w1.u32.set(init); w2.u32.set(init);
      w1.mask = w2.mask = (1 << lanes) - 1;
      let e1 = '', e2 = '';
      try { runWarp(code, w1, { ...makeIo([]), stVary: stVary(ref) }, 5000); } catch (e) { e1 = e instanceof ShaderExecError ? 'exec' : String(e); }
      // the core stores only through local memory while the outputs fit there (VERTEX_OUT_MAX_WORDS), else through stVary
      const io2: ShaderIO = {
        ...makeIo([]), stVary: words <= VERTEX_OUT_MAX_WORDS ? () => { throw new Error('stVary called'); } : stVary(got),
        vertexOut: { store: got.store, psize: got.psize, words, varyings, first, lanes },
      };
      try { wasmWarp(compileWasm(code, REGS), REGS, mem)(w2, io2, 5000); } catch (e) { e2 = e instanceof ShaderExecError ? 'exec' : String(e); }
      assert.equal(e2, e1);
      if (e1) return;
      const canon = (a: Uint32Array) => [...a].map((b) => (isNaNBits(b) ? 'NaN' : b));
      assert.deepEqual(canon(got.store), canon(ref.store));
      assert.deepEqual(canon(got.psize), canon(ref.psize));
      assert.deepEqual(canon(w2.u32), canon(w1.u32));
    }), { numRuns: 300 });
});
