/**
 * The GL context's state — Mesa's `struct gl_context`: every value the API
 * can set or query, the bound objects, the error set, and the driver beneath
 * (the winsys `gpu` and the `pipe` that packs descriptors). The entry points
 * live in one module per object family (buffers.ts, textures.ts,
 * framebuffers.ts, shaders.ts, uniforms.ts, varrays.ts, draw.ts, state.ts,
 * get.ts, extensions.ts), each a set of functions over this object, as
 * Mesa's bufferobj.c, texobj.c, fbobject.c... are over gl_context; the
 * WebGL object (context.ts) dispatches to them, and a WebGL 2 context adds
 * its own families over the same state.
 */
import { GL, EXT, GL2 } from './constants.js';
import { GpuContext, type GpuProcess, type Surface } from '../umd/pipe/gpu.js';
import { AkariPipe } from '../umd/pipe/akari.js';
import { CAPS } from '../umd/pipe/caps.js';
import type { Bo } from '../umd/device.js';
import { DrmError } from '../libdrm/libdrm.js';
import type { CompiledShader } from '../umd/compiler/program.js';
import { AkBuffer, AkFramebuffer, AkProgram, AkRenderbuffer, AkSampler, AkSync, AkTexture, AkTransformFeedback, AkVertexArray, GLObject } from './objects.js';
import { GLCompatibility } from './compat.js';
import type { WebGLVersion } from './extensions.js';
import type { AkQuery } from './queries.js';

/** The context attributes, and what a WebGL context takes beyond them. */
export interface WebGLContextOptions extends WebGLContextAttributes {
  /** the WebGL version: 1 (WebGLRenderingContext, the default) or 2 (WebGL2RenderingContext, OpenGL ES 3.0) */
  version?: WebGLVersion;
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

/**
 * The largest drawing buffer side: what the viewport can address. A canvas
 * larger than this gets a drawing buffer clamped to it, as WebGL 1.0 § 2.2
 * allows ("a drawing buffer with smaller dimensions shall be created").
 */
export const MAX_DRAWING_BUFFER_SIZE = CAPS.maxViewport;

/** The capabilities glEnable/glDisable take (WebGL 1.0), and DITHER's initial true. */
export const CAPABILITIES = [GL.BLEND, GL.CULL_FACE, GL.DEPTH_TEST, GL.DITHER, GL.POLYGON_OFFSET_FILL, GL.SAMPLE_ALPHA_TO_COVERAGE, GL.SAMPLE_COVERAGE, GL.SCISSOR_TEST, GL.STENCIL_TEST] as number[];

/** Allocation failures (kernel ENOMEM/ENOSPC, VA exhaustion, host memory) become GL_OUT_OF_MEMORY. */
export function isOom(e: unknown): boolean {
  return e instanceof DrmError || e instanceof RangeError || (e instanceof Error && /out of GPU virtual address space/.test(e.message));
}

/** A canvas side as the drawing buffer gets it: at least 1, at most MAX_DRAWING_BUFFER_SIZE. */
export function drawingBufferSide(n: number): number {
  return Math.max(1, Math.min(MAX_DRAWING_BUFFER_SIZE, Math.floor(n) || 1));
}

/** What the context's lifecycle (context.ts: loss, restore, destruction, the canvas) offers the entry points. */
export interface ContextLifecycle {
  loseContext(reason: string, byExtension: boolean): void;
  restoreContext(): void;
  destroy(): void;
  resizeCanvas(width: number, height: number): void;
}

export class GLContext {
  readonly gpu: GpuContext;
  readonly version: WebGLVersion;
  readonly pipe: AkariPipe;
  attrs: WebGLContextAttributes;
  width: number;
  height: number;
  lost = false;
  lostPending = false;
  /** the lost event was cancelled (preventDefault): the context may be restored (§5.15.2) */
  restoreAllowed = false;
  /** lost through WEBGL_lose_context.loseContext: only restoreContext() restores it */
  lostByExtension = false;
  /** why the context was last lost ('loseContext', or the kernel's verdict: guilty_timeout, guilty_fault, lost, banned) */
  lostReason = '';
  destroyed = false;
  /**
   * Objects belong to one generation of the context: a restored context
   * starts a new one, so objects made before the loss are invalid (§5.15.3).
   */
  gen: object = {};
  errors = new Set<number>();
  defaultSurface: Surface;
  /** the drawing buffer's render-pass key */
  defaultKey = {};

