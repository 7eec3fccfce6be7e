/**
 * The Akari kernel driver.
 *
 * It owns the GPU through the bus: boots the firmware (init data, rings,
 * the kernel half of the page tables), allocates GPU memory, writes page
 * tables for user VMs, turns validated submissions into firmware render
 * commands and microsequences in its own address space, rings the doorbell,
 * and completes fences from the event ring in its interrupt handler.
 *
 * The firmware trusts what it reads, so everything user space sends is
 * validated here before any of it reaches firmware memory: the user never
 * writes a byte the firmware reads. What the *hardware* reads on the user's
 * behalf (draw descriptors, shaders, vertex data) goes through the user's
 * own address space, where the MMU contains it: a bad pointer there is a
 * GPU fault on that job only.
 */
import { kerr } from '../../base/errors.js';
import { alignUp, f32ToBits } from '../../base/bits.js';
import type { GpuBus } from '../../hw/bus.js';
import {
  ACCESS, FwStatus, IRQ, KERNEL_VA_BASE, NUM_AS_SLOTS, PAGE_SIZE, PTE, REG, TTBAT_ENTRY_SIZE,
} from '../../hwdesc/regs.js';
import {
  CMD_TYPE, EVENT, EVENT_TYPE, RENDER_CMD_CANCELLED, FW_INIT_MAGIC, FwView, INIT_DATA, JOB_STATUS, LOG_ENTRY, RENDER_CMD, RING,
  RING_HEADER_SIZE, STATS, SUBMIT_ENTRY, fwVersionFromAbi, layoutOf, type FwStructDesc, type FwVersion,
} from '../../hwdesc/fwabi.js';
import {
  COLOR_FORMAT, COLOR_FORMAT_BPP, FRAGMENT_JOB, FRAMEBUFFER, MAX_RENDER_TARGETS, RENDER_TARGET, SAMPLE_COUNTS, TILE_SIZE, TWIDDLE_BLOCK, VERTEX_JOB, ZS_FORMAT, ZS_FORMAT_BPP,
} from '../../hwdesc/descriptors.js';
import { MICROSEQ, MS_OP, MS_OP_WORDS, type MsOpName } from '../../hwdesc/microseq.js';
import { packInto, type StructDesc, type StructValues } from '../../hwdesc/struct.js';
import { readStruct, writeStruct, type CValues } from '../../uapi/cstruct.js';
import {
  AKARI_BIND_EXEC, AKARI_BIND_FLAGS, AKARI_BIND_READ, AKARI_BIND_UNBIND, AKARI_BIND_WRITE, AKARI_CMD_RENDER,
  AKARI_DRIVER_DATE, AKARI_DRIVER_DESC, AKARI_DRIVER_NAME, AKARI_IOCTL, AKARI_RENDER_COLOR_CLEAR,
  AKARI_RENDER_COLOR_LOAD, AKARI_RENDER_COLOR_STORE, AKARI_RENDER_FLAGS, AKARI_RENDER_ZS_CLEAR, AKARI_RENDER_ZS_LOAD,
  AKARI_RENDER_ZS_STORE, AKARI_STATUS, AKARI_SYNC_SYNCOBJ, AKARI_SYNC_TIMELINE_SYNCOBJ, AKARI_VERSION,
  drm_akari_cmd_render, drm_akari_params_global, drm_akari_result, drm_akari_sync, drm_akari_vm_bind_op,
  AKARI_MADV_DONTNEED, AKARI_DEFAULT_TIMEOUT_MS, AKARI_MAX_TIMEOUT_MS,
  AKARI_CONTEXT_STATE, AKARI_OBJECT_QUEUE, AKARI_OBJECT_VM, AKARI_FEATURE_JOB_TIMEOUT, AKARI_FEATURE_GET_STATE, AKARI_FEATURE_RENDER_TARGETS, AKARI_FEATURE_MSAA, AKARI_FEATURE_D32F_S8,
  AKARI_MAX_RENDER_TARGETS, DRM_AKARI_CMD_RENDER_V1_SIZE, drm_akari_render_target,
  type AkariContextState,
} from '../../uapi/akari.js';
import { DRM_RENDER_ALLOW, monotonicNs, type DrmDevice, type DrmDriver, type DrmFile, type GemObject, type IoctlEntry, type Syncobj } from '../drm/device.js';
import { DmaFence, fenceContextAlloc } from '../drm/fence.js';
import { RangeAllocator } from '../drm/range-alloc.js';
import type { Process } from '../drm/process.js';
import { PageTable } from './pgtable.js';
import type { DisplayBus } from '../../hw/bus.js';
import { Kms } from '../drm/kms.js';
import { kmsIoctls } from '../drm/kms-ioctls.js';
import { AkariDisplay } from './display.js';

export const USER_VA_START = 16 << 20;
export const USER_VA_END = KERNEL_VA_BASE;
const KERNEL_POOL_BYTES = 4 << 20;
const SUBMIT_RING_ENTRIES = 64;
const EVENT_RING_ENTRIES = 256;
const LOG_RING_ENTRIES = 128;
const JOB_BLOCK = 1024;
/** Layout of one job's block in the kernel pool (bytes). */
const JB = { cmd: 0, vertexJob: 128, fragmentJob: 160, framebuffer: 192, microseq: 320, stamp: 576, fwTsStart: 584, fwTsEnd: 592, msTsStart: 600, msTsEnd: 608, counter: 616, targets: 640 } as const;
const MAX_COMMANDS = 64;
/** The kernel's timeout is the firmware's ×1.5 plus this (ms): the firmware's watchdog should always fire first. */
const KERNEL_TIMEOUT_GRACE_MS = 1000;

/** A kernel object: contiguous physical pages mapped into the kernel half. */
export interface KObj { va: number; pa: number; size: number }

interface Mapping { va: number; size: number; bo: GemObject; offset: number; perms: number }

/**
 * A GPU address space. Lifetime as drm_gpuvm's: the file's VM table holds
 * one reference and every job on it another (from submit to retire), so a
 * VM destroyed or orphaned by an exiting process keeps its page tables, its
 * slot and its mappings' objects until the last job that could walk them
 * has retired. `active` is the jobs submitted and not yet retired (queued
 * or on the GPU).
 */
export class AkariVm {
  slot = -1;
  inflight = 0;
  queues = 0;
  lastUse = 0;
  mappings: Mapping[] = [];
  /** destroyed queues that were blamed: the VM's GET_STATE still reports them */
  retired: Queue[] = [];
  refs = 1;
  readonly active = new Set<Job>();
  destroyed = false;
  constructor(readonly id: number, readonly pt: PageTable) {}
}

/**
 * A queue's standing (GET_STATE). Anything but innocent bans it: SUBMIT
 * answers ECANCELED, as Panthor does for a group in a fatal state.
 */
export interface Queue {
  id: number; vm: AkariVm; priority: number; context: number; seqno: number;
  state: AkariContextState;
  guiltyJobs: number;
  lostJobs: number;
}

export interface Job {
  tag: number;
  file: DrmFile;
  queue: Queue;
  fence: DmaFence;
  deps: DmaFence[];
  block: number; // kernel pool offset
  pushed: boolean;
  result: { bo: GemObject; offset: number } | null;
  cmd: CValues;
  /** render targets 1.. of the command (drm_akari_render_target, validated) */
  targets: CValues[];
  /** the firmware's watchdog for this job (ms) */
  timeoutMs: number;
  /** firmware crashes this job was running at (drm_sched's karma): at two it is guilty */
  karma: number;
}

interface FilePriv { vms: Map<number, AkariVm>; queues: Map<number, Queue>; nextVm: number; nextQueue: number }

export interface DriverEvents {
  onFirmwareLog?(text: string): void;
  /** a reset and firmware reboot (`guilty`: the job blamed, if any), or a queue banned */
  onRecovery?(ev: { kind: 'reset' | 'ban'; reason: string; tag?: number; queue?: number; state?: AkariContextState; rerun?: number }): void;
  onEvent?(ev: { type: string; status: string; tag: number; faultAddr: number; faultAs: number; faultAccess: string; primitives: number; tiles: number }): void;
}

export class AkariDriver implements DrmDriver {
  readonly name = AKARI_DRIVER_NAME;
  readonly date = AKARI_DRIVER_DATE;
  readonly desc = AKARI_DRIVER_DESC;
  readonly version = { ...AKARI_VERSION };
  readonly ioctls: IoctlEntry[];

