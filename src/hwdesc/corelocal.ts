/**
 * Each shader core's local memory: on-chip SRAM holding the warp's register
 * file while translated code runs, the staging area of its I/O unit
 * (operands and results of texture, varying, output and global-memory
 * requests) and the uniform registers preloaded from the shader's uniform
 * buffer. As on AGX and Mali, it is not memory the MMU can address: no page
 * table reaches it (physical addresses end at the device's memory size).
 *
 * In the model it sits in the same WebAssembly.Memory as physical memory,
 * after the last physical page (src/hw/memory.ts), because code translated to
 * WebAssembly can import only one memory in Node 20 (no multi-memory).
 * Offsets are bytes from the core's base; the base is a parameter of the
 * translated code, so one translation serves every core.
 */
import { MAX_GPRS, WARP_LANES } from './isa.js';
import { TILE_SIZE } from './descriptors.js';

/** shader cores the device can have (each gets its own local memory) */
export const MAX_SHADER_CORES = 8;

/** bytes of one lane-vector: a 32-bit value per lane of a warp */
export const LANE_VECTOR_BYTES = WARP_LANES * 4;

export const CORE_LOCAL = {
  /** register file: register r, lane l at regs + r * 64 + l * 4 (256 registers, 16 KiB) */
  regs: 0,
  /** I/O staging, each a lane-vector (or 4: component-major, then lane) */
  texCoord: MAX_GPRS * LANE_VECTOR_BYTES,           // 4 lane-vectors: coordinate i of every lane
  texLod: MAX_GPRS * LANE_VECTOR_BYTES + 256,        // 1 lane-vector: bias or explicit LOD
  texGrad: MAX_GPRS * LANE_VECTOR_BYTES + 320,       // 4 lane-vectors: dPdx.s, dPdx.t, dPdy.s, dPdy.t
  texOut: MAX_GPRS * LANE_VECTOR_BYTES + 576,        // 4 lane-vectors: r, g, b, a
  vec: MAX_GPRS * LANE_VECTOR_BYTES + 832,           // 1 lane-vector: attribute, varying, output, special values
  gaddr: MAX_GPRS * LANE_VECTOR_BYTES + 896,         // 2 lane-vectors: address low and high words
  gval: MAX_GPRS * LANE_VECTOR_BYTES + 1024,         // 1 lane-vector: value stored or loaded
  alive: MAX_GPRS * LANE_VECTOR_BYTES + 1088,        // one word: the warp's alive mask when it ended
  /** uniform registers u0.. (the whole uniform buffer: SHADER.uniform_count is 16 bits) */
  uniforms: MAX_GPRS * LANE_VECTOR_BYTES + 4096,
  /** uniform words that ALU operands address directly (u0..u1023); the rest only ld_u reaches */
  operandUniforms: 1024,
  /**
   * Tile memory (the fragment pipeline's, src/hw/tile.ts): colour as four
   * float32 per pixel (RGBA, 16 bytes) or, for a target of 8-bit unorm
   * channels, four bytes R, G, B, A (hwdesc/formats.ts tileColorLayout: the
   * first quarter of the buffer), depth as float32, stencil as bytes,
   * TILE_SIZE x TILE_SIZE pixels in rows. After the whole uniform buffer.
   */
  tileColor: 0x46000,
  tileDepth: 0x46000 + TILE_SIZE * TILE_SIZE * 16,
  tileStencil: 0x46000 + TILE_SIZE * TILE_SIZE * 20,
  /** a fused fragment kernel's primitive setup (edge functions, vertex values, varyings; src/hw/fused.ts) */
  fusedPrim: 0x4c000,
  /** a fused kernel's per-quad staging of a triangle's covered quads in the tile (all of them: src/hw/fused.ts) */
  fusedQuads: 0x4e000,
  /**
   * The texture unit's sampler state for fused kernels: one SAMPLER block per
   * texture unit of the running draw, loaded from its TEXTURE descriptor
   * (src/hw/sampler-wasm.ts). Away from the kernels' blocks above, so either
   * can grow.
   */
  samplers: 0x60000,
  /**
   * Tile memory of render targets 1..7 (FRAMEBUFFER color_count), one
   * TILE_SIZE x TILE_SIZE x RGBA float32 buffer (16 KiB) each after the other,
   * up to 0x80000 (7 targets); target 0 is tileColor. (After the sampler
   * blocks: 32 units x SAMPLER.bytes = 0x2800.)
   */
  tileColorMore: 0x64000,
  /**
   * The vertex unit's state, which translated vertex shaders use to load
   * attributes and store their outputs without the I/O unit
   * (src/hw/shader-wasm.ts), after the render targets' tile memory (which
   * ends at 0x80000):
   * - vertexIds: each lane's vertex index (a lane-vector, u32;
   *   VERTEX_ID_NONE when the index is no u32);
   * - vertexOutWords: words per vertex of the outputs below (clip position
   *   then the varyings; 0: st_vary goes to the I/O unit), and
   *   vertexOutVaryings: how many varyings (st_vary of a later one is
   *   dropped, as by the I/O unit);
   * - vertexPointSize: each lane's point size (a lane-vector);
   * - attribFetch: one ATTRIB_FETCH block per attribute slot, loaded per draw;
   * - vertexOut: the warp's outputs, lane after lane, vertexOutWords each
   *   (at most VERTEX_OUT_MAX_WORDS), copied from and back to the batch's
   *   storage around each warp.
   */
  vertexIds: 0x80000,
  vertexOutWords: 0x80040,
  vertexOutVaryings: 0x80044,
  vertexPointSize: 0x80080,
  attribFetch: 0x80100,
  vertexOut: 0x80400,
  /**
   * Multisampled tile memory (FRAMEBUFFER sample_count 4): sample 0 of every
   * pixel is the tile memory above (tileColor, tileColorMore, tileDepth,
   * tileStencil); samples 1..3 each have a plane here, laid out alike:
   * render target t's colour at t * 16 KiB, depth (float32) at
   * tileSampleDepth, stencil (bytes) at tileSampleStencil, one plane every
   * tileSamplePlane bytes.
   */
  tileSamples: 0x86000,
  tileSamplePlane: 0x22000,
  tileSampleDepth: 0x20000,
  tileSampleStencil: 0x21000,
  /**
   * A vertex kernel's state (src/hw/vertex-kernel.ts: the vertex program
   * run over a range of a batch's vertices, a warp after another, in one
   * call), after the multisampled tile memory (which ends at 0xEC000):
   * - vertexKernel: its block (VERTEX_KERNEL: the watchdog's lease, the
   *   instructions it counted, the warp it is running, the instance);
   * - vertexList: the range's vertex indices, u32, VERTEX_KERNEL.lanes of
   *   them (lanes past the range 0);
   * - vertexListPsize: the range's point sizes (f32);
   * - vertexStage: the range's outputs, vertexOutWords per vertex, at most
   *   VERTEX_KERNEL.stageWords (plus a warp's slack), copied into the
   *   batch's storage after the call.
   */
  vertexKernel: 0xec000,
  vertexList: 0xec100,
  vertexListPsize: 0xee100,
  vertexStage: 0xf0100,
  /** bytes of one core's local memory (a multiple of 8 KiB: eight cores' take whole wasm pages) */
  bytes: 0x106000,
} as const;

