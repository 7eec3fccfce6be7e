/**
 * Atomic modesetting, page flips, vblanks and events, as drm_atomic*.c and
 * drm_vblank.c define them. Deterministic machines: the display runs in
 * virtual time, so vblank n of a 1920x1080@60 CRTC (148.5 MHz, 2200x1125
 * total) is exactly n * 16 666 666.67 ns after the CRTC came on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { withMachine } from './helpers.js';
import { errnoOf } from './drm-helpers.js';
import { addPlane, client, dumbFb, light, pipeProps, planeOfType, primaryOf, readEvents } from './kms-helpers.js';
import {
  DRM_CRTC_SEQUENCE_RELATIVE, DRM_EVENT_CRTC_SEQUENCE, DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16,
  DRM_FORMAT_XRGB8888, DRM_MODE_ATOMIC_ALLOW_MODESET, DRM_MODE_ATOMIC_NONBLOCK, DRM_MODE_ATOMIC_TEST_ONLY,
  DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_PLANE, DRM_MODE_PAGE_FLIP_EVENT, DRM_VBLANK_EVENT, DRM_VBLANK_RELATIVE,
  drm_mode_modeinfo, encodeModeInfo,
} from '../src/uapi/drm-mode.js';

const D = { deterministic: true } as const;
/** Morton order inside a 16x16 block: x bits at even positions, y bits at odd ones. */
function interleave(x: number, y: number): number {
  let r = 0;
  for (let i = 0; i < 4; i++) r |= (((x >> i) & 1) << (2 * i)) | (((y >> i) & 1) << (2 * i + 1));
  return r;
}
const PERIOD_US = (2200 * 1125 * 1e3) / 148500; // 16666.67 µs

/** An atomic modeset of CRTC 0 on connector 0 at its preferred mode with `fb`. */
function modeset(c: ReturnType<typeof client>, fb: number, flags = DRM_MODE_ATOMIC_ALLOW_MODESET) {
  const conn = c.card.getConnector(c.connectors[0]!);
  const mode = conn.modes[0]!;
  const plane = primaryOf(c, 0);
  const p = pipeProps(c, c.crtcs[0]!, plane, c.connectors[0]!);
  const blob = c.card.createPropertyBlob(encodeModeInfo(mode));
  const req = c.card.atomicAlloc();
  req.add(c.connectors[0]!, p.CONN_CRTC_ID, c.crtcs[0]!);
  req.add(c.crtcs[0]!, p.MODE_ID, blob);
  req.add(c.crtcs[0]!, p.ACTIVE, 1);
  addPlane(req, plane, p, c.crtcs[0]!, fb, mode.hdisplay, mode.vdisplay);
  return { run: () => c.card.atomicCommit(req, flags), req, p, plane, mode, blob };
}

function snapshot(c: ReturnType<typeof client>, m: { display: { output(i: number): unknown } | null }) {
  const crtc = c.card.getCrtc(c.crtcs[0]!);
  const props = c.planes.map((p) => c.card.objectGetProperties(p, DRM_MODE_OBJECT_PLANE).propValues.join());
  return JSON.stringify({ crtc: { ...crtc, mode: crtc.mode?.name }, props, out: m.display!.output(0) === null });
}

