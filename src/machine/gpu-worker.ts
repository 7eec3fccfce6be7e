/**
 * Worker-thread entry: the GPU (pipelines + firmware coprocessor) running on
 * its own thread, reached only through shared memory and the register block.
 */
import { workerData } from 'node:worker_threads';
import { PhysicalMemory } from '../hw/memory.js';
import { Gpu } from '../hw/gpu.js';
import { HostClock } from '../hw/watchdog.js';
import { Firmware } from '../firmware/firmware.js';
import type { FwVersion } from '../hwdesc/fwabi.js';

const { memory, memoryBytes, regs, fwVersion } = workerData as { memory: WebAssembly.Memory; memoryBytes: number; regs: SharedArrayBuffer; fwVersion: FwVersion };
const gpu = new Gpu(new PhysicalMemory(memory, memoryBytes), new Int32Array(regs), () => new Firmware(fwVersion), new HostClock());
gpu.runForever();
