/** Helpers shared by the drm-*.test.ts suites (IGT style: exact errno and state). */
import { DrmDevice, DrmError } from '../src/libdrm/libdrm.js';
import type { Machine } from '../src/machine/machine.js';
import type { Syscalls } from '../src/uapi/syscalls.js';

export function errnoOf(fn: () => unknown): number {
  try { fn(); } catch (e) { if (e instanceof DrmError) return e.errno; throw e; }
  return 0;
}
export const now = () => Number(process.hrtime.bigint());
export const soon = () => now() + 5e9;

export function openNode(m: Machine, node: 'card0' | 'renderD128', opts: { capSysAdmin?: boolean; sys?: Syscalls } = {}): DrmDevice {
  const sys = opts.sys ?? m.spawn({ capSysAdmin: opts.capSysAdmin });
  return DrmDevice.open(sys, `/dev/dri/${node}`);
}

export const PAGE = 16384;

/** The process's CPU reading `len` bytes at a user address (throws MemoryFault as the process would fault). */
export function peek(d: DrmDevice, addr: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  d.sys.load(addr, out);
  return out;
}
/** The process's CPU writing bytes at a user address. */
export function poke(d: DrmDevice, addr: number, bytes: ArrayLike<number>): void {
  d.sys.store(addr, Uint8Array.from(bytes));
}
