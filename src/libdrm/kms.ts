/**
 * libdrm's modesetting API (xf86drmMode.h) over the KMS ioctls: resources,
 * connectors, encoders, CRTCs, planes, framebuffers, dumb buffers,
 * properties and blobs, page flips, vblank waits, the atomic request
 * builder (drmModeAtomicAlloc/AddProperty/Commit) and event handling
 * (drmHandleEvent over read()).
 *
 * Everything is marshalled into the process's own memory and goes through
 * the ioctl/read/poll system calls. Two-call protocols (counts, then
 * arrays) are done here, as libdrm does them.
 */
import { readStruct, writeStruct, type CStruct, type CValues } from '../uapi/cstruct.js';
import {
  DRM_EVENT_CRTC_SEQUENCE, DRM_EVENT_FLIP_COMPLETE, DRM_EVENT_VBLANK, DRM_MODE_CRTC_MODE_OFFSET, DRM_MODE_FB_MODIFIERS,
  DRM_MODE_GET_PROPERTY_NAME_OFFSET, DRM_MODE_IOCTL, DRM_MODE_OBJECT_ANY, decodeModeInfo, drm_event_crtc_sequence,
  drm_event_vblank, drm_mode_fb_cmd2, drm_mode_modeinfo, drm_mode_property_enum, encodeModeInfo, rawField, setRawField,
  type ModeInfo,
} from '../uapi/drm-mode.js';
import { DrmDevice, DrmError, drmIoctlRaw } from './libdrm.js';

export type { ModeInfo };

export interface ModeResources { fbs: number[]; crtcs: number[]; connectors: number[]; encoders: number[]; minWidth: number; maxWidth: number; minHeight: number; maxHeight: number }
export interface ModeConnector {
  connectorId: number; encoderId: number; connectorType: number; connectorTypeId: number; connection: number;
  mmWidth: number; mmHeight: number; subpixel: number; modes: ModeInfo[]; props: number[]; propValues: bigint[]; encoders: number[];
}
export interface ModeEncoder { encoderId: number; encoderType: number; crtcId: number; possibleCrtcs: number; possibleClones: number }
export interface ModeCrtc { crtcId: number; bufferId: number; x: number; y: number; width: number; height: number; modeValid: boolean; mode: ModeInfo | null; gammaSize: number }
export interface ModePlane { planeId: number; crtcId: number; fbId: number; possibleCrtcs: number; gammaSize: number; formats: number[] }
export interface ModeProperty { propId: number; flags: number; name: string; values: bigint[]; enums: Array<{ value: bigint; name: string }> }
export interface ModeObjectProperties { props: number[]; propValues: bigint[] }

export interface VblankEventData { type: number; userData: bigint; tvSec: number; tvUsec: number; sequence: number; crtcId: number; timeNs: number }
export interface SequenceEventData { type: number; userData: bigint; timeNs: number; sequence: number }
export interface EventContext {
  vblank?(e: VblankEventData): void;
  pageFlip?(e: VblankEventData): void;
  sequence?(e: SequenceEventData): void;
}

/** drmModeAtomicReq: (object, property, value) triples, sorted by object on commit. */
export class AtomicRequest {
  readonly items: Array<{ obj: number; prop: number; value: bigint }> = [];
  add(obj: number, prop: number, value: bigint | number): number {
    this.items.push({ obj, prop, value: BigInt.asUintN(64, BigInt(value)) });
    return this.items.length;
  }
  get cursor(): number { return this.items.length; }
  setCursor(n: number): void { this.items.length = n; }
}

export class ModeCard {
  constructor(readonly drm: DrmDevice) {}

  static open(drm: DrmDevice): ModeCard { return new ModeCard(drm); }

