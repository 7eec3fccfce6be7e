/**
 * OpenGL ES 3.0's texture format table (ES 3.0 § 3.8.3, Tables 3.2 and
 * 3.3) as data: every valid (internalformat, format, type) combination of
 * a WebGL 2 texImage*, and for each sized internal format the (format,
 * type) whose hardware texture format (formats.ts texFormat) stores it —
 * the sized format's own: RGB565 is stored as 5:6:5 texels whatever data
 * it is given, RGBA16F as half floats, R11F_G11F_B10F as its packed word —
 * or none when the texture unit has no such format yet (README's limits:
 * INVALID_OPERATION). Data of another (format, type) of the row is
 * converted to the storage (textures2.ts).
 */
import { GL, GL2, EXT } from './constants.js';

/** A sized internal format: its (format, type) combinations (Table 3.2), whether it renders and filters, and its storage on Akari. */
export interface SizedFormat {
  readonly name: string;
  readonly internalformat: number;
  /** the (format, type) pairs ES 3.0 accepts for it */
  readonly combos: ReadonlyArray<readonly [number, number]>;
  /** the (format, type) whose texture format stores it; null: none yet */
  readonly storage: readonly [number, number] | null;
  /** colour- or depth/stencil-renderable (ES 3.0 Table 3.13, 3.14) */
  readonly renderable: boolean;
  /** texture-filterable (ES 3.0 Table 3.13) */
  readonly filterable: boolean;
}

const G = GL as unknown as Record<string, number>, G2 = GL2 as unknown as Record<string, number>;
const e = (n: string): number => G[n] ?? G2[n]!;
const HALF_OES = EXT.HALF_FLOAT_OES;
/** name, [format, type]..., storage (default: the first combination, HALF_FLOAT as the texture unit's half type), renderable, filterable */
const S = (name: string, combos: Array<[string, string]>, storage: [number, number] | null | undefined, renderable: boolean, filterable: boolean): SizedFormat => {
  const c = combos.map(([f, t]) => [e(f), e(t)] as const);
  const st = storage === undefined ? [c[0]![0], c[0]![1] === G2.HALF_FLOAT ? HALF_OES : c[0]![1]] as const : storage;
  return { name, internalformat: e(name), combos: c, storage: st, renderable, filterable };
};
const D = undefined;

