/**
 * The GLSL abstract syntax tree — and, after a successful check, the *typed* AST.
 *
 * The parser builds these nodes; the checker (checker.ts) then annotates them IN PLACE.
 * When `compileFrontEnd(...).ok` is true, the following invariants hold for the returned
 * {@link TypedShader} (the input of IR lowering):
 *
 *  - Every {@link Expr} has `type` set (a {@link GlslType}); `constValue` is set when the
 *    expression is a constant expression whose value was folded (literals, const variables,
 *    constructors/operators/built-ins of constants).
 *  - Every {@link Identifier} has `symbol` set: a {@link VariableSymbol} (user global, local,
 *    parameter, or built-in such as gl_Position — `builtin: true`).
 *  - Every {@link CallExpr} has `callKind`:
 *      'constructor'  -> `type` is the constructed type, `args` are the components; for
 *                        struct constructors args map to fields in order; for 1.20 array
 *                        constructors args map to elements.
 *      'builtin'      -> `builtin` is the chosen {@link BuiltinOverload} (`builtin.id` is a
 *                        stable overload id like "texture2D(sampler2D,vec2)").
 *      'user'         -> `function` is the {@link FunctionSymbol} of the callee (its
 *                        `definition` points at the FunctionDefinition node, if defined).
 *    Argument types match the parameter types exactly, except where desktop 1.20 implicit
 *    int->float conversion applied: then the argument has `convertTo` (see below).
 *  - {@link FieldExpr}: `swizzle` (component indices, e.g. `.zyx` -> [2,1,0]) is set for
 *    vector swizzles, `fieldIndex` for struct field selection.
 *  - {@link IndexExpr}: base is array/vector/matrix; `type` is the element/component/column.
 *  - {@link LengthExpr} (1.20 `a.length()`): always constant-folded (`constValue`).
 *  - {@link BinaryExpr}/{@link AssignExpr}: `type` is the result type. Operands are either of
 *    identical type or scalar-vector / scalar-matrix mixes (componentwise ops), or linear
 *    algebra multiplies (`mat*vec`, `vec*mat`, `mat*mat`) — `isMatrixMultiply` marks those.
 *    In 1.20, int operands of a float operation carry `convertTo`.
 *  - Implicit conversions (GLSL 1.20 only; never in ES 1.00 / 1.10): an expression whose
 *    value must be converted before use has `convertTo` = the target type (int->float,
 *    ivecN->vecN). `type` stays the expression's own type. It appears on binary operands,
 *    assignment values, ternary branches, call/constructor arguments, declarator
 *    initializers and return values. Special case: on an argument bound to an `out`
 *    parameter, `convertTo` is the *formal* parameter type: lower it by passing a temporary
 *    of that type and assigning the temporary, converted to the argument's `type`, back
 *    after the call.
 *  - Declarations: each {@link Declarator} has `symbol`; each {@link TypeSpecifier} has
 *    `resolved`. Function definitions have `symbol` (a FunctionSymbol, parameters in
 *    `paramSymbols`).
 *
 * Constant values ({@link ConstValue}) are flattened scalars in GLSL order: vectors by
 * component, matrices column-major, structs field by field, arrays element by element.
 * Booleans are stored as 1/0; ints are integral numbers (wrapped to int32).
 */
import type { SourceLoc } from './diagnostics.js';
import type { GlslType, PrecisionQualifier, StructType } from './types.js';
import type { GlslVersion } from './lexer.js';

export type { SourceLoc } from './diagnostics.js';

export interface ConstValue {
  type: GlslType;
  /** Flattened scalar components (bools as 1/0). */
  data: number[];
}

// ----------------------------------------------------------------------------------------
// Symbols (created by the checker)

/**
 * Storage of a variable symbol. GLSL ES 3.00's `in`/`out` map onto the ES 1.00 words by stage, so
 * everything after the checker sees one vocabulary: a vertex `in` is an 'attribute', a vertex
 * `out` or fragment `in` a 'varying', a fragment `out` a 'fragout' (a fragment output).
 */
