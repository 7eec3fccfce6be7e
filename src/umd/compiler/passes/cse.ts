/**
 * Common-subexpression elimination over the dominator tree that structured
 * control flow gives for free: a value computed in a block is visible in the
 * rest of that block and in the blocks nested in it. Only pure instructions
 * on SSA values and constants take part (not derivatives, whose result
 * depends on the execution mask, nor register-array loads).
 */
import { defCounts, vreg, type Instr, type IrShader, type Node, type Operand } from '../ir/ir.js';
import { removeInstrs, replaceUses } from './util.js';

const PURE = new Set(['ld_attr', 'ld_uni', 'ld_uni_ind', 'ld_special', 'ld_vary', 'ld_vary_flat', 'iconst']);

export function cse(s: IrShader): boolean {
  const defs = defCounts(s);
  const map = new Map<number, Operand>();
  const gone = new Set<Instr>();
  const key = (i: Instr): string | null => {
    if (i.dst < 0 || defs[i.dst] !== 1 || i.op === 'fddx' || i.op === 'fddy' || i.op === 'mov' || i.op === 'phi') return null;
    if (!(i.op in { ...PURE_OBJ }) && !isPureAlu(i)) return null;
    const srcs: string[] = [];
    for (const o of i.src) {
      const r = o.k === 'v' && map.has(o.v) ? map.get(o.v)! : o;
      if (r.k === 'v' && defs[r.v] !== 1) return null;
      srcs.push(r.k === 'v' ? `v${r.v}` : `c${Object.is(r.f, -0) ? '-0' : r.f}`);
    }
    return `${i.op}|${i.cond ?? ''}|${i.idx ?? ''}|${i.col ?? ''}|${i.comp ?? ''}|${i.int ? 1 : 0}|${srcs.join(',')}`;
  };
  const visit = (list: Node[], scope: Map<string, number>): void => {
    for (const n of list) {
      if (n.kind === 'if') { visit(n.then, new Map(scope)); visit(n.else, new Map(scope)); continue; }
      if (n.kind === 'loop') { visit(n.body, new Map(scope)); continue; }
      const k = key(n);
      if (k === null) continue;
      const prev = scope.get(k);
      if (prev !== undefined) { map.set(n.dst, vreg(prev)); gone.add(n); } else scope.set(k, n.dst);
    }
  };
  visit(s.body, new Map());
  replaceUses(s, map);
  removeInstrs(s.body, (i) => gone.has(i));
  return gone.size > 0;
}
const PURE_OBJ = Object.fromEntries([...PURE].map((p) => [p, 1]));
function isPureAlu(i: Instr): boolean {
  return !PURE.has(i.op) && i.op !== 'tex' && i.op !== 'ld_arr' && i.op !== 'st_arr' && i.op !== 'st_vary' && i.op !== 'st_out'
    && i.op !== 'break' && i.op !== 'continue' && i.op !== 'discard';
}
