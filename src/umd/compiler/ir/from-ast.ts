/**
 * Lowering from the typed GLSL AST (glsl/ast.ts) to the scalar IR (ir.ts).
 *
 * Everything is flattened to scalars: a GLSL value is an `Operand[]` in the
 * front end's flattening order (vectors by component, matrices column-major,
 * structs field by field, arrays element by element). Every user function is
 * lowered once, to an IR function that `call` instructions name (the
 * inline-functions pass inlines them); its parameters and locals are its own
 * registers, globals the shader's; sampler parameters carry texture slots as
 * values. `return` that is not the last statement wraps
 * the function body in a one-trip loop so `return` becomes `break`; a loop
 * nested inside such a function unwinds with a per-lane flag. A `continue`
 * in a `for` with an update expression wraps the body the same way, so the
 * update still runs. Variables are virtual registers; arrays indexed with a
 * non-constant index are register arrays (ld_r/st_r), vectors and matrices
 * indexed so are selected with fsel chains; uniforms indexed so use ld_u.
 *
 * GLSL ES 3.00 ints and uints are 32-bit integers in the IR (integer ops,
 * `iconst` constants); ES 1.00 and desktop ints stay integral floats. Indices
 * of either kind become floats where they address storage, so the indexing
 * machinery is one. A `switch` is a one-trip loop: each label group runs when
 * an earlier group fell through or its label matches, `break` leaves the loop.
 *
 * The upper layer (the checker) has validated the program; this file trusts
 * the typed-AST contract stated in ast.ts and throws on anything else.
 */
import type * as A from '../glsl/ast.js';
import { f32ToBits } from '../../../base/bits.js';
import { TEX_DIM_COORDS, TEX_MODE, TEX_OFFSET_BITS } from '../../../hwdesc/isa.js';
import { isTexelOffsetBuiltin, texelOffsetArg } from '../glsl/builtins.js';
import { arrayOf, baseKind, containsSampler, FLOAT, flatSize, isIntegerKind, scalarKinds, typeToString, vecType, type GlslType, type ScalarKind } from '../glsl/types.js';
import { layoutBlock, type BlockLayout } from '../std140.js';
import { Builder, fconst, vreg, forEachInstr, forEachOperand, defCounts, type AluOp, type Cond, type IrShader, type Operand, type Node, type Instr } from './ir.js';

/** location: a GLSL ES 3.00 layout(location = N) */
export interface LoweredAttribute { name: string; type: GlslType; cols: number; location?: number }
/** the tex modes with integer operands (texelFetch, textureSize) */
const TEX_MODE_FETCH = TEX_MODE.indexOf('fetch'), TEX_MODE_SIZE = TEX_MODE.indexOf('size');
/** `flat`: GLSL ES 3.00 flat interpolation (the provoking vertex's value) */
export interface LoweredVarying { name: string; type: GlslType; comps: number; flat?: boolean }
export interface LoweredUniform { name: string; type: GlslType; offset: number; int: boolean }
/**
 * A GLSL ES 3.00 uniform block the shader reads: its std140 data (`words` 32-bit words) is
 * preloaded by the hardware from the bound buffer range into the uniform buffer at `uniform`
 * (SHADER uniform_ranges); a block array has `count` such ranges, one after the other.
 */
export interface LoweredBlock { block: A.UniformBlock; uniform: number; words: number; count: number; layout: BlockLayout }

export interface Lowered {
  ir: IrShader;
  /** problems that only linking reports (a called function without a body) */
  linkErrors: string[];
  /** constant tables the compiler placed in the uniform buffer: [word, bits] */
  constWords: Array<[number, number]>;
  attributes: LoweredAttribute[];
  varyings: LoweredVarying[];
  uniforms: LoweredUniform[];
  uniformWords: number;
  /** the uniform blocks read, their ranges after the default uniforms and constant tables */
  blocks: LoweredBlock[];
  /** uniform word of each sampler leaf -> texture slot */
  samplerSlots: Map<number, number>;
  usesDiscard: boolean;
  usesDerivatives: boolean;
  writesDepth: boolean;
  writesPointSize: boolean;
  /** fragment shaders: the render targets written (bit i: st_out rt<i>) */
  renderTargets: number;
}

type Storage =
  | { k: 'regs'; regs: number[] }
  | { k: 'uni'; base: number; type: GlslType; allFloat?: boolean; words?: readonly number[]; block?: true }
  | { k: 'arr'; arr: number };

interface Ref { st: Storage; off: number; dyn: Operand | null; type: GlslType; sel?: number[]; pick?: Operand }

/** wrapFlag: see loopStmt; switchCont: a switch's one-trip loop, and the flag its `continue`s set */
interface LoopCtx { wrapFlag: number | null; switchCont?: number }
interface FnCtx { ret: number[] | null; wrapped: boolean; loopDepth: number; retFlag: number | null }

const MAX_VALUES = 200_000;
/**
 * Uniform words of blocks are numbered from here while lowering, then moved after every other
 * uniform word (so default uniforms keep the operand-addressable u0..u1023 first).
 */
const BLOCK_SPACE = 1 << 24;

const CLAMPED_COLORS = new Set(['gl_FrontColor', 'gl_BackColor', 'gl_FrontSecondaryColor', 'gl_BackSecondaryColor']);
const FS_VARYING_ALIAS: Record<string, string> = { gl_Color: 'gl_FrontColor', gl_SecondaryColor: 'gl_FrontSecondaryColor' };
const FS_BACK_COLOR: Record<string, string> = { gl_Color: 'gl_BackColor', gl_SecondaryColor: 'gl_BackSecondaryColor' };
/** gl_MaxClipPlanes; the varying holding the user clip distances (not a GLSL 1.10/1.20 name) */
const CLIP_PLANES = 8;
export const CLIP_DISTANCE_VARYING = 'gl_ClipDistance';
/** GL state the driver writes as a float 0/1 (a driver-state uniform, as Mesa's STATE_INTERNAL). */
export const TWO_SIDE_STATE = 'gl_VertexProgramTwoSide';

function isSamplerType(t: GlslType): boolean {
  return t.tag === 'sampler' || (t.tag === 'array' && t.element.tag === 'sampler');
}
function isIntType(t: GlslType): boolean {
  if (t.tag === 'scalar' || t.tag === 'vector') return t.base !== 'float';
  if (t.tag === 'array') return isIntType(t.element);
  return false;
}
/**
 * Per flattened scalar: whether the uniform word holds an integer the shader reads as a float —
 * ES 1.00/desktop ints and every bool (GLSL ES 3.00 ints and uints are read as the integers they are).
 */
function intMask(t: GlslType, v300: boolean, out: boolean[] = []): boolean[] {
  if (t.tag === 'struct') for (const f of t.fields) intMask(f.type, v300, out);
  else if (t.tag === 'array') for (let i = 0; i < Math.max(0, t.size); i++) intMask(t.element, v300, out);
  else {
    const k = t.tag === 'scalar' || t.tag === 'vector' ? t.base : 'float';
    for (let i = 0; i < flatSize(t); i++) out.push(k === 'bool' || (k === 'int' && !v300));
  }
  return out;
}
/** the scalar kind of a scalar/vector/matrix type (float for anything else) */
function kindOf(t: GlslType | undefined): ScalarKind {
  return (t && baseKind(t)) ?? 'float';
}
function samplerLeaves(t: GlslType, base: number, out: number[]): void {
  if (t.tag === 'sampler') out.push(base);
  else if (t.tag === 'struct') { let o = base; for (const f of t.fields) { samplerLeaves(f.type, o, out); o += flatSize(f.type); } }
  else if (t.tag === 'array') for (let i = 0; i < t.size; i++) samplerLeaves(t.element, base + i * flatSize(t.element), out);
}

function walkExprs(node: unknown, f: (e: A.Expr) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const x of node) walkExprs(x, f); return; }
  const o = node as Record<string, unknown>;
  if (typeof o.kind === 'string' && 'loc' in o && ['Literal', 'Identifier', 'Binary', 'Unary', 'Update', 'Assign', 'Ternary', 'Sequence', 'Index', 'Field', 'Length', 'Call'].includes(o.kind)) f(o as unknown as A.Expr);
  for (const [k, v] of Object.entries(o)) {
    if (k === 'symbol' || k === 'function' || k === 'builtin' || k === 'type' || k === 'constValue' || k === 'resolved' || k === 'loopInfo' || k === 'implicitConversions') continue;
    if (v && typeof v === 'object') walkExprs(v, f);
  }
}
function hasSideEffects(e: A.Expr): boolean {
  let s = false;
  walkExprs(e, (x) => { if (x.kind === 'Assign' || x.kind === 'Update' || (x.kind === 'Call' && x.callKind === 'user')) s = true; });
  return s;
}
function stmtContains(s: A.Statement | undefined, kinds: string[], intoLoops: boolean): boolean {
  if (!s) return false;
  if (kinds.includes(s.kind)) return true;
  switch (s.kind) {
    case 'Block': return s.body.some((x) => stmtContains(x, kinds, intoLoops));
    case 'If': return stmtContains(s.then, kinds, intoLoops) || stmtContains(s.else, kinds, intoLoops);
    case 'For': case 'While': case 'DoWhile': return intoLoops && stmtContains(s.body, kinds, intoLoops);
    // a switch is a loop for break but not for continue or return
    case 'Switch': return s.body.some((x) => stmtContains(x, kinds, intoLoops));
    default: return false;
  }
}

export function lowerShader(shader: A.TypedShader): Lowered {
  return new Lowering(shader).run();
}

class Lowering {
  b: Builder;
  prologue: Node[] = [];
  storage = new Map<A.VariableSymbol, Storage>();
  /** user functions lowered so far (-1 while one is being lowered: recursion) */
  fnIndex = new Map<A.FunctionDeclaration, number>();
  /** variables of the function being lowered (parameters and declarations) */
  localSyms = new Set<A.VariableSymbol>();
  /** registers of globals, which calls do not rename */
  globalRegs = new Set<number>();
  inFunction = 0;
  dynArrays = new Set<A.VariableSymbol>();
  attributes: LoweredAttribute[] = [];
  varyings: LoweredVarying[] = [];
  uniforms: LoweredUniform[] = [];
  uniformWords = 0;
  blocks: LoweredBlock[] = [];
  blockWords = 0;
  samplerSlots = new Map<number, number>();
  textureCount = 0;
  /** uniform word of the two-sided colour state, once a gl_Color read needs it */
  twoSideWord = -1;
  outputs: { sym: A.VariableSymbol; regs: number[] }[] = [];
  loops: LoopCtx[] = [];
  fns: FnCtx[] = [];
  linkErrors: string[] = [];
  constWords: Array<[number, number]> = [];
  flags = { usesDiscard: false, usesDerivatives: false, writesDepth: false, writesPointSize: false, renderTargets: 0 };

