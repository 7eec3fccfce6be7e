/**
 * The GL compatibility state: what OpenGL 2.1's fixed-function vertex processing keeps and
 * desktop GLSL 1.10/1.20 reads through its built-ins. WebGL has none of it; an Akari context
 * created with `compatibility: true` (the piglit runner's) carries one, reached through
 * {@link glCompatibility} — never through the WebGL object, whose programs never see gl_ names.
 *
 * As in Mesa (state references, `_mesa_add_state_reference`): the compiler places each built-in
 * uniform (gl_ModelViewProjectionMatrix, gl_NormalMatrix, gl_DepthRange.near...) like an ordinary
 * uniform marked `driverState`; at draw time the driver asks {@link GLCompatibility.stateValue}
 * for its value and writes it into the stage's uniform buffer. Conventional attributes
 * (gl_Vertex, gl_Color...) are fed from this object's arrays or current values.
 *
 * Matrices are column-major Float64Array(16) as glLoadMatrixd takes them; the formulas are
 * the GL 2.1 specification's (§2.11.2) and GLSL 1.20's (§7.5) for the derived matrices.
 */

export const MODELVIEW = 0x1700;
export const PROJECTION = 0x1701;
export const TEXTURE = 0x1702;
export const FLAT = 0x1d00;
export const SMOOTH = 0x1d01;
const INVALID_ENUM = 0x0500;
const INVALID_VALUE = 0x0501;
const STACK_OVERFLOW = 0x0503;
const STACK_UNDERFLOW = 0x0504;

/** Implementation limits (GL 2.1 minimums are 32 / 2 / 2; ours match Mesa's). */
export const MAX_MODELVIEW_STACK_DEPTH = 32;
export const MAX_PROJECTION_STACK_DEPTH = 32;
export const MAX_TEXTURE_STACK_DEPTH = 10;
export const MAX_TEXTURE_COORDS = 8;
export const MAX_CLIP_PLANES = 8;
export const MAX_LIGHTS = 8;

export type Mat4 = Float64Array;

