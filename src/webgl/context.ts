/**
 * WebGL 1.0 on Akari: the state tracker. Validates every call as the WebGL
 * 1.0 spec requires (errors recorded for getError, nothing wrong reaches the
 * kernel or the GPU), turns GL state into STATE/DRAW/ATTRIBUTE/SHADER/TEXTURE
 * descriptors and hands them to the render-pass machinery in gpu.ts.
 *
 * The drawing buffer and every render target are y-up in memory (row 0 = GL
 * window y 0): the viewport is not flipped, so gl_FragCoord and readPixels
 * are in GL order.
 */
import { GL, EXT, type GLConstants } from './constants.js';
import { GpuContext, copyColorRgba8, readColorFloat, readColorRgba8, type GpuProcess, type Surface } from './gpu.js';
import { AkariCanvas, WebGLContextEvent } from './canvas.js';
import {
  AkActiveInfo, AkBuffer, AkFramebuffer, AkPrecisionFormat, AkProgram, AkRenderbuffer, AkShader, AkTexture,
  AkUniformLocation, AkVertexArray, GLObject, type Attachment, type LevelInfo, type VertexAttrib,
} from './objects.js';
import { arrayTypeOk, decodeTexel, encodeTexel, imageTexels, texFormat, TEX_FORMATS_ALL, TEX_TYPES_ALL, type TexFormatInfo } from './formats.js';
import type { CompiledShader, LinkedProgram, LinkOptions, Stage, StageBinary, ActiveUniform } from '../umd/compiler/program.js';
import { ATTRIBUTE, BLEND_FACTOR, DRAW, SHADER, STATE, TEXTURE, TEX_FORMAT } from '../hwdesc/descriptors.js';
import { assemble } from '../hwdesc/isa-codec.js';
import type { Bo } from '../umd/device.js';
import { DrmError } from '../libdrm/libdrm.js';
import { COMPAT_STATE, GLCompatibility } from './compat.js';
import { fixedFunctionFragmentSource, fixedFunctionVertexSource } from './fixed-function.js';
import * as glsl from '../umd/compiler/index.js';
import { installBindings } from './bindings.js';
import { EXTENSION_IDL, WEBGL1_IDL } from './idl.js';

/** Allocation failures (kernel ENOMEM/ENOSPC, VA exhaustion, host memory) become GL_OUT_OF_MEMORY. */
function isOom(e: unknown): boolean {
  return e instanceof DrmError || e instanceof RangeError || (e instanceof Error && /out of GPU virtual address space/.test(e.message));
}

/** The GLSL compiler (src/umd/compiler): a static import, so the package loads with require() too (no top-level await). */
const compiler = glsl;

/** The context attributes, and what a WebGL context takes beyond them. */
export interface WebGLContextOptions extends WebGLContextAttributes {
  /**
   * Not WebGL: also keep OpenGL 2.1's compatibility state (matrices, current values, fixed-function
   * arrays; see compat.ts, reached through `glCompatibility(gl)`) and link programs that lack a
   * vertex or fragment shader with generated fixed-function ones. For piglit's desktop tests.
   */
  compatibility?: boolean;
  /**
   * Not WebGL: the longest one GPU job of this context may run (ms) before the
   * firmware stops it and the context is lost (WebGL 1.0 §5.15). Browsers
   * bound GPU work the same way (Chromium's GPU watchdog, Windows' TDR).
   */
  jobTimeoutMs?: number;
}

/** The default `jobTimeoutMs`: a few seconds, as browsers allow (Chromium's GPU watchdog waits 10 s). */
export const DEFAULT_JOB_TIMEOUT_MS = 10_000;

const MAX_VERTEX_ATTRIBS = 16;
const MAX_TEXTURE_UNITS = 16;
const MAX_TEXTURE_SIZE = 4096;
const MAX_CUBE_SIZE = 4096;
const MAX_RB_SIZE = 4096;
const MAX_VIEWPORT = 16384;
/**
 * The largest drawing buffer side: what the viewport can address. A canvas
 * larger than this gets a drawing buffer clamped to it, as WebGL 1.0 § 2.2
 * allows ("a drawing buffer with smaller dimensions shall be created").
 */
export const MAX_DRAWING_BUFFER_SIZE = MAX_VIEWPORT;

const EXTENSIONS = [
  'ANGLE_instanced_arrays', 'EXT_blend_minmax', 'EXT_shader_texture_lod', 'OES_element_index_uint', 'OES_standard_derivatives',
  'OES_texture_float', 'OES_texture_half_float', 'OES_vertex_array_object', 'WEBGL_depth_texture', 'WEBGL_lose_context',
  // headless-gl's own two (stack.gl), so programs written for it move unchanged
  'STACKGL_destroy_context', 'STACKGL_resize_drawingbuffer',
];

const CLEAR_VS = `
ld_attr r0, attr0.x
ld_attr r1, attr0.y
ld_attr r2, attr0.z
ld_attr r3, attr1.x
ld_attr r4, attr1.y
ld_attr r5, attr1.z
ld_attr r6, attr1.w
st_vary v0, r0
st_vary v1, r1
st_vary v2, r2
st_vary v3, #1.0
st_vary v8, r3
st_vary v9, r4
st_vary v10, r5
st_vary v11, r6
end
`;
const CLEAR_FS = `
ld_vary r0, v8
ld_vary r1, v9
ld_vary r2, v10
ld_vary r3, v11
st_out rt0.x, r0
st_out rt0.y, r1
st_out rt0.z, r2
st_out rt0.w, r3
end
`;

const COMPARE_FUNCS = [GL.NEVER, GL.LESS, GL.EQUAL, GL.LEQUAL, GL.GREATER, GL.NOTEQUAL, GL.GEQUAL, GL.ALWAYS] as number[];
const STENCIL_OPS = [GL.KEEP, GL.ZERO, GL.REPLACE, GL.INCR, GL.DECR, GL.INVERT, GL.INCR_WRAP, GL.DECR_WRAP] as number[];
const BLEND_EQS = [GL.FUNC_ADD, GL.FUNC_SUBTRACT, GL.FUNC_REVERSE_SUBTRACT, EXT.MIN_EXT, EXT.MAX_EXT] as number[];
const BLEND_FACTORS: Record<number, (typeof BLEND_FACTOR)[number]> = {
  [GL.ZERO]: 'zero', [GL.ONE]: 'one', [GL.SRC_COLOR]: 'src_color', [GL.ONE_MINUS_SRC_COLOR]: 'one_minus_src_color',
  [GL.DST_COLOR]: 'dst_color', [GL.ONE_MINUS_DST_COLOR]: 'one_minus_dst_color', [GL.SRC_ALPHA]: 'src_alpha',
  [GL.ONE_MINUS_SRC_ALPHA]: 'one_minus_src_alpha', [GL.DST_ALPHA]: 'dst_alpha', [GL.ONE_MINUS_DST_ALPHA]: 'one_minus_dst_alpha',
  [GL.CONSTANT_COLOR]: 'constant_color', [GL.ONE_MINUS_CONSTANT_COLOR]: 'one_minus_constant_color',
  [GL.CONSTANT_ALPHA]: 'constant_alpha', [GL.ONE_MINUS_CONSTANT_ALPHA]: 'one_minus_constant_alpha', [GL.SRC_ALPHA_SATURATE]: 'src_alpha_saturate',
};
const CAPS = [GL.BLEND, GL.CULL_FACE, GL.DEPTH_TEST, GL.DITHER, GL.POLYGON_OFFSET_FILL, GL.SAMPLE_ALPHA_TO_COVERAGE, GL.SAMPLE_COVERAGE, GL.SCISSOR_TEST, GL.STENCIL_TEST] as number[];

/** GL 2.1 enums of 1D and depth textures (compatibility contexts only) */
const TEXTURE_1D = 0x0de0, SAMPLER_1D = 0x8b5d, SAMPLER_1D_SHADOW = 0x8b61, SAMPLER_2D_SHADOW = 0x8b62;
const DEPTH_TEXTURE_MODE = 0x884b, TEXTURE_COMPARE_MODE = 0x884c, TEXTURE_COMPARE_FUNC = 0x884d, COMPARE_R_TO_TEXTURE = 0x884e;
const INTENSITY = 0x8049;
/** The texture binding a sampler uniform type reads. */
function samplerTarget(type: number): number {
  return type === GL.SAMPLER_CUBE ? GL.TEXTURE_CUBE_MAP : type === SAMPLER_1D || type === SAMPLER_1D_SHADOW ? TEXTURE_1D : GL.TEXTURE_2D;
}

/** Uniform type -> base kind and component count (matrices: columns x rows). */
const UNIFORM_TYPES: Record<number, { base: 'f' | 'i' | 'b' | 's'; n: number; cols?: number }> = {
  [GL.FLOAT]: { base: 'f', n: 1 }, [GL.FLOAT_VEC2]: { base: 'f', n: 2 }, [GL.FLOAT_VEC3]: { base: 'f', n: 3 }, [GL.FLOAT_VEC4]: { base: 'f', n: 4 },
  [GL.INT]: { base: 'i', n: 1 }, [GL.INT_VEC2]: { base: 'i', n: 2 }, [GL.INT_VEC3]: { base: 'i', n: 3 }, [GL.INT_VEC4]: { base: 'i', n: 4 },
  [GL.BOOL]: { base: 'b', n: 1 }, [GL.BOOL_VEC2]: { base: 'b', n: 2 }, [GL.BOOL_VEC3]: { base: 'b', n: 3 }, [GL.BOOL_VEC4]: { base: 'b', n: 4 },
  [GL.FLOAT_MAT2]: { base: 'f', n: 4, cols: 2 }, [GL.FLOAT_MAT3]: { base: 'f', n: 9, cols: 3 }, [GL.FLOAT_MAT4]: { base: 'f', n: 16, cols: 4 },
  [GL.SAMPLER_2D]: { base: 's', n: 1 }, [GL.SAMPLER_CUBE]: { base: 's', n: 1 },
  // desktop GLSL samplers (compatibility contexts): sampler1D, sampler1DShadow, sampler2DShadow
  [SAMPLER_1D]: { base: 's', n: 1 }, [SAMPLER_1D_SHADOW]: { base: 's', n: 1 }, [SAMPLER_2D_SHADOW]: { base: 's', n: 1 },
  // GL 2.1 non-square matrices (desktop GLSL 1.20 in compatibility contexts): no WebGL setter,
  // but they can hold initializer values and be read back
  0x8b65: { base: 'f', n: 6, cols: 2 }, 0x8b66: { base: 'f', n: 8, cols: 2 }, 0x8b67: { base: 'f', n: 6, cols: 3 },
  0x8b68: { base: 'f', n: 12, cols: 3 }, 0x8b69: { base: 'f', n: 8, cols: 4 }, 0x8b6a: { base: 'f', n: 12, cols: 4 },
};
const ATTRIB_SLOTS: Record<number, number> = { [GL.FLOAT_MAT2]: 2, [GL.FLOAT_MAT3]: 3, [GL.FLOAT_MAT4]: 4 };

/** What the API shows of a program: built-in attributes and state uniforms are the driver's. */
const apiAttributes = (l: LinkedProgram | null): LinkedProgram['attributes'] => (l ? l.attributes.filter((a) => !a.conventional) : []);
const apiUniforms = (l: LinkedProgram | null): LinkedProgram['uniforms'] => (l ? l.uniforms.filter((u) => !u.driverState) : []);

const typeSize = (t: number) => (t === GL.FLOAT ? 4 : t === GL.SHORT || t === GL.UNSIGNED_SHORT ? 2 : 1);
const f32 = new Float32Array(1), u32v = new Uint32Array(f32.buffer), i32v = new Int32Array(f32.buffer);
const fbits = (v: number) => { f32[0] = v; return u32v[0]!; };
const clampf = (v: number) => Math.min(1, Math.max(0, Number(v) || 0));
const isPow2 = (v: number) => v > 0 && (v & (v - 1)) === 0;

export interface AkariWebGLRenderingContext extends GLConstants {}

export class AkariWebGLRenderingContext implements WebGLRenderingContext {
  /** A canvas-like EventTarget: setting its width/height resizes the drawing buffer (canvas.ts). */
  readonly canvas: HTMLCanvasElement | OffscreenCanvas;
  drawingBufferColorSpace: PredefinedColorSpace = 'srgb';
  unpackColorSpace: PredefinedColorSpace = 'srgb';
  readonly gpu: GpuContext;
  private attrs: WebGLContextAttributes;
  private width: number;
  private height: number;
  private lost = false;
  private lostPending = false;
  /** the lost event was cancelled (preventDefault): the context may be restored (§5.15.2) */
  private restoreAllowed = false;
  /** lost through WEBGL_lose_context.loseContext: only restoreContext() restores it */
  private lostByExtension = false;
  /** Not WebGL: why the context was last lost ('loseContext', or the kernel's verdict: guilty_timeout, guilty_fault, lost, banned) */
  lostReason = '';
  /**
   * Objects belong to one generation of the context: a restored context
   * starts a new one, so objects made before the loss are invalid (§5.15.3).
   */
  private gen: object = {};
  private readonly options: WebGLContextOptions;
  private readonly process: GpuProcess;
  private errors = new Set<number>();
  private defaultSurface: Surface;
  private defaultKey = {};

  // state
  private clearColorV = [0, 0, 0, 0];
  private clearDepthV = 1;
  private clearStencilV = 0;
  private colorMaskV = [true, true, true, true];
  private depthMaskV = true;
  private depthFuncV: number = GL.LESS;
  private depthRangeV = [0, 1];
  private caps = new Map<number, boolean>(CAPS.map((c) => [c, c === GL.DITHER]));
  private viewportV: number[];
  private scissorV: number[];
  private cullFaceV: number = GL.BACK;
  private frontFaceV: number = GL.CCW;
  private lineWidthV = 1;
  private polyOffset = [0, 0];
  private blendColorV = [0, 0, 0, 0];
  private blendEq = [GL.FUNC_ADD as number, GL.FUNC_ADD as number];
  private blendFn = [GL.ONE as number, GL.ZERO as number, GL.ONE as number, GL.ZERO as number];
  private stencilFn = [[GL.ALWAYS as number, 0, 0xffffffff], [GL.ALWAYS as number, 0, 0xffffffff]];
  private stencilOps = [[GL.KEEP as number, GL.KEEP as number, GL.KEEP as number], [GL.KEEP as number, GL.KEEP as number, GL.KEEP as number]];
  private stencilWM = [0xffffffff, 0xffffffff];
  private sampleCov = [1, false];
  private hints = new Map<number, number>([[GL.GENERATE_MIPMAP_HINT, GL.DONT_CARE], [EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES, GL.DONT_CARE]]);
  private pack = { alignment: 4 };
  private unpack = { alignment: 4, flipY: false, premultiply: false, colorspace: GL.BROWSER_DEFAULT_WEBGL as number };
  private activeUnit = 0;
  private tex2d: Array<AkTexture | null> = new Array(MAX_TEXTURE_UNITS).fill(null);
  /** TEXTURE_1D bindings (compatibility contexts): height-1 2D textures underneath, as Mesa does without 1D hardware */
  private tex1d: Array<AkTexture | null> = new Array(MAX_TEXTURE_UNITS).fill(null);
  private texCube: Array<AkTexture | null> = new Array(MAX_TEXTURE_UNITS).fill(null);
  private arrayBuffer: AkBuffer | null = null;
  private defaultVao: AkVertexArray;
  private vao: AkVertexArray;
  private currentAttrib: Float32Array[] = Array.from({ length: MAX_VERTEX_ATTRIBS }, () => new Float32Array([0, 0, 0, 1]));
  private program: AkProgram | null = null;
  private framebuffer: AkFramebuffer | null = null;
  private renderbuffer: AkRenderbuffer | null = null;
  private enabledExt = new Set<string>();
  private extObjects = new Map<string, object>();
  private clearCode: Bo;
  private blackTex: Bo;
  /** OpenGL compatibility state, in contexts created with `compatibility: true` only */
  readonly [COMPAT_STATE]?: GLCompatibility;
  /**
   * Always present, since an ES shader may read gl_DepthRange; the other state keeps its initial
   * value (identity matrices...) unless the context is a compatibility one.
   */
  private readonly compat: GLCompatibility;
  private readonly compatProfile: boolean;
  private ffShaders: { vs?: CompiledShader; fs?: CompiledShader } = {};

  /**
   * A context on `process` (its system calls: the platform booted the machine) with a
   * `width`×`height` canvas. Sizes are the canvas's: integers ≥ 0 (the platform checks them).
   */
  constructor(width: number, height: number, opts: WebGLContextOptions, process: GpuProcess) {
    this.options = opts;
    this.process = process;
    this.width = drawingBufferSide(width);
    this.height = drawingBufferSide(height);
    this.attrs = {
      alpha: opts.alpha ?? true, depth: opts.depth ?? true, stencil: opts.stencil ?? false, antialias: false,
      premultipliedAlpha: opts.premultipliedAlpha ?? true, preserveDrawingBuffer: opts.preserveDrawingBuffer ?? false,
      powerPreference: opts.powerPreference ?? 'default', failIfMajorPerformanceCaveat: opts.failIfMajorPerformanceCaveat ?? false,
      desynchronized: false,
    };
    this.compat = this.makeCompat();
    this.compatProfile = !!opts.compatibility;
    if (this.compatProfile) this[COMPAT_STATE] = this.compat;
    this.gpu = new GpuContext(process);
    this.gpu.timeoutMs = opts.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    this.gpu.onLost = (why) => this.loseContextSteps(why, false);
    const W = this.width, H = this.height;
    try {
      this.defaultSurface = this.allocDrawingBuffer(W, H);
    } catch (e) {
      this.gpu.destroy();
      throw e;
    }
    this.viewportV = [0, 0, W, H];
    this.scissorV = [0, 0, W, H];
    this.defaultVao = new AkVertexArray(this.gen, MAX_VERTEX_ATTRIBS);
    this.vao = this.defaultVao;
    const canvas = new AkariCanvas(width, height);
    canvas.attach(this);
    this.canvas = canvas as unknown as HTMLCanvasElement;
    // Internal shaders for masked/scissored clears, and the texture bound for incomplete textures.
    const vs = assemble(CLEAR_VS), fs = assemble(CLEAR_FS);
    this.clearCode = this.gpu.allocBo(4096, 'rx');
    this.clearCode.write(0, vs);
    this.clearCode.write(256 * 4, fs);
    this.blackTex = this.gpu.allocBo(4096, 'r');
    this.blackTex.write(0, new Uint8Array([0, 0, 0, 255]));
    // Initialise the drawing buffer: colour (0,0,0,0), depth 1, stencil 0.
    this.gpu.clearPass(this.defaultKey, this.defaultSurface, [0, 0, 0, 0], this.defaultSurface.zs ? 1 : null, this.defaultSurface.zs ? 0 : null);
  }

