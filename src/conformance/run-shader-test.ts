/**
 * Execute one parsed `.shader_test` through Akari's WebGL API, as shader_runner does through GL
 * on a 250x250 window (`-auto -fbo`).
 *
 * Desktop (GLSL 1.10/1.20) shaders use compatibility built-ins. The runner feeds them through the
 * same API: `getAttribLocation(p, 'gl_Vertex')` / `'gl_MultiTexCoord0'` for the fixed-function
 * arrays of `draw rect`, and `getUniformLocation(p, 'gl_ModelViewProjectionMatrix')` (and the
 * other matrices) after `ortho`. A driver that does not expose them makes those tests fail with a
 * "runner gap" detail; the GL initial state (identity matrices) needs no call.
 */
import { compare, probeMatches, relativeToPixel, toleranceForBits, type Command, type Rgba, type ShaderTest } from './shader-test.js';
import { SkipTest, TestFailure, type TestResult } from './outcome.js';

type GL = WebGLRenderingContext;
type CreateContext = (width: number, height: number, attrs?: Record<string, unknown>) => GL;

/** What Akari offers, for [require] checks. */
export const AKARI_CAPS = {
  glsl: 1.2,
  glslEs: 1.0,
  gl: 2.1,
  glEs: 2.0,
  limits: {
    GL_MAX_VARYING_COMPONENTS: 32,
    GL_MAX_VARYING_FLOATS: 32,
    GL_MAX_VERTEX_UNIFORM_COMPONENTS: 1024,
    GL_MAX_FRAGMENT_UNIFORM_COMPONENTS: 1024,
    GL_MAX_VERTEX_ATTRIBS: 16,
    GL_MAX_TEXTURE_IMAGE_UNITS: 16,
  } as Record<string, number>,
};

let createContextP: Promise<CreateContext | null> | null = null;

/** Load `createWebGLContext` from the package entry point (dynamic: it may not exist yet). */
export function loadCreateContext(): Promise<CreateContext | null> {
  createContextP ??= (async () => {
    try {
      const mod = (await import('../index.js')) as Record<string, unknown>;
      const f = mod['createWebGLContext'];
      return typeof f === 'function' ? (f as CreateContext) : null;
    } catch {
      return null;
    }
  })();
  return createContextP;
}

export function checkRequirements(t: ShaderTest, extensions: readonly string[]): void {
  if (t.unknownSections.length) throw new SkipTest(`missing feature: section [${t.unknownSections[0]}]`);
  for (const r of t.requires) {
    switch (r.kind) {
      case 'glsl':
        if (!compare(AKARI_CAPS.glsl, r.op!, r.value!)) throw new SkipTest(`requires ${r.line}`);
        break;
      case 'glsl-es':
        if (!compare(AKARI_CAPS.glslEs, r.op!, r.value!)) throw new SkipTest(`requires ${r.line}`);
        break;
      case 'gl':
        if (!compare(AKARI_CAPS.gl, r.op!, r.value!)) throw new SkipTest(`requires ${r.line}`);
        break;
      case 'gl-es':
        if (!compare(AKARI_CAPS.glEs, r.op!, r.value!)) throw new SkipTest(`requires ${r.line}`);
        break;
      case 'extension': {
        const has = extensions.includes(r.name!);
        if (has === !!r.negated) throw new SkipTest(`requires ${r.line}`);
        break;
      }
      case 'limit': {
        const have = AKARI_CAPS.limits[r.name!];
        if (have === undefined) throw new SkipTest(`unknown limit ${r.line}`);
        if (!compare(have, r.op!, r.value!)) throw new SkipTest(`requires ${r.line} (Akari: ${have})`);
        break;
      }
      case 'other':
        if (r.name === 'rlimit') break; // an address-space limit for the runner process: not a GL feature
        throw new SkipTest(`unknown requirement: ${r.line}`);
    }
  }
  for (const l of t.tests) {
    if (l.command.op === 'unknown') throw new SkipTest(`runner gap: ${l.command.reason}`);
    if (l.command.op === 'fb') throw new SkipTest(`missing feature: fb ${l.command.args.join(' ')}`);
  }
}

