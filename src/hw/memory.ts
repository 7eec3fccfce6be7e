/**
 * The GPU's physical memory: one SharedArrayBuffer that every agent sees —
 * the CPU side (kernel, and user space through mmap views), the firmware
 * coprocessor and the GPU pipelines (through the MMU). Nothing else crosses.
 */
import type { MemAccess } from '../hwdesc/fwabi.js';

export class PhysicalMemory implements MemAccess {
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly dv: DataView;
  readonly size: number;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.size = buffer.byteLength;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.dv = new DataView(buffer);
  }

  static create(bytes: number): PhysicalMemory {
    return new PhysicalMemory(new SharedArrayBuffer(bytes));
  }

  contains(pa: number, len = 1): boolean {
    return pa >= 0 && pa + len <= this.size;
  }
  r8(pa: number): number { return this.u8[pa]!; }
  r16(pa: number): number { return this.dv.getUint16(pa, true); }
  /** Aligned 32-bit accesses are atomic: they are how rings and stamps synchronise agents. */
  r32(pa: number): number { return (pa & 3) === 0 ? Atomics.load(this.i32, pa >> 2) >>> 0 : this.dv.getUint32(pa, true); }
  w8(pa: number, v: number): void { this.u8[pa] = v; }
  w16(pa: number, v: number): void { this.dv.setUint16(pa, v, true); }
  w32(pa: number, v: number): void {
    if ((pa & 3) === 0) Atomics.store(this.i32, pa >> 2, v | 0);
    else this.dv.setUint32(pa, v >>> 0, true);
  }
}
