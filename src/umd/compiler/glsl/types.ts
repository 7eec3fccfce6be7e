/**
 * GLSL type system for the front end (GLSL ES 1.00 and 3.00, desktop GLSL 1.10/1.20).
 *
 * Types are plain immutable objects. Basic types (scalars, vectors, matrices,
 * samplers, void) are interned singletons so they can be compared with `===`,
 * but always use {@link typesEqual} because struct and array types are
 * structural objects created by the checker.
 */

export type ScalarKind = 'float' | 'int' | 'uint' | 'bool';

export type SamplerKind =
  | 'sampler1D'
  | 'sampler2D'
  | 'sampler3D'
  | 'samplerCube'
  | 'sampler1DShadow'
  | 'sampler2DShadow'
  | 'sampler2DRect'
  | 'sampler2DRectShadow'
  | 'samplerCubeShadow'
  | 'sampler2DArray'
  | 'sampler2DArrayShadow'
  // GLSL ES 3.00 integer samplers: texels returned as integers (the tex instruction's int return)
  | 'isampler2D' | 'isampler3D' | 'isamplerCube' | 'isampler2DArray'
  | 'usampler2D' | 'usampler3D' | 'usamplerCube' | 'usampler2DArray';

export type PrecisionQualifier = 'lowp' | 'mediump' | 'highp';

export interface VoidType { readonly tag: 'void' }
export interface ScalarType { readonly tag: 'scalar'; readonly base: ScalarKind }
export interface VectorType { readonly tag: 'vector'; readonly base: ScalarKind; readonly size: 2 | 3 | 4 }
/** Float matrix with `cols` columns each of `rows` components (GLSL matCxR). Column-major. */
export interface MatrixType { readonly tag: 'matrix'; readonly cols: 2 | 3 | 4; readonly rows: 2 | 3 | 4 }
export interface SamplerType { readonly tag: 'sampler'; readonly kind: SamplerKind }
export interface StructField { readonly name: string; readonly type: GlslType; readonly precision?: PrecisionQualifier }
/** A struct type. `id` is unique per declaration; two structs are equal only if ids match. */
export interface StructType {
  readonly tag: 'struct';
  readonly name: string;
  readonly id: number;
  readonly fields: readonly StructField[];
}
/** Array of `size` elements; size is -1 for an unsized array declaration (desktop 1.20 `float a[];`). */
export interface ArrayType { readonly tag: 'array'; readonly element: GlslType; readonly size: number }

export type GlslType = VoidType | ScalarType | VectorType | MatrixType | SamplerType | StructType | ArrayType;

export const VOID: VoidType = { tag: 'void' };
export const FLOAT: ScalarType = { tag: 'scalar', base: 'float' };
export const INT: ScalarType = { tag: 'scalar', base: 'int' };
export const BOOL: ScalarType = { tag: 'scalar', base: 'bool' };
export const UINT: ScalarType = { tag: 'scalar', base: 'uint' };

const vecCache = new Map<string, VectorType>();
export function vecType(base: ScalarKind, size: 2 | 3 | 4): VectorType {
  const k = base + size;
  let v = vecCache.get(k);
  if (!v) {
    v = { tag: 'vector', base, size };
    vecCache.set(k, v);
  }
  return v;
}
const matCache = new Map<string, MatrixType>();
export function matType(cols: 2 | 3 | 4, rows: 2 | 3 | 4): MatrixType {
  const k = `${cols}x${rows}`;
  let m = matCache.get(k);
  if (!m) {
    m = { tag: 'matrix', cols, rows };
    matCache.set(k, m);
  }
  return m;
}
const samplerCache = new Map<SamplerKind, SamplerType>();
export function samplerType(kind: SamplerKind): SamplerType {
  let s = samplerCache.get(kind);
  if (!s) {
    s = { tag: 'sampler', kind };
    samplerCache.set(kind, s);
  }
  return s;
}
export function scalarType(base: ScalarKind): ScalarType {
  return base === 'float' ? FLOAT : base === 'int' ? INT : base === 'uint' ? UINT : BOOL;
}
/** Scalar (size 1) or vector of base type. */
export function genType(base: ScalarKind, size: number): ScalarType | VectorType {
  return size === 1 ? scalarType(base) : vecType(base, size as 2 | 3 | 4);
}
export function arrayOf(element: GlslType, size: number): ArrayType {
  return { tag: 'array', element, size };
}

