/**
 * The KMS ioctls (drm_ioctl.c's MODE_* table and the vblank ioctls) over the
 * KMS core: argument checks in Linux's order, two-call array protocols
 * (counts always returned, arrays copied when the caller's count allows),
 * and the legacy setters built as atomic commits the way the atomic helpers
 * build them.
 */
import { kerr } from '../../base/errors.js';
import {
  DRM_CRTC_SEQUENCE_NEXT_ON_MISS, DRM_CRTC_SEQUENCE_RELATIVE, DRM_EVENT_FLIP_COMPLETE, DRM_EVENT_VBLANK,
  DRM_FORMAT_ABGR8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_RGB565, DRM_FORMAT_XBGR8888,
  DRM_FORMAT_XRGB8888, DRM_MODE_ATOMIC_ALLOW_MODESET, DRM_MODE_ATOMIC_FLAGS, DRM_MODE_ATOMIC_NONBLOCK,
  DRM_MODE_ATOMIC_TEST_ONLY, DRM_MODE_CRTC_MODE_OFFSET, DRM_MODE_CURSOR_BO, DRM_MODE_CURSOR_FLAGS, DRM_MODE_CURSOR_MOVE,
  DRM_MODE_DPMS_ON, DRM_MODE_FB_INTERLACED, DRM_MODE_FB_MODIFIERS, DRM_MODE_GET_PROPERTY_NAME_OFFSET,
  DRM_MODE_IOCTL, DRM_MODE_OBJECT_CONNECTOR, DRM_MODE_PAGE_FLIP_ASYNC, DRM_MODE_PAGE_FLIP_EVENT, DRM_MODE_PAGE_FLIP_FLAGS,
  DRM_MODE_PAGE_FLIP_TARGET, DRM_MODE_PAGE_FLIP_TARGET_ABSOLUTE, DRM_MODE_PAGE_FLIP_TARGET_RELATIVE,
  DRM_MODE_PROP_ATOMIC, DRM_MODE_PROP_BITMASK, DRM_MODE_PROP_ENUM, DRM_MODE_SUBPIXEL_UNKNOWN,
  DRM_VBLANK_EVENT, DRM_VBLANK_FLAGS_MASK, DRM_VBLANK_HIGH_CRTC_MASK, DRM_VBLANK_HIGH_CRTC_SHIFT, DRM_VBLANK_NEXTONMISS,
  DRM_VBLANK_RELATIVE, DRM_VBLANK_SECONDARY, DRM_VBLANK_TYPES_MASK, decodeModeInfo, drm_event_crtc_sequence,
  drm_event_vblank, drm_mode_fb_cmd2, drm_mode_modeinfo, drm_mode_property_enum, encodeModeInfo, rawField, setRawField,
  type ModeInfo,
} from '../../uapi/drm-mode.js';
import type { CValues } from '../../uapi/cstruct.js';
import { DRM_CLIENT_CAP_ATOMIC, DRM_CLIENT_CAP_UNIVERSAL_PLANES } from '../../uapi/drm.js';
import type { DrmDevice, DrmFile, IoctlEntry } from './device.js';
import { DRM_MASTER } from './device.js';
import type { Process } from './process.js';
import { AtomicRequest, Kms, buildSequenceEvent, buildVblankEvent, validateMode, type Framebuffer, type PlaneObj } from './kms.js';

const universal = (f: DrmFile) => (f.clientCaps.get(DRM_CLIENT_CAP_UNIVERSAL_PLANES) ?? 0) !== 0;
const atomicCap = (f: DrmFile) => (f.clientCaps.get(DRM_CLIENT_CAP_ATOMIC) ?? 0) !== 0;

/** Bytes per pixel and alpha of the formats the driver can scan out. */
export const FORMAT_INFO = new Map<number, { cpp: number; depth: number }>([
  [DRM_FORMAT_XRGB8888, { cpp: 4, depth: 24 }], [DRM_FORMAT_ARGB8888, { cpp: 4, depth: 32 }],
  [DRM_FORMAT_XBGR8888, { cpp: 4, depth: 24 }], [DRM_FORMAT_ABGR8888, { cpp: 4, depth: 32 }],
  [DRM_FORMAT_RGB565, { cpp: 2, depth: 16 }],
]);

