/**
 * The DRM core UAPI: Linux's request numbers and argument layouts from
 * include/uapi/drm/drm.h (LP64), so a client written against those headers
 * works unchanged.
 */
import { cstruct, type CStruct } from './cstruct.js';
import { IO, IOR, IOW, IOWR } from './ioctl.js';

export const drm_version = cstruct('drm_version', [
  ['version_major', 's32'], ['version_minor', 's32'], ['version_patchlevel', 's32'],
  ['name_len', 'u64'], ['name', 'u64'], ['date_len', 'u64'], ['date', 'u64'], ['desc_len', 'u64'], ['desc', 'u64'],
]);
export const drm_auth = cstruct('drm_auth', [['magic', 'u32']]);
export const drm_gem_close = cstruct('drm_gem_close', [['handle', 'u32'], ['pad', 'u32']]);
export const drm_gem_flink = cstruct('drm_gem_flink', [['handle', 'u32'], ['name', 'u32']]);
export const drm_gem_open = cstruct('drm_gem_open', [['name', 'u32'], ['handle', 'u32'], ['size', 'u64']]);
export const drm_unique = cstruct('drm_unique', [['unique_len', 'u64'], ['unique', 'u64']]);
export const drm_client = cstruct('drm_client', [
  ['idx', 's32'], ['auth', 's32'], ['pid', 'u64'], ['uid', 'u64'], ['magic', 'u64'], ['iocs', 'u64'],
]);
export const drm_get_cap = cstruct('drm_get_cap', [['capability', 'u64'], ['value', 'u64']]);
export const drm_set_client_cap = cstruct('drm_set_client_cap', [['capability', 'u64'], ['value', 'u64']]);
export const drm_prime_handle = cstruct('drm_prime_handle', [['handle', 'u32'], ['flags', 'u32'], ['fd', 's32']]);
export const drm_syncobj_create = cstruct('drm_syncobj_create', [['handle', 'u32'], ['flags', 'u32']]);
export const drm_syncobj_destroy = cstruct('drm_syncobj_destroy', [['handle', 'u32'], ['pad', 'u32']]);
export const drm_syncobj_handle = cstruct('drm_syncobj_handle', [['handle', 'u32'], ['flags', 'u32'], ['fd', 's32'], ['pad', 'u32']]);
export const drm_syncobj_transfer = cstruct('drm_syncobj_transfer', [
  ['src_handle', 'u32'], ['dst_handle', 'u32'], ['src_point', 'u64'], ['dst_point', 'u64'], ['flags', 'u32'], ['pad', 'u32'],
]);
export const drm_syncobj_wait = cstruct('drm_syncobj_wait', [
  ['handles', 'u64'], ['timeout_nsec', 's64'], ['count_handles', 'u32'], ['flags', 'u32'], ['first_signaled', 'u32'],
  ['pad', 'u32'], ['deadline_nsec', 'u64'],
]);
export const drm_syncobj_timeline_wait = cstruct('drm_syncobj_timeline_wait', [
  ['handles', 'u64'], ['points', 'u64'], ['timeout_nsec', 's64'], ['count_handles', 'u32'], ['flags', 'u32'],
  ['first_signaled', 'u32'], ['pad', 'u32'], ['deadline_nsec', 'u64'],
]);
export const drm_syncobj_array = cstruct('drm_syncobj_array', [['handles', 'u64'], ['count_handles', 'u32'], ['pad', 'u32']]);
export const drm_syncobj_timeline_array = cstruct('drm_syncobj_timeline_array', [
  ['handles', 'u64'], ['points', 'u64'], ['count_handles', 'u32'], ['flags', 'u32'],
]);

export const DRM_CAP_DUMB_BUFFER = 0x1;
export const DRM_CAP_TIMESTAMP_MONOTONIC = 0x6;
export const DRM_CAP_PRIME = 0x5;
export const DRM_PRIME_CAP_IMPORT = 0x1, DRM_PRIME_CAP_EXPORT = 0x2;
export const DRM_CAP_SYNCOBJ = 0x13;
export const DRM_CAP_SYNCOBJ_TIMELINE = 0x14;
export const DRM_CLIENT_CAP_STEREO_3D = 1, DRM_CLIENT_CAP_UNIVERSAL_PLANES = 2, DRM_CLIENT_CAP_ATOMIC = 3;
export const DRM_CLIENT_CAP_ASPECT_RATIO = 4, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS = 5, DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT = 6;

