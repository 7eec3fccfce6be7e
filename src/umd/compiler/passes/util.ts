/** Helpers shared by the passes: value replacement and instruction removal. */
import { fconst, forEachInstr, forEachOperand, isPhi, PRED_ELSE, PRED_THEN, type IrShader, type Node, type Operand, type Instr } from '../ir/ir.js';

/** Replaces every use of the keys by their operands (chains resolved). */
export function replaceUses(s: IrShader, map: Map<number, Operand>): void {
  if (!map.size) return;
  const resolve = (o: Operand): Operand => {
    let cur = o;
    for (let n = 0; cur.k === 'v' && map.has(cur.v) && n < 1000; n++) cur = map.get(cur.v)!;
    return cur;
  };
  forEachOperand(s.body, (o, set) => { if (o.k === 'v' && map.has(o.v)) set(resolve(o)); });
}

/** Removes the instructions for which `dead` holds, everywhere; returns how many. */
export function removeInstrs(list: Node[], dead: (i: Instr) => boolean): number {
  let n = 0;
  for (let k = list.length - 1; k >= 0; k--) {
    const x = list[k]!;
    if (x.kind === 'instr') { if (dead(x)) { list.splice(k, 1); n++; } }
    else if (x.kind === 'if') n += removeInstrs(x.then, dead) + removeInstrs(x.else, dead);
    else n += removeInstrs(x.body, dead);
  }
  return n;
}

/** Float evaluation of an ALU op as the shader core does it (results rounded to f32). */
export function evalAlu(op: string, a: number, b: number, c: number, cond?: string): number | undefined {
  const f = Math.fround;
  switch (op) {
    case 'mov': return a;
    case 'fneg': return -a;
    case 'fabs': return Math.abs(a);
    case 'fsat': return Number.isNaN(a) ? 0 : Math.min(1, Math.max(0, a));
    case 'fadd': return f(a + b);
    case 'fmul': return f(a * b);
    case 'ffma': return f(f(a * b) + c);
    // as the hardware: a NaN operand gives the other one
    case 'fmin': return b < a || a !== a ? b : a;
    case 'fmax': return b > a || a !== a ? b : a;
    case 'frcp': return f(1 / a);
    case 'frsq': return f(1 / Math.sqrt(a));
    case 'fsqrt': return f(Math.sqrt(a));
    case 'fexp2': return f(2 ** a);
    case 'flog2': return f(Math.log2(a));
    case 'fsin': return f(Math.sin(a));
    case 'fcos': return f(Math.cos(a));
    case 'ffloor': return Math.floor(a);
    case 'fceil': return Math.ceil(a);
    case 'ffract': return f(a - Math.floor(a));
    case 'ftrunc': return Math.trunc(a);
    case 'fsign': return a > 0 ? 1 : a < 0 ? -1 : 0;
    case 'fcmp': {
      const r = cond === 'eq' ? a === b : cond === 'ne' ? a !== b : cond === 'lt' ? a < b : cond === 'ge' ? a >= b : cond === 'le' ? a <= b : a > b;
      return r ? 1 : 0;
    }
    case 'fsel': return a !== 0 || Object.is(a, -0) ? b : c;
    case 'fmod': return f(a - b * Math.floor(a / b));
    case 'fatan2': return f(Math.atan2(a, b));
    case 'fpow': return f(a ** b);
    case 'ftan': return f(Math.tan(a));
    case 'fasin': return f(Math.asin(a));
    case 'facos': return f(Math.acos(a));
    case 'fatan': return f(Math.atan(a));
    default: return undefined;
  }
}

const sameOperand = (a: Operand, b: Operand): boolean => (a.k === 'v' ? b.k === 'v' && a.v === b.v : b.k === 'c' && Object.is(a.f, b.f));

/** Where each value is defined (block and position) and each block's enclosing block. */
export function scopes(s: IrShader): { defList: Map<number, Node[]>; defIndex: Map<number, number>; parent: Map<Node[], Node[] | null> } {
  const defList = new Map<number, Node[]>(), defIndex = new Map<number, number>(), parent = new Map<Node[], Node[] | null>();
  const walk = (list: Node[], up: Node[] | null): void => {
    parent.set(list, up);
    list.forEach((n, k) => {
      if (n.kind === 'instr') {
        for (const d of n.dsts ?? (n.dst >= 0 ? [n.dst] : [])) { defList.set(d, list); defIndex.set(d, k); }
      } else if (n.kind === 'if') { walk(n.then, list); walk(n.else, list); } else walk(n.body, list);
    });
  };
  walk(s.body, null);
  return { defList, defIndex, parent };
}

/** Whether operand `o` is visible at position `index` of `list` (SSA: defined earlier there or in an enclosing block). */
export function visibleAt(sc: ReturnType<typeof scopes>, o: Operand, list: Node[], index: number): boolean {
  if (o.k === 'c') return true;
  const dl = sc.defList.get(o.v);
  if (!dl) return false;
  if (dl === list) return sc.defIndex.get(o.v)! < index;
  for (let l = sc.parent.get(list) ?? null; l; l = sc.parent.get(l) ?? null) if (l === dl) return true;
  return false;
}

/**
 * Removes trivial phis (every source is the phi itself or one value X),
 * replacing them by X where X is visible — not where X was defined inside
 * the loop or branch the phi merges (loop-closed SSA keeps those).
 */
export function simplifyPhis(s: IrShader): boolean {
  let progress = false;
  for (;;) {
    const sc = scopes(s);
    const map = new Map<number, Operand>();
    const gone = new Set<Instr>();
    const walk = (list: Node[]): void => {
      list.forEach((n, k) => {
        if (n.kind === 'if') { walk(n.then); walk(n.else); return; }
        if (n.kind === 'loop') { walk(n.body); return; }
        if (n.op !== 'phi') return;
        let x: Operand | null = null, trivial = true;
        for (const o of n.src) {
          if (o.k === 'v' && o.v === n.dst) continue;
          if (x && !sameOperand(x, o)) { trivial = false; break; }
          x = o;
        }
        if (!trivial) return;
        x ??= { k: 'c', f: 0 };
        if (!visibleAt(sc, x, list, k)) return;
        map.set(n.dst, x);
        gone.add(n);
      });
    };
    walk(s.body);
    if (!gone.size) return progress;
    replaceUses(s, map);
    removeInstrs(s.body, (i) => gone.has(i));
    progress = true;
  }
}

/** Drops phi sources from break/continue instructions that no longer exist (their code was removed). */
export function prunePhiSources(s: IrShader): void {
  const ids = new Set<number>();
  forEachInstr(s.body, (i) => { if (i.id !== undefined) ids.add(i.id); });
  forEachInstr(s.body, (i) => {
    if (i.op !== 'phi' || !i.from!.some((p) => p >= 0 && !ids.has(p))) return;
    const keep = i.from!.map((p) => p < 0 || ids.has(p));
    i.src = i.src.filter((_, k) => keep[k]);
    i.from = i.from!.filter((_, k) => keep[k]);
  });
}

/**
 * The phis that follow the `if` at list[k] become selects on its condition: what the merge
 * means once both sides run unconditionally (flattened) or are empty (dropped).
 */
export function phisToSelects(list: Node[], k: number, cond: Operand): void {
  for (let j = k + 1; j < list.length && isPhi(list[j]); j++) {
    const p = list[j] as Instr;
    const t = p.src[p.from!.indexOf(PRED_THEN)] ?? fconst(0), e = p.src[p.from!.indexOf(PRED_ELSE)] ?? fconst(0);
    p.op = 'fsel';
    p.src = [cond, t, e];
    delete p.from;
  }
}
