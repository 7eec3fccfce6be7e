/**
 * The KMS core: mode objects (CRTCs, planes, encoders, connectors,
 * framebuffers, property blobs, properties) with device-wide IDs, the
 * property system, atomic state with Linux's checks, commits that wait for
 * their in-fences, are programmed into the display controller and complete
 * at the vblank that latches them (flip events, out-fences), vblank
 * counting and events, and the per-file event queue read() drains.
 *
 * It follows drivers/gpu/drm/drm_atomic*.c, drm_plane.c, drm_crtc.c,
 * drm_connector.c, drm_framebuffer.c, drm_property.c and drm_vblank.c:
 * every ioctl validates everything before changing anything, and an atomic
 * commit is all-or-nothing (a new state is built and checked; only a
 * successful non-TEST_ONLY commit swaps it in). The legacy ioctls (SETCRTC,
 * SETPLANE, CURSOR, PAGE_FLIP, DPMS) are built on the same atomic commit, as
 * the atomic helpers build them.
 *
 * The hardware side is a `KmsHw` (the driver's display part): it maps
 * framebuffers into the display's address space, programs a CRTC and its
 * planes, reports vblanks and hotplug back here.
 */
import { kerr } from '../../base/errors.js';
import { readStruct, writeStruct, type CValues } from '../../uapi/cstruct.js';
import {
  DRM_EVENT_CRTC_SEQUENCE, DRM_EVENT_FLIP_COMPLETE, DRM_EVENT_VBLANK, DRM_FORMAT_MOD_LINEAR, DRM_MODE_ATOMIC_ALLOW_MODESET,
  DRM_MODE_ATOMIC_FLAGS, DRM_MODE_ATOMIC_NONBLOCK, DRM_MODE_ATOMIC_TEST_ONLY, DRM_MODE_BLEND_COVERAGE,
  DRM_MODE_BLEND_PIXEL_NONE, DRM_MODE_BLEND_PREMULTI, DRM_MODE_CONNECTED, DRM_MODE_DISCONNECTED, DRM_MODE_DPMS_OFF,
  DRM_MODE_DPMS_ON, DRM_MODE_DPMS_STANDBY, DRM_MODE_DPMS_SUSPEND, DRM_MODE_FLAG_NHSYNC, DRM_MODE_FLAG_NVSYNC,
  DRM_MODE_FLAG_PHSYNC, DRM_MODE_FLAG_PVSYNC, DRM_MODE_OBJECT_ANY, DRM_MODE_OBJECT_BLOB, DRM_MODE_OBJECT_CONNECTOR,
  DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_ENCODER, DRM_MODE_OBJECT_FB, DRM_MODE_OBJECT_PLANE, DRM_MODE_OBJECT_PROPERTY,
  DRM_MODE_PAGE_FLIP_EVENT, DRM_MODE_PROP_ATOMIC, DRM_MODE_PROP_BLOB, DRM_MODE_PROP_ENUM, DRM_MODE_PROP_IMMUTABLE,
  DRM_MODE_PROP_OBJECT, DRM_MODE_PROP_RANGE, DRM_MODE_PROP_SIGNED_RANGE, DRM_MODE_TYPE_DRIVER, DRM_MODE_TYPE_PREFERRED,
  DRM_PLANE_TYPE_CURSOR, DRM_PLANE_TYPE_OVERLAY, DRM_PLANE_TYPE_PRIMARY, FORMAT_BLOB_CURRENT, decodeModeInfo,
  drm_event_crtc_sequence, drm_event_vblank, drm_format_modifier, drm_format_modifier_blob, drm_mode_modeinfo,
  encodeModeInfo, modeVrefresh, type ModeInfo,
} from '../../uapi/drm-mode.js';
import type { Timing } from '../../hwdesc/display.js';
import { decodeEdid } from '../../hwdesc/edid.js';
import { DmaFence, fenceContextAlloc } from './fence.js';
import { OpenFile, type FileOps, type Process } from './process.js';
import type { DrmDevice, DrmFile, GemObject } from './device.js';
import { SyncFile } from './device.js';

export const INT_MAX = 0x7fffffff;
const U32_MAX = 0xffffffffn;
const U64_MAX = 0xffffffffffffffffn;
export const EVENT_SPACE = 4096;

// ------------------------------------------------------------------ objects

export type PlaneKind = 'primary' | 'overlay' | 'cursor';
const PLANE_TYPE: Record<PlaneKind, number> = { primary: DRM_PLANE_TYPE_PRIMARY, overlay: DRM_PLANE_TYPE_OVERLAY, cursor: DRM_PLANE_TYPE_CURSOR };

export class Property {
  readonly objType = DRM_MODE_OBJECT_PROPERTY;
  constructor(
    readonly id: number, readonly name: string, readonly flags: number,
    /** RANGE/SIGNED_RANGE: [min, max]; OBJECT: [object type]; ENUM: the enum values */
    readonly values: bigint[],
    readonly enums: Array<[bigint, string]> = [],
  ) {}
  get isRange(): boolean { return (this.flags & DRM_MODE_PROP_RANGE) !== 0; }
  get isSignedRange(): boolean { return (this.flags & 0xffc0) === DRM_MODE_PROP_SIGNED_RANGE; }
  get isObject(): boolean { return (this.flags & 0xffc0) === DRM_MODE_PROP_OBJECT; }
  get isEnum(): boolean { return (this.flags & DRM_MODE_PROP_ENUM) !== 0; }
  get isBlob(): boolean { return (this.flags & DRM_MODE_PROP_BLOB) !== 0; }
}

export interface Blob { readonly objType: number; id: number; data: Uint8Array; owner: DrmFile | null; dropped: boolean }

export interface Framebuffer {
  readonly objType: number;
  id: number;
  owner: DrmFile | null;
  /** still in its creator's list (RMFB/CLOSEFB/close take it out) */
  listed: boolean;
  width: number;
  height: number;
  format: number;
  modifier: bigint;
  pitch: number;
  offset: number;
  handle: number;
  obj: GemObject;
  /** display virtual address of the object's first byte (the driver maps it) */
  dva: number;
  freed: boolean;
}

export interface CrtcObj { readonly objType: number; id: number; index: number; props: Attached[]; primary: number; cursor: number; fenceContext: number; fenceSeq: number }
export interface PlaneObj {
  readonly objType: number; id: number; index: number; kind: PlaneKind; crtcIndex: number; props: Attached[];
  formats: number[]; modifiers: bigint[]; formatsBlob: Blob;
  zposProp: Property; alphaProp: Property | null; blendProp: Property | null;
}
export interface EncoderObj { readonly objType: number; id: number; index: number; type: number; possibleCrtcs: number }
export interface ConnectorObj {
  readonly objType: number; id: number; index: number; type: number; typeId: number; props: Attached[];
  status: number; modes: ModeInfo[]; edidBlob: Blob | null; widthMm: number; heightMm: number; encoder: number;
}
interface Attached { prop: Property; get(): bigint }
type ModeObject = Property | Blob | Framebuffer | CrtcObj | PlaneObj | EncoderObj | ConnectorObj;

// ------------------------------------------------------------------ state

export interface CrtcState { enable: boolean; active: boolean; mode: ModeInfo | null; modeBlob: Blob | null; vrr: boolean }
export interface PlaneState {
  crtc: number; fb: Framebuffer | null;
  crtcX: number; crtcY: number; crtcW: number; crtcH: number;
  srcX: number; srcY: number; srcW: number; srcH: number; // 16.16
  zpos: number; alpha: number; blend: number;
}
export interface ConnState { crtc: number; dpms: number }
export interface KmsState { crtcs: CrtcState[]; planes: PlaneState[]; conns: ConnState[] }

