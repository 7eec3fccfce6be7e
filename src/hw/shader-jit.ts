/**
 * The shader core's translation cache: Akari machine code, once fetched and
 * decoded, is translated into a JavaScript function that runs a whole warp —
 * the way a binary translator (or a GPU's own instruction cache plus wide
 * datapath) amortises decode. It executes the same instructions with the same
 * semantics as the reference interpreter in shader-core.ts; a property test
 * runs random programs through both and compares every register.
 *
 * The ISA's control flow is structured, so it translates to JS blocks: each
 * if/else/endif and loop/endloop nesting level gets its own saved-mask
 * variables, and the masks evolve exactly as the interpreter's stack does.
 */
import { OPCODE, OPS, SRC_KIND_CONST, SRC_KIND_GPR, SRC_KIND_SPECIAL, INLINE_CONSTANTS, TEX_DIM_COORDS } from '../hwdesc/isa.js';
import { f16BitsToF32Bits, f32BitsToF16Bits, f32ToBits } from '../base/bits.js';
import { LANES, ShaderExecError, TEX_FETCH, TEX_SIZE, f2iSat, type DecodedOp, type ShaderIO, type Warp } from './shader-core.js';

/**
 * Runs one warp. Past `maxSteps` instructions (checked at loop back edges)
 * the warp asks `more(steps)` for a new budget — the watchdog's stop check,
 * which throws to stop the job — or, without `more`, fails.
 */
export type WarpFn = (warp: Warp, io: ShaderIO, maxSteps: number, more?: (steps: number) => number) => number;

const O = OPCODE as Record<string, number>;
const CONST_BITS = INLINE_CONSTANTS.map(f32ToBits);

class Emitter {
  lines: string[] = [];
  depth = 0;
  tmp = 0;
  emit(s: string): void { this.lines.push('  '.repeat(this.depth + 1) + s); }
}

