/**
 * EDID 1.4 base blocks (VESA E-EDID): the 128 bytes a monitor answers on
 * DDC. The monitors encode their description here; the kernel decodes what
 * it reads from the connector's DDC window. Offsets are the standard's.
 */
import type { MonitorDesc, Timing } from './display.js';

export const EDID_HEADER = [0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00] as const;
export const EDID_SIZE = 128;
const DESCRIPTOR_OFFSETS = [54, 72, 90, 108] as const;
const TAG_NAME = 0xfc, TAG_RANGE = 0xfd, TAG_DUMMY = 0x10;

function encodeDtd(t: Timing, widthMm: number, heightMm: number): number[] {
  const hblank = t.htotal - t.hdisplay, vblank = t.vtotal - t.vdisplay;
  const hso = t.hsyncStart - t.hdisplay, hsw = t.hsyncEnd - t.hsyncStart;
  const vso = t.vsyncStart - t.vdisplay, vsw = t.vsyncEnd - t.vsyncStart;
  const clk = Math.round(t.clockKhz / 10);
  return [
    clk & 0xff, clk >> 8,
    t.hdisplay & 0xff, hblank & 0xff, ((t.hdisplay >> 8) << 4) | (hblank >> 8),
    t.vdisplay & 0xff, vblank & 0xff, ((t.vdisplay >> 8) << 4) | (vblank >> 8),
    hso & 0xff, hsw & 0xff, ((vso & 0xf) << 4) | (vsw & 0xf),
    ((hso >> 8) << 6) | ((hsw >> 8) << 4) | ((vso >> 4) << 2) | (vsw >> 4),
    widthMm & 0xff, heightMm & 0xff, ((widthMm >> 8) << 4) | (heightMm >> 8),
    0, 0,
    0x18 | (t.vsyncPositive ? 4 : 0) | (t.hsyncPositive ? 2 : 0), // digital separate sync
  ];
}

function textDescriptor(tag: number, text: string): number[] {
  const bytes = [...text.slice(0, 13)].map((c) => c.charCodeAt(0) & 0x7f);
  if (bytes.length < 13) bytes.push(0x0a);
  while (bytes.length < 13) bytes.push(0x20);
  return [0, 0, 0, tag, 0, ...bytes];
}

/** The base EDID block of a monitor: its first two timings as detailed timings, then its name and range limits. */
export function encodeEdid(m: MonitorDesc): Uint8Array {
  const e = new Uint8Array(EDID_SIZE);
  e.set(EDID_HEADER, 0);
  const [a, b, c] = [...m.manufacturer.toUpperCase()].map((ch) => ch.charCodeAt(0) - 64);
  const mfg = (a! << 10) | (b! << 5) | c!;
  e[8] = mfg >> 8; e[9] = mfg & 0xff;
  e[10] = m.product & 0xff; e[11] = m.product >> 8;
  new DataView(e.buffer).setUint32(12, m.serial, true);
  e[16] = 1; e[17] = 2026 - 1990;
  e[18] = 1; e[19] = 4;
  e[20] = 0x80 | 0x20; // digital input, 8 bits per colour
  e[21] = Math.round(m.widthMm / 10); e[22] = Math.round(m.heightMm / 10);
  e[23] = 120; // gamma 2.2
  e[24] = 0x06; // sRGB default colour space; the preferred timing is native
  e.set([0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99, 0x26, 0x0f, 0x50, 0x54], 25); // sRGB chromaticity
  for (let i = 38; i < 54; i++) e[i] = 0x01; // no standard timings
  const descs: number[][] = m.timings.slice(0, 2).map((t) => encodeDtd(t, m.widthMm, m.heightMm));
  descs.push(textDescriptor(TAG_NAME, m.name));
  const maxClk = Math.max(...m.timings.map((t) => t.clockKhz));
  descs.push([0, 0, 0, TAG_RANGE, 0, 50, 75, 30, 83, Math.ceil(maxClk / 10000), 0x01, 0x0a, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]);
  while (descs.length < 4) descs.push([0, 0, 0, TAG_DUMMY, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  descs.slice(0, 4).forEach((d, i) => e.set(d, DESCRIPTOR_OFFSETS[i]));
  e[126] = 0;
  let sum = 0;
  for (let i = 0; i < 127; i++) sum += e[i]!;
  e[127] = (256 - (sum & 0xff)) & 0xff;
  return e;
}

export interface DecodedEdid {
  manufacturer: string;
  product: number;
  serial: number;
  name: string;
  widthMm: number;
  heightMm: number;
  /** detailed timings in the block's order: the first is the preferred one */
  timings: Timing[];
}

/** Decodes a base block; null when the header or checksum is wrong (a bad read, as drm_edid_block_valid rejects). */
export function decodeEdid(e: Uint8Array): DecodedEdid | null {
  if (e.length < EDID_SIZE) return null;
  for (let i = 0; i < 8; i++) if (e[i] !== EDID_HEADER[i]) return null;
  let sum = 0;
  for (let i = 0; i < EDID_SIZE; i++) sum += e[i]!;
  if ((sum & 0xff) !== 0) return null;
  const mfg = (e[8]! << 8) | e[9]!;
  const manufacturer = String.fromCharCode(64 + ((mfg >> 10) & 31), 64 + ((mfg >> 5) & 31), 64 + (mfg & 31));
  const out: DecodedEdid = {
    manufacturer, product: e[10]! | (e[11]! << 8), serial: new DataView(e.buffer, e.byteOffset).getUint32(12, true),
    name: '', widthMm: e[21]! * 10, heightMm: e[22]! * 10, timings: [],
  };
  for (const o of DESCRIPTOR_OFFSETS) {
    const d = e.subarray(o, o + 18);
    const clk = d[0]! | (d[1]! << 8);
    if (clk) {
      const hdisplay = d[2]! | ((d[4]! >> 4) << 8), hblank = d[3]! | ((d[4]! & 0xf) << 8);
      const vdisplay = d[5]! | ((d[7]! >> 4) << 8), vblank = d[6]! | ((d[7]! & 0xf) << 8);
      const hso = d[8]! | ((d[11]! >> 6) << 8), hsw = d[9]! | (((d[11]! >> 4) & 3) << 8);
      const vso = (d[10]! >> 4) | (((d[11]! >> 2) & 3) << 4), vsw = (d[10]! & 0xf) | ((d[11]! & 3) << 4);
      out.timings.push({
        clockKhz: clk * 10,
        hdisplay, hsyncStart: hdisplay + hso, hsyncEnd: hdisplay + hso + hsw, htotal: hdisplay + hblank,
        vdisplay, vsyncStart: vdisplay + vso, vsyncEnd: vdisplay + vso + vsw, vtotal: vdisplay + vblank,
        hsyncPositive: (d[17]! & 2) !== 0, vsyncPositive: (d[17]! & 4) !== 0,
      });
    } else if (d[3] === TAG_NAME) {
      out.name = String.fromCharCode(...d.subarray(5, 18)).split('\n')[0]!.trimEnd();
    }
  }
  return out;
}
