/**
 * The display controller: two CRTCs, each scanning out a primary, an overlay
 * and a cursor plane through its own IOMMU, blended in z order over a
 * background colour, to the monitor attached to the connector it drives.
 *
 * It is a free-running device whose state is a function of time: vblank n of
 * an enabled CRTC happens at t0 + n * frame period, where t0 is when it was
 * enabled. Whoever touches the device (a register access, a wait) first
 * brings it up to the present, processing every vblank that has passed: the
 * armed register state is latched at a vblank (so a frame never mixes two
 * states), the frame is composed from memory, FRAME and VBL_TIME advance and
 * a VBLANK interrupt is raised. "The present" is the real monotonic clock in
 * threaded mode, and a virtual clock in deterministic mode that moves only
 * when the kernel waits for an interrupt (to the next vblank or the wait's
 * deadline), so vblank timestamps there are exact multiples of the period.
 *
 * What a monitor receives at each vblank (the composed frame) is kept per
 * CRTC: `output(crtc)` is the monitor's side of the cable. A fetch that
 * faults in the IOMMU is reported (FAULT_* registers, FAULT interrupt) and
 * the plane's pixels are skipped for that frame; nothing is thrown.
 */
import type { PhysicalMemory } from './memory.js';
import { Mmu, GpuFault } from './mmu.js';
import { ACCESS_READ, KERNEL_VA_BASE, PAGE_SIZE } from '../hwdesc/regs.js';
import { TWIDDLE_BLOCK, morton2 } from '../hwdesc/descriptors.js';
import {
  CONN, CRTC, CRTC_CTRL, CRTC_LATCHED, DC, DC_BLEND, DC_FORMAT, DC_FORMAT_BPP, DC_ID_VALUE, DC_IRQ, DC_NUM_CONNECTORS,
  DC_NUM_CRTCS, DC_PLANES_PER_CRTC, DC_REG_COUNT, PLANE, PLANE_CTRL, PLANE_STRIDE, connReg, crtcReg, framePeriodNs,
  getField, type MonitorDesc,
} from '../hwdesc/display.js';
import { encodeEdid } from '../hwdesc/edid.js';

/** What a monitor shows: the last frame it received. */
export interface ScanoutFrame {
  crtc: number;
  connector: number;
  width: number;
  height: number;
  /** 0x00RRGGBB per pixel, row-major */
  pixels: Uint32Array;
  /** vblank count of the frame and its time (ns, the DC clock) */
  frame: number;
  timeNs: number;
  /** a fetch faulted while composing this frame */
  faulted: boolean;
}

export interface DisplayClock {
  readonly virtual: boolean;
  now(): number;
  /** virtual clocks only: move time forward */
  advance?(toNs: number): void;
}

export function realClock(): DisplayClock {
  return { virtual: false, now: () => Number(process.hrtime.bigint()) };
}
export function virtualClock(startNs = 1e9): DisplayClock {
  let t = startNs;
  return { virtual: true, now: () => t, advance: (to) => { if (to > t) t = to; } };
}

const PLANE_REGS = PLANE_STRIDE;

/** The device behind a DisplayBus (hw/bus.ts): the kernel sees only that interface. */
export class DisplayController {
  readonly regs = new Int32Array(new SharedArrayBuffer(DC_REG_COUNT * 4));
  /** the latched (active) copy of each CRTC block */
  private active: Int32Array[] = [];
  private nextVblank: number[] = [];
  private period: number[] = [];
  private frames: Array<ScanoutFrame | null> = [];
  private readonly mmu: Mmu;
  private root = 0;
  private sleeper = new Int32Array(new SharedArrayBuffer(4));
  readonly monitors: Array<MonitorDesc | null> = [];
  /** called after each composed frame (the monitor tool listens) */
  onFrame: ((f: ScanoutFrame) => void) | null = null;
  readonly stats = { vblanks: 0, composed: 0, faults: 0 };

  constructor(readonly mem: PhysicalMemory, readonly clock: DisplayClock) {
    this.mmu = new Mmu(mem, { ttbr1: () => this.root, ttbat: () => 0 });
    const r = this.regs;
    r[DC.ID] = DC_ID_VALUE;
    r[DC.CONFIG] = DC_NUM_CRTCS | (DC_PLANES_PER_CRTC << 4) | (DC_NUM_CONNECTORS << 8);
    for (let c = 0; c < DC_NUM_CRTCS; c++) {
      this.active.push(new Int32Array(DC_REG_COUNT > 0 ? CRTC.PLANES + DC_PLANES_PER_CRTC * PLANE_REGS : 0));
      this.nextVblank.push(Infinity);
      this.period.push(0);
      this.frames.push(null);
    }
    for (let k = 0; k < DC_NUM_CONNECTORS; k++) this.monitors.push(null);
  }

