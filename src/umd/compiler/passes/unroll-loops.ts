/**
 * Loop unrolling (SSA form). A loop is unrolled when its trip count is a
 * small constant: it has no `continue` and exactly one `break`, at the top
 * level of its body, whose condition is computed by pure ALU operations
 * from constants and header phis that start from constants and evolve by
 * pure ALU operations (an induction variable: `for (int i = 0; i < 4; i++)`,
 * and the GLSL ES Appendix A loops in general). The pass runs the header
 * values forward exactly as the shader core would (f32 arithmetic) to find
 * the iteration whose test leaves; the body is then copied once per full
 * iteration with the header phis replaced by the previous copy's values,
 * followed by the part before the `break` of the last, leaving iteration,
 * and the exit phis become copies of that iteration's values. Constant
 * folding then turns the induction variable into constants in each copy,
 * so indexing by it becomes constant indexing.
 *
 * Budgets keep huge or deeply nested loops as loops: at most UNROLL_MAX trips,
 * and the unrolled copies of one loop (and all of a shader's together) are
 * limited in instructions — more generously for a loop that fetches from a
 * sampler array at its index, which cannot compile otherwise. Inner loops
 * are considered first.
 */
import {
  ALU_OPS, fconst, forEachInstr, isPhi, PRED_BACK, PRED_ENTRY, vreg,
  type Instr, type IrShader, type Node, type Operand,
} from '../ir/ir.js';
import { evalAlu } from './util.js';

export const UNROLL_MAX = 32;
/** instructions the copies of one loop may add up to */
export const UNROLL_LOOP_BUDGET = 3000;
/** instructions all unrolling in a shader may add up to */
export const UNROLL_SHADER_BUDGET = 12000;
/** instructions the copies of a loop that indexes a sampler array may add up to */
export const UNROLL_SAMPLER_BUDGET = 4 * UNROLL_SHADER_BUDGET;

const unrolledSoFar = new WeakMap<IrShader, number>();

function size(list: Node[]): number {
  let n = 0;
  for (const x of list) n += x.kind === 'instr' ? 1 : x.kind === 'if' ? 1 + size(x.then) + size(x.else) : 1 + size(x.body);
  return n;
}

/** break/continue instructions of the loop whose body is `list` (not of nested loops), with their paths */
function exitsOf(list: Node[], out: { breaks: Instr[]; continues: Instr[] } = { breaks: [], continues: [] }): { breaks: Instr[]; continues: Instr[] } {
  for (const n of list) {
    if (n.kind === 'instr') { if (n.op === 'break') out.breaks.push(n); else if (n.op === 'continue') out.continues.push(n); }
    else if (n.kind === 'if') { exitsOf(n.then, out); exitsOf(n.else, out); }
  }
  return out;
}

const source = (p: Instr, pred: number): Operand | undefined => { const k = p.from!.indexOf(pred); return k < 0 ? undefined : p.src[k]; };

/**
 * Copies `list` with fresh values for everything it defines (and fresh
 * break/continue ids), reading `subst` for values defined outside it.
 */
function cloneList(s: IrShader, list: Node[], subst: Map<number, Operand>, ids: { next: number }): { nodes: Node[]; map: Map<number, Operand> } {
  const map = new Map(subst);
  const idMap = new Map<number, number>();
  forEachInstr(list, (i) => {
    for (const d of i.dsts ?? (i.dst >= 0 ? [i.dst] : [])) map.set(d, vreg(s.nextV++));
    if (i.id !== undefined) idMap.set(i.id, ids.next++);
  });
  const op = (o: Operand): Operand => (o.k === 'v' ? map.get(o.v) ?? o : o);
  const reg = (v: number): number => (map.get(v) as { v: number }).v;
  const copy = (l: Node[]): Node[] => l.map((n): Node => {
    if (n.kind === 'if') return { kind: 'if', cond: op(n.cond), then: copy(n.then), else: copy(n.else) };
    if (n.kind === 'loop') return { kind: 'loop', body: copy(n.body) };
    const c: Instr = { ...n, src: n.src.map(op) };
    if (n.dst >= 0) c.dst = reg(n.dst);
    if (n.dsts) c.dsts = n.dsts.map(reg);
    if (n.id !== undefined) c.id = idMap.get(n.id)!;
    if (n.from) c.from = n.from.map((p) => (p >= 0 ? idMap.get(p) ?? p : p));
    return c;
  });
  return { nodes: copy(list), map };
}

