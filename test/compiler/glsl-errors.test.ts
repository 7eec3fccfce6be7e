import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFrontEnd } from '../../src/umd/compiler/glsl/index.js';

type Stage = 'vertex' | 'fragment';

/** Assert that compiling fails and the FIRST error has the given code at line:column. */
function expectError(src: string, stage: Stage, code: string, line: number, column: number, message?: RegExp): void {
  const r = compileFrontEnd(src, stage);
  assert.equal(r.ok, false, `expected failure for:\n${src}`);
  const e = r.diagnostics.find((d) => d.severity === 'error')!;
  assert.deepEqual({ code: e.code, line: e.line, column: e.column }, { code, line, column }, r.infoLog);
  if (message) assert.match(e.message, message);
  assert.match(r.infoLog, new RegExp(`^ERROR: 0:${line}:${column}: `));
}

const FS = 'precision mediump float;\n';

test('syntax error position', () => {
  expectError(FS + 'void main() {\n  float x = 1.0\n  x = 2.0;\n}\n', 'fragment', 'S0001', 4, 3, /unexpected 'x'/);
  expectError(FS + 'void main() { gl_FragColor = vec4(1.0; }\n', 'fragment', 'S0001', 2, 38);
});

test('undeclared identifier', () => {
  expectError(FS + 'void main() {\n  gl_FragColor = vec4(foo);\n}\n', 'fragment', 'E0001', 3, 23, /'foo'/);
});

test('undeclared function and type', () => {
  expectError(FS + 'void main() { gl_FragColor = bar(1.0); }\n', 'fragment', 'E0001', 2, 30, /bar/);
  expectError(FS + 'void main() { Foo f; }\n', 'fragment', 'S0001', 2, 19);
});

test('redefinitions: variables, functions, structs, parameters', () => {
  expectError(FS + 'float a;\nfloat a;\nvoid main() {}\n', 'fragment', 'E0002', 3, 7, /redefinition/);
  expectError(FS + 'void f() {}\nvoid f() {}\nvoid main() {}\n', 'fragment', 'E0023', 3, 6);
  expectError(FS + 'struct S { float x; };\nstruct S { float y; };\nvoid main() {}\n', 'fragment', 'E0002', 3, 1);
  expectError(FS + 'void f(float a, float a) {}\nvoid main() {}\n', 'fragment', 'E0002', 2, 23);
  expectError(FS + 'float f(float a);\nint f(float a) { return 1; }\nvoid main() {}\n', 'fragment', 'E0023', 3, 5);
  expectError(FS + 'void main() { float x; { float x; } float x; }\n', 'fragment', 'E0002', 2, 43);
  // ES: built-in functions cannot be redefined
  expectError(FS + 'float sin(float x) { return x; }\nvoid main() {}\n', 'fragment', 'E0002', 2, 7);
});

test('type mismatches and no implicit conversions in ES', () => {
  expectError(FS + 'void main() {\n  float x = 1;\n}\n', 'fragment', 'E0003', 3, 9, /'float'.*'int'/);
  expectError(FS + 'void main() {\n  vec3 v = vec3(1.0);\n  vec4 w = v + vec4(1.0);\n}\n', 'fragment', 'E0003', 4, 14);
  expectError(FS + 'void main() {\n  vec3 v;\n  v = 1;\n}\n', 'fragment', 'E0003', 4, 5);
  expectError(FS + 'void main() {\n  if (1.0) {}\n}\n', 'fragment', 'E0019', 3, 7);
  expectError(FS + 'void main() {\n  mat3 m; vec4 v = m * vec4(1.0);\n}\n', 'fragment', 'E0003', 3, 22);
});

test('wrong argument types', () => {
  expectError(FS + 'void main() {\n  float d = dot(vec3(1.0), vec2(1.0));\n}\n', 'fragment', 'E0004', 3, 13, /dot\(vec3, vec2\)/);
  expectError(FS + 'void f(vec2 a) {}\nvoid main() {\n  f(1.0);\n}\n', 'fragment', 'E0004', 4, 3);
  expectError(FS + 'void f(out float a) {}\nvoid main() {\n  f(1.0);\n}\n', 'fragment', 'E0007', 4, 5);
});

test('return type mismatches', () => {
  expectError(FS + 'float f() {\n  return vec2(1.0);\n}\nvoid main() {}\n', 'fragment', 'E0014', 3, 3);
  expectError(FS + 'void f() {\n  return 1.0;\n}\nvoid main() {}\n', 'fragment', 'E0014', 3, 3);
  expectError(FS + 'float f() {\n  return;\n}\nvoid main() {}\n', 'fragment', 'E0014', 3, 3);
});