  get deterministic(): boolean { return this.clock.virtual; }
  now(): number { return this.clock.now(); }

  // ------------------------------------------------------------ the cable side

  /** Attaches a monitor to connector `conn` (null unplugs it) and raises a hotplug interrupt. */
  plug(conn: number, monitor: MonitorDesc | null): void {
    this.sync();
    this.monitors[conn] = monitor;
    const r = this.regs;
    r[connReg(conn, CONN.STATUS)] = monitor ? 1 : 0;
    const edid = monitor ? encodeEdid(monitor) : new Uint8Array(0);
    r[connReg(conn, CONN.EDID_LEN)] = edid.length;
    const words = new Uint32Array(32);
    new Uint8Array(words.buffer).set(edid);
    for (let i = 0; i < 32; i++) r[connReg(conn, CONN.EDID + i)] = words[i]! | 0;
    let hp = r[DC.HOTPLUG]! & ~(1 << conn);
    if (monitor) hp |= 1 << conn;
    r[DC.HOTPLUG] = hp;
    this.raise(DC_IRQ.HOTPLUG);
  }

  /** The last frame the monitor on `crtc`'s connector received, or null while the CRTC is off. */
  output(crtc: number): ScanoutFrame | null {
    this.sync();
    const t = this.stale[crtc];
    if (t !== undefined) { this.stale[crtc] = undefined; this.compose(crtc, t); }
    return this.frames[crtc] ?? null;
  }
  /** vblank time of a frame not composed yet (the state did not change at it: it is composed when looked at) */
  private stale: Array<number | undefined> = [];

  // ------------------------------------------------------------ the bus side

  readReg(r: number): number {
    this.sync();
    if (r === DC.TIME_LO || r === DC.TIME_HI) {
      const t = Math.floor(this.clock.now());
      return r === DC.TIME_LO ? t % 0x1_0000_0000 : Math.floor(t / 0x1_0000_0000);
    }
    return this.regs[r]! >>> 0;
  }

  writeReg(r: number, v: number): void {
    this.sync();
    const regs = this.regs;
    switch (r) {
      case DC.IRQ_CLEAR:
        regs[DC.IRQ_RAWSTAT] = regs[DC.IRQ_RAWSTAT]! & ~v;
        if (v & DC_IRQ.FAULT) regs[DC.FAULT_STATUS] = 0;
        return;
      case DC.IRQ_MASK: regs[r] = v | 0; return;
      case DC.MMU_ROOT_LO: case DC.MMU_ROOT_HI:
        regs[r] = v | 0;
        this.root = (regs[DC.MMU_ROOT_HI]! >>> 0) * 0x1_0000_0000 + (regs[DC.MMU_ROOT_LO]! >>> 0);
        this.mmu.invalidate();
        return;
      case DC.MMU_FLUSH: this.mmu.invalidate(); return;
    }
    for (let c = 0; c < DC_NUM_CRTCS; c++) {
      const base = crtcReg(c, 0);
      const off = r - base;
      if (off < 0 || off >= CRTC.PLANES + DC_PLANES_PER_CRTC * PLANE_REGS) continue;
      if (off === CRTC.UPDATE) {
        if (!(v & 1)) return;
        regs[r] = 1;
        // a CRTC that is not scanning out cannot tear: latch now
        if (!getField(this.active[c]![CRTC.CTRL]!, CRTC_CTRL.enable)) this.latch(c, this.clock.now());
        return;
      }
      if (off === CRTC.FRAME || off === CRTC.VBL_TIME_LO || off === CRTC.VBL_TIME_HI || off === CRTC.STATUS) return;
      regs[r] = v | 0;
      return;
    }
    // everything else is read-only
  }

  /** Blocks until an interrupt after `seen` or the deadline (ns on the DC clock); returns IRQ_SEQ. */
  waitIrq(seen: number, deadlineNs: number): number {
    this.sync();
    if ((this.regs[DC.IRQ_SEQ]! >>> 0) !== (seen >>> 0)) return this.regs[DC.IRQ_SEQ]! >>> 0;
    const target = Math.min(deadlineNs, ...this.nextVblank);
    if (!Number.isFinite(target)) return this.regs[DC.IRQ_SEQ]! >>> 0;
    if (this.clock.virtual) {
      this.clock.advance!(target);
    } else {
      const ms = (target - this.clock.now()) / 1e6;
      if (ms > 0) Atomics.wait(this.sleeper, 0, 0, Math.min(ms, 1000));
    }
    this.sync();
    return this.regs[DC.IRQ_SEQ]! >>> 0;
  }

