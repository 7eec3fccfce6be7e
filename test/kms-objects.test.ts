/**
 * KMS objects, properties, caps and permissions against Linux's UAPI
 * (drm_mode.h; drm_ioctl.c flags; drm_mode_config property names).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Errno } from '../src/base/errors.js';
import { withMachine } from './helpers.js';
import { errnoOf } from './drm-helpers.js';
import { client, dumbFb, light, pipeProps, planeOfType, primaryOf } from './kms-helpers.js';
import { DrmDevice } from '../src/libdrm/libdrm.js';
import { ModeCard } from '../src/libdrm/kms.js';
import { DRM_CAP_DUMB_BUFFER } from '../src/uapi/drm.js';
import {
  DRM_CAP_ADDFB2_MODIFIERS, DRM_CAP_CRTC_IN_VBLANK_EVENT, DRM_CAP_CURSOR_HEIGHT, DRM_CAP_CURSOR_WIDTH, DRM_CAP_DUMB_PREFERRED_DEPTH,
  DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16, DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_RGB565, DRM_FORMAT_XRGB8888,
  DRM_MODE_CONNECTED, DRM_MODE_CONNECTOR_DisplayPort, DRM_MODE_CONNECTOR_HDMIA, DRM_MODE_DISCONNECTED, DRM_MODE_IOCTL,
  DRM_MODE_OBJECT_CONNECTOR, DRM_MODE_OBJECT_CRTC, DRM_MODE_OBJECT_PLANE, DRM_MODE_PROP_ATOMIC, DRM_MODE_PROP_BLOB,
  DRM_MODE_PROP_ENUM, DRM_MODE_PROP_IMMUTABLE, DRM_MODE_PROP_OBJECT, DRM_MODE_PROP_RANGE, DRM_MODE_PROP_SIGNED_RANGE,
  DRM_MODE_TYPE_PREFERRED, DRM_MODE_ATOMIC_ALLOW_MODESET, DRM_MODE_ATOMIC_NONBLOCK, DRM_MODE_PAGE_FLIP_EVENT, encodeModeInfo, drm_mode_card_res, drm_mode_get_connector, drm_mode_modeinfo, fourcc,
} from '../src/uapi/drm-mode.js';
import { readStruct, writeStruct } from '../src/uapi/cstruct.js';
import { decodeEdid, encodeEdid } from '../src/hwdesc/edid.js';
import { MONITORS, TIMINGS, type Timing } from '../src/hwdesc/display.js';

const D = { deterministic: true } as const;

test('fourcc codes and the ioctl numbers are Linux\'s', () => {
  // drm_fourcc.h: fourcc_code('X','R','2','4') = 0x34325258
  assert.equal(DRM_FORMAT_XRGB8888, 0x34325258);
  assert.equal(DRM_FORMAT_ARGB8888, 0x34325241);
  assert.equal(DRM_FORMAT_RGB565, 0x36314752);
  assert.equal(fourcc('XB24'), 0x34324258);
  // drm.h: DRM_IOWR(0xA0, struct drm_mode_card_res) with a 64-byte struct = 0xc04064a0
  assert.equal(DRM_MODE_IOCTL.GETRESOURCES.request, 0xc04064a0);
  assert.equal(DRM_MODE_IOCTL.GETCONNECTOR.request, 0xc05064a7); // 80 bytes
  assert.equal(DRM_MODE_IOCTL.ADDFB2.request, 0xc06864b8); // 104 bytes
  assert.equal(DRM_MODE_IOCTL.ATOMIC.request, 0xc03864bc); // 56 bytes
  assert.equal(DRM_MODE_IOCTL.SETCRTC.request, 0xc06864a2); // 104 bytes
  assert.equal(DRM_MODE_IOCTL.SETPLANE.request, 0xc03064b7); // 48 bytes
  assert.equal(DRM_MODE_IOCTL.WAIT_VBLANK.request, 0xc018643a); // 24 bytes
  assert.equal(drm_mode_modeinfo.size, 68);
});

test('resources: two CRTCs, two connectors with their monitors\' modes, one encoder each', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const res = c.card.getResources();
    assert.equal(res.crtcs.length, 2);
    assert.equal(res.connectors.length, 2);
    assert.equal(res.encoders.length, 2);
    assert.deepEqual(res.fbs, []);
    assert.equal(res.maxWidth, 4096);
    const [a, b] = res.connectors.map((id) => c.card.getConnector(id));
    assert.equal(a!.connectorType, DRM_MODE_CONNECTOR_HDMIA);
    assert.equal(b!.connectorType, DRM_MODE_CONNECTOR_DisplayPort);
    assert.equal(a!.connection, DRM_MODE_CONNECTED);
    // the 24" monitor: 1920x1080@60 preferred (148.5 MHz / (2200 * 1125) = 60 Hz exactly), then 1280x720@60
    assert.deepEqual(a!.modes.map((x) => [x.name, x.hdisplay, x.vdisplay, x.vrefresh, x.clock]), [['1920x1080', 1920, 1080, 60, 148500], ['1280x720', 1280, 720, 60, 74250]]);
    assert.ok(a!.modes[0]!.type & DRM_MODE_TYPE_PREFERRED);
    assert.ok(!(a!.modes[1]!.type & DRM_MODE_TYPE_PREFERRED));
    // 108 MHz / (1688 * 1066) = 60.02 Hz → 60
    assert.deepEqual(b!.modes.map((x) => [x.name, x.vrefresh]), [['1280x1024', 60], ['1024x768', 60]]);
    assert.equal(a!.mmWidth, 530); // EDID carries centimetres: 53 cm
    for (const id of res.encoders) {
      const e = c.card.getEncoder(id);
      assert.equal(e.possibleCrtcs, 0b11);
    }
    assert.equal(errnoOf(() => c.card.getConnector(9999)), Errno.ENOENT);
    assert.equal(errnoOf(() => c.card.getEncoder(res.crtcs[0]!)), Errno.ENOENT); // a CRTC id is not an encoder
    assert.equal(errnoOf(() => c.card.getCrtc(res.connectors[0]!)), Errno.ENOENT);
  });
});

test('every object\'s properties are readable and named as Linux names them', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const names = (obj: number, type: number) => {
      const p = c.card.objectGetProperties(obj, type);
      return p.props.map((id) => c.card.getProperty(id).name);
    };
    assert.deepEqual(names(c.crtcs[0]!, DRM_MODE_OBJECT_CRTC), ['ACTIVE', 'MODE_ID', 'OUT_FENCE_PTR', 'VRR_ENABLED']);
    assert.deepEqual(names(c.connectors[0]!, DRM_MODE_OBJECT_CONNECTOR), ['EDID', 'DPMS', 'link-status', 'non-desktop', 'TILE', 'CRTC_ID']);
    assert.equal(c.planes.length, 6);
    for (const p of c.planes) {
      const n = names(p, DRM_MODE_OBJECT_PLANE);
      assert.deepEqual(n.slice(0, 14), ['type', 'FB_ID', 'IN_FENCE_FD', 'CRTC_ID', 'CRTC_X', 'CRTC_Y', 'CRTC_W', 'CRTC_H', 'SRC_X', 'SRC_Y', 'SRC_W', 'SRC_H', 'IN_FORMATS', 'zpos']);
    }
    const types = c.planes.map((p) => c.card.findProperty(p, DRM_MODE_OBJECT_PLANE, 'type')!.value);
    assert.deepEqual(types, [1n, 0n, 2n, 1n, 0n, 2n]); // Primary, Overlay, Cursor per CRTC
    // property metadata
    const byName = (obj: number, type: number, n: string) => c.card.findProperty(obj, type, n)!.prop;
    const typeProp = byName(c.planes[0]!, DRM_MODE_OBJECT_PLANE, 'type');
    assert.equal(typeProp.flags, DRM_MODE_PROP_ENUM | DRM_MODE_PROP_IMMUTABLE);
    assert.deepEqual(typeProp.enums.map((e) => [e.value, e.name]), [[0n, 'Overlay'], [1n, 'Primary'], [2n, 'Cursor']]);
    const fbId = byName(c.planes[0]!, DRM_MODE_OBJECT_PLANE, 'FB_ID');
    assert.equal(fbId.flags, (DRM_MODE_PROP_OBJECT | DRM_MODE_PROP_ATOMIC) >>> 0);
    assert.deepEqual(fbId.values, [0xfbfbfbfbn]);
    const crtcX = byName(c.planes[0]!, DRM_MODE_OBJECT_PLANE, 'CRTC_X');
    assert.equal(crtcX.flags, (DRM_MODE_PROP_SIGNED_RANGE | DRM_MODE_PROP_ATOMIC) >>> 0);
    assert.deepEqual(crtcX.values.map((v) => BigInt.asIntN(64, v)), [-2147483648n, 2147483647n]);
    const inFence = c.card.findProperty(c.planes[0]!, DRM_MODE_OBJECT_PLANE, 'IN_FENCE_FD')!;
    assert.equal(BigInt.asIntN(64, inFence.value), -1n);
    const active = byName(c.crtcs[0]!, DRM_MODE_OBJECT_CRTC, 'ACTIVE');
    assert.equal(active.flags, (DRM_MODE_PROP_RANGE | DRM_MODE_PROP_ATOMIC) >>> 0);
    assert.deepEqual(active.values, [0n, 1n]);
    const modeId = byName(c.crtcs[0]!, DRM_MODE_OBJECT_CRTC, 'MODE_ID');
    assert.equal(modeId.flags, (DRM_MODE_PROP_BLOB | DRM_MODE_PROP_ATOMIC) >>> 0);
    assert.equal(modeId.values.length, 0);
    const dpms = byName(c.connectors[0]!, DRM_MODE_OBJECT_CONNECTOR, 'DPMS');
    assert.deepEqual(dpms.enums.map((e) => e.name), ['On', 'Standby', 'Suspend', 'Off']);
    // GETPROPERTY of an unknown id
    assert.equal(errnoOf(() => c.card.getProperty(99999)), Errno.ENOENT);
    // objects without properties: EINVAL (an fb); unknown: ENOENT; wrong type: ENOENT
    const d = dumbFb(c, 16, 16, () => 0);
    assert.equal(errnoOf(() => c.card.objectGetProperties(d.fb)), Errno.EINVAL);
    assert.equal(errnoOf(() => c.card.objectGetProperties(99999)), Errno.ENOENT);
    assert.equal(errnoOf(() => c.card.objectGetProperties(c.crtcs[0]!, DRM_MODE_OBJECT_PLANE)), Errno.ENOENT);
  });
});

test('IN_FORMATS and EDID blobs decode to what the hardware offers', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const blobId = Number(c.card.findProperty(c.planes[0]!, DRM_MODE_OBJECT_PLANE, 'IN_FORMATS')!.value);
    const b = c.card.getPropertyBlob(blobId);
    const dv = new DataView(b.buffer, b.byteOffset);
    // struct drm_format_modifier_blob { version=1, flags, count_formats, formats_offset, count_modifiers, modifiers_offset }
    assert.equal(dv.getUint32(0, true), 1);
    const nf = dv.getUint32(8, true), fo = dv.getUint32(12, true), nm = dv.getUint32(16, true), mo = dv.getUint32(20, true);
    const formats = Array.from({ length: nf }, (_, i) => dv.getUint32(fo + i * 4, true));
    assert.ok(formats.includes(DRM_FORMAT_XRGB8888) && formats.includes(DRM_FORMAT_ARGB8888) && formats.includes(DRM_FORMAT_RGB565));
    assert.equal(mo % 8, 0);
    const mods = Array.from({ length: nm }, (_, i) => dv.getBigUint64(mo + i * 24 + 16, true));
    assert.deepEqual(mods, [DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16]);
    assert.deepEqual(c.card.getPlane(c.planes[0]!).formats, formats);
    const edidId = Number(c.card.findProperty(c.connectors[1]!, DRM_MODE_OBJECT_CONNECTOR, 'EDID')!.value);
    const edid = decodeEdid(c.card.getPropertyBlob(edidId))!;
    assert.equal(edid.name, 'Akari 19');
    assert.equal(edid.manufacturer, 'AKR');
    assert.deepEqual(edid.timings[0], TIMINGS['1280x1024@60']);
    assert.equal(errnoOf(() => c.card.getPropertyBlob(99999)), Errno.ENOENT);
  });
});

test('EDID: encode/decode round-trips any detailed timing (fast-check)', () => {
  const timing = fc.record({
    hdisplay: fc.integer({ min: 64, max: 4000 }), hfp: fc.integer({ min: 1, max: 1023 }), hsw: fc.integer({ min: 1, max: 1023 }), hbp: fc.integer({ min: 1, max: 2000 }),
    vdisplay: fc.integer({ min: 64, max: 4000 }), vfp: fc.integer({ min: 1, max: 63 }), vsw: fc.integer({ min: 1, max: 63 }), vbp: fc.integer({ min: 1, max: 2000 }),
    clk: fc.integer({ min: 1, max: 65535 }), hp: fc.boolean(), vp: fc.boolean(),
  }).filter((t) => t.hfp + t.hsw + t.hbp < 4096 && t.vfp + t.vsw + t.vbp < 4096);
  fc.assert(fc.property(timing, fc.string({ maxLength: 13 }).map((s) => s.replace(/[^ -~]/g, 'x').trimEnd()), (t, name) => {
    const tm: Timing = {
      clockKhz: t.clk * 10, hdisplay: t.hdisplay, hsyncStart: t.hdisplay + t.hfp, hsyncEnd: t.hdisplay + t.hfp + t.hsw, htotal: t.hdisplay + t.hfp + t.hsw + t.hbp,
      vdisplay: t.vdisplay, vsyncStart: t.vdisplay + t.vfp, vsyncEnd: t.vdisplay + t.vfp + t.vsw, vtotal: t.vdisplay + t.vfp + t.vsw + t.vbp,
      hsyncPositive: t.hp, vsyncPositive: t.vp,
    };
    const e = encodeEdid({ ...MONITORS.akari24, name, timings: [tm] });
    // the checksum byte makes the block sum to 0 mod 256
    assert.equal(e.reduce((s, x) => s + x, 0) % 256, 0);
    const d = decodeEdid(e)!;
    assert.deepEqual(d.timings[0], tm);
    assert.equal(d.name, name);
    const bad = e.slice(); bad[60] ^= 1;
    assert.equal(decodeEdid(bad), null);
  }), { numRuns: 200 });
});

test('caps: GET_CAP answers the KMS caps; SET_CLIENT_CAP as drm_setclientcap', () => {
  withMachine(D, (m) => {
    const drm = DrmDevice.open(m.spawn(), '/dev/dri/card0');
    assert.equal(drm.getCap(DRM_CAP_DUMB_BUFFER), 1);
    assert.equal(drm.getCap(DRM_CAP_DUMB_PREFERRED_DEPTH), 24);
    assert.equal(drm.getCap(DRM_CAP_ADDFB2_MODIFIERS), 1);
    assert.equal(drm.getCap(DRM_CAP_CRTC_IN_VBLANK_EVENT), 1);
    assert.equal(drm.getCap(DRM_CAP_CURSOR_WIDTH), 64);
    assert.equal(drm.getCap(DRM_CAP_CURSOR_HEIGHT), 64);
    assert.equal(errnoOf(() => drm.getCap(0x999)), Errno.EINVAL);
    assert.equal(errnoOf(() => drm.setClientCap(2, 2)), Errno.EINVAL); // UNIVERSAL_PLANES > 1
    assert.equal(errnoOf(() => drm.setClientCap(3, 3)), Errno.EINVAL); // ATOMIC > 2
    assert.equal(errnoOf(() => drm.setClientCap(5, 1)), Errno.EINVAL); // WRITEBACK before ATOMIC
    assert.equal(errnoOf(() => drm.setClientCap(99, 1)), Errno.EINVAL);
    assert.equal(errnoOf(() => drm.setClientCap(6, 1)), Errno.EOPNOTSUPP); // hotspots: virtualised drivers only
    const card = new ModeCard(drm);
    // without UNIVERSAL_PLANES only overlays are listed; atomic properties are hidden without ATOMIC
    assert.equal(card.getPlaneResources().length, 2);
    const crtc = card.getResources().crtcs[0]!;
    assert.deepEqual(card.objectGetProperties(crtc, DRM_MODE_OBJECT_CRTC).props.map((id) => card.getProperty(id).name), ['VRR_ENABLED']);
    drm.setClientCap(3, 1);
    assert.equal(card.getPlaneResources().length, 6); // ATOMIC implies UNIVERSAL_PLANES
    assert.equal(card.objectGetProperties(crtc, DRM_MODE_OBJECT_CRTC).props.length, 4);
  });
});

test('permissions: modesetting needs master (EACCES), render nodes have no KMS (EACCES), queries need neither', () => {
  withMachine(D, (m) => {
    const master = client(m);
    const other = client(m);
    const fbA = dumbFb(master, 64, 64, () => 0xff);
    const mode = master.card.getConnector(master.connectors[0]!).modes[0]!;
    // the second opener is not master: every DRM_MASTER ioctl is EACCES before its arguments are looked at
    assert.equal(errnoOf(() => other.card.setCrtc(master.crtcs[0]!, fbA.fb, 0, 0, [master.connectors[0]!], mode)), Errno.EACCES);
    assert.equal(errnoOf(() => other.card.pageFlip(99999, 99999, 0)), Errno.EACCES);
    assert.equal(errnoOf(() => other.card.setPlane(1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1)), Errno.EACCES);
    assert.equal(errnoOf(() => other.card.moveCursor(1, 0, 0)), Errno.EACCES);
    assert.equal(errnoOf(() => other.card.atomicCommit(other.card.atomicAlloc(), 0)), Errno.EACCES);
    assert.equal(errnoOf(() => other.card.objectSetProperty(1, 0, 1, 0)), Errno.EACCES);
    // flag-0 ioctls work for any primary client
    assert.equal(other.card.getResources().crtcs.length, 2);
    const fbB = dumbFb(other, 32, 32, () => 0);
    assert.ok(fbB.fb > 0);
    // render node: every KMS ioctl is refused by the permission gate
    const r = DrmDevice.open(m.spawn(), '/dev/dri/renderD128');
    const rc = new ModeCard(r);
    assert.equal(errnoOf(() => rc.getResources()), Errno.EACCES);
    assert.equal(errnoOf(() => rc.createDumb(16, 16, 32)), Errno.EACCES);
    assert.equal(errnoOf(() => rc.waitVBlank(1, 0)), Errno.EACCES);
    assert.equal(errnoOf(() => rc.getProperty(1)), Errno.EACCES);
    assert.equal(errnoOf(() => r.setClientCap(3, 1)), Errno.EACCES);
    // master moves: after DROP_MASTER + SET_MASTER by the other file, the roles swap
    master.drm.dropMaster();
    assert.equal(errnoOf(() => master.card.setCrtc(master.crtcs[0]!, fbA.fb, 0, 0, [master.connectors[0]!], mode)), Errno.EACCES);
  });
});

test('dumb buffers: CREATE_DUMB errnos, MAP_DUMB, DESTROY_DUMB; a dumb framebuffer scans out its pixels', () => {
  withMachine(D, (m) => {
    const c = client(m);
    assert.equal(errnoOf(() => c.card.createDumb(0, 16, 32)), Errno.EINVAL);
    assert.equal(errnoOf(() => c.card.createDumb(16, 0, 32)), Errno.EINVAL);
    assert.equal(errnoOf(() => c.card.createDumb(16, 16, 0)), Errno.EINVAL);
    assert.equal(errnoOf(() => c.card.createDumb(0xffffffff, 0xffffffff, 32)), Errno.EINVAL); // pitch*height overflows 32 bits
    assert.equal(errnoOf(() => c.card.mapDumb(4242)), Errno.ENOENT);
    assert.equal(errnoOf(() => c.card.destroyDumb(4242)), Errno.EINVAL);
    const d = c.card.createDumb(100, 10, 32);
    assert.ok(d.pitch >= 400 && d.size >= d.pitch * 10);
    c.card.destroyDumb(d.handle);
    // a pattern with independent channels: R = x, G = y, B = x ^ y
    const pat = (x: number, y: number) => ((x & 255) << 16) | ((y & 255) << 8) | ((x ^ y) & 255);
    const f = dumbFb(c, 1920, 1080, pat);
    light(c, 0, 0, f.fb);
    const out = m.display!.output(0)!;
    assert.equal(out.width, 1920);
    assert.equal(out.height, 1080);
    for (const [x, y] of [[0, 0], [1, 0], [255, 3], [1919, 1079], [1000, 700], [37, 513]] as const) assert.equal(out.pixels[y * 1920 + x], pat(x, y), `pixel ${x},${y}`);
    let diff = 0;
    for (let y = 0; y < 1080; y++) for (let x = 0; x < 1920; x++) if (out.pixels[y * 1920 + x] !== pat(x, y)) diff++;
    assert.equal(diff, 0);
  });
});

test('RGB565 scans out with each channel widened by bit replication', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const mode = c.card.getConnector(c.connectors[1]!).modes[0]!; // 1280x1024
    const d = c.card.createDumb(mode.hdisplay, mode.vdisplay, 16);
    const addr = c.drm.mmap(c.card.mapDumb(d.handle), d.size);
    const u16 = new Uint16Array(d.size / 2);
    const px = (x: number, y: number) => (((x >> 3) & 31) << 11) | ((y & 63) << 5) | ((x + y) & 31);
    for (let y = 0; y < mode.vdisplay; y++) for (let x = 0; x < mode.hdisplay; x++) u16[(y * d.pitch) / 2 + x] = px(x, y);
    c.sys.store(addr, u16);
    const fb = c.card.addFB2(mode.hdisplay, mode.vdisplay, DRM_FORMAT_RGB565, [d.handle], [d.pitch], [0]);
    c.card.setCrtc(c.crtcs[1]!, fb, 0, 0, [c.connectors[1]!], mode);
    const out = m.display!.output(1)!;
    const widen = (v: number, bits: number) => (v << (8 - bits)) | (v >> (2 * bits - 8));
    for (const [x, y] of [[0, 0], [255, 31], [1279, 1023], [640, 100]] as const) {
      const v = px(x, y);
      const expect = (widen(v >> 11, 5) << 16) | (widen((v >> 5) & 63, 6) << 8) | widen(v & 31, 5);
      assert.equal(out.pixels[y * mode.hdisplay + x], expect);
    }
    // 5-bit 31 widens to 255, 6-bit 63 to 255, 5-bit 16 to 132 (10000b → 10000100b)
    assert.equal(widen(31, 5), 255); assert.equal(widen(63, 6), 255); assert.equal(widen(16, 5), 132);
  });
});

test('ADDFB2 checks: flags, formats, handles, pitches, unused planes, modifiers, sizes', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const d = c.card.createDumb(64, 64, 32);
    const ok = () => c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0]);
    assert.ok(ok() > 0);
    assert.equal(errnoOf(() => c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0], undefined, 4)), Errno.EINVAL); // unknown flag
    assert.equal(errnoOf(() => c.card.addFB2(64, 64, fourcc('YUYV'), [d.handle], [d.pitch], [0])), Errno.EINVAL);
    assert.equal(errnoOf(() => c.card.addFB2(0, 64, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0])), Errno.EINVAL);
    assert.equal(errnoOf(() => c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [0], [d.pitch], [0])), Errno.EINVAL); // no handle
    assert.equal(errnoOf(() => c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [4242], [d.pitch], [0])), Errno.ENOENT);
    assert.equal(errnoOf(() => c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [d.handle], [100], [0])), Errno.EINVAL); // pitch < 64*4
    assert.equal(errnoOf(() => c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [d.handle, d.handle], [d.pitch, d.pitch], [0, 0])), Errno.EINVAL); // a second plane
    assert.equal(errnoOf(() => c.card.addFB2(64, 2000, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0])), Errno.EINVAL); // BO too small
    assert.equal(errnoOf(() => c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0], [0x0500000000000001n])), Errno.EINVAL); // unknown modifier
    assert.ok(c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0], [DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16]) > 0);
    assert.equal(errnoOf(() => c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch + 4], [0], [DRM_FORMAT_MOD_AKARI_TWIDDLED_16X16])), Errno.EINVAL); // not whole blocks
    assert.equal(errnoOf(() => c.card.rmFB(99999)), Errno.ENOENT);
    const other = client(m);
    assert.equal(errnoOf(() => other.card.rmFB(ok())), Errno.ENOENT); // another file's fb
    assert.equal(c.card.getResources().fbs.length, 3);
  });
});

test('hotplug: unplugging announces a uevent and GETCONNECTOR shows it; plugging back restores the modes', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const ue = c.sys.open('netlink:kobject_uevent', 0o4000);
    assert.ok(ue >= 0);
    const buf = c.drm.heap.alloc(512);
    assert.equal(c.sys.read(ue, buf, 512), -Errno.EAGAIN);
    m.display!.plug(1, null);
    const fds = [{ fd: ue, events: 1, revents: 0 }];
    assert.equal(c.sys.poll(fds, 0), 1);
    const n = c.sys.read(ue, buf, 512);
    const msg = new TextDecoder().decode(c.drm.heap.read(buf, n)).split('\0');
    assert.ok(msg.includes('ACTION=change') && msg.includes('SUBSYSTEM=drm') && msg.includes('HOTPLUG=1'));
    assert.ok(msg.includes(`CONNECTOR=${c.connectors[1]}`));
    const gone = c.card.getConnector(c.connectors[1]!);
    assert.equal(gone.connection, DRM_MODE_DISCONNECTED);
    assert.equal(gone.modes.length, 0);
    assert.equal(c.card.findProperty(c.connectors[1]!, DRM_MODE_OBJECT_CONNECTOR, 'EDID')!.value, 0n);
    m.display!.plug(1, { ...MONITORS.akari19, name: 'Second 19', serial: 77 });
    const back = c.card.getConnector(c.connectors[1]!);
    assert.equal(back.connection, DRM_MODE_CONNECTED);
    assert.equal(back.modes[0]!.name, '1280x1024');
    const edid = decodeEdid(c.card.getPropertyBlob(Number(c.card.findProperty(c.connectors[1]!, DRM_MODE_OBJECT_CONNECTOR, 'EDID')!.value)))!;
    assert.equal(edid.name, 'Second 19');
    assert.equal(edid.serial, 77);
  });
});

test('a client\'s exit turns off what its framebuffers lit and frees them: no leaks', () => {
  withMachine(D, (m) => {
    const before = { ...m.dev.live };
    const c = client(m);
    const f0 = dumbFb(c, 1920, 1080, () => 0x00ff00);
    const f1 = dumbFb(c, 1280, 1024, () => 0x0000ff);
    light(c, 0, 0, f0.fb);
    light(c, 1, 1, f1.fb);
    assert.equal(m.display!.output(0)!.pixels[5], 0x00ff00);
    assert.equal(m.display!.output(1)!.pixels[5], 0x0000ff);
    const watcher = client(m, { atomic: false });
    c.sys.exit();
    // the CRTCs went dark (no signal), their state is off, and nothing of the client remains
    assert.equal(m.display!.output(0), null);
    assert.equal(m.display!.output(1), null);
    for (const id of watcher.crtcs) assert.equal(watcher.card.getCrtc(id).modeValid, false);
    assert.equal(m.driver.kms!.fbs.size, 0);
    watcher.drm.close();
    assert.deepEqual(m.dev.live, before);
  });
});

test('DPMS Off turns the CRTC off and On brings it back; blobs belong to their creator', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const f = dumbFb(c, 1920, 1080, () => 0x0a0b0c);
    light(c, 0, 0, f.fb);
    const dpms = c.card.propId(c.connectors[0]!, DRM_MODE_OBJECT_CONNECTOR, 'DPMS');
    c.card.connectorSetProperty(c.connectors[0]!, dpms, 3); // Off
    assert.equal(m.display!.output(0), null);
    assert.equal(c.card.findProperty(c.crtcs[0]!, DRM_MODE_OBJECT_CRTC, 'ACTIVE')!.value, 0n);
    assert.equal(c.card.getCrtc(c.crtcs[0]!).modeValid, true); // the mode stays: only ACTIVE went to 0
    c.card.connectorSetProperty(c.connectors[0]!, dpms, 0); // On
    assert.equal(m.display!.output(0)!.pixels[0], 0x0a0b0c);
    assert.equal(errnoOf(() => c.card.connectorSetProperty(c.connectors[0]!, dpms, 7)), Errno.EINVAL); // not an enum value
    const edid = c.card.propId(c.connectors[0]!, DRM_MODE_OBJECT_CONNECTOR, 'EDID');
    assert.equal(errnoOf(() => c.card.connectorSetProperty(c.connectors[0]!, edid, 0)), Errno.EINVAL); // only DPMS on a connector
    // blobs: any client reads them, only the creator destroys them
    const blob = c.card.createPropertyBlob(new Uint8Array([1, 2, 3]));
    const other = client(m);
    assert.deepEqual([...other.card.getPropertyBlob(blob)], [1, 2, 3]);
    assert.equal(errnoOf(() => other.card.destroyPropertyBlob(blob)), Errno.EPERM);
    assert.equal(errnoOf(() => c.card.createPropertyBlob(new Uint8Array(0))), Errno.EINVAL);
    c.card.destroyPropertyBlob(blob);
    assert.equal(errnoOf(() => c.card.getPropertyBlob(blob)), Errno.ENOENT);
    assert.equal(errnoOf(() => c.card.destroyPropertyBlob(blob)), Errno.ENOENT);
  });
});

/**
 * drm_ioctl copies the struct back after a failure too, so a getter that
 * faults half way hands back what it stored before the fault. In
 * drm_mode_getresources each count is stored right after its array (fbs,
 * then min/max sizes, CRTCs, encoders, connectors); drm_mode_getconnector
 * stores the encoder count and the connector's identity before the modes.
 */
