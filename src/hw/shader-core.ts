/**
 * A shader core: fetches Akari machine code from GPU memory (through the MMU,
 * with execute permission), decodes it into its instruction cache and runs a
 * warp of 16 lanes under an execution mask.
 *
 * The pipelines hand the core a warp (register file, active and coverage
 * masks) and an I/O port for everything outside the register file —
 * attribute fetch, varyings, render-target outputs, textures, special
 * registers, global memory — so the same core serves every stage.
 */
import { decode } from '../hwdesc/isa-codec.js';
import {
  INLINE_CONSTANTS, OPCODE, OPS, SRC_KIND_CONST, SRC_KIND_GPR, SRC_KIND_SPECIAL, TEX_DIM_COORDS, TEX_MODE, WARP_LANES,
} from '../hwdesc/isa.js';
import { bitsToF32, f16BitsToF32Bits, f32BitsToF16Bits, f32ToBits, hex } from '../base/bits.js';

export const LANES = WARP_LANES;
export const FULL_MASK = (1 << LANES) - 1;

/** A decoded instruction, flattened for the interpreter. */
export interface DecodedOp {
  op: number;
  dst: number;
  a: number; b: number; c: number;
  nega: number; absa: number; negb: number; absb: number; negc: number; absc: number;
  sat: number; cond: number;
  imm: number; target: number; slot: number; comp: number; base: number; sampler: number; dim: number; shadow: number;
  /** tex: texel offsets packed in c (b in grad mode) */
  offset: number;
  /** tex: an integer return (the texels' integer bits) */
  int: number;
}

export class ShaderDecodeError extends Error {}

export function decodeProgram(words: Uint32Array): DecodedOp[] {
  const out: DecodedOp[] = [];
  for (let pc = 0; pc < words.length / 2; pc++) {
    const ins = decode(words[2 * pc]!, words[2 * pc + 1]!);
    if (!ins) throw new ShaderDecodeError(`invalid opcode ${words[2 * pc]! & 0xff} at instruction ${pc}`);
    const f = ins.f;
    out.push({
      op: OPCODE[ins.op]!, dst: f.dst ?? 0, a: f.a ?? 0, b: f.b ?? 0, c: f.c ?? 0,
      nega: f.nega ?? 0, absa: f.absa ?? 0, negb: f.negb ?? 0, absb: f.absb ?? 0, negc: f.negc ?? 0, absc: f.absc ?? 0,
      sat: f.sat ?? 0, cond: f.cond ?? 0, imm: f.imm32 ?? 0, target: f.target ?? 0, slot: f.slot ?? 0,
      comp: f.comp ?? 0, base: f.base ?? 0, sampler: f.sampler ?? 0, dim: f.dim ?? 0, shadow: f.shadow ?? 0, offset: f.offset ?? 0,
      int: f.int ?? 0,
    });
  }
  return out;
}

