/**
 * GL enum tables the front end's modules share: which enums a parameter
 * takes and what they mean to the driver (pipe.ts names the hardware's
 * terms: COMPARE, STENCIL_OP, BLEND_EQ, BLEND_FACTOR in hwdesc), the uniform
 * and attribute types, and the desktop GL 2.1 enums of compatibility
 * contexts. The enum values themselves are constants.ts.
 */
import { GL, EXT } from './constants.js';
import type { BlendEquation, BlendFactor, CompareFunc, StencilOp } from '../umd/pipe/pipe.js';

/** glDepthFunc / glStencilFunc / TEXTURE_COMPARE_FUNC, in the order of the hardware's COMPARE */
export const COMPARE_FUNCS = [GL.NEVER, GL.LESS, GL.EQUAL, GL.LEQUAL, GL.GREATER, GL.NOTEQUAL, GL.GEQUAL, GL.ALWAYS] as number[];
export const COMPARE_NAMES: Record<number, CompareFunc> = {
  [GL.NEVER]: 'never', [GL.LESS]: 'less', [GL.EQUAL]: 'equal', [GL.LEQUAL]: 'lequal', [GL.GREATER]: 'greater', [GL.NOTEQUAL]: 'notequal', [GL.GEQUAL]: 'gequal', [GL.ALWAYS]: 'always',
};
export const STENCIL_OPS: Record<number, StencilOp> = {
  [GL.KEEP]: 'keep', [GL.ZERO]: 'zero', [GL.REPLACE]: 'replace', [GL.INCR]: 'incr', [GL.DECR]: 'decr', [GL.INVERT]: 'invert', [GL.INCR_WRAP]: 'incr_wrap', [GL.DECR_WRAP]: 'decr_wrap',
};
export const BLEND_EQUATIONS: Record<number, BlendEquation> = {
  [GL.FUNC_ADD]: 'add', [GL.FUNC_SUBTRACT]: 'subtract', [GL.FUNC_REVERSE_SUBTRACT]: 'reverse_subtract', [EXT.MIN_EXT]: 'min', [EXT.MAX_EXT]: 'max',
};
export const BLEND_FACTORS: Record<number, BlendFactor> = {
  [GL.ZERO]: 'zero', [GL.ONE]: 'one', [GL.SRC_COLOR]: 'src_color', [GL.ONE_MINUS_SRC_COLOR]: 'one_minus_src_color',
  [GL.DST_COLOR]: 'dst_color', [GL.ONE_MINUS_DST_COLOR]: 'one_minus_dst_color', [GL.SRC_ALPHA]: 'src_alpha',
  [GL.ONE_MINUS_SRC_ALPHA]: 'one_minus_src_alpha', [GL.DST_ALPHA]: 'dst_alpha', [GL.ONE_MINUS_DST_ALPHA]: 'one_minus_dst_alpha',
  [GL.CONSTANT_COLOR]: 'constant_color', [GL.ONE_MINUS_CONSTANT_COLOR]: 'one_minus_constant_color',
  [GL.CONSTANT_ALPHA]: 'constant_alpha', [GL.ONE_MINUS_CONSTANT_ALPHA]: 'one_minus_constant_alpha', [GL.SRC_ALPHA_SATURATE]: 'src_alpha_saturate',
};

/** GL 2.1 enums of 1D and depth textures (compatibility contexts only) */
export const TEXTURE_1D = 0x0de0, SAMPLER_1D = 0x8b5d, SAMPLER_1D_SHADOW = 0x8b61, SAMPLER_2D_SHADOW = 0x8b62;
export const DEPTH_TEXTURE_MODE = 0x884b, TEXTURE_COMPARE_MODE = 0x884c, TEXTURE_COMPARE_FUNC = 0x884d, COMPARE_R_TO_TEXTURE = 0x884e;
export const INTENSITY = 0x8049;

/** The texture binding a sampler uniform type reads. */
export function samplerTarget(type: number): number {
  // ES 3.0: SAMPLER_CUBE_SHADOW reads the cube map binding, SAMPLER_3D the 3D one, SAMPLER_2D_ARRAY(_SHADOW) the 2D array one
  // and the integer samplers theirs (INT_/UNSIGNED_INT_SAMPLER_CUBE, _3D, _2D_ARRAY)
  return type === GL.SAMPLER_CUBE || type === 0x8dc5 || type === 0x8dcc || type === 0x8dd4 ? GL.TEXTURE_CUBE_MAP : type === SAMPLER_1D || type === SAMPLER_1D_SHADOW ? TEXTURE_1D
    : type === 0x8b5f || type === 0x8dcb || type === 0x8dd3 ? 0x806f : type === 0x8dc1 || type === 0x8dc4 || type === 0x8dcf || type === 0x8dd7 ? 0x8c1a : GL.TEXTURE_2D;
}

/** Uniform type -> base kind and component count (matrices: columns x rows). */
export const UNIFORM_TYPES: Record<number, { base: 'f' | 'i' | 'u' | 'b' | 's'; n: number; cols?: number }> = {
  // GLSL ES 3.00 unsigned integers (WebGL 2) and its samplers: sampler3D, sampler2DArray, the shadow, int and uint samplers
  [GL.UNSIGNED_INT]: { base: 'u', n: 1 }, 0x8dc6: { base: 'u', n: 2 }, 0x8dc7: { base: 'u', n: 3 }, 0x8dc8: { base: 'u', n: 4 },
  0x8b5f: { base: 's', n: 1 }, 0x8dc1: { base: 's', n: 1 }, 0x8dc4: { base: 's', n: 1 }, 0x8dc5: { base: 's', n: 1 },
  0x8dca: { base: 's', n: 1 }, 0x8dcb: { base: 's', n: 1 }, 0x8dcc: { base: 's', n: 1 }, 0x8dcf: { base: 's', n: 1 },
  0x8dd2: { base: 's', n: 1 }, 0x8dd3: { base: 's', n: 1 }, 0x8dd4: { base: 's', n: 1 }, 0x8dd7: { base: 's', n: 1 },
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
/** Attribute slots a matrix attribute takes (one per column). */
export const ATTRIB_SLOTS: Record<number, number> = { [GL.FLOAT_MAT2]: 2, [GL.FLOAT_MAT3]: 3, [GL.FLOAT_MAT4]: 4 };

/** Bytes of a vertex attribute component type. */
/** ES 3.0's packed vertex types: one 32-bit word per element (its four components) */
export const PACKED_TYPES: readonly number[] = [0x8d9f /* INT_2_10_10_10_REV */, 0x8368 /* UNSIGNED_INT_2_10_10_10_REV */];
/** The bytes of one array element of `size` components of `type` (a packed element is one word). */
export const elementBytes = (size: number, t: number): number => (PACKED_TYPES.includes(t) ? 4 : size * typeSize(t));
export const typeSize = (t: number): number => (t === GL.FLOAT || t === GL.INT || t === GL.UNSIGNED_INT || PACKED_TYPES.includes(t) ? 4 : t === GL.SHORT || t === GL.UNSIGNED_SHORT || t === 0x140b /* HALF_FLOAT */ ? 2 : 1);
