/**
 * Recursive-descent parser for GLSL ES 1.00 / GLSL 1.10 / 1.20 (grammar of the specs' §9).
 * Produces the untyped AST (ast.ts). Stops at the first syntax error (reported as a
 * diagnostic) and returns whatever was parsed so far; never throws.
 */
import type * as A from './ast.js';
import { DiagCode, DiagnosticSink, type SourceLoc } from './diagnostics.js';
import type { GlslVersion, Token } from './lexer.js';
import type { PrecisionQualifier } from './types.js';

class SyntaxError_ extends Error {}

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '|=', '^=']);
const BIN_PREC: Record<string, number> = {
  '||': 1, '^^': 2, '&&': 3, '|': 4, '^': 5, '&': 6, '==': 7, '!=': 7, '<': 8, '>': 8, '<=': 8, '>=': 8,
  '<<': 9, '>>': 9, '+': 10, '-': 10, '*': 11, '/': 11, '%': 11,
};
const PRECISIONS = new Set(['lowp', 'mediump', 'highp']);
const STORAGE = new Set(['const', 'attribute', 'uniform', 'varying']);
/** GLSL ES 3.00: `in`/`out` declare stage inputs and outputs; interpolation and layout qualifiers */
const STORAGE_300 = new Set(['const', 'uniform', 'in', 'out']);
const INTERPOLATION = new Set(['flat', 'smooth']);

/**
 * Parse a token stream. `typeNames` are extra predeclared struct type names (desktop
 * built-in structs such as gl_LightSourceParameters).
 */
export function parse(
  tokens: Token[],
  version: GlslVersion,
  diags: DiagnosticSink,
  typeNames: Iterable<string> = [],
): { unit: A.TranslationUnit; ok: boolean } {
  const p = new Parser(tokens, version, diags);
  for (const n of typeNames) p.addTypeName(n);
  return p.parseUnit();
}

class Parser {
  private pos = 0;
  private structScopes: Set<string>[] = [new Set()];
  private depth = 0;
  constructor(
    private readonly toks: Token[],
    private readonly version: GlslVersion,
    private readonly diags: DiagnosticSink,
  ) {}

  addTypeName(name: string): void {
    this.structScopes[0]!.add(name);
  }

  parseUnit(): { unit: A.TranslationUnit; ok: boolean } {
    const unit: A.TranslationUnit = { kind: 'TranslationUnit', declarations: [] };
    try {
      while (this.peek().kind !== 'eof') {
        if (this.isPunct(';') && this.version !== 100) {
          // Stray semicolons at global scope are accepted by desktop compilers.
          this.next();
          continue;
        }
        unit.declarations.push(this.externalDeclaration());
      }
      return { unit, ok: true };
    } catch (e) {
      if (e instanceof SyntaxError_) return { unit, ok: false };
      if (e instanceof RangeError) {
        this.diags.error(DiagCode.TOO_COMPLEX, this.loc(this.peek()), 'program too deeply nested');
        return { unit, ok: false };
      }
      throw e;
    }
  }

