/**
 * The Akari shader ISA, described once as data.
 *
 * Scalar SIMT: a warp runs 16 lanes (a fragment warp is four 2x2 quads, so
 * derivatives and implicit texture LOD come from quad neighbours). Every
 * instruction is 64 bits. Each lane has up to 256 32-bit general registers
 * r0..r255; all lanes share up to 1024 uniform registers u0..u1023 that the
 * hardware preloads from the shader's uniform buffer, special registers
 * (lane id, vertex id, fragment coordinate, ...) and a table of inline float
 * constants. Registers are untyped bits: float ops read IEEE single, integer
 * ops read two's complement.
 *
 * Control flow is structured and driven by an execution mask, as on AGX and
 * Mali: `if`/`else`/`endif` push and pop the mask, `loop`/`endloop` repeat
 * while any lane is still in the loop, `break`/`continue` retire lanes until
 * the loop's end, `discard` retires them for good. `if` and `else` carry the
 * offset of their matching `else`/`endif` so a warp with no active lane jumps
 * over the body.
 *
 * The encoder, decoder, disassembler and assembler (isa-codec.ts) are derived
 * from the tables below.
 */

/** Operand source kinds, in bits [10:8] of an 11-bit source field. */
export const SRC_KIND = ['r', 'u0', 'u1', 'u2', 'u3', 'sr', 'c', 'rsvd'] as const;
export const SRC_KIND_GPR = 0;
export const SRC_KIND_UNIFORM0 = 1; // u[0..255]; kinds 1..4 are the four banks of 256
export const SRC_KIND_SPECIAL = 5;
export const SRC_KIND_CONST = 6;

/** Special registers (source kind `sr`). */
export const SPECIAL_REGS = [
  'lane_id', 'vertex_id', 'instance_id', 'frag_x', 'frag_y', 'frag_z', 'frag_w',
  'front_facing', 'point_x', 'point_y',
] as const;

/** Inline constants (source kind `c`): values an ALU op can use without a register. */
export const INLINE_CONSTANTS: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 0.5, 0.25, 0.125, -1, -2, -0.5, 255, 1 / 255,
  Math.fround(Math.PI), Math.fround(Math.PI * 2), Math.fround(Math.PI / 2), Math.fround(Math.E), 10, 16, 32, 64, 100, 1000, 0.1, 0.01,
  Math.fround(1 / Math.LN2), Math.fround(Math.LN2), 1e-6,
].map(Math.fround);

/** Comparison codes (the `cond` field). */
export const COND = ['eq', 'ne', 'lt', 'ge', 'le', 'gt'] as const;

/**
 * Texture lookup mode (the `cond` field of tex). fetch and size take integer
 * operands (the core hands the texture unit their values): fetch reads the
 * texel at integer coordinates r[a].. of level int(b) unfiltered and
 * unwrapped ((0, 0, 0, 0) outside the level, as robust access reads); size
 * writes the integer width, height and depth (1 for 2D and cube) of level
 * int(b) to dst.., and the texture's level count to dst+3 (all 0 without a
 * texture).
 */
export const TEX_MODE = ['implicit', 'bias', 'lod', 'grad', 'fetch', 'size'] as const;
/** tex `dim`: the coordinates' shape — 2d (s, t), cube (x, y, z), 3d (s, t, r), 2d_array (s, t, layer) — and how many registers they take */
export const TEX_INSTR_DIM = ['2d', 'cube', '3d', '2d_array'] as const;
export const TEX_DIM_COORDS: readonly number[] = [2, 3, 3, 3];
/** tex `offset`: the texel offsets (ES 3.0 textureOffset), signed 4-bit fields of one 32-bit operand: x in bits 3:0, y in 7:4, z in 11:8 */
export const TEX_OFFSET_BITS = 4;

export type FieldName =
  | 'op' | 'dst' | 'a' | 'b' | 'c' | 'nega' | 'absa' | 'negb' | 'absb' | 'negc' | 'absc' | 'sat' | 'cond'
  | 'imm32' | 'target' | 'slot' | 'comp' | 'base' | 'sampler' | 'dim' | 'shadow' | 'count' | 'offset' | 'int';

