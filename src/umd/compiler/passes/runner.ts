/**
 * The pass runner: inlines functions, builds SSA, runs the optimisation
 * passes to a fixed point, leaves SSA for register allocation — validating the IR after every
 * pass (the SSA rules while in SSA form) and naming the pass that broke it.
 */
import { printShader, validate, type IrShader } from '../ir/ir.js';
import { algebraic } from './algebraic.js';
import { constantFolding } from './constant-folding.js';
import { copyPropagation } from './copy-propagation.js';
import { cse } from './cse.js';
import { deadCodeElimination } from './dead-code.js';
import { flattenIfs } from './flatten-if.js';
import { unrollLoops } from './unroll-loops.js';
import { toSsa } from './to-ssa.js';
import { inlineFunctions } from './inline-functions.js';
import { fromSsa } from './from-ssa.js';

export type Pass = (s: IrShader) => boolean;
export const PASSES: ReadonlyArray<readonly [string, Pass]> = [
  ['constant-folding', constantFolding],
  ['copy-propagation', copyPropagation],
  ['algebraic', algebraic],
  ['cse', cse],
  ['flatten-if', flattenIfs],
  ['dead-code', deadCodeElimination],
  ['unroll-loops', unrollLoops],
];

export class PassError extends Error {}

export function runPass(s: IrShader, name: string, pass: Pass): boolean {
  const progress = pass(s);
  const errs = validate(s);
  if (errs.length) throw new PassError(`IR invalid after pass ${name}:\n  ${errs.join('\n  ')}\n${printShader(s)}`);
  return progress;
}

export function optimize(s: IrShader, onPass?: (name: string, s: IrShader, progress: boolean) => void, maxRounds = 12): void {
  const inlined = runPass(s, 'inline-functions', inlineFunctions);
  onPass?.('inline-functions', s, inlined);
  const built = runPass(s, 'to-ssa', toSsa);
  onPass?.('to-ssa', s, built);
  optimizeSsa(s, onPass, maxRounds);
  const left = runPass(s, 'from-ssa', fromSsa);
  onPass?.('from-ssa', s, left);
}

/** The optimisation passes alone, on SSA form, to a fixed point. */
export function optimizeSsa(s: IrShader, onPass?: (name: string, s: IrShader, progress: boolean) => void, maxRounds = 12): void {
  for (let round = 0; round < maxRounds; round++) {
    let any = false;
    for (const [name, pass] of PASSES) {
      const p = runPass(s, name, pass);
      onPass?.(name, s, p);
      any ||= p;
    }
    if (!any) return;
  }
}
