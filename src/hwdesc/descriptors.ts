/**
 * The hardware descriptors the Akari GPU reads from memory, declared once.
 *
 * User space packs DRAW/ATTRIBUTE/SHADER/TEXTURE/STATE/TILER_HEAP; the kernel
 * packs VERTEX_JOB/FRAGMENT_JOB/FRAMEBUFFER in its own half of the address
 * space (user space never writes those); the hardware unpacks all of them
 * through its MMU; the decoder prints them. Enum orders follow GL where GL has
 * the same concept, so that a driver's translation table is an identity.
 */
import { defineStruct, f, fAddr, fEnum, fFloat, type StructDesc } from './struct.js';

export const PRIMITIVE = ['points', 'lines', 'line_loop', 'line_strip', 'triangles', 'triangle_strip', 'triangle_fan'] as const;
export const INDEX_TYPE = ['none', 'u8', 'u16', 'u32'] as const;
export const ATTRIB_TYPE = ['f32', 'u8', 's8', 'u16', 's16', 'u32', 's32', 'f16'] as const;
/** Render-target formats (colour attachments and scan-out). */
export const COLOR_FORMAT = [
  'rgba8_unorm', 'bgra8_unorm', 'rgb565_unorm', 'rgba4_unorm', 'rgb5a1_unorm', 'rgba16f', 'rgba32f', 'rgb8_unorm', 'srgb8_alpha8',
  // ES 3.0's colour-renderable formats (Table 3.13) and EXT_color_buffer_float's
  'r8_unorm', 'rg8_unorm', 'rgb10a2_unorm', 'r16f', 'rg16f', 'r32f', 'rg32f', 'r11g11b10f',
  // integer targets (ES 3.0 Table 3.13): the tile holds each channel's 32-bit integer, written raw (no blending)
  'r8ui', 'r8i', 'r16ui', 'r16i', 'r32ui', 'r32i', 'rg8ui', 'rg8i', 'rg16ui', 'rg16i',
  'rg32ui', 'rg32i', 'rgba8ui', 'rgba8i', 'rgba16ui', 'rgba16i', 'rgba32ui', 'rgba32i', 'rgb10a2ui',
] as const;
/** Framebuffer layout modifiers: linear rows, or 16x16-pixel blocks in raster order with Morton order inside. */
export const LAYOUT = ['linear', 'twiddled'] as const;
export const TWIDDLE_BLOCK = 16;
export const COMPARE = ['never', 'less', 'equal', 'lequal', 'greater', 'notequal', 'gequal', 'always'] as const;
export const STENCIL_OP = ['keep', 'zero', 'replace', 'incr', 'decr', 'invert', 'incr_wrap', 'decr_wrap'] as const;
export const BLEND_EQ = ['add', 'subtract', 'reverse_subtract', 'min', 'max'] as const;
export const BLEND_FACTOR = [
  'zero', 'one', 'src_color', 'one_minus_src_color', 'dst_color', 'one_minus_dst_color',
  'src_alpha', 'one_minus_src_alpha', 'dst_alpha', 'one_minus_dst_alpha',
  'constant_color', 'one_minus_constant_color', 'constant_alpha', 'one_minus_constant_alpha', 'src_alpha_saturate',
] as const;
export const CULL = ['none', 'front', 'back', 'front_and_back'] as const;
export const TEX_FORMAT = [
  'rgba8', 'rgb8', 'la8', 'l8', 'a8', 'rgb565', 'rgba4', 'rgb5a1',
  'rgba32f', 'rgb32f', 'la32f', 'l32f', 'a32f', 'rgba16f', 'rgb16f', 'la16f', 'l16f', 'a16f',
  'depth16', 'depth32', 'depth24_stencil8',
  // sRGB-encoded colour (alpha linear): decoded to linear by the texture unit (hwdesc/formats.ts)
  'srgb8_alpha8', 'srgb8',
  // ES 3.0's sized formats: red and red-green, signed normalized, packed floats, 10-bit colour
  'r8', 'rg8', 'r16f', 'rg16f', 'r32f', 'rg32f', 'r8_snorm', 'rg8_snorm', 'rgb8_snorm', 'rgba8_snorm',
  'r11g11b10f', 'rgb9e5', 'rgb10a2', 'rgb10a2ui',
  // integer texels, returned to the shader as their bits (tex .int); NEAREST only
  'r8ui', 'r8i', 'r16ui', 'r16i', 'r32ui', 'r32i', 'rg8ui', 'rg8i', 'rg16ui', 'rg16i', 'rg32ui', 'rg32i',
  'rgb8ui', 'rgb8i', 'rgb16ui', 'rgb16i', 'rgb32ui', 'rgb32i', 'rgba8ui', 'rgba8i', 'rgba16ui', 'rgba16i', 'rgba32ui', 'rgba32i',
  // ES 3.0 DEPTH32F_STENCIL8 (planar, ZS_FORMAT d32f_s8): the unit reads the float32 depth plane at `address`
  'depth32f_stencil8',
] as const;
/** 3d: depth slices, filtered in r too; 2d_array: depth layers, the layer round(r) clamped (ES 3.0 § 3.8.9); each level holds all its slices */
export const TEX_DIM = ['2d', 'cube', '3d', '2d_array'] as const;
/** How a depth texel reaches the shader (GL 2.1 DEPTH_TEXTURE_MODE) */
export const DEPTH_MODE = ['luminance', 'intensity', 'alpha'] as const;
export const WRAP = ['repeat', 'clamp_to_edge', 'mirrored_repeat'] as const;
export const FILTER = ['nearest', 'linear'] as const;
export const MIP_FILTER = ['none', 'nearest', 'linear'] as const;
/**
 * Depth/stencil surface formats. d32f_s8 (ES 3.0 DEPTH32F_STENCIL8) is planar, as AGX and Mali
 * store it: the `zs` surface holds the float32 depths (4 bytes a pixel, like d32f) and a separate
 * stencil surface (FRAMEBUFFER `stencil`, `stencil_stride`) one byte a pixel, each with the
 * descriptor's zs_layout and, multisampled, its own sample images one after another.
 */
