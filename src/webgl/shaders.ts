/**
 * Shader and program objects (Mesa's shaderapi.c): sources, compilation by
 * the GLSL compiler (umd/compiler), attachment, linking, the program's code
 * in GPU memory, attributes and their locations.
 */
import type { GLContext } from './glcontext.js';
import { GL, GL2 } from './constants.js';
import { CAPS } from '../umd/pipe/caps.js';
import { AkActiveInfo, AkPrecisionFormat, AkProgram, AkShader } from './objects.js';
import type { CompiledShader, LinkedProgram, LinkOptions, Stage, StageBinary } from '../umd/compiler/program.js';
import { glslExtensions } from './extensions.js';
import { apiUniforms, storeUniform } from './uniforms.js';
import type { Bo } from '../umd/device.js';
import { fixedFunctionFragmentSource, fixedFunctionVertexSource } from './fixed-function.js';
import { UNIFORM_TYPES } from './enums.js';
import * as compiler from '../umd/compiler/index.js';
import type { GlslType } from '../umd/compiler/glsl/types.js';

/** the #version a WebGL 1 context compiles: ES 1.00 only (WebGL 1.0 § 4.3; CTS glsl/misc/shader-with-version-120.vert.html) */
const WEBGL1_GLSL_VERSIONS = [100] as const;
/** a WebGL 2 context compiles GLSL ES 1.00 and 3.00 (WebGL 2.0 § 4.3) */
const WEBGL2_GLSL_VERSIONS = [100, 300] as const;

/** What the API shows of a program: built-in attributes are the driver's. */
export const apiAttributes = (l: LinkedProgram | null): LinkedProgram['attributes'] => (l ? l.attributes.filter((a) => !a.conventional) : []);

export function getShaderPrecisionFormat(ctx: GLContext, shadertype: number, precisiontype: number): WebGLShaderPrecisionFormat | null {
  if (ctx.lost) return null;
  if (shadertype !== GL.VERTEX_SHADER && shadertype !== GL.FRAGMENT_SHADER) { ctx.err(GL.INVALID_ENUM); return null; }
  switch (precisiontype) {
    case GL.LOW_FLOAT: case GL.MEDIUM_FLOAT: case GL.HIGH_FLOAT: return new AkPrecisionFormat(127, 127, 23);
    case GL.LOW_INT: case GL.MEDIUM_INT: case GL.HIGH_INT: return new AkPrecisionFormat(31, 30, 0);
    default: ctx.err(GL.INVALID_ENUM); return null;
  }
}

export function createShader(ctx: GLContext, type: number): WebGLShader | null {
  if (ctx.lost) return null;
  if (type !== GL.VERTEX_SHADER && type !== GL.FRAGMENT_SHADER) { ctx.err(GL.INVALID_ENUM); return null; }
  return new AkShader(ctx.gen, type);
}

export function isShader(ctx: GLContext, s: WebGLShader | null): boolean { return !ctx.lost && s instanceof AkShader && s.owner === ctx.gen && !s.deleted; }

/**
 * glDeleteShader: a shader attached to a program is only flagged for deletion (DELETE_STATUS true, the name stays
 * valid) and goes when the last program lets it go (ES 2.0 § 2.10.1; CTS misc/object-deletion-behaviour.html).
 */
export function deleteShader(ctx: GLContext, s: WebGLShader | null): void {
  if (ctx.lost) return;
  const x = ctx.own(s, AkShader);
  if (!x || x.deleted) return;
  x.deletePending = true;
  if (x.attachedTo === 0) x.deleted = true;
}

/** A program lets go of a shader (detach, or the program's own deletion): a flagged shader goes with its last holder. */
function release(s: AkShader): void {
  s.attachedTo--;
  if (s.deletePending && s.attachedTo === 0) s.deleted = true;
}

export function shaderSource(ctx: GLContext, s: WebGLShader, src: string): void {
  if (ctx.lost) return;
  const x = ctx.live(s, AkShader);
  if (x) x.source = String(src);
}

export function getShaderSource(ctx: GLContext, s: WebGLShader): string | null {
  if (ctx.lost) return null;
  const x = ctx.live(s, AkShader);
  return x ? x.source : null;
}

/** what GLSL ES 1.00 Appendix A.7's packing check measures against: the limits getParameter reports */
const GLSL_PACKING_LIMITS = { varyingVectors: CAPS.maxVaryingVectors, vertexUniformVectors: CAPS.maxUniformVectors, fragmentUniformVectors: CAPS.maxUniformVectors };

