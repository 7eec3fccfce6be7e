/** WebGL object classes (buffers, shaders, programs, textures, framebuffers, renderbuffers, VAOs). */
import type { Bo } from '../umd/device.js';
import type { CounterSlot } from '../umd/pipe/gpu.js';
import type { CompiledShader, LinkedProgram, ActiveUniform } from '../umd/compiler/program.js';
import type { TexFormatInfo } from './formats.js';
import { COLOR_FORMAT, ZS_FORMAT } from '../hwdesc/descriptors.js';

/**
 * What a page holds: a bare object of the WebGL interface (WebGLBuffer, WebGLTexture...), with nothing
 * of the driver's on it, so that a page's own properties on it (`buffer.size = 2`, WebGL's "expandos")
 * never touch driver state. The state object behind a handle is reached only through this module's
 * WeakMap: the bindings (bindings.ts) turn each handle argument into its state object after checking
 * its interface, and each returned state object into its handle, which stays the same object for the
 * state object's whole life (getParameter(ARRAY_BUFFER_BINDING) === the buffer the page bound).
 */
export class WebGLObjectHandle {}
const STATE = new WeakMap<object, object>();

/** A handle class named as the interface the page sees (`buffer.constructor.name === 'WebGLBuffer'`). */
function handleClass(name: string, base: new () => object = WebGLObjectHandle): new () => object {
  return ({ [name]: class extends base {} } as Record<string, new () => object>)[name]!;
}
export const HANDLE_CLASSES = {
  WebGLBuffer: handleClass('WebGLBuffer'), WebGLFramebuffer: handleClass('WebGLFramebuffer'), WebGLProgram: handleClass('WebGLProgram'),
  WebGLRenderbuffer: handleClass('WebGLRenderbuffer'), WebGLShader: handleClass('WebGLShader'), WebGLTexture: handleClass('WebGLTexture'),
  WebGLVertexArrayObject: handleClass('WebGLVertexArrayObject'), WebGLQuery: handleClass('WebGLQuery'), WebGLSampler: handleClass('WebGLSampler'),
  WebGLSync: handleClass('WebGLSync'), WebGLTransformFeedback: handleClass('WebGLTransformFeedback'),
  // not a WebGLObject in the IDL
  WebGLUniformLocation: handleClass('WebGLUniformLocation', Object),
};
Object.defineProperty(WebGLObjectHandle, 'name', { value: 'WebGLObject' });

/** The handle class of each state class (a class registers its own; queries.ts registers AkQuery). */
const HANDLE_OF_CLASS = new Map<Function, new () => object>();
export function registerHandleClass(stateClass: Function, handle: new () => object): void { HANDLE_OF_CLASS.set(stateClass, handle); }
function newHandle(state: object, cls: Function): object {
  let c: Function | null = cls;
  while (c && !HANDLE_OF_CLASS.has(c)) c = Object.getPrototypeOf(c) as Function | null;
  const h = new (c ? HANDLE_OF_CLASS.get(c)! : WebGLObjectHandle)();
  STATE.set(h, state);
  return h;
}

/** The state object behind a page's handle if it is one of `stateClass`'s, else undefined (a foreign or forged object). */
export function stateOf<T>(handle: unknown, stateClass: abstract new (...a: never[]) => T): T | undefined {
  const s = typeof handle === 'object' && handle !== null ? STATE.get(handle) : undefined;
  return s instanceof stateClass ? s : undefined;
}

/** A value on its way to the page: a state object becomes its handle (arrays of them too); anything else is itself. */
export function toPage(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof GLObject || v instanceof AkUniformLocation) return v.handle;
  if (Array.isArray(v) && v.some((x) => x instanceof GLObject)) return v.map(toPage);
  return v;
}

let nextId = 1;
export class GLObject {
  readonly id = nextId++;
  deleted = false;
  /** what the page holds for this object */
  readonly handle: object;
  constructor(readonly owner: object) { this.handle = newHandle(this, new.target); }
}

export class AkBuffer extends GLObject {
  /** the first target it was bound to (0: never bound) */
  target = 0;
  /** WebGL 2.0 § 5.1: element array data or other data, decided by its first binding */
  elementData: boolean | undefined = undefined;
  usage = 0x88e4;
  size = 0;
  data: Uint8Array = new Uint8Array(0);
  bo: Bo | null = null;
  gpuDirty = false;
  /** transform feedback wrote the GPU copy: `data` is stale until read back (buffers.ts cpuData) */
  gpuWritten = false;
  /** transform feedback has captured into it: its GPU copy is mapped writable */
  gpuWritable = false;
}

export class AkShader extends GLObject {
  source = '';
  compiled: CompiledShader | null = null;
  /** programs it is attached to: a shader deleted while attached is only flagged (DELETE_STATUS) until the last detaches */
  attachedTo = 0;
  /** glDeleteShader was called (DELETE_STATUS); `deleted` once no program holds it */
  deletePending = false;
  constructor(owner: object, readonly type: number) { super(owner); }
}

export interface StageRuntime { codeBo: Bo; uniforms: Uint32Array }

