/**
 * The GLSL ES 3.00 front end: `#version 300 es` selects the language (and an
 * API that allows ES 1.00 only rejects it), its keywords and reserved words,
 * in/out with layout and interpolation qualifiers, integer operators, switch,
 * and the clear errors for what the hardware does not do yet — each at its
 * line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFrontEnd } from '../../src/umd/compiler/glsl/index.js';
import { compileReport, compileShader } from '../../src/umd/compiler/index.js';

type Stage = 'vertex' | 'fragment';
const V = '#version 300 es\n';
const FS = V + 'precision mediump float;\n';

function ok(src: string, stage: Stage): void {
  const r = compileFrontEnd(src, stage);
  assert.ok(r.ok, r.infoLog);
  assert.equal(r.version, 300);
}
/** the first error has this code at line:column */
function err(src: string, stage: Stage, code: string, line: number, column: number, message?: RegExp): void {
  const r = compileFrontEnd(src, stage);
  assert.equal(r.ok, false, `expected failure for:\n${src}`);
  const e = r.diagnostics.find((d) => d.severity === 'error')!;
  assert.deepEqual({ code: e.code, line: e.line, column: e.column }, { code, line, column }, r.infoLog);
  if (message) assert.match(e.message, message);
}

test('#version 300 es selects GLSL ES 3.00; the API decides which versions it allows', () => {
  ok(V + 'in vec4 p;\nvoid main() { gl_Position = p; }\n', 'vertex');
  // __VERSION__ is 300 and GL_ES is defined
  ok(V + '#if __VERSION__ == 300 && defined(GL_ES)\nvoid main() { gl_Position = vec4(0.0); }\n#endif\n', 'vertex');
  const es1 = compileShader(V + 'void main() {}\n', 'vertex', { versions: [100, 110, 120] });
  assert.equal(es1.ok, false);
  assert.match(es1.infoLog, /^ERROR: 0:1:10: version 300 es is not supported \(supported: 100, 110, 120\)/);
  // without #version the language stays ES 1.00: ES 3.00 words are identifiers there
  assert.ok(compileFrontEnd('precision mediump float;\nfloat layout; int uint;\nvoid main() { float smooth = 1.0; gl_FragColor = vec4(smooth); }\n', 'fragment').ok);
});

test('keywords and reserved words of ES 3.00: attribute/varying are reserved, texture2D is gone, ES 1.00 keeps them', () => {
  err(V + 'attribute vec4 p;\nvoid main() {}\n', 'vertex', 'L0001', 2, 1, /'attribute' is a reserved word/);
  err(FS + 'varying vec4 v;\nvoid main() {}\n', 'fragment', 'L0001', 3, 1, /'varying'/);
  err(FS + 'uniform sampler2D s;\nout vec4 c;\nvoid main() { c = texture2D(s, vec2(0.0)); }\n', 'fragment', 'E0004', 5, 19, /texture2D/);
  // gl_FragColor is not an ES 3.00 built-in
  err(FS + 'void main() { gl_FragColor = vec4(1.0); }\n', 'fragment', 'E0001', 3, 15, /gl_FragColor/);
  err(FS + 'void main() { float sample = 1.0; }\n', 'fragment', 'L0001', 3, 21, /'sample'/);
  // the ES 1.00 integer operators stay reserved there
  err('void main() { int a = 5 % 2; }\n', 'vertex', 'E0029', 1, 25, /'%' is reserved/);
});

test('in/out storage: stage rules, layout locations, interpolation qualifiers', () => {
  ok(V + 'layout(location = 2) in vec4 p;\nin ivec2 i;\nin uint u;\nsmooth out vec4 a;\ncentroid out float b;\ninvariant gl_Position;\nvoid main() { a = p; b = float(i.x) + float(u); gl_Position = p; }\n', 'vertex');
  ok(FS + 'smooth in vec4 a;\ncentroid in float b;\nlayout(location = 0) out vec4 c;\nvoid main() { c = a * b; }\n', 'fragment');
  err(V + 'in bool p;\nvoid main() {}\n', 'vertex', 'E0027', 2, 9, /vertex shader input 'p' cannot have type 'bool'/);
  err(V + 'in vec4 p[2];\nvoid main() {}\n', 'vertex', 'E0027', 2, 9, /cannot be an array/);
  err(V + 'out int n;\nvoid main() {}\n', 'vertex', 'E0027', 2, 9, /integer type and must be qualified 'flat'/);
  err(V + 'layout(location = 1) out vec4 v;\nvoid main() {}\n', 'vertex', 'E0035', 2, 8, /only allowed on vertex shader inputs and fragment shader outputs/);
  err(V + 'layout(std140) uniform vec4 u;\nvoid main() {}\n', 'vertex', 'E0035', 2, 8, /only applies to uniform blocks/);
  err(V + 'void main() { in vec4 x; }\n', 'vertex', 'E0016', 2, 15, /global scope/);
  err(FS + 'in vec4 a;\nout vec4 c;\nvoid main() { a = vec4(1.0); c = a; }\n', 'fragment', 'E0007', 5, 15, /varying 'a'/);
  err(FS + 'out vec4 c;\nout vec4 d;\nvoid main() {}\n', 'fragment', 'E0035', 3, 10, /needs a layout location when there are several outputs/);
});

