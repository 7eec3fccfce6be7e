import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShaderTest, parseCommand, relativeToPixel, toleranceForBits, probeMatches } from '../../src/conformance/shader-test.js';
import { parseParserTestConfig } from '../../src/conformance/parser-test.js';
import { classify, classifyWorkerExit, directoryOf, summarise, SkipTest, TestFailure } from '../../src/conformance/outcome.js';
import { selectSubset } from '../../src/conformance/suite.js';
import { regressions, raise } from '../../src/conformance/ratchet.js';
import { desktopSource } from '../../src/conformance/run-shader-test.js';

const SAMPLE = `# a comment before any section
[require]
GLSL >= 1.10
GL_MAX_VARYING_COMPONENTS >= 40
GL_ARB_foo
!GL_ARB_bar
SIZE 64 32

[vertex shader]
void main() { gl_Position = gl_Vertex; }

[fragment shader]
uniform vec4 c;
void main() { gl_FragColor = c; }

[vertex data]
vertex/float/2  color/float/3
-1 -1   1 0 0
 1 -1   0 1 0   # trailing comment

[test]
clear color 0.0 0.0 1.0 0.0
clear
uniform vec4 c 0 1 0 1   # green
draw rect -1 -1 2 2
draw rect ortho 0 0 4 4
draw rect tex -1 -1 2 2 0 0 1 1
draw arrays GL_TRIANGLE_FAN 0 4
probe rgb 25 10 0.0 1.0 0.0
probe rgba 1 1 0 1 0 0
relative probe rgba (0.5, 0.25) (0.0, 1.0, 0.0, 1.0)
probe rect rgba (0, 0, 4, 4) (0, 1, 0, 1)
probe all rgb 0 1 0
texture rgbw 0 (8, 8)
texture checkerboard 1 0 (8, 8) (0.0, 0.0, 0.0, 0.0) (1.0, 1.0, 1.0, 1.0)
ortho
ortho 0 1 0 1
tolerance 0.02 0.02 0.02 0.02
link success
frustum -1 1 -1 1 1 10
`;

test('sections: require, shaders, vertex data, test', () => {
  const t = parseShaderTest(SAMPLE);
  assert.deepEqual(t.size, { width: 64, height: 32 });
  assert.deepEqual(t.requires.map((r) => [r.kind, r.name ?? null, r.op ?? null, r.value ?? null, r.negated ?? null]), [
    ['glsl', null, '>=', 1.1, null],
    ['limit', 'GL_MAX_VARYING_COMPONENTS', '>=', 40, null],
    ['extension', 'GL_ARB_foo', null, null, false],
    ['extension', 'GL_ARB_bar', null, null, true],
  ]);
  assert.equal(t.shaders.length, 2);
  assert.equal(t.shaders[0].stage, 'vertex');
  assert.match(t.shaders[0].source, /gl_Vertex/);
  assert.equal(t.shaders[0].line, 10);
  assert.equal(t.shaders[1].stage, 'fragment');
  assert.deepEqual(t.vertexData, {
    attributes: [{ name: 'vertex', type: 'float', count: 2 }, { name: 'color', type: 'float', count: 3 }],
    rows: [[-1, -1, 1, 0, 0], [1, -1, 0, 1, 0]],
  });
  assert.equal(t.tests.length, 19);
  assert.equal(t.tests[0].line, 22);
});

