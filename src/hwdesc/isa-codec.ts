/**
 * Encoder, decoder, disassembler and assembler for the Akari ISA, all derived
 * from the tables in isa.ts. An instruction is a pair of 32-bit words
 * (low word first in memory).
 */
import { bitsToF32, f32ToBits } from '../base/bits.js';
import {
  COND, FORMS, INLINE_CONSTANTS, OPCODE, OPS, SPECIAL_REGS, SRC_KIND_CONST, SRC_KIND_GPR, SRC_KIND_SPECIAL, TEX_INSTR_DIM,
  SRC_KIND_UNIFORM0, TEX_MODE, type BitField, type FieldName, type OpDesc,
} from './isa.js';

export interface Instr {
  op: string;
  /** raw field values by name (sources are raw 11-bit operand codes) */
  f: Partial<Record<FieldName, number>>;
}

export function srcGpr(i: number): number { return (SRC_KIND_GPR << 8) | i; }
export function srcUniform(i: number): number { return ((SRC_KIND_UNIFORM0 + (i >> 8)) << 8) | (i & 255); }
export function srcSpecial(name: (typeof SPECIAL_REGS)[number]): number { return (SRC_KIND_SPECIAL << 8) | SPECIAL_REGS.indexOf(name); }
/** Inline constant operand for `v`, or -1 when the table does not hold it. */
export function srcConst(v: number): number {
  const i = INLINE_CONSTANTS.indexOf(Math.fround(v));
  return i < 0 ? -1 : (SRC_KIND_CONST << 8) | i;
}

function fieldsOf(op: OpDesc): readonly BitField[] {
  return FORMS[op.form];
}

export function encode(ins: Instr): [number, number] {
  const code = OPCODE[ins.op];
  if (code === undefined) throw new Error(`unknown opcode ${ins.op}`);
  const desc = OPS[code]!;
  let lo = 0, hi = 0;
  for (const fd of fieldsOf(desc)) {
    let v = fd.name === 'op' ? code : ins.f[fd.name] ?? 0;
    const max = 2 ** fd.width;
    if (fd.signed) {
      if (v < -max / 2 || v >= max / 2) throw new Error(`${ins.op}.${fd.name}: ${v} out of range`);
      if (v < 0) v += max;
    } else if (v < 0 || v >= max || !Number.isInteger(v)) throw new Error(`${ins.op}.${fd.name}: ${v} out of range`);
    for (let bit = 0; bit < fd.width; bit++) {
      const b = Math.floor(v / 2 ** bit) % 2;
      if (!b) continue;
      const pos = fd.lo + bit;
      if (pos < 32) lo |= 1 << pos;
      else hi |= 1 << (pos - 32);
    }
  }
  return [lo >>> 0, hi >>> 0];
}

function extract(lo: number, hi: number, fd: BitField): number {
  let v = 0;
  for (let bit = fd.width - 1; bit >= 0; bit--) {
    const pos = fd.lo + bit;
    const b = pos < 32 ? (lo >>> pos) & 1 : (hi >>> (pos - 32)) & 1;
    v = v * 2 + b;
  }
  if (fd.signed && v >= 2 ** (fd.width - 1)) v -= 2 ** fd.width;
  return v;
}

/** Decodes one instruction; an unknown opcode gives null (decoders keep going). */
export function decode(lo: number, hi: number): Instr | null {
  const code = lo & 0xff;
  const desc = OPS[code];
  if (!desc) return null;
  const ins: Instr = { op: desc.name, f: {} };
  for (const fd of fieldsOf(desc)) if (fd.name !== 'op') ins.f[fd.name] = extract(lo, hi, fd);
  return ins;
}

export function formatSrc(raw: number, neg = 0, abs = 0): string {
  const kind = raw >> 8, idx = raw & 255;
  let s: string;
  switch (kind) {
    case SRC_KIND_GPR: s = `r${idx}`; break;
    case SRC_KIND_SPECIAL: s = `sr.${SPECIAL_REGS[idx] ?? `XXX${idx}`}`; break;
    case SRC_KIND_CONST: {
      const v = INLINE_CONSTANTS[idx];
      s = v === undefined ? `c.XXX${idx}` : `#${Number.isInteger(v) ? v.toFixed(1) : v}`;
      break;
    }
    case 7: s = `XXX${raw}`; break;
    default: s = `u${(kind - SRC_KIND_UNIFORM0) * 256 + idx}`;
  }
  if (abs) s = `|${s}|`;
  if (neg) s = `-${s}`;
  return s;
}

