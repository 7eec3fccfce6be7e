/**
 * GLSL front end entry point: preprocess -> lex -> parse -> check -> reflect.
 *
 *   const r = compileFrontEnd(src, 'fragment');
 *   if (!r.ok) console.log(formatInfoLog(r.diagnostics));
 *   else lower(r.ast!)   // see ast.ts for the typed-AST contract
 */
import type * as A from './ast.js';
import { check, type CheckOptions } from './checker.js';
import { DiagCode, DiagnosticSink, formatInfoLog, type Diagnostic } from './diagnostics.js';
import { classifyTokens, isEs, type GlslVersion } from './lexer.js';
import { parse } from './parser.js';
import { BUILTIN_STRUCTS } from './builtins.js';
import { preprocess, type ExtensionBehavior } from './preprocessor.js';
import { typeToString, type GlslType } from './types.js';
import { firstUnpacked, packingItems, type PackingItem } from './packing.js';

export type { Diagnostic } from './diagnostics.js';
export type { TypedShader, Reflection, ReflectedVariable } from './ast.js';
export { formatInfoLog } from './diagnostics.js';
export * as ast from './ast.js';
export * as types from './types.js';

/** Extensions implemented by this front end (the default `options.extensions`). */
export const SUPPORTED_EXTENSIONS: readonly string[] = [
  'GL_OES_standard_derivatives',
  'GL_EXT_shader_texture_lod',
  'GL_EXT_frag_depth',
  'GL_EXT_draw_buffers',
  'GL_ANGLE_multi_draw',
];

export interface FrontEndOptions {
  /** Extensions the context exposes (default {@link SUPPORTED_EXTENSIONS}). */
  extensions?: string[];
  /** Version assumed when there is no #version directive (default 100 = GLSL ES 1.00). */
  defaultVersion?: GlslVersion;
  /**
   * The `#version`s the API allows (default: all the front end implements — 100, 110, 120 and
   * 300 es). WebGL 1 contexts pass the ES 1.00 family only, so `#version 300 es` fails to compile
   * there as WebGL 1.0 §6.x requires.
   */
  versions?: readonly GlslVersion[];
  /** The longest preprocessing token allowed (WebGL's "Maximum GLSL Token Size"); none: no limit. */
  maxTokenLength?: number;
  /** Report a missing `void main()` (default true; set false for compile-only tests). */
  requireMain?: boolean;
  /**
   * Enforce the GLSL ES Appendix A minimum-functionality restrictions, as WebGL requires
   * (default true): for-loop form, loop index not modified, no while/do-while loops, and
   * constant-index-expressions for indexing (except uniforms in vertex shaders).
   */
  enforceAppendixA?: boolean;
  /**
   * Apply the WebGL 1.0 specification's own shader limits on top of GLSL ES (default false: a
   * desktop / compatibility context compiles without them): struct nesting of at most 4 levels
   * (WebGL 1.0 §6 'Maximum Nesting of Structures'). Token length is `maxTokenLength`.
   */
  webgl?: boolean;
  /**
   * GLSL ES 1.00 Appendix A.7: a GLSL ES 1.00 shader whose statically used varyings (uniforms)
   * do not pack into this many vec4 rows by the appendix's algorithm fails to compile (WebGL
   * contexts pass their MAX_VARYING_VECTORS / MAX_*_UNIFORM_VECTORS; absent: not checked).
   */
  packing?: { varyingVectors: number; vertexUniformVectors: number; fragmentUniformVectors: number };
  /**
   * WebGL 2.0's rule for GLSL ES 3.00 uniform blocks: only the std140 layout; a block declared
   * `shared` or `packed` (or a `layout(shared) uniform;` default) fails to compile (default false).
   */
  std140Only?: boolean;
  /**
   * WebGL 2.0's own rules for GLSL ES 3.00 (default false): `#version 300 es` on the first line
   * (PreprocessOptions.versionOnFirstLine), and no ?: or , on void, arrays or structs containing
   * arrays (WebGL 2.0 § 5.26 'Unsupported variants of GLSL ES 3.00 operators').
   */
  webgl2?: boolean;
}

export interface FrontEndResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  ast?: A.TypedShader;
  reflection?: A.Reflection;
  version: GlslVersion;
  /** Driver-style info log of the diagnostics. */
  infoLog: string;
}

