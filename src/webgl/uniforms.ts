/**
 * Uniforms (Mesa's uniforms.c, uniform_query.cpp): locations, values as
 * WebGL 1.0 § 5.14.10 and ES 2.0 § 2.10.4 check them, and their words in
 * each stage's uniform buffer where the compiler placed them.
 */
import type { GLContext } from './glcontext.js';
import { GL } from './constants.js';
import { CAPS } from '../umd/pipe/caps.js';
import { AkActiveInfo, AkProgram, AkUniformLocation } from './objects.js';
import type { ActiveUniform, LinkedProgram } from '../umd/compiler/program.js';
import { UNIFORM_TYPES } from './enums.js';
import { f32ToBits } from '../base/bits.js';
import { glslNameOk } from './shaders.js';

/** What the API shows of a program: state uniforms (gl_ModelViewMatrix...) are the driver's. */
export const apiUniforms = (l: LinkedProgram | null): LinkedProgram['uniforms'] => (l ? l.uniforms.filter((u) => !u.driverState) : []);
const i32v = new Int32Array(1), u32v = new Uint32Array(i32v.buffer);

export function getActiveUniform(ctx: GLContext, p: WebGLProgram, index: number): WebGLActiveInfo | null {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  const u = apiUniforms(x.linked)[index];
  if (!u) { ctx.err(GL.INVALID_VALUE); return null; }
  return new AkActiveInfo(u.name, u.size, u.type);
}

export function getUniformLocation(ctx: GLContext, p: WebGLProgram, name: string): WebGLUniformLocation | null {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  if (!glslNameOk(ctx, name)) { ctx.err(GL.INVALID_VALUE); return null; }
  if (!x.linkStatus) { ctx.err(GL.INVALID_OPERATION); return null; }
  if (/^(gl_|webgl_|_webgl_)/.test(name)) return null;
  for (const u of apiUniforms(x.linked)) {
    if (u.block) continue; // a uniform block's members have no location (ES 3.0 § 2.12.6)
    if (u.name === name) return new AkUniformLocation(x, x.linked, u, 0);
    if (u.name.endsWith('[0]')) {
      const base = u.name.slice(0, -3);
      if (name === base) return new AkUniformLocation(x, x.linked, u, 0);
      const m = /^(.*)\[(\d+)\]$/.exec(name);
      if (m && m[1] === base && +m[2]! < u.size) return new AkUniformLocation(x, x.linked, u, +m[2]!);
    }
  }
  return null;
}

export function getUniform(ctx: GLContext, p: WebGLProgram, loc: WebGLUniformLocation): any {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  if (!(loc instanceof AkUniformLocation) || loc.program !== x || loc.generation !== x.linked) { ctx.err(GL.INVALID_OPERATION); return null; }
  const t = UNIFORM_TYPES[loc.uniform.type]!;
  const v = x.values.get(`${loc.uniform.name}#${loc.index}`) ?? new Array(t.n).fill(0);
  if (t.base === 'b') return t.n === 1 ? !!v[0] : v.map((e) => !!e);
  if (t.base === 's' || (t.base === 'i' && t.n === 1)) return v[0]! | 0;
  if (t.base === 'i') return new Int32Array(v);
  if (t.base === 'u') return t.n === 1 ? v[0]! >>> 0 : new Uint32Array(v);
  return t.n === 1 ? v[0] : new Float32Array(v);
}

/**
 * WebGL 2's (data, srcOffset, srcLength) source of uniform*v (WebGL 2.0 § 3.7.8): srcLength 0 means to the end;
 * past the end is INVALID_VALUE (undefined).
 */
export function uniformSource(ctx: GLContext, data: ArrayLike<number>, srcOffset: number, srcLength: number): ArrayLike<number> | undefined {
  if (srcOffset > data.length || (srcLength !== 0 && srcOffset + srcLength > data.length)) { ctx.err(GL.INVALID_VALUE); return undefined; }
  if (srcOffset === 0 && srcLength === 0) return data;
  const end = srcLength !== 0 ? srcOffset + srcLength : data.length;
  return Array.prototype.slice.call(data, srcOffset, end) as number[];
}

/**
 * Writes uniform values (validated) into both stages' uniform buffers. `kind` is the setter's
 * (f, i, or WebGL 2's ui); ES 3.0 § 2.12.6: a bool takes any of them, a sampler only i.
 */