function cloneState(s: KmsState): KmsState {
  return { crtcs: s.crtcs.map((c) => ({ ...c })), planes: s.planes.map((p) => ({ ...p })), conns: s.conns.map((c) => ({ ...c })) };
}

/** What the driver's display part provides. */
export interface KmsHw {
  readonly crtcCount: number;
  readonly planes: ReadonlyArray<{ kind: PlaneKind; crtc: number; formats: number[]; modifiers: bigint[]; zpos: [number, number, number] }>;
  readonly connectors: ReadonlyArray<{ type: number; typeId: number }>;
  readonly limits: { minWidth: number; maxWidth: number; minHeight: number; maxHeight: number; cursorWidth: number; cursorHeight: number };
  /** reads the connector's hot-plug status and EDID */
  detect(conn: number): { connected: boolean; edid: Uint8Array | null };
  /** bytes of a framebuffer the hardware may fetch; throws EINVAL if the object is too small or the layout impossible */
  fbCheck(fb: Omit<Framebuffer, 'id' | 'dva' | 'freed'>): void;
  mapFb(fb: Framebuffer): void;
  unmapFb(fb: Framebuffer): void;
  /** driver atomic_check (after the core checks) */
  check(state: KmsState, planes: readonly PlaneObj[]): void;
  /** programs one CRTC with its planes and arms the latch; returns the CRTC's frame counter at that moment */
  program(crtc: number, cs: CrtcState, planes: Array<{ plane: PlaneObj; ps: PlaneState }>, connector: number): number;
  /** the latch armed by program() is still pending */
  updatePending(crtc: number): boolean;
  /** current frame counter and last vblank time (ns) of a CRTC */
  vblankStatus(crtc: number): { frame: number; timeNs: number };
  /** the display clock (CLOCK_MONOTONIC for vblank timestamps) */
  now(): number;
  /** one step of waiting: lets the GPU or the display make progress (interrupts handled); false if nothing can happen before the deadline */
  waitStep(deadlineNs: number): boolean;
  /** handles pending display interrupts (the device may have moved on since the last look) */
  service(): void;
}

interface KmsFile {
  fbs: Framebuffer[];
  blobs: Blob[];
  events: Uint8Array[];
  eventSpace: number;
}

interface VblankEvent { file: DrmFile; crtc: number; target: number; build: (seq: number, timeNs: number) => Uint8Array; size: number }

interface Commit {
  id: number;
  crtcs: number[];
  state: KmsState;
  inFences: DmaFence[];
  events: Map<number, { file: DrmFile; userData: bigint }>;
  outFences: Map<number, DmaFence>;
  phase: 'waiting' | 'programmed' | 'done';
  programmedFrame: Map<number, number>;
  doneCrtcs: Set<number>;
}

/** The uevent netlink socket (NETLINK_KOBJECT_UEVENT) in miniature: hotplug messages, read as KEY=value strings. */
export class UeventSocket implements FileOps {
  readonly kind = 'uevent' as const;
  readonly queue: Uint8Array[] = [];
  constructor(readonly kms: Kms) { kms.uevents.add(this); }
  release(): void { this.kms.uevents.delete(this); }
  read(proc: Process, ptr: number, len: number, nonblock: boolean): number {
    this.kms.hw.service();
    if (!this.queue.length) {
      if (nonblock) throw kerr('EAGAIN');
      if (!this.kms.wait(() => this.queue.length > 0)) throw kerr('EINTR', 'nothing can produce a uevent');
    }
    const msg = this.queue.shift()!;
    const n = Math.min(len, msg.length);
    proc.copyToUser(ptr, msg.subarray(0, n));
    return n;
  }
  poll(): number { this.kms.hw.service(); return this.queue.length ? POLLIN : 0; }
}
export const POLLIN = 0x1, POLLOUT = 0x4;

export class Kms {
  private nextId = 1;
  readonly objects = new Map<number, ModeObject>();
  readonly crtcs: CrtcObj[] = [];
  readonly planes: PlaneObj[] = [];
  readonly encoders: EncoderObj[] = [];
  readonly connectors: ConnectorObj[] = [];
  readonly fbs = new Set<Framebuffer>();
  readonly blobs = new Set<Blob>();
  state: KmsState;
  private commits: Commit[] = [];
  private nextCommit = 1;
  /** fbs of what each CRTC scans out now (the last completed commit's) */
  private scanout: Framebuffer[][] = [];
  private vblanks: VblankEvent[] = [];
  readonly vblank: Array<{ count: number; timeNs: number }> = [];
  private files = new WeakMap<DrmFile, KmsFile>();
  readonly uevents = new Set<UeventSocket>();
  readonly props: Record<string, Property> = {};
  readonly stats = { commits: 0, flips: 0, vblankEvents: 0 };
  /** tracing: every event queued for a file (the bytes read() will return) */
  onEvent: ((pid: number, ev: Uint8Array) => void) | null = null;

  constructor(readonly dev: DrmDevice, readonly hw: KmsHw) {
    this.createStandardProperties();
    for (let c = 0; c < hw.crtcCount; c++) {
      const crtc: CrtcObj = { objType: DRM_MODE_OBJECT_CRTC, id: this.allocId(), index: c, props: [], primary: -1, cursor: -1, fenceContext: fenceContextAlloc(), fenceSeq: 0 };
      this.register(crtc);
      this.crtcs.push(crtc);
      this.vblank.push({ count: 0, timeNs: 0 });
      this.scanout.push([]);
    }
    hw.planes.forEach((pd, i) => {
      const id = this.allocId();
      const formatsBlob = this.createBlob(this.inFormatsBlob(pd.formats, pd.modifiers), null);
      const zposProp = this.newProp('zpos', DRM_MODE_PROP_RANGE | (pd.kind === 'primary' ? DRM_MODE_PROP_IMMUTABLE : 0), [BigInt(pd.zpos[1]), BigInt(pd.zpos[2])]);
      const blendable = pd.kind !== 'primary';
      const alphaProp = blendable ? this.newProp('alpha', DRM_MODE_PROP_RANGE, [0n, 0xffffn]) : null;
      const blendProp = blendable ? this.newProp('pixel blend mode', DRM_MODE_PROP_ENUM, [0n, 1n, 2n],
        [[BigInt(DRM_MODE_BLEND_PIXEL_NONE), 'None'], [BigInt(DRM_MODE_BLEND_PREMULTI), 'Pre-multiplied'], [BigInt(DRM_MODE_BLEND_COVERAGE), 'Coverage']]) : null;
      const plane: PlaneObj = {
        objType: DRM_MODE_OBJECT_PLANE, id, index: i, kind: pd.kind, crtcIndex: pd.crtc, props: [], formats: pd.formats,
        modifiers: pd.modifiers, formatsBlob, zposProp, alphaProp, blendProp,
      };
      this.register(plane);
      this.planes.push(plane);
      if (pd.kind === 'primary') this.crtcs[pd.crtc]!.primary = i;
      if (pd.kind === 'cursor') this.crtcs[pd.crtc]!.cursor = i;
    });
    hw.connectors.forEach((cd, i) => {
      const enc: EncoderObj = { objType: DRM_MODE_OBJECT_ENCODER, id: this.allocId(), index: i, type: 2 /* TMDS */, possibleCrtcs: (1 << hw.crtcCount) - 1 };
      this.register(enc);
      this.encoders.push(enc);
    });
    hw.connectors.forEach((cd, i) => {
      const conn: ConnectorObj = {
        objType: DRM_MODE_OBJECT_CONNECTOR, id: this.allocId(), index: i, type: cd.type, typeId: cd.typeId, props: [],
        status: DRM_MODE_DISCONNECTED, modes: [], edidBlob: null, widthMm: 0, heightMm: 0, encoder: i,
      };
      this.register(conn);
      this.connectors.push(conn);
    });
    this.state = {
      crtcs: this.crtcs.map(() => ({ enable: false, active: false, mode: null, modeBlob: null, vrr: false })),
      planes: this.planes.map((p, i) => ({
        crtc: -1, fb: null, crtcX: 0, crtcY: 0, crtcW: 0, crtcH: 0, srcX: 0, srcY: 0, srcW: 0, srcH: 0,
        zpos: hw.planes[i]!.zpos[0], alpha: 0xffff, blend: DRM_MODE_BLEND_PREMULTI,
      })),
      conns: this.connectors.map(() => ({ crtc: -1, dpms: DRM_MODE_DPMS_OFF })),
    };
    this.attachProperties();
    for (const c of this.connectors) this.probe(c);
  }