  private phys: RangeAllocator;
  private kva = new RangeAllocator(KERNEL_VA_BASE, KERNEL_VA_BASE + 2 ** 40);
  private kpt!: PageTable;
  private ttbat!: KObj;
  private pool!: KObj;
  private poolAlloc!: RangeAllocator;
  private initData!: KObj;
  private rings!: { submit: KObj; event: KObj; log: KObj; stats: KObj };
  fwVersion!: FwVersion;
  private irqSeq = 0;
  private nextTag = 1;
  private jobs = new Map<number, Job>();
  private pending: Job[] = [];
  /** jobs in the firmware's hands, in the order it runs them (the submit ring's order) */
  private inflight: Job[] = [];
  /** bus clock of the last sign of progress: a completion, or work given to an idle GPU */
  private progressAt = 0;
  private slots: Array<AkariVm | null> = new Array(NUM_AS_SLOTS).fill(null);
  private useClock = 0;
  readonly fwLog: string[] = [];
  readonly faults: Array<{ tag: number; addr: number; as: number; access: string }> = [];
  readonly counters = {
    submits: 0, completed: 0, faulted: 0, irqs: 0, doorbells: 0, recoveries: 0, purged: 0, timeouts: 0, kernelTimeouts: 0, bans: 0, rerun: 0,
    /** page-table entries the kernel's walks of user VMs read or wrote: what an ioctl's page-table work cost */
    ptEntries: 0,
  };
  readonly hooks: DriverEvents = {};

  /** the display half (DRIVER_MODESET | DRIVER_ATOMIC), when the machine has a display controller */
  kms: Kms | null = null;
  display: AkariDisplay | null = null;

  constructor(readonly dev: DrmDevice, readonly bus: GpuBus) {
    // physical page 0 stays reserved: a zero physical address means "none" in TTBAT and PTEs
    this.phys = new RangeAllocator(PAGE_SIZE, bus.mem.size);
    this.ioctls = this.makeIoctls();
    dev.attach(this);
  }

  // ------------------------------------------------------------ memory

  allocPages(n: number): number | null { return this.phys.alloc(n * PAGE_SIZE, PAGE_SIZE); }
  freePages(pa: number, n: number): void { this.phys.release(pa, n * PAGE_SIZE); }
  get physFree(): number { return this.phys.freeBytes; }

  kalloc(size: number, perms = PTE.READ | PTE.WRITE): KObj {
    const bytes = alignUp(Math.max(size, 1), PAGE_SIZE);
    const pa = this.phys.alloc(bytes, PAGE_SIZE);
    if (pa === null) throw kerr('ENOMEM', 'kernel allocation');
    const va = this.kva.alloc(bytes, PAGE_SIZE)!;
    this.bus.mem.u8.fill(0, pa, pa + bytes);
    this.kpt.map(va, pa, bytes / PAGE_SIZE, perms);
    return { va, pa, size: bytes };
  }

  gemCreate(size: number): { pa: number } | null {
    const pa = this.phys.alloc(alignUp(size, PAGE_SIZE), PAGE_SIZE);
    return pa === null ? null : { pa };
  }
  gemFree(o: GemObject): void { this.phys.release(o.pa, alignUp(o.size, PAGE_SIZE)); }

  /**
   * The shrinker: reclaims the pages of every purgeable object — madvised
   * DONTNEED, not exported as a dma-buf, not in a VM with
   * work in flight. Its GPU mappings are torn down first (the page-table
   * entries go, so the GPU faults rather than touching reused memory).
   */
  purge(): number {
    const vmsOf = new Map<GemObject, AkariVm[]>();
    for (const vm of this.allVms) {
      for (const m of vm.mappings) vmsOf.set(m.bo, [...(vmsOf.get(m.bo) ?? []), vm]);
    }
    const candidates = new Set<GemObject>();
    for (const f of this.dev.files) for (const o of f.handles.values()) {
      // CPU mappings do not protect an object: its pages go and the mapping's next touch is SIGBUS, as Linux zaps it
      if (o.madv === AKARI_MADV_DONTNEED && !o.purged && !o.freed && !o.dmabuf && !o.name && o.handleCount <= 1) candidates.add(o);
    }
    let freed = 0;
    for (const o of candidates) {
      const vms = vmsOf.get(o) ?? [];
      // never what a queued or running job may touch: mapped in a VM with work, or a job's result
      if (o.activeJobs > 0 || vms.some((vm) => vm.active.size > 0)) continue;
      for (const vm of new Set(vms)) {
        const gone = vm.mappings.filter((m) => m.bo === o);
        vm.mappings = vm.mappings.filter((m) => m.bo !== o);
        for (const m of gone) { vm.pt.unmap(m.va, m.size / PAGE_SIZE); o.put(); }
      }
      this.bus.writeReg(REG.MMU_FLUSH, 1); // before the pages can be reused
      if (o.freed) continue; // the VM mappings held the last references
      this.gemFree(o);
      this.dev.notePurged(o);
      freed += alignUp(o.size, PAGE_SIZE);
    }
    if (freed) this.bus.writeReg(REG.MMU_FLUSH, 1);
    this.counters.purged += candidates.size && freed ? 1 : 0;
    return freed;
  }
  physRead(pa: number, dst: Uint8Array): void { dst.set(this.bus.mem.u8.subarray(pa, pa + dst.length)); }
  physWrite(pa: number, src: Uint8Array): void { this.bus.mem.u8.set(src, pa); }
  physZero(pa: number, len: number): void { this.bus.mem.u8.fill(0, pa, pa + len); }

  private fw(desc: FwStructDesc, pa: number): FwView {
    return new FwView(this.bus.mem, layoutOf(desc, this.fwVersion), pa);
  }
  private ring(kobj: KObj): FwView { return this.fw(RING, kobj.pa); }

  // ------------------------------------------------------------ boot

  boot(): void {
    const bus = this.bus;
    const abi = bus.readReg(REG.FW_ABI);
    const v = fwVersionFromAbi(abi);
    if (!v) throw new Error(`unsupported firmware ABI 0x${abi.toString(16)}`);
    this.fwVersion = v;
    this.kpt = new PageTable(bus.mem, this);
    this.ttbat = this.kalloc(NUM_AS_SLOTS * TTBAT_ENTRY_SIZE);
    this.pool = this.kalloc(KERNEL_POOL_BYTES);
    this.poolAlloc = new RangeAllocator(0, KERNEL_POOL_BYTES);
    this.setupFirmwareMemory();
    bus.writeReg(REG.MMU_TTBR1_LO, this.kpt.root >>> 0);
    bus.writeReg(REG.MMU_TTBR1_HI, 0);
    bus.writeReg(REG.MMU_TTBAT_LO, this.ttbat.pa >>> 0);
    bus.writeReg(REG.MMU_TTBAT_HI, 0);
    bus.writeReg(REG.IRQ_MASK, 0xffffffff);
    this.startFirmware();
  }

  private setupFirmwareMemory(): void {
    const ringBytes = (desc: FwStructDesc, n: number) => RING_HEADER_SIZE + n * alignUp(layoutOf(desc, this.fwVersion).size, 8);
    this.rings = {
      submit: this.kalloc(ringBytes(SUBMIT_ENTRY, SUBMIT_RING_ENTRIES)),
      event: this.kalloc(ringBytes(EVENT, EVENT_RING_ENTRIES)),
      log: this.kalloc(ringBytes(LOG_ENTRY, LOG_RING_ENTRIES)),
      stats: this.kalloc(layoutOf(STATS, this.fwVersion).size),
    };
    this.initData = this.kalloc(layoutOf(INIT_DATA, this.fwVersion).size);
    this.resetRings();
  }

  private resetRings(): void {
    const setRing = (k: KObj, desc: FwStructDesc, n: number) => {
      this.bus.mem.u8.fill(0, k.pa, k.pa + k.size);
      const r = this.ring(k);
      r.set('entries', n);
      r.set('entry_size', alignUp(layoutOf(desc, this.fwVersion).size, 8));
    };
    setRing(this.rings.submit, SUBMIT_ENTRY, SUBMIT_RING_ENTRIES);
    setRing(this.rings.event, EVENT, EVENT_RING_ENTRIES);
    setRing(this.rings.log, LOG_ENTRY, LOG_RING_ENTRIES);
    const init = this.fw(INIT_DATA, this.initData.pa);
    init.set('magic', FW_INIT_MAGIC);
    init.set('submit_ring', this.rings.submit.va);
    init.set('event_ring', this.rings.event.va);
    init.set('log_ring', this.rings.log.va);
    init.set('stats', this.rings.stats.va);
    init.setIf('heartbeat_ms', 100);
    init.setIf('watchdog_ms', AKARI_MAX_TIMEOUT_MS);
    init.setIf('flags', 0);
    init.set('fw_ready', 0);
  }

