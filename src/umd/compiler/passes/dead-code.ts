/**
 * Dead-code elimination: instructions without side effects whose results are
 * never read, and `if`s with nothing in either branch.
 */
import { hasSideEffects, useCounts, type IrShader, type Node } from '../ir/ir.js';
import { removeInstrs } from './util.js';

function dropEmptyIfs(list: Node[]): number {
  let n = 0;
  for (let k = list.length - 1; k >= 0; k--) {
    const x = list[k]!;
    if (x.kind === 'if') {
      n += dropEmptyIfs(x.then) + dropEmptyIfs(x.else);
      if (!x.then.length && !x.else.length) { list.splice(k, 1); n++; }
    } else if (x.kind === 'loop') n += dropEmptyIfs(x.body);
  }
  return n;
}

export function deadCodeElimination(s: IrShader): boolean {
  let progress = false;
  for (;;) {
    const uses = useCounts(s);
    const n = removeInstrs(s.body, (i) => {
      if (hasSideEffects(i)) return false;
      if (i.dsts) return i.dsts.every((d) => uses[d] === 0);
      return i.dst >= 0 && uses[i.dst] === 0;
    }) + dropEmptyIfs(s.body);
    if (!n) return progress;
    progress = true;
  }
}