export type StorageQualifier = 'none' | 'const' | 'attribute' | 'uniform' | 'varying' | 'fragout';
export type ParamQualifier = 'in' | 'out' | 'inout';

export interface VariableSymbol {
  kind: 'variable';
  /** Unique id within one compilation (built-ins share a global id space). */
  id: number;
  name: string;
  type: GlslType;
  /** Storage: global/local qualifiers, or the parameter direction for function parameters. */
  storage: StorageQualifier | ParamQualifier;
  /** True for `const in` parameters and `const` variables. */
  isConst: boolean;
  precision?: PrecisionQualifier;
  invariant: boolean;
  scope: 'global' | 'local' | 'parameter';
  /** Built-in variable (gl_*). */
  builtin: boolean;
  /** For built-ins: whether it may be written (gl_Position, gl_FragColor, ...). */
  builtinWritable?: boolean;
  /** Folded value of a `const` variable (or built-in constant like gl_MaxDrawBuffers). */
  constValue?: ConstValue;
  /** GLSL 1.20 uniform initializer, folded: the uniform's value when the program links. */
  linkTimeValue?: ConstValue;
  /** GLSL ES 3.00 `layout(location = N)` of a vertex input or fragment output */
  location?: number;
  /** GLSL ES 3.00 interpolation qualifier of a varying (absent: smooth) */
  interpolation?: 'flat' | 'smooth';
  /**
   * GLSL ES 3.00 uniform block (§4.3.7) this uniform belongs to: the block's instance (its type
   * the block's struct, or an array of it for a block array), or, with `blockMember`, member
   * `blockMember` of a block declared without an instance name.
   */
  block?: UniformBlock;
  blockMember?: number;
  loc?: SourceLoc;
}

/** A GLSL ES 3.00 uniform block as declared (§4.3.7), its layout qualifiers resolved (§4.3.8.3). */
export interface UniformBlock {
  /** the block name: what the API names it (getUniformBlockIndex) and what links the stages */
  name: string;
  /** std140; shared and packed are laid out as std140 too (their layout is the implementation's choice) */
  layout: 'std140' | 'shared' | 'packed';
  members: UniformBlockMember[];
  /** the block's struct type (the instance's type when there is an instance name) */
  type: StructType;
  instanceName?: string;
  /** an instance array `inst[N]`: N blocks, each with its own binding */
  arraySize?: number;
  loc: SourceLoc;
}
export interface UniformBlockMember {
  name: string;
  type: GlslType;
  /** row_major matrices (the member's qualifier, else the block's, else the default in force) */
  rowMajor: boolean;
  precision?: PrecisionQualifier;
}

export interface FunctionParam {
  name?: string;
  type: GlslType;
  qualifier: ParamQualifier;
  isConst: boolean;
  precision?: PrecisionQualifier;
}

export interface FunctionSymbol {
  kind: 'function';
  id: number;
  name: string;
  /** Mangled signature "name(type,type)" — unique per overload. */
  signature: string;
  returnType: GlslType;
  returnPrecision?: PrecisionQualifier;
  params: FunctionParam[];
  /** The definition (with body), if one was seen. */
  definition?: FunctionDeclaration;
  /** Every prototype/definition node that declared it. */
  declarations: FunctionDeclaration[];
  /** Parameter symbols of the definition (same order as params). */
  paramSymbols?: VariableSymbol[];
}

export interface BuiltinOverload {
  kind: 'builtin';
  /** Stable overload id, e.g. "texture2D(sampler2D,vec2)" or "max(vec3,float)". */
  id: string;
  name: string;
  returnType: GlslType;
  params: FunctionParam[];
  /** Only available in this stage. */
  stage?: 'vertex' | 'fragment';
  /**
   * Versions: 'es' = only ES 1.00, 'desktop' = only 110/120, '120' = 1.20 only, 'legacy' = all but
   * ES 3.00, '300' = ES 3.00 only, '120+300' = 1.20 and ES 3.00.
   */
  availability: 'all' | 'es' | 'desktop' | '120' | 'legacy' | '300' | '120+300';
  /** Extension required (must be enabled by #extension), if any. */
  extension?: string;
  /** Whether calls with constant arguments are constant expressions (false for texture lookups, derivatives, noise, ftransform). */
  foldable: boolean;
}

