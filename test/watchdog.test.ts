/**
 * Runaway jobs are stopped, their owners blamed, everyone else carries on.
 *
 * The firmware arms a watchdog with each render command's timeout_ms; the
 * pipelines stop the job at the next warp or tile past the deadline, and it
 * completes with status timeout. In deterministic mode the GPU clock is
 * virtual (hwdesc/timing.ts: time is the work done), so "stopped within the
 * timeout plus a small margin" is exact: the margin is one warp launch or
 * one tile, well under a microsecond, and we allow 0.1 ms.
 *
 * Behind it the kernel keeps its own timeout (a firmware that stops
 * answering: reset and reboot, blame the job at the head) and re-runs every
 * innocent job the firmware held when it crashed or hung.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HANG_FS, TRIANGLE_FS, drawTriangle, startTriangle, type TriangleRun } from '../src/umd/triangle.js';
import { withMachine } from './helpers.js';
import { UmdDevice } from '../src/umd/device.js';
import { DebugInject, REG, FwStatus } from '../src/hwdesc/regs.js';
import { AKARI_OBJECT_VM, AKARI_CONTEXT_STATE } from '../src/uapi/akari.js';

/** A fragment shader that loops `n` times (r0 counts, r1 holds n), then writes the triangle's colour (TRIANGLE_FS). */
const loopFs = (n: number) => `
mov r0, #0.0
movi r1, 0x${new Uint32Array(new Float32Array([n]).buffer)[0]!.toString(16)}
loop
  fcmp.ge r2, r0, r1
  break r2
  fadd r0, r0, #1.0
endloop${TRIANGLE_FS}`;

const elapsedMs = (r: TriangleRun) => (r.result.ts_end! - r.result.ts_start!) / 1e6;

/**
 * One hostile job (`hostile` options) in flight together with innocent jobs
 * of another context of the same process and of another process, all
 * submitted before anything runs: the innocent ones are queued behind the
 * runaway in the firmware. Returns the runs and the devices.
 */
function scenario(hostileOpts: Parameters<typeof startTriangle>[1]) {
  return withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const procA = m.spawn(), procB = m.spawn();
    const hostile = new UmdDevice(procA);
    const sibling = new UmdDevice(procA); // another context of the same process, same GPU
    const other = new UmdDevice(procB);   // another process
    const refSibling = drawTriangle(sibling), refOther = drawTriangle(other);
    assert.equal(refSibling.status, 'complete');
    const h = startTriangle(hostile, hostileOpts);
    const s1 = startTriangle(sibling), o1 = startTriangle(other);
    const runs = { hostile: h.finish(), sibling: s1.finish(), other: o1.finish() };
    // and after it, they keep rendering
    const s2 = drawTriangle(sibling), o2 = drawTriangle(other);
    for (const r of [runs.sibling, runs.other, s2, o2]) assert.equal(r.status, 'complete');
    assert.deepEqual(runs.sibling.pixels, refSibling.pixels, 'the sibling context renders bit-exact frames');
    assert.deepEqual(runs.other.pixels, refOther.pixels, 'the other process renders bit-exact frames');
    assert.deepEqual(s2.pixels, refSibling.pixels);
    assert.deepEqual(o2.pixels, refOther.pixels);
    // the guilty context is banned; the others are innocent
    assert.equal(hostile.state(), 'guilty_timeout');
    assert.throws(() => drawTriangle(hostile), /AKARI_SUBMIT: ECANCELED/);
    assert.equal(sibling.state(), 'innocent');
    assert.equal(other.state(), 'innocent');
    assert.equal(AKARI_CONTEXT_STATE[hostile.drm.akariGetState(AKARI_OBJECT_VM, hostile.vm).state!], 'guilty_timeout');
    // no reset was needed: the firmware's watchdog handled it
    assert.equal(m.driver.counters.recoveries, 0);
    assert.equal(m.driver.firmwareStats().jobs_timed_out, 1);
    assert.ok(m.driver.fwLog.some((l) => /job \d+ timeout/.test(l)), m.driver.fwLog.join('\n'));
    return runs;
  });
}

test('a never-terminating fragment shader is stopped at its timeout; other contexts and processes render bit-exact', () => {
  const { hostile } = scenario({ fs: HANG_FS, timeoutMs: 20 });
  assert.equal(hostile.status, 'timeout');
  const t = elapsedMs(hostile);
  assert.ok(t >= 20 && t <= 20.1, `stopped after ${t} ms of GPU time (timeout 20 ms)`);
});

test('a huge valid draw (instance_count 2^31) is stopped at its timeout; others render bit-exact', () => {
  const { hostile } = scenario({ instanceCount: 2 ** 31, width: 32, height: 32, timeoutMs: 10 });
  assert.equal(hostile.status, 'timeout');
  const t = elapsedMs(hostile);
  assert.ok(t >= 10 && t <= 10.1, `stopped after ${t} ms of GPU time (timeout 10 ms)`);
});

