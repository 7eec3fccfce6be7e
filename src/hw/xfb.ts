/**
 * Transform feedback capture (hwdesc XFB): the vertex pass writes the
 * outputs an XFB descriptor selects, for each vertex of each assembled
 * primitive in primitive order, into the draw's capture buffers — through
 * the MMU with the job's address space, a word at a time in the order
 * written (vertex, output, component), so an unmapped or read-only page
 * faults at the first word that lands on it.
 *
 * Strips, loops and fans are taken apart as ES 3.0 § 2.15.2 (and GL's table
 * of transform feedback primitive modes) says: every line or triangle of
 * them is recorded as an independent primitive, with the vertices in the
 * order primitive assembly gives them (tiler.ts: an odd triangle of a strip
 * is (i + 1, i, i + 2), a fan's triangle i is (0, i, i + 1), a loop's last
 * line is (n - 1, 0)). Incomplete primitives are not recorded.
 *
 * Where writing resumes in each buffer is XFB_STATE in memory: read when the
 * draw starts, written back when it ends, so draws (and passes) append. A
 * primitive whose vertices do not all fit in every buffer is not written,
 * and capture stops there (`overflow`), as GL's overflow rule says; the
 * primitives written are added to the u64 counter at `query`.
 */
import { XFB, XFB_BUFFERS, XFB_OUTPUT, XFB_STATE } from '../hwdesc/descriptors.js';
import { VARY_FIRST_USER, VARY_POINT_SIZE } from '../hwdesc/isa.js';
import { unpack } from '../hwdesc/struct.js';
import { ACCESS_WRITE } from '../hwdesc/regs.js';
import { GpuFault, type Mmu } from './mmu.js';

/** The shaded vertices of a batch as capture reads them: per vertex `per` words (clip x, y, z, w, then the varyings' bits), and point sizes. */
export interface CapturedBatch { bits: Uint32Array; psize: Float32Array; per: number }

const pbits = new Float32Array(1);
const pbitsU = new Uint32Array(pbits.buffer);

export class XfbCapture {
  private readonly state: number;
  private readonly query: number;
  private readonly nbuf: number;
  private readonly base: number[] = [];
  private readonly size: number[] = [];
  private readonly stride: number[] = [];
  private readonly written: number[] = [];
  private overflow: boolean;
  /** per output: source, components, buffer, offset */
  private readonly outs: Int32Array;
  /** primitives written by this draw */
  primitives = 0;

  constructor(readonly mmu: Mmu, readonly slot: number, va: number) {
    const x = unpack(XFB, mmu.readWords(slot, va, XFB.words)).values;
    this.state = x.state!;
    this.query = x.query!;
    this.nbuf = Math.min(XFB_BUFFERS, x.buffer_count!);
    const st = unpack(XFB_STATE, mmu.readWords(slot, this.state, XFB_STATE.words)).values;
    for (let i = 0; i < this.nbuf; i++) {
      this.base.push(x[`buffer${i}`]!); this.size.push(x[`size${i}`]!); this.stride.push(x[`stride${i}`]!);
      this.written.push(st[`written${i}`]!);
    }
    this.overflow = st.overflow === 1;
    const n = x.output_count!;
    this.outs = new Int32Array(n * 4);
    const words = n ? mmu.readWords(slot, x.outputs!, n) : new Uint32Array(0);
    for (let k = 0; k < n; k++) {
      const o = unpack(XFB_OUTPUT, words.subarray(k, k + 1)).values;
      // an output into a buffer the draw does not have writes nothing
      this.outs.set([o.source!, o.components!, o.buffer! < this.nbuf ? o.buffer! : -1, o.offset!], k * 4);
    }
  }