  // ------------------------------------------------------------ object ids

  private allocId(): number { return this.nextId++; }
  private register(o: ModeObject): void { this.objects.set(o.id, o); }

  /** drm_mode_object_find: the object of that id and type (ANY matches all), or undefined. */
  find(id: number, type = DRM_MODE_OBJECT_ANY): ModeObject | undefined {
    const o = this.objects.get(id);
    if (!o || (type !== DRM_MODE_OBJECT_ANY && o.objType !== type)) return undefined;
    return o;
  }
  crtcById(id: number): CrtcObj { const o = this.find(id, DRM_MODE_OBJECT_CRTC); if (!o) throw kerr('ENOENT', `no CRTC ${id}`); return o as CrtcObj; }
  planeById(id: number): PlaneObj { const o = this.find(id, DRM_MODE_OBJECT_PLANE); if (!o) throw kerr('ENOENT', `no plane ${id}`); return o as PlaneObj; }
  connectorById(id: number): ConnectorObj { const o = this.find(id, DRM_MODE_OBJECT_CONNECTOR); if (!o) throw kerr('ENOENT', `no connector ${id}`); return o as ConnectorObj; }
  encoderById(id: number): EncoderObj { const o = this.find(id, DRM_MODE_OBJECT_ENCODER); if (!o) throw kerr('ENOENT', `no encoder ${id}`); return o as EncoderObj; }
  fbById(id: number): Framebuffer { const o = this.find(id, DRM_MODE_OBJECT_FB); if (!o) throw kerr('ENOENT', `no framebuffer ${id}`); return o as Framebuffer; }
  blobById(id: number): Blob { const o = this.find(id, DRM_MODE_OBJECT_BLOB); if (!o) throw kerr('ENOENT', `no blob ${id}`); return o as Blob; }
  propById(id: number): Property { const o = this.find(id, DRM_MODE_OBJECT_PROPERTY); if (!o) throw kerr('ENOENT', `no property ${id}`); return o as Property; }

  file(f: DrmFile): KmsFile {
    let k = this.files.get(f);
    if (!k) this.files.set(f, (k = { fbs: [], blobs: [], events: [], eventSpace: EVENT_SPACE }));
    return k;
  }

  // ------------------------------------------------------------ properties

  private newProp(name: string, flags: number, values: bigint[], enums: Array<[bigint, string]> = []): Property {
    const p = new Property(this.allocId(), name, flags, values, enums);
    this.register(p);
    return p;
  }

  private createStandardProperties(): void {
    const A = DRM_MODE_PROP_ATOMIC;
    const P = this.props;
    const range = (name: string, min: bigint, max: bigint, flags = 0) => (P[name] = this.newProp(name, DRM_MODE_PROP_RANGE | flags, [min, max]));
    const srange = (name: string, min: bigint, max: bigint, flags = 0) => (P[name] = this.newProp(name, DRM_MODE_PROP_SIGNED_RANGE | flags, [min, max]));
    const obj = (key: string, name: string, type: number, flags = 0) => (P[key] = this.newProp(name, DRM_MODE_PROP_OBJECT | flags, [BigInt(type)]));
    const en = (key: string, name: string, flags: number, e: Array<[number, string]>) => (P[key] = this.newProp(name, DRM_MODE_PROP_ENUM | flags, e.map(([v]) => BigInt(v)), e.map(([v, n]) => [BigInt(v), n])));
    const blob = (name: string, flags = 0) => (P[name] = this.newProp(name, DRM_MODE_PROP_BLOB | flags, []));
    // drm_mode_config: connector properties first, then plane, then CRTC ones
    blob('EDID', DRM_MODE_PROP_IMMUTABLE);
    en('DPMS', 'DPMS', 0, [[DRM_MODE_DPMS_ON, 'On'], [DRM_MODE_DPMS_STANDBY, 'Standby'], [DRM_MODE_DPMS_SUSPEND, 'Suspend'], [DRM_MODE_DPMS_OFF, 'Off']]);
    en('link-status', 'link-status', 0, [[0, 'Good'], [1, 'Bad']]);
    range('non-desktop', 0n, 1n, DRM_MODE_PROP_IMMUTABLE);
    blob('TILE', DRM_MODE_PROP_IMMUTABLE);
    en('type', 'type', DRM_MODE_PROP_IMMUTABLE, [[DRM_PLANE_TYPE_OVERLAY, 'Overlay'], [DRM_PLANE_TYPE_PRIMARY, 'Primary'], [DRM_PLANE_TYPE_CURSOR, 'Cursor']]);
    // SRC_* are unsigned 16.16 ranges: drm_property_create_range(dev, DRM_MODE_PROP_ATOMIC, "SRC_X", 0, UINT_MAX)
    range('SRC_X', 0n, U32_MAX, A); range('SRC_Y', 0n, U32_MAX, A); range('SRC_W', 0n, U32_MAX, A); range('SRC_H', 0n, U32_MAX, A);
    srange('CRTC_X', -0x80000000n, 0x7fffffffn, A); srange('CRTC_Y', -0x80000000n, 0x7fffffffn, A);
    range('CRTC_W', 0n, BigInt(INT_MAX), A); range('CRTC_H', 0n, BigInt(INT_MAX), A);
    obj('FB_ID', 'FB_ID', DRM_MODE_OBJECT_FB, A);
    obj('CRTC_ID', 'CRTC_ID', DRM_MODE_OBJECT_CRTC, A);
    srange('IN_FENCE_FD', -1n, BigInt(INT_MAX), A);
    range('OUT_FENCE_PTR', 0n, U64_MAX, A);
    range('ACTIVE', 0n, 1n, A);
    blob('MODE_ID', A);
    range('VRR_ENABLED', 0n, 1n);
    blob('IN_FORMATS', DRM_MODE_PROP_IMMUTABLE);
  }

