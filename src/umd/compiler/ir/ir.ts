/**
 * Akari shader IR: scalar values in structured control flow, shaped after
 * NIR before SSA construction (nir_register + SSA defs).
 *
 * Every value is a 32-bit scalar held in a virtual register (`v12`). The
 * ISA is scalar, so vectors, matrices, structs and arrays are flattened to
 * scalars by the lowering. All arithmetic is float: GLSL ES ints are carried
 * as integral floats (exact to 2^24, beyond the 2^16 ES requires), booleans
 * as 1.0/0.0 — which is exactly what `fcmp` produces and what `if`/`break`/
 * `fsel` test (raw bits != 0; -0.0 never arises from fcmp).
 *
 * A virtual register with exactly one definition is an SSA value and the
 * passes may propagate, fold and combine it freely; a register written more
 * than once is a GLSL variable (like nir_register) and passes leave its
 * definitions alone. Control flow is a tree: `if` and `loop` nodes own their
 * bodies; `break`/`continue`/`discard` are conditional instructions, as on
 * the hardware. Dynamically indexed temporaries live in `arrays` (contiguous
 * register blocks reached with ld_r/st_r).
 */
export type Cond = 'eq' | 'ne' | 'lt' | 'ge' | 'le' | 'gt';

export type Operand = { readonly k: 'v'; readonly v: number } | { readonly k: 'c'; readonly f: number };

/** ALU ops: name -> source count. All float. */
export const ALU_OPS = {
  mov: 1, fneg: 1, fabs: 1, fsat: 1, fadd: 2, fmul: 2, ffma: 3, fmin: 2, fmax: 2, frcp: 1, frsq: 1, fsqrt: 1,
  fexp2: 1, flog2: 1, fsin: 1, fcos: 1, ffloor: 1, fceil: 1, ffract: 1, ftrunc: 1, fround: 1, fsign: 1,
  fcmp: 2, fsel: 3, fddx: 1, fddy: 1, fmod: 2, fatan2: 2, fpow: 2, ftan: 1, fasin: 1, facos: 1, fatan: 1,
} as const;
export type AluOp = keyof typeof ALU_OPS;

/** Other instructions: name -> source count (-1 variable). */
export const OTHER_OPS = {
  /** dst = attribute `idx` column `col` component `comp` */
  ld_attr: 0,
  /** dst = uniform word `idx` (int: the word holds an integer, converted to float) */
  ld_uni: 0,
  /** dst = uniform word idx + int(src0) */
  ld_uni_ind: 1,
  /** dst = special register `idx` (SPECIAL_REGS) */
  ld_special: 0,
  /** dst = varying `idx` component `comp` (slot assigned at link) */
  ld_vary: 0,
  /** varying `idx` comp `comp` = src0; idx < 0: builtin slot -idx-1 (gl_Position 0..3, point size 4) */
  st_vary: 1,
  /** render target idx channel comp = src0 (idx 15 = depth) */
  st_out: 1,
  /** dsts[0..3] = texture(sampler idx) at srcs (coords, then lod/bias, then grads) */
  tex: -1,
  /** dst = arrays[arr][idx + int(src0)] */
  ld_arr: 1,
  /** arrays[arr][idx + int(src0)] = src1 */
  st_arr: 2,
  /** lanes with src0 != 0 leave the innermost loop / skip to its next iteration / die */
  break: 1,
  continue: 1,
  discard: 1,
} as const;
export type OtherOp = keyof typeof OTHER_OPS;
export type Op = AluOp | OtherOp;

export interface Instr {
  readonly kind: 'instr';
  op: Op;
  /** destination virtual register, -1 for none */
  dst: number;
  src: Operand[];
  cond?: Cond;
  idx?: number;
  comp?: number;
  col?: number;
  int?: boolean;
  arr?: number;
  /** tex: 4 destinations; dim 0 = 2D, 1 = cube; mode as TEX_MODE index; ncoord, hasLod, hasGrad */
  dsts?: number[];
  dim?: number;
  mode?: number;
}
export interface IfNode { readonly kind: 'if'; cond: Operand; then: Node[]; else: Node[] }
export interface LoopNode { readonly kind: 'loop'; body: Node[] }
export type Node = Instr | IfNode | LoopNode;

