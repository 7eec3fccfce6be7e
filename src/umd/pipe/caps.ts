/**
 * What the Akari driver can do, in one place (Gallium's pipe_screen caps):
 * the GL state trackers' limits (getParameter's MAX_* values), the compiler's
 * and the conformance runners' come from here, each number with the
 * hardware fact it rests on (src/hwdesc) or the reason it is lower.
 */
import { MAX_UNIFORMS, MAX_VARY_SLOTS, VARY_FIRST_USER } from '../../hwdesc/isa.js';
import { MAX_RENDER_TARGETS } from '../../hwdesc/descriptors.js';

export const CAPS = {
  /** vertex attribute slots a draw binds (DRAW.attrib_count has 5 bits; 16 as ES drivers commonly expose) */
  maxVertexAttribs: 16,
  /** texture units (SHADER.texture_count has 5 bits; one unit table shared by both stages) */
  maxTextureUnits: 16,
  /**
   * texture units the context binds (GL_MAX_COMBINED_TEXTURE_IMAGE_UNITS, ES 3.0 asks 32): each stage's
   * SHADER descriptor has a TEXTURE table of its own that the driver fills from the units its sampler
   * uniforms name, so a vertex and a fragment shader reach 16 units each, 32 together
   */
  maxCombinedTextureUnits: 32,
  /** texture side (TEXTURE.width/height have 14 bits; levels has 4: 13 levels of 4096 leave room) */
  maxTextureSize: 4096,
  maxCubeMapSize: 4096,
  maxRenderbufferSize: 4096,
  /** viewport and drawing buffer side (DRAW.scissor_* have 16 bits, the tiler addresses 16384 in 1/256 pixel steps within 32 bits) */
  maxViewport: 16384,
  /** uniform vectors per stage: the uniform file (MAX_UNIFORMS words) as vec4s */
  maxUniformVectors: MAX_UNIFORMS / 4,
  /** uniform words per stage (GL_MAX_*_UNIFORM_COMPONENTS) */
  maxUniformComponents: MAX_UNIFORMS,
  /**
   * varying vectors: the user varying slots (MAX_VARY_SLOTS - VARY_FIRST_USER scalars) as vec4s, less one
   * (a vec4 of margin, as the context has reported since its first version; the linker packs scalars)
   */
  maxVaryingVectors: (MAX_VARY_SLOTS - VARY_FIRST_USER) / 4 - 1,
  /** line widths reported (STATE.line_width is a float the tiler takes as is) */
  lineWidthRange: [1, 64] as const,
  /** point sizes reported (gl_PointSize is taken as written) */
  pointSizeRange: [1, 1024] as const,
  /** anisotropic filtering's most probes per sample (TEXTURE.max_anisotropy, 1..16) */
  maxAnisotropy: 16,
  /** the rasteriser snaps to 1/256 pixel */
  subpixelBits: 8,

  // ---- OpenGL ES 3.0 / WebGL 2 (reported by WebGL 2 contexts; each at least ES 3.0's minimum, Table 6.28ff)
  /**
   * 3D texture side and array layers (TEXTURE.width/height/depth have 14 bits; 2048 as Chromium reports,
   * 12 mip levels within TEXTURE.levels' 4 bits)
   */
  max3dTextureSize: 2048,
  maxArrayTextureLayers: 2048,
  /** colour attachments and draw buffers (FRAMEBUFFER color_count: MAX_RENDER_TARGETS targets, fragment outputs rt0..rt7; ES 3.0 asks 4) */
  maxDrawBuffers: MAX_RENDER_TARGETS,
  maxColorAttachments: MAX_RENDER_TARGETS,
  /** samples of a multisample renderbuffer: ES 3.0's minimum (4) */
  maxSamples: 4,
  /**
   * uniform buffer bindings and blocks: ES 3.0's minimums. A block's data is preloaded into the
   * stage's uniform buffer (SHADER UNIFORM_RANGE), which holds 2^16 - 1 words: 12 blocks of
   * 16 KiB (49,152 words) fit beside the default uniforms and constants.
   */
  maxUniformBufferBindings: 24,
  maxUniformBlockSize: 16384,
  maxVertexUniformBlocks: 12,
  maxFragmentUniformBlocks: 12,
  maxCombinedUniformBlocks: 24,
  uniformBufferOffsetAlignment: 256,
  /** the user varying slots (MAX_VARY_SLOTS - VARY_FIRST_USER scalars): all written by a vertex shader, a vec4 of them kept as margin when read */
  maxVertexOutputComponents: MAX_VARY_SLOTS - VARY_FIRST_USER,
  maxFragmentInputComponents: MAX_VARY_SLOTS - VARY_FIRST_USER - 4,
  /** transform feedback: ES 3.0's minimums */
  maxTransformFeedbackInterleavedComponents: 64,
  maxTransformFeedbackSeparateAttribs: 4,
  maxTransformFeedbackSeparateComponents: 4,
  /** textureOffset's range: ES 3.0's minimum */
  minProgramTexelOffset: -8,
  maxProgramTexelOffset: 7,
  /** the LOD bias the texture unit takes (ES 3.0's minimum is 2) */
  maxTextureLodBias: 16,
  /** indices are 32-bit words (DRAW index size 4) */
  maxElementIndex: 0xffffffff,
  /** what glDrawRangeElements is recommended at most (ES 3.0 § 2.8.3: a hint, not a limit) */
  maxElementsVertices: 1 << 20,
  maxElementsIndices: 1 << 20,
  /** clientWaitSync never blocks the thread (WebGL 2.0 § 5.27 allows 0: the application polls) */
  maxClientWaitTimeoutWebgl: 0,
  maxServerWaitTimeout: 0,
} as const;
