/**
 * `akari trace`: strace for the GPU stack. Every ioctl a program makes,
 * decoded by name with its argument struct, the result and errno, and the
 * firmware events and log lines it caused, in the order they happened.
 */
import { errnoName } from '../base/errors.js';
import { formatStruct, type CStruct, type CValues } from '../uapi/cstruct.js';
import { Machine } from '../machine/machine.js';
import { UmdDevice } from '../umd/device.js';
import { drawTriangle } from '../umd/triangle.js';
import type { FwVersion } from '../hwdesc/fwabi.js';

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
  machine.dev.tracer = (ev) => write(formatIoctl(ev));
  machine.driver.hooks.onEvent = (ev) => write(`  fw event: ${ev.type} tag=${ev.tag} status=${ev.status}${ev.type === 'fault' ? ` addr=0x${ev.faultAddr.toString(16)} as=${ev.faultAs} access=${ev.faultAccess}` : ''}`);
  machine.driver.hooks.onFirmwareLog = (text) => write(`  fw log: ${text}`);
  return () => {
    machine.dev.tracer = null;
    machine.driver.hooks.onEvent = undefined;
    machine.driver.hooks.onFirmwareLog = undefined;
  };
}

export const TRACE_PROGRAMS = ['triangle'] as const;

/** Runs a demo program under the tracer. */
export function traceProgram(program: string, o: { firmware?: FwVersion; deterministic?: boolean; write?: (line: string) => void } = {}): void {
  const write = o.write ?? ((s: string) => process.stdout.write(s + '\n'));
  if (program !== 'triangle') throw new Error(`unknown program ${program} (known: ${TRACE_PROGRAMS.join(', ')})`);
  const machine = new Machine({ deterministic: o.deterministic ?? true, firmware: o.firmware ?? 'v2' });
  write(`# akari trace ${program}: firmware ${machine.driver.fwVersion}, GPU ${machine.options.deterministic ? 'in-thread' : 'on a worker'}`);
  const detach = attachTracer(machine, write);
  try {
    const sys = machine.spawn();
    write(`[${sys.pid}] +++ started`);
    const run = drawTriangle(new UmdDevice(sys), { layout: 'linear' });
    write(`[${sys.pid}] +++ job ${run.status}, ${run.width}x${run.height}`);
    sys.exit();
    write(`[${sys.pid}] +++ exited`);
  } finally {
    detach();
    machine.shutdown();
  }
}
