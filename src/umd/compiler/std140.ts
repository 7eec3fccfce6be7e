/**
 * The standard uniform block layout (OpenGL ES 3.0 § 2.12.6.4, "Standard Uniform Block Layout"):
 * where each member of a GLSL ES 3.00 uniform block lives in the buffer the application fills.
 * Blocks declared `shared` or `packed` are laid out the same way (their layout is the
 * implementation's to choose; std140 is one that every program agrees on).
 *
 * The rules, with N = 4 bytes (a 32-bit scalar):
 *  1. a scalar is aligned to N;
 *  2. a two-component vector to 2N, a three- or four-component vector to 4N;
 *  3. an array of scalars or vectors: its elements' alignment rounded up to a vec4's (16 bytes) is
 *     both the array's alignment and its stride;
 *  4. a column-major matrix of C columns and R rows is an array of C vectors of R components;
 *  5. an array of S such matrices is an array of S x C vectors;
 *  6-7. a row-major matrix (array) is the same with rows for columns;
 *  8. a structure is aligned to its most aligned member rounded up to 16, its members placed in
 *     order by these rules, and its size padded to that alignment;
 *  9. an array of structures: each element as rule 8, one after the other.
 * Each member begins at the first multiple of its alignment past the member before it.
 */
import type * as A from './glsl/ast.js';
import type { GlslType } from './glsl/types.js';

export interface Std140Layout {
  /** base alignment in bytes */
  readonly align: number;
  /** bytes the value occupies (arrays and structures padded as the rules say) */
  readonly size: number;
  /** byte offset of each scalar, in the front end's flattening order (vectors by component, matrices column-major, structs by field, arrays by element) */
  readonly scalars: readonly number[];
}

const roundUp = (x: number, a: number): number => Math.ceil(x / a) * a;

/** The std140 layout of one value of type `t`; `rowMajor` stores its matrices row by row. */
export function std140(t: GlslType, rowMajor: boolean): Std140Layout {
  switch (t.tag) {
    case 'scalar': return { align: 4, size: 4, scalars: [0] };
    case 'vector': return { align: t.size === 2 ? 8 : 16, size: 4 * t.size, scalars: Array.from({ length: t.size }, (_, i) => 4 * i) };
    case 'matrix': {
      // C column vectors of R components (or R row vectors of C), each vec4-aligned (rules 3, 4, 6)
      const scalars: number[] = [];
      for (let c = 0; c < t.cols; c++) for (let r = 0; r < t.rows; r++) scalars.push(rowMajor ? r * 16 + c * 4 : c * 16 + r * 4);
      return { align: 16, size: 16 * (rowMajor ? t.rows : t.cols), scalars };
    }
    case 'array': {
      const el = std140(t.element, rowMajor);
      const stride = roundUp(el.size, 16);
      const scalars: number[] = [];
      for (let i = 0; i < t.size; i++) for (const o of el.scalars) scalars.push(i * stride + o);
      return { align: 16, size: stride * t.size, scalars };
    }
    case 'struct': {
      let at = 0;
      const scalars: number[] = [];
      for (const f of t.fields) {
        const fl = std140(f.type, rowMajor);
        at = roundUp(at, fl.align);
        for (const o of fl.scalars) scalars.push(at + o);
        at += fl.size;
      }
      return { align: 16, size: roundUp(at, 16), scalars };
    }
    default: throw new Error(`no std140 layout for ${t.tag}`);
  }
}

/** One active uniform of a block as getActiveUniforms reports it (ES 3.0 § 2.12.6). */
export interface BlockLeaf {
  /** the API's name: `Block.member`, `member` (no instance name), `Block.s.f`, `Block.a[0]` */
  readonly name: string;
  /** the element's type (of a basic type, or an array of one: `size` elements) */
  readonly type: GlslType;
  readonly size: number;
  /** bytes from the block's start to element 0 */
  readonly offset: number;
  /** bytes between array elements (0: not an array) */
  readonly arrayStride: number;
  /** bytes between a matrix's columns (rows if row-major); 0: not a matrix */
  readonly matrixStride: number;
  readonly rowMajor: boolean;
}

export interface BlockLayout {
  /** UNIFORM_BLOCK_DATA_SIZE: the bytes the buffer range must hold (the last member's end, rounded up to 16) */
  readonly dataSize: number;
  /** per member, the byte offset of each of its flattened scalars from the block's start */
  readonly members: ReadonlyArray<readonly number[]>;
  readonly leaves: readonly BlockLeaf[];
}

/** Lays out a uniform block's members one after the other, as a structure's (rule 8). */
export function layoutBlock(block: A.UniformBlock): BlockLayout {
  let at = 0;
  const members: number[][] = [];
  const leaves: BlockLeaf[] = [];
  const prefix = block.instanceName !== undefined ? `${block.name}.` : '';
  for (const m of block.members) {
    const l = std140(m.type, m.rowMajor);
    at = roundUp(at, l.align);
    members.push(l.scalars.map((o) => at + o));
    leavesOf(`${prefix}${m.name}`, m.type, m.rowMajor, at, leaves);
    at += l.size;
  }
  return { dataSize: roundUp(at, 16), members, leaves };
}

function leavesOf(name: string, t: GlslType, rowMajor: boolean, offset: number, out: BlockLeaf[]): void {
  if (t.tag === 'struct') {
    let at = offset;
    for (const f of t.fields) {
      const fl = std140(f.type, rowMajor);
      at = roundUp(at, fl.align);
      leavesOf(`${name}.${f.name}`, f.type, rowMajor, at, out);
      at += fl.size;
    }
    return;
  }
  if (t.tag === 'array') {
    const el = std140(t.element, rowMajor), stride = roundUp(el.size, 16);
    if (t.element.tag === 'struct' || t.element.tag === 'array') {
      for (let i = 0; i < t.size; i++) leavesOf(`${name}[${i}]`, t.element, rowMajor, offset + i * stride, out);
      return;
    }
    out.push({ name: `${name}[0]`, type: t.element, size: t.size, offset, arrayStride: stride, matrixStride: t.element.tag === 'matrix' ? 16 : 0, rowMajor: rowMajor && t.element.tag === 'matrix' });
    return;
  }
  out.push({ name, type: t, size: 1, offset, arrayStride: 0, matrixStride: t.tag === 'matrix' ? 16 : 0, rowMajor: rowMajor && t.tag === 'matrix' });
}
