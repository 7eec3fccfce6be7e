/**
 * Execute one parsed `.shader_test` through Akari's WebGL API, as shader_runner does through GL
 * on a 250x250 window (`-auto -fbo`).
 *
 * Desktop (GLSL 1.10/1.20) tests run in a context created with `compatibility: true`, whose GL
 * compatibility state (webgl/compat.ts, reached through `glCompatibility(gl)`, not through WebGL)
 * stands in for the GL 2.1 calls shader_runner makes: `ortho` and `frustum` load the projection
 * matrix, `color` sets the current colour, and the conventional attributes of `draw rect` and
 * [vertex data] (gl_Vertex, gl_Color, gl_MultiTexCoord0...) go through its fixed-function arrays.
 * The driver supplies the built-in uniforms (gl_ModelViewProjectionMatrix...) itself at draw time
 * and links fixed-function processing in for a missing shader stage.
 */
import { compare, probeMatches, relativeToPixel, toleranceForBits, type Command, type Rgba, type ShaderTest } from './shader-test.js';
import { SkipTest, TestFailure, type TestResult } from './outcome.js';
import { CONVENTIONAL_ATTRIBUTES, FLAT, glCompatibility, MODELVIEW, PROJECTION, SMOOTH, type GLCompatibility } from '../webgl/compat.js';
import { DESKTOP_LIMITS } from '../umd/compiler/glsl/builtins.js';
import { CAPS } from '../umd/pipe/caps.js';
import { createWebGLContext } from '../platform/webgl.js';

type GL = WebGLRenderingContext;
type CreateContext = (width: number, height: number, attrs?: Record<string, unknown>) => GL;

/** What Akari offers, for [require] checks. */
export const AKARI_CAPS = {
  glsl: 1.2,
  // the compiler takes GLSL ES 3.00; what a 3.00 test needs of the ES 3.0 API beyond WebGL 1
  // (unsigned uniforms, MRT...) skips as a missing feature where the runner meets it
  glslEs: 3.0,
  gl: 2.1,
  glEs: 3.0,
  limits: {
    // the desktop compiler's gl_MaxVaryingFloats: the linker packs scalar varyings into the hardware's 64 slots
    GL_MAX_VARYING_COMPONENTS: DESKTOP_LIMITS.gl_MaxVaryingFloats,
    GL_MAX_VARYING_FLOATS: DESKTOP_LIMITS.gl_MaxVaryingFloats,
    GL_MAX_VERTEX_UNIFORM_COMPONENTS: CAPS.maxUniformComponents,
    GL_MAX_FRAGMENT_UNIFORM_COMPONENTS: CAPS.maxUniformComponents,
    GL_MAX_VERTEX_ATTRIBS: CAPS.maxVertexAttribs,
    GL_MAX_TEXTURE_IMAGE_UNITS: CAPS.maxTextureUnits,
  } as Record<string, number>,
};

/** The version a `GLSL >= x`, `GLSL ES`, `GL` or `GL ES` requirement is compared with. */
const VERSION_CAPS = { glsl: AKARI_CAPS.glsl, 'glsl-es': AKARI_CAPS.glslEs, gl: AKARI_CAPS.gl, 'gl-es': AKARI_CAPS.glEs } as const;