  private makeCompat(): GLCompatibility {
    return new GLCompatibility({ activeTexture: () => this.activeUnit, error: (e) => this.err(e), depthRange: () => [this.depthRangeV[0]!, this.depthRangeV[1]!],
      texImage1D: (...a) => this.texImage1D(...a) });
  }

  // ---------------------------------------------------------------- context loss (WebGL 1.0 §5.15)

  /**
   * "Lose the context" (§5.15.2): set the lost flag (every call becomes a
   * no-op returning the spec's value; getError answers CONTEXT_LOST_WEBGL
   * once), invalidate the objects, disable every extension but
   * WEBGL_lose_context, then in a task fire `webglcontextlost` at the
   * canvas. If the application cancelled it (preventDefault), the context
   * may be restored: at once for a real loss (the GPU is ready again as soon
   * as the kernel has banned the queue or reset the device), on
   * restoreContext() for a simulated one.
   */
  private loseContextSteps(reason: string, byExtension: boolean): void {
    if (this.lost) return;
    this.lost = true;
    this.lostPending = true;
    this.errors.clear();
    this.lostReason = reason;
    this.lostByExtension = byExtension;
    this.restoreAllowed = false;
    for (const n of [...this.enabledExt]) if (n !== 'WEBGL_lose_context') this.enabledExt.delete(n);
    const gen = this.gen;
    setTimeout(() => {
      if (this.gen !== gen || !this.lost) return;
      const ev = new WebGLContextEvent('webglcontextlost', { cancelable: true, statusMessage: '' });
      this.canvas.dispatchEvent(ev);
      if (!ev.defaultPrevented) return;
      this.restoreAllowed = true;
      if (!byExtension) setTimeout(() => this.restoreSteps(gen), 0);
    }, 0);
  }

  /**
   * "Restore the drawing buffer" (§5.15.2): a new GPU context (VM, queue,
   * buffers) with every state at its initial value and a cleared drawing
   * buffer; objects of the lost generation stay invalid. Then
   * `webglcontextrestored` is fired at the canvas.
   */
  private restoreSteps(gen: object): void {
    if (this.gen !== gen || !this.lost) return;
    const old = this.gpu;
    const canvas = this.canvas as unknown as AkariCanvas;
    const loseExt = this.extObjects.get('WEBGL_lose_context');
    // the same process (machine) goes on: the old GPU context's VM, queue and buffers go, a new one comes
    const fresh = new AkariWebGLRenderingContext(canvas.width, canvas.height, this.options, this.process);
    old.close();
    Object.assign(this, fresh);
    (this as { canvas: unknown }).canvas = canvas;
    canvas.attach(this);
    const compat = this.makeCompat(); // the fresh one's callbacks reach the fresh object
    (this as unknown as { compat: GLCompatibility }).compat = compat;
    if (this.compatProfile) (this as unknown as { [COMPAT_STATE]?: GLCompatibility })[COMPAT_STATE] = compat;
    this.gpu.onLost = (why) => this.loseContextSteps(why, false);
    if (loseExt) { this.extObjects.set('WEBGL_lose_context', loseExt); this.enabledExt.add('WEBGL_lose_context'); }
    this.lost = false;
    this.lostPending = false;
    this.restoreAllowed = false;
    this.canvas.dispatchEvent(new WebGLContextEvent('webglcontextrestored', { statusMessage: '' }));
  }

  get drawingBufferWidth(): number { return this.width; }
  get drawingBufferHeight(): number { return this.height; }

  /**
   * The drawing buffer's colour and depth/stencil objects. When GPU memory cannot hold them,
   * a RangeError that says how much was asked, how much the device has, and which option raises it.
   */
  private allocDrawingBuffer(W: number, H: number): Surface {
    const zsFormat = this.attrs.depth || this.attrs.stencil ? 'd24s8' : null;
    const bytes = W * H * 4 * (zsFormat ? 2 : 1);
    let color: Bo | null = null;
    try {
      color = this.gpu.allocBo(W * H * 4, 'rw');
      const zs = zsFormat ? this.gpu.allocBo(W * H * 4, 'rw') : null;
      return {
        width: W, height: H,
        color: { bo: color, offset: 0, stride: W * 4, format: 'rgba8_unorm' },
        zs: zs ? { bo: zs, offset: 0, stride: W * 4, format: zsFormat! } : null,
      };
    } catch (e) {
      if (color) this.gpu.releaseBo(color);
      if (!isOom(e)) throw e;
      const mib = (n: number) => `${Math.round(n / 1048576)} MiB`;
      const have = this.gpu.memSize;
      throw new RangeError(`akari: a ${W}×${H} drawing buffer needs ${mib(bytes)} of GPU memory (RGBA8 colour${zsFormat ? ' + 24/8 depth/stencil' : ''}), ` +
        `more than the device's ${mib(have)} of memory holds beside what is already allocated; raise the device's memory with the option ` +
        `{ machine: { memoryBytes } } (e.g. ${2 ** Math.ceil(Math.log2((bytes + (64 << 20)) / 1048576))} << 20), or ask for { depth: false }`, { cause: e });
    }
  }

  /**
   * Replaces the drawing buffer with one of the canvas's new size, cleared to its initial
   * values, as a browser does when canvas.width/height is assigned (canvas.ts). The viewport
   * and scissor box keep their values (WebGL 1.0 § 2.2: the application sets them).
   */
  resizeDrawingBuffer(width: number, height: number): void {
    if (this.destroyed) return;
    const W = drawingBufferSide(width), H = drawingBufferSide(height);
    const fresh = this.allocDrawingBuffer(W, H);
    if (this.gpu.hasPassFor(this.defaultKey)) this.gpu.flush();
    const old = this.defaultSurface;
    this.gpu.releaseBo(old.color!.bo);
    if (old.zs) this.gpu.releaseBo(old.zs.bo);
    this.defaultSurface = fresh;
    this.width = W;
    this.height = H;
    this.gpu.clearPass(this.defaultKey, fresh, [0, 0, 0, 0], fresh.zs ? 1 : null, fresh.zs ? 0 : null);
  }

  // ---------------------------------------------------------------- errors
  private err(code: number): void { if (!this.lost) this.errors.add(code); }
  getError(): number {
    if (this.lostPending) { this.lostPending = false; return GL.CONTEXT_LOST_WEBGL; }
    const it = this.errors.values().next();
    if (it.done) return GL.NO_ERROR;
    this.errors.delete(it.value);
    return it.value;
  }
  isContextLost(): boolean { return this.lost; }
  getContextAttributes(): WebGLContextAttributes | null { return this.lost ? null : { ...this.attrs }; }

  private own<T extends GLObject>(o: unknown, cls: abstract new (...a: never[]) => T): T | null | undefined {
    if (o === null || o === undefined) return null;
    if (!(o instanceof cls) || o.owner !== this.gen) { this.err(GL.INVALID_OPERATION); return undefined; }
    return o;
  }
  /** Validates an object argument: wrong context -> INVALID_OPERATION; deleted -> INVALID_VALUE. */
  private live<T extends GLObject>(o: unknown, cls: abstract new (...a: never[]) => T): T | undefined {
    if (!(o instanceof cls) || o.owner !== this.gen) { this.err(GL.INVALID_OPERATION); return undefined; }
    if (o.deleted) { this.err(GL.INVALID_VALUE); return undefined; }
    return o;
  }

  // ---------------------------------------------------------------- extensions and parameters
  getSupportedExtensions(): string[] | null { return this.lost ? null : [...EXTENSIONS]; }
  getExtension(name: string): any {
    if (this.lost) return null;
    const n = EXTENSIONS.find((e) => e.toLowerCase() === String(name).toLowerCase());
    if (!n) return null;
    this.enabledExt.add(n);
    let o = this.extObjects.get(n);
    if (o) return o;
    switch (n) {
      case 'ANGLE_instanced_arrays':
        o = {
          VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE: EXT.VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE,
          drawArraysInstancedANGLE: (m: number, f: number, c: number, p: number) => this.drawArraysImpl(m, f, c, p, true),
          drawElementsInstancedANGLE: (m: number, c: number, t: number, off: number, p: number) => this.drawElementsImpl(m, c, t, off, p, true),
          vertexAttribDivisorANGLE: (i: number, d: number) => {
            if (this.lost) return;
            if (i >= MAX_VERTEX_ATTRIBS || i < 0) return this.err(GL.INVALID_VALUE);
            this.vao.attribs[i]!.divisor = d >>> 0;
          },
        };
        break;
      case 'OES_vertex_array_object':
        o = {
          VERTEX_ARRAY_BINDING_OES: EXT.VERTEX_ARRAY_BINDING_OES,
          createVertexArrayOES: () => (this.lost ? null : new AkVertexArray(this.gen, MAX_VERTEX_ATTRIBS)),
          deleteVertexArrayOES: (v: AkVertexArray | null) => {
            if (this.lost || !v) return;
            if (this.own(v, AkVertexArray) === undefined) return;
            if (this.vao === v) this.vao = this.defaultVao;
            v.deleted = true;
          },
          isVertexArrayOES: (v: AkVertexArray | null) => !this.lost && v instanceof AkVertexArray && v.owner === this.gen && !v.deleted && v.bound,
          bindVertexArrayOES: (v: AkVertexArray | null) => {
            if (this.lost) return;
            const x = this.own(v, AkVertexArray);
            if (x === undefined) return;
            if (x?.deleted) return this.err(GL.INVALID_OPERATION);
            if (x) x.bound = true;
            this.vao = x ?? this.defaultVao;
          },
        };
        break;
      case 'OES_standard_derivatives': o = { FRAGMENT_SHADER_DERIVATIVE_HINT_OES: EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES }; break;
      case 'OES_texture_half_float': o = { HALF_FLOAT_OES: EXT.HALF_FLOAT_OES }; break;
      case 'WEBGL_depth_texture': o = { UNSIGNED_INT_24_8_WEBGL: EXT.UNSIGNED_INT_24_8_WEBGL }; break;
      case 'EXT_blend_minmax': o = { MIN_EXT: EXT.MIN_EXT, MAX_EXT: EXT.MAX_EXT }; break;
      case 'STACKGL_resize_drawingbuffer':
        o = {
          /** headless-gl: resizes the drawing buffer (here through the canvas, so canvas.width follows). */
          resize: (w: number, h: number) => {
            const W = w | 0, H = h | 0;
            if (!(W > 0 && H > 0)) throw new Error('Invalid surface dimensions');
            (this.canvas as unknown as AkariCanvas).resize(W, H);
          },
        };
        break;
      case 'STACKGL_destroy_context': o = { destroy: () => this.destroy() }; break;
      case 'WEBGL_lose_context':
        o = {
          // (the extension may report INVALID_OPERATION even while the context is lost)
          loseContext: () => {
            if (this.lost) { this.errors.add(GL.INVALID_OPERATION); return; }
            this.gpu.finish();
            this.loseContextSteps('loseContext', true);
          },
          restoreContext: () => {
            // not lost, or lost without the application having cancelled the lost event: nothing to restore (as Chromium)
            if (!this.lost || !this.restoreAllowed) { this.errors.add(GL.INVALID_OPERATION); return; }
            const gen = this.gen;
            setTimeout(() => this.restoreSteps(gen), 0);
          },
        };
        break;
      default: o = {};
    }
    const idl = EXTENSION_IDL[n];
    if (idl) installBindings(o as Record<string, unknown>, n, idl);
    this.extObjects.set(n, o);
    return o;
  }

  getShaderPrecisionFormat(shadertype: number, precisiontype: number): WebGLShaderPrecisionFormat | null {
    if (this.lost) return null;
    if (shadertype !== GL.VERTEX_SHADER && shadertype !== GL.FRAGMENT_SHADER) { this.err(GL.INVALID_ENUM); return null; }
    switch (precisiontype) {
      case GL.LOW_FLOAT: case GL.MEDIUM_FLOAT: case GL.HIGH_FLOAT: return new AkPrecisionFormat(127, 127, 23);
      case GL.LOW_INT: case GL.MEDIUM_INT: case GL.HIGH_INT: return new AkPrecisionFormat(31, 30, 0);
      default: this.err(GL.INVALID_ENUM); return null;
    }
  }

  private surfaceBits(): { r: number; g: number; b: number; a: number; d: number; s: number } {
    const s = this.currentSurface();
    if (!s) return { r: 0, g: 0, b: 0, a: 0, d: 0, s: 0 };
    const f = s.color?.format;
    const c = f === 'rgb565_unorm' ? [5, 6, 5, 0] : f === 'rgba4_unorm' ? [4, 4, 4, 4] : f === 'rgb5a1_unorm' ? [5, 5, 5, 1] : f === 'rgba32f' ? [32, 32, 32, 32] : f === 'rgba16f' ? [16, 16, 16, 16] : f ? [8, 8, 8, 8] : [0, 0, 0, 0];
    if (!this.framebuffer && !this.attrs.alpha) c[3] = 0;
    const z = s.zs?.format;
    let d = z === 'd16' ? 16 : z === 'd24s8' ? 24 : z === 'd32f' ? 32 : 0;
    let st = z === 'd24s8' ? 8 : 0;
    if (!this.framebuffer) { if (!this.attrs.depth) d = 0; if (!this.attrs.stencil) st = 0; }
    else {
      const fb = this.framebuffer;
      if (fb.stencil && !fb.depth && !fb.depthStencil) d = 0;
      if (!fb.stencil && !fb.depthStencil) st = 0;
    }
    return { r: c[0]!, g: c[1]!, b: c[2]!, a: c[3]!, d, s: st };
  }

  getParameter(pname: number): any {
    if (this.lost) return null;
    const bits = () => this.surfaceBits();
    switch (pname) {
      case GL.ACTIVE_TEXTURE: return GL.TEXTURE0 + this.activeUnit;
      case GL.ALIASED_LINE_WIDTH_RANGE: return new Float32Array([1, 64]);
      case GL.ALIASED_POINT_SIZE_RANGE: return new Float32Array([1, 1024]);
      case GL.ALPHA_BITS: return bits().a;
      case GL.RED_BITS: return bits().r;
      case GL.GREEN_BITS: return bits().g;
      case GL.BLUE_BITS: return bits().b;
      case GL.DEPTH_BITS: return bits().d;
      case GL.STENCIL_BITS: return bits().s;
      case GL.ARRAY_BUFFER_BINDING: return this.arrayBuffer;
      case GL.ELEMENT_ARRAY_BUFFER_BINDING: return this.vao.elementBuffer;
      case GL.BLEND: case GL.CULL_FACE: case GL.DEPTH_TEST: case GL.DITHER: case GL.POLYGON_OFFSET_FILL:
      case GL.SAMPLE_ALPHA_TO_COVERAGE: case GL.SAMPLE_COVERAGE: case GL.SCISSOR_TEST: case GL.STENCIL_TEST:
        return this.caps.get(pname)!;
      case GL.BLEND_COLOR: return new Float32Array(this.blendColorV);
      case GL.BLEND_DST_ALPHA: return this.blendFn[3];
      case GL.BLEND_DST_RGB: return this.blendFn[1];
      case GL.BLEND_SRC_ALPHA: return this.blendFn[2];
      case GL.BLEND_SRC_RGB: return this.blendFn[0];
      case GL.BLEND_EQUATION_RGB: return this.blendEq[0];
      case GL.BLEND_EQUATION_ALPHA: return this.blendEq[1];
      case GL.COLOR_CLEAR_VALUE: return new Float32Array(this.clearColorV);
      case GL.COLOR_WRITEMASK: return [...this.colorMaskV];
      case GL.COMPRESSED_TEXTURE_FORMATS: return new Uint32Array(0);
      case GL.CULL_FACE_MODE: return this.cullFaceV;
      case GL.CURRENT_PROGRAM: return this.program;
      case GL.DEPTH_CLEAR_VALUE: return this.clearDepthV;
      case GL.DEPTH_FUNC: return this.depthFuncV;
      case GL.DEPTH_RANGE: return new Float32Array(this.depthRangeV);
      case GL.DEPTH_WRITEMASK: return this.depthMaskV;
      case GL.FRAMEBUFFER_BINDING: return this.framebuffer;
      case GL.FRONT_FACE: return this.frontFaceV;
      case GL.GENERATE_MIPMAP_HINT: return this.hints.get(pname);
      case GL.IMPLEMENTATION_COLOR_READ_FORMAT: return GL.RGBA;
      case GL.IMPLEMENTATION_COLOR_READ_TYPE: return GL.UNSIGNED_BYTE;
      case GL.LINE_WIDTH: return this.lineWidthV;
      case GL.MAX_COMBINED_TEXTURE_IMAGE_UNITS: return MAX_TEXTURE_UNITS;
      case GL.MAX_CUBE_MAP_TEXTURE_SIZE: return MAX_CUBE_SIZE;
      case GL.MAX_FRAGMENT_UNIFORM_VECTORS: return 256;
      case GL.MAX_RENDERBUFFER_SIZE: return MAX_RB_SIZE;
      case GL.MAX_TEXTURE_IMAGE_UNITS: return MAX_TEXTURE_UNITS;
      case GL.MAX_TEXTURE_SIZE: return MAX_TEXTURE_SIZE;
      case GL.MAX_VARYING_VECTORS: return 15;
      case GL.MAX_VERTEX_ATTRIBS: return MAX_VERTEX_ATTRIBS;
      case GL.MAX_VERTEX_TEXTURE_IMAGE_UNITS: return MAX_TEXTURE_UNITS;
      case GL.MAX_VERTEX_UNIFORM_VECTORS: return 256;
      case GL.MAX_VIEWPORT_DIMS: return new Int32Array([MAX_VIEWPORT, MAX_VIEWPORT]);
      case GL.PACK_ALIGNMENT: return this.pack.alignment;
      case GL.POLYGON_OFFSET_FACTOR: return this.polyOffset[0];
      case GL.POLYGON_OFFSET_UNITS: return this.polyOffset[1];
      case GL.RENDERBUFFER_BINDING: return this.renderbuffer;
      case GL.RENDERER: return 'Akari';
      case GL.SAMPLE_BUFFERS: return 0;
      case GL.SAMPLE_COVERAGE_INVERT: return this.sampleCov[1];
      case GL.SAMPLE_COVERAGE_VALUE: return this.sampleCov[0];
      case GL.SAMPLES: return 0;
      case GL.SCISSOR_BOX: return new Int32Array(this.scissorV);
      case GL.SHADING_LANGUAGE_VERSION: return 'WebGL GLSL ES 1.0 (Akari)';
      case GL.STENCIL_BACK_FAIL: return this.stencilOps[1]![0];
      case GL.STENCIL_BACK_FUNC: return this.stencilFn[1]![0];
      case GL.STENCIL_BACK_PASS_DEPTH_FAIL: return this.stencilOps[1]![1];
      case GL.STENCIL_BACK_PASS_DEPTH_PASS: return this.stencilOps[1]![2];
      case GL.STENCIL_BACK_REF: return this.stencilFn[1]![1];
      case GL.STENCIL_BACK_VALUE_MASK: return this.stencilFn[1]![2];
      case GL.STENCIL_BACK_WRITEMASK: return this.stencilWM[1];
      case GL.STENCIL_CLEAR_VALUE: return this.clearStencilV;
      case GL.STENCIL_FAIL: return this.stencilOps[0]![0];
      case GL.STENCIL_FUNC: return this.stencilFn[0]![0];
      case GL.STENCIL_PASS_DEPTH_FAIL: return this.stencilOps[0]![1];
      case GL.STENCIL_PASS_DEPTH_PASS: return this.stencilOps[0]![2];
      case GL.STENCIL_REF: return this.stencilFn[0]![1];
      case GL.STENCIL_VALUE_MASK: return this.stencilFn[0]![2];
      case GL.STENCIL_WRITEMASK: return this.stencilWM[0];
      case GL.SUBPIXEL_BITS: return 8;
      case GL.TEXTURE_BINDING_2D: return this.tex2d[this.activeUnit];
      case GL.TEXTURE_BINDING_CUBE_MAP: return this.texCube[this.activeUnit];
      case GL.UNPACK_ALIGNMENT: return this.unpack.alignment;
      case GL.UNPACK_COLORSPACE_CONVERSION_WEBGL: return this.unpack.colorspace;
      case GL.UNPACK_FLIP_Y_WEBGL: return this.unpack.flipY;
      case GL.UNPACK_PREMULTIPLY_ALPHA_WEBGL: return this.unpack.premultiply;
      case GL.VENDOR: return 'Akari';
      case GL.VERSION: return 'WebGL 1.0 (OpenGL ES 2.0 Akari)';
      case GL.VIEWPORT: return new Int32Array(this.viewportV);
      case EXT.VERTEX_ARRAY_BINDING_OES:
        if (!this.enabledExt.has('OES_vertex_array_object')) break;
        return this.vao === this.defaultVao ? null : this.vao;
      case EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES:
        if (!this.enabledExt.has('OES_standard_derivatives')) break;
        return this.hints.get(pname);
    }
    this.err(GL.INVALID_ENUM);
    return null;
  }

