/** akari trace: decoded ioctls with results, and the firmware events they caused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceProgram, formatIoctl } from '../src/tools/trace.js';
import { DRM_IOCTL } from '../src/uapi/drm.js';
import { FIRMWARES } from './helpers.js';

for (const fw of FIRMWARES) {
  test(`trace triangle (fw ${fw})`, () => {
    const lines: string[] = [];
    traceProgram('triangle', { firmware: fw, write: (l) => lines.push(l) });
    const text = lines.join('\n');
    assert.match(text, /AKARI_GEM_CREATE\(\{size=\d+, flags=0, handle=0\}\) = 0 -> \{size=\d+, flags=0, handle=1\}/);
    assert.match(text, /AKARI_SUBMIT\(/);
    assert.match(text, /DRM_IOCTL_SYNCOBJ_WAIT\(/);
    assert.match(text, /fw event: complete tag=\d+ status=ok/);
    const submit = lines.findIndex((l) => l.includes('AKARI_SUBMIT'));
    const ev = lines.findIndex((l) => l.includes('fw event: complete'));
    assert.ok(submit >= 0 && ev > submit, 'the event follows the submit that caused it');
  });
}

test('a failed ioctl shows its errno', () => {
  const s = DRM_IOCTL.GEM_CLOSE;
  assert.equal(formatIoctl({ pid: 7, name: s.name, request: s.request, args: { handle: 9, pad: 0 }, out: null, errno: 22, struct: s.struct }),
    '[7] DRM_IOCTL_GEM_CLOSE({handle=9}) = -1 EINVAL (22)');
});
