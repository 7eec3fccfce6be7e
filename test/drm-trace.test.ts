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

test('trace hang: the watchdog timeout, the ban, ECANCELED, and a kernel reset with its blame, in order', () => {
  const lines: string[] = [];
  traceProgram('hang', { firmware: 'v2', write: (l) => lines.push(l) });
  const find = (re: RegExp) => { const i = lines.findIndex((l) => re.test(l)); assert.ok(i >= 0, `${re} in\n${lines.join('\n')}`); return i; };
  const fwlog = find(/fw log: job 1 timeout 10ms p1 t0/); // the firmware log records the stop and how far the job got
  const ev = find(/fw event: timeout tag=1 status=timeout stopped after 1 primitives, 0 tiles/);
  const ban = find(/kernel: queue 1 banned \(guilty_timeout\): job 1 timeout/);
  const cancelled = find(/AKARI_SUBMIT\(.*queue_id=1.*\) = -1 ECANCELED \(125\)/);
  const reset = find(/kernel: GPU reset and firmware reboot: job 2 did not complete in 100 ms; blamed job 2 \(queue 2, guilty_timeout\); 1 innocent job\(s\) run again/);
  const reboot = lines.findIndex((l, i) => i > reset && /fw log: akari fw v2 up/.test(l));
  assert.ok(fwlog < ban && ev < ban && ban < cancelled && cancelled < reset && reset < reboot);
  assert.ok(lines.slice(reset).some((l) => /fw event: complete tag=3 status=ok/.test(l)), 'the innocent job ran again and completed');
});