export function setUniform(ctx: GLContext, loc: WebGLUniformLocation | null, kind: 'f' | 'i' | 'u', n: number, values: ArrayLike<number> | undefined, matrix: boolean | number = false, transpose = false): void {
  if (ctx.lost || values === undefined) return;
  if (loc === null || loc === undefined) return;
  if (!(loc instanceof AkUniformLocation) || loc.program !== ctx.program || loc.generation !== ctx.program?.linked) return ctx.err(GL.INVALID_OPERATION);
  const u = loc.uniform;
  const t = UNIFORM_TYPES[u.type];
  if (!t) return ctx.err(GL.INVALID_OPERATION);
  if (matrix) {
    if (transpose && ctx.version === 1) return ctx.err(GL.INVALID_VALUE); // WebGL 1.0: transpose must be false
    // `matrix` as a number: the setter's column count (uniformMatrix2x3fv: 2 columns), which must be the uniform's
    if (!t.cols || t.n !== n || (typeof matrix === 'number' && t.cols !== matrix)) return ctx.err(GL.INVALID_OPERATION);
  } else {
    if (t.cols || t.n !== n) return ctx.err(GL.INVALID_OPERATION);
    if (t.base !== 'b' && kind !== (t.base === 's' ? 'i' : t.base)) return ctx.err(GL.INVALID_OPERATION);
  }
  if (values.length === 0 || values.length % n) return ctx.err(GL.INVALID_VALUE);
  let count = values.length / n;
  // ES 2.0 § 2.10.4: more than one value is an error for a uniform that is not an array; an array
  // (its active name ends in [0], even at length 1) takes what fits and ignores the rest
  if (count > 1 && !u.name.endsWith('[0]')) return ctx.err(GL.INVALID_OPERATION);
  count = Math.min(count, u.size - loc.index);
  if (t.base === 's') {
    for (let e = 0; e < count; e++) if (values[e]! < 0 || values[e]! >= CAPS.maxCombinedTextureUnits) return ctx.err(GL.INVALID_VALUE);
  }
  const p = ctx.program!;
  const rows = t.cols ? n / t.cols : 0;
  for (let e = 0; e < count; e++) {
    // a transposed matrix (ES 3.0) arrives row by row: column c, row r is element r * cols + c
    const vals = Array.from({ length: n }, (_, k) => Number(values[e * n + (transpose && t.cols ? (k % rows) * t.cols + Math.floor(k / rows) : k)]));
    const stored = t.base === 'b' ? vals.map((v) => (v ? 1 : 0)) : kind === 'i' ? vals.map((v) => v | 0) : kind === 'u' ? vals.map((v) => v >>> 0) : vals.map((v) => Math.fround(v));
    storeUniform(ctx, p, u, loc.index + e, stored);
  }
}

/** Element `el` of uniform `u` becomes `stored` (already converted to the uniform's base type). */
export function storeUniform(ctx: GLContext, p: AkProgram, u: ActiveUniform, el: number, stored: number[]): void {
  const t = UNIFORM_TYPES[u.type]!;
  const n = t.n;
  p.values.set(`${u.name}#${el}`, stored);
  if (t.base === 's') { p.samplerUnits.set(`${u.name}#${el}`, stored[0]!); return; }
  for (const [stage, place] of [['vertex', u.vertex], ['fragment', u.fragment]] as const) {
    if (!place) continue;
    const buf = (stage === 'vertex' ? p.vertex : p.fragment)!.uniforms;
    const base = place.offset + el * place.stride;
    const rows = t.cols ? t.n / t.cols : n;
    const colStride = t.cols ? (place.stride >= t.cols * 4 ? 4 : rows) : 0;
    for (let k = 0; k < n; k++) {
      const at = t.cols ? base + Math.floor(k / rows) * colStride + (k % rows) : base + k;
      if (at < 0 || at >= buf.length) continue;
      if (t.base === 'f') buf[at] = f32ToBits(stored[k]!);
      else if (t.base === 'u') buf[at] = stored[k]! >>> 0;
      else { i32v[0] = stored[k]!; buf[at] = u32v[0]!; }
    }
  }
}

