/**
 * The Akari driver UAPI (akari_drm.h): driver ioctls in the driver range
 * 0x40-0x9f, modelled on Asahi's and Panthor's explicit-sync designs.
 * Reserved and pad fields must be zero; arrays travel through user pointers
 * with a stride, so structures can grow (a larger stride with a zero tail is
 * accepted, a smaller one is EINVAL).
 *
 * Floats (clear colours) travel as their IEEE-754 bit patterns in u32s so
 * the UAPI holds only fixed-size integers.
 */
import { cstruct } from './cstruct.js';
import { DRM_COMMAND_BASE, IOWR } from './ioctl.js';
import type { IoctlDef } from './drm.js';

export const AKARI_DRIVER_NAME = 'akari';
export const AKARI_DRIVER_DATE = '20261121';
export const AKARI_DRIVER_DESC = 'Akari virtual GPU';
/**
 * 1.1: render-command timeouts, queue bans (ECANCELED) and GET_STATE. 1.2: several colour render targets
 * per command. 1.3: multisampling. 1.4: the planar depth/stencil format d32f_s8 and its stencil surface.
 */
export const AKARI_VERSION = { major: 1, minor: 4, patch: 0 };

export const drm_akari_get_params = cstruct('drm_akari_get_params', [
  ['param_group', 'u32'], ['pad', 'u32'], ['pointer', 'u64'], ['size', 'u64'],
]);
export const drm_akari_params_global = cstruct('drm_akari_params_global', [
  ['gpu_id', 'u32'], ['gpu_revision', 'u32'], ['fw_abi', 'u32'], ['num_as', 'u32'],
  ['vm_user_start', 'u64'], ['vm_user_end', 'u64'], ['page_size', 'u32'], ['tile_size', 'u32'],
  ['mem_size', 'u64'], ['max_commands_per_submission', 'u32'], ['timestamp_frequency_hz', 'u32'],
  ['features', 'u64'],
]);
export const drm_akari_get_time = cstruct('drm_akari_get_time', [['flags', 'u32'], ['pad', 'u32'], ['gpu_timestamp', 'u64']]);
export const drm_akari_gem_create = cstruct('drm_akari_gem_create', [['size', 'u64'], ['flags', 'u32'], ['handle', 'u32']]);
export const drm_akari_gem_mmap_offset = cstruct('drm_akari_gem_mmap_offset', [['handle', 'u32'], ['flags', 'u32'], ['offset', 'u64']]);
export const drm_akari_vm_create = cstruct('drm_akari_vm_create', [['flags', 'u32'], ['vm_id', 'u32']]);
export const drm_akari_vm_destroy = cstruct('drm_akari_vm_destroy', [['vm_id', 'u32'], ['pad', 'u32']]);
/**
 * VM_BIND. The sync fields were added after the first version (24 bytes):
 * a short struct is zero-extended and means "no syncs". `syncs` points to
 * in_sync_count waits followed by out_sync_count signals (drm_akari_sync).
 */
export const drm_akari_vm_bind = cstruct('drm_akari_vm_bind', [
  ['vm_id', 'u32'], ['num_binds', 'u32'], ['stride', 'u32'], ['pad', 'u32'], ['userptr', 'u64'],
  ['syncs', 'u64'], ['in_sync_count', 'u32'], ['out_sync_count', 'u32'],
]);
export const DRM_AKARI_VM_BIND_V1_SIZE = 24;
export const drm_akari_vm_bind_op = cstruct('drm_akari_vm_bind_op', [
  ['flags', 'u32'], ['handle', 'u32'], ['offset', 'u64'], ['range', 'u64'], ['addr', 'u64'],
]);
export const AKARI_BIND_UNBIND = 1 << 0;
export const AKARI_BIND_READ = 1 << 1;
export const AKARI_BIND_WRITE = 1 << 2;
export const AKARI_BIND_EXEC = 1 << 3;
export const AKARI_BIND_FLAGS = AKARI_BIND_UNBIND | AKARI_BIND_READ | AKARI_BIND_WRITE | AKARI_BIND_EXEC;

export const drm_akari_queue_create = cstruct('drm_akari_queue_create', [
  ['flags', 'u32'], ['vm_id', 'u32'], ['priority', 'u32'], ['queue_id', 'u32'],
]);
export const drm_akari_queue_destroy = cstruct('drm_akari_queue_destroy', [['queue_id', 'u32'], ['pad', 'u32']]);

export const drm_akari_sync = cstruct('drm_akari_sync', [['sync_type', 'u32'], ['handle', 'u32'], ['timeline_value', 'u64']]);
export const AKARI_SYNC_SYNCOBJ = 0, AKARI_SYNC_TIMELINE_SYNCOBJ = 1;