test('flat inputs compile to ld_vary_flat (the provoking vertex\'s bits); integer and integer-struct varyings need flat', () => {
  ok(FS + 'flat in float f;\nflat in ivec2 i;\nflat in uint u;\nout vec4 c;\nvoid main() { c = vec4(f, float(i.x + i.y), float(u), 1.0); }\n', 'fragment');
  ok(FS + 'struct S { int a; float b; };\nflat in S s;\nout vec4 c;\nvoid main() { c = vec4(float(s.a) + s.b); }\n', 'fragment');
  err(FS + 'struct S { int a; float b; };\nin S s;\nout vec4 c;\nvoid main() { c = vec4(1.0); }\n', 'fragment', 'E0027', 4, 6, /non-float members/);
  const r = compileReport(FS + 'flat in int i;\nin float g;\nout vec4 c;\nvoid main() { c = vec4(float(i), g, 0.0, 1.0); }\n', 'fragment');
  assert.ok(r.ok, r.text);
  assert.match(r.text, /ld_vary_flat r\d+, v8\b/);
  assert.match(r.text, /ld_vary r\d+, v9\b/);
});

test('fragment outputs go to render targets 0..gl_MaxDrawBuffers-1 (8: FRAMEBUFFER color_count), one output per location', () => {
  ok(FS + 'layout(location = 1) out vec4 c;\nvoid main() { c = vec4(1.0); }\n', 'fragment');
  ok(FS + 'out vec4 c[2];\nvoid main() { c[0] = vec4(0.0); c[1] = vec4(1.0); }\n', 'fragment');
  ok(FS + 'layout(location = 7) out vec4 c;\nlayout(location = 0) out vec4 d;\nvoid main() { c = d = vec4(gl_MaxDrawBuffers == 8 ? 1.0 : 0.0); }\n', 'fragment');
  err(FS + 'layout(location = 8) out vec4 c;\nvoid main() {}\n', 'fragment', 'E0035', 3, 31, /location 8 is beyond gl_MaxDrawBuffers \(8\)/);
  err(FS + 'layout(location = 6) out vec4 c[3];\nvoid main() {}\n', 'fragment', 'E0035', 3, 31, /location 6\.\.8 is beyond/);
  err(FS + 'layout(location = 1) out vec4 c[2];\nlayout(location = 2) out vec4 d;\nvoid main() {}\n', 'fragment', 'E0035', 4, 31, /'c' and 'd' both use location 2/);
  // the code: output `location + i` of an array is st_out rt<location + i>, component by component
  const r = compileReport(FS + 'layout(location = 2) out vec4 c[2];\nlayout(location = 0) out vec2 d;\nvoid main() { c[0] = vec4(1.0); c[1] = vec4(2.0); d = vec2(3.0); }\n', 'fragment');
  assert.ok(r.ok, r.text);
  const outs = r.text.split('\n').map((l) => /st_out (rt\d+\.[xyzw]), (.+)$/.exec(l.trim())).filter(Boolean).map((m) => `${m![1]}=${m![2]}`).sort();
  assert.deepEqual(outs, [
    'rt0.x=#3.0', 'rt0.y=#3.0',
    'rt2.w=#1.0', 'rt2.x=#1.0', 'rt2.y=#1.0', 'rt2.z=#1.0',
    'rt3.w=#2.0', 'rt3.x=#2.0', 'rt3.y=#2.0', 'rt3.z=#2.0',
  ]);
});

test('integer fragment outputs (GLSL ES 3.00 § 4.3.6) compile: their words go to integer render targets', () => {
  ok(FS + 'layout(location = 1) out ivec4 c; layout(location = 0) out uint u;\nvoid main() { c = ivec4(-1, 2, 3, 4); u = 4294967295u; }\n', 'fragment');
});