const CHANNEL = 'xyzw';

export function disassemble(ins: Instr | null, pc?: number): string {
  if (!ins) return 'XXX unknown opcode';
  const desc = OPS[OPCODE[ins.op]!]!;
  const f = ins.f;
  switch (desc.form) {
    case 'none': return ins.op;
    case 'alu': {
      const names: Array<['a' | 'b' | 'c', number, number]> = [['a', f.nega!, f.absa!], ['b', f.negb!, f.absb!], ['c', f.negc!, f.absc!]];
      const srcs = names.slice(0, desc.srcs ?? 0).map(([n, ng, ab]) => formatSrc(f[n]!, ng, ab));
      const mods = (desc.name.endsWith('cmp') ? `.${COND[f.cond!] ?? 'XXX'}` : '') + (f.sat ? '.sat' : '');
      return `${ins.op}${mods} r${f.dst}, ${srcs.join(', ')}`;
    }
    case 'imm': {
      const v = f.imm32! >>> 0;
      const asF = bitsToF32(v);
      const hint = Number.isFinite(asF) && Math.abs(asF) > 1e-10 && Math.abs(asF) < 1e10 ? ` ; ${asF}f` : '';
      return `${ins.op} r${f.dst}, 0x${v.toString(16).padStart(8, '0')}${hint}`;
    }
    case 'cf': {
      const t = f.target ?? 0;
      const where = pc === undefined ? `${t >= 0 ? '+' : ''}${t}` : `@${pc + t}`;
      const cond = ins.op === 'endif' || ins.op === 'else' || ins.op === 'loop' || ins.op === 'endloop' ? '' : ` ${formatSrc(f.a!)}`;
      const tgt = ins.op === 'endif' || ins.op === 'break' || ins.op === 'continue' || ins.op === 'discard' ? '' : ` (${where})`;
      return `${ins.op}${cond}${tgt}`;
    }
    case 'attr': return `${ins.op} r${f.dst}, attr${f.slot}.${CHANNEL[f.comp!]}`;
    case 'vary': return ins.op === 'st_vary' ? `st_vary v${f.slot}, ${formatSrc(f.a!)}` : `${ins.op} r${f.dst}, v${f.slot}`;
    case 'out': return `st_out ${f.slot === 15 ? 'depth' : `rt${f.slot}.${CHANNEL[f.comp!]}`}, ${formatSrc(f.a!)}`;
    case 'tex': {
      const mode = TEX_MODE[f.cond!] ?? 'XXX';
      return `tex.${TEX_INSTR_DIM[f.dim!] ?? 'XXX'}.${mode}${f.shadow ? '.shadow' : ''}${f.offset ? '.offset' : ''}${f.int ? '.int' : ''} r${f.dst}, s${f.sampler}, ${formatSrc(f.a!)}, ${formatSrc(f.b!)}, ${formatSrc(f.c!)}`;
    }
    case 'ind':
      return ins.op === 'st_r' ? `st_r r[${f.base}+${formatSrc(f.a!)}], ${formatSrc(f.b!)}` :
        `${ins.op} r${f.dst}, ${ins.op === 'ld_u' ? 'u' : 'r'}[${f.base}+${formatSrc(f.a!)}]`;
    case 'mem':
      return ins.op === 'st_g' ? `st_g [${formatSrc(f.a!)}:+${f.base}], ${formatSrc(f.b!)}` :
        `ld_g r${f.dst}, [${formatSrc(f.a!)}:+${f.base}]`;
  }
}

/** Disassembles a code blob (words as stored in memory). */
export function disassembleBlob(words: ArrayLike<number>, count = words.length / 2): string[] {
  const out: string[] = [];
  for (let pc = 0; pc < count; pc++) {
    const lo = words[2 * pc]! >>> 0, hi = words[2 * pc + 1]! >>> 0;
    const hexw = `${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}`;
    out.push(`${String(pc).padStart(4)}: ${hexw}  ${disassemble(decode(lo, hi), pc)}`);
  }
  return out;
}

// ---------------------------------------------------------------- assembler

