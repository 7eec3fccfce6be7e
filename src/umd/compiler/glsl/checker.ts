/**
 * Semantic analysis for GLSL ES 1.00 and 3.00 / GLSL 1.10 / 1.20.
 *
 * Annotates the parser's AST in place (see ast.ts for the typed-AST invariants), folds
 * constant expressions, and reports diagnostics. Never throws on bad input: any internal
 * failure is converted into an E0999 diagnostic by the caller (index.ts).
 */
import type * as A from './ast.js';
import { CAPS } from '../../pipe/caps.js';
import {
  BUILTIN_FUNCTIONS, BUILTIN_STRUCTS, builtinVariables, evaluateBuiltin, isTexelOffsetBuiltin, texelOffsetArg, overloadAvailable, type Stage,
} from './builtins.js';
import { DiagCode, DiagnosticSink, type SourceLoc } from './diagnostics.js';
import { isEs, type GlslVersion } from './lexer.js';
import type { ExtensionBehavior } from './preprocessor.js';
import {
  arrayOf, BASIC_TYPES, baseKind, BOOL, componentCount, containsArray, containsSampler, FLOAT, genType, INT,
  isFloatBased, isIntegerKind, makeStruct, scalarKinds, matType, scalarType, typesEqual, typeToString, UINT, vecType, VOID,
  type GlslType, type PrecisionQualifier, type ScalarKind, type StructType,
  flatSize,
} from './types.js';

/** WebGL 1.0 §6 'Maximum Nesting of Structures'. */
export const WEBGL_MAX_STRUCT_NESTING = 4;
/** Struct levels in a type: 0 for a basic type, 1 for a struct of basic members. */
function structNesting(t: GlslType): number {
  if (t.tag === 'array') return structNesting(t.element);
  if (t.tag !== 'struct') return 0;
  return 1 + Math.max(0, ...t.fields.map((f) => structNesting(f.type)));
}

/** Sentinel type for expressions that already produced an error (suppresses cascades). */
export const ERROR_TYPE: GlslType = Object.freeze({ tag: 'void' }) as GlslType;

export interface CheckOptions {
  version: GlslVersion;
  stage: Stage;
  /** Extension name -> behavior from #extension directives. */
  extensionState: ReadonlyMap<string, ExtensionBehavior>;
  /** Supported extensions (used for builtin variable availability). */
  supportedExtensions: ReadonlySet<string>;
  /** Report a missing `void main()` (default true). */
  requireMain: boolean;
  /** Enforce GLSL ES Appendix A for-loop restrictions (default true for ES). */
  enforceAppendixA: boolean;
  /** WebGL's own limits (see FrontEndOptions.webgl): struct nesting depth. */
  webgl?: boolean;
  /** WebGL 2: uniform blocks only std140 (FrontEndOptions.std140Only) */
  std140Only?: boolean;
  /** WebGL 2.0's own GLSL ES 3.00 rules (FrontEndOptions.webgl2) */
  webgl2?: boolean;
  /**
   * Desktop GLSL: the compilation unit of each external declaration when several shaders of one
   * stage are checked together at link time (a global declared in two units is one variable).
   */
  unitOf?: ReadonlyMap<A.ExternalDeclaration, number>;
}

export interface CheckResult {
  shader: A.TypedShader;
  builtinsRead: Set<string>;
  builtinsWritten: Set<string>;
  /** User globals statically referenced anywhere in the program. */
  referencedGlobals: Set<A.VariableSymbol>;
}

class Scope {
  readonly vars = new Map<string, A.VariableSymbol>();
  readonly structs = new Map<string, StructType>();
  readonly precision = new Map<string, PrecisionQualifier>();
  /** Names declared as functions in this scope (global only). */
  readonly functionNames = new Set<string>();
  constructor(readonly parent: Scope | undefined) {}
}

interface FnContext {
  symbol: A.FunctionSymbol;
  returnType: GlslType;
}

const SWIZZLE_SETS = ['xyzw', 'rgba', 'stpq'];

let symbolCounter = 0;

export function check(unit: A.TranslationUnit, opts: CheckOptions, diags: DiagnosticSink): CheckResult {
  return new Checker(unit, opts, diags).run();
}

class Checker {
  private readonly version: GlslVersion;
  private readonly es: boolean;
  /** arrays as GLSL 1.20 and ES 3.00 have them: constructors, initializers, assignment, comparison, length() */
  private readonly fullArrays: boolean;
  /** WebGL 2.0 § 5.26 'Unsupported variants of GLSL ES 3.00 operators': ?: and , on void, arrays, structs containing arrays */
  private readonly webgl2Operators: boolean;
  /** enclosing switch statements (break leaves them too) */
  private switchDepth = 0;
  private readonly fragOutputs: A.VariableSymbol[] = [];
  private readonly stage: Stage;
  private readonly builtinScope = new Scope(undefined);
  private readonly globalScope: Scope;
  private scope: Scope;
  private readonly functions = new Map<string, A.FunctionSymbol[]>();
  private readonly userFunctionList: A.FunctionSymbol[] = [];
  private readonly globals: A.VariableSymbol[] = [];
  private readonly builtinsRead = new Set<string>();
  private readonly builtinsWritten = new Set<string>();
  private readonly builtinsUsed = new Map<string, A.VariableSymbol>();
  private readonly invariantBuiltins = new Set<string>();
  /** compilation unit being checked, and the unit that declared each global */
  private currentUnit = 0;
  private readonly unitOfGlobal = new Map<A.VariableSymbol, number>();
  private readonly referencedGlobals = new Set<A.VariableSymbol>();
  private fn: FnContext | undefined;
  private loopDepth = 0;
  /** Loop index symbols of enclosing ES for-loops (must not be modified in the body). */
  private readonly loopIndices: A.VariableSymbol[] = [];
  /** Loop indices of enclosing for-loops when Appendix A is not enforced (for loopInfo only). */
  private readonly silentLoopIndices: A.VariableSymbol[] = [];
  private readonly modifiedLoopIndices = new Set<A.VariableSymbol>();
  private fragColorLoc: SourceLoc | undefined;
  private fragDataLoc: SourceLoc | undefined;
  private mainSymbol: A.FunctionSymbol | undefined;
  /** Called-by graph for recursion detection. */
  private readonly calls = new Map<A.FunctionSymbol, Set<A.FunctionSymbol>>();
  /** Largest constant index used on each unsized array. */
  private readonly maxIndex = new Map<A.VariableSymbol, number>();
  /** GLSL ES 3.00 uniform blocks: declared so far, their names, the default layout (§4.3.8.3) */
  private readonly uniformBlocks: A.UniformBlock[] = [];
  private readonly blockNames = new Set<string>();
  /**
   * ES 3.0's default block layout is shared; WebGL 2 lays every block out as std140 (its CTS:
   * glsl3/uniform-block-layout-match.html, a block without a layout matches a std140 one), and so
   * does this compiler, so std140 is the default; explicit layouts still have to match across stages.
   */
  private blockDefaults: { layout: A.UniformBlock['layout']; rowMajor: boolean } = { layout: 'std140', rowMajor: false };

  constructor(
    private readonly unit: A.TranslationUnit,
    private readonly opts: CheckOptions,
    private readonly diags: DiagnosticSink,
  ) {
    this.version = opts.version;
    this.es = isEs(opts.version);
    this.stage = opts.stage;
    this.fullArrays = opts.version === 120 || opts.version === 300;
    this.webgl2Operators = !!opts.webgl2 && opts.version === 300;
    this.globalScope = new Scope(this.builtinScope);
    this.scope = this.globalScope;
    for (const b of builtinVariables(opts.version, opts.stage, this.enabledExtensions())) {
      const sym: A.VariableSymbol = {
        kind: 'variable',
        id: ++symbolCounter,
        name: b.name,
        type: b.type,
        storage: b.storage,
        isConst: b.storage === 'const',
        invariant: false,
        scope: 'global',
        builtin: true,
        builtinWritable: b.writable,
      };
      if (b.precision) sym.precision = b.precision;
      if (b.constValue) sym.constValue = b.constValue;
      this.builtinScope.vars.set(b.name, sym);
    }
    if (!this.es) for (const [n, s] of BUILTIN_STRUCTS) this.builtinScope.structs.set(n, s);
    // Default precisions (ES): vertex float/int highp; fragment int mediump, no float default.
    if (this.es) {
      const g = this.globalScope.precision;
      if (this.stage === 'vertex') {
        g.set('float', 'highp');
        g.set('int', 'highp');
      } else g.set('int', 'mediump');
      g.set('sampler2D', 'lowp');
      g.set('samplerCube', 'lowp');
    }
  }

  private enabledExtensions(): Set<string> {
    const s = new Set<string>();
    for (const [n, b] of this.opts.extensionState) if (b !== 'disable') s.add(n);
    return s;
  }
  private extensionEnabled(name: string): boolean {
    const b = this.opts.extensionState.get(name);
    return b !== undefined && b !== 'disable';
  }

  run(): CheckResult {
    for (const d of this.unit.declarations) {
      this.currentUnit = this.opts.unitOf?.get(d) ?? 0;
      this.externalDeclaration(d);
    }
    // desktop: an array declared without a size takes one from the largest constant index used
    for (const [sym, mi] of this.maxIndex) if (sym.type.tag === 'array' && sym.type.size < 0) sym.type = arrayOf(sym.type.element, mi + 1);
    const mains = this.functions.get('main') ?? [];
    const main = mains.find((m) => m.params.length === 0 && m.definition);
    this.mainSymbol = main;
    if (this.opts.requireMain && !main) {
      const loc = this.unit.declarations.length ? { line: 1, column: 1 } : { line: 1, column: 1 };
      this.diags.error(DiagCode.MISSING_MAIN, loc, "missing function 'void main()'");
    }
    if (this.fragColorLoc && this.fragDataLoc) {
      const second =
        this.fragColorLoc.line > this.fragDataLoc.line ||
        (this.fragColorLoc.line === this.fragDataLoc.line && this.fragColorLoc.column > this.fragDataLoc.column)
          ? this.fragColorLoc
          : this.fragDataLoc;
      this.diags.error(DiagCode.FRAGCOLOR_AND_FRAGDATA, second, 'cannot write to both gl_FragColor and gl_FragData');
    }
    this.checkFragOutputs();
    this.checkRecursion();
    const shader: A.TypedShader = {
      kind: 'TypedShader',
      stage: this.stage,
      version: this.version,
      unit: this.unit,
      globals: this.globals,
      functions: this.userFunctionList,
      builtinsUsed: [...this.builtinsUsed.values()],
      invariantBuiltins: [...this.invariantBuiltins],
      uniformBlocks: this.uniformBlocks,
    };
    if (main) shader.main = main;
    return { shader, builtinsRead: this.builtinsRead, builtinsWritten: this.builtinsWritten, referencedGlobals: this.referencedGlobals };
  }

  /**
   * GLSL ES 3.00 §4.3.8.2: several outputs need locations; each location holds one output
   * (an array takes consecutive ones), within gl_MaxDrawBuffers (the hardware's render targets).
   */
  private checkFragOutputs(): void {
    const outs = this.fragOutputs;
    if (outs.length > 1) {
      for (const o of outs) if (o.location === undefined) this.diags.error(DiagCode.BAD_LAYOUT, o.loc ?? { line: 1, column: 1 }, `fragment output '${o.name}' needs a layout location when there are several outputs`);
    }
    const taken = new Map<number, string>();
    for (const o of outs) {
      const n = o.type.tag === 'array' ? o.type.size : 1;
      const at = o.location ?? 0;
      if (at + n > CAPS.maxDrawBuffers) {
        this.diags.error(DiagCode.BAD_LAYOUT, o.loc ?? { line: 1, column: 1 }, `fragment output '${o.name}' at location ${at}${n > 1 ? `..${at + n - 1}` : ''} is beyond gl_MaxDrawBuffers (${CAPS.maxDrawBuffers})`);
        continue;
      }
      for (let k = at; k < at + n; k++) {
        const other = taken.get(k);
        if (other !== undefined) this.diags.error(DiagCode.BAD_LAYOUT, o.loc ?? { line: 1, column: 1 }, `fragment outputs '${other}' and '${o.name}' both use location ${k}`);
        else taken.set(k, o.name);
      }
    }
  }

  private checkRecursion(): void {
    const state = new Map<A.FunctionSymbol, number>();
    const visit = (f: A.FunctionSymbol, stack: A.FunctionSymbol[]): boolean => {
      const s = state.get(f);
      if (s === 1) {
        const loc = f.definition?.loc ?? { line: 1, column: 1 };
        this.diags.error(DiagCode.RECURSION, loc, `function '${f.name}' is recursive`);
        return true;
      }
      if (s === 2) return false;
      state.set(f, 1);
      for (const c of this.calls.get(f) ?? []) if (visit(c, [...stack, f])) {
        state.set(f, 2);
        return true;
      }
      state.set(f, 2);
      return false;
    };
    for (const f of this.userFunctionList) visit(f, []);
  }

