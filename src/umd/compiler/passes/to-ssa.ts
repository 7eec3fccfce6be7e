/**
 * SSA construction for structured control flow (as NIR's nir_to_ssa on
 * structured code, or Braun et al.'s construction with the merges known up
 * front): every register written more than once — or read where its one
 * definition does not dominate the read (a value carried around a loop, or
 * out of a branch) — is a variable; each definition of a variable becomes a
 * new value, and where definitions meet the pass places phis:
 * - after an `if`: `phi then:a, else:b` for every variable the branches
 *   left different;
 * - at the top of a loop body: `phi entry:a, #c:b, back:d` for every
 *   variable the body defines (the value before the loop, at each
 *   `continue`, at the end of the body);
 * - after a loop: `phi #b1:x, #b2:y` per `break` (loop-closed: a value made
 *   in a loop is read after it only through these).
 * Predecessors control cannot reach get no source. A variable read before
 * any definition reads 0.0 (what the lowering gives an uninitialised
 * variable). Trivial phis are removed at the end.
 */
import {
  fconst, forEachInstr, defCounts, isTerminator, terminates, vreg, PRED_BACK, PRED_ELSE, PRED_ENTRY, PRED_THEN,
  type Instr, type IrShader, type Node, type Operand,
} from '../ir/ir.js';
import { simplifyPhis } from './util.js';

type Env = Map<number, Operand>;
interface LoopCtx { conts: Array<[number, Env]>; breaks: Array<[number, Env]> }

/** Registers that are not already SSA values: written twice, or read out of their definition's scope. */
function variables(s: IrShader): Set<number> {
  const defs = defCounts(s);
  const vars = new Set<number>();
  for (let v = 0; v < s.nextV; v++) if (defs[v]! !== 1) vars.add(v);
  const visible = new Uint8Array(s.nextV);
  const log: number[] = [];
  const walk = (list: Node[]): void => {
    for (const n of list) {
      if (n.kind === 'instr') {
        for (const o of n.src) if (o.k === 'v' && !visible[o.v]) vars.add(o.v);
        for (const d of n.dsts ?? (n.dst >= 0 ? [n.dst] : [])) { visible[d] = 1; log.push(d); }
        continue;
      }
      if (n.kind === 'if' && n.cond.k === 'v' && !visible[n.cond.v]) vars.add(n.cond.v);
      const mark = log.length;
      for (const body of n.kind === 'if' ? [n.then, n.else] : [n.body]) {
        walk(body);
        while (log.length > mark) visible[log.pop()!] = 0;
      }
    }
  };
  walk(s.body);
  return vars;
}

function definedIn(list: Node[], vars: Set<number>, out: Set<number>): Set<number> {
  forEachInstr(list, (i) => { for (const d of i.dsts ?? (i.dst >= 0 ? [i.dst] : [])) if (vars.has(d)) out.add(d); });
  return out;
}

const same = (a: Operand, b: Operand): boolean => (a.k === 'v' ? b.k === 'v' && a.v === b.v : b.k === 'c' && Object.is(a.f, b.f));
const phi = (dst: number, from: number[], src: Operand[]): Instr => ({ kind: 'instr', op: 'phi', dst, src, from });

export function toSsa(s: IrShader): boolean {
  if (s.form === 'ssa') return false;
  let nextId = 0;
  forEachInstr(s.body, (i) => { if (i.op === 'break' || i.op === 'continue') i.id = nextId++; });
  const vars = variables(s);
  const named = new Set<number>();
  // the first definition of a register keeps its number
  const fresh = (v: number): number => { if (!named.has(v)) { named.add(v); return v; } return s.nextV++; };
  const read = (env: Env, o: Operand): Operand => (o.k === 'v' && vars.has(o.v) ? env.get(o.v) ?? fconst(0) : o);
  const loops: LoopCtx[] = [];

  const walk = (list: Node[], env: Env, reach: boolean, from = 0): boolean => {
    for (let k = from; k < list.length; k++) {
      const n = list[k]!;
      if (n.kind === 'instr') {
        n.src = n.src.map((o) => read(env, o));
        if ((n.op === 'break' || n.op === 'continue') && reach) {
          const lc = loops[loops.length - 1]!;
          (n.op === 'break' ? lc.breaks : lc.conts).push([n.id!, new Map(env)]);
        }
        if (n.dst >= 0 && vars.has(n.dst)) { const d = fresh(n.dst); env.set(n.dst, vreg(d)); n.dst = d; }
        if (n.dsts) n.dsts = n.dsts.map((r) => { if (!vars.has(r)) return r; const d = fresh(r); env.set(r, vreg(d)); return d; });
        if (isTerminator(n)) reach = false;
      } else if (n.kind === 'if') {
        n.cond = read(env, n.cond);
        const et: Env = new Map(env), ee: Env = new Map(env);
        const rt = walk(n.then, et, reach), re = walk(n.else, ee, reach);
        const phis: Instr[] = [];
        for (const v of [...new Set([...et.keys(), ...ee.keys()])].sort((a, b) => a - b)) {
          const a = et.get(v) ?? fconst(0), b = ee.get(v) ?? fconst(0);
          if (same(a, b) || !(rt || re)) { env.set(v, rt ? a : b); continue; }
          const from: number[] = [], src: Operand[] = [];
          if (rt) { from.push(PRED_THEN); src.push(a); }
          if (re) { from.push(PRED_ELSE); src.push(b); }
          const d = s.nextV++;
          phis.push(phi(d, from, src));
          env.set(v, vreg(d));
        }
        list.splice(k + 1, 0, ...phis);
        k += phis.length;
        reach &&= rt || re;
      } else {
        const exits = !terminates(n);
        const lv = [...definedIn(n.body, vars, new Set())].sort((a, b) => a - b);
        const header = lv.map((v) => {
          const p = phi(s.nextV++, reach ? [PRED_ENTRY] : [], reach ? [env.get(v) ?? fconst(0)] : []);
          env.set(v, vreg(p.dst));
          return p;
        });
        n.body.unshift(...header);
        const lc: LoopCtx = { conts: [], breaks: [] };
        loops.push(lc);
        const eb: Env = new Map(env);
        const rb = walk(n.body, eb, reach, header.length);
        loops.pop();
        const preds: Array<[number, Env]> = [...lc.conts, ...(rb ? [[PRED_BACK, eb] as [number, Env]] : [])];
        lv.forEach((v, j) => {
          for (const [p, e] of preds) { header[j]!.from!.push(p); header[j]!.src.push(e.get(v) ?? fconst(0)); }
        });
        const exit = lv.map((v) => {
          const p = phi(s.nextV++, lc.breaks.map(([id]) => id), lc.breaks.map(([, e]) => e.get(v) ?? fconst(0)));
          env.set(v, vreg(p.dst));
          return p;
        });
        list.splice(k + 1, 0, ...exit);
        k += exit.length;
        reach &&= exits;
      }
    }
    return reach;
  };
  walk(s.body, new Map(), true);
  s.form = 'ssa';
  simplifyPhis(s);
  return true;
}