export const ZS_FORMAT = ['none', 'd16', 'd24s8', 'd32f', 'd32f_s8'] as const;
/** Bytes per pixel of a depth/stencil format's `zs` surface (for d32f_s8: its depth plane). */
export const ZS_FORMAT_BPP: Record<(typeof ZS_FORMAT)[number], number> = { none: 0, d16: 2, d24s8: 4, d32f: 4, d32f_s8: 4 };
export const SHADER_STAGE = ['vertex', 'fragment', 'compute'] as const;

/** One draw: a node of the vertex job's linked draw list. */
export const DRAW = defineStruct('DRAW', 28, 64, [
  fAddr('next', 0, 'next DRAW in the list, 0 ends it'),
  fEnum('primitive', 2, 0, 3, PRIMITIVE),
  fEnum('index_type', 2, 4, 2, INDEX_TYPE),
  f('primitive_restart', 2, 6, 1, 'bool', { doc: 'an index of all ones for index_type (0xff, 0xffff, 0xffffffff) fetches nothing and ends the primitive in progress: strips, fans and loops start again after it (ES 3.0 PRIMITIVE_RESTART_FIXED_INDEX)' }),
  f('attrib_count', 2, 8, 5),
  f('first', 3, 0, 32),
  f('count', 4, 0, 32),
  f('instance_count', 5, 0, 32),
  fAddr('indices', 6),
  fAddr('attribs', 8, 'array of ATTRIBUTE descriptors'),
  fAddr('vertex_shader', 10, 'SHADER descriptor'),
  fAddr('fragment_shader', 12, 'SHADER descriptor'),
  fAddr('state', 14, 'STATE descriptor'),
  fFloat('viewport_x', 16),
  fFloat('viewport_y', 17),
  fFloat('viewport_w', 18),
  fFloat('viewport_h', 19),
  f('scissor_minx', 20, 0, 16),
  f('scissor_miny', 20, 16, 16),
  f('scissor_maxx', 21, 0, 16),
  f('scissor_maxy', 21, 16, 16),
  f('base_vertex', 22, 0, 32, 'sint'),
  f('occlusion', 23, 0, 1, 'bool', { doc: 'count the samples of this draw that pass the depth and stencil tests; the command processor adds them to the u64 at occlusion_address after each fragment pass (ES 3.0 ANY_SAMPLES_PASSED)' }),
  fAddr('occlusion_address', 24, 'u64 sample counter (user address space), with occlusion'),
  fAddr('xfb', 26, 'XFB descriptor: transform feedback capture of this draw\'s vertex outputs; 0: none'),
]);

