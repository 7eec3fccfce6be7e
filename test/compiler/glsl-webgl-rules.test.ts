/**
 * Rules the Khronos WebGL 1.0.3 conformance suite checks in its glsl/misc pages (issue 15): what
 * a WebGL 1 context must reject (or accept) at compile or link time. Each test names its rule's
 * source; compile errors are asserted with their line:column, link errors with what they name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileShader, linkProgram, type CompileOptions } from '../../src/umd/compiler/index.js';
import { firstUnpacked, packingItems, type PackingItem } from '../../src/umd/compiler/glsl/packing.js';

const WEBGL1: CompileOptions = { versions: [100], maxTokenLength: 256, webgl: true };

/** Compiling fails and the first error is at line:column (the info log says so too). */
function expectCompileError(src: string, stage: 'vertex' | 'fragment', line: number, column: number, message: RegExp, opts: CompileOptions = WEBGL1): void {
  const s = compileShader(src, stage, opts);
  assert.equal(s.ok, false, `expected a compile error for:\n${src}`);
  const first = s.infoLog.split('\n')[0]!;
  assert.match(first, new RegExp(`^ERROR: 0:${line}:${column}: `), s.infoLog);
  assert.match(first, message);
}

function link(vsSrc: string, fsSrc: string, opts: CompileOptions = WEBGL1): { ok: boolean; infoLog: string } {
  const vs = compileShader(vsSrc, 'vertex', opts), fs = compileShader(fsSrc, 'fragment', opts);
  assert.ok(vs.ok, vs.infoLog);
  assert.ok(fs.ok, fs.infoLog);
  return linkProgram(vs, fs);
}

const SIMPLE_FS = 'precision mediump float;\nvoid main() { gl_FragColor = vec4(1.0); }\n';
const SIMPLE_VS = 'attribute vec4 p;\nvoid main() { gl_Position = p; }\n';

test('WebGL 1.0 §6 Maximum Nesting of Structures: 4 levels compile, 5 fail at the member that nests too deep', () => {
  const levels = (n: number): string => {
    let src = 'struct S1 { vec4 v; };\n';
    for (let k = 2; k <= n; k++) src += `struct S${k} { S${k - 1} f; };\n`;
    return `${src}uniform S${n} u;\nvoid main() { gl_Position = u${'.f'.repeat(n - 1)}.v; }\n`;
  };
  assert.ok(compileShader(levels(4), 'vertex', WEBGL1).ok);
  // struct S5 (line 5) holds S4, itself 4 levels deep: 1 + 4 > 4, reported at the member's type (column 13)
  expectCompileError(levels(5), 'vertex', 5, 13, /nests structures 5 levels deep/);
  // a struct array member nests like the struct
  expectCompileError(levels(4).replace('uniform S4 u;', 'struct S5 { S4 f[2]; };\nuniform S4 u;'), 'vertex', 5, 13, /5 levels/);
  // a desktop (compatibility profile) compile has no such limit
  assert.ok(compileShader(levels(5), 'vertex', {}).ok);
});

test('GLSL ES 1.00 §6.3: a for body does not open a new scope, redeclaring the loop index there is an error', () => {
  const src = 'precision mediump float;\nvoid main() {\n  int k = 0;\n  for (int i = 0; i < 10; i++) { int i = k + i; }\n  gl_FragColor = vec4(float(k));\n}\n';
  // `int i` in the body (line 4, column 38) redeclares the for-init's i
  expectCompileError(src, 'fragment', 4, 38, /redefin/);
  // a nested block inside the body is a new scope: shadowing is allowed there
  assert.ok(compileShader(src.replace('{ int i = k + i; }', '{ { int i = k; } }'), 'fragment', WEBGL1).ok);
  // desktop GLSL keeps its own rules (piglit's glslparsertests)
  assert.ok(compileShader('#version 120\n' + src.replace('precision mediump float;\n', ''), 'fragment', {}).ok);
});