test('each command parses', () => {
  const ops = parseShaderTest(SAMPLE).tests.map((l) => l.command);
  assert.deepEqual(ops[0], { op: 'clear color', color: [0, 0, 1, 0] });
  assert.deepEqual(ops[1], { op: 'clear' });
  assert.deepEqual(ops[2], { op: 'uniform', type: 'vec4', name: 'c', values: [0, 1, 0, 1] });
  assert.deepEqual(ops[3], { op: 'draw rect', ortho: false, tex: false, rect: [-1, -1, 2, 2] });
  assert.deepEqual(ops[4], { op: 'draw rect', ortho: true, tex: false, rect: [0, 0, 4, 4] });
  assert.deepEqual(ops[5], { op: 'draw rect', ortho: false, tex: true, rect: [-1, -1, 2, 2], texRect: [0, 0, 1, 1] });
  assert.deepEqual(ops[6], { op: 'draw arrays', mode: 'GL_TRIANGLE_FAN', first: 0, count: 4 });
  assert.deepEqual(ops[7], { op: 'probe', relative: false, channels: 3, x: 25, y: 10, expected: [0, 1, 0] });
  assert.deepEqual(ops[8], { op: 'probe', relative: false, channels: 4, x: 1, y: 1, expected: [0, 1, 0, 0] });
  assert.deepEqual(ops[9], { op: 'probe', relative: true, channels: 4, x: 0.5, y: 0.25, expected: [0, 1, 0, 1] });
  assert.deepEqual(ops[10], { op: 'probe rect', channels: 4, rect: [0, 0, 4, 4], expected: [0, 1, 0, 1] });
  assert.deepEqual(ops[11], { op: 'probe all', channels: 3, expected: [0, 1, 0] });
  assert.deepEqual(ops[12], { op: 'texture rgbw', unit: 0, width: 8, height: 8 });
  assert.deepEqual(ops[13], { op: 'texture checkerboard', unit: 1, level: 0, width: 8, height: 8, low: [0, 0, 0, 0], high: [1, 1, 1, 1] });
  assert.deepEqual(ops[14], { op: 'ortho', bounds: null });
  assert.deepEqual(ops[15], { op: 'ortho', bounds: [0, 1, 0, 1] });
  assert.deepEqual(ops[16], { op: 'tolerance', values: [0.02, 0.02, 0.02, 0.02] });
  assert.deepEqual(ops[17], { op: 'link', expect: 'success' });
  assert.deepEqual(ops[18], { op: 'frustum', bounds: [-1, 1, -1, 1, 1, 10] });
});

test('compatibility commands: color, hint, enable, shade model, clip plane, shadow textures', () => {
  assert.deepEqual(parseCommand('color 0.25 0.75 0.5 0.25'), { op: 'color', color: [0.25, 0.75, 0.5, 0.25] });
  assert.deepEqual(parseCommand('hint GL_FRAGMENT_SHADER_DERIVATIVE_HINT GL_NICEST'), { op: 'hint', target: 'GL_FRAGMENT_SHADER_DERIVATIVE_HINT', mode: 'GL_NICEST' });
  assert.deepEqual(parseCommand('enable GL_CLIP_PLANE0'), { op: 'enable', on: true, cap: 'GL_CLIP_PLANE0' });
  assert.deepEqual(parseCommand('shade model flat'), { op: 'shade model', model: 'flat' });
  assert.deepEqual(parseCommand('clip plane 0 0.0 0.0 -1.0 -1.75'), { op: 'clip plane', plane: 0, equation: [0, 0, -1, -1.75] });
  assert.deepEqual(parseCommand('texture shadow2D 0 (32, 32)'), { op: 'texture shadow', dim: '2D', unit: 0, width: 32, height: 32 });
  assert.deepEqual(parseCommand('texture shadow1D 1 (16)'), { op: 'texture shadow', dim: '1D', unit: 1, width: 16, height: 1 });
  assert.deepEqual(parseCommand('texparameter 2D compare_func equal'), { op: 'texparameter', target: '2D', name: 'compare_func', value: 'equal' });
  assert.deepEqual(parseCommand('texture rgbw 1D 0'), { op: 'texture rgbw', dim: '1D', unit: 0, width: 0, height: 0 });
  assert.deepEqual(parseCommand('texture rgbw 3D 1'), { op: 'texture rgbw', dim: '3D', unit: 1, width: 0, height: 0 });
});