test('constructor rules', () => {
  expectError(FS + 'void main() {\n  vec4 v = vec4(1.0, 2.0);\n}\n', 'fragment', 'E0005', 3, 12, /not enough/);
  expectError(FS + 'void main() {\n  vec2 v = vec2(vec2(1.0), 1.0);\n}\n', 'fragment', 'E0005', 3, 12, /too many/);
  expectError(FS + 'void main() {\n  mat2 m = mat2(mat2(1.0), 1.0);\n}\n', 'fragment', 'E0005', 3, 12);
  expectError(FS + 'struct S { float a; vec2 b; };\nvoid main() {\n  S s = S(1.0);\n}\n', 'fragment', 'E0005', 4, 9);
  expectError(FS + 'struct S { float a; };\nvoid main() {\n  S s = S(1);\n}\n', 'fragment', 'E0005', 4, 9);
  expectError(FS + 'void main() {\n  float f = float(1.0, 2.0);\n}\n', 'fragment', 'E0005', 3, 13);
});

test('swizzle validation', () => {
  expectError(FS + 'void main() {\n  vec4 v; vec2 a = v.xg;\n}\n', 'fragment', 'E0006', 3, 22, /mixes/);
  expectError(FS + 'void main() {\n  vec2 v; float a = v.z;\n}\n', 'fragment', 'E0006', 3, 23, /out of range/);
  expectError(FS + 'void main() {\n  vec4 v; vec4 a = v.xyzwx;\n}\n', 'fragment', 'E0006', 3, 22);
  expectError(FS + 'void main() {\n  vec4 v;\n  v.xx = vec2(1.0);\n}\n', 'fragment', 'E0007', 4, 3, /repeated/);
  expectError(FS + 'void main() {\n  float f; float g = f.x;\n}\n', 'fragment', 'E0020', 3, 24);
});

test('l-value checks: const, uniform, attribute, varying in fragment, built-in inputs', () => {
  expectError(FS + 'const float c = 1.0;\nvoid main() {\n  c = 2.0;\n}\n', 'fragment', 'E0007', 4, 3, /const/);
  expectError(FS + 'uniform float u;\nvoid main() {\n  u = 2.0;\n}\n', 'fragment', 'E0007', 4, 3, /uniform/);
  expectError('attribute float a;\nvoid main() {\n  a += 1.0;\n  gl_Position = vec4(a);\n}\n', 'vertex', 'E0007', 3, 3, /attribute/);
  expectError(FS + 'varying float v;\nvoid main() {\n  v = 1.0;\n}\n', 'fragment', 'E0007', 4, 3, /varying/);
  expectError(FS + 'void main() {\n  gl_FragCoord = vec4(1.0);\n}\n', 'fragment', 'E0007', 3, 3, /read-only/);
  expectError(FS + 'void main() {\n  1.0 = 2.0;\n}\n', 'fragment', 'E0007', 3, 3);
  expectError(FS + 'void f(const in float x) {\n  x = 1.0;\n}\nvoid main() {}\n', 'fragment', 'E0007', 3, 3);
  // varyings are writable in vertex shaders
  assert.equal(compileFrontEnd('varying float v;\nvoid main() { v = 1.0; gl_Position = vec4(v); }', 'vertex').ok, true);
});

test('constant expressions: const initializers and array sizes', () => {
  expectError(FS + 'uniform float u;\nconst float c = u;\nvoid main() {}\n', 'fragment', 'E0008', 3, 17);
  expectError(FS + 'const float c;\nvoid main() {}\n', 'fragment', 'E0008', 2, 13);
  expectError(FS + 'uniform int n;\nfloat a[n];\nvoid main() {}\n', 'fragment', 'E0009', 3, 9);
  expectError(FS + 'float a[0];\nvoid main() {}\n', 'fragment', 'E0009', 2, 9);
  expectError(FS + 'float a[2.0];\nvoid main() {}\n', 'fragment', 'E0009', 2, 9);
  expectError(FS + 'void main() {\n  float a[3];\n  a[3] = 1.0;\n}\n', 'fragment', 'E0010', 4, 5);
  expectError(FS + 'void main() {\n  vec3 v;\n  v[-1] = 1.0;\n}\n', 'fragment', 'E0010', 4, 5);
});