  /** ioctl on raw struct bytes (for structs with arrays or exact u64s); returns the bytes the kernel wrote back. */
  private raw(def: { name: string; request: number; struct: CStruct }, bytes: Uint8Array): Uint8Array {
    const [p, free] = this.drm.heap.stage(bytes);
    try {
      drmIoctlRaw(this.drm.sys, this.drm.fd, def.request, p, def.name);
      return this.drm.heap.read(p, def.struct.size);
    } finally { free(); }
  }
  private u32Array(n: number, fn: (ptr: number) => void): number[] {
    if (!n) { fn(0); return []; }
    const p = this.drm.heap.alloc(n * 4);
    try {
      fn(p);
      const dv = new DataView(this.drm.heap.read(p, n * 4).buffer);
      return Array.from({ length: n }, (_, i) => dv.getUint32(i * 4, true));
    } finally { this.drm.heap.release(p, n * 4); }
  }
  private withBuf<T>(bytes: number, fn: (ptr: number) => T, read: (b: Uint8Array, r: T) => void): T {
    const p = bytes ? this.drm.heap.alloc(bytes) : 0;
    try { const r = fn(p); if (bytes) read(this.drm.heap.read(p, bytes), r); return r; } finally { if (bytes) this.drm.heap.release(p, bytes); }
  }

  // ---------------------------------------------------------------- resources

  getResources(): ModeResources {
    const I = DRM_MODE_IOCTL.GETRESOURCES;
    // counts can change between the calls (hotplug): retry until they are stable, as libdrm does
    for (;;) {
      const c = this.drm.ioctl(I, {});
      const out: number[][] = [[], [], [], []];
      const keys = ['fb', 'crtc', 'connector', 'encoder'] as const;
      const sizes = keys.map((k) => c[`count_${k}s`]!);
      const ptrs = sizes.map((n) => (n ? this.drm.heap.alloc(n * 4) : 0));
      try {
        const r = this.drm.ioctl(I, Object.fromEntries(keys.flatMap((k, i) => [[`${k}_id_ptr`, ptrs[i]!], [`count_${k}s`, sizes[i]!]])));
        if (keys.some((k, i) => r[`count_${k}s`]! > sizes[i]!)) continue;
        keys.forEach((k, i) => {
          const n = r[`count_${k}s`]!;
          if (!n) return;
          const dv = new DataView(this.drm.heap.read(ptrs[i]!, n * 4).buffer);
          out[i] = Array.from({ length: n }, (_, j) => dv.getUint32(j * 4, true));
        });
        return { fbs: out[0]!, crtcs: out[1]!, connectors: out[2]!, encoders: out[3]!, minWidth: r.min_width!, maxWidth: r.max_width!, minHeight: r.min_height!, maxHeight: r.max_height! };
      } finally { ptrs.forEach((p, i) => { if (p) this.drm.heap.release(p, sizes[i]! * 4); }); }
    }
  }