  /** GLSL ES 3.00: ints and uints are integers */
  readonly v300: boolean;
  constructor(readonly shader: A.TypedShader) { this.b = Builder.create(shader.stage); this.v300 = shader.version === 300; }

  /** whether values of scalar kind k are integers in the IR */
  isInt(k: ScalarKind): boolean { return this.v300 && isIntegerKind(k); }
  /** a 32-bit integer constant (0 is also the float 0.0: no instruction needed) */
  iconst(bits: number): Operand { return (bits >>> 0) === 0 ? fconst(0) : this.b.op0('iconst', { idx: bits >>> 0 }); }
  /** the operands of a constant value of type t (flattened data as the checker folds it) */
  constOps(t: GlslType, data: readonly number[]): Operand[] {
    if (!this.v300) return data.map(fconst);
    const kinds = scalarKinds(t);
    return data.map((x, i) => (this.isInt(kinds[i] ?? 'float') ? this.iconst(x) : fconst(x)));
  }
  /** converts one scalar between kinds (GLSL ES 3.00 §5.4.1 constructors) */
  convert(x: Operand, from: ScalarKind, to: ScalarKind): Operand {
    if (from === to || (isIntegerKind(from) && isIntegerKind(to))) return x; // int <-> uint keep the bits
    if (to === 'bool') return isIntegerKind(from) ? this.b.alu('icmp', [x, fconst(0)], 'ne') : this.cmp('ne', x, fconst(0));
    if (to === 'float') return from === 'int' ? this.alu('i2f', x) : from === 'uint' ? this.alu('u2f', x) : x;
    // to int/uint from float or bool (1.0/0.0)
    return this.alu(to === 'int' ? 'f2i' : 'f2u', x);
  }
  /** an integer (ES 3.00) index as the float the indexing machinery computes with */
  floatIndex(i: Operand, t: GlslType | undefined): Operand {
    const k = kindOf(t);
    return this.isInt(k) && i.k === 'v' ? this.alu(k === 'int' ? 'i2f' : 'u2f', i) : i;
  }

  run(): Lowered {
    const main = this.shader.main?.definition;
    if (!main?.body) throw new Error('no main()');
    walkExprs(this.shader.unit, (e) => {
      if (e.kind !== 'Index' || e.index.constValue) return;
      let base: A.Expr = e.base;
      while (base.kind === 'Index' || base.kind === 'Field') base = base.base;
      if (base.kind === 'Identifier' && base.symbol && base.symbol.type.tag === 'array' && base.symbol.storage !== 'uniform') this.dynArrays.add(base.symbol);
    });
    // global initialisers, in declaration order
    for (const d of this.shader.unit.declarations) if (d.kind === 'VarDeclaration') this.declare(d);
    this.lowerBody(main, null);
    this.epilogue();
    const ir = this.b.shader;
    ir.body = [...this.prologue, ...ir.body];
    if (ir.functions && !ir.functions.length) delete ir.functions;
    // values read but never written (uninitialised variables) read as 0
    const defs = defCounts(ir);
    const undef = new Set<number>();
    forEachOperand(ir.body, (o) => { if (o.k === 'v' && defs[o.v] === 0) undef.add(o.v); });
    ir.body.unshift(...[...undef].map((v): Instr => ({ kind: 'instr', op: 'mov', dst: v, src: [fconst(0)] })));
    if (this.blocks.length) {
      // the blocks' words go after the default uniforms and constant tables
      const at = this.uniformWords;
      const move = (i: Instr): void => { if ((i.op === 'ld_uni' || i.op === 'ld_uni_ind') && i.idx! >= BLOCK_SPACE) i.idx = i.idx! - BLOCK_SPACE + at; };
      forEachInstr(ir.body, move);
      for (const fn of ir.functions ?? []) forEachInstr(fn.body, move);
      for (const b of this.blocks) b.uniform += at - BLOCK_SPACE;
      this.uniformWords += this.blockWords;
    }
    return {
      ir, linkErrors: this.linkErrors, constWords: this.constWords, attributes: this.attributes, varyings: this.varyings, uniforms: this.uniforms, uniformWords: this.uniformWords,
      blocks: this.blocks, samplerSlots: this.samplerSlots, ...this.flags,
    };
  }

  // ---------------------------------------------------------------------------- storage

  newVar(n: number): number[] { return Array.from({ length: n }, () => this.b.newReg()); }

  pro(i: Omit<Instr, 'kind' | 'dst'>): number {
    const dst = this.b.newReg();
    this.prologue.push({ kind: 'instr', dst, ...i });
    return dst;
  }

