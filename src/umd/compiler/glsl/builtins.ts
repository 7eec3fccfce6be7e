/**
 * Built-in functions (every overload) and built-in variables of GLSL ES 1.00 and 3.00 and
 * desktop GLSL 1.10 / 1.20, plus constant evaluation of foldable built-ins.
 */
import type { BuiltinOverload, ConstValue, FunctionParam } from './ast.js';
import { isEs, type GlslVersion } from './lexer.js';
import { CAPS } from '../../pipe/caps.js';
import {
  arrayOf, BASIC_TYPES, BOOL, FLOAT, INT, makeStruct, matType, typeToString, VOID,
  type GlslType, type PrecisionQualifier, type StructType,
} from './types.js';

export type Stage = 'vertex' | 'fragment';

function T(name: string): GlslType {
  const t = BASIC_TYPES.get(name);
  if (!t) throw new Error(`unknown builtin type ${name}`);
  return t;
}

const GEN_F = ['float', 'vec2', 'vec3', 'vec4'];
const VEC_F = ['vec2', 'vec3', 'vec4'];
const VEC_I = ['ivec2', 'ivec3', 'ivec4'];
const VEC_B = ['bvec2', 'bvec3', 'bvec4'];

interface FnOpts {
  stage?: Stage;
  availability?: BuiltinOverload['availability'];
  extension?: string;
  foldable?: boolean;
}

const ALL_OVERLOADS: BuiltinOverload[] = [];

/** A parameter written `out T` is an out parameter (modf). */
function add(name: string, ret: string, params: string[], o: FnOpts = {}): void {
  const ps: FunctionParam[] = params.map((p) => (p.startsWith('out ')
    ? { type: T(p.slice(4)), qualifier: 'out', isConst: false }
    : { type: T(p), qualifier: 'in', isConst: false }));
  const ov: BuiltinOverload = {
    kind: 'builtin',
    id: `${name}(${params.map((p) => p.replace(/^out /, '')).join(',')})`,
    name,
    returnType: T(ret),
    params: ps,
    availability: o.availability ?? 'all',
    foldable: o.foldable ?? true,
  };
  if (o.stage) ov.stage = o.stage;
  if (o.extension) ov.extension = o.extension;
  ALL_OVERLOADS.push(ov);
}

/** Add for each genType: template strings 'G' -> genType, 'F' -> float. */
function gen(name: string, ret: string, params: string[], o: FnOpts = {}): void {
  for (const g of GEN_F) {
    const sub = (s: string): string => (s === 'G' ? g : s === 'F' ? 'float' : s);
    add(name, sub(ret), params.map(sub), o);
  }
}