  /** drmModeGetConnector: probes (count_modes = 0 first), then fetches modes, encoders and properties. */
  getConnector(id: number, probe = true): ModeConnector {
    const I = DRM_MODE_IOCTL.GETCONNECTOR;
    const first = this.drm.ioctl(I, { connector_id: id, count_modes: probe ? 0 : 1 });
    const nm = first.count_modes!, ne = first.count_encoders!, np = first.count_props!;
    const mb = this.drm.heap.alloc(Math.max(1, nm) * drm_mode_modeinfo.size);
    const eb = this.drm.heap.alloc(Math.max(1, ne) * 4);
    const pb = this.drm.heap.alloc(Math.max(1, np) * 4);
    const vb = this.drm.heap.alloc(Math.max(1, np) * 8);
    try {
      const r = this.drm.ioctl(I, {
        connector_id: id, count_modes: Math.max(1, nm), modes_ptr: mb, count_encoders: ne, encoders_ptr: eb,
        count_props: np, props_ptr: pb, prop_values_ptr: vb,
      });
      const n = Math.min(r.count_modes!, Math.max(1, nm));
      const modesBytes = this.drm.heap.read(mb, n * drm_mode_modeinfo.size);
      const modes = r.count_modes! <= Math.max(1, nm) ? Array.from({ length: r.count_modes! }, (_, i) => decodeModeInfo(modesBytes, i * drm_mode_modeinfo.size)) : [];
      const encDv = new DataView(this.drm.heap.read(eb, ne * 4 || 4).buffer);
      const propDv = new DataView(this.drm.heap.read(pb, np * 4 || 4).buffer);
      const valDv = new DataView(this.drm.heap.read(vb, np * 8 || 8).buffer);
      const cnt = Math.min(np, r.count_props!);
      return {
        connectorId: r.connector_id!, encoderId: r.encoder_id!, connectorType: r.connector_type!, connectorTypeId: r.connector_type_id!,
        connection: r.connection!, mmWidth: r.mm_width!, mmHeight: r.mm_height!, subpixel: r.subpixel!, modes,
        encoders: Array.from({ length: Math.min(ne, r.count_encoders!) }, (_, i) => encDv.getUint32(i * 4, true)),
        props: Array.from({ length: cnt }, (_, i) => propDv.getUint32(i * 4, true)),
        propValues: Array.from({ length: cnt }, (_, i) => valDv.getBigUint64(i * 8, true)),
      };
    } finally {
      this.drm.heap.release(mb, Math.max(1, nm) * drm_mode_modeinfo.size);
      this.drm.heap.release(eb, Math.max(1, ne) * 4); this.drm.heap.release(pb, Math.max(1, np) * 4); this.drm.heap.release(vb, Math.max(1, np) * 8);
    }
  }

  getEncoder(id: number): ModeEncoder {
    const r = this.drm.ioctl(DRM_MODE_IOCTL.GETENCODER, { encoder_id: id });
    return { encoderId: r.encoder_id!, encoderType: r.encoder_type!, crtcId: r.crtc_id!, possibleCrtcs: r.possible_crtcs!, possibleClones: r.possible_clones! };
  }

  getCrtc(id: number): ModeCrtc {
    const S = DRM_MODE_IOCTL.GETCRTC.struct;
    const b = this.raw(DRM_MODE_IOCTL.GETCRTC, writeStruct(S, { crtc_id: id }));
    const r = readStruct(S, b);
    const mode = r.mode_valid ? decodeModeInfo(b, DRM_MODE_CRTC_MODE_OFFSET) : null;
    return { crtcId: r.crtc_id!, bufferId: r.fb_id!, x: r.x!, y: r.y!, width: mode?.hdisplay ?? 0, height: mode?.vdisplay ?? 0, modeValid: !!r.mode_valid, mode, gammaSize: r.gamma_size! };
  }

  /** drmModeSetCrtc: connectors and mode (null turns the CRTC off). fbId -1 keeps the current one. */
  setCrtc(crtcId: number, fbId: number, x: number, y: number, connectors: number[], mode: ModeInfo | null): void {
    const S = DRM_MODE_IOCTL.SETCRTC.struct;
    this.drm.withArray(new Uint8Array(new Uint32Array(connectors).buffer), (cp) => {
      const b = writeStruct(S, { crtc_id: crtcId, fb_id: fbId >>> 0, x, y, set_connectors_ptr: cp, count_connectors: connectors.length, mode_valid: mode ? 1 : 0 });
      if (mode) encodeModeInfo(mode, b, DRM_MODE_CRTC_MODE_OFFSET);
      this.raw(DRM_MODE_IOCTL.SETCRTC, b);
    });
  }

  getPlaneResources(): number[] {
    const I = DRM_MODE_IOCTL.GETPLANERESOURCES;
    const n = this.drm.ioctl(I, {}).count_planes!;
    let got = 0;
    const ids = this.u32Array(n, (p) => { got = this.drm.ioctl(I, { plane_id_ptr: p, count_planes: n }).count_planes!; });
    return ids.slice(0, Math.min(got, n));
  }

