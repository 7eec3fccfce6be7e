/**
 * Runs compiled and linked programs directly on the shader core: the vertex
 * shader for 16 lanes (one vertex per lane), then the fragment shader for 16
 * lanes fed with the same lane's varyings (no rasterisation: each fragment
 * sees exactly what its vertex wrote, so values can be checked exactly).
 */
import { compileShader, linkProgram, type CompileOptions, type LinkedProgram, type StageBinary } from '../../src/umd/compiler/index.js';
import { decodeProgram, runWarp, Warp, LANES, type ShaderIO } from '../../src/hw/shader-core.js';
import { bitsToF32, f32ToBits } from '../../src/base/bits.js';

export type Values = Record<string, number[] | ((lane: number) => number[])>;

export interface RunInput {
  attribs?: Values;
  uniforms?: Record<string, number[]>;
  fragCoord?: (lane: number) => number[];
  frontFacing?: (lane: number) => boolean;
  attribLocations?: Map<string, number>;
  /** front-end options (default: WebGL's Appendix A restrictions off) */
  compile?: CompileOptions;
}
export interface RunResult {
  prog: LinkedProgram;
  /** per lane: vertex output slots (0..3 position, 4 point size, 8+ varyings) */
  vary: Map<number, number>[];
  /** per lane: rgba of rt0 (undefined when discarded) */
  color: (number[] | undefined)[];
  depth: (number | undefined)[];
  vsSteps: number;
  fsSteps: number;
}

const INT_TYPES = new Set([0x1404, 0x8b53, 0x8b54, 0x8b55, 0x8b56, 0x8b57, 0x8b58, 0x8b59]);

export function link(vsSrc: string, fsSrc: string, attribLocations?: Map<string, number>, opts: CompileOptions = {}): LinkedProgram {
  const vs = compileShader(vsSrc, 'vertex', { enforceAppendixA: false, ...opts });
  if (!vs.ok) throw new Error(`vertex shader failed:\n${vs.infoLog}`);
  const fs = compileShader(fsSrc, 'fragment', { enforceAppendixA: false, ...opts });
  if (!fs.ok) throw new Error(`fragment shader failed:\n${fs.infoLog}`);
  const p = linkProgram(vs, fs, attribLocations ? { attribLocations } : {});
  if (!p.ok) throw new Error(`link failed:\n${p.infoLog}`);
  return p;
}

function uniformBuffer(p: LinkedProgram, stage: 'vertex' | 'fragment', bin: StageBinary, values: Record<string, number[]>): Uint32Array {
  const buf = new Uint32Array(Math.max(1, bin.uniformWords));
  for (const [off, bits] of bin.constants) buf[off] = bits;
  for (const u of p.uniforms) {
    const pl = u[stage];
    if (!pl) continue;
    // (a GLSL 1.20 initializer is the value at link, as the WebGL driver loads it)
    const v = values[u.name] ?? values[u.name.replace(/\[0\]$/, '')] ?? u.initial;
    if (!v) continue;
    const per = u.size > 1 ? v.length / u.size : v.length;
    for (let e = 0; e < u.size; e++) for (let j = 0; j < per; j++) {
      const x = v[e * per + j];
      if (x === undefined) continue;
      buf[pl.offset + e * pl.stride + j] = INT_TYPES.has(u.type) ? x >>> 0 : f32ToBits(x);
    }
  }
  return buf;
}

/** fake texture: rgba = (s, t, third coordinate or lod/bias, sampler slot + mode/10) */
export function fakeTexel(sampler: number, mode: number, c: number[], lod: number): number[] {
  return [c[0]!, c[1]!, c.length > 2 ? c[2]! : lod, sampler + mode / 10];
}

