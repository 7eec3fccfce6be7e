/**
 * The GLSL compiler: front end (glsl/) -> IR lowering (ir/from-ast.ts) ->
 * optimisation passes (passes/) at compile time; varying and attribute
 * placement and code generation (backend/) at link time, when both stages
 * are known — so a varying the fragment shader never reads costs the vertex
 * shader nothing, and attribute slots follow bindAttribLocation.
 *
 * This file implements the driver contract of program.ts.
 */
import { compileFrontEnd, compileFrontEndUnits, type FrontEndOptions, type FrontEndResult } from './glsl/index.js';
import { flatSize, typeToString, FLOAT as FLOAT_T, vecType, type GlslType } from './glsl/types.js';
import { CLIP_DISTANCE_VARYING, lowerShader, type Lowered } from './ir/from-ast.js';
import { forEachInstr, printShader, type IrShader } from './ir/ir.js';
import { optimize, runPass } from './passes/runner.js';
import { inlineFunctions } from './passes/inline-functions.js';
import { generate, type BackendOutput } from './backend/codegen.js';
import { MAX_VARY_SLOTS, VARY_FIRST_USER, VARY_POINT_SIZE, VARY_POSITION } from '../../hwdesc/isa.js';
import { CAPS } from '../pipe/caps.js';
import { disassembleBlob } from '../../hwdesc/isa-codec.js';
import { SHADER } from '../../hwdesc/descriptors.js';
import type {
  ActiveAttribute, ActiveUniform, ActiveUniformBlock, CompiledShader, LinkOptions, LinkedProgram, LinkedTransformFeedback, Stage, StageBinary, StageUniformBlock,
  TransformFeedbackVarying, UniformPlacement,
} from './program.js';
import type { UniformBlock } from './glsl/ast.js';
import { layoutBlock } from './std140.js';

export type * from './program.js';

export interface CompileOptions extends FrontEndOptions {
  /** skip the optimisation passes */
  noOptimize?: boolean;
  /** called with the IR after lowering ('lower') and after each pass */
  trace?: (pass: string, ir: IrShader, progress: boolean) => void;
}

export interface CompiledInternal {
  frontEnd: FrontEndResult;
  /** absent for a desktop shader without `main`: it links only together with other shaders */
  lowered?: Lowered;
  /** kept to check several shaders of one stage together at link time */
  source: string;
  options: CompileOptions;
}

export function compileShader(source: string, stage: Stage, opts: CompileOptions = {}): CompiledShader {
  // desktop GLSL: a shader without main() compiles (another shader of the stage may define it);
  // GLSL ES / WebGL reports it when compiling
  let fe = compileFrontEnd(source, stage, { ...opts, requireMain: false });
  if (fe.ok && fe.ast && !fe.ast.main) {
    if (fe.version === 100 && opts.requireMain !== false) fe = compileFrontEnd(source, stage, opts);
    else return { stage, ok: true, infoLog: fe.infoLog, internal: { frontEnd: fe, source, options: opts } satisfies CompiledInternal };
  }
  return finishCompile(fe, stage, opts, source);
}

function finishCompile(fe: FrontEndResult, stage: Stage, opts: CompileOptions, source: string): CompiledShader {
  if (!fe.ok || !fe.ast) return { stage, ok: false, infoLog: fe.infoLog };
  try {
    const lowered = lowerShader(fe.ast);
    opts.trace?.('lower', lowered.ir, true);
    if (!opts.noOptimize) optimize(lowered.ir, opts.trace);
    else runPass(lowered.ir, 'inline-functions', inlineFunctions);
    forEachInstr(lowered.ir.body, (i) => {
      // a sampler array is indexed by constant-index-expressions: after unrolling and folding, constants
      if (i.op === 'tex' && i.samplerIndex) throw new Error('sampler array index is not a constant after unrolling (or is out of range)');
      if (i.op === 'tex' && !(i.idx! >= 0 && i.idx! < lowered.samplerSlots.size)) throw new Error('sampler index out of range');
    });
    const internal: CompiledInternal = { frontEnd: fe, lowered, source, options: opts };
    return { stage, ok: true, infoLog: fe.infoLog, internal };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { stage, ok: false, infoLog: `${fe.infoLog}ERROR: 0:0: internal compiler error: ${msg}\n` };
  }
}

