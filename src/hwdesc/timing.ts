/**
 * The GPU's time model: what a unit of work costs on the virtual clock.
 *
 * In deterministic mode the GPU has no wall clock of its own: its clock is
 * virtual and moves only by the work the hardware does (and by the time the
 * kernel spends waiting for it), so a job's duration — and therefore whether
 * it outlives its watchdog — is the same on every run and every machine.
 * Tests can say "stopped within 10 ms of virtual time" and mean it exactly.
 *
 * In concurrent mode the clock is the host's monotonic clock and these costs
 * are not used: the watchdog reads the real clock between warps, tiles and
 * slices of a long warp.
 *
 * The numbers: a 1 GHz shader core issuing one 16-lane warp instruction per
 * cycle; launching a warp (lane setup, I/O) costs a few dozen cycles; a tile
 * (load, resolve, store of 32×32 pixels) a few hundred; every reading of the
 * timestamp counter by the firmware or the command processor a microsecond of
 * coprocessor time, which keeps successive timestamps strictly increasing.
 */
export const WORK_COST_NS = {
  /** one warp instruction issued (all 16 lanes) */
  instruction: 1,
  /** one warp launched (vertex or fragment) */
  warp: 32,
  /** one tile loaded, rendered and stored by the fragment pipeline */
  tile: 256,
  /** one reading of the timestamp counter */
  timestamp: 1000,
} as const;

/** Firmware v1 has no per-command timeout field: its watchdog is fixed (ms). */
export const FW_V1_WATCHDOG_MS = 2000;
