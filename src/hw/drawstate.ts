/**
 * Resolving a DRAW descriptor: the vertex and fragment pipelines both follow
 * its pointers through the MMU — shaders (code fetched with execute
 * permission into the instruction cache), uniforms, attributes, state,
 * textures. Cached per job, since a job's memory is stable while it runs.
 */
import { ATTRIBUTE, DRAW, SHADER, STATE, UNIFORM_RANGE } from '../hwdesc/descriptors.js';
import { unpack, type StructValues } from '../hwdesc/struct.js';
import { GpuFault, type Mmu } from './mmu.js';
import { ACCESS_READ } from '../hwdesc/regs.js';
import { decodeProgram, runWarp, type DecodedOp, type ShaderIO, type Warp } from './shader-core.js';
import { translate, type WarpFn } from './shader-jit.js';
import { compileWasm, wasmWarp } from './shader-wasm.js';
import { CodeCache } from './code-cache.js';
import { bindTexture, type BoundTexture } from './texture.js';
import { vertexKernel, type VertexKernelOutputs } from './vertex-kernel.js';
import type { Watchdog } from './watchdog.js';

/**
 * How shader cores execute fetched code: `wasm` (default) translates it to
 * WebAssembly SIMD (shader-wasm.ts), `js` to a JavaScript function per warp
 * (shader-jit.ts), `interp` runs the reference interpreter.
 */
export const SHADER_MODE = ((): 'wasm' | 'js' | 'interp' => {
  const v = process.env.AKARI_SHADER;
  if (v === undefined || v === '' || v === 'wasm') return 'wasm';
  if (v === 'js' || v === 'interp') return v;
  throw new Error(`AKARI_SHADER=${v}: expected wasm, js or interp`);
})();

/** (frozen: a list a draw shares is never added to) */
const NO_TEXTURES = Object.freeze([]) as unknown as BoundTexture[];

export interface ShaderState {
  va: number;
  desc: StructValues;
  code: DecodedOp[];
  regs: number;
  /** runs one warp of this shader: translated code (AKARI_SHADER=wasm|js), or the reference interpreter (=interp) */
  exec: (warp: Warp, io: ShaderIO) => number;
  /**
   * Runs this shader as a vertex kernel (vertex-kernel.ts) over batch
   * vertices [from, to): the first vertex it left to `exec` (`from` when
   * there is no kernel: AKARI_SHADER js/interp, AKARI_VERTEX_KERNEL=0, a
   * program that indexes its registers).
   */
  warps: (io: ShaderIO, ids: ArrayLike<number>, from: number, to: number, instance: number, out: VertexKernelOutputs, stats: { instructions: number }) => number;
  uniforms: Uint32Array;
  textures: BoundTexture[];
}

export interface DrawState {
  va: number;
  draw: StructValues;
  vs: ShaderState;
  fs: ShaderState;
  state: StructValues;
  attribs: StructValues[];
}

/**
 * A program as the translation cache keeps it: decoded, and translated when
 * not interpreting. `fn(core)` is the translation bound to shader core
 * `core` (its local memory): one translation, an instance per core.
 */
export interface TranslatedProgram { code: DecodedOp[]; fn: ((core: number) => WarpFn) | null }

/** Binds a translation to a core on first use, then hands out the same runner. */
function perCore(make: (core: number) => WarpFn): (core: number) => WarpFn {
  const fns: WarpFn[] = [];
  return (core) => fns[core] ?? (fns[core] = make(core));
}

export class JobCache {
  private draws = new Map<number, DrawState>();
  /**
   * `watch`: the job's watchdog; every warp runs under it (its budget ends at the deadline).
   * `programs`: the cores' translation cache, which outlives the job (code-cache.ts).
   * `core`: the shader core whose work this cache resolves draws for (its translated code runs in that core's local memory).
   */
  constructor(readonly mmu: Mmu, readonly slot: number, readonly watch: Watchdog,
    readonly programs: CodeCache<TranslatedProgram> = new CodeCache(), readonly core = 0) {}