  /** Time of the next vblank of any enabled CRTC (Infinity when all are off). */
  nextEventNs(): number { return Math.min(...this.nextVblank); }

  close(): void { /* nothing runs in the background */ }

  // ------------------------------------------------------------ time

  private raise(bits: number): void {
    const r = this.regs;
    r[DC.IRQ_RAWSTAT] = r[DC.IRQ_RAWSTAT]! | bits;
    r[DC.IRQ_SEQ] = (r[DC.IRQ_SEQ]! + 1) | 0;
  }

  /** Processes every vblank up to now. Only the last vblank of each CRTC is composed (earlier frames were on screen in the past, unobserved). */
  private sync(): void {
    const now = this.clock.now();
    for (;;) {
      let c = -1, t = Infinity;
      for (let i = 0; i < DC_NUM_CRTCS; i++) if (this.nextVblank[i]! < t) { t = this.nextVblank[i]!; c = i; }
      if (c < 0 || t > now) return;
      const last = t + this.period[c]! > now;
      this.vblank(c, t, last);
    }
  }

  private vblank(c: number, t: number, compose: boolean): void {
    const regs = this.regs;
    const latched = regs[crtcReg(c, CRTC.UPDATE)] === 1;
    if (latched) this.latch(c, t);
    const on = getField(this.active[c]![CRTC.CTRL]!, CRTC_CTRL.enable) === 1;
    regs[crtcReg(c, CRTC.FRAME)] = (regs[crtcReg(c, CRTC.FRAME)]! + 1) | 0;
    regs[crtcReg(c, CRTC.VBL_TIME_LO)] = Math.floor(t) % 0x1_0000_0000 | 0;
    regs[crtcReg(c, CRTC.VBL_TIME_HI)] = Math.floor(Math.floor(t) / 0x1_0000_0000) | 0;
    this.stats.vblanks++;
    if (on) {
      this.nextVblank[c] = t + this.period[c]!;
      // a latch changes what is on screen: that frame is composed (and its fetches checked) at once; an unchanged
      // state's frame only when someone looks, so a static screen costs nothing per vblank
      if (latched) { this.stale[c] = undefined; this.compose(c, t); } else if (compose) this.stale[c] = t;
    } else {
      this.nextVblank[c] = Infinity;
      this.frames[c] = null;
      this.stale[c] = undefined;
    }
    this.raise(DC_IRQ.VBLANK0 << c);
  }

  private latch(c: number, t: number): void {
    const regs = this.regs;
    const act = this.active[c]!;
    const wasOn = getField(act[CRTC.CTRL]!, CRTC_CTRL.enable) === 1;
    for (const r of CRTC_LATCHED) act[r] = regs[crtcReg(c, r)]!;
    for (let i = CRTC.PLANES; i < act.length; i++) act[i] = regs[crtcReg(c, i)]!;
    regs[crtcReg(c, CRTC.UPDATE)] = 0;
    const on = getField(act[CRTC.CTRL]!, CRTC_CTRL.enable) === 1;
    const period = on ? framePeriodNs({ clockKhz: act[CRTC.CLOCK_KHZ]!, htotal: act[CRTC.HTOTAL]!, vtotal: act[CRTC.VTOTAL]! }) : 0;
    const sane = on && period > 0 && Number.isFinite(period) && act[CRTC.HDISPLAY]! > 0 && act[CRTC.VDISPLAY]! > 0;
    regs[crtcReg(c, CRTC.STATUS)] = sane ? 1 : 0;
    if (!sane) {
      // off (or timings the DC cannot generate): no signal, no vblanks after this one
      if (!wasOn) { this.nextVblank[c] = Infinity; this.frames[c] = null; this.stale[c] = undefined; }
      act[CRTC.CTRL] = act[CRTC.CTRL]! & ~1;
      return;
    }
    if (!wasOn || this.period[c] !== period) {
      // the timing generator (re)starts: the first vblank is one frame away
      this.period[c] = period;
      this.nextVblank[c] = t + period;
    }
  }

  // ------------------------------------------------------------ scan-out