  getPlane(id: number): ModePlane {
    const I = DRM_MODE_IOCTL.GETPLANE;
    const first = this.drm.ioctl(I, { plane_id: id });
    let r: CValues = first;
    const formats = this.u32Array(first.count_format_types!, (p) => { r = this.drm.ioctl(I, { plane_id: id, format_type_ptr: p, count_format_types: first.count_format_types }); });
    return { planeId: id, crtcId: r.crtc_id!, fbId: r.fb_id!, possibleCrtcs: r.possible_crtcs!, gammaSize: r.gamma_size!, formats };
  }

  /** drmModeSetPlane: src in 16.16 fixed point; fbId 0 disables the plane. */
  setPlane(planeId: number, crtcId: number, fbId: number, flags: number, crtcX: number, crtcY: number, crtcW: number, crtcH: number, srcX: number, srcY: number, srcW: number, srcH: number): void {
    this.drm.ioctl(DRM_MODE_IOCTL.SETPLANE, { plane_id: planeId, crtc_id: crtcId, fb_id: fbId, flags, crtc_x: crtcX, crtc_y: crtcY, crtc_w: crtcW, crtc_h: crtcH, src_x: srcX, src_y: srcY, src_w: srcW, src_h: srcH });
  }

  setCursor(crtcId: number, handle: number, width: number, height: number): void {
    this.drm.ioctl(DRM_MODE_IOCTL.CURSOR, { flags: 1, crtc_id: crtcId, handle, width, height });
  }
  setCursor2(crtcId: number, handle: number, width: number, height: number, hotX: number, hotY: number): void {
    this.drm.ioctl(DRM_MODE_IOCTL.CURSOR2, { flags: 1, crtc_id: crtcId, handle, width, height, hot_x: hotX, hot_y: hotY });
  }
  moveCursor(crtcId: number, x: number, y: number): void {
    this.drm.ioctl(DRM_MODE_IOCTL.CURSOR, { flags: 2, crtc_id: crtcId, x, y });
  }

  // ---------------------------------------------------------------- framebuffers

  /** drmModeAddFB2WithModifiers (modifiers given) or drmModeAddFB2. */
  addFB2(width: number, height: number, format: number, handles: number[], pitches: number[], offsets: number[], modifiers?: bigint[], flags = 0): number {
    const S = drm_mode_fb_cmd2;
    const b = writeStruct(S, { width, height, pixel_format: format, flags: flags | (modifiers ? DRM_MODE_FB_MODIFIERS : 0) });
    for (let i = 0; i < 4; i++) {
      setRawField(S, b, 'handles', i, BigInt(handles[i] ?? 0));
      setRawField(S, b, 'pitches', i, BigInt(pitches[i] ?? 0));
      setRawField(S, b, 'offsets', i, BigInt(offsets[i] ?? 0));
      setRawField(S, b, 'modifier', i, modifiers?.[i] ?? 0n);
    }
    return readStruct(S, this.raw(DRM_MODE_IOCTL.ADDFB2, b)).fb_id!;
  }
  addFB(width: number, height: number, depth: number, bpp: number, pitch: number, handle: number): number {
    return this.drm.ioctl(DRM_MODE_IOCTL.ADDFB, { width, height, depth, bpp, pitch, handle }).fb_id!;
  }
  rmFB(fbId: number): void { this.drm.ioctl(DRM_MODE_IOCTL.RMFB, { fb_id: fbId }); }
  closeFB(fbId: number): void { this.drm.ioctl(DRM_MODE_IOCTL.CLOSEFB, { fb_id: fbId }); }
  getFB(fbId: number): CValues { return this.drm.ioctl(DRM_MODE_IOCTL.GETFB, { fb_id: fbId }); }

  createDumb(width: number, height: number, bpp: number): { handle: number; pitch: number; size: number } {
    const r = this.drm.ioctl(DRM_MODE_IOCTL.CREATE_DUMB, { width, height, bpp });
    return { handle: r.handle!, pitch: r.pitch!, size: r.size! };
  }
  mapDumb(handle: number): number { return this.drm.ioctl(DRM_MODE_IOCTL.MAP_DUMB, { handle }).offset!; }
  destroyDumb(handle: number): void { this.drm.ioctl(DRM_MODE_IOCTL.DESTROY_DUMB, { handle }); }

