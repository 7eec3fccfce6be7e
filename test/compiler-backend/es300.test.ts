/**
 * GLSL ES 3.00 programs compiled to Akari machine code and run on the
 * shader core (the interpreter, the reference of every execution path).
 *
 * Integer results leave the fragment shader as raw bits (intBitsToFloat /
 * uintBitsToFloat of the result: st_out writes bits), so they are compared
 * exactly with BigInt arithmetic reduced to 32 bits — the wrap GLSL ES 3.00
 * §4.1.3 requires of highp int and uint. Other values are reasoned from the
 * specification's definitions in each test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileShader, linkProgram, type LinkedProgram } from '../../src/umd/compiler/index.js';
import { decodeProgram, runWarp, Warp, LANES, type ShaderIO } from '../../src/hw/shader-core.js';
import { bitsToF32, f32ToBits } from '../../src/base/bits.js';
import { run } from './harness.js';

const VS = '#version 300 es\nin vec4 a_x;\nout vec4 v_x;\nvoid main() { v_x = a_x; gl_Position = a_x; }\n';

function link300(vs: string, fs: string): LinkedProgram {
  const v = compileShader(vs, 'vertex'), f = compileShader(fs, 'fragment');
  assert.ok(v.ok, v.infoLog);
  assert.ok(f.ok, f.infoLog);
  const p = linkProgram(v, f);
  assert.ok(p.ok, p.infoLog);
  return p;
}

/**
 * Runs a fragment shader `body` (declaring `uvec4 r` or `ivec4 r` results, written as bits) for
 * 16 lanes; uniforms are raw words per lane-independent name. Lane l sees v_x = (l, 2l, -l, 1).
 */
function fragBits(decls: string, body: string, uniforms: Record<string, number[]> = {}): number[][] {
  const fs = `#version 300 es\nprecision highp float;\nprecision highp int;\nin vec4 v_x;\nout vec4 color;\n${decls}\nvoid main() {\n${body}\n}\n`;
  const p = link300(VS, fs);
  const bin = p.fragment!;
  const uni = new Uint32Array(Math.max(1, bin.uniformWords));
  for (const [off, bits] of bin.constants) uni[off] = bits;
  for (const u of p.uniforms) {
    const v = uniforms[u.name.replace(/\[0\]$/, '')];
    if (v && u.fragment) v.forEach((x, i) => { uni[u.fragment!.offset + i] = x >>> 0; });
  }
  const out: number[][] = Array.from({ length: LANES }, () => [0, 0, 0, 0]);
  const io: ShaderIO = {
    uniforms: uni, special: (l) => l, ldAttr: () => 0, stVary: () => {}, tex: () => {}, ldGlobal: () => 0, stGlobal: () => {},
    ldVary: (l, slot) => Math.fround([l, 2 * l, -l, 1][(slot - 8) % 4]!),
    ldVaryFlat: () => 0,
    stOut: (l, rt, c, bits) => { if (rt === 0) out[l]![c] = bits >>> 0; },
  };
  runWarp(decodeProgram(bin.code), new Warp(bin.registers), io);
  return out;
}

const s32 = (x: bigint): number => Number(BigInt.asIntN(32, x)) >>> 0;
const u32 = (x: bigint): number => Number(BigInt.asUintN(32, x));
const I = (x: number): bigint => BigInt(x | 0);
const U = (x: number): bigint => BigInt(x >>> 0);
const word = fc.oneof(fc.integer(), fc.constantFrom(0, 1, -1, 0x7fffffff, -0x80000000, 65535, 65536), fc.integer({ min: -1000, max: 1000 }));

test('int + - * / wrap as 32-bit two\'s complement (fast-check against BigInt)', () => {
  fc.assert(fc.property(word, word.filter((b) => b !== 0), (a, b) => {
    const [r] = fragBits('uniform int a; uniform int b;', 'ivec4 r = ivec4(a + b, a - b, a * b, a / b);\ncolor = intBitsToFloat(r);', { a: [a], b: [b] });
    // GLSL division truncates toward zero (BigInt division does too); INT_MIN / -1 wraps
    assert.deepEqual(r, [s32(I(a) + I(b)), s32(I(a) - I(b)), s32(I(a) * I(b)), s32(I(a) / I(b))]);
  }), { numRuns: 40 });
});