export function checkRequirements(t: ShaderTest, extensions: readonly string[]): void {
  if (t.unknownSections.length) throw new SkipTest(`missing feature: section [${t.unknownSections[0]}]`);
  for (const r of t.requires) {
    switch (r.kind) {
      case 'glsl':
      case 'glsl-es':
      case 'gl':
      case 'gl-es':
        if (!compare(VERSION_CAPS[r.kind], r.op!, r.value!)) throw new SkipTest(`requires ${r.line}`);
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
    const c = l.command;
    if (c.op === 'unknown') throw new SkipTest(`runner gap: ${c.reason}`);
    if (c.op === 'fb') throw new SkipTest(`missing feature: fb ${c.args.join(' ')}`);
    // GL features Akari's driver does not implement (each named as GL names it)
    if (c.op === 'enable' && c.cap !== 'GL_VERTEX_PROGRAM_TWO_SIDE' && !/^GL_CLIP_PLANE[0-7]$/.test(c.cap)) throw new SkipTest(`missing feature: enable ${c.cap}`);
    if (c.op === 'texture shadow' && c.dim === 'Rect') throw new SkipTest('missing feature: rectangle textures (ARB_texture_rectangle)');
    if (c.op === 'texture rgbw' && c.dim === '3D') throw new SkipTest(`missing feature: ${c.dim} textures (GL_TEXTURE_${c.dim}; WebGL 1 has 2D and cube only)`);
  }
}

const PASSTHROUGH_VS = 'attribute vec4 piglit_vertex;\nvoid main() { gl_Position = piglit_vertex; }\n';

function isEs(t: ShaderTest): boolean {
  return t.requires.some((r) => r.kind === 'glsl-es' || r.kind === 'gl-es');
}

interface State {
  gl: GL;
  /** the GL compatibility state (desktop tests only) */
  compat: GLCompatibility | null;
  prog: WebGLProgram | null;
  width: number;
  height: number;
  tolerance: Rgba;
}

function compileProgram(gl: GL, t: ShaderTest): { prog: WebGLProgram | null; linkLog: string; linked: boolean } {
  const prog = gl.createProgram()!;
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
    }
  }
  // a desktop (compatibility) context links fixed-function processing in for a missing stage; ES has none
  if (isEs(t)) {
    if (!t.shaders.some((s) => s.stage === 'vertex')) throw new SkipTest('GLSL ES test without a vertex shader');
    if (!t.shaders.some((s) => s.stage === 'fragment')) throw new SkipTest('GLSL ES test without a fragment shader');
  }
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
  if (/#version /.test(source)) return source;
  if (isEs(t)) {
    // as shader_runner: a test requiring GLSL ES >= 3.00 gets `#version 300 es`
    const es = t.requires.find((r) => r.kind === 'glsl-es');
    return es && es.value! >= 3 ? `#version 300 es\n${source}` : source;
  }
  const req = t.requires.find((r) => r.kind === 'glsl' && r.value !== undefined);
  const version = req ? Math.round(req.value! * 100) : 110;
  return `#version ${version}\n${source}`;
}

/** location: a generic attribute index to feed whatever the program names it (piglit_draw_rect's PIGLIT_ATTRIB_POS/TEX) */
interface VertexArray { name: string; data: number[]; size: number; location?: number }

/**
 * Draw from client-side arrays as piglit does: a conventional attribute (gl_Vertex, gl_Color...)
 * through the fixed-function arrays of the compatibility state, any other through the generic
 * attribute the program gives that name (none: the array is not used).
 */
function drawArraysFrom(st: State, arrays: VertexArray[], mode: number, count: number): void {
  const { gl, prog, compat } = st;
  if (!prog) throw new TestFailure('draw with no linked program');
  const bufs: WebGLBuffer[] = [];
  const enabled: number[] = [];
  const conventional: string[] = [];
  const buffer = (data: number[]): WebGLBuffer => {
    const b = gl.createBuffer()!;
    bufs.push(b);
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(data), gl.STATIC_DRAW);
    return b;
  };
  for (const a of arrays) {
    if (CONVENTIONAL_ATTRIBUTES.includes(a.name)) {
      if (!compat) throw new TestFailure(`${a.name} array in a GLSL ES test`);
      compat.arrayPointer(a.name, buffer(a.data), a.size, gl.FLOAT, false, 0, 0);
      compat.enableArray(a.name, true);
      conventional.push(a.name);
      continue;
    }
    const loc = a.location ?? gl.getAttribLocation(prog, a.name);
    if (loc < 0) continue;
    buffer(a.data);
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, a.size, gl.FLOAT, false, 0, 0);
    enabled.push(loc);
  }
  gl.drawArrays(mode, 0, count);
  for (const l of enabled) gl.disableVertexAttribArray(l);
  for (const n of conventional) compat!.enableArray(n, false);
  for (const b of bufs) gl.deleteBuffer(b);
}