export class AsmError extends Error {
  constructor(readonly line: number, msg: string) {
    super(`line ${line}: ${msg}`);
  }
}

function parseSrc(tok: string, line: number): { raw: number; neg: number; abs: number } {
  let t = tok.trim(), neg = 0, abs = 0;
  if (t.startsWith('-')) { neg = 1; t = t.slice(1); }
  if (t.startsWith('|') && t.endsWith('|')) { abs = 1; t = t.slice(1, -1); }
  let m: RegExpMatchArray | null;
  if ((m = t.match(/^r(\d+)$/))) return { raw: srcGpr(+m[1]!), neg, abs };
  if ((m = t.match(/^u(\d+)$/))) return { raw: srcUniform(+m[1]!), neg, abs };
  if ((m = t.match(/^sr\.(\w+)$/))) {
    const i = (SPECIAL_REGS as readonly string[]).indexOf(m[1]!);
    if (i < 0) throw new AsmError(line, `unknown special register ${m[1]}`);
    return { raw: (SRC_KIND_SPECIAL << 8) | i, neg, abs };
  }
  if ((m = t.match(/^#(.+)$/))) {
    const c = srcConst(Number(m[1]));
    if (c < 0) throw new AsmError(line, `${m[1]} is not an inline constant (use movi)`);
    return { raw: c, neg, abs };
  }
  throw new AsmError(line, `bad operand '${tok}'`);
}

function reg(tok: string | undefined, line: number): number {
  const m = tok?.trim().match(/^r(\d+)$/);
  if (!m) throw new AsmError(line, `expected a register, got '${tok}'`);
  return +m[1]!;
}

/**
 * Assembles Akari assembly text. One instruction per line; `;` starts a
 * comment. Control-flow targets are computed from the structure.
 */
export function assemble(text: string): Uint32Array {
  const prog: Instr[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, li) => {
    const line = li + 1;
    const s = raw.replace(/;.*$/, '').trim();
    if (!s) return;
    const sp = s.indexOf(' ');
    const mnem = sp < 0 ? s : s.slice(0, sp);
    const rest = sp < 0 ? '' : s.slice(sp + 1);
    const ops = rest ? rest.split(',').map((x) => x.trim()) : [];
    const parts = mnem.split('.');
    const name = parts[0]!;
    const code = OPCODE[name];
    if (code === undefined) throw new AsmError(line, `unknown instruction ${name}`);
    const desc = OPS[code]!;
    const ins: Instr = { op: name, f: {} };
    switch (desc.form) {
      case 'none': break;
      case 'alu': {
        ins.f.dst = reg(ops[0], line);
        const n = desc.srcs ?? 0;
        if (ops.length !== n + 1) throw new AsmError(line, `${name} takes ${n} sources`);
        (['a', 'b', 'c'] as const).slice(0, n).forEach((k, i) => {
          const p = parseSrc(ops[i + 1]!, line);
          ins.f[k] = p.raw;
          ins.f[`neg${k}`] = p.neg;
          ins.f[`abs${k}`] = p.abs;
        });
        for (const m of parts.slice(1)) {
          if (m === 'sat') ins.f.sat = 1;
          else if ((COND as readonly string[]).includes(m)) ins.f.cond = COND.indexOf(m as (typeof COND)[number]);
          else throw new AsmError(line, `unknown modifier .${m}`);
        }
        break;
      }
      case 'imm': {
        ins.f.dst = reg(ops[0], line);
        const v = ops[1] ?? '';
        ins.f.imm32 = /f$/.test(v) ? f32ToBits(parseFloat(v)) : Number(v) >>> 0;
        break;
      }
      case 'cf': ins.f.a = ops[0] ? parseSrc(ops[0], line).raw : 0; break;
      case 'attr': {
        ins.f.dst = reg(ops[0], line);
        const m = ops[1]?.match(/^attr(\d+)\.([xyzw])$/);
        if (!m) throw new AsmError(line, 'expected attrN.c');
        ins.f.slot = +m[1]!; ins.f.comp = CHANNEL.indexOf(m[2]!);
        break;
      }
      case 'vary': {
        if (name === 'st_vary') {
          const m = ops[0]?.match(/^v(\d+)$/);
          if (!m) throw new AsmError(line, 'expected vN');
          ins.f.slot = +m[1]!; ins.f.a = parseSrc(ops[1] ?? '', line).raw;
        } else {
          ins.f.dst = reg(ops[0], line);
          const m = ops[1]?.match(/^v(\d+)$/);
          if (!m) throw new AsmError(line, 'expected vN');
          ins.f.slot = +m[1]!;
        }
        break;
      }
      case 'out': {
        const m = ops[0]?.match(/^(?:rt(\d+)\.([xyzw])|depth)$/);
        if (!m) throw new AsmError(line, 'expected rtN.c or depth');
        ins.f.slot = m[1] === undefined ? 15 : +m[1]; ins.f.comp = m[2] ? CHANNEL.indexOf(m[2]) : 0;
        ins.f.a = parseSrc(ops[1] ?? '', line).raw;
        break;
      }
      case 'tex': {
        ins.f.dim = Math.max(0, (TEX_INSTR_DIM as readonly string[]).indexOf(parts[1] ?? '2d'));
        ins.f.cond = Math.max(0, (TEX_MODE as readonly string[]).indexOf(parts[2] ?? 'implicit'));
        ins.f.shadow = parts.slice(3).includes('shadow') ? 1 : 0;
        ins.f.offset = parts.slice(3).includes('offset') ? 1 : 0;
        ins.f.int = parts.slice(3).includes('int') ? 1 : 0;
        ins.f.dst = reg(ops[0], line);
        const sm = ops[1]?.match(/^s(\d+)$/);
        if (!sm) throw new AsmError(line, 'expected sN');
        ins.f.sampler = +sm[1]!;
        ins.f.a = parseSrc(ops[2] ?? '', line).raw;
        ins.f.b = ops[3] ? parseSrc(ops[3], line).raw : 0;
        ins.f.c = ops[4] ? parseSrc(ops[4], line).raw : 0;
        break;
      }
      case 'mem': {
        // as the disassembler prints them: ld_g rD, [rA:+base]   st_g [rA:+base], src
        const addr = (t: string | undefined) => {
          const m = t?.match(/^\[(.+):\+?(-?\d+)\]$/);
          if (!m) throw new AsmError(line, 'expected [rN:+offset]');
          ins.f.a = parseSrc(m[1]!, line).raw; ins.f.base = +m[2]!;
        };
        if (name === 'st_g') { addr(ops[0]); ins.f.b = parseSrc(ops[1] ?? '', line).raw; }
        else { ins.f.dst = reg(ops[0], line); addr(ops[1]); }
        break;
      }
      case 'ind':
        throw new AsmError(line, `${name}: not supported by the text assembler`);
    }
    prog.push(ins);
  });
  resolveControlFlow(prog);
  const out = new Uint32Array(prog.length * 2);
  prog.forEach((ins, i) => {
    const [lo, hi] = encode(ins);
    out[2 * i] = lo; out[2 * i + 1] = hi;
  });
  return out;
}

/** Fills the `target` of if/else/loop/endloop from the block structure. */
export function resolveControlFlow(prog: Instr[]): void {
  const stack: Array<{ kind: 'if' | 'loop'; at: number; elseAt?: number }> = [];
  prog.forEach((ins, pc) => {
    switch (ins.op) {
      case 'if': stack.push({ kind: 'if', at: pc }); break;
      case 'loop': stack.push({ kind: 'loop', at: pc }); break;
      case 'else': {
        const top = stack[stack.length - 1];
        if (!top || top.kind !== 'if') throw new Error(`else without if at ${pc}`);
        prog[top.at]!.f.target = pc - top.at; // no lane takes the if: go to the else, which flips the mask
        top.elseAt = pc;
        break;
      }
      case 'endif': {
        const top = stack.pop();
        if (!top || top.kind !== 'if') throw new Error(`endif without if at ${pc}`);
        if (top.elseAt !== undefined) prog[top.elseAt]!.f.target = pc - top.elseAt;
        else prog[top.at]!.f.target = pc - top.at;
        break;
      }
      case 'endloop': {
        const top = stack.pop();
        if (!top || top.kind !== 'loop') throw new Error(`endloop without loop at ${pc}`);
        prog[top.at]!.f.target = pc + 1 - top.at;
        ins.f.target = top.at + 1 - pc;
        break;
      }
    }
  });
  if (stack.length) throw new Error('unterminated if/loop');
}
