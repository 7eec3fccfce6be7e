/**
 * The shader core's integer and half-float instructions (the GLSL ES 3.00
 * integer operator set) against exact arithmetic, on every execution path:
 * the interpreter (shader-core.ts), the JavaScript translation
 * (shader-jit.ts) and the WebAssembly translation (shader-wasm.ts).
 *
 * The expected values come from BigInt arithmetic reduced to 32 bits (the
 * two's complement wrap GLSL ES 3.00 §4.1.3 requires of highp int/uint), with
 * division by zero as isa.ts defines it: quotient 0, remainder the dividend.
 * Half floats are checked against the rounding rule itself (nearest
 * representable half, ties to the even significand) computed in doubles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encode, resolveControlFlow, type Instr } from '../src/hwdesc/isa-codec.js';
import { COND } from '../src/hwdesc/isa.js';
import { decodeProgram, runWarp, Warp, LANES, type ShaderIO } from '../src/hw/shader-core.js';
import { translate } from '../src/hw/shader-jit.js';
import { compileWasm, wasmWarp } from '../src/hw/shader-wasm.js';
import { PhysicalMemory } from '../src/hw/memory.js';
import { bitsToF32, f16BitsToF32Bits, f32BitsToF16Bits, f32ToBits } from '../src/base/bits.js';

const REGS = 4;
const mem = PhysicalMemory.create(1 << 20);
const io: ShaderIO = {
  uniforms: new Uint32Array(4), special: () => 0, ldAttr: () => 0, stVary: () => {}, ldVary: () => 0, ldVaryFlat: () => 0, stOut: () => {},
  tex: () => {}, ldGlobal: () => 0, stGlobal: () => {},
};

function assemble(prog: Instr[]): Uint32Array {
  const ins = [...prog, { op: 'end', f: {} } as Instr];
  resolveControlFlow(ins);
  const words = new Uint32Array(ins.length * 2);
  ins.forEach((x, i) => { const [lo, hi] = encode(x); words[2 * i] = lo; words[2 * i + 1] = hi; });
  return words;
}

/** r2 = op(r0, r1) for 16 lanes of operands, on each path: the three results (as uint32 per lane) */
function run3(op: string, a: readonly number[], b: readonly number[], cond = 0): number[][] {
  const code = decodeProgram(assemble([{ op, f: { dst: 2, a: 0, b: 1, cond } }]));
  const paths = [
    (w: Warp) => runWarp(code, w, io, 100),
    (w: Warp) => translate(code, REGS)(w, io, 100),
    (w: Warp) => wasmWarp(compileWasm(code, REGS), REGS, mem)(w, io, 100),
  ];
  return paths.map((p) => {
    const w = new Warp(REGS);
    for (let l = 0; l < LANES; l++) { w.u32[l] = a[l]! >>> 0; w.u32[LANES + l] = b[l]! >>> 0; }
    p(w);
    return [...w.u32.subarray(2 * LANES, 3 * LANES)];
  });
}

const s32 = (x: bigint): number => Number(BigInt.asIntN(32, x)) >>> 0;
const u32 = (x: bigint): number => Number(BigInt.asUintN(32, x));
const I = (x: number): bigint => BigInt(x | 0);
const U = (x: number): bigint => BigInt(x >>> 0);

/** the exact meaning of each integer op (operands are the raw 32-bit lane values) */
const EXACT: Record<string, (a: number, b: number) => number> = {
  iadd: (a, b) => s32(I(a) + I(b)),
  isub: (a, b) => s32(I(a) - I(b)),
  imul: (a, b) => s32(I(a) * I(b)),
  idiv: (a, b) => (I(b) === 0n ? 0 : s32(I(a) / I(b))),           // BigInt division truncates; INT_MIN / -1 wraps
  irem: (a, b) => (I(b) === 0n ? a >>> 0 : s32(I(a) % I(b))),     // sign of the dividend, as C and GLSL's % on ints
  udiv: (a, b) => (U(b) === 0n ? 0 : u32(U(a) / U(b))),
  umod: (a, b) => (U(b) === 0n ? a >>> 0 : u32(U(a) % U(b))),
  imin: (a, b) => ((a | 0) < (b | 0) ? a : b) >>> 0,
  imax: (a, b) => ((a | 0) > (b | 0) ? a : b) >>> 0,
  umin: (a, b) => Math.min(a >>> 0, b >>> 0),
  umax: (a, b) => Math.max(a >>> 0, b >>> 0),
  and: (a, b) => u32(U(a) & U(b)),
  or: (a, b) => u32(U(a) | U(b)),
  xor: (a, b) => u32(U(a) ^ U(b)),
  not: (a) => u32(~U(a)),
  shl: (a, b) => u32(U(a) << BigInt(b & 31)),
  shr: (a, b) => u32(U(a) >> BigInt(b & 31)),
  asr: (a, b) => s32(I(a) >> BigInt(b & 31)),
  i2f: (a) => f32ToBits(Number(I(a))),   // Float32Array rounds to nearest even, as the hardware converts
  u2f: (a) => f32ToBits(Number(U(a))),
};

const EDGE = [0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 0x7fffffff, -0x80000000, 0x80000001, 0xfffffffe, 0x10000, 0xffff, 16777217];
const word = fc.oneof(fc.constantFrom(...EDGE), fc.integer(), fc.integer({ min: -300, max: 300 }), fc.nat().map((x) => x >>> 0));
const lanes = fc.array(word, { minLength: LANES, maxLength: LANES });

for (const [op, f] of Object.entries(EXACT)) {
  test(`${op} equals exact 32-bit arithmetic on the interpreter, the JS and the wasm translation`, () => {
    fc.assert(fc.property(lanes, lanes, (a, b) => {
      const want = a.map((x, l) => f(x, b[l]!));
      for (const got of run3(op, a, b)) assert.deepEqual(got, want);
    }), { numRuns: 60 });
  });
}