test('a getter that faults half way hands back the counts it stored before the fault (drm_ioctl copies back)', () => {
  withMachine(D, (m) => {
    const c = client(m, { atomic: false });
    const bad = 8; // below every process's memory: the array copy faults
    const room = c.drm.heap.stage(new Uint8Array(64))[0];
    // CRTC ids fit; the encoder array is a bad pointer
    const res = writeStruct(drm_mode_card_res, { count_crtcs: 2, crtc_id_ptr: room, count_encoders: 2, encoder_id_ptr: bad, count_connectors: 77 });
    const [p] = c.drm.heap.stage(res);
    assert.equal(c.sys.ioctl(c.drm.fd, DRM_MODE_IOCTL.GETRESOURCES.request, p), -Errno.EFAULT);
    const back = readStruct(drm_mode_card_res, c.drm.heap.read(p, drm_mode_card_res.size));
    assert.equal(back.count_fbs, 0);
    assert.equal(back.max_width, 4096);
    assert.equal(back.count_crtcs, 2, 'stored before the fault');
    assert.equal(back.count_encoders, 2, 'the caller\'s own value: never reached');
    assert.equal(back.count_connectors, 77, 'never reached');
    // GETCONNECTOR: modes go to a bad pointer; the encoder count and the type came back
    const conn = writeStruct(drm_mode_get_connector, { connector_id: c.connectors[0]!, count_modes: 8, modes_ptr: bad, count_encoders: 0 });
    const [q] = c.drm.heap.stage(conn);
    assert.equal(c.sys.ioctl(c.drm.fd, DRM_MODE_IOCTL.GETCONNECTOR.request, q), -Errno.EFAULT);
    const cb = readStruct(drm_mode_get_connector, c.drm.heap.read(q, drm_mode_get_connector.size));
    assert.equal(cb.count_encoders, 1);
    assert.equal(cb.connector_type, DRM_MODE_CONNECTOR_HDMIA);
    assert.equal(cb.connection, DRM_MODE_CONNECTED);
    assert.equal(cb.count_modes, 8, 'the mode count is stored only after the copy');
    assert.deepEqual(m.oopses, []);
  });
});