test('ALLOW_MODESET is required for a modeset; TEST_ONLY and failing commits change nothing', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const a = dumbFb(c, 1920, 1080, () => 0x112233);
    const before = snapshot(c, m);
    const ms = modeset(c, a.fb, 0);
    assert.equal(errnoOf(ms.run), Errno.EINVAL); // a full modeset without ALLOW_MODESET
    assert.equal(snapshot(c, m), before);
    c.card.atomicCommit(ms.req, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET); // would succeed…
    assert.equal(snapshot(c, m), before); // …and changed nothing
    assert.equal(m.display!.output(0), null);
    // one bad property among good ones: all or nothing
    const bad = modeset(c, a.fb);
    bad.req.add(bad.plane, bad.p.SRC_W, 4000 * 65536); // beyond the fb: ENOSPC
    assert.equal(errnoOf(() => c.card.atomicCommit(bad.req, DRM_MODE_ATOMIC_ALLOW_MODESET)), Errno.ENOSPC);
    assert.equal(snapshot(c, m), before);
    modeset(c, a.fb).run();
    assert.equal(m.display!.output(0)!.pixels[0], 0x112233);
    const crtc = c.card.getCrtc(c.crtcs[0]!);
    assert.equal(crtc.modeValid, true);
    assert.equal(crtc.bufferId, a.fb);
    assert.equal(c.card.findProperty(c.crtcs[0]!, DRM_MODE_OBJECT_CRTC, 'ACTIVE')!.value, 1n);
    // a flip needs no modeset
    const b = dumbFb(c, 1920, 1080, () => 0x445566);
    const req = c.card.atomicAlloc();
    req.add(ms.plane, ms.p.FB_ID, b.fb);
    c.card.atomicCommit(req, 0);
    assert.equal(m.display!.output(0)!.pixels[0], 0x445566);
  });
});

test('atomic errnos in drm_mode_atomic_ioctl\'s order', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const a = dumbFb(c, 1920, 1080, () => 0);
    const small = dumbFb(c, 64, 64, () => 0);
    const ms = modeset(c, a.fb);
    const P = ms.p;
    const commit = (build: (r: ReturnType<typeof c.card.atomicAlloc>) => void, flags = DRM_MODE_ATOMIC_ALLOW_MODESET) => errnoOf(() => {
      const r = c.card.atomicAlloc(); build(r); c.card.atomicCommit(r, flags);
    });
    const noCap = client(m, { atomic: false, sys: m.spawn() });
    assert.equal(errnoOf(() => noCap.card.atomicCommit(noCap.card.atomicAlloc(), 0)), Errno.EACCES); // not master: the gate first
    // flags
    assert.equal(commit(() => {}, 0x8000), Errno.EINVAL);
    assert.equal(commit(() => {}, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_PAGE_FLIP_EVENT), Errno.EINVAL);
    // objects and properties
    assert.equal(commit((r) => r.add(99999, P.ACTIVE, 1)), Errno.ENOENT);
    assert.equal(commit((r) => r.add(a.fb, P.ACTIVE, 1)), Errno.ENOENT); // an fb has no properties
    assert.equal(commit((r) => r.add(c.crtcs[0]!, P.FB_ID, a.fb)), Errno.ENOENT); // FB_ID is not a CRTC property
    assert.equal(commit((r) => r.add(ms.plane, P.FB_ID, c.crtcs[0]!)), Errno.EINVAL); // a CRTC id is no fb
    assert.equal(commit((r) => r.add(c.crtcs[0]!, P.ACTIVE, 2)), Errno.EINVAL); // outside the range
    assert.equal(commit((r) => r.add(ms.plane, c.card.propId(ms.plane, DRM_MODE_OBJECT_PLANE, 'type'), 0)), Errno.EINVAL); // immutable
    const shortBlob = c.card.createPropertyBlob(new Uint8Array(drm_mode_modeinfo.size - 4));
    assert.equal(commit((r) => r.add(c.crtcs[0]!, P.MODE_ID, shortBlob)), Errno.EINVAL);
    assert.equal(commit((r) => r.add(ms.plane, P.IN_FENCE_FD, 1)), Errno.EINVAL); // fd 1 is no sync_file
    // core plane checks
    assert.equal(commit((r) => { r.add(ms.plane, P.FB_ID, a.fb); }), Errno.EINVAL); // FB without CRTC
    const overlay1 = planeOfType(c, 1, 0n);
    assert.equal(commit((r) => { addPlane(r, overlay1, P, c.crtcs[0]!, small.fb, 64, 64); }), Errno.EINVAL); // CRTC not in possible_crtcs
    // an event on a CRTC that is off and stays off
    assert.equal(commit((r) => r.add(c.crtcs[0]!, P.ACTIVE, 0), DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK), Errno.EINVAL);
    // ACTIVE without a mode
    assert.equal(commit((r) => r.add(c.crtcs[0]!, P.ACTIVE, 1)), Errno.EINVAL);
    ms.run();
    const overlay0 = planeOfType(c, 0, 0n);
    assert.equal(commit((r) => { addPlane(r, overlay0, P, c.crtcs[0]!, small.fb, 64, 64); r.add(overlay0, P.SRC_X, 1 * 65536); }), Errno.ENOSPC);
    assert.equal(commit((r) => { addPlane(r, overlay0, P, c.crtcs[0]!, small.fb, 64, 64); r.add(overlay0, P.CRTC_X, 0x7fffffff); }), Errno.ERANGE);
    assert.equal(commit(() => {}, 0), 0); // an empty commit
    // disabling the primary of an active CRTC: the driver needs it
    assert.equal(commit((r) => { r.add(ms.plane, P.FB_ID, 0); r.add(ms.plane, P.CRTC_ID, 0); }, 0), Errno.EINVAL);
  });
});