export interface IrShader {
  stage: 'vertex' | 'fragment';
  body: Node[];
  nextV: number;
  /** sizes of dynamically indexed register arrays */
  arrays: number[];
}

export const vreg = (v: number): Operand => ({ k: 'v', v });
export const fconst = (f: number): Operand => ({ k: 'c', f: Math.fround(f) });

export function hasSideEffects(i: Instr): boolean {
  return i.op === 'st_vary' || i.op === 'st_out' || i.op === 'st_arr' || i.op === 'break' || i.op === 'continue' || i.op === 'discard';
}
export function isAlu(op: Op): op is AluOp { return op in ALU_OPS; }

/** Calls `f` on every instruction, depth first in program order. */
export function forEachInstr(body: Node[], f: (i: Instr, list: Node[], index: number) => void): void {
  for (let k = 0; k < body.length; k++) {
    const n = body[k]!;
    if (n.kind === 'instr') f(n, body, k);
    else if (n.kind === 'if') { forEachInstr(n.then, f); forEachInstr(n.else, f); }
    else forEachInstr(n.body, f);
  }
}
export function forEachOperand(body: Node[], f: (o: Operand, set: (n: Operand) => void) => void): void {
  const walk = (list: Node[]): void => {
    for (const n of list) {
      if (n.kind === 'instr') n.src.forEach((o, k) => f(o, (x) => { n.src[k] = x; }));
      else if (n.kind === 'if') { f(n.cond, (x) => { n.cond = x; }); walk(n.then); walk(n.else); }
      else walk(n.body);
    }
  };
  walk(body);
}

/** Definitions per virtual register (tex defines four). */
export function defCounts(s: IrShader): Int32Array {
  const c = new Int32Array(s.nextV);
  forEachInstr(s.body, (i) => {
    if (i.dst >= 0) c[i.dst]!++;
    if (i.dsts) for (const d of i.dsts) c[d]!++;
  });
  return c;
}
export function useCounts(s: IrShader): Int32Array {
  const c = new Int32Array(s.nextV);
  forEachOperand(s.body, (o) => { if (o.k === 'v') c[o.v]!++; });
  return c;
}

/** The builder: appends to the current block; `if`/`loop` open nested blocks. */
export class Builder {
  private stack: Node[][];
  constructor(readonly shader: IrShader) { this.stack = [shader.body]; }
  static create(stage: 'vertex' | 'fragment'): Builder {
    return new Builder({ stage, body: [], nextV: 0, arrays: [] });
  }
  get cur(): Node[] { return this.stack[this.stack.length - 1]!; }
  newReg(): number { return this.shader.nextV++; }
  emit(i: Omit<Instr, 'kind'>): Instr {
    const ins: Instr = { kind: 'instr', ...i };
    this.cur.push(ins);
    return ins;
  }
  alu(op: AluOp, src: Operand[], cond?: Cond): Operand {
    const dst = this.newReg();
    this.emit(cond ? { op, dst, src, cond } : { op, dst, src });
    return vreg(dst);
  }
  /** writes `src` to an existing register (a variable) */
  movTo(dst: number, src: Operand): void { this.emit({ op: 'mov', dst, src: [src] }); }
  op0(op: OtherOp, extra: Partial<Instr>): Operand {
    const dst = this.newReg();
    this.emit({ op, dst, src: [], ...extra });
    return vreg(dst);
  }
  ifThen(cond: Operand, then: () => void, els?: () => void): IfNode {
    const n: IfNode = { kind: 'if', cond, then: [], else: [] };
    this.cur.push(n);
    this.stack.push(n.then); then(); this.stack.pop();
    if (els) { this.stack.push(n.else); els(); this.stack.pop(); }
    return n;
  }
  loop(body: () => void): LoopNode {
    const n: LoopNode = { kind: 'loop', body: [] };
    this.cur.push(n);
    this.stack.push(n.body); body(); this.stack.pop();
    return n;
  }
}

