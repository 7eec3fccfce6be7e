/**
 * The shader core's binary translator to WebAssembly SIMD128: the Akari
 * machine code a core fetched through the MMU (with execute permission) and
 * decoded (decodeProgram) becomes one wasm function that runs a whole warp,
 * the way a binary-translating simulator or llvmpipe's shader variants turn
 * a shader into native code. It knows nothing above the ISA.
 *
 * Shape of the translation:
 * - A warp's 16 lanes are four v128 per register: register r is four wasm
 *   locals (lanes 0-3, 4-7, 8-11, 12-15), one 2x2 fragment quad in each, so
 *   derivatives are shuffles within one vector. Programs that index their
 *   registers (ld_r/st_r) keep the register file in the core's local memory
 *   instead, and every access is a v128 load/store.
 * - Execution masks are i32 bitmasks (bit l = lane l) in locals `mask` and
 *   `alive`, as in the interpreter; whenever `mask` changes the four v128
 *   lane masks (all-ones lanes) are rebuilt, and every register write is a
 *   bitselect of new and old value under them — so inactive lanes keep
 *   their bits exactly as the interpreter leaves them.
 * - Structured control flow maps to wasm's: if/else/endif become wasm `if`
 *   blocks entered only when some lane is active, loop/endloop a `block` +
 *   `loop` pair left when no lane is still in the loop, with the same mask
 *   algebra as the interpreter's stack.
 * - ALU work is SIMD. Float results equal the interpreter's (which computes
 *   in double and rounds to single): +, -, *, /, sqrt are correctly rounded
 *   in both (double rounding is innocuous for them, 53 >= 2*24+2), and the
 *   ops the interpreter evaluates as several double operations (rsq, mod)
 *   run as the same double operations in f64x2. The transcendental built-ins
 *   (sin, cos, tan, asin, acos, atan, atan2, exp2, log2, pow) call the very
 *   JavaScript Math functions the interpreter uses, lane by lane, so they are
 *   bit-exact too. NaN payloads and signs are not architectural.
 * - Uniform and inline-constant operands are splats loaded once per warp;
 *   special registers are fetched once per warp through the I/O unit.
 * - Everything outside the register file goes through imported functions
 *   that stage operands and results as lane-vectors in the core's local
 *   memory (hwdesc/corelocal.ts) — one call per instruction per warp, not
 *   per lane — and reach the pipeline's ShaderIO. A fault raised there (an
 *   unmapped texture or global address) propagates out of the wasm code
 *   unchanged, with its address.
 *
 * The interpreter (shader-core.ts runWarp) stays the reference semantics;
 * test/shader-wasm.test.ts holds the two together.
 */
import { INLINE_CONSTANTS, OPS, SRC_KIND_CONST, SRC_KIND_GPR, SRC_KIND_SPECIAL, TEX_DIM_COORDS, VARY_FIRST_USER, VARY_POINT_SIZE, WARP_LANES } from '../hwdesc/isa.js';
import { ATTRIB_FETCH, CORE_LOCAL, LANE_VECTOR_BYTES, VERTEX_ID_NONE, VERTEX_OUT_MAX_WORDS } from '../hwdesc/corelocal.js';
import { f16BitsToF32Bits, f32BitsToF16Bits, f32ToBits } from '../base/bits.js';
import { ModuleBuilder, type FunctionBuilder } from './wasm/emitter.js';
import type { SimdOp } from './wasm/opcodes.js';
import { ShaderExecError, TEX_FETCH, TEX_SIZE, type DecodedOp, type ShaderIO, type VertexOutputs, type Warp } from './shader-core.js';
import type { PhysicalMemory } from './memory.js';

const LANES = WARP_LANES;
const VECS = LANES / 4;
const CONST_BITS = INLINE_CONSTANTS.map(f32ToBits);
const ONE = 0x3f800000, MINUS_ONE = 0xbf800000, SIGN = 0x80000000;

/** The imported functions, in import order (their indices in the module). */
const IMPORTS = [
  ['special', ['i32', 'i32'], []],                            // (which, lanes): lane-vector at vec
  ['ldAttr', ['i32', 'i32', 'i32'], []],                      // (slot, comp, mask): vec
  ['ldVary', ['i32', 'i32'], []],                             // (slot, mask): vec
  ['stVary', ['i32', 'i32'], []],                             // (slot, mask): from vec
  ['stOut', ['i32', 'i32', 'i32'], []],                       // (rt, comp, mask): from vec
  ['tex', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], []],    // (sampler, dim, mode, mask, offsets, int): texCoord.. -> texOut
  ['ldGlobal', ['i32', 'i32'], []],                           // (offset, mask): gaddr -> gval
  ['stGlobal', ['i32', 'i32'], []],                           // (offset, mask): gaddr, gval
  ['budget', ['i32'], ['i32']],                               // (steps): a new instruction budget, or throws
  ['sin', ['f64'], ['f64']], ['cos', ['f64'], ['f64']], ['tan', ['f64'], ['f64']],
  ['asin', ['f64'], ['f64']], ['acos', ['f64'], ['f64']], ['atan', ['f64'], ['f64']],
  ['exp2', ['f64'], ['f64']], ['log2', ['f64'], ['f64']],
  ['atan2', ['f64', 'f64'], ['f64']], ['pow', ['f64', 'f64'], ['f64']],
  ['f2h', ['i32'], ['i32']], ['h2f', ['i32'], ['i32']],       // half-float conversions on raw bits (base/bits.ts)
  ['ldVaryFlat', ['i32', 'i32'], []],                         // (slot, mask): vec, the provoking vertex's bits
] as const;
type ImportName = (typeof IMPORTS)[number][0];
const IMPORT_INDEX = Object.fromEntries(IMPORTS.map((d, i) => [d[0], i])) as Record<ImportName, number>;

/** The math the interpreter uses (shader-core.ts aluOp), lane by lane. */
const MATH: Record<string, (...x: number[]) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  exp2: (x) => 2 ** x, log2: Math.log2, atan2: Math.atan2, pow: (x, y) => x ** y,
};
const UNARY_MATH: Record<string, ImportName> = {
  fsin: 'sin', fcos: 'cos', ftan: 'tan', fasin: 'asin', facos: 'acos', fatan: 'atan', fexp2: 'exp2', flog2: 'log2',
};
const BINARY_MATH: Record<string, ImportName> = { fatan2: 'atan2', fpow: 'pow' };

// params of the warp function
const P_BASE = 0, P_MASK = 1, P_MAXSTEPS = 2, P_UNILEN = 3;

/** Declares a core's imports in `m` (its memory, the I/O unit, the math), in the order translated code calls them. */
export function importCore(m: ModuleBuilder): void {
  m.importMemory({ module: 'core', name: 'memory', min: 1, max: 65536, shared: true });
  for (const [name, params, results] of IMPORTS) m.importFunc('core', name, { params: [...params], results: [...results] });
}
/** functions importCore declares (a fused kernel's own imports come after them) */
export const CORE_IMPORTS = IMPORTS.length;

/** Translates a decoded program into a WebAssembly module exporting `warp(base, mask, maxSteps, uniformCount) -> steps`. */
export function translateToWasm(code: readonly DecodedOp[], regCount: number): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  importCore(m);
  const { fn: f } = m.func({ params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] }, 'warp');
  new Translator(f, code, regCount).run();
  return m.encode();
}

interface IfFrame { saved: number; taken: number }
/** the locals of the vertex unit's attribute loads and output stores */
interface FetchLocals { l: number; ok: number; pa: number; at: number; stride: number; limit: number; off: number; v: number[]; m: number; a: number; r: number }

/**
 * Whether a program can run one 2x2 quad at a time with unmasked register
 * writes (FusionHooks.perQuad): straight-line code — no control flow and no
 * discard, so every lane the warp starts with stays active from the first
 * instruction to `end`, and no lane's register is ever read after a write
 * it missed — whose instructions involve only the lanes of their own quad:
 * ALU work (derivatives are differences within the quad), immediates,
 * varyings and outputs. Texture, memory and indexed instructions (a call
 * or a loop for the whole warp) are left to the warp-wide translation.
 */
export function quadSeparable(code: readonly DecodedOp[]): boolean {
  for (const i of code) {
    const d = OPS[i.op];
    if (!d) return false;
    if (d.form === 'alu' || d.form === 'imm' || d.name === 'nop' || d.name === 'end' || d.name === 'ld_vary' || d.name === 'st_out') continue;
    return false;
  }
  return true;
}

/**
 * What a fused fragment kernel (fused.ts) puts in place of the I/O unit: the
 * translated program runs inline in the kernel's per-warp function, reading
 * its varyings and special registers from the kernel's interpolation and
 * writing its outputs to the kernel's locals, instead of calling out.
 */