export interface BitField {
  readonly name: FieldName;
  readonly lo: number;
  readonly width: number;
  readonly signed?: boolean;
}

/** Instruction forms: which fields an instruction has and where they sit. */
export const FORMS = {
  /** dst = op(a, b, c) with source modifiers and saturate */
  alu: [
    { name: 'op', lo: 0, width: 8 }, { name: 'dst', lo: 8, width: 8 },
    { name: 'a', lo: 16, width: 11 }, { name: 'b', lo: 27, width: 11 }, { name: 'c', lo: 38, width: 11 },
    { name: 'nega', lo: 49, width: 1 }, { name: 'absa', lo: 50, width: 1 },
    { name: 'negb', lo: 51, width: 1 }, { name: 'absb', lo: 52, width: 1 },
    { name: 'negc', lo: 53, width: 1 }, { name: 'absc', lo: 54, width: 1 },
    { name: 'sat', lo: 55, width: 1 }, { name: 'cond', lo: 56, width: 4 },
  ],
  /** dst = 32-bit immediate */
  imm: [{ name: 'op', lo: 0, width: 8 }, { name: 'dst', lo: 8, width: 8 }, { name: 'imm32', lo: 32, width: 32 }],
  /** structured control flow; `a` is the lane condition, `target` the skip offset in instructions */
  cf: [
    { name: 'op', lo: 0, width: 8 }, { name: 'a', lo: 16, width: 11 },
    { name: 'target', lo: 32, width: 20, signed: true },
  ],
  /** dst = attribute `slot` component `comp`, fetched per the draw's ATTRIBUTE descriptors */
  attr: [{ name: 'op', lo: 0, width: 8 }, { name: 'dst', lo: 8, width: 8 }, { name: 'slot', lo: 32, width: 5 }, { name: 'comp', lo: 40, width: 2 }],
  /** varying/output slot `slot` <-> register */
  vary: [{ name: 'op', lo: 0, width: 8 }, { name: 'dst', lo: 8, width: 8 }, { name: 'a', lo: 16, width: 11 }, { name: 'slot', lo: 32, width: 8 }],
  /** render-target output: slot = render target (15 = depth), comp = channel */
  out: [{ name: 'op', lo: 0, width: 8 }, { name: 'a', lo: 16, width: 11 }, { name: 'slot', lo: 32, width: 4 }, { name: 'comp', lo: 40, width: 2 }],
  /** texture: dst..dst+3 = sample(sampler, coords in r[a]..), b = lod/bias, c = extra coord or dPdx base;
   *  dim: TEX_INSTR_DIM (TEX_DIM_COORDS coordinate registers); shadow: one more coordinate register, the
   *  depth reference (r[a+2] for 2d, r[a+3] for cube and 2d_array);
   *  offset: texel offsets packed in one operand (TEX_OFFSET_BITS), c (b in grad mode, which has no
   *  lod), read once for the warp (lane 0's value of a register);
   *  int: an integer return (GLSL ES 3.00 isampler*, usampler*): the texture unit returns an integer
   *  format's texels as their 32-bit integers, unfiltered (the nearest texel of the nearest level
   *  whatever the filters say), and dst.. receive those bits; an incomplete texture gives (0, 0, 0, 1)
   *  as integers. A float format's texels under int, or an integer format's without it, are the
   *  unit's values converted (GL leaves the mismatch undefined). Size mode ignores it */
  tex: [
    { name: 'op', lo: 0, width: 8 }, { name: 'dst', lo: 8, width: 8 },
    { name: 'a', lo: 16, width: 11 }, { name: 'b', lo: 27, width: 11 }, { name: 'c', lo: 38, width: 11 },
    { name: 'sampler', lo: 49, width: 5 }, { name: 'shadow', lo: 55, width: 1 }, { name: 'cond', lo: 56, width: 4 },
    { name: 'offset', lo: 60, width: 1 }, { name: 'dim', lo: 61, width: 2 }, { name: 'int', lo: 63, width: 1 },
  ],
  /** indirect register/uniform access: index in `a`, constant `base`, value in `b` for stores */
  ind: [
    { name: 'op', lo: 0, width: 8 }, { name: 'dst', lo: 8, width: 8 },
    { name: 'a', lo: 16, width: 11 }, { name: 'b', lo: 27, width: 11 }, { name: 'base', lo: 40, width: 16 },
  ],
  /** global memory: 64-bit address in r[a], r[a+1]; byte offset `base`; value in `b` for stores */
  mem: [
    { name: 'op', lo: 0, width: 8 }, { name: 'dst', lo: 8, width: 8 },
    { name: 'a', lo: 16, width: 11 }, { name: 'b', lo: 27, width: 11 }, { name: 'base', lo: 40, width: 16, signed: true },
  ],
  /** no operands */
  none: [{ name: 'op', lo: 0, width: 8 }],
} as const satisfies Record<string, readonly BitField[]>;

