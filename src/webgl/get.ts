/**
 * glGetParameter driven by one table, as Mesa's get_hash_params.py drives
 * get.c: each row names a parameter, where its value lives (a reader of the
 * GLContext), its type (which fixes what getParameter returns: a number, a
 * boolean, a string, an object, or a fresh typed array of the right kind)
 * and what exposes it — the WebGL versions, and the extension that must be
 * enabled. Any name not in the table, or not exposed, is INVALID_ENUM. A
 * WebGL 2 context adds rows marked for it.
 */
import { GL, EXT, GL2 } from './constants.js';
import type { GLContext } from './glcontext.js';
import { CAPS } from '../umd/pipe/caps.js';
import { currentSurface, getDrawBuffer, surfaceBits } from './framebuffers.js';
import { implementationColorRead } from './readpix.js';
import type { WebGLVersion } from './extensions.js';
import { compressedTextureFormats } from './compressed.js';

/** What getParameter returns for a row (WebGL 1.0 § 5.14.3's table). */
export type ParamType =
  | 'int' | 'enum' | 'float' | 'bool' | 'string' | 'object'
  | 'float2' | 'float4' | 'int2' | 'int4' | 'bool4' | 'uint[]' | 'int64';

export interface ParamDesc {
  readonly name: string;
  readonly pname: number;
  readonly type: ParamType;
  readonly get: (ctx: GLContext) => unknown;
  /** the WebGL versions that have it (default: all) */
  readonly apis?: readonly WebGLVersion[];
  /** the extension that must be enabled */
  readonly ext?: string;
  /** an implementation limit (README's limits table lists these) */
  readonly limit?: boolean;
}

const P = (name: keyof typeof GL | keyof typeof EXT | keyof typeof GL2, type: ParamType, get: (ctx: GLContext) => unknown, more: Partial<ParamDesc> = {}): ParamDesc =>
  ({ name, pname: (GL as Record<string, number>)[name] ?? (EXT as Record<string, number>)[name] ?? (GL2 as Record<string, number>)[name]!, type, get, ...more });
const L = (name: keyof typeof GL, type: ParamType, value: unknown): ParamDesc => P(name, type, () => value, { limit: true });
/** a WebGL 2 row, and a WebGL 2 limit */
const P2 = (name: keyof typeof GL2 | keyof typeof EXT, type: ParamType, get: (ctx: GLContext) => unknown): ParamDesc => P(name, type, get, { apis: [2] });
const L2 = (name: keyof typeof GL2, type: ParamType, value: unknown): ParamDesc => P(name, type, () => value, { apis: [2], limit: true });
/** the draw framebuffer's draw buffers (BACK/NONE for the default one) */
const drawBuffer = (c: GLContext, i: number): number => (c.framebuffer ? c.framebuffer.drawBuffers[i] ?? GL.NONE : i === 0 ? c.defaultDrawBuffer : GL.NONE);

