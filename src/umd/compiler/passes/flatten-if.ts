/**
 * If-flattening: an `if` whose branches only compute values and assign
 * variables with a few cheap ALU ops becomes straight-line code; each
 * variable assigned in a branch gets `fsel(cond, new, old)`. The branch
 * code is hoisted (running it for every lane is harmless: no side effects,
 * no derivatives, no loads that depend on the mask).
 */
import { defCounts, isAlu, vreg, type IfNode, type Instr, type IrShader, type Node } from '../ir/ir.js';

const MAX = 8;

function cheap(list: Node[]): list is Instr[] {
  return list.length <= MAX && list.every((n) => n.kind === 'instr' && isAlu(n.op) && n.op !== 'fddx' && n.op !== 'fddy');
}

export function flattenIfs(s: IrShader): boolean {
  let progress = false;
  const defs = defCounts(s);
  const visit = (list: Node[]): void => {
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'loop') { visit(n.body); continue; }
      if (n.kind !== 'if') continue;
      visit(n.then); visit(n.else);
      if (!cheap(n.then) || !cheap(n.else)) continue;
      const cond = n.cond;
      if (cond.k === 'v' && [...n.then, ...n.else].some((i) => i.dst === cond.v)) continue;
      const out: Node[] = [];
      const branch = (body: Instr[], taken: boolean, node: IfNode): void => {
        // values defined in the branch are renamed; writes to variables go through fsel
        const rename = new Map<number, number>();
        for (const i of body) {
          const src = i.src.map((o) => (o.k === 'v' && rename.has(o.v) ? vreg(rename.get(o.v)!) : o));
          if (defs[i.dst] === 1) { out.push({ ...i, src }); continue; }
          const tmp = s.nextV++;
          rename.set(i.dst, tmp);
          out.push({ ...i, src, dst: tmp });
        }
        const last = new Map<number, number>();
        for (const i of body) if (rename.has(i.dst)) last.set(i.dst, rename.get(i.dst)!);
        for (const [dst, tmp] of last) {
          out.push({ kind: 'instr', op: 'fsel', dst, src: taken ? [node.cond, vreg(tmp), vreg(dst)] : [node.cond, vreg(dst), vreg(tmp)] });
        }
      };
      branch(n.then, true, n);
      branch(n.else, false, n);
      list.splice(k, 1, ...out);
      k += out.length - 1;
      progress = true;
    }
  };
  visit(s.body);
  return progress;
}