export const SIZED_FORMATS: readonly SizedFormat[] = [
  S('RGBA8', [['RGBA', 'UNSIGNED_BYTE']], D, true, true),
  S('RGB5_A1', [['RGBA', 'UNSIGNED_BYTE'], ['RGBA', 'UNSIGNED_SHORT_5_5_5_1'], ['RGBA', 'UNSIGNED_INT_2_10_10_10_REV']], [GL.RGBA, GL.UNSIGNED_SHORT_5_5_5_1], true, true),
  S('RGBA4', [['RGBA', 'UNSIGNED_BYTE'], ['RGBA', 'UNSIGNED_SHORT_4_4_4_4']], [GL.RGBA, GL.UNSIGNED_SHORT_4_4_4_4], true, true),
  S('SRGB8_ALPHA8', [['RGBA', 'UNSIGNED_BYTE']], [EXT.SRGB_ALPHA_EXT, GL.UNSIGNED_BYTE], true, true),
  S('RGBA8_SNORM', [['RGBA', 'BYTE']], D, false, true),
  S('RGB10_A2', [['RGBA', 'UNSIGNED_INT_2_10_10_10_REV']], D, true, true),
  S('RGBA16F', [['RGBA', 'HALF_FLOAT'], ['RGBA', 'FLOAT']], D, false, true),
  S('RGBA32F', [['RGBA', 'FLOAT']], D, false, false),
  S('RGBA8UI', [['RGBA_INTEGER', 'UNSIGNED_BYTE']], D, true, false),
  S('RGBA8I', [['RGBA_INTEGER', 'BYTE']], D, true, false),
  S('RGB10_A2UI', [['RGBA_INTEGER', 'UNSIGNED_INT_2_10_10_10_REV']], D, true, false),
  S('RGBA16UI', [['RGBA_INTEGER', 'UNSIGNED_SHORT']], D, true, false),
  S('RGBA16I', [['RGBA_INTEGER', 'SHORT']], D, true, false),
  S('RGBA32I', [['RGBA_INTEGER', 'INT']], D, true, false),
  S('RGBA32UI', [['RGBA_INTEGER', 'UNSIGNED_INT']], D, true, false),
  S('RGB8', [['RGB', 'UNSIGNED_BYTE']], D, true, true),
  S('RGB565', [['RGB', 'UNSIGNED_BYTE'], ['RGB', 'UNSIGNED_SHORT_5_6_5']], [GL.RGB, GL.UNSIGNED_SHORT_5_6_5], true, true),
  S('SRGB8', [['RGB', 'UNSIGNED_BYTE']], [EXT.SRGB_EXT, GL.UNSIGNED_BYTE], false, true),
  S('RGB8_SNORM', [['RGB', 'BYTE']], D, false, true),
  S('R11F_G11F_B10F', [['RGB', 'UNSIGNED_INT_10F_11F_11F_REV'], ['RGB', 'HALF_FLOAT'], ['RGB', 'FLOAT']], D, false, true),
  S('RGB9_E5', [['RGB', 'UNSIGNED_INT_5_9_9_9_REV'], ['RGB', 'HALF_FLOAT'], ['RGB', 'FLOAT']], D, false, true),
  S('RGB16F', [['RGB', 'HALF_FLOAT'], ['RGB', 'FLOAT']], D, false, true),
  S('RGB32F', [['RGB', 'FLOAT']], D, false, false),
  S('RGB8UI', [['RGB_INTEGER', 'UNSIGNED_BYTE']], D, false, false),
  S('RGB8I', [['RGB_INTEGER', 'BYTE']], D, false, false),
  S('RGB16UI', [['RGB_INTEGER', 'UNSIGNED_SHORT']], D, false, false),
  S('RGB16I', [['RGB_INTEGER', 'SHORT']], D, false, false),
  S('RGB32UI', [['RGB_INTEGER', 'UNSIGNED_INT']], D, false, false),
  S('RGB32I', [['RGB_INTEGER', 'INT']], D, false, false),
  S('RG8', [['RG', 'UNSIGNED_BYTE']], D, true, true),
  S('RG8_SNORM', [['RG', 'BYTE']], D, false, true),
  S('RG16F', [['RG', 'HALF_FLOAT'], ['RG', 'FLOAT']], D, false, true),
  S('RG32F', [['RG', 'FLOAT']], D, false, false),
  S('RG8UI', [['RG_INTEGER', 'UNSIGNED_BYTE']], D, true, false),
  S('RG8I', [['RG_INTEGER', 'BYTE']], D, true, false),
  S('RG16UI', [['RG_INTEGER', 'UNSIGNED_SHORT']], D, true, false),
  S('RG16I', [['RG_INTEGER', 'SHORT']], D, true, false),
  S('RG32UI', [['RG_INTEGER', 'UNSIGNED_INT']], D, true, false),
  S('RG32I', [['RG_INTEGER', 'INT']], D, true, false),
  S('R8', [['RED', 'UNSIGNED_BYTE']], D, true, true),
  S('R8_SNORM', [['RED', 'BYTE']], D, false, true),
  S('R16F', [['RED', 'HALF_FLOAT'], ['RED', 'FLOAT']], D, false, true),
  S('R32F', [['RED', 'FLOAT']], D, false, false),
  S('R8UI', [['RED_INTEGER', 'UNSIGNED_BYTE']], D, true, false),
  S('R8I', [['RED_INTEGER', 'BYTE']], D, true, false),
  S('R16UI', [['RED_INTEGER', 'UNSIGNED_SHORT']], D, true, false),
  S('R16I', [['RED_INTEGER', 'SHORT']], D, true, false),
  S('R32UI', [['RED_INTEGER', 'UNSIGNED_INT']], D, true, false),
  S('R32I', [['RED_INTEGER', 'INT']], D, true, false),
  S('DEPTH_COMPONENT16', [['DEPTH_COMPONENT', 'UNSIGNED_SHORT'], ['DEPTH_COMPONENT', 'UNSIGNED_INT']], [GL.DEPTH_COMPONENT, GL.UNSIGNED_SHORT], true, false),
  S('DEPTH_COMPONENT24', [['DEPTH_COMPONENT', 'UNSIGNED_INT']], D, true, false),
  S('DEPTH_COMPONENT32F', [['DEPTH_COMPONENT', 'FLOAT']], D, true, false),
  S('DEPTH24_STENCIL8', [['DEPTH_STENCIL', 'UNSIGNED_INT_24_8']], [GL.DEPTH_STENCIL, EXT.UNSIGNED_INT_24_8_WEBGL], true, false),
  S('DEPTH32F_STENCIL8', [['DEPTH_STENCIL', 'FLOAT_32_UNSIGNED_INT_24_8_REV']], D, true, false),
];

