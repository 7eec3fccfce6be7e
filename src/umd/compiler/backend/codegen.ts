/**
 * The Akari back end: instruction selection, register allocation and
 * emission, from the optimised IR to machine code.
 *
 * Instruction selection folds what the ISA can express in an operand:
 * uniforms (`u12`), special registers (`sr.frag_x`), inline constants
 * (`#0.5`), other constants placed in the uniform buffer after the user's
 * uniforms (StageBinary.constants), and fneg/fabs of SSA values as source
 * modifiers wherever the consumer reads its source as a float (never for
 * `fsel`'s selector, `if`/`break` conditions or stores, which test raw bits).
 *
 * Register allocation is linear scan over live intervals in program order.
 * Execution under a mask makes program order the execution order, so an
 * interval from first to last mention is exact for straight-line code; a
 * value that lives around a loop back edge (a variable, or anything defined
 * outside and used inside, or used inside before its definition) is kept for
 * the whole loop. The bottom of the register file holds fixed blocks: tex
 * staging (coordinates, gradients, results, since tex reads and writes
 * consecutive registers), the index temporary of ld_u/ld_r/st_r, and the
 * dynamically indexed arrays.
 */
import { encode, resolveControlFlow, srcConst, srcGpr, srcSpecial, srcUniform, type Instr as MInstr } from '../../../hwdesc/isa-codec.js';
import { COND, INLINE_CONSTANTS, MAX_GPRS, MAX_UNIFORMS, SPECIAL_REGS, TEX_DIM_COORDS, TEX_MODE, VARY_FIRST_USER } from '../../../hwdesc/isa.js';
import { f32ToBits } from '../../../base/bits.js';
import { defCounts, INT_ALU_OPS, isAlu, type Instr, type IrShader, type Node, type Operand } from '../ir/ir.js';

/** IR integer ops whose ISA instruction has another name */
const ISA_NAME: Readonly<Record<string, string>> = { iand: 'and', ior: 'or', ixor: 'xor', inot: 'not', ishl: 'shl', ishr: 'asr', ushr: 'shr' };

export interface BackendInput {
  ir: IrShader;
  /** attribute index -> first ATTRIBUTE slot */
  attribSlots: number[];
  /** varying index -> scalar slot (relative to VARY_FIRST_USER) of component 0, or -1 if unused */
  varyingSlots: number[];
  uniformWords: number;
  /** words the lowering already placed in the uniform buffer (constant tables) */
  constWords?: ReadonlyArray<readonly [number, number]>;
}
export interface BackendOutput {
  code: Uint32Array;
  instrs: MInstr[];
  registers: number;
  uniformWords: number;
  constants: Array<readonly [number, number]>;
}

interface MOp { raw: number; neg: number; abs: number }

const INLINE_BITS = INLINE_CONSTANTS.map((c) => f32ToBits(c));

export class BackendError extends Error {}

/** float ALU ops whose sources accept neg/abs modifiers (fsel's selector excepted) */
function foldablePos(i: Instr, k: number): boolean {
  if (!isAlu(i.op) || INT_ALU_OPS.has(i.op)) return false;
  if (i.op === 'fsel' && k === 0) return false;
  return true;
}

