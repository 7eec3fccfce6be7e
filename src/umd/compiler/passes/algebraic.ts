/**
 * Algebraic simplification (GLSL ES allows the usual real-number identities):
 * x+0, x*1, x*0, x*-1, -(-x), ffma with a 0 or 1 factor, and fadd of a
 * single-use fmul fused into ffma.
 */
import { defCounts, forEachInstr, useCounts, fconst, type Instr, type IrShader, type Operand } from '../ir/ir.js';
import { removeInstrs, replaceUses } from './util.js';

const INVERSE = { eq: 'ne', ne: 'eq', lt: 'ge', ge: 'lt', le: 'gt', gt: 'le' } as const;
const isC = (o: Operand, f: number): boolean => o.k === 'c' && o.f === f;

export function algebraic(s: IrShader): boolean {
  const defs = defCounts(s);
  const uses = useCounts(s);
  const defOf = new Map<number, Instr>();
  forEachInstr(s.body, (i) => { if (i.dst >= 0 && defs[i.dst] === 1) defOf.set(i.dst, i); });
  const map = new Map<number, Operand>();
  const gone = new Set<Instr>();
  let progress = false;
  const toMov = (i: Instr, o: Operand): void => { i.op = 'mov'; i.src = [o]; delete i.cond; progress = true; };
  forEachInstr(s.body, (i) => {
    const [a, b, c] = i.src;
    switch (i.op) {
      case 'fadd':
        if (isC(b!, 0)) toMov(i, a!);
        else if (isC(a!, 0)) toMov(i, b!);
        else {
          for (const [m, o] of [[a!, b!], [b!, a!]] as const) {
            if (m.k !== 'v' || uses[m.v] !== 1) continue;
            const d = defOf.get(m.v);
            if (!d || d.op !== 'fmul' || d.src.some((x) => x.k === 'v' && defs[x.v] !== 1)) continue;
            i.op = 'ffma'; i.src = [d.src[0]!, d.src[1]!, o]; gone.add(d); progress = true;
            break;
          }
        }
        break;
      case 'fmul':
        if (isC(b!, 1)) toMov(i, a!);
        else if (isC(a!, 1)) toMov(i, b!);
        else if (isC(a!, 0) || isC(b!, 0)) toMov(i, fconst(0));
        else if (isC(b!, -1)) { i.op = 'fneg'; i.src = [a!]; progress = true; }
        break;
      case 'ffma':
        if (isC(a!, 0) || isC(b!, 0)) toMov(i, c!);
        else if (isC(a!, 1)) { i.op = 'fadd'; i.src = [b!, c!]; progress = true; }
        else if (isC(b!, 1)) { i.op = 'fadd'; i.src = [a!, c!]; progress = true; }
        else if (isC(c!, 0)) { i.op = 'fmul'; i.src = [a!, b!]; progress = true; }
        break;
      case 'fcmp': {
        // !(a < b) -> a >= b: booleans are 1.0/0.0, so (c == 0.0) inverts a comparison c
        if (i.cond !== 'eq' && i.cond !== 'ne') break;
        const [x, y] = i.cond === 'eq' || i.cond === 'ne' ? (isC(b!, 0) ? [a!, b!] : [b!, a!]) : [a!, b!];
        if (!isC(y, 0) || x.k !== 'v') break;
        const d = defOf.get(x.v);
        if (!d || d.op !== 'fcmp' || d.src.some((o) => o.k === 'v' && defs[o.v] !== 1)) break;
        i.src = [...d.src];
        i.cond = i.cond === 'ne' ? d.cond! : INVERSE[d.cond!];
        progress = true;
        break;
      }
      case 'fneg': {
        if (a!.k !== 'v') break;
        const d = defOf.get(a!.v);
        if (d && d.op === 'fneg' && (d.src[0]!.k === 'c' || defs[(d.src[0] as { v: number }).v] === 1)) toMov(i, d.src[0]!);
        break;
      }
    }
  });
  replaceUses(s, map);
  removeInstrs(s.body, (i) => gone.has(i));
  return progress || gone.size > 0;
}
