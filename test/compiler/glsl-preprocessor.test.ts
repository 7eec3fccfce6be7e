import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSink } from '../../src/umd/compiler/glsl/diagnostics.js';
import { preprocess, tokensToText } from '../../src/umd/compiler/glsl/preprocessor.js';
import { compileFrontEnd } from '../../src/umd/compiler/glsl/index.js';

function pp(src: string, opts: Parameters<typeof preprocess>[2] = {}) {
  const d = new DiagnosticSink();
  const r = preprocess(src, d, opts);
  return { ...r, text: tokensToText(r.tokens), diags: d.list };
}

test('object-like and function-like macros', () => {
  const r = pp('#define N 4\n#define ADD(a, b) ((a) + (b))\nint x = ADD(N, 2);\n');
  assert.equal(r.text, 'int x = ((4) + (2));');
  assert.deepEqual(r.diags, []);
});

test('function-like macro name without parentheses is not expanded', () => {
  const r = pp('#define f(x) x*2\nint f; int y = f(3);\n');
  assert.equal(r.text, 'int f; int y = 3*2;');
});

test('nested macro arguments are fully expanded, recursion is guarded', () => {
  const r = pp('#define SQ(x) ((x)*(x))\n#define A SQ(SQ(2))\n#define R R + 1\nint a = A; int r = R;\n');
  assert.equal(r.text, 'int a = ((((2)*(2)))*(((2)*(2)))); int r = R + 1;');
  const m = pp('#define X Y\n#define Y X\nX Y\n');
  assert.equal(m.text, 'X Y');
});

test('macro invocation spanning lines and wrong argument count', () => {
  const r = pp('#define F(a,b) a+b\nint x = F(1,\n 2);\n');
  assert.equal(r.text.replace(/\s+/g, ''), 'intx=1+2;');
  const bad = pp('#define F(a,b) a+b\nint x = F(1);\n');
  assert.equal(bad.diags[0]?.code, 'P0007');
  assert.equal(bad.diags[0]?.line, 2);
});

test('nested #if / #ifdef / #elif / #else with defined and full expressions', () => {
  const src = [
    '#define A 3',
    '#if defined(A) && A * 2 == 6',
    '#  ifdef B',
    'bad1',
    '#  elif (A << 1) > 5 || defined B',
    'good1',
    '#  else',
    'bad2',
    '#  endif',
    '#elif 1',
    'bad3',
    '#else',
    'bad4',
    '#endif',
    '#if !defined A',
    'bad5',
    '#elif (7 % 4 == 3) && (-1 < 0) && (~0 == -1) && (10 / 3 == 3)',
    'good2',
    '#endif',
    '#ifndef A',
    'bad6',
    '#endif',
  ].join('\n');
  const r = pp(src);
  assert.deepEqual(r.diags, []);
  assert.equal(r.text, 'good1\ngood2');
});

test('skipped groups ignore invalid directives; unterminated #if is an error', () => {
  const r = pp('#if 0\n#foo bar\n#error not me\n#endif\nok\n');
  assert.deepEqual(r.diags, []);
  assert.equal(r.text, 'ok');
  const u = pp('#if 1\nx\n');
  assert.equal(u.diags[0]?.code, 'P0008');
  const e = pp('#endif\n');
  assert.equal(e.diags[0]?.code, 'P0009');
});

test('undefined identifiers in #if: error in ES, 0 in desktop', () => {
  assert.equal(pp('#if FOO\n#endif\n').diags[0]?.code, 'P0011');
  assert.deepEqual(pp('#version 110\n#if FOO\n#endif\n').diags, []);
  assert.equal(pp('#if 1 / 0\n#endif\n').diags[0]?.code, 'P0012');
});

test('__LINE__ follows #line, __FILE__ is the source string number', () => {
  const r = pp('int a = __LINE__;\n#line 100 7\nint b = __LINE__;\nint c = __FILE__;\n');
  assert.equal(r.text, 'int a = 1;\nint b = 100;\nint c = 7;');
  assert.equal(r.tokens.find((t) => t.text === 'b')?.line, 100);
  assert.equal(r.tokens.find((t) => t.text === 'b')?.source, 7);
});

test('__VERSION__ and GL_ES', () => {
  assert.equal(pp('__VERSION__ GL_ES\n').text, '100 1');
  assert.equal(pp('#version 120\n__VERSION__\n#ifdef GL_ES\nes\n#endif\n').text, '120');
  assert.equal(pp('#version 110\nx\n').version, 110);
});