  // ---------------------------------------------------------------- flips and vblanks

  pageFlip(crtcId: number, fbId: number, flags: number, userData: bigint | number = 0n, target = 0): void {
    const S = DRM_MODE_IOCTL.PAGE_FLIP.struct;
    const b = writeStruct(S, { crtc_id: crtcId, fb_id: fbId, flags, reserved: target });
    setRawField(S, b, 'user_data', 0, BigInt(userData));
    this.raw(DRM_MODE_IOCTL.PAGE_FLIP, b);
  }

  /** drmWaitVBlank: returns the reply (sequence and the vblank time). */
  waitVBlank(type: number, sequence: number, signal: bigint | number = 0n): { type: number; sequence: number; tvSec: number; tvUsec: number } {
    const S = DRM_MODE_IOCTL.WAIT_VBLANK.struct;
    const b = writeStruct(S, { type, sequence });
    setRawField(S, b, 'signal', 0, BigInt(signal));
    const r = readStruct(S, this.raw(DRM_MODE_IOCTL.WAIT_VBLANK, b));
    return { type: r.type!, sequence: r.sequence!, tvSec: r.signal!, tvUsec: r.tval_usec! };
  }
  crtcGetSequence(crtcId: number): { active: boolean; sequence: number; ns: number } {
    const r = this.drm.ioctl(DRM_MODE_IOCTL.CRTC_GET_SEQUENCE, { crtc_id: crtcId });
    return { active: r.active === 1, sequence: r.sequence!, ns: r.sequence_ns! };
  }
  crtcQueueSequence(crtcId: number, flags: number, sequence: number, userData: bigint | number): number {
    const S = DRM_MODE_IOCTL.CRTC_QUEUE_SEQUENCE.struct;
    const b = writeStruct(S, { crtc_id: crtcId, flags, sequence });
    setRawField(S, b, 'user_data', 0, BigInt(userData));
    return Number(rawField(S, this.raw(DRM_MODE_IOCTL.CRTC_QUEUE_SEQUENCE, b), 'sequence'));
  }

  // ---------------------------------------------------------------- properties

  objectGetProperties(objId: number, objType = DRM_MODE_OBJECT_ANY): ModeObjectProperties {
    const I = DRM_MODE_IOCTL.OBJ_GETPROPERTIES;
    const n = this.drm.ioctl(I, { obj_id: objId, obj_type: objType }).count_props!;
    if (!n) return { props: [], propValues: [] };
    const pb = this.drm.heap.alloc(n * 4), vb = this.drm.heap.alloc(n * 8);
    try {
      const r = this.drm.ioctl(I, { obj_id: objId, obj_type: objType, count_props: n, props_ptr: pb, prop_values_ptr: vb });
      const cnt = Math.min(n, r.count_props!);
      const pd = new DataView(this.drm.heap.read(pb, n * 4).buffer), vd = new DataView(this.drm.heap.read(vb, n * 8).buffer);
      return { props: Array.from({ length: cnt }, (_, i) => pd.getUint32(i * 4, true)), propValues: Array.from({ length: cnt }, (_, i) => vd.getBigUint64(i * 8, true)) };
    } finally { this.drm.heap.release(pb, n * 4); this.drm.heap.release(vb, n * 8); }
  }