// GL type enums
const GL_TYPE: Record<string, number> = {
  float: 0x1406, vec2: 0x8b50, vec3: 0x8b51, vec4: 0x8b52, int: 0x1404, ivec2: 0x8b53, ivec3: 0x8b54, ivec4: 0x8b55,
  bool: 0x8b56, bvec2: 0x8b57, bvec3: 0x8b58, bvec4: 0x8b59, mat2: 0x8b5a, mat3: 0x8b5b, mat4: 0x8b5c,
  mat2x3: 0x8b65, mat2x4: 0x8b66, mat3x2: 0x8b67, mat3x4: 0x8b68, mat4x2: 0x8b69, mat4x3: 0x8b6a,
  uint: 0x1405, uvec2: 0x8dc6, uvec3: 0x8dc7, uvec4: 0x8dc8, samplerCubeShadow: 0x8dc5,
  sampler1D: 0x8b5d, sampler2D: 0x8b5e, sampler3D: 0x8b5f, samplerCube: 0x8b60, sampler1DShadow: 0x8b61, sampler2DShadow: 0x8b62,
  sampler2DArray: 0x8dc1, sampler2DArrayShadow: 0x8dc4,
  isampler2D: 0x8dca, isampler3D: 0x8dcb, isamplerCube: 0x8dcc, isampler2DArray: 0x8dcf,
  usampler2D: 0x8dd2, usampler3D: 0x8dd3, usamplerCube: 0x8dd4, usampler2DArray: 0x8dd7,
};
export function glTypeEnum(t: GlslType): number {
  const n = typeToString(t).replace(/^mat(\d)x\1$/, 'mat$1');
  return GL_TYPE[n] ?? 0;
}

/**
 * Whether a uniform declared in both stages has one type there. GLSL ES 1.00 §4.2.4: structures
 * are the same type only with the same name, member names, member types and member order; in
 * GLSL ES (`es`) the members' precisions must match too (§4.5.3, a uniform has one precision).
 */
export function sameUniformType(a: GlslType, b: GlslType, es: boolean): boolean {
  if (a.tag === 'array' || b.tag === 'array') {
    return a.tag === 'array' && b.tag === 'array' && a.size === b.size && sameUniformType(a.element, b.element, es);
  }
  if (a.tag === 'struct' || b.tag === 'struct') {
    if (a.tag !== 'struct' || b.tag !== 'struct' || a.name !== b.name || a.fields.length !== b.fields.length) return false;
    return a.fields.every((f, i) => {
      const g = b.fields[i]!;
      return f.name === g.name && (!es || f.precision === g.precision) && sameUniformType(f.type, g.type, es);
    });
  }
  return typeToString(a) === typeToString(b);
}

/** GLSL ES 3.00 § 4.3.7: a block of one name in both stages has the same members (names, types, precisions, matrix layout), layout and array size. */
function sameBlock(a: UniformBlock, b: UniformBlock): boolean {
  if (a.layout !== b.layout || a.arraySize !== b.arraySize || a.members.length !== b.members.length) return false;
  if ((a.instanceName === undefined) !== (b.instanceName === undefined)) return false;
  return a.members.every((m, i) => {
    const n = b.members[i]!;
    return m.name === n.name && m.rowMajor === n.rowMajor && m.precision === n.precision && sameUniformType(m.type, n.type, true);
  });
}

interface UniformLeaf { name: string; type: GlslType; size: number; offset: number; stride: number; words: number }
function flattenUniform(name: string, t: GlslType, offset: number, out: UniformLeaf[]): void {
  if (t.tag === 'struct') {
    let o = offset;
    for (const f of t.fields) { flattenUniform(`${name}.${f.name}`, f.type, o, out); o += flatSize(f.type); }
  } else if (t.tag === 'array') {
    const es = flatSize(t.element);
    if (t.element.tag === 'struct' || t.element.tag === 'array') {
      for (let i = 0; i < t.size; i++) flattenUniform(`${name}[${i}]`, t.element, offset + i * es, out);
    } else out.push({ name: `${name}[0]`, type: t.element, size: t.size, offset, stride: es, words: es * t.size });
  } else out.push({ name, type: t, size: 1, offset, stride: flatSize(t), words: flatSize(t) });
}

function usedWords(ir: IrShader): { words: Set<number>; ranges: number[]; varyings: Set<number>; attrs: Set<number>; samplers: Set<number> } {
  const words = new Set<number>(), ranges: number[] = [], varyings = new Set<number>(), attrs = new Set<number>(), samplers = new Set<number>();
  forEachInstr(ir.body, (i) => {
    if (i.op === 'ld_uni') words.add(i.idx!);
    if (i.op === 'ld_uni_ind') ranges.push(i.idx!);
    if (i.op === 'ld_vary' || i.op === 'ld_vary_flat') varyings.add(i.idx!);
    if (i.op === 'st_vary' && i.idx! >= 0) varyings.add(i.idx!);
    if (i.op === 'ld_attr') attrs.add(i.idx!);
    if (i.op === 'tex') samplers.add(i.idx!);
  });
  return { words, ranges, varyings, attrs, samplers };
}

/** Front and back colour outputs: the fragment shader's gl_Color reads one or the other by facing. */
const COLOR_COUNTERPART: Readonly<Record<string, string>> = {
  gl_FrontColor: 'gl_BackColor', gl_BackColor: 'gl_FrontColor',
  gl_FrontSecondaryColor: 'gl_BackSecondaryColor', gl_BackSecondaryColor: 'gl_FrontSecondaryColor',
};

/**
 * Desktop GL: a program may have several shaders per stage. Each stage's shaders are checked
 * together as one (see compileFrontEndUnits), then linked as linkProgram does.
 */