  private attachProperties(): void {
    const P = this.props;
    const s = () => this.state;
    const u = (v: number) => BigInt.asUintN(64, BigInt(v));
    for (const c of this.connectors) {
      const cs = () => s().conns[c.index]!;
      c.props.push(
        { prop: P.EDID!, get: () => BigInt(c.edidBlob?.id ?? 0) },
        { prop: P.DPMS!, get: () => BigInt(cs().dpms) },
        { prop: P['link-status']!, get: () => 0n },
        { prop: P['non-desktop']!, get: () => 0n },
        { prop: P.TILE!, get: () => 0n },
        { prop: P.CRTC_ID!, get: () => BigInt(cs().crtc >= 0 ? this.crtcs[cs().crtc]!.id : 0) },
      );
    }
    for (const p of this.planes) {
      const ps = () => s().planes[p.index]!;
      p.props.push(
        { prop: P.type!, get: () => BigInt(PLANE_TYPE[p.kind]) },
        { prop: P.FB_ID!, get: () => BigInt(ps().fb?.id ?? 0) },
        { prop: P.IN_FENCE_FD!, get: () => u(-1) },
        { prop: P.CRTC_ID!, get: () => BigInt(ps().crtc >= 0 ? this.crtcs[ps().crtc]!.id : 0) },
        { prop: P.CRTC_X!, get: () => u(ps().crtcX) },
        { prop: P.CRTC_Y!, get: () => u(ps().crtcY) },
        { prop: P.CRTC_W!, get: () => BigInt(ps().crtcW) },
        { prop: P.CRTC_H!, get: () => BigInt(ps().crtcH) },
        { prop: P.SRC_X!, get: () => BigInt(ps().srcX) },
        { prop: P.SRC_Y!, get: () => BigInt(ps().srcY) },
        { prop: P.SRC_W!, get: () => BigInt(ps().srcW) },
        { prop: P.SRC_H!, get: () => BigInt(ps().srcH) },
        { prop: P.IN_FORMATS!, get: () => BigInt(p.formatsBlob.id) },
        { prop: p.zposProp, get: () => BigInt(ps().zpos) },
      );
      if (p.alphaProp) p.props.push({ prop: p.alphaProp, get: () => BigInt(ps().alpha) });
      if (p.blendProp) p.props.push({ prop: p.blendProp, get: () => BigInt(ps().blend) });
    }
    for (const c of this.crtcs) {
      const cs = () => s().crtcs[c.index]!;
      (c as CrtcObj).props.push(
        { prop: P.ACTIVE!, get: () => (cs().active ? 1n : 0n) },
        { prop: P.MODE_ID!, get: () => BigInt(cs().modeBlob?.id ?? 0) },
        { prop: P.OUT_FENCE_PTR!, get: () => 0n },
        { prop: P.VRR_ENABLED!, get: () => (cs().vrr ? 1n : 0n) },
      );
    }
  }

  /** The properties of an object (undefined for objects that have none: framebuffers, blobs, properties, encoders). */
  propsOf(o: ModeObject): Attached[] | undefined {
    if (o.objType === DRM_MODE_OBJECT_CRTC || o.objType === DRM_MODE_OBJECT_PLANE || o.objType === DRM_MODE_OBJECT_CONNECTOR) {
      return (o as CrtcObj).props;
    }
    return undefined;
  }

  /** drm_format_modifier_blob for IN_FORMATS */
  private inFormatsBlob(formats: number[], modifiers: bigint[]): Uint8Array {
    const fmtOff = drm_format_modifier_blob.size;
    const modOff = Math.ceil((fmtOff + formats.length * 4) / 8) * 8;
    const out = new Uint8Array(modOff + modifiers.length * drm_format_modifier.size);
    writeStruct(drm_format_modifier_blob, {
      version: FORMAT_BLOB_CURRENT, flags: 0, count_formats: formats.length, formats_offset: fmtOff,
      count_modifiers: modifiers.length, modifiers_offset: modOff,
    }, out);
    const dv = new DataView(out.buffer);
    formats.forEach((f, i) => dv.setUint32(fmtOff + i * 4, f, true));
    modifiers.forEach((m, i) => {
      const at = modOff + i * drm_format_modifier.size;
      // every format supports every modifier: the bitmask covers formats 0..n-1 from offset 0
      dv.setBigUint64(at, (1n << BigInt(formats.length)) - 1n, true);
      dv.setUint32(at + 8, 0, true);
      dv.setBigUint64(at + 16, m, true);
    });
    return out;
  }

  // ------------------------------------------------------------ blobs

  createBlob(data: Uint8Array, owner: DrmFile | null): Blob {
    const b: Blob = { objType: DRM_MODE_OBJECT_BLOB, id: this.allocId(), data: data.slice(), owner, dropped: false };
    this.register(b);
    this.blobs.add(b);
    if (owner) this.file(owner).blobs.push(b);
    return b;
  }
  destroyBlob(f: DrmFile, id: number): void {
    const b = this.blobById(id);
    const kf = this.file(f);
    if (b.owner !== f || !kf.blobs.includes(b)) throw kerr('EPERM', 'blob belongs to another file');
    kf.blobs.splice(kf.blobs.indexOf(b), 1);
    b.dropped = true;
    this.gc();
  }

  // ------------------------------------------------------------ connectors

  /** drm_helper_probe_single_connector_modes: status, EDID property and mode list from the hardware. */
  probe(c: ConnectorObj): void {
    const d = this.hw.detect(c.index);
    const edid = d.connected && d.edid ? decodeEdid(d.edid) : null;
    c.status = d.connected ? DRM_MODE_CONNECTED : DRM_MODE_DISCONNECTED;
    const oldBlob = c.edidBlob;
    if (!oldBlob || !d.edid || !d.connected || !sameBytes(oldBlob.data, d.edid)) {
      if (oldBlob) oldBlob.dropped = true;
      c.edidBlob = d.connected && d.edid ? this.createBlob(d.edid, null) : null;
      if (c.edidBlob) c.edidBlob.dropped = false;
    }
    c.modes = edid ? edid.timings.map((t, i) => timingToMode(t, i === 0)) : [];
    c.widthMm = edid?.widthMm ?? 0;
    c.heightMm = edid?.heightMm ?? 0;
    this.gc();
  }

  /** A hotplug interrupt: re-probe every connector and announce the change (a "change" uevent with HOTPLUG=1). */
  hotplug(): void {
    const changed: ConnectorObj[] = [];
    for (const c of this.connectors) {
      const before = c.status;
      this.probe(c);
      if (c.status !== before) changed.push(c);
    }
    for (const c of changed) {
      const msg = `change@/devices/platform/akari/drm/card0\0ACTION=change\0DEVPATH=/devices/platform/akari/drm/card0\0SUBSYSTEM=drm\0HOTPLUG=1\0CONNECTOR=${c.id}\0DEVNAME=dri/card0\0`;
      for (const s of this.uevents) s.queue.push(new TextEncoder().encode(msg));
    }
  }

  // ------------------------------------------------------------ framebuffers

  addFb(f: DrmFile, spec: Omit<Framebuffer, 'id' | 'dva' | 'freed' | 'objType' | 'owner' | 'listed'>, listed = true): Framebuffer {
    const fbSpec = { ...spec, objType: DRM_MODE_OBJECT_FB, owner: f, listed };
    this.hw.fbCheck(fbSpec);
    const fb: Framebuffer = { ...fbSpec, id: this.allocId(), dva: 0, freed: false };
    fb.obj.get();
    this.hw.mapFb(fb);
    this.register(fb);
    this.fbs.add(fb);
    if (listed) this.file(f).fbs.push(fb);
    return fb;
  }

  private ownFb(f: DrmFile, id: number): Framebuffer {
    const fb = this.find(id, DRM_MODE_OBJECT_FB) as Framebuffer | undefined;
    const kf = this.file(f);
    if (!fb || !kf.fbs.includes(fb)) throw kerr('ENOENT', `framebuffer ${id} is not this file's`);
    return fb;
  }

