/**
 * Akari shader IR: scalar values in structured control flow, shaped after
 * NIR.
 *
 * Every value is a 32-bit scalar (`v12`). The ISA is scalar, so vectors,
 * matrices, structs and arrays are flattened to scalars by the lowering.
 * GLSL ES 1.00 and desktop ints are carried as integral floats (exact to
 * 2^24, beyond the 2^16 ES requires); GLSL ES 3.00 ints and uints are 32-bit
 * two's complement integers, computed by the integer ops (`iadd`...; their
 * constants come from `iconst`, since a constant operand is a float).
 * Booleans are 1.0/0.0 in every version — exactly what `fcmp`, `icmp` and
 * `ucmp` produce and what `if`/`break`/`fsel` test (raw bits != 0; -0.0
 * never arises from a comparison). `mov` and `fsel` move bits untouched.
 *
 * Control flow is a tree: `if` and `loop` nodes own their bodies (a loop
 * only ends through `break`); `break`/`continue`/`discard` are conditional
 * instructions, as on the hardware. Dynamically indexed temporaries live in
 * `arrays` (register blocks reached with ld_arr/st_arr: memory, not values).
 *
 * A shader is in one of two forms (`form`):
 * - 'registers' (what the lowering produces and what register allocation
 *   consumes): a value written more than once is a variable, like
 *   nir_register;
 * - 'ssa' (what the optimisation passes work on, built by passes/to-ssa.ts
 *   and left by passes/from-ssa.ts): every value is defined exactly once and
 *   merges are `phi` instructions in fixed places —
 *     after an `if`:           one source per branch end (`then:`, `else:`),
 *     at the top of a loop body: the value on entry (`entry:`), at each
 *                              `continue` (`#id:`) and at the end of the
 *                              body (`back:`),
 *     after a `loop`:          one source per `break` of that loop (`#id:`).
 *   Every break/continue carries an `id` naming it as a predecessor. A value
 *   is visible in the rest of its block and the blocks nested there, never
 *   outside its `if` branch or loop body (loop-closed SSA): what leaves a
 *   loop leaves through its exit phis. A predecessor that control cannot
 *   reach (after an unconditional break/continue) may omit its source.
 */
import { SPECIAL_REGS } from '../../../hwdesc/isa.js';
export type Cond = 'eq' | 'ne' | 'lt' | 'ge' | 'le' | 'gt';

export type Operand = { readonly k: 'v'; readonly v: number } | { readonly k: 'c'; readonly f: number };

/** ALU ops: name -> source count. The f ops are float, the INT_ALU_OPS below integer. */
export const ALU_OPS = {
  mov: 1, fneg: 1, fabs: 1, fsat: 1, fadd: 2, fmul: 2, ffma: 3, fmin: 2, fmax: 2, frcp: 1, frsq: 1, fsqrt: 1,
  fexp2: 1, flog2: 1, fsin: 1, fcos: 1, ffloor: 1, fceil: 1, ffract: 1, ftrunc: 1, fround: 1, fsign: 1,
  fcmp: 2, fsel: 3, fddx: 1, fddy: 1, fmod: 2, fatan2: 2, fpow: 2, ftan: 1, fasin: 1, facos: 1, fatan: 1,
  // GLSL ES 3.00 integers (32-bit wrapping; division by zero as the ISA defines it)
  iadd: 2, isub: 2, imul: 2, idiv: 2, udiv: 2, irem: 2, umod: 2, imin: 2, imax: 2, umin: 2, umax: 2,
  iand: 2, ior: 2, ixor: 2, inot: 1, ishl: 2, ishr: 2, ushr: 2,
  /** comparisons of signed/unsigned integers, giving a boolean (1.0/0.0) as fcmp does */
  icmp: 2, ucmp: 2,
  /** conversions: float -> int/uint (truncating, saturating), int/uint -> float, float <-> half bits */
  f2i: 1, f2u: 1, i2f: 1, u2f: 1, f2h: 1, h2f: 1,
} as const;
/** ALU ops that read their sources as integer bits (no float source modifiers can fold into them) */
export const INT_ALU_OPS: ReadonlySet<string> = new Set([
  'iadd', 'isub', 'imul', 'idiv', 'udiv', 'irem', 'umod', 'imin', 'imax', 'umin', 'umax', 'iand', 'ior', 'ixor', 'inot', 'ishl',
  'ishr', 'ushr', 'icmp', 'ucmp', 'i2f', 'u2f', 'h2f',
]);
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
  /** dst = the 32-bit integer `idx` (bits, 0..2^32-1): GLSL ES 3.00 int and uint constants */
  iconst: 0,
  /** dst = varying `idx` component `comp` (slot assigned at link) */
  ld_vary: 0,
  /** dst = flat varying `idx` component `comp`: the provoking vertex's bits (GLSL `flat`) */
  ld_vary_flat: 0,
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
  /** SSA merge: src[k] is the value arriving from predecessor from[k] (PRED_* or a break/continue id) */
  phi: -1,
  /** dsts = results of functions[idx] called with srcs as its parameters (inlined before SSA) */
  call: -1,
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
  /** tex: a depth comparison; the source after the coordinates is the reference */
  shadow?: boolean;
  /** tex: constant texel offsets, packed as the instruction's offset operand (hwdesc/isa.ts TEX_OFFSET_BITS) */
  texOffset?: number;
  /** tex: an integer return (isampler/usampler): the destinations receive the texels' integer bits */
  texInt?: boolean;
  /** tex: the last source is an index into a sampler array, added to the slot `idx` (folded before codegen) */
  samplerIndex?: boolean;
  /** tex with samplerIndex: the length of the sampler array (absent: a sampler parameter, checked at the end) */
  samplers?: number;
  /** break/continue: the predecessor id phis name it by */
  id?: number;
  /** phi: the predecessor of each source */
  from?: number[];
}
export interface IfNode { readonly kind: 'if'; cond: Operand; then: Node[]; else: Node[] }
export interface LoopNode { readonly kind: 'loop'; body: Node[] }
export type Node = Instr | IfNode | LoopNode;