export function compileShader(ctx: GLContext, s: WebGLShader): void {
  if (ctx.lost) return;
  const x = ctx.live(s, AkShader);
  if (!x) return;
  const stage: Stage = x.type === GL.VERTEX_SHADER ? 'vertex' : 'fragment';
  // a WebGL shader's #extension sees only the extensions the application enabled (WebGL 1.0 § 5.14.14);
  // a compatibility context's desktop GLSL has them all. WebGL 1.0 accepts no GLSL ES 3.00
  // (`#version 300 es` fails to compile); the compatibility profile (piglit's runner) takes every
  // version the compiler implements. The struct nesting limit is a WebGL 1.0 §6 rule, not a GLSL ES
  // one (`webgl`); WebGL 2.0 inherits it for both GLSL versions (the 2.0.0 suite's
  // conformance/glsl/misc/struct-nesting-exceeds-maximum runs on a WebGL 2 context)
  x.compiled = compiler.compileShader(x.source, stage, ctx.compatProfile ? {} : {
    extensions: glslExtensions(ctx), versions: ctx.version === 2 ? WEBGL2_GLSL_VERSIONS : WEBGL1_GLSL_VERSIONS,
    maxTokenLength: glslMaxLength(ctx),
    webgl: true, packing: GLSL_PACKING_LIMITS,
    // WebGL 2.0 allows only std140 uniform blocks (CTS glsl3/uniform-block-layouts.html)
    // and has its own GLSL ES 3.00 rules (#version on line 1, § 5.26's operators)
    ...(ctx.version === 2 ? { std140Only: true, webgl2: true } : {}),
  });
}

export function getShaderParameter(ctx: GLContext, s: WebGLShader, pname: number): any {
  if (ctx.lost) return null;
  const x = ctx.live(s, AkShader);
  if (!x) return null;
  switch (pname) {
    case GL.SHADER_TYPE: return x.type;
    case GL.DELETE_STATUS: return x.deletePending;
    case GL.COMPILE_STATUS: return !!x.compiled?.ok;
  }
  ctx.err(GL.INVALID_ENUM);
  return null;
}

export function getShaderInfoLog(ctx: GLContext, s: WebGLShader): string | null {
  if (ctx.lost) return null;
  const x = ctx.live(s, AkShader);
  return x ? (x.compiled?.infoLog ?? '') : null;
}

export function createProgram(ctx: GLContext): WebGLProgram { return (ctx.lost ? null : new AkProgram(ctx.gen)) as WebGLProgram; }
export function isProgram(ctx: GLContext, p: WebGLProgram | null): boolean { return !ctx.lost && p instanceof AkProgram && p.owner === ctx.gen && !p.deleted; }

/** glDeleteProgram: the current program is only flagged (ES 2.0 § 2.10.3) and goes when another replaces it. */
export function deleteProgram(ctx: GLContext, p: WebGLProgram | null): void {
  if (ctx.lost) return;
  const x = ctx.own(p, AkProgram);
  if (!x || x.deleted) return;
  x.deletePending = true;
  if (ctx.program !== x) destroyProgram(ctx, x);
}

/** The program goes: its name, its machine code, and its hold on its shaders. */
function destroyProgram(ctx: GLContext, x: AkProgram): void {
  x.deleted = true;
  freeProgram(ctx, x);
  for (const s of [x.vs, x.fs, ...x.more]) if (s) release(s);
  x.vs = x.fs = null;
  x.more = [];
}

export function freeProgram(ctx: GLContext, p: AkProgram): void {
  for (const st of [p.vertex, p.fragment]) if (st) ctx.gpu.releaseBo(st.codeBo);
  p.vertex = p.fragment = null;
}

export function attachShader(ctx: GLContext, p: WebGLProgram, s: WebGLShader): void {
  if (ctx.lost) return;
  const x = ctx.live(p, AkProgram), y = ctx.live(s, AkShader);
  if (!x || !y) return;
  const slot = y.type === GL.VERTEX_SHADER ? 'vs' : 'fs';
  if (x.vs === y || x.fs === y || x.more.includes(y)) return ctx.err(GL.INVALID_OPERATION);
  if (!x[slot]) x[slot] = y;
  // OpenGL (not WebGL) lets a program hold several shaders of a stage
  else if (ctx.compatProfile) x.more.push(y);
  else return ctx.err(GL.INVALID_OPERATION);
  y.attachedTo++;
}