export function run(vsSrc: string, fsSrc: string, inp: RunInput = {}): RunResult {
  const prog = link(vsSrc, fsSrc, inp.attribLocations, inp.compile);
  const vsBin = prog.vertex!, fsBin = prog.fragment!;
  const vary: Map<number, number>[] = Array.from({ length: LANES }, () => new Map());
  const varyRaw: Map<number, number>[] = Array.from({ length: LANES }, () => new Map());
  const color: (number[] | undefined)[] = Array.from({ length: LANES }, () => undefined);
  const depth: (number | undefined)[] = Array.from({ length: LANES }, () => undefined);
  const attrOf = (slot: number, lane: number, comp: number): number => {
    for (const a of prog.attributes) {
      const v = inp.attribs?.[a.name];
      if (!v) continue;
      const vals = typeof v === 'function' ? v(lane) : v;
      const cols = a.type === 0x8b5c ? 4 : a.type === 0x8b5b ? 3 : a.type === 0x8b5a ? 2 : 1;
      const rows = cols > 1 ? cols : 4;
      if (slot < a.slot || slot >= a.slot + cols) continue;
      const col = slot - a.slot;
      const x = cols > 1 ? vals[col * rows + comp] : vals[comp];
      return x ?? (comp === 3 ? 1 : 0);
    }
    return comp === 3 ? 1 : 0;
  };
  const texIO = (sampler: number, dim: number, mode: number, mask: number, coords: Float32Array, lod: Float32Array, _g: Float32Array, out: Float32Array): void => {
    for (let l = 0; l < LANES; l++) {
      if (!(mask & (1 << l))) continue;
      const c = [coords[l * 4]!, coords[l * 4 + 1]!, ...(dim ? [coords[l * 4 + 2]!] : [])];
      fakeTexel(sampler, mode, c, lod[l]!).forEach((x, i) => { out[l * 4 + i] = x; });
    }
  };
  const base = {
    ldGlobal: (): number => 0, stGlobal: (): void => {},
  };
  const vio: ShaderIO = {
    ...base,
    uniforms: uniformBuffer(prog, 'vertex', vsBin, inp.uniforms ?? {}),
    special: (lane, which) => (which === 0 ? lane : which === 1 ? lane : 0),
    ldAttr: (lane, slot, comp) => f32ToBits(attrOf(slot, lane, comp)),
    stVary: (lane, slot, bits) => { vary[lane]!.set(slot, bitsToF32(bits)); varyRaw[lane]!.set(slot, bits >>> 0); },
    ldVary: () => 0,
    ldVaryFlat: () => 0,
    stOut: () => { throw new Error('st_out in a vertex shader'); },
    tex: texIO,
  };
  const vw = new Warp(vsBin.registers);
  const vsSteps = runWarp(decodeProgram(vsBin.code), vw, vio);
  const fio: ShaderIO = {
    ...base,
    uniforms: uniformBuffer(prog, 'fragment', fsBin, inp.uniforms ?? {}),
    special: (lane, which) => {
      if (which >= 3 && which <= 6) return f32ToBits((inp.fragCoord?.(lane) ?? [lane + 0.5, 0.5, 0.5, 1])[which - 3]!);
      if (which === 7) return (inp.frontFacing?.(lane) ?? true) ? 1 : 0;
      if (which === 8) return f32ToBits(0.25);
      if (which === 9) return f32ToBits(0.75);
      return lane;
    },
    ldAttr: () => 0,
    stVary: () => { throw new Error('st_vary in a fragment shader'); },
    ldVary: (lane, slot) => vary[lane]!.get(slot) ?? NaN,
    // flat: the bits as the vertex shader wrote them (lane l's vertex provokes lane l's fragment)
    ldVaryFlat: (lane, slot) => varyRaw[lane]!.get(slot) ?? 0,
    stOut: (lane, rt, comp, bits) => {
      if (rt === 15) { depth[lane] = bitsToF32(bits); return; }
      if (rt !== 0) return;
      (color[lane] ??= [NaN, NaN, NaN, NaN])[comp] = bitsToF32(bits);
    },
    tex: texIO,
  };
  const fw = new Warp(fsBin.registers);
  const fsSteps = runWarp(decodeProgram(fsBin.code), fw, fio);
  for (let l = 0; l < LANES; l++) if (!(fw.aliveOut & (1 << l))) color[l] = undefined;
  return { prog, vary, color, depth, vsSteps, fsSteps };
}

/** A vertex shader `body` whose result `r` (vec4) reaches gl_FragColor through a varying. */
export function evalVS(decls: string, body: string, inp: RunInput = {}): (number[] | undefined)[] {
  const vs = `attribute vec4 a_pos;\n${decls}\nvarying vec4 v_r;\nvoid main() {\n  vec4 r = vec4(0.0);\n${body}\n  v_r = r;\n  gl_Position = a_pos;\n}`;
  const fs = 'precision highp float;\nvarying vec4 v_r;\nvoid main() { gl_FragColor = v_r; }';
  return run(vs, fs, inp).color;
}
/** A fragment shader `body` computing vec4 `r`; the vertex shader passes a_x (vec4) as v_x. */
export function evalFS(decls: string, body: string, inp: RunInput = {}): (number[] | undefined)[] {
  const vs = 'attribute vec4 a_x;\nvarying vec4 v_x;\nvoid main() { v_x = a_x; gl_Position = a_x; }';
  const fs = `precision highp float;\nvarying vec4 v_x;\n${decls}\nvoid main() {\n  vec4 r = vec4(0.0);\n${body}\n  gl_FragColor = r;\n}`;
  return run(vs, fs, inp).color;
}

export function close(actual: number, expected: number, rel = 1e-5, abs = 1e-5): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= Math.max(abs, rel * Math.abs(expected));
}