export function linkProgramUnits(vss: readonly CompiledShader[], fss: readonly CompiledShader[], opts: LinkOptions = {}): LinkedProgram {
  const combine = (list: readonly CompiledShader[], stage: Stage): CompiledShader => {
    if (list.length === 1 || list.some((s) => !s.ok || !s.internal)) return list[0] ?? { stage, ok: false, infoLog: '' };
    const units = list.map((s) => s.internal as CompiledInternal);
    const fe = compileFrontEndUnits(units.map((u) => u.source), stage, units[0]!.options);
    return finishCompile(fe, stage, units[0]!.options, '');
  };
  const vs = combine(vss, 'vertex'), fs = combine(fss, 'fragment');
  for (const s of [vs, fs]) {
    if (s.ok || !s.infoLog) continue;
    return { ok: false, infoLog: `ERROR: the ${s.stage} shaders do not link together:\n${s.infoLog}`, attributes: [], uniforms: [] };
  }
  return linkProgram(vs, fs, opts);
}

export function linkProgram(vs: CompiledShader, fs: CompiledShader, opts: LinkOptions = {}): LinkedProgram {
  const errors: string[] = [];
  const fail = (): LinkedProgram => ({ ok: false, infoLog: errors.map((e) => `ERROR: ${e}\n`).join(''), attributes: [], uniforms: [] });
  if (!vs.ok || vs.stage !== 'vertex') errors.push('Vertex shader is not compiled.');
  if (!fs.ok || fs.stage !== 'fragment') errors.push('Fragment shader is not compiled.');
  if (errors.length) return fail();
  for (const s of [vs, fs]) if (!(s.internal as CompiledInternal).lowered) errors.push(`The ${s.stage} shader has no main() function.`);
  if (errors.length) return fail();
  const V = (vs.internal as CompiledInternal).lowered!, F = (fs.internal as CompiledInternal).lowered!;
  const vFe = (vs.internal as CompiledInternal).frontEnd, fFe = (fs.internal as CompiledInternal).frontEnd;
  const vRefl = vFe.reflection!, fRefl = fFe.reflection!;
  const vu = usedWords(V.ir), fu = usedWords(F.ir);
  errors.push(...V.linkErrors, ...F.linkErrors);
  // ES 2.0 § 2.10.4 / ES 3.0 § 2.11.7: a stage's active samplers may not outnumber its texture image
  // units (MAX_VERTEX_TEXTURE_IMAGE_UNITS, MAX_TEXTURE_IMAGE_UNITS): the program fails to link. And
  // whatever stays active, every sampler the stage's code refers to before optimisation takes a slot of
  // its texture table (slots are not renumbered after dead code goes), which the SHADER descriptor's
  // texture_count (5 bits) bounds
  const tableSlots = 2 ** SHADER.fields.find((f) => f.name === 'texture_count')!.width - 1;
  for (const [stage, L, u, limit, name] of [['vertex', V, vu, CAPS.maxTextureUnits, 'MAX_VERTEX_TEXTURE_IMAGE_UNITS'], ['fragment', F, fu, CAPS.maxTextureUnits, 'MAX_TEXTURE_IMAGE_UNITS']] as const) {
    if (u.samplers.size > limit) errors.push(`The ${stage} shader uses ${u.samplers.size} samplers, more than ${name} (${limit}).`);
    else if (L.samplerSlots.size > tableSlots) errors.push(`The ${stage} shader refers to ${L.samplerSlots.size} samplers (some only in code that optimisation removes): the hardware's texture table holds ${tableSlots}.`);
  }
  // GLSL ES 3.00 §1.5 / ES 3.0 §2.11.3: the shaders of a program share one language version
  if ((vFe.version === 300) !== (fFe.version === 300)) errors.push(`The vertex shader uses GLSL ES ${vFe.version === 300 ? '3.00' : vFe.version / 100} and the fragment shader GLSL ES ${fFe.version === 300 ? '3.00' : fFe.version / 100}: the versions must match.`);
  if (errors.length) return fail();

  // ---- varyings: the fragment shader's reads decide the slots
  const fsSlots = F.varyings.map(() => -1);
  const vsSlots = V.varyings.map(() => -1);
  let next = 0;
  const unwrittenColors: number[] = [];
  // the colours first: slots 0.. are what flat shading (glShadeModel(GL_FLAT)) applies to
  const isColor = (n: string): boolean => COLOR_COUNTERPART[n] !== undefined;
  const varyingOrder = F.varyings.map((fv, k) => ({ fv, k })).sort((a, b) => Number(isColor(b.fv.name)) - Number(isColor(a.fv.name)) || a.k - b.k);
  let colorVaryings = 0;
  // scalar slots of flat varyings (SHADER flat_lo/flat_hi)
  const flatSlots: number[] = [];
  varyingOrder.forEach(({ fv, k }) => {
    if (!fu.varyings.has(k)) return;
    const declared = fv.name.startsWith('gl_') ? V.varyings.find((x) => x.name === fv.name) : vRefl.varyings.find((x) => x.name === fv.name);
    const written = V.varyings.findIndex((x) => x.name === fv.name);
    // a colour the vertex shader does not write is undefined, not a link error (GLSL 1.10 §7.1)
    if (written < 0 && COLOR_COUNTERPART[fv.name]) { unwrittenColors.push(k); return; }
    if (!declared && written < 0) { errors.push(`Varying \`${fv.name}' is read by the fragment shader but not declared in the vertex shader.`); return; }
    const vt = written >= 0 ? V.varyings[written]!.type : (declared as { glslType: GlslType; size: number }).glslType;
    const fDecl = fRefl.varyings.find((x) => x.name === fv.name);
    const vDecl = vRefl.varyings.find((x) => x.name === fv.name);
    if (fDecl && vDecl && (typeToString(fDecl.glslType) !== typeToString(vDecl.glslType) || fDecl.size !== vDecl.size)) {
      errors.push(`Types of varying \`${fv.name}' differ between shaders (vertex ${typeToString(vDecl.glslType)}, fragment ${typeToString(fDecl.glslType)}).`);
      return;
    }
    void vt;
    // GLSL ES 3.00 § 4.3.9: a varying's interpolation qualifiers match across the stages
    if (written >= 0 && !!V.varyings[written]!.flat !== !!fv.flat) {
      errors.push(`Interpolation of varying \`${fv.name}' differs between shaders (vertex ${V.varyings[written]!.flat ? 'flat' : 'smooth'}, fragment ${fv.flat ? 'flat' : 'smooth'}).`);
      return;
    }
    fsSlots[k] = next;
    if (fv.flat) for (let c = 0; c < fv.comps; c++) flatSlots.push(next + c);
    if (written >= 0) vsSlots[written] = next;
    next += fv.comps;
    if (isColor(fv.name)) colorVaryings = next;
  });
  for (const k of unwrittenColors) {
    // it reads the other side's colour when the vertex shader wrote that, else a slot nobody writes
    const other = F.varyings.findIndex((x, j) => x.name === COLOR_COUNTERPART[F.varyings[k]!.name] && fsSlots[j]! >= 0);
    if (other >= 0) fsSlots[k] = fsSlots[other]!;
    else { fsSlots[k] = next; next += F.varyings[k]!.comps; }
  }
  // user clip distances go after what the fragment shader reads: the tiler clips with them
  const clipK = V.varyings.findIndex((x) => x.name === CLIP_DISTANCE_VARYING);
  const clipFirst = clipK >= 0 ? next : 0;
  if (clipK >= 0) { vsSlots[clipK] = next; next += V.varyings[clipK]!.comps; }
  // transform feedback captures what it names, read by the fragment shader or not: those get slots too
  const xfb = opts.transformFeedback?.varyings.length
    ? linkTransformFeedback(opts.transformFeedback, V, vFe, vsSlots, () => next, (n) => { next += n; }, errors) : undefined;
  if (VARY_FIRST_USER + next > MAX_VARY_SLOTS) errors.push(`Too many varyings: ${next} scalar components used, the limit is ${MAX_VARY_SLOTS - VARY_FIRST_USER}.`);

  // ---- attributes
  const maxAttribs = opts.maxVertexAttribs ?? CAPS.maxVertexAttribs;
  const taken = new Array<boolean>(maxAttribs).fill(false);
  const attribSlots = V.attributes.map(() => -1);
  const attributes: ActiveAttribute[] = [];
  const declIndex = (n: string): number => { const i = vRefl.attributes.findIndex((x) => x.name === n); return i < 0 ? 1e9 : i; };
  const order = V.attributes.map((a, k) => ({ a, k })).filter(({ k }) => vu.attrs.has(k)).sort((x, y) => declIndex(x.a.name) - declIndex(y.a.name));
  for (const pass of [true, false]) {
    for (const { a, k } of order) {
      // a layout(location) in the shader wins over bindAttribLocation (ES 3.0 §2.11.5)
      const bound = a.location ?? opts.attribLocations?.get(a.name);
      if ((bound !== undefined) !== pass) continue;
      let slot = bound ?? -1;
      if (slot < 0) {
        for (let s = 0; s + a.cols <= maxAttribs; s++) if (taken.slice(s, s + a.cols).every((x) => !x)) { slot = s; break; }
      }
      if (slot < 0 || slot + a.cols > maxAttribs) { errors.push(`Too many vertex attributes (the limit is ${maxAttribs}).`); continue; }
      // two active attributes (or a matrix's columns and another attribute) at one location: aliasing,
      // which OpenGL and ES 2.0 allow, WebGL forbids and ES 3.0 § 2.11.5 forbids for GLSL ES 3.00 shaders
      const clash = (opts.attributeAliasing && vFe.version !== 300) ? undefined : V.attributes.find((o, j) => attribSlots[j] >= 0 && attribSlots[j]! < slot + a.cols && slot < attribSlots[j]! + o.cols);
      if (clash) { errors.push(`Vertex attributes \`${clash.name}' and \`${a.name}' are bound to overlapping locations (${slot}).`); continue; }
      for (let c = 0; c < a.cols; c++) taken[slot + c] = true;
      attribSlots[k] = slot;
      attributes.push({ name: a.name, type: glTypeEnum(a.type), size: 1, slot, ...(a.name.startsWith('gl_') ? { conventional: true as const } : {}) });
    }
  }

  // ---- uniforms
  // GLSL 1.20 initializers: one link-time value per uniform, from whichever shader declares one
  const inits = new Map<string, readonly number[]>();
  for (const [stage, fe] of [['vertex', vFe], ['fragment', fFe]] as const) {
    for (const g of fe.ast?.globals ?? []) {
      if (g.storage !== 'uniform' || !g.linkTimeValue) continue;
      const prev = inits.get(g.name);
      if (prev && String(prev) !== String(g.linkTimeValue.data)) errors.push(`Initializers for uniform \`${g.name}' differ between the vertex and ${stage} shaders.`);
      inits.set(g.name, g.linkTimeValue.data);
    }
  }
  const bothEs = (vFe.ast?.version === 100 && fFe.ast?.version === 100) || (vFe.ast?.version === 300 && fFe.ast?.version === 300);
  const merged = new Map<string, { type: GlslType; size: number; vertex?: UniformPlacement; fragment?: UniformPlacement; initial?: number[] }>();
  const stageUniforms = (L: Lowered, u: ReturnType<typeof usedWords>, stage: 'vertex' | 'fragment', other: Lowered): void => {
    for (const g of L.uniforms) {
      const o = other.uniforms.find((x) => x.name === g.name);
      if (o && !sameUniformType(g.type, o.type, bothEs) && stage === 'vertex') {
        errors.push(`Uniform \`${g.name}' is declared with different types in the vertex (${typeToString(g.type)}) and fragment (${typeToString(o.type)}) shaders.`);
      }
      const init = inits.get(g.name);
      const leaves: UniformLeaf[] = [];
      flattenUniform(g.name, g.type, g.offset, leaves);
      for (const l of leaves) {
        let used = u.ranges.some((r) => r >= g.offset && r < g.offset + flatSize(g.type));
        for (let w = l.offset; w < l.offset + l.words && !used; w++) used = u.words.has(w);
        const slot = l.type.tag === 'sampler' ? L.samplerSlots.get(l.offset) : undefined;
        if (slot !== undefined) used = [...Array(l.size).keys()].some((i) => u.samplers.has(slot + i));
        if (!used) continue;
        const e = merged.get(l.name) ?? { type: l.type, size: l.size };
        if (init && !e.initial) {
          // leaf words are contiguous per element; elements are `stride` words apart
          const n = flatSize(l.type), at = l.offset - g.offset;
          e.initial = [];
          for (let i = 0; i < l.size; i++) e.initial.push(...init.slice(at + i * l.stride, at + i * l.stride + n));
        }
        const p: UniformPlacement = slot !== undefined ? { offset: l.offset, stride: l.stride, textureSlot: slot } : { offset: l.offset, stride: l.stride };
        e[stage] = p;
        merged.set(l.name, e);
      }
    }
  };
  stageUniforms(V, vu, 'vertex', F);
  stageUniforms(F, fu, 'fragment', V);
  if ((vFe.ast?.version === 100 && fFe.ast?.version === 100) || (vFe.ast?.version === 300 && fFe.ast?.version === 300)) {
    // GLSL ES 1.00 §4.5.3: a uniform used by both stages has one precision
    for (const [name, e] of merged) {
      if (!e.vertex || !e.fragment) continue;
      const vp = vRefl.uniforms.find((x) => x.name === name)?.precision, fp = fRefl.uniforms.find((x) => x.name === name)?.precision;
      if (vp !== fp) errors.push(`Precision of uniform \`${name}' differs between the vertex (${vp ?? 'none'}) and fragment (${fp ?? 'none'}) shaders.`);
    }
    // GLSL ES 1.00 §4.6.4: a varying declared in both shaders is invariant in both or in neither
    // (`#pragma STDGL invariant(all)` makes every varying of its shader invariant)
    if (vFe.ast.version === 100) {
      for (const fv of fFe.ast.globals) {
        if (fv.storage !== 'varying') continue;
        const vv = vFe.ast.globals.find((g) => g.storage === 'varying' && g.name === fv.name);
        if (!vv) continue;
        const vi = vv.invariant || vRefl.invariantAll, fi = fv.invariant || fRefl.invariantAll;
        if (vi !== fi) errors.push(`Varying \`${fv.name}' is ${vi ? '' : 'not '}invariant in the vertex shader but ${fi ? '' : 'not '}invariant in the fragment shader.`);
      }
    }
    // §4.6.4: gl_FragCoord (gl_PointCoord) may be invariant only if gl_Position (gl_PointSize) is
    const vInv = new Set(vFe.ast.invariantBuiltins);
    if (vRefl.invariantAll) vInv.add('gl_Position').add('gl_PointSize');
    for (const [frag, vert] of [['gl_FragCoord', 'gl_Position'], ['gl_PointCoord', 'gl_PointSize']] as const) {
      if (fFe.ast.invariantBuiltins.includes(frag) && !vInv.has(vert)) errors.push(`${frag} is declared invariant but ${vert} is not.`);
    }
  }
  if (errors.length) return fail();
  const uniforms: ActiveUniform[] = [...merged].map(([name, e]) => ({
    name, type: glTypeEnum(e.type), size: e.size,
    ...(e.vertex ? { vertex: e.vertex } : {}), ...(e.fragment ? { fragment: e.fragment } : {}),
    ...(e.initial ? { initial: e.initial } : {}),
    // user identifiers cannot start with gl_ (reserved): such a uniform is a built-in, i.e. GL state
    ...(name.startsWith('gl_') ? { driverState: true as const } : {}),
  }));

  // ---- uniform blocks (GLSL ES 3.00 §4.3.7, ES 3.0 § 2.12.6): a std140 or shared block is active
  // whether or not its members are read (packed ones too: they are laid out as std140); a block of
  // one name in both stages is one block, declared alike in both; each element of a block array is a block
  const decls = new Map<string, { vertex?: UniformBlock; fragment?: UniformBlock }>();
  for (const [stage, fe] of [['vertex', vFe], ['fragment', fFe]] as const) {
    for (const b of fe.ast?.uniformBlocks ?? []) { const e = decls.get(b.name) ?? {}; e[stage] = b; decls.set(b.name, e); }
  }
  const uniformBlocks: ActiveUniformBlock[] = [];
  const firstBlock = new Map<UniformBlock, number>();
  for (const [name, e] of decls) {
    const b = (e.vertex ?? e.fragment)!;
    if (e.vertex && e.fragment && !sameBlock(e.vertex, e.fragment)) {
      errors.push(`Uniform block \`${name}' is declared differently in the vertex and fragment shaders (GLSL ES 3.00 § 4.3.7: same members, types, precisions, layout and array size).`);
      continue;
    }
    const layout = layoutBlock(b);
    if (layout.dataSize > CAPS.maxUniformBlockSize) errors.push(`Uniform block \`${name}' holds ${layout.dataSize} bytes, more than MAX_UNIFORM_BLOCK_SIZE (${CAPS.maxUniformBlockSize}).`);
    const first = uniformBlocks.length;
    const members = layout.leaves.map((l) => {
      uniforms.push({
        name: l.name, type: glTypeEnum(l.type), size: l.size,
        block: { index: first, offset: l.offset, arrayStride: l.arrayStride, matrixStride: l.matrixStride, rowMajor: l.rowMajor },
      });
      return uniforms.length - 1;
    });
    for (let i = 0; i < (b.arraySize ?? 1); i++) {
      uniformBlocks.push({ name: b.arraySize !== undefined ? `${name}[${i}]` : name, dataSize: layout.dataSize, uniforms: members, vertex: !!e.vertex, fragment: !!e.fragment });
    }
    for (const d of [e.vertex, e.fragment]) if (d) firstBlock.set(d, first);
  }
  const blocksIn = (stage: 'vertex' | 'fragment'): number => uniformBlocks.filter((b) => b[stage]).length;
  if (blocksIn('vertex') > CAPS.maxVertexUniformBlocks) errors.push(`The vertex shader has ${blocksIn('vertex')} uniform blocks, more than MAX_VERTEX_UNIFORM_BLOCKS (${CAPS.maxVertexUniformBlocks}).`);
  if (blocksIn('fragment') > CAPS.maxFragmentUniformBlocks) errors.push(`The fragment shader has ${blocksIn('fragment')} uniform blocks, more than MAX_FRAGMENT_UNIFORM_BLOCKS (${CAPS.maxFragmentUniformBlocks}).`);
  if (uniformBlocks.length > CAPS.maxCombinedUniformBlocks) errors.push(`The program has ${uniformBlocks.length} uniform blocks, more than MAX_COMBINED_UNIFORM_BLOCKS (${CAPS.maxCombinedUniformBlocks}).`);
  if (errors.length) return fail();
  /** the blocks a stage still reads after optimisation: the ranges the hardware preloads */
  const stageBlocks = (L: Lowered, u: ReturnType<typeof usedWords>): StageUniformBlock[] => L.blocks.flatMap((b) => {
    const lo = b.uniform, hi = b.uniform + b.words * b.count;
    const read = u.ranges.some((r) => r >= lo && r < hi) || [...u.words].some((w) => w >= lo && w < hi);
    if (!read) return [];
    return Array.from({ length: b.count }, (_, i) => ({ block: firstBlock.get(b.block)! + i, uniform: lo + i * b.words, words: b.words }));
  });

  // the SHADER descriptor's uniform_count bounds a stage's uniform buffer (user uniforms and
  // constant tables before code generation, with the backend's constants after)
  const maxWords = 2 ** SHADER.fields.find((f) => f.name === 'uniform_count')!.width - 1;
  const tooMany = (stage: Stage, words: number): void => {
    if (words > maxWords) errors.push(`Too many uniforms in the ${stage} shader: ${words} words, the uniform buffer holds ${maxWords}.`);
  };
  tooMany('vertex', V.uniformWords);
  tooMany('fragment', F.uniformWords);
  if (errors.length) return fail();

  // ---- code generation
  let vOut: BackendOutput, fOut: BackendOutput;
  try {
    vOut = generate({ ir: V.ir, attribSlots, varyingSlots: vsSlots, uniformWords: V.uniformWords, constWords: V.constWords });
    fOut = generate({ ir: F.ir, attribSlots: [], varyingSlots: fsSlots, uniformWords: F.uniformWords, constWords: F.constWords });
  } catch (err) {
    errors.push(`internal compiler error: ${err instanceof Error ? err.message : String(err)}`);
    return fail();
  }
  for (const [stage, o] of [['vertex', vOut], ['fragment', fOut]] as const) tooMany(stage, o.uniformWords);
  if (errors.length) return fail();
  const bin = (o: BackendOutput, L: Lowered): StageBinary => ({
    code: o.code, registers: o.registers, uniformWords: o.uniformWords, constants: o.constants,
    textureCount: L.samplerSlots.size, varyings: next, writesDepth: L.writesDepth, renderTargets: L.renderTargets, usesDiscard: L.usesDiscard,
    writesPointSize: L.writesPointSize, usesDerivatives: L.usesDerivatives,
    clipDistances: clipK >= 0 ? V.varyings[clipK]!.comps : 0, clipFirst, colorVaryings,
    flatVaryings: [
      flatSlots.reduce((m, k) => (k < 32 ? (m | (1 << k)) >>> 0 : m), 0),
      flatSlots.reduce((m, k) => (k >= 32 && k < 64 ? (m | (1 << (k - 32))) >>> 0 : m), 0),
    ],
    uniformBlocks: stageBlocks(L, L === V ? vu : fu),
  });
  return {
    ok: true, infoLog: '', vertex: bin(vOut, V), fragment: bin(fOut, F), attributes, uniforms,
    ...(uniformBlocks.length ? { uniformBlocks } : {}), ...(xfb ? { transformFeedback: xfb } : {}),
  };
}