export function unrollLoops(s: IrShader): boolean {
  if (s.form !== 'ssa') return false;
  const defOf = new Map<number, Instr>();
  let maxId = -1;
  forEachInstr(s.body, (i) => {
    if (i.dst >= 0) defOf.set(i.dst, i);
    if (i.id !== undefined) maxId = Math.max(maxId, i.id);
  });
  const ids = { next: maxId + 1 };
  // the value of `o` given values for some phis, if it is a pure function of them
  const evaluate = (o: Operand, env: Map<number, number>, depth = 0): number | undefined => {
    if (o.k === 'c') return o.f;
    const known = env.get(o.v);
    if (known !== undefined) return known;
    const d = defOf.get(o.v);
    if (!d || depth > 32 || !(d.op in ALU_OPS) || d.op === 'fddx' || d.op === 'fddy') return undefined;
    const args: number[] = [];
    for (const x of d.src) { const v = evaluate(x, env, depth + 1); if (v === undefined) return undefined; args.push(v); }
    return evalAlu(d.op, args[0] ?? 0, args[1] ?? 0, args[2] ?? 0, d.cond);
  };
  /** iterations that run the whole body before the break leaves, or undefined */
  const tripCount = (header: Instr[], brk: Instr): number | undefined => {
    let env = new Map<number, number>();
    for (const p of header) { const e = source(p, PRED_ENTRY); if (e?.k === 'c') env.set(p.dst, e.f); }
    for (let t = 0; t <= UNROLL_MAX; t++) {
      const c = evaluate(brk.src[0]!, env);
      if (c === undefined) return undefined;
      if (c !== 0 || Object.is(c, -0)) return t;
      const next = new Map<number, number>();
      for (const p of header) {
        const b = source(p, PRED_BACK);
        const v = b && env.has(p.dst) ? evaluate(b, env) : undefined;
        if (v !== undefined) next.set(p.dst, v);
      }
      env = next;
    }
    return undefined;
  };

  let progress = false;
  const visit = (list: Node[]): void => {
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'if') { visit(n.then); visit(n.else); continue; }
      if (n.kind !== 'loop') continue;
      visit(n.body);
      const body = n.body;
      let h = 0;
      while (isPhi(body[h])) h++;
      const header = body.slice(0, h) as Instr[];
      const { breaks, continues } = exitsOf(body);
      if (continues.length || breaks.length !== 1) continue;
      const brk = breaks[0]!;
      const q = body.indexOf(brk);
      if (q < 0) continue; // the break is inside an if
      const trips = tripCount(header, brk);
      if (trips === undefined) continue;
      const cost = size(body) * (trips + 1);
      const spent = unrolledSoFar.get(s) ?? 0;
      // a fetch from a sampler array at a loop-dependent index compiles only unrolled: a larger budget
      let mustUnroll = false;
      forEachInstr(body, (i) => { if (i.op === 'tex' && i.samplerIndex) mustUnroll = true; });
      if (mustUnroll ? cost > UNROLL_SAMPLER_BUDGET : cost > UNROLL_LOOP_BUDGET || spent + cost > UNROLL_SHADER_BUDGET) continue;
      unrolledSoFar.set(s, spent + cost);

      const out: Node[] = [];
      let vals = header.map((p) => source(p, PRED_ENTRY) ?? fconst(0));
      const full = [...body.slice(h, q), ...body.slice(q + 1)];
      for (let t = 0; t < trips; t++) {
        const subst = new Map(header.map((p, j) => [p.dst, vals[j]!] as const));
        const c = cloneList(s, full, subst, ids);
        out.push(...c.nodes);
        vals = header.map((p) => { const b = source(p, PRED_BACK) ?? fconst(0); return b.k === 'v' ? c.map.get(b.v) ?? b : b; });
      }
      const subst = new Map(header.map((p, j) => [p.dst, vals[j]!] as const));
      const last = cloneList(s, body.slice(h, q), subst, ids);
      out.push(...last.nodes);
      // the exit phis: the values of the leaving iteration
      let j = k + 1;
      for (; j < list.length && isPhi(list[j]); j++) {
        const z = list[j] as Instr;
        const o = source(z, brk.id!) ?? fconst(0);
        z.op = 'mov';
        z.src = [o.k === 'v' ? last.map.get(o.v) ?? o : o];
        delete z.from;
      }
      list.splice(k, 1, ...out);
      k += out.length - 1;
      progress = true;
    }
  };
  visit(s.body);
  return progress;
}
