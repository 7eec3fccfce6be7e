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
  if (name.length > 256) { ctx.err(GL.INVALID_VALUE); return null; }
  if (!x.linkStatus) { ctx.err(GL.INVALID_OPERATION); return null; }
  if (/^(gl_|webgl_|_webgl_)/.test(name)) return null;
  for (const u of apiUniforms(x.linked)) {
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
  return t.n === 1 ? v[0] : new Float32Array(v);
}

/** Writes uniform values (validated) into both stages' uniform buffers. */
export function setUniform(ctx: GLContext, loc: WebGLUniformLocation | null, kind: 'f' | 'i', n: number, values: ArrayLike<number>, matrix = false, transpose = false): void {
  if (ctx.lost || loc === null || loc === undefined) return;
  if (!(loc instanceof AkUniformLocation) || loc.program !== ctx.program || loc.generation !== ctx.program?.linked) return ctx.err(GL.INVALID_OPERATION);
  const u = loc.uniform;
  const t = UNIFORM_TYPES[u.type];
  if (!t) return ctx.err(GL.INVALID_OPERATION);
  if (matrix) {
    if (transpose) return ctx.err(GL.INVALID_VALUE); // WebGL 1.0: transpose must be false
    if (!t.cols || t.n !== n) return ctx.err(GL.INVALID_OPERATION);
  } else {
    if (t.cols || t.n !== n) return ctx.err(GL.INVALID_OPERATION);
    if (kind === 'f' && (t.base === 'i' || t.base === 's')) return ctx.err(GL.INVALID_OPERATION);
    if (kind === 'i' && t.base === 'f') return ctx.err(GL.INVALID_OPERATION);
  }
  if (values.length === 0 || values.length % n) return ctx.err(GL.INVALID_VALUE);
  let count = values.length / n;
  if (count > 1 && u.size === 1) return ctx.err(GL.INVALID_OPERATION);
  count = Math.min(count, u.size - loc.index);
  if (t.base === 's') {
    for (let e = 0; e < count; e++) if (values[e]! < 0 || values[e]! >= CAPS.maxTextureUnits) return ctx.err(GL.INVALID_VALUE);
  }
  const p = ctx.program!;
  for (let e = 0; e < count; e++) {
    const vals = Array.from({ length: n }, (_, k) => Number(values[e * n + k]));
    const stored = t.base === 'b' ? vals.map((v) => (v ? 1 : 0)) : kind === 'i' ? vals.map((v) => v | 0) : vals.map((v) => Math.fround(v));
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