/** phi predecessors that are not break/continue instructions */
export const PRED_THEN = -1, PRED_ELSE = -2, PRED_ENTRY = -3, PRED_BACK = -4;

/**
 * A user function before inlining (register form only): it shares the
 * shader's registers — globals are the shader's, `locals` are renamed per
 * inlined call — and reads its arguments from `params`, leaving its return
 * value and out/inout parameters in `results`.
 */
export interface IrFunction {
  name: string;
  params: number[];
  results: number[];
  locals: number[];
  body: Node[];
}

export interface IrShader {
  stage: 'vertex' | 'fragment';
  form: 'registers' | 'ssa';
  /** functions that calls in `body` (or in other functions) name; empty once inlined */
  functions?: IrFunction[];
  body: Node[];
  nextV: number;
  /** sizes of dynamically indexed register arrays */
  arrays: number[];
}

export const vreg = (v: number): Operand => ({ k: 'v', v });
export const fconst = (f: number): Operand => ({ k: 'c', f: Math.fround(f) });

/** an unconditional break/continue: control never reaches what follows it */
export function isTerminator(n: Node): boolean {
  return n.kind === 'instr' && (n.op === 'break' || n.op === 'continue') && n.src[0]!.k === 'c' && n.src[0]!.f !== 0;
}
/** control reaching `n` never reaches what follows it (a loop without a break never ends) */
export function terminates(n: Node): boolean {
  if (n.kind === 'if') return !endReachable(n.then) && !endReachable(n.else);
  if (n.kind === 'loop') return !hasBreak(n.body);
  return isTerminator(n);
}
/** whether control can reach the end of `list` having reached its start */
export function endReachable(list: Node[]): boolean {
  return !list.some(terminates);
}
/** whether the loop whose body is `list` has a break of its own */
function hasBreak(list: Node[]): boolean {
  return list.some((n) => (n.kind === 'instr' ? n.op === 'break' : n.kind === 'if' ? hasBreak(n.then) || hasBreak(n.else) : false));
}
export const isPhi = (n: Node | undefined): n is Instr => n !== undefined && n.kind === 'instr' && n.op === 'phi';

