/**
 * The Akari driver's display part: the KmsHw the KMS core drives.
 *
 * It owns the display controller through its bus: the display address
 * space (a page table in the GPU's format; a framebuffer's object is mapped
 * there when the framebuffer is created and unmapped when it is freed, so
 * the DC can read nothing else), programming of a CRTC and its planes into
 * the armed registers followed by UPDATE, and the DC interrupt (vblanks to
 * the KMS core, hotplug re-probes, scan-out faults logged).
 */
import { kerr } from '../../base/errors.js';
import { alignUp } from '../../base/bits.js';
import type { DisplayBus, GpuBus } from '../../hw/bus.js';
import { KERNEL_VA_BASE, PAGE_SIZE, PTE } from '../../hwdesc/regs.js';
import { TWIDDLE_BLOCK } from '../../hwdesc/descriptors.js';
import {
  CONN, CRTC, CRTC_CTRL, DC, DC_BLEND, DC_CURSOR_MAX, DC_FORMAT, DC_IRQ, DC_MAX_HEIGHT, DC_MAX_WIDTH, DC_NUM_CONNECTORS,
  DC_NUM_CRTCS, PLANE, PLANE_CTRL, PLANE_KINDS, connReg, crtcReg, packFields, planeReg, type DcFormat,
} from '../../hwdesc/display.js';
import {
  DRM_FORMAT_ABGR8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16, DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_RGB565,
  DRM_FORMAT_XBGR8888, DRM_FORMAT_XRGB8888, DRM_MODE_CONNECTOR_DisplayPort, DRM_MODE_CONNECTOR_HDMIA,
} from '../../uapi/drm-mode.js';
import { RangeAllocator } from '../drm/range-alloc.js';
import { monotonicNs } from '../drm/device.js';
import type { CrtcState, Framebuffer, KmsHw, KmsState, PlaneKind, PlaneObj, PlaneState } from '../drm/kms.js';
import type { Kms } from '../drm/kms.js';
import { FORMAT_INFO } from '../drm/kms-ioctls.js';
import { PageTable, type PageAllocator } from './pgtable.js';

const DC_FORMAT_OF = new Map<number, DcFormat>([
  [DRM_FORMAT_XRGB8888, 'xrgb8888'], [DRM_FORMAT_ARGB8888, 'argb8888'], [DRM_FORMAT_XBGR8888, 'xbgr8888'],
  [DRM_FORMAT_ABGR8888, 'abgr8888'], [DRM_FORMAT_RGB565, 'rgb565'],
]);
const SCANOUT_FORMATS = [DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888, DRM_FORMAT_RGB565];

export interface GpuProgress {
  gpuBusy(): boolean;
  waitProgress(deadlineNs: number): boolean;
}

export class AkariDisplay implements KmsHw {
  readonly crtcCount = DC_NUM_CRTCS;
  readonly planes: KmsHw['planes'];
  readonly connectors = [
    { type: DRM_MODE_CONNECTOR_HDMIA, typeId: 1 },
    { type: DRM_MODE_CONNECTOR_DisplayPort, typeId: 1 },
  ].slice(0, DC_NUM_CONNECTORS);
  readonly limits = { minWidth: 1, maxWidth: DC_MAX_WIDTH, minHeight: 1, maxHeight: DC_MAX_HEIGHT, cursorWidth: DC_CURSOR_MAX, cursorHeight: DC_CURSOR_MAX };
  private readonly pt: PageTable;
  private readonly dva = new RangeAllocator(KERNEL_VA_BASE + PAGE_SIZE, KERNEL_VA_BASE + 2 ** 40);
  private irqSeq = 0;
  kms!: Kms;
  readonly faults: Array<{ crtc: number; plane: number; addr: number }> = [];

  constructor(readonly bus: DisplayBus, mem: GpuBus['mem'], pages: PageAllocator, private readonly gpu: GpuProgress) {
    const planes: Array<KmsHw['planes'][number]> = [];
    for (let c = 0; c < DC_NUM_CRTCS; c++) {
      for (const kind of PLANE_KINDS) {
        planes.push({
          kind, crtc: c,
          formats: kind === 'cursor' ? [DRM_FORMAT_ARGB8888] : [...SCANOUT_FORMATS],
          modifiers: kind === 'cursor' ? [DRM_FORMAT_MOD_LINEAR] : [DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16],
          // [default, min, max]: the primary is always at the bottom
          zpos: kind === 'primary' ? [0, 0, 0] : kind === 'overlay' ? [1, 1, 2] : [2, 1, 2],
        });
      }
    }
    this.planes = planes;
    this.pt = new PageTable(mem, pages);
    bus.writeReg(DC.MMU_ROOT_LO, this.pt.root % 0x1_0000_0000);
    bus.writeReg(DC.MMU_ROOT_HI, Math.floor(this.pt.root / 0x1_0000_0000));
    bus.writeReg(DC.IRQ_MASK, 0xffffffff);
    this.irqSeq = bus.readReg(DC.IRQ_SEQ);
  }