  shader(va: number): ShaderState {
    const mmu = this.mmu, slot = this.slot;
    const desc = unpack(SHADER, mmu.readWords(slot, va, SHADER.words)).values;
    const words = Math.ceil(desc.code_size! / 8) * 2;
    const regs = Math.max(1, desc.registers!);
    // every job fetches its code (execute permission); the cache only saves decoding and translating the same bytes again
    const prog = this.programs.get(mmu.readCode(slot, desc.code!, words), regs, (fetched) => {
      const code = decodeProgram(fetched);
      let fn: TranslatedProgram['fn'] = null;
      if (SHADER_MODE === 'js') { const f = translate(code, regs); fn = () => f; }
      else if (SHADER_MODE === 'wasm') { const mod = compileWasm(code, regs); fn = perCore((core) => wasmWarp(mod, regs, mmu.mem, core)); } // instantiated on this device's memory
      return { code, fn };
    });
    const watch = this.watch, fn = prog.fn ? prog.fn(this.core) : null, decoded = prog.code;
    const exec: ShaderState['exec'] = fn
      ? (w, io) => watch.warp((budget, more) => fn(w, io, budget, more))
      : (w, io) => watch.warp((budget, more) => runWarp(decoded, w, io, budget, more));
    const code = prog.code, core = this.core;
    const warps: ShaderState['warps'] = SHADER_MODE === 'wasm'
      ? (io, ids, from, to, instance, out, stats) => {
        const k = vertexKernel(decoded, regs, mmu.mem, core); // compiled on first use as a vertex shader, then kept with the program
        return k ? k.run(io, watch, ids, from, to, instance, out, stats) : from;
      }
      : (_io, _ids, from) => from;
    const uniforms = desc.uniform_count ? mmu.readWords(slot, desc.uniforms!, desc.uniform_count) : new Uint32Array(0);
    // uniform ranges (GLSL ES 3.00 uniform blocks): memory preloaded over the uniform buffer's words
    for (let i = 0; i < desc.uniform_range_count!; i++) {
      const at = desc.uniform_ranges! + i * UNIFORM_RANGE.align;
      const r = unpack(UNIFORM_RANGE, mmu.readWords(slot, at, UNIFORM_RANGE.words)).values;
      if (r.uniform! + r.words! > uniforms.length) throw new GpuFault(at, slot, ACCESS_READ, 'uniform range past the uniform buffer');
      if (r.words) uniforms.set(mmu.readWords(slot, r.address!, r.words), r.uniform);
    }
    // one list for every program without textures: the kernels' sampler blocks (sampler-wasm.ts bindSamplers) are
    // loaded when a draw's list changes, so draws that only change uniforms do not reload them
    let textures = NO_TEXTURES;
    if (desc.texture_count) {
      const bound: BoundTexture[] = [];
      for (let i = 0; i < desc.texture_count; i++) bound.push(bindTexture(mmu, slot, desc.textures! + i * 32));
      textures = bound;
    }
    return { va, desc, code, regs, exec, warps, uniforms, textures };
  }

  draw(va: number): DrawState {
    let d = this.draws.get(va);
    if (d) return d;
    const mmu = this.mmu, slot = this.slot;
    const draw = unpack(DRAW, mmu.readWords(slot, va, DRAW.words)).values;
    const vs = this.shader(draw.vertex_shader!);
    const fs = this.shader(draw.fragment_shader!);
    const state = unpack(STATE, mmu.readWords(slot, draw.state!, STATE.words)).values;
    const attribs: StructValues[] = [];
    for (let i = 0; i < draw.attrib_count!; i++) {
      attribs.push(unpack(ATTRIBUTE, mmu.readWords(slot, draw.attribs! + i * 32, ATTRIBUTE.words)).values);
    }
    d = { va, draw, vs, fs, state, attribs };
    this.draws.set(va, d);
    return d;
  }
}
