/**
 * Hardware structures described as data — the genxml idea.
 *
 * Every descriptor the GPU reads is declared once as a list of fields with
 * their word, bit position and width. `pack`, `unpack` and `print` are derived
 * from that list, so the user-space driver that writes a descriptor, the GPU
 * that reads it and the decoder that prints it cannot drift apart.
 *
 * `unpack` never throws: bits that no field covers are reported as `stray`
 * so a decoder can flag garbage and keep going.
 */
import { hex, bitsToF32, f32ToBits, TWO32 } from '../base/bits.js';

export type FieldKind = 'uint' | 'sint' | 'float' | 'addr' | 'bool' | 'enum';

export interface FieldDesc {
  readonly name: string;
  /** 32-bit word index within the structure. */
  readonly word: number;
  /** lowest bit within the word (0..31). Ignored for float/addr. */
  readonly lo: number;
  /** width in bits; float is 32, addr is 64 (word and word+1). */
  readonly width: number;
  readonly kind: FieldKind;
  /** For enums: value -> name. */
  readonly values?: readonly string[];
  readonly doc?: string;
}

export interface StructDesc {
  readonly name: string;
  /** size in 32-bit words */
  readonly words: number;
  /** required alignment of the structure in GPU memory, bytes */
  readonly align: number;
  readonly fields: readonly FieldDesc[];
}

export type StructValues = Record<string, number>;

export function f(name: string, word: number, lo: number, width: number, kind: FieldKind = 'uint', extra: Partial<FieldDesc> = {}): FieldDesc {
  return { name, word, lo, width, kind, ...extra };
}
export function fAddr(name: string, word: number, doc?: string): FieldDesc {
  return { name, word, lo: 0, width: 64, kind: 'addr', doc };
}
export function fFloat(name: string, word: number): FieldDesc {
  return { name, word, lo: 0, width: 32, kind: 'float' };
}
export function fEnum(name: string, word: number, lo: number, width: number, values: readonly string[]): FieldDesc {
  return { name, word, lo, width, kind: 'enum', values };
}

export function defineStruct(name: string, words: number, align: number, fields: FieldDesc[]): StructDesc {
  // Validate the description itself: fields inside the struct and not overlapping.
  const used = new Uint32Array(words);
  for (const fd of fields) {
    const spans: Array<[number, number, number]> =
      fd.kind === 'addr' ? [[fd.word, 0, 32], [fd.word + 1, 0, 32]] :
      fd.kind === 'float' ? [[fd.word, 0, 32]] : [[fd.word, fd.lo, fd.width]];
    for (const [w, lo, width] of spans) {
      if (w >= words || lo + width > 32) throw new Error(`${name}.${fd.name}: outside the structure`);
      const mask = width === 32 ? 0xffffffff : ((1 << width) - 1) << lo;
      if ((used[w]! & mask) !== 0) throw new Error(`${name}.${fd.name}: overlaps another field`);
      used[w] = (used[w]! | mask) >>> 0;
    }
  }
  return { name, words, align, fields };
}

function maskOf(width: number): number {
  return width >= 32 ? 0xffffffff : (1 << width) - 1;
}

export function packInto(desc: StructDesc, values: Partial<StructValues>, out: Uint32Array, at = 0): void {
  for (let i = 0; i < desc.words; i++) out[at + i] = 0;
  for (const fd of desc.fields) {
    const v = values[fd.name];
    if (v === undefined) continue;
    const w = at + fd.word;
    switch (fd.kind) {
      case 'addr':
        if (v < 0 || !Number.isInteger(v)) throw new Error(`${desc.name}.${fd.name}: bad address ${v}`);
        out[w] = v % TWO32 >>> 0;
        out[w + 1] = Math.floor(v / TWO32) >>> 0;
        break;
      case 'float':
        out[w] = f32ToBits(v);
        break;
      default: {
        const m = maskOf(fd.width);
        const raw = fd.kind === 'sint' ? v & m : v;
        if (fd.kind !== 'sint' && (raw < 0 || raw > m || !Number.isInteger(raw))) {
          throw new Error(`${desc.name}.${fd.name}: value ${v} does not fit in ${fd.width} bits`);
        }
        out[w] = (out[w]! | ((raw & m) << fd.lo)) >>> 0;
      }
    }
  }
}

export function pack(desc: StructDesc, values: Partial<StructValues>): Uint32Array {
  const out = new Uint32Array(desc.words);
  packInto(desc, values, out, 0);
  return out;
}

export interface Unpacked {
  values: StructValues;
  /** words index -> bits set that no field describes */
  stray: Array<{ word: number; bits: number }>;
}

export function unpackField(fd: FieldDesc, words: ArrayLike<number>, at = 0): number {
  const w = words[at + fd.word]! >>> 0;
  switch (fd.kind) {
    case 'addr':
      return (words[at + fd.word + 1]! >>> 0) * TWO32 + w;
    case 'float':
      return bitsToF32(w);
    case 'sint': {
      const raw = (w >>> fd.lo) & maskOf(fd.width);
      const sign = 2 ** (fd.width - 1);
      return raw >= sign ? raw - 2 * sign : raw;
    }
    default:
      return fd.width === 32 ? w : (w >>> fd.lo) & maskOf(fd.width);
  }
}

/** Each word's bits that some field of `desc` describes (a function of the description: computed once per structure). */
function coveredBits(desc: StructDesc): Uint32Array {
  let covered = COVERED.get(desc);
  if (covered) return covered;
  covered = new Uint32Array(desc.words);
  for (const fd of desc.fields) {
    if (fd.kind === 'addr') {
      covered[fd.word] = 0xffffffff;
      covered[fd.word + 1] = 0xffffffff;
    } else if (fd.kind === 'float') covered[fd.word] = 0xffffffff;
    else covered[fd.word] = (covered[fd.word]! | (maskOf(fd.width) << fd.lo)) >>> 0;
  }
  COVERED.set(desc, covered);
  return covered;
}
const COVERED = new WeakMap<StructDesc, Uint32Array>();

export function unpack(desc: StructDesc, words: ArrayLike<number>, at = 0): Unpacked {
  const values: StructValues = {};
  for (const fd of desc.fields) values[fd.name] = unpackField(fd, words, at);
  const covered = coveredBits(desc);
  const stray: Unpacked['stray'] = [];
  for (let i = 0; i < desc.words; i++) {
    const extra = ((words[at + i]! >>> 0) & ~covered[i]!) >>> 0;
    if (extra) stray.push({ word: i, bits: extra });
  }
  return { values, stray };
}

export function formatField(fd: FieldDesc, v: number): string {
  switch (fd.kind) {
    case 'addr':
      return hex(v);
    case 'float':
      return Number.isInteger(v) ? v.toFixed(1) : String(Math.fround(v));
    case 'bool':
      return v ? 'true' : 'false';
    case 'enum':
      return fd.values?.[v] ?? `XXX unknown (${v})`;
    default:
      return String(v);
  }
}

/** Prints a structure as agxdecode/pandecode do: one field per line, stray bits flagged. */
export function print(desc: StructDesc, u: Unpacked, indent = '  '): string {
  const lines = [`${desc.name}:`];
  for (const fd of desc.fields) lines.push(`${indent}${fd.name}: ${formatField(fd, u.values[fd.name]!)}`);
  for (const s of u.stray) lines.push(`${indent}XXX stray bits in word ${s.word}: ${hex(s.bits, 8)}`);
  return lines.join('\n');
}