test('division by zero gives the defined results (quotient 0, remainder the dividend) on every path', () => {
  const a = [5, -5, 0, 0x7fffffff, -0x80000000, 1, 0xffffffff, 9, 5, -7, 7, -7, -0x80000000, 3, 4, 5];
  const b = [0, 0, 0, 0, 0, 0, 0, 0, 3, 3, -3, -3, -1, 0, 0, 0];
  for (const got of run3('idiv', a, b)) assert.deepEqual(got.slice(8, 13).map((x) => x | 0), [1, -2, -2, 2, -0x80000000]);
  for (const got of run3('irem', a, b)) assert.deepEqual(got.map((x) => x | 0), [5, -5, 0, 0x7fffffff, -0x80000000, 1, -1, 9, 2, -1, 1, -1, 0, 3, 4, 5]);
  for (const got of run3('umod', a, b)) assert.deepEqual(got.slice(0, 8), a.slice(0, 8).map((x) => x >>> 0));
  for (const got of run3('udiv', a, b)) assert.deepEqual(got.slice(0, 8), [0, 0, 0, 0, 0, 0, 0, 0]);
});

test('icmp and ucmp order signed and unsigned as exact comparison does, every condition, every path', () => {
  const rel = [(x: bigint, y: bigint) => x === y, (x: bigint, y: bigint) => x !== y, (x: bigint, y: bigint) => x < y,
    (x: bigint, y: bigint) => x >= y, (x: bigint, y: bigint) => x <= y, (x: bigint, y: bigint) => x > y];
  fc.assert(fc.property(lanes, lanes, fc.integer({ min: 0, max: COND.length - 1 }), (a, b, cond) => {
    for (const [op, conv] of [['icmp', I], ['ucmp', U]] as const) {
      const want = a.map((x, l) => (rel[cond]!(conv(x), conv(b[l]!)) ? 1 : 0));
      for (const got of run3(op, a, b, cond)) assert.deepEqual(got, want);
    }
  }), { numRuns: 60 });
});

/** the half nearest to the float `v`, ties to the even significand, overflow to infinity (IEEE 754 roundTiesToEven) */
function nearestHalf(v: number): number {
  if (Number.isNaN(v) || !Number.isFinite(v)) return v;
  const a = Math.abs(v);
  // spacing of halves near a: 2^(e - 10) in the binade [2^e, 2^(e+1)), never below the subnormal step 2^-24
  const e = a === 0 ? -24 : Math.max(-14, Math.floor(Math.log2(a)));
  const ulp = 2 ** (e - 10);
  const q = a / ulp; // exact: a is a float, ulp a power of two
  const fl = Math.floor(q), frac = q - fl;
  const r = (frac > 0.5 || (frac === 0.5 && fl % 2 === 1) ? fl + 1 : fl) * ulp;
  // 65520 is half-way between 65504 (the largest half) and 65536: it and above round to infinity
  const mag = r >= 65520 || a >= 65520 ? Infinity : r;
  return v < 0 || Object.is(v, -0) ? -mag : mag;
}

test('f2h rounds to the nearest half (ties to even) and h2f reads it back exactly, on every path', () => {
  const known: Array<[number, number]> = [[1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65519.99, 0x7bff], [65520, 0x7c00], [1e9, 0x7c00],
    [2 ** -24, 0x0001], [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002], [2 ** -14, 0x0400], [0.1, 0x2e66], [-0, 0x8000], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02]];
  for (const [v, h] of known) assert.equal(f32BitsToF16Bits(f32ToBits(v)), h, `f2h(${v})`);
  const floats = fc.oneof(fc.float(), fc.float({ min: -70000, max: 70000 }), fc.float({ min: Math.fround(-1e-4), max: Math.fround(1e-4) }));
  fc.assert(fc.property(fc.array(floats, { minLength: LANES, maxLength: LANES }), (vs) => {
    const bits = vs.map(f32ToBits);
    for (const got of run3('f2h', bits, bits)) {
      got.forEach((h, l) => {
        assert.ok(h <= 0xffff);
        const v = Math.fround(vs[l]!);
        if (Number.isNaN(v)) assert.equal(h, 0x7e00);
        else assert.ok(Object.is(bitsToF32(f16BitsToF32Bits(h)), nearestHalf(v)), `f2h(${v}) = ${h.toString(16)}`);
      });
    }
  }), { numRuns: 100 });
});

test('every half reads back exactly (h2f then f2h is the identity but for NaN payloads), on every path', () => {
  for (let h0 = 0; h0 < 0x10000; h0 += 0x100 * LANES) {
    // a stride through all 2^16 halves with every low byte: lanes take h0 + l * 256 + k
    for (let k = 0; k < 256; k += 17) {
      const hs = Array.from({ length: LANES }, (_, l) => (h0 + l * 0x100 + k) & 0xffff);
      for (const got of run3('h2f', hs.map((h) => h | 0xabcd0000), hs)) {
        got.forEach((f, l) => {
          const h = hs[l]!;
          const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
          assert.equal(f32BitsToF16Bits(f), isNaN ? 0x7e00 : h);
          const e = (h >> 10) & 31, m = h & 0x3ff, sgn = h & 0x8000 ? -1 : 1;
          // the half's value from its definition (ES 3.00 §2.1.1's 16-bit floating-point numbers)
          const want = e === 31 ? (m ? NaN : sgn * Infinity) : e === 0 ? sgn * m * 2 ** -24 : sgn * (1 + m / 1024) * 2 ** (e - 15);
          assert.ok(Object.is(bitsToF32(f), want), `h2f(${h.toString(16)})`);
        });
      }
    }
  }
});