export function uniform1f(ctx: GLContext, l: WebGLUniformLocation | null, x: number): void { setUniform(ctx, l, 'f', 1, [x]); }
export function uniform2f(ctx: GLContext, l: WebGLUniformLocation | null, x: number, y: number): void { setUniform(ctx, l, 'f', 2, [x, y]); }
export function uniform3f(ctx: GLContext, l: WebGLUniformLocation | null, x: number, y: number, z: number): void { setUniform(ctx, l, 'f', 3, [x, y, z]); }
export function uniform4f(ctx: GLContext, l: WebGLUniformLocation | null, x: number, y: number, z: number, w: number): void { setUniform(ctx, l, 'f', 4, [x, y, z, w]); }
export function uniform1i(ctx: GLContext, l: WebGLUniformLocation | null, x: number): void { setUniform(ctx, l, 'i', 1, [x]); }
export function uniform2i(ctx: GLContext, l: WebGLUniformLocation | null, x: number, y: number): void { setUniform(ctx, l, 'i', 2, [x, y]); }
export function uniform3i(ctx: GLContext, l: WebGLUniformLocation | null, x: number, y: number, z: number): void { setUniform(ctx, l, 'i', 3, [x, y, z]); }
export function uniform4i(ctx: GLContext, l: WebGLUniformLocation | null, x: number, y: number, z: number, w: number): void { setUniform(ctx, l, 'i', 4, [x, y, z, w]); }
export function uniform1fv(ctx: GLContext, l: WebGLUniformLocation | null, v: Float32List): void { setUniform(ctx, l, 'f', 1, v); }
export function uniform2fv(ctx: GLContext, l: WebGLUniformLocation | null, v: Float32List): void { setUniform(ctx, l, 'f', 2, v); }
export function uniform3fv(ctx: GLContext, l: WebGLUniformLocation | null, v: Float32List): void { setUniform(ctx, l, 'f', 3, v); }
export function uniform4fv(ctx: GLContext, l: WebGLUniformLocation | null, v: Float32List): void { setUniform(ctx, l, 'f', 4, v); }
export function uniform1iv(ctx: GLContext, l: WebGLUniformLocation | null, v: Int32List): void { setUniform(ctx, l, 'i', 1, v); }
export function uniform2iv(ctx: GLContext, l: WebGLUniformLocation | null, v: Int32List): void { setUniform(ctx, l, 'i', 2, v); }
export function uniform3iv(ctx: GLContext, l: WebGLUniformLocation | null, v: Int32List): void { setUniform(ctx, l, 'i', 3, v); }
export function uniform4iv(ctx: GLContext, l: WebGLUniformLocation | null, v: Int32List): void { setUniform(ctx, l, 'i', 4, v); }
export function uniformMatrix2fv(ctx: GLContext, l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { setUniform(ctx, l, 'f', 4, v, true, t); }
export function uniformMatrix3fv(ctx: GLContext, l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { setUniform(ctx, l, 'f', 9, v, true, t); }
export function uniformMatrix4fv(ctx: GLContext, l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { setUniform(ctx, l, 'f', 16, v, true, t); }

// ---------------------------------------------------------------- WebGL 2: uniform blocks and uniform queries (ES 3.0 § 2.12.6)

const INVALID_INDEX = 0xffffffff;
/** The program's active uniform blocks (each element of a block array is one). */
const blocksOf = (p: AkProgram): NonNullable<LinkedProgram['uniformBlocks']> => p.linked?.uniformBlocks ?? [];
/** The index getActiveUniform gives uniform `i` of the linked program (driver-state uniforms are not listed). */
const apiIndex = (l: LinkedProgram, i: number): number => l.uniforms.slice(0, i).filter((u) => !u.driverState).length;
const GL_UNIFORM_BLOCK = {
  BINDING: 0x8a3f, DATA_SIZE: 0x8a40, ACTIVE_UNIFORMS: 0x8a42, ACTIVE_UNIFORM_INDICES: 0x8a43,
  REFERENCED_BY_VERTEX_SHADER: 0x8a44, REFERENCED_BY_FRAGMENT_SHADER: 0x8a46,
} as const;
const BLOCK_PNAMES: readonly number[] = Object.values(GL_UNIFORM_BLOCK);

export function getUniformBlockIndex(ctx: GLContext, p: WebGLProgram, name: string): number {
  if (ctx.lost) return INVALID_INDEX;
  const x = ctx.live(p, AkProgram);
  if (!x) return INVALID_INDEX;
  const i = blocksOf(x).findIndex((b) => b.name === name);
  return i < 0 ? INVALID_INDEX : i;
}

export function getActiveUniformBlockName(ctx: GLContext, p: WebGLProgram, index: number): string | null {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  if (!x.linkStatus) { ctx.err(GL.INVALID_OPERATION); return null; }
  const b = blocksOf(x)[index];
  if (!b) { ctx.err(GL.INVALID_VALUE); return null; }
  return b.name;
}

export function getActiveUniformBlockParameter(ctx: GLContext, p: WebGLProgram, index: number, pname: number): unknown {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  if (!BLOCK_PNAMES.includes(pname)) { ctx.err(GL.INVALID_ENUM); return null; }
  if (!x.linkStatus) { ctx.err(GL.INVALID_OPERATION); return null; }
  const b = blocksOf(x)[index];
  if (!b) { ctx.err(GL.INVALID_VALUE); return null; }
  switch (pname) {
    case GL_UNIFORM_BLOCK.BINDING: return x.blockBindings[index] ?? 0;
    case GL_UNIFORM_BLOCK.DATA_SIZE: return b.dataSize;
    case GL_UNIFORM_BLOCK.ACTIVE_UNIFORMS: return b.uniforms.length;
    case GL_UNIFORM_BLOCK.ACTIVE_UNIFORM_INDICES: return new Uint32Array(b.uniforms.map((i) => apiIndex(x.linked!, i)));
    case GL_UNIFORM_BLOCK.REFERENCED_BY_VERTEX_SHADER: return b.vertex;
    default: return b.fragment;
  }
}

export function uniformBlockBinding(ctx: GLContext, p: WebGLProgram, index: number, binding: number): void {
  if (ctx.lost) return;
  const x = ctx.live(p, AkProgram);
  if (!x) return;
  if (!x.linkStatus) return ctx.err(GL.INVALID_OPERATION);
  if (index >= blocksOf(x).length || binding >= CAPS.maxUniformBufferBindings) return ctx.err(GL.INVALID_VALUE);
  x.blockBindings[index] = binding;
}

/** getUniformIndices: each name's index in getActiveUniform's list (an array may be named with or without [0]), or INVALID_INDEX. */
export function getUniformIndices(ctx: GLContext, p: WebGLProgram, names: string[]): number[] | null {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  if (!x.linkStatus) { ctx.err(GL.INVALID_OPERATION); return null; }
  const list = apiUniforms(x.linked);
  return names.map((n) => {
    const i = list.findIndex((u) => u.name === n || (u.name.endsWith('[0]') && u.name.slice(0, -3) === n));
    return i < 0 ? INVALID_INDEX : i;
  });
}

/**
 * getActiveUniforms (ES 3.0 § 2.12.6): a uniform block member reports its block, std140 offset and strides;
 * a default-block uniform block index and offsets -1, and is not row-major.
 */
export function getActiveUniforms(ctx: GLContext, p: WebGLProgram, indices: number[], pname: number): unknown {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  const list = apiUniforms(x.linked);
  const get: Record<number, (u: ActiveUniform) => number | boolean> = {
    0x8a37: (u) => u.type, 0x8a38: (u) => u.size, // UNIFORM_TYPE, UNIFORM_SIZE
    0x8a3a: (u) => u.block?.index ?? -1, // UNIFORM_BLOCK_INDEX
    0x8a3b: (u) => u.block?.offset ?? -1, // UNIFORM_OFFSET
    0x8a3c: (u) => u.block?.arrayStride ?? -1, // UNIFORM_ARRAY_STRIDE
    0x8a3d: (u) => u.block?.matrixStride ?? -1, // UNIFORM_MATRIX_STRIDE
    0x8a3e: (u) => u.block?.rowMajor ?? false, // UNIFORM_IS_ROW_MAJOR
  };
  const f = get[pname];
  if (!f) { ctx.err(GL.INVALID_ENUM); return null; }
  if (indices.some((i) => i >= list.length)) { ctx.err(GL.INVALID_VALUE); return null; }
  return indices.map((i) => f(list[i]!));
}
