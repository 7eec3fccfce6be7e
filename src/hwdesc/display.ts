/**
 * The Akari display controller (DC), declared once as data: its register
 * block, the per-CRTC and per-plane register layouts, the bit fields of the
 * control registers, the scan-out formats and the monitors' timings.
 *
 * The DC is programmed only through these registers and reads memory only
 * through its own IOMMU, which walks page tables in the GPU's format
 * (hwdesc/regs.ts) from a single root: display addresses live in the upper
 * (bit 46) half, so the root is walked as a TTBR1. The kernel maps exactly the
 * framebuffers it scans out there.
 *
 * Every CRTC register is double-buffered: the kernel writes the *armed* copy;
 * writing 1 to CRTC.UPDATE makes the DC latch the armed copy into the active
 * one at the next vertical blank (immediately while the CRTC is off), so a
 * frame is never a mix of two states. UPDATE reads 1 until the latch.
 */

/** Global registers (word indices). */
export const DC = {
  ID: 0,            // RO: 0x0A4D0001 — 'AK' display, major 1
  CONFIG: 1,        // RO: crtcs | planes per crtc << 4 | connectors << 8
  IRQ_RAWSTAT: 2,   // RO: pending interrupt bits (DC_IRQ)
  IRQ_MASK: 3,      // RW
  IRQ_CLEAR: 4,     // WO: write 1s to clear RAWSTAT bits
  IRQ_SEQ: 5,       // RO: increments on every interrupt raised
  MMU_ROOT_LO: 6,   // RW: physical address of the display address space's root table
  MMU_ROOT_HI: 7,
  MMU_FLUSH: 8,     // WO: any write invalidates the DC's TLB
  FAULT_STATUS: 9,  // RO: 1 = a scan-out read faulted since the last clear (cleared by IRQ_CLEAR of FAULT)
  FAULT_ADDR_LO: 10,
  FAULT_ADDR_HI: 11,
  FAULT_SOURCE: 12, // RO: crtc * 4 + plane of the faulting fetch
  TIME_LO: 13,      // RO: the DC's clock, ns (CLOCK_MONOTONIC's source for vblank timestamps)
  TIME_HI: 14,
  HOTPLUG: 15,      // RO: bit c set while connector c has a monitor attached
} as const;

export const DC_ID_VALUE = 0x0a4d0001;
export const DC_NUM_CRTCS = 2;
export const DC_PLANES_PER_CRTC = 3;
export const DC_NUM_CONNECTORS = 2;

/** DC interrupt bits. */
export const DC_IRQ = {
  /** vblank of CRTC i is bit i */
  VBLANK0: 1 << 0,
  HOTPLUG: 1 << 8,
  FAULT: 1 << 9,
} as const;

/** Connector blocks: STATUS, EDID_LEN, then the EDID bytes (little-endian words), as DDC would read them. */
export const CONN_BASE = 16;
export const CONN_STRIDE = 40;
export const CONN = { STATUS: 0, EDID_LEN: 1, EDID: 2 } as const;
export const EDID_MAX_WORDS = 32; // one 128-byte base block

/** CRTC blocks. */
export const CRTC_BASE = 96;
export const CRTC_STRIDE = 64;
export const CRTC = {
  CTRL: 0,         // armed: CRTC_CTRL fields
  UPDATE: 1,       // W1: latch the armed state at the next vblank; reads 1 while pending
  HDISPLAY: 2, HSYNC_START: 3, HSYNC_END: 4, HTOTAL: 5,
  VDISPLAY: 6, VSYNC_START: 7, VSYNC_END: 8, VTOTAL: 9,
  CLOCK_KHZ: 10,
  BG_COLOR: 11,    // 0x00RRGGBB under every plane
  FRAME: 12,       // RO: vblanks counted while active
  VBL_TIME_LO: 13, // RO: time of the last vblank, ns
  VBL_TIME_HI: 14,
  STATUS: 15,      // RO: bit 0 scanning out; bit 1 the last frame had a faulting fetch
  PLANES: 16,      // first plane block
} as const;
/** Registers of one CRTC that are double-buffered (armed → active at the latch). */
export const CRTC_LATCHED: readonly number[] = [CRTC.CTRL, CRTC.HDISPLAY, CRTC.HSYNC_START, CRTC.HSYNC_END, CRTC.HTOTAL,
  CRTC.VDISPLAY, CRTC.VSYNC_START, CRTC.VSYNC_END, CRTC.VTOTAL, CRTC.CLOCK_KHZ, CRTC.BG_COLOR];

