/**
 * A window on a range of one GPU address space, translated once (the TLB
 * fast path): when the range is physically contiguous the pipelines use
 * direct typed-array access; otherwise every access goes through the MMU.
 * Either way an unmapped or forbidden page faults when the window is made.
 */
import { GpuFault, type Mmu } from './mmu.js';
import type { AccessKind } from '../hwdesc/regs.js';
import { ACCESS_READ, ACCESS_WRITE } from '../hwdesc/regs.js';

export class VaWindow {
  /** physical address of `va`, or -1 if discontiguous */
  readonly pa: number;
  constructor(readonly mmu: Mmu, readonly slot: number, readonly va: number, readonly len: number, readonly access: AccessKind) {
    this.pa = mmu.translateRange(slot, va, len, access);
  }
  private phys(off: number, acc: AccessKind): number {
    // an offset read from memory (a tile-list pointer, say) can be garbage: fault like the MMU would
    if (!(off >= 0 && off < this.len)) throw new GpuFault(this.va + off, this.slot, acc, `offset ${off} outside a window of ${this.len} bytes`);
    return this.pa >= 0 ? this.pa + off : this.mmu.translate(this.slot, this.va + off, acc);
  }
  r8(off: number): number { return this.mmu.mem.u8[this.phys(off, ACCESS_READ)]!; }
  r16(off: number): number { return this.mmu.mem.dv.getUint16(this.phys(off, ACCESS_READ), true); }
  // Aligned words go through the typed-array views (the host is little-endian, as the GPU is), others through the DataView.
  r32(off: number): number { const p = this.phys(off, ACCESS_READ); return (p & 3) === 0 ? this.mmu.mem.u32[p >> 2]! : this.mmu.mem.dv.getUint32(p, true); }
  rf32(off: number): number { const p = this.phys(off, ACCESS_READ); return (p & 3) === 0 ? this.mmu.mem.f32[p >> 2]! : this.mmu.mem.dv.getFloat32(p, true); }
  w8(off: number, v: number): void { this.mmu.mem.u8[this.phys(off, ACCESS_WRITE)] = v; }
  w16(off: number, v: number): void { this.mmu.mem.dv.setUint16(this.phys(off, ACCESS_WRITE), v, true); }
  w32(off: number, v: number): void { const p = this.phys(off, ACCESS_WRITE); if ((p & 3) === 0) this.mmu.mem.u32[p >> 2] = v >>> 0; else this.mmu.mem.dv.setUint32(p, v >>> 0, true); }
  wf32(off: number, v: number): void { const p = this.phys(off, ACCESS_WRITE); if ((p & 3) === 0) this.mmu.mem.f32[p >> 2] = v; else this.mmu.mem.dv.setFloat32(p, v, true); }
}