  /** RMFB: the id goes, and every plane scanning it out is disabled (and its CRTC, if it is a primary). */
  rmFb(f: DrmFile, id: number): void {
    const fb = this.ownFb(f, id);
    const kf = this.file(f);
    kf.fbs.splice(kf.fbs.indexOf(fb), 1);
    fb.listed = false;
    this.removeFbUsers([fb]);
    this.gc();
  }
  /** CLOSEFB: the id goes from the file; the fb stays on screen while planes use it. */
  closeFb(f: DrmFile, id: number): void {
    const fb = this.ownFb(f, id);
    const kf = this.file(f);
    kf.fbs.splice(kf.fbs.indexOf(fb), 1);
    fb.listed = false;
    this.gc();
  }

  /** drm_atomic_remove_fb: disable the planes using these fbs; a primary plane takes its CRTC down with it. */
  private removeFbUsers(fbs: Framebuffer[]): void {
    const users = this.state.planes.map((ps, i) => (ps.fb && fbs.includes(ps.fb) ? i : -1)).filter((i) => i >= 0);
    if (!users.length) return;
    const st = cloneState(this.state);
    const crtcs = new Set<number>();
    for (const i of users) {
      const ps = st.planes[i]!;
      if (ps.crtc >= 0) {
        crtcs.add(ps.crtc);
        if (this.planes[i]!.kind === 'primary') {
          const cs = st.crtcs[ps.crtc]!;
          cs.active = false; cs.enable = false; cs.mode = null; cs.modeBlob = null;
          st.conns.forEach((c) => { if (c.crtc === ps.crtc) c.crtc = -1; });
          // the CRTC's other planes cannot stay on a disabled CRTC
          st.planes.forEach((q) => { if (q.crtc === ps.crtc) { q.crtc = -1; q.fb = null; } });
        }
      }
      ps.fb = null; ps.crtc = -1;
    }
    this.commitInternal(st, [...crtcs]);
  }

  private freeFb(fb: Framebuffer): void {
    fb.freed = true;
    this.fbs.delete(fb);
    this.objects.delete(fb.id);
    this.hw.unmapFb(fb);
    fb.obj.put();
  }

  /** Frees framebuffers and blobs that nothing names or uses any more. */
  gc(): void {
    const used = new Set<Framebuffer | Blob>();
    const mark = (s: KmsState, crtcs?: number[]) => {
      s.planes.forEach((p) => { if (p.fb && (!crtcs || crtcs.includes(p.crtc))) used.add(p.fb); });
      s.crtcs.forEach((c) => { if (c.modeBlob) used.add(c.modeBlob); });
    };
    mark(this.state);
    for (const c of this.commits) mark(c.state, c.crtcs);
    for (const st of this.waiting) mark(st);
    for (const list of this.scanout) for (const fb of list) used.add(fb);
    for (const c of this.connectors) if (c.edidBlob) used.add(c.edidBlob);
    for (const p of this.planes) used.add(p.formatsBlob);
    for (const fb of [...this.fbs]) if (!fb.listed && !used.has(fb)) this.freeFb(fb);
    for (const b of [...this.blobs]) if (b.dropped && !used.has(b)) { this.blobs.delete(b); this.objects.delete(b.id); }
  }

  // ------------------------------------------------------------ atomic

  /** A request under construction: the new state plus what the commit carries. */
  beginRequest(): AtomicRequest { return new AtomicRequest(this, cloneState(this.state)); }

  /**
   * drm_atomic_check_only: the core checks (planes, CRTCs, connectors), the
   * driver's, then the modeset rule. Throws; changes nothing.
   */
  check(req: AtomicRequest, allowModeset: boolean): void {
    const st = req.state, old = this.state;
    // planes (drm_atomic_plane_check)
    st.planes.forEach((ps, i) => {
      if (!req.planes.has(i)) return;
      const plane = this.planes[i]!;
      const fb = ps.fb;
      if ((ps.crtc >= 0) !== !!fb) throw kerr('EINVAL', `plane ${plane.id}: CRTC and FB must be set together`);
      if (ps.crtc < 0) return;
      const oldCrtc = old.planes[i]!.crtc;
      if (oldCrtc >= 0 && oldCrtc !== ps.crtc) throw kerr('EINVAL', `plane ${plane.id}: cannot switch CRTC directly`);
      if (plane.crtcIndex !== ps.crtc) throw kerr('EINVAL', `plane ${plane.id}: CRTC not in possible_crtcs`);
      if (!plane.formats.includes(fb!.format) || !plane.modifiers.includes(fb!.modifier)) throw kerr('EINVAL', `plane ${plane.id}: format/modifier not supported`);
      if (ps.crtcW > INT_MAX || ps.crtcX > INT_MAX - ps.crtcW || ps.crtcH > INT_MAX || ps.crtcY > INT_MAX - ps.crtcH) throw kerr('ERANGE', 'CRTC rectangle overflows');
      const fw = fb!.width * 65536, fh = fb!.height * 65536;
      if (ps.srcW > fw || ps.srcX > fw - ps.srcW || ps.srcH > fh || ps.srcY > fh - ps.srcH) throw kerr('ENOSPC', `plane ${plane.id}: source rectangle outside the framebuffer`);
    });
    // CRTCs (drm_atomic_crtc_check)
    st.crtcs.forEach((cs, i) => {
      if (!req.crtcs.has(i)) return;
      if (cs.active && !cs.enable) throw kerr('EINVAL', 'active without enable');
      if (cs.enable && !cs.mode) throw kerr('EINVAL', 'enabled without a mode');
      if (!cs.enable && cs.mode) throw kerr('EINVAL', 'disabled with a mode');
      if ((req.events.has(i) || req.outFencePtrs.has(i)) && !cs.active && !old.crtcs[i]!.active) throw kerr('EINVAL', 'event or fence requested on a CRTC that is off and stays off');
    });
    // helpers: connector routing (update_connector_routing) and CRTC/connector consistency
    st.conns.forEach((cn, i) => {
      if (cn.crtc >= 0 && !(this.encoders[this.connectors[i]!.encoder]!.possibleCrtcs & (1 << cn.crtc))) throw kerr('EINVAL', 'encoder cannot drive that CRTC');
    });
    st.crtcs.forEach((cs, i) => {
      if (!req.crtcs.has(i)) return;
      const hasConnectors = st.conns.some((c) => c.crtc === i);
      if (cs.enable !== hasConnectors) throw kerr('EINVAL', `CRTC ${this.crtcs[i]!.id}: enabled/connectors mismatch`);
      // drm_atomic_helper_check_plane_state: no plane on a disabled CRTC
      st.planes.forEach((ps) => { if (ps.crtc === i && !cs.enable) throw kerr('EINVAL', 'plane on a disabled CRTC'); });
    });
    this.hw.check(st, this.planes);
    if (!allowModeset) {
      for (const i of req.crtcs) if (this.needsModeset(i, st)) throw kerr('EINVAL', `CRTC ${this.crtcs[i]!.id} requires a full modeset`);
    }
  }

  /** drm_atomic_crtc_needs_modeset: mode, enable, active or connector routing changed. */
  needsModeset(i: number, st: KmsState): boolean {
    const a = this.state.crtcs[i]!, b = st.crtcs[i]!;
    if (a.enable !== b.enable || a.active !== b.active) return true;
    if (!sameMode(a.mode, b.mode)) return true;
    return this.state.conns.some((c, k) => (c.crtc === i) !== (st.conns[k]!.crtc === i));
  }

  /** The CRTCs a request touches: those set directly, and those of touched planes and connectors (old and new). */
  affectedCrtcs(req: AtomicRequest): number[] {
    const s = new Set(req.crtcs);
    for (const i of req.planes) { const a = this.state.planes[i]!.crtc, b = req.state.planes[i]!.crtc; if (a >= 0) s.add(a); if (b >= 0) s.add(b); }
    for (const i of req.conns) { const a = this.state.conns[i]!.crtc, b = req.state.conns[i]!.crtc; if (a >= 0) s.add(a); if (b >= 0) s.add(b); }
    return [...s].sort();
  }

