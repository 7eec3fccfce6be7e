/** ISA and descriptor round trips, pinned encodings, and shader-core semantics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FORMS, OPS, OPCODE, INLINE_CONSTANTS, type BitField } from '../src/hwdesc/isa.js';
import { assemble, decode, disassemble, encode, srcConst, type Instr } from '../src/hwdesc/isa-codec.js';
import { DESCRIPTORS, DRAW, ATTRIBUTE } from '../src/hwdesc/descriptors.js';
import { MICROSEQ } from '../src/hwdesc/microseq.js';
import { pack, unpack } from '../src/hwdesc/struct.js';
import { decodeProgram, runWarp, Warp, LANES, type ShaderIO } from '../src/hw/shader-core.js';
import { bitsToF32, f32ToBits } from '../src/base/bits.js';

test('every instruction form round-trips through encode/decode', () => {
  for (const [code, op] of OPS.entries()) {
    const fields = (FORMS[op.form] as readonly BitField[]).filter((f) => f.name !== 'op');
    const rec: Record<string, fc.Arbitrary<number>> = Object.fromEntries(fields.map((f) => [f.name, f.signed
      ? fc.integer({ min: -(2 ** (f.width - 1)), max: 2 ** (f.width - 1) - 1 })
      : fc.integer({ min: 0, max: 2 ** f.width - 1 })]));
    const arb = fc.record(rec);
    fc.assert(fc.property(arb, (f) => {
      const ins: Instr = { op: op.name, f: f as Instr['f'] };
      const [lo, hi] = encode(ins);
      assert.equal(lo & 0xff, code);
      const back = decode(lo, hi)!;
      assert.equal(back.op, op.name);
      assert.deepEqual(back.f, { ...f });
      assert.equal(typeof disassemble(back), 'string');
    }), { numRuns: 50 });
  }
});

test('decoding garbage never throws; unknown opcodes decode to null', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (lo, hi) => {
    const d = decode(lo, hi);
    if ((lo & 0xff) >= OPS.length) assert.equal(d, null);
    assert.equal(typeof disassemble(d), 'string');
  }));
});

test('pinned encodings (hand-computed from the field table)', () => {
  // fadd r3, r1, r2: op=4, dst=3 at bit 8, a=(0<<8|1) at bit 16, b=(0<<8|2) at bit 27
  const [lo, hi] = encode({ op: 'fadd', f: { dst: 3, a: 1, b: 2 } });
  assert.equal(lo, (4 | (3 << 8) | (1 << 16) | (2 << 27)) >>> 0);
  assert.equal(hi, 0);
  // movi r7, 0x3f800000
  assert.deepEqual(encode({ op: 'movi', f: { dst: 7, imm32: 0x3f800000 } }), [OPCODE.movi! | (7 << 8), 0x3f800000]);
  // fmul r0, u300, #0.5: u300 is bank 2 (kind 2) index 44; #0.5 is inline constant 9 (kind 6)
  const [l2, h2] = encode({ op: 'fmul', f: { dst: 0, a: (2 << 8) | 44, b: (6 << 8) | 9 } });
  assert.equal(l2, (OPCODE.fmul! | (((2 << 8) | 44) << 16) | ((((6 << 8) | 9) & 0x1f) << 27)) >>> 0);
  assert.equal(h2, ((6 << 8) | 9) >>> 5);
  assert.equal(INLINE_CONSTANTS[9], 0.5);
});

test('assembler and disassembler agree', () => {
  const src = `ld_attr r0, attr1.z
ffma.sat r1, -r0, |u3|, #1.0
fcmp.lt r2, r1, #0.5
if r2
  mov r3, #2.0
else
  mov r3, #4.0
endif
st_vary v8, r3
end`;
  const words = assemble(src);
  const text = Array.from({ length: words.length / 2 }, (_, i) => disassemble(decode(words[2 * i]!, words[2 * i + 1]!)));
  assert.equal(text[1], 'ffma.sat r1, -r0, |u3|, #1.0');
  assert.equal(text[2], 'fcmp.lt r2, r1, #0.5');
  assert.equal(text[3], 'if r2 (+2)');
  assert.equal(text[5], 'else (+2)');
  assert.equal(srcConst(0.3), -1);
});

test('global memory instructions assemble from the text the disassembler prints', () => {
  const words = assemble('ld_g r2, [r0:+8]\nst_g [r4:+-12], r2\nend');
  const ld = decode(words[0]!, words[1]!)!, st = decode(words[2]!, words[3]!)!;
  assert.equal(ld.op, 'ld_g'); assert.equal(ld.f.dst, 2); assert.equal(ld.f.base, 8);
  assert.equal(st.op, 'st_g'); assert.equal(st.f.base, -12);
  assert.equal(disassemble(ld), 'ld_g r2, [r0:+8]');
  assert.equal(disassemble(st), 'st_g [r4:+-12], r2');
  assert.throws(() => assemble('ld_g r2, r0'), /expected \[rN:\+offset\]/);
});

test('every descriptor round-trips through pack/unpack, stray bits are reported', () => {
  for (const d of [...DESCRIPTORS, ...Object.values(MICROSEQ)]) {
    const rec: Record<string, fc.Arbitrary<number>> = Object.fromEntries(d.fields.map((f) => [f.name,
      f.kind === 'addr' ? fc.integer({ min: 0, max: 2 ** 47 - 1 })
        : f.kind === 'float' ? fc.float({ noNaN: true }).map(Math.fround)
          : f.kind === 'sint' ? fc.integer({ min: -(2 ** (f.width - 1)), max: 2 ** (f.width - 1) - 1 })
            : fc.integer({ min: 0, max: 2 ** f.width - 1 })]));
    const arb = fc.record(rec);
    fc.assert(fc.property(arb, (v) => {
      const u = unpack(d, pack(d, v));
      assert.deepEqual(u.stray, []);
      for (const f of d.fields) assert.ok(Object.is(u.values[f.name], v[f.name]) || u.values[f.name] === v[f.name], `${d.name}.${f.name}`);
    }), { numRuns: 30 });
  }
  const words = pack(ATTRIBUTE, { stride: 8 });
  words[7] = 0xff;
  assert.deepEqual(unpack(ATTRIBUTE, words).stray, [{ word: 7, bits: 0xff }]);
});

test('pinned descriptor words (hand-written)', () => {
  const w = pack(DRAW, { next: 0x1_2345_6789, primitive: 4, index_type: 2, attrib_count: 3, count: 36 });
  assert.equal(w[0], 0x23456789);
  assert.equal(w[1], 0x1);
  assert.equal(w[2], 4 | (2 << 4) | (3 << 8));
  assert.equal(w[4], 36);
  const a = pack(ATTRIBUTE, { address: 0x4000, stride: 12, components: 3, type: 1, normalized: 1 });
  assert.deepEqual([...a.subarray(0, 4)], [0x4000, 0, 12, 3 | (1 << 3) | (1 << 6)]);
});

function runProgram(src: string, regs: number, init: (w: Warp) => void): Warp {
  const w = new Warp(regs);
  init(w);
  const io: ShaderIO = {
    uniforms: new Uint32Array(4), special: (l, i) => (i === 0 ? l : 0), ldAttr: () => 0, stVary: () => undefined,
    ldVary: () => 0, ldVaryFlat: () => 0, stOut: () => undefined, tex: () => undefined, ldGlobal: () => 0, stGlobal: () => undefined,
  };
  runWarp(decodeProgram(assemble(src)), w, io);
  return w;
}

test('shader core: if/else under a divergent mask', () => {
  // r0 = lane id as float; r1 = lane < 8 ? 10 : 20
  const w = runProgram(`u2f r0, sr.lane_id
fcmp.lt r2, r0, #8.0
if r2
  mov r1, #10.0
else
  mov r1, #16.0
endif
end`, 3, () => undefined);
  for (let l = 0; l < LANES; l++) assert.equal(w.f32[1 * LANES + l], l < 8 ? 10 : 16);
});

test('shader core: loops with per-lane trip counts, break and continue', () => {
  // r1 counts iterations until r1 >= lane (break); lanes skip adding on odd iterations via continue
  const w = runProgram(`u2f r0, sr.lane_id
mov r1, #0.0
mov r2, #0.0
loop
  fcmp.ge r3, r1, r0
  break r3
  fadd r1, r1, #1.0
  ffract r4, r1
  fmul r5, r1, #0.5
  ffract r5, r5
  fcmp.ne r6, r5, #0.0
  continue r6
  fadd r2, r2, #1.0
endloop
end`, 7, () => undefined);
  for (let l = 0; l < LANES; l++) {
    assert.equal(w.f32[1 * LANES + l], l, `iterations of lane ${l}`);
    assert.equal(w.f32[2 * LANES + l], Math.floor(l / 2), `even iterations of lane ${l}`);
  }
  void bitsToF32; void f32ToBits;
});