export type FormName = keyof typeof FORMS;

export interface OpDesc {
  readonly name: string;
  readonly form: FormName;
  /** number of sources used by an alu op (a, b, c) */
  readonly srcs?: number;
  /** whether the op reads/writes integer or float bits (for the disassembler's immediates) */
  readonly type?: 'f' | 'i' | 'u';
  readonly doc: string;
}

/** The opcode table. The index is the opcode; never reorder, only append. */
export const OPS: readonly OpDesc[] = [
  { name: 'nop', form: 'none', doc: 'nothing' },
  { name: 'end', form: 'none', doc: 'the thread ends' },
  { name: 'mov', form: 'alu', srcs: 1, type: 'f', doc: 'dst = a, bits untouched (integers move too); neg flips and abs clears the sign bit; sat clamps as float' },
  { name: 'movi', form: 'imm', doc: 'dst = imm32' },
  { name: 'fadd', form: 'alu', srcs: 2, type: 'f', doc: 'dst = a + b' },
  { name: 'fmul', form: 'alu', srcs: 2, type: 'f', doc: 'dst = a * b' },
  { name: 'ffma', form: 'alu', srcs: 3, type: 'f', doc: 'dst = a * b + c' },
  { name: 'fmin', form: 'alu', srcs: 2, type: 'f', doc: 'dst = min(a, b); a NaN operand gives the other (IEEE-754 minNum)' },
  { name: 'fmax', form: 'alu', srcs: 2, type: 'f', doc: 'dst = max(a, b); a NaN operand gives the other (IEEE-754 maxNum)' },
  { name: 'frcp', form: 'alu', srcs: 1, type: 'f', doc: 'dst = 1 / a' },
  { name: 'frsq', form: 'alu', srcs: 1, type: 'f', doc: 'dst = 1 / sqrt(a)' },
  { name: 'fsqrt', form: 'alu', srcs: 1, type: 'f', doc: 'dst = sqrt(a)' },
  { name: 'fexp2', form: 'alu', srcs: 1, type: 'f', doc: 'dst = 2^a' },
  { name: 'flog2', form: 'alu', srcs: 1, type: 'f', doc: 'dst = log2(a)' },
  { name: 'fsin', form: 'alu', srcs: 1, type: 'f', doc: 'dst = sin(a), a in radians' },
  { name: 'fcos', form: 'alu', srcs: 1, type: 'f', doc: 'dst = cos(a), a in radians' },
  { name: 'ffloor', form: 'alu', srcs: 1, type: 'f', doc: 'dst = floor(a)' },
  { name: 'fceil', form: 'alu', srcs: 1, type: 'f', doc: 'dst = ceil(a)' },
  { name: 'ffract', form: 'alu', srcs: 1, type: 'f', doc: 'dst = a - floor(a)' },
  { name: 'ftrunc', form: 'alu', srcs: 1, type: 'f', doc: 'dst = trunc(a)' },
  { name: 'fround', form: 'alu', srcs: 1, type: 'f', doc: 'dst = round half to even(a)' },
  { name: 'fsign', form: 'alu', srcs: 1, type: 'f', doc: 'dst = sign(a)' },
  { name: 'fcmp', form: 'alu', srcs: 2, type: 'f', doc: 'dst = (a cond b) ? 1.0 : 0.0' },
  { name: 'fsel', form: 'alu', srcs: 3, type: 'f', doc: 'dst = (bits(a) != 0) ? b : c, bits untouched as mov (neg/abs on the sign bit; sat clamps as float)' },
  { name: 'fddx', form: 'alu', srcs: 1, type: 'f', doc: 'dst = d(a)/dx across the 2x2 quad' },
  { name: 'fddy', form: 'alu', srcs: 1, type: 'f', doc: 'dst = d(a)/dy across the 2x2 quad' },
  { name: 'iadd', form: 'alu', srcs: 2, type: 'i', doc: 'dst = a + b (wrapping)' },
  { name: 'isub', form: 'alu', srcs: 2, type: 'i', doc: 'dst = a - b (wrapping)' },
  { name: 'imul', form: 'alu', srcs: 2, type: 'i', doc: 'dst = a * b (low 32 bits)' },
  { name: 'idiv', form: 'alu', srcs: 2, type: 'i', doc: 'dst = a / b truncated (b = 0 gives 0)' },
  { name: 'imin', form: 'alu', srcs: 2, type: 'i', doc: 'dst = min(a, b) signed' },
  { name: 'imax', form: 'alu', srcs: 2, type: 'i', doc: 'dst = max(a, b) signed' },
  { name: 'and', form: 'alu', srcs: 2, type: 'u', doc: 'dst = a & b' },
  { name: 'or', form: 'alu', srcs: 2, type: 'u', doc: 'dst = a | b' },
  { name: 'xor', form: 'alu', srcs: 2, type: 'u', doc: 'dst = a ^ b' },
  { name: 'not', form: 'alu', srcs: 1, type: 'u', doc: 'dst = ~a' },
  { name: 'shl', form: 'alu', srcs: 2, type: 'u', doc: 'dst = a << (b & 31)' },
  { name: 'shr', form: 'alu', srcs: 2, type: 'u', doc: 'dst = a >>> (b & 31)' },
  { name: 'asr', form: 'alu', srcs: 2, type: 'i', doc: 'dst = a >> (b & 31)' },
  { name: 'icmp', form: 'alu', srcs: 2, type: 'i', doc: 'dst = (a cond b) ? 1 : 0, signed' },
  { name: 'ucmp', form: 'alu', srcs: 2, type: 'u', doc: 'dst = (a cond b) ? 1 : 0, unsigned' },
  { name: 'f2i', form: 'alu', srcs: 1, type: 'f', doc: 'dst = int(a), truncating, saturating' },
  { name: 'f2u', form: 'alu', srcs: 1, type: 'f', doc: 'dst = uint(a), truncating, saturating' },
  { name: 'i2f', form: 'alu', srcs: 1, type: 'i', doc: 'dst = float(signed a)' },
  { name: 'u2f', form: 'alu', srcs: 1, type: 'u', doc: 'dst = float(unsigned a)' },
  { name: 'if', form: 'cf', doc: 'push mask; lanes with bits(a) == 0 go inactive; if none active jump +target (to else/endif)' },
  { name: 'else', form: 'cf', doc: 'lanes active before the if and not taken by it become active; if none jump +target (to endif)' },
  { name: 'endif', form: 'cf', doc: 'pop mask' },
  { name: 'loop', form: 'cf', doc: 'push loop frame; if no lane active jump +target (past endloop)' },
  { name: 'break', form: 'cf', doc: 'lanes with bits(a) != 0 leave the loop' },
  { name: 'continue', form: 'cf', doc: 'lanes with bits(a) != 0 skip to the next iteration' },
  { name: 'endloop', form: 'cf', doc: 'lanes still in the loop iterate: jump +target (negative, to after loop) while any is' },
  { name: 'discard', form: 'cf', doc: 'lanes with bits(a) != 0 end and write nothing' },
  { name: 'ld_attr', form: 'attr', doc: 'dst = component comp of vertex attribute slot (format-converted to float/int)' },
  { name: 'st_vary', form: 'vary', doc: 'vertex output slot = a (slots 0-3 position, 4 point size, 8+ varyings)' },
  { name: 'ld_vary', form: 'vary', doc: 'dst = perspective-correct interpolation of varying slot' },
  { name: 'st_out', form: 'out', doc: 'fragment output: render target slot (15 = depth) channel comp = a' },
  { name: 'tex', form: 'tex', doc: "dst..dst+3 = sample texture `sampler` at coords r[a].. (dim 2d: s,t; cube: x,y,z); b = bias or lod; grad: c = dPdx.s base (dPdx.st, dPdy.st); shadow: the depth reference follows the coords, compared when the TEXTURE has compare set; fetch/size: integer operands (TEX_MODE); offset: packed texel offsets in c (b for grad), added to the texel coordinates at each level before wrapping; int: an integer format's texels as their integer bits, unfiltered" },
  { name: 'ld_u', form: 'ind', doc: 'dst = u[base + int(a)] (out of range reads 0)' },
  { name: 'ld_r', form: 'ind', doc: 'dst = r[base + int(a)] (out of range reads 0)' },
  { name: 'st_r', form: 'ind', doc: 'r[base + int(a)] = b (out of range is dropped)' },
  { name: 'ld_g', form: 'mem', doc: 'dst = 32-bit word at GPU VA (r[a] | r[a+1] << 32) + base' },
  { name: 'st_g', form: 'mem', doc: '32-bit word at GPU VA (r[a] | r[a+1] << 32) + base = b' },
  { name: 'fmod', form: 'alu', srcs: 2, type: 'f', doc: 'dst = a - b * floor(a / b)' },
  { name: 'fatan2', form: 'alu', srcs: 2, type: 'f', doc: 'dst = atan2(a, b)' },
  { name: 'fpow', form: 'alu', srcs: 2, type: 'f', doc: 'dst = a^b (undefined for a < 0)' },
  { name: 'ftan', form: 'alu', srcs: 1, type: 'f', doc: 'dst = tan(a)' },
  { name: 'fasin', form: 'alu', srcs: 1, type: 'f', doc: 'dst = asin(a)' },
  { name: 'facos', form: 'alu', srcs: 1, type: 'f', doc: 'dst = acos(a)' },
  { name: 'fatan', form: 'alu', srcs: 1, type: 'f', doc: 'dst = atan(a)' },
  // GLSL ES 3.00 integers (uint, %, unsigned min/max) and half-float packing.
  // Division by zero is defined so that every execution path agrees and
  // a == (a / b) * b + a % b still holds: the quotient is 0, the remainder a.
  { name: 'udiv', form: 'alu', srcs: 2, type: 'u', doc: 'dst = a / b unsigned, truncated (b = 0 gives 0)' },
  { name: 'umod', form: 'alu', srcs: 2, type: 'u', doc: 'dst = a % b unsigned (b = 0 gives a)' },
  { name: 'irem', form: 'alu', srcs: 2, type: 'i', doc: 'dst = a % b signed, truncated: the sign of a (b = 0 gives a; INT_MIN % -1 gives 0)' },
  { name: 'umin', form: 'alu', srcs: 2, type: 'u', doc: 'dst = min(a, b) unsigned' },
  { name: 'umax', form: 'alu', srcs: 2, type: 'u', doc: 'dst = max(a, b) unsigned' },
  { name: 'f2h', form: 'alu', srcs: 1, type: 'f', doc: 'dst = IEEE half bits of a in bits 15:0, rounded to nearest even (overflow gives infinity, NaN gives 0x7e00), bits 31:16 zero' },
  { name: 'h2f', form: 'alu', srcs: 1, type: 'u', doc: 'dst = the IEEE half in bits 15:0 of a as a float (exact; a NaN keeps its payload, quieted)' },
  // GLSL ES 3.00 flat inputs (integers among them): the provoking vertex's bits, not interpolated
  { name: 'ld_vary_flat', form: 'vary', doc: 'dst = the 32 bits of varying slot as the primitive\'s provoking vertex wrote them (flat: no interpolation, any type)' },
];

export const OPCODE: Readonly<Record<string, number>> = Object.fromEntries(OPS.map((o, i) => [o.name, i]));

/** Hardware limits the compiler must respect. */
export const WARP_LANES = 16;
export const MAX_GPRS = 256;
export const MAX_UNIFORMS = 1024;
export const VARY_POSITION = 0;
export const VARY_POINT_SIZE = 4;
export const VARY_FIRST_USER = 8;
export const MAX_VARY_SLOTS = 8 + 64;
export const OUT_DEPTH = 15;