test('uint + - * / % wrap modulo 2^32 (fast-check against BigInt)', () => {
  fc.assert(fc.property(word, word.filter((b) => b !== 0), (a, b) => {
    const [r] = fragBits('uniform uint a; uniform uint b;', 'uvec4 r = uvec4(a + b, a - b, a * b, a / b);\ncolor = uintBitsToFloat(r);', { a: [a], b: [b] });
    assert.deepEqual(r, [u32(U(a) + U(b)), u32(U(a) - U(b)), u32(U(a) * U(b)), u32(U(a) / U(b))]);
    const [m] = fragBits('uniform uint a; uniform uint b;', 'color = uintBitsToFloat(uvec4(a % b, a & b, a | b, a ^ b));', { a: [a], b: [b] });
    assert.deepEqual(m, [u32(U(a) % U(b)), u32(U(a) & U(b)), u32(U(a) | U(b)), u32(U(a) ^ U(b))]);
  }), { numRuns: 40 });
});

test('int % & | ^ ~ and shifts (<< by 0..31, >> arithmetic on int, logical on uint)', () => {
  fc.assert(fc.property(word, word, fc.integer({ min: 0, max: 31 }), (a, b, n) => {
    // % is defined for a >= 0, b > 0 (§5.9: negative operands give undefined results)
    const pa = Math.abs(a % 0x40000000), pb = Math.max(1, Math.abs(b % 100000));
    const [r] = fragBits('uniform int a; uniform int b; uniform int pa; uniform int pb;', 'color = intBitsToFloat(ivec4(pa % pb, a & b, a | b, a ^ b));', { a: [a], b: [b], pa: [pa], pb: [pb] });
    assert.deepEqual(r, [s32(I(pa) % I(pb)), s32(I(a) & I(b)), s32(I(a) | I(b)), s32(I(a) ^ I(b))]);
    const [sh] = fragBits('uniform int a; uniform int n; uniform uint u;', 'color = intBitsToFloat(ivec4(a << n, a >> n, int(u >> uint(n)), ~a));', { a: [a], n: [n], u: [a] });
    assert.deepEqual(sh, [s32(I(a) << BigInt(n)), s32(I(a) >> BigInt(n)), u32(U(a) >> BigInt(n)), s32(~I(a))]);
  }), { numRuns: 40 });
});

test('comparisons are signed for int and unsigned for uint', () => {
  fc.assert(fc.property(word, word, (a, b) => {
    const [r] = fragBits('uniform int a; uniform int b; uniform uint ua; uniform uint ub;',
      'color = vec4(a < b ? 1.0 : 0.0, ua < ub ? 1.0 : 0.0, a >= b ? 1.0 : 0.0, ua == ub ? 1.0 : 0.0);', { a: [a], b: [b], ua: [a], ub: [b] });
    assert.deepEqual(r.map(bitsToF32), [I(a) < I(b) ? 1 : 0, U(a) < U(b) ? 1 : 0, I(a) >= I(b) ? 1 : 0, U(a) === U(b) ? 1 : 0]);
  }), { numRuns: 40 });
});

test('conversions: float to int truncates, int to uint keeps the bits, uint to float rounds, bool from integers', () => {
  const [r] = fragBits('uniform float f; uniform int i;',
    'color = intBitsToFloat(ivec4(int(f), int(uint(i)), int(-f), int(bool(i)) + int(bool(0))));', { f: [f32ToBits(-2.75)], i: [-5] });
  assert.deepEqual(r.map((x) => x | 0), [-2, -5, 2, 1]);
  // 0xffffffffu is 2^32 - 1: the nearest float is 2^32; -1 as uint is that same value
  const [g] = fragBits('uniform int i;', 'color = vec4(float(0xffffffffu), float(uint(i)), float(i), float(uint(3.9)));', { i: [-1] });
  assert.deepEqual(g.map(bitsToF32), [2 ** 32, 2 ** 32, -1, 3]);
});

