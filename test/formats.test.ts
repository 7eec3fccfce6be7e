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