  isEnabled(cap: number): boolean {
    if (this.lost) return false;
    if (!this.caps.has(cap)) { this.err(GL.INVALID_ENUM); return false; }
    return this.caps.get(cap)!;
  }
  enable(cap: number): void { if (this.lost) return; if (!this.caps.has(cap)) return this.err(GL.INVALID_ENUM); this.caps.set(cap, true); }
  disable(cap: number): void { if (this.lost) return; if (!this.caps.has(cap)) return this.err(GL.INVALID_ENUM); this.caps.set(cap, false); }
  hint(target: number, mode: number): void {
    if (this.lost) return;
    if (mode !== GL.FASTEST && mode !== GL.NICEST && mode !== GL.DONT_CARE) return this.err(GL.INVALID_ENUM);
    // GL 2.0 has the derivative hint in core (a compatibility context); WebGL only with the extension
    if (target === GL.GENERATE_MIPMAP_HINT || (target === EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES && (this.compatProfile || this.enabledExt.has('OES_standard_derivatives')))) this.hints.set(target, mode);
    else this.err(GL.INVALID_ENUM);
  }

  // ---------------------------------------------------------------- fixed-function state
  clearColor(r: number, g: number, b: number, a: number): void { if (!this.lost) this.clearColorV = [clampf(r), clampf(g), clampf(b), clampf(a)]; }
  clearDepth(d: number): void { if (!this.lost) this.clearDepthV = clampf(d); }
  clearStencil(s: number): void { if (!this.lost) this.clearStencilV = s | 0; }
  colorMask(r: boolean, g: boolean, b: boolean, a: boolean): void { if (!this.lost) this.colorMaskV = [!!r, !!g, !!b, !!a]; }
  depthMask(flag: boolean): void { if (!this.lost) this.depthMaskV = !!flag; }
  depthFunc(func: number): void { if (this.lost) return; if (!COMPARE_FUNCS.includes(func)) return this.err(GL.INVALID_ENUM); this.depthFuncV = func; }
  depthRange(n: number, f: number): void {
    if (this.lost) return;
    n = clampf(n); f = clampf(f);
    if (n > f) return this.err(GL.INVALID_OPERATION); // WebGL 1.0 §6.12
    this.depthRangeV = [n, f];
  }
  viewport(x: number, y: number, w: number, h: number): void {
    if (this.lost) return;
    if (w < 0 || h < 0) return this.err(GL.INVALID_VALUE);
    this.viewportV = [x | 0, y | 0, Math.min(w | 0, MAX_VIEWPORT), Math.min(h | 0, MAX_VIEWPORT)];
  }
  scissor(x: number, y: number, w: number, h: number): void {
    if (this.lost) return;
    if (w < 0 || h < 0) return this.err(GL.INVALID_VALUE);
    this.scissorV = [x | 0, y | 0, w | 0, h | 0];
  }
  cullFace(mode: number): void { if (this.lost) return; if (mode !== GL.FRONT && mode !== GL.BACK && mode !== GL.FRONT_AND_BACK) return this.err(GL.INVALID_ENUM); this.cullFaceV = mode; }
  frontFace(mode: number): void { if (this.lost) return; if (mode !== GL.CW && mode !== GL.CCW) return this.err(GL.INVALID_ENUM); this.frontFaceV = mode; }
  lineWidth(w: number): void { if (this.lost) return; if (!(w > 0)) return this.err(GL.INVALID_VALUE); this.lineWidthV = w; }
  polygonOffset(factor: number, units: number): void { if (!this.lost) this.polyOffset = [+factor, +units]; }
  sampleCoverage(value: number, invert: boolean): void { if (!this.lost) this.sampleCov = [clampf(value), !!invert]; }
  blendColor(r: number, g: number, b: number, a: number): void { if (!this.lost) this.blendColorV = [clampf(r), clampf(g), clampf(b), clampf(a)]; }
  private blendEqOk(m: number): boolean { return m === GL.FUNC_ADD || m === GL.FUNC_SUBTRACT || m === GL.FUNC_REVERSE_SUBTRACT || (this.enabledExt.has('EXT_blend_minmax') && (m === EXT.MIN_EXT || m === EXT.MAX_EXT)); }
  blendEquation(mode: number): void { this.blendEquationSeparate(mode, mode); }
  blendEquationSeparate(rgb: number, alpha: number): void {
    if (this.lost) return;
    if (!this.blendEqOk(rgb) || !this.blendEqOk(alpha)) return this.err(GL.INVALID_ENUM);
    this.blendEq = [rgb, alpha];
  }
  blendFunc(s: number, d: number): void { this.blendFuncSeparate(s, d, s, d); }
  blendFuncSeparate(sr: number, dr: number, sa: number, da: number): void {
    if (this.lost) return;
    for (const f of [sr, dr, sa, da]) if (!(f in BLEND_FACTORS)) return this.err(GL.INVALID_ENUM);
    if (dr === GL.SRC_ALPHA_SATURATE || da === GL.SRC_ALPHA_SATURATE) return this.err(GL.INVALID_ENUM);
    // WebGL 1.0 §6.13: constant colour and constant alpha may not be combined.
    const cc = (f: number) => f === GL.CONSTANT_COLOR || f === GL.ONE_MINUS_CONSTANT_COLOR;
    const ca = (f: number) => f === GL.CONSTANT_ALPHA || f === GL.ONE_MINUS_CONSTANT_ALPHA;
    if ((cc(sr) && ca(dr)) || (ca(sr) && cc(dr))) return this.err(GL.INVALID_OPERATION);
    this.blendFn = [sr, dr, sa, da];
  }
  private faces(face: number): number[] | null {
    if (face === GL.FRONT) return [0];
    if (face === GL.BACK) return [1];
    if (face === GL.FRONT_AND_BACK) return [0, 1];
    this.err(GL.INVALID_ENUM);
    return null;
  }
  stencilFunc(func: number, ref: number, mask: number): void { this.stencilFuncSeparate(GL.FRONT_AND_BACK, func, ref, mask); }
  stencilFuncSeparate(face: number, func: number, ref: number, mask: number): void {
    if (this.lost) return;
    const fs = this.faces(face);
    if (!fs) return;
    if (!COMPARE_FUNCS.includes(func)) return this.err(GL.INVALID_ENUM);
    for (const i of fs) this.stencilFn[i] = [func, ref | 0, mask >>> 0];
  }
  stencilMask(mask: number): void { this.stencilMaskSeparate(GL.FRONT_AND_BACK, mask); }
  stencilMaskSeparate(face: number, mask: number): void {
    if (this.lost) return;
    const fs = this.faces(face);
    if (fs) for (const i of fs) this.stencilWM[i] = mask >>> 0;
  }
  stencilOp(fail: number, zfail: number, zpass: number): void { this.stencilOpSeparate(GL.FRONT_AND_BACK, fail, zfail, zpass); }
  stencilOpSeparate(face: number, fail: number, zfail: number, zpass: number): void {
    if (this.lost) return;
    const fs = this.faces(face);
    if (!fs) return;
    if (![fail, zfail, zpass].every((o) => STENCIL_OPS.includes(o))) return this.err(GL.INVALID_ENUM);
    for (const i of fs) this.stencilOps[i] = [fail, zfail, zpass];
  }
  pixelStorei(pname: number, param: number | boolean): void {
    if (this.lost) return;
    switch (pname) {
      case GL.PACK_ALIGNMENT: case GL.UNPACK_ALIGNMENT: {
        const v = Number(param);
        if (![1, 2, 4, 8].includes(v)) return this.err(GL.INVALID_VALUE);
        if (pname === GL.PACK_ALIGNMENT) this.pack.alignment = v; else this.unpack.alignment = v;
        return;
      }
      case GL.UNPACK_FLIP_Y_WEBGL: this.unpack.flipY = !!param; return;
      case GL.UNPACK_PREMULTIPLY_ALPHA_WEBGL: this.unpack.premultiply = !!param; return;
      case GL.UNPACK_COLORSPACE_CONVERSION_WEBGL:
        if (param !== GL.BROWSER_DEFAULT_WEBGL && param !== GL.NONE) return this.err(GL.INVALID_ENUM);
        this.unpack.colorspace = Number(param);
        return;
      default: this.err(GL.INVALID_ENUM);
    }
  }