export const PARAMS: readonly ParamDesc[] = [
  // bindings
  P('ACTIVE_TEXTURE', 'enum', (c) => GL.TEXTURE0 + c.activeUnit),
  P('ARRAY_BUFFER_BINDING', 'object', (c) => c.arrayBuffer),
  P('ELEMENT_ARRAY_BUFFER_BINDING', 'object', (c) => c.vao.elementBuffer),
  P('CURRENT_PROGRAM', 'object', (c) => c.program),
  P('FRAMEBUFFER_BINDING', 'object', (c) => c.framebuffer),
  P('RENDERBUFFER_BINDING', 'object', (c) => c.renderbuffer),
  P('TEXTURE_BINDING_2D', 'object', (c) => c.tex2d[c.activeUnit]),
  P('TEXTURE_BINDING_CUBE_MAP', 'object', (c) => c.texCube[c.activeUnit]),
  P('VERTEX_ARRAY_BINDING_OES', 'object', (c) => (c.vao === c.defaultVao ? null : c.vao), { ext: 'OES_vertex_array_object' }),
  // WebGL 2 bindings (ES 3.0 Tables 6.2ff); DRAW_FRAMEBUFFER_BINDING is FRAMEBUFFER_BINDING's value
  P2('VERTEX_ARRAY_BINDING', 'object', (c) => (c.vao === c.defaultVao ? null : c.vao)),
  P2('COPY_READ_BUFFER_BINDING', 'object', (c) => c.buffers2.get(GL2.COPY_READ_BUFFER) ?? null),
  P2('COPY_WRITE_BUFFER_BINDING', 'object', (c) => c.buffers2.get(GL2.COPY_WRITE_BUFFER) ?? null),
  P2('PIXEL_PACK_BUFFER_BINDING', 'object', (c) => c.buffers2.get(GL2.PIXEL_PACK_BUFFER) ?? null),
  P2('PIXEL_UNPACK_BUFFER_BINDING', 'object', (c) => c.buffers2.get(GL2.PIXEL_UNPACK_BUFFER) ?? null),
  P2('UNIFORM_BUFFER_BINDING', 'object', (c) => c.buffers2.get(GL2.UNIFORM_BUFFER) ?? null),
  P2('TRANSFORM_FEEDBACK_BUFFER_BINDING', 'object', (c) => c.buffers2.get(GL2.TRANSFORM_FEEDBACK_BUFFER) ?? null),
  P2('TRANSFORM_FEEDBACK_BINDING', 'object', (c) => (c.transformFeedback === c.defaultTransformFeedback ? null : c.transformFeedback)),
  P2('TRANSFORM_FEEDBACK_ACTIVE', 'bool', (c) => c.transformFeedback.active),
  P2('TRANSFORM_FEEDBACK_PAUSED', 'bool', (c) => c.transformFeedback.paused),
  P2('SAMPLER_BINDING', 'object', (c) => c.samplers[c.activeUnit]),
  P2('TEXTURE_BINDING_3D', 'object', (c) => c.tex3d[c.activeUnit]),
  P2('TEXTURE_BINDING_2D_ARRAY', 'object', (c) => c.tex2dArray[c.activeUnit]),
  P2('READ_FRAMEBUFFER_BINDING', 'object', (c) => c.readFramebuffer),
  P2('READ_BUFFER', 'enum', (c) => (c.readFramebuffer ? c.readFramebuffer.readBuffer : c.defaultReadBuffer)),
  ...Array.from({ length: CAPS.maxDrawBuffers }, (_, i) => P2(`DRAW_BUFFER${i}` as keyof typeof GL2, 'enum', (c) => drawBuffer(c, i))),
  P2('RASTERIZER_DISCARD', 'bool', (c) => !!c.caps.get(GL2.RASTERIZER_DISCARD)),
  P2('FRAGMENT_SHADER_DERIVATIVE_HINT', 'enum', (c) => c.hints.get(EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES)),
  P2('PACK_ROW_LENGTH', 'int', (c) => c.pack2.rowLength),
  P2('PACK_SKIP_ROWS', 'int', (c) => c.pack2.skipRows),
  P2('PACK_SKIP_PIXELS', 'int', (c) => c.pack2.skipPixels),
  P2('UNPACK_ROW_LENGTH', 'int', (c) => c.unpack2.rowLength),
  P2('UNPACK_IMAGE_HEIGHT', 'int', (c) => c.unpack2.imageHeight),
  P2('UNPACK_SKIP_ROWS', 'int', (c) => c.unpack2.skipRows),
  P2('UNPACK_SKIP_PIXELS', 'int', (c) => c.unpack2.skipPixels),
  P2('UNPACK_SKIP_IMAGES', 'int', (c) => c.unpack2.skipImages),
  // the framebuffer's bits
  P('RED_BITS', 'int', (c) => surfaceBits(c).r),
  P('GREEN_BITS', 'int', (c) => surfaceBits(c).g),
  P('BLUE_BITS', 'int', (c) => surfaceBits(c).b),
  P('ALPHA_BITS', 'int', (c) => surfaceBits(c).a),
  P('DEPTH_BITS', 'int', (c) => surfaceBits(c).d),
  P('STENCIL_BITS', 'int', (c) => surfaceBits(c).s),
  // the draw framebuffer's samples: 4 for an antialiased drawing buffer or multisampled renderbuffers
  P('SAMPLE_BUFFERS', 'int', (c) => ((currentSurface(c)?.samples ?? 1) > 1 ? 1 : 0)),
  P('SAMPLES', 'int', (c) => { const n = currentSurface(c)?.samples ?? 1; return n > 1 ? n : 0; }),
  P('IMPLEMENTATION_COLOR_READ_FORMAT', 'enum', (c) => implementationColorRead(c)[0]),
  P('IMPLEMENTATION_COLOR_READ_TYPE', 'enum', (c) => implementationColorRead(c)[1]),
  // capabilities
  ...[GL.BLEND, GL.CULL_FACE, GL.DEPTH_TEST, GL.DITHER, GL.POLYGON_OFFSET_FILL, GL.SAMPLE_ALPHA_TO_COVERAGE, GL.SAMPLE_COVERAGE, GL.SCISSOR_TEST, GL.STENCIL_TEST]
    .map((cap) => P(Object.keys(GL).find((k) => (GL as Record<string, number>)[k] === cap) as keyof typeof GL, 'bool', (c) => c.caps.get(cap)!)),
  // blending
  P('BLEND_COLOR', 'float4', (c) => c.blendColor),
  P('BLEND_SRC_RGB', 'enum', (c) => c.blendFunc[0]),
  P('BLEND_DST_RGB', 'enum', (c) => c.blendFunc[1]),
  P('BLEND_SRC_ALPHA', 'enum', (c) => c.blendFunc[2]),
  P('BLEND_DST_ALPHA', 'enum', (c) => c.blendFunc[3]),
  P('BLEND_EQUATION_RGB', 'enum', (c) => c.blendEquation[0]),
  P('BLEND_EQUATION_ALPHA', 'enum', (c) => c.blendEquation[1]),
  // clears and masks
  P('COLOR_CLEAR_VALUE', 'float4', (c) => c.clearColor),
  P('COLOR_WRITEMASK', 'bool4', (c) => c.colorMask),
  P('DEPTH_CLEAR_VALUE', 'float', (c) => c.clearDepth),
  P('DEPTH_WRITEMASK', 'bool', (c) => c.depthMask),
  P('STENCIL_CLEAR_VALUE', 'int', (c) => c.clearStencil),
  // depth
  P('DEPTH_FUNC', 'enum', (c) => c.depthFunc),
  P('DEPTH_RANGE', 'float2', (c) => c.depthRange),
  // rasterisation
  P('CULL_FACE_MODE', 'enum', (c) => c.cullFace),
  P('FRONT_FACE', 'enum', (c) => c.frontFace),
  P('LINE_WIDTH', 'float', (c) => c.lineWidth),
  P('POLYGON_OFFSET_FACTOR', 'float', (c) => c.polygonOffset[0]),
  P('POLYGON_OFFSET_UNITS', 'float', (c) => c.polygonOffset[1]),
  P('SAMPLE_COVERAGE_VALUE', 'float', (c) => c.sampleCoverage[0]),
  P('SAMPLE_COVERAGE_INVERT', 'bool', (c) => c.sampleCoverage[1]),
  P('SCISSOR_BOX', 'int4', (c) => c.scissor),
  P('VIEWPORT', 'int4', (c) => c.viewport),
  // stencil
  P('STENCIL_FUNC', 'enum', (c) => c.stencilFunc[0]![0]),
  P('STENCIL_REF', 'int', (c) => c.stencilFunc[0]![1]),
  P('STENCIL_VALUE_MASK', 'int', (c) => c.stencilFunc[0]![2]),
  P('STENCIL_FAIL', 'enum', (c) => c.stencilOp[0]![0]),
  P('STENCIL_PASS_DEPTH_FAIL', 'enum', (c) => c.stencilOp[0]![1]),
  P('STENCIL_PASS_DEPTH_PASS', 'enum', (c) => c.stencilOp[0]![2]),
  P('STENCIL_WRITEMASK', 'int', (c) => c.stencilWriteMask[0]),
  P('STENCIL_BACK_FUNC', 'enum', (c) => c.stencilFunc[1]![0]),
  P('STENCIL_BACK_REF', 'int', (c) => c.stencilFunc[1]![1]),
  P('STENCIL_BACK_VALUE_MASK', 'int', (c) => c.stencilFunc[1]![2]),
  P('STENCIL_BACK_FAIL', 'enum', (c) => c.stencilOp[1]![0]),
  P('STENCIL_BACK_PASS_DEPTH_FAIL', 'enum', (c) => c.stencilOp[1]![1]),
  P('STENCIL_BACK_PASS_DEPTH_PASS', 'enum', (c) => c.stencilOp[1]![2]),
  P('STENCIL_BACK_WRITEMASK', 'int', (c) => c.stencilWriteMask[1]),
  // hints and pixel store
  P('GENERATE_MIPMAP_HINT', 'enum', (c) => c.hints.get(GL.GENERATE_MIPMAP_HINT)),
  P('FRAGMENT_SHADER_DERIVATIVE_HINT_OES', 'enum', (c) => c.hints.get(EXT.FRAGMENT_SHADER_DERIVATIVE_HINT_OES), { ext: 'OES_standard_derivatives' }),
  P('PACK_ALIGNMENT', 'int', (c) => c.pack.alignment),
  P('UNPACK_ALIGNMENT', 'int', (c) => c.unpack.alignment),
  P('UNPACK_COLORSPACE_CONVERSION_WEBGL', 'enum', (c) => c.unpack.colorspace),
  P('UNPACK_FLIP_Y_WEBGL', 'bool', (c) => c.unpack.flipY),
  P('UNPACK_PREMULTIPLY_ALPHA_WEBGL', 'bool', (c) => c.unpack.premultiply),
  // strings
  P('VENDOR', 'string', () => 'Akari'),
  P('RENDERER', 'string', () => 'Akari'),
  P('VERSION', 'string', () => 'WebGL 1.0 (OpenGL ES 2.0 Akari)', { apis: [1] }),
  P('SHADING_LANGUAGE_VERSION', 'string', () => 'WebGL GLSL ES 1.0 (Akari)', { apis: [1] }),
  P('VERSION', 'string', () => 'WebGL 2.0 (OpenGL ES 3.0 Akari)', { apis: [2] }),
  P('SHADING_LANGUAGE_VERSION', 'string', () => 'WebGL GLSL ES 3.00 (Akari)', { apis: [2] }),
  P('COMPRESSED_TEXTURE_FORMATS', 'uint[]', (c) => compressedTextureFormats(c)),
  // EXT_disjoint_timer_query: the GPU's clock now (ns); no disjoint events are reported (the clock is one monotonic counter)
  P('TIMESTAMP_EXT', 'int', (c) => c.gpu.gpuTime(), { ext: 'EXT_disjoint_timer_query' }),
  P('GPU_DISJOINT_EXT', 'bool', () => false, { ext: 'EXT_disjoint_timer_query' }),
  // WEBGL_draw_buffers: the render targets (umd/pipe/caps.ts) and each draw buffer's attachment
  P('MAX_COLOR_ATTACHMENTS_WEBGL', 'int', () => CAPS.maxColorAttachments, { ext: 'WEBGL_draw_buffers' }),
  P('MAX_DRAW_BUFFERS_WEBGL', 'int', () => CAPS.maxDrawBuffers, { ext: 'WEBGL_draw_buffers' }),
  ...Array.from({ length: CAPS.maxDrawBuffers }, (_, i): ParamDesc => ({
    name: `DRAW_BUFFER${i}_WEBGL`, pname: EXT.DRAW_BUFFER0_WEBGL + i, type: 'enum', get: (c) => getDrawBuffer(c, i), ext: 'WEBGL_draw_buffers',
  })),
  P('TIMESTAMP_EXT', 'int', (c) => c.gpu.gpuTime(), { ext: 'EXT_disjoint_timer_query_webgl2' }),
  P('GPU_DISJOINT_EXT', 'bool', () => false, { ext: 'EXT_disjoint_timer_query_webgl2' }),
  P('UNMASKED_VENDOR_WEBGL', 'string', () => 'Akari', { ext: 'WEBGL_debug_renderer_info' }),
  P('UNMASKED_RENDERER_WEBGL', 'string', () => 'Akari virtual GPU (16-lane SIMT shader cores, 32x32 tiles)', { ext: 'WEBGL_debug_renderer_info' }),
  // implementation limits (umd/pipe/caps.ts)
  L('MAX_COMBINED_TEXTURE_IMAGE_UNITS', 'int', CAPS.maxCombinedTextureUnits),
  L('MAX_CUBE_MAP_TEXTURE_SIZE', 'int', CAPS.maxCubeMapSize),
  L('MAX_FRAGMENT_UNIFORM_VECTORS', 'int', CAPS.maxUniformVectors),
  L('MAX_RENDERBUFFER_SIZE', 'int', CAPS.maxRenderbufferSize),
  L('MAX_TEXTURE_IMAGE_UNITS', 'int', CAPS.maxTextureUnits),
  L('MAX_TEXTURE_SIZE', 'int', CAPS.maxTextureSize),
  L('MAX_VARYING_VECTORS', 'int', CAPS.maxVaryingVectors),
  L('MAX_VERTEX_ATTRIBS', 'int', CAPS.maxVertexAttribs),
  L('MAX_VERTEX_TEXTURE_IMAGE_UNITS', 'int', CAPS.maxTextureUnits),
  L('MAX_VERTEX_UNIFORM_VECTORS', 'int', CAPS.maxUniformVectors),
  L('MAX_VIEWPORT_DIMS', 'int2', [CAPS.maxViewport, CAPS.maxViewport]),
  L('ALIASED_LINE_WIDTH_RANGE', 'float2', CAPS.lineWidthRange),
  L('ALIASED_POINT_SIZE_RANGE', 'float2', CAPS.pointSizeRange),
  L('SUBPIXEL_BITS', 'int', CAPS.subpixelBits),
  P('MAX_TEXTURE_MAX_ANISOTROPY_EXT', 'float', () => CAPS.maxAnisotropy, { ext: 'EXT_texture_filter_anisotropic', limit: true }),
  // WebGL 2 limits (ES 3.0 Tables 6.28-6.34; umd/pipe/caps.ts)
  L2('MAX_3D_TEXTURE_SIZE', 'int', CAPS.max3dTextureSize),
  L2('MAX_ARRAY_TEXTURE_LAYERS', 'int', CAPS.maxArrayTextureLayers),
  L2('MAX_COLOR_ATTACHMENTS', 'int', CAPS.maxColorAttachments),
  L2('MAX_DRAW_BUFFERS', 'int', CAPS.maxDrawBuffers),
  L2('MAX_SAMPLES', 'int', CAPS.maxSamples),
  L2('MAX_ELEMENT_INDEX', 'int64', CAPS.maxElementIndex),
  L2('MAX_ELEMENTS_INDICES', 'int', CAPS.maxElementsIndices),
  L2('MAX_ELEMENTS_VERTICES', 'int', CAPS.maxElementsVertices),
  L2('MAX_TEXTURE_LOD_BIAS', 'float', CAPS.maxTextureLodBias),
  L2('MIN_PROGRAM_TEXEL_OFFSET', 'int', CAPS.minProgramTexelOffset),
  L2('MAX_PROGRAM_TEXEL_OFFSET', 'int', CAPS.maxProgramTexelOffset),
  L2('MAX_VERTEX_UNIFORM_COMPONENTS', 'int', CAPS.maxUniformComponents),
  L2('MAX_FRAGMENT_UNIFORM_COMPONENTS', 'int', CAPS.maxUniformComponents),
  L2('MAX_VARYING_COMPONENTS', 'int', CAPS.maxVaryingVectors * 4),
  L2('MAX_VERTEX_OUTPUT_COMPONENTS', 'int', CAPS.maxVertexOutputComponents),
  L2('MAX_FRAGMENT_INPUT_COMPONENTS', 'int', CAPS.maxFragmentInputComponents),
  L2('MAX_UNIFORM_BUFFER_BINDINGS', 'int', CAPS.maxUniformBufferBindings),
  L2('MAX_UNIFORM_BLOCK_SIZE', 'int64', CAPS.maxUniformBlockSize),
  L2('MAX_VERTEX_UNIFORM_BLOCKS', 'int', CAPS.maxVertexUniformBlocks),
  L2('MAX_FRAGMENT_UNIFORM_BLOCKS', 'int', CAPS.maxFragmentUniformBlocks),
  L2('MAX_COMBINED_UNIFORM_BLOCKS', 'int', CAPS.maxCombinedUniformBlocks),
  // ES 3.0 § 6.1.1's formula: blocks × block size in words, plus the default block's components
  L2('MAX_COMBINED_VERTEX_UNIFORM_COMPONENTS', 'int64', CAPS.maxVertexUniformBlocks * CAPS.maxUniformBlockSize / 4 + CAPS.maxUniformComponents),
  L2('MAX_COMBINED_FRAGMENT_UNIFORM_COMPONENTS', 'int64', CAPS.maxFragmentUniformBlocks * CAPS.maxUniformBlockSize / 4 + CAPS.maxUniformComponents),
  L2('UNIFORM_BUFFER_OFFSET_ALIGNMENT', 'int', CAPS.uniformBufferOffsetAlignment),
  L2('MAX_TRANSFORM_FEEDBACK_INTERLEAVED_COMPONENTS', 'int', CAPS.maxTransformFeedbackInterleavedComponents),
  L2('MAX_TRANSFORM_FEEDBACK_SEPARATE_ATTRIBS', 'int', CAPS.maxTransformFeedbackSeparateAttribs),
  L2('MAX_TRANSFORM_FEEDBACK_SEPARATE_COMPONENTS', 'int', CAPS.maxTransformFeedbackSeparateComponents),
  L2('MAX_SERVER_WAIT_TIMEOUT', 'int64', CAPS.maxServerWaitTimeout),
  L2('MAX_CLIENT_WAIT_TIMEOUT_WEBGL', 'int64', CAPS.maxClientWaitTimeoutWebgl),
];