const PASSTHROUGH_VS = 'attribute vec4 piglit_vertex;\nvoid main() { gl_Position = piglit_vertex; }\n';

function isEs(t: ShaderTest): boolean {
  return t.requires.some((r) => r.kind === 'glsl-es' || r.kind === 'gl-es');
}

interface State {
  gl: GL;
  prog: WebGLProgram | null;
  width: number;
  height: number;
  tolerance: Rgba;
  projection: Float32Array;
  modelview: Float32Array;
  matricesDirty: boolean;
}

function identity(): Float32Array {
  return new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
}

function orthoMatrix(l: number, r: number, b: number, t: number, n = -1, f = 1): Float32Array {
  return new Float32Array([2 / (r - l), 0, 0, 0, 0, 2 / (t - b), 0, 0, 0, 0, -2 / (f - n), 0, -(r + l) / (r - l), -(t + b) / (t - b), -(f + n) / (f - n), 1]);
}

function mul4(a: Float32Array, b: Float32Array): Float32Array {
  const o = new Float32Array(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k];
    o[c * 4 + r] = s;
  }
  return o;
}

function compileProgram(gl: GL, t: ShaderTest): { prog: WebGLProgram | null; linkLog: string; linked: boolean } {
  const prog = gl.createProgram()!;
  let haveVs = false;
  for (const stage of ['vertex', 'fragment'] as const) {
    const parts = t.shaders.filter((s) => s.stage === stage);
    for (const s of parts) {
      const src = s.passthrough ? PASSTHROUGH_VS : desktopSource(t, s.source);
      const sh = gl.createShader(stage === 'vertex' ? gl.VERTEX_SHADER : gl.FRAGMENT_SHADER)!;
      gl.shaderSource(sh, src);
      gl.compileShader(sh);
      if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) {
        throw new TestFailure(`${stage} shader (line ${s.line}) failed to compile: ${(gl.getShaderInfoLog(sh) ?? '').trim().split('\n')[0]}`);
      }
      gl.attachShader(prog, sh);
      if (stage === 'vertex') haveVs = true;
    }
  }
  if (!haveVs) throw new SkipTest('missing feature: fixed-function vertex processing (no vertex shader)');
  if (!t.shaders.some((s) => s.stage === 'fragment')) throw new SkipTest('missing feature: fixed-function fragment processing (no fragment shader)');
  gl.bindAttribLocation(prog, 0, 'piglit_vertex');
  gl.bindAttribLocation(prog, 1, 'piglit_texcoord');
  gl.linkProgram(prog);
  const linked = !!gl.getProgramParameter(prog, gl.LINK_STATUS);
  return { prog: linked ? prog : null, linkLog: (gl.getProgramInfoLog(prog) ?? '').trim(), linked };
}

/**
 * shader_runner gives a shader that has no `#version ` a directive made from the test's
 * `GLSL >= x.yz` requirement (a test requiring 1.20 is compiled as `#version 120`). A WebGL
 * context would otherwise take an unversioned shader as GLSL ES 1.00, so for desktop tests the
 * runner always writes the directive, `#version 110` when the test names no GLSL version.
 */