/**
 * Transform feedback (ES 3.0 § 2.15): the vertex pass writes the selected
 * outputs of each assembled primitive's vertices — points, lines or
 * triangles, strips, loops and fans taken apart into independent primitives,
 * in primitive order — into up to XFB_BUFFERS buffers, through the MMU with
 * the job's address space. Where writing resumes in each buffer is kept in
 * memory (XFB_STATE at `state`, read when the draw starts, written when it
 * ends), so several draws, paused spans and passes append one after another.
 * A primitive that does not fit whole in every buffer is not written, and
 * neither is any later one: the state's `overflow` is set and capture stops
 * until the driver writes a fresh state. The primitives written are added
 * to the u64 at `query` (TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN), when set.
 */
export const XFB_BUFFERS = 4;
export const XFB = defineStruct('XFB', 24, 64, [
  fAddr('state', 0, 'XFB_STATE (read and written by the vertex pass)'),
  fAddr('outputs', 2, 'array of output_count XFB_OUTPUT words'),
  f('output_count', 4, 0, 7, 'uint'),
  f('buffer_count', 4, 7, 3, 'uint', { doc: 'buffers 0..buffer_count-1 below are used (at most XFB_BUFFERS)' }),
  fAddr('query', 6, 'u64 the primitives written are added to; 0: none'),
  ...Array.from({ length: XFB_BUFFERS }, (_, i) => [
    fAddr(`buffer${i}`, 8 + 4 * i, `buffer ${i}'s first byte`),
    f(`size${i}`, 10 + 4 * i, 0, 32, 'uint', { doc: `bytes buffer ${i} holds from buffer${i}` }),
    f(`stride${i}`, 11 + 4 * i, 0, 32, 'uint', { doc: `bytes between the vertices written to buffer ${i}` }),
  ]).flat(),
]);

/**
 * One captured output: `components` 32-bit words of the vertex's output
 * `source` (the ISA's varying numbering: v0..v3 position, v4 point size,
 * v8 + k scalar varying slot k; anything else reads 0), written as their bits
 * at byte `offset` of the vertex's record in buffer `buffer`.
 */
export const XFB_OUTPUT = defineStruct('XFB_OUTPUT', 1, 4, [
  f('source', 0, 0, 7, 'uint'),
  f('components', 0, 7, 5, 'uint', { doc: '1..16 words' }),
  f('buffer', 0, 12, 2, 'uint'),
  f('offset', 0, 14, 18, 'uint', { doc: 'bytes from the start of the vertex\'s record' }),
]);

/** Where capture resumes (bytes written into each buffer so far) and whether a buffer overflowed. */
export const XFB_STATE = defineStruct('XFB_STATE', 8, 16, [
  ...Array.from({ length: XFB_BUFFERS }, (_, i) => f(`written${i}`, i, 0, 32, 'uint')),
  f('overflow', 4, 0, 1, 'bool', { doc: 'a primitive did not fit: nothing more is written' }),
]);

