/**
 * C structure layouts for the UAPI: declared once as (name, type) lists with
 * C's natural alignment on LP64, so that the byte layout is exactly what the
 * Linux headers give on x86_64/arm64. Both sides of the ioctl boundary — the
 * kernel's copy_from_user and libdrm's marshalling — use these.
 *
 * Only fixed-size integers and user pointers (u64) appear, so a struct can
 * cross a process or wire boundary unchanged.
 */
import { TWO32 } from '../base/bits.js';

export type CType = 'u8' | 'u16' | 'u32' | 's32' | 'u64' | 's64';
const SIZE: Record<CType, number> = { u8: 1, u16: 2, u32: 4, s32: 4, u64: 8, s64: 8 };

export interface CField { readonly name: string; readonly type: CType; readonly offset: number; readonly count: number }
export interface CStruct {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly CField[];
  readonly byName: ReadonlyMap<string, CField>;
}
export type CValues = Record<string, number>;

export function cstruct(name: string, decl: Array<[string, CType] | [string, CType, number]>): CStruct {
  let off = 0, align = 1;
  const fields: CField[] = [];
  for (const [fname, type, count = 1] of decl) {
    const sz = SIZE[type];
    align = Math.max(align, sz);
    off = Math.ceil(off / sz) * sz;
    fields.push({ name: fname, type, offset: off, count });
    off += sz * count;
  }
  const size = Math.ceil(off / align) * align;
  return { name, size, fields, byName: new Map(fields.map((f) => [f.name, f])) };
}

export function readField(dv: DataView, at: number, f: CField, index = 0): number {
  const o = at + f.offset + index * SIZE[f.type];
  switch (f.type) {
    case 'u8': return dv.getUint8(o);
    case 'u16': return dv.getUint16(o, true);
    case 'u32': return dv.getUint32(o, true);
    case 's32': return dv.getInt32(o, true);
    // hi * 2^32 is exact and the sum rounds once, to nearest even: Number() of the BigInt, without making one
    case 'u64': return dv.getUint32(o + 4, true) * TWO32 + dv.getUint32(o, true);
    case 's64': return dv.getInt32(o + 4, true) * TWO32 + dv.getUint32(o, true);
  }
}

export function writeField(dv: DataView, at: number, f: CField, v: number, index = 0): void {
  const o = at + f.offset + index * SIZE[f.type];
  switch (f.type) {
    case 'u8': dv.setUint8(o, v); break;
    case 'u16': dv.setUint16(o, v, true); break;
    case 'u32': dv.setUint32(o, v >>> 0, true); break;
    case 's32': dv.setInt32(o, v | 0, true); break;
    case 'u64': case 's64':
      // a whole number of 0..2^53 as two words; anything else (negative, larger, fractional past 2^53, NaN: a RangeError) through BigInt
      if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
        const t = Math.trunc(v);
        dv.setUint32(o, t >>> 0, true);
        dv.setUint32(o + 4, Math.floor(t / TWO32), true);
      } else if (f.type === 'u64') dv.setBigUint64(o, BigInt.asUintN(64, BigInt(Math.trunc(v))), true);
      else dv.setBigInt64(o, BigInt.asIntN(64, BigInt(Math.trunc(v))), true);
      break;
  }
}

export function readStruct(s: CStruct, bytes: Uint8Array, at = 0): CValues {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: CValues = {};
  for (const f of s.fields) if (f.count === 1) out[f.name] = readField(dv, at, f);
  return out;
}

export function writeStruct(s: CStruct, values: Partial<CValues>, bytes: Uint8Array = new Uint8Array(s.size), at = 0): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const f of s.fields) {
    const v = values[f.name];
    if (v !== undefined && f.count === 1) writeField(dv, at, f, v);
  }
  return bytes;
}

export function formatStruct(s: CStruct, v: CValues): string {
  return `{${s.fields.filter((f) => f.count === 1 && !/^pad|^reserved/.test(f.name)).map((f) => {
    const x = v[f.name] ?? 0;
    return `${f.name}=${f.type === 'u64' && x > 0xffff ? '0x' + x.toString(16) : x}`;
  }).join(', ')}}`;
}