  storageOf(sym: A.VariableSymbol): Storage {
    let st = this.storage.get(sym);
    if (st) return st;
    const n = flatSize(sym.type);
    const stage = this.shader.stage;
    const q = sym.storage;
    if (q === 'uniform' && sym.block) {
      // a uniform block's member (or instance): words of the block's preloaded range, at their std140 offsets
      const blk = this.blockOf(sym.block);
      const perBlock = blk.layout.members.flat().map((b) => b / 4);
      let words: number[];
      if (sym.blockMember !== undefined) words = blk.layout.members[sym.blockMember]!.map((b) => b / 4);
      else words = Array.from({ length: blk.count }, (_, i) => perBlock.map((w) => i * blk.words + w)).flat();
      st = { k: 'uni', base: blk.uniform, type: sym.type, words, block: true };
    } else if (q === 'uniform') {
      const base = this.uniformWords;
      this.uniformWords += n;
      this.uniforms.push({ name: sym.name, type: sym.type, offset: base, int: isIntType(sym.type) && !(this.v300 && kindOf(sym.type.tag === 'array' ? sym.type.element : sym.type) !== 'bool') });
      const leaves: number[] = [];
      samplerLeaves(sym.type, base, leaves);
      for (const w of leaves) this.samplerSlots.set(w, this.textureCount++);
      st = { k: 'uni', base, type: sym.type };
    } else if (q === 'attribute') {
      const cols = sym.type.tag === 'matrix' ? sym.type.cols : 1;
      const rows = sym.type.tag === 'matrix' ? sym.type.rows : flatSize(sym.type);
      const idx = this.attributes.length;
      this.attributes.push({ name: sym.name, type: sym.type, cols, ...(sym.location !== undefined ? { location: sym.location } : {}) });
      const regs: number[] = [];
      for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) regs.push(this.pro({ op: 'ld_attr', src: [], idx, col: c, comp: r }));
      // an int/uint input reads integers: the driver sets ATTRIBUTE.integer for it (vertexAttribIPointer
      // arrays, vertexAttribI4* values; WebGL 2 refuses a draw feeding it anything else)
      st = { k: 'regs', regs };
    } else if (q === 'varying' && stage === 'fragment') {
      const load = (name: string): number[] => {
        const idx = this.varyings.length;
        const flat = sym.interpolation === 'flat';
        this.varyings.push({ name, type: sym.type, comps: n, ...(flat ? { flat } : {}) });
        return Array.from({ length: n }, (_, c) => this.pro({ op: flat ? 'ld_vary_flat' : 'ld_vary', src: [], idx, comp: c }));
      };
      const front = load(FS_VARYING_ALIAS[sym.name] ?? sym.name);
      const backName = FS_BACK_COLOR[sym.name];
      if (!backName) st = { k: 'regs', regs: front };
      else {
        // two-sided colour (GL 2.1 §2.14.1, GL_VERTEX_PROGRAM_TWO_SIDE): a back-facing primitive
        // takes the back colour when the GL state enables it, as Mesa's lower_two_sided_color
        const back = load(backName);
        if (this.twoSideWord < 0) {
          this.twoSideWord = this.uniformWords++;
          this.uniforms.push({ name: TWO_SIDE_STATE, type: FLOAT, offset: this.twoSideWord, int: false });
        }
        const twoSide = this.twoSideWord;
        const facing = this.pro({ op: 'fcmp', cond: 'ne', src: [vreg(this.pro({ op: 'ld_special', src: [], idx: 7 })), fconst(0)] });
        const useBack = this.pro({ op: 'fsel', src: [vreg(facing), fconst(0), vreg(this.pro({ op: 'ld_uni', src: [], idx: twoSide, int: false }))] });
        st = { k: 'regs', regs: front.map((f, c) => this.pro({ op: 'fsel', src: [vreg(useBack), vreg(back[c]!), vreg(f)] })) };
      }
    } else if (sym.builtin && stage === 'fragment' && ['gl_FragCoord', 'gl_FrontFacing', 'gl_PointCoord'].includes(sym.name)) {
      const sr = sym.name === 'gl_FragCoord' ? [3, 4, 5, 6] : sym.name === 'gl_FrontFacing' ? [7] : [8, 9];
      const regs = sr.map((s) => this.pro({ op: 'ld_special', src: [], idx: s }));
      if (sym.name === 'gl_FrontFacing') {
        // the special register holds an integer 0/1: make it a float boolean
        const f = this.b.newReg();
        this.prologue.push({ kind: 'instr', op: 'fcmp', cond: 'ne', dst: f, src: [vreg(regs[0]!), fconst(0)] });
        regs[0] = f;
      }
      st = { k: 'regs', regs };
    } else if (sym.builtin && stage === 'vertex' && (sym.name === 'gl_VertexID' || sym.name === 'gl_InstanceID')) {
      // the special registers hold the integers (ES 3.00 §7.1)
      st = { k: 'regs', regs: [this.pro({ op: 'ld_special', src: [], idx: sym.name === 'gl_VertexID' ? 1 : 2 })] };
    } else if (q === 'const' && sym.constValue && sym.type.tag === 'array' && this.dynArrays.has(sym)) {
      // a constant table indexed per lane: words in the uniform buffer, read with ld_u
      const base = this.uniformWords;
      this.uniformWords += n;
      const kinds = scalarKinds(sym.type);
      sym.constValue.data.forEach((x, k) => this.constWords.push([base + k, this.isInt(kinds[k] ?? 'float') ? x >>> 0 : f32ToBits(x)]));
      st = { k: 'uni', base, type: sym.type, allFloat: true };
    } else if (sym.type.tag === 'array' && this.dynArrays.has(sym) && !(q === 'varying' || sym.builtin)) {
      this.b.shader.arrays.push(n);
      st = { k: 'arr', arr: this.b.shader.arrays.length - 1 };
    } else {
      const regs = this.newVar(n);
      st = { k: 'regs', regs };
      const isOut = (q === 'varying' && stage === 'vertex') || q === 'fragout' || (sym.builtin && sym.builtinWritable);
      // outputs never written read as 0 (run() initialises values that have no definition)
      if (isOut) this.outputs.push({ sym, regs });
    }
    this.storage.set(sym, st);
    if (st.k === 'regs' && !this.localSyms.has(sym)) for (const r of st.regs) this.globalRegs.add(r);
    return st;
  }

  /** The range of uniform words a block's data is preloaded into (placed at its first use). */
  blockOf(block: A.UniformBlock): LoweredBlock {
    let b = this.blocks.find((x) => x.block === block);
    if (!b) {
      const layout = layoutBlock(block), words = layout.dataSize / 4, count = block.arraySize ?? 1;
      b = { block, uniform: BLOCK_SPACE + this.blockWords, words, count, layout };
      this.blockWords += words * count;
      this.blocks.push(b);
    }
    return b;
  }

  epilogue(): void {
    for (const { sym, regs } of this.outputs) {
      const name = sym.name;
      const st = (idx: number, comp: number, k: number, op: 'st_vary' | 'st_out' = 'st_vary'): void => {
        this.b.emit({ op, dst: -1, src: [vreg(regs[k]!)], idx, comp });
        // render targets 0..7 (st_out slot 15 is the depth output)
        if (op === 'st_out' && idx < 15) this.flags.renderTargets |= 1 << idx;
      };
      if (name === 'gl_Position') for (let c = 0; c < 4; c++) st(-1 - c, 0, c);
      else if (name === 'gl_PointSize') { st(-5, 0, 0); this.flags.writesPointSize = true; }
      else if (name === 'gl_FragColor') for (let c = 0; c < 4; c++) st(0, c, c, 'st_out');
      else if (name === 'gl_FragData') for (let i = 0; i < regs.length / 4; i++) for (let c = 0; c < 4; c++) st(i, c, i * 4 + c, 'st_out');
      else if (name === 'gl_FragDepth' || name === 'gl_FragDepthEXT') { st(15, 0, 0, 'st_out'); this.flags.writesDepth = true; }
      // GLSL ES 3.00 `out` of a fragment shader: render target `location` (an array: element i at location + i)
      else if (sym.storage === 'fragout') {
        const n = sym.type.tag === 'array' ? sym.type.size : 1, per = regs.length / n;
        for (let i = 0; i < n; i++) for (let c = 0; c < per; c++) st((sym.location ?? 0) + i, c, i * per + c, 'st_out');
      }
      else if (this.shader.stage === 'vertex' && (sym.storage === 'varying')) {
        const idx = this.varyings.length;
        this.varyings.push({ name, type: sym.type, comps: regs.length, ...(sym.interpolation === 'flat' ? { flat: true } : {}) });
        if (CLAMPED_COLORS.has(name)) {
          // GL 2.1 §2.14.6 / §2.15.3: vertex colours are clamped to [0, 1] before interpolation
          for (let c = 0; c < regs.length; c++) this.b.emit({ op: 'st_vary', dst: -1, src: [this.alu('fsat', vreg(regs[c]!))], idx, comp: c });
          continue;
        }
        for (let c = 0; c < regs.length; c++) st(idx, c, c);
      }
      else if (name === 'gl_ClipVertex') this.clipDistances(regs);
      // other outputs the hardware has no use for are dropped
    }
  }

  /**
   * User clip planes (GL 2.1 §2.12): gl_ClipVertex becomes the eight distances
   * dot(gl_ClipPlane[i], gl_ClipVertex), written as the varying gl_ClipDistance the linker
   * places after the fragment shader's inputs; the tiler clips against those the GL state enables.
   */
  clipDistances(cv: number[]): void {
    let base = -1;
    for (const [sym, st] of this.storage) if (sym.name === 'gl_ClipPlane' && sym.builtin && st.k === 'uni') base = st.base;
    if (base < 0) {
      base = this.uniformWords;
      this.uniformWords += 4 * CLIP_PLANES;
      this.uniforms.push({ name: 'gl_ClipPlane', type: arrayOf(vecType('float', 4), CLIP_PLANES), offset: base, int: false });
    }
    const idx = this.varyings.length;
    this.varyings.push({ name: CLIP_DISTANCE_VARYING, type: arrayOf(FLOAT, CLIP_PLANES), comps: CLIP_PLANES });
    for (let i = 0; i < CLIP_PLANES; i++) {
      const plane = [0, 1, 2, 3].map((c) => this.b.op0('ld_uni', { idx: base + 4 * i + c, int: false }));
      this.b.emit({ op: 'st_vary', dst: -1, src: [this.dot(plane, cv.map(vreg))], idx, comp: i });
    }
  }

  declare(d: A.VarDeclaration): void {
    for (const dec of d.declarators) {
      const sym = dec.symbol!;
      if (sym.isConst && sym.constValue && sym.storage === 'const') {
        if (this.inFunction) this.localSyms.add(sym);
        const v = this.constOps(sym.type, sym.constValue.data);
        const st = this.storageOf(sym);
        if (st.k === 'uni') continue;
        this.writeRef({ st, off: 0, dyn: null, type: sym.type }, v);
        continue;
      }
      if (sym.storage === 'uniform' || sym.storage === 'attribute' || sym.storage === 'varying') continue;
      if (this.inFunction) this.localSyms.add(sym);
      // a fresh variable per declaration execution
      this.storage.delete(sym);
      const st = this.storageOf(sym);
      if (dec.init) this.writeRef({ st, off: 0, dyn: null, type: sym.type }, this.eval(dec.init));
    }
  }

  // ---------------------------------------------------------------------------- helpers

  alu(op: Parameters<Builder['alu']>[0], ...src: Operand[]): Operand { return this.b.alu(op, src); }
  cmp(cond: Cond, a: Operand, b: Operand): Operand { return this.b.alu('fcmp', [a, b], cond); }
  sel(c: Operand, a: Operand, b: Operand): Operand { return this.b.alu('fsel', [c, a, b]); }
  add(a: Operand, b: Operand): Operand { return this.alu('fadd', a, b); }
  sub(a: Operand, b: Operand): Operand { return this.alu('fadd', a, this.alu('fneg', b)); }
  mul(a: Operand, b: Operand): Operand { return this.alu('fmul', a, b); }
  div(a: Operand, b: Operand): Operand { return this.mul(a, this.alu('frcp', b)); }
  not(a: Operand): Operand { return this.cmp('eq', a, fconst(0)); }
  dot(a: Operand[], b: Operand[]): Operand {
    let r = this.mul(a[0]!, b[0]!);
    for (let i = 1; i < a.length; i++) r = this.alu('ffma', a[i]!, b[i]!, r);
    return r;
  }
  /** componentwise with scalar broadcast */
  zip(a: Operand[], b: Operand[], f: (x: Operand, y: Operand) => Operand): Operand[] {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => f(a.length === 1 ? a[0]! : a[i]!, b.length === 1 ? b[0]! : b[i]!));
  }
  map(a: Operand[], f: (x: Operand) => Operand): Operand[] { return a.map(f); }
  intDiv(a: Operand, b: Operand): Operand {
    // exact for |quotient| < 2^16: floor((|a| + 0.5) / |b|) with the sign of a*b
    const q = this.alu('ffloor', this.div(this.add(this.alu('fabs', a), fconst(0.5)), this.alu('fabs', b)));
    return this.mul(q, this.mul(this.alu('fsign', a), this.alu('fsign', b)));
  }

  // ---------------------------------------------------------------------------- references

  ref(e: A.Expr): Ref | null {
    if (e.kind === 'Identifier') {
      const sym = e.symbol!;
      if (sym.constValue && sym.storage === 'const' && !this.storage.has(sym)) return null;
      return { st: this.storageOf(sym), off: 0, dyn: null, type: sym.type };
    }
    if (e.kind === 'Field') {
      const base = this.ref(e.base);
      if (!base) return null;
      if (e.swizzle) {
        const cur = base.sel ?? Array.from({ length: flatSize(base.type) }, (_, i) => i);
        return { ...base, type: e.type!, sel: e.swizzle.map((s) => cur[s]!) };
      }
      if (base.sel) return null;
      const st = base.type;
      if (st.tag !== 'struct') throw new Error('field of non-struct');
      let off = 0;
      for (let i = 0; i < e.fieldIndex!; i++) off += flatSize(st.fields[i]!.type);
      return { ...base, off: base.off + off, type: e.type! };
    }
    if (e.kind === 'Index') {
      const base = this.ref(e.base);
      if (!base) return null;
      const es = flatSize(e.type!);
      if (base.sel) {
        if (e.index.constValue) return { ...base, type: e.type!, sel: [base.sel[e.index.constValue.data[0]!]!] };
        if (base.pick || base.dyn) return null;
        // `v.zx[i]`: one of the swizzled components, chosen per lane
        return { ...base, type: e.type!, pick: this.floatIndex(this.eval(e.index)[0]!, e.index.type) };
      }
      if (e.index.constValue) return { ...base, off: base.off + e.index.constValue.data[0]! * es, type: e.type! };
      const i = this.floatIndex(this.eval(e.index)[0]!, e.index.type);
      if (i.k === 'c') return { ...base, off: base.off + Math.trunc(i.f) * es, type: e.type! };
      // a block's words are at their std140 offsets: consecutive elements are as far apart as elements 0 and 1
      const w = base.st.k === 'uni' ? base.st.words : undefined;
      const stride = w && flatSize(base.type) > es ? w[base.off + es]! - w[base.off]! : es;
      const scaled = stride === 1 ? i : this.mul(i, fconst(stride));
      return { ...base, dyn: base.dyn ? this.add(base.dyn, scaled) : scaled, type: e.type! };
    }
    return null;
  }

  offsets(r: Ref): number[] {
    return r.sel ?? Array.from({ length: flatSize(r.type) }, (_, i) => i);
  }

  readRef(r: Ref): Operand[] {
    if (r.pick) {
      const vals = this.readRef({ ...r, pick: undefined, type: r.type });
      let acc = vals[0]!;
      for (let k = 1; k < vals.length; k++) acc = this.sel(this.cmp('eq', r.pick, fconst(k)), vals[k]!, acc);
      return [acc];
    }
    return this.offsets(r).map((j) => {
      const off = r.off + j;
      const st = r.st;
      if (st.k === 'uni') {
        const at = st.base + (st.words ? st.words[off]! : off);
        if (st.block && scalarKinds(st.type)[off] === 'bool') {
          // a block's bool is a 32-bit word the application wrote: any non-zero value is true (ES 3.0 § 2.12.6)
          const raw = r.dyn ? this.b.op0('ld_uni_ind', { idx: at, src: [r.dyn], int: false }) : this.b.op0('ld_uni', { idx: at, int: false });
          return this.b.alu('icmp', [raw, fconst(0)], 'ne');
        }
        const int = !st.allFloat && (intMask(st.type, this.v300)[off] ?? false);
        if (!r.dyn) return this.b.op0('ld_uni', { idx: at, int });
        return this.b.op0('ld_uni_ind', { idx: at, src: [r.dyn], int });
      }
      if (st.k === 'arr') return this.b.op0('ld_arr', { arr: st.arr, idx: off, src: [r.dyn ?? fconst(0)] });
      if (!r.dyn) return st.regs[off] === undefined ? fconst(0) : vreg(st.regs[off]!);
      // select among the candidates a dynamic offset can reach
      let acc: Operand = vreg(st.regs[off]!);
      for (let p = off + 1; p < st.regs.length; p++) {
        acc = this.sel(this.cmp('eq', r.dyn, fconst(p - off)), vreg(st.regs[p]!), acc);
      }
      return acc;
    });
  }

  writeRef(r: Ref, vals: Operand[]): void {
    if (r.st.k === 'regs') {
      // `v = v.wzyx`: read every source before writing any destination
      const dst = new Set(r.st.regs);
      vals = vals.map((v) => (v.k === 'v' && dst.has(v.v) ? this.alu('mov', v) : v));
    }
    if (r.pick) {
      const pick = r.pick;
      const cur = this.readRef({ ...r, pick: undefined });
      this.writeRef({ ...r, pick: undefined }, cur.map((c, k) => this.sel(this.cmp('eq', pick, fconst(k)), vals[0]!, c)));
      return;
    }
    this.offsets(r).forEach((j, k) => {
      const off = r.off + j;
      const v = vals[k]!;
      const st = r.st;
      if (st.k === 'uni') throw new Error('write to uniform');
      if (st.k === 'arr') { this.b.emit({ op: 'st_arr', dst: -1, arr: st.arr, idx: off, src: [r.dyn ?? fconst(0), v] }); return; }
      if (!r.dyn) { if (st.regs[off] !== undefined) this.b.movTo(st.regs[off]!, v); return; }
      for (let p = off; p < st.regs.length; p++) {
        const hit = this.cmp('eq', r.dyn, fconst(p - off));
        this.b.movTo(st.regs[p]!, this.sel(hit, v, vreg(st.regs[p]!)));
      }
    });
  }

  // ---------------------------------------------------------------------------- expressions

  eval(e: A.Expr): Operand[] {
    if (e.constValue && e.kind !== 'Assign' && e.kind !== 'Update' && e.kind !== 'Sequence') return this.constOps(e.type!, e.constValue.data);
    switch (e.kind) {
      case 'Literal': return this.constOps(e.type!, [e.value]);
      case 'Identifier': case 'Field': case 'Index': {
        const r = this.ref(e);
        if (r) return this.readRef(r);
        if (e.kind === 'Identifier') throw new Error(`unresolved ${e.name}`);
        const base = this.eval(e.base);
        if (e.kind === 'Field') {
          if (e.swizzle) return e.swizzle.map((s) => base[s]!);
          const st = e.base.type!;
          if (st.tag !== 'struct') throw new Error('field');
          let off = 0;
          for (let i = 0; i < e.fieldIndex!; i++) off += flatSize(st.fields[i]!.type);
          return base.slice(off, off + flatSize(e.type!));
        }
        const es = flatSize(e.type!);
        if (e.index.constValue) { const i = e.index.constValue.data[0]!; return base.slice(i * es, i * es + es); }
        const idx = this.floatIndex(this.eval(e.index)[0]!, e.index.type);
        const n = base.length / es;
        return Array.from({ length: es }, (_, j) => {
          let acc = base[j]!;
          for (let k = 1; k < n; k++) acc = this.sel(this.cmp('eq', idx, fconst(k)), base[k * es + j]!, acc);
          return acc;
        });
      }
      case 'Sequence': { let r: Operand[] = []; for (const x of e.expressions) r = this.eval(x); return r; }
      case 'Unary': {
        const v = this.eval(e.operand);
        if (e.op === '+') return v;
        const k = kindOf(e.type);
        if (e.op === '-') return v.map((x) => (this.isInt(k) ? this.alu('isub', fconst(0), x) : this.alu('fneg', x)));
        if (e.op === '!') return v.map((x) => this.not(x));
        if (this.isInt(k)) return v.map((x) => this.alu('inot', x));
        throw new Error('operator ~ is reserved');
      }
      case 'Update': {
        const r = this.ref(e.operand)!;
        const cur = this.readRef(r);
        // postfix: snapshot the old value (dead, and removed, when the result is unused)
        const old = e.prefix ? cur : cur.map((x) => this.alu('mov', x));
        const nv = this.isInt(kindOf(e.type))
          ? cur.map((x) => this.alu(e.op === '++' ? 'iadd' : 'isub', x, this.iconst(1)))
          : cur.map((x) => this.add(x, fconst(e.op === '++' ? 1 : -1)));
        this.writeRef(r, nv);
        return e.prefix ? nv : old;
      }
      case 'Assign': {
        const r = this.ref(e.target)!;
        let v: Operand[];
        if (e.op === '=') v = this.eval(e.value);
        else {
          const cur = this.readRef(r);
          const rhs = this.eval(e.value);
          v = this.binary(e.op.slice(0, -1) as A.BinaryOp, cur, rhs, e.target.type!, e.value.type!, e.type!, !!e.isMatrixMultiply);
        }
        // snapshot so the expression's value is what was stored
        this.writeRef(r, v);
        return v;
      }
      case 'Binary': {
        if (e.op === '&&' || e.op === '||') {
          const l = this.eval(e.left)[0]!;
          if (!hasSideEffects(e.right)) {
            const rr = this.eval(e.right)[0]!;
            return [e.op === '&&' ? this.mul(l, rr) : this.alu('fmax', l, rr)];
          }
          const res = this.b.newReg();
          this.b.movTo(res, l);
          this.b.ifThen(e.op === '&&' ? l : this.not(l), () => this.b.movTo(res, this.eval(e.right)[0]!));
          return [vreg(res)];
        }
        const l = this.eval(e.left), r = this.eval(e.right);
        return this.binary(e.op, l, r, e.left.type!, e.right.type!, e.type!, !!e.isMatrixMultiply);
      }
      case 'Ternary': {
        const c = this.eval(e.condition)[0]!;
        if (!hasSideEffects(e.then) && !hasSideEffects(e.else)) {
          const t = this.eval(e.then), f = this.eval(e.else);
          return t.map((x, i) => this.sel(c, x, f[i]!));
        }
        const res = this.newVar(flatSize(e.type!));
        this.b.ifThen(c, () => this.eval(e.then).forEach((x, i) => this.b.movTo(res[i]!, x)),
          () => this.eval(e.else).forEach((x, i) => this.b.movTo(res[i]!, x)));
        return res.map(vreg);
      }
      case 'Length': return e.constValue!.data.map(fconst);
      case 'Call': return this.call(e);
    }
  }

  binary(op: A.BinaryOp, l: Operand[], r: Operand[], lt: GlslType, rt: GlslType, t: GlslType, matMul: boolean): Operand[] {
    if (matMul) {
      if (lt.tag === 'matrix' && rt.tag === 'matrix') {
        const R = lt.rows, K = lt.cols, C = rt.cols;
        const out: Operand[] = [];
        for (let j = 0; j < C; j++) for (let i = 0; i < R; i++) out.push(this.dot(Array.from({ length: K }, (_, k) => l[k * R + i]!), r.slice(j * K, j * K + K)));
        return out;
      }
      if (lt.tag === 'matrix') { // mat * vec
        const R = lt.rows, K = lt.cols;
        return Array.from({ length: R }, (_, i) => this.dot(Array.from({ length: K }, (_, k) => l[k * R + i]!), r));
      }
      if (rt.tag === 'matrix') { // vec * mat
        const R = rt.rows;
        return Array.from({ length: rt.cols }, (_, j) => this.dot(l, r.slice(j * R, j * R + R)));
      }
    }
    if (this.v300) {
      const r300 = this.binary300(op, l, r, lt, rt, t);
      if (r300) return r300;
    }
    const isInt = (t.tag === 'scalar' || t.tag === 'vector') && t.base === 'int';
    switch (op) {
      case '+': return this.zip(l, r, (a, b) => this.add(a, b));
      case '-': return this.zip(l, r, (a, b) => this.sub(a, b));
      case '*': return this.zip(l, r, (a, b) => this.mul(a, b));
      case '/': return this.zip(l, r, (a, b) => isInt ? this.intDiv(a, b) : this.div(a, b));
      case '<': return [this.cmp('lt', l[0]!, r[0]!)];
      case '>': return [this.cmp('gt', l[0]!, r[0]!)];
      case '<=': return [this.cmp('le', l[0]!, r[0]!)];
      case '>=': return [this.cmp('ge', l[0]!, r[0]!)];
      case '==': case '!=': {
        const eqs = l.map((a, i) => this.cmp('eq', a, r[i]!));
        let all = eqs[0]!;
        for (let i = 1; i < eqs.length; i++) all = this.mul(all, eqs[i]!);
        return [op === '==' ? all : this.not(all)];
      }
      case '^^': return [this.cmp('ne', l[0]!, r[0]!)];
      case '&&': return [this.mul(l[0]!, r[0]!)];
      case '||': return [this.alu('fmax', l[0]!, r[0]!)];
      default: throw new Error(`operator ${op} is reserved in GLSL ES`);
    }
  }

  /** GLSL ES 3.00 operators on integers, and == / != over components of mixed kinds; undefined: the float forms apply */
  binary300(op: A.BinaryOp, l: Operand[], r: Operand[], lt: GlslType, rt: GlslType, t: GlslType): Operand[] | undefined {
    const lk = kindOf(lt), rk = kindOf(rt);
    if (op === '==' || op === '!=') {
      const kinds = scalarKinds(lt);
      if (!kinds.some((k) => this.isInt(k))) return undefined;
      const eqs = l.map((a, i) => (this.isInt(kinds[i]!) ? this.b.alu('icmp', [a, r[i]!], 'eq') : this.cmp('eq', a, r[i]!)));
      let all = eqs[0]!;
      for (let i = 1; i < eqs.length; i++) all = this.mul(all, eqs[i]!);
      return [op === '==' ? all : this.not(all)];
    }
    if (!this.isInt(lk)) return undefined;
    const u = lk === 'uint';
    const REL: Partial<Record<A.BinaryOp, Cond>> = { '<': 'lt', '>': 'gt', '<=': 'le', '>=': 'ge' };
    const rel = REL[op];
    if (rel) return [this.b.alu(u ? 'ucmp' : 'icmp', [l[0]!, r[0]!], rel)];
    const OPS: Partial<Record<A.BinaryOp, AluOp>> = {
      '+': 'iadd', '-': 'isub', '*': 'imul', '/': u ? 'udiv' : 'idiv', '%': u ? 'umod' : 'irem',
      '&': 'iand', '|': 'ior', '^': 'ixor', '<<': 'ishl', '>>': u ? 'ushr' : 'ishr',
    };
    const o = OPS[op];
    if (!o) return undefined;
    void rk; void t;
    return this.zip(l, r, (a, b) => this.alu(o, a, b));
  }

  // ---------------------------------------------------------------------------- calls

  call(e: A.CallExpr): Operand[] {
    if (e.callKind === 'constructor') return this.construct(e);
    if (e.callKind === 'user') {
      const fn = e.function!;
      const def = fn.definition?.body ? fn.definition
        : this.shader.functions.find((f) => f.signature === fn.signature && f.definition?.body)?.definition
        ?? this.shader.unit.declarations.find((d): d is A.FunctionDeclaration => d.kind === 'FunctionDeclaration' && !!d.body && d.symbol?.signature === fn.signature);
      if (!def?.body) {
        // legal to compile, an error to link (as GL has it)
        this.linkErrors.push(`Function \`${fn.signature}' is called but never defined.`);
        return Array.from({ length: flatSize(fn.returnType) }, () => fconst(0));
      }
      return this.callFunction(def, e.args, fn);
    }
    return this.builtin(e);
  }

  construct(e: A.CallExpr): Operand[] {
    const t = e.type!;
    const args = e.args.map((a) => this.eval(a));
    const flat = args.flat();
    if (this.v300 && (t.tag === 'scalar' || t.tag === 'vector' || t.tag === 'matrix')) {
      // each component converted from its own kind (GLSL ES 3.00 §5.4.1)
      const from = e.args.flatMap((a) => scalarKinds(a.type!));
      const to = kindOf(t);
      const cv = (k: number): Operand => this.convert(flat[k]!, from[k]!, to);
      if (t.tag === 'matrix') {
        const a0 = e.args[0]!.type!;
        const out: Operand[] = [];
        if (e.args.length === 1 && a0.tag === 'scalar') {
          const d = cv(0);
          for (let c = 0; c < t.cols; c++) for (let r = 0; r < t.rows; r++) out.push(c === r ? d : fconst(0));
          return out;
        }
        if (e.args.length === 1 && a0.tag === 'matrix') {
          for (let c = 0; c < t.cols; c++) for (let r = 0; r < t.rows; r++) out.push(c < a0.cols && r < a0.rows ? flat[c * a0.rows + r]! : fconst(c === r ? 1 : 0));
          return out;
        }
        return Array.from({ length: t.cols * t.rows }, (_, k) => cv(k));
      }
      const n = flatSize(t);
      if (flat.length === 1) { const x = cv(0); return Array.from({ length: n }, () => x); }
      return Array.from({ length: n }, (_, k) => cv(k));
    }
    const conv = (x: Operand): Operand => {
      const base = t.tag === 'scalar' || t.tag === 'vector' ? t.base : 'float';
      if (base === 'int') return this.alu('ftrunc', x);
      if (base === 'bool') return this.cmp('ne', x, fconst(0));
      return x;
    };
    if (t.tag === 'scalar' || t.tag === 'vector') {
      const n = flatSize(t);
      const srcBase = (a: A.Expr): string => { const at = a.type!; return at.tag === 'scalar' || at.tag === 'vector' ? at.base : 'float'; };
      const needConv = e.args.some((a) => srcBase(a) !== (t.base));
      const cv = needConv ? conv : (x: Operand) => x;
      if (flat.length === 1) return Array.from({ length: n }, () => cv(flat[0]!)).map((x, i, arr) => i === 0 ? x : arr[0]!);
      return flat.slice(0, n).map(cv);
    }
    if (t.tag === 'matrix') {
      const out: Operand[] = [];
      const a0 = e.args[0]!.type!;
      if (e.args.length === 1 && a0.tag === 'scalar') {
        for (let c = 0; c < t.cols; c++) for (let r = 0; r < t.rows; r++) out.push(c === r ? flat[0]! : fconst(0));
        return out;
      }
      if (e.args.length === 1 && a0.tag === 'matrix') {
        for (let c = 0; c < t.cols; c++) for (let r = 0; r < t.rows; r++) {
          out.push(c < a0.cols && r < a0.rows ? flat[c * a0.rows + r]! : fconst(c === r ? 1 : 0));
        }
        return out;
      }
      return flat.slice(0, t.cols * t.rows);
    }
    return flat; // structs and arrays: fields/elements in order
  }

  /** A call: arguments evaluated (and out/inout places taken) in order, then the function's results written back. */
  callFunction(def: A.FunctionDeclaration, args: A.Expr[], fn: A.FunctionSymbol): Operand[] {
    const index = this.lowerFunction(def, fn);
    const f = this.b.shader.functions![index]!;
    const syms = fn.paramSymbols ?? def.symbol?.paramSymbols ?? [];
    const retSize = fn.returnType.tag === 'void' ? 0 : flatSize(fn.returnType);
    const src: Operand[] = [];
    const writeback: { ref: Ref; at: number; n: number }[] = [];
    let at = retSize;
    syms.forEach((p, i) => {
      const a = args[i]!;
      if (isSamplerType(p.type)) {
        const base = this.samplerBase(a);
        for (let k = 0; k < flatSize(p.type); k++) src.push(k ? this.add(base, fconst(k)) : base);
        return;
      }
      if (containsSampler(p.type)) {
        // a struct holding samplers (an `in` argument, from a uniform or a parameter): its sampler
        // components pass their texture slots, as a sampler parameter does
        const r = this.ref(a);
        this.eval(a).forEach((v, j) => {
          const slot = r?.st.k === 'uni' && !r.dyn ? this.samplerSlots.get(r.st.base + r.off + j) : undefined;
          src.push(slot !== undefined ? fconst(slot) : v.k === 'v' ? this.alu('mov', v) : v);
        });
        return;
      }
      // (copied: a later argument may change the variable)
      if (p.storage !== 'out') src.push(...this.eval(a).map((v) => (v.k === 'v' ? this.alu('mov', v) : v)));
      if (p.storage === 'out' || p.storage === 'inout') {
        // the argument's index is the one before the call, even if the function changes its variable
        const ref = this.ref(a)!;
        const snap = (o: Operand | undefined): Operand | undefined => (o?.k === 'v' ? this.alu('mov', o) : o);
        const n = flatSize(p.type);
        writeback.push({ ref: { ...ref, dyn: snap(ref.dyn ?? undefined) ?? null, pick: snap(ref.pick) }, at, n });
        at += n;
      }
    });
    const dsts = this.newVar(f.results.length);
    this.b.emit({ op: 'call', dst: -1, src, dsts, idx: index });
    for (const w of writeback) this.writeRef(w.ref, dsts.slice(w.at, w.at + w.n).map(vreg));
    return dsts.slice(0, retSize).map(vreg);
  }

  /** Lowers a user function once, to an IR function; returns its index. */
  lowerFunction(def: A.FunctionDeclaration, fn: A.FunctionSymbol): number {
    const known = this.fnIndex.get(def);
    if (known !== undefined) {
      if (known < 0) throw new Error(`${fn.name} calls itself (recursion is not allowed)`);
      return known;
    }
    this.fnIndex.set(def, -1);
    const start = this.b.shader.nextV;
    const saved = { loops: this.loops, fns: this.fns };
    this.loops = [];
    this.fns = [];
    this.inFunction++;
    const body: Node[] = [];
    const params: number[] = [], outs: number[] = [];
    let ret: number[] | null = null;
    this.b.into(body, () => {
      for (const p of fn.paramSymbols ?? def.symbol?.paramSymbols ?? []) {
        this.localSyms.add(p);
        const regs = this.newVar(flatSize(p.type));
        this.storage.set(p, { k: 'regs', regs });
        if (isSamplerType(p.type) || p.storage !== 'out') params.push(...regs);
        if (!isSamplerType(p.type) && (p.storage === 'out' || p.storage === 'inout')) outs.push(...regs);
      }
      ret = this.lowerBody(def, fn);
    });
    this.inFunction--;
    this.loops = saved.loops;
    this.fns = saved.fns;
    const locals: number[] = [];
    for (let v = start; v < this.b.shader.nextV; v++) if (!this.globalRegs.has(v)) locals.push(v);
    const fns = (this.b.shader.functions ??= []);
    fns.push({ name: fn.signature, params, results: [...(ret ?? []), ...outs], locals, body });
    this.fnIndex.set(def, fns.length - 1);
    return fns.length - 1;
  }

  /** Lowers a function's statements where the builder is; returns the registers of its return value. */
  lowerBody(def: A.FunctionDeclaration, fn: A.FunctionSymbol | null): number[] | null {
    if (this.b.shader.nextV > MAX_VALUES) throw new Error(`program too large (more than ${MAX_VALUES} values)`);
    const stmts = def.body!.body;
    const earlyReturn = stmts.some((s, i) => stmtContains(s, ['Return'], true) && !(i === stmts.length - 1 && s.kind === 'Return'));
    const rt = def.symbol?.returnType ?? fn?.returnType;
    const ctx: FnCtx = { ret: rt && rt.tag !== 'void' ? this.newVar(flatSize(rt)) : null, wrapped: earlyReturn, loopDepth: this.loops.length, retFlag: null };
    this.fns.push(ctx);
    if (earlyReturn) {
      ctx.retFlag = this.b.newReg();
      this.b.movTo(ctx.retFlag, fconst(0));
      this.loops.push({ wrapFlag: null });
      this.b.loop(() => {
        this.stmts(stmts);
        this.b.emit({ op: 'break', dst: -1, src: [fconst(1)] });
      });
      this.loops.pop();
    } else {
      this.stmts(stmts);
    }
    this.fns.pop();
    return ctx.ret;
  }

  // ---------------------------------------------------------------------------- statements

  stmts(list: A.Statement[]): void { for (const s of list) this.stmt(s); }

  stmt(s: A.Statement): void {
    if (this.b.shader.nextV > MAX_VALUES) throw new Error(`program too large (more than ${MAX_VALUES} values)`);
    switch (s.kind) {
      case 'Block': this.stmts(s.body); return;
      case 'Declaration': if (s.declaration.kind === 'VarDeclaration') this.declare(s.declaration); return;
      case 'ExpressionStatement': this.eval(s.expression); return;
      case 'Empty': return;
      case 'If': {
        const c = this.eval(s.condition)[0]!;
        if (c.k === 'c') {
          // a constant condition (GLSL 1.20 folds built-in calls) lowers only the branch taken: the
          // other is not part of the program, and calls in it need no definition at link time
          if (c.f !== 0) this.stmt(s.then);
          else if (s.else) this.stmt(s.else);
          return;
        }
        this.b.ifThen(c, () => this.stmt(s.then), s.else ? () => this.stmt(s.else!) : undefined);
        return;
      }
      case 'Discard':
        this.flags.usesDiscard = true;
        this.b.emit({ op: 'discard', dst: -1, src: [fconst(1)] });
        return;
      case 'Return': {
        const ctx = this.fns[this.fns.length - 1]!;
        if (s.value && ctx.ret) this.eval(s.value).forEach((v, i) => this.b.movTo(ctx.ret![i]!, v));
        if (ctx.wrapped) {
          if (this.loops.length - 1 > ctx.loopDepth) this.b.movTo(ctx.retFlag!, fconst(1));
          // leave every loop up to the function's own one-trip loop
          const lc = this.loops[this.loops.length - 1]!;
          if (lc.wrapFlag !== null) this.b.movTo(lc.wrapFlag, fconst(0));
          this.b.emit({ op: 'break', dst: -1, src: [fconst(1)] });
        }
        return;
      }
      case 'Break': {
        const lc = this.loops[this.loops.length - 1]!;
        if (lc.wrapFlag !== null) this.b.movTo(lc.wrapFlag, fconst(1));
        this.b.emit({ op: 'break', dst: -1, src: [fconst(1)] });
        return;
      }
      case 'Continue': this.emitContinue(fconst(1)); return;
      case 'For': case 'While': case 'DoWhile': this.loopStmt(s); return;
      case 'Switch': this.switchStmt(s); return;
      case 'Case': throw new Error('case label outside a switch');
    }
  }

  /** lanes with `c` set continue the innermost loop (through the one-trip loops of switches and for-updates) */
  emitContinue(c: Operand): void {
    const lc = this.loops[this.loops.length - 1]!;
    if (lc.switchCont !== undefined) {
      // leave the switch; after it, the enclosing loop continues for these lanes
      this.b.movTo(lc.switchCont, this.alu('fmax', vreg(lc.switchCont), c));
      this.b.emit({ op: 'break', dst: -1, src: [c] });
      return;
    }
    this.b.emit({ op: lc.wrapFlag !== null ? 'break' : 'continue', dst: -1, src: [c] });
  }

  /**
   * switch (GLSL ES 3.00 §6.2): a one-trip loop. `taken` records that an earlier label group ran
   * and fell through, or that this group's label matches; `default` matches when no case label
   * does. `break` leaves the loop; `continue` and `return` leave it with a flag and go on after.
   */
  switchStmt(s: A.SwitchStatement): void {
    const sel = this.eval(s.selector)[0]!;
    const u = kindOf(s.selector.type) === 'uint';
    const values = s.body.filter((x): x is A.CaseLabel => x.kind === 'Case' && !!x.value).map((x) => x.value!.constValue!.data[0]!);
    const eq = (v: number): Operand => (this.v300 ? this.b.alu(u ? 'ucmp' : 'icmp', [sel, this.iconst(v)], 'eq') : this.cmp('eq', sel, fconst(v)));
    const fn = this.fns[this.fns.length - 1]!;
    const hasReturn = s.body.some((x) => stmtContains(x, ['Return'], true));
    const cont = this.b.newReg();
    this.b.movTo(cont, fconst(0));
    const taken = this.b.newReg();
    this.b.movTo(taken, fconst(0));
    this.loops.push({ wrapFlag: null, switchCont: cont });
    this.b.loop(() => {
      for (let k = 0; k < s.body.length;) {
        // a group: consecutive labels, then the statements up to the next label
        let match: Operand = vreg(taken);
        for (; k < s.body.length && s.body[k]!.kind === 'Case'; k++) {
          const lab = s.body[k] as A.CaseLabel;
          const m = lab.value ? eq(lab.value.constValue!.data[0]!) : values.reduce<Operand>((acc, v) => this.mul(acc, this.not(eq(v))), fconst(1));
          match = this.alu('fmax', match, m);
        }
        this.b.movTo(taken, match);
        const stmts: A.Statement[] = [];
        for (; k < s.body.length && s.body[k]!.kind !== 'Case'; k++) stmts.push(s.body[k]!);
        if (stmts.length) this.b.ifThen(vreg(taken), () => this.stmts(stmts));
      }
      this.b.emit({ op: 'break', dst: -1, src: [fconst(1)] });
    });
    this.loops.pop();
    if (hasReturn && fn.retFlag !== null) this.b.emit({ op: 'break', dst: -1, src: [vreg(fn.retFlag)] });
    if (stmtContains({ kind: 'Block', body: s.body, loc: s.loc }, ['Continue'], false) && this.loops.length) this.emitContinue(vreg(cont));
  }

  loopStmt(s: A.ForStatement | A.WhileStatement | A.DoWhileStatement): void {
    if (s.kind === 'For' && s.init) this.stmt(s.init);
    const update = s.kind === 'For' ? s.update : undefined;
    const needWrap = (!!update || s.kind === 'DoWhile') && stmtContains(s.body, ['Continue'], false);
    const hasReturn = stmtContains(s.body, ['Return'], true);
    const fn = this.fns[this.fns.length - 1]!;
    const cond = (): void => {
      if (s.kind === 'For' && s.conditionDecl) this.declare(s.conditionDecl);
      if (!s.condition) return;
      const c = this.eval(s.condition)[0]!;
      this.b.emit({ op: 'break', dst: -1, src: [this.not(c)] });
    };
    const unwindReturn = (): void => {
      if (hasReturn && fn.retFlag !== null) this.b.emit({ op: 'break', dst: -1, src: [vreg(fn.retFlag)] });
    };
    this.b.loop(() => {
      if (s.kind !== 'DoWhile') cond();
      if (needWrap) {
        const flag = this.b.newReg();
        this.b.movTo(flag, fconst(0));
        this.loops.push({ wrapFlag: flag });
        this.b.loop(() => {
          this.stmt(s.body);
          this.b.emit({ op: 'break', dst: -1, src: [fconst(1)] });
        });
        this.loops.pop();
        this.b.emit({ op: 'break', dst: -1, src: [vreg(flag)] });
        unwindReturn();
      } else {
        this.loops.push({ wrapFlag: null });
        this.stmt(s.body);
        this.loops.pop();
      }
      if (s.kind === 'DoWhile') cond();
      if (update) this.eval(update);
    });
    unwindReturn();
  }

  // ---------------------------------------------------------------------------- built-ins

  /**
   * The texture slot of a sampler expression. An element of a sampler
   * array indexed by a loop index (a constant-index-expression) is a slot
   * plus that index: a `tex` with a sampler index, which unrolling and
   * constant folding turn into a constant before code generation.
   */
  samplerSlot(e: A.Expr): { slot: number; cube: boolean; dim: number; int: boolean; index?: Operand; count?: number } {
    const r = this.ref(e);
    const full = e.type!.tag === 'sampler' ? e.type!.kind : 'sampler2D';
    // isampler*/usampler*: the texels come back as integers (the tex instruction's int return)
    const int = full.startsWith('isampler') || full.startsWith('usampler');
    const kind = int ? full.slice(1) : full;
    const cube = kind === 'samplerCube' || kind === 'samplerCubeShadow';
    // the tex instruction's dim (hwdesc/isa.ts TEX_INSTR_DIM)
    const dim = cube ? 1 : kind === 'sampler3D' ? 2 : kind === 'sampler2DArray' || kind === 'sampler2DArrayShadow' ? 3 : 0;
    // a sampler parameter: its value is the slot (checked against the textures once folded)
    if (r?.st.k === 'regs') return { slot: 0, cube, dim, int, index: this.samplerBase(e) };
    if (!r || r.st.k !== 'uni') throw new Error('sampler must be a uniform indexed by a constant');
    const slot = this.samplerSlots.get(r.st.base + r.off);
    if (slot === undefined) throw new Error('not a sampler');
    if (!r.dyn) return { slot, cube, dim, int };
    // arrays of samplers (also through a sampler parameter): element k is word w0 + k and slot + k
    const w0 = r.st.base + r.off;
    let count = 0;
    while (this.samplerSlots.get(w0 + count) === slot + count) count++;
    return { slot, cube, dim, int, index: r.dyn, count };
  }

  /** The texture slot of a sampler (or of element 0 of a sampler array) as a value. */
  samplerBase(e: A.Expr): Operand {
    const r = this.ref(e);
    if (r?.st.k === 'regs') {
      // a sampler parameter holds slots (element k of an array is slot + k); so does the sampler
      // component of a struct parameter
      const v: Operand = vreg(r.st.regs[r.off]!);
      return r.dyn ? this.add(v, r.dyn) : v;
    }
    if (!r || r.st.k !== 'uni') throw new Error('sampler must be a uniform indexed by a constant');
    const slot = this.samplerSlots.get(r.st.base + r.off);
    if (slot === undefined) throw new Error('not a sampler');
    return r.dyn ? this.add(fconst(slot), r.dyn) : fconst(slot);
  }

  tex(smp: { slot: number; cube: boolean; dim: number; int?: boolean; index?: Operand; count?: number }, coords: Operand[], mode: number, lod?: Operand, grads?: Operand[], ref?: Operand, offset = 0): Operand[] {
    const dsts = this.newVar(4);
    const src = [...coords];
    if (ref) src.push(ref);
    // bias, lod, and the fetch/size modes' level
    if (mode === 1 || mode === 2 || mode === TEX_MODE_FETCH || mode === TEX_MODE_SIZE) src.push(lod!);
    if (mode === 3) src.push(...grads!);
    const ins: Omit<Instr, 'kind'> = { op: 'tex', dst: -1, dsts, src, idx: smp.slot, dim: smp.dim, mode };
    if (ref) ins.shadow = true;
    if (offset) ins.texOffset = offset;
    // an integer sampler's lookups return integers (a size query is integers anyway)
    if (smp.int && mode !== TEX_MODE_SIZE) ins.texInt = true;
    if (smp.index) { src.push(smp.index); ins.samplerIndex = true; if (smp.count !== undefined) ins.samplers = smp.count; }
    this.b.emit(ins);
    return dsts.map(vreg);
  }

  /** An *Offset built-in's constant texel offset, packed as the tex instruction's offset operand (hwdesc/isa.ts TEX_OFFSET_BITS); 0 without one. */
  texelOffset(e: A.CallExpr): number {
    const o = e.builtin!;
    if (!isTexelOffsetBuiltin(o.name)) return 0;
    const d = e.args[texelOffsetArg(o)]!.constValue!.data;
    return d.reduce((p, v, i) => p | ((v & ((1 << TEX_OFFSET_BITS) - 1)) << (i * TEX_OFFSET_BITS)), 0);
  }

  builtin(e: A.CallExpr): Operand[] {
    const name = e.builtin!.name;
    const A_ = (i: number): Operand[] => this.eval(e.args[i]!);
    const isFrag = this.shader.stage === 'fragment';
    // the texture unit's integer modes: texel fetch (no filter, no wrap) and size query
    if (name === 'texelFetch' || name === 'texelFetchOffset') return this.tex(this.samplerSlot(e.args[0]!), A_(1), TEX_MODE_FETCH, A_(2)[0]!, undefined, undefined, this.texelOffset(e));
    if (name === 'textureSize') {
      const rt = e.builtin!.returnType;
      return this.tex(this.samplerSlot(e.args[0]!), [], TEX_MODE_SIZE, A_(1)[0]!).slice(0, rt.tag === 'vector' ? rt.size : 1);
    }
    if (this.v300 && !name.startsWith('texture')) {
      const r = this.builtin300(e);
      if (r) return r;
    }
    if (name.startsWith('texture') || name.startsWith('shadow')) {
      const smp = this.samplerSlot(e.args[0]!);
      const cube = smp.cube;
      let c = A_(1);
      const proj = name.includes('Proj');
      // shadow1D/2D: the reference is the third component (r), divided by q too for Proj (ARB_shadow);
      // ES 3.00 texture() on a shadow sampler: the component after the coordinates (its result is a float)
      const st = e.args[0]!.type!;
      const shadow = name.startsWith('shadow') || (st.tag === 'sampler' && /Shadow$/.test(st.kind));
      const nc = TEX_DIM_COORDS[smp.dim]!;
      if (proj) { const q = c[c.length - 1]!; const rq = this.alu('frcp', q); c = c.slice(0, nc + (shadow ? 1 : 0)).map((x) => this.mul(x, rq)); }
      const ref = shadow ? c[nc] : undefined;
      if (this.v300 && shadow) {
        const r = this.texLookup(e, smp, cube, c, ref, isFrag, name);
        return r.slice(0, 1);
      }
      return this.texLookup(e, smp, cube, c, ref, isFrag, name);
    }
    return this.builtinCommon(e, name);
  }

  /** natural exponential and logarithm from the ISA's base-2 ones */
  exp(x: Operand): Operand { return this.alu('fexp2', this.mul(x, fconst(Math.LOG2E))); }
  log(x: Operand): Operand { return this.mul(this.alu('flog2', x), fconst(Math.LN2)); }

  /** determinant of the n x n matrix whose element (row r, column c) is m(r, c), by cofactor expansion along the first row */
  det(m: (r: number, c: number) => Operand, rows: number[], cols: number[]): Operand {
    if (rows.length === 1) return m(rows[0]!, cols[0]!);
    if (rows.length === 2) return this.sub(this.mul(m(rows[0]!, cols[0]!), m(rows[1]!, cols[1]!)), this.mul(m(rows[0]!, cols[1]!), m(rows[1]!, cols[0]!)));
    let acc: Operand | null = null;
    cols.forEach((c, j) => {
      const minor = this.det(m, rows.slice(1), cols.filter((x) => x !== c));
      const term = this.mul(m(rows[0]!, c), minor);
      acc = acc === null ? term : j % 2 ? this.sub(acc, term) : this.add(acc, term);
    });
    return acc!;
  }

  /**
   * The GLSL ES 3.00 built-ins that need integers or are new (§8): undefined for a call the
   * ES 1.00 path lowers (float overloads of min, max, abs...).
   */
  builtin300(e: A.CallExpr): Operand[] | undefined {
    const name = e.builtin!.name;
    const A_ = (i: number): Operand[] => this.eval(e.args[i]!);
    const k0 = kindOf(e.args[0]?.type);
    const int = this.isInt(k0), u = k0 === 'uint';
    const bcast = (v: Operand[], i: number): Operand => v[v.length === 1 ? 0 : i]!;
    const un = (f: (x: Operand) => Operand): Operand[] => A_(0).map(f);
    const cmpOp = u ? 'ucmp' : 'icmp';
    const REL: Record<string, Cond> = { lessThan: 'lt', lessThanEqual: 'le', greaterThan: 'gt', greaterThanEqual: 'ge', equal: 'eq', notEqual: 'ne' };
    if (REL[name] && int) { const b = A_(1); return A_(0).map((x, i) => this.b.alu(cmpOp, [x, b[i]!], REL[name]!)); }
    if (int) {
      const mn: AluOp = u ? 'umin' : 'imin', mx: AluOp = u ? 'umax' : 'imax';
      switch (name) {
        case 'abs': return un((x) => this.alu('imax', x, this.alu('isub', fconst(0), x)));
        case 'sign': return un((x) => this.alu('imin', this.alu('imax', x, this.iconst(-1)), this.iconst(1)));
        case 'min': case 'max': { const b = A_(1); return A_(0).map((x, i) => this.alu(name === 'min' ? mn : mx, x, bcast(b, i))); }
        case 'clamp': {
          const lo = A_(1), hi = A_(2);
          return A_(0).map((x, i) => this.alu(mn, this.alu(mx, x, bcast(lo, i)), bcast(hi, i)));
        }
      }
    }
    switch (name) {
      case 'trunc': return un((x) => this.alu('ftrunc', x));
      // round: halves may go either way (§8.3); the hardware rounds them to even
      case 'round': case 'roundEven': return un((x) => this.alu('fround', x));
      case 'sinh': return un((x) => this.mul(this.sub(this.exp(x), this.exp(this.alu('fneg', x))), fconst(0.5)));
      case 'cosh': return un((x) => this.mul(this.add(this.exp(x), this.exp(this.alu('fneg', x))), fconst(0.5)));
      case 'tanh': return un((x) => {
        // sign(x) (1 - 2 / (e^2|x| + 1)): no inf/inf for large |x|
        const t = this.exp(this.mul(this.alu('fabs', x), fconst(2)));
        return this.mul(this.alu('fsign', x), this.sub(fconst(1), this.div(fconst(2), this.add(t, fconst(1)))));
      });
      case 'asinh': return un((x) => {
        const a = this.alu('fabs', x);
        return this.mul(this.alu('fsign', x), this.log(this.add(a, this.alu('fsqrt', this.alu('ffma', x, x, fconst(1))))));
      });
      case 'acosh': return un((x) => this.log(this.add(x, this.alu('fsqrt', this.alu('ffma', x, x, fconst(-1))))));
      case 'atanh': return un((x) => this.mul(this.log(this.div(this.add(fconst(1), x), this.sub(fconst(1), x))), fconst(0.5)));
      case 'modf': {
        const x = A_(0);
        const ip = x.map((v) => this.alu('ftrunc', v));
        this.writeRef(this.ref(e.args[1]!)!, ip);
        return x.map((v, i) => this.sub(v, ip[i]!));
      }
      case 'isnan': return un((x) => this.cmp('ne', x, x));
      case 'isinf': return un((x) => this.cmp('eq', this.alu('fabs', x), fconst(Infinity)));
      case 'mix':
        if (kindOf(e.args[2]!.type) !== 'bool') return undefined;
        { const x = A_(0), y = A_(1), a = A_(2); return x.map((xi, i) => this.sel(a[i]!, y[i]!, xi)); }
      // the bits stay; only their type changes
      case 'floatBitsToInt': case 'floatBitsToUint': case 'intBitsToFloat': case 'uintBitsToFloat': return A_(0);
      case 'packHalf2x16': { const [x, y] = A_(0); return [this.alu('ior', this.alu('f2h', x!), this.alu('ishl', this.alu('f2h', y!), this.iconst(16)))]; }
      case 'unpackHalf2x16': { const [v] = A_(0); return [this.alu('h2f', v!), this.alu('h2f', this.alu('ushr', v!, this.iconst(16)))]; }
      case 'packUnorm2x16': {
        // round(clamp(c, 0, 1) * 65535) in each half (§8.4)
        const h = A_(0).map((c) => this.alu('f2u', this.alu('fround', this.mul(this.alu('fsat', c), fconst(65535)))));
        return [this.alu('ior', h[0]!, this.alu('ishl', h[1]!, this.iconst(16)))];
      }
      case 'packSnorm2x16': {
        // round(clamp(c, -1, 1) * 32767) as 16-bit two's complement in each half
        const h = A_(0).map((c) => this.alu('f2i', this.alu('fround', this.mul(this.alu('fmin', this.alu('fmax', c, fconst(-1)), fconst(1)), fconst(32767)))));
        return [this.alu('ior', this.alu('iand', h[0]!, this.iconst(0xffff)), this.alu('ishl', h[1]!, this.iconst(16)))];
      }
      case 'unpackUnorm2x16': {
        const [v] = A_(0);
        return [this.alu('iand', v!, this.iconst(0xffff)), this.alu('ushr', v!, this.iconst(16))].map((h) => this.div(this.alu('u2f', h), fconst(65535)));
      }
      case 'unpackSnorm2x16': {
        // clamp(f / 32767, -1, 1) of each sign-extended half
        const [v] = A_(0);
        return [this.alu('ishr', this.alu('ishl', v!, this.iconst(16)), this.iconst(16)), this.alu('ishr', v!, this.iconst(16))]
          .map((h) => this.alu('fmin', this.alu('fmax', this.div(this.alu('i2f', h), fconst(32767)), fconst(-1)), fconst(1)));
      }
      case 'determinant': {
        const m = A_(0), t = e.args[0]!.type!;
        if (t.tag !== 'matrix') throw new Error('determinant');
        const n = t.cols, idx = [...Array(n).keys()];
        return [this.det((r, c) => m[c * n + r]!, idx, idx)];
      }
      case 'inverse': {
        // the adjugate over the determinant: inverse(r, c) = cofactor(c, r) / det
        const m = A_(0), t = e.args[0]!.type!;
        if (t.tag !== 'matrix') throw new Error('inverse');
        const n = t.cols, idx = [...Array(n).keys()];
        const at = (r: number, c: number): Operand => m[c * n + r]!;
        const rdet = this.alu('frcp', this.det(at, idx, idx));
        const out: Operand[] = [];
        for (let c = 0; c < n; c++) for (let r = 0; r < n; r++) {
          const minor = this.det(at, idx.filter((x) => x !== c), idx.filter((x) => x !== r));
          const cof = (r + c) % 2 ? this.alu('fneg', minor) : minor;
          out.push(this.mul(cof, rdet));
        }
        return out;
      }
    }
    return undefined;
  }

  /** the coordinates, lod/bias or gradients of a texture built-in, and the `tex` it becomes */
  texLookup(e: A.CallExpr, smp: ReturnType<Lowering['samplerSlot']>, cube: boolean, c: Operand[], ref: Operand | undefined, isFrag: boolean, name: string): Operand[] {
    const A_ = (i: number): Operand[] => this.eval(e.args[i]!);
    {
      // 1D textures are height-1 2D textures: t = 0 reads the only row
      if (name.startsWith('texture1D') || name.startsWith('shadow1D')) c = [c[0]!, fconst(0)];
      const coords = c.slice(0, TEX_DIM_COORDS[smp.dim]);
      // the arguments after the coordinates, without an *Offset form's offset (a bias may follow it)
      const off = this.texelOffset(e), offArg = off || isTexelOffsetBuiltin(name) ? texelOffsetArg(e.builtin!) : -1;
      const rest = e.args.map((_, i) => i).filter((i) => i >= 2 && i !== offArg);
      if (name.includes('Grad')) {
        const dx = A_(rest[0]!), dy = A_(rest[1]!);
        return this.tex(smp, coords, 3, undefined, [dx[0]!, dx[1]!, dy[0]!, dy[1]!], ref, off);
      }
      if (name.includes('Lod')) return this.tex(smp, coords, 2, A_(rest[0]!)[0]!, undefined, ref, off);
      if (rest.length === 1) return this.tex(smp, coords, isFrag ? 1 : 2, A_(rest[0]!)[0]!, undefined, ref, off);
      return isFrag ? this.tex(smp, coords, 0, undefined, undefined, ref, off) : this.tex(smp, coords, 2, fconst(0), undefined, ref, off);
    }
  }

  /** the rest of builtin(): the functions GLSL ES 1.00 has (on floats) */
  builtinCommon(e: A.CallExpr, name: string): Operand[] {
    const A_ = (i: number): Operand[] => this.eval(e.args[i]!);
    const each = (f: (x: Operand) => Operand): Operand[] => A_(0).map(f);
    const un = (op: Parameters<Builder['alu']>[0]): Operand[] => each((x) => this.alu(op, x));
    const bin = (f: (x: Operand, y: Operand) => Operand): Operand[] => this.zip(A_(0), A_(1), f);
    switch (name) {
      case 'radians': return each((x) => this.mul(x, fconst(Math.PI / 180)));
      case 'degrees': return each((x) => this.mul(x, fconst(180 / Math.PI)));
      case 'sin': return un('fsin');
      case 'cos': return un('fcos');
      case 'tan': return un('ftan');
      case 'asin': return un('fasin');
      case 'acos': return un('facos');
      case 'atan': return e.args.length === 2 ? bin((y, x) => this.alu('fatan2', y, x)) : un('fatan');
      case 'pow': return bin((x, y) => this.alu('fpow', x, y));
      case 'exp': return each((x) => this.alu('fexp2', this.mul(x, fconst(Math.LOG2E))));
      case 'log': return each((x) => this.mul(this.alu('flog2', x), fconst(Math.LN2)));
      case 'exp2': return un('fexp2');
      case 'log2': return un('flog2');
      case 'sqrt': return un('fsqrt');
      case 'inversesqrt': return un('frsq');
      case 'abs': return un('fabs');
      case 'sign': return un('fsign');
      case 'floor': return un('ffloor');
      case 'ceil': return un('fceil');
      case 'fract': return un('ffract');
      case 'mod': return bin((x, y) => this.alu('fmod', x, y));
      case 'min': return bin((x, y) => this.alu('fmin', x, y));
      case 'max': return bin((x, y) => this.alu('fmax', x, y));
      case 'clamp': {
        const lo = A_(1), hi = A_(2);
        return A_(0).map((x, i) => this.alu('fmin', this.alu('fmax', x, lo[lo.length === 1 ? 0 : i]!), hi[hi.length === 1 ? 0 : i]!));
      }
      case 'mix': {
        const x = A_(0), y = A_(1), a = A_(2);
        return x.map((xi, i) => this.alu('ffma', this.sub(y[i]!, xi), a[a.length === 1 ? 0 : i]!, xi));
      }
      case 'step': {
        const ed = A_(0), x = A_(1);
        return x.map((xi, i) => this.cmp('ge', xi, ed[ed.length === 1 ? 0 : i]!));
      }
      case 'smoothstep': {
        const e0 = A_(0), e1 = A_(1), x = A_(2);
        return x.map((xi, i) => {
          const a = e0[e0.length === 1 ? 0 : i]!, b = e1[e1.length === 1 ? 0 : i]!;
          const t = this.alu('fsat', this.div(this.sub(xi, a), this.sub(b, a)));
          return this.mul(this.mul(t, t), this.alu('ffma', t, fconst(-2), fconst(3)));
        });
      }
      case 'length': { const v = A_(0); return [v.length === 1 ? this.alu('fabs', v[0]!) : this.alu('fsqrt', this.dot(v, v))]; }
      case 'distance': {
        const d = this.zip(A_(0), A_(1), (a, b) => this.sub(a, b));
        return [d.length === 1 ? this.alu('fabs', d[0]!) : this.alu('fsqrt', this.dot(d, d))];
      }
      case 'dot': return [this.dot(A_(0), A_(1))];
      case 'cross': {
        const a = A_(0), b = A_(1);
        const c = (i: number, j: number): Operand => this.alu('ffma', a[i]!, b[j]!, this.alu('fneg', this.mul(a[j]!, b[i]!)));
        return [c(1, 2), c(2, 0), c(0, 1)];
      }
      case 'normalize': {
        const v = A_(0);
        if (v.length === 1) return [this.alu('fsign', v[0]!)];
        const r = this.alu('frsq', this.dot(v, v));
        return v.map((x) => this.mul(x, r));
      }
      case 'faceforward': {
        const n = A_(0), i = A_(1), nr = A_(2);
        const neg = this.cmp('lt', this.dot(nr, i), fconst(0));
        return n.map((x) => this.sel(neg, x, this.alu('fneg', x)));
      }
      case 'reflect': {
        const i = A_(0), n = A_(1);
        const d2 = this.mul(this.dot(n, i), fconst(2));
        return i.map((x, k) => this.sub(x, this.mul(d2, n[k]!)));
      }
      case 'refract': {
        const i = A_(0), n = A_(1), eta = A_(2)[0]!;
        const d = this.dot(n, i);
        const k = this.sub(fconst(1), this.mul(this.mul(eta, eta), this.sub(fconst(1), this.mul(d, d))));
        const tir = this.cmp('lt', k, fconst(0));
        const f = this.alu('ffma', eta, d, this.alu('fsqrt', this.alu('fmax', k, fconst(0))));
        return i.map((x, j) => this.sel(tir, fconst(0), this.sub(this.mul(eta, x), this.mul(f, n[j]!))));
      }
      case 'matrixCompMult': return bin((x, y) => this.mul(x, y));
      case 'transpose': {
        const m = A_(0), t = e.args[0]!.type!;
        if (t.tag !== 'matrix') throw new Error('transpose');
        const out: Operand[] = [];
        for (let c = 0; c < t.rows; c++) for (let r = 0; r < t.cols; r++) out.push(m[r * t.rows + c]!);
        return out;
      }
      case 'outerProduct': {
        const c = A_(0), r = A_(1);
        const out: Operand[] = [];
        for (let j = 0; j < r.length; j++) for (let i = 0; i < c.length; i++) out.push(this.mul(c[i]!, r[j]!));
        return out;
      }
      case 'lessThan': return bin((x, y) => this.cmp('lt', x, y));
      case 'lessThanEqual': return bin((x, y) => this.cmp('le', x, y));
      case 'greaterThan': return bin((x, y) => this.cmp('gt', x, y));
      case 'greaterThanEqual': return bin((x, y) => this.cmp('ge', x, y));
      case 'equal': return bin((x, y) => this.cmp('eq', x, y));
      case 'notEqual': return bin((x, y) => this.cmp('ne', x, y));
      case 'any': return [A_(0).reduce((a, b) => this.alu('fmax', a, b))];
      case 'all': return [A_(0).reduce((a, b) => this.alu('fmin', a, b))];
      case 'not': return each((x) => this.not(x));
      case 'dFdx': this.flags.usesDerivatives = true; return un('fddx');
      case 'dFdy': this.flags.usesDerivatives = true; return un('fddy');
      case 'fwidth':
        this.flags.usesDerivatives = true;
        return each((x) => this.add(this.alu('fabs', this.alu('fddx', x)), this.alu('fabs', this.alu('fddy', x))));
      case 'ftransform': {
        const find = (n: string): A.VariableSymbol | undefined => this.shader.builtinsUsed.find((s) => s.name === n);
        const mvp = find('gl_ModelViewProjectionMatrix'), vtx = find('gl_Vertex');
        if (!mvp || !vtx) throw new Error('ftransform needs gl_ModelViewProjectionMatrix and gl_Vertex');
        const m = this.readRef({ st: this.storageOf(mvp), off: 0, dyn: null, type: mvp.type });
        const v = this.readRef({ st: this.storageOf(vtx), off: 0, dyn: null, type: vtx.type });
        return Array.from({ length: 4 }, (_, i) => this.dot([0, 1, 2, 3].map((k) => m[k * 4 + i]!), v));
      }
      case 'noise1': case 'noise2': case 'noise3': case 'noise4':
        return Array.from({ length: flatSize(e.type!) }, () => fconst(0));
      default: throw new Error(`built-in ${e.builtin!.id} (${typeToString(e.type!)}) is not implemented`);
    }
  }
}
