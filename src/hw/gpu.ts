/**
 * The Akari GPU as a device: physical memory, the register block, the MMU,
 * the command processor with its pipelines, and the coprocessor that runs
 * the firmware program. It runs on its own worker thread (gpu-worker) or, in
 * deterministic mode, in the caller's thread when the bus polls it.
 *
 * The coprocessor port is all a firmware program can touch: memory through
 * the kernel half of the GPU's page tables, its few registers, the
 * interrupt line, the command processor and a clock.
 */
import { PhysicalMemory } from './memory.js';
import { Mmu, AS_KERNEL } from './mmu.js';
import { CommandProcessor } from './cp.js';
import type { CpResult } from '../hwdesc/coprocessor.js';
import { WORK_COST_NS } from '../hwdesc/timing.js';
import { HostClock, type GpuClock } from './watchdog.js';
import { LocalCores, ThreadedCores, type CorePort, type ShaderCores } from './cores.js';
import { MAX_SHADER_CORES } from '../hwdesc/corelocal.js';
import {
  DebugInject, FwStatus, GPU_ID_VALUE, GPU_REVISION_VALUE, NUM_AS_SLOTS, REG, REG_COUNT,
} from '../hwdesc/regs.js';
import type { MemAccess } from '../hwdesc/fwabi.js';

/** Hidden register: bumped by every kernel write that should wake the coprocessor. */
export const REG_WAKE = REG_COUNT - 1;

// The coprocessor's side of the firmware contract lives in hwdesc/coprocessor.ts (the firmware imports it too).
export type { CoprocessorPort, FirmwareProgram } from '../hwdesc/coprocessor.js';
import type { CoprocessorPort, FirmwareProgram } from '../hwdesc/coprocessor.js';

/**
 * `fwAbi`: the ABI of the firmware image loaded in the coprocessor, readable before boot.
 * `cores`: the shader cores this GPU is built with.
 */
export function createRegisterFile(memBytes: number, fwAbi: number, cores = 1): Int32Array {
  if (!(Number.isInteger(cores) && cores >= 1 && cores <= MAX_SHADER_CORES)) throw new RangeError(`shader cores: ${cores} (1..${MAX_SHADER_CORES})`);
  const regs = new Int32Array(new SharedArrayBuffer(REG_COUNT * 4));
  regs[REG.GPU_ID] = GPU_ID_VALUE;
  regs[REG.GPU_REVISION] = GPU_REVISION_VALUE;
  regs[REG.MEM_SIZE_MIB] = Math.floor(memBytes / (1 << 20));
  regs[REG.NUM_AS] = NUM_AS_SLOTS;
  regs[REG.FW_STATUS] = FwStatus.OFF;
  regs[REG.FW_ABI] = fwAbi;
  regs[REG.CORE_COUNT] = cores;
  return regs;
}

/** An MMU of this GPU: page-table roots from the register block. Every shader core thread has its own (its own TLB). */
export function gpuMmu(mem: PhysicalMemory, regs: Int32Array): Mmu {
  const rd = (r: number) => Atomics.load(regs, r) >>> 0;
  return new Mmu(mem, {
    ttbr1: () => rd(REG.MMU_TTBR1_HI) * 0x1_0000_0000 + rd(REG.MMU_TTBR1_LO),
    ttbat: () => rd(REG.MMU_TTBAT_HI) * 0x1_0000_0000 + rd(REG.MMU_TTBAT_LO),
  });
}

/** Shader cores 1..N-1 running on worker threads (concurrent mode); absent, every core runs in the GPU's thread. */
export interface CoreThreads { ctl: Int32Array; ports: CorePort[] }

export class Gpu {
  readonly mmu: Mmu;
  readonly cp: CommandProcessor;
  private fw: FirmwareProgram | null = null;
  private tlbSeen = 0;
  readonly port: CoprocessorPort;