  // ===================================================================== scopes
  private pushScope(): void {
    this.scope = new Scope(this.scope);
  }
  private popScope(): void {
    if (this.scope.parent && this.scope !== this.globalScope) this.scope = this.scope.parent;
  }
  private lookupVar(name: string): A.VariableSymbol | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
      if (s.structs.has(name) || s.functionNames.has(name)) return undefined;
    }
    return undefined;
  }
  private lookupStruct(name: string): StructType | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const t = s.structs.get(name);
      if (t) return t;
      if (s.vars.has(name)) return undefined;
    }
    return undefined;
  }
  private defaultPrecision(typeName: string): PrecisionQualifier | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      const p = s.precision.get(typeName);
      if (p) return p;
    }
    return undefined;
  }
  private nameTakenInScope(name: string): boolean {
    const s = this.scope;
    return s.vars.has(name) || s.structs.has(name) || s.functionNames.has(name);
  }
  private checkReservedName(name: string, loc: SourceLoc): boolean {
    if (name.startsWith('gl_')) {
      this.diags.error(DiagCode.RESERVED_NAME, loc, `identifier '${name}' uses reserved prefix 'gl_'`);
      return false;
    }
    if (this.es && (name.startsWith('webgl_') || name.startsWith('_webgl_'))) {
      this.diags.error(DiagCode.RESERVED_NAME, loc, `identifier '${name}' uses a prefix reserved by WebGL`);
      return false;
    }
    if (name.includes('__')) {
      if (this.es) this.diags.error(DiagCode.RESERVED_NAME, loc, `identifier '${name}' contains reserved '__'`);
      else this.diags.warning(DiagCode.LEX_RESERVED_UNDERSCORE_WARN, loc, `identifier '${name}' contains reserved '__'`);
    }
    return true;
  }

  // ===================================================================== types
  /** Resolve a written type (declares inline structs in the current scope). */
  private resolveType(spec: A.TypeSpecifier, allowStructDef = true): GlslType {
    let t: GlslType;
    if (spec.struct) {
      t = this.declareStruct(spec.struct, allowStructDef);
    } else {
      // a struct the shader declared comes first: its name is an identifier in this version (GLSL ES 1.00 may name
      // a struct 'uint', which only ES 3.00 makes a type; CTS glsl/misc/shader-with-non-reserved-words.html)
      const basic = this.lookupStruct(spec.name) ? undefined : BASIC_TYPES.get(spec.name);
      if (basic) t = basic;
      else {
        const s = this.lookupStruct(spec.name);
        if (!s && this.version === 300 && /sampler/.test(spec.name)) {
          this.diags.error(DiagCode.UNSUPPORTED, spec.loc, `sampler type '${spec.name}' is not supported yet`);
          t = ERROR_TYPE;
        } else if (!s) {
          this.diags.error(DiagCode.UNDECLARED, spec.loc, `unknown type '${spec.name}'`);
          t = ERROR_TYPE;
        } else t = s;
      }
    }
    if (spec.arraySize !== undefined && t !== ERROR_TYPE) {
      if (this.version === 110) {
        this.diags.error(DiagCode.VERSION_FEATURE, spec.loc, 'array type syntax requires GLSL 1.20 or GLSL ES');
      }
      t = arrayOf(t, spec.arraySize === null ? -1 : this.arraySize(spec.arraySize));
    }
    spec.resolved = t;
    return t;
  }

  private declareStruct(s: A.StructSpecifier, allowDef: boolean): StructType {
    if (!allowDef) this.diags.error(DiagCode.BAD_DECLARATION, s.loc, 'structure definition not allowed here');
    const fields: { name: string; type: GlslType; precision?: PrecisionQualifier }[] = [];
    for (const m of s.members) {
      if (m.type.struct) {
        this.diags.error(DiagCode.BAD_DECLARATION, m.type.struct.loc, 'embedded structure definitions are not allowed in GLSL ES');
      }
      let mt = this.resolveType(m.type, true);
      if (mt.tag === 'void' && mt !== ERROR_TYPE) {
        this.diags.error(DiagCode.BAD_DECLARATION, m.loc, "struct member cannot have type 'void'");
      }
      // the member's precision is its explicit one or the default in force here: a uniform struct
      // shared by both stages must agree on it member by member (GLSL ES 1.00 §4.5.3, §4.2.4)
      const memberPrecision = this.checkPrecision(mt, m.type.precision, m.type.loc, m.type.name);
      // WebGL 1.0 §6 'Maximum Nesting of Structures': a struct nests at most 4 levels, this one included
      if (this.opts.webgl && mt !== ERROR_TYPE && 1 + structNesting(mt) > WEBGL_MAX_STRUCT_NESTING) {
        this.diags.error(DiagCode.BAD_DECLARATION, m.type.loc, `struct member of type '${typeToString(mt)}' nests structures ${1 + structNesting(mt)} levels deep; WebGL allows at most ${WEBGL_MAX_STRUCT_NESTING}`);
      }
      if (m.type.precision && !this.precisionApplies(mt)) {
        this.diags.error(DiagCode.BAD_PRECISION, m.type.loc, `precision qualifier cannot be applied to type '${typeToString(mt)}'`);
      }
      for (const d of m.declarators) {
        let ft = mt;
        if (d.arraySize !== undefined) {
          if (mt.tag === 'array') this.diags.error(DiagCode.BAD_DECLARATION, d.loc, 'arrays of arrays are not allowed');
          if (d.arraySize === null) {
            this.diags.error(DiagCode.BAD_ARRAY_SIZE, d.loc, 'struct member arrays must have a size');
            ft = arrayOf(mt, 1);
          } else ft = arrayOf(mt, this.arraySize(d.arraySize));
        }
        if (fields.some((f) => f.name === d.name)) {
          this.diags.error(DiagCode.REDEFINITION, d.loc, `duplicate field '${d.name}' in struct`);
        }
        this.checkReservedName(d.name, d.loc);
        const f: { name: string; type: GlslType; precision?: PrecisionQualifier } = { name: d.name, type: ft };
        if (memberPrecision) f.precision = memberPrecision;
        fields.push(f);
      }
      mt = mt;
    }
    if (fields.length === 0) this.diags.error(DiagCode.BAD_DECLARATION, s.loc, 'struct must have at least one member');
    const st = makeStruct(s.name ?? '', fields);
    s.resolved = st;
    if (s.name) {
      this.checkReservedName(s.name, s.loc);
      if (this.nameTakenInScope(s.name)) {
        this.diags.error(DiagCode.REDEFINITION, s.loc, `'${s.name}' redefined`);
      }
      this.scope.structs.set(s.name, st);
    }
    return st;
  }

  /** Evaluate an array size expression; reports errors and returns >= 1. */
  private arraySize(e: A.Expr): number {
    const t = this.expr(e);
    if (t === ERROR_TYPE) return 1;
    if (!(t.tag === 'scalar' && (t.base === 'int' || (t.base === 'uint' && this.version === 300)))) {
      this.diags.error(DiagCode.BAD_ARRAY_SIZE, e.loc, 'array size must be an integer constant expression');
      return 1;
    }
    if (!e.constValue) {
      this.diags.error(DiagCode.BAD_ARRAY_SIZE, e.loc, 'array size must be a constant expression');
      return 1;
    }
    const v = e.constValue.data[0]!;
    if (v <= 0) {
      this.diags.error(DiagCode.BAD_ARRAY_SIZE, e.loc, 'array size must be greater than zero');
      return 1;
    }
    return v;
  }

  private precisionApplies(t: GlslType): boolean {
    const b = t.tag === 'array' ? t.element : t;
    return b.tag === 'scalar' ? b.base !== 'bool' : b.tag === 'vector' ? b.base !== 'bool' : b.tag === 'matrix' || b.tag === 'sampler';
  }

  /** ES: float/int-based declarations need an explicit or default precision. */
  private checkPrecision(t: GlslType, explicit: PrecisionQualifier | undefined, loc: SourceLoc, what?: string): PrecisionQualifier | undefined {
    if (!this.es || t === ERROR_TYPE) return explicit;
    const b = t.tag === 'array' ? t.element : t;
    if (explicit) return explicit;
    const bk = baseKind(b);
    // uint takes int's default precision (GLSL ES 3.00 §4.5.4)
    const k = bk === 'uint' ? 'int' : bk;
    if (k === 'float' || k === 'int') {
      const p = this.defaultPrecision(k);
      if (!p) {
        this.diags.error(DiagCode.NO_PRECISION, loc, `declaration of '${what ?? typeToString(t)}' has no precision qualifier and no default precision for type '${k}'`);
      }
      return p;
    }
    if (b.tag === 'sampler') {
      const p = this.defaultPrecision(b.kind);
      // GLSL ES 3.00 § 4.5.4: only sampler2D and samplerCube have a default precision
      if (!p && this.version === 300) this.diags.error(DiagCode.NO_PRECISION, loc, `declaration of '${what ?? typeToString(t)}' has no precision qualifier and no default precision for type '${b.kind}'`);
      return p ?? 'lowp';
    }
    return undefined;
  }

  // ===================================================================== declarations
  private externalDeclaration(d: A.ExternalDeclaration): void {
    switch (d.kind) {
      case 'FunctionDeclaration':
        this.functionDeclaration(d);
        break;
      case 'VarDeclaration':
        this.varDeclaration(d, true);
        break;
      case 'PrecisionDeclaration':
        this.precisionDeclaration(d);
        break;
      case 'InvariantDeclaration':
        this.invariantDeclaration(d, true);
        break;
    }
  }

  private precisionDeclaration(d: A.PrecisionDeclaration): void {
    if (!this.es) {
      this.diags.error(DiagCode.VERSION_FEATURE, d.loc, 'precision statements are not supported in this GLSL version');
      return;
    }
    const n = d.type.name;
    const sampler = this.version === 300 ? /sampler/.test(n) : n === 'sampler2D' || n === 'samplerCube';
    if (n !== 'float' && n !== 'int' && !sampler) {
      this.diags.error(DiagCode.BAD_PRECISION, d.type.loc, `default precision can only be set for float, int and sampler types, not '${n}'`);
      return;
    }
    d.type.resolved = BASIC_TYPES.get(n) ?? ERROR_TYPE;
    this.scope.precision.set(n, d.precision);
  }

  private invariantDeclaration(d: A.InvariantDeclaration, global: boolean): void {
    if (!global) {
      this.diags.error(DiagCode.BAD_QUALIFIER, d.loc, "'invariant' declarations must be at global scope");
    }
    if (this.version === 110) {
      this.diags.error(DiagCode.VERSION_FEATURE, d.loc, "'invariant' requires GLSL 1.20 or GLSL ES");
      return;
    }
    for (const n of d.names) {
      const v = this.lookupVar(n.name);
      if (!v) {
        this.diags.error(DiagCode.UNDECLARED, n.loc, `undeclared identifier '${n.name}'`);
        continue;
      }
      const isOutput = this.stage === 'vertex'
        ? v.storage === 'varying' || (v.builtin && v.builtinWritable === true)
        : v.storage === 'varying' && !v.builtin;
      // GLSL ES 1.00 §4.6.4 (its table of built-ins): of the fragment shader's built-in inputs only
      // gl_FragCoord and gl_PointCoord may be invariant; gl_FrontFacing may not
      const fragBuiltin = this.stage === 'fragment' && v.builtin && v.storage !== 'uniform' && v.storage !== 'const' && !(this.es && v.name === 'gl_FrontFacing');
      if (!isOutput && !fragBuiltin) {
        this.diags.error(DiagCode.BAD_QUALIFIER, n.loc, `'invariant' can only be applied to output variables, not '${n.name}'`);
        continue;
      }
      v.invariant = true;
      if (v.builtin) this.invariantBuiltins.add(v.name);
      n.symbol = v;
    }
  }

  /**
   * GLSL ES 3.00 `in`/`out` in the ES 1.00 words (see A.StorageQualifier): a vertex input is an
   * attribute, what crosses from vertex to fragment shader a varying, a fragment output a fragout.
   */
  private storageOf(q: A.Qualifiers): A.StorageQualifier {
    if (q.storage === 'in') return this.stage === 'vertex' ? 'attribute' : 'varying';
    if (q.storage === 'out') return this.stage === 'vertex' ? 'varying' : 'fragout';
    return q.storage;
  }

  /** GLSL ES 3.00 §4.3.8 layout qualifiers and §4.3.9 interpolation: the location, when one is given. */
  private layoutAndInterpolation(q: A.Qualifiers, storage: A.StorageQualifier): number | undefined {
    let location: number | undefined;
    for (const id of q.layout ?? []) {
      if (id.name === 'location' && (storage === 'attribute' || storage === 'fragout')) {
        if (id.value === undefined) this.diags.error(DiagCode.BAD_LAYOUT, id.loc, "layout 'location' needs a value");
        else location = id.value;
      } else if (id.name === 'location') {
        this.diags.error(DiagCode.BAD_LAYOUT, id.loc, "layout 'location' is only allowed on vertex shader inputs and fragment shader outputs");
      } else if (['std140', 'shared', 'packed', 'row_major', 'column_major'].includes(id.name)) {
        this.diags.error(DiagCode.BAD_LAYOUT, id.loc, `layout '${id.name}' only applies to uniform blocks`);
      } else {
        this.diags.error(DiagCode.BAD_LAYOUT, id.loc, `unknown layout qualifier '${id.name}'`);
      }
    }
    if ((q.interpolation || q.centroid) && storage !== 'varying') {
      this.diags.error(DiagCode.BAD_QUALIFIER, q.loc, `'${q.interpolation ?? 'centroid'}' can only be used with vertex shader outputs and fragment shader inputs`);
    }
    return location;
  }

  /**
   * GLSL ES 3.00 §4.3.8.3 `layout(...) uniform;`: the default matrix and block layout of the
   * uniform blocks declared after it (std140/shared/packed, row_major/column_major).
   */
  private layoutDefaultsDeclaration(d: A.VarDeclaration): void {
    const q = d.qualifiers;
    if (q.storage !== 'uniform' || q.invariant || q.centroid || q.interpolation || q.precision) {
      this.diags.error(DiagCode.BAD_LAYOUT, q.loc, 'a default layout qualifier applies only to uniform blocks: `layout(...) uniform;`');
      return;
    }
    const r = this.blockLayout(q.layout ?? [], this.blockDefaults, 'default');
    this.blockDefaults = r;
  }

  /** The layout ids of a uniform block or default declaration over `base`; reports the ones not allowed there. */
  private blockLayout(ids: readonly A.LayoutId[], base: { layout: A.UniformBlock['layout']; rowMajor: boolean }, where: 'default' | 'block' | 'member'): { layout: A.UniformBlock['layout']; rowMajor: boolean } {
    const r = { ...base };
    for (const id of ids) {
      if (id.value !== undefined) this.diags.error(DiagCode.BAD_LAYOUT, id.loc, `layout '${id.name}' takes no value`);
      else if (id.name === 'row_major' || id.name === 'column_major') r.rowMajor = id.name === 'row_major';
      else if ((id.name === 'std140' || id.name === 'shared' || id.name === 'packed') && where !== 'member') {
        if (id.name !== 'std140' && this.opts.std140Only) this.diags.error(DiagCode.BAD_LAYOUT, id.loc, `layout '${id.name}' is not allowed in WebGL 2: uniform blocks are std140`);
        r.layout = id.name;
      }
      else this.diags.error(DiagCode.BAD_LAYOUT, id.loc, `layout '${id.name}' is not allowed on ${where === 'member' ? 'a uniform block member' : 'a uniform block'}`);
    }
    return r;
  }

  /**
   * GLSL ES 3.00 §4.3.7: a uniform block. Its members are uniforms of the default types (no
   * samplers, no struct definitions, arrays sized); with an instance name they are reached as
   * `inst.member`, without one each member is a global name. The block name is only the block's.
   */
  private uniformBlock(d: A.VarDeclaration): void {
    const q = d.qualifiers, blk = d.block!;
    if (q.invariant || q.centroid || q.interpolation || q.precision) this.diags.error(DiagCode.BAD_QUALIFIER, q.loc, 'only layout qualifiers are allowed on a uniform block');
    const { layout, rowMajor } = this.blockLayout(q.layout ?? [], this.blockDefaults, 'block');
    this.checkReservedName(blk.name, blk.loc);
    if (this.blockNames.has(blk.name) || this.nameTakenInScope(blk.name)) this.diags.error(DiagCode.REDEFINITION, blk.loc, `redefinition of '${blk.name}'`);
    this.blockNames.add(blk.name);
    const members: A.UniformBlockMember[] = [];
    const fields: { name: string; type: GlslType; precision?: PrecisionQualifier }[] = [];
    for (const m of d.type.struct!.members) {
      if (m.type.struct) this.diags.error(DiagCode.BAD_DECLARATION, m.type.struct.loc, 'structure definitions are not allowed in uniform blocks');
      const mt = m.type.struct ? ERROR_TYPE : this.resolveType(m.type, false);
      const mlayout = this.blockLayout(m.layout ?? [], { layout, rowMajor }, 'member');
      if (mt !== ERROR_TYPE && (mt.tag === 'void' || containsSampler(mt))) this.diags.error(DiagCode.BAD_DECLARATION, m.loc, `a uniform block member cannot have type '${typeToString(mt)}'`);
      if (m.type.precision && mt !== ERROR_TYPE && !this.precisionApplies(mt)) this.diags.error(DiagCode.BAD_PRECISION, m.type.loc, `precision qualifier cannot be applied to type '${typeToString(mt)}'`);
      const precision = this.checkPrecision(mt, m.type.precision, m.type.loc, m.type.name);
      for (const dec of m.declarators) {
        let ft = mt;
        if (dec.arraySize !== undefined) {
          if (mt.tag === 'array') this.diags.error(DiagCode.BAD_DECLARATION, dec.loc, 'arrays of arrays are not allowed');
          if (dec.arraySize === null) {
            this.diags.error(DiagCode.BAD_ARRAY_SIZE, dec.loc, 'uniform block member arrays must have a size');
            ft = arrayOf(mt, 1);
          } else ft = arrayOf(mt, this.arraySize(dec.arraySize));
        } else if (mt.tag === 'array' && mt.size < 0) {
          this.diags.error(DiagCode.BAD_ARRAY_SIZE, dec.loc, 'uniform block member arrays must have a size');
        }
        this.checkReservedName(dec.name, dec.loc);
        if (fields.some((f) => f.name === dec.name)) this.diags.error(DiagCode.REDEFINITION, dec.loc, `duplicate member '${dec.name}' in uniform block '${blk.name}'`);
        const f: { name: string; type: GlslType; precision?: PrecisionQualifier } = { name: dec.name, type: ft };
        if (precision) f.precision = precision;
        fields.push(f);
        const bm: A.UniformBlockMember = { name: dec.name, type: ft, rowMajor: mlayout.rowMajor };
        if (precision) bm.precision = precision;
        members.push(bm);
      }
    }
    if (!fields.length) this.diags.error(DiagCode.BAD_DECLARATION, blk.loc, `uniform block '${blk.name}' must have at least one member`);
    const type = makeStruct(blk.name, fields);
    d.type.struct!.resolved = type;
    d.type.resolved = type;
    const block: A.UniformBlock = { name: blk.name, layout, members, type, loc: blk.loc };
    this.uniformBlocks.push(block);
    const declare = (name: string, t: GlslType, loc: SourceLoc, member?: number, precision?: PrecisionQualifier): A.VariableSymbol => {
      this.checkReservedName(name, loc);
      if (this.nameTakenInScope(name) || this.blockNames.has(name) && member === undefined && name === blk.name) this.diags.error(DiagCode.REDEFINITION, loc, `redefinition of '${name}'`);
      const sym: A.VariableSymbol = {
        kind: 'variable', id: ++symbolCounter, name, type: t, storage: 'uniform', isConst: false, invariant: false,
        scope: 'global', builtin: false, loc, block,
      };
      if (member !== undefined) sym.blockMember = member;
      if (precision) sym.precision = precision;
      this.scope.vars.set(name, sym);
      this.globals.push(sym);
      this.unitOfGlobal.set(sym, this.currentUnit);
      return sym;
    };
    const inst = d.declarators[0];
    if (inst) {
      let t: GlslType = type;
      if (inst.arraySize === null) this.diags.error(DiagCode.BAD_ARRAY_SIZE, inst.loc, 'a uniform block array must have a size');
      else if (inst.arraySize !== undefined) { block.arraySize = this.arraySize(inst.arraySize); t = arrayOf(type, block.arraySize); }
      block.instanceName = inst.name;
      inst.symbol = declare(inst.name, t, inst.loc);
    } else {
      members.forEach((m, k) => declare(m.name, m.type, blk.loc, k, m.precision));
    }
  }

  private varDeclaration(d: A.VarDeclaration, global: boolean): void {
    if (d.layoutDefaults) { this.layoutDefaultsDeclaration(d); return; }
    if (d.block) { this.uniformBlock(d); return; }
    const q = d.qualifiers;
    const baseT = this.resolveType(d.type, true);
    const storage = this.storageOf(q);
    if (this.version !== 300 && (q.layout || q.interpolation)) this.diags.error(DiagCode.VERSION_FEATURE, q.loc, 'layout and interpolation qualifiers require GLSL ES 3.00');
    if (!global && (storage === 'attribute' || storage === 'uniform' || storage === 'varying' || storage === 'fragout')) {
      this.diags.error(DiagCode.BAD_QUALIFIER, q.loc, `'${storage}' variables must be declared at global scope`);
    }
    if (storage === 'attribute' && this.stage !== 'vertex') {
      this.diags.error(DiagCode.BAD_STAGE, q.loc, "'attribute' is only allowed in vertex shaders");
    }
    if (q.invariant) {
      // GLSL ES 3.00 §4.6.1: only a shader's outputs can be invariant
      if (this.version === 300) {
        if (!(storage === 'fragout' || (storage === 'varying' && this.stage === 'vertex'))) this.diags.error(DiagCode.BAD_QUALIFIER, q.loc, "'invariant' can only be used with shader outputs");
      } else if (storage !== 'varying') this.diags.error(DiagCode.BAD_QUALIFIER, q.loc, "'invariant' can only be used with varying variables");
      if (this.version === 110) this.diags.error(DiagCode.VERSION_FEATURE, q.loc, "'invariant' requires GLSL 1.20 or GLSL ES");
      if (!global) this.diags.error(DiagCode.BAD_QUALIFIER, q.loc, "'invariant' must be at global scope");
    }
    if (q.centroid && storage !== 'varying' && this.version !== 300) {
      this.diags.error(DiagCode.BAD_QUALIFIER, q.loc, "'centroid' can only be used with varying variables");
    }
    const location = this.version === 300 ? this.layoutAndInterpolation(q, storage) : undefined;
    if (d.type.precision && baseT !== ERROR_TYPE && !this.precisionApplies(baseT)) {
      this.diags.error(DiagCode.BAD_PRECISION, d.type.loc, `precision qualifier cannot be applied to type '${typeToString(baseT)}'`);
    }
    if (d.declarators.length === 0) {
      if (!d.type.struct && baseT !== ERROR_TYPE) {
        if (storage !== 'none' || q.invariant) {
          this.diags.error(DiagCode.BAD_DECLARATION, d.loc, 'qualifier on declaration without a variable name');
        } else if (this.es) {
          this.diags.error(DiagCode.BAD_DECLARATION, d.loc, 'declaration does not declare anything');
        } else {
          this.diags.warning(DiagCode.GENERIC_WARN, d.loc, 'empty declaration');
        }
      } else if (d.type.struct && storage !== 'none' && storage !== 'const') {
        this.diags.error(DiagCode.BAD_DECLARATION, d.loc, `'${storage}' struct declaration without a variable name`);
      }
      return;
    }
    const precision = this.checkPrecision(baseT, d.type.precision, d.type.loc, d.declarators[0]?.name);
    for (const decl of d.declarators) {
      let t = baseT;
      if (decl.arraySize !== undefined) {
        if (t.tag === 'array') {
          this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, 'arrays of arrays are not allowed');
          t = t.element;
        }
        if (decl.arraySize === null) {
          if (this.version !== 120 && !decl.init && !(global && !this.es && decl.name === 'gl_TexCoord')) {
            if (this.es) this.diags.error(DiagCode.BAD_ARRAY_SIZE, decl.loc, 'array declared without a size');
          }
          t = arrayOf(t, -1);
        } else if (t !== ERROR_TYPE) t = arrayOf(t, this.arraySize(decl.arraySize));
      }
      this.declareVariable(d, decl, t, precision, global, storage, location);
    }
  }

  private declareVariable(
    d: A.VarDeclaration, decl: A.Declarator, t0: GlslType, precision: PrecisionQualifier | undefined, global: boolean,
    storage: A.StorageQualifier, location: number | undefined,
  ): void {
    const q = d.qualifiers;
    let t = t0;
    // Desktop redeclaration of gl_TexCoord with an explicit size.
    if (!this.es && global && decl.name === 'gl_TexCoord' && storage === 'varying' && t.tag === 'array') {
      const b = this.builtinScope.vars.get('gl_TexCoord');
      const el = t.element;
      if (!(el.tag === 'vector' && el.base === 'float' && el.size === 4)) {
        this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, 'gl_TexCoord must be redeclared as an array of vec4');
      } else if (b && b.type.tag === 'array' && t.size > b.type.size) {
        this.diags.error(DiagCode.BAD_ARRAY_SIZE, decl.loc, 'gl_TexCoord cannot be larger than gl_MaxTextureCoords');
      }
      if (b) {
        const sym: A.VariableSymbol = { ...b, type: t.size > 0 ? t : b.type };
        this.globalScope.vars.set('gl_TexCoord', sym);
        decl.symbol = sym;
        return;
      }
    }
    if (!this.checkReservedName(decl.name, decl.loc)) {
      // continue declaring to avoid cascades
    }
    if (t.tag === 'void') {
      if (t !== ERROR_TYPE) this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, `variable '${decl.name}' declared as void`);
      t = ERROR_TYPE;
    }
    if (t !== ERROR_TYPE) {
      const elem = t.tag === 'array' ? t.element : t;
      if (this.version === 300 && (storage === 'attribute' || storage === 'varying' || storage === 'fragout')) {
        this.checkInterface300(decl, t, storage, q);
      } else if (storage === 'attribute') {
        if (!(baseKind(elem) === 'float' && elem.tag !== 'array') || t.tag === 'array') {
          this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, `attribute '${decl.name}' must be float, vec or mat (not '${typeToString(t)}')`);
        }
      } else if (storage === 'varying') {
        if (baseKind(elem) !== 'float') {
          this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, `varying '${decl.name}' must be float, vec or mat or an array of them (not '${typeToString(t)}')`);
        }
      } else if (containsSampler(t) && storage !== 'uniform') {
        this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, `samplers must be declared as uniforms ('${decl.name}')`);
      }
      if (storage === 'const' && containsArray(t) && !this.fullArrays) {
        this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, 'const arrays are not allowed in this GLSL version');
      }
    }
    // Initializer
    let constValue: A.ConstValue | undefined;
    let linkTimeValue: A.ConstValue | undefined;
    if (decl.init) {
      if (storage === 'attribute' || storage === 'varying' || storage === 'fragout' || (storage === 'uniform' && this.version !== 120)) {
        this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, `${storage} '${decl.name}' cannot have an initializer`);
        this.expr(decl.init);
      } else {
        let it = this.expr(decl.init);
        if (t.tag === 'array' && t.size < 0 && it.tag === 'array' && it !== ERROR_TYPE) {
          t = arrayOf(t.element, it.size);
        }
        if (t.tag === 'array' && !this.fullArrays && t !== ERROR_TYPE) {
          this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, 'arrays cannot be initialized in this GLSL version');
        } else if (it !== ERROR_TYPE && t !== ERROR_TYPE) {
          const conv = this.convertible(it, t);
          if (!conv) {
            this.diags.error(DiagCode.TYPE_MISMATCH, decl.loc, `cannot initialize '${decl.name}' of type '${typeToString(t)}' with a value of type '${typeToString(it)}'`);
          } else if (conv === 'convert') {
            decl.init.convertTo = t;
            it = t;
          }
          if (containsSampler(t)) this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, 'samplers cannot be initialized');
        }
        if (storage === 'const' || storage === 'uniform' || (global && t !== ERROR_TYPE)) {
          if (!decl.init.constValue && it !== ERROR_TYPE) {
            if (storage === 'const') this.diags.error(DiagCode.NOT_CONSTANT, decl.init.loc, `initializer of const '${decl.name}' must be a constant expression`);
            else if (storage === 'uniform') this.diags.error(DiagCode.NOT_CONSTANT, decl.init.loc, `initializer of uniform '${decl.name}' must be a constant expression`);
            else if (this.es) this.diags.error(DiagCode.NOT_CONSTANT, decl.init.loc, `initializer of global '${decl.name}' must be a constant expression`);
          }
        }
        if (storage === 'const' && decl.init.constValue) constValue = { type: t, data: decl.init.constValue.data };
        if (storage === 'uniform' && decl.init.constValue && t !== ERROR_TYPE) linkTimeValue = { type: t, data: decl.init.constValue.data };
      }
    } else if (storage === 'const') {
      this.diags.error(DiagCode.NOT_CONSTANT, decl.loc, `const variable '${decl.name}' must be initialized`);
    }
    const existing = this.scope.vars.get(decl.name);
    if (
      existing && !this.es && existing.type.tag === 'array' && existing.type.size < 0 && t.tag === 'array' && t.size > 0 &&
      typesEqual(existing.type.element, t.element) && existing.storage === storage
    ) {
      // Desktop: an unsized array may be redeclared with a size (at least max index used + 1).
      const mi = this.maxIndex.get(existing) ?? -1;
      if (t.size <= mi) {
        this.diags.error(DiagCode.BAD_ARRAY_SIZE, decl.loc, `array '${decl.name}' redeclared with size ${t.size}, but index ${mi} was used`);
      }
      existing.type = t;
      decl.symbol = existing;
      return;
    }
    if (
      existing && global && !existing.builtin && existing.storage === storage && (this.unitOfGlobal.get(existing) ?? this.currentUnit) !== this.currentUnit &&
      (typesEqual(existing.type, t) || (existing.type.tag === 'array' && t.tag === 'array' && typesEqual(existing.type.element, t.element) && (existing.type.size < 0 || t.size < 0)))
    ) {
      // the same global in another shader of this stage: one variable (an unsized array takes a size)
      if (t.tag === 'array' && existing.type.tag === 'array' && t.size > existing.type.size) existing.type = t;
      decl.symbol = existing;
      return;
    }
    if (this.nameTakenInScope(decl.name) || (global && this.blockNames.has(decl.name))) {
      this.diags.error(DiagCode.REDEFINITION, decl.loc, `redefinition of '${decl.name}'`);
    }
    const sym: A.VariableSymbol = {
      kind: 'variable',
      id: ++symbolCounter,
      name: decl.name,
      type: t,
      storage,
      isConst: storage === 'const',
      invariant: q.invariant,
      scope: global ? 'global' : 'local',
      builtin: false,
      loc: decl.loc,
    };
    if (precision) sym.precision = precision;
    if (constValue) sym.constValue = constValue;
    if (linkTimeValue) sym.linkTimeValue = linkTimeValue;
    if (location !== undefined) sym.location = location;
    if (q.interpolation) sym.interpolation = q.interpolation;
    if (storage === 'fragout') this.fragOutputs.push(sym);
    decl.symbol = sym;
    this.scope.vars.set(decl.name, sym);
    if (global) { this.globals.push(sym); this.unitOfGlobal.set(sym, this.currentUnit); }
  }

  /** GLSL ES 3.00 §4.3.4-4.3.6: which types a stage's inputs and outputs may have, and what the hardware does yet. */
  private checkInterface300(decl: A.Declarator, t: GlslType, storage: A.StorageQualifier, q: A.Qualifiers): void {
    const elem = t.tag === 'array' ? t.element : t;
    const k = baseKind(elem);
    const what = storage === 'attribute' ? 'vertex shader input' : storage === 'fragout' ? 'fragment shader output' : this.stage === 'vertex' ? 'vertex shader output' : 'fragment shader input';
    const bad = (why: string): void => this.diags.error(DiagCode.BAD_DECLARATION, decl.loc, `${what} '${decl.name}' ${why}`);
    // a varying may be a struct (§4.3.4-5); one with integer members must be flat
    if (elem.tag === 'struct' && storage === 'varying') {
      if (!scalarKinds(elem).every((x) => x === 'float') && q.interpolation !== 'flat') bad(`is a struct with non-float members ('${typeToString(t)}'), which needs flat interpolation`);
      return;
    }
    if (!k || k === 'bool' || elem.tag === 'struct') { bad(`cannot have type '${typeToString(t)}'`); return; }
    if (storage === 'attribute' && t.tag === 'array') { bad('cannot be an array'); return; }
    if (storage === 'fragout' && elem.tag === 'matrix') { bad('cannot be a matrix'); return; }
    if (storage === 'varying') {
      if (isIntegerKind(k) && q.interpolation !== 'flat') { bad("has an integer type and must be qualified 'flat'"); return; }
    }
    // an integer output's words go to an integer render target as they are (st_out writes bits)
  }

  private functionDeclaration(d: A.FunctionDeclaration): void {
    const rt = this.resolveType(d.returnType, !this.es);
    if (d.returnType.struct && this.es) {
      this.diags.error(DiagCode.BAD_DECLARATION, d.returnType.loc, 'structure definitions are not allowed in function return types');
    }
    const retPrecision = rt.tag !== 'void' ? this.checkPrecision(rt, d.returnType.precision, d.returnType.loc, d.name) : undefined;
    if (rt.tag === 'array' && !this.fullArrays) {
      this.diags.error(DiagCode.BAD_DECLARATION, d.returnType.loc, 'functions cannot return arrays');
    }
    if (containsSampler(rt)) this.diags.error(DiagCode.BAD_DECLARATION, d.returnType.loc, 'functions cannot return samplers');
    if (rt.tag === 'array' && rt.size < 0) this.diags.error(DiagCode.BAD_ARRAY_SIZE, d.returnType.loc, 'function return type must be a sized array');
    this.checkReservedName(d.name, d.loc);
    const params: A.FunctionParam[] = [];
    for (const p of d.params) {
      if (p.type.struct) this.diags.error(DiagCode.BAD_DECLARATION, p.type.loc, 'structure definitions are not allowed in parameter declarations');
      let t = this.resolveType(p.type, false);
      if (p.arraySize !== undefined && p.arraySize !== null && t !== ERROR_TYPE) {
        if (t.tag === 'array') this.diags.error(DiagCode.BAD_DECLARATION, p.loc, 'arrays of arrays are not allowed');
        else t = arrayOf(t, this.arraySize(p.arraySize));
      }
      if (t.tag === 'array' && t.size < 0) this.diags.error(DiagCode.BAD_ARRAY_SIZE, p.loc, 'array parameters must have a size');
      if (t.tag === 'array' && p.qualifier !== 'in' && this.version === 110) {
        this.diags.error(DiagCode.BAD_QUALIFIER, p.loc, `arrays cannot be '${p.qualifier}' parameters in GLSL 1.10`);
      }
      if (t.tag === 'void' && t !== ERROR_TYPE) {
        this.diags.error(DiagCode.BAD_DECLARATION, p.loc, "parameter cannot have type 'void'");
      }
      if (containsSampler(t) && p.qualifier !== 'in') {
        this.diags.error(DiagCode.BAD_QUALIFIER, p.loc, 'samplers cannot be out or inout parameters');
      }
      const prec = this.checkPrecision(t, p.type.precision, p.type.loc, p.name);
      const fp: A.FunctionParam = { type: t, qualifier: p.qualifier, isConst: p.isConst };
      if (p.name) fp.name = p.name;
      if (prec) fp.precision = prec;
      params.push(fp);
    }
    const signature = `${d.name}(${params.map((p) => typeToString(p.type)).join(',')})`;
    // Builtin redefinition
    // GLSL ES 3.00 § 6.1 forbids redeclaring or overloading a built-in function; GLSL ES 1.00 § 6.1
    // lets user code overload one but not redefine it (a declaration with a built-in's parameter types)
    if (BUILTIN_FUNCTIONS.has(d.name) && this.es) {
      const avail = BUILTIN_FUNCTIONS.get(d.name)!.filter((o) => overloadAvailable(o, this.version, this.stage));
      const same = avail.some((o) => o.params.length === params.length && o.params.every((q, i) => typesEqual(q.type, params[i]!.type)));
      if (this.version !== 100 && avail.length) {
        this.diags.error(DiagCode.REDEFINITION, d.loc, `cannot redefine or overload built-in function '${d.name}'`);
      } else if (same) {
        this.diags.error(DiagCode.REDEFINITION, d.loc, `cannot redefine built-in function '${signature}' (GLSL ES 1.00 § 6.1: built-in functions may be overloaded, not redefined)`);
      }
    }
    if (this.globalScope.vars.has(d.name) || this.globalScope.structs.has(d.name)) {
      this.diags.error(DiagCode.REDEFINITION, d.loc, `'${d.name}' redefined as a function`);
    }
    let list = this.functions.get(d.name);
    if (!list) this.functions.set(d.name, (list = []));
    this.globalScope.functionNames.add(d.name);
    let sym = list.find((f) => f.signature === signature);
    if (sym) {
      if (!typesEqual(sym.returnType, rt) && rt !== ERROR_TYPE && sym.returnType !== ERROR_TYPE) {
        this.diags.error(DiagCode.FUNCTION_REDEFINED, d.loc, `function '${d.name}' redeclared with a different return type`);
      }
      for (let i = 0; i < params.length; i++) {
        const a = sym.params[i]!;
        const b = params[i]!;
        if (a.qualifier !== b.qualifier || a.isConst !== b.isConst) {
          this.diags.error(DiagCode.FUNCTION_REDEFINED, d.params[i]!.loc, `parameter qualifiers of '${d.name}' do not match its previous declaration`);
          break;
        }
      }
      if (d.body && sym.definition) {
        this.diags.error(DiagCode.FUNCTION_REDEFINED, d.loc, `function '${signature}' already has a body`);
      }
      if (!d.body && this.version === 100) {
        this.diags.error(DiagCode.FUNCTION_REDEFINED, d.loc, `function '${signature}' redeclared (GLSL ES 1.00 §4.2.7)`);
      }
      if (this.es && sym.returnPrecision !== retPrecision && rt.tag !== 'void') {
        this.diags.error(DiagCode.FUNCTION_REDEFINED, d.loc, `function '${d.name}' redeclared with a different return precision`);
      }
    } else {
      sym = {
        kind: 'function',
        id: ++symbolCounter,
        name: d.name,
        signature,
        returnType: rt,
        params,
        declarations: [],
      };
      if (retPrecision) sym.returnPrecision = retPrecision;
      const sameRet = list.find((f) => f.params.length === params.length && f.params.every((p, i) => typesEqual(p.type, params[i]!.type)));
      if (sameRet) this.diags.error(DiagCode.FUNCTION_REDEFINED, d.loc, `function '${d.name}' overloaded only by return type`);
      list.push(sym);
      this.userFunctionList.push(sym);
    }
    sym.declarations.push(d);
    d.symbol = sym;
    if (d.name === 'main') {
      if (params.length !== 0 || (rt.tag !== 'void' && rt !== ERROR_TYPE) || rt !== VOID) {
        if (rt !== ERROR_TYPE) this.diags.error(DiagCode.BAD_MAIN, d.loc, "'main' must be declared as 'void main()'");
      }
    }
    if (!d.body) return;
    sym.definition = d;
    // Body
    this.pushScope();
    const psyms: A.VariableSymbol[] = [];
    d.params.forEach((p, i) => {
      const fp = params[i]!;
      const ps: A.VariableSymbol = {
        kind: 'variable',
        id: ++symbolCounter,
        name: p.name ?? '',
        type: fp.type,
        storage: p.qualifier,
        isConst: p.isConst,
        invariant: false,
        scope: 'parameter',
        builtin: false,
        loc: p.loc,
      };
      if (fp.precision) ps.precision = fp.precision;
      p.symbol = ps;
      psyms.push(ps);
      if (p.name) {
        this.checkReservedName(p.name, p.loc);
        if (this.scope.vars.has(p.name)) this.diags.error(DiagCode.REDEFINITION, p.loc, `redefinition of parameter '${p.name}'`);
        this.scope.vars.set(p.name, ps);
      }
    });
    sym.paramSymbols = psyms;
    const prevFn = this.fn;
    this.fn = { symbol: sym, returnType: rt };
    // Function body shares the parameter scope (GLSL: body is not a new scope for redeclaring params).
    for (const s of d.body.body) this.statement(s);
    this.fn = prevFn;
    this.popScope();
  }

  // ===================================================================== statements
  private statement(s: A.Statement): void {
    switch (s.kind) {
      case 'Block':
        this.pushScope();
        for (const x of s.body) this.statement(x);
        this.popScope();
        break;
      case 'Declaration': {
        const d = s.declaration;
        if (d.kind === 'VarDeclaration') this.varDeclaration(d, false);
        else if (d.kind === 'PrecisionDeclaration') this.precisionDeclaration(d);
        else this.invariantDeclaration(d, false);
        break;
      }
      case 'ExpressionStatement':
        this.expr(s.expression);
        break;
      case 'Empty':
        break;
      case 'If':
        this.condition(s.condition, 'if');
        this.scopedStatement(s.then);
        if (s.else) this.scopedStatement(s.else);
        break;
      case 'While':
        if (this.version === 100 && this.opts.enforceAppendixA) {
          this.diags.error(DiagCode.LOOP_RESTRICTION, s.loc, "'while' loops are not supported (GLSL ES Appendix A: only for loops are required)");
        }
        this.pushScope();
        if (s.conditionDecl) {
          this.varDeclaration(s.conditionDecl, false);
        }
        this.condition(s.condition, 'while');
        this.loopDepth++;
        this.scopedStatement(s.body);
        this.loopDepth--;
        this.popScope();
        break;
      case 'DoWhile':
        if (this.version === 100 && this.opts.enforceAppendixA) {
          this.diags.error(DiagCode.LOOP_RESTRICTION, s.loc, "'do-while' loops are not supported (GLSL ES Appendix A: only for loops are required)");
        }
        this.loopDepth++;
        this.scopedStatement(s.body);
        this.loopDepth--;
        this.condition(s.condition, 'do-while');
        break;
      case 'For':
        this.forStatement(s);
        break;
      case 'Switch':
        this.switchStatement(s);
        break;
      case 'Case':
        this.diags.error(DiagCode.BAD_SWITCH, s.loc, `'${s.value ? 'case' : 'default'}' label outside the body of a switch statement`);
        break;
      case 'Break':
        if (this.loopDepth === 0 && this.switchDepth === 0) {
          this.diags.error(DiagCode.BREAK_OUTSIDE_LOOP, s.loc, `'break' statement not in a loop${this.version === 300 ? ' or switch' : ''}`);
        }
        break;
      case 'Continue':
        if (this.loopDepth === 0) {
          this.diags.error(DiagCode.BREAK_OUTSIDE_LOOP, s.loc, "'continue' statement not in a loop");
        }
        break;
      case 'Discard':
        if (this.stage !== 'fragment') this.diags.error(DiagCode.BAD_STAGE, s.loc, "'discard' is only allowed in fragment shaders");
        break;
      case 'Return': {
        const rt = this.fn?.returnType ?? VOID;
        if (s.value) {
          const t = this.expr(s.value);
          if (t === ERROR_TYPE || rt === ERROR_TYPE) break;
          if (rt.tag === 'void') {
            this.diags.error(DiagCode.RETURN_MISMATCH, s.loc, "'return' with a value in a function returning void");
          } else {
            const c = this.convertible(t, rt);
            if (!c) this.diags.error(DiagCode.RETURN_MISMATCH, s.loc, `function returns '${typeToString(rt)}' but return value has type '${typeToString(t)}'`);
            else if (c === 'convert') s.value.convertTo = rt;
          }
        } else if (rt.tag !== 'void') {
          this.diags.error(DiagCode.RETURN_MISMATCH, s.loc, `'return' without a value in function returning '${typeToString(rt)}'`);
        }
        break;
      }
    }
  }

  /**
   * GLSL ES 3.00 §6.2: the selector is a scalar int or uint; labels are constant expressions of
   * its type, each value once, one default at most, and the body starts with a label.
   */
  private switchStatement(s: A.SwitchStatement): void {
    const st = this.expr(s.selector);
    const ok = st === ERROR_TYPE || (st.tag === 'scalar' && isIntegerKind(st.base));
    if (!ok) this.diags.error(DiagCode.BAD_SWITCH, s.selector.loc, `switch selector must be a scalar int or uint, not '${typeToString(st)}'`);
    this.pushScope();
    this.switchDepth++;
    const seen = new Set<number>();
    let sawDefault = false;
    s.body.forEach((x, i) => {
      if (x.kind !== 'Case') {
        if (i === 0) this.diags.error(DiagCode.BAD_SWITCH, x.loc, 'statement before the first case label of a switch');
        this.statement(x);
        return;
      }
      if (!x.value) {
        if (sawDefault) this.diags.error(DiagCode.BAD_SWITCH, x.loc, "more than one 'default' label in a switch");
        sawDefault = true;
        return;
      }
      const lt = this.expr(x.value);
      if (lt === ERROR_TYPE || st === ERROR_TYPE || !ok) return;
      if (!typesEqual(lt, st)) {
        this.diags.error(DiagCode.BAD_SWITCH, x.value.loc, `case label of type '${typeToString(lt)}' in a switch on '${typeToString(st)}'`);
      } else if (!x.value.constValue) {
        this.diags.error(DiagCode.NOT_CONSTANT, x.value.loc, 'case label must be a constant expression');
      } else {
        const v = x.value.constValue.data[0]!;
        if (seen.has(v)) this.diags.error(DiagCode.BAD_SWITCH, x.value.loc, `duplicate case label ${v}`);
        seen.add(v);
      }
    });
    this.switchDepth--;
    this.popScope();
  }

  /** Sub-statement of if/loop: gets its own scope. */
  private scopedStatement(s: A.Statement): void {
    if (s.kind === 'Block') {
      this.statement(s);
      return;
    }
    this.pushScope();
    this.statement(s);
    this.popScope();
  }

  private condition(e: A.Expr, what: string): void {
    const t = this.expr(e);
    if (t !== ERROR_TYPE && !(t.tag === 'scalar' && t.base === 'bool')) {
      this.diags.error(DiagCode.BAD_CONDITION, e.loc, `${what} condition must be a scalar boolean, not '${typeToString(t)}'`);
    }
  }

  private forStatement(s: A.ForStatement): void {
    this.pushScope();
    if (s.init) this.statement(s.init);
    if (s.conditionDecl) this.varDeclaration(s.conditionDecl, false);
    if (s.condition) this.condition(s.condition, 'for');
    if (s.update) this.expr(s.update);
    let index: A.VariableSymbol | undefined;
    const strict = this.version === 100 && this.opts.enforceAppendixA;
    // Appendix A form is an error in strict mode; otherwise it is only recognised (loopInfo).
    index = this.checkLoopForm(s, strict);
    if (index && strict) this.loopIndices.push(index);
    else if (index) this.silentLoopIndices.push(index);
    this.loopDepth++;
    // GLSL ES 1.00 / 3.00 §6.3: the body is a statement-no-new-scope — a compound body shares the
    // for-init's scope, so `for (int i...) { int i; }` redeclares i
    if (this.es && s.body.kind === 'Block') for (const x of s.body.body) this.statement(x);
    else this.scopedStatement(s.body);
    this.loopDepth--;
    if (index && strict) this.loopIndices.pop();
    else if (index) {
      this.silentLoopIndices.pop();
      if (this.modifiedLoopIndices.has(index)) delete s.loopInfo;
    }
    this.popScope();
  }

  /** GLSL ES 1.00 Appendix A §4: for (type i = const; i op const; i++/--/+=/-= const). */
  private checkLoopForm(s: A.ForStatement, report: boolean): A.VariableSymbol | undefined {
    const fail = (loc: SourceLoc, msg: string): undefined => {
      if (report) this.diags.error(DiagCode.LOOP_RESTRICTION, loc, msg);
      return undefined;
    };
    const init = s.init;
    if (!init || init.kind !== 'Declaration' || init.declaration.kind !== 'VarDeclaration' || init.declaration.declarators.length !== 1) {
      return fail(init?.loc ?? s.loc, 'for-loop initializer must declare a single loop index (GLSL ES Appendix A)');
    }
    const decl = init.declaration.declarators[0]!;
    const sym = decl.symbol;
    if (!sym) return undefined;
    if (!(sym.type.tag === 'scalar' && sym.type.base !== 'bool')) {
      return fail(decl.loc, 'for-loop index must be of type int or float (GLSL ES Appendix A)');
    }
    if (!decl.init || !decl.init.constValue) {
      return fail(decl.init?.loc ?? decl.loc, 'for-loop index must be initialized with a constant expression (GLSL ES Appendix A)');
    }
    const c = s.condition;
    if (!c || s.conditionDecl) return fail(s.loc, 'for-loop must have a condition comparing the loop index (GLSL ES Appendix A)');
    let op: string;
    let limit: number;
    if (
      c.kind === 'Binary' &&
      ['<', '>', '<=', '>=', '==', '!='].includes(c.op) &&
      c.left.kind === 'Identifier' &&
      c.left.symbol === sym
    ) {
      if (!c.right.constValue) return fail(c.right.loc, 'for-loop condition must compare the loop index with a constant expression (GLSL ES Appendix A)');
      op = c.op;
      limit = c.right.constValue.data[0] ?? 0;
    } else {
      return fail(startLoc(c), "for-loop condition must have the form 'loop_index relop constant_expression' (GLSL ES Appendix A)");
    }
    const u = s.update;
    let step: number;
    if (!u) return fail(s.loc, 'for-loop must update the loop index (GLSL ES Appendix A)');
    if (u.kind === 'Update' && u.operand.kind === 'Identifier' && u.operand.symbol === sym) {
      step = u.op === '++' ? 1 : -1;
    } else if (u.kind === 'Assign' && (u.op === '+=' || u.op === '-=') && u.target.kind === 'Identifier' && u.target.symbol === sym) {
      if (!u.value.constValue) return fail(u.value.loc, 'for-loop index must be updated by a constant expression (GLSL ES Appendix A)');
      step = (u.op === '+=' ? 1 : -1) * (u.value.constValue.data[0] ?? 0);
    } else {
      return fail(startLoc(u), "for-loop update must be 'i++', 'i--', '++i', '--i', 'i += const' or 'i -= const' (GLSL ES Appendix A)");
    }
    s.loopInfo = { index: sym, start: decl.init.constValue.data[0] ?? 0, op, limit, step };
    return sym;
  }

  // ===================================================================== expressions
  /** Check an expression; sets e.type (and e.constValue when constant). */
  private expr(e: A.Expr, lvalue = false): GlslType {
    let t: GlslType;
    try {
      t = this.exprInner(e, lvalue);
    } catch (err) {
      if (err instanceof RangeError) {
        this.diags.error(DiagCode.TOO_COMPLEX, e.loc, 'expression too complex');
        t = ERROR_TYPE;
      } else throw err;
    }
    e.type = t;
    return t;
  }

  private exprInner(e: A.Expr, lvalue: boolean): GlslType {
    switch (e.kind) {
      case 'Literal': {
        const t = e.literalType === 'int' ? INT : e.literalType === 'uint' ? UINT : e.literalType === 'float' ? FLOAT : BOOL;
        // a float literal is a single-precision value before anything folds with it
        const v = e.literalType === 'int' ? e.value | 0 : e.literalType === 'uint' ? e.value >>> 0 : e.literalType === 'float' ? Math.fround(e.value) : e.value;
        e.constValue = { type: t, data: [v] };
        return t;
      }
      case 'Identifier':
        return this.identifier(e, lvalue);
      case 'Binary':
        return this.binary(e);
      case 'Unary':
        return this.unary(e);
      case 'Update': {
        const t = this.expr(e.operand, true);
        if (t === ERROR_TYPE) return t;
        if (!this.isNumeric(t)) {
          this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `'${e.op}' requires a numeric operand, not '${typeToString(t)}'`);
          return ERROR_TYPE;
        }
        this.checkLValue(e.operand, e.op);
        return t;
      }
      case 'Assign':
        return this.assign(e);
      case 'Ternary': {
        this.condition(e.condition, 'ternary');
        const a = this.expr(e.then);
        const b = this.expr(e.else);
        if (a === ERROR_TYPE || b === ERROR_TYPE) return ERROR_TYPE;
        let rt = a;
        if (!typesEqual(a, b)) {
          const ca = this.convertible(a, b);
          const cb = this.convertible(b, a);
          if (ca === 'convert') {
            e.then.convertTo = b;
            rt = b;
          } else if (cb === 'convert') {
            e.else.convertTo = a;
          } else {
            this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `ternary operands have different types: '${typeToString(a)}' and '${typeToString(b)}'`);
            return ERROR_TYPE;
          }
        }
        if (rt.tag === 'array' && this.version !== 120) {
          this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, 'ternary operator cannot be used on arrays');
        } else if (this.webgl2Operators && (rt.tag === 'void' || containsArray(rt))) {
          this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `ternary operator cannot be used on ${rt.tag === 'void' ? 'void' : 'structs containing arrays'} in WebGL 2 (WebGL 2.0 § 5.26)`);
        }
        const cv = e.condition.constValue;
        if (cv && e.then.constValue && e.else.constValue) {
          const chosen = cv.data[0] ? e.then.constValue : e.else.constValue;
          e.constValue = { type: rt, data: chosen.data.slice() };
        }
        return rt;
      }
      case 'Sequence': {
        let t: GlslType = VOID;
        for (const x of e.expressions) {
          t = this.expr(x);
          // WebGL 2.0 § 5.26: no sequence operator applied to void, arrays or structs containing arrays
          if (this.webgl2Operators && t !== ERROR_TYPE && (t.tag === 'void' || containsArray(t))) {
            this.diags.error(DiagCode.TYPE_MISMATCH, x.loc, `sequence operator cannot be applied to ${t.tag === 'void' ? 'void' : t.tag === 'array' ? 'arrays' : 'structs containing arrays'} in WebGL 2 (WebGL 2.0 § 5.26)`);
          }
        }
        // Like Mesa, in GLSL ES a comma expression of constant expressions folds to its last operand
        // (desktop GLSL 1.20 §5.10: the sequence operator does not form a constant expression).
        const last = e.expressions[e.expressions.length - 1];
        // GLSL ES 3.00 §4.3.3 excludes the sequence operator from constant expressions again
        if (this.version === 100 && last?.constValue && e.expressions.every((x) => x.constValue)) e.constValue = { type: t, data: last.constValue.data.slice() };
        return t;
      }
      case 'Index':
        return this.index(e, lvalue);
      case 'Field':
        return this.field(e, lvalue);
      case 'Length': {
        const t = this.expr(e.base);
        if (t === ERROR_TYPE) return t;
        if (!this.fullArrays) {
          this.diags.error(DiagCode.VERSION_FEATURE, e.loc, '.length() requires GLSL 1.20 or GLSL ES 3.00');
          return ERROR_TYPE;
        }
        if (t.tag !== 'array') {
          this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `length() can only be applied to arrays, not '${typeToString(t)}'`);
          return ERROR_TYPE;
        }
        if (t.size < 0) {
          this.diags.error(DiagCode.BAD_ARRAY_SIZE, e.loc, 'length() called on an unsized array');
          return ERROR_TYPE;
        }
        e.constValue = { type: INT, data: [t.size] };
        return INT;
      }
      case 'Call':
        return this.call(e);
    }
  }

  private identifier(e: A.Identifier, lvalue: boolean): GlslType {
    const v = this.lookupVar(e.name);
    if (!v) {
      if (this.functions.has(e.name) || BUILTIN_FUNCTIONS.has(e.name)) {
        this.diags.error(DiagCode.UNDECLARED, e.loc, `function '${e.name}' used as a variable`);
      } else if (this.lookupStruct(e.name) || BASIC_TYPES.has(e.name)) {
        this.diags.error(DiagCode.UNDECLARED, e.loc, `type '${e.name}' used as a variable`);
      } else {
        this.diags.error(DiagCode.UNDECLARED, e.loc, `undeclared identifier '${e.name}'`);
      }
      return ERROR_TYPE;
    }
    e.symbol = v;
    if (v.scope === 'global' && !v.builtin) this.referencedGlobals.add(v);
    if (v.builtin) {
      this.builtinsUsed.set(v.name, v);
      if (!lvalue) this.builtinsRead.add(v.name);
    }
    if (v.constValue) e.constValue = { type: v.type, data: v.constValue.data.slice() };
    return v.type;
  }

  private isNumeric(t: GlslType): boolean {
    const k = baseKind(t);
    return k === 'float' || k === 'int' || k === 'uint';
  }

  /**
   * Whether a value of type `from` can be used where `to` is expected:
   * true (identical), 'convert' (1.20 implicit int->float), or false.
   */
  private convertible(from: GlslType, to: GlslType): boolean | 'convert' {
    if (typesEqual(from, to)) return true;
    if (this.version !== 120) return false;
    if (from.tag === 'scalar' && to.tag === 'scalar' && from.base === 'int' && to.base === 'float') return 'convert';
    if (from.tag === 'vector' && to.tag === 'vector' && from.base === 'int' && to.base === 'float' && from.size === to.size) return 'convert';
    return false;
  }

  private withBase(t: GlslType, base: ScalarKind): GlslType {
    if (t.tag === 'scalar') return scalarType(base);
    if (t.tag === 'vector') return vecType(base, t.size);
    return t;
  }

  /** Result type of an arithmetic binary op (+ - * /) or undefined if invalid. */
  private arithmeticResult(op: string, a: GlslType, b: GlslType): { type: GlslType; matMul: boolean } | undefined {
    const ka = baseKind(a);
    const kb = baseKind(b);
    if (!ka || !kb || ka === 'bool' || kb === 'bool' || ka !== kb) return undefined;
    if (op === '*') {
      if (a.tag === 'matrix' && b.tag === 'vector') return a.cols === b.size ? { type: vecType('float', a.rows), matMul: true } : undefined;
      if (a.tag === 'vector' && b.tag === 'matrix') return a.size === b.rows ? { type: vecType('float', b.cols), matMul: true } : undefined;
      if (a.tag === 'matrix' && b.tag === 'matrix') return a.rows === b.cols || a.cols === b.rows
        ? a.cols === b.rows ? { type: matType(b.cols, a.rows), matMul: true } : undefined
        : undefined;
    }
    if (typesEqual(a, b)) return { type: a, matMul: false };
    if (a.tag === 'scalar') return { type: b, matMul: false };
    if (b.tag === 'scalar') return { type: a, matMul: false };
    return undefined;
  }

  /** Apply 1.20 implicit int->float conversion to make a binary op's operand base types agree. */
  private unifyOperands(e: { left: A.Expr; right: A.Expr }, a: GlslType, b: GlslType): [GlslType, GlslType] {
    if (this.version !== 120) return [a, b];
    const ka = baseKind(a);
    const kb = baseKind(b);
    if (ka === 'int' && kb === 'float' && a.tag !== 'matrix') {
      const na = this.withBase(a, 'float');
      e.left.convertTo = na;
      return [na, b];
    }
    if (kb === 'int' && ka === 'float' && b.tag !== 'matrix') {
      const nb = this.withBase(b, 'float');
      e.right.convertTo = nb;
      return [a, nb];
    }
    return [a, b];
  }

  private binary(e: A.BinaryExpr): GlslType {
    const la = this.expr(e.left);
    const lb = this.expr(e.right);
    if (la === ERROR_TYPE || lb === ERROR_TYPE) return ERROR_TYPE;
    const op = e.op;
    const bad = (msg?: string): GlslType => {
      this.diags.error(
        DiagCode.TYPE_MISMATCH,
        e.loc,
        msg ?? `operator '${op}' cannot be applied to '${typeToString(la)}' and '${typeToString(lb)}'`,
      );
      return ERROR_TYPE;
    };
    if ((op === '%' || op === '&' || op === '|' || op === '^' || op === '<<' || op === '>>') && this.version !== 300) {
      this.diags.error(DiagCode.BAD_OPERATOR, e.loc, `operator '${op}' is reserved in this GLSL version`);
      return ERROR_TYPE;
    }
    if (la.tag === 'void' || lb.tag === 'void') return bad();
    let result: GlslType;
    if (op === '%' || op === '&' || op === '|' || op === '^' || op === '<<' || op === '>>') {
      const r = integerResult(op, la, lb);
      if (!r) return bad();
      result = r;
    } else if (op === '&&' || op === '||' || op === '^^') {
      if (!(la.tag === 'scalar' && la.base === 'bool' && lb.tag === 'scalar' && lb.base === 'bool')) return bad();
      result = BOOL;
    } else if (op === '==' || op === '!=') {
      let a: GlslType = la;
      let b: GlslType = lb;
      if (!typesEqual(a, b)) [a, b] = this.unifyOperands(e, a, b);
      if (!typesEqual(a, b)) return bad();
      if (containsSampler(a)) return bad('samplers cannot be compared');
      if (containsArray(a) && !this.fullArrays) return bad('arrays cannot be compared in this GLSL version');
      result = BOOL;
    } else if (op === '<' || op === '>' || op === '<=' || op === '>=') {
      let a: GlslType = la;
      let b: GlslType = lb;
      if (!typesEqual(a, b)) [a, b] = this.unifyOperands(e, a, b);
      if (!(a.tag === 'scalar' && a.base !== 'bool' && typesEqual(a, b))) return bad();
      result = BOOL;
    } else {
      let a: GlslType = la;
      let b: GlslType = lb;
      if (baseKind(a) !== baseKind(b)) [a, b] = this.unifyOperands(e, a, b);
      const r = this.arithmeticResult(op, a, b);
      if (!r) return bad();
      if (r.matMul) e.isMatrixMultiply = true;
      result = r.type;
    }
    // Constant folding
    const ca = e.left.constValue;
    const cb = e.right.constValue;
    if (ca && cb) {
      const data = foldBinary(op, la, lb, ca.data, cb.data, result, !!e.isMatrixMultiply);
      if (data) e.constValue = { type: result, data };
    }
    return result;
  }

  private unary(e: A.UnaryExpr): GlslType {
    const t = this.expr(e.operand);
    if (t === ERROR_TYPE) return t;
    if (e.op === '~') {
      if (this.version !== 300) {
        this.diags.error(DiagCode.BAD_OPERATOR, e.loc, "operator '~' is reserved in this GLSL version");
        return ERROR_TYPE;
      }
      // GLSL ES 3.00 §5.9: one's complement of int, uint and their vectors
      const k = baseKind(t);
      if (!isIntegerKind(k) || t.tag === 'matrix') {
        this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `operator '~' requires an integer operand, not '${typeToString(t)}'`);
        return ERROR_TYPE;
      }
      if (e.operand.constValue) e.constValue = { type: t, data: e.operand.constValue.data.map((x) => (k === 'uint' ? ~x >>> 0 : ~x)) };
      return t;
    }
    if (e.op === '!') {
      if (!(t.tag === 'scalar' && t.base === 'bool')) {
        this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `operator '!' requires a scalar bool, not '${typeToString(t)}'`);
        return ERROR_TYPE;
      }
      if (e.operand.constValue) e.constValue = { type: BOOL, data: [e.operand.constValue.data[0] ? 0 : 1] };
      return BOOL;
    }
    if (!this.isNumeric(t)) {
      this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `operator '${e.op}' requires a numeric operand, not '${typeToString(t)}'`);
      return ERROR_TYPE;
    }
    if (e.operand.constValue) {
      const k = baseKind(t);
      e.constValue = {
        type: t,
        data: e.operand.constValue.data.map((x) => (e.op === '-' ? (k === 'int' ? -x | 0 : k === 'uint' ? -x >>> 0 : -x) : x)),
      };
    }
    return t;
  }

  private assign(e: A.AssignExpr): GlslType {
    const tt = this.expr(e.target, e.op === '=');
    if (e.op !== '=' && e.target.kind === 'Identifier' && e.target.symbol?.builtin) {
      this.builtinsRead.add(e.target.symbol.name);
    }
    const vt = this.expr(e.value);
    if (tt === ERROR_TYPE || vt === ERROR_TYPE) {
      if (tt !== ERROR_TYPE) this.checkLValue(e.target, e.op);
      return ERROR_TYPE;
    }
    if (!this.checkLValue(e.target, e.op)) return ERROR_TYPE;
    if (e.op === '=') {
      const c = this.convertible(vt, tt);
      if (!c) {
        this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `cannot assign a value of type '${typeToString(vt)}' to '${typeToString(tt)}'`);
        return ERROR_TYPE;
      }
      if (c === 'convert') e.value.convertTo = tt;
      if (tt.tag === 'array' && !this.fullArrays) {
        this.diags.error(DiagCode.NOT_LVALUE, e.loc, 'arrays cannot be assigned in this GLSL version');
        return ERROR_TYPE;
      }
      if (containsSampler(tt)) {
        this.diags.error(DiagCode.NOT_LVALUE, e.loc, 'samplers cannot be assigned');
        return ERROR_TYPE;
      }
      return tt;
    }
    const op = e.op.slice(0, -1);
    if (['%', '&', '|', '^', '<<', '>>'].includes(op)) {
      if (this.version !== 300) {
        this.diags.error(DiagCode.BAD_OPERATOR, e.loc, `operator '${e.op}' is reserved in this GLSL version`);
        return ERROR_TYPE;
      }
      const r = integerResult(op, tt, vt);
      if (!r || !typesEqual(r, tt)) {
        this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `operator '${e.op}' cannot be applied to '${typeToString(tt)}' and '${typeToString(vt)}'`);
        return ERROR_TYPE;
      }
      return tt;
    }
    let a = tt;
    let b = vt;
    if (baseKind(a) !== baseKind(b) && this.version === 120 && baseKind(a) === 'float' && baseKind(b) === 'int' && b.tag !== 'matrix') {
      b = this.withBase(b, 'float');
      e.value.convertTo = b;
    }
    const r = this.arithmeticResult(op, a, b);
    if (!r || !typesEqual(r.type, tt)) {
      this.diags.error(DiagCode.TYPE_MISMATCH, e.loc, `operator '${e.op}' cannot be applied to '${typeToString(tt)}' and '${typeToString(vt)}'`);
      return ERROR_TYPE;
    }
    if (r.matMul) e.isMatrixMultiply = true;
    a = a;
    return tt;
  }

  /** Verify `e` is an assignable l-value; records builtin writes. */
  private checkLValue(e: A.Expr, op: string): boolean {
    const loc = startLoc(e);
    const root = this.lvalueRoot(e);
    if (!root) {
      this.diags.error(DiagCode.NOT_LVALUE, loc, `'${op}': left operand is not an l-value`);
      return false;
    }
    if (root === 'swizzle-repeat') {
      this.diags.error(DiagCode.NOT_LVALUE, loc, `'${op}': l-value swizzle contains repeated components`);
      return false;
    }
    const v = root.symbol;
    if (!v) return false;
    let msg: string | undefined;
    if (v.builtin) {
      if (!v.builtinWritable) msg = `built-in '${v.name}' is read-only`;
    } else if (v.isConst || v.storage === 'const') msg = `cannot modify const variable '${v.name}'`;
    else if (v.storage === 'uniform') msg = `cannot modify uniform '${v.name}'`;
    else if (v.storage === 'attribute') msg = `cannot modify attribute '${v.name}'`;
    else if (v.storage === 'varying' && this.stage === 'fragment') msg = `cannot modify varying '${v.name}' in a fragment shader`;
    else if (v.storage === 'in' && v.isConst) msg = `cannot modify const parameter '${v.name}'`;
    if (msg) {
      this.diags.error(DiagCode.NOT_LVALUE, loc, `'${op}': ${msg}`);
      return false;
    }
    if (this.silentLoopIndices.includes(v)) this.modifiedLoopIndices.add(v);
    if (this.loopIndices.includes(v)) {
      this.diags.error(DiagCode.LOOP_RESTRICTION, loc, `loop index '${v.name}' cannot be modified in the loop body (GLSL ES Appendix A)`);
    }
    if (v.builtin) {
      this.builtinsWritten.add(v.name);
      if (v.name === 'gl_FragColor' && !this.fragColorLoc) this.fragColorLoc = root.loc;
      if (v.name === 'gl_FragData' && !this.fragDataLoc) this.fragDataLoc = root.loc;
    }
    return true;
  }

  private lvalueRoot(e: A.Expr): A.Identifier | 'swizzle-repeat' | undefined {
    switch (e.kind) {
      case 'Identifier':
        return e;
      case 'Index':
        return this.lvalueRoot(e.base);
      case 'Field':
        if (e.swizzle) {
          if (new Set(e.swizzle).size !== e.swizzle.length) return 'swizzle-repeat';
        }
        return this.lvalueRoot(e.base);
      default:
        return undefined;
    }
  }

  private index(e: A.IndexExpr, lvalue: boolean): GlslType {
    const bt = this.expr(e.base, lvalue);
    const it = this.expr(e.index);
    if (bt === ERROR_TYPE || it === ERROR_TYPE) return ERROR_TYPE;
    if (!(it.tag === 'scalar' && (it.base === 'int' || (it.base === 'uint' && this.version === 300)))) {
      this.diags.error(DiagCode.BAD_INDEX, e.index.loc, `array index must be a scalar integer, not '${typeToString(it)}'`);
      return ERROR_TYPE;
    }
    let et: GlslType;
    let limit: number;
    if (bt.tag === 'array') {
      et = bt.element;
      limit = bt.size;
    } else if (bt.tag === 'vector') {
      et = scalarType(bt.base);
      limit = bt.size;
    } else if (bt.tag === 'matrix') {
      et = vecType('float', bt.rows);
      limit = bt.cols;
    } else {
      this.diags.error(DiagCode.BAD_INDEX, e.loc, `'${typeToString(bt)}' cannot be indexed`);
      return ERROR_TYPE;
    }
    const ci = e.index.constValue;
    // GLSL ES 3.00 § 4.3.7: "All indexes used to index a uniform block array must be constant integral expressions."
    if (!ci && e.base.kind === 'Identifier' && e.base.symbol?.block && e.base.symbol.blockMember === undefined && bt.tag === 'array') {
      this.diags.error(DiagCode.BAD_INDEX, e.index.loc, `uniform block array '${e.base.name}' must be indexed with a constant expression`);
      return ERROR_TYPE;
    }
    if (ci) {
      const i = ci.data[0]!;
      if (i < 0 || (limit >= 0 && i >= limit)) {
        this.diags.error(DiagCode.INDEX_OUT_OF_RANGE, e.index.loc, `index ${i} is out of range for '${typeToString(bt)}'`);
        return ERROR_TYPE;
      }
      if (bt.tag === 'array' && bt.size < 0 && e.base.kind === 'Identifier' && e.base.symbol) {
        const sym = e.base.symbol;
        this.maxIndex.set(sym, Math.max(i, this.maxIndex.get(sym) ?? -1));
      }
      const bc = e.base.constValue;
      if (bc) {
        const n = flatSize(et);
        e.constValue = { type: et, data: bc.data.slice(i * n, i * n + n) };
      }
    } else if (bt.tag === 'array' && bt.size < 0) {
      this.diags.error(DiagCode.BAD_INDEX, e.loc, 'unsized array indexed with a non-constant expression');
    } else if (this.version === 300 && containsSampler(bt) && !e.index.constValue) {
      // GLSL ES 3.00 §4.1.7.1: sampler arrays only with constant integral expressions
      this.diags.error(DiagCode.BAD_INDEX, startLoc(e.index), 'samplers in arrays can only be indexed with a constant integral expression');
    } else if (this.version === 100 && this.opts.enforceAppendixA && !this.isConstantIndexExpression(e.index)) {
      // Appendix A §5: only uniforms in vertex shaders may be indexed by arbitrary expressions.
      const root = this.lvalueRoot(e.base);
      const sym = root && root !== 'swizzle-repeat' ? root.symbol : undefined;
      const uniformInVs = this.stage === 'vertex' && sym?.storage === 'uniform';
      if (containsSampler(bt) || !uniformInVs) {
        this.diags.error(
          DiagCode.BAD_INDEX,
          startLoc(e.index),
          `index expression must be a constant-index-expression (constants and loop indices) here (GLSL ES Appendix A)`,
        );
      }
    }
    return et;
  }

  /** Appendix A constant-index-expression: constants and loop indices combined by operators. */
  private isConstantIndexExpression(e: A.Expr): boolean {
    if (e.constValue) return true;
    switch (e.kind) {
      case 'Identifier':
        return !!e.symbol && this.loopIndices.includes(e.symbol);
      case 'Binary':
        return this.isConstantIndexExpression(e.left) && this.isConstantIndexExpression(e.right);
      case 'Unary':
        return this.isConstantIndexExpression(e.operand);
      case 'Call':
        return e.callKind !== 'user' && e.args.every((a) => this.isConstantIndexExpression(a));
      default:
        return false;
    }
  }

  private field(e: A.FieldExpr, lvalue: boolean): GlslType {
    const bt = this.expr(e.base, lvalue);
    if (bt === ERROR_TYPE) return ERROR_TYPE;
    if (bt.tag === 'struct') {
      const i = bt.fields.findIndex((f) => f.name === e.field);
      if (i < 0) {
        this.diags.error(DiagCode.BAD_FIELD, e.fieldLoc, `'${typeToString(bt)}' has no field named '${e.field}'`);
        return ERROR_TYPE;
      }
      e.fieldIndex = i;
      const ft = bt.fields[i]!.type;
      const bc = e.base.constValue;
      if (bc) {
        let off = 0;
        for (let k = 0; k < i; k++) off += flatSize(bt.fields[k]!.type);
        e.constValue = { type: ft, data: bc.data.slice(off, off + flatSize(ft)) };
      }
      return ft;
    }
    if (bt.tag === 'vector') {
      const name = e.field;
      if (name.length < 1 || name.length > 4) {
        this.diags.error(DiagCode.BAD_SWIZZLE, e.fieldLoc, `invalid swizzle '${name}'`);
        return ERROR_TYPE;
      }
      const set = SWIZZLE_SETS.find((s) => s.includes(name[0]!));
      if (!set) {
        this.diags.error(DiagCode.BAD_SWIZZLE, e.fieldLoc, `invalid swizzle '${name}'`);
        return ERROR_TYPE;
      }
      const comps: number[] = [];
      for (const ch of name) {
        const idx = set.indexOf(ch);
        if (idx < 0) {
          this.diags.error(DiagCode.BAD_SWIZZLE, e.fieldLoc, `swizzle '${name}' mixes component sets or uses an invalid component`);
          return ERROR_TYPE;
        }
        if (idx >= bt.size) {
          this.diags.error(DiagCode.BAD_SWIZZLE, e.fieldLoc, `swizzle component '${ch}' out of range for '${typeToString(bt)}'`);
          return ERROR_TYPE;
        }
        comps.push(idx);
      }
      e.swizzle = comps;
      const rt = genType(bt.base, comps.length);
      const bc = e.base.constValue;
      if (bc) e.constValue = { type: rt, data: comps.map((c) => bc.data[c]!) };
      return rt;
    }
    this.diags.error(DiagCode.BAD_FIELD, e.fieldLoc, `cannot select field '${e.field}' of type '${typeToString(bt)}'`);
    return ERROR_TYPE;
  }

  // ------------------------------------------------------------------- calls
  private call(e: A.CallExpr): GlslType {
    const isType = e.constructorType !== undefined || BASIC_TYPES.has(e.callee);
    if (isType && e.constructorType) return this.constructor_(e, e.constructorType);
    // A variable with that name hides functions.
    const v = this.lookupVar(e.callee);
    const argTypes = e.args.map((a) => this.expr(a));
    if (v) {
      this.diags.error(DiagCode.NOT_A_FUNCTION, e.loc, `'${e.callee}' is not a function`);
      return ERROR_TYPE;
    }
    const st = this.lookupStruct(e.callee);
    if (st) {
      e.constructorType = { kind: 'TypeSpecifier', name: e.callee, loc: e.loc, resolved: st };
      return this.constructorWithArgs(e, st, argTypes);
    }
    if (argTypes.some((t) => t === ERROR_TYPE)) return ERROR_TYPE;
    const user = this.functions.get(e.callee) ?? [];
    // Builtins (hidden by user declarations of the same name in desktop GLSL).
    let builtins = (BUILTIN_FUNCTIONS.get(e.callee) ?? []).filter((o) => overloadAvailable(o, this.version, this.stage));
    if (user.length && !this.es) builtins = [];
    type Cand = { kind: 'user'; f: A.FunctionSymbol } | { kind: 'builtin'; f: A.BuiltinOverload };
    const cands: Cand[] = [...user.map((f) => ({ kind: 'user' as const, f })), ...builtins.map((f) => ({ kind: 'builtin' as const, f }))];
    if (cands.length === 0) {
      const anyBuiltin = BUILTIN_FUNCTIONS.get(e.callee);
      if (anyBuiltin && anyBuiltin.length) {
        const o = anyBuiltin[0]!;
        const why = o.stage && o.stage !== this.stage ? `is only available in ${o.stage} shaders` : 'is not available in this GLSL version';
        this.diags.error(DiagCode.NO_OVERLOAD, e.loc, `built-in function '${e.callee}' ${why}`);
      } else {
        this.diags.error(DiagCode.UNDECLARED, e.loc, `no function named '${e.callee}' has been declared`);
      }
      return ERROR_TYPE;
    }
    const matches = (params: readonly A.FunctionParam[], allowConv: boolean): (GlslType | undefined)[] | undefined => {
      if (params.length !== argTypes.length) return undefined;
      const conv: (GlslType | undefined)[] = [];
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        const a = argTypes[i]!;
        if (typesEqual(a, p.type)) {
          conv.push(undefined);
          continue;
        }
        if (!allowConv || p.qualifier === 'inout') return undefined;
        const c = p.qualifier === 'in' ? this.convertible(a, p.type) : this.convertible(p.type, a);
        if (c !== 'convert') return undefined;
        conv.push(p.type);
      }
      return conv;
    };
    let chosen: Cand | undefined;
    let conv: (GlslType | undefined)[] | undefined;
    for (const c of cands) {
      const m = matches(c.f.params, false);
      if (m) {
        chosen = c;
        conv = m;
        break;
      }
    }
    if (!chosen && this.version === 120) {
      const found = cands.map((c) => ({ c, m: matches(c.f.params, true) })).filter((x) => x.m);
      if (found.length > 1) {
        this.diags.error(DiagCode.NO_OVERLOAD, e.loc, `ambiguous call to '${e.callee}'`);
        return ERROR_TYPE;
      }
      if (found.length === 1) {
        chosen = found[0]!.c;
        conv = found[0]!.m!;
      }
    }
    if (!chosen) {
      this.diags.error(
        DiagCode.NO_OVERLOAD,
        e.loc,
        `no matching overload for call to '${e.callee}(${argTypes.map(typeToString).join(', ')})'`,
      );
      return ERROR_TYPE;
    }
    conv?.forEach((c, i) => {
      if (c) e.args[i]!.convertTo = c;
    });
    if (chosen.kind === 'builtin') {
      const o = chosen.f;
      if (o.extension && !this.extensionEnabled(o.extension)) {
        this.diags.error(DiagCode.EXTENSION_REQUIRED, e.loc, `'${o.name}' requires extension ${o.extension} to be enabled`);
        return ERROR_TYPE;
      }
      e.callKind = 'builtin';
      e.builtin = o;
      // GLSL ES 3.00 § 8.8: a texel offset is a constant expression within [gl_MinProgramTexelOffset, gl_MaxProgramTexelOffset]
      if (isTexelOffsetBuiltin(o.name)) {
        const off = e.args[texelOffsetArg(o)]!;
        if (!off.constValue) this.diags.error(DiagCode.NOT_CONSTANT, off.loc, `the offset of '${o.name}' must be a constant expression`);
        else if (off.constValue.data.some((v) => v < CAPS.minProgramTexelOffset || v > CAPS.maxProgramTexelOffset)) {
          this.diags.error(DiagCode.INDEX_OUT_OF_RANGE, off.loc, `the offset of '${o.name}' is outside [${CAPS.minProgramTexelOffset}, ${CAPS.maxProgramTexelOffset}]`);
        }
      }
      // out parameters of built-ins (modf) take l-values
      o.params.forEach((p, i) => { if (p.qualifier !== 'in') this.checkLValue(e.args[i]!, `${p.qualifier} parameter`); });
      if (o.name === 'ftransform') {
        for (const n of ['gl_Vertex', 'gl_ModelViewProjectionMatrix']) {
          this.builtinsRead.add(n);
          const bs = this.builtinScope.vars.get(n);
          if (bs) this.builtinsUsed.set(n, bs);
        }
      }
      if (o.foldable && e.args.every((a) => a.constValue)) {
        const data = evaluateBuiltin(o, e.args.map((a, i) => {
          const cv = a.constValue!;
          const ct = conv?.[i];
          return ct ? { type: ct, data: cv.data } : cv;
        }));
        if (data) e.constValue = { type: o.returnType, data };
      }
      return o.returnType;
    }
    const f = chosen.f;
    e.callKind = 'user';
    e.function = f;
    if (this.fn) {
      let s = this.calls.get(this.fn.symbol);
      if (!s) this.calls.set(this.fn.symbol, (s = new Set()));
      s.add(f);
    }
    // out/inout arguments must be l-values
    f.params.forEach((p, i) => {
      if (p.qualifier !== 'in') {
        const a = e.args[i]!;
        this.checkLValue(a, `${p.qualifier} parameter`);
      }
    });
    return f.returnType;
  }

  private constructor_(e: A.CallExpr, spec: A.TypeSpecifier): GlslType {
    let t: GlslType;
    if (spec.arraySize !== undefined) {
      // Array constructor (1.20)
      const inner: A.TypeSpecifier = { kind: 'TypeSpecifier', name: spec.name, loc: spec.loc };
      const et = this.resolveType(inner, false);
      if (!this.fullArrays) {
        this.diags.error(DiagCode.VERSION_FEATURE, e.loc, 'array constructors require GLSL 1.20 or GLSL ES 3.00');
        e.args.forEach((a) => this.expr(a));
        return ERROR_TYPE;
      }
      const size = spec.arraySize === null ? e.args.length : this.arraySize(spec.arraySize);
      t = et === ERROR_TYPE ? ERROR_TYPE : arrayOf(et, size);
      spec.resolved = t;
    } else {
      t = this.resolveType(spec, false);
    }
    const argTypes = e.args.map((a) => this.expr(a));
    if (t === ERROR_TYPE) return ERROR_TYPE;
    return this.constructorWithArgs(e, t, argTypes);
  }

  private constructorWithArgs(e: A.CallExpr, t: GlslType, argTypes: GlslType[]): GlslType {
    e.callKind = 'constructor';
    if (argTypes.some((a) => a === ERROR_TYPE)) return ERROR_TYPE;
    const fail = (msg: string): GlslType => {
      this.diags.error(DiagCode.BAD_CONSTRUCTOR, e.loc, msg);
      return ERROR_TYPE;
    };
    const tn = typeToString(t);
    if (t.tag === 'void' || t.tag === 'sampler') return fail(`cannot construct type '${tn}'`);
    if (argTypes.length === 0) return fail(`constructor '${tn}' requires arguments`);
    const allConst = e.args.every((a) => a.constValue);
    if (t.tag === 'array') {
      if (argTypes.length !== t.size) return fail(`array constructor '${tn}' requires ${t.size} arguments, got ${argTypes.length}`);
      const conv: (GlslType | undefined)[] = [];
      for (let i = 0; i < argTypes.length; i++) {
        const c = this.convertible(argTypes[i]!, t.element);
        if (!c) return fail(`array constructor argument ${i + 1} has type '${typeToString(argTypes[i]!)}', expected '${typeToString(t.element)}'`);
        conv.push(c === 'convert' ? t.element : undefined);
      }
      conv.forEach((c, i) => {
        if (c) e.args[i]!.convertTo = c;
      });
      if (allConst) e.constValue = { type: t, data: e.args.flatMap((a) => a.constValue!.data) };
      return t;
    }
    if (t.tag === 'struct') {
      if (argTypes.length !== t.fields.length) return fail(`constructor for struct '${tn}' requires ${t.fields.length} arguments, got ${argTypes.length}`);
      const conv: (GlslType | undefined)[] = [];
      for (let i = 0; i < argTypes.length; i++) {
        const ft = t.fields[i]!.type;
        const c = this.convertible(argTypes[i]!, ft);
        if (!c) return fail(`argument ${i + 1} of '${tn}' constructor has type '${typeToString(argTypes[i]!)}', expected '${typeToString(ft)}'`);
        conv.push(c === 'convert' ? ft : undefined);
      }
      conv.forEach((c, i) => {
        if (c) e.args[i]!.convertTo = c;
      });
      if (allConst) e.constValue = { type: t, data: e.args.flatMap((a) => a.constValue!.data) };
      return t;
    }
    // Basic types
    for (const a of argTypes) {
      if (a.tag === 'void' || a.tag === 'sampler' || a.tag === 'struct' || a.tag === 'array') {
        return fail(`cannot use a value of type '${typeToString(a)}' in a '${tn}' constructor`);
      }
    }
    const target = componentCount(t);
    const tb = baseKind(t)!;
    if (t.tag === 'scalar') {
      if (argTypes.length !== 1) return fail(`constructor '${tn}' takes exactly one argument`);
      if (allConst) e.constValue = { type: t, data: [convertScalar(e.args[0]!.constValue!.data[0]!, baseKind(argTypes[0]!)!, tb)] };
      return t;
    }
    const single = argTypes.length === 1;
    if (single && argTypes[0]!.tag === 'scalar') {
      if (allConst) {
        const v = convertScalar(e.args[0]!.constValue!.data[0]!, baseKind(argTypes[0]!)!, tb);
        if (t.tag === 'matrix') {
          const data: number[] = [];
          for (let c = 0; c < t.cols; c++) for (let r = 0; r < t.rows; r++) data.push(c === r ? v : 0);
          e.constValue = { type: t, data };
        } else e.constValue = { type: t, data: Array(target).fill(v) };
      }
      return t;
    }
    if (t.tag === 'matrix' && argTypes.some((a) => a.tag === 'matrix')) {
      if (!single) return fail(`a matrix argument to constructor '${tn}' must be the only argument`);
      if (this.version === 110) return fail('constructing a matrix from a matrix requires GLSL 1.20 or GLSL ES');
      const src = argTypes[0] as { tag: 'matrix'; cols: number; rows: number };
      if (allConst) {
        const sd = e.args[0]!.constValue!.data;
        const data: number[] = [];
        for (let c = 0; c < t.cols; c++) {
          for (let r = 0; r < t.rows; r++) {
            data.push(c < src.cols && r < src.rows ? sd[c * src.rows + r]! : c === r ? 1 : 0);
          }
        }
        e.constValue = { type: t, data };
      }
      return t;
    }
    let have = 0;
    for (let i = 0; i < argTypes.length; i++) {
      if (have >= target) return fail(`too many arguments to constructor '${tn}'`);
      have += componentCount(argTypes[i]!);
    }
    if (have < target) return fail(`not enough data provided for constructor '${tn}'`);
    if (t.tag === 'matrix' && have > target && this.es === false && this.version === 110) {
      // 1.10: allowed (extra components of the last argument are dropped)
    }
    if (allConst) {
      const data: number[] = [];
      e.args.forEach((a, i) => {
        const k = baseKind(argTypes[i]!)!;
        for (const x of a.constValue!.data) data.push(convertScalar(x, k, tb));
      });
      e.constValue = { type: t, data: data.slice(0, target) };
    }
    return t;
  }
}