function putU32s(proc: Process, ptr: number, values: number[], max: number): void {
  const n = Math.min(values.length, max);
  if (!n) return;
  const b = new Uint8Array(n * 4);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < n; i++) dv.setUint32(i * 4, values[i]! >>> 0, true);
  proc.copyToUser(ptr, b);
}
function putU64s(proc: Process, ptr: number, values: bigint[], max: number): void {
  const n = Math.min(values.length, max);
  if (!n) return;
  const b = new Uint8Array(n * 8);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < n; i++) dv.setBigUint64(i * 8, BigInt.asUintN(64, values[i]!), true);
  proc.copyToUser(ptr, b);
}
function getU32s(proc: Process, ptr: number, n: number): number[] {
  if (!n) return [];
  const b = proc.copyFromUser(ptr, n * 4);
  const dv = new DataView(b.buffer, b.byteOffset);
  return Array.from({ length: n }, (_, i) => dv.getUint32(i * 4, true));
}
function getU64s(proc: Process, ptr: number, n: number): bigint[] {
  if (!n) return [];
  const b = proc.copyFromUser(ptr, n * 8);
  const dv = new DataView(b.buffer, b.byteOffset);
  return Array.from({ length: n }, (_, i) => dv.getBigUint64(i * 8, true));
}

export function kmsIoctls(dev: DrmDevice, kms: Kms): IoctlEntry[] {
  const I = DRM_MODE_IOCTL;
  const e = (d: { name: string; request: number; struct: IoctlEntry['struct'] }, flags: number, handler: IoctlEntry['handler']): IoctlEntry =>
    ({ name: d.name, request: d.request, struct: d.struct, flags, handler: (f, a, p, r) => { kms.hw.service(); handler(f, a, p, r); } });
  const M = DRM_MASTER;

  /** drm_framebuffer_init + the driver's fb_create for one-plane formats */
  const addFb2 = (f: DrmFile, a: CValues, raw: Uint8Array, listed = true): Framebuffer => {
    const flags = a.flags!;
    if (flags & ~(DRM_MODE_FB_INTERLACED | DRM_MODE_FB_MODIFIERS)) throw kerr('EINVAL', 'unknown fb flags');
    const lim = kms.hw.limits;
    if (a.width! < lim.minWidth || a.width! > lim.maxWidth) throw kerr('EINVAL', 'bad framebuffer width');
    if (a.height! < lim.minHeight || a.height! > lim.maxHeight) throw kerr('EINVAL', 'bad framebuffer height');
    if (!a.width || !a.height) throw kerr('EINVAL', 'bad framebuffer size');
    const info = FORMAT_INFO.get(a.pixel_format!);
    if (!info) throw kerr('EINVAL', `unsupported pixel format 0x${a.pixel_format!.toString(16)}`);
    const useMods = (flags & DRM_MODE_FB_MODIFIERS) !== 0;
    const handles = [0, 1, 2, 3].map((i) => Number(rawField(drm_mode_fb_cmd2, raw, 'handles', i)));
    const pitches = [0, 1, 2, 3].map((i) => Number(rawField(drm_mode_fb_cmd2, raw, 'pitches', i)));
    const offsets = [0, 1, 2, 3].map((i) => Number(rawField(drm_mode_fb_cmd2, raw, 'offsets', i)));
    const mods = [0, 1, 2, 3].map((i) => rawField(drm_mode_fb_cmd2, raw, 'modifier', i));
    // framebuffer_check: plane 0 used, planes 1..3 must be all zero
    if (!handles[0]) throw kerr('EINVAL', 'no buffer object handle for plane 0');
    if (pitches[0]! < a.width! * info.cpp) throw kerr('EINVAL', 'pitch too small');
    if (!useMods && mods[0] !== 0n) throw kerr('EINVAL', 'modifier without DRM_MODE_FB_MODIFIERS');
    if (BigInt(offsets[0]!) + BigInt(pitches[0]!) * BigInt(a.height!) > 0xffffffffn) throw kerr('ERANGE', 'buffer size overflows');
    for (let i = 1; i < 4; i++) {
      if (handles[i] || pitches[i] || offsets[i] || (useMods && mods[i] !== 0n && mods[i] !== mods[0])) throw kerr('EINVAL', `plane ${i} given for a one-plane format`);
    }
    const modifier = useMods ? mods[0]! : DRM_FORMAT_MOD_LINEAR;
    if (!kms.planes.some((p) => p.formats.includes(a.pixel_format!) && p.modifiers.includes(modifier))) throw kerr('EINVAL', 'no plane supports that format and modifier');
    const obj = f.lookup(handles[0]!);
    return kms.addFb(f, {
      width: a.width!, height: a.height!, format: a.pixel_format!, modifier, pitch: pitches[0]!, offset: offsets[0]!,
      handle: handles[0]!, obj,
    }, listed);
  };

  /** Atomic plane update for the legacy setters (drm_atomic_helper_update_plane / disable_plane). */
  const setPlane = (plane: PlaneObj, crtcIndex: number, fb: Framebuffer | null, r: { crtcX: number; crtcY: number; crtcW: number; crtcH: number; srcX: number; srcY: number; srcW: number; srcH: number }) => {
    const req = kms.beginRequest();
    req.touchPlane(plane.index);
    const ps = req.state.planes[plane.index]!;
    ps.fb = fb;
    ps.crtc = fb ? crtcIndex : -1;
    if (fb) { Object.assign(ps, r); req.crtcs.add(crtcIndex); }
    kms.check(req, false);
    kms.commit(req, null, null, 0, 0n);
  };

  const crtcMode = (c: number): ModeInfo | null => kms.state.crtcs[c]!.mode;

  return [
    // drm_mode_getresources, in its order: each count is stored right after its array,
    // so a fault on a later array still hands back the earlier counts (drm_ioctl copies back)
    e(I.GETRESOURCES, 0, (f, a, proc) => {
      const fbs = kms.file(f).fbs.map((fb) => fb.id);
      putU32s(proc, a.fb_id_ptr!, fbs, a.count_fbs!);
      a.count_fbs = fbs.length;
      const lim = kms.hw.limits;
      a.min_width = lim.minWidth; a.max_width = lim.maxWidth; a.min_height = lim.minHeight; a.max_height = lim.maxHeight;
      putU32s(proc, a.crtc_id_ptr!, kms.crtcs.map((c) => c.id), a.count_crtcs!);
      a.count_crtcs = kms.crtcs.length;
      putU32s(proc, a.encoder_id_ptr!, kms.encoders.map((c) => c.id), a.count_encoders!);
      a.count_encoders = kms.encoders.length;
      putU32s(proc, a.connector_id_ptr!, kms.connectors.map((c) => c.id), a.count_connectors!);
      a.count_connectors = kms.connectors.length;
    }),
    e(I.GETCRTC, 0, (f, a, proc, raw) => {
      const crtc = kms.crtcById(a.crtc_id!);
      const cs = kms.state.crtcs[crtc.index]!;
      const ps = kms.state.planes[crtc.primary]!;
      a.gamma_size = 0;
      a.fb_id = ps.fb && ps.crtc === crtc.index ? ps.fb.id : 0;
      a.x = ps.srcX >>> 16; a.y = ps.srcY >>> 16;
      a.count_connectors = 0;
      a.mode_valid = cs.enable ? 1 : 0;
      const mode = new Uint8Array(drm_mode_modeinfo.size);
      if (cs.mode) encodeModeInfo(cs.mode, mode);
      raw.set(mode, DRM_MODE_CRTC_MODE_OFFSET);
    }),
    e(I.SETCRTC, M, (f, a, proc, raw) => {
      const crtc = kms.crtcById(a.crtc_id!);
      let mode: ModeInfo | null = null;
      let fb: Framebuffer | null = null;
      if (a.mode_valid) {
        if (a.fb_id === 0xffffffff) {
          // -1: keep the current primary fb
          fb = kms.state.planes[crtc.primary]!.fb;
          if (!fb) throw kerr('EINVAL', 'no fb to keep');
        } else {
          fb = kms.fbById(a.fb_id!);
        }
        mode = decodeModeInfo(raw, DRM_MODE_CRTC_MODE_OFFSET);
        validateMode(mode);
        // drm_crtc_check_viewport
        if (a.x! + mode.hdisplay > fb.width || a.y! + mode.vdisplay > fb.height) throw kerr('ENOSPC', 'mode larger than the framebuffer');
      }
      if (a.count_connectors === 0 && mode) throw kerr('EINVAL', 'a mode needs connectors');
      if (a.count_connectors! > 0 && (!mode || !fb)) throw kerr('EINVAL', 'connectors need a mode and a framebuffer');
      if (a.count_connectors! > kms.connectors.length) throw kerr('EINVAL', 'too many connectors');
      const conns = getU32s(proc, a.set_connectors_ptr!, a.count_connectors!).map((id) => kms.connectorById(id));
      // drm_atomic_helper_set_config
      const req = kms.beginRequest();
      const c = crtc.index;
      req.crtcs.add(c);
      const cs = req.state.crtcs[c]!;
      cs.mode = mode; cs.enable = !!mode; cs.active = !!mode;
      cs.modeBlob = mode ? kms.createBlob(encodeModeInfo(mode), null) : null;
      if (cs.modeBlob) cs.modeBlob.dropped = true; // kernel-owned: lives while the state uses it
      req.state.conns.forEach((cn, i) => {
        const want = conns.some((k) => k.index === i);
        if (cn.crtc === c && !want) { req.touchConn(i); cn.crtc = -1; }
        if (want) { req.touchConn(i); cn.crtc = c; cn.dpms = DRM_MODE_DPMS_ON; }
      });
      req.touchPlane(crtc.primary);
      const ps = req.state.planes[crtc.primary]!;
      if (mode && fb) {
        Object.assign(ps, { fb, crtc: c, crtcX: 0, crtcY: 0, crtcW: mode.hdisplay, crtcH: mode.vdisplay, srcX: a.x! * 65536, srcY: a.y! * 65536, srcW: mode.hdisplay * 65536, srcH: mode.vdisplay * 65536 });
      } else {
        req.state.planes.forEach((q, i) => { if (q.crtc === c) { req.touchPlane(i); q.fb = null; q.crtc = -1; } });
      }
      try {
        kms.check(req, true);
        kms.commit(req, null, null, DRM_MODE_ATOMIC_ALLOW_MODESET, 0n);
      } finally { kms.gc(); }
    }),
    ...[I.CURSOR, I.CURSOR2].map((d) => e(d, M, (f, a) => {
      // drm_mode_cursor_universal
      if (!a.flags || a.flags & ~DRM_MODE_CURSOR_FLAGS) throw kerr('EINVAL', 'bad cursor flags');
      const crtc = kms.crtcById(a.crtc_id!);
      if (crtc.cursor < 0) throw kerr('EINVAL', 'no cursor plane');
      const plane = kms.planes[crtc.cursor]!;
      const cur = kms.state.planes[plane.index]!;
      let fb: Framebuffer | null = cur.fb;
      if (a.flags & DRM_MODE_CURSOR_BO) {
        if (a.handle) {
          const raw = new Uint8Array(drm_mode_fb_cmd2.size);
          setRawField(drm_mode_fb_cmd2, raw, 'handles', 0, BigInt(a.handle));
          setRawField(drm_mode_fb_cmd2, raw, 'pitches', 0, BigInt(a.width! * 4));
          fb = addFb2(f, { flags: 0, width: a.width!, height: a.height!, pixel_format: DRM_FORMAT_ARGB8888 }, raw, false);
        } else fb = null;
      }
      const x = a.flags & DRM_MODE_CURSOR_MOVE ? a.x! : cur.crtcX;
      const y = a.flags & DRM_MODE_CURSOR_MOVE ? a.y! : cur.crtcY;
      try {
        setPlane(plane, crtc.index, fb, { crtcX: x, crtcY: y, crtcW: fb?.width ?? 0, crtcH: fb?.height ?? 0, srcX: 0, srcY: 0, srcW: (fb?.width ?? 0) * 65536, srcH: (fb?.height ?? 0) * 65536 });
      } finally { kms.gc(); }
    })),
    e(I.GETENCODER, 0, (f, a) => {
      const enc = kms.encoderById(a.encoder_id!);
      const cn = kms.state.conns[enc.index]!;
      a.encoder_type = enc.type;
      a.crtc_id = cn.crtc >= 0 ? kms.crtcs[cn.crtc]!.id : 0;
      a.possible_crtcs = enc.possibleCrtcs;
      a.possible_clones = 1 << enc.index;
    }),
    // drm_mode_getconnector, in its order (encoders, identity, probe, display info, modes,
    // encoder, properties): what precedes a fault is what the caller gets back
    e(I.GETCONNECTOR, 0, (f, a, proc) => {
      const c = kms.connectorById(a.connector_id!);
      const encs = [kms.encoders[c.encoder]!.id];
      if (a.count_encoders! >= encs.length) putU32s(proc, a.encoders_ptr!, encs, encs.length);
      a.count_encoders = encs.length;
      a.connector_type = c.type; a.connector_type_id = c.typeId;
      // count_modes == 0 asks for a forced probe
      if (a.count_modes === 0) kms.probe(c);
      a.mm_width = c.widthMm; a.mm_height = c.heightMm; a.subpixel = DRM_MODE_SUBPIXEL_UNKNOWN; a.connection = c.status;
      const modes = c.modes;
      if (a.count_modes! >= modes.length && modes.length) {
        const b = new Uint8Array(modes.length * drm_mode_modeinfo.size);
        modes.forEach((m, i) => encodeModeInfo(m, b, i * drm_mode_modeinfo.size));
        proc.copyToUser(a.modes_ptr!, b);
      }
      a.count_modes = modes.length;
      const cn = kms.state.conns[c.index]!;
      a.encoder_id = cn.crtc >= 0 ? kms.encoders[c.encoder]!.id : 0;
      const props = c.props.filter((p) => !(p.prop.flags & DRM_MODE_PROP_ATOMIC) || atomicCap(f));
      putU32s(proc, a.props_ptr!, props.map((p) => p.prop.id), a.count_props!);
      putU64s(proc, a.prop_values_ptr!, props.map((p) => p.get()), a.count_props!);
      a.count_props = props.length;
    }),
    e(I.GETPROPERTY, 0, (f, a, proc, raw) => {
      const p = kms.propById(a.prop_id!);
      a.flags = p.flags;
      const name = new TextEncoder().encode(p.name);
      raw.fill(0, DRM_MODE_GET_PROPERTY_NAME_OFFSET, DRM_MODE_GET_PROPERTY_NAME_OFFSET + 32);
      raw.set(name.subarray(0, 31), DRM_MODE_GET_PROPERTY_NAME_OFFSET);
      const values = p.isBlob ? [] : p.values;
      if (a.count_values! >= values.length && values.length) putU64s(proc, a.values_ptr!, values, values.length);
      a.count_values = values.length;
      if (p.flags & (DRM_MODE_PROP_ENUM | DRM_MODE_PROP_BITMASK)) {
        if (a.count_enum_blobs! >= p.enums.length && p.enums.length) {
          const b = new Uint8Array(p.enums.length * drm_mode_property_enum.size);
          const dv = new DataView(b.buffer);
          p.enums.forEach(([v, n], i) => {
            dv.setBigUint64(i * drm_mode_property_enum.size, v, true);
            b.set(new TextEncoder().encode(n).subarray(0, 31), i * drm_mode_property_enum.size + 8);
          });
          proc.copyToUser(a.enum_blob_ptr!, b);
        }
        a.count_enum_blobs = p.enums.length;
      } else {
        a.count_enum_blobs = 0;
      }
    }),
    e(I.SETPROPERTY, M, (f, a, proc, raw) => {
      objSetProperty(kms, f, proc, a.connector_id!, DRM_MODE_OBJECT_CONNECTOR, a.prop_id!, rawField(I.SETPROPERTY.struct, raw, 'value'));
    }),
    e(I.GETPROPBLOB, 0, (f, a, proc) => {
      const b = kms.blobById(a.blob_id!);
      if (a.length! >= b.data.length && b.data.length) proc.copyToUser(a.data!, b.data);
      a.length = b.data.length;
    }),
    e(I.GETFB, 0, (f, a) => {
      const fb = kms.fbById(a.fb_id!);
      const info = FORMAT_INFO.get(fb.format)!;
      a.width = fb.width; a.height = fb.height; a.pitch = fb.pitch; a.bpp = info.cpp * 8; a.depth = info.depth;
      // handles only for the master or root, and always a fresh one (drm_mode_getfb)
      a.handle = dev.isCurrentMaster(f) ? f.addHandle(fb.obj) : 0;
    }),
    e(I.ADDFB, 0, (f, a) => {
      // drm_mode_legacy_fb_format
      const fmt = a.bpp === 32 && a.depth === 24 ? DRM_FORMAT_XRGB8888 : a.bpp === 32 && a.depth === 32 ? DRM_FORMAT_ARGB8888
        : a.bpp === 16 && a.depth === 16 ? DRM_FORMAT_RGB565 : 0;
      if (!fmt) throw kerr('EINVAL', 'unsupported bpp/depth');
      const raw = new Uint8Array(drm_mode_fb_cmd2.size);
      setRawField(drm_mode_fb_cmd2, raw, 'handles', 0, BigInt(a.handle!));
      setRawField(drm_mode_fb_cmd2, raw, 'pitches', 0, BigInt(a.pitch!));
      a.fb_id = addFb2(f, { flags: 0, width: a.width!, height: a.height!, pixel_format: fmt }, raw).id;
    }),
    e(I.ADDFB2, 0, (f, a, proc, raw) => { a.fb_id = addFb2(f, a, raw).id; }),
    e(I.RMFB, 0, (f, a) => kms.rmFb(f, a.fb_id!)),
    e(I.CLOSEFB, 0, (f, a) => {
      if (a.pad) throw kerr('EINVAL', 'pad must be zero');
      kms.closeFb(f, a.fb_id!);
    }),
    e(I.PAGE_FLIP, M, (f, a, proc, raw) => {
      const flags = a.flags!;
      if (flags & ~DRM_MODE_PAGE_FLIP_FLAGS) throw kerr('EINVAL', 'unknown flip flags');
      if (flags & DRM_MODE_PAGE_FLIP_ASYNC) throw kerr('EINVAL', 'async flips are not supported');
      if ((flags & DRM_MODE_PAGE_FLIP_TARGET) === DRM_MODE_PAGE_FLIP_TARGET) throw kerr('EINVAL', 'both flip targets');
      const crtc = kms.crtcById(a.crtc_id!);
      const cur = kms.refreshVblank(crtc.index).count;
      if (flags & DRM_MODE_PAGE_FLIP_TARGET_ABSOLUTE) {
        if (((a.reserved! - cur) | 0) > 1) throw kerr('EINVAL', 'target too far');
      } else if (flags & DRM_MODE_PAGE_FLIP_TARGET_RELATIVE) {
        if (a.reserved! > 1) throw kerr('EINVAL', 'relative target beyond the next vblank');
      } else if (a.reserved) throw kerr('EINVAL', 'reserved must be zero');
      const plane = kms.planes[crtc.primary]!;
      const ps = kms.state.planes[plane.index]!;
      if (!ps.fb) throw kerr('EBUSY', 'no framebuffer bound');
      const fb = kms.fbById(a.fb_id!);
      const mode = crtcMode(crtc.index);
      if (mode && ((ps.srcX >>> 16) + mode.hdisplay > fb.width || (ps.srcY >>> 16) + mode.vdisplay > fb.height)) throw kerr('ENOSPC', 'framebuffer smaller than the mode');
      if (ps.fb.format !== fb.format) throw kerr('EINVAL', 'a page flip may not change the format');
      const req = kms.beginRequest();
      req.touchPlane(plane.index);
      req.state.planes[plane.index]!.fb = fb;
      if (flags & DRM_MODE_PAGE_FLIP_EVENT) req.events.add(crtc.index);
      kms.check(req, false);
      kms.commit(req, f, proc, DRM_MODE_ATOMIC_NONBLOCK | (flags & DRM_MODE_PAGE_FLIP_EVENT), rawField(I.PAGE_FLIP.struct, raw, 'user_data'));
    }),
    e(I.CREATE_DUMB, 0, (f, a) => {
      if (!a.width || !a.height || !a.bpp) throw kerr('EINVAL', 'zero dimension');
      if (a.bpp > 0xffffffff - 8) throw kerr('EINVAL', 'bpp overflows');
      const cpp = Math.ceil(a.bpp / 8);
      if (cpp > Math.floor(0xffffffff / a.width)) throw kerr('EINVAL', 'pitch overflows');
      // the display fetches rows of 64-byte lines: pitch aligned to 64
      const pitch = Math.ceil((cpp * a.width) / 64) * 64;
      if (a.height > Math.floor(0xffffffff / pitch)) throw kerr('EINVAL', 'size overflows');
      const size = Math.ceil((pitch * a.height) / 16384) * 16384;
      a.handle = 0; a.pitch = 0; a.size = 0;
      const o = dev.newGem(size);
      a.handle = f.addHandle(o);
      o.put();
      a.pitch = pitch; a.size = size;
    }),
    e(I.MAP_DUMB, 0, (f, a) => {
      const o = f.lookup(a.handle!);
      a.offset = dev.mmapOffsetOf(o);
    }),
    e(I.DESTROY_DUMB, 0, (f, a) => f.dropHandle(a.handle!)),
    e(I.GETPLANERESOURCES, 0, (f, a, proc) => {
      const ids = kms.planes.filter((p) => p.kind === 'overlay' || universal(f)).map((p) => p.id);
      putU32s(proc, a.plane_id_ptr!, ids, a.count_planes!);
      a.count_planes = ids.length;
    }),
    e(I.GETPLANE, 0, (f, a, proc) => {
      const p = kms.planeById(a.plane_id!);
      const ps = kms.state.planes[p.index]!;
      a.crtc_id = ps.crtc >= 0 ? kms.crtcs[ps.crtc]!.id : 0;
      a.fb_id = ps.fb?.id ?? 0;
      a.possible_crtcs = 1 << p.crtcIndex;
      a.gamma_size = 0;
      if (a.count_format_types! >= p.formats.length) putU32s(proc, a.format_type_ptr!, p.formats, p.formats.length);
      a.count_format_types = p.formats.length;
    }),
    e(I.SETPLANE, M, (f, a) => {
      const plane = kms.planeById(a.plane_id!);
      if (!a.fb_id) { setPlane(plane, -1, null, { crtcX: 0, crtcY: 0, crtcW: 0, crtcH: 0, srcX: 0, srcY: 0, srcW: 0, srcH: 0 }); return; }
      const crtc = kms.crtcById(a.crtc_id!);
      const fb = kms.fbById(a.fb_id);
      // setplane_check, before the atomic ones
      if (!(1 << plane.crtcIndex & (1 << crtc.index))) throw kerr('EINVAL', 'CRTC not in possible_crtcs');
      if (!plane.formats.includes(fb.format)) throw kerr('EINVAL', 'format not supported by the plane');
      const W = a.crtc_w!, H = a.crtc_h!;
      if (W > 0x7fffffff || a.crtc_x! > 0x7fffffff - W || H > 0x7fffffff || a.crtc_y! > 0x7fffffff - H) throw kerr('ERANGE', 'CRTC rectangle overflows');
      setPlane(plane, crtc.index, fb, { crtcX: a.crtc_x!, crtcY: a.crtc_y!, crtcW: W, crtcH: H, srcX: a.src_x!, srcY: a.src_y!, srcW: a.src_w!, srcH: a.src_h! });
    }),
    e(I.OBJ_GETPROPERTIES, 0, (f, a, proc) => {
      const o = kms.find(a.obj_id!, a.obj_type!);
      if (!o) throw kerr('ENOENT', 'no such object');
      const list = kms.propsOf(o);
      if (!list) throw kerr('EINVAL', 'object has no properties');
      const props = list.filter((p) => !(p.prop.flags & DRM_MODE_PROP_ATOMIC) || atomicCap(f));
      putU32s(proc, a.props_ptr!, props.map((p) => p.prop.id), a.count_props!);
      putU64s(proc, a.prop_values_ptr!, props.map((p) => p.get()), a.count_props!);
      a.count_props = props.length;
    }),
    e(I.OBJ_SETPROPERTY, M, (f, a, proc, raw) => {
      objSetProperty(kms, f, proc, a.obj_id!, a.obj_type!, a.prop_id!, rawField(I.OBJ_SETPROPERTY.struct, raw, 'value'));
    }),
    e(I.ATOMIC, M, (f, a, proc, raw) => atomicIoctl(kms, f, a, proc, rawField(I.ATOMIC.struct, raw, 'user_data'))),
    e(I.CREATEPROPBLOB, 0, (f, a, proc) => {
      if (!a.length) throw kerr('EINVAL', 'empty blob');
      if (a.length > 1 << 20) throw kerr('EINVAL', 'blob too large');
      const data = proc.copyFromUser(a.data!, a.length);
      a.blob_id = kms.createBlob(data, f).id;
    }),
    e(I.DESTROYPROPBLOB, 0, (f, a) => kms.destroyBlob(f, a.blob_id!)),
    e(I.WAIT_VBLANK, 0, (f, a, proc, raw) => {
      const type = a.type!;
      if (type & ~(DRM_VBLANK_TYPES_MASK | DRM_VBLANK_FLAGS_MASK | DRM_VBLANK_HIGH_CRTC_MASK)) throw kerr('EINVAL', 'unknown vblank type bits');
      const high = (type & DRM_VBLANK_HIGH_CRTC_MASK) >>> DRM_VBLANK_HIGH_CRTC_SHIFT;
      const pipe = high ? high : type & DRM_VBLANK_SECONDARY ? 1 : 0;
      if (pipe >= kms.crtcs.length) throw kerr('EINVAL', 'no such CRTC');
      if (!kms.crtcActive(pipe)) throw kerr('EINVAL', 'CRTC is off');
      const cur = kms.refreshVblank(pipe).count;
      let target = a.sequence!;
      if (type & DRM_VBLANK_RELATIVE) target = (cur + target) >>> 0;
      if (type & DRM_VBLANK_NEXTONMISS && ((cur - target) | 0) >= 0) target = (cur + 1) >>> 0;
      const reply = (seq: number, t: number) => {
        a.type = type & DRM_VBLANK_TYPES_MASK;
        a.sequence = seq;
        a.tval_usec = Math.floor((t % 1e9) / 1e3);
        a.signal = Math.floor(t / 1e9);
      };
      const crtcId = kms.crtcs[pipe]!.id;
      if (type & DRM_VBLANK_EVENT) {
        const userData = rawField(I.WAIT_VBLANK.struct, raw, 'signal');
        kms.queueVblankEvent(f, pipe, target, drm_event_vblank.size, (seq, t) => buildVblankEvent(DRM_EVENT_VBLANK, userData, t, seq, crtcId));
        a.sequence = target;
        a.type = type;
        return;
      }
      // blocking: up to 3 s of display time (drm_wait_vblank_ioctl), then EBUSY
      if (!kms.wait(() => ((kms.refreshVblank(pipe).count - target) | 0) >= 0 || !kms.crtcActive(pipe), 3e9)) throw kerr('EBUSY', 'vblank wait timed out');
      if (!kms.crtcActive(pipe)) throw kerr('EINVAL', 'CRTC turned off');
      const v = kms.vblank[pipe]!;
      reply(v.count, v.timeNs);
    }),
    e(I.CRTC_GET_SEQUENCE, 0, (f, a) => {
      const crtc = kms.crtcById(a.crtc_id!);
      const v = kms.refreshVblank(crtc.index);
      a.active = kms.state.crtcs[crtc.index]!.active ? 1 : 0;
      a.sequence = v.count;
      a.sequence_ns = v.timeNs;
    }),
    e(I.CRTC_QUEUE_SEQUENCE, 0, (f, a, proc, raw) => {
      if (a.flags! & ~(DRM_CRTC_SEQUENCE_RELATIVE | DRM_CRTC_SEQUENCE_NEXT_ON_MISS)) throw kerr('EINVAL', 'unknown flags');
      const crtc = kms.crtcById(a.crtc_id!);
      if (!kms.crtcActive(crtc.index)) throw kerr('EINVAL', 'CRTC is off');
      const cur = kms.refreshVblank(crtc.index).count;
      let target = Number(rawField(I.CRTC_QUEUE_SEQUENCE.struct, raw, 'sequence'));
      if (a.flags! & DRM_CRTC_SEQUENCE_RELATIVE) target += cur;
      if (a.flags! & DRM_CRTC_SEQUENCE_NEXT_ON_MISS && target <= cur) target = cur + 1;
      const userData = rawField(I.CRTC_QUEUE_SEQUENCE.struct, raw, 'user_data');
      kms.queueVblankEvent(f, crtc.index, target >>> 0, drm_event_crtc_sequence.size, (seq, t) => buildSequenceEvent(userData, t, seq));
      a.sequence = target;
    }),
  ];
}