/** Everything outside the register file; implemented by each pipeline. */
export interface ShaderIO {
  uniforms: Uint32Array;
  special(lane: number, which: number): number; // raw bits
  ldAttr(lane: number, slot: number, comp: number): number; // raw bits
  stVary(lane: number, slot: number, bits: number): void;
  ldVary(lane: number, slot: number): number; // float
  /** ld_vary_flat: the provoking vertex's bits of varying `slot` */
  ldVaryFlat(lane: number, slot: number): number; // raw bits
  stOut(lane: number, rt: number, comp: number, bits: number): void;
  /**
   * samples a texture for the given lanes; coords[lane*4+i]; writes rgba floats to out[lane*4+i].
   * fetch and size modes (TEX_MODE): the integer operands arrive as their values (coordinates, level in
   * lodBias), size writes integer values; offsets: the packed texel offsets (0: none). int (tex .int,
   * sample and fetch modes): out's buffer receives 32-bit integer words (the texels' integers, read
   * through an Int32Array over it), which the core copies as bits
   */
  tex(sampler: number, dim: number, mode: number, mask: number, coords: Float32Array, lodBias: Float32Array, grads: Float32Array, out: Float32Array, offsets: number, int: number): void;
  ldGlobal(va: number): number;
  stGlobal(va: number, v: number): void;
  /**
   * Optional whole-warp forms, which the translated core's I/O unit uses when
   * a pipeline offers them: each must equal the per-lane method called for
   * every lane of `mask` in lane order. Values are lane-vectors at `at`
   * (lane l at at + l).
   */
  ldVaryLanes?(slot: number, mask: number, out: Float32Array, at: number): void;
  stOutLanes?(rt: number, comp: number, mask: number, values: Float32Array, at: number): void;
  /** ldAttr's raw bits for the lanes of `mask`, into u32/f32 (two views of the same words) at `at` */
  ldAttrLanes?(slot: number, comp: number, mask: number, u32: Uint32Array, f32: Float32Array, at: number): void;
  /** stVary of the raw bits at `at` (u32/f32: two views of the same words) for the lanes of `mask` */
  stVaryLanes?(slot: number, mask: number, u32: Uint32Array, f32: Float32Array, at: number): void;
  /**
   * For translated code (shader-wasm.ts): the draw's attributes as the
   * vertex fetch unit's blocks (hwdesc/corelocal.ts ATTRIB_FETCH, slot after
   * slot; a new array whenever they change) and each lane's vertex index, so
   * ld_attr of a float attribute loads its words itself. What a block does
   * not serve goes to ldAttrLanes/ldAttr, which must give the same bits.
   */
  attribFetch?: Uint32Array;
  laneVertex?: Float64Array;
  /**
   * For translated code: where this warp's st_vary go without the I/O unit —
   * the batch's outputs (`words` per vertex: clip position, then `varyings`
   * varyings) and point sizes, as bits, lane l being vertex `first` + l of
   * the batch, `lanes` lanes, which the warp's st_vary find fresh (0, w = 1,
   * point size 1: the core does not read them) and the core copies back
   * after the warp; its stores must equal stVaryLanes'.
   */
  vertexOut?: VertexOutputs;
}

/** The outputs of a vertex warp (ShaderIO.vertexOut). */
export interface VertexOutputs { store: Uint32Array; psize: Uint32Array; words: number; varyings: number; first: number; lanes: number }

export class Warp {
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  /** lanes that exist (a partial warp has fewer) */
  mask = FULL_MASK;
  /** lanes still alive (not discarded) when the warp ended */
  aliveOut = 0;
  constructor(readonly regCount: number) {
    const buf = new ArrayBuffer(Math.max(1, regCount) * LANES * 4);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
    this.f32 = new Float32Array(buf);
  }
}

const OP = OPCODE as Record<string, number>;
const O = {
  nop: OP.nop!, end: OP.end!, mov: OP.mov!, movi: OP.movi!, fadd: OP.fadd!, fmul: OP.fmul!, ffma: OP.ffma!,
  fmin: OP.fmin!, fmax: OP.fmax!, frcp: OP.frcp!, frsq: OP.frsq!, fsqrt: OP.fsqrt!, fexp2: OP.fexp2!, flog2: OP.flog2!,
  fsin: OP.fsin!, fcos: OP.fcos!, ffloor: OP.ffloor!, fceil: OP.fceil!, ffract: OP.ffract!, ftrunc: OP.ftrunc!,
  fround: OP.fround!, fsign: OP.fsign!, fcmp: OP.fcmp!, fsel: OP.fsel!, fddx: OP.fddx!, fddy: OP.fddy!,
  iadd: OP.iadd!, isub: OP.isub!, imul: OP.imul!, idiv: OP.idiv!, imin: OP.imin!, imax: OP.imax!, and: OP.and!,
  or: OP.or!, xor: OP.xor!, not: OP.not!, shl: OP.shl!, shr: OP.shr!, asr: OP.asr!, icmp: OP.icmp!, ucmp: OP.ucmp!,
  f2i: OP.f2i!, f2u: OP.f2u!, i2f: OP.i2f!, u2f: OP.u2f!, if: OP.if!, else: OP.else!, endif: OP.endif!,
  loop: OP.loop!, break: OP.break!, continue: OP.continue!, endloop: OP.endloop!, discard: OP.discard!,
  ld_attr: OP.ld_attr!, st_vary: OP.st_vary!, ld_vary: OP.ld_vary!, ld_vary_flat: OP.ld_vary_flat!, st_out: OP.st_out!, tex: OP.tex!,
  ld_u: OP.ld_u!, ld_r: OP.ld_r!, st_r: OP.st_r!, ld_g: OP.ld_g!, st_g: OP.st_g!, fmod: OP.fmod!,
  fatan2: OP.fatan2!, fpow: OP.fpow!, ftan: OP.ftan!, fasin: OP.fasin!, facos: OP.facos!, fatan: OP.fatan!,
  udiv: OP.udiv!, umod: OP.umod!, irem: OP.irem!, umin: OP.umin!, umax: OP.umax!, f2h: OP.f2h!, h2f: OP.h2f!,
};

