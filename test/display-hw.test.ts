/**
 * The display controller as hardware, programmed through its registers
 * only: latching at vblank, virtual-time vblanks, faults reported (not
 * thrown) when a plane points at unmapped display addresses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhysicalMemory } from '../src/hw/memory.js';
import { DisplayController, virtualClock } from '../src/hw/display.js';
import { CRTC, CRTC_CTRL, DC, DC_IRQ, PLANE, PLANE_CTRL, crtcReg, packFields, planeReg, TIMINGS, framePeriodNs } from '../src/hwdesc/display.js';
import { KERNEL_VA_BASE, PAGE_SIZE, PTE } from '../src/hwdesc/regs.js';

/** A one-level-per-step page table in the GPU format mapping `pages` pages at display VA `va` to `pa`. */
function mapPages(mem: PhysicalMemory, root: number, va: number, pa: number, pages: number, nextTable: () => number): void {
  for (let i = 0; i < pages; i++) {
    const vpn = Math.floor((va + i * PAGE_SIZE) / PAGE_SIZE);
    const idx = [Math.floor(vpn / (2048 * 2048)) % 2048, Math.floor(vpn / 2048) % 2048, vpn % 2048];
    let t = root;
    for (const k of idx.slice(0, 2)) {
      let e = mem.r32(t + k * 8);
      if (!(e & PTE.VALID)) { const n = nextTable(); mem.w32(t + k * 8, n | PTE.VALID | PTE.TABLE); e = n; }
      t = (e & PTE.ADDR_MASK) >>> 0;
    }
    mem.w32(t + idx[2]! * 8, ((pa + i * PAGE_SIZE) | PTE.VALID | PTE.READ) >>> 0);
  }
}

test('display hardware: latch at vblank, vblank period from the timing, faults reported and not thrown', () => {
  const mem = PhysicalMemory.create(32 << 20);
  const clock = virtualClock(0);
  const dc = new DisplayController(mem, clock);
  let next = 1 << 20;
  const alloc = () => { const p = next; next += PAGE_SIZE; return p; };
  const root = alloc();
  const fbPa = 4 << 20;
  const W = 640, H = 480;
  mapPages(mem, root, KERNEL_VA_BASE, fbPa, Math.ceil((W * H * 4) / PAGE_SIZE), alloc);
  for (let i = 0; i < W * H; i++) mem.w32(fbPa + i * 4, 0x00abcdef);
  dc.writeReg(DC.MMU_ROOT_LO, root);
  const t = TIMINGS['640x480@60'];
  const w = (r: number, v: number) => dc.writeReg(crtcReg(0, r), v);
  w(CRTC.HDISPLAY, t.hdisplay); w(CRTC.HSYNC_START, t.hsyncStart); w(CRTC.HSYNC_END, t.hsyncEnd); w(CRTC.HTOTAL, t.htotal);
  w(CRTC.VDISPLAY, t.vdisplay); w(CRTC.VSYNC_START, t.vsyncStart); w(CRTC.VSYNC_END, t.vsyncEnd); w(CRTC.VTOTAL, t.vtotal);
  w(CRTC.CLOCK_KHZ, t.clockKhz);
  w(CRTC.CTRL, packFields(CRTC_CTRL, { enable: 1 }));
  const pw = (r: number, v: number) => dc.writeReg(planeReg(0, 0, r), v);
  pw(PLANE.CTRL, packFields(PLANE_CTRL, { enable: 1, format: 0, alpha: 255, blend: 1 }));
  pw(PLANE.ADDR_LO, 0); pw(PLANE.ADDR_HI, KERNEL_VA_BASE / 2 ** 32);
  pw(PLANE.PITCH, W * 4); pw(PLANE.SURF_W, W); pw(PLANE.SURF_H, H);
  pw(PLANE.SRC_W, W); pw(PLANE.SRC_H, H); pw(PLANE.DST_W, W); pw(PLANE.DST_H, H);
  w(CRTC.UPDATE, 1); // off → latches at once
  assert.equal(dc.readReg(crtcReg(0, CRTC.UPDATE)), 0);
  assert.equal(dc.output(0), null); // no frame before the first vblank
  // 25.175 MHz / (800 * 525) = 59.94 Hz: the first vblank one period after enabling
  const period = (800 * 525 * 1e6) / 25175;
  assert.equal(framePeriodNs(t), period);
  const seq = dc.readReg(DC.IRQ_SEQ);
  assert.equal(dc.waitIrq(seq, Infinity), seq + 1);
  assert.equal(clock.now(), period);
  assert.ok(dc.readReg(DC.IRQ_RAWSTAT) & DC_IRQ.VBLANK0);
  assert.equal(dc.readReg(crtcReg(0, CRTC.FRAME)), 1);
  assert.equal(dc.output(0)!.pixels[W * H - 1], 0xabcdef);
  // arm a new address: nothing changes until the vblank latches it
  pw(PLANE.ADDR_LO, 128 * PAGE_SIZE); // beyond the 75 mapped pages: the fetch will fault
  assert.equal(dc.output(0)!.pixels[0], 0xabcdef);
  w(CRTC.UPDATE, 1);
  assert.equal(dc.readReg(crtcReg(0, CRTC.UPDATE)), 1);
  dc.writeReg(DC.IRQ_CLEAR, 0xffffffff);
  assert.doesNotThrow(() => dc.waitIrq(dc.readReg(DC.IRQ_SEQ), Infinity));
  assert.equal(dc.readReg(crtcReg(0, CRTC.UPDATE)), 0);
  assert.ok(dc.readReg(DC.IRQ_RAWSTAT) & DC_IRQ.FAULT);
  assert.equal(dc.readReg(DC.FAULT_STATUS), 1);
  assert.equal(dc.readReg(DC.FAULT_ADDR_HI) * 2 ** 32 + dc.readReg(DC.FAULT_ADDR_LO), KERNEL_VA_BASE + 128 * PAGE_SIZE);
  assert.equal(dc.readReg(DC.FAULT_SOURCE), 0); // CRTC 0, plane 0
  assert.equal(dc.readReg(crtcReg(0, CRTC.STATUS)) & 2, 2);
  // the faulting plane is skipped: the background shows
  assert.equal(dc.output(0)!.faulted, true);
  assert.equal(dc.output(0)!.pixels[0], 0);
  assert.equal(clock.now(), 2 * period);
});
