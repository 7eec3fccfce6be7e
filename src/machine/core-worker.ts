/**
 * Worker-thread entry: one shader core (1..N-1) of a GPU in concurrent mode.
 * It maps the GPU's physical memory (through its own MMU and TLB) and its
 * register block (for the page-table roots), and takes its work from the
 * command processor through the cores' control block and its message port
 * (hw/cores.ts).
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { PhysicalMemory } from '../hw/memory.js';
import { gpuMmu } from '../hw/gpu.js';
import { runWorkerCore } from '../hw/cores.js';

const { memory, memoryBytes, regs, core, coreCtl, port } = workerData as {
  memory: WebAssembly.Memory; memoryBytes: number; regs: SharedArrayBuffer; core: number; coreCtl: SharedArrayBuffer; port: MessagePort;
};
const regFile = new Int32Array(regs);
runWorkerCore(core, gpuMmu(new PhysicalMemory(memory, memoryBytes), regFile), regFile, new Int32Array(coreCtl), port);