/** Location of the first token of an expression (the AST stores operator locations). */
export function startLoc(e: A.Expr): SourceLoc {
  switch (e.kind) {
    case 'Binary':
      return startLoc(e.left);
    case 'Assign':
      return startLoc(e.target);
    case 'Ternary':
      return startLoc(e.condition);
    case 'Index':
    case 'Field':
    case 'Length':
      return startLoc(e.base);
    case 'Update':
      return e.prefix ? e.loc : startLoc(e.operand);
    case 'Sequence':
      return e.expressions[0] ? startLoc(e.expressions[0]) : e.loc;
    default:
      return e.loc;
  }
}

// ===================================================================== constant folding helpers


export function convertScalar(v: number, from: ScalarKind, to: ScalarKind): number {
  if (from === to) return v;
  if (to === 'bool') return v !== 0 ? 1 : 0;
  if (to === 'int') return Math.trunc(v) | 0;
  // float to uint: negative values are undefined (GLSL ES 3.00 §5.4.1); int to uint keeps the bits
  if (to === 'uint') return Math.trunc(v) >>> 0;
  return v;
}

/**
 * GLSL ES 3.00 §5.9: the result type of % & | ^ (integer operands of one base type, scalar or
 * vector, componentwise with scalar broadcast) and << >> (the left operand's type; the right may
 * be int or uint, a vector only with a vector of its size on the left).
 */
