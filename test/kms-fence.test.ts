/**
 * An IN_FENCE_FD holds a flip back until the render job signals: on a
 * threaded machine (the GPU on its worker, vblanks on the real clock) a
 * deliberately slow render is committed at once; while its fence is
 * unsignalled the vblanks go by with the old picture on screen, and the
 * flip lands after the fence signals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errno } from '../src/base/errors.js';
import { Machine } from '../src/machine/machine.js';
import { AkariWebGLRenderingContext } from '../src/webgl/context.js';
import { errnoOf } from './drm-helpers.js';
import { client, dumbFb, pipeProps, primaryOf, readEvents } from './kms-helpers.js';
import { DRM_FORMAT_XBGR8888, DRM_MODE_ATOMIC_NONBLOCK, DRM_MODE_PAGE_FLIP_EVENT, DRM_VBLANK_RELATIVE } from '../src/uapi/drm-mode.js';

test('an in-fence delays the flip until the render job\'s fence signals (threaded, real-time vblanks)', { timeout: 300_000 }, () => {
  const m = new Machine({ deterministic: false });
  try {
    const c = client(m);
    const OLD = 0x123456;
    const a = dumbFb(c, 1024, 768, () => OLD);
    const conn = c.card.getConnector(c.connectors[1]!);
    const mode = conn.modes.find((x) => x.name === '1024x768')!;
    c.card.setCrtc(c.crtcs[1]!, a.fb, 0, 0, [conn.connectorId], mode);
    // a slow frame: every pixel runs a long loop
    const gl = new AkariWebGLRenderingContext(1024, 768, { depth: false, jobTimeoutMs: 60_000 }, { sys: c.sys, release: () => {} });
    const vs = gl.createShader(gl.VERTEX_SHADER)!;
    gl.shaderSource(vs, 'attribute vec2 p; void main() { gl_Position = vec4(p, 0.0, 1.0); }');
    gl.compileShader(vs);
    const fs = gl.createShader(gl.FRAGMENT_SHADER)!;
    gl.shaderSource(fs, 'precision highp float; void main() { vec3 c = gl_FragCoord.xyz * 0.001; for (int i = 0; i < 600; i++) { c = fract(c * 1.37 + vec3(0.11, 0.23, 0.37)); } gl_FragColor = vec4(c, 1.0); }');
    gl.compileShader(fs);
    const prog = gl.createProgram()!;
    gl.attachShader(prog, vs); gl.attachShader(prog, fs); gl.linkProgram(prog); gl.useProgram(prog);
    const b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.enableVertexAttribArray(0);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    const sw = gl.akariSwapBuffers(2);
    const fb = c.card.addFB2(1024, 768, DRM_FORMAT_XBGR8888, [c.drm.primeFdToHandle(sw.dmabufFd)], [sw.stride], [0]);
    const plane = primaryOf(c, 1);
    const p = pipeProps(c, c.crtcs[1]!, plane, c.connectors[1]!);
    const req = c.card.atomicAlloc();
    req.add(plane, p.FB_ID, fb);
    req.add(plane, p.IN_FENCE_FD, sw.fenceFd);
    const seq0 = c.card.crtcGetSequence(c.crtcs[1]!).sequence;
    c.card.atomicCommit(req, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, 7);
    // the render fence as a syncobj, to ask whether it has signalled (timeout 0: ETIME while pending)
    const s = c.drm.syncobjCreate();
    c.drm.syncobjImportSyncFile(s, sw.fenceFd);
    let vblanksWhilePending = 0;
    for (;;) {
      // picture first, then the fence: an unsignalled fence now means it was unsignalled when the picture was taken
      const onScreen = m.display!.output(1)!.pixels[384 * 1024 + 512];
      const noEvent = c.sys.poll([{ fd: c.drm.fd, events: 1 }], 0) === 0;
      const pending = errnoOf(() => c.drm.syncobjWait([s], 0)) === Errno.ETIME;
      if (!pending) break;
      assert.equal(onScreen, OLD, 'no flip before the render fence signalled');
      assert.ok(noEvent, 'and no flip event');
      const before = c.card.crtcGetSequence(c.crtcs[1]!).sequence;
      c.card.waitVBlank(DRM_VBLANK_RELATIVE | (1 << 1), 1); // CRTC index 1 in the high-crtc bits
      vblanksWhilePending += c.card.crtcGetSequence(c.crtcs[1]!).sequence - before;
    }
    assert.ok(vblanksWhilePending >= 2, `${vblanksWhilePending} vblanks went by while the fence was pending`);
    const ev = readEvents(c);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.userData, 7n);
    assert.ok(ev[0]!.sequence >= seq0 + 2);
    assert.notEqual(m.display!.output(1)!.pixels[384 * 1024 + 512], OLD);
    gl.destroy();
  } finally { m.shutdown(); }
});