  /**
   * The shader cores are REG.CORE_COUNT: all in this thread, or with
   * `coreThreads` core 0 here and the others on their worker threads.
   */
  constructor(readonly mem: PhysicalMemory, readonly regs: Int32Array, private readonly makeFirmware: () => FirmwareProgram, readonly clock: GpuClock,
    coreThreads?: CoreThreads) {
    const rd = (r: number) => Atomics.load(regs, r) >>> 0;
    this.mmu = gpuMmu(mem, regs);
    const count = rd(REG.CORE_COUNT) || 1;
    let cores: ShaderCores;
    if (coreThreads && count > 1) {
      if (!(clock instanceof HostClock)) throw new Error('shader cores on threads need the host clock');
      if (coreThreads.ports.length !== count - 1) throw new Error(`${count} shader cores, ${coreThreads.ports.length + 1} threads`);
      cores = new ThreadedCores(this.mmu, regs, coreThreads.ctl, coreThreads.ports, clock);
    } else cores = new LocalCores(this.mmu, count, regs);
    this.cp = new CommandProcessor(this.mmu, clock, () => this.timestamp(), cores);
    const kmem = this.mmu.accessor(AS_KERNEL);
    this.port = {
      mem: kmem,
      readReg: rd,
      writeReg: (r, v) => { Atomics.store(regs, r, v | 0); },
      raiseIrq: (bits) => this.raiseIrq(bits),
      runMicrosequence: (slot, va, deadline) => { this.syncTlb(); return this.cp.run(slot, va, deadline); },
      now: () => this.timestamp(),
    };
  }

  timestamp(): number {
    this.clock.spend(WORK_COST_NS.timestamp);
    const t = this.clock.now();
    Atomics.store(this.regs, REG.TIMESTAMP_LO, t % 0x1_0000_0000 | 0);
    Atomics.store(this.regs, REG.TIMESTAMP_HI, Math.floor(t / 0x1_0000_0000) | 0);
    return t;
  }

  raiseIrq(bits: number): void {
    Atomics.or(this.regs, REG.IRQ_RAWSTAT, bits);
    Atomics.add(this.regs, REG.IRQ_SEQ, 1);
    Atomics.notify(this.regs, REG.IRQ_SEQ);
  }

  private syncTlb(): void {
    const f = Atomics.load(this.regs, REG.MMU_FLUSH);
    if (f !== this.tlbSeen) { this.tlbSeen = f; this.mmu.invalidate(); }
  }

  /** One pass of the coprocessor: react to BOOT/RESET, then let the firmware run. */
  poll(): void {
    const regs = this.regs;
    if (Atomics.exchange(regs, REG.RESET, 0)) {
      this.fw = null;
      this.hung = false;
      this.mmu.invalidate();
      Atomics.store(regs, REG.FW_STATUS, FwStatus.OFF);
    }
    if (Atomics.exchange(regs, REG.BOOT, 0) && Atomics.load(regs, REG.POWER) === 1) {
      this.syncTlb();
      this.fw = this.makeFirmware();
      Atomics.store(regs, REG.FW_STATUS, FwStatus.BOOTING);
      this.guard(() => this.fw!.boot(this.port));
    }
    const inject = Atomics.exchange(regs, REG.DEBUG_INJECT, 0);
    if (inject === DebugInject.HANG) this.hung = true;
    if (this.hung) return; // a hung coprocessor does nothing until it is reset
    if (inject === DebugInject.CRASH && this.fw) this.guard(() => { throw new Error('injected crash'); });
    if (this.fw && Atomics.load(regs, REG.FW_STATUS) === FwStatus.RUNNING) {
      this.syncTlb();
      this.guard(() => this.fw!.service());
    }
  }

  /** The firmware trusts what it reads: any exception is a firmware crash, recoverable only by reset. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      Atomics.store(this.regs, REG.FW_STATUS, FwStatus.CRASHED);
      this.crashReason = e instanceof Error ? e.message : String(e);
      this.fw = null;
      this.raiseIrq(1 << 3);
    }
  }
  crashReason = '';
  private hung = false;

  /** Worker main loop: sleep until the kernel wakes the coprocessor. */
  runForever(): never {
    for (;;) {
      const seen = Atomics.load(this.regs, REG_WAKE);
      this.poll();
      Atomics.wait(this.regs, REG_WAKE, seen);
    }
  }
}