export interface FusionHooks {
  /** locals of the enclosing function: core-local base, the instruction budget, the uniform buffer's length, the warp's lane mask */
  base: number; maxSteps: number; uniLen: number; laneMask: number;
  /**
   * The kernel runs the program one 2x2 quad at a time (quadSeparable(code)
   * holds): the translator's warpPrologue() once per warp, then its
   * quadBody() for each quad, with every `k` below 0, meaning the quad being
   * shaded, and every register write unmasked.
   */
  perQuad?: boolean;
  /** sets locs[k] to special register `idx` of lanes 4k..4k+3 */
  special(idx: number, locs: readonly number[]): void;
  /** pushes varying `slot` of lanes 4k..4k+3 (f32x4) */
  ldVary(slot: number, k: number): void;
  /** the value of lanes 4k.. is on the stack: store it to output `rt`.`comp` under the lane mask local `vm` (null: every lane of the quad) */
  stOut(rt: number, comp: number, k: number, vm: number | null): void;
  /**
   * emits texture instruction `i` in place of the I/O-unit call, or returns
   * false to leave it to the I/O unit (`ops.ioCall()` emits that call, for
   * draws the hook's own sampling does not serve)
   */
  tex?(i: DecodedOp, ops: TexOps): boolean;
}

/** What a FusionHooks.tex needs of the translator: registers (lanes 4k..4k+3, under the execution mask) and the I/O path. */
export interface TexOps {
  base: number; alive: number; regCount: number;
  getReg(r: number, k: number): void;
  setReg(r: number, k: number): void;
  ioCall(): void;
}

/**
 * Where a vertex kernel (vertex-kernel.ts) runs the program once per warp of
 * a range, inside its own loop: its locals in place of the warp function's
 * params, its special registers, and the warp's vertex indices and outputs
 * at per-warp addresses (absolute, in local memory) instead of the vertex
 * unit's single-warp places (CORE_LOCAL.vertexIds, vertexOut,
 * vertexPointSize). The I/O is the warp function's: the program's own
 * attribute loads and output stores, the I/O unit for everything else.
 */
export interface KernelFrame {
  base: number; maxSteps: number; uniLen: number; laneMask: number;
  /** sets locs[k] to special register `idx` of lanes 4k..4k+3 */
  special(idx: number, locs: readonly number[]): void;
  /** i32 locals: the address of the warp's lane vertex indices (a lane-vector), of its outputs (vertexOutWords per lane), of its point sizes (a lane-vector) */
  ids: number; out: number; psize: number;
}

/** The translator of one program into the body of a wasm function (a whole warp function, the shading step of a fused kernel, or a vertex kernel's). */
export class Translator {
  readonly mask: number;
  readonly alive: number;
  readonly steps: number;
  private readonly pBase: number;
  private readonly pMask: number;
  private readonly pMax: number;
  private readonly pUni: number;
  /** wasm blocks open at the current instruction (a fused kernel's `end` branches out of them all) */
  private depth = 0;
  private readonly vm: number[];
  private readonly t32: number[] = [];
  private readonly tv: number[] = [];
  /** register locals (4 per register) when the register file lives in locals */
  private readonly regLocals = new Map<number, number[]>();
  private readonly inMemory: boolean;
  private readonly uniformSplat = new Map<number, number>();
  private readonly special = new Map<number, number[]>();
  private readonly loops: Array<{ saved: number; brk: number; cont: number }> = [];
  private readonly ifs: IfFrame[] = [];
  private pending = 0;
  /** one quad at a time (FusionHooks.perQuad): vectors per register 1, writes unmasked, instructions counted at translation */
  private readonly perQuad: boolean;
  /** v128 per register: four (lanes 4k..4k+3), or one (the quad being shaded) */
  private readonly nv: number;

  /** inside a kernel's own function (fused or vertex): registers start zeroed in locals, `end` leaves the program's block */
  private readonly inKernel: boolean;

  constructor(private readonly f: FunctionBuilder, private readonly code: readonly DecodedOp[], private readonly regCount: number,
    private readonly hooks: FusionHooks | null = null, private readonly frame: KernelFrame | null = null) {
    const l = hooks ?? frame;
    this.inKernel = !!l;
    this.pBase = l ? l.base : P_BASE; this.pMask = l ? l.laneMask : P_MASK;
    this.pMax = l ? l.maxSteps : P_MAXSTEPS; this.pUni = l ? l.uniLen : P_UNILEN;
    if (hooks && frame) throw new Error('a translation is a fused kernel\'s or a vertex kernel\'s, not both');
    this.mask = f.local('i32');
    this.alive = f.local('i32');
    this.steps = f.local('i32');
    this.vm = [0, 1, 2, 3].map(() => f.local('v128'));
    for (let i = 0; i < 4; i++) { this.t32.push(f.local('i32')); this.tv.push(f.local('v128')); }
    this.inMemory = code.some((i) => OPS[i.op]?.name === 'ld_r' || OPS[i.op]?.name === 'st_r');
    this.perQuad = !!hooks?.perQuad;
    this.nv = this.perQuad ? 1 : VECS;
    if (this.perQuad && !quadSeparable(code)) throw new Error('per-quad translation of a program that is not quad-separable');
    if (frame && this.inMemory) throw new Error('a vertex kernel keeps registers in locals (no ld_r/st_r)');
  }

  // ---- register file -------------------------------------------------------

  /** the registers a program names (read or written), which the prologue loads and the epilogue stores */
  private referencedRegs(): Set<number> {
    const s = new Set<number>();
    const src = (c: number) => { if (c >> 8 === SRC_KIND_GPR && (c & 255) < this.regCount) s.add(c & 255); };
    for (const i of this.code) {
      const d = OPS[i.op];
      if (!d) continue;
      switch (d.form) {
        case 'alu': s.add(i.dst); src(i.a); if ((d.srcs ?? 0) > 1) src(i.b); if ((d.srcs ?? 0) > 2) src(i.c); if (d.name === 'fsel') src(i.a); break;
        case 'imm': case 'attr': s.add(i.dst); break;
        case 'cf': case 'out': src(i.a); break;
        case 'vary': if (d.name === 'ld_vary' || d.name === 'ld_vary_flat') s.add(i.dst); else src(i.a); break;
        case 'tex': {
          for (let k = 0; k < 4; k++) { s.add(i.dst + k); s.add((i.a & 255) + k); s.add((i.c & 255) + k); }
          src(i.b);
          break;
        }
        case 'ind': s.add(i.dst); src(i.a); src(i.b); break;
        case 'mem': s.add(i.dst); s.add(i.a & 255); s.add((i.a & 255) + 1); src(i.b); break;
        case 'none': break;
      }
    }
    for (const r of [...s]) if (r >= this.regCount) s.delete(r);
    return s;
  }

  private regAddr(r: number, k: number): number { return CORE_LOCAL.regs + r * LANE_VECTOR_BYTES + k * 16; }

  /** pushes lanes 4k..4k+3 of register r (zero for a register beyond the allocation) */
  private getReg(r: number, k: number): void {
    const f = this.f;
    if (r >= this.regCount) { f.v128i32(0, 0, 0, 0); return; }
    if (this.inMemory) { f.get(this.pBase).simd('v128.load', 4, this.regAddr(r, k)); return; }
    f.get(this.regLocals.get(r)![k]!);
  }

  /** writes the v128 on the stack to lanes 4k.. of register r under the execution mask (per quad: every lane is active) */
  private setRegMasked(r: number, k: number): void {
    const f = this.f, t = this.tv[3]!;
    if (this.perQuad) { f.set(this.regLocals.get(r)![0]!); return; }
    f.set(t);
    if (this.inMemory) {
      f.get(this.pBase).get(t);
      this.getReg(r, k);
      f.get(this.vm[k]!).simd('v128.bitselect').simd('v128.store', 4, this.regAddr(r, k));
      return;
    }
    const loc = this.regLocals.get(r)![k]!;
    f.get(t).get(loc).get(this.vm[k]!).simd('v128.bitselect').set(loc);
  }

  // ---- operands --------------------------------------------------------------

  /** pushes the raw bits of source `c` for lanes 4k.. */
  private raw(c: number, k: number): void {
    const kind = c >> 8, idx = c & 255, f = this.f;
    if (kind === SRC_KIND_GPR) this.getReg(idx, k);
    else if (kind === SRC_KIND_CONST) { const b = (CONST_BITS[idx] ?? 0) >>> 0; f.v128i32(b, b, b, b); }
    else if (kind === SRC_KIND_SPECIAL) f.get(this.special.get(idx)![k]!);
    else if (kind >= 1 && kind <= 4) f.get(this.uniformSplat.get((kind - 1) * 256 + idx)!);
    else f.v128i32(0, 0, 0, 0);
  }
  /** a source that has the same value in every lane (so a shift count can be scalar) */
  private isUniformSrc(c: number): boolean {
    const kind = c >> 8;
    return kind === SRC_KIND_CONST || (kind >= 1 && kind <= 4) || kind === 7 || (kind === SRC_KIND_GPR && (c & 255) >= this.regCount);
  }
  /** pushes a float source with its modifiers (abs clears, neg flips the sign bit) */
  private fsrc(c: number, k: number, neg: number, abs: number): void {
    this.raw(c, k);
    if (abs) this.f.v128i32(~SIGN, ~SIGN, ~SIGN, ~SIGN).simd('v128.and');
    if (neg) this.f.v128i32(SIGN, SIGN, SIGN, SIGN).simd('v128.xor');
  }
  private splat(bits: number): void { this.f.v128i32(bits, bits, bits, bits); }