  getProperty(propId: number): ModeProperty {
    const S = DRM_MODE_IOCTL.GETPROPERTY.struct;
    const first = readStruct(S, this.raw(DRM_MODE_IOCTL.GETPROPERTY, writeStruct(S, { prop_id: propId })));
    const nv = first.count_values!, ne = first.count_enum_blobs!;
    const vb = this.drm.heap.alloc(Math.max(1, nv) * 8), eb = this.drm.heap.alloc(Math.max(1, ne) * drm_mode_property_enum.size);
    try {
      const b = this.raw(DRM_MODE_IOCTL.GETPROPERTY, writeStruct(S, { prop_id: propId, values_ptr: vb, count_values: nv, enum_blob_ptr: eb, count_enum_blobs: ne }));
      const r = readStruct(S, b);
      const nameBytes = b.subarray(DRM_MODE_GET_PROPERTY_NAME_OFFSET, DRM_MODE_GET_PROPERTY_NAME_OFFSET + 32);
      const z = nameBytes.indexOf(0);
      const vd = new DataView(this.drm.heap.read(vb, Math.max(1, nv) * 8).buffer);
      const eBytes = this.drm.heap.read(eb, Math.max(1, ne) * drm_mode_property_enum.size);
      const ed = new DataView(eBytes.buffer);
      return {
        propId, flags: r.flags!, name: new TextDecoder().decode(nameBytes.subarray(0, z < 0 ? 32 : z)),
        values: Array.from({ length: Math.min(nv, r.count_values!) }, (_, i) => vd.getBigUint64(i * 8, true)),
        enums: Array.from({ length: Math.min(ne, r.count_enum_blobs!) }, (_, i) => {
          const o = i * drm_mode_property_enum.size;
          const nb = eBytes.subarray(o + 8, o + 40);
          const nz = nb.indexOf(0);
          return { value: ed.getBigUint64(o, true), name: new TextDecoder().decode(nb.subarray(0, nz < 0 ? 32 : nz)) };
        }),
      };
    } finally { this.drm.heap.release(vb, Math.max(1, nv) * 8); this.drm.heap.release(eb, Math.max(1, ne) * drm_mode_property_enum.size); }
  }

  /** Property lookup by name on an object: {id, value} or undefined. */
  findProperty(objId: number, objType: number, name: string): { id: number; value: bigint; prop: ModeProperty } | undefined {
    const p = this.objectGetProperties(objId, objType);
    for (let i = 0; i < p.props.length; i++) {
      const prop = this.getProperty(p.props[i]!);
      if (prop.name === name) return { id: prop.propId, value: p.propValues[i]!, prop };
    }
    return undefined;
  }
  /** Property id by name (throws ENOENT-like DrmError when missing). */
  propId(objId: number, objType: number, name: string): number {
    const p = this.findProperty(objId, objType, name);
    if (!p) throw new DrmError(2, `no property ${name} on object ${objId}`);
    return p.id;
  }

  objectSetProperty(objId: number, objType: number, propId: number, value: bigint | number): void {
    const S = DRM_MODE_IOCTL.OBJ_SETPROPERTY.struct;
    const b = writeStruct(S, { obj_id: objId, obj_type: objType, prop_id: propId });
    setRawField(S, b, 'value', 0, BigInt.asUintN(64, BigInt(value)));
    this.raw(DRM_MODE_IOCTL.OBJ_SETPROPERTY, b);
  }
  connectorSetProperty(connectorId: number, propId: number, value: bigint | number): void {
    const S = DRM_MODE_IOCTL.SETPROPERTY.struct;
    const b = writeStruct(S, { connector_id: connectorId, prop_id: propId });
    setRawField(S, b, 'value', 0, BigInt.asUintN(64, BigInt(value)));
    this.raw(DRM_MODE_IOCTL.SETPROPERTY, b);
  }

  getPropertyBlob(blobId: number): Uint8Array {
    const I = DRM_MODE_IOCTL.GETPROPBLOB;
    const n = this.drm.ioctl(I, { blob_id: blobId }).length!;
    let out: Uint8Array = new Uint8Array(0);
    this.withBuf(n, (p) => this.drm.ioctl(I, { blob_id: blobId, length: n, data: p }), (b) => { out = b; });
    return out;
  }
  createPropertyBlob(data: Uint8Array): number {
    return this.drm.withArray(data, (p) => this.drm.ioctl(DRM_MODE_IOCTL.CREATEPROPBLOB, { data: p, length: data.length }).blob_id!);
  }
  destroyPropertyBlob(blobId: number): void { this.drm.ioctl(DRM_MODE_IOCTL.DESTROYPROPBLOB, { blob_id: blobId }); }

