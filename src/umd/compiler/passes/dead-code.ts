/**
 * Dead-code elimination, mark and sweep: what stores, breaks, continues,
 * discards and `if` conditions read is live, and so is everything a live
 * value is computed from; the rest goes — including phis that only feed
 * each other around a loop, which counting uses would keep. An `if` left
 * with nothing in either branch goes too (its phis become `fsel`s).
 */
import { hasSideEffects, forEachInstr, type Instr, type IrShader, type Node } from '../ir/ir.js';
import { phisToSelects, removeInstrs } from './util.js';

function dropEmptyIfs(list: Node[]): number {
  let n = 0;
  for (let k = list.length - 1; k >= 0; k--) {
    const x = list[k]!;
    if (x.kind === 'if') {
      n += dropEmptyIfs(x.then) + dropEmptyIfs(x.else);
      if (x.then.length || x.else.length) continue;
      // both sides empty: a merge of values from before the if is a select
      phisToSelects(list, k, x.cond);
      list.splice(k, 1);
      n++;
    } else if (x.kind === 'loop') n += dropEmptyIfs(x.body);
  }
  return n;
}

export function deadCodeElimination(s: IrShader): boolean {
  let progress = false;
  for (;;) {
    // (every definition: in register form a variable has several)
    const defOf = new Map<number, Instr[]>();
    const add = (v: number, i: Instr): void => { const l = defOf.get(v); if (l) l.push(i); else defOf.set(v, [i]); };
    forEachInstr(s.body, (i) => {
      if (i.dst >= 0) add(i.dst, i);
      if (i.dsts) for (const d of i.dsts) add(d, i);
    });
    const live = new Set<Instr>();
    const work: Instr[] = [];
    const need = (v: number): void => {
      for (const d of defOf.get(v) ?? []) if (!live.has(d)) { live.add(d); work.push(d); }
    };
    const roots = (list: Node[]): void => {
      for (const n of list) {
        if (n.kind === 'instr') { if (hasSideEffects(n)) { live.add(n); work.push(n); } }
        else if (n.kind === 'if') { if (n.cond.k === 'v') need(n.cond.v); roots(n.then); roots(n.else); }
        else roots(n.body);
      }
    };
    roots(s.body);
    while (work.length) for (const o of work.pop()!.src) if (o.k === 'v') need(o.v);
    const n = removeInstrs(s.body, (i) => !live.has(i)) + dropEmptyIfs(s.body);
    if (!n) return progress;
    progress = true;
  }
}