  /** the lanes of `mask` whose source `c` is non-zero, as an i32 bitmask on the stack */
  private laneCond(c: number): void {
    const f = this.f;
    for (let k = 0; k < this.nv; k++) {
      this.raw(c, k);
      f.v128i32(0, 0, 0, 0).simd('i32x4.ne').simd('i32x4.bitmask');
      if (k) f.i32(4 * k).op('i32.shl').op('i32.or');
    }
    f.get(this.mask).op('i32.and');
  }

  /** rebuilds the v128 lane masks from `mask` */
  private maskChanged(): void {
    const f = this.f;
    for (let k = 0; k < this.nv; k++) {
      const b = 1 << (4 * k);
      f.get(this.mask).simd('i32x4.splat').v128i32(b, b << 1, b << 2, b << 3).simd('v128.and')
        .v128i32(0, 0, 0, 0).simd('i32x4.ne').set(this.vm[k]!);
    }
  }
  /** mask = (value on the stack); lane masks follow */
  private setMask(): void { this.f.set(this.mask); this.maskChanged(); }
  /** pushes ~(break | continue) of the innermost loop, or -1 outside loops */
  private loopOff(): void {
    const L = this.loops[this.loops.length - 1];
    if (!L) { this.f.i32(-1); return; }
    this.f.get(L.brk).get(L.cont).op('i32.or').i32(-1).op('i32.xor');
  }
  private flushSteps(): void {
    if (this.perQuad) { this.pending = 0; return; } // counted once per warp (warpPrologue)
    if (!this.pending) return;
    this.f.get(this.steps).i32(this.pending).op('i32.add').set(this.steps);
    this.pending = 0;
  }

  // ---- the function ----------------------------------------------------------

  run(): void {
    const f = this.f;
    if (this.perQuad) throw new Error('a per-quad translation runs as warpPrologue() and quadBody()');
    const regs = this.referencedRegs();
    if (!this.inMemory) {
      for (const r of [...regs].sort((a, b) => a - b)) {
        const locs = [0, 1, 2, 3].map(() => f.local('v128'));
        this.regLocals.set(r, locs);
        // a fused kernel's warps start from zeroed registers, as the pipeline clears a warp's
        for (let k = 0; k < this.nv; k++) {
          if (this.inKernel) f.v128i32(0, 0, 0, 0).set(locs[k]!);
          else f.get(this.pBase).simd('v128.load', 4, this.regAddr(r, k)).set(locs[k]!);
        }
      }
    }
    f.get(this.pMask).tee(this.alive).set(this.mask);
    this.maskChanged();
    this.operands();
    if (this.inKernel) f.block(); // the program's body: `end` leaves it
    for (let pc = 0; pc < this.code.length; pc++) this.instr(this.code[pc]!, pc);
    if (this.ifs.length || this.loops.length) throw new ShaderExecError('unterminated if or loop');
    this.epilogue();
    if (this.inKernel) f.end();
  }

  /**
   * Per quad (FusionHooks.perQuad), once per warp: one local per register,
   * the masks (every lane of the warp, for good: the program has no control
   * flow), the uniform operands' splats, and the warp's instruction count —
   * straight-line code runs every instruction up to the first `end`.
   */
  warpPrologue(): void {
    const f = this.f;
    if (!this.perQuad) throw new Error('warpPrologue() is for per-quad translations');
    for (const r of [...this.referencedRegs()].sort((a, b) => a - b)) this.regLocals.set(r, [f.local('v128')]);
    f.get(this.pMask).tee(this.alive).set(this.mask);
    this.operands();
    const end = this.code.findIndex((i) => OPS[i.op]?.name === 'end');
    f.i32(end >= 0 ? end + 1 : this.code.length).set(this.steps);
  }

  /** Per quad: the program for the quad the hooks address, from zeroed registers (as the pipeline clears a warp's). */
  quadBody(): void {
    const f = this.f;
    if (!this.perQuad) throw new Error('quadBody() is for per-quad translations');
    for (const [, locs] of this.regLocals) f.v128i32(0, 0, 0, 0).set(locs[0]!);
    for (const [idx, locs] of this.special) this.hooks!.special(idx, locs);
    f.block(); // `end` leaves it
    this.depth = 0;
    for (let pc = 0; pc < this.code.length; pc++) this.instr(this.code[pc]!, pc);
    this.epilogue();
    f.end();
  }

  /** the uniform operands' splats and (but per quad: quadBody) the special registers, once per warp */
  private operands(): void {
    const f = this.f;
    for (const i of this.code) {
      const d = OPS[i.op];
      if (!d) continue;
      const srcs = d.form === 'alu' ? [i.a, i.b, i.c].slice(0, d.srcs ?? 0) : d.form === 'cf' || d.form === 'out' || d.name === 'st_vary' ? [i.a]
        : d.form === 'tex' ? (i.offset && i.cond !== 3 ? [i.b, i.c] : [i.b]) : d.form === 'ind' ? [i.a, i.b] : d.form === 'mem' ? [i.b] : [];
      for (const c of srcs) {
        const kind = c >> 8, idx = c & 255;
        if (kind >= 1 && kind <= 4 && !this.uniformSplat.has((kind - 1) * 256 + idx)) {
          const u = (kind - 1) * 256 + idx, loc = f.local('v128');
          f.get(this.pBase).simd('v128.load32_splat', 2, CORE_LOCAL.uniforms + u * 4).set(loc);
          this.uniformSplat.set(u, loc);
        } else if (kind === SRC_KIND_SPECIAL && !this.special.has(idx)) {
          const locs = Array.from({ length: this.nv }, () => f.local('v128'));
          if (this.perQuad) { this.special.set(idx, locs); continue; } // filled per quad
          if (this.hooks) this.hooks.special(idx, locs);
          else if (this.frame) this.frame.special(idx, locs);
          else {
            // every lane, as the interpreter reads them for derivatives and texture operands of inactive lanes too
            f.i32(idx).i32(0xffff).op('call', IMPORT_INDEX.special);
            for (let k = 0; k < this.nv; k++) f.get(this.pBase).simd('v128.load', 4, CORE_LOCAL.vec + k * 16).set(locs[k]!);
          }
          this.special.set(idx, locs);
        }
      }
    }
  }

  private epilogue(): void {
    const f = this.f;
    this.flushSteps();
    if (this.inKernel) { f.op('br', this.depth); return; }
    if (!this.inMemory) {
      for (const [r, locs] of this.regLocals) for (let k = 0; k < this.nv; k++) f.get(this.pBase).get(locs[k]!).simd('v128.store', 4, this.regAddr(r, k));
    }
    f.get(this.pBase).get(this.alive).op('i32.store', 2, CORE_LOCAL.alive);
    f.get(this.steps).op('return');
  }