export const ATTRIBUTE = defineStruct('ATTRIBUTE', 8, 16, [
  fAddr('address', 0),
  f('stride', 2, 0, 32),
  f('components', 3, 0, 3),
  fEnum('type', 3, 3, 3, ATTRIB_TYPE),
  f('normalized', 3, 6, 1, 'bool'),
  f('integer', 3, 7, 1, 'bool', { doc: 'the value as 32-bit integer bits (sign- or zero-extended by type; a missing w is 1), not converted to float: GLSL ES 3.00 int/uint inputs' }),
  f('divisor', 4, 0, 32),
  f('size', 5, 0, 32, 'uint', { doc: 'bytes readable from address (bounds for robust access)' }),
  f('packed', 3, 8, 1, 'bool', { doc: '2_10_10_10_REV: each element is one 32-bit word (type u32: unsigned, s32: signed two\'s complement fields) holding x, y, z in bits 0-9, 10-19, 20-29 and w in bits 30-31; normalized divides by 1023 and 3 (unsigned) or 511 and 1 with -1 the least (signed, ES 3.0 § 2.1.6.2)' }),
]);

export const SHADER = defineStruct('SHADER', 15, 64, [
  fAddr('code', 0),
  f('code_size', 2, 0, 32),
  f('registers', 3, 0, 9),
  fEnum('stage', 3, 9, 2, SHADER_STAGE),
  f('varyings', 3, 11, 8, 'uint', { doc: 'scalar varying slots written (VS) or read (FS)' }),
  f('writes_depth', 3, 19, 1, 'bool'),
  f('uses_discard', 3, 20, 1, 'bool'),
  f('writes_point_size', 3, 21, 1, 'bool'),
  f('uses_derivatives', 3, 22, 1, 'bool'),
  fAddr('uniforms', 4, 'uniform words preloaded into u registers'),
  f('uniform_count', 6, 0, 16, 'uint', { doc: 'words of the uniform buffer: operands name u0..u1023, ld_u reaches every word' }),
  fAddr('textures', 7, 'array of TEXTURE descriptors'),
  f('texture_count', 9, 0, 5),
  f('clip_distances', 9, 5, 4, 'uint', { doc: 'VS: scalar varyings from slot clip_first holding user clip distances' }),
  f('clip_first', 9, 9, 8, 'uint', { doc: 'VS: first varying slot (counted from v8) of the clip distances' }),
  f('color_varyings', 9, 17, 7, 'uint', { doc: 'VS: varying slots 0.. holding colours, flat-shaded when STATE.flat_colors' }),
  f('flat_lo', 10, 0, 32, 'uint', { doc: 'VS: bit i: scalar varying slot i (from v8) is flat: every vertex of a primitive takes the provoking (last) vertex\'s bits, before clipping' }),
  f('flat_hi', 11, 0, 32, 'uint', { doc: 'VS: bit i: varying slot 32 + i is flat' }),
  fAddr('uniform_ranges', 12, 'array of UNIFORM_RANGE descriptors: memory preloaded into the uniform registers after `uniforms`'),
  f('uniform_range_count', 14, 0, 5, 'uint', { doc: 'UNIFORM_RANGE entries (GLSL ES 3.00 uniform blocks the shader reads)' }),
]);

/**
 * A range of memory the shader core preloads into its uniform registers with the uniform buffer
 * (as AGX's uniform preload of UBO ranges and Mali's FAU push): `words` 32-bit words from
 * `address` (the user's buffer, read through the MMU with the job's address space) become u[uniform]..
 * A range that does not fit in the SHADER's uniform_count words faults the draw.
 */
export const UNIFORM_RANGE = defineStruct('UNIFORM_RANGE', 4, 16, [
  fAddr('address', 0),
  f('uniform', 2, 0, 16, 'uint', { doc: 'first uniform register written' }),
  f('words', 3, 0, 16, 'uint', { doc: '32-bit words copied' }),
]);