// ----------------------------------------------------------------------------------------
// Types and qualifiers as written

export interface TypeSpecifier {
  kind: 'TypeSpecifier';
  /** Built-in type name ('vec4', 'sampler2D', ...) or a struct name; '' for an anonymous struct. */
  name: string;
  /** Inline struct definition (`struct S { ... } s;`). */
  struct?: StructSpecifier;
  /** 1.20 array type syntax `float[3]` (null = `float[]`, undefined = not an array). */
  arraySize?: Expr | null;
  precision?: PrecisionQualifier;
  loc: SourceLoc;
  /** Set by the checker (including the array part, if any). */
  resolved?: GlslType;
}

export interface StructSpecifier {
  kind: 'StructSpecifier';
  name?: string;
  members: StructMember[];
  loc: SourceLoc;
  resolved?: StructType;
}

export interface StructMember {
  type: TypeSpecifier;
  /** a uniform block member's layout qualifiers (row_major / column_major) */
  layout?: LayoutId[];
  declarators: { name: string; arraySize?: Expr | null; loc: SourceLoc }[];
  loc: SourceLoc;
}

/** One `layout(...)` entry: `location = 2` or `std140` */
export interface LayoutId { name: string; value?: number; loc: SourceLoc }

export interface Qualifiers {
  /** as written: ES 3.00 `in`/`out` before the checker maps them (see StorageQualifier) */
  storage: StorageQualifier | 'in' | 'out';
  invariant: boolean;
  centroid: boolean;
  /** GLSL ES 3.00 */
  interpolation?: 'flat' | 'smooth';
  layout?: LayoutId[];
  precision?: PrecisionQualifier;
  loc: SourceLoc;
}

// ----------------------------------------------------------------------------------------
// External (global) declarations

export interface Declarator {
  name: string;
  loc: SourceLoc;
  /** `a[N]`: size expression; null for `a[]`; undefined if not an array declarator. */
  arraySize?: Expr | null;
  init?: Expr;
  symbol?: VariableSymbol;
}

export interface VarDeclaration {
  kind: 'VarDeclaration';
  qualifiers: Qualifiers;
  type: TypeSpecifier;
  /** May be empty for a bare struct definition (`struct S { ... };`). */
  declarators: Declarator[];
  loc: SourceLoc;
  /**
   * GLSL ES 3.00 uniform block `uniform Name { members } [instance[N]];`: `type.struct` holds the
   * members (named `Name`, not a type the shader may use), `declarators` the instance if any.
   */
  block?: { name: string; loc: SourceLoc };
  /** `layout(std140, row_major) uniform;`: the default layout of later uniform blocks */
  layoutDefaults?: true;
}

export interface PrecisionDeclaration {
  kind: 'PrecisionDeclaration';
  precision: PrecisionQualifier;
  type: TypeSpecifier;
  loc: SourceLoc;
}

/** `invariant gl_Position, v;` (re-declaration of existing varyings as invariant). */
export interface InvariantDeclaration {
  kind: 'InvariantDeclaration';
  names: { name: string; loc: SourceLoc; symbol?: VariableSymbol }[];
  loc: SourceLoc;
}

export interface ParamDecl {
  qualifier: ParamQualifier;
  isConst: boolean;
  type: TypeSpecifier;
  name?: string;
  arraySize?: Expr | null;
  loc: SourceLoc;
  symbol?: VariableSymbol;
}

/** Function prototype (no body) or definition (with body). */
export interface FunctionDeclaration {
  kind: 'FunctionDeclaration';
  returnType: TypeSpecifier;
  name: string;
  params: ParamDecl[];
  body?: BlockStatement;
  loc: SourceLoc;
  symbol?: FunctionSymbol;
}

export type ExternalDeclaration = VarDeclaration | PrecisionDeclaration | InvariantDeclaration | FunctionDeclaration;