  private instr(i: DecodedOp, pc: number): void {
    const f = this.f;
    const desc = OPS[i.op];
    if (!desc) throw new ShaderExecError(`opcode ${i.op} not executable at ${pc}`);
    const name = desc.name;
    const writesReg = desc.form === 'alu' || desc.form === 'imm' || desc.form === 'attr' || name === 'ld_vary' || name === 'ld_vary_flat' || desc.form === 'tex' || name === 'ld_u' || name === 'ld_r' || name === 'ld_g';
    if (writesReg && i.dst >= this.regCount) throw new ShaderExecError(`instruction ${pc} writes r${i.dst} beyond the ${this.regCount} registers allocated`);
    this.pending++;
    switch (name) {
      case 'nop': return;
      case 'end': this.epilogue(); return;
      case 'movi': for (let k = 0; k < this.nv; k++) { this.splat(i.imm); this.setRegMasked(i.dst, k); } return;
      case 'if': {
        this.flushSteps();
        const fr = { saved: f.local('i32'), taken: f.local('i32') };
        this.laneCond(i.a);
        f.set(fr.taken);
        f.get(this.mask).set(fr.saved);
        f.get(fr.taken); this.setMask();
        f.get(this.mask).if();
        this.depth++;
        this.ifs.push(fr);
        return;
      }
      case 'else': {
        this.flushSteps();
        const fr = this.ifs[this.ifs.length - 1];
        if (!fr) throw new ShaderExecError(`else without if at ${pc}`);
        f.end();
        f.get(fr.saved).get(fr.taken).i32(-1).op('i32.xor').op('i32.and').get(this.alive).op('i32.and');
        this.loopOff(); f.op('i32.and');
        this.setMask();
        f.get(this.mask).if();
        return;
      }
      case 'endif': {
        this.flushSteps();
        const fr = this.ifs.pop();
        if (!fr) throw new ShaderExecError(`endif without if at ${pc}`);
        f.end();
        this.depth--;
        f.get(fr.saved).get(this.alive).op('i32.and');
        this.loopOff(); f.op('i32.and');
        this.setMask();
        return;
      }
      case 'loop': {
        this.flushSteps();
        const L = { saved: f.local('i32'), brk: f.local('i32'), cont: f.local('i32') };
        f.get(this.mask).set(L.saved).i32(0).set(L.brk).i32(0).set(L.cont);
        f.get(this.mask).if().block().loop();
        this.depth += 3;
        this.loops.push(L);
        return;
      }
      case 'break': case 'continue': {
        const L = this.loops[this.loops.length - 1];
        if (!L) throw new ShaderExecError(`${name} outside a loop at ${pc}`);
        const t = this.t32[0]!;
        this.laneCond(i.a);
        f.set(t);
        const acc = name === 'break' ? L.brk : L.cont;
        f.get(acc).get(t).op('i32.or').set(acc);
        f.get(this.mask).get(t).i32(-1).op('i32.xor').op('i32.and');
        this.setMask();
        return;
      }
      case 'endloop': {
        this.flushSteps();
        const L = this.loops.pop();
        if (!L) throw new ShaderExecError(`endloop without loop at ${pc}`);
        f.get(this.mask).get(L.cont).op('i32.or').get(L.brk).i32(-1).op('i32.xor').op('i32.and').get(this.alive).op('i32.and');
        this.setMask();
        f.i32(0).set(L.cont);
        f.get(this.mask).op('i32.eqz').op('br_if', 1); // leave the block: no lane is still in the loop
        // past the budget: the watchdog grants more or stops the job (throws)
        f.get(this.steps).get(this.pMax).op('i32.gt_u').if().get(this.steps).op('call', IMPORT_INDEX.budget).set(this.pMax).end();
        f.op('br', 0); // next iteration
        f.end().end(); // loop, block
        f.get(L.saved).get(this.alive).op('i32.and');
        this.loopOff(); f.op('i32.and');
        this.setMask();
        f.end(); // if (mask)
        this.depth -= 3;
        return;
      }
      case 'discard': {
        const t = this.t32[0]!;
        this.laneCond(i.a);
        f.tee(t).i32(-1).op('i32.xor').tee(t).get(this.alive).op('i32.and').set(this.alive);
        f.get(this.mask).get(t).op('i32.and');
        this.setMask();
        return;
      }
      case 'ld_attr':
        this.flushSteps();
        if (this.hooks) f.i32(i.slot).i32(i.comp).get(this.mask).op('call', IMPORT_INDEX.ldAttr);
        else this.ldAttrFetch(i.slot, i.comp);
        this.fromVec(i.dst);
        return;
      case 'ld_vary':
        if (this.hooks) { for (let k = 0; k < this.nv; k++) { this.hooks.ldVary(i.slot, k); this.setRegMasked(i.dst, k); } return; }
        this.flushSteps(); f.i32(i.slot).get(this.mask).op('call', IMPORT_INDEX.ldVary); this.fromVec(i.dst); return;
      case 'ld_vary_flat':
        // fused kernels take no flat loads (fused.ts fusable): only the warp function reaches here
        if (this.hooks) throw new Error('ld_vary_flat in a fused kernel');
        this.flushSteps(); f.i32(i.slot).get(this.mask).op('call', IMPORT_INDEX.ldVaryFlat); this.fromVec(i.dst); return;
      case 'st_vary':
        this.flushSteps(); this.toVec(i.a, CORE_LOCAL.vec);
        if (this.hooks) f.i32(i.slot).get(this.mask).op('call', IMPORT_INDEX.stVary);
        else this.stVaryOut(i.slot);
        return;
      case 'st_out':
        if (this.hooks) { for (let k = 0; k < this.nv; k++) { this.raw(i.a, k); this.hooks.stOut(i.slot, i.comp, k, this.perQuad ? null : this.vm[k]!); } return; }
        this.flushSteps(); this.toVec(i.a, CORE_LOCAL.vec); f.i32(i.slot).i32(i.comp).get(this.mask).op('call', IMPORT_INDEX.stOut); return;
      case 'tex': this.tex(i); return;
      case 'ld_u': case 'ld_r': case 'st_r': this.indirect(i, name); return;
      case 'ld_g': case 'st_g': {
        this.flushSteps();
        const ra = i.a & 255;
        this.toVecReg(ra, CORE_LOCAL.gaddr);
        this.toVecReg(ra + 1, CORE_LOCAL.gaddr + LANE_VECTOR_BYTES);
        if (name === 'st_g') this.toVec(i.b, CORE_LOCAL.gval);
        f.i32(i.base).get(this.mask).op('call', name === 'ld_g' ? IMPORT_INDEX.ldGlobal : IMPORT_INDEX.stGlobal);
        if (name === 'ld_g') this.fromVec(i.dst, CORE_LOCAL.gval);
        return;
      }
      case 'fddx': case 'fddy': {
        for (let k = 0; k < this.nv; k++) {
          // quad layout: lane 0 (x0,y0), 1 (x1,y0), 2 (x0,y1), 3 (x1,y1)
          const [hi, lo] = name === 'fddx' ? [[1, 1, 3, 3], [0, 0, 2, 2]] : [[2, 3, 2, 3], [0, 1, 0, 1]];
          this.fsrc(i.a, k, i.nega, i.absa); f.tee(this.tv[0]!).get(this.tv[0]!).shuffle(lanes32(hi!));
          f.get(this.tv[0]!).get(this.tv[0]!).shuffle(lanes32(lo!));
          f.simd('f32x4.sub');
          this.setRegMasked(i.dst, k);
        }
        return;
      }
      default:
        if (desc.form !== 'alu') throw new ShaderExecError(`opcode ${i.op} (${name}) not executable at ${pc}`);
        this.alu(i, name, desc.type === 'f');
    }
  }

  /** stores source `c` (raw bits, all lanes) to local memory at `at` */
  /**
   * ld_attr's lane-vector at CORE_LOCAL.vec: loaded here when the vertex
   * fetch unit's block for `slot` serves component `comp` (ATTRIB_FETCH) and
   * every active lane's element lies within the buffer — the offset
   * computed in double as the I/O unit's fetch computes it; when the
   * largest active index's is, all are, and the lanes load in one pass —
   * else (nothing
   * has faulted: these are plain loads) through the I/O unit, lane by lane,
   * robust access and faults included.
   */
  private ldAttrFetch(slot: number, comp: number): void {
    const f = this.f, blk = CORE_LOCAL.attribFetch + slot * ATTRIB_FETCH.bytes;
    const t = this.fetchLocals ??= this.newFetchLocals();
    f.i32(0).set(t.ok);
    f.get(this.pBase).op('i32.load', 2, blk + ATTRIB_FETCH.components).i32(comp).op('i32.gt_u').if();
    {
      f.get(this.pBase).op('i32.load', 2, blk + ATTRIB_FETCH.pa).set(t.pa);
      f.get(this.pBase).op('i32.load', 2, blk + ATTRIB_FETCH.stride).op('f64.convert_i32_u').set(t.stride);
      f.get(this.pBase).op('i32.load', 2, blk + ATTRIB_FETCH.limit).op('f64.convert_i32_u').set(t.limit);
      // the active lanes' indices (inactive ones 0); when the largest is in the buffer, every one is:
      // their words in one pass, four lanes a vector (each offset below the limit, so exact in 32 bits)
      for (let k = 0; k < this.nv; k++) {
        if (this.frame) f.get(this.frame.ids).simd('v128.load', 4, k * 16);
        else f.get(this.pBase).simd('v128.load', 4, CORE_LOCAL.vertexIds + k * 16);
        f.get(this.vm[k]!).simd('v128.and').set(t.v[k]!);
      }
      f.get(t.v[0]!).get(t.v[1]!).simd('i32x4.max_u').get(t.v[2]!).get(t.v[3]!).simd('i32x4.max_u').simd('i32x4.max_u').set(t.m);
      f.get(t.m).get(t.m).get(t.m).shuffle(lanes32([2, 3, 0, 1])).simd('i32x4.max_u').set(t.m);
      f.get(t.m).get(t.m).get(t.m).shuffle(lanes32([1, 0, 3, 2])).simd('i32x4.max_u').simd('i32x4.extract_lane', 0);
      f.op('f64.convert_i32_u').get(t.stride).op('f64.mul').f64(4 * comp).op('f64.add').get(t.limit).op('f64.le').if();
      {
        f.get(t.pa).i32(4 * comp).op('i32.add').simd('i32x4.splat').set(t.m);
        f.get(this.pBase).op('i32.load', 2, blk + ATTRIB_FETCH.stride).simd('i32x4.splat').set(t.a);
        for (let k = 0; k < this.nv; k++) {
          f.get(t.v[k]!).get(t.a).simd('i32x4.mul').get(t.m).simd('i32x4.add').set(t.v[k]!);
          f.v128i32(0, 0, 0, 0);
          for (let l = 0; l < 4; l++) { f.set(t.r); f.get(t.v[k]!).simd('i32x4.extract_lane', l).get(t.r).simd('v128.load32_lane', 2, 0, l); }
          f.set(t.r);
          f.get(this.pBase).get(t.r).simd('v128.store', 4, CORE_LOCAL.vec + k * 16);
        }
        f.i32(1).set(t.ok);
      }
      f.op('else');
      f.i32(1).set(t.ok).i32(0).set(t.l);
      f.block().loop();
      {
        f.get(this.mask).get(t.l).op('i32.shr_u').i32(1).op('i32.and').if();
        {
          // at: this lane's word in local memory; off = index * stride + 4 * comp
          f.get(this.pBase).get(t.l).i32(2).op('i32.shl').op('i32.add').set(t.at);
          // the lane's vertex index: the vertex unit's lane-vector, or the kernel's warp's
          if (this.frame) f.get(this.frame.ids).get(t.l).i32(2).op('i32.shl').op('i32.add').op('i32.load', 2, 0);
          else f.get(t.at).op('i32.load', 2, CORE_LOCAL.vertexIds);
          f.op('f64.convert_i32_u').get(t.stride).op('f64.mul')
            .f64(4 * comp).op('f64.add').tee(t.off).get(t.limit).op('f64.le').op('i32.eqz').if();
          f.i32(0).set(t.ok).op('br', 3); // out of the if, loop and block: the I/O unit takes the whole request
          f.end();
          f.get(t.at).get(t.pa).get(t.off).op('i32.trunc_f64_u').op('i32.add').op('i32.load', 2, 0).op('i32.store', 2, CORE_LOCAL.vec);
        }
        f.end();
        f.get(t.l).i32(1).op('i32.add').tee(t.l).i32(LANES).op('i32.lt_u').op('br_if', 0);
      }
      f.end().end();
      f.end();
    }
    f.end();
    f.get(t.ok).op('i32.eqz').if().i32(slot).i32(comp).get(this.mask).op('call', IMPORT_INDEX.ldAttr).end();
  }
  /**
   * st_vary of the lane-vector at CORE_LOCAL.vec: into the vertex unit's
   * outputs in local memory when it holds them (vertexOutWords non-zero),
   * under the execution mask — clip position components and varyings at
   * their word of each lane's vertex, the point size in its lane-vector, a
   * varying past the draw's count or any other slot dropped, as the I/O
   * unit's stVary does; else through the I/O unit.
   */
  private stVaryOut(slot: number): void {
    const f = this.f;
    const t = this.fetchLocals ??= this.newFetchLocals();
    f.get(this.pBase).op('i32.load', 2, CORE_LOCAL.vertexOutWords).tee(t.pa).op('i32.eqz').if();
    f.i32(slot).get(this.mask).op('call', IMPORT_INDEX.stVary);
    f.op('else');
    // the warp's point sizes and outputs: the vertex unit's (at the core's base), or where the kernel's warp keeps them
    const [ps, psAt] = this.frame ? [this.frame.psize, 0] : [this.pBase, CORE_LOCAL.vertexPointSize];
    const [out, outAt] = this.frame ? [this.frame.out, 0] : [this.pBase, CORE_LOCAL.vertexOut];
    if (slot === VARY_POINT_SIZE) {
      for (let k = 0; k < this.nv; k++) {
        f.get(ps).get(this.pBase).simd('v128.load', 4, CORE_LOCAL.vec + k * 16)
          .get(ps).simd('v128.load', 4, psAt + k * 16)
          .get(this.vm[k]!).simd('v128.bitselect').simd('v128.store', 4, psAt + k * 16);
      }
    } else if (slot < 4 || slot >= VARY_FIRST_USER) {
      const word = slot < 4 ? slot : 4 + slot - VARY_FIRST_USER;
      // a varying the draw does not have is dropped
      if (slot >= VARY_FIRST_USER) f.i32(slot - VARY_FIRST_USER).get(this.pBase).op('i32.load', 2, CORE_LOCAL.vertexOutVaryings).op('i32.lt_u').if();
      // at: lane l's word (l * words + word) * 4, stepping by words * 4
      f.get(t.pa).i32(2).op('i32.shl').set(t.ok);
      f.get(out).i32(word * 4).op('i32.add').set(t.at);
      f.i32(0).set(t.l);
      f.loop();
      {
        f.get(this.mask).get(t.l).op('i32.shr_u').i32(1).op('i32.and').if();
        f.get(t.at).get(this.pBase).get(t.l).i32(2).op('i32.shl').op('i32.add').op('i32.load', 2, CORE_LOCAL.vec)
          .op('i32.store', 2, outAt);
        f.end();
        f.get(t.at).get(t.ok).op('i32.add').set(t.at);
        f.get(t.l).i32(1).op('i32.add').tee(t.l).i32(LANES).op('i32.lt_u').op('br_if', 0);
      }
      f.end();
      if (slot >= VARY_FIRST_USER) f.end();
    }
    f.end();
  }
  private newFetchLocals(): FetchLocals {
    const f = this.f;
    return {
      l: f.local('i32'), ok: f.local('i32'), pa: f.local('i32'), at: f.local('i32'), stride: f.local('f64'), limit: f.local('f64'), off: f.local('f64'),
      v: [0, 1, 2, 3].map(() => f.local('v128')), m: f.local('v128'), a: f.local('v128'), r: f.local('v128'),
    };
  }
  private fetchLocals: FetchLocals | null = null;