export function hasSideEffects(i: Instr): boolean {
  return i.op === 'st_vary' || i.op === 'st_out' || i.op === 'st_arr' || i.op === 'break' || i.op === 'continue' || i.op === 'discard' || i.op === 'call';
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
    return new Builder({ stage, form: 'registers', body: [], nextV: 0, arrays: [] });
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
  /** emits what `f` emits into `list` (a function body) */
  into(list: Node[], f: () => void): void {
    this.stack.push(list); f(); this.stack.pop();
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

export function printPred(p: number): string {
  return p === PRED_THEN ? 'then' : p === PRED_ELSE ? 'else' : p === PRED_ENTRY ? 'entry' : p === PRED_BACK ? 'back' : `#${p}`;
}
export function printOperand(o: Operand): string {
  return o.k === 'v' ? `v${o.v}` : Number.isInteger(o.f) ? o.f.toFixed(1) : String(o.f);
}
/** The GLSL built-in each special register carries (by SPECIAL_REGS index), for the printed IR (WEBGL_debug_shaders, akari compile). */
const SPECIAL_GLSL: readonly string[] = [
  '', 'gl_VertexID', 'gl_InstanceID', 'gl_FragCoord.x', 'gl_FragCoord.y', 'gl_FragCoord.z', 'gl_FragCoord.w', 'gl_FrontFacing', 'gl_PointCoord.x', 'gl_PointCoord.y',
];

export function printInstr(i: Instr): string {
  const d = i.dsts ? `${i.dsts.map((x) => `v${x}`).join(' ')} = ` : i.dst >= 0 ? `v${i.dst} = ` : '';
  const attrs: string[] = [];
  if (i.cond) attrs.push(i.cond);
  if (i.op === 'ld_special') attrs.push(`sr=${SPECIAL_REGS[i.idx!] ?? i.idx}${SPECIAL_GLSL[i.idx!] ? ` (${SPECIAL_GLSL[i.idx!]})` : ''}`);
  else if (i.idx !== undefined && i.op !== 'call') attrs.push(`idx=${i.idx}`);
  if (i.col !== undefined) attrs.push(`col=${i.col}`);
  if (i.comp !== undefined) attrs.push(`comp=${i.comp}`);
  if (i.arr !== undefined) attrs.push(`arr=${i.arr}`);
  if (i.int) attrs.push('int');
  if (i.dim !== undefined) attrs.push(`dim=${i.dim}`, `mode=${i.mode ?? 0}`, ...(i.shadow ? ['shadow'] : []), ...(i.texOffset ? [`offset=0x${i.texOffset.toString(16)}`] : []), ...(i.texInt ? ['int'] : []));
  if (i.op === 'call') attrs.push(`fn=${i.idx}`);
  if (i.samplerIndex) attrs.push(i.samplers === undefined ? 'sampler_index' : `sampler_index<${i.samplers}`);
  if (i.id !== undefined) attrs.push(`#${i.id}`);
  if (i.op === 'phi') return `${d}phi ${i.src.map((o, k) => `${printPred(i.from?.[k] ?? NaN)}:${printOperand(o)}`).join(', ')}`.trimEnd();
  return `${d}${i.op}${attrs.length ? `.${attrs.join('.')}` : ''} ${i.src.map(printOperand).join(', ')}`.trimEnd();
}
export function printShader(s: IrShader): string {
  const out: string[] = [`shader ${s.stage} ${s.form} (${s.nextV} values${s.arrays.length ? `, arrays [${s.arrays.join(', ')}]` : ''})`];
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
  (s.functions ?? []).forEach((f, k) => {
    out.push(`  function ${k} ${f.name} (${f.params.map((v) => `v${v}`).join(', ')}) -> (${f.results.map((v) => `v${v}`).join(', ')}) {`);
    walk(f.body, '    ');
    out.push('  }');
  });
  walk(s.body, '  ');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------
// Validator

export function validate(s: IrShader): string[] {
  const errs: string[] = [];
  const defs = defCounts(s);
  const ssa = s.form === 'ssa';
  const fns = s.functions ?? [];
  // a function may be the only place a global is written
  for (const f of fns) {
    for (const v of [...f.params, ...f.results, ...f.locals]) if (!(v >= 0 && v < s.nextV)) errs.push(`function ${f.name}: v${v} out of range`);
    for (const v of f.params) if (v >= 0 && v < s.nextV) defs[v]!++;
    forEachInstr(f.body, (i) => {
      if (i.dst >= 0 && i.dst < s.nextV) defs[i.dst]!++;
      if (i.dsts) for (const d of i.dsts) if (d >= 0 && d < s.nextV) defs[d]!++;
    });
  }
  if (ssa && fns.length) errs.push('functions left in SSA form (calls are inlined before SSA construction)');
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
      if ((n.op === 'fcmp' || n.op === 'icmp' || n.op === 'ucmp') && !n.cond) errs.push(`${where}: ${n.op} without cond`);
      if ((n.op === 'break' || n.op === 'continue') && !inLoop) errs.push(`${where}: outside a loop`);
      if (n.op === 'tex' && (!n.dsts || n.dsts.length !== 4)) errs.push(`${where}: tex needs 4 destinations`);
      if (n.op === 'call') {
        const f = fns[n.idx ?? -1];
        if (ssa) errs.push(`${where}: call in SSA form`);
        if (!f) errs.push(`${where}: no such function`);
        else if (n.src.length !== f.params.length || n.dsts?.length !== f.results.length) errs.push(`${where}: ${f.name} takes ${f.params.length} arguments and gives ${f.results.length} results`);
      }
      const hasDst = n.op !== 'tex' && n.op !== 'call' && !hasSideEffects(n);
      if (hasDst !== n.dst >= 0) errs.push(`${where}: destination mismatch`);
      if (n.dst >= s.nextV) errs.push(`${where}: dst out of range`);
      if ((n.op === 'ld_arr' || n.op === 'st_arr') && (n.arr === undefined || n.arr >= s.arrays.length)) errs.push(`${where}: bad array`);
      if (n.op === 'phi') {
        if (!ssa) errs.push(`${where}: phi outside SSA form`);
        if (!n.from || n.from.length !== n.src.length) errs.push(`${where}: phi sources without predecessors`);
      }
      n.src.forEach((o) => checkOp(o, where));
    }
  };
  for (const f of fns) walk(f.body, false);
  walk(s.body, false);
  if (ssa) validateSsa(s, defs, errs);
  return errs;
}

/**
 * The SSA rules: one definition per value; every use inside the region its
 * definition dominates (the rest of the definition's block and what is
 * nested there); phis only at merges, with exactly one source per reachable
 * predecessor, none for predecessors that do not exist, each source visible
 * at the end of its predecessor.
 */
function validateSsa(s: IrShader, defs: Int32Array, errs: string[]): void {
  for (let v = 0; v < s.nextV; v++) if (defs[v]! > 1) errs.push(`v${v} is defined ${defs[v]} times`);
  const visible = new Uint8Array(s.nextV);
  const log: number[] = [];
  const define = (v: number): void => { if (v >= 0 && v < s.nextV && !visible[v]) { visible[v] = 1; log.push(v); } };
  const undo = (mark: number): void => { while (log.length > mark) visible[log.pop()!] = 0; };
  const use = (o: Operand, where: string): void => {
    if (o.k === 'v' && o.v >= 0 && o.v < s.nextV && defs[o.v]! > 0 && !visible[o.v]) errs.push(`${where}: v${o.v} is used where its definition does not dominate`);
  };
  const merged = new Set<Instr>();
  const ids = new Set<number>();
  interface LoopCtx { header: Instr[]; exit: Instr[]; conts: Set<number>; breaks: Set<number> }
  const loops: LoopCtx[] = [];
  // the source a phi takes from predecessor p, checked at the end of p
  const arrive = (phis: Instr[], p: number, reach: boolean): void => {
    for (const phi of phis) {
      const k = phi.from?.indexOf(p) ?? -1;
      if (k < 0) { if (reach) errs.push(`${printInstr(phi)}: no source from ${printPred(p)}`); continue; }
      use(phi.src[k]!, `${printInstr(phi)} (from ${printPred(p)})`);
    }
  };
  const checkPreds = (phis: Instr[], allowed: Set<number>): void => {
    for (const phi of phis) {
      const from = phi.from ?? [];
      if (new Set(from).size !== from.length) errs.push(`${printInstr(phi)}: two sources from one predecessor`);
      for (const p of from) if (!allowed.has(p)) errs.push(`${printInstr(phi)}: ${printPred(p)} is not a predecessor here`);
    }
  };
  const phisAt = (list: Node[], k: number): Instr[] => {
    const out: Instr[] = [];
    for (let j = k; j < list.length && isPhi(list[j]); j++) out.push(list[j] as Instr);
    out.forEach((p) => merged.add(p));
    return out;
  };
  const walk = (list: Node[], reach: boolean): boolean => {
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'instr') {
        const where = printInstr(n);
        if (n.op === 'phi') {
          if (!merged.has(n)) errs.push(`${where}: phi not at the start of a loop body or right after an if or loop`);
        } else n.src.forEach((o) => use(o, where));
        if (n.op === 'break' || n.op === 'continue') {
          const lc = loops[loops.length - 1];
          if (n.id === undefined) errs.push(`${where}: no predecessor id`);
          else if (ids.has(n.id)) errs.push(`${where}: id #${n.id} used twice`);
          else if (lc) {
            ids.add(n.id);
            if (n.op === 'break') { lc.breaks.add(n.id); arrive(lc.exit, n.id, reach); } else { lc.conts.add(n.id); arrive(lc.header, n.id, reach); }
          }
        }
        define(n.dst);
        n.dsts?.forEach(define);
      } else if (n.kind === 'if') {
        use(n.cond, 'if');
        const phis = phisAt(list, k + 1);
        const mark = log.length;
        const rt = walk(n.then, reach);
        arrive(phis, PRED_THEN, rt);
        undo(mark);
        const re = walk(n.else, reach);
        arrive(phis, PRED_ELSE, re);
        undo(mark);
        checkPreds(phis, new Set([PRED_THEN, PRED_ELSE]));
        reach &&= rt || re;
      } else {
        const header = phisAt(n.body, 0);
        const exit = phisAt(list, k + 1);
        arrive(header, PRED_ENTRY, reach);
        const lc: LoopCtx = { header, exit, conts: new Set(), breaks: new Set() };
        loops.push(lc);
        const mark = log.length;
        const rb = walk(n.body, reach);
        arrive(header, PRED_BACK, rb);
        undo(mark);
        loops.pop();
        checkPreds(header, new Set([PRED_ENTRY, PRED_BACK, ...lc.conts]));
        checkPreds(exit, lc.breaks);
        reach &&= lc.breaks.size > 0;
      }
      if (isTerminator(n)) reach = false;
    }
    return reach;
  };
  walk(s.body, true);
}
