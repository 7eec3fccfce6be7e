/**
 * The KMS user API: Linux's request numbers, argument layouts and constants
 * from include/uapi/drm/drm_mode.h, drm.h and drm_fourcc.h (LP64), so a
 * modesetting client written against those headers works unchanged.
 */
import { cstruct, type CStruct } from './cstruct.js';
import { IOWR } from './ioctl.js';
import type { IoctlDef } from './drm.js';

export const DRM_DISPLAY_MODE_LEN = 32;
export const DRM_PROP_NAME_LEN = 32;

/** struct drm_mode_modeinfo (68 bytes) */
export const drm_mode_modeinfo = cstruct('drm_mode_modeinfo', [
  ['clock', 'u32'],
  ['hdisplay', 'u16'], ['hsync_start', 'u16'], ['hsync_end', 'u16'], ['htotal', 'u16'], ['hskew', 'u16'],
  ['vdisplay', 'u16'], ['vsync_start', 'u16'], ['vsync_end', 'u16'], ['vtotal', 'u16'], ['vscan', 'u16'],
  ['vrefresh', 'u32'], ['flags', 'u32'], ['type', 'u32'], ['name', 'u8', DRM_DISPLAY_MODE_LEN],
]);
export const drm_mode_card_res = cstruct('drm_mode_card_res', [
  ['fb_id_ptr', 'u64'], ['crtc_id_ptr', 'u64'], ['connector_id_ptr', 'u64'], ['encoder_id_ptr', 'u64'],
  ['count_fbs', 'u32'], ['count_crtcs', 'u32'], ['count_connectors', 'u32'], ['count_encoders', 'u32'],
  ['min_width', 'u32'], ['max_width', 'u32'], ['min_height', 'u32'], ['max_height', 'u32'],
]);
/** struct drm_mode_crtc: the mode is embedded at offset 36 (68 bytes). */
export const drm_mode_crtc = cstruct('drm_mode_crtc', [
  ['set_connectors_ptr', 'u64'], ['count_connectors', 'u32'], ['crtc_id', 'u32'], ['fb_id', 'u32'],
  ['x', 'u32'], ['y', 'u32'], ['gamma_size', 'u32'], ['mode_valid', 'u32'], ['mode', 'u8', 68],
]);
export const DRM_MODE_CRTC_MODE_OFFSET = 36;
export const drm_mode_get_encoder = cstruct('drm_mode_get_encoder', [
  ['encoder_id', 'u32'], ['encoder_type', 'u32'], ['crtc_id', 'u32'], ['possible_crtcs', 'u32'], ['possible_clones', 'u32'],
]);
export const drm_mode_get_connector = cstruct('drm_mode_get_connector', [
  ['encoders_ptr', 'u64'], ['modes_ptr', 'u64'], ['props_ptr', 'u64'], ['prop_values_ptr', 'u64'],
  ['count_modes', 'u32'], ['count_props', 'u32'], ['count_encoders', 'u32'], ['encoder_id', 'u32'],
  ['connector_id', 'u32'], ['connector_type', 'u32'], ['connector_type_id', 'u32'], ['connection', 'u32'],
  ['mm_width', 'u32'], ['mm_height', 'u32'], ['subpixel', 'u32'], ['pad', 'u32'],
]);
export const drm_mode_get_plane_res = cstruct('drm_mode_get_plane_res', [['plane_id_ptr', 'u64'], ['count_planes', 'u32']]);
export const drm_mode_get_plane = cstruct('drm_mode_get_plane', [
  ['plane_id', 'u32'], ['crtc_id', 'u32'], ['fb_id', 'u32'], ['possible_crtcs', 'u32'], ['gamma_size', 'u32'],
  ['count_format_types', 'u32'], ['format_type_ptr', 'u64'],
]);
/** struct drm_mode_set_plane: note src_h comes before src_w, as in the header. */
export const drm_mode_set_plane = cstruct('drm_mode_set_plane', [
  ['plane_id', 'u32'], ['crtc_id', 'u32'], ['fb_id', 'u32'], ['flags', 'u32'],
  ['crtc_x', 's32'], ['crtc_y', 's32'], ['crtc_w', 'u32'], ['crtc_h', 'u32'],
  ['src_x', 'u32'], ['src_y', 'u32'], ['src_h', 'u32'], ['src_w', 'u32'],
]);
export const drm_mode_cursor = cstruct('drm_mode_cursor', [
  ['flags', 'u32'], ['crtc_id', 'u32'], ['x', 's32'], ['y', 's32'], ['width', 'u32'], ['height', 'u32'], ['handle', 'u32'],
]);
export const drm_mode_cursor2 = cstruct('drm_mode_cursor2', [
  ['flags', 'u32'], ['crtc_id', 'u32'], ['x', 's32'], ['y', 's32'], ['width', 'u32'], ['height', 'u32'], ['handle', 'u32'],
  ['hot_x', 's32'], ['hot_y', 's32'],
]);
export const drm_mode_fb_cmd = cstruct('drm_mode_fb_cmd', [
  ['fb_id', 'u32'], ['width', 'u32'], ['height', 'u32'], ['pitch', 'u32'], ['bpp', 'u32'], ['depth', 'u32'], ['handle', 'u32'],
]);
/** struct drm_mode_fb_cmd2 (104 bytes): the four-entry arrays are read and written by the handlers. */
export const drm_mode_fb_cmd2 = cstruct('drm_mode_fb_cmd2', [
  ['fb_id', 'u32'], ['width', 'u32'], ['height', 'u32'], ['pixel_format', 'u32'], ['flags', 'u32'],
  ['handles', 'u32', 4], ['pitches', 'u32', 4], ['offsets', 'u32', 4], ['modifier', 'u64', 4],
]);
export const drm_mode_rmfb = cstruct('drm_mode_rmfb', [['fb_id', 'u32']]);
export const drm_mode_closefb = cstruct('drm_mode_closefb', [['fb_id', 'u32'], ['pad', 'u32']]);
export const drm_mode_create_dumb = cstruct('drm_mode_create_dumb', [
  ['height', 'u32'], ['width', 'u32'], ['bpp', 'u32'], ['flags', 'u32'], ['handle', 'u32'], ['pitch', 'u32'], ['size', 'u64'],
]);
export const drm_mode_map_dumb = cstruct('drm_mode_map_dumb', [['handle', 'u32'], ['pad', 'u32'], ['offset', 'u64']]);
export const drm_mode_destroy_dumb = cstruct('drm_mode_destroy_dumb', [['handle', 'u32']]);
export const drm_mode_crtc_page_flip = cstruct('drm_mode_crtc_page_flip', [
  ['crtc_id', 'u32'], ['fb_id', 'u32'], ['flags', 'u32'], ['reserved', 'u32'], ['user_data', 'u64'],
]);
/** union drm_wait_vblank: request {type, sequence, signal} / reply {type, sequence, tval_sec, tval_usec}. */
export const drm_wait_vblank = cstruct('drm_wait_vblank', [
  ['type', 'u32'], ['sequence', 'u32'], ['signal', 'u64'], ['tval_usec', 's64'],
]);
export const drm_crtc_get_sequence = cstruct('drm_crtc_get_sequence', [
  ['crtc_id', 'u32'], ['active', 'u32'], ['sequence', 'u64'], ['sequence_ns', 's64'],
]);
export const drm_crtc_queue_sequence = cstruct('drm_crtc_queue_sequence', [
  ['crtc_id', 'u32'], ['flags', 'u32'], ['sequence', 'u64'], ['user_data', 'u64'],
]);
export const drm_mode_obj_get_properties = cstruct('drm_mode_obj_get_properties', [
  ['props_ptr', 'u64'], ['prop_values_ptr', 'u64'], ['count_props', 'u32'], ['obj_id', 'u32'], ['obj_type', 'u32'],
]);
export const drm_mode_obj_set_property = cstruct('drm_mode_obj_set_property', [
  ['value', 'u64'], ['prop_id', 'u32'], ['obj_id', 'u32'], ['obj_type', 'u32'],
]);
export const drm_mode_connector_set_property = cstruct('drm_mode_connector_set_property', [
  ['value', 'u64'], ['prop_id', 'u32'], ['connector_id', 'u32'],
]);
export const drm_mode_get_property = cstruct('drm_mode_get_property', [
  ['values_ptr', 'u64'], ['enum_blob_ptr', 'u64'], ['prop_id', 'u32'], ['flags', 'u32'],
  ['name', 'u8', DRM_PROP_NAME_LEN], ['count_values', 'u32'], ['count_enum_blobs', 'u32'],
]);
export const DRM_MODE_GET_PROPERTY_NAME_OFFSET = 24;
export const drm_mode_property_enum = cstruct('drm_mode_property_enum', [['value', 'u64'], ['name', 'u8', DRM_PROP_NAME_LEN]]);
export const drm_mode_get_blob = cstruct('drm_mode_get_blob', [['blob_id', 'u32'], ['length', 'u32'], ['data', 'u64']]);
export const drm_mode_create_blob = cstruct('drm_mode_create_blob', [['data', 'u64'], ['length', 'u32'], ['blob_id', 'u32']]);
export const drm_mode_destroy_blob = cstruct('drm_mode_destroy_blob', [['blob_id', 'u32']]);
export const drm_mode_atomic = cstruct('drm_mode_atomic', [
  ['flags', 'u32'], ['count_objs', 'u32'], ['objs_ptr', 'u64'], ['count_props_ptr', 'u64'], ['props_ptr', 'u64'],
  ['prop_values_ptr', 'u64'], ['reserved', 'u64'], ['user_data', 'u64'],
]);
/** struct drm_format_modifier_blob header; then u32 formats[], then (8-aligned) struct drm_format_modifier[]. */
export const drm_format_modifier_blob = cstruct('drm_format_modifier_blob', [
  ['version', 'u32'], ['flags', 'u32'], ['count_formats', 'u32'], ['formats_offset', 'u32'],
  ['count_modifiers', 'u32'], ['modifiers_offset', 'u32'],
]);
export const drm_format_modifier = cstruct('drm_format_modifier', [['formats', 'u64'], ['offset', 'u32'], ['pad', 'u32'], ['modifier', 'u64']]);
export const FORMAT_BLOB_CURRENT = 1;