export function generate(inp: BackendInput): BackendOutput {
  const s = inp.ir;
  const defs = defCounts(s);
  const defOf: (Instr | undefined)[] = new Array(s.nextV);
  const allFoldable = new Uint8Array(s.nextV).fill(1);
  let hasTex = false, hasInd = false;
  const walkAll = (list: Node[], f: (i: Instr) => void): void => {
    for (const n of list) {
      if (n.kind === 'instr') f(n);
      else if (n.kind === 'if') {
        if (n.cond.k === 'v') allFoldable[n.cond.v] = 0;
        walkAll(n.then, f); walkAll(n.else, f);
      } else walkAll(n.body, f);
    }
  };
  walkAll(s.body, (i) => {
    if (i.dst >= 0 && defs[i.dst] === 1) defOf[i.dst] = i;
    // a modifier reads its source where the consumer is: only a value that never changes can be folded
    if ((i.op === 'fneg' || i.op === 'fabs') && i.dst >= 0) {
      const o = i.src[0]!;
      if (o.k === 'v' && defs[o.v] !== 1) allFoldable[i.dst] = 0;
    }
    i.src.forEach((o, k) => { if (o.k === 'v' && !foldablePos(i, k)) allFoldable[o.v] = 0; });
    if (i.op === 'tex') hasTex = true;
    if (i.op === 'ld_arr' || i.op === 'st_arr' || i.op === 'ld_uni_ind') hasInd = true;
  });

  // ---- operands that need no register
  const constants: Array<readonly [number, number]> = [...(inp.constWords ?? [])];
  const constSlot = new Map<number, number>();
  let uniformWords = inp.uniformWords;
  const aliasOf = (v: number): MOp | null => {
    const d = defOf[v];
    if (!d) return null;
    if (d.op === 'ld_uni' && !d.int && d.idx! < MAX_UNIFORMS) return { raw: srcUniform(d.idx!), neg: 0, abs: 0 };
    if (d.op === 'ld_special') return { raw: srcSpecial(SPECIAL_REGS[d.idx!]!), neg: 0, abs: 0 };
    if (d.op === 'iconst') return { raw: constBits(d.idx! >>> 0), neg: 0, abs: 0 };
    if ((d.op === 'fneg' || d.op === 'fabs') && allFoldable[v]) {
      const inner = operand(d.src[0]!);
      return d.op === 'fabs' ? { raw: inner.raw, neg: 0, abs: 1 } : { raw: inner.raw, neg: inner.neg ^ 1, abs: inner.abs };
    }
    return null;
  };
  const aliasCache = new Map<number, MOp | null>();
  const alias = (v: number): MOp | null => {
    if (!aliasCache.has(v)) aliasCache.set(v, aliasOf(v));
    return aliasCache.get(v)!;
  };
  const reg = new Int32Array(s.nextV).fill(-1);
  /** an operand holding these bits: an inline constant with exactly them, else a word of the uniform buffer */
  function constBits(bits: number): number {
    const inline = INLINE_BITS.indexOf(bits);
    if (inline >= 0) return srcConst(INLINE_CONSTANTS[inline]!);
    let slot = constSlot.get(bits);
    if (slot === undefined) {
      slot = uniformWords++;
      if (slot >= MAX_UNIFORMS) throw new BackendError('too many uniforms and constants for the uniform file');
      constSlot.set(bits, slot);
      constants.push([slot, bits]);
    }
    return srcUniform(slot);
  }
  function operand(o: Operand): MOp {
    if (o.k === 'c') {
      const c = srcConst(o.f);
      if (c >= 0) return { raw: c, neg: 0, abs: 0 };
      const bits = f32ToBits(o.f);
      let slot = constSlot.get(bits);
      if (slot === undefined) {
        slot = uniformWords++;
        if (slot >= MAX_UNIFORMS) throw new BackendError('too many uniforms and constants for the uniform file');
        constSlot.set(bits, slot);
        constants.push([slot, bits]);
      }
      return { raw: srcUniform(slot), neg: 0, abs: 0 };
    }
    const a = needsReg(o.v) ? null : alias(o.v);
    if (a) return a;
    const r = reg[o.v]!;
    if (r < 0) throw new BackendError(`v${o.v} has no register`);
    return { raw: srcGpr(r), neg: 0, abs: 0 };
  }
  const needsReg = (v: number): boolean => {
    const d = defOf[v];
    if (!d) return true;
    if ((d.op === 'ld_uni' && !d.int && d.idx! < MAX_UNIFORMS) || d.op === 'ld_special' || d.op === 'iconst') return false;
    return !((d.op === 'fneg' || d.op === 'fabs') && allFoldable[v]);
  };

  // ---- live intervals
  const start = new Int32Array(s.nextV).fill(-1), end = new Int32Array(s.nextV).fill(-1);
  const mentions: Array<Array<[number, boolean]>> = Array.from({ length: s.nextV }, () => []);
  const loops: Array<[number, number]> = [];
  let pos = 0;
  const note = (v: number, isDef: boolean): void => {
    if (!needsReg(v)) {
      // a folded fneg/fabs is read where its consumer is: so is its source
      const d = defOf[v];
      if (!isDef && d && (d.op === 'fneg' || d.op === 'fabs') && d.src[0]!.k === 'v') note(d.src[0]!.v, false);
      return;
    }
    if (start[v]! < 0) start[v] = pos;
    end[v] = Math.max(end[v]!, pos);
    mentions[v]!.push([pos, isDef]);
  };
  const live = (list: Node[]): void => {
    for (const n of list) {
      if (n.kind === 'instr') {
        for (const o of n.src) if (o.k === 'v') note(o.v, false);
        pos++;
        if (n.dst >= 0) note(n.dst, true);
        if (n.dsts) for (const d of n.dsts) note(d, true);
        pos++;
      } else if (n.kind === 'if') {
        if (n.cond.k === 'v') note(n.cond.v, false);
        pos++; live(n.then); pos++; live(n.else); pos++;
      } else {
        const ls = pos++;
        live(n.body);
        loops.push([ls, pos++]);
      }
    }
  };
  live(s.body);
  loops.sort((a, b) => (a[1] - a[0]) - (b[1] - b[0]));
  for (const [ls, le] of loops) {
    for (let v = 0; v < s.nextV; v++) {
      const m = mentions[v]!;
      if (!m.length) continue;
      const inside = m.filter(([p]) => p > ls && p < le);
      if (!inside.length) continue;
      const firstDef = inside.find(([, d]) => d);
      const extend = defs[v]! > 1 || inside.length !== m.length || !firstDef || inside[0]![1] === false;
      // a def-before-use SSA value confined to the body needs nothing; anything else spans the loop
      if (extend && !(defs[v] === 1 && firstDef && inside[0]![1] && inside.length === m.length)) {
        start[v] = Math.min(start[v]!, ls);
        end[v] = Math.max(end[v]!, le);
        m.push([ls, false], [le, false]);
      }
    }
  }

  // ---- fixed blocks, then linear scan
  let fixed = 0;
  const TEX_COORD = 0, TEX_GRAD = 3, TEX_DST = 7;
  if (hasTex) fixed = 11;
  const IDX = fixed;
  if (hasInd) fixed++;
  const arrBase: number[] = [];
  for (const n of s.arrays) { arrBase.push(fixed); fixed += n; }
  if (fixed > MAX_GPRS) throw new BackendError('arrays exceed the register file');
  const order = [...Array(s.nextV).keys()].filter((v) => start[v]! >= 0).sort((a, b) => start[a]! - start[b]! || a - b);
  const free: number[] = [];
  for (let r = MAX_GPRS - 1; r >= fixed; r--) free.push(r);
  let active: number[] = [];
  let maxReg = fixed - 1;
  for (const v of order) {
    active = active.filter((w) => {
      if (end[w]! < start[v]!) { free.push(reg[w]!); return false; }
      return true;
    });
    free.sort((a, b) => b - a);
    const r = free.pop();
    if (r === undefined) throw new BackendError('register allocation failed: more than 256 live values');
    reg[v] = r;
    maxReg = Math.max(maxReg, r);
    active.push(v);
  }

  // ---- emission
  const out: MInstr[] = [];
  const alu = (op: string, dst: number, srcs: MOp[], extra: MInstr['f'] = {}): void => {
    const f: MInstr['f'] = { dst, ...extra };
    const names = ['a', 'b', 'c'] as const;
    srcs.forEach((m, k) => {
      f[names[k]!] = m.raw;
      if (m.neg) f[(['nega', 'negb', 'negc'] as const)[k]!] = 1;
      if (m.abs) f[(['absa', 'absb', 'absc'] as const)[k]!] = 1;
    });
    out.push({ op, f });
  };
  const dreg = (v: number): number => {
    const r = reg[v]!;
    if (r < 0) throw new BackendError(`v${v} has no register`);
    return r;
  };
  const emit = (list: Node[]): void => {
    for (const n of list) {
      if (n.kind === 'if') {
        out.push({ op: 'if', f: { a: operand(n.cond).raw } });
        emit(n.then);
        if (n.else.length) { out.push({ op: 'else', f: {} }); emit(n.else); }
        out.push({ op: 'endif', f: {} });
        continue;
      }
      if (n.kind === 'loop') {
        out.push({ op: 'loop', f: {} });
        emit(n.body);
        out.push({ op: 'endloop', f: {} });
        continue;
      }
      const i = n;
      if (i.dst >= 0 && !needsReg(i.dst)) continue; // folded into its uses
      switch (i.op) {
        case 'mov': {
          const m = operand(i.src[0]!);
          if (m.raw === srcGpr(dreg(i.dst)) && !m.neg && !m.abs) break; // coalesced
          alu('mov', dreg(i.dst), [m]);
          break;
        }
        case 'fneg': { const m = operand(i.src[0]!); alu('mov', dreg(i.dst), [{ ...m, neg: m.neg ^ 1 }]); break; }
        case 'fabs': { const m = operand(i.src[0]!); alu('mov', dreg(i.dst), [{ ...m, neg: 0, abs: 1 }]); break; }
        case 'fsat': alu('mov', dreg(i.dst), [operand(i.src[0]!)], { sat: 1 }); break;
        case 'fcmp': alu('fcmp', dreg(i.dst), i.src.map(operand), { cond: COND.indexOf(i.cond!) }); break;
        case 'icmp': case 'ucmp':
          // the ISA's integer comparison gives 1/0: a boolean is 1.0/0.0
          alu(i.op, dreg(i.dst), i.src.map(operand), { cond: COND.indexOf(i.cond!) });
          alu('u2f', dreg(i.dst), [{ raw: srcGpr(dreg(i.dst)), neg: 0, abs: 0 }]);
          break;
        case 'ld_attr': out.push({ op: 'ld_attr', f: { dst: dreg(i.dst), slot: inp.attribSlots[i.idx!]! + (i.col ?? 0), comp: i.comp! } }); break;
        // (not folded into their uses when they define a variable, e.g. after coalescing)
        case 'ld_uni':
          // operands reach u0..u1023; words past them (large uniform arrays, constant tables) load with ld_u
          if (i.idx! >= MAX_UNIFORMS) {
            out.push({ op: 'ld_u', f: { dst: dreg(i.dst), a: srcConst(0), base: i.idx! } });
            if (i.int) alu('i2f', dreg(i.dst), [{ raw: srcGpr(dreg(i.dst)), neg: 0, abs: 0 }]);
          } else alu(i.int ? 'i2f' : 'mov', dreg(i.dst), [{ raw: srcUniform(i.idx!), neg: 0, abs: 0 }]);
          break;
        case 'ld_special': alu('mov', dreg(i.dst), [{ raw: srcSpecial(SPECIAL_REGS[i.idx!]!), neg: 0, abs: 0 }]); break;
        case 'iconst': out.push({ op: 'movi', f: { dst: dreg(i.dst), imm32: i.idx! >>> 0 } }); break;
        case 'ld_uni_ind':
          alu('f2i', IDX, [operand(i.src[0]!)]);
          out.push({ op: 'ld_u', f: { dst: dreg(i.dst), a: srcGpr(IDX), base: i.idx! } });
          if (i.int) alu('i2f', dreg(i.dst), [{ raw: srcGpr(dreg(i.dst)), neg: 0, abs: 0 }]);
          break;
        case 'ld_arr': case 'st_arr': {
          const ix = i.src[0]!;
          // a constant index folds into the base (the index operand is then #0: bits 0)
          const k = ix.k === 'c' ? Math.trunc(ix.f) : 0;
          const inRange = ix.k !== 'c' || (k >= 0 && k + i.idx! < s.arrays[i.arr!]!);
          if (ix.k !== 'c') alu('f2i', IDX, [operand(ix)]);
          const a = ix.k === 'c' ? srcConst(0) : srcGpr(IDX);
          const base = arrBase[i.arr!]! + i.idx! + k;
          if (i.op === 'ld_arr') {
            if (!inRange) alu('mov', dreg(i.dst), [{ raw: srcConst(0), neg: 0, abs: 0 }]);
            else out.push({ op: 'ld_r', f: { dst: dreg(i.dst), a, base } });
          } else if (inRange) out.push({ op: 'st_r', f: { a, b: operand(i.src[1]!).raw, base } });
          break;
        }
        case 'ld_vary': case 'ld_vary_flat': {
          const base = inp.varyingSlots[i.idx!]!;
          if (base < 0) { alu('mov', dreg(i.dst), [{ raw: srcConst(0), neg: 0, abs: 0 }]); break; }
          out.push({ op: i.op, f: { dst: dreg(i.dst), slot: VARY_FIRST_USER + base + i.comp! } });
          break;
        }
        case 'st_vary': {
          let slot: number;
          if (i.idx! < 0) slot = -i.idx! - 1;
          else {
            const base = inp.varyingSlots[i.idx!]!;
            if (base < 0) break;
            slot = VARY_FIRST_USER + base + i.comp!;
          }
          out.push({ op: 'st_vary', f: { a: operand(i.src[0]!).raw, slot } });
          break;
        }
        case 'st_out': out.push({ op: 'st_out', f: { a: operand(i.src[0]!).raw, slot: i.idx!, comp: i.comp! } }); break;
        case 'tex': {
          if (i.samplerIndex) throw new BackendError('texture fetch from a sampler array at a non-constant index');
          // a shadow lookup's reference is one more coordinate register; a size query has no coordinates,
          // a texel fetch two integers
          const mode = TEX_MODE[i.mode!];
          const nc = mode === 'size' ? 0 : mode === 'fetch' ? TEX_DIM_COORDS[i.dim!]! : TEX_DIM_COORDS[i.dim!]! + (i.shadow ? 1 : 0);
          for (let k = 0; k < nc; k++) alu('mov', TEX_COORD + k, [operand(i.src[k]!)]);
          const f: MInstr['f'] = { dst: TEX_DST, a: srcGpr(TEX_COORD), sampler: i.idx!, dim: i.dim!, cond: i.mode!, shadow: i.shadow ? 1 : 0 };
          if (mode === 'bias' || mode === 'lod' || mode === 'fetch' || mode === 'size') f.b = operand(i.src[nc]!).raw;
          if (mode === 'grad') {
            for (let k = 0; k < 4; k++) alu('mov', TEX_GRAD + k, [operand(i.src[nc + k]!)]);
            f.c = srcGpr(TEX_GRAD);
          }
          // constant texel offsets: one operand holding their packed bits (c; b in grad mode, which has no lod)
          if (i.texOffset) {
            f.offset = 1;
            if (mode === 'grad') f.b = constBits(i.texOffset); else f.c = constBits(i.texOffset);
          }
          if (i.texInt) f.int = 1;
          out.push({ op: 'tex', f });
          i.dsts!.forEach((d, k) => { if (reg[d]! >= 0) alu('mov', reg[d]!, [{ raw: srcGpr(TEX_DST + k), neg: 0, abs: 0 }]); });
          break;
        }
        case 'break': case 'continue': case 'discard':
          out.push({ op: i.op, f: { a: operand(i.src[0]!).raw } });
          break;
        default:
          if (!isAlu(i.op)) throw new BackendError(`cannot select ${i.op}`);
          alu(ISA_NAME[i.op] ?? i.op, dreg(i.dst), i.src.map(operand));
      }
    }
  };
  emit(s.body);
  out.push({ op: 'end', f: {} });
  resolveControlFlow(out);
  const code = new Uint32Array(out.length * 2);
  out.forEach((ins, k) => { const [lo, hi] = encode(ins); code[2 * k] = lo; code[2 * k + 1] = hi; });
  return { code, instrs: out, registers: maxReg + 1, uniformWords, constants };
}
