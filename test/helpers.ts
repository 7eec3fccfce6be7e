/** Shared test helpers. */
import { Machine, type MachineOptions } from '../src/machine/machine.js';
import { UmdDevice } from '../src/umd/device.js';

export function withMachine<T>(opts: MachineOptions, fn: (m: Machine) => T): T {
  const m = new Machine(opts);
  try { return fn(m); } finally { m.shutdown(); }
}

export function withDevice<T>(opts: MachineOptions, fn: (dev: UmdDevice, m: Machine) => T): T {
  return withMachine(opts, (m) => fn(new UmdDevice(m.spawn()), m));
}

export const MODES: Array<{ name: string; opts: MachineOptions }> = [
  { name: 'deterministic', opts: { deterministic: true } },
  { name: 'worker', opts: { deterministic: false } },
];
export const FIRMWARES = ['v1', 'v2'] as const;