/** Events read from the DRM fd. */
export const drm_event = cstruct('drm_event', [['type', 'u32'], ['length', 'u32']]);
export const drm_event_vblank = cstruct('drm_event_vblank', [
  ['type', 'u32'], ['length', 'u32'], ['user_data', 'u64'], ['tv_sec', 'u32'], ['tv_usec', 'u32'], ['sequence', 'u32'], ['crtc_id', 'u32'],
]);
export const drm_event_crtc_sequence = cstruct('drm_event_crtc_sequence', [
  ['type', 'u32'], ['length', 'u32'], ['user_data', 'u64'], ['time_ns', 's64'], ['sequence', 'u64'],
]);
export const DRM_EVENT_VBLANK = 0x01, DRM_EVENT_FLIP_COMPLETE = 0x02, DRM_EVENT_CRTC_SEQUENCE = 0x03;

// --- object types
export const DRM_MODE_OBJECT_CRTC = 0xcccccccc;
export const DRM_MODE_OBJECT_CONNECTOR = 0xc0c0c0c0;
export const DRM_MODE_OBJECT_ENCODER = 0xe0e0e0e0;
export const DRM_MODE_OBJECT_MODE = 0xdededede;
export const DRM_MODE_OBJECT_PROPERTY = 0xb0b0b0b0;
export const DRM_MODE_OBJECT_FB = 0xfbfbfbfb;
export const DRM_MODE_OBJECT_BLOB = 0xbbbbbbbb;
export const DRM_MODE_OBJECT_PLANE = 0xeeeeeeee;
export const DRM_MODE_OBJECT_ANY = 0;

