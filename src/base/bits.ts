/** Bit helpers for 64-bit quantities held as JS numbers (exact up to 2^53). */

export const TWO32 = 0x1_0000_0000;

export function lo32(v: number): number {
  return v % TWO32 >>> 0;
}
export function hi32(v: number): number {
  return Math.floor(v / TWO32) >>> 0;
}
export function join64(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}
/** Extract `bits` bits starting at bit `lo` of a 64-bit value held as two words. */
export function getBits64(words: { lo: number; hi: number }, lo: number, bits: number): number {
  let out = 0;
  for (let i = 0; i < bits; i++) {
    const b = lo + i;
    const w = b < 32 ? words.lo : words.hi;
    const bit = (w >>> (b & 31)) & 1;
    out += bit * 2 ** i;
  }
  return out;
}
export function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}
export function isAligned(v: number, a: number): boolean {
  return v % a === 0;
}
export function hex(v: number, width = 0): string {
  return '0x' + v.toString(16).padStart(width, '0');
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function f32ToBits(f: number): number {
  f32[0] = f;
  return u32[0]!;
}
export function bitsToF32(b: number): number {
  u32[0] = b >>> 0;
  return f32[0]!;
}

/** `m >>> s` rounded to nearest, ties to even (1 <= s <= 31). */
function shiftRoundEven(m: number, s: number): number {
  const q = m >>> s, r = m & ((1 << s) - 1), half = 1 << (s - 1);
  return r > half || (r === half && (q & 1) !== 0) ? q + 1 : q;
}

/**
 * IEEE single bits -> IEEE half bits (low 16 bits), rounded to nearest even:
 * too large gives infinity, too small zero or a subnormal, any NaN 0x7e00.
 * The shader core's f2h (GLSL packHalf2x16).
 */
export function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant ? 0x7e00 : sign | 0x7c00;
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  // a normal half: the exponent field plus the rounded mantissa (a carry out of it is the next binade, or infinity)
  if (e >= 1) return sign | ((e << 10) + shiftRoundEven(mant, 13));
  // a subnormal half counts units of 2^-24: the single's 24-bit significand shifted down
  if (exp === 0) return sign; // a subnormal single is far below 2^-25
  const shift = 14 - e;
  return shift > 24 ? sign : sign | shiftRoundEven(mant | 0x800000, shift);
}

/** IEEE half bits (low 16 bits of h) -> IEEE single bits, exactly; a NaN keeps its payload, quieted. The shader core's h2f. */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const e = (h >>> 10) & 31, m = h & 0x3ff;
  if (e === 31) return (sign | 0x7f800000 | (m ? 0x400000 | (m << 13) : 0)) >>> 0;
  if (e === 0) return (sign | f32ToBits(m * 2 ** -24)) >>> 0;
  return (sign | ((e - 15 + 127) << 23) | (m << 13)) >>> 0;
}