const CONST_BITS = Uint32Array.from(INLINE_CONSTANTS.map(f32ToBits));
/** f2i's conversion: truncating, saturating, NaN 0 (what i32x4.trunc_sat_f32x4_s gives) */
export const f2iSat = (a: number): number => Number.isNaN(a) ? 0 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(a)));
/** TEX_MODE indices of the integer-operand modes */
export const TEX_FETCH = TEX_MODE.indexOf('fetch'), TEX_SIZE = TEX_MODE.indexOf('size');

function cmp(cond: number, x: number, y: number): boolean {
  switch (cond) {
    case 0: return x === y;
    case 1: return x !== y;
    case 2: return x < y;
    case 3: return x >= y;
    case 4: return x <= y;
    case 5: return x > y;
    default: return false;
  }
}

function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export class ShaderExecError extends Error {}

const tmpF = new Float32Array(1);
const tmpU = new Uint32Array(tmpF.buffer);

interface Frame { kind: 0 | 1; saved: number; taken: number; brk: number; cont: number }

/** Executes one warp to completion. Returns the number of instructions issued. */
export function runWarp(code: DecodedOp[], warp: Warp, io: ShaderIO, maxSteps = 1 << 24, more?: (steps: number) => number): number {
  const { u32, i32, f32 } = warp;
  const regCount = warp.regCount;
  const uni = io.uniforms;
  let alive = warp.mask;
  let mask = alive;
  const stack: Frame[] = [];
  let loopFrame: Frame | null = null;
  let steps = 0;
  const texCoords = new Float32Array(LANES * 4), texLod = new Float32Array(LANES), texGrad = new Float32Array(LANES * 4), texOut = new Float32Array(LANES * 4);
  // an integer return's words, copied as bits
  const texOutBits = new Uint32Array(texOut.buffer);

  const rawSrc = (code: number, lane: number): number => {
    const kind = code >> 8, idx = code & 255;
    if (kind === SRC_KIND_GPR) return idx < regCount ? u32[idx * LANES + lane]! : 0;
    if (kind === SRC_KIND_CONST) return CONST_BITS[idx] ?? 0;
    if (kind === SRC_KIND_SPECIAL) return io.special(lane, idx) >>> 0;
    if (kind >= 1 && kind <= 4) return uni[(kind - 1) * 256 + idx] ?? 0;
    return 0;
  };
  const fsrc = (code: number, lane: number, neg: number, abs: number): number => {
    tmpU[0] = rawSrc(code, lane);
    let v = tmpF[0]!;
    if (abs) v = Math.abs(v);
    if (neg) v = -v;
    return v;
  };
  const laneCond = (code: number): number => {
    let m = 0;
    for (let l = 0; l < LANES; l++) if (mask & (1 << l) && rawSrc(code, l) !== 0) m |= 1 << l;
    return m;
  };
  const innermostLoopOff = (): number => (loopFrame ? loopFrame.brk | loopFrame.cont : 0);

  let pc = 0;
  const n = code.length;
  while (pc < n) {
    if (++steps > maxSteps) {
      if (!more) throw new ShaderExecError(`shader exceeded ${maxSteps} instructions (runaway loop?)`);
      maxSteps = more(steps); // the watchdog's check: a new budget, or it stops the job
    }
    const ins = code[pc]!;
    const op = ins.op;
    const d = ins.dst * LANES;
    if (ins.dst >= regCount && d >= 0 && OPS[op]!.form !== 'cf' && OPS[op]!.form !== 'none' && OPS[op]!.form !== 'out' && op !== O.st_vary && op !== O.st_r && op !== O.st_g) {
      throw new ShaderExecError(`instruction ${pc} writes r${ins.dst} beyond the ${regCount} registers allocated`);
    }
    switch (op) {
      case O.nop: break;
      case O.end: warp.aliveOut = alive; return steps;
      case O.movi:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) u32[d + l] = ins.imm;
        break;
      case O.if: {
        const taken = laneCond(ins.a);
        stack.push({ kind: 0, saved: mask, taken, brk: 0, cont: 0 });
        mask = taken;
        if (!mask) { pc += ins.target; continue; }
        break;
      }
      case O.else: {
        const fr = stack[stack.length - 1];
        if (!fr || fr.kind !== 0) throw new ShaderExecError(`else without if at ${pc}`);
        mask = fr.saved & ~fr.taken & alive & ~innermostLoopOff();
        if (!mask) { pc += ins.target; continue; }
        break;
      }
      case O.endif: {
        const fr = stack.pop();
        if (!fr || fr.kind !== 0) throw new ShaderExecError(`endif without if at ${pc}`);
        mask = fr.saved & alive & ~innermostLoopOff();
        break;
      }
      case O.loop: {
        if (!mask) { pc += ins.target; continue; }
        const fr: Frame = { kind: 1, saved: mask, taken: 0, brk: 0, cont: 0 };
        stack.push(fr);
        loopFrame = fr;
        break;
      }
      case O.break: case O.continue: {
        if (!loopFrame) throw new ShaderExecError(`${OPS[op]!.name} outside a loop at ${pc}`);
        const lanes = laneCond(ins.a);
        if (op === O.break) loopFrame.brk |= lanes; else loopFrame.cont |= lanes;
        mask &= ~lanes;
        break;
      }
      case O.endloop: {
        const fr = stack[stack.length - 1];
        if (!fr || fr.kind !== 1) throw new ShaderExecError(`endloop without loop at ${pc}`);
        mask = (mask | fr.cont) & ~fr.brk & alive;
        fr.cont = 0;
        if (mask) { pc += ins.target; continue; }
        stack.pop();
        loopFrame = null;
        for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.kind === 1) { loopFrame = stack[i]!; break; }
        mask = fr.saved & alive & ~innermostLoopOff();
        break;
      }
      case O.discard: {
        const lanes = laneCond(ins.a);
        alive &= ~lanes;
        mask &= ~lanes;
        break;
      }
      case O.ld_attr:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) u32[d + l] = io.ldAttr(l, ins.slot, ins.comp);
        break;
      case O.st_vary:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) io.stVary(l, ins.slot, rawSrc(ins.a, l));
        break;
      case O.ld_vary:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) f32[d + l] = io.ldVary(l, ins.slot);
        break;
      case O.ld_vary_flat:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) u32[d + l] = io.ldVaryFlat(l, ins.slot);
        break;
      case O.st_out:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) io.stOut(l, ins.slot, ins.comp, rawSrc(ins.a, l));
        break;
      case O.tex: {
        // shadow: the depth reference is one more coordinate register (0 without it)
        const nc = (TEX_DIM_COORDS[ins.dim] ?? 2) + ins.shadow;
        const base = ins.a & 255;
        // fetch and size read integer operands: the texture unit receives their values
        const ints = ins.cond === TEX_FETCH || ins.cond === TEX_SIZE;
        const view = ints ? i32 : f32;
        for (let l = 0; l < LANES; l++) {
          for (let i = 0; i < 4; i++) texCoords[l * 4 + i] = i < nc && base + i < regCount ? view[(base + i) * LANES + l]! : 0;
          texLod[l] = ints ? rawSrc(ins.b, l) | 0 : fsrc(ins.b, l, 0, 0);
          if (ins.cond === 3) {
            const g = ins.c & 255;
            for (let i = 0; i < 4; i++) texGrad[l * 4 + i] = g + i < regCount ? f32[(g + i) * LANES + l]! : 0;
          }
        }
        const offsets = ins.offset ? rawSrc(ins.cond === 3 ? ins.b : ins.c, 0) | 0 : 0;
        // implicit LOD needs the helper lanes of each quad too: sample for every live lane
        const int = ins.int && ins.cond !== TEX_SIZE ? 1 : 0;
        io.tex(ins.sampler, ins.dim, ins.cond, ins.cond === 0 || ins.cond === 1 ? alive : mask, texCoords, texLod, texGrad, texOut, offsets, int);
        for (let l = 0; l < LANES; l++) {
          if (!(mask & (1 << l))) continue;
          // size: integer results; int: the words as they are
          if (ins.cond === TEX_SIZE) for (let i = 0; i < 4; i++) { if (ins.dst + i < regCount) i32[(ins.dst + i) * LANES + l] = f2iSat(texOut[l * 4 + i]!); }
          else if (int) for (let i = 0; i < 4; i++) { if (ins.dst + i < regCount) u32[(ins.dst + i) * LANES + l] = texOutBits[l * 4 + i]!; }
          else for (let i = 0; i < 4; i++) if (ins.dst + i < regCount) f32[(ins.dst + i) * LANES + l] = texOut[l * 4 + i]!;
        }
        break;
      }
      case O.ld_u:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) {
          const i = ins.base + (rawSrc(ins.a, l) | 0);
          u32[d + l] = i >= 0 && i < uni.length ? uni[i]! : 0;
        }
        break;
      case O.ld_r:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) {
          const i = ins.base + (rawSrc(ins.a, l) | 0);
          u32[d + l] = i >= 0 && i < regCount ? u32[i * LANES + l]! : 0;
        }
        break;
      case O.st_r:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) {
          const i = ins.base + (rawSrc(ins.a, l) | 0);
          if (i >= 0 && i < regCount) u32[i * LANES + l] = rawSrc(ins.b, l);
        }
        break;
      case O.ld_g: case O.st_g:
        for (let l = 0; l < LANES; l++) if (mask & (1 << l)) {
          const ra = ins.a & 255;
          const va = u32[(ra + 1) * LANES + l]! * 0x1_0000_0000 + u32[ra * LANES + l]! + ins.base;
          if (op === O.ld_g) u32[d + l] = io.ldGlobal(va);
          else io.stGlobal(va, rawSrc(ins.b, l));
        }
        break;
      case O.fddx: case O.fddy: {
        for (let q = 0; q < LANES; q += 4) {
          const v = [0, 1, 2, 3].map((i) => fsrc(ins.a, q + i, ins.nega, ins.absa));
          // quad layout: lane q+0 (x0,y0), q+1 (x1,y0), q+2 (x0,y1), q+3 (x1,y1)
          const dx0 = v[1]! - v[0]!, dx1 = v[3]! - v[2]!, dy0 = v[2]! - v[0]!, dy1 = v[3]! - v[1]!;
          for (let i = 0; i < 4; i++) {
            if (!(mask & (1 << (q + i)))) continue;
            f32[d + q + i] = op === O.fddx ? (i < 2 ? dx0 : dx1) : (i % 2 === 0 ? dy0 : dy1);
          }
        }
        break;
      }
      default:
        aluOp(ins, mask, u32, i32, f32, d, rawSrc, fsrc, pc);
    }
    pc++;
  }
  warp.aliveOut = alive;
  return steps;
}