export function detachShader(ctx: GLContext, p: WebGLProgram, s: WebGLShader): void {
  if (ctx.lost) return;
  const x = ctx.live(p, AkProgram), y = ctx.live(s, AkShader);
  if (!x || !y) return;
  const slot = y.type === GL.VERTEX_SHADER ? 'vs' : 'fs';
  const k = x.more.indexOf(y);
  if (k >= 0) { x.more.splice(k, 1); release(y); return; }
  if (x[slot] !== y) return ctx.err(GL.INVALID_OPERATION);
  // another shader of the stage, if any, takes the first place
  const next = x.more.findIndex((m) => m.type === y.type);
  x[slot] = next >= 0 ? x.more.splice(next, 1)[0]! : null;
  release(y);
}

export function getAttachedShaders(ctx: GLContext, p: WebGLProgram): WebGLShader[] | null {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  return x ? [x.vs, x.fs, ...x.more].filter((s): s is AkShader => !!s) : null;
}

/** WebGL's "Maximum GLSL Token Size" and "Maximum Uniform and Attribute Location Lengths": 256 in WebGL 1.0, 1024 in WebGL 2.0. */
export function glslMaxLength(ctx: GLContext): number { return ctx.version === 2 ? 1024 : 256; }

/**
 * A name a GL call takes as a GLSL identifier (bindAttribLocation, getAttribLocation, getUniformLocation): WebGL 1.0
 * § 6.20 makes a character outside the GLSL ES source character set INVALID_VALUE (the set has no " $ ` @ \ '), and
 * a name longer than glslMaxLength.
 */
