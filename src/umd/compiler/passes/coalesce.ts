/**
 * Copy coalescing: `t = op ...; x = mov t` with t an SSA value used only by
 * that copy, defined by the instruction just before it, becomes `x = op ...`
 * — the common shape of an assignment to a variable.
 */
import { defCounts, useCounts, type IrShader, type Node } from '../ir/ir.js';

export function coalesce(s: IrShader): boolean {
  const defs = defCounts(s), uses = useCounts(s);
  let progress = false;
  const visit = (list: Node[]): void => {
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'if') { visit(n.then); visit(n.else); continue; }
      if (n.kind === 'loop') { visit(n.body); continue; }
      const prev = list[k - 1];
      if (n.op !== 'mov' || !prev || prev.kind !== 'instr' || prev.dsts) continue;
      const src = n.src[0]!;
      if (src.k !== 'v' || prev.dst !== src.v || defs[src.v] !== 1 || uses[src.v] !== 1) continue;
      prev.dst = n.dst;
      list.splice(k, 1);
      k--;
      progress = true;
    }
  };
  visit(s.body);
  return progress;
}