export interface TranslationUnit {
  kind: 'TranslationUnit';
  declarations: ExternalDeclaration[];
}

// ----------------------------------------------------------------------------------------
// Statements

export interface BlockStatement { kind: 'Block'; body: Statement[]; loc: SourceLoc }
export interface DeclarationStatement {
  kind: 'Declaration';
  declaration: VarDeclaration | PrecisionDeclaration | InvariantDeclaration;
  loc: SourceLoc;
}
export interface ExpressionStatement { kind: 'ExpressionStatement'; expression: Expr; loc: SourceLoc }
export interface EmptyStatement { kind: 'Empty'; loc: SourceLoc }
export interface IfStatement { kind: 'If'; condition: Expr; then: Statement; else?: Statement; loc: SourceLoc }
/**
 * `for (init; condition; update) body`. `init` is a declaration or expression statement.
 * `condition` may be an expression or a declaration with initializer (`bool b = ...`).
 */
export interface ForStatement {
  kind: 'For';
  init?: Statement;
  condition?: Expr;
  /** Condition written as `type name = init` (the checker also fills `condition`). */
  conditionDecl?: VarDeclaration;
  update?: Expr;
  body: Statement;
  loc: SourceLoc;
  /**
   * Set by the checker (any version) when the loop has the GLSL ES Appendix A form
   * `for (T i = start; i op limit; i++/i--/i+=step/i-=step)` and `i` is not modified in the
   * body: a statically bounded loop (useful for unrolling). `step` is signed.
   */
  loopInfo?: { index: VariableSymbol; start: number; op: string; limit: number; step: number };
}
export interface WhileStatement { kind: 'While'; condition: Expr; conditionDecl?: VarDeclaration; body: Statement; loc: SourceLoc }
export interface DoWhileStatement { kind: 'DoWhile'; body: Statement; condition: Expr; loc: SourceLoc }
export interface BreakStatement { kind: 'Break'; loc: SourceLoc }
export interface ContinueStatement { kind: 'Continue'; loc: SourceLoc }
export interface ReturnStatement { kind: 'Return'; value?: Expr; loc: SourceLoc }
export interface DiscardStatement { kind: 'Discard'; loc: SourceLoc }
/** GLSL ES 3.00 switch: `body` holds the statements with their `case`/`default` labels in order */
export interface SwitchStatement { kind: 'Switch'; selector: Expr; body: Statement[]; loc: SourceLoc }
/** a `case value:` label (`default:` has no value); after checking, `constValue` of value is set */
export interface CaseLabel { kind: 'Case'; value?: Expr; loc: SourceLoc }

export type Statement =
  | BlockStatement
  | DeclarationStatement
  | ExpressionStatement
  | EmptyStatement
  | IfStatement
  | ForStatement
  | WhileStatement
  | DoWhileStatement
  | BreakStatement
  | ContinueStatement
  | ReturnStatement
  | DiscardStatement
  | SwitchStatement
  | CaseLabel;

// ----------------------------------------------------------------------------------------
// Expressions

interface ExprBase {
  loc: SourceLoc;
  /** Resolved type (set by the checker). */
  type?: GlslType;
  /** Folded constant value, when the expression is a constant expression. */
  constValue?: ConstValue;
  /** Implicit conversion of this expression's value to another type (GLSL 1.20 int->float). */
  convertTo?: GlslType;
}

export interface LiteralExpr extends ExprBase {
  kind: 'Literal';
  literalType: 'int' | 'uint' | 'float' | 'bool';
  value: number;
  text: string;
}
export interface Identifier extends ExprBase {
  kind: 'Identifier';
  name: string;
  symbol?: VariableSymbol;
}
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%'
  | '<' | '>' | '<=' | '>=' | '==' | '!='
  | '&&' | '||' | '^^'
  | '&' | '|' | '^' | '<<' | '>>';