/** Plane blocks inside a CRTC block. Plane 0 is the primary, 1 the overlay, 2 the cursor. */
export const PLANE_STRIDE = 16;
export const PLANE = {
  CTRL: 0,
  ADDR_LO: 1, ADDR_HI: 2, // display virtual address of pixel (0, 0)
  PITCH: 3,               // bytes per row (linear) or per row of 16x16 blocks / 16 (twiddled), as the GPU stores
  SURF_W: 4, SURF_H: 5,   // surface size in pixels: fetches outside are not made
  SRC_X: 6, SRC_Y: 7, SRC_W: 8, SRC_H: 9,  // source rectangle in pixels
  DST_X: 10, DST_Y: 11,   // signed position on the CRTC
  DST_W: 12, DST_H: 13,   // size on the CRTC (nearest-neighbour scaling when it differs from SRC)
} as const;
export const PLANE_KINDS = ['primary', 'overlay', 'cursor'] as const;

/** A bit field of a control register. */
export interface RegField { readonly shift: number; readonly bits: number }
export const CRTC_CTRL = {
  enable: { shift: 0, bits: 1 },
  connector: { shift: 4, bits: 4 }, // which connector the CRTC drives
} as const satisfies Record<string, RegField>;
export const PLANE_CTRL = {
  enable: { shift: 0, bits: 1 },
  format: { shift: 1, bits: 3 },    // DC_FORMAT index
  twiddled: { shift: 4, bits: 1 },  // the GPU's 16x16 Morton-block layout (hwdesc/descriptors LAYOUT)
  blend: { shift: 5, bits: 2 },     // DC_BLEND index
  zpos: { shift: 8, bits: 3 },      // higher is nearer; equal zpos orders by plane index
  alpha: { shift: 16, bits: 8 },    // plane alpha, 255 = opaque
} as const satisfies Record<string, RegField>;

export function getField(word: number, f: RegField): number { return (word >>> f.shift) & ((1 << f.bits) - 1); }
export function packFields<T extends Record<string, RegField>>(desc: T, values: Partial<Record<keyof T, number>>): number {
  let w = 0;
  for (const k of Object.keys(desc) as Array<keyof T>) {
    const f = desc[k]!;
    const v = values[k] ?? 0;
    w |= (v & ((1 << f.bits) - 1)) << f.shift;
  }
  return w >>> 0;
}

/**
 * Scan-out formats in memory order of one little-endian pixel word, named as
 * DRM names them: XRGB8888 is the word 0xXXRRGGBB (bytes B, G, R, X), which
 * is the GPU's bgra8_unorm; XBGR8888 (bytes R, G, B, X) is rgba8_unorm;
 * RGB565 is [15:11] R, [10:5] G, [4:0] B, the GPU's rgb565_unorm.
 */
export const DC_FORMAT = ['xrgb8888', 'argb8888', 'xbgr8888', 'abgr8888', 'rgb565'] as const;
export type DcFormat = (typeof DC_FORMAT)[number];
export const DC_FORMAT_BPP: Record<DcFormat, number> = { xrgb8888: 4, argb8888: 4, xbgr8888: 4, abgr8888: 4, rgb565: 2 };
export const DC_FORMAT_HAS_ALPHA: Record<DcFormat, boolean> = { xrgb8888: false, argb8888: true, xbgr8888: false, abgr8888: true, rgb565: false };
/**
 * Blend equations (as the kernel's "pixel blend mode" property names them),
 * with plane alpha pa and pixel alpha a (1 for formats without alpha):
 * none: pa*fg + (1-pa)*bg; premultiplied: pa*fg + (1-pa*a)*bg;
 * coverage: pa*a*fg + (1-pa*a)*bg.
 */
export const DC_BLEND = ['none', 'premultiplied', 'coverage'] as const;