  /** states of blocking requests waiting for the commits ahead of them (not yet current, not yet commits) */
  private readonly waiting = new Set<KmsState>();

  pendingOn(crtc: number): boolean { return this.commits.some((c) => c.phase !== 'done' && c.crtcs.includes(crtc) && !c.doneCrtcs.has(crtc)); }

  /**
   * Commits a checked request. Non-blocking commits return once the new
   * state is the current one (EBUSY if a CRTC still has a commit in flight);
   * blocking ones also wait for the latch. Events and out-fences complete at
   * the vblank that latches the commit.
   */
  commit(req: AtomicRequest, file: DrmFile | null, proc: Process | null, flags: number, userData: bigint): void {
    const crtcs = this.affectedCrtcs(req);
    const nonblock = (flags & DRM_MODE_ATOMIC_NONBLOCK) !== 0;
    if (nonblock) {
      if (crtcs.some((c) => this.pendingOn(c))) throw kerr('EBUSY', 'a commit is pending on that CRTC');
    } else {
      // while it waits for the commits ahead of it, the request's own objects (a cursor's
      // internal fb, SETCRTC's mode blob) are named by nothing else: keep them from gc
      this.waiting.add(req.state);
      try { this.wait(() => !crtcs.some((c) => this.pendingOn(c))); } finally { this.waiting.delete(req.state); }
    }
    // events reserve space in the file's budget before anything changes (drm_event_reserve_init)
    const events = new Map<number, { file: DrmFile; userData: bigint }>();
    if (flags & DRM_MODE_PAGE_FLIP_EVENT && file) {
      const kf = this.file(file);
      const need = crtcs.length * drm_event_vblank.size;
      if (kf.eventSpace < need) throw kerr('ENOMEM', 'event space exhausted');
      kf.eventSpace -= need;
      for (const c of crtcs) events.set(c, { file, userData });
    }
    // out-fences: sync_file fds written to the user's pointers
    const outFences = new Map<number, DmaFence>();
    const installed: number[] = [];
    try {
      for (const [c, ptr] of req.outFencePtrs) {
        if (!crtcs.includes(c)) continue;
        const crtc = this.crtcs[c]!;
        const fence = new DmaFence(crtc.fenceContext, ++crtc.fenceSeq, 'akari-kms', `crtc-${crtc.id}`);
        const fd = proc!.installNew(() => new OpenFile(new SyncFile(this.dev, fence)));
        installed.push(fd);
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, fd, true);
        proc!.copyToUser(Number(ptr), b);
        outFences.set(c, fence);
      }
    } catch (e) {
      for (const fd of installed) proc!.closeFd(fd);
      if (events.size && file) this.file(file).eventSpace += events.size * drm_event_vblank.size;
      throw e;
    }
    // point of no return: swap the state in
    this.state = req.state;
    this.stats.commits++;
    const commit: Commit = {
      id: this.nextCommit++, crtcs, state: cloneState(req.state), inFences: [...req.inFences.values()],
      events, outFences, phase: 'waiting', programmedFrame: new Map(), doneCrtcs: new Set(),
    };
    this.commits.push(commit);
    const ready = () => commit.inFences.every((f) => f.signaled);
    if (ready()) this.program(commit);
    else for (const f of commit.inFences) f.onSignal(() => { if (commit.phase === 'waiting' && ready()) this.program(commit); });
    this.gc();
    if (!nonblock) this.wait(() => commit.phase === 'done');
  }

  /** A kernel-internal blocking commit (RMFB, file close): no checks beyond consistency, always allowed to modeset. */
  private commitInternal(st: KmsState, crtcs: number[]): void {
    const req = new AtomicRequest(this, st);
    for (const c of crtcs) req.crtcs.add(c);
    st.planes.forEach((_, i) => req.planes.add(i));
    this.commit(req, null, null, 0, 0n);
  }

  private program(commit: Commit): void {
    commit.phase = 'programmed';
    for (const c of commit.crtcs) {
      const cs = commit.state.crtcs[c]!;
      const wasOn = this.currentHwOn[c] ?? false;
      if (!cs.active && !wasOn) { this.crtcDone(commit, c, null); continue; }
      const planes = this.planes.filter((p) => p.crtcIndex === c).map((plane) => ({ plane, ps: commit.state.planes[plane.index]! }));
      const conn = commit.state.conns.findIndex((cn) => cn.crtc === c);
      commit.programmedFrame.set(c, this.hw.program(c, cs, planes, conn));
      this.currentHwOn[c] = cs.active;
    }
    this.maybeFinish(commit);
  }
  private currentHwOn: boolean[] = [];

  private crtcDone(commit: Commit, c: number, at: { seq: number; timeNs: number } | null): void {
    commit.doneCrtcs.add(c);
    this.scanout[c] = commit.state.planes.filter((p) => p.crtc === c && p.fb).map((p) => p.fb!);
    const ev = commit.events.get(c);
    if (ev && at) {
      this.queueEvent(ev.file, buildVblankEvent(DRM_EVENT_FLIP_COMPLETE, ev.userData, at.timeNs, at.seq, this.crtcs[c]!.id), true);
      this.stats.flips++;
    } else if (ev) {
      this.file(ev.file).eventSpace += drm_event_vblank.size;
    }
    const f = commit.outFences.get(c);
    if (f) { f.signal(); }
  }

  private maybeFinish(commit: Commit): void {
    if (commit.phase === 'programmed' && commit.crtcs.every((c) => commit.doneCrtcs.has(c))) {
      commit.phase = 'done';
      this.commits.splice(this.commits.indexOf(commit), 1);
      this.gc();
    }
  }

  // ------------------------------------------------------------ vblank

  /** The display's vblank interrupt for a CRTC (the driver calls it with the hardware's counter and timestamp). */
  onVblank(c: number, frame: number, timeNs: number): void {
    this.vblank[c] = { count: frame, timeNs };
    for (const commit of [...this.commits]) {
      if (commit.phase !== 'programmed' || commit.doneCrtcs.has(c) || !commit.crtcs.includes(c)) continue;
      const at = commit.programmedFrame.get(c);
      if (at === undefined || frame <= at || this.hw.updatePending(c)) continue;
      this.crtcDone(commit, c, { seq: frame, timeNs });
      this.maybeFinish(commit);
    }
    for (const v of [...this.vblanks]) {
      if (v.crtc !== c || ((frame - v.target) | 0) < 0) continue;
      this.vblanks.splice(this.vblanks.indexOf(v), 1);
      this.queueEvent(v.file, v.build(frame, timeNs), true);
      this.stats.vblankEvents++;
    }
  }

  /** Queues a vblank-style event for a file at vblank `target` (space is reserved now: ENOMEM when the budget is gone). */
  queueVblankEvent(file: DrmFile, crtc: number, target: number, size: number, build: VblankEvent['build']): void {
    const kf = this.file(file);
    if (kf.eventSpace < size) throw kerr('ENOMEM', 'event space exhausted');
    kf.eventSpace -= size;
    const cur = this.vblank[crtc]!.count;
    if (((cur - target) | 0) >= 0) { this.queueEvent(file, build(cur, this.vblank[crtc]!.timeNs), true); return; }
    this.vblanks.push({ file, crtc, target, build, size });
  }

  crtcActive(c: number): boolean { return this.state.crtcs[c]!.active && (this.currentHwOn[c] ?? false); }

  /** Syncs the vblank counters with the hardware (drm_crtc_vblank_count after an update). */
  refreshVblank(c: number): { count: number; timeNs: number } {
    const s = this.hw.vblankStatus(c);
    if (s.frame !== this.vblank[c]!.count) this.onVblank(c, s.frame, s.timeNs);
    return this.vblank[c]!;
  }

  // ------------------------------------------------------------ events

  private queueEvent(file: DrmFile, ev: Uint8Array, reserved: boolean): void {
    if (file.closed) return;
    const kf = this.file(file);
    if (!reserved) kf.eventSpace -= ev.length;
    kf.events.push(ev);
    this.onEvent?.(file.pid, ev);
  }

  /** drm_read: whole events only; 0 if the next one does not fit; blocks (or EAGAIN) when there is none. */
  read(file: DrmFile, proc: Process, ptr: number, len: number, nonblock: boolean): number {
    this.hw.service();
    const kf = this.file(file);
    if (!kf.events.length) {
      if (nonblock) throw kerr('EAGAIN');
      if (!this.wait(() => kf.events.length > 0)) throw kerr('EINTR', 'no event can arrive: nothing is lit or queued');
    }
    let n = 0;
    const out: Uint8Array[] = [];
    while (kf.events.length && n + kf.events[0]!.length <= len) {
      const e = kf.events.shift()!;
      out.push(e);
      n += e.length;
    }
    const bytes = new Uint8Array(n);
    let o = 0;
    for (const e of out) { bytes.set(e, o); o += e.length; }
    if (n) proc.copyToUser(ptr, bytes);
    for (const e of out) kf.eventSpace += e.length;
    return n;
  }
  poll(file: DrmFile): number { this.hw.service(); return (this.file(file).events.length ? POLLIN : 0) | POLLOUT; }

  /**
   * Waits (in the display's time) until `ready`, letting the GPU and the
   * display make progress. Returns false on timeout or when nothing could
   * ever make `ready` true (no CRTC lit, no GPU work): a real kernel would
   * sleep until a signal; here the caller gets EINTR instead of a hang.
   */
  wait(ready: () => boolean, timeoutNs = Infinity): boolean {
    const deadline = this.hw.now() + timeoutNs;
    while (!ready()) {
      if (this.hw.now() >= deadline) return false;
      if (!this.hw.waitStep(deadline) && !ready()) return false;
    }
    return true;
  }

  /** The display state in words, for tracing: each CRTC with its mode, connector and planes. */
  describe(): string[] {
    const out: string[] = [];
    this.crtcs.forEach((c, i) => {
      const cs = this.state.crtcs[i]!;
      const conns = this.state.conns.map((cn, k) => (cn.crtc === i ? this.connectors[k]!.id : -1)).filter((x) => x >= 0);
      const m = cs.mode;
      out.push(`CRTC ${c.id}: ${cs.active ? 'active' : 'off'}${m ? ` ${m.name}@${m.vrefresh}` : ''}${conns.length ? ` -> connector ${conns.join(',')}` : ''}, vblank ${this.vblank[i]!.count}${this.pendingOn(i) ? ', commit pending' : ''}`);
      this.planes.forEach((p, k) => {
        const ps = this.state.planes[k]!;
        if (ps.crtc !== i || !ps.fb) return;
        out.push(`  plane ${p.id} (${p.kind}): fb ${ps.fb.id} ${ps.fb.width}x${ps.fb.height} src ${ps.srcX / 65536},${ps.srcY / 65536} ${ps.srcW / 65536}x${ps.srcH / 65536} -> ${ps.crtcX},${ps.crtcY} ${ps.crtcW}x${ps.crtcH} zpos ${ps.zpos}`);
      });
    });
    return out;
  }

  /**
   * What the display core holds for its clients, for leak checks: once
   * every client has closed, all of these are back to their boot values
   * (only the kernel's own blobs and properties remain, nothing is lit).
   */
  liveCounts(): Record<string, number> {
    return {
      kmsObjects: this.objects.size, kmsFbs: this.fbs.size, kmsBlobs: this.blobs.size,
      crtcsActive: this.state.crtcs.filter((c) => c.active || c.enable).length,
      planesOn: this.state.planes.filter((p) => p.fb || p.crtc >= 0).length,
      kmsCommits: this.commits.length, vblankEvents: this.vblanks.length,
      scanoutFbs: this.scanout.reduce((n, l) => n + l.length, 0),
    };
  }

  // ------------------------------------------------------------ files

  /** A file closes: its framebuffers are removed (what it lit goes dark), its blobs and pending events go. */
  fileClosed(f: DrmFile): void {
    const kf = this.files.get(f);
    if (!kf) return;
    const fbs = kf.fbs.splice(0);
    for (const fb of fbs) fb.listed = false;
    // internal fbs (cursor BOs) this file created die with it too
    const internal = [...this.fbs].filter((fb) => fb.owner === f && !fb.listed);
    this.removeFbUsers([...fbs, ...internal]);
    for (const b of kf.blobs.splice(0)) b.dropped = true;
    kf.events.length = 0;
    this.vblanks = this.vblanks.filter((v) => v.file !== f);
    for (const c of this.commits) for (const [k, e] of c.events) if (e.file === f) c.events.delete(k);
    this.gc();
  }
}