/** ES 3.0 Table 3.3: the unsized internal formats and their (format, type) pairs (internalformat = format). */
export const UNSIZED_COMBOS: ReadonlyArray<readonly [number, number]> = [
  [GL.RGBA, GL.UNSIGNED_BYTE], [GL.RGBA, GL.UNSIGNED_SHORT_4_4_4_4], [GL.RGBA, GL.UNSIGNED_SHORT_5_5_5_1],
  [GL.RGB, GL.UNSIGNED_BYTE], [GL.RGB, GL.UNSIGNED_SHORT_5_6_5],
  [GL.LUMINANCE_ALPHA, GL.UNSIGNED_BYTE], [GL.LUMINANCE, GL.UNSIGNED_BYTE], [GL.ALPHA, GL.UNSIGNED_BYTE],
];

export const SIZED_BY_ENUM = new Map(SIZED_FORMATS.map((f) => [f.internalformat, f]));
/** every format and type enum the table names (others: INVALID_ENUM) */
export const FORMATS_2 = new Set([...SIZED_FORMATS.flatMap((f) => f.combos.map((c) => c[0])), ...UNSIZED_COMBOS.map((c) => c[0])]);
export const TYPES_2 = new Set([...SIZED_FORMATS.flatMap((f) => f.combos.map((c) => c[1])), ...UNSIZED_COMBOS.map((c) => c[1])]);

/**
 * What ES 3.0 makes of a texImage (internalformat, format, type): the WebGL 1 (format, type) to store
 * it as, or the GL error (INVALID_ENUM for an unknown format or type, INVALID_VALUE for an unknown
 * internal format, INVALID_OPERATION for a combination the table does not have or a format the
 * texture unit has no storage for yet).
 */
export function resolveTexFormat(internalformat: number, format: number, type: number): { storage: readonly [number, number]; sized: SizedFormat | null } | { error: number } {
  if (!FORMATS_2.has(format) || !TYPES_2.has(type)) return { error: GL.INVALID_ENUM };
  const sized = SIZED_BY_ENUM.get(internalformat);
  if (!sized) {
    if (!UNSIZED_COMBOS.some((c) => c[0] === internalformat)) return { error: GL.INVALID_VALUE };
    if (internalformat !== format || !UNSIZED_COMBOS.some((c) => c[0] === format && c[1] === type)) return { error: GL.INVALID_OPERATION };
    return { storage: [format, type], sized: null };
  }
  if (!sized.combos.some((c) => c[0] === format && c[1] === type)) return { error: GL.INVALID_OPERATION };
  if (!sized.storage) return { error: GL.INVALID_OPERATION };
  return { storage: sized.storage, sized };
}
