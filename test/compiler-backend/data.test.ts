/**
 * Matrices, structs, arrays (constant and dynamic indexing of temporaries
 * and uniforms), samplers and the desktop compatibility built-ins, run on
 * the shader core against JavaScript computations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalFS, evalVS, run, close, fakeTexel } from './harness.js';
import { compileShader, linkProgram } from '../../src/umd/compiler/index.js';

const input = { attribs: { a_x: (l: number) => [l, l * 0.5, 16 - l, 1] } };
function expectLanes(out: (number[] | undefined)[], want: (l: number) => number[]): void {
  for (let l = 0; l < 16; l++) want(l).forEach((x, i) => assert.ok(close(out[l]![i]!, x), `lane ${l} comp ${i}: got ${out[l]![i]} want ${x}`));
}
type M = number[]; // column-major
const mul = (a: M, b: M, n: number): M => Array.from({ length: n * n }, (_, k) => { const c = Math.floor(k / n), r = k % n; let s = 0; for (let i = 0; i < n; i++) s += a[i * n + r]! * b[c * n + i]!; return s; });

test('matrices: constructors, mat*mat, mat*vec, vec*mat, columns, transpose-free identities', () => {
  const A = [1, 2, 3, 4, 5, 6, 7, 8, 9.5];
  const out = evalFS('uniform mat3 u_a;', `
  mat3 b = mat3(v_x.x, 1.0, 0.0,  0.0, 2.0, v_x.y,  1.0, 0.0, 3.0);
  mat3 c = u_a * b;
  vec3 mv = c * vec3(1.0, -1.0, 0.5);
  vec3 vm = vec3(1.0, -1.0, 0.5) * c;
  mat2 d = mat2(c);          // upper-left
  mat4 e = mat4(2.0);        // diagonal
  r = vec4(mv.x + mv.y * 10.0 + mv.z * 100.0, vm.x + vm.y * 10.0 + vm.z * 100.0, d[1][0] + c[2].z, e[3][3] + e[0][1]);`,
  { ...input, uniforms: { u_a: A } });
  expectLanes(out, (l) => {
    const B = [l, 1, 0, 0, 2, l * 0.5, 1, 0, 3];
    const C = mul(A, B, 3);
    const v = [1, -1, 0.5];
    const mv = [0, 1, 2].map((r) => C[r]! * v[0]! + C[3 + r]! * v[1]! + C[6 + r]! * v[2]!);
    const vm = [0, 1, 2].map((c) => C[c * 3]! * v[0]! + C[c * 3 + 1]! * v[1]! + C[c * 3 + 2]! * v[2]!);
    return [mv[0]! + mv[1]! * 10 + mv[2]! * 100, vm[0]! + vm[1]! * 10 + vm[2]! * 100, C[3]! + C[8]!, 2];
  });
});

test('structs: nested fields, struct assignment, equality, struct uniforms', () => {
  const out = evalFS(`struct In { vec2 p; float w; };
  struct Out { In a; In b[2]; };
  uniform In u_s;`, `
  Out o; o.a = In(v_x.xy, 3.0); o.b[0] = o.a; o.b[1] = In(vec2(1.0), u_s.w);
  o.b[0].p.y += 100.0;
  In t = o.b[1];
  r = vec4(o.a.p.x + o.b[0].p.y, t.w + u_s.p.x, float(o.a == In(v_x.xy, 3.0)), float(t == o.a));`,
  { ...input, uniforms: { 'u_s.p': [5, 6], 'u_s.w': [0.25] } });
  expectLanes(out, (l) => [l + l * 0.5 + 100, 0.25 + 5, 1, 0]);
});

test('arrays: constant indexing, dynamic read/write of temporaries (ld_r/st_r), loops over arrays', () => {
  const out = evalFS('', `
  float a[8];
  for (int i = 0; i < 8; i++) a[i] = float(i * i);
  int k = int(v_x.x);
  int j = int(mod(v_x.x, 8.0));
  a[j] = a[j] + 0.5;
  float s = 0.0;
  for (int i = 0; i < 8; i++) s += a[i];
  vec3 v[3]; v[0] = vec3(1.0); v[1] = vec3(2.0, 3.0, 4.0); v[2] = v_x.xyz;
  int m = int(mod(v_x.x, 3.0));
  r = vec4(a[j], s, v[m].y, v[2].z);`, input);
  expectLanes(out, (l) => {
    const j = l % 8, m = l % 3;
    const vs = [[1, 1, 1], [2, 3, 4], [l, l * 0.5, 16 - l]];
    return [j * j + 0.5, 140 + 0.5, vs[m]![1]!, 16 - l];
  });
});

test('dynamic indexing of vectors and matrix columns (fsel chains), and of uniform arrays in the vertex shader (ld_u)', () => {
  const out = evalFS('', `
  int i = int(mod(v_x.x, 4.0));
  vec4 v = vec4(10.0, 20.0, 30.0, 40.0);
  mat2 m = mat2(1.0, 2.0, 3.0, 4.0);
  v[i] = -1.0;
  r = vec4(v.x + v.y + v.z + v.w, m[int(mod(v_x.x, 2.0))].y, 0.0, 0.0);`, input);
  expectLanes(out, (l) => {
    const v = [10, 20, 30, 40]; v[l % 4] = -1;
    return [v.reduce((a, b) => a + b), [2, 4][l % 2]!, 0, 0];
  });
  const U = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const vsOut = evalVS('uniform vec3 u_arr[4]; uniform int u_n[3];', `
  int i = int(mod(a_pos.x, 4.0));
  r = vec4(u_arr[i], float(u_n[int(mod(a_pos.x, 3.0))]));`,
  { attribs: { a_pos: (l) => [l, 0, 0, 1] }, uniforms: { u_arr: U, u_n: [7, -8, 9] } });
  expectLanes(vsOut, (l) => [...U.slice((l % 4) * 3, (l % 4) * 3 + 3), [7, -8, 9][l % 3]!]);
});

test('textures: texture2D / bias / Proj / Cube / Lod in the vertex shader / LodEXT / GradEXT reach the texture unit', () => {
  const out = evalFS(`#extension GL_EXT_shader_texture_lod : enable
  uniform sampler2D s0; uniform samplerCube s1; uniform sampler2D s2;`, `
  vec4 a = texture2D(s0, v_x.xy);
  vec4 b = texture2D(s2, v_x.xy, 1.5);
  vec4 c = texture2DProj(s0, vec3(v_x.xy, 2.0));
  vec4 d = textureCube(s1, v_x.xyz);
  vec4 e = texture2DLodEXT(s2, v_x.yx, 3.0);
  vec4 g = texture2DGradEXT(s0, v_x.xy, vec2(1.0), vec2(2.0));
  r = vec4(a.x + a.w * 1000.0, b.z + b.w * 1000.0, c.y + d.z * 10.0 + d.w * 1000.0, e.z + e.w * 1000.0 + g.w * 100000.0);`, input);
  // slots are assigned in order of first use: s0 -> 0, s2 -> 1, s1 -> 2
  expectLanes(out, (l) => {
    const x = l, y = l * 0.5, z = 16 - l;
    const a = fakeTexel(0, 0, [x, y], 0), b = fakeTexel(1, 1, [x, y], 1.5), c = fakeTexel(0, 0, [x / 2, y / 2], 0);
    const d = fakeTexel(2, 0, [x, y, z], 0), e = fakeTexel(1, 2, [y, x], 3), g = fakeTexel(0, 3, [x, y], 0);
    return [a[0]! + a[3]! * 1000, b[2]! + b[3]! * 1000, c[1]! + d[2]! * 10 + d[3]! * 1000, e[2]! + e[3]! * 1000 + g[3]! * 100000];
  });
  const vs = evalVS('uniform sampler2D t;', 'r = texture2DLod(t, a_pos.xy, 2.0) + texture2D(t, a_pos.yx);', { attribs: { a_pos: (l) => [l, 1, 0, 1] } });
  expectLanes(vs, (l) => { const p = fakeTexel(0, 2, [l, 1], 2), q = fakeTexel(0, 2, [1, l], 0); return p.map((x, i) => x + q[i]!); });
});

test('built-in variables: gl_FragCoord, gl_FrontFacing, gl_PointCoord, gl_PointSize, gl_FragDepthEXT, gl_FragData[0]', () => {
  const vs = 'attribute vec4 a; void main() { gl_Position = a; gl_PointSize = a.x + 1.0; }';
  const fs = `#extension GL_EXT_frag_depth : enable
  precision highp float;
  void main() { gl_FragData[0] = vec4(gl_FragCoord.xy, gl_FrontFacing ? 1.0 : -1.0, gl_PointCoord.y); gl_FragDepthEXT = gl_FragCoord.x * 0.01; }`;
  const r = run(vs, fs, { attribs: { a: (l) => [l, 0, 0, 1] }, fragCoord: (l) => [l + 0.5, 7.5, 0.25, 1], frontFacing: (l) => l % 2 === 0 });
  for (let l = 0; l < 16; l++) {
    assert.equal(r.vary[l]!.get(4), l + 1);
    assert.deepEqual(r.color[l], [l + 0.5, 7.5, l % 2 === 0 ? 1 : -1, 0.75]);
    assert.ok(close(r.depth[l]!, (l + 0.5) * 0.01));
  }
  assert.equal(r.prog.fragment!.writesDepth, true);
  assert.equal(r.prog.vertex!.writesPointSize, true);
});

test('desktop compatibility built-ins: gl_Vertex, gl_Color, gl_MultiTexCoord0, ftransform(), gl_FrontColor -> gl_Color, gl_TexCoord[]', () => {
  const vs = `#version 120
  void main() { gl_FrontColor = gl_Color * 2.0; gl_TexCoord[0] = gl_MultiTexCoord0; gl_Position = ftransform(); }`;
  const fs = `#version 120
  void main() { gl_FragColor = gl_Color + gl_TexCoord[0]; }`;
  const mvp = [1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0.5, 0, 0, 1];
  const r = run(vs, fs, {
    attribs: { gl_Vertex: (l) => [l, 1, 2, 1], gl_Color: [0.1, 0.2, 0.3, 0.4], gl_MultiTexCoord0: (l) => [l, 0, 0, 1] },
    uniforms: { gl_ModelViewProjectionMatrix: mvp },
  });
  const names = r.prog.attributes.map((a) => a.name).sort();
  assert.deepEqual(names, ['gl_Color', 'gl_MultiTexCoord0', 'gl_Vertex']);
  assert.ok(r.prog.uniforms.some((u) => u.name === 'gl_ModelViewProjectionMatrix'));
  for (let l = 0; l < 16; l++) {
    assert.ok(close(r.vary[l]!.get(0)!, l + 0.5));
    assert.ok(close(r.vary[l]!.get(1)!, 2));
    [0.2 + l, 0.4, 0.6, 0.8 + 1].forEach((x, i) => assert.ok(close(r.color[l]![i]!, x), `lane ${l} ${i}: ${r.color[l]![i]} vs ${x}`));
  }
});

test('uniform reflection: struct and array names, strides, samplers get texture slots; unused uniforms are inactive', () => {
  const vs = compileShader('attribute vec4 p; uniform vec3 u_l[4]; uniform mat4 u_m; uniform float u_dead; void main() { gl_Position = u_m * p + vec4(u_l[1], 0.0); }', 'vertex');
  const fs = compileShader(`precision mediump float; struct L { vec3 c; float k; }; uniform L u_s[2]; uniform sampler2D u_t;
  void main() { gl_FragColor = texture2D(u_t, vec2(0.5)) * u_s[1].k + vec4(u_s[0].c, 0.0); }`, 'fragment');
  const p = linkProgram(vs, fs);
  assert.ok(p.ok, p.infoLog);
  const by = new Map(p.uniforms.map((u) => [u.name, u]));
  assert.equal(by.get('u_l[0]')!.size, 4);
  assert.equal(by.get('u_l[0]')!.vertex!.stride, 3);
  assert.equal(by.get('u_m')!.type, 0x8b5c);
  assert.equal(by.has('u_dead'), false);
  assert.ok(by.has('u_s[1].k') && by.has('u_s[0].c'));
  assert.equal(by.get('u_t')!.fragment!.textureSlot, 0);
  assert.equal(p.fragment!.textureCount, 1);
});

test('dynamic index into a swizzle, read and write (v.zx[i])', () => {
  const out = evalFS('', `
  int i = int(mod(v_x.x, 2.0));
  vec4 v = vec4(1.0, 2.0, 3.0, 4.0);
  float a = v.zx[i];
  v.zx[i] = 9.0;
  r = vec4(a, v.x, v.z, v.w);`, input);
  expectLanes(out, (l) => (l % 2 === 0 ? [3, 1, 9, 4] : [1, 9, 3, 4]));
});

test('self-assignment through a swizzle reads before it writes (v = v.wzyx)', () => {
  const out = evalFS('', `
  vec4 v = v_x;
  v = v.wzyx;
  v.xy = v.yx;
  r = v;`, input);
  expectLanes(out, (l) => [16 - l, 1, l * 0.5, l]);
});

test('partial overwrites of a varying from uniforms of several sizes (coalesced uniform loads)', () => {
  const out = evalVS('uniform vec4 v4; uniform vec3 v3; uniform vec2 v2; uniform float v1;', `
  r.xyzw = v4; r.xyz = v3; r.xy = v2; r.x = v1;`, { uniforms: { v4: [0.9, 0.9, 0.9, 0.4], v3: [0.9, 0.9, 0.3], v2: [0.9, 0.2], v1: [0.1] } });
  expectLanes(out, () => [0.1, 0.2, 0.3, 0.4]);
});

test('a constant array indexed per lane is a table in the uniform buffer (ld_u), 1.20 array constructor', () => {
  const vals = Array.from({ length: 40 }, (_, i) => i * 1.5 - 7);
  const vs = '#version 120\nattribute vec4 a_x; varying vec4 v_x; void main() { v_x = a_x; gl_Position = a_x; }';
  const fs = `#version 120
  varying vec4 v_x;
  const float t[40] = float[40](${vals.map((v) => v.toFixed(1)).join(', ')});
  void main() { gl_FragColor = vec4(t[int(v_x.x)], t[int(v_x.x) + 20], 0.0, 0.0); }`;
  const r = run(vs, fs, input);
  expectLanes(r.color as number[][], (l) => [vals[l]!, vals[l + 20]!, 0, 0]);
  assert.ok(r.prog.fragment!.constants.length >= 40);
  assert.ok(r.prog.fragment!.registers < 16, `${r.prog.fragment!.registers} registers`);
});

test('an out/inout argument is an l-value evaluated once, before the call: the callee changing its index does not move the write-back', () => {
  const out = evalFS(`
  void f(inout int i, inout float x) { x += 10.0; i = 0; }
  void g(inout int i, out float x) { i = 3; x = 7.0; }`, `
  int i = int(mod(v_x.x, 2.0)) + 1;   // 1 or 2, per lane
  vec4 v = vec4(1.0, 2.0, 3.0, 4.0);
  f(i, v[i]);                          // adds 10 to v[1] or v[2], then i = 0
  float a[4]; a[0] = 0.0; a[1] = 0.0; a[2] = 0.0; a[3] = 0.0;
  int j = int(mod(v_x.x, 2.0));
  g(j, a[j]);                          // writes 7 to a[0] or a[1], then j = 3
  r = v + vec4(a[0], a[1], a[2], a[3]) * 100.0 + float(i + j) * 1000.0;`, input);
  // i ends 0 and j ends 3 in every lane: + 3000 everywhere
  expectLanes(out, (l) => (l % 2 === 0 ? [1 + 700, 12, 3, 4] : [1, 2 + 700, 13, 4]).map((x) => x + 3000));
});

test('uniform words past the 1024 an operand can name are loaded with ld_u; a buffer past the SHADER descriptor limit fails to link', () => {
  const vals = Array.from({ length: 300 * 4 }, (_, i) => i / 8);
  // big[290] starts at word 1160; big[3] stays an operand
  const out = evalFS('uniform vec4 big[300];', 'r = big[290] + big[3] * 1000.0;', { uniforms: { big: vals } });
  expectLanes(out, () => [0, 1, 2, 3].map((k) => vals[290 * 4 + k]! + vals[3 * 4 + k]! * 1000));
  const vs = compileShader('attribute vec4 p; void main() { gl_Position = p; }', 'vertex');
  const fs = compileShader('precision highp float; uniform vec4 huge[17000]; void main() { gl_FragColor = huge[16999]; }', 'fragment');
  const p = linkProgram(vs, fs);
  assert.equal(p.ok, false);
  assert.match(p.infoLog, /Too many uniforms in the fragment shader: 68000 words, the uniform buffer holds 65535/);
});

test('constant folding: float literals are single precision; a branch a constant condition never takes needs no function definitions', () => {
  // 3.1415926535 as a float is 3.14159274..., just above pi: degrees() gives 180.000005, int() 180
  // (in double precision the literal is just below pi and int() would give 179)
  const out = evalFS('void never();', `
  const int x = int(degrees(3.1415926535));
  if (sqrt(4.0) != 2.0) never(); else if (false) never(); else r.y = 1.0;
  r.x = float(x);`, input);
  expectLanes(out, () => [180, 1, 0, 0]);
  const vs = compileShader('attribute vec4 p; void main() { gl_Position = p; }', 'vertex');
  const fs = compileShader('precision highp float; uniform float u; void never(); void main() { if (u > 0.0) never(); gl_FragColor = vec4(u); }', 'fragment');
  const p = linkProgram(vs, fs);
  assert.equal(p.ok, false);
  assert.match(p.infoLog, /Function `never\(\)' is called but never defined/);
});

test('GLSL ES link rules: a uniform used by both stages has one precision; invariant gl_FragCoord needs invariant gl_Position', () => {
  const link = (v: string, f: string) => linkProgram(compileShader(v, 'vertex'), compileShader(f, 'fragment'));
  const vs = 'precision highp float; uniform float f; void main() { gl_Position = vec4(f); }';
  let p = link(vs, 'precision mediump float; uniform float f; void main() { gl_FragColor = vec4(f); }');
  assert.match(p.infoLog, /Precision of uniform `f' differs between the vertex \(highp\) and fragment \(mediump\) shaders/);
  // the vertex shader does not use f: only the fragment shader's precision matters
  assert.ok(link('precision highp float; uniform float f; void main() { gl_Position = vec4(1.0); }', 'precision mediump float; uniform float f; void main() { gl_FragColor = vec4(f); }').ok);
  assert.ok(link(vs, 'precision mediump float; uniform highp float f; void main() { gl_FragColor = vec4(f); }').ok);
  const fs = 'precision mediump float; invariant gl_FragCoord; void main() { gl_FragColor = gl_FragCoord; }';
  p = link('void main() { gl_Position = vec4(0.0); }', fs);
  assert.match(p.infoLog, /gl_FragCoord is declared invariant but gl_Position is not/);
  assert.ok(link('invariant gl_Position; void main() { gl_Position = vec4(0.0); }', fs).ok);
  assert.ok(link('#pragma STDGL invariant(all)\nvoid main() { gl_Position = vec4(0.0); }', fs).ok);
});

test('a struct holding samplers passed to a function samples the caller\'s uniform texture slot', () => {
  const out = evalFS(`
  struct Inner { float k; sampler2D t; };
  struct Outer { float k; Inner i; };
  uniform Outer o;
  vec4 g(in Inner q, vec2 c) { return texture2D(q.t, c) + q.k; }
  vec4 f(Outer p, vec2 c) { return texture2D(p.i.t, c) * p.i.k * p.k + g(p.i, c.yx) * 1000.0; }`, 'r = f(o, v_x.xy);', {
    ...input, uniforms: { 'o.k': [2], 'o.i.k': [3] },
  });
  // o.i.t is slot 0; fake texel = (s, t, lod, slot): the implicit lod (component 2) depends on
  // derivatives, so s, t and the slot are checked. f = texel(s, t) * 6 + (texel(t, s) + 3) * 1000
  for (let l = 0; l < 16; l++) {
    const s = l, t = l * 0.5;
    const want = [s * 6 + (t + 3) * 1000, t * 6 + (s + 3) * 1000, 0, 0 * 6 + (0 + 3) * 1000];
    for (const i of [0, 1, 3]) assert.ok(close(out[l]![i]!, want[i]!), `lane ${l} comp ${i}: ${out[l]![i]} vs ${want[i]}`);
  }
});