test('GLSL ES 1.00 §4.6.4: gl_FrontFacing cannot be invariant; a varying is invariant in both stages or in neither', () => {
  expectCompileError('precision mediump float;\ninvariant gl_FrontFacing;\nvoid main() { gl_FragColor = vec4(1.0); }\n', 'fragment', 2, 11, /invariant/);
  const vs = (pre: string, decl: string): string => `${pre}attribute vec4 p;\n${decl}\nvoid main() { v = p; gl_Position = p; }\n`;
  const fs = (pre: string, decl: string): string => `${pre}precision mediump float;\n${decl}\nvoid main() { gl_FragColor = v; }\n`;
  const plain = 'varying vec4 v;', inv = 'invariant varying vec4 v;', later = 'varying vec4 v;\ninvariant v;', all = '#pragma STDGL invariant(all)\n';
  for (const [vp, vd, fp, fd, ok] of [
    ['', plain, '', plain, true], ['', inv, '', inv, true], ['', later, '', inv, true], ['', inv, '', later, true],
    [all, plain, '', inv, true], ['', inv, all, plain, true],
    ['', plain, '', inv, false], ['', inv, '', plain, false], [all, plain, '', plain, false], ['', plain, all, plain, false],
  ] as const) {
    const r = link(vs(vp, vd), fs(fp, fd));
    assert.equal(r.ok, ok, `vertex '${vp}${vd}' fragment '${fp}${fd}': ${r.infoLog}`);
    if (!ok) assert.match(r.infoLog, /Varying `v' is (not )?invariant in the vertex shader/);
  }
});

test('GLSL ES 1.00 §4.2.4: a uniform struct shared by both stages has the same name, member names, types, order and precisions', () => {
  const vs = (body: string, name = 'info'): string => `struct ${name} { ${body} };\nuniform ${name} uni;\nvoid main() { gl_Position = uni.pos; }\n`;
  const fs = (body: string, name = 'info'): string => `precision mediump float;\nstruct ${name} { ${body} };\nuniform ${name} uni;\nvoid main() { gl_FragColor = vec4(uni.color.x); }\n`;
  const same = 'mediump vec4 pos; mediump vec4 color;';
  assert.ok(link(vs(same), fs(same)).ok);
  // another struct declared first (a different internal id) does not make the types differ
  assert.ok(link(vs(same), fs(same).replace('struct info', 'struct extra { vec4 p; };\nstruct info')).ok);
  for (const [f, what] of [
    ['mediump vec4 color; mediump vec4 pos;', 'order'],
    ['mediump vec4 pos1; mediump vec4 color;', 'member name'],
    ['mediump vec4 pos; mediump vec3 color;', 'member type'],
    ['highp vec4 pos; mediump vec4 color;', 'member precision'],
  ] as const) {
    const r = link(vs(same), fs(f));
    assert.equal(r.ok, false, what);
    assert.match(r.infoLog, /Uniform `uni' is declared with different types/, what);
  }
  // the struct's name is part of its type
  assert.equal(link(vs(same), fs(same, 'info1')).ok, false);
});

test('GLSL ES 1.00 §4.5.3: a struct uniform member takes the default precision of its stage, which must match', () => {
  // vertex default float precision is highp, the fragment shader sets mediump
  const vs = 'struct foo { vec4 bar; };\nuniform foo baz;\nvoid main() { gl_Position = baz.bar; }\n';
  const fs = 'precision mediump float;\nstruct foo { vec4 bar; };\nuniform foo baz;\nvoid main() { gl_FragColor = baz.bar; }\n';
  assert.equal(link(vs, fs).ok, false);
  assert.ok(link(vs, fs.replace('mediump', 'highp')).ok);
  assert.ok(link(SIMPLE_VS, SIMPLE_FS).ok);
});

test('GLSL ES 1.00 Appendix A.7 packing algorithm: rows of 4 columns filled 4-, 3-, 2-, then 1-column first', () => {
  const item = (columns: number, rows: number): PackingItem<string> => ({ columns, rows, what: `${columns}x${rows}` });
  // 8 rows: two vec4 rows, then three vec3 rows (columns 0-2 of rows 2..4) leave column 3 free
  // in rows 2..7 and columns 0-2 free in rows 5..7 (9 cells)
  assert.equal(firstUnpacked([item(4, 2), item(3, 3), item(1, 6)], 8), undefined);
  // the vec2 pairs: columns 0-1 of rows 5..7 (3 rows) and columns 2-3 from the bottom (3 rows)
  assert.equal(firstUnpacked([item(4, 2), item(3, 3), item(2, 3), item(2, 3)], 8), undefined);
  assert.deepEqual(firstUnpacked([item(4, 2), item(3, 3), item(2, 3), item(2, 4)], 8), item(2, 4));
  // floats take the smallest free run that holds them: rows 5..7 of columns 0, 1, 2 (3 rows each),
  // then column 3's six free rows (2..7) twice — five arrays of 3; a sixth finds no 3-row run left
  assert.equal(firstUnpacked([item(4, 2), item(3, 3), ...Array.from({ length: 5 }, () => item(1, 3))], 8), undefined);
  assert.deepEqual(firstUnpacked([item(4, 2), item(3, 3), ...Array.from({ length: 6 }, () => item(1, 3))], 8), item(1, 3));
  // an array is one item: 9 floats in one array cannot wrap across columns of 8 rows
  assert.deepEqual(firstUnpacked([item(1, 9)], 8), item(1, 9));
  // mat2 takes 2 rows of 4 columns (the appendix), mat3 3 rows of 3
  assert.deepEqual(packingItems({ tag: 'matrix', cols: 2, rows: 2 }, 'm'), [{ columns: 4, rows: 2, what: 'm' }]);
  assert.deepEqual(packingItems({ tag: 'array', size: 5, element: { tag: 'matrix', cols: 3, rows: 3 } }, 'm'), [{ columns: 3, rows: 15, what: 'm' }]);
});

test('GLSL ES 1.00 Appendix A.7: statically used varyings and uniforms beyond the limits fail to compile at their declaration', () => {
  const packing = { varyingVectors: 8, vertexUniformVectors: 16, fragmentUniformVectors: 16 };
  const opts: CompileOptions = { ...WEBGL1, packing };
  const vs = (n: number, used = `v[${n - 1}]`): string => `attribute vec4 p;\nvarying vec4 v[${n}];\nvoid main() { ${used} = p; gl_Position = p; }\n`;
  assert.ok(compileShader(vs(8), 'vertex', opts).ok);
  // 9 vec4 rows do not fit 8, even when only element 0 is used (the whole array is statically used)
  expectCompileError(vs(9), 'vertex', 2, 14, /varyings do not fit MAX_VARYING_VECTORS \(8\).*'v'/, opts);
  expectCompileError(vs(9, 'v[0]'), 'vertex', 2, 14, /'v'/, opts);
  // a varying declared and never used does not count
  assert.ok(compileShader(vs(9).replace('v[8] = p; ', ''), 'vertex', opts).ok);
  // 16 mat2 rows are 8 mat2s in 16 vectors; 9 are too many (fragment uniforms)
  const fs = (n: number): string => `precision mediump float;\nuniform mat2 m[${n}];\nvoid main() { gl_FragColor = vec4(m[0][0], 0.0, 0.0); }\n`;
  assert.ok(compileShader(fs(8), 'fragment', opts).ok);
  expectCompileError(fs(9), 'fragment', 2, 14, /uniforms do not fit MAX_FRAGMENT_UNIFORM_VECTORS \(16\)/, opts);
  // without the option (desktop / compatibility contexts) nothing is checked here
  assert.ok(compileShader(fs(9), 'fragment', WEBGL1).ok);
});

test('GLSL ES 1.00 § 6.1: user code may overload a built-in function but not redefine it; GLSL ES 3.00 § 6.1 forbids both', () => {
  // an overload (no parameters) of abs: calls pick the user function by its arguments, and abs(float) stays the built-in
  const overload = 'precision mediump float;\nvec4 abs() { return vec4(0.0, 1.0, 0.0, 1.0); }\nvoid main() { gl_FragColor = abs() * abs(-1.0); }\n';
  assert.ok(compileShader(overload, 'fragment', WEBGL1).ok, compileShader(overload, 'fragment', WEBGL1).infoLog);
  // the built-in's own signature is a redefinition, reported at the function's name (line 2, column 7)
  expectCompileError('precision mediump float;\nfloat abs(float x) { return x; }\nvoid main() { gl_FragColor = vec4(abs(1.0)); }\n', 'fragment', 2, 7, /cannot redefine built-in function 'abs\(float\)'/);
  const es3 = { versions: [100, 300] as const, webgl: true } as unknown as CompileOptions;
  expectCompileError('#version 300 es\nprecision mediump float;\nvec4 abs() { return vec4(1.0); }\nout vec4 c;\nvoid main() { c = abs(); }\n', 'fragment', 3, 6, /cannot redefine or overload built-in function 'abs'/, es3);
});

const WEBGL2: CompileOptions = { versions: [100, 300], maxTokenLength: 1024, std140Only: true, webgl2: true };
const ES300_FS = (body: string, decls = ''): string => `#version 300 es\nprecision mediump float;\n${decls}out vec4 o;\nvoid main() {\n${body}\n  o = vec4(1.0);\n}\n`;

test('WebGL 2.0 § 5.26: no ?: or , on void, arrays or structs containing arrays; the same shaders compile outside WebGL 2', () => {
  const S = 'struct S { bool a[3]; };\nvoid f() {}\n';
  // the body is line 7 (after #version, precision, the two declarations, `out`, `void main() {`); a ?: is
  // reported at its '?', a sequence at the operand that breaks the rule
  expectCompileError(ES300_FS('  S b; S c; S d = true ? b : c;', S), 'fragment', 7, 24, /ternary operator cannot be used on structs containing arrays/, WEBGL2);
  expectCompileError(ES300_FS('  true ? f() : f();', S), 'fragment', 7, 8, /ternary operator cannot be used on void/, WEBGL2);
  expectCompileError(ES300_FS('  float a[3]; float b[3] = (true, a);', S), 'fragment', 7, 35, /sequence operator cannot be applied to arrays/, WEBGL2);
  expectCompileError(ES300_FS('  S b; S c = (true, b);', S), 'fragment', 7, 21, /sequence operator cannot be applied to structs containing arrays/, WEBGL2);
  expectCompileError(ES300_FS('  (f(), f());', S), 'fragment', 7, 4, /sequence operator cannot be applied to void/, WEBGL2);
  // allowed: scalars and structs without arrays on both operators
  assert.ok(compileShader(ES300_FS('  float x = (1.0, 2.0); float y = x > 1.0 ? x : 0.0;', 'struct T { float v; };\n'), 'fragment', WEBGL2).ok);
  // GLSL ES 3.00 itself (piglit's dialect) has no such rule
  const es300: CompileOptions = { versions: [100, 300] };
  assert.ok(compileShader(ES300_FS('  (f(), f());', S), 'fragment', es300).ok);
});

test('WebGL 2 reads GLSL ES 3.00 §3.3 strictly: #version 300 es on the first line, not after a comment or an empty line', () => {
  const body = '#version 300 es\nprecision mediump float;\nin vec4 p;\nvoid main() { gl_Position = p; }\n';
  expectCompileError(`// a comment first\n${body}`, 'vertex', 2, 1, /#version 300 es must be on the first line/, WEBGL2);
  expectCompileError(`\n${body}`, 'vertex', 2, 1, /#version 300 es must be on the first line/, WEBGL2);
  assert.ok(compileShader(body, 'vertex', WEBGL2).ok);
  // Mesa (and piglit's tests, which open with a comment) accept it outside WebGL
  assert.ok(compileShader(`// [config]\n${body}`, 'vertex', { versions: [100, 300] }).ok);
});
