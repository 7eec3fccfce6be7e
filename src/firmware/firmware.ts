/**
 * The Akari firmware: the program on the GPU's coprocessor.
 *
 * It shares nothing with the kernel but memory (the kernel half of the GPU
 * address space, through the GPU's own page tables) and a few registers.
 * At its reset vector it reads the init data the kernel prepared, finds its
 * rings there and announces itself. Its main loop drains the submission
 * ring: each entry points to a render command, whose microsequence it hands
 * to the command processor; the outcome goes to the event ring, with an
 * interrupt. It keeps statistics and a log ring.
 *
 * Every job runs under a watchdog: the render command's timeout_ms (capped
 * by the init data's watchdog_ms) arms the hardware's stop at start; a job
 * that outlives it is stopped by the pipelines within a warp or a tile and
 * completes with status timeout — a `timeout` event first, with how far it
 * got — and the firmware goes on with the next job. The GPU never needs a
 * reset for a runaway job.
 *
 * Like Apple's firmware, it performs no sanity checks: it trusts what it
 * reads. A bad pointer in a structure the kernel wrote makes it fault and
 * crash, and only a GPU reset brings it back. Keeping that from happening is
 * the kernel's job.
 *
 * One source serves every firmware version: structure layouts come from the
 * versioned declarations in hwdesc/fwabi.ts.
 */
import {
  EVENT, EVENT_TYPE, FW_ABI_VALUE, FW_INIT_MAGIC, FwView, INIT_DATA, JOB_STATUS, LOG_ENTRY, RENDER_CMD, RING,
  RING_HEADER_SIZE, STATS, SUBMIT_ENTRY, layoutOf, type FwVersion, CMD_TYPE, RENDER_CMD_CANCELLED,
} from '../hwdesc/fwabi.js';
import { FwStatus, IRQ, REG } from '../hwdesc/regs.js';
import type { CoprocessorPort, CpResult, FirmwareProgram } from '../hwdesc/coprocessor.js';
import { FW_V1_WATCHDOG_MS } from '../hwdesc/timing.js';

export class Firmware implements FirmwareProgram {
  readonly abi: number;
  private port!: CoprocessorPort;
  private init!: FwView;
  private submit!: FwView;
  private events!: FwView;
  private logs!: FwView;
  private stats!: FwView;
  private logSeq = 0;
  private lastDoorbell = 0;
  /** the longest a job may run (ms): INIT_DATA.watchdog_ms */
  private watchdogMs = FW_V1_WATCHDOG_MS;

  constructor(readonly version: FwVersion) {
    this.abi = FW_ABI_VALUE[version];
  }

  private view(desc: typeof INIT_DATA, base: number): FwView {
    return new FwView(this.port.mem, layoutOf(desc, this.version), base);
  }

  boot(port: CoprocessorPort): void {
    this.port = port;
    const initVa = port.readReg(REG.FW_INIT_HI) * 0x1_0000_0000 + port.readReg(REG.FW_INIT_LO);
    this.init = this.view(INIT_DATA, initVa);
    if (this.init.get('magic') !== FW_INIT_MAGIC) throw new Error('init data magic mismatch');
    this.submit = this.view(RING, this.init.get('submit_ring'));
    this.events = this.view(RING, this.init.get('event_ring'));
    this.logs = this.view(RING, this.init.get('log_ring'));
    this.stats = this.view(STATS, this.init.get('stats'));
    this.watchdogMs = this.init.getIf('watchdog_ms') || FW_V1_WATCHDOG_MS;
    this.init.set('fw_abi', this.abi);
    this.init.set('fw_ready', 1);
    port.writeReg(REG.FW_ABI, this.abi);
    port.writeReg(REG.FW_STATUS, FwStatus.RUNNING);
    this.log(1, `akari fw ${this.version} up`);
    port.raiseIrq(IRQ.FW_READY);
  }

  service(): void {
    const port = this.port;
    port.writeReg(REG.FW_HEARTBEAT, (port.readReg(REG.FW_HEARTBEAT) + 1) >>> 0);
    const bell = port.readReg(REG.DOORBELL);
    if (bell !== this.lastDoorbell) {
      this.lastDoorbell = bell;
      this.stats.set('doorbells', this.stats.get('doorbells') + 1);
    }
    const ring = this.submit;
    const entries = ring.get('entries'), size = ring.get('entry_size');
    let raised = 0;
    while (ring.get('head') !== ring.get('tail')) {
      // Never overrun the event ring: wait for the kernel to drain it (it rings again).
      const ev = this.events;
      if (ev.get('tail') - ev.get('head') >= ev.get('entries')) break;
      const head = ring.get('head');
      const entry = this.view(SUBMIT_ENTRY, ring.base + RING_HEADER_SIZE + (head % entries) * size);
      const type = CMD_TYPE[entry.get('cmd_type')];
      if (type === 'render') this.render(entry.get('cmd'));
      else this.event({ type: 'complete', status: 'unknown_cmd', tag: 0 });
      ring.set('head', head + 1);
      raised |= IRQ.EVENT;
    }
    if (raised) port.raiseIrq(raised);
  }