  private toVec(c: number, at: number): void {
    for (let k = 0; k < this.nv; k++) { this.f.get(this.pBase); this.raw(c, k); this.f.simd('v128.store', 4, at + k * 16); }
  }
  private toVecReg(r: number, at: number): void {
    for (let k = 0; k < this.nv; k++) { this.f.get(this.pBase); this.getReg(r, k); this.f.simd('v128.store', 4, at + k * 16); }
  }
  /** register dst = the lane-vector at `at` (active lanes) */
  private fromVec(dst: number, at: number = CORE_LOCAL.vec): void {
    for (let k = 0; k < this.nv; k++) { this.f.get(this.pBase).simd('v128.load', 4, at + k * 16); this.setRegMasked(dst, k); }
  }

  private tex(i: DecodedOp): void {
    this.flushSteps();
    const hook = this.hooks?.tex;
    if (hook && hook(i, {
      base: this.pBase, alive: this.alive, regCount: this.regCount,
      getReg: (r, k) => this.getReg(r, k), setReg: (r, k) => this.setRegMasked(r, k), ioCall: () => this.texCall(i),
    })) return;
    this.texCall(i);
  }

  /** a texture instruction through the I/O unit: operands staged in local memory, one call for the warp */
  private texCall(i: DecodedOp): void {
    const f = this.f;
    const nc = (TEX_DIM_COORDS[i.dim] ?? 2) + i.shadow, base = i.a & 255, g = i.c & 255;
    // fetch and size read integer operands: the texture unit receives their values
    const ints = i.cond === TEX_FETCH || i.cond === TEX_SIZE;
    for (let c = 0; c < 4; c++) {
      for (let k = 0; k < this.nv; k++) {
        f.get(this.pBase);
        if (c < nc) { this.getReg(base + c, k); if (ints) f.simd('f32x4.convert_i32x4_s'); } else f.v128i32(0, 0, 0, 0);
        f.simd('v128.store', 4, CORE_LOCAL.texCoord + c * LANE_VECTOR_BYTES + k * 16);
      }
    }
    for (let k = 0; k < this.nv; k++) {
      f.get(this.pBase);
      if (ints) { this.raw(i.b, k); f.simd('f32x4.convert_i32x4_s'); } else this.fsrc(i.b, k, 0, 0);
      f.simd('v128.store', 4, CORE_LOCAL.texLod + k * 16);
    }
    if (i.cond === 3) {
      for (let c = 0; c < 4; c++) for (let k = 0; k < this.nv; k++) {
        f.get(this.pBase); this.getReg(g + c, k); f.simd('v128.store', 4, CORE_LOCAL.texGrad + c * LANE_VECTOR_BYTES + k * 16);
      }
    }
    // implicit LOD needs the helper lanes of each quad too: sample for every live lane
    f.i32(i.sampler).i32(i.dim).i32(i.cond).get(i.cond === 0 || i.cond === 1 ? this.alive : this.mask);
    // the packed texel offsets, once for the warp: lane 0's value of the operand
    if (i.offset) {
      const o = i.cond === 3 ? i.b : i.c, kind = o >> 8;
      if (kind >= 1 && kind <= 4) f.get(this.pBase).op('i32.load', 2, CORE_LOCAL.uniforms + ((kind - 1) * 256 + (o & 255)) * 4);
      else if (kind === SRC_KIND_CONST) f.i32((CONST_BITS[o & 255] ?? 0) | 0);
      else if (kind === SRC_KIND_GPR) { this.getReg(o & 255, 0); f.simd('i32x4.extract_lane', 0); }
      else if (kind === SRC_KIND_SPECIAL) { f.get(this.special.get(o & 255)![0]!); f.simd('i32x4.extract_lane', 0); }
      else f.i32(0);
    } else f.i32(0);
    // int (sample and fetch modes): texOut holds integer words, which move to the registers as bits
    f.i32(i.int && i.cond !== TEX_SIZE ? 1 : 0);
    f.op('call', IMPORT_INDEX.tex);
    for (let c = 0; c < 4; c++) {
      if (i.dst + c >= this.regCount) continue;
      if (i.cond !== TEX_SIZE) { this.fromVec(i.dst + c, CORE_LOCAL.texOut + c * LANE_VECTOR_BYTES); continue; }
      // size: integer results
      for (let k = 0; k < this.nv; k++) {
        f.get(this.pBase).simd('v128.load', 4, CORE_LOCAL.texOut + c * LANE_VECTOR_BYTES + k * 16).simd('i32x4.trunc_sat_f32x4_s');
        this.setRegMasked(i.dst + c, k);
      }
    }
  }

