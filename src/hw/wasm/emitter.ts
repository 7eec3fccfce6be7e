/**
 * A small typed emitter of the WebAssembly binary format: LEB128, sections,
 * a module builder (types, imports, functions, exports) and a function body
 * builder whose methods are the instructions of opcodes.ts.
 *
 * Why our own instead of a package: what the shader translators need is a
 * few hundred lines — a byte buffer, LEB128 and the section framing — and the
 * well-kept wasm toolkits are either native (binaryen's C++ compiled to a
 * 10 MB asm.js/wasm blob that costs more to load than any shader we
 * translate) or text-format assemblers (wabt) that would put a parser between
 * us and the bytes. Emitting binary directly keeps translation time in the
 * tens of microseconds per shader.
 */
import {
  BLOCKTYPE_EMPTY, EXTERNAL_KIND, FUNC_TYPE, LIMITS, MEMARG_OPS, OP, SECTION, SIMD, SIMD_LANE_OPS, SIMD_MEMARG_OPS, SIMD_PREFIX,
  VALTYPE, type Op, type SimdOp, type ValType,
} from './opcodes.js';

/** A growable byte buffer. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  u8(v: number): this { this.room(1); this.buf[this.length++] = v & 0xff; return this; }
  bytes(b: ArrayLike<number>): this { this.room(b.length); this.buf.set(b, this.length); this.length += b.length; return this; }
  /** unsigned LEB128 of a non-negative integer below 2^53 */
  uleb(v: number): this {
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`uleb: ${v}`);
    do {
      let byte = v % 128;
      v = Math.floor(v / 128);
      if (v) byte |= 0x80;
      this.u8(byte);
    } while (v);
    return this;
  }
  /** signed LEB128 of an integer in ±2^53 */
  sleb(v: number): this {
    if (!Number.isInteger(v)) throw new RangeError(`sleb: ${v}`);
    for (;;) {
      const byte = ((v % 128) + 128) % 128;
      v = Math.floor(v / 128);
      const signBit = byte & 0x40;
      if ((v === 0 && !signBit) || (v === -1 && signBit)) { this.u8(byte); return this; }
      this.u8(byte | 0x80);
    }
  }
  f32(v: number): this { const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, v, true); return this.bytes(b); }
  f64(v: number): this { const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, v, true); return this.bytes(b); }
  name(s: string): this { const b = new TextEncoder().encode(s); return this.uleb(b.length).bytes(b); }
  /** a length-prefixed copy of another buffer */
  sized(b: Bytes): this { return this.uleb(b.length).bytes(b.view()); }
  view(): Uint8Array { return this.buf.subarray(0, this.length); }
}

/** Decodes an unsigned LEB128 at `at`: the value and the number of bytes read. */
export function readUleb(b: ArrayLike<number>, at: number): { value: number; size: number } {
  let value = 0, mul = 1, i = at;
  for (;;) {
    const byte = b[i++];
    if (byte === undefined) throw new RangeError('uleb: truncated');
    value += (byte & 0x7f) * mul;
    mul *= 128;
    if (!(byte & 0x80)) return { value, size: i - at };
  }
}

/** Decodes a signed LEB128 at `at`. */
export function readSleb(b: ArrayLike<number>, at: number): { value: number; size: number } {
  let value = 0, mul = 1, i = at;
  for (;;) {
    const byte = b[i++];
    if (byte === undefined) throw new RangeError('sleb: truncated');
    if (byte & 0x80) { value += (byte & 0x7f) * mul; mul *= 128; continue; }
    // the last byte carries the sign: adding it signed keeps every partial sum exact
    value += ((byte & 0x40) ? (byte & 0x7f) - 0x80 : byte) * mul;
    return { value, size: i - at };
  }
}

export interface FuncType { params: readonly ValType[]; results: readonly ValType[] }

/** A function body under construction: locals and instructions. */
export class FunctionBuilder {
  readonly code = new Bytes();
  private readonly localTypes: ValType[] = [];
  constructor(readonly type: FuncType) {}

  /** index of a new local of type `t` (parameters come first) */
  local(t: ValType): number {
    this.localTypes.push(t);
    return this.type.params.length + this.localTypes.length - 1;
  }

