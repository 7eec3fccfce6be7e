/**
 * The GLSL preprocessor (GLSL ES 1.00 §3.4 / GLSL 1.10, 1.20 §3.3).
 *
 * Input: source text. Output: a list of preprocessing tokens with their original
 * (post-`#line`) line/column, plus the recorded `#version`, `#extension`s and `#pragma`s.
 * Supports object- and function-like macros (with hide-set based recursion guard),
 * `#undef`, `#if/#ifdef/#ifndef/#elif/#else/#endif` with full integer constant expression
 * evaluation and `defined`, `#error`, `#pragma`, `#extension`, `#version`, `#line`,
 * `__LINE__`, `__FILE__`, `__VERSION__`, `GL_ES`, line continuation and comments.
 */
import { DiagCode, DiagnosticSink, type SourceLoc } from './diagnostics.js';
import { GLSL_VERSIONS, isEs, scanPPTokens, type GlslVersion, type PPToken } from './lexer.js';

export type ExtensionBehavior = 'require' | 'enable' | 'warn' | 'disable';

export interface ExtensionDirective {
  name: string;
  behavior: ExtensionBehavior;
  line: number;
}

export interface PragmaDirective {
  text: string;
  line: number;
}

export interface PreprocessOptions {
  /** Version used when the source has no `#version` directive (default 100). */
  defaultVersion?: GlslVersion;
  /** Extensions the implementation supports (each gets a `#define NAME 1`). */
  extensions?: readonly string[];
  /** Shader stage (GL_FRAGMENT_PRECISION_HIGH is defined for ES fragment shaders). */
  stage?: 'vertex' | 'fragment';
  /** The `#version`s the API accepts (default all the front end implements; WebGL 1: 100 only). */
  versions?: readonly GlslVersion[];
  /** The longest token the API accepts (WebGL's "Maximum GLSL Token Size": 256 in WebGL 1.0, 1024 in WebGL 2.0); none: no limit. */
  maxTokenLength?: number;
  /**
   * GLSL ES 3.00 §3.3 read strictly, as WebGL 2 does (ANGLE; the 2.0.0 CTS
   * glsl3/misplaced-version-directive): `#version 300 es` on the shader's first line, not after a
   * comment or an empty line. Mesa accepts comments first (piglit's tests open with one).
   */
  versionOnFirstLine?: boolean;
}

export interface PreprocessResult {
  tokens: PPToken[];
  version: GlslVersion;
  /** True if the source contained a `#version` directive. */
  explicitVersion: boolean;
  extensions: ExtensionDirective[];
  /** Extension name -> final behavior (after all directives). */
  extensionState: Map<string, ExtensionBehavior>;
  pragmas: PragmaDirective[];
}

interface Macro {
  name: string;
  params?: string[];
  body: PPToken[];
  builtin?: boolean;
}

interface CondFrame {
  /** Whether the enclosing context is active. */
  parentActive: boolean;
  /** Whether any branch of this group has been taken. */
  taken: boolean;
  /** Whether the current branch is active. */
  active: boolean;
  sawElse: boolean;
  loc: SourceLoc;
}

const BUILTIN_DYNAMIC = new Set(['__LINE__', '__FILE__', '__VERSION__']);

function tokLoc(t: PPToken): SourceLoc {
  return { line: t.line, column: t.column, source: t.source };
}

function sameBody(a: Macro, b: Macro): boolean {
  if ((a.params === undefined) !== (b.params === undefined)) return false;
  if (a.params && b.params && a.params.join(',') !== b.params.join(',')) return false;
  if (a.body.length !== b.body.length) return false;
  for (let i = 0; i < a.body.length; i++) {
    if (a.body[i]!.text !== b.body[i]!.text) return false;
    if (i > 0 && a.body[i]!.space !== b.body[i]!.space) return false;
  }
  return true;
}