/**
 * The display's page tables: a framebuffer's object is mapped into the
 * display address space when it is created and unmapped when it is freed.
 * The intermediate tables that mapping needed must come back with it, or
 * every ADDFB2/RMFB cycle at a fresh display address keeps GPU memory the
 * display never gives back (found by the fuzzer: 32 KiB after all exited).
 */
test('ADDFB2 then RMFB gives the display\'s page tables back: free GPU memory is as before', () => {
  withMachine(D, (m) => {
    const c = client(m);
    const before = m.driver.liveObjects();
    for (let i = 0; i < 3; i++) {
      const d = c.card.createDumb(64, 64, 32);
      const fb = c.card.addFB2(64, 64, DRM_FORMAT_XRGB8888, [d.handle], [d.pitch], [0]);
      c.card.rmFB(fb);
      c.card.destroyDumb(d.handle);
    }
    assert.deepEqual(m.driver.liveObjects(), before);
  });
});

/**
 * Found by the fuzzer (seed 12): a cursor set while a non-blocking modeset
 * is still pending waits for that commit; meanwhile the vblank that
 * completes it ran the framebuffer collector, and the cursor's internal
 * framebuffer — named only by the waiting request — was freed (unmapped
 * from the display) before the request made it current. The cursor plane
 * then scanned out a freed fb, and at exit nothing turned it off (a plane
 * left on after everyone exited).
 */
