/**
 * GLSL ES 1.00 Appendix A.7 'Counting of Varyings and Uniforms': whether a shader's statically
 * used varyings (uniforms) fit MAX_VARYING_VECTORS (MAX_*_UNIFORM_VECTORS) rows of four columns
 * by the appendix's packing algorithm. WebGL requires a shader that does not fit to fail (the CTS's
 * shader-varying-packing-restrictions.html / shader-uniform-packing-restrictions.html); the
 * algorithm is the appendix's, in the form ANGLE's VariablePacker implements it:
 *  1. variables sorted by columns per row (4, 3, 2, 1), then by rows, largest first;
 *  2. 4-column variables (vec4, mat4 and — as the appendix says — mat2, 2 rows of 4) take whole
 *     rows from the top;
 *  3. 3-column variables (vec3, mat3) take columns 0-2 of the rows after them;
 *  4. 2-column variables (vec2) fill columns 0-1 downwards from there, then columns 2-3
 *     upwards from the bottom;
 *  5. 1-column variables each take the smallest run of free rows in any column that holds them.
 * An array of N takes N times its element's rows; struct members count one by one.
 */
import type { GlslType } from './types.js';

export interface PackingItem<T> {
  /** columns a row of the type takes (1..4) */
  readonly columns: number;
  /** rows of the whole variable (array elements included) */
  readonly rows: number;
  readonly what: T;
}

/** The packing items of a variable of type `t` (struct members and arrays of structs flattened). */
export function packingItems<T>(t: GlslType, what: T, count = 1, out: PackingItem<T>[] = []): PackingItem<T>[] {
  if (t.tag === 'array') return packingItems(t.element, what, count * Math.max(1, t.size), out);
  if (t.tag === 'struct') {
    for (const f of t.fields) packingItems(f.type, what, count, out);
    return out;
  }
  if (t.tag === 'matrix') {
    // mat2 packs as 2 rows of 4 columns (A.7); matCxR as C rows of R columns
    const columns = t.cols === 2 && t.rows === 2 ? 4 : t.rows;
    out.push({ columns, rows: t.cols * count, what });
  } else if (t.tag === 'vector') out.push({ columns: t.size, rows: count, what });
  else if (t.tag === 'scalar' || t.tag === 'sampler') out.push({ columns: 1, rows: count, what });
  return out;
}

/**
 * Packs the items into `maxRows` rows of 4 columns: undefined when they fit, else the first item
 * (in packing order) that does not.
 */
export function firstUnpacked<T>(items: readonly PackingItem<T>[], maxRows: number): PackingItem<T> | undefined {
  const sorted = items.slice().sort((a, b) => b.columns - a.columns || b.rows - a.rows);
  const used: boolean[][] = Array.from({ length: maxRows }, () => [false, false, false, false]);
  const fill = (top: number, rows: number, col: number, cols: number): void => {
    for (let r = top; r < top + rows; r++) for (let c = col; c < col + cols; c++) used[r]![c] = true;
  };
  let k = 0;
  let top = 0;
  for (; k < sorted.length && sorted[k]!.columns === 4; k++) {
    if (top + sorted[k]!.rows > maxRows) return sorted[k];
    fill(top, sorted[k]!.rows, 0, 4);
    top += sorted[k]!.rows;
  }
  for (; k < sorted.length && sorted[k]!.columns === 3; k++) {
    if (top + sorted[k]!.rows > maxRows) return sorted[k];
    fill(top, sorted[k]!.rows, 0, 3);
    top += sorted[k]!.rows;
  }
  const free2 = maxRows - top;
  let left01 = free2, left23 = free2;
  for (; k < sorted.length && sorted[k]!.columns === 2; k++) {
    const n = sorted[k]!.rows;
    if (n <= left01) left01 -= n;
    else if (n <= left23) left23 -= n;
    else return sorted[k];
  }
  fill(top, free2 - left01, 0, 2);
  fill(maxRows - (free2 - left23), free2 - left23, 2, 2);
  for (; k < sorted.length; k++) {
    const n = sorted[k]!.rows;
    let best: { col: number; row: number; size: number } | undefined;
    for (let col = 0; col < 4; col++) {
      // the smallest run of free rows in this column that holds n
      for (let r = 0; r < maxRows;) {
        if (used[r]![col]) { r++; continue; }
        let e = r;
        while (e < maxRows && !used[e]![col]) e++;
        if (e - r >= n && (!best || e - r < best.size)) best = { col, row: r, size: e - r };
        r = e;
      }
    }
    if (!best) return sorted[k];
    fill(best.row, n, best.col, 1);
  }
  return undefined;
}