export function glslNameOk(ctx: GLContext, name: string): boolean {
  return name.length <= glslMaxLength(ctx) && /^[A-Za-z0-9_.+\-/*%<>[\](){}^|&~=!:;,?# \t\v\f\r\n]*$/.test(name);
}

export function bindAttribLocation(ctx: GLContext, p: WebGLProgram, index: number, name: string): void {
  if (ctx.lost) return;
  const x = ctx.live(p, AkProgram);
  if (!x) return;
  if (index >= CAPS.maxVertexAttribs || index < 0) return ctx.err(GL.INVALID_VALUE);
  if (!glslNameOk(ctx, name)) return ctx.err(GL.INVALID_VALUE);
  if (/^(gl_|webgl_|_webgl_)/.test(name)) return ctx.err(GL.INVALID_OPERATION);
  x.attribBindings.set(name, index);
}

export function linkProgram(ctx: GLContext, p: WebGLProgram): void {
  if (ctx.lost) return;
  const x = ctx.live(p, AkProgram);
  if (!x) return;
  // ES 3.0 § 2.15.2: a program an active transform feedback object captures from (paused or not) is not relinked
  if (x.tfUses > 0) return ctx.err(GL.INVALID_OPERATION);
  // relinking the program in use: if this link fails, draws go on with the executable it had
  const inUse = ctx.program === x ? (ctx.programExecutable ?? (x.linkStatus ? Object.assign(Object.create(AkProgram.prototype) as AkProgram, x) : null)) : null;
  x.linkStatus = false;
  x.linked = null;
  x.values = new Map();
  x.samplerUnits = new Map();
  linkStages(ctx, x);
  if (ctx.program === x) ctx.programExecutable = x.linkStatus ? null : inUse;
}

function linkStages(ctx: GLContext, x: AkProgram): void {
  // a compatibility context replaces a missing stage (not both) with fixed-function processing
  const ff = ctx.compatProfile && !x.vs !== !x.fs;
  const vsC = x.vs?.compiled ?? (ff ? fixedFunction(ctx, 'vertex') : null);
  const fsC = x.fs?.compiled ?? (ff ? fixedFunction(ctx, 'fragment') : null);
  if (!vsC?.ok || !fsC?.ok) {
    x.infoLog = 'ERROR: a vertex and a fragment shader, both compiled successfully, must be attached\n';
    return;
  }
  const linkOpts: LinkOptions = {
    attribLocations: new Map(x.attribBindings), maxVertexAttribs: CAPS.maxVertexAttribs, attributeAliasing: ctx.compatProfile,
    // ES 3.0 § 2.11.8: transformFeedbackVaryings' request takes effect here (the compiler places and checks them)
    ...(x.tfVaryings.length ? { transformFeedback: { varyings: x.tfVaryings, separate: x.tfMode === GL2.SEPARATE_ATTRIBS } } : {}),
  };
  const units = (type: number, first: CompiledShader): CompiledShader[] => [first, ...x.more.filter((m) => m.type === type).map((m) => m.compiled!)];
  if (x.more.some((m) => !m.compiled?.ok)) {
    x.infoLog = 'ERROR: every attached shader must have compiled successfully\n';
    return;
  }
  const linked = x.more.length
    ? compiler.linkProgramUnits(units(GL.VERTEX_SHADER, vsC), units(GL.FRAGMENT_SHADER, fsC), linkOpts)
    : compiler.linkProgram(vsC, fsC, linkOpts);
  x.infoLog = linked.infoLog;
  if (!linked.ok || !linked.vertex || !linked.fragment) return;
  if (ctx.program === x) ctx.gpu.flush(); // earlier draws still reference the old code
  const old = [x.vertex, x.fragment];
  x.vertex = stageRuntime(ctx, linked.vertex);
  x.fragment = stageRuntime(ctx, linked.fragment);
  for (const st of old) if (st) ctx.gpu.releaseBo(st.codeBo);
  x.tfLinked = (linked.transformFeedback?.varyings ?? []).map((v) => new AkActiveInfo(v.name, v.size, v.type));
  x.tfLinkedMode = x.tfMode;
  x.fragOutputKinds = fragOutputKinds(fsC);
  x.linked = linked;
  x.linkStatus = true;
  // ES 3.0 § 2.12.6: a successful link sets every uniform block's binding to zero
  x.blockBindings = [];
  // GLSL 1.20 uniform initializers are the uniforms' values after linking (GL 2.1 §2.15.3)
  for (const u of linked.uniforms) {
    const t = UNIFORM_TYPES[u.type];
    if (!u.initial || !t) continue;
    for (let el = 0; el < u.size; el++) {
      const vals = u.initial.slice(el * t.n, el * t.n + t.n);
      storeUniform(ctx, x, u, el, t.base === 'f' ? vals.map((v) => Math.fround(v)) : vals.map((v) => v | 0));
    }
  }
}

/** The generated fixed-function shader of a stage, compiled once per context. */
export function fixedFunction(ctx: GLContext, stage: Stage): CompiledShader {
  const key = stage === 'vertex' ? 'vs' : 'fs';
  return (ctx.ffShaders[key] ??= compiler.compileShader(stage === 'vertex' ? fixedFunctionVertexSource() : fixedFunctionFragmentSource(), stage));
}

export function stageRuntime(ctx: GLContext, b: StageBinary): { codeBo: Bo; uniforms: Uint32Array } {
  const codeBo = ctx.gpu.allocBo(Math.max(64, b.code.length * 4), 'rx');
  codeBo.write(0, b.code);
  const uniforms = new Uint32Array(Math.max(0, b.uniformWords));
  for (const [off, bits] of b.constants) if (off < uniforms.length) uniforms[off] = bits;
  return { codeBo, uniforms };
}

export function validateProgram(ctx: GLContext, p: WebGLProgram): void {
  if (ctx.lost) return;
  const x = ctx.live(p, AkProgram);
  if (x) x.validateStatus = x.linkStatus;
}

export function getProgramParameter(ctx: GLContext, p: WebGLProgram, pname: number): any {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  switch (pname) {
    case GL.DELETE_STATUS: return x.deletePending;
    case GL.LINK_STATUS: return x.linkStatus;
    case GL.VALIDATE_STATUS: return x.validateStatus;
    case GL.ATTACHED_SHADERS: return (x.vs ? 1 : 0) + (x.fs ? 1 : 0) + x.more.length;
    case GL.ACTIVE_ATTRIBUTES: return apiAttributes(x.linked).length;
    case GL.ACTIVE_UNIFORMS: return apiUniforms(x.linked).length;
  }
  if (ctx.version === 2) {
    switch (pname) {
      // the compiler has no uniform blocks yet (a shader declaring one does not compile)
      case GL2.ACTIVE_UNIFORM_BLOCKS: return x.linked?.uniformBlocks?.length ?? 0;
      case GL2.TRANSFORM_FEEDBACK_BUFFER_MODE: return x.tfLinkedMode;
      case GL2.TRANSFORM_FEEDBACK_VARYINGS: return x.tfLinked.length;
    }
  }
  ctx.err(GL.INVALID_ENUM);
  return null;
}

export function getProgramInfoLog(ctx: GLContext, p: WebGLProgram): string | null {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  return x ? x.infoLog : null;
}

export function useProgram(ctx: GLContext, p: WebGLProgram | null): void {
  if (ctx.lost) return;
  const x = ctx.own(p, AkProgram);
  if (x === undefined) return;
  if (x && (x.deleted || !x.linkStatus)) return ctx.err(x.deleted ? GL.INVALID_VALUE : GL.INVALID_OPERATION);
  // ES 3.0 § 2.15.2: not while transform feedback is active and not paused
  if (ctx.transformFeedback.active && !ctx.transformFeedback.paused) return ctx.err(GL.INVALID_OPERATION);
  const prev = ctx.program;
  ctx.program = x;
  ctx.programExecutable = null;
  if (prev && prev !== x && prev.deletePending) destroyProgram(ctx, prev);
}

export function getActiveAttrib(ctx: GLContext, p: WebGLProgram, index: number): WebGLActiveInfo | null {
  if (ctx.lost) return null;
  const x = ctx.live(p, AkProgram);
  if (!x) return null;
  const a = apiAttributes(x.linked)[index];
  if (!a) { ctx.err(GL.INVALID_VALUE); return null; }
  return new AkActiveInfo(a.name, a.size, a.type);
}

export function getAttribLocation(ctx: GLContext, p: WebGLProgram, name: string): number {
  if (ctx.lost) return -1;
  const x = ctx.live(p, AkProgram);
  if (!x) return -1;
  if (!glslNameOk(ctx, name)) { ctx.err(GL.INVALID_VALUE); return -1; }
  if (!x.linkStatus) { ctx.err(GL.INVALID_OPERATION); return -1; }
  return apiAttributes(x.linked).find((a) => a.name === name)?.slot ?? -1;
}

/** WEBGL_debug_shaders: the shader as Akari's compiler hands it to the back end (its IR after optimisation); '' if it did not compile. */
export function getTranslatedShaderSource(ctx: GLContext, s: WebGLShader): string | null {
  if (ctx.lost) return null;
  const x = ctx.live(s, AkShader);
  if (!x) return null;
  return x.compiled?.ok ? (compiler.shaderIr(x.compiled) ?? '') : '';
}

/** A compiled shader's user-declared globals of a storage class (the front end's: 'varying' for vertex outputs, 'fragout' for GLSL ES 3.00 fragment outputs). */
function declared(c: CompiledShader | null, storage: string): Array<{ name: string; location?: number; type: GlslType }> {
  const fe = (c?.internal as { frontEnd?: { ast?: { globals: Array<{ name: string; storage: string; builtin: boolean; location?: number; type: GlslType }> } } } | undefined)?.frontEnd;
  return (fe?.ast?.globals ?? []).filter((g) => g.storage === storage && !g.builtin);
}

/** The locations a fragment shader's declared outputs cover, by basic type (a `vec4 o[2]` at location 1 covers 1 and 2). */
function fragOutputKinds(c: CompiledShader): AkProgram['fragOutputKinds'] {
  const kinds = { float: 0, int: 0, uint: 0 };
  for (const o of declared(c, 'fragout')) {
    const el = o.type.tag === 'array' ? o.type.element : o.type;
    const base = el.tag === 'scalar' || el.tag === 'vector' ? el.base : 'float';
    const kind = base === 'int' ? 'int' : base === 'uint' ? 'uint' : 'float';
    const size = o.type.tag === 'array' ? o.type.size : 1;
    for (let i = 0; i < size; i++) kinds[kind] |= 1 << ((o.location ?? 0) + i);
  }
  return kinds;
}

/**
 * ES 3.0 § 3.9.2 GetFragDataLocation: a GLSL ES 3.00 fragment output's location (its layout
 * location, or 0 for the one output without one); -1 for any other name or a GLSL ES 1.00 shader.
 */
export function getFragDataLocation(ctx: GLContext, p: WebGLProgram, name: string): number {
  if (ctx.lost) return -1;
  const x = ctx.live(p, AkProgram);
  if (!x) return -1;
  if (!x.linkStatus) { ctx.err(GL.INVALID_OPERATION); return -1; }
  if (/^(gl_|webgl_|_webgl_)/.test(name)) return -1;
  const m = /^(\w+)(?:\[(\d+)\])?$/.exec(name);
  if (!m) return -1;
  const outs = declared(x.fs?.compiled ?? null, 'fragout');
  const o = outs.find((v) => v.name === m[1]);
  if (!o) return -1;
  const size = o.type.tag === 'array' ? (o.type as { size: number }).size : 1;
  const el = m[2] === undefined ? 0 : Number(m[2]);
  if (el >= size || (m[2] !== undefined && o.type.tag !== 'array')) return -1;
  return (o.location ?? 0) + el;
}