let structCounter = 0;
export function makeStruct(name: string, fields: StructField[]): StructType {
  return { tag: 'struct', name, id: ++structCounter, fields };
}

/** Map of the built-in type keyword names to types (matCxR included; version gating is done by the lexer). */
export const BASIC_TYPES: ReadonlyMap<string, GlslType> = new Map<string, GlslType>([
  ['void', VOID],
  ['float', FLOAT],
  ['int', INT],
  ['bool', BOOL],
  ['uint', UINT],
  ['uvec2', vecType('uint', 2)],
  ['uvec3', vecType('uint', 3)],
  ['uvec4', vecType('uint', 4)],
  ['vec2', vecType('float', 2)],
  ['vec3', vecType('float', 3)],
  ['vec4', vecType('float', 4)],
  ['ivec2', vecType('int', 2)],
  ['ivec3', vecType('int', 3)],
  ['ivec4', vecType('int', 4)],
  ['bvec2', vecType('bool', 2)],
  ['bvec3', vecType('bool', 3)],
  ['bvec4', vecType('bool', 4)],
  ['mat2', matType(2, 2)],
  ['mat3', matType(3, 3)],
  ['mat4', matType(4, 4)],
  ['mat2x2', matType(2, 2)],
  ['mat2x3', matType(2, 3)],
  ['mat2x4', matType(2, 4)],
  ['mat3x2', matType(3, 2)],
  ['mat3x3', matType(3, 3)],
  ['mat3x4', matType(3, 4)],
  ['mat4x2', matType(4, 2)],
  ['mat4x3', matType(4, 3)],
  ['mat4x4', matType(4, 4)],
  ['sampler1D', samplerType('sampler1D')],
  ['sampler2D', samplerType('sampler2D')],
  ['sampler3D', samplerType('sampler3D')],
  ['samplerCube', samplerType('samplerCube')],
  ['sampler1DShadow', samplerType('sampler1DShadow')],
  ['sampler2DShadow', samplerType('sampler2DShadow')],
  ['sampler2DRect', samplerType('sampler2DRect')],
  ['sampler2DRectShadow', samplerType('sampler2DRectShadow')],
  ['samplerCubeShadow', samplerType('samplerCubeShadow')],
  ['sampler2DArray', samplerType('sampler2DArray')],
  ['sampler2DArrayShadow', samplerType('sampler2DArrayShadow')],
  ...(['isampler2D', 'isampler3D', 'isamplerCube', 'isampler2DArray', 'usampler2D', 'usampler3D', 'usamplerCube', 'usampler2DArray'] as const)
    .map((k) => [k, samplerType(k)] as const),
]);

export function typesEqual(a: GlslType, b: GlslType): boolean {
  if (a === b) return true;
  switch (a.tag) {
    case 'void':
      return b.tag === 'void';
    case 'scalar':
      return b.tag === 'scalar' && a.base === b.base;
    case 'vector':
      return b.tag === 'vector' && a.base === b.base && a.size === b.size;
    case 'matrix':
      return b.tag === 'matrix' && a.cols === b.cols && a.rows === b.rows;
    case 'sampler':
      return b.tag === 'sampler' && a.kind === b.kind;
    case 'struct':
      return b.tag === 'struct' && a.id === b.id;
    case 'array':
      return b.tag === 'array' && a.size === b.size && typesEqual(a.element, b.element);
  }
}