export class AkProgram extends GLObject {
  vs: AkShader | null = null;
  fs: AkShader | null = null;
  /** further shaders of a stage (OpenGL compatibility contexts only; WebGL allows one each) */
  more: AkShader[] = [];
  /** glDeleteProgram was called (DELETE_STATUS); `deleted` once it is no longer current */
  deletePending = false;
  attribBindings = new Map<string, number>();
  linked: LinkedProgram | null = null;
  linkStatus = false;
  validateStatus = false;
  infoLog = '';
  vertex: StageRuntime | null = null;
  fragment: StageRuntime | null = null;
  /** sampler uniform values (texture unit) per uniform index and element */
  samplerUnits = new Map<string, number>();
  /** CPU copy of every uniform's value, for getUniform */
  values = new Map<string, number[]>();
  useCount = 0;
  /** transformFeedbackVaryings' request (ES 3.0 § 2.11.8), applied at link */
  tfVaryings: string[] = [];
  tfMode = 0x8c8c; // INTERLEAVED_ATTRIBS
  /** the varyings the last successful link captures, and their buffer mode */
  tfLinked: AkActiveInfo[] = [];
  tfLinkedMode = 0x8c8c;
  /** uniformBlockBinding's bindings, by block index */
  blockBindings: number[] = [];
  /** active transform feedback objects capturing from it (ES 3.0 § 2.15.2: it may not be relinked) */
  tfUses = 0;
  /**
   * The linked GLSL ES 3.00 fragment outputs' basic types, as masks of the locations each kind
   * covers (WebGL 2.0: a draw into a colour buffer of another kind is INVALID_OPERATION); all 0 for
   * GLSL ES 1.00 programs, whose gl_FragColor/gl_FragData are not checked.
   */
  fragOutputKinds = { float: 0, int: 0, uint: 0 };
}

export class AkUniformLocation {
  readonly handle: object;
  constructor(readonly program: AkProgram, readonly generation: AkProgram['linked'], readonly uniform: ActiveUniform, readonly index: number) { this.handle = newHandle(this, AkUniformLocation); }
}

export interface LevelInfo {
  width: number; height: number; format: number; type: number; info: TexFormatInfo;
  /** WebGL 2: the ES 3.0 internal format the level was specified with (a sized enum, or the unsized format) */
  internalformat?: number;
  /** 3D textures: the level's slices; 2D arrays: the layers (absent: 1) */
  depth?: number;
  /** specified with a compressed internal format (compressed.ts): its texels were decoded on upload */
  compressed?: true;
}

/** A texture storage's mip chain: level 0's size (implied by a later level's when level 0 is unspecified), the format, the first level stored. */
export interface StorageChain { w: number; h: number; d: number; hw: string; first: number }

export class AkTexture extends GLObject {
  target = 0;
  /** faces x levels */
  levels: Array<Array<LevelInfo | null>> = [];
  bo: Bo | null = null;
  boLayout = '';
  /** the mip chain the storage holds (textures.ts ensureTexStorage): level 0's size and format, and the first level held */
  chain: StorageChain | null = null;
  faceStride = 0;
  /** each level's byte offset in a face (undefined below the chain's first level) */
  levelOffsets: number[] = [];
  minFilter = 0x2702; // NEAREST_MIPMAP_LINEAR
  magFilter = 0x2601; // LINEAR
  wrapS = 0x2901;
  wrapT = 0x2901;
  /** GL 2.1 ARB_shadow / ARB_depth_texture state (compatibility contexts): TEXTURE_COMPARE_MODE, _FUNC, DEPTH_TEXTURE_MODE */
  compareMode = 0; // NONE
  compareFunc = 0x0203; // LEQUAL
  depthMode = 0x1909; // LUMINANCE
  /** EXT_texture_filter_anisotropic: TEXTURE_MAX_ANISOTROPY_EXT as set (a float >= 1) */
  maxAnisotropy = 1;
  /** framebuffers this texture is attached to */
  attachedTo = new Set<AkFramebuffer>();
  /** WebGL 2's further parameters (ES 3.0 Table 6.10) */
  params2 = { wrapR: 0x2901, minLod: -1000, maxLod: 1000, baseLevel: 0, maxLevel: 1000 };
  /** texStorage2D/3D's level count (0: mutable) */
  immutableLevels = 0;
}

export class AkRenderbuffer extends GLObject {
  width = 0;
  height = 0;
  internalFormat = 0x8056; // RGBA4
  bo: Bo | null = null;
  color: (typeof COLOR_FORMAT)[number] | null = null;
  zs: (typeof ZS_FORMAT)[number] | null = null;
  stride = 0;
  /** RENDERBUFFER_SAMPLES: 0, or 4 for multisampled storage (4 sample images of stride x height bytes) */
  samples = 0;
  bound = false;
  attachedTo = new Set<AkFramebuffer>();
}

/** A framebuffer attachment: a renderbuffer, or a texture's image — a face's level, and of a 3D / 2D array texture one slice or layer of it (framebufferTextureLayer). */
export interface Attachment { tex?: AkTexture; face?: number; level?: number; layer?: number; rb?: AkRenderbuffer }