  /** ld_u / ld_r / st_r: a scalar loop over the active lanes */
  private indirect(i: DecodedOp, name: 'ld_u' | 'ld_r' | 'st_r'): void {
    const f = this.f, [l, idx, val] = [this.t32[0]!, this.t32[1]!, this.t32[2]!];
    this.toVec(i.a, CORE_LOCAL.gaddr);
    if (name === 'st_r') this.toVec(i.b, CORE_LOCAL.gval);
    else if (!this.inMemory || name === 'ld_u') {
      // the destination's current bits, so inactive lanes keep them
      for (let k = 0; k < this.nv; k++) { f.get(this.pBase); this.getReg(i.dst, k); f.simd('v128.store', 4, CORE_LOCAL.vec + k * 16); }
    }
    const limit = () => (name === 'ld_u' ? f.get(this.pUni) : f.i32(this.regCount));
    f.i32(0).set(l).block().loop();
    f.get(this.mask).get(l).op('i32.shr_u').i32(1).op('i32.and').if();
    // idx = base + int(a[l])
    f.get(this.pBase).get(l).i32(2).op('i32.shl').op('i32.add').op('i32.load', 2, CORE_LOCAL.gaddr).i32(i.base).op('i32.add').set(idx);
    if (name === 'st_r') {
      f.get(idx).i32(0).op('i32.ge_s').get(idx); limit(); f.op('i32.lt_s').op('i32.and').if();
      f.get(this.pBase).get(idx).i32(LANE_VECTOR_BYTES).op('i32.mul').op('i32.add').get(l).i32(2).op('i32.shl').op('i32.add');
      f.get(this.pBase).get(l).i32(2).op('i32.shl').op('i32.add').op('i32.load', 2, CORE_LOCAL.gval);
      f.op('i32.store', 2, CORE_LOCAL.regs).end();
    } else {
      f.get(idx).i32(0).op('i32.ge_s').get(idx); limit(); f.op('i32.lt_s').op('i32.and').if();
      if (name === 'ld_u') f.get(this.pBase).get(idx).i32(2).op('i32.shl').op('i32.add').op('i32.load', 2, CORE_LOCAL.uniforms);
      else f.get(this.pBase).get(idx).i32(LANE_VECTOR_BYTES).op('i32.mul').op('i32.add').get(l).i32(2).op('i32.shl').op('i32.add').op('i32.load', 2, CORE_LOCAL.regs);
      f.set(val).op('else').i32(0).set(val).end();
      // ld_r into the register file in memory writes the lane directly; else stage it
      f.get(this.pBase).get(l).i32(2).op('i32.shl').op('i32.add').get(val);
      if (this.inMemory && name === 'ld_r') {
        f.op('drop').op('drop');
        f.get(this.pBase).i32(this.regAddr(i.dst, 0)).op('i32.add').get(l).i32(2).op('i32.shl').op('i32.add').get(val).op('i32.store', 2, 0);
      } else f.op('i32.store', 2, CORE_LOCAL.vec);
    }
    f.end(); // if lane active
    f.get(l).i32(1).op('i32.add').tee(l).i32(LANES).op('i32.lt_u').op('br_if', 0);
    f.end().end();
    if (name !== 'st_r' && !(this.inMemory && name === 'ld_r')) {
      // inactive lanes were staged with their old bits: an unmasked copy back
      for (let k = 0; k < this.nv; k++) {
        f.get(this.pBase).simd('v128.load', 4, CORE_LOCAL.vec + k * 16);
        if (this.inMemory) { f.set(this.tv[0]!); f.get(this.pBase).get(this.tv[0]!).simd('v128.store', 4, this.regAddr(i.dst, k)); }
        else f.set(this.regLocals.get(i.dst)![k]!);
      }
    }
  }

  private alu(i: DecodedOp, name: string, float: boolean): void {
    const f = this.f;
    const math1 = UNARY_MATH[name], math2 = BINARY_MATH[name];
    if (name === 'idiv' || name === 'udiv' || name === 'umod' || name === 'irem' || name === 'f2h' || name === 'h2f' || math1 || math2 || (!this.isUniformSrc(i.b) && (name === 'shl' || name === 'shr' || name === 'asr'))) {
      this.perLane(i, name, math1 ?? math2);
      return;
    }
    for (let k = 0; k < this.nv; k++) {
      const A = () => this.fsrc(i.a, k, i.nega, i.absa), B = () => this.fsrc(i.b, k, i.negb, i.absb), C = () => this.fsrc(i.c, k, i.negc, i.absc);
      const a = () => this.raw(i.a, k), b = () => this.raw(i.b, k);
      const bin = (x: () => void, y: () => void, op: SimdOp) => { x(); y(); f.simd(op); };
      const t0 = this.tv[0]!, t1 = this.tv[1]!;
      switch (name) {
        case 'mov': A(); break;
        case 'fadd': bin(A, B, 'f32x4.add'); break;
        case 'fmul': bin(A, B, 'f32x4.mul'); break;
        case 'ffma': A(); B(); f.simd('f32x4.mul'); C(); f.simd('f32x4.add'); break;
        case 'fmin': case 'fmax':
          // minNum/maxNum as the interpreter: b if (b < a or a is NaN), else a
          A(); f.set(t0); B(); f.set(t1);
          f.get(t1).get(t0).get(t1).get(t0).simd(name === 'fmin' ? 'f32x4.lt' : 'f32x4.gt').get(t0).get(t0).simd('f32x4.ne').simd('v128.or').simd('v128.bitselect');
          break;
        case 'frcp': this.splat(ONE); A(); f.simd('f32x4.div'); break;
        case 'fsqrt': A(); f.simd('f32x4.sqrt'); break;
        case 'frsq': A(); this.viaDouble((g) => { g.set(this.tv[2]!); g.v128i32(0, 0x3ff00000, 0, 0x3ff00000).get(this.tv[2]!).simd('f64x2.sqrt').simd('f64x2.div'); }); break;
        case 'fmod': A(); f.set(t0); B(); f.set(t1); this.fmod(t0, t1); break;
        case 'ffloor': A(); f.simd('f32x4.floor'); break;
        case 'fceil': A(); f.simd('f32x4.ceil'); break;
        case 'ftrunc': A(); f.simd('f32x4.trunc'); break;
        case 'fround': A(); f.simd('f32x4.nearest'); break;
        case 'ffract': A(); f.tee(t0).get(t0).simd('f32x4.floor').simd('f32x4.sub'); break;
        case 'fsign':
          A(); f.set(t0);
          f.get(t0).v128i32(0, 0, 0, 0).simd('f32x4.gt'); this.splat(ONE); f.simd('v128.and');
          f.get(t0).v128i32(0, 0, 0, 0).simd('f32x4.lt'); this.splat(MINUS_ONE); f.simd('v128.and');
          f.simd('v128.or');
          break;
        case 'fcmp': {
          const op = (['f32x4.eq', 'f32x4.ne', 'f32x4.lt', 'f32x4.ge', 'f32x4.le', 'f32x4.gt'] as const)[i.cond];
          if (!op) { f.v128i32(0, 0, 0, 0); break; }
          A(); B(); f.simd(op); this.splat(ONE); f.simd('v128.and');
          break;
        }
        case 'fsel': B(); C(); a(); f.v128i32(0, 0, 0, 0).simd('i32x4.ne').simd('v128.bitselect'); break;
        case 'f2i': A(); f.simd('i32x4.trunc_sat_f32x4_s'); break;
        case 'f2u': A(); f.simd('i32x4.trunc_sat_f32x4_u'); break;
        case 'iadd': bin(a, b, 'i32x4.add'); break;
        case 'isub': bin(a, b, 'i32x4.sub'); break;
        case 'imul': bin(a, b, 'i32x4.mul'); break;
        case 'imin': bin(a, b, 'i32x4.min_s'); break;
        case 'imax': bin(a, b, 'i32x4.max_s'); break;
        case 'umin': bin(a, b, 'i32x4.min_u'); break;
        case 'umax': bin(a, b, 'i32x4.max_u'); break;
        case 'and': bin(a, b, 'v128.and'); break;
        case 'or': bin(a, b, 'v128.or'); break;
        case 'xor': bin(a, b, 'v128.xor'); break;
        case 'not': a(); f.simd('v128.not'); break;
        case 'shl': case 'shr': case 'asr':
          // the count is the same in every lane here (others go lane by lane)
          a(); b(); f.simd('i32x4.extract_lane', 0);
          f.simd(name === 'shl' ? 'i32x4.shl' : name === 'shr' ? 'i32x4.shr_u' : 'i32x4.shr_s');
          break;
        case 'icmp': case 'ucmp': {
          const ops = name === 'icmp'
            ? (['i32x4.eq', 'i32x4.ne', 'i32x4.lt_s', 'i32x4.ge_s', 'i32x4.le_s', 'i32x4.gt_s'] as const)
            : (['i32x4.eq', 'i32x4.ne', 'i32x4.lt_u', 'i32x4.ge_u', 'i32x4.le_u', 'i32x4.gt_u'] as const);
          const op = ops[i.cond];
          if (!op) { f.v128i32(0, 0, 0, 0); break; }
          a(); b(); f.simd(op); f.v128i32(1, 1, 1, 1).simd('v128.and');
          break;
        }
        case 'i2f': a(); f.simd('f32x4.convert_i32x4_s'); break;
        case 'u2f': a(); f.simd('f32x4.convert_i32x4_u'); break;
        default: throw new ShaderExecError(`unhandled ${float ? 'float' : 'integer'} op ${name}`);
      }
      if (float && i.sat && name !== 'f2i' && name !== 'f2u') this.saturate();
      this.setRegMasked(i.dst, k);
    }
  }