export function typeToString(t: GlslType): string {
  switch (t.tag) {
    case 'void':
      return 'void';
    case 'scalar':
      return t.base;
    case 'vector':
      return (t.base === 'float' ? 'vec' : t.base === 'int' ? 'ivec' : t.base === 'uint' ? 'uvec' : 'bvec') + t.size;
    case 'matrix':
      return t.cols === t.rows ? `mat${t.cols}` : `mat${t.cols}x${t.rows}`;
    case 'sampler':
      return t.kind;
    case 'struct':
      return t.name || '(anonymous struct)';
    case 'array':
      return `${typeToString(t.element)}[${t.size >= 0 ? t.size : ''}]`;
  }
}

/** Base scalar kind of scalar/vector/matrix types, undefined otherwise. */
export function baseKind(t: GlslType): ScalarKind | undefined {
  if (t.tag === 'scalar' || t.tag === 'vector') return t.base;
  if (t.tag === 'matrix') return 'float';
  return undefined;
}

/** Number of scalar components of scalar/vector/matrix (0 otherwise). */
export function componentCount(t: GlslType): number {
  switch (t.tag) {
    case 'scalar':
      return 1;
    case 'vector':
      return t.size;
    case 'matrix':
      return t.cols * t.rows;
    default:
      return 0;
  }
}

/** Total number of scalar slots when flattened (structs and arrays recursively). Samplers count 1. */
export function flatSize(t: GlslType): number {
  switch (t.tag) {
    case 'void':
      return 0;
    case 'scalar':
    case 'sampler':
      return 1;
    case 'vector':
      return t.size;
    case 'matrix':
      return t.cols * t.rows;
    case 'struct':
      return t.fields.reduce((n, f) => n + flatSize(f.type), 0);
    case 'array':
      return Math.max(0, t.size) * flatSize(t.element);
  }
}

export function isNumericScalarOrVector(t: GlslType): boolean {
  return (t.tag === 'scalar' || t.tag === 'vector') && t.base !== 'bool';
}
/** int or uint (GLSL ES 3.00's integer types) */
export function isIntegerKind(k: ScalarKind | undefined): k is 'int' | 'uint' {
  return k === 'int' || k === 'uint';
}
/** The scalar kind of every flattened component of `t`, in the flattening order (samplers: 'int'). */
export function scalarKinds(t: GlslType, out: ScalarKind[] = []): ScalarKind[] {
  if (t.tag === 'struct') for (const f of t.fields) scalarKinds(f.type, out);
  else if (t.tag === 'array') for (let i = 0; i < Math.max(0, t.size); i++) scalarKinds(t.element, out);
  else if (t.tag === 'sampler') out.push('int');
  else { const k = baseKind(t); if (k) for (let i = 0; i < componentCount(t); i++) out.push(k); }
  return out;
}
export function isScalar(t: GlslType): t is ScalarType {
  return t.tag === 'scalar';
}
export function isFloatBased(t: GlslType): boolean {
  if (t.tag === 'array') return isFloatBased(t.element);
  return baseKind(t) === 'float';
}
export function containsSampler(t: GlslType): boolean {
  if (t.tag === 'sampler') return true;
  if (t.tag === 'array') return containsSampler(t.element);
  if (t.tag === 'struct') return t.fields.some((f) => containsSampler(f.type));
  return false;
}
export function containsArray(t: GlslType): boolean {
  if (t.tag === 'array') return true;
  if (t.tag === 'struct') return t.fields.some((f) => containsArray(f.type));
  return false;
}
export function containsStruct(t: GlslType): boolean {
  if (t.tag === 'struct') return true;
  if (t.tag === 'array') return containsStruct(t.element);
  return false;
}

/** Type produced by indexing `t` with `[]` (vector -> scalar, matrix -> column vector, array -> element). */
export function indexedType(t: GlslType): GlslType | undefined {
  if (t.tag === 'array') return t.element;
  if (t.tag === 'vector') return scalarType(t.base);
  if (t.tag === 'matrix') return vecType('float', t.rows);
  return undefined;
}
/** Number of valid indices for `[]` on `t` (-1 if unknown). */
export function indexLimit(t: GlslType): number {
  if (t.tag === 'array') return t.size;
  if (t.tag === 'vector') return t.size;
  if (t.tag === 'matrix') return t.cols;
  return -1;
}
