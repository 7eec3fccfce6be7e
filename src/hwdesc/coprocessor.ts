/**
 * The contract between the coprocessor (hw/gpu.ts) and the program it runs
 * (firmware/): what a firmware image may touch — memory through the kernel
 * half of the GPU's page tables, its few registers, the interrupt line, the
 * command processor and a clock — and what the coprocessor calls in it. Both
 * sides import this file; neither imports the other, as a real firmware is
 * built against the SoC's documented interface, not the silicon's netlist.
 */
import type { MemAccess } from './fwabi.js';

/** How a microsequence ended. */
export type CpStatus = 'ok' | 'fault' | 'timeout' | 'invalid';

/** What the command processor reports for one job's microsequence. */
export interface CpResult {
  status: CpStatus;
  /** GPU clock when a timed-out job stopped */
  stoppedAt?: number;
  fault?: { address: number; asSlot: number; access: number; reason: string };
  detail?: string;
  vertices: number;
  primitives: number;
  fragments: number;
  tiles: number;
  partials: number;
  instructions: number;
}

export interface CoprocessorPort {
  /** memory as the coprocessor sees it: kernel-half virtual addresses through TTBR1 */
  readonly mem: MemAccess;
  readReg(r: number): number;
  writeReg(r: number, v: number): void;
  raiseIrq(bits: number): void;
  /** runs a job's microsequence; past `deadline` (GPU clock, ns) the hardware stops it (status timeout) */
  runMicrosequence(slot: number, va: number, deadline?: number): CpResult;
  /** reads the timestamp counter (ns) */
  now(): number;
}

/** What the coprocessor runs: a firmware image. */
export interface FirmwareProgram {
  readonly abi: number;
  /** reset vector: the firmware reads its init data and announces itself */
  boot(port: CoprocessorPort): void;
  /** one pass of the firmware's main loop (rings, doorbells) */
  service(): void;
}