  /** Captures the primitives of GL mode `mode` (PRIMITIVE order) assembled from `n` stream vertices (vertex k is batch vertex ids[k], or k). */
  capture(mode: number, b: CapturedBatch, ids: Int32Array | null, n: number): void {
    if (this.overflow) return;
    const v = ids ? (k: number) => ids[k]! : (k: number) => k;
    switch (mode) {
      case 0: for (let i = 0; i < n; i++) if (!this.prim(b, 1, v(i), 0, 0)) return; break;
      case 1: for (let i = 0; i + 1 < n; i += 2) if (!this.prim(b, 2, v(i), v(i + 1), 0)) return; break;
      case 2: if (n >= 2) {
        for (let i = 0; i + 1 < n; i++) if (!this.prim(b, 2, v(i), v(i + 1), 0)) return;
        this.prim(b, 2, v(n - 1), v(0), 0);
      } break;
      case 3: for (let i = 0; i + 1 < n; i++) if (!this.prim(b, 2, v(i), v(i + 1), 0)) return; break;
      case 4: for (let i = 0; i + 2 < n; i += 3) if (!this.prim(b, 3, v(i), v(i + 1), v(i + 2))) return; break;
      case 5: for (let i = 0; i + 2 < n; i++) {
        const ok = i % 2 === 0 ? this.prim(b, 3, v(i), v(i + 1), v(i + 2)) : this.prim(b, 3, v(i + 1), v(i), v(i + 2));
        if (!ok) return;
      } break;
      case 6: for (let i = 1; i + 1 < n; i++) if (!this.prim(b, 3, v(0), v(i), v(i + 1))) return; break;
      default: break; // undefined primitive types assemble nothing
    }
  }

  /** Writes one primitive of `nv` vertices; false (and capture stops) when it does not fit. */
  private prim(b: CapturedBatch, nv: number, i0: number, i1: number, i2: number): boolean {
    for (let j = 0; j < this.nbuf; j++) {
      if (this.written[j]! + nv * this.stride[j]! > this.size[j]!) { this.overflow = true; return false; }
    }
    const outs = this.outs, mmu = this.mmu, slot = this.slot;
    for (let k = 0; k < nv; k++) {
      const vi = k === 0 ? i0 : k === 1 ? i1 : i2;
      const o = vi * b.per;
      for (let q = 0; q < outs.length; q += 4) {
        const buf = outs[q + 2]!;
        if (buf < 0) continue;
        const at = this.base[buf]! + this.written[buf]! + k * this.stride[buf]! + outs[q + 3]!;
        for (let c = 0; c < outs[q + 1]!; c++) mmu.write32(slot, at + c * 4, this.word(b, o, vi, outs[q]! + c));
      }
    }
    for (let j = 0; j < this.nbuf; j++) this.written[j]! += nv * this.stride[j]!;
    this.primitives++;
    return true;
  }

  /** The bits of vertex output `s` (ISA numbering) of batch vertex `vi` (its words at `o`). */
  private word(b: CapturedBatch, o: number, vi: number, s: number): number {
    if (s < 4) return b.bits[o + s]!;
    if (s === VARY_POINT_SIZE) { pbits[0] = b.psize[vi]!; return pbitsU[0]!; }
    const k = s - VARY_FIRST_USER;
    return k >= 0 && k < b.per - 4 ? b.bits[o + 4 + k]! : 0;
  }

  /** The draw is done: where capture resumes goes back to XFB_STATE, the primitives written onto the query counter. */
  finish(): void {
    const mmu = this.mmu, slot = this.slot;
    for (let j = 0; j < this.nbuf; j++) mmu.write32(slot, this.state + j * 4, this.written[j]!);
    mmu.write32(slot, this.state + 16, this.overflow ? 1 : 0);
    if (this.query) addU64(mmu, slot, this.query, this.primitives);
  }
}

/** Adds `n` to the little-endian u64 at `va` (user address space): a read and a write through the MMU. */
export function addU64(mmu: Mmu, slot: number, va: number, n: number): void {
  if (va % 4) throw new GpuFault(va, slot, ACCESS_WRITE, 'counter not word-aligned');
  const lo = mmu.read32(slot, va), hi = mmu.read32(slot, va + 4);
  const sum = lo + n;
  mmu.write32(slot, va, sum >>> 0);
  mmu.write32(slot, va + 4, (hi + Math.floor(sum / 0x1_0000_0000)) >>> 0);
}