/**
 * ES 3.0 § 2.11.8: the vertex outputs transformFeedbackVaryings names, in order — declared outputs
 * (a whole array, or one element `name[i]`), gl_Position, gl_PointSize — each given its place in
 * the vertex's output words (a slot of its own when the fragment shader does not read it; an output
 * declared but never written gets a slot nobody writes, so it captures zeros) and in the capture
 * buffers. Link errors: a name that is no output (or an element past the array), a variable named
 * twice (an element and its whole array overlap), too many components for the buffer mode.
 */
function linkTransformFeedback(req: NonNullable<LinkOptions['transformFeedback']>, V: Lowered, vFe: FrontEndResult, vsSlots: number[],
  next: () => number, take: (n: number) => void, errors: string[]): LinkedTransformFeedback {
  const out: TransformFeedbackVarying[] = [];
  /** per output variable: the elements captured so far */
  const taken = new Map<string, Set<number>>();
  /** declared outputs the vertex shader never writes: their slots */
  const unwritten = new Map<string, number>();
  let total = 0;
  for (const full of req.varyings) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$/.exec(full);
    const base = m?.[1] ?? '', index = m?.[2] !== undefined ? Number(m[2]) : undefined;
    let elType: GlslType, size = 1, source: number;
    if (m && (base === 'gl_Position' || base === 'gl_PointSize') && index === undefined) {
      elType = base === 'gl_Position' ? vecType('float', 4) : FLOAT_T;
      source = base === 'gl_Position' ? VARY_POSITION : VARY_POINT_SIZE;
    } else {
      const g = m ? vFe.ast?.globals.find((x) => x.storage === 'varying' && x.name === base) : undefined;
      if (!g || g.type.tag === 'struct' || (g.type.tag === 'array' && g.type.element.tag === 'struct')) {
        errors.push(`Transform feedback varying \`${full}' is not an output of the vertex shader.`);
        continue;
      }
      const isArray = g.type.tag === 'array';
      elType = g.type.tag === 'array' ? g.type.element : g.type;
      size = g.type.tag === 'array' ? Math.max(1, g.type.size) : 1;
      if (index !== undefined && (!isArray || index >= size)) {
        errors.push(`Transform feedback varying \`${full}' is not an output of the vertex shader (${isArray ? `the array has ${size} elements` : 'not an array'}).`);
        continue;
      }
      const el = flatSize(elType);
      const k = V.varyings.findIndex((x) => x.name === base);
      let first: number;
      if (k >= 0) {
        if (vsSlots[k]! < 0) { vsSlots[k] = next(); take(V.varyings[k]!.comps); }
        first = vsSlots[k]!;
      } else {
        if (!unwritten.has(base)) { unwritten.set(base, next()); take(el * size); }
        first = unwritten.get(base)!;
      }
      source = VARY_FIRST_USER + first + (index ?? 0) * el;
    }
    const elems = taken.get(base) ?? new Set<number>();
    const mine = index !== undefined ? [index] : [...Array(size).keys()];
    if (mine.some((e) => elems.has(e))) { errors.push(`Transform feedback varying \`${full}' is specified more than once.`); continue; }
    for (const e of mine) elems.add(e);
    taken.set(base, elems);
    const components = flatSize(elType) * (index !== undefined ? 1 : size);
    if (req.separate && components > CAPS.maxTransformFeedbackSeparateComponents) {
      errors.push(`Transform feedback varying \`${full}' has ${components} components, more than MAX_TRANSFORM_FEEDBACK_SEPARATE_COMPONENTS (${CAPS.maxTransformFeedbackSeparateComponents}).`);
    }
    total += components;
    out.push({ name: full, type: glTypeEnum(elType), size: index !== undefined ? 1 : size, source, components });
  }
  if (!req.separate && total > CAPS.maxTransformFeedbackInterleavedComponents) {
    errors.push(`Transform feedback captures ${total} components, more than MAX_TRANSFORM_FEEDBACK_INTERLEAVED_COMPONENTS (${CAPS.maxTransformFeedbackInterleavedComponents}).`);
  }
  if (req.separate && out.length > CAPS.maxTransformFeedbackSeparateAttribs) {
    errors.push(`Transform feedback captures ${out.length} varyings separately, more than MAX_TRANSFORM_FEEDBACK_SEPARATE_ATTRIBS (${CAPS.maxTransformFeedbackSeparateAttribs}).`);
  }
  return { varyings: out, separate: req.separate };
}