test('integer built-ins: abs, sign, min, max, clamp (int and uint, with scalar broadcast)', () => {
  const [r] = fragBits('uniform int a;', 'color = intBitsToFloat(ivec4(abs(a), sign(a), min(a, 3), clamp(a, -4, 4)));', { a: [-7] });
  assert.deepEqual(r.map((x) => x | 0), [7, -1, -7, -4]);
  // unsigned: 0xfffffff9 (-7 as bits) is large, so min picks 3 and clamp the upper bound
  const [u] = fragBits('uniform uint a;', 'color = uintBitsToFloat(uvec4(max(a, 3u), min(uvec2(a), 3u), clamp(a, 1u, 9u)));', { a: [-7] });
  assert.deepEqual(u, [0xfffffff9, 3, 3, 9]);
});

test('pack/unpack 2x16 give the bit layouts §8.4 defines', () => {
  // unorm: round(clamp(c, 0, 1) * 65535); first component in the low 16 bits
  // snorm: round(clamp(c, -1, 1) * 32767): -1 -> -32767 = 0x8001, 0.5 -> 16383.5 -> 16384 (= 0x4000)
  // half: 1.0 = 0x3c00, -2.0 = 0xc000
  const [r] = fragBits('', 'color = uintBitsToFloat(uvec4(packUnorm2x16(vec2(0.0, 1.0)), packUnorm2x16(vec2(2.0, -1.0)), packSnorm2x16(vec2(-1.0, 0.5)), packHalf2x16(vec2(1.0, -2.0))));');
  assert.deepEqual(r, [0xffff0000, 0x0000ffff, 0x40008001, 0xc0003c00]);
  // 0x80000001: low half 1 -> 1/32767, high half -32768 -> clamped to -1; unorm 0xffff0000 -> (0, 1)
  const [u] = fragBits('', 'color = vec4(unpackSnorm2x16(0x80000001u), unpackUnorm2x16(0xffff0000u));');
  assert.deepEqual(u.map(bitsToF32), [Math.fround(1 / 32767), -1, 0, 1]);
  // halves read back exactly, subnormals included (0x0001 = 2^-24)
  const [h] = fragBits('', 'color = vec4(unpackHalf2x16(0x7bff0001u), unpackHalf2x16(packHalf2x16(vec2(0.333, 65520.0))));');
  assert.deepEqual(h.map(bitsToF32), [2 ** -24, 65504, Math.fround(0.33300781), Infinity]);
});

test('bit reinterpretation, isnan, isinf, trunc, round, roundEven, modf', () => {
  const [r] = fragBits('uniform float nan;', 'color = vec4(float(floatBitsToInt(1.0)), uintBitsToFloat(0x40400000u), float(isnan(nan)), float(isinf(-1.0 / 0.0)));', { nan: [0x7fc00000] });
  assert.deepEqual(r.map(bitsToF32), [0x3f800000, 3, 1, 1]);
  const [t] = fragBits('', 'float ip; float fr = modf(-2.75, ip);\ncolor = vec4(trunc(-1.5), round(2.5) + roundEven(3.5), fr, ip);');
  // round may go either way at .5 (§8.3); the hardware rounds to even: 2 + 4
  assert.deepEqual(t.map(bitsToF32), [-1, 6, -0.75, -2]);
});

test('determinant and inverse of 3x3 and 4x4 matrices; hyperbolic functions', () => {
  // det [[2,0,1],[1,3,2],[1,1,1]] (rows) = 2(3-2) - 0 + 1(1-3) = 0 ... use a non-singular one:
  // rows [[2,0,1],[1,3,2],[1,1,2]]: 2(6-2) - 0 + 1(1-3) = 6
  const [d] = fragBits('', 'mat3 m = transpose(mat3(2.0, 0.0, 1.0, 1.0, 3.0, 2.0, 1.0, 1.0, 2.0));\nmat4 q = mat4(2.0);\ncolor = vec4(determinant(m), determinant(q), (m * inverse(m))[1][1], (inverse(q) * q)[3][3]);');
  const v = d.map(bitsToF32);
  assert.equal(v[0], 6);
  assert.equal(v[1], 16);
  assert.ok(Math.abs(v[2]! - 1) < 1e-6 && Math.abs(v[3]! - 1) < 1e-6);
  const [h] = fragBits('', 'color = vec4(sinh(1.0), cosh(1.0), tanh(20.0), atanh(0.5));');
  const want = [Math.sinh(1), Math.cosh(1), 1, Math.atanh(0.5)];
  h.map(bitsToF32).forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-5, `${x} vs ${want[i]}`));
});