  // fixed-function state (state.ts)
  clearColor = [0, 0, 0, 0];
  clearDepth = 1;
  clearStencil = 0;
  colorMask = [true, true, true, true];
  depthMask = true;
  depthFunc: number = GL.LESS;
  depthRange = [0, 1];
  caps = new Map<number, boolean>(CAPABILITIES.map((c) => [c, c === GL.DITHER]));
  viewport: number[];
  scissor: number[];
  cullFace: number = GL.BACK;
  frontFace: number = GL.CCW;
  lineWidth = 1;
  polygonOffset = [0, 0];
  blendColor = [0, 0, 0, 0];
  blendEquation = [GL.FUNC_ADD as number, GL.FUNC_ADD as number];
  /** srcRGB, dstRGB, srcAlpha, dstAlpha */
  blendFunc = [GL.ONE as number, GL.ZERO as number, GL.ONE as number, GL.ZERO as number];
  /** [front, back]: func, ref, value mask */
  stencilFunc = [[GL.ALWAYS as number, 0, 0xffffffff], [GL.ALWAYS as number, 0, 0xffffffff]];
  /** [front, back]: fail, zfail, zpass */
  stencilOp = [[GL.KEEP as number, GL.KEEP as number, GL.KEEP as number], [GL.KEEP as number, GL.KEEP as number, GL.KEEP as number]];
  stencilWriteMask = [0xffffffff, 0xffffffff];
  sampleCoverage: [number, boolean] = [1, false];
  hints = new Map<number, number>([[GL.GENERATE_MIPMAP_HINT, GL.DONT_CARE], [EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES, GL.DONT_CARE]]);
  pack = { alignment: 4 };
  unpack = { alignment: 4, flipY: false, premultiply: false, colorspace: GL.BROWSER_DEFAULT_WEBGL as number };

  // bindings
  activeUnit = 0;
  tex2d: Array<AkTexture | null> = new Array(CAPS.maxCombinedTextureUnits).fill(null);
  /** TEXTURE_1D bindings (compatibility contexts): height-1 2D textures underneath, as Mesa does without 1D hardware */
  tex1d: Array<AkTexture | null> = new Array(CAPS.maxCombinedTextureUnits).fill(null);
  texCube: Array<AkTexture | null> = new Array(CAPS.maxCombinedTextureUnits).fill(null);
  arrayBuffer: AkBuffer | null = null;
  defaultVao: AkVertexArray;
  vao: AkVertexArray;
  currentAttrib: Float32Array[] = Array.from({ length: CAPS.maxVertexAttribs }, () => new Float32Array([0, 0, 0, 1]));
  /** the type each current value was last given as (WebGL 2: vertexAttribI4i -> 'i', vertexAttribI4ui -> 'u'); its bits are in currentAttrib */
  currentAttribKind: Array<'f' | 'i' | 'u'> = new Array(CAPS.maxVertexAttribs).fill('f');
  program: AkProgram | null = null;
  /**
   * The executable draws use when the current program's last relink failed: ES 2.0 § 2.10.3 keeps
   * the previous executable in use until useProgram replaces it (null: the program's own).
   */
  programExecutable: AkProgram | null = null;
  framebuffer: AkFramebuffer | null = null;
  renderbuffer: AkRenderbuffer | null = null;
  /** EXT_disjoint_timer_query's active TIME_ELAPSED_EXT query */
  activeQuery: AkQuery | null = null;

