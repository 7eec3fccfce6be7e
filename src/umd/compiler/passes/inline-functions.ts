/**
 * Function inlining (register form, before SSA construction): every `call`
 * becomes a copy of the function's body with its locals renamed to fresh
 * registers, preceded by copies of the arguments into its parameters and
 * followed by copies of its results (return value, then out/inout
 * parameters) into the call's destinations. Globals keep their registers:
 * a function writes the shader's variables and outputs directly. A local
 * the function reads without ever writing (an out parameter it never sets,
 * an uninitialised variable) starts at 0.0 in each copy, as variables do in
 * the lowering. Calls inside copies are expanded in the next round; the
 * lowering rejects recursion, and the depth here is bounded anyway.
 * Register arrays a function declares are shared by its copies: calls never
 * overlap in time (no recursion), and each declaration reinitialises them.
 */
import { fconst, forEachInstr, forEachOperand, vreg, type Instr, type IrFunction, type IrShader, type Node, type Operand } from '../ir/ir.js';

const MAX_DEPTH = 64;
const MAX_VALUES = 200_000;

const mov = (dst: number, src: Operand): Instr => ({ kind: 'instr', op: 'mov', dst, src: [src] });

/** locals the body reads (or hands back as results) but never writes */
function unwritten(f: IrFunction): number[] {
  const written = new Set<number>(f.params);
  forEachInstr(f.body, (i) => {
    if (i.dst >= 0) written.add(i.dst);
    i.dsts?.forEach((d) => written.add(d));
  });
  const local = new Set(f.locals);
  const read = new Set<number>(f.results);
  forEachOperand(f.body, (o) => { if (o.k === 'v') read.add(o.v); });
  return [...read].filter((v) => local.has(v) && !written.has(v)).sort((a, b) => a - b);
}

export function inlineFunctions(s: IrShader): boolean {
  const fns = s.functions ?? [];
  if (!fns.length) return false;
  const zero = fns.map(unwritten);
  const expand = (call: Instr): Node[] => {
    const f = fns[call.idx!]!;
    if (s.nextV > MAX_VALUES) throw new Error(`program too large after inlining (more than ${MAX_VALUES} values)`);
    const rn = new Map<number, number>();
    for (const l of f.locals) rn.set(l, s.nextV++);
    const r = (v: number): number => rn.get(v) ?? v;
    const op = (o: Operand): Operand => (o.k === 'v' ? vreg(r(o.v)) : o);
    const copy = (list: Node[]): Node[] => list.map((n): Node => {
      if (n.kind === 'if') return { kind: 'if', cond: op(n.cond), then: copy(n.then), else: copy(n.else) };
      if (n.kind === 'loop') return { kind: 'loop', body: copy(n.body) };
      const c: Instr = { ...n, src: n.src.map(op), dst: n.dst >= 0 ? r(n.dst) : n.dst };
      if (n.dsts) c.dsts = n.dsts.map(r);
      return c;
    });
    return [
      ...f.params.map((p, k) => mov(r(p), call.src[k]!)),
      ...zero[call.idx!]!.map((v) => mov(r(v), fconst(0))),
      ...copy(f.body),
      ...f.results.map((x, k) => mov(call.dsts![k]!, vreg(r(x)))),
    ];
  };
  const round = (list: Node[]): boolean => {
    let any = false;
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'if') { any = round(n.then) || any; any = round(n.else) || any; continue; }
      if (n.kind === 'loop') { any = round(n.body) || any; continue; }
      if (n.op !== 'call') continue;
      const body = expand(n);
      list.splice(k, 1, ...body);
      k += body.length - 1;
      any = true;
    }
    return any;
  };
  for (let depth = 0; round(s.body); depth++) {
    if (depth >= MAX_DEPTH) throw new Error('function calls nested too deeply (recursion is not allowed)');
  }
  delete s.functions;
  return true;
}
