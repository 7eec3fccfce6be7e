/**
 * WebAssembly's binary opcodes, as data (from the WebAssembly core
 * specification 2.0, section 5.4 "Instructions", and the SIMD128 proposal's
 * opcode table, now part of the core spec). Only what Akari's translators
 * emit is listed; adding a row is all a new instruction needs.
 *
 * Plain instructions are one byte. SIMD instructions are the prefix 0xFD
 * followed by their number as an unsigned LEB128; `SIMD` holds that number.
 */

/** Value types (spec 5.3.1, 5.3.2). */
export const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValType = keyof typeof VALTYPE;

/** The block type of a block/loop/if without results. */
export const BLOCKTYPE_EMPTY = 0x40;

/** Section ids (spec 5.5.2). */
export const SECTION = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11,
} as const;

/** Import/export descriptor kinds (spec 5.5.5, 5.5.10). */
export const EXTERNAL_KIND = { func: 0x00, table: 0x01, memory: 0x02, global: 0x03 } as const;

/** Limits flags (spec 5.3.4; the threads proposal adds shared = 0x03). */
export const LIMITS = { min: 0x00, minMax: 0x01, sharedMinMax: 0x03 } as const;

export const FUNC_TYPE = 0x60;

/** One-byte instructions. */
export const OP = {
  unreachable: 0x00, nop: 0x01, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b,
  br: 0x0c, br_if: 0x0d, return: 0x0f, call: 0x10, drop: 0x1a, select: 0x1b,
  'local.get': 0x20, 'local.set': 0x21, 'local.tee': 0x22, 'global.get': 0x23, 'global.set': 0x24,
  'i32.load': 0x28, 'f32.load': 0x2a, 'f64.load': 0x2b, 'i32.load8_u': 0x2d, 'i32.load16_u': 0x2f,
  'i32.store': 0x36, 'i64.store': 0x37, 'f32.store': 0x38, 'f64.store': 0x39, 'i32.store8': 0x3a, 'i32.store16': 0x3b,
  'i32.const': 0x41, 'i64.const': 0x42, 'f32.const': 0x43, 'f64.const': 0x44,
  'i32.eqz': 0x45, 'i32.eq': 0x46, 'i32.ne': 0x47, 'i32.lt_s': 0x48, 'i32.lt_u': 0x49, 'i32.gt_s': 0x4a, 'i32.gt_u': 0x4b,
  'i32.le_s': 0x4c, 'i32.le_u': 0x4d, 'i32.ge_s': 0x4e, 'i32.ge_u': 0x4f,
  'f32.eq': 0x5b, 'f32.ne': 0x5c, 'f32.lt': 0x5d, 'f32.gt': 0x5e, 'f32.le': 0x5f, 'f32.ge': 0x60,
  'i32.clz': 0x67, 'i32.ctz': 0x68, 'i32.popcnt': 0x69,
  'i32.add': 0x6a, 'i32.sub': 0x6b, 'i32.mul': 0x6c, 'i32.div_s': 0x6d, 'i32.div_u': 0x6e, 'i32.rem_s': 0x6f, 'i32.rem_u': 0x70,
  'i32.and': 0x71, 'i32.or': 0x72, 'i32.xor': 0x73, 'i32.shl': 0x74, 'i32.shr_s': 0x75, 'i32.shr_u': 0x76,
  'f32.abs': 0x8b, 'f32.neg': 0x8c, 'f32.ceil': 0x8d, 'f32.floor': 0x8e, 'f32.trunc': 0x8f, 'f32.nearest': 0x90, 'f32.sqrt': 0x91,
  'f32.add': 0x92, 'f32.sub': 0x93, 'f32.mul': 0x94, 'f32.div': 0x95, 'f32.min': 0x96, 'f32.max': 0x97,
  'f64.eq': 0x61, 'f64.lt': 0x63, 'f64.gt': 0x64, 'f64.le': 0x65, 'f64.ge': 0x66, 'f64.min': 0xa4, 'f64.max': 0xa5,
  'f64.ne': 0x62, 'f64.abs': 0x99, 'f64.neg': 0x9a, 'f64.ceil': 0x9b, 'f64.floor': 0x9c,
  'i32.trunc_f64_s': 0xaa, 'i32.trunc_f64_u': 0xab, 'f64.convert_i32_s': 0xb7,
  'f64.convert_i32_u': 0xb8, 'f64.add': 0xa0, 'f64.sub': 0xa1, 'f64.mul': 0xa2, 'f64.div': 0xa3,
  'i32.trunc_f32_s': 0xa8, 'f32.convert_i32_s': 0xb2, 'f32.demote_f64': 0xb6, 'f64.promote_f32': 0xbb,
  'i32.reinterpret_f32': 0xbc, 'f32.reinterpret_i32': 0xbe,
} as const;
export type Op = keyof typeof OP;

/** Instructions with a memory argument (align, offset). */
export const MEMARG_OPS: ReadonlySet<string> = new Set([
  'i32.load', 'f32.load', 'f64.load', 'i32.load8_u', 'i32.load16_u', 'i32.store', 'i64.store', 'f32.store', 'f64.store', 'i32.store8', 'i32.store16',
]);

export const SIMD_PREFIX = 0xfd;

