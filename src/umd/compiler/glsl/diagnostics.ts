/**
 * Diagnostics produced by every stage of the GLSL front end.
 *
 * Codes are stable: tests and tools may match on them. Ranges:
 *   P0xxx  preprocessor      L0xxx  lexer
 *   S0xxx  parser (syntax)   E0xxx  semantic errors (checker)   W0xxx warnings
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable code, e.g. 'E0012'. See {@link DiagCode}. */
  code: string;
  message: string;
  /** 1-based line number in the original source (after `#line` remapping). */
  line: number;
  /** 1-based column in the original source. */
  column: number;
  /** Source string number (0 unless changed by `#line N S`). */
  source?: number;
}

/** A source position. `line`/`column` are 1-based. */
export interface SourceLoc {
  line: number;
  column: number;
  source?: number;
}

export const DiagCode = {
  // preprocessor
  PP_ERROR_DIRECTIVE: 'P0001',
  PP_BAD_DIRECTIVE: 'P0002',
  PP_VERSION_NOT_FIRST: 'P0003',
  PP_VERSION_UNSUPPORTED: 'P0004',
  PP_MACRO_REDEFINED: 'P0005',
  PP_RESERVED_MACRO: 'P0006',
  PP_MACRO_ARGS: 'P0007',
  PP_UNTERMINATED_CONDITIONAL: 'P0008',
  PP_UNMATCHED_CONDITIONAL: 'P0009',
  PP_BAD_EXPRESSION: 'P0010',
  PP_UNDEFINED_IN_IF: 'P0011',
  PP_DIV_ZERO: 'P0012',
  PP_EXTENSION: 'P0013',
  PP_EXTENSION_UNSUPPORTED: 'P0014',
  PP_LINE: 'P0015',
  PP_BAD_CHAR: 'P0016',
  PP_UNTERMINATED_COMMENT: 'P0017',
  PP_TOKEN_TOO_LONG: 'P0018',
  PP_EXTENSION_WARN: 'W0001',
  PP_RESERVED_MACRO_WARN: 'W0002',
  // lexer
  LEX_RESERVED_WORD: 'L0001',
  LEX_BAD_NUMBER: 'L0002',
  LEX_BAD_TOKEN: 'L0003',
  LEX_RESERVED_IDENT: 'L0004',
  LEX_RESERVED_UNDERSCORE_WARN: 'W0003',
  // parser
  SYNTAX: 'S0001',
  // semantic
  UNDECLARED: 'E0001',
  REDEFINITION: 'E0002',
  TYPE_MISMATCH: 'E0003',
  NO_OVERLOAD: 'E0004',
  BAD_CONSTRUCTOR: 'E0005',
  BAD_SWIZZLE: 'E0006',
  NOT_LVALUE: 'E0007',
  NOT_CONSTANT: 'E0008',
  BAD_ARRAY_SIZE: 'E0009',
  INDEX_OUT_OF_RANGE: 'E0010',
  NO_PRECISION: 'E0011',
  LOOP_RESTRICTION: 'E0012',
  MISSING_MAIN: 'E0013',
  RETURN_MISMATCH: 'E0014',
  FRAGCOLOR_AND_FRAGDATA: 'E0015',
  BAD_QUALIFIER: 'E0016',
  BAD_STAGE: 'E0017',
  BREAK_OUTSIDE_LOOP: 'E0018',
  BAD_CONDITION: 'E0019',
  BAD_FIELD: 'E0020',
  BAD_INDEX: 'E0021',
  NOT_A_FUNCTION: 'E0022',
  FUNCTION_REDEFINED: 'E0023',
  BAD_MAIN: 'E0024',
  RESERVED_NAME: 'E0025',
  EXTENSION_REQUIRED: 'E0026',
  BAD_DECLARATION: 'E0027',
  RECURSION: 'E0028',
  BAD_OPERATOR: 'E0029',
  VERSION_FEATURE: 'E0030',
  BAD_PRECISION: 'E0031',
  TOO_COMPLEX: 'E0032',
  /** valid GLSL this implementation (or the hardware beneath it) does not do yet: names the feature */
  UNSUPPORTED: 'E0033',
  BAD_SWITCH: 'E0034',
  BAD_LAYOUT: 'E0035',
  INTERNAL: 'E0999',
  UNUSED_WARN: 'W0004',
  GENERIC_WARN: 'W0005',
} as const;

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  error(code: string, loc: SourceLoc, message: string): void {
    this.list.push({ severity: 'error', code, message, line: loc.line, column: loc.column, source: loc.source ?? 0 });
  }
  warning(code: string, loc: SourceLoc, message: string): void {
    this.list.push({ severity: 'warning', code, message, line: loc.line, column: loc.column, source: loc.source ?? 0 });
  }
  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

/**
 * Format diagnostics as a driver info log: `ERROR: 0:LINE:COL: message` (one per line),
 * followed by a `N compilation errors.` summary line when there are errors.
 */
export function formatInfoLog(diags: readonly Diagnostic[]): string {
  const lines: string[] = [];
  for (const d of diags) {
    lines.push(`${d.severity === 'error' ? 'ERROR' : 'WARNING'}: ${d.source ?? 0}:${d.line}:${d.column}: ${d.message}`);
  }
  const errs = diags.filter((d) => d.severity === 'error').length;
  if (errs > 0) lines.push(`${errs} compilation error${errs === 1 ? '' : 's'}.  No code generated.`);
  return lines.length ? lines.join('\n') + '\n' : '';
}