  // -------------------------------------------------------------------------- helpers
  private peek(o = 0): Token {
    return this.toks[Math.min(this.pos + o, this.toks.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  private loc(t: Token): SourceLoc {
    return { line: t.line, column: t.column, source: t.source };
  }
  private isPunct(text: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'punct' && t.text === text;
  }
  private isKeyword(text: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'keyword' && t.text === text;
  }
  private fail(msg: string, t: Token = this.peek()): never {
    const what = t.kind === 'eof' ? 'end of file' : `'${t.text}'`;
    this.diags.error(DiagCode.SYNTAX, this.loc(t), `syntax error, unexpected ${what}${msg ? ', ' + msg : ''}`);
    throw new SyntaxError_();
  }
  private expectPunct(text: string): Token {
    if (!this.isPunct(text)) this.fail(`expecting '${text}'`);
    return this.next();
  }
  private expectIdent(): Token {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail('expecting identifier');
    return this.next();
  }
  private isStructName(name: string): boolean {
    for (let i = this.structScopes.length - 1; i >= 0; i--) if (this.structScopes[i]!.has(name)) return true;
    return false;
  }
  private pushScope(): void {
    this.structScopes.push(new Set());
  }
  private popScope(): void {
    this.structScopes.pop();
  }
  private enter(): void {
    if (++this.depth > 400) {
      this.diags.error(DiagCode.TOO_COMPLEX, this.loc(this.peek()), 'program too deeply nested');
      throw new SyntaxError_();
    }
  }
  private leave(): void {
    this.depth--;
  }

  /** True if the token at offset o starts a type specifier (not including qualifiers). */
  private isTypeStart(o = 0): boolean {
    const t = this.peek(o);
    if (t.kind === 'typename') return true;
    if (t.kind === 'keyword' && t.text === 'struct') return true;
    if (t.kind === 'ident' && this.isStructName(t.text)) return true;
    return false;
  }
  private get storageWords(): ReadonlySet<string> { return this.version === 300 ? STORAGE_300 : STORAGE; }
  private isQualifierStart(o = 0): boolean {
    const t = this.peek(o);
    if (t.kind !== 'keyword') return false;
    if (this.version === 300 && (INTERPOLATION.has(t.text) || t.text === 'layout')) return true;
    return this.storageWords.has(t.text) || PRECISIONS.has(t.text) || t.text === 'invariant' || t.text === 'centroid';
  }

  /** Skip a balanced [...] starting at offset o; returns offset after it, or -1. */
  private skipBrackets(o: number): number {
    if (!this.isPunct('[', o)) return -1;
    let depth = 0;
    for (let i = o; ; i++) {
      const t = this.peek(i);
      if (t.kind === 'eof') return -1;
      if (t.kind === 'punct' && t.text === '[') depth++;
      else if (t.kind === 'punct' && t.text === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
  }

  /** Decide whether a statement starting here is a declaration. */
  private startsDeclaration(): boolean {
    if (this.isQualifierStart()) return true;
    if (this.isKeyword('precision')) return true;
    if (this.isKeyword('struct')) return true;
    const t = this.peek();
    if (t.kind === 'typename' || (t.kind === 'ident' && this.isStructName(t.text))) {
      if (this.isPunct('(', 1)) return false; // constructor
      if (this.isPunct('[', 1)) {
        const after = this.skipBrackets(1);
        if (after > 0 && this.isPunct('(', after)) return false; // array constructor
        return true;
      }
      if (this.isPunct('.', 1)) return false;
      return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------- declarations
  private externalDeclaration(): A.ExternalDeclaration {
    const start = this.peek();
    if (this.isKeyword('precision')) return this.precisionDeclaration();
    if (this.isKeyword('invariant') && this.peek(1).kind === 'ident' && !this.isStructName(this.peek(1).text)) {
      return this.invariantDeclaration();
    }
    const quals = this.qualifiers();
    if (this.version === 300 && quals.storage === 'uniform' && this.peek().kind === 'ident' && !this.isStructName(this.peek().text) && this.isPunct('{', 1)) {
      return this.uniformBlock(quals, start);
    }
    if (this.version === 300 && quals.layout && this.isPunct(';')) {
      // `layout(std140) uniform;` (GLSL ES 3.00 §4.3.8.3): the checker says which storage may have one
      this.next();
      return { kind: 'VarDeclaration', qualifiers: quals, type: { kind: 'TypeSpecifier', name: '', loc: quals.loc }, declarators: [], loc: this.loc(start), layoutDefaults: true };
    }
    const type = this.typeSpecifier(quals);
    if (this.isPunct(';')) {
      this.next();
      return { kind: 'VarDeclaration', qualifiers: quals, type, declarators: [], loc: this.loc(start) };
    }
    const nameTok = this.expectIdent();
    if (this.isPunct('(')) {
      return this.functionDeclaration(quals, type, nameTok, start);
    }
    const decl = this.declaratorList(quals, type, nameTok, start);
    this.expectPunct(';');
    return decl;
  }

  /**
   * GLSL ES 3.00 §4.3.7: `uniform Name { [layout(...)] [precision] type a[, b]; ... } [inst[[N]]];`
   * — the members as a struct named after the block, the instance as the declarator.
   */
  private uniformBlock(quals: A.Qualifiers, start: Token): A.VarDeclaration {
    const nameTok = this.next();
    this.expectPunct('{');
    const members: A.StructMember[] = [];
    while (!this.isPunct('}')) {
      const ms = this.peek();
      const mq = this.qualifiers();
      // a member may repeat `uniform` (§4.3.7); no other storage, interpolation or invariance
      if ((mq.storage !== 'none' && mq.storage !== 'uniform') || mq.invariant || mq.centroid || mq.interpolation) this.fail('only layout and precision qualifiers are allowed on uniform block members', ms);
      const type = this.typeSpecifier(mq);
      const decls: A.StructMember['declarators'] = [];
      for (;;) {
        const id = this.expectIdent();
        const d: A.StructMember['declarators'][number] = { name: id.text, loc: this.loc(id) };
        if (this.isPunct('[')) {
          this.next();
          if (this.isPunct(']')) d.arraySize = null;
          else d.arraySize = this.conditional();
          this.expectPunct(']');
        }
        decls.push(d);
        if (this.isPunct(',')) { this.next(); continue; }
        break;
      }
      this.expectPunct(';');
      const m: A.StructMember = { type, declarators: decls, loc: this.loc(ms) };
      if (mq.layout) m.layout = mq.layout;
      members.push(m);
    }
    this.expectPunct('}');
    const declarators: A.Declarator[] = [];
    if (this.peek().kind === 'ident') {
      const inst = this.next();
      const d: A.Declarator = { name: inst.text, loc: this.loc(inst) };
      if (this.isPunct('[')) {
        this.next();
        if (this.isPunct(']')) d.arraySize = null;
        else d.arraySize = this.conditional();
        this.expectPunct(']');
      }
      declarators.push(d);
    }
    this.expectPunct(';');
    const loc = this.loc(nameTok);
    const struct: A.StructSpecifier = { kind: 'StructSpecifier', name: nameTok.text, members, loc };
    return {
      kind: 'VarDeclaration', qualifiers: quals, type: { kind: 'TypeSpecifier', name: nameTok.text, struct, loc }, declarators,
      loc: this.loc(start), block: { name: nameTok.text, loc },
    };
  }

  private precisionDeclaration(): A.PrecisionDeclaration {
    const start = this.next();
    const pt = this.peek();
    if (!(pt.kind === 'keyword' && PRECISIONS.has(pt.text))) this.fail('expecting precision qualifier');
    this.next();
    const tt = this.peek();
    if (tt.kind !== 'typename') this.fail('expecting type');
    this.next();
    const type: A.TypeSpecifier = { kind: 'TypeSpecifier', name: tt.text, loc: this.loc(tt) };
    this.expectPunct(';');
    return { kind: 'PrecisionDeclaration', precision: pt.text as PrecisionQualifier, type, loc: this.loc(start) };
  }

  private invariantDeclaration(): A.InvariantDeclaration {
    const start = this.next();
    const names: A.InvariantDeclaration['names'] = [];
    for (;;) {
      const id = this.expectIdent();
      names.push({ name: id.text, loc: this.loc(id) });
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      break;
    }
    this.expectPunct(';');
    return { kind: 'InvariantDeclaration', names, loc: this.loc(start) };
  }

  private qualifiers(): A.Qualifiers {
    const start = this.peek();
    const q: A.Qualifiers = { storage: 'none', invariant: false, centroid: false, loc: this.loc(start) };
    let sawStorage = false;
    let sawPrecision = false;
    while (this.isQualifierStart()) {
      const t = this.next();
      if (t.text === 'layout') {
        // layout_qualifier: layout ( id [= int], ... )   (GLSL ES 3.00 §4.3.8)
        if (sawStorage || sawPrecision) this.fail("'layout' must precede the storage qualifier", t);
        this.expectPunct('(');
        const ids: A.LayoutId[] = q.layout ?? [];
        for (;;) {
          const id = this.peek();
          if (id.kind !== 'ident' && id.kind !== 'keyword' && id.kind !== 'typename') this.fail('expecting layout qualifier id');
          this.next();
          const entry: A.LayoutId = { name: id.text, loc: this.loc(id) };
          if (this.isPunct('=')) {
            this.next();
            const v = this.peek();
            if (v.kind !== 'int' && v.kind !== 'uint') this.fail('expecting an integer constant');
            this.next();
            entry.value = v.value ?? 0;
          }
          ids.push(entry);
          if (this.isPunct(',')) { this.next(); continue; }
          break;
        }
        this.expectPunct(')');
        q.layout = ids;
        continue;
      }
      if (INTERPOLATION.has(t.text) && this.version === 300) {
        if (q.interpolation) this.fail('multiple interpolation qualifiers', t);
        if (sawStorage || sawPrecision || q.centroid) this.fail('interpolation qualifiers must precede the storage qualifier', t);
        q.interpolation = t.text as 'flat' | 'smooth';
        continue;
      }
      if (t.text === 'invariant') {
        if (q.invariant) this.fail('duplicate invariant qualifier', t);
        if (sawStorage || sawPrecision || q.centroid) this.fail("'invariant' must come first", t);
        q.invariant = true;
      } else if (t.text === 'centroid') {
        if (q.centroid || sawStorage) this.fail("'centroid' must precede the storage qualifier", t);
        q.centroid = true;
      } else if (this.storageWords.has(t.text)) {
        if (sawStorage) this.fail('multiple storage qualifiers', t);
        if (sawPrecision) this.fail('storage qualifier must precede precision qualifier', t);
        sawStorage = true;
        q.storage = t.text as A.Qualifiers['storage'];
      } else {
        if (sawPrecision) this.fail('multiple precision qualifiers', t);
        sawPrecision = true;
        q.precision = t.text as PrecisionQualifier;
      }
    }
    return q;
  }

  /** type_specifier (with optional leading precision, already possibly in quals). */
  private typeSpecifier(quals?: A.Qualifiers): A.TypeSpecifier {
    let precision = quals?.precision;
    const pt = this.peek();
    if (pt.kind === 'keyword' && PRECISIONS.has(pt.text)) {
      if (precision) this.fail('multiple precision qualifiers');
      precision = pt.text as PrecisionQualifier;
      this.next();
    }
    const t = this.peek();
    let spec: A.TypeSpecifier;
    if (t.kind === 'keyword' && t.text === 'struct') {
      const s = this.structSpecifier();
      spec = { kind: 'TypeSpecifier', name: s.name ?? '', struct: s, loc: this.loc(t) };
    } else if (t.kind === 'typename' || (t.kind === 'ident' && this.isStructName(t.text))) {
      this.next();
      spec = { kind: 'TypeSpecifier', name: t.text, loc: this.loc(t) };
    } else {
      this.fail('expecting type');
    }
    if (precision) spec.precision = precision;
    if (this.isPunct('[')) {
      this.next();
      if (this.isPunct(']')) spec.arraySize = null;
      else spec.arraySize = this.conditional();
      this.expectPunct(']');
    }
    return spec;
  }

  private structSpecifier(): A.StructSpecifier {
    const start = this.next(); // 'struct'
    let name: string | undefined;
    if (this.peek().kind === 'ident') {
      name = this.next().text;
    } else if (this.peek().kind === 'typename') {
      this.fail('expecting struct name');
    }
    this.expectPunct('{');
    const members: A.StructMember[] = [];
    while (!this.isPunct('}')) {
      const ms = this.peek();
      if (this.isKeyword('struct') && this.version === 100) {
        // Embedded struct definitions are not allowed in ES 1.00 (checked semantically too).
      }
      if (this.isQualifierStart() && !PRECISIONS.has(ms.text)) this.fail('qualifiers are not allowed on struct members');
      const type = this.typeSpecifier();
      const decls: A.StructMember['declarators'] = [];
      for (;;) {
        const id = this.expectIdent();
        const d: A.StructMember['declarators'][number] = { name: id.text, loc: this.loc(id) };
        if (this.isPunct('[')) {
          this.next();
          if (this.isPunct(']')) d.arraySize = null;
          else d.arraySize = this.conditional();
          this.expectPunct(']');
        }
        decls.push(d);
        if (this.isPunct(',')) {
          this.next();
          continue;
        }
        break;
      }
      this.expectPunct(';');
      members.push({ type, declarators: decls, loc: this.loc(ms) });
    }
    this.expectPunct('}');
    if (name) this.structScopes[this.structScopes.length - 1]!.add(name);
    const s: A.StructSpecifier = { kind: 'StructSpecifier', members, loc: this.loc(start) };
    if (name) s.name = name;
    return s;
  }

  private declaratorList(quals: A.Qualifiers, type: A.TypeSpecifier, first: Token, start: Token): A.VarDeclaration {
    const declarators: A.Declarator[] = [];
    let nameTok = first;
    for (;;) {
      const d: A.Declarator = { name: nameTok.text, loc: this.loc(nameTok) };
      if (this.isPunct('[')) {
        this.next();
        if (this.isPunct(']')) d.arraySize = null;
        else d.arraySize = this.conditional();
        this.expectPunct(']');
      }
      if (this.isPunct('=')) {
        this.next();
        d.init = this.assignment();
      }
      declarators.push(d);
      if (this.isPunct(',')) {
        this.next();
        nameTok = this.expectIdent();
        continue;
      }
      break;
    }
    return { kind: 'VarDeclaration', qualifiers: quals, type, declarators, loc: this.loc(start) };
  }

  private functionDeclaration(quals: A.Qualifiers, type: A.TypeSpecifier, nameTok: Token, start: Token): A.FunctionDeclaration {
    this.expectPunct('(');
    const params: A.ParamDecl[] = [];
    if (this.isPunct(')')) {
      this.next();
    } else if (this.peek().kind === 'typename' && this.peek().text === 'void' && this.isPunct(')', 1)) {
      this.next();
      this.next();
    } else {
      for (;;) {
        params.push(this.parameter());
        if (this.isPunct(',')) {
          this.next();
          continue;
        }
        this.expectPunct(')');
        break;
      }
    }
    if (quals.storage !== 'none' && quals.storage !== 'const') {
      this.diags.error(DiagCode.BAD_QUALIFIER, quals.loc, `'${quals.storage}' qualifier on function return type`);
    } else if (quals.storage === 'const' || quals.invariant) {
      this.diags.error(DiagCode.BAD_QUALIFIER, quals.loc, 'qualifiers are not allowed on function return types');
    }
    const fd: A.FunctionDeclaration = { kind: 'FunctionDeclaration', returnType: type, name: nameTok.text, params, loc: this.loc(nameTok) };
    void start;
    if (this.isPunct(';')) {
      this.next();
      return fd;
    }
    if (!this.isPunct('{')) this.fail("expecting '{' or ';'");
    fd.body = this.block(true);
    return fd;
  }

  private parameter(): A.ParamDecl {
    const start = this.peek();
    let isConst = false;
    let qualifier: A.ParamQualifier = 'in';
    let sawDir = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'keyword' && t.text === 'const') {
        if (isConst || sawDir) this.fail('', t);
        isConst = true;
        this.next();
      } else if (t.kind === 'keyword' && (t.text === 'in' || t.text === 'out' || t.text === 'inout')) {
        if (sawDir) this.fail('', t);
        sawDir = true;
        qualifier = t.text as A.ParamQualifier;
        this.next();
      } else break;
    }
    if (isConst && qualifier !== 'in') {
      this.diags.error(DiagCode.BAD_QUALIFIER, this.loc(start), `'const' cannot be combined with '${qualifier}'`);
    }
    const type = this.typeSpecifier();
    const pd: A.ParamDecl = { qualifier, isConst, type, loc: this.loc(start) };
    if (this.peek().kind === 'ident') {
      const id = this.next();
      pd.name = id.text;
      pd.loc = this.loc(id);
      if (this.isPunct('[')) {
        this.next();
        if (this.isPunct(']')) this.fail('array parameter requires a size');
        pd.arraySize = this.conditional();
        this.expectPunct(']');
      }
    }
    return pd;
  }

  // -------------------------------------------------------------------------- statements
  private block(isFunctionBody = false): A.BlockStatement {
    const start = this.expectPunct('{');
    if (!isFunctionBody) this.pushScope();
    else this.pushScope();
    const body: A.Statement[] = [];
    this.enter();
    while (!this.isPunct('}')) {
      if (this.peek().kind === 'eof') this.fail("expecting '}'");
      body.push(this.statement());
    }
    this.leave();
    this.next();
    this.popScope();
    return { kind: 'Block', body, loc: this.loc(start) };
  }

  /** A statement used as the body of if/for/while: introduces its own scope for structs. */
  private subStatement(): A.Statement {
    this.pushScope();
    try {
      return this.statement();
    } finally {
      this.popScope();
    }
  }

  private statement(): A.Statement {
    const t = this.peek();
    if (t.kind === 'punct') {
      if (t.text === '{') return this.block();
      if (t.text === ';') {
        this.next();
        return { kind: 'Empty', loc: this.loc(t) };
      }
    }
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'if': {
          this.next();
          this.expectPunct('(');
          const condition = this.expression();
          this.expectPunct(')');
          this.enter();
          const then = this.subStatement();
          let els: A.Statement | undefined;
          if (this.isKeyword('else')) {
            this.next();
            els = this.subStatement();
          }
          this.leave();
          const s: A.IfStatement = { kind: 'If', condition, then, loc: this.loc(t) };
          if (els) s.else = els;
          return s;
        }
        case 'while': {
          this.next();
          this.expectPunct('(');
          this.pushScope();
          const { condition, conditionDecl } = this.condition();
          this.expectPunct(')');
          this.enter();
          const body = this.subStatement();
          this.leave();
          this.popScope();
          const s: A.WhileStatement = { kind: 'While', condition, body, loc: this.loc(t) };
          if (conditionDecl) s.conditionDecl = conditionDecl;
          return s;
        }
        case 'do': {
          this.next();
          this.enter();
          const body = this.subStatement();
          this.leave();
          if (!this.isKeyword('while')) this.fail("expecting 'while'");
          this.next();
          this.expectPunct('(');
          const condition = this.expression();
          this.expectPunct(')');
          this.expectPunct(';');
          return { kind: 'DoWhile', body, condition, loc: this.loc(t) };
        }
        case 'for': {
          this.next();
          this.expectPunct('(');
          this.pushScope();
          let init: A.Statement | undefined;
          const initTok = this.peek();
          if (this.isPunct(';')) {
            this.next();
          } else if (this.startsDeclaration()) {
            const d = this.localDeclaration();
            init = { kind: 'Declaration', declaration: d, loc: this.loc(initTok) };
          } else {
            const e = this.expression();
            this.expectPunct(';');
            init = { kind: 'ExpressionStatement', expression: e, loc: this.loc(initTok) };
          }
          let cond: { condition: A.Expr; conditionDecl?: A.VarDeclaration } | undefined;
          if (!this.isPunct(';')) cond = this.condition();
          this.expectPunct(';');
          let update: A.Expr | undefined;
          if (!this.isPunct(')')) update = this.expression();
          this.expectPunct(')');
          this.enter();
          const body = this.subStatement();
          this.leave();
          this.popScope();
          const s: A.ForStatement = { kind: 'For', body, loc: this.loc(t) };
          if (init) s.init = init;
          if (cond) {
            s.condition = cond.condition;
            if (cond.conditionDecl) s.conditionDecl = cond.conditionDecl;
          }
          if (update) s.update = update;
          return s;
        }
        case 'switch': {
          // GLSL ES 3.00 §6.2: switch ( init-expression ) { case/default labels and statements }
          this.next();
          this.expectPunct('(');
          const selector = this.expression();
          this.expectPunct(')');
          this.expectPunct('{');
          this.pushScope();
          this.enter();
          const body: A.Statement[] = [];
          while (!this.isPunct('}')) {
            if (this.peek().kind === 'eof') this.fail("expecting '}'");
            body.push(this.statement());
          }
          this.leave();
          this.next();
          this.popScope();
          return { kind: 'Switch', selector, body, loc: this.loc(t) };
        }
        case 'case': {
          this.next();
          const value = this.expression();
          this.expectPunct(':');
          return { kind: 'Case', value, loc: this.loc(t) };
        }
        case 'default':
          this.next();
          this.expectPunct(':');
          return { kind: 'Case', loc: this.loc(t) };
        case 'break':
          this.next();
          this.expectPunct(';');
          return { kind: 'Break', loc: this.loc(t) };
        case 'continue':
          this.next();
          this.expectPunct(';');
          return { kind: 'Continue', loc: this.loc(t) };
        case 'discard':
          this.next();
          this.expectPunct(';');
          return { kind: 'Discard', loc: this.loc(t) };
        case 'return': {
          this.next();
          if (this.isPunct(';')) {
            this.next();
            return { kind: 'Return', loc: this.loc(t) };
          }
          const value = this.expression();
          this.expectPunct(';');
          return { kind: 'Return', value, loc: this.loc(t) };
        }
        case 'precision': {
          const d = this.precisionDeclaration();
          return { kind: 'Declaration', declaration: d, loc: this.loc(t) };
        }
        case 'invariant':
          if (this.peek(1).kind === 'ident' && !this.isStructName(this.peek(1).text)) {
            const d = this.invariantDeclaration();
            return { kind: 'Declaration', declaration: d, loc: this.loc(t) };
          }
          break;
        default:
          break;
      }
    }
    if (this.startsDeclaration()) {
      const d = this.localDeclaration();
      return { kind: 'Declaration', declaration: d, loc: this.loc(t) };
    }
    const expression = this.expression();
    this.expectPunct(';');
    return { kind: 'ExpressionStatement', expression, loc: this.loc(t) };
  }

  /** Declaration statement inside a function (consumes the ';'). */
  private localDeclaration(): A.VarDeclaration {
    const start = this.peek();
    const quals = this.qualifiers();
    const type = this.typeSpecifier(quals);
    if (this.isPunct(';')) {
      this.next();
      return { kind: 'VarDeclaration', qualifiers: quals, type, declarators: [], loc: this.loc(start) };
    }
    const nameTok = this.expectIdent();
    if (this.isPunct('(')) this.fail('function definitions are not allowed inside functions');
    const d = this.declaratorList(quals, type, nameTok, start);
    this.expectPunct(';');
    return d;
  }

  /** condition: expression | fully_specified_type IDENT = initializer */
  private condition(): { condition: A.Expr; conditionDecl?: A.VarDeclaration } {
    if (this.startsDeclaration()) {
      const start = this.peek();
      const quals = this.qualifiers();
      const type = this.typeSpecifier(quals);
      const id = this.expectIdent();
      this.expectPunct('=');
      const init = this.assignment();
      const decl: A.VarDeclaration = {
        kind: 'VarDeclaration',
        qualifiers: quals,
        type,
        declarators: [{ name: id.text, loc: this.loc(id), init }],
        loc: this.loc(start),
      };
      const ident: A.Identifier = { kind: 'Identifier', name: id.text, loc: this.loc(id) };
      return { condition: ident, conditionDecl: decl };
    }
    return { condition: this.expression() };
  }

  // -------------------------------------------------------------------------- expressions
  expression(): A.Expr {
    const first = this.assignment();
    if (!this.isPunct(',')) return first;
    const exprs = [first];
    while (this.isPunct(',')) {
      this.next();
      exprs.push(this.assignment());
    }
    return { kind: 'Sequence', expressions: exprs, loc: first.loc };
  }

  private assignment(): A.Expr {
    this.enter();
    try {
      const lhs = this.conditional();
      const t = this.peek();
      if (t.kind === 'punct' && ASSIGN_OPS.has(t.text)) {
        this.next();
        const value = this.assignment();
        return { kind: 'Assign', op: t.text as A.AssignOp, target: lhs, value, loc: this.loc(t) };
      }
      return lhs;
    } finally {
      this.leave();
    }
  }

  private conditional(): A.Expr {
    const cond = this.binary(1);
    if (!this.isPunct('?')) return cond;
    const q = this.next();
    const then = this.expression();
    this.expectPunct(':');
    const els = this.assignment();
    return { kind: 'Ternary', condition: cond, then, else: els, loc: this.loc(q) };
  }

  private binary(minPrec: number): A.Expr {
    let lhs = this.unary();
    let count = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct') break;
      const prec = BIN_PREC[t.text];
      if (prec === undefined || prec < minPrec) break;
      if (++count > 1000) {
        this.diags.error(DiagCode.TOO_COMPLEX, this.loc(t), 'expression too complex (more than 1000 operators in a chain)');
        throw new SyntaxError_();
      }
      this.next();
      const rhs = this.binary(prec + 1);
      lhs = { kind: 'Binary', op: t.text as A.BinaryOp, left: lhs, right: rhs, loc: this.loc(t) };
    }
    return lhs;
  }

  private unary(): A.Expr {
    const t = this.peek();
    if (t.kind === 'punct') {
      if (t.text === '++' || t.text === '--') {
        this.next();
        this.enter();
        const operand = this.unary();
        this.leave();
        return { kind: 'Update', op: t.text, prefix: true, operand, loc: this.loc(t) };
      }
      if (t.text === '+' || t.text === '-' || t.text === '!' || t.text === '~') {
        this.next();
        this.enter();
        const operand = this.unary();
        this.leave();
        return { kind: 'Unary', op: t.text, operand, loc: this.loc(t) };
      }
    }
    return this.postfix();
  }

  private postfix(): A.Expr {
    let e = this.primary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct') break;
      if (t.text === '[') {
        this.next();
        const index = this.expression();
        this.expectPunct(']');
        e = { kind: 'Index', base: e, index, loc: this.loc(t) };
      } else if (t.text === '.') {
        this.next();
        const f = this.peek();
        if (f.kind !== 'ident' && f.kind !== 'typename' && f.kind !== 'keyword') this.fail('expecting field name');
        this.next();
        if (f.text === 'length' && this.isPunct('(')) {
          this.next();
          this.expectPunct(')');
          e = { kind: 'Length', base: e, loc: this.loc(f) };
        } else {
          if (f.kind !== 'ident') this.fail('expecting field name', f);
          e = { kind: 'Field', base: e, field: f.text, fieldLoc: this.loc(f), loc: this.loc(t) };
        }
      } else if (t.text === '++' || t.text === '--') {
        this.next();
        e = { kind: 'Update', op: t.text, prefix: false, operand: e, loc: this.loc(t) };
      } else break;
    }
    return e;
  }

  private callArgs(): A.Expr[] {
    this.expectPunct('(');
    const args: A.Expr[] = [];
    if (this.isPunct(')')) {
      this.next();
      return args;
    }
    if (this.peek().kind === 'typename' && this.peek().text === 'void' && this.isPunct(')', 1)) {
      this.next();
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.assignment());
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      this.expectPunct(')');
      return args;
    }
  }