export function desktopSource(t: ShaderTest, source: string): string {
  if (isEs(t) || /#version /.test(source)) return source;
  const req = t.requires.find((r) => r.kind === 'glsl' && r.value !== undefined);
  const version = req ? Math.round(req.value! * 100) : 110;
  return `#version ${version}\n${source}`;
}

function attribLocation(gl: GL, prog: WebGLProgram, names: string[]): number {
  for (const n of names) {
    const l = gl.getAttribLocation(prog, n);
    if (l >= 0) return l;
  }
  return -1;
}

function usesAttribute(t: ShaderTest, name: string): boolean {
  return t.shaders.some((s) => s.stage === 'vertex' && !s.passthrough && new RegExp(`\\b${name}\\b`).test(s.source));
}

function uploadMatrices(st: State, t: ShaderTest): void {
  if (!st.matricesDirty || !st.prog) return;
  const { gl, prog } = st;
  const mats: Record<string, Float32Array> = {
    gl_ModelViewMatrix: st.modelview,
    gl_ProjectionMatrix: st.projection,
    gl_ModelViewProjectionMatrix: mul4(st.projection, st.modelview),
  };
  for (const [name, m] of Object.entries(mats)) {
    if (!t.shaders.some((s) => s.source.includes(name) || (name === 'gl_ModelViewProjectionMatrix' && s.source.includes('ftransform')))) continue;
    const loc = gl.getUniformLocation(prog, name);
    if (!loc) throw new TestFailure(`runner gap: driver exposes no location for built-in ${name}`);
    gl.uniformMatrix4fv(loc, false, m);
  }
  st.matricesDirty = false;
}

function drawArraysFrom(st: State, t: ShaderTest, attrs: { names: string[]; data: number[]; size: number; builtin?: string }[], mode: number, count: number): void {
  const { gl, prog } = st;
  if (!prog) throw new TestFailure('draw with no linked program');
  uploadMatrices(st, t);
  const bufs: WebGLBuffer[] = [];
  const enabled: number[] = [];
  for (const a of attrs) {
    const loc = attribLocation(gl, prog, a.names);
    if (loc < 0) {
      if (a.builtin && usesAttribute(t, a.builtin)) throw new TestFailure(`runner gap: driver exposes no location for built-in ${a.builtin}`);
      continue;
    }
    const b = gl.createBuffer()!;
    bufs.push(b);
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(a.data), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, a.size, gl.FLOAT, false, 0, 0);
    enabled.push(loc);
  }
  gl.drawArrays(mode, 0, count);
  for (const l of enabled) gl.disableVertexAttribArray(l);
  for (const b of bufs) gl.deleteBuffer(b);
}

function drawRect(st: State, t: ShaderTest, c: Extract<Command, { op: 'draw rect' }>): void {
  let [x, y, w, h] = c.rect;
  if (c.ortho) {
    // shader_runner converts window coordinates to NDC itself
    x = (2 * x) / st.width - 1;
    y = (2 * y) / st.height - 1;
    w = (2 * w) / st.width;
    h = (2 * h) / st.height;
  }
  const pos = [x, y, 0, 1, x + w, y, 0, 1, x, y + h, 0, 1, x + w, y + h, 0, 1];
  const [tx, ty, tw, th] = c.texRect ?? [0, 0, 1, 1];
  const tex = [tx, ty, tx + tw, ty, tx, ty + th, tx + tw, ty + th];
  const attrs: { names: string[]; data: number[]; size: number; builtin?: string }[] = [{ names: ['piglit_vertex', 'gl_Vertex'], data: pos, size: 4, builtin: 'gl_Vertex' }];
  if (c.tex) attrs.push({ names: ['piglit_texcoord', 'gl_MultiTexCoord0'], data: tex, size: 2, builtin: 'gl_MultiTexCoord0' });
  drawArraysFrom(st, t, attrs, st.gl.TRIANGLE_STRIP, 4);
}

function drawArrays(st: State, t: ShaderTest, c: Extract<Command, { op: 'draw arrays' }>): void {
  const gl = st.gl;
  const vd = t.vertexData;
  if (!vd) throw new SkipTest('runner gap: draw arrays without [vertex data]');
  if (c.instanced !== undefined) throw new SkipTest('missing feature: instanced draws');
  const mode = (gl as unknown as Record<string, number>)[c.mode.replace(/^GL_/, '')];
  if (typeof mode !== 'number') throw new SkipTest(`missing feature: primitive ${c.mode}`);
  let col = 0;
  const attrs: { names: string[]; data: number[]; size: number; builtin?: string }[] = [];
  for (const a of vd.attributes) {
    if (a.type !== 'float') throw new SkipTest(`missing feature: vertex data of type ${a.type}`);
    const data: number[] = [];
    for (let r = c.first; r < c.first + c.count; r++) {
      const row = vd.rows[r];
      if (!row) throw new TestFailure(`draw arrays reads vertex ${r} of ${vd.rows.length}`);
      for (let k = 0; k < a.count; k++) data.push(row[col + k]);
    }
    col += a.count;
    const legacy: Record<string, string> = { gl_Vertex: 'gl_Vertex', gl_Color: 'gl_Color', gl_Normal: 'gl_Normal', gl_MultiTexCoord0: 'gl_MultiTexCoord0' };
    attrs.push({ names: [a.name], data, size: a.count, builtin: legacy[a.name] });
  }
  drawArraysFrom(st, t, attrs, mode, c.count);
}