test('flip events: one per flip, sequence +1, timestamps one refresh apart; NONBLOCK while pending is EBUSY', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const fbs = [0, 1, 2].map((i) => dumbFb(c, 1920, 1080, (x, y) => (i << 22) | (x + y)));
    const ms = modeset(c, fbs[0]!.fb);
    ms.run();
    const events: Array<{ seq: number; us: number; user: bigint; crtc: number }> = [];
    const N = 8;
    for (let i = 1; i <= N; i++) {
      const req = c.card.atomicAlloc();
      req.add(ms.plane, ms.p.FB_ID, fbs[i % 3]!.fb);
      const user = 0xdead_0000_0000_0000n + BigInt(i); // a 64-bit cookie comes back exactly
      c.card.atomicCommit(req, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, user);
      // the previous flip is done, this one is pending: a second one is EBUSY and changes nothing
      assert.equal(errnoOf(() => c.card.atomicCommit(req, DRM_MODE_ATOMIC_NONBLOCK)), Errno.EBUSY);
      const evs = readEvents(c);
      assert.equal(evs.length, 1);
      events.push({ seq: evs[0]!.sequence, us: evs[0]!.tvSec * 1e6 + evs[0]!.tvUsec, user: evs[0]!.userData, crtc: evs[0]!.crtcId });
      // what the monitor got at that vblank is exactly the new framebuffer
      const out = m.display!.output(0)!;
      const want = fbs[i % 3]!;
      assert.equal(out.frame, evs[0]!.sequence);
      for (const [x, y] of [[0, 0], [1919, 0], [0, 1079], [1919, 1079], [960, 540]] as const) assert.equal(out.pixels[y * 1920 + x], want.u32[(y * want.pitch) / 4 + x]);
    }
    for (let i = 0; i < N; i++) {
      assert.equal(events[i]!.user, 0xdead_0000_0000_0000n + BigInt(i + 1));
      assert.equal(events[i]!.crtc, c.crtcs[0]);
      if (i) {
        assert.equal(events[i]!.seq, events[i - 1]!.seq + 1);
        assert.ok(Math.abs(events[i]!.us - events[i - 1]!.us - PERIOD_US) <= 1, `Δt ${events[i]!.us - events[i - 1]!.us}`);
      }
    }
    // nothing else was queued
    const fds = [{ fd: c.drm.fd, events: 1, revents: 0 }];
    assert.equal(c.sys.poll(fds, 0), 0);
  });
});

