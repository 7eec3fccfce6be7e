/**
 * The GPU's physical memory: one shared WebAssembly.Memory that every agent
 * sees — the CPU side (the kernel; user space only through its loads and
 * stores, which the kernel translates — never a view), the firmware
 * coprocessor and the GPU pipelines (through the MMU). Nothing else
 * crosses. Its buffer is a SharedArrayBuffer, so every typed-array view keeps
 * working; being a wasm memory as well lets translated shader code (shader
 * cores compiled to WebAssembly) import it and read and write surfaces,
 * textures and tile memory in place instead of copying through JS.
 *
 * The memory never grows (initial = maximum), so `buffer` and the views stay
 * valid for the machine's life. After the last physical byte (page-aligned)
 * come the shader cores' local memories (hwdesc/corelocal.ts): same wasm
 * memory, but beyond `size`, so no physical address reaches them.
 */
import type { MemAccess } from '../hwdesc/fwabi.js';
import { CORE_LOCAL, MAX_SHADER_CORES } from '../hwdesc/corelocal.js';

/** WebAssembly's page size (the unit of WebAssembly.Memory's initial/maximum). */
export const WASM_PAGE = 65536;

export class PhysicalMemory implements MemAccess {
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly dv: DataView;
  readonly size: number;

  readonly buffer: SharedArrayBuffer;

  /** `bytes`: the size the device reports; the wasm memory is that rounded up to whole 64 KiB wasm pages. */
  constructor(readonly wasm: WebAssembly.Memory, bytes = wasm.buffer.byteLength) {
    // lib.dom types a wasm memory's buffer as ArrayBuffer; a shared one's is a SharedArrayBuffer
    const buffer = wasm.buffer as unknown;
    if (!(buffer instanceof SharedArrayBuffer)) throw new Error('physical memory must be a shared WebAssembly.Memory');
    if (bytes > buffer.byteLength) throw new Error(`physical memory: ${bytes} bytes requested, ${buffer.byteLength} present`);
    this.buffer = buffer;
    this.size = bytes;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.dv = new DataView(buffer);
  }

  static create(bytes: number): PhysicalMemory {
    const pages = Math.ceil(bytes / WASM_PAGE) + (MAX_SHADER_CORES * CORE_LOCAL.bytes) / WASM_PAGE;
    return new PhysicalMemory(new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }), bytes);
  }

  /** byte offset in `buffer` of shader core `core`'s local memory */
  coreLocal(core: number): number {
    const base = Math.ceil(this.size / WASM_PAGE) * WASM_PAGE + core * CORE_LOCAL.bytes;
    if (!(core >= 0 && core < MAX_SHADER_CORES) || base + CORE_LOCAL.bytes > this.buffer.byteLength) throw new Error(`no local memory for shader core ${core}`);
    return base;
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