/**
 * A vertex kernel's block (CORE_LOCAL.vertexKernel), byte offsets. The
 * watchdog's lease as fused kernels keep theirs (watchdog.ts lease()): f64
 * the work (ns) the kernel accounted itself since it last called back, the
 * lease, the time left when it was given (virtual clock); i32 the warp
 * budget on the host clock (0: virtual), the running warp's instructions an
 * extension already charged. Then f64 the instructions of the call, i32 the
 * warp of the range being run (for the I/O unit's lane indices), the
 * instance. `lanes`: vertices per call at most (vertexList's length);
 * `stageWords`: output words per call at most.
 */
export const VERTEX_KERNEL = {
  wdUsed: 0, wdLease: 8, wdLeft: 16, wdSlice: 24, wdCharged: 28,
  instructions: 32, warp: 40, instance: 44,
  lanes: 2048,
  stageWords: 16384,
} as const;

/** the most words per vertex CORE_LOCAL.vertexOut holds for each of a warp's lanes (larger outputs go through the I/O unit) */
export const VERTEX_OUT_MAX_WORDS = 256;

/** a lane's vertex index that is no u32 (negative after base_vertex, or past 2^32 - 1): no attribute element the fetch unit serves */
export const VERTEX_ID_NONE = 0xffffffff;

/**
 * One attribute fetch block (CORE_LOCAL.attribFetch + slot * ATTRIB_FETCH.bytes):
 * a draw's ATTRIBUTE descriptor resolved for the translated code's own
 * loads, u32 words. `components` is 0 when the code must ask the I/O unit
 * instead (a type other than float32, an instanced attribute, a buffer not
 * physically contiguous or without a size, no attribute); otherwise
 * component c < components of vertex i is the float32 at physical address
 * pa + i * stride + 4c when that offset is at most `limit` (the buffer's
 * size - 4: robust access past the end is the I/O unit's, as is every
 * component >= components).
 */
export const ATTRIB_FETCH = {
  components: 0, pa: 4, stride: 8, limit: 12,
  bytes: 16,
  /** attribute slots (ld_attr's slot field is 5 bits) */
  slots: 32,
} as const;

/**
 * One sampler block (CORE_LOCAL.samplers + unit * SAMPLER.bytes): the
 * resolved TEXTURE descriptor as the fused kernels' texture sampling reads
 * it. `fast` is 0 when the kernel must ask the I/O unit instead (a format or
 * mode the in-kernel sampler does not do, a texture not physically
 * contiguous, no texture). Levels: physical address of the level's first
 * texel, its width and height, 16 bytes each.
 */
export const SAMPLER = {
  fast: 0, maxLevel: 4, minFilter: 8, magFilter: 12, mipFilter: 16, wrapS: 20, wrapT: 24,
  /** TEXTURE.max_anisotropy (1: off); the in-kernel sampler serves only 1 today, anisotropic textures take the I/O unit */
  maxAniso: 28,
  /** level 0's width and height as f64 (the LOD's scale) */
  width: 32, height: 40,
  levels: 64, levelBytes: 16,
  /** the levels a TEXTURE descriptor can have (4 bits) */
  maxLevels: 15,
  bytes: 320,
  /** texture units with a block (TEXTURE arrays are 5 bits long) */
  units: 32,
} as const;