// --- property flags
export const DRM_MODE_PROP_PENDING = 1 << 0;
export const DRM_MODE_PROP_RANGE = 1 << 1;
export const DRM_MODE_PROP_IMMUTABLE = 1 << 2;
export const DRM_MODE_PROP_ENUM = 1 << 3;
export const DRM_MODE_PROP_BLOB = 1 << 4;
export const DRM_MODE_PROP_BITMASK = 1 << 5;
export const DRM_MODE_PROP_LEGACY_TYPE = DRM_MODE_PROP_RANGE | DRM_MODE_PROP_ENUM | DRM_MODE_PROP_BLOB | DRM_MODE_PROP_BITMASK;
export const DRM_MODE_PROP_EXTENDED_TYPE = 0x0000ffc0;
export const DRM_MODE_PROP_OBJECT = 1 << 6;
export const DRM_MODE_PROP_SIGNED_RANGE = 2 << 6;
export const DRM_MODE_PROP_ATOMIC = 0x80000000;

// --- connectors, encoders, modes
export const DRM_MODE_CONNECTED = 1, DRM_MODE_DISCONNECTED = 2, DRM_MODE_UNKNOWNCONNECTION = 3;
export const DRM_MODE_CONNECTOR_DisplayPort = 10, DRM_MODE_CONNECTOR_HDMIA = 11, DRM_MODE_CONNECTOR_VIRTUAL = 15;
export const CONNECTOR_TYPE_NAMES: Record<number, string> = {
  0: 'Unknown', 1: 'VGA', 2: 'DVI-I', 3: 'DVI-D', 4: 'DVI-A', 5: 'Composite', 6: 'SVIDEO', 7: 'LVDS', 8: 'Component',
  9: 'DIN', 10: 'DP', 11: 'HDMI-A', 12: 'HDMI-B', 13: 'TV', 14: 'eDP', 15: 'Virtual', 16: 'DSI', 17: 'DPI', 18: 'Writeback',
};
export const DRM_MODE_SUBPIXEL_UNKNOWN = 1;
export const DRM_MODE_ENCODER_NONE = 0, DRM_MODE_ENCODER_TMDS = 2, DRM_MODE_ENCODER_VIRTUAL = 5;
export const DRM_MODE_TYPE_PREFERRED = 1 << 3, DRM_MODE_TYPE_USERDEF = 1 << 5, DRM_MODE_TYPE_DRIVER = 1 << 6;
export const DRM_MODE_FLAG_PHSYNC = 1 << 0, DRM_MODE_FLAG_NHSYNC = 1 << 1, DRM_MODE_FLAG_PVSYNC = 1 << 2, DRM_MODE_FLAG_NVSYNC = 1 << 3;
export const DRM_MODE_FLAG_INTERLACE = 1 << 4, DRM_MODE_FLAG_DBLSCAN = 1 << 5;
export const DRM_PLANE_TYPE_OVERLAY = 0, DRM_PLANE_TYPE_PRIMARY = 1, DRM_PLANE_TYPE_CURSOR = 2;
export const DRM_MODE_DPMS_ON = 0, DRM_MODE_DPMS_STANDBY = 1, DRM_MODE_DPMS_SUSPEND = 2, DRM_MODE_DPMS_OFF = 3;
export const DRM_MODE_BLEND_PIXEL_NONE = 0, DRM_MODE_BLEND_PREMULTI = 1, DRM_MODE_BLEND_COVERAGE = 2;