/** One ATOMIC request: the properties set so far, applied to a copy of the current state. */
export class AtomicRequest {
  readonly crtcs = new Set<number>();
  readonly planes = new Set<number>();
  readonly conns = new Set<number>();
  readonly inFences = new Map<number, DmaFence>();
  readonly outFencePtrs = new Map<number, bigint>();
  readonly events = new Set<number>();
  constructor(readonly kms: Kms, readonly state: KmsState) {}

  touchPlane(i: number): void {
    this.planes.add(i);
    const c = this.state.planes[i]!.crtc;
    if (c >= 0) this.crtcs.add(c); // drm_atomic_get_plane_state pulls in the plane's CRTC
  }
  touchConn(i: number): void {
    this.conns.add(i);
    const c = this.state.conns[i]!.crtc;
    if (c >= 0) this.crtcs.add(c);
  }

  /**
   * drm_atomic_set_property: validates the value for the property
   * (drm_property_change_valid_get) and applies it. EINVAL for a bad value.
   */
  set(obj: ModeObject, prop: Property, raw: bigint, proc: Process | null): void {
    const k = this.kms;
    if (!valueValid(k, prop, raw)) throw kerr('EINVAL', `invalid value for ${prop.name}`);
    const sv = prop.isSignedRange ? BigInt.asIntN(64, raw) : raw;
    const n = Number(sv);
    if (obj.objType === DRM_MODE_OBJECT_PLANE) {
      const plane = obj as PlaneObj;
      this.touchPlane(plane.index);
      const ps = this.state.planes[plane.index]!;
      switch (prop.name) {
        case 'FB_ID': ps.fb = n ? k.fbById(n) : null; return;
        case 'CRTC_ID': {
          ps.crtc = n ? k.crtcById(n).index : -1;
          if (ps.crtc >= 0) this.crtcs.add(ps.crtc);
          return;
        }
        case 'CRTC_X': ps.crtcX = n; return;
        case 'CRTC_Y': ps.crtcY = n; return;
        case 'CRTC_W': ps.crtcW = n; return;
        case 'CRTC_H': ps.crtcH = n; return;
        case 'SRC_X': ps.srcX = n; return;
        case 'SRC_Y': ps.srcY = n; return;
        case 'SRC_W': ps.srcW = n; return;
        case 'SRC_H': ps.srcH = n; return;
        case 'IN_FENCE_FD': {
          if (n === -1) return;
          if (this.inFences.has(plane.index)) throw kerr('EINVAL', 'in-fence set twice');
          const file = proc?.fds.get(n);
          if (!file || !(file.ops instanceof SyncFile)) throw kerr('EINVAL', 'IN_FENCE_FD is not a sync_file');
          this.inFences.set(plane.index, file.ops.fence);
          return;
        }
        case 'zpos': if (prop === plane.zposProp && !(prop.flags & DRM_MODE_PROP_IMMUTABLE)) { ps.zpos = n; return; } break;
        case 'alpha': if (prop === plane.alphaProp) { ps.alpha = n; return; } break;
        case 'pixel blend mode': if (prop === plane.blendProp) { ps.blend = n; return; } break;
      }
      throw kerr('EINVAL', `plane property ${prop.name} cannot be set`);
    }
    if (obj.objType === DRM_MODE_OBJECT_CRTC) {
      const crtc = obj as CrtcObj;
      this.crtcs.add(crtc.index);
      const cs = this.state.crtcs[crtc.index]!;
      switch (prop.name) {
        case 'ACTIVE': cs.active = n === 1; return;
        case 'MODE_ID': {
          if (!n) { cs.mode = null; cs.modeBlob = null; cs.enable = false; return; }
          const blob = k.blobById(n);
          if (blob.data.length !== drm_mode_modeinfo.size) throw kerr('EINVAL', 'MODE_ID blob is not a drm_mode_modeinfo');
          const mode = decodeModeInfo(blob.data);
          validateMode(mode);
          cs.mode = mode; cs.modeBlob = blob; cs.enable = true;
          return;
        }
        case 'OUT_FENCE_PTR': {
          if (raw === 0n) { this.outFencePtrs.delete(crtc.index); return; }
          // put_user(-1, fence_ptr) now: an unwritable pointer is EFAULT at once
          const b = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
          if (!proc) throw kerr('EFAULT');
          proc.copyToUser(Number(raw), b);
          this.outFencePtrs.set(crtc.index, raw);
          return;
        }
        case 'VRR_ENABLED': cs.vrr = n === 1; return;
      }
      throw kerr('EINVAL', `CRTC property ${prop.name} cannot be set`);
    }
    if (obj.objType === DRM_MODE_OBJECT_CONNECTOR) {
      const conn = obj as ConnectorObj;
      this.touchConn(conn.index);
      const cs = this.state.conns[conn.index]!;
      switch (prop.name) {
        case 'CRTC_ID': {
          cs.crtc = n ? k.crtcById(n).index : -1;
          if (cs.crtc >= 0) this.crtcs.add(cs.crtc);
          cs.dpms = cs.crtc >= 0 ? DRM_MODE_DPMS_ON : DRM_MODE_DPMS_OFF;
          return;
        }
        case 'DPMS': cs.dpms = n; return;
        case 'link-status': return;
      }
      throw kerr('EINVAL', `connector property ${prop.name} cannot be set`);
    }
    throw kerr('EINVAL', 'object has no settable properties');
  }
}