export const drm_akari_submit = cstruct('drm_akari_submit', [
  ['syncs', 'u64'], ['cmds', 'u64'], ['flags', 'u32'], ['queue_id', 'u32'],
  ['in_sync_count', 'u32'], ['out_sync_count', 'u32'], ['cmd_count', 'u32'], ['cmd_stride', 'u32'],
]);

export const AKARI_CMD_RENDER = 0;
/** load_store flags of a render command */
export const AKARI_RENDER_COLOR_CLEAR = 1 << 0;
export const AKARI_RENDER_COLOR_LOAD = 1 << 1;
export const AKARI_RENDER_COLOR_STORE = 1 << 2;
export const AKARI_RENDER_ZS_CLEAR = 1 << 3;
export const AKARI_RENDER_ZS_LOAD = 1 << 4;
export const AKARI_RENDER_ZS_STORE = 1 << 5;
export const AKARI_RENDER_FLAGS = 0x3f;

export const drm_akari_cmd_render = cstruct('drm_akari_cmd_render', [
  ['cmd_type', 'u32'], ['flags', 'u32'],
  ['draws', 'u64'], ['tiler_heap', 'u64'], ['tiler_heap_size', 'u32'],
  ['width', 'u16'], ['height', 'u16'],
  ['color_format', 'u32'], ['color_layout', 'u32'], ['color', 'u64'], ['color_stride', 'u32'], ['load_store', 'u32'],
  ['clear_r', 'u32'], ['clear_g', 'u32'], ['clear_b', 'u32'], ['clear_a', 'u32'],
  ['zs', 'u64'], ['zs_stride', 'u32'], ['zs_format', 'u32'], ['zs_layout', 'u32'], ['clear_depth', 'u32'],
  ['clear_stencil', 'u32'], ['result_handle', 'u32'], ['result_offset', 'u64'],
  // timeout_ms took the first half of what was reserved0 (u64): zero, as old binaries write, means the default
  ['timeout_ms', 'u32'], ['reserved0', 'u32'], ['reserved1', 'u64'],
  // since 1.2: colour render targets. color_count 0 or 1 is the target above alone (what a
  // 1.1 binary's shorter command means); n > 1 adds n - 1 drm_akari_render_target entries at
  // color_targets for targets 1..n-1, which share the size, load/store flags and clear colour.
  ['color_count', 'u32'], ['pad1', 'u32'], ['color_targets', 'u64'],
  // since 1.3: multisampling. samples 0 or 1: single-sampled; 4: every colour and depth/stencil
  // surface loaded or stored holds 4 samples per pixel (4 sample images one after another, each
  // stride x height bytes: hwdesc msaaPlaneBytes). resolve != 0: at the end of each tile, colour
  // target 0's samples are averaged and stored single-sampled there (same format and layout as target 0).
  ['samples', 'u32'], ['resolve_stride', 'u32'], ['resolve', 'u64'],
  // since 1.4: zs_format 4 (hwdesc ZS_FORMAT d32f_s8, ES 3.0 DEPTH32F_STENCIL8) is planar: `zs` holds
  // the float32 depths (4 bytes a pixel) and `stencil` the stencil indices, one byte a pixel, stencil_stride
  // bytes a row, zs_layout, its sample images one after another as zs's. Both 0 for any other format.
  ['stencil', 'u64'], ['stencil_stride', 'u32'], ['pad2', 'u32'],
]);
/** The 1.3 command, without the stencil surface: accepted as a stride, zero-extended. */
export const DRM_AKARI_CMD_RENDER_V3_SIZE = 160;
/** The 1.2 command, without the multisampling fields: accepted as a stride, zero-extended. */
export const DRM_AKARI_CMD_RENDER_V2_SIZE = 144;
/** The 1.1 command, without the render-target fields: accepted as a stride, zero-extended. */
export const DRM_AKARI_CMD_RENDER_V1_SIZE = 128;
/**
 * A colour render target beyond the first (since 1.2). color = 0: nothing is
 * attached there (fragment outputs to it are dropped), as a GL framebuffer
 * may leave an attachment point empty.
 */
export const drm_akari_render_target = cstruct('drm_akari_render_target', [
  ['color', 'u64'], ['color_stride', 'u32'], ['color_format', 'u32'], ['color_layout', 'u32'], ['pad', 'u32'],
]);
/** Colour render targets a command may have (the hardware's, hwdesc MAX_RENDER_TARGETS). */
export const AKARI_MAX_RENDER_TARGETS = 8;
/** A render command's timeout when timeout_ms is 0, and the most it may ask for (ms). */
export const AKARI_DEFAULT_TIMEOUT_MS = 10_000;
export const AKARI_MAX_TIMEOUT_MS = 60_000;