export const TEXTURE = defineStruct('TEXTURE', 8, 32, [
  fAddr('address', 0),
  f('width', 2, 0, 14),
  f('height', 2, 14, 14),
  fEnum('dim', 2, 28, 2, TEX_DIM),
  f('levels', 3, 5, 4),
  fEnum('wrap_s', 3, 9, 2, WRAP),
  fEnum('wrap_t', 3, 11, 2, WRAP),
  fEnum('min_filter', 3, 13, 1, FILTER),
  fEnum('mag_filter', 3, 14, 1, FILTER),
  fEnum('mip_filter', 3, 15, 2, MIP_FILTER),
  f('compare', 3, 17, 1, 'bool', { doc: 'depth comparison (GL ARB_shadow): each texel becomes 1 if `ref compare_func texel` passes, else 0, before filtering; ref is the coordinate after s,t (x,y,z for cube)' }),
  fEnum('compare_func', 3, 18, 3, COMPARE),
  // depth formats: the value d (or the comparison result) as luminance (d,d,d,1), intensity (d,d,d,d) or alpha (0,0,0,d)
  fEnum('depth_mode', 3, 21, 2, DEPTH_MODE),
  // EXT_texture_filter_anisotropic: up to this many probes along the footprint's major axis when minifying (0 and 1: off)
  f('max_anisotropy', 3, 23, 5, 'uint', { doc: 'anisotropic filtering: at most this many probes (1..16) along the major axis of the 2x2 footprint; 0 or 1 off' }),
  f('face_stride', 4, 0, 32, 'uint', { doc: 'bytes between cube faces; each face holds a full mip chain' }),
  f('size', 5, 0, 32, 'uint', { doc: 'bytes readable from address' }),
  // ES 3.0 TEXTURE_MIN_LOD / MAX_LOD (§ 3.8.9): the level of detail (with its bias) clamped before the magnification test
  f('lod_clamp', 3, 28, 1, 'bool', { doc: 'clamp the level of detail to [min_lod, max_lod]; 0: no clamp' }),
  f('min_lod', 6, 0, 16, 'sint', { doc: 'lowest level of detail, 8.8 fixed point (lambda * 256), with lod_clamp' }),
  f('max_lod', 6, 16, 16, 'sint', { doc: 'highest level of detail, 8.8 fixed point, with lod_clamp' }),
  f('depth', 7, 0, 14, 'uint', { doc: '3d: slices of level 0 (level l has max(1, depth >> l)); 2d_array: layers (every level); else 0 or 1' }),
  // word 3 bits 4:0 held the format until ES 3.0's formats outgrew 5 bits; they are reserved (0)
  fEnum('format', 7, 14, 7, TEX_FORMAT),
  fEnum('wrap_r', 3, 29, 2, WRAP),
]);