test('probes read the numbers they need and ignore the rest of the line, as shader_runner does', () => {
  assert.deepEqual(parseCommand('probe all rgb 0 0.25 0 0'), { op: 'probe all', channels: 3, expected: [0, 0.25, 0] });
  assert.deepEqual(parseCommand('probe rgb 1 1 0.5 0.5 0.5 0.0'), { op: 'probe', relative: false, channels: 3, x: 1, y: 1, expected: [0.5, 0.5, 0.5] });
  assert.deepEqual(parseCommand('relative probe rgb (0.0, 0.0) (1.0, 0.5, 1.0, 1.0)'), { op: 'probe', relative: true, channels: 3, x: 0, y: 0, expected: [1, 0.5, 1] });
  assert.deepEqual(parseCommand('probe warn all rgba 0.0 1.0 0.0 1.0'), { op: 'probe all', channels: 4, expected: [0, 1, 0, 1], warn: true });
});

test('malformed and unknown commands are unknown (a skip), never silently accepted', () => {
  assert.equal(parseCommand('probe all rgb 0 1').op, 'unknown');
  assert.equal(parseCommand('probe rgba 1 1 0 1').op, 'unknown');
  assert.equal(parseCommand('clip plane 0 1 0 0').op, 'unknown');
  assert.equal(parseCommand('frustum -1 1 -1 1 1').op, 'unknown');
  assert.equal(parseCommand('draw rect 1 2 3').op, 'unknown');
  assert.deepEqual(parseCommand('uniform int i 0x10'), { op: 'uniform', type: 'int', name: 'i', values: [16] });
  // float values in hex are bit patterns: 0x7f000000 = 2^127, 0xff000000 = -2^127, 0x3f800000 = 1
  assert.deepEqual(parseCommand('uniform vec3 v[2] 0x7f000000 0xff000000 0x3f800000'), { op: 'uniform', type: 'vec3', name: 'v[2]', values: [2 ** 127, -(2 ** 127), 1] });
  assert.deepEqual(parseCommand('tolerance 0.5'), { op: 'tolerance', values: [0.5, 0.5, 0.5, 0.5] });
});

test('[require] ignores C comment lines, as shader_runner does', () => {
  const t = parseShaderTest('[require]\nGLSL >= 1.20\n\n/* Test varying matrix whose\n * column number...\n */\n[test]\nclear\n');
  assert.deepEqual(t.requires.map((r) => r.kind), ['glsl']);
  const u = parseShaderTest('[require]\n/* could be overriden, but\n   another shader.\n*/\nGL >= 2.0\n[test]\nclear\n');
  assert.deepEqual(u.requires.map((r) => r.kind), ['gl']);
});

test('shader sections keep [ lines that are GLSL', () => {
  const t = parseShaderTest('[fragment shader]\nfloat a[2];\n[x]\n[test]\nclear\n');
  assert.match(t.shaders[0].source, /\[x\]/);
  assert.equal(t.tests.length, 1);
});

test('relative probe coordinate math: truncation and clamping to the window', () => {
  assert.deepEqual(relativeToPixel(0.5, 0.25, 250, 250), { x: 125, y: 62 });
  assert.deepEqual(relativeToPixel(0.8666666666666667, 0.13333333333333336, 250, 250), { x: 216, y: 33 });
  assert.deepEqual(relativeToPixel(1.0, 1.0, 250, 100), { x: 249, y: 99 });
  assert.deepEqual(relativeToPixel(0, 0, 250, 250), { x: 0, y: 0 });
});

test('tolerance: piglit default for 8 bits, and the comparison', () => {
  const tol = toleranceForBits([8, 8, 8, 1]);
  assert.equal(tol[0], 3 / 256);
  assert.equal(tol[3], 1);
  assert.ok(probeMatches([0.5, 0, 0, 0], [0.51, 0, 0, 1], tol, 4));
  assert.ok(!probeMatches([0.5, 0, 0, 0], [0.52, 0, 0, 0], tol, 3));
  assert.ok(probeMatches([0.5, 0, 0, 0], [0.5, 0, 0, 1], [0.01, 0.01, 0.01, 0.01], 3));
  assert.ok(!probeMatches([NaN, 0, 0, 0], [0, 0, 0, 0], tol, 1));
});