  private render(cmdVa: number): void {
    const port = this.port;
    const cmd = this.view(RENDER_CMD, cmdVa);
    const tag = cmd.get('tag');
    const slot = cmd.get('as_slot');
    if (cmd.get('flags') & RENDER_CMD_CANCELLED) {
      this.port.mem.w32(cmd.get('stamp_addr'), cmd.get('stamp_value'));
      this.event({ type: 'complete', status: 'killed', tag });
      return;
    }
    const t0 = port.now();
    const ts0 = cmd.get('ts_start_addr');
    if (ts0) this.write64(ts0, t0);
    // The watchdog: the command's own timeout, never longer than the one the
    // kernel set for the whole firmware (v1 knows neither and uses its fixed one).
    const timeoutMs = Math.min(cmd.getIf('timeout_ms') || this.watchdogMs, this.watchdogMs);
    this.stats.setIf('current_tag', tag);
    const r: CpResult = port.runMicrosequence(slot, cmd.get('microseq'), t0 + timeoutMs * 1e6);
    this.stats.setIf('current_tag', 0);
    const t1 = port.now();
    const ts1 = cmd.get('ts_end_addr');
    if (ts1) this.write64(ts1, t1);
    const st = this.stats;
    st.set('busy_ns', st.get('busy_ns') + (t1 - t0));
    st.set('vertices', st.get('vertices') + r.vertices);
    st.set('primitives', st.get('primitives') + r.primitives);
    st.setIf('fragments', st.getIf('fragments') + r.fragments);
    st.setIf('tiles', st.getIf('tiles') + r.tiles);
    st.set('partial_renders', st.get('partial_renders') + r.partials);
    if (r.status === 'ok') {
      st.set('jobs_completed', st.get('jobs_completed') + 1);
    } else if (r.status === 'timeout') {
      st.setIf('jobs_timed_out', st.getIf('jobs_timed_out') + 1);
      this.log(2, `job ${tag} timeout ${timeoutMs}ms p${r.primitives} t${r.tiles}`);
      this.port.mem.w32(cmd.get('stamp_addr'), cmd.get('stamp_value'));
    } else {
      st.set('jobs_faulted', st.get('jobs_faulted') + 1);
      this.log(2, `job ${tag} ${r.status}${r.fault ? ` @${r.fault.address.toString(16)}` : ''}`);
      // the microsequence stopped early: the completion stamp still has to move on
      this.port.mem.w32(cmd.get('stamp_addr'), cmd.get('stamp_value'));
    }
    if (r.fault) {
      this.event({ type: 'fault', status: 'fault', tag, fault: r.fault, partials: r.partials, r });
    }
    if (r.status === 'timeout') this.event({ type: 'timeout', status: 'timeout', tag, partials: r.partials, r });
    this.event({ type: 'complete', status: r.status, tag, fault: r.fault, partials: r.partials, r });
  }

  private write64(va: number, v: number): void {
    this.port.mem.w32(va, v % 0x1_0000_0000 >>> 0);
    this.port.mem.w32(va + 4, Math.floor(v / 0x1_0000_0000) >>> 0);
  }

  private event(e: { type: (typeof EVENT_TYPE)[number]; status: (typeof JOB_STATUS)[number]; tag: number; fault?: CpResult['fault']; partials?: number; r?: CpResult }): void {
    const ring = this.events;
    const tail = ring.get('tail');
    const rec = this.view(EVENT, ring.base + RING_HEADER_SIZE + (tail % ring.get('entries')) * ring.get('entry_size'));
    rec.set('type', EVENT_TYPE.indexOf(e.type));
    rec.set('status', JOB_STATUS.indexOf(e.status));
    rec.set('tag', e.tag);
    rec.set('fault_addr', e.fault?.address ?? 0);
    rec.set('fault_as', e.fault?.asSlot ?? 0);
    rec.set('fault_access', e.fault?.access ?? 0);
    rec.set('timestamp', this.port.now());
    rec.setIf('partial_renders', e.partials ?? 0);
    rec.setIf('primitives', Math.min(e.r?.primitives ?? 0, 0xffffffff));
    rec.setIf('tiles', Math.min(e.r?.tiles ?? 0, 0xffffffff));
    ring.set('tail', tail + 1);
  }

  private log(level: number, text: string): void {
    const ring = this.logs;
    const tail = ring.get('tail');
    if (tail - ring.get('head') >= ring.get('entries')) return; // log full: drop, as firmware logs do
    const rec = this.view(LOG_ENTRY, ring.base + RING_HEADER_SIZE + (tail % ring.get('entries')) * ring.get('entry_size'));
    rec.set('seq', this.logSeq++);
    rec.set('level', level);
    rec.setIf('timestamp', this.port.now());
    rec.setText('text', text);
    ring.set('tail', tail + 1);
    this.port.raiseIrq(IRQ.LOG);
  }
}