export function compileFrontEnd(
  source: string,
  stage: 'vertex' | 'fragment',
  options: FrontEndOptions = {},
): FrontEndResult {
  const diags = new DiagnosticSink();
  let version: GlslVersion = options.defaultVersion ?? 100;
  try {
    const supported = options.extensions ?? [...SUPPORTED_EXTENSIONS];
    const pp = preprocess(String(source), diags, { defaultVersion: version, extensions: supported, stage, ...(options.versions ? { versions: options.versions } : {}), ...(options.maxTokenLength !== undefined ? { maxTokenLength: options.maxTokenLength } : {}), versionOnFirstLine: options.webgl2 ?? false });
    version = pp.version;
    const tokens = classifyTokens(pp.tokens, version, diags);
    if (diags.hasErrors) return finish(diags, version);
    const { unit, ok: parsed } = parse(tokens, version, diags, isEs(version) ? [] : BUILTIN_STRUCTS.keys());
    if (!parsed || diags.hasErrors) return finish(diags, version);
    const opts: CheckOptions = {
      version,
      stage,
      extensionState: pp.extensionState,
      supportedExtensions: new Set(supported),
      requireMain: options.requireMain ?? true,
      enforceAppendixA: options.enforceAppendixA ?? true,
      webgl: options.webgl ?? false,
      std140Only: options.std140Only ?? false,
      webgl2: options.webgl2 ?? false,
    };
    const res = check(unit, opts, diags);
    if (version === 300 && stage === 'fragment') {
      for (const p of pp.pragmas) {
        if (/^STDGL\s*invariant\s*\(\s*all\s*\)$/.test(p.text)) diags.error(DiagCode.BAD_QUALIFIER, { line: p.line, column: 1 }, "'#pragma STDGL invariant(all)' is not allowed in a fragment shader (GLSL ES 3.00 §4.6.1)");
      }
    }
    if (version === 100 && options.packing) checkPacking(res.shader, res.referencedGlobals, options.packing, diags);
    if (diags.hasErrors) return finish(diags, version);
    const reflection = reflect(res.shader, res.builtinsRead, res.builtinsWritten, res.referencedGlobals, pp);
    return { ...finish(diags, version), ok: true, ast: res.shader, reflection };
  } catch (err) {
    diags.error(DiagCode.INTERNAL, { line: 1, column: 1 }, `internal compiler error: ${err instanceof Error ? err.message : String(err)}`);
    return finish(diags, version);
  }
}

/**
 * Desktop GLSL: several shaders of one stage, linked as one program stage. Each is preprocessed
 * and parsed on its own (its own #version and macros); the declarations are then checked
 * together, so a function declared in one may be defined in another and a global declared in
 * several is one variable. Diagnostics name the unit as the source string number.
 */
export function compileFrontEndUnits(
  sources: readonly string[],
  stage: 'vertex' | 'fragment',
  options: FrontEndOptions = {},
): FrontEndResult {
  const diags = new DiagnosticSink();
  let version: GlslVersion = options.defaultVersion ?? 100;
  try {
    const supported = options.extensions ?? [...SUPPORTED_EXTENSIONS];
    const declarations: A.ExternalDeclaration[] = [];
    const unitOf = new Map<A.ExternalDeclaration, number>();
    const extensionState = new Map<string, ExtensionBehavior>();
    const pragmas: ReturnType<typeof preprocess>['pragmas'] = [];
    let highest: GlslVersion | undefined;
    sources.forEach((source, i) => {
      const unitDiags = new DiagnosticSink();
      const pp = preprocess(String(source), unitDiags, { defaultVersion: version, extensions: supported, stage, ...(options.versions ? { versions: options.versions } : {}), ...(options.maxTokenLength !== undefined ? { maxTokenLength: options.maxTokenLength } : {}), versionOnFirstLine: options.webgl2 ?? false });
      const tokens = classifyTokens(pp.tokens, pp.version, unitDiags);
      const { unit } = unitDiags.hasErrors ? { unit: undefined } : parse(tokens, pp.version, unitDiags, isEs(pp.version) ? [] : BUILTIN_STRUCTS.keys());
      for (const d of unitDiags.list) diags.list.push({ ...d, source: i });
      for (const [n, b] of pp.extensionState) extensionState.set(n, b);
      pragmas.push(...pp.pragmas);
      highest = highest === undefined || pp.version > highest ? pp.version : highest;
      for (const d of unit?.declarations ?? []) { declarations.push(d); unitOf.set(d, i); }
    });
    version = highest ?? version;
    if (diags.hasErrors) return finish(diags, version);
    const opts: CheckOptions = {
      version, stage, extensionState, supportedExtensions: new Set(supported),
      requireMain: true, enforceAppendixA: options.enforceAppendixA ?? true, unitOf,
    };
    const res = check({ kind: 'TranslationUnit', declarations }, opts, diags);
    if (diags.hasErrors) return finish(diags, version);
    const reflection = reflect(res.shader, res.builtinsRead, res.builtinsWritten, res.referencedGlobals, { extensionState, pragmas } as unknown as ReturnType<typeof preprocess>);
    return { ...finish(diags, version), ok: true, ast: res.shader, reflection };
  } catch (err) {
    diags.error(DiagCode.INTERNAL, { line: 1, column: 1 }, `internal compiler error: ${err instanceof Error ? err.message : String(err)}`);
    return finish(diags, version);
  }
}