/** A framebuffer's colour attachment points: COLOR_ATTACHMENT0 is `color`, COLOR_ATTACHMENTi is `color<i>`. */
export const COLOR_POINTS = ['color', 'color1', 'color2', 'color3', 'color4', 'color5', 'color6', 'color7'] as const;
export type ColorPoint = (typeof COLOR_POINTS)[number];

export class AkFramebuffer extends GLObject {
  bound = false;
  /** WebGL 2 (ES 3.0 § 4.2.1, § 4.3.1): its draw buffers and read buffer */
  drawBuffers: number[] = [0x8ce0]; // COLOR_ATTACHMENT0
  readBuffer = 0x8ce0;
  color: Attachment | null = null;
  color1: Attachment | null = null;
  color2: Attachment | null = null;
  color3: Attachment | null = null;
  color4: Attachment | null = null;
  color5: Attachment | null = null;
  color6: Attachment | null = null;
  color7: Attachment | null = null;
  depth: Attachment | null = null;
  stencil: Attachment | null = null;
  depthStencil: Attachment | null = null;
}

export interface VertexAttrib {
  enabled: boolean;
  size: number;
  type: number;
  normalized: boolean;
  stride: number;
  offset: number;
  buffer: AkBuffer | null;
  divisor: number;
  /** set by vertexAttribIPointer (WebGL 2): the values stay integers */
  integer: boolean;
}

export class AkVertexArray extends GLObject {
  attribs: VertexAttrib[];
  elementBuffer: AkBuffer | null = null;
  bound = false;
  constructor(owner: object, n: number) {
    super(owner);
    this.attribs = Array.from({ length: n }, () => ({ enabled: false, size: 4, type: 0x1406, normalized: false, stride: 0, offset: 0, buffer: null, divisor: 0, integer: false }));
  }
}

/** A sampler object (WebGL 2.0 § 3.7.10, ES 3.0 § 3.8.2): filtering, wrapping, LOD and comparison state a texture unit uses instead of its texture's. */
export class AkSampler extends GLObject {
  minFilter = 0x2702; // NEAREST_MIPMAP_LINEAR
  magFilter = 0x2601; // LINEAR
  wrapS = 0x2901; // REPEAT
  wrapT = 0x2901;
  wrapR = 0x2901;
  minLod = -1000;
  maxLod = 1000;
  compareMode = 0; // NONE
  compareFunc = 0x0203; // LEQUAL
  /** EXT_texture_filter_anisotropic: TEXTURE_MAX_ANISOTROPY_EXT (a float >= 1) */
  maxAnisotropy = 1;
}

/** A fence sync object (ES 3.0 § 5.2): signalled when the GPU has completed every command submitted before it. */
export class AkSync extends GLObject {
  /** the submission (GpuContext's sequence number) whose completion signals it */
  seq = 0;
  signaled = false;
  /** the event loop has turned since fenceSync (WebGL 2.0 § 5.26: not signalled before that) */
  taskPassed = false;
}

/** A transform feedback object (ES 3.0 § 2.15.1): its indexed TRANSFORM_FEEDBACK_BUFFER bindings and whether it is active or paused. */
export class AkTransformFeedback extends GLObject {
  bound = false;
  active = false;
  paused = false;
  /** while active: BeginTransformFeedback's primitive mode, the program it captures from, the vertices recorded so far */
  primitiveMode = 0;
  program: AkProgram | null = null;
  vertices = 0;
  /** while active: the hardware's XFB_STATE (where writing resumes in each buffer) */
  state: CounterSlot | null = null;
  buffers: Array<{ buffer: AkBuffer | null; offset: number; size: number }>;
  constructor(owner: object, n: number) {
    super(owner);
    this.buffers = Array.from({ length: n }, () => ({ buffer: null, offset: 0, size: 0 }));
  }
}

export class AkActiveInfo { constructor(readonly name: string, readonly size: number, readonly type: number) {} }
export class AkPrecisionFormat { constructor(readonly rangeMin: number, readonly rangeMax: number, readonly precision: number) {} }

registerHandleClass(AkBuffer, HANDLE_CLASSES.WebGLBuffer);
registerHandleClass(AkShader, HANDLE_CLASSES.WebGLShader);
registerHandleClass(AkProgram, HANDLE_CLASSES.WebGLProgram);
registerHandleClass(AkUniformLocation, HANDLE_CLASSES.WebGLUniformLocation);
registerHandleClass(AkTexture, HANDLE_CLASSES.WebGLTexture);
registerHandleClass(AkRenderbuffer, HANDLE_CLASSES.WebGLRenderbuffer);
registerHandleClass(AkFramebuffer, HANDLE_CLASSES.WebGLFramebuffer);
registerHandleClass(AkVertexArray, HANDLE_CLASSES.WebGLVertexArrayObject);
registerHandleClass(AkSampler, HANDLE_CLASSES.WebGLSampler);
registerHandleClass(AkSync, HANDLE_CLASSES.WebGLSync);
registerHandleClass(AkTransformFeedback, HANDLE_CLASSES.WebGLTransformFeedback);