test('precision rules', () => {
  expectError('void main() {\n  float x = 1.0;\n}\n', 'fragment', 'E0011', 2, 3, /precision/);
  expectError('uniform vec4 color;\nvoid main() {}\n', 'fragment', 'E0011', 1, 9);
  expectError('vec3 f(vec3 a) { return a; }\nvoid main() {}\n', 'fragment', 'E0011', 1, 1);
  expectError('precision mediump vec4;\nvoid main() {}\n', 'fragment', 'E0031', 1, 19);
  expectError('precision mediump float;\nlowp bool b;\nvoid main() {}\n', 'fragment', 'E0031', 2, 6);
  // explicit qualifiers and ints are fine without a default in fragment shaders
  assert.equal(compileFrontEnd('uniform highp vec4 c;\nvoid main() { int i = 1; mediump float f = 1.0; gl_FragColor = c * f; }', 'fragment').ok, true);
  // vertex shaders have a default float precision
  assert.equal(compileFrontEnd('uniform vec4 c; void main() { gl_Position = c; }', 'vertex').ok, true);
  // default precision is scoped
  expectError('void f() { precision mediump float; float a; }\nvoid main() {\n  float b;\n}\n', 'fragment', 'E0011', 3, 3);
  // precision statements are not GLSL 1.10
  assert.equal(compileFrontEnd('#version 110\nprecision mediump float;\nvoid main() {}', 'fragment').ok, false);
});

test('Appendix A loop restrictions (ES)', () => {
  const wrap = (loop: string) => FS + 'uniform int n;\nvoid main() {\n  float s = 0.0;\n' + loop + '\n}\n';
  // condition against non-constant
  expectError(wrap('  for (int i = 0; i < n; i++) { s += 1.0; }'), 'fragment', 'E0012', 5, 23);
  // non-constant initializer
  expectError(wrap('  for (int i = n; i < 4; i++) { s += 1.0; }'), 'fragment', 'E0012', 5, 16);
  // no declaration in init
  expectError(wrap('  int i;\n  for (i = 0; i < 4; i++) { s += 1.0; }'), 'fragment', 'E0012', 6, 8);
  // bad update
  expectError(wrap('  for (int i = 0; i < 4; i *= 2) { s += 1.0; }'), 'fragment', 'E0012', 5, 26);
  // non-constant step
  expectError(wrap('  for (int i = 0; i < 4; i += n) { s += 1.0; }'), 'fragment', 'E0012', 5, 31);
  // modifying the loop index in the body
  expectError(wrap('  for (int i = 0; i < 4; i++) {\n    i = 2;\n  }'), 'fragment', 'E0012', 6, 5, /loop index/);
  // passing the loop index to an out parameter
  const out = FS + 'void g(out int x) { x = 1; }\nvoid main() {\n  for (int i = 0; i < 4; i++) {\n    g(i);\n  }\n}\n';
  expectError(out, 'fragment', 'E0012', 5, 7);
  // condition must compare the index
  expectError(wrap('  for (int i = 0; 4 > i; i++) { s += 1.0; }'), 'fragment', 'E0012', 5, 19);
  // valid forms
  for (const l of [
    'for (int i = 0; i < 4; i++) { s += 1.0; }',
    'for (float f = 1.0; f >= 0.0; f -= 0.25) { s += f; }',
    'for (int i = 10; i != 0; --i) { s += float(i); }',
    'for (int i = 0; i < 8; i += 2) { for (int j = 0; j <= 3; j++) { s += float(j); } }',
  ]) {
    const r = compileFrontEnd(wrap(l), 'fragment');
    assert.equal(r.ok, true, r.infoLog);
  }
  // desktop GLSL has no such restriction
  assert.equal(compileFrontEnd('#version 110\nuniform int n;\nvoid main() { for (int i = 0; i < n; i++) {} }', 'fragment').ok, true);
  // and it can be turned off
  assert.equal(compileFrontEnd(wrap('  for (int i = 0; i < n; i++) { s += 1.0; }'), 'fragment', { enforceAppendixA: false }).ok, true);
});

