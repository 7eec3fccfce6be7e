/**
 * Worker-thread entry: the GPU (pipelines + firmware coprocessor, and shader
 * core 0) running on its own thread, reached only through shared memory and
 * the register block. Shader cores 1..N-1 run on their own threads
 * (core-worker.ts), reached through `corePorts` and the cores' control block.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { PhysicalMemory } from '../hw/memory.js';
import { Gpu } from '../hw/gpu.js';
import { HostClock } from '../hw/watchdog.js';
import { Firmware } from '../firmware/firmware.js';
import type { FwVersion } from '../hwdesc/fwabi.js';

const { memory, memoryBytes, regs, fwVersion, coreCtl, corePorts } = workerData as {
  memory: WebAssembly.Memory; memoryBytes: number; regs: SharedArrayBuffer; fwVersion: FwVersion;
  coreCtl: SharedArrayBuffer; corePorts: MessagePort[];
};
// the GPU's timestamp counter is the host's monotonic clock from 0 (no origin of its own), the clock the kernel's
// bus reads for AKARI_GET_TIME: timestamps of render commands and GET_TIME are comparable
const gpu = new Gpu(new PhysicalMemory(memory, memoryBytes), new Int32Array(regs), () => new Firmware(fwVersion), new HostClock(0n),
  { ctl: new Int32Array(coreCtl), ports: corePorts.map((port, i) => ({ core: i + 1, port })) });
gpu.runForever();