test('scan-out is never torn: every frame shows exactly one framebuffer, linear or twiddled', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const W = 1920, H = 1080;
    const linear = dumbFb(c, W, H, (x, y) => 0x10000 * (x & 255) + 0x100 * (y & 255) + 7);
    // a twiddled framebuffer written the way the GPU stores it: 16x16 blocks in rows, Morton order inside
    // whole blocks: 1080 rows are 67.5 block rows, so the buffer holds 68 (1088 rows)
    const d = c.card.createDumb(W, 1088, 32);
    const addr = c.drm.mmap(c.card.mapDumb(d.handle), d.size);
    const u32 = new Uint32Array(d.size / 4);
    const tw = (x: number, y: number) => 0x10000 * (y & 255) + 0x100 * (x & 255) + 200;
    const blocksPerRow = d.pitch / (16 * 4);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const block = Math.floor(y / 16) * blocksPerRow + Math.floor(x / 16);
      u32[block * 256 + interleave(x % 16, y % 16)] = tw(x, y);
    }
    c.sys.store(addr, u32);
    const twFb = c.card.addFB2(W, H, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0], [DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16]);
    const ms = modeset(c, linear.fb);
    ms.run();
    const isExactly = (px: Uint32Array, f: (x: number, y: number) => number) => {
      for (let y = 0; y < H; y += 3) for (let x = 0; x < W; x += 5) if (px[y * W + x] !== f(x, y)) return false;
      return px[(H - 1) * W + W - 1] === f(W - 1, H - 1);
    };
    const lin = (x: number, y: number) => linear.u32[(y * linear.pitch) / 4 + x]!;
    for (let i = 0; i < 6; i++) {
      const req = c.card.atomicAlloc();
      req.add(ms.plane, ms.p.FB_ID, i % 2 ? linear.fb : twFb);
      c.card.atomicCommit(req, DRM_MODE_ATOMIC_NONBLOCK);
      // every vblank until the flip completes shows the old fb entirely, afterwards the new one entirely
      for (let k = 0; k < 3; k++) {
        c.card.waitVBlank(DRM_VBLANK_RELATIVE, 1);
        const px = m.display!.output(0)!.pixels;
        const old = i % 2 ? tw : lin, neu = i % 2 ? lin : tw;
        const a = isExactly(px, old), b = isExactly(px, neu);
        assert.ok(a !== b, `frame ${k} after flip ${i}: one framebuffer exactly`);
        assert.ok(b, 'the flip landed at the first vblank');
      }
    }
  });
});