export interface BinaryExpr extends ExprBase {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  /** True for linear-algebra products (matrix*vector, vector*matrix, matrix*matrix). */
  isMatrixMultiply?: boolean;
}
export interface UnaryExpr extends ExprBase {
  kind: 'Unary';
  op: '+' | '-' | '!' | '~';
  operand: Expr;
}
export interface UpdateExpr extends ExprBase {
  kind: 'Update';
  op: '++' | '--';
  prefix: boolean;
  operand: Expr;
}
export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '<<=' | '>>=' | '&=' | '|=' | '^=';
export interface AssignExpr extends ExprBase {
  kind: 'Assign';
  op: AssignOp;
  target: Expr;
  value: Expr;
  isMatrixMultiply?: boolean;
}
export interface TernaryExpr extends ExprBase {
  kind: 'Ternary';
  condition: Expr;
  then: Expr;
  else: Expr;
}
/** Comma operator: value and type of the last expression. */
export interface SequenceExpr extends ExprBase {
  kind: 'Sequence';
  expressions: Expr[];
}
export interface IndexExpr extends ExprBase {
  kind: 'Index';
  base: Expr;
  index: Expr;
}
export interface FieldExpr extends ExprBase {
  kind: 'Field';
  base: Expr;
  field: string;
  fieldLoc: SourceLoc;
  /** Vector swizzle component indices (0..3). */
  swizzle?: number[];
  /** Struct field index. */
  fieldIndex?: number;
}
/** `a.length()` on arrays (GLSL 1.20). */
export interface LengthExpr extends ExprBase {
  kind: 'Length';
  base: Expr;
}
export interface CallExpr extends ExprBase {
  kind: 'Call';
  /** Function name, or the type name for constructors. */
  callee: string;
  /** Constructor type as written (built-in type, struct name, or 1.20 array type `float[3]`). */
  constructorType?: TypeSpecifier;
  args: Expr[];
  callKind?: 'constructor' | 'builtin' | 'user';
  builtin?: BuiltinOverload;
  function?: FunctionSymbol;
}

export type Expr =
  | LiteralExpr
  | Identifier
  | BinaryExpr
  | UnaryExpr
  | UpdateExpr
  | AssignExpr
  | TernaryExpr
  | SequenceExpr
  | IndexExpr
  | FieldExpr
  | LengthExpr
  | CallExpr;

// ----------------------------------------------------------------------------------------
// Result of the front end

export interface ReflectedVariable {
  name: string;
  /** GLSL type name of one element, e.g. 'vec4', 'mat3', 'sampler2D'. */
  type: string;
  glslType: GlslType;
  /** Number of array elements (1 if not an array). */
  size: number;
  precision?: PrecisionQualifier;
  /**
   * Whether the variable is statically referenced by the shader's code. (WebGL "active"
   * additionally requires the use to survive linking/dead-code elimination.)
   */
  referenced: boolean;
}

export interface Reflection {
  attributes: ReflectedVariable[];
  /**
   * Active-uniform style flattened list: struct uniforms expand to `s.field`, arrays of
   * basic types are one entry `arr[0]` with `size`, arrays of structs expand per element
   * (`lights[0].color`, ...), as WebGL's getActiveUniform reports them.
   */
  uniforms: ReflectedVariable[];
  /** Declared (user) varyings. */
  varyings: ReflectedVariable[];
  builtinsRead: string[];
  builtinsWritten: string[];
  /** Extensions enabled/required by #extension. */
  extensions: string[];
  pragmas: string[];
  /** `#pragma STDGL invariant(all)` seen. */
  invariantAll: boolean;
}

export interface TypedShader {
  kind: 'TypedShader';
  stage: 'vertex' | 'fragment';
  version: GlslVersion;
  unit: TranslationUnit;
  /** Global variables in declaration order (user declared). */
  globals: VariableSymbol[];
  /** User functions (one entry per overload). */
  functions: FunctionSymbol[];
  /** The `void main()` function. */
  main?: FunctionSymbol;
  /** Built-in variables referenced by the program. */
  builtinsUsed: VariableSymbol[];
  /** Built-in variables redeclared `invariant` (`invariant gl_Position;`). */
  invariantBuiltins: string[];
  /** GLSL ES 3.00 uniform blocks, in declaration order */
  uniformBlocks: UniformBlock[];
}