test('switch: fall-through, default anywhere, break inside loops, continue of the enclosing loop', () => {
  // per lane l (v_x.x = l): case 0 -> 10; case 1 falls into case 2 (+1); default (in the middle) -> 100; case 5 -> 50
  const body = `int s = 0;
  switch (int(v_x.x)) {
    case 0: s = 10; break;
    case 1: s = 20;
    case 2: s += 1; break;
    default: s = 100; break;
    case 5: case 6: s = 50;
  }
  int n = 0;
  for (int i = 0; i < 6; i++) {
    switch (i) { case 1: continue; case 4: break; default: n += i; }
    if (i == 5) break;
    n += 100;
  }
  color = intBitsToFloat(ivec4(s, n, 0, 0));`;
  const out = fragBits('', body);
  const want = (l: number): number => (l === 0 ? 10 : l === 1 ? 21 : l === 2 ? 1 : l === 5 || l === 6 ? 50 : 100);
  // loop: i=0 n=0+100, i=1 continue, i=2 +2+100, i=3 +3+100, i=4 (switch break) +100, i=5 +5 then break
  for (let l = 0; l < LANES; l++) assert.deepEqual(out[l]!.slice(0, 2), [want(l), 410]);
});

test('loops without Appendix A: while, do-while and a for loop with a computed bound', () => {
  const out = fragBits('', `int i = 0, j = 0; while (i < int(v_x.x)) i += 3;
  do { j++; } while (j < int(v_x.y));
  uint acc = 0u; for (uint k = 1u; k <= uint(v_x.x); k *= 2u) acc += k;
  color = intBitsToFloat(ivec4(i, j, int(acc), 0));`);
  for (let l = 0; l < LANES; l++) {
    let acc = 0;
    for (let k = 1; k <= l; k *= 2) acc += k;
    assert.deepEqual(out[l]!.slice(0, 3), [Math.ceil(l / 3) * 3, Math.max(1, 2 * l), acc]);
  }
});

test('in/out and layout(location): vertex inputs at their locations, `out vec4` is render target 0, gl_VertexID', () => {
  const vs = '#version 300 es\nlayout(location = 3) in vec4 p;\nin vec2 q;\nout vec4 v;\nvoid main() { v = vec4(p.xy, q.x, float(gl_VertexID)); gl_Position = p; }\n';
  const fs = '#version 300 es\nprecision mediump float;\nin vec4 v;\nlayout(location = 0) out vec4 frag;\nvoid main() { frag = v * 2.0; }\n';
  const r = run(vs, fs, { attribs: { p: (l) => [l, 1, 0, 1], q: (l) => [l + 0.5, 0] } });
  assert.equal(r.prog.attributes.find((a) => a.name === 'p')!.slot, 3);
  // the harness's vertex id is the lane
  for (let l = 0; l < LANES; l++) assert.deepEqual(r.color[l], [2 * l, 2, 2 * l + 1, 2 * l]);
});

test('texture() on a 2D sampler samples with implicit LOD in the fragment shader; textureLod with the given one', () => {
  const fs = '#version 300 es\nprecision mediump float;\nin vec4 v_x;\nuniform sampler2D s;\nout vec4 c;\nvoid main() { c = vec4(texture(s, v_x.xy).xy, textureLod(s, v_x.xy, 2.0).w, 0.0); }\n';
  const r = run(VS, fs, { attribs: { a_x: (l) => [l, 2 * l, 0, 1] } });
  // the harness's texture: (s, t, lod, slot + mode / 10); mode 0 implicit, 2 explicit lod
  for (let l = 0; l < LANES; l++) assert.deepEqual(r.color[l], [l, 2 * l, Math.fround(0.2), 0]);
});