export const STATE = defineStruct('STATE', 16, 64, [
  fEnum('cull', 0, 0, 2, CULL),
  f('front_ccw', 0, 2, 1, 'bool'),
  f('depth_test', 0, 3, 1, 'bool'),
  f('depth_write', 0, 4, 1, 'bool'),
  fEnum('depth_func', 0, 5, 3, COMPARE),
  f('stencil_test', 0, 8, 1, 'bool'),
  f('blend', 0, 9, 1, 'bool'),
  f('color_mask', 0, 10, 4),
  f('scissor', 0, 14, 1, 'bool'),
  f('polygon_offset', 0, 15, 1, 'bool'),
  f('dither', 0, 16, 1, 'bool'),
  f('flat_colors', 0, 26, 1, 'bool', { doc: "the vertex shader's colour varyings take the provoking (last) vertex's value" }),
  f('clip_enable', 0, 18, 8, 'uint', { doc: 'bit i: clip away where user clip distance i < 0' }),
  f('rasterizer_discard', 0, 27, 1, 'bool', { doc: 'primitives are assembled (and captured, DRAW.xfb) but not binned: no fragments (ES 3.0 RASTERIZER_DISCARD)' }),
  f('y_up', 0, 17, 1, 'bool', { doc: 'the render target is y-up (row 0 = GL window y 0): point-sprite t = 1/2 - (y - centre)/size, as GL specifies' }),
  f('rt_disable', 14, 0, 8, 'uint', { doc: 'bit i: render target i is not written by this draw (GL draw buffer i is NONE); zero writes every target' }),
  f('sample_kill', 14, 8, 4, 'uint', { doc: 'multisampled targets: bit j drops sample j from every fragment\'s coverage (GL SAMPLE_COVERAGE\'s mask, inverted); zero keeps all' }),
  f('alpha_to_coverage', 14, 12, 1, 'bool', { doc: 'multisampled targets: a fragment covers only the first round(4 * alpha) samples, alpha its target-0 colour\'s, clamped to [0, 1] (GL SAMPLE_ALPHA_TO_COVERAGE)' }),
  fEnum('blend_eq_rgb', 1, 0, 3, BLEND_EQ),
  fEnum('blend_eq_a', 1, 3, 3, BLEND_EQ),
  fEnum('blend_src_rgb', 1, 6, 4, BLEND_FACTOR),
  fEnum('blend_dst_rgb', 1, 10, 4, BLEND_FACTOR),
  fEnum('blend_src_a', 1, 14, 4, BLEND_FACTOR),
  fEnum('blend_dst_a', 1, 18, 4, BLEND_FACTOR),
  fFloat('blend_r', 2),
  fFloat('blend_g', 3),
  fFloat('blend_b', 4),
  fFloat('blend_a', 5),
  fEnum('stencil_front_func', 6, 0, 3, COMPARE),
  fEnum('stencil_front_fail', 6, 3, 3, STENCIL_OP),
  fEnum('stencil_front_zfail', 6, 6, 3, STENCIL_OP),
  fEnum('stencil_front_zpass', 6, 9, 3, STENCIL_OP),
  f('stencil_front_ref', 6, 12, 8),
  f('stencil_front_mask', 6, 20, 8),
  fEnum('stencil_back_func', 7, 0, 3, COMPARE),
  fEnum('stencil_back_fail', 7, 3, 3, STENCIL_OP),
  fEnum('stencil_back_zfail', 7, 6, 3, STENCIL_OP),
  fEnum('stencil_back_zpass', 7, 9, 3, STENCIL_OP),
  f('stencil_back_ref', 7, 12, 8),
  f('stencil_back_mask', 7, 20, 8),
  f('stencil_front_writemask', 8, 0, 8),
  f('stencil_back_writemask', 8, 8, 8),
  fFloat('polygon_offset_factor', 9),
  fFloat('polygon_offset_units', 10),
  fFloat('line_width', 11),
  fFloat('depth_near', 12),
  fFloat('depth_far', 13),
]);

export const TILER_HEAP = defineStruct('TILER_HEAP', 4, 16, [
  fAddr('base', 0),
  f('size', 2, 0, 32),
]);

/** Built by the kernel: what the vertex/tiler pipeline runs. */
export const VERTEX_JOB = defineStruct('VERTEX_JOB', 8, 64, [
  fAddr('draws', 0, 'first DRAW (user address space)'),
  fAddr('heap_base', 2, 'tiler heap (user address space)'),
  f('heap_size', 4, 0, 32),
  f('width', 5, 0, 16),
  f('height', 5, 16, 16),
  fAddr('partial_fragment_job', 6, 'FRAGMENT_JOB run when the heap fills (partial render)'),
]);

/** Built by the kernel: what the fragment pipeline runs. */
export const FRAGMENT_JOB = defineStruct('FRAGMENT_JOB', 8, 64, [
  fAddr('framebuffer', 0, 'FRAMEBUFFER descriptor (kernel address space)'),
  fAddr('heap_base', 2),
  f('heap_size', 4, 0, 32),
]);