/** Largest cursor the cursor plane fetches. */
export const DC_CURSOR_MAX = 64;
/** Largest surface and mode the DC handles. */
export const DC_MAX_WIDTH = 4096, DC_MAX_HEIGHT = 4096;

export const DC_REG_COUNT = CRTC_BASE + DC_NUM_CRTCS * CRTC_STRIDE;

export const crtcReg = (crtc: number, r: number) => CRTC_BASE + crtc * CRTC_STRIDE + r;
export const planeReg = (crtc: number, plane: number, r: number) => crtcReg(crtc, CRTC.PLANES + plane * PLANE_STRIDE + r);
export const connReg = (conn: number, r: number) => CONN_BASE + conn * CONN_STRIDE + r;

/** A display timing (as EDID detailed timing descriptors carry it). */
export interface Timing {
  clockKhz: number;
  hdisplay: number; hsyncStart: number; hsyncEnd: number; htotal: number;
  vdisplay: number; vsyncStart: number; vsyncEnd: number; vtotal: number;
  hsyncPositive: boolean; vsyncPositive: boolean;
}
/** Nanoseconds between vblanks of a timing: one frame is htotal*vtotal pixel clocks. */
export function framePeriodNs(t: Pick<Timing, 'clockKhz' | 'htotal' | 'vtotal'>): number {
  return (t.htotal * t.vtotal * 1e6) / t.clockKhz;
}

/** CEA-861 1920x1080@60 (VIC 16) and 1280x720@60 (VIC 4); VESA DMT 1280x1024@60 and 1024x768@60. */
export const TIMINGS = {
  '1920x1080@60': { clockKhz: 148500, hdisplay: 1920, hsyncStart: 2008, hsyncEnd: 2052, htotal: 2200, vdisplay: 1080, vsyncStart: 1084, vsyncEnd: 1089, vtotal: 1125, hsyncPositive: true, vsyncPositive: true },
  '1280x720@60': { clockKhz: 74250, hdisplay: 1280, hsyncStart: 1390, hsyncEnd: 1430, htotal: 1650, vdisplay: 720, vsyncStart: 725, vsyncEnd: 730, vtotal: 750, hsyncPositive: true, vsyncPositive: true },
  '1280x1024@60': { clockKhz: 108000, hdisplay: 1280, hsyncStart: 1328, hsyncEnd: 1440, htotal: 1688, vdisplay: 1024, vsyncStart: 1025, vsyncEnd: 1028, vtotal: 1066, hsyncPositive: true, vsyncPositive: true },
  '1024x768@60': { clockKhz: 65000, hdisplay: 1024, hsyncStart: 1048, hsyncEnd: 1184, htotal: 1344, vdisplay: 768, vsyncStart: 771, vsyncEnd: 777, vtotal: 806, hsyncPositive: false, vsyncPositive: false },
  '640x480@60': { clockKhz: 25175, hdisplay: 640, hsyncStart: 656, hsyncEnd: 752, htotal: 800, vdisplay: 480, vsyncStart: 490, vsyncEnd: 492, vtotal: 525, hsyncPositive: false, vsyncPositive: false },
} as const satisfies Record<string, Timing>;

/** A virtual monitor: what its EDID describes. Timings in order of preference (the first is preferred). */
export interface MonitorDesc {
  name: string;           // EDID monitor name (up to 13 characters)
  manufacturer: string;   // three letters (EISA id)
  product: number;
  serial: number;
  widthMm: number; heightMm: number;
  timings: readonly Timing[];
}
export const MONITORS = {
  /** the 24" 1080p monitor on connector 0 (HDMI-A-1) */
  akari24: { name: 'Akari 24', manufacturer: 'AKR', product: 0x2401, serial: 1001, widthMm: 531, heightMm: 299, timings: [TIMINGS['1920x1080@60'], TIMINGS['1280x720@60']] },
  /** the 19" 5:4 monitor on connector 1 (DP-1) */
  akari19: { name: 'Akari 19', manufacturer: 'AKR', product: 0x1901, serial: 2002, widthMm: 376, heightMm: 301, timings: [TIMINGS['1280x1024@60'], TIMINGS['1024x768@60']] },
} as const satisfies Record<string, MonitorDesc>;