test('a cursor set behind a pending non-blocking modeset keeps its framebuffer; exit turns everything off', () => {
  withMachine(D, (m) => {
    const boot = m.driver.liveObjects();
    const c = client(m, { sys: m.spawn() });
    const conn = c.card.getConnector(c.connectors[1]!);
    const mode = conn.modes.find((x) => x.name === '1024x768')!;
    const a = dumbFb(c, 1024, 768, () => 0x202020);
    const primary = primaryOf(c, 0);
    const p = pipeProps(c, c.crtcs[0]!, primary, c.connectors[1]!);
    const req = c.card.atomicAlloc();
    req.add(c.connectors[1]!, p.CONN_CRTC_ID, c.crtcs[0]!);
    req.add(c.crtcs[0]!, p.MODE_ID, c.card.createPropertyBlob(encodeModeInfo(mode)));
    req.add(c.crtcs[0]!, p.ACTIVE, 1);
    for (const [k, v] of [[p.FB_ID, a.fb], [p.CRTC_ID, c.crtcs[0]!], [p.SRC_W, 1024 << 16], [p.SRC_H, 768 << 16], [p.CRTC_W, 1024], [p.CRTC_H, 768]] as const) req.add(primary, k, v);
    c.card.atomicCommit(req, DRM_MODE_ATOMIC_ALLOW_MODESET | DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, 1);
    const cur = c.card.createDumb(64, 64, 32);
    c.card.setCursor(c.crtcs[0]!, cur.handle, 64, 64); // waits for the modeset above
    const cursorPlane = planeOfType(c, 0, 2n);
    const fbId = c.card.getPlane(cursorPlane).fbId;
    assert.notEqual(fbId, 0);
    assert.equal(c.card.getFB(fbId).width, 64, 'the cursor plane\'s framebuffer is alive');
    c.sys.exit();
    assert.deepEqual(m.driver.liveObjects(), boot, 'nothing lit, mapped or kept after the client exited');
  });
});