  op(name: Op, ...imm: number[]): this {
    this.code.u8(OP[name]);
    if (MEMARG_OPS.has(name)) { this.code.uleb(imm[0] ?? 2).uleb(imm[1] ?? 0); return this; }
    for (const v of imm) this.code.uleb(v);
    return this;
  }
  simd(name: SimdOp, ...imm: number[]): this {
    this.code.u8(SIMD_PREFIX).uleb(SIMD[name]);
    if (SIMD_MEMARG_OPS.has(name)) {
      this.code.uleb(imm[0] ?? 4).uleb(imm[1] ?? 0);
      if (SIMD_LANE_OPS.has(name)) this.code.u8(imm[2] ?? 0); // a lane load: (align, offset, lane)
    } else if (SIMD_LANE_OPS.has(name)) this.code.u8(imm[0] ?? 0);
    return this;
  }
  i32(v: number): this { this.code.u8(OP['i32.const']).sleb(v | 0); return this; }
  f32(v: number): this { this.code.u8(OP['f32.const']).f32(v); return this; }
  f64(v: number): this { this.code.u8(OP['f64.const']).f64(v); return this; }
  /** v128.const from four 32-bit lanes */
  v128i32(a: number, b: number, c: number, d: number): this {
    this.code.u8(SIMD_PREFIX).uleb(SIMD['v128.const']);
    const bytes = new Uint8Array(16), dv = new DataView(bytes.buffer);
    [a, b, c, d].forEach((v, i) => dv.setUint32(i * 4, v >>> 0, true));
    this.code.bytes(bytes);
    return this;
  }
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new RangeError('i8x16.shuffle takes 16 lane indices');
    this.code.u8(SIMD_PREFIX).uleb(SIMD['i8x16.shuffle']).bytes(lanes);
    return this;
  }
  get(i: number): this { return this.op('local.get', i); }
  set(i: number): this { return this.op('local.set', i); }
  tee(i: number): this { return this.op('local.tee', i); }
  block(): this { this.code.u8(OP.block).u8(BLOCKTYPE_EMPTY); return this; }
  loop(): this { this.code.u8(OP.loop).u8(BLOCKTYPE_EMPTY); return this; }
  if(): this { this.code.u8(OP.if).u8(BLOCKTYPE_EMPTY); return this; }
  end(): this { return this.op('end'); }

  /** the function's code-section entry: locals (run-length grouped by type) and body */
  encode(): Bytes {
    const body = new Bytes();
    const groups: Array<[number, ValType]> = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    body.uleb(groups.length);
    for (const [n, t] of groups) body.uleb(n).u8(VALTYPE[t]);
    body.bytes(this.code.view()).u8(OP.end);
    return new Bytes().sized(body);
  }
}

export interface MemoryImport { module: string; name: string; min: number; max?: number; shared?: boolean }

/** A module: types are deduplicated; imported functions take the first function indices. */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly funcImports: Array<{ module: string; name: string; type: number }> = [];
  private memImport: MemoryImport | null = null;
  private readonly funcs: Array<{ type: number; fn: FunctionBuilder }> = [];
  private readonly exports: Array<{ name: string; kind: number; index: number }> = [];
  private sealedImports = false;

  typeIndex(t: FuncType): number {
    const key = `${t.params.join(',')}->${t.results.join(',')}`;
    let i = this.typeKeys.get(key);
    if (i === undefined) { i = this.types.length; this.types.push(t); this.typeKeys.set(key, i); }
    return i;
  }

  /** imports a function; all imports must come before the first defined function */
  importFunc(module: string, name: string, type: FuncType): number {
    if (this.sealedImports) throw new Error('imports must precede defined functions');
    this.funcImports.push({ module, name, type: this.typeIndex(type) });
    return this.funcImports.length - 1;
  }
  importMemory(m: MemoryImport): void { this.memImport = m; }

  /** a new function; its index is the returned builder's `index` */
  func(type: FuncType, exportName?: string): { fn: FunctionBuilder; index: number } {
    this.sealedImports = true;
    const fn = new FunctionBuilder(type);
    const index = this.funcImports.length + this.funcs.length;
    this.funcs.push({ type: this.typeIndex(type), fn });
    if (exportName !== undefined) this.exports.push({ name: exportName, kind: EXTERNAL_KIND.func, index });
    return { fn, index };
  }

  encode(): Uint8Array<ArrayBuffer> {
    const out = new Bytes().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, fill: (b: Bytes) => void) => { const b = new Bytes(); fill(b); out.u8(id).sized(b); };
    section(SECTION.type, (b) => {
      b.uleb(this.types.length);
      for (const t of this.types) {
        b.u8(FUNC_TYPE).uleb(t.params.length);
        for (const p of t.params) b.u8(VALTYPE[p]);
        b.uleb(t.results.length);
        for (const r of t.results) b.u8(VALTYPE[r]);
      }
    });
    const nImports = this.funcImports.length + (this.memImport ? 1 : 0);
    if (nImports) {
      section(SECTION.import, (b) => {
        b.uleb(nImports);
        const m = this.memImport;
        if (m) {
          b.name(m.module).name(m.name).u8(EXTERNAL_KIND.memory);
          if (m.shared) b.u8(LIMITS.sharedMinMax).uleb(m.min).uleb(m.max!);
          else if (m.max !== undefined) b.u8(LIMITS.minMax).uleb(m.min).uleb(m.max);
          else b.u8(LIMITS.min).uleb(m.min);
        }
        for (const f of this.funcImports) b.name(f.module).name(f.name).u8(EXTERNAL_KIND.func).uleb(f.type);
      });
    }
    section(SECTION.function, (b) => { b.uleb(this.funcs.length); for (const f of this.funcs) b.uleb(f.type); });
    if (this.exports.length) {
      section(SECTION.export, (b) => {
        b.uleb(this.exports.length);
        for (const e of this.exports) b.name(e.name).u8(e.kind).uleb(e.index);
      });
    }
    section(SECTION.code, (b) => { b.uleb(this.funcs.length); for (const f of this.funcs) b.bytes(f.fn.encode().view()); });
    return new Uint8Array(out.view());
  }
}