  /** clamps the f32x4 on the stack to [0, 1]; NaN and -0 give +0, as Math.min(1, Math.max(0, x)) */
  private saturate(): void {
    const f = this.f, t = this.tv[2]!;
    f.set(t);
    f.get(t); this.splat(ONE); f.get(t); this.splat(ONE); f.simd('f32x4.lt').simd('v128.bitselect');
    f.v128i32(0, 0, 0, 0).get(t).v128i32(0, 0, 0, 0).simd('f32x4.gt').simd('v128.bitselect');
  }

  /** applies `g` (f64x2 -> f64x2) to both halves of the f32x4 on the stack, rounding back to single */
  private viaDouble(g: (f: FunctionBuilder) => void): void {
    const f = this.f, x = this.tv[1]!, lo = this.tv[0]!;
    f.set(x);
    f.get(x).simd('f64x2.promote_low_f32x4'); g(f); f.simd('f32x4.demote_f64x2_zero').set(lo);
    f.get(x).get(x).shuffle(lanes32([2, 3, 0, 1])).simd('f64x2.promote_low_f32x4'); g(f); f.simd('f32x4.demote_f64x2_zero');
    // low two lanes from the first half's result, high two from the second's
    f.set(x);
    f.get(lo).get(x).shuffle(lanes32([0, 1, 4, 5]));
  }

  /** fmod in double: a - b * floor(a / b), as the interpreter evaluates it */
  private fmod(ta: number, tb: number): void {
    const f = this.f, r = this.tv[2]!, a2 = this.tv[3]!;
    const half = (sel: number[], dst: number) => {
      f.get(ta).get(ta).shuffle(lanes32(sel)).simd('f64x2.promote_low_f32x4').set(a2);
      f.get(a2);
      f.get(tb).get(tb).shuffle(lanes32(sel)).simd('f64x2.promote_low_f32x4');
      f.get(a2);
      f.get(tb).get(tb).shuffle(lanes32(sel)).simd('f64x2.promote_low_f32x4');
      f.simd('f64x2.div').simd('f64x2.floor').simd('f64x2.mul').simd('f64x2.sub').simd('f32x4.demote_f64x2_zero');
      f.set(dst);
    };
    half([0, 1, 2, 3], r);
    half([2, 3, 0, 1], this.tv[1]!);
    f.get(r).get(this.tv[1]!).shuffle(lanes32([0, 1, 4, 5]));
  }

  /** ops without a SIMD form: integer division, per-lane shift counts, half floats, the transcendentals (JS Math, as the interpreter) */
  private perLane(i: DecodedOp, name: string, math?: ImportName): void {
    const f = this.f, [x, y] = [this.tv[0]!, this.tv[1]!], r = this.tv[2]!;
    const float = !!math;
    const xi = this.t32[0]!, yi = this.t32[1]!;
    const half = name === 'f2h' || name === 'h2f';
    if (math && this.isUniformSrc(i.a) && (!(math === 'atan2' || math === 'pow') || this.isUniformSrc(i.b))) {
      // operands the same in every lane (uniforms, constants): the same result in every lane, so one
      // call per warp instead of one per lane (cos(angle) of a uniform angle in every vertex)
      this.fsrc(i.a, 0, i.nega, i.absa); f.simd('f32x4.extract_lane', 0).op('f64.promote_f32');
      if (math === 'atan2' || math === 'pow') { this.fsrc(i.b, 0, i.negb, i.absb); f.simd('f32x4.extract_lane', 0).op('f64.promote_f32'); }
      f.op('call', IMPORT_INDEX[math]).op('f32.demote_f64').simd('f32x4.splat').set(r);
      for (let k = 0; k < this.nv; k++) {
        f.get(r);
        if (i.sat) this.saturate();
        this.setRegMasked(i.dst, k);
      }
      return;
    }
    for (let k = 0; k < this.nv; k++) {
      if (float || name === 'f2h') this.fsrc(i.a, k, i.nega, i.absa); else this.raw(i.a, k);
      f.tee(x).set(r);
      if (half) {
        // bits in, bits out: the same conversion functions as the interpreter
        for (let j = 0; j < 4; j++) f.get(r).get(x).simd('i32x4.extract_lane', j).op('call', IMPORT_INDEX[name]).simd('i32x4.replace_lane', j).set(r);
        f.get(r);
        this.setRegMasked(i.dst, k);
        continue;
      }
      if (name === 'fatan2' || name === 'fpow' || !float) {
        if (float) this.fsrc(i.b, k, i.negb, i.absb); else this.raw(i.b, k);
        f.set(y);
      }
      for (let j = 0; j < 4; j++) {
        f.get(r);
        if (float) {
          f.get(x).simd('f32x4.extract_lane', j).op('f64.promote_f32');
          if (math === 'atan2' || math === 'pow') f.get(y).simd('f32x4.extract_lane', j).op('f64.promote_f32');
          f.op('call', IMPORT_INDEX[math!]).op('f32.demote_f64').simd('f32x4.replace_lane', j).set(r);
          continue;
        }
        f.get(x).simd('i32x4.extract_lane', j).set(xi);
        f.get(y).simd('i32x4.extract_lane', j).set(yi);
        if (name === 'idiv') {
          // b = 0 gives 0; INT_MIN / -1 wraps (JS (a / b) | 0), where wasm's div_s would trap
          f.get(yi).op('i32.eqz').if().i32(0).set(xi).op('else');
          f.get(xi).i32(-0x80000000).op('i32.eq').get(yi).i32(-1).op('i32.eq').op('i32.and').op('i32.eqz').if();
          f.get(xi).get(yi).op('i32.div_s').set(xi).end().end();
          f.get(xi);
        } else if (name === 'udiv' || name === 'umod') {
          // b = 0: quotient 0, remainder a (wasm's div_u/rem_u would trap)
          if (name === 'udiv') f.get(yi).op('i32.eqz').if().i32(0).set(xi).op('else').get(xi).get(yi).op('i32.div_u').set(xi).end();
          else f.get(yi).op('i32.eqz').op('i32.eqz').if().get(xi).get(yi).op('i32.rem_u').set(xi).end();
          f.get(xi);
        } else if (name === 'irem') {
          // b = 0 gives a; INT_MIN % -1 is 0 in wasm's rem_s as in JS (no trap for rem_s)
          f.get(yi).op('i32.eqz').op('i32.eqz').if().get(xi).get(yi).op('i32.rem_s').set(xi).end();
          f.get(xi);
        } else {
          f.get(xi).get(yi).op(name === 'shl' ? 'i32.shl' : name === 'shr' ? 'i32.shr_u' : 'i32.shr_s');
        }
        f.simd('i32x4.replace_lane', j).set(r);
      }
      f.get(r);
      if (float && i.sat) this.saturate();
      this.setRegMasked(i.dst, k);
    }
  }
}

/** byte indices of an i8x16.shuffle that picks 32-bit lanes `l` (0-3 first operand, 4-7 second) */
function lanes32(l: readonly number[]): number[] {
  return l.flatMap((x) => [x * 4, x * 4 + 1, x * 4 + 2, x * 4 + 3]);
}

// ---- running translated code ---------------------------------------------------

export type WasmWarpFn = (warp: Warp, io: ShaderIO, maxSteps: number, more?: (steps: number) => number) => number;

/** instruction counts are 32-bit in translated code (a warp reads the clock well before 2^31 steps) */
function clampBudget(n: number): number { return Math.min(n, 0x7fffffff); }

/** The I/O unit of one core: the imported functions read and write its local memory and call the pipeline's ShaderIO. */
export class CoreIo {
  io: ShaderIO | null = null;
  /** the running warp's instruction budget and the watchdog's extension (see watchdog.ts) */
  maxSteps = 0;
  more: ((steps: number) => number) | undefined = undefined;
  lastUniforms: Uint32Array | null = null;
  /** words of the operand-uniform area an upload may have left non-zero (at first: all of them) */
  private uniformsEnd: number = CORE_LOCAL.operandUniforms;
  private readonly u32: Uint32Array;
  private readonly f32: Float32Array;
  private readonly coords = new Float32Array(LANES * 4);
  private readonly lod = new Float32Array(LANES);
  private readonly grads = new Float32Array(LANES * 4);
  private readonly out = new Float32Array(LANES * 4);
  private readonly outBits = new Uint32Array(this.out.buffer);
  readonly imports: Record<string, WebAssembly.ImportValue>;

