/**
 * An IN_FENCE_FD holds a flip back until the render job signals. The render
 * is held by the test itself, not by a slow shader on a real clock: on a
 * deterministic machine (vblanks on the display's virtual clock) the job
 * that draws the new frame waits on a sw_sync fence (Linux's test timeline,
 * as IGT uses it) that only the test advances; the job's out-fence becomes
 * the flip's IN_FENCE_FD, and the flip is committed at once. While the
 * timeline stays put the vblanks go by with the old picture on screen and
 * no event; once the test advances it, the job runs and the flip lands at
 * a later vblank with its event.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { withMachine } from './helpers.js';
import { errnoOf, soon } from './drm-helpers.js';
import { client, dumbFb, pipeProps, primaryOf, readEvents } from './kms-helpers.js';
import { DRM_FORMAT_XBGR8888, DRM_MODE_ATOMIC_NONBLOCK, DRM_MODE_PAGE_FLIP_EVENT, DRM_VBLANK_RELATIVE } from '../src/uapi/drm-mode.js';
import { SW_SYNC_IOC_CREATE_FENCE, SW_SYNC_IOC_INC, SW_SYNC_PATH, sw_sync_create_fence_data } from '../src/uapi/sw-sync.js';
import { AKARI_BIND_READ, AKARI_BIND_WRITE, AKARI_CMD_RENDER, AKARI_RENDER_COLOR_CLEAR, AKARI_RENDER_COLOR_STORE } from '../src/uapi/akari.js';

const PAGE = 16384;
const ONE = 0x3f800000; // 1.0f

test('an in-fence delays the flip until the render job\'s fence signals (the render held by a sw_sync fence the test advances)', () => {
  withMachine({ deterministic: true }, (m) => {
    const c = client(m, { sys: m.spawn({ capSysAdmin: true }) }); // sw_sync lives in debugfs: root's
    const W = 1024, H = 768;
    const OLD = 0x123456;
    const a = dumbFb(c, W, H, () => OLD);
    const conn = c.card.getConnector(c.connectors[1]!);
    const mode = conn.modes.find((x) => x.name === '1024x768')!;
    c.card.setCrtc(c.crtcs[1]!, a.fb, 0, 0, [conn.connectorId], mode);
    assert.equal(m.display!.output(1)!.pixels[384 * W + 512], OLD);

    // the new frame: a clear to red by the GPU into an object that becomes the framebuffer
    // (GPU work through the card fd: the master is authenticated, the driver's ioctls allow it)
    const d = c.drm;
    const base = d.akariParams().vm_user_start!;
    const vm = d.akariVmCreate();
    const q = d.akariQueueCreate(vm);
    const heap = d.akariGemCreate(8 * PAGE), rt = d.akariGemCreate(W * H * 4);
    d.akariVmBind(vm, [
      { flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: heap, offset: 0, range: 8 * PAGE, addr: base },
      { flags: AKARI_BIND_READ | AKARI_BIND_WRITE, handle: rt, offset: 0, range: W * H * 4, addr: base + 8 * PAGE },
    ]);
    // the gate: a sw_sync fence at point 1 of a timeline only this (privileged) process advances
    const timeline = c.sys.open(SW_SYNC_PATH);
    assert.ok(timeline >= 0);
    const swf = new Uint8Array(sw_sync_create_fence_data.size);
    new DataView(swf.buffer).setUint32(0, 1, true);
    const [swp] = d.heap.stage(swf);
    assert.equal(c.sys.ioctl(timeline, SW_SYNC_IOC_CREATE_FENCE, swp), 0);
    const gateFd = new DataView(d.heap.read(swp, swf.length).buffer).getInt32(36, true);
    const gate = d.syncobjCreate();
    d.syncobjImportSyncFile(gate, gateFd);
    const done = d.syncobjCreate();
    d.akariSubmit(q, [{
      cmd_type: AKARI_CMD_RENDER, width: W, height: H, tiler_heap: base, tiler_heap_size: 8 * PAGE, color_format: 0,
      color: base + 8 * PAGE, color_stride: W * 4, load_store: AKARI_RENDER_COLOR_CLEAR | AKARI_RENDER_COLOR_STORE,
      clear_r: ONE, clear_g: 0, clear_b: 0, clear_a: ONE,
    }], [gate], [done]);
    // RGBA8 bytes in memory are DRM's XBGR8888
    const fb = c.card.addFB2(W, H, DRM_FORMAT_XBGR8888, [rt], [W * 4], [0]);
    const plane = primaryOf(c, 1);
    const p = pipeProps(c, c.crtcs[1]!, plane, c.connectors[1]!);
    const req = c.card.atomicAlloc();
    req.add(plane, p.FB_ID, fb);
    req.add(plane, p.IN_FENCE_FD, d.syncobjExportSyncFile(done));
    const seq0 = c.card.crtcGetSequence(c.crtcs[1]!).sequence;
    c.card.atomicCommit(req, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, 7);

    // ten vblanks with the render held: the old picture stays, no event, the render fence pending
    for (let i = 0; i < 10; i++) {
      c.card.waitVBlank(DRM_VBLANK_RELATIVE | (1 << 1), 1); // CRTC index 1 in the high-crtc bits
      assert.equal(m.display!.output(1)!.pixels[384 * W + 512], OLD, `vblank ${i}: no flip before the render fence signalled`);
      assert.equal(c.sys.poll([{ fd: d.fd, events: 1 }], 0), 0, `vblank ${i}: and no flip event`);
      assert.equal(errnoOf(() => d.syncobjWait([done], 0)), Errno.ETIME, 'the render is still held');
    }
    assert.equal(c.card.crtcGetSequence(c.crtcs[1]!).sequence, seq0 + 10, 'ten vblanks went by');

    // release the render: the timeline reaches 1, the job runs, its fence signals, the flip lands at a following vblank
    const [one] = d.heap.stage(new Uint8Array([1, 0, 0, 0]));
    assert.equal(c.sys.ioctl(timeline, SW_SYNC_IOC_INC, one), 0);
    // the job's only dependency came from outside the GPU: its signal alone must get the job scheduled
    assert.equal(errnoOf(() => d.syncobjWait([done], soon())), 0, 'the render ran once its gate signalled');
    c.card.waitVBlank(DRM_VBLANK_RELATIVE | (1 << 1), 1);
    c.card.waitVBlank(DRM_VBLANK_RELATIVE | (1 << 1), 1);
    const ev = readEvents(c);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.userData, 7n);
    assert.ok(ev[0]!.sequence > seq0 + 10, `flipped at vblank ${ev[0]!.sequence}, after the ten held ones (from ${seq0})`);
    assert.equal(m.display!.output(1)!.pixels[384 * W + 512], 0xff0000, 'the red frame is on screen');
  });
});

test('sw_sync: root only; fences signal in value order as INC reaches them; closing the timeline signals the rest with ENOENT', () => {
  withMachine({ deterministic: true }, (m) => {
    const user = m.spawn();
    assert.equal(user.open(SW_SYNC_PATH), -Errno.EACCES, 'debugfs is root\'s');
    const c = client(m, { sys: m.spawn({ capSysAdmin: true }) });
    const d = c.drm;
    const tl = c.sys.open(SW_SYNC_PATH);
    const fenceAt = (value: number) => {
      const b = new Uint8Array(sw_sync_create_fence_data.size);
      new DataView(b.buffer).setUint32(0, value, true);
      const [p] = d.heap.stage(b);
      assert.equal(c.sys.ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, p), 0);
      const s = d.syncobjCreate();
      d.syncobjImportSyncFile(s, new DataView(d.heap.read(p, b.length).buffer).getInt32(36, true));
      return s;
    };
    const inc = (n: number) => { const [p] = d.heap.stage(new Uint8Array(new Uint32Array([n]).buffer)); assert.equal(c.sys.ioctl(tl, SW_SYNC_IOC_INC, p), 0); };
    const signalled = (s: number) => errnoOf(() => d.syncobjWait([s], 0)) === 0;
    const [f1, f3, f5] = [fenceAt(1), fenceAt(3), fenceAt(5)];
    assert.deepEqual([f1, f3, f5].map(signalled), [false, false, false]);
    inc(1);
    assert.deepEqual([f1, f3, f5].map(signalled), [true, false, false]);
    inc(2);
    assert.deepEqual([f1, f3, f5].map(signalled), [true, true, false]);
    assert.equal(signalled(fenceAt(2)), true, 'a point already passed is born signalled');
    assert.equal(c.sys.ioctl(tl, 0x5702, 0), -Errno.ENOTTY);
    assert.equal(c.sys.ioctl(tl, SW_SYNC_IOC_INC, 8), -Errno.EFAULT);
    c.sys.close(tl);
    assert.equal(signalled(f5), true, 'closing the timeline signals what is left');
    assert.deepEqual(m.oopses, []);
  });
});