  // ---------------------------------------------------------------- atomic

  atomicAlloc(): AtomicRequest { return new AtomicRequest(); }

  /** drmModeAtomicCommit: objects in order of first appearance, each with its properties. */
  atomicCommit(req: AtomicRequest, flags: number, userData: bigint | number = 0n): void {
    const objs: number[] = [];
    const byObj = new Map<number, Array<{ prop: number; value: bigint }>>();
    for (const it of req.items) {
      if (!byObj.has(it.obj)) { byObj.set(it.obj, []); objs.push(it.obj); }
      byObj.get(it.obj)!.push(it);
    }
    const counts = objs.map((o) => byObj.get(o)!.length);
    const props = objs.flatMap((o) => byObj.get(o)!.map((i) => i.prop));
    const vals = new Uint8Array(props.length * 8);
    const vd = new DataView(vals.buffer);
    objs.flatMap((o) => byObj.get(o)!).forEach((it, i) => vd.setBigUint64(i * 8, it.value, true));
    const S = DRM_MODE_IOCTL.ATOMIC.struct;
    const u32 = (xs: number[]) => new Uint8Array(new Uint32Array(xs).buffer);
    this.drm.withArray(u32(objs), (op) => this.drm.withArray(u32(counts), (cp) => this.drm.withArray(u32(props), (pp) => this.drm.withArray(vals, (vp) => {
      const b = writeStruct(S, { flags, count_objs: objs.length, objs_ptr: op, count_props_ptr: cp, props_ptr: pp, prop_values_ptr: vp });
      setRawField(S, b, 'user_data', 0, BigInt(userData));
      this.raw(DRM_MODE_IOCTL.ATOMIC, b);
    }))));
  }

  // ---------------------------------------------------------------- events

  /** poll(2) for readable events; returns true if any is pending (timeoutMs < 0 waits). */
  pollEvents(timeoutMs: number): boolean {
    const fds = [{ fd: this.drm.fd, events: 1, revents: 0 }];
    const n = this.drm.sys.poll(fds, timeoutMs);
    if (n < 0) throw new DrmError(-n, 'poll');
    return n > 0 && (fds[0]!.revents & 1) !== 0;
  }

  /** drmHandleEvent: one read() of up to 1024 bytes, each event dispatched; returns how many were handled. */
  handleEvent(ctx: EventContext): number {
    const len = 1024;
    const p = this.drm.heap.alloc(len);
    try {
      const n = this.drm.sys.read(this.drm.fd, p, len);
      if (n < 0) throw new DrmError(-n, 'read');
      const b = this.drm.heap.read(p, n);
      let o = 0, count = 0;
      while (o + 8 <= n) {
        const dv = new DataView(b.buffer, o);
        const type = dv.getUint32(0, true), length = dv.getUint32(4, true);
        if (length < 8 || o + length > n) break;
        if (type === DRM_EVENT_VBLANK || type === DRM_EVENT_FLIP_COMPLETE) {
          const e = readStruct(drm_event_vblank, b, o);
          const ev: VblankEventData = {
            type, userData: dv.getBigUint64(8, true), tvSec: e.tv_sec!, tvUsec: e.tv_usec!, sequence: e.sequence!, crtcId: e.crtc_id!,
            timeNs: e.tv_sec! * 1e9 + e.tv_usec! * 1e3,
          };
          if (type === DRM_EVENT_VBLANK) ctx.vblank?.(ev); else ctx.pageFlip?.(ev);
        } else if (type === DRM_EVENT_CRTC_SEQUENCE) {
          const e = readStruct(drm_event_crtc_sequence, b, o);
          ctx.sequence?.({ type, userData: dv.getBigUint64(8, true), timeNs: e.time_ns!, sequence: e.sequence! });
        }
        o += length;
        count++;
      }
      return count;
    } finally { this.drm.heap.release(p, len); }
  }
}
