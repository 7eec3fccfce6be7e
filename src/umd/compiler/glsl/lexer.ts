/**
 * Lexing for the GLSL front end, in two layers:
 *
 *  1. {@link scanPPTokens}: raw source -> preprocessing tokens (identifiers, pp-numbers,
 *     punctuators, newlines). Handles comments and backslash-newline continuation and
 *     records the original line/column of every token.
 *  2. {@link classifyTokens}: preprocessed tokens -> GLSL tokens (keywords, type names,
 *     int/float/bool literals), version-aware (reserved words, matCxR in 1.20, ...).
 */
import { DiagCode, DiagnosticSink } from './diagnostics.js';

export type PPTokenKind = 'ident' | 'number' | 'punct' | 'newline' | 'other';

export interface PPToken {
  kind: PPTokenKind;
  text: string;
  /** Logical line (after #line remapping; equal to the physical line until the preprocessor adjusts it). */
  line: number;
  column: number;
  /** Source string number (from `#line L S`). */
  source: number;
  /** True when whitespace or a comment precedes this token on the same line. */
  space: boolean;
  /** Macro names that must not be expanded again in this token (hide set). */
  hide?: ReadonlySet<string>;
}

const PUNCTS3 = ['<<=', '>>='];
const PUNCTS2 = ['++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '^^', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '##'];
const PUNCTS1 = '+-*/%<>=!&|^~?:;,.()[]{}#';

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isIdentChar(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

/** Scan source text into preprocessing tokens. Never throws. */
export function scanPPTokens(src: string, diags: DiagnosticSink): PPToken[] {
  // Splice out backslash-newline sequences while remembering each char's origin.
  const chars: string[] = [];
  const lines: number[] = [];
  const cols: number[] = [];
  let line = 1;
  let col = 1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
      i += src[i + 1] === '\r' ? 2 : 1;
      line++;
      col = 1;
      continue;
    }
    if (c === '\r') {
      // Treat CRLF / lone CR as newline.
      if (src[i + 1] === '\n') continue;
      chars.push('\n');
      lines.push(line);
      cols.push(col);
      line++;
      col = 1;
      continue;
    }
    chars.push(c);
    lines.push(line);
    cols.push(col);
    if (c === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  const n = chars.length;
  const out: PPToken[] = [];
  let space = false;
  let i = 0;
  const push = (kind: PPTokenKind, start: number, end: number): void => {
    out.push({ kind, text: chars.slice(start, end).join(''), line: lines[start]!, column: cols[start]!, source: 0, space });
    space = false;
  };
  while (i < n) {
    const c = chars[i]!;
    if (c === '\n') {
      push('newline', i, i + 1);
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\v' || c === '\f') {
      space = true;
      i++;
      continue;
    }
    if (c === '/' && chars[i + 1] === '/') {
      while (i < n && chars[i] !== '\n') i++;
      space = true;
      continue;
    }
    if (c === '/' && chars[i + 1] === '*') {
      const start = i;
      i += 2;
      while (i < n && !(chars[i] === '*' && chars[i + 1] === '/')) i++;
      if (i >= n) {
        diags.error(DiagCode.PP_UNTERMINATED_COMMENT, { line: lines[start]!, column: cols[start]! }, 'unterminated comment');
        break;
      }
      i += 2;
      space = true;
      continue;
    }
    if (isIdentStart(c)) {
      const s = i;
      while (i < n && isIdentChar(chars[i]!)) i++;
      push('ident', s, i);
      continue;
    }
    if (isDigit(c) || (c === '.' && i + 1 < n && isDigit(chars[i + 1]!))) {
      // pp-number: digits, letters, '.', and sign after e/E (not after hex digits of 0x).
      const s = i;
      const hex = c === '0' && (chars[i + 1] === 'x' || chars[i + 1] === 'X');
      i++;
      while (i < n) {
        const d = chars[i]!;
        if (isIdentChar(d) || d === '.') {
          i++;
        } else if ((d === '+' || d === '-') && !hex && (chars[i - 1] === 'e' || chars[i - 1] === 'E')) {
          i++;
        } else break;
      }
      push('number', s, i);
      continue;
    }
    let matched = false;
    for (const p of PUNCTS3) {
      if (chars[i] === p[0] && chars[i + 1] === p[1] && chars[i + 2] === p[2]) {
        push('punct', i, i + 3);
        i += 3;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    for (const p of PUNCTS2) {
      if (chars[i] === p[0] && chars[i + 1] === p[1]) {
        push('punct', i, i + 2);
        i += 2;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (PUNCTS1.includes(c)) {
      push('punct', i, i + 1);
      i++;
      continue;
    }
    push('other', i, i + 1);
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------
// GLSL tokens

export type TokenKind = 'ident' | 'typename' | 'keyword' | 'int' | 'uint' | 'float' | 'bool' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
  source: number;
  /** Numeric value for int/float literals; 1/0 for bool literals. */
  value?: number;
}

export type GlslVersion = 100 | 110 | 120 | 300;

/** Every version the front end implements (#version 100, 110, 120, 300 es). */
export const GLSL_VERSIONS: readonly GlslVersion[] = [100, 110, 120, 300];

/** GLSL ES (1.00 or 3.00): precision qualifiers, ES reserved names, no implicit conversions. */
export function isEs(v: GlslVersion): boolean {
  return v === 100 || v === 300;
}

const KEYWORDS_COMMON = [
  'attribute', 'const', 'uniform', 'varying', 'break', 'continue', 'do', 'for', 'while', 'if', 'else',
  'in', 'out', 'inout', 'true', 'false', 'discard', 'return', 'struct',
];
const TYPE_NAMES_COMMON = [
  'float', 'int', 'void', 'bool', 'mat2', 'mat3', 'mat4', 'vec2', 'vec3', 'vec4', 'ivec2', 'ivec3', 'ivec4',
  'bvec2', 'bvec3', 'bvec4', 'sampler2D', 'samplerCube',
];
const TYPE_NAMES_DESKTOP = ['sampler1D', 'sampler3D', 'sampler1DShadow', 'sampler2DShadow'];
const TYPE_NAMES_120 = ['mat2x2', 'mat2x3', 'mat2x4', 'mat3x2', 'mat3x3', 'mat3x4', 'mat4x2', 'mat4x3', 'mat4x4'];

const RESERVED_ES100 = [
  'asm', 'class', 'union', 'enum', 'typedef', 'template', 'this', 'packed', 'goto', 'switch', 'default', 'inline',
  'noinline', 'volatile', 'public', 'static', 'extern', 'external', 'interface', 'flat', 'long', 'short', 'double',
  'half', 'fixed', 'unsigned', 'superp', 'input', 'output', 'hvec2', 'hvec3', 'hvec4', 'dvec2', 'dvec3', 'dvec4',
  'fvec2', 'fvec3', 'fvec4', 'sampler1D', 'sampler3D', 'sampler1DShadow', 'sampler2DShadow', 'sampler2DRect',
  'sampler3DRect', 'sampler2DRectShadow', 'sizeof', 'cast', 'namespace', 'using',
];
const RESERVED_110 = [
  'asm', 'class', 'union', 'enum', 'typedef', 'template', 'this', 'packed', 'goto', 'switch', 'default', 'inline',
  'noinline', 'volatile', 'public', 'static', 'extern', 'external', 'interface', 'long', 'short', 'double', 'half',
  'fixed', 'unsigned', 'input', 'output', 'hvec2', 'hvec3', 'hvec4',
  'dvec2', 'dvec3', 'dvec4', 'fvec2', 'fvec3', 'fvec4', 'sampler2DRect', 'sampler3DRect', 'sampler2DRectShadow',
  'sizeof', 'cast', 'namespace', 'using',
];
// GLSL ES 3.00 §3.6 keywords beyond ES 1.00's (attribute and varying are reserved words there, §3.7)
const KEYWORDS_ES300 = ['lowp', 'mediump', 'highp', 'precision', 'invariant', 'centroid', 'flat', 'smooth', 'layout', 'switch', 'case', 'default'];
const TYPE_NAMES_ES300 = [
  'uint', 'uvec2', 'uvec3', 'uvec4', ...TYPE_NAMES_120, 'sampler3D', 'sampler2DShadow', 'samplerCubeShadow', 'sampler2DArray',
  'sampler2DArrayShadow', 'isampler2D', 'isampler3D', 'isamplerCube', 'isampler2DArray', 'usampler2D', 'usampler3D', 'usamplerCube',
  'usampler2DArray',
];
// GLSL ES 3.00 §3.7 reserved for future use
const RESERVED_ES300 = [
  'attribute', 'varying', 'coherent', 'volatile', 'restrict', 'readonly', 'writeonly', 'resource', 'atomic_uint', 'noperspective', 'patch',
  'sample', 'subroutine', 'common', 'partition', 'active', 'asm', 'class', 'union', 'enum', 'typedef', 'template', 'this', 'goto', 'inline',
  'noinline', 'public', 'static', 'extern', 'external', 'interface', 'long', 'short', 'double', 'half', 'fixed', 'unsigned', 'superp',
  'input', 'output', 'hvec2', 'hvec3', 'hvec4', 'dvec2', 'dvec3', 'dvec4', 'fvec2', 'fvec3', 'fvec4', 'sampler3DRect', 'filter',
  'image1D', 'image2D', 'image3D', 'imageCube', 'iimage1D', 'iimage2D', 'iimage3D', 'iimageCube', 'uimage1D', 'uimage2D', 'uimage3D',
  'uimageCube', 'image1DArray', 'image2DArray', 'iimage1DArray', 'iimage2DArray', 'uimage1DArray', 'uimage2DArray', 'imageBuffer',
  'iimageBuffer', 'uimageBuffer', 'sampler1D', 'sampler1DShadow', 'sampler1DArray', 'sampler1DArrayShadow', 'isampler1D',
  'isampler1DArray', 'usampler1D', 'usampler1DArray', 'sampler2DRect', 'sampler2DRectShadow', 'isampler2DRect', 'usampler2DRect',
  'samplerBuffer', 'isamplerBuffer', 'usamplerBuffer', 'sampler2DMS', 'isampler2DMS', 'usampler2DMS', 'sampler2DMSArray',
  'isampler2DMSArray', 'usampler2DMSArray', 'sizeof', 'cast', 'namespace', 'using',
];
// the precision words are plain identifiers in GLSL 1.10 (piglit glsl-precision-110), reserved from 1.20
const RESERVED_120_EXTRA = ['flat', 'smooth', 'noperspective', 'superp', 'lowp', 'mediump', 'highp', 'precision'];

export interface LexTables {
  keywords: Set<string>;
  typeNames: Set<string>;
  reserved: Set<string>;
}

export function lexTables(version: GlslVersion): LexTables {
  const keywords = new Set(KEYWORDS_COMMON);
  const typeNames = new Set(TYPE_NAMES_COMMON);
  let reserved: Set<string>;
  if (version === 300) {
    keywords.delete('attribute');
    keywords.delete('varying');
    for (const k of KEYWORDS_ES300) keywords.add(k);
    for (const t of TYPE_NAMES_ES300) typeNames.add(t);
    reserved = new Set(RESERVED_ES300);
  } else if (version === 100) {
    for (const k of ['lowp', 'mediump', 'highp', 'precision', 'invariant']) keywords.add(k);
    reserved = new Set(RESERVED_ES100);
  } else {
    for (const t of TYPE_NAMES_DESKTOP) typeNames.add(t);
    reserved = new Set(RESERVED_110);
    if (version === 120) {
      for (const t of TYPE_NAMES_120) typeNames.add(t);
      keywords.add('invariant');
      keywords.add('centroid');
      for (const r of RESERVED_120_EXTRA) reserved.add(r);
    }
  }
  return { keywords, typeNames, reserved };
}

function parseNumber(text: string, version: GlslVersion): { kind: 'int' | 'uint' | 'float'; value: number } | undefined {
  if (version === 300) {
    // GLSL ES 3.00 §4.1.3: the u suffix makes a uint; a literal must fit in 32 bits (hex and octal
    // literals name bit patterns, so 0xffffffff is the int -1)
    const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uU]?)$/.exec(text);
    if (m) {
      const d = m[1]!;
      const v = /^0[xX]/.test(d) ? parseInt(d.slice(2), 16) : /^0/.test(d) ? parseInt(d, 8) || 0 : parseInt(d, 10);
      if (v > 0xffffffff) return undefined;
      return m[2] ? { kind: 'uint', value: v >>> 0 } : { kind: 'int', value: v | 0 };
    }
  }
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return { kind: 'int', value: parseInt(text.slice(2), 16) };
  if (/^0[0-7]*$/.test(text)) return { kind: 'int', value: parseInt(text, 8) || 0 };
  if (/^[1-9][0-9]*$/.test(text)) return { kind: 'int', value: parseInt(text, 10) };
  const m = /^((?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)([fF]?)$/.exec(text);
  if (m) {
    // The 'f' suffix is GLSL 1.20+, but desktop compilers (Mesa) accept it in 1.10 too.
    if (m[2] && version === 100) return undefined;
    return { kind: 'float', value: Number(m[1]) };
  }
  return undefined;
}

/** Convert preprocessed tokens into GLSL tokens; appends an 'eof' token. Never throws. */
export function classifyTokens(pp: readonly PPToken[], version: GlslVersion, diags: DiagnosticSink): Token[] {
  const { keywords, typeNames, reserved } = lexTables(version);
  const out: Token[] = [];
  for (const t of pp) {
    const loc = { line: t.line, column: t.column, source: t.source };
    switch (t.kind) {
      case 'newline':
        break;
      case 'ident': {
        if (t.text === 'true' || t.text === 'false') {
          out.push({ kind: 'bool', text: t.text, line: t.line, column: t.column, source: t.source, value: t.text === 'true' ? 1 : 0 });
        } else if (keywords.has(t.text)) {
          out.push({ kind: 'keyword', text: t.text, line: t.line, column: t.column, source: t.source });
        } else if (typeNames.has(t.text)) {
          out.push({ kind: 'typename', text: t.text, line: t.line, column: t.column, source: t.source });
        } else {
          if (reserved.has(t.text)) {
            diags.error(DiagCode.LEX_RESERVED_WORD, loc, `'${t.text}' is a reserved word`);
          }
          out.push({ kind: 'ident', text: t.text, line: t.line, column: t.column, source: t.source });
        }
        break;
      }
      case 'number': {
        const v = parseNumber(t.text, version);
        if (!v) {
          diags.error(DiagCode.LEX_BAD_NUMBER, loc, `invalid number literal '${t.text}'`);
          out.push({ kind: 'int', text: t.text, line: t.line, column: t.column, source: t.source, value: 0 });
        } else {
          out.push({ kind: v.kind, text: t.text, line: t.line, column: t.column, source: t.source, value: v.value });
        }
        break;
      }
      case 'punct':
        if (t.text === '#' || t.text === '##') {
          diags.error(DiagCode.LEX_BAD_TOKEN, loc, `unexpected '${t.text}'`);
          break;
        }
        out.push({ kind: 'punct', text: t.text, line: t.line, column: t.column, source: t.source });
        break;
      case 'other':
        diags.error(DiagCode.LEX_BAD_TOKEN, loc, `invalid character '${t.text}'`);
        break;
    }
  }
  const last = pp.length ? pp[pp.length - 1]! : undefined;
  out.push({ kind: 'eof', text: '<end of file>', line: last ? last.line : 1, column: last ? last.column + last.text.length : 1, source: last ? last.source : 0 });
  return out;
}
