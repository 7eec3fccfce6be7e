/** Helpers for the KMS suites: a client with the atomic cap, dumb framebuffers, property lookup, events. */
import { DrmDevice } from '../src/libdrm/libdrm.js';
import { ModeCard, type ModeInfo, type VblankEventData } from '../src/libdrm/kms.js';
import type { Machine } from '../src/machine/machine.js';
import type { Syscalls } from '../src/uapi/syscalls.js';
import { DRM_CLIENT_CAP_ATOMIC } from '../src/uapi/drm.js';
import { DRM_FORMAT_XRGB8888, DRM_MODE_OBJECT_CONNECTOR, DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_PLANE } from '../src/uapi/drm-mode.js';

export interface Client {
  sys: Syscalls;
  drm: DrmDevice;
  card: ModeCard;
  crtcs: number[];
  connectors: number[];
  planes: number[];
}

export function client(m: Machine, opts: { atomic?: boolean; sys?: Syscalls; node?: string } = {}): Client {
  const sys = opts.sys ?? m.spawn();
  const drm = DrmDevice.open(sys, opts.node ?? '/dev/dri/card0');
  const card = new ModeCard(drm);
  if (opts.atomic ?? true) drm.setClientCap(DRM_CLIENT_CAP_ATOMIC, 1);
  const res = card.getResources();
  return { sys, drm, card, crtcs: res.crtcs, connectors: res.connectors, planes: opts.atomic === false ? [] : card.getPlaneResources() };
}

/** `u32` is the client's copy of what it stored into the mapping at `addr`. */
export interface DumbFb { handle: number; pitch: number; size: number; addr: number; u32: Uint32Array; fb: number; width: number; height: number }

/** A dumb buffer filled by `pixel(x, y)` (a 32-bit XRGB/ARGB word), added as a framebuffer. */
export function dumbFb(c: Client, width: number, height: number, pixel: (x: number, y: number) => number, format = DRM_FORMAT_XRGB8888): DumbFb {
  const d = c.card.createDumb(width, height, 32);
  const addr = c.drm.mmap(c.card.mapDumb(d.handle), d.size);
  const u32 = new Uint32Array(d.size / 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) u32[(y * d.pitch) / 4 + x] = pixel(x, y) >>> 0;
  c.sys.store(addr, u32); // the CPU's stores through the mapping
  const fb = c.card.addFB2(width, height, format, [d.handle], [d.pitch], [0]);
  return { ...d, addr, u32, fb, width, height };
}

export function prop(c: Client, obj: number, type: number, name: string): number { return c.card.propId(obj, type, name); }

/** Properties of the CRTC/primary plane/connector triple, by name. */
export function pipeProps(c: Client, crtc: number, plane: number, conn: number) {
  const P = (o: number, t: number, n: string) => prop(c, o, t, n);
  const T = { crtc: DRM_MODE_OBJECT_CRTC, plane: DRM_MODE_OBJECT_PLANE, conn: DRM_MODE_OBJECT_CONNECTOR };
  return {
    ACTIVE: P(crtc, T.crtc, 'ACTIVE'), MODE_ID: P(crtc, T.crtc, 'MODE_ID'), OUT_FENCE_PTR: P(crtc, T.crtc, 'OUT_FENCE_PTR'),
    FB_ID: P(plane, T.plane, 'FB_ID'), CRTC_ID: P(plane, T.plane, 'CRTC_ID'), IN_FENCE_FD: P(plane, T.plane, 'IN_FENCE_FD'),
    SRC_X: P(plane, T.plane, 'SRC_X'), SRC_Y: P(plane, T.plane, 'SRC_Y'), SRC_W: P(plane, T.plane, 'SRC_W'), SRC_H: P(plane, T.plane, 'SRC_H'),
    CRTC_X: P(plane, T.plane, 'CRTC_X'), CRTC_Y: P(plane, T.plane, 'CRTC_Y'), CRTC_W: P(plane, T.plane, 'CRTC_W'), CRTC_H: P(plane, T.plane, 'CRTC_H'),
    CONN_CRTC_ID: P(conn, T.conn, 'CRTC_ID'),
  };
}

/** Adds the properties of a full-screen plane at fb. */
export function addPlane(req: ReturnType<ModeCard['atomicAlloc']>, plane: number, p: ReturnType<typeof pipeProps>, crtc: number, fb: number, w: number, h: number, x = 0, y = 0): void {
  req.add(plane, p.FB_ID, fb); req.add(plane, p.CRTC_ID, crtc);
  req.add(plane, p.SRC_X, 0); req.add(plane, p.SRC_Y, 0); req.add(plane, p.SRC_W, w * 65536); req.add(plane, p.SRC_H, h * 65536);
  req.add(plane, p.CRTC_X, x); req.add(plane, p.CRTC_Y, y); req.add(plane, p.CRTC_W, w); req.add(plane, p.CRTC_H, h);
}

/** The primary plane of CRTC index i (possible_crtcs has only that bit, type Primary). */
export function primaryOf(c: Client, crtcIndex: number): number {
  return c.planes.find((p) => c.card.getPlane(p).possibleCrtcs === 1 << crtcIndex && c.card.findProperty(p, DRM_MODE_OBJECT_PLANE, 'type')!.value === 1n)!;
}
export function planeOfType(c: Client, crtcIndex: number, type: bigint): number {
  return c.planes.find((p) => c.card.getPlane(p).possibleCrtcs === 1 << crtcIndex && c.card.findProperty(p, DRM_MODE_OBJECT_PLANE, 'type')!.value === type)!;
}

/** Lights CRTC index i on connector index k with its preferred mode and fb, by legacy SETCRTC. */
export function light(c: Client, i: number, k: number, fb: number): ModeInfo {
  const conn = c.card.getConnector(c.connectors[k]!);
  const mode = conn.modes[0]!;
  c.card.setCrtc(c.crtcs[i]!, fb, 0, 0, [conn.connectorId], mode);
  return mode;
}

export function readEvents(c: Client): VblankEventData[] {
  const out: VblankEventData[] = [];
  c.card.handleEvent({ pageFlip: (e) => out.push(e), vblank: (e) => out.push(e) });
  return out;
}