test('glslparsertest config blocks', () => {
  const c = parseParserTestConfig('// [config]\n// expect_result: fail\n// glsl_version: 1.10\n// check_link: true\n// require_extensions: GL_A !GL_B\n// [end config]\nvoid main(){}\n', 'x/a.frag');
  assert.deepEqual(c, { expectResult: 'fail', glslVersion: '1.10', requireExtensions: ['GL_A', '!GL_B'], checkLink: true, stage: 'fragment' });
  const d = parseParserTestConfig('/* [config]\n * expect_result: pass\n * glsl_version: 1.00\n * [end config]\n */\n', 'b.vert');
  assert.equal(d.expectResult, 'pass');
  assert.equal(d.stage, 'vertex');
  assert.throws(() => parseParserTestConfig('// [config]\n// glsl_version: 1.10\n// [end config]\n', 'c.vert'));
});

test('outcome classification', () => {
  assert.deepEqual(classify(() => ({ outcome: 'pass', detail: '' })), { outcome: 'pass', detail: '' });
  assert.deepEqual(classify(() => { throw new SkipTest('requires GLSL >= 1.30'); }), { outcome: 'skip', detail: 'requires GLSL >= 1.30' });
  assert.deepEqual(classify(() => { throw new TestFailure('probe'); }), { outcome: 'fail', detail: 'probe' });
  assert.equal(classify(() => { throw new TypeError('x is undefined'); }).outcome, 'crash');
  assert.equal(classifyWorkerExit(null, 'SIGSEGV').outcome, 'crash');
  assert.equal(directoryOf('tests/spec/glsl-1.10/execution/a/b.shader_test'), 'tests/spec/glsl-1.10/execution');
  const s = summarise({ 'a/b/c/d/x': { outcome: 'pass', detail: '' }, 'a/b/c/d/y': { outcome: 'timeout', detail: '' } });
  assert.deepEqual(s.get('a/b/c/d'), { pass: 1, fail: 0, skip: 0, crash: 0, timeout: 1 });
});

test('ci subset, ratchet and desktop #version', () => {
  const paths = ['a.vert', ...Array.from({ length: 17 }, (_, i) => `s${String(i).padStart(2, '0')}.shader_test`)];
  assert.deepEqual(selectSubset(paths, 'ci'), ['a.vert', 's00.shader_test', 's08.shader_test', 's16.shader_test']);
  const m = new Map([['d', { pass: 5, fail: 0, skip: 0, crash: 0, timeout: 0 }]]);
  assert.deepEqual(regressions({ d: 6, e: 1 }, m), ['d: 5 pass < baseline 6', 'e: 0 pass < baseline 1']);
  assert.deepEqual(regressions({ d: 5 }, m), []);
  assert.deepEqual(raise({ d: 7 }, m), { d: 7 });
  assert.deepEqual(raise({ d: 1 }, m), { d: 5 });
  const desk = parseShaderTest('[require]\nGLSL >= 1.10\n');
  const es = parseShaderTest('[require]\nGL ES >= 2.0\n');
  assert.equal(desktopSource(desk, 'void main(){}'), '#version 110\nvoid main(){}');
  assert.equal(desktopSource(desk, '#version 120\nvoid main(){}'), '#version 120\nvoid main(){}');
  assert.equal(desktopSource(es, 'void main(){}'), 'void main(){}');
  // shader_runner writes the version the test requires when the shader names none
  const desk120 = parseShaderTest('[require]\nGLSL >= 1.20\n');
  assert.equal(desktopSource(desk120, 'void main(){}'), '#version 120\nvoid main(){}');
  assert.equal(desktopSource(desk120, '#version 110\nvoid main(){}'), '#version 110\nvoid main(){}');
  assert.equal(desktopSource(parseShaderTest('[require]\nGL >= 2.0\n'), 'void main(){}'), '#version 110\nvoid main(){}');
});
