/**
 * The composition root: the one place that wires the GPU (hw + firmware),
 * the kernel (DRM core + Akari driver) and processes together. Everything
 * above talks to a Machine only through processes' system calls.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { PhysicalMemory } from '../hw/memory.js';
import { Gpu, createRegisterFile } from '../hw/gpu.js';
import { VirtualClock } from '../hw/watchdog.js';
import { InlineBus, ThreadedBus, type GpuBus } from '../hw/bus.js';
import { Firmware } from '../firmware/firmware.js';
import { FW_ABI_VALUE, type FwVersion } from '../hwdesc/fwabi.js';
import { DrmDevice } from '../kernel/drm/device.js';
import { AkariDriver } from '../kernel/akari/driver.js';
import { Process, makeSyscalls, type FileOps, type Kernel, type Syscalls } from '../kernel/drm/process.js';
import { kerr } from '../base/errors.js';
import { DisplayController, realClock, virtualClock } from '../hw/display.js';
import { MONITORS } from '../hwdesc/display.js';
import { UeventSocket } from '../kernel/drm/kms.js';

export interface MachineOptions {
  /** run the GPU in the caller's thread, stepping it when the kernel waits */
  deterministic?: boolean;
  memoryBytes?: number;
  firmware?: FwVersion;
  /** a display controller with two monitors attached (default true); false gives a render-only device */
  display?: boolean;
}

/** The firmware image a machine boots unless told otherwise: AKARI_FIRMWARE=v1|v2 (the test suite runs under both). */
function defaultFirmware(): FwVersion {
  const v = process.env.AKARI_FIRMWARE;
  if (v === undefined || v === '') return 'v2';
  if (v !== 'v1' && v !== 'v2') throw new Error(`AKARI_FIRMWARE=${v}: expected v1 or v2`);
  return v;
}

export class Machine implements Kernel {
  readonly bus: GpuBus;
  readonly dev: DrmDevice;
  readonly driver: AkariDriver;
  readonly gpu: Gpu | null;
  /** the display controller as hardware: monitors plug in here and its output is what they show */
  readonly display: DisplayController | null;
  private worker: Worker | null = null;
  private processes = new Map<number, Process>();
  private nextPid = 100;
  readonly options: Required<MachineOptions>;

  constructor(opts: MachineOptions = {}) {
    this.options = { deterministic: opts.deterministic ?? false, memoryBytes: opts.memoryBytes ?? 256 << 20, firmware: opts.firmware ?? defaultFirmware(), display: opts.display ?? true };
    const memory = PhysicalMemory.create(this.options.memoryBytes);
    const regs = createRegisterFile(memory.size, FW_ABI_VALUE[this.options.firmware]);
    const fw = this.options.firmware;
    if (this.options.deterministic) {
      // a virtual clock advanced by the work the GPU does (hwdesc/timing.ts)
      this.gpu = new Gpu(memory, regs, () => new Firmware(fw), new VirtualClock());
      this.bus = new InlineBus(this.gpu);
    } else {
      this.gpu = null;
      const file = fileURLToPath(new URL('./gpu-worker.js', import.meta.url));
      const worker = new Worker(file, { workerData: { memory: memory.wasm, memoryBytes: memory.size, regs: regs.buffer, fwVersion: fw } });
      worker.unref();
      this.worker = worker;
      this.bus = new ThreadedBus(memory, regs, () => { void worker.terminate(); });
    }
    this.dev = new DrmDevice();
    this.driver = new AkariDriver(this.dev, this.bus);
    this.driver.boot();
    this.display = null;
    if (this.options.display) {
      // vblanks run in virtual time in deterministic mode, on the monotonic clock otherwise
      const dc = new DisplayController(memory, this.options.deterministic ? virtualClock() : realClock());
      dc.plug(0, MONITORS.akari24);
      dc.plug(1, MONITORS.akari19);
      this.display = dc;
      this.driver.attachDisplay(dc);
    }
  }

  waitEvents(ready: () => boolean, timeoutMs: number): boolean {
    const kms = this.driver.kms;
    if (!kms) return ready();
    return kms.wait(ready, timeoutMs < 0 ? Infinity : timeoutMs * 1e6);
  }

  openNode(proc: Process, path: string): FileOps {
    switch (path) {
      case '/dev/dri/card0': return this.dev.open('primary', proc);
      case '/dev/dri/renderD128': return this.dev.open('render', proc);
      // socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT), bound to the kernel's broadcast group
      case 'netlink:kobject_uevent':
        if (!this.driver.kms) throw kerr('ENOENT', path);
        return new UeventSocket(this.driver.kms);
      default: throw kerr('ENOENT', path);
    }
  }

  /**
   * Kernel bugs: exceptions other than an errno that reached the system-call
   * boundary (each answered EIO). Tests and the fuzzer expect this empty.
   */
  readonly oopses: Array<{ syscall: string; error: unknown }> = [];
  oops(syscall: string, error: unknown): void {
    this.oopses.push({ syscall, error });
  }

  /**
   * Waits (driving a deterministic GPU) until no job is queued or running,
   * or `timeoutMs` passed; true when idle. For tests and the fuzzer: objects
   * that jobs still hold come back only when the jobs retire.
   */
  settle(timeoutMs = 30_000): boolean {
    return this.dev.waitUntil(() => this.driver.liveObjects().jobs === 0, Number(process.hrtime.bigint()) + timeoutMs * 1e6);
  }

  /** Starts a process; user space gets only its system calls. */
  spawn(opts: { capSysAdmin?: boolean } = {}): Syscalls {
    const proc = new Process(this.nextPid++, this, opts.capSysAdmin ?? false);
    this.processes.set(proc.pid, proc);
    return makeSyscalls(proc, this.processes);
  }

  shutdown(): void {
    for (const p of this.processes.values()) p.exit();
    this.processes.clear();
    this.bus.close();
    this.worker = null;
  }
}