export const FRAMEBUFFER = defineStruct('FRAMEBUFFER', 24, 64, [
  f('width', 0, 0, 16),
  f('height', 0, 16, 16),
  // word 1 bits 3:0 held the format until ES 3.0's formats outgrew 4 bits; they are reserved (0)
  fEnum('format', 1, 18, 6, COLOR_FORMAT),
  fEnum('layout', 1, 4, 1, LAYOUT),
  f('color_load', 1, 5, 1, 'bool'),
  f('color_clear', 1, 6, 1, 'bool'),
  f('color_store', 1, 7, 1, 'bool'),
  f('zs_load', 1, 8, 1, 'bool'),
  f('zs_clear', 1, 9, 1, 'bool'),
  f('zs_store', 1, 10, 1, 'bool'),
  // word 1 bits 12:11 held zs_format until d32f_s8 outgrew 2 bits; they are reserved (0)
  fEnum('zs_format', 1, 29, 3, ZS_FORMAT),
  fEnum('zs_layout', 1, 13, 1, LAYOUT),
  fAddr('color', 2),
  f('color_stride', 4, 0, 32),
  // the clear colour's words: float32 for float and normalized formats, the integers of an integer format
  f('clear_r', 5, 0, 32, 'uint', { doc: 'red clear word: a float32, or the integer of an integer format' }),
  f('clear_g', 6, 0, 32, 'uint', { doc: 'green clear word' }),
  f('clear_b', 7, 0, 32, 'uint', { doc: 'blue clear word' }),
  f('clear_a', 8, 0, 32, 'uint', { doc: 'alpha clear word' }),
  fAddr('zs', 9),
  f('zs_stride', 11, 0, 32),
  fFloat('clear_depth', 12),
  f('clear_stencil', 13, 0, 8),
  f('stencil_clear_mask', 13, 8, 8),
  f('color_count', 1, 14, 4, 'uint', { doc: 'render targets: 0 or 1 is target 0 alone (the fields above); n > 1 adds targets 1..n-1 from `targets`' }),
  fAddr('targets', 14, 'array of color_count - 1 RENDER_TARGET descriptors: targets 1.. (kernel address space)'),
  // multisampling (MSAA_SAMPLE_POSITIONS): the tile holds sample_count samples per pixel; colour and
  // depth/stencil surfaces loaded and stored are multisampled (MSAA surfaces, below)
  f('sample_count', 1, 24, 3, 'uint', { doc: 'samples per pixel: 0 or 1 single-sampled, 4 multisampled (MSAA_SAMPLE_POSITIONS); other counts fault' }),
  f('resolve', 1, 27, 1, 'bool', { doc: 'at the end of each tile, target 0\'s samples are also averaged (box filter, rounded to the format) and stored single-sampled at resolve_color' }),
  fEnum('resolve_layout', 1, 28, 1, LAYOUT),
  fAddr('resolve_color', 16, 'single-sample surface of target 0\'s format that the resolve writes (user address space)'),
  f('resolve_stride', 18, 0, 32),
  // d32f_s8's stencil plane (ZS_FORMAT): one byte a pixel, zs_layout, loaded/stored/cleared with the depth
  fAddr('stencil', 19, 'd32f_s8: the stencil surface, one byte a pixel (user address space); other formats: 0'),
  f('stencil_stride', 21, 0, 32),
]);

/**
 * Multisampling. With FRAMEBUFFER sample_count 4 the rasteriser tests each
 * pixel's coverage at these four positions (x, y in the pixel, y down in
 * memory; the standard D3D / GL 4x pattern, a rotated grid) — exact in the
 * 1/256 sub-pixel grid, so an edge through a pixel covers a whole number of
 * samples decided by the same exact edge functions as single-sampled
 * rasterisation. The fragment shader runs once per covered pixel, at its
 * centre; the depth/stencil tests (depth interpolated at each sample's
 * position), blending and the colour write happen per covered sample.
 */
export const MSAA_SAMPLE_POSITIONS: readonly (readonly [number, number])[] = [[0.375, 0.125], [0.875, 0.375], [0.125, 0.625], [0.625, 0.875]];
/** The sample counts a FRAMEBUFFER may have (GL MAX_SAMPLES is the largest). */
export const SAMPLE_COUNTS = [1, 4] as const;
/**
 * A multisampled surface of n samples (colour or depth/stencil) is n
 * single-sample images one after another: sample s of pixel (x, y) is where
 * pixel (x, y) is in image s, which starts s * msaaPlaneBytes(...) bytes
 * after the surface's address. Each image has the surface's stride and
 * layout, so the load/store units move each sample plane as they move a
 * single-sampled surface.
 */
export function msaaPlaneBytes(layout: number, stride: number, height: number): number {
  return stride * (layout ? Math.ceil(height / TWIDDLE_BLOCK) * TWIDDLE_BLOCK : height);
}