function integerResult(op: string, a: GlslType, b: GlslType): GlslType | undefined {
  const ka = baseKind(a), kb = baseKind(b);
  if (!isIntegerKind(ka) || !isIntegerKind(kb) || a.tag === 'matrix' || b.tag === 'matrix') return undefined;
  if (op === '<<' || op === '>>') {
    if (a.tag === 'scalar' && b.tag !== 'scalar') return undefined;
    if (a.tag === 'vector' && b.tag === 'vector' && a.size !== b.size) return undefined;
    return a;
  }
  if (ka !== kb) return undefined;
  if (a.tag === 'vector' && b.tag === 'vector' && a.size !== b.size) return undefined;
  return a.tag === 'vector' ? a : b;
}

function foldBinary(
  op: string, la: GlslType, lb: GlslType, a: number[], b: number[], result: GlslType, matMul: boolean,
): number[] | undefined {
  const rk = baseKind(result);
  const isInt = (baseKind(la) === 'int' && baseKind(lb) === 'int') || isIntegerKind(rk);
  const wrap = (v: number): number => (rk === 'uint' ? v >>> 0 : isInt ? v | 0 : v);
  switch (op) {
    case '&&':
      return [a[0] && b[0] ? 1 : 0];
    case '||':
      return [a[0] || b[0] ? 1 : 0];
    case '^^':
      return [!!a[0] !== !!b[0] ? 1 : 0];
    case '==':
    case '!=': {
      const eq = a.length === b.length && a.every((x, i) => x === b[i]);
      return [(op === '==') === eq ? 1 : 0];
    }
    case '<':
      return [a[0]! < b[0]! ? 1 : 0];
    case '>':
      return [a[0]! > b[0]! ? 1 : 0];
    case '<=':
      return [a[0]! <= b[0]! ? 1 : 0];
    case '>=':
      return [a[0]! >= b[0]! ? 1 : 0];
  }
  if (matMul) {
    // Column-major: M[c][r] = data[c*rows + r]
    if (la.tag === 'matrix' && lb.tag === 'vector') {
      const res: number[] = [];
      for (let r = 0; r < la.rows; r++) {
        let s = 0;
        for (let c = 0; c < la.cols; c++) s += a[c * la.rows + r]! * b[c]!;
        res.push(s);
      }
      return res;
    }
    if (la.tag === 'vector' && lb.tag === 'matrix') {
      const res: number[] = [];
      for (let c = 0; c < lb.cols; c++) {
        let s = 0;
        for (let r = 0; r < lb.rows; r++) s += a[r]! * b[c * lb.rows + r]!;
        res.push(s);
      }
      return res;
    }
    if (la.tag === 'matrix' && lb.tag === 'matrix' && result.tag === 'matrix') {
      const res: number[] = [];
      for (let c = 0; c < result.cols; c++) {
        for (let r = 0; r < result.rows; r++) {
          let s = 0;
          for (let k = 0; k < la.cols; k++) s += a[k * la.rows + r]! * b[c * lb.rows + k]!;
          res.push(s);
        }
      }
      return res;
    }
    return undefined;
  }
  const n = Math.max(a.length, b.length);
  const res: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a.length === 1 ? a[0]! : a[i]!;
    const y = b.length === 1 ? b[0]! : b[i]!;
    let v: number;
    switch (op) {
      case '+':
        v = x + y;
        break;
      case '-':
        v = x - y;
        break;
      case '*':
        v = isInt ? Math.imul(x, y) : x * y;
        break;
      case '/':
        if (isInt) {
          if (y === 0) return undefined;
          v = Math.trunc(x / y);
        } else v = x / y;
        break;
      // GLSL ES 3.00 integer operators (a zero divisor and out-of-range shifts are undefined: not folded)
      case '%':
        if (y === 0) return undefined;
        v = x % y;
        break;
      case '&': v = x & y; break;
      case '|': v = x | y; break;
      case '^': v = x ^ y; break;
      case '<<':
        if (y < 0 || y > 31) return undefined;
        v = x << y;
        break;
      case '>>':
        if (y < 0 || y > 31) return undefined;
        v = rk === 'uint' ? x >>> y : x >> y;
        break;
      default:
        return undefined;
    }
    res.push(wrap(v));
  }
  return res;
}

export { isFloatBased };
