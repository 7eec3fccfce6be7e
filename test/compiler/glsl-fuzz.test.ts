import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileFrontEnd, type Diagnostic } from '../../src/umd/compiler/glsl/index.js';

/**
 * Robustness properties: the front end never throws and never hits its internal-error
 * path (E0999, which is how index.ts reports an exception that escaped a stage); every
 * failed compile carries at least one well-formed error diagnostic.
 */
function wellFormed(src: string, stage: 'vertex' | 'fragment', version?: 100 | 110 | 120): void {
  let r: ReturnType<typeof compileFrontEnd>;
  try {
    r = compileFrontEnd(src, stage, version ? { defaultVersion: version } : {});
  } catch (e) {
    assert.fail(`compileFrontEnd threw on ${JSON.stringify(src.slice(0, 300))}: ${String(e)}`);
  }
  const internal = r.diagnostics.find((d: Diagnostic) => d.code === 'E0999');
  assert.equal(internal, undefined, `internal error on ${JSON.stringify(src.slice(0, 300))}: ${internal?.message}`);
  if (!r.ok) assert.ok(r.diagnostics.some((d) => d.severity === 'error'), 'failed without an error diagnostic');
  else assert.ok(r.ast && r.reflection);
  for (const d of r.diagnostics) {
    assert.match(d.code, /^[PLSEW]\d{4}$/);
    assert.ok(Number.isInteger(d.line) && d.line >= 0, `bad line ${d.line}`);
    assert.ok(Number.isInteger(d.column) && d.column >= 0, `bad column ${d.column}`);
    assert.equal(typeof d.message, 'string');
  }
}

const VOCAB = [
  'void', 'main', '(', ')', '{', '}', ';', ',', '.', '[', ']', '=', '+=', '-=', '*=', '/=', '+', '-', '*', '/', '%',
  '<', '>', '<=', '>=', '==', '!=', '&&', '||', '^^', '!', '~', '?', ':', '++', '--', '<<', '>>', '&', '|', '^',
  'float', 'int', 'bool', 'vec2', 'vec3', 'vec4', 'ivec3', 'bvec2', 'mat2', 'mat3', 'mat4', 'mat2x3', 'sampler2D',
  'samplerCube', 'struct', 'S', 'x', 'y', 'i', 'a', 'b', 'f', 'xyz', 'rgba', 'length', 'const', 'uniform',
  'attribute', 'varying', 'invariant', 'precision', 'lowp', 'mediump', 'highp', 'in', 'out', 'inout', 'if', 'else',
  'for', 'while', 'do', 'break', 'continue', 'return', 'discard', 'true', 'false', '0', '1', '2', '1.0', '0.5',
  '1e3', '0x1F', '07', 'gl_Position', 'gl_FragColor', 'gl_FragData', 'gl_FragCoord', 'gl_Vertex', 'gl_TexCoord',
  'texture2D', 'sin', 'dot', 'max', 'mix', 'ftransform', 'transpose', '\n', '\n#define ', '\n#if ', '\n#ifdef ',
  '\n#else\n', '\n#endif\n', '\n#elif ', '\n#undef ', '\n#line ', '\n#version ', '\n#extension ', '\n#pragma ',
  '\n#error ', 'defined', '__LINE__', '__FILE__', '__VERSION__', 'GL_ES', '\\\n', '/*', '*/', '//', '#', '##',
  '@', '$', '"', "'", '\t', ' ',
];

const tokenSoup = fc.array(fc.constantFrom(...VOCAB), { maxLength: 80 }).map((ts) => ts.join(' '));

test('random token soups never throw', () => {
  fc.assert(
    fc.property(tokenSoup, fc.constantFrom<'vertex' | 'fragment'>('vertex', 'fragment'), fc.constantFrom<100 | 110 | 120>(100, 110, 120), (src, stage, v) => {
      wellFormed(src, stage, v);
    }),
    { numRuns: 1500 },
  );
});

test('random strings never throw', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), fc.constantFrom<'vertex' | 'fragment'>('vertex', 'fragment'), (src, stage) => {
      wellFormed(src, stage);
    }),
    { numRuns: 500 },
  );
});

