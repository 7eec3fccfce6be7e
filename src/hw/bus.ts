/**
 * The kernel's view of the GPU: a register block with MMIO semantics, the
 * physical memory (the CPU and GPU share it, as on Apple silicon), and an
 * interrupt line. This is the only hw module the kernel may import.
 *
 * Two implementations: `ThreadedBus` talks to a GPU on a worker thread
 * through shared memory and Atomics; `InlineBus` runs the GPU in the caller's
 * thread whenever the kernel waits for an interrupt (deterministic mode).
 */
import { PhysicalMemory } from './memory.js';
/** Physical memory as the kernel sees it through the bus (unified memory: the CPU's own RAM). */
export type { PhysicalMemory };
import { REG } from '../hwdesc/regs.js';
import { REG_WAKE, type Gpu } from './gpu.js';

export interface GpuBus {
  readonly mem: PhysicalMemory;
  readonly deterministic: boolean;
  readReg(r: number): number;
  writeReg(r: number, v: number): void;
  /** Blocks until IRQ_SEQ differs from `seen` or `timeoutMs` passes; returns the current IRQ_SEQ. */
  waitIrq(seen: number, timeoutMs: number): number;
  /**
   * The kernel's clock for GPU deadlines (ns): the host's monotonic clock, or
   * in deterministic mode the GPU's virtual clock (which a wait that sees no
   * interrupt advances by the time it would have slept).
   */
  now(): number;
  close(): void;
}

/** MMIO write semantics shared by both buses. */
function mmioWrite(regs: Int32Array, r: number, v: number): void {
  switch (r) {
    case REG.IRQ_CLEAR:
      Atomics.and(regs, REG.IRQ_RAWSTAT, ~v);
      return;
    case REG.DOORBELL:
    case REG.MMU_FLUSH:
      Atomics.add(regs, r, 1);
      break;
    case REG.BOOT:
    case REG.RESET:
    case REG.DEBUG_INJECT:
    case REG.POWER:
    case REG.IRQ_MASK:
    case REG.FW_INIT_LO: case REG.FW_INIT_HI:
    case REG.MMU_TTBR1_LO: case REG.MMU_TTBR1_HI:
    case REG.MMU_TTBAT_LO: case REG.MMU_TTBAT_HI:
      Atomics.store(regs, r, v | 0);
      break;
    default:
      return; // read-only registers ignore writes
  }
  Atomics.add(regs, REG_WAKE, 1);
  Atomics.notify(regs, REG_WAKE);
}

export class ThreadedBus implements GpuBus {
  readonly deterministic = false;
  constructor(readonly mem: PhysicalMemory, readonly regs: Int32Array, private onClose: () => void) {}
  readReg(r: number): number { return Atomics.load(this.regs, r) >>> 0; }
  writeReg(r: number, v: number): void { mmioWrite(this.regs, r, v); }
  waitIrq(seen: number, timeoutMs: number): number {
    if ((Atomics.load(this.regs, REG.IRQ_SEQ) | 0) === (seen | 0)) Atomics.wait(this.regs, REG.IRQ_SEQ, seen | 0, timeoutMs);
    return Atomics.load(this.regs, REG.IRQ_SEQ) >>> 0;
  }
  now(): number { return Number(process.hrtime.bigint()); }
  close(): void { this.onClose(); }
}

export class InlineBus implements GpuBus {
  readonly deterministic = true;
  readonly mem: PhysicalMemory;
  constructor(readonly gpu: Gpu) { this.mem = gpu.mem; }
  readReg(r: number): number { return Atomics.load(this.gpu.regs, r) >>> 0; }
  writeReg(r: number, v: number): void { mmioWrite(this.gpu.regs, r, v); }
  waitIrq(seen: number, timeoutMs: number): number {
    this.gpu.poll();
    const seq = Atomics.load(this.gpu.regs, REG.IRQ_SEQ) >>> 0;
    // nothing happened: the wait would have slept its whole timeout
    if (seq === seen >>> 0) this.gpu.clock.spend(timeoutMs * 1e6);
    return seq;
  }
  now(): number { return this.gpu.clock.now(); }
  close(): void { /* nothing runs in the background */ }
}

/**
 * The kernel's view of the display controller: its register block and its
 * interrupt line. Physical memory is the GPU's (the DC reads it through its
 * own IOMMU). The clock is the DC's: vblank timestamps and wait deadlines are
 * in it (the monotonic clock, or virtual time in deterministic mode).
 */
export interface DisplayBus {
  readonly deterministic: boolean;
  readReg(r: number): number;
  writeReg(r: number, v: number): void;
  /** Blocks until IRQ_SEQ differs from `seen` or the deadline (ns on the DC clock); returns IRQ_SEQ. */
  waitIrq(seen: number, deadlineNs: number): number;
  /** the DC clock, ns */
  now(): number;
  /** when the next interrupt the DC can raise on its own (a vblank) is due; Infinity if none */
  nextEventNs(): number;
}