  private startFirmware(): void {
    const bus = this.bus;
    bus.writeReg(REG.FW_INIT_LO, this.initData.va % 0x1_0000_0000 >>> 0);
    bus.writeReg(REG.FW_INIT_HI, Math.floor(this.initData.va / 0x1_0000_0000));
    bus.writeReg(REG.POWER, 1);
    bus.writeReg(REG.BOOT, 1);
    const deadline = monotonicNs() + 30e9; // generous: a loaded machine may be slow to schedule the GPU thread
    while (bus.readReg(REG.FW_STATUS) !== FwStatus.RUNNING) {
      if (monotonicNs() > deadline || bus.readReg(REG.FW_STATUS) === FwStatus.CRASHED) throw new Error('firmware did not boot');
      this.irqSeq = bus.waitIrq(this.irqSeq, 10);
    }
    const init = this.fw(INIT_DATA, this.initData.pa);
    if (init.get('fw_ready') !== 1 || init.get('fw_abi') !== bus.readReg(REG.FW_ABI)) throw new Error('firmware boot handshake failed');
    this.handleIrq();
  }

  /** Stats the firmware keeps in shared memory. */
  firmwareStats(): Record<string, number> {
    const v = this.fw(STATS, this.rings.stats.pa);
    const out: Record<string, number> = {};
    for (const name of v.layout.fields.keys()) out[name] = v.get(name);
    return out;
  }

  // ------------------------------------------------------------ interrupts

  handleIrq(): void {
    const bus = this.bus;
    const stat = bus.readReg(REG.IRQ_RAWSTAT);
    if (!stat) return;
    bus.writeReg(REG.IRQ_CLEAR, stat);
    this.counters.irqs++;
    if (stat & IRQ.LOG) this.drainLog();
    if (stat & IRQ.EVENT) this.drainEvents();
    if (stat & IRQ.FW_CRASH) this.recover('firmware crashed');
  }

  private drainLog(): void {
    const r = this.ring(this.rings.log);
    const n = r.get('entries'), size = r.get('entry_size');
    while (r.get('head') !== r.get('tail')) {
      const h = r.get('head');
      const e = this.fw(LOG_ENTRY, this.rings.log.pa + RING_HEADER_SIZE + (h % n) * size);
      const text = e.getText('text');
      this.fwLog.push(text);
      this.hooks.onFirmwareLog?.(text);
      r.set('head', h + 1);
    }
  }

  private drainEvents(): void {
    const r = this.ring(this.rings.event);
    const n = r.get('entries'), size = r.get('entry_size');
    let drained = 0;
    while (r.get('head') !== r.get('tail')) {
      const h = r.get('head');
      const e = this.fw(EVENT, this.rings.event.pa + RING_HEADER_SIZE + (h % n) * size);
      const type = EVENT_TYPE[e.get('type')] ?? 'none';
      const status = JOB_STATUS[e.get('status')] ?? 'invalid';
      const tag = e.get('tag');
      const ev = {
        type, status, tag, faultAddr: e.get('fault_addr'), faultAs: e.get('fault_as'), faultAccess: ACCESS[e.get('fault_access') as 0] ?? '?',
        primitives: e.getIf('primitives'), tiles: e.getIf('tiles'),
      };
      this.hooks.onEvent?.(ev);
      if (type === 'fault') this.faults.push({ tag, addr: ev.faultAddr, as: ev.faultAs, access: ev.faultAccess });
      if (type === 'complete') this.completeJob(tag, status, e);
      r.set('head', h + 1);
      drained++;
    }
    // the firmware stops taking submissions while the event ring is full
    if (drained && this.jobs.size) { this.bus.writeReg(REG.DOORBELL, 1); this.counters.doorbells++; }
  }

  private completeJob(tag: number, status: (typeof JOB_STATUS)[number], e: FwView): void {
    const job = this.jobs.get(tag);
    if (!job || !job.pushed) return; // a stale tag after recovery
    this.jobs.delete(tag);
    const at = this.inflight.indexOf(job);
    if (at >= 0) this.inflight.splice(at, 1);
    this.progressAt = this.bus.now();
    const base = this.pool.pa + job.block;
    const mem = this.bus.mem;
    const ts = (o: number) => mem.r32(base + o + 4) * 0x1_0000_0000 + mem.r32(base + o);
    if (job.result && !job.result.bo.freed) {
      const st = status === 'ok' ? 'complete' : status === 'unknown_cmd' ? 'invalid' : status;
      // a job stopped early never reached its microsequence's end timestamp: the firmware's stand in
      const ok = status === 'ok';
      const bytes = writeStruct(drm_akari_result, {
        status: AKARI_STATUS.indexOf(st as (typeof AKARI_STATUS)[number]),
        fault_access: e.get('fault_access'), fault_addr: e.get('fault_addr'), fault_as: e.get('fault_as'),
        partial_renders: e.getIf('partial_renders'), ts_start: ts(ok ? JB.msTsStart : JB.fwTsStart), ts_end: ts(ok ? JB.msTsEnd : JB.fwTsEnd),
      });
      this.physWrite(job.result.bo.pa + job.result.offset, bytes);
    }
    if (status === 'ok') this.counters.completed++;
    else {
      if (status === 'timeout') this.counters.timeouts++;
      else this.counters.faulted++;
      job.fence.setError(status === 'fault' ? 14 /* EFAULT */ : status === 'timeout' ? 110 /* ETIMEDOUT */ : status === 'killed' ? 125 /* ECANCELED */ : 22 /* EINVAL */);
      if (status !== 'killed') job.queue.guiltyJobs++;
    }
    this.retire(job);
    job.fence.signal();
    if (status !== 'ok' && status !== 'killed') this.ban(job.queue, status === 'timeout' ? 'guilty_timeout' : 'guilty_fault', `job ${tag} ${status}`);
    this.schedule();
  }

  /**
   * Bans a queue: its state is fixed (the first blame sticks), its jobs not
   * yet given to the firmware are cancelled, and later submits on it fail
   * with ECANCELED. Other queues — of this process or any other — go on.
   */
  private ban(q: Queue, state: Exclude<AkariContextState, 'innocent'>, reason: string): void {
    if (q.state !== 'innocent') return;
    q.state = state;
    this.counters.bans++;
    this.fwLog.push(`kernel: queue ${q.id} (vm ${q.vm.id}) banned: ${state}: ${reason}`);
    this.hooks.onRecovery?.({ kind: 'ban', reason, queue: q.id, state });
    for (const job of [...this.pending].filter((j) => j.queue === q)) this.failJob(job, 125 /* ECANCELED */);
    // what the firmware already holds is skipped when it gets there (a banned queue's next hang waits for no one)
    for (const job of this.inflight) if (job.queue === q) this.cancelInFirmware(job);
  }

  private cancelInFirmware(job: Job): void {
    const cmd = this.fw(RENDER_CMD, this.pool.pa + job.block);
    cmd.set('flags', cmd.get('flags') | RENDER_CMD_CANCELLED);
  }

  /**
   * The kernel's own job timeout, the second line behind the firmware's
   * watchdog (drm_sched's timedout_job): the firmware runs its jobs in ring
   * order, so if the job at the head has shown no completion for its
   * timeout plus a grace period, the firmware or the GPU is stuck. Reset
   * and reboot, blaming that job.
   */
  private checkTimeout(): void {
    const head = this.inflight[0];
    if (!head) return;
    const limitNs = (head.timeoutMs * 1.5 + KERNEL_TIMEOUT_GRACE_MS) * 1e6;
    if (this.bus.now() - this.progressAt <= limitNs) return;
    this.counters.kernelTimeouts++;
    this.recover(`job ${head.tag} did not complete in ${head.timeoutMs} ms`, { job: head, state: 'guilty_timeout' });
  }

  private retire(job: Job): void {
    const vm = job.queue.vm;
    vm.inflight--;
    if (job.result) { job.result.bo.activeJobs--; job.result.bo.put(); }
    this.poolAlloc.release(job.block, JOB_BLOCK);
    vm.active.delete(job);
    this.putVm(vm);
  }