export const DRM_CLOEXEC = 0o2000000, DRM_RDWR = 0o2;
export const DRM_SYNCOBJ_CREATE_SIGNALED = 1 << 0;
export const DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE = 1 << 0;
export const DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE = 1 << 0;
export const DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL = 1 << 0;
export const DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT = 1 << 1;
export const DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE = 1 << 2;
export const DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE = 1 << 3;
export const DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED = 1 << 0;

export interface IoctlDef { readonly name: string; readonly request: number; readonly struct: CStruct | null }
function def(name: string, request: number, struct: CStruct | null): IoctlDef { return { name, request, struct }; }

export const DRM_IOCTL = {
  VERSION: def('DRM_IOCTL_VERSION', IOWR(0x00, drm_version.size), drm_version),
  GET_MAGIC: def('DRM_IOCTL_GET_MAGIC', IOR(0x02, drm_auth.size), drm_auth),
  GET_UNIQUE: def('DRM_IOCTL_GET_UNIQUE', IOWR(0x01, drm_unique.size), drm_unique),
  GET_CLIENT: def('DRM_IOCTL_GET_CLIENT', IOWR(0x05, drm_client.size), drm_client),
  GEM_CLOSE: def('DRM_IOCTL_GEM_CLOSE', IOW(0x09, drm_gem_close.size), drm_gem_close),
  GEM_FLINK: def('DRM_IOCTL_GEM_FLINK', IOWR(0x0a, drm_gem_flink.size), drm_gem_flink),
  GEM_OPEN: def('DRM_IOCTL_GEM_OPEN', IOWR(0x0b, drm_gem_open.size), drm_gem_open),
  GET_CAP: def('DRM_IOCTL_GET_CAP', IOWR(0x0c, drm_get_cap.size), drm_get_cap),
  SET_CLIENT_CAP: def('DRM_IOCTL_SET_CLIENT_CAP', IOW(0x0d, drm_set_client_cap.size), drm_set_client_cap),
  AUTH_MAGIC: def('DRM_IOCTL_AUTH_MAGIC', IOW(0x11, drm_auth.size), drm_auth),
  SET_MASTER: def('DRM_IOCTL_SET_MASTER', IO(0x1e), null),
  DROP_MASTER: def('DRM_IOCTL_DROP_MASTER', IO(0x1f), null),
  PRIME_HANDLE_TO_FD: def('DRM_IOCTL_PRIME_HANDLE_TO_FD', IOWR(0x2d, drm_prime_handle.size), drm_prime_handle),
  PRIME_FD_TO_HANDLE: def('DRM_IOCTL_PRIME_FD_TO_HANDLE', IOWR(0x2e, drm_prime_handle.size), drm_prime_handle),
  SYNCOBJ_CREATE: def('DRM_IOCTL_SYNCOBJ_CREATE', IOWR(0xbf, drm_syncobj_create.size), drm_syncobj_create),
  SYNCOBJ_DESTROY: def('DRM_IOCTL_SYNCOBJ_DESTROY', IOWR(0xc0, drm_syncobj_destroy.size), drm_syncobj_destroy),
  SYNCOBJ_HANDLE_TO_FD: def('DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD', IOWR(0xc1, drm_syncobj_handle.size), drm_syncobj_handle),
  SYNCOBJ_FD_TO_HANDLE: def('DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE', IOWR(0xc2, drm_syncobj_handle.size), drm_syncobj_handle),
  SYNCOBJ_WAIT: def('DRM_IOCTL_SYNCOBJ_WAIT', IOWR(0xc3, drm_syncobj_wait.size), drm_syncobj_wait),
  SYNCOBJ_RESET: def('DRM_IOCTL_SYNCOBJ_RESET', IOWR(0xc4, drm_syncobj_array.size), drm_syncobj_array),
  SYNCOBJ_SIGNAL: def('DRM_IOCTL_SYNCOBJ_SIGNAL', IOWR(0xc5, drm_syncobj_array.size), drm_syncobj_array),
  SYNCOBJ_TIMELINE_WAIT: def('DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT', IOWR(0xca, drm_syncobj_timeline_wait.size), drm_syncobj_timeline_wait),
  SYNCOBJ_QUERY: def('DRM_IOCTL_SYNCOBJ_QUERY', IOWR(0xcb, drm_syncobj_timeline_array.size), drm_syncobj_timeline_array),
  SYNCOBJ_TRANSFER: def('DRM_IOCTL_SYNCOBJ_TRANSFER', IOWR(0xcc, drm_syncobj_transfer.size), drm_syncobj_transfer),
  SYNCOBJ_TIMELINE_SIGNAL: def('DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL', IOWR(0xcd, drm_syncobj_timeline_array.size), drm_syncobj_timeline_array),
} as const;
