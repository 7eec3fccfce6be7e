/**
 * The WebAssembly emitter (src/hw/wasm): LEB128 round trips and known
 * encodings, and modules it builds validate and compute what the
 * instructions mean (the expected values are computed in the test with
 * JavaScript's own integer and float32 arithmetic).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Bytes, ModuleBuilder, readSleb, readUleb } from '../src/hw/wasm/emitter.js';

test('LEB128: unsigned and signed values round-trip', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
    const b = new Bytes().uleb(v).view();
    assert.deepEqual(readUleb(b, 0), { value: v, size: b.length });
    assert.equal(b.length, Math.ceil(v.toString(2).length / 7)); // 7 bits a byte
  }));
  fc.assert(fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (v) => {
    const b = new Bytes().sleb(v).view();
    assert.deepEqual(readSleb(b, 0), { value: v, size: b.length });
  }));
});

test('LEB128: the examples of the DWARF specification', () => {
  // DWARF 5, section 7.6, figures 22 and 23
  assert.deepEqual([...new Bytes().uleb(2).view()], [2]);
  assert.deepEqual([...new Bytes().uleb(127).view()], [127]);
  assert.deepEqual([...new Bytes().uleb(128).view()], [0x80, 1]);
  assert.deepEqual([...new Bytes().uleb(12857).view()], [0x80 + 57, 100]);
  assert.deepEqual([...new Bytes().sleb(-2).view()], [0x7e]);
  assert.deepEqual([...new Bytes().sleb(-127).view()], [0x80 + 1, 0x7f]);
  assert.deepEqual([...new Bytes().sleb(-128).view()], [0x80, 0x7f]);
  assert.deepEqual([...new Bytes().sleb(128).view()], [0x80, 1]);
});

const I32_OPS = {
  'i32.add': (a: number, b: number) => (a + b) | 0,
  'i32.sub': (a: number, b: number) => (a - b) | 0,
  'i32.mul': (a: number, b: number) => Math.imul(a, b),
  'i32.and': (a: number, b: number) => a & b,
  'i32.or': (a: number, b: number) => a | b,
  'i32.xor': (a: number, b: number) => a ^ b,
  'i32.shl': (a: number, b: number) => a << (b & 31),
  'i32.shr_s': (a: number, b: number) => a >> (b & 31),
} as const;
type I32Op = keyof typeof I32_OPS;

test('random i32 expression programs validate and compute as JavaScript does', () => {
  const step = fc.tuple(fc.constantFrom(...(Object.keys(I32_OPS) as I32Op[])), fc.boolean(), fc.integer());
  fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), fc.integer(), fc.integer(), (steps, x, y) => {
    const m = new ModuleBuilder();
    const { fn } = m.func({ params: ['i32', 'i32'], results: ['i32'] }, 'f');
    const acc = fn.local('i32');
    fn.get(0).set(acc);
    let want = x;
    for (const [op, useParam, k] of steps) {
      // acc = acc op (y or k)
      fn.get(acc);
      if (useParam) fn.get(1); else fn.i32(k);
      fn.op(op).set(acc);
      want = I32_OPS[op](want, useParam ? y : k);
    }
    fn.get(acc);
    const bytes = m.encode();
    assert.ok(WebAssembly.validate(bytes));
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    assert.equal((inst.exports.f as (a: number, b: number) => number)(x, y), want);
  }), { numRuns: 200 });
});

test('SIMD128 on an imported shared memory: f32x4 arithmetic, lane masks, conversions', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const m = new ModuleBuilder();
  m.importMemory({ module: 'm', name: 'mem', min: 1, max: 65536, shared: true });
  const log = m.importFunc('m', 'log', { params: ['i32'], results: [] });
  const { fn } = m.func({ params: [], results: [] }, 'run');
  // [32] = [0] + [16] * [16]  (f32x4)
  fn.i32(32).i32(0).simd('v128.load').i32(16).simd('v128.load').i32(16).simd('v128.load').simd('f32x4.mul').simd('f32x4.add').simd('v128.store');
  // [48] = trunc_sat_s([0])
  fn.i32(48).i32(0).simd('v128.load').simd('i32x4.trunc_sat_f32x4_s').simd('v128.store');
  // log(bitmask([0] < [16]))
  fn.i32(0).simd('v128.load').i32(16).simd('v128.load').simd('f32x4.lt').simd('i32x4.bitmask').op('call', log);
  // [64] = lanes (3,2,1,0) of [0] via shuffle
  fn.i32(64).i32(0).simd('v128.load').i32(0).simd('v128.load')
    .shuffle([12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3]).simd('v128.store');
  const bytes = m.encode();
  assert.ok(WebAssembly.validate(bytes));
  const logged: number[] = [];
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem: memory, log: (v: number) => logged.push(v) } });
  const f = new Float32Array(memory.buffer);
  const a = [1.5, -2.75, 1e30, NaN], b = [0.1, 3, 1e10, 1];
  f.set(a, 0); f.set(b, 4);
  (inst.exports.run as () => void)();
  for (let i = 0; i < 4; i++) {
    const want = Math.fround(a[i]! + Math.fround(b[i]! * b[i]!));
    assert.ok(Object.is(f[8 + i], Math.fround(want)) || (Number.isNaN(want) && Number.isNaN(f[8 + i])));
  }
  // truncating, saturating at INT32_MAX, NaN gives 0
  assert.deepEqual([...new Int32Array(memory.buffer, 48, 4)], [1, -2, 2147483647, 0]);
  // 1.5 < 0.1 no, -2.75 < 3 yes, 1e30 < 1e10 no, NaN < 1 no
  assert.deepEqual(logged, [0b0010]);
  assert.deepEqual([...f.subarray(16, 19)], [a[3], a[2], a[1]].map(Math.fround));
});