  /**
   * Reset and reboot (a firmware crash, or the kernel's job timeout). Blame
   * lands on one job at most: `guilty` (the kernel's timeout names it), or
   * after a crash the job the firmware was running if it was running it at
   * a crash before (karma 2). Every other job the firmware held is innocent
   * and runs again after the reboot — except one the crash interrupted
   * whose first run may already have changed what it reads (it loads its
   * colour or depth buffer): its work is lost, its queue reports `lost`.
   */
  recover(reason: string, guilty?: { job: Job; state: 'guilty_timeout' | 'guilty_fault' }): void {
    this.counters.recoveries++;
    this.fwLog.push(`kernel: reset: ${reason}`);
    // completions that made it to the event ring before the crash still count
    this.drainEvents();
    // what the firmware was running (v2 says; v1 leaves the head job as the suspect)
    const running = guilty ? guilty.job.tag : this.fwVersion === 'v1' ? (this.inflight[0]?.tag ?? 0) : this.fw(STATS, this.rings.stats.pa).getIf('current_tag');
    const rerun: Job[] = [];
    for (const job of this.inflight) {
      job.pushed = false;
      job.queue.vm.inflight--;
      if (job === guilty?.job) { this.failJob(job, 110 /* ETIMEDOUT */); job.queue.guiltyJobs++; this.ban(job.queue, guilty.state, reason); continue; }
      if (job.tag === running) {
        if (++job.karma >= 2) { this.failJob(job, 5 /* EIO */); job.queue.guiltyJobs++; this.ban(job.queue, 'guilty_fault', `job ${job.tag} was running at ${job.karma} firmware crashes`); continue; }
        const ls = job.cmd.load_store!;
        if (ls & (AKARI_RENDER_COLOR_LOAD | AKARI_RENDER_ZS_LOAD)) { this.failJob(job, 5 /* EIO */); job.queue.lostJobs++; this.ban(job.queue, 'lost', `job ${job.tag} interrupted by a reset`); continue; }
      }
      rerun.push(job);
    }
    this.inflight = [];
    // innocent work goes back to the head of the queue, in its order (a banned queue's too would be cancelled by ban)
    const keep = rerun.filter((j) => j.queue.state === 'innocent');
    for (const j of rerun) if (j.queue.state !== 'innocent') this.failJob(j, 125 /* ECANCELED */);
    this.pending.unshift(...keep);
    this.counters.rerun += keep.length;
    this.hooks.onRecovery?.({ kind: 'reset', reason, tag: guilty?.job.tag, queue: guilty?.job.queue.id, state: guilty?.state, rerun: keep.length });
    this.bus.writeReg(REG.RESET, 1);
    // the reset is done when the coprocessor reports OFF; only then may it boot again
    const deadline = monotonicNs() + 30e9; // generous: a loaded machine may be slow to schedule the GPU thread
    while (this.bus.readReg(REG.FW_STATUS) !== FwStatus.OFF && monotonicNs() < deadline) this.irqSeq = this.bus.waitIrq(this.irqSeq, 1);
    this.resetRings();
    this.bus.writeReg(REG.MMU_FLUSH, 1);
    this.startFirmware();
    this.progressAt = this.bus.now();
    this.schedule();
  }

  /** Brings up the display controller: its address space, the KMS objects, the KMS ioctls. */
  attachDisplay(dbus: DisplayBus): void {
    const display = new AkariDisplay(dbus, this.bus.mem, this, this);
    const kms = new Kms(this.dev, display);
    display.kms = kms;
    this.display = display;
    this.kms = kms;
    this.dev.attachKms(kmsIoctls(this.dev, kms));
  }

  /**
   * Render work the GPU is executing (pushed to the firmware). Jobs still
   * waiting for a dependency are not counted: that dependency may be a
   * display fence that only a vblank will signal.
   */
  gpuBusy(): boolean {
    for (const j of this.jobs.values()) if (j.pushed) return true;
    return false;
  }

  /**
   * Ends a job that will not run (again): its fence signals with `errno`,
   * and its result says so — a zeroed result would read as "complete".
   */
  private failJob(job: Job, errno: number): void {
    if (job.pushed) { job.pushed = false; job.queue.vm.inflight--; }
    const at = this.pending.indexOf(job);
    if (at >= 0) this.pending.splice(at, 1);
    this.jobs.delete(job.tag);
    if (job.result && !job.result.bo.freed) {
      const st = errno === 110 ? 'timeout' : errno === 14 ? 'fault' : 'killed';
      const bytes = writeStruct(drm_akari_result, { status: AKARI_STATUS.indexOf(st) });
      this.physWrite(job.result.bo.pa + job.result.offset, bytes);
    }
    job.queue.vm.inflight++; // retire takes it back
    job.fence.setError(errno);
    this.retire(job);
    job.fence.signal();
  }

  waitProgress(deadlineNs: number): boolean {
    const remainMs = Math.max(0, (deadlineNs - monotonicNs()) / 1e6);
    this.irqSeq = this.bus.waitIrq(this.irqSeq, Math.min(20, Math.ceil(remainMs)));
    this.handleIrq();
    this.checkTimeout();
    return monotonicNs() < deadlineNs;
  }

  // ------------------------------------------------------------ scheduling

  private bindSlot(vm: AkariVm): boolean {
    vm.lastUse = ++this.useClock;
    if (vm.slot >= 0) return true;
    let slot = this.slots.indexOf(null);
    if (slot < 0) {
      // steal the least recently used idle address space
      let victim: AkariVm | null = null;
      for (const v of this.slots) if (v && v.inflight === 0 && (!victim || v.lastUse < victim.lastUse)) victim = v;
      if (!victim) return false;
      slot = victim.slot;
      victim.slot = -1;
    }
    this.slots[slot] = vm;
    vm.slot = slot;
    const e = this.ttbat.pa + slot * TTBAT_ENTRY_SIZE;
    this.bus.mem.w32(e, vm.pt.root >>> 0);
    this.bus.mem.w32(e + 4, 0);
    this.bus.mem.w32(e + 8, vm.id);
    this.bus.writeReg(REG.MMU_FLUSH, 1);
    return true;
  }

  private releaseSlot(vm: AkariVm): void {
    if (vm.slot < 0) return;
    const e = this.ttbat.pa + vm.slot * TTBAT_ENTRY_SIZE;
    this.bus.mem.w32(e, 0);
    this.bus.mem.w32(e + 4, 0);
    this.slots[vm.slot] = null;
    vm.slot = -1;
    this.bus.writeReg(REG.MMU_FLUSH, 1);
  }

  private scheduling = false;
  private rescheduleWanted = false;
  /**
   * A dependency from outside the GPU (a display out-fence, a sw_sync point,
   * another device's fence) signals with no GPU interrupt to follow: like
   * drm_sched's dependency callback, it runs the scheduler itself (or asks
   * the running one to look again).
   */
  private foreignDepSignalled = (): void => {
    if (this.scheduling) { this.rescheduleWanted = true; return; }
    this.schedule();
  };

  /** drm_sched in miniature: push every pending job whose dependencies have signalled, in order per queue. */
  schedule(): void {
    if (this.scheduling) { this.rescheduleWanted = true; return; }
    this.scheduling = true;
    try {
      do { this.rescheduleWanted = false; this.scheduleOnce(); } while (this.rescheduleWanted);
    } finally { this.scheduling = false; }
  }
  private scheduleOnce(): void {
    let pushed = false;
    const blocked = new Set<Queue>();
    for (const job of [...this.pending]) {
      if (blocked.has(job.queue)) continue;
      if (!job.deps.every((f) => f.signaled) || !this.bindSlot(job.queue.vm)) { blocked.add(job.queue); continue; }
      const failed = job.deps.find((f) => f.error);
      this.pending.splice(this.pending.indexOf(job), 1);
      if (failed) {
        // a failed dependency poisons the job, as drm_sched propagates errors
        this.failJob(job, -failed.error);
        continue;
      }
      if (!this.pushJob(job)) { this.pending.unshift(job); break; }
      pushed = true;
    }
    if (pushed) { this.bus.writeReg(REG.DOORBELL, 1); this.counters.doorbells++; }
  }

