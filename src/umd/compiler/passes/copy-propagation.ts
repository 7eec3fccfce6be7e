/**
 * Copy propagation: `vB = mov vA` where vB is SSA and vA is SSA or a
 * constant — every use of vB reads vA instead. (A variable written more
 * than once may change between the copy and a use, so it is left alone.)
 * In SSA form, trivial phis (one value from every predecessor) are copies
 * too.
 */
import { defCounts, forEachInstr, type IrShader, type Operand, type Instr } from '../ir/ir.js';
import { removeInstrs, replaceUses, simplifyPhis } from './util.js';

export function copyPropagation(s: IrShader): boolean {
  const defs = defCounts(s);
  const map = new Map<number, Operand>();
  const gone = new Set<Instr>();
  forEachInstr(s.body, (i) => {
    if (i.op !== 'mov' || i.dst < 0 || defs[i.dst] !== 1) return;
    const src = i.src[0]!;
    if (src.k === 'v' && defs[src.v] !== 1) return;
    map.set(i.dst, src);
    gone.add(i);
  });
  replaceUses(s, map);
  removeInstrs(s.body, (i) => gone.has(i));
  const phis = s.form === 'ssa' && simplifyPhis(s);
  return gone.size > 0 || phis;
}