/** SIMD128 instructions: the number after the 0xFD prefix. */
export const SIMD = {
  'v128.load': 0x00, 'v128.load32_splat': 0x09, 'v128.store': 0x0b, 'v128.const': 0x0c, 'i8x16.shuffle': 0x0d,
  'i8x16.swizzle': 0x0e, 'i8x16.splat': 0x0f, 'i32x4.splat': 0x11, 'f32x4.splat': 0x13, 'f64x2.splat': 0x14,
  'i32x4.extract_lane': 0x1b, 'i32x4.replace_lane': 0x1c, 'f32x4.extract_lane': 0x1f, 'f32x4.replace_lane': 0x20,
  'f64x2.extract_lane': 0x21, 'f64x2.replace_lane': 0x22,
  'i32x4.eq': 0x37, 'i32x4.ne': 0x38, 'i32x4.lt_s': 0x39, 'i32x4.lt_u': 0x3a, 'i32x4.gt_s': 0x3b, 'i32x4.gt_u': 0x3c,
  'i32x4.le_s': 0x3d, 'i32x4.le_u': 0x3e, 'i32x4.ge_s': 0x3f, 'i32x4.ge_u': 0x40,
  'f32x4.eq': 0x41, 'f32x4.ne': 0x42, 'f32x4.lt': 0x43, 'f32x4.gt': 0x44, 'f32x4.le': 0x45, 'f32x4.ge': 0x46,
  'v128.not': 0x4d, 'v128.and': 0x4e, 'v128.andnot': 0x4f, 'v128.or': 0x50, 'v128.xor': 0x51, 'v128.bitselect': 0x52,
  'v128.any_true': 0x53, 'f32x4.demote_f64x2_zero': 0x5e, 'f64x2.promote_low_f32x4': 0x5f,
  'f32x4.ceil': 0x67, 'f32x4.floor': 0x68, 'f32x4.trunc': 0x69, 'f32x4.nearest': 0x6a,
  'f64x2.floor': 0x75,
  'i32x4.all_true': 0xa3, 'i32x4.bitmask': 0xa4, 'i32x4.shl': 0xab, 'i32x4.shr_s': 0xac, 'i32x4.shr_u': 0xad,
  'i32x4.add': 0xae, 'i32x4.sub': 0xb1, 'i32x4.mul': 0xb5,
  'i32x4.min_s': 0xb6, 'i32x4.min_u': 0xb7, 'i32x4.max_s': 0xb8, 'i32x4.max_u': 0xb9,
  'f32x4.abs': 0xe0, 'f32x4.neg': 0xe1, 'f32x4.sqrt': 0xe3, 'f32x4.add': 0xe4, 'f32x4.sub': 0xe5, 'f32x4.mul': 0xe6,
  'f32x4.div': 0xe7, 'f32x4.min': 0xe8, 'f32x4.max': 0xe9, 'f32x4.pmin': 0xea, 'f32x4.pmax': 0xeb,
  'f64x2.min': 0xf4, 'f64x2.max': 0xf5,
  'f64x2.eq': 0x47, 'f64x2.ne': 0x48, 'f64x2.lt': 0x49, 'f64x2.gt': 0x4a, 'f64x2.le': 0x4b, 'f64x2.ge': 0x4c,
  'i64x2.extract_lane': 0x1d, 'i64x2.bitmask': 0xc4, 'i64x2.extend_low_i32x4_s': 0xc7, 'i64x2.extend_high_i32x4_s': 0xc8,
  'v128.load64_splat': 0x0a, 'v128.load64_zero': 0x5d, 'i32x4.trunc_sat_f64x2_s_zero': 0xfc, 'f64x2.convert_low_i32x4_s': 0xfe,
  'f64x2.abs': 0xec, 'f64x2.neg': 0xed, 'f64x2.sqrt': 0xef, 'f64x2.add': 0xf0, 'f64x2.sub': 0xf1, 'f64x2.mul': 0xf2, 'f64x2.div': 0xf3,
  'i32x4.trunc_sat_f32x4_s': 0xf8, 'i32x4.trunc_sat_f32x4_u': 0xf9, 'f32x4.convert_i32x4_s': 0xfa, 'f32x4.convert_i32x4_u': 0xfb,
  // 8- and 16-bit lanes and lane loads (the texture sampler's fixed-point filtering)
  'v128.load32_lane': 0x56, 'i16x8.splat': 0x10, 'i8x16.narrow_i16x8_u': 0x66, 'i16x8.narrow_i32x4_u': 0x86,
  'i16x8.extend_low_i8x16_u': 0x89, 'i16x8.extend_high_i8x16_u': 0x8a, 'i16x8.shr_u': 0x8d,
  'i16x8.add': 0x8e, 'i16x8.sub': 0x91, 'i16x8.mul': 0x95,
  // the sampler's paired texel loads and fixed-point lerps (a + round((b - a) w / 2^15))
  'v128.load64_lane': 0x57, 'i16x8.q15mulr_sat_s': 0x82,
} as const;
export type SimdOp = keyof typeof SIMD;

/** SIMD instructions with a memory argument. */
export const SIMD_MEMARG_OPS: ReadonlySet<string> = new Set(['v128.load', 'v128.load32_splat', 'v128.store', 'v128.load64_splat', 'v128.load64_zero', 'v128.load32_lane', 'v128.load64_lane']);
/** SIMD instructions followed by a lane index byte. */
export const SIMD_LANE_OPS: ReadonlySet<string> = new Set([
  'v128.load32_lane', 'v128.load64_lane', 'i32x4.extract_lane', 'i32x4.replace_lane', 'f32x4.extract_lane', 'f32x4.replace_lane', 'f64x2.extract_lane', 'f64x2.replace_lane', 'i64x2.extract_lane',
]);