  private pushJob(job: Job): boolean {
    const r = this.ring(this.rings.submit);
    const n = r.get('entries');
    const tail = r.get('tail');
    if (tail - r.get('head') >= n) return false;
    this.buildRenderCommand(job);
    const e = this.fw(SUBMIT_ENTRY, this.rings.submit.pa + RING_HEADER_SIZE + (tail % n) * r.get('entry_size'));
    e.set('cmd_type', CMD_TYPE.indexOf('render'));
    e.setIf('priority', job.queue.priority);
    e.set('cmd', this.pool.va + job.block);
    job.pushed = true;
    job.queue.vm.inflight++;
    if (!this.inflight.length) this.progressAt = this.bus.now();
    this.inflight.push(job);
    r.set('tail', tail + 1);
    return true;
  }

  /** Writes the firmware's view of one job into the kernel pool: framebuffer, jobs, microsequence, command. */
  private buildRenderCommand(job: Job): void {
    const c = job.cmd;
    const base = this.pool.pa + job.block, vbase = this.pool.va + job.block;
    if (layoutOf(RENDER_CMD, this.fwVersion).size > JB.vertexJob) throw new Error('RENDER_CMD outgrew its slot');
    const mem = this.bus.mem;
    const put = (desc: StructDesc, off: number, vals: Partial<StructValues>) => {
      const words = new Uint32Array(desc.words);
      packInto(desc, vals, words, 0);
      for (let i = 0; i < desc.words; i++) mem.w32(base + off + i * 4, words[i]!);
    };
    const f32 = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
    const ls = c.load_store!;
    put(FRAMEBUFFER, JB.framebuffer, {
      width: c.width, height: c.height, format: c.color_format, layout: c.color_layout,
      color_clear: ls & AKARI_RENDER_COLOR_CLEAR ? 1 : 0, color_load: ls & AKARI_RENDER_COLOR_LOAD ? 1 : 0,
      color_store: ls & AKARI_RENDER_COLOR_STORE ? 1 : 0, zs_clear: ls & AKARI_RENDER_ZS_CLEAR ? 1 : 0,
      zs_load: ls & AKARI_RENDER_ZS_LOAD ? 1 : 0, zs_store: ls & AKARI_RENDER_ZS_STORE ? 1 : 0,
      zs_format: c.zs_format, zs_layout: c.zs_layout, color: c.color, color_stride: c.color_stride,
      // the clear words as they came (floats, or an integer format's integers)
      clear_r: c.clear_r, clear_g: c.clear_g, clear_b: c.clear_b, clear_a: c.clear_a,
      zs: c.zs, zs_stride: c.zs_stride, stencil: c.stencil, stencil_stride: c.stencil_stride, clear_depth: f32(c.clear_depth!), clear_stencil: c.clear_stencil! & 255,
      color_count: job.targets.length ? job.targets.length + 1 : 0, targets: job.targets.length ? vbase + JB.targets : 0,
      sample_count: c.samples! > 1 ? c.samples : 1,
      resolve: c.resolve ? 1 : 0, resolve_color: c.resolve, resolve_stride: c.resolve_stride, resolve_layout: c.color_layout,
    });
    job.targets.forEach((t, i) => put(RENDER_TARGET, JB.targets + i * RENDER_TARGET.words * 4, {
      address: t.color, stride: t.color_stride, format: t.color_format, layout: t.color_layout,
    }));
    put(FRAGMENT_JOB, JB.fragmentJob, { framebuffer: vbase + JB.framebuffer, heap_base: c.tiler_heap, heap_size: c.tiler_heap_size });
    put(VERTEX_JOB, JB.vertexJob, {
      draws: c.draws, heap_base: c.tiler_heap, heap_size: c.tiler_heap_size, width: c.width, height: c.height,
      partial_fragment_job: vbase + JB.fragmentJob,
    });
    const ms: Array<[MsOpName, Partial<StructValues>]> = [
      ['timestamp', { address: vbase + JB.msTsStart }],
      ['start_vertex', { job: vbase + JB.vertexJob }],
      ['wait', { what: 1 }],
      ['start_fragment', { job: vbase + JB.fragmentJob }],
      ['wait', { what: 2 }],
      ['timestamp', { address: vbase + JB.msTsEnd }],
      ['add32', { address: vbase + JB.counter, value: 1 }],
      ['write32', { address: vbase + JB.stamp, value: job.tag % 0x1_0000_0000 >>> 0 }],
      ['end', {}],
    ];
    ms.forEach(([op, vals], i) => put(MICROSEQ[op], JB.microseq + i * MS_OP_WORDS * 4, { ...vals, op: MS_OP.indexOf(op) }));
    const cmd = this.fw(RENDER_CMD, base);
    cmd.set('tag', job.tag);
    cmd.set('as_slot', job.queue.vm.slot);
    cmd.setIf('context_id', job.queue.id & 0xffff);
    cmd.set('flags', 0);
    cmd.set('microseq', vbase + JB.microseq);
    cmd.setIf('microseq_len', ms.length);
    cmd.set('vertex_job', vbase + JB.vertexJob);
    cmd.set('fragment_job', vbase + JB.fragmentJob);
    cmd.set('stamp_addr', vbase + JB.stamp);
    cmd.set('stamp_value', job.tag % 0x1_0000_0000 >>> 0);
    cmd.set('ts_start_addr', vbase + JB.fwTsStart);
    cmd.set('ts_end_addr', vbase + JB.fwTsEnd);
    cmd.setIf('timeout_ms', job.timeoutMs);
  }

  /** The kernel-half address of a job's render command, for the decoder. */
  jobCommandVa(tag: number): number | undefined {
    const j = this.jobs.get(tag);
    return j ? this.pool.va + j.block : undefined;
  }
  /** Most recent job blocks keep their contents after completion until reused; decode reads them. */
  lastJob: { tag: number; va: number; slot: number } | null = null;

  // ------------------------------------------------------------ files

  private priv(f: DrmFile): FilePriv {
    if (!f.driverPriv) f.driverPriv = { vms: new Map(), queues: new Map(), nextVm: 1, nextQueue: 1 } satisfies FilePriv;
    return f.driverPriv as FilePriv;
  }

  postclose(f: DrmFile): void {
    const p = this.priv(f);
    // cancel what has not reached the firmware; what has is marked cancelled (the firmware skips it)
    for (const job of [...this.pending].filter((j) => j.file === f)) this.failJob(job, 125 /* ECANCELED */);
    for (const job of this.inflight) if (job.file === f) this.cancelInFirmware(job);
    // what reached the GPU keeps its VM and objects alive until it retires (no waiting here)
    for (const vm of p.vms.values()) this.putVm(vm);
    p.vms.clear();
    p.queues.clear();
  }

  /** Drops a reference on a VM; the last one tears it down: slot, page tables, the mappings' objects. */
  private putVm(vm: AkariVm): void {
    if (--vm.refs > 0) return;
    vm.destroyed = true;
    this.releaseSlot(vm);
    const objs = vm.mappings.map((m) => m.bo);
    vm.mappings = [];
    vm.pt.destroy();
    this.bus.writeReg(REG.MMU_FLUSH, 1);
    for (const o of objs) o.put();
    this.allVms.delete(vm);
  }
  /** Every VM not yet torn down, including those of closed files whose jobs still run. */
  private allVms = new Set<AkariVm>();

  /**
   * Drops the references of mappings removed from `vm` (unbind, purge). The
   * PTEs are already gone and the TLB flush is written; but a job queued or
   * running on the VM may hold translations from before (a TLB is hardware),
   * so the objects stay alive until every such job has retired — only then
   * can their pages be reused (dma_resv/drm_gpuvm: the VM's fences).
   */
  private putAfterJobs(vm: AkariVm, objs: GemObject[]): void {
    if (!objs.length) return;
    const waits = [...vm.active].map((j) => j.fence).filter((f) => !f.signaled);
    if (!waits.length) { for (const o of objs) o.put(); return; }
    let left = waits.length;
    for (const o of objs) o.activeJobs++;
    for (const w of waits) w.onSignal(() => {
      if (--left === 0) for (const o of objs) { o.activeJobs--; o.put(); }
    });
  }

  // ------------------------------------------------------------ ioctls