test('overlay and cursor composite at their positions with alpha (pixels from the blend equations)', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const bg = 0x204060;
    const primary = dumbFb(c, 1920, 1080, () => bg);
    // overlay: 100x50 ARGB, left half opaque red, right half 50% green (alpha 0x80)
    const ov = dumbFb(c, 100, 50, (x) => (x < 50 ? 0xffff0000 : 0x8000ff00), DRM_FORMAT_ARGB8888);
    const ms = modeset(c, primary.fb);
    ms.run();
    const overlay = planeOfType(c, 0, 0n);
    const req = c.card.atomicAlloc();
    addPlane(req, overlay, ms.p, c.crtcs[0]!, ov.fb, 100, 50, 300, 200);
    c.card.atomicCommit(req, 0);
    // cursor: 64x64 ARGB via the legacy cursor ioctl, a white square with a transparent border
    const cur = c.card.createDumb(64, 64, 32);
    const caddr = c.drm.mmap(c.card.mapDumb(cur.handle), cur.size);
    const cu = new Uint32Array(cur.size / 4);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) cu[(y * cur.pitch) / 4 + x] = x >= 8 && x < 56 && y >= 8 && y < 56 ? 0xffffffff : 0;
    c.sys.store(caddr, cu);
    c.card.setCursor(c.crtcs[0]!, cur.handle, 64, 64);
    c.card.moveCursor(c.crtcs[0]!, 380, 220); // overlaps the overlay's right half
    const px = (x: number, y: number) => m.display!.output(0)!.pixels[y * 1920 + x]!;
    // pre-multiplied blending (the default): out = fg + (1 - a) * bg per channel
    const premul = (fg: number, a: number, b: number) => Math.min(255, Math.round(fg + (1 - a / 255) * b));
    assert.equal(px(10, 10), bg);
    assert.equal(px(300, 200), 0xff0000); // opaque overlay texel
    assert.equal(px(349, 249), 0xff0000);
    const g = px(360, 210);
    assert.equal((g >> 16) & 255, premul(0x00, 0x80, 0x20));
    assert.equal((g >> 8) & 255, premul(0xff, 0x80, 0x40));
    assert.equal(g & 255, premul(0x00, 0x80, 0x60));
    assert.equal(px(400, 200), bg); // past the overlay's right edge (300 + 100)
    assert.equal(px(380 + 8, 220 + 8), 0xffffff); // cursor's opaque square, above the overlay
    assert.equal(px(380 + 2, 220 + 2), g); // the cursor's transparent border shows the blended overlay under it
    assert.equal(px(380 + 60, 220 + 30), bg); // transparent border outside the overlay shows the primary
    assert.equal(px(380 + 30, 220 + 30), 0xffffff);
    assert.equal(px(380 + 56, 220 + 30), bg);
    // coverage blending with a plane alpha of 50%: out = pa*a*fg + (1 - pa*a)*bg
    const blend = c.card.propId(overlay, DRM_MODE_OBJECT_PLANE, 'pixel blend mode');
    const alpha = c.card.propId(overlay, DRM_MODE_OBJECT_PLANE, 'alpha');
    const r2 = c.card.atomicAlloc();
    r2.add(overlay, blend, 2); r2.add(overlay, alpha, 0x8080); // 0x8080 / 0xffff = 128/255
    c.card.atomicCommit(r2, 0);
    const cov = (fg: number, a: number, b: number) => Math.round((128 / 255) * (a / 255) * fg + (1 - (128 / 255) * (a / 255)) * b);
    const r = px(310, 210);
    assert.equal((r >> 16) & 255, cov(0xff, 0xff, 0x20));
    assert.equal((r >> 8) & 255, cov(0, 0xff, 0x40));
    // moving the cursor off-screen to the left clips it
    c.card.moveCursor(c.crtcs[0]!, -40, 0);
    assert.equal(px(10, 10), 0xffffff); // cursor column 50 lands at x=10
    assert.equal(px(20, 10), bg);
    // disabling the cursor with handle 0
    c.card.setCursor(c.crtcs[0]!, 0, 0, 0);
    assert.equal(px(10, 10), bg);
  });
});

test('WAIT_VBLANK, CRTC_GET_SEQUENCE and CRTC_QUEUE_SEQUENCE count the same vblanks', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const f = dumbFb(c, 1920, 1080, () => 0);
    assert.equal(errnoOf(() => c.card.waitVBlank(DRM_VBLANK_RELATIVE, 1)), Errno.EINVAL); // CRTC off
    assert.equal(errnoOf(() => c.card.crtcQueueSequence(c.crtcs[0]!, DRM_CRTC_SEQUENCE_RELATIVE, 1, 0)), Errno.EINVAL);
    light(c, 0, 0, f.fb);
    assert.equal(errnoOf(() => c.card.waitVBlank(0x8000000, 1)), Errno.EINVAL); // _DRM_VBLANK_FLIP is not a request flag
    assert.equal(errnoOf(() => c.card.waitVBlank(DRM_VBLANK_RELATIVE | (5 << 1), 1)), Errno.EINVAL); // high CRTC 5
    assert.equal(errnoOf(() => c.card.crtcQueueSequence(c.crtcs[0]!, 4, 1, 0)), Errno.EINVAL);
    const s0 = c.card.crtcGetSequence(c.crtcs[0]!);
    assert.equal(s0.active, true);
    const q = c.card.waitVBlank(DRM_VBLANK_RELATIVE, 0); // a query
    assert.equal(q.sequence, s0.sequence);
    const r = c.card.waitVBlank(DRM_VBLANK_RELATIVE, 3);
    assert.equal(r.sequence, s0.sequence + 3);
    const us = r.tvSec * 1e6 + r.tvUsec;
    assert.ok(Math.abs(us - s0.ns / 1e3 - 3 * PERIOD_US) <= 1);
    // event form: returns at once with the target; the event arrives at that vblank
    const ev = c.card.waitVBlank(DRM_VBLANK_RELATIVE | DRM_VBLANK_EVENT, 2, 77);
    assert.equal(ev.sequence, r.sequence + 2);
    const target = c.card.crtcQueueSequence(c.crtcs[0]!, DRM_CRTC_SEQUENCE_RELATIVE, 4, 0x1234_5678_9abc_def0n);
    assert.equal(target, r.sequence + 4);
    const got: string[] = [];
    while (got.length < 2) {
      c.card.handleEvent({
        vblank: (e) => got.push(`vblank ${e.sequence} ${e.userData}`),
        sequence: (e) => got.push(`seq ${e.sequence} ${e.userData.toString(16)} ${e.type === DRM_EVENT_CRTC_SEQUENCE}`),
      });
    }
    assert.deepEqual(got, [`vblank ${r.sequence + 2} 77`, `seq ${r.sequence + 4} 123456789abcdef0 true`]);
    // the CRTC on connector 0 is CRTC index 0; index 1 is still off
    assert.equal(c.card.crtcGetSequence(c.crtcs[1]!).active, false);
  });
});