function aluOp(
  ins: DecodedOp, mask: number, u32: Uint32Array, i32: Int32Array, f32: Float32Array, d: number,
  rawSrc: (c: number, l: number) => number, fsrc: (c: number, l: number, n: number, a: number) => number, pc: number,
): void {
  const op = ins.op;
  const desc = OPS[op];
  if (!desc || desc.form !== 'alu') throw new ShaderExecError(`opcode ${op} (${desc?.name ?? '?'}) not executable at ${pc}`);
  for (let l = 0; l < LANES; l++) {
    if (!(mask & (1 << l))) continue;
    if ((op === O.mov || op === O.fsel) && !ins.sat) {
      // moves and selects carry bits untouched (integers too); neg/abs act on the sign bit
      const [c, n, ab] = op === O.mov ? [ins.a, ins.nega, ins.absa] : rawSrc(ins.a, l) !== 0 ? [ins.b, ins.negb, ins.absb] : [ins.c, ins.negc, ins.absc];
      u32[d + l] = ((rawSrc(c, l) & (ab ? 0x7fffffff : 0xffffffff)) ^ (n ? 0x80000000 : 0)) >>> 0;
      continue;
    }
    if (desc.type === 'f') {
      const a = fsrc(ins.a, l, ins.nega, ins.absa);
      const b = desc.srcs! > 1 ? fsrc(ins.b, l, ins.negb, ins.absb) : 0;
      const c = desc.srcs! > 2 ? fsrc(ins.c, l, ins.negc, ins.absc) : 0;
      let r: number;
      switch (op) {
        case O.mov: r = a; break;
        case O.fadd: r = a + b; break;
        case O.fmul: r = a * b; break;
        case O.ffma: r = Math.fround(a * b) + c; break;
        // IEEE-754 minNum/maxNum: a NaN operand gives the other one
        case O.fmin: r = b < a || a !== a ? b : a; break;
        case O.fmax: r = b > a || a !== a ? b : a; break;
        case O.frcp: r = 1 / a; break;
        case O.frsq: r = 1 / Math.sqrt(a); break;
        case O.fsqrt: r = Math.sqrt(a); break;
        case O.fexp2: r = 2 ** a; break;
        case O.flog2: r = Math.log2(a); break;
        case O.fsin: r = Math.sin(a); break;
        case O.fcos: r = Math.cos(a); break;
        case O.ffloor: r = Math.floor(a); break;
        case O.fceil: r = Math.ceil(a); break;
        case O.ffract: r = a - Math.floor(a); break;
        case O.ftrunc: r = Math.trunc(a); break;
        case O.fround: r = roundEven(a); break;
        case O.fsign: r = a > 0 ? 1 : a < 0 ? -1 : 0; break;
        case O.fcmp: r = cmp(ins.cond, a, b) ? 1 : 0; break;
        case O.fsel: r = rawSrc(ins.a, l) !== 0 ? b : c; break;
        case O.fmod: r = a - b * Math.floor(a / b); break;
        case O.fatan2: r = Math.atan2(a, b); break;
        case O.fpow: r = a ** b; break;
        case O.ftan: r = Math.tan(a); break;
        case O.fasin: r = Math.asin(a); break;
        case O.facos: r = Math.acos(a); break;
        case O.fatan: r = Math.atan(a); break;
        case O.f2i: i32[d + l] = Number.isNaN(a) ? 0 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(a))); continue;
        case O.f2u: u32[d + l] = Number.isNaN(a) ? 0 : Math.max(0, Math.min(4294967295, Math.trunc(a))); continue;
        case O.f2h: u32[d + l] = f32BitsToF16Bits(f32ToBits(a)); continue;
        default: throw new ShaderExecError(`unhandled float op ${desc.name}`);
      }
      if (ins.sat) r = Number.isNaN(r) ? 0 : Math.min(1, Math.max(0, r));
      f32[d + l] = r;
    } else {
      const ra = rawSrc(ins.a, l), rb = desc.srcs! > 1 ? rawSrc(ins.b, l) : 0;
      const a = ra | 0, b = rb | 0;
      switch (op) {
        case O.iadd: i32[d + l] = (a + b) | 0; break;
        case O.isub: i32[d + l] = (a - b) | 0; break;
        case O.imul: i32[d + l] = Math.imul(a, b); break;
        case O.idiv: i32[d + l] = b === 0 ? 0 : (a / b) | 0; break;
        case O.imin: i32[d + l] = Math.min(a, b); break;
        case O.imax: i32[d + l] = Math.max(a, b); break;
        case O.and: i32[d + l] = a & b; break;
        case O.or: i32[d + l] = a | b; break;
        case O.xor: i32[d + l] = a ^ b; break;
        case O.not: i32[d + l] = ~a; break;
        case O.shl: i32[d + l] = a << (b & 31); break;
        case O.shr: u32[d + l] = ra >>> (b & 31); break;
        case O.asr: i32[d + l] = a >> (b & 31); break;
        case O.icmp: u32[d + l] = cmp(ins.cond, a, b) ? 1 : 0; break;
        case O.ucmp: u32[d + l] = cmp(ins.cond, ra >>> 0, rb >>> 0) ? 1 : 0; break;
        case O.i2f: f32[d + l] = a; break;
        case O.u2f: f32[d + l] = ra >>> 0; break;
        case O.udiv: u32[d + l] = rb >>> 0 === 0 ? 0 : Math.trunc((ra >>> 0) / (rb >>> 0)); break;
        case O.umod: u32[d + l] = rb >>> 0 === 0 ? ra : (ra >>> 0) % (rb >>> 0); break;
        case O.irem: i32[d + l] = b === 0 ? a : (a % b) | 0; break;
        case O.umin: u32[d + l] = Math.min(ra >>> 0, rb >>> 0); break;
        case O.umax: u32[d + l] = Math.max(ra >>> 0, rb >>> 0); break;
        case O.h2f: u32[d + l] = f16BitsToF32Bits(ra); break;
        default: throw new ShaderExecError(`unhandled integer op ${desc.name}`);
      }
    }
  }
}

export function describeShaderAddress(va: number): string {
  return hex(va);
}
export { bitsToF32 };