  private makeIoctls(): IoctlEntry[] {
    const I = AKARI_IOCTL;
    const R = DRM_RENDER_ALLOW;
    const e = (d: { name: string; request: number; struct: import('../../uapi/cstruct.js').CStruct }, handler: IoctlEntry['handler']): IoctlEntry =>
      ({ name: d.name, request: d.request, struct: d.struct, flags: R, handler });
    return [
      e(I.GET_PARAMS, (f, a, proc) => {
        if (a.param_group || a.pad) throw kerr('EINVAL', 'param_group and pad must be zero');
        const bytes = writeStruct(drm_akari_params_global, {
          gpu_id: this.bus.readReg(REG.GPU_ID), gpu_revision: this.bus.readReg(REG.GPU_REVISION),
          fw_abi: this.bus.readReg(REG.FW_ABI), num_as: NUM_AS_SLOTS, vm_user_start: USER_VA_START, vm_user_end: USER_VA_END,
          page_size: PAGE_SIZE, tile_size: TILE_SIZE, mem_size: this.bus.mem.size, max_commands_per_submission: MAX_COMMANDS,
          timestamp_frequency_hz: 1e9, features: AKARI_FEATURE_JOB_TIMEOUT | AKARI_FEATURE_GET_STATE | AKARI_FEATURE_RENDER_TARGETS | AKARI_FEATURE_MSAA | AKARI_FEATURE_D32F_S8,
        });
        if (!a.pointer) { a.size = bytes.length; return; }
        proc.copyToUser(a.pointer, bytes.subarray(0, Math.min(a.size!, bytes.length)));
      }),
      e(I.GET_TIME, (f, a) => {
        if (a.flags || a.pad) throw kerr('EINVAL');
        // the GPU's clock, the one its microsequencer stamps render commands with (results' ts_start/ts_end)
        a.gpu_timestamp = this.bus.now();
      }),
      e(I.GEM_CREATE, (f, a) => {
        if (a.flags) throw kerr('EINVAL', 'unknown flags');
        if (!a.size || a.size > this.bus.mem.size) throw kerr('EINVAL', 'bad size');
        const o = this.dev.newGem(alignUp(a.size, PAGE_SIZE));
        a.handle = f.addHandle(o);
        o.put();
      }),
      e(I.GEM_MMAP_OFFSET, (f, a) => {
        if (a.flags) throw kerr('EINVAL', 'flags must be zero');
        a.offset = this.dev.mmapOffsetOf(f.lookup(a.handle!));
      }),
      e(I.VM_CREATE, (f, a) => {
        if (a.flags) throw kerr('EINVAL', 'flags must be zero');
        const p = this.priv(f);
        const vm = new AkariVm(p.nextVm++, new PageTable(this.bus.mem, this, this.counters));
        p.vms.set(vm.id, vm);
        this.allVms.add(vm);
        a.vm_id = vm.id;
      }),
      e(I.VM_DESTROY, (f, a) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        const p = this.priv(f);
        const vm = p.vms.get(a.vm_id!);
        if (!vm) throw kerr('ENOENT', 'no such VM');
        if (vm.queues) throw kerr('EBUSY', 'VM has queues');
        p.vms.delete(vm.id);
        this.putVm(vm); // jobs still on it keep it until they retire
      }),
      e(I.VM_BIND, (f, a, proc) => this.vmBind(f, a, proc)),
      e(I.QUEUE_CREATE, (f, a) => {
        if (a.flags) throw kerr('EINVAL', 'flags must be zero');
        if (a.priority! > 3) throw kerr('EINVAL', 'bad priority');
        const p = this.priv(f);
        const vm = p.vms.get(a.vm_id!);
        if (!vm) throw kerr('ENOENT', 'no such VM');
        if (a.priority! >= 2 && !this.dev.isCurrentMaster(f)) throw kerr('EACCES', 'high priority needs DRM master');
        const q: Queue = { id: p.nextQueue++, vm, priority: a.priority!, context: fenceContextAlloc(), seqno: 0, state: 'innocent', guiltyJobs: 0, lostJobs: 0 };
        vm.queues++;
        p.queues.set(q.id, q);
        a.queue_id = q.id;
      }),
      e(I.QUEUE_DESTROY, (f, a) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        const p = this.priv(f);
        const q = p.queues.get(a.queue_id!);
        if (!q) throw kerr('ENOENT', 'no such queue');
        p.queues.delete(q.id);
        q.vm.queues--;
        if (q.state !== 'innocent') q.vm.retired.push(q);
      }),
      e(I.SUBMIT, (f, a, proc) => this.submit(f, a, proc)),
      e(I.GET_STATE, (f, a) => {
        if (a.flags || a.pad) throw kerr('EINVAL', 'flags and pad must be zero');
        this.handleIrq();
        this.checkTimeout();
        const p = this.priv(f);
        let queues: Queue[];
        if (a.object === AKARI_OBJECT_QUEUE) {
          const q = p.queues.get(a.id!);
          if (!q) throw kerr('ENOENT', 'no such queue');
          queues = [q];
        } else if (a.object === AKARI_OBJECT_VM) {
          const vm = p.vms.get(a.id!);
          if (!vm) throw kerr('ENOENT', 'no such VM');
          queues = [...p.queues.values(), ...vm.retired].filter((q) => q.vm === vm);
        } else throw kerr('EINVAL', 'unknown object type');
        // a VM is as guilty as the worst of its queues (including destroyed ones)
        const worst = queues.map((q) => AKARI_CONTEXT_STATE.indexOf(q.state)).reduce((m, x) => (x !== 0 && (m === 0 || x < m) ? x : m), 0);
        a.state = worst;
        a.guilty_jobs = queues.reduce((n, q) => n + q.guiltyJobs, 0);
        a.lost_jobs = queues.reduce((n, q) => n + q.lostJobs, 0);
        a.device_resets = this.counters.recoveries;
      }),
      e(I.GEM_MADVISE, (f, a) => {
        if (a.pad) throw kerr('EINVAL', 'pad must be zero');
        if (a.madv! > AKARI_MADV_DONTNEED) throw kerr('EINVAL', 'unknown madv');
        const o = f.lookup(a.handle!);
        // a shared object cannot be purged under its other users: panfrost_ioctl_madvise refuses DONTNEED
        // unless the caller is the only user (-EINVAL); exported (dma-buf) or flinked objects are shared
        if (a.madv === AKARI_MADV_DONTNEED && (o.dmabuf || o.name || o.handleCount > 1)) throw kerr('EINVAL', 'object is shared');
        // a purged object stays purged (msm/panfrost: madv is sticky once purged)
        if (!o.purged) o.madv = a.madv!;
        a.retained = o.purged ? 0 : 1;
      }),
    ];
  }

  private vmBind(f: DrmFile, a: CValues, proc: Process): void {
    if (a.pad) throw kerr('EINVAL', 'pad must be zero');
    const vm = this.priv(f).vms.get(a.vm_id!);
    if (!vm) throw kerr('ENOENT', 'no such VM');
    const opSize = drm_akari_vm_bind_op.size;
    if (a.stride! < opSize) throw kerr('EINVAL', 'stride smaller than a bind op');
    if (!a.num_binds || a.num_binds > 1024) throw kerr('EINVAL', 'bad num_binds');
    const raw = proc.copyFromUser(a.userptr!, a.stride! * a.num_binds);
    const ops = [];
    for (let i = 0; i < a.num_binds; i++) {
      const at = i * a.stride!;
      if (raw.subarray(at + opSize, at + a.stride!).some((b) => b)) throw kerr('EINVAL', 'non-zero bytes past the known op');
      ops.push(readStruct(drm_akari_vm_bind_op, raw, at));
    }
    const { deps, outs } = this.parseSyncs(f, proc, a.syncs!, a.in_sync_count!, a.out_sync_count!);
    // Validate every op against the state the earlier ops of this call leave.
    let sim = vm.mappings.map((m) => ({ ...m }));
    const plan: Array<{ op: CValues; bo?: GemObject }> = [];
    for (const op of ops) {
      if (op.flags! & ~AKARI_BIND_FLAGS) throw kerr('EINVAL', 'unknown bind flags');
      const { addr, range, offset } = op as { addr: number; range: number; offset: number };
      if (addr % PAGE_SIZE || range % PAGE_SIZE || offset % PAGE_SIZE || !range) throw kerr('EINVAL', 'unaligned or empty range');
      if (addr < USER_VA_START || addr + range > USER_VA_END) throw kerr('EINVAL', 'range outside the user VA space');
      if (op.flags! & AKARI_BIND_UNBIND) {
        if (op.handle || offset || op.flags! !== AKARI_BIND_UNBIND) throw kerr('EINVAL', 'unbind takes no handle, offset or permissions');
        sim = carve(sim, addr, range);
        plan.push({ op });
      } else {
        if (!(op.flags! & (AKARI_BIND_READ | AKARI_BIND_WRITE | AKARI_BIND_EXEC))) throw kerr('EINVAL', 'mapping without permissions');
        const bo = f.lookup(op.handle!);
        if (bo.purged) throw kerr('EINVAL', 'object was purged');
        if (offset + range > alignUp(bo.size, PAGE_SIZE)) throw kerr('EINVAL', 'range past the end of the object');
        if (sim.some((m) => m.va < addr + range && addr < m.va + m.size)) throw kerr('EEXIST', 'range already mapped');
        sim.push({ va: addr, size: range, bo, offset, perms: op.flags! });
        plan.push({ op, bo });
      }
    }
    // In-syncs are fences of work already submitted (never future fences):
    // the bind is synchronous, so it waits for them here, then applies.
    if (deps.length && !this.dev.waitUntil(() => deps.every((d) => d.signaled), monotonicNs() + 10e9)) throw kerr('ETIME', 'in-syncs did not signal');
    // Page tables for every new mapping first: ENOMEM here leaves the VM exactly as it was.
    for (const { op, bo } of plan) if (bo) vm.pt.reserve(op.addr!, op.range! / PAGE_SIZE);
    // Apply (nothing below can fail).
    const unmapped: GemObject[] = [];
    for (const { op, bo } of plan) {
      const { addr, range, offset } = op as { addr: number; range: number; offset: number };
      if (!bo) {
        const before = vm.mappings;
        vm.mappings = carve(before, addr, range);
        // the pieces that remain take new references; the removed ones go when the VM's jobs retire
        for (const m of vm.mappings) if (!before.includes(m)) m.bo.get();
        vm.pt.unmap(addr, range / PAGE_SIZE);
        unmapped.push(...before.filter((m) => m.va < addr + range && addr < m.va + m.size).map((m) => m.bo));
      } else {
        const perms = (op.flags! & AKARI_BIND_READ ? PTE.READ : 0) | (op.flags! & AKARI_BIND_WRITE ? PTE.WRITE : 0) | (op.flags! & AKARI_BIND_EXEC ? PTE.EXEC : 0);
        bo.get();
        vm.mappings.push({ va: addr, size: range, bo, offset, perms: op.flags! });
        vm.pt.map(addr, bo.pa + offset, range / PAGE_SIZE, perms);
      }
    }
    this.bus.writeReg(REG.MMU_FLUSH, 1);
    this.putAfterJobs(vm, unmapped);
    if (outs.length) {
      const done = new DmaFence(this.bindContext, ++this.bindSeqno, 'akari', 'vm_bind');
      const failed = deps.find((d) => d.error);
      if (failed) done.setError(-failed.error);
      done.signal();
      this.publishSyncs(outs, done);
    }
  }
  private readonly bindContext = fenceContextAlloc();
  private bindSeqno = 0;

  private submit(f: DrmFile, a: CValues, proc: Process): void {
    this.handleIrq();
    this.checkTimeout();
    if (a.flags) throw kerr('EINVAL', 'flags must be zero');
    const q = this.priv(f).queues.get(a.queue_id!);
    if (!q) throw kerr('ENOENT', 'no such queue');
    if (q.state !== 'innocent') throw kerr('ECANCELED', `queue ${q.id} is banned (${q.state})`);
    if (!a.cmd_count || a.cmd_count > MAX_COMMANDS) throw kerr('EINVAL', 'bad command count');
    // a 1.1 binary's command lacks the render-target fields: zero-extended, they mean one target
    const cmdSize = drm_akari_cmd_render.size;
    if (a.cmd_stride! < DRM_AKARI_CMD_RENDER_V1_SIZE) throw kerr('EINVAL', 'command stride too small');
    const { deps, outs } = this.parseSyncs(f, proc, a.syncs!, a.in_sync_count!, a.out_sync_count!);
    const raw = proc.copyFromUser(a.cmds!, a.cmd_stride! * a.cmd_count);
    const cmds: Array<{ c: CValues; targets: CValues[]; result: { bo: GemObject; offset: number } | null }> = [];
    for (let i = 0; i < a.cmd_count; i++) {
      const at = i * a.cmd_stride!;
      if (a.cmd_stride! > cmdSize && raw.subarray(at + cmdSize, at + a.cmd_stride!).some((b) => b)) throw kerr('EINVAL', 'non-zero bytes past the known command');
      const known = new Uint8Array(cmdSize);
      known.set(raw.subarray(at, at + Math.min(cmdSize, a.cmd_stride!)));
      const c = readStruct(drm_akari_cmd_render, known, 0);
      const targets = this.readTargets(proc, c);
      cmds.push({ c, targets, result: this.validateRender(f, c, targets) });
    }
    // Everything is valid: allocate (may fail with nothing changed), then commit.
    const blocks: number[] = [];
    for (let i = 0; i < cmds.length; i++) {
      const b = this.poolAlloc.alloc(JOB_BLOCK, 64);
      if (b === null) { blocks.forEach((x) => this.poolAlloc.release(x, JOB_BLOCK)); throw kerr('EBUSY', 'too many jobs in flight'); }
      blocks.push(b);
    }
    let last: DmaFence | null = null;
    cmds.forEach(({ c, targets, result }, i) => {
      const tag = this.nextTag++;
      const fence = new DmaFence(q.context, ++q.seqno, 'akari', `queue${q.id}`);
      // the job holds its VM (and through it every mapped object) and its result object until it retires
      if (result) { result.bo.get(); result.bo.activeJobs++; }
      q.vm.refs++;
      const job: Job = {
        tag, file: f, queue: q, fence, deps: last ? [...deps, last] : [...deps], block: blocks[i]!, pushed: false, result, cmd: c, targets,
        timeoutMs: c.timeout_ms || AKARI_DEFAULT_TIMEOUT_MS, karma: 0,
      };
      this.jobs.set(tag, job);
      q.vm.active.add(job);
      this.pending.push(job);
      // the GPU's own fences end in an interrupt that reschedules; anything else calls back
      for (const d of deps) if (!d.signaled && d.driverName !== 'akari') d.onSignal(this.foreignDepSignalled);
      this.lastJob = { tag, va: this.pool.va + blocks[i]!, slot: -1 };
      last = fence;
    });
    this.counters.submits++;
    this.publishSyncs(outs, last!);
    this.schedule();
    if (this.lastJob) this.lastJob.slot = q.vm.slot;
  }

  /**
   * Reads and looks up a submit's or bind's syncs: the first inCount are
   * waits, the rest signals. Binary syncs carry point 0; timeline syncs a
   * non-zero point. A wait whose fence does not exist yet is EINVAL — the
   * kernel never waits on a future fence. Nothing is changed here.
   */
  private parseSyncs(f: DrmFile, proc: Process, ptr: number, inCount: number, outCount: number): { deps: DmaFence[]; outs: Array<{ so: Syncobj; point: number }> } {
    const nsync = inCount + outCount;
    if (nsync > 256) throw kerr('EINVAL', 'too many syncs');
    const syncBytes = nsync ? proc.copyFromUser(ptr, nsync * drm_akari_sync.size) : new Uint8Array(0);
    const deps: DmaFence[] = [];
    const outs: Array<{ so: Syncobj; point: number }> = [];
    for (let i = 0; i < nsync; i++) {
      const s = readStruct(drm_akari_sync, syncBytes, i * drm_akari_sync.size);
      if (s.sync_type !== AKARI_SYNC_SYNCOBJ && s.sync_type !== AKARI_SYNC_TIMELINE_SYNCOBJ) throw kerr('EINVAL', 'bad sync type');
      const timeline = s.sync_type === AKARI_SYNC_TIMELINE_SYNCOBJ;
      if (!timeline && s.timeline_value) throw kerr('EINVAL', 'binary syncobj with a timeline value');
      if (timeline && !s.timeline_value) throw kerr('EINVAL', 'timeline syncobj without a point');
      const so = f.syncobj(s.handle!);
      if (i < inCount) {
        const fence = so.findFence(timeline ? s.timeline_value! : 0);
        if (!fence) throw kerr('EINVAL', 'in-sync has no fence (at that point)');
        deps.push(fence);
      } else outs.push({ so, point: timeline ? s.timeline_value! : 0 });
    }
    return { deps, outs };
  }
  /** After the point of no return: binary syncs get the fence, timelines a new point. */
  private publishSyncs(outs: Array<{ so: Syncobj; point: number }>, fence: DmaFence): void {
    for (const { so, point } of outs) {
      if (point) so.addPoint(fence, point);
      else so.replaceFence(fence);
    }
  }

  /** The render targets 1.. of a command (copied from its color_targets array); nothing is validated here but the count. */
  private readTargets(proc: Process, c: CValues): CValues[] {
    const n = c.color_count!;
    if (n > AKARI_MAX_RENDER_TARGETS || n > MAX_RENDER_TARGETS) throw kerr('EINVAL', 'too many colour render targets');
    if (n <= 1) {
      if (c.color_targets) throw kerr('EINVAL', 'render targets without a count');
      return [];
    }
    const sz = drm_akari_render_target.size;
    const bytes = proc.copyFromUser(c.color_targets!, (n - 1) * sz);
    return Array.from({ length: n - 1 }, (_, i) => readStruct(drm_akari_render_target, bytes, i * sz));
  }

  private validateRender(f: DrmFile, c: CValues, targets: readonly CValues[]): { bo: GemObject; offset: number } | null {
    if (c.cmd_type !== AKARI_CMD_RENDER) throw kerr('EINVAL', 'unknown command type');
    if (c.flags || c.reserved0 || c.reserved1 || c.pad1 || c.pad2) throw kerr('EINVAL', 'flags and reserved fields must be zero');
    if (c.timeout_ms! > AKARI_MAX_TIMEOUT_MS) throw kerr('EINVAL', 'timeout longer than the firmware watchdog allows');
    if (c.load_store! & ~AKARI_RENDER_FLAGS) throw kerr('EINVAL', 'unknown load/store flags');
    const w = c.width!, h = c.height!;
    if (!w || !h || w > 16384 || h > 16384) throw kerr('EINVAL', 'bad framebuffer size');
    const fmt = COLOR_FORMAT[c.color_format!];
    if (!fmt || c.color_layout! > 1) throw kerr('EINVAL', 'bad colour format or layout');
    const bpp = COLOR_FORMAT_BPP[fmt];
    const userRange = (va: number, len: number) => va >= USER_VA_START && va + len <= USER_VA_END;
    const ls = c.load_store!;
    // multisampled surfaces hold n sample images one after another (UAPI 1.3)
    const n = c.samples! <= 1 ? 1 : c.samples!;
    if (!(SAMPLE_COUNTS as readonly number[]).includes(n)) throw kerr('EINVAL', 'unsupported sample count');
    if (c.resolve || c.resolve_stride) {
      if (n === 1) throw kerr('EINVAL', 'a resolve needs a multisampled command');
      const minStride = (c.color_layout ? alignUp(w, TWIDDLE_BLOCK) : w) * bpp;
      if (c.resolve_stride! < minStride) throw kerr('EINVAL', 'resolve stride too small');
      if (c.color_layout && c.resolve_stride! % (TWIDDLE_BLOCK * bpp)) throw kerr('EINVAL', 'twiddled stride must be whole blocks');
      const rows = c.color_layout ? alignUp(h, TWIDDLE_BLOCK) : h;
      if (!userRange(c.resolve!, c.resolve_stride! * rows)) throw kerr('EINVAL', 'resolve surface outside the user VA space');
    }
    // with several targets, target 0 may be unattached (color 0) as any other
    if (ls & (AKARI_RENDER_COLOR_LOAD | AKARI_RENDER_COLOR_STORE) && (c.color || !targets.length)) {
      const minStride = (c.color_layout ? alignUp(w, TWIDDLE_BLOCK) : w) * bpp;
      if (c.color_stride! < minStride) throw kerr('EINVAL', 'colour stride too small');
      if (c.color_layout && c.color_stride! % (TWIDDLE_BLOCK * bpp)) throw kerr('EINVAL', 'twiddled stride must be whole blocks');
      const rows = c.color_layout ? alignUp(h, TWIDDLE_BLOCK) : h;
      if (!userRange(c.color!, c.color_stride! * rows * n)) throw kerr('EINVAL', 'colour buffer outside the user VA space');
    }
    for (const t of targets) {
      if (t.pad) throw kerr('EINVAL', 'render target padding must be zero');
      const tf = COLOR_FORMAT[t.color_format!];
      if (!tf || t.color_layout! > 1) throw kerr('EINVAL', 'bad render target format or layout');
      // color 0: nothing attached there, so nothing to load or store
      if (!t.color || !(ls & (AKARI_RENDER_COLOR_LOAD | AKARI_RENDER_COLOR_STORE))) continue;
      const tbpp = COLOR_FORMAT_BPP[tf];
      const minStride = (t.color_layout ? alignUp(w, TWIDDLE_BLOCK) : w) * tbpp;
      if (t.color_stride! < minStride) throw kerr('EINVAL', 'render target stride too small');
      if (t.color_layout && t.color_stride! % (TWIDDLE_BLOCK * tbpp)) throw kerr('EINVAL', 'twiddled stride must be whole blocks');
      const rows = t.color_layout ? alignUp(h, TWIDDLE_BLOCK) : h;
      if (!userRange(t.color!, t.color_stride! * rows * n)) throw kerr('EINVAL', 'render target outside the user VA space');
    }
    const zsFormat = ZS_FORMAT[c.zs_format!];
    if (!zsFormat || c.zs_layout! > 1) throw kerr('EINVAL', 'bad depth/stencil format');
    // only the planar format has a stencil surface (UAPI 1.4)
    if (zsFormat !== 'd32f_s8' && (c.stencil || c.stencil_stride)) throw kerr('EINVAL', 'a stencil surface without d32f_s8');
    if (c.zs_format && ls & (AKARI_RENDER_ZS_LOAD | AKARI_RENDER_ZS_STORE)) {
      const zbpp = ZS_FORMAT_BPP[zsFormat];
      if (c.zs_stride! < w * zbpp) throw kerr('EINVAL', 'depth stride too small');
      const rows = c.zs_layout ? alignUp(h, TWIDDLE_BLOCK) : h;
      if (!userRange(c.zs!, c.zs_stride! * rows * n)) throw kerr('EINVAL', 'depth buffer outside the user VA space');
      // the stencil plane is loaded and stored with the depth: its every sample image must lie in the user half too
      if (zsFormat === 'd32f_s8') {
        if (c.stencil_stride! < (c.zs_layout ? alignUp(w, TWIDDLE_BLOCK) : w)) throw kerr('EINVAL', 'stencil stride too small');
        if (c.zs_layout && c.stencil_stride! % TWIDDLE_BLOCK) throw kerr('EINVAL', 'twiddled stride must be whole blocks');
        if (!userRange(c.stencil!, c.stencil_stride! * rows * n)) throw kerr('EINVAL', 'stencil buffer outside the user VA space');
      }
    }
    const tiles = Math.ceil(w / TILE_SIZE) * Math.ceil(h / TILE_SIZE);
    if (c.tiler_heap_size! < (4 + 2 * tiles) * 4 + 1024) throw kerr('EINVAL', 'tiler heap too small for the tile table');
    if (!userRange(c.tiler_heap!, c.tiler_heap_size!)) throw kerr('EINVAL', 'tiler heap outside the user VA space');
    if (c.draws && !userRange(c.draws, 64)) throw kerr('EINVAL', 'draw list outside the user VA space');
    void f32ToBits;
    if (c.result_handle) {
      const bo = f.lookup(c.result_handle);
      if (c.result_offset! % 8 || c.result_offset! + drm_akari_result.size > bo.size) throw kerr('EINVAL', 'result outside its object');
      return { bo, offset: c.result_offset! };
    }
    if (c.result_offset) throw kerr('EINVAL', 'result offset without a result object');
    return null;
  }

  /** Live kernel objects, for leak tests. */
  liveObjects(): Record<string, number> {
    let queues = 0;
    for (const f of this.dev.files) queues += this.priv(f).queues.size;
    return { ...this.dev.live, vms: this.allVms.size, queues, jobs: this.jobs.size, physFree: this.phys.freeBytes, ...this.kms?.liveCounts() };
  }
}

/** Removes [addr, addr+range) from a mapping list, splitting mappings that straddle it. */
function carve(list: Mapping[], addr: number, range: number): Mapping[] {
  const end = addr + range;
  const out: Mapping[] = [];
  for (const m of list) {
    const mend = m.va + m.size;
    if (mend <= addr || m.va >= end) { out.push(m); continue; }
    if (m.va < addr) out.push({ ...m, size: addr - m.va });
    if (mend > end) out.push({ ...m, va: end, size: mend - end, offset: m.offset + (end - m.va) });
  }
  return out;
}