  // WebGL 2 (ES 3.0) state; a WebGL 1 context leaves it at its initial values
  /** the generic bindings of the WebGL 2 buffer targets (ARRAY_BUFFER is arrayBuffer; ELEMENT_ARRAY_BUFFER the VAO's) */
  buffers2 = new Map<number, AkBuffer | null>();
  /** UNIFORM_BUFFER's indexed bindings (ES 3.0 § 2.12.4: bindBufferBase/Range) */
  uniformBuffers = Array.from({ length: CAPS.maxUniformBufferBindings }, () => ({ buffer: null as AkBuffer | null, offset: 0, size: 0 }));
  defaultTransformFeedback = new AkTransformFeedback(this.gen, CAPS.maxTransformFeedbackSeparateAttribs);
  transformFeedback = this.defaultTransformFeedback;
  /** the sampler object bound to each texture unit (ES 3.0 § 3.8.2) */
  samplers: Array<AkSampler | null> = new Array(CAPS.maxCombinedTextureUnits).fill(null);
  tex3d: Array<AkTexture | null> = new Array(CAPS.maxCombinedTextureUnits).fill(null);
  tex2dArray: Array<AkTexture | null> = new Array(CAPS.maxCombinedTextureUnits).fill(null);
  /** READ_FRAMEBUFFER's binding (FRAMEBUFFER binds both; `framebuffer` is the draw one) */
  readFramebuffer: AkFramebuffer | null = null;
  /** the default framebuffer's draw and read buffers (BACK or NONE); a framebuffer object keeps its own */
  defaultDrawBuffer: number = GL.BACK;
  defaultReadBuffer: number = GL.BACK;
  /** the active query of each ES 3.0 query target (ANY_SAMPLES_PASSED[_CONSERVATIVE], TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN) */
  activeQueries = new Map<number, AkQuery>();
  /** draws handed to the driver so far (ANY_SAMPLES_PASSED_CONSERVATIVE queries count them) */
  drawsSubmitted = 0;
  /** gl_DrawID of the draw being emitted: its index within a WEBGL_multi_draw call, 0 for any other draw */
  drawId = 0;
  /** fence syncs not yet known to be signalled */
  syncs = new Set<AkSync>();
  /** ES 3.0 pixel store parameters (§ 3.7.1, § 4.3.1) */
  pack2 = { rowLength: 0, skipRows: 0, skipPixels: 0 };
  unpack2 = { rowLength: 0, imageHeight: 0, skipRows: 0, skipPixels: 0, skipImages: 0 };

  // extensions (extensions.ts)
  enabledExt = new Set<string>();
  extObjects = new Map<string, object>();

  /**
   * Always present, since an ES shader may read gl_DepthRange; the other state keeps its initial
   * value (identity matrices...) unless the context is a compatibility one.
   */
  compat: GLCompatibility;
  readonly compatProfile: boolean;
  ffShaders: { vs?: CompiledShader; fs?: CompiledShader } = {};

  // presentation (context.ts: akariSwapBuffers)
  swapChain: Bo[] = [];
  swapSeqs: number[] = [];
  swapFds = new Map<Bo, number>();

  /**
   * The state of a context on `process` with a `width`×`height` drawing buffer (sides already
   * clamped), all at the initial values GL specifies, and a cleared drawing buffer.
   */
  constructor(width: number, height: number, readonly options: WebGLContextOptions, readonly process: GpuProcess, public lifecycle: ContextLifecycle) {
    this.version = options.version === 2 ? 2 : 1;
    // ES 3.0 adds RASTERIZER_DISCARD to glEnable's capabilities (PRIMITIVE_RESTART_FIXED_INDEX is always on in WebGL 2, not a capability)
    if (this.version === 2) this.caps.set(GL2.RASTERIZER_DISCARD, false);
    this.width = width;
    this.height = height;
    this.attrs = {
      // antialias (WebGL's default): a 4x multisampled drawing buffer, resolved on-chip into the image readPixels and presentation read
      alpha: options.alpha ?? true, depth: options.depth ?? true, stencil: options.stencil ?? false, antialias: options.antialias ?? true,
      premultipliedAlpha: options.premultipliedAlpha ?? true, preserveDrawingBuffer: options.preserveDrawingBuffer ?? false,
      powerPreference: options.powerPreference ?? 'default', failIfMajorPerformanceCaveat: options.failIfMajorPerformanceCaveat ?? false,
      desynchronized: false,
    };
    this.compat = this.makeCompat();
    this.compatProfile = !!options.compatibility;
    this.gpu = new GpuContext(process);
    this.gpu.timeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    try {
      this.defaultSurface = this.allocDrawingBuffer(width, height);
      this.pipe = new AkariPipe(this.gpu);
    } catch (e) {
      this.gpu.destroy();
      throw e;
    }
    this.viewport = [0, 0, width, height];
    this.scissor = [0, 0, width, height];
    this.defaultVao = new AkVertexArray(this.gen, CAPS.maxVertexAttribs);
    this.vao = this.defaultVao;
    // Initialise the drawing buffer: colour (0,0,0,0), depth 1, stencil 0.
    this.gpu.clearPass(this.defaultKey, this.defaultSurface, [0, 0, 0, 0], this.defaultSurface.zs ? 1 : null, this.defaultSurface.zs ? 0 : null);
  }

