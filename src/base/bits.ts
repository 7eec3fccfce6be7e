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