  private compose(c: number, t: number): void {
    const act = this.active[c]!;
    const w = act[CRTC.HDISPLAY]!, h = act[CRTC.VDISPLAY]!;
    const bg = act[CRTC.BG_COLOR]! & 0xffffff;
    const prev = this.frames[c];
    const pixels = prev && prev.width === w && prev.height === h ? prev.pixels : new Uint32Array(w * h);
    pixels.fill(bg);
    let faulted = false;
    const order = [0, 1, 2].filter((p) => getField(act[CRTC.PLANES + p * PLANE_REGS + PLANE.CTRL]!, PLANE_CTRL.enable))
      .sort((a, b) => getField(act[CRTC.PLANES + a * PLANE_REGS]!, PLANE_CTRL.zpos) - getField(act[CRTC.PLANES + b * PLANE_REGS]!, PLANE_CTRL.zpos) || a - b);
    for (const p of order) {
      try {
        this.composePlane(act.subarray(CRTC.PLANES + p * PLANE_REGS, CRTC.PLANES + (p + 1) * PLANE_REGS), pixels, w, h);
      } catch (e) {
        if (!(e instanceof GpuFault)) throw e;
        faulted = true;
        this.stats.faults++;
        const r = this.regs;
        r[DC.FAULT_STATUS] = 1;
        r[DC.FAULT_ADDR_LO] = e.address % 0x1_0000_0000 | 0;
        r[DC.FAULT_ADDR_HI] = Math.floor(e.address / 0x1_0000_0000) | 0;
        r[DC.FAULT_SOURCE] = c * 4 + p;
        r[crtcReg(c, CRTC.STATUS)] = r[crtcReg(c, CRTC.STATUS)]! | 2;
        this.raise(DC_IRQ.FAULT);
      }
    }
    if (!faulted) this.regs[crtcReg(c, CRTC.STATUS)] = this.regs[crtcReg(c, CRTC.STATUS)]! & ~2;
    const frame: ScanoutFrame = {
      crtc: c, connector: getField(act[CRTC.CTRL]!, CRTC_CTRL.connector), width: w, height: h, pixels,
      frame: this.regs[crtcReg(c, CRTC.FRAME)]! >>> 0, timeNs: t, faulted,
    };
    this.frames[c] = frame;
    this.stats.composed++;
    this.onFrame?.(frame);
  }

