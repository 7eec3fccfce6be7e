/**
 * The pixel format table (hwdesc/formats.ts) and what is derived from it:
 * packed layouts pinned with hand-written words (the bit positions GL's
 * UNSIGNED_SHORT_5_6_5 / 4_4_4_4 / 5_5_5_1 specify: ES 2.0 table 3.5 —
 * the first component in the most significant bits), swizzles of luminance
 * and alpha formats, rounding and clamping, bits per channel; and, for
 * every unorm format, unpack(pack(c)) equals quantize(c) (fast-check).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PACK, PIXEL_FORMATS, QUANTIZE, UNPACK, bytesAccess, formatBits, type PixelFormatName } from '../src/hwdesc/formats.js';

function packed(name: PixelFormatName, rgba: number[]): number[] {
  const f = PIXEL_FORMATS[name];
  const b = new Uint8Array(f.bytes);
  PACK[name](bytesAccess(b), 0, rgba, 0);
  return [...b];
}
function unpacked(name: PixelFormatName, bytes: number[]): number[] {
  const out = [9, 9, 9, 9];
  UNPACK[name](bytesAccess(Uint8Array.from(bytes)), 0, out, 0);
  return out;
}
const le16 = (v: number) => [v & 255, v >> 8];

test('5-6-5: red in bits 15..11, green 10..5, blue 4..0; 0.5 of 63 rounds to 32', () => {
  // (1, 0.5, 0): 31 << 11 | 32 << 5 = 0xf800 | 0x0400
  assert.deepEqual(packed('b5g6r5_unorm', [1, 0.5, 0, 0.25]), le16(0xfc00));
  assert.deepEqual(unpacked('b5g6r5_unorm', le16(0xfc00)), [1, 32 / 63, 0, 1]);
  assert.deepEqual(unpacked('b5g6r5_unorm', le16(0x001f)), [0, 0, 1, 1]);
});

test('4-4-4-4: red in bits 15..12 .. alpha 3..0; 5-5-5-1: red 15..11, green 10..6, blue 5..1, alpha 0', () => {
  // (1, 0, 1/3, 1): 15 << 12 | 5 << 4 | 15
  assert.deepEqual(packed('a4b4g4r4_unorm', [1, 0, 1 / 3, 1]), le16(0xf05f));
  assert.deepEqual(unpacked('a4b4g4r4_unorm', le16(0x0f00)), [0, 1, 0, 0]);
  // (0, 1, 0, 1): 31 << 6 | 1
  assert.deepEqual(packed('a1b5g5r5_unorm', [0, 1, 0, 1]), le16(0x07c1));
  // alpha 0.49 rounds to 0, 0.5 to 1
  assert.deepEqual(packed('a1b5g5r5_unorm', [0, 0, 0, 0.49]), le16(0));
  assert.deepEqual(packed('a1b5g5r5_unorm', [0, 0, 0, 0.5]), le16(1));
  assert.deepEqual(unpacked('a1b5g5r5_unorm', le16(0x003e)), [0, 0, 1, 0]);
});

test('swizzles: luminance is (L, L, L, 1), luminance-alpha (L, L, L, A), alpha (0, 0, 0, A); BGRA swaps red and blue', () => {
  assert.deepEqual(unpacked('l8_unorm', [51]), [0.2, 0.2, 0.2, 1]);
  assert.deepEqual(unpacked('l8a8_unorm', [51, 255]), [0.2, 0.2, 0.2, 1]);
  assert.deepEqual(unpacked('a8_unorm', [255]), [0, 0, 0, 1]);
  // packing takes luminance from red and alpha from alpha
  assert.deepEqual(packed('l8a8_unorm', [0.2, 0.9, 0.9, 1]), [51, 255]);
  assert.deepEqual(packed('a8_unorm', [1, 1, 1, 0.2]), [51]);
  assert.deepEqual(packed('b8g8r8a8_unorm', [1, 0.2, 0, 0.2]), [0, 51, 255, 51]);
  assert.deepEqual(unpacked('r8g8b8_unorm', [255, 0, 51]), [1, 0, 0.2, 1]);
});

test('unorm channels clamp to [0, 1] and NaN packs as 0; float channels keep their value (half: 1.0 is 0x3c00)', () => {
  assert.deepEqual(packed('r8g8b8a8_unorm', [-1, 2, NaN, 0.5]), [0, 255, 0, 128]);
  assert.deepEqual(packed('r16g16b16a16_float', [1, -2, 0.5, 65504]), [...le16(0x3c00), ...le16(0xc000), ...le16(0x3800), ...le16(0x7bff)]);
  const f32 = new Uint8Array(new Float32Array([1.5, -3, 0, 2 ** 100]).buffer);
  assert.deepEqual(packed('r32g32b32a32_float', [1.5, -3, 0, 2 ** 100]), [...f32]);
  assert.deepEqual(unpacked('r32g32b32a32_float', [...f32]), [1.5, -3, 0, 2 ** 100]);
});

test('bits per channel: what RED_BITS.. and RENDERBUFFER_*_SIZE report', () => {
  assert.deepEqual(formatBits('b5g6r5_unorm'), { r: 5, g: 6, b: 5, a: 0, d: 0, s: 0 });
  assert.deepEqual(formatBits('a4b4g4r4_unorm'), { r: 4, g: 4, b: 4, a: 4, d: 0, s: 0 });
  assert.deepEqual(formatBits('a1b5g5r5_unorm'), { r: 5, g: 5, b: 5, a: 1, d: 0, s: 0 });
  assert.deepEqual(formatBits('r16g16b16a16_float'), { r: 16, g: 16, b: 16, a: 16, d: 0, s: 0 });
  assert.deepEqual(formatBits('s8_uint_z24_unorm'), { r: 0, g: 0, b: 0, a: 0, d: 24, s: 8 });
  assert.deepEqual(formatBits('z16_unorm'), { r: 0, g: 0, b: 0, a: 0, d: 16, s: 0 });
});

// (luminance formats show one channel three times: a quantised colour of three different values is not one they hold)
test('every unorm colour format without a repeated channel: unpack(pack(c)) = quantize(c), and quantize is idempotent (fast-check)', () => {
  const distinct = (sw: string) => [...sw].filter((ch) => ch !== '0' && ch !== '1').length === new Set([...sw].filter((ch) => ch !== '0' && ch !== '1')).size;
  const names = (Object.keys(PIXEL_FORMATS) as PixelFormatName[]).filter((n) => PIXEL_FORMATS[n].colorspace !== 'zs' && distinct(PIXEL_FORMATS[n].swizzle) && PIXEL_FORMATS[n].channels.every((c) => c.type === 'unorm'));
  assert.ok(names.length >= 7, names.join());
  fc.assert(fc.property(fc.constantFrom(...names), fc.array(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { minLength: 4, maxLength: 4 }), (name, c) => {
    const q = [...c];
    QUANTIZE[name](q, 0);
    const again = [...q];
    QUANTIZE[name](again, 0);
    assert.deepEqual(again, q);
    const round = unpacked(name, packed(name, c));
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(round[k]! - q[k]!) < 1e-12, `${name} ${c} -> ${round} vs ${q}`);
  }), { numRuns: 2000 });
});

const le32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];

test('ES 3.0 red and red-green formats read (R, 0, 0, 1) and (R, G, 0, 1) (ES 3.0 Table 3.15: base formats RED, RG)', () => {
  assert.deepEqual(unpacked('r8_unorm', [51]), [0.2, 0, 0, 1]);
  assert.deepEqual(unpacked('r8g8_unorm', [51, 255]), [0.2, 1, 0, 1]);
  // half 0x3800 is 0.5, 0xc000 is -2
  assert.deepEqual(unpacked('r16g16_float', [...le16(0x3800), ...le16(0xc000)]), [0.5, -2, 0, 1]);
  assert.deepEqual(packed('r32_float', [1.5, 7, 7, 7]), [...new Uint8Array(new Float32Array([1.5]).buffer)]);
});

test('snorm bytes: max(k / 127, -1) (ES 3.0 § 2.1.6.1 equation 2.2); packing rounds c * 127 after clamping to [-1, 1]', () => {
  // -128 and -127 both read -1; 64 reads 64/127
  assert.deepEqual(unpacked('r8g8b8a8_snorm', [0x80, 0x81, 64, 127]), [-1, -1, 64 / 127, 1]);
  // -2 clamps to -1 = -127 (0x81); 0.5 * 127 = 63.5 rounds to 64; NaN is 0
  assert.deepEqual(packed('r8g8b8a8_snorm', [-2, 0.5, NaN, 1]), [0x81, 64, 0, 127]);
  assert.deepEqual(unpacked('r8_snorm', [0xff]), [-1 / 127, 0, 0, 1]);
  // every byte survives unpack then pack, except -128, which is -1 = -127
  for (let k = 0; k < 256; k++) assert.deepEqual(packed('r8_snorm', unpacked('r8_snorm', [k])), [k === 0x80 ? 0x81 : k]);
});

test('R11F_G11F_B10F: unsigned floats with 5 exponent bits (ES 3.0 § 2.1.3), R in bits 10:0, G 21:11, B 31:22', () => {
  // 1.0: exponent 15, mantissa 0 = 0x3c0 (11 bits: 6 mantissa bits) or 0x1e0 (10 bits: 5)
  // 0.75 = 1.5 * 2^-1: exponent 14, mantissa 32 of 64 = 0x3a0; 3 = 1.5 * 2: exponent 16, mantissa 16 of 32 = 0x210
  const w = (0x3c0 | (0x3a0 << 11) | (0x210 << 22)) >>> 0;
  assert.deepEqual(unpacked('r11g11b10_float', le32(w)), [1, 0.75, 3, 1]);
  assert.deepEqual(packed('r11g11b10_float', [1, 0.75, 3, 0]), le32(w));
  // negative values are 0, large ones saturate at 65024 (0x7bf, 11 bits) and 64512 (0x3df, 10 bits), +Inf stays (0x7c0 / 0x3e0)
  assert.deepEqual(packed('r11g11b10_float', [-5, 1e9, Infinity, 0]), le32((0 | (0x7bf << 11) | (0x3e0 << 22)) >>> 0));
  assert.deepEqual(unpacked('r11g11b10_float', le32((0x7bf | (0x7c0 << 11) | (0x3df << 22)) >>> 0)), [65024, Infinity, 64512, 1]);
  // 0.1 = 1.6 * 2^-4 in 5 mantissa bits: 0.6 * 32 = 19.2 -> 19: (1 + 19/32) / 16 = 0.099609375
  assert.deepEqual(unpacked('r11g11b10_float', packed('r11g11b10_float', [0, 0, 0.1, 0])), [0, 0, 0.099609375, 1]);
  // denormals: 2^-20 is mantissa 1 of exponent 0 (1 * 2^(-14-6)) in 11 bits
  assert.deepEqual(packed('r11g11b10_float', [2 ** -20, 0, 0, 0]), le32(1));
  // every finite 11-bit and 10-bit value survives unpack then pack
  for (let v = 0; v < 0x7c0; v++) assert.deepEqual(packed('r11g11b10_float', unpacked('r11g11b10_float', le32(v))), le32(v));
  for (let v = 0; v < 0x3e0; v++) assert.deepEqual(packed('r11g11b10_float', unpacked('r11g11b10_float', le32(v << 22))), le32((v << 22) >>> 0));
});

test('RGB9_E5: ES 3.0 § 3.8.3.2 equations 3.2-3.5 (shared exponent, N = 9, B = 15), mantissas in bits 8:0, 17:9, 26:18, exponent 31:27', () => {
  // (3, 0.1, 0.001): maxc = 3, floor(log2 3) = 1, exp_p = 1 + 1 + 15 = 17, maxs = floor(3 / 2^(17-24) + 0.5) = 384 < 512;
  // rs = 384, gs = floor(0.1 * 128 + 0.5) = 13, bs = floor(0.128 + 0.5) = 0 -> (384 * 2^-7, 13 * 2^-7, 0) = (3, 0.1015625, 0)
  const w = (384 | (13 << 9) | (0 << 18) | (17 << 27)) >>> 0;
  assert.deepEqual(packed('r9g9b9e5_float', [3, 0.1, 0.001, 1]), le32(w));
  assert.deepEqual(unpacked('r9g9b9e5_float', le32(w)), [3, 0.1015625, 0, 1]);
  // maxs reaching 2^N takes the next exponent: c = 1 - 2^-11, floor(log2 c) = -1, exp_p = 15,
  // maxs = floor(c * 512 + 0.5) = floor(512.25) = 512 = 2^9 -> exp_s = 16, rs = floor(c * 256 + 0.5) = 256 -> 256 * 2^-8 = 1
  assert.deepEqual(unpacked('r9g9b9e5_float', packed('r9g9b9e5_float', [1 - 2 ** -11, 0, 0, 0])), [1, 0, 0, 1]);
  // components clamp to [0, sharedexp_max = 511/512 * 2^16 = 65408]; NaN is 0
  assert.deepEqual(unpacked('r9g9b9e5_float', packed('r9g9b9e5_float', [1e6, -1, NaN, 0])), [65408, 0, 0, 1]);
  const q = [1e6, 0.1, 3, 7];
  QUANTIZE.r9g9b9e5_float(q, 0);
  assert.deepEqual(q, [65408, 0, 0, 1]);
});

test('RGB10_A2: R in bits 9:0, G 19:10, B 29:20, A 31:30 (UNSIGNED_INT_2_10_10_10_REV); its UI twin holds the integers', () => {
  const w = (1023 | (512 << 10) | (1 << 20) | (2 << 30)) >>> 0;
  assert.deepEqual(unpacked('r10g10b10a2_unorm', le32(w)), [1, 512 / 1023, 1 / 1023, 2 / 3]);
  assert.deepEqual(packed('r10g10b10a2_unorm', [1, 512 / 1023, 1 / 1023, 2 / 3]), le32(w));
  assert.deepEqual(unpacked('r10g10b10a2_uint', le32(w)), [1023, 512, 1, 2]);
  assert.deepEqual(packed('r10g10b10a2_uint', [1023, 512, 1, 2]), le32(w));
  assert.deepEqual(formatBits('r10g10b10a2_unorm'), { r: 10, g: 10, b: 10, a: 2, d: 0, s: 0 });
});

test('integer formats read their integers, sign-extended for sint; packing keeps the low bits (two\'s complement)', () => {
  assert.deepEqual(unpacked('r8g8b8a8_sint', [0xff, 0x80, 0x7f, 0]), [-1, -128, 127, 0]);
  assert.deepEqual(unpacked('r8g8b8a8_uint', [0xff, 0x80, 0x7f, 0]), [255, 128, 127, 0]);
  assert.deepEqual(unpacked('r16g16_sint', [...le16(0xffff), ...le16(0x8000)]), [-1, -32768, 0, 1]);
  assert.deepEqual(unpacked('r32g32b32a32_uint', [...le32(0xffffffff), ...le32(0x7fffffff), ...le32(0x80000000), ...le32(0)]), [4294967295, 2147483647, 2147483648, 0]);
  assert.deepEqual(unpacked('r32g32b32a32_sint', [...le32(0xffffffff), ...le32(0x7fffffff), ...le32(0x80000000), ...le32(0)]), [-1, 2147483647, -2147483648, 0]);
  assert.deepEqual(unpacked('r32_uint', le32(0xdeadbeef)), [0xdeadbeef, 0, 0, 1]);
  assert.deepEqual(packed('r8g8b8a8_sint', [-1, -128, 127, 300]), [0xff, 0x80, 0x7f, 300 & 255]);
  assert.deepEqual(packed('r32g32_uint', [4294967295, -1, 0, 0]), [...le32(0xffffffff), ...le32(0xffffffff)]);
  assert.deepEqual(formatBits('r16g16b16_sint'), { r: 16, g: 16, b: 16, a: 0, d: 0, s: 0 });
});

test('every integer format: pack then unpack gives back any integer the channel holds (fast-check)', () => {
  const names = (Object.keys(PIXEL_FORMATS) as PixelFormatName[]).filter((n) => PIXEL_FORMATS[n].layout === 'array' && PIXEL_FORMATS[n].channels.every((c) => c.type === 'uint' || c.type === 'sint'));
  assert.equal(names.length, 24);
  fc.assert(fc.property(fc.constantFrom(...names), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), { minLength: 4, maxLength: 4 }), (name, v) => {
    const f = PIXEL_FORMATS[name], c = f.channels[0]!, n = f.channels.length;
    // the channel's value of v: its low `bits` bits, as unsigned or two's complement
    const expect = v.map((x, k) => {
      if (k >= n) return k === 3 ? 1 : 0;
      const low = c.bits === 32 ? x >>> 0 : x & (2 ** c.bits - 1);
      return c.type === 'uint' ? low : low >= 2 ** (c.bits - 1) ? low - 2 ** c.bits : low;
    });
    assert.deepEqual(unpacked(name, packed(name, v)), expect);
  }), { numRuns: 1000 });
});