  constructor(readonly mem: PhysicalMemory, readonly base: number) {
    this.u32 = mem.u32; this.f32 = mem.f32;
    const w = (at: number) => (base + at) >> 2;
    const u32 = this.u32, f32 = this.f32;
    const vec = w(CORE_LOCAL.vec), gaddr = w(CORE_LOCAL.gaddr), gval = w(CORE_LOCAL.gval);
    const fns: Record<string, (...a: number[]) => number | void> = {
      special: (which, mask) => { const io = this.io!; for (let l = 0; l < LANES; l++) u32[vec + l] = mask >> l & 1 ? io.special(l, which) >>> 0 : 0; },
      ldAttr: (slot, comp, mask) => {
        const io = this.io!;
        if (io.ldAttrLanes) io.ldAttrLanes(slot, comp, mask, u32, f32, vec);
        else for (let l = 0; l < LANES; l++) if (mask >> l & 1) u32[vec + l] = io.ldAttr(l, slot, comp);
      },
      ldVary: (slot, mask) => {
        const io = this.io!;
        if (io.ldVaryLanes) io.ldVaryLanes(slot, mask, f32, vec);
        else for (let l = 0; l < LANES; l++) if (mask >> l & 1) f32[vec + l] = io.ldVary(l, slot);
      },
      stVary: (slot, mask) => {
        const io = this.io!;
        if (io.stVaryLanes) io.stVaryLanes(slot, mask, u32, f32, vec);
        else for (let l = 0; l < LANES; l++) if (mask >> l & 1) io.stVary(l, slot, u32[vec + l]!);
      },
      stOut: (rt, comp, mask) => {
        const io = this.io!;
        if (io.stOutLanes) io.stOutLanes(rt, comp, mask, f32, vec);
        else for (let l = 0; l < LANES; l++) if (mask >> l & 1) io.stOut(l, rt, comp, u32[vec + l]!);
      },
      tex: (sampler, dim, mode, mask, offsets, int) => {
        const { coords, lod, grads, out } = this;
        const tc = w(CORE_LOCAL.texCoord), tl = w(CORE_LOCAL.texLod), tg = w(CORE_LOCAL.texGrad), to = w(CORE_LOCAL.texOut);
        for (let l = 0; l < LANES; l++) {
          for (let c = 0; c < 4; c++) coords[l * 4 + c] = f32[tc + c * LANES + l]!;
          lod[l] = f32[tl + l]!;
          if (mode === 3) for (let c = 0; c < 4; c++) grads[l * 4 + c] = f32[tg + c * LANES + l]!;
        }
        this.io!.tex(sampler, dim, mode, mask, coords, lod, grads, out, offsets, int);
        // bits, not values: an integer return's words must not pass through a float (NaN patterns)
        const bits = this.outBits;
        for (let l = 0; l < LANES; l++) for (let c = 0; c < 4; c++) u32[to + c * LANES + l] = bits[l * 4 + c]!;
      },
      ldGlobal: (off, mask) => {
        const io = this.io!;
        for (let l = 0; l < LANES; l++) if (mask >> l & 1) u32[gval + l] = io.ldGlobal(u32[gaddr + LANES + l]! * 0x1_0000_0000 + u32[gaddr + l]! + off);
      },
      stGlobal: (off, mask) => {
        const io = this.io!;
        for (let l = 0; l < LANES; l++) if (mask >> l & 1) io.stGlobal(u32[gaddr + LANES + l]! * 0x1_0000_0000 + u32[gaddr + l]! + off, u32[gval + l]!);
      },
      budget: (steps) => {
        if (!this.more) throw new ShaderExecError(`shader exceeded ${this.maxSteps} instructions (runaway loop?)`);
        return (this.maxSteps = clampBudget(this.more(steps >>> 0)));
      },
      ...MATH,
      f2h: (x) => f32BitsToF16Bits(x >>> 0),
      h2f: (x) => f16BitsToF32Bits(x >>> 0) | 0,
      ldVaryFlat: (slot, mask) => { const io = this.io!; for (let l = 0; l < LANES; l++) if (mask >> l & 1) u32[vec + l] = io.ldVaryFlat(l, slot) >>> 0; },
    };
    this.imports = { memory: mem.wasm, ...fns };
  }

  /** the attribute fetch blocks in local memory (ShaderIO.attribFetch), or null: none serves */
  private attribsLoaded: Uint32Array | null = null;

  /**
   * Loads a draw's attribute fetch blocks (once per draw, not per warp) and
   * this warp's vertex indices into local memory; a warp without them (a
   * fragment shader, a pipeline that fetches through the I/O unit) leaves no
   * block serving, so its ld_attr asks the I/O unit.
   */
  loadVertexFetch(blocks: Uint32Array | undefined, ids: Float64Array | undefined): void {
    const u32 = this.u32;
    if (blocks !== this.attribsLoaded) {
      const at = (this.base + CORE_LOCAL.attribFetch) >> 2, words = ATTRIB_FETCH.slots * ATTRIB_FETCH.bytes / 4;
      if (blocks) u32.set(blocks.length === words ? blocks : blocks.subarray(0, words), at);
      else u32.fill(0, at, at + words);
      this.attribsLoaded = blocks ?? null;
    }
    if (!blocks || !ids) return;
    const at = (this.base + CORE_LOCAL.vertexIds) >> 2;
    for (let l = 0; l < LANES; l++) {
      const v = ids[l]!;
      u32[at + l] = v >= 0 && v <= 0xffffffff ? v : VERTEX_ID_NONE;
    }
  }

  /**
   * Hands the warp's vertex outputs to local memory (ShaderIO.vertexOut):
   * true when the translated code stores them there (then storeVertexOut
   * copies them back after the warp); false, with vertexOutWords 0, when
   * st_vary goes to the I/O unit.
   */
  loadVertexOut(o: VertexOutputs | undefined): boolean {
    const u32 = this.u32, b = this.base;
    if (!o || !(o.words > 0 && o.words <= VERTEX_OUT_MAX_WORDS)) { u32[(b + CORE_LOCAL.vertexOutWords) >> 2] = 0; return false; }
    u32[(b + CORE_LOCAL.vertexOutWords) >> 2] = o.words;
    u32[(b + CORE_LOCAL.vertexOutVaryings) >> 2] = o.varyings;
    // fresh outputs: 0, w = 1 (clip position), point size 1
    const out = (b + CORE_LOCAL.vertexOut) >> 2, ps = (b + CORE_LOCAL.vertexPointSize) >> 2, words = o.words;
    u32.fill(0, out, out + o.lanes * words);
    for (let l = 0; l < o.lanes; l++) u32[out + l * words + 3] = ONE;
    u32.fill(ONE, ps, ps + o.lanes);
    return true;
  }
  /** the view storeVertexOut last copied from (a warp's outputs, as long as the last warp's) */
  private outView: Uint32Array | null = null;
  /** Copies a warp's outputs back from local memory into the batch's storage. */
  storeVertexOut(o: VertexOutputs): void {
    const u32 = this.u32, out = (this.base + CORE_LOCAL.vertexOut) >> 2, ps = (this.base + CORE_LOCAL.vertexPointSize) >> 2;
    const n = o.lanes * o.words;
    let v = this.outView;
    if (!v || v.length !== n) v = this.outView = u32.subarray(out, out + n);
    o.store.set(v, o.first * o.words);
    const psize = o.psize;
    for (let l = 0; l < o.lanes; l++) psize[o.first + l] = u32[ps + l]!;
  }

  /** uniform registers are preloaded once per uniform buffer, not per warp */
  loadUniforms(uni: Uint32Array): void {
    if (uni === this.lastUniforms) return;
    const at = (this.base + CORE_LOCAL.uniforms) >> 2;
    this.u32.set(uni, at);
    // operand uniforms past the buffer read 0: clear only what an earlier, longer buffer left there
    const end = Math.min(this.uniformsEnd, CORE_LOCAL.operandUniforms);
    if (uni.length < end) this.u32.fill(0, at + uni.length, at + end);
    this.uniformsEnd = uni.length;
    this.lastUniforms = uni;
  }
}

const coreIo = new WeakMap<PhysicalMemory, CoreIo[]>();
export function coreOf(mem: PhysicalMemory, core: number): CoreIo {
  let cores = coreIo.get(mem);
  if (!cores) coreIo.set(mem, (cores = []));
  return cores[core] ?? (cores[core] = new CoreIo(mem, mem.coreLocal(core)));
}

/** Compiles a translation (the shader cores' CodeCache, code-cache.ts, keeps it by the code's bytes across jobs). */
export function compileWasm(code: readonly DecodedOp[], regCount: number): WebAssembly.Module {
  return new WebAssembly.Module(translateToWasm(code, regCount));
}

/** A warp runner for translated code on shader core `core` of the device whose memory is `mem`. */
export function wasmWarp(mod: WebAssembly.Module, regCount: number, mem: PhysicalMemory, core = 0): WasmWarpFn {
  const port = coreOf(mem, core);
  const inst = new WebAssembly.Instance(mod, { core: port.imports });
  const run = inst.exports.warp as (base: number, mask: number, maxSteps: number, uniLen: number) => number;
  const base = port.base, u32 = mem.u32, rw = base >> 2, n = regCount * LANES;
  // the register file in local memory, one view for every warp (a view per warp is garbage)
  const regsAt = rw + (CORE_LOCAL.regs >> 2), local = u32.subarray(regsAt, regsAt + n);
  return (warp, io, maxSteps, more) => {
    const regs = warp.u32.length === n ? warp.u32 : warp.u32.subarray(0, n);
    u32.set(regs, regsAt);
    port.loadUniforms(io.uniforms);
    port.loadVertexFetch(io.attribFetch, io.laneVertex);
    const outputs = port.loadVertexOut(io.vertexOut);
    port.io = io;
    port.more = more;
    port.maxSteps = clampBudget(maxSteps);
    const steps = run(base, warp.mask, port.maxSteps, io.uniforms.length) >>> 0;
    if (outputs) port.storeVertexOut(io.vertexOut!);
    warp.aliveOut = u32[(base + CORE_LOCAL.alive) >> 2]!;
    warp.u32.set(local);
    return steps;
  };
}
