/** Helpers shared by the passes: value replacement and instruction removal. */
import { forEachOperand, type IrShader, type Node, type Operand, type Instr } from '../ir/ir.js';

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
    case 'fmin': return Math.min(a, b);
    case 'fmax': return Math.max(a, b);
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