  // ---------------------------------------------------------------- buffers
  createBuffer(): WebGLBuffer { return (this.lost ? null : new AkBuffer(this.gen)) as WebGLBuffer; }
  isBuffer(b: WebGLBuffer | null): boolean { return !this.lost && b instanceof AkBuffer && b.owner === this.gen && !b.deleted && b.target !== 0; }
  deleteBuffer(b: WebGLBuffer | null): void {
    if (this.lost) return;
    const x = this.own(b, AkBuffer);
    if (!x || x.deleted) return;
    x.deleted = true;
    if (this.arrayBuffer === x) this.arrayBuffer = null;
    if (this.vao.elementBuffer === x) this.vao.elementBuffer = null;
    for (const a of this.vao.attribs) if (a.buffer === x) a.buffer = null;
    if (x.bo) { this.gpu.releaseBo(x.bo); x.bo = null; }
  }
  bindBuffer(target: number, b: WebGLBuffer | null): void {
    if (this.lost) return;
    if (target !== GL.ARRAY_BUFFER && target !== GL.ELEMENT_ARRAY_BUFFER) return this.err(GL.INVALID_ENUM);
    const x = this.own(b, AkBuffer);
    if (x === undefined) return;
    if (x?.deleted) return this.err(GL.INVALID_OPERATION);
    if (x) {
      if (x.target && x.target !== target) return this.err(GL.INVALID_OPERATION); // WebGL 1.0 §6.1
      x.target = target;
    }
    if (target === GL.ARRAY_BUFFER) this.arrayBuffer = x; else this.vao.elementBuffer = x;
  }
  private boundBuffer(target: number): AkBuffer | null | undefined {
    if (target === GL.ARRAY_BUFFER) return this.arrayBuffer;
    if (target === GL.ELEMENT_ARRAY_BUFFER) return this.vao.elementBuffer;
    this.err(GL.INVALID_ENUM);
    return undefined;
  }
  bufferData(target: number, dataOrSize: number | AllowSharedBufferSource | null, usage: number): void {
    if (this.lost) return;
    const b = this.boundBuffer(target);
    if (b === undefined) return;
    if (usage !== GL.STATIC_DRAW && usage !== GL.DYNAMIC_DRAW && usage !== GL.STREAM_DRAW) return this.err(GL.INVALID_ENUM);
    let bytes: Uint8Array;
    if (typeof dataOrSize === 'number') {
      if (dataOrSize < 0) return this.err(GL.INVALID_VALUE);
      try { bytes = new Uint8Array(dataOrSize); } catch (e) { if (!isOom(e)) throw e; return this.err(GL.OUT_OF_MEMORY); }
    } else if (dataOrSize === null || dataOrSize === undefined) return this.err(GL.INVALID_VALUE);
    else if (ArrayBuffer.isView(dataOrSize)) bytes = new Uint8Array(dataOrSize.buffer.slice(dataOrSize.byteOffset, dataOrSize.byteOffset + dataOrSize.byteLength));
    else bytes = new Uint8Array((dataOrSize as ArrayBuffer).slice(0));
    if (!b) return this.err(GL.INVALID_OPERATION);
    b.data = bytes; b.size = bytes.length; b.usage = usage; b.gpuDirty = true;
  }
  bufferSubData(target: number, offset: number, data: AllowSharedBufferSource): void {
    if (this.lost) return;
    const b = this.boundBuffer(target);
    if (b === undefined) return;
    if (offset < 0) return this.err(GL.INVALID_VALUE);
    if (data === null || data === undefined) return this.err(GL.INVALID_VALUE);
    if (!b) return this.err(GL.INVALID_OPERATION);
    const src = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data as ArrayBuffer);
    if (offset + src.length > b.size) return this.err(GL.INVALID_VALUE);
    b.data.set(src, offset); b.gpuDirty = true;
  }
  getBufferParameter(target: number, pname: number): any {
    if (this.lost) return null;
    const b = this.boundBuffer(target);
    if (b === undefined) return null;
    if (pname !== GL.BUFFER_SIZE && pname !== GL.BUFFER_USAGE) { this.err(GL.INVALID_ENUM); return null; }
    if (!b) { this.err(GL.INVALID_OPERATION); return null; }
    return pname === GL.BUFFER_SIZE ? b.size : b.usage;
  }
  /** The buffer's GPU copy, refreshed (orphaned when the GPU still reads the old one). */
  private bufferBo(b: AkBuffer): Bo {
    if (!b.bo || b.gpuDirty) {
      if (b.bo && (this.gpu.isBusy(b.bo) || b.bo.size < b.size)) { this.gpu.releaseBo(b.bo); b.bo = null; }
      if (!b.bo) b.bo = this.gpu.allocBo(Math.max(16, b.size), 'r');
      b.bo.write(0, b.data);
      b.gpuDirty = false;
    }
    return b.bo;
  }

  // ---------------------------------------------------------------- vertex attributes
  enableVertexAttribArray(i: number): void { if (this.lost) return; if (i >= MAX_VERTEX_ATTRIBS || i < 0) return this.err(GL.INVALID_VALUE); this.vao.attribs[i]!.enabled = true; }
  disableVertexAttribArray(i: number): void { if (this.lost) return; if (i >= MAX_VERTEX_ATTRIBS || i < 0) return this.err(GL.INVALID_VALUE); this.vao.attribs[i]!.enabled = false; }
  vertexAttribPointer(i: number, size: number, type: number, normalized: boolean, stride: number, offset: number): void {
    if (this.lost) return;
    if (i >= MAX_VERTEX_ATTRIBS || i < 0) return this.err(GL.INVALID_VALUE);
    if (![GL.BYTE, GL.UNSIGNED_BYTE, GL.SHORT, GL.UNSIGNED_SHORT, GL.FLOAT].includes(type as never)) return this.err(GL.INVALID_ENUM);
    if (size < 1 || size > 4 || stride < 0 || stride > 255 || offset < 0) return this.err(GL.INVALID_VALUE);
    const ts = typeSize(type);
    if (offset % ts || stride % ts) return this.err(GL.INVALID_OPERATION); // WebGL 1.0 §6.4
    if (!this.arrayBuffer && offset !== 0) return this.err(GL.INVALID_OPERATION); // WebGL 1.0 §6.6
    Object.assign(this.vao.attribs[i]!, { size, type, normalized: !!normalized, stride, offset, buffer: this.arrayBuffer });
  }
  private setAttrib(i: number, v: ArrayLike<number>, n: number): void {
    if (this.lost) return;
    if (i >= MAX_VERTEX_ATTRIBS || i < 0) return this.err(GL.INVALID_VALUE);
    if (v.length < n) return this.err(GL.INVALID_VALUE);
    const c = this.currentAttrib[i]!;
    c.set([0, 0, 0, 1]);
    for (let k = 0; k < n; k++) c[k] = v[k]!;
  }
  vertexAttrib1f(i: number, x: number): void { this.setAttrib(i, [x], 1); }
  vertexAttrib2f(i: number, x: number, y: number): void { this.setAttrib(i, [x, y], 2); }
  vertexAttrib3f(i: number, x: number, y: number, z: number): void { this.setAttrib(i, [x, y, z], 3); }
  vertexAttrib4f(i: number, x: number, y: number, z: number, w: number): void { this.setAttrib(i, [x, y, z, w], 4); }
  vertexAttrib1fv(i: number, v: Float32List): void { this.setAttrib(i, v, 1); }
  vertexAttrib2fv(i: number, v: Float32List): void { this.setAttrib(i, v, 2); }
  vertexAttrib3fv(i: number, v: Float32List): void { this.setAttrib(i, v, 3); }
  vertexAttrib4fv(i: number, v: Float32List): void { this.setAttrib(i, v, 4); }
  getVertexAttrib(i: number, pname: number): any {
    if (this.lost) return null;
    if (i >= MAX_VERTEX_ATTRIBS || i < 0) { this.err(GL.INVALID_VALUE); return null; }
    const a = this.vao.attribs[i]!;
    switch (pname) {
      case GL.VERTEX_ATTRIB_ARRAY_BUFFER_BINDING: return a.buffer;
      case GL.VERTEX_ATTRIB_ARRAY_ENABLED: return a.enabled;
      case GL.VERTEX_ATTRIB_ARRAY_SIZE: return a.size;
      case GL.VERTEX_ATTRIB_ARRAY_STRIDE: return a.stride;
      case GL.VERTEX_ATTRIB_ARRAY_TYPE: return a.type;
      case GL.VERTEX_ATTRIB_ARRAY_NORMALIZED: return a.normalized;
      case GL.CURRENT_VERTEX_ATTRIB: return new Float32Array(this.currentAttrib[i]!);
      case EXT.VERTEX_ATTRIB_ARRAY_DIVISOR_ANGLE: if (this.enabledExt.has('ANGLE_instanced_arrays')) return a.divisor; break;
    }
    this.err(GL.INVALID_ENUM);
    return null;
  }
  getVertexAttribOffset(i: number, pname: number): number {
    if (this.lost) return 0;
    if (i >= MAX_VERTEX_ATTRIBS || i < 0) { this.err(GL.INVALID_VALUE); return 0; }
    if (pname !== GL.VERTEX_ATTRIB_ARRAY_POINTER) { this.err(GL.INVALID_ENUM); return 0; }
    return this.vao.attribs[i]!.offset;
  }

  // ---------------------------------------------------------------- shaders and programs
  createShader(type: number): WebGLShader | null {
    if (this.lost) return null;
    if (type !== GL.VERTEX_SHADER && type !== GL.FRAGMENT_SHADER) { this.err(GL.INVALID_ENUM); return null; }
    return new AkShader(this.gen, type);
  }
  isShader(s: WebGLShader | null): boolean { return !this.lost && s instanceof AkShader && s.owner === this.gen && !s.deleted; }
  deleteShader(s: WebGLShader | null): void {
    if (this.lost) return;
    const x = this.own(s, AkShader);
    if (x) x.deleted = true;
  }
  shaderSource(s: WebGLShader, src: string): void {
    if (this.lost) return;
    const x = this.live(s, AkShader);
    if (x) x.source = String(src);
  }
  getShaderSource(s: WebGLShader): string | null {
    if (this.lost) return null;
    const x = this.live(s, AkShader);
    return x ? x.source : null;
  }
  compileShader(s: WebGLShader): void {
    if (this.lost) return;
    const x = this.live(s, AkShader);
    if (!x) return;
    const stage: Stage = x.type === GL.VERTEX_SHADER ? 'vertex' : 'fragment';
    x.compiled = compiler.compileShader(x.source, stage);
  }
  getShaderParameter(s: WebGLShader, pname: number): any {
    if (this.lost) return null;
    const x = this.live(s, AkShader);
    if (!x) return null;
    switch (pname) {
      case GL.SHADER_TYPE: return x.type;
      case GL.DELETE_STATUS: return x.deleted;
      case GL.COMPILE_STATUS: return !!x.compiled?.ok;
    }
    this.err(GL.INVALID_ENUM);
    return null;
  }
  getShaderInfoLog(s: WebGLShader): string | null {
    if (this.lost) return null;
    const x = this.live(s, AkShader);
    return x ? (x.compiled?.infoLog ?? '') : null;
  }
  createProgram(): WebGLProgram { return (this.lost ? null : new AkProgram(this.gen)) as WebGLProgram; }
  isProgram(p: WebGLProgram | null): boolean { return !this.lost && p instanceof AkProgram && p.owner === this.gen && !p.deleted; }
  deleteProgram(p: WebGLProgram | null): void {
    if (this.lost) return;
    const x = this.own(p, AkProgram);
    if (!x || x.deleted) return;
    x.deleted = true;
    if (this.program !== x) this.freeProgram(x);
  }
  private freeProgram(p: AkProgram): void {
    for (const st of [p.vertex, p.fragment]) if (st) this.gpu.releaseBo(st.codeBo);
    p.vertex = p.fragment = null;
  }
  attachShader(p: WebGLProgram, s: WebGLShader): void {
    if (this.lost) return;
    const x = this.live(p, AkProgram), y = this.live(s, AkShader);
    if (!x || !y) return;
    const slot = y.type === GL.VERTEX_SHADER ? 'vs' : 'fs';
    if (x.vs === y || x.fs === y || x.more.includes(y)) return this.err(GL.INVALID_OPERATION);
    if (!x[slot]) x[slot] = y;
    // OpenGL (not WebGL) lets a program hold several shaders of a stage
    else if (this.compatProfile) x.more.push(y);
    else return this.err(GL.INVALID_OPERATION);
  }
  detachShader(p: WebGLProgram, s: WebGLShader): void {
    if (this.lost) return;
    const x = this.live(p, AkProgram), y = this.live(s, AkShader);
    if (!x || !y) return;
    const slot = y.type === GL.VERTEX_SHADER ? 'vs' : 'fs';
    const k = x.more.indexOf(y);
    if (k >= 0) { x.more.splice(k, 1); return; }
    if (x[slot] !== y) return this.err(GL.INVALID_OPERATION);
    // another shader of the stage, if any, takes the first place
    const next = x.more.findIndex((m) => m.type === y.type);
    x[slot] = next >= 0 ? x.more.splice(next, 1)[0]! : null;
  }
  getAttachedShaders(p: WebGLProgram): WebGLShader[] | null {
    if (this.lost) return null;
    const x = this.live(p, AkProgram);
    return x ? [x.vs, x.fs, ...x.more].filter((s): s is AkShader => !!s) : null;
  }
  bindAttribLocation(p: WebGLProgram, index: number, name: string): void {
    if (this.lost) return;
    const x = this.live(p, AkProgram);
    if (!x) return;
    if (index >= MAX_VERTEX_ATTRIBS || index < 0) return this.err(GL.INVALID_VALUE);
    if (/^(gl_|webgl_|_webgl_)/.test(name)) return this.err(GL.INVALID_OPERATION);
    if (name.length > 256) return this.err(GL.INVALID_VALUE);
    x.attribBindings.set(name, index);
  }
  linkProgram(p: WebGLProgram): void {
    if (this.lost) return;
    const x = this.live(p, AkProgram);
    if (!x) return;
    x.linkStatus = false;
    x.linked = null;
    x.values.clear();
    x.samplerUnits.clear();
    // a compatibility context replaces a missing stage (not both) with fixed-function processing
    const ff = this.compatProfile && !x.vs !== !x.fs;
    const vsC = x.vs?.compiled ?? (ff ? this.fixedFunction('vertex') : null);
    const fsC = x.fs?.compiled ?? (ff ? this.fixedFunction('fragment') : null);
    if (!vsC?.ok || !fsC?.ok) {
      x.infoLog = 'ERROR: a vertex and a fragment shader, both compiled successfully, must be attached\n';
      return;
    }
    const linkOpts: LinkOptions = { attribLocations: new Map(x.attribBindings), maxVertexAttribs: MAX_VERTEX_ATTRIBS };
    const units = (type: number, first: CompiledShader): CompiledShader[] => [first, ...x.more.filter((m) => m.type === type).map((m) => m.compiled!)];
    if (x.more.some((m) => !m.compiled?.ok)) {
      x.infoLog = 'ERROR: every attached shader must have compiled successfully\n';
      return;
    }
    const linked = x.more.length
      ? compiler.linkProgramUnits(units(GL.VERTEX_SHADER, vsC), units(GL.FRAGMENT_SHADER, fsC), linkOpts)
      : compiler.linkProgram(vsC, fsC, linkOpts);
    x.infoLog = linked.infoLog;
    if (!linked.ok || !linked.vertex || !linked.fragment) return;
    if (this.program === x) this.gpu.flush(); // earlier draws still reference the old code
    const old = [x.vertex, x.fragment];
    x.vertex = this.stageRuntime(linked.vertex);
    x.fragment = this.stageRuntime(linked.fragment);
    for (const st of old) if (st) this.gpu.releaseBo(st.codeBo);
    x.linked = linked;
    x.linkStatus = true;
    // GLSL 1.20 uniform initializers are the uniforms' values after linking (GL 2.1 §2.15.3)
    for (const u of linked.uniforms) {
      const t = UNIFORM_TYPES[u.type];
      if (!u.initial || !t) continue;
      for (let el = 0; el < u.size; el++) {
        const vals = u.initial.slice(el * t.n, el * t.n + t.n);
        this.storeUniform(x, u, el, t.base === 'f' ? vals.map((v) => Math.fround(v)) : vals.map((v) => v | 0));
      }
    }
  }
  /** The generated fixed-function shader of a stage, compiled once per context. */
  private fixedFunction(stage: Stage): CompiledShader {
    const key = stage === 'vertex' ? 'vs' : 'fs';
    return (this.ffShaders[key] ??= compiler.compileShader(stage === 'vertex' ? fixedFunctionVertexSource() : fixedFunctionFragmentSource(), stage));
  }
  private stageRuntime(b: StageBinary): { codeBo: Bo; uniforms: Uint32Array } {
    const codeBo = this.gpu.allocBo(Math.max(64, b.code.length * 4), 'rx');
    codeBo.write(0, b.code);
    const uniforms = new Uint32Array(Math.max(0, b.uniformWords));
    for (const [off, bits] of b.constants) if (off < uniforms.length) uniforms[off] = bits;
    return { codeBo, uniforms };
  }
  validateProgram(p: WebGLProgram): void {
    if (this.lost) return;
    const x = this.live(p, AkProgram);
    if (x) x.validateStatus = x.linkStatus;
  }
  getProgramParameter(p: WebGLProgram, pname: number): any {
    if (this.lost) return null;
    const x = this.live(p, AkProgram);
    if (!x) return null;
    switch (pname) {
      case GL.DELETE_STATUS: return x.deleted;
      case GL.LINK_STATUS: return x.linkStatus;
      case GL.VALIDATE_STATUS: return x.validateStatus;
      case GL.ATTACHED_SHADERS: return (x.vs ? 1 : 0) + (x.fs ? 1 : 0) + x.more.length;
      case GL.ACTIVE_ATTRIBUTES: return apiAttributes(x.linked).length;
      case GL.ACTIVE_UNIFORMS: return apiUniforms(x.linked).length;
    }
    this.err(GL.INVALID_ENUM);
    return null;
  }
  getProgramInfoLog(p: WebGLProgram): string | null {
    if (this.lost) return null;
    const x = this.live(p, AkProgram);
    return x ? x.infoLog : null;
  }
  useProgram(p: WebGLProgram | null): void {
    if (this.lost) return;
    const x = this.own(p, AkProgram);
    if (x === undefined) return;
    if (x && (x.deleted || !x.linkStatus)) return this.err(x.deleted ? GL.INVALID_VALUE : GL.INVALID_OPERATION);
    const prev = this.program;
    this.program = x;
    if (prev && prev !== x && prev.deleted) this.freeProgram(prev);
  }
  getActiveAttrib(p: WebGLProgram, index: number): WebGLActiveInfo | null {
    if (this.lost) return null;
    const x = this.live(p, AkProgram);
    if (!x) return null;
    const a = apiAttributes(x.linked)[index];
    if (!a) { this.err(GL.INVALID_VALUE); return null; }
    return new AkActiveInfo(a.name, a.size, a.type);
  }
  getActiveUniform(p: WebGLProgram, index: number): WebGLActiveInfo | null {
    if (this.lost) return null;
    const x = this.live(p, AkProgram);
    if (!x) return null;
    const u = apiUniforms(x.linked)[index];
    if (!u) { this.err(GL.INVALID_VALUE); return null; }
    return new AkActiveInfo(u.name, u.size, u.type);
  }
  getAttribLocation(p: WebGLProgram, name: string): number {
    if (this.lost) return -1;
    const x = this.live(p, AkProgram);
    if (!x) return -1;
    if (name.length > 256) { this.err(GL.INVALID_VALUE); return -1; }
    if (!x.linkStatus) { this.err(GL.INVALID_OPERATION); return -1; }
    return apiAttributes(x.linked).find((a) => a.name === name)?.slot ?? -1;
  }
  getUniformLocation(p: WebGLProgram, name: string): WebGLUniformLocation | null {
    if (this.lost) return null;
    const x = this.live(p, AkProgram);
    if (!x) return null;
    if (name.length > 256) { this.err(GL.INVALID_VALUE); return null; }
    if (!x.linkStatus) { this.err(GL.INVALID_OPERATION); return null; }
    if (/^(gl_|webgl_|_webgl_)/.test(name)) return null;
    for (const u of apiUniforms(x.linked)) {
      if (u.name === name) return new AkUniformLocation(x, x.linked, u, 0);
      if (u.name.endsWith('[0]')) {
        const base = u.name.slice(0, -3);
        if (name === base) return new AkUniformLocation(x, x.linked, u, 0);
        const m = /^(.*)\[(\d+)\]$/.exec(name);
        if (m && m[1] === base && +m[2]! < u.size) return new AkUniformLocation(x, x.linked, u, +m[2]!);
      }
    }
    return null;
  }
  getUniform(p: WebGLProgram, loc: WebGLUniformLocation): any {
    if (this.lost) return null;
    const x = this.live(p, AkProgram);
    if (!x) return null;
    if (!(loc instanceof AkUniformLocation) || loc.program !== x || loc.generation !== x.linked) { this.err(GL.INVALID_OPERATION); return null; }
    const t = UNIFORM_TYPES[loc.uniform.type]!;
    const v = x.values.get(`${loc.uniform.name}#${loc.index}`) ?? new Array(t.n).fill(0);
    if (t.base === 'b') return t.n === 1 ? !!v[0] : v.map((e) => !!e);
    if (t.base === 's' || (t.base === 'i' && t.n === 1)) return v[0]! | 0;
    if (t.base === 'i') return new Int32Array(v);
    return t.n === 1 ? v[0] : new Float32Array(v);
  }

  /** Writes uniform values (validated) into both stages' uniform buffers. */
  private setUniform(loc: WebGLUniformLocation | null, kind: 'f' | 'i', n: number, values: ArrayLike<number>, matrix = false, transpose = false): void {
    if (this.lost || loc === null || loc === undefined) return;
    if (!(loc instanceof AkUniformLocation) || loc.program !== this.program || loc.generation !== this.program?.linked) return this.err(GL.INVALID_OPERATION);
    const u = loc.uniform;
    const t = UNIFORM_TYPES[u.type];
    if (!t) return this.err(GL.INVALID_OPERATION);
    if (matrix) {
      if (transpose) return this.err(GL.INVALID_VALUE); // WebGL 1.0: transpose must be false
      if (!t.cols || t.n !== n) return this.err(GL.INVALID_OPERATION);
    } else {
      if (t.cols || t.n !== n) return this.err(GL.INVALID_OPERATION);
      if (kind === 'f' && (t.base === 'i' || t.base === 's')) return this.err(GL.INVALID_OPERATION);
      if (kind === 'i' && t.base === 'f') return this.err(GL.INVALID_OPERATION);
    }
    if (values.length === 0 || values.length % n) return this.err(GL.INVALID_VALUE);
    let count = values.length / n;
    if (count > 1 && u.size === 1) return this.err(GL.INVALID_OPERATION);
    count = Math.min(count, u.size - loc.index);
    if (t.base === 's') {
      for (let e = 0; e < count; e++) if (values[e]! < 0 || values[e]! >= MAX_TEXTURE_UNITS) return this.err(GL.INVALID_VALUE);
    }
    const p = this.program!;
    for (let e = 0; e < count; e++) {
      const vals = Array.from({ length: n }, (_, k) => Number(values[e * n + k]));
      const stored = t.base === 'b' ? vals.map((v) => (v ? 1 : 0)) : kind === 'i' ? vals.map((v) => v | 0) : vals.map((v) => Math.fround(v));
      this.storeUniform(p, u, loc.index + e, stored);
    }
  }

  /** Element `el` of uniform `u` becomes `stored` (already converted to the uniform's base type). */
  private storeUniform(p: AkProgram, u: ActiveUniform, el: number, stored: number[]): void {
    const t = UNIFORM_TYPES[u.type]!;
    const n = t.n;
    p.values.set(`${u.name}#${el}`, stored);
    if (t.base === 's') { p.samplerUnits.set(`${u.name}#${el}`, stored[0]!); return; }
    for (const [stage, place] of [['vertex', u.vertex], ['fragment', u.fragment]] as const) {
      if (!place) continue;
      const buf = (stage === 'vertex' ? p.vertex : p.fragment)!.uniforms;
      const base = place.offset + el * place.stride;
      const rows = t.cols ? t.n / t.cols : n;
      const colStride = t.cols ? (place.stride >= t.cols * 4 ? 4 : rows) : 0;
      for (let k = 0; k < n; k++) {
        const at = t.cols ? base + Math.floor(k / rows) * colStride + (k % rows) : base + k;
        if (at < 0 || at >= buf.length) continue;
        if (t.base === 'f') buf[at] = fbits(stored[k]!);
        else { i32v[0] = stored[k]!; buf[at] = u32v[0]!; }
      }
    }
  }
  uniform1f(l: WebGLUniformLocation | null, x: number): void { this.setUniform(l, 'f', 1, [x]); }
  uniform2f(l: WebGLUniformLocation | null, x: number, y: number): void { this.setUniform(l, 'f', 2, [x, y]); }
  uniform3f(l: WebGLUniformLocation | null, x: number, y: number, z: number): void { this.setUniform(l, 'f', 3, [x, y, z]); }
  uniform4f(l: WebGLUniformLocation | null, x: number, y: number, z: number, w: number): void { this.setUniform(l, 'f', 4, [x, y, z, w]); }
  uniform1i(l: WebGLUniformLocation | null, x: number): void { this.setUniform(l, 'i', 1, [x]); }
  uniform2i(l: WebGLUniformLocation | null, x: number, y: number): void { this.setUniform(l, 'i', 2, [x, y]); }
  uniform3i(l: WebGLUniformLocation | null, x: number, y: number, z: number): void { this.setUniform(l, 'i', 3, [x, y, z]); }
  uniform4i(l: WebGLUniformLocation | null, x: number, y: number, z: number, w: number): void { this.setUniform(l, 'i', 4, [x, y, z, w]); }
  uniform1fv(l: WebGLUniformLocation | null, v: Float32List): void { this.setUniform(l, 'f', 1, v); }
  uniform2fv(l: WebGLUniformLocation | null, v: Float32List): void { this.setUniform(l, 'f', 2, v); }
  uniform3fv(l: WebGLUniformLocation | null, v: Float32List): void { this.setUniform(l, 'f', 3, v); }
  uniform4fv(l: WebGLUniformLocation | null, v: Float32List): void { this.setUniform(l, 'f', 4, v); }
  uniform1iv(l: WebGLUniformLocation | null, v: Int32List): void { this.setUniform(l, 'i', 1, v); }
  uniform2iv(l: WebGLUniformLocation | null, v: Int32List): void { this.setUniform(l, 'i', 2, v); }
  uniform3iv(l: WebGLUniformLocation | null, v: Int32List): void { this.setUniform(l, 'i', 3, v); }
  uniform4iv(l: WebGLUniformLocation | null, v: Int32List): void { this.setUniform(l, 'i', 4, v); }
  uniformMatrix2fv(l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { this.setUniform(l, 'f', 4, v, true, t); }
  uniformMatrix3fv(l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { this.setUniform(l, 'f', 9, v, true, t); }
  uniformMatrix4fv(l: WebGLUniformLocation | null, t: boolean, v: Float32List): void { this.setUniform(l, 'f', 16, v, true, t); }

  // ---------------------------------------------------------------- textures
  createTexture(): WebGLTexture { return (this.lost ? null : new AkTexture(this.gen)) as WebGLTexture; }
  isTexture(t: WebGLTexture | null): boolean { return !this.lost && t instanceof AkTexture && t.owner === this.gen && !t.deleted && t.target !== 0; }
  deleteTexture(t: WebGLTexture | null): void {
    if (this.lost) return;
    const x = this.own(t, AkTexture);
    if (!x || x.deleted) return;
    x.deleted = true;
    for (let i = 0; i < MAX_TEXTURE_UNITS; i++) { if (this.tex2d[i] === x) this.tex2d[i] = null; if (this.texCube[i] === x) this.texCube[i] = null; if (this.tex1d[i] === x) this.tex1d[i] = null; }
    if (this.framebuffer) this.detachFrom(this.framebuffer, (a) => a.tex === x);
    if (x.bo) { this.gpu.releaseBo(x.bo); x.bo = null; }
  }
  activeTexture(unit: number): void {
    if (this.lost) return;
    const i = unit - GL.TEXTURE0;
    if (i < 0 || i >= MAX_TEXTURE_UNITS) return this.err(GL.INVALID_ENUM);
    this.activeUnit = i;
  }
  bindTexture(target: number, t: WebGLTexture | null): void {
    if (this.lost) return;
    if (target !== GL.TEXTURE_2D && target !== GL.TEXTURE_CUBE_MAP && !(target === TEXTURE_1D && this.compatProfile)) return this.err(GL.INVALID_ENUM);
    const x = this.own(t, AkTexture);
    if (x === undefined) return;
    if (x?.deleted) return this.err(GL.INVALID_OPERATION);
    if (x) {
      if (x.target && x.target !== target) return this.err(GL.INVALID_OPERATION);
      if (!x.target) { x.target = target; x.levels = Array.from({ length: target === GL.TEXTURE_CUBE_MAP ? 6 : 1 }, () => []); }
    }
    this.bindings(target)[this.activeUnit] = x;
  }
  private bindings(target: number): Array<AkTexture | null> {
    return target === GL.TEXTURE_2D ? this.tex2d : target === TEXTURE_1D ? this.tex1d : this.texCube;
  }
  private texForTarget(target: number, allowFaces: boolean): { tex: AkTexture | null; face: number } | undefined {
    if (target === GL.TEXTURE_2D) return { tex: this.tex2d[this.activeUnit]!, face: 0 };
    if (target === TEXTURE_1D && this.compatProfile) return { tex: this.tex1d[this.activeUnit]!, face: 0 };
    if (allowFaces && target >= GL.TEXTURE_CUBE_MAP_POSITIVE_X && target <= GL.TEXTURE_CUBE_MAP_NEGATIVE_Z) return { tex: this.texCube[this.activeUnit]!, face: target - GL.TEXTURE_CUBE_MAP_POSITIVE_X };
    if (!allowFaces && target === GL.TEXTURE_CUBE_MAP) return { tex: this.texCube[this.activeUnit]!, face: 0 };
    this.err(GL.INVALID_ENUM);
    return undefined;
  }
  texParameterf(target: number, pname: number, param: number): void { this.texParameteri(target, pname, param); }
  texParameteri(target: number, pname: number, param: number): void {
    if (this.lost) return;
    const r = this.texForTarget(target, false);
    if (!r) return;
    const t = r.tex;
    const wraps = [GL.REPEAT, GL.CLAMP_TO_EDGE, GL.MIRRORED_REPEAT] as number[];
    const mins = [GL.NEAREST, GL.LINEAR, GL.NEAREST_MIPMAP_NEAREST, GL.LINEAR_MIPMAP_NEAREST, GL.NEAREST_MIPMAP_LINEAR, GL.LINEAR_MIPMAP_LINEAR] as number[];
    let key: 'minFilter' | 'magFilter' | 'wrapS' | 'wrapT' | 'compareMode' | 'compareFunc' | 'depthMode';
    switch (pname) {
      // GL 2.1 depth texture state (ARB_shadow, ARB_depth_texture): compatibility contexts only
      case TEXTURE_COMPARE_MODE: if (!this.compatProfile) return this.err(GL.INVALID_ENUM); if (param !== GL.NONE && param !== COMPARE_R_TO_TEXTURE) return this.err(GL.INVALID_ENUM); key = 'compareMode'; break;
      case TEXTURE_COMPARE_FUNC: if (!this.compatProfile) return this.err(GL.INVALID_ENUM); if (!(param >= GL.NEVER && param <= GL.ALWAYS)) return this.err(GL.INVALID_ENUM); key = 'compareFunc'; break;
      case DEPTH_TEXTURE_MODE: if (!this.compatProfile) return this.err(GL.INVALID_ENUM); if (param !== GL.LUMINANCE && param !== INTENSITY && param !== GL.ALPHA) return this.err(GL.INVALID_ENUM); key = 'depthMode'; break;
      case GL.TEXTURE_MIN_FILTER: if (!mins.includes(param)) return this.err(GL.INVALID_ENUM); key = 'minFilter'; break;
      case GL.TEXTURE_MAG_FILTER: if (param !== GL.NEAREST && param !== GL.LINEAR) return this.err(GL.INVALID_ENUM); key = 'magFilter'; break;
      case GL.TEXTURE_WRAP_S: if (!wraps.includes(param)) return this.err(GL.INVALID_ENUM); key = 'wrapS'; break;
      case GL.TEXTURE_WRAP_T: if (!wraps.includes(param)) return this.err(GL.INVALID_ENUM); key = 'wrapT'; break;
      default: return this.err(GL.INVALID_ENUM);
    }
    if (!t) return this.err(GL.INVALID_OPERATION);
    t[key] = param;
  }
  getTexParameter(target: number, pname: number): any {
    if (this.lost) return null;
    const r = this.texForTarget(target, false);
    if (!r) return null;
    const t = r.tex;
    const m: Record<number, 'minFilter' | 'magFilter' | 'wrapS' | 'wrapT' | 'compareMode' | 'compareFunc' | 'depthMode'> = { [GL.TEXTURE_MIN_FILTER]: 'minFilter', [GL.TEXTURE_MAG_FILTER]: 'magFilter', [GL.TEXTURE_WRAP_S]: 'wrapS', [GL.TEXTURE_WRAP_T]: 'wrapT' };
    if (this.compatProfile) Object.assign(m, { [TEXTURE_COMPARE_MODE]: 'compareMode', [TEXTURE_COMPARE_FUNC]: 'compareFunc', [DEPTH_TEXTURE_MODE]: 'depthMode' });
    if (!(pname in m)) { this.err(GL.INVALID_ENUM); return null; }
    if (!t) { this.err(GL.INVALID_OPERATION); return null; }
    return t[m[pname]!];
  }

  /** Unpacks client pixels (alignment, flip-y, premultiply) into tightly packed texels of `info`. */
  private unpackPixels(info: TexFormatInfo, format: number, w: number, h: number, src: ArrayBufferView | null, fromImage = false): Uint8Array | null {
    const out = new Uint8Array(w * h * info.bpp);
    if (!src) return out;
    const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    const rowBytes = w * info.srcBpp;
    const align = fromImage ? 1 : this.unpack.alignment; // UNPACK_ALIGNMENT applies to client arrays only
    const stride = Math.ceil(rowBytes / align) * align;
    const need = h === 0 || w === 0 ? 0 : stride * (h - 1) + rowBytes;
    if (bytes.length < need) { this.err(GL.INVALID_OPERATION); return null; }
    for (let y = 0; y < h; y++) {
      const sy = this.unpack.flipY ? h - 1 - y : y;
      out.set(bytes.subarray(sy * stride, sy * stride + rowBytes), y * rowBytes);
    }
    if (this.unpack.premultiply && (format === GL.RGBA || format === GL.LUMINANCE_ALPHA) && info.kind !== 'depth') {
      const px = [0, 0, 0, 0];
      for (let i = 0; i < w * h; i++) {
        decodeTexel(info, out, i * info.bpp, px);
        const a = info.kind === 'u16p' ? px[3]! : px[info.channels - 1]!;
        if (info.kind === 'u16p') { px[0]! *= a; px[1]! *= a; px[2]! *= a; } else for (let k = 0; k < info.channels - 1; k++) px[k]! *= a;
        encodeTexel(info, px, out, i * info.bpp);
      }
    }
    return out;
  }

  private texImageArgs(args: unknown[]): { w: number; h: number; border: number; format: number; type: number; data: ArrayBufferView | null; image: ImageSource | null } | null {
    const [, , , a3, a4, a5, a6, a7, a8] = args as number[];
    if (args.length >= 9) return { w: a3!, h: a4!, border: a5!, format: a6!, type: a7!, data: (a8 as unknown as ArrayBufferView | null) ?? null, image: null };
    // (target, level, internalformat, format, type, source): an ImageData-like {width, height, data}
    const src = imageSource(args[5]);
    if (!src) { this.err(GL.INVALID_VALUE); return null; }
    return { w: src.width, h: src.height, border: 0, format: a3!, type: a4!, data: null, image: src };
  }

  texImage2D(...args: any[]): void {
    if (this.lost) return;
    const target = args[0] as number, level = args[1] as number, internalformat = args[2] as number;
    const r = this.texForTarget(target, true);
    if (!r) return;
    const a = this.texImageArgs(args);
    if (!a) return;
    const { w, h, border, format, type } = a;
    let data = a.data;
    if (!TEX_FORMATS_ALL.includes(format) || !TEX_TYPES_ALL.includes(type)) return this.err(GL.INVALID_ENUM);
    const info = this.texInfo(format, type);
    if (!info) return;
    if (level < 0 || w < 0 || h < 0 || border !== 0) return this.err(GL.INVALID_VALUE);
    const max = target === GL.TEXTURE_2D || target === TEXTURE_1D ? MAX_TEXTURE_SIZE : MAX_CUBE_SIZE;
    if (w > max >> level || h > max >> level || level > Math.log2(max)) return this.err(GL.INVALID_VALUE);
    if (target === TEXTURE_1D && h !== 1) return this.err(GL.INVALID_VALUE);
    if (target !== GL.TEXTURE_2D && target !== TEXTURE_1D && w !== h) return this.err(GL.INVALID_VALUE);
    if (level > 0 && (!isPow2(w) || !isPow2(h))) return this.err(GL.INVALID_VALUE); // NPOT mip levels are not allowed in WebGL 1
    if (internalformat !== format) return this.err(GL.INVALID_OPERATION);
    if (info.kind === 'depth' && !this.compatProfile) {
      if (target !== GL.TEXTURE_2D || level !== 0) return this.err(GL.INVALID_OPERATION); // WEBGL_depth_texture
      if (data) return this.err(GL.INVALID_OPERATION);
    }
    if (a.image) {
      if (info.kind === 'depth') return this.err(GL.INVALID_OPERATION);
      data = imageTexels(info, format, a.image.data, w, h);
    }
    if (data && !arrayTypeOk(type, data)) return this.err(GL.INVALID_OPERATION);
    // GL 2.1 depth uploads: UNSIGNED_INT depth is normalized, stored as the float depth32 holds
    if (info.hw === 'depth32' && type === GL.UNSIGNED_INT && data) data = Float32Array.from(data as Uint32Array, (v) => v / 4294967295);
    const t = r.tex;
    if (!t) return this.err(GL.INVALID_OPERATION);
    const texels = this.unpackPixels(info, format, w, h, data, !!a.image);
    if (!texels) return;
    data = null;
    this.beforeTextureWrite(t);
    t.levels[r.face]![level] = { width: w, height: h, format, type, info };
    this.storeLevel(t, r.face, level, texels, 0, 0, w, h);
  }

  /** glTexImage1D (compatibility contexts, through GLCompatibility): a height-1 image of a TEXTURE_1D texture. */
  private texImage1D(target: number, level: number, internalformat: number, width: number, border: number, format: number, type: number, data: ArrayBufferView | null): void {
    if (this.lost) return;
    if (!this.compatProfile || target !== TEXTURE_1D) return this.err(GL.INVALID_ENUM);
    this.texImage2D(target, level, internalformat, width, 1, border, format, type, data);
  }

  texSubImage2D(...args: any[]): void {
    if (this.lost) return;
    const [target, level, xoff, yoff] = args as number[];
    const r = this.texForTarget(target!, true);
    if (!r) return;
    let w: number, h: number, format: number, type: number, data: ArrayBufferView | null;
    let image: ImageSource | null = null;
    if (args.length >= 9) { [, , , , w, h, format, type] = args as number[] as [number, number, number, number, number, number, number, number]; data = args[8] ?? null; }
    else {
      format = args[4]; type = args[5];
      image = imageSource(args[6]);
      if (!image) return this.err(GL.INVALID_VALUE);
      w = image.width; h = image.height;
      data = null;
    }
    if (!TEX_FORMATS_ALL.includes(format!) || !TEX_TYPES_ALL.includes(type!)) return this.err(GL.INVALID_ENUM);
    const info = this.texInfo(format!, type!);
    if (!info) return;
    if (level! < 0 || xoff! < 0 || yoff! < 0 || w! < 0 || h! < 0) return this.err(GL.INVALID_VALUE);
    const t = r.tex;
    if (!t) return this.err(GL.INVALID_OPERATION);
    const li = t.levels[r.face]![level!];
    if (!li) return this.err(GL.INVALID_OPERATION);
    if (xoff! + w! > li.width || yoff! + h! > li.height) return this.err(GL.INVALID_VALUE);
    if (li.format !== format || li.type !== type) return this.err(GL.INVALID_OPERATION);
    if (image) {
      if (info.kind === 'depth') return this.err(GL.INVALID_OPERATION);
      data = imageTexels(info, format!, image.data, w!, h!);
    }
    if (!data) return this.err(GL.INVALID_VALUE);
    if (!arrayTypeOk(type!, data)) return this.err(GL.INVALID_OPERATION);
    if (info.kind === 'depth') return this.err(GL.INVALID_OPERATION);
    const texels = this.unpackPixels(info, format!, w!, h!, data, !!image);
    if (!texels) return;
    this.beforeTextureWrite(t);
    this.storeLevel(t, r.face, level!, texels, xoff!, yoff!, w!, h!);
  }

  private texInfo(format: number, type: number): TexFormatInfo | undefined {
    const info = texFormat(format, type);
    if (!info) { this.err(GL.INVALID_OPERATION); return undefined; }
    if (this.compatProfile && info.kind === 'depth') return info; // GL 2.1 has depth textures (float data too)
    if (format === GL.DEPTH_COMPONENT && type === GL.FLOAT) { this.err(GL.INVALID_OPERATION); return undefined; } // not in WebGL
    const need = type === GL.FLOAT ? 'OES_texture_float' : type === EXT.HALF_FLOAT_OES ? 'OES_texture_half_float' : info.kind === 'depth' || format === GL.DEPTH_COMPONENT || format === GL.DEPTH_STENCIL ? 'WEBGL_depth_texture' : null;
    if (need && !this.enabledExt.has(need)) { this.err(GL.INVALID_ENUM); return undefined; }
    return info;
  }

  /** A texture about to change under the CPU: flush a pass rendering into it, wait for the GPU if it uses the storage. */
  private beforeTextureWrite(t: AkTexture): void {
    if (this.framebuffer && t.attachedTo.has(this.framebuffer) && this.gpu.hasPassFor(this.framebuffer)) this.gpu.flush();
    if (t.bo) this.gpu.syncBo(t.bo);
  }

  /** The texture's storage BO: level 0 of the first defined face fixes the layout (full mip chain per face). */
  private ensureTexStorage(t: AkTexture, face: number, level: number): boolean {
    const base = t.levels[face]![0] ?? t.levels.find((f) => f[0])?.[0];
    const li = t.levels[face]![level]!;
    let w0: number, h0: number;
    if (base && base.info.hw === li.info.hw && (base.width >> level || 1) === li.width && (base.height >> level || 1) === li.height) { w0 = base.width; h0 = base.height; }
    else if (level === 0) { w0 = li.width; h0 = li.height; }
    else return false;
    const cube = t.target === GL.TEXTURE_CUBE_MAP;
    const layout = `${w0}x${h0}:${li.info.hw}:${cube}`;
    if (t.bo && t.boLayout === layout) return true;
    const offs: number[] = [];
    let off = 0;
    for (let l = 0; ; l++) {
      offs.push(off);
      const w = Math.max(1, w0 >> l), h = Math.max(1, h0 >> l);
      off += w * h * li.info.bpp;
      if (w === 1 && h === 1) { offs.push(off); break; }
    }
    const faceStride = Math.ceil(off / 64) * 64;
    const total = faceStride * (cube ? 6 : 1);
    const old = t.bo, oldOffs = t.levelOffsets, oldStride = t.faceStride, oldLayout = t.boLayout;
    try { t.bo = this.gpu.allocBo(Math.max(64, total), 'rw'); } catch (e) {
      if (!isOom(e)) throw e;
      t.bo = old;
      t.levels[face]![level] = null;
      this.err(GL.OUT_OF_MEMORY);
      return false;
    }
    t.bo.fill(0, 0, total);
    t.boLayout = layout; t.levelOffsets = offs; t.faceStride = faceStride;
    if (old) {
      // Keep the other faces' level 0 when only one face changed size.
      void oldOffs; void oldStride; void oldLayout;
      this.gpu.releaseBo(old);
      for (let f = 0; f < t.levels.length; f++) for (let l = 0; l < t.levels[f]!.length; l++) if (f !== face || l !== level) t.levels[f]![l] = null;
    }
    return true;
  }

  private storeLevel(t: AkTexture, face: number, level: number, texels: Uint8Array, x: number, y: number, w: number, h: number): void {
    if (!this.ensureTexStorage(t, face, level)) {
      // A level that does not fit level 0's chain (or comes before it) has no storage: the texture stays incomplete until it is re-specified.
      t.levels[face]![level] = null;
      return;
    }
    const li = t.levels[face]![level]!;
    const bpp = li.info.bpp;
    const base = face * t.faceStride + t.levelOffsets[level]!;
    if (x === 0 && w === li.width) t.bo!.write(base + y * li.width * bpp, texels.subarray(0, w * h * bpp));
    else for (let j = 0; j < h; j++) t.bo!.write(base + ((y + j) * li.width + x) * bpp, texels.subarray(j * w * bpp, (j + 1) * w * bpp));
  }

  generateMipmap(target: number): void {
    if (this.lost) return;
    const r = this.texForTarget(target, false);
    if (!r) return;
    const t = r.tex;
    if (!t) return this.err(GL.INVALID_OPERATION);
    const l0 = t.levels[0]![0];
    if (!l0 || !isPow2(l0.width) || !isPow2(l0.height) || l0.info.kind === 'depth') return this.err(GL.INVALID_OPERATION);
    if (t.levels.some((f) => !f[0] || f[0].width !== l0.width || f[0].height !== l0.height || f[0].format !== l0.format || f[0].type !== l0.type)) return this.err(GL.INVALID_OPERATION);
    this.beforeTextureWrite(t);
    // On the CPU: a 2x2 box filter level by level (the GPU has no blit yet).
    const info = l0.info, bpp = info.bpp;
    const a = [0, 0, 0, 0], acc = [0, 0, 0, 0];
    for (let f = 0; f < t.levels.length; f++) {
      let src = t.bo!.bytes(f * t.faceStride + t.levelOffsets[0]!, l0.width * l0.height * bpp);
      for (let l = 1; ; l++) {
        const pw = Math.max(1, l0.width >> (l - 1)), ph = Math.max(1, l0.height >> (l - 1));
        if (pw === 1 && ph === 1) break;
        const w = Math.max(1, pw >> 1), h = Math.max(1, ph >> 1);
        t.levels[f]![l] = { ...l0, width: w, height: h };
        const dst = new Uint8Array(w * h * bpp);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            acc.fill(0);
            let n = 0;
            for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
              const sx = Math.min(pw - 1, x * 2 + dx), sy = Math.min(ph - 1, y * 2 + dy);
              decodeTexel(info, src, (sy * pw + sx) * bpp, a);
              for (let k = 0; k < 4; k++) acc[k]! += a[k]!;
              n++;
            }
            encodeTexel(info, acc.map((v) => v / n), dst, (y * w + x) * bpp);
          }
        }
        t.bo!.write(f * t.faceStride + t.levelOffsets[l]!, dst);
        src = dst;
      }
    }
  }

  copyTexImage2D(target: number, level: number, internalformat: number, x: number, y: number, w: number, h: number, border: number): void {
    if (this.lost) return;
    const r = this.texForTarget(target, true);
    if (!r) return;
    if (![GL.RGBA, GL.RGB, GL.ALPHA, GL.LUMINANCE, GL.LUMINANCE_ALPHA].includes(internalformat as never)) return this.err(GL.INVALID_ENUM);
    if (level < 0 || w < 0 || h < 0 || border !== 0) return this.err(GL.INVALID_VALUE);
    if (!r.tex) return this.err(GL.INVALID_OPERATION);
    const src = this.readRgba(x, y, w, h);
    if (!src) return;
    const info = texFormat(internalformat, GL.UNSIGNED_BYTE)!;
    const texels = new Uint8Array(w * h * info.bpp);
    const map = internalformat === GL.RGBA ? [0, 1, 2, 3] : internalformat === GL.RGB ? [0, 1, 2] : internalformat === GL.ALPHA ? [3] : internalformat === GL.LUMINANCE ? [0] : [0, 3];
    for (let i = 0; i < w * h; i++) for (let k = 0; k < map.length; k++) texels[i * info.bpp + k] = src[i * 4 + map[k]!]!;
    this.beforeTextureWrite(r.tex);
    r.tex.levels[r.face]![level] = { width: w, height: h, format: internalformat, type: GL.UNSIGNED_BYTE, info };
    this.storeLevel(r.tex, r.face, level, texels, 0, 0, w, h);
  }
  copyTexSubImage2D(target: number, level: number, xoff: number, yoff: number, x: number, y: number, w: number, h: number): void {
    if (this.lost) return;
    const r = this.texForTarget(target, true);
    if (!r) return;
    if (level < 0 || w < 0 || h < 0 || xoff < 0 || yoff < 0) return this.err(GL.INVALID_VALUE);
    const li = r.tex?.levels[r.face]![level];
    if (!r.tex || !li) return this.err(GL.INVALID_OPERATION);
    if (xoff + w > li.width || yoff + h > li.height) return this.err(GL.INVALID_VALUE);
    if (li.type !== GL.UNSIGNED_BYTE) return this.err(GL.INVALID_OPERATION);
    const src = this.readRgba(x, y, w, h);
    if (!src) return;
    const f = li.format;
    const map = f === GL.RGBA ? [0, 1, 2, 3] : f === GL.RGB ? [0, 1, 2] : f === GL.ALPHA ? [3] : f === GL.LUMINANCE ? [0] : [0, 3];
    const texels = new Uint8Array(w * h * li.info.bpp);
    for (let i = 0; i < w * h; i++) for (let k = 0; k < map.length; k++) texels[i * li.info.bpp + k] = src[i * 4 + map[k]!]!;
    this.beforeTextureWrite(r.tex);
    this.storeLevel(r.tex, r.face, level, texels, xoff, yoff, w, h);
  }
  compressedTexImage2D(): void { if (!this.lost) this.err(GL.INVALID_ENUM); }
  compressedTexSubImage2D(): void { if (!this.lost) this.err(GL.INVALID_ENUM); }

  /** Texture completeness (ES 2.0 §3.7.10 + WebGL NPOT rules) and the TEXTURE descriptor values. */
  private textureDesc(t: AkTexture | null, target: number): Record<string, number> | null {
    const cube = target === GL.TEXTURE_CUBE_MAP;
    if (!t || !t.bo || t.target !== target) return null;
    const l0 = t.levels[0]![0];
    if (!l0) return null;
    for (const f of t.levels) { const b = f[0]; if (!b || b.width !== l0.width || b.height !== l0.height || b.format !== l0.format || b.type !== l0.type) return null; }
    if (!this.ensureLayoutMatches(t, l0)) return null;
    const mip = t.minFilter !== GL.NEAREST && t.minFilter !== GL.LINEAR;
    const npot = !isPow2(l0.width) || !isPow2(l0.height);
    if (npot && (mip || t.wrapS !== GL.CLAMP_TO_EDGE || t.wrapT !== GL.CLAMP_TO_EDGE)) return null;
    const isFloat = l0.info.kind === 'f32' || l0.info.kind === 'f16';
    if (isFloat && (t.magFilter === GL.LINEAR || (t.minFilter !== GL.NEAREST && t.minFilter !== GL.NEAREST_MIPMAP_NEAREST))) return null;
    let levels = 1;
    if (mip) {
      for (let l = 1; ; l++) {
        const w = Math.max(1, l0.width >> l), h = Math.max(1, l0.height >> l);
        for (const f of t.levels) { const li = f[l]; if (!li || li.width !== w || li.height !== h || li.format !== l0.format || li.type !== l0.type) return null; }
        levels = l + 1;
        if (w === 1 && h === 1) break;
      }
    }
    if (levels > 15) return null;
    const wrap = (m: number) => (m === GL.REPEAT ? 0 : m === GL.CLAMP_TO_EDGE ? 1 : 2);
    const minLinear = t.minFilter === GL.LINEAR || t.minFilter === GL.LINEAR_MIPMAP_NEAREST || t.minFilter === GL.LINEAR_MIPMAP_LINEAR;
    const mipf = !mip ? 0 : t.minFilter === GL.NEAREST_MIPMAP_NEAREST || t.minFilter === GL.LINEAR_MIPMAP_NEAREST ? 1 : 2;
    return {
      address: t.bo.va, width: l0.width, height: l0.height, dim: cube ? 1 : 0, format: TEX_FORMAT.indexOf(l0.info.hw), levels,
      wrap_s: wrap(t.wrapS), wrap_t: wrap(t.wrapT), min_filter: minLinear ? 1 : 0, mag_filter: t.magFilter === GL.LINEAR ? 1 : 0, mip_filter: mipf,
      face_stride: t.faceStride, size: t.faceStride * (cube ? 6 : 1),
      // depth textures: GL 2.1 comparison and DEPTH_TEXTURE_MODE (defaults: no comparison, luminance)
      compare: l0.info.kind === 'depth' && t.compareMode === COMPARE_R_TO_TEXTURE ? 1 : 0, compare_func: t.compareFunc - GL.NEVER,
      depth_mode: t.depthMode === INTENSITY ? 1 : t.depthMode === GL.ALPHA ? 2 : 0,
    };
  }
  private ensureLayoutMatches(t: AkTexture, l0: LevelInfo): boolean {
    return t.boLayout === `${l0.width}x${l0.height}:${l0.info.hw}:${t.target === GL.TEXTURE_CUBE_MAP}`;
  }

  // ---------------------------------------------------------------- renderbuffers and framebuffers
  createRenderbuffer(): WebGLRenderbuffer { return (this.lost ? null : new AkRenderbuffer(this.gen)) as WebGLRenderbuffer; }
  createFramebuffer(): WebGLFramebuffer { return (this.lost ? null : new AkFramebuffer(this.gen)) as WebGLFramebuffer; }
  isRenderbuffer(r: WebGLRenderbuffer | null): boolean { return !this.lost && r instanceof AkRenderbuffer && r.owner === this.gen && !r.deleted && r.bound; }
  isFramebuffer(f: WebGLFramebuffer | null): boolean { return !this.lost && f instanceof AkFramebuffer && f.owner === this.gen && !f.deleted && f.bound; }
  bindRenderbuffer(target: number, r: WebGLRenderbuffer | null): void {
    if (this.lost) return;
    if (target !== GL.RENDERBUFFER) return this.err(GL.INVALID_ENUM);
    const x = this.own(r, AkRenderbuffer);
    if (x === undefined) return;
    if (x?.deleted) return this.err(GL.INVALID_OPERATION);
    if (x) x.bound = true;
    this.renderbuffer = x;
  }
  deleteRenderbuffer(r: WebGLRenderbuffer | null): void {
    if (this.lost) return;
    const x = this.own(r, AkRenderbuffer);
    if (!x || x.deleted) return;
    x.deleted = true;
    if (this.renderbuffer === x) this.renderbuffer = null;
    if (this.framebuffer) this.detachFrom(this.framebuffer, (a) => a.rb === x);
    if (x.bo) { this.gpu.releaseBo(x.bo); x.bo = null; }
  }
  renderbufferStorage(target: number, internalformat: number, w: number, h: number): void {
    if (this.lost) return;
    if (target !== GL.RENDERBUFFER) return this.err(GL.INVALID_ENUM);
    const fmts: Record<number, [Surface['color'] extends infer C ? C extends { format: infer F } ? F | null : never : never, 'd16' | 'd24s8' | null, number]> = {
      [GL.RGBA4]: ['rgba4_unorm', null, 2], [GL.RGB565]: ['rgb565_unorm', null, 2], [GL.RGB5_A1]: ['rgb5a1_unorm', null, 2],
      [GL.DEPTH_COMPONENT16]: [null, 'd16', 2], [GL.STENCIL_INDEX8]: [null, 'd24s8', 4], [GL.DEPTH_STENCIL]: [null, 'd24s8', 4],
    };
    const f = fmts[internalformat];
    if (!f) return this.err(GL.INVALID_ENUM);
    if (w < 0 || h < 0 || w > MAX_RB_SIZE || h > MAX_RB_SIZE) return this.err(GL.INVALID_VALUE);
    const rb = this.renderbuffer;
    if (!rb) return this.err(GL.INVALID_OPERATION);
    if (this.framebuffer && rb.attachedTo.has(this.framebuffer)) this.gpu.flush();
    if (rb.bo) { this.gpu.releaseBo(rb.bo); rb.bo = null; }
    rb.width = w; rb.height = h; rb.internalFormat = internalformat;
    rb.color = f[0]; rb.zs = f[1]; rb.stride = w * f[2];
    if (w && h) {
      try { rb.bo = this.gpu.allocBo(rb.stride * h, 'rw'); } catch (e) {
        if (!isOom(e)) throw e;
        rb.width = rb.height = 0;
        return this.err(GL.OUT_OF_MEMORY);
      }
      rb.bo.fill(0, 0, rb.stride * h);
      if (rb.zs === 'd16') rb.bo.write(0, new Uint16Array(w * h).fill(0xffff));
      if (rb.zs === 'd24s8') rb.bo.write(0, new Uint32Array(w * h).fill(0xffffff00));
    }
  }
  getRenderbufferParameter(target: number, pname: number): any {
    if (this.lost) return null;
    if (target !== GL.RENDERBUFFER) { this.err(GL.INVALID_ENUM); return null; }
    const rb = this.renderbuffer;
    const known = [GL.RENDERBUFFER_WIDTH, GL.RENDERBUFFER_HEIGHT, GL.RENDERBUFFER_INTERNAL_FORMAT, GL.RENDERBUFFER_RED_SIZE, GL.RENDERBUFFER_GREEN_SIZE,
      GL.RENDERBUFFER_BLUE_SIZE, GL.RENDERBUFFER_ALPHA_SIZE, GL.RENDERBUFFER_DEPTH_SIZE, GL.RENDERBUFFER_STENCIL_SIZE] as number[];
    if (!known.includes(pname)) { this.err(GL.INVALID_ENUM); return null; }
    if (!rb) { this.err(GL.INVALID_OPERATION); return null; }
    const sizes: Record<number, number[]> = {
      [GL.RGBA4]: [4, 4, 4, 4, 0, 0], [GL.RGB565]: [5, 6, 5, 0, 0, 0], [GL.RGB5_A1]: [5, 5, 5, 1, 0, 0],
      [GL.DEPTH_COMPONENT16]: [0, 0, 0, 0, 16, 0], [GL.STENCIL_INDEX8]: [0, 0, 0, 0, 0, 8], [GL.DEPTH_STENCIL]: [0, 0, 0, 0, 24, 8],
    };
    switch (pname) {
      case GL.RENDERBUFFER_WIDTH: return rb.width;
      case GL.RENDERBUFFER_HEIGHT: return rb.height;
      case GL.RENDERBUFFER_INTERNAL_FORMAT: return rb.internalFormat;
      default: return sizes[rb.internalFormat]![known.indexOf(pname) - 3] ?? 0;
    }
  }
  bindFramebuffer(target: number, f: WebGLFramebuffer | null): void {
    if (this.lost) return;
    if (target !== GL.FRAMEBUFFER) return this.err(GL.INVALID_ENUM);
    const x = this.own(f, AkFramebuffer);
    if (x === undefined) return;
    if (x?.deleted) return this.err(GL.INVALID_OPERATION);
    if (x) x.bound = true;
    this.framebuffer = x;
  }
  deleteFramebuffer(f: WebGLFramebuffer | null): void {
    if (this.lost) return;
    const x = this.own(f, AkFramebuffer);
    if (!x || x.deleted) return;
    x.deleted = true;
    if (this.gpu.hasPassFor(x)) this.gpu.flush();
    this.detachFrom(x, () => true);
    if (this.framebuffer === x) this.framebuffer = null;
  }
  private detachFrom(fb: AkFramebuffer, pred: (a: Attachment) => boolean): void {
    for (const k of ['color', 'depth', 'stencil', 'depthStencil'] as const) {
      const a = fb[k];
      if (a && pred(a)) { a.tex?.attachedTo.delete(fb); a.rb?.attachedTo.delete(fb); fb[k] = null; }
    }
  }
  private attachPoint(attachment: number): 'color' | 'depth' | 'stencil' | 'depthStencil' | null {
    switch (attachment) {
      case GL.COLOR_ATTACHMENT0: return 'color';
      case GL.DEPTH_ATTACHMENT: return 'depth';
      case GL.STENCIL_ATTACHMENT: return 'stencil';
      case GL.DEPTH_STENCIL_ATTACHMENT: return 'depthStencil';
    }
    return null;
  }
  framebufferRenderbuffer(target: number, attachment: number, rbtarget: number, r: WebGLRenderbuffer | null): void {
    if (this.lost) return;
    if (target !== GL.FRAMEBUFFER || rbtarget !== GL.RENDERBUFFER) return this.err(GL.INVALID_ENUM);
    const pt = this.attachPoint(attachment);
    if (!pt) return this.err(GL.INVALID_ENUM);
    const x = this.own(r, AkRenderbuffer);
    if (x === undefined) return;
    const fb = this.framebuffer;
    if (!fb) return this.err(GL.INVALID_OPERATION);
    if (x?.deleted) return this.err(GL.INVALID_OPERATION);
    if (this.gpu.hasPassFor(fb)) this.gpu.flush();
    this.detachFrom(fb, (a) => a === fb[pt]);
    if (x) { fb[pt] = { rb: x }; x.attachedTo.add(fb); }
  }
  framebufferTexture2D(target: number, attachment: number, textarget: number, t: WebGLTexture | null, level: number): void {
    if (this.lost) return;
    if (target !== GL.FRAMEBUFFER) return this.err(GL.INVALID_ENUM);
    const pt = this.attachPoint(attachment);
    if (!pt) return this.err(GL.INVALID_ENUM);
    const isFace = textarget >= GL.TEXTURE_CUBE_MAP_POSITIVE_X && textarget <= GL.TEXTURE_CUBE_MAP_NEGATIVE_Z;
    if (textarget !== GL.TEXTURE_2D && !isFace) return this.err(GL.INVALID_ENUM);
    const x = this.own(t, AkTexture);
    if (x === undefined) return;
    const fb = this.framebuffer;
    if (!fb) return this.err(GL.INVALID_OPERATION);
    if (x) {
      if (x.deleted) return this.err(GL.INVALID_OPERATION);
      if (level !== 0) return this.err(GL.INVALID_VALUE);
      if ((x.target === GL.TEXTURE_2D) !== (textarget === GL.TEXTURE_2D)) return this.err(GL.INVALID_OPERATION);
    }
    if (this.gpu.hasPassFor(fb)) this.gpu.flush();
    this.detachFrom(fb, (a) => a === fb[pt]);
    if (x) { fb[pt] = { tex: x, face: isFace ? textarget - GL.TEXTURE_CUBE_MAP_POSITIVE_X : 0, level: 0 }; x.attachedTo.add(fb); }
  }
  getFramebufferAttachmentParameter(target: number, attachment: number, pname: number): any {
    if (this.lost) return null;
    if (target !== GL.FRAMEBUFFER) { this.err(GL.INVALID_ENUM); return null; }
    const pt = this.attachPoint(attachment);
    if (!pt) { this.err(GL.INVALID_ENUM); return null; }
    const fb = this.framebuffer;
    if (!fb) { this.err(GL.INVALID_OPERATION); return null; }
    const a = fb[pt];
    switch (pname) {
      case GL.FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE: return a ? (a.tex ? GL.TEXTURE : GL.RENDERBUFFER) : GL.NONE;
      case GL.FRAMEBUFFER_ATTACHMENT_OBJECT_NAME: if (a) return a.tex ?? a.rb; break;
      case GL.FRAMEBUFFER_ATTACHMENT_TEXTURE_LEVEL: if (a?.tex) return 0; break;
      case GL.FRAMEBUFFER_ATTACHMENT_TEXTURE_CUBE_MAP_FACE:
        if (a?.tex) return a.tex.target === GL.TEXTURE_CUBE_MAP ? GL.TEXTURE_CUBE_MAP_POSITIVE_X + a.face! : 0;
        break;
    }
    this.err(a ? GL.INVALID_ENUM : GL.INVALID_ENUM);
    return null;
  }

  /** Completeness and the surface of the bound framebuffer (null + status when incomplete). */
  private fbSurface(fb: AkFramebuffer): { status: number; surface: Surface | null } {
    let w = -1, h = -1;
    let color: Surface['color'] = null, zs: Surface['zs'] = null;
    const sizeOk = (aw: number, ah: number) => {
      if (!aw || !ah) return false;
      if (w < 0) { w = aw; h = ah; return true; }
      return aw === w && ah === h;
    };
    const attached = [fb.color, fb.depth, fb.stencil, fb.depthStencil].filter(Boolean);
    if (!attached.length) return { status: GL.FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT, surface: null };
    if (fb.depthStencil && (fb.depth || fb.stencil)) return { status: GL.FRAMEBUFFER_UNSUPPORTED, surface: null };
    if (fb.depth && fb.stencil) return { status: GL.FRAMEBUFFER_UNSUPPORTED, surface: null };
    const dims: Array<[number, number]> = [];
    if (fb.color) {
      const a = fb.color;
      if (a.rb) {
        if (!a.rb.color || !a.rb.bo) return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
        color = { bo: a.rb.bo, offset: 0, stride: a.rb.stride, format: a.rb.color };
        dims.push([a.rb.width, a.rb.height]);
      } else {
        const t = a.tex!;
        const li = t.levels[a.face!]?.[0];
        if (!li || !t.bo) return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
        const fmtMap: Partial<Record<string, NonNullable<Surface['color']>['format']>> = { rgba8: 'rgba8_unorm', rgb565: 'rgb565_unorm', rgba4: 'rgba4_unorm', rgb5a1: 'rgb5a1_unorm', rgba32f: 'rgba32f', rgba16f: 'rgba16f' };
        const cf = fmtMap[li.info.hw];
        if (!cf) return { status: li.info.kind === 'depth' ? GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT : GL.FRAMEBUFFER_UNSUPPORTED, surface: null };
        if (!this.ensureLayoutMatches(t, li)) return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
        color = { bo: t.bo, offset: a.face! * t.faceStride, stride: li.width * li.info.bpp, format: cf };
        dims.push([li.width, li.height]);
      }
    }
    for (const k of ['depth', 'stencil', 'depthStencil'] as const) {
      const a = fb[k];
      if (!a) continue;
      if (a.rb) {
        const rb = a.rb;
        const okFmt = k === 'depth' ? rb.internalFormat === GL.DEPTH_COMPONENT16 : k === 'stencil' ? rb.internalFormat === GL.STENCIL_INDEX8 : rb.internalFormat === GL.DEPTH_STENCIL;
        if (!okFmt || !rb.bo) return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
        zs = { bo: rb.bo, offset: 0, stride: rb.stride, format: rb.zs! };
        dims.push([rb.width, rb.height]);
      } else {
        const t = a.tex!;
        const li = t.levels[a.face!]?.[0];
        if (!li || !t.bo || li.info.kind !== 'depth' || k === 'stencil') return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
        if ((k === 'depth') !== (li.info.hw !== 'depth24_stencil8')) return { status: GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT, surface: null };
        zs = { bo: t.bo, offset: 0, stride: li.width * li.info.bpp, format: li.info.hw === 'depth16' ? 'd16' : li.info.hw === 'depth32' ? 'd32f' : 'd24s8' };
        dims.push([li.width, li.height]);
      }
    }
    for (const [aw, ah] of dims) if (!sizeOk(aw, ah)) return { status: !aw || !ah ? GL.FRAMEBUFFER_INCOMPLETE_ATTACHMENT : GL.FRAMEBUFFER_INCOMPLETE_DIMENSIONS, surface: null };
    if (w > 16384 || h > 16384) return { status: GL.FRAMEBUFFER_UNSUPPORTED, surface: null };
    return { status: GL.FRAMEBUFFER_COMPLETE, surface: { width: w, height: h, color, zs } };
  }
  checkFramebufferStatus(target: number): number {
    if (this.lost) return GL.FRAMEBUFFER_UNSUPPORTED; // WebGL 1.0 §5.14.6: a lost context's framebuffers are unsupported
    if (target !== GL.FRAMEBUFFER) { this.err(GL.INVALID_ENUM); return 0; }
    return this.framebuffer ? this.fbSurface(this.framebuffer).status : GL.FRAMEBUFFER_COMPLETE;
  }
  private currentSurface(): Surface | null {
    return this.framebuffer ? this.fbSurface(this.framebuffer).surface : this.defaultSurface;
  }
  private passKey(): object { return this.framebuffer ?? this.defaultKey; }

  // ---------------------------------------------------------------- clear, draw
  private stateValues(s: Surface): Record<string, number> {
    const hasDepth = !!s.zs && this.surfaceBits().d > 0;
    const hasStencil = s.zs?.format === 'd24s8' && this.surfaceBits().s > 0;
    const cm = this.colorMaskV;
    const bf = (f: number) => BLEND_FACTOR.indexOf(BLEND_FACTORS[f]!);
    const sf = this.stencilFn, so = this.stencilOps;
    const ref = (r: number) => Math.min(255, Math.max(0, r));
    return {
      cull: this.caps.get(GL.CULL_FACE) ? (this.cullFaceV === GL.FRONT ? 1 : this.cullFaceV === GL.BACK ? 2 : 3) : 0,
      front_ccw: this.frontFaceV === GL.CCW ? 1 : 0,
      depth_test: hasDepth && this.caps.get(GL.DEPTH_TEST) ? 1 : 0,
      depth_write: this.depthMaskV ? 1 : 0,
      depth_func: COMPARE_FUNCS.indexOf(this.depthFuncV),
      stencil_test: hasStencil && this.caps.get(GL.STENCIL_TEST) ? 1 : 0,
      blend: this.caps.get(GL.BLEND) ? 1 : 0,
      color_mask: (cm[0] ? 1 : 0) | (cm[1] ? 2 : 0) | (cm[2] ? 4 : 0) | (cm[3] && (this.framebuffer || this.attrs.alpha) ? 8 : 0),
      scissor: this.caps.get(GL.SCISSOR_TEST) ? 1 : 0,
      polygon_offset: this.caps.get(GL.POLYGON_OFFSET_FILL) ? 1 : 0,
      dither: 0,
      y_up: 1,
      // glEnable(GL_CLIP_PLANEi) of the compatibility state (a vertex shader without clip distances ignores it)
      clip_enable: this.compat.clipEnableMask(),
      flat_colors: this.compat.flatShading() ? 1 : 0,
      blend_eq_rgb: BLEND_EQS.indexOf(this.blendEq[0]!), blend_eq_a: BLEND_EQS.indexOf(this.blendEq[1]!),
      blend_src_rgb: bf(this.blendFn[0]!), blend_dst_rgb: bf(this.blendFn[1]!), blend_src_a: bf(this.blendFn[2]!), blend_dst_a: bf(this.blendFn[3]!),
      blend_r: this.blendColorV[0]!, blend_g: this.blendColorV[1]!, blend_b: this.blendColorV[2]!, blend_a: this.blendColorV[3]!,
      stencil_front_func: COMPARE_FUNCS.indexOf(sf[0]![0]!), stencil_front_ref: ref(sf[0]![1]!), stencil_front_mask: sf[0]![2]! & 255,
      stencil_front_fail: STENCIL_OPS.indexOf(so[0]![0]!), stencil_front_zfail: STENCIL_OPS.indexOf(so[0]![1]!), stencil_front_zpass: STENCIL_OPS.indexOf(so[0]![2]!),
      stencil_back_func: COMPARE_FUNCS.indexOf(sf[1]![0]!), stencil_back_ref: ref(sf[1]![1]!), stencil_back_mask: sf[1]![2]! & 255,
      stencil_back_fail: STENCIL_OPS.indexOf(so[1]![0]!), stencil_back_zfail: STENCIL_OPS.indexOf(so[1]![1]!), stencil_back_zpass: STENCIL_OPS.indexOf(so[1]![2]!),
      stencil_front_writemask: this.stencilWM[0]! & 255, stencil_back_writemask: this.stencilWM[1]! & 255,
      polygon_offset_factor: this.polyOffset[0]!, polygon_offset_units: this.polyOffset[1]!,
      line_width: this.lineWidthV, depth_near: this.depthRangeV[0]!, depth_far: this.depthRangeV[1]!,
    };
  }
  private drawRect(s: Surface): Record<string, number> {
    const [vx, vy, vw, vh] = this.viewportV as [number, number, number, number];
    const [sx, sy, sw, sh] = this.scissorV as [number, number, number, number];
    const cl = (v: number, m: number) => Math.min(m, Math.max(0, v));
    return {
      viewport_x: vx, viewport_y: vy, viewport_w: vw, viewport_h: vh,
      scissor_minx: cl(sx, s.width), scissor_miny: cl(sy, s.height), scissor_maxx: cl(sx + sw, s.width), scissor_maxy: cl(sy + sh, s.height),
    };
  }

  clear(mask: number): void {
    if (this.lost) return;
    if (mask & ~(GL.COLOR_BUFFER_BIT | GL.DEPTH_BUFFER_BIT | GL.STENCIL_BUFFER_BIT)) return this.err(GL.INVALID_VALUE);
    const s = this.currentSurface();
    if (!s) return this.err(GL.INVALID_FRAMEBUFFER_OPERATION);
    const bits = this.surfaceBits();
    // Masks apply to clears (ES 2.0 §4.2.2): a fully masked buffer is not touched at all.
    const alphaOff = !this.framebuffer && !this.attrs.alpha;
    const anyColor = this.colorMaskV[0] || this.colorMaskV[1] || this.colorMaskV[2] || (this.colorMaskV[3] && !alphaOff);
    const wantColor = !!(mask & GL.COLOR_BUFFER_BIT) && !!s.color && anyColor;
    const wantDepth = !!(mask & GL.DEPTH_BUFFER_BIT) && bits.d > 0 && this.depthMaskV;
    const wantStencil = !!(mask & GL.STENCIL_BUFFER_BIT) && bits.s > 0 && (this.stencilWM[0]! & 255) !== 0;
    if (!wantColor && !wantDepth && !wantStencil) return;
    const sc = this.scissorV;
    const full = !this.caps.get(GL.SCISSOR_TEST) || (sc[0]! <= 0 && sc[1]! <= 0 && sc[0]! + sc[2]! >= s.width && sc[1]! + sc[3]! >= s.height);
    if (this.caps.get(GL.SCISSOR_TEST) && (sc[2] === 0 || sc[3] === 0)) return;
    const alphaForced = !this.framebuffer && !this.attrs.alpha;
    const cc = [...this.clearColorV];
    if (alphaForced) cc[3] = 1;
    const cm = this.colorMaskV;
    const colorFast = wantColor && full && cm[0] && cm[1] && cm[2] && (cm[3] || alphaForced);
    const hasStencilStore = s.zs?.format === 'd24s8';
    const depthFull = wantDepth && this.depthMaskV;
    const stencilFull = wantStencil && (this.stencilWM[0]! & 255) === 255;
    // The hardware clears depth and stencil together: a fast zs clear must cover both (or there is no stencil).
    const zsFast = full && !!s.zs && (hasStencilStore
      ? (depthFull || bits.d === 0) && (stencilFull || bits.s === 0) && (wantDepth || wantStencil)
      : depthFull);
    const slowColor = wantColor && !colorFast;
    const slowDepth = wantDepth && !zsFast;
    const slowStencil = wantStencil && !zsFast;
    const stencilV = this.clearStencilV & 255;
    this.gpu.clearPass(this.passKey(), s, colorFast ? cc : null, zsFast ? (wantDepth ? this.clearDepthV : 1) : null, zsFast ? (wantStencil ? stencilV : 0) : null);
    if (slowColor || slowDepth || slowStencil) this.clearQuad(s, slowColor ? cc : null, slowDepth, slowStencil);
  }

  /** A masked or scissored clear, drawn as a full-viewport quad with internal shaders. */
  private clearQuad(s: Surface, color: number[] | null, depth: boolean, stencil: boolean): void {
    const g = this.gpu;
    const z = this.clearDepthV * 2 - 1;
    const v = g.upload(4 * 12 + 16 + 2 * 32 + 2 * 64 + 64, 64);
    const f = new Float32Array(16);
    f.set([-1, -1, z, 1, -1, z, -1, 1, z, 1, 1, z]);
    f.set(color ?? [0, 0, 0, 0], 12);
    v.bo.write(v.off, f);
    const attrAt = v.off + 64, vsAt = attrAt + 64, fsAt = vsAt + 64, stAt = fsAt + 64;
    g.put(v.bo, attrAt, ATTRIBUTE, { address: v.va, stride: 12, components: 3, type: 0, size: 48 });
    g.put(v.bo, attrAt + 32, ATTRIBUTE, { address: v.va + 48, stride: 0, components: 4, type: 0, size: 16 });
    g.put(v.bo, vsAt, SHADER, { code: this.clearCode.va, code_size: 15 * 8, registers: 7, stage: 0, varyings: 4 });
    g.put(v.bo, fsAt, SHADER, { code: this.clearCode.va + 1024, code_size: 9 * 8, registers: 4, stage: 1, varyings: 4 });
    const cm = this.colorMaskV;
    const alphaForced = !this.framebuffer && !this.attrs.alpha;
    const wm = this.stencilWM[0]! & 255;
    g.put(v.bo, stAt, STATE, {
      cull: 0, front_ccw: 1, color_mask: color ? (cm[0] ? 1 : 0) | (cm[1] ? 2 : 0) | (cm[2] ? 4 : 0) | (cm[3] && !alphaForced ? 8 : 0) : 0,
      depth_test: depth ? 1 : 0, depth_write: depth ? 1 : 0, depth_func: 7, depth_near: 0, depth_far: 1, line_width: 1,
      stencil_test: stencil ? 1 : 0, stencil_front_func: 7, stencil_back_func: 7, stencil_front_zpass: 2, stencil_back_zpass: 2,
      stencil_front_ref: this.clearStencilV & 255, stencil_back_ref: this.clearStencilV & 255,
      stencil_front_mask: 255, stencil_back_mask: 255, stencil_front_writemask: wm, stencil_back_writemask: wm,
      scissor: this.caps.get(GL.SCISSOR_TEST) ? 1 : 0, blend_src_rgb: 1, blend_src_a: 1,
    });
    const rect = this.drawRect(s);
    g.addDraw(this.passKey(), s, {
      primitive: 5, index_type: 0, attrib_count: 2, first: 0, count: 4, instance_count: 1,
      attribs: v.va + 64, vertex_shader: v.va + 128, fragment_shader: v.va + 192, state: v.va + 256,
      ...rect, viewport_x: 0, viewport_y: 0, viewport_w: s.width, viewport_h: s.height,
    }, [this.clearCode], { zs: depth || stencil, varyings: 4 });
  }

  drawArrays(mode: number, first: number, count: number): void { this.drawArraysImpl(mode, first, count, 1, false); }
  drawElements(mode: number, count: number, type: number, offset: number): void { this.drawElementsImpl(mode, count, type, offset, 1, false); }

  private drawArraysImpl(mode: number, first: number, count: number, instances: number, inst: boolean): void {
    if (this.lost) return;
    if (mode < GL.POINTS || mode > GL.TRIANGLE_FAN) return this.err(GL.INVALID_ENUM);
    if (first < 0 || count < 0 || (inst && instances < 0)) return this.err(GL.INVALID_VALUE);
    const pre = this.drawPrecheck();
    if (!pre) return;
    if (!this.checkAttribRanges(first + count, instances)) return;
    if (count === 0 || instances === 0) return;
    this.guardOom(() => this.emitDraw(pre, mode, { first, count, instance_count: instances, index_type: 0 }, []));
  }

  private drawElementsImpl(mode: number, count: number, type: number, offset: number, instances: number, inst: boolean): void {
    if (this.lost) return;
    if (mode < GL.POINTS || mode > GL.TRIANGLE_FAN) return this.err(GL.INVALID_ENUM);
    const size = type === GL.UNSIGNED_BYTE ? 1 : type === GL.UNSIGNED_SHORT ? 2 : type === GL.UNSIGNED_INT && this.enabledExt.has('OES_element_index_uint') ? 4 : 0;
    if (!size) return this.err(GL.INVALID_ENUM);
    if (count < 0 || offset < 0 || (inst && instances < 0)) return this.err(GL.INVALID_VALUE);
    if (offset % size) return this.err(GL.INVALID_OPERATION);
    const eb = this.vao.elementBuffer;
    if (!eb) return this.err(GL.INVALID_OPERATION);
    if (offset + count * size > eb.size) return this.err(GL.INVALID_OPERATION);
    const pre = this.drawPrecheck();
    if (!pre) return;
    let maxIndex = -1;
    const dv = new DataView(eb.data.buffer, eb.data.byteOffset, eb.data.byteLength);
    for (let i = 0; i < count; i++) {
      const o = offset + i * size;
      const v = size === 1 ? eb.data[o]! : size === 2 ? dv.getUint16(o, true) : dv.getUint32(o, true);
      if (v > maxIndex) maxIndex = v;
    }
    if (!this.checkAttribRanges(maxIndex + 1, instances)) return;
    if (count === 0 || instances === 0) return;
    this.guardOom(() => {
      const ebo = this.bufferBo(eb);
      this.emitDraw(pre, mode, { first: offset / size, count, instance_count: instances, index_type: size === 1 ? 1 : size === 2 ? 2 : 3, indices: ebo.va }, [ebo]);
    });
  }

  private guardOom(fn: () => void): void {
    try { fn(); } catch (e) { if (!isOom(e)) throw e; this.err(GL.OUT_OF_MEMORY); }
  }

  private drawPrecheck(): { p: AkProgram; s: Surface } | null {
    const p = this.program;
    if (!p || !p.linkStatus || !p.vertex || !p.fragment) { this.err(GL.INVALID_OPERATION); return null; }
    const s = this.currentSurface();
    if (!s) { this.err(GL.INVALID_FRAMEBUFFER_OPERATION); return null; }
    // A texture both sampled and rendered to is a feedback loop (WebGL 1.0 §6.26).
    if (this.framebuffer?.color?.tex) {
      const t = this.framebuffer.color.tex;
      for (const u of p.linked!.uniforms) {
        const ty = UNIFORM_TYPES[u.type];
        if (ty?.base !== 's') continue;
        for (let e = 0; e < u.size; e++) {
          const unit = p.samplerUnits.get(`${u.name}#${e}`) ?? 0;
          if (this.bindings(samplerTarget(u.type))[unit] === t) { this.err(GL.INVALID_OPERATION); return null; }
        }
      }
    }
    return { p, s };
  }

  private checkAttribRanges(vertices: number, instances: number): boolean {
    const p = this.program!;
    for (const a of p.linked!.attributes) {
      const n = ATTRIB_SLOTS[a.type] ?? 1;
      for (let k = 0; k < n; k++) {
        const at = a.conventional ? this.conventionalArray(a.name) : this.vao.attribs[a.slot + k];
        if (at === null) { this.err(GL.INVALID_OPERATION); return false; }
        if (!at?.enabled) continue;
        if (!at.buffer) { this.err(GL.INVALID_OPERATION); return false; }
        const elems = at.divisor ? Math.ceil(instances / at.divisor) : vertices;
        if (elems <= 0) continue;
        const stride = at.stride || at.size * typeSize(at.type);
        const need = at.offset + (elems - 1) * stride + at.size * typeSize(at.type);
        if (need > at.buffer.size) { this.err(GL.INVALID_OPERATION); return false; }
      }
    }
    return true;
  }

  /**
   * The fixed-function array feeding a conventional attribute, shaped like a generic one;
   * undefined when disabled (the current value is used), null when its buffer is not usable.
   */
  private conventionalArray(name: string): VertexAttrib | null | undefined {
    const a = this.compat.array(name);
    if (!a) return undefined;
    const b = a.buffer;
    if (!(b instanceof AkBuffer) || b.owner !== this.gen || b.deleted) return null;
    return { enabled: true, buffer: b, size: a.size, type: a.type, normalized: a.normalized, stride: a.stride, offset: a.offset, divisor: 0 } as VertexAttrib;
  }

  /** Writes the GL state behind a program's built-in uniforms into a stage's uniform words. */
  private writeStateUniforms(p: AkProgram, stage: Stage, buf: Uint32Array): void {
    for (const u of p.linked!.uniforms) {
      const place = u.driverState ? u[stage] : undefined;
      if (!place) continue;
      for (let e = 0; e < u.size; e++) {
        const v = this.compat.stateValue(u.name.endsWith('[0]') ? u.name.slice(0, -3) : u.name, e);
        if (!v) throw new Error(`internal error: no GL state behind built-in uniform ${u.name}`);
        const base = place.offset + e * place.stride;
        for (let k = 0; k < v.length && base + k < buf.length; k++) buf[base + k] = fbits(v[k]!);
      }
    }
  }

  private emitDraw(pre: { p: AkProgram; s: Surface }, mode: number, dv: Record<string, number>, extraBos: Bo[]): void {
    const { p, s } = pre;
    const g = this.gpu;
    const bos = new Set<Bo>(extraBos);
    // Attributes: slot N = generic attribute N.
    let slots = 0;
    const conventional = new Map<number, string>();
    for (const a of p.linked!.attributes) {
      slots = Math.max(slots, a.slot + (ATTRIB_SLOTS[a.type] ?? 1));
      if (a.conventional) conventional.set(a.slot, a.name);
    }
    const attrs = slots ? g.upload(slots * 32, 32) : null;
    const typeIdx: Record<number, number> = { [GL.FLOAT]: 0, [GL.UNSIGNED_BYTE]: 1, [GL.BYTE]: 2, [GL.UNSIGNED_SHORT]: 3, [GL.SHORT]: 4 };
    for (let i = 0; i < slots; i++) {
      // a conventional attribute's slot reads the fixed-function array or current value, never generic state
      const conv = conventional.get(i);
      const at: VertexAttrib | undefined = conv ? (this.conventionalArray(conv) ?? undefined) : this.vao.attribs[i]!;
      const current = conv ? this.compat.currentValue(conv)! : this.currentAttrib[i]!;
      if (at?.enabled && at.buffer) {
        const bo = this.bufferBo(at.buffer);
        bos.add(bo);
        g.put(attrs!.bo, attrs!.off + i * 32, ATTRIBUTE, {
          address: bo.va + at.offset, stride: at.stride || at.size * typeSize(at.type), components: at.size, type: typeIdx[at.type]!,
          normalized: at.normalized ? 1 : 0, divisor: at.divisor, size: Math.max(0, at.buffer.size - at.offset),
        });
      } else {
        const c = g.upload(16, 16);
        c.bo.write(c.off, new Float32Array(current));
        g.put(attrs!.bo, attrs!.off + i * 32, ATTRIBUTE, { address: c.va, stride: 0, components: 4, type: 0, size: 16 });
      }
    }
    const shader = (stage: 'vertex' | 'fragment'): number => {
      const bin = p.linked![stage]!;
      const rt = p[stage]!;
      bos.add(rt.codeBo);
      let uniVa = 0;
      if (p.linked!.uniforms.some((u) => u.driverState && u[stage])) this.writeStateUniforms(p, stage, rt.uniforms);
      if (rt.uniforms.length) {
        const u = g.upload(rt.uniforms.length * 4, 16);
        u.bo.write(u.off, rt.uniforms);
        uniVa = u.va;
      }
      let texVa = 0;
      if (bin.textureCount) {
        const tt = g.upload(bin.textureCount * 32, 32);
        texVa = tt.va;
        for (let k = 0; k < bin.textureCount; k++) g.put(tt.bo, tt.off + k * 32, TEXTURE, this.blackTexDesc());
        for (const u of p.linked!.uniforms) {
          const place = u[stage];
          if (place?.textureSlot === undefined) continue;
          for (let e = 0; e < u.size; e++) {
            const slot = place.textureSlot + e;
            if (slot >= bin.textureCount) continue;
            const unit = p.samplerUnits.get(`${u.name}#${e}`) ?? 0;
            const target = samplerTarget(u.type), cube = target === GL.TEXTURE_CUBE_MAP;
            const tex = this.bindings(target)[unit] ?? null;
            const d = this.textureDesc(tex, target);
            if (d && tex?.bo) { bos.add(tex.bo); g.put(tt.bo, tt.off + slot * 32, TEXTURE, d); }
            else g.put(tt.bo, tt.off + slot * 32, TEXTURE, { ...this.blackTexDesc(), dim: cube ? 1 : 0 });
          }
        }
      }
      const sd = g.upload(64, 64);
      g.put(sd.bo, sd.off, SHADER, {
        code: rt.codeBo.va, code_size: bin.code.length * 4, registers: bin.registers, stage: stage === 'vertex' ? 0 : 1, varyings: bin.varyings,
        writes_depth: bin.writesDepth ? 1 : 0, uses_discard: bin.usesDiscard ? 1 : 0, writes_point_size: bin.writesPointSize ? 1 : 0,
        uses_derivatives: bin.usesDerivatives ? 1 : 0, clip_distances: bin.clipDistances, clip_first: bin.clipFirst, color_varyings: bin.colorVaryings, uniforms: uniVa, uniform_count: rt.uniforms.length, textures: texVa, texture_count: bin.textureCount,
      });
      return sd.va;
    };
    const vs = shader('vertex'), fs = shader('fragment');
    const st = g.upload(64, 64);
    const state = this.stateValues(s);
    g.put(st.bo, st.off, STATE, state);
    bos.add(this.blackTex);
    g.addDraw(this.passKey(), s, {
      primitive: mode, attrib_count: slots, attribs: attrs?.va ?? 0, vertex_shader: vs, fragment_shader: fs, state: st.va,
      base_vertex: 0, ...dv, ...this.drawRect(s),
    }, bos, { zs: !!(state.depth_test || state.stencil_test), varyings: p.linked!.vertex!.varyings });
    void DRAW;
  }
  private blackTexDesc(): Record<string, number> {
    return { address: this.blackTex.va, width: 1, height: 1, dim: 0, format: 0, levels: 1, wrap_s: 1, wrap_t: 1, min_filter: 0, mag_filter: 0, mip_filter: 0, face_stride: 64, size: 4 };
  }

  // ---------------------------------------------------------------- readback and sync
  /** RGBA8 of a rectangle of the current read surface, rows bottom-up; pixels outside stay 0. */
  private readRgba(x: number, y: number, w: number, h: number): Uint8Array | null {
    const out = new Uint8Array(w * h * 4);
    return this.readRgbaInto(x, y, w, h, out, w * 4) ? out : null;
  }

  /**
   * Writes the rectangle's RGBA8 into `out` (row j at j * stride, bottom-up); pixels outside
   * the surface are left as they are. RGBA8/BGRA8 surfaces are copied a row at a time.
   */
  private readRgbaInto(x: number, y: number, w: number, h: number, out: Uint8Array, stride: number): boolean {
    const s = this.currentSurface();
    if (!s) { this.err(GL.INVALID_FRAMEBUFFER_OPERATION); return false; }
    if (!s.color) return true;
    if (this.gpu.hasPassFor(this.passKey())) this.gpu.flush();
    this.gpu.syncBo(s.color.bo);
    if (this.lost) return false; // lost while waiting: what memory holds is not this frame; the caller's array stays untouched
    const x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = Math.min(s.width, x + w), y1 = Math.min(s.height, y + h);
    if (x1 > x0 && y1 > y0) {
      const forceA = !this.framebuffer && !this.attrs.alpha;
      const at = (y0 - y) * stride + (x0 - x) * 4;
      if (copyColorRgba8(s, x0, y0, x1 - x0, y1 - y0, out, at, stride, forceA)) return true;
      readColorRgba8(s, x0, y0, x1 - x0, y1 - y0, (px, py, c) => {
        const o = at + py * stride + px * 4;
        out[o] = c[0]!; out[o + 1] = c[1]!; out[o + 2] = c[2]!; out[o + 3] = forceA ? 255 : c[3]!;
      });
    }
    return true;
  }

  readPixels(x: number, y: number, w: number, h: number, format: number, type: number, pixels: ArrayBufferView | null): void {
    if (this.lost) return;
    if (format !== GL.RGBA && format !== GL.RGB && format !== GL.ALPHA) return this.err(GL.INVALID_ENUM);
    if (type !== GL.UNSIGNED_BYTE && type !== GL.UNSIGNED_SHORT_5_6_5 && type !== GL.UNSIGNED_SHORT_4_4_4_4 && type !== GL.UNSIGNED_SHORT_5_5_5_1 && type !== GL.FLOAT) return this.err(GL.INVALID_ENUM);
    if (w < 0 || h < 0) return this.err(GL.INVALID_VALUE);
    if (!pixels) return this.err(GL.INVALID_VALUE);
    const s = this.currentSurface();
    if (!s) return this.err(GL.INVALID_FRAMEBUFFER_OPERATION);
    const floatSurface = s.color?.format === 'rgba32f' || s.color?.format === 'rgba16f';
    if (format === GL.RGBA && type === GL.FLOAT && floatSurface) {
      // Float colour buffers (OES_texture_float / half-float render targets) read back as RGBA/FLOAT.
      if (!(pixels instanceof Float32Array)) return this.err(GL.INVALID_OPERATION);
      const rowF = w * 4;
      if (pixels.length < (h ? rowF * h : 0)) return this.err(GL.INVALID_OPERATION);
      if (!w || !h) return;
      this.gpu.syncBo(s.color!.bo);
      if (this.lost) return; // lost while waiting: leave the caller's array untouched
      const x0 = Math.max(0, x), y0 = Math.max(0, y), x1 = Math.min(s.width, x + w), y1 = Math.min(s.height, y + h);
      if (x1 > x0 && y1 > y0) readColorFloat(s, x0, y0, x1 - x0, y1 - y0, (px, py, c) => pixels.set(c, ((py + y0 - y) * w + (px + x0 - x)) * 4));
      return;
    }
    if (format !== GL.RGBA || type !== GL.UNSIGNED_BYTE) return this.err(GL.INVALID_OPERATION); // RGBA/UNSIGNED_BYTE (IMPLEMENTATION_COLOR_READ_* is the same)
    if (!(pixels instanceof Uint8Array) && !(pixels instanceof Uint8ClampedArray)) return this.err(GL.INVALID_OPERATION);
    const align = this.pack.alignment;
    const rowBytes = w * 4, stride = Math.ceil(rowBytes / align) * align;
    const need = h === 0 || w === 0 ? 0 : stride * (h - 1) + rowBytes;
    if (pixels.byteLength < need) return this.err(GL.INVALID_OPERATION);
    if (!w || !h) return;
    // straight into the caller's rows; outside the framebuffer they are left untouched
    this.readRgbaInto(x, y, w, h, new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), stride);
  }

  flush(): void { if (!this.lost) this.gpu.flush(); }
  finish(): void { if (!this.lost) this.gpu.finish(); }

  /** The drawing buffer as RGBA8 with row 0 at the top (image order), e.g. for PNG. */
  readDrawingBuffer(): Uint8Array {
    const fb = this.framebuffer;
    this.framebuffer = null;
    try {
      const W = this.width, H = this.height;
      const out = new Uint8Array(W * H * 4);
      const px = this.lost ? null : this.readRgba(0, 0, W, H);
      if (!px) return out; // a lost context has no picture to give
      for (let y = 0; y < H; y++) out.set(px.subarray((H - 1 - y) * W * 4, (H - y) * W * 4), y * W * 4);
      return out;
    } finally { this.framebuffer = fb; }
  }

  private swapChain: Bo[] = [];
  private swapSeqs: number[] = [];

  /**
   * Not WebGL — presentation for a KMS client, as eglSwapBuffers on a GBM
   * surface with a native fence: ends the frame, returns the buffer just
   * rendered (its GEM handle on the render node; rows top-down as GL's
   * bottom-up rows land in memory order, so a scan-out shows the image
   * upside down unless the client flips y) with a sync_file fd that signals
   * when its rendering completes, and makes the next of `count` buffers the
   * drawing buffer. The caller must not reuse a buffer still on screen: with
   * `count` buffers, at most count - 1 may be queued or shown.
   */
  akariSwapBuffers(count = 3): { handle: number; dmabufFd: number; width: number; height: number; stride: number; format: 'rgba8_unorm'; fenceFd: number } {
    this.gpu.flush();
    const color = this.defaultSurface.color!;
    const fenceFd = this.gpu.exportFence();
    if (!this.swapChain.length) this.swapChain.push(color.bo);
    const idx = this.swapChain.indexOf(color.bo);
    let next: Bo;
    if (this.swapChain.length < count) { next = this.gpu.allocBo(this.width * this.height * 4, 'rw'); this.swapChain.push(next); }
    else next = this.swapChain[(idx + 1) % this.swapChain.length]!;
    this.defaultSurface = { ...this.defaultSurface, color: { ...color, bo: next } };
    // reap submissions older than the whole chain: they finished before their buffer was shown
    this.swapSeqs.push(this.gpu.submitted);
    if (this.swapSeqs.length > count) this.gpu.waitSeq(this.swapSeqs.shift()!);
    // gbm_bo_get_fd: one dma-buf per buffer, exported once
    let dmabufFd = this.swapFds.get(color.bo);
    if (dmabufFd === undefined) this.swapFds.set(color.bo, (dmabufFd = this.gpu.dev.drm.primeHandleToFd(color.bo.handle)));
    return { handle: color.bo.handle, dmabufFd, width: this.width, height: this.height, stride: color.stride, format: 'rgba8_unorm', fenceFd };
  }
  private swapFds = new Map<Bo, number>();

  /**
   * Not WebGL — EGL_ANDROID_native_fence_sync's eglWaitSyncKHR: the next
   * rendering waits on the GPU for a sync_file (a KMS out-fence, say) without
   * blocking the CPU. The fd stays the caller's.
   */
  akariWaitSync(syncFileFd: number): void { this.gpu.waitSyncFile(syncFileFd); }

  /** Shuts the context's machine down (STACKGL_destroy_context's equivalent). */
  private destroyed = false;
  /**
   * Frees the context's GPU objects and ends its machine (STACKGL_destroy_context's equivalent);
   * the context then behaves as a lost one. Calling it twice does nothing.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.lost = true;
    this.gpu.destroy();
  }
}

/** A TexImageSource as Node has them: ImageData's shape (RGBA8 `data` of width × height pixels, top row first). */
interface ImageSource { width: number; height: number; data: Uint8Array | Uint8ClampedArray }
function imageSource(x: unknown): ImageSource | null {
  const s = x as Partial<ImageSource> | null;
  if (!s || typeof s !== 'object' || !Number.isInteger(s.width) || !Number.isInteger(s.height) || s.width! < 0 || s.height! < 0) return null;
  if (!(s.data instanceof Uint8ClampedArray || s.data instanceof Uint8Array) || s.data.length < s.width! * s.height! * 4) return null;
  return s as ImageSource;
}

/** A canvas side as the drawing buffer gets it: at least 1, at most MAX_DRAWING_BUFFER_SIZE. */
function drawingBufferSide(n: number): number {
  return Math.max(1, Math.min(MAX_DRAWING_BUFFER_SIZE, Math.floor(n) || 1));
}

Object.assign(AkariWebGLRenderingContext.prototype, GL);
// WebIDL argument conversions for every WebGL 1.0 entry point, from the IDL (idl.ts, bindings.ts)
installBindings(AkariWebGLRenderingContext.prototype as unknown as Record<string, unknown>, 'WebGLRenderingContext', WEBGL1_IDL);

export type { ActiveUniform };
