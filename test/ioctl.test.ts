/** Bad ioctl input gets Linux's errno and changes nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { DrmDevice, DrmError } from '../src/libdrm/libdrm.js';
import { IOC, IOWR, DRM_IOCTL_BASE } from '../src/uapi/ioctl.js';
import {
  AKARI_IOCTL, AKARI_BIND_READ, drm_akari_gem_mmap_offset, AKARI_CMD_RENDER, AKARI_FEATURE_RENDER_TARGETS, AKARI_RENDER_COLOR_STORE, AKARI_RENDER_COLOR_CLEAR,
  AKARI_FEATURE_MSAA, AKARI_RENDER_COLOR_LOAD, AKARI_FEATURE_D32F_S8, AKARI_RENDER_ZS_CLEAR, AKARI_RENDER_ZS_STORE, AKARI_VERSION,
  DRM_AKARI_CMD_RENDER_V1_SIZE, DRM_AKARI_CMD_RENDER_V2_SIZE, DRM_AKARI_CMD_RENDER_V3_SIZE, drm_akari_cmd_render,
} from '../src/uapi/akari.js';
import { peek, poke } from './drm-helpers.js';
import { DRM_IOCTL } from '../src/uapi/drm.js';
import { writeStruct } from '../src/uapi/cstruct.js';
import { withMachine, FIRMWARES } from './helpers.js';
import type { Machine } from '../src/machine/machine.js';

function errnoOf(fn: () => unknown): number {
  try { fn(); } catch (e) { if (e instanceof DrmError) return e.errno; throw e; }
  return 0;
}

function setup(m: Machine) {
  const sys = m.spawn();
  const drm = DrmDevice.open(sys);
  return { sys, drm };
}

for (const fw of FIRMWARES) {
  test(`unknown and malformed ioctls (fw ${fw})`, () => {
    withMachine({ deterministic: true, firmware: fw }, (m) => {
      const { sys, drm } = setup(m);
      const arg = drm.heap.alloc(64);
      // not a DRM ioctl at all
      assert.equal(sys.ioctl(drm.fd, IOC(3, 0x54, 1, 8), arg), -Errno.ENOTTY);
      // an unused number in the driver range
      assert.equal(sys.ioctl(drm.fd, IOWR(0x9f, 8), arg), -Errno.EINVAL);
      // a short struct: GEM_MMAP_OFFSET with 8 of its 16 bytes is zero-extended (drm_ioctl); handle 0 is no handle
      assert.equal(sys.ioctl(drm.fd, IOWR(0x43, 8), arg), -Errno.ENOENT);
      assert.equal(drm_akari_gem_mmap_offset.size, 16);
      // a bad user pointer
      assert.equal(sys.ioctl(drm.fd, AKARI_IOCTL.GEM_CREATE.request, 0x7), -Errno.EFAULT);
      // an fd that is not open
      assert.equal(sys.ioctl(999, DRM_IOCTL.VERSION.request, arg), -Errno.EBADF);
    });
  });

  test(`reserved fields, unknown handles (fw ${fw})`, () => {
    withMachine({ deterministic: true, firmware: fw }, (m) => {
      const { drm } = setup(m);
      const before = m.driver.liveObjects();
      assert.equal(errnoOf(() => drm.ioctl(AKARI_IOCTL.GEM_CREATE, { size: 4096, flags: 1 })), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.ioctl(AKARI_IOCTL.GEM_CREATE, { size: 0 })), Errno.EINVAL);
      assert.deepEqual(m.driver.liveObjects(), before, 'failed creates allocate nothing');
      const h = drm.akariGemCreate(16384);
      assert.equal(errnoOf(() => drm.ioctl(AKARI_IOCTL.GEM_MMAP_OFFSET, { handle: h, flags: 1 })), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.ioctl(AKARI_IOCTL.GEM_MMAP_OFFSET, { handle: 999 })), Errno.ENOENT);
      assert.equal(errnoOf(() => drm.ioctl(DRM_IOCTL.GEM_CLOSE, { handle: 999 })), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.ioctl(DRM_IOCTL.GEM_CLOSE, { handle: h, pad: 1 })), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.ioctl(DRM_IOCTL.SYNCOBJ_DESTROY, { handle: 77 })), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.ioctl(DRM_IOCTL.SYNCOBJ_CREATE, { flags: 2 })), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.ioctl(AKARI_IOCTL.VM_DESTROY, { vm_id: 5 })), Errno.ENOENT);
      assert.equal(errnoOf(() => drm.ioctl(AKARI_IOCTL.QUEUE_CREATE, { vm_id: 42 })), Errno.ENOENT);
      assert.equal(errnoOf(() => drm.syncobjWait([5], 0)), Errno.ENOENT);
      // the handle still works after all those failures
      assert.ok(drm.akariGemMmapOffset(h) > 0);
      drm.gemClose(h);
      assert.deepEqual(m.driver.liveObjects(), before, 'closing the handle freed the object');
    });
  });

  test(`VM_BIND: overlapping maps, ranges outside the user VA, atomicity (fw ${fw})`, () => {
    withMachine({ deterministic: true, firmware: fw }, (m) => {
      const { drm } = setup(m);
      const p = drm.akariParams();
      const vm = drm.akariVmCreate();
      const h = drm.akariGemCreate(4 * 16384);
      const base = p.vm_user_start!;
      drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 2 * 16384, addr: base }]);
      // mapping over an existing mapping (io-pgtable answers EEXIST)
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 16384, addr: base + 16384 }])), Errno.EEXIST);
      // outside the user range: below it, and reaching into the kernel half
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 16384, addr: 0 }])), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 16384, addr: p.vm_user_end! }])), Errno.EINVAL);
      // unaligned, past the object, unknown handle, unknown flags, no permissions
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 100, addr: base + 8 * 16384 }])), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 16384, range: 4 * 16384, addr: base + 8 * 16384 }])), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: 99, offset: 0, range: 16384, addr: base + 8 * 16384 }])), Errno.ENOENT);
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: 1 << 9, handle: h, offset: 0, range: 16384, addr: base + 8 * 16384 }])), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: 0, handle: h, offset: 0, range: 16384, addr: base + 8 * 16384 }])), Errno.EINVAL);
      // a stride smaller than an op
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 16384, addr: base + 8 * 16384 }], 16)), Errno.EINVAL);
      // two ops where the second fails: the first must not have been applied
      assert.equal(errnoOf(() => drm.akariVmBind(vm, [
        { flags: AKARI_BIND_READ, handle: h, offset: 0, range: 16384, addr: base + 8 * 16384 },
        { flags: AKARI_BIND_READ, handle: h, offset: 0, range: 16384, addr: base },
      ])), Errno.EEXIST);
      drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 16384, addr: base + 8 * 16384 }]);
      // unknown VM
      assert.equal(errnoOf(() => drm.akariVmBind(vm + 10, [{ flags: AKARI_BIND_READ, handle: h, offset: 0, range: 16384, addr: base + 12 * 16384 }])), Errno.ENOENT);
    });
  });

  test(`SUBMIT validation (fw ${fw})`, () => {
    withMachine({ deterministic: true, firmware: fw }, (m) => {
      const { drm } = setup(m);
      const p = drm.akariParams();
      const vm = drm.akariVmCreate();
      const q = drm.akariQueueCreate(vm);
      const heap = drm.akariGemCreate(65536);
      const base = p.vm_user_start!;
      const good = { cmd_type: AKARI_CMD_RENDER, width: 64, height: 64, tiler_heap: base, tiler_heap_size: 65536, color_format: 0 };
      const out = drm.syncobjCreate();
      assert.equal(errnoOf(() => drm.akariSubmit(q + 5, [good], [], [out])), Errno.ENOENT);
      assert.equal(errnoOf(() => drm.akariSubmit(q, [{ ...good, reserved0: 1 }], [], [out])), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.akariSubmit(q, [{ ...good, cmd_type: 7 }], [], [out])), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.akariSubmit(q, [{ ...good, width: 0 }], [], [out])), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.akariSubmit(q, [{ ...good, tiler_heap: 2 ** 46 }], [], [out])), Errno.EINVAL);
      assert.equal(errnoOf(() => drm.akariSubmit(q, [good], [], [999])), Errno.ENOENT);
      const empty = drm.syncobjCreate();
      assert.equal(errnoOf(() => drm.akariSubmit(q, [good], [empty], [out])), Errno.EINVAL, 'in-sync without a fence');
      assert.equal(m.driver.counters.submits, 0, 'nothing was submitted');
      // a valid submit of an empty render (heap bound) completes
      drm.akariVmBind(vm, [{ flags: AKARI_BIND_READ | 4, handle: heap, offset: 0, range: 65536, addr: base }]);
      drm.akariSubmit(q, [good], [], [out]);
      drm.syncobjWait([out], Number(process.hrtime.bigint()) + 5e9);
      assert.equal(m.driver.counters.completed, 1);
      void writeStruct; void DRM_IOCTL_BASE;
    });
  });

  test(`SUBMIT render targets (UAPI 1.2; fw ${fw})`, () => {
    withMachine({ deterministic: true, firmware: fw }, (m) => {
      const { drm } = setup(m);
      const p = drm.akariParams();
      assert.ok(p.features! & AKARI_FEATURE_RENDER_TARGETS);
      const vm = drm.akariVmCreate();
      const q = drm.akariQueueCreate(vm);
      const heap = drm.akariGemCreate(65536), color = drm.akariGemCreate(65536);
      const base = p.vm_user_start!, colorVa = base + 65536;
      drm.akariVmBind(vm, [
        { flags: AKARI_BIND_READ | 4, handle: heap, offset: 0, range: 65536, addr: base },
        { flags: AKARI_BIND_READ | 4, handle: color, offset: 0, range: 65536, addr: colorVa },
      ]);
      // 64 x 64 RGBA8: 16 KiB per target, four of them in the colour object
      const good = {
        cmd_type: AKARI_CMD_RENDER, width: 64, height: 64, tiler_heap: base, tiler_heap_size: 65536, color_format: 0,
        color: colorVa, color_stride: 256, load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE,
      };
      const target = (i: number) => ({ color: colorVa + i * 16384, color_stride: 256, color_format: 0, color_layout: 0 });
      const out = drm.syncobjCreate();
      const bad = (cmd: object, targets: object[] | undefined, why: string) =>
        assert.equal(errnoOf(() => drm.akariSubmit(q, [cmd], [], [out], [targets])), Errno.EINVAL, why);
      bad(good, Array.from({ length: 8 }, (_, i) => target(i % 4)), 'nine targets: more than the hardware has');
      bad({ ...good, color_targets: base }, undefined, 'a target array without a count');
      bad({ ...good, pad1: 1 }, undefined, 'padding');
      bad(good, [{ ...target(1), color_format: 99 }], 'unknown format');
      bad(good, [{ ...target(1), color_layout: 2 }], 'unknown layout');
      bad(good, [{ ...target(1), pad: 1 }], 'target padding');
      bad(good, [{ ...target(1), color_stride: 255 }], 'stride below 64 pixels x 4 bytes');
      bad(good, [{ ...target(1), color: 2 ** 46 }], 'outside the user half');
      assert.equal(m.driver.counters.submits, 0, 'nothing was submitted');
      // a target with no surface (color 0) needs no stride; four targets, one of them empty, are accepted and run
      drm.akariSubmit(q, [good], [], [out], [[target(1), { color: 0, color_stride: 0, color_format: 0, color_layout: 0 }, target(3)]]);
      drm.syncobjWait([out], Number(process.hrtime.bigint()) + 5e9);
      assert.equal(m.driver.counters.completed, 1);
      // a 1.1 binary's shorter command (no render-target fields) is accepted and means one target;
      // a stride below it is EINVAL; bytes past the known command must be zero
      const raw = (stride: number, tail = 0): number => {
        const cb = new Uint8Array(stride);
        const full = writeStruct(drm_akari_cmd_render, good);
        cb.set(full.subarray(0, Math.min(stride, full.length)));
        if (tail) cb[stride - 1] = tail;
        return errnoOf(() => drm.withArray(cb, (cp) => drm.ioctl(AKARI_IOCTL.SUBMIT, { queue_id: q, cmds: cp, cmd_count: 1, cmd_stride: stride })));
      };
      // 1.2 added 16 bytes (render targets), 1.3 another 16 (samples, resolve), 1.4 16 more (the stencil surface)
      assert.equal(DRM_AKARI_CMD_RENDER_V2_SIZE, DRM_AKARI_CMD_RENDER_V1_SIZE + 16);
      assert.equal(DRM_AKARI_CMD_RENDER_V3_SIZE, DRM_AKARI_CMD_RENDER_V2_SIZE + 16);
      assert.equal(drm_akari_cmd_render.size, DRM_AKARI_CMD_RENDER_V3_SIZE + 16);
      assert.equal(raw(DRM_AKARI_CMD_RENDER_V1_SIZE), 0);
      assert.equal(raw(DRM_AKARI_CMD_RENDER_V2_SIZE), 0);
      assert.equal(raw(DRM_AKARI_CMD_RENDER_V3_SIZE), 0);
      assert.equal(raw(DRM_AKARI_CMD_RENDER_V1_SIZE - 8), Errno.EINVAL);
      assert.equal(raw(drm_akari_cmd_render.size + 8, 1), Errno.EINVAL);
      assert.equal(raw(drm_akari_cmd_render.size + 8), 0);
      assert.equal(m.driver.counters.submits, 5);
    });
  });

  test(`SUBMIT d32f_s8: the planar depth/stencil surface and its stencil plane (UAPI 1.4; fw ${fw})`, () => {
    withMachine({ deterministic: true, firmware: fw }, (m) => {
      const { drm } = setup(m);
      const p = drm.akariParams();
      assert.ok(p.features! & AKARI_FEATURE_D32F_S8);
      // libdrm's VERSION is the kernel's: the version that brought the feature
      assert.deepEqual([drm.version().major, drm.version().minor], [AKARI_VERSION.major, AKARI_VERSION.minor]);
      assert.equal(AKARI_VERSION.minor, 4);
      const vm = drm.akariVmCreate();
      const q = drm.akariQueueCreate(vm);
      // 64 x 64: the depth plane 64 x 4 bytes x 64 rows = 16 KiB, the stencil plane 64 x 64 = 4 KiB after it
      const heap = drm.akariGemCreate(65536), zsBo = drm.akariGemCreate(32768);
      const base = p.vm_user_start!, zsVa = base + 65536, stencilVa = zsVa + 16384;
      drm.akariVmBind(vm, [
        { flags: AKARI_BIND_READ | 4, handle: heap, offset: 0, range: 65536, addr: base },
        { flags: AKARI_BIND_READ | 4, handle: zsBo, offset: 0, range: 32768, addr: zsVa },
      ]);
      const f32bits = (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0]!;
      const good = {
        cmd_type: AKARI_CMD_RENDER, width: 64, height: 64, tiler_heap: base, tiler_heap_size: 65536, color_format: 0,
        load_store: AKARI_RENDER_ZS_CLEAR | AKARI_RENDER_ZS_STORE, zs_format: 4, zs: zsVa, zs_stride: 256,
        stencil: stencilVa, stencil_stride: 64, clear_depth: f32bits(0.3), clear_stencil: 0x5a,
      };
      const out = drm.syncobjCreate();
      const bad = (cmd: object, why: string) => assert.equal(errnoOf(() => drm.akariSubmit(q, [cmd], [], [out])), Errno.EINVAL, why);
      bad({ ...good, stencil_stride: 63 }, 'a stencil row shorter than 64 pixels');
      // the depth plane fits, the 4 KiB stencil plane starting 2 KiB before the user half's end does not:
      // without the check the GPU would store stencil bytes into the kernel's half
      bad({ ...good, stencil: p.vm_user_end! - 2048 }, 'stencil plane past the user half');
      bad({ ...good, samples: 4, stencil: p.vm_user_end! - 3 * 4096 }, 'four stencil sample images past the user half');
      bad({ ...good, zs_format: 2 }, 'a stencil surface with d24s8');
      bad({ ...good, zs_format: 5 }, 'a format the hardware does not have');
      bad({ ...good, pad2: 1 }, 'padding');
      assert.equal(m.driver.counters.submits, 0, 'nothing was submitted');
      // a marker right after the stencil plane: the store must not reach it
      const cpu = drm.mmap(drm.akariGemMmapOffset(zsBo), 32768);
      poke(drm, cpu + 16384 + 4096, [0x11]);
      drm.akariSubmit(q, [good], [], [out]);
      drm.syncobjWait([out], Number(process.hrtime.bigint()) + 5e9);
      assert.equal(m.driver.counters.completed, 1);
      // every depth is float32(0.3) exactly (d24s8 would hold round(0.3 x 16777215) / 16777215 instead),
      // every stencil index 0x5a, each in its own plane
      const depths = new Float32Array(peek(drm, cpu, 16384).buffer);
      assert.ok(depths.every((d) => d === Math.fround(0.3)), `depth ${depths[0]}`);
      assert.notEqual(Math.fround(Math.round(0.3 * 16777215) / 16777215), Math.fround(0.3));
      assert.ok(peek(drm, cpu + 16384, 4096).every((s) => s === 0x5a));
      assert.equal(peek(drm, cpu + 16384 + 4096, 1)[0], 0x11);
    });
  });

  test(`SUBMIT multisampling (UAPI 1.3; fw ${fw})`, () => {
    withMachine({ deterministic: true, firmware: fw }, (m) => {
      const { drm } = setup(m);
      const p = drm.akariParams();
      assert.ok(p.features! & AKARI_FEATURE_MSAA);
      const vm = drm.akariVmCreate();
      const q = drm.akariQueueCreate(vm);
      const heap = drm.akariGemCreate(65536), color = drm.akariGemCreate(65536), single = drm.akariGemCreate(16384);
      const base = p.vm_user_start!, colorVa = base + 65536, singleVa = base + 131072;
      drm.akariVmBind(vm, [
        { flags: AKARI_BIND_READ | 4, handle: heap, offset: 0, range: 65536, addr: base },
        { flags: AKARI_BIND_READ | 4, handle: color, offset: 0, range: 65536, addr: colorVa },
        { flags: AKARI_BIND_READ | 4, handle: single, offset: 0, range: 16384, addr: singleVa },
      ]);
      // 64 x 64 RGBA8 with 4 samples: four 16 KiB sample images, the whole 64 KiB object
      const good = {
        cmd_type: AKARI_CMD_RENDER, width: 64, height: 64, tiler_heap: base, tiler_heap_size: 65536, color_format: 0,
        color: colorVa, color_stride: 256, load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE, samples: 4,
        resolve: singleVa, resolve_stride: 256,
      };
      const out = drm.syncobjCreate();
      const bad = (cmd: object, why: string) => assert.equal(errnoOf(() => drm.akariSubmit(q, [cmd], [], [out])), Errno.EINVAL, why);
      bad({ ...good, samples: 2 }, 'a sample count the hardware does not have');
      bad({ ...good, samples: 1 }, 'a resolve of a single-sampled command');
      bad({ ...good, resolve_stride: 255 }, 'resolve stride below 64 pixels x 4 bytes');
      bad({ ...good, resolve: 2 ** 46 }, 'resolve outside the user half');
      // the four sample images must all lie in the user half: the colour starting 48 KiB before its end does not fit
      bad({ ...good, color: p.vm_user_end! - 49152, resolve: 0, resolve_stride: 0 }, 'sample images past the user half');
      assert.equal(m.driver.counters.submits, 0, 'nothing was submitted');
      // a valid multisampled command with its resolve runs to completion (the pixels are webgl/msaa.test.ts's)
      drm.akariSubmit(q, [{ ...good, clear_r: 0x3f800000, clear_g: 0, clear_b: 0, clear_a: 0x3f800000 }], [], [out]);
      drm.syncobjWait([out], Number(process.hrtime.bigint()) + 5e9);
      assert.equal(m.driver.counters.completed, 1);
      // a load of the samples with only the resolve stored completes too
      drm.akariSubmit(q, [{ ...good, load_store: AKARI_RENDER_COLOR_LOAD }], [], [out]);
      drm.syncobjWait([out], Number(process.hrtime.bigint()) + 5e9);
      assert.equal(m.driver.counters.completed, 2);
    });
  });
}