  private primary(): A.Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'int':
      case 'uint':
      case 'float':
      case 'bool':
        this.next();
        return { kind: 'Literal', literalType: t.kind, value: t.value ?? 0, text: t.text, loc: this.loc(t) };
      case 'ident': {
        this.next();
        if (this.isPunct('(')) {
          const args = this.callArgs();
          const call: A.CallExpr = { kind: 'Call', callee: t.text, args, loc: this.loc(t) };
          if (this.isStructName(t.text)) call.constructorType = { kind: 'TypeSpecifier', name: t.text, loc: this.loc(t) };
          return call;
        }
        if (this.isStructName(t.text) && this.isPunct('[')) {
          return this.arrayConstructor(t);
        }
        return { kind: 'Identifier', name: t.text, loc: this.loc(t) };
      }
      case 'typename': {
        this.next();
        if (this.isPunct('[')) return this.arrayConstructor(t);
        if (!this.isPunct('(')) this.fail("expecting '(' after type name");
        const args = this.callArgs();
        return {
          kind: 'Call',
          callee: t.text,
          constructorType: { kind: 'TypeSpecifier', name: t.text, loc: this.loc(t) },
          args,
          loc: this.loc(t),
        };
      }
      case 'punct':
        if (t.text === '(') {
          this.next();
          this.enter();
          const e = this.expression();
          this.leave();
          this.expectPunct(')');
          return e;
        }
        break;
      default:
        break;
    }
    this.fail('expecting expression');
  }

  private arrayConstructor(t: Token): A.CallExpr {
    this.expectPunct('[');
    let size: A.Expr | null = null;
    if (!this.isPunct(']')) size = this.conditional();
    this.expectPunct(']');
    if (!this.isPunct('(')) this.fail("expecting '(' for array constructor");
    const args = this.callArgs();
    return {
      kind: 'Call',
      callee: t.text + '[]',
      constructorType: { kind: 'TypeSpecifier', name: t.text, arraySize: size, loc: this.loc(t) },
      args,
      loc: this.loc(t),
    };
  }
}