  /** Reads a surface row span [sx, sx+n) of row sy as 0xAARRGGBB. */
  private fetchRow(pr: Int32Array, sy: number, sx: number, n: number, out: Uint32Array): void {
    const ctrl = pr[PLANE.CTRL]!;
    const fmt = DC_FORMAT[getField(ctrl, PLANE_CTRL.format)] ?? 'xrgb8888';
    const bpp = DC_FORMAT_BPP[fmt];
    const twiddled = getField(ctrl, PLANE_CTRL.twiddled) === 1;
    const base = (pr[PLANE.ADDR_HI]! >>> 0) * 0x1_0000_0000 + (pr[PLANE.ADDR_LO]! >>> 0);
    const pitch = pr[PLANE.PITCH]! >>> 0;
    const bytes = new Uint8Array(n * bpp);
    if (!twiddled) {
      let va = base + sy * pitch + sx * bpp;
      let done = 0;
      while (done < bytes.length) {
        const pa = this.translate(va);
        const chunk = Math.min(bytes.length - done, PAGE_SIZE - (va % PAGE_SIZE));
        bytes.set(this.mem.u8.subarray(pa, pa + chunk), done);
        done += chunk;
        va += chunk;
      }
    } else {
      const B = TWIDDLE_BLOCK;
      const blocksPerRow = pitch / (B * bpp);
      let blockPa = -1, blockX = -1;
      for (let i = 0; i < n; i++) {
        const x = sx + i;
        const bx = (x / B) | 0;
        if (bx !== blockX) {
          // a 16x16 block is 1 KiB (32 bpp) or 512 B: never crosses a 16 KiB page
          blockX = bx;
          blockPa = this.translate(base + ((((sy / B) | 0) * blocksPerRow + bx) * B * B) * bpp);
        }
        const o = blockPa + morton2(x & (B - 1), sy & (B - 1)) * bpp;
        for (let k = 0; k < bpp; k++) bytes[i * bpp + k] = this.mem.u8[o + k]!;
      }
    }
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) {
      switch (fmt) {
        case 'xrgb8888': out[i] = (0xff000000 | dv.getUint32(i * 4, true)) >>> 0; break;
        case 'argb8888': out[i] = dv.getUint32(i * 4, true); break;
        case 'xbgr8888': case 'abgr8888': {
          const v = dv.getUint32(i * 4, true);
          const a = fmt === 'xbgr8888' ? 0xff : v >>> 24;
          out[i] = ((a << 24) | ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff)) >>> 0;
          break;
        }
        case 'rgb565': {
          const v = dv.getUint16(i * 2, true);
          const r5 = v >>> 11, g6 = (v >>> 5) & 63, b5 = v & 31;
          out[i] = (0xff000000 | (((r5 << 3) | (r5 >>> 2)) << 16) | (((g6 << 2) | (g6 >>> 4)) << 8) | ((b5 << 3) | (b5 >>> 2))) >>> 0;
          break;
        }
      }
    }
  }

  private translate(va: number): number {
    // display addresses are the upper half of the DC's address space (walked from its one root)
    return this.mmu.translate(0, va >= KERNEL_VA_BASE ? va : va + KERNEL_VA_BASE, ACCESS_READ, true);
  }

  private composePlane(pr: Int32Array, out: Uint32Array, w: number, h: number): void {
    const ctrl = pr[PLANE.CTRL]!;
    const surfW = pr[PLANE.SURF_W]!, surfH = pr[PLANE.SURF_H]!;
    const srcX = pr[PLANE.SRC_X]!, srcY = pr[PLANE.SRC_Y]!, srcW = pr[PLANE.SRC_W]!, srcH = pr[PLANE.SRC_H]!;
    const dstX = pr[PLANE.DST_X]!, dstY = pr[PLANE.DST_Y]!, dstW = pr[PLANE.DST_W]!, dstH = pr[PLANE.DST_H]!;
    if (srcW <= 0 || srcH <= 0 || dstW <= 0 || dstH <= 0) return;
    const blend = DC_BLEND[getField(ctrl, PLANE_CTRL.blend)] ?? 'premultiplied';
    const pa = getField(ctrl, PLANE_CTRL.alpha) / 255;
    const x0 = Math.max(0, dstX), x1 = Math.min(w, dstX + dstW);
    const y0 = Math.max(0, dstY), y1 = Math.min(h, dstY + dstH);
    if (x0 >= x1 || y0 >= y1) return;
    const scaled = srcW !== dstW || srcH !== dstH;
    // the span of source columns the visible destination columns need
    const sxOf = (dx: number) => srcX + Math.floor(((dx - dstX) * srcW) / dstW);
    const sx0 = sxOf(x0), sx1 = sxOf(x1 - 1) + 1;
    const fx0 = Math.max(sx0, 0), fx1 = Math.min(sx1, surfW);
    const row = new Uint32Array(Math.max(0, fx1 - fx0));
    const opaqueCopy = !scaled && pa === 1 && (blend === 'none' || !this.hasAlpha(ctrl));
    for (let dy = y0; dy < y1; dy++) {
      const sy = srcY + Math.floor(((dy - dstY) * srcH) / dstH);
      if (sy < 0 || sy >= surfH || fx1 <= fx0) continue;
      this.fetchRow(pr, sy, fx0, fx1 - fx0, row);
      const o = dy * w;
      if (opaqueCopy && fx0 === sx0 && fx1 === sx1) {
        for (let i = 0; i < row.length; i++) out[o + x0 + i] = row[i]! & 0xffffff;
        continue;
      }
      for (let dx = x0; dx < x1; dx++) {
        const sx = scaled ? sxOf(dx) : srcX + (dx - dstX);
        if (sx < fx0 || sx >= fx1) continue;
        const fg = row[sx - fx0]!;
        const a = blend === 'none' ? 1 : (fg >>> 24) / 255;
        const bgp = out[o + dx]!;
        // fg weight and bg weight per DC_BLEND
        const wf = blend === 'coverage' ? pa * a : pa;
        const wb = blend === 'none' ? 1 - pa : 1 - pa * a;
        const mix = (s: number) => Math.min(255, Math.round(((fg >>> s) & 0xff) * wf + ((bgp >>> s) & 0xff) * wb));
        out[o + dx] = (mix(16) << 16) | (mix(8) << 8) | mix(0);
      }
    }
  }

  private hasAlpha(ctrl: number): boolean {
    const fmt = DC_FORMAT[getField(ctrl, PLANE_CTRL.format)];
    return fmt === 'argb8888' || fmt === 'abgr8888';
  }
}
