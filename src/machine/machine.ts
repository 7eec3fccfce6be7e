/**
 * The composition root: the one place that wires the GPU (hw + firmware),
 * the kernel (DRM core + Akari driver) and processes together. Everything
 * above talks to a Machine only through processes' system calls.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createCoreControl, waitCoresReady } from '../hw/cores.js';
import { MAX_SHADER_CORES } from '../hwdesc/corelocal.js';
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
import { SwSyncTimeline } from '../kernel/drm/sw-sync.js';
import { SW_SYNC_PATH } from '../uapi/sw-sync.js';

export interface MachineOptions {
  /** run the GPU in the caller's thread, stepping it when the kernel waits */
  deterministic?: boolean;
  /**
   * GPU physical memory (default 1 GiB: an integrated GPU's share of system RAM, as Asahi's and
   * Mali's are; the host backs a page only once it is written, so an idle gigabyte costs address
   * space, not RAM). WebGL 2 pages keep hundreds of MiB of textures alive; 256 MiB was too small.
   */
  memoryBytes?: number;
  firmware?: FwVersion;
  /** a display controller with two monitors attached (default true); false gives a render-only device */
  display?: boolean;
  /**
   * shader cores (1..8; REG.CORE_COUNT): in concurrent mode one thread each
   * (core 0 shares the GPU's); in deterministic mode the same cores run in
   * turn in the caller's thread. Default $AKARI_CORES, else the host's
   * available parallelism.
   */
  cores?: number;
}

/** The shader cores a machine is built with unless told otherwise: AKARI_CORES=N, else one per host CPU (at most 8). */
function defaultCores(): number {
  const v = process.env.AKARI_CORES;
  if (v === undefined || v === '') return Math.max(1, Math.min(MAX_SHADER_CORES, availableParallelism()));
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_SHADER_CORES)) throw new Error(`AKARI_CORES=${v}: expected 1..${MAX_SHADER_CORES}`);
  return n;
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
  /** the GPU's threads in concurrent mode: the GPU (with shader core 0), then shader cores 1..N-1 */
  private readonly workers: Worker[] = [];
  private readonly exits: Array<Promise<unknown>> = [];
  private processes = new Map<number, Process>();
  private nextPid = 100;
  readonly options: Required<MachineOptions>;

  constructor(opts: MachineOptions = {}) {
    this.options = {
      deterministic: opts.deterministic ?? false, memoryBytes: opts.memoryBytes ?? 1 << 30, firmware: opts.firmware ?? defaultFirmware(),
      display: opts.display ?? true, cores: opts.cores ?? defaultCores(),
    };
    const memory = PhysicalMemory.create(this.options.memoryBytes);
    const regs = createRegisterFile(memory.size, FW_ABI_VALUE[this.options.firmware], this.options.cores);
    const fw = this.options.firmware;
    let coresUp = () => true;
    if (this.options.deterministic) {
      // a virtual clock advanced by the work the GPU does (hwdesc/timing.ts)
      this.gpu = new Gpu(memory, regs, () => new Firmware(fw), new VirtualClock());
      this.bus = new InlineBus(this.gpu);
    } else {
      this.gpu = null;
      const shared = { memory: memory.wasm, memoryBytes: memory.size, regs: regs.buffer };
      const ctl = createCoreControl(), coreCtl = ctl.buffer;
      const corePorts = [];
      const cores: Worker[] = [];
      for (let core = 1; core < this.options.cores; core++) {
        const { port1, port2 } = new MessageChannel();
        corePorts.push(port1);
        cores.push(new Worker(fileURLToPath(new URL('./core-worker.js', import.meta.url)), {
          workerData: { ...shared, core, coreCtl, port: port2 }, transferList: [port2],
        }));
      }
      const gpu = new Worker(fileURLToPath(new URL('./gpu-worker.js', import.meta.url)), {
        workerData: { ...shared, fwVersion: fw, coreCtl, corePorts }, transferList: corePorts,
      });
      this.workers.push(gpu, ...cores);
      for (const w of this.workers) { this.exits.push(new Promise((done) => w.once('exit', done))); w.unref(); }
      this.bus = new ThreadedBus(memory, regs, () => { for (const w of this.workers) void w.terminate(); });
      coresUp = () => waitCoresReady(ctl, this.options.cores, 30_000);
    }
    this.dev = new DrmDevice();
    this.driver = new AkariDriver(this.dev, this.bus);
    this.driver.boot();
    // the core threads boot alongside the GPU's; a pass leaves out a core not up yet, so without this wait the first frames would use fewer
    coresUp();
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
      // sw_sync: a timeline of fences a privileged test advances by hand
      case SW_SYNC_PATH: return new SwSyncTimeline(this.dev, proc);
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

  /** Threads the GPU runs on (0 in deterministic mode: the GPU runs in the caller's). */
  get threads(): number { return this.workers.length; }
  /** Resolves when every thread of the GPU has ended (after `shutdown`). */
  threadsEnded(): Promise<void> { return Promise.all(this.exits).then(() => undefined); }

  shutdown(): void {
    for (const p of this.processes.values()) p.exit();
    this.processes.clear();
    this.bus.close();
  }
}