export function translate(code: readonly DecodedOp[], regCount: number): WarpFn {
  const e = new Emitter();
  const loops: string[] = []; // names of enclosing loop frames
  const ifs: Array<{ saved: string; taken: string }> = [];
  const loopOff = () => (loops.length ? `~(${loops[loops.length - 1]}_b | ${loops[loops.length - 1]}_c)` : '-1');

  // Operand expressions for lane `l`.
  const raw = (c: number, L = 'l'): string => {
    const kind = c >> 8, idx = c & 255;
    if (kind === SRC_KIND_GPR) return idx < regCount ? `u32[${idx * LANES} + ${L}]` : '0';
    if (kind === SRC_KIND_CONST) return String((CONST_BITS[idx] ?? 0) >>> 0);
    if (kind === SRC_KIND_SPECIAL) return `(io.special(${L}, ${idx}) >>> 0)`;
    if (kind >= 1 && kind <= 4) return `(uni[${(kind - 1) * 256 + idx}] ?? 0)`;
    return '0';
  };
  const flt = (c: number, neg: number, abs: number, L = 'l'): string => {
    const kind = c >> 8, idx = c & 255;
    let s: string;
    if (kind === SRC_KIND_GPR) s = idx < regCount ? `f32[${idx * LANES} + ${L}]` : '0';
    else if (kind === SRC_KIND_CONST) s = `(${INLINE_CONSTANTS[idx] ?? 0})`;
    else s = `bf(${raw(c, L)})`;
    if (abs) s = `Math.abs(${s})`;
    if (neg) s = `(-${s})`;
    return s;
  };
  const lanes = (body: string) => e.emit(`for (let l = 0; l < ${LANES}; l++) if (mask >> l & 1) { ${body} }`);
  const cond = (c: number) => {
    const v = `m${e.tmp++}`;
    e.emit(`let ${v} = 0; for (let l = 0; l < ${LANES}; l++) if ((mask >> l & 1) && ${raw(c)} !== 0) ${v} |= 1 << l;`);
    return v;
  };
  const CMP = ['===', '!==', '<', '>=', '<=', '>'];

  for (let pc = 0; pc < code.length; pc++) {
    const i = code[pc]!;
    const desc = OPS[i.op];
    if (!desc) throw new ShaderExecError(`opcode ${i.op} not executable at ${pc}`);
    const name = desc.name;
    const d = `${i.dst * LANES} + l`;
    const writesReg = desc.form === 'alu' || desc.form === 'imm' || desc.form === 'attr' || name === 'ld_vary' || name === 'ld_vary_flat' || desc.form === 'tex' || name === 'ld_u' || name === 'ld_r' || name === 'ld_g';
    if (writesReg && i.dst >= regCount) throw new ShaderExecError(`instruction ${pc} writes r${i.dst} beyond the ${regCount} registers allocated`);
    e.emit(`steps++; // ${pc}: ${name}`);
    switch (name) {
      case 'nop': break;
      case 'end': e.emit('warp.aliveOut = alive; return steps;'); break;
      case 'movi': lanes(`u32[${d}] = ${i.imm >>> 0};`); break;
      case 'if': {
        const t = cond(i.a), s = `s${e.tmp++}`;
        e.emit(`const ${s} = mask; mask = ${t};`);
        e.emit('if (mask) {');
        e.depth++;
        ifs.push({ saved: s, taken: t });
        break;
      }
      case 'else': {
        const f = ifs[ifs.length - 1];
        if (!f) throw new ShaderExecError(`else without if at ${pc}`);
        e.depth--;
        e.emit('}');
        e.emit(`mask = ${f.saved} & ~${f.taken} & alive & ${loopOff()};`);
        e.emit('if (mask) {');
        e.depth++;
        break;
      }
      case 'endif': {
        const f = ifs.pop();
        if (!f) throw new ShaderExecError(`endif without if at ${pc}`);
        e.depth--;
        e.emit('}');
        e.emit(`mask = ${f.saved} & alive & ${loopOff()};`);
        break;
      }
      case 'loop': {
        const L = `L${e.tmp++}`;
        e.emit(`const ${L}_s = mask; let ${L}_b = 0, ${L}_c = 0;`);
        e.emit(`if (mask) for (;;) {`);
        e.depth++;
        loops.push(L);
        break;
      }
      case 'break': case 'continue': {
        const L = loops[loops.length - 1];
        if (!L) throw new ShaderExecError(`${name} outside a loop at ${pc}`);
        const t = cond(i.a);
        e.emit(`${L}_${name === 'break' ? 'b' : 'c'} |= ${t}; mask &= ~${t};`);
        break;
      }
      case 'endloop': {
        const L = loops.pop();
        if (!L) throw new ShaderExecError(`endloop without loop at ${pc}`);
        e.emit(`mask = (mask | ${L}_c) & ~${L}_b & alive; ${L}_c = 0;`);
        e.emit(`if (!mask) break;`);
        e.emit(`if (steps > maxSteps) { if (!more) throw new ShaderExecError('shader exceeded ' + maxSteps + ' instructions (runaway loop?)'); maxSteps = more(steps); }`);
        e.depth--;
        e.emit('}');
        e.emit(`if (${L}_s) mask = ${L}_s & alive & ${loopOff()};`);
        break;
      }
      case 'discard': {
        const t = cond(i.a);
        e.emit(`alive &= ~${t}; mask &= ~${t};`);
        break;
      }
      case 'ld_attr': lanes(`u32[${d}] = io.ldAttr(l, ${i.slot}, ${i.comp});`); break;
      case 'st_vary': lanes(`io.stVary(l, ${i.slot}, ${raw(i.a)});`); break;
      case 'ld_vary': lanes(`f32[${d}] = io.ldVary(l, ${i.slot});`); break;
      case 'ld_vary_flat': lanes(`u32[${d}] = io.ldVaryFlat(l, ${i.slot});`); break;
      case 'st_out': lanes(`io.stOut(l, ${i.slot}, ${i.comp}, ${raw(i.a)});`); break;
      case 'ld_u': lanes(`const k = ${i.base} + (${raw(i.a)} | 0); u32[${d}] = k >= 0 && k < uni.length ? uni[k] : 0;`); break;
      case 'ld_r': lanes(`const k = ${i.base} + (${raw(i.a)} | 0); u32[${d}] = k >= 0 && k < ${regCount} ? u32[k * ${LANES} + l] : 0;`); break;
      case 'st_r': lanes(`const k = ${i.base} + (${raw(i.a)} | 0); if (k >= 0 && k < ${regCount}) u32[k * ${LANES} + l] = ${raw(i.b)};`); break;
      case 'ld_g': case 'st_g': {
        const ra = i.a & 255;
        const va = `(u32[${(ra + 1) * LANES} + l] * 4294967296 + u32[${ra * LANES} + l] + ${i.base})`;
        lanes(name === 'ld_g' ? `u32[${d}] = io.ldGlobal(${va});` : `io.stGlobal(${va}, ${raw(i.b)});`);
        break;
      }
      case 'tex': {
        const nc = (TEX_DIM_COORDS[i.dim] ?? 2) + i.shadow, base = i.a & 255, g = i.c & 255;
        // fetch and size read integer operands (their values), size writes integers
        const ints = i.cond === TEX_FETCH || i.cond === TEX_SIZE, view = ints ? 'i32' : 'f32';
        e.emit(`for (let l = 0; l < ${LANES}; l++) {`);
        for (let k = 0; k < 4; k++) e.emit(`  tc[l * 4 + ${k}] = ${k < nc && base + k < regCount ? `${view}[${(base + k) * LANES} + l]` : '0'};`);
        e.emit(`  tl[l] = ${ints ? `(${raw(i.b)} | 0)` : flt(i.b, 0, 0)};`);
        if (i.cond === 3) for (let k = 0; k < 4; k++) e.emit(`  tg[l * 4 + ${k}] = ${g + k < regCount ? `f32[${(g + k) * LANES} + l]` : '0'};`);
        e.emit('}');
        const offsets = i.offset ? `(${raw(i.cond === 3 ? i.b : i.c, '0')} | 0)` : '0';
        // int: the words as they are (sample and fetch modes)
        const int = i.int && i.cond !== TEX_SIZE ? 1 : 0;
        e.emit(`io.tex(${i.sampler}, ${i.dim}, ${i.cond}, ${i.cond === 0 || i.cond === 1 ? 'alive' : 'mask'}, tc, tl, tg, to, ${offsets}, ${int});`);
        const out = (k: number) => i.cond === TEX_SIZE ? `i32[${(i.dst + k) * LANES} + l] = f2iSat(to[l * 4 + ${k}]);`
          : int ? `u32[${(i.dst + k) * LANES} + l] = toBits[l * 4 + ${k}];` : `f32[${(i.dst + k) * LANES} + l] = to[l * 4 + ${k}];`;
        const outs = [0, 1, 2, 3].filter((k) => i.dst + k < regCount).map(out).join(' ');
        lanes(outs);
        break;
      }
      case 'fddx': case 'fddy': {
        const v = (q: string) => flt(i.a, i.nega, i.absa, `(${q})`);
        e.emit(`for (let q = 0; q < ${LANES}; q += 4) {`);
        e.emit(`  const v0 = ${v('q')}, v1 = ${v('q + 1')}, v2 = ${v('q + 2')}, v3 = ${v('q + 3')};`);
        e.emit(name === 'fddx'
          ? `  const r0 = v1 - v0, r1 = v3 - v2; if (mask >> q & 1) f32[${i.dst * LANES} + q] = r0; if (mask >> (q + 1) & 1) f32[${i.dst * LANES} + q + 1] = r0; if (mask >> (q + 2) & 1) f32[${i.dst * LANES} + q + 2] = r1; if (mask >> (q + 3) & 1) f32[${i.dst * LANES} + q + 3] = r1;`
          : `  const r0 = v2 - v0, r1 = v3 - v1; if (mask >> q & 1) f32[${i.dst * LANES} + q] = r0; if (mask >> (q + 1) & 1) f32[${i.dst * LANES} + q + 1] = r1; if (mask >> (q + 2) & 1) f32[${i.dst * LANES} + q + 2] = r0; if (mask >> (q + 3) & 1) f32[${i.dst * LANES} + q + 3] = r1;`);
        e.emit('}');
        break;
      }
      default: {
        if (desc.form !== 'alu') throw new ShaderExecError(`opcode ${i.op} (${name}) not executable at ${pc}`);
        if (desc.type === 'f') {
          const a = flt(i.a, i.nega, i.absa), b = flt(i.b, i.negb, i.absb), c = flt(i.c, i.negc, i.absc);
          const exprs: Record<string, string> = {
            mov: a, fadd: `${a} + ${b}`, fmul: `${a} * ${b}`, ffma: `Math.fround(${a} * ${b}) + ${c}`,
            fmin: `((x, y) => (y < x || x !== x ? y : x))(${a}, ${b})`, fmax: `((x, y) => (y > x || x !== x ? y : x))(${a}, ${b})`, frcp: `1 / ${a}`, frsq: `1 / Math.sqrt(${a})`,
            fsqrt: `Math.sqrt(${a})`, fexp2: `2 ** ${a}`, flog2: `Math.log2(${a})`, fsin: `Math.sin(${a})`, fcos: `Math.cos(${a})`,
            ffloor: `Math.floor(${a})`, fceil: `Math.ceil(${a})`, ffract: `(x => x - Math.floor(x))(${a})`, ftrunc: `Math.trunc(${a})`,
            fround: `roundEven(${a})`, fsign: `(x => x > 0 ? 1 : x < 0 ? -1 : 0)(${a})`,
            fcmp: `(${a} ${CMP[i.cond] ?? '==='} ${b}) ? 1 : 0`, fsel: `${raw(i.a)} !== 0 ? ${b} : ${c}`,
            fmod: `((x, y) => x - y * Math.floor(x / y))(${a}, ${b})`, fatan2: `Math.atan2(${a}, ${b})`, fpow: `${a} ** ${b}`,
            ftan: `Math.tan(${a})`, fasin: `Math.asin(${a})`, facos: `Math.acos(${a})`, fatan: `Math.atan(${a})`,
          };
          if (name === 'fcmp' && i.cond > 5) { lanes(`f32[${d}] = 0;`); break; }
          // moves and selects carry bits untouched (integers too); neg/abs act on the sign bit
          const bits = (c: number, n: number, ab: number) => `(((${raw(c)} & ${ab ? 0x7fffffff : 0xffffffff}) ^ ${n ? 0x80000000 : 0}) >>> 0)`;
          if (name === 'mov' && !i.sat) { lanes(`u32[${d}] = ${bits(i.a, i.nega, i.absa)};`); break; }
          if (name === 'fsel' && !i.sat) { lanes(`u32[${d}] = ${raw(i.a)} !== 0 ? ${bits(i.b, i.negb, i.absb)} : ${bits(i.c, i.negc, i.absc)};`); break; }
          if (name === 'f2i') { lanes(`const x = ${a}; i32[${d}] = Number.isNaN(x) ? 0 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(x)));`); break; }
          if (name === 'f2h') { lanes(`u32[${d}] = f2h(f2b(${a}));`); break; }
          if (name === 'f2u') { lanes(`const x = ${a}; u32[${d}] = Number.isNaN(x) ? 0 : Math.max(0, Math.min(4294967295, Math.trunc(x)));`); break; }
          const ex = exprs[name];
          if (!ex) throw new ShaderExecError(`unhandled float op ${name}`);
          lanes(i.sat ? `const r = ${ex}; f32[${d}] = Number.isNaN(r) ? 0 : Math.min(1, Math.max(0, r));` : `f32[${d}] = ${ex};`);
        } else {
          const ra = raw(i.a), rb = raw(i.b);
          const a = `(${ra} | 0)`, b = `(${rb} | 0)`;
          const c = CMP[i.cond];
          const exprs: Record<string, string> = {
            iadd: `i32[${d}] = (${a} + ${b}) | 0;`, isub: `i32[${d}] = (${a} - ${b}) | 0;`, imul: `i32[${d}] = Math.imul(${a}, ${b});`,
            idiv: `const y = ${b}; i32[${d}] = y === 0 ? 0 : (${a} / y) | 0;`, imin: `i32[${d}] = Math.min(${a}, ${b});`,
            imax: `i32[${d}] = Math.max(${a}, ${b});`, and: `i32[${d}] = ${a} & ${b};`, or: `i32[${d}] = ${a} | ${b};`,
            xor: `i32[${d}] = ${a} ^ ${b};`, not: `i32[${d}] = ~${a};`, shl: `i32[${d}] = ${a} << (${b} & 31);`,
            shr: `u32[${d}] = ${ra} >>> (${b} & 31);`, asr: `i32[${d}] = ${a} >> (${b} & 31);`,
            icmp: c ? `u32[${d}] = (${a} ${c} ${b}) ? 1 : 0;` : `u32[${d}] = 0;`,
            ucmp: c ? `u32[${d}] = ((${ra} >>> 0) ${c} (${rb} >>> 0)) ? 1 : 0;` : `u32[${d}] = 0;`,
            i2f: `f32[${d}] = ${a};`, u2f: `f32[${d}] = ${ra} >>> 0;`,
            udiv: `const x = ${ra} >>> 0, y = ${rb} >>> 0; u32[${d}] = y === 0 ? 0 : Math.trunc(x / y);`,
            umod: `const x = ${ra} >>> 0, y = ${rb} >>> 0; u32[${d}] = y === 0 ? x : x % y;`,
            irem: `const x = ${a}, y = ${b}; i32[${d}] = y === 0 ? x : (x % y) | 0;`,
            umin: `u32[${d}] = Math.min(${ra} >>> 0, ${rb} >>> 0);`, umax: `u32[${d}] = Math.max(${ra} >>> 0, ${rb} >>> 0);`,
            h2f: `u32[${d}] = h2f(${ra});`,
          };
          const ex = exprs[name];
          if (!ex) throw new ShaderExecError(`unhandled integer op ${name}`);
          lanes(ex);
        }
      }
    }
  }
  if (ifs.length || loops.length) throw new ShaderExecError('unterminated if or loop');
  const body = `
  const { u32, i32, f32 } = warp;
  const uni = io.uniforms;
  let alive = warp.mask, mask = alive, steps = 0;
${e.lines.join('\n')}
  warp.aliveOut = alive;
  return steps;`;
  // The texture operand buffers belong to the translated program, not to each
  // run: allocating them per warp cost more than the shader itself.
  const factory = new Function('ShaderExecError', 'bf', 'roundEven', 'f2b', 'f2h', 'h2f', 'f2iSat', `
  const tc = new Float32Array(${LANES * 4}), tl = new Float32Array(${LANES}), tg = new Float32Array(${LANES * 4}), to = new Float32Array(${LANES * 4});
  const toBits = new Uint32Array(to.buffer);
  return function akariWarp(warp, io, maxSteps, more) {${body}\n};`);
  return factory(ShaderExecError, bitsToFloat, roundEven, f32ToBits, f32BitsToF16Bits, f16BitsToF32Bits, f2iSat) as WarpFn;
}

const bfF = new Float32Array(1), bfU = new Uint32Array(bfF.buffer);
function bitsToFloat(b: number): number { bfU[0] = b; return bfF[0]!; }
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
void O;