test('the event fd: whole events only, 0 for a short buffer, EAGAIN non-blocking, POLLIN while queued', () => {
  withMachine(D, (m) => {
    const sys = m.spawn();
    const c = client(m, { sys });
    const f = dumbFb(c, 1920, 1080, () => 0);
    light(c, 0, 0, f.fb);
    c.card.waitVBlank(DRM_VBLANK_RELATIVE | DRM_VBLANK_EVENT, 1, 1);
    c.card.waitVBlank(DRM_VBLANK_RELATIVE | DRM_VBLANK_EVENT, 1, 2);
    c.card.waitVBlank(DRM_VBLANK_RELATIVE, 1);
    const fds = [{ fd: c.drm.fd, events: 1, revents: 0 }];
    assert.equal(c.sys.poll(fds, 0), 1);
    assert.equal(fds[0]!.revents & 1, 1);
    const buf = c.drm.heap.alloc(64);
    assert.equal(c.sys.read(c.drm.fd, buf, 31), 0); // struct drm_event_vblank is 32 bytes
    assert.equal(c.sys.read(c.drm.fd, buf, 40), 32); // one whole event, not 40 bytes
    const dv = new DataView(c.drm.heap.read(buf, 32).buffer);
    assert.equal(dv.getUint32(0, true), 1); // DRM_EVENT_VBLANK
    assert.equal(dv.getUint32(4, true), 32);
    assert.equal(dv.getBigUint64(8, true), 1n);
    assert.equal(dv.getUint32(28, true), c.crtcs[0]); // crtc_id (DRM_CAP_CRTC_IN_VBLANK_EVENT)
    assert.equal(c.sys.read(c.drm.fd, buf, 64), 32);
    assert.equal(c.sys.poll(fds, 0), 0);
    // non-blocking open: EAGAIN when empty
    const nb = sys.open('/dev/dri/card0', 0o4000);
    assert.equal(sys.read(nb, buf, 64), -Errno.EAGAIN);
  });
});

test('RMFB turns the CRTC off; CLOSEFB leaves the picture up until it is replaced', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const a = dumbFb(c, 1920, 1080, () => 0xaa);
    light(c, 0, 0, a.fb);
    c.card.closeFB(a.fb);
    assert.equal(m.display!.output(0)!.pixels[0], 0xaa); // still scanned out
    assert.deepEqual(c.card.getResources().fbs, []); // but no longer this file's
    assert.equal(errnoOf(() => c.card.rmFB(a.fb)), Errno.ENOENT);
    const b = dumbFb(c, 1920, 1080, () => 0xbb);
    const primary = primaryOf(c, 0);
    const req = c.card.atomicAlloc();
    req.add(primary, c.card.propId(primary, DRM_MODE_OBJECT_PLANE, 'FB_ID'), b.fb);
    c.card.atomicCommit(req, 0);
    assert.equal(m.driver.kms!.fbs.size, 1); // the closed fb went with its last use
    c.card.rmFB(b.fb);
    assert.equal(m.display!.output(0), null);
    assert.equal(c.card.getCrtc(c.crtcs[0]!).modeValid, false);
    assert.equal(m.driver.kms!.fbs.size, 0);
  });
});

