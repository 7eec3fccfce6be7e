/**
 * If-flattening (SSA form): an `if` whose branches only compute values with
 * a few cheap ALU ops becomes straight-line code; its phis become
 * `fsel(cond, then-value, else-value)`. The branch code is hoisted (running
 * it for every lane is harmless: no side effects, no derivatives, no loads
 * that depend on the mask).
 */
import { isAlu, type Instr, type IrShader, type Node } from '../ir/ir.js';
import { phisToSelects } from './util.js';

const MAX = 8;

function cheap(list: Node[]): list is Instr[] {
  return list.length <= MAX && list.every((n) => n.kind === 'instr' && isAlu(n.op) && n.op !== 'fddx' && n.op !== 'fddy');
}

export function flattenIfs(s: IrShader): boolean {
  if (s.form !== 'ssa') return false;
  let progress = false;
  const visit = (list: Node[]): void => {
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'loop') { visit(n.body); continue; }
      if (n.kind !== 'if') continue;
      visit(n.then); visit(n.else);
      if (!cheap(n.then) || !cheap(n.else)) continue;
      phisToSelects(list, k, n.cond);
      const out = [...n.then, ...n.else];
      list.splice(k, 1, ...out);
      k += out.length - 1;
      progress = true;
    }
  };
  visit(s.body);
  return progress;
}