function valueValid(k: Kms, prop: Property, v: bigint): boolean {
  if (prop.flags & DRM_MODE_PROP_IMMUTABLE) return false;
  if (prop.isSignedRange) { const s = BigInt.asIntN(64, v); return s >= prop.values[0]! && s <= prop.values[1]!; }
  if (prop.isRange) return v >= prop.values[0]! && v <= prop.values[1]!;
  if (prop.isEnum) return prop.enums.some(([e]) => e === v);
  if (prop.isBlob) return v === 0n || !!k.find(Number(v), DRM_MODE_OBJECT_BLOB);
  if (prop.isObject) return v === 0n || (v <= U32_MAX && !!k.find(Number(v), Number(prop.values[0]!)));
  return false;
}

/** drm_mode_validate_basic (what drm_mode_convert_umode checks): EINVAL for impossible timings. */
export function validateMode(m: ModeInfo): void {
  if (m.clock === 0 || m.clock > 0xffffffff) throw kerr('EINVAL', 'mode clock');
  if (!(m.hdisplay > 0 && m.hdisplay <= m.hsync_start && m.hsync_start <= m.hsync_end && m.hsync_end <= m.htotal)) throw kerr('EINVAL', 'mode horizontal timings');
  if (!(m.vdisplay > 0 && m.vdisplay <= m.vsync_start && m.vsync_start <= m.vsync_end && m.vsync_end <= m.vtotal)) throw kerr('EINVAL', 'mode vertical timings');
}

function sameMode(a: ModeInfo | null, b: ModeInfo | null): boolean {
  if (!a || !b) return a === b;
  return a.clock === b.clock && a.hdisplay === b.hdisplay && a.hsync_start === b.hsync_start && a.hsync_end === b.hsync_end &&
    a.htotal === b.htotal && a.vdisplay === b.vdisplay && a.vsync_start === b.vsync_start && a.vsync_end === b.vsync_end &&
    a.vtotal === b.vtotal && a.flags === b.flags;
}
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function timingToMode(t: Timing, preferred: boolean): ModeInfo {
  const m: ModeInfo = {
    clock: t.clockKhz, hdisplay: t.hdisplay, hsync_start: t.hsyncStart, hsync_end: t.hsyncEnd, htotal: t.htotal, hskew: 0,
    vdisplay: t.vdisplay, vsync_start: t.vsyncStart, vsync_end: t.vsyncEnd, vtotal: t.vtotal, vscan: 0, vrefresh: 0,
    flags: (t.hsyncPositive ? DRM_MODE_FLAG_PHSYNC : DRM_MODE_FLAG_NHSYNC) | (t.vsyncPositive ? DRM_MODE_FLAG_PVSYNC : DRM_MODE_FLAG_NVSYNC),
    type: DRM_MODE_TYPE_DRIVER | (preferred ? DRM_MODE_TYPE_PREFERRED : 0), name: `${t.hdisplay}x${t.vdisplay}`,
  };
  m.vrefresh = modeVrefresh(m);
  return m;
}
export function modeBytes(m: ModeInfo): Uint8Array { return encodeModeInfo(m); }

/** struct drm_event_vblank: tv_sec/tv_usec of the vblank on CLOCK_MONOTONIC. */
export function buildVblankEvent(type: number, userData: bigint, timeNs: number, seq: number, crtcId: number): Uint8Array {
  const b = new Uint8Array(drm_event_vblank.size);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, drm_event_vblank.size, true);
  dv.setBigUint64(8, BigInt.asUintN(64, userData), true);
  dv.setUint32(16, Math.floor(timeNs / 1e9), true);
  dv.setUint32(20, Math.floor((timeNs % 1e9) / 1e3), true);
  dv.setUint32(24, seq >>> 0, true);
  dv.setUint32(28, crtcId, true);
  return b;
}
export function buildSequenceEvent(userData: bigint, timeNs: number, seq: number): Uint8Array {
  const b = new Uint8Array(drm_event_crtc_sequence.size);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, DRM_EVENT_CRTC_SEQUENCE, true);
  dv.setUint32(4, drm_event_crtc_sequence.size, true);
  dv.setBigUint64(8, BigInt.asUintN(64, userData), true);
  dv.setBigInt64(16, BigInt(Math.floor(timeNs)), true);
  dv.setBigUint64(24, BigInt(seq), true);
  return b;
}
export { DRM_EVENT_VBLANK, DRM_MODE_ATOMIC_FLAGS, DRM_MODE_ATOMIC_TEST_ONLY, DRM_MODE_ATOMIC_ALLOW_MODESET, DRM_FORMAT_MOD_LINEAR, readStruct };
export type { CValues };
