/**
 * Resolving a DRAW descriptor: the vertex and fragment pipelines both follow
 * its pointers through the MMU — shaders (code fetched with execute
 * permission into the instruction cache), uniforms, attributes, state,
 * textures. Cached per job, since a job's memory is stable while it runs.
 */
import { ATTRIBUTE, DRAW, SHADER, STATE } from '../hwdesc/descriptors.js';
import { unpack, type StructValues } from '../hwdesc/struct.js';
import type { Mmu } from './mmu.js';
import { decodeProgram, type DecodedOp } from './shader-core.js';
import { bindTexture, type BoundTexture } from './texture.js';

export interface ShaderState {
  va: number;
  desc: StructValues;
  code: DecodedOp[];
  regs: number;
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

export class JobCache {
  private code = new Map<number, DecodedOp[]>();
  private draws = new Map<number, DrawState>();
  constructor(readonly mmu: Mmu, readonly slot: number) {}

  shader(va: number): ShaderState {
    const mmu = this.mmu, slot = this.slot;
    const desc = unpack(SHADER, mmu.readWords(slot, va, SHADER.words)).values;
    const words = Math.ceil(desc.code_size! / 8) * 2;
    let code = this.code.get(desc.code! * 4096 + words);
    if (!code) {
      code = decodeProgram(mmu.readCode(slot, desc.code!, words));
      this.code.set(desc.code! * 4096 + words, code);
    }
    const uniforms = desc.uniform_count ? mmu.readWords(slot, desc.uniforms!, desc.uniform_count) : new Uint32Array(0);
    const textures: BoundTexture[] = [];
    for (let i = 0; i < desc.texture_count!; i++) textures.push(bindTexture(mmu, slot, desc.textures! + i * 32));
    return { va, desc, code, regs: Math.max(1, desc.registers!), uniforms, textures };
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
