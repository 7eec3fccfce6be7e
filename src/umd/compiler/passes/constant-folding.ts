/**
 * Constant folding: ALU ops on constants become constants (evaluated as the
 * shader core would, rounded to f32), `if` on a constant becomes the branch
 * taken, and an indirect uniform load with a constant index a direct one.
 */
import { defCounts, fconst, isAlu, type IrShader, type Node, type Operand } from '../ir/ir.js';
import { evalAlu, removeInstrs, replaceUses } from './util.js';

export function constantFolding(s: IrShader): boolean {
  const defs = defCounts(s);
  const map = new Map<number, Operand>();
  const folded = new Set<object>();
  const visit = (list: Node[]): boolean => {
    let progress = false;
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'if') {
        if (n.cond.k === 'c') {
          const taken = n.cond.f !== 0 || Object.is(n.cond.f, -0) ? n.then : n.else;
          list.splice(k, 1, ...taken);
          k--;
          progress = true;
          continue;
        }
        progress = visit(n.then) || progress;
        progress = visit(n.else) || progress;
      } else if (n.kind === 'loop') progress = visit(n.body) || progress;
      else if (n.op === 'ld_uni_ind' && n.src[0]!.k === 'c' && n.idx! + Math.trunc(n.src[0]!.f) >= 0) {
        // a dynamic uniform index that turned out constant (e.g. after unrolling)
        n.op = 'ld_uni';
        n.idx = n.idx! + Math.trunc(n.src[0]!.f);
        n.src = [];
        progress = true;
      }
      else if (isAlu(n.op) && n.op !== 'mov' && n.dst >= 0 && defs[n.dst] === 1 && n.src.every((o) => o.k === 'c')) {
        const v = n.src.map((o) => (o.k === 'c' ? o.f : 0));
        const r = evalAlu(n.op, v[0] ?? 0, v[1] ?? 0, v[2] ?? 0, n.cond);
        if (r !== undefined && n.op !== 'fddx' && n.op !== 'fddy') { map.set(n.dst, fconst(r)); folded.add(n); progress = true; }
      }
    }
    return progress;
  };
  const progress = visit(s.body);
  replaceUses(s, map);
  removeInstrs(s.body, (i) => folded.has(i));
  return progress;
}