const UNIFORM_SIZES: Record<string, number> = {
  float: 1, vec2: 2, vec3: 3, vec4: 4, int: 1, ivec2: 2, ivec3: 3, ivec4: 4, bool: 1, bvec2: 2, bvec3: 3, bvec4: 4,
  uint: 1, mat2: 4, mat3: 9, mat4: 16, mat2x2: 4, mat3x3: 9, mat4x4: 16,
};

function setUniform(st: State, c: Extract<Command, { op: 'uniform' }>): void {
  const { gl, prog } = st;
  if (!prog) throw new TestFailure('uniform with no linked program');
  const loc = gl.getUniformLocation(prog, c.name);
  // shader_runner: an unknown name is an error ("cannot get location of uniform")
  if (!loc) throw new TestFailure(`cannot get location of uniform "${c.name}"`);
  const n = UNIFORM_SIZES[c.type];
  if (n === undefined) throw new SkipTest(`missing feature: uniform type ${c.type}`);
  if (c.values.length % n !== 0 || c.values.length === 0) throw new SkipTest(`runner gap: uniform ${c.type} with ${c.values.length} values`);
  const v = c.values;
  switch (c.type) {
    case 'float': gl.uniform1fv(loc, v); break;
    case 'vec2': gl.uniform2fv(loc, v); break;
    case 'vec3': gl.uniform3fv(loc, v); break;
    case 'vec4': gl.uniform4fv(loc, v); break;
    case 'int': case 'bool': gl.uniform1iv(loc, v); break;
    case 'ivec2': case 'bvec2': gl.uniform2iv(loc, v); break;
    case 'ivec3': case 'bvec3': gl.uniform3iv(loc, v); break;
    case 'ivec4': case 'bvec4': gl.uniform4iv(loc, v); break;
    case 'uint': throw new SkipTest('missing feature: unsigned integer uniforms');
    case 'mat2': case 'mat2x2': gl.uniformMatrix2fv(loc, false, v); break;
    case 'mat3': case 'mat3x3': gl.uniformMatrix3fv(loc, false, v); break;
    case 'mat4': case 'mat4x4': gl.uniformMatrix4fv(loc, false, v); break;
  }
}

function makeTexture(gl: GL, unit: number, w: number, h: number, texel: (i: number, j: number) => Rgba): void {
  const px = new Uint8Array(w * h * 4);
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) {
    const c = texel(i, j);
    for (let k = 0; k < 4; k++) px[(j * w + i) * 4 + k] = Math.round(Math.min(1, Math.max(0, c[k])) * 255);
  }
  gl.activeTexture(gl.TEXTURE0 + unit);
  const tex = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, tex);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, px);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.activeTexture(gl.TEXTURE0);
}

/** piglit_rgbw_texture: red lower-left, green lower-right, blue upper-left, white upper-right. */
export function rgbwTexel(i: number, j: number, w: number, h: number): Rgba {
  const right = i >= w / 2;
  const top = j >= h / 2;
  if (!top) return right ? [0, 1, 0, 1] : [1, 0, 0, 1];
  return right ? [1, 1, 1, 1] : [0, 0, 1, 1];
}

function readPixels(st: State, x: number, y: number, w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  st.gl.readPixels(x, y, w, h, st.gl.RGBA, st.gl.UNSIGNED_BYTE, px);
  return px;
}

function fmt(v: ArrayLike<number>, n: number): string {
  return Array.from(v).slice(0, n).map((x) => x.toFixed(3)).join(' ');
}