test('a job just under its timeout completes correctly; one just over is stopped', () => {
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const dev = new UmdDevice(m.spawn());
    const ref = drawTriangle(dev, { width: 128, height: 128 });
    // the triangle's colours through a slow shader: 3000 loop iterations per fragment
    const slow = drawTriangle(dev, { fs: loopFs(3000), width: 128, height: 128 });
    assert.equal(slow.status, 'complete');
    const d = elapsedMs(slow);
    // keep the threshold away from a millisecond boundary so that ceil/floor are unambiguous
    assert.ok(d > 1 && d % 1 > 0.05 && d % 1 < 0.95, `duration ${d} ms`);
    const under = drawTriangle(dev, { fs: loopFs(3000), width: 128, height: 128, timeoutMs: Math.ceil(d) });
    assert.equal(under.status, 'complete');
    assert.deepEqual(under.pixels, slow.pixels);
    assert.deepEqual(slow.pixels, ref.pixels, 'the slow shader draws the same picture');
    assert.equal(dev.state(), 'innocent');
    const over = drawTriangle(dev, { fs: loopFs(3000), width: 128, height: 128, timeoutMs: Math.floor(d) });
    assert.equal(over.status, 'timeout');
    assert.ok(elapsedMs(over) >= Math.floor(d) && elapsedMs(over) <= Math.floor(d) + 0.1);
  });
});

test('the kernel timeout catches a hung firmware: reset, reboot, only the head job is blamed; three processes', () => {
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const devs = [new UmdDevice(m.spawn()), new UmdDevice(m.spawn()), new UmdDevice(m.spawn())];
    const refs = devs.map((d) => drawTriangle(d));
    const jobs = devs.map((d) => startTriangle(d, { timeoutMs: 100 }));
    m.bus.writeReg(REG.DEBUG_INJECT, DebugInject.HANG);
    const t0 = m.bus.now();
    const runs = jobs.map((j) => j.finish());
    // the head job (process 0) never completed: the kernel blames it
    assert.equal(runs[0]!.status, 'timeout');
    assert.equal(devs[0]!.state(), 'guilty_timeout');
    // the innocent jobs ran again after the reboot
    for (const i of [1, 2]) {
      assert.equal(runs[i]!.status, 'complete');
      assert.deepEqual(runs[i]!.pixels, refs[i]!.pixels);
      assert.equal(devs[i]!.state(), 'innocent');
    }
    assert.equal(m.driver.counters.recoveries, 1);
    assert.equal(m.driver.counters.kernelTimeouts, 1);
    assert.equal(m.bus.readReg(REG.FW_STATUS), FwStatus.RUNNING);
    // the kernel waited its timeout (1.5 × 100 ms + 1 s grace) and not much longer
    const waited = (m.bus.now() - t0) / 1e6;
    assert.ok(waited >= 1150 && waited < 1300, `recovered after ${waited} ms`);
    assert.equal(devs[1]!.drm.akariGetState(AKARI_OBJECT_VM, devs[1]!.vm).device_resets, 1);
  });
});

for (const fw of ['v1', 'v2'] as const) {
  test(`an injected firmware crash with jobs of three processes in flight: after the reboot they complete with correct pixels (fw ${fw})`, () => {
    withMachine({ deterministic: true, firmware: fw }, (m) => {
      const devs = [new UmdDevice(m.spawn()), new UmdDevice(m.spawn()), new UmdDevice(m.spawn())];
      const refs = devs.map((d, i) => drawTriangle(d, { width: 64 * (i + 1), height: 64 }));
      const jobs = devs.map((d, i) => startTriangle(d, { width: 64 * (i + 1), height: 64 }));
      m.bus.writeReg(REG.DEBUG_INJECT, DebugInject.CRASH);
      const runs = jobs.map((j) => j.finish());
      assert.equal(m.driver.counters.recoveries, 1);
      runs.forEach((r, i) => {
        assert.equal(r.status, 'complete', `process ${i}`);
        assert.deepEqual(r.pixels, refs[i]!.pixels, `process ${i} pixels`);
        assert.equal(devs[i]!.state(), 'innocent');
      });
      assert.equal(m.driver.counters.rerun, 3);
      assert.ok(m.driver.fwLog.some((l) => /kernel: reset: firmware crashed/.test(l)));
    });
  });
}

test('repeated hangs from one client never take another down', () => {
  withMachine({ deterministic: true, firmware: 'v2' }, (m) => {
    const hostileProc = m.spawn();
    const innocent = new UmdDevice(m.spawn());
    const ref = drawTriangle(innocent, { width: 64, height: 64 });
    for (let i = 0; i < 10; i++) {
      const hostile = new UmdDevice(hostileProc);
      const h = startTriangle(hostile, { fs: HANG_FS, timeoutMs: 2, width: 32, height: 32 });
      const ok = startTriangle(innocent, { width: 64, height: 64 });
      assert.equal(h.finish().status, 'timeout');
      const r = ok.finish();
      assert.equal(r.status, 'complete');
      assert.deepEqual(r.pixels, ref.pixels, `frame ${i}`);
      hostile.close();
    }
    assert.equal(innocent.state(), 'innocent');
    assert.equal(m.driver.counters.recoveries, 0);
  });
});

test('concurrent mode: the watchdog stops a runaway shader in wall-clock time while another process renders', () => {
  withMachine({ deterministic: false, firmware: 'v2' }, (m) => {
    const hostile = new UmdDevice(m.spawn());
    const other = new UmdDevice(m.spawn());
    const ref = drawTriangle(other);
    const t0 = performance.now();
    const h = startTriangle(hostile, { fs: HANG_FS, timeoutMs: 300 });
    const o = startTriangle(other);
    const hr = h.finish();
    const wall = performance.now() - t0;
    assert.equal(hr.status, 'timeout');
    const t = elapsedMs(hr);
    // wall-clock on a shared machine: at least the timeout, and well before the next second
    assert.ok(t >= 300 && t < 1500, `GPU time ${t} ms`);
    assert.ok(wall < 5000, `wall ${wall} ms`);
    const or = o.finish();
    assert.equal(or.status, 'complete');
    assert.deepEqual(or.pixels, ref.pixels);
    assert.equal(hostile.state(), 'guilty_timeout');
  });
});