test('legacy SETCRTC / SETPLANE / PAGE_FLIP errnos', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const a = dumbFb(c, 1920, 1080, () => 1);
    const small = dumbFb(c, 800, 600, () => 2);
    const conn = c.card.getConnector(c.connectors[0]!);
    const mode = conn.modes[0]!;
    assert.equal(errnoOf(() => c.card.pageFlip(c.crtcs[0]!, a.fb, DRM_MODE_PAGE_FLIP_EVENT)), Errno.EBUSY); // nothing bound yet
    assert.equal(errnoOf(() => c.card.setCrtc(c.crtcs[0]!, small.fb, 0, 0, [conn.connectorId], mode)), Errno.ENOSPC); // fb smaller than the mode
    assert.equal(errnoOf(() => c.card.setCrtc(c.crtcs[0]!, a.fb, 0, 0, [], mode)), Errno.EINVAL); // a mode without connectors
    assert.equal(errnoOf(() => c.card.setCrtc(c.crtcs[0]!, 4242, 0, 0, [conn.connectorId], mode)), Errno.ENOENT);
    assert.equal(errnoOf(() => c.card.setCrtc(c.crtcs[0]!, a.fb, 0, 0, [4242], mode)), Errno.ENOENT);
    assert.equal(errnoOf(() => c.card.setCrtc(c.crtcs[0]!, a.fb, 0, 0, [conn.connectorId], { ...mode, hsync_start: 10 })), Errno.EINVAL);
    c.card.setCrtc(c.crtcs[0]!, a.fb, 0, 0, [conn.connectorId], mode);
    assert.equal(errnoOf(() => c.card.pageFlip(c.crtcs[0]!, small.fb, 0)), Errno.ENOSPC);
    assert.equal(errnoOf(() => c.card.pageFlip(c.crtcs[0]!, a.fb, 0x100)), Errno.EINVAL);
    assert.equal(errnoOf(() => c.card.pageFlip(4242, a.fb, 0)), Errno.ENOENT);
    const b = dumbFb(c, 1920, 1080, () => 3);
    c.card.pageFlip(c.crtcs[0]!, b.fb, DRM_MODE_PAGE_FLIP_EVENT, 5);
    assert.equal(errnoOf(() => c.card.pageFlip(c.crtcs[0]!, a.fb, 0)), Errno.EBUSY);
    assert.equal(readEvents(c)[0]!.userData, 5n);
    assert.equal(m.display!.output(0)!.pixels[0], 3);
    const overlay = planeOfType(c, 0, 0n);
    const overlay1 = planeOfType(c, 1, 0n);
    assert.equal(errnoOf(() => c.card.setPlane(overlay1, c.crtcs[0]!, small.fb, 0, 0, 0, 100, 100, 0, 0, 100 << 16, 100 << 16)), Errno.EINVAL);
    assert.equal(errnoOf(() => c.card.setPlane(overlay, c.crtcs[0]!, small.fb, 0, 0, 0, 100, 100, 0, 0, 900 << 16, 100 << 16)), Errno.ENOSPC);
    assert.equal(errnoOf(() => c.card.setPlane(overlay, c.crtcs[0]!, small.fb, 0, 0x7fffff00, 0, 0x1000, 100, 0, 0, 100 << 16, 100 << 16)), Errno.ERANGE);
    // a scaled overlay: 100x100 source to 200x200
    c.card.setPlane(overlay, c.crtcs[0]!, small.fb, 0, 10, 10, 200, 200, 0, 0, 100 << 16, 100 << 16);
    assert.equal(m.display!.output(0)!.pixels[209 * 1920 + 209], 2);
    assert.equal(m.display!.output(0)!.pixels[210 * 1920 + 210], 3);
    c.card.setPlane(overlay, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assert.equal(m.display!.output(0)!.pixels[100 * 1920 + 100], 3);
  });
});