  // ------------------------------------------------------------ connectors

  detect(conn: number): { connected: boolean; edid: Uint8Array | null } {
    const connected = this.bus.readReg(connReg(conn, CONN.STATUS)) === 1;
    if (!connected) return { connected, edid: null };
    const len = Math.min(this.bus.readReg(connReg(conn, CONN.EDID_LEN)), 128);
    const words = new Uint32Array(32);
    for (let i = 0; i < 32; i++) words[i] = this.bus.readReg(connReg(conn, CONN.EDID + i));
    return { connected, edid: new Uint8Array(words.buffer).slice(0, len) };
  }

  // ------------------------------------------------------------ framebuffers

  fbCheck(fb: Omit<Framebuffer, 'id' | 'dva' | 'freed'>): void {
    const cpp = FORMAT_INFO.get(fb.format)!.cpp;
    if (fb.modifier === DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16) {
      // whole 16x16 blocks, as the GPU stores them
      if (fb.pitch % (TWIDDLE_BLOCK * cpp) || fb.pitch < alignUp(fb.width, TWIDDLE_BLOCK) * cpp) throw kerr('EINVAL', 'twiddled pitch must cover whole 16-pixel blocks');
      if (fb.offset % (TWIDDLE_BLOCK * TWIDDLE_BLOCK * cpp)) throw kerr('EINVAL', 'twiddled offset must be block aligned');
      if (fb.offset + fb.pitch * alignUp(fb.height, TWIDDLE_BLOCK) > fb.obj.size) throw kerr('EINVAL', 'buffer object too small');
      return;
    }
    if (fb.modifier !== DRM_FORMAT_MOD_LINEAR) throw kerr('EINVAL', 'unsupported modifier');
    if (fb.offset + fb.pitch * (fb.height - 1) + fb.width * cpp > fb.obj.size) throw kerr('EINVAL', 'buffer object too small');
  }

  mapFb(fb: Framebuffer): void {
    const size = alignUp(fb.obj.size, PAGE_SIZE);
    // a guard page after each mapping: an overrun faults instead of reading a neighbour
    const va = this.dva.alloc(size + PAGE_SIZE, PAGE_SIZE);
    if (va === null) throw kerr('ENOMEM', 'display address space exhausted');
    // tables first, so that running out of memory for them leaves nothing half mapped
    try { this.pt.reserve(va, size / PAGE_SIZE); } catch (e) {
      this.pt.prune(va, size / PAGE_SIZE);
      this.dva.release(va, size + PAGE_SIZE);
      throw e;
    }
    this.pt.map(va, fb.obj.pa, size / PAGE_SIZE, PTE.READ);
    this.bus.writeReg(DC.MMU_FLUSH, 1);
    fb.dva = va;
  }
  unmapFb(fb: Framebuffer): void {
    const size = alignUp(fb.obj.size, PAGE_SIZE);
    this.pt.unmap(fb.dva, size / PAGE_SIZE);
    this.bus.writeReg(DC.MMU_FLUSH, 1);
    // the DC walks nothing there any more (no plane scans this fb out, its TLB is flushed): empty tables go back
    this.pt.prune(fb.dva, size / PAGE_SIZE);
    this.dva.release(fb.dva, size + PAGE_SIZE);
  }

  // ------------------------------------------------------------ checks and programming

  check(state: KmsState, planes: readonly PlaneObj[]): void {
    state.crtcs.forEach((cs, c) => {
      if (cs.mode && (cs.mode.hdisplay > DC_MAX_WIDTH || cs.mode.vdisplay > DC_MAX_HEIGHT)) throw kerr('EINVAL', 'mode too large');
      if (state.conns.filter((cn) => cn.crtc === c).length > 1) throw kerr('EINVAL', 'a CRTC drives one connector');
      const primary = planes.find((p) => p.crtcIndex === c && p.kind === 'primary')!;
      // drm_atomic_helper_check_crtc_primary_plane: an active CRTC scans out its primary plane
      if (cs.active && state.planes[primary.index]!.crtc !== c) throw kerr('EINVAL', 'CRTC needs its primary plane');
    });
    state.planes.forEach((ps, i) => {
      if (!ps.fb || ps.crtc < 0) return;
      const kind: PlaneKind = planes[i]!.kind;
      const scaled = ps.srcW !== ps.crtcW * 65536 || ps.srcH !== ps.crtcH * 65536;
      if (kind !== 'overlay' && scaled) throw kerr('EINVAL', `${kind} plane cannot scale`);
      if (ps.crtcW === 0 || ps.crtcH === 0 || ps.srcW < 65536 || ps.srcH < 65536) throw kerr('EINVAL', 'empty plane');
      if (kind === 'cursor' && (ps.crtcW > DC_CURSOR_MAX || ps.crtcH > DC_CURSOR_MAX)) throw kerr('EINVAL', 'cursor larger than 64x64');
    });
  }