  /** The compatibility state, its callbacks reaching this context. */
  makeCompat(): GLCompatibility {
    return new GLCompatibility({
      activeTexture: () => this.activeUnit, error: (e) => this.err(e), depthRange: () => [this.depthRange[0]!, this.depthRange[1]!],
      texImage1D: (...a) => this.texImage1D?.(...a),
    });
  }
  /** glTexImage1D for the compatibility state (installed by textures.ts). */
  texImage1D?: (target: number, level: number, internalformat: number, width: number, border: number, format: number, type: number, data: ArrayBufferView | null) => void;

  /**
   * The drawing buffer's colour and depth/stencil objects. When GPU memory cannot hold them,
   * a RangeError that says how much was asked, how much the device has, and which option raises it.
   */
  allocDrawingBuffer(W: number, H: number): Surface {
    const zsFormat = this.attrs.depth || this.attrs.stencil ? 'd24s8' : null;
    // antialias: the passes render 4 samples per pixel (colour and depth/stencil), resolved into `color` at each tile's end
    const n = this.attrs.antialias ? 4 : 1;
    const bytes = W * H * 4 * (1 + (n > 1 ? n : 0) + (zsFormat ? n : 0));
    const got: Bo[] = [];
    const alloc = (size: number): Bo => { const b = this.gpu.allocBo(size, 'rw'); got.push(b); return b; };
    try {
      const color = alloc(W * H * 4);
      const ms = n > 1 ? alloc(W * H * 4 * n) : null;
      const zs = zsFormat ? alloc(W * H * 4 * n) : null;
      return {
        width: W, height: H,
        color: { bo: color, offset: 0, stride: W * 4, format: 'rgba8_unorm' },
        zs: zs ? { bo: zs, offset: 0, stride: W * 4, format: zsFormat! } : null,
        ...(ms ? { samples: n, msColor: { bo: ms, offset: 0, stride: W * 4, format: 'rgba8_unorm' as const } } : {}),
      };
    } catch (e) {
      for (const b of got) this.gpu.releaseBo(b);
      if (!isOom(e)) throw e;
      const mib = (n: number) => `${Math.round(n / 1048576)} MiB`;
      const have = this.gpu.memSize;
      throw new RangeError(`akari: a ${W}×${H} drawing buffer needs ${mib(bytes)} of GPU memory (RGBA8 colour${n > 1 ? ' + its 4x multisampled colour' : ''}${zsFormat ? ` + ${n > 1 ? '4x multisampled ' : ''}24/8 depth/stencil` : ''}), ` +
        `more than the device's ${mib(have)} of memory holds beside what is already allocated; raise the device's memory with the option ` +
        `{ machine: { memoryBytes } } (e.g. ${2 ** Math.ceil(Math.log2((bytes + (64 << 20)) / 1048576))} << 20), or ask for { depth: false }${n > 1 ? ' or { antialias: false }' : ''}`, { cause: e });
    }
  }

  /** Gives a drawing buffer's objects back (resize, destruction). */
  releaseDrawingBuffer(s: Surface): void {
    this.gpu.releaseBo(s.color!.bo);
    if (s.msColor) this.gpu.releaseBo(s.msColor.bo);
    if (s.zs) this.gpu.releaseBo(s.zs.bo);
  }

  /** Records a GL error for getError (none while the context is lost). */
  err(code: number): void { if (!this.lost) this.errors.add(code); }

  /** An object argument that may be null: another context's or a wrong kind -> INVALID_OPERATION (undefined). */
  own<T extends GLObject>(o: unknown, cls: abstract new (...a: never[]) => T): T | null | undefined {
    if (o === null || o === undefined) return null;
    if (!(o instanceof cls) || o.owner !== this.gen) { this.err(GL.INVALID_OPERATION); return undefined; }
    return o;
  }
  /** Validates an object argument: wrong context -> INVALID_OPERATION; deleted -> INVALID_VALUE. */
  live<T extends GLObject>(o: unknown, cls: abstract new (...a: never[]) => T): T | undefined {
    if (!(o instanceof cls) || o.owner !== this.gen) { this.err(GL.INVALID_OPERATION); return undefined; }
    if (o.deleted) { this.err(GL.INVALID_VALUE); return undefined; }
    return o;
  }
  /** The extension has been enabled by getExtension (WebGL 1.0 § 5.14.14: only then do its enums work). */
  hasExt(name: string): boolean { return this.enabledExt.has(name); }
  /** The render-pass key of the current draw framebuffer. */
  passKey(): object { return this.framebuffer ?? this.defaultKey; }
}
