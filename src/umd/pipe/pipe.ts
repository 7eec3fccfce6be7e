/**
 * The driver interface beneath the GL state trackers, as Gallium's
 * `pipe_context` is beneath Mesa's: the state tracker (src/webgl) validates
 * every GL call and hands the driver *validated state in the driver's own
 * words* — compare functions, blend factors, wrap modes by their hardware
 * names (hwdesc's enum lists), sampler views of complete textures, vertex
 * elements of bound buffers — and the driver turns it into descriptors and
 * command streams (src/umd/pipe/akari.ts). No GL enum crosses this line, so
 * WebGL 1, WebGL 2 and the OpenGL compatibility state share one driver, and
 * the driver trusts what it is given: it does not validate again.
 *
 * Resources are the winsys's buffer objects (gpu.ts: BO pool, streaming
 * upload, render passes, synchronisation).
 */
import type { Bo } from '../device.js';
import type { StageBinary } from '../compiler/program.js';
import type {
  ATTRIB_TYPE, BLEND_EQ, BLEND_FACTOR, COMPARE, CULL, DEPTH_MODE, FILTER, MIP_FILTER, PRIMITIVE, STENCIL_OP, TEX_DIM, TEX_FORMAT, WRAP,
} from '../../hwdesc/descriptors.js';
import type { CounterSlot, Surface } from './gpu.js';

export type CompareFunc = (typeof COMPARE)[number];
export type StencilOp = (typeof STENCIL_OP)[number];
export type BlendEquation = (typeof BLEND_EQ)[number];
export type BlendFactor = (typeof BLEND_FACTOR)[number];
export type CullMode = (typeof CULL)[number];
export type WrapMode = (typeof WRAP)[number];
export type Filter = (typeof FILTER)[number];
export type MipFilter = (typeof MIP_FILTER)[number];
export type TextureDim = (typeof TEX_DIM)[number];
export type TextureFormat = (typeof TEX_FORMAT)[number];
export type DepthMode = (typeof DEPTH_MODE)[number];
export type VertexType = (typeof ATTRIB_TYPE)[number];
export type Primitive = (typeof PRIMITIVE)[number];

/** A render target as the driver sees it: its surfaces and the pass it belongs to. */
export interface PipeFramebuffer {
  /** identifies the render pass (one per framebuffer object, one for the drawing buffer) */
  readonly key: object;
  readonly surface: Surface;
  /** the API sees a depth / a stencil buffer (the surface may hold one the API does not expose) */
  readonly hasDepth: boolean;
  readonly hasStencil: boolean;
}

export interface StencilFace {
  func: CompareFunc;
  /** already clamped to the 8 stencil bits */
  ref: number;
  valueMask: number;
  writeMask: number;
  fail: StencilOp;
  zfail: StencilOp;
  zpass: StencilOp;
}

/** The rasterizer, depth/stencil/alpha and blend state of one draw (pipe_rasterizer/dsa/blend_state). */
export interface RenderState {
  cull: CullMode;
  frontCcw: boolean;
  depthTest: boolean;
  depthWrite: boolean;
  depthFunc: CompareFunc;
  depthRange: readonly [near: number, far: number];
  stencilTest: boolean;
  stencil: readonly [front: StencilFace, back: StencilFace];
  blend: boolean;
  blendEquation: readonly [rgb: BlendEquation, alpha: BlendEquation];
  blendFactors: readonly [srcRgb: BlendFactor, dstRgb: BlendFactor, srcAlpha: BlendFactor, dstAlpha: BlendFactor];
  blendColor: readonly number[];
  /** bit 0 red .. bit 3 alpha */
  colorMask: number;
  scissorTest: boolean;
  /** the scissor box clamped to the surface: [minx, miny, maxx, maxy) */
  scissor: readonly [number, number, number, number];
  viewport: readonly [x: number, y: number, w: number, h: number];
  polygonOffset: boolean;
  polygonOffsetFactor: number;
  polygonOffsetUnits: number;
  lineWidth: number;
  /** bit i: clip where user clip distance i < 0 */
  clipEnable: number;
  /** colour varyings take the provoking vertex's value */
  flatColors: boolean;
  /**
   * Render targets the draw writes (GL draw buffers: bit i set when draw buffer i is
   * COLOR_ATTACHMENTi, clear when NONE); fragment output i goes to target i. Absent: all.
   * Blending and the colour mask apply to every target alike (ES 3.0).
   */
  drawBuffers?: number;
  /** ES 3.0 RASTERIZER_DISCARD: primitives are assembled (and captured) but produce no fragments */
  rasterizerDiscard?: boolean;
  /**
   * ES 3.0 § 4.1.3, on a multisampled framebuffer only: the samples SAMPLE_COVERAGE keeps (bit j: sample j;
   * absent: all) and SAMPLE_ALPHA_TO_COVERAGE
   */
  sampleMask?: number;
  alphaToCoverage?: boolean;
}