function probeRect(st: State, x: number, y: number, w: number, h: number, expected: number[], channels: number, what: string): void {
  if (x < 0 || y < 0 || x + w > st.width || y + h > st.height) throw new TestFailure(`${what}: probe outside the window`);
  const px = readPixels(st, x, y, w, h);
  const obs = [0, 0, 0, 0];
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) {
    const o = (j * w + i) * 4;
    for (let k = 0; k < 4; k++) obs[k] = px[o + k] / 255;
    if (!probeMatches(obs, expected, st.tolerance, channels)) {
      throw new TestFailure(`${what}: probe at (${x + i}, ${y + j}) expected ${fmt(expected, channels)} observed ${fmt(obs, channels)}`);
    }
  }
}

export async function runShaderTest(t: ShaderTest): Promise<TestResult> {
  const create = await loadCreateContext();
  checkRequirements(t, []);
  if (!create) throw new TestFailure('runner gap: createWebGLContext is not exported from src/index.ts');
  const { width, height } = t.size;
  const gl = create(width, height, { antialias: false, preserveDrawingBuffer: true, depth: true, stencil: false, alpha: true, ...(isEs(t) ? {} : { compatibility: true }) });
  try {
    return execute(gl, t, width, height);
  } finally {
    (gl as unknown as { destroy?: () => void }).destroy?.();
  }
}

function execute(gl: GL, t: ShaderTest, width: number, height: number): TestResult {
  const st: State = { gl, prog: null, width, height, tolerance: toleranceForBits([8, 8, 8, 8]), projection: identity(), modelview: identity(), matricesDirty: false };
  const { prog, linkLog, linked } = compileProgram(gl, t);
  const linkCmd = t.tests.find((l) => l.command.op === 'link');
  if (!linked && !(linkCmd && linkCmd.command.op === 'link' && linkCmd.command.expect === 'error')) {
    throw new TestFailure(`link failed: ${linkLog.split('\n')[0]}`);
  }
  st.prog = prog;
  if (prog) gl.useProgram(prog);
  gl.viewport(0, 0, width, height);
  for (const l of t.tests) {
    const c = l.command;
    const what = `line ${l.line}`;
    switch (c.op) {
      case 'link':
        if ((c.expect === 'success') !== linked) throw new TestFailure(`${what}: expected link ${c.expect}: ${linkLog.split('\n')[0]}`);
        break;
      case 'clear color': gl.clearColor(c.color[0], c.color[1], c.color[2], c.color[3]); break;
      case 'clear': gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT); break;
      case 'draw rect': drawRect(st, t, c); break;
      case 'draw arrays': drawArrays(st, t, c); break;
      case 'uniform': setUniform(st, c); break;
      case 'ortho':
        st.projection = c.bounds ? orthoMatrix(...c.bounds) : orthoMatrix(0, width, 0, height);
        st.modelview = identity();
        st.matricesDirty = true;
        break;
      case 'tolerance': st.tolerance = c.values; break;
      case 'texture rgbw': makeTexture(gl, c.unit, c.width, c.height, (i, j) => rgbwTexel(i, j, c.width, c.height)); break;
      case 'texture checkerboard':
        if (c.level !== 0) throw new SkipTest('runner gap: checkerboard into a mip level');
        makeTexture(gl, c.unit, c.width, c.height, (i, j) => ((Math.floor(i / (c.width / 2)) ^ Math.floor(j / (c.height / 2))) & 1 ? c.high : c.low));
        break;
      case 'probe': {
        const p = c.relative ? relativeToPixel(c.x, c.y, width, height) : { x: c.x, y: c.y };
        probeRect(st, p.x, p.y, 1, 1, c.expected, c.channels, what);
        break;
      }
      case 'probe rect': probeRect(st, c.rect[0], c.rect[1], c.rect[2], c.rect[3], c.expected, c.channels, what); break;
      case 'probe all': probeRect(st, 0, 0, width, height, c.expected, c.channels, what); break;
      case 'fb':
      case 'unknown':
        throw new SkipTest(`runner gap: ${l.text}`);
    }
    const err = gl.getError();
    if (err !== gl.NO_ERROR) throw new TestFailure(`${what}: GL error 0x${err.toString(16)} after '${l.text}'`);
  }
  return { outcome: 'pass', detail: '' };
}