/** OBJ_SETPROPERTY on an atomic driver (set_property_atomic): connectors take only DPMS; the rest is a one-property commit. */
function objSetProperty(kms: Kms, f: DrmFile, proc: Process, objId: number, objType: number, propId: number, value: bigint): void {
  const o = kms.find(objId, objType);
  if (!o) throw kerr('ENOENT', 'no such object');
  const list = kms.propsOf(o);
  if (!list) throw kerr('EINVAL', 'object has no properties');
  const at = list.find((p) => p.prop.id === propId);
  if (!at) throw kerr('EINVAL', 'property not attached to the object');
  const req = kms.beginRequest();
  if (o.objType === DRM_MODE_OBJECT_CONNECTOR) {
    if (at.prop.name !== 'DPMS') throw kerr('EINVAL', 'only DPMS can be set on a connector');
    // drm_atomic_connector_commit_dpms: the CRTC is active while any of its connectors is On
    req.set(o, at.prop, value, proc);
    const conn = kms.connectors.find((c) => c.id === objId)!;
    const ci = req.state.conns[conn.index]!.crtc;
    if (ci >= 0) {
      req.crtcs.add(ci);
      const cs = req.state.crtcs[ci]!;
      cs.active = cs.enable && req.state.conns.some((c) => c.crtc === ci && c.dpms === DRM_MODE_DPMS_ON);
    }
    kms.check(req, true);
    kms.commit(req, f, proc, DRM_MODE_ATOMIC_ALLOW_MODESET, 0n);
    return;
  }
  req.set(o, at.prop, value, proc);
  kms.check(req, false);
  kms.commit(req, f, proc, 0, 0n);
}