/** A complete texture as a shader samples it (pipe_sampler_view + pipe_sampler_state). */
export interface SamplerView {
  bo: Bo;
  dim: TextureDim;
  format: TextureFormat;
  width: number;
  height: number;
  levels: number;
  faceStride: number;
  wrapS: WrapMode;
  wrapT: WrapMode;
  minFilter: Filter;
  magFilter: Filter;
  mipFilter: MipFilter;
  compare: boolean;
  compareFunc: CompareFunc;
  depthMode: DepthMode;
  /** anisotropic filtering's most probes, 1..CAPS.maxAnisotropy (1: off) */
  maxAnisotropy: number;
  /** 3d: slices of the first level; 2d_array: layers (absent: 1) */
  depth?: number;
  /** 3d: the wrap mode in r (absent: repeat) */
  wrapR?: WrapMode;
  /** bytes from the BO's start to the first level the view samples (ES 3.0 TEXTURE_BASE_LEVEL), in each face; 0 when absent */
  offset?: number;
  /** ES 3.0 TEXTURE_MIN_LOD / MAX_LOD: the level of detail's clamp; absent: none */
  lodRange?: readonly [number, number];
}

/** One vertex input slot: an array in a buffer, or a constant value (pipe_vertex_element + buffer). */
export type VertexElement =
  /** `packed`: 2_10_10_10_REV elements (type u32 or s32, four components in one word) */
  | { kind: 'array'; bo: Bo; offset: number; stride: number; components: number; type: VertexType; normalized: boolean; divisor: number; bytes: number; integer?: boolean; packed?: boolean }
  /** `integer`: the value's four words are signed ('i') or unsigned ('u') integers, fetched as such */
  | { kind: 'constant'; value: Float32Array; integer?: 'i' | 'u' };

/** A linked stage as the driver runs it: code, uniform words (driver state already written), samplers per slot. */
export interface ShaderState {
  binary: StageBinary;
  code: Bo;
  uniforms: Uint32Array;
  /** per texture slot: the view, or null for an incomplete texture (samples black) of that dimensionality */
  samplers: ReadonlyArray<{ view: SamplerView | null; dim: TextureDim }>;
  /** uniform blocks: `words` words of `bo` from byte `offset` preloaded into uniform words `uniform`.. (binary.uniformBlocks, resolved to buffers) */
  uniformRanges?: ReadonlyArray<{ bo: Bo; offset: number; uniform: number; words: number }>;
}

export interface DrawInfo {
  primitive: Primitive;
  first: number;
  count: number;
  instances: number;
  /** indexed draws: the index buffer and its element size; `restart`: the all-ones index restarts the primitive */
  index?: { bo: Bo; size: 1 | 2 | 4; restart?: boolean };
  /** transform feedback capture of the draw's vertex outputs (hwdesc XFB) */
  xfb?: TransformFeedbackTarget;
  /** the u64 the samples passing the depth and stencil tests are added to (occlusion queries) */
  occlusion?: CounterSlot;
}

/**
 * Where a draw's transform feedback goes: the state record saying where writing resumes
 * (zeroed at BeginTransformFeedback), each buffer's range (`bo` from `offset`, `size` bytes) and
 * the bytes per vertex written to it, the outputs (vertex output `source` and on, `components`
 * words, at byte `offset` of the vertex's record in `buffer`), and the u64 the primitives written
 * are added to (TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN).
 */
export interface TransformFeedbackTarget {
  state: CounterSlot;
  buffers: ReadonlyArray<{ bo: Bo; offset: number; size: number; stride: number }>;
  outputs: ReadonlyArray<{ source: number; components: number; buffer: number; offset: number }>;
  query?: CounterSlot;
}

/** A clear of the buffers named (pipe->clear with the scissor and masks of util_blitter). */
export interface ClearRequest {
  /** RGBA to clear to, or null */
  color: readonly number[] | null;
  /** color holds 32-bit words, written as they are (an integer target's clearBufferiv/uiv) */
  colorWords?: boolean;
  /** colour channels written (bit 0 red .. bit 3 alpha) */
  colorMask: number;
  /** channels the render target has: a clear writing all of them is a whole-buffer clear */
  colorChannels: number;
  depth: number | null;
  stencil: number | null;
  stencilWriteMask: number;
  scissorTest: boolean;
  scissor: readonly [number, number, number, number];
  /** render targets the colour clear writes (bit i: draw buffer i is not NONE); absent: all */
  drawBuffers?: number;
}

export interface PipeContext {
  draw(fb: PipeFramebuffer, state: RenderState, elements: readonly VertexElement[], vs: ShaderState, fs: ShaderState, info: DrawInfo): void;
  clear(fb: PipeFramebuffer, req: ClearRequest): void;
}
