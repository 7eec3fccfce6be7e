/**
 * The hang/fault soak (`npm run soak`): a hostile client and an innocent one
 * share one GPU. The hostile client submits runaway jobs (a fragment shader
 * that never leaves its loop) and faulting jobs (a vertex attribute pointer
 * into unmapped memory), each on a fresh queue since the kernel bans the
 * last one; with every hostile job in flight the innocent client submits a
 * frame, queued behind it in the firmware. Every so often the coprocessor is
 * made to hang outright (REG.DEBUG_INJECT), which only the kernel's own job
 * timeout catches: reset, reboot, blame, innocent jobs re-run.
 *
 * It prints how many hangs and faults the innocent client lived through,
 * how many of its frames were wrong (any status but complete, or any pixel
 * different from its first frame: the goal is 0), and the recovery time:
 * from the hostile job's deadline (its start + timeout) to the start of the
 * innocent job behind it, in GPU time (virtual in deterministic mode); for
 * an injected coprocessor hang, from the hang to the innocent job running
 * again after the kernel's timeout, reset and reboot.
 *
 * Not a test: a benchmark-style run whose numbers go into reports.
 *   npm run soak -- [--hangs N] [--faults N] [--resets N] [--timeout-ms T] [--threaded]
 */
import { Machine } from '../machine/machine.js';
import { UmdDevice } from '../umd/device.js';
import { HANG_FS, drawTriangle, startTriangle, type TriangleRun } from '../umd/triangle.js';
import { DebugInject, REG } from '../hwdesc/regs.js';


interface Options { hangs: number; faults: number; resets: number; timeoutMs: number; threaded: boolean }

function parse(argv: string[]): Options {
  const o: Options = { hangs: 1000, faults: 1000, resets: 10, timeoutMs: 2, threaded: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, v = () => Number(argv[++i]);
    if (a === '--hangs') o.hangs = v();
    else if (a === '--faults') o.faults = v();
    else if (a === '--resets') o.resets = v();
    else if (a === '--timeout-ms') o.timeoutMs = v();
    else if (a === '--threaded') o.threaded = true;
    else throw new Error(`soak: unknown argument ${a}`);
  }
  return o;
}

const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function soak(o: Options): Record<string, number | string> {
  const m = new Machine({ deterministic: !o.threaded, firmware: 'v2' });
  try {
    const hostile = new UmdDevice(m.spawn());
    const innocent = new UmdDevice(m.spawn());
    const W = 64, H = 64;
    const ref = drawTriangle(innocent, { width: W, height: H });
    if (ref.status !== 'complete') throw new Error('soak: the innocent reference frame did not render');
    let wrong = 0, frames = 0, hangsSurvived = 0, faultsSurvived = 0, resetsSurvived = 0, hostileOther = 0;
    const recoveryNs: number[] = [], resetRecoveryNs: number[] = [], wallMs: number[] = [];
    const check = (r: TriangleRun) => {
      frames++;
      if (r.status !== 'complete' || r.pixels.length !== ref.pixels.length || r.pixels.some((v, i) => v !== ref.pixels[i])) wrong++;
    };
    // the schedule: hangs and faults interleaved, the injected coprocessor hangs spread among them
    const kinds: Array<'hang' | 'fault' | 'reset'> = [];
    for (let i = 0, h = 0, f = 0; h < o.hangs || f < o.faults; i++) {
      if (h < o.hangs) { kinds.push('hang'); h++; }
      if (f < o.faults) { kinds.push('fault'); f++; }
    }
    const every = o.resets ? Math.max(1, Math.floor(kinds.length / o.resets)) : 0;
    for (let i = 0, r = 0; r < o.resets; i += every, r++) kinds.splice(Math.min(i, kinds.length), 0, 'reset');
    for (const kind of kinds) {
      const t0 = performance.now();
      if (hostile.state() !== 'innocent') hostile.replaceQueue();
      const h = kind === 'fault'
        ? startTriangle(hostile, { corrupt: 'attribute', width: 32, height: 32 })
        : startTriangle(hostile, kind === 'hang' ? { fs: HANG_FS, timeoutMs: o.timeoutMs, width: 32, height: 32 } : { timeoutMs: o.timeoutMs, width: 32, height: 32 });
      const ok = startTriangle(innocent, { width: W, height: H });
      const resetsBefore = m.driver.counters.recoveries;
      const injectedAt = m.bus.now();
      if (kind === 'reset') m.bus.writeReg(REG.DEBUG_INJECT, DebugInject.HANG);
      const hr = h.finish();
      const ir = ok.finish();
      check(ir);
      // both jobs are done: their buffers go (the GPU holds none of them any more)
      for (const d of [hostile, innocent]) for (const bo of [...d.bos]) d.destroyBo(bo);
      hostile.drm.syncobjDestroy(hr.syncobj);
      innocent.drm.syncobjDestroy(ir.syncobj);
      wallMs.push(performance.now() - t0);
      const survived = ir.status === 'complete' && innocent.state() === 'innocent';
      if (kind === 'hang') {
        if (hr.status === 'timeout' && survived) hangsSurvived++; else hostileOther++;
        recoveryNs.push(ir.result.ts_start! - (hr.result.ts_start! + o.timeoutMs * 1e6));
      } else if (kind === 'fault') {
        if (hr.status === 'fault' && survived) faultsSurvived++; else hostileOther++;
      } else {
        if (m.driver.counters.recoveries === resetsBefore + 1 && survived) resetsSurvived++; else hostileOther++;
        // the hung coprocessor reports nothing: from the hang to the innocent job running again
        resetRecoveryNs.push(ir.result.ts_start! - injectedAt);
      }
    }
    // and the innocent client still renders afterwards
    check(drawTriangle(innocent, { width: W, height: H }));
    return {
      mode: o.threaded ? 'concurrent (host clock)' : 'deterministic (virtual GPU clock)',
      hostile_timeout_ms: o.timeoutMs,
      hangs: o.hangs, hangs_survived: hangsSurvived,
      faults: o.faults, faults_survived: faultsSurvived,
      injected_coprocessor_hangs: o.resets, coprocessor_hangs_survived: resetsSurvived,
      hostile_jobs_with_unexpected_outcome: hostileOther,
      innocent_frames: frames, innocent_frames_wrong: wrong,
      median_recovery_after_deadline_us: +(median(recoveryNs) / 1e3).toFixed(3),
      max_recovery_after_deadline_us: +(Math.max(...recoveryNs, 0) / 1e3).toFixed(3),
      median_reset_recovery_ms: +(median(resetRecoveryNs) / 1e6).toFixed(3),
      median_wall_ms_per_cycle: +median(wallMs).toFixed(2),
      gpu_resets: m.driver.counters.recoveries, queues_banned: m.driver.counters.bans,
      jobs_rerun_after_reset: m.driver.counters.rerun,
    };
  } finally { m.shutdown(); }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const o = parse(process.argv.slice(2));
  const t0 = performance.now();
  const r = soak(o);
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(42)} ${v}`);
  console.log(`${'wall_s'.padEnd(42)} ${((performance.now() - t0) / 1000).toFixed(1)}`);
}