/** drm_mode_atomic_ioctl */
function atomicIoctl(kms: Kms, f: DrmFile, a: CValues, proc: Process, userData: bigint): void {
  if (!atomicCap(f)) throw kerr('EINVAL', 'client did not set DRM_CLIENT_CAP_ATOMIC');
  const flags = a.flags!;
  if (flags & ~DRM_MODE_ATOMIC_FLAGS) throw kerr('EINVAL', 'unknown atomic flags');
  if (a.reserved) throw kerr('EINVAL', 'reserved must be zero');
  if (flags & DRM_MODE_PAGE_FLIP_ASYNC) throw kerr('EINVAL', 'async flips are not supported');
  if (flags & DRM_MODE_ATOMIC_TEST_ONLY && flags & DRM_MODE_PAGE_FLIP_EVENT) throw kerr('EINVAL', 'TEST_ONLY with an event');
  const n = a.count_objs!;
  const req: AtomicRequest = kms.beginRequest();
  if (n) {
    const objs = getU32s(proc, a.objs_ptr!, n);
    const counts = getU32s(proc, a.count_props_ptr!, n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const o = kms.find(objs[i]!);
      if (!o) throw kerr('ENOENT', `no object ${objs[i]}`);
      const list = kms.propsOf(o);
      if (!list) throw kerr('ENOENT', `object ${objs[i]} has no properties`);
      const cnt = counts[i]!;
      const ids = getU32s(proc, a.props_ptr! + k * 4, cnt);
      const vals = getU64s(proc, a.prop_values_ptr! + k * 8, cnt);
      k += cnt;
      for (let j = 0; j < cnt; j++) {
        const at = list.find((p) => p.prop.id === ids[j]);
        if (!at) throw kerr('ENOENT', `property ${ids[j]} not on object ${objs[i]}`);
        req.set(o, at.prop, vals[j]!, proc);
      }
    }
  }
  if (flags & DRM_MODE_PAGE_FLIP_EVENT) for (const c of kms.affectedCrtcs(req)) req.events.add(c);
  kms.check(req, (flags & DRM_MODE_ATOMIC_ALLOW_MODESET) !== 0);
  if (flags & DRM_MODE_ATOMIC_TEST_ONLY) return;
  if (!n) return;
  kms.commit(req, f, proc, flags, userData);
}
export { DRM_EVENT_FLIP_COMPLETE };
