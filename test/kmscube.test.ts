/**
 * kmscube and modetest end to end: GPU-rendered buffers exported as dma-bufs,
 * imported on the card node as framebuffers, flipped at vblank with atomic
 * commits carrying the render fences; modetest's pattern and refresh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runKmscube } from '../src/apps/kmscube.js';
import { runModetest, smptePixel } from '../src/apps/modetest.js';
import { Machine } from '../src/machine/machine.js';
import { traceKmsProgram } from '../src/apps/trace-kms.js';

test('kmscube --atomic: N frames at a fixed virtual 60 Hz with zero missed flips, and a cube on screen', () => {
  const m = new Machine({ deterministic: true });
  try {
    const N = 12;
    const r = runKmscube({ frames: N, atomic: true, machine: m, connector: 1, mode: '1024x768', keep: true, log: () => {} });
    assert.equal(r.flips, N);
    assert.equal(r.missed, 0);
    // consecutive vblanks: each flip lands on the vblank after the previous one
    for (let i = 1; i < N; i++) assert.equal(r.sequences[i], r.sequences[i - 1]! + 1);
    // 65 MHz / (1344 * 806) = 60.004 Hz
    assert.ok(Math.abs(r.fps - 65e6 / (1344 * 806)) < 0.01, `fps ${r.fps}`);
    const out = m.display!.output(1)!;
    assert.equal(out.width, 1024);
    // the clear colour (0.5 grey) in the corner, a lit face (not grey, not black) in the middle
    const corner = out.pixels[0]!;
    const r8 = (corner >> 16) & 255;
    assert.ok(r8 >= 127 && r8 <= 128 && ((corner >> 8) & 255) === r8 && (corner & 255) === r8, corner.toString(16));
    const mid = out.pixels[384 * 1024 + 512]!;
    assert.notEqual(mid, corner);
    assert.notEqual(mid, 0);
    // the frames moved: the cube rotates
    r.sys.exit();
    assert.equal(m.display!.output(1), null);
    assert.equal(m.driver.kms!.fbs.size, 0);
  } finally { m.shutdown(); }
});

test('kmscube legacy (SETCRTC + PAGE_FLIP) and double buffering also flip every vblank', () => {
  const m = new Machine({ deterministic: true });
  try {
    const r = runKmscube({ frames: 6, atomic: false, buffers: 2, machine: m, connector: 1, mode: '1024x768', log: () => {} });
    assert.equal(r.flips, 6);
    assert.equal(r.missed, 0);
  } finally { m.shutdown(); }
});

test('modetest -s shows the SMPTE pattern; -v measures the mode\'s refresh from flip events', () => {
  const m = new Machine({ deterministic: true });
  try {
    const conn = m.driver.kms!.connectors[1]!.id;
    const lines: string[] = [];
    const r = runModetest({ set: `${conn}:1280x1024`, vsync: true, frames: 30, machine: m, keep: true, log: (s) => lines.push(s) });
    // 108 MHz / (1688 * 1066) = 60.020 Hz
    assert.ok(Math.abs(r.measuredHz - 108e6 / (1688 * 1066)) < 0.01, `${r.measuredHz}`);
    assert.equal(r.flips, 30);
    const out = m.display!.output(r.crtcIndex)!;
    // after an even number of flips the first buffer (the pattern itself) is up again
    for (const [x, y] of [[10, 10], [300, 200], [1270, 600], [640, 800], [100, 1000], [1200, 1000]] as const) assert.equal(out.pixels[y * 1280 + x], smptePixel(x, y, 1280, 1024));
    // the seven top bars, 75% grey first and 75% blue last
    assert.equal(smptePixel(0, 0, 1280, 1024), 0xc0c0c0);
    assert.equal(smptePixel(1279, 0, 1280, 1024), 0x0000c0);
    const list: string[] = [];
    runModetest({ machine: m, log: (s) => list.push(s) });
    const text = list.join('\n');
    for (const s of ['Encoders:', 'Connectors:', 'CRTCs:', 'Planes:', 'Frame buffers:', 'HDMI-A-1', 'DP-1', '1920x1080 60.00', 'IN_FORMATS', 'OUT_FENCE_PTR', 'formats: XR24 AR24 XB24 AB24 RG16']) assert.ok(text.includes(s), s);
  } finally { m.shutdown(); }
});

test('akari trace kmscube decodes the KMS ioctls, the flip events and the display state', () => {
  const lines: string[] = [];
  traceKmsProgram('kmscube', { write: (s) => lines.push(s) });
  const t = lines.join('\n');
  assert.ok(/DRM_IOCTL_MODE_ATOMIC\(\{flags=1537/.test(t), 'first commit: NONBLOCK|PAGE_FLIP_EVENT|ALLOW_MODESET = 0x601');
  assert.ok(t.includes('DRM_IOCTL_MODE_ADDFB2'));
  assert.ok(t.includes('DRM_IOCTL_PRIME_FD_TO_HANDLE'));
  assert.match(t, /<- DRM_EVENT_FLIP_COMPLETE \{user_data=0, tv=\d+\.\d{6}, sequence=\d+, crtc_id=\d+\}/);
  assert.match(t, /kms: CRTC \d+: active 1024x768@60 -> connector \d+/);
  assert.match(t, /kms:\s+plane \d+ \(primary\): fb \d+ 1024x768/);
});