function drawRect(st: State, c: Extract<Command, { op: 'draw rect' }>): void {
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
  // piglit_draw_rect: the generic piglit_vertex/piglit_texcoord when the program has piglit_vertex,
  // else the fixed-function vertex and texture-coordinate arrays
  const generic = !st.compat || (st.prog !== null && st.gl.getAttribLocation(st.prog, 'piglit_vertex') >= 0);
  // (generic: attributes 0 and 1, which the runner binds piglit_vertex and piglit_texcoord to; a
  // program without them — `in vec4 vertex;` — reads the rectangle through whatever is at 0, as in piglit)
  const arrays: VertexArray[] = [generic ? { name: 'piglit_vertex', data: pos, size: 4, location: 0 } : { name: 'gl_Vertex', data: pos, size: 4 }];
  if (c.tex) arrays.push(generic ? { name: 'piglit_texcoord', data: tex, size: 2, location: 1 } : { name: 'gl_MultiTexCoord0', data: tex, size: 2 });
  drawArraysFrom(st, arrays, st.gl.TRIANGLE_STRIP, 4);
}

function drawArrays(st: State, t: ShaderTest, c: Extract<Command, { op: 'draw arrays' }>): void {
  const gl = st.gl;
  const vd = t.vertexData;
  if (c.instanced !== undefined) throw new SkipTest('missing feature: instanced draws');
  const mode = (gl as unknown as Record<string, number>)[c.mode.replace(/^GL_/, '')];
  if (typeof mode !== 'number') throw new SkipTest(`missing feature: primitive ${c.mode}`);
  let col = 0;
  const arrays: VertexArray[] = [];
  // without [vertex data] no array is enabled: every vertex reads the current attribute values
  for (const a of vd?.attributes ?? []) {
    if (a.type !== 'float') throw new SkipTest(`missing feature: vertex data of type ${a.type}`);
    const data: number[] = [];
    for (let r = c.first; r < c.first + c.count; r++) {
      const row = vd!.rows[r];
      if (!row) throw new TestFailure(`draw arrays reads vertex ${r} of ${vd!.rows.length}`);
      for (let k = 0; k < a.count; k++) data.push(row[col + k]);
    }
    col += a.count;
    arrays.push({ name: a.name, data, size: a.count });
  }
  drawArraysFrom(st, arrays, mode, c.count);
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
  if (c.values.length === 0) throw new TestFailure(`uniform ${c.type} ${c.name} without a value`);
  // shader_runner reads the components it needs with strtod: one missing at the end reads as 0
  const v = c.values.length % n ? [...c.values, ...new Array<number>(n - (c.values.length % n)).fill(0)] : c.values;
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

const TEXTURE_1D = 0x0de0, TEXTURE_COMPARE_MODE = 0x884c, TEXTURE_COMPARE_FUNC = 0x884d, COMPARE_R_TO_TEXTURE = 0x884e;
const DEPTH_TEXTURE_MODE = 0x884b, INTENSITY = 0x8049;

/**
 * shader_runner's `texture shadow1D/2D`: piglit_depth_texture (DEPTH_COMPONENT, FLOAT texels x / (w - 1), a gradient
 * from 0 on the left to 1 on the right; NEAREST, CLAMP_TO_EDGE), then COMPARE_R_TO_TEXTURE with GREATER.
 */
function makeDepthTexture(st: State, unit: number, dim: string, w: number, h: number): void {
  const gl = st.gl;
  needCompat(st, `texture shadow${dim}`);
  const target = dim === '1D' ? TEXTURE_1D : gl.TEXTURE_2D;
  const depth = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) depth[y * w + x] = x / (w - 1);
  gl.activeTexture(gl.TEXTURE0 + unit);
  gl.bindTexture(target, gl.createTexture());
  gl.texParameteri(target, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(target, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  if (dim === '1D') st.compat!.texImage1D(target, 0, gl.DEPTH_COMPONENT, w, 0, gl.DEPTH_COMPONENT, gl.FLOAT, depth);
  else gl.texImage2D(target, 0, gl.DEPTH_COMPONENT, w, h, 0, gl.DEPTH_COMPONENT, gl.FLOAT, depth);
  gl.texParameteri(target, TEXTURE_COMPARE_MODE, COMPARE_R_TO_TEXTURE);
  gl.texParameteri(target, TEXTURE_COMPARE_FUNC, gl.GREATER);
  gl.activeTexture(gl.TEXTURE0);
}

/**
 * piglit_rgbw_texture_1d: 4 texels red, green, blue, white (NEAREST, CLAMP_TO_EDGE). piglit uploads them as
 * RGBA FLOAT into an RGBA texture; the values are 0 and 1, so unsigned bytes store the same texels.
 */
function makeRgbw1D(st: State, unit: number): void {
  const gl = st.gl;
  needCompat(st, 'texture rgbw 1D');
  gl.activeTexture(gl.TEXTURE0 + unit);
  gl.bindTexture(TEXTURE_1D, gl.createTexture());
  gl.texParameteri(TEXTURE_1D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(TEXTURE_1D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.texParameteri(TEXTURE_1D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(TEXTURE_1D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  const px = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
  st.compat!.texImage1D(TEXTURE_1D, 0, gl.RGBA, 4, 0, gl.RGBA, gl.UNSIGNED_BYTE, px);
  gl.activeTexture(gl.TEXTURE0);
}

const COMPARE_FUNCS: Record<string, number> = { never: 0x200, less: 0x201, equal: 0x202, lequal: 0x203, greater: 0x204, notequal: 0x205, gequal: 0x206, always: 0x207 };
const DEPTH_MODES: Record<string, number> = { luminance: 0x1909, intensity: INTENSITY, alpha: 0x1906 };

/** shader_runner's `texparameter <1D|2D> <compare_func|depth_mode> <value>` on the active unit's texture. */
function texParameter(st: State, target: string, name: string, value: string, line: string): void {
  const gl = st.gl;
  const t = target === '1D' ? TEXTURE_1D : target === '2D' ? gl.TEXTURE_2D : 0;
  const v = name === 'compare_func' ? COMPARE_FUNCS[value] : name === 'depth_mode' ? DEPTH_MODES[value] : undefined;
  if (!t || v === undefined) throw new SkipTest(`runner gap: ${line}`);
  needCompat(st, line);
  gl.texParameteri(t, name === 'compare_func' ? TEXTURE_COMPARE_FUNC : DEPTH_TEXTURE_MODE, v);
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

function probeRect(st: State, x: number, y: number, w: number, h: number, expected: number[], channels: number, what: string, warn = false): void {
  // piglit reports a `probe warn` mismatch as WARN: not a pass, so a fail here with that said
  if (warn) what = `${what} (piglit: WARN)`;
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

const HINT_TARGETS = new Set(['GL_LINE_SMOOTH_HINT', 'GL_POLYGON_SMOOTH_HINT', 'GL_TEXTURE_COMPRESSION_HINT', 'GL_FRAGMENT_SHADER_DERIVATIVE_HINT']);
const HINT_MODES: Record<string, number> = { GL_FASTEST: 0x1101, GL_NICEST: 0x1102, GL_DONT_CARE: 0x1100 };

function needCompat(st: State, what: string): GLCompatibility {
  if (!st.compat) throw new TestFailure(`'${what}' needs the GL compatibility state (a GLSL ES test)`);
  return st.compat;
}

/** piglit's projection helpers: load the projection matrix, then reset the model-view matrix. */
function loadProjection(st: State, f: (m: GLCompatibility) => void): void {
  const m = needCompat(st, 'projection');
  m.matrixMode(PROJECTION);
  m.loadIdentity();
  f(m);
  m.matrixMode(MODELVIEW);
  m.loadIdentity();
}

export async function runShaderTest(t: ShaderTest): Promise<TestResult> {
  const create = createWebGLContext as unknown as CreateContext;
  checkRequirements(t, []);
  const { width, height } = t.size;
  // a GLSL ES 3.00 test runs in the compatibility profile too, the one that compiles `#version
  // 300 es` until a WebGL 2 context exists (its compatibility state stays unused: st.compat is null)
  const es3 = t.requires.some((r) => r.kind === 'glsl-es' && r.value! >= 3);
  const gl = create(width, height, { antialias: false, preserveDrawingBuffer: true, depth: true, stencil: false, alpha: true, ...(isEs(t) && !es3 ? {} : { compatibility: true }) });
  try {
    return execute(gl, t, width, height);
  } finally {
    (gl as unknown as { destroy?: () => void }).destroy?.();
  }
}

function execute(gl: GL, t: ShaderTest, width: number, height: number): TestResult {
  const st: State = { gl, compat: isEs(t) ? null : glCompatibility(gl), prog: null, width, height, tolerance: toleranceForBits([8, 8, 8, 8]) };
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
      case 'draw rect': drawRect(st, c); break;
      case 'draw arrays': drawArrays(st, t, c); break;
      case 'uniform': setUniform(st, c); break;
      case 'ortho': {
        // piglit_gen_ortho_projection / piglit_ortho_projection: projection = glOrtho(...), modelview = identity
        const [l, r, b, tp] = c.bounds ?? [0, width, 0, height];
        loadProjection(st, (m) => m.ortho(l, r, b, tp, -1, 1));
        break;
      }
      case 'frustum': loadProjection(st, (m) => m.frustum(...c.bounds)); break;
      case 'color': needCompat(st, l.text).color(...c.color); break;
      case 'hint': {
        // glHint: only the derivative hint has an enum WebGL knows; a hint may do nothing, so the
        // others (line/polygon smoothing, texture compression) are accepted without effect
        if (!HINT_MODES[c.mode] || !HINT_TARGETS.has(c.target)) throw new TestFailure(`${what}: bad hint '${l.text}'`);
        if (c.target === 'GL_FRAGMENT_SHADER_DERIVATIVE_HINT') gl.hint(0x8b8b, HINT_MODES[c.mode]!);
        break;
      }
      case 'shade model': needCompat(st, l.text).shadeModel(c.model === 'flat' ? FLAT : SMOOTH); break;
      case 'enable':
        if (c.cap === 'GL_VERTEX_PROGRAM_TWO_SIDE') { needCompat(st, l.text).vertexProgramTwoSide(c.on); break; }
        if (c.cap.startsWith('GL_CLIP_PLANE')) { needCompat(st, l.text).enableClipPlane(Number(c.cap.slice(13)), c.on); break; }
        throw new SkipTest(`runner gap: ${l.text}`); // checkRequirements skipped the others already
      case 'clip plane':
        // glClipPlane: shader_runner checks the index against GL_MAX_CLIP_PLANES first
        if (c.plane < 0 || c.plane >= 8) throw new TestFailure(`${what}: clip plane id ${c.plane} out of range`);
        needCompat(st, l.text).clipPlane(c.plane, c.equation);
        break;
      case 'texture shadow': makeDepthTexture(st, c.unit, c.dim, c.width, c.height); break;
      case 'texparameter': texParameter(st, c.target, c.name, c.value, l.text); break;
      case 'tolerance': st.tolerance = c.values; break;
      case 'texture rgbw':
        if (c.dim === '1D') { makeRgbw1D(st, c.unit); break; }
        if (c.dim) throw new SkipTest(`missing feature: ${c.dim} textures`);
        makeTexture(gl, c.unit, c.width, c.height, (i, j) => rgbwTexel(i, j, c.width, c.height)); break;
      case 'texture checkerboard':
        if (c.level !== 0) throw new SkipTest('runner gap: checkerboard into a mip level');
        makeTexture(gl, c.unit, c.width, c.height, (i, j) => ((Math.floor(i / (c.width / 2)) ^ Math.floor(j / (c.height / 2))) & 1 ? c.high : c.low));
        break;
      case 'probe': {
        const p = c.relative ? relativeToPixel(c.x, c.y, width, height) : { x: c.x, y: c.y };
        probeRect(st, p.x, p.y, 1, 1, c.expected, c.channels, what, c.warn);
        break;
      }
      case 'probe rect': probeRect(st, c.rect[0], c.rect[1], c.rect[2], c.rect[3], c.expected, c.channels, what, c.warn); break;
      case 'probe all': probeRect(st, 0, 0, width, height, c.expected, c.channels, what, c.warn); break;
      case 'fb':
      case 'unknown':
        throw new SkipTest(`runner gap: ${l.text}`);
    }
    const err = gl.getError();
    if (err !== gl.NO_ERROR) throw new TestFailure(`${what}: GL error 0x${err.toString(16)} after '${l.text}'`);
  }
  return { outcome: 'pass', detail: '' };
}