/** Written by the kernel into the submitter's result BO when a render command completes. */
export const drm_akari_result = cstruct('drm_akari_result', [
  ['status', 'u32'], ['fault_access', 'u32'], ['fault_addr', 'u64'], ['fault_as', 'u32'], ['partial_renders', 'u32'],
  ['ts_start', 'u64'], ['ts_end', 'u64'],
]);
export const AKARI_STATUS = ['complete', 'fault', 'timeout', 'invalid', 'unknown', 'killed'] as const;

/**
 * GET_STATE (since 1.1): whether a queue or a VM has been blamed for a hang
 * or a fault, or lost work to a GPU reset — the robustness query GL's
 * GetGraphicsResetStatus and WebGL's context loss are built on (Asahi's "get
 * VM state", Panthor's group state). A guilty or lost queue is banned: every
 * later SUBMIT on it fails with ECANCELED. A VM reports the worst state of
 * its queues. Fixed layout; a later version may only grow it at the end.
 */
export const drm_akari_get_state = cstruct('drm_akari_get_state', [
  ['object', 'u32'], ['id', 'u32'], ['flags', 'u32'], ['state', 'u32'],
  ['guilty_jobs', 'u32'], ['lost_jobs', 'u32'], ['device_resets', 'u32'], ['pad', 'u32'],
]);
export const AKARI_OBJECT_QUEUE = 0, AKARI_OBJECT_VM = 1;
/** GET_STATE's `state`. */
export const AKARI_CONTEXT_STATE = ['innocent', 'guilty_timeout', 'guilty_fault', 'lost'] as const;
export type AkariContextState = (typeof AKARI_CONTEXT_STATE)[number];
/** GET_PARAMS `features` bits. */
export const AKARI_FEATURE_JOB_TIMEOUT = 1 << 0;
export const AKARI_FEATURE_GET_STATE = 1 << 1;
/** render commands take color_count / color_targets (UAPI 1.2) */
export const AKARI_FEATURE_RENDER_TARGETS = 1 << 2;
/** render commands take samples / resolve (UAPI 1.3): 4x multisampling, resolved on-chip */
export const AKARI_FEATURE_MSAA = 1 << 3;
/** render commands take zs_format d32f_s8 with its stencil surface (UAPI 1.4) */
export const AKARI_FEATURE_D32F_S8 = 1 << 4;

/** GEM madvise (as panfrost's): mark a buffer purgeable; `retained` is 0 once it was purged. */
export const drm_akari_gem_madvise = cstruct('drm_akari_gem_madvise', [['handle', 'u32'], ['madv', 'u32'], ['retained', 'u32'], ['pad', 'u32']]);
export const AKARI_MADV_WILLNEED = 0, AKARI_MADV_DONTNEED = 1;

const nr = (n: number) => DRM_COMMAND_BASE + n;
export const AKARI_IOCTL = {
  GET_PARAMS: { name: 'AKARI_GET_PARAMS', request: IOWR(nr(0), drm_akari_get_params.size), struct: drm_akari_get_params },
  GET_TIME: { name: 'AKARI_GET_TIME', request: IOWR(nr(1), drm_akari_get_time.size), struct: drm_akari_get_time },
  GEM_CREATE: { name: 'AKARI_GEM_CREATE', request: IOWR(nr(2), drm_akari_gem_create.size), struct: drm_akari_gem_create },
  GEM_MMAP_OFFSET: { name: 'AKARI_GEM_MMAP_OFFSET', request: IOWR(nr(3), drm_akari_gem_mmap_offset.size), struct: drm_akari_gem_mmap_offset },
  VM_CREATE: { name: 'AKARI_VM_CREATE', request: IOWR(nr(4), drm_akari_vm_create.size), struct: drm_akari_vm_create },
  VM_DESTROY: { name: 'AKARI_VM_DESTROY', request: IOWR(nr(5), drm_akari_vm_destroy.size), struct: drm_akari_vm_destroy },
  VM_BIND: { name: 'AKARI_VM_BIND', request: IOWR(nr(6), drm_akari_vm_bind.size), struct: drm_akari_vm_bind },
  QUEUE_CREATE: { name: 'AKARI_QUEUE_CREATE', request: IOWR(nr(7), drm_akari_queue_create.size), struct: drm_akari_queue_create },
  QUEUE_DESTROY: { name: 'AKARI_QUEUE_DESTROY', request: IOWR(nr(8), drm_akari_queue_destroy.size), struct: drm_akari_queue_destroy },
  SUBMIT: { name: 'AKARI_SUBMIT', request: IOWR(nr(9), drm_akari_submit.size), struct: drm_akari_submit },
  GEM_MADVISE: { name: 'AKARI_GEM_MADVISE', request: IOWR(nr(10), drm_akari_gem_madvise.size), struct: drm_akari_gem_madvise },
  GET_STATE: { name: 'AKARI_GET_STATE', request: IOWR(nr(11), drm_akari_get_state.size), struct: drm_akari_get_state },
} as const satisfies Record<string, IoctlDef>;