/**
 * GLSL ES 1.00 Appendix A.7: the statically used user varyings, and uniforms, of the shader must
 * pack into the limits' rows (packing.ts); the error points at the declaration that does not fit.
 */
function checkPacking(shader: A.TypedShader, referenced: ReadonlySet<A.VariableSymbol>, limits: NonNullable<FrontEndOptions['packing']>, diags: DiagnosticSink): void {
  for (const [storage, rows, what] of [
    ['varying', limits.varyingVectors, 'MAX_VARYING_VECTORS'],
    ['uniform', shader.stage === 'vertex' ? limits.vertexUniformVectors : limits.fragmentUniformVectors, shader.stage === 'vertex' ? 'MAX_VERTEX_UNIFORM_VECTORS' : 'MAX_FRAGMENT_UNIFORM_VECTORS'],
  ] as const) {
    const items: PackingItem<A.VariableSymbol>[] = [];
    for (const g of shader.globals) if (g.storage === storage && referenced.has(g)) packingItems(g.type, g, 1, items);
    const bad = firstUnpacked(items, rows);
    if (!bad) continue;
    const loc = bad.what.loc ?? { line: 1, column: 1 };
    diags.error(DiagCode.TOO_COMPLEX, loc, `${storage}s do not fit ${what} (${rows}) by the packing rules of GLSL ES 1.00 Appendix A.7: no room for '${bad.what.name}'`);
  }
}

function finish(diags: DiagnosticSink, version: GlslVersion): FrontEndResult {
  const list = diags.list.slice().sort((a, b) => (a.source ?? 0) - (b.source ?? 0) || a.line - b.line || a.column - b.column);
  return { ok: !diags.hasErrors, diagnostics: list, version, infoLog: formatInfoLog(list) };
}

function elementName(t: GlslType): string {
  return typeToString(t);
}

function reflect(
  shader: A.TypedShader,
  read: Set<string>,
  written: Set<string>,
  referenced: Set<A.VariableSymbol>,
  pp: ReturnType<typeof preprocess>,
): A.Reflection {
  const attributes: A.ReflectedVariable[] = [];
  const uniforms: A.ReflectedVariable[] = [];
  const varyings: A.ReflectedVariable[] = [];
  let used = false;
  const entry = (name: string, t: GlslType, precision?: A.VariableSymbol['precision']): A.ReflectedVariable => {
    const el = t.tag === 'array' ? t.element : t;
    const r: A.ReflectedVariable = {
      name,
      type: elementName(el),
      glslType: el,
      size: t.tag === 'array' ? Math.max(1, t.size) : 1,
      referenced: used,
    };
    if (precision) r.precision = precision;
    return r;
  };
  const flattenUniform = (name: string, t: GlslType, precision?: A.VariableSymbol['precision']): void => {
    if (t.tag === 'struct') {
      for (const f of t.fields) flattenUniform(`${name}.${f.name}`, f.type, f.precision ?? precision);
    } else if (t.tag === 'array') {
      if (t.element.tag === 'struct') {
        for (let i = 0; i < Math.max(1, t.size); i++) flattenUniform(`${name}[${i}]`, t.element, precision);
      } else uniforms.push(entry(`${name}[0]`, t, precision));
    } else uniforms.push(entry(name, t, precision));
  };
  for (const g of shader.globals) {
    used = referenced.has(g);
    if (g.storage === 'attribute') attributes.push(entry(g.name, g.type, g.precision));
    else if (g.storage === 'uniform') flattenUniform(g.name, g.type, g.precision);
    else if (g.storage === 'varying') varyings.push(entry(g.name, g.type, g.precision));
  }
  const extensions = [...pp.extensionState].filter(([, b]) => b !== 'disable').map(([n]) => n);
  const pragmas = pp.pragmas.map((p) => p.text);
  return {
    attributes,
    uniforms,
    varyings,
    builtinsRead: [...read].sort(),
    builtinsWritten: [...written].sort(),
    extensions,
    pragmas,
    invariantAll: pragmas.some((p) => /^STDGL\s*invariant\s*\(\s*all\s*\)$/.test(p)),
  };
}