test('Appendix A: while loops and dynamic indexing (ES, WebGL-strict)', () => {
  expectError(FS + 'void main() {\n  int i = 0;\n  while (i < 3) { i++; }\n}\n', 'fragment', 'E0012', 4, 3, /while/);
  expectError(FS + 'void main() {\n  do { } while (false);\n}\n', 'fragment', 'E0012', 3, 3, /do-while/);
  expectError(FS + 'uniform vec4 u[4];\nuniform int k;\nvoid main() {\n  gl_FragColor = u[k + 1];\n}\n', 'fragment', 'E0021', 5, 20);
  expectError(FS + 'uniform sampler2D s[2];\nuniform int k;\nvoid main() {\n  gl_FragColor = texture2D(s[k], vec2(0.0));\n}\n', 'fragment', 'E0021', 5, 30);
  expectError('uniform int k;\nvoid main() {\n  vec4 v = vec4(1.0);\n  gl_Position = vec4(v[k]);\n}\n', 'vertex', 'E0021', 4, 24);
  // loop indices are constant-index-expressions; vertex-shader uniforms may use any index
  assert.equal(compileFrontEnd(FS + 'uniform vec4 u[4];\nvoid main() { vec4 c = vec4(0.0); for (int i = 0; i < 2; i++) { c += u[i * 2 + 1]; } gl_FragColor = c; }', 'fragment').ok, true);
  assert.equal(compileFrontEnd('uniform mat4 bones[8];\nattribute float idx;\nvoid main() { gl_Position = bones[int(idx)][0]; }', 'vertex').ok, true);
  // all allowed when the restrictions are off
  assert.equal(compileFrontEnd(FS + 'uniform vec4 u[4];\nuniform int k;\nvoid main() { int i = 0; while (i < k) { i++; } gl_FragColor = u[k]; }', 'fragment', { enforceAppendixA: false }).ok, true);
});

test('stage and qualifier errors', () => {
  expectError('precision mediump float;\nattribute vec4 a;\nvoid main() {}\n', 'fragment', 'E0017', 2, 1);
  expectError('void main() {\n  discard;\n}\n', 'vertex', 'E0017', 2, 3);
  expectError('attribute int a;\nvoid main() {}\n', 'vertex', 'E0027', 1, 15);
  expectError('varying bool b;\nvoid main() {}\n', 'vertex', 'E0027', 1, 14);
  expectError('void main() {\n  uniform float u;\n}\n', 'vertex', 'E0016', 2, 3);
  expectError('uniform float u = 1.0;\nvoid main() {}\n', 'vertex', 'E0027', 1, 15);
  expectError('float gl_foo;\nvoid main() {}\n', 'vertex', 'E0025', 1, 7);
  expectError('float webgl_x;\nvoid main() {}\n', 'vertex', 'E0025', 1, 7);
  expectError('void main() {\n  float a__b;\n}\n', 'vertex', 'E0025', 2, 9);
  expectError('void main() {\n  break;\n}\n', 'vertex', 'E0018', 2, 3);
  expectError('void main() {\n  gl_Position = texture2D(s, vec2(0.0));\n}\n', 'vertex', 'E0001', 2, 27);
  expectError('void main() {\n  vec4 v = vec4(1.0) % vec4(2.0);\n}\n', 'vertex', 'E0029', 2, 22, /reserved/);
});

test('main and fragment outputs', () => {
  expectError(FS + 'void f() {}\n', 'fragment', 'E0013', 1, 1, /main/);
  expectError(FS + 'int main() { return 0; }\n', 'fragment', 'E0024', 2, 5);
  expectError(FS + 'void main() {\n  gl_FragColor = vec4(1.0);\n  gl_FragData[0] = vec4(1.0);\n}\n', 'fragment', 'E0015', 4, 3);
  assert.equal(compileFrontEnd(FS + 'void f() {}', 'fragment', { requireMain: false }).ok, true);
});

test('recursion is rejected', () => {
  expectError(FS + 'float f(float x);\nfloat g(float x) { return f(x); }\nfloat f(float x) { return g(x); }\nvoid main() {}\n', 'fragment', 'E0028', 4, 7);
});

test('reserved words and operators', () => {
  expectError('void main() {\n  int switch = 1;\n}\n', 'vertex', 'L0001', 2, 7);
  expectError('void main() {\n  float a = 1.0f;\n}\n', 'vertex', 'L0002', 2, 13);
  // the precision words are identifiers in GLSL 1.10 and reserved in 1.20 (keywords from 1.30)
  assert.ok(compileFrontEnd('#version 110\nvoid main() {\n  float lowp = 1.0; float precision = lowp;\n  gl_FragColor = vec4(precision);\n}\n', 'fragment').ok);
  expectError('#version 120\nvoid main() {\n  float lowp = 1.0;\n}\n', 'vertex', 'L0001', 3, 9);
});

test('diagnostics after #line use the remapped line', () => {
  const r = compileFrontEnd(FS + '#line 41\nvoid main() {\n  gl_FragColor = vec4(nope);\n}\n', 'fragment');
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics[0]!.line, 42);
  assert.match(r.infoLog, /^ERROR: 0:42:23: /);
});