/** IR text of a compiled shader (for tools). */
export function shaderIr(s: CompiledShader): string | undefined {
  const i = s.internal as CompiledInternal | undefined;
  return i?.lowered ? printShader(i.lowered.ir) : undefined;
}

/**
 * Compiles one shader on its own (attribute slots in declaration order,
 * varyings packed in order) and returns a report: the IR after lowering
 * and after each pass that made progress when asked, then the disassembly.
 * Used by `akari compile`.
 */
export function compileReport(source: string, stage: Stage, o: { ir?: boolean; passes?: boolean; appendixA?: boolean } = {}): { ok: boolean; text: string } {
  const lines: string[] = [];
  const s = compileShader(source, stage, {
    enforceAppendixA: o.appendixA ?? true,
    trace: (pass, ir, progress) => {
      if (pass === 'lower' ? o.ir || o.passes : o.passes && progress) lines.push(`--- IR after ${pass}`, printShader(ir));
    },
  });
  if (!s.ok) return { ok: false, text: s.infoLog };
  const L = (s.internal as CompiledInternal).lowered;
  if (!L) return { ok: true, text: `${s.infoLog}(no main(): this shader links only together with others of its stage)\n` };
  if (o.ir && !o.passes) lines.push('--- IR after optimisation', printShader(L.ir));
  const refl = (s.internal as CompiledInternal).frontEnd.reflection!;
  const attribSlots: number[] = [];
  let nextAttr = 0;
  for (const name of refl.attributes.map((a) => a.name).concat(L.attributes.map((a) => a.name))) {
    const k = L.attributes.findIndex((a) => a.name === name);
    if (k >= 0 && attribSlots[k] === undefined) { attribSlots[k] = nextAttr; nextAttr += L.attributes[k]!.cols; }
  }
  let nextVary = 0;
  const varyingSlots = L.varyings.map((v) => { const s0 = nextVary; nextVary += v.comps; return s0; });
  const out = generate({ ir: L.ir, attribSlots, varyingSlots, uniformWords: L.uniformWords, constWords: L.constWords });
  lines.push(`--- ${stage} shader: ${out.instrs.length} instructions, ${out.registers} registers, ${out.uniformWords} uniform words (${out.constants.length} constants)`);
  L.attributes.forEach((a, k) => lines.push(`; attribute ${a.name} -> attr${attribSlots[k]}`));
  L.varyings.forEach((v, k) => lines.push(`; varying ${v.name} -> v${VARY_FIRST_USER + varyingSlots[k]!}..v${VARY_FIRST_USER + varyingSlots[k]! + v.comps - 1}`));
  L.uniforms.forEach((u) => lines.push(`; uniform ${u.name} (${typeToString(u.type)}) -> u${u.offset}`));
  for (const [off, bits] of out.constants) lines.push(`; constant u${off} = 0x${bits.toString(16).padStart(8, '0')}`);
  lines.push(...disassembleBlob(out.code));
  return { ok: true, text: lines.join('\n') };
}
