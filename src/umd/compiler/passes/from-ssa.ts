/**
 * Out of SSA, before register allocation: phi-related values that are
 * never live at once share one register (copy coalescing, see
 * `congruenceClasses`), and each remaining phi source becomes a copy on its
 * edge:
 * - after an `if`: a copy at the end of each branch;
 * - at a loop header: copies before the loop and at the end of the body —
 *   the header phis are one parallel copy (`a, b = b, a` for a loop that
 *   swaps two variables), sequentialised with a temporary where the copies
 *   form a cycle;
 * - at a `continue c` / `break c`: the edge is taken only by the lanes
 *   where c holds, and the others may still need the register's value, so
 *   the copy is `x = fsel(c, new, x)` (through temporaries when parallel
 *   copies overlap; a plain copy when c is constant true).
 * Then `t = op; x = mov t` pairs left over become `x = op`.
 */
import {
  fconst, forEachInstr, forEachOperand, isPhi, vreg, PRED_BACK, PRED_ELSE, PRED_ENTRY, PRED_THEN,
  type Instr, type IrShader, type Node, type Operand,
} from '../ir/ir.js';
import { coalesce } from './coalesce.js';

type Copy = [number, Operand];
const mov = (dst: number, src: Operand): Instr => ({ kind: 'instr', op: 'mov', dst, src: [src] });

/** Orders a parallel copy: a destination is written only once no pending copy still reads it; cycles go through a temporary. */
export function sequentialize(s: IrShader, copies: Copy[]): Instr[] {
  const out: Instr[] = [];
  let pending = copies.filter(([d, o]) => !(o.k === 'v' && o.v === d));
  while (pending.length) {
    const k = pending.findIndex(([d]) => !pending.some(([d2, o]) => d2 !== d && o.k === 'v' && o.v === d));
    if (k >= 0) { const [d, o] = pending[k]!; out.push(mov(d, o)); pending.splice(k, 1); continue; }
    const d = pending[0]![0];
    const t = s.nextV++;
    out.push(mov(t, vreg(d)));
    pending = pending.map(([d2, o]) => [d2, o.k === 'v' && o.v === d ? vreg(t) : o]);
  }
  return out;
}

const sourceFrom = (p: Instr, pred: number): Operand | undefined => { const k = p.from!.indexOf(pred); return k < 0 ? undefined : p.src[k]; };

/**
 * Copy coalescing: phi-related values share a register (a congruence class)
 * when no two members of the merged classes are live at once. Liveness is
 * over-approximated by an interval in program order — from the definition
 * (a phi's at its merge: after the if, at the loop header, after the loop)
 * to the last use (a phi's source is used at the end of its predecessor),
 * stretched over any loop that uses a value defined outside it. Per lane the
 * copies happen on the edges themselves (see `fromSsa`), so this is the
 * classic SSA interference test.
 */
function congruenceClasses(s: IrShader): Int32Array {
  const start = new Int32Array(s.nextV).fill(-1), end = new Int32Array(s.nextV).fill(-1);
  interface Range { start: number; end: number }
  const ext: Array<[number, Range]> = [];
  const stack: Range[] = [];
  let pos = 0;
  const def = (v: number): void => { start[v] = pos; end[v] = Math.max(end[v]!, pos); };
  const use = (o: Operand): void => {
    if (o.k !== 'v') return;
    end[o.v] = Math.max(end[o.v]!, pos);
    // a value from outside a loop is live around all of it: the outermost such loop decides
    for (const l of stack) if (start[o.v]! < l.start) { ext.push([o.v, l]); break; }
  };
  const phiUse = (phis: Instr[], pred: number): void => { for (const p of phis) { const o = sourceFrom(p, pred); if (o) use(o); } };
  const loops: Array<{ header: Instr[]; exit: Instr[] }> = [];
  const walk = (list: Node[]): void => {
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'instr') {
        if (n.op === 'phi') continue;
        n.src.forEach(use);
        const lc = loops[loops.length - 1];
        if (lc && n.op === 'break') phiUse(lc.exit, n.id!);
        if (lc && n.op === 'continue') phiUse(lc.header, n.id!);
        pos++;
        if (n.dst >= 0) def(n.dst);
        n.dsts?.forEach(def);
        pos++;
      } else if (n.kind === 'if') {
        use(n.cond);
        pos++;
        const phis = phisAfter(list, k);
        walk(n.then); phiUse(phis, PRED_THEN); pos++;
        walk(n.else); phiUse(phis, PRED_ELSE); pos++;
        phis.forEach((p) => def(p.dst));
        pos++;
      } else {
        const header = phisAt(n.body, 0), exit = phisAfter(list, k);
        phiUse(header, PRED_ENTRY);
        pos++;
        const range: Range = { start: pos, end: -1 };
        header.forEach((p) => def(p.dst));
        pos++;
        stack.push(range);
        loops.push({ header, exit });
        walk(n.body);
        phiUse(header, PRED_BACK);
        loops.pop();
        stack.pop();
        range.end = pos++;
        exit.forEach((p) => def(p.dst));
        pos++;
      }
    }
  };
  walk(s.body);
  for (const [v, l] of ext) end[v] = Math.max(end[v]!, l.end);

  const parent = Int32Array.from({ length: s.nextV }, (_, v) => v);
  const members = new Map<number, number[]>();
  const find = (v: number): number => { while (parent[v] !== v) { parent[v] = parent[parent[v]!]!; v = parent[v]!; } return v; };
  const of = (r: number): number[] => members.get(r) ?? [r];
  const overlap = (a: number, b: number): boolean => start[a]! <= end[b]! && start[b]! <= end[a]!;
  forEachInstr(s.body, (p) => {
    if (p.op !== 'phi') return;
    for (const o of p.src) {
      if (o.k !== 'v') continue;
      const a = find(p.dst), b = find(o.v);
      if (a === b) continue;
      const ma = of(a), mb = of(b);
      if (ma.some((x) => mb.some((y) => overlap(x, y)))) continue;
      parent[b] = a;
      members.set(a, [...ma, ...mb]);
      members.delete(b);
    }
  });
  const rep = new Int32Array(s.nextV);
  for (let v = 0; v < s.nextV; v++) rep[v] = find(v);
  return rep;
}