// --- framebuffers
export const DRM_MODE_FB_INTERLACED = 1 << 0, DRM_MODE_FB_MODIFIERS = 1 << 1;
export const fourcc = (s: string) => (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0;
export const DRM_FORMAT_XRGB8888 = fourcc('XR24');
export const DRM_FORMAT_ARGB8888 = fourcc('AR24');
export const DRM_FORMAT_XBGR8888 = fourcc('XB24');
export const DRM_FORMAT_ABGR8888 = fourcc('AB24');
export const DRM_FORMAT_RGB565 = fourcc('RG16');
export function fourccName(f: number): string {
  return String.fromCharCode(f & 0xff, (f >>> 8) & 0xff, (f >>> 16) & 0xff, (f >>> 24) & 0xff);
}
/** fourcc_mod_code(vendor, val): vendor in the top 8 bits. */
export const fourccModCode = (vendor: bigint, val: bigint) => (vendor << 56n) | (val & 0x00ffffffffffffffn);
export const DRM_FORMAT_MOD_LINEAR = 0n;
export const DRM_FORMAT_MOD_INVALID = 0x00ffffffffffffffn;
/**
 * Akari's tiled layout (the GPU's "twiddled": 16x16-pixel blocks in raster
 * order, Morton order inside). Not in Linux's drm_fourcc.h: the vendor code
 * 0x41 ('A') is Akari's own, beyond the registered vendors.
 */
export const DRM_FORMAT_MOD_VENDOR_AKARI = 0x41n;
export const DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16 = fourccModCode(DRM_FORMAT_MOD_VENDOR_AKARI, 1n);

// --- page flips, atomic, vblank
export const DRM_MODE_PAGE_FLIP_EVENT = 0x01, DRM_MODE_PAGE_FLIP_ASYNC = 0x02;
export const DRM_MODE_PAGE_FLIP_TARGET_ABSOLUTE = 0x4, DRM_MODE_PAGE_FLIP_TARGET_RELATIVE = 0x8;
export const DRM_MODE_PAGE_FLIP_TARGET = DRM_MODE_PAGE_FLIP_TARGET_ABSOLUTE | DRM_MODE_PAGE_FLIP_TARGET_RELATIVE;
export const DRM_MODE_PAGE_FLIP_FLAGS = DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_PAGE_FLIP_ASYNC | DRM_MODE_PAGE_FLIP_TARGET;
export const DRM_MODE_ATOMIC_TEST_ONLY = 0x0100, DRM_MODE_ATOMIC_NONBLOCK = 0x0200, DRM_MODE_ATOMIC_ALLOW_MODESET = 0x0400;
export const DRM_MODE_ATOMIC_FLAGS = DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_PAGE_FLIP_ASYNC | DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_ATOMIC_ALLOW_MODESET;
export const DRM_MODE_CURSOR_BO = 0x01, DRM_MODE_CURSOR_MOVE = 0x02, DRM_MODE_CURSOR_FLAGS = 0x03;
export const DRM_VBLANK_ABSOLUTE = 0x0, DRM_VBLANK_RELATIVE = 0x1;
export const DRM_VBLANK_HIGH_CRTC_MASK = 0x0000003e, DRM_VBLANK_HIGH_CRTC_SHIFT = 1;
export const DRM_VBLANK_EVENT = 0x4000000, DRM_VBLANK_FLIP = 0x8000000, DRM_VBLANK_NEXTONMISS = 0x10000000;
export const DRM_VBLANK_SECONDARY = 0x20000000, DRM_VBLANK_SIGNAL = 0x40000000;
export const DRM_VBLANK_TYPES_MASK = DRM_VBLANK_ABSOLUTE | DRM_VBLANK_RELATIVE;
export const DRM_VBLANK_FLAGS_MASK = DRM_VBLANK_EVENT | DRM_VBLANK_SIGNAL | DRM_VBLANK_SECONDARY | DRM_VBLANK_NEXTONMISS;
export const DRM_CRTC_SEQUENCE_RELATIVE = 0x1, DRM_CRTC_SEQUENCE_NEXT_ON_MISS = 0x2;

// --- caps (drm.h)
export const DRM_CAP_VBLANK_HIGH_CRTC = 0x2, DRM_CAP_DUMB_PREFERRED_DEPTH = 0x3, DRM_CAP_DUMB_PREFER_SHADOW = 0x4;
export const DRM_CAP_ASYNC_PAGE_FLIP = 0x7, DRM_CAP_CURSOR_WIDTH = 0x8, DRM_CAP_CURSOR_HEIGHT = 0x9;
export const DRM_CAP_ADDFB2_MODIFIERS = 0x10, DRM_CAP_PAGE_FLIP_TARGET = 0x11, DRM_CAP_CRTC_IN_VBLANK_EVENT = 0x12;
export const DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP = 0x15;

const d = (name: string, nr: number, s: CStruct): IoctlDef & { readonly struct: CStruct } => ({ name, request: IOWR(nr, s.size), struct: s });
export const DRM_MODE_IOCTL = {
  WAIT_VBLANK: d('DRM_IOCTL_WAIT_VBLANK', 0x3a, drm_wait_vblank),
  CRTC_GET_SEQUENCE: d('DRM_IOCTL_CRTC_GET_SEQUENCE', 0x3b, drm_crtc_get_sequence),
  CRTC_QUEUE_SEQUENCE: d('DRM_IOCTL_CRTC_QUEUE_SEQUENCE', 0x3c, drm_crtc_queue_sequence),
  GETRESOURCES: d('DRM_IOCTL_MODE_GETRESOURCES', 0xa0, drm_mode_card_res),
  GETCRTC: d('DRM_IOCTL_MODE_GETCRTC', 0xa1, drm_mode_crtc),
  SETCRTC: d('DRM_IOCTL_MODE_SETCRTC', 0xa2, drm_mode_crtc),
  CURSOR: d('DRM_IOCTL_MODE_CURSOR', 0xa3, drm_mode_cursor),
  GETENCODER: d('DRM_IOCTL_MODE_GETENCODER', 0xa6, drm_mode_get_encoder),
  GETCONNECTOR: d('DRM_IOCTL_MODE_GETCONNECTOR', 0xa7, drm_mode_get_connector),
  GETPROPERTY: d('DRM_IOCTL_MODE_GETPROPERTY', 0xaa, drm_mode_get_property),
  SETPROPERTY: d('DRM_IOCTL_MODE_SETPROPERTY', 0xab, drm_mode_connector_set_property),
  GETPROPBLOB: d('DRM_IOCTL_MODE_GETPROPBLOB', 0xac, drm_mode_get_blob),
  GETFB: d('DRM_IOCTL_MODE_GETFB', 0xad, drm_mode_fb_cmd),
  ADDFB: d('DRM_IOCTL_MODE_ADDFB', 0xae, drm_mode_fb_cmd),
  RMFB: d('DRM_IOCTL_MODE_RMFB', 0xaf, drm_mode_rmfb),
  PAGE_FLIP: d('DRM_IOCTL_MODE_PAGE_FLIP', 0xb0, drm_mode_crtc_page_flip),
  CREATE_DUMB: d('DRM_IOCTL_MODE_CREATE_DUMB', 0xb2, drm_mode_create_dumb),
  MAP_DUMB: d('DRM_IOCTL_MODE_MAP_DUMB', 0xb3, drm_mode_map_dumb),
  DESTROY_DUMB: d('DRM_IOCTL_MODE_DESTROY_DUMB', 0xb4, drm_mode_destroy_dumb),
  GETPLANERESOURCES: d('DRM_IOCTL_MODE_GETPLANERESOURCES', 0xb5, drm_mode_get_plane_res),
  GETPLANE: d('DRM_IOCTL_MODE_GETPLANE', 0xb6, drm_mode_get_plane),
  SETPLANE: d('DRM_IOCTL_MODE_SETPLANE', 0xb7, drm_mode_set_plane),
  ADDFB2: d('DRM_IOCTL_MODE_ADDFB2', 0xb8, drm_mode_fb_cmd2),
  OBJ_GETPROPERTIES: d('DRM_IOCTL_MODE_OBJ_GETPROPERTIES', 0xb9, drm_mode_obj_get_properties),
  OBJ_SETPROPERTY: d('DRM_IOCTL_MODE_OBJ_SETPROPERTY', 0xba, drm_mode_obj_set_property),
  CURSOR2: d('DRM_IOCTL_MODE_CURSOR2', 0xbb, drm_mode_cursor2),
  ATOMIC: d('DRM_IOCTL_MODE_ATOMIC', 0xbc, drm_mode_atomic),
  CREATEPROPBLOB: d('DRM_IOCTL_MODE_CREATEPROPBLOB', 0xbd, drm_mode_create_blob),
  DESTROYPROPBLOB: d('DRM_IOCTL_MODE_DESTROYPROPBLOB', 0xbe, drm_mode_destroy_blob),
  CLOSEFB: d('DRM_IOCTL_MODE_CLOSEFB', 0xd0, drm_mode_closefb),
} as const;

/** Reads the index-th element of a u32/u64 array field from raw struct bytes (u64 as bigint, exactly). */
export function rawField(s: CStruct, raw: Uint8Array, name: string, index = 0): bigint {
  const f = s.byName.get(name)!;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size = f.type === 'u64' || f.type === 's64' ? 8 : f.type === 'u16' ? 2 : f.type === 'u8' ? 1 : 4;
  const o = f.offset + index * size;
  switch (f.type) {
    case 'u64': return dv.getBigUint64(o, true);
    case 's64': return dv.getBigInt64(o, true);
    case 'u32': return BigInt(dv.getUint32(o, true));
    case 's32': return BigInt(dv.getInt32(o, true));
    case 'u16': return BigInt(dv.getUint16(o, true));
    case 'u8': return BigInt(dv.getUint8(o));
  }
}
export function setRawField(s: CStruct, raw: Uint8Array, name: string, index: number, v: bigint): void {
  const f = s.byName.get(name)!;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size = f.type === 'u64' || f.type === 's64' ? 8 : f.type === 'u16' ? 2 : f.type === 'u8' ? 1 : 4;
  const o = f.offset + index * size;
  switch (f.type) {
    case 'u64': case 's64': dv.setBigUint64(o, BigInt.asUintN(64, v), true); break;
    case 'u32': case 's32': dv.setUint32(o, Number(BigInt.asUintN(32, v)), true); break;
    case 'u16': dv.setUint16(o, Number(v & 0xffffn), true); break;
    case 'u8': dv.setUint8(o, Number(v & 0xffn)); break;
  }
}

/** A display mode as user space sees it (struct drm_mode_modeinfo). */
export interface ModeInfo {
  clock: number;
  hdisplay: number; hsync_start: number; hsync_end: number; htotal: number; hskew: number;
  vdisplay: number; vsync_start: number; vsync_end: number; vtotal: number; vscan: number;
  vrefresh: number; flags: number; type: number; name: string;
}
export function encodeModeInfo(m: ModeInfo, out: Uint8Array = new Uint8Array(drm_mode_modeinfo.size), at = 0): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset + at, drm_mode_modeinfo.size);
  dv.setUint32(0, m.clock, true);
  [m.hdisplay, m.hsync_start, m.hsync_end, m.htotal, m.hskew, m.vdisplay, m.vsync_start, m.vsync_end, m.vtotal, m.vscan]
    .forEach((v, i) => dv.setUint16(4 + i * 2, v, true));
  dv.setUint32(24, m.vrefresh, true); dv.setUint32(28, m.flags, true); dv.setUint32(32, m.type, true);
  const name = new TextEncoder().encode(m.name.slice(0, DRM_DISPLAY_MODE_LEN - 1));
  for (let i = 0; i < DRM_DISPLAY_MODE_LEN; i++) dv.setUint8(36 + i, name[i] ?? 0);
  return out;
}
export function decodeModeInfo(b: Uint8Array, at = 0): ModeInfo {
  const dv = new DataView(b.buffer, b.byteOffset + at, drm_mode_modeinfo.size);
  const u16 = (i: number) => dv.getUint16(4 + i * 2, true);
  const nameBytes = b.subarray(at + 36, at + 36 + DRM_DISPLAY_MODE_LEN);
  const end = nameBytes.indexOf(0);
  return {
    clock: dv.getUint32(0, true), hdisplay: u16(0), hsync_start: u16(1), hsync_end: u16(2), htotal: u16(3), hskew: u16(4),
    vdisplay: u16(5), vsync_start: u16(6), vsync_end: u16(7), vtotal: u16(8), vscan: u16(9),
    vrefresh: dv.getUint32(24, true), flags: dv.getUint32(28, true), type: dv.getUint32(32, true),
    name: new TextDecoder().decode(nameBytes.subarray(0, end < 0 ? DRM_DISPLAY_MODE_LEN : end)),
  };
}
/** drm_mode_vrefresh: refresh rate in Hz, rounded to the closest integer. */
export function modeVrefresh(m: Pick<ModeInfo, 'clock' | 'htotal' | 'vtotal' | 'flags' | 'vscan'>): number {
  if (m.htotal === 0 || m.vtotal === 0) return 0;
  let num = m.clock * 1000, den = m.htotal * m.vtotal;
  if (m.flags & DRM_MODE_FLAG_INTERLACE) num *= 2;
  if (m.flags & DRM_MODE_FLAG_DBLSCAN) den *= 2;
  if (m.vscan > 1) den *= m.vscan;
  return Math.round(num / den);
}