  program(crtc: number, cs: CrtcState, planes: Array<{ plane: PlaneObj; ps: PlaneState }>, connector: number): number {
    const b = this.bus;
    const frame = b.readReg(crtcReg(crtc, CRTC.FRAME));
    const m = cs.active ? cs.mode : null;
    const w = (r: number, v: number) => b.writeReg(crtcReg(crtc, r), v);
    w(CRTC.CTRL, packFields(CRTC_CTRL, { enable: m ? 1 : 0, connector: Math.max(0, connector) }));
    if (m) {
      w(CRTC.HDISPLAY, m.hdisplay); w(CRTC.HSYNC_START, m.hsync_start); w(CRTC.HSYNC_END, m.hsync_end); w(CRTC.HTOTAL, m.htotal);
      w(CRTC.VDISPLAY, m.vdisplay); w(CRTC.VSYNC_START, m.vsync_start); w(CRTC.VSYNC_END, m.vsync_end); w(CRTC.VTOTAL, m.vtotal);
      w(CRTC.CLOCK_KHZ, m.clock);
      w(CRTC.BG_COLOR, 0);
    }
    planes.forEach(({ plane, ps }, k) => {
      const pw = (r: number, v: number) => b.writeReg(planeReg(crtc, k, r), v);
      const fb = ps.fb;
      if (!m || !fb || ps.crtc !== crtc) { pw(PLANE.CTRL, 0); return; }
      const fmt = DC_FORMAT_OF.get(fb.format)!;
      pw(PLANE.CTRL, packFields(PLANE_CTRL, {
        enable: 1, format: DC_FORMAT.indexOf(fmt), twiddled: fb.modifier === DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16 ? 1 : 0,
        blend: plane.kind === 'primary' ? DC_BLEND.indexOf('premultiplied') : ps.blend, zpos: ps.zpos,
        alpha: plane.kind === 'primary' ? 255 : Math.round(ps.alpha / 257),
      }));
      const addr = fb.dva + fb.offset;
      pw(PLANE.ADDR_LO, addr % 0x1_0000_0000); pw(PLANE.ADDR_HI, Math.floor(addr / 0x1_0000_0000));
      pw(PLANE.PITCH, fb.pitch); pw(PLANE.SURF_W, fb.width); pw(PLANE.SURF_H, fb.height);
      // the DC fetches whole pixels: the 16.16 source is truncated
      pw(PLANE.SRC_X, ps.srcX >>> 16); pw(PLANE.SRC_Y, ps.srcY >>> 16); pw(PLANE.SRC_W, ps.srcW >>> 16); pw(PLANE.SRC_H, ps.srcH >>> 16);
      pw(PLANE.DST_X, ps.crtcX); pw(PLANE.DST_Y, ps.crtcY); pw(PLANE.DST_W, ps.crtcW); pw(PLANE.DST_H, ps.crtcH);
    });
    w(CRTC.UPDATE, 1);
    return frame;
  }

  updatePending(crtc: number): boolean { return this.bus.readReg(crtcReg(crtc, CRTC.UPDATE)) === 1; }

  vblankStatus(crtc: number): { frame: number; timeNs: number } {
    const b = this.bus;
    return {
      frame: b.readReg(crtcReg(crtc, CRTC.FRAME)),
      timeNs: b.readReg(crtcReg(crtc, CRTC.VBL_TIME_HI)) * 0x1_0000_0000 + b.readReg(crtcReg(crtc, CRTC.VBL_TIME_LO)),
    };
  }

  now(): number { return this.bus.now(); }

  /** The DC interrupt handler. */
  service(): void {
    const b = this.bus;
    const stat = b.readReg(DC.IRQ_RAWSTAT);
    if (!stat) return;
    b.writeReg(DC.IRQ_CLEAR, stat);
    if (stat & DC_IRQ.FAULT) {
      const src = b.readReg(DC.FAULT_SOURCE);
      this.faults.push({ crtc: src >> 2, plane: src & 3, addr: b.readReg(DC.FAULT_ADDR_HI) * 0x1_0000_0000 + b.readReg(DC.FAULT_ADDR_LO) });
    }
    for (let c = 0; c < DC_NUM_CRTCS; c++) {
      if (stat & (DC_IRQ.VBLANK0 << c)) { const s = this.vblankStatus(c); this.kms.onVblank(c, s.frame, s.timeNs); }
    }
    if (stat & DC_IRQ.HOTPLUG) this.kms.hotplug();
  }

  waitStep(deadlineNs: number): boolean {
    this.service();
    if (this.gpu.gpuBusy()) {
      // render work first: its fences may release a commit before the next vblank
      this.gpu.waitProgress(monotonicNs() + 20e6);
      this.service();
      return true;
    }
    if (!Number.isFinite(deadlineNs) && !Number.isFinite(this.bus.nextEventNs())) return false;
    this.irqSeq = this.bus.waitIrq(this.irqSeq, deadlineNs);
    this.service();
    return true;
  }
}
