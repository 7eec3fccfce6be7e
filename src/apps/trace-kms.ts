/**
 * `akari trace kmscube|modetest`: the display clients under the tracer —
 * every KMS ioctl decoded, each event as read() returns it, and the display
 * state after each change.
 */
import { Machine } from '../machine/machine.js';
import { attachTracer } from '../tools/trace.js';
import { runKmscube } from './kmscube.js';
import { runModetest } from './modetest.js';
import type { FwVersion } from '../hwdesc/fwabi.js';

export const KMS_TRACE_PROGRAMS = ['kmscube', 'modetest'] as const;

export function traceKmsProgram(program: string, o: { firmware?: FwVersion; deterministic?: boolean; frames?: number; write?: (line: string) => void } = {}): void {
  const write = o.write ?? ((s: string) => process.stdout.write(s + '\n'));
  if (!(KMS_TRACE_PROGRAMS as readonly string[]).includes(program)) throw new Error(`unknown program ${program}`);
  const machine = new Machine({ deterministic: o.deterministic ?? true, firmware: o.firmware ?? 'v2' });
  write(`# akari trace ${program}: firmware ${machine.driver.fwVersion}, display in ${machine.options.deterministic ? 'virtual' : 'real'} time`);
  const detach = attachTracer(machine, write);
  try {
    const frames = o.frames ?? 3;
    const log = (s: string) => write(`# ${s}`);
    const r = program === 'kmscube'
      ? runKmscube({ frames, atomic: true, machine, connector: 1, mode: '1024x768', log })
      : runModetest({ set: `${machine.driver.kms!.connectors[1]!.id}:1024x768`, vsync: true, frames, machine, log });
    write(`[${r.sys.pid}] +++ exited`);
  } finally {
    detach();
    machine.shutdown();
  }
}