const SEEDS: [string, 'vertex' | 'fragment'][] = [
  [
    `precision mediump float;
uniform sampler2D tex;
uniform vec4 tint[2];
varying vec2 uv;
struct L { vec3 c; float i; };
uniform L lights[2];
const int N = 2;
float lum(in vec3 c) { return dot(c, vec3(0.299, 0.587, 0.114)); }
void shade(inout vec4 c, const in L l) { c.rgb += l.c * l.i; }
void main() {
  vec4 c = texture2D(tex, uv) * tint[0];
  for (int i = 0; i < N; i++) { shade(c, lights[i]); }
  if (lum(c.rgb) < 0.1) discard;
  c.xy = c.yx * 2.0 - 1.0;
  gl_FragColor = c.a > 0.5 ? c : vec4(mat2(1.0) * c.xy, 0.0, 1.0);
}`,
    'fragment',
  ],
  [
    `#define SCALE(x) ((x) * 2.0)
attribute vec3 pos;
attribute vec2 tc;
uniform mat4 mvp;
varying vec2 uv;
invariant gl_Position;
void main() {
  uv = SCALE(tc);
  int k = 3;
  k++;
  gl_Position = mvp * vec4(pos, 1.0) + vec4(float(k));
  gl_PointSize = __LINE__ > 1 ? 1.0 : 2.0;
}`,
    'vertex',
  ],
  [
    `#version 120
uniform mat3x2 m;
float arr[3] = float[3](1.0, 2.0, 3.0);
void main() {
  vec2 v = m * vec3(1);
  gl_Position = ftransform() + vec4(v, arr.length(), 0);
  gl_TexCoord[0] = gl_MultiTexCoord0;
}`,
    'vertex',
  ],
];

/** Apply a random edit to a source string. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...VOCAB) }),
  fc.record({ kind: fc.constant('dupline' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), at2: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function applyMutations(src: string, muts: Mutation[]): string {
  let s = src;
  for (const m of muts) {
    const at = s.length ? m.at % s.length : 0;
    switch (m.kind) {
      case 'delete':
        s = s.slice(0, at) + s.slice(at + m.len);
        break;
      case 'insert':
        s = s.slice(0, at) + ' ' + m.text + ' ' + s.slice(at);
        break;
      case 'dupline': {
        const lines = s.split('\n');
        const i = m.at % lines.length;
        lines.splice(i, 0, lines[i]!);
        s = lines.join('\n');
        break;
      }
      case 'swap': {
        const words = s.split(/(\s+)/);
        const i = m.at % words.length;
        const j = m.at2 % words.length;
        [words[i], words[j]] = [words[j]!, words[i]!];
        s = words.join('');
        break;
      }
    }
  }
  return s;
}

test('seed shaders compile cleanly', () => {
  for (const [src, stage] of SEEDS) {
    const r = compileFrontEnd(src, stage);
    assert.equal(r.ok, true, r.infoLog);
  }
});

test('mutated valid shaders never throw', () => {
  fc.assert(
    fc.property(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 6 }), ([src, stage], muts) => {
      wellFormed(applyMutations(src, muts), stage);
    }),
    { numRuns: 2000 },
  );
});

test('pathological inputs: deep nesting, long chains, huge macros', () => {
  const deep = '('.repeat(5000) + '1' + ')'.repeat(5000);
  wellFormed(`void main() { float x = ${deep}; }`, 'vertex');
  wellFormed(`void main() { int x = ${'-'.repeat(20000)}1; }`, 'vertex');
  wellFormed(`void main() { int x = ${Array(20000).fill('1').join(' + ')}; }`, 'vertex');
  wellFormed(`void main() { ${'{'.repeat(3000)} ${'}'.repeat(3000)} }`, 'vertex');
  wellFormed(`void main() { ${'if (true) '.repeat(3000)} ; }`, 'vertex');
  wellFormed(`#if ${'-'.repeat(20000)}1\n#endif\nvoid main() {}`, 'vertex');
  wellFormed(`#if ${'('.repeat(20000)}1${')'.repeat(20000)}\n#endif\nvoid main() {}`, 'vertex');
  wellFormed('#define A B B\n#define B C C\n#define C D D\n#define D E E\n#define E F F\n#define F G G\nA\n', 'vertex');
  wellFormed('#define F(x) F(x) F(x)\nF(F(F(F(1))))\n', 'vertex');
  wellFormed('/* unterminated', 'vertex');
  wellFormed('void main() { float a[100000000]; }', 'vertex');
});