// ---------------------------------------------------------------------------------------
// Printer

export function printOperand(o: Operand): string {
  return o.k === 'v' ? `v${o.v}` : Number.isInteger(o.f) ? o.f.toFixed(1) : String(o.f);
}
export function printInstr(i: Instr): string {
  const d = i.dsts ? `${i.dsts.map((x) => `v${x}`).join(' ')} = ` : i.dst >= 0 ? `v${i.dst} = ` : '';
  const attrs: string[] = [];
  if (i.cond) attrs.push(i.cond);
  if (i.idx !== undefined) attrs.push(`idx=${i.idx}`);
  if (i.col !== undefined) attrs.push(`col=${i.col}`);
  if (i.comp !== undefined) attrs.push(`comp=${i.comp}`);
  if (i.arr !== undefined) attrs.push(`arr=${i.arr}`);
  if (i.int) attrs.push('int');
  if (i.dim !== undefined) attrs.push(`dim=${i.dim}`, `mode=${i.mode ?? 0}`);
  return `${d}${i.op}${attrs.length ? `.${attrs.join('.')}` : ''} ${i.src.map(printOperand).join(', ')}`.trimEnd();
}
export function printShader(s: IrShader): string {
  const out: string[] = [`shader ${s.stage} (${s.nextV} values${s.arrays.length ? `, arrays [${s.arrays.join(', ')}]` : ''})`];
  const walk = (list: Node[], ind: string): void => {
    for (const n of list) {
      if (n.kind === 'instr') out.push(ind + printInstr(n));
      else if (n.kind === 'if') {
        out.push(`${ind}if ${printOperand(n.cond)} {`); walk(n.then, ind + '  ');
        if (n.else.length) { out.push(`${ind}} else {`); walk(n.else, ind + '  '); }
        out.push(`${ind}}`);
      } else { out.push(`${ind}loop {`); walk(n.body, ind + '  '); out.push(`${ind}}`); }
    }
  };
  walk(s.body, '  ');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------
// Validator

export function validate(s: IrShader): string[] {
  const errs: string[] = [];
  const defs = defCounts(s);
  const checkOp = (o: Operand, where: string): void => {
    if (o.k === 'v') {
      if (!(o.v >= 0 && o.v < s.nextV)) errs.push(`${where}: v${o.v} out of range`);
      else if (defs[o.v] === 0) errs.push(`${where}: v${o.v} is never defined`);
    } else if (!Number.isFinite(o.f) && !Number.isNaN(o.f) && Math.abs(o.f) !== Infinity) errs.push(`${where}: bad constant`);
  };
  const walk = (list: Node[], inLoop: boolean): void => {
    for (const n of list) {
      if (n.kind === 'if') { checkOp(n.cond, 'if'); walk(n.then, inLoop); walk(n.else, inLoop); continue; }
      if (n.kind === 'loop') { walk(n.body, true); continue; }
      const where = printInstr(n);
      const want = isAlu(n.op) ? ALU_OPS[n.op] : OTHER_OPS[n.op];
      if (want === undefined) { errs.push(`${where}: unknown op`); continue; }
      if (want >= 0 && n.src.length !== want) errs.push(`${where}: expected ${want} sources`);
      if (n.op === 'fcmp' && !n.cond) errs.push(`${where}: fcmp without cond`);
      if ((n.op === 'break' || n.op === 'continue') && !inLoop) errs.push(`${where}: outside a loop`);
      if (n.op === 'tex' && (!n.dsts || n.dsts.length !== 4)) errs.push(`${where}: tex needs 4 destinations`);
      const hasDst = n.op !== 'tex' && !hasSideEffects(n);
      if (hasDst !== n.dst >= 0) errs.push(`${where}: destination mismatch`);
      if (n.dst >= s.nextV) errs.push(`${where}: dst out of range`);
      if ((n.op === 'ld_arr' || n.op === 'st_arr') && (n.arr === undefined || n.arr >= s.arrays.length)) errs.push(`${where}: bad array`);
      n.src.forEach((o) => checkOp(o, where));
    }
  };
  walk(s.body, false);
  return errs;
}