export function identity4(): Mat4 {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** a * b, column-major. */
export function mul4(a: ArrayLike<number>, b: ArrayLike<number>): Mat4 {
  const o = new Float64Array(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += a[k * 4 + r]! * b[c * 4 + k]!;
    o[c * 4 + r] = s;
  }
  return o;
}

export function transpose4(m: ArrayLike<number>): Mat4 {
  const o = new Float64Array(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) o[c * 4 + r] = m[r * 4 + c]!;
  return o;
}

/** Inverse by Gauss-Jordan elimination with partial pivoting; a singular matrix gives null. */
export function invert4(m: ArrayLike<number>): Mat4 | null {
  // rows of [M | I], row-major for the elimination
  const a: number[][] = [];
  for (let r = 0; r < 4; r++) {
    a.push([m[r]!, m[4 + r]!, m[8 + r]!, m[12 + r]!, r === 0 ? 1 : 0, r === 1 ? 1 : 0, r === 2 ? 1 : 0, r === 3 ? 1 : 0]);
  }
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (a[p]![c] === 0) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const inv = 1 / a[c]![c]!;
    for (let k = 0; k < 8; k++) a[c]![k]! *= inv;
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      if (f !== 0) for (let k = 0; k < 8; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const o = new Float64Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) o[c * 4 + r] = a[r]![4 + c]!;
  return o;
}

/** glOrtho's matrix (GL 2.1 §2.11.2). */
export function orthoMatrix(l: number, r: number, b: number, t: number, n: number, f: number): Mat4 {
  const m = new Float64Array(16);
  m[0] = 2 / (r - l);
  m[5] = 2 / (t - b);
  m[10] = -2 / (f - n);
  m[12] = -(r + l) / (r - l);
  m[13] = -(t + b) / (t - b);
  m[14] = -(f + n) / (f - n);
  m[15] = 1;
  return m;
}

/** glFrustum's matrix (GL 2.1 §2.11.2). */
export function frustumMatrix(l: number, r: number, b: number, t: number, n: number, f: number): Mat4 {
  const m = new Float64Array(16);
  m[0] = (2 * n) / (r - l);
  m[5] = (2 * n) / (t - b);
  m[8] = (r + l) / (r - l);
  m[9] = (t + b) / (t - b);
  m[10] = -(f + n) / (f - n);
  m[11] = -1;
  m[14] = -(2 * f * n) / (f - n);
  return m;
}

/** The conventional vertex attributes of desktop GLSL, fed by the fixed-function arrays. */
export const CONVENTIONAL_ATTRIBUTES: readonly string[] = [
  'gl_Vertex', 'gl_Normal', 'gl_Color', 'gl_SecondaryColor', 'gl_FogCoord',
  ...Array.from({ length: MAX_TEXTURE_COORDS }, (_, i) => `gl_MultiTexCoord${i}`),
];

/** A fixed-function vertex array (glVertexPointer, glColorPointer...): a buffer object range. */
export interface ConventionalArray {
  enabled: boolean;
  /** the page's WebGLBuffer handle (its buffer is validated at draw time) */
  buffer: WebGLBuffer | null;
  size: number;
  type: number;
  normalized: boolean;
  stride: number;
  offset: number;
}

export interface CompatHost {
  /** glActiveTexture's unit: selects the texture matrix stack */
  activeTexture(): number;
  error(code: number): void;
  /** glDepthRange's near and far */
  depthRange(): readonly [number, number];
  /** glTexImage1D: the context stores a TEXTURE_1D image as a height-1 2D one */
  texImage1D(target: number, level: number, internalformat: number, width: number, border: number, format: number, type: number, data: ArrayBufferView | null): void;
}

const LIGHT_DEFAULTS = {
  ambient: [0, 0, 0, 1], position: [0, 0, 1, 0], spotDirection: [0, 0, -1],
  spotExponent: [0], spotCutoff: [180], constantAttenuation: [1], linearAttenuation: [0], quadraticAttenuation: [0],
};
const MATERIAL_DEFAULTS: Record<string, number[]> = {
  emission: [0, 0, 0, 1], ambient: [0.2, 0.2, 0.2, 1], diffuse: [0.8, 0.8, 0.8, 1], specular: [0, 0, 0, 1], shininess: [0],
};
const LIGHT_MODEL_AMBIENT = [0.2, 0.2, 0.2, 1];

export class GLCompatibility {
  private mode = MODELVIEW;
  private readonly modelview: Mat4[] = [identity4()];
  private readonly projection: Mat4[] = [identity4()];
  private readonly texture: Mat4[][] = Array.from({ length: MAX_TEXTURE_COORDS }, () => [identity4()]);
  private readonly clipPlanes: Float64Array[] = Array.from({ length: MAX_CLIP_PLANES }, () => new Float64Array(4));
  private readonly clipEnabled: boolean[] = new Array<boolean>(MAX_CLIP_PLANES).fill(false);
  /** current values of the conventional attributes (glColor4f, glNormal3f...) */
  private readonly current = new Map<string, Float32Array>(CONVENTIONAL_ATTRIBUTES.map((n) => [n, new Float32Array(
    n === 'gl_Color' ? [1, 1, 1, 1] : n === 'gl_Normal' ? [0, 0, 1, 1] : [0, 0, 0, 1])]));
  private readonly arrays = new Map<string, ConventionalArray>();
  /** GL_VERTEX_PROGRAM_TWO_SIDE: back-facing primitives take gl_BackColor / gl_BackSecondaryColor */
  private twoSide = false;
  private flat = false;

  constructor(private readonly host: CompatHost) {}

  // ------------------------------------------------------------------ textures
  /** glTexImage1D (TEXTURE_1D: sampler1D, sampler1DShadow); the other GL 2.1 texture state goes through texParameteri */
  texImage1D(target: number, level: number, internalformat: number, width: number, border: number, format: number, type: number, data: ArrayBufferView | null): void {
    this.host.texImage1D(target, level, internalformat, width, border, format, type, data);
  }

  // ------------------------------------------------------------------ matrices
  matrixMode(mode: number): void {
    if (mode !== MODELVIEW && mode !== PROJECTION && mode !== TEXTURE) return this.host.error(INVALID_ENUM);
    this.mode = mode;
  }
  private stack(): Mat4[] {
    if (this.mode === MODELVIEW) return this.modelview;
    if (this.mode === PROJECTION) return this.projection;
    return this.texture[Math.min(this.host.activeTexture(), MAX_TEXTURE_COORDS - 1)]!;
  }
  private maxDepth(): number {
    return this.mode === MODELVIEW ? MAX_MODELVIEW_STACK_DEPTH : this.mode === PROJECTION ? MAX_PROJECTION_STACK_DEPTH : MAX_TEXTURE_STACK_DEPTH;
  }
  private top(): Mat4 { const s = this.stack(); return s[s.length - 1]!; }
  private setTop(m: Mat4): void { const s = this.stack(); s[s.length - 1] = m; }

  loadIdentity(): void { this.setTop(identity4()); }
  loadMatrix(m: ArrayLike<number>): void {
    if (m.length !== 16) return this.host.error(INVALID_VALUE);
    this.setTop(Float64Array.from(m));
  }
  multMatrix(m: ArrayLike<number>): void {
    if (m.length !== 16) return this.host.error(INVALID_VALUE);
    this.setTop(mul4(this.top(), m));
  }
  pushMatrix(): void {
    const s = this.stack();
    if (s.length >= this.maxDepth()) return this.host.error(STACK_OVERFLOW);
    s.push(Float64Array.from(s[s.length - 1]!));
  }
  popMatrix(): void {
    const s = this.stack();
    if (s.length <= 1) return this.host.error(STACK_UNDERFLOW);
    s.pop();
  }
  ortho(l: number, r: number, b: number, t: number, n: number, f: number): void {
    if (l === r || b === t || n === f) return this.host.error(INVALID_VALUE);
    this.multMatrix(orthoMatrix(l, r, b, t, n, f));
  }
  frustum(l: number, r: number, b: number, t: number, n: number, f: number): void {
    if (n <= 0 || f <= 0 || l === r || b === t || n === f) return this.host.error(INVALID_VALUE);
    this.multMatrix(frustumMatrix(l, r, b, t, n, f));
  }
  translate(x: number, y: number, z: number): void {
    const m = identity4();
    m[12] = x; m[13] = y; m[14] = z;
    this.multMatrix(m);
  }
  scale(x: number, y: number, z: number): void {
    const m = identity4();
    m[0] = x; m[5] = y; m[10] = z;
    this.multMatrix(m);
  }
  /** glRotate: `angle` degrees about (x, y, z). */
  rotate(angle: number, x: number, y: number, z: number): void {
    const len = Math.hypot(x, y, z);
    if (len === 0) return;
    x /= len; y /= len; z /= len;
    const a = (angle * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a), k = 1 - c;
    this.multMatrix([
      x * x * k + c, y * x * k + z * s, x * z * k - y * s, 0,
      x * y * k - z * s, y * y * k + c, y * z * k + x * s, 0,
      x * z * k + y * s, y * z * k - x * s, z * z * k + c, 0,
      0, 0, 0, 1,
    ]);
  }
  /** The top of a stack (glGetDoublev(GL_MODELVIEW_MATRIX...)); `unit` for TEXTURE. */
  getMatrix(mode: number, unit = 0): Mat4 {
    const s = mode === MODELVIEW ? this.modelview : mode === PROJECTION ? this.projection : this.texture[unit]!;
    return Float64Array.from(s[s.length - 1]!);
  }

  // ------------------------------------------------------------------ clip planes
  /** glClipPlane: the plane is stored in eye coordinates, transformed by the inverse model-view. */
  clipPlane(i: number, eq: ArrayLike<number>): void {
    if (i < 0 || i >= MAX_CLIP_PLANES || eq.length !== 4) return this.host.error(INVALID_VALUE);
    const inv = invert4(this.modelview[this.modelview.length - 1]!) ?? identity4();
    // p_eye = p * M^-1 (a row vector times the matrix)
    const out = new Float64Array(4);
    for (let c = 0; c < 4; c++) out[c] = eq[0]! * inv[c * 4]! + eq[1]! * inv[c * 4 + 1]! + eq[2]! * inv[c * 4 + 2]! + eq[3]! * inv[c * 4 + 3]!;
    this.clipPlanes[i] = out;
  }
  enableClipPlane(i: number, on: boolean): void {
    if (i < 0 || i >= MAX_CLIP_PLANES) return this.host.error(INVALID_ENUM);
    this.clipEnabled[i] = on;
  }
  /** Bit i set: user clip plane i is enabled (the tiler clips against the shader's distance i). */
  clipEnableMask(): number { return this.clipEnabled.reduce((m, e, i) => (e ? m | (1 << i) : m), 0); }

  /** glShadeModel: GL_FLAT (0x1D00) gives every primitive its provoking vertex's colours. */
  shadeModel(mode: number): void {
    if (mode !== SMOOTH && mode !== FLAT) return this.host.error(INVALID_ENUM);
    this.flat = mode === FLAT;
  }
  flatShading(): boolean { return this.flat; }

  /** glEnable / glDisable(GL_VERTEX_PROGRAM_TWO_SIDE). */
  vertexProgramTwoSide(on: boolean): void { this.twoSide = on; }

  // ------------------------------------------------------------------ current values and arrays
  color(r: number, g: number, b: number, a = 1): void { this.current.get('gl_Color')!.set([r, g, b, a]); }
  secondaryColor(r: number, g: number, b: number): void { this.current.get('gl_SecondaryColor')!.set([r, g, b, 1]); }
  normal(x: number, y: number, z: number): void { this.current.get('gl_Normal')!.set([x, y, z, 1]); }
  multiTexCoord(unit: number, s: number, t = 0, r = 0, q = 1): void {
    if (unit < 0 || unit >= MAX_TEXTURE_COORDS) return this.host.error(INVALID_ENUM);
    this.current.get(`gl_MultiTexCoord${unit}`)!.set([s, t, r, q]);
  }
  fogCoord(f: number): void { this.current.get('gl_FogCoord')!.set([f, 0, 0, 1]); }
  /** The current value of a conventional attribute, as a vec4. */
  currentValue(name: string): Float32Array | undefined { return this.current.get(name); }

  /**
   * glVertexPointer / glColorPointer / glTexCoordPointer... named by the attribute they feed:
   * `buffer` holds the data, as a bound ARRAY_BUFFER would.
   */
  arrayPointer(name: string, buffer: WebGLBuffer, size: number, type: number, normalized: boolean, stride: number, offset: number): void {
    if (!CONVENTIONAL_ATTRIBUTES.includes(name)) return this.host.error(INVALID_ENUM);
    if (size < 1 || size > 4 || stride < 0 || offset < 0) return this.host.error(INVALID_VALUE);
    const prev = this.arrays.get(name);
    this.arrays.set(name, { enabled: prev?.enabled ?? false, buffer, size, type, normalized, stride, offset });
  }
  /** glEnableClientState / glDisableClientState. */
  enableArray(name: string, on: boolean): void {
    if (!CONVENTIONAL_ATTRIBUTES.includes(name)) return this.host.error(INVALID_ENUM);
    const a = this.arrays.get(name);
    if (a) a.enabled = on;
    else if (on) this.arrays.set(name, { enabled: true, buffer: null, size: 4, type: 0x1406, normalized: false, stride: 0, offset: 0 });
  }
  /** The enabled array feeding a conventional attribute, if any. */
  array(name: string): ConventionalArray | undefined {
    const a = this.arrays.get(name);
    return a?.enabled ? a : undefined;
  }

  // ------------------------------------------------------------------ state uniforms
  /**
   * The value of one leaf of a built-in uniform, as the compiler flattened it (`gl_ModelViewMatrix`,
   * `gl_TextureMatrix[0]` with `element`, `gl_LightSource[2].diffuse`, `gl_DepthRange.near`):
   * floats in the uniform's word order (matrices column-major). Null for a name that is not GL state.
   */
  stateValue(leaf: string, element = 0): number[] | null {
    const m = /^(gl_[A-Za-z]+)(?:\[(\d+)\])?(?:\.([A-Za-z]+))?$/.exec(leaf);
    if (!m) return null;
    const base = m[1]!, field = m[3];
    const index = (m[2] !== undefined ? Number(m[2]) : 0) + element;
    const mv = this.modelview[this.modelview.length - 1]!;
    const proj = this.projection[this.projection.length - 1]!;
    const mat = /^gl_(ModelViewProjection|ModelView|Projection|Texture)Matrix(Inverse)?(Transpose)?$/.exec(base);
    if (mat) {
      let x: Mat4;
      if (mat[1] === 'ModelView') x = mv;
      else if (mat[1] === 'Projection') x = proj;
      else if (mat[1] === 'ModelViewProjection') x = mul4(proj, mv);
      else {
        if (index >= MAX_TEXTURE_COORDS) return null;
        const s = this.texture[index]!;
        x = s[s.length - 1]!;
      }
      // a singular matrix has no inverse: GL leaves it undefined, Mesa gives identity
      if (mat[2]) x = invert4(x) ?? identity4();
      if (mat[3]) x = transpose4(x);
      return Array.from(x);
    }
    switch (base) {
      // not a GLSL built-in: the state behind the compiler's two-sided gl_Color selection
      case 'gl_VertexProgramTwoSide': return [this.twoSide ? 1 : 0];
      case 'gl_NormalMatrix': {
        // transpose of the inverse of the upper-left 3x3 of the model-view matrix (GLSL 1.20 §7.5)
        const u = identity4();
        for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) u[c * 4 + r] = mv[c * 4 + r]!;
        const it = transpose4(invert4(u) ?? identity4());
        return [it[0]!, it[1]!, it[2]!, it[4]!, it[5]!, it[6]!, it[8]!, it[9]!, it[10]!];
      }
      case 'gl_NormalScale': {
        // GL 2.1 §2.11.3: 1 / length of the third row of the inverse model-view's upper 3x3
        const inv = invert4(mv) ?? identity4();
        const len = Math.hypot(inv[2]!, inv[6]!, inv[10]!);
        return [len ? 1 / len : 1];
      }
      case 'gl_DepthRange': {
        const [n, f] = this.host.depthRange();
        return field === 'near' ? [n] : field === 'far' ? [f] : field === 'diff' ? [f - n] : null;
      }
      case 'gl_ClipPlane':
        return index < MAX_CLIP_PLANES ? Array.from(this.clipPlanes[index]!) : null;
      case 'gl_Point': {
        const p: Record<string, number> = { size: 1, sizeMin: 0, sizeMax: 1024, fadeThresholdSize: 1, distanceConstantAttenuation: 1, distanceLinearAttenuation: 0, distanceQuadraticAttenuation: 0 };
        return field && field in p ? [p[field]!] : null;
      }
      case 'gl_Fog': {
        const p: Record<string, number[]> = { color: [0, 0, 0, 0], density: [1], start: [0], end: [1], scale: [1] };
        return field ? (p[field] ?? null) : null;
      }
      case 'gl_TextureEnvColor': return [0, 0, 0, 0];
      case 'gl_EyePlaneS': case 'gl_ObjectPlaneS': return [1, 0, 0, 0];
      case 'gl_EyePlaneT': case 'gl_ObjectPlaneT': return [0, 1, 0, 0];
      case 'gl_EyePlaneR': case 'gl_ObjectPlaneR': case 'gl_EyePlaneQ': case 'gl_ObjectPlaneQ': return [0, 0, 0, 0];
      case 'gl_FrontMaterial': case 'gl_BackMaterial': return field ? (MATERIAL_DEFAULTS[field] ?? null) : null;
      case 'gl_LightSource': return field && index < MAX_LIGHTS ? this.light(index, field) : null;
      case 'gl_LightModel': return field === 'ambient' ? [...LIGHT_MODEL_AMBIENT] : null;
      case 'gl_FrontLightModelProduct': case 'gl_BackLightModelProduct':
        // ecm + acm * acs (GL 2.1 §2.14.1)
        return field === 'sceneColor'
          ? MATERIAL_DEFAULTS.emission!.map((e, k) => (k === 3 ? MATERIAL_DEFAULTS.diffuse![3]! : e + MATERIAL_DEFAULTS.ambient![k]! * LIGHT_MODEL_AMBIENT[k]!))
          : null;
      case 'gl_FrontLightProduct': case 'gl_BackLightProduct': {
        if (!field || index >= MAX_LIGHTS || !['ambient', 'diffuse', 'specular'].includes(field)) return null;
        const l = this.light(index, field)!, mtl = MATERIAL_DEFAULTS[field]!;
        return l.map((v, k) => v * mtl[k]!);
      }
    }
    return null;
  }

  /** Light parameters: GL 2.1 Table 2.8 defaults (light 0 is white, the others black). */
  private light(i: number, field: string): number[] | null {
    if (field === 'diffuse' || field === 'specular') return i === 0 ? [1, 1, 1, 1] : [0, 0, 0, 1];
    if (field === 'halfVector') return [0, 0, 1, 0]; // normalize(position + (0,0,1)) for the default infinite light
    if (field === 'spotCosCutoff') return [-1];
    const d = (LIGHT_DEFAULTS as Record<string, number[]>)[field];
    return d ? [...d] : null;
  }
}

/** The key under which an Akari context created with `compatibility: true` keeps its state. */
export const COMPAT_STATE: unique symbol = Symbol('akari.glCompatibility');

/**
 * The GL compatibility state of an Akari context created with `{ compatibility: true }` (the
 * piglit runner's): matrices, current values, fixed-function arrays. Not part of WebGL.
 */
export function glCompatibility(gl: WebGLRenderingContext): GLCompatibility {
  const c = (gl as unknown as { [COMPAT_STATE]?: GLCompatibility })[COMPAT_STATE];
  if (!c) throw new Error('glCompatibility: not an Akari context created with { compatibility: true }');
  return c;
}