const BY_PNAME = new Map<number, ParamDesc[]>();
for (const p of PARAMS) (BY_PNAME.get(p.pname) ?? BY_PNAME.set(p.pname, []).get(p.pname)!).push(p);

/** The row answering `pname` in this context: exposed by its API version and enabled extensions. */
export function findParam(ctx: GLContext, pname: number): ParamDesc | undefined {
  return BY_PNAME.get(pname)?.find((p) => (!p.apis || p.apis.includes(ctx.version)) && (!p.ext || ctx.hasExt(p.ext)));
}

/** A row's value as getParameter returns it: arrays are fresh copies of the type WebGL specifies. */
export function convertParam(type: ParamType, v: unknown): unknown {
  switch (type) {
    case 'float2': case 'float4': return new Float32Array(v as ArrayLike<number>);
    case 'int2': case 'int4': return new Int32Array(v as ArrayLike<number>);
    case 'uint[]': return new Uint32Array(v as ArrayLike<number>);
    case 'bool4': return [...(v as boolean[])];
    default: return v;
  }
}

export function getParameter(ctx: GLContext, pname: number): unknown {
  if (ctx.lost) return null;
  const p = findParam(ctx, pname);
  if (!p) { ctx.err(GL.INVALID_ENUM); return null; }
  return convertParam(p.type, p.get(ctx));
}