function phisAt(list: Node[], k: number): Instr[] {
  const out: Instr[] = [];
  for (let j = k; j < list.length && isPhi(list[j]); j++) out.push(list[j] as Instr);
  return out;
}
const phisAfter = (list: Node[], k: number): Instr[] => phisAt(list, k + 1);

/** Copies on an edge taken only by the lanes where `cond` holds: the others keep their values (parallel, through temporaries if a source is also a destination). */
function guardedCopies(s: IrShader, exit: Instr, copies: Copy[]): Instr[] {
  let cond = exit.src[0]!;
  copies = copies.filter(([d, o]) => !(o.k === 'v' && o.v === d));
  if (cond.k === 'c' && cond.f !== 0) return sequentialize(s, copies);
  const dsts = new Set(copies.map(([d]) => d));
  const out: Instr[] = [];
  if (cond.k === 'v' && dsts.has(cond.v)) {
    // the condition shares a register with a copy's destination: the break/continue reads a copy
    const t = s.nextV++;
    out.push(mov(t, cond));
    cond = vreg(t);
    exit.src[0] = cond;
  }
  if (!copies.some(([, o]) => o.k === 'v' && dsts.has(o.v))) {
    return [...out, ...copies.map(([d, o]): Instr => ({ kind: 'instr', op: 'fsel', dst: d, src: [cond, o, vreg(d)] }))];
  }
  const tmp = copies.map(([d, o]): Copy => {
    const t = s.nextV++;
    out.push({ kind: 'instr', op: 'fsel', dst: t, src: [cond, o, vreg(d)] });
    return [d, vreg(t)];
  });
  for (const [d, t] of tmp) out.push(mov(d, t));
  return out;
}

export function fromSsa(s: IrShader): boolean {
  if (s.form !== 'ssa') return false;
  const rep = congruenceClasses(s);
  forEachInstr(s.body, (i) => {
    if (i.dst >= 0) i.dst = rep[i.dst]!;
    if (i.dsts) i.dsts = i.dsts.map((d) => rep[d]!);
  });
  forEachOperand(s.body, (o, set) => { if (o.k === 'v' && rep[o.v] !== o.v) set(vreg(rep[o.v]!)); });
  interface LoopCtx { header: Instr[]; exit: Instr[] }
  const loops: LoopCtx[] = [];
  const copiesFrom = (phis: Instr[], pred: number): Copy[] => {
    const out: Copy[] = [];
    for (const p of phis) { const o = sourceFrom(p, pred); if (o) out.push([p.dst, o]); }
    return out;
  };
  const rewrite = (list: Node[]): Node[] => {
    const out: Node[] = [];
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'instr') {
        if (n.op === 'phi') continue;
        const lc = loops[loops.length - 1];
        // copies on the exit and continue edges: only the lanes leaving take them
        if (lc && n.op === 'break') out.push(...guardedCopies(s, n, copiesFrom(lc.exit, n.id!)));
        if (lc && n.op === 'continue') out.push(...guardedCopies(s, n, copiesFrom(lc.header, n.id!)));
        delete n.id;
        out.push(n);
        continue;
      }
      if (n.kind === 'if') {
        const phis: Instr[] = [];
        for (let j = k + 1; j < list.length && isPhi(list[j]); j++) phis.push(list[j] as Instr);
        n.then = [...rewrite(n.then), ...sequentialize(s, copiesFrom(phis, PRED_THEN))];
        n.else = [...rewrite(n.else), ...sequentialize(s, copiesFrom(phis, PRED_ELSE))];
        out.push(n);
        continue;
      }
      const header: Instr[] = [];
      for (let j = 0; j < n.body.length && isPhi(n.body[j]); j++) header.push(n.body[j] as Instr);
      const exit: Instr[] = [];
      for (let j = k + 1; j < list.length && isPhi(list[j]); j++) exit.push(list[j] as Instr);
      out.push(...sequentialize(s, copiesFrom(header, PRED_ENTRY)));
      loops.push({ header, exit });
      n.body = [...rewrite(n.body), ...sequentialize(s, copiesFrom(header, PRED_BACK))];
      loops.pop();
      out.push(n);
    }
    return out;
  };
  s.body = rewrite(s.body);
  s.form = 'registers';
  // a phi no predecessor reaches still names a register: give it a definition
  const defined = new Uint8Array(s.nextV);
  forEachInstr(s.body, (i) => { if (i.dst >= 0) defined[i.dst] = 1; i.dsts?.forEach((d) => { defined[d] = 1; }); });
  const undef = new Set<number>();
  forEachOperand(s.body, (o) => { if (o.k === 'v' && !defined[o.v]) undef.add(o.v); });
  s.body.unshift(...[...undef].map((v) => mov(v, fconst(0))));
  while (coalesce(s));
  return true;
}
