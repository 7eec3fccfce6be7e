/**
 * The UAPI's C structure fields (src/uapi/cstruct.ts) as bytes: a u64 or s64
 * is read as two little-endian words (hi * 2^32 + lo, one rounding to the
 * nearest double, ties to even) and written as two words for whole numbers
 * of 0..2^53 — exactly what BigInt's DataView accessors give, which the
 * reference below uses for every value, and which the writer still uses for
 * the rest (negative, past 2^53, NaN and the infinities throw RangeError).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cstruct, readField, readStruct, writeField, writeStruct } from '../src/uapi/cstruct.js';

const S = cstruct('test_s', [['a', 'u32'], ['u', 'u64'], ['s', 's64'], ['b', 'u8']]);
const U = S.byName.get('u')!, I = S.byName.get('s')!;

test('the layout: natural alignment, the u64 at 8', () => {
  assert.deepEqual(S.fields.map((f) => [f.name, f.offset]), [['a', 0], ['u', 8], ['s', 16], ['b', 24]]);
  assert.equal(S.size, 32);
});

test('u64 and s64 fields read as Number() of the BigInt the bytes hold, for any 64 bits', () => {
  const bytes = new Uint8Array(S.size), dv = new DataView(bytes.buffer);
  const check = (hi: number, lo: number) => {
    dv.setUint32(8, lo, true); dv.setUint32(12, hi, true);
    dv.setUint32(16, lo, true); dv.setUint32(20, hi, true);
    assert.equal(readField(dv, 0, U), Number(dv.getBigUint64(8, true)), `u64 ${hi}:${lo}`);
    assert.equal(readField(dv, 0, I), Number(dv.getBigInt64(16, true)), `s64 ${hi}:${lo}`);
    const v = readStruct(S, bytes);
    assert.equal(v.u, Number(dv.getBigUint64(8, true)));
    assert.equal(v.s, Number(dv.getBigInt64(16, true)));
  };
  // the edges: 2^53 and past it (ties: 2^53 + 1 rounds to even 2^53, 2^53 + 3 up to 2^53 + 4), the top, -1, -2^63
  for (const [hi, lo] of [[0, 0], [0, 1], [0x1fffff, 0xffffffff], [0x200000, 0], [0x200000, 1], [0x200000, 3], [0xffffffff, 0xffffffff],
    [0x80000000, 0], [0x7fffffff, 0xffffffff], [0xffe00000, 1], [0xffdfffff, 0xffffffff]] as const) check(hi, lo);
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), check), { numRuns: 500 });
});

test('u64 and s64 fields write what BigInt.asUintN / asIntN of the truncated value writes; NaN and infinities throw RangeError', () => {
  const got = new Uint8Array(S.size), want = new Uint8Array(S.size);
  const gdv = new DataView(got.buffer), wdv = new DataView(want.buffer);
  const check = (v: number) => {
    got.fill(0xa5); want.fill(0xa5);
    const ref = (): void => {
      wdv.setBigUint64(8, BigInt.asUintN(64, BigInt(Math.trunc(v))), true);
      wdv.setBigInt64(16, BigInt.asIntN(64, BigInt(Math.trunc(v))), true);
    };
    let refError: unknown = null;
    try { ref(); } catch (e) { refError = e; }
    if (refError) {
      assert.throws(() => writeField(gdv, 0, U, v), RangeError, `u64 ${v}`);
      assert.throws(() => writeField(gdv, 0, I, v), RangeError, `s64 ${v}`);
      return;
    }
    writeField(gdv, 0, U, v);
    writeField(gdv, 0, I, v);
    assert.deepEqual(got, want, `value ${v}`);
    got.fill(0xa5);
    writeStruct(S, { u: v, s: v }, got);
    assert.deepEqual(got, want, `writeStruct ${v}`);
  };
  for (const v of [0, 1, 0.5, 1.999, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 0.75, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64, 2 ** 64 + 2 ** 12, 2 ** 70,
    -0, -0.5, -1, -(2 ** 32), -(2 ** 53), -(2 ** 63), -(2 ** 64), NaN, Infinity, -Infinity, Number.MIN_VALUE]) check(v);
  fc.assert(fc.property(fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })), check), { numRuns: 1000 });
});
