/**
 * Constant folding: ALU ops on constants become constants (evaluated as the
 * shader core would, rounded to f32), a select on a constant the operand it
 * picks, `if` on a constant becomes the branch
 * taken (its phis become copies of the taken branch's values), an indirect
 * uniform load with a constant index a direct one, and a texture fetch from
 * a sampler array at a constant index a fetch from that sampler.
 */
import { defCounts, fconst, isAlu, isPhi, PRED_ELSE, PRED_THEN, type IrShader, type Node, type Operand } from '../ir/ir.js';
import { evalAlu, prunePhiSources, removeInstrs, replaceUses } from './util.js';

export function constantFolding(s: IrShader): boolean {
  const defs = defCounts(s);
  const map = new Map<number, Operand>();
  const folded = new Set<object>();
  let foldedIf = false;
  const visit = (list: Node[]): boolean => {
    let progress = false;
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'if') {
        if (n.cond.k === 'c') {
          const then = n.cond.f !== 0 || Object.is(n.cond.f, -0);
          const taken = then ? n.then : n.else;
          for (let j = k + 1; j < list.length && isPhi(list[j]); j++) {
            const p = list[j] as Extract<Node, { kind: 'instr' }>;
            const at = p.from!.indexOf(then ? PRED_THEN : PRED_ELSE);
            p.op = 'mov';
            p.src = [at >= 0 ? p.src[at]! : fconst(0)];
            delete p.from;
          }
          list.splice(k, 1, ...taken);
          foldedIf = true;
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
      else if (n.op === 'tex' && n.samplerIndex && n.src[n.src.length - 1]!.k === 'c') {
        // (out of range stays unfolded: compileShader reports it)
        const k = Math.trunc((n.src[n.src.length - 1] as { f: number }).f);
        if (k >= 0 && k < (n.samplers ?? Infinity)) {
          n.src.pop();
          n.idx = n.idx! + k;
          delete n.samplerIndex;
          delete n.samplers;
          progress = true;
        }
      }
      else if (n.op === 'fsel' && n.dst >= 0 && defs[n.dst] === 1 && n.src[0]!.k === 'c') {
        // a select on a constant (an index that unrolling made constant) is the operand it picks
        const c = n.src[0]!.f;
        map.set(n.dst, c !== 0 || Object.is(c, -0) ? n.src[1]! : n.src[2]!);
        folded.add(n);
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
  if (foldedIf) prunePhiSources(s);
  return progress;
}