test('#version must come first and be supported', () => {
  const r = pp('int x;\n#version 100\n');
  assert.equal(r.diags[0]?.code, 'P0003');
  assert.equal(r.diags[0]?.line, 2);
  // 300 es is implemented; an API that allows ES 1.00 only (WebGL 1) rejects it, as it rejects unknown versions
  assert.equal(pp('#version 300 es\n').version, 300);
  assert.deepEqual(pp('#version 300 es\n').diags, []);
  const es1 = pp('#version 300 es\n', { versions: [100] });
  assert.equal(es1.diags[0]?.code, 'P0004');
  assert.match(es1.diags[0]!.message, /version 300 es is not supported \(supported: 100\)/);
  assert.equal(es1.version, 100);
  assert.equal(pp('#version 400\n').diags[0]?.code, 'P0004');
  // the profile word is part of the directive: 300 without es is an error, 100 with one too
  assert.equal(pp('#version 300\n').diags[0]?.code, 'P0004');
  assert.equal(pp('#version 100 es\n').diags[0]?.code, 'P0004');
  assert.deepEqual(pp('// comment\n/* block */\n#version 100\n').diags, []);
});

test('#error produces a diagnostic with its message at the right line', () => {
  const r = compileFrontEnd('precision mediump float;\n#error custom failure here\nvoid main(){}\n', 'fragment');
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics[0]?.code, 'P0001');
  assert.equal(r.diagnostics[0]?.line, 2);
  assert.match(r.diagnostics[0]!.message, /custom failure here/);
  assert.match(r.infoLog, /^ERROR: 0:2:1: #error custom failure here/);
});

test('#extension and #pragma are recorded', () => {
  const r = pp('#extension GL_OES_standard_derivatives : enable\n#pragma optimize(off)\n#extension GL_FOO_bar : warn\n', {
    extensions: ['GL_OES_standard_derivatives'],
  });
  assert.equal(r.extensionState.get('GL_OES_standard_derivatives'), 'enable');
  assert.equal(r.extensions.length, 2);
  assert.equal(r.pragmas[0]?.text, 'optimize(off)');
  assert.equal(r.diags[0]?.severity, 'warning');
  const req = pp('#extension GL_FOO_bar : require\n');
  assert.equal(req.diags[0]?.code, 'P0014');
  const all = pp('#extension all : enable\n');
  assert.equal(all.diags[0]?.code, 'P0013');
});

test('supported extensions are predefined as macros', () => {
  const r = pp('#ifdef GL_OES_standard_derivatives\nyes\n#endif\n', { extensions: ['GL_OES_standard_derivatives'] });
  assert.equal(r.text, 'yes');
});

test('line continuation and comments keep original positions', () => {
  const r = pp('#define LONG 1 + \\\n 2\nint /* a\n b */ x = LONG; // tail\nint y;\n');
  assert.equal(r.text.replace(/\s+/g, ' '), 'int x = 1 + 2; int y;');
  const x = r.tokens.find((t) => t.text === 'x')!;
  assert.equal(x.line, 4);
  assert.equal(x.column, 7);
  assert.equal(r.tokens.find((t) => t.text === 'y')!.line, 5);
});

test('reserved macro names and redefinition', () => {
  assert.equal(pp('#define GL_FOO 1\n').diags[0]?.code, 'P0006');
  assert.equal(pp('#define __LINE__ 1\n').diags[0]?.code, 'P0006');
  assert.equal(pp('#undef GL_ES\n').diags[0]?.code, 'P0006');
  assert.equal(pp('#define A 1\n#define A 2\n').diags[0]?.code, 'P0005');
  assert.deepEqual(pp('#define A 1\n#define A 1\n').diags, []);
  assert.equal(pp('#define a__b 1\n').diags[0]?.severity, 'warning');
  assert.equal(pp('#define S(a) #a\n').diags[0]?.code, 'P0002');
});

test('macro-expanded diagnostics point at the invocation', () => {
  const r = compileFrontEnd('precision mediump float;\n#define BAD undefined_thing\nvoid main() {\n  gl_FragColor = vec4(BAD);\n}\n', 'fragment');
  assert.equal(r.ok, false);
  const d = r.diagnostics[0]!;
  assert.equal(d.code, 'E0001');
  assert.equal(d.line, 4);
  assert.equal(d.column, 23);
});

test('## token pasting', () => {
  const r = pp('#define CAT(a, b) a ## b\n#define PRE(x) my_##x\n#define N 3\nint CAT(foo, N); float PRE(var); int v = CAT(1, 2);\n');
  assert.deepEqual(r.diags, []);
  assert.equal(r.text, 'int fooN; float my_var; int v = 12;');
  assert.equal(pp('#define BAD(a) ## a\n').diags[0]?.code, 'P0002');
  assert.equal(pp('#define P(a, b) a ## b\nP(+, /)\n').diags[0]?.code, 'P0007');
});
