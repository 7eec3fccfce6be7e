/**
 * `akari trace`: strace for the GPU stack. Every ioctl a program makes,
 * decoded by name with its argument struct, the result and errno, and the
 * firmware events and log lines it caused, in the order they happened.
 */
import { errnoName } from '../base/errors.js';
import { formatStruct, type CStruct, type CValues } from '../uapi/cstruct.js';
import { Machine } from '../machine/machine.js';
import { UmdDevice } from '../umd/device.js';
import { HANG_FS, drawTriangle, startTriangle } from '../umd/triangle.js';
import { DebugInject, REG } from '../hwdesc/regs.js';
import type { FwVersion } from '../hwdesc/fwabi.js';

/** A KMS event as read() returns it, in words. */
export function formatKmsEvent(ev: Uint8Array): string {
  const dv = new DataView(ev.buffer, ev.byteOffset, ev.byteLength);
  const type = dv.getUint32(0, true);
  const user = dv.getBigUint64(8, true);
  if (type === 1 || type === 2) {
    return `${type === 1 ? 'DRM_EVENT_VBLANK' : 'DRM_EVENT_FLIP_COMPLETE'} {user_data=${user}, tv=${dv.getUint32(16, true)}.${String(dv.getUint32(20, true)).padStart(6, '0')}, sequence=${dv.getUint32(24, true)}, crtc_id=${dv.getUint32(28, true)}}`;
  }
  if (type === 3) return `DRM_EVENT_CRTC_SEQUENCE {user_data=${user}, time_ns=${dv.getBigInt64(16, true)}, sequence=${dv.getBigUint64(24, true)}}`;
  return `event type ${type} (${ev.length} bytes)`;
}
const STATE_CHANGING = new Set(['DRM_IOCTL_MODE_ATOMIC', 'DRM_IOCTL_MODE_SETCRTC', 'DRM_IOCTL_MODE_PAGE_FLIP', 'DRM_IOCTL_MODE_SETPLANE', 'DRM_IOCTL_MODE_CURSOR', 'DRM_IOCTL_MODE_CURSOR2', 'DRM_IOCTL_MODE_RMFB']);

export interface TraceEvent { pid: number; name: string; request: number; args: CValues | null; out: CValues | null; errno: number; struct: CStruct | null }

/** One ioctl as a line: `[pid] NAME({in}) = 0 {out}` or `= -1 EINVAL ({in})`. */
export function formatIoctl(ev: TraceEvent): string {
  const fmt = (v: CValues | null) => (ev.struct && v ? formatStruct(ev.struct, v) : '{}');
  const inArgs = fmt(ev.args);
  if (ev.errno) return `[${ev.pid}] ${ev.name}(${inArgs}) = -1 ${errnoName(ev.errno)} (${ev.errno})`;
  const outArgs = fmt(ev.out);
  return `[${ev.pid}] ${ev.name}(${inArgs}) = 0${outArgs !== inArgs ? ` -> ${outArgs}` : ''}`;
}

/** Attaches the tracer to a machine; returns a function that detaches it. */
export function attachTracer(machine: Machine, write: (line: string) => void): () => void {
  const kms = machine.driver.kms;
  machine.dev.tracer = (ev) => {
    write(formatIoctl(ev));
    // the decoder prints the display state after each change of it
    if (kms && !ev.errno && STATE_CHANGING.has(ev.name) && !(ev.name === 'DRM_IOCTL_MODE_ATOMIC' && (ev.args?.flags ?? 0) & 0x100)) for (const l of kms.describe()) write(`  kms: ${l}`);
  };
  if (kms) kms.onEvent = (pid, ev) => write(`[${pid}] <- ${formatKmsEvent(ev)}`);
  machine.driver.hooks.onEvent = (ev) => write(`  fw event: ${ev.type} tag=${ev.tag} status=${ev.status}${ev.type === 'fault' ? ` addr=0x${ev.faultAddr.toString(16)} as=${ev.faultAs} access=${ev.faultAccess}` : ''}${
    ev.type === 'timeout' ? ` stopped after ${ev.primitives} primitives, ${ev.tiles} tiles` : ''}`);
  machine.driver.hooks.onFirmwareLog = (text) => write(`  fw log: ${text}`);
  machine.driver.hooks.onRecovery = (ev) => write(ev.kind === 'ban'
    ? `  kernel: queue ${ev.queue} banned (${ev.state}): ${ev.reason}; its submits now fail with ECANCELED`
    : `  kernel: GPU reset and firmware reboot: ${ev.reason}${ev.tag ? `; blamed job ${ev.tag} (queue ${ev.queue}, ${ev.state})` : '; nobody blamed'}; ${ev.rerun} innocent job(s) run again`);
  return () => {
    machine.dev.tracer = null;
    if (kms) kms.onEvent = null;
    machine.driver.hooks.onEvent = undefined;
    machine.driver.hooks.onFirmwareLog = undefined;
    machine.driver.hooks.onRecovery = undefined;
  };
}

export const TRACE_PROGRAMS = ['triangle', 'hang'] as const;


/** Runs a demo program under the tracer. */
export function traceProgram(program: string, o: { firmware?: FwVersion; deterministic?: boolean; write?: (line: string) => void } = {}): void {
  const write = o.write ?? ((s: string) => process.stdout.write(s + '\n'));
  if (!(TRACE_PROGRAMS as readonly string[]).includes(program)) throw new Error(`unknown program ${program} (known: ${TRACE_PROGRAMS.join(', ')})`);
  const machine = new Machine({ deterministic: o.deterministic ?? true, firmware: o.firmware ?? 'v2' });
  write(`# akari trace ${program}: firmware ${machine.driver.fwVersion}, GPU ${machine.options.deterministic ? 'in-thread' : 'on a worker'}`);
  const detach = attachTracer(machine, write);
  try {
    const sys = machine.spawn();
    write(`[${sys.pid}] +++ started`);
    if (program === 'hang') {
      // a runaway shader stopped by the firmware's watchdog; the queue banned; then a hung
      // coprocessor that only the kernel's job timeout catches (reset, reboot, re-run)
      const dev = new UmdDevice(sys);
      const run = drawTriangle(dev, { fs: HANG_FS, timeoutMs: 10, width: 64, height: 64 });
      write(`[${sys.pid}] +++ job ${run.status} after ${((run.result.ts_end! - run.result.ts_start!) / 1e6).toFixed(3)} ms of GPU time (timeout 10 ms)`);
      try { drawTriangle(dev, { width: 64, height: 64 }); } catch (e) { write(`[${sys.pid}] +++ ${(e as Error).message}`); }
      dev.replaceQueue();
      const other = new UmdDevice(machine.spawn());
      const pending = [startTriangle(dev, { width: 64, height: 64, timeoutMs: 100 }), startTriangle(other, { width: 64, height: 64 })];
      machine.bus.writeReg(REG.DEBUG_INJECT, DebugInject.HANG);
      write(`+++ coprocessor hung (DEBUG_INJECT)`);
      for (const p of pending) write(`+++ job ${p.finish().status}`);
    } else {
      const run = drawTriangle(new UmdDevice(sys), { layout: 'linear' });
      write(`[${sys.pid}] +++ job ${run.status}, ${run.width}x${run.height}`);
    }
    sys.exit();
    write(`[${sys.pid}] +++ exited`);
  } finally {
    detach();
    machine.shutdown();
  }
}
