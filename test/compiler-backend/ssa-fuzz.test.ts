/**
 * Differential test of the optimising pipeline (inlining, SSA construction,
 * the passes, unrolling, out of SSA) against the plain lowering
 * (`noOptimize`: functions inlined, register form, nothing else): random
 * structured programs — nested ifs, constant and lane-dependent loops with
 * break and continue, variables swapped and rotated, calls with early
 * returns, inout parameters and a global, an array indexed per lane —
 * must compute the
 * same values on every lane of the shader core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalFS, close } from './harness.js';

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

function program(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const vars = ['a', 'b', 'c', 'd'];
  let loopVar = 0;
  const atom = (ix: string[]): string => pick([...vars, ...vars, 'v_x.x', 'v_x.y', `${(r() * 4 - 2).toFixed(2)}`, ...ix.map((i) => `float(${i})`)]);
  // values stay bounded: fract keeps them in [0, 1) now and then
  const expr = (ix: string[]): string => {
    const e = `${atom(ix)} ${pick(['+', '-', '*'])} ${atom(ix)}`;
    return r() < 0.4 ? `fract(${e})` : r() < 0.2 ? `abs(${e}) * 0.5` : e;
  };
  const cond = (ix: string[]): string => pick([`${atom(ix)} < ${atom(ix)}`, `${atom(ix)} > ${(r() * 4 - 1).toFixed(2)}`, ...ix.map((i) => `mod(float(${i}), 2.0) == 0.0`)]);
  const stmts = (depth: number, ix: string[], inLoop: boolean): string => {
    const n = 1 + Math.floor(r() * 3);
    let out = '';
    for (let k = 0; k < n; k++) {
      const kind = r();
      if (kind < 0.3 || depth > 2) out += `${pick(vars)} = ${expr(ix)};\n`;
      else if (kind < 0.42) { const [x, y] = [pick(vars), pick(vars)]; out += `{ float t = ${x}; ${x} = ${y}; ${y} = t; }\n`; }
      else if (kind < 0.57) out += `if (${cond(ix)}) {\n${stmts(depth + 1, ix, inLoop)}} else {\n${stmts(depth + 1, ix, inLoop)}}\n`;
      else if (kind < 0.65 && inLoop) out += `if (${cond(ix)}) ${pick(['break', 'continue'])};\n`;
      else if (kind < 0.7) out += r() < 0.5 ? `${pick(vars)} = early(${atom(ix)}, ${atom(ix)});\n` : `bump(${pick(vars)}, ${atom(ix)});\n`;
      else if (kind < 0.75) {
        // a register array indexed per lane: memory, ordered against its stores
        const at = ix.length ? `int(mod(float(${pick(ix)}) + ${atom([])}, 4.0))` : `int(mod(${atom([])} * 3.0, 4.0))`;
        out += r() < 0.5 ? `m[${at}] = ${expr(ix)};\n` : `${pick(vars)} = m[${at}];\n`;
      }
      else {
        const i = `i${loopVar++}`;
        const bound = pick([2, 3, 4, 6, 40]);
        const exit = r() < 0.5 ? `if (float(${i}) >= v_x.z) break;\n` : '';
        out += `for (int ${i} = 0; ${i} < ${bound}; ${i}++) {\n${exit}${stmts(depth + 1, [...ix, i], true)}}\n`;
      }
    }
    return out;
  };
  return `float a = v_x.x, b = v_x.y, c = 0.5, d = -1.0;\nfloat m[4]; m[0] = a; m[1] = b; m[2] = c; m[3] = d;\n${stmts(0, [], false)}r = vec4(a + m[0], b + m[1], c + m[2] + m[3], d + calls);`;
}

// functions the programs call: an early return, an inout parameter and a global
const DECLS = `float calls = 0.0;
float early(float x, float y) { calls += 1.0; if (x > y) return x - y; return y * 0.5; }
void bump(inout float x, float y) { x = fract(x * 0.7 + y); calls += 0.5; }`;

// lane l gets v_x = (l / 4, l * 0.5 - 2, 16 - l, 1)
const input = { attribs: { a_x: (l: number) => [l / 4, l * 0.5 - 2, 16 - l, 1] } };

test('random structured programs compute the same with and without the SSA pipeline', () => {
  const seen = { call: 0, loop: 0, exit: 0 };
  for (let seed = 1; seed <= Number(process.env.SEEDS ?? 100); seed++) {
    const src = program(seed);
    if (/early\(|bump\(/.test(src)) seen.call++;
    if (/for \(/.test(src)) seen.loop++;
    if (/break|continue/.test(src)) seen.exit++;
    const plain = evalFS(DECLS, src, { ...input, compile: { noOptimize: true } });
    const opt = evalFS(DECLS, src, input);
    for (let l = 0; l < 16; l++) {
      for (let c = 0; c < 4; c++) {
        const want = plain[l]![c]!, got = opt[l]![c]!;
        assert.ok(got === want || close(got, want, 1e-4, 1e-4), `seed ${seed} lane ${l} comp ${c}: optimised ${got}, plain ${want}\n${src}`);
      }
    }
  }
  // the programs exercise what they are meant to
  assert.ok(seen.call >= 10 && seen.loop >= 20 && seen.exit >= 10, JSON.stringify(seen));
});