/**
 * Render targets 1..MAX_RENDER_TARGETS-1 of a FRAMEBUFFER (target 0 is in the
 * FRAMEBUFFER itself). They share its size, load/clear/store flags and clear
 * colour; a target with address 0 has no surface: fragments written to it are
 * kept in the tile and dropped (a GL attachment point with nothing attached).
 */
export const RENDER_TARGET = defineStruct('RENDER_TARGET', 4, 16, [
  fAddr('address', 0, '0: no surface'),
  f('stride', 2, 0, 32),
  // word 3 bits 3:0 are reserved (the format's old place, as in FRAMEBUFFER)
  fEnum('format', 3, 8, 6, COLOR_FORMAT),
  fEnum('layout', 3, 4, 1, LAYOUT),
]);

/** Colour render targets a FRAMEBUFFER can have: fragment outputs rt0..rt7 (GL_MAX_DRAW_BUFFERS). */
export const MAX_RENDER_TARGETS = 8;

export const DESCRIPTORS: readonly StructDesc[] = [DRAW, XFB, XFB_OUTPUT, XFB_STATE, ATTRIBUTE, SHADER, UNIFORM_RANGE, TEXTURE, STATE, TILER_HEAP, VERTEX_JOB, FRAGMENT_JOB, FRAMEBUFFER, RENDER_TARGET];

/** Tile size of the tiler and fragment pipeline, in pixels. */
export const TILE_SIZE = 32;

/**
 * The vertex pipeline's post-transform buffer, in 32-bit words: one draw's
 * shaded vertices (position, 1/w, varyings) must fit, count x (4 + varyings)
 * words, or the tiler raises a fault on the draw — the hardware bounds its
 * own storage rather than growing it for whatever a descriptor says (32 M
 * words: a 1M-vertex mesh with 28 varyings).
 */
export const VERTEX_BUFFER_WORDS = 1 << 25;

/** Bytes per pixel of each colour format. */
export const COLOR_FORMAT_BPP: Record<(typeof COLOR_FORMAT)[number], number> = {
  rgba8_unorm: 4, bgra8_unorm: 4, rgb565_unorm: 2, rgba4_unorm: 2, rgb5a1_unorm: 2, rgba16f: 8, rgba32f: 16,
  // three bytes R, G, B (no alpha: it reads back as 1), so RGB/UNSIGNED_BYTE textures are render targets as they are stored
  rgb8_unorm: 3,
  // sRGB-encoded R, G, B bytes and a linear alpha byte: the tile holds linear values, encoded on store
  srgb8_alpha8: 4,
  r8_unorm: 1, rg8_unorm: 2, rgb10a2_unorm: 4, r16f: 2, rg16f: 4, r32f: 4, rg32f: 8, r11g11b10f: 4,
  r8ui: 1, r8i: 1, r16ui: 2, r16i: 2, r32ui: 4, r32i: 4, rg8ui: 2, rg8i: 2, rg16ui: 4, rg16i: 4, rg32ui: 8, rg32i: 8, rgba8ui: 4, rgba8i: 4, rgba16ui: 8, rgba16i: 8, rgba32ui: 16, rgba32i: 16, rgb10a2ui: 4,
};

/** Offset in bytes of pixel (x, y) in a surface of the given layout. */
export function pixelOffset(layout: number, x: number, y: number, stride: number, bpp: number): number {
  if (layout === 0) return y * stride + x * bpp;
  const B = TWIDDLE_BLOCK;
  const bx = (x / B) | 0, by = (y / B) | 0;
  const blocksPerRow = stride / (B * bpp);
  const blockIndex = by * blocksPerRow + bx;
  return (blockIndex * B * B + morton2(x & (B - 1), y & (B - 1))) * bpp;
}

/** Interleave the low 8 bits of x (even bits) and y (odd bits). */
export function morton2(x: number, y: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= (((x >> i) & 1) << (2 * i)) | (((y >> i) & 1) << (2 * i + 1));
  return r;
}