export function preprocess(source: string, diags: DiagnosticSink, opts: PreprocessOptions = {}): PreprocessResult {
  const raw = scanPPTokens(source, diags);
  if (opts.maxTokenLength !== undefined) {
    for (const t of raw) {
      if (t.kind === 'ident' && t.text.length > opts.maxTokenLength) {
        diags.error(DiagCode.PP_TOKEN_TOO_LONG, tokLoc(t), `'${t.text.slice(0, 16)}...' is ${t.text.length} characters long: tokens are limited to ${opts.maxTokenLength}`);
      }
    }
  }
  // Split into lines.
  const lines: PPToken[][] = [];
  let cur: PPToken[] = [];
  for (const t of raw) {
    if (t.kind === 'newline') {
      lines.push(cur);
      cur = [];
    } else cur.push(t);
  }
  lines.push(cur);

  let version: GlslVersion = opts.defaultVersion ?? 100;
  let explicitVersion = false;
  const supported = new Set(opts.extensions ?? []);
  const macros = new Map<string, Macro>();
  const defineBuiltin = (name: string, value: string): void => {
    macros.set(name, {
      name,
      builtin: true,
      body: [{ kind: 'number', text: value, line: 0, column: 0, source: 0, space: false }],
    });
  };
  const extensions: ExtensionDirective[] = [];
  const extensionState = new Map<string, ExtensionBehavior>();
  const pragmas: PragmaDirective[] = [];
  const out: PPToken[] = [];
  const conds: CondFrame[] = [];
  let lineDelta = 0; // logical line = physical line + lineDelta
  let sourceNum = 0;
  let seenNonVersion = false; // any token or directive before #version
  let pending: PPToken[] = [];

  const setupVersionMacros = (): void => {
    defineBuiltin('__VERSION__', String(version));
    if (isEs(version)) defineBuiltin('GL_ES', '1');
    else macros.delete('GL_ES');
    if (isEs(version) && opts.stage === 'fragment') defineBuiltin('GL_FRAGMENT_PRECISION_HIGH', '1');
    else macros.delete('GL_FRAGMENT_PRECISION_HIGH');
    for (const e of supported) defineBuiltin(e, '1');
  };
  setupVersionMacros();

  const active = (): boolean => conds.length === 0 || conds[conds.length - 1]!.active;

  // ---------------- macro expansion (Prosser-style hide sets, stack based) ------------
  const expand = (input: PPToken[], inIf: boolean): PPToken[] => {
    const stack = input.slice().reverse();
    const res: PPToken[] = [];
    let guard = 0;
    while (stack.length) {
      if (++guard > 200000) {
        diags.error(DiagCode.PP_MACRO_ARGS, tokLoc(stack[stack.length - 1]!), 'macro expansion too deep');
        break;
      }
      const t = stack.pop()!;
      if (t.kind !== 'ident') {
        res.push(t);
        continue;
      }
      if (inIf && t.text === 'defined') {
        // Already handled by the #if evaluator: copy through unchanged together with its operand.
        res.push(t);
        const a = stack.pop();
        if (a) {
          res.push(a);
          if (a.text === '(') {
            const b = stack.pop();
            const c = stack.pop();
            if (b) res.push(b);
            if (c) res.push(c);
          }
        }
        continue;
      }
      if (t.text === '__LINE__') {
        res.push({ ...t, kind: 'number', text: String(t.line) });
        continue;
      }
      if (t.text === '__FILE__') {
        res.push({ ...t, kind: 'number', text: String(t.source) });
        continue;
      }
      const m = macros.get(t.text);
      if (!m || (t.hide && t.hide.has(t.text))) {
        res.push(t);
        continue;
      }
      const hide = new Set(t.hide ?? []);
      hide.add(m.name);
      if (!m.params) {
        const marks = new Set<PPToken>();
        let body = m.body.map((b, i) => {
          const nt: PPToken = { ...b, line: t.line, column: t.column, source: t.source, space: i === 0 ? t.space : b.space, hide: mergeHide(b.hide, hide) };
          if (b.kind === 'punct' && b.text === '##') marks.add(nt);
          return nt;
        });
        if (marks.size) body = paste(body, marks, t);
        for (let i = body.length - 1; i >= 0; i--) stack.push(body[i]!);
        continue;
      }
      // Function-like: need '(' next.
      const next = stack[stack.length - 1];
      if (!next || next.text !== '(') {
        res.push(t);
        continue;
      }
      stack.pop();
      const args: PPToken[][] = [[]];
      let depth = 0;
      let closed = false;
      while (stack.length) {
        const a = stack.pop()!;
        if (a.text === '(' && a.kind === 'punct') depth++;
        else if (a.text === ')' && a.kind === 'punct') {
          if (depth === 0) {
            closed = true;
            break;
          }
          depth--;
        } else if (a.text === ',' && a.kind === 'punct' && depth === 0) {
          args.push([]);
          continue;
        }
        args[args.length - 1]!.push(a);
      }
      if (!closed) {
        diags.error(DiagCode.PP_MACRO_ARGS, tokLoc(t), `unterminated invocation of macro '${m.name}'`);
        break;
      }
      const argc = args.length === 1 && args[0]!.length === 0 ? 0 : args.length;
      if (argc !== m.params.length && !(m.params.length === 1 && argc === 0)) {
        diags.error(DiagCode.PP_MACRO_ARGS, tokLoc(t), `macro '${m.name}' expects ${m.params.length} argument(s), got ${argc}`);
        continue;
      }
      const expandedArgs = args.map((a) => expand(a, false));
      let body: PPToken[] = [];
      const marks = new Set<PPToken>();
      const isPaste = (x: PPToken | undefined): boolean => !!x && x.kind === 'punct' && x.text === '##';
      for (let i = 0; i < m.body.length; i++) {
        const b = m.body[i]!;
        const pi = b.kind === 'ident' ? m.params.indexOf(b.text) : -1;
        if (isPaste(b)) {
          const nt: PPToken = { ...b, line: t.line, column: t.column, source: t.source };
          marks.add(nt);
          body.push(nt);
        } else if (pi >= 0) {
          // Operands of ## use the unexpanded argument.
          const raw = isPaste(m.body[i - 1]) || isPaste(m.body[i + 1]);
          const arg = (raw ? args[pi] : expandedArgs[pi]) ?? [];
          arg.forEach((a, k) =>
            body.push({ ...a, line: t.line, column: t.column, source: t.source, space: k === 0 ? b.space : a.space }),
          );
        } else {
          body.push({ ...b, line: t.line, column: t.column, source: t.source, hide: mergeHide(b.hide, hide) });
        }
      }
      if (marks.size) body = paste(body, marks, t);
      if (body.length) body[0] = { ...body[0]!, space: t.space };
      for (let i = body.length - 1; i >= 0; i--) stack.push(body[i]!);
    }
    return res;
  };

  /** Apply the ## token-pasting operator at the marked positions. */
  const paste = (toks: PPToken[], marks: Set<PPToken>, at: PPToken): PPToken[] => {
    const res: PPToken[] = [];
    for (let i = 0; i < toks.length; i++) {
      const x = toks[i]!;
      if (!marks.has(x)) {
        res.push(x);
        continue;
      }
      const left = res.pop();
      const right = toks[i + 1];
      i++;
      const text = (left?.text ?? '') + (right?.text ?? '');
      if (!text) continue;
      const scanned = scanPPTokens(text, new DiagnosticSink());
      if (scanned.length !== 1) {
        diags.error(DiagCode.PP_MACRO_ARGS, tokLoc(at), `pasting "${left?.text ?? ''}" and "${right?.text ?? ''}" does not give a valid preprocessing token`);
        if (left) res.push(left);
        if (right) res.push(right);
        continue;
      }
      res.push({ ...(left ?? right ?? at), kind: scanned[0]!.kind, text });
    }
    return res;
  };

  const flush = (): void => {
    if (pending.length) {
      for (const t of expand(pending, false)) out.push(t);
      pending = [];
    }
  };

  // ---------------- #if expression evaluation --------------------------------------
  const evalIf = (toks: PPToken[], loc: SourceLoc): number => {
    // Resolve `defined` before expansion.
    const pre: PPToken[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.kind === 'ident' && t.text === 'defined') {
        let name: PPToken | undefined;
        if (toks[i + 1]?.text === '(') {
          name = toks[i + 2];
          if (toks[i + 3]?.text !== ')') {
            diags.error(DiagCode.PP_BAD_EXPRESSION, tokLoc(t), "missing ')' after 'defined'");
            return 0;
          }
          i += 3;
        } else {
          name = toks[i + 1];
          i += 1;
        }
        if (!name || name.kind !== 'ident') {
          diags.error(DiagCode.PP_BAD_EXPRESSION, tokLoc(t), "'defined' requires an identifier");
          return 0;
        }
        const def = macros.has(name.text) || BUILTIN_DYNAMIC.has(name.text);
        pre.push({ ...t, kind: 'number', text: def ? '1' : '0' });
      } else pre.push(t);
    }
    const ex = expand(pre, true);
    let p = 0;
    let failed = false;
    const fail = (msg: string, at?: PPToken, code: string = DiagCode.PP_BAD_EXPRESSION): number => {
      if (!failed) diags.error(code, at ? tokLoc(at) : loc, msg);
      failed = true;
      return 0;
    };
    const peek = (): PPToken | undefined => ex[p];
    const BIN: Record<string, number> = {
      '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
      '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
    };
    const primary = (): number => {
      const t = ex[p++];
      if (!t) return fail('unexpected end of #if expression');
      if (t.kind === 'punct' && (t.text === '+' || t.text === '-' || t.text === '~' || t.text === '!')) {
        const v = primary();
        return t.text === '+' ? v : t.text === '-' ? -v | 0 : t.text === '~' ? ~v : v ? 0 : 1;
      }
      if (t.kind === 'punct' && t.text === '(') {
        const v = binary(0);
        if (peek()?.text !== ')') return fail("expected ')' in #if expression", peek());
        p++;
        return v;
      }
      if (t.kind === 'number') {
        let v: number;
        if (/^0[xX][0-9a-fA-F]+$/.test(t.text)) v = parseInt(t.text.slice(2), 16);
        else if (/^0[0-7]*$/.test(t.text)) v = parseInt(t.text, 8) || 0;
        else if (/^[1-9][0-9]*$/.test(t.text)) v = parseInt(t.text, 10);
        else return fail(`invalid integer '${t.text}' in #if expression`, t);
        return v | 0;
      }
      if (t.kind === 'ident') {
        if (isEs(version)) return fail(`undefined macro '${t.text}' in #if expression`, t, DiagCode.PP_UNDEFINED_IN_IF);
        return 0;
      }
      return fail(`unexpected '${t.text}' in #if expression`, t);
    };
    const binary = (minPrec: number): number => {
      let lhs = primary();
      for (;;) {
        const op = peek();
        if (!op || op.kind !== 'punct' || !(op.text in BIN)) break;
        const prec = BIN[op.text]!;
        if (prec < minPrec) break;
        p++;
        // Short-circuit still parses the RHS.
        const rhs = binary(prec + 1);
        switch (op.text) {
          case '||': lhs = lhs || rhs ? 1 : 0; break;
          case '&&': lhs = lhs && rhs ? 1 : 0; break;
          case '|': lhs = lhs | rhs; break;
          case '^': lhs = lhs ^ rhs; break;
          case '&': lhs = lhs & rhs; break;
          case '==': lhs = lhs === rhs ? 1 : 0; break;
          case '!=': lhs = lhs !== rhs ? 1 : 0; break;
          case '<': lhs = lhs < rhs ? 1 : 0; break;
          case '>': lhs = lhs > rhs ? 1 : 0; break;
          case '<=': lhs = lhs <= rhs ? 1 : 0; break;
          case '>=': lhs = lhs >= rhs ? 1 : 0; break;
          case '<<': lhs = lhs << rhs; break;
          case '>>': lhs = lhs >> rhs; break;
          case '+': lhs = (lhs + rhs) | 0; break;
          case '-': lhs = (lhs - rhs) | 0; break;
          case '*': lhs = Math.imul(lhs, rhs); break;
          case '/':
          case '%':
            if (rhs === 0) {
              fail('division by zero in #if expression', op, DiagCode.PP_DIV_ZERO);
              lhs = 0;
            } else lhs = op.text === '/' ? (lhs / rhs) | 0 : lhs % rhs | 0;
            break;
        }
      }
      return lhs;
    };
    if (ex.length === 0) return fail('#if with no expression');
    let v: number;
    try {
      v = binary(0);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      return fail('#if expression too complex');
    }
    if (!failed && p < ex.length) fail(`unexpected '${ex[p]!.text}' in #if expression`, ex[p]);
    return failed ? 0 : v;
  };

  // ---------------- directive handling -----------------------------------------------
  for (let li = 0; li < lines.length; li++) {
    const toks = lines[li]!;
    // Apply #line remapping.
    for (const t of toks) {
      t.line += lineDelta;
      t.source = sourceNum;
    }
    if (toks.length === 0) continue;
    const first = toks[0]!;
    if (!(first.kind === 'punct' && first.text === '#')) {
      if (active()) {
        seenNonVersion = true;
        for (const t of toks) pending.push(t);
      }
      continue;
    }
    flush();
    const dir = toks[1];
    const rest = toks.slice(2);
    const loc = tokLoc(first);
    if (!dir) {
      continue; // null directive
    }
    const name = dir.text;
    // Conditionals are processed even when skipping.
    if (name === 'if' || name === 'ifdef' || name === 'ifndef') {
      const parentActive = active();
      let v = false;
      if (parentActive) {
        if (name === 'if') v = evalIf(rest, tokLoc(dir)) !== 0;
        else {
          const id = rest[0];
          if (!id || id.kind !== 'ident') {
            diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(dir), `#${name} requires a macro name`);
          } else {
            if (rest.length > 1) diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(rest[1]!), `extra tokens after #${name}`);
            const def = macros.has(id.text) || BUILTIN_DYNAMIC.has(id.text);
            v = name === 'ifdef' ? def : !def;
          }
        }
      }
      conds.push({ parentActive, taken: v, active: parentActive && v, sawElse: false, loc });
      seenNonVersion = true;
      continue;
    }
    if (name === 'elif' || name === 'else' || name === 'endif') {
      const top = conds[conds.length - 1];
      if (!top) {
        diags.error(DiagCode.PP_UNMATCHED_CONDITIONAL, loc, `#${name} without #if`);
        continue;
      }
      if (name === 'endif') {
        conds.pop();
        continue;
      }
      if (top.sawElse) {
        diags.error(DiagCode.PP_UNMATCHED_CONDITIONAL, loc, `#${name} after #else`);
        continue;
      }
      if (name === 'else') {
        top.sawElse = true;
        top.active = top.parentActive && !top.taken;
        top.taken = true;
      } else {
        if (top.parentActive && !top.taken) {
          const v = evalIf(rest, tokLoc(dir)) !== 0;
          top.active = v;
          top.taken = v;
        } else top.active = false;
      }
      continue;
    }
    if (!active()) continue;
    switch (name) {
      case 'version': {
        const num = rest[0];
        if (seenNonVersion || explicitVersion) {
          diags.error(DiagCode.PP_VERSION_NOT_FIRST, loc, '#version must occur before anything else in the program');
          break;
        }
        explicitVersion = true;
        if (!num || num.kind !== 'number') {
          diags.error(DiagCode.PP_VERSION_UNSUPPORTED, loc, '#version requires a version number');
          break;
        }
        const v = Number(num.text);
        const allowed = opts.versions ?? GLSL_VERSIONS;
        const names = allowed.map((x) => (x === 300 ? '300 es' : String(x))).join(', ');
        // GLSL ES 3.00 §3.3: `#version 300 es`; the profile word is required and names ES
        let extra = rest.slice(1);
        if (v === 300) {
          if (rest[1]?.text !== 'es') {
            diags.error(DiagCode.PP_VERSION_UNSUPPORTED, rest[1] ? tokLoc(rest[1]) : tokLoc(num), "#version 300 requires the profile 'es'");
            extra = [];
          } else extra = rest.slice(2);
        }
        if (v === 300 && opts.versionOnFirstLine && loc.line !== 1) {
          diags.error(DiagCode.PP_VERSION_NOT_FIRST, loc, '#version 300 es must be on the first line of the shader (GLSL ES 3.00 §3.3)');
        }
        if ((v === 100 || v === 110 || v === 120 || v === 300) && allowed.includes(v)) version = v;
        else diags.error(DiagCode.PP_VERSION_UNSUPPORTED, tokLoc(num), `version ${num.text}${v === 300 ? ' es' : ''} is not supported (supported: ${names})`);
        if (extra.length) {
          diags.error(DiagCode.PP_VERSION_UNSUPPORTED, tokLoc(extra[0]!), `unexpected '${extra[0]!.text}' after #version`);
        }
        setupVersionMacros();
        break;
      }
      case 'define': {
        seenNonVersion = true;
        const id = rest[0];
        if (!id || id.kind !== 'ident') {
          diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(dir), '#define requires a macro name');
          break;
        }
        if (!checkMacroName(id, 'define')) break;
        let params: string[] | undefined;
        let bodyStart = 1;
        if (rest[1] && rest[1].text === '(' && !rest[1].space) {
          params = [];
          let j = 2;
          let ok = false;
          if (rest[j]?.text === ')') {
            ok = true;
            j++;
          } else {
            while (j < rest.length) {
              const p = rest[j]!;
              if (p.kind !== 'ident') break;
              if (params.includes(p.text)) {
                diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(p), `duplicate macro parameter '${p.text}'`);
              }
              params.push(p.text);
              j++;
              if (rest[j]?.text === ',') {
                j++;
                continue;
              }
              if (rest[j]?.text === ')') {
                ok = true;
                j++;
              }
              break;
            }
          }
          if (!ok) {
            diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(id), `malformed parameter list for macro '${id.text}'`);
            break;
          }
          bodyStart = j;
        }
        const m: Macro = { name: id.text, body: rest.slice(bodyStart).map((t) => ({ ...t })), ...(params ? { params } : {}) };
        const first = m.body[0];
        const last = m.body[m.body.length - 1];
        if ((first && first.text === '##') || (last && last.text === '##')) {
          diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(first!.text === '##' ? first! : last!), "'##' cannot appear at either end of a macro body");
          break;
        }
        const hash = m.body.find((t) => t.kind === 'punct' && t.text === '#');
        if (hash) {
          diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(hash), "the '#' (stringification) operator is not supported in GLSL");
          break;
        }
        const old = macros.get(id.text);
        if (old && !sameBody(old, m)) {
          diags.error(DiagCode.PP_MACRO_REDEFINED, tokLoc(id), `macro '${id.text}' redefined`);
        }
        macros.set(id.text, m);
        break;
      }
      case 'undef': {
        seenNonVersion = true;
        const id = rest[0];
        if (!id || id.kind !== 'ident') {
          diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(dir), '#undef requires a macro name');
          break;
        }
        if (!checkMacroName(id, 'undef')) break;
        macros.delete(id.text);
        break;
      }
      case 'error': {
        seenNonVersion = true;
        const text = joinTokens(rest);
        diags.error(DiagCode.PP_ERROR_DIRECTIVE, loc, `#error ${text}`);
        break;
      }
      case 'pragma': {
        seenNonVersion = true;
        pragmas.push({ text: joinTokens(rest), line: first.line });
        break;
      }
      case 'extension': {
        seenNonVersion = true;
        const ext = rest[0];
        if (!ext || ext.kind !== 'ident' || rest[1]?.text !== ':' || !rest[2] || rest.length !== 3) {
          diags.error(DiagCode.PP_EXTENSION, loc, "malformed #extension directive (expected '#extension name : behavior')");
          break;
        }
        const beh = rest[2].text;
        if (beh !== 'require' && beh !== 'enable' && beh !== 'warn' && beh !== 'disable') {
          diags.error(DiagCode.PP_EXTENSION, tokLoc(rest[2]), `unknown extension behavior '${beh}'`);
          break;
        }
        if (ext.text === 'all') {
          if (beh === 'require' || beh === 'enable') {
            diags.error(DiagCode.PP_EXTENSION, tokLoc(ext), `behavior '${beh}' is not allowed with 'all'`);
            break;
          }
          for (const e of supported) extensionState.set(e, beh);
        } else if (!supported.has(ext.text)) {
          if (beh === 'require') {
            diags.error(DiagCode.PP_EXTENSION_UNSUPPORTED, tokLoc(ext), `extension '${ext.text}' is not supported`);
          } else if (beh !== 'disable') {
            diags.warning(DiagCode.PP_EXTENSION_WARN, tokLoc(ext), `extension '${ext.text}' is not supported`);
          }
        } else {
          extensionState.set(ext.text, beh);
        }
        extensions.push({ name: ext.text, behavior: beh, line: first.line });
        break;
      }
      case 'line': {
        seenNonVersion = true;
        const ex = expand(rest, false);
        const ln = ex[0];
        if (!ln || ln.kind !== 'number' || !/^[0-9]+$/.test(ln.text) || ex.length > 2 || (ex[1] && (ex[1].kind !== 'number' || !/^[0-9]+$/.test(ex[1].text)))) {
          diags.error(DiagCode.PP_LINE, loc, 'malformed #line directive');
          break;
        }
        // The line after the directive gets number N.
        const physNext = toks[0]!.line - lineDelta + 1;
        lineDelta = parseInt(ln.text, 10) - physNext;
        if (ex[1]) sourceNum = parseInt(ex[1].text, 10);
        break;
      }
      default:
        diags.error(DiagCode.PP_BAD_DIRECTIVE, tokLoc(dir), `invalid directive '#${name}'`);
    }
  }
  flush();
  for (const c of conds) {
    diags.error(DiagCode.PP_UNTERMINATED_CONDITIONAL, c.loc, 'unterminated #if/#ifdef/#ifndef');
  }
  return { tokens: out, version, explicitVersion, extensions, extensionState, pragmas };

  function checkMacroName(id: PPToken, what: string): boolean {
    if (id.text === 'defined') {
      diags.error(DiagCode.PP_RESERVED_MACRO, tokLoc(id), `'defined' cannot be used as a macro name`);
      return false;
    }
    if (BUILTIN_DYNAMIC.has(id.text) || macros.get(id.text)?.builtin) {
      diags.error(DiagCode.PP_RESERVED_MACRO, tokLoc(id), `cannot ${what} predefined macro '${id.text}'`);
      return false;
    }
    if (id.text.startsWith('GL_')) {
      diags.error(DiagCode.PP_RESERVED_MACRO, tokLoc(id), `macro names starting with 'GL_' are reserved`);
      return false;
    }
    if (id.text.includes('__')) {
      diags.warning(DiagCode.PP_RESERVED_MACRO_WARN, tokLoc(id), `macro names containing '__' are reserved`);
    }
    return true;
  }
}

function mergeHide(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (!a || a.size === 0) return b;
  const s = new Set(a);
  for (const x of b) s.add(x);
  return s;
}

function joinTokens(toks: readonly PPToken[]): string {
  let s = '';
  toks.forEach((t, i) => {
    if (i > 0 && t.space) s += ' ';
    s += t.text;
  });
  return s;
}

/** Render preprocessed tokens back to text, one output line per logical source line (for debugging). */
export function tokensToText(toks: readonly PPToken[]): string {
  const lines: string[] = [];
  let lastLine = -1;
  let buf = '';
  for (const t of toks) {
    if (t.line !== lastLine) {
      if (lastLine !== -1) lines.push(buf);
      buf = '';
      lastLine = t.line;
    } else if (t.space) buf += ' ';
    buf += t.text;
  }
  if (lastLine !== -1) lines.push(buf);
  return lines.join('\n');
}