test('integer samplers: their lookups return ivec4 / uvec4 (GLSL ES 3.00 § 8.8), they have no default precision (§ 4.5.4)', () => {
  ok(FS + 'uniform highp isampler2D s; uniform highp usampler3D u; out vec4 c;\nvoid main() { ivec4 a = texture(s, vec2(0.5)); uvec4 b = texelFetch(u, ivec3(0), 0); ivec2 n = textureSize(s, 0); c = vec4(a) + vec4(b) + vec4(n, 0, 0); }\n', 'fragment');
  err(FS + 'uniform highp isampler2D s; out vec4 c;\nvoid main() { vec4 v = texture(s, vec2(0.5)); c = v; }\n', 'fragment', 'E0003', 4, 20, /ivec4/);
  err(FS + 'uniform isampler2DArray s; out vec4 c;\nvoid main() { c = vec4(0); }\n', 'fragment', 'E0011', 3, 9, /precision/);
});

test('integer types and operators type-check as §5.9 says', () => {
  ok(V + 'void main() { uint u = 3u; int i = -2; ivec3 v = ivec3(1) << 2; uvec2 w = uvec2(7u) % 4u;\n  i <<= 1u; u >>= 2; u &= 0xffu; i = ~i ^ 5 | 2; gl_Position = vec4(float(u + uint(i)) + float(v.x + int(w.y))); }\n', 'vertex');
  err(V + 'void main() { uint u = 1; }\n', 'vertex', 'E0003', 2, 20, /'uint' with a value of type 'int'/);
  err(V + 'void main() { int i = 1 + 1u; }\n', 'vertex', 'E0003', 2, 25, /'\+' cannot be applied to 'int' and 'uint'/);
  err(V + 'void main() { float f = 1.0 % 2.0; }\n', 'vertex', 'E0003', 2, 29, /'%' cannot be applied to 'float'/);
  err(V + 'void main() { int i = 1 << ivec2(1).x; ivec2 v = 1 << ivec2(2); }\n', 'vertex', 'E0003', 2, 52, /'<<'/);
  err(V + 'void main() { vec2 v = ~vec2(1.0); }\n', 'vertex', 'E0003', 2, 24, /'~' requires an integer operand/);
  err(V + 'void main() { uint u = 4294967296u; }\n', 'vertex', 'L0002', 2, 24);
});

test('switch: selector and label rules', () => {
  ok(V + 'void main() { int s = 0; switch (s) { case 0: case 1: s++; break; default: s--; } gl_Position = vec4(float(s)); }\n', 'vertex');
  err(V + 'void main() { switch (1.0) { default: break; } }\n', 'vertex', 'E0034', 2, 23, /scalar int or uint/);
  err(V + 'void main() { int s = 0; switch (s) { case 1: break; case 1: break; } }\n', 'vertex', 'E0034', 2, 59, /duplicate case label 1/);
  err(V + 'void main() { int s = 0; switch (s) { case 1u: break; } }\n', 'vertex', 'E0034', 2, 44, /case label of type 'uint' in a switch on 'int'/);
  err(V + 'void main() { int s = 0; switch (s) { s++; case 1: break; } }\n', 'vertex', 'E0034', 2, 39, /before the first case label/);
  err(V + 'void main() { int s = 0; switch (s) { default: break; default: break; } }\n', 'vertex', 'E0034', 2, 55, /more than one 'default'/);
  err(V + 'void main() { int s = 0; switch (s) { case s: break; } }\n', 'vertex', 'E0008', 2, 44, /constant/);
  err(V + 'void main() { case 1: ; }\n', 'vertex', 'E0034', 2, 15, /outside the body of a switch/);
  err(V + 'void main() { int s = 0; switch (s) { case 1: continue; } }\n', 'vertex', 'E0018', 2, 47, /'continue' statement not in a loop/);
});

test('ES 3.00 lifts Appendix A: while and do-while loops, non-constant indexing; sampler arrays still need constants', () => {
  ok(V + 'uniform int n; float a[4];\nvoid main() { int i = 0; while (i < n) { a[i] = 1.0; i++; } do { i--; } while (i > 0); gl_Position = vec4(a[n]); }\n', 'vertex');
  err(FS + 'uniform sampler2D s[2];\nuniform int n;\nout vec4 c;\nvoid main() { c = texture(s[n], vec2(0.0)); }\n', 'fragment', 'E0021', 6, 29, /constant integral expression/);
});