// 8.1 Angle and trigonometry
for (const f of ['radians', 'degrees', 'sin', 'cos', 'tan', 'asin', 'acos']) gen(f, 'G', ['G']);
gen('atan', 'G', ['G', 'G']);
gen('atan', 'G', ['G']);
// 8.2 Exponential
gen('pow', 'G', ['G', 'G']);
for (const f of ['exp', 'log', 'exp2', 'log2', 'sqrt', 'inversesqrt']) gen(f, 'G', ['G']);
// 8.3 Common
for (const f of ['abs', 'sign', 'floor', 'ceil', 'fract']) gen(f, 'G', ['G']);
gen('mod', 'G', ['G', 'F']);
for (const g of VEC_F) add('mod', g, [g, g]);
for (const f of ['min', 'max']) {
  gen(f, 'G', ['G', 'G']);
  for (const g of VEC_F) add(f, g, [g, 'float']);
}
gen('clamp', 'G', ['G', 'G', 'G']);
for (const g of VEC_F) add('clamp', g, [g, 'float', 'float']);
gen('mix', 'G', ['G', 'G', 'G']);
for (const g of VEC_F) add('mix', g, [g, g, 'float']);
gen('step', 'G', ['G', 'G']);
for (const g of VEC_F) add('step', g, ['float', g]);
gen('smoothstep', 'G', ['G', 'G', 'G']);
for (const g of VEC_F) add('smoothstep', g, ['float', 'float', g]);
// 8.4 Geometric
gen('length', 'F', ['G']);
gen('distance', 'F', ['G', 'G']);
gen('dot', 'F', ['G', 'G']);
add('cross', 'vec3', ['vec3', 'vec3']);
gen('normalize', 'G', ['G']);
gen('faceforward', 'G', ['G', 'G', 'G']);
gen('reflect', 'G', ['G', 'G']);
gen('refract', 'G', ['G', 'G', 'F']);
add('ftransform', 'vec4', [], { stage: 'vertex', availability: 'desktop', foldable: false });
// 8.5 Matrix
for (const m of ['mat2', 'mat3', 'mat4']) add('matrixCompMult', m, [m, m]);
for (const c of [2, 3, 4] as const) {
  for (const r of [2, 3, 4] as const) {
    const m = `mat${c}x${r}`;
    if (c !== r) add('matrixCompMult', m, [m, m], { availability: '120+300' });
    add('outerProduct', c === r ? `mat${c}` : m, [`vec${r}`, `vec${c}`], { availability: '120+300' });
    add('transpose', r === c ? `mat${c}` : `mat${r}x${c}`, [c === r ? `mat${c}` : m], { availability: '120+300' });
  }
}
// 8.6 Vector relational
for (const f of ['lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'equal', 'notEqual']) {
  for (let i = 0; i < 3; i++) {
    add(f, VEC_B[i]!, [VEC_F[i]!, VEC_F[i]!]);
    add(f, VEC_B[i]!, [VEC_I[i]!, VEC_I[i]!]);
    if (f === 'equal' || f === 'notEqual') add(f, VEC_B[i]!, [VEC_B[i]!, VEC_B[i]!]);
  }
}
for (const b of VEC_B) {
  add('any', 'bool', [b]);
  add('all', 'bool', [b]);
  add('not', b, [b]);
}
// 8.7 Texture lookup
// (texture2D and friends are gone from GLSL ES 3.00: texture() and its variants replace them)
const TEX: FnOpts = { foldable: false, availability: 'legacy' };
const TEXF: FnOpts = { foldable: false, stage: 'fragment', availability: 'legacy' };
const TEXV: FnOpts = { foldable: false, stage: 'vertex', availability: 'legacy' };
const TEXD: FnOpts = { foldable: false, availability: 'desktop' };
const TEXDF: FnOpts = { foldable: false, availability: 'desktop', stage: 'fragment' };
const TEXDV: FnOpts = { foldable: false, availability: 'desktop', stage: 'vertex' };
add('texture2D', 'vec4', ['sampler2D', 'vec2'], TEX);
add('texture2D', 'vec4', ['sampler2D', 'vec2', 'float'], TEXF);
add('texture2DProj', 'vec4', ['sampler2D', 'vec3'], TEX);
add('texture2DProj', 'vec4', ['sampler2D', 'vec4'], TEX);
add('texture2DProj', 'vec4', ['sampler2D', 'vec3', 'float'], TEXF);
add('texture2DProj', 'vec4', ['sampler2D', 'vec4', 'float'], TEXF);
add('texture2DLod', 'vec4', ['sampler2D', 'vec2', 'float'], TEXV);
add('texture2DProjLod', 'vec4', ['sampler2D', 'vec3', 'float'], TEXV);
add('texture2DProjLod', 'vec4', ['sampler2D', 'vec4', 'float'], TEXV);
add('textureCube', 'vec4', ['samplerCube', 'vec3'], TEX);
add('textureCube', 'vec4', ['samplerCube', 'vec3', 'float'], TEXF);
add('textureCubeLod', 'vec4', ['samplerCube', 'vec3', 'float'], TEXV);
// Desktop-only samplers
add('texture1D', 'vec4', ['sampler1D', 'float'], TEXD);
add('texture1D', 'vec4', ['sampler1D', 'float', 'float'], TEXDF);
add('texture1DProj', 'vec4', ['sampler1D', 'vec2'], TEXD);
add('texture1DProj', 'vec4', ['sampler1D', 'vec4'], TEXD);
add('texture1DProj', 'vec4', ['sampler1D', 'vec2', 'float'], TEXDF);
add('texture1DProj', 'vec4', ['sampler1D', 'vec4', 'float'], TEXDF);
add('texture1DLod', 'vec4', ['sampler1D', 'float', 'float'], TEXDV);
add('texture1DProjLod', 'vec4', ['sampler1D', 'vec2', 'float'], TEXDV);
add('texture1DProjLod', 'vec4', ['sampler1D', 'vec4', 'float'], TEXDV);
add('texture3D', 'vec4', ['sampler3D', 'vec3'], TEXD);
add('texture3D', 'vec4', ['sampler3D', 'vec3', 'float'], TEXDF);
add('texture3DProj', 'vec4', ['sampler3D', 'vec4'], TEXD);
add('texture3DProj', 'vec4', ['sampler3D', 'vec4', 'float'], TEXDF);
add('texture3DLod', 'vec4', ['sampler3D', 'vec3', 'float'], TEXDV);
add('texture3DProjLod', 'vec4', ['sampler3D', 'vec4', 'float'], TEXDV);
for (const d of ['1', '2']) {
  const s = `sampler${d}DShadow`;
  add(`shadow${d}D`, 'vec4', [s, 'vec3'], TEXD);
  add(`shadow${d}D`, 'vec4', [s, 'vec3', 'float'], TEXDF);
  add(`shadow${d}DProj`, 'vec4', [s, 'vec4'], TEXD);
  add(`shadow${d}DProj`, 'vec4', [s, 'vec4', 'float'], TEXDF);
  add(`shadow${d}DLod`, 'vec4', [s, 'vec3', 'float'], TEXDV);
  add(`shadow${d}DProjLod`, 'vec4', [s, 'vec4', 'float'], TEXDV);
}
// EXT_shader_texture_lod (ES fragment shaders)
const LODX: FnOpts = { foldable: false, stage: 'fragment', availability: 'es', extension: 'GL_EXT_shader_texture_lod' };
add('texture2DLodEXT', 'vec4', ['sampler2D', 'vec2', 'float'], LODX);
add('texture2DProjLodEXT', 'vec4', ['sampler2D', 'vec3', 'float'], LODX);
add('texture2DProjLodEXT', 'vec4', ['sampler2D', 'vec4', 'float'], LODX);
add('textureCubeLodEXT', 'vec4', ['samplerCube', 'vec3', 'float'], LODX);
add('texture2DGradEXT', 'vec4', ['sampler2D', 'vec2', 'vec2', 'vec2'], LODX);
add('texture2DProjGradEXT', 'vec4', ['sampler2D', 'vec3', 'vec2', 'vec2'], LODX);
add('texture2DProjGradEXT', 'vec4', ['sampler2D', 'vec4', 'vec2', 'vec2'], LODX);
add('textureCubeGradEXT', 'vec4', ['samplerCube', 'vec3', 'vec3', 'vec3'], LODX);
// 8.8 Derivatives: OES_standard_derivatives in ES, core in desktop fragment shaders.
for (const f of ['dFdx', 'dFdy', 'fwidth']) {
  gen(f, 'G', ['G'], { stage: 'fragment', availability: 'es', extension: 'GL_OES_standard_derivatives' });
  gen(f, 'G', ['G'], { stage: 'fragment', availability: 'desktop' });
}
// ---- GLSL ES 3.00 §8 additions (availability '300')
const ES3: FnOpts = { availability: '300' };
const GEN_I = ['int', 'ivec2', 'ivec3', 'ivec4'];
const GEN_U = ['uint', 'uvec2', 'uvec3', 'uvec4'];
const GEN_B = ['bool', 'bvec2', 'bvec3', 'bvec4'];
for (const f of ['sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'trunc', 'round', 'roundEven']) gen(f, 'G', ['G'], ES3);
GEN_F.forEach((g, i) => {
  add('modf', g, [g, `out ${g}`], { ...ES3, foldable: false });
  add('mix', g, [g, g, GEN_B[i]!], ES3);
  add('isnan', GEN_B[i]!, [g], ES3);
  add('isinf', GEN_B[i]!, [g], ES3);
  add('floatBitsToInt', GEN_I[i]!, [g], ES3);
  add('floatBitsToUint', GEN_U[i]!, [g], ES3);
  add('intBitsToFloat', g, [GEN_I[i]!], ES3);
  add('uintBitsToFloat', g, [GEN_U[i]!], ES3);
});
for (const [G, S] of [[GEN_I, 'int'], [GEN_U, 'uint']] as const) {
  G.forEach((g, i) => {
    if (S === 'int') { add('abs', g, [g], ES3); add('sign', g, [g], ES3); }
    for (const f of ['min', 'max']) { add(f, g, [g, g], ES3); if (i) add(f, g, [g, S], ES3); }
    add('clamp', g, [g, g, g], ES3);
    if (i) add('clamp', g, [g, S, S], ES3);
  });
}
for (const f of ['packSnorm2x16', 'packUnorm2x16', 'packHalf2x16']) add(f, 'uint', ['vec2'], ES3);
for (const f of ['unpackSnorm2x16', 'unpackUnorm2x16', 'unpackHalf2x16']) add(f, 'vec2', ['uint'], ES3);
for (const m of ['mat2', 'mat3', 'mat4']) { add('determinant', 'float', [m], ES3); add('inverse', m, [m], { ...ES3, foldable: false }); }
for (const f of ['lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'equal', 'notEqual']) {
  for (let i = 1; i < 4; i++) add(f, VEC_B[i - 1]!, [GEN_U[i]!, GEN_U[i]!], ES3);
}
for (const f of ['dFdx', 'dFdy', 'fwidth']) gen(f, 'G', ['G'], { stage: 'fragment', availability: '300' });
// texture lookups on the sampler types the hardware has (2D, cube, 2D and cube depth comparison)
{
  const T3: FnOpts = { foldable: false, availability: '300' };
  const T3F: FnOpts = { ...T3, stage: 'fragment' };
  for (const [smp, c, ret] of [['sampler2D', 'vec2', 'vec4'], ['samplerCube', 'vec3', 'vec4'], ['sampler2DShadow', 'vec3', 'float'], ['samplerCubeShadow', 'vec4', 'float']] as const) {
    add('texture', ret, [smp, c], T3);
    add('texture', ret, [smp, c, 'float'], T3F);
    if (smp !== 'samplerCubeShadow') add('textureLod', ret, [smp, c, 'float'], T3);
    const grad = smp === 'sampler2D' || smp === 'sampler2DShadow' ? 'vec2' : 'vec3';
    add('textureGrad', ret, [smp, c, grad, grad], T3);
  }
  for (const [smp, cs, ret] of [['sampler2D', ['vec3', 'vec4'], 'vec4'], ['sampler2DShadow', ['vec4'], 'float']] as const) {
    for (const c of cs) {
      add('textureProj', ret, [smp, c], T3);
      add('textureProj', ret, [smp, c, 'float'], T3F);
      add('textureProjLod', ret, [smp, c, 'float'], T3);
      add('textureProjGrad', ret, [smp, c, 'vec2', 'vec2'], T3);
      // the *Offset forms: a constant ivec2 texel offset last (GLSL ES 3.00 § 8.8; the checker wants it constant and in range)
      add('textureProjOffset', ret, [smp, c, 'ivec2'], T3);
      add('textureProjOffset', ret, [smp, c, 'ivec2', 'float'], T3F);
      add('textureProjLodOffset', ret, [smp, c, 'float', 'ivec2'], T3);
      add('textureProjGradOffset', ret, [smp, c, 'vec2', 'vec2', 'ivec2'], T3);
    }
  }
  for (const [smp, c, ret] of [['sampler2D', 'vec2', 'vec4'], ['sampler2DShadow', 'vec3', 'float']] as const) {
    add('textureOffset', ret, [smp, c, 'ivec2'], T3);
    add('textureOffset', ret, [smp, c, 'ivec2', 'float'], T3F);
    add('textureLodOffset', ret, [smp, c, 'float', 'ivec2'], T3);
    add('textureGradOffset', ret, [smp, c, 'vec2', 'vec2', 'ivec2'], T3);
  }
  // 3D and 2D array textures (no textureGrad on sampler3D: the texture unit takes two gradients of two components)
  for (const [smp, ret] of [['sampler3D', 'vec4'], ['sampler2DArray', 'vec4']] as const) {
    add('texture', ret, [smp, 'vec3'], T3);
    add('texture', ret, [smp, 'vec3', 'float'], T3F);
    add('textureLod', ret, [smp, 'vec3', 'float'], T3);
    add('texelFetch', ret, [smp, 'ivec3', 'int'], T3);
    add('textureSize', 'ivec3', [smp, 'int'], T3);
  }
  add('textureProj', 'vec4', ['sampler3D', 'vec4'], T3);
  add('textureProj', 'vec4', ['sampler3D', 'vec4', 'float'], T3F);
  add('textureProjLod', 'vec4', ['sampler3D', 'vec4', 'float'], T3);
  add('textureGrad', 'vec4', ['sampler2DArray', 'vec3', 'vec2', 'vec2'], T3);
  add('textureOffset', 'vec4', ['sampler2DArray', 'vec3', 'ivec2'], T3);
  add('textureOffset', 'vec4', ['sampler2DArray', 'vec3', 'ivec2', 'float'], T3F);
  add('textureLodOffset', 'vec4', ['sampler2DArray', 'vec3', 'float', 'ivec2'], T3);
  add('textureGradOffset', 'vec4', ['sampler2DArray', 'vec3', 'vec2', 'vec2', 'ivec2'], T3);
  add('texelFetchOffset', 'vec4', ['sampler2DArray', 'ivec3', 'int', 'ivec2'], T3);
  add('texture', 'float', ['sampler2DArrayShadow', 'vec4'], T3);
  add('textureGrad', 'float', ['sampler2DArrayShadow', 'vec4', 'vec2', 'vec2'], T3);
  add('textureSize', 'ivec3', ['sampler2DArrayShadow', 'int'], T3);
  // texel fetches and size queries (integer operands; the texture unit's fetch and size modes)
  add('texelFetch', 'vec4', ['sampler2D', 'ivec2', 'int'], T3);
  add('texelFetchOffset', 'vec4', ['sampler2D', 'ivec2', 'int', 'ivec2'], T3);
  for (const smp of ['sampler2D', 'samplerCube', 'sampler2DShadow', 'samplerCubeShadow']) add('textureSize', 'ivec2', [smp, 'int'], T3);
  // the integer samplers (GLSL ES 3.00 § 8.8's gsampler forms): every lookup of sampler2D, samplerCube, sampler3D and
  // sampler2DArray again, returning ivec4 / uvec4 (the tex instruction's int return); textureSize as it is
  const FLOAT_SAMPLERS = ['sampler2D', 'samplerCube', 'sampler3D', 'sampler2DArray'];
  for (const ov of ALL_OVERLOADS.slice()) {
    const p0 = ov.params[0]?.type;
    if (ov.availability !== '300' || p0?.tag !== 'sampler' || !FLOAT_SAMPLERS.includes(p0.kind)) continue;
    const rest = ov.params.slice(1).map((p) => typeToString(p.type));
    for (const g of ['i', 'u'] as const) {
      const ret = ov.name === 'textureSize' ? typeToString(ov.returnType) : `${g}vec4`;
      add(ov.name, ret, [`${g}${p0.kind}`, ...rest], { foldable: false, availability: '300', ...(ov.stage ? { stage: ov.stage } : {}) });
    }
  }
}
/** The texture built-ins whose last argument is a texel offset (a constant expression in [MIN, MAX]_PROGRAM_TEXEL_OFFSET). */
export const isTexelOffsetBuiltin = (name: string): boolean => name.endsWith('Offset') && (name.startsWith('texture') || name.startsWith('texel'));
/** The argument index of an *Offset built-in's offset: its last ivec2 parameter (a bias may follow it). */
export function texelOffsetArg(o: BuiltinOverload): number {
  let k = -1;
  o.params.forEach((p, i) => { if (p.type.tag === 'vector' && p.type.base === 'int') k = i; });
  return k;
}
// Noise (desktop)
for (const g of GEN_F) {
  add('noise1', 'float', [g], { foldable: false, availability: 'desktop' });
  add('noise2', 'vec2', [g], { foldable: false, availability: 'desktop' });
  add('noise3', 'vec3', [g], { foldable: false, availability: 'desktop' });
  add('noise4', 'vec4', [g], { foldable: false, availability: 'desktop' });
}

export function overloadAvailable(o: BuiltinOverload, version: GlslVersion, stage: Stage): boolean {
  if (o.stage && o.stage !== stage) return false;
  switch (o.availability) {
    case 'all':
      return true;
    case 'es':
      return version === 100;
    case 'desktop':
      return version === 110 || version === 120;
    case '120':
      return version === 120;
    case 'legacy':
      return version !== 300;
    case '300':
      return version === 300;
    case '120+300':
      return version === 120 || version === 300;
  }
}

/** All built-in overloads (across versions/stages; filter with {@link overloadAvailable}). */
export const BUILTIN_FUNCTIONS: ReadonlyMap<string, readonly BuiltinOverload[]> = (() => {
  const m = new Map<string, BuiltinOverload[]>();
  for (const o of ALL_OVERLOADS) {
    let l = m.get(o.name);
    if (!l) m.set(o.name, (l = []));
    l.push(o);
  }
  return m;
})();

// ---------------------------------------------------------------------------------------
// Built-in variables

export interface BuiltinVariable {
  name: string;
  type: GlslType;
  storage: 'none' | 'const' | 'uniform' | 'attribute' | 'varying';
  writable: boolean;
  precision?: PrecisionQualifier;
  constValue?: ConstValue;
}

export interface BuiltinStructs {
  depthRange: StructType;
}

const depthRangeStruct = makeStruct('gl_DepthRangeParameters', [
  { name: 'near', type: FLOAT, precision: 'highp' },
  { name: 'far', type: FLOAT, precision: 'highp' },
  { name: 'diff', type: FLOAT, precision: 'highp' },
]);
const V4 = T('vec4');
const V3 = T('vec3');
const V2 = T('vec2');
const M4 = matType(4, 4);
const M3 = matType(3, 3);
const pointStruct = makeStruct('gl_PointParameters', [
  'size', 'sizeMin', 'sizeMax', 'fadeThresholdSize', 'distanceConstantAttenuation', 'distanceLinearAttenuation',
  'distanceQuadraticAttenuation',
].map((name) => ({ name, type: FLOAT })));
const materialStruct = makeStruct('gl_MaterialParameters', [
  { name: 'emission', type: V4 }, { name: 'ambient', type: V4 }, { name: 'diffuse', type: V4 },
  { name: 'specular', type: V4 }, { name: 'shininess', type: FLOAT },
]);
const lightStruct = makeStruct('gl_LightSourceParameters', [
  { name: 'ambient', type: V4 }, { name: 'diffuse', type: V4 }, { name: 'specular', type: V4 },
  { name: 'position', type: V4 }, { name: 'halfVector', type: V4 }, { name: 'spotDirection', type: V3 },
  { name: 'spotExponent', type: FLOAT }, { name: 'spotCutoff', type: FLOAT }, { name: 'spotCosCutoff', type: FLOAT },
  { name: 'constantAttenuation', type: FLOAT }, { name: 'linearAttenuation', type: FLOAT },
  { name: 'quadraticAttenuation', type: FLOAT },
]);
const lightModelStruct = makeStruct('gl_LightModelParameters', [{ name: 'ambient', type: V4 }]);
const lightModelProductStruct = makeStruct('gl_LightModelProducts', [{ name: 'sceneColor', type: V4 }]);
const lightProductStruct = makeStruct('gl_LightProducts', [
  { name: 'ambient', type: V4 }, { name: 'diffuse', type: V4 }, { name: 'specular', type: V4 },
]);
const fogStruct = makeStruct('gl_FogParameters', [
  { name: 'color', type: V4 }, { name: 'density', type: FLOAT }, { name: 'start', type: FLOAT },
  { name: 'end', type: FLOAT }, { name: 'scale', type: FLOAT },
]);

/** Built-in struct types by name (usable as type names in desktop GLSL). */
export const BUILTIN_STRUCTS: ReadonlyMap<string, StructType> = new Map([
  ['gl_DepthRangeParameters', depthRangeStruct],
  ['gl_PointParameters', pointStruct],
  ['gl_MaterialParameters', materialStruct],
  ['gl_LightSourceParameters', lightStruct],
  ['gl_LightModelParameters', lightModelStruct],
  ['gl_LightModelProducts', lightModelProductStruct],
  ['gl_LightProducts', lightProductStruct],
  ['gl_FogParameters', fogStruct],
]);

function cint(v: number): ConstValue {
  return { type: INT, data: [v] };
}

/**
 * Implementation limits reported through the gl_Max* constants: the driver's (umd/pipe/caps.ts),
 * the same values getParameter reports, as GLSL ES 1.00 § 7.4 and the WebGL conformance
 * suite's glsl-built-ins page require.
 */
export const ES_LIMITS = {
  gl_MaxVertexAttribs: CAPS.maxVertexAttribs,
  gl_MaxVertexUniformVectors: CAPS.maxUniformVectors,
  gl_MaxVaryingVectors: CAPS.maxVaryingVectors,
  gl_MaxVertexTextureImageUnits: CAPS.maxTextureUnits,
  gl_MaxCombinedTextureImageUnits: CAPS.maxCombinedTextureUnits,
  gl_MaxTextureImageUnits: CAPS.maxTextureUnits,
  gl_MaxFragmentUniformVectors: CAPS.maxUniformVectors,
  gl_MaxDrawBuffers: 1,
};
export const DESKTOP_LIMITS = {
  gl_MaxLights: 8,
  gl_MaxClipPlanes: 8,
  gl_MaxTextureUnits: 2,
  gl_MaxTextureCoords: 8,
  gl_MaxVertexAttribs: CAPS.maxVertexAttribs,
  gl_MaxVertexUniformComponents: CAPS.maxUniformComponents,
  gl_MaxVaryingFloats: CAPS.maxVaryingVectors * 4,
  gl_MaxVertexTextureImageUnits: CAPS.maxTextureUnits,
  gl_MaxCombinedTextureImageUnits: CAPS.maxCombinedTextureUnits,
  gl_MaxTextureImageUnits: CAPS.maxTextureUnits,
  gl_MaxFragmentUniformComponents: CAPS.maxUniformComponents,
  gl_MaxDrawBuffers: 8,
};

export function builtinVariables(version: GlslVersion, stage: Stage, extensions: ReadonlySet<string>): BuiltinVariable[] {
  const vars: BuiltinVariable[] = [];
  const v = (name: string, type: GlslType, storage: BuiltinVariable['storage'], writable: boolean, precision?: PrecisionQualifier): void => {
    const b: BuiltinVariable = { name, type, storage, writable };
    if (precision && isEs(version)) b.precision = precision;
    vars.push(b);
  };
  // GL_ANGLE_multi_draw (WEBGL_multi_draw): the index of the draw within a multi-draw call, a driver-written uniform
  if (stage === 'vertex' && extensions.has('GL_ANGLE_multi_draw') && (version === 100 || version === 300)) v('gl_DrawID', INT, 'uniform', false, 'highp');
  if (version === 300) return builtinVariables300(stage, v, vars);
  const es = version === 100;
  const limits: Record<string, number> = es
    ? { ...ES_LIMITS, gl_MaxDrawBuffers: extensions.has('GL_EXT_draw_buffers') ? CAPS.maxDrawBuffers : 1 }
    : DESKTOP_LIMITS;
  for (const [name, value] of Object.entries(limits)) {
    vars.push({ name, type: INT, storage: 'const', writable: false, constValue: cint(value), ...(es ? { precision: 'mediump' as const } : {}) });
  }
  v('gl_DepthRange', depthRangeStruct, 'uniform', false);
  const maxDraw = limits['gl_MaxDrawBuffers']!;
  const maxTC = DESKTOP_LIMITS.gl_MaxTextureCoords;
  if (stage === 'vertex') {
    v('gl_Position', V4, 'none', true, 'highp');
    v('gl_PointSize', FLOAT, 'none', true, 'mediump');
    if (!es) {
      v('gl_ClipVertex', V4, 'none', true);
      for (const [n, t] of [
        ['gl_Color', V4], ['gl_SecondaryColor', V4], ['gl_Normal', V3], ['gl_Vertex', V4], ['gl_FogCoord', FLOAT],
      ] as const) v(n, t, 'attribute', false);
      for (let i = 0; i < 8; i++) v(`gl_MultiTexCoord${i}`, V4, 'attribute', false);
      for (const n of ['gl_FrontColor', 'gl_BackColor', 'gl_FrontSecondaryColor', 'gl_BackSecondaryColor']) v(n, V4, 'varying', true);
      v('gl_TexCoord', arrayOf(V4, maxTC), 'varying', true);
      v('gl_FogFragCoord', FLOAT, 'varying', true);
    }
  } else {
    v('gl_FragCoord', V4, 'none', false, 'mediump');
    v('gl_FrontFacing', BOOL, 'none', false);
    v('gl_FragColor', V4, 'none', true, 'mediump');
    v('gl_FragData', arrayOf(V4, maxDraw), 'none', true, 'mediump');
    if (es || version === 120) v('gl_PointCoord', V2, 'none', false, 'mediump');
    if (!es) {
      v('gl_FragDepth', FLOAT, 'none', true);
      v('gl_Color', V4, 'varying', false);
      v('gl_SecondaryColor', V4, 'varying', false);
      v('gl_TexCoord', arrayOf(V4, maxTC), 'varying', false);
      v('gl_FogFragCoord', FLOAT, 'varying', false);
    } else if (extensions.has('GL_EXT_frag_depth')) {
      v('gl_FragDepthEXT', FLOAT, 'none', true, 'highp');
    }
  }
  if (!es) {
    for (const n of ['gl_ModelViewMatrix', 'gl_ProjectionMatrix', 'gl_ModelViewProjectionMatrix']) {
      v(n, M4, 'uniform', false);
      v(n + 'Inverse', M4, 'uniform', false);
      v(n + 'Transpose', M4, 'uniform', false);
      v(n + 'InverseTranspose', M4, 'uniform', false);
    }
    for (const n of ['gl_TextureMatrix', 'gl_TextureMatrixInverse', 'gl_TextureMatrixTranspose', 'gl_TextureMatrixInverseTranspose']) {
      v(n, arrayOf(M4, maxTC), 'uniform', false);
    }
    v('gl_NormalMatrix', M3, 'uniform', false);
    v('gl_NormalScale', FLOAT, 'uniform', false);
    v('gl_ClipPlane', arrayOf(V4, DESKTOP_LIMITS.gl_MaxClipPlanes), 'uniform', false);
    v('gl_Point', pointStruct, 'uniform', false);
    v('gl_FrontMaterial', materialStruct, 'uniform', false);
    v('gl_BackMaterial', materialStruct, 'uniform', false);
    v('gl_LightSource', arrayOf(lightStruct, DESKTOP_LIMITS.gl_MaxLights), 'uniform', false);
    v('gl_LightModel', lightModelStruct, 'uniform', false);
    v('gl_FrontLightModelProduct', lightModelProductStruct, 'uniform', false);
    v('gl_BackLightModelProduct', lightModelProductStruct, 'uniform', false);
    v('gl_FrontLightProduct', arrayOf(lightProductStruct, DESKTOP_LIMITS.gl_MaxLights), 'uniform', false);
    v('gl_BackLightProduct', arrayOf(lightProductStruct, DESKTOP_LIMITS.gl_MaxLights), 'uniform', false);
    v('gl_TextureEnvColor', arrayOf(V4, DESKTOP_LIMITS.gl_MaxTextureUnits), 'uniform', false);
    for (const c of ['S', 'T', 'R', 'Q']) {
      v(`gl_EyePlane${c}`, arrayOf(V4, maxTC), 'uniform', false);
      v(`gl_ObjectPlane${c}`, arrayOf(V4, maxTC), 'uniform', false);
    }
    v('gl_Fog', fogStruct, 'uniform', false);
  }
  return vars;
}

/** GLSL ES 3.00 §7: the built-in variables and constants (gl_FragColor and gl_FragData are gone). */
function builtinVariables300(
  stage: Stage, v: (name: string, type: GlslType, storage: BuiltinVariable['storage'], writable: boolean, precision?: PrecisionQualifier) => void,
  vars: BuiltinVariable[],
): BuiltinVariable[] {
  const limits: Record<string, number> = {
    gl_MaxVertexAttribs: CAPS.maxVertexAttribs,
    gl_MaxVertexUniformVectors: CAPS.maxUniformVectors,
    // GLSL ES 3.00 § 7.3: MAX_VERTEX_OUTPUT_COMPONENTS / 4 and MAX_FRAGMENT_INPUT_COMPONENTS / 4 (16 and 15)
    gl_MaxVertexOutputVectors: CAPS.maxVertexOutputComponents / 4,
    gl_MaxFragmentInputVectors: CAPS.maxFragmentInputComponents / 4,
    gl_MaxVertexTextureImageUnits: CAPS.maxTextureUnits,
    gl_MaxCombinedTextureImageUnits: CAPS.maxCombinedTextureUnits,
    gl_MaxTextureImageUnits: CAPS.maxTextureUnits,
    gl_MaxFragmentUniformVectors: CAPS.maxUniformVectors,
    // the hardware's render targets (ES 3.0 asks for 4)
    gl_MaxDrawBuffers: CAPS.maxDrawBuffers,
    // textureOffset's range (MIN_/MAX_PROGRAM_TEXEL_OFFSET)
    gl_MinProgramTexelOffset: CAPS.minProgramTexelOffset,
    gl_MaxProgramTexelOffset: CAPS.maxProgramTexelOffset,
  };
  for (const [name, value] of Object.entries(limits)) {
    vars.push({ name, type: INT, storage: 'const', writable: false, constValue: cint(value), precision: 'mediump' });
  }
  v('gl_DepthRange', depthRangeStruct, 'uniform', false);
  if (stage === 'vertex') {
    v('gl_Position', V4, 'none', true, 'highp');
    v('gl_PointSize', FLOAT, 'none', true, 'highp');
    v('gl_VertexID', INT, 'none', false, 'highp');
    v('gl_InstanceID', INT, 'none', false, 'highp');
  } else {
    v('gl_FragCoord', V4, 'none', false, 'mediump');
    v('gl_FrontFacing', BOOL, 'none', false);
    v('gl_PointCoord', V2, 'none', false, 'mediump');
    v('gl_FragDepth', FLOAT, 'none', true, 'highp');
  }
  return vars;
}

// ---------------------------------------------------------------------------------------
// Constant folding of built-in calls

function compCount(t: GlslType): number {
  if (t.tag === 'scalar') return 1;
  if (t.tag === 'vector') return t.size;
  if (t.tag === 'matrix') return t.cols * t.rows;
  return 0;
}

const UNARY: Record<string, (x: number) => number> = {
  radians: (x) => (x * Math.PI) / 180,
  degrees: (x) => (x * 180) / Math.PI,
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos,
  exp: Math.exp, log: Math.log, exp2: (x) => Math.pow(2, x), log2: Math.log2, sqrt: Math.sqrt,
  inversesqrt: (x) => 1 / Math.sqrt(x), abs: Math.abs, sign: Math.sign, floor: Math.floor, ceil: Math.ceil,
  fract: (x) => x - Math.floor(x),
};
const BINARY: Record<string, (x: number, y: number) => number> = {
  atan: Math.atan2, pow: Math.pow, mod: (x, y) => x - y * Math.floor(x / y), min: Math.min, max: Math.max,
  step: (e, x) => (x < e ? 0 : 1),
};

/**
 * Evaluate a foldable built-in on constant arguments. Returns the flattened result, or
 * undefined when the function is not foldable.
 */
export function evaluateBuiltin(o: BuiltinOverload, args: readonly ConstValue[]): number[] | undefined {
  if (!o.foldable) return undefined;
  const n = compCount(o.returnType);
  const at = (a: ConstValue, i: number): number => (a.data.length === 1 ? a.data[0]! : a.data[i]!);
  const a0 = args[0];
  const a1 = args[1];
  const a2 = args[2];
  const u = UNARY[o.name];
  if (u && args.length === 1 && a0) return a0.data.map(u);
  if (o.name === 'atan' && args.length === 1 && a0) return a0.data.map(Math.atan);
  const b = BINARY[o.name];
  if (b && a0 && a1) {
    const m = Math.max(a0.data.length, a1.data.length);
    return Array.from({ length: m }, (_, i) => b(at(a0, i), at(a1, i)));
  }
  const dot = (x: readonly number[], y: readonly number[]): number => x.reduce((s, v, i) => s + v * y[i]!, 0);
  switch (o.name) {
    case 'clamp':
      if (!a0 || !a1 || !a2) return undefined;
      return a0.data.map((x, i) => Math.min(Math.max(x, at(a1, i)), at(a2, i)));
    case 'mix':
      if (!a0 || !a1 || !a2) return undefined;
      return a0.data.map((x, i) => x * (1 - at(a2, i)) + at(a1, i) * at(a2, i));
    case 'smoothstep':
      if (!a0 || !a1 || !a2) return undefined;
      return a2.data.map((x, i) => {
        const t = Math.min(Math.max((x - at(a0, i)) / (at(a1, i) - at(a0, i)), 0), 1);
        return t * t * (3 - 2 * t);
      });
    case 'length':
      return a0 ? [Math.sqrt(dot(a0.data, a0.data))] : undefined;
    case 'distance': {
      if (!a0 || !a1) return undefined;
      const d = a0.data.map((x, i) => x - a1.data[i]!);
      return [Math.sqrt(dot(d, d))];
    }
    case 'dot':
      return a0 && a1 ? [dot(a0.data, a1.data)] : undefined;
    case 'cross': {
      if (!a0 || !a1) return undefined;
      const [x1, y1, z1] = a0.data as [number, number, number];
      const [x2, y2, z2] = a1.data as [number, number, number];
      return [y1 * z2 - z1 * y2, z1 * x2 - x1 * z2, x1 * y2 - y1 * x2];
    }
    case 'normalize': {
      if (!a0) return undefined;
      const l = Math.sqrt(dot(a0.data, a0.data));
      return a0.data.map((x) => x / l);
    }
    case 'faceforward':
      if (!a0 || !a1 || !a2) return undefined;
      return dot(a2.data, a1.data) < 0 ? a0.data.slice() : a0.data.map((x) => -x);
    case 'reflect': {
      if (!a0 || !a1) return undefined;
      const d = dot(a1.data, a0.data);
      return a0.data.map((x, i) => x - 2 * d * a1.data[i]!);
    }
    case 'refract': {
      if (!a0 || !a1 || !a2) return undefined;
      const eta = a2.data[0]!;
      const d = dot(a1.data, a0.data);
      const k = 1 - eta * eta * (1 - d * d);
      if (k < 0) return a0.data.map(() => 0);
      return a0.data.map((x, i) => eta * x - (eta * d + Math.sqrt(k)) * a1.data[i]!);
    }
    case 'matrixCompMult':
      return a0 && a1 ? a0.data.map((x, i) => x * a1.data[i]!) : undefined;
    case 'outerProduct': {
      if (!a0 || !a1 || o.returnType.tag !== 'matrix') return undefined;
      const res: number[] = [];
      for (let c = 0; c < o.returnType.cols; c++) for (let r = 0; r < o.returnType.rows; r++) res.push(a0.data[r]! * a1.data[c]!);
      return res;
    }
    case 'transpose': {
      if (!a0 || a0.type.tag !== 'matrix') return undefined;
      const { cols, rows } = a0.type;
      const res: number[] = [];
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) res.push(a0.data[c * rows + r]!);
      return res;
    }
    case 'lessThan':
      return a0 && a1 ? a0.data.map((x, i) => (x < a1.data[i]! ? 1 : 0)) : undefined;
    case 'lessThanEqual':
      return a0 && a1 ? a0.data.map((x, i) => (x <= a1.data[i]! ? 1 : 0)) : undefined;
    case 'greaterThan':
      return a0 && a1 ? a0.data.map((x, i) => (x > a1.data[i]! ? 1 : 0)) : undefined;
    case 'greaterThanEqual':
      return a0 && a1 ? a0.data.map((x, i) => (x >= a1.data[i]! ? 1 : 0)) : undefined;
    case 'equal':
      return a0 && a1 ? a0.data.map((x, i) => (x === a1.data[i]! ? 1 : 0)) : undefined;
    case 'notEqual':
      return a0 && a1 ? a0.data.map((x, i) => (x !== a1.data[i]! ? 1 : 0)) : undefined;
    case 'dFdx':
    case 'dFdy':
    case 'fwidth':
      // Derivatives of constants are zero (Mesa folds these too).
      return a0 ? a0.data.map(() => 0) : undefined;
    case 'any':
      return a0 ? [a0.data.some((x) => x !== 0) ? 1 : 0] : undefined;
    case 'all':
      return a0 ? [a0.data.every((x) => x !== 0) ? 1 : 0] : undefined;
    case 'not':
      return a0 ? a0.data.map((x) => (x ? 0 : 1)) : undefined;
    default:
      void n;
      return undefined;
  }
}

export function overloadSignature(name: string, params: readonly GlslType[]): string {
  return `${name}(${params.map(typeToString).join(',')})`;
}
export { VOID };
